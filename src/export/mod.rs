//! Ways out of the archive. Every export chooses its items through `select`, which applies the
//! privacy rule: only public items leave unless the archivist asks for more, and the report
//! says how many were left out.

pub mod bagit;
pub mod citation;
pub mod csl;
pub mod csv;
pub mod iiif;
pub mod json;
pub mod jsonld;
pub mod reference;
pub mod ris;
pub mod site;

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::files::{clean_image, injected_write_failure};
use crate::model::{Item, ItemDetails, PhotoDetails, Redaction};
use crate::privacy::{Disclosure, Purpose, Verdict};
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
    /// `items.csv` for Omeka S CSV Import, with the files.
    Csv,
    /// `items.jsonld`: schema.org and Dublin Core linked data, with the files.
    JsonLd,
    /// A BagIt 1.0 bag (a folder, or a zip file).
    Bagit,
    /// An offline exhibit site: HTML pages, cleaned photos and a client-side search.
    Site,
    /// CSL-JSON references, for Zotero, citeproc and pandoc.
    CslJson,
    /// RIS references, for reference managers.
    Ris,
    /// Formatted citations in one style, one a paragraph.
    Citation,
    /// IIIF Presentation 3 manifests of the photos, with a static (level 0) image service.
    Iiif,
}

impl Format {
    /// Every format's CLI name, in the order `--help` lists them.
    pub const NAMES: &[&str] = &["json", "csv", "jsonld", "bagit", "site", "csl-json", "ris", "citation", "iiif"];

    /// Parses a CLI name (`json`, `csv`, `jsonld`, `bagit`, `site`, `csl-json`, `ris`, `citation`,
    /// `iiif`).
    pub fn parse(name: &str) -> Result<Format> {
        Ok(match name.trim().to_ascii_lowercase().as_str() {
            "json" => Format::Json,
            "csv" => Format::Csv,
            "jsonld" | "json-ld" => Format::JsonLd,
            "bagit" | "bag" => Format::Bagit,
            "site" => Format::Site,
            "csl-json" | "csljson" | "csl" => Format::CslJson,
            "ris" => Format::Ris,
            "citation" | "citations" => Format::Citation,
            "iiif" => Format::Iiif,
            _ => {
                return Err(Error::invalid(
                    "format",
                    format!("{name:?} is not an export format; use one of {}", Format::NAMES.join(", ")),
                ));
            }
        })
    }

    /// Whether the format writes photo files (and so takes `ExportOptions::originals`).
    pub fn ships_originals(self) -> bool {
        matches!(self, Format::Json | Format::Csv | Format::JsonLd | Format::Bagit)
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
    /// Ship photos as the untouched original files, with every byte of their metadata (EXIF,
    /// GPS, camera serials, embedded thumbnails) and without their redactions burned in: for
    /// an archivist's own lossless transfer, never for publication. By default photos leave
    /// cleaned (`files::clean_image::publishable`). Only json, csv, jsonld and bagit carry
    /// files; the site and iiif always show cleaned photos.
    pub originals: bool,
    /// Where a IIIF export will be served: the http(s) address every IIIF id starts with.
    /// None for `iiif::DEFAULT_BASE_URL` (`http://localhost:8000/`). Other formats ignore it.
    pub base_url: Option<String>,
    /// Told how far the export is as its files are written (the slow part: cleaning photos).
    pub progress: Progress,
}

/// How far an export is: files handled of those it ships.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ExportProgress {
    /// Items whose files are written (or that had none).
    pub done: usize,
    /// Items in the export.
    pub total: usize,
}

/// Where an export reports its progress (a CLI progress bar, the app's dialog); by default
/// nowhere.
#[derive(Clone, Default)]
pub struct Progress(Option<std::sync::Arc<dyn Fn(ExportProgress) + Send + Sync>>);

impl Progress {
    /// Reports to `report`.
    pub fn new(report: impl Fn(ExportProgress) + Send + Sync + 'static) -> Progress {
        Progress(Some(std::sync::Arc::new(report)))
    }

    pub(crate) fn report(&self, done: usize, total: usize) {
        if let Some(report) = &self.0 {
            report(ExportProgress { done, total });
        }
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "Progress(reported)" } else { "Progress(none)" })
    }
}

