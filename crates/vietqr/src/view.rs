//! Typed views of a decoded payload: [`VietQr`] for NAPAS VietQR codes and
//! [`Merchant`] for any other EMVCo code (VNPAY-QR, reverse-domain GUIDs, utility
//! bills), both sharing [`AdditionalData`] (field `62`).

use crate::NAPAS_GUID;
use crate::banks::Bank;
use crate::crc;
use crate::decode::{DecodeError, MAX_PAYLOAD_BYTES, Payload, decode, sub};
use crate::tlv::{Nesting, Tlv, TlvIter, nesting};
use crate::types::{Bin, Initiation, Service, Vnd};

mod additional;
mod common;

pub use additional::AdditionalData;

/// GUID of VNPAY-QR merchant accounts.
pub const VNPAY_GUID: &str = "A000000775";

/// A NAPAS VietQR transfer order, validated under [`Profile::VietQr`](crate::Profile::VietQr).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VietQr<'a> {
    /// Beneficiary bank BIN (`38.01.00`).
    pub bin: Bin,
    /// The bank with that BIN, when the directory knows it.
    pub bank: Option<&'static Bank>,
    /// Account, card or merchant number (`38.01.01`).
    pub account: &'a str,
    /// Service code (`38.02`), when present.
    pub service: Option<Service<'a>>,
    /// Static or dynamic. When `01` is absent (other profiles), dynamic iff an amount is present.
    pub initiation: Initiation,
    /// Amount in đồng (`54`).
    pub amount: Option<Vnd>,
    /// Currency (`53`), always `704`.
    pub currency: &'a str,
    /// Country (`58`), always `VN`.
    pub country: &'a str,
    /// Merchant category code (`52`), optional in VietQR.
    pub mcc: Option<&'a str>,
    /// Merchant name (`59`), optional in VietQR.
    pub merchant_name: Option<&'a str>,
    /// Merchant city (`60`), optional in VietQR.
    pub merchant_city: Option<&'a str>,
    /// Field `62`.
    pub additional: AdditionalData<'a>,
}

impl<'a> VietQr<'a> {
    /// Whether `38.01.01` is a card number (service `QRIBFTTC`).
    #[must_use]
    pub fn is_card(&self) -> bool {
        self.service == Some(Service::Card)
    }
}

fn initiation(p: &Payload<'_>) -> Initiation {
    p.get(1).and_then(Initiation::from_code).unwrap_or(if p.get(54).is_some() {
        Initiation::Dynamic
    } else {
        Initiation::Static
    })
}

impl<'a> Payload<'a> {
    /// Validates under [`Profile::VietQr`](crate::Profile::VietQr) and returns the typed view.
    ///
    /// # Errors
    /// The first profile violation.
    #[inline]
    pub fn vietqr(&self) -> Result<VietQr<'a>, DecodeError> {
        // The placeholder is overwritten on every path (see `common::fill`).
        let mut out = Err(DecodeError::Empty);
        if self.vietqr_common(&mut out).is_none() {
            out = self.vietqr_slow();
        }
        out
    }

    /// [`Self::vietqr_general`], kept out of line so that the common path inlines.
    #[cold]
    #[inline(never)]
    fn vietqr_slow(&self) -> Result<VietQr<'a>, DecodeError> {
        self.vietqr_general()
    }

    /// [`Self::vietqr`] for any payload, with precise errors.
    pub(crate) fn vietqr_general(&self) -> Result<VietQr<'a>, DecodeError> {
        self.check_common()?;
        let napas = self.check_vietqr()?;
        let bin = napas.bin;
        Ok(VietQr {
            bin,
            bank: bin.bank(),
            account: napas.account,
            service: napas.service.map(Service::from_code),
            initiation: initiation(self),
            amount: napas.amount,
            currency: self.get(53).unwrap_or_default(),
            country: self.get(58).unwrap_or_default(),
            mcc: self.get(52),
            merchant_name: self.get(59),
            merchant_city: self.get(60),
            additional: self.additional(),
        })
    }

    /// [`Self::vietqr`] for the common case: the one-pass view of `common` over the
    /// payload text, into `out` (`None`, leaving `out` alone, outside that case).
    #[inline(always)]
    pub(crate) fn vietqr_common(&self, out: &mut Result<VietQr<'a>, DecodeError>) -> Option<()> {
        if !self.is_ascii() {
            return None;
        }
        common::fill(self.raw(), out)
    }

    /// Field `62`, from the sub-field spans cached when it was checked.
    fn additional(&self) -> AdditionalData<'a> {
        let mut a = AdditionalData::of(self.raw());
        for id in 1..=11 {
            a.set(id, self.sub[sub::ADD + usize::from(id)]);
        }
        a
    }

    /// Merchant account information (`02`–`51`) in ID order.
    pub fn merchant_accounts(&self) -> impl Iterator<Item = MerchantAccount<'a>> + '_ {
        (2..=51).filter_map(|id| self.field(id).map(|t| MerchantAccount::new(self.raw(), t)))
    }

    /// The generic merchant view, for any EMVCo code.
    #[must_use]
    pub fn merchant(&self) -> Merchant<'a> {
        Merchant {
            account: self.merchant_accounts().next(),
            initiation: initiation(self),
            mcc: self.get(52),
            currency: self.get(53),
            amount: self.get(54),
            country: self.get(58),
            name: self.get(59),
            city: self.get(60),
            postal_code: self.get(61),
            additional: self.additional(),
        }
    }
}

