//! Reading and writing items. One row in `items` per item, kind-specific columns left NULL for
//! the other kinds; tags, collections and authors in link tables. Every write records a change.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::entities::{
    collection_id_or_create, event_id_or_create, person_id_or_create, place_id_or_create, tag_id_or_create,
};
use crate::date::EdtfDate;
use crate::error::{Error, Result};
use crate::model::{ArticleDetails, Gps, Id, Item, ItemDetails, PhotoDetails, QuoteDetails, Redaction};

/// What happened to an item, as the change log records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeOp {
    /// Added or changed.
    Upsert,
    /// Deleted.
    Delete,
}

/// Appends to the change log.
pub fn record_change(conn: &Connection, id: Id, op: ChangeOp, now: DateTime<Utc>) -> Result<()> {
    let op = match op {
        ChangeOp::Upsert => "upsert",
        ChangeOp::Delete => "delete",
    };
    conn.prepare_cached("INSERT INTO changes (item_id, op, at) VALUES (?1, ?2, ?3)")?.execute(params![
        id.to_string(),
        op,
        now.to_rfc3339()
    ])?;
    Ok(())
}

/// The newest change's sequence number (0 when there is none).
pub fn last_change(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT coalesce(max(seq), 0) FROM changes", [], |r| r.get(0))?)
}

/// The distinct items changed after `seq`, with the newest sequence number seen.
pub fn changed_since(conn: &Connection, seq: i64) -> Result<(Vec<Id>, i64)> {
    let mut stmt = conn.prepare("SELECT item_id, max(seq) FROM changes WHERE seq > ?1 GROUP BY item_id")?;
    let mut ids = Vec::new();
    let mut newest = seq;
    for row in stmt.query_map([seq], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (id, s) = row?;
        newest = newest.max(s);
        ids.push(parse_id(&id)?);
    }
    Ok((ids, newest))
}

const COLUMNS: &str = "i.id, i.kind, i.title, i.date, pl.name, ev.name, i.description, i.language, i.source, \
     i.credit, i.rights, i.sensitivity, i.consent, i.demo, i.created_at, i.updated_at, i.text, sp.name, \
     i.role, i.context, i.source_item_id, i.translation, i.sha256, i.file_name, i.width, i.height, \
     i.format, i.taken_at, i.gps_lat, i.gps_lon, i.camera, i.orientation, i.caption, i.headline, \
     i.outlet, i.url, i.body";

const FROM: &str = "FROM items i LEFT JOIN places pl ON pl.id = i.place_id \
     LEFT JOIN events ev ON ev.id = i.event_id LEFT JOIN persons sp ON sp.id = i.speaker_id";

/// Inserts a new item with its links, and records the change.
pub fn insert_item(conn: &Connection, item: &Item) -> Result<()> {
    let refs = resolve_refs(conn, item)?;
    conn.prepare_cached(
        "INSERT INTO items (id, kind, title, date, date_sort, place_id, event_id, description, language, \
         source, credit, rights, sensitivity, consent, demo, created_at, updated_at, text, speaker_id, role, \
         context, source_item_id, translation, sha256, file_name, width, height, format, taken_at, gps_lat, \
         gps_lon, camera, orientation, caption, headline, outlet, url, body, fingerprint) VALUES \
         (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, \
         ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39)",
    )?
    .execute(rusqlite::params_from_iter(row_values(item, &refs)))?;
    write_links(conn, item, false)?;
    record_change(conn, item.id, ChangeOp::Upsert, item.updated_at)
}

