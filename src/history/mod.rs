//! Every change kept: each write to an item (and to a person's protection, a consent record, a
//! place's coordinates, a collection) adds a version, the record as it became, with the fields
//! that changed, old and new, in an operation (an edit, an import, a bulk edit, a restore …)
//! that says when and by whom. Any version of an item can be restored, and a whole operation
//! reverted, each as a new version: history is never rewritten, except by a purge, which
//! removes what it purges from every version too.
//!
//! The versions are written beside the change log that keeps the index in step, in the same
//! transaction, by the store's own write functions, so no path that changes an item can skip
//! them. An operation is opened by the archive call that does the work; a write outside one
//! gets an "edit" of its own.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::model::{Id, Item};
use crate::store;

mod forget;
mod revert;

pub(crate) use forget::{forget_items, forget_name};
pub use revert::{RevertConflict, RevertPlan};

/// What kind of work made a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum OperationKind {
    /// One record edited by hand (the editor, `walkout edit`, `walkout tag`).
    Edit,
    /// Items added one at a time (a new quote).
    Add,
    /// Files imported.
    Import,
    /// One change to many items.
    BulkEdit,
    /// Items deleted.
    Delete,
    /// Deleted items put back, or a bulk edit undone.
    Undo,
    /// An item's earlier version saved again.
    Restore,
    /// A whole operation taken back.
    Revert,
    /// A person's protection or consent.
    Privacy,
    /// Places, events, collections.
    Catalogue,
    /// A bundle from another archive.
    Merge,
    /// A record as it was when the archive began keeping history (made by an older version).
    Earlier,
}

impl OperationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OperationKind::Edit => "edit",
            OperationKind::Add => "add",
            OperationKind::Import => "import",
            OperationKind::BulkEdit => "bulk_edit",
            OperationKind::Delete => "delete",
            OperationKind::Undo => "undo",
            OperationKind::Restore => "restore",
            OperationKind::Revert => "revert",
            OperationKind::Privacy => "privacy",
            OperationKind::Catalogue => "catalogue",
            OperationKind::Merge => "merge",
            OperationKind::Earlier => "earlier",
        }
    }

    pub fn parse(s: &str) -> Result<OperationKind> {
        let all = [
            OperationKind::Edit,
            OperationKind::Add,
            OperationKind::Import,
            OperationKind::BulkEdit,
            OperationKind::Delete,
            OperationKind::Undo,
            OperationKind::Restore,
            OperationKind::Revert,
            OperationKind::Privacy,
            OperationKind::Catalogue,
            OperationKind::Merge,
            OperationKind::Earlier,
        ];
        all.into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| Error::invalid("operation", format!("{s:?} is not a kind of operation")))
    }
}

/// One operation: a piece of work that changed records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Operation {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub kind: OperationKind,
    /// Who did it: the archive's user name.
    pub user: String,
    pub at: DateTime<Utc>,
    /// What it was, in words ("Imported 3 files").
    pub summary: String,
    /// How many records it changed.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub changes: u64,
}

/// A field's value before and after a change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldChange {
    pub field: String,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub old: Value,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub new: Value,
}

/// One version of a record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Version {
    /// 1 for the record as it was created, then 2, 3 …
    pub version: u32,
    pub at: DateTime<Utc>,
    pub user: String,
    pub operation: Operation,
    /// What changed (empty for the first version: everything is new).
    pub changes: Vec<FieldChange>,
    /// This version deleted the record.
    pub deleted: bool,
}

/// A version that cannot be written or read as JSON.
fn bad(e: serde_json::Error) -> Error {
    Error::invalid("history", format!("a version cannot be stored or read: {e}"))
}

/// The user recorded when the archive names none: the system's.
fn default_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "archivist".to_string())
}

const USER_KEY: &str = "user";

/// Fields that change on every write and say nothing an archivist would restore.
const NOT_COMPARED: [&str; 2] = ["updated_at", "created_at"];

