//! What a purge needs from the store besides deleting items: the backups log (read with the
//! export log, for recall), the entities only purged items used, the change-log and export-log
//! rows that name purged ids, and the purges under way (so that an interrupted one finishes).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::ExportRecord;
use crate::error::Result;
use crate::model::Id;

/// Remembers that a backup of the archive as of change `seq` was written to `destination`.
pub fn record_backup(conn: &Connection, destination: &str, seq: i64, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "INSERT INTO backups (at, destination, seq) VALUES (?1, ?2, ?3)",
        params![now.to_rfc3339(), destination, seq],
    )?;
    Ok(())
}

/// The backups that hold an item: those made while it existed (its newest change at the time of
/// the backup was an upsert), as export records of format `backup`.
pub fn backups_with(conn: &Connection, item: Id) -> Result<Vec<ExportRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT b.at, b.destination FROM backups b WHERE \
         (SELECT c.op FROM changes c WHERE c.item_id = ?1 AND c.seq <= b.seq ORDER BY c.seq DESC LIMIT 1) = 'upsert' \
         ORDER BY b.id",
    )?;
    let rows = stmt.query_map([item.to_string()], |r| {
        Ok(ExportRecord { at: r.get(0)?, format: "backup".to_string(), destination: r.get(1)? })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether the change log or an unfinished purge still names an id that is not an item: an
/// item deleted earlier, or one a purge removed before it was interrupted.
pub fn is_known_absent(conn: &Connection, id: Id) -> Result<bool> {
    let id = id.to_string();
    let in_log = conn.prepare_cached("SELECT 1 FROM changes WHERE item_id = ?1 LIMIT 1")?.exists([&id])?;
    let pending = conn.prepare_cached("SELECT 1 FROM purges_pending WHERE item_id = ?1")?.exists([&id])?;
    let tombstone = conn.prepare_cached("SELECT 1 FROM tombstones WHERE item_id = ?1")?.exists([&id])?;
    Ok(in_log || pending || tombstone)
}

/// A deleted item is back (an undo, a restored version): its deletion no longer travels.
pub fn lift_tombstone(conn: &Connection, id: Id) -> Result<()> {
    conn.prepare_cached("DELETE FROM tombstones WHERE item_id = ?1 AND kind = 'deleted'")?.execute([id.to_string()])?;
    Ok(())
}

/// Marks items purged for good: the tombstone (id and time, nothing else) outlives every other
/// trace of them, so that a bundle carries the purge and no bundle brings them back.
pub fn mark_purged(conn: &Connection, ids: &[Id], now: DateTime<Utc>) -> Result<()> {
    let mut stmt =
        conn.prepare_cached("INSERT OR REPLACE INTO tombstones (item_id, kind, at) VALUES (?1, 'purged', ?2)")?;
    for id in ids {
        stmt.execute(params![id.to_string(), now.to_rfc3339()])?;
    }
    Ok(())
}

/// Marks a purge of these ids under way until `finish_pending_purges`.
pub fn mark_purge_pending(conn: &Connection, ids: &[Id]) -> Result<()> {
    let mut stmt = conn.prepare_cached("INSERT OR IGNORE INTO purges_pending (item_id) VALUES (?1)")?;
    for id in ids {
        stmt.execute([id.to_string()])?;
    }
    Ok(())
}

/// Whether a purge was interrupted before its files were removed.
pub fn has_pending_purges(conn: &Connection) -> Result<bool> {
    Ok(conn.prepare_cached("SELECT 1 FROM purges_pending LIMIT 1")?.exists([])?)
}

/// Forgets every purge under way (their cleanup is done).
pub fn finish_pending_purges(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM purges_pending", [])?;
    Ok(())
}

/// Removes the people (with their consent records), places, events, tags and collections that
/// the deleted items `ids` were linked to and that nothing else uses any more.
pub fn drop_entities_only_they_used(conn: &Connection, ids: &[Id]) -> Result<()> {
    let mut links: Vec<(String, String)> = Vec::new();
    {
        let mut stmt =
            conn.prepare_cached("SELECT DISTINCT entity, entity_id FROM deleted_links WHERE item_id = ?1")?;
        for id in ids {
            for row in stmt.query_map([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))? {
                let row = row?;
                if !links.contains(&row) {
                    links.push(row);
                }
            }
        }
    }
    // Events before places: an event may be the last user of a place.
    links.sort_by_key(|(entity, _)| if entity == "event" { 0 } else { 1 });
    for (entity, entity_id) in &links {
        let sql = match entity.as_str() {
            "person" => {
                "DELETE FROM persons WHERE id = ?1 \
                 AND NOT EXISTS (SELECT 1 FROM items WHERE speaker_id = ?1) \
                 AND NOT EXISTS (SELECT 1 FROM item_people WHERE person_id = ?1) \
                 AND NOT EXISTS (SELECT 1 FROM item_authors WHERE person_id = ?1)"
            }
            "place" => {
                "DELETE FROM places WHERE id = ?1 \
                 AND NOT EXISTS (SELECT 1 FROM items WHERE place_id = ?1) \
                 AND NOT EXISTS (SELECT 1 FROM events WHERE place_id = ?1) \
                 AND NOT EXISTS (SELECT 1 FROM organizations WHERE place_id = ?1)"
            }
            "event" => "DELETE FROM events WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM items WHERE event_id = ?1)",
            "tag" => {
                "DELETE FROM tags WHERE id = CAST(?1 AS INTEGER) \
                 AND NOT EXISTS (SELECT 1 FROM item_tags WHERE tag_id = CAST(?1 AS INTEGER))"
            }
            "collection" => {
                "DELETE FROM collections WHERE id = ?1 \
                 AND NOT EXISTS (SELECT 1 FROM collection_items WHERE collection_id = ?1)"
            }
            _ => continue,
        };
        conn.prepare_cached(sql)?.execute([entity_id])?;
    }
    Ok(())
}

/// Removes every row of the change log, the export log and the deleted-links list that names
/// one of `ids` (the index has applied their deletion already).
pub fn forget_items(conn: &Connection, ids: &[Id]) -> Result<()> {
    for id in ids {
        let id = id.to_string();
        conn.prepare_cached("DELETE FROM changes WHERE item_id = ?1")?.execute([&id])?;
        conn.prepare_cached("DELETE FROM export_items WHERE item_id = ?1")?.execute([&id])?;
        conn.prepare_cached("DELETE FROM deleted_links WHERE item_id = ?1")?.execute([&id])?;
        conn.prepare_cached("DELETE FROM merge_seen WHERE item_id = ?1")?.execute([&id])?;
        conn.prepare_cached("DELETE FROM merge_conflicts WHERE item_id = ?1")?.execute([&id])?;
    }
    Ok(())
}
