//! Search as a student uses it: stems, accents, phrases, prefixes, typos, snippets, facets,
//! filters, sorting and paging — and no stale hits after edits and deletes.

use std::sync::atomic::AtomicBool;

use walkout::ingest::ImportLimits;
use walkout::{Archive, ItemKind, SearchRequest, SearchResults, SortOrder};

use crate::common::*;

fn search(archive: &Archive, query: &str) -> SearchResults {
    archive.search(&SearchRequest { limit: 50, ..SearchRequest::words(query) }).unwrap()
}

fn titles(results: &SearchResults) -> Vec<String> {
    results.hits.iter().map(|h| h.title.clone()).collect()
}

fn archive_with_sample(dir: &std::path::Path) -> Archive {
    let (_, mut archive) = demo_archive(dir);
    let report = archive
        .import_paths(
            &[data("quotes/fortunes-sample.jsonl")],
            ImportLimits::default(),
            &mut |_| {},
            &AtomicBool::new(false),
        )
        .unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert!(report.added.len() > 300);
    archive
}

fn add_quote(archive: &mut Archive, text: &str, lang: &str) -> walkout::Id {
    let mut item = walkout::Item::quote(text, archive.now());
    item.language = Some(lang.to_string());
    archive.add_item(item).unwrap()
}

#[test]
fn english_and_spanish_words_match_their_inflections() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    add_quote(&mut archive, "We walked out of every classroom", "en");
    add_quote(&mut archive, "Los estudiantes marcharon con sus corazones abiertos", "es");
    assert!(titles(&search(&archive, "walking")).iter().any(|t| t.contains("walked out of every")));
    assert!(titles(&search(&archive, "corazón")).iter().any(|t| t.contains("corazones abiertos")));
    assert!(titles(&search(&archive, "estudiante")).iter().any(|t| t.contains("corazones abiertos")));
}

#[test]
fn case_and_accents_never_hide_a_match() {
    let dir = temp();
    let archive = archive_with_sample(dir.path());
    for query in ["Jose ", "JOSÉ ", "josé "] {
        let results = search(&archive, query);
        assert!(results.total >= 5, "{query}");
        assert!(results.hits.iter().all(|h| h.snippet.contains("<mark>José</mark>")), "{query}: {:?}", results.hits);
    }
    // Still typing: longer names that start the same way come too, after the exact ones.
    let typing = search(&archive, "Jose");
    let first_other = typing.hits.iter().position(|h| !h.snippet.contains("<mark>José</mark>")).unwrap();
    assert!(typing.hits[first_other..].iter().all(|h| !h.snippet.contains("<mark>José</mark>")));
    assert!(typing.hits[first_other].snippet.contains("<mark>Jose"), "{:?}", typing.hits[first_other]);
}

#[test]
fn a_quoted_phrase_matches_only_those_words_in_that_order() {
    let dir = temp();
    let (_, archive) = demo_archive(dir.path());
    let hits = titles(&search(&archive, "\"belong to us\""));
    assert_eq!(hits, vec!["The Twin Cities belong to us. It doesn't belong to them."]);
    assert_eq!(search(&archive, "\"us belong to\"").total, 0);
}

#[test]
fn the_last_word_matches_as_a_prefix_while_typing() {
    let dir = temp();
    let (_, archive) = demo_archive(dir.path());
    let typing = search(&archive, "pursue your educat");
    assert_eq!(typing.total, 1);
    assert!(typing.hits[0].snippet.contains("<mark>education</mark>"), "{}", typing.hits[0].snippet);
    // A finished word (followed by a space) is not a prefix any more.
    assert_eq!(search(&archive, "educat ").total, 0);
}

#[test]
fn a_typo_finds_the_word_and_says_what_it_searched() {
    let dir = temp();
    let (_, archive) = demo_archive(dir.path());
    let results = search(&archive, "walkuot");
    assert!(results.total >= 5, "{}", results.total);
    assert_eq!(results.corrected.len(), 1);
    assert_eq!(results.corrected[0].word, "walkuot");
    assert!(results.corrected[0].nearest.contains(&"walkout".to_string()));
    assert!(results.hits.iter().all(|h| h.snippet.contains("<mark>")), "{:?}", results.hits);
    assert_eq!(
        search(&archive, "intimidaton").hits[0].title.split_whitespace().take(3).collect::<Vec<_>>(),
        ["It's", "the", "threat"]
    );
}

