//! One page as a list of absolute drawing operations, and the writer that
//! turns pages into PDF bytes with `krilla`.
//!
//! Coordinates are points from the page's top-left corner, y downwards (as
//! krilla draws). Text is positioned by its baseline. Pages are recorded
//! first and written at the end, so a layout can run onto a new page
//! without holding the PDF writer's borrows.

use std::sync::LazyLock;

use krilla::Document;
use krilla::color::luma;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use qrcode::{Color, EcLevel, QrCode};

use super::PdfError;
use super::font::{self, Weight};

/// Modules of white around a QR symbol: the ISO 18004 minimum (vietqr.md §10).
pub const QR_QUIET_MODULES: usize = 4;

/// Horizontal placement of a line of text in a box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    /// Flush left.
    #[default]
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
}

/// One drawing operation.
#[derive(Debug, Clone, PartialEq)]
enum Op {
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        weight: Weight,
        text: String,
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
    },
    Frame {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        width: f32,
    },
    /// Filled rectangles `[x, y, w, h]` in one path, in a grey level (0 = black).
    Fill {
        rects: Vec<[f32; 4]>,
        gray: u8,
    },
}

/// One page being drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Canvas {
    width: f32,
    height: f32,
    ops: Vec<Op>,
}

/// Where a QR code landed on the page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QrPlacement {
    /// The side of one module, in points.
    pub module: f32,
    /// The side of the symbol without its quiet zone, in points.
    pub symbol: f32,
    /// The QR version (1–40).
    pub version: i16,
}

impl Canvas {
    /// A blank page of `width` × `height` points.
    #[must_use]
    pub fn new(width: f32, height: f32) -> Self {
        Self { width, height, ops: Vec::new() }
    }

    /// The page's width in points.
    #[must_use]
    pub fn width(&self) -> f32 {
        self.width
    }

    /// The page's height in points.
    #[must_use]
    pub fn height(&self) -> f32 {
        self.height
    }

    /// One line of text from `x`, on `baseline`. Empty text draws nothing.
    pub fn text(&mut self, x: f32, baseline: f32, size: f32, weight: Weight, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        self.ops.push(Op::Text { x, baseline, size, weight, text: text.to_owned() });
    }

    /// One line of text placed in the box from `x` to `x + w`.
    #[expect(clippy::too_many_arguments, reason = "a box, a baseline, a style and the text")]
    pub fn text_in(&mut self, x: f32, w: f32, baseline: f32, size: f32, weight: Weight, align: Align, text: &str) {
        let tw = font::width(text, weight, size);
        let x = match align {
            Align::Left => x,
            Align::Center => x + (w - tw) / 2.0,
            Align::Right => x + w - tw,
        };
        self.text(x, baseline, size, weight, text);
    }

    /// A straight line `width` points thick.
    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32) {
        self.ops.push(Op::Line { from, to, width });
    }

    /// The outline of a rectangle.
    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
        self.ops.push(Op::Frame { x, y, w, h, width });
    }

    /// A filled rectangle in a grey level (0 black, 255 white).
    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, gray: u8) {
        self.ops.push(Op::Fill { rects: vec![[x, y, w, h]], gray });
    }

    /// A vector QR code of `payload` (error correction M, byte mode or
    /// better) filling the square at (`x`, `y`) of side `side`, quiet zone
    /// included: the symbol sits [`QR_QUIET_MODULES`] modules in from each
    /// edge, and nothing else may be drawn in that square. Dark modules are
    /// filled rectangles, one per horizontal run, black on the white page.
    ///
    /// # Errors
    /// [`PdfError::Qr`] when the payload does not fit in a QR code.
    pub fn qr(&mut self, payload: &str, x: f32, y: f32, side: f32) -> Result<QrPlacement, PdfError> {
        let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
            .map_err(|e| PdfError::Qr(e.to_string()))?;
        let n = code.width();
        let module = side / (n + 2 * QR_QUIET_MODULES) as f32;
        let origin = (x + module * QR_QUIET_MODULES as f32, y + module * QR_QUIET_MODULES as f32);
        let colors = code.to_colors();
        let mut rects = Vec::new();
        for (row, cells) in colors.chunks(n).enumerate() {
            let mut col = 0;
            while col < n {
                if cells[col] == Color::Light {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < n && cells[col] == Color::Dark {
                    col += 1;
                }
                // Runs overlap their neighbours by a hair so no white seams show between rows.
                let (rx, ry) = (origin.0 + start as f32 * module, origin.1 + row as f32 * module);
                rects.push([rx, ry, (col - start) as f32 * module, module + 0.01]);
            }
        }
        self.ops.push(Op::Fill { rects, gray: 0 });
        let version = match code.version() {
            qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
        };
        Ok(QrPlacement { module, symbol: module * n as f32, version })
    }
}

