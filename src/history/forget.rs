//! What a purge takes out of the history: its items' versions, the people and places it
//! dropped, and the purged name wherever else it was written.

use rusqlite::{Connection, params};
use serde_json::Value;

use super::bad;
use crate::error::Result;
use crate::model::Id;

/// Removes every version of these items, and any operation left with none (a purge).
pub(crate) fn forget_items(conn: &Connection, ids: &[Id]) -> Result<()> {
    let mut stmt = conn.prepare_cached("DELETE FROM versions WHERE entity = 'item' AND entity_id = ?1")?;
    for id in ids {
        stmt.execute([id.to_string()])?;
    }
    // People and places the purge dropped (nothing else used them) leave the history too.
    conn.execute(
        "DELETE FROM versions WHERE (entity = 'person' AND entity_id NOT IN (SELECT name_key FROM persons)) \
         OR (entity = 'place' AND entity_id NOT IN (SELECT id FROM places))",
        [],
    )?;
    drop_empty_operations(conn)
}

/// Replaces a purged name in every stored version (other records may have named the person):
/// folded text that holds it, in any case or accents, becomes "[purged]".
pub(crate) fn forget_name(conn: &Connection, name: &str) -> Result<()> {
    let needle = crate::export::site::fold(name);
    if needle.trim().is_empty() {
        return Ok(());
    }
    let mut rows: Vec<(i64, Option<String>, String)> = conn
        .prepare("SELECT id, state, changes FROM versions")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.retain(|(_, state, changes)| {
        crate::export::site::fold(state.as_deref().unwrap_or("")).contains(&needle)
            || crate::export::site::fold(changes).contains(&needle)
    });
    for (id, state, changes) in rows {
        let scrub = |text: &str| -> Result<String> {
            let value: Value = serde_json::from_str(text).map_err(bad)?;
            Ok(scrub_value(value, &needle).to_string())
        };
        let state = state.as_deref().map(scrub).transpose()?;
        conn.execute(
            "UPDATE versions SET state = ?2, changes = ?3 WHERE id = ?1",
            params![id, state, scrub(&changes)?],
        )?;
    }
    let summaries: Vec<(i64, String)> = conn
        .prepare("SELECT id, summary FROM operations")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, summary) in summaries {
        if crate::export::site::fold(&summary).contains(&needle) {
            conn.execute("UPDATE operations SET summary = '[purged]' WHERE id = ?1", [id])?;
        }
    }
    Ok(())
}

fn scrub_value(value: Value, needle: &str) -> Value {
    match value {
        Value::String(s) if crate::export::site::fold(&s).contains(needle) => Value::String("[purged]".to_string()),
        Value::Array(a) => Value::Array(a.into_iter().map(|v| scrub_value(v, needle)).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, scrub_value(v, needle))).collect()),
        other => other,
    }
}

fn drop_empty_operations(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM operations WHERE id NOT IN (SELECT DISTINCT operation_id FROM versions)", [])?;
    Ok(())
}
