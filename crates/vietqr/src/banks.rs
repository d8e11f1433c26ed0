//! The Vietnamese bank directory: every BIN of the vietqr.io bank list (snapshot of
//! 2026-10-02, as tabulated in the project's VietQR notes §8), with the short code,
//! display name and whether the source marks the bank as supporting transfers.
//!
//! Store BINs, not names: renamed banks keep their BIN. BINs that appear in only one
//! other source (`963369` Liobank in vietnam-qr-pay; `970459`, `970460`, `970464`,
//! `970465`, `970468`, `970470` in the SBV 2023 list) are deliberately absent; a
//! payload with such a BIN still decodes, with no bank attached.

/// Where the table comes from.
pub const SOURCE: &str = "vietqr.io bank list, snapshot of 2026-10-02";

/// One bank (or e-wallet) that has a BIN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Bank {
    /// The 6-digit BIN issued by the State Bank of Vietnam.
    pub bin: &'static str,
    /// Short code, e.g. `VCB`, `ICB`, `momo` (as spelled at the source).
    pub code: &'static str,
    /// Display name, e.g. `Vietcombank`.
    pub name: &'static str,
    /// Whether the source lists the bank as supporting NAPAS 247 transfers.
    pub transfer_supported: bool,
}

const fn bank(bin: &'static str, code: &'static str, name: &'static str, transfer_supported: bool) -> Bank {
    Bank { bin, code, name, transfer_supported }
}

/// Every bank, sorted by BIN.
pub static BANKS: &[Bank] = &TABLE;

/// The BINs of [`BANKS`] as numbers, for a fast binary search.
static KEYS: [u32; TABLE.len()] = keys();

const fn keys() -> [u32; TABLE.len()] {
    let mut k = [0u32; TABLE.len()];
    let mut i = 0;
    while i < TABLE.len() {
        let b = TABLE[i].bin.as_bytes();
        let mut v = 0u32;
        let mut j = 0;
        while j < b.len() {
            v = v * 10 + (b[j] - b'0') as u32;
            j += 1;
        }
        k[i] = v;
        i += 1;
    }
    k
}

/// Six ASCII digits as a number, or `None`.
#[inline]
pub(crate) fn bin_key(bin: &[u8]) -> Option<u32> {
    let &[a, b, c, d, e, f] = bin else {
        return None;
    };
    crate::digits::eight(u64::from_le_bytes([b'0', b'0', a, b, c, d, e, f]))
}

/// Looks a bank up by the six ASCII digits of its BIN: `None` when they are not
/// all digits, else the bank, if any. NAPAS's `9704xx` take one table lookup on
/// the last two digits.
#[inline(always)]
pub(crate) fn by_digits(bin: &[u8; 6]) -> Option<Option<&'static Bank>> {
    if bin[..4] == *b"9704" {
        let (x, y) = (bin[4].wrapping_sub(b'0'), bin[5].wrapping_sub(b'0'));
        if (x > 9) | (y > 9) {
            return None;
        }
        return Some(napas_9704(usize::from(x * 10 + y)));
    }
    Some(by_key(bin_key(bin)?))
}

/// The bank with BIN `9704xx`, if any.
#[inline(always)]
fn napas_9704(xx: usize) -> Option<&'static Bank> {
    let i = *NAPAS_9704.get(xx)?;
    (i != 0).then(|| &TABLE[usize::from(i) - 1])
}

/// Looks a bank up by the numeric value of its BIN.
#[inline]
pub(crate) fn by_key(key: u32) -> Option<&'static Bank> {
    // Most BINs are NAPAS's 9704xx: one table lookup.
    if let Some(xx) = key.checked_sub(970_400).filter(|&xx| xx < 100) {
        return napas_9704(xx as usize);
    }
    KEYS.binary_search(&key).ok().map(|i| &TABLE[i])
}

/// For BIN `9704xx`, the index in [`TABLE`] plus one at `xx` (0: no such bank).
static NAPAS_9704: [u8; 100] = napas_9704_table();

const fn napas_9704_table() -> [u8; 100] {
    let mut t = [0u8; 100];
    let mut i = 0;
    while i < TABLE.len() {
        if KEYS[i] >= 970_400 && KEYS[i] < 970_500 {
            t[(KEYS[i] - 970_400) as usize] = (i + 1) as u8;
        }
        i += 1;
    }
    t
}

