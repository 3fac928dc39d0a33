//! Re-import of the CSV export (`items.csv` beside `files/`, see `export::csv`): each row gives
//! back the item it was written from, with its id, times and original file. A row that cannot
//! be read is reported by its line; the others come in. A CSV edited by hand may leave out the
//! `walkout:` columns: the Dublin Core ones then stand in (`dcterms:creator` for the speaker or
//! authors, `dcterms:title` for a quote's text or an article's headline).

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::sniff::{self, FileKind};
use super::{Duplicate, Failed, ImportReport, Pending, bag, describe_io};
use crate::archive::Archive;
use crate::export::csv::{COLUMNS, FILE_NAME, split};
use crate::model::{
    ArticleDetails, Consent, DateRule, Id, Item, ItemDetails, ItemKind, PhotoDetails, QuoteDetails, Sensitivity,
};
use crate::store;

/// Whether a CSV's first line is the CSV export's header (it names our identifier and type).
pub fn is_export(text: &str) -> bool {
    let header = text.trim_start_matches('\u{feff}').lines().next().unwrap_or_default();
    header.contains("dcterms:identifier") && header.contains("dcterms:type")
}

/// The `items.csv` of a folder written by the CSV export, if `dir` is one.
pub fn export_in(dir: &Path) -> Option<PathBuf> {
    let path = dir.join(FILE_NAME);
    let head = fs::read(&path).ok()?;
    is_export(&String::from_utf8_lossy(&head[..head.len().min(4096)])).then_some(path)
}

/// The columns of one CSV, by name.
struct Header(HashMap<String, usize>);

/// One row, read by column name.
struct Row<'a> {
    header: &'a Header,
    record: &'a ::csv::StringRecord,
}

impl Row<'_> {
    /// Whether the CSV has the column at all.
    fn has(&self, column: &str) -> bool {
        self.header.0.contains_key(column)
    }

    /// The cell's text, None when the column is missing or the cell empty.
    fn get(&self, column: &str) -> Option<String> {
        let cell = self.header.0.get(column).and_then(|&i| self.record.get(i))?;
        (!cell.is_empty()).then(|| cell.to_string())
    }

    /// The `walkout:` column when the CSV has it, else the Dublin Core stand-in.
    fn own_or(&self, own: &str, stand_in: &str) -> Option<String> {
        if self.has(own) { self.get(own) } else { self.get(stand_in) }
    }

    fn parsed<T>(&self, column: &str, parse: impl FnOnce(&str) -> Result<T, String>) -> Result<Option<T>, String> {
        self.get(column).map(|v| parse(v.trim()).map_err(|e| format!("{column}: {e}"))).transpose()
    }
}

impl Archive {
    /// Imports the rows of a CSV export; `path` is its `items.csv`.
    pub(super) fn import_omeka_csv(
        &mut self,
        path: &Path,
        text: &str,
        pending: &mut Pending,
        report: &mut ImportReport,
    ) -> Result<(), String> {
        let folder = path.parent().unwrap_or(Path::new("."));
        let shown = path.display().to_string();
        let mut reader = ::csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let names = reader.headers().map_err(|e| format!("the header cannot be read: {e}"))?.clone();
        let header = Header(
            names.iter().enumerate().map(|(i, n)| (n.trim().trim_start_matches('\u{feff}').to_string(), i)).collect(),
        );
        if !header.0.contains_key(COLUMNS[0]) {
            return Err(format!("not a Walkout CSV export: no {} column", COLUMNS[0]));
        }
        let now = self.now();
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    report.failed.push(Failed { path: format!("{shown}:{line}"), error: e.to_string() });
                    continue;
                }
            };
            let at = format!("{shown}:{}", record.position().map_or(0, |p| p.line()));
            let row = Row { header: &header, record: &record };
            let mut item = match item_from_row(&row, now) {
                Ok(item) => item,
                Err(error) => {
                    report.failed.push(Failed { path: at, error });
                    continue;
                }
            };
            let exists = pending.ids.contains(&item.id)
                || store::item_exists(self.store.conn(), item.id).map_err(|e| e.to_string())?;
            if exists {
                report.duplicates.push(Duplicate { path: at, id: item.id });
                continue;
            }
            if let Err(error) = self.take_media(&row, folder, &mut item, pending) {
                report.failed.push(Failed { path: at, error });
                continue;
            }
            pending.ids.insert(item.id);
            pending.items.push(item);
            pending.sources.push(at);
        }
        Ok(())
    }

    /// Stores the row's original file (its `media` path, which must stay inside the folder) and
    /// checks it is the file the row names.
    fn take_media(&self, row: &Row, folder: &Path, item: &mut Item, pending: &mut Pending) -> Result<(), String> {
        let Some(media) = row.get("media") else {
            return match item.kind() {
                ItemKind::Photo => Err("a photo needs its file: the media column is empty".to_string()),
                _ => Ok(()),
            };
        };
        if item.kind() == ItemKind::Quote {
            return Ok(());
        }
        let relative = bag::safe_relative_path(&media).map_err(|e| format!("media {media:?}: {e}"))?;
        let file = folder.join(relative);
        let bytes = fs::read(&file).map_err(|e| format!("media {}: {}", file.display(), describe_io(&e)))?;
        let stored = self.files().put_bytes(&bytes).map_err(|e| e.to_string())?;
        let recorded = item.sha256().filter(|s| !s.is_empty()).map(str::to_string);
        if let Some(expected) = recorded.filter(|sha| *sha != stored.sha256) {
            return Err(format!(
                "media {}: the file's SHA-256 is {}, not the {expected} the row records: it changed since export",
                file.display(),
                stored.sha256
            ));
        }
        match &mut item.details {
            ItemDetails::Photo(p) => p.sha256 = stored.sha256.clone(),
            ItemDetails::Article(a) => a.sha256 = Some(stored.sha256.clone()),
            ItemDetails::Quote(_) => {}
        }
        let media_type = sniff::sniff(&file, &bytes[..bytes.len().min(4096)])
            .map_or("application/octet-stream", FileKind::media_type);
        pending.blobs.push((stored.sha256, stored.size, media_type));
        Ok(())
    }
}

