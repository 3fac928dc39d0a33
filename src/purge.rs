//! Takedown: when someone asks to be removed, their material must be physically gone — not
//! hidden. Purging deletes the rows, the original files and thumbnails, and the index documents,
//! then makes sure no copy of the text survives anywhere in the archive folder: index segments
//! are merged and the old ones deleted, SQLite overwrites deleted content (`secure_delete`), the
//! WAL is checkpointed and truncated, and free pages are vacuumed away. The report lists the
//! earlier exports and backups that carried the material, so they can be recalled.
//!
//! What goes with the items: the people, places, events, tags and collections only they used
//! (with consent records), every change-log and export-log row naming them, and every file no
//! item points to any more (which includes the original of an item deleted earlier: a delete
//! keeps it for undo). Purging a person also takes the quotes cut from their items and replaces
//! their name in the text of the items that stay.
//!
//! A purge can be run again after a crash and finishes the job: the ids are marked pending in
//! the same transaction that deletes the rows, and the cleanup (files, thumbnails, index,
//! WAL) runs again until it has completed. An id that is no longer an item but that the change
//! log or a pending purge still names (an item deleted earlier) is accepted and cleaned up.

use serde::{Deserialize, Serialize};

use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::model::{Id, Item, ItemDetails};
use crate::search::SearchRequest;
use crate::store::{self, ExportRecord};

/// What replaces a purged person's name in the items that stay, when they have no pseudonym.
pub const NAME_REMOVED: &str = "[name removed]";

/// What a purge removed, and where copies may still be.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PurgeReport {
    /// Items removed (with the quotes cut from them, when purging a person).
    pub items: Vec<Id>,
    /// Original files deleted.
    pub files: u64,
    /// The person removed, when purging by person.
    pub person: Option<String>,
    /// Earlier exports and backups (format `backup`) that contained purged items: recall them.
    pub exports: Vec<ExportRecord>,
    /// Of `items`, those that were deleted before (or by an interrupted purge): what was left of
    /// them — files, thumbnails, log rows, entities only they used — is gone now.
    #[serde(default)]
    pub already_deleted: Vec<Id>,
    /// Quotes removed because they were cut from a purged item (also in `items`).
    #[serde(default)]
    pub derived_quotes: Vec<Id>,
    /// Items that stay, in whose text the purged person's name was replaced.
    #[serde(default)]
    pub renamed: Vec<Id>,
    /// Thumbnails deleted.
    #[serde(default)]
    pub thumbnails: u64,
}

impl Archive {
    /// Removes items for good (also items deleted earlier, whose leftovers are cleaned up).
    pub fn purge(&mut self, ids: &[Id]) -> Result<PurgeReport> {
        let summary = format!("Purged {} items", ids.len());
        self.operation(crate::history::OperationKind::Privacy, &summary, |a| a.purge_items(ids, None))
    }

    /// Removes a person and every item that quotes, shows or mentions them, for good, with the
    /// quotes cut from those items; their name is replaced in the text of what stays.
    pub fn purge_person(&mut self, name: &str) -> Result<PurgeReport> {
        if store::person_privacy(self.store.conn(), name)?.is_none() {
            return Err(Error::invalid("person", format!("no person named {name:?}")));
        }
        let ids = store::items_of_person(self.store.conn(), name)?;
        // The summary names no one: the purge takes the name out of the history too.
        let summary = format!("Purged a person and {} items", ids.len());
        self.operation(crate::history::OperationKind::Privacy, &summary, |a| a.purge_items(&ids, Some(name)))
    }

    /// Whether a purge was interrupted before it finished (run `purge` again to finish it).
    pub fn purge_pending(&self) -> Result<bool> {
        store::has_pending_purges(self.store.conn())
    }

    fn purge_items(&mut self, ids: &[Id], person: Option<&str>) -> Result<PurgeReport> {
        if self.is_read_only() {
            return Err(Error::ReadOnly);
        }
        let mut report = PurgeReport { person: person.map(str::to_string), ..Default::default() };
        let conn = self.store.conn();
        let mut present = Vec::new();
        for &id in ids {
            if store::item_exists(conn, id)? {
                present.push(id);
            } else if store::is_known_absent(conn, id)? {
                report.already_deleted.push(id);
            } else {
                return Err(Error::ItemNotFound { id: id.to_string() });
            }
        }
        if person.is_some() {
            for id in quotes_cut_from(conn, &present)? {
                if !present.contains(&id) {
                    report.derived_quotes.push(id);
                }
            }
            present.extend(report.derived_quotes.iter().copied());
        }
        let renamed = match person {
            Some(name) => {
                let privacy = store::person_privacy(conn, name)?;
                let replacement = privacy.and_then(|p| p.pseudonym).unwrap_or_else(|| NAME_REMOVED.to_string());
                self.items_naming(name, &present, &replacement)?
            }
            None => Vec::new(),
        };
        let mut all: Vec<Id> = present.clone();
        all.extend(report.already_deleted.iter().copied());
        for &id in all.iter().chain(renamed.iter().map(|i| &i.id)) {
            let conn = self.store.conn();
            for record in store::exports_with(conn, id)?.into_iter().chain(store::backups_with(conn, id)?) {
                if !report.exports.contains(&record) {
                    report.exports.push(record);
                }
            }
        }
        let now = self.now();
        self.write(|tx| {
            store::mark_purge_pending(tx, &all)?;
            store::mark_purged(tx, &all, now)?;
            for id in &present {
                store::delete_item(tx, *id, now)?;
            }
            for item in &renamed {
                let mut item = item.clone();
                item.updated_at = now;
                store::update_item(tx, &item)?;
            }
            if let Some(name) = person {
                let privacy = store::person_privacy(tx, name)?;
                let replacement = privacy.and_then(|p| p.pseudonym).unwrap_or_else(|| NAME_REMOVED.to_string());
                crate::ocr::forget_name(tx, name, &replacement)?;
                crate::history::forget_name(tx, name)?;
                crate::bundle::forget_name(tx, name, now)?;
                store::delete_person(tx, name)?;
            }
            store::drop_entities_only_they_used(tx, &all)?;
            store::drop_unreferenced_blobs(tx)?;
            Ok(())
        })?;
        // Only once the index has applied the deletes may the log rows naming the ids go.
        self.write_database(|tx| {
            store::forget_items(tx, &all)?;
            crate::history::forget_items(tx, &all)
        })?;
        let (files, thumbnails) = self.finish_purge()?;
        report.items = all;
        report.files = files;
        report.thumbnails = thumbnails;
        report.renamed = renamed.iter().map(|i| i.id).collect();
        Ok(report)
    }

