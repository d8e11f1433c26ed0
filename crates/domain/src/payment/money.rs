//! Money in integer đồng: fee lines, totals with overflow checks, and the
//! Vietnamese display form `1.250.000 ₫`.
//!
//! VND has no minor unit, so every amount is an `i64` number of đồng and no
//! float ever touches money. Arithmetic that could overflow is checked and
//! reports [`MoneyError::Overflow`] instead of wrapping.

/// A money rule broken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// A fee line carries a negative unit amount.
    #[error("fee line {label:?} has a negative amount: {amount} đồng")]
    Negative {
        /// The fee line's label.
        label: String,
        /// The offending amount.
        amount: i64,
    },
    /// A product or sum does not fit in an `i64` number of đồng.
    #[error("amount overflow: the total does not fit in 64 bits")]
    Overflow,
}

/// One line of a fee or bill: a label, a unit amount and a quantity.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FeeLine {
    label: String,
    unit_amount: i64,
    quantity: u32,
}

impl FeeLine {
    /// A fee line; the unit amount must not be negative.
    ///
    /// # Errors
    /// [`MoneyError::Negative`] or, when `unit_amount × quantity` overflows,
    /// [`MoneyError::Overflow`].
    pub fn new(label: impl Into<String>, unit_amount: i64, quantity: u32) -> Result<Self, MoneyError> {
        let label = label.into();
        if unit_amount < 0 {
            return Err(MoneyError::Negative { label, amount: unit_amount });
        }
        let line = Self { label, unit_amount, quantity };
        line.amount()?;
        Ok(line)
    }

    /// The label shown on the bill.
    #[must_use]
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The amount of one unit, in đồng.
    #[must_use]
    pub fn unit_amount(&self) -> i64 {
        self.unit_amount
    }

    /// How many units.
    #[must_use]
    pub fn quantity(&self) -> u32 {
        self.quantity
    }

    /// `unit_amount × quantity`, in đồng.
    ///
    /// # Errors
    /// [`MoneyError::Overflow`].
    pub fn amount(&self) -> Result<i64, MoneyError> {
        self.unit_amount.checked_mul(i64::from(self.quantity)).ok_or(MoneyError::Overflow)
    }
}

/// The total of fee lines, in đồng.
///
/// # Errors
/// [`MoneyError::Overflow`].
pub fn total(lines: &[FeeLine]) -> Result<i64, MoneyError> {
    lines.iter().try_fold(0i64, |acc, l| acc.checked_add(l.amount()?).ok_or(MoneyError::Overflow))
}

/// A checked sum of amounts in đồng.
///
/// # Errors
/// [`MoneyError::Overflow`].
pub fn checked_sum(amounts: impl IntoIterator<Item = i64>) -> Result<i64, MoneyError> {
    amounts.into_iter().try_fold(0i64, |acc, a| acc.checked_add(a).ok_or(MoneyError::Overflow))
}

/// Formats đồng the Vietnamese way: `.` between thousands, then ` ₫`
/// (`1250000` → `1.250.000 ₫`, `-5000` → `-5.000 ₫`).
#[must_use]
pub fn format_dong(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 6);
    if amount < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out.push_str(" ₫");
    out
}

/// An amount in words, the way a Vietnamese receipt writes it under the
/// figure: `55000` → `Năm mươi lăm nghìn đồng`, `1005000` → `Một triệu
/// không trăm linh năm nghìn đồng`, `0` → `Không đồng`.
///
/// Groups of three digits are read with "nghìn", "triệu", "tỷ" and, above a
/// thousand million, "nghìn tỷ", "triệu tỷ", "tỷ tỷ". Inside a group: "linh"
/// for a zero ten before a unit, "mười"/"mươi", "mốt" and "lăm" after a ten;
/// a group after a larger one keeps its "không trăm". Negative amounts start
/// with "Âm".
#[must_use]
pub fn amount_in_words_vi(amount: i64) -> String {
    let n = amount.unsigned_abs();
    let mut words = if n == 0 { "không".to_owned() } else { read_number(n, true) };
    if amount < 0 {
        words = format!("âm {words}");
    }
    let mut chars = words.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
    format!("{first}{} đồng", chars.as_str())
}

/// Reads `n > 0`; `leading` is false when a larger group was read before
/// (so "không trăm" and "linh" are spelt out).
fn read_number(n: u64, leading: bool) -> String {
    const BILLION: u64 = 1_000_000_000;
    if n >= BILLION {
        let (high, low) = (n / BILLION, n % BILLION);
        let head = format!("{} tỷ", read_number(high, leading));
        return if low == 0 { head } else { format!("{head} {}", read_number(low, false)) };
    }
    // Below a thousand million: up to three groups (triệu, nghìn, units).
    let groups = [(n / 1_000_000, "triệu"), (n / 1_000 % 1_000, "nghìn"), (n % 1_000, "")];
    let mut parts: Vec<String> = Vec::new();
    let mut seen = !leading;
    for (group, unit) in groups {
        if group == 0 {
            continue;
        }
        // `group < 1000` by construction.
        let words = read_group(group as u16, seen);
        parts.push(if unit.is_empty() { words } else { format!("{words} {unit}") });
        seen = true;
    }
    parts.join(" ")
}

