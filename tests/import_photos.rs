use crate::common::*;

use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

// Real camera files from tests/data/photos (origins and licenses in LICENSES.md there). The
// expected values are what exiftool and a full Pillow decode report for them
// (/work/shared/corpora/photos/manifest.tsv), not what Walkout happened to print.

/// What the camera recorded in a fixture, as the manifest gives it.
struct Expected {
    file: &'static str,
    /// Make and model as one line, the make left out when the model already starts with it.
    camera: Option<&'static str>,
    taken_at: Option<&'static str>,
    date: Option<&'static str>,
    gps: Option<(f64, f64)>,
    orientation: Option<u64>,
    width: u64,
    height: u64,
    format: &'static str,
}

const GPS_PHOTOS: [Expected; 2] = [
    Expected {
        file: "DSCN0010.jpg",
        camera: Some("NIKON COOLPIX P6000"),
        taken_at: Some("2008-10-22T16:28:39"),
        date: Some("2008-10-22"),
        gps: Some((43.4674483333333, 11.8851266666639)),
        orientation: Some(1),
        width: 640,
        height: 480,
        format: "jpeg",
    },
    Expected {
        file: "DSCN0012.jpg",
        camera: Some("NIKON COOLPIX P6000"),
        taken_at: Some("2008-10-22T16:29:49"),
        date: Some("2008-10-22"),
        gps: Some((43.4671566666639, 11.8853949999972)),
        orientation: Some(1),
        width: 640,
        height: 480,
        format: "jpeg",
    },
];

/// Orientation test images: no camera, date or place, only the EXIF orientation. Width and
/// height are the pixels as stored, before turning.
const ORIENTATION_PHOTOS: [Expected; 3] = [
    Expected {
        file: "landscape_1.jpg",
        camera: None,
        taken_at: None,
        date: None,
        gps: None,
        orientation: Some(1),
        width: 600,
        height: 450,
        format: "jpeg",
    },
    Expected {
        file: "landscape_6.jpg",
        camera: None,
        taken_at: None,
        date: None,
        gps: None,
        orientation: Some(6),
        width: 450,
        height: 600,
        format: "jpeg",
    },
    Expected {
        file: "portrait_8.jpg",
        camera: None,
        taken_at: None,
        date: None,
        gps: None,
        orientation: Some(8),
        width: 600,
        height: 450,
        format: "jpeg",
    },
];

/// EXIF outside JPEG: WebPs whose EXIF chunk starts with the `Exif\0\0` prefix some encoders
/// write, and a PNG whose eXIf chunk comes after the image data.
const WEBP_AND_PNG: [Expected; 3] = [
    Expected {
        file: "flower.webp",
        camera: Some("Canon PowerShot S40"),
        taken_at: Some("2003-12-14T12:01:44"),
        date: Some("2003-12-14"),
        gps: None,
        orientation: Some(1),
        width: 480,
        height: 360,
        format: "webp",
    },
    Expected {
        file: "hopper_orientation_6.webp",
        camera: None,
        taken_at: None,
        date: None,
        gps: None,
        orientation: Some(6),
        width: 128,
        height: 128,
        format: "webp",
    },
    Expected {
        file: "exif.png",
        camera: None,
        taken_at: None,
        date: None,
        gps: None,
        orientation: Some(1),
        width: 512,
        height: 512,
        format: "png",
    },
];

/// A new empty archive through `walkout init`, in `dir/archive`.
fn init(dir: &Path) -> PathBuf {
    let archive = dir.join("archive");
    let out = run(&archive, &["init"]);
    assert!(out.status.success(), "walkout init failed: {}", String::from_utf8_lossy(&out.stderr));
    archive
}

/// Copies fixtures into a fresh folder `dir/name`, so a test imports exactly these files.
fn folder_of(dir: &Path, name: &str, files: &[&str]) -> PathBuf {
    let folder = dir.join(name);
    for file in files {
        write(&folder.join(file), std::fs::read(photo(file)).unwrap());
    }
    folder
}

