//! Quote sheets as archivists bring them: CSV, JSON and JSON Lines, with bad rows reported by
//! line, duplicates recognized, and the rest imported.

use crate::common::*;

#[test]
fn a_csv_sheet_imports_with_its_columns_mapped_and_bad_rows_named_by_line() {
    let dir = temp();
    let root = dir.path().join("a");
    run(&root, &["init"]);
    let csv = write(
        &dir.path().join("sheet.csv"),
        "\u{feff}Quote;By;Role;Location;Date;Tags;Language\n\
         \"We walked out\nbecause we had to\";Maya;student, Roosevelt High;Los Angeles;2026-01-30;walkout|ice;en\n\
         ;Nobody;;;;;\n\
         Nosotros también;Luis;;Los Angeles;2026-13;;es\n\
         ¡Fuera ICE!;Luis;;Los Angeles;2026-01-30;;es\n",
    );
    let out = run(&root, &["import", csv.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(2), "some rows failed");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["added"].as_array().unwrap().len(), 2);
    let failed = report["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 2);
    assert!(failed[0]["path"].as_str().unwrap().ends_with("sheet.csv:4"), "{failed:?}");
    assert!(failed[0]["error"].as_str().unwrap().contains("no quote text"));
    assert!(failed[1]["path"].as_str().unwrap().ends_with("sheet.csv:5"));
    assert!(failed[1]["error"].as_str().unwrap().contains("\"2026-13\""));

    let id = report["added"][0]["id"].as_str().unwrap();
    let item = run_json(&root, &["show", id, "--json"]);
    assert_eq!(item["text"], "We walked out\nbecause we had to");
    assert_eq!(item["speaker"], "Maya");
    assert_eq!(item["role"], "student, Roosevelt High");
    assert_eq!(item["place"], "Los Angeles");
    assert_eq!(item["tags"], serde_json::json!(["ice", "walkout"]));
    let spanish = run_json(&root, &["search", "fuera", "--json"]);
    assert_eq!(spanish["total"], 1);
}

#[test]
fn json_and_json_lines_import_and_a_second_run_adds_nothing() {
    let dir = temp();
    let root = dir.path().join("a");
    run(&root, &["init"]);
    let folder = dir.path().join("quotes");
    write(
        &folder.join("a.json"),
        r#"[{"text": "Education, not deportation", "author": "A Seattle student", "date": "2026-01"}]"#,
    );
    write(
        &folder.join("b.jsonl"),
        "{\"quote\": \"ICE out of our schools\", \"by\": \"Students\"}\n{\"quote\": \"Education, not deportation\", \"author\": \"A Seattle student\"}\n",
    );
    write(&folder.join(".hidden.csv"), "text\nshould not be imported\n");
    let first = run_json(&root, &["import", folder.to_str().unwrap(), "--json"]);
    assert_eq!(first["added"].as_array().unwrap().len(), 2);
    // The same words by the same speaker are one quote, even across files.
    assert_eq!(first["duplicates"].as_array().unwrap().len(), 1);
    assert!(first["duplicates"][0]["path"].as_str().unwrap().ends_with("b.jsonl:2"));

    let second = run_json(&root, &["import", folder.to_str().unwrap(), "--json"]);
    assert_eq!(second["added"].as_array().unwrap().len(), 0);
    assert_eq!(second["duplicates"].as_array().unwrap().len(), 3);
    assert_eq!(run_json(&root, &["stats", "--json"])["quotes"], 2);
}

#[test]
fn real_quotes_in_english_and_spanish_import_and_search_as_a_student_expects() {
    let dir = temp();
    let root = dir.path().join("a");
    run(&root, &["init"]);
    let sample = data("quotes/fortunes-sample.jsonl");
    let report = run_json(&root, &["import", sample.to_str().unwrap(), "--json"]);
    let lines = std::fs::read_to_string(&sample).unwrap().lines().count();
    let added = report["added"].as_array().unwrap().len();
    let duplicates = report["duplicates"].as_array().unwrap().len();
    assert_eq!(added + duplicates, lines);
    assert!(report["failed"].as_array().unwrap().is_empty());
    let twain = run_json(&root, &["search", "--speaker", "Mark Twain", "--json"]);
    assert!(twain["total"].as_u64().unwrap() >= 5);
    let phrase = run_json(&root, &["search", "\"the only thing\"", "--json"]);
    assert!(phrase["hits"].as_array().unwrap().iter().all(|h| {
        h["snippet"].as_str().unwrap().to_lowercase().contains("<mark>the</mark> <mark>only</mark> <mark>thing</mark>")
    }));
}
