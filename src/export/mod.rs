//! Ways out of the archive. Every export chooses its items through `select`, which applies the
//! privacy rule: only public items leave unless the archivist asks for more, and the report
//! says how many were left out.

pub mod bagit;
pub mod citation;
pub mod csl;
pub mod csv;
pub mod json;
pub mod jsonld;
pub mod reference;
pub mod ris;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::model::Item;
use crate::privacy::{Disclosure, Verdict};
use crate::search::SearchRequest;

/// Which items an export takes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Selection {
    /// Every item.
    #[default]
    All,
    /// The items of a collection, in its order.
    Collection(String),
    /// The items a search finds, best first.
    Query(String),
    /// These items, in this order (what a search shows in the desktop app, filters and all).
    Items(Vec<crate::model::Id>),
}

impl Selection {
    /// The selection in words, for a bag's description: `the collection "Rally day"`.
    pub fn describe(&self) -> String {
        match self {
            Selection::All => "every item of the archive".to_string(),
            Selection::Collection(name) => format!("the collection {name:?}"),
            Selection::Query(query) => format!("the items found by the search {query:?}"),
            Selection::Items(ids) => format!("{} items chosen in Walkout Archive", ids.len()),
        }
    }
}

/// The formats `walkout export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// The lossless `walkout-export.json` folder.
    Json,
    /// `items.csv` for Omeka S CSV Import, with the original files.
    Csv,
    /// `items.jsonld`: schema.org and Dublin Core linked data, with the original files.
    JsonLd,
    /// A BagIt 1.0 bag (a folder, or a zip file).
    Bagit,
    /// CSL-JSON references, for Zotero, citeproc and pandoc.
    CslJson,
    /// RIS references, for reference managers.
    Ris,
    /// Formatted citations in one style, one a paragraph.
    Citation,
}

impl Format {
    /// Every format's CLI name, in the order `--help` lists them.
    pub const NAMES: &[&str] = &["json", "csv", "jsonld", "bagit", "csl-json", "ris", "citation"];

    /// Parses a CLI name (`json`, `csv`, `jsonld`, `bagit`, `csl-json`, `ris`, `citation`).
    pub fn parse(name: &str) -> Result<Format> {
        Ok(match name.trim().to_ascii_lowercase().as_str() {
            "json" => Format::Json,
            "csv" => Format::Csv,
            "jsonld" | "json-ld" => Format::JsonLd,
            "bagit" | "bag" => Format::Bagit,
            "csl-json" | "csljson" | "csl" => Format::CslJson,
            "ris" => Format::Ris,
            "citation" | "citations" => Format::Citation,
            _ => {
                return Err(Error::invalid(
                    "format",
                    format!("{name:?} is not an export format; use one of {}", Format::NAMES.join(", ")),
                ));
            }
        })
    }
}

/// How an export is made: which items, and the choices a format takes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Which items.
    pub selection: Selection,
    /// Let restricted (never private) items out for this export.
    pub include_restricted: bool,
    /// Write a bag as one zip file instead of a folder.
    pub zip: bool,
    /// The citation style of `Format::Citation`.
    pub style: citation::Style,
}

/// Writes an export of `format` to `out`: a folder for json, csv, jsonld and bagit (a zip file
/// with `zip`), one file for csl-json, ris and citation.
pub fn export(archive: &Archive, format: Format, options: &ExportOptions, out: &Path) -> Result<ExportReport> {
    let (selection, restricted) = (&options.selection, options.include_restricted);
    match format {
        Format::Json => json::export(archive, selection, restricted, out),
        Format::Csv => csv::export(archive, selection, restricted, out),
        Format::JsonLd => jsonld::export(archive, selection, restricted, out),
        Format::Bagit => bagit::export(archive, options, out),
        Format::CslJson => csl::export(archive, selection, restricted, out),
        Format::Ris => ris::export(archive, selection, restricted, out),
        Format::Citation => citation::export(archive, selection, restricted, options.style, out),
    }
}

/// The form an item outside the selection may leave in (a quote's source article), by the
/// same policy `select` applies, or None when it stays in.
pub(crate) fn disclosed(archive: &Archive, item: &Item, include_restricted: bool) -> Result<Option<Item>> {
    let people = archive.everyones_privacy()?;
    let mut disclosure = Disclosure::new(&people, archive.now().date_naive(), include_restricted);
    Ok(match disclosure.decide(item) {
        Verdict::Include(item) => Some(*item),
        Verdict::Exclude(_) => None,
    })
}

/// Copies the items' original files to `dir/<sha256>`, each once; returns how many.
pub(crate) fn copy_originals(archive: &Archive, items: &[Item], dir: &Path) -> Result<u64> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut files = 0;
    for sha in items.iter().filter_map(Item::sha256).collect::<BTreeSet<_>>() {
        archive.files().copy_out(sha, &dir.join(sha))?;
        files += 1;
    }
    Ok(files)
}

/// Writes a whole file, naming it in the error.
pub(crate) fn write_file(path: &Path, bytes: impl AsRef<[u8]>) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    fs::write(path, bytes).map_err(|e| Error::io(path, e))
}

/// What an export wrote and what it kept back.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExportReport {
    /// Items written.
    pub exported: u64,
    /// Original files written.
    pub files: u64,
    /// Items kept back, with the reason.
    pub left_out: Vec<LeftOut>,
}

/// An item an export did not include.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeftOut {
    /// The item.
    pub id: crate::model::Id,
    /// Why.
    pub reason: String,
}

/// The items a selection takes, split into what may leave — in the form it may leave in — and
/// what stays, with the reason. This is the one place exports apply the privacy policy
/// (`privacy::Disclosure`): restricted items stay unless `include_restricted`, private ones
/// always; people without name consent appear by pseudonym; photo GPS never leaves.
pub fn select(archive: &Archive, selection: &Selection, include_restricted: bool) -> Result<(Vec<Item>, Vec<LeftOut>)> {
    let items = match selection {
        Selection::All => archive.all_items()?,
        Selection::Collection(name) => archive.collection_items(name)?,
        Selection::Query(query) => {
            let mut request = SearchRequest::words(query.clone());
            let total = archive.search(&SearchRequest { limit: 1, ..request.clone() })?.total as usize;
            request.limit = total.max(1);
            let ids: Vec<_> = archive.search(&request)?.hits.into_iter().map(|h| h.id).collect();
            ids.into_iter().map(|id| archive.get(id)).collect::<Result<_>>()?
        }
        Selection::Items(ids) => ids.iter().map(|id| archive.get(*id)).collect::<Result<_>>()?,
    };
    let people = archive.everyones_privacy()?;
    let mut disclosure = Disclosure::new(&people, archive.now().date_naive(), include_restricted);
    let mut keep = Vec::new();
    let mut left_out = Vec::new();
    for item in items {
        match disclosure.decide(&item) {
            Verdict::Include(item) => keep.push(*item),
            Verdict::Exclude(reason) => left_out.push(LeftOut { id: item.id, reason }),
        }
    }
    Ok((keep, left_out))
}

/// Remembers which items an export carried and where it went, so that a takedown can name the
/// exports to recall. Returns false when the archive is open read-only and nothing was noted.
pub fn log_export(archive: &Archive, format: &str, destination: &std::path::Path, items: &[Item]) -> Result<bool> {
    archive.record_export(format, destination, &items.iter().map(|i| i.id).collect::<Vec<_>>())
}
