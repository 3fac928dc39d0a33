//! Thumbnails: for every photo a grid thumbnail (320 px on its longest side) and a preview
//! (1600 px), JPEG, in `<archive>/thumbs/<sha256>-grid.jpg` and `-preview.jpg`. They are derived
//! from the original file and safe to delete: `Archive::thumbnail` makes them again on demand.
//!
//! The pixels are turned upright (EXIF orientation applied) so every viewer shows them the same
//! way, and the files carry no metadata at all: a thumbnail never leaks the GPS position or the
//! camera of the original. One decode (at a reduced scale where the format allows) feeds both
//! sizes; the preview is resized from the decode and the grid thumbnail from the preview.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::metadata::Orientation;

use super::decode::{self, DecodeError, Decoded, Pixels};
use crate::ingest::sniff::FileKind;

/// JPEG quality of thumbnails: small files, no visible blocking at their size.
const QUALITY: i32 = 82;
/// How a thumbnail being written is named until it is complete.
const TEMP_PREFIX: &str = ".tmp-thumb-";

/// The sizes of derived image made for each photo.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ThumbSize {
    /// 320 px on the longest side, for grids of results.
    Grid,
    /// 1600 px on the longest side, for viewing one photo.
    Preview,
}

impl ThumbSize {
    /// Both sizes, largest first (the order they are made in).
    pub const ALL: [ThumbSize; 2] = [ThumbSize::Preview, ThumbSize::Grid];

    /// The longest side in pixels.
    pub fn longest_side(self) -> u32 {
        match self {
            ThumbSize::Grid => 320,
            ThumbSize::Preview => 1600,
        }
    }

    /// The file name of this size of the photo with hash `sha256`.
    pub fn file_name(self, sha256: &str) -> String {
        let size = match self {
            ThumbSize::Grid => "grid",
            ThumbSize::Preview => "preview",
        };
        format!("{sha256}-{size}.jpg")
    }
}

/// Why thumbnails could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ThumbError {
    /// The photo gave no pixels.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// Resizing or encoding failed.
    #[error("cannot make a thumbnail: {0}")]
    Encode(String),
    /// Writing the thumbnail failed.
    #[error("cannot write thumbnail {path}: {source}")]
    Write {
        /// The thumbnail file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
}

/// Encoded thumbnails of one photo, in the order of [`ThumbSize::ALL`].
#[derive(Clone, Debug)]
pub struct Thumbnails {
    /// `(size, JPEG bytes)` for each size.
    pub jpegs: Vec<(ThumbSize, Vec<u8>)>,
    /// The photo's full width as stored.
    pub width: u32,
    /// The photo's full height as stored.
    pub height: u32,
}

/// Decodes a photo and makes both thumbnails, turned upright by `orientation` (EXIF 1–8).
pub fn render(
    bytes: &[u8],
    kind: FileKind,
    orientation: Option<u16>,
    max_pixels: u64,
) -> Result<Thumbnails, ThumbError> {
    let decoded = decode::decode(bytes, kind, ThumbSize::Preview.longest_side(), max_pixels)?;
    render_decoded(decoded, orientation, &ThumbSize::ALL)
}

/// Decodes a photo and makes only its grid thumbnail, which is what an import needs: a JPEG
/// is then decoded at 1/4 or 1/8 of its size (a 1600 px preview allows 1/2 at most), about
/// four times faster. The preview is made on first view ([`Archive::thumbnail`]). Decoding
/// every block of the file still proves it readable.
///
/// [`Archive::thumbnail`]: crate::archive::Archive::thumbnail
pub fn render_grid(
    bytes: &[u8],
    kind: FileKind,
    orientation: Option<u16>,
    max_pixels: u64,
) -> Result<Thumbnails, ThumbError> {
    let decoded = decode::decode(bytes, kind, ThumbSize::Grid.longest_side(), max_pixels)?;
    render_decoded(decoded, orientation, &[ThumbSize::Grid])
}

/// Makes thumbnails of the given sizes (largest first) from decoded pixels.
pub fn render_decoded(
    decoded: Decoded,
    orientation: Option<u16>,
    sizes: &[ThumbSize],
) -> Result<Thumbnails, ThumbError> {
    let Decoded { width, height, upright, pixels } = decoded;
    let orientation = if upright { None } else { orientation.and_then(|o| Orientation::from_exif(o as u8)) };
    let mut resizer = Resizer::new();
    let mut jpegs = Vec::with_capacity(sizes.len());
    let mut source = pixels;
    for &size in sizes {
        source = shrink(&mut resizer, source, size.longest_side())?;
        let upright = turn(&source, orientation);
        jpegs.push((size, encode(&upright)?));
    }
    Ok(Thumbnails { jpegs, width, height })
}

/// Pixels scaled down to `longest` on their longest side (never up).
fn shrink(resizer: &mut Resizer, pixels: Pixels, longest: u32) -> Result<Pixels, ThumbError> {
    let (w, h) = (pixels.width, pixels.height);
    if w.max(h) <= longest {
        return Ok(pixels);
    }
    let scale = f64::from(longest) / f64::from(w.max(h));
    let to_w = ((f64::from(w) * scale).round() as u32).clamp(1, longest);
    let to_h = ((f64::from(h) * scale).round() as u32).clamp(1, longest);
    let from = Image::from_vec_u8(w, h, pixels.rgb, PixelType::U8x3).map_err(|e| ThumbError::Encode(e.to_string()))?;
    let mut to = Image::new(to_w, to_h, PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Bilinear));
    resizer.resize(&from, &mut to, &options).map_err(|e| ThumbError::Encode(e.to_string()))?;
    Ok(Pixels { rgb: to.into_vec(), width: to_w, height: to_h })
}

