//! Every change kept and reversible: versions of an item with what changed, by whom and in
//! which operation; an earlier version restored as a new one; a whole operation reverted, or
//! refused where a later change touched the same field; a purge that leaves no name in the
//! history; the CLI's `history`, `revert`, `log` and `user`.

use std::sync::atomic::AtomicBool;

use walkout::history::OperationKind;
use walkout::undo::BulkChange;
use walkout::{Archive, Error, Id, ItemDetails, Sensitivity};

use crate::common::*;

#[test]
fn each_edit_is_a_version_with_its_fields_and_any_version_can_be_restored_as_a_new_one() {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("a")).unwrap();
    archive.set_user("Ana Archivist").unwrap();
    let id = quote(&mut archive, "We will not be moved", "Lee");
    set(&mut archive, id, "text", "We shall not be moved");
    set(&mut archive, id, "date", "2026-01-30");
    archive.set_user("Ben").unwrap();
    set(&mut archive, id, "place", "Minneapolis, Minnesota");

    let history = archive.history(id).unwrap();
    assert_eq!(history.iter().map(|v| v.version).collect::<Vec<_>>(), [1, 2, 3, 4]);
    assert_eq!(history[0].operation.kind, OperationKind::Add);
    assert!(history[0].changes.is_empty(), "the first version is the record as created");
    let text: Vec<_> = history[1].changes.iter().map(|c| (c.field.as_str(), c.old.clone(), c.new.clone())).collect();
    // The quote's words and its title (the words) changed; nothing else, not updated_at.
    assert!(text.contains(&("text", "We will not be moved".into(), "We shall not be moved".into())), "{text:?}");
    assert!(history[1].changes.iter().all(|c| c.field == "text" || c.field == "title"), "{:?}", history[1].changes);
    assert_eq!(history[2].changes.len(), 1);
    assert_eq!(history[2].changes[0].field, "date");
    assert_eq!((history[2].user.as_str(), history[3].user.as_str()), ("Ana Archivist", "Ben"));
    assert!(history[3].operation.summary.contains("We shall not be moved"), "{}", history[3].operation.summary);

    // Version 1 again: words, no date, no place; as version 5, the others kept.
    let restored = archive.restore_version(id, 1).unwrap();
    let ItemDetails::Quote(q) = &restored.details else { panic!("a quote") };
    assert_eq!(q.text, "We will not be moved");
    assert_eq!((restored.date.as_ref(), restored.place.as_deref()), (None, None));
    assert_eq!(archive.get(id).unwrap().place, None, "stored");
    let history = archive.history(id).unwrap();
    assert_eq!(history.len(), 5, "history is added to, never rewritten");
    assert_eq!(history[4].operation.kind, OperationKind::Restore);
    let fields: Vec<&str> = history[4].changes.iter().map(|c| c.field.as_str()).collect();
    assert!(fields.contains(&"text") && fields.contains(&"date") && fields.contains(&"place"), "{fields:?}");
    assert!(matches!(archive.restore_version(id, 9), Err(Error::InvalidField { .. })));

    // A deleted item keeps its history and comes back from it.
    archive.delete(id).unwrap();
    assert!(archive.history(id).unwrap().last().unwrap().deleted);
    archive.restore_version(id, 2).unwrap();
    let ItemDetails::Quote(q) = &archive.get(id).unwrap().details else { panic!("a quote") };
    assert_eq!(q.text, "We shall not be moved");
}

