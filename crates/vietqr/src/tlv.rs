//! The EMVCo TLV layer: `ID` (2 digits) + `LEN` (2 digits) + `VALUE`, nested with the
//! same encoding inside templates.
//!
//! This module owns the allocation-free iterator over data objects, the rule that
//! says which IDs are templates, and [`FieldPath`], the dotted name (`38.01.01`)
//! that every error uses. `LEN` counts characters: when a payload is pure ASCII
//! (the common case, checked once) a length is a byte count; otherwise the iterator
//! walks code points. Offsets are byte offsets into the whole payload.

use core::fmt;

/// Where a field sits in the tree: up to three IDs, e.g. `38.01.00`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FieldPath {
    ids: [u8; 3],
    depth: u8,
}

impl FieldPath {
    /// The path of the whole payload (no ID).
    pub const ROOT: Self = Self { ids: [0; 3], depth: 0 };

    /// A root-level field.
    #[must_use]
    pub const fn root(id: u8) -> Self {
        Self { ids: [id, 0, 0], depth: 1 }
    }

    /// The path of sub-field `id` of this field. Paths deeper than three levels keep
    /// their first three IDs (EMVCo never nests deeper).
    #[must_use]
    pub const fn child(self, id: u8) -> Self {
        let mut p = self;
        if (p.depth as usize) < p.ids.len() {
            p.ids[p.depth as usize] = id;
            p.depth += 1;
        }
        p
    }

    /// The IDs from the root down.
    #[must_use]
    pub fn ids(&self) -> &[u8] {
        &self.ids[..usize::from(self.depth)]
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.depth == 0 {
            return f.write_str("payload");
        }
        for (i, id) in self.ids().iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{id:02}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// How the value of a field is to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    /// A plain value.
    Value,
    /// A template: its value must be well-formed TLV.
    Template,
    /// An unreserved or payment-system template (root 80–99, 62.50–99): parsed when
    /// well-formed, otherwise kept as a raw value, since real wallet codes put plain
    /// values there.
    MaybeTemplate,
}

/// The nesting rule for the field at `path`, given the GUID of its merchant account
/// template when there is one (only NAPAS's `38.01` depends on it).
#[inline]
#[must_use]
pub fn nesting(path: &FieldPath, guid: Option<&str>) -> Nesting {
    match path.ids() {
        [26..=51 | 62 | 64] => Nesting::Template,
        [80..=99] => Nesting::MaybeTemplate,
        [62, 50..=99] => Nesting::MaybeTemplate,
        [26..=51, 1] if guid.is_some_and(|g| g.eq_ignore_ascii_case(crate::NAPAS_GUID)) => Nesting::Template,
        _ => Nesting::Value,
    }
}

/// One data object, borrowed from the payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The two-digit ID, `0`–`99`.
    pub id: u8,
    /// The value (for templates, the nested TLV text).
    pub value: &'a str,
    /// Byte offset of the ID in the payload.
    pub offset: usize,
    /// Byte offset of the value in the payload.
    pub value_offset: usize,
}

/// What went wrong while reading one data object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlvErrorKind {
    /// The ID is not two ASCII digits.
    BadId,
    /// The length is not two ASCII digits.
    BadLength,
    /// Fewer than four characters remain for an ID and a length.
    TruncatedHeader,
    /// The length runs past the end of the enclosing value.
    Overrun {
        /// Characters declared by `LEN`.
        declared: usize,
        /// Characters actually left.
        available: usize,
    },
}

/// A malformed data object, with the byte offset where it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TlvError {
    /// Byte offset of the object that could not be read.
    pub offset: usize,
    /// ID of the object, when its two ID digits were readable.
    pub id: Option<u8>,
    /// What was wrong.
    pub kind: TlvErrorKind,
}

/// Iterator over the data objects of `text[start..end]`, yielding offsets relative
/// to `text`. It stops after the first error.
#[derive(Clone, Debug)]
pub struct TlvIter<'a> {
    text: &'a str,
    pos: usize,
    end: usize,
    ascii: bool,
}

impl<'a> TlvIter<'a> {
    /// Iterates over a whole string (a payload or a template value on its own).
    #[must_use]
    pub fn new(text: &'a str) -> Self {
        Self { text, pos: 0, end: text.len(), ascii: text.is_ascii() }
    }

    /// Iterates over a whole string whose ASCII-ness is already known.
    pub(crate) fn new_with(text: &'a str, ascii: bool) -> Self {
        Self { text, pos: 0, end: text.len(), ascii }
    }

