//! Images that leave the archive carry nothing but pixels, in every export: no EXIF, GPS, XMP,
//! IPTC, maker notes or embedded thumbnail (checked by exiftool against an allow-list), the
//! pixels turned upright, and redaction boxes burned in as solid fills. `--originals` ships the
//! untouched files instead, and says so.

use std::path::{Path, PathBuf};
use std::process::Command;

use walkout::export::{self, ExportOptions, Format};
use walkout::files::clean_image::REDACTION_FILL;
use walkout::{Archive, Consent, Id, ItemDetails, Redaction};

use crate::common::*;
use crate::export_fixture::import;

/// The redaction box every test photo carries (fractions of the upright image).
pub const FACE: Redaction = Redaction { x: 0.1, y: 0.2, w: 0.3, h: 0.25, label: None };
/// The upright size of the test photo: DSCN0010.jpg is stored 640×480 and marked "rotate 90°".
pub const UPRIGHT: (u32, u32) = (480, 640);

/// What exiftool may report of an image that left the archive: the file system's and the
/// container's own facts, never a camera's.
const ALLOWED_GROUPS: &[&str] = &["ExifTool", "System", "File", "JFIF", "PNG"];
const ALLOWED_COMPOSITE: &[&str] = &["ImageSize", "Megapixels"];

/// Runs exiftool; fails with the way to install it when it is missing.
pub fn exiftool(args: &[&str], path: &Path) -> std::process::Output {
    Command::new("exiftool").args(args).arg(path).output().unwrap_or_else(|e| {
        panic!("exiftool cannot run ({e}): run `bash scripts/test.sh`, which installs it (libimage-exiftool-perl)")
    })
}

/// A camera serial number, an XMP and an IPTC creator written into the test photo.
pub const CANARIES: [&str; 2] = ["SN-CANARY-4019", "Canary Photographer"];

/// A real camera photo with GPS, Nikon maker notes and an embedded thumbnail, to which exiftool
/// adds a camera serial, XMP and IPTC creators, and marks it as stored sideways (orientation 6).
pub fn rotated_geotagged_photo(dir: &Path) -> PathBuf {
    let out = dir.join("inputs/DSCN0010-rotated.jpg");
    if out.is_file() {
        return out;
    }
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let serial = format!("-ExifIFD:SerialNumber={}", CANARIES[0]);
    let (xmp, iptc) = (format!("-XMP-dc:Creator={}", CANARIES[1]), format!("-IPTC:By-line={}", CANARIES[1]));
    let args = ["-q", "-Orientation#=6", &serial, &xmp, &iptc, "-o", out.to_str().unwrap()];
    let done = exiftool(&args, &data("photos/DSCN0010.jpg"));
    assert!(done.status.success(), "exiftool: {}", String::from_utf8_lossy(&done.stderr));
    let tags = String::from_utf8(exiftool(&["-a", "-G1", "-s"], &out).stdout).unwrap();
    for needed in ["[GPS]", "[Nikon]", "ThumbnailImage", "Rotate 90 CW", "SerialNumber", "[XMP-dc]", "[IPTC]"] {
        assert!(tags.contains(needed), "the test photo should carry {needed}:\n{tags}");
    }
    out
}

/// Imports the rotated, geotagged photo into `archive` as a public item with a face covered.
pub fn add_redacted_photo(archive: &mut Archive, dir: &Path) -> Id {
    let report = import(archive, &[rotated_geotagged_photo(dir)]);
    assert_eq!(report.added.len(), 1, "{:?}", report.failed);
    let mut item = archive.get(report.added[0].id).unwrap();
    item.redactions = vec![FACE];
    item.consent = Consent::Granted;
    item.place = Some("Iowa City, Iowa".into());
    if let ItemDetails::Photo(p) = &mut item.details {
        p.caption = Some("Students cross the river bridge".into());
        assert_eq!(p.orientation, Some(6));
        assert!(p.gps.is_some());
    }
    archive.update_item(item).unwrap().id
}

