//! CRC-16/CCITT-FALSE by carry-less multiplication (x86-64 `PCLMULQDQ`, or its
//! 256-bit form `VPCLMULQDQ` with AVX2 where the CPU has it, detected once), for
//! the payloads long enough to gain from it (64 bytes and more).
//!
//! The message is read as one polynomial over GF(2), first bit highest. Sixteen
//! bytes at a time are loaded into 128-bit lanes (byte-swapped, so that the first
//! byte is the most significant), and four lanes run side by side: each step
//! multiplies a lane by `x^512 mod P` (as its two 64-bit halves times two
//! constants) and adds the block 64 bytes further on, which keeps every lane
//! congruent, modulo `P`, to its share of the message (the 256-bit path runs two
//! lanes per register, 32 bytes per step). The lanes are then folded into one, and
//! the last whole blocks added one by one. The last `len % 16` bytes
//! shift the value up by as many bytes (byte shuffles from sliding windows of
//! masks), the bytes pushed past 128 bits folding back in. The final 128-bit value
//! `A` becomes the CRC `A·x¹⁶ mod P` by two more multiplications (down to 64 bits)
//! and a Barrett reduction (two more).
//!
//! The register the CRC starts from enters by adding it to the first 16 bits of the
//! first block: continuing a CRC from register `c` over `R` is the CRC from zero of
//! `R` with `c` added to its first 16 bits. The ASCII test ORs the loaded blocks
//! together.
//!
//! Everything here is checked against the bit-wise definition by the tests of
//! [`super`], for every length up to 300 and on arbitrary data.

#![allow(unsafe_code)]

use core::arch::x86_64::{
    __m128i, _mm_and_si128, _mm_clmulepi64_si128, _mm_cvtsi128_si32, _mm_loadu_si128, _mm_move_epi64,
    _mm_movemask_epi8, _mm_or_si128, _mm_set_epi8, _mm_set_epi64x, _mm_setzero_si128, _mm_shuffle_epi8, _mm_slli_si128,
    _mm_srli_epi64, _mm_srli_si128, _mm_xor_si128, _mm256_broadcastsi128_si256, _mm256_castsi256_si128,
    _mm256_clmulepi64_epi128, _mm256_extracti128_si256, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_or_si256,
    _mm256_set_epi64x, _mm256_setzero_si256, _mm256_shuffle_epi8, _mm256_xor_si256,
};
use std::sync::atomic::{AtomicU8, Ordering};

use super::POLY;

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

/// The shortest data the carry-less paths take: four blocks, one per lane.
pub(super) const MIN_LEN: usize = 64;

/// The carry-less path the CPU can take.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Path {
    /// None: the table loop.
    Tables,
    /// 128-bit `PCLMULQDQ` ([`crc16_ascii`]).
    Xmm,
    /// 256-bit `VPCLMULQDQ` with AVX2 ([`crc16_ascii_ymm`]).
    Ymm,
}

/// [`Path`] as detected, or `u8::MAX` before the first call.
static PATH: AtomicU8 = AtomicU8::new(u8::MAX);

/// The path this CPU takes: detected once, then one relaxed load.
#[inline(always)]
pub(super) fn path() -> Path {
    match PATH.load(Ordering::Relaxed) {
        0 => Path::Tables,
        1 => Path::Xmm,
        2 => Path::Ymm,
        _ => detect(),
    }
}

#[cold]
fn detect() -> Path {
    use std::arch::is_x86_feature_detected as has;
    let path = if has!("pclmulqdq") && has!("ssse3") {
        if has!("vpclmulqdq") && has!("avx2") { Path::Ymm } else { Path::Xmm }
    } else {
        Path::Tables
    };
    PATH.store(path as u8, Ordering::Relaxed);
    path
}

/// Loads 16 bytes, ORs them into `seen` (for the ASCII test) and reverses them
/// with `swap` ([`swap_mask`]).
#[inline]
#[target_feature(enable = "ssse3")]
fn load_swapped(b: &[u8; 16], swap: __m128i, seen: &mut __m128i) -> __m128i {
    // SAFETY: `b` is 16 readable bytes; the load has no alignment requirement.
    let v = unsafe { _mm_loadu_si128(b.as_ptr().cast()) };
    *seen = _mm_or_si128(*seen, v);
    _mm_shuffle_epi8(v, swap)
}

/// Reverses the bytes of a 128-bit lane: the first byte becomes the most significant.
#[inline]
#[target_feature(enable = "sse2")]
fn swap_mask() -> __m128i {
    _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
}

