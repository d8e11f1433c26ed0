//! Rank and select over a bitmap of working days.
//!
//! The covered days are cut into blocks of 64; each block keeps a `u64`
//! whose bit `i` says whether day `i` of the block is a working day, and the
//! number of working days before the block. Then:
//!
//! - *rank* (working days before a date) is one load and one `popcount`;
//! - *select* (the k-th working day) finds the block through a table indexed
//!   by `k / 32`, then the bit inside the block by bisection on `popcount`s.
//!
//! The bitmap is built from the working week and the list of exceptions,
//! block by block, never day by day: 300 years take 1,712 blocks (about
//! 20 kB). This is what makes a due date cost the same, and a few
//! nanoseconds, for any span.

/// Working days per chunk of the select table.
const CHUNK_SHIFT: u32 = 5;

/// The bitmap of working days over a range of day numbers.
#[derive(Debug, Clone, Default)]
pub(crate) struct DayBits {
    /// Day number of bit 0 of block 0.
    first: i32,
    /// Bit `i` of `masks[b]`: day `first + 64 b + i` is a working day.
    masks: Vec<u64>,
    /// `prefix[b]`: working days in [origin, first + 64 b); one more entry
    /// than `masks`.
    prefix: Vec<i64>,
    /// `chunks[c]`: the block holding working day number `prefix[0] + 32 c`.
    chunks: Vec<u32>,
}

/// `SELECT_IN_BYTE[b][r]`: position of the r-th set bit of byte `b`.
const SELECT_IN_BYTE: [[u8; 8]; 256] = {
    let mut table = [[0u8; 8]; 256];
    let mut b = 0;
    while b < 256 {
        let (mut r, mut i) = (0, 0);
        while i < 8 {
            if b >> i & 1 == 1 {
                table[b][r] = i as u8;
                r += 1;
            }
            i += 1;
        }
        b += 1;
    }
    table
};

/// Position of the `r`-th (0-based) set bit of `mask`; `r < mask.count_ones()`.
///
/// Broadword select: per-byte popcounts summed into running totals by one
/// multiplication, the byte found by a parallel comparison, then a table
/// look-up inside the byte. No branch, no loop.
fn select_in_word(mask: u64, r: u32) -> u32 {
    const L8: u64 = 0x0101_0101_0101_0101;
    const H8: u64 = 0x8080_8080_8080_8080;
    let mut s = mask - ((mask >> 1) & 0x5555_5555_5555_5555);
    s = (s & 0x3333_3333_3333_3333) + ((s >> 2) & 0x3333_3333_3333_3333);
    s = (s + (s >> 4)) & 0x0F0F_0F0F_0F0F_0F0F;
    // Byte i of `cum`: set bits in bytes 0..=i.
    let cum = s.wrapping_mul(L8);
    // High bit of byte i set when r >= cum_i, i.e. the bit lies past byte i.
    let past = ((u64::from(r) * L8) | H8).wrapping_sub(cum) & H8;
    let byte = ((past >> 7).wrapping_mul(L8) >> 56) as u32;
    let before = ((cum << 8) >> (8 * byte)) as u32 & 0xFF;
    let bits = (mask >> (8 * byte)) as usize & 0xFF;
    8 * byte + u32::from(SELECT_IN_BYTE[bits][(r - before) as usize & 7])
}

impl DayBits {
    /// Builds the bitmap of days [`first`, `end`) (rounded up to whole blocks).
    ///
    /// `patterns[w]` is the 64-day mask of the working week for a block
    /// starting on weekday index `w`; `before_first` the working days of the
    /// week before `first`; `exceptions` the (day, works) pairs, all inside
    /// the range.
    pub(crate) fn new(
        first: i32,
        end: i32,
        patterns: &[u64; 7],
        before_first: i64,
        exceptions: &[(i32, bool)],
    ) -> DayBits {
        let blocks = ((i64::from(end) - i64::from(first)).max(0) as usize).div_ceil(64);
        let mut masks: Vec<u64> = (0..blocks)
            .map(|b| {
                let start = first + 64 * b as i32;
                // 1970-01-01 (day 0) was a Thursday, weekday index 3.
                patterns[(start + 3).rem_euclid(7) as usize]
            })
            .collect();
        for &(d, works) in exceptions {
            let i = (d - first) as usize;
            let bit = 1u64 << (i % 64);
            if works {
                masks[i / 64] |= bit;
            } else {
                masks[i / 64] &= !bit;
            }
        }
        // Days of the last block past `end` keep the week's pattern, which is
        // what applies to them.
        let mut prefix = Vec::with_capacity(blocks + 1);
        let mut n = before_first;
        prefix.push(n);
        for m in &masks {
            n += i64::from(m.count_ones());
            prefix.push(n);
        }
        let total = n - before_first;
        let mut chunks = Vec::new();
        let mut b = 0usize;
        for c in 0..=(total >> CHUNK_SHIFT) {
            let k = before_first + (c << CHUNK_SHIFT);
            while b + 1 < blocks && prefix[b + 1] <= k {
                b += 1;
            }
            chunks.push(b as u32);
        }
        DayBits { first, masks, prefix, chunks }
    }

    /// One past the last covered day.
    pub(crate) fn end(&self) -> i32 {
        self.first + 64 * self.masks.len() as i32
    }

    /// Working days before the first covered day.
    pub(crate) fn count_at_start(&self) -> i64 {
        self.prefix[0]
    }

    /// Working days before the end of the covered range.
    pub(crate) fn count_at_end(&self) -> i64 {
        self.prefix[self.masks.len()]
    }

    /// (working days before `d`, whether `d` works), if `d` is covered.
    #[inline]
    pub(crate) fn rank(&self, d: i32) -> Option<(i64, bool)> {
        let i = usize::try_from(d.checked_sub(self.first)?).ok()?;
        let (b, bit) = (i / 64, i % 64);
        let mask = *self.masks.get(b)?;
        let below = (mask & ((1u64 << bit) - 1)).count_ones();
        Some((self.prefix[b] + i64::from(below), mask >> bit & 1 == 1))
    }

    /// The covered working day with `k` working days before it, if
    /// `count_at_start() <= k < count_at_end()`.
    #[inline]
    pub(crate) fn select(&self, k: i64) -> Option<i32> {
        let rel = k.checked_sub(self.prefix[0])?;
        if rel < 0 || k >= self.count_at_end() {
            return None;
        }
        let mut b = *self.chunks.get((rel >> CHUNK_SHIFT) as usize)? as usize;
        while self.prefix[b + 1] <= k {
            b += 1;
        }
        let r = (k - self.prefix[b]) as u32;
        Some(self.first + 64 * b as i32 + select_in_word(self.masks[b], r) as i32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_in_word_finds_each_bit() {
        for mask in [1u64, 0b1011_0110, u64::MAX, 0x8000_0000_0000_0001, 0x0F0F_00FF_1234_5678] {
            let positions: Vec<u32> = (0..64).filter(|i| mask >> i & 1 == 1).collect();
            for (r, &p) in positions.iter().enumerate() {
                assert_eq!(select_in_word(mask, r as u32), p, "{mask:#x} r={r}");
            }
        }
    }
}
