//! Words in photos: read offline by Tesseract, searched like any text, corrected by the
//! archivist, and sent out of the archive only through the privacy policy. The pictures are
//! small generated ones in tests/data/ocr (scripts/make_ocr_fixtures.py; CC0).

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use walkout::export::{self, ExportOptions, Format};
use walkout::ocr::{OcrOutcome, Recognizer};
use walkout::{Archive, Id, Item, SearchRequest};

use crate::common::*;

/// Imports pictures of tests/data/ocr, each under its own name; returns their ids in order.
fn import(archive: &mut Archive, names: &[&str]) -> Vec<Id> {
    let paths: Vec<PathBuf> = names.iter().map(|n| data(&format!("ocr/{n}"))).collect();
    let report = archive.import_paths(&paths, Default::default(), &mut |_| {}, &AtomicBool::new(false)).unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    names
        .iter()
        .map(|n| report.added.iter().find(|a| a.path.ends_with(n)).unwrap_or_else(|| panic!("{n} not added")).id)
        .collect()
}

fn read_all(archive: &mut Archive, ids: &[Id]) {
    let mut recognizer = Recognizer::new().unwrap();
    for &id in ids {
        assert_eq!(archive.recognize(id, &mut recognizer, false).unwrap(), OcrOutcome::Recognised);
    }
}

fn found(archive: &Archive, words: &str) -> Vec<Id> {
    archive.search(&SearchRequest::words(words)).unwrap().hits.iter().map(|h| h.id).collect()
}

/// The exported files under `out` whose text contains `needle`, ignoring case.
fn leaks(out: &Path, needle: &str) -> Vec<String> {
    let needle = needle.to_lowercase();
    all_files(out)
        .into_iter()
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).to_lowercase().contains(&needle))
        .map(|(name, _)| name)
        .collect()
}

#[test]
fn a_word_only_on_a_sign_finds_the_photo_upright_or_on_its_side_and_a_blank_photo_reads_as_nothing() {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("a")).unwrap();
    let ids = import(&mut archive, &["sign.png", "sign_rotated.png", "blank.png"]);
    assert!(found(&archive, "deportation").is_empty(), "nothing is searchable before OCR");
    read_all(&mut archive, &ids);

    let results = archive.search(&SearchRequest::words("deportation")).unwrap();
    let hits: Vec<Id> = results.hits.iter().map(|h| h.id).collect();
    assert!(hits.contains(&ids[0]) && hits.contains(&ids[1]), "{hits:?}");
    assert_eq!(hits.len(), 2);
    // The hit says where the word is: in the photo, not in its caption.
    assert!(results.hits.iter().all(|h| h.snippet_field == "ocr_text"), "{:?}", results.hits);
    assert!(results.hits[0].snippet.contains("<mark>DEPORTATION</mark>"), "{}", results.hits[0].snippet);
    // The same analysers as every text: a stem finds it too.
    assert_eq!(found(&archive, "educational").len(), 2);

    // The rotated sign was read at a quarter turn, and its words are boxed where they are on
    // the upright photo (the sign's words run top to bottom there: a tall, narrow box).
    let rotated = archive.ocr_record(ids[1]).unwrap().unwrap();
    assert!(rotated.rotation == 90 || rotated.rotation == 270, "{}", rotated.rotation);
    let word = rotated.words.iter().find(|w| w.text == "DEPORTATION").unwrap();
    assert!(word.h > 3.0 * word.w, "{word:?}");
    let upright = archive.ocr_record(ids[0]).unwrap().unwrap();
    let word = upright.words.iter().find(|w| w.text == "DEPORTATION").unwrap();
    assert!(word.w > 3.0 * word.h && word.x > 0.1 && word.x + word.w < 0.9, "{word:?}");

    assert_eq!(archive.get(ids[2]).unwrap().ocr_text, None, "texture read as letters is dropped");
    assert!(archive.ocr_record(ids[2]).unwrap().is_some(), "the blank photo counts as read");
}

