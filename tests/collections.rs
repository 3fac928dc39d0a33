//! Collections as the desktop app works them: made empty, renamed (search follows the new
//! name), reordered; the quotes taken from an article; one item's citation through the policy.

use walkout::export::citation::{Style, cite};
use walkout::{Archive, Id, Item, ItemDetails, SearchRequest, Sensitivity};

use crate::common::{demo_archive, temp};

fn in_collection(archive: &Archive, name: &str) -> Vec<Id> {
    let request = SearchRequest { collection: Some(name.to_string()), limit: 100, ..Default::default() };
    archive.search(&request).unwrap().hits.into_iter().map(|h| h.id).collect()
}

fn first_ids(archive: &Archive, n: usize) -> Vec<Id> {
    archive.all_items().unwrap().into_iter().take(n).map(|i| i.id).collect()
}

#[test]
fn a_new_collection_starts_empty_and_a_second_create_changes_nothing() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    archive.create_collection("Rally day").unwrap();
    let ids = first_ids(&archive, 2);
    archive.add_to_collection("Rally day", &ids).unwrap();
    archive.create_collection("  Rally day ").unwrap();
    let rally = archive.collections().unwrap().into_iter().find(|c| c.name == "Rally day").unwrap();
    assert_eq!(rally.items, ids);
    assert!(archive.create_collection(" ").is_err());
}

#[test]
fn renaming_a_collection_moves_its_items_in_search_and_refuses_a_taken_name() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    let ids = first_ids(&archive, 3);
    archive.add_to_collection("Rally day", &ids).unwrap();
    archive.rename_collection("Rally day", "Jan 30 rally").unwrap();
    assert!(in_collection(&archive, "Rally day").is_empty());
    let mut found = in_collection(&archive, "Jan 30 rally");
    found.sort();
    let mut want = ids.clone();
    want.sort();
    assert_eq!(found, want);
    assert!(archive.get(ids[0]).unwrap().collections.contains(&"Jan 30 rally".to_string()));

    let taken = archive.rename_collection("Jan 30 rally", "January 30, 2026 walkouts").unwrap_err();
    assert_eq!(taken.code(), "invalid_field");
    assert_eq!(archive.rename_collection("Nope", "Other").unwrap_err().code(), "collection_not_found");
    // A reopened archive (index from disk) agrees.
    let root = archive.root().to_path_buf();
    drop(archive);
    let archive = Archive::open(&root).unwrap();
    assert_eq!(in_collection(&archive, "Jan 30 rally").len(), 3);
}

#[test]
fn a_collection_takes_a_new_order_of_exactly_its_items() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    let ids = first_ids(&archive, 3);
    archive.add_to_collection("Rally day", &ids).unwrap();
    let reversed: Vec<Id> = ids.iter().rev().copied().collect();
    archive.reorder_collection("Rally day", &reversed).unwrap();
    let order: Vec<Id> = archive.collection_items("Rally day").unwrap().into_iter().map(|i| i.id).collect();
    assert_eq!(order, reversed);
    assert!(archive.reorder_collection("Rally day", &ids[..2]).is_err());
    let other = first_ids(&archive, 4)[3];
    assert!(archive.reorder_collection("Rally day", &[ids[0], ids[1], other]).is_err());
}

#[test]
fn quotes_taken_from_an_article_are_found_from_it() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    let article = archive.all_items().unwrap().into_iter().find(|i| i.kind() == walkout::ItemKind::Article).unwrap();
    assert!(archive.quotes_from(article.id).unwrap().is_empty());
    let mut quote = Item::quote("tens of thousands of students walked out", archive.now());
    if let ItemDetails::Quote(q) = &mut quote.details {
        q.source_item = Some(article.id);
    }
    archive.add_item(quote.clone()).unwrap();
    let found = archive.quotes_from(article.id).unwrap();
    assert_eq!(found.iter().map(|q| q.id).collect::<Vec<_>>(), vec![quote.id]);
}

#[test]
fn one_items_citation_goes_through_the_export_policy() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    let quote = archive.all_items().unwrap().into_iter().find(|i| i.title.starts_with("The Twin Cities")).unwrap();
    let cited = cite(&archive, &quote, false, Style::Chicago).unwrap().unwrap();
    assert!(cited.contains("Twin Cities"), "{cited}");
    // Nobody consented to the speakers' name: the citation describes them by their role.
    assert!(cited.starts_with("Students, University of Minnesota."), "{cited}");
    assert_ne!(cited, cite(&archive, &quote, false, Style::Apa).unwrap().unwrap());

    let mut restricted = quote.clone();
    restricted.sensitivity = Sensitivity::Restricted;
    archive.update_item(restricted.clone()).unwrap();
    assert!(cite(&archive, &restricted, false, Style::Chicago).unwrap().is_err());
    assert!(cite(&archive, &restricted, true, Style::Chicago).unwrap().is_ok());
    let mut private = restricted;
    private.sensitivity = Sensitivity::Private;
    assert!(cite(&archive, &private, true, Style::Chicago).unwrap().is_err());
}

#[test]
fn an_export_of_chosen_items_takes_exactly_them_through_the_policy() {
    use walkout::export::{ExportOptions, Format, Selection, export};
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    let mut items = archive.all_items().unwrap();
    items.truncate(3);
    items[2].sensitivity = Sensitivity::Restricted;
    archive.update_item(items[2].clone()).unwrap();
    let ids: Vec<Id> = items.iter().map(|i| i.id).collect();
    let options = ExportOptions { selection: Selection::Items(ids.clone()), ..Default::default() };
    let report = export(&archive, Format::CslJson, &options, &dir.path().join("refs.json")).unwrap();
    assert_eq!(report.exported, 2);
    assert_eq!(report.left_out.len(), 1);
    assert_eq!(report.left_out[0].id, ids[2]);
    assert_eq!(report.left_out[0].reason, "restricted");
}
