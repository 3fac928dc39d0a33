//! Turning a photo file into pixels, as few as a thumbnail needs. A decode is also the proof
//! that a photo is readable: a JPEG cut short in its image data has a whole header, and only
//! decoding its pixels shows that it is broken.
//!
//! JPEGs go through libjpeg-turbo (the `turbojpeg` crate), which decodes at 1/8, 1/4, 3/8 … of
//! the size, so a 12-megapixel photo is decoded straight to about the preview size; measured
//! here it is about twice as fast as `jpeg-decoder`'s scaled decode, and the only decoder of the
//! three tried that refuses a JPEG cut short in its image data while accepting the harmless
//! "extraneous bytes" that many cameras write (BENCHMARKS.md, "Photo import"). PNG, WebP and
//! TIFF go through the `image` crate, HEIC/HEIF through libheif. The pixel count a header
//! claims is checked before any pixel is decoded, so a decompression bomb costs nothing.

use std::io::Cursor;

use crate::ingest::sniff::FileKind;

/// Pixels decoded from a photo, 8-bit RGB, possibly at a reduced scale.
#[derive(Clone, Debug)]
pub struct Pixels {
    /// Row-major RGB bytes, `width * height * 3` of them.
    pub rgb: Vec<u8>,
    /// Width of `rgb`.
    pub width: u32,
    /// Height of `rgb`.
    pub height: u32,
}

/// A decoded photo: its size as stored and pixels at least `min_side` on their longest side
/// (or the whole image when it is smaller).
#[derive(Clone, Debug)]
pub struct Decoded {
    /// Width of the full image as stored.
    pub width: u32,
    /// Height of the full image as stored.
    pub height: u32,
    /// Whether the decoder already turned the pixels upright (HEIF applies its own rotation).
    pub upright: bool,
    /// The pixels.
    pub pixels: Pixels,
}

/// Why a photo gave no pixels.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The header claims more pixels than the import allows (a decompression bomb?).
    #[error(
        "the image claims {width}×{height} pixels ({} megapixels), over the limit of {} megapixels; not decoded",
        megapixels(*width, *height), max_pixels / 1_000_000
    )]
    TooManyPixels {
        /// Claimed width.
        width: u32,
        /// Claimed height.
        height: u32,
        /// The limit.
        max_pixels: u64,
    },
    /// The file is broken: cut short, corrupt, or not what its header says.
    #[error("not a readable {format} image: {reason}")]
    Unreadable {
        /// `jpeg`, `png` …
        format: &'static str,
        /// What the decoder said.
        reason: String,
    },
    /// The file may be fine, but no decoder here reads this variant of the format.
    #[error("no decoder for this {format} variant ({reason})")]
    Unsupported {
        /// `tiff`, `heif` …
        format: &'static str,
        /// What the decoder said.
        reason: String,
    },
}

fn megapixels(width: u32, height: u32) -> u64 {
    u64::from(width) * u64::from(height) / 1_000_000
}

fn check_pixels(width: u32, height: u32, max_pixels: u64) -> Result<(), DecodeError> {
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(DecodeError::TooManyPixels { width, height, max_pixels });
    }
    if width == 0 || height == 0 {
        return Err(DecodeError::Unreadable { format: "image", reason: format!("it is {width}×{height} pixels") });
    }
    Ok(())
}

/// Decodes a photo to pixels at least `min_side` on their longest side, refusing images over
/// `max_pixels` before decoding them.
pub fn decode(bytes: &[u8], kind: FileKind, min_side: u32, max_pixels: u64) -> Result<Decoded, DecodeError> {
    match kind {
        FileKind::Jpeg => decode_jpeg(bytes, min_side, max_pixels),
        FileKind::Heif => decode_heif(bytes, max_pixels),
        FileKind::Png => decode_with_image(bytes, image::ImageFormat::Png, "png", max_pixels),
        FileKind::Webp => decode_with_image(bytes, image::ImageFormat::WebP, "webp", max_pixels),
        FileKind::Tiff => decode_with_image(bytes, image::ImageFormat::Tiff, "tiff", max_pixels),
        other => Err(DecodeError::Unsupported { format: other.name(), reason: "not a photo".to_string() }),
    }
}

