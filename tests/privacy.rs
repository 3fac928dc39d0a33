//! Protecting the people in the archive: minors, people at risk and withheld consent keep items
//! out of exports and the reading room; names without consent leave as pseudonyms; photo
//! locations never leave; a purge leaves no trace anywhere in the archive folder.

use std::sync::atomic::AtomicBool;

use walkout::export::{ExportOptions, Selection, json as json_export, select};
use walkout::privacy::{ConsentRecord, ConsentScope};
use walkout::{Archive, Consent, Item, ItemDetails, SearchRequest, Sensitivity};

use crate::common::*;

fn quote(archive: &mut Archive, text: &str, speaker: &str, role: &str) -> walkout::Id {
    let mut item = Item::quote(text, archive.now());
    if let ItemDetails::Quote(q) = &mut item.details {
        q.speaker = Some(speaker.into());
        q.role = Some(role.into());
    }
    archive.add_item(item).unwrap()
}

fn consent(scope: ConsentScope, status: Consent) -> ConsentRecord {
    ConsentRecord { scope, status, date: Some("2026-02".parse().unwrap()), note: None, expires: None }
}

fn reading_room(archive: &Archive, words: &str) -> u64 {
    let request = SearchRequest { max_sensitivity: Some(Sensitivity::Public), ..SearchRequest::words(words) };
    archive.search(&request).unwrap().total
}

fn exported_texts(archive: &Archive, include_restricted: bool) -> (String, Vec<(walkout::Id, String)>) {
    let (items, left_out) = select(archive, &Selection::All, include_restricted).unwrap();
    (serde_json::to_string(&items).unwrap(), left_out.into_iter().map(|l| (l.id, l.reason)).collect())
}

#[test]
fn a_minors_words_stay_in_the_archive_unless_the_archivist_includes_them() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    let id =
        quote(&mut archive, "They took my cousin from the bus stop", "Dani Ortega", "student, Meadowcreek High School");
    assert_eq!(reading_room(&archive, "cousin"), 1);
    archive.set_person_protection("Dani Ortega", Some(true), None, None).unwrap();
    // At once: the reading room no longer shows it, in hits or facet counts.
    assert_eq!(reading_room(&archive, "cousin"), 0);
    let all =
        archive.search(&SearchRequest { max_sensitivity: Some(Sensitivity::Public), ..Default::default() }).unwrap();
    assert!(!all.facets["speaker"].contains_key("Dani Ortega"));
    assert_eq!(archive.search(&SearchRequest::words("cousin")).unwrap().total, 1, "the archivist still finds it");

    let (json, left_out) = exported_texts(&archive, false);
    assert!(!json.contains("cousin") && !json.contains("Dani"));
    assert_eq!(left_out, vec![(id, "quotes a minor".to_string())]);
    // Included explicitly, the words leave but the minor's name does not.
    let (json, _) = exported_texts(&archive, true);
    assert!(json.contains("They took my cousin"));
    assert!(!json.contains("Dani Ortega"));
    // Shown by a pseudonym that is not made of the role, which stays in (it would say who).
    let (items, _) = select(&archive, &Selection::All, true).unwrap();
    let ItemDetails::Quote(q) = &items.iter().find(|i| i.id == id).unwrap().details else { panic!("a quote") };
    assert!(q.speaker.as_deref().unwrap().starts_with("an unnamed speaker"), "{q:?}");
    assert_eq!(q.role, None);
}

#[test]
fn withheld_consent_takes_effect_everywhere_at_once_and_a_grant_lifts_it() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    quote(&mut archive, "We march for our parents", "Lena Park", "student, Roosevelt High School");
    archive.record_consent("Lena Park", consent(ConsentScope::Quote, Consent::Withheld)).unwrap();
    assert_eq!(reading_room(&archive, "parents"), 0);
    let (_, left_out) = exported_texts(&archive, false);
    assert_eq!(left_out[0].1, "a person withheld consent (quote)");
    archive.record_consent("Lena Park", consent(ConsentScope::Quote, Consent::Granted)).unwrap();
    assert_eq!(reading_room(&archive, "parents"), 1);
    // Her words may leave now, but not her name: name consent is a separate scope.
    let (json, left_out) = exported_texts(&archive, false);
    assert!(left_out.is_empty());
    assert!(json.contains("We march for our parents") && !json.contains("Lena Park"));
    archive.record_consent("Lena Park", consent(ConsentScope::Name, Consent::Granted)).unwrap();
    assert!(exported_texts(&archive, false).0.contains("Lena Park"));
}

