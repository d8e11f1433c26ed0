//! VietQR / EMVCo merchant-presented QR codec, bank directory, payment codes and QR images.
//!
#![doc = include_str!("../README.md")]
//!
//! # Modules
//! - [`decode`](mod@decode): structural decoding and CRC ([`decode()`], [`Payload`]);
//!   profile rules live in `profile` ([`Payload::validate`], [`detect_profile`]);
//! - [`view`]: typed [`VietQr`] and generic [`Merchant`] views;
//! - [`encode`](mod@encode): [`Transfer`] → payload;
//! - [`tlv`], [`crc`]: the EMVCo TLV layer and CRC-16/CCITT-FALSE;
//! - [`banks`]: the BIN directory; [`code`]: payment codes; [`fold`]: ASCII folding;
//! - `render` (feature `render`): SVG/PNG; `cli` (feature `cli`): subcommands.

pub mod banks;
pub mod code;
pub mod crc;
pub mod decode;
mod digits;
pub mod encode;
pub mod fold;
mod profile;
pub mod tlv;
pub mod types;
pub mod view;

#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "render")]
pub mod render;

/// GUID (AID) of NAPAS VietQR merchant account information (field `38.00`).
pub const NAPAS_GUID: &str = "A000000727";

pub use banks::Bank;
pub use crc::crc16;
pub use decode::{DecodeError, MAX_PAYLOAD_BYTES, Payload, Profile, decode};
pub use encode::{EncodeError, NAPAS_PER_TRANSACTION_LIMIT, Transfer};
pub use profile::detect as detect_profile;
pub use types::{Bin, Initiation, Service, Vnd};
pub use view::{AdditionalData, Merchant, MerchantAccount, Scheme, VietQr, decode_vietqr};
