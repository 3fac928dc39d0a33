//! The CSL-JSON export: one JSON array of Citation Style Language items, which Zotero,
//! citeproc-js, pandoc and most reference managers read. Articles are `article-newspaper`,
//! quotes `speech` (their speaker the author, the article they were quoted in the container),
//! photos `graphic`. EDTF dates become `date-parts`, with `circa` when approximate or uncertain.

use std::path::Path;

use serde_json::{Value, json};

use super::reference::{DateParts, Name, Reference, date_parts, references};
use super::{ExportReport, Selection, select, write_file};
use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::model::ItemKind;

/// Writes the CSL-JSON array of the selected items to the file `out`.
pub fn export(archive: &Archive, selection: &Selection, include_restricted: bool, out: &Path) -> Result<ExportReport> {
    let (items, left_out) = select(archive, selection, include_restricted)?;
    let refs = references(archive, &items, include_restricted)?;
    let json =
        serde_json::to_vec_pretty(&to_csl(&refs)).map_err(|e| Error::invalid("csl-json export", e.to_string()))?;
    write_file(out, json)?;
    super::log_export(archive, "csl-json", out, &items)?;
    Ok(ExportReport { exported: items.len() as u64, files: 0, left_out, originals: false })
}

/// The CSL-JSON array of references.
pub fn to_csl(refs: &[Reference]) -> Value {
    Value::Array(refs.iter().map(item).collect())
}

/// A CSL name: `family`/`given`, or `literal` for a group or a pseudonym.
pub fn name(name: &Name) -> Value {
    match name {
        Name::Person { family, given } => json!({ "family": family, "given": given }),
        Name::Literal(literal) => json!({ "literal": literal }),
    }
}

/// A CSL date: `date-parts` (two for an interval), `circa` when approximate or uncertain,
/// `literal` when the start is open.
pub fn date(date: &crate::date::EdtfDate) -> Value {
    match date_parts(date) {
        Some(DateParts { start, end, circa }) => {
            let mut parts = vec![json!(start)];
            parts.extend(end.map(|e| json!(e)));
            let mut value = json!({ "date-parts": parts });
            if circa {
                value["circa"] = json!(true);
            }
            value
        }
        None => json!({ "literal": date.as_str() }),
    }
}

fn item(r: &Reference) -> Value {
    let kind = match r.kind {
        ItemKind::Article => "article-newspaper",
        ItemKind::Quote => "speech",
        ItemKind::Photo => "graphic",
    };
    let mut value = json!({ "id": r.id.to_string(), "type": kind, "title": r.title, "archive": "Walkout Archive" });
    let mut set = |key: &str, v: Option<Value>| {
        if let Some(v) = v {
            value[key] = v;
        }
    };
    set("author", (!r.creators.is_empty()).then(|| json!(r.creators.iter().map(name).collect::<Vec<_>>())));
    set("issued", r.date.as_ref().map(date));
    set("container-title", r.outlet.clone().map(Value::from));
    set("URL", r.url.clone().map(Value::from));
    set("language", r.language.clone().map(Value::from));
    set("keyword", (!r.keywords.is_empty()).then(|| Value::from(r.keywords.join(", "))));
    set("note", r.note.clone().map(Value::from));
    set("event-title", r.event.clone().map(Value::from));
    set("event-place", r.place.clone().map(Value::from));
    set("abstract", r.text.clone().map(Value::from));
    set("license", r.rights.clone().map(Value::from));
    if let Some(article) = &r.quoted_in {
        set("container-title", Some(json!(article.title)));
        set("publisher", article.outlet.clone().map(Value::from));
        set("URL", article.url.clone().map(Value::from));
        if !article.creators.is_empty() {
            set("container-author", Some(json!(article.creators.iter().map(name).collect::<Vec<_>>())));
        }
    }
    value
}