#[test]
fn a_bulk_edit_is_reverted_whole_or_refused_where_a_later_edit_touched_the_same_field() {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("a")).unwrap();
    let ids: Vec<Id> = (0..3).map(|i| quote(&mut archive, &format!("Words number {i}"), "Lee")).collect();
    let bulk =
        BulkChange { add_tags: vec!["rally".into()], sensitivity: Some(Sensitivity::Restricted), ..Default::default() };
    archive.edit_many(&ids, &bulk).unwrap();
    let op = archive.log(None, None, Some(OperationKind::BulkEdit)).unwrap()[0].clone();
    assert_eq!(op.changes, 3, "one version per item: {op:?}");

    // Each item's before-state is kept: the plan shows the fields going back.
    let plan = archive.revert_plan(op.id).unwrap();
    assert_eq!(plan.items.len(), 3);
    assert!(plan.conflicts.is_empty());
    let fields: Vec<&str> = plan.items[0].2.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["sensitivity", "tags"]);

    // A later edit to one item's tags: reverting would undo it, so the revert is refused.
    set(&mut archive, ids[1], "tags", "rally, march");
    let plan = archive.revert_plan(op.id).unwrap();
    assert_eq!(plan.conflicts.len(), 1, "{plan:?}");
    assert_eq!((plan.conflicts[0].item, plan.conflicts[0].field.as_str()), (ids[1], "tags"));
    let refused = archive.revert_operation(op.id).unwrap_err();
    assert_eq!(refused.code(), "revert_conflict");
    assert!(refused.to_string().contains("tags") && refused.to_string().contains("Words number 1"), "{refused}");
    assert_eq!(archive.get(ids[0]).unwrap().sensitivity, Sensitivity::Restricted, "nothing reverted");

    // Take the later edit back first (restore the item's bulk-edit version), then it reverts.
    let bulk_version = archive.history(ids[1]).unwrap()[1].version;
    archive.restore_version(ids[1], bulk_version).unwrap();
    // The restore touched the tags again: still a conflict. Reverting the later edit's own
    // operation is the way: it set tags only.
    let later = archive.log(None, None, Some(OperationKind::Edit)).unwrap()[0].clone();
    assert!(archive.revert_plan(later.id).unwrap().conflicts.len() == 1);
    let dir2 = temp();
    let mut fresh = Archive::create(&dir2.path().join("b")).unwrap();
    let ids: Vec<Id> = (0..3).map(|i| quote(&mut fresh, &format!("Other words {i}"), "Lee")).collect();
    fresh.edit_many(&ids, &bulk).unwrap();
    set(&mut fresh, ids[2], "context", "said at the gate");
    let op = fresh.log(None, None, Some(OperationKind::BulkEdit)).unwrap()[0].clone();
    let done = fresh.revert_operation(op.id).unwrap();
    assert!(done.conflicts.is_empty(), "a later change to another field is no conflict");
    for id in &ids {
        let item = fresh.get(*id).unwrap();
        assert_eq!((item.sensitivity, item.tags.len()), (Sensitivity::Public, 0), "{item:?}");
    }
    let ItemDetails::Quote(q) = &fresh.get(ids[2]).unwrap().details else { panic!() };
    assert_eq!(q.context.as_deref(), Some("said at the gate"), "the later change stays");
    let newest = fresh.log(None, None, None).unwrap()[0].clone();
    assert_eq!((newest.kind, newest.changes), (OperationKind::Revert, 3), "a revert is itself an operation");

    // A collection's rename and new order are operations of their own.
    fresh.add_to_collection("Rally", &ids).unwrap();
    fresh.rename_collection("Rally", "Rally day").unwrap();
    let rename = fresh.log(None, None, Some(OperationKind::Catalogue)).unwrap()[0].clone();
    assert!(rename.summary.contains("Rally day") && rename.changes == 1, "{rename:?}");
    fresh.reorder_collection("Rally day", &[ids[2], ids[0], ids[1]]).unwrap();
    assert_eq!(fresh.log(None, None, None).unwrap()[0].changes, 1, "the new order is kept as the collection's version");
}

#[test]
fn an_import_is_reverted_by_removing_what_it_added() {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("a")).unwrap();
    let file = write(&dir.path().join("in/quotes.jsonl"), quote_lines(4));
    archive.import_paths(&[file], Default::default(), &mut |_| {}, &AtomicBool::new(false)).unwrap();
    let import = archive.log(None, None, Some(OperationKind::Import)).unwrap()[0].clone();
    assert_eq!(import.changes, 4);
    assert!(import.summary.contains("quotes.jsonl"), "{}", import.summary);
    let plan = archive.revert_operation(import.id).unwrap();
    assert_eq!(plan.removed.len(), 4);
    assert_eq!(archive.stats().unwrap().items, 0);
}

#[test]
fn a_purged_name_survives_in_no_version_and_no_operation() {
    let dir = temp();
    let root = dir.path().join("a");
    let mut archive = Archive::create(&root).unwrap();
    let name = "Ximena Quillfeather";
    let theirs = quote(&mut archive, "I was scared to walk out", name);
    set(&mut archive, theirs, "context", "said after class");
    // Another item named them once, in an earlier version, and no longer does.
    let other = quote(&mut archive, "The march went past the school", "Lee");
    set(&mut archive, other, "context", &format!("Lee walked with {name}"));
    set(&mut archive, other, "context", "Lee walked with friends");
    let versions = |archive: &Archive, id: Id| serde_json::to_string(&archive.history(id).unwrap()).unwrap();
    assert!(versions(&archive, other).contains("Quillfeather"));

    archive.purge_person(name).unwrap();
    assert!(matches!(archive.history(theirs), Err(Error::ItemNotFound { .. })), "their item's history is gone");
    let kept = versions(&archive, other);
    assert!(!kept.to_lowercase().contains("quillfeather"), "{kept}");
    assert_eq!(archive.history(other).unwrap().len(), 3, "the other item keeps its versions, without the name");
    let log = serde_json::to_string(&archive.log(None, None, None).unwrap()).unwrap();
    assert!(!log.to_lowercase().contains("quillfeather") && !log.contains("scared"), "{log}");
    drop(archive);
    assert_eq!(files_containing(&root, b"Quillfeather"), Vec::<String>::new());
}

