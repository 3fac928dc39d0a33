//! The index's staging of items: edits, deletes and batches reach the right documents.

use super::*;

fn quote(text: &str) -> Item {
    let mut item = Item::quote(text, chrono::Utc::now());
    item.language = Some("en".into());
    item
}

fn hits(index: &SearchIndex, words: &str) -> Vec<Id> {
    let request = SearchRequest { limit: 100, ..SearchRequest::words(words) };
    sorted(index.search(&request).unwrap().hits.into_iter().map(|(id, _)| id).collect())
}

/// The same item with other words.
fn retext(item: &mut Item, text: &str) {
    item.details = ItemDetails::Quote(crate::model::QuoteDetails { text: text.into(), ..Default::default() });
}

fn sorted(mut ids: Vec<Id>) -> Vec<Id> {
    ids.sort();
    ids
}

fn stage(index: &mut SearchIndex, item: &Item) {
    index.stage_item(item, Sensitivity::Public).unwrap();
}

#[test]
fn an_edit_replaces_the_document_in_any_segment_and_a_delete_removes_it() {
    let mut index = SearchIndex::create_in_ram().unwrap();
    let mut first = quote("we walked out of class together");
    let other = quote("the whole school walked out");
    stage(&mut index, &first);
    stage(&mut index, &other);
    index.commit(1).unwrap();
    // A later commit makes another segment; the edit must reach the first one.
    let later = quote("students marched to city hall");
    stage(&mut index, &later);
    index.commit(2).unwrap();

    retext(&mut first, "we stayed in the library");
    stage(&mut index, &first);
    index.commit(3).unwrap();
    assert_eq!(hits(&index, "class"), Vec::<Id>::new(), "the old words are gone");
    assert_eq!(hits(&index, "library"), vec![first.id]);
    assert_eq!(hits(&index, "walked"), vec![other.id]);

    index.stage_delete(other.id).unwrap();
    index.commit(4).unwrap();
    assert_eq!(hits(&index, "walked"), Vec::<Id>::new());
    assert_eq!(
        sorted(index.ids().unwrap()),
        sorted(vec![first.id, later.id]),
        "one document per item, none for the deleted one"
    );
}

#[test]
fn an_item_staged_twice_or_staged_then_deleted_in_one_batch_leaves_its_last_state() {
    let mut index = SearchIndex::create_in_ram().unwrap();
    let mut twice = quote("first words");
    let gone = quote("words that go");
    stage(&mut index, &twice);
    stage(&mut index, &gone);
    retext(&mut twice, "second words");
    stage(&mut index, &twice);
    index.stage_delete(gone.id).unwrap();
    index.commit(1).unwrap();
    assert_eq!(index.ids().unwrap(), vec![twice.id]);
    assert_eq!(hits(&index, "first"), Vec::<Id>::new());
    assert_eq!(hits(&index, "second"), vec![twice.id]);
}

#[test]
fn a_batch_larger_than_what_is_held_keeps_one_document_per_item() {
    let mut index = SearchIndex::create_in_ram().unwrap();
    let mut early = quote("an early quote about the walkout");
    stage(&mut index, &early);
    let rest: Vec<Item> = (0..STAGED_MAX + 10).map(|i| quote(&format!("quote number {i}"))).collect();
    for item in &rest {
        stage(&mut index, item);
    }
    // Staged again after the held documents were handed to the writer.
    early.details = ItemDetails::Quote(crate::model::QuoteDetails {
        text: "an early quote, corrected".into(),
        ..Default::default()
    });
    stage(&mut index, &early);
    index.commit(1).unwrap();
    assert_eq!(index.num_docs(), rest.len() as u64 + 1);
    assert_eq!(hits(&index, "walkout"), Vec::<Id>::new());
    assert_eq!(hits(&index, "corrected"), vec![early.id]);
}
