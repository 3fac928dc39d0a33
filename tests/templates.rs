//! Templates and custom fields as an archivist uses them: define "Oral history quote" with a
//! choice, a date, a person, a number, a link and a note; fill and check them; search, filter
//! and facet by the choice; and the values leave as standard metadata (CSV columns named by
//! their terms, JSON-LD IRIs expanded by pyld) and come back from JSON and BagIt.

use std::sync::atomic::AtomicBool;

use serde_json::Value;
use walkout::export::{self, ExportOptions, Format};
use walkout::templates::{FieldType, Template, TemplateField};
use walkout::{Archive, Id, Item, SearchRequest};

use crate::common::*;
use crate::export_fixture::{python, run_python};

fn field(key: &str, label: &str, kind: FieldType, term: Option<&str>) -> TemplateField {
    TemplateField {
        key: key.into(),
        label: label.into(),
        kind,
        required: false,
        help: None,
        options: Vec::new(),
        term: term.map(String::from),
    }
}

fn oral_history() -> Template {
    let mut language = field("language", "Language spoken", FieldType::Choice, Some("dcterms:language"));
    language.options = vec!["English".into(), "Spanish".into(), "Both".into()];
    let mut recorded = field("recorded_on", "Recorded on", FieldType::Date, Some("dcterms:created"));
    recorded.required = true;
    recorded.help = Some("The day of the interview, as 2026-01-30".into());
    Template {
        name: "Oral history quote".into(),
        kind: Some(walkout::ItemKind::Quote),
        description: Some("Words recorded in an interview".into()),
        fields: vec![
            language,
            recorded,
            field("interviewer", "Interviewer", FieldType::Person, Some("dcterms:contributor")),
            field("minutes", "Length (minutes)", FieldType::Number, Some("dcterms:extent")),
            field("recording", "Recording", FieldType::Link, Some("schema:isBasedOn")),
            field("note", "Transcriber's note", FieldType::Text, None),
        ],
    }
}

fn oral_quote(archive: &mut Archive, text: &str, values: &[(&str, &str)]) -> walkout::Result<Id> {
    let mut item = Item::quote(text, archive.now());
    item.template = Some("Oral history quote".into());
    item.custom = values.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    archive.add_item(item)
}

fn archive(dir: &std::path::Path) -> (Archive, Id, Id) {
    let mut archive = Archive::create(&dir.join("a")).unwrap();
    archive.save_template(&oral_history()).unwrap();
    let spanish = oral_quote(
        &mut archive,
        "Aquí estamos y no nos vamos",
        &[
            ("language", "Spanish"),
            ("recorded_on", "2026-02-03"),
            ("interviewer", "Dana Ortiz"),
            ("minutes", "42"),
            ("recording", "https://radio.example/ep12"),
            ("note", "crosstalk near the end"),
        ],
    )
    .unwrap();
    let english =
        oral_quote(&mut archive, "We walked out together", &[("language", "English"), ("recorded_on", "2026-02")])
            .unwrap();
    (archive, spanish, english)
}

#[test]
fn a_template_is_checked_when_defined_and_its_fields_when_filled() {
    let dir = temp();
    let (mut archive, spanish, _) = archive(dir.path());
    for (broken, why) in [
        (Template { fields: vec![], ..oral_history() }, "no fields"),
        (Template { name: " ".into(), ..oral_history() }, "name"),
        (
            Template { fields: vec![field("Bad Key", "x", FieldType::Text, None)], ..oral_history() },
            "lowercase letters",
        ),
        (Template { fields: vec![field("topic", "Topic", FieldType::Choice, None)], ..oral_history() }, "options"),
        (
            Template { fields: vec![field("topic", "Topic", FieldType::Text, Some("dc:nonsense"))], ..oral_history() },
            "not a term",
        ),
        (
            Template {
                fields: vec![field("a", "A", FieldType::Text, None), field("a", "B", FieldType::Text, None)],
                ..oral_history()
            },
            "two fields",
        ),
    ] {
        let error = archive.save_template(&broken).unwrap_err().to_string();
        assert!(error.contains(why), "{why}: {error}");
    }
    for (values, why) in [
        (vec![("language", "English")], "Recorded on: is required"),
        (vec![("recorded_on", "yesterday")], "a date"),
        (vec![("recorded_on", "2026"), ("minutes", "ten")], "a number"),
        (vec![("recorded_on", "2026"), ("language", "French")], "one of English, Spanish, Both"),
        (vec![("recorded_on", "2026"), ("recording", "ftp://x")], "a web address"),
        (vec![("recorded_on", "2026"), ("mood", "calm")], "no such field"),
    ] {
        let error = oral_quote(&mut archive, "Words", &values).unwrap_err().to_string();
        assert!(error.contains(why), "{why}: {error}");
    }
    // An edit is checked too, and recorded in the history with the field that changed.
    let error = archive.edit(spanish, &[("custom.minutes".into(), "forty".into())]).unwrap_err();
    assert!(error.to_string().contains("a number"), "{error}");
    archive.edit(spanish, &[("custom.minutes".into(), "45".into())]).unwrap();
    let last = archive.history(spanish).unwrap().pop().unwrap();
    assert_eq!(last.changes[0].field, "custom");
    assert_eq!(last.changes[0].new["minutes"], "45");
    assert_eq!(last.changes[0].old["minutes"], "42");
    let details = walkout::PhotoDetails { sha256: "ab".repeat(32), ..Default::default() };
    let photo = Item::new("A sign", walkout::ItemDetails::Photo(details), archive.now());
    let wrong_kind = Item {
        template: Some("Oral history quote".into()),
        custom: [("recorded_on".into(), "2026".into())].into(),
        ..photo
    };
    let error = archive.add_item(wrong_kind).unwrap_err().to_string();
    assert!(error.contains("for quotes"), "{error}");
}

