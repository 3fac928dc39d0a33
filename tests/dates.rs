//! Archival dates through the CLI: every EDTF form is accepted and shown back, bad dates are
//! refused quoting the input, and a date filter matches by overlap.

use crate::common::*;

fn archive_with_dates(dates: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = temp();
    let root = dir.path().join("a");
    assert!(run(&root, &["init"]).status.success());
    for date in dates {
        let text = format!("Said on {date}");
        let out = run(&root, &["add", "quote", "--text", &text, "--date", date, "--json"]);
        assert!(out.status.success(), "{date}: {}", String::from_utf8_lossy(&out.stderr));
    }
    (dir, root)
}

fn titles(root: &std::path::Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["search", "--json", "--limit", "100"];
    all.extend_from_slice(args);
    let v = run_json(root, &all);
    let mut t: Vec<String> =
        v["hits"].as_array().unwrap().iter().map(|h| h["title"].as_str().unwrap().to_string()).collect();
    t.sort();
    t
}

#[test]
fn every_edtf_form_is_stored_and_shown_as_typed() {
    let forms =
        ["2026", "2026-01", "2026-01-30", "2026-01-30?", "2026-01~", "2026-XX", "2026-01-30/2026-02-03", "202X"];
    let (_dir, root) = archive_with_dates(&forms);
    let v = run_json(&root, &["search", "--json", "--limit", "50"]);
    let mut shown: Vec<String> =
        v["hits"].as_array().unwrap().iter().map(|h| h["date"].as_str().unwrap().to_string()).collect();
    shown.sort();
    let mut expected: Vec<String> = forms.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(shown, expected);
    let id = v["hits"][0]["id"].as_str().unwrap().to_string();
    let item = run_json(&root, &["show", &id, "--json"]);
    assert!(item["date"].is_string());
}

#[test]
fn a_january_filter_matches_every_date_that_overlaps_january() {
    let (_dir, root) = archive_with_dates(&[
        "2026-01-30",
        "2026-01~",
        "2026",
        "2026-01-30?",
        "2026-01-30/2026-02-03",
        "2025-12-31/2026-01-01",
        "2026-02",
        "2025",
        "2026-03-01",
    ]);
    let january = titles(&root, &["--from", "2026-01", "--to", "2026-01"]);
    assert_eq!(
        january,
        vec![
            "Said on 2025-12-31/2026-01-01",
            "Said on 2026",
            "Said on 2026-01-30",
            "Said on 2026-01-30/2026-02-03",
            "Said on 2026-01-30?",
            "Said on 2026-01~",
        ]
    );
    // Approximate dates reach one unit beyond their stated precision: "2026-01~" may be February.
    let february = titles(&root, &["--from", "2026-02", "--to", "2026-02"]);
    assert!(february.contains(&"Said on 2026-01~".to_string()), "{february:?}");
    assert!(!february.contains(&"Said on 2026-01-30".to_string()), "{february:?}");
}

#[test]
fn sorting_by_date_puts_partial_dates_in_time_order() {
    let (_dir, root) = archive_with_dates(&["2026-03-01", "2025", "2026-01-30", "2026-01"]);
    let v = run_json(&root, &["search", "--json", "--sort", "date-asc"]);
    let dates: Vec<&str> = v["hits"].as_array().unwrap().iter().map(|h| h["date"].as_str().unwrap()).collect();
    assert_eq!(dates, vec!["2025", "2026-01", "2026-01-30", "2026-03-01"]);
}

#[test]
fn a_bad_date_is_refused_quoting_the_input() {
    let dir = temp();
    let root = dir.path().join("a");
    run(&root, &["init"]);
    for bad in ["2026-13-01", "2026-02-30", "yesterday", "2026-02-03/2026-01-30"] {
        let out = run(&root, &["add", "quote", "--text", "x", "--date", bad]);
        assert_eq!(out.status.code(), Some(1), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("\"{bad}\"")), "{bad}: {err}");
    }
    let stats = run_json(&root, &["stats", "--json"]);
    assert_eq!(stats["items"], 0);
}