/// Two exports are the same whatever they report to.
impl PartialEq for Progress {
    fn eq(&self, _: &Progress) -> bool {
        true
    }
}

impl Eq for Progress {}

/// Writes an export of `format` to `out`: a folder for json, csv, jsonld, bagit (a zip file
/// with `zip`), site and iiif, one file for csl-json, ris and citation.
///
/// An export that fails part way (a full disk …) leaves no partial export behind for someone to
/// take for a whole one. A folder it created is removed; a folder that was there before keeps an
/// `INCOMPLETE` file saying so, written first and removed last, so that even an export killed
/// part way is marked. A single file (or zip) is written beside its place and renamed into it
/// only when whole, so a failure leaves nothing new and an older file untouched.
pub fn export(archive: &Archive, format: Format, options: &ExportOptions, out: &Path) -> Result<ExportReport> {
    // The site is staged beside `out` and moved into place whole, like a single file.
    let folder = !matches!(format, Format::CslJson | Format::Ris | Format::Citation | Format::Site) && !options.zip;
    if !folder {
        return export_as(archive, format, options, out).map_err(|e| match e {
            Error::DiskFull { .. } | Error::Io { .. } => Error::ExportIncomplete {
                out: out.to_path_buf(),
                what: "nothing was written there".to_string(),
                source: Box::new(e),
            },
            other => other,
        });
    }
    let existed = out.exists();
    let marker = out.join(INCOMPLETE);
    if let Err(e) = write_file(&marker, incomplete_note(archive)) {
        if !existed {
            let _ = fs::remove_dir_all(out);
        }
        return Err(e);
    }
    match export_as(archive, format, options, out) {
        Ok(report) => {
            fs::remove_file(&marker).map_err(|e| Error::io(&marker, e))?;
            Ok(report)
        }
        Err(e) if existed => Err(Error::ExportIncomplete {
            out: out.to_path_buf(),
            what: format!("the folder holds a partial export, marked by its {INCOMPLETE} file"),
            source: Box::new(e),
        }),
        Err(e) => {
            let what = match fs::remove_dir_all(out) {
                Ok(()) => "the partial export was removed".to_string(),
                Err(why) => {
                    format!("the partial export could not be removed ({why}); it is marked by its {INCOMPLETE} file")
                }
            };
            match e {
                Error::DiskFull { .. } | Error::Io { .. } => {
                    Err(Error::ExportIncomplete { out: out.to_path_buf(), what, source: Box::new(e) })
                }
                other => Err(other),
            }
        }
    }
}

/// The file that marks an export folder as partial while it is written.
pub const INCOMPLETE: &str = "INCOMPLETE";

fn incomplete_note(archive: &Archive) -> String {
    format!(
        "This export did not finish: walkout export began writing it at {} and stopped before the end.\n\
         Its files are partial. Export again into an empty folder.\n",
        archive.now().to_rfc3339()
    )
}

fn export_as(archive: &Archive, format: Format, options: &ExportOptions, out: &Path) -> Result<ExportReport> {
    let (selection, restricted) = (&options.selection, options.include_restricted);
    if options.originals && format == Format::Iiif {
        return Err(Error::invalid("originals", ORIGINALS_NOT_FOR_IIIF));
    }
    if options.originals && !format.ships_originals() {
        return Err(Error::invalid("originals", "only json, csv, jsonld and bagit exports carry photo files"));
    }
    match format {
        Format::Json => json::export(archive, options, out),
        Format::Csv => csv::export(archive, options, out),
        Format::JsonLd => jsonld::export(archive, options, out),
        Format::Bagit => bagit::export(archive, options, out),
        Format::Site => site::export(archive, options, out),
        Format::CslJson => csl::export(archive, selection, restricted, out),
        Format::Ris => ris::export(archive, selection, restricted, out),
        Format::Citation => citation::export(archive, selection, restricted, options.style, out),
        Format::Iiif => iiif::export(archive, options, out),
    }
}

/// Why a IIIF export takes no `originals`.
pub const ORIGINALS_NOT_FOR_IIIF: &str = "a IIIF export publishes its photos, so they always leave as cleaned copies \
     (no EXIF or GPS, redactions burned in), never as originals";

