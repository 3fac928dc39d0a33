//! Searching while a large import runs, as the desktop app does: the import holds the writer,
//! and searches go to read-only handles (`src-tauri/src/state.rs`), here from three threads at
//! once. No search may fail, and every result must be consistent: each hit is an item of the
//! database, totals only grow, the facets add up to the total, and the index is never ahead of
//! the database. 20,000 quotes; 100,000 with `WALKOUT_LONG_CRASH` set (the opt-in long runs).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use walkout::ingest::ImportLimits;
use walkout::{Archive, ItemKind, SearchRequest, SortOrder};

use crate::common::*;
use crate::crash_kills::long_run;

/// What one searching thread did.
#[derive(Debug, Default)]
struct Searched {
    searches: u64,
    /// Searches that found a total between none and all (the import under way).
    partial: u64,
}

/// The requests a searching thread cycles through: every item, words, one quote's number,
/// filters, sort orders and pages.
fn requests(thread: usize, round: usize, quotes: usize) -> Vec<SearchRequest> {
    let number = (round * 7919 + thread * 104_729) % quotes;
    vec![
        SearchRequest { limit: 50, ..SearchRequest::words("") },
        SearchRequest::words("walked out together"),
        SearchRequest::words(format!("quote{number:06}")),
        SearchRequest { speaker: Some(format!("Student {}", number % 97)), ..SearchRequest::words("voice") },
        SearchRequest { place: Some("Chicago".into()), sort: SortOrder::DateAsc, ..SearchRequest::words("") },
        SearchRequest { kinds: vec![ItemKind::Quote], sort: SortOrder::Title, offset: 100, ..SearchRequest::words("") },
        SearchRequest { sort: SortOrder::Added, limit: 5, offset: number, ..SearchRequest::words("generated") },
    ]
}

fn search_while(root: &std::path::Path, importing: &AtomicBool, thread: usize, quotes: usize) -> Searched {
    let reader = Archive::open_read_only(root).expect("a reader opens while the import writes");
    let mut done = Searched::default();
    let mut last_total = vec![0u64; requests(0, 0, quotes).len()];
    let mut round = 0;
    while importing.load(Ordering::SeqCst) {
        for (which, request) in requests(thread, round, quotes).into_iter().enumerate() {
            let results =
                reader.search(&request).unwrap_or_else(|e| panic!("thread {thread}: {:?} failed: {e}", request.query));
            let expected_hits = (results.total as usize).saturating_sub(request.offset).min(request.limit.max(1));
            assert_eq!(
                results.hits.len(),
                expected_hits,
                "thread {thread}: {request:?}: a hit the database does not hold (total {})",
                results.total
            );
            let kinds: u64 = results.facets["kind"].values().sum();
            assert_eq!(kinds, results.total, "thread {thread}: {request:?}: the kind facet does not add up");
            // The words and filters are fixed per slot except the quote's number and pages.
            if !matches!(which, 2 | 3 | 6) {
                assert!(results.total >= last_total[which], "thread {thread}: {request:?}: the total shrank");
                last_total[which] = results.total;
            }
            if which == 2 {
                // Not imported yet, the number is searched as its nearest spellings.
                let words: Vec<&str> = match results.corrected.first() {
                    None => vec![request.query.as_str()],
                    Some(c) => c.nearest.iter().map(String::as_str).collect(),
                };
                assert!(results.total <= words.len() as u64, "one quote has each number: {results:?}");
                assert!(results.hits.iter().all(|h| words.iter().any(|w| h.title.contains(w))), "{:?}", results.hits);
            }
            if which == 0 {
                let items = reader.stats().unwrap().items;
                assert!(results.total <= items, "thread {thread}: the index is ahead: {} > {items}", results.total);
                if results.total > 0 && (results.total as usize) < quotes {
                    done.partial += 1;
                }
            }
            done.searches += 1;
        }
        round += 1;
        // A person types a search a few times a second, not thousands: leave the import cores.
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    done
}

#[test]
fn searches_from_three_threads_during_a_large_import_are_consistent() {
    let quotes = if long_run().is_some() { 100_000 } else { 20_000 };
    let dir = temp();
    let root = dir.path().join("archive");
    let mut writer = Archive::create(&root).unwrap();
    let folder = dir.path().join("incoming");
    for (n, start) in (0..quotes).step_by(1000).enumerate() {
        write(&folder.join(format!("sheet_{n:04}.jsonl")), quote_lines_of(start..quotes.min(start + 1000)));
    }
    let importing = AtomicBool::new(true);
    let started = Instant::now();
    let (report, searched) = std::thread::scope(|scope| {
        let (root, importing) = (&root, &importing);
        let searchers: Vec<_> = (0..3).map(|t| scope.spawn(move || search_while(root, importing, t, quotes))).collect();
        let report = writer.import_paths(
            std::slice::from_ref(&folder),
            ImportLimits::default(),
            &mut |_| {},
            &AtomicBool::new(false),
        );
        importing.store(false, Ordering::SeqCst);
        let searched: Vec<Searched> =
            searchers.into_iter().map(|s| s.join().expect("a searching thread failed")).collect();
        (report.unwrap(), searched)
    });
    eprintln!("{quotes} quotes imported in {:.1} s while searching: {searched:?}", started.elapsed().as_secs_f64());
    assert_eq!(report.added.len(), quotes);
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert!(searched.iter().all(|s| s.searches > 0), "every thread searched: {searched:?}");

    let reader = Archive::open_read_only(&root).unwrap();
    let all = reader.search(&SearchRequest::words("")).unwrap();
    assert_eq!(all.total as usize, quotes);
    let one = reader.search(&SearchRequest::words(format!("quote{:06}", quotes - 1))).unwrap();
    assert_eq!(one.total, 1);
    drop((reader, writer));
    assert_whole(&root);
}