/// Replaces an existing item's fields and links, and records the change.
pub fn update_item(conn: &Connection, item: &Item) -> Result<()> {
    let refs = resolve_refs(conn, item)?;
    let changed = conn
        .prepare_cached(
            "UPDATE items SET kind = ?2, title = ?3, date = ?4, date_sort = ?5, place_id = ?6, event_id = ?7, \
             description = ?8, language = ?9, source = ?10, credit = ?11, rights = ?12, sensitivity = ?13, \
             consent = ?14, demo = ?15, created_at = ?16, updated_at = ?17, text = ?18, speaker_id = ?19, \
             role = ?20, context = ?21, source_item_id = ?22, translation = ?23, sha256 = ?24, file_name = ?25, \
             width = ?26, height = ?27, format = ?28, taken_at = ?29, gps_lat = ?30, gps_lon = ?31, \
             camera = ?32, orientation = ?33, caption = ?34, headline = ?35, outlet = ?36, url = ?37, \
             body = ?38, fingerprint = ?39 WHERE id = ?1",
        )?
        .execute(rusqlite::params_from_iter(row_values(item, &refs)))?;
    if changed == 0 {
        return Err(Error::ItemNotFound { id: item.id.to_string() });
    }
    write_links(conn, item, true)?;
    record_change(conn, item.id, ChangeOp::Upsert, item.updated_at)
}

/// Deletes an item and its links, and records the change. False when there was no such item.
pub fn delete_item(conn: &Connection, id: Id, now: DateTime<Utc>) -> Result<bool> {
    let deleted = conn.prepare_cached("DELETE FROM items WHERE id = ?1")?.execute([id.to_string()])?;
    if deleted > 0 {
        record_change(conn, id, ChangeOp::Delete, now)?;
    }
    Ok(deleted > 0)
}

/// Loads one item with its links.
pub fn get_item(conn: &Connection, id: Id) -> Result<Option<Item>> {
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE i.id = ?1");
    let item = conn.prepare_cached(&sql)?.query_row([id.to_string()], item_from_row).optional()?;
    match item {
        Some(mut item) => {
            load_links(conn, &mut item)?;
            Ok(Some(item))
        }
        None => Ok(None),
    }
}

/// Loads the items with these ids, with their links, keyed by id; ids with no item are left out.
///
/// One query for the items and one per link table, whatever the number of ids (a search's
/// page of hits), instead of `get_item`'s five per item. Each item's links come in the order
/// `get_item` gives them.
pub fn get_items(conn: &Connection, ids: &[Id]) -> Result<HashMap<Id, Item>> {
    let mut items = HashMap::with_capacity(ids.len());
    if ids.is_empty() {
        return Ok(items);
    }
    // The ids as one JSON array, read by `json_each`: one statement, prepared once, for any count.
    let list = serde_json::to_string(&ids.iter().map(Id::to_string).collect::<Vec<_>>()).expect("ids serialize");
    const IDS: &str = "(SELECT value FROM json_each(?1))";
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE i.id IN {IDS}");
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([&list])?;
    while let Some(row) = rows.next()? {
        let item = item_from_row(row)?;
        items.insert(item.id, item);
    }
    // Each link query: the item id, then the value, in `load_links`' order within an item.
    let names = |sql: &str, items: &mut HashMap<Id, Item>, put: fn(&mut Item, String)| -> Result<()> {
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = stmt.query([&list])?;
        while let Some(row) = rows.next()? {
            let id = parse_id(&row.get::<_, String>(0)?)?;
            if let Some(item) = items.get_mut(&id) {
                put(item, row.get(1)?);
            }
        }
        Ok(())
    };
    names(
        &format!(
            "SELECT it.item_id, t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id \
             WHERE it.item_id IN {IDS} ORDER BY it.item_id, t.name"
        ),
        &mut items,
        |item, name| item.tags.push(name),
    )?;
    names(
        &format!(
            "SELECT ci.item_id, c.name FROM collection_items ci JOIN collections c ON c.id = ci.collection_id \
             WHERE ci.item_id IN {IDS} ORDER BY ci.item_id, c.name"
        ),
        &mut items,
        |item, name| item.collections.push(name),
    )?;
    names(
        &format!(
            "SELECT ip.item_id, p.name FROM item_people ip JOIN persons p ON p.id = ip.person_id \
             WHERE ip.item_id IN {IDS} ORDER BY ip.item_id, ip.position"
        ),
        &mut items,
        |item, name| item.people.push(name),
    )?;
    names(
        &format!(
            "SELECT ia.item_id, p.name FROM item_authors ia JOIN persons p ON p.id = ia.person_id \
             WHERE ia.item_id IN {IDS} ORDER BY ia.item_id, ia.position"
        ),
        &mut items,
        |item, name| {
            if let ItemDetails::Article(a) = &mut item.details {
                a.authors.push(name);
            }
        },
    )?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT item_id, x, y, w, h, label FROM redactions WHERE item_id IN {IDS} ORDER BY item_id, position"
    ))?;
    let mut rows = stmt.query([&list])?;
    while let Some(r) = rows.next()? {
        let id = parse_id(&r.get::<_, String>(0)?)?;
        if let Some(item) = items.get_mut(&id) {
            item.redactions.push(Redaction {
                x: r.get(1)?,
                y: r.get(2)?,
                w: r.get(3)?,
                h: r.get(4)?,
                label: r.get(5)?,
            });
        }
    }
    Ok(items)
}