/// Who runs a merchant account template, from its GUID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme<'a> {
    /// NAPAS VietQR (`A000000727`).
    Napas,
    /// VNPAY-QR (`A000000775`).
    Vnpay,
    /// A reverse-domain GUID such as `vn.com.example`.
    Domain(&'a str),
    /// Any other GUID (an AID or a UUID).
    Other(&'a str),
    /// A card-scheme field (`02`–`25`) or a template without GUID.
    Unspecified,
}

/// One merchant account information field (`02`–`51`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MerchantAccount<'a> {
    /// The field ID.
    pub id: u8,
    /// Sub-field `00`, for templates (`26`–`51`).
    pub guid: Option<&'a str>,
    /// Who runs it.
    pub scheme: Scheme<'a>,
    /// The merchant identifier: sub-field `01` when it is a plain value (VNPAY and
    /// most schemes), `38.01.01` for NAPAS, or the whole value for `02`–`25`.
    pub merchant_id: Option<&'a str>,
    /// The raw value.
    pub value: &'a str,
}

impl<'a> MerchantAccount<'a> {
    fn new(raw: &'a str, t: Tlv<'a>) -> Self {
        if t.id < 26 {
            return Self {
                id: t.id,
                guid: None,
                scheme: Scheme::Unspecified,
                merchant_id: Some(t.value),
                value: t.value,
            };
        }
        let ascii = raw.is_ascii();
        let subs = || TlvIter::nested(raw, &t, ascii).map_while(Result::ok);
        let guid = subs().find(|s| s.id == 0).map(|s| s.value);
        let scheme = match guid {
            None => Scheme::Unspecified,
            Some(g) if g.eq_ignore_ascii_case(NAPAS_GUID) => Scheme::Napas,
            Some(g) if g.eq_ignore_ascii_case(VNPAY_GUID) => Scheme::Vnpay,
            Some(g) if g.contains('.') => Scheme::Domain(g),
            Some(g) => Scheme::Other(g),
        };
        let merchant_id = subs().find(|s| s.id == 1).map(|s| {
            let path = crate::tlv::FieldPath::root(t.id).child(1);
            if nesting(&path, guid) == Nesting::Template {
                TlvIter::nested(raw, &s, ascii).map_while(Result::ok).find(|x| x.id == 1).map_or(s.value, |x| x.value)
            } else {
                s.value
            }
        });
        Self { id: t.id, guid, scheme, merchant_id, value: t.value }
    }

    /// Sub-field `id` of this template (first level), if any.
    #[must_use]
    pub fn get(&self, id: u8) -> Option<&'a str> {
        crate::tlv::find(self.value, id)
    }
}

/// A generic EMVCo merchant-presented code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Merchant<'a> {
    /// The first merchant account field (lowest ID), if any.
    pub account: Option<MerchantAccount<'a>>,
    /// Static or dynamic.
    pub initiation: Initiation,
    /// Merchant category code (`52`).
    pub mcc: Option<&'a str>,
    /// Currency (`53`).
    pub currency: Option<&'a str>,
    /// Amount as written (`54`), in the currency's unit.
    pub amount: Option<&'a str>,
    /// Country (`58`).
    pub country: Option<&'a str>,
    /// Merchant name (`59`).
    pub name: Option<&'a str>,
    /// Merchant city (`60`).
    pub city: Option<&'a str>,
    /// Postal code (`61`).
    pub postal_code: Option<&'a str>,
    /// Field `62`.
    pub additional: AdditionalData<'a>,
}

/// Decodes, checks the CRC and structure, and validates a NAPAS VietQR payload.
///
/// ```
/// let qr = vietqr::decode_vietqr(
///     "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA\
///      530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E",
/// )?;
/// assert_eq!(qr.bank.unwrap().name, "Sacombank");
/// assert_eq!(qr.amount, Some(vietqr::Vnd(180_000)));
/// assert_eq!(qr.additional.purpose(), Some("thanh toan don hang"));
/// # Ok::<(), vietqr::DecodeError>(())
/// ```
///
/// # Errors
/// Any [`DecodeError`].
#[inline]
pub fn decode_vietqr(raw: &str) -> Result<VietQr<'_>, DecodeError> {
    // The placeholder is overwritten on every path (see `common::fill`).
    let mut out = Err(DecodeError::Empty);
    if vietqr_common(raw, &mut out).is_none() {
        out = decode_vietqr_slow(raw);
    }
    out
}

/// [`decode_vietqr`] beyond the common case, kept out of line.
#[cold]
#[inline(never)]
fn decode_vietqr_slow(raw: &str) -> Result<VietQr<'_>, DecodeError> {
    decode(raw)?.vietqr()
}

/// [`decode_vietqr`] in the common case, without building a [`Payload`]: the CRC,
/// then the one-pass view of `common` into `out`. `None` for anything else (a CRC
/// mismatch included), which the general path then reports; otherwise `out` holds
/// the view `decode(raw)?.vietqr()` gives.
#[inline(always)]
pub(crate) fn vietqr_common<'a>(raw: &'a str, out: &mut Result<VietQr<'a>, DecodeError>) -> Option<()> {
    let b = raw.as_bytes();
    let n = b.len();
    if !(14..=MAX_PAYLOAD_BYTES).contains(&n) || b[n - 8..n - 4] != *b"6304" {
        return None;
    }
    let found = crc::parse_hex(&b[n - 4..])?;
    let (expected, ascii) = crc::crc16_ascii(&b[..n - 4]);
    if expected != found || !ascii {
        return None;
    }
    common::fill(raw, out)
}
