//! HTML article import: the nesting pre-check, then Readability (dom_smoothie over html5ever).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use walkout::ingest::article;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let now = chrono::DateTime::UNIX_EPOCH;
    let _ = article::from_html(Path::new("fuzz.html"), &html, &"0".repeat(64), now);
    let _ = article::from_text(Path::new("fuzz.md"), &html, &"0".repeat(64), now);
});
