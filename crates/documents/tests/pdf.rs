//! The PDF documents read back with `lopdf`: every document starts with
//! `%PDF`, has the expected pages and paper size, carries its key
//! Vietnamese text in the text layer (so it can be searched and copied),
//! and embeds its font as a subset.

use documents::pdf::forms::{
    Apology, ControlSheet, DossierInfo, FormHead, Handover, ReceiptSlip, Refusal, Signer, StopNotice, SupplementRequest,
};
use documents::pdf::receipt::{Receipt, receipt};
use documents::pdf::standee::{self, Paper, Standee};
use documents::pdf::{PdfError, forms};
use domain::dossier::form::RuleSet;
use domain::dossier::timeliness::Timeliness;
use lopdf::{Document, Object};

// 2026-03-05 08:30 at UTC+7, and some later instants.
const RECEIVED: i64 = 1_772_674_200_000;
const HOUR: i64 = 3_600_000;

/// A parsed PDF and its text, with spaces squeezed.
struct Parsed {
    doc: Document,
    text: String,
}

fn parse(pdf: &[u8]) -> Parsed {
    assert!(pdf.starts_with(b"%PDF-"), "starts with %PDF");
    let doc = Document::load_mem(pdf).expect("a PDF lopdf can read");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let raw = doc.extract_text(&pages).expect("text layer");
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    Parsed { doc, text }
}

impl Parsed {
    fn pages(&self) -> usize {
        self.doc.get_pages().len()
    }

    fn assert_text(&self, needle: &str) {
        assert!(self.text.contains(needle), "{needle:?} not in the text layer:\n{}", self.text);
    }

    /// Width and height of every page, in points.
    fn page_sizes(&self) -> Vec<(f32, f32)> {
        self.doc
            .get_pages()
            .values()
            .map(|id| {
                let page = self.doc.get_dictionary(*id).expect("page dictionary");
                let mb = page.get(b"MediaBox").and_then(Object::as_array).expect("MediaBox");
                let n: Vec<f32> = mb.iter().map(|o| o.as_float().expect("number")).collect();
                (n[2] - n[0], n[3] - n[1])
            })
            .collect()
    }

    /// Every font is a Type0/CIDFontType2 whose TrueType program is
    /// embedded (`FontFile2`) and subset (`ABCDEF+` name, smaller than the
    /// vendored file).
    fn assert_fonts_embedded_and_subset(&self) {
        let mut fonts = 0;
        for object in self.doc.objects.values() {
            let Ok(dict) = object.as_dict() else { continue };
            if dict.get(b"Type").and_then(Object::as_name).ok() != Some(b"FontDescriptor") {
                continue;
            }
            fonts += 1;
            let name = String::from_utf8_lossy(dict.get(b"FontName").and_then(Object::as_name).expect("FontName"));
            let (tag, rest) = name.split_once('+').expect("subset tag");
            assert!(tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()), "{name}");
            assert!(rest.starts_with("NotoSerif"), "{name}");
            let file = dict.get(b"FontFile2").and_then(Object::as_reference).expect("embedded TrueType");
            let stream = self.doc.get_object(file).and_then(Object::as_stream).expect("font stream");
            let bytes = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
            assert!(bytes.len() < 200_000, "a subset, not the 500 KB font: {} bytes", bytes.len());
        }
        assert!(fonts >= 1, "at least one embedded font");
    }
}

fn mm(v: f32) -> f32 {
    v * 72.0 / 25.4
}

fn assert_size(p: &Parsed, w_mm: f32, h_mm: f32) {
    for (w, h) in p.page_sizes() {
        assert!((w - mm(w_mm)).abs() < 0.5 && (h - mm(h_mm)).abs() < 0.5, "{w}×{h} pt, want {w_mm}×{h_mm} mm");
    }
}

fn sample_receipt() -> Receipt {
    Receipt {
        unit_name: "UBND xã Tân Hòa".into(),
        receipt_no: "0001234".into(),
        issued_at_ms: RECEIVED,
        payer_name: "Nguyễn Thị Ánh Tuyết".into(),
        payer_ref: "000.00.17.H19-260305-0001".into(),
        lines: vec![("Lệ phí đăng ký khai sinh".into(), 50_000), ("Phí sao y bản chính".into(), 5_000)],
        total: 55_000,
        payment_code: "XS26A1B2C3".into(),
        bank_name: "Ngân hàng TMCP Ngoại thương Việt Nam".into(),
        account: "0071 0001 23456".into(),
        txn_ref: "FT26064123456789".into(),
        verify_url: "https://xaso.example/bien-lai/0001234?k=3f9a1c".into(),
    }
}

#[test]
fn receipt_is_an_a5_page_with_the_payer_total_and_words() {
    let pdf = receipt(&sample_receipt()).unwrap();
    let p = parse(&pdf);
    assert_eq!(p.pages(), 1);
    assert_size(&p, 148.0, 210.0);
    p.assert_text("BIÊN LAI THU TIỀN");
    p.assert_text("Nguyễn Thị Ánh Tuyết");
    p.assert_text("55.000 ₫");
    p.assert_text("Năm mươi lăm nghìn đồng");
    p.assert_text("000.00.17.H19-260305-0001");
    p.assert_text("XS26A1B2C3");
    p.assert_fonts_embedded_and_subset();
    assert_eq!(receipt(&sample_receipt()).unwrap(), pdf, "the same input gives the same bytes");
}

