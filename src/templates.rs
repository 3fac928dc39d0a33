//! Templates: the fields an archive defines for its own material ("Oral history quote",
//! "Protest sign photo"), each with a label, a type, whether it is required, help text and the
//! standard term it maps to (Dublin Core or schema.org), so that exports carry it as standard
//! metadata: a CSV column named by the term (Omeka S CSV Import maps it), a JSON-LD property
//! with the term's IRI. An item names its template and holds its values as text, by field key.
//! Templates export and import as one JSON file, validated on the way in.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::model::{Item, ItemKind};
use crate::store::{self, name_key};

/// What a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Free text.
    Text,
    /// An EDTF date (`2026-01-30`, `2026-01?`, `2026/2027`).
    Date,
    /// A number (decimal).
    Number,
    /// One of the field's options: a facet and a filter.
    Choice,
    /// A person, by name.
    Person,
    /// A place, by name.
    Place,
    /// A web address (`https://…`).
    Link,
}

/// One field of a template.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TemplateField {
    /// Its key in items and exports: lowercase letters, digits and `_` (`sign_language`).
    pub key: String,
    /// What the editor calls it ("Language of the sign").
    pub label: String,
    #[serde(rename = "type")]
    #[cfg_attr(feature = "ts", ts(rename = "type"))]
    pub kind: FieldType,
    #[serde(default)]
    pub required: bool,
    /// A line of help under the field.
    #[serde(default)]
    pub help: Option<String>,
    /// A choice field's options.
    #[serde(default)]
    pub options: Vec<String>,
    /// The standard term it maps to (`dcterms:subject`, `schema:genre`), from [`TERMS`].
    #[serde(default)]
    pub term: Option<String>,
}

/// A template.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Template {
    pub name: String,
    /// The kind of item it is for, or any.
    #[serde(default)]
    pub kind: Option<ItemKind>,
    #[serde(default)]
    pub description: Option<String>,
    pub fields: Vec<TemplateField>,
}

/// The terms a field may map to: the prefixed name, its IRI and what it means.
pub const TERMS: [(&str, &str, &str); 22] = [
    ("dcterms:subject", "http://purl.org/dc/terms/subject", "Subject"),
    ("dcterms:description", "http://purl.org/dc/terms/description", "Description"),
    ("dcterms:abstract", "http://purl.org/dc/terms/abstract", "Abstract"),
    ("dcterms:coverage", "http://purl.org/dc/terms/coverage", "Coverage"),
    ("dcterms:spatial", "http://purl.org/dc/terms/spatial", "Spatial coverage"),
    ("dcterms:temporal", "http://purl.org/dc/terms/temporal", "Temporal coverage"),
    ("dcterms:created", "http://purl.org/dc/terms/created", "Date created"),
    ("dcterms:contributor", "http://purl.org/dc/terms/contributor", "Contributor"),
    ("dcterms:audience", "http://purl.org/dc/terms/audience", "Audience"),
    ("dcterms:medium", "http://purl.org/dc/terms/medium", "Medium"),
    ("dcterms:extent", "http://purl.org/dc/terms/extent", "Extent"),
    ("dcterms:provenance", "http://purl.org/dc/terms/provenance", "Provenance"),
    ("dcterms:relation", "http://purl.org/dc/terms/relation", "Relation"),
    ("dcterms:identifier", "http://purl.org/dc/terms/identifier", "Identifier"),
    ("dcterms:language", "http://purl.org/dc/terms/language", "Language"),
    ("schema:genre", "http://schema.org/genre", "Genre"),
    ("schema:keywords", "http://schema.org/keywords", "Keywords"),
    ("schema:about", "http://schema.org/about", "About"),
    ("schema:locationCreated", "http://schema.org/locationCreated", "Location created"),
    ("schema:material", "http://schema.org/material", "Material"),
    ("schema:size", "http://schema.org/size", "Size"),
    ("schema:isBasedOn", "http://schema.org/isBasedOn", "Based on"),
];

/// A term's IRI.
pub fn term_iri(term: &str) -> Option<&'static str> {
    TERMS.iter().find(|(t, ..)| *t == term).map(|(_, iri, _)| *iri)
}

