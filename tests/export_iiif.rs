//! The IIIF export: Presentation 3 manifests that a IIIF viewer opens from a static web server,
//! read back as a viewer would (every id under the base URL, every image file at the size its
//! canvas says), checked by iiif-prezi3 (models of the official Presentation 3 schema), and
//! carrying nothing the privacy policy keeps in: no restricted photo, no unconsented name, no
//! EXIF or GPS in the images and none in the manifests.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use walkout::export::{self, ExportOptions, Format, Selection};
use walkout::privacy::{ConsentRecord, ConsentScope};
use walkout::{Archive, Consent, Id, ItemDetails, Sensitivity};

use crate::common::*;
use crate::export_fixture::{PHOTO_LAT, import, python, run_python, tools_dir};
use crate::export_images::{FACE, UPRIGHT, add_redacted_photo, assert_only_pixels};

const BASE: &str = "https://library.example.edu/walkout/";
/// Shown in the sign photo, named in its caption and read in its sign: no name consent.
const UNCONSENTED: &str = "Ximena Quiroga";
const PSEUDONYM: &str = "a sophomore at City High";
/// Shown in the bridge photo, agreed to be named.
const PUBLIC_PERSON: &str = "Ana Organizer";
const RESTRICTED_CANARY: &str = "RESTRICTED-PHOTO-CANARY";

struct Photos {
    archive: Archive,
    /// The rotated, geotagged camera photo with a face redacted.
    bridge: Id,
    /// A photo with OCR text, in Spanish.
    sign: Id,
    /// A restricted photo in the same collection.
    restricted: Id,
    /// A quote in the same collection.
    quote: Id,
}

fn consent(scope: ConsentScope) -> ConsentRecord {
    ConsentRecord { scope, status: Consent::Granted, date: None, note: None, expires: None }
}

/// The collection "Rally day": the bridge photo, the sign photo, a restricted photo and a quote.
fn photos(dir: &Path) -> Photos {
    let mut archive = Archive::create(&dir.join("archive")).unwrap();
    let bridge = add_redacted_photo(&mut archive, dir);
    let generated = jpegs(&dir.join("generated"), 2);
    let report = import(&mut archive, &generated);
    assert_eq!(report.added.len(), 2, "{:?}", report.failed);
    let id_of = |name: &str| report.added.iter().find(|a| a.path.ends_with(name)).map(|a| a.id).unwrap();
    let (sign, restricted) = (id_of("photo_0000.jpg"), id_of("photo_0001.jpg"));

    let mut item = archive.get(bridge).unwrap();
    item.title = format!("{UNCONSENTED} and {PUBLIC_PERSON} on the river bridge");
    item.people = vec![PUBLIC_PERSON.into()];
    item.date = Some("2026-01~".parse().unwrap());
    item.rights = Some("https://creativecommons.org/licenses/by/4.0/".into());
    item.tags = vec!["march".into()];
    archive.update_item(item).unwrap();

    let mut item = archive.get(sign).unwrap();
    item.title = "Sign at city hall".into();
    item.people = vec![UNCONSENTED.into()];
    item.date = Some("2026-01-30".parse().unwrap());
    item.language = Some("es".into());
    item.rights = Some("CC BY-SA 4.0".into());
    item.credit = Some("City Paper".into());
    item.ocr_text = Some(format!("SIN MIEDO\nJusticia para {UNCONSENTED}"));
    item.consent = Consent::Granted;
    if let ItemDetails::Photo(p) = &mut item.details {
        p.caption = Some(format!("{UNCONSENTED} holds the sign"));
    }
    archive.update_item(item).unwrap();

    let mut item = archive.get(restricted).unwrap();
    item.title = RESTRICTED_CANARY.into();
    item.sensitivity = Sensitivity::Restricted;
    archive.update_item(item).unwrap();

    let quote = archive.add_item(walkout::Item::quote("We walked out together", archive.now())).unwrap();
    archive.add_to_collection("Rally day", &[bridge, sign, restricted, quote]).unwrap();
    archive.record_consent(PUBLIC_PERSON, consent(ConsentScope::Name)).unwrap();
    archive.record_consent(PUBLIC_PERSON, consent(ConsentScope::Image)).unwrap();
    // She agreed to be shown, not named: exports show her by her pseudonym.
    archive.record_consent(UNCONSENTED, consent(ConsentScope::Image)).unwrap();
    archive.set_person_protection(UNCONSENTED, None, None, Some(PSEUDONYM.into())).unwrap();
    Photos { archive, bridge, sign, restricted, quote }
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

/// The file a URL under `BASE` names in the export folder.
fn local(out: &Path, url: &str) -> PathBuf {
    out.join(url.strip_prefix(BASE).unwrap_or_else(|| panic!("{url} is not under {BASE}")))
}

/// Every `id` in a JSON document.
fn ids(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "id" {
                    found.push(v.as_str().unwrap_or_else(|| panic!("id {v} is not a string")).to_string());
                }
                ids(v, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| ids(v, found)),
        _ => {}
    }
}

