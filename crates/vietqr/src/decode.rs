//! Decoding: from payload text to a validated-structure [`Payload`].
//!
//! [`decode`] checks what every EMVCo merchant-presented payload must satisfy: `00`
//! first with value `01`, `63` last with a CRC-16/CCITT-FALSE that matches (upper or
//! lower case hex), no duplicate IDs, and every template (26–51, 62, 64, and NAPAS's
//! `38.01`) well-formed all the way down, whatever the CRC says. Fields may come in
//! any order and unknown IDs are kept. Profile rules (which fields are mandatory) are
//! in [`Payload::validate`]; typed views in [`crate::view`].
//!
//! The hot path allocates nothing: a [`Payload`] borrows the input and keeps a
//! 100-slot table of byte spans indexed by ID, so lookups are O(1). The common case
//! (pure ASCII, a well-formed `6304` tail, `000201` first, no duplicates, well-formed
//! templates) takes one pass that reports nothing; anything else goes through the
//! general path, which names the error. The tests check that both agree. The common
//! case lives in `common`, whose pieces the one-pass VietQR view also uses.

use core::fmt;

use crate::crc;
use crate::tlv::{FieldPath, Nesting, Tlv, TlvError, TlvErrorKind, TlvIter, nesting, scan};

mod common;

pub(crate) use common::{NapasSpans, common_root, header, napas_spans, walk, walk_account};

/// Longest payload accepted, in bytes. EMVCo caps a payload at 512 characters; this
/// leaves room for multi-byte UTF-8 text while keeping spans in 16 bits.
pub const MAX_PAYLOAD_BYTES: usize = 4096;

/// Validation profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Profile {
    /// Strict EMVCo MPM v1.1: `52`, `53`, `58`, `59`, `60` mandatory and at least one
    /// merchant account (`02`–`51`).
    Emvco,
    /// NAPAS VietQR: `01`, `38` (NAPAS GUID, BIN, account), `53` = `704`, `58` = `VN`
    /// mandatory; `52`, `59` and `60` optional, since real VietQR codes omit them.
    VietQr,
}

impl Profile {
    /// The profile name used in JSON output: `"emvco"` or `"vietqr"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Emvco => "emvco",
            Self::VietQr => "vietqr",
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for TlvErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadId => f.write_str("the ID is not two digits"),
            Self::BadLength => f.write_str("the length is not two digits"),
            Self::TruncatedHeader => f.write_str("characters left over where a 4-digit ID and length were expected"),
            Self::Overrun { declared, available } => {
                write!(f, "the length says {declared} characters but only {available} remain")
            }
        }
    }
}

/// Why a payload was rejected. Offsets are byte offsets into the payload.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The payload is empty.
    #[error("the payload is empty")]
    Empty,
    /// The payload exceeds [`MAX_PAYLOAD_BYTES`].
    #[error("the payload is {len} bytes long; at most {MAX_PAYLOAD_BYTES} are accepted")]
    TooLong {
        /// Length in bytes.
        len: usize,
    },
    /// A data object at the root could not be read.
    #[error("field {path} at offset {offset}: {kind}")]
    Malformed {
        /// The field (or `payload` when even its ID was unreadable).
        path: FieldPath,
        /// Where the object starts.
        offset: usize,
        /// What was wrong.
        kind: TlvErrorKind,
    },
    /// A template's value is not well-formed TLV.
    #[error("field {path} at offset {offset} is a malformed template: {} at offset {}: {}",
        inner.id.map_or_else(|| "a sub-field".to_owned(), |id| format!("sub-field {id:02}")),
        inner.offset, inner.kind)]
    MalformedTemplate {
        /// The template.
        path: FieldPath,
        /// Where the template starts.
        offset: usize,
        /// The first sub-field that could not be read.
        inner: TlvError,
    },
    /// The same ID appears twice at one level.
    #[error("field {path} at offset {offset} appears twice")]
    Duplicate {
        /// The repeated field.
        path: FieldPath,
        /// Offset of the second occurrence.
        offset: usize,
    },
    /// The payload does not start with field `00`.
    #[error("the payload must start with field 00 (payload format indicator)")]
    FormatIndicatorNotFirst,
    /// Field `63` is missing or not at the end.
    #[error("the payload must end with the CRC field 63 (\"6304\" and 4 hexadecimal digits)")]
    MissingCrc,
    /// The CRC does not match.
    #[error("CRC mismatch: expected {expected:04X}, found {found}")]
    CrcMismatch {
        /// The CRC computed over the payload.
        expected: u16,
        /// The 4 characters found in field `63`.
        found: String,
    },
    /// A field has a value its format does not allow.
    #[error("field {path} at offset {offset}: {reason}")]
    InvalidValue {
        /// The field.
        path: FieldPath,
        /// Offset of the field.
        offset: usize,
        /// What the format requires.
        reason: &'static str,
    },
    /// A field the profile requires is absent.
    #[error("field {path} is required by the {profile} profile but missing")]
    Missing {
        /// The missing field.
        path: FieldPath,
        /// The profile that requires it.
        profile: Profile,
    },
}

