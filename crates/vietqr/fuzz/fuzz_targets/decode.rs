//! Feeds arbitrary bytes to the decoder: as `&str` when they are valid UTF-8, and
//! always as a lossy conversion, then through every view, profile check and
//! accessor of a decoded payload. Each text is also tried with a `6304` CRC field
//! appended, so that the structural checks behind the CRC are reached. Nothing may
//! panic.

#![no_main]

use core::fmt::Write;

use libfuzzer_sys::fuzz_target;
use vietqr::{Profile, crc16, decode, decode_vietqr, detect_profile};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = core::str::from_utf8(data) {
        exercise(text);
    }
    exercise(&String::from_utf8_lossy(data));
});

/// Decodes `text`, then `text` with a correct CRC field appended.
fn exercise(text: &str) {
    run(text);
    let mut fixed = String::with_capacity(text.len() + 8);
    fixed.push_str(text);
    fixed.push_str("6304");
    let crc = crc16(fixed.as_bytes());
    let _ = write!(fixed, "{crc:04X}");
    run(&fixed);
}

fn run(text: &str) {
    let _ = decode_vietqr(text);
    let payload = match decode(text) {
        Ok(p) => p,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let _ = detect_profile(&payload);
    for profile in [Profile::Emvco, Profile::VietQr] {
        if let Err(e) = payload.validate(profile) {
            let _ = e.to_string();
        }
    }
    if let Ok(q) = payload.vietqr() {
        let _ = (q.is_card(), q.bin.bank(), q.amount.map(|a| a.to_string()));
    }
    let merchant = payload.merchant();
    if let Some(account) = merchant.account {
        let _ = account.get(0);
    }
    for field in payload.fields() {
        let _ = payload.field(field.id);
        for sub in payload.template(field.id) {
            let _ = payload.sub_template(&sub).count();
        }
    }
    let _ = format!("{payload:?}");
}
