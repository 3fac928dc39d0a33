//! Faults injected at each step of the write path (the `fail` crate, `--features failpoints`):
//! a file stored but its row not committed (`blob-written`), rows committed but the index not
//! (`after-db-commit`, `before-index-commit`), and a full disk while storing files (`disk-full`).
//! The child `walkout import` is killed (SIGKILL) while it waits at the failpoint; on reopen the
//! archive must be whole, its index never ahead of its database, and a second import must finish
//! the job.
#![cfg(feature = "failpoints")]

use std::path::{Path, PathBuf};

use walkout::Archive;

use crate::common::*;

const PHOTOS: usize = 4;
const QUOTES: usize = 50;

/// A new, empty archive and a folder to import: `PHOTOS` photos and a sheet of `QUOTES` quotes.
fn archive_and_folder(dir: &Path) -> (PathBuf, PathBuf) {
    let root = dir.join("archive");
    drop(Archive::create(&root).unwrap());
    let folder = dir.join("incoming");
    jpegs(&folder, PHOTOS);
    write(&folder.join("quotes.jsonl"), quote_lines(QUOTES));
    (root, folder)
}

fn items_committed(root: &Path) -> u64 {
    Archive::open_read_only(root).and_then(|a| a.stats()).map_or(0, |s| s.items)
}

fn stored_files(root: &Path) -> usize {
    let Ok(dirs) = std::fs::read_dir(root.join("files")) else { return 0 };
    dirs.flatten()
        .filter(|d| !d.file_name().to_string_lossy().starts_with('.'))
        .map(|d| std::fs::read_dir(d.path()).map_or(0, |f| f.count()))
        .sum()
}

/// Runs `walkout import` with `failpoint` set to sleep, waits until `reached`, checks the index
/// is not ahead while the child waits there, and kills it.
fn import_killed_at(root: &Path, folder: &Path, failpoint: &str, reached: impl Fn() -> bool) {
    let mut child = walkout(root)
        .arg("import")
        .arg(folder)
        .env("FAILPOINTS", format!("{failpoint}=sleep(60000)"))
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for(&mut child, &format!("the import reached {failpoint}"), reached);
    assert_index_not_ahead(root);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_index_not_ahead(root);
}

/// The second import adds exactly what the first did not commit, and the archive then holds
/// everything, with nothing left over.
fn import_again_finishes_the_job(root: &Path, folder: &Path, already: u64) {
    let report = run_json(root, &["import", folder.to_str().unwrap(), "--json"]);
    assert_eq!(report["failed"], serde_json::json!([]), "{report}");
    let added = report["added"].as_array().unwrap().len() as u64;
    assert_eq!(added + already, (PHOTOS + QUOTES) as u64, "{report}");
    let (stats, verify) = assert_whole(root);
    assert_eq!((stats.photos, stats.quotes), (PHOTOS as u64, QUOTES as u64));
    assert_eq!(stats.files, PHOTOS as u64);
    assert!(verify.unreferenced.is_empty(), "{:?}", verify.unreferenced);
}

#[test]
fn killed_after_a_batchs_files_are_written_but_before_they_are_named_nothing_is_left_but_swept_temp_files() {
    let dir = temp();
    let (root, folder) = archive_and_folder(dir.path());
    let temps = || std::fs::read_dir(root.join("files/.tmp")).map_or(0, |d| d.count());
    import_killed_at(&root, &folder, "files-staged", || temps() >= PHOTOS);
    assert_eq!(stored_files(&root), 0, "no file is under a hash name before the batch is synced");
    let (stats, verify) = assert_whole(&root);
    assert_eq!(stats.items, 0, "nothing was committed");
    assert!(verify.unreferenced.is_empty(), "{verify:?}");
    assert_eq!(temps(), 0, "the temp files were swept when the archive opened");

    import_again_finishes_the_job(&root, &folder, 0);
}

