//! Pages of the public service center queue: the staff home listing the
//! centers a user may work, and (in submodules) the kiosk, the counter
//! console, the display board, the citizen's phone ticket, appointments and
//! statistics.

pub mod board;
pub mod booking;
pub mod console;
pub mod kiosk;
pub mod settings;
pub mod stats;
pub mod ticket;

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::{PageCtx, render};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::pages::area::QUEUE;
use crate::state::AppState;

/// A center with its counters, as the staff home lists it.
pub struct CenterRow {
    /// The center.
    pub center: store::queue::Center,
    /// Its active counters.
    pub counters: Vec<store::queue::Counter>,
}

/// The centers the user may work (grant over their unit), with their counters.
pub async fn centers_for(st: &AppState, p: &crate::auth::Principal) -> Result<Vec<CenterRow>, AppError> {
    let mut out = Vec::new();
    for c in store::queue::centers(&st.db).await? {
        if p.require_unit(st, c.unit_id, QUEUE.0).await.is_ok() {
            let counters = store::queue::counters(&st.db, c.id).await?.into_iter().filter(|k| k.active).collect();
            out.push(CenterRow { center: c, counters });
        }
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "queue/home.html")]
struct Home {
    ctx: PageCtx,
    centers: Vec<CenterRow>,
    is_admin: bool,
}

/// `GET /queue`: the centers in the user's scope, with links to each screen.
pub async fn home(State(st): State<AppState>, ctx: PageCtx, CurrentUser(p): CurrentUser) -> Result<Response, AppError> {
    let centers = centers_for(&st, &p).await?;
    let is_admin = p.has_any(&[domain::auth::Role::Admin]);
    render(&Home { ctx, centers, is_admin })
}

/// A center with its services and counters by code, from the instance's
/// short-lived cache (issuing a ticket reads them on every request; settings
/// pages clear it).
pub async fn center_config(st: &AppState, code: &str) -> Result<std::sync::Arc<crate::cache::CenterConfig>, AppError> {
    let load = async {
        let Some(center) = store::queue::center_by_code(&st.db, code).await? else {
            return Err(AppError::NotFound(format!("không có trung tâm mã {code} (no such center)")));
        };
        let services = store::queue::services(&st.db, center.id).await?;
        let counters = store::queue::counters(&st.db, center.id).await?;
        Ok(std::sync::Arc::new(crate::cache::CenterConfig { center, services, counters }))
    };
    st.caches.centers.get_or_load(code.to_string(), load).await
}

/// The configuration of a counter's center, from the same cache (calling the
/// next ticket reads it on every request).
pub async fn counter_config(
    st: &AppState,
    counter_id: i64,
) -> Result<std::sync::Arc<crate::cache::CenterConfig>, AppError> {
    let load = async {
        let counter = store::queue::counter(&st.db, counter_id).await?;
        Ok::<_, AppError>(store::queue::center(&st.db, counter.center_id).await?.code)
    };
    let code = st.caches.counter_centers.get_or_load(counter_id, load).await?;
    let config = center_config(st, &code).await?;
    if config.counter(counter_id).is_some() {
        return Ok(config);
    }
    // A counter created since the center was cached.
    st.caches.centers.clear();
    center_config(st, &code).await
}

/// The purpose label of ticket links (see `domain::auth::link_key`).
pub const TICKET_LINK: &str = "ticket";

/// The address where a citizen follows a ticket on a phone: the ticket id
/// and a key derived from it, so that nobody can page through others' tickets.
pub fn track_url(st: &AppState, ticket_id: i64) -> String {
    let key = domain::auth::link_key(&st.secret, TICKET_LINK, &ticket_id.to_string());
    format!("{}/q/{ticket_id}?k={key}", st.config.public_url.trim_end_matches('/'))
}
