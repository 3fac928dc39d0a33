//! Collections: groups of items an archivist makes and orders (a rally, a press kit), and the
//! quotes saved from an article.

use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::model::{Collection, Id, Item};
use crate::store;

impl Archive {
    /// Adds items to a collection (created if new), after the ones it has.
    pub fn add_to_collection(&mut self, name: &str, ids: &[Id]) -> Result<()> {
        let summary = format!("Added {} items to “{}”", ids.len(), name.trim());
        self.operation(crate::history::OperationKind::Catalogue, &summary, |a| a.add_to_collection_unlogged(name, ids))
    }

    fn add_to_collection_unlogged(&mut self, name: &str, ids: &[Id]) -> Result<()> {
        let now = self.now();
        let name = name.trim().to_string();
        self.write(|tx| {
            store::collection_id_or_create(tx, &name, now)?;
            for id in ids {
                let mut item = store::get_item(tx, *id)?.ok_or_else(|| Error::ItemNotFound { id: id.to_string() })?;
                if !item.collections.iter().any(|c| c.eq_ignore_ascii_case(&name)) {
                    item.collections.push(name.clone());
                    item.updated_at = now;
                    store::update_item(tx, &item)?;
                }
            }
            Ok(())
        })
    }

    /// Creates an empty collection (nothing happens when one of that name exists).
    pub fn create_collection(&mut self, name: &str) -> Result<()> {
        let now = self.now();
        self.write(|tx| store::collection_id_or_create(tx, name, now).map(|_| ()))
    }

    /// Renames a collection; its items are indexed again under the new name.
    pub fn rename_collection(&mut self, from: &str, to: &str) -> Result<()> {
        let summary = format!("Renamed collection “{}” to “{}”", from.trim(), to.trim());
        self.operation(crate::history::OperationKind::Catalogue, &summary, |a| a.rename_collection_unlogged(from, to))
    }

    fn rename_collection_unlogged(&mut self, from: &str, to: &str) -> Result<()> {
        let to = to.trim();
        if to.is_empty() {
            return Err(Error::invalid("collection", "a name must not be empty"));
        }
        let now = self.now();
        self.write(|tx| {
            let id = store::collection_id(tx, from)?.to_string();
            if let Ok(other) = store::collection_id(tx, to)
                && other.to_string() != id
            {
                return Err(Error::invalid("collection", format!("a collection named {to:?} exists")));
            }
            tx.execute("UPDATE collections SET name = ?2 WHERE id = ?1", rusqlite::params![id, to])?;
            for item in store::collection_item_ids(tx, &id)? {
                store::record_change(tx, item, store::ChangeOp::Upsert, now)?;
            }
            record_collection(tx, &id, now)
        })
    }

    /// Puts a collection's items in this order: `order` must hold each of its items once.
    pub fn reorder_collection(&mut self, name: &str, order: &[Id]) -> Result<()> {
        let now = self.now();
        self.write(|tx| {
            let id = store::collection_id(tx, name)?.to_string();
            let mut have = store::collection_item_ids(tx, &id)?;
            let mut given = order.to_vec();
            have.sort();
            given.sort();
            if have != given {
                return Err(Error::invalid("order", "the new order must list each item of the collection once"));
            }
            for (position, item) in order.iter().enumerate() {
                tx.execute(
                    "UPDATE collection_items SET position = ?3 WHERE collection_id = ?1 AND item_id = ?2",
                    rusqlite::params![id, item.to_string(), position as i64 + 1],
                )?;
            }
            record_collection(tx, &id, now)
        })
    }

    /// The quotes taken from an item (an article), oldest first.
    pub fn quotes_from(&self, source: Id) -> Result<Vec<Item>> {
        let ids: Vec<String> = self
            .store
            .conn()
            .prepare_cached("SELECT id FROM items WHERE source_item_id = ?1 ORDER BY created_at, id")?
            .query_map([source.to_string()], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        ids.iter().map(|id| self.get(id.parse().map_err(|_| Error::invalid("id", id.clone()))?)).collect()
    }

    /// Every collection.
    pub fn collections(&self) -> Result<Vec<Collection>> {
        store::list_collections(self.store.conn())
    }

    /// The items of a collection, in order.
    pub fn collection_items(&self, name: &str) -> Result<Vec<Item>> {
        let id = store::collection_id(self.store.conn(), name)?;
        store::collection_item_ids(self.store.conn(), &id.to_string())?.into_iter().map(|id| self.get(id)).collect()
    }
}

/// Keeps a collection as it now is (name, description, items in order) in the history.
fn record_collection(tx: &rusqlite::Connection, id: &str, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    let (name, description): (String, Option<String>) =
        tx.query_row("SELECT name, description FROM collections WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let items: Vec<String> = store::collection_item_ids(tx, id)?.into_iter().map(|i| i.to_string()).collect();
    let state = serde_json::json!({ "name": name, "description": description, "items": items });
    crate::history::record(tx, "collection", id, Some(&state), now)
}
