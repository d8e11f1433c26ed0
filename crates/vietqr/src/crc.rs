//! CRC-16/CCITT-FALSE (poly `0x1021`, init `0xFFFF`, no reflection, xorout 0), the
//! checksum of EMVCo field `63` (NAPAS §5.2.15, also called CRC-16/IBM-3740).
//!
//! The checksum is a large part of decoding time, so it is computed slicing-by-16:
//! sixteen 256-entry tables (16 KiB, built at compile time) let the loop consume
//! sixteen bytes per step, one byte load and one table lookup per byte. Only the
//! two lookups that involve the running register are on the critical path; the
//! other fourteen are combined first, independently of it. The last 0–15 bytes take
//! one step of the same kind rather than a byte-by-byte chain. The tables are
//! derived from the bit-wise definition kept for the tests.
//!
//! Each table entry also carries one flag bit above the 16 CRC bits, set for the
//! bytes `0x80`–`0xFF`, so that the decoder learns whether a payload is pure ASCII
//! from the lookups it makes anyway.

#[cfg(target_arch = "x86_64")]
mod clmul;

/// Generator polynomial of CRC-16/CCITT-FALSE.
const POLY: u16 = 0x1021;
/// Initial register value.
const INIT: u16 = 0xFFFF;

/// `TABLES[k][x]`: in the low 16 bits, the register contribution of byte `x`
/// followed by `k` zero bytes; bit `16 + k` is set when `x` is not ASCII.
static TABLES: [[u32; 256]; 16] = build_tables();

/// The byte-at-a-time table (`TABLES[0]` without flags).
const fn byte_table() -> [u16; 256] {
    let mut t = [0u16; 256];
    let mut x = 0;
    while x < 256 {
        let mut crc = (x as u16) << 8;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ POLY } else { crc << 1 };
            bit += 1;
        }
        t[x] = crc;
        x += 1;
    }
    t
}

/// [`byte_table`], for [`crc16_const`].
const T0: [u16; 256] = byte_table();

const fn build_tables() -> [[u32; 256]; 16] {
    let mut crc = [[0u16; 256]; 16];
    crc[0] = T0;
    let mut k = 1;
    while k < 16 {
        let mut x = 0;
        while x < 256 {
            let prev = crc[k - 1][x];
            crc[k][x] = (prev << 8) ^ T0[(prev >> 8) as usize];
            x += 1;
        }
        k += 1;
    }
    let mut t = [[0u32; 256]; 16];
    let mut k = 0;
    while k < 16 {
        let mut x = 0;
        while x < 256 {
            let flag = if x >= 0x80 { 1u32 << (16 + k) } else { 0 };
            t[k][x] = crc[k][x] as u32 | flag;
            x += 1;
        }
        k += 1;
    }
    t
}

/// Computes CRC-16/CCITT-FALSE over `data`.
///
/// ```
/// assert_eq!(vietqr::crc16(b"123456789"), 0x29B1);
/// ```
#[must_use]
pub fn crc16(data: &[u8]) -> u16 {
    update(INIT, data)
}

/// Continues a CRC-16/CCITT-FALSE computation from register value `crc`.
#[must_use]
pub fn update(crc: u16, data: &[u8]) -> u16 {
    continued(crc, data).0
}

/// CRC-16/CCITT-FALSE of `data` and whether `data` is pure ASCII, in one pass: the
/// ASCII test rides on the table lookups, or on the loads of [`clmul`] where the CPU
/// multiplies without carries and `data` is long enough to gain from it.
#[inline]
#[must_use]
pub(crate) fn crc16_ascii(data: &[u8]) -> (u16, bool) {
    continued(INIT, data)
}

/// The register after `data` from register `crc`, and whether `data` is ASCII:
/// [`clmul`] (at the widest the CPU allows) where it helps, else the table loop.
#[inline(always)]
fn continued(crc: u16, data: &[u8]) -> (u16, bool) {
    #[cfg(target_arch = "x86_64")]
    if data.len() >= clmul::MIN_LEN {
        // SAFETY: `path` detected the features each function needs.
        #[allow(unsafe_code)]
        match clmul::path() {
            clmul::Path::Ymm => return unsafe { clmul::crc16_ascii_ymm(crc, data) },
            clmul::Path::Xmm => return unsafe { clmul::crc16_ascii(crc, data) },
            clmul::Path::Tables => {}
        }
    }
    sliced(crc, data)
}