fn photo(file: &str) -> PathBuf {
    data("photos").join(file)
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

/// `walkout import PATH --json` when the CLI is expected to succeed.
fn import(archive: &Path, path: &Path) -> Value {
    run_json(archive, &["import", path_str(path), "--json"])
}

/// `walkout import PATH --json` when some files may fail: the exit status and the report.
fn import_with_status(archive: &Path, path: &Path) -> (Option<i32>, Value) {
    let out = run(archive, &["import", path_str(path), "--json"]);
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "import report is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), report)
}

fn entries<'a>(report: &'a Value, list: &str) -> &'a Vec<Value> {
    report[list].as_array().unwrap_or_else(|| panic!("report has no {list} array: {report}"))
}

fn file_name_of(entry: &Value) -> &str {
    let path = entry["path"].as_str().unwrap_or_else(|| panic!("entry without a path: {entry}"));
    Path::new(path).file_name().and_then(|n| n.to_str()).unwrap_or(path)
}

/// The entry of `list` for the file named `file`.
fn entry<'a>(report: &'a Value, list: &str, file: &str) -> &'a Value {
    entries(report, list)
        .iter()
        .find(|e| file_name_of(e) == file)
        .unwrap_or_else(|| panic!("{file} is not in {list}: {report}"))
}

fn id_of(entry: &Value) -> String {
    entry["id"].as_str().unwrap_or_else(|| panic!("entry without an id: {entry}")).to_string()
}

fn show(archive: &Path, id: &str) -> Value {
    run_json(archive, &["show", id, "--json"])
}