/// The item a row describes, before its file is read.
fn item_from_row(row: &Row, now: DateTime<Utc>) -> Result<Item, String> {
    let id: Id = row
        .parsed("dcterms:identifier", |v| store::parse_id(v).map_err(|e| e.to_string()))?
        .ok_or("dcterms:identifier is empty: every row needs the item's id")?;
    let title = row.get("dcterms:title").filter(|t| !t.trim().is_empty()).ok_or("dcterms:title is empty")?;
    let kind = row
        .parsed("dcterms:type", |v| ItemKind::parse(v).map_err(|e| e.to_string()))?
        .ok_or("dcterms:type is empty: give quote, photo or article")?;
    let number = |column: &str| row.parsed(column, |v| v.parse::<u32>().map_err(|e| e.to_string()));
    let sha = row.get("walkout:sha256");
    if let Some(sha) = sha.as_deref().filter(|s| s.len() != 64 || !s.chars().all(|c| c.is_ascii_hexdigit())) {
        return Err(format!("walkout:sha256: {sha:?} is not a SHA-256"));
    }
    let details = match kind {
        ItemKind::Quote => ItemDetails::Quote(QuoteDetails {
            text: row.get("walkout:text").or_else(|| Some(title.clone())).unwrap_or_default(),
            speaker: row.own_or("walkout:speaker", "dcterms:creator"),
            role: row.get("walkout:role"),
            context: row.get("walkout:context"),
            source_item: row.parsed("walkout:source_item", |v| store::parse_id(v).map_err(|e| e.to_string()))?,
            translation: row.get("walkout:translation"),
        }),
        ItemKind::Photo => ItemDetails::Photo(PhotoDetails {
            sha256: sha.unwrap_or_default(),
            file_name: row.get("walkout:file_name"),
            width: number("walkout:width")?,
            height: number("walkout:height")?,
            format: row.get("walkout:format"),
            taken_at: row.get("walkout:taken_at"),
            gps: None,
            camera: row.get("walkout:camera"),
            orientation: row.parsed("walkout:orientation", |v| v.parse::<u16>().map_err(|e| e.to_string()))?,
            caption: row.get("walkout:caption"),
        }),
        ItemKind::Article => ItemDetails::Article(ArticleDetails {
            headline: row.get("walkout:headline").unwrap_or_else(|| title.clone()),
            outlet: row.get("walkout:outlet"),
            authors: row.own_or("walkout:authors", "dcterms:creator").map(|a| split(&a)).unwrap_or_default(),
            url: row.get("walkout:url"),
            body: row.get("walkout:body").unwrap_or_default(),
            sha256: sha,
            file_name: row.get("walkout:file_name"),
            // A rule this binary does not know (a newer one wrote it) reads as none.
            date_rule: row.get("walkout:date_rule").and_then(|v| DateRule::parse(&v).ok()),
        }),
    };
    let time = |column: &str| {
        row.parsed(column, |v| {
            DateTime::parse_from_rfc3339(v).map(|t| t.with_timezone(&Utc)).map_err(|e| e.to_string())
        })
    };
    let mut item = Item::new(title, details, now);
    item.id = id;
    item.date = row.parsed("dcterms:date", |v| v.parse().map_err(|e: crate::date::DateError| e.to_string()))?;
    item.place = row.get("dcterms:spatial");
    item.event = row.get("walkout:event");
    item.description = row.get("dcterms:description");
    item.tags = row.get("dcterms:subject").map(|t| split(&t)).unwrap_or_default();
    item.collections = row.get("walkout:collections").map(|c| split(&c)).unwrap_or_default();
    item.language = row.get("dcterms:language");
    item.source = row.get("dcterms:source");
    item.credit = match kind {
        ItemKind::Photo => row.own_or("walkout:credit", "dcterms:creator"),
        _ => row.get("walkout:credit"),
    };
    item.rights = row.get("dcterms:rights");
    item.people = row.get("walkout:people").map(|p| split(&p)).unwrap_or_default();
    item.redactions = row
        .parsed("walkout:redactions", |v| {
            serde_json::from_str(v).map_err(|e| format!("not a JSON list of boxes: {e}"))
        })?
        .unwrap_or_default();
    item.sensitivity =
        row.parsed("walkout:sensitivity", |v| Sensitivity::parse(v).map_err(|e| e.to_string()))?.unwrap_or_default();
    item.consent = row.parsed("walkout:consent", |v| Consent::parse(v).map_err(|e| e.to_string()))?.unwrap_or_default();
    item.demo = row
        .parsed("walkout:demo", |v| v.parse::<bool>().map_err(|_| format!("{v:?} is not true or false")))?
        .unwrap_or(false);
    item.created_at = time("walkout:created_at")?.unwrap_or(now);
    item.updated_at = time("walkout:updated_at")?.unwrap_or(item.created_at);
    if let ItemDetails::Quote(q) = &item.details
        && q.text.trim().is_empty()
    {
        return Err("walkout:text is empty: a quote needs its words".to_string());
    }
    Ok(item)
}
