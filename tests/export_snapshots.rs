//! Snapshots of what each export format writes for the fixture archive (tests/snapshots): a
//! change to any format shows up as a diff to review, not as a silent change to what historians
//! receive. Ids, timestamps and bagging dates differ per run and are masked.

use std::path::Path;

use walkout::export::{self, ExportOptions, Format, Selection};

use crate::common::*;
use crate::export_fixture::fixture;

fn masked(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => "snapshots",
        prepend_module_to_snapshot => false,
        filters => vec![
            (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "[uuid]"),
            (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", "[timestamp]"),
            (r"Bagging-Date: \d{4}-\d{2}-\d{2}", "Bagging-Date: [date]"),
            // The payload's size in bytes holds its metadata's timestamps, whose fractions of a
            // second print as many digits as they need: only the file count is compared.
            (r"Payload-Oxum: \d+\.", "Payload-Oxum: [octets]."),
        ],
    }, {
        insta::assert_snapshot!(name, text);
    });
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_format_writes_what_it_wrote_before() {
    let dir = temp();
    let f = fixture(dir.path());
    let out = dir.path().join("out");
    let options = ExportOptions { selection: Selection::Collection("Rally day".into()), ..Default::default() };
    let write = |format: Format, name: &str, options: &ExportOptions| {
        let path = out.join(name);
        export::export(&f.archive, format, options, &path).unwrap();
        path
    };
    masked("json", &read(&write(Format::Json, "json", &options).join("walkout-export.json")));
    masked("csv", &read(&write(Format::Csv, "csv", &options).join("items.csv")));
    masked("jsonld", &read(&write(Format::JsonLd, "jsonld", &options).join("items.jsonld")));
    masked("csl-json", &read(&write(Format::CslJson, "refs.json", &options)));
    masked("ris", &read(&write(Format::Ris, "refs.ris", &options)));
    for style in ["chicago", "mla", "apa"] {
        let options =
            ExportOptions { style: walkout::export::citation::Style::parse(style).unwrap(), ..options.clone() };
        masked(&format!("citation-{style}"), &read(&write(Format::Citation, style, &options)));
    }
    let bag = write(Format::Bagit, "bag", &options);
    masked("bagit-bag-info", &read(&bag.join("bag-info.txt")));
    // The metadata files hold ids and times, so only their names are compared; the payload
    // files (cleaned photos, the article) must hash the same every time.
    let manifest: Vec<String> = read(&bag.join("manifest-sha256.txt"))
        .lines()
        .map(|l| match l.split_once("  ") {
            Some((_, path)) if !path.starts_with("data/files/") => format!("[metadata hash]  {path}"),
            _ => l.to_string(),
        })
        .collect();
    masked("bagit-manifest", &manifest.join("\n"));
    let site = write(Format::Site, "site", &options);
    masked("site-index", &read(&site.join("index.html")));
}
