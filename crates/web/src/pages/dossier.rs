//! The dossier pages (một cửa điện tử): what officers see — the inbox, a
//! dossier's page with its next actions, the form PDFs and the reports — and
//! what citizens see — the online portal, tracking and rating. The records
//! and rules are in [`store::dossier`] and [`domain::dossier`]; the API twin
//! is [`crate::api::dossier`].

pub mod action;
pub mod detail;
pub mod forms;
pub mod inbox;
pub mod intake;
pub mod portal;
pub mod report;
pub mod tracking;
