//! Rendered images decode back to the payload: PNG read with the `png` crate and
//! scanned with `rqrr`, with and without a centre logo; SVG checked against the PNG.

use vietqr::Transfer;
use vietqr::render::{Caption, EcLevel, Logo, RenderOptions, to_png, to_svg};

/// Decodes a PNG to (width, height, grey pixels).
fn read_png(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut dec = png::Decoder::new(std::io::Cursor::new(bytes));
    dec.set_transformations(png::Transformations::EXPAND);
    let mut r = dec.read_info().unwrap();
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    let info = r.next_frame(&mut buf).unwrap();
    let ch = info.color_type.samples();
    let grey = buf[..info.buffer_size()].chunks(ch).map(|c| c[0]).collect();
    (info.width as usize, info.height as usize, grey)
}

fn scan(bytes: &[u8]) -> Vec<String> {
    let (w, h, px) = read_png(bytes);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| px[y * w + x]);
    img.detect_grids().into_iter().map(|g| g.decode().unwrap().1).collect()
}

fn payload() -> String {
    Transfer::to_account("970436", "0123456789").amount(1_250_000).purpose("Nộp phí hồ sơ HP24A7K9Q").encode().unwrap()
}

#[test]
fn png_scans_back_to_the_payload() {
    let p = payload();
    let png_bytes = to_png(&p, &RenderOptions::default()).unwrap();
    assert_eq!(scan(&png_bytes), std::slice::from_ref(&p));
    // Quiet zone: the first 4 modules (32 px) are white all round.
    let (w, _, px) = read_png(&png_bytes);
    assert!(px[..32 * w].iter().all(|&v| v == 255));
    assert!((0..w).all(|y| px[y * w..y * w + 32].iter().all(|&v| v == 255)));
}

#[test]
fn png_with_logo_scans_back_at_level_h() {
    // A 12x12 opaque red logo.
    let mut logo = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut logo, 12, 12);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&[200, 20, 20].repeat(144)).unwrap();
    }
    let opts = RenderOptions { logo: Some(Logo { png: logo }), ..RenderOptions::default() };
    assert_eq!(opts.effective_ec(), EcLevel::H);
    let p = payload();
    assert_eq!(scan(&to_png(&p, &opts).unwrap()), std::slice::from_ref(&p));
    let svg = to_svg(&p, &opts).unwrap();
    assert!(svg.contains("data:image/png;base64,iVBORw0KGgo"));
    let bad = RenderOptions { logo: Some(Logo { png: b"not a png".to_vec() }), ..RenderOptions::default() };
    assert!(to_png(&p, &bad).is_err());
}

#[test]
fn svg_draws_the_same_modules_with_caption() {
    let p = payload();
    let opts = RenderOptions {
        module_px: 1,
        caption: Some(Caption {
            bank: Some("Vietcombank".into()),
            holder: Some("UBND XA TAN HOA".into()),
            amount: Some(vietqr::Vnd(1_250_000)),
        }),
        ..RenderOptions::default()
    };
    let svg = to_svg(&p, &opts).unwrap();
    let (_, _, px) = read_png(&to_png(&p, &opts).unwrap());
    let dark = px.iter().filter(|&&v| v == 0).count();
    assert_eq!(svg.matches("h1v1h-1z").count(), dark);
    for text in ["Vietcombank", "UBND XA TAN HOA", "1.250.000 đ"] {
        assert!(svg.contains(&format!(">{text}</text>")), "{text}");
    }
}