/// The slicing-by-16 loop: the register after `data`, and whether `data` is ASCII.
///
/// The loop reads single bytes only: the encoder runs it over a buffer it has just
/// written piece by piece, and a wide load that spans several recent narrow stores
/// cannot be forwarded from the store buffer.
#[inline(always)]
fn sliced(mut crc: u16, data: &[u8]) -> (u16, bool) {
    let t = &TABLES;
    let (chunks, rest) = data.as_chunks::<16>();
    // The non-ASCII flags of the lookups (bits 16-31), and the OR of the two bytes
    // per step whose lookup index involves the register.
    let mut flags = 0u32;
    let mut first = 0u8;
    for c in chunks {
        // Byte `i` goes through table `15 - i`. The register-independent lookups are
        // combined first, as a tree, so they overlap the previous step and only the
        // first two bytes wait for the register.
        let x = |k: usize| t[k][usize::from(c[15 - k])];
        let a = (x(13) ^ x(12)) ^ (x(11) ^ x(10));
        let b = (x(9) ^ x(8)) ^ (x(7) ^ x(6));
        let d = (x(5) ^ x(4)) ^ (x(3) ^ x(2));
        let e = x(1) ^ x(0);
        let indep = (a ^ b) ^ (d ^ e);
        flags |= indep;
        first |= c[0] | c[1];
        crc = ((t[15][usize::from((crc >> 8) as u8 ^ c[0])] ^ t[14][usize::from(crc as u8 ^ c[1])]) ^ indep) as u16;
    }
    // The last 0-15 bytes also take one step: byte `i` of `n` goes through table
    // `n - 1 - i`, and only the first two meet the register, so the lookups are
    // independent instead of a byte-by-byte chain.
    let n = rest.len();
    match rest {
        [] => {}
        [b] => {
            first |= b;
            crc = (crc << 8) ^ t[0][usize::from((crc >> 8) as u8 ^ b)] as u16;
        }
        [b0, b1, more @ ..] => {
            // The last byte goes through table 0, the one before through table 1, ...
            let mut indep = 0;
            for (table, &b) in t.iter().zip(more.iter().rev()) {
                indep ^= table[usize::from(b)];
            }
            flags |= indep;
            first |= b0 | b1;
            crc = (t[(n - 1) & 15][usize::from((crc >> 8) as u8 ^ b0)]
                ^ t[(n - 2) & 15][usize::from(crc as u8 ^ b1)]
                ^ indep) as u16;
        }
    }
    (crc, flags >> 16 == 0 && first < 0x80)
}

/// CRC-16/CCITT-FALSE register after `data`, computable at compile time.
#[must_use]
pub const fn crc16_const(data: &[u8]) -> u16 {
    let mut crc = INIT;
    let mut i = 0;
    while i < data.len() {
        crc = (crc << 8) ^ T0[((crc >> 8) as u8 ^ data[i]) as usize];
        i += 1;
    }
    crc
}

/// Writes `crc` as four uppercase hexadecimal digits.
#[must_use]
pub fn to_hex(crc: u16) -> [u8; 4] {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    [
        HEX[usize::from(crc >> 12)],
        HEX[usize::from((crc >> 8) & 0xF)],
        HEX[usize::from((crc >> 4) & 0xF)],
        HEX[usize::from(crc & 0xF)],
    ]
}

/// Values of hexadecimal digits (upper or lower case); `0xFF` for other bytes.
static HEX_VALUE: [u8; 256] = hex_values();

