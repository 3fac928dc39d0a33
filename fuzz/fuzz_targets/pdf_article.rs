//! PDF article import: lopdf parsing and pdf-extract's text layout.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use walkout::ingest::pdf;

fuzz_target!(|data: &[u8]| {
    let now = chrono::DateTime::UNIX_EPOCH;
    let _ = pdf::from_pdf(Path::new("fuzz.pdf"), data, &"0".repeat(64), now);
});
