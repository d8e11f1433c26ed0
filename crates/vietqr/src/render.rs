//! QR images of a payload, as SVG or PNG (cargo feature `render`).
//!
//! Follows common VietQR printing practice: byte-mode QR with optimal segmentation
//! (the `qrcode` crate), error correction **M** by default and at least **Q** (default
//! **H**) when a centre logo is requested, a **4-module quiet zone**, dark modules on
//! white. A logo covers at most 20 % of the symbol width.
//!
//! The optional [`Caption`] (bank, account holder, amount as `1.250.000 đ`) is drawn
//! **in SVG only**: PNG output carries the QR (and logo) without text, to avoid
//! shipping a font rasteriser. Put PNGs inside a document that prints the caption.

use std::fmt::Write as _;

use qrcode::{Color, QrCode};

use crate::types::Vnd;

/// QR error-correction level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum EcLevel {
    /// ~7 % recovery.
    L,
    /// ~15 % recovery: the default.
    #[default]
    M,
    /// ~25 % recovery.
    Q,
    /// ~30 % recovery: the default with a logo.
    H,
}

impl EcLevel {
    fn to_qr(self) -> qrcode::EcLevel {
        match self {
            Self::L => qrcode::EcLevel::L,
            Self::M => qrcode::EcLevel::M,
            Self::Q => qrcode::EcLevel::Q,
            Self::H => qrcode::EcLevel::H,
        }
    }
}

/// Text printed under the code (SVG only).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Caption {
    /// Bank name, e.g. `Vietcombank`.
    pub bank: Option<String>,
    /// Account holder, e.g. `UBND XA TAN HOA`.
    pub holder: Option<String>,
    /// Amount, printed as `1.250.000 đ`.
    pub amount: Option<Vnd>,
}

impl Caption {
    fn lines(&self) -> Vec<String> {
        let mut v = Vec::new();
        v.extend(self.bank.clone());
        v.extend(self.holder.clone());
        v.extend(self.amount.map(|a| a.to_string()));
        v
    }
}

/// A centre logo: an 8-bit PNG image (grey, grey+alpha, RGB or RGBA).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logo {
    /// The PNG file contents.
    pub png: Vec<u8>,
}

/// How to draw the code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderOptions {
    /// Error correction; `None` picks M, or H with a logo.
    pub ec: Option<EcLevel>,
    /// Size of one module in pixels (PNG) or user units (SVG).
    pub module_px: u32,
    /// Quiet zone in modules; values under 4 are raised to 4.
    pub quiet_zone: u32,
    /// Optional caption (SVG only).
    pub caption: Option<Caption>,
    /// Optional centre logo.
    pub logo: Option<Logo>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self { ec: None, module_px: 8, quiet_zone: 4, caption: None, logo: None }
    }
}

impl RenderOptions {
    /// The error-correction level actually used.
    #[must_use]
    pub fn effective_ec(&self) -> EcLevel {
        match (self.ec, self.logo.is_some()) {
            (None, false) => EcLevel::M,
            (None, true) => EcLevel::H,
            (Some(ec), false) => ec,
            (Some(ec), true) => ec.max(EcLevel::Q),
        }
    }
}

/// Why an image could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The payload does not fit in a QR code.
    #[error("the payload does not fit in a QR code: {0}")]
    Qr(#[from] qrcode::types::QrError),
    /// The logo is not a supported PNG.
    #[error("the logo is not an 8-bit PNG: {0}")]
    Logo(String),
    /// PNG encoding failed.
    #[error("PNG encoding failed: {0}")]
    Png(#[from] png::EncodingError),
}

/// The module matrix of `payload`: `width` × `width`, `true` = dark.
struct Matrix {
    width: usize,
    dark: Vec<bool>,
}

fn matrix(payload: &str, ec: EcLevel) -> Result<Matrix, RenderError> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), ec.to_qr())?;
    Ok(Matrix { width: code.width(), dark: code.to_colors().into_iter().map(|c| c == Color::Dark).collect() })
}

/// Side of the logo box in modules: at most 20 % of the symbol, odd so it centres.
fn logo_modules(width: usize) -> usize {
    let s = width / 5;
    if s.is_multiple_of(2) { s.saturating_sub(1) } else { s }
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Renders `payload` as an SVG document.
///
/// # Errors
/// [`RenderError::Qr`] when the payload is too long for a QR code.
pub fn to_svg(payload: &str, opts: &RenderOptions) -> Result<String, RenderError> {
    let m = matrix(payload, opts.effective_ec())?;
    let q = opts.quiet_zone.max(4) as usize;
    let px = opts.module_px.max(1) as usize;
    let side = (m.width + 2 * q) * px;
    let lines = opts.caption.as_ref().map(Caption::lines).unwrap_or_default();
    let font = 2 * px + px / 2;
    let line_h = font + px;
    let height = side + if lines.is_empty() { 0 } else { lines.len() * line_h + px };
    let mut s = String::with_capacity(m.width * m.width * 8 + 512);
    let _ = write!(
        s,
        r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{side}" height="{height}" viewBox="0 0 {side} {height}">
<rect width="{side}" height="{height}" fill="#ffffff"/>
<path fill="#000000" shape-rendering="crispEdges" transform="translate({o} {o}) scale({px})" d=""##,
        o = q * px
    );
    for y in 0..m.width {
        for x in 0..m.width {
            if m.dark[y * m.width + x] {
                let _ = write!(s, "M{x} {y}h1v1h-1z");
            }
        }
    }
    s.push_str("\"/>\n");
    if let Some(logo) = &opts.logo {
        let lm = logo_modules(m.width);
        let at = (q + (m.width - lm) / 2) * px;
        let size = lm * px;
        let _ = writeln!(
            s,
            r##"<rect x="{at}" y="{at}" width="{size}" height="{size}" fill="#ffffff"/><image x="{at}" y="{at}" width="{size}" height="{size}" href="data:image/png;base64,{}"/>"##,
            base64(&logo.png)
        );
    }
    for (i, line) in lines.iter().enumerate() {
        let y = side + i * line_h + font;
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{y}" font-family="sans-serif" font-size="{font}" text-anchor="middle" fill="#000000">{}</text>"##,
            side / 2,
            xml_escape(line)
        );
    }
    s.push_str("</svg>\n");
    Ok(s)
}

