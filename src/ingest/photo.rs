//! Photos: the original file is kept byte for byte; its header gives the pixel size, its EXIF
//! the date, place, camera and orientation.

use std::io::Cursor;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::sniff::FileKind;
use crate::files::photo_meta;
use crate::model::{Item, ItemDetails, PhotoDetails};

/// A photo item built from a file's bytes, with warnings about values that were dropped.
pub fn photo_item(
    path: &Path,
    bytes: &[u8],
    kind: FileKind,
    sha256: &str,
    now: DateTime<Utc>,
) -> Result<(Item, Vec<String>), String> {
    let meta = photo_meta::read_exif(bytes);
    let (width, height) = match image_format(kind) {
        Some(format) => {
            let reader = image::ImageReader::with_format(Cursor::new(bytes), format);
            let (w, h) = reader.into_dimensions().map_err(|e| format!("not a readable {} image: {e}", kind.name()))?;
            (Some(w), Some(h))
        }
        None => (meta.width, meta.height),
    };
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
    Ok((item, meta.warnings))
}

fn image_format(kind: FileKind) -> Option<image::ImageFormat> {
    match kind {
        FileKind::Jpeg => Some(image::ImageFormat::Jpeg),
        FileKind::Png => Some(image::ImageFormat::Png),
        FileKind::Webp => Some(image::ImageFormat::WebP),
        _ => None,
    }
}