#[test]
fn an_archivists_correction_survives_a_new_reading_and_a_run_skips_what_was_read() {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("a")).unwrap();
    let ids = import(&mut archive, &["sign.png"]);
    read_all(&mut archive, &ids);
    let mut recognizer = Recognizer::new().unwrap();
    assert_eq!(archive.recognize(ids[0], &mut recognizer, false).unwrap(), OcrOutcome::Skipped);
    assert_eq!(archive.ocr_candidates(false).unwrap(), Vec::<Id>::new());

    archive.edit(ids[0], &[("ocr_text".into(), "EDUCATION NOT DEPORTATION — Roosevelt High".into())]).unwrap();
    assert_eq!(archive.recognize(ids[0], &mut recognizer, true).unwrap(), OcrOutcome::KeptCorrection);
    let item = archive.get(ids[0]).unwrap();
    assert_eq!(item.ocr_text.as_deref(), Some("EDUCATION NOT DEPORTATION — Roosevelt High"));
    assert_eq!(found(&archive, "roosevelt"), ids, "the correction is what search reads");
}

/// The threads of this process that carry `name` (a thread a thread starts takes its name).
#[cfg(target_os = "linux")]
fn threads_named(name: &str) -> usize {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .filter(|comm| comm.trim_end() == name)
        .count()
}

