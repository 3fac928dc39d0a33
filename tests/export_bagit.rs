//! The BagIt export: a bag (folder or zip) that bagit-python validates in full and that
//! `walkout import` restores, refusing any path that could reach outside the bag.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use walkout::Archive;
use walkout::export::{self, ExportOptions, Format, Selection};

use crate::common::*;
use crate::export_fixture::*;

/// Runs `bagit.py --validate` (never `--fast`: every checksum is recomputed) on a bag folder.
fn validate_with_bagit_python(bag: &Path) {
    let Some(python) = python() else { return };
    let script = python.parent().map(|bin| bin.join("bagit.py")).filter(|p| p.is_file());
    let mut command = match script {
        Some(script) => {
            let mut c = Command::new(&python);
            c.arg(script);
            c
        }
        None => {
            let mut c = Command::new(&python);
            c.args(["-m", "bagit"]);
            c
        }
    };
    let out = command.arg("--validate").arg(bag).output().expect("bagit.py runs");
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "bagit.py --validate {} failed (install it with `bash scripts/test.sh`):\n{said}",
        bag.display()
    );
    assert!(said.contains("is valid"), "{said}");
}

/// Unzips with python's own zipfile module (not our code) and returns the bag folder inside.
fn unzip_with_python(zip: &Path, into: &Path) -> PathBuf {
    let status = Command::new("python3").args(["-m", "zipfile", "-e"]).arg(zip).arg(into).status().expect("python3");
    assert!(status.success());
    let mut entries: Vec<_> = std::fs::read_dir(into).unwrap().flatten().map(|e| e.path()).collect();
    assert_eq!(entries.len(), 1, "one top folder in the zip: {entries:?}");
    entries.remove(0)
}

fn items_json(archive: &Archive) -> Vec<serde_json::Value> {
    archive.all_items().unwrap().iter().map(|i| serde_json::to_value(i).unwrap()).collect()
}

#[test]
fn export_bagit_folder_is_valid_for_bagit_python_and_imports_back() {
    let dir = temp();
    let fx = fixture(dir.path());
    let bag = dir.path().join("bag");
    let options = ExportOptions { selection: Selection::Collection("Rally day".into()), ..Default::default() };
    let report = export::export(&fx.archive, Format::Bagit, &options, &bag).unwrap();
    assert_eq!((report.exported, report.files, report.left_out.len()), (3, 2, 2));

    for tag in [
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
        "tagmanifest-sha256.txt",
        "tagmanifest-sha512.txt",
    ] {
        assert!(bag.join(tag).is_file(), "{tag}");
    }
    for payload in ["data/walkout-export.json", "data/items.csv", "data/items.jsonld"] {
        assert!(bag.join(payload).is_file(), "{payload}");
    }
    assert_eq!(
        std::fs::read_to_string(bag.join("bagit.txt")).unwrap(),
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    );
    let info = std::fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    assert!(info.contains("Source-Organization: Walkout Archive\n"), "{info}");
    assert!(info.contains(&format!("Bagging-Date: {}\n", fx.archive.now().format("%Y-%m-%d"))), "{info}");
    let payload: Vec<_> = walkdir(&bag.join("data"));
    let octets: u64 = payload.iter().map(|p| std::fs::metadata(p).unwrap().len()).sum();
    assert!(info.contains(&format!("Payload-Oxum: {octets}.{}\n", payload.len())), "{info}");
    assert!(
        info.contains("External-Description: Walkout Archive export of the collection \"Rally day\": 3 items; 2 items left out by the privacy filter (1 restricted, 1 private). Photo files are cleaned copies: upright, redactions burned in, no EXIF, GPS, XMP or IPTC.\n"),
        "{info}"
    );
    let manifest = std::fs::read_to_string(bag.join("manifest-sha512.txt")).unwrap();
    assert_eq!(manifest.lines().count(), payload.len());
    validate_with_bagit_python(&bag);

    let mut copy = Archive::create(&dir.path().join("copy")).unwrap();
    let imported = import(&mut copy, std::slice::from_ref(&bag));
    assert!(imported.failed.is_empty(), "{:?}", imported.failed);
    assert_eq!(imported.added.len(), 3);
    let exported: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bag.join("data/walkout-export.json")).unwrap()).unwrap();
    // The export lists items in the collection's order, the copy by id: compare them by id.
    let mut exported = exported["items"].as_array().unwrap().clone();
    exported.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    assert_eq!(items_json(&copy), exported);
    assert!(copy.verify(&mut |_, _| {}).unwrap().is_clean());
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.path().is_dir() {
            out.extend(walkdir(&entry.path()));
        } else {
            out.push(entry.path());
        }
    }
    out
}

