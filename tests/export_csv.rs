//! The CSV export for Omeka S: one row per item with Dublin Core columns, `media` pointing at
//! the original file, and `walkout:` columns that let `walkout import` give the items back.

use walkout::Archive;
use walkout::export::{self, ExportOptions, Format};

use crate::common::*;
use crate::export_fixture::*;

fn csv_rows(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    (header, rows)
}

fn cell<'a>(header: &[String], row: &'a [String], column: &str) -> &'a str {
    &row[header.iter().position(|h| h == column).unwrap_or_else(|| panic!("no column {column}"))]
}

#[test]
fn export_csv_then_import_gives_the_same_items_field_for_field() {
    let dir = temp();
    let fx = fixture(dir.path());
    let out = dir.path().join("omeka");
    // Field for field needs the original photo bytes: the archivist's own transfer.
    let options = ExportOptions { include_restricted: true, originals: true, ..Default::default() };
    let report = export::export(&fx.archive, Format::Csv, &options, &out).unwrap();
    assert_eq!(report.exported, 14, "13 public and restricted items");
    assert_eq!(report.files, 2);
    assert_eq!(report.left_out.len(), 1);

    let mut copy = Archive::create(&dir.path().join("copy")).unwrap();
    let imported = import(&mut copy, std::slice::from_ref(&out));
    assert!(imported.failed.is_empty(), "{:?}", imported.failed);
    assert_eq!(imported.added.len(), 14, "the files under files/ are not imported as loose photos");

    let (before, after) = (fx.archive.all_items().unwrap(), copy.all_items().unwrap());
    let before: Vec<_> = before.into_iter().filter(|i| i.id != fx.private).collect();
    assert_eq!(before.len(), after.len());
    for (a, b) in before.iter().zip(&after) {
        let mut expected = serde_json::to_value(a).unwrap();
        if a.id == fx.photo {
            assert!(expected["gps"].is_object(), "the fixture photo records a position");
            expected["gps"] = serde_json::Value::Null; // never written to CSV
        }
        assert_eq!(expected, serde_json::to_value(b).unwrap(), "item {} differs", a.id);
    }
    for item in after.iter().filter_map(|i| i.sha256()) {
        assert!(copy.files().contains(item));
    }
    assert!(copy.verify(&mut |_, _| {}).unwrap().is_clean());
    assert_eq!(copy.search(&walkout::SearchRequest::words("vamos")).unwrap().total, 1);

    let again = import(&mut copy, &[out]);
    assert!(again.added.is_empty());
    assert_eq!(again.duplicates.len(), 14);
}

#[test]
fn export_csv_has_omeka_columns_one_separator_and_no_gps() {
    let dir = temp();
    let fx = fixture(dir.path());
    let out = dir.path().join("omeka");
    let report = export::export(&fx.archive, Format::Csv, &ExportOptions::default(), &out).unwrap();
    assert_eq!(report.exported, 13);

    let (header, rows) = csv_rows(&out.join("items.csv"));
    assert_eq!(header, walkout::export::csv::COLUMNS);
    assert_eq!(
        &header[..12],
        &[
            "dcterms:identifier",
            "dcterms:title",
            "dcterms:date",
            "dcterms:creator",
            "dcterms:description",
            "dcterms:subject",
            "dcterms:spatial",
            "dcterms:type",
            "dcterms:language",
            "dcterms:source",
            "dcterms:rights",
            "media"
        ]
    );
    assert!(header[12..].iter().all(|h| h.starts_with("walkout:")));
    let row = |id: walkout::Id| rows.iter().find(|r| r[0] == id.to_string()).unwrap();

    let quote = row(fx.quote);
    assert_eq!(cell(&header, quote, "dcterms:date"), "2026-01-30?");
    assert_eq!(cell(&header, quote, "dcterms:creator"), "María López");
    assert_eq!(cell(&header, quote, "dcterms:subject"), "chant|walkout");
    assert_eq!(cell(&header, quote, "dcterms:type"), "quote");
    assert_eq!(cell(&header, quote, "dcterms:spatial"), "Iowa City, Iowa");
    assert_eq!(cell(&header, quote, "walkout:source_item"), fx.article.to_string());
    assert_eq!(cell(&header, quote, "media"), "");

    let article = row(fx.article);
    assert_eq!(cell(&header, article, "dcterms:creator"), "Dana Reporter|Lee Writer");
    let media = cell(&header, article, "media");
    assert!(media.starts_with("files/") && out.join(media).is_file(), "{media}");

    let photo = row(fx.photo);
    assert_eq!(cell(&header, photo, "dcterms:creator"), "Ana Photographer");
    assert_eq!(cell(&header, photo, "dcterms:subject"), "back\\\\slash|before\\|after|march");
    assert!(out.join(cell(&header, photo, "media")).is_file());

    let text = std::fs::read_to_string(out.join("items.csv")).unwrap();
    assert!(!text.contains(PHOTO_LAT) && !text.contains("11.885"), "a photo's GPS position never leaves in CSV");
    assert!(!text.contains("scared") && !text.contains("papers"), "restricted and private items stay in");
}

