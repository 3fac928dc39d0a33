//! Bringing material in. `Archive::import_paths` walks files and folders, decides each file's
//! kind from its content, and reports per file: added, duplicate (same bytes, same quote, or
//! same id) or failed with the reason. A bad file never stops the others and never touches what
//! is stored. Items are committed in batches, so an interrupted import keeps what it committed
//! and simply runs again for the rest.

pub mod article;
pub mod bag;
pub mod omeka_csv;
pub mod pdf;
pub mod photo;
mod pipeline;
pub mod quotes;
pub mod sniff;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};

use self::sniff::FileKind;
use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::export::json::{ExportDocument, FILE_NAME as EXPORT_FILE, FORMAT as EXPORT_FORMAT};
use crate::model::{Id, Item, ItemKind};
use crate::store;

/// Items committed at once during an import.
const BATCH: usize = 2000;
/// Rows of one quote sheet committed at once: a commit (its fsyncs, its share of the WAL's
/// checkpoints) costs as much as a few thousand rows, and a sheet's rows are small. On 100,000
/// quotes, 10,000 at a time made the import about a tenth faster than 2,000.
const SHEET_BATCH: usize = 10_000;
/// How many committed items an import lets the index fall behind before it catches up.
const INDEX_EVERY: i64 = 50_000;

/// Limits that protect the machine from hostile files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct ImportLimits {
    /// Largest file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Largest image accepted, in pixels (width × height as its header claims), checked before
    /// any pixel is decoded.
    pub max_pixels: u64,
    /// Threads that read and decode files at once; 0 means one per core.
    pub max_threads: usize,
}

impl Default for ImportLimits {
    fn default() -> Self {
        ImportLimits { max_file_bytes: 2 * 1024 * 1024 * 1024, max_pixels: 100_000_000, max_threads: 0 }
    }
}

/// An item the import added.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Added {
    /// The file (with `:LINE` for a row of a quote sheet).
    pub path: String,
    /// The new item.
    pub id: Id,
    /// Its kind.
    pub kind: ItemKind,
}

/// Something already in the archive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Duplicate {
    /// The file (with `:LINE` for a row).
    pub path: String,
    /// The item that already holds it.
    pub id: Id,
}

/// Something that could not be imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Failed {
    /// The file (with `:LINE` for a row).
    pub path: String,
    /// Why, in words a person can act on.
    pub error: String,
}

/// What an import did, file by file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportReport {
    /// Items added.
    pub added: Vec<Added>,
    /// Items already there.
    pub duplicates: Vec<Duplicate>,
    /// Files and rows refused.
    pub failed: Vec<Failed>,
    /// Values dropped from files that were imported (a nonsense GPS position …).
    pub warnings: Vec<Failed>,
    /// Whether the run was cancelled before the end.
    pub cancelled: bool,
}

/// Where an import is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportProgress {
    /// Files finished.
    pub done: usize,
    /// Files in all.
    pub total: usize,
    /// The file being read.
    pub current: PathBuf,
}

/// The files an import will read, in a stable order, skipping hidden and system files. A folder
/// holding a Walkout export is read as that export.
pub fn collect_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    fn hidden(path: &Path) -> bool {
        let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
        name.starts_with('.') || matches!(name.as_str(), "thumbs.db" | "desktop.ini" | "__macosx" | "icon\r")
    }
    fn walk(path: &Path, out: &mut Vec<PathBuf>) {
        if path.is_dir() {
            if path.join(EXPORT_FILE).is_file() {
                out.push(path.join(EXPORT_FILE));
                return;
            }
            // A CSV export or a bag is read whole, never as loose files.
            if let Some(items) = omeka_csv::export_in(path) {
                out.push(items);
                return;
            }
            if bag::is_bag(path) {
                out.push(path.to_path_buf());
                return;
            }
            let Ok(entries) = fs::read_dir(path) else {
                out.push(path.to_path_buf());
                return;
            };
            let mut children: Vec<PathBuf> = entries.flatten().map(|e| e.path()).filter(|p| !hidden(p)).collect();
            children.sort();
            for child in children {
                walk(&child, out);
            }
        } else {
            out.push(path.to_path_buf());
        }
    }
    let mut out = Vec::new();
    for path in paths {
        walk(path, &mut out);
    }
    out
}

