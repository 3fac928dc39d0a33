//! Photos: the original file is kept byte for byte; its EXIF gives the date, place, camera and
//! orientation, and a decode of its pixels gives its size and both thumbnails. The decode is the
//! proof that the photo is readable: a file whose pixels cannot be decoded is refused, except a
//! variant no decoder here reads (an unusual TIFF compression …), which is kept without a
//! preview and said so.

use std::path::Path;

use chrono::{DateTime, Utc};

use super::sniff::FileKind;
use crate::files::decode::{self, DecodeError};
use crate::files::photo_meta;
use crate::files::thumbs::{self, ThumbError, Thumbnails};
use crate::model::{Item, ItemDetails, PhotoDetails};

/// A photo read from a file: the item, warnings about values dropped, and its thumbnails
/// (`None` when no decoder reads this variant of the format).
#[derive(Debug)]
pub struct PhotoImport {
    /// The new photo item.
    pub item: Item,
    /// Values that were dropped or things the person should know (no preview …).
    pub warnings: Vec<String>,
    /// Encoded thumbnails, to be written to the archive's `thumbs/`.
    pub thumbnails: Option<Thumbnails>,
}

/// A photo item built from a file's bytes, decoded within `max_pixels`.
pub fn photo_item(
    path: &Path,
    bytes: &[u8],
    kind: FileKind,
    sha256: &str,
    now: DateTime<Utc>,
    max_pixels: u64,
) -> Result<PhotoImport, String> {
    let mut meta = photo_meta::read_exif(bytes);
    let (thumbnails, width, height) = match thumbs::render_grid(bytes, kind, meta.orientation, max_pixels) {
        Ok(t) => {
            let (w, h) = (t.width, t.height);
            (Some(t), Some(w), Some(h))
        }
        Err(ThumbError::Decode(DecodeError::Unsupported { format, reason })) => {
            meta.warnings.push(format!("kept without a preview: no decoder here reads this {format} ({reason})"));
            match decode::dimensions(bytes, kind) {
                Ok((w, h)) => (None, Some(w), Some(h)),
                Err(_) => (None, meta.width, meta.height),
            }
        }
        Err(e) => return Err(e.to_string()),
    };
    // The cut-short warning of the EXIF reader means nothing once every pixel decoded.
    if thumbnails.is_some() {
        meta.warnings.retain(|w| !w.contains("cut short"));
    }
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let title = file_name.clone().unwrap_or_else(|| "Photo".to_string());
    let mut item = Item::new(
        title,
        ItemDetails::Photo(PhotoDetails {
            sha256: sha256.to_string(),
            file_name,
            width,
            height,
            format: Some(kind.name().to_string()),
            taken_at: meta.taken_at.clone(),
            gps: meta.gps,
            camera: meta.camera.clone(),
            orientation: meta.orientation,
            caption: None,
        }),
        now,
    );
    item.date = meta.date.clone();
    Ok(PhotoImport { item, warnings: meta.warnings, thumbnails })
}
