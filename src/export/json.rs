//! The JSON export: `walkout-export.json` with every field of every item and the entities they
//! point to, plus `files/<sha256>` for the files. With `ExportOptions::originals` it is
//! lossless: `walkout import` of the folder gives back the same archive, field for field,
//! original photo bytes included. By default photos ship cleaned (no metadata, redactions
//! burned in) and the items describe the cleaned files (`export::ship_files`), so the folder
//! still imports, as a copy whose photos are the cleaned ones.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{ExportOptions, ExportReport, select_for, ship_files, write_file};
use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::model::{Collection, Event, Item, Person, Place};

/// The marker that tells an export file from a quote file.
pub const FORMAT: &str = "walkout-export";
/// The export's file name inside its folder.
pub const FILE_NAME: &str = "walkout-export.json";

/// The JSON document.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExportDocument {
    /// Always `walkout-export`.
    pub format: String,
    /// The document version.
    pub version: u32,
    /// When it was written.
    pub exported_at: chrono::DateTime<chrono::Utc>,
    /// The items.
    pub items: Vec<Item>,
    /// People the items point to.
    #[serde(default)]
    pub people: Vec<Person>,
    /// Places the items point to.
    #[serde(default)]
    pub places: Vec<Place>,
    /// Events the items point to.
    #[serde(default)]
    pub events: Vec<Event>,
    /// Collections, with only the exported items, in order.
    #[serde(default)]
    pub collections: Vec<Collection>,
    /// The templates the items fill (absent in exports written before this field).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub templates: Vec<crate::templates::Template>,
    /// What the photo files under `files/` are (absent in exports written before this field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo_files: Option<PhotoFiles>,
}

/// What the photo files beside an export are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PhotoFiles {
    /// Cleaned copies (upright, redactions burned in, no metadata), which the items describe.
    Cleaned,
    /// The untouched originals, with all their metadata.
    Originals,
}

/// Writes the export folder `out`.
pub fn export(archive: &Archive, options: &ExportOptions, out: &Path) -> Result<ExportReport> {
    let (mut items, mut left_out) =
        select_for(archive, &options.selection, options.include_restricted, super::purpose(options))?;
    let files = ship_files(archive, &mut items, &mut left_out, &out.join("files"), options)?;
    write_file(&out.join(FILE_NAME), to_bytes(&document(archive, &items, options.originals)?)?)?;
    super::log_export(archive, "json", out, &items)?;
    Ok(ExportReport { exported: items.len() as u64, files, left_out, originals: options.originals })
}

/// The JSON document of items that passed `select` and `ship_files`. The people, places and
/// events are those the exported items name, as they name them (a person shown by pseudonym
/// has no entry: it would carry their name), with counts of the exported items only, so that
/// no count reveals what was left out; people's notes stay in unless the export is archival.
pub fn document(archive: &Archive, items: &[Item], originals: bool) -> Result<ExportDocument> {
    let ids: BTreeSet<_> = items.iter().map(|i| i.id).collect();
    let count = |f: &dyn Fn(&Item) -> Vec<String>| -> BTreeMap<String, u64> {
        let mut counts = BTreeMap::new();
        for item in items {
            let keys: BTreeSet<String> = f(item).iter().map(|n| crate::store::name_key(n)).collect();
            for key in keys {
                *counts.entry(key).or_insert(0) += 1;
            }
        }
        counts
    };
    let people_counts = count(&|i: &Item| {
        let mut v: Vec<String> = i.speaker().map(String::from).into_iter().collect();
        if let crate::model::ItemDetails::Article(a) = &i.details {
            v.extend(a.authors.iter().cloned());
        }
        v.extend(i.people.iter().cloned());
        v
    });
    let place_counts = count(&|i: &Item| i.place.iter().cloned().collect());
    let event_counts = count(&|i: &Item| i.event.iter().cloned().collect());
    let counted = |name: &str, counts: &BTreeMap<String, u64>| counts.get(&crate::store::name_key(name)).copied();
    // Events' and collections' descriptions are free text too: names in them are replaced.
    let mut names = crate::privacy::Disclosure::new(archive, false, crate::privacy::Purpose::Public)?;
    let mut scrub = |text: Option<String>| if originals { text } else { text.map(|t| names.scrub(&t)) };
    let used: std::collections::BTreeSet<String> =
        items.iter().filter_map(|i| i.template.as_deref()).map(crate::store::name_key).collect();
    let doc = ExportDocument {
        format: FORMAT.to_string(),
        version: 1,
        exported_at: archive.now(),
        templates: archive
            .templates()?
            .into_iter()
            .filter(|t| used.contains(&crate::store::name_key(&t.name)))
            .collect(),
        people: archive
            .people()?
            .into_iter()
            .filter_map(|p| {
                let items = counted(&p.name, &people_counts)?;
                Some(Person { items, description: if originals { p.description } else { None }, ..p })
            })
            .collect(),
        places: archive
            .places()?
            .into_iter()
            .filter_map(|p| Some(Place { items: counted(&p.name, &place_counts)?, ..p }))
            .collect(),
        events: archive
            .events()?
            .into_iter()
            .filter_map(|e| {
                let items = counted(&e.name, &event_counts)?;
                Some(Event { items, description: scrub(e.description.clone()), ..e })
            })
            .collect(),
        collections: archive
            .collections()?
            .into_iter()
            .map(|mut c| {
                c.items.retain(|id| ids.contains(id));
                c.description = scrub(c.description.take());
                c
            })
            .filter(|c| !c.items.is_empty())
            .collect(),
        items: items.to_vec(),
        photo_files: Some(if originals { PhotoFiles::Originals } else { PhotoFiles::Cleaned }),
    };
    Ok(doc)
}

/// The document as pretty-printed JSON.
pub fn to_bytes(doc: &ExportDocument) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(doc).map_err(|e| Error::invalid("export", e.to_string()))
}
