//! The words of each [`Notice`]: an accented e-mail (subject and plain-text
//! body) and an unaccented SMS, in Vietnamese or English.
//!
//! Dates are shown `dd/MM/yyyy HH:mm` at UTC+7, money `1.250.000 ₫` in
//! e-mail (with the amount in words in Vietnamese) and `1.250.000 VND` in
//! SMS. An SMS is written as a list of candidates from the most to the least
//! informative (dropping the procedure name, the reason, the link); the
//! first that fits one 160-unit GSM part is sent, else the shortest.

use crate::notify::{Lang, Notice, gsm};
use crate::payment::money::{amount_in_words_vi, format_dong};
use crate::time::format_local;

/// A rendered e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Subject line.
    pub subject: String,
    /// Plain-text body, accented.
    pub body: String,
}

/// The parts of an e-mail before they are laid out.
struct Mail {
    subject: String,
    lead: String,
    lines: Vec<String>,
    action: String,
}

/// The e-mail of a notice.
pub fn email(notice: &Notice, lang: Lang) -> Rendered {
    let m = mail(notice, lang);
    let (greeting, footer) = match lang {
        Lang::Vi => ("Kính gửi Ông/Bà,", "Xã Số: thư gửi tự động, xin vui lòng không trả lời thư này."),
        Lang::En => ("Dear Sir or Madam,", "Xã Số: an automatic message; please do not reply."),
    };
    let mut body = format!("{greeting}\n\n{}\n\n", m.lead);
    for line in &m.lines {
        body.push_str(line);
        body.push('\n');
    }
    body.push_str(&format!("\n{}\n\n-- \n{footer}\n", m.action));
    Rendered { subject: m.subject, body }
}

/// The SMS of a notice: GSM 7-bit text without diacritics, in one part
/// when a candidate fits.
pub fn sms(notice: &Notice, lang: Lang) -> String {
    let candidates: Vec<String> = sms_candidates(notice, lang).iter().map(|c| gsm::to_gsm(c)).collect();
    let fits = candidates.iter().find(|c| gsm::units(c).is_some_and(|n| n <= gsm::SINGLE_PART));
    fits.or(candidates.last()).cloned().unwrap_or_default()
}

fn due_text(due_at: Option<i64>, lang: Lang) -> String {
    match (due_at, lang) {
        (Some(ms), _) => format_local(ms),
        (None, Lang::Vi) => "sẽ được thông báo sau".into(),
        (None, Lang::En) => "to be announced".into(),
    }
}

fn sms_amount(amount: i64) -> String {
    format!("{} VND", format_dong(amount).trim_end_matches(" ₫"))
}

