//! Typed views of a decoded payload: [`VietQr`] for NAPAS VietQR codes and
//! [`Merchant`] for any other EMVCo code (VNPAY-QR, reverse-domain GUIDs, utility
//! bills), both sharing [`AdditionalData`] (field `62`).

use crate::NAPAS_GUID;
use crate::banks::Bank;
use crate::crc;
use crate::decode::{DecodeError, MAX_PAYLOAD_BYTES, Payload, RootSlots, Span, VietQrSlots, common_root, decode, sub};
use crate::tlv::{Nesting, Tlv, TlvIter, nesting};
use crate::types::{Bin, Initiation, Service, Vnd};

/// An amount of plain digits (1-13, not all zero) in đồng, or `None`.
#[inline(always)]
fn plain_amount(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 13 {
        return None;
    }
    let mut v = 0u64;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u64::from(d);
    }
    (v != 0).then_some(v)
}

/// GUID of VNPAY-QR merchant accounts.
pub const VNPAY_GUID: &str = "A000000775";

/// The additional data template (field `62`). `***` means "ask the payer".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AdditionalData<'a> {
    /// `62.01` bill number.
    pub bill_number: Option<&'a str>,
    /// `62.02` mobile number.
    pub mobile: Option<&'a str>,
    /// `62.03` store label.
    pub store: Option<&'a str>,
    /// `62.04` loyalty number.
    pub loyalty: Option<&'a str>,
    /// `62.05` reference label (MoMo puts `MOMOW2W…` here).
    pub reference: Option<&'a str>,
    /// `62.06` customer label (utilities put the customer code here).
    pub customer: Option<&'a str>,
    /// `62.07` terminal label (stall or POS id).
    pub terminal: Option<&'a str>,
    /// `62.08` purpose of transaction: the transfer content ("nội dung").
    pub purpose: Option<&'a str>,
    /// `62.09` additional consumer data request (`A`, `M`, `E`).
    pub consumer_data_request: Option<&'a str>,
    /// `62.10` merchant tax ID.
    pub tax_id: Option<&'a str>,
    /// `62.11` merchant channel.
    pub channel: Option<&'a str>,
}

impl<'a> AdditionalData<'a> {
    /// From the sub-field spans cached when `62` was checked (all empty when there
    /// is no `62`).
    #[inline]
    fn from_sub(raw: &'a str, cached: &[Span; 16]) -> Self {
        let f = |id: usize| {
            let s = cached[sub::ADD + id];
            (s.start != 0).then(|| &raw[usize::from(s.start)..usize::from(s.end)])
        };
        Self {
            bill_number: f(1),
            mobile: f(2),
            store: f(3),
            loyalty: f(4),
            reference: f(5),
            customer: f(6),
            terminal: f(7),
            purpose: f(8),
            consumer_data_request: f(9),
            tax_id: f(10),
            channel: f(11),
        }
    }
}

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
        match self.vietqr_common() {
            Some(q) => Ok(q),
            None => self.vietqr_slow(),
        }
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
            additional: AdditionalData::from_sub(self.raw(), &self.sub),
        })
    }

    /// [`Self::vietqr`] for the common case ([`napas_common`]).
    #[inline(always)]
    pub(crate) fn vietqr_common(&self) -> Option<VietQr<'a>> {
        self.napas_common(|| AdditionalData::from_sub(self.raw(), &self.sub))
    }

    /// [`napas_common`] on this payload, with field `62` of the view given by
    /// `additional` ([`Payload::validate`] only needs the checks).
    #[inline(always)]
    pub(crate) fn napas_common(&self, additional: impl FnOnce() -> AdditionalData<'a>) -> Option<VietQr<'a>> {
        if !self.is_ascii() {
            return None;
        }
        napas_common(self.raw(), &self.slots, &self.sub, additional)
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
            additional: AdditionalData::from_sub(self.raw(), &self.sub),
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
/// assert_eq!(qr.additional.purpose, Some("thanh toan don hang"));
/// # Ok::<(), vietqr::DecodeError>(())
/// ```
///
/// # Errors
/// Any [`DecodeError`].
#[inline]
pub fn decode_vietqr(raw: &str) -> Result<VietQr<'_>, DecodeError> {
    match vietqr_common(raw) {
        Some(q) => Ok(q),
        None => decode_vietqr_slow(raw),
    }
}

/// [`decode_vietqr`] beyond the common case, kept out of line.
#[cold]
#[inline(never)]
fn decode_vietqr_slow(raw: &str) -> Result<VietQr<'_>, DecodeError> {
    decode(raw)?.vietqr()
}

