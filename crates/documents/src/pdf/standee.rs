//! Market stall standees (Chợ 4.0, payments.md §7): one stall per page with
//! its static VietQR code, big enough to scan across a counter, and a whole
//! market's stalls in one PDF to print at once.
//!
//! A page reads top to bottom: the market, the stall number in large type,
//! the merchant and what they sell, "Quét mã để thanh toán", the QR code
//! (error correction M, 4-module quiet zone, dark on white: vietqr.md §10)
//! taking all the room left, the VietQR / NAPAS 247 wording, then the bank,
//! account and holder so a buyer can check whom they pay. On A6 the QR
//! symbol is at least 60 mm wide; A5 scales everything by √2.

use super::PdfError;
use super::canvas::{Align, Canvas, DocInfo, QrPlacement};
use super::font::{Weight, fit_size};
use super::layout::{PageSize, Style, draw_lines};
use super::mm;

/// Paper for standees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Paper {
    /// 105 × 148 mm, four to an A4 sheet.
    A6,
    /// 148 × 210 mm.
    A5,
}

impl Paper {
    /// The page size.
    #[must_use]
    pub fn size(self) -> PageSize {
        match self {
            Paper::A6 => PageSize::A6,
            Paper::A5 => PageSize::A5,
        }
    }
}

/// One stall's standee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standee {
    /// The market ("Chợ Một Ngàn").
    pub market_name: String,
    /// The stall's number or label ("A-12").
    pub stall_label: String,
    /// The stall holder's name or shop name.
    pub merchant_name: String,
    /// What the stall sells ("Rau củ quả"); may be empty.
    pub category: String,
    /// The receiving bank's name.
    pub bank_name: String,
    /// The account as shown to people (masked or grouped by the caller).
    pub account_display: String,
    /// The account holder's name.
    pub holder: String,
    /// The static VietQR payload (EMVCo string).
    pub qr_payload: String,
}

/// The standees, one stall per page, as one PDF.
///
/// # Errors
/// [`PdfError::Empty`] without stalls; [`PdfError::Qr`] when a payload does
/// not fit in a QR code.
pub fn render(items: &[Standee], paper: Paper) -> Result<Vec<u8>, PdfError> {
    let pages = items.iter().map(|s| page(s, paper).map(|(c, _)| c)).collect::<Result<Vec<_>, _>>()?;
    let title = match items {
        [one] => format!("{} – {}", one.market_name, one.stall_label),
        [first, ..] => format!("{} – {} sạp", first.market_name, items.len()),
        [] => return Err(PdfError::Empty),
    };
    super::canvas::render(&pages, &DocInfo { title })
}

/// Lays out one standee; also returns where the QR code went.
fn page(s: &Standee, paper: Paper) -> Result<(Canvas, QrPlacement), PdfError> {
    let mut c = paper.size().canvas();
    let k = c.width() / mm(105.0);
    let margin = mm(6.0) * k;
    let (x, w) = (margin, c.width() - 2.0 * margin);
    c.frame(mm(3.0) * k, mm(3.0) * k, c.width() - mm(6.0) * k, c.height() - mm(6.0) * k, 0.8 * k);

    let mut y = margin;
    let one_line = |text: &str, weight: Weight, size: f32| Style {
        size: fit_size(text, weight, size * k, w),
        weight,
        align: Align::Center,
    };
    let market = one_line(&s.market_name, Weight::Bold, 10.0);
    y += draw_lines(&mut c, x, w, y, std::slice::from_ref(&s.market_name), market);
    let stall = one_line(&s.stall_label, Weight::Bold, 34.0);
    y += draw_lines(&mut c, x, w, y, std::slice::from_ref(&s.stall_label), stall);
    let who = if s.category.trim().is_empty() {
        s.merchant_name.clone()
    } else {
        format!("{} – {}", s.merchant_name, s.category)
    };
    let who_style = one_line(&who, Weight::Bold, 11.0);
    y += draw_lines(&mut c, x, w, y, &[who], who_style);
    y += mm(1.5) * k;
    let call = "Quét mã để thanh toán";
    y += draw_lines(&mut c, x, w, y, &[call.to_owned()], one_line(call, Weight::Bold, 15.0));

    // The bottom block, measured first so the QR code takes what is left.
    let marks = "VietQR · NAPAS 247";
    let apps = "Chuyển khoản 24/7 bằng ứng dụng ngân hàng hoặc ví hỗ trợ VietQR";
    let bottom: [(String, Style); 5] = [
        (marks.to_owned(), one_line(marks, Weight::Bold, 11.0)),
        (apps.to_owned(), one_line(apps, Weight::Regular, 7.5)),
        (s.bank_name.clone(), one_line(&s.bank_name, Weight::Regular, 9.5)),
        (s.account_display.clone(), one_line(&s.account_display, Weight::Bold, 13.0)),
        (s.holder.to_uppercase(), one_line(&s.holder.to_uppercase(), Weight::Bold, 10.0)),
    ];
    let bottom_h: f32 = bottom.iter().map(|(_, st)| st.line_height()).sum();
    let bottom_top = c.height() - margin - bottom_h;
    let side = (bottom_top - y - mm(1.0) * k).min(w);
    let qr = c.qr(&s.qr_payload, x + (w - side) / 2.0, y, side)?;
    let mut y = bottom_top;
    for (text, style) in &bottom {
        y += draw_lines(&mut c, x, w, y, std::slice::from_ref(text), *style);
    }
    Ok((c, qr))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stall() -> Standee {
        Standee {
            market_name: "Chợ Một Ngàn".into(),
            stall_label: "A-12".into(),
            merchant_name: "Nguyễn Thị Lan".into(),
            category: "Rau củ quả".into(),
            bank_name: "Vietcombank".into(),
            account_display: "0071 0012 3456 7".into(),
            holder: "Nguyễn Thị Lan".into(),
            qr_payload:
                "00020101021138570010A00000072701270006970403011200110123456780208QRIBFTTA53037045802VN6304F4E5".into(),
        }
    }

    #[test]
    fn the_qr_symbol_is_at_least_60_mm_on_a6_and_fits_the_page() {
        for paper in [Paper::A6, Paper::A5] {
            let (c, qr) = page(&stall(), paper).unwrap();
            let min = if paper == Paper::A6 { 60.0 } else { 85.0 };
            assert!(qr.symbol >= mm(min), "{paper:?}: {} mm", qr.symbol / mm(1.0));
            assert!(qr.module >= mm(1.5), "modules big enough to scan from afar");
            assert!(qr.symbol + 8.0 * qr.module <= c.width());
        }
    }

    #[test]
    fn no_stalls_is_an_error() {
        assert!(matches!(render(&[], Paper::A6), Err(PdfError::Empty)));
    }
}