/// The file format of exported templates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplateFile {
    /// Always 1.
    pub walkout_templates: u32,
    pub templates: Vec<Template>,
}

fn invalid(template: &str, reason: impl Into<String>) -> Error {
    Error::invalid("template", format!("“{template}”: {}", reason.into()))
}

impl Template {
    /// Checks the definition: a name, at least one field, keys that are unique and plain,
    /// labels, options for a choice (and none otherwise), known terms.
    pub fn validate(&self) -> Result<()> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(Error::invalid("template", "a template needs a name"));
        }
        if self.fields.is_empty() {
            return Err(invalid(name, "it has no fields"));
        }
        let mut keys = std::collections::BTreeSet::new();
        for f in &self.fields {
            let plain = !f.key.is_empty()
                && f.key.len() <= 40
                && f.key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && f.key.chars().next().is_some_and(|c| c.is_ascii_lowercase());
            if !plain {
                return Err(invalid(name, format!("the key {:?} must be lowercase letters, digits and _", f.key)));
            }
            if !keys.insert(f.key.as_str()) {
                return Err(invalid(name, format!("two fields have the key {:?}", f.key)));
            }
            if f.label.trim().is_empty() {
                return Err(invalid(name, format!("the field {:?} needs a label", f.key)));
            }
            match f.kind {
                FieldType::Choice if f.options.iter().all(|o| o.trim().is_empty()) => {
                    return Err(invalid(name, format!("the choice field {:?} needs options", f.key)));
                }
                FieldType::Choice => {}
                _ if !f.options.is_empty() => {
                    return Err(invalid(name, format!("only a choice field has options ({:?})", f.key)));
                }
                _ => {}
            }
            if let Some(term) = &f.term
                && term_iri(term).is_none()
            {
                return Err(invalid(name, format!("{term:?} ({:?}) is not a term Walkout maps", f.key)));
            }
        }
        Ok(())
    }

    /// The field with this key.
    pub fn field(&self, key: &str) -> Option<&TemplateField> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// Checks an item's values against the template: required fields filled, each value of
    /// its type, no value for a field the template does not have.
    pub fn check(&self, item: &Item) -> Result<()> {
        for f in &self.fields {
            let value = item.custom.get(&f.key).map(|v| v.trim()).unwrap_or("");
            if value.is_empty() {
                if f.required {
                    return Err(Error::invalid(&f.label, format!("is required by the template “{}”", self.name)));
                }
                continue;
            }
            check_value(f, value)?;
        }
        if let Some(key) = item.custom.keys().find(|k| self.field(k).is_none()) {
            return Err(Error::invalid(key, format!("the template “{}” has no such field", self.name)));
        }
        if let Some(kind) = self.kind
            && kind != item.kind()
        {
            return Err(Error::invalid(
                "template",
                format!("“{}” is for {}s, not {}s", self.name, kind.as_str(), item.kind().as_str()),
            ));
        }
        Ok(())
    }
}

/// Checks one value against its field's type.
pub fn check_value(f: &TemplateField, value: &str) -> Result<()> {
    let wrong = |what: &str| Error::invalid(&f.label, format!("{value:?} is not {what}"));
    match f.kind {
        FieldType::Text | FieldType::Person | FieldType::Place => Ok(()),
        FieldType::Date => {
            value.parse::<crate::date::EdtfDate>().map(|_| ()).map_err(|_| wrong("a date (2026-01-30, 2026-01?, 2026)"))
        }
        FieldType::Number => {
            value.parse::<f64>().ok().filter(|n| n.is_finite()).map(|_| ()).ok_or_else(|| wrong("a number"))
        }
        FieldType::Choice => f
            .options
            .iter()
            .any(|o| o.trim() == value)
            .then_some(())
            .ok_or_else(|| wrong(&format!("one of {}", f.options.join(", ")))),
        FieldType::Link => {
            let ok =
                (value.starts_with("https://") || value.starts_with("http://")) && !value.contains(char::is_whitespace);
            ok.then_some(()).ok_or_else(|| wrong("a web address (https://…)"))
        }
    }
}

