//! Regression tests for what `scripts/fuzz.sh` found, each named after its finding.

use walkout::{SearchRequest, SortOrder};

use crate::common::{demo_archive, temp};

/// The fuzzer's input (target `search_query`, selector byte dropped): a phrase, excluded, whose
/// first match lies after the first candidate. Tantivy's phrase scorer was asked about a
/// document behind it, which panics in a debug build.
const FOUND: &[u8] = b"\x22 -\x00\x00\x00\x13t\x00out ";

#[test]
fn an_excluded_phrase_whose_first_match_comes_later_neither_panics_nor_miscounts() {
    let dir = temp();
    let (_, archive) = demo_archive(dir.path());
    let found = std::str::from_utf8(FOUND).unwrap();
    for query in [found, "walk -\"t out\"", "walk -\"out t\""] {
        for sort in [SortOrder::Relevance, SortOrder::DateDesc, SortOrder::Title] {
            let results = archive.search(&SearchRequest { sort, ..SearchRequest::words(query) }).unwrap();
            assert!(results.hits.len() as u64 <= results.total, "{query:?}");
        }
    }
    // Excluding a phrase splits the matches of the other words exactly in two.
    let total = |q: &str| archive.search(&SearchRequest::words(q)).unwrap().total;
    let (all, with, without) = (total("students"), total("students \"walk out\""), total("students -\"walk out\""));
    assert!(with > 0 && without > 0, "the demo record has both: {with} with, {without} without");
    assert_eq!(with + without, all, "{with} + {without} != {all}");
}
