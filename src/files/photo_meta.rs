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
    let mut reader = exif::Reader::new();
    // Keep what can be read when one entry or sub-directory is broken, instead of losing it all.
    reader.continue_on_error(true);
    let read = match reader.read_from_container(&mut Cursor::new(bytes)) {
        // Some WebP and PNG writers put the JPEG APP1 `Exif\0\0` prefix before the TIFF header of
        // the EXIF chunk; kamadak-exif reads such a chunk as a bad byte order.
        Err(exif::Error::InvalidFormat(why)) => match prefixed_chunk(bytes) {
            Some(tiff) => reader.read_raw(tiff.to_vec()),
            None => Err(exif::Error::InvalidFormat(why)),
        },
        read => read,
    };
    let exif = match read {
        Ok(exif) => exif,
        Err(exif::Error::NotFound(_)) => return meta,
        Err(exif::Error::PartialResult(partial)) => {
            let (exif, errors) = partial.into_inner();
            // A sub-directory that points on to a next one (Pillow's exif_gps.jpg has such a GPS
            // directory) was still read whole; any other error may have cost entries.
            let lost: Vec<String> = errors
                .iter()
                .filter(|e| !matches!(e, exif::Error::InvalidFormat("Unexpected next IFD")))
                .map(ToString::to_string)
                .collect();
            if !lost.is_empty() {
                meta.warnings.push(format!("EXIF partly unreadable ({}); kept the rest", lost.join("; ")));
            }
            exif
        }
        // kamadak-exif scans a JPEG to its end marker, so this is how a cut-short file shows.
        Err(exif::Error::InvalidFormat(why)) if why.starts_with("Broken ") => {
            meta.warnings.push("the file ends early (cut short?); no camera data read".to_string());
            return meta;
        }
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

/// The TIFF data of a WebP `EXIF` or PNG `eXIf` chunk that starts with `Exif\0\0`.
fn prefixed_chunk(bytes: &[u8]) -> Option<&[u8]> {
    const PREFIX: &[u8] = b"Exif\0\0";
    let payload = if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        // RIFF chunks: 4-byte id, little-endian 4-byte size, data padded to an even length.
        let mut at = 12usize;
        loop {
            let header = bytes.get(at..at.checked_add(8)?)?;
            let size = u32::from_le_bytes(header[4..8].try_into().ok()?) as usize;
            let data = bytes.get(at + 8..(at + 8).checked_add(size)?)?;
            if &header[..4] == b"EXIF" {
                break data;
            }
            at = at + 8 + size + size % 2;
        }
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        // PNG chunks: big-endian 4-byte length, 4-byte type, data, 4-byte CRC.
        let mut at = 8usize;
        loop {
            let header = bytes.get(at..at.checked_add(8)?)?;
            let size = u32::from_be_bytes(header[..4].try_into().ok()?) as usize;
            let data = bytes.get(at + 8..(at + 8).checked_add(size)?)?;
            if &header[4..8] == b"eXIf" {
                break data;
            }
            if &header[4..8] == b"IEND" {
                return None;
            }
            at = at + 12 + size;
        }
    } else {
        return None;
    };
    payload.strip_prefix(PREFIX)
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
        (Some(Ok(lat)), None) => meta.warnings.push(format!("GPS latitude {lat} without a longitude; dropped")),
        (None, Some(Ok(lon))) => meta.warnings.push(format!("GPS longitude {lon} without a latitude; dropped")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A TIFF block holding only Orientation = 6.
    const TIFF: &[u8] = b"MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0";

    fn png_with_exif(payload: &[u8]) -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&(payload.len() as u32).to_be_bytes());
        png.extend_from_slice(b"eXIf");
        png.extend_from_slice(payload);
        png.extend_from_slice(&[0; 4]);
        png.extend_from_slice(b"\0\0\0\0IEND\xaeB`\x82");
        png
    }

    #[test]
    fn exif_chunks_are_read_with_or_without_the_jpeg_prefix() {
        let plain = read_exif(&png_with_exif(TIFF));
        assert_eq!(plain.orientation, Some(6));
        assert!(plain.warnings.is_empty(), "{:?}", plain.warnings);
        let prefixed = read_exif(&png_with_exif(&[b"Exif\0\0", TIFF].concat()));
        assert_eq!(prefixed, plain);
    }

    #[test]
    fn chunk_scans_stop_at_the_end_of_short_files() {
        let png = png_with_exif(&[b"Exif\0\0", TIFF].concat());
        for len in 0..png.len() {
            let _ = read_exif(&png[..len]);
            let _ = prefixed_chunk(&png[..len]);
        }
        assert_eq!(prefixed_chunk(b"RIFF\x0c\0\0\0WEBPEXIF\xff\xff\xff\xff"), None);
    }
}