    /// Iterates over the value of `tlv`, a field of `text`, keeping absolute offsets.
    /// `ascii` says whether `text` is known to be pure ASCII.
    #[must_use]
    pub fn nested(text: &'a str, tlv: &Tlv<'a>, ascii: bool) -> Self {
        Self { text, pos: tlv.value_offset, end: tlv.value_offset + tlv.value.len(), ascii }
    }

    fn fail(&mut self, id: Option<u8>, kind: TlvErrorKind) -> Option<Result<Tlv<'a>, TlvError>> {
        let offset = self.pos;
        self.pos = self.end;
        Some(Err(TlvError { offset, id, kind }))
    }
}

/// Reads two ASCII digits.
#[inline]
pub(crate) fn two_digits(b: &[u8]) -> Option<u8> {
    let (a, c) = (b[0].wrapping_sub(b'0'), b[1].wrapping_sub(b'0'));
    (a < 10 && c < 10).then(|| a * 10 + c)
}

/// Byte index `n` characters after `from`, and the number of characters available
/// when there are fewer than `n`.
fn advance_chars(text: &str, from: usize, end: usize, n: usize) -> Result<usize, usize> {
    let mut it = text[from..end].char_indices();
    let mut count = 0;
    loop {
        if count == n {
            return Ok(it.next().map_or(end, |(i, _)| from + i));
        }
        if it.next().is_none() {
            return Err(count);
        }
        count += 1;
    }
}

impl<'a> TlvIter<'a> {
    /// The slow and rare paths of [`Iterator::next`]: short headers, bad digits,
    /// overruns and non-ASCII lengths, kept out of line so the ASCII path inlines.
    #[cold]
    #[inline(never)]
    fn next_slow(&mut self) -> Option<Result<Tlv<'a>, TlvError>> {
        let bytes = self.text.as_bytes();
        if self.end - self.pos < 4 {
            let id = if self.end - self.pos >= 2 { two_digits(&bytes[self.pos..]) } else { None };
            return self.fail(id, TlvErrorKind::TruncatedHeader);
        }
        let head = &bytes[self.pos..self.pos + 4];
        let Some(id) = two_digits(head) else {
            return self.fail(None, TlvErrorKind::BadId);
        };
        let Some(len) = two_digits(&head[2..]) else {
            return self.fail(Some(id), TlvErrorKind::BadLength);
        };
        let len = usize::from(len);
        let start = self.pos + 4;
        let end = if self.ascii {
            if start + len > self.end {
                let available = self.end - start;
                return self.fail(Some(id), TlvErrorKind::Overrun { declared: len, available });
            }
            start + len
        } else {
            match advance_chars(self.text, start, self.end, len) {
                Ok(e) => e,
                Err(available) => {
                    return self.fail(Some(id), TlvErrorKind::Overrun { declared: len, available });
                }
            }
        };
        Some(Ok(self.take(id, start, end)))
    }

    #[inline(always)]
    fn take(&mut self, id: u8, start: usize, end: usize) -> Tlv<'a> {
        let tlv = Tlv { id, value: &self.text[start..end], offset: self.pos, value_offset: start };
        self.pos = end;
        tlv
    }
}

impl<'a> Iterator for TlvIter<'a> {
    type Item = Result<Tlv<'a>, TlvError>;

    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.end {
            return None;
        }
        // Fast path: ASCII text, a complete header of four digits, a value that fits.
        if self.ascii && self.end - self.pos >= 4 {
            let h = &self.text.as_bytes()[self.pos..self.pos + 4];
            let d =
                [h[0].wrapping_sub(b'0'), h[1].wrapping_sub(b'0'), h[2].wrapping_sub(b'0'), h[3].wrapping_sub(b'0')];
            if d.iter().all(|&x| x < 10) {
                let id = d[0] * 10 + d[1];
                let start = self.pos + 4;
                let end = start + usize::from(d[2] * 10 + d[3]);
                if end <= self.end {
                    return Some(Ok(self.take(id, start, end)));
                }
            }
        }
        self.next_slow()
    }
}

