//! The lossless JSON export (`--originals`): exported and imported into an empty archive, it
//! gives the same archive back, field for field, with the original files.

use std::sync::atomic::AtomicBool;

use walkout::export::{ExportOptions, Selection, json as json_export};
use walkout::ingest::ImportLimits;
use walkout::{Archive, Sensitivity};

use crate::common::*;

fn export_json(
    archive: &Archive,
    selection: Selection,
    include_restricted: bool,
    out: &std::path::Path,
) -> walkout::export::ExportReport {
    let options = ExportOptions { selection, include_restricted, ..Default::default() };
    json_export::export(archive, &options, out).unwrap()
}

fn import(archive: &mut Archive, path: std::path::PathBuf) -> walkout::ingest::ImportReport {
    archive.import_paths(&[path], ImportLimits::default(), &mut |_| {}, &AtomicBool::new(false)).unwrap()
}

#[test]
fn export_json_then_import_into_an_empty_archive_gives_the_same_archive() {
    let dir = temp();
    let (_, mut source) = demo_archive(dir.path());
    let inputs = dir.path().join("inputs");
    write(&inputs.join("notes.md"), "# Sit-in at the library\n\nStudents sat in for three hours.\n");
    write(
        &inputs.join("article.html"),
        "<html lang=\"en\"><head><title>Students rally downtown</title><meta property=\"og:site_name\" content=\"City Paper\">\
         <meta property=\"article:published_time\" content=\"2026-01-30T18:00:00Z\"></head><body><article><h1>Students rally downtown</h1>\
         <p class=\"byline\">By Dana Reporter</p><p>Hundreds of students rallied downtown on Friday afternoon against immigration enforcement in their schools, \
         carrying signs and chanting as they marched from the high school to city hall.</p><p>Organizers said the walkout was planned \
         in a week by students who met after class, and that more rallies would follow in the coming days across the city.</p></article></body></html>",
    );
    write(
        &inputs.join("quotes.csv"),
        "text,speaker,role,date,place,tags,context,translation,language\n\"Aquí estamos, y no nos vamos\",Students,marchers,2026-01-30?,\"Iowa City, Iowa\",chant;walkout,Chanted at the rally,\"Here we are, and we are not leaving\",es\n",
    );
    let report = import(&mut source, inputs);
    assert_eq!(report.added.len(), 3, "{:?}", report.failed);

    let chant = source.search(&walkout::SearchRequest::words("vamos")).unwrap().hits[0].id;
    let mut edited = source.get(chant).unwrap();
    edited.sensitivity = Sensitivity::Restricted;
    edited.consent = walkout::Consent::Granted;
    edited.description = Some("Recorded with the marchers' permission".into());
    source.update_item(edited).unwrap();
    let ids: Vec<_> = source.all_items().unwrap().iter().rev().take(3).map(|i| i.id).collect();
    source.add_to_collection("Rally day", &ids).unwrap();

    // A faithful copy carries real names only for people who agreed to be named.
    for speaker in source.people().unwrap() {
        let granted = walkout::privacy::ConsentRecord {
            scope: walkout::privacy::ConsentScope::Name,
            status: walkout::Consent::Granted,
            date: None,
            note: Some("public record".into()),
            expires: None,
        };
        source.record_consent(&speaker.name, granted).unwrap();
    }
    let out = dir.path().join("export");
    // The archivist's own transfer: the original files, untouched.
    let options = ExportOptions { include_restricted: true, originals: true, ..Default::default() };
    let report = json_export::export(&source, &options, &out).unwrap();
    assert!(report.originals);
    assert_eq!(report.exported, 13);
    assert_eq!(report.files, 2);
    assert!(report.left_out.is_empty());

    let mut target = Archive::create(&dir.path().join("copy")).unwrap();
    let imported = import(&mut target, out.clone());
    assert_eq!(imported.added.len(), 13, "{:?}", imported.failed);
    assert!(imported.failed.is_empty());

    let before = source.all_items().unwrap();
    let after = target.all_items().unwrap();
    assert_eq!(before.len(), after.len());
    for (a, b) in before.iter().zip(&after) {
        assert_eq!(serde_json::to_value(a).unwrap(), serde_json::to_value(b).unwrap(), "item {} differs", a.id);
    }
    let names = |a: &Archive| {
        a.collections().unwrap().into_iter().map(|c| (c.name, c.description, c.items)).collect::<Vec<_>>()
    };
    assert_eq!(names(&source), names(&target));
    let places = |a: &Archive| {
        a.places().unwrap().into_iter().map(|p| (p.name, p.gps.map(|g| (g.lat, g.lon)), p.items)).collect::<Vec<_>>()
    };
    assert_eq!(places(&source), places(&target));
    let events = |a: &Archive| {
        a.events().unwrap().into_iter().map(|e| (e.name, e.date, e.place, e.description, e.items)).collect::<Vec<_>>()
    };
    assert_eq!(events(&source), events(&target));
    for item in after.iter().filter(|i| i.sha256().is_some()) {
        assert!(target.files().contains(item.sha256().unwrap()));
    }
    assert!(target.verify(&mut |_, _| {}).unwrap().is_clean());
    // The copy is searchable like the original.
    assert_eq!(target.search(&walkout::SearchRequest::words("\"carrying signs\"")).unwrap().total, 1);

    // Importing the same export again adds nothing.
    let again = import(&mut target, out);
    assert!(again.added.is_empty());
    assert_eq!(again.duplicates.len(), 13);
}