/// Byte span of a value; `start == 0` means absent (a value never starts at 0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: u16,
    pub(crate) end: u16,
}

/// Root IDs whose value must be a template: 26–51, 62 and 64.
const TEMPLATE_MASK: u128 = (((1u128 << 52) - 1) & !((1u128 << 26) - 1)) | (1 << 62) | (1 << 64);

/// Indices into [`Payload::sub`], the spans cached while templates are checked.
pub(crate) mod sub {
    /// `38.00`, the GUID.
    pub(crate) const GUID: usize = 0;
    /// `38.01.00`, the BIN (only when `38.00` is the NAPAS GUID).
    pub(crate) const BIN: usize = 1;
    /// `38.01.01`, the account.
    pub(crate) const ACCOUNT: usize = 2;
    /// `38.02`, the service code.
    pub(crate) const SERVICE: usize = 3;
    /// `38.01` itself.
    pub(crate) const ORG: usize = 4;
    /// `62.01` is at `ADD + 1`, up to `62.11` at `ADD + 11`.
    pub(crate) const ADD: usize = 4;
}

/// A structurally valid payload: well-formed TLV at every template level, correct CRC.
///
/// Borrowed from the input; root fields are looked up by ID in O(1).
#[derive(Clone, PartialEq, Eq)]
pub struct Payload<'a> {
    raw: &'a str,
    ascii: bool,
    crc: u16,
    pub(crate) slots: [Span; 100],
    pub(crate) sub: [Span; 16],
}

impl fmt::Debug for Payload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Payload")
            .field("raw", &self.raw)
            .field("crc", &format_args!("{:04X}", self.crc))
            .finish_non_exhaustive()
    }
}

#[cold]
#[inline(never)]
fn root_error(e: TlvError) -> DecodeError {
    DecodeError::Malformed { path: e.id.map_or(FieldPath::ROOT, FieldPath::root), offset: e.offset, kind: e.kind }
}

#[cold]
#[inline(never)]
fn crc_mismatch(expected: u16, found: &str) -> DecodeError {
    DecodeError::CrcMismatch { expected, found: found.to_owned() }
}

/// Decodes and structurally checks an EMVCo merchant-presented payload.
///
/// Surrounding whitespace is not trimmed: callers reading from files should trim.
///
/// # Errors
/// Any [`DecodeError`] except [`DecodeError::Missing`], which only profile
/// validation ([`Payload::validate`]) reports.
#[inline]
pub fn decode(raw: &str) -> Result<Payload<'_>, DecodeError> {
    decode_with::<true>(raw)
}

/// [`decode`], with (`FAST`) or without the common-case path; the tests check that
/// both agree.
#[inline(always)]
fn decode_with<const FAST: bool>(raw: &str) -> Result<Payload<'_>, DecodeError> {
    // The payload is built in the value returned, and every path returns that value,
    // so that its slot table is not copied on the way out.
    let mut out = Ok(Payload { raw, ascii: false, crc: 0, slots: [Span::default(); 100], sub: [Span::default(); 16] });
    if let Ok(p) = &mut out
        && let Err(e) = p.fill::<FAST>()
    {
        out = Err(e);
    }
    out
}

impl<'a> Payload<'a> {
    /// Decodes `self.raw` into this empty payload.
    #[inline(always)]
    fn fill<const FAST: bool>(&mut self) -> Result<(), DecodeError> {
        let raw = self.raw;
        let bytes = raw.as_bytes();
        let n = bytes.len();
        if n == 0 {
            return Err(DecodeError::Empty);
        }
        if n > MAX_PAYLOAD_BYTES {
            return Err(DecodeError::TooLong { len: n });
        }
        // Check the CRC first when the tail is there: a corrupted payload is then
        // reported as such rather than by whatever structural damage it has.
        let mut crc_checked = None;
        if n >= 8
            && bytes[n - 8..n - 4] == *b"6304"
            && let Some(found) = crc::parse_hex(&bytes[n - 4..])
        {
            let (expected, body_ascii) = crc::crc16_ascii(&bytes[..n - 4]);
            if expected != found {
                return Err(crc_mismatch(expected, &raw[n - 4..]));
            }
            crc_checked = Some(found);
            self.crc = found;
            // The four CRC digits are ASCII.
            self.ascii = body_ascii;
            if FAST && body_ascii {
                if self.decode_common() {
                    return Ok(());
                }
                self.slots = [Span::default(); 100];
                self.sub = [Span::default(); 16];
            }
        } else {
            self.ascii = raw.is_ascii();
        }
        self.decode_general(crc_checked)
    }
}