/// Calls `each` with every item, in id order (which is creation order).
///
/// One pass over the items and one over each link table, side by side in item order (a merge
/// join), instead of five lookups per item: a reindex of a million items reads at SQLite's speed.
pub fn for_each_item(conn: &Connection, each: impl FnMut(Item) -> Result<()>) -> Result<()> {
    read_items(conn, None, each)
}

/// Calls `each` with every item changed after change `seq` that still exists, in id order
/// (how the index catches up: a few queries for a whole import batch, not five per item).
pub fn for_each_item_changed_since(conn: &Connection, seq: i64, each: impl FnMut(Item) -> Result<()>) -> Result<()> {
    read_items(conn, Some(seq), each)
}

fn read_items(conn: &Connection, changed_since: Option<i64>, mut each: impl FnMut(Item) -> Result<()>) -> Result<()> {
    // Restricts a query to the items changed since the sequence number bound as ?1.
    let only = |column: &str| match changed_since {
        Some(_) => format!("WHERE {column} IN (SELECT item_id FROM changes WHERE seq > ?1)"),
        None => String::new(),
    };
    let sql = format!("SELECT {COLUMNS} {FROM} {} ORDER BY i.id", only("i.id"));
    let mut stmt = conn.prepare(&sql)?;
    // Each link query: the item id, a key that orders an item's links as `load_links` does
    // (names compare as SQLite's NOCASE does: ASCII folded), then the value.
    let mut tags = conn.prepare(&format!(
        "SELECT it.item_id, lower(t.name), t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id {} \
         ORDER BY it.item_id",
        only("it.item_id")
    ))?;
    let mut collections = conn.prepare(&format!(
        "SELECT ci.item_id, lower(c.name), c.name FROM collection_items ci \
         JOIN collections c ON c.id = ci.collection_id {} ORDER BY ci.item_id",
        only("ci.item_id")
    ))?;
    let mut people = conn.prepare(&format!(
        "SELECT ip.item_id, printf('%020d', ip.position), p.name FROM item_people ip \
         JOIN persons p ON p.id = ip.person_id {} ORDER BY ip.item_id",
        only("ip.item_id")
    ))?;
    let mut authors = conn.prepare(&format!(
        "SELECT ia.item_id, printf('%020d', ia.position), p.name FROM item_authors ia \
         JOIN persons p ON p.id = ia.person_id {} ORDER BY ia.item_id",
        only("ia.item_id")
    ))?;
    let mut redactions = conn.prepare(&format!(
        "SELECT item_id, printf('%020d', position), x, y, w, h, label FROM redactions {} ORDER BY item_id",
        only("item_id")
    ))?;
    let params: Vec<i64> = changed_since.into_iter().collect();
    let params = rusqlite::params_from_iter(params);
    let name = |r: &Row<'_>| r.get::<_, String>(2);
    let mut tags = Links::new(tags.query(params.clone())?, name);
    let mut collections = Links::new(collections.query(params.clone())?, name);
    let mut people = Links::new(people.query(params.clone())?, name);
    let mut authors = Links::new(authors.query(params.clone())?, name);
    let mut redactions = Links::new(redactions.query(params.clone())?, |r| {
        Ok(Redaction { x: r.get(2)?, y: r.get(3)?, w: r.get(4)?, h: r.get(5)?, label: r.get(6)? })
    });
    let mut rows = stmt.query(params)?;
    while let Some(row) = rows.next()? {
        let mut item = item_from_row(row)?;
        let id = item.id.to_string();
        item.tags = tags.take(&id)?;
        item.collections = collections.take(&id)?;
        item.people = people.take(&id)?;
        item.redactions = redactions.take(&id)?;
        let item_authors = authors.take(&id)?;
        if let ItemDetails::Article(a) = &mut item.details {
            a.authors = item_authors;
        }
        each(item)?;
    }
    Ok(())
}

