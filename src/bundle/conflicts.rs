//! The conflicts a merge leaves: a field both archives changed differently, kept as this
//! archive has it until the archivist chooses a side.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::merge::with_state;
use super::{merge_state, normalize};
use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::history::OperationKind;
use crate::model::{Id, Item};
use crate::store;

/// A field both archives changed differently.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Conflict {
    /// Its number, to resolve it by (0 in a dry run).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub item: Id,
    /// The item's title here.
    pub title: String,
    /// The field (as `walkout edit --set` names it).
    pub field: String,
    /// This archive's value (kept until resolved).
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub ours: Value,
    /// The bundle's value.
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub theirs: Value,
    pub our_user: String,
    pub our_at: DateTime<Utc>,
    pub their_user: String,
    pub their_at: DateTime<Utc>,
    /// Where the other value came from ("a bundle from Ana, 2026-02-03").
    pub bundle: String,
}

/// Which value of a conflict to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ConflictChoice {
    Ours,
    Theirs,
}

impl Archive {
    /// The conflicts merges left for the archivist, oldest first.
    pub fn merge_conflicts(&self) -> Result<Vec<Conflict>> {
        let conn = self.store.conn();
        let mut stmt = conn.prepare(
            "SELECT c.id, c.item_id, c.field, c.ours, c.theirs, c.our_user, c.our_at, c.their_user, c.their_at, c.bundle, \
             coalesce(i.title, '') FROM merge_conflicts c LEFT JOIN items i ON i.id = c.item_id ORDER BY c.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, String>(9)?,
                r.get::<_, String>(10)?,
            ))
        })?;
        let json = |t: &str| serde_json::from_str(t).unwrap_or(Value::Null);
        let time = |t: &str| DateTime::parse_from_rfc3339(t).map(|t| t.with_timezone(&Utc)).unwrap_or_default();
        let mut out = Vec::new();
        for row in rows {
            let (id, item, field, ours, theirs, our_user, our_at, their_user, their_at, bundle, title) = row?;
            out.push(Conflict {
                id,
                item: store::parse_id(&item)?,
                title,
                field,
                ours: json(&ours),
                theirs: json(&theirs),
                our_user,
                our_at: time(&our_at),
                their_user,
                their_at: time(&their_at),
                bundle,
            });
        }
        Ok(out)
    }

    /// Settles a conflict: keeps this archive's value, or takes the bundle's (a new version of
    /// the item, in the history like any edit).
    pub fn resolve_conflict(&mut self, id: i64, choice: ConflictChoice) -> Result<Item> {
        let conflict = self.merge_conflicts()?.into_iter().find(|c| c.id == id).ok_or_else(|| {
            Error::invalid("conflict", format!("no conflict number {id}; `walkout conflicts` lists them"))
        })?;
        let local = self.get(conflict.item)?;
        let summary = format!(
            "Resolved a merge conflict in “{}” ({})",
            crate::model::title_from_text(&local.title),
            conflict.field
        );
        let now = self.now();
        self.operation(OperationKind::Merge, &summary, |a| {
            let item = match choice {
                ConflictChoice::Ours => local.clone(),
                ConflictChoice::Theirs => {
                    let mut state = merge_state(&local)?;
                    let follows = conflict.field == "text" && titled_by_text(&state);
                    if let Some(o) = state.as_object_mut() {
                        o.insert(conflict.field.clone(), conflict.theirs.clone());
                        if follows && let Some(text) = conflict.theirs.as_str() {
                            o.insert("title".to_string(), Value::String(crate::model::title_from_text(text)));
                        }
                    }
                    with_state(&local, &normalize(state))?
                }
            };
            a.write(|tx| {
                if item != local {
                    let mut item = item.clone();
                    item.updated_at = now;
                    store::update_item(tx, &item)?;
                }
                tx.execute("DELETE FROM merge_conflicts WHERE id = ?1", [id])?;
                Ok(())
            })?;
            a.get(conflict.item)
        })
    }
}

/// Whether a state's title is the one its words give it (a quote's, unless someone retitled it).
pub(super) fn titled_by_text(state: &Value) -> bool {
    match (state["title"].as_str(), state["text"].as_str()) {
        (Some(title), Some(text)) => title == crate::model::title_from_text(text),
        _ => false,
    }
}
