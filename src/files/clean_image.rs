//! Images that leave the archive carry nothing but pixels. A photo is decoded, turned upright
//! (its EXIF orientation applied to the pixels, so nothing ends up sideways), its redaction
//! boxes are burned in as solid opaque fills — never blur, which can be reversed — and it is
//! encoded afresh, which writes no EXIF, GPS, XMP, IPTC, maker notes or embedded thumbnail.
//! The original in the archive is never touched and keeps its hash.
//!
//! Every format the archive imports is cleaned (JPEG through libjpeg-turbo at full size, HEIC
//! through libheif, PNG, WebP and TIFF through `image`); the same pixel limit as import guards
//! against decompression bombs. PNG stays PNG (with its transparency); everything else becomes
//! a baseline JPEG. Encoding is deterministic: the same photo gives the same bytes, so exports
//! made twice are identical.

use std::io::Cursor;
use std::path::Path;

use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageFormat, RgbImage, Rgba, metadata::Orientation};

use super::decode;
use crate::error::{Error, Result};
use crate::ingest::sniff::{self, FileKind};
use crate::model::Redaction;

/// The fill of a redaction box: near-black, fully opaque.
pub const REDACTION_FILL: [u8; 4] = [0x0E, 0x11, 0x14, 0xFF];

/// JPEG quality of cleaned photos: close to the original to the eye, a fraction of its size.
const QUALITY: i32 = 90;

/// A cleaned image: its bytes, its file extension and its (upright) size.
pub struct CleanImage {
    /// The encoded image.
    pub bytes: Vec<u8>,
    /// `jpg` or `png`.
    pub extension: &'static str,
    /// Width of the upright image.
    pub width: u32,
    /// Height of the upright image.
    pub height: u32,
}

impl CleanImage {
    /// The format's name as the model spells it (`jpeg`, `png`).
    pub fn format(&self) -> &'static str {
        if self.extension == "png" { "png" } else { "jpeg" }
    }
}

/// Upright pixels with the redactions burned in, and whether they came from a PNG.
pub struct CleanPixels {
    /// The pixels (RGB, or RGBA for a PNG with transparency).
    pub pixels: DynamicImage,
    /// The photo was a PNG, and stays one at full size.
    pub png: bool,
}

/// Decodes a photo of any format the archive imports and turns it upright.
pub fn decode_upright(bytes: &[u8], orientation: Option<u16>) -> Result<DynamicImage> {
    Ok(decode_any(bytes, orientation)?.pixels)
}

fn decode_any(bytes: &[u8], orientation: Option<u16>) -> Result<CleanPixels> {
    let kind = sniff::sniff(Path::new(""), &bytes[..bytes.len().min(4096)]).map_err(|e| Error::invalid("image", e))?;
    if !kind.is_photo() {
        return Err(Error::invalid("image", format!("a {} file is not a photo", kind.name())));
    }
    let max_pixels = crate::ingest::ImportLimits::default().max_pixels;
    let cannot = |e: decode::DecodeError| Error::invalid("image", format!("cannot decode the photo: {e}"));
    let (mut pixels, upright) = if kind == FileKind::Png {
        // `image` keeps a PNG's transparency, which the shared decoder flattens onto white.
        let (w, h) = decode::dimensions(bytes, kind).map_err(cannot)?;
        if u64::from(w) * u64::from(h) > max_pixels {
            return Err(Error::invalid("image", format!("the photo is {w}×{h} pixels, over the import limit")));
        }
        let pixels = image::load_from_memory_with_format(bytes, ImageFormat::Png)
            .map_err(|e| Error::invalid("image", format!("cannot decode the photo: {e}")))?;
        (pixels, false)
    } else {
        let decoded = decode::decode(bytes, kind, u32::MAX, max_pixels).map_err(cannot)?;
        let p = decoded.pixels;
        let rgb = RgbImage::from_raw(p.width, p.height, p.rgb)
            .ok_or_else(|| Error::invalid("image", "the decoder gave fewer pixels than the image's size"))?;
        (DynamicImage::ImageRgb8(rgb), decoded.upright)
    };
    if !upright && let Some(o) = orientation.and_then(|o| u8::try_from(o).ok()).and_then(Orientation::from_exif) {
        pixels.apply_orientation(o);
    }
    Ok(CleanPixels { pixels, png: kind == FileKind::Png })
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
    *pixels = if pixels.color().has_alpha() {
        DynamicImage::ImageRgba8(rgba)
    } else {
        DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(rgba).to_rgb8())
    };
}