#[test]
fn export_leaves_out_what_is_not_public_and_says_so() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    let items = archive.all_items().unwrap();
    let mut restricted = items[0].clone();
    restricted.sensitivity = Sensitivity::Restricted;
    archive.update_item(restricted.clone()).unwrap();
    let mut private = items[1].clone();
    private.sensitivity = Sensitivity::Private;
    archive.update_item(private.clone()).unwrap();

    let out = dir.path().join("export");
    let report = export_json(&archive, Selection::All, false, &out);
    assert_eq!(report.exported, 8);
    let reasons: Vec<_> = report.left_out.iter().map(|l| (l.id, l.reason.as_str())).collect();
    assert_eq!(reasons, vec![(restricted.id, "restricted"), (private.id, "private")]);
    let text = std::fs::read_to_string(out.join("walkout-export.json")).unwrap();
    assert!(!text.contains(&restricted.title) && !text.contains(&private.title));

    let with_restricted = export_json(&archive, Selection::All, true, &dir.path().join("export2"));
    assert_eq!(with_restricted.exported, 9, "private items never leave");

    let by_query = export_json(&archive, Selection::Query("Minneapolis".into()), false, &dir.path().join("q"));
    assert!(by_query.exported >= 1);
    let by_collection =
        export_json(&archive, Selection::Collection("January 30, 2026 walkouts".into()), false, &dir.path().join("c"));
    assert_eq!(by_collection.exported, 8);
}

#[test]
fn a_tampered_export_adds_nothing_it_cannot_vouch_for() {
    let dir = temp();
    let mut source = Archive::create(&dir.path().join("source")).unwrap();
    let photos = dir.path().join("photos");
    for name in ["landscape_1.jpg", "portrait_8.jpg"] {
        write(&photos.join(name), std::fs::read(data(&format!("photos/{name}"))).unwrap());
    }
    assert_eq!(import(&mut source, photos).added.len(), 2);
    let out = dir.path().join("export");
    let options = ExportOptions { include_restricted: true, originals: true, ..Default::default() };
    json_export::export(&source, &options, &out).unwrap();
    let manifest = out.join("walkout-export.json");
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    let items = doc["items"].as_array_mut().unwrap();
    // One file changed on disk after export; the other item's hash rewritten to climb out of
    // the export folder.
    let changed = items[0]["sha256"].as_str().unwrap().to_string();
    let mut bytes = std::fs::read(out.join("files").join(&changed)).unwrap();
    let last = bytes.len() - 3;
    bytes[last] ^= 0xFF;
    std::fs::write(out.join("files").join(&changed), bytes).unwrap();
    items[1]["sha256"] = serde_json::json!("../../photos/landscape_1.jpg");
    std::fs::write(&manifest, serde_json::to_vec(&doc).unwrap()).unwrap();

    let mut target = Archive::create(&dir.path().join("target")).unwrap();
    let report = import(&mut target, manifest);
    assert!(report.added.is_empty(), "{:?}", report.added);
    let errors: Vec<&str> = report.failed.iter().map(|f| f.error.as_str()).collect();
    assert!(errors.iter().any(|e| e.contains("changed since export")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("is not a SHA-256")), "{errors:?}");
    // Nothing of either file was stored.
    let stored = std::fs::read_dir(dir.path().join("target/files")).map_or(0, |d| d.count());
    assert_eq!(stored, 0, "files stored for items that were refused");
}

#[test]
fn an_export_reports_its_progress_up_to_the_end() {
    use std::sync::{Arc, Mutex};
    let dir = temp();
    let (_, archive) = demo_archive(dir.path());
    for format in [walkout::export::Format::Json, walkout::export::Format::Site] {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let options = ExportOptions {
            progress: walkout::export::Progress::new(move |p| sink.lock().unwrap().push((p.done, p.total))),
            ..Default::default()
        };
        let out = dir.path().join(format!("{format:?}"));
        let report = walkout::export::export(&archive, format, &options, &out).unwrap();
        let seen = seen.lock().unwrap();
        let total = report.exported as usize + report.left_out.len();
        assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "{seen:?}");
        let (done, of) = *seen.last().unwrap();
        assert_eq!(done, of, "{format:?} ends at its total: {seen:?}");
        assert!(of > 0 && of <= total, "{format:?}: {seen:?} for {total} items");
    }
}
