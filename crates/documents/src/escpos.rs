//! ESC/POS bytes for the kiosk's ticket slip on an 80 mm thermal printer
//! (UX.md "Kiosk": number, service, time, people ahead, and the QR code).
//!
//! Text is folded to ASCII with [`domain::text::ascii_fold`]: most thermal
//! printers have no Vietnamese code page, and "Ho tich" reads better than
//! "H? t?ch". Control characters are dropped, so no field can smuggle a
//! printer command. The QR code is the printer's own (`GS ( k`, model 2,
//! error correction M), sharper than a raster image and a few bytes long.
//! The web layer sends the bytes to the printer (raw TCP 9100, WebUSB, or a
//! download for a print agent); nothing here does I/O.

/// Characters per line in font A on 80 mm paper (576 dots / 12).
pub const LINE_WIDTH: usize = 48;

/// `ESC @`: initialise the printer.
pub const INIT: &[u8] = &[0x1B, 0x40];
/// `ESC a 1`: center.
pub const ALIGN_CENTER: &[u8] = &[0x1B, 0x61, 0x01];
/// `ESC a 0`: left.
pub const ALIGN_LEFT: &[u8] = &[0x1B, 0x61, 0x00];
/// `ESC E 1`: bold on.
pub const BOLD_ON: &[u8] = &[0x1B, 0x45, 0x01];
/// `ESC E 0`: bold off.
pub const BOLD_OFF: &[u8] = &[0x1B, 0x45, 0x00];
/// `GS ! 0x11`: double width and double height.
pub const SIZE_DOUBLE: &[u8] = &[0x1D, 0x21, 0x11];
/// `GS ! 0`: normal size.
pub const SIZE_NORMAL: &[u8] = &[0x1D, 0x21, 0x00];
/// `GS ( k` fn 165: QR model 2.
pub const QR_MODEL_2: &[u8] = &[0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00];
/// `GS ( k` fn 169: error correction level M (`0x31`).
pub const QR_LEVEL_M: &[u8] = &[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x31];
/// `GS ( k` fn 181: print the stored QR code.
pub const QR_PRINT: &[u8] = &[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30];
/// QR module size in dots: 6 dots ≈ 0.75 mm at 203 dpi, readable by any phone.
pub const QR_MODULE_DOTS: u8 = 6;
/// The most data a model 2 QR code holds in byte mode at level M.
pub const QR_MAX_BYTES: usize = 2331;
/// `ESC d 4`: feed four lines, so the cut clears the QR code.
pub const FEED: &[u8] = &[0x1B, 0x64, 0x04];
/// `GS V 1`: partial cut (the slip stays hanging for the citizen to tear).
pub const PARTIAL_CUT: &[u8] = &[0x1D, 0x56, 0x01];

/// What a ticket slip says. Text may be Vietnamese; it is folded for printing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketSlip {
    /// The center's name, printed bold at the top.
    pub center: String,
    /// The service's name.
    pub service: String,
    /// The ticket number ("A012"), printed double size.
    pub number: String,
    /// When it was issued, already formatted at UTC+7 ("29/11/2026 08:15").
    pub issued_at_local: String,
    /// Tickets of the same service waiting before this one.
    pub waiting_ahead: u32,
    /// Estimated wait in minutes, when known.
    pub estimated_wait_minutes: Option<i64>,
    /// The citizen's page following the ticket, encoded in the QR code.
    pub track_url: String,
    /// A closing line (opening hours, a hotline, a thank-you).
    pub footer: String,
}