/// Checks an image that left the archive: exiftool finds nothing but an allow-list, the pixels
/// are upright at `expected` size (or scaled down from it), and the redaction box is solid.
pub fn assert_only_pixels(path: &Path, expected: (u32, u32), redaction: &Redaction) {
    let out = exiftool(&["-a", "-G1", "-s", "-j"], path);
    assert!(out.status.success(), "exiftool {}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
    let tags: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in tags[0].as_object().unwrap().keys().filter(|k| *k != "SourceFile") {
        let (group, tag) = key.split_once(':').unwrap_or(("", key));
        let allowed = ALLOWED_GROUPS.contains(&group) || (group == "Composite" && ALLOWED_COMPOSITE.contains(&tag));
        assert!(allowed, "{}: {key} must not leave the archive:\n{:#}", path.display(), tags[0]);
        assert!(!key.contains("GPS") && !key.contains("Thumbnail") && !key.contains("Serial"), "{key}");
    }

    let bytes = std::fs::read(path).unwrap();
    for canary in CANARIES {
        assert!(!bytes.windows(canary.len()).any(|w| w == canary.as_bytes()), "{}: {canary}", path.display());
    }
    let pixels = image::load_from_memory(&bytes).unwrap().to_rgb8();
    let (w, h) = pixels.dimensions();
    let ratio = |(a, b): (u32, u32)| f64::from(a) / f64::from(b);
    assert!((ratio((w, h)) - ratio(expected)).abs() < 0.01, "{}: {w}×{h} is not upright", path.display());
    assert!(w <= expected.0 && h <= expected.1, "{}: {w}×{h} is larger than the photo", path.display());
    // The inside of the box, a JPEG block away from its edges, is the fill and nothing else.
    let inset = 8.0;
    let r = redaction;
    let x0 = (r.x * f64::from(w) + inset) as u32;
    let x1 = ((r.x + r.w) * f64::from(w) - inset) as u32;
    let y0 = (r.y * f64::from(h) + inset) as u32;
    let y1 = ((r.y + r.h) * f64::from(h) - inset) as u32;
    assert!(x1 > x0 + 4 && y1 > y0 + 4, "the box is large enough to check");
    for y in y0..y1 {
        for x in x0..x1 {
            let p = pixels.get_pixel(x, y).0;
            let off = p.iter().zip(REDACTION_FILL).map(|(a, b)| a.abs_diff(b)).max().unwrap();
            assert!(off <= 6, "{}: pixel ({x}, {y}) is {p:?}, not the redaction fill", path.display());
        }
    }
}

fn sha256(path: &Path) -> String {
    walkout::files::hash_file(path).unwrap()
}

#[test]
fn photos_leave_json_csv_jsonld_and_bagit_upright_redacted_and_without_metadata() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    let photo = add_redacted_photo(&mut archive, dir.path());
    let original = archive.get(photo).unwrap();
    for (format, folder) in
        [(Format::Json, "files"), (Format::Csv, "files"), (Format::JsonLd, "files"), (Format::Bagit, "data/files")]
    {
        let out = dir.path().join(format!("{format:?}"));
        let report = export::export(&archive, format, &ExportOptions::default(), &out).unwrap();
        assert!(!report.originals);
        assert_eq!(report.files, 1, "{format:?}");
        let files: Vec<PathBuf> = std::fs::read_dir(out.join(folder)).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(files.len(), 1, "{format:?}: {files:?}");
        let file = &files[0];
        assert_only_pixels(file, UPRIGHT, &FACE);
        // The file is named by its own hash, so every manifest and column stays true.
        let sha = sha256(file);
        assert_eq!(file.file_name().unwrap().to_str().unwrap(), sha, "{format:?}");
        assert_ne!(Some(sha.as_str()), original.sha256(), "{format:?}: the original left");
        assert_eq!(files_containing(&out, original.sha256().unwrap().as_bytes()), Vec::<String>::new());
    }
    // The JSON describes the file that shipped: its hash, its upright size, its format.
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("Json/walkout-export.json")).unwrap()).unwrap();
    assert_eq!(doc["photo_files"], "cleaned");
    let item = doc["items"].as_array().unwrap().iter().find(|i| i["id"] == photo.to_string().as_str()).unwrap();
    let file = dir.path().join("Json/files").join(item["sha256"].as_str().unwrap());
    assert!(file.is_file(), "{item}");
    assert_eq!((item["width"].as_u64(), item["height"].as_u64()), (Some(480), Some(640)));
    assert_eq!((item["format"].as_str(), item["orientation"].as_u64()), (Some("jpeg"), None));
    assert!(item["gps"].is_null());
    let csv = std::fs::read_to_string(dir.path().join("Csv/items.csv")).unwrap();
    assert!(csv.contains(&format!("files/{}", item["sha256"].as_str().unwrap())));

    // A cleaned export still imports: the copy's photo is the cleaned file, and it verifies.
    let mut copy = Archive::create(&dir.path().join("copy")).unwrap();
    let imported = import(&mut copy, &[dir.path().join("Json")]);
    assert!(imported.failed.is_empty(), "{:?}", imported.failed);
    assert!(copy.verify(&mut |_, _| {}).unwrap().is_clean());
}

