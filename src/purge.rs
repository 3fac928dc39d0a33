//! Takedown: when someone asks to be removed, their material must be physically gone — not
//! hidden. Purging deletes the rows, the original files and thumbnails, and the index documents,
//! then makes sure no copy of the text survives anywhere in the archive folder: index segments
//! are merged and the old ones deleted, SQLite overwrites deleted content (`secure_delete`), the
//! WAL is checkpointed and truncated, and free pages are vacuumed away. The report lists the
//! earlier exports that carried the material, so they can be recalled.

use serde::{Deserialize, Serialize};

use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::model::Id;
use crate::store::{self, ExportRecord};

/// What a purge removed, and where copies may still be.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PurgeReport {
    /// Items removed.
    pub items: Vec<Id>,
    /// Original files deleted.
    pub files: u64,
    /// The person removed, when purging by person.
    pub person: Option<String>,
    /// Earlier exports that contained purged items: recall them.
    pub exports: Vec<ExportRecord>,
}

impl Archive {
    /// Removes items for good.
    pub fn purge(&mut self, ids: &[Id]) -> Result<PurgeReport> {
        self.purge_items(ids, None)
    }

    /// Removes a person and every item that quotes, shows or mentions them, for good.
    pub fn purge_person(&mut self, name: &str) -> Result<PurgeReport> {
        if store::person_privacy(self.store.conn(), name)?.is_none() {
            return Err(Error::invalid("person", format!("no person named {name:?}")));
        }
        let ids = store::items_of_person(self.store.conn(), name)?;
        self.purge_items(&ids, Some(name))
    }

    fn purge_items(&mut self, ids: &[Id], person: Option<&str>) -> Result<PurgeReport> {
        if self.is_read_only() {
            return Err(Error::ReadOnly);
        }
        let mut report = PurgeReport { person: person.map(str::to_string), ..Default::default() };
        for id in ids {
            self.get(*id)?;
            for export in store::exports_with(self.store.conn(), *id)? {
                if !report.exports.contains(&export) {
                    report.exports.push(export);
                }
            }
        }
        let now = self.now();
        let orphans = self.write(|tx| {
            for id in ids {
                store::delete_item(tx, *id, now)?;
                tx.execute("DELETE FROM export_items WHERE item_id = ?1", [id.to_string()])?;
            }
            if let Some(name) = person {
                store::delete_person(tx, name)?;
            }
            store::drop_unreferenced_blobs(tx)
        })?;
        for sha in &orphans {
            self.files().remove(sha)?;
            self.remove_thumbnails(sha)?;
        }
        report.items = ids.to_vec();
        report.files = orphans.len() as u64;
        self.index.compact()?;
        self.store.scrub()?;
        Ok(report)
    }

    fn remove_thumbnails(&self, sha256: &str) -> Result<()> {
        let dir = self.thumbs_dir();
        let Ok(entries) = std::fs::read_dir(&dir) else { return Ok(()) };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(sha256) {
                std::fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
            }
        }
        Ok(())
    }
}
