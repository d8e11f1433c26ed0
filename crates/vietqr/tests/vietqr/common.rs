//! Helpers shared by the integration tests: the NAPAS examples and a CRC appender.

/// NAPAS §6.1.1 as printed: static, to account, malformed `38.01` but a correct CRC.
pub const EX_611: &str =
    "00020101021138570010A00000072701270006970403011200110123456780208QRIBFTTA53037045802VN6304F4E5";
/// NAPAS §6.1.2: static, to card.
pub const EX_612: &str =
    "00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN63044F52";
/// NAPAS §6.1.3: dynamic, to account, 180 000 VND.
pub const EX_613: &str = "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E";
/// NAPAS §6.1.4: dynamic, to card, 180 000 VND (the example's field table).
pub const EX_614: &str = "00020101021238600010A00000072701300006970403011697040311012345670208QRIBFTTC530370454061800005802VN62340107NPS68690819thanh toan don hang6304A203";

/// Appends `6304` and the CRC to `body`.
pub fn with_crc(body: &str) -> String {
    let mut s = format!("{body}6304");
    let crc = vietqr::crc16(s.as_bytes());
    s.push_str(&format!("{crc:04X}"));
    s
}

/// One TLV object with a length in characters.
pub fn tlv(id: u8, value: &str) -> String {
    format!("{id:02}{:02}{value}", value.chars().count())
}
