//! A full disk during import and export: a clear error naming the file, the archive intact, and
//! no partial export left to be taken for a whole one (a folder the export created is removed,
//! one that existed is marked `INCOMPLETE`, a single file is never half written). The full disk
//! is injected with the `disk-full` failpoint (ENOSPC on the Nth write), and is also real: a
//! small tmpfs mounted in a private mount namespace (`unshare`), where the machine allows it.
#![cfg(feature = "failpoints")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::*;

/// A demo archive with a few photos, so that exports copy original files.
fn archive_with_photos(dir: &Path) -> PathBuf {
    let (root, archive) = demo_archive(dir);
    drop(archive);
    jpegs(&dir.join("photos"), 3);
    let report = run_json(&root, &["import", dir.join("photos").to_str().unwrap(), "--json"]);
    assert_eq!(report["added"].as_array().unwrap().len(), 3, "{report}");
    root
}

/// `walkout export` with the `disk-full` failpoint set to `action`.
fn export_failing(root: &Path, action: &str, args: &[&str]) -> Output {
    walkout(root).arg("export").args(args).env("FAILPOINTS", format!("disk-full={action}")).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Names in `dir` that an export's temp files would have.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".walkout-"))
        .collect()
}

#[test]
fn a_folder_export_that_fills_the_disk_is_removed_and_says_so() {
    let dir = temp();
    let root = archive_with_photos(dir.path());
    for format in ["json", "csv", "jsonld", "bagit"] {
        let out = dir.path().join(format!("export-{format}"));
        // The marker and one file are written; the next write finds the disk full.
        let result = export_failing(&root, "2*off->return", &["--format", format, out.to_str().unwrap()]);
        assert_eq!(result.status.code(), Some(1), "{format}");
        let err = stderr(&result);
        assert!(err.contains("the disk is full") && err.contains("free some space"), "{format}: {err}");
        assert!(err.contains(out.to_str().unwrap()), "{format}: names a file of the export: {err}");
        assert!(err.contains("the partial export was removed"), "{format}: {err}");
        assert!(!out.exists(), "{format}: the partial export is gone");
        assert_eq!(leftovers(dir.path()), Vec::<String>::new(), "{format}");
    }
    let (stats, verify) = assert_whole(&root);
    assert_eq!(stats.photos, 3);
    assert!(verify.unreferenced.is_empty());
}

