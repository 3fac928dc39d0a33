//! Fixity and backups as an archivist relies on them: every verify run is logged, a backup made
//! while the archive is in use opens as an archive, and a failed backup never replaces the last
//! good one.

use walkout::{Archive, SearchRequest};

use crate::common::*;

#[test]
fn each_verify_run_is_recorded_in_the_fixity_log() {
    let dir = temp();
    let root = dir.path().join("a");
    run(&root, &["init"]);
    let note = write(&dir.path().join("note.txt"), "Walkout notes\nWe met at the flagpole.\n");
    let id =
        run_json(&root, &["import", note.to_str().unwrap(), "--json"])["added"][0]["id"].as_str().unwrap().to_string();
    assert!(run(&root, &["verify"]).status.success());
    let sha = run_json(&root, &["show", &id, "--json"])["sha256"].as_str().unwrap().to_string();
    std::fs::remove_file(root.join("files").join(&sha[..2]).join(&sha[2..])).unwrap();
    assert_eq!(run(&root, &["verify"]).status.code(), Some(2));

    let log = run_json(&root, &["verify", "--log", "--json"]);
    let runs = log.as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!((runs[0]["checked"].as_u64(), runs[0]["ok"].as_u64()), (Some(1), Some(1)));
    assert_eq!(runs[1]["missing"][0]["id"], id);
    let text = String::from_utf8(run(&root, &["verify", "--log"]).stdout).unwrap();
    assert!(text.contains(&id), "{text}");
}

#[test]
fn a_backup_made_while_the_archive_is_open_opens_as_an_archive() {
    let dir = temp();
    let (root, mut archive) = demo_archive(dir.path());
    let note = write(&dir.path().join("in/note.md"), "# Flyer\n\nMeet at noon by the gym.\n");
    archive.import_paths(&[note], Default::default(), &mut |_| {}, &std::sync::atomic::AtomicBool::new(false)).unwrap();
    // The archive stays open for writing in this process while the CLI backs it up.
    let out = dir.path().join("backup");
    let report = run_json(&root, &["backup", out.to_str().unwrap(), "--json"]);
    assert_eq!((report["items"].as_u64(), report["files"].as_u64()), (Some(11), Some(1)));
    drop(archive);

    let copy = Archive::open(&out).unwrap();
    assert_eq!(copy.integrity_check().unwrap(), "ok");
    assert_eq!(copy.stats().unwrap().items, 11);
    assert_eq!(copy.search(&SearchRequest::words("flyer")).unwrap().total, 1);
    assert!(copy.verify(&mut |_, _| {}).unwrap().is_clean());
}

#[test]
fn a_failed_backup_leaves_the_previous_backup_untouched() {
    let dir = temp();
    let root = dir.path().join("a");
    run(&root, &["init", "--demo"]);
    let note = write(&dir.path().join("note.md"), "# Poster\n\nNo human is illegal.\n");
    let id =
        run_json(&root, &["import", note.to_str().unwrap(), "--json"])["added"][0]["id"].as_str().unwrap().to_string();
    let out = dir.path().join("backup");
    assert!(run(&root, &["backup", out.to_str().unwrap()]).status.success());
    let good = std::fs::read(out.join("archive.sqlite")).unwrap();

    // The original rots; the next backup must refuse rather than replace the good one.
    let sha = run_json(&root, &["show", &id, "--json"])["sha256"].as_str().unwrap().to_string();
    std::fs::write(root.join("files").join(&sha[..2]).join(&sha[2..]), b"rotten").unwrap();
    let failed = run(&root, &["backup", out.to_str().unwrap()]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("changed since it was stored"));
    assert_eq!(std::fs::read(out.join("archive.sqlite")).unwrap(), good);
    assert!(Archive::open(&out).unwrap().verify(&mut |_, _| {}).unwrap().is_clean());
}