fn sha256_of(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

fn sorted_names(report: &Value, list: &str) -> Vec<String> {
    let mut names: Vec<String> = entries(report, list).iter().map(|e| file_name_of(e).to_string()).collect();
    names.sort();
    names
}

fn sorted(files: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = files.iter().map(|f| f.to_string()).collect();
    names.sort();
    names
}

/// Checks a shown photo against what its camera recorded.
fn assert_photo(item: &Value, expected: &Expected) {
    let file = expected.file;
    assert_eq!(item["kind"], "photo", "{file}: {item}");
    assert_eq!(item["file_name"], file, "{file}: {item}");
    assert_eq!(item["format"], expected.format, "{file}: {item}");
    assert_eq!(item["width"], expected.width, "{file}: {item}");
    assert_eq!(item["height"], expected.height, "{file}: {item}");
    assert_eq!(item["camera"].as_str(), expected.camera, "{file}: {item}");
    assert_eq!(item["taken_at"].as_str(), expected.taken_at, "{file}: {item}");
    assert_eq!(item["date"].as_str(), expected.date, "{file}: {item}");
    assert_eq!(item["orientation"].as_u64(), expected.orientation, "{file}: {item}");
    match expected.gps {
        Some((lat, lon)) => {
            let got_lat = item["gps"]["lat"].as_f64().unwrap_or_else(|| panic!("{file}: no gps.lat: {item}"));
            let got_lon = item["gps"]["lon"].as_f64().unwrap_or_else(|| panic!("{file}: no gps.lon: {item}"));
            assert!((got_lat - lat).abs() < 1e-6, "{file}: lat {got_lat}, camera says {lat}");
            assert!((got_lon - lon).abs() < 1e-6, "{file}: lon {got_lon}, camera says {lon}");
        }
        None => assert!(item["gps"].is_null(), "{file}: a position out of nowhere: {item}"),
    }
    assert_eq!(item["sha256"].as_str(), Some(sha256_of(&photo(file)).as_str()), "{file}: {item}");
}

/// Imports the fixtures and checks every one against the manifest.
fn import_and_check(expected: &[Expected]) {
    let dir = temp();
    let archive = init(dir.path());
    let files: Vec<&str> = expected.iter().map(|e| e.file).collect();
    let folder = folder_of(dir.path(), "camera", &files);
    let report = import(&archive, &folder);
    assert_eq!(sorted_names(&report, "added"), sorted(&files), "{report}");
    assert!(entries(&report, "failed").is_empty(), "{report}");
    assert!(entries(&report, "warnings").is_empty(), "nothing in these files is nonsense: {report}");
    for e in expected {
        let added = entry(&report, "added", e.file);
        assert_eq!(added["kind"], "photo", "{added}");
        assert_photo(&show(&archive, &id_of(added)), e);
    }
}

#[test]
fn gps_photos_import_with_time_place_camera_and_checksum() {
    import_and_check(&GPS_PHOTOS);
}

#[test]
fn orientation_is_read_as_the_camera_recorded_it() {
    import_and_check(&ORIENTATION_PHOTOS);
}

#[test]
fn exif_in_webp_and_png_is_read() {
    import_and_check(&WEBP_AND_PNG);
}

#[test]
fn nonsense_gps_is_dropped_with_a_warning_naming_the_file() {
    let dir = temp();
    let archive = init(dir.path());
    let folder = folder_of(dir.path(), "odd", &["exif_gps.jpg", "DSCN0010.jpg"]);
    let report = import(&archive, &folder);
    assert_eq!(sorted_names(&report, "added"), sorted(&["exif_gps.jpg", "DSCN0010.jpg"]), "{report}");
    assert!(entries(&report, "failed").is_empty(), "{report}");

    // The latitude is 4294967295 (u32::MAX) and there is no longitude: the position goes, the
    // photo and the rest of what its camera said stay.
    let warnings = entries(&report, "warnings");
    assert!(warnings.iter().all(|w| file_name_of(w) == "exif_gps.jpg"), "only the odd file warns: {report}");
    assert!(
        warnings.iter().any(|w| {
            let reason = w["error"].as_str().unwrap();
            reason.contains("GPS") && reason.contains("4294967295") && reason.contains("dropped")
        }),
        "a warning names the file and says which GPS value was dropped: {report}"
    );
    let item = show(&archive, &id_of(entry(&report, "added", "exif_gps.jpg")));
    assert!(item["gps"].is_null(), "nonsense GPS kept: {item}");
    assert_eq!(item["camera"], "Make XXX-XXX", "{item}");
    assert_eq!(item["taken_at"], "2099-09-29T10:10:10", "{item}");
    assert_eq!(item["width"], 8, "{item}");
    assert_eq!(item["sha256"].as_str(), Some(sha256_of(&photo("exif_gps.jpg")).as_str()));
}

#[test]
fn importing_the_same_folder_twice_adds_nothing_new() {
    let dir = temp();
    let archive = init(dir.path());
    let files = ["DSCN0010.jpg", "DSCN0012.jpg", "landscape_6.jpg", "flower.webp", "exif.png"];
    let folder = folder_of(dir.path(), "again", &files);
    let first = import(&archive, &folder);
    assert_eq!(sorted_names(&first, "added"), sorted(&files), "{first}");
    let stats = run_json(&archive, &["stats", "--json"]);
    assert_eq!(stats["files"], files.len(), "{stats}");
    assert_eq!(stats["photos"], files.len(), "{stats}");

    let second = import(&archive, &folder);
    assert!(entries(&second, "added").is_empty(), "the second import added again: {second}");
    assert!(entries(&second, "failed").is_empty(), "{second}");
    assert_eq!(sorted_names(&second, "duplicates"), sorted(&files), "{second}");
    for file in files {
        assert_eq!(
            id_of(entry(&second, "duplicates", file)),
            id_of(entry(&first, "added", file)),
            "{file} is a duplicate of the item the first import made"
        );
    }
    assert_eq!(run_json(&archive, &["stats", "--json"]), stats, "the second import changed the archive");
}

#[test]
fn content_decides_the_format_not_the_file_name() {
    let dir = temp();
    let archive = init(dir.path());
    let folder = folder_of(dir.path(), "misnamed", &["DSCN0010.jpg"]);
    write(&folder.join("really_a_png.jpg"), std::fs::read(photo("exif.png")).unwrap());
    write(&folder.join("notes.jpg"), "Meet at the flagpole at 10:15, bring signs.\n");

    let (status, report) = import_with_status(&archive, &folder);
    assert_eq!(status, Some(2), "an import with a failed file exits 2: {report}");
    assert_eq!(sorted_names(&report, "added"), sorted(&["DSCN0010.jpg", "really_a_png.jpg"]), "{report}");

    let png = show(&archive, &id_of(entry(&report, "added", "really_a_png.jpg")));
    assert_eq!(png["kind"], "photo", "{png}");
    assert_eq!(png["format"], "png", "the content is PNG whatever the name says: {png}");
    assert_eq!(png["width"], 512, "{png}");
    assert_eq!(png["sha256"].as_str(), Some(sha256_of(&photo("exif.png")).as_str()));

    assert_eq!(entries(&report, "failed").len(), 1, "{report}");
    let failed = entry(&report, "failed", "notes.jpg");
    let reason = failed["error"].as_str().unwrap();
    assert!(reason.contains("named .jpg but the content is text"), "the reason is given: {reason}");
}

#[test]
fn empty_and_truncated_files_are_reported_per_file_and_the_rest_imports() {
    let dir = temp();
    let archive = init(dir.path());
    let folder = folder_of(dir.path(), "broken", &["DSCN0010.jpg", "landscape_1.jpg", "truncated_jpeg.jpg"]);
    write(&folder.join("empty.jpg"), b"");
    // A JPEG cut inside its EXIF segment, before the frame header that gives its size.
    let whole = std::fs::read(photo("DSCN0012.jpg")).unwrap();
    write(&folder.join("cut_in_header.jpg"), &whole[..300]);

    let (status, report) = import_with_status(&archive, &folder);
    assert_eq!(status, Some(2), "an import with failed files exits 2: {report}");

    let empty = entry(&report, "failed", "empty.jpg");
    assert!(empty["error"].as_str().unwrap().contains("empty"), "{empty}");
    let cut = entry(&report, "failed", "cut_in_header.jpg");
    let reason = cut["error"].as_str().unwrap();
    assert!(reason.contains("not a readable jpeg image"), "the reason is given: {reason}");

    // truncated_jpeg.jpg is cut in its image data (Pillow: "image file is truncated (8 bytes not
    // processed)"), but its header is whole: only decoding its pixels shows it is broken, and
    // import decodes every photo (for its thumbnails), so it is refused, naming the reason.
    let truncated = entry(&report, "failed", "truncated_jpeg.jpg");
    let reason = truncated["error"].as_str().unwrap();
    assert!(reason.contains("not a readable jpeg image") && reason.contains("cut short"), "{reason}");
    assert_eq!(
        sorted_names(&report, "failed"),
        sorted(&["empty.jpg", "cut_in_header.jpg", "truncated_jpeg.jpg"]),
        "{report}"
    );
    assert_eq!(
        sorted_names(&report, "added"),
        sorted(&["DSCN0010.jpg", "landscape_1.jpg"]),
        "the good files import despite the bad ones: {report}"
    );
    assert!(entries(&report, "warnings").is_empty(), "{report}");
    assert_photo(&show(&archive, &id_of(entry(&report, "added", "DSCN0010.jpg"))), &GPS_PHOTOS[0]);

    let stats = run_json(&archive, &["stats", "--json"]);
    assert_eq!(stats["photos"], 2, "failed files leave nothing behind: {stats}");
    assert_eq!(stats["files"], 2, "failed files leave nothing behind: {stats}");
}

#[test]
fn search_finds_photos_by_camera_model_and_filters_by_kind() {
    let dir = temp();
    let archive = init(dir.path());
    let folder = folder_of(dir.path(), "search", &["DSCN0010.jpg", "DSCN0012.jpg", "flower.webp", "landscape_1.jpg"]);
    let report = import(&archive, &folder);
    let nikon: Vec<String> =
        ["DSCN0010.jpg", "DSCN0012.jpg"].iter().map(|f| id_of(entry(&report, "added", f))).collect();
    let out = run(
        &archive,
        &["add", "quote", "--text", "They filmed the walkout on an old Coolpix.", "--speaker", "Ana Ruiz", "--json"],
    );
    assert!(out.status.success(), "add quote failed: {}", String::from_utf8_lossy(&out.stderr));

    let ids = |results: &Value| -> Vec<String> {
        let mut ids: Vec<String> = results["hits"]
            .as_array()
            .unwrap_or_else(|| panic!("no hits: {results}"))
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    let mut expected = nikon.clone();
    expected.sort();

    let all = run_json(&archive, &["search", "coolpix", "--json"]);
    assert_eq!(all["total"], 3, "both Nikon photos and the quote: {all}");
    assert!(ids(&all).iter().filter(|id| expected.contains(id)).count() == 2, "{all}");

    let photos = run_json(&archive, &["search", "coolpix", "--kind", "photo", "--json"]);
    assert_eq!(ids(&photos), expected, "only the Nikon photos: {photos}");
    assert!(photos["hits"].as_array().unwrap().iter().all(|h| h["kind"] == "photo"), "{photos}");

    let canon = run_json(&archive, &["search", "PowerShot", "--kind", "photo", "--json"]);
    assert_eq!(ids(&canon), vec![id_of(entry(&report, "added", "flower.webp"))], "{canon}");
}
