//! QR images for links (a ticket's tracking page, a dossier's lookup page).
//! Payment codes are rendered by the `vietqr` crate, which adds captions and
//! its own error-correction policy.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// The text does not fit in a QR code.
#[derive(Debug, thiserror::Error)]
#[error("không tạo được mã QR: {0} (cannot make a QR code)")]
pub struct QrError(String);

/// An SVG QR code of `text` (error correction M, 4-module quiet zone), sized
/// by its `viewBox` so that CSS decides the printed size. Dark modules are
/// black on white for thermal printers and phone cameras alike.
pub fn svg(text: &str) -> Result<String, QrError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|e| QrError(e.to_string()))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .module_dimensions(1, 1)
        .dark_color(svg::Color("#000"))
        .light_color(svg::Color("#fff"))
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_has_a_viewbox_and_dark_modules() {
        let s = svg("https://xaso.example/q/42?k=abc").unwrap();
        assert!(s.starts_with("<?xml") || s.starts_with("<svg"), "{}", &s[..40]);
        assert!(s.contains("viewBox"), "sized by viewBox");
        assert!(s.contains("#000"));
    }

    #[test]
    fn too_long_text_is_an_error() {
        let long = "x".repeat(5000);
        let e = svg(&long).unwrap_err();
        assert!(e.to_string().contains("QR"));
    }
}