#[test]
fn an_expired_grant_counts_as_no_consent() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    quote(&mut archive, "Our school, our rules", "Sam Ito", "student");
    let mut grant = consent(ConsentScope::Name, Consent::Granted);
    grant.expires = Some("2026-03-01".parse().unwrap());
    archive.record_consent("Sam Ito", grant).unwrap();
    archive.set_clock(|| "2026-06-01T00:00:00Z".parse().unwrap());
    assert!(!exported_texts(&archive, false).0.contains("Sam Ito"));
}

#[test]
fn pseudonyms_are_consistent_across_an_export_and_distinct_between_people() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    quote(&mut archive, "First words of one", "Ana", "student at Meadowcreek High School");
    quote(&mut archive, "Second words of one", "Ana", "student at Meadowcreek High School");
    quote(&mut archive, "Words of another", "Bea", "student at Meadowcreek High School");
    archive.set_person_protection("Bea", None, None, Some(Some("a student at Meadowcreek"))).unwrap();
    let (items, _) = select(&archive, &Selection::All, false).unwrap();
    let speaker_of = |needle: &str| {
        items.iter().find_map(|i| match &i.details {
            ItemDetails::Quote(q) if q.text.contains(needle) => q.speaker.clone(),
            _ => None,
        })
    };
    let ana = speaker_of("First words of one").unwrap();
    assert!(ana.starts_with("an unnamed speaker"), "{ana}");
    assert_eq!(speaker_of("Second words of one").unwrap(), ana);
    assert_eq!(speaker_of("Words of another").unwrap(), "a student at Meadowcreek", "the archive's pseudonym");
}

#[test]
fn photo_locations_never_leave_in_an_export() {
    let dir = temp();
    let (root, mut archive) = demo_archive(dir.path());
    let photos = dir.path().join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    std::fs::copy(data("photos/DSCN0010.jpg"), photos.join("DSCN0010.jpg")).unwrap();
    archive.import_paths(&[photos], Default::default(), &mut |_| {}, &AtomicBool::new(false)).unwrap();
    let photo = archive.all_items().unwrap().into_iter().find(|i| i.sha256().is_some()).unwrap();
    let ItemDetails::Photo(p) = &photo.details else { panic!("a photo") };
    assert!(p.gps.is_some(), "the archive keeps the location");
    let out = dir.path().join("export");
    json_export::export(&archive, &ExportOptions::default(), &out).unwrap();
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("walkout-export.json")).unwrap()).unwrap();
    let exported = doc["items"].as_array().unwrap().iter().find(|i| i["kind"] == "photo").unwrap();
    assert!(exported["gps"].is_null(), "{exported}");
    drop(root);
}