#[test]
fn export_csv_import_refuses_rows_with_paths_out_of_the_folder_and_keeps_the_rest() {
    let dir = temp();
    let fx = fixture(dir.path());
    let out = dir.path().join("omeka");
    export::export(&fx.archive, Format::Csv, &ExportOptions::default(), &out).unwrap();
    write(&dir.path().join("secret.txt"), "not for the archive");
    let path = out.join("items.csv");
    let (header, mut rows) = csv_rows(&path);
    let media = header.iter().position(|h| h == "media").unwrap();
    let date = header.iter().position(|h| h == "dcterms:date").unwrap();
    let article = rows.iter().position(|r| r[0] == fx.article.to_string()).unwrap();
    rows[article][media] = "../secret.txt".into();
    let photo = rows.iter().position(|r| r[0] == fx.photo.to_string()).unwrap();
    rows[photo][media] = "/etc/passwd".into();
    let quote = rows.iter().position(|r| r[0] == fx.quote.to_string()).unwrap();
    rows[quote][date] = "2026-13-01".into();
    let mut writer = csv::Writer::from_path(&path).unwrap();
    writer.write_record(&header).unwrap();
    for row in &rows {
        writer.write_record(row).unwrap();
    }
    writer.flush().unwrap();

    let mut copy = Archive::create(&dir.path().join("copy")).unwrap();
    let report = import(&mut copy, &[out]);
    assert_eq!(report.added.len(), 10);
    let errors: Vec<_> = report.failed.iter().map(|f| format!("{}: {}", f.path, f.error)).collect();
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(errors.iter().any(|e| e.contains("../secret.txt") && e.contains("climbs out")), "{errors:#?}");
    assert!(errors.iter().any(|e| e.contains("/etc/passwd") && e.contains("absolute")), "{errors:#?}");
    assert!(errors.iter().any(|e| e.contains("items.csv:") && e.contains("dcterms:date")), "{errors:#?}");
}

#[test]
fn export_csv_from_the_cli_reports_and_reimports() {
    let dir = temp();
    let fx = fixture(dir.path());
    let root = fx.archive.root().to_path_buf();
    drop(fx);
    let out = dir.path().join("omeka");
    let report =
        run_json(&root, &["export", "--format", "csv", "--collection", "Rally day", "--json", out.to_str().unwrap()]);
    assert_eq!(report["exported"], 3);
    assert_eq!(report["files"], 2);
    let reasons: Vec<_> =
        report["left_out"].as_array().unwrap().iter().map(|l| l["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["restricted", "private"]);

    let text = run(&root, &["export", "--format", "csv", "--collection", "Rally day", out.to_str().unwrap()]);
    let shown = String::from_utf8_lossy(&text.stdout);
    assert!(shown.contains("exported 3 items and 2 files"), "{shown}");
    assert!(shown.contains("1 restricted, 1 private"), "{shown}");

    let copy = dir.path().join("copy");
    assert!(run(&copy, &["init"]).status.success());
    let imported = run_json(&copy, &["import", "--json", out.to_str().unwrap()]);
    assert_eq!(imported["added"].as_array().unwrap().len(), 3, "{imported}");
}