/// A language map with both English and Spanish.
fn assert_bilingual(label: &Value) {
    let (en, es) = (&label["en"][0], &label["es"][0]);
    assert!(en.is_string() && es.is_string(), "not in English and Spanish: {label}");
}

/// The metadata value of the entry labelled `en`, if any.
fn metadata<'a>(canvas: &'a Value, en: &str) -> Option<&'a Value> {
    let entries = canvas["metadata"].as_array()?;
    entries.iter().find(|m| m["label"]["en"][0] == en).map(|m| &m["value"])
}

fn export_iiif(archive: &Archive, selection: Selection, out: &Path) -> export::ExportReport {
    let options = ExportOptions { selection, base_url: Some(BASE.into()), ..Default::default() };
    export::export(archive, Format::Iiif, &options, out).unwrap()
}

/// Checks the export with iiif-prezi3 (tests/tools/iiif_check.py) and returns its summary; None
/// (loudly) when only a python without iiif-prezi3 is at hand: scripts/test.sh installs it.
fn check_with_iiif_prezi3(out: &Path) -> Option<Value> {
    let python = python()?;
    let venv = python.starts_with(tools_dir());
    let found = Command::new(&python).args(["-c", "import iiif_prezi3"]).output().is_ok_and(|o| o.status.success());
    if !venv && !found {
        eprintln!(
            "\n!!!!! SKIPPED: iiif-prezi3 is not installed (bash scripts/test.sh installs it), so the IIIF export was not checked by its consumer !!!!!\n"
        );
        return None;
    }
    let said = run_python(&python, "iiif_check.py", &[out, Path::new(BASE)]);
    Some(serde_json::from_str(said.trim()).unwrap_or_else(|e| panic!("iiif_check.py said {said:?}: {e}")))
}