/// A photo's upright pixels with its redaction boxes burned in, ready to encode in one or more
/// sizes.
pub fn clean_pixels(bytes: &[u8], orientation: Option<u16>, redactions: &[Redaction]) -> Result<CleanPixels> {
    let mut clean = decode_any(bytes, orientation)?;
    burn_in(&mut clean.pixels, redactions);
    Ok(clean)
}

/// The publishable form of a photo: upright, redacted, re-encoded at full size without metadata
/// (PNG stays PNG; everything else becomes JPEG).
pub fn publishable(bytes: &[u8], orientation: Option<u16>, redactions: &[Redaction]) -> Result<CleanImage> {
    full_size(&clean_pixels(bytes, orientation, redactions)?)
}

/// Cleaned pixels encoded at full size.
pub fn full_size(clean: &CleanPixels) -> Result<CleanImage> {
    let (width, height) = (clean.pixels.width(), clean.pixels.height());
    if clean.png {
        let mut out = Cursor::new(Vec::new());
        clean
            .pixels
            .write_to(&mut out, ImageFormat::Png)
            .map_err(|e| Error::invalid("image", format!("cannot encode the photo: {e}")))?;
        return Ok(CleanImage { bytes: out.into_inner(), extension: "png", width, height });
    }
    Ok(CleanImage { bytes: jpeg(&flattened(&clean.pixels))?, extension: "jpg", width, height })
}

/// Cleaned pixels scaled down to `longest` pixels on their longest side (never up), as JPEG.
pub fn scaled(clean: &CleanPixels, longest: u32) -> Result<CleanImage> {
    let rgb = flattened(&clean.pixels);
    let (w, h) = rgb.dimensions();
    let rgb = if w.max(h) <= longest {
        rgb
    } else {
        let scale = f64::from(longest) / f64::from(w.max(h));
        let to_w = ((f64::from(w) * scale).round() as u32).clamp(1, longest);
        let to_h = ((f64::from(h) * scale).round() as u32).clamp(1, longest);
        let failed = |e: String| Error::invalid("image", format!("cannot scale the photo: {e}"));
        let from = Image::from_vec_u8(w, h, rgb.into_raw(), PixelType::U8x3).map_err(|e| failed(e.to_string()))?;
        let mut to = Image::new(to_w, to_h, PixelType::U8x3);
        let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
        Resizer::new().resize(&from, &mut to, &options).map_err(|e| failed(e.to_string()))?;
        RgbImage::from_raw(to_w, to_h, to.into_vec()).ok_or_else(|| failed("wrong buffer size".to_string()))?
    };
    let (width, height) = rgb.dimensions();
    Ok(CleanImage { bytes: jpeg(&rgb)?, extension: "jpg", width, height })
}

/// RGB pixels; transparent parts shown on white, as a browser shows them on a light page.
fn flattened(pixels: &DynamicImage) -> RgbImage {
    if !pixels.color().has_alpha() {
        return pixels.to_rgb8();
    }
    let rgba = pixels.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

/// Baseline JPEG (JFIF header only, no metadata segments), through libjpeg-turbo.
fn jpeg(rgb: &RgbImage) -> Result<Vec<u8>> {
    let failed = |e: turbojpeg::Error| Error::invalid("image", format!("cannot encode the photo: {e}"));
    let image = turbojpeg::Image {
        pixels: rgb.as_raw().as_slice(),
        width: rgb.width() as usize,
        pitch: rgb.width() as usize * 3,
        height: rgb.height() as usize,
        format: turbojpeg::PixelFormat::RGB,
    };
    let mut compressor = turbojpeg::Compressor::new().map_err(failed)?;
    compressor.set_quality(QUALITY).map_err(failed)?;
    compressor.set_subsamp(turbojpeg::Subsamp::Sub2x2).map_err(failed)?;
    compressor.compress_to_vec(image).map_err(failed)
}