/// The slip as ESC/POS bytes: initialise, centered header, the number in
/// double size, time, people ahead, estimated wait, the QR code of the
/// tracking URL (printed as text instead if it is too long for a QR code),
/// the footer, feed and partial cut.
pub fn ticket(slip: &TicketSlip) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + slip.track_url.len());
    out.extend_from_slice(INIT);
    out.extend_from_slice(ALIGN_CENTER);
    out.extend_from_slice(BOLD_ON);
    lines(&mut out, &slip.center, LINE_WIDTH);
    out.extend_from_slice(BOLD_OFF);
    lines(&mut out, &slip.service, LINE_WIDTH);
    out.push(b'\n');
    lines(&mut out, "SỐ THỨ TỰ CỦA BẠN", LINE_WIDTH);
    out.extend_from_slice(SIZE_DOUBLE);
    out.extend_from_slice(BOLD_ON);
    lines(&mut out, &slip.number, LINE_WIDTH / 2);
    out.extend_from_slice(BOLD_OFF);
    out.extend_from_slice(SIZE_NORMAL);
    lines(&mut out, &slip.issued_at_local, LINE_WIDTH);
    lines(&mut out, &format!("Số người đang chờ trước bạn: {}", slip.waiting_ahead), LINE_WIDTH);
    if let Some(m) = slip.estimated_wait_minutes {
        lines(&mut out, &format!("Thời gian chờ dự kiến: khoảng {m} phút"), LINE_WIDTH);
    }
    out.push(b'\n');
    if slip.track_url.len() <= QR_MAX_BYTES {
        qr(&mut out, slip.track_url.as_bytes());
        lines(&mut out, "Quét mã để theo dõi lượt của bạn", LINE_WIDTH);
    } else {
        lines(&mut out, &slip.track_url, LINE_WIDTH);
    }
    if !slip.footer.trim().is_empty() {
        out.push(b'\n');
        lines(&mut out, &slip.footer, LINE_WIDTH);
    }
    out.extend_from_slice(ALIGN_LEFT);
    out.extend_from_slice(FEED);
    out.extend_from_slice(PARTIAL_CUT);
    out
}

/// Appends a native QR code of `data`: model 2, module size, level M,
/// store (`GS ( k pL pH 1 P 0 d…`, where pL + 256·pH = data length + 3),
/// print.
fn qr(out: &mut Vec<u8>, data: &[u8]) {
    out.extend_from_slice(QR_MODEL_2);
    out.extend_from_slice(&[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, QR_MODULE_DOTS]);
    out.extend_from_slice(QR_LEVEL_M);
    let n = data.len() + 3;
    out.extend_from_slice(&[0x1D, 0x28, 0x6B, (n % 256) as u8, (n / 256) as u8, 0x31, 0x50, 0x30]);
    out.extend_from_slice(data);
    out.extend_from_slice(QR_PRINT);
}

/// Appends `text`, folded to printable ASCII and word-wrapped to `width`
/// columns, one `LF` per line.
fn lines(out: &mut Vec<u8>, text: &str, width: usize) {
    for line in wrap(&printable(text), width) {
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
}

/// Vietnamese folded to ASCII (đ→d, diacritics stripped), typographic
/// punctuation made plain, control characters dropped, anything else `?`.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in domain::text::ascii_fold(text).chars() {
        match c {
            '\n' | '\t' | '\r' => out.push(' '),
            c if c.is_ascii_control() => {}
            c if c.is_ascii() => out.push(c),
            '–' | '—' | '‐' | '−' => out.push('-'),
            '‘' | '’' => out.push('\''),
            '“' | '”' => out.push('"'),
            '…' => out.push_str("..."),
            '\u{a0}' => out.push(' '),
            _ => out.push('?'),
        }
    }
    out
}

