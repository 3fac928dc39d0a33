//! Prints, one JSON object a line, the article body Walkout's importer extracts from each HTML
//! file given: `{"file", "body", "seconds"}`. `scripts/article_quality.py` scores these bodies
//! against a ground truth, beside trafilatura's. It calls the engine's own extraction
//! (`walkout::ingest::article::from_html`), the same one `walkout import` runs.

use std::path::PathBuf;
use std::time::Instant;

use walkout::ItemDetails;

fn main() {
    let now = chrono::Utc::now();
    for path in std::env::args().skip(1).map(PathBuf::from) {
        let html = match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                continue;
            }
        };
        let started = Instant::now();
        let body = match walkout::ingest::article::from_html(&path, &html, &"0".repeat(64), now) {
            Ok(item) => match item.details {
                ItemDetails::Article(a) => a.body,
                _ => String::new(),
            },
            Err(_) => String::new(),
        };
        let seconds = started.elapsed().as_secs_f64();
        let line = serde_json::json!({ "file": path.display().to_string(), "body": body, "seconds": seconds });
        println!("{line}");
    }
}
