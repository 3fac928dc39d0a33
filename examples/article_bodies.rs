//! Prints, one JSON object a line, what Walkout's importer extracts from each HTML file given:
//! `{"file", "body", "date", "date_rule", "encoding", "seconds"}`. `scripts/article_quality.py`
//! scores these against a ground truth, beside trafilatura's. It calls the engine's own
//! extraction (`walkout::ingest::article::from_html_bytes`), the same one `walkout import` runs.

use std::path::PathBuf;
use std::time::Instant;

use walkout::ItemDetails;

fn main() {
    let now = chrono::Utc::now();
    for path in std::env::args().skip(1).map(PathBuf::from) {
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                continue;
            }
        };
        let started = Instant::now();
        let parsed = walkout::ingest::article::from_html_bytes(&path, &bytes, &"0".repeat(64), now);
        let seconds = started.elapsed().as_secs_f64();
        let (body, date, rule, encoding) = match parsed {
            Ok(p) => (
                match p.item.details {
                    ItemDetails::Article(a) => a.body,
                    _ => String::new(),
                },
                p.item.date.map(|d| d.to_string()),
                p.date_rule.map(|r| r.as_str()),
                Some(p.encoding),
            ),
            Err(_) => (String::new(), None, None, None),
        };
        let line = serde_json::json!({
            "file": path.display().to_string(), "body": body, "date": date, "date_rule": rule,
            "encoding": encoding, "seconds": seconds,
        });
        println!("{line}");
    }
}
