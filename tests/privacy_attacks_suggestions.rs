//! Attacks on search's suggestions: a visitor (or anyone given a filtered search) probes the
//! "did you mean" corrections and the prefix completion of the word being typed to learn words
//! they may not see — a minor's restricted quote, an item deleted or a word an edit removed
//! (Tantivy keeps both in its term dictionary until the segment is merged), an item outside the
//! request's filters. Each test is named after what the attacker tries and must not get.

use walkout::model::{ArticleDetails, ItemDetails, QuoteDetails};
use walkout::{Archive, Id, Item, ItemKind, SearchRequest, SearchResults, Sensitivity};

use crate::common::*;

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// Quotes added in one write with many neighbours, so that they share a segment in which a
/// deleted or replaced document is a small share: the segment is then not merged at once and
/// the old words stay in its term dictionary, as they would in a real archive.
fn add_among_neighbours(archive: &mut Archive, items: Vec<Item>) -> Vec<Id> {
    let ids = items.iter().map(|i| i.id).collect();
    let mut all: Vec<Item> =
        (0..40).map(|i| Item::quote(format!("An ordinary neighbour quote number {i}"), now())).collect();
    all.extend(items);
    archive.add_items(&all).unwrap();
    ids
}

fn quote_by(text: &str, speaker: &str) -> Item {
    let mut item = Item::quote(text, now());
    if let ItemDetails::Quote(QuoteDetails { speaker: s, .. }) = &mut item.details {
        *s = Some(speaker.to_string());
    }
    item
}

fn public_search(archive: &Archive, query: &str) -> SearchResults {
    archive
        .search(&SearchRequest { max_sensitivity: Some(Sensitivity::Public), ..SearchRequest::words(query) })
        .unwrap()
}

fn suggested(results: &SearchResults) -> Vec<String> {
    results.corrected.iter().flat_map(|c| c.nearest.clone()).collect()
}

fn archive_with_a_minors_word(dir: &std::path::Path) -> Archive {
    let mut archive = Archive::create(&dir.join("archive")).unwrap();
    let quote = quote_by("They took my brother, zyxwalk is all I have left", "Ana Minor");
    add_among_neighbours(&mut archive, vec![quote]);
    archive.set_person_protection("Ana Minor", Some(true), None, None).unwrap();
    archive
}

#[test]
fn visitor_misspelling_a_minors_restricted_word_is_not_told_did_you_mean_it() {
    let dir = temp();
    let archive = archive_with_a_minors_word(dir.path());
    // The archivist, who may see the quote, is helped to it.
    let archivist = archive.search(&SearchRequest::words("zyxwalkk ")).unwrap();
    assert_eq!(suggested(&archivist), vec!["zyxwalk"]);
    assert_eq!(archivist.total, 1);

    let visitor = public_search(&archive, "zyxwalkk ");
    assert!(suggested(&visitor).is_empty(), "the public-only search spelt the hidden word: {:?}", visitor.corrected);
    assert_eq!(visitor.total, 0);
    // Still typing (the word also matches as a prefix): the same.
    let typing = public_search(&archive, "zyxwalkk");
    assert!(suggested(&typing).is_empty(), "{:?}", typing.corrected);
}

#[test]
fn visitor_typing_the_start_of_a_restricted_word_gets_the_answer_of_a_word_never_seen() {
    let dir = temp();
    let mut archive = archive_with_a_minors_word(dir.path());
    // A public word one letter away from both "zyxw" and "zyxq": what a word found nowhere is
    // searched as.
    archive.add_item(Item::quote("The zyxa banner went up at noon", now())).unwrap();
    let probe = public_search(&archive, "zyxw");
    let never_seen = public_search(&archive, "zyxq");
    assert_eq!(suggested(&never_seen), vec!["zyxa"]);
    // A prefix only the hidden quote completes must not count as found: that difference alone
    // tells the visitor that a hidden word starts so.
    assert_eq!(suggested(&probe), suggested(&never_seen), "the hidden prefix changed the answer");
    assert_eq!(probe.total, never_seen.total);
    assert!(probe.hits.iter().all(|h| !h.title.contains("zyxwalk")));
}

#[test]
fn anyone_misspelling_a_deleted_items_word_is_not_told_did_you_mean_it() {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("archive")).unwrap();
    let ids = add_among_neighbours(&mut archive, vec![Item::quote("A note about zyxgone that was taken down", now())]);
    assert_eq!(suggested(&archive.search(&SearchRequest::words("zyxgonr ")).unwrap()), vec!["zyxgone"]);
    archive.delete(ids[0]).unwrap();
    let results = archive.search(&SearchRequest::words("zyxgonr ")).unwrap();
    assert!(suggested(&results).is_empty(), "a deleted item's word was suggested: {:?}", results.corrected);
    // Deleted for undo (the app's delete) is the same.
    let ids = add_among_neighbours(&mut archive, vec![Item::quote("Another zyxundo note", now())]);
    archive.delete_for_undo(&ids).unwrap();
    let results = archive.search(&SearchRequest::words("zyxundu ")).unwrap();
    assert!(suggested(&results).is_empty(), "{:?}", results.corrected);
    // Nor does its start complete: "zyxun" answers as a word never seen.
    assert_eq!(archive.search(&SearchRequest::words("zyxun")).unwrap().total, 0);
}

#[test]
fn anyone_misspelling_a_word_an_edit_removed_is_not_told_did_you_mean_it() {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("archive")).unwrap();
    let ids =
        add_among_neighbours(&mut archive, vec![Item::quote("Her name, zyxedited, was in the first draft", now())]);
    assert_eq!(suggested(&archive.search(&SearchRequest::words("zyxeditid ")).unwrap()), vec!["zyxedited"]);
    let mut item = archive.get(ids[0]).unwrap();
    if let ItemDetails::Quote(q) = &mut item.details {
        q.text = "Her name was in the first draft".to_string();
    }
    item.title = "Her name was in the first draft".to_string();
    archive.update_item(item).unwrap();
    let results = archive.search(&SearchRequest::words("zyxeditid ")).unwrap();
    assert!(suggested(&results).is_empty(), "a word the edit removed was suggested: {:?}", results.corrected);
}

#[test]
fn searcher_limited_to_quotes_is_not_told_words_of_an_article() {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("archive")).unwrap();
    let details = ItemDetails::Article(ArticleDetails {
        headline: "Raid at dawn".to_string(),
        body: "The family of zyxkindred was named in the draft".to_string(),
        ..Default::default()
    });
    add_among_neighbours(&mut archive, vec![Item::new("Raid at dawn", details, now())]);
    let quotes_only = SearchRequest { kinds: vec![ItemKind::Quote], ..SearchRequest::words("zyxkindrex ") };
    let results = archive.search(&quotes_only).unwrap();
    assert!(
        suggested(&results).is_empty(),
        "an article's word was suggested to a quote search: {:?}",
        results.corrected
    );
    // Without the filter it is offered: the filter, not the word, is what hides it.
    assert_eq!(suggested(&archive.search(&SearchRequest::words("zyxkindrex ")).unwrap()), vec!["zyxkindred"]);
}
