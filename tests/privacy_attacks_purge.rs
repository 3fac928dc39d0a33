//! Attacks on a takedown: after `walkout purge`, someone who gets the laptop reads every byte of
//! the archive folder looking for the purged material; someone who gets the temp folder of a
//! machine that imported into an encrypted archive looks for what the import unpacked there.
//! Canary style: a unique word in the protected material, then every file is searched for it.
//! Each test is named after what the attacker tries and must not get.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use walkout::ingest::ImportLimits;
use walkout::model::{ItemDetails, QuoteDetails};
use walkout::privacy::{ConsentRecord, ConsentScope};
use walkout::{Archive, Consent, Id, Item};

use crate::common::*;

const CANARY: &[u8] = b"canaryqxz";

/// Every file under the archive folder (database, WAL, index, files, thumbnails, anything) that
/// holds the canary, in any case.
fn canary_in(root: &Path, canary: &[u8]) -> Vec<String> {
    all_files(root)
        .into_iter()
        .filter(|(_, bytes)| bytes.to_ascii_lowercase().windows(canary.len()).any(|w| w == canary))
        .map(|(name, _)| name)
        .collect()
}

fn neighbours(archive: &mut Archive) {
    let items: Vec<Item> =
        (0..30).map(|i| Item::quote(format!("An ordinary neighbour quote number {i}"), archive.now())).collect();
    archive.add_items(&items).unwrap();
}

/// A quote whose every field, and everything only it uses, carries the canary: its words, its
/// speaker (with a consent record whose note names the canary), a tag, a place, an event and a
/// collection only it has.
fn canary_quote(archive: &mut Archive) -> Id {
    let mut item = Item::quote("The canaryqxz words that were said at the gate", archive.now());
    if let ItemDetails::Quote(QuoteDetails { speaker, context, .. }) = &mut item.details {
        *speaker = Some("Ana Canaryqxz".to_string());
        *context = Some("canaryqxz context".to_string());
    }
    item.tags = vec!["canaryqxz-tag".to_string()];
    item.place = Some("Canaryqxz Plaza".to_string());
    item.event = Some("Canaryqxz rally".to_string());
    item.collections = vec!["Canaryqxz collection".to_string()];
    let id = archive.add_item(item).unwrap();
    let note = ConsentRecord {
        scope: ConsentScope::Quote,
        status: Consent::Granted,
        date: None,
        note: Some("canaryqxz said yes on the phone".to_string()),
        expires: None,
    };
    archive.record_consent("Ana Canaryqxz", note).unwrap();
    id
}

fn import(archive: &mut Archive, paths: &[std::path::PathBuf]) -> Vec<Id> {
    let report = archive.import_paths(paths, ImportLimits::default(), &mut |_| {}, &AtomicBool::new(false)).unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    report.added.iter().map(|a| a.id).collect()
}

#[test]
fn reading_every_byte_of_the_archive_after_a_purge_finds_nothing_of_the_purged_quote() {
    let dir = temp();
    let root = dir.path().join("archive");
    let mut archive = Archive::create(&root).unwrap();
    neighbours(&mut archive);
    let id = canary_quote(&mut archive);
    neighbours(&mut archive);
    assert!(!canary_in(&root, CANARY).is_empty(), "the canary is written before the purge");

    let report = archive.purge(&[id]).unwrap();
    assert_eq!(report.items, vec![id]);
    assert_eq!(canary_in(&root, CANARY), Vec::<String>::new(), "the purged quote left traces");
    assert_eq!(std::fs::metadata(root.join("archive.sqlite-wal")).map_or(0, |m| m.len()), 0);
    // Nothing else went with it.
    assert_eq!(archive.stats().unwrap().items, 60);
    drop(archive);
    assert_eq!(canary_in(&root, CANARY), Vec::<String>::new());
    assert_whole(&root);
}