/// The document's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocInfo {
    /// The title shown by PDF viewers.
    pub title: String,
}

/// The fonts as krilla sees them, parsed once per process.
static FONTS: LazyLock<Option<(Font, Font)>> = LazyLock::new(|| {
    let load = |w: Weight| Font::new(w.ttf().into(), 0);
    Some((load(Weight::Regular)?, load(Weight::Bold)?))
});

/// Writes the pages as one PDF: fonts embedded as subsets, content streams
/// compressed, language Vietnamese, no dates or random ids (the same pages
/// give the same bytes).
///
/// # Errors
/// [`PdfError::Empty`] without pages; [`PdfError::Writer`] if krilla fails.
pub fn render(pages: &[Canvas], info: &DocInfo) -> Result<Vec<u8>, PdfError> {
    if pages.is_empty() {
        return Err(PdfError::Empty);
    }
    let (regular, bold) = FONTS.clone().ok_or_else(|| PdfError::Writer("font".into()))?;
    let mut document = Document::new();
    document.set_metadata(Metadata::new().title(info.title.clone()).language("vi".into()).creator("Xã Số".into()));
    for canvas in pages {
        let settings = PageSettings::from_wh(canvas.width, canvas.height)
            .ok_or_else(|| PdfError::Writer(format!("page size {}×{}", canvas.width, canvas.height)))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for op in &canvas.ops {
            draw(&mut surface, op, &regular, &bold);
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| PdfError::Writer(format!("{e:?}")))
}

fn black_fill(gray: u8) -> Fill {
    Fill { paint: luma::Color::new(gray).into(), ..Fill::default() }
}

fn draw(surface: &mut Surface<'_>, op: &Op, regular: &Font, bold: &Font) {
    match op {
        Op::Text { x, baseline, size, weight, text } => {
            let font = if *weight == Weight::Bold { bold } else { regular };
            surface.set_stroke(None);
            surface.set_fill(Some(black_fill(0)));
            let at = Point::from_xy(*x, *baseline);
            surface.draw_text(at, font.clone(), *size, text, false, TextDirection::LeftToRight);
        }
        Op::Line { from, to, width } => {
            let mut pb = PathBuilder::new();
            pb.move_to(from.0, from.1);
            pb.line_to(to.0, to.1);
            stroke(surface, pb, *width);
        }
        Op::Frame { x, y, w, h, width } => {
            let mut pb = PathBuilder::new();
            if let Some(r) = Rect::from_xywh(*x, *y, *w, *h) {
                pb.push_rect(r);
            }
            stroke(surface, pb, *width);
        }
        Op::Fill { rects, gray } => {
            let mut pb = PathBuilder::new();
            for [x, y, w, h] in rects {
                if let Some(r) = Rect::from_xywh(*x, *y, *w, *h) {
                    pb.push_rect(r);
                }
            }
            if let Some(path) = pb.finish() {
                surface.set_stroke(None);
                surface.set_fill(Some(black_fill(*gray)));
                surface.draw_path(&path);
            }
        }
    }
}

fn stroke(surface: &mut Surface<'_>, pb: PathBuilder, width: f32) {
    if let Some(path) = pb.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke { width, ..Stroke::default() }));
        surface.draw_path(&path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_respects_the_quiet_zone_and_size() {
        let mut c = Canvas::new(300.0, 300.0);
        let q = c.qr("https://xaso.example/q/42", 10.0, 20.0, 200.0).unwrap();
        assert!(q.version >= 1);
        let n = q.symbol / q.module;
        assert!((q.module * (n + 8.0) - 200.0).abs() < 0.01);
        let Op::Fill { rects, .. } = &c.ops[0] else { panic!("a fill") };
        let inner = (10.0 + 4.0 * q.module, 20.0 + 4.0 * q.module);
        for [x, y, w, h] in rects {
            assert!(*x >= inner.0 - 0.001 && *y >= inner.1 - 0.001);
            assert!(x + w <= inner.0 + q.symbol + 0.001 && y + h <= inner.1 + q.symbol + 0.02);
        }
        assert!(c.qr(&"x".repeat(5000), 0.0, 0.0, 100.0).is_err());
    }

    #[test]
    fn renders_a_page_and_refuses_none() {
        let mut c = Canvas::new(200.0, 100.0);
        c.text_in(0.0, 200.0, 50.0, 12.0, Weight::Bold, Align::Center, "Xã Số");
        c.line((0.0, 60.0), (200.0, 60.0), 0.5);
        let pdf = render(&[c], &DocInfo { title: "t".into() }).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        assert!(matches!(render(&[], &DocInfo { title: "t".into() }), Err(PdfError::Empty)));
    }
}
