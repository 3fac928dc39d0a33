//! The JSON-LD export: schema.org and Dublin Core linked data that pyld expands offline into
//! absolute IRIs, with no photo GPS.

use serde_json::Value;
use walkout::export::{self, ExportOptions, Format};

use crate::common::*;
use crate::export_fixture::*;

fn graph(doc: &Value) -> &Vec<Value> {
    doc["@graph"].as_array().expect("a @graph")
}

fn by_id(doc: &Value, id: impl std::fmt::Display) -> &Value {
    let iri = format!("urn:uuid:{id}");
    graph(doc).iter().find(|n| n["@id"] == iri.as_str()).unwrap_or_else(|| panic!("no node {iri}"))
}

/// Every key in the compact document is a term of the context or a compact IRI of a defined
/// prefix: pyld drops anything else silently, so this catches what expansion would hide.
fn undefined_keys(value: &Value, context: &serde_json::Map<String, Value>, out: &mut Vec<String>) {
    match value {
        Value::Array(values) => values.iter().for_each(|v| undefined_keys(v, context, out)),
        Value::Object(map) => {
            for (key, v) in map {
                let prefixed = key.split_once(':').is_some_and(|(prefix, _)| context.contains_key(prefix));
                if key != "@context" && !key.starts_with('@') && !context.contains_key(key) && !prefixed {
                    out.push(key.clone());
                }
                if key != "@context" {
                    undefined_keys(v, context, out);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn export_jsonld_expands_with_pyld_to_absolute_iris_only() {
    let dir = temp();
    let fx = fixture(dir.path());
    let out = dir.path().join("ld");
    let report = export::export(&fx.archive, Format::JsonLd, &ExportOptions::default(), &out).unwrap();
    assert_eq!((report.exported, report.files, report.left_out.len()), (13, 2, 2));
    let path = out.join("items.jsonld");
    let doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let context = doc["@context"].as_object().unwrap();
    let mut undefined = Vec::new();
    undefined_keys(&doc, context, &mut undefined);
    assert!(undefined.is_empty(), "keys the @context does not map: {undefined:?}");

    let Some(python) = python() else { return };
    let summary: Value = serde_json::from_str(&run_python(&python, "jsonld_expand.py", &[&path])).unwrap();
    let properties: Vec<&str> = summary["properties"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    for expected in [
        "http://schema.org/spokenByCharacter",
        "http://schema.org/text",
        "http://schema.org/articleBody",
        "http://schema.org/author",
        "http://schema.org/publisher",
        "http://schema.org/geo",
        "http://schema.org/latitude",
        "http://purl.org/dc/terms/date",
        "http://purl.org/dc/terms/rights",
    ] {
        assert!(properties.contains(&expected), "{expected} missing from the expanded document: {properties:?}");
    }
    assert!(summary["nodes"].as_u64().unwrap() > 20, "{summary}");
}

#[test]
fn export_jsonld_links_quotes_articles_people_and_places_without_photo_gps() {
    let dir = temp();
    let fx = fixture(dir.path());
    let out = dir.path().join("ld");
    export::export(&fx.archive, Format::JsonLd, &ExportOptions::default(), &out).unwrap();
    let text = std::fs::read_to_string(out.join("items.jsonld")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();

    let quote = by_id(&doc, fx.quote);
    assert_eq!(quote["@type"], "Quotation");
    assert_eq!(quote["text"], "Aquí estamos, y no nos vamos");
    assert_eq!(quote["dcterms:date"], "2026-01-30?");
    assert!(quote.get("dateCreated").is_none(), "an uncertain date is EDTF only");
    assert_eq!(quote["isBasedOn"]["@id"], format!("urn:uuid:{}", fx.article));
    assert_eq!(quote["creator"]["@type"], "Role");
    assert_eq!(quote["creator"]["roleName"], "student, City High School");
    let speaker = by_id(&doc, quote["spokenByCharacter"]["@id"].as_str().unwrap().trim_start_matches("urn:uuid:"));
    assert_eq!((speaker["@type"].as_str(), speaker["name"].as_str()), (Some("Person"), Some("María López")));
    assert_eq!(quote["workTranslation"]["text"], "Here we are, and we are not leaving");
    let place = by_id(&doc, quote["contentLocation"]["@id"].as_str().unwrap().trim_start_matches("urn:uuid:"));
    assert_eq!(place["name"], "Iowa City, Iowa");
    assert!(place["geo"]["latitude"].as_f64().is_some(), "a city's coordinates are published");
    let event = by_id(&doc, quote["recordedAt"]["@id"].as_str().unwrap().trim_start_matches("urn:uuid:"));
    assert_eq!((event["@type"].as_str(), event["startDate"].as_str()), (Some("Event"), Some("2026-01-30")));

    let article = by_id(&doc, fx.article);
    assert_eq!(article["@type"], "NewsArticle");
    assert_eq!(article["headline"], "Students rally downtown");
    assert!(article["articleBody"].as_str().unwrap().contains("carrying signs"));
    assert_eq!(article["author"].as_array().unwrap().len(), 2);
    assert_eq!(article["publisher"]["name"], "City Paper");
    assert_eq!(article["datePublished"], "2026-01-30");

    let photo = by_id(&doc, fx.photo);
    assert_eq!(photo["@type"], "Photograph");
    assert!(out.join(photo["image"]["contentUrl"].as_str().unwrap()).is_file());
    assert!(photo.get("geo").is_none() && photo["image"].get("geo").is_none());
    assert!(!text.contains(PHOTO_LAT) && !text.contains("11.885"), "a photo's GPS position never leaves");
    assert!(!text.contains("scared") && !text.contains("papers"), "restricted and private items stay in");
    let collection = graph(&doc).iter().find(|n| n["name"] == "Rally day").unwrap();
    assert_eq!(collection["hasPart"].as_array().unwrap().len(), 3);
}