#[test]
fn a_failed_export_into_an_existing_folder_marks_it_incomplete_and_keeps_what_was_there() {
    let dir = temp();
    let root = archive_with_photos(dir.path());
    let out = dir.path().join("exports");
    write(&out.join("notes.txt"), "mine");
    let result = export_failing(&root, "2*off->return", &["--format", "json", out.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(1));
    let err = stderr(&result);
    assert!(err.contains("the disk is full") && err.contains("marked by its INCOMPLETE file"), "{err}");
    assert_eq!(std::fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    let note = std::fs::read_to_string(out.join("INCOMPLETE")).unwrap();
    assert!(note.contains("did not finish"), "{note}");
    assert!(!out.join("walkout-export.json").exists());

    // Exported again, whole: the mark goes.
    let report = run_json(&root, &["export", "--format", "json", out.to_str().unwrap(), "--json"]);
    assert_eq!(report["files"], 3, "{report}");
    assert!(!out.join("INCOMPLETE").exists());
    assert!(out.join("walkout-export.json").is_file());
    assert_eq!(std::fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
}

#[test]
fn a_file_export_that_fills_the_disk_writes_nothing_and_keeps_the_older_file() {
    let dir = temp();
    let root = archive_with_photos(dir.path());
    let ris = write(&dir.path().join("refs.ris"), "the older export");
    let csl = dir.path().join("refs.json");
    let zip = dir.path().join("bag.zip");
    for (args, out) in [
        (vec!["--format", "ris"], &ris),
        (vec!["--format", "csl-json"], &csl),
        (vec!["--format", "citation"], &csl),
        (vec!["--format", "bagit", "--zip"], &zip),
    ] {
        let mut args = args.clone();
        args.push(out.to_str().unwrap());
        // The zip fails as it is written (its bag was staged first).
        let action = if args.contains(&"--zip") { "9*off->return" } else { "return" };
        let result = export_failing(&root, action, &args);
        assert_eq!(result.status.code(), Some(1), "{args:?}");
        let err = stderr(&result);
        assert!(err.contains("the disk is full") && err.contains("nothing was written there"), "{args:?}: {err}");
        assert_eq!(leftovers(dir.path()), Vec::<String>::new(), "{args:?}");
    }
    assert_eq!(std::fs::read_to_string(&ris).unwrap(), "the older export");
    assert!(!csl.exists() && !zip.exists());
}

#[test]
fn an_export_killed_part_way_is_marked_incomplete() {
    let dir = temp();
    let root = archive_with_photos(dir.path());
    let out = dir.path().join("killed");
    let mut child = walkout(&root)
        .args(["export", "--format", "csv", out.to_str().unwrap()])
        .env("FAILPOINTS", "disk-full=2*off->sleep(60000)")
        .spawn()
        .unwrap();
    wait_for(&mut child, "the export wrote its first file", || {
        std::fs::read_dir(out.join("files")).is_ok_and(|mut d| d.next().is_some())
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(out.join("INCOMPLETE").is_file(), "a killed export is marked");
    assert!(!out.join("items.csv").exists());
}

/// Runs `script` (sh, with `$1` the mount point and `$2` the walkout binary) with a tmpfs of
/// `kilobytes` mounted at `mount` in a private mount namespace; None when this machine does
/// not allow it (no `unshare`, no user namespaces).
fn in_small_tmpfs(mount: &Path, kilobytes: u64, script: &str) -> Option<Output> {
    std::fs::create_dir_all(mount).unwrap();
    let bin = std::env::var_os("WALKOUT_TEST_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_walkout").into());
    let full = format!("mount -t tmpfs -o size={kilobytes}k tmpfs \"$1\" || exit 97\n{script}");
    // As root a mount namespace is enough; otherwise map this user to root in a user namespace.
    for flags in [&["--mount"][..], &["--mount", "--map-root-user"][..]] {
        let out = Command::new("unshare")
            .args(flags)
            .args(["sh", "-c", &full, "sh"])
            .arg(mount)
            .arg(&bin)
            .env_remove("WALKOUT_ARCHIVE")
            .output();
        match out {
            Ok(out) if out.status.code() != Some(97) && !stderr(&out).contains("unshare failed") => return Some(out),
            _ => {}
        }
    }
    eprintln!("skipped: this machine does not let the test mount a tmpfs (unshare); the failpoint tests stand in");
    None
}

#[test]
fn a_real_full_disk_during_import_fails_clearly_and_leaves_the_archive_whole() {
    let dir = temp();
    // Photos of noise do not compress: about 100 KB each, 3 MB in all, for a 1.5 MB disk.
    let photos = dir.path().join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    let mut rng = Rng::new(7);
    for i in 0..30 {
        let image = image::RgbImage::from_fn(180, 180, |_, _| {
            let v = rng.next();
            image::Rgb([v as u8, (v >> 8) as u8, (v >> 16) as u8])
        });
        image.save(photos.join(format!("noise_{i:02}.jpg"))).unwrap();
    }
    write(&photos.join("quotes.jsonl"), quote_lines(200));
    let copy = dir.path().join("copy");
    let script = format!(
        "\"$2\" --archive \"$1/a\" init >/dev/null || exit 98\n\
         \"$2\" --archive \"$1/a\" import --json {photos} >\"$1/../import.json\" 2>\"$1/../import.err\"\n\
         echo \"exit $?\" >\"$1/../import.exit\"\n\
         cp -a \"$1/a\" {copy}",
        photos = photos.display(),
        copy = copy.display()
    );
    let Some(out) = in_small_tmpfs(&dir.path().join("mnt"), 1536, &script) else { return };
    assert!(out.status.success(), "{}", stderr(&out));
    let exit = std::fs::read_to_string(dir.path().join("import.exit")).unwrap();
    let printed = std::fs::read_to_string(dir.path().join("import.json")).unwrap()
        + &std::fs::read_to_string(dir.path().join("import.err")).unwrap();
    assert!(exit.trim() == "exit 1" || exit.trim() == "exit 2", "{exit}: {printed}");
    assert!(printed.contains("the disk is full"), "{printed}");
    assert!(!printed.contains("panicked"), "{printed}");
    if exit.trim() == "exit 2" {
        // The import finished, reporting the files that did not fit: each is named.
        let report: serde_json::Value = serde_json::from_str(printed.lines().next().unwrap()).unwrap();
        let added = report["added"].as_array().unwrap().len() as u64;
        assert!(
            report["failed"].as_array().unwrap().iter().all(|f| f["error"].as_str().unwrap().contains("disk is full"))
        );
        assert_eq!(assert_whole(&copy).0.items, added);
    } else {
        // The batch that did not fit was not committed, and the files it had stored are gone.
        let (_, verify) = assert_whole(&copy);
        assert!(verify.unreferenced.is_empty(), "{:?}", verify.unreferenced);
    }
}

#[test]
fn a_real_full_disk_during_export_removes_the_partial_export() {
    let dir = temp();
    let root = archive_with_photos(dir.path());
    let big = dir.path().join("big");
    std::fs::create_dir_all(&big).unwrap();
    let mut rng = Rng::new(11);
    for i in 0..8 {
        let image = image::RgbImage::from_fn(400, 400, |_, _| {
            let v = rng.next();
            image::Rgb([v as u8, (v >> 8) as u8, (v >> 16) as u8])
        });
        image.save(big.join(format!("noise_{i}.jpg"))).unwrap();
    }
    run_json(&root, &["import", big.to_str().unwrap(), "--json"]);
    let script = format!(
        "\"$2\" --archive {root} export --format json \"$1/out\" 2>\"$1/../export.err\"\n\
         echo \"exit $?\" >\"$1/../export.exit\"\n\
         ls -A \"$1\" >\"$1/../left.txt\"",
        root = root.display()
    );
    let Some(out) = in_small_tmpfs(&dir.path().join("mnt"), 512, &script) else { return };
    assert!(out.status.success(), "{}", stderr(&out));
    let err = std::fs::read_to_string(dir.path().join("export.err")).unwrap();
    assert_eq!(std::fs::read_to_string(dir.path().join("export.exit")).unwrap().trim(), "exit 1", "{err}");
    assert!(err.contains("the disk is full") && err.contains("the partial export was removed"), "{err}");
    assert_eq!(std::fs::read_to_string(dir.path().join("left.txt")).unwrap().trim(), "", "nothing left on the disk");
    assert_whole(&root);
}