/// Items waiting for the next batch commit, with what the report will say of them.
#[derive(Default)]
struct Pending {
    items: Vec<Item>,
    sources: Vec<String>,
    blobs: Vec<(String, u64, &'static str)>,
    /// Files written as temp files, settled together before the batch's rows commit.
    staged: Vec<crate::files::Staged>,
    quote_fingerprints: HashMap<String, Id>,
    files: HashMap<String, Id>,
    ids: HashSet<Id>,
    /// Collection orders and entity details from exports, applied after the items.
    exports: Vec<ExportDocument>,
}

impl Archive {
    /// Imports files and folders (recursively). Files are read, hashed and decoded on every
    /// core, a work batch at a time, while this thread checks for duplicates and commits.
    /// `progress` is called as files finish; setting `cancel` stops within the current work
    /// batch, keeping everything already read, so running the same import again adds only what
    /// is missing.
    pub fn import_paths(
        &mut self,
        paths: &[PathBuf],
        limits: ImportLimits,
        progress: &mut dyn FnMut(&ImportProgress),
        cancel: &AtomicBool,
    ) -> Result<ImportReport> {
        let summary = import_summary(paths);
        self.operation(crate::history::OperationKind::Import, &summary, |a| {
            a.import_paths_unlogged(paths, limits, progress, cancel)
        })
    }

    fn import_paths_unlogged(
        &mut self,
        paths: &[PathBuf],
        limits: ImportLimits,
        progress: &mut dyn FnMut(&ImportProgress),
        cancel: &AtomicBool,
    ) -> Result<ImportReport> {
        if self.is_read_only() {
            return Err(Error::ReadOnly);
        }
        let files = collect_files(paths);
        let imported = self.import_files(&files, limits, progress, cancel);
        // Whatever happened, the index shows everything the database holds.
        let caught_up = self.catch_up_index();
        let report = imported?;
        caught_up?;
        Ok(report)
    }

    fn import_files(
        &mut self,
        files: &[PathBuf],
        limits: ImportLimits,
        progress: &mut dyn FnMut(&ImportProgress),
        cancel: &AtomicBool,
    ) -> Result<ImportReport> {
        let mut report = ImportReport::default();
        let mut pending = Pending::default();
        let threads = pipeline::threads(limits);
        let mut done = 0;
        for batch in pipeline::work_batches(files, threads * pipeline::FILES_PER_CORE) {
            if cancel.load(Ordering::Relaxed) {
                break;
            }
            progress(&ImportProgress { done, total: files.len(), current: files[batch.start].clone() });
            done += self.import_batch(
                &files[batch],
                limits,
                threads,
                progress,
                (done, files.len()),
                cancel,
                &mut pending,
                &mut report,
            )?;
            if pending.items.len() >= BATCH {
                self.flush(&mut pending, &mut report)?;
            }
        }
        report.cancelled = cancel.load(Ordering::Relaxed) && done < files.len();
        self.flush(&mut pending, &mut report)?;
        progress(&ImportProgress { done, total: files.len(), current: PathBuf::new() });
        Ok(report)
    }

