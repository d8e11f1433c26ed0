//! CRC-16/CCITT-FALSE by carry-less multiplication (x86-64 `PCLMULQDQ`), for the
//! payloads long enough to gain from it (64 bytes and more).
//!
//! The message is read as one polynomial over GF(2), first bit highest. Sixteen
//! bytes at a time are loaded into 128-bit lanes (byte-swapped, so that the first
//! byte is the most significant), and four lanes run side by side: each step
//! multiplies a lane by `x^512 mod P` (as its two 64-bit halves times two
//! constants) and adds the block 64 bytes further on, which keeps every lane
//! congruent, modulo `P`, to its share of the message. The lanes are then folded
//! into one, the last whole blocks added one by one, and the final 128-bit value
//! `A` becomes the CRC `A·x¹⁶ mod P` by two more multiplications (down to 64
//! bits) and six independent lookups in the table loop's own tables.
//!
//! The register the CRC starts from (and the first `len % 16` bytes, which the
//! table loop takes) enters by adding it to the first 16 bits of the first block:
//! continuing a CRC from register `c` over `R` is the CRC from zero of `R` with `c`
//! added to its first 16 bits. The ASCII test ORs the loaded blocks together.
//!
//! Everything here is checked against the bit-wise definition by the tests of
//! [`super`], for every length up to 300 and on arbitrary data.

#![allow(unsafe_code)]

use core::arch::x86_64::{
    __m128i, _mm_clmulepi64_si128, _mm_cvtsi128_si64, _mm_loadu_si128, _mm_move_epi64, _mm_movemask_epi8, _mm_or_si128,
    _mm_set_epi8, _mm_set_epi64x, _mm_shuffle_epi8, _mm_slli_si128, _mm_xor_si128,
};

use super::{POLY, TABLES};

/// `x^k mod P(x)`, where `P(x) = x¹⁶ + POLY`, as the coefficients of `x^0..x^15`.
const fn x_pow_mod(k: u32) -> i64 {
    let mut r: u32 = 1;
    let mut i = 0;
    while i < k {
        r <<= 1;
        if r & 0x1_0000 != 0 {
            r ^= 0x1_0000 | POLY as u32;
        }
        i += 1;
    }
    r as i64
}

/// The constants that move a 128-bit lane `BITS` further: `x^BITS mod P` for its
/// low half and `x^(BITS + 64) mod P` for its high half, computed at compile time.
#[inline]
#[target_feature(enable = "sse2")]
fn fold_by<const BITS: u32>() -> __m128i {
    _mm_set_epi64x(const { x_pow_mod(BITS + 64) }, const { x_pow_mod(BITS) })
}

/// `a · x^distance`, reduced to at most 80 bits, given `k = fold_by::<distance>()`.
#[inline]
#[target_feature(enable = "pclmulqdq")]
fn fold(a: __m128i, k: __m128i) -> __m128i {
    _mm_xor_si128(_mm_clmulepi64_si128::<0x00>(a, k), _mm_clmulepi64_si128::<0x11>(a, k))
}

/// The shortest data [`crc16_ascii`] takes: four blocks, one per lane.
pub(super) const MIN_LEN: usize = 64;

/// Whether the CPU has what [`crc16_ascii`] uses (checked once by `std`, then a
/// cached load).
#[inline(always)]
pub(super) fn available() -> bool {
    std::is_x86_feature_detected!("pclmulqdq") && std::is_x86_feature_detected!("sse4.1")
}

/// CRC-16/CCITT-FALSE of `data` continued from register `crc`, and whether `data`
/// is ASCII. `data` holds at least [`MIN_LEN`] bytes.
///
/// # Safety
/// The CPU must support `pclmulqdq` and `sse4.1` ([`available`]).
#[target_feature(enable = "pclmulqdq,sse4.1")]
pub(super) unsafe fn crc16_ascii(crc: u16, data: &[u8]) -> (u16, bool) {
    let head = data.len() % 16;
    let (first, blocks) = data.split_at(head);
    let (crc, first_ascii) = super::sliced(crc, first);
    let (blocks, _) = blocks.as_chunks::<16>();
    debug_assert!(blocks.len() >= 4);
    // Reverses the bytes of a lane: the first byte becomes the most significant.
    let swap = _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    let mut seen = _mm_set_epi64x(0, 0);
    let mut load = |b: &[u8; 16]| {
        // SAFETY: `b` is 16 readable bytes; the load has no alignment requirement.
        let v = unsafe { _mm_loadu_si128(b.as_ptr().cast()) };
        seen = _mm_or_si128(seen, v);
        _mm_shuffle_epi8(v, swap)
    };
    // The register enters as the first 16 bits of the first block.
    let start = _mm_set_epi64x(i64::from(crc) << 48, 0);
    let mut lanes = [_mm_xor_si128(load(&blocks[0]), start), load(&blocks[1]), load(&blocks[2]), load(&blocks[3])];
    let mut rest = &blocks[4..];
    let by512 = fold_by::<512>();
    while let [b0, b1, b2, b3, tail @ ..] = rest {
        for (lane, b) in lanes.iter_mut().zip([b0, b1, b2, b3]) {
            *lane = _mm_xor_si128(fold(*lane, by512), load(b));
        }
        rest = tail;
    }
    let mut acc = _mm_xor_si128(
        _mm_xor_si128(fold(lanes[0], fold_by::<384>()), fold(lanes[1], fold_by::<256>())),
        _mm_xor_si128(fold(lanes[2], fold_by::<128>()), lanes[3]),
    );
    let by128 = fold_by::<128>();
    for b in rest {
        acc = _mm_xor_si128(fold(acc, by128), load(b));
    }
    // `acc · x¹⁶ mod P`. With `acc = H·x⁶⁴ + L`, it is congruent to
    // `S = H·(x⁸⁰ mod P) + L·x¹⁶` (at most 80 bits), and with `S = S'·x⁶⁴ + T`
    // to `S'·(x⁶⁴ mod P) + T` (64 bits); byte `i` (weight `x^(8i)`) of that is
    // `TABLES[i - 2]` of it for `i ≥ 2`, and its low 16 bits are already reduced.
    let k = _mm_set_epi64x(0, const { x_pow_mod(80) });
    let s = _mm_xor_si128(_mm_clmulepi64_si128::<0x01>(acc, k), _mm_slli_si128::<2>(_mm_move_epi64(acc)));
    let k = _mm_set_epi64x(0, const { x_pow_mod(64) });
    let t = _mm_cvtsi128_si64(_mm_xor_si128(_mm_clmulepi64_si128::<0x01>(s, k), s)) as u64;
    let mut out = t as u32 & 0xFFFF;
    for (table, byte) in TABLES.iter().zip(&t.to_le_bytes()[2..]) {
        out ^= table[usize::from(*byte)];
    }
    (out as u16, first_ascii && _mm_movemask_epi8(seen) == 0)
}