/// The form an item outside the selection may leave in (a quote's source article), by the
/// same policy `select` applies, or None when it stays in.
pub(crate) fn disclosed(archive: &Archive, item: &Item, include_restricted: bool) -> Result<Option<Item>> {
    let mut disclosure = Disclosure::new(archive, include_restricted, Purpose::Public)?;
    Ok(match disclosure.decide(item)? {
        Verdict::Include(item) => Some(*item),
        Verdict::Exclude(_) => None,
    })
}

/// Writes the files of `items` into `dir` as they may leave, each once, and makes the items
/// describe the files that ship; returns how many were written.
///
/// By default a photo ships cleaned (`clean_image::publishable`: upright, redactions burned
/// in, re-encoded with no metadata) and is named by the SHA-256 of the cleaned bytes, so every
/// format's metadata stays true of the file beside it: the item's `sha256`, `width`, `height`,
/// `format` and `file_name` extension are those of the cleaned file and its `orientation` is
/// cleared (the pixels are upright). A photo that cannot be decoded cannot be cleaned: its
/// item moves to `left_out` rather than leave with its metadata. With `originals` every file
/// is the stored original, byte for byte, named by its own hash. Other files (PDF, HTML) always
/// ship as stored.
pub(crate) fn ship_files(
    archive: &Archive,
    items: &mut Vec<Item>,
    left_out: &mut Vec<LeftOut>,
    dir: &Path,
    options: &ExportOptions,
) -> Result<u64> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let originals = options.originals;
    let mut written = BTreeSet::new();
    let mut kept = Vec::with_capacity(items.len());
    let total = items.len();
    for (done, mut item) in std::mem::take(items).into_iter().enumerate() {
        options.progress.report(done, total);
        let name = match &mut item.details {
            ItemDetails::Photo(photo) if !originals => match clean_photo(archive, photo, &item.redactions)? {
                Ok(clean) => {
                    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&clean.bytes));
                    if !written.contains(&sha) {
                        write_file(&dir.join(&sha), &clean.bytes)?;
                    }
                    photo.sha256 = sha.clone();
                    photo.width = Some(clean.width);
                    photo.height = Some(clean.height);
                    photo.format = Some(clean.format().to_string());
                    photo.orientation = None;
                    photo.file_name = photo.file_name.as_deref().map(|n| with_extension(n, clean.extension));
                    Some(sha)
                }
                Err(e) => {
                    left_out
                        .push(LeftOut { id: item.id, reason: format!("its photo cannot be cleaned for export ({e})") });
                    continue;
                }
            },
            _ => match item.sha256() {
                Some(sha) if !written.contains(sha) => {
                    copy_original(archive, sha, &dir.join(sha))?;
                    Some(sha.to_string())
                }
                other => other.map(String::from),
            },
        };
        written.extend(name);
        kept.push(item);
    }
    options.progress.report(total, total);
    *items = kept;
    Ok(written.len() as u64)
}

/// The cleaned form of a stored photo at full size (see `clean_pixels`). The outer error is
/// the archive failing to give the file; the inner one, a photo that cannot be cleaned.
fn clean_photo(
    archive: &Archive,
    photo: &PhotoDetails,
    redactions: &[Redaction],
) -> Result<Result<clean_image::CleanImage>> {
    Ok(clean_pixels(archive, photo, redactions)?.and_then(|clean| clean_image::full_size(&clean)))
}

/// A stored photo's upright pixels — its own orientation applied, else the one its file
/// records, as the thumbnails do — with its redactions burned in. The outer error is the
/// archive failing to give the file; the inner one, a photo that cannot be decoded.
pub(crate) fn clean_pixels(
    archive: &Archive,
    photo: &PhotoDetails,
    redactions: &[Redaction],
) -> Result<Result<clean_image::CleanPixels>> {
    let bytes = archive.files().read(&photo.sha256)?;
    let orientation = photo.orientation.or_else(|| crate::files::photo_meta::read_exif(&bytes).orientation);
    Ok(clean_image::clean_pixels(&bytes, orientation, redactions))
}