const fn hex_values() -> [u8; 256] {
    let mut t = [0xFFu8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'A' as usize + i] = 10 + i as u8;
        t[b'a' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
}

/// Parses four hexadecimal digits, upper or lower case.
#[inline]
#[must_use]
pub fn parse_hex(s: &[u8]) -> Option<u16> {
    let &[a, b, c, d] = s else {
        return None;
    };
    let v = |x: u8| u16::from(HEX_VALUE[usize::from(x)]);
    let (a, b, c, d) = (v(a), v(b), v(c), v(d));
    ((a | b | c | d) < 16).then_some((a << 12) | (b << 8) | (c << 4) | d)
}

/// The bit-at-a-time reference definition, used to check the tables.
#[cfg(test)]
fn crc16_bitwise(data: &[u8]) -> u16 {
    let mut crc = INIT;
    for &b in data {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ POLY } else { crc << 1 };
        }
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_values_from_the_spec() {
        assert_eq!(crc16(b"123456789"), 0x29B1);
        assert_eq!(crc16(b"00"), 0x2EC9);
        assert_eq!(crc16(b"01"), 0x3EE8);
        assert_eq!(crc16(b""), 0xFFFF);
    }

    #[test]
    fn sliced_matches_bitwise_for_every_length() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 37 + 11) as u8).collect();
        for n in 0..data.len() {
            assert_eq!(crc16(&data[..n]), crc16_bitwise(&data[..n]), "length {n}");
            let ascii = data[..n].is_ascii();
            assert_eq!(crc16_ascii(&data[..n]), (crc16_bitwise(&data[..n]), ascii));
        }
    }

    #[test]
    fn one_non_ascii_byte_anywhere_is_seen() {
        let ascii: Vec<u8> = (0..100u8).map(|i| b' ' + i % 90).collect();
        for n in 0..ascii.len() {
            assert!(crc16_ascii(&ascii[..n]).1);
            for at in 0..n {
                let mut d = ascii[..n].to_vec();
                d[at] |= 0x80;
                assert_eq!(crc16_ascii(&d), (crc16_bitwise(&d), false), "length {n}, byte {at}");
            }
        }
    }

    proptest::proptest! {
        /// The sliced loop, chained calls and the fused ASCII test agree with the
        /// bit-wise definition on arbitrary data.
        #[test]
        fn sliced_matches_bitwise(
            data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
            split in 0usize..400,
        ) {
            let expected = crc16_bitwise(&data);
            proptest::prop_assert_eq!(crc16(&data), expected);
            let (a, b) = data.split_at(split.min(data.len()));
            proptest::prop_assert_eq!(update(update(INIT, a), b), expected);
            proptest::prop_assert_eq!(crc16_ascii(&data), (expected, data.is_ascii()));
            proptest::prop_assert_eq!(crc16_const(&data), expected);
        }
    }

    /// Each carry-less path this CPU has, called directly (the dispatch takes only the
    /// widest), against the table loop from any register and the bit-wise definition.
    #[cfg(target_arch = "x86_64")]
    fn carry_less_paths(crc: u16, data: &[u8]) {
        use std::arch::is_x86_feature_detected as has;
        let expected = (sliced(crc, data).0, data.is_ascii());
        #[allow(unsafe_code)]
        if has!("pclmulqdq") && has!("ssse3") {
            // SAFETY: the features were detected just above.
            assert_eq!(unsafe { clmul::crc16_ascii(crc, data) }, expected, "128-bit, {} bytes", data.len());
            if has!("vpclmulqdq") && has!("avx2") {
                // SAFETY: as above.
                assert_eq!(unsafe { clmul::crc16_ascii_ymm(crc, data) }, expected, "256-bit, {} bytes", data.len());
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn carry_less_paths_match_for_every_length() {
        let data: Vec<u8> = (0..400u32).map(|i| (i * 37 + 11) as u8).collect();
        let ascii: Vec<u8> = data.iter().map(|b| b & 0x7F).collect();
        for n in clmul::MIN_LEN..data.len() {
            assert_eq!(sliced(INIT, &data[..n]).0, crc16_bitwise(&data[..n]));
            for d in [&data[..n], &ascii[..n]] {
                carry_less_paths(INIT, d);
                carry_less_paths(0x1D0F, d);
            }
            // One byte above 0x7F anywhere is seen.
            for at in [0, n / 2, n - 1] {
                let mut d = ascii[..n].to_vec();
                d[at] |= 0x80;
                carry_less_paths(INIT, &d);
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    proptest::proptest! {
        #[test]
        fn carry_less_paths_match_on_arbitrary_data(
            data in proptest::collection::vec(proptest::prelude::any::<u8>(), clmul::MIN_LEN..600),
            crc in proptest::prelude::any::<u16>(),
        ) {
            carry_less_paths(crc, &data);
        }
    }

    #[test]
    fn hex_round_trip() {
        for v in [0u16, 0x0A1B, 0xFFFF, 0x2E2E] {
            assert_eq!(parse_hex(&to_hex(v)), Some(v));
        }
        assert_eq!(parse_hex(b"2e2e"), Some(0x2E2E));
        assert_eq!(parse_hex(b"2E2G"), None);
        assert_eq!(parse_hex(b"2E2"), None);
    }
}
