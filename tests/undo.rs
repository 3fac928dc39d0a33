//! What the app's undo stands on: a delete that can be put back as it was (fields, links, file,
//! place in a collection, the quotes citing an article), and a bulk edit whose earlier states
//! can be saved again.

use std::sync::atomic::AtomicBool;

use walkout::undo::BulkChange;
use walkout::{Archive, Id, Item, ItemDetails, ItemKind, SearchRequest, Sensitivity};

use crate::common::{data, demo_archive, temp};

fn found(archive: &Archive, request: SearchRequest) -> Vec<Id> {
    let mut ids: Vec<Id> =
        archive.search(&SearchRequest { limit: 1000, ..request }).unwrap().hits.into_iter().map(|h| h.id).collect();
    ids.sort();
    ids
}

fn words(archive: &Archive, query: &str) -> Vec<Id> {
    found(archive, SearchRequest { query: query.to_string(), ..Default::default() })
}

fn of_kind(archive: &Archive, kind: ItemKind) -> Vec<Item> {
    archive.all_items().unwrap().into_iter().filter(|i| i.kind() == kind).collect()
}

fn order(archive: &Archive, collection: &str) -> Vec<Id> {
    archive.collections().unwrap().into_iter().find(|c| c.name == collection).map(|c| c.items).unwrap_or_default()
}

/// The demo archive with the test photos imported.
fn archive_with_photos(dir: &std::path::Path) -> Archive {
    let (_, mut archive) = demo_archive(dir);
    archive
        .import_paths(&[data("photos/landscape_6.jpg")], Default::default(), &mut |_| {}, &AtomicBool::new(false))
        .unwrap();
    archive
}

#[test]
fn deleted_items_come_back_as_they_were_with_their_file_their_place_and_their_quotes() {
    let dir = temp();
    let mut archive = archive_with_photos(dir.path());
    let photo = of_kind(&archive, ItemKind::Photo).into_iter().find(|p| p.title.contains("landscape_6")).unwrap();
    let article = of_kind(&archive, ItemKind::Article).remove(0);
    let others: Vec<Id> = of_kind(&archive, ItemKind::Quote).iter().take(2).map(|q| q.id).collect();

    // The article in the middle of a collection, a quote saved from it, the photo tagged.
    archive.add_to_collection("Rally day", &[others[0], article.id, others[1]]).unwrap();
    let mut quote = of_kind(&archive, ItemKind::Quote).remove(2);
    if let ItemDetails::Quote(q) = &mut quote.details {
        q.source_item = Some(article.id);
    }
    let quote = archive.update_item(quote).unwrap();
    archive.tag(photo.id, &["faces".to_string()]).unwrap();
    let photo = archive.get(photo.id).unwrap();
    let article = archive.get(article.id).unwrap();
    let sha = photo.sha256().unwrap().to_string();
    let before = archive.stats().unwrap();
    let headline_word = article.title.split_whitespace().find(|w| w.len() > 5).unwrap().to_string();
    assert!(words(&archive, &headline_word).contains(&article.id));

    let deleted = archive.delete_for_undo(&[article.id, photo.id]).unwrap();
    assert_eq!(deleted.len(), 2);
    assert!(archive.get(article.id).is_err() && archive.get(photo.id).is_err());
    assert!(!words(&archive, &headline_word).contains(&article.id), "a deleted article is not found");
    assert_eq!(order(&archive, "Rally day"), vec![others[0], others[1]]);
    let unlinked = archive.get(quote.id).unwrap();
    assert!(matches!(&unlinked.details, ItemDetails::Quote(q) if q.source_item.is_none()));
    assert_eq!(archive.stats().unwrap().files, before.files - 1, "the photo's file record went with it");
    assert!(archive.files().contains(&sha), "its file stays in the folder until a purge");

    archive.restore(&deleted).unwrap();
    assert_eq!(archive.get(article.id).unwrap(), article);
    assert_eq!(archive.get(photo.id).unwrap(), photo, "tags, file and all");
    assert_eq!(order(&archive, "Rally day"), vec![others[0], article.id, others[1]], "back in its place");
    let relinked = archive.get(quote.id).unwrap();
    assert!(matches!(&relinked.details, ItemDetails::Quote(q) if q.source_item == Some(article.id)));
    assert_eq!(archive.quotes_from(article.id).unwrap().len(), 1);
    assert!(words(&archive, &headline_word).contains(&article.id), "found again");
    assert!(found(&archive, SearchRequest { tags: vec!["faces".into()], ..Default::default() }).contains(&photo.id));
    let after = archive.stats().unwrap();
    assert_eq!((after.items, after.files, after.photos), (before.items, before.files, before.photos));
    assert!(!archive.files().read(&sha).unwrap().is_empty());

    // A reopened archive agrees (the index was caught up, not only the database).
    let root = archive.root().to_path_buf();
    drop(archive);
    let archive = Archive::open(&root).unwrap();
    assert!(words(&archive, &headline_word).contains(&article.id));
}