/// One link table read in item order, for `for_each_item`'s merge join.
struct Links<'s, T, F> {
    rows: rusqlite::Rows<'s>,
    read: F,
    /// The next row not yet taken: its item id, sort key and value.
    next: Option<(String, String, T)>,
    started: bool,
}

impl<'s, T, F: Fn(&Row<'_>) -> rusqlite::Result<T>> Links<'s, T, F> {
    fn new(rows: rusqlite::Rows<'s>, read: F) -> Self {
        Links { rows, read, next: None, started: false }
    }

    fn advance(&mut self) -> Result<()> {
        self.next = match self.rows.next()? {
            Some(r) => Some((r.get(0)?, r.get(1)?, (self.read)(r)?)),
            None => None,
        };
        Ok(())
    }

    /// The links of item `id`, in order; items are asked for in ascending id order.
    fn take(&mut self, id: &str) -> Result<Vec<T>> {
        if !self.started {
            self.started = true;
            self.advance()?;
        }
        let mut found: Vec<(String, T)> = Vec::new();
        while let Some((item, ..)) = &self.next {
            match item.as_str().cmp(id) {
                // A link of an item that no longer exists: skip it.
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => {
                    let (_, key, value) = self.next.take().expect("peeked");
                    found.push((key, value));
                }
                std::cmp::Ordering::Greater => break,
            }
            self.advance()?;
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(found.into_iter().map(|(_, v)| v).collect())
    }
}

/// Finds the item whose id is `id`, or starts with it (at least 4 characters).
pub fn resolve_id(conn: &Connection, id: &str) -> Result<Id> {
    let id = id.trim().to_lowercase();
    if let Ok(full) = id.parse::<Id>() {
        return Ok(full);
    }
    if id.len() < 4 || !id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Err(Error::ItemNotFound { id });
    }
    let mut stmt = conn.prepare_cached("SELECT id FROM items WHERE id >= ?1 AND id < ?2 LIMIT 2")?;
    let upper = format!("{id}\u{10FFFF}");
    let found: Vec<String> = stmt.query_map(params![id, upper], |r| r.get(0))?.collect::<Result<_, _>>()?;
    match found.len() {
        0 => Err(Error::ItemNotFound { id }),
        1 => parse_id(&found[0]),
        _ => {
            let count: i64 =
                conn.query_row("SELECT count(*) FROM items WHERE id >= ?1 AND id < ?2", params![id, upper], |r| {
                    r.get(0)
                })?;
            Err(Error::AmbiguousId { id, count: count as usize })
        }
    }
}

/// The item that already holds a file with this hash.
pub fn item_with_file(conn: &Connection, sha256: &str) -> Result<Option<Id>> {
    let id: Option<String> = conn
        .prepare_cached("SELECT id FROM items WHERE sha256 = ?1 LIMIT 1")?
        .query_row([sha256], |r| r.get(0))
        .optional()?;
    id.map(|s| parse_id(&s)).transpose()
}

/// The id of every item.
pub fn item_ids(conn: &Connection) -> Result<Vec<Id>> {
    let mut stmt = conn.prepare("SELECT id FROM items")?;
    let ids: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    ids.iter().map(|s| parse_id(s)).collect()
}

/// Whether an item with this id exists.
pub fn item_exists(conn: &Connection, id: Id) -> Result<bool> {
    Ok(conn.prepare_cached("SELECT 1 FROM items WHERE id = ?1")?.exists([id.to_string()])?)
}