impl<'a> Payload<'a> {
    /// The payload text.
    #[must_use]
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// The CRC carried by field `63` (already verified).
    #[must_use]
    pub fn crc(&self) -> u16 {
        self.crc
    }

    /// Whether the payload is pure ASCII.
    #[must_use]
    pub fn is_ascii(&self) -> bool {
        self.ascii
    }

    /// Whether root field `id` is present.
    #[inline]
    #[must_use]
    pub fn has(&self, id: u8) -> bool {
        self.slots.get(usize::from(id)).is_some_and(|s| s.start != 0)
    }

    /// The value of a cached span, if present.
    #[inline(always)]
    pub(crate) fn span(&self, s: Span) -> Option<&'a str> {
        if s.start == 0 {
            return None;
        }
        Some(&self.raw[usize::from(s.start)..usize::from(s.end)])
    }

    /// The value of root field `id`, if present.
    #[inline(always)]
    #[must_use]
    pub fn get(&self, id: u8) -> Option<&'a str> {
        self.span(*self.slots.get(usize::from(id))?)
    }

    /// Root field `id` as a [`Tlv`] (with offsets), if present.
    #[must_use]
    pub fn field(&self, id: u8) -> Option<Tlv<'a>> {
        let value = self.get(id)?;
        let s = self.slots[usize::from(id)];
        Some(Tlv { id, value, offset: usize::from(s.start) - 4, value_offset: usize::from(s.start) })
    }

    /// Root fields in payload order.
    pub fn fields(&self) -> impl Iterator<Item = Tlv<'a>> + 'a {
        TlvIter::new_with(self.raw, self.ascii).map_while(Result::ok)
    }

    /// Sub-fields of root template `id` (in payload order), or an empty iterator.
    /// Also usable on 80–99 templates, where it stops at the first malformed part.
    pub fn template(&self, id: u8) -> impl Iterator<Item = Tlv<'a>> + 'a {
        let it = match self.field(id) {
            Some(t) => TlvIter::nested(self.raw, &t, self.ascii),
            None => TlvIter::new_with("", true),
        };
        it.map_while(Result::ok)
    }

    /// Sub-fields of a sub-field (e.g. `38.01`), given the outer sub-field.
    pub fn sub_template(&self, outer: &Tlv<'a>) -> impl Iterator<Item = Tlv<'a>> + 'a {
        TlvIter::nested(self.raw, outer, self.ascii).map_while(Result::ok)
    }

    /// [`common_root`] into this payload's table.
    #[inline(always)]
    fn decode_common(&mut self) -> bool {
        common_root(self.raw.as_bytes(), &mut self.slots, &mut self.sub)
    }

    /// The general path of [`decode`]: any payload, with precise errors.
    /// `crc_checked` is the CRC when the payload ends with a well-formed `6304` field
    /// (already verified).
    fn decode_general(&mut self, crc_checked: Option<u16>) -> Result<(), DecodeError> {
        let (raw, ascii) = (self.raw, self.ascii);
        let n = raw.len();
        let mut crc_offset = None;
        let slots = &mut self.slots;
        let mut present = 0u128;
        scan(
            raw,
            0,
            n,
            ascii,
            |id, start, end| {
                if present == 0 && id != 0 {
                    return Err(DecodeError::FormatIndicatorNotFirst);
                }
                if crc_offset.is_some() {
                    return Err(DecodeError::MissingCrc);
                }
                let bit = 1u128 << id;
                if present & bit != 0 {
                    return Err(DecodeError::Duplicate { path: FieldPath::root(id), offset: start - 4 });
                }
                present |= bit;
                slots[usize::from(id)] = Span { start: start as u16, end: end as u16 };
                if id == 63 {
                    crc_offset = Some(start - 4);
                }
                Ok(())
            },
            root_error,
        )?;
        let Some(crc_offset) = crc_offset else {
            return Err(DecodeError::MissingCrc);
        };
        let Some(crc) = crc_checked.filter(|_| crc_offset + 8 == n) else {
            return Err(DecodeError::InvalidValue {
                path: FieldPath::root(63),
                offset: crc_offset,
                reason: "the CRC must be 4 hexadecimal digits",
            });
        };
        self.crc = crc;
        if self.get(0) != Some("01") {
            return Err(DecodeError::InvalidValue {
                path: FieldPath::root(0),
                offset: 0,
                reason: "the payload format indicator must be \"01\"",
            });
        }
        let mut m = present & TEMPLATE_MASK;
        while m != 0 {
            let id = m.trailing_zeros() as u8;
            m &= m - 1;
            self.check_template(id)?;
        }
        Ok(())
    }

    /// Checks one mandatory template (and the NAPAS `38.01` sub-template), caching
    /// the spans that the VietQR view reads (`38.*`, `62.01`–`62.11`).
    fn check_template(&mut self, id: u8) -> Result<(), DecodeError> {
        let s = self.slots[usize::from(id)];
        let (raw, ascii) = (self.raw, self.ascii);
        let path = FieldPath::root(id);
        let offset = usize::from(s.start) - 4;
        let mut seen = 0u128;
        let mut guid = Span::default();
        let mut org = Span::default();
        let cache = &mut self.sub;
        scan(
            raw,
            usize::from(s.start),
            usize::from(s.end),
            ascii,
            |sub_id, start, end| {
                let bit = 1u128 << sub_id;
                if seen & bit != 0 {
                    return Err(DecodeError::Duplicate { path: path.child(sub_id), offset: start - 4 });
                }
                seen |= bit;
                let span = Span { start: start as u16, end: end as u16 };
                match (id, sub_id) {
                    (62, 1..=11) => cache[sub::ADD + usize::from(sub_id)] = span,
                    (62, _) => {}
                    (_, 0) => guid = span,
                    (_, 1) => org = span,
                    (38, 2) => cache[sub::SERVICE] = span,
                    _ => {}
                }
                Ok(())
            },
            |inner| DecodeError::MalformedTemplate { path, offset, inner },
        )?;
        if id == 38 {
            cache[sub::GUID] = guid;
            cache[sub::ORG] = org;
        }
        if org.start == 0 {
            return Ok(());
        }
        let opath = path.child(1);
        let guid_value = (guid.start != 0).then(|| &raw[usize::from(guid.start)..usize::from(guid.end)]);
        if nesting(&opath, guid_value) != Nesting::Template {
            return Ok(());
        }
        let mut seen = 0u128;
        scan(
            raw,
            usize::from(org.start),
            usize::from(org.end),
            ascii,
            |sub_id, start, end| {
                let bit = 1u128 << sub_id;
                if seen & bit != 0 {
                    return Err(DecodeError::Duplicate { path: opath.child(sub_id), offset: start - 4 });
                }
                seen |= bit;
                if id == 38 && sub_id <= 1 {
                    cache[if sub_id == 0 { sub::BIN } else { sub::ACCOUNT }] =
                        Span { start: start as u16, end: end as u16 };
                }
                Ok(())
            },
            |inner| DecodeError::MalformedTemplate { path: opath, offset: usize::from(org.start) - 4, inner },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DYN: &str = "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E";

    #[test]
    fn decodes_and_looks_up() {
        let p = decode(DYN).unwrap();
        assert_eq!(p.get(54), Some("180000"));
        assert_eq!(p.get(59), None);
        assert_eq!(p.crc(), 0x2E2E);
        assert_eq!(p.fields().count(), 8);
        assert_eq!(p.template(62).map(|t| t.id).collect::<Vec<_>>(), [1, 8]);
    }

    /// Seeds for the equivalence properties (CRC appended by [`mutant`]): the NAPAS
    /// examples, a VNPAY-like merchant code, a code with Vietnamese text, and one with
    /// a domain GUID, a decimal amount, a fee, a nested `62.50` and a root `85`.
    const SEEDS: &[&str] = &[
        DYN,
        "00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN6304",
        "00020101021138570010A00000072701270006970403011200110123456780208QRIBFTTA53037045802VN6304",
        "00020101021226280010A0000007750110010531443052045812530370454061500005802VN5910CUA HANG A6005HANOI62130109TERMINAL16304",
        "00020101021138540010A00000072701240006970436011001234567890208QRIBFTTA53037045802VN5907Đức Anh6006Hà Nội64170002vi0107ĐỨC ANH6304",
        "00020101021226220008vn.com.x0106abc-1238540010A00000072701240006970436011001234567890208QRIBFTTA5303704540510.0055020256035005802VN62220102B10703T-950050001x8511plain value6304",
    ];

    const TOKENS: &[&str] =
        &["00", "01", "26", "38", "62", "63", "64", "80", "6304", "0010", "A000000727", "Đ", "ợ", "9"];

    /// A seed mutated by replacements, insertions and deletions, with the CRC fixed
    /// up when `fix` (so that the structural paths are reached), or not.
    fn mutant(seed: usize, edits: &[(usize, u8, usize)], fix: bool) -> String {
        let mut s: Vec<u8> = SEEDS[seed % SEEDS.len()].as_bytes().to_vec();
        if !s.ends_with(b"6304") && s.len() >= 4 {
            s.truncate(s.len() - 4);
        }
        for &(at, byte, token) in edits {
            let at = at % (s.len() + 1);
            match byte % 4 {
                0 if at < s.len() => s[at] = b'0' + byte % 10,
                1 => {
                    let t = TOKENS[token % TOKENS.len()].as_bytes();
                    s.splice(at..at, t.iter().copied());
                }
                2 if at < s.len() => {
                    s.remove(at);
                }
                _ => {}
            }
        }
        let mut text = String::from_utf8_lossy(&s).into_owned();
        if fix {
            if !text.ends_with("6304") {
                text.push_str("6304");
            }
            let c = crc::crc16(text.as_bytes());
            text.push_str(&format!("{c:04X}"));
        }
        text
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// The common-case path and the general path agree on every input: same
        /// payload, or same error.
        #[test]
        fn fast_path_agrees_with_general_path(
            seed in 0usize..16,
            edits in proptest::collection::vec((0usize..400, proptest::prelude::any::<u8>(), 0usize..64), 0..4),
            fix in proptest::prelude::any::<bool>(),
        ) {
            let s = mutant(seed, &edits, fix);
            let fast = decode_with::<true>(&s);
            let general = decode_with::<false>(&s);
            proptest::prop_assert_eq!(&fast, &general, "{}", s);
            // The one-call decoder, with or without its own common path, agrees too.
            let whole = general.clone().and_then(|p| p.vietqr_general());
            proptest::prop_assert_eq!(crate::decode_vietqr(&s), whole.clone(), "{}", s);
            let mut out = Err(DecodeError::Empty);
            if crate::view::vietqr_common(&s, &mut out).is_some() {
                proptest::prop_assert_eq!(out, whole, "{}", s);
            }
            if let Ok(p) = &fast {
                proptest::prop_assert_eq!(p.vietqr(), p.vietqr_general(), "{}", s);
                proptest::prop_assert_eq!(
                    p.validate(Profile::VietQr),
                    p.vietqr_general().map(drop),
                    "{}",
                    s
                );
            }
        }
    }

    #[test]
    fn seeds_take_both_paths() {
        for seed in 0..SEEDS.len() {
            let s = mutant(seed, &[], true);
            assert_eq!(decode_with::<true>(&s), decode_with::<false>(&s), "{s}");
        }
        // The NAPAS example takes the common paths, and they give the full result.
        let mut p =
            Payload { raw: DYN, ascii: true, crc: 0x2E2E, slots: [Span::default(); 100], sub: [Span::default(); 16] };
        assert!(p.decode_common());
        assert_eq!(Ok(p.clone()), decode_with::<false>(DYN));
        let mut out = Err(DecodeError::Empty);
        assert!(p.vietqr_common(&mut out).is_some());
        assert_eq!(out, p.vietqr_general());
        let mut out = Err(DecodeError::Empty);
        assert!(crate::view::vietqr_common(DYN, &mut out).is_some());
        assert_eq!(out, p.vietqr_general());
        assert_eq!(p.vietqr(), p.vietqr_general());
    }

    #[test]
    fn lowercase_crc_accepted() {
        let lower = DYN.replace("2E2E", "2e2e");
        assert!(decode(&lower).is_ok());
    }

    #[test]
    fn crc_mismatch_is_precise() {
        let bad = DYN.replace("180000", "190000");
        match decode(&bad) {
            Err(DecodeError::CrcMismatch { found, .. }) => assert_eq!(found, "2E2E"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn structural_errors() {
        assert_eq!(decode(""), Err(DecodeError::Empty));
        assert!(matches!(decode("0002016304"), Err(DecodeError::MissingCrc | DecodeError::Malformed { .. })));
        let e = decode("0102110002016304ABCD");
        assert!(e.is_err());
    }
}
