//! The VietQR view in the common case, in one pass over the payload text and
//! without error reporting: each root field is checked and read into the view as it
//! comes, so nothing is tabled and nothing is read twice. It serves
//! [`crate::decode_vietqr`] and [`Payload::vietqr`](crate::Payload::vietqr).
//!
//! The common case is an ASCII payload whose CRC was verified, `000201` first,
//! distinct root fields ending where `6304` starts, well-formed templates with
//! sub-field IDs below 64, and values the VietQR profile accepts: `01` of `11` or
//! `12`, `53` = `704`, `58` = `VN`, an amount (if any) of plain digits, no tip or
//! fee fields (`55`–`57`), and a NAPAS account in `38`. [`fill`] answers `None` on
//! anything else, leaving the general path to name the error (or accept the
//! payload); when it answers, the view is the one the general path builds. The
//! tests of [`crate::decode`] check both on mutated payloads.

use super::{AdditionalData, VietQr};
use crate::DecodeError;
use crate::decode::{NapasSpans, Span, header, napas_spans, walk, walk_account};
use crate::digits;
use crate::types::{Bin, Initiation, Service, Vnd};

/// `38` in the common case: BIN, bank, account and service of a NAPAS account.
type Napas<'a> = (Bin, Option<&'static crate::banks::Bank>, &'a str, Option<Service<'a>>);

/// Writes `Ok` of the view of the ASCII payload `raw`, whose CRC the caller
/// verified, into `out`; `None` outside the common case (see the module
/// documentation), leaving `out` as it was.
///
/// The view goes straight into the caller's value (the one it returns), so that it
/// is not assembled on the side and then copied.
#[inline(always)]
pub(crate) fn fill<'a>(raw: &'a str, out: &mut Result<VietQr<'a>, DecodeError>) -> Option<()> {
    let b = raw.as_bytes();
    let n = b.len();
    if n < 14 || b[..6] != *b"000201" || b[n - 8..n - 4] != *b"6304" {
        return None;
    }
    let text = |s: Span| raw.get(usize::from(s.start)..usize::from(s.end));
    // The IDs seen, 0-63 and 64-99; `00` and `63` are in place, so that seeing
    // either again is a duplicate.
    let mut seen = [1u64 | 1 << 63, 0];
    let (mut initiation, mut napas, mut amount) = (None, None, None);
    let (mut mcc, mut merchant_name, mut merchant_city) = (None, None, None);
    let mut additional = AdditionalData::of(raw);
    let end = n - 8;
    let mut pos = 6;
    while pos < end {
        let (id, stop) = header(b, pos, end)?;
        let (word, bit) = (&mut seen[usize::from(id >> 6) & 1], 1u64 << (id & 63));
        if *word & bit != 0 {
            return None;
        }
        *word |= bit;
        let span = Span { start: (pos + 4) as u16, end: stop as u16 };
        let v = &b[pos + 4..stop];
        match id {
            1 => {
                initiation = Some(match v {
                    b"11" => Initiation::Static,
                    b"12" => Initiation::Dynamic,
                    _ => return None,
                });
            }
            38 => napas = Some(napas_account(raw, span)?),
            26..=51 => walk_account(b, span).then_some(())?,
            52 if v.len() == 4 && v.iter().all(u8::is_ascii_digit) => mcc = text(span),
            53 if v == b"704" => {}
            54 => amount = Some(Vnd(plain_amount(b, pos + 4, stop)?)),
            58 if v == b"VN" => {}
            // ASCII: characters are bytes.
            59 if (1..=25).contains(&v.len()) => merchant_name = text(span),
            60 if (1..=15).contains(&v.len()) => merchant_city = text(span),
            61 if v.len() <= 10 => {}
            52..=61 => return None,
            62 => walk(b, span, |id, s| additional.set(id, s)).then_some(())?,
            64 => walk(b, span, |_, _| ()).then_some(())?,
            _ => {}
        }
        pos = stop;
    }
    const REQUIRED: u64 = 1 << 53 | 1 << 58;
    if seen[0] & REQUIRED != REQUIRED {
        return None;
    }
    let (bin, bank, account, service) = napas?;
    *out = Ok(VietQr {
        bin,
        bank,
        account,
        service,
        initiation: initiation?,
        amount,
        currency: "704",
        country: "VN",
        mcc,
        merchant_name,
        merchant_city,
        additional,
    });
    Some(())
}