/// What makes two quotes the same: the same words (ignoring case and spacing) by the same
/// speaker.
pub fn quote_fingerprint(text: &str, speaker: Option<&str>) -> String {
    use sha2::{Digest, Sha256};
    let key = format!("{}\u{0}{}", super::name_key(text), speaker.map(super::name_key).unwrap_or_default());
    hex::encode(&Sha256::digest(key.as_bytes())[..16])
}

/// The id of a quote with the same words and speaker, if one exists (duplicate detection).
pub fn find_quote(conn: &Connection, text: &str, speaker: Option<&str>) -> Result<Option<Id>> {
    find_quote_by_fingerprint(conn, &quote_fingerprint(text, speaker))
}

/// The id of a quote with this `quote_fingerprint`, if one exists.
pub fn find_quote_by_fingerprint(conn: &Connection, fingerprint: &str) -> Result<Option<Id>> {
    let id: Option<String> = conn
        .prepare_cached("SELECT id FROM items WHERE fingerprint = ?1 LIMIT 1")?
        .query_row([fingerprint], |r| r.get(0))
        .optional()?;
    id.map(|s| parse_id(&s)).transpose()
}

/// Parses an id read from the database.
pub fn parse_id(s: &str) -> Result<Id> {
    s.parse().map_err(|_| Error::invalid("id", format!("{s:?} is not a UUID")))
}

struct Refs {
    place: Option<String>,
    event: Option<String>,
    speaker: Option<String>,
}

fn resolve_refs(conn: &Connection, item: &Item) -> Result<Refs> {
    Ok(Refs {
        place: item.place.as_deref().map(|p| place_id_or_create(conn, p)).transpose()?,
        event: item.event.as_deref().map(|e| event_id_or_create(conn, e)).transpose()?,
        speaker: item.speaker().map(|s| person_id_or_create(conn, s)).transpose()?,
    })
}

fn row_values(item: &Item, refs: &Refs) -> Vec<rusqlite::types::Value> {
    use rusqlite::types::Value;
    fn text(s: Option<&str>) -> Value {
        s.map_or(Value::Null, |s| Value::Text(s.to_string()))
    }
    fn int(n: Option<i64>) -> Value {
        n.map_or(Value::Null, Value::Integer)
    }
    fn real(n: Option<f64>) -> Value {
        n.map_or(Value::Null, Value::Real)
    }
    let (quote, photo, article) = match &item.details {
        ItemDetails::Quote(q) => (Some(q), None, None),
        ItemDetails::Photo(p) => (None, Some(p), None),
        ItemDetails::Article(a) => (None, None, Some(a)),
    };
    vec![
        Value::Text(item.id.to_string()),
        Value::Text(item.kind().as_str().to_string()),
        Value::Text(item.title.clone()),
        text(item.date.as_ref().map(EdtfDate::as_str)),
        int(item.date.as_ref().map(EdtfDate::sort_key)),
        text(refs.place.as_deref()),
        text(refs.event.as_deref()),
        text(item.description.as_deref()),
        text(item.language.as_deref()),
        text(item.source.as_deref()),
        text(item.credit.as_deref()),
        text(item.rights.as_deref()),
        Value::Text(item.sensitivity.as_str().to_string()),
        Value::Text(item.consent.as_str().to_string()),
        Value::Integer(item.demo as i64),
        Value::Text(item.created_at.to_rfc3339()),
        Value::Text(item.updated_at.to_rfc3339()),
        text(quote.map(|q| q.text.as_str())),
        text(refs.speaker.as_deref()),
        text(quote.and_then(|q| q.role.as_deref())),
        text(quote.and_then(|q| q.context.as_deref())),
        text(quote.and_then(|q| q.source_item).map(|i| i.to_string()).as_deref()),
        text(quote.and_then(|q| q.translation.as_deref())),
        text(item.sha256()),
        text(photo.and_then(|p| p.file_name.as_deref()).or(article.and_then(|a| a.file_name.as_deref()))),
        int(photo.and_then(|p| p.width).map(i64::from)),
        int(photo.and_then(|p| p.height).map(i64::from)),
        text(photo.and_then(|p| p.format.as_deref())),
        text(photo.and_then(|p| p.taken_at.as_deref())),
        real(photo.and_then(|p| p.gps).map(|g| g.lat)),
        real(photo.and_then(|p| p.gps).map(|g| g.lon)),
        text(photo.and_then(|p| p.camera.as_deref())),
        int(photo.and_then(|p| p.orientation).map(i64::from)),
        text(photo.and_then(|p| p.caption.as_deref())),
        text(article.map(|a| a.headline.as_str())),
        text(article.and_then(|a| a.outlet.as_deref())),
        text(article.and_then(|a| a.url.as_deref())),
        text(article.map(|a| a.body.as_str())),
        text(quote.map(|q| quote_fingerprint(&q.text, q.speaker.as_deref())).as_deref()),
    ]
}

