//! [`AdditionalData`], the additional data template (field `62`) of both views:
//! the spans of sub-fields `62.01`-`62.11` in the payload, read by name.

use core::fmt;

use crate::decode::Span;

/// The additional data template (field `62`): sub-fields `62.01`-`62.11`, read by
/// the methods named after them (or by [`Self::get`]). `***` as a value means "ask
/// the payer".
///
/// It keeps where the values are in the payload rather than the values, so that a
/// view stays small and decoding slices no text that nobody reads. Two templates are
/// equal when every sub-field has the same value.
#[derive(Clone, Copy, Default)]
pub struct AdditionalData<'a> {
    raw: &'a str,
    /// Indexed by sub-field ID; `spans[0]` is never set.
    spans: [Span; 12],
}

impl<'a> AdditionalData<'a> {
    /// Sub-fields of the payload `raw`: none yet.
    #[inline(always)]
    pub(crate) fn of(raw: &'a str) -> Self {
        Self { raw, spans: [Span::default(); 12] }
    }

    /// Records sub-field `62.id` at `span` of the payload, when `id` is 1-11.
    #[inline(always)]
    pub(crate) fn set(&mut self, id: u8, span: Span) {
        if let 1..=11 = id {
            self.spans[usize::from(id)] = span;
        }
    }

    /// Sub-field `62.id` (1-11), if present.
    #[must_use]
    #[inline]
    pub fn get(&self, id: u8) -> Option<&'a str> {
        let s = self.spans.get(usize::from(id))?;
        if s.start == 0 {
            return None;
        }
        self.raw.get(usize::from(s.start)..usize::from(s.end))
    }
}

/// One method per sub-field, with its name and ID.
macro_rules! sub_fields {
    ($($(#[$doc:meta])* $name:ident = $id:literal;)*) => {
        impl<'a> AdditionalData<'a> {
            $(
                $(#[$doc])*
                #[must_use]
                #[inline]
                pub fn $name(&self) -> Option<&'a str> {
                    self.get($id)
                }
            )*
        }

        impl fmt::Debug for AdditionalData<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut d = f.debug_struct("AdditionalData");
                $(
                    if let Some(v) = self.$name() {
                        d.field(stringify!($name), &v);
                    }
                )*
                d.finish()
            }
        }
    };
}

sub_fields! {
    /// `62.01` bill number.
    bill_number = 1;
    /// `62.02` mobile number.
    mobile = 2;
    /// `62.03` store label.
    store = 3;
    /// `62.04` loyalty number.
    loyalty = 4;
    /// `62.05` reference label (MoMo puts `MOMOW2W…` here).
    reference = 5;
    /// `62.06` customer label (utilities put the customer code here).
    customer = 6;
    /// `62.07` terminal label (stall or POS id).
    terminal = 7;
    /// `62.08` purpose of transaction: the transfer content ("nội dung").
    purpose = 8;
    /// `62.09` additional consumer data request (`A`, `M`, `E`).
    consumer_data_request = 9;
    /// `62.10` merchant tax ID.
    tax_id = 10;
    /// `62.11` merchant channel.
    channel = 11;
}

impl PartialEq for AdditionalData<'_> {
    fn eq(&self, other: &Self) -> bool {
        (1..=11).all(|id| self.get(id) == other.get(id))
    }
}

impl Eq for AdditionalData<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_by_name_and_compares_by_value() {
        let raw = "xx0107NPS68690819thanh toan don hang";
        let mut a = AdditionalData::of(raw);
        a.set(1, Span { start: 6, end: 13 });
        a.set(8, Span { start: 17, end: 36 });
        a.set(0, Span { start: 2, end: 4 });
        a.set(12, Span { start: 2, end: 4 });
        assert_eq!(a.bill_number(), Some("NPS6869"));
        assert_eq!(a.purpose(), Some("thanh toan don hang"));
        assert_eq!((a.get(0), a.get(12), a.terminal()), (None, None, None));
        // The same values elsewhere in another text are equal.
        let other = "0107NPS6869";
        let mut b = AdditionalData::of(other);
        b.set(1, Span { start: 4, end: 11 });
        assert_ne!(a, b);
        b.raw = "0107NPS68690819thanh toan don hang";
        b.set(8, Span { start: 15, end: 34 });
        assert_eq!(a, b);
        assert_eq!(format!("{a:?}"), r#"AdditionalData { bill_number: "NPS6869", purpose: "thanh toan don hang" }"#);
        assert_eq!(AdditionalData::of(raw), AdditionalData::default());
    }
}