const TABLE: [Bank; 65] = [
    bank("422589", "CIMB", "CIMB", true),
    bank("458761", "HSBC", "HSBC", false),
    bank("533948", "CITIBANK", "Citibank", false),
    bank("546034", "CAKE", "CAKE", true),
    bank("546035", "Ubank", "Ubank", true),
    bank("668888", "KBank", "KBank", true),
    bank("796500", "DBS", "DBS Bank", false),
    bank("801011", "NHB-HN", "Nonghyup", false),
    bank("963388", "TIMO", "Timo", true),
    bank("970400", "SGICB", "SaigonBank", true),
    bank("970403", "STB", "Sacombank", true),
    bank("970405", "VBA", "Agribank", true),
    bank("970406", "Vikki", "Vikki (DongA)", false),
    bank("970407", "TCB", "Techcombank", true),
    bank("970408", "GPB", "GPBank", false),
    bank("970409", "BAB", "BacABank", true),
    bank("970410", "SCVN", "Standard Chartered", false),
    bank("970412", "PVCB", "PVcomBank", true),
    bank("970414", "MBV", "MBV (OceanBank)", true),
    bank("970415", "ICB", "VietinBank", true),
    bank("970416", "ACB", "ACB", true),
    bank("970418", "BIDV", "BIDV", true),
    bank("970419", "NCB", "NCB", true),
    bank("970421", "VRB", "VRB", false),
    bank("970422", "MB", "MBBank", true),
    bank("970423", "TPB", "TPBank", true),
    bank("970424", "SHBVN", "Shinhan Bank", true),
    bank("970425", "ABB", "ABBANK", true),
    bank("970426", "MSB", "MSB", true),
    bank("970427", "VAB", "VietABank", true),
    bank("970428", "NAB", "NamABank", true),
    bank("970429", "SCB", "SCB", true),
    bank("970430", "PGB", "PGBank", true),
    bank("970431", "EIB", "Eximbank", true),
    bank("970432", "VPB", "VPBank", true),
    bank("970433", "VIETBANK", "VietBank", true),
    bank("970434", "IVB", "Indovina Bank", false),
    bank("970436", "VCB", "Vietcombank", true),
    bank("970437", "HDB", "HDBank", true),
    bank("970438", "BVB", "BaoVietBank", true),
    bank("970439", "PBVN", "Public Bank", false),
    bank("970440", "SEAB", "SeABank", true),
    bank("970441", "VIB", "VIB", true),
    bank("970442", "HLBVN", "Hong Leong", false),
    bank("970443", "SHB", "SHB", true),
    bank("970444", "CBB", "CBBank", false),
    bank("970446", "COOPBANK", "Co-opBank", true),
    bank("970448", "OCB", "OCB", true),
    bank("970449", "LPB", "LPBank (LienViet)", true),
    bank("970452", "KLB", "KienLongBank", true),
    bank("970454", "VCCB", "BVBank (Viet Capital)", true),
    bank("970455", "IBK-HN", "IBK Hà Nội", false),
    bank("970456", "IBK-HCM", "IBK HCM", false),
    bank("970457", "WVN", "Woori", true),
    bank("970458", "UOB", "UOB", false),
    bank("970462", "KBHN", "Kookmin Hà Nội", false),
    bank("970463", "KBHCM", "Kookmin HCM", false),
    bank("970466", "KEBHANAHCM", "KEB Hana HCM", false),
    bank("970467", "KEBHANAHN", "KEB Hana Hà Nội", false),
    bank("971005", "VTLMONEY", "Viettel Money", false),
    bank("971011", "VNPTMONEY", "VNPT Money", false),
    bank("971025", "momo", "MoMo", true),
    bank("971133", "PVDB", "PVcomBank Pay", true),
    bank("977777", "MAFC", "MAFC", false),
    bank("999888", "VBSP", "VBSP (Ngân hàng Chính sách Xã hội)", false),
];

/// Looks a bank up by its 6-digit BIN.
///
/// ```
/// assert_eq!(vietqr::banks::by_bin("970436").unwrap().code, "VCB");
/// ```
#[must_use]
pub fn by_bin(bin: &str) -> Option<&'static Bank> {
    by_key(bin_key(bin.as_bytes())?)
}

/// Looks a bank up by short code, ignoring ASCII case (`vcb`, `MOMO`, `Ubank`).
///
/// ```
/// assert_eq!(vietqr::banks::by_code("vcb").unwrap().bin, "970436");
/// ```
#[must_use]
pub fn by_code(code: &str) -> Option<&'static Bank> {
    BANKS.iter().find(|b| b.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_unique_and_complete() {
        assert_eq!(BANKS.len(), 65);
        assert!(BANKS.windows(2).all(|w| w[0].bin < w[1].bin));
        for b in BANKS {
            assert_eq!(b.bin.len(), 6);
            assert!(b.bin.bytes().all(|c| c.is_ascii_digit()));
            assert_eq!(by_bin(b.bin), Some(b));
            assert_eq!(by_code(&b.code.to_ascii_lowercase()), Some(b));
        }
    }

    #[test]
    fn lookups() {
        assert_eq!(by_bin("970403").unwrap().name, "Sacombank");
        assert_eq!(by_bin("971025").unwrap().code, "momo");
        assert!(!by_bin("971005").unwrap().transfer_supported);
        assert_eq!(by_code("Momo").unwrap().bin, "971025");
        assert_eq!(by_bin("970459"), None);
        assert_eq!(by_code("nope"), None);
    }

    #[test]
    fn digits_lookup_agrees_with_the_table_for_every_bin_like_input() {
        for bank in BANKS {
            let digits: &[u8; 6] = bank.bin.as_bytes().try_into().unwrap();
            assert_eq!(by_digits(digits), Some(Some(bank)));
        }
        for xx in 0..100 {
            let bin = format!("9704{xx:02}");
            let digits: &[u8; 6] = bin.as_bytes().try_into().unwrap();
            assert_eq!(by_digits(digits), Some(by_bin(&bin)), "{bin}");
        }
        for bad in [b"9704a1", b"97041:", b"97040/", b"97 403", b"x70403", b"970403"] {
            let expected = bin_key(bad).map(by_key);
            assert_eq!(by_digits(bad), expected, "{bad:?}");
        }
        assert_eq!(by_digits(b"9704/0"), None);
    }
}
