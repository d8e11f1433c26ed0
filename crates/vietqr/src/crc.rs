//! CRC-16/CCITT-FALSE (poly `0x1021`, init `0xFFFF`, no reflection, xorout 0), the
//! checksum of EMVCo field `63` (NAPAS §5.2.15, also called CRC-16/IBM-3740).
//!
//! The checksum is a large part of decoding time, so it is computed slicing-by-16:
//! sixteen 256-entry tables (8 KiB, built at compile time) let the loop consume
//! sixteen bytes per step. Only the two lookups that involve the running register
//! are on the critical path; the other fourteen are combined first, independently
//! of it. The last 0–15 bytes take one step of the same kind rather than a
//! byte-by-byte chain. The tables are derived from the bit-wise definition kept for
//! the tests.

/// Generator polynomial of CRC-16/CCITT-FALSE.
const POLY: u16 = 0x1021;
/// Initial register value.
const INIT: u16 = 0xFFFF;

/// `TABLES[k][x]` is the register contribution of byte `x` followed by `k` zero bytes.
static TABLES: [[u16; 256]; 16] = build_tables();

const fn build_tables() -> [[u16; 256]; 16] {
    let mut t = [[0u16; 256]; 16];
    let mut x = 0;
    while x < 256 {
        let mut crc = (x as u16) << 8;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ POLY } else { crc << 1 };
            bit += 1;
        }
        t[0][x] = crc;
        x += 1;
    }
    let mut k = 1;
    while k < 16 {
        let mut x = 0;
        while x < 256 {
            let prev = t[k - 1][x];
            t[k][x] = (prev << 8) ^ t[0][(prev >> 8) as usize];
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
    sliced::<false>(crc, data, &mut 0)
}

/// CRC-16/CCITT-FALSE of `data` and whether `data` is pure ASCII, in one pass: the
/// ASCII test rides on the loop over `data`.
#[inline]
#[must_use]
pub(crate) fn crc16_ascii(data: &[u8]) -> (u16, bool) {
    let mut high = 0;
    let crc = sliced::<true>(INIT, data, &mut high);
    (crc, high & 0x8080_8080_8080_8080 == 0)
}

/// The slicing-by-16 loop. With `ASCII`, `or` accumulates the OR of every byte of
/// `data` (in some lane of a `u64`), for [`crc16_ascii`].
///
/// The loop reads single bytes only (besides the optional ASCII words): the encoder
/// runs it over a buffer it has just written piece by piece, and a wide load that
/// spans several recent narrow stores cannot be forwarded from the store buffer.
#[inline(always)]
fn sliced<const ASCII: bool>(mut crc: u16, data: &[u8], or: &mut u64) -> u16 {
    let t = &TABLES;
    let mut chunks = data.chunks_exact(16);
    let mut acc = 0u64;
    for c in &mut chunks {
        if ASCII {
            let (lo8, hi8) = c.split_at(8);
            let w0 = u64::from_le_bytes(lo8.try_into().unwrap_or([0; 8]));
            let w1 = u64::from_le_bytes(hi8.try_into().unwrap_or([0; 8]));
            acc |= w0 | w1;
        }
        // Byte `i` goes through table `15 - i`. The register-independent lookups are
        // combined first, as a tree, so they overlap the previous step and only the
        // first two bytes wait for the register.
        let x = |k: usize| t[k][usize::from(c[15 - k])];
        let a = (x(13) ^ x(12)) ^ (x(11) ^ x(10));
        let b = (x(9) ^ x(8)) ^ (x(7) ^ x(6));
        let d = (x(5) ^ x(4)) ^ (x(3) ^ x(2));
        let e = x(1) ^ x(0);
        let indep = (a ^ b) ^ (d ^ e);
        crc = (t[15][usize::from((crc >> 8) as u8 ^ c[0])] ^ t[14][usize::from(crc as u8 ^ c[1])]) ^ indep;
    }
    // The last 0-15 bytes also take one step: byte `i` of `n` goes through table
    // `n - 1 - i`, and only the first two meet the register, so the lookups are
    // independent instead of a byte-by-byte chain.
    let rest = chunks.remainder();
    let n = rest.len();
    match rest {
        [] => {}
        [b] => {
            acc |= u64::from(*b);
            crc = (crc << 8) ^ t[0][usize::from((crc >> 8) as u8 ^ b)];
        }
        [b0, b1, more @ ..] => {
            // The last byte goes through table 0, the one before through table 1, ...
            let mut indep = 0;
            for (table, &b) in t.iter().zip(more.iter().rev()) {
                acc |= u64::from(b);
                indep ^= table[usize::from(b)];
            }
            acc |= u64::from(*b0 | *b1);
            crc = t[(n - 1) & 15][usize::from((crc >> 8) as u8 ^ b0)]
                ^ t[(n - 2) & 15][usize::from(crc as u8 ^ b1)]
                ^ indep;
        }
    }
    *or |= acc;
    crc
}

/// CRC-16/CCITT-FALSE register after `data`, computable at compile time.
#[must_use]
pub const fn crc16_const(data: &[u8]) -> u16 {
    let mut crc = INIT;
    let mut i = 0;
    while i < data.len() {
        crc = (crc << 8) ^ TABLES[0][((crc >> 8) as u8 ^ data[i]) as usize];
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

/// Parses four hexadecimal digits, upper or lower case.
#[must_use]
pub fn parse_hex(s: &[u8]) -> Option<u16> {
    if s.len() != 4 {
        return None;
    }
    let mut v: u16 = 0;
    for &b in s {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'A'..=b'F' => b - b'A' + 10,
            b'a'..=b'f' => b - b'a' + 10,
            _ => return None,
        };
        v = (v << 4) | u16::from(d);
    }
    Some(v)
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
