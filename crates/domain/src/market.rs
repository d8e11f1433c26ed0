//! Chợ 4.0 markets (payments.md §7): the rules of their records, which need no
//! database (`store::market` persists them): a stall's onboarding
//! status, the merchant's receiving method and account (checked against the
//! bank directory), the static VietQR payload computed from it, and the
//! validation of new markets, merchants and stalls.
//!
//! A stall's code is **static** (`01 = 11`, no amount): the buyer types the
//! amount. `38` carries the merchant's own bank or e-wallet BIN and account;
//! the optional terminal label `62.07` carries the stall's label folded to
//! ASCII, informational only (payments.md §7).

use serde::{Deserialize, Serialize};

/// Where a stall stands on the way to cashless payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StallStatus {
    /// Takes cash only.
    CashOnly,
    /// The stall's VietQR standee is displayed.
    QrDisplayed,
    /// Buyers are paying by QR.
    QrInUse,
}

impl StallStatus {
    /// Every status, in onboarding order.
    pub const ALL: [StallStatus; 3] = [StallStatus::CashOnly, StallStatus::QrDisplayed, StallStatus::QrInUse];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            StallStatus::CashOnly => "cash_only",
            StallStatus::QrDisplayed => "qr_displayed",
            StallStatus::QrInUse => "qr_in_use",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<StallStatus> {
        StallStatus::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// Whether the stall accepts cashless payment (a code is displayed or in use).
    pub fn cashless(self) -> bool {
        !matches!(self, StallStatus::CashOnly)
    }

    /// Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            StallStatus::CashOnly => "Chỉ nhận tiền mặt",
            StallStatus::QrDisplayed => "Đã treo mã QR",
            StallStatus::QrInUse => "Đang dùng QR",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            StallStatus::CashOnly => "Cash only",
            StallStatus::QrDisplayed => "QR displayed",
            StallStatus::QrInUse => "QR in use",
        }
    }
}

/// How the merchant receives transfers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// No receiving account yet (cash only).
    None,
    /// A bank account: the bank's BIN and the account number.
    Bank,
    /// An e-wallet account that issues a VietQR (MoMo `971025`, Viettel Money
    /// `971005`, VNPT Money `971011`, or a wallet routed through a bank BIN).
    Wallet,
}

impl Method {
    /// Every method.
    pub const ALL: [Method; 3] = [Method::None, Method::Bank, Method::Wallet];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::None => "none",
            Method::Bank => "bank",
            Method::Wallet => "wallet",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

/// A validated receiving account: what the static VietQR is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receiving {
    /// Bank or wallet.
    pub method: Method,
    /// The 6-digit BIN, known to the bank directory.
    pub bin: String,
    /// Account number (1–19 of `A-Z a-z 0-9 -`).
    pub account: String,
    /// Account holder as the bank shows it.
    pub holder: String,
}

impl Receiving {
    /// Checks a receiving account given as text: `method` `none` (or empty)
    /// means no account; otherwise the BIN must be one of the directory's and
    /// the account number what VietQR field `38.01.01` accepts.
    pub fn parse(method: &str, bin: &str, account: &str, holder: &str) -> Result<Option<Receiving>, String> {
        let method = if method.trim().is_empty() { "none" } else { method.trim() };
        let method = Method::parse(method).ok_or_else(|| {
            format!("cách nhận tiền không hợp lệ {method:?}: none, bank, wallet (bad receiving method)")
        })?;
        if method == Method::None {
            return Ok(None);
        }
        let (bin, account, holder) = (bin.trim(), account.trim(), holder.trim());
        let parsed = vietqr::Bin::parse(bin)
            .map_err(|_| format!("BIN ngân hàng phải gồm 6 chữ số, nhận {bin:?} (the BIN must be 6 digits)"))?;
        if parsed.bank().is_none() {
            return Err(format!("không có ngân hàng hay ví nào mang BIN {bin} (unknown bank BIN)"));
        }
        let ok = (1..=vietqr::encode::MAX_ACCOUNT_CHARS).contains(&account.len())
            && account.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !ok {
            return Err(format!(
                "số tài khoản phải gồm 1–19 ký tự chữ, số hoặc '-', nhận {account:?} (bad account number)"
            ));
        }
        if holder.chars().count() > 100 {
            return Err("tên chủ tài khoản tối đa 100 ký tự (holder too long)".into());
        }
        Ok(Some(Receiving { method, bin: bin.to_string(), account: account.to_string(), holder: holder.to_string() }))
    }

    /// The bank's display name.
    pub fn bank_name(&self) -> Option<&'static str> {
        vietqr::banks::by_bin(&self.bin).map(|b| b.name)
    }

    /// The static VietQR payload: the account, no amount, the stall's label
    /// (folded to ASCII, at most 25 characters) as terminal label `62.07`.
    pub fn static_payload(&self, stall_label: &str) -> Result<String, String> {
        let terminal = terminal_label(stall_label);
        let mut t = vietqr::Transfer::to_account(&self.bin, &self.account);
        if !terminal.is_empty() {
            t = t.terminal(&terminal);
        }
        t.encode().map_err(|e| format!("không tạo được mã VietQR: {e} (cannot encode VietQR)"))
    }
}

