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
}