fn mail(notice: &Notice, lang: Lang) -> Mail {
    use Lang::{En, Vi};
    let code_lines = |code: &str, procedure: &str| match lang {
        Vi => vec![format!("Mã hồ sơ: {code}"), format!("Thủ tục: {procedure}")],
        En => vec![format!("Application code: {code}"), format!("Procedure: {procedure}")],
    };
    match notice {
        Notice::DossierReceived { code, procedure, due_at, tracking_url } => {
            let mut lines = code_lines(code, procedure);
            let due = due_text(*due_at, lang);
            match lang {
                Vi => {
                    lines.push(format!("Ngày hẹn trả kết quả: {due}"));
                    Mail {
                        subject: format!("Hồ sơ {code} đã được tiếp nhận"),
                        lead: "Hồ sơ của Ông/Bà đã được tiếp nhận.".into(),
                        lines,
                        action: format!(
                            "Tra cứu tình trạng hồ sơ (nhập mã hồ sơ và 4 số cuối điện thoại): {tracking_url}"
                        ),
                    }
                }
                En => {
                    lines.push(format!("Expected result date: {due}"));
                    Mail {
                        subject: format!("Your application {code} has been received"),
                        lead: "Your application has been received.".into(),
                        lines,
                        action: format!(
                            "Track your application (enter its code and the last 4 digits of your phone): {tracking_url}"
                        ),
                    }
                }
            }
        }
        Notice::SupplementRequested { code, procedure, missing, reason, tracking_url } => {
            let mut lines = code_lines(code, procedure);
            let (head, why) = match lang {
                Vi => ("Giấy tờ cần bổ sung:", "Lý do"),
                En => ("Documents needed:", "Reason"),
            };
            lines.push(head.into());
            lines.extend(missing.iter().map(|m| format!("  - {m}")));
            lines.push(format!("{why}: {reason}"));
            match lang {
                Vi => Mail {
                    subject: format!("Hồ sơ {code} cần bổ sung giấy tờ"),
                    lead: "Hồ sơ của Ông/Bà cần bổ sung, hoàn thiện giấy tờ trước khi được giải quyết tiếp.".into(),
                    lines,
                    action: format!(
                        "Thời hạn giải quyết tạm dừng cho đến khi nhận đủ giấy tờ bổ sung. Chi tiết: {tracking_url}"
                    ),
                },
                En => Mail {
                    subject: format!("Application {code}: further documents needed"),
                    lead: "Your application needs further documents before it can proceed.".into(),
                    lines,
                    action: format!(
                        "The processing time is paused until the documents are received. Details: {tracking_url}"
                    ),
                },
            }
        }
        Notice::ResultReady { code, procedure, collect, tracking_url } => {
            let mut lines = code_lines(code, procedure);
            match lang {
                Vi => {
                    lines.push(format!("Nơi và cách nhận kết quả: {collect}"));
                    Mail {
                        subject: format!("Hồ sơ {code} đã có kết quả"),
                        lead: "Hồ sơ của Ông/Bà đã có kết quả.".into(),
                        lines,
                        action: format!(
                            "Khi đến nhận, xin mang theo giấy tiếp nhận hồ sơ và giấy tờ tùy thân. Tra cứu: {tracking_url}"
                        ),
                    }
                }
                En => {
                    lines.push(format!("Where and how to collect it: {collect}"));
                    Mail {
                        subject: format!("The result of application {code} is ready"),
                        lead: "The result of your application is ready.".into(),
                        lines,
                        action: format!(
                            "Please bring the receipt slip and an identity document. Track: {tracking_url}"
                        ),
                    }
                }
            }
        }
        Notice::LateApology { code, procedure, reason, new_due_at, tracking_url } => {
            let mut lines = code_lines(code, procedure);
            let new = format_local(*new_due_at);
            match lang {
                Vi => {
                    lines.push(format!("Lý do: {reason}"));
                    lines.push(format!("Ngày hẹn trả kết quả mới: {new}"));
                    Mail {
                        subject: format!("Thư xin lỗi: hồ sơ {code} được hẹn lại ngày trả kết quả"),
                        lead: "Cơ quan giải quyết thành thật xin lỗi Ông/Bà vì hồ sơ không có kết quả đúng hẹn.".into(),
                        lines,
                        action: format!(
                            "Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04) được lưu cùng hồ sơ. Tra cứu: {tracking_url}"
                        ),
                    }
                }
                En => {
                    lines.push(format!("Reason: {reason}"));
                    lines.push(format!("New result date: {new}"));
                    Mail {
                        subject: format!("Apology: a new result date for application {code}"),
                        lead: "We sincerely apologise: your application will not be completed by the date promised."
                            .into(),
                        lines,
                        action: format!(
                            "The apology and new appointment (Form 04) is kept with your application. Track: {tracking_url}"
                        ),
                    }
                }
            }
        }
        Notice::DossierDueSoon { code, procedure, due_at, left, dossier_url } => {
            let mut lines = code_lines(code, procedure);
            let due = format_local(*due_at);
            match lang {
                Vi => {
                    lines.push(format!("Hạn giải quyết: {due} ({left})"));
                    Mail {
                        subject: format!("Cảnh báo: hồ sơ {code} sắp đến hạn"),
                        lead: "Hồ sơ sau sắp đến hạn giải quyết.".into(),
                        lines,
                        action: format!(
                            "Nếu không kịp trả kết quả đúng hẹn, hãy lập văn bản xin lỗi và hẹn lại (Mẫu 04) trước \
                             hạn. Mở hồ sơ: {dossier_url}"
                        ),
                    }
                }
                En => {
                    lines.push(format!("Due: {due} ({left})"));
                    Mail {
                        subject: format!("Alert: dossier {code} is due soon"),
                        lead: "The following dossier is due soon.".into(),
                        lines,
                        action: format!(
                            "If it cannot be completed in time, issue the apology and new date (Form 04) before the \
                             deadline. Open the dossier: {dossier_url}"
                        ),
                    }
                }
            }
        }
        Notice::DossierOverdue { code, procedure, due_at, dossier_url } => {
            let mut lines = code_lines(code, procedure);
            let due = format_local(*due_at);
            match lang {
                Vi => {
                    lines.push(format!("Hạn giải quyết: {due} (đã quá hạn)"));
                    Mail {
                        subject: format!("Cảnh báo: hồ sơ {code} đã quá hạn"),
                        lead: "Hồ sơ sau đã quá hạn giải quyết.".into(),
                        lines,
                        action: format!("Đề nghị xử lý ngay và thông báo cho người nộp. Mở hồ sơ: {dossier_url}"),
                    }
                }
                En => {
                    lines.push(format!("Due: {due} (overdue)"));
                    Mail {
                        subject: format!("Alert: dossier {code} is overdue"),
                        lead: "The following dossier is overdue.".into(),
                        lines,
                        action: format!("Please act now and inform the applicant. Open the dossier: {dossier_url}"),
                    }
                }
            }
        }
        Notice::PaymentReceived { bill_code, description, amount, receipt_number, receipt_url } => match lang {
            Vi => Mail {
                subject: format!("Đã nhận thanh toán {} (mã {bill_code})", format_dong(*amount)),
                lead: "Khoản thanh toán của Ông/Bà đã được ghi nhận.".into(),
                lines: vec![
                    format!("Mã thanh toán: {bill_code}"),
                    format!("Nội dung: {description}"),
                    format!("Số tiền: {}", format_dong(*amount)),
                    format!("Bằng chữ: {}", amount_in_words_vi(*amount)),
                    format!("Biên lai số: {receipt_number}"),
                ],
                action: format!("Xem và kiểm tra biên lai: {receipt_url}"),
            },
            En => Mail {
                subject: format!("Payment of {} received (code {bill_code})", format_dong(*amount)),
                lead: "Your payment has been recorded.".into(),
                lines: vec![
                    format!("Payment code: {bill_code}"),
                    format!("For: {description}"),
                    format!("Amount: {}", format_dong(*amount)),
                    format!("Receipt no.: {receipt_number}"),
                ],
                action: format!("View and verify the receipt: {receipt_url}"),
            },
        },
    }
}