#[test]
fn the_snippet_shows_the_field_that_matched() {
    let dir = temp();
    let (_, archive) = demo_archive(dir.path());
    let results = search(&archive, "slogan");
    let ice = results.hits.iter().find(|h| h.title == "ICE Out!").expect("ICE Out! quote");
    assert_eq!(ice.snippet_field, "context");
    assert_eq!(ice.snippet, "The <mark>slogan</mark> of the call for a national student walkout.");
}

#[test]
fn snippets_escape_html_in_the_text() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    add_quote(&mut archive, "<script>alert('x')</script> solidarity forever", "en");
    let hit = &search(&archive, "solidarity").hits[0];
    assert!(hit.snippet.starts_with("&lt;script&gt;"), "{}", hit.snippet);
    assert!(hit.snippet.contains("<mark>solidarity</mark>"));
}

#[test]
fn facets_count_every_match_not_just_the_page() {
    let dir = temp();
    let (_, archive) = demo_archive(dir.path());
    let results = archive.search(&SearchRequest { limit: 1, ..SearchRequest::words("walkout") }).unwrap();
    assert_eq!(results.hits.len(), 1);
    let kinds = &results.facets["kind"];
    assert_eq!(kinds.values().sum::<u64>(), results.total);
    assert_eq!(results.facets["year"]["2026"], results.total);
    assert!(results.facets["tag"]["walkout"] >= 5);
    assert_eq!(results.facets["speaker"]["A Seattle student"], 1);
    assert!(results.facets["place"].contains_key("Minneapolis, Minnesota"));
}

#[test]
fn a_page_asked_without_facets_has_the_same_hits_and_no_facets() {
    let dir = temp();
    let (_, archive) = demo_archive(dir.path());
    let with = archive.search(&SearchRequest { limit: 5, offset: 5, ..SearchRequest::words("walkout") }).unwrap();
    let without = archive
        .search(&SearchRequest { limit: 5, offset: 5, facets: false, ..SearchRequest::words("walkout") })
        .unwrap();
    assert!(!with.facets.is_empty());
    assert!(without.facets.is_empty(), "{:?}", without.facets);
    assert_eq!(without.total, with.total);
    assert_eq!(without.hits, with.hits);
}

#[test]
fn stems_match_but_never_show_as_words_typed_phrases_or_corrections() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    add_quote(&mut archive, "The students were organizing quietly", "en");
    add_quote(&mut archive, "Las estudiantes organizaron la marcha", "es");
    // The stem finds the inflected word, in either language, and marks the word as written.
    let student = search(&archive, "student ");
    assert!(titles(&student).iter().any(|t| t.starts_with("The students were")), "{:?}", titles(&student));
    let hit = student.hits.iter().find(|h| h.title.starts_with("The students")).unwrap();
    assert!(hit.snippet.contains("<mark>students</mark>"), "{}", hit.snippet);
    assert!(titles(&search(&archive, "organizaron ")).iter().any(|t| t.starts_with("Las estudiantes")));
    // A phrase is the words as written: the stem at the same place does not stand in for them.
    assert_eq!(search(&archive, "\"student were\"").total, 0);
    assert_eq!(search(&archive, "\"students were\"").total, 1);
    // A typo is corrected to a word of the text, never to a stem.
    let typo = search(&archive, "organizng ");
    assert!(typo.corrected[0].nearest.contains(&"organizing".to_string()), "{:?}", typo.corrected);
    assert!(typo.corrected[0].nearest.iter().all(|w| w.chars().all(char::is_alphanumeric)), "{:?}", typo.corrected);
}