/// Reads one group of three digits, `0 < g < 1000`; `full` spells out a
/// zero hundred ("không trăm") because a larger group came before.
fn read_group(g: u16, full: bool) -> String {
    const DIGITS: [&str; 10] = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];
    let (hundreds, tens, units) = (usize::from(g / 100), usize::from(g / 10 % 10), usize::from(g % 10));
    let mut out: Vec<&str> = Vec::new();
    let spoken_hundred = hundreds > 0 || full;
    if spoken_hundred {
        out.extend([DIGITS[hundreds], "trăm"]);
    }
    match tens {
        0 if units > 0 && spoken_hundred => out.push("linh"),
        0 => {}
        1 => out.push("mười"),
        t => out.extend([DIGITS[t], "mươi"]),
    }
    match units {
        0 => {}
        1 if tens >= 2 => out.push("mốt"),
        5 if tens >= 1 => out.push("lăm"),
        u => out.push(DIGITS[u]),
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_thousands_separators() {
        assert_eq!(format_dong(0), "0 ₫");
        assert_eq!(format_dong(999), "999 ₫");
        assert_eq!(format_dong(1_000), "1.000 ₫");
        assert_eq!(format_dong(1_250_000), "1.250.000 ₫");
        assert_eq!(format_dong(-5_000), "-5.000 ₫");
        assert_eq!(format_dong(i64::MIN), "-9.223.372.036.854.775.808 ₫");
    }

    #[test]
    fn totals_fee_lines() {
        let lines = [FeeLine::new("Lệ phí", 50_000, 2).unwrap(), FeeLine::new("Phí sao y", 2_000, 5).unwrap()];
        assert_eq!(lines[0].amount(), Ok(100_000));
        assert_eq!(total(&lines), Ok(110_000));
        assert_eq!(total(&[]), Ok(0));
    }

    #[test]
    fn rejects_negative_and_overflow() {
        assert!(matches!(FeeLine::new("x", -1, 1), Err(MoneyError::Negative { amount: -1, .. })));
        assert_eq!(FeeLine::new("x", i64::MAX, 2), Err(MoneyError::Overflow));
        let big = FeeLine::new("x", i64::MAX, 1).unwrap();
        assert_eq!(total(&[big.clone(), big]), Err(MoneyError::Overflow));
        assert_eq!(checked_sum([i64::MAX, 1]), Err(MoneyError::Overflow));
        assert_eq!(checked_sum([1, 2, 3]), Ok(6));
    }

    #[test]
    fn amounts_in_words() {
        let cases = [
            (0, "Không đồng"),
            (1, "Một đồng"),
            (10, "Mười đồng"),
            (15, "Mười lăm đồng"),
            (21, "Hai mươi mốt đồng"),
            (24, "Hai mươi bốn đồng"),
            (105, "Một trăm linh năm đồng"),
            (110, "Một trăm mười đồng"),
            (115, "Một trăm mười lăm đồng"),
            (5_000, "Năm nghìn đồng"),
            (55_000, "Năm mươi lăm nghìn đồng"),
            (1_000_000, "Một triệu đồng"),
            (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
            (1_250_000, "Một triệu hai trăm năm mươi nghìn đồng"),
            (2_030_001, "Hai triệu không trăm ba mươi nghìn không trăm linh một đồng"),
            (21_000_000_000, "Hai mươi mốt tỷ đồng"),
            (1_000_005_000, "Một tỷ không trăm linh năm nghìn đồng"),
            (1_000_000_000_000, "Một nghìn tỷ đồng"),
            (-5_000, "Âm năm nghìn đồng"),
        ];
        for (amount, words) in cases {
            assert_eq!(amount_in_words_vi(amount), words, "{amount}");
        }
        assert_eq!(amount_in_words_vi(1_000_000_000_000_000_000), "Một tỷ tỷ đồng");
        // 9 223 372 036 854 775 807 = 9 223 372 036 tỷ and 854 775 807.
        let max = amount_in_words_vi(i64::MAX);
        assert!(max.starts_with("Chín tỷ hai trăm hai mươi ba triệu ba trăm bảy mươi hai nghìn"), "{max}");
        assert!(max.ends_with(
            "ba mươi sáu tỷ tám trăm năm mươi bốn triệu bảy trăm bảy mươi lăm nghìn tám trăm linh bảy đồng"
        ));
        assert!(amount_in_words_vi(i64::MIN).starts_with("Âm chín tỷ"));
    }
}
