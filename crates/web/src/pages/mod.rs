//! Server-rendered pages, one module per area, and what every page shares:
//! the [`PageCtx`] (language, user, CSRF token, navigation) and rendering.

pub mod admin;
pub mod area;
pub mod auth;
pub mod dossier;
pub mod home;
pub mod market;
pub mod payment;
pub mod queue;
pub mod unit;

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use domain::auth::Role;

use crate::auth::{AuthState, Principal};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;

/// One entry of the navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    /// Link target.
    pub href: &'static str,
    /// i18n key of the label.
    pub key: &'static str,
    /// Whether it is the current section.
    pub current: bool,
}

/// The navigation, following the user's roles: each area is listed only for
/// the roles its routes admit (the same [`crate::auth::Need`]s the router applies).
pub fn nav_for(principal: Option<&Principal>, path: &str) -> Vec<NavItem> {
    let Some(p) = principal else { return Vec::new() };
    let mut items = Vec::new();
    let mut add = |href: &'static str, key: &'static str, roles: &[Role]| {
        if p.has_any(roles) {
            let current = path == href || path.starts_with(&format!("{href}/"));
            items.push(NavItem { href, key, current });
        }
    };
    add("/queue", "nav.queue", area::QUEUE.0);
    add("/dossiers", "nav.dossiers", area::DOSSIERS.0);
    add("/payments", "nav.payments", area::PAYMENTS.0);
    add("/markets", "nav.markets", area::MARKETS.0);
    add("/indicators", "nav.indicators", area::INDICATORS.0);
    add("/units", "nav.units", &Role::ALL);
    add("/admin/users", "nav.users", &[Role::Admin]);
    add("/admin/audit", "nav.audit", &[Role::Admin]);
    items
}

/// What every page template needs.
#[derive(Debug, Clone)]
pub struct PageCtx {
    /// Interface language.
    pub lang: Lang,
    /// The logged-in user.
    pub user: Option<Principal>,
    /// CSRF token for the page's forms.
    pub csrf: String,
    /// Navigation for the user.
    pub nav: Vec<NavItem>,
    /// The request path (for the language switch's return).
    pub path: String,
}

impl PageCtx {
    /// Translates a key.
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    /// The user's display name, or empty.
    pub fn user_name(&self) -> &str {
        self.user.as_ref().map(|p| p.user.display_name.as_str()).unwrap_or("")
    }

    /// A role's label in the page's language.
    pub fn role_label(&self, r: &Role) -> &'static str {
        self.lang.pick(r.label_vi(), r.label_en())
    }

    /// A stored `YYYY-MM-DD` date shown as `dd/MM/yyyy`.
    pub fn date(&self, iso: &str) -> String {
        domain::time::parse_date(iso).map(domain::time::format_date).unwrap_or_else(|| iso.to_string())
    }

    /// A stored instant shown at UTC+7.
    pub fn time(&self, ms: &i64) -> String {
        domain::time::format_local(*ms)
    }
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let auth = parts.extensions.get::<AuthState>().cloned().unwrap_or_default();
        let path = parts.uri.path().to_string();
        Ok(PageCtx {
            lang: Lang::from_headers(&parts.headers),
            nav: nav_for(auth.principal.as_ref(), &path),
            csrf: auth.csrf_token(st),
            user: auth.principal,
            path,
        })
    }
}

/// Renders a template into an HTML response.
pub fn render(t: &impl Template) -> Result<Response, AppError> {
    Ok(Html(t.render()?).into_response())
}

/// Renders a form page: 200, or 422 when it shows a refusal next to the form.
pub fn render_form(t: &impl Template, refused: bool) -> Result<Response, AppError> {
    let status = if refused { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(t)?).into_response())
}