/// Width and height from a header alone, without decoding pixels.
pub fn dimensions(bytes: &[u8], kind: FileKind) -> Result<(u32, u32), DecodeError> {
    let unreadable = |reason: String| DecodeError::Unreadable { format: kind.name(), reason };
    match kind {
        FileKind::Jpeg => {
            let mut decompressor = turbojpeg::Decompressor::new().map_err(|e| unreadable(tj(&e)))?;
            let (header, _) = jpeg_header(&mut decompressor, bytes)?;
            Ok((header.width as u32, header.height as u32))
        }
        FileKind::Heif => {
            check_boxes(bytes)?;
            let context = libheif_rs::HeifContext::read_from_bytes(bytes).map_err(|e| heif_error(&e))?;
            let handle = context.primary_image_handle().map_err(|e| heif_error(&e))?;
            Ok((handle.width(), handle.height()))
        }
        _ => header_size(bytes, image_format(kind)).map_err(|e| image_error(kind.name(), e)),
    }
}

/// The size a header claims. No allocation limit here: the size is what the limit is checked
/// against, and a decoder refusing the header for its size would hide it.
fn header_size(bytes: &[u8], format: image::ImageFormat) -> image::ImageResult<(u32, u32)> {
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    reader.no_limits();
    reader.into_dimensions()
}

fn image_format(kind: FileKind) -> image::ImageFormat {
    match kind {
        FileKind::Png => image::ImageFormat::Png,
        FileKind::Webp => image::ImageFormat::WebP,
        FileKind::Tiff => image::ImageFormat::Tiff,
        _ => image::ImageFormat::Jpeg,
    }
}

/// The message of a TurboJPEG error without the crate's prefix.
fn tj(e: &turbojpeg::Error) -> String {
    match e {
        turbojpeg::Error::TurboJpegError(message) => message.clone(),
        other => other.to_string(),
    }
}

/// libjpeg-turbo reports recoverable oddities (stray bytes between segments, common in camera
/// and editor output) as errors after it has read past them; only those pass.
fn harmless(message: &str) -> bool {
    message.starts_with("Corrupt JPEG data:") && message.contains("extraneous bytes before marker")
}

/// The header of a JPEG; when stray bytes between its header segments made libjpeg-turbo
/// complain, also the JPEG without them (what libjpeg itself reads past).
fn jpeg_header(
    decompressor: &mut turbojpeg::Decompressor,
    bytes: &[u8],
) -> Result<(turbojpeg::DecompressHeader, Option<Vec<u8>>), DecodeError> {
    let unreadable = |reason: String| DecodeError::Unreadable { format: "jpeg", reason };
    match decompressor.read_header(bytes) {
        Ok(header) => Ok((header, None)),
        Err(e) if harmless(&tj(&e)) => {
            let cleaned = without_stray_bytes(bytes).ok_or_else(|| unreadable(tj(&e)))?;
            let header = decompressor.read_header(&cleaned).map_err(|e| unreadable(tj(&e)))?;
            Ok((header, Some(cleaned)))
        }
        Err(e) => Err(unreadable(tj(&e))),
    }
}