#[test]
fn reading_the_archive_after_purging_an_item_deleted_earlier_finds_neither_its_file_nor_its_words() {
    let dir = temp();
    let root = dir.path().join("archive");
    let mut archive = Archive::create(&root).unwrap();
    neighbours(&mut archive);
    let quote = canary_quote(&mut archive);
    let article = write(&dir.path().join("in/report.txt"), "Canaryqxz report\n\nThe canaryqxz family was named here.");
    let photo = jpegs(&dir.path().join("in/photos"), 1);
    let imported = import(&mut archive, &[article, photo[0].clone()]);
    let photo_id = imported.iter().copied().find(|id| archive.get(*id).unwrap().kind() == walkout::ItemKind::Photo);
    let photo_sha = archive.get(photo_id.unwrap()).unwrap().sha256().unwrap().to_string();
    archive.thumbnail(&photo_sha, walkout::files::thumbs::ThumbSize::Preview).unwrap();

    // Deleted as the app deletes (undo keeps the files), then purged by id.
    let mut ids = imported.clone();
    ids.push(quote);
    archive.delete_for_undo(&ids).unwrap();
    let report = archive.purge(&ids).unwrap();
    assert_eq!(report.already_deleted.len(), ids.len(), "{report:?}");
    assert_eq!(canary_in(&root, CANARY), Vec::<String>::new(), "the deleted, purged items left traces");
    let thumbs: Vec<_> = std::fs::read_dir(root.join("thumbs")).map(|d| d.flatten().collect()).unwrap_or_default();
    assert!(thumbs.is_empty(), "thumbnails left: {:?}", thumbs.iter().map(|e| e.path()).collect::<Vec<_>>());
    assert!(!archive.files().contains(&photo_sha), "the photo's original survived the purge");
    // An id never seen is still refused.
    let unknown: Id = "01900000-0000-7000-8000-000000000000".parse().unwrap();
    assert!(matches!(archive.purge(&[unknown]), Err(walkout::Error::ItemNotFound { .. })));
    drop(archive);
    assert_whole(&root);
}

#[test]
fn reading_the_archive_after_purging_a_person_finds_neither_their_name_nor_quotes_cut_from_their_article() {
    let dir = temp();
    let root = dir.path().join("archive");
    let mut archive = Archive::create(&root).unwrap();
    neighbours(&mut archive);
    let details = ItemDetails::Article(walkout::model::ArticleDetails {
        headline: "Students walk out".to_string(),
        body: "María López led the walkout; the canaryqxz chant began.".to_string(),
        ..Default::default()
    });
    let mut article = Item::new("Students walk out", details, archive.now());
    article.people = vec!["María López".to_string()];
    let article_id = archive.add_item(article).unwrap();
    // A quote cut from the article, by someone else: it goes with its source.
    let mut cut = Item::quote("the canaryqxz chant began", archive.now());
    if let ItemDetails::Quote(q) = &mut cut.details {
        q.source_item = Some(article_id);
        q.speaker = Some("A reporter".to_string());
    }
    let cut_id = archive.add_item(cut).unwrap();
    // An item that stays names her, spelt otherwise.
    let mut stays = Item::quote("We marched all day", archive.now());
    stays.description = Some("Photographed near MARIA LOPEZ and maria  lopez's school".to_string());
    let stays_id = archive.add_item(stays).unwrap();

    let report = archive.purge_person("María López").unwrap();
    assert!(report.items.contains(&article_id) && report.items.contains(&cut_id), "{report:?}");
    assert_eq!(report.derived_quotes, vec![cut_id]);
    assert_eq!(report.renamed, vec![stays_id]);
    assert_eq!(
        archive.get(stays_id).unwrap().description.as_deref(),
        Some("Photographed near [name removed] and [name removed]'s school")
    );
    assert_eq!(canary_in(&root, CANARY), Vec::<String>::new(), "the derived quote left traces");
    for name in [&b"lopez"[..], "lópez".as_bytes()] {
        assert_eq!(canary_in(&root, name), Vec::<String>::new(), "the purged person's name survived");
    }
}

#[test]
fn a_purge_killed_before_its_cleanup_run_again_leaves_nothing_and_says_what_it_finished() {
    let dir = temp();
    let root = dir.path().join("archive");
    let mut archive = Archive::create(&root).unwrap();
    neighbours(&mut archive);
    let quote = canary_quote(&mut archive);
    let photo = jpegs(&dir.path().join("in"), 1);
    let imported = import(&mut archive, &photo);
    let sha = archive.get(imported[0]).unwrap().sha256().unwrap().to_string();
    drop(archive);

    // Killed after the rows are gone, before files, thumbnails, index and WAL are cleaned.
    let (q, p) = (quote.to_string(), imported[0].to_string());
    let killed =
        walkout(&root).args(["purge", &q, &p]).env("FAILPOINTS", "purge-before-cleanup=panic").output().unwrap();
    assert!(!killed.status.success());
    let leftover = Archive::open_read_only(&root).unwrap();
    assert!(leftover.files().contains(&sha), "the kill came before the files were removed");
    drop(leftover);

    // The same command again: the ids are no longer items, and it finishes the job.
    let report = run_json(&root, &["purge", &q, &p, "--json"]);
    assert_eq!(report["already_deleted"].as_array().unwrap().len(), 2, "{report}");
    assert_eq!(report["files"], 1, "{report}");
    assert_eq!(canary_in(&root, CANARY), Vec::<String>::new());
    let archive = Archive::open(&root).unwrap();
    assert!(!archive.files().contains(&sha));
    assert!(!archive.purge_pending().unwrap());
    drop(archive);
    assert_whole(&root);
}