#[test]
fn facet_counts_add_up_across_writes_edits_and_deletes() {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("a")).unwrap();
    let mut ids = Vec::new();
    // One write each: the index holds several segments with their own dictionaries.
    for (text, speaker, place) in [
        ("We walked out for our neighbours", "Ana", "Iowa City, Iowa"),
        ("We walked out together", "Ben", "Seattle, Washington"),
        ("We walked out in the snow", "Ana", "Minneapolis, Minnesota"),
        ("We walked out at noon", "Cleo", "Iowa City, Iowa"),
    ] {
        let mut item = walkout::Item::quote(text, archive.now());
        if let walkout::ItemDetails::Quote(q) = &mut item.details {
            q.speaker = Some(speaker.to_string());
        }
        item.place = Some(place.to_string());
        item.tags = vec!["walkout".to_string()];
        ids.push(archive.add_item(item).unwrap());
    }
    let facets = |archive: &Archive| search(archive, "walked").facets;
    let f = facets(&archive);
    assert_eq!(f["speaker"]["Ana"], 2);
    assert_eq!(f["place"]["Iowa City, Iowa"], 2);
    assert_eq!(f["tag"]["walkout"], 4);
    assert_eq!(f["kind"]["quote"], 4);
    // The most frequent value comes first.
    assert_eq!(f["speaker"].iter().max_by_key(|(_, n)| **n).unwrap().0, "Ana");

    archive.delete(ids[0]).unwrap();
    let mut ben = archive.get(ids[1]).unwrap();
    ben.place = Some("Iowa City, Iowa".to_string());
    archive.update_item(ben).unwrap();
    let f = facets(&archive);
    assert_eq!(f["speaker"]["Ana"], 1, "a deleted item is no longer counted");
    assert_eq!(f["place"]["Iowa City, Iowa"], 2);
    assert!(!f["place"].contains_key("Seattle, Washington"), "an edited place is no longer counted");
    assert_eq!(f["tag"]["walkout"], 3);
}

#[test]
fn facets_count_exactly_over_many_matches_tags_and_speakers() {
    // Two imports, so two segments: one with 40 distinct tags, one with 100 (more than a bit
    // each can hold); 300 speakers (more than a byte holds); 400 matches in each, counted in
    // batches. Every count must be what the items say.
    use std::collections::{BTreeMap, BTreeSet};
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("a")).unwrap();
    let mut all: BTreeMap<(&str, String), u64> = BTreeMap::new();
    let mut even: BTreeMap<(&str, String), u64> = BTreeMap::new();
    for (round, distinct) in [(0usize, 40usize), (1, 100)] {
        let mut lines = String::new();
        for n in 0..400usize {
            let tags: BTreeSet<String> = [(n * 7) % distinct, (n * 13 + 5) % distinct, n % 3]
                .iter()
                .take(1 + n % 3)
                .map(|t| format!("t{t}"))
                .collect();
            let speaker = format!("Speaker {}", (n * 31 + round) % 300);
            let word = if n % 2 == 0 { "even" } else { "odd" };
            let line = serde_json::json!({
                "text": format!("Marching quote {round} {n} {word}"),
                "speaker": speaker,
                "tags": tags.iter().cloned().collect::<Vec<_>>().join(", "),
                "date": format!("2026-01-{:02}", 1 + n % 28),
            });
            lines.push_str(&format!("{line}\n"));
            let values = tags.iter().map(|t| ("tag", t.clone())).chain([("speaker", speaker.clone())]);
            for key in values.chain([("kind", "quote".to_string()), ("year", "2026".to_string())]) {
                if n % 2 == 0 {
                    *even.entry(key.clone()).or_default() += 1;
                }
                *all.entry(key).or_default() += 1;
            }
        }
        let file = dir.path().join(format!("round{round}.jsonl"));
        std::fs::write(&file, lines).unwrap();
        let report =
            archive.import_paths(&[file], ImportLimits::default(), &mut |_| {}, &AtomicBool::new(false)).unwrap();
        assert_eq!(report.added.len(), 400, "{:?}", report.failed);
    }
    for (query, expected, total) in [("marching", &all, 800), ("even", &even, 400)] {
        let results = search(&archive, query);
        assert_eq!(results.total, total, "{query}");
        for facet in ["tag", "speaker", "kind", "year"] {
            let counted = &results.facets[facet];
            let wanted: Vec<(&String, &u64)> =
                expected.iter().filter(|((f, _), _)| *f == facet).map(|((_, v), n)| (v, n)).collect();
            assert_eq!(counted.len(), wanted.len().min(30), "{query}: how many {facet} values");
            for (value, n) in counted {
                assert_eq!(Some(n), expected.get(&(facet, value.clone())), "{query}: {facet} {value}");
            }
            // The values shown are the most frequent ones.
            let least_shown = counted.values().min().unwrap();
            assert!(wanted.iter().filter(|(_, n)| *n > least_shown).all(|(v, _)| counted.contains_key(*v)), "{query}");
        }
    }
}

