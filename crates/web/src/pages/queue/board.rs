//! The display board: a TV page in the waiting room, public like the numbers
//! it shows. The server renders the current state; `static/board.js` keeps
//! it live from the center's event stream, plays a chime and speaks each
//! call in Vietnamese (twice), and reconnects and re-reads the state after
//! any network blip.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use store::queue::view::CenterState;

use crate::error::AppError;
use crate::pages::{PageCtx, render};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "queue/board.html")]
struct Board {
    ctx: PageCtx,
    state: CenterState,
}

/// `GET /board/{center}`.
pub async fn show(State(st): State<AppState>, ctx: PageCtx, Path(code): Path<String>) -> Result<Response, AppError> {
    let center = store::queue::center_by_code(&st.db, &code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("không có trung tâm mã {code} (no such center)")))?;
    let state = store::queue::view::center_state(&st.db, center.id, 8).await?;
    render(&Board { ctx, state })
}