#[test]
fn a_purge_names_the_backups_made_before_it_so_they_can_be_recalled() {
    let dir = temp();
    let root = dir.path().join("archive");
    let mut archive = Archive::create(&root).unwrap();
    let quote = canary_quote(&mut archive);
    let before = dir.path().join("backup-before");
    assert!(archive.backup(&before).unwrap().recorded);
    let later = archive.add_item(Item::quote("Added after the backup", archive.now())).unwrap();
    let report = archive.purge(&[quote]).unwrap();
    let backups: Vec<_> = report.exports.iter().filter(|e| e.format == "backup").collect();
    assert_eq!(backups.len(), 1, "{report:?}");
    assert!(backups[0].destination.ends_with("backup-before"), "{backups:?}");
    // An item the backup never held names no backup.
    assert!(archive.purge(&[later]).unwrap().exports.is_empty());
}

#[test]
fn the_temp_folder_of_a_machine_that_imported_a_zipped_bag_into_an_encrypted_archive_holds_nothing_of_it() {
    let dir = temp();
    // A bag from another (plain) archive, with an article file, zipped.
    let source = dir.path().join("source");
    let mut archive = Archive::create(&source).unwrap();
    let article = write(&dir.path().join("in/report.txt"), "Canaryqxz report\n\nThe canaryqxz family was named here.");
    import(&mut archive, &[article]);
    drop(archive);
    let bag = dir.path().join("bag.zip");
    let out = run(&source, &["export", "--format", "bagit", "--zip", bag.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let root = dir.path().join("encrypted");
    let tmp = dir.path().join("tmpdir");
    std::fs::create_dir_all(&tmp).unwrap();
    let with = |args: &[&str]| {
        let mut cmd = walkout(&root);
        cmd.args(args).env("WALKOUT_PASSPHRASE", "a long passphrase").env("TMPDIR", &tmp);
        cmd
    };
    assert!(with(&["init", "--encrypt"]).output().unwrap().status.success());
    // Paused while the file is being stored: what the import unpacked is still there.
    let mut child = with(&["import", bag.to_str().unwrap()])
        .env("FAILPOINTS", "blob-written=sleep(60000)")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for(&mut child, "the import stored the bag's file", || {
        root.join("files").is_dir() && all_files(&root.join("files")).keys().any(|name| !name.starts_with(".tmp/"))
    });
    let in_tmp = all_files(&tmp);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(in_tmp.is_empty(), "the import wrote to the temp folder: {:?}", in_tmp.keys().collect::<Vec<_>>());

    // Run to the end: nothing in the temp folder, and the archive folder holds the canary only
    // sealed (the unpacked bag, inside it during the import, is gone).
    let out = with(&["import", bag.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(all_files(&tmp).is_empty());
    assert_eq!(canary_in(&root, CANARY), Vec::<String>::new(), "plaintext of the import in the archive folder");
}

#[test]
fn an_undo_kept_in_a_window_cannot_bring_back_a_quote_purged_meanwhile() {
    let dir = temp();
    let (root, mut archive) = demo_archive(dir.path());
    let id = archive.add_item(Item::quote("The canaryqxz meeting is at the bakery", archive.now())).unwrap();
    // The app deletes it and keeps the whole item in its undo stack (in the window's memory)…
    let deleted = archive.delete_for_undo(&[id]).unwrap();
    // …then a takedown purges it.
    archive.purge(&[id]).unwrap();
    let err = archive.restore(&deleted).unwrap_err().to_string();
    assert!(err.contains("purged"), "{err}");
    assert!(archive.get(id).is_err());
    drop(archive);
    assert!(canary_in(&root, CANARY).is_empty(), "{:?}", canary_in(&root, CANARY));
}