#[test]
fn receipt_refuses_a_total_that_is_not_the_sum() {
    let r = Receipt { total: 60_000, ..sample_receipt() };
    assert!(matches!(receipt(&r), Err(PdfError::TotalMismatch { total: 60_000, sum: 55_000 })));
}

fn stall(i: usize) -> Standee {
    Standee {
        market_name: "Chợ Một Ngàn".into(),
        stall_label: format!("A-{i:03}"),
        merchant_name: format!("Hộ kinh doanh Lê Văn Đức {i}"),
        category: "Rau củ quả".into(),
        bank_name: "Vietcombank".into(),
        account_display: format!("0071 0012 {i:04}"),
        holder: "Lê Văn Đức".into(),
        qr_payload: format!(
            "00020101021138570010A00000072701270006970436011300710012{i:04}0208QRIBFTTA53037045802VN6304ABCD"
        ),
    }
}

#[test]
fn standees_print_one_stall_per_page() {
    let items: Vec<Standee> = (1..=300).map(stall).collect();
    let pdf = standee::render(&items, Paper::A6).unwrap();
    let p = parse(&pdf);
    assert_eq!(p.pages(), 300);
    assert_size(&p, 105.0, 148.0);
    p.assert_text("A-001");
    p.assert_text("A-300");
    p.assert_text("Quét mã để thanh toán");
    p.assert_text("VietQR · NAPAS 247");
    p.assert_text("Hộ kinh doanh Lê Văn Đức 17");
    p.assert_text("LÊ VĂN ĐỨC");
    p.assert_fonts_embedded_and_subset();
    // One font subset serves every page: the file grows by the page content only.
    assert!(pdf.len() < 300 * 12_000, "{} bytes", pdf.len());

    let a5 = parse(&standee::render(&items[..2], Paper::A5).unwrap());
    assert_eq!(a5.pages(), 2);
    assert_size(&a5, 148.0, 210.0);
}

#[test]
fn a_bad_payload_is_an_error_not_a_panic() {
    let mut s = stall(1);
    s.qr_payload = "x".repeat(4000);
    assert!(matches!(standee::render(&[s], Paper::A6), Err(PdfError::Qr(_))));
}

fn head(rules: RuleSet) -> FormHead {
    FormHead {
        rules,
        parent_agency: Some("UBND xã Tân Hòa".into()),
        agency_name: "Bộ phận tiếp nhận và trả kết quả".into(),
        place: "Tân Hòa".into(),
        issued_at_ms: RECEIVED,
    }
}

fn dossier() -> DossierInfo {
    DossierInfo {
        code: "000.00.17.H19-260305-0001".into(),
        procedure_name: "Đăng ký khai sinh".into(),
        applicant_name: "Trần Văn Hưởng".into(),
        applicant_address: "Ấp Thạnh Lợi, xã Tân Hòa, thành phố Cần Thơ".into(),
        applicant_phone: "0912 345 678".into(),
        received_at_ms: RECEIVED,
        due_at_ms: Some(RECEIVED + 48 * HOUR),
    }
}

fn signer() -> Signer {
    Signer { title: "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH".into(), name: "Phạm Minh Quang".into() }
}

/// Checks what every form shows: A4, the number, title, code, motto, applicant.
fn assert_form(pdf: &[u8], number: &str, title: &str) -> Parsed {
    let p = parse(pdf);
    assert_size(&p, 210.0, 297.0);
    p.assert_text(number);
    p.assert_text(title);
    p.assert_text("000.00.17.H19-260305-0001");
    p.assert_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    p.assert_text("Độc lập - Tự do - Hạnh phúc");
    p.assert_text("Tân Hòa, ngày 05 tháng 3 năm 2026");
    p.assert_fonts_embedded_and_subset();
    p
}