/// The amount at `b[start..stop]` in đồng when it is 1-13 plain digits, not all
/// zero. The digits are read eight at a time from the 8 bytes that end where they
/// do, the bytes before them taken as zeros (`start` is past the payload's first
/// 10 bytes, so those 8 bytes exist).
#[inline(always)]
fn plain_amount(b: &[u8], start: usize, stop: usize) -> Option<u64> {
    // The `keep` (1-8) digits that end at `end`.
    let word = |end: usize, keep: usize| {
        let w = u64::from_le_bytes(b.get(end.checked_sub(8)?..end)?.try_into().ok()?);
        // The first byte read is the lowest: keep the high `keep` bytes.
        let high = u64::MAX << (8 * (8 - keep));
        digits::eight((w & high) | (0x3030_3030_3030_3030 & !high)).map(u64::from)
    };
    let v = match stop.checked_sub(start)? {
        len @ 1..=8 => word(stop, len)?,
        len @ 9..=13 => word(stop - 8, len - 8)? * 100_000_000 + word(stop, 8)?,
        _ => return None,
    };
    (v != 0).then_some(v)
}

/// Field `38` at `s` in the common case: the NAPAS GUID, a BIN of six digits, an
/// account of 1-19 characters and, if present, a well-formed service code.
#[inline(always)]
fn napas_account(raw: &str, s: Span) -> Option<Napas<'_>> {
    let b = raw.as_bytes();
    // The BIN is there only when the GUID is NAPAS's.
    let NapasSpans { service, bin, account, .. } = napas_spans(b, s)?;
    if bin.start == 0 || account.start == 0 {
        return None;
    }
    let digits: &[u8; 6] = b[usize::from(bin.start)..usize::from(bin.end)].try_into().ok()?;
    let (bin, bank) = Bin::from_digits_with_bank(digits)?;
    let account = raw.get(usize::from(account.start)..usize::from(account.end))?;
    if account.is_empty() || account.len() > 19 {
        return None;
    }
    let service = if service.start == 0 {
        None
    } else {
        let code = &b[usize::from(service.start)..usize::from(service.end)];
        // The two usual codes as one 8-byte comparison each.
        let word = <[u8; 8]>::try_from(code).map(u64::from_le_bytes);
        Some(match word {
            Ok(w) if w == u64::from_le_bytes(*b"QRIBFTTA") => Service::Account,
            Ok(w) if w == u64::from_le_bytes(*b"QRIBFTTC") => Service::Card,
            _ if !code.is_empty() && code.len() <= 10 && code.iter().all(u8::is_ascii_alphanumeric) => {
                Service::Other(raw.get(usize::from(service.start)..usize::from(service.end))?)
            }
            _ => return None,
        })
    };
    Some((bin, bank, account, service))
}

#[cfg(test)]
mod tests {
    use super::plain_amount;

    /// What [`plain_amount`] must answer, digit by digit.
    fn reference(s: &[u8]) -> Option<u64> {
        let ok = (1..=13).contains(&s.len()) && s.iter().all(u8::is_ascii_digit);
        let v = s.iter().fold(0u64, |v, &c| v * 10 + u64::from(c.wrapping_sub(b'0') % 10));
        (ok && v != 0).then_some(v)
    }

    #[test]
    fn amounts_of_every_length_after_any_prefix() {
        let digits = b"9081726354453627180918";
        for len in 0..=15 {
            for prefix in [&b"0002010102125406"[..], b"000201010211xx5407", b"xxxxxxxxxxxx54"] {
                let mut text = prefix.to_vec();
                text.extend_from_slice(&digits[..len]);
                let start = prefix.len();
                assert_eq!(plain_amount(&text, start, text.len()), reference(&text[start..]), "{text:?}");
                // Every position with a non-digit, and all zeros.
                for at in start..text.len() {
                    let mut bad = text.clone();
                    bad[at] = b'.';
                    assert_eq!(plain_amount(&bad, start, bad.len()), None);
                }
                let zeros: Vec<u8> = prefix.iter().copied().chain(std::iter::repeat_n(b'0', len)).collect();
                assert_eq!(plain_amount(&zeros, start, zeros.len()), None);
            }
        }
        assert_eq!(plain_amount(b"00000000001800000000000", 10, 23), Some(1_800_000_000_000));
    }
}