/// A JPEG's segments up to the start of its scan, with any bytes between them dropped, then the
/// rest unchanged. `None` when the segments do not add up.
fn without_stray_bytes(bytes: &[u8]) -> Option<Vec<u8>> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut out = bytes[..2].to_vec();
    let mut at = 2;
    loop {
        while *bytes.get(at)? != 0xFF || *bytes.get(at + 1)? == 0xFF {
            at += 1;
        }
        let marker = bytes[at + 1];
        match marker {
            0xDA => {
                out.extend_from_slice(&bytes[at..]);
                return Some(out);
            }
            0xD9 => return None,
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&bytes[at..at + 2]);
                at += 2;
            }
            _ => {
                let length = usize::from(u16::from_be_bytes([*bytes.get(at + 2)?, *bytes.get(at + 3)?]));
                let end = at.checked_add(2 + length)?;
                out.extend_from_slice(bytes.get(at..end)?);
                at = end;
            }
        }
    }
}

fn decode_jpeg(bytes: &[u8], min_side: u32, max_pixels: u64) -> Result<Decoded, DecodeError> {
    use turbojpeg::{Colorspace, Decompressor, Image, PixelFormat, ScalingFactor};
    let unreadable = |reason: String| DecodeError::Unreadable { format: "jpeg", reason };
    let mut decompressor = Decompressor::new().map_err(|e| unreadable(tj(&e)))?;
    let (header, cleaned) = jpeg_header(&mut decompressor, bytes)?;
    let bytes = cleaned.as_deref().unwrap_or(bytes);
    let (width, height) = (header.width as u32, header.height as u32);
    check_pixels(width, height, max_pixels)?;
    if matches!(header.colorspace, Colorspace::CMYK | Colorspace::YCCK) {
        // libjpeg-turbo cannot turn CMYK into RGB; the `image` crate can.
        return decode_with_image(bytes, image::ImageFormat::Jpeg, "jpeg", max_pixels);
    }
    // The smallest n/8 scale that still gives `min_side` pixels on the longest side.
    let factor = (1..=8)
        .map(|n| ScalingFactor::new(n, 8))
        .find(|f| {
            let scaled = header.scaled(*f);
            scaled.width.max(scaled.height) >= min_side as usize
        })
        .filter(|_| !header.is_lossless)
        .unwrap_or(ScalingFactor::ONE);
    decompressor.set_scaling_factor(factor).map_err(|e| unreadable(tj(&e)))?;
    let scaled = header.scaled(factor);
    let mut rgb = vec![0u8; scaled.width * scaled.height * 3];
    let image = Image {
        pixels: rgb.as_mut_slice(),
        width: scaled.width,
        pitch: scaled.width * 3,
        height: scaled.height,
        format: PixelFormat::RGB,
    };
    if let Err(e) = decompressor.decompress(bytes, image) {
        let message = tj(&e);
        // libjpeg-turbo reports recoverable oddities (stray bytes between segments, common in
        // camera and editor output) as errors after decoding every pixel; only those pass.
        if !harmless(&message) {
            let reason = if message.contains("Premature end") {
                "the image data is cut short (the file ends early)".to_string()
            } else {
                message
            };
            return Err(unreadable(reason));
        }
    }
    let pixels = Pixels { rgb, width: scaled.width as u32, height: scaled.height as u32 };
    Ok(Decoded { width, height, upright: false, pixels })
}

fn image_error(format: &'static str, e: image::ImageError) -> DecodeError {
    match e {
        image::ImageError::Unsupported(why) => DecodeError::Unsupported { format, reason: why.to_string() },
        other => DecodeError::Unreadable { format, reason: other.to_string() },
    }
}

fn decode_with_image(
    bytes: &[u8],
    format: image::ImageFormat,
    name: &'static str,
    max_pixels: u64,
) -> Result<Decoded, DecodeError> {
    let (width, height) = header_size(bytes, format).map_err(|e| image_error(name, e))?;
    check_pixels(width, height, max_pixels)?;
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    // Room for the pixels at 16 bits per channel with alpha, and the decoder's own buffers.
    limits.max_alloc = Some(max_pixels.saturating_mul(8).saturating_add(64 << 20));
    reader.limits(limits);
    let image = reader.decode().map_err(|e| image_error(name, e))?;
    let pixels = if image.color().has_alpha() { over_white(&image.into_rgba8()) } else { image.into_rgb8() };
    let (w, h) = pixels.dimensions();
    Ok(Decoded { width, height, upright: false, pixels: Pixels { rgb: pixels.into_raw(), width: w, height: h } })
}