/// Word-wraps ASCII text to `width` columns; words longer than a line are cut.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let mut word = word;
        while word.len() > width {
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
            }
            let (head, tail) = word.split_at(width);
            lines.push(head.to_string());
            word = tail;
        }
        if cur.is_empty() {
            cur.push_str(word);
        } else if cur.len() + 1 + word.len() <= width {
            cur.push(' ');
            cur.push_str(word);
        } else {
            lines.push(std::mem::replace(&mut cur, word.to_string()));
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slip(url: &str) -> TicketSlip {
        TicketSlip {
            center: "Trung tâm Phục vụ hành chính công phường Tân Hòa".into(),
            service: "Hộ tịch: khai sinh, kết hôn, khai tử".into(),
            number: "A012".into(),
            issued_at_local: "29/11/2026 08:15".into(),
            waiting_ahead: 3,
            estimated_wait_minutes: Some(12),
            track_url: url.into(),
            footer: "Cảm ơn Ông/Bà – Đường dây nóng 1022".into(),
        }
    }

    fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).position(|w| w == needle)
    }

    #[test]
    fn starts_with_init_and_ends_with_feed_and_partial_cut() {
        let b = ticket(&slip("https://xaso.example/q/42"));
        assert_eq!(&b[..2], &[0x1B, 0x40], "ESC @");
        assert_eq!(&b[2..5], &[0x1B, 0x61, 0x01], "ESC a 1");
        assert!(b.ends_with(&[0x1B, 0x64, 0x04, 0x1D, 0x56, 0x01]), "ESC d 4, GS V 1");
    }

    #[test]
    fn number_is_double_size_between_size_commands() {
        let b = ticket(&slip("https://xaso.example/q/42"));
        let big = find(&b, &[0x1D, 0x21, 0x11, 0x1B, 0x45, 0x01]).expect("GS ! 0x11 then bold");
        assert_eq!(&b[big + 6..big + 11], b"A012\n");
        assert_eq!(&b[big + 11..big + 17], &[0x1B, 0x45, 0x00, 0x1D, 0x21, 0x00]);
    }

    #[test]
    fn text_is_folded_to_ascii() {
        let url = "https://xaso.example/q/42?k=abc";
        let b = ticket(&slip(url));
        assert!(b.iter().all(u8::is_ascii), "no byte above 0x7F");
        assert!(find(&b, b"Trung tam Phuc vu hanh chinh cong phuong Tan Hoa\n").is_some());
        assert!(find(&b, b"Ho tich: khai sinh, ket hon, khai tu\n").is_some());
        assert!(find(&b, b"So nguoi dang cho truoc ban: 3\n").is_some());
        assert!(find(&b, b"khoang 12 phut").is_some());
        assert!(find(&b, b"Cam on Ong/Ba - Duong day nong 1022\n").is_some());
        assert_eq!(printable("a\x1b@b\x1dV"), "a@bV", "control characters cannot reach the printer");
    }

    #[test]
    fn qr_commands_in_order_with_store_length() {
        let url = "https://xaso.example/q/42?k=abc";
        let b = ticket(&slip(url));
        let model = find(&b, QR_MODEL_2).expect("model 2");
        let size = find(&b, &[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x06]).expect("module size 6");
        let level = find(&b, QR_LEVEL_M).expect("level M");
        let n = url.len() + 3;
        let store = find(&b, &[0x1D, 0x28, 0x6B, n as u8, 0x00, 0x31, 0x50, 0x30]).expect("store");
        assert_eq!(&b[store + 8..store + 8 + url.len()], url.as_bytes());
        let print = find(&b, QR_PRINT).expect("print");
        assert!(model < size && size < level && level < store && store + 8 + url.len() == print);
    }

    #[test]
    fn store_length_uses_the_high_byte_past_255() {
        let url = format!("https://xaso.example/q/42?k={}", "x".repeat(300 - 28));
        assert_eq!(url.len(), 300);
        let b = ticket(&slip(&url));
        // 303 = 0x012F: pL = 0x2F, pH = 0x01.
        let store = find(&b, &[0x1D, 0x28, 0x6B, 0x2F, 0x01, 0x31, 0x50, 0x30]).expect("pL pH of 303");
        assert_eq!(&b[store + 8..store + 8 + 300], url.as_bytes());
    }

    #[test]
    fn too_long_urls_print_as_text_and_wrapping_cuts_long_words() {
        let url = format!("https://x/{}", "y".repeat(QR_MAX_BYTES));
        let b = ticket(&slip(&url));
        assert!(find(&b, QR_PRINT).is_none());
        assert_eq!(wrap("abcdef gh", 4), vec!["abcd", "ef", "gh"]);
        assert_eq!(wrap("ab cd ef", 5), vec!["ab cd", "ef"]);
        let slip = TicketSlip { estimated_wait_minutes: None, footer: " ".into(), ..slip("u") };
        let b = ticket(&slip);
        assert!(find(&b, b"khoang").is_none());
    }
}
