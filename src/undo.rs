//! Changes that can be taken back: deleting items so that they can be put back as they were,
//! and editing many items at once (the app's bulk edit) so that their earlier states can be
//! saved again. The app keeps what these return on its undo stack (Ctrl+Z).
//!
//! A deleted item's original file stays in the archive folder (a delete only drops its record),
//! so a photo can come back with its file; a purge removes files for good and cannot be undone.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::archive::{Archive, validate};
use crate::error::{Error, Result};
use crate::model::{Id, Item, Sensitivity};
use crate::store;

/// An item as it was before it was deleted, with what a delete takes away besides its row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeletedItem {
    /// The item, with its tags, people, redactions and collections.
    pub item: Item,
    /// The record of its original file, when no other item shared it.
    pub file: Option<FileRecord>,
    /// Its place in each collection that held it (a collection's own order).
    pub positions: Vec<CollectionPlace>,
    /// Quotes saved from this article: a delete unlinks them, a restore links them again.
    pub quoted_by: Vec<Id>,
}

/// The record of a stored file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FileRecord {
    pub sha256: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    pub media_type: String,
    pub added_at: DateTime<Utc>,
}

/// Where an item stood in a collection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CollectionPlace {
    pub collection: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub position: i64,
}

/// What a bulk edit does to every item it is given. Tags and the collection are added (an item
/// keeps the ones it has); the sensitivity, when given, replaces each item's own.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BulkChange {
    #[serde(default)]
    pub add_tags: Vec<String>,
    #[serde(default)]
    pub add_to_collection: Option<String>,
    #[serde(default)]
    pub sensitivity: Option<Sensitivity>,
}

impl BulkChange {
    fn is_empty(&self) -> bool {
        self.add_tags.iter().all(|t| t.trim().is_empty())
            && self.add_to_collection.as_deref().is_none_or(|c| c.trim().is_empty())
            && self.sensitivity.is_none()
    }

    fn apply(&self, item: &mut Item) {
        for tag in self.add_tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
            if !item.tags.iter().any(|have| have.eq_ignore_ascii_case(tag)) {
                item.tags.push(tag.to_string());
            }
        }
        if let Some(name) = self.add_to_collection.as_deref().map(str::trim).filter(|c| !c.is_empty())
            && !item.collections.iter().any(|have| have == name)
        {
            item.collections.push(name.to_string());
        }
        if let Some(sensitivity) = self.sensitivity {
            item.sensitivity = sensitivity;
        }
    }
}

impl Archive {
    /// Deletes items in one transaction, returning what `restore` needs to put them back.
    /// Nothing is deleted when one of them is missing.
    pub fn delete_for_undo(&mut self, ids: &[Id]) -> Result<Vec<DeletedItem>> {
        let summary = format!("Deleted {} items", ids.len());
        self.operation(crate::history::OperationKind::Delete, &summary, |a| a.delete_for_undo_unlogged(ids))
    }

