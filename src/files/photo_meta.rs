//! What a photo file says about itself: pixel size and format from its header, and from EXIF
//! the time it was taken, where, with which camera, and which way up. Nonsense values (a
//! latitude of 4294967295) are dropped with a warning rather than failing the import.

use std::io::Cursor;

use exif::{Exif, In, Tag, Value};

use crate::date::EdtfDate;
use crate::model::Gps;

/// Metadata read from a photo.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PhotoMeta {
    /// Pixel width as stored.
    pub width: Option<u32>,
    /// Pixel height as stored.
    pub height: Option<u32>,
    /// When it was taken: RFC 3339 with the offset when the camera recorded one.
    pub taken_at: Option<String>,
    /// The day it was taken, as an item date.
    pub date: Option<EdtfDate>,
    /// Where it was taken.
    pub gps: Option<Gps>,
    /// Camera make and model.
    pub camera: Option<String>,
    /// EXIF orientation 1–8.
    pub orientation: Option<u16>,
    /// Values that were present but made no sense, and were dropped.
    pub warnings: Vec<String>,
}

/// Reads EXIF from any container kamadak-exif understands (JPEG, TIFF, PNG, WebP, HEIF).
/// A file without EXIF gives empty metadata, not an error.
pub fn read_exif(bytes: &[u8]) -> PhotoMeta {
    let mut meta = PhotoMeta::default();
    let exif = match exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) {
        Ok(exif) => exif,
        Err(exif::Error::NotFound(_)) => return meta,
        Err(e) => {
            meta.warnings.push(format!("EXIF unreadable ({e}); no camera data kept"));
            return meta;
        }
    };
    meta.orientation =
        uint(&exif, Tag::Orientation).and_then(|o| u16::try_from(o).ok()).filter(|o| (1..=8).contains(o));
    meta.camera = camera(&exif);
    read_time(&exif, &mut meta);
    read_gps(&exif, &mut meta);
    meta.width = uint(&exif, Tag::PixelXDimension);
    meta.height = uint(&exif, Tag::PixelYDimension);
    meta
}

fn uint(exif: &Exif, tag: Tag) -> Option<u32> {
    exif.get_field(tag, In::PRIMARY).and_then(|f| f.value.get_uint(0))
}

fn ascii(exif: &Exif, tag: Tag) -> Option<String> {
    match &exif.get_field(tag, In::PRIMARY)?.value {
        Value::Ascii(parts) => {
            let s = String::from_utf8_lossy(parts.first()?)
                .trim_matches(|c: char| c == '\0' || c.is_whitespace())
                .to_string();
            (!s.is_empty()).then_some(s)
        }
        _ => None,
    }
}

fn camera(exif: &Exif) -> Option<String> {
    let make = ascii(exif, Tag::Make);
    let model = ascii(exif, Tag::Model);
    match (make, model) {
        // Many models already start with the make ("Canon EOS 40D").
        (Some(make), Some(model)) if model.to_lowercase().starts_with(&make.to_lowercase()) => Some(model),
        (Some(make), Some(model)) => Some(format!("{make} {model}")),
        (make, model) => make.or(model),
    }
}

fn read_time(exif: &Exif, meta: &mut PhotoMeta) {
    let Some(raw) = ascii(exif, Tag::DateTimeOriginal).or_else(|| ascii(exif, Tag::DateTime)) else { return };
    let Ok(mut dt) = exif::DateTime::from_ascii(raw.as_bytes()) else {
        meta.warnings.push(format!("camera date {raw:?} is not a date; ignored"));
        return;
    };
    if let Some(offset) = ascii(exif, Tag::OffsetTimeOriginal).or_else(|| ascii(exif, Tag::OffsetTime)) {
        let _ = dt.parse_offset(offset.as_bytes());
    }
    let Some(day) = chrono::NaiveDate::from_ymd_opt(dt.year.into(), dt.month.into(), dt.day.into()) else {
        meta.warnings.push(format!("camera date {raw:?} is not a calendar date; ignored"));
        return;
    };
    let time = format!("{day}T{:02}:{:02}:{:02}", dt.hour, dt.minute, dt.second);
    meta.taken_at = Some(match dt.offset {
        Some(minutes) => {
            let sign = if minutes < 0 { '-' } else { '+' };
            format!("{time}{sign}{:02}:{:02}", minutes.abs() / 60, minutes.abs() % 60)
        }
        None => time,
    });
    meta.date = day.format("%Y-%m-%d").to_string().parse().ok();
}

fn read_gps(exif: &Exif, meta: &mut PhotoMeta) {
    let coordinate = |tag: Tag, ref_tag: Tag, negative: &str| -> Option<Result<f64, String>> {
        let field = exif.get_field(tag, In::PRIMARY)?;
        let Value::Rational(parts) = &field.value else { return Some(Err(format!("{tag} is not a number"))) };
        if parts.is_empty() || parts.iter().any(|r| r.denom == 0) {
            return Some(Err(format!("{tag} is {}", field.display_value())));
        }
        let mut degrees = 0.0;
        for (part, scale) in parts.iter().zip([1.0, 60.0, 3600.0]) {
            degrees += part.to_f64() / scale;
        }
        let reference = ascii(exif, ref_tag).unwrap_or_default();
        if reference.eq_ignore_ascii_case(negative) {
            degrees = -degrees;
        }
        Some(Ok(degrees))
    };
    let lat = coordinate(Tag::GPSLatitude, Tag::GPSLatitudeRef, "S");
    let lon = coordinate(Tag::GPSLongitude, Tag::GPSLongitudeRef, "W");
    match (lat, lon) {
        (Some(Ok(lat)), Some(Ok(lon))) => match Gps::checked(lat, lon) {
            Some(gps) => meta.gps = Some(gps),
            None => meta.warnings.push(format!("GPS position {lat}, {lon} is not on Earth; dropped")),
        },
        (None, None) => {}
        (Some(Err(e)), _) | (_, Some(Err(e))) => meta.warnings.push(format!("GPS dropped: {e}")),
        _ => meta.warnings.push("GPS has only one coordinate; dropped".to_string()),
    }
}