/// Transparent parts shown on white, as a browser shows them on a light page.
fn over_white(rgba: &image::RgbaImage) -> image::RgbImage {
    image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

fn heif_error(e: &libheif_rs::HeifError) -> DecodeError {
    use libheif_rs::HeifErrorCode as Code;
    let reason = if e.message.is_empty() { format!("{:?}", e.code) } else { e.message.clone() };
    match e.code {
        Code::UnsupportedFeature | Code::UnsupportedFileType | Code::PluginLoadingError => {
            DecodeError::Unsupported { format: "heif", reason }
        }
        _ => DecodeError::Unreadable { format: "heif", reason },
    }
}

/// Checks that a HEIF file is a whole chain of ISO-BMFF boxes (size, four-letter type), so that
/// a file libheif cannot place is kept as an unusual variant only when it is one, not when it is
/// a header followed by damage or noise.
fn check_boxes(bytes: &[u8]) -> Result<(), DecodeError> {
    let broken = |reason: String| DecodeError::Unreadable { format: "heif", reason };
    let mut at = 0usize;
    while at < bytes.len() {
        let header = bytes.get(at..at + 8).ok_or_else(|| broken(format!("a box header is cut short at byte {at}")))?;
        let kind = &header[4..8];
        if !kind.iter().all(|b| b.is_ascii_alphanumeric() || *b == b' ') {
            return Err(broken(format!("the box at byte {at} has no type (damaged?)")));
        }
        let size = match u32::from_be_bytes(header[..4].try_into().expect("4 bytes")) {
            0 => bytes.len() - at,
            1 => {
                let large =
                    bytes.get(at + 8..at + 16).ok_or_else(|| broken(format!("the box at byte {at} is cut short")))?;
                usize::try_from(u64::from_be_bytes(large.try_into().expect("8 bytes"))).unwrap_or(usize::MAX)
            }
            n => n as usize,
        };
        if size < 8 || size > bytes.len() - at {
            return Err(broken(format!(
                "the {:?} box at byte {at} claims {size} bytes, {} are left (cut short or damaged)",
                String::from_utf8_lossy(kind),
                bytes.len() - at
            )));
        }
        at += size;
    }
    Ok(())
}

fn decode_heif(bytes: &[u8], max_pixels: u64) -> Result<Decoded, DecodeError> {
    use libheif_rs::{ColorSpace, HeifContext, RgbChroma};
    check_boxes(bytes)?;
    let context = HeifContext::read_from_bytes(bytes).map_err(|e| heif_error(&e))?;
    let handle = context.primary_image_handle().map_err(|e| heif_error(&e))?;
    let (width, height) = (handle.width(), handle.height());
    check_pixels(width, height, max_pixels)?;
    // libheif applies the file's own rotation and mirroring (irot/imir) while decoding.
    let image = handle.decode(ColorSpace::Rgb(RgbChroma::Rgb), None).map_err(|e| heif_error(&e))?;
    let planes = image.planes();
    let Some(plane) = planes.interleaved else {
        return Err(DecodeError::Unsupported { format: "heif", reason: "no interleaved RGB plane".to_string() });
    };
    let row = plane.width as usize * 3;
    let mut rgb = Vec::with_capacity(row * plane.height as usize);
    for y in 0..plane.height as usize {
        let start = y * plane.stride;
        let line = plane.data.get(start..start + row).ok_or_else(|| DecodeError::Unreadable {
            format: "heif",
            reason: "the decoded image is smaller than its header says".to_string(),
        })?;
        rgb.extend_from_slice(line);
    }
    Ok(Decoded { width, height, upright: true, pixels: Pixels { rgb, width: plane.width, height: plane.height } })
}