/// [`decode_vietqr`] in the common case, without building a [`Payload`]: the CRC,
/// then [`crate::decode::common_root`] keeping only the root fields the view reads
/// ([`VietQrSlots`]), then [`napas_common`]. `None` for anything else (a CRC
/// mismatch included), which the general path then reports; otherwise the view is
/// the one `decode(raw)?.vietqr()` gives.
#[inline(always)]
pub(crate) fn vietqr_common(raw: &str) -> Option<VietQr<'_>> {
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
    let mut slots = VietQrSlots::default();
    let mut cached = [Span::default(); 16];
    if !common_root(b, &mut slots, &mut cached) {
        return None;
    }
    napas_common(raw, &slots, &cached, || AdditionalData::from_sub(raw, &cached))
}

/// The VietQR view in the common case, in one pass and without error reporting,
/// from the root spans and the cached sub-field spans of an ASCII payload that
/// [`crate::decode::common_root`] accepted: `01`, `53` = `704`, `58` = `VN`, an amount
/// (if any) of plain digits, no tip or fee fields, and a NAPAS account. `None` on
/// anything else, which the general path then validates and reports; otherwise the
/// view is the one the general path builds.
#[inline(always)]
pub(crate) fn napas_common<'a>(
    raw: &'a str,
    slots: &impl RootSlots,
    cached: &[Span; 16],
    additional: impl FnOnce() -> AdditionalData<'a>,
) -> Option<VietQr<'a>> {
    let at = |id: u8| slots.at(id);
    let span = |s: Span| (s.start != 0).then(|| &raw[usize::from(s.start)..usize::from(s.end)]);
    let span_bytes = |s: Span| span(s).map(str::as_bytes);
    if (at(55).start | at(56).start | at(57).start) != 0 {
        return None;
    }
    let initiation = match span_bytes(at(1))? {
        b"11" => Initiation::Static,
        b"12" => Initiation::Dynamic,
        _ => return None,
    };
    if span_bytes(at(53))? != b"704" || span_bytes(at(58))? != b"VN" {
        return None;
    }
    let amount = match span_bytes(at(54)) {
        None => None,
        Some(a) => Some(Vnd(plain_amount(a)?)),
    };
    let mcc = span(at(52));
    if mcc.is_some_and(|m| m.len() != 4 || !m.bytes().all(|c| c.is_ascii_digit())) {
        return None;
    }
    // ASCII: characters are bytes.
    let merchant_name = span(at(59));
    let merchant_city = span(at(60));
    if merchant_name.is_some_and(|n| n.is_empty() || n.len() > 25)
        || merchant_city.is_some_and(|c| c.is_empty() || c.len() > 15)
        // The postal code's length (0 when absent).
        || at(61).end.wrapping_sub(at(61).start) > 10
    {
        return None;
    }
    let guid = span_bytes(cached[sub::GUID])?;
    if guid != NAPAS_GUID.as_bytes() && !guid.eq_ignore_ascii_case(NAPAS_GUID.as_bytes()) {
        return None;
    }
    let bin: &[u8; 6] = span_bytes(cached[sub::BIN])?.try_into().ok()?;
    let (bin, bank) = Bin::from_digits_with_bank(bin)?;
    let account = span(cached[sub::ACCOUNT])?;
    if account.is_empty() || account.len() > 19 {
        return None;
    }
    let service = match span_bytes(cached[sub::SERVICE]) {
        None => None,
        Some(b"QRIBFTTA") => Some(Service::Account),
        Some(b"QRIBFTTC") => Some(Service::Card),
        Some(c) if !c.is_empty() && c.len() <= 10 && c.iter().all(u8::is_ascii_alphanumeric) => {
            Some(Service::Other(span(cached[sub::SERVICE])?))
        }
        Some(_) => return None,
    };
    Some(VietQr {
        bin,
        bank,
        account,
        service,
        initiation,
        amount,
        currency: "704",
        country: "VN",
        mcc,
        merchant_name,
        merchant_city,
        additional: additional(),
    })
}
