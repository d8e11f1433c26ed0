//! The common case of decoding in one pass, with no error reporting: a pure
//! ASCII payload whose CRC was verified, `000201` first, distinct root fields
//! ending where `6304` starts, and well-formed templates with sub-field IDs
//! below 64. It answers `false` on anything else, leaving the general path of
//! [`super::Payload`] to name the error (or accept the payload), and accepts
//! exactly what that path accepts, with the same spans.
//!
//! The root spans go into a [`RootSlots`]: a payload's full table, or the few
//! fields the VietQR view reads ([`VietQrSlots`], for [`crate::decode_vietqr`]).

use super::{Span, sub};

/// Where the one-pass common path puts root spans: a payload's full table, or the
/// few fields the VietQR view reads ([`VietQrSlots`]).
pub(crate) trait RootSlots {
    /// Records root field `id` (at most 99); `false` when it was seen already.
    fn put(&mut self, id: u8, span: Span) -> bool;
    /// The span of root field `id`, empty when absent (or not kept).
    fn at(&self, id: u8) -> Span;
}

impl RootSlots for [Span; 100] {
    #[inline(always)]
    fn put(&mut self, id: u8, span: Span) -> bool {
        let slot = &mut self[usize::from(id)];
        // A repeated ID, `00` and `63` included.
        if slot.start != 0 {
            return false;
        }
        *slot = span;
        true
    }

    #[inline(always)]
    fn at(&self, id: u8) -> Span {
        self[usize::from(id)]
    }
}

/// The root fields [`crate::decode_vietqr`] needs: the spans of IDs below 64 (all
/// the VietQR view reads), and a mask of the IDs 64-99 seen (for duplicates);
/// 264 bytes to clear instead of 400.
#[derive(Clone, Copy)]
pub(crate) struct VietQrSlots {
    spans: [Span; 64],
    high: u64,
}

impl Default for VietQrSlots {
    fn default() -> Self {
        VietQrSlots { spans: [Span::default(); 64], high: 0 }
    }
}

impl RootSlots for VietQrSlots {
    #[inline(always)]
    fn put(&mut self, id: u8, span: Span) -> bool {
        match self.spans.get_mut(usize::from(id)) {
            Some(slot) if slot.start != 0 => false,
            Some(slot) => {
                *slot = span;
                true
            }
            None => {
                let bit = 1u64 << (id & 63);
                let fresh = self.high & bit == 0;
                self.high |= bit;
                fresh
            }
        }
    }

    #[inline(always)]
    fn at(&self, id: u8) -> Span {
        self.spans.get(usize::from(id)).copied().unwrap_or_default()
    }
}

/// Reads the data object header at `b[pos..]`: its ID and the byte offset where its
/// value ends (a byte count, so for ASCII text only), or `None` when the header is
/// not four digits or the value runs past `end`.
#[inline(always)]
fn header(b: &[u8], pos: usize, end: usize) -> Option<(u8, usize)> {
    let h = u32::from_le_bytes(b.get(pos..pos + 4)?.try_into().ok()?);
    // Four digits at once: subtracting '0' leaves every byte at most 9 exactly when
    // all four are digits (a byte below '0' shows as at least 0xD0, since it borrows;
    // a byte of 0x8A or more sets its own top bit, and 10-0x89 set it once 0x76 is
    // added).
    let d = h.wrapping_sub(0x3030_3030);
    if (d | d.wrapping_add(0x7676_7676)) & 0x8080_8080 != 0 {
        return None;
    }
    // Byte 0 becomes 10 * d0 + d1 (the ID) and byte 2 10 * d2 + d3 (the length).
    let v = d * 10 + (d >> 8);
    let stop = pos + 4 + usize::from((v >> 16) as u8);
    (stop <= end).then_some((v as u8, stop))
}

/// Visits the sub-fields of the ASCII template value at `s` as `(id, span)`; `false`
/// when it is not well-formed, repeats an ID, or uses an ID of 64 or more (which the
/// common path leaves to the general one).
#[inline(always)]
fn walk(b: &[u8], s: Span, mut visit: impl FnMut(u8, Span)) -> bool {
    let (mut pos, end) = (usize::from(s.start), usize::from(s.end));
    let mut seen = 0u64;
    while pos < end {
        let Some((id, stop)) = header(b, pos, end) else {
            return false;
        };
        let bit = 1u64.checked_shl(u32::from(id)).unwrap_or(0);
        if bit == 0 || seen & bit != 0 {
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
fn is_napas(b: &[u8], s: Span) -> bool {
    let g = &b[usize::from(s.start)..usize::from(s.end)];
    g == crate::NAPAS_GUID.as_bytes() || g.eq_ignore_ascii_case(crate::NAPAS_GUID.as_bytes())
}

/// The one-pass walk of this module over the payload bytes `b`, filling `slots`
/// and the sub-field spans the views read (`sub`); `false` outside the common case.
#[inline(always)]
pub(crate) fn common_root(b: &[u8], slots: &mut impl RootSlots, sub: &mut [Span; 16]) -> bool {
    let n = b.len();
    if n < 14 || b[..6] != *b"000201" {
        return false;
    }
    slots.put(0, Span { start: 4, end: 6 });
    slots.put(63, Span { start: (n - 4) as u16, end: n as u16 });
    let end = n - 8;
    let mut pos = 6;
    while pos < end {
        let Some((id, stop)) = header(b, pos, end) else {
            return false;
        };
        let span = Span { start: (pos + 4) as u16, end: stop as u16 };
        if !slots.put(id, span) {
            return false;
        }
        // Templates are checked as they come (the general path reports the first
        // error in ID order).
        let ok = match id {
            38 => common_napas(b, span, sub),
            62 => common_additional(b, span, sub),
            26..=51 => common_account(b, span),
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

/// Field `38` in the common case: its sub-fields (cached), and `38.01` when the GUID
/// is NAPAS's.
#[inline(always)]
fn common_napas(b: &[u8], s: Span, cache: &mut [Span; 16]) -> bool {
    let (mut guid, mut org, mut service) = (Span::default(), Span::default(), Span::default());
    let ok = walk(b, s, |id, span| match id {
        0 => guid = span,
        1 => org = span,
        2 => service = span,
        _ => {}
    });
    cache[sub::GUID] = guid;
    cache[sub::ORG] = org;
    cache[sub::SERVICE] = service;
    if !ok || org.start == 0 || !is_napas(b, guid) {
        return ok;
    }
    let (mut bin, mut account) = (Span::default(), Span::default());
    let ok = walk(b, org, |id, span| match id {
        0 => bin = span,
        1 => account = span,
        _ => {}
    });
    cache[sub::BIN] = bin;
    cache[sub::ACCOUNT] = account;
    ok
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
fn common_account(b: &[u8], s: Span) -> bool {
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
