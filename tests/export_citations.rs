//! Citations: formatted strings in Chicago, MLA and APA (hayagriva), CSL-JSON that citeproc-js
//! renders, and RIS that rispy reads back. All of them name only what may leave the archive.

use std::process::Command;

use serde_json::Value;
use walkout::export::citation::Style;
use walkout::export::{self, ExportOptions, Format, Selection};
use walkout::{ItemDetails, Sensitivity};

use crate::common::*;
use crate::export_fixture::*;

fn rally_day() -> ExportOptions {
    ExportOptions { selection: Selection::Collection("Rally day".into()), ..Default::default() }
}

fn citations(fx: &Fixture, style: Style, out: &std::path::Path) -> Vec<String> {
    let options = ExportOptions { style, ..rally_day() };
    let report = export::export(&fx.archive, Format::Citation, &options, out).unwrap();
    assert_eq!(report.exported, 3);
    std::fs::read_to_string(out).unwrap().split("\n\n").map(|c| c.trim().to_string()).collect()
}

#[test]
fn export_citation_in_chicago_mla_and_apa() {
    let dir = temp();
    let fx = fixture(dir.path());
    let url = "https://citypaper.example/2026/01/30/rally";
    let chicago = citations(&fx, Style::Chicago, &dir.path().join("chicago.txt"));
    let article =
        format!("Reporter, Dana, and Lee Writer. “Students Rally Downtown.” City Paper, January 30, 2026. {url}.");
    assert!(chicago.contains(&article), "{chicago:#?}");
    let quote = chicago.iter().find(|c| c.starts_with("López, María.")).expect("the quote's citation");
    assert!(quote.contains("“Aquí estamos, y no nos vamos.”"), "a quote is never recased: {quote}");
    assert!(quote.contains("National student walkout, Iowa City, Iowa, [January 30, 2026?]."), "{quote}");
    assert!(quote.ends_with(&format!("Quoted in {article}")), "{quote}");
    let photo = chicago.iter().find(|c| c.starts_with("Photographer, Ana.")).expect("the photo's citation");
    assert!(photo.contains("Marchers at the") && !photo.contains(PHOTO_LAT), "{photo}");

    let mla = citations(&fx, Style::Mla, &dir.path().join("mla.txt"));
    assert!(
        mla.contains(&format!(
            "Reporter, Dana, and Lee Writer. “Students Rally Downtown.” City Paper, 30 Jan. 2026, {url}."
        )),
        "{mla:#?}"
    );
    let apa = citations(&fx, Style::Apa, &dir.path().join("apa.txt"));
    assert!(
        apa.contains(&format!(
            "Reporter, D., & Writer, L. (2026, January 30). Students rally downtown. City Paper. {url}"
        )),
        "{apa:#?}"
    );
    let quote = apa.iter().find(|c| c.starts_with("López, M.")).expect("the quote in APA");
    assert!(quote.contains("Aquí estamos, y no nos vamos"), "{quote}");
}

#[test]
fn export_citation_names_only_what_may_leave() {
    let dir = temp();
    let mut fx = fixture(dir.path());
    // A speaker who never agreed to be named is shown by a pseudonym, not made of their role.
    let mut quote = fx.archive.get(fx.quote).unwrap();
    if let ItemDetails::Quote(q) = &mut quote.details {
        q.speaker = Some("Rosa Unnamed".into());
    }
    fx.archive.update_item(quote).unwrap();
    let out = dir.path().join("c.txt");
    let options = ExportOptions { style: Style::Chicago, ..rally_day() };
    let report = export::export(&fx.archive, Format::Citation, &options, &out).unwrap();
    assert_eq!(report.exported, 3);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains("Rosa") && !text.contains("Unnamed") && !text.contains("City High"), "{text}");
    assert!(text.contains("An unnamed speaker. “Aquí estamos"), "{text}");

    // The article becomes private: the quote taken from it stays in with it.
    let mut article = fx.archive.get(fx.article).unwrap();
    article.sensitivity = Sensitivity::Private;
    fx.archive.update_item(article).unwrap();
    let out = dir.path().join("c2.txt");
    let report = export::export(&fx.archive, Format::Citation, &options, &out).unwrap();
    assert_eq!(report.exported, 1);
    let quote_left_out = report.left_out.iter().find(|l| l.id == fx.quote).map(|l| l.reason.as_str());
    assert_eq!(quote_left_out, Some("taken from a restricted source"));
    let text = std::fs::read_to_string(out).unwrap();
    assert!(!text.contains("Students Rally Downtown") && !text.contains("Aquí estamos"), "{text}");
}

