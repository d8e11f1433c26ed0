//! The common case of decoding in one pass, with no error reporting: a pure
//! ASCII payload whose CRC was verified, `000201` first, distinct root fields
//! ending where `6304` starts, and well-formed templates with sub-field IDs
//! below 64. It answers `false` on anything else, leaving the general path of
//! [`super::Payload`] to name the error (or accept the payload), and accepts
//! exactly what that path accepts, with the same spans.
//!
//! Its pieces (reading a header, walking a template, checking a merchant account
//! template) also serve the one-pass VietQR view of [`crate::view`].

use super::{Span, sub};

/// Reads the data object header at `b[pos..]`: its ID and the byte offset where its
/// value ends (a byte count, so for ASCII text only), or `None` when the header is
/// not four digits or the value runs past `end`.
#[inline(always)]
pub(crate) fn header(b: &[u8], pos: usize, end: usize) -> Option<(u8, usize)> {
    let h = u32::from_le_bytes(b.get(pos..pos + 4)?.try_into().ok()?);
    // Four digits at once: subtracting '0' leaves every byte at most 9 exactly when
    // all four are digits (a byte below '0' shows as at least 0xD0, since it borrows;
    // a byte of 0x8A or more sets its own top bit, and 10-0x89 set it once 0x76 is
    // added).
    let d = h.wrapping_sub(0x3030_3030);
    let digits = (d | d.wrapping_add(0x7676_7676)) & 0x8080_8080 == 0;
    // Byte 0 becomes 10 * d0 + d1 (the ID) and byte 2 10 * d2 + d3 (the length).
    let v = d.wrapping_mul(10).wrapping_add(d >> 8);
    let stop = pos + 4 + usize::from((v >> 16) as u8);
    // One branch for both checks (`&`, not `&&`).
    (digits & (stop <= end)).then_some((v as u8, stop))
}

/// Visits the sub-fields of the ASCII template value at `s` as `(id, span)`; `false`
/// when it is not well-formed, repeats an ID, or uses an ID of 64 or more (which the
/// common path leaves to the general one).
#[inline(always)]
pub(crate) fn walk(b: &[u8], s: Span, mut visit: impl FnMut(u8, Span)) -> bool {
    let (mut pos, end) = (usize::from(s.start), usize::from(s.end));
    // Every header read below then lies within `b` (templates end before `6304`),
    // which the compiler can see.
    if end + 4 > b.len() {
        return false;
    }
    let mut seen = 0u64;
    while pos < end {
        let Some((id, stop)) = header(b, pos, end) else {
            return false;
        };
        let bit = 1u64 << (id & 63);
        if (id >= 64) | (seen & bit != 0) {
            return false;
        }
        seen |= bit;
        visit(id, Span { start: (pos + 4) as u16, end: stop as u16 });
        pos = stop;
    }
    true
}

/// Whether the value at `s` is the NAPAS GUID (any case).
#[inline(always)]
pub(crate) fn is_napas(b: &[u8], s: Span) -> bool {
    let g = &b[usize::from(s.start)..usize::from(s.end)];
    g == crate::NAPAS_GUID.as_bytes() || g.eq_ignore_ascii_case(crate::NAPAS_GUID.as_bytes())
}

/// The one-pass walk of this module over the payload bytes `b`, filling `slots`
/// and the sub-field spans the views read (`sub`); `false` outside the common case.
#[inline(always)]
pub(crate) fn common_root(b: &[u8], slots: &mut [Span; 100], sub: &mut [Span; 16]) -> bool {
    let n = b.len();
    if n < 14 || b[..6] != *b"000201" {
        return false;
    }
    slots[0] = Span { start: 4, end: 6 };
    slots[63] = Span { start: (n - 4) as u16, end: n as u16 };
    let end = n - 8;
    let mut pos = 6;
    while pos < end {
        let Some((id, stop)) = header(b, pos, end) else {
            return false;
        };
        let span = Span { start: (pos + 4) as u16, end: stop as u16 };
        let slot = &mut slots[usize::from(id)];
        // A repeated ID, `00` and `63` included.
        if slot.start != 0 {
            return false;
        }
        *slot = span;
        // Templates are checked as they come (the general path reports the first
        // error in ID order).
        let ok = match id {
            38 => common_napas(b, span, sub),
            62 => common_additional(b, span, sub),
            26..=51 => walk_account(b, span),
            64 => walk(b, span, |_, _| ()),
            _ => true,
        };
        if !ok {
            return false;
        }
        pos = stop;
    }
    true
}

/// The spans of field `38` in the common case: `38.00` (the GUID), `38.01`, `38.02`
/// (the service code) and, when the GUID is NAPAS's, `38.01.00` (the BIN) and
/// `38.01.01` (the account); absent ones are empty.
#[derive(Clone, Copy, Default)]
pub(crate) struct NapasSpans {
    pub(crate) guid: Span,
    pub(crate) org: Span,
    pub(crate) service: Span,
    pub(crate) bin: Span,
    pub(crate) account: Span,
}

/// Walks field `38` at `s` (and `38.01` when the GUID is NAPAS's); `None` outside
/// the common case.
#[inline(always)]
pub(crate) fn napas_spans(b: &[u8], s: Span) -> Option<NapasSpans> {
    let mut n = NapasSpans::default();
    let ok = walk(b, s, |id, span| match id {
        0 => n.guid = span,
        1 => n.org = span,
        2 => n.service = span,
        _ => {}
    });
    if !ok {
        return None;
    }
    if n.org.start == 0 || !is_napas(b, n.guid) {
        return Some(n);
    }
    let ok = walk(b, n.org, |id, span| match id {
        0 => n.bin = span,
        1 => n.account = span,
        _ => {}
    });
    ok.then_some(n)
}

/// Field `38` in the common case, its spans cached.
#[inline(always)]
fn common_napas(b: &[u8], s: Span, cache: &mut [Span; 16]) -> bool {
    let Some(n) = napas_spans(b, s) else {
        return false;
    };
    cache[sub::GUID] = n.guid;
    cache[sub::ORG] = n.org;
    cache[sub::SERVICE] = n.service;
    cache[sub::BIN] = n.bin;
    cache[sub::ACCOUNT] = n.account;
    true
}

/// Field `62` in the common case: `62.01`-`62.11` are cached.
#[inline(always)]
fn common_additional(b: &[u8], s: Span, cache: &mut [Span; 16]) -> bool {
    walk(b, s, |id, span| {
        if let 1..=11 = id {
            cache[sub::ADD + usize::from(id)] = span;
        }
    })
}

/// A merchant account template other than `38` in the common case, with its `01`
/// checked as a template when its GUID is NAPAS's.
#[inline]
pub(crate) fn walk_account(b: &[u8], s: Span) -> bool {
    let (mut guid, mut org) = (Span::default(), Span::default());
    let ok = walk(b, s, |id, span| match id {
        0 => guid = span,
        1 => org = span,
        _ => {}
    });
    if !ok || org.start == 0 || !is_napas(b, guid) {
        return ok;
    }
    walk(b, org, |_, _| ())
}
