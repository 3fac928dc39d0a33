//! The JSON-LD export: `items.jsonld` beside `files/<sha256>`, linked data that catalogs and
//! harvesters read without knowing Walkout. Items are schema.org `Quotation`, `Photograph` and
//! `NewsArticle`; the people, places, events and collections they point to are nodes of their
//! own. Dublin Core (`dcterms:`) fills in where schema.org has no term: the EDTF date (typed
//! with the Library of Congress EDTF datatype), the rights statement and a free-text source.
//! The `@context` is inline and maps every term to an IRI, so the document expands offline.
//! Ids are `urn:uuid:` IRIs of the archive's own ids. A photo's GPS position is never written;
//! a place's coordinates (a city's) are. A photo's `contentUrl`, `sha256`, size and format are
//! those of the file that ships (its cleaned copy unless the export ships originals).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Map, Value, json};

use super::{ExportOptions, ExportReport, select_for, ship_files, write_file};
use crate::archive::Archive;
use crate::date::EdtfDate;
use crate::error::{Error, Result};
use crate::model::{Id, Item, ItemDetails};
use crate::store::name_key;

/// The document's file name inside the export folder.
pub const FILE_NAME: &str = "items.jsonld";
/// The Library of Congress datatype of EDTF literals.
pub const EDTF_DATATYPE: &str = "http://id.loc.gov/datatypes/edtf/EDTF";

/// The schema.org terms the document uses; each maps to `schema:<term>`.
const SCHEMA_TERMS: &[&str] = &[
    "Quotation",
    "Photograph",
    "NewsArticle",
    "Person",
    "Place",
    "Event",
    "Collection",
    "Organization",
    "GeoCoordinates",
    "ImageObject",
    "MediaObject",
    "Role",
    "identifier",
    "name",
    "description",
    "keywords",
    "inLanguage",
    "dateCreated",
    "datePublished",
    "startDate",
    "endDate",
    "contentLocation",
    "location",
    "recordedAt",
    "about",
    "isPartOf",
    "hasPart",
    "creditText",
    "mentions",
    "text",
    "spokenByCharacter",
    "creator",
    "roleName",
    "abstract",
    "isBasedOn",
    "workTranslation",
    "caption",
    "image",
    "associatedMedia",
    "contentUrl",
    "sha256",
    "encodingFormat",
    "width",
    "height",
    "headline",
    "articleBody",
    "author",
    "publisher",
    "url",
    "geo",
    "latitude",
    "longitude",
];

/// The inline `@context`: the two vocabularies' prefixes and every term the document uses.
pub fn context() -> Value {
    let mut context = Map::new();
    context.insert("schema".into(), json!("http://schema.org/"));
    context.insert("dcterms".into(), json!("http://purl.org/dc/terms/"));
    for term in SCHEMA_TERMS {
        context.insert((*term).into(), json!(format!("schema:{term}")));
    }
    context.insert("url".into(), json!({ "@id": "schema:url", "@type": "@id" }));
    context.insert("dcterms:date".into(), json!({ "@id": "dcterms:date", "@type": EDTF_DATATYPE }));
    context.insert("dcterms:rights".into(), json!({ "@id": "dcterms:rights" }));
    context.insert("dcterms:source".into(), json!({ "@id": "dcterms:source" }));
    Value::Object(context)
}

/// Writes `out/items.jsonld` and `out/files/`.
pub fn export(archive: &Archive, options: &ExportOptions, out: &Path) -> Result<ExportReport> {
    let (mut items, mut left_out) =
        select_for(archive, &options.selection, options.include_restricted, super::purpose(options))?;
    let files = ship_files(archive, &mut items, &mut left_out, &out.join(super::csv::FILES_DIR), options)?;
    write_file(&out.join(FILE_NAME), to_bytes(&document(archive, &items)?)?)?;
    super::log_export(archive, "jsonld", out, &items)?;
    Ok(ExportReport { exported: items.len() as u64, files, left_out, originals: options.originals })
}

/// Pretty JSON bytes of a document.
pub fn to_bytes(doc: &Value) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(doc).map_err(|e| Error::invalid("jsonld export", e.to_string()))
}

/// A node reference by id.
fn node(id: impl std::fmt::Display) -> Value {
    json!({ "@id": format!("urn:uuid:{id}") })
}

/// The schema.org form of a date: only plain `YYYY`, `YYYY-MM` or `YYYY-MM-DD` literals are
/// ISO 8601 dates; uncertain, approximate, unspecified and interval dates are EDTF only.
fn iso_date(date: &EdtfDate) -> Option<&str> {
    let literal = date.as_str();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let mut parts = literal.split('-');
    let plain = parts.next().is_some_and(|y| digits(y, 4)) && parts.all(|p| digits(p, 2));
    plain.then_some(literal)
}