#[test]
fn killed_after_a_batchs_files_are_stored_but_before_their_rows_verify_reports_them_and_clean_removes_them() {
    let dir = temp();
    let (root, folder) = archive_and_folder(dir.path());
    // Every file of the batch named (the failpoint waits after the last rename and its sync);
    // killed at the first name, the others would still be being renamed.
    import_killed_at(&root, &folder, "blob-written", || stored_files(&root) >= PHOTOS);
    let (stats, verify) = assert_whole(&root);
    assert_eq!(stats.items, 0, "nothing was committed");
    // The batch's files are settled together: every photo of it is stored, none has a row.
    assert_eq!(verify.unreferenced.len(), PHOTOS, "the stored files no row points to: {verify:?}");

    let out = run(&root, &["verify"]);
    assert_eq!(out.status.code(), Some(0), "an unreferenced file is no fixity failure");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains(&format!("{PHOTOS} stored files nothing points to")) && said.contains("verify --clean"),
        "{said}"
    );
    let cleaned = run_json(&root, &["verify", "--clean", "--json"]);
    assert_eq!(cleaned["removed"]["files"].as_array().unwrap().len(), PHOTOS, "{cleaned}");
    assert_eq!(stored_files(&root), 0);
    assert!(assert_whole(&root).1.unreferenced.is_empty());

    import_again_finishes_the_job(&root, &folder, 0);
}

#[test]
fn killed_after_the_database_commit_the_index_is_behind_never_ahead_and_catches_up() {
    let dir = temp();
    let (root, folder) = archive_and_folder(dir.path());
    import_killed_at(&root, &folder, "after-db-commit", || items_committed(&root) > 0);
    let behind = Archive::open_read_only(&root).unwrap().stats().unwrap();
    assert_eq!((behind.items, behind.index_docs), ((PHOTOS + QUOTES) as u64, 0), "one batch, not indexed yet");
    let (stats, verify) = assert_whole(&root);
    assert_eq!(stats.items, (PHOTOS + QUOTES) as u64);
    assert!(verify.unreferenced.is_empty());
    import_again_finishes_the_job(&root, &folder, stats.items);
}

#[test]
fn killed_before_the_index_commit_the_staged_documents_are_not_visible_and_the_index_catches_up() {
    let dir = temp();
    let (root, folder) = archive_and_folder(dir.path());
    import_killed_at(&root, &folder, "before-index-commit", || items_committed(&root) > 0);
    assert_eq!(Archive::open_read_only(&root).unwrap().stats().unwrap().index_docs, 0);
    let (stats, _) = assert_whole(&root);
    assert_eq!(stats.items, (PHOTOS + QUOTES) as u64);
    let archive = Archive::open_read_only(&root).unwrap();
    let found = archive.search(&walkout::SearchRequest::words(quote_text(7))).unwrap();
    assert_eq!(found.hits.first().map(|h| h.title.contains("quote000007")), Some(true), "{:?}", found.hits);
    drop(archive);
    import_again_finishes_the_job(&root, &folder, stats.items);
}

#[test]
fn a_full_disk_while_storing_photos_fails_each_photo_naming_it_and_keeps_the_rest() {
    let dir = temp();
    let (root, folder) = archive_and_folder(dir.path());
    let out = walkout(&root)
        .args(["import", folder.to_str().unwrap(), "--json"])
        .env("FAILPOINTS", "disk-full=return")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "failures are reported: {}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let failed = report["failed"].as_array().unwrap();
    assert_eq!(failed.len(), PHOTOS, "{report}");
    for f in failed {
        let (path, error) = (f["path"].as_str().unwrap(), f["error"].as_str().unwrap());
        assert!(path.ends_with(".jpg"), "{path}");
        assert!(
            error.contains("the disk is full") && error.contains("files/"),
            "names the file it could not write: {error}"
        );
        assert!(error.contains("free some space"), "{error}");
    }
    assert_eq!(report["added"].as_array().unwrap().len(), QUOTES);
    let (stats, verify) = assert_whole(&root);
    assert_eq!((stats.items, stats.files), (QUOTES as u64, 0));
    assert!(verify.unreferenced.is_empty());
    assert_eq!(stored_files(&root), 0, "no half-written file is left");
    import_again_finishes_the_job(&root, &folder, QUOTES as u64);
}
