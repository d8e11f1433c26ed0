//! Reading ASCII digits eight at a time, as one 64-bit word (SWAR: SIMD within a
//! register): the value of a BIN without a loop over its characters.

/// The value of the eight ASCII digits in `w`, read little-endian from the text (so
/// that the first character is the lowest byte and the most significant digit), or
/// `None` when a byte is not a digit.
#[inline(always)]
pub(crate) fn eight(w: u64) -> Option<u32> {
    let d = w.wrapping_sub(0x3030_3030_3030_3030);
    // Every byte of `d` is at most 9 exactly when all eight are digits: a byte
    // below '0' wraps to at least 0xD0, and 10-0x89 reach the top bit once 0x76 is
    // added (the first offending byte is always caught, before any borrow or carry
    // it causes).
    if (d | d.wrapping_add(0x7676_7676_7676_7676)) & 0x8080_8080_8080_8080 != 0 {
        return None;
    }
    // Byte 2i becomes the pair 10·d(2i) + d(2i+1), then 16-bit lane 2i the quad
    // 100·pair(2i) + pair(2i+1); no step carries into the next lane.
    let pairs = (d * 10 + (d >> 8)) & 0x00FF_00FF_00FF_00FF;
    let quads = (pairs * 100 + (pairs >> 16)) & 0x0000_FFFF_0000_FFFF;
    Some(quads as u32 * 10_000 + (quads >> 32) as u32)
}

#[cfg(test)]
mod tests {
    use super::eight;

    #[test]
    fn reads_eight_digits_and_rejects_anything_else() {
        let read = |s: &[u8; 8]| eight(u64::from_le_bytes(*s));
        assert_eq!(read(b"00970403"), Some(970_403));
        assert_eq!(read(b"99999999"), Some(99_999_999));
        assert_eq!(read(b"00000000"), Some(0));
        assert_eq!(read(b"12345678"), Some(12_345_678));
        for bad in 0..=255u8 {
            if bad.is_ascii_digit() {
                continue;
            }
            for at in 0..8 {
                let mut s = *b"12345678";
                s[at] = bad;
                assert_eq!(read(&s), None, "{s:?}");
            }
        }
    }
}