/// The pixels as a person should see them.
fn turn(pixels: &Pixels, orientation: Option<Orientation>) -> Pixels {
    let Some(orientation) = orientation.filter(|o| *o != Orientation::NoTransforms) else { return pixels.clone() };
    let buffer = image::RgbImage::from_raw(pixels.width, pixels.height, pixels.rgb.clone())
        .expect("an RGB buffer of width × height × 3 bytes");
    let mut image = image::DynamicImage::ImageRgb8(buffer);
    image.apply_orientation(orientation);
    let rgb = image.into_rgb8();
    Pixels { width: rgb.width(), height: rgb.height(), rgb: rgb.into_raw() }
}

/// Baseline JPEG with no metadata segments at all.
fn encode(pixels: &Pixels) -> Result<Vec<u8>, ThumbError> {
    let image = turbojpeg::Image {
        pixels: pixels.rgb.as_slice(),
        width: pixels.width as usize,
        pitch: pixels.width as usize * 3,
        height: pixels.height as usize,
        format: turbojpeg::PixelFormat::RGB,
    };
    let mut compressor = turbojpeg::Compressor::new().map_err(|e| ThumbError::Encode(e.to_string()))?;
    compressor.set_quality(QUALITY).map_err(|e| ThumbError::Encode(e.to_string()))?;
    compressor.set_subsamp(turbojpeg::Subsamp::Sub2x2).map_err(|e| ThumbError::Encode(e.to_string()))?;
    compressor.compress_to_vec(image).map_err(|e| ThumbError::Encode(e.to_string()))
}

/// Writes thumbnails into `dir` (temp file then rename, so a reader never sees half a file).
/// Removes temp files a crash left in the thumbnail folder mid-write; returns how many.
pub fn sweep_temp_files(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(TEMP_PREFIX))
        .filter(|e| fs::remove_file(e.path()).is_ok())
        .count()
}

pub fn write(dir: &Path, sha256: &str, thumbnails: &Thumbnails) -> Result<(), ThumbError> {
    fs::create_dir_all(dir).map_err(|source| ThumbError::Write { path: dir.to_path_buf(), source })?;
    for (size, jpeg) in &thumbnails.jpegs {
        let path = dir.join(size.file_name(sha256));
        let mut temp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir)
            .map_err(|source| ThumbError::Write { path: path.clone(), source })?;
        temp.write_all(jpeg).map_err(|source| ThumbError::Write { path: path.clone(), source })?;
        temp.persist(&path).map_err(|e| ThumbError::Write { path: path.clone(), source: e.error })?;
    }
    Ok(())
}

impl crate::archive::Archive {
    /// The thumbnail of size `size` of the stored photo with hash `sha256`, made (with the
    /// other size) if it is missing: an import makes only the grid thumbnail, the preview is
    /// made here on first view. An encrypted archive keeps no thumbnails on disk: use
    /// [`Archive::thumbnail_jpeg`](crate::archive::Archive::thumbnail_jpeg) there.
    pub fn thumbnail(&self, sha256: &str, size: ThumbSize) -> crate::Result<PathBuf> {
        let path = self.thumbs_dir().join(size.file_name(sha256));
        if path.is_file() {
            return Ok(path);
        }
        if self.files().is_encrypted() {
            return Err(crate::Error::NoPreview {
                sha256: sha256.to_string(),
                reason: "an encrypted archive keeps no thumbnails on disk".to_string(),
            });
        }
        let thumbnails = self.render_thumbnails(sha256)?;
        write(&self.thumbs_dir(), sha256, &thumbnails)
            .map_err(|e| crate::Error::NoPreview { sha256: sha256.to_string(), reason: e.to_string() })?;
        Ok(path)
    }

    /// The JPEG bytes of a thumbnail, read from `thumbs/` or made in memory.
    pub fn thumbnail_jpeg(&self, sha256: &str, size: ThumbSize) -> crate::Result<Vec<u8>> {
        if !self.files().is_encrypted() {
            let path = self.thumbnail(sha256, size)?;
            return fs::read(&path).map_err(|e| crate::Error::io(&path, e));
        }
        let thumbnails = self.render_thumbnails(sha256)?;
        let jpeg = thumbnails.jpegs.into_iter().find(|(s, _)| *s == size).map(|(_, jpeg)| jpeg);
        Ok(jpeg.expect("render makes every size"))
    }

    fn render_thumbnails(&self, sha256: &str) -> crate::Result<Thumbnails> {
        let no_preview = |reason: String| crate::Error::NoPreview { sha256: sha256.to_string(), reason };
        if !self.files().contains(sha256) {
            return Err(no_preview("no such file is stored".to_string()));
        }
        let bytes = self.files().read(sha256)?;
        let kind = crate::ingest::sniff::sniff(Path::new(""), &bytes[..bytes.len().min(4096)]).map_err(no_preview)?;
        if !kind.is_photo() {
            return Err(no_preview(format!("it is a {} file, not a photo", kind.name())));
        }
        let orientation = super::photo_meta::read_exif(&bytes).orientation;
        let max_pixels = crate::ingest::ImportLimits::default().max_pixels;
        render(&bytes, kind, orientation, max_pixels).map_err(|e| no_preview(e.to_string()))
    }
}