#[test]
fn form_01_receipt_slip() {
    let slip = ReceiptSlip {
        head: head(RuleSet::CURRENT),
        dossier: dossier(),
        components: vec!["Tờ khai đăng ký khai sinh (bản chính)".into(), "Giấy chứng sinh (bản chính)".into()],
        copies: 1,
        time_limit: "01 ngày làm việc".into(),
        return_place: "Bộ phận một cửa UBND xã Tân Hòa".into(),
        receiving_officer: "Lê Thị Mỹ Duyên".into(),
        tracking_url: "https://xaso.example/tra-cuu/000.00.17.H19-260305-0001".into(),
    };
    let p = assert_form(&forms::receipt_slip(&slip).unwrap(), "Mẫu 01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
    assert_eq!(p.pages(), 1);
    p.assert_text("Trần Văn Hưởng");
    p.assert_text("Giấy chứng sinh (bản chính)");
    p.assert_text("08 giờ 30 phút, ngày 05 tháng 3 năm 2026");
    p.assert_text("08 giờ 30 phút, ngày 07 tháng 3 năm 2026");
    p.assert_text("Lê Thị Mỹ Duyên");
}

#[test]
fn form_02_supplement_request() {
    let s = SupplementRequest {
        head: head(RuleSet::CURRENT),
        dossier: dossier(),
        missing: vec!["Bản sao giấy chứng nhận kết hôn của cha mẹ".into()],
        reason: "Thiếu giấy tờ chứng minh quan hệ hôn nhân".into(),
        contact: "Bộ phận một cửa, số điện thoại 0292 3 123 456".into(),
        officer: "Lê Thị Mỹ Duyên".into(),
    };
    let p = assert_form(&forms::supplement_request(&s).unwrap(), "Mẫu 02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ");
    p.assert_text("Bản sao giấy chứng nhận kết hôn của cha mẹ");
    p.assert_text("Thiếu giấy tờ chứng minh quan hệ hôn nhân");
}

#[test]
fn form_03_refusal() {
    let r = Refusal {
        head: head(RuleSet::CURRENT),
        dossier: dossier(),
        reason: "Thủ tục không thuộc thẩm quyền giải quyết của UBND cấp xã".into(),
        officer: "Lê Thị Mỹ Duyên".into(),
    };
    let p = assert_form(&forms::refusal(&r).unwrap(), "Mẫu 03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ");
    p.assert_text("Thủ tục không thuộc thẩm quyền giải quyết của UBND cấp xã");
}

#[test]
fn form_04_apology_follows_the_rule_set() {
    let a = Apology {
        head: head(RuleSet::CURRENT),
        dossier: dossier(),
        reason: "Cần xác minh thông tin tại nơi cư trú trước đây".into(),
        new_due_at_ms: RECEIVED + 7 * 24 * HOUR,
        signer: signer(),
    };
    let p =
        assert_form(&forms::apology(&a).unwrap(), "Mẫu 04", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT");
    p.assert_text("Cần xác minh thông tin tại nơi cư trú trước đây");
    p.assert_text("ngày 12 tháng 3 năm 2026");
    p.assert_text("Phạm Minh Quang");
    let old = Apology { head: head(RuleSet::Tt01of2018), ..a };
    let p = parse(&forms::apology(&old).unwrap());
    p.assert_text("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ");
    p.assert_text("TT 01/2018/TT-VPCP");
}

#[test]
fn form_05_stop_notice_exists_only_since_2025() {
    let n = StopNotice {
        head: head(RuleSet::CURRENT),
        dossier: dossier(),
        reason: "Người nộp hồ sơ đề nghị dừng giải quyết".into(),
        signer: signer(),
    };
    let p = assert_form(&forms::stop_notice(&n).unwrap(), "Mẫu 05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ");
    p.assert_text("Người nộp hồ sơ đề nghị dừng giải quyết");
    let old = StopNotice { head: head(RuleSet::Tt01of2018), ..n };
    assert!(matches!(forms::stop_notice(&old), Err(PdfError::NoSuchForm { rules: RuleSet::Tt01of2018, .. })));
}

#[test]
fn form_06_control_sheet_lists_every_handover_across_pages() {
    let handover = |i: i64| Handover {
        from: format!("Chuyên viên Nguyễn Văn Bảy {i}"),
        to: format!("Lãnh đạo phòng Tư pháp {i}"),
        at_ms: RECEIVED + i * HOUR,
        deadline_ms: Some(RECEIVED + (i + 4) * HOUR),
        timeliness: Some(if i % 2 == 0 { Timeliness::OnTime } else { Timeliness::Late }),
        note: if i == 2 { "Yêu cầu bổ sung".into() } else { String::new() },
    };
    let sheet = ControlSheet {
        head: head(RuleSet::CURRENT),
        dossier: dossier(),
        handling_unit: "Công chức Tư pháp – Hộ tịch".into(),
        coordinating_units: vec![],
        handovers: (1..=3).map(handover).collect(),
    };
    let p = assert_form(&forms::control_sheet(&sheet).unwrap(), "Mẫu 06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ");
    assert_eq!(p.pages(), 1);
    p.assert_text("Chuyên viên Nguyễn Văn Bảy 3");
    p.assert_text("Đúng hạn");
    p.assert_text("Quá hạn");
    p.assert_text("Yêu cầu bổ sung");
    p.assert_text("05/03/2026 09:30");

    let long = ControlSheet { handovers: (1..=60).map(handover).collect(), ..sheet.clone() };
    let p = parse(&forms::control_sheet(&long).unwrap());
    assert!(p.pages() >= 2, "{} pages", p.pages());
    p.assert_text("Chuyên viên Nguyễn Văn Bảy 60");

    // Under the 2018 rules the control sheet is Mẫu 05.
    let old = ControlSheet { head: head(RuleSet::Tt01of2018), ..sheet };
    parse(&forms::control_sheet(&old).unwrap()).assert_text("Mẫu 05");
}