/// The SMS texts of a notice, accented, most informative first.
fn sms_candidates(notice: &Notice, lang: Lang) -> Vec<String> {
    use Lang::{En, Vi};
    match notice {
        Notice::DossierReceived { code, procedure, due_at, tracking_url: url } => {
            let due = due_text(*due_at, lang);
            match lang {
                Vi => vec![
                    format!("Hồ sơ {code} ({procedure}) đã được tiếp nhận. Hẹn trả {due}. Tra cứu: {url}"),
                    format!("Hồ sơ {code} đã được tiếp nhận. Hẹn trả {due}. Tra cứu: {url}"),
                    format!("Hồ sơ {code} đã được tiếp nhận. Hẹn trả {due}."),
                ],
                En => vec![
                    format!("Application {code} ({procedure}) received. Result due {due}. Track: {url}"),
                    format!("Application {code} received. Result due {due}. Track: {url}"),
                    format!("Application {code} received. Result due {due}."),
                ],
            }
        }
        Notice::SupplementRequested { code, missing, reason, tracking_url: url, .. } => {
            let missing = missing.join("; ");
            match lang {
                Vi => vec![
                    format!("Hồ sơ {code} cần bổ sung: {missing}. Lý do: {reason}. Chi tiết: {url}"),
                    format!("Hồ sơ {code} cần bổ sung: {missing}. Chi tiết: {url}"),
                    format!("Hồ sơ {code} cần bổ sung: {missing}."),
                ],
                En => vec![
                    format!("Application {code} needs: {missing}. Reason: {reason}. Details: {url}"),
                    format!("Application {code} needs: {missing}. Details: {url}"),
                    format!("Application {code} needs: {missing}."),
                ],
            }
        }
        Notice::ResultReady { code, collect, tracking_url: url, .. } => match lang {
            Vi => vec![
                format!("Hồ sơ {code} đã có kết quả. Nhận tại: {collect}. Tra cứu: {url}"),
                format!("Hồ sơ {code} đã có kết quả. Nhận tại: {collect}."),
                format!("Hồ sơ {code} đã có kết quả. Tra cứu: {url}"),
            ],
            En => vec![
                format!("Application {code}: result ready. Collect at: {collect}. Track: {url}"),
                format!("Application {code}: result ready. Collect at: {collect}."),
                format!("Application {code}: result ready. Track: {url}"),
            ],
        },
        Notice::LateApology { code, reason, new_due_at, tracking_url: url, .. } => {
            let new = format_local(*new_due_at);
            match lang {
                Vi => vec![
                    format!(
                        "Xin lỗi: hồ sơ {code} chưa có kết quả đúng hẹn do {reason}. Hẹn trả mới: {new}. Tra cứu: {url}"
                    ),
                    format!("Xin lỗi: hồ sơ {code} chưa có kết quả đúng hẹn do {reason}. Hẹn trả mới: {new}."),
                    format!("Xin lỗi: hồ sơ {code} chưa có kết quả đúng hẹn. Hẹn trả mới: {new}."),
                ],
                En => vec![
                    format!("Sorry: application {code} is delayed ({reason}). New date: {new}. Track: {url}"),
                    format!("Sorry: application {code} is delayed ({reason}). New date: {new}."),
                    format!("Sorry: application {code} is delayed. New date: {new}."),
                ],
            }
        }
        Notice::DossierDueSoon { code, due_at, left, dossier_url: url, .. } => {
            let due = format_local(*due_at);
            match lang {
                Vi => vec![
                    format!("Hồ sơ {code} sắp đến hạn ({left}), hạn {due}. Mở: {url}"),
                    format!("Hồ sơ {code} sắp đến hạn ({left}), hạn {due}."),
                ],
                En => vec![
                    format!("Dossier {code} due soon ({left}), due {due}. Open: {url}"),
                    format!("Dossier {code} due soon ({left}), due {due}."),
                ],
            }
        }
        Notice::DossierOverdue { code, due_at, dossier_url: url, .. } => {
            let due = format_local(*due_at);
            match lang {
                Vi => vec![
                    format!("Hồ sơ {code} đã quá hạn (hạn {due}). Mở: {url}"),
                    format!("Hồ sơ {code} đã quá hạn (hạn {due})."),
                ],
                En => vec![
                    format!("Dossier {code} is overdue (due {due}). Open: {url}"),
                    format!("Dossier {code} is overdue (due {due})."),
                ],
            }
        }
        Notice::PaymentReceived { bill_code, description, amount, receipt_number, receipt_url: url } => {
            let amount = sms_amount(*amount);
            match lang {
                Vi => vec![
                    format!("Đã nhận {amount} ({description}), mã {bill_code}. Biên lai {receipt_number}: {url}"),
                    format!("Đã nhận {amount}, mã {bill_code}. Biên lai {receipt_number}: {url}"),
                    format!("Đã nhận {amount}, mã {bill_code}. Biên lai số {receipt_number}."),
                ],
                En => vec![
                    format!("Received {amount} ({description}), code {bill_code}. Receipt {receipt_number}: {url}"),
                    format!("Received {amount}, code {bill_code}. Receipt {receipt_number}: {url}"),
                    format!("Received {amount}, code {bill_code}. Receipt no. {receipt_number}."),
                ],
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::local_to_utc_ms;
    use chrono::NaiveDate;

    const CODE: &str = "000.00.17.H19-260305-0001";
    const URL: &str = "https://xaso.example/tra-cuu/000.00.17.H19-260305-0001";

    fn at(d: u32, h: u32) -> i64 {
        local_to_utc_ms(NaiveDate::from_ymd_opt(2026, 3, d).unwrap().and_hms_opt(h, 30, 0).unwrap())
    }

    fn all() -> Vec<Notice> {
        vec![
            Notice::DossierReceived {
                code: CODE.into(),
                procedure: "Đăng ký khai sinh".into(),
                due_at: Some(at(12, 16)),
                tracking_url: URL.into(),
            },
            Notice::SupplementRequested {
                code: CODE.into(),
                procedure: "Đăng ký khai sinh".into(),
                missing: vec!["Giấy chứng sinh (bản chính)".into(), "Tờ khai có chữ ký".into()],
                reason: "Bản sao không rõ nét".into(),
                tracking_url: URL.into(),
            },
            Notice::ResultReady {
                code: CODE.into(),
                procedure: "Đăng ký khai sinh".into(),
                collect: "Bộ phận một cửa UBND xã Tân Hòa, giờ hành chính".into(),
                tracking_url: URL.into(),
            },
            Notice::LateApology {
                code: CODE.into(),
                procedure: "Đăng ký khai sinh".into(),
                reason: "chờ xác minh hộ tịch".into(),
                new_due_at: at(20, 9),
                tracking_url: URL.into(),
            },
            Notice::PaymentReceived {
                bill_code: "XS7K2M9Q".into(),
                description: "Lệ phí hộ tịch".into(),
                amount: 1_250_000,
                receipt_number: "BL-2026-000042".into(),
                receipt_url: "https://xaso.example/bien-lai/BL-2026-000042?k=3f9a1c".into(),
            },
        ]
    }

    #[test]
    fn a_received_dossier_reads_in_vietnamese_with_its_due_date_at_utc_plus_7() {
        let r = email(&all()[0], Lang::Vi);
        assert_eq!(r.subject, format!("Hồ sơ {CODE} đã được tiếp nhận"));
        assert!(r.body.starts_with("Kính gửi Ông/Bà,\n\nHồ sơ của Ông/Bà đã được tiếp nhận."), "{}", r.body);
        assert!(r.body.contains("Thủ tục: Đăng ký khai sinh\n"));
        assert!(r.body.contains("Ngày hẹn trả kết quả: 12/03/2026 16:30\n"), "{}", r.body);
        assert!(r.body.contains(URL));
        let en = email(&all()[0], Lang::En);
        assert_eq!(en.subject, format!("Your application {CODE} has been received"));
        assert!(en.body.contains("Expected result date: 12/03/2026 16:30"));
    }

    #[test]
    fn every_sms_is_unaccented_gsm_and_fits_one_part() {
        for n in all() {
            for lang in [Lang::Vi, Lang::En] {
                let s = sms(&n, lang);
                let units = gsm::units(&s).unwrap_or_else(|| panic!("not GSM: {s}"));
                assert!(units <= gsm::SINGLE_PART, "{units} units: {s}");
                assert!(s.is_ascii(), "{s}");
                assert!(s.contains(match &n {
                    Notice::PaymentReceived { bill_code, .. } => bill_code.as_str(),
                    _ => CODE,
                }));
            }
        }
    }

    #[test]
    fn the_sms_keeps_as_much_as_fits() {
        let full = sms(&all()[0], Lang::Vi);
        assert!(full.starts_with(&format!("Ho so {CODE} (Dang ky khai sinh) da duoc tiep nhan. Hen tra 12/03/2026")));
        let long = Notice::DossierReceived {
            code: CODE.into(),
            procedure: "Cấp bản sao trích lục hộ tịch, bản sao giấy khai sinh".into(),
            due_at: Some(at(12, 16)),
            tracking_url: URL.into(),
        };
        let s = sms(&long, Lang::Vi);
        // The procedure name does not fit beside the link; the link and the date do.
        assert_eq!(s, format!("Ho so {CODE} da duoc tiep nhan. Hen tra 12/03/2026 16:30. Tra cuu: {URL}"));
        let short = Notice::DossierReceived {
            code: "H19-1".into(),
            procedure: "Đăng ký khai sinh".into(),
            due_at: None,
            tracking_url: "https://x.vn/t/1".into(),
        };
        assert_eq!(
            sms(&short, Lang::Vi),
            "Ho so H19-1 (Dang ky khai sinh) da duoc tiep nhan. Hen tra se duoc thong bao sau. Tra cuu: https://x.vn/t/1"
        );
        let pay = sms(&all()[4], Lang::Vi);
        assert!(pay.starts_with("Da nhan 1.250.000 VND (Le phi ho tich), ma XS7K2M9Q. Bien lai BL-2026-000042"));
    }

    #[test]
    fn a_long_sms_falls_back_to_the_shortest_candidate() {
        let n = Notice::SupplementRequested {
            code: CODE.into(),
            procedure: "x".into(),
            missing: vec!["Giấy tờ rất dài ".repeat(12)],
            reason: "r".into(),
            tracking_url: URL.into(),
        };
        let s = sms(&n, Lang::Vi);
        assert!(s.ends_with('.') && !s.contains("http"), "{s}");
        assert!(gsm::parts(&s).unwrap() >= 2);
    }

    #[test]
    fn staff_alerts_name_the_dossier_its_due_date_and_its_page() {
        let soon = Notice::DossierDueSoon {
            code: CODE.into(),
            procedure: "Đăng ký khai sinh".into(),
            due_at: at(12, 16),
            left: "còn 2 ngày làm việc".into(),
            dossier_url: "https://xaso.example/dossiers/X".into(),
        };
        let r = email(&soon, Lang::Vi);
        assert_eq!(r.subject, format!("Cảnh báo: hồ sơ {CODE} sắp đến hạn"));
        assert!(r.body.contains("Hạn giải quyết: 12/03/2026 16:30 (còn 2 ngày làm việc)"), "{}", r.body);
        assert!(r.body.contains("Mẫu 04") && r.body.contains("https://xaso.example/dossiers/X"));
        let late = Notice::DossierOverdue {
            code: CODE.into(),
            procedure: "Đăng ký khai sinh".into(),
            due_at: at(12, 16),
            dossier_url: "https://xaso.example/dossiers/X".into(),
        };
        assert_eq!(email(&late, Lang::Vi).subject, format!("Cảnh báo: hồ sơ {CODE} đã quá hạn"));
        assert!(email(&late, Lang::En).body.contains("Due: 12/03/2026 16:30 (overdue)"));
        assert_eq!((soon.kind(), late.kind()), ("dossier_due_soon", "dossier_overdue"));
        for n in [soon, late] {
            let s = sms(&n, Lang::Vi);
            assert!(s.is_ascii() && s.contains(CODE), "{s}");
        }
    }

    #[test]
    fn the_other_templates_carry_their_facts() {
        let n = all();
        let sup = email(&n[1], Lang::Vi);
        assert!(sup.body.contains("Giấy tờ cần bổ sung:\n  - Giấy chứng sinh (bản chính)\n  - Tờ khai có chữ ký\n"));
        assert!(sup.body.contains("Lý do: Bản sao không rõ nét"));
        let ready = email(&n[2], Lang::Vi);
        assert!(ready.body.contains("Nơi và cách nhận kết quả: Bộ phận một cửa UBND xã Tân Hòa"));
        let late = email(&n[3], Lang::Vi);
        assert!(late.subject.starts_with("Thư xin lỗi"));
        assert!(late.body.contains("Ngày hẹn trả kết quả mới: 20/03/2026 09:30"));
        assert!(late.body.contains("Mẫu 04"));
        let pay = email(&n[4], Lang::Vi);
        assert_eq!(pay.subject, "Đã nhận thanh toán 1.250.000 ₫ (mã XS7K2M9Q)");
        assert!(pay.body.contains("Số tiền: 1.250.000 ₫\nBằng chữ: Một triệu hai trăm năm mươi nghìn đồng\n"));
        assert!(pay.body.contains("Biên lai số: BL-2026-000042"));
        let pay_en = email(&n[4], Lang::En);
        assert!(pay_en.body.contains("Receipt no.: BL-2026-000042"));
        assert!(late.body.ends_with("-- \nXã Số: thư gửi tự động, xin vui lòng không trả lời thư này.\n"));
    }
}