/// Visits the data objects of `text[pos..end]` as `(id, value_start, value_end)`
/// byte offsets, stopping at the first error of `visit`. ASCII text takes a tight
/// byte loop; on malformed text (or non-ASCII text) the general iterator runs and
/// its [`TlvError`] goes through `malformed`.
#[inline(always)]
pub(crate) fn scan<E>(
    text: &str,
    pos: usize,
    end: usize,
    ascii: bool,
    mut visit: impl FnMut(u8, usize, usize) -> Result<(), E>,
    malformed: impl FnOnce(TlvError) -> E,
) -> Result<(), E> {
    let b = text.as_bytes();
    if ascii && end <= b.len() {
        let mut p = pos;
        loop {
            if p == end {
                return Ok(());
            }
            if end - p < 4 {
                break;
            }
            let d0 = b[p].wrapping_sub(b'0');
            let d1 = b[p + 1].wrapping_sub(b'0');
            let d2 = b[p + 2].wrapping_sub(b'0');
            let d3 = b[p + 3].wrapping_sub(b'0');
            if d0.max(d1).max(d2).max(d3) > 9 {
                break;
            }
            let start = p + 4;
            let stop = start + usize::from(d2 * 10 + d3);
            if stop > end {
                break;
            }
            visit(d0 * 10 + d1, start, stop)?;
            p = stop;
        }
        // Malformed: let the general iterator name the error, from where we stopped.
        let mut it = TlvIter { text, pos: p, end, ascii };
        return match it.find_map(Result::err) {
            Some(e) => Err(malformed(e)),
            None => Ok(()),
        };
    }
    let it = TlvIter { text, pos, end, ascii };
    for r in it {
        match r {
            Ok(t) => visit(t.id, t.value_offset, t.value_offset + t.value.len())?,
            Err(e) => return Err(malformed(e)),
        }
    }
    Ok(())
}

/// Finds sub-field `id` in a well-formed template value (first match), or `None`.
/// Malformed text simply ends the search.
#[must_use]
pub fn find(template: &str, id: u8) -> Option<&str> {
    TlvIter::new(template).map_while(Result::ok).find(|t| t.id == id).map(|t| t.value)
}

/// Whether `text` is, as a whole, well-formed TLV.
#[must_use]
pub fn is_well_formed(text: &str) -> bool {
    !text.is_empty() && TlvIter::new(text).all(|r| r.is_ok())
}

/// Number of characters in `s` (code points), the unit of `LEN`.
#[inline]
#[must_use]
pub fn char_len(s: &str) -> usize {
    if s.is_ascii() { s.len() } else { s.chars().count() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iterates_and_reports_offsets() {
        let v: Vec<_> = TlvIter::new("000201010211").map(Result::unwrap).collect();
        assert_eq!(v.len(), 2);
        assert_eq!((v[1].id, v[1].value, v[1].offset, v[1].value_offset), (1, "11", 6, 10));
    }

    #[test]
    fn lengths_count_characters() {
        let s = "0803Đức0102ab";
        let v: Vec<_> = TlvIter::new(s).map(Result::unwrap).collect();
        assert_eq!(v[0].value, "Đức");
        assert_eq!(v[1].value, "ab");
    }

    #[test]
    fn errors_are_positioned() {
        let e = TlvIter::new("0002010105").find_map(Result::err).unwrap();
        assert_eq!(e.offset, 6);
        assert_eq!(e.id, Some(1));
        assert_eq!(e.kind, TlvErrorKind::Overrun { declared: 5, available: 0 });
        let e = TlvIter::new("0002010x").find_map(Result::err).unwrap();
        assert_eq!(e.kind, TlvErrorKind::TruncatedHeader);
        let e = TlvIter::new("00020101xab").find_map(Result::err).unwrap();
        assert_eq!((e.offset, e.kind), (6, TlvErrorKind::BadLength));
        let e = TlvIter::new("x0020100").find_map(Result::err).unwrap();
        assert_eq!((e.offset, e.kind), (0, TlvErrorKind::BadId));
        let e = TlvIter::new("0003Đứ").find_map(Result::err).unwrap();
        assert_eq!(e.kind, TlvErrorKind::Overrun { declared: 3, available: 2 });
    }

    #[test]
    fn paths_display_dotted() {
        assert_eq!(FieldPath::root(38).child(1).child(0).to_string(), "38.01.00");
        assert_eq!(FieldPath::ROOT.to_string(), "payload");
    }

    #[test]
    fn nesting_rules() {
        let p = FieldPath::root(38).child(1);
        assert_eq!(nesting(&p, Some("A000000727")), Nesting::Template);
        assert_eq!(nesting(&p, Some("A000000775")), Nesting::Value);
        assert_eq!(nesting(&FieldPath::root(62), None), Nesting::Template);
        assert_eq!(nesting(&FieldPath::root(85), None), Nesting::MaybeTemplate);
        assert_eq!(nesting(&FieldPath::root(59), None), Nesting::Value);
    }
}