/// A stall label as a VietQR terminal label: ASCII-folded, printable, ≤ 25 characters.
pub fn terminal_label(label: &str) -> String {
    vietqr::fold::to_ascii(label.trim())
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(vietqr::encode::MAX_ADDITIONAL_CHARS)
        .collect::<String>()
        .trim()
        .to_string()
}

/// Checks a required short text: trimmed, 1..=max characters.
pub fn required(value: &str, max: usize, what_vi: &str, what_en: &str) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max {
        return Err(format!("{what_vi} phải có, tối đa {max} ký tự ({what_en} is required, at most {max} characters)"));
    }
    Ok(v.to_string())
}

/// Checks an optional short text: trimmed, at most `max` characters.
pub fn optional(value: &str, max: usize, what_vi: &str, what_en: &str) -> Result<String, String> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(format!("{what_vi} tối đa {max} ký tự ({what_en}: at most {max} characters)"));
    }
    Ok(v.to_string())
}

/// Checks a monthly stall fee in đồng: 0 (none) up to under the NAPAS 247 limit.
pub fn monthly_fee(fee: i64) -> Result<i64, String> {
    let limit = vietqr::NAPAS_PER_TRANSACTION_LIMIT as i64;
    if !(0..limit).contains(&fee) {
        return Err(format!("phí chợ hằng tháng phải từ 0 đến dưới {limit} đồng, nhận {fee} (bad monthly fee)"));
    }
    Ok(fee)
}

/// A merchant's phone: empty for none, else a Vietnamese number (stored as 10 digits).
pub fn phone(value: &str) -> Result<Option<String>, String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    crate::person::Phone::parse(v).map(|p| Some(p.as_str().to_string())).map_err(|e| e.to_string())
}

/// A stored phone masked for public views (`0901 *** 567`).
pub fn masked_phone(stored: Option<&str>) -> Option<String> {
    stored.and_then(|p| crate::person::Phone::parse(p).ok()).map(|p| p.masked())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_methods_round_trip() {
        for s in StallStatus::ALL {
            assert_eq!(StallStatus::parse(s.as_str()), Some(s));
        }
        for m in Method::ALL {
            assert_eq!(Method::parse(m.as_str()), Some(m));
        }
        assert!(!StallStatus::CashOnly.cashless());
        assert!(StallStatus::QrDisplayed.cashless() && StallStatus::QrInUse.cashless());
        assert_eq!(StallStatus::parse("paid"), None);
    }

    #[test]
    fn receiving_accounts_are_checked_against_the_directory() {
        let ok = Receiving::parse("bank", " 970436 ", "0011001234567", "NGUYEN THI HOA").unwrap().unwrap();
        assert_eq!((ok.bin.as_str(), ok.bank_name()), ("970436", Some("Vietcombank")));
        assert!(Receiving::parse("wallet", "971025", "PSP0901234567", "").unwrap().is_some());
        assert_eq!(Receiving::parse("", "", "", "").unwrap(), None);
        assert_eq!(Receiving::parse("none", "x", "y", "z").unwrap(), None);
        assert!(Receiving::parse("bank", "97043", "1", "").is_err(), "5 digits");
        assert!(Receiving::parse("bank", "999999", "1", "").is_err(), "unknown BIN");
        assert!(Receiving::parse("bank", "970436", "12 34", "").is_err(), "space");
        assert!(Receiving::parse("bank", "970436", &"1".repeat(20), "").is_err(), "too long");
        assert!(Receiving::parse("cash", "970436", "1", "").is_err(), "unknown method");
    }

    #[test]
    fn the_static_payload_has_the_account_and_no_amount() {
        let r = Receiving::parse("bank", "970405", "7300205123456", "TRAN VAN BA").unwrap().unwrap();
        let payload = r.static_payload("Sạp Cá 12").unwrap();
        let v = vietqr::decode(&payload).unwrap().vietqr().unwrap();
        assert_eq!((v.bin.as_str(), v.account, v.amount), ("970405", "7300205123456", None));
        assert_eq!(v.initiation, vietqr::Initiation::Static);
        assert_eq!(v.additional.terminal(), Some("Sap Ca 12"));
        assert_eq!(terminal_label(&"Đ".repeat(40)).len(), 25);
    }

    #[test]
    fn phones_and_fees_are_checked() {
        assert_eq!(phone("0901 234 567").unwrap().as_deref(), Some("0901234567"));
        assert_eq!(phone(" ").unwrap(), None);
        assert!(phone("12345").is_err());
        assert_eq!(masked_phone(Some("0901234567")).as_deref(), Some("0901 *** 567"));
        assert!(monthly_fee(-1).is_err() && monthly_fee(500_000_000).is_err());
        assert_eq!(monthly_fee(150_000), Ok(150_000));
    }
}