/// Debian's Tesseract would run parts of a reading on ten OpenMP threads, which on a laptop's
/// two cores mostly wait on each other (over three times the CPU for the same words). A reading
/// stays on the thread that asks for it, without the program having to start itself again.
#[cfg(target_os = "linux")]
#[test]
fn a_reading_runs_on_its_own_thread_only() {
    if std::env::var_os("OMP_THREAD_LIMIT").is_some() {
        eprintln!("OMP_THREAD_LIMIT is set: the user's own limit applies, nothing to check");
        return;
    }
    let picture = image::open(data("ocr/sign.png")).unwrap();
    let reader = std::thread::Builder::new().name("ocr-own-thread".into());
    let (words, threads) = reader
        .spawn(move || {
            let mut recognizer = Recognizer::new().unwrap();
            let reading = recognizer.read(&picture).unwrap();
            // OpenMP keeps its workers while the thread that started them lives.
            (reading.text(), threads_named("ocr-own-thread"))
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(words.contains("DEPORTATION"), "{words}");
    assert_eq!(threads, 1, "the reading started {} more threads", threads - 1);
}

#[test]
fn a_picture_over_the_import_limit_is_refused_before_any_pixel_is_decoded() {
    let mut recognizer = Recognizer::new().unwrap();
    let huge = png_claiming(20_000, 20_000);
    let limit = walkout::ingest::ImportLimits::default().max_pixels;
    let err = walkout::ocr::read_bytes(&huge, None, limit, &mut recognizer).unwrap_err();
    assert!(err.to_string().contains("over the limit"), "{err}");
    let err = walkout::ocr::read_bytes(b"%PDF-1.4 not a picture", None, limit, &mut recognizer).unwrap_err();
    assert!(err.to_string().contains("not a picture"), "{err}");
}

#[test]
fn a_name_tag_read_by_ocr_is_offered_for_redaction_and_never_leaves_in_any_export() {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("a")).unwrap();
    let ids = import(&mut archive, &["name_tag.png", "sign.png"]);
    read_all(&mut archive, &ids);
    // María López is a minor (the tag spells her name without accents, in capitals).
    archive.set_person_protection("María López", Some(true), None, None).unwrap();
    let tag = ids[0];

    // Before any redaction, every export says her pseudonym where the tag read her name.
    let out = dir.path().join("before");
    for format in [Format::Json, Format::Csv, Format::JsonLd, Format::Site] {
        export::export(&archive, format, &ExportOptions::default(), &out.join(format!("{format:?}"))).unwrap();
    }
    assert!(leaks(&out, "lopez").is_empty(), "{:?}", leaks(&out, "lopez"));
    let exported: Vec<Item> = export::select(&archive, &export::Selection::All, false).unwrap().0;
    let text = exported.iter().find(|i| i.id == tag).unwrap().ocr_text.clone().unwrap();
    assert!(text.contains("an unnamed person"), "{text}");

    // The archivist is offered one box over her name on the tag, and nothing on the sign.
    let offered = archive.ocr_redaction_suggestions(tag).unwrap();
    assert_eq!(offered.len(), 1, "{offered:?}");
    let name_box = &offered[0];
    let words = archive.ocr_record(tag).unwrap().unwrap().words;
    for name in ["MARIA", "LOPEZ"] {
        let w = words.iter().find(|w| w.text == name).unwrap();
        assert!(name_box.x <= w.x && name_box.x + name_box.w >= w.x + w.w, "{name_box:?} {w:?}");
        assert!(name_box.y <= w.y && name_box.y + name_box.h >= w.y + w.h, "{name_box:?} {w:?}");
    }
    let hello = words.iter().find(|w| w.text == "HELLO").unwrap();
    assert!(name_box.y > hello.y + hello.h, "the box covers the name only");
    assert!(archive.ocr_redaction_suggestions(ids[1]).unwrap().is_empty());

    // Confirmed: the words under the box are blacked out of the text that leaves, even a
    // correction that spells the first name alone (which no full-name rule would catch).
    let mut item = archive.get(tag).unwrap();
    item.redactions.push(name_box.clone());
    item.ocr_text = Some("HELLO my name is MARIA\nMARIA LOPEZ".into());
    archive.update_item(item).unwrap();
    assert!(archive.ocr_redaction_suggestions(tag).unwrap().is_empty(), "not offered twice");
    let out = dir.path().join("after");
    for format in [Format::Json, Format::Csv, Format::JsonLd, Format::Site, Format::Bagit] {
        export::export(&archive, format, &ExportOptions::default(), &out.join(format!("{format:?}"))).unwrap();
    }
    for needle in ["maria", "lopez"] {
        assert!(leaks(&out, needle).is_empty(), "{needle}: {:?}", leaks(&out, needle));
    }
    let exported: Vec<Item> = export::select(&archive, &export::Selection::All, false).unwrap().0;
    let text = exported.iter().find(|i| i.id == tag).unwrap().ocr_text.clone().unwrap();
    // Her whole name is her pseudonym (the policy's rule for names); the first name alone,
    // which only the box tells about, is blacked out.
    assert_eq!(text, "HELLO my name is [redacted]\nan unnamed person");
}

#[test]
fn a_restricted_photos_words_stay_in_the_archive_and_a_purged_name_leaves_no_reading_behind() {
    let dir = temp();
    let root = dir.path().join("a");
    let mut archive = Archive::create(&root).unwrap();
    let ids = import(&mut archive, &["name_tag.png", "sign.png"]);
    read_all(&mut archive, &ids);
    archive.edit(ids[1], &[("sensitivity".into(), "restricted".into())]).unwrap();
    let out = dir.path().join("json");
    export::export(&archive, Format::Json, &ExportOptions::default(), &out).unwrap();
    assert!(leaks(&out, "deportation").is_empty(), "{:?}", leaks(&out, "deportation"));

    // She is shown in another photo; purging her takes that photo, and her name out of the
    // tag's reading (text, words and boxes), which stays.
    let mut shown = archive.get(ids[1]).unwrap();
    shown.people = vec!["Maria Lopez".into()];
    archive.update_item(shown).unwrap();
    archive.purge_person("Maria Lopez").unwrap();
    let tag = archive.get(ids[0]).unwrap();
    assert!(!tag.ocr_text.clone().unwrap().to_lowercase().contains("lopez"), "{:?}", tag.ocr_text);
    let record = archive.ocr_record(ids[0]).unwrap().unwrap();
    assert!(!record.recognised.to_lowercase().contains("lopez"), "{}", record.recognised);
    assert!(record.words.iter().all(|w| w.text != "LOPEZ" && w.text != "MARIA"), "{:?}", record.words);
    assert!(record.words.iter().any(|w| w.text == "HELLO"));
    drop(archive);
    for needle in ["LOPEZ", "lopez", "Lopez"] {
        assert!(
            files_containing(&root, needle.as_bytes()).is_empty(),
            "{needle}: {:?}",
            files_containing(&root, needle.as_bytes())
        );
    }
}

#[test]
fn the_cli_reads_every_photo_once_and_reports_in_json() {
    let dir = temp();
    let root = dir.path().join("a");
    run(&root, &["init"]);
    let sign = data("ocr/sign.png");
    let blank = data("ocr/blank.png");
    run(&root, &["import", sign.to_str().unwrap(), blank.to_str().unwrap()]);
    let first = run_json(&root, &["ocr", "--all", "--json"]);
    assert_eq!(first["recognised"], 2, "{first}");
    assert_eq!(first["failed"].as_array().unwrap().len(), 0);
    let again = run_json(&root, &["ocr", "--all", "--json"]);
    assert_eq!(again["recognised"], 0, "{again}");
    let hits = run_json(&root, &["search", "education", "--json"]);
    assert_eq!(hits["hits"].as_array().unwrap().len(), 1, "{hits}");
    assert_eq!(hits["hits"][0]["snippet_field"], "ocr_text");
}

/// A PDF of one page with a real text layer (Helvetica), written by hand.
fn text_pdf(text: &str) -> Vec<u8> {
    let stream = format!("BT /F1 14 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}

#[test]
fn a_scanned_pdf_is_kept_and_its_pages_read_and_a_pdf_with_text_needs_no_reading() {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("a")).unwrap();
    // A scan (one JPEG page in English, one black-and-white page in Spanish, no text layer) is
    // imported, not refused for having no text.
    let scan = import(&mut archive, &["scan.pdf"])[0];
    let item = archive.get(scan).unwrap();
    assert_eq!(item.kind(), walkout::ItemKind::Article);
    assert!(found(&archive, "roosevelt").is_empty(), "nothing is searchable before OCR");
    let with_text = write(
        &dir.path().join("minutes.pdf"),
        text_pdf("The school board met on Tuesday and heard the students who walked out of class."),
    );
    let report = archive.import_paths(&[with_text], Default::default(), &mut |_| {}, &AtomicBool::new(false)).unwrap();
    let minutes = report.added[0].id;
    assert_eq!(archive.ocr_candidates(false).unwrap(), vec![scan, minutes], "PDFs wait for OCR like photos");

    let mut recognizer = Recognizer::new().unwrap();
    assert_eq!(archive.recognize(scan, &mut recognizer, false).unwrap(), OcrOutcome::Recognised);
    let text = archive.get(scan).unwrap().ocr_text.expect("the scan's pages were read");
    assert!(text.contains("Roosevelt High"), "page 1 (a JPEG): {text}");
    assert!(text.contains("ayuntamiento"), "page 2 (1-bit, Flate): {text}");
    assert!(text.find("Roosevelt").unwrap() < text.find("ayuntamiento").unwrap(), "pages in order: {text}");
    // Searched with the same analysers: "redadas" by its stem, "policia" without its accent.
    let hits = archive.search(&SearchRequest::words("redada policia")).unwrap();
    assert_eq!(hits.hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![scan]);
    assert_eq!(hits.hits[0].snippet_field, "ocr_text");

    // A PDF whose page has text is read in a moment and found to need nothing, once.
    let before = archive.get(minutes).unwrap();
    assert_eq!(archive.recognize(minutes, &mut recognizer, false).unwrap(), OcrOutcome::Recognised);
    assert_eq!(archive.get(minutes).unwrap(), before, "nothing about it changed");
    assert_eq!(archive.ocr_candidates(false).unwrap(), Vec::<Id>::new());
}
