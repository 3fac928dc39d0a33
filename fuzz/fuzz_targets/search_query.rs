//! The search query parser, and searching with what it parsed over a small real archive (the
//! demo record): any text is a query, answered or refused with a reason, never a crash.
#![no_main]

use std::sync::{Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;
use walkout::index::query::ParsedQuery;
use walkout::{Archive, SearchRequest, SortOrder};

struct Demo {
    _dir: tempfile::TempDir,
    archive: Archive,
}

static DEMO: OnceLock<Mutex<Demo>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let demo = DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut archive = Archive::create(&dir.path().join("archive")).expect("archive");
        walkout::demo::populate(&mut archive).expect("demo record");
        Mutex::new(Demo { _dir: dir, archive })
    });
    let demo = demo.lock().unwrap_or_else(|e| e.into_inner());
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let _ = ParsedQuery::parse(text);
    let sort = [SortOrder::Relevance, SortOrder::DateDesc, SortOrder::DateAsc, SortOrder::Title, SortOrder::Added]
        [usize::from(selector) % 5];
    let request = SearchRequest { sort, offset: usize::from(selector >> 4), ..SearchRequest::words(text) };
    if let Ok(results) = demo.archive.search(&request) {
        assert!(results.hits.len() as u64 <= results.total, "{text:?}: more hits than the total");
    }
});
