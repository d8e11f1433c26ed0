//! The single integration-test binary of `vietqr`: the NAPAS examples, decoder and
//! encoder behaviour, property tests, the fuzz harness, payment codes, rendering and
//! the CLI contract.

mod common;
mod decode;
mod fuzz;
mod props;
mod spec;

#[cfg(feature = "cli")]
mod cli;
#[cfg(feature = "render")]
mod render;
