//! Static assets embedded in the binary: our stylesheet and scripts, and the
//! front-end libraries vendored from npm (htmx, Swagger UI). Nothing is
//! loaded from a CDN.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// (path under `/static/`, content type, bytes)
const FILES: &[(&str, &str, &[u8])] = &[
    ("app.css", "text/css; charset=utf-8", include_bytes!("../static/app.css")),
    ("favicon.svg", "image/svg+xml", include_bytes!("../static/favicon.svg")),
    ("api-docs.js", "text/javascript; charset=utf-8", include_bytes!("../static/api-docs.js")),
    ("queue.css", "text/css; charset=utf-8", include_bytes!("../static/queue.css")),
    ("kiosk.js", "text/javascript; charset=utf-8", include_bytes!("../static/kiosk.js")),
    ("board.js", "text/javascript; charset=utf-8", include_bytes!("../static/board.js")),
    ("console.js", "text/javascript; charset=utf-8", include_bytes!("../static/console.js")),
    ("ticket.js", "text/javascript; charset=utf-8", include_bytes!("../static/ticket.js")),
    ("pay.js", "text/javascript; charset=utf-8", include_bytes!("../static/pay.js")),
    ("vendor/htmx.min.js", "text/javascript; charset=utf-8", include_bytes!("../static/vendor/htmx.min.js")),
    (
        "vendor/swagger-ui/swagger-ui-bundle.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/vendor/swagger-ui/swagger-ui-bundle.js"),
    ),
    (
        "vendor/swagger-ui/swagger-ui.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/vendor/swagger-ui/swagger-ui.css"),
    ),
];

/// Looks up an embedded asset.
pub fn get(path: &str) -> Option<(&'static str, &'static [u8])> {
    FILES.iter().find(|(p, _, _)| *p == path).map(|(_, ct, b)| (*ct, *b))
}

/// `GET /static/{*path}`.
pub async fn serve(Path(path): Path<String>) -> Response {
    match get(&path) {
        Some((ct, bytes)) => {
            let cache = if path.starts_with("vendor/") { "public, max-age=604800" } else { "public, max-age=3600" };
            ([(header::CONTENT_TYPE, ct), (header::CACHE_CONTROL, cache)], bytes).into_response()
        }
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}