/// Opens an operation for the rest of this transaction: the versions written until it ends
/// belong to it.
pub(crate) fn begin(conn: &Connection, kind: OperationKind, summary: &str, at: DateTime<Utc>) -> Result<i64> {
    let user = store::meta_get(conn, USER_KEY)?.unwrap_or_else(default_user);
    conn.prepare_cached("INSERT INTO operations (kind, user, at, summary) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![kind.as_str(), user, at.to_rfc3339(), summary])?;
    let id = conn.last_insert_rowid();
    set_current(conn, id)?;
    Ok(id)
}

/// Makes `id` the operation this transaction's versions belong to.
fn set_current(conn: &Connection, id: i64) -> Result<()> {
    conn.execute_batch("CREATE TEMP TABLE IF NOT EXISTS current_operation (id INTEGER NOT NULL)")?;
    conn.execute("DELETE FROM temp.current_operation", [])?;
    conn.execute("INSERT INTO temp.current_operation (id) VALUES (?1)", [id])?;
    Ok(())
}

/// An operation the archive is in: opened in the database by its first write.
#[derive(Clone, Debug)]
pub(crate) struct PendingOperation {
    pub kind: OperationKind,
    pub summary: String,
    pub at: DateTime<Utc>,
    pub id: Option<i64>,
}

/// Makes the archive's open operation (if any) the one this transaction's versions belong to,
/// opening it in the database on its first write.
pub(crate) fn resume(conn: &Connection, pending: &mut Option<PendingOperation>) -> Result<()> {
    let Some(op) = pending else { return Ok(()) };
    match op.id {
        None => op.id = Some(begin(conn, op.kind, &op.summary, op.at)?),
        Some(id) => set_current(conn, id)?,
    }
    Ok(())
}

/// Ends the open operation (at every commit: the next transaction starts without one).
pub(crate) fn end(conn: &Connection) -> Result<()> {
    let exists: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_temp_master WHERE type = 'table' AND name = 'current_operation'",
        [],
        |r| r.get(0),
    )?;
    if exists {
        conn.execute("DELETE FROM temp.current_operation", [])?;
    }
    Ok(())
}

/// The open operation, or a new "edit" when a write comes outside one.
fn current(conn: &Connection, at: DateTime<Utc>) -> Result<i64> {
    let open: Option<i64> = conn
        .prepare_cached("SELECT id FROM temp.current_operation")
        .ok()
        .map(|mut s| s.query_row([], |r| r.get(0)).optional())
        .transpose()?
        .flatten();
    match open {
        Some(id) => Ok(id),
        None => begin(conn, OperationKind::Edit, "", at),
    }
}

/// The fields of `new` that differ from `old` (both JSON objects; a missing key is null).
fn diff(old: &Value, new: &Value) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let (a, b) = (old.as_object().unwrap_or(&empty), new.as_object().unwrap_or(&empty));
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| !NOT_COMPARED.contains(&k.as_str()))
        .filter_map(|k| {
            let (o, n) = (a.get(k).unwrap_or(&Value::Null), b.get(k).unwrap_or(&Value::Null));
            let same = o == n || (is_empty(o) && is_empty(n));
            (!same).then(|| FieldChange { field: k.clone(), old: o.clone(), new: n.clone() })
        })
        .collect()
}

/// Null, "", [] and false are all "nothing" (an item's JSON leaves some out when empty).
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Bool(b) => !b,
        _ => false,
    }
}

