//! Cashless payments (VietQR transfers confirmed by an aggregator or a bank):
//! the pure rules, following `shared/domain/payments.md`.
//!
//! - [`money`]: amounts in integer đồng, fee lines, checked totals and the
//!   `1.250.000 ₫` display form;
//! - [`webhook`]: parsing and signature checks of payOS, Casso v2 and SePay
//!   notifications into one [`webhook::Notification`];
//! - [`reconcile`]: matching a notification to an open bill (virtual account
//!   first, then the payment code in the transfer content) and the daily report.
//!
//! Nothing here does I/O: the web layer hands in the raw body, the headers and
//! the current time; the store supplies bill lookups and persists the outcome.

pub mod money;
pub mod reconcile;
pub mod webhook;