    fn delete_for_undo_unlogged(&mut self, ids: &[Id]) -> Result<Vec<DeletedItem>> {
        let now = self.now();
        self.write(|tx| {
            let mut deleted = Vec::with_capacity(ids.len());
            for &id in ids {
                let item = store::get_item(tx, id)?.ok_or_else(|| Error::ItemNotFound { id: id.to_string() })?;
                let positions = tx
                    .prepare_cached(
                        "SELECT c.name, ci.position FROM collection_items ci \
                         JOIN collections c ON c.id = ci.collection_id WHERE ci.item_id = ?1",
                    )?
                    .query_map([id.to_string()], |r| {
                        Ok(CollectionPlace { collection: r.get(0)?, position: r.get(1)? })
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                let quoted_by = tx
                    .prepare_cached("SELECT id FROM items WHERE source_item_id = ?1 ORDER BY id")?
                    .query_map([id.to_string()], |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?
                    .iter()
                    .map(|s| store::parse_id(s))
                    .collect::<Result<Vec<_>>>()?;
                store::delete_item(tx, id, now)?;
                deleted.push(DeletedItem { item, file: None, positions, quoted_by });
            }
            // A file's record goes with the last item that pointed to it: it is kept here (with
            // each deleted item that pointed to it; putting it back twice changes nothing).
            for entry in &mut deleted {
                let Some(sha) = entry.item.sha256() else { continue };
                let still_used: bool = tx
                    .prepare_cached("SELECT EXISTS (SELECT 1 FROM items WHERE sha256 = ?1)")?
                    .query_row([sha], |r| r.get(0))?;
                if still_used {
                    continue;
                }
                entry.file = tx
                    .prepare_cached("SELECT size, media_type, added_at FROM blobs WHERE sha256 = ?1")?
                    .query_row([sha], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
                    .optional()?
                    .map(|(size, media_type, added_at)| {
                        Ok::<_, Error>(FileRecord {
                            sha256: sha.to_string(),
                            size: size.max(0) as u64,
                            media_type,
                            added_at: DateTime::parse_from_rfc3339(&added_at)
                                .map_err(|e| Error::invalid("file record", e.to_string()))?
                                .with_timezone(&Utc),
                        })
                    })
                    .transpose()?;
            }
            store::drop_unreferenced_blobs(tx)?;
            Ok(deleted)
        })
    }

    /// Puts deleted items back as they were: the same ids, fields, links, places in their
    /// collections and the quotes that cite them. Fails, restoring none, when one of them is
    /// there again or its original file is no longer in the archive folder.
    pub fn restore(&mut self, deleted: &[DeletedItem]) -> Result<()> {
        let summary = format!("Put back {} deleted items", deleted.len());
        self.operation(crate::history::OperationKind::Undo, &summary, |a| a.restore_unlogged(deleted))
    }

    fn restore_unlogged(&mut self, deleted: &[DeletedItem]) -> Result<()> {
        for entry in deleted {
            validate(&entry.item)?;
            if let Some(sha) = entry.item.sha256()
                && !self.files().contains(sha)
            {
                return Err(Error::invalid(
                    "restore",
                    format!("the original file of {:?} ({sha}) is no longer in the archive folder", entry.item.title),
                ));
            }
        }
        self.write(|tx| {
            for entry in deleted {
                let id = entry.item.id;
                if store::get_item(tx, id)?.is_some() {
                    return Err(Error::invalid("restore", format!("{:?} is in the archive already", entry.item.title)));
                }
                // A purge removes every change-log row of what it purged (its delete included):
                // an undo kept in a window's memory must not bring purged material back.
                let logged: i64 =
                    tx.query_row("SELECT count(*) FROM changes WHERE item_id = ?1", [id.to_string()], |r| r.get(0))?;
                if logged == 0 {
                    return Err(Error::invalid(
                        "restore",
                        format!("{:?} was purged from the archive for good and cannot come back", entry.item.title),
                    ));
                }
                if let Some(file) = &entry.file {
                    tx.prepare_cached(
                        "INSERT OR IGNORE INTO blobs (sha256, size, media_type, added_at) VALUES (?1, ?2, ?3, ?4)",
                    )?
                    .execute(params![
                        file.sha256,
                        file.size as i64,
                        file.media_type,
                        file.added_at.to_rfc3339()
                    ])?;
                }
                store::insert_item(tx, &entry.item)?;
                store::lift_tombstone(tx, id)?;
                tx.prepare_cached("DELETE FROM deleted_links WHERE item_id = ?1")?.execute([id.to_string()])?;
                for place in &entry.positions {
                    tx.prepare_cached(
                        "UPDATE collection_items SET position = ?3 WHERE item_id = ?2 \
                         AND collection_id = (SELECT id FROM collections WHERE name = ?1)",
                    )?
                    .execute(params![place.collection, id.to_string(), place.position])?;
                }
                for quote in &entry.quoted_by {
                    let linked = tx
                        .prepare_cached(
                            "UPDATE items SET source_item_id = ?2 WHERE id = ?1 AND source_item_id IS NULL",
                        )?
                        .execute(params![quote.to_string(), id.to_string()])?;
                    if linked > 0 {
                        store::record_change(tx, *quote, store::ChangeOp::Upsert, entry.item.updated_at)?;
                    }
                }
            }
            Ok(())
        })
    }

    /// Applies one change to many items in one transaction; returns the items as they were
    /// before, for `put_back`. Nothing changes when one of them is missing.
    pub fn edit_many(&mut self, ids: &[Id], change: &BulkChange) -> Result<Vec<Item>> {
        let summary = format!("Bulk edit of {} items", ids.len());
        self.operation(crate::history::OperationKind::BulkEdit, &summary, |a| a.edit_many_unlogged(ids, change))
    }

    fn edit_many_unlogged(&mut self, ids: &[Id], change: &BulkChange) -> Result<Vec<Item>> {
        if change.is_empty() {
            return Err(Error::invalid("bulk edit", "nothing to change: give tags, a collection or a sensitivity"));
        }
        let now = self.now();
        self.write(|tx| {
            let mut before = Vec::with_capacity(ids.len());
            for &id in ids {
                let item = store::get_item(tx, id)?.ok_or_else(|| Error::ItemNotFound { id: id.to_string() })?;
                let mut edited = item.clone();
                change.apply(&mut edited);
                if edited != item {
                    edited.updated_at = now;
                    store::update_item(tx, &edited)?;
                }
                before.push(item);
            }
            Ok(before)
        })
    }

    /// Saves items as they were (earlier states returned by `edit_many` or read before an
    /// edit), in one transaction.
    pub fn put_back(&mut self, items: &[Item]) -> Result<()> {
        let summary = format!("Put back {} items as they were", items.len());
        self.operation(crate::history::OperationKind::Undo, &summary, |a| a.put_back_unlogged(items))
    }

    fn put_back_unlogged(&mut self, items: &[Item]) -> Result<()> {
        items.iter().try_for_each(validate)?;
        let now = self.now();
        self.write(|tx| {
            for item in items {
                let mut item = item.clone();
                item.updated_at = now;
                store::update_item(tx, &item)?;
            }
            Ok(())
        })
    }
}