#[test]
fn a_restore_that_cannot_be_done_whole_restores_nothing_and_says_why() {
    let dir = temp();
    let mut archive = archive_with_photos(dir.path());
    let photo = of_kind(&archive, ItemKind::Photo).into_iter().find(|p| p.title.contains("landscape_6")).unwrap();
    let quote = of_kind(&archive, ItemKind::Quote).remove(0);

    let items = archive.stats().unwrap().items;
    let deleted = archive.delete_for_undo(&[quote.id]).unwrap();
    archive.restore(&deleted).unwrap();
    let twice = archive.restore(&deleted).unwrap_err().to_string();
    assert!(twice.contains("in the archive already"), "{twice}");
    assert_eq!(archive.stats().unwrap().items, items);

    // The photo's file removed in between (as a purge would): the restore names it.
    let deleted = archive.delete_for_undo(&[quote.id, photo.id]).unwrap();
    archive.files().remove(photo.sha256().unwrap()).unwrap();
    let gone = archive.restore(&deleted).unwrap_err().to_string();
    assert!(gone.contains("landscape_6") && gone.contains("no longer in the archive folder"), "{gone}");
    assert!(archive.get(quote.id).is_err(), "nothing came back");
    assert_eq!(archive.stats().unwrap().items, items - 2);

    // A missing id deletes nothing.
    let other = of_kind(&archive, ItemKind::Quote).remove(0);
    let err = archive.delete_for_undo(&[other.id, quote.id]).unwrap_err();
    assert_eq!(err.code(), "item_not_found");
    assert!(archive.get(other.id).is_ok());
}

#[test]
fn a_bulk_edit_tags_collects_and_rates_many_items_and_its_earlier_states_come_back() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    let items: Vec<Item> = archive.all_items().unwrap().into_iter().take(3).collect();
    let ids: Vec<Id> = items.iter().map(|i| i.id).collect();
    let change = BulkChange {
        add_tags: vec!["Norcross".into(), " ".into()],
        add_to_collection: Some("Press kit".into()),
        sensitivity: Some(Sensitivity::Restricted),
    };
    let before = archive.edit_many(&ids, &change).unwrap();
    assert_eq!(before, items, "it returns the items as they were");

    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(found(&archive, SearchRequest { tags: vec!["Norcross".into()], ..Default::default() }), sorted);
    assert_eq!(order(&archive, "Press kit"), ids);
    let public = found(&archive, SearchRequest { max_sensitivity: Some(Sensitivity::Public), ..Default::default() });
    assert!(ids.iter().all(|id| !public.contains(id)), "restricted items leave the public view");
    for id in &ids {
        let item = archive.get(*id).unwrap();
        assert_eq!(item.sensitivity, Sensitivity::Restricted);
        assert_eq!(item.tags.iter().filter(|t| t.as_str() == "Norcross").count(), 1);
    }
    // Applying it again adds nothing twice.
    archive.edit_many(&ids, &change).unwrap();
    assert_eq!(order(&archive, "Press kit"), ids);
    assert_eq!(archive.get(ids[0]).unwrap().tags.iter().filter(|t| t.as_str() == "Norcross").count(), 1);

    // Undo: the earlier states saved again.
    archive.put_back(&before).unwrap();
    assert!(found(&archive, SearchRequest { tags: vec!["Norcross".into()], ..Default::default() }).is_empty());
    assert!(order(&archive, "Press kit").is_empty());
    for item in &items {
        let now = archive.get(item.id).unwrap();
        assert_eq!((&now.tags, now.sensitivity, &now.collections), (&item.tags, item.sensitivity, &item.collections));
    }

    // Nothing to change, or a missing item: refused, nothing changed.
    assert_eq!(archive.edit_many(&ids, &BulkChange::default()).unwrap_err().code(), "invalid_field");
    let missing = walkout::model::new_id();
    assert_eq!(archive.edit_many(&[ids[0], missing], &change).unwrap_err().code(), "item_not_found");
    assert!(archive.get(ids[0]).unwrap().tags.iter().all(|t| t != "Norcross"));
}