#[test]
fn export_csl_json_renders_in_citeproc_js() {
    let dir = temp();
    let fx = fixture(dir.path());
    let out = dir.path().join("refs.json");
    let report = export::export(&fx.archive, Format::CslJson, &ExportOptions::default(), &out).unwrap();
    assert_eq!(report.exported, 13);
    let items: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let items = items.as_array().unwrap();
    let find = |id: walkout::Id| items.iter().find(|i| i["id"] == id.to_string().as_str()).unwrap();
    let article = find(fx.article);
    assert_eq!(article["type"], "article-newspaper");
    assert_eq!(article["author"][0], serde_json::json!({ "family": "Reporter", "given": "Dana" }));
    assert_eq!(article["issued"]["date-parts"], serde_json::json!([[2026, 1, 30]]));
    assert_eq!(article["container-title"], "City Paper");
    let quote = find(fx.quote);
    assert_eq!((quote["type"].as_str(), quote["issued"]["circa"].as_bool()), (Some("speech"), Some(true)));
    assert_eq!(quote["container-title"], "Students rally downtown");
    assert!(!std::fs::read_to_string(&out).unwrap().contains(PHOTO_LAT));

    let node_ok = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    if !node_ok {
        eprintln!("\n!!!!! SKIPPED: node is not installed, so the CSL-JSON was not rendered by citeproc-js !!!!!\n");
        return;
    }
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/citeproc_render.js");
    let rendered = Command::new("node")
        .arg(script)
        .arg(&out)
        .env("NODE_PATH", tools_dir().join("node/node_modules"))
        .output()
        .unwrap();
    assert!(
        rendered.status.success(),
        "citeproc-js failed (install it with `bash scripts/test.sh`): {}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    let entries: Value = serde_json::from_slice(&rendered.stdout).unwrap();
    let entries: Vec<&str> = entries["entries"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert_eq!(entries.len(), 13);
    assert!(
        entries
            .iter()
            .any(|e| e.starts_with("Reporter, D., & Writer, L. (2026, January 30). Students rally downtown.")),
        "{entries:#?}"
    );
    assert!(entries.iter().any(|e| e.starts_with("López, M.")), "{entries:#?}");
}

#[test]
fn export_ris_reads_back_in_rispy() {
    let dir = temp();
    let fx = fixture(dir.path());
    let root = fx.archive.root().to_path_buf();
    drop(fx);
    let out = dir.path().join("refs.ris");
    let report =
        run_json(&root, &["export", "--format", "ris", "--collection", "Rally day", "--json", out.to_str().unwrap()]);
    assert_eq!(report["exported"], 3);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("TY  - ") && text.contains("\r\nER  - \r\n"), "{text}");

    let Some(python) = python() else { return };
    let entries: Value = serde_json::from_str(&run_python(&python, "ris_read.py", &[&out])).unwrap();
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 3);
    let article = entries.iter().find(|e| e["type_of_reference"] == "NEWS").unwrap();
    assert_eq!(article["title"], "Students rally downtown");
    assert_eq!(article["authors"], serde_json::json!(["Reporter, Dana", "Writer, Lee"]));
    assert_eq!(article["year"], "2026");
    assert_eq!(article["urls"], serde_json::json!(["https://citypaper.example/2026/01/30/rally"]));
    let quote = entries.iter().find(|e| e["type_of_reference"] == "GEN").unwrap();
    assert_eq!(quote["authors"], serde_json::json!(["López, María"]));
    assert_eq!(quote["secondary_title"], "Students rally downtown");
    assert_eq!(quote["keywords"], serde_json::json!(["chant", "walkout"]));
    let photo = entries.iter().find(|e| e["type_of_reference"] == "ART").unwrap();
    assert_eq!(photo["authors"], serde_json::json!(["Photographer, Ana"]));
}