#[test]
fn export_bagit_zip_from_the_cli_is_valid_and_imports_back() {
    let dir = temp();
    let fx = fixture(dir.path());
    let root = fx.archive.root().to_path_buf();
    let expected: Vec<_> = fx
        .archive
        .all_items()
        .unwrap()
        .into_iter()
        .filter(|i| i.sensitivity == walkout::Sensitivity::Public)
        .map(|i| i.id)
        .collect();
    drop(fx);
    let zip = dir.path().join("walkout-bag.zip");
    let report = run_json(&root, &["export", "--format", "bagit", "--zip", "--json", zip.to_str().unwrap()]);
    assert_eq!(report["exported"], 13);
    assert!(zip.is_file());
    let again = run(&root, &["export", "--format", "bagit", "--zip", zip.to_str().unwrap()]);
    assert!(!again.status.success(), "an existing zip is not overwritten");

    let unzipped = unzip_with_python(&zip, &dir.path().join("unzipped"));
    assert_eq!(unzipped.file_name().unwrap(), "walkout-bag");
    validate_with_bagit_python(&unzipped);

    let copy = dir.path().join("copy");
    assert!(run(&copy, &["init"]).status.success());
    let imported = run_json(&copy, &["import", "--json", zip.to_str().unwrap()]);
    assert!(imported["failed"].as_array().unwrap().is_empty(), "{imported}");
    let added: Vec<_> =
        imported["added"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(added.len(), expected.len());
    assert!(expected.iter().all(|id| added.contains(&id.to_string())));
    assert!(imported["added"][0]["path"].as_str().unwrap().starts_with(zip.to_str().unwrap()), "{imported}");
}

/// A zip holding the bag under `top/`, plus extra raw entries.
fn rezip(bag: &Path, zip: &Path, extra: &[(&str, &[u8])]) {
    let mut writer = zip::ZipWriter::new(std::fs::File::create(zip).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    for path in walkdir(bag) {
        let relative = path.strip_prefix(bag).unwrap().to_string_lossy().replace('\\', "/");
        writer.start_file(format!("top/{relative}"), options).unwrap();
        writer.write_all(&std::fs::read(&path).unwrap()).unwrap();
    }
    for (name, bytes) in extra {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap();
}

#[test]
fn bag_import_refuses_zip_entries_and_manifest_lines_that_leave_the_bag() {
    let dir = temp();
    let fx = fixture(dir.path());
    let bag = dir.path().join("bag");
    export::export(&fx.archive, Format::Bagit, &ExportOptions::default(), &bag).unwrap();
    // Hostile manifest lines; the tag manifests go, as a hand-edited bag's would.
    std::fs::remove_file(bag.join("tagmanifest-sha256.txt")).unwrap();
    std::fs::remove_file(bag.join("tagmanifest-sha512.txt")).unwrap();
    let mut manifest = std::fs::OpenOptions::new().append(true).open(bag.join("manifest-sha256.txt")).unwrap();
    writeln!(manifest, "{}  data/../../outside.txt", "0".repeat(64)).unwrap();
    writeln!(manifest, "{}  /etc/passwd", "0".repeat(64)).unwrap();
    drop(manifest);
    let zip = dir.path().join("hostile.zip");
    rezip(&bag, &zip, &[("../escaped.txt", b"out"), ("/tmp/absolute.txt", b"abs"), ("top/data/C:evil", b"x")]);

    let mut copy = Archive::create(&dir.path().join("copy")).unwrap();
    let report = import(&mut copy, std::slice::from_ref(&zip));
    let errors: Vec<String> = report.failed.iter().map(|f| format!("{}: {}", f.path, f.error)).collect();
    let has = |needle: &str, why: &str| {
        assert!(errors.iter().any(|e| e.contains(needle) && e.contains(why)), "{needle}: {errors:#?}")
    };
    has("../escaped.txt", "climbs out");
    has("/tmp/absolute.txt", "absolute");
    has("data/../../outside.txt", "climbs out");
    has("/etc/passwd", "absolute");
    assert!(!dir.path().join("escaped.txt").exists() && !Path::new("/tmp/absolute.txt").exists());
    assert_eq!(report.added.len(), 13, "the bag's items still come in: {errors:#?}");
}

#[test]
fn bag_import_reports_a_changed_file_and_keeps_the_other_items() {
    let dir = temp();
    let fx = fixture(dir.path());
    let bag = dir.path().join("bag");
    export::export(&fx.archive, Format::Bagit, &ExportOptions::default(), &bag).unwrap();
    // The bag's photo file is its cleaned copy, named by its own hash.
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bag.join("data/walkout-export.json")).unwrap()).unwrap();
    let exported = doc["items"].as_array().unwrap().iter().find(|i| i["id"] == fx.photo.to_string().as_str());
    let sha = exported.unwrap()["sha256"].as_str().unwrap().to_string();
    assert_ne!(sha, fx.archive.get(fx.photo).unwrap().sha256().unwrap());
    let photo = bag.join("data/files").join(&sha);
    let mut bytes = std::fs::read(&photo).unwrap();
    bytes[100] ^= 0xFF;
    std::fs::write(&photo, bytes).unwrap();
    write(&bag.join("data/stowaway.txt"), "not in any manifest");

    let mut copy = Archive::create(&dir.path().join("copy")).unwrap();
    let report = import(&mut copy, std::slice::from_ref(&bag));
    let errors: Vec<String> = report.failed.iter().map(|f| format!("{}: {}", f.path, f.error)).collect();
    assert!(errors.iter().any(|e| e.contains(&sha) && e.contains("SHA256 does not match")), "{errors:#?}");
    assert!(errors.iter().any(|e| e.contains("stowaway.txt") && e.contains("no manifest")), "{errors:#?}");
    assert_eq!(report.added.len(), 12, "every item but the photo: {errors:#?}");
    assert!(copy.get(fx.photo).is_err());

    std::fs::write(bag.join("data/walkout-export.json"), b"{}").unwrap();
    let mut other = Archive::create(&dir.path().join("other")).unwrap();
    let refused = import(&mut other, &[bag]);
    assert!(refused.added.is_empty());
    assert!(
        refused.failed.iter().any(|f| f.error.contains("walkout-export.json is missing or does not match")),
        "{:?}",
        refused.failed
    );
}