/// The entity nodes an export points to, by name key.
struct Entities {
    people: BTreeMap<String, Id>,
    places: BTreeMap<String, (Id, Value)>,
    /// Each event with where it happened (a place by name).
    events: BTreeMap<String, (Id, Value, Option<String>)>,
}

/// The JSON-LD document of `items` (already through `select`), with the nodes they point to.
pub fn document(archive: &Archive, items: &[Item]) -> Result<Value> {
    let templates = crate::templates::by_key(archive)?;
    // Events' and collections' descriptions are free text too: names in them are replaced.
    let mut names = crate::privacy::Disclosure::new(archive, false, crate::privacy::Purpose::Public)?;
    let entities = Entities {
        people: archive.people()?.into_iter().map(|p| (name_key(&p.name), p.id)).collect(),
        places: archive
            .places()?
            .into_iter()
            .map(|p| {
                let mut place = json!({ "@id": format!("urn:uuid:{}", p.id), "@type": "Place", "name": p.name });
                if let Some(gps) = p.gps {
                    place["geo"] = json!({ "@type": "GeoCoordinates", "latitude": gps.lat, "longitude": gps.lon });
                }
                (name_key(&p.name), (p.id, place))
            })
            .collect(),
        events: archive
            .events()?
            .into_iter()
            .map(|e| {
                let mut event = json!({ "@id": format!("urn:uuid:{}", e.id), "@type": "Event", "name": e.name });
                set(&mut event, "description", e.description.as_deref().map(|d| names.scrub(d)).as_deref());
                if let Some(date) = &e.date {
                    event["dcterms:date"] = json!(date.as_str());
                    set(&mut event, "startDate", iso_date(date));
                }
                (name_key(&e.name), (e.id, event, e.place))
            })
            .collect(),
    };
    let ids: BTreeSet<Id> = items.iter().map(|i| i.id).collect();
    let collections: Vec<_> = archive
        .collections()?
        .into_iter()
        .map(|mut c| {
            c.items.retain(|id| ids.contains(id));
            c
        })
        .filter(|c| !c.items.is_empty())
        .collect();
    let collection_ids: BTreeMap<String, Id> = collections.iter().map(|c| (name_key(&c.name), c.id)).collect();

    let mut used = Used::default();
    let mut graph = Vec::new();
    for collection in &collections {
        let mut value = json!({
            "@id": format!("urn:uuid:{}", collection.id),
            "@type": "Collection",
            "name": collection.name,
            "hasPart": collection.items.iter().map(node).collect::<Vec<_>>(),
        });
        set(&mut value, "description", collection.description.as_deref().map(|d| names.scrub(d)).as_deref());
        graph.push(value);
    }
    for item in items {
        let mut node = item_node(item, &entities, &collection_ids, &ids, &mut used);
        add_template_terms(&mut node, &templates, item);
        graph.push(node);
    }
    for (key, id) in &entities.people {
        if let Some(name) = used.people.get(key) {
            graph.push(json!({ "@id": format!("urn:uuid:{id}"), "@type": "Person", "name": name }));
        }
    }
    let mut events = Vec::new();
    for (_, (_, event, place)) in entities.events.iter().filter(|(k, _)| used.events.contains(*k)) {
        let mut event = event.clone();
        if let Some((id, _)) = place.as_deref().and_then(|p| entities.places.get(&name_key(p))) {
            event["location"] = node(id);
            used.places.insert(name_key(place.as_deref().unwrap_or_default()));
        }
        events.push(event);
    }
    graph.extend(entities.places.iter().filter(|(k, _)| used.places.contains(*k)).map(|(_, (_, v))| v.clone()));
    graph.extend(events);
    Ok(json!({ "@context": context(), "@graph": graph }))
}

/// The entities the items point to, so that only those become nodes.
#[derive(Default)]
struct Used {
    people: BTreeMap<String, String>,
    places: BTreeSet<String>,
    events: BTreeSet<String>,
}

/// Sets a string property when there is a value.
fn set(node: &mut Value, key: &str, value: Option<&str>) {
    if let Some(value) = value.filter(|v| !v.is_empty()) {
        node[key] = json!(value);
    }
}

/// A person by name: a node of the archive when the name is one, else (a pseudonym) an
/// anonymous Person holding only the name.
fn person(name: &str, entities: &Entities, used: &mut Used) -> Value {
    let key = name_key(name);
    match entities.people.get(&key) {
        Some(id) => {
            used.people.insert(key, name.to_string());
            node(id)
        }
        None => json!({ "@type": "Person", "name": name }),
    }
}

/// A template's fields mapped to standard terms, as properties of the item's node (a value
/// beside one the node has under the same term makes a list); unmapped fields stay in the JSON
/// export only.
fn add_template_terms(node: &mut Value, templates: &BTreeMap<String, crate::templates::Template>, item: &Item) {
    for (term, value) in crate::templates::terms_of(templates, item) {
        if crate::templates::term_iri(&term).is_none() {
            continue;
        }
        match node.get_mut(&term) {
            None => node[&term] = json!(value),
            Some(Value::Array(list)) => list.push(json!(value)),
            Some(other) => *other = json!([other.clone(), value]),
        }
    }
}