#[test]
fn an_item_from_before_the_history_keeps_its_earlier_state_as_its_first_version() {
    let dir = temp();
    let root = dir.path().join("archive-v7");
    copy_dir(&data("archive-v7"), &root);
    let mut archive = Archive::open(&root).unwrap();
    let hit = archive.search(&walkout::SearchRequest::words("Twin Cities")).unwrap().hits[0].id;
    assert!(archive.history(hit).unwrap().is_empty(), "nothing recorded yet");
    set(&mut archive, hit, "context", "Said at the rally, corrected");
    let history = archive.history(hit).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].operation.kind, OperationKind::Earlier);
    assert_eq!(history[1].changes.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(), ["context"]);
    archive.restore_version(hit, 1).unwrap();
    let ItemDetails::Quote(q) = &archive.get(hit).unwrap().details else { panic!() };
    assert_ne!(q.context.as_deref(), Some("Said at the rally, corrected"));
}

#[test]
fn the_cli_shows_history_and_the_log_and_reverts() {
    let dir = temp();
    let (root, archive) = demo_archive(dir.path());
    drop(archive);
    assert!(run(&root, &["user", "Ana Archivist"]).status.success());
    assert_eq!(String::from_utf8(run(&root, &["user"]).stdout).unwrap().trim(), "Ana Archivist");
    let hits = run_json(&root, &["search", "Twin Cities", "--json"]);
    let id = hits["hits"][0]["id"].as_str().unwrap().to_string();
    assert!(run(&root, &["edit", &id, "--set", "context=First correction"]).status.success());
    assert!(run(&root, &["edit", &id, "--set", "context=Second correction"]).status.success());

    let history = run_json(&root, &["history", &id, "--json"]);
    let versions = history.as_array().unwrap();
    assert_eq!(versions.len(), 3, "{history}");
    assert_eq!(versions[2]["changes"][0]["old"], "First correction");
    assert_eq!(versions[2]["user"], "Ana Archivist");
    let text = String::from_utf8(run(&root, &["history", &id]).stdout).unwrap();
    assert!(text.contains("context: First correction → Second correction"), "{text}");

    let out = run(&root, &["revert", &id, "--to", "2"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(run_json(&root, &["show", &id, "--json"])["context"], "First correction");

    let log = run_json(&root, &["log", "--json"]);
    let kinds: Vec<&str> = log.as_array().unwrap().iter().map(|o| o["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds[..3], ["restore", "edit", "edit"], "{log}");
    let edit = log[1]["id"].as_i64().unwrap().to_string();
    let dry = String::from_utf8(run(&root, &["revert", "--operation", &edit, "--dry-run"]).stdout).unwrap();
    assert!(dry.contains("conflict") && dry.contains("context"), "{dry}");
    let refused = run(&root, &["revert", "--operation", &edit]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("changed again later"));
    assert_eq!(run_json(&root, &["log", "--since", "2999-01-01", "--json"]), serde_json::json!([]));
    let bad = run(&root, &["revert", &id]);
    assert!(!bad.status.success());
}

#[test]
fn an_archival_bagit_carries_the_history_and_a_public_one_never_does() {
    use walkout::export::{self, ExportOptions, Format};
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("a")).unwrap();
    let id = quote(&mut archive, "We will not be moved", "Lee");
    set(&mut archive, id, "context", "an earlier note that was taken out");
    set(&mut archive, id, "context", "said at the gate");
    let public = dir.path().join("public");
    export::export(&archive, Format::Bagit, &ExportOptions::default(), &public).unwrap();
    assert!(!public.join("data/history.json").exists());
    assert_eq!(files_containing(&public, b"taken out"), Vec::<String>::new(), "no earlier version leaves");

    let archival = dir.path().join("archival");
    let options = ExportOptions { originals: true, include_restricted: true, ..Default::default() };
    export::export(&archive, Format::Bagit, &options, &archival).unwrap();
    let history: serde_json::Value =
        serde_json::from_slice(&std::fs::read(archival.join("data/history.json")).unwrap()).unwrap();
    let versions = history[id.to_string()].as_array().expect("the item's versions");
    assert_eq!(versions.len(), 3);
    assert_eq!(versions[2]["changes"][0]["old"], "an earlier note that was taken out");
    // The bag's manifests cover it: it is payload like the rest.
    let manifest = std::fs::read_to_string(archival.join("manifest-sha256.txt")).unwrap();
    assert!(manifest.contains("data/history.json"), "{manifest}");
}
