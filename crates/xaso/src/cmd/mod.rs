//! The subcommands of `xaso`, one module each.

pub mod db;
pub mod dossiers;
pub mod serve;
pub mod token;
pub mod units;
pub mod user;