#[test]
fn originals_ship_the_untouched_file_only_when_asked_and_the_cli_says_so() {
    let dir = temp();
    let (root, mut archive) = demo_archive(dir.path());
    let photo = add_redacted_photo(&mut archive, dir.path());
    let sha = archive.get(photo).unwrap().sha256().unwrap().to_string();
    drop(archive);
    let out = dir.path().join("transfer");
    let args = ["export", "--format", "bagit", "--originals", out.to_str().unwrap()];
    let said = run(&root, &args);
    assert!(said.status.success(), "{}", String::from_utf8_lossy(&said.stderr));
    let stdout = String::from_utf8_lossy(&said.stdout);
    assert!(stdout.contains("untouched ORIGINALS") && stdout.contains("GPS"), "{stdout}");
    let shipped = out.join("data/files").join(&sha);
    assert_eq!(std::fs::read(&shipped).unwrap(), std::fs::read(rotated_geotagged_photo(dir.path())).unwrap());
    let info = std::fs::read_to_string(out.join("bag-info.txt")).unwrap();
    assert!(info.contains("Photo files are the untouched originals"), "{info}");

    let json_out = dir.path().join("json");
    let report = run_json(&root, &["export", "--originals", "--json", json_out.to_str().unwrap()]);
    assert_eq!(report["originals"], true);
    let report = run_json(&root, &["export", "--json", dir.path().join("cleaned").to_str().unwrap()]);
    assert_eq!(report["originals"], false);

    let refused = run(&root, &["export", "--format", "ris", "--originals", dir.path().join("x.ris").to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--originals is for"));
}

#[test]
fn a_photo_that_cannot_be_cleaned_is_left_out_never_shipped_as_it_is() {
    let dir = temp();
    let (root, mut archive) = demo_archive(dir.path());
    let photo = add_redacted_photo(&mut archive, dir.path());
    // The stored file goes bad after import: its pixels can no longer be decoded.
    let sha = archive.get(photo).unwrap().sha256().unwrap().to_string();
    let stored = archive.files().path_of(&sha);
    let bytes = std::fs::read(&stored).unwrap();
    std::fs::write(&stored, &bytes[..bytes.len() / 3]).unwrap();
    drop(archive);
    let out = dir.path().join("export");
    let said = run(&root, &["export", "--format", "csv", out.to_str().unwrap()]);
    assert!(said.status.success(), "{}", String::from_utf8_lossy(&said.stderr));
    let stdout = String::from_utf8_lossy(&said.stdout);
    assert!(stdout.contains("1 whose photo cannot be cleaned"), "{stdout}");
    assert!(stdout.contains(&format!("left out {photo}: its photo cannot be cleaned for export")), "{stdout}");
    assert_eq!(std::fs::read_dir(out.join("files")).unwrap().count(), 0, "nothing shipped with its metadata");
    assert!(!std::fs::read_to_string(out.join("items.csv")).unwrap().contains(&photo.to_string()));
}
