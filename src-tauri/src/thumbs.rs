//! The `thumb:` protocol: the window's only way to images. It serves the two derived sizes of
//! a stored photo of the open archive, by hash — `thumb://localhost/<sha256>%2F<grid|preview>`
//! (`http://thumb.localhost/…` on Windows) — and nothing else: no paths, no original files.
//! Thumbnails are upright JPEGs without metadata. A plain archive keeps them in `thumbs/`; an
//! encrypted one keeps none on disk, so they are made in memory and held in a small cache that
//! is dropped with the archive.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tauri::http::{Response, StatusCode, header};
use walkout::files::thumbs::ThumbSize;

use crate::privacy::{public_jpeg, visible_in};
use crate::room::ReadingRoom;
use crate::state::ArchiveState;

/// The scheme the UI builds its image URLs with (`convertFileSrc(path, "thumb")`).
pub const SCHEME: &str = "thumb";

/// At most this many bytes of thumbnails made in memory are kept.
const CACHE_BYTES: usize = 48 << 20;

/// Which thumbnail a request asks for: the photo's SHA-256 and the size.
pub fn parse(path: &str) -> Option<(String, ThumbSize)> {
    let path = percent_decode(path.trim_start_matches('/'))?;
    let (sha, size) = path.split_once('/')?;
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let size = match size {
        "grid" => ThumbSize::Grid,
        "preview" => ThumbSize::Preview,
        _ => return None,
    };
    Some((sha.to_ascii_lowercase(), size))
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

type Key = (String, ThumbSize);

/// Thumbnails made in memory (encrypted archives), by hash and size.
#[derive(Default)]
pub struct Cache {
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    jpegs: HashMap<Key, Arc<Vec<u8>>>,
    bytes: usize,
}

impl Cache {
    fn get(&self, key: &Key) -> Option<Arc<Vec<u8>>> {
        self.entries.lock().ok()?.jpegs.get(key).cloned()
    }

    fn put(&self, key: Key, jpeg: Arc<Vec<u8>>) {
        let Ok(mut entries) = self.entries.lock() else { return };
        if entries.bytes + jpeg.len() > CACHE_BYTES {
            *entries = Entries::default();
        }
        entries.bytes += jpeg.len();
        entries.jpegs.insert(key, jpeg);
    }
}

/// Answers one request of the `thumb:` protocol. In the reading room only photos of public
/// items are served, with their redaction boxes burned in.
pub fn respond(state: &ArchiveState, reading_room: &ReadingRoom, path: &str) -> Response<Vec<u8>> {
    let Some((sha, size)) = parse(path) else {
        return plain(StatusCode::BAD_REQUEST, "not a thumbnail address");
    };
    let state = match state.open_archive() {
        Ok(open) => open,
        Err(e) => return plain(StatusCode::FORBIDDEN, &e.message),
    };
    if reading_room.on() {
        let public = state.read(|archive| {
            let Some(item) = archive.item_with_file(&sha)? else {
                return Ok(None);
            };
            let Ok(item) = visible_in(reading_room, archive, item) else {
                return Ok(None);
            };
            public_jpeg(true, archive, &item, &sha, size).map(Some)
        });
        return match public {
            Ok(Some(jpeg)) => jpeg_response(jpeg),
            // Hidden: as if there were no such photo.
            Ok(None) => plain(StatusCode::NOT_FOUND, "no such photo"),
            Err(e) if e.code == "no_preview" => plain(StatusCode::NOT_FOUND, &e.message),
            Err(e) => plain(StatusCode::INTERNAL_SERVER_ERROR, &e.message),
        };
    }
    let key = (sha, size);
    let cached = state.thumbs.get(&key);
    let jpeg = match cached {
        Some(jpeg) => Ok(jpeg),
        None => state.read(|archive| archive.thumbnail_jpeg(&key.0, size)).map(|jpeg| {
            let jpeg = Arc::new(jpeg);
            if state.is_encrypted() {
                state.thumbs.put(key.clone(), jpeg.clone());
            }
            jpeg
        }),
    };
    match jpeg {
        Ok(jpeg) => jpeg_response(jpeg.as_ref().clone()),
        Err(e) if e.code == "no_preview" => plain(StatusCode::NOT_FOUND, &e.message),
        Err(e) => plain(StatusCode::INTERNAL_SERVER_ERROR, &e.message),
    }
}

/// A thumbnail, never kept by the webview's cache: its disk cache would hold an encrypted
/// archive's pictures in plaintext, and a plain archive's after they were deleted or purged.
fn jpeg_response(jpeg: Vec<u8>) -> Response<Vec<u8>> {
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "image/jpeg")
        .header(header::CACHE_CONTROL, "no-store")
        .body(jpeg)
        .expect("a valid response")
}

fn plain(status: StatusCode, message: &str) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(message.as_bytes().to_vec())
        .expect("a valid response")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "9f2c4e1a9f2c4e1a9f2c4e1a9f2c4e1a9f2c4e1a9f2c4e1a9f2c4e1a9f2ce41a";

    #[test]
    fn thumbnails_are_never_cached_by_the_webview() {
        let response = jpeg_response(vec![0xff, 0xd8]);
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    }

    #[test]
    fn addresses_name_a_hash_and_a_size() {
        assert_eq!(parse(&format!("/{SHA}%2Fgrid")), Some((SHA.to_string(), ThumbSize::Grid)));
        assert_eq!(parse(&format!("/{SHA}/preview")), Some((SHA.to_string(), ThumbSize::Preview)));
        assert_eq!(parse(&format!("/{}%2Fgrid", SHA.to_uppercase())), Some((SHA.to_string(), ThumbSize::Grid)));
    }

    #[test]
    fn anything_else_is_refused() {
        for path in [
            "/".to_string(),
            format!("/{SHA}"),
            format!("/{SHA}%2Foriginal"),
            format!("/{SHA}%2Fgrid%2F.."),
            "/..%2F..%2Fetc%2Fpasswd%2Fgrid".to_string(),
            format!("/{}%2Fgrid", &SHA[..63]),
            format!("/{}g%2Fgrid", &SHA[..63]),
            format!("/{SHA}%2"),
        ] {
            assert_eq!(parse(&path), None, "{path}");
        }
    }
}