/// An RGBA image decoded from a logo PNG.
struct Rgba {
    width: usize,
    height: usize,
    px: Vec<[u8; 4]>,
}

fn decode_logo(png_bytes: &[u8]) -> Result<Rgba, RenderError> {
    let err = |e: &dyn std::fmt::Display| RenderError::Logo(e.to_string());
    let mut dec = png::Decoder::new(std::io::Cursor::new(png_bytes));
    dec.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = dec.read_info().map_err(|e| err(&e))?;
    let mut buf = vec![0; reader.output_buffer_size().unwrap_or(0)];
    let info = reader.next_frame(&mut buf).map_err(|e| err(&e))?;
    let data = &buf[..info.buffer_size()];
    let channels = match info.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return Err(RenderError::Logo("indexed colour".into())),
    };
    let px = data
        .chunks_exact(channels)
        .map(|c| match c {
            [g] => [*g, *g, *g, 255],
            [g, a] => [*g, *g, *g, *a],
            [r, g, b] => [*r, *g, *b, 255],
            [r, g, b, a] => [*r, *g, *b, *a],
            _ => [255; 4],
        })
        .collect();
    Ok(Rgba { width: info.width as usize, height: info.height as usize, px })
}

/// Renders `payload` as a PNG file (the caption, if any, is not drawn).
///
/// Without a logo the image is 8-bit greyscale; with one it is RGBA.
///
/// # Errors
/// [`RenderError`] when the payload is too long, the logo unreadable or encoding fails.
pub fn to_png(payload: &str, opts: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    let m = matrix(payload, opts.effective_ec())?;
    let q = opts.quiet_zone.max(4) as usize;
    let px = opts.module_px.max(1) as usize;
    let side = (m.width + 2 * q) * px;
    let mut rgba = vec![[255u8, 255, 255, 255]; side * side];
    for y in 0..m.width {
        for x in 0..m.width {
            if m.dark[y * m.width + x] {
                for dy in 0..px {
                    let row = ((q + y) * px + dy) * side;
                    for dx in 0..px {
                        rgba[row + (q + x) * px + dx] = [0, 0, 0, 255];
                    }
                }
            }
        }
    }
    if let Some(logo) = &opts.logo {
        let img = decode_logo(&logo.png)?;
        let size = logo_modules(m.width) * px;
        let at = (q + (m.width - logo_modules(m.width)) / 2) * px;
        if img.width > 0 && img.height > 0 {
            for y in 0..size {
                for x in 0..size {
                    let s = img.px[(y * img.height / size) * img.width + x * img.width / size];
                    let a = u16::from(s[3]);
                    let blend = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
                    rgba[(at + y) * side + at + x] = [blend(s[0]), blend(s[1]), blend(s[2]), 255];
                }
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, side as u32, side as u32);
        enc.set_depth(png::BitDepth::Eight);
        let data: Vec<u8> = if opts.logo.is_some() {
            enc.set_color(png::ColorType::Rgba);
            rgba.iter().flatten().copied().collect()
        } else {
            enc.set_color(png::ColorType::Grayscale);
            rgba.iter().map(|p| p[0]).collect()
        };
        let mut w = enc.write_header()?;
        w.write_image_data(&data)?;
        w.finish()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn ec_policy() {
        let mut o = RenderOptions::default();
        assert_eq!(o.effective_ec(), EcLevel::M);
        o.logo = Some(Logo { png: Vec::new() });
        assert_eq!(o.effective_ec(), EcLevel::H);
        o.ec = Some(EcLevel::L);
        assert_eq!(o.effective_ec(), EcLevel::Q);
    }

    #[test]
    fn svg_has_caption_and_quiet_zone() {
        let opts = RenderOptions {
            caption: Some(Caption {
                bank: Some("Vietcombank".into()),
                holder: Some("UBND XÃ <TÂN HÒA>".into()),
                amount: Some(Vnd(1_250_000)),
            }),
            ..RenderOptions::default()
        };
        let svg = to_svg("hello", &opts).unwrap();
        assert!(svg.contains("1.250.000 đ"));
        assert!(svg.contains("UBND XÃ &lt;TÂN HÒA&gt;"));
        assert!(svg.contains("translate(32 32)"));
    }
}
