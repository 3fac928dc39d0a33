//! Archive format compatibility: the archive committed under tests/data (written by format
//! version 1) still opens and searches, and an archive from a newer version is refused with a
//! message naming both versions.

use walkout::{Archive, DateRule, Error, ItemDetails, ItemKind, SearchRequest};

use crate::common::*;

#[test]
fn the_format_1_archive_opens_and_searches() {
    let dir = temp();
    let root = dir.path().join("v1");
    copy_dir(&data("archive-v1"), &root);
    let archive = Archive::open(&root).expect("format 1 opens");
    assert_eq!(archive.integrity_check().unwrap(), "ok");
    let stats = archive.stats().unwrap();
    assert_eq!((stats.items, stats.quotes, stats.articles, stats.files), (11, 3, 8, 1));
    assert_eq!(archive.search(&SearchRequest::words("Twin Cities")).unwrap().total, 1);
    assert!(archive.verify(&mut |_, _| {}).unwrap().is_clean());
}

#[test]
fn an_archive_from_a_newer_version_is_refused_naming_both_versions() {
    let dir = temp();
    let root = dir.path().join("future");
    copy_dir(&data("archive-v1"), &root);
    // Simulate a newer binary's archive: bump the format version in the database.
    let db = root.join("archive.sqlite");
    let status = std::process::Command::new("sqlite3").arg(&db).arg("PRAGMA user_version = 99;").status();
    if status.is_err() {
        // No sqlite3 CLI: write the header field directly (user_version is bytes 60..64).
        let mut bytes = std::fs::read(&db).unwrap();
        bytes[60..64].copy_from_slice(&99u32.to_be_bytes());
        std::fs::write(&db, bytes).unwrap();
    }
    for open in [Archive::open, Archive::open_read_only] {
        match open(&root) {
            Err(Error::ArchiveTooNew { found, supported, .. }) => {
                assert_eq!(found, 99);
                assert!(supported < 99);
            }
            Err(other) => panic!("expected ArchiveTooNew, got {other}"),
            Ok(_) => panic!("a newer archive must be refused"),
        }
    }
    let out = run(&root, &["stats"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("format version 99"));
}

/// The fixture archive of the format this binary writes. A migration that adds a format version
/// makes this fail until `write_the_fixture_of_this_format` has written the new version's
/// fixture (and the older ones stay, each reopened by its own test).
fn this_format() -> String {
    format!("archive-v{}", walkout::store::migrations::current_version())
}

/// What the fixture holds beyond the demo record: a photo, an article, a quote sheet, a protected
/// person with a consent record, a collection and a fixity run.
const FIXTURE_QUOTE: &str = "We kept the banner for the archive";
const FIXTURE_PERSON: &str = "Marisol Vega";

#[test]
fn the_archive_of_this_version_opens_searches_and_verifies() {
    let name = this_format();
    assert!(
        data(&name).join("archive.sqlite").is_file(),
        "no fixture for this format: run `WALKOUT_WRITE_FIXTURE=1 cargo test --features walkout/failpoints \
         --test integration write_the_fixture_of_this_format -- --ignored` and commit tests/data/{name}"
    );
    let dir = temp();
    let root = dir.path().join(&name);
    copy_dir(&data(&name), &root);
    let archive = Archive::open(&root).expect("this format opens");
    assert_eq!(archive.integrity_check().unwrap(), "ok");
    let stats = archive.stats().unwrap();
    assert_eq!((stats.items, stats.quotes, stats.photos, stats.articles), (13, 4, 1, 8), "{stats:?}");
    assert_eq!(stats.index_docs, stats.items);
    let found = archive.search(&SearchRequest::words("banner archive")).unwrap();
    assert_eq!(found.hits.first().map(|h| h.byline.as_deref()), Some(Some(FIXTURE_PERSON)));
    let person = archive.person_privacy(FIXTURE_PERSON).unwrap();
    assert!(person.minor && person.pseudonym.as_deref() == Some("a student at Roosevelt High"), "{person:?}");
    assert_eq!(archive.collection_items("Fixture").unwrap().len(), 2);
    assert_eq!(archive.fixity_log().unwrap().len(), 1);
    // The article keeps the rule that found its date.
    let article = found.hits.iter().find(|h| h.kind == ItemKind::Article).map(|h| archive.get(h.id).unwrap());
    let rule = article.and_then(|a| match a.details {
        ItemDetails::Article(a) => a.date_rule,
        _ => None,
    });
    assert_eq!(rule, Some(DateRule::Meta));
    let verify = archive.verify(&mut |_, _| {}).unwrap();
    assert!(verify.is_clean() && verify.index_agrees() && verify.unreferenced.is_empty(), "{verify:?}");
    assert_eq!(verify.checked, 2, "the photo and the article");
    drop(archive);
    // Read-only, as a second process would.
    let reader = Archive::open_read_only(&root).unwrap();
    assert_eq!(reader.search(&SearchRequest::words("Twin Cities")).unwrap().total, 1);
}

/// Format 3 (before backups were logged and purges could be resumed) opens, is migrated, and a
/// purge then works on it.
#[test]
fn the_archive_of_format_3_opens_migrates_and_purges() {
    let dir = temp();
    let root = dir.path().join("archive-v3");
    copy_dir(&data("archive-v3"), &root);
    let mut archive = Archive::open(&root).expect("format 3 opens");
    assert_eq!(archive.integrity_check().unwrap(), "ok");
    assert_eq!(archive.stats().unwrap().items, 13);
    let hit = archive.search(&SearchRequest::words("banner archive")).unwrap().hits[0].id;
    let report = archive.purge(&[hit]).unwrap();
    assert_eq!(report.items, vec![hit]);
    assert_eq!(archive.stats().unwrap().items, 12);
}

/// Format 4 (before an item's notes could be marked for publication) opens and is migrated:
/// its notes stay unpublished, and its quotes are found by their source.
#[test]
fn the_archive_of_format_4_opens_and_migrates_with_its_notes_unpublished() {
    let dir = temp();
    let root = dir.path().join("archive-v4");
    copy_dir(&data("archive-v4"), &root);
    let archive = Archive::open(&root).expect("format 4 opens");
    assert_eq!(archive.integrity_check().unwrap(), "ok");
    assert_eq!(archive.stats().unwrap().items, 13);
    assert!(archive.all_items().unwrap().iter().all(|i| !i.description_public));
    assert_eq!(archive.search(&SearchRequest::words("banner archive")).unwrap().total, 2);
}

/// Format 5 (before words were read in photos) opens and is migrated: nothing is read yet, so
/// every photo is waiting for `walkout ocr`.
#[test]
fn the_archive_of_format_5_opens_and_migrates_with_its_photos_waiting_to_be_read() {
    let dir = temp();
    let root = dir.path().join("archive-v5");
    copy_dir(&data("archive-v5"), &root);
    let archive = Archive::open(&root).expect("format 5 opens");
    assert_eq!(archive.integrity_check().unwrap(), "ok");
    assert_eq!(archive.stats().unwrap().items, 13);
    assert!(archive.all_items().unwrap().iter().all(|i| i.ocr_text.is_none()));
    assert_eq!(archive.ocr_candidates(false).unwrap().len(), 1);
    assert_eq!(archive.search(&SearchRequest::words("banner archive")).unwrap().total, 2);
}

/// Format 6 (before the rule that found an article's date was kept) opens and is migrated:
/// its articles have no rule, and a date set on one is stored without one.
#[test]
fn the_archive_of_format_6_opens_and_migrates_with_no_date_rules() {
    let dir = temp();
    let root = dir.path().join("archive-v6");
    copy_dir(&data("archive-v6"), &root);
    let mut archive = Archive::open(&root).expect("format 6 opens");
    assert_eq!(archive.integrity_check().unwrap(), "ok");
    assert_eq!(archive.stats().unwrap().items, 13);
    let articles: Vec<_> = archive.all_items().unwrap().into_iter().filter(|i| i.kind() == ItemKind::Article).collect();
    assert_eq!(articles.len(), 8);
    assert!(articles.iter().all(|i| matches!(&i.details, ItemDetails::Article(a) if a.date_rule.is_none())));
    let edited = archive.edit(articles[0].id, &[("date".into(), "2026-02-02".into())]).unwrap();
    assert_eq!(archive.get(edited.id).unwrap(), edited);
}

/// Format 10 opens and is migrated (the protected people get an index of their own): the
/// fixture's minor, quoted again under another spelling of her name, is still recognised, in
/// the index a search reads as in what an export leaves out.
#[test]
fn the_archive_of_format_10_opens_and_migrates_with_its_protected_people_still_recognised() {
    let dir = temp();
    let root = dir.path().join("archive-v10");
    copy_dir(&data("archive-v10"), &root);
    let mut archive = Archive::open(&root).expect("format 10 opens");
    assert_eq!(archive.integrity_check().unwrap(), "ok");
    let mut quote = walkout::Item::quote("Our banner hangs in the library now", archive.now());
    if let ItemDetails::Quote(q) = &mut quote.details {
        q.speaker = Some("MARISOL  VÉGA".into());
    }
    let id = archive.add_item(quote).unwrap();
    let hits = archive.search(&SearchRequest::words("banner hangs library")).unwrap().hits;
    let hit = hits.iter().find(|h| h.id == id).expect("the new quote is found");
    assert_ne!(hit.sensitivity, walkout::Sensitivity::Public, "{hit:?}");
    let (_, left_out) = walkout::export::select(&archive, &walkout::export::Selection::All, false).unwrap();
    assert!(left_out.iter().any(|l| l.id == id && l.reason == "quotes a minor"), "{left_out:?}");
}

/// Writes the fixture of this format into tests/data (run on purpose only: see above).
#[test]
#[ignore]
fn write_the_fixture_of_this_format() {
    if std::env::var_os("WALKOUT_WRITE_FIXTURE").is_none() {
        return;
    }
    let root = data(&this_format());
    assert!(!root.exists(), "{} exists: a format's fixture is written once", root.display());
    let dir = temp();
    let mut archive = Archive::create(&root).unwrap();
    walkout::demo::populate(&mut archive).unwrap();
    let incoming = dir.path().join("incoming");
    jpegs(&incoming, 1);
    write(
        &incoming.join("article.html"),
        "<!DOCTYPE html><html lang=\"en\"><head><title>The banner goes to the archive</title>\
         <meta property=\"article:published_time\" content=\"2026-02-02T10:00:00-06:00\"></head><body>\
         <article><h1>The banner goes to the archive</h1><p>Students who led the walkout gave their hand-painted \
         banner to the school library on Monday, with the photos and the list of demands they carried.</p>\
         <p>The librarian said it would be kept with the yearbooks so that the next classes can see it.</p>\
         </article></body></html>",
    );
    write(
        &incoming.join("quotes.csv"),
        format!("text,speaker,date,place,tags\n{FIXTURE_QUOTE},{FIXTURE_PERSON},2026-02,Los Angeles,banner\n"),
    );
    let report = archive
        .import_paths(&[incoming], Default::default(), &mut |_| {}, &std::sync::atomic::AtomicBool::new(false))
        .unwrap();
    assert_eq!((report.added.len(), report.failed.len()), (3, 0), "{report:?}");
    archive.set_person_protection(FIXTURE_PERSON, Some(true), None, Some(Some("a student at Roosevelt High"))).unwrap();
    let consent = walkout::privacy::ConsentRecord {
        scope: walkout::privacy::ConsentScope::Quote,
        status: walkout::Consent::Granted,
        date: Some("2026-02-03".parse().unwrap()),
        note: Some("asked in person".into()),
        expires: None,
    };
    archive.record_consent(FIXTURE_PERSON, consent).unwrap();
    let ids: Vec<_> = report.added.iter().take(2).map(|a| a.id).collect();
    archive.add_to_collection("Fixture", &ids).unwrap();
    archive.verify_and_log(&mut |_, _| {}).unwrap();
}
