//! Taking back a whole operation: what it would change back (and the later changes that stand
//! in the way), and doing it as a new operation.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use chrono::{DateTime, Utc};

use super::{FieldChange, Operation, OperationKind, bad, title_of, versions_of};
use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::model::{Id, Item};

/// A field a revert would take back although a later change touched it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RevertConflict {
    pub item: Id,
    pub title: String,
    pub field: String,
    /// The later version that changed it, by whom and when.
    pub version: u32,
    pub user: String,
    pub at: DateTime<Utc>,
}

/// What reverting an operation does, or would do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RevertPlan {
    pub operation: Operation,
    /// Each item it changes back, with the fields, from their value now to the one before.
    pub items: Vec<(Id, String, Vec<FieldChange>)>,
    /// Items it created, deleted by the revert.
    pub removed: Vec<(Id, String)>,
    /// Items it deleted, put back by the revert.
    pub restored: Vec<(Id, String)>,
    /// Fields changed again later: the revert is refused while there is one.
    pub conflicts: Vec<RevertConflict>,
}

impl Archive {
    /// What reverting an operation would do: each item it changed back to what it was before,
    /// and every field a later change touched again (a conflict: the revert is refused).
    pub fn revert_plan(&self, operation_id: i64) -> Result<RevertPlan> {
        let conn = self.store.conn();
        let op = self
            .log(None, None, None)?
            .into_iter()
            .find(|o| o.id == operation_id)
            .ok_or_else(|| Error::invalid("operation", format!("no operation {operation_id}")))?;
        let mut stmt = conn.prepare(
            "SELECT entity_id, version FROM versions WHERE operation_id = ?1 AND entity = 'item' ORDER BY id",
        )?;
        let touched: Vec<(String, u32)> =
            stmt.query_map([operation_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        let mut plan = RevertPlan {
            operation: op,
            items: Vec::new(),
            removed: Vec::new(),
            restored: Vec::new(),
            conflicts: Vec::new(),
        };
        for (id, version) in touched {
            let versions = versions_of(conn, "item", &id)?;
            let item_id: Id = id.parse().map_err(|_| Error::ItemNotFound { id: id.clone() })?;
            let Some(at) = versions.iter().position(|(v, _)| v.version == version) else { continue };
            let before = at.checked_sub(1).and_then(|i| versions[i].1.clone());
            let (this, after) = (&versions[at], &versions[at + 1..]);
            let now = versions.last().and_then(|(_, s)| s.clone());
            let title = title_of(this.1.as_ref().or(before.as_ref()));
            // Which fields this operation changed (all of them when it created or deleted).
            let fields: Vec<String> = if before.is_none() || this.1.is_none() {
                Vec::new()
            } else {
                this.0.changes.iter().map(|c| c.field.clone()).collect()
            };
            for (later, _) in after {
                let clash = if fields.is_empty() {
                    later.changes.first().map(|c| c.field.clone()).or_else(|| Some("the whole record".to_string()))
                } else {
                    later.changes.iter().find(|c| fields.contains(&c.field)).map(|c| c.field.clone())
                };
                if let Some(field) = clash {
                    plan.conflicts.push(RevertConflict {
                        item: item_id,
                        title: title.clone(),
                        field,
                        version: later.version,
                        user: later.user.clone(),
                        at: later.at,
                    });
                    break;
                }
            }
            match (&before, &this.1) {
                (None, Some(_)) => plan.removed.push((item_id, title)),
                (Some(_), None) => plan.restored.push((item_id, title)),
                (Some(before), Some(_)) => {
                    let current = now.clone().unwrap_or(Value::Null);
                    let back: Vec<FieldChange> = fields
                        .iter()
                        .map(|f| FieldChange {
                            field: f.clone(),
                            old: current.get(f).cloned().unwrap_or(Value::Null),
                            new: before.get(f).cloned().unwrap_or(Value::Null),
                        })
                        .collect();
                    plan.items.push((item_id, title, back));
                }
                (None, None) => {}
            }
        }
        Ok(plan)
    }

    /// Reverts an operation as a new one: refused, naming the first conflict, when a later
    /// change touched what it would take back.
    pub fn revert_operation(&mut self, operation_id: i64) -> Result<RevertPlan> {
        let plan = self.revert_plan(operation_id)?;
        if let Some(c) = plan.conflicts.first() {
            return Err(Error::RevertConflict { operation: operation_id, conflict: Box::new(c.clone()) });
        }
        let summary = format!("Reverted “{}”", plan.operation.summary_or_kind());
        let now = self.now();
        self.operation(OperationKind::Revert, &summary, |archive| {
            for (id, _, fields) in &plan.items {
                let mut current = serde_json::to_value(archive.get(*id)?).map_err(bad)?;
                if let Some(o) = current.as_object_mut() {
                    for f in fields {
                        o.insert(f.field.clone(), f.new.clone());
                    }
                }
                let mut item: Item = serde_json::from_value(current).map_err(bad)?;
                item.updated_at = now;
                archive.update_item(item)?;
            }
            for (id, _) in &plan.removed {
                archive.delete(*id)?;
            }
            for (id, _) in &plan.restored {
                let versions = versions_of(archive.store.conn(), "item", &id.to_string())?;
                let last = versions.iter().rev().find_map(|(_, s)| s.clone());
                if let Some(state) = last {
                    let mut item: Item = serde_json::from_value(state).map_err(bad)?;
                    item.updated_at = now;
                    archive.add_item(item)?;
                }
            }
            Ok(())
        })?;
        Ok(plan)
    }
}

impl Operation {
    fn summary_or_kind(&self) -> String {
        if self.summary.is_empty() { format!("{} {}", self.kind.as_str(), self.id) } else { self.summary.clone() }
    }
}
