//! Vietnamese first, English available: the language of a request and the
//! strings of the interface.
//!
//! The language comes from the `xaso_lang` cookie set by the switch in the
//! page header; without it the page is Vietnamese. Strings live in tables of
//! (key, Vietnamese, English): the shared one here, and one per area beside
//! it (`queue.rs`, …). A missing key shows `??`, which the i18n test catches.

mod dossier;
mod dossier_public;
mod market;
mod payment;
mod queue;
mod queue_stats;

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::http::HeaderMap;

/// The cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "xaso_lang";

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Tiếng Việt (the default).
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// The language chosen by the request's cookie.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        crate::auth::cookie(headers, LANG_COOKIE).map(Lang::parse).unwrap_or_default()
    }

    /// Parses `vi` or `en` (anything else is Vietnamese).
    pub fn parse(s: &str) -> Lang {
        if s.trim().eq_ignore_ascii_case("en") { Lang::En } else { Lang::Vi }
    }

    /// The BCP 47 code, for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// The other language, for the switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }

    /// The string for `key` in this language.
    pub fn t(self, key: &str) -> &'static str {
        match STRINGS.get(key) {
            Some((vi, en)) => match self {
                Lang::Vi => vi,
                Lang::En => en,
            },
            None => {
                tracing::warn!(key, "missing translation");
                "??"
            }
        }
    }

    /// Picks between a Vietnamese and an English text given inline.
    pub fn pick<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

static STRINGS: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> =
    LazyLock::new(|| TABLES.iter().flat_map(|t| t.iter()).map(|(k, vi, en)| (*k, (*vi, *en))).collect());

/// A table of (key, Vietnamese, English).
pub type Table = &'static [(&'static str, &'static str, &'static str)];

/// Every table of the interface.
pub const TABLES: &[Table] =
    &[CORE, queue::TABLE, queue_stats::TABLE, market::TABLE, payment::TABLE, dossier::TABLE, dossier_public::TABLE];

