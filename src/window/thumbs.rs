//! The window's only way to images: the two derived sizes of a stored photo of the open
//! archive, by hash — `thumb://localhost/<sha256>%2F<grid|preview>` — and nothing else: no
//! paths, no original files. Thumbnails are upright JPEGs without metadata. A plain archive
//! keeps them in `thumbs/`; an encrypted one keeps none on disk, so they are made in memory and
//! held in a small cache that is dropped with the archive.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::SharedArchive;
use crate::Result;
use crate::files::thumbs::ThumbSize;

/// At most this many bytes of thumbnails made in memory are kept.
const CACHE_BYTES: usize = 48 << 20;

/// Which thumbnail an address asks for: the photo's SHA-256 and the size; `None` for anything
/// that is not exactly a hash and a size.
pub fn parse_address(path: &str) -> Option<(String, ThumbSize)> {
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
pub struct MemoryCache {
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    jpegs: HashMap<Key, Arc<Vec<u8>>>,
    bytes: usize,
}

impl MemoryCache {
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

/// The thumbnail a window may see of the photo with hash `sha`. In the reading room (`room`)
/// only photos of public items are served, with their redaction boxes burned in; a hidden one
/// is `None`, as if there were no such photo.
pub fn for_window(shared: &SharedArchive, room: bool, sha: &str, size: ThumbSize) -> Result<Option<Arc<Vec<u8>>>> {
    let open = shared.open_archive()?;
    if room {
        return open.read(|archive| {
            let Some(item) = archive.item_with_file(sha)? else { return Ok(None) };
            let Ok(item) = archive.item_shown(true, item) else { return Ok(None) };
            Ok(Some(Arc::new(archive.public_jpeg(true, &item, sha, size)?)))
        });
    }
    let key = (sha.to_string(), size);
    if let Some(jpeg) = open.thumbs.get(&key) {
        return Ok(Some(jpeg));
    }
    let jpeg = Arc::new(open.read(|archive| archive.thumbnail_jpeg(sha, size))?);
    if open.is_encrypted() {
        open.thumbs.put(key, jpeg.clone());
    }
    Ok(Some(jpeg))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "9f2c4e1a9f2c4e1a9f2c4e1a9f2c4e1a9f2c4e1a9f2c4e1a9f2c4e1a9f2ce41a";

    #[test]
    fn addresses_name_a_hash_and_a_size() {
        assert_eq!(parse_address(&format!("/{SHA}%2Fgrid")), Some((SHA.to_string(), ThumbSize::Grid)));
        assert_eq!(parse_address(&format!("/{SHA}/preview")), Some((SHA.to_string(), ThumbSize::Preview)));
        assert_eq!(parse_address(&format!("/{}%2Fgrid", SHA.to_uppercase())), Some((SHA.to_string(), ThumbSize::Grid)));
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
            assert_eq!(parse_address(&path), None, "{path}");
        }
    }
}