/// Records a record's new state (`None`: deleted).
pub(crate) fn record(
    conn: &Connection,
    entity: &str,
    id: &str,
    state: Option<&Value>,
    at: DateTime<Utc>,
) -> Result<()> {
    let last: Option<(u32, Option<String>)> = conn
        .prepare_cached(
            "SELECT version, state FROM versions WHERE entity = ?1 AND entity_id = ?2 ORDER BY version DESC LIMIT 1",
        )?
        .query_row(params![entity, id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (version, changes) = match &last {
        None => (1, Vec::new()),
        Some((n, before)) => {
            let before: Value =
                before.as_deref().map(serde_json::from_str).transpose().map_err(bad)?.unwrap_or(Value::Null);
            let changes = diff(&before, state.unwrap_or(&Value::Null));
            // A write that changed nothing an archivist sees (a re-index after a person's
            // protection changed) is no version.
            if changes.is_empty() && state.is_some() && !before.is_null() {
                return Ok(());
            }
            (n + 1, changes)
        }
    };
    let operation = current(conn, at)?;
    conn.prepare_cached(
        "INSERT INTO versions (operation_id, entity, entity_id, version, at, state, changes) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        operation,
        entity,
        id,
        version,
        at.to_rfc3339(),
        state.map(Value::to_string),
        serde_json::to_string(&changes).map_err(bad)?,
    ])?;
    Ok(())
}

/// Records an item as written (its JSON, without what is never stored).
pub(crate) fn record_item(conn: &Connection, item: &Item) -> Result<()> {
    let id = item.id.to_string();
    // A new item (an import's): its JSON straight to text, no comparison to make.
    let known: bool = conn
        .prepare_cached("SELECT count(*) > 0 FROM versions WHERE entity = 'item' AND entity_id = ?1")?
        .query_row([&id], |r| r.get(0))?;
    if !known && item.restriction.is_none() {
        let operation = current(conn, item.updated_at)?;
        let state = serde_json::to_string(item).map_err(bad)?;
        conn.prepare_cached(
            "INSERT INTO versions (operation_id, entity, entity_id, version, at, state, changes) \
             VALUES (?1, 'item', ?2, 1, ?3, ?4, '[]')",
        )?
        .execute(params![operation, id, item.updated_at.to_rfc3339(), state])?;
        return Ok(());
    }
    let mut state = serde_json::to_value(item).map_err(bad)?;
    if let Some(o) = state.as_object_mut() {
        o.remove("restriction");
    }
    record(conn, "item", &id, Some(&state), item.updated_at)
}

/// Before an item made by an older version (with no history) first changes, keeps it as it
/// was, as its first version, so that the change shows what it changed and can be undone.
pub(crate) fn baseline_item(conn: &Connection, id: Id) -> Result<()> {
    let has: bool = conn
        .prepare_cached("SELECT count(*) > 0 FROM versions WHERE entity = 'item' AND entity_id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))?;
    if has {
        return Ok(());
    }
    let Some(item) = store::get_item(conn, id)? else { return Ok(()) };
    let mut state = serde_json::to_value(&item).map_err(bad)?;
    if let Some(o) = state.as_object_mut() {
        o.remove("restriction");
    }
    let user = store::meta_get(conn, USER_KEY)?.unwrap_or_else(default_user);
    conn.prepare_cached("INSERT INTO operations (kind, user, at, summary) VALUES ('earlier', ?1, ?2, ?3)")?
        .execute(params![user, item.updated_at.to_rfc3339(), "As it was before the archive kept its history"])?;
    let operation = conn.last_insert_rowid();
    conn.prepare_cached(
        "INSERT INTO versions (operation_id, entity, entity_id, version, at, state, changes) \
         VALUES (?1, 'item', ?2, 1, ?3, ?4, '[]')",
    )?
    .execute(params![operation, id.to_string(), item.updated_at.to_rfc3339(), state.to_string()])?;
    Ok(())
}

/// Records an item's deletion.
pub(crate) fn record_item_deleted(conn: &Connection, id: Id, at: DateTime<Utc>) -> Result<()> {
    record(conn, "item", &id.to_string(), None, at)
}

fn operation_from_row(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<(i64, String, String, String, String)> {
    Ok((r.get(at)?, r.get(at + 1)?, r.get(at + 2)?, r.get(at + 3)?, r.get(at + 4)?))
}

fn operation(raw: (i64, String, String, String, String), changes: u64) -> Result<Operation> {
    let (id, kind, user, at, summary) = raw;
    Ok(Operation { id, kind: OperationKind::parse(&kind)?, user, at: parse_time(&at)?, summary, changes })
}

fn parse_time(at: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| Error::invalid("history", format!("a stored time {at:?} cannot be read: {e}")))
}

/// Every version of a record, oldest first, with the state after each.
fn versions_of(conn: &Connection, entity: &str, id: &str) -> Result<Vec<(Version, Option<Value>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.version, v.at, v.state, v.changes, o.id, o.kind, o.user, o.at, o.summary, \
         (SELECT count(*) FROM versions w WHERE w.operation_id = o.id) \
         FROM versions v JOIN operations o ON o.id = v.operation_id \
         WHERE v.entity = ?1 AND v.entity_id = ?2 ORDER BY v.version",
    )?;
    let rows = stmt.query_map(params![entity, id], |r| {
        Ok((
            r.get::<_, u32>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, String>(3)?,
            operation_from_row(r, 4)?,
            r.get::<_, i64>(9)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (version, at, state, changes, op, count) = row?;
        let state: Option<Value> = state.as_deref().map(serde_json::from_str).transpose().map_err(bad)?;
        let operation = operation(op, count as u64)?;
        out.push((
            Version {
                version,
                at: parse_time(&at)?,
                user: operation.user.clone(),
                operation,
                changes: serde_json::from_str(&changes).map_err(bad)?,
                deleted: state.is_none(),
            },
            state,
        ));
    }
    Ok(out)
}

/// An item's title in a stored state, for lists.
fn title_of(state: Option<&Value>) -> String {
    state.and_then(|s| s["title"].as_str()).unwrap_or("").to_string()
}

impl Archive {
    /// The name recorded with every change: set once per archive, the system's user until then.
    pub fn user(&self) -> Result<String> {
        Ok(store::meta_get(self.store.conn(), USER_KEY)?.unwrap_or_else(default_user))
    }

    pub fn set_user(&mut self, name: &str) -> Result<()> {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(Error::invalid("user", "a user name must not be empty"));
        }
        self.write(|tx| store::meta_set(tx, USER_KEY, &name))
    }

    /// Runs `work` as one operation of `kind`: every version it writes, over however many
    /// transactions, says so. Inside another operation, `work` belongs to that one.
    pub(crate) fn operation<T>(
        &mut self,
        kind: OperationKind,
        summary: &str,
        work: impl FnOnce(&mut Archive) -> Result<T>,
    ) -> Result<T> {
        if self.operation.is_some() {
            return work(self);
        }
        self.operation = Some(PendingOperation { kind, summary: summary.to_string(), at: self.now(), id: None });
        let result = work(self);
        self.operation = None;
        result
    }

    /// An item's versions, oldest first.
    pub fn history(&self, id: Id) -> Result<Vec<Version>> {
        let versions = versions_of(self.store.conn(), "item", &id.to_string())?;
        if versions.is_empty() && !store::item_exists(self.store.conn(), id)? {
            return Err(Error::ItemNotFound { id: id.to_string() });
        }
        Ok(versions.into_iter().map(|(v, _)| v).collect())
    }

    /// An item as it was at `version`.
    pub fn item_at(&self, id: Id, version: u32) -> Result<Item> {
        let versions = versions_of(self.store.conn(), "item", &id.to_string())?;
        let Some((_, state)) = versions.into_iter().find(|(v, _)| v.version == version) else {
            return Err(Error::invalid("version", format!("item {id} has no version {version}")));
        };
        let state =
            state.ok_or_else(|| Error::invalid("version", format!("version {version} of {id} is its deletion")))?;
        serde_json::from_value(state).map_err(bad)
    }

    /// Saves an earlier version of an item again, as a new version (the history keeps every
    /// version in between). An item deleted since comes back.
    pub fn restore_version(&mut self, id: Id, version: u32) -> Result<Item> {
        let mut item = self.item_at(id, version)?;
        let current = store::get_item(self.store.conn(), id)?;
        let exists = current.is_some();
        // Collections keep their own membership and order (and may have been renamed since):
        // a restored version stays in the collections the item is in now.
        if let Some(current) = current {
            item.collections = current.collections;
        }
        item.updated_at = self.now();
        let summary = format!("Restored version {version} of “{}”", crate::model::title_from_text(&item.title));
        self.operation(OperationKind::Restore, &summary, |archive| {
            if exists {
                archive.update_item(item)
            } else {
                archive.add_item(item.clone())?;
                archive.write_database(|tx| store::lift_tombstone(tx, id))?;
                archive.get(id)
            }
        })
    }

    /// The operations, newest first, since a time, by a user or of a kind.
    pub fn log(
        &self,
        since: Option<DateTime<Utc>>,
        user: Option<&str>,
        kind: Option<OperationKind>,
    ) -> Result<Vec<Operation>> {
        let mut stmt = self.store.conn().prepare(
            "SELECT o.id, o.kind, o.user, o.at, o.summary, count(v.id) FROM operations o \
             JOIN versions v ON v.operation_id = o.id GROUP BY o.id ORDER BY o.id DESC",
        )?;
        let rows = stmt.query_map([], |r| Ok((operation_from_row(r, 0)?, r.get::<_, i64>(5)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (raw, count) = row?;
            let op = operation(raw, count as u64)?;
            let keep = since.is_none_or(|s| op.at >= s)
                && user.is_none_or(|u| store::name_key(u) == store::name_key(&op.user))
                && kind.is_none_or(|k| k == op.kind);
            if keep {
                out.push(op);
            }
        }
        Ok(out)
    }
}

/// The history of these items, for an archival BagIt transfer: every version, with its
/// operation.
pub fn of_items(archive: &Archive, ids: &[Id]) -> Result<BTreeMap<String, Vec<Version>>> {
    let mut out = BTreeMap::new();
    for id in ids {
        let versions = versions_of(archive.store.conn(), "item", &id.to_string())?;
        if !versions.is_empty() {
            out.insert(id.to_string(), versions.into_iter().map(|(v, _)| v).collect());
        }
    }
    Ok(out)
}