#[test]
fn reading_every_item_at_once_gives_what_reading_each_gives() {
    // `all_items` (exports, reindex) reads the link tables in one pass each; it must agree with
    // `get`, link order included.
    let dir = temp();
    let (root, mut archive) = demo_archive(dir.path());
    for n in 0..12 {
        let mut item = walkout::Item::quote(format!("Quote number {n}"), archive.now());
        item.tags = ["zeta", "Alpha", "beta", "Mu"].iter().take(n % 5).map(|t| t.to_string()).collect();
        item.people = ["Zoe", "ana", "Bea"].iter().take(n % 4).map(|p| p.to_string()).collect();
        item.collections = if n % 3 == 0 { vec!["Zines".into(), "archive".into()] } else { vec![] };
        item.redactions = (0..n % 3)
            .map(|i| walkout::Redaction { x: 0.1 * i as f64, y: 0.2, w: 0.1, h: 0.1, label: Some(format!("box {i}")) })
            .collect();
        archive.add_item(item).unwrap();
    }
    let all = archive.all_items().unwrap();
    assert!(all.len() > 12);
    assert!(all.iter().any(|i| i.tags.len() == 4 && i.collections.len() == 2));
    assert!(all.iter().any(|i| i.people.len() == 3 && i.redactions.len() == 2));
    for item in &all {
        assert_eq!(item, &archive.get(item.id).unwrap(), "{}", item.title);
    }
    // A search hydrates its page of hits in one query per table: the same items again.
    let store = walkout::store::Store::open(&root.join("archive.sqlite"), walkout::store::OpenMode::ReadOnly).unwrap();
    let mut ids: Vec<walkout::Id> = all.iter().map(|i| i.id).rev().collect();
    ids.push(walkout::model::new_id());
    let page = walkout::store::get_items(store.conn(), &ids).unwrap();
    assert_eq!(page.len(), all.len());
    for item in &all {
        assert_eq!(&page[&item.id], item, "{}", item.title);
    }
}

#[test]
fn filters_narrow_by_kind_tag_collection_speaker_and_date() {
    let dir = temp();
    let archive = archive_with_sample(dir.path());
    let request = |f: &dyn Fn(&mut SearchRequest)| {
        let mut r = SearchRequest { limit: 500, ..Default::default() };
        f(&mut r);
        archive.search(&r).unwrap()
    };
    let quotes = request(&|r| r.kinds = vec![ItemKind::Quote]);
    assert!(quotes.hits.iter().all(|h| h.kind == ItemKind::Quote));
    assert_eq!(quotes.total, archive.stats().unwrap().quotes);
    let rally = request(&|r| r.tags = vec!["RALLY".into()]);
    assert_eq!(rally.total, 4);
    let both = request(&|r| r.tags = vec!["rally".into(), "university".into()]);
    assert_eq!(titles(&both), vec!["The Twin Cities belong to us. It doesn't belong to them."]);
    let collection = request(&|r| r.collection = Some("January 30, 2026 walkouts".into()));
    assert_eq!(collection.total, 10);
    let twain = request(&|r| r.speaker = Some("mark twain".into()));
    assert!(twain.total >= 5);
    assert!(twain.hits.iter().all(|h| h.byline.as_deref() == Some("Mark Twain")));
    let day = request(&|r| {
        r.from = Some("2026-01-30".parse().unwrap());
        r.to = Some("2026-01-30".parse().unwrap());
    });
    // The two items dated that day, and the eight dated just "2026", which may include it.
    assert_eq!(day.total, 10);
    let after = request(&|r| r.from = Some("2026-02".parse().unwrap()));
    assert_eq!(after.total, 8);
    assert!(after.hits.iter().all(|h| h.date.as_ref().unwrap().as_str() == "2026"));
}

#[test]
fn pages_cover_every_hit_once_in_a_stable_order() {
    let dir = temp();
    let archive = archive_with_sample(dir.path());
    let all = archive.search(&SearchRequest { limit: 1000, ..SearchRequest::words("the") }).unwrap();
    assert!(all.total > 60);
    let mut paged = Vec::new();
    for page in 0..(all.total as usize).div_ceil(25) {
        let r = archive.search(&SearchRequest { offset: page * 25, limit: 25, ..SearchRequest::words("the") }).unwrap();
        paged.extend(r.hits.into_iter().map(|h| h.id));
    }
    assert_eq!(paged, all.hits.iter().map(|h| h.id).collect::<Vec<_>>());
}

