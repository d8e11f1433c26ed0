//! The one integration-test binary of Xã Số.
//!
//! Every test starts the real application on a real port (127.0.0.1:0) over
//! a fresh database: a SQLite file by default, or a new PostgreSQL database
//! when `XASO_TEST_POSTGRES_URL` is set (see [`common`]). Tests that need
//! the `xaso` binary itself (CLI contracts, two instances, `kill -9`) spawn
//! the binary cargo built for this test run.

mod audit;
mod auth;
mod authz;
mod browser;
mod cli;
mod common;
mod dossier_pages;
mod dossier_public;
mod dossier_reports;
mod dossier_speed;
mod dossier_workflow;
mod dossiers;
mod durability;
mod jobs;
mod markets;
mod multi_instance;
mod notify;
mod openapi;
mod ops;
mod payment_pages;
mod payments;
mod payments_durability;
mod payments_ingest;
mod procedures;
mod queue;
mod queue_api;
mod queue_live;
mod queue_pages;
mod queue_stats;
mod units;