/// Windows of byte-shuffle masks: 16 bytes at offset `16 - r` of [`SHIFT_UP`] move
/// every byte of a lane `r` places up (towards the most significant end, the low
/// `r` bytes becoming zero: `_mm_shuffle_epi8` zeroes a byte whose mask byte has its
/// top bit set); of [`SHIFT_DOWN`], `16 - r` places down, keeping the top `r` bytes;
/// of [`LOW`], an AND mask that keeps the low `r` bytes.
static SHIFT_UP: [u8; 32] = window(0x80, true);
/// See [`SHIFT_UP`].
static SHIFT_DOWN: [u8; 32] = window(0x80, false);
/// See [`SHIFT_UP`].
static LOW: [u8; 32] = {
    let mut t = [0u8; 32];
    let mut i = 0;
    while i < 16 {
        t[i] = 0xFF;
        i += 1;
    }
    t
};

/// `fill` then the indices 0-15 (`first_fill`), or the indices then `fill`.
const fn window(fill: u8, first_fill: bool) -> [u8; 32] {
    let mut t = [fill; 32];
    let mut i = 0;
    while i < 16 {
        t[if first_fill { 16 + i } else { i }] = i as u8;
        i += 1;
    }
    t
}

/// The 16 bytes of `table` from `16 - r` (`r` at most 16).
#[inline]
#[target_feature(enable = "sse2")]
fn mask(table: &[u8; 32], r: usize) -> __m128i {
    let w: &[u8; 16] = table[16 - r..32 - r].try_into().unwrap_or(&[0; 16]);
    // SAFETY: `w` is 16 readable bytes; the load has no alignment requirement.
    unsafe { _mm_loadu_si128(w.as_ptr().cast()) }
}

/// `floor(x⁶⁴ / P)`, the Barrett constant that reduces 64 bits to 16.
const fn barrett_mu() -> i64 {
    let p: u128 = (1 << 16) | POLY as u128;
    let mut rem: u128 = 1 << 64;
    let mut q: u128 = 0;
    let mut i = 64;
    while i >= 16 {
        if (rem >> i) & 1 == 1 {
            q |= 1 << (i - 16);
            rem ^= p << (i - 16);
        }
        i -= 1;
    }
    q as i64
}

/// CRC-16/CCITT-FALSE of `data` continued from register `crc`, and whether `data`
/// is ASCII, by 128-bit multiplications. `data` holds at least [`MIN_LEN`] bytes.
///
/// # Safety
/// The CPU must support `pclmulqdq` and `ssse3` ([`Path::Xmm`]).
#[target_feature(enable = "pclmulqdq,ssse3")]
pub(super) unsafe fn crc16_ascii(crc: u16, data: &[u8]) -> (u16, bool) {
    let (blocks, _) = data.as_chunks::<16>();
    debug_assert!(blocks.len() >= 4);
    let swap = swap_mask();
    let mut seen = _mm_setzero_si128();
    let mut load = |b: &[u8; 16]| load_swapped(b, swap, &mut seen);
    // The register enters as the first 16 bits of the first block.
    let start = _mm_set_epi64x(i64::from(crc) << 48, 0);
    let mut lanes = [_mm_xor_si128(load(&blocks[0]), start), load(&blocks[1]), load(&blocks[2]), load(&blocks[3])];
    let mut rest = &blocks[4..];
    let by512 = fold_by::<512>();
    while let [b0, b1, b2, b3, more @ ..] = rest {
        for (lane, b) in lanes.iter_mut().zip([b0, b1, b2, b3]) {
            *lane = _mm_xor_si128(fold(*lane, by512), load(b));
        }
        rest = more;
    }
    let acc = _mm_xor_si128(
        _mm_xor_si128(fold(lanes[0], fold_by::<384>()), fold(lanes[1], fold_by::<256>())),
        _mm_xor_si128(fold(lanes[2], fold_by::<128>()), lanes[3]),
    );
    let (crc, ascii) = finish(acc, rest, data);
    (crc, ascii && _mm_movemask_epi8(seen) == 0)
}