/// Every template, by name.
pub(crate) fn list(conn: &rusqlite::Connection) -> Result<Vec<Template>> {
    let mut stmt = conn.prepare_cached("SELECT definition FROM templates ORDER BY name_key")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for row in rows {
        let text = row?;
        out.push(
            serde_json::from_str(&text)
                .map_err(|e| Error::invalid("template", format!("a stored template cannot be read: {e}")))?,
        );
    }
    Ok(out)
}

/// The template with this name.
pub(crate) fn get(conn: &rusqlite::Connection, name: &str) -> Result<Option<Template>> {
    let text: Option<String> = conn
        .prepare_cached("SELECT definition FROM templates WHERE name_key = ?1")?
        .query_row([name_key(name)], |r| r.get(0))
        .optional()?;
    text.map(|t| {
        serde_json::from_str(&t)
            .map_err(|e| Error::invalid("template", format!("a stored template cannot be read: {e}")))
    })
    .transpose()
}

/// Checks an item against its template (called on every save).
pub(crate) fn check_item(conn: &rusqlite::Connection, item: &Item) -> Result<()> {
    match &item.template {
        None if item.custom.is_empty() => Ok(()),
        None => Err(Error::invalid("fields", "values of a template's fields need the template")),
        Some(name) => {
            let template = get(conn, name)?
                .ok_or_else(|| Error::invalid("template", format!("the archive has no template named {name:?}")))?;
            template.check(item)
        }
    }
}

impl Archive {
    /// The archive's templates, by name.
    pub fn templates(&self) -> Result<Vec<Template>> {
        list(self.store.conn())
    }

    /// Saves a template (a new one, or a new definition of one of that name). Items keep their
    /// values; a field removed no longer shows.
    pub fn save_template(&mut self, template: &Template) -> Result<()> {
        template.validate()?;
        let mut template = template.clone();
        template.name = template.name.split_whitespace().collect::<Vec<_>>().join(" ");
        let text = serde_json::to_string(&template).map_err(|e| Error::invalid("template", e.to_string()))?;
        let now = self.now();
        let summary = format!("Saved the template “{}”", template.name);
        self.operation(crate::history::OperationKind::Catalogue, &summary, |archive| {
            archive.write(|tx| {
                tx.execute(
                    "INSERT INTO templates (name_key, name, definition) VALUES (?1, ?2, ?3) \
                     ON CONFLICT(name_key) DO UPDATE SET name = ?2, definition = ?3",
                    params![name_key(&template.name), template.name, text],
                )?;
                let state = serde_json::to_value(&template).map_err(|e| Error::invalid("template", e.to_string()))?;
                crate::history::record(tx, "template", &name_key(&template.name), Some(&state), now)?;
                // Its choice fields may have changed: its items are indexed again.
                let ids: Vec<String> = tx
                    .prepare("SELECT id FROM items WHERE template = ?1")?
                    .query_map([&template.name], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                for id in ids {
                    let id = id.parse().map_err(|_| Error::ItemNotFound { id: id.clone() })?;
                    store::record_change(tx, id, store::ChangeOp::Upsert, now)?;
                }
                Ok(())
            })
        })
    }

    /// Removes a template no item uses.
    pub fn delete_template(&mut self, name: &str) -> Result<()> {
        let used: i64 = self.store.conn().query_row(
            "SELECT count(*) FROM items WHERE template = (SELECT name FROM templates WHERE name_key = ?1)",
            [name_key(name)],
            |r| r.get(0),
        )?;
        if used > 0 {
            return Err(Error::invalid(
                "template",
                format!("“{name}” is used by {used} items; give them another first"),
            ));
        }
        let now = self.now();
        self.write(|tx| {
            let gone = tx.execute("DELETE FROM templates WHERE name_key = ?1", [name_key(name)])?;
            if gone == 0 {
                return Err(Error::invalid("template", format!("the archive has no template named {name:?}")));
            }
            tx.execute("UPDATE collections SET default_template = NULL WHERE default_template = ?1", [name.trim()])?;
            crate::history::record(tx, "template", &name_key(name), None, now)
        })
    }

    /// The template new items of a collection get, if it has one.
    pub fn collection_template(&self, collection: &str) -> Result<Option<String>> {
        Ok(self
            .store
            .conn()
            .prepare_cached("SELECT default_template FROM collections WHERE name = ?1")?
            .query_row([collection.trim()], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten())
    }

    /// Sets (or clears) a collection's default template.
    pub fn set_collection_template(&mut self, collection: &str, template: Option<&str>) -> Result<()> {
        let template = match template {
            Some(name) => Some(
                get(self.store.conn(), name)?
                    .ok_or_else(|| Error::invalid("template", format!("the archive has no template named {name:?}")))?
                    .name,
            ),
            None => None,
        };
        self.write(|tx| {
            let id = store::collection_id(tx, collection)?;
            tx.execute(
                "UPDATE collections SET default_template = ?2 WHERE id = ?1",
                params![id.to_string(), template],
            )?;
            Ok(())
        })
    }

    /// The templates as one JSON file, to share with another archive.
    pub fn export_templates(&self) -> Result<Vec<u8>> {
        let file = TemplateFile { walkout_templates: 1, templates: self.templates()? };
        serde_json::to_vec_pretty(&file).map_err(|e| Error::invalid("templates", e.to_string()))
    }

    /// Takes in a templates file: every template is checked before any is saved; a template
    /// of a name the archive has replaces it. Returns the names.
    pub fn import_templates(&mut self, bytes: &[u8]) -> Result<Vec<String>> {
        let file: TemplateFile = serde_json::from_slice(bytes)
            .map_err(|e| Error::invalid("templates", format!("not a Walkout templates file: {e}")))?;
        if file.walkout_templates != 1 {
            return Err(Error::invalid(
                "templates",
                format!("format {} is not one this version reads", file.walkout_templates),
            ));
        }
        for t in &file.templates {
            t.validate()?;
        }
        let mut names = Vec::new();
        for t in &file.templates {
            self.save_template(t)?;
            names.push(t.name.trim().to_string());
        }
        Ok(names)
    }
}

/// The largest templates file taken in: a few hundred templates are far below it.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Reads a templates file, refusing (with its name and why) one that is not a file or is too
/// large to be one, before reading it whole.
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(Error::BadFile { path: path.to_path_buf(), reason: "not a file".into() });
    }
    if meta.len() > MAX_FILE_BYTES {
        let reason = format!("{} MB is too large for a templates file (at most 4 MB)", meta.len() / (1024 * 1024));
        return Err(Error::BadFile { path: path.to_path_buf(), reason });
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::BadFile { path: path.to_path_buf(), reason: "the file is empty".into() });
    }
    Ok(bytes)
}