#[test]
fn a_purge_leaves_no_trace_of_the_text_or_the_image_anywhere_in_the_archive() {
    let dir = temp();
    let (root, mut archive) = demo_archive(dir.path());
    let canary_text = "Canary-7f3a9 zebra quokka testimony";
    let id = quote(&mut archive, canary_text, "Rosa Canaryperson", "student");
    // A real photo carrying a unique byte string after its end marker.
    let canary_bytes = b"CANARY-IMAGE-51c2e8-BYTES";
    let mut photo = std::fs::read(data("photos/landscape_1.jpg")).unwrap();
    photo.extend_from_slice(canary_bytes);
    let photos = write(&dir.path().join("in/canary.jpg"), photo);
    let report = archive.import_paths(&[photos], Default::default(), &mut |_| {}, &AtomicBool::new(false)).unwrap();
    let photo_id = report.added[0].id;
    let mut photo_item = archive.get(photo_id).unwrap();
    photo_item.people = vec!["Rosa Canaryperson".into()];
    archive.update_item(photo_item).unwrap();
    // Edits leave older versions of a row behind in free pages and old index segments.
    archive.edit(id, &[("context".into(), format!("{canary_text} again"))]).unwrap();
    let export_dir = dir.path().join("earlier-export");
    json_export::export(&archive, &ExportOptions { include_restricted: true, ..Default::default() }, &export_dir)
        .unwrap();
    assert!(
        !files_containing(&root, canary_text.as_bytes()).is_empty(),
        "the canary is in the archive before the purge"
    );

    let purged = archive.purge_person("Rosa Canaryperson").unwrap();
    assert_eq!(purged.items.len(), 2);
    assert_eq!(purged.files, 1);
    assert_eq!(purged.exports.len(), 1, "the earlier export is named for recall");
    assert!(purged.exports[0].destination.ends_with("earlier-export"));
    drop(archive);

    assert_eq!(files_containing(&root, canary_text.as_bytes()), Vec::<String>::new());
    assert_eq!(files_containing(&root, b"Canary-7f3a9"), Vec::<String>::new());
    assert_eq!(files_containing(&root, canary_bytes), Vec::<String>::new());
    assert_eq!(files_containing(&root, b"Rosa Canaryperson"), Vec::<String>::new());
    let reopened = Archive::open(&root).unwrap();
    assert_eq!(reopened.search(&SearchRequest::words("quokka")).unwrap().total, 0);
    assert_eq!(reopened.stats().unwrap().items, 10);
    assert_eq!(reopened.integrity_check().unwrap(), "ok");
}

#[test]
fn leaving_the_reading_room_needs_the_pin_and_the_pin_is_not_stored_in_clear() {
    let dir = temp();
    let (root, mut archive) = demo_archive(dir.path());
    assert!(!archive.has_reading_room_pin().unwrap());
    assert!(archive.set_reading_room_pin("12").is_err(), "too short");
    archive.set_reading_room_pin("4821-library").unwrap();
    assert!(archive.check_reading_room_pin("4821-library").unwrap());
    assert!(!archive.check_reading_room_pin("4821").unwrap());
    drop(archive);
    assert_eq!(files_containing(&root, b"4821-library"), Vec::<String>::new());
}

#[test]
fn an_image_that_leaves_carries_nothing_but_upright_pixels_with_solid_redactions() {
    use walkout::files::clean_image::{REDACTION_FILL, publishable};
    use walkout::model::Redaction;
    let dir = temp();
    // A geotagged camera photo, and one stored sideways (EXIF orientation 6).
    for (name, orientation) in [("DSCN0010.jpg", 1u16), ("landscape_6.jpg", 6)] {
        let original = std::fs::read(data(&format!("photos/{name}"))).unwrap();
        let face = Redaction { x: 0.25, y: 0.25, w: 0.5, h: 0.5, label: Some("face".into()) };
        let clean = publishable(&original, Some(orientation), &[face]).unwrap();
        let path = write(&dir.path().join(format!("clean-{name}")), &clean.bytes);
        let decoded = image::load_from_memory(&clean.bytes).unwrap().to_rgb8();
        let stored = image::load_from_memory(&original).unwrap();
        if orientation == 6 {
            assert_eq!((decoded.width(), decoded.height()), (stored.height(), stored.width()), "turned upright");
        }
        let centre = decoded.get_pixel(decoded.width() / 2, decoded.height() / 2);
        let fill = REDACTION_FILL;
        assert!(centre.0.iter().zip(&fill).all(|(a, b)| a.abs_diff(*b) <= 3), "solid fill, got {centre:?}");

        let out = std::process::Command::new("exiftool").args(["-a", "-G1", "-s", "-j"]).arg(&path).output();
        let Ok(out) = out else { panic!("exiftool is needed for this test (apt-get install libimage-exiftool-perl)") };
        let tags: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let allowed = ["SourceFile", "ExifTool:", "System:", "File:", "JFIF:", "Composite:", "PNG:"];
        for key in tags[0].as_object().unwrap().keys() {
            assert!(allowed.iter().any(|a| key.starts_with(a)), "{name}: {key} must not leave the archive");
        }
    }
}