/// CRC-16/CCITT-FALSE of `data` continued from register `crc`, and whether `data`
/// is ASCII, by 256-bit multiplications: 32 bytes per load and fold, in one
/// accumulator of two lanes. `data` holds at least [`MIN_LEN`] bytes.
///
/// # Safety
/// The CPU must support `vpclmulqdq`, `avx2`, `pclmulqdq` and `ssse3` ([`Path::Ymm`]).
#[target_feature(enable = "vpclmulqdq,avx2,pclmulqdq,ssse3")]
pub(super) unsafe fn crc16_ascii_ymm(crc: u16, data: &[u8]) -> (u16, bool) {
    let (chunks, _) = data.as_chunks::<32>();
    debug_assert!(chunks.len() >= 2);
    let swap = _mm256_broadcastsi128_si256(swap_mask());
    let mut seen = _mm256_setzero_si256();
    let mut load = |c: &[u8; 32]| {
        // SAFETY: `c` is 32 readable bytes; the load has no alignment requirement.
        let v = unsafe { _mm256_loadu_si256(c.as_ptr().cast()) };
        seen = _mm256_or_si256(seen, v);
        _mm256_shuffle_epi8(v, swap)
    };
    // The register enters as the first 16 bits of the first block (the low lane).
    let start = _mm256_set_epi64x(0, 0, i64::from(crc) << 48, 0);
    let mut acc = _mm256_xor_si256(load(&chunks[0]), start);
    // Both lanes move 256 bits further for each chunk.
    let by256 = _mm256_broadcastsi128_si256(fold_by::<256>());
    for c in &chunks[1..] {
        let moved = _mm256_xor_si256(
            _mm256_clmulepi64_epi128::<0x00>(acc, by256),
            _mm256_clmulepi64_epi128::<0x11>(acc, by256),
        );
        acc = _mm256_xor_si256(moved, load(c));
    }
    // The first lane is 128 bits ahead of the second.
    let first = _mm256_castsi256_si128(acc);
    let acc = _mm_xor_si128(fold(first, fold_by::<128>()), _mm256_extracti128_si256::<1>(acc));
    let rest = &data[chunks.len() * 32..];
    let (crc, ascii) = finish(acc, rest.as_chunks::<16>().0, data);
    (crc, ascii && _mm256_movemask_epi8(seen) == 0)
}

/// The end both paths share: the whole 16-byte `blocks` after `acc`, then the last
/// `data.len() % 16` bytes of `data`, then the reduction to 16 bits. Also answers
/// whether the bytes it loaded are ASCII.
#[inline]
#[target_feature(enable = "pclmulqdq,ssse3")]
fn finish(mut acc: __m128i, blocks: &[[u8; 16]], data: &[u8]) -> (u16, bool) {
    let swap = swap_mask();
    let mut seen = _mm_setzero_si128();
    let mut load = |b: &[u8; 16]| load_swapped(b, swap, &mut seen);
    let by128 = fold_by::<128>();
    for b in blocks {
        acc = _mm_xor_si128(fold(acc, by128), load(b));
    }
    // The last `r` bytes: `acc · x^8r` plus them. The top `r` bytes of `acc` move
    // past 128 bits and fold back by `x¹²⁸`; the last 16 bytes of `data` hold the
    // tail in their low `r` bytes once swapped.
    let r = data.len() % 16;
    if r > 0 {
        let last: &[u8; 16] = data[data.len() - 16..].try_into().unwrap_or(&[0; 16]);
        let t = _mm_and_si128(load(last), mask(&LOW, r));
        let up = _mm_shuffle_epi8(acc, mask(&SHIFT_UP, r));
        let over = _mm_shuffle_epi8(acc, mask(&SHIFT_DOWN, r));
        acc = _mm_xor_si128(_mm_xor_si128(fold(over, by128), up), t);
    }
    // `acc · x¹⁶ mod P`. With `acc = H·x⁶⁴ + L`, it is congruent to
    // `S = H·(x⁸⁰ mod P) + L·x¹⁶` (at most 80 bits), and with `S = S'·x⁶⁴ + T`
    // to `A = S'·(x⁶⁴ mod P) + T` (64 bits). Barrett reduction ends it: with
    // `A = Q·x¹⁶ + R` and `μ = floor(x⁶⁴ / P)`, the quotient `A div P` is
    // `(Q·μ) div x⁴⁸`, and `A mod P` is `R` plus the low 16 bits of that quotient
    // times `P - x¹⁶`.
    let k = _mm_set_epi64x(0, const { x_pow_mod(80) });
    let s = _mm_xor_si128(_mm_clmulepi64_si128::<0x01>(acc, k), _mm_slli_si128::<2>(_mm_move_epi64(acc)));
    let k = _mm_set_epi64x(0, const { x_pow_mod(64) });
    let a = _mm_xor_si128(_mm_clmulepi64_si128::<0x01>(s, k), _mm_move_epi64(s));
    let mu = _mm_set_epi64x(const { POLY as i64 }, const { barrett_mu() });
    let q = _mm_srli_si128::<6>(_mm_clmulepi64_si128::<0x00>(_mm_srli_epi64::<16>(a), mu));
    let qp = _mm_clmulepi64_si128::<0x10>(q, mu);
    let out = _mm_cvtsi128_si32(_mm_xor_si128(qp, a)) as u16;
    (out, _mm_movemask_epi8(seen) == 0)
}