    /// A quote sheet, a Walkout export or a CSV export, from its bytes.
    fn import_sheet(
        &mut self,
        path: &Path,
        kind: FileKind,
        bytes: Vec<u8>,
        pending: &mut Pending,
        report: &mut ImportReport,
    ) -> Result<(), String> {
        let now = self.now();
        let shown = path.display().to_string();
        let text = String::from_utf8(bytes)
            .map_err(|e| format!("not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()))?;
        if kind == FileKind::Json && is_export(&text) {
            return self.import_export(path, &text, pending, report);
        }
        if kind == FileKind::Csv && omeka_csv::is_export(&text) {
            return self.import_omeka_csv(path, &text, pending, report);
        }
        let rows: Box<dyn Iterator<Item = quotes::Row>> = match kind {
            FileKind::Csv => Box::new(quotes::from_csv(&text, now)?.into_iter()),
            FileKind::Json => Box::new(quotes::from_json(&text, now)?.into_iter()),
            _ => Box::new(quotes::json_lines(&text, now)),
        };
        let mut any = false;
        for (line, row) in rows {
            any = true;
            let at = format!("{shown}:{line}");
            match row {
                Ok(item) => self.queue_quote(item, &at, pending, report).map_err(|e| e.to_string())?,
                Err(e) => report.failed.push(Failed { path: at, error: e.reason }),
            }
            // A large sheet is committed as it is read: an interruption keeps what was stored.
            if pending.items.len() >= SHEET_BATCH {
                self.flush(pending, report).map_err(|e| e.to_string())?;
            }
        }
        if !any {
            return Err("the file holds no quotes".to_string());
        }
        Ok(())
    }

    fn existing_file(&self, sha256: &str, pending: &Pending) -> Result<Option<Id>> {
        if let Some(id) = pending.files.get(sha256) {
            return Ok(Some(*id));
        }
        store::item_with_file(self.store.conn(), sha256)
    }

    fn queue_quote(
        &mut self,
        item: Item,
        source: &str,
        pending: &mut Pending,
        report: &mut ImportReport,
    ) -> Result<()> {
        let crate::model::ItemDetails::Quote(q) = &item.details else { unreachable!("quote sheets make quotes") };
        let fingerprint = store::quote_fingerprint(&q.text, q.speaker.as_deref());
        let existing = match pending.quote_fingerprints.get(&fingerprint) {
            Some(id) => Some(*id),
            None => store::find_quote_by_fingerprint(self.store.conn(), &fingerprint)?,
        };
        if let Some(id) = existing {
            report.duplicates.push(Duplicate { path: source.to_string(), id });
            return Ok(());
        }
        pending.quote_fingerprints.insert(fingerprint, item.id);
        pending.items.push(item);
        pending.sources.push(source.to_string());
        Ok(())
    }

    fn import_export(
        &mut self,
        path: &Path,
        text: &str,
        pending: &mut Pending,
        report: &mut ImportReport,
    ) -> Result<(), String> {
        let doc: ExportDocument =
            serde_json::from_str(text).map_err(|e| format!("a Walkout export that cannot be read: {e}"))?;
        let folder = path.parent().unwrap_or(Path::new("."));
        let shown = path.display().to_string();
        for item in &doc.items {
            let exists = pending.ids.contains(&item.id)
                || store::item_exists(self.store.conn(), item.id).map_err(|e| e.to_string())?;
            if exists {
                report.duplicates.push(Duplicate { path: shown.clone(), id: item.id });
                continue;
            }
            if let Some(sha) = item.sha256() {
                // The name comes from the export's JSON: only a SHA-256 may name a file, so a
                // crafted export cannot reach outside its `files/` folder.
                if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
                    report.failed.push(Failed {
                        path: format!("{shown} (item {})", item.id),
                        error: format!("{sha:?} is not a SHA-256, so it cannot name a file of the export"),
                    });
                    continue;
                }
                let file = folder.join("files").join(sha);
                let bytes = match fs::read(&file) {
                    Ok(b) => b,
                    Err(e) => {
                        report.failed.push(Failed { path: file.display().to_string(), error: describe_io(&e) });
                        continue;
                    }
                };
                // Checked before anything is stored: a changed file adds nothing to the archive.
                let actual = crate::files::hash_reader(bytes.as_slice()).map_err(|e| describe_io(&e))?;
                if actual != sha {
                    report.failed.push(Failed {
                        path: file.display().to_string(),
                        error: format!(
                            "the file's SHA-256 is {actual}, not the {sha} the export records: it changed since export"
                        ),
                    });
                    continue;
                }
                let stored = self.files().put_bytes(&bytes).map_err(|e| e.to_string())?;
                let media = sniff::sniff(&file, &bytes[..bytes.len().min(4096)]).ok();
                pending.blobs.push((
                    stored.sha256,
                    stored.size,
                    media.map_or("application/octet-stream", FileKind::media_type),
                ));
            }
            pending.ids.insert(item.id);
            pending.items.push(item.clone());
            pending.sources.push(shown.clone());
        }
        pending.exports.push(doc);
        Ok(())
    }

    fn flush(&mut self, pending: &mut Pending, report: &mut ImportReport) -> Result<()> {
        if pending.items.is_empty() && pending.exports.is_empty() {
            return Ok(());
        }
        let now = self.now();
        let mut batch = std::mem::take(pending);
        let settled = self.files().settle(std::mem::take(&mut batch.staged));
        let written = settled.and_then(|()| {
            self.write_database(|tx| {
                for (sha, size, media) in &batch.blobs {
                    store::insert_blob(tx, sha, *size, media, now)?;
                }
                // An export's templates first: its items are checked against them.
                for doc in &batch.exports {
                    crate::templates::save_all(tx, &doc.templates)?;
                }
                for item in &batch.items {
                    store::insert_item(tx, item)?;
                }
                for doc in &batch.exports {
                    apply_export_entities(tx, doc)?;
                }
                Ok(())
            })
        });
        if let Err(e) = written {
            // Nothing of the batch was stored: say so for every file and row in it.
            let error = format!("not stored: {e}");
            report.failed.extend(batch.sources.into_iter().map(|path| Failed { path, error: error.clone() }));
            self.remove_uncommitted_files(&batch.blobs);
            return Err(e);
        }
        for (item, path) in batch.items.iter().zip(batch.sources) {
            report.added.push(Added { path, id: item.id, kind: item.kind() });
        }
        // Searches see the import every INDEX_EVERY items (and all of it at the end).
        if self.index_lag()? >= INDEX_EVERY {
            self.catch_up_index()?;
        }
        Ok(())
    }
}

impl Archive {
    /// After a batch failed to commit (a full disk …), removes the files it stored that no row
    /// points to, freeing their space; what cannot be checked or removed is left for
    /// `verify --clean`.
    fn remove_uncommitted_files(&self, blobs: &[(String, u64, &'static str)]) {
        let Ok(referenced) = store::referenced_files(self.store.conn()) else { return };
        for (sha, ..) in blobs.iter().filter(|(sha, ..)| !referenced.contains(sha)) {
            let _ = self.files().remove(sha);
        }
    }
}

/// Restores what an export says of people, places, events and collection order.
fn apply_export_entities(conn: &rusqlite::Connection, doc: &ExportDocument) -> Result<()> {
    for person in &doc.people {
        if let Some(description) = &person.description {
            store::describe_person(conn, &person.name, description)?;
        }
    }
    for place in &doc.places {
        if let Some(gps) = place.gps {
            store::locate_place(conn, &place.name, gps)?;
        }
    }
    for event in &doc.events {
        store::describe_event(
            conn,
            &event.name,
            event.date.as_ref(),
            event.place.as_deref(),
            event.description.as_deref(),
        )?;
    }
    for collection in &doc.collections {
        store::set_collection(conn, &collection.name, collection.description.as_deref(), &collection.items)?;
    }
    Ok(())
}

fn is_export(text: &str) -> bool {
    let head: String = text.chars().take(200).collect();
    head.contains(&format!("\"format\": \"{EXPORT_FORMAT}\""))
        || head.contains(&format!("\"format\":\"{EXPORT_FORMAT}\""))
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied: Walkout may not read it".to_string(),
        _ => format!("cannot be read: {e}"),
    }
}

/// An import's summary in the history: how many paths, and the first one's name.
fn import_summary(paths: &[PathBuf]) -> String {
    let first = paths.first().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    match paths.len() {
        0 => "Imported nothing".to_string(),
        1 => format!("Imported “{first}”"),
        n => format!("Imported “{first}” and {} more", n - 1),
    }
}
