//! The web layer of Xã Số: an axum application serving server-rendered
//! pages (askama, progressive enhancement with htmx) and a JSON API with an
//! OpenAPI document, from one router.
//!
//! A request flows through: request id → tracing span → metrics → error
//! rendering → authentication (session cookie or bearer token, resolved to a
//! [`auth::Principal`]) → CSRF check for cookie-authenticated writes → the
//! route's access policy ([`auth::Need`]) → the handler. Handlers call the
//! business operations in `store`; they never write SQL.
//!
//! Areas keep their names: `pages/unit.rs`, `api/unit.rs`, `templates/unit/`.

pub mod api;
pub mod assets;
pub mod auth;
pub mod cache;
pub mod error;
pub mod i18n;
pub mod jobs;
pub mod live;
pub mod notify;
mod ops;
pub mod pages;
mod router;
pub mod state;

pub use error::AppError;
pub use router::router;
pub use state::{AppState, WebConfig};
