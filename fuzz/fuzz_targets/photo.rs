//! Photo import: EXIF reading and decoding (JPEG, PNG, WebP, TIFF, HEIF), as a file's bytes reach
//! them. The kind comes from sniffing, as in an import; the pixel limit is low so that a valid
//! huge image is refused rather than decoded (decoding it is not what is tested here).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use walkout::files::photo_meta;
use walkout::ingest::{photo, sniff};

fuzz_target!(|data: &[u8]| {
    let _ = photo_meta::read_exif(data);
    let Ok(kind) = sniff::sniff(Path::new("fuzz.jpg"), &data[..data.len().min(4096)]) else { return };
    if kind.is_photo() {
        let now = chrono::DateTime::UNIX_EPOCH;
        let _ = photo::photo_item(Path::new("fuzz.jpg"), data, kind, &"0".repeat(64), now, 4_000_000);
    }
});