    /// The part of a purge that can be run again: removes every file and thumbnail no item
    /// points to, merges the index so no deleted document survives in a segment, forgets the
    /// pending purges and empties the WAL. Returns the files and thumbnails removed.
    fn finish_purge(&mut self) -> Result<(u64, u64)> {
        fail::fail_point!("purge-before-cleanup");
        let cleaned = self.remove_unreferenced_files()?;
        self.index.compact()?;
        self.write_database(|tx| store::finish_pending_purges(tx))?;
        self.store.scrub()?;
        Ok((cleaned.files.len() as u64, cleaned.thumbnails))
    }

    /// The items other than `except` whose text names `name` (any case, any accents), with the
    /// name replaced by `replacement`.
    fn items_naming(&self, name: &str, except: &[Id], replacement: &str) -> Result<Vec<Item>> {
        // The index folds case and accents as `name_spans` does: a phrase search finds every
        // candidate without reading every item.
        let phrase = format!("\"{}\"", name.replace('"', " "));
        let candidates = self.search_ids(&SearchRequest::words(phrase))?;
        let mut renamed = Vec::new();
        for id in candidates.into_iter().filter(|id| !except.contains(id)) {
            let mut item = self.get(id)?;
            if replace_name_in_item(&mut item, name, replacement) {
                renamed.push(item);
            }
        }
        Ok(renamed)
    }
}

/// The quotes whose source is one of `ids`.
fn quotes_cut_from(conn: &rusqlite::Connection, ids: &[Id]) -> Result<Vec<Id>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM items WHERE source_item_id = ?1 ORDER BY id")?;
    let mut out = Vec::new();
    for id in ids {
        for row in stmt.query_map([id.to_string()], |r| r.get::<_, String>(0))? {
            out.push(store::parse_id(&row?)?);
        }
    }
    Ok(out)
}

/// Replaces `name` in every text field of an item; whether anything changed.
fn replace_name_in_item(item: &mut Item, name: &str, replacement: &str) -> bool {
    let mut changed = false;
    let mut fix = |text: &mut String| {
        if let Some(new) = replace_name(text, name, replacement) {
            *text = new;
            changed = true;
        }
    };
    let fix_opt = |text: &mut Option<String>, fix: &mut dyn FnMut(&mut String)| {
        if let Some(t) = text.as_mut() {
            fix(t)
        }
    };
    fix(&mut item.title);
    fix_opt(&mut item.description, &mut fix);
    fix_opt(&mut item.source, &mut fix);
    fix_opt(&mut item.credit, &mut fix);
    fix_opt(&mut item.rights, &mut fix);
    fix_opt(&mut item.ocr_text, &mut fix);
    for redaction in &mut item.redactions {
        fix_opt(&mut redaction.label, &mut fix);
    }
    match &mut item.details {
        ItemDetails::Quote(q) => {
            fix(&mut q.text);
            fix_opt(&mut q.role, &mut fix);
            fix_opt(&mut q.context, &mut fix);
            fix_opt(&mut q.translation, &mut fix);
        }
        ItemDetails::Photo(p) => {
            fix_opt(&mut p.caption, &mut fix);
            fix_opt(&mut p.file_name, &mut fix);
        }
        ItemDetails::Article(a) => {
            fix(&mut a.headline);
            fix(&mut a.body);
            fix_opt(&mut a.outlet, &mut fix);
            fix_opt(&mut a.file_name, &mut fix);
        }
    }
    changed
}

/// `text` with every whole-word occurrence of `name` (any case, any accents, any run of spaces
/// between its words) replaced by `replacement`; `None` when there is none. The names are
/// found as the privacy policy finds them (`privacy::NameFinder`).
pub fn replace_name(text: &str, name: &str, replacement: &str) -> Option<String> {
    let finder = crate::privacy::NameFinder::new([crate::privacy::person_key(name)]);
    finder.finds_any(text).then(|| finder.replace(text, |_| replacement.to_string()))
}

#[cfg(test)]
mod tests {
    use super::replace_name;

    #[test]
    fn a_name_is_replaced_in_any_case_and_accents_and_only_as_whole_words() {
        let text = "María López spoke; then MARIA  LOPEZ and maria lopez left. Marial Lopezz stayed.";
        assert_eq!(
            replace_name(text, "María López", "a student").unwrap(),
            "a student spoke; then a student and a student left. Marial Lopezz stayed."
        );
        assert_eq!(replace_name("nobody here", "María López", "x"), None);
        assert_eq!(replace_name("Dr. JOSÉ, hi", "jose", "[name removed]").unwrap(), "Dr. [name removed], hi");
    }
}