fn item_node(
    item: &Item,
    entities: &Entities,
    collections: &BTreeMap<String, Id>,
    exported: &BTreeSet<Id>,
    used: &mut Used,
) -> Value {
    let kind = match item.details {
        ItemDetails::Quote(_) => "Quotation",
        ItemDetails::Photo(_) => "Photograph",
        ItemDetails::Article(_) => "NewsArticle",
    };
    let mut value = json!({
        "@id": format!("urn:uuid:{}", item.id),
        "@type": kind,
        "identifier": item.id.to_string(),
        "name": item.title,
    });
    set(&mut value, "description", item.description.as_deref());
    if !item.tags.is_empty() {
        value["keywords"] = json!(item.tags);
    }
    set(&mut value, "inLanguage", item.language.as_deref());
    if let Some(date) = &item.date {
        value["dcterms:date"] = json!(date.as_str());
        let key = if kind == "NewsArticle" { "datePublished" } else { "dateCreated" };
        set(&mut value, key, iso_date(date));
    }
    if let Some((id, _)) = item.place.as_deref().and_then(|p| entities.places.get(&name_key(p))) {
        value["contentLocation"] = node(id);
        used.places.insert(name_key(item.place.as_deref().unwrap_or_default()));
    }
    if let Some((id, _, _)) = item.event.as_deref().and_then(|e| entities.events.get(&name_key(e))) {
        value[if kind == "NewsArticle" { "about" } else { "recordedAt" }] = node(id);
        used.events.insert(name_key(item.event.as_deref().unwrap_or_default()));
    }
    let part_of: Vec<Value> = item.collections.iter().filter_map(|c| collections.get(&name_key(c))).map(node).collect();
    if !part_of.is_empty() {
        value["isPartOf"] = json!(part_of);
    }
    let mentioned: Vec<Value> = item.people.iter().map(|p| person(p, entities, used)).collect();
    if !mentioned.is_empty() {
        value["mentions"] = json!(mentioned);
    }
    set(&mut value, "dcterms:source", item.source.as_deref());
    set(&mut value, "creditText", item.credit.as_deref());
    set(&mut value, "dcterms:rights", item.rights.as_deref());
    match &item.details {
        ItemDetails::Quote(q) => {
            value["text"] = json!(q.text);
            if let Some(speaker) = q.speaker.as_deref() {
                let who = person(speaker, entities, used);
                value["spokenByCharacter"] = who.clone();
                // schema.org's Role pattern: the role sits between the work and the person.
                value["creator"] = match q.role.as_deref() {
                    Some(role) => json!({ "@type": "Role", "roleName": role, "creator": who }),
                    None => who,
                };
            }
            set(&mut value, "abstract", q.context.as_deref());
            if let Some(source) = q.source_item.filter(|s| exported.contains(s)) {
                value["isBasedOn"] = node(source);
            }
            if let Some(translation) = q.translation.as_deref() {
                value["workTranslation"] = json!({ "@type": "Quotation", "text": translation, "inLanguage": "en" });
            }
        }
        ItemDetails::Photo(p) => {
            set(&mut value, "caption", p.caption.as_deref());
            // The words read on the photo (signs, banners), as schema.org's `text` of the work.
            set(&mut value, "text", item.ocr_text.as_deref());
            set(&mut value, "dateCreated", p.taken_at.as_deref());
            let mut image =
                json!({ "@type": "ImageObject", "contentUrl": format!("files/{}", p.sha256), "sha256": p.sha256 });
            set(&mut image, "encodingFormat", p.format.as_deref().map(|f| format!("image/{f}")).as_deref());
            if let (Some(w), Some(h)) = (p.width, p.height) {
                image["width"] = json!(w);
                image["height"] = json!(h);
            }
            value["image"] = image;
        }
        ItemDetails::Article(a) => {
            value["headline"] = json!(a.headline);
            value["articleBody"] = json!(a.body);
            set(&mut value, "text", item.ocr_text.as_deref());
            if !a.authors.is_empty() {
                value["author"] = json!(a.authors.iter().map(|n| person(n, entities, used)).collect::<Vec<_>>());
            }
            if let Some(outlet) = a.outlet.as_deref() {
                value["publisher"] = json!({ "@type": "Organization", "name": outlet });
            }
            set(&mut value, "url", a.url.as_deref());
            if let Some(sha) = a.sha256.as_deref() {
                let mut media = json!({ "@type": "MediaObject", "contentUrl": format!("files/{sha}"), "sha256": sha });
                set(&mut media, "name", a.file_name.as_deref());
                value["associatedMedia"] = media;
            }
        }
    }
    value
}