/// `IMG_0042.HEIC` → `IMG_0042.jpg`.
fn with_extension(name: &str, extension: &str) -> String {
    let stem = Path::new(name).file_stem().map_or_else(|| name.to_string(), |s| s.to_string_lossy().into_owned());
    format!("{stem}.{extension}")
}

/// Copies one original file out of the store, naming the target in the error.
pub(crate) fn copy_original(archive: &Archive, sha256: &str, target: &Path) -> Result<()> {
    injected_write_failure().map_err(|e| Error::io(target, e))?;
    archive.files().copy_out(sha256, target).map_err(|e| match e {
        // A full disk is the target's, not the stored file's.
        Error::DiskFull { .. } => Error::DiskFull { path: target.to_path_buf() },
        other => other,
    })
}

/// Writes a whole file, naming it in the error: to a temp file beside it, renamed into place
/// once written, so a failure leaves no partial file under the name (and an older one intact).
pub(crate) fn write_file(path: &Path, bytes: impl AsRef<[u8]>) -> Result<()> {
    let dir = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => dir,
        None => Path::new("."),
    };
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut temp =
        tempfile::Builder::new().prefix(".walkout-export-").tempfile_in(dir).map_err(|e| Error::io(path, e))?;
    injected_write_failure().and_then(|()| temp.write_all(bytes.as_ref())).map_err(|e| Error::io(path, e))?;
    temp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// What an export wrote and what it kept back.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExportReport {
    /// Items written.
    pub exported: u64,
    /// Files written (photos, and articles' saved pages and PDFs).
    pub files: u64,
    /// Items kept back, with the reason.
    pub left_out: Vec<LeftOut>,
    /// The photo files are the untouched originals, with their camera metadata (EXIF, GPS …)
    /// and without redactions: `ExportOptions::originals`.
    #[serde(default)]
    pub originals: bool,
}

/// An item an export did not include.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LeftOut {
    /// The item.
    pub id: crate::model::Id,
    /// Why.
    pub reason: String,
}

/// The items a selection takes, split into what may leave — in the form it may leave in — and
/// what stays, with the reason. This is the one place exports apply the privacy policy
/// (`privacy::Disclosure`): restricted items stay unless `include_restricted`, private ones
/// always; people without name consent appear by pseudonym, in name fields and free text alike;
/// photo GPS never leaves. Public exports (all but `--originals`) also leave out photos'
/// camera, exact time and file name and the archivist's unpublished notes.
pub fn select(archive: &Archive, selection: &Selection, include_restricted: bool) -> Result<(Vec<Item>, Vec<LeftOut>)> {
    select_for(archive, selection, include_restricted, Purpose::Public)
}

/// `select`, for a purpose: `Purpose::Archival` for an export that ships the original files.
pub fn select_for(
    archive: &Archive,
    selection: &Selection,
    include_restricted: bool,
    purpose: Purpose,
) -> Result<(Vec<Item>, Vec<LeftOut>)> {
    let items = selected_items(archive, selection)?;
    let mut disclosure = Disclosure::new(archive, include_restricted, purpose)?;
    let mut keep = Vec::new();
    let mut left_out = Vec::new();
    for item in items {
        match disclosure.decide(&item)? {
            Verdict::Include(item) => keep.push(*item),
            Verdict::Exclude(reason) => left_out.push(LeftOut { id: item.id, reason }),
        }
    }
    Ok((keep, left_out))
}

/// The items a selection names, as stored, before any policy.
pub(crate) fn selected_items(archive: &Archive, selection: &Selection) -> Result<Vec<Item>> {
    Ok(match selection {
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
    })
}

/// The purpose of an export made with these options.
pub(crate) fn purpose(options: &ExportOptions) -> Purpose {
    if options.originals { Purpose::Archival } else { Purpose::Public }
}

/// Remembers which items an export carried and where it went, so that a takedown can name the
/// exports to recall. Returns false when the archive is open read-only and nothing was noted.
pub fn log_export(archive: &Archive, format: &str, destination: &std::path::Path, items: &[Item]) -> Result<bool> {
    archive.record_export(format, destination, &items.iter().map(|i| i.id).collect::<Vec<_>>())
}