#[test]
fn sorting_by_title_and_by_date() {
    let dir = temp();
    let (_, archive) = demo_archive(dir.path());
    let by_title = archive.search(&SearchRequest { sort: SortOrder::Title, ..Default::default() }).unwrap();
    let titles: Vec<String> = by_title.hits.iter().map(|h| h.title.to_lowercase()).collect();
    let mut sorted = titles.clone();
    sorted.sort();
    assert_eq!(titles, sorted);
    let newest = archive.search(&SearchRequest { sort: SortOrder::DateDesc, ..Default::default() }).unwrap();
    assert!(
        newest.hits.first().unwrap().date.as_ref().unwrap().as_str()
            >= newest.hits.last().unwrap().date.as_ref().unwrap().as_str()
    );
}

#[test]
fn edits_and_deletes_leave_no_stale_hits() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    let id = add_quote(&mut archive, "The marmalade protest began at dawn", "en");
    assert_eq!(search(&archive, "marmalade").total, 1);
    archive.edit(id, &[("text".into(), "The lemonade protest began at dawn".into())]).unwrap();
    assert_eq!(search(&archive, "marmalade").total, 0);
    assert_eq!(search(&archive, "lemonade").total, 1);
    archive.delete(id).unwrap();
    assert_eq!(search(&archive, "lemonade").total, 0);
    assert_eq!(archive.stats().unwrap().index_docs, archive.stats().unwrap().items);
}

#[test]
fn many_updates_do_not_grow_the_index_without_bound() {
    let dir = temp();
    let (root, mut archive) = demo_archive(dir.path());
    let id = add_quote(&mut archive, "Version zero of a much edited quote", "en");
    let size = || dir_size(&root.join("index"));
    for round in 0..40 {
        archive.edit(id, &[("text".into(), format!("Version {round} of a much edited quote"))]).unwrap();
    }
    let after_first_burst = size();
    for round in 40..240 {
        archive.edit(id, &[("text".into(), format!("Version {round} of a much edited quote"))]).unwrap();
    }
    let after_many = size();
    assert!(after_many < after_first_burst * 2, "index grew from {after_first_burst} to {after_many} bytes");
    assert_eq!(search(&archive, "version").total, 1);
    assert_eq!(archive.stats().unwrap().index_docs, archive.stats().unwrap().items);
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

#[test]
fn all_the_ids_of_a_search_come_in_its_order_without_its_page_limits() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    for i in 0..70 {
        add_quote(&mut archive, &format!("Walkout voice number {i} said we stay"), "en");
    }
    let request = SearchRequest { query: "walkout".into(), sort: SortOrder::DateDesc, ..Default::default() };
    let full = archive.search(&SearchRequest { limit: 1000, ..request.clone() }).unwrap();
    assert!(full.total > 70, "{}", full.total);
    let ids = archive.search_ids(&SearchRequest { offset: 40, limit: 5, ..request.clone() }).unwrap();
    assert_eq!(ids, full.hits.iter().map(|h| h.id).collect::<Vec<_>>(), "every match, in the same order");

    // Filters apply as they do to the search.
    let quotes = SearchRequest { kinds: vec![ItemKind::Quote], ..request };
    let only_quotes = archive.search_ids(&quotes).unwrap();
    assert_eq!(only_quotes.len() as u64, archive.search(&quotes).unwrap().total);
    assert!(only_quotes.len() < ids.len());
    assert!(archive.search_ids(&SearchRequest { query: "zzzqqq".into(), ..Default::default() }).unwrap().is_empty());
}

#[test]
fn an_edit_does_not_move_an_item_among_those_of_the_same_date() {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("archive")).unwrap();
    // Quotes added one by one, all dated only "2026": a run of equal dates.
    let ids: Vec<walkout::Id> = (0..6)
        .map(|i| {
            let id = add_quote(&mut archive, &format!("We stayed out, said voice {i}"), "en");
            archive.edit(id, &[("date".into(), "2026".into())]).unwrap();
            id
        })
        .collect();
    let order = |archive: &Archive, sort: SortOrder| -> Vec<walkout::Id> {
        archive
            .search(&SearchRequest { sort, limit: 100, ..Default::default() })
            .unwrap()
            .hits
            .iter()
            .map(|h| h.id)
            .collect()
    };
    let newest_first = order(&archive, SortOrder::DateDesc);
    assert_eq!(newest_first, ids.iter().rev().copied().collect::<Vec<_>>(), "the same date: newest added first");
    let oldest_first = order(&archive, SortOrder::DateAsc);
    for &id in &ids[1..4] {
        archive.tag(id, &["edited".to_string()]).unwrap();
    }
    assert_eq!(order(&archive, SortOrder::DateDesc), newest_first);
    assert_eq!(order(&archive, SortOrder::DateAsc), oldest_first);
}