fn write_links(conn: &Connection, item: &Item, replace: bool) -> Result<()> {
    let id = item.id.to_string();
    if replace {
        conn.prepare_cached("DELETE FROM item_tags WHERE item_id = ?1")?.execute([&id])?;
        conn.prepare_cached("DELETE FROM item_authors WHERE item_id = ?1")?.execute([&id])?;
        conn.prepare_cached("DELETE FROM item_people WHERE item_id = ?1")?.execute([&id])?;
        conn.prepare_cached("DELETE FROM redactions WHERE item_id = ?1")?.execute([&id])?;
    }
    for (position, name) in item.people.iter().enumerate() {
        let person = person_id_or_create(conn, name)?;
        conn.prepare_cached("INSERT OR IGNORE INTO item_people (item_id, person_id, position) VALUES (?1, ?2, ?3)")?
            .execute(params![id, person, position as i64])?;
    }
    for (position, r) in item.redactions.iter().enumerate() {
        let r = r.clone().checked()?;
        conn.prepare_cached(
            "INSERT INTO redactions (item_id, position, x, y, w, h, label) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![id, position as i64, r.x, r.y, r.w, r.h, r.label])?;
    }
    for tag in item.tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        let tag_id = tag_id_or_create(conn, tag)?;
        conn.prepare_cached("INSERT OR IGNORE INTO item_tags (item_id, tag_id) VALUES (?1, ?2)")?
            .execute(params![id, tag_id])?;
    }
    if let ItemDetails::Article(a) = &item.details {
        for (position, author) in a.authors.iter().enumerate() {
            let person = person_id_or_create(conn, author)?;
            conn.prepare_cached("INSERT INTO item_authors (item_id, person_id, position) VALUES (?1, ?2, ?3)")?
                .execute(params![id, person, position as i64])?;
        }
    }
    // Collections: leave memberships the item keeps where they are (their order is the
    // collection's), drop the ones it left, append the new ones at the end.
    let mut kept = Vec::new();
    for name in &item.collections {
        kept.push(collection_id_or_create(conn, name, item.updated_at)?);
    }
    if replace {
        let current: Vec<String> = conn
            .prepare_cached("SELECT collection_id FROM collection_items WHERE item_id = ?1")?
            .query_map([&id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for gone in current.iter().filter(|c| !kept.contains(c)) {
            conn.prepare_cached("DELETE FROM collection_items WHERE collection_id = ?1 AND item_id = ?2")?
                .execute(params![gone, id])?;
        }
    }
    for collection in kept {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO collection_items (collection_id, item_id, position) \
             SELECT ?1, ?2, coalesce(max(position), 0) + 1 FROM collection_items WHERE collection_id = ?1",
        )?
        .execute(params![collection, id])?;
    }
    Ok(())
}

fn load_links(conn: &Connection, item: &mut Item) -> Result<()> {
    let id = item.id.to_string();
    item.tags = conn
        .prepare_cached(
            "SELECT t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id WHERE it.item_id = ?1 ORDER BY t.name",
        )?
        .query_map([&id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    item.collections = conn
        .prepare_cached(
            "SELECT c.name FROM collection_items ci JOIN collections c ON c.id = ci.collection_id \
             WHERE ci.item_id = ?1 ORDER BY c.name",
        )?
        .query_map([&id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    item.people = conn
        .prepare_cached(
            "SELECT p.name FROM item_people ip JOIN persons p ON p.id = ip.person_id \
             WHERE ip.item_id = ?1 ORDER BY ip.position",
        )?
        .query_map([&id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    item.redactions = conn
        .prepare_cached("SELECT x, y, w, h, label FROM redactions WHERE item_id = ?1 ORDER BY position")?
        .query_map([&id], |r| {
            Ok(Redaction { x: r.get(0)?, y: r.get(1)?, w: r.get(2)?, h: r.get(3)?, label: r.get(4)? })
        })?
        .collect::<Result<_, _>>()?;
    if let ItemDetails::Article(a) = &mut item.details {
        a.authors = conn
            .prepare_cached(
                "SELECT p.name FROM item_authors ia JOIN persons p ON p.id = ia.person_id \
                 WHERE ia.item_id = ?1 ORDER BY ia.position",
            )?
            .query_map([&id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
    }
    Ok(())
}

fn item_from_row(r: &Row<'_>) -> rusqlite::Result<Item> {
    fn bad(column: usize, what: String) -> rusqlite::Error {
        rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, what.into())
    }
    let id: String = r.get(0)?;
    let kind: String = r.get(1)?;
    let date: Option<String> = r.get(3)?;
    let time = |i: usize| -> rusqlite::Result<DateTime<Utc>> {
        let s: String = r.get(i)?;
        DateTime::parse_from_rfc3339(&s).map(|t| t.with_timezone(&Utc)).map_err(|e| bad(i, e.to_string()))
    };
    let gps = match (r.get::<_, Option<f64>>(28)?, r.get::<_, Option<f64>>(29)?) {
        (Some(lat), Some(lon)) => Some(Gps { lat, lon }),
        _ => None,
    };
    let details = match kind.as_str() {
        "quote" => ItemDetails::Quote(QuoteDetails {
            text: r.get::<_, Option<String>>(16)?.unwrap_or_default(),
            speaker: r.get(17)?,
            role: r.get(18)?,
            context: r.get(19)?,
            source_item: r.get::<_, Option<String>>(20)?.and_then(|s| s.parse().ok()),
            translation: r.get(21)?,
        }),
        "photo" => ItemDetails::Photo(PhotoDetails {
            sha256: r.get::<_, Option<String>>(22)?.unwrap_or_default(),
            file_name: r.get(23)?,
            width: r.get(24)?,
            height: r.get(25)?,
            format: r.get(26)?,
            taken_at: r.get(27)?,
            gps,
            camera: r.get(30)?,
            orientation: r.get(31)?,
            caption: r.get(32)?,
        }),
        "article" => ItemDetails::Article(ArticleDetails {
            headline: r.get::<_, Option<String>>(33)?.unwrap_or_default(),
            outlet: r.get(34)?,
            authors: Vec::new(),
            url: r.get(35)?,
            body: r.get::<_, Option<String>>(36)?.unwrap_or_default(),
            sha256: r.get(22)?,
            file_name: r.get(23)?,
        }),
        other => return Err(bad(1, format!("unknown item kind {other:?}"))),
    };
    let sensitivity: String = r.get(11)?;
    let consent: String = r.get(12)?;
    Ok(Item {
        id: id.parse().map_err(|_| bad(0, format!("{id:?} is not a UUID")))?,
        title: r.get(2)?,
        date: date.map(|d| d.parse::<EdtfDate>().map_err(|e| bad(3, e.to_string()))).transpose()?,
        place: r.get(4)?,
        event: r.get(5)?,
        description: r.get(6)?,
        tags: Vec::new(),
        collections: Vec::new(),
        people: Vec::new(),
        redactions: Vec::new(),
        language: r.get(7)?,
        source: r.get(8)?,
        credit: r.get(9)?,
        rights: r.get(10)?,
        sensitivity: crate::model::Sensitivity::parse(&sensitivity).map_err(|e| bad(11, e.to_string()))?,
        consent: crate::model::Consent::parse(&consent).map_err(|e| bad(12, e.to_string()))?,
        demo: r.get(13)?,
        created_at: time(14)?,
        updated_at: time(15)?,
        details,
    })
}
