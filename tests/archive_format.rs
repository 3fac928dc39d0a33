//! Archive format compatibility: the archive committed under tests/data (written by format
//! version 1) still opens and searches, and an archive from a newer version is refused with a
//! message naming both versions.

use walkout::{Archive, Error, SearchRequest};

use crate::common::*;

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

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