/// The keys every area shares: the shell, navigation, errors, accounts, units.
const CORE: Table = &[
    ("app.name", "Xã Số", "Xã Số"),
    ("app.tagline", "Nền tảng chuyển đổi số cho xã, phường", "Digital transformation platform for communes and wards"),
    ("nav.skip", "Bỏ qua, đến nội dung chính", "Skip to main content"),
    ("nav.home", "Trang chủ", "Home"),
    ("nav.menu", "Danh mục", "Menu"),
    ("nav.login", "Đăng nhập", "Log in"),
    ("nav.logout", "Đăng xuất", "Log out"),
    ("nav.password", "Đổi mật khẩu", "Change password"),
    ("nav.units", "Đơn vị hành chính", "Administrative units"),
    ("nav.users", "Người dùng", "Users"),
    ("nav.audit", "Nhật ký", "Audit log"),
    ("nav.api", "Tài liệu API", "API reference"),
    ("nav.queue", "Quầy tiếp dân", "Counter console"),
    ("nav.dossiers", "Hồ sơ một cửa", "One-stop dossiers"),
    ("nav.payments", "Thu phí không tiền mặt", "Cashless payments"),
    ("nav.markets", "Chợ 4.0", "Chợ 4.0 markets"),
    ("nav.indicators", "Chỉ tiêu chuyển đổi số", "Digital indicators"),
    ("lang.switch", "English", "Tiếng Việt"),
    ("home.title", "Dịch vụ công cho người dân", "Public services for citizens"),
    (
        "home.lead",
        "Lấy số thứ tự, tra cứu hồ sơ, thanh toán phí và xem kết quả chuyển đổi số của địa phương.",
        "Take a queue number, track a dossier, pay a fee and see your locality's digital transformation.",
    ),
    ("home.ticket", "Lấy số thứ tự", "Take a queue ticket"),
    (
        "home.ticket.desc",
        "Chọn dịch vụ và nhận số thứ tự tại Trung tâm Phục vụ hành chính công, theo dõi lượt của bạn trên điện thoại.",
        "Choose a service, get a ticket at the public service center and follow your turn on your phone.",
    ),
    ("home.track", "Tra cứu hồ sơ", "Track a dossier"),
    (
        "home.track.desc",
        "Nhập mã hồ sơ trên phiếu hẹn và 4 số cuối điện thoại để xem hồ sơ đang ở bước nào.",
        "Enter the code on your appointment slip and the last 4 digits of your phone to see where your dossier is.",
    ),
    ("home.pay", "Thanh toán phí", "Pay a bill"),
    (
        "home.pay.desc",
        "Quét mã VietQR bằng ứng dụng ngân hàng hoặc ví điện tử để nộp phí, lệ phí, học phí.",
        "Scan the VietQR code with any bank app or e-wallet to pay fees and school fees.",
    ),
    ("home.dashboards", "Số liệu công khai", "Public dashboards"),
    (
        "home.dashboards.desc",
        "Tỷ lệ hồ sơ đúng hạn, dịch vụ công trực tuyến, thanh toán không tiền mặt, chợ 4.0.",
        "On-time dossiers, online services, cashless payments and Chợ 4.0 markets.",
    ),
    ("home.soon", "Sắp có", "Coming soon"),
    ("home.staff", "Cán bộ, công chức", "Officials"),
    (
        "home.staff.desc",
        "Đăng nhập để làm việc tại quầy, xử lý hồ sơ, thu phí và nhập số liệu.",
        "Log in to work at a counter, process dossiers, collect fees and enter indicators.",
    ),
    ("home.welcome", "Xin chào", "Hello"),
    ("home.your_roles", "Vai trò của bạn", "Your roles"),
    ("home.all_units", "tất cả đơn vị", "all units"),
    ("login.title", "Đăng nhập", "Log in"),
    ("login.username", "Tên đăng nhập", "Username"),
    ("login.password", "Mật khẩu", "Password"),
    ("login.submit", "Đăng nhập", "Log in"),
    (
        "login.wrong",
        "Tên đăng nhập hoặc mật khẩu không đúng. Vui lòng kiểm tra và thử lại.",
        "Wrong username or password. Please check and try again.",
    ),
    (
        "login.locked",
        "Đăng nhập sai quá nhiều lần. Tài khoản tạm khóa đến",
        "Too many failed attempts. The account is locked until",
    ),
    ("login.demo", "Dữ liệu demo: mật khẩu của mọi tài khoản demo là", "Demo data: every demo login's password is"),
    ("password.title", "Đổi mật khẩu", "Change password"),
    ("password.current", "Mật khẩu hiện tại", "Current password"),
    ("password.new", "Mật khẩu mới (ít nhất 8 ký tự)", "New password (at least 8 characters)"),
    ("password.confirm", "Nhập lại mật khẩu mới", "Repeat the new password"),
    ("password.mismatch", "Hai lần nhập mật khẩu mới không khớp.", "The two new passwords differ."),
    (
        "password.done",
        "Đã đổi mật khẩu. Các phiên đăng nhập khác đã bị đăng xuất.",
        "Password changed. Your other sessions were logged out.",
    ),
    ("password.submit", "Đổi mật khẩu", "Change password"),
    ("units.title", "Đơn vị hành chính", "Administrative units"),
    ("units.as_of", "Tại ngày", "As of"),
    ("units.show", "Xem", "Show"),
    ("units.search", "Tìm theo tên hoặc mã", "Search by name or code"),
    ("units.code", "Mã", "Code"),
    ("units.name", "Tên", "Name"),
    ("units.kind", "Loại", "Kind"),
    ("units.valid", "Hiệu lực", "Valid"),
    ("units.parent", "Trực thuộc", "Parent"),
    ("units.children", "Đơn vị trực thuộc", "Units below"),
    ("units.ancestors", "Thuộc", "Within"),
    ("units.successors", "Đơn vị kế thừa", "Successors"),
    ("units.predecessors", "Đơn vị tiền thân", "Predecessors"),
    ("units.versions", "Các phiên bản của mã này", "Versions of this code"),
    ("units.note", "Căn cứ, ghi chú", "Legal basis, note"),
    ("units.now", "nay", "now"),
    ("units.none", "Không có đơn vị nào.", "No units."),
    ("units.import", "Nhập danh sách từ tệp CSV", "Import from a CSV file"),
    (
        "units.import.help",
        "Cột: code, name, kind, parent_code, valid_from, valid_to, note, predecessor_codes (phân cách bằng ;).",
        "Columns: code, name, kind, parent_code, valid_from, valid_to, note, predecessor_codes (separated by ;).",
    ),
    ("units.import.file", "Tệp CSV", "CSV file"),
    ("units.import.submit", "Nhập", "Import"),
    ("units.import.done", "Đã nhập đơn vị:", "Units imported:"),
    ("users.title", "Người dùng và phân quyền", "Users and roles"),
    ("users.username", "Tên đăng nhập", "Username"),
    ("users.display", "Họ tên", "Full name"),
    ("users.roles", "Vai trò, phạm vi", "Roles and scope"),
    ("users.active", "Hoạt động", "Active"),
    ("users.create", "Tạo người dùng", "Create a user"),
    ("users.role", "Vai trò", "Role"),
    ("users.unit", "Mã đơn vị (để trống: mọi đơn vị)", "Unit code (empty: every unit)"),
    ("users.password", "Mật khẩu ban đầu", "Initial password"),
    ("users.created", "Đã tạo người dùng", "User created"),
    ("audit.title", "Nhật ký thay đổi", "Audit log"),
    ("audit.at", "Thời điểm", "Time"),
    ("audit.actor", "Người thực hiện", "Actor"),
    ("audit.action", "Thao tác", "Action"),
    ("audit.object", "Đối tượng", "Object"),
    ("audit.change", "Trước → sau", "Before → after"),
    ("audit.client", "Địa chỉ, mã yêu cầu", "Client, request id"),
    ("audit.filter", "Lọc", "Filter"),
    ("audit.from", "Từ ngày", "From"),
    ("audit.to", "Đến ngày", "To"),
    ("audit.older", "Cũ hơn", "Older"),
    (
        "audit.readonly",
        "Nhật ký chỉ được ghi thêm; không ai sửa hay xóa được.",
        "The log is append-only; nobody can edit or delete it.",
    ),
    (
        "area.soon",
        "Khu vực này đang được xây dựng. Khi hoàn thành, tại đây bạn sẽ:",
        "This area is being built. When it is ready, here you will:",
    ),
    (
        "area.queue",
        "gọi số tiếp theo, gọi lại, chuyển quầy và xem danh sách chờ; bảng hiển thị đọc số bằng giọng nói tiếng Việt.",
        "call the next ticket, recall, transfer and see the waiting list; the display board announces calls in Vietnamese.",
    ),
    (
        "area.dossiers",
        "tiếp nhận hồ sơ tại quầy và trực tuyến, chuyển xử lý giữa các phòng ban, theo dõi hạn giải quyết tính theo ngày làm việc.",
        "receive dossiers at the counter and online, route them across departments and track legal deadlines in working days.",
    ),
    (
        "area.payments",
        "tạo hóa đơn với mã VietQR, nhận thông báo thanh toán từ ngân hàng, đối soát và in biên lai điện tử.",
        "issue bills with VietQR codes, receive bank notifications, reconcile and print e-receipts.",
    ),
    (
        "area.markets",
        "quản lý sạp chợ 4.0, in bảng mã VietQR cho từng sạp và theo dõi giao dịch không tiền mặt.",
        "manage Chợ 4.0 stalls, print VietQR standees for every stall and follow cashless transactions.",
    ),
    (
        "area.indicators",
        "nhập chỉ tiêu chuyển đổi số theo kỳ, tổng hợp theo đơn vị hành chính, xem biểu đồ và xuất Excel.",
        "enter digital-transformation indicators per period, roll them up the unit tree, chart and export them.",
    ),
    ("error.401", "Vui lòng đăng nhập để tiếp tục.", "Please log in to continue."),
    ("error.403", "Bạn không có quyền truy cập nội dung này.", "You are not allowed to see this."),
    ("error.404", "Không tìm thấy trang hoặc dữ liệu.", "Page or record not found."),
    ("error.429", "Quá nhiều yêu cầu. Vui lòng thử lại sau.", "Too many requests. Please try again later."),
    (
        "error.500",
        "Hệ thống gặp lỗi. Vui lòng thử lại; nếu vẫn lỗi, báo cho quản trị viên.",
        "Something went wrong. Please try again; if it persists, tell the administrator.",
    ),
    ("error.generic", "Yêu cầu không hợp lệ.", "The request is not valid."),
    ("error.back", "Về trang chủ", "Back to the home page"),
    ("common.save", "Lưu", "Save"),
    ("common.yes", "Có", "Yes"),
    ("common.no", "Không", "No"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_both_languages_filled() {
        let mut seen = std::collections::HashSet::new();
        for (k, vi, en) in TABLES.iter().flat_map(|t| t.iter()) {
            assert!(seen.insert(k), "duplicate key {k}");
            assert!(!vi.is_empty() && !en.is_empty(), "empty text for {k}");
        }
    }

    #[test]
    fn every_key_used_in_templates_exists() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut stack = vec![std::path::PathBuf::from(dir)];
        let re_start = ".t(\"";
        while let Some(p) = stack.pop() {
            for entry in std::fs::read_dir(&p).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for (i, _) in text.match_indices(re_start) {
                    let rest = &text[i + re_start.len()..];
                    let key = &rest[..rest.find('"').unwrap()];
                    assert!(STRINGS.contains_key(key), "{} uses missing key {key}", path.display());
                }
            }
        }
    }

    #[test]
    fn the_cookie_picks_the_language() {
        use axum::http::header;
        let mut h = HeaderMap::new();
        assert_eq!(Lang::from_headers(&h), Lang::Vi);
        h.insert(header::COOKIE, "a=b; xaso_lang=en".parse().unwrap());
        assert_eq!(Lang::from_headers(&h), Lang::En);
        assert_eq!(Lang::En.t("nav.login"), "Log in");
        assert_eq!(Lang::Vi.t("nav.login"), "Đăng nhập");
    }
}
