//! One writer at a time, readers alongside, and crash consistency: a process killed between the
//! SQLite commit and the index commit leaves an archive whose index catches up on the next open.

use std::time::{Duration, Instant};

use walkout::{Archive, Error, SearchRequest};

use crate::common::*;

#[test]
fn a_second_writer_is_told_the_archive_is_in_use_and_reading_still_works() {
    let dir = temp();
    let (root, _writer) = demo_archive(dir.path());
    match Archive::open(&root) {
        Err(Error::ArchiveInUse { path }) => assert_eq!(path, root),
        Err(other) => panic!("expected ArchiveInUse, got {other}"),
        Ok(_) => panic!("a second writer must be refused"),
    }
    let out = run(&root, &["add", "quote", "--text", "second writer"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("archive in use"), "{err}");
    // Reading goes on while the writer holds the archive.
    let found = run_json(&root, &["search", "Twin Cities", "--json"]);
    assert_eq!(found["total"], 1);
    assert_eq!(run_json(&root, &["stats", "--json"])["items"], 10);
}

#[test]
fn a_reader_sees_what_the_writer_commits() {
    let dir = temp();
    let (root, mut writer) = demo_archive(dir.path());
    let reader = Archive::open_read_only(&root).unwrap();
    assert_eq!(reader.search(&SearchRequest::words("zucchini")).unwrap().total, 0);
    writer.add_item(walkout::Item::quote("A zucchini is not a protest sign", writer.now())).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while reader.search(&SearchRequest::words("zucchini")).unwrap().total == 0 {
        assert!(Instant::now() < deadline, "the reader never saw the new quote");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(feature = "failpoints")]
#[test]
fn a_lock_left_by_a_killed_writer_does_not_block_the_next_one() {
    let dir = temp();
    let (root, archive) = demo_archive(dir.path());
    drop(archive);
    // A writer that is killed while it holds the archive (it sleeps after its database commit).
    let mut child = walkout(&root)
        .args(["add", "quote", "--text", "held"])
        .env("FAILPOINTS", "after-db-commit=sleep(60000)")
        .spawn()
        .unwrap();
    // Wait for its commit through a reader, which takes no lock (probing with a writer could
    // take the lock first and make the child give up).
    let deadline = Instant::now() + Duration::from_secs(60);
    while Archive::open_read_only(&root).and_then(|r| r.stats()).map_or(0, |s| s.items) < 11 {
        assert!(Instant::now() < deadline, "the child never committed");
        assert!(child.try_wait().unwrap().is_none(), "the child gave up");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(matches!(Archive::open(&root), Err(Error::ArchiveInUse { .. })), "a live writer's lock is respected");
    child.kill().unwrap();
    child.wait().unwrap();
    let archive = Archive::open(&root).expect("the lock of a dead process is released");
    // Killed after its database commit, before its index commit: the index catches up.
    let stats = archive.stats().unwrap();
    assert_eq!(stats.items, 11, "{stats:?}");
    assert_eq!(stats.index_docs, stats.items);
    assert_eq!(archive.integrity_check().unwrap(), "ok");
}

#[cfg(feature = "failpoints")]
#[test]
fn killed_between_the_database_commit_and_the_index_commit_the_index_catches_up() {
    let dir = temp();
    let (root, archive) = demo_archive(dir.path());
    drop(archive);
    let mut child = walkout(&root)
        .args(["add", "quote", "--text", "Canary quote of the crash test"])
        .env("FAILPOINTS", "after-db-commit=sleep(60000)")
        .spawn()
        .unwrap();
    // Wait until the quote is committed to SQLite (the child then sleeps before the index commit).
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let items = Archive::open_read_only(&root).and_then(|a| a.stats()).map(|s| s.items).unwrap_or(0);
        if items == 11 {
            break;
        }
        assert!(Instant::now() < deadline, "the child never committed");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let behind = Archive::open_read_only(&root).unwrap();
    assert_eq!(behind.search(&SearchRequest::words("canary")).unwrap().total, 0, "the index missed the commit");
    assert_eq!(behind.stats().unwrap().index_docs, 10);
    drop(behind);

    let reopened = Archive::open(&root).unwrap();
    assert_eq!(reopened.search(&SearchRequest::words("canary")).unwrap().total, 1);
    assert_eq!(reopened.stats().unwrap().index_docs, 11);
    assert_eq!(reopened.integrity_check().unwrap(), "ok");
}

#[test]
fn a_deleted_or_damaged_index_is_rebuilt_from_the_database() {
    let dir = temp();
    let (root, archive) = demo_archive(dir.path());
    drop(archive);
    std::fs::remove_dir_all(root.join("index")).unwrap();
    let rebuilt = Archive::open(&root).unwrap();
    assert_eq!(rebuilt.search(&SearchRequest::words("Twin Cities")).unwrap().total, 1);
    drop(rebuilt);

    std::fs::write(root.join("index/meta.json"), b"{ this is not json").unwrap();
    let rebuilt = Archive::open(&root).unwrap();
    assert_eq!(rebuilt.stats().unwrap().index_docs, 10);
    drop(rebuilt);

    // Segment files cut short.
    for entry in std::fs::read_dir(root.join("index")).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "idx" || e == "term") {
            std::fs::write(&path, b"garbage").unwrap();
        }
    }
    let rebuilt = Archive::open(&root).unwrap();
    assert_eq!(rebuilt.search(&SearchRequest::words("Seattle")).unwrap().total, 1);
    assert_eq!(rebuilt.stats().unwrap().index_docs, 10);
}
