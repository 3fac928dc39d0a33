//! Images that leave the archive carry nothing but pixels. A photo is decoded, turned upright
//! (its EXIF orientation applied to the pixels, so nothing ends up sideways), its redaction
//! boxes are burned in as solid opaque fills — never blur, which can be reversed — and it is
//! encoded afresh, which writes no EXIF, GPS, XMP, IPTC, maker notes or embedded thumbnail.
//! The original in the archive is never touched and keeps its hash.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, Rgba, metadata::Orientation};

use crate::error::{Error, Result};
use crate::model::Redaction;

/// The fill of a redaction box: near-black, fully opaque.
pub const REDACTION_FILL: [u8; 4] = [0x0E, 0x11, 0x14, 0xFF];

/// A cleaned image: its bytes and its file extension.
pub struct CleanImage {
    /// The encoded image.
    pub bytes: Vec<u8>,
    /// `jpg` or `png`.
    pub extension: &'static str,
}

/// Decodes a photo and turns it upright.
pub fn decode_upright(bytes: &[u8], orientation: Option<u16>) -> Result<DynamicImage> {
    let format = image::guess_format(bytes).map_err(|e| Error::invalid("image", e.to_string()))?;
    let mut pixels = image::load_from_memory_with_format(bytes, format)
        .map_err(|e| Error::invalid("image", format!("cannot decode the photo: {e}")))?;
    if let Some(o) = orientation.and_then(|o| u8::try_from(o).ok()).and_then(Orientation::from_exif) {
        pixels.apply_orientation(o);
    }
    Ok(pixels)
}

/// Burns redaction boxes into upright pixels.
pub fn burn_in(pixels: &mut DynamicImage, redactions: &[Redaction]) {
    if redactions.is_empty() {
        return;
    }
    let mut rgba = pixels.to_rgba8();
    let (w, h) = rgba.dimensions();
    for r in redactions {
        let x0 = (r.x * f64::from(w)).floor().max(0.0) as u32;
        let y0 = (r.y * f64::from(h)).floor().max(0.0) as u32;
        let x1 = ((r.x + r.w) * f64::from(w)).ceil().min(f64::from(w)) as u32;
        let y1 = ((r.y + r.h) * f64::from(h)).ceil().min(f64::from(h)) as u32;
        for y in y0..y1 {
            for x in x0..x1 {
                rgba.put_pixel(x, y, Rgba(REDACTION_FILL));
            }
        }
    }
    *pixels = DynamicImage::ImageRgba8(rgba);
}

/// The publishable form of a photo: upright, redacted, re-encoded without metadata (PNG stays
/// PNG; everything else becomes JPEG).
pub fn publishable(bytes: &[u8], orientation: Option<u16>, redactions: &[Redaction]) -> Result<CleanImage> {
    let was_png = image::guess_format(bytes).is_ok_and(|f| f == ImageFormat::Png);
    let mut pixels = decode_upright(bytes, orientation)?;
    burn_in(&mut pixels, redactions);
    let mut out = Cursor::new(Vec::new());
    let (format, extension) = if was_png { (ImageFormat::Png, "png") } else { (ImageFormat::Jpeg, "jpg") };
    let pixels = if format == ImageFormat::Jpeg { DynamicImage::ImageRgb8(pixels.to_rgb8()) } else { pixels };
    pixels.write_to(&mut out, format).map_err(|e| Error::invalid("image", format!("cannot encode the photo: {e}")))?;
    Ok(CleanImage { bytes: out.into_inner(), extension })
}