#[test]
fn a_choice_field_is_a_facet_and_a_filter_and_every_value_is_searched() {
    let dir = temp();
    let (archive, spanish, english) = archive(dir.path());
    let all = archive.search(&SearchRequest::default()).unwrap();
    let custom = &all.facets["custom"];
    assert_eq!(custom.get("language=Spanish"), Some(&1), "{custom:?}");
    assert_eq!(custom.get("language=English"), Some(&1), "{custom:?}");
    assert!(!custom.keys().any(|k| k.starts_with("note=")), "only choice fields are counted: {custom:?}");
    let request = SearchRequest { custom: [("language".into(), "spanish".into())].into(), ..Default::default() };
    let hits = archive.search(&request).unwrap();
    assert_eq!(hits.hits.iter().map(|h| h.id).collect::<Vec<_>>(), [spanish]);
    assert_eq!(archive.search(&SearchRequest::words("crosstalk")).unwrap().hits[0].id, spanish);
    let english_only = SearchRequest { custom: [("language".into(), "English".into())].into(), ..Default::default() };
    assert_eq!(archive.search(&english_only).unwrap().hits[0].id, english);
}

#[test]
fn template_fields_leave_as_standard_terms_and_come_back_from_json_and_bagit() {
    let dir = temp();
    let (archive, spanish, _) = archive(dir.path());
    // CSV: a column per term (Omeka S CSV Import maps them), unmapped fields as walkout:<key>.
    let csv_dir = dir.path().join("csv");
    export::export(&archive, Format::Csv, &ExportOptions::default(), &csv_dir).unwrap();
    let mut reader = ::csv::Reader::from_path(csv_dir.join("items.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    for column in [
        "walkout:template",
        "dcterms:created",
        "dcterms:contributor",
        "dcterms:extent",
        "schema:isBasedOn",
        "walkout:note",
    ] {
        assert!(header.contains(&column.to_string()), "{column} missing: {header:?}");
    }
    let row = reader
        .records()
        .map(|r| r.unwrap())
        .find(|r| r.get(0) == Some(spanish.to_string().as_str()))
        .expect("the Spanish quote's row");
    let cell = |name: &str| row.get(header.iter().position(|h| h == name).unwrap()).unwrap().to_string();
    assert_eq!(cell("dcterms:created"), "2026-02-03");
    assert_eq!(cell("walkout:template"), "Oral history quote");
    assert_eq!(cell("walkout:note"), "crosstalk near the end");
    assert!(cell("dcterms:language").contains("Spanish"), "{}", cell("dcterms:language"));

    // JSON-LD: the chosen IRIs, which pyld expands.
    let ld = dir.path().join("ld");
    export::export(&archive, Format::JsonLd, &ExportOptions::default(), &ld).unwrap();
    let doc: Value = serde_json::from_slice(&std::fs::read(ld.join("items.jsonld")).unwrap()).unwrap();
    let node = doc["@graph"].as_array().unwrap().iter().find(|n| n["@id"] == format!("urn:uuid:{spanish}")).unwrap();
    assert_eq!(node["dcterms:extent"], "42");
    assert_eq!(node["schema:isBasedOn"], "https://radio.example/ep12");
    if let Some(python) = python() {
        let summary: Value =
            serde_json::from_str(&run_python(&python, "jsonld_expand.py", &[&ld.join("items.jsonld")])).unwrap();
        let properties: Vec<&str> =
            summary["properties"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        for iri in
            ["http://purl.org/dc/terms/created", "http://purl.org/dc/terms/extent", "http://schema.org/isBasedOn"]
        {
            assert!(properties.contains(&iri), "{iri} not in the expanded document: {properties:?}");
        }
    }

    // JSON and BagIt: into a new archive, template and values included.
    for format in [Format::Json, Format::Bagit] {
        let out = dir.path().join(format!("{format:?}"));
        export::export(&archive, format, &ExportOptions::default(), &out).unwrap();
        let mut other = Archive::create(&dir.path().join(format!("other-{format:?}"))).unwrap();
        let report = other.import_paths(&[out], Default::default(), &mut |_| {}, &AtomicBool::new(false)).unwrap();
        assert!(report.failed.is_empty(), "{:?}", report.failed);
        assert_eq!(other.templates().unwrap(), vec![archive.templates().unwrap()[0].clone()]);
        let item = other.get(spanish).unwrap();
        assert_eq!(item.template.as_deref(), Some("Oral history quote"));
        assert_eq!(item.custom["recorded_on"], "2026-02-03");
        assert_eq!(item.custom["interviewer"], "Dana Ortiz");
    }
}

#[test]
fn templates_are_shared_as_a_file_checked_on_the_way_in_and_the_cli_uses_them() {
    let dir = temp();
    let (archive, _, _) = archive(dir.path());
    let bytes = archive.export_templates().unwrap();
    let mut other = Archive::create(&dir.path().join("b")).unwrap();
    assert_eq!(other.import_templates(&bytes).unwrap(), ["Oral history quote"]);
    assert_eq!(other.templates().unwrap(), archive.templates().unwrap());
    let mut file: Value = serde_json::from_slice(&bytes).unwrap();
    file["templates"][0]["fields"][0]["options"] = serde_json::json!([]);
    let error = other.import_templates(&serde_json::to_vec(&file).unwrap()).unwrap_err().to_string();
    assert!(error.contains("Oral history quote") && error.contains("language"), "{error}");
    assert!(other.import_templates(b"{\"not\": 1}").unwrap_err().to_string().contains("not a Walkout templates file"));
    drop(other);
    drop(archive);

    let root = dir.path().join("a");
    let file = write(&dir.path().join("templates.json"), &bytes);
    let cli = dir.path().join("cli");
    assert!(run(&cli, &["init"]).status.success());
    let out = run(&cli, &["template", "import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list = String::from_utf8(run(&cli, &["template", "list"]).stdout).unwrap();
    assert!(list.contains("language “Language spoken” Choice → dcterms:language: English | Spanish | Both"), "{list}");
    let hits = run_json(&root, &["search", "--field", "language=Spanish", "--json"]);
    assert_eq!(hits["total"], 1, "{hits}");
    let bad = run(&root, &["search", "--field", "language"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("KEY=VALUE"));
}

#[test]
fn a_minor_named_in_a_person_field_restricts_the_item_like_any_mention() {
    let dir = temp();
    let (mut archive, spanish, english) = archive(dir.path());
    archive.set_person_protection("Dana Ortiz", Some(true), None, None).unwrap();
    let (items, left_out) = export::select(&archive, &export::Selection::All, false).unwrap();
    assert!(left_out.iter().any(|l| l.id == spanish && l.reason.contains("minor")), "{left_out:?}");
    assert!(items.iter().any(|i| i.id == english), "an item that names nobody stays");
    assert_eq!(archive.room_search(&SearchRequest::words("crosstalk")).unwrap().total, 0, "nor in the reading room");
}

#[test]
fn a_bad_templates_file_is_refused_with_its_name_and_nothing_changes() {
    let dir = temp();
    let (archive, _, _) = archive(dir.path());
    drop(archive);
    let root = dir.path().join("a");
    let good = run(&root, &["template", "list", "--json"]).stdout;
    let empty = write(&dir.path().join("empty.json"), "");
    let truncated =
        write(&dir.path().join("truncated.json"), r#"{"walkout_templates": 1, "templates": [{"name": "Oral"#);
    let huge = dir.path().join("huge.json");
    std::fs::File::create(&huge).unwrap().set_len(100 * 1024 * 1024).unwrap();
    for (file, why) in [(&empty, "empty"), (&truncated, "not a Walkout templates file"), (&huge, "too large")] {
        let out = run(&root, &["template", "import", file.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert!(stderr.contains(file.file_name().unwrap().to_str().unwrap()) && stderr.contains(why), "{stderr}");
    }
    assert_eq!(run(&root, &["template", "list", "--json"]).stdout, good, "the templates are as they were");
}