/// The values of an item's template fields as (term or `walkout:key`, value), for the CSV and
/// JSON-LD exports.
pub(crate) fn terms_of(templates: &BTreeMap<String, Template>, item: &Item) -> Vec<(String, String)> {
    let Some(template) = item.template.as_ref().and_then(|n| templates.get(&name_key(n))) else {
        return item.custom.iter().map(|(k, v)| (format!("walkout:{k}"), v.clone())).collect();
    };
    item.custom
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| {
            let term = template.field(k).and_then(|f| f.term.clone()).unwrap_or_else(|| format!("walkout:{k}"));
            (term, v.clone())
        })
        .collect()
}

/// Saves templates an export brought (each validated) that the archive does not have by name;
/// one it has stays as it is.
pub(crate) fn save_all(conn: &rusqlite::Connection, templates: &[Template]) -> Result<()> {
    for t in templates {
        t.validate()?;
        let text = serde_json::to_string(t).map_err(|e| Error::invalid("template", e.to_string()))?;
        conn.execute(
            "INSERT INTO templates (name_key, name, definition) VALUES (?1, ?2, ?3) ON CONFLICT(name_key) DO NOTHING",
            params![name_key(&t.name), t.name.trim(), text],
        )?;
    }
    Ok(())
}

/// The keys of every template's choice fields (the search counts their values).
pub(crate) fn choice_keys(conn: &rusqlite::Connection) -> Result<std::collections::HashSet<String>> {
    Ok(list(conn)?
        .into_iter()
        .flat_map(|t| t.fields.into_iter().filter(|f| f.kind == FieldType::Choice).map(|f| f.key))
        .collect())
}

/// The templates by name key, for exports.
pub(crate) fn by_key(archive: &Archive) -> Result<BTreeMap<String, Template>> {
    Ok(archive.templates()?.into_iter().map(|t| (name_key(&t.name), t)).collect())
}
