//! The lossless JSON export: `walkout-export.json` with every field of every item and the
//! entities they point to, plus `files/<sha256>` for the originals. `walkout import` of the
//! folder gives back the same archive, field for field.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{ExportReport, Selection, select};
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
}

/// Writes the export folder `out`.
pub fn export(archive: &Archive, selection: &Selection, include_restricted: bool, out: &Path) -> Result<ExportReport> {
    let (items, left_out) = select(archive, selection, include_restricted)?;
    fs::create_dir_all(out.join("files")).map_err(|e| Error::io(out, e))?;
    let mut files = 0;
    for sha in items.iter().filter_map(Item::sha256).collect::<BTreeSet<_>>() {
        super::copy_original(archive, sha, &out.join("files").join(sha))?;
        files += 1;
    }
    let ids: BTreeSet<_> = items.iter().map(|i| i.id).collect();
    let names = |f: &dyn Fn(&Item) -> Vec<String>| -> BTreeSet<String> {
        items.iter().flat_map(f).map(|n| crate::store::name_key(&n)).collect()
    };
    let people_names = names(&|i: &Item| {
        let mut v: Vec<String> = i.speaker().map(String::from).into_iter().collect();
        if let crate::model::ItemDetails::Article(a) = &i.details {
            v.extend(a.authors.iter().cloned());
        }
        v
    });
    let place_names = names(&|i: &Item| i.place.iter().cloned().collect());
    let event_names = names(&|i: &Item| i.event.iter().cloned().collect());
    let doc = ExportDocument {
        format: FORMAT.to_string(),
        version: 1,
        exported_at: archive.now(),
        people: archive
            .people()?
            .into_iter()
            .filter(|p| people_names.contains(&crate::store::name_key(&p.name)))
            .collect(),
        places: archive
            .places()?
            .into_iter()
            .filter(|p| place_names.contains(&crate::store::name_key(&p.name)))
            .collect(),
        events: archive
            .events()?
            .into_iter()
            .filter(|e| event_names.contains(&crate::store::name_key(&e.name)))
            .collect(),
        collections: archive
            .collections()?
            .into_iter()
            .map(|mut c| {
                c.items.retain(|id| ids.contains(id));
                c
            })
            .filter(|c| !c.items.is_empty())
            .collect(),
        items,
    };
    let path = out.join(FILE_NAME);
    let json = serde_json::to_vec_pretty(&doc).map_err(|e| Error::invalid("export", e.to_string()))?;
    super::write_file(&path, json)?;
    super::log_export(archive, "json", out, &doc.items)?;
    Ok(ExportReport { exported: doc.items.len() as u64, files, left_out })
}