#[test]
fn export_iiif_manifest_shows_the_public_photos_cleaned_with_their_catalog_and_no_one_unconsented() {
    let dir = temp();
    let mut p = photos(dir.path());
    let out = dir.path().join("iiif");
    let report = export_iiif(&p.archive, Selection::Collection("Rally day".into()), &out);
    assert_eq!(report.exported, 2);
    let left: Vec<(Id, &str)> = report.left_out.iter().map(|l| (l.id, l.reason.as_str())).collect();
    assert!(left.contains(&(p.restricted, "restricted")), "{left:?}");
    assert!(left.contains(&(p.quote, export::iiif::NOT_A_PHOTO)), "{left:?}");

    let collection = read_json(&out.join("collection.json"));
    assert_eq!(collection["@context"], "http://iiif.io/api/presentation/3/context.json");
    assert_eq!(collection["type"], "Collection");
    assert_eq!(collection["items"].as_array().unwrap().len(), 1, "{collection:#}");
    let reference = &collection["items"][0];
    assert_eq!(reference["type"], "Manifest");
    let manifest = read_json(&local(&out, reference["id"].as_str().unwrap()));
    assert_eq!(manifest["@context"], "http://iiif.io/api/presentation/3/context.json");
    assert_eq!(manifest["id"], reference["id"]);
    assert_eq!(manifest["label"], serde_json::json!({"en": ["Rally day"], "es": ["Rally day"]}));

    // One canvas per public photo, in the collection's order; the restricted one is absent.
    let canvases = manifest["items"].as_array().unwrap();
    let canvas_of = |id: Id| canvases.iter().find(|c| c["id"].as_str().unwrap().ends_with(&id.to_string()));
    assert_eq!(canvases.len(), 2, "{manifest:#}");
    let (bridge, sign) = (canvas_of(p.bridge).unwrap(), canvas_of(p.sign).unwrap());
    assert!(canvas_of(p.restricted).is_none());
    assert!(std::ptr::eq(bridge, &canvases[0]), "the collection's order");

    // Each canvas paints its cleaned image at the image's real size, served by a level-0
    // service whose info.json says the same.
    for canvas in [bridge, sign] {
        assert_eq!(canvas["type"], "Canvas");
        let annotation = &canvas["items"][0]["items"][0];
        assert_eq!(annotation["motivation"], "painting");
        assert_eq!(annotation["target"], canvas["id"]);
        let body = &annotation["body"];
        assert_eq!((&body["type"], &body["format"]), (&Value::from("Image"), &Value::from("image/jpeg")));
        let service = &body["service"][0];
        assert_eq!((&service["type"], &service["profile"]), (&Value::from("ImageService3"), &Value::from("level0")));
        let service_id = service["id"].as_str().unwrap();
        assert_eq!(body["id"].as_str().unwrap(), format!("{service_id}/full/max/0/default.jpg"));
        let file = local(&out, body["id"].as_str().unwrap());
        let decoded = image::open(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let size = (decoded.width(), decoded.height());
        assert_eq!((canvas["width"].as_u64(), canvas["height"].as_u64()), (Some(size.0.into()), Some(size.1.into())));
        assert_eq!((&body["width"], &body["height"]), (&canvas["width"], &canvas["height"]));
        let info = read_json(&local(&out, &format!("{service_id}/info.json")));
        assert_eq!(info["@context"], "http://iiif.io/api/image/3/context.json");
        assert_eq!(
            (&info["id"], &info["type"], &info["profile"]),
            (&service["id"], &service["type"], &service["profile"])
        );
        assert_eq!(info["protocol"], "http://iiif.io/api/image");
        assert_eq!((&info["width"], &info["height"]), (&canvas["width"], &canvas["height"]));
        let sizes = info["sizes"].as_array().unwrap();
        assert!(sizes.iter().any(|s| (&s["width"], &s["height"]) == (&info["width"], &info["height"])), "{info}");
        for s in sizes {
            let at = format!("{service_id}/full/{},{}/0/default.jpg", s["width"], s["height"]);
            let scaled = image::open(local(&out, &at)).unwrap();
            assert_eq!(
                (Value::from(scaled.width()), Value::from(scaled.height())),
                (s["width"].clone(), s["height"].clone())
            );
        }
        let thumbnail = &canvas["thumbnail"][0];
        assert!(local(&out, thumbnail["id"].as_str().unwrap()).is_file(), "{thumbnail}");
        // Only pixels: no EXIF, GPS, maker notes or thumbnail; upright; the face burned in.
        if std::ptr::eq(canvas, bridge) {
            assert_eq!(size, UPRIGHT);
            assert_only_pixels(&file, UPRIGHT, &FACE);
        }
        let tags = crate::export_images::exiftool(&["-a", "-G1", "-s"], &file);
        let tags = String::from_utf8_lossy(&tags.stdout);
        assert!(["[GPS]", "[ExifIFD]", "[IFD0]", "[XMP"].iter().all(|g| !tags.contains(g)), "{tags}");
    }

    // Bilingual labels; the catalog in the metadata, the title as the canvas's label.
    for canvas in [bridge, sign] {
        for entry in canvas["metadata"].as_array().unwrap() {
            assert_bilingual(&entry["label"]);
        }
    }
    assert_eq!(sign["label"], serde_json::json!({"es": ["Sign at city hall"]}));
    assert_eq!(metadata(sign, "Caption").unwrap(), &serde_json::json!({"es": [format!("{PSEUDONYM} holds the sign")]}));
    assert_eq!(metadata(sign, "People").unwrap(), &serde_json::json!({"none": [PSEUDONYM]}));
    assert_eq!(metadata(sign, "Credit").unwrap(), &serde_json::json!({"none": ["City Paper"]}));
    assert_eq!(metadata(bridge, "People").unwrap(), &serde_json::json!({"none": [PUBLIC_PERSON]}));
    assert_eq!(metadata(bridge, "Place").unwrap(), &serde_json::json!({"none": ["Iowa City, Iowa"]}));
    assert_eq!(metadata(bridge, "Date").unwrap(), &serde_json::json!({"none": ["2026-01~"]}));
    assert_eq!(bridge["label"]["none"][0], format!("{PSEUDONYM} and {PUBLIC_PERSON} on the river bridge"));

    // navDate: the first day of the date; rights as URIs, the words in requiredStatement.
    assert_eq!(bridge["navDate"], "2026-01-01T00:00:00Z");
    assert_eq!(sign["navDate"], "2026-01-30T00:00:00Z");
    assert_eq!(bridge["rights"], "http://creativecommons.org/licenses/by/4.0/");
    assert_eq!(sign["rights"], "http://creativecommons.org/licenses/by-sa/4.0/");
    assert_eq!(sign["requiredStatement"]["value"], serde_json::json!({"none": ["CC BY-SA 4.0"]}));
    assert_bilingual(&sign["requiredStatement"]["label"]);

    // The words read in the sign, as a supplementing annotation, the name scrubbed there too.
    let ocr = &sign["annotations"][0]["items"][0];
    assert_eq!(ocr["motivation"], "supplementing");
    assert_eq!(ocr["target"], sign["id"]);
    assert_eq!(ocr["body"]["type"], "TextualBody");
    assert_eq!(ocr["body"]["format"], "text/plain");
    assert_eq!(ocr["body"]["language"], "es");
    assert_eq!(ocr["body"]["value"], format!("SIN MIEDO\nJusticia para {PSEUDONYM}"));
    assert!(bridge.get("annotations").is_none());

    // Every id is under the base URL.
    for doc in [&collection, &manifest] {
        let mut found = Vec::new();
        ids(doc, &mut found);
        assert!(!found.is_empty());
        for id in found {
            assert!(id.starts_with(BASE), "{id}");
        }
    }

    // Nothing of the unconsented name, the restricted photo, the GPS or the camera in any file.
    let text = all_files(&out).into_iter().map(|(name, bytes)| (name, String::from_utf8_lossy(&bytes).to_lowercase()));
    for (name, text) in text {
        for needle in
            ["ximena", "quiroga", &RESTRICTED_CANARY.to_lowercase(), PHOTO_LAT, "nikon", "dscn0010", "navplace"]
        {
            assert!(!text.contains(needle), "{name} contains {needle:?}");
        }
    }

    // A takedown finds the export to recall.
    let purged = p.archive.purge(&[p.sign]).unwrap();
    assert!(purged.exports.iter().any(|e| e.format == "iiif" && Path::new(&e.destination) == out), "{purged:?}");
}

#[test]
fn export_iiif_of_the_whole_archive_is_valid_for_iiif_prezi3() {
    let dir = temp();
    let mut p = photos(dir.path());
    // A photo in no collection goes to the manifest "Photos".
    let loose = import(&mut p.archive, &[data("photos/landscape_6.jpg")]).added[0].id;
    let out = dir.path().join("all");
    let report = export_iiif(&p.archive, Selection::All, &out);
    assert_eq!(report.exported, 3);

    let collection = read_json(&out.join("collection.json"));
    let labels: Vec<&Value> = collection["items"].as_array().unwrap().iter().map(|m| &m["label"]).collect();
    assert_eq!(
        labels,
        [
            &serde_json::json!({"en": ["Rally day"], "es": ["Rally day"]}),
            &serde_json::json!({"en": ["Photos"], "es": ["Fotos"]})
        ]
    );
    let photos = read_json(&local(&out, collection["items"][1]["id"].as_str().unwrap()));
    assert!(photos["items"][0]["id"].as_str().unwrap().ends_with(&loose.to_string()));
    // The undated photo has no navDate; rights-free, its rights are "not evaluated".
    assert!(photos["items"][0].get("navDate").is_none());
    assert_eq!(photos["items"][0]["rights"], "http://rightsstatements.org/vocab/CNE/1.0/");

    if let Some(summary) = check_with_iiif_prezi3(&out) {
        assert_eq!(summary, serde_json::json!({"manifests": 2, "canvases": 3, "services": 3}));
    }
    let one = dir.path().join("one");
    export_iiif(&p.archive, Selection::Items(vec![p.sign]), &one);
    let manifest = read_json(&local(&one, read_json(&one.join("collection.json"))["items"][0]["id"].as_str().unwrap()));
    assert_eq!(manifest["label"], serde_json::json!({"en": ["Selected photos"], "es": ["Fotos seleccionadas"]}));
    if let Some(summary) = check_with_iiif_prezi3(&one) {
        assert_eq!(summary["canvases"], 1);
    }
}

#[test]
fn export_iiif_from_the_cli_takes_a_base_url_and_refuses_originals() {
    let dir = temp();
    let p = photos(dir.path());
    let root = p.archive.root().to_path_buf();
    drop(p);
    let out = dir.path().join("site-iiif");
    let out_arg = out.to_str().unwrap();
    let args = ["export", "--format", "iiif", "--base-url", BASE, "--collection", "Rally day", "--json", out_arg];
    let report = run_json(&root, &args);
    assert_eq!(report["exported"], 2);
    let collection = read_json(&out.join("collection.json"));
    assert_eq!(collection["id"], format!("{BASE}collection.json"));
    assert!(!out.join(export::INCOMPLETE).exists());
    check_with_iiif_prezi3(&out);

    let refused = run(&root, &["export", "--format", "iiif", "--originals", dir.path().join("orig").to_str().unwrap()]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("--originals") && said.contains("cleaned"), "{said}");
    assert!(!dir.path().join("orig").exists());

    let bad = run(
        &root,
        &["export", "--format", "iiif", "--base-url", "library.example.edu", dir.path().join("bad").to_str().unwrap()],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("http"), "{}", String::from_utf8_lossy(&bad.stderr));
    let json =
        run(&root, &["export", "--format", "json", "--base-url", BASE, dir.path().join("json").to_str().unwrap()]);
    assert!(!json.status.success());
    assert!(String::from_utf8_lossy(&json.stderr).contains("--base-url is for --format iiif"));
}
