//! Writing items (reading them back is `reads`). One row in `items` per item, kind-specific columns left NULL for
//! the other kinds; tags, collections and authors in link tables. Every write records a change.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::entities::{
    collection_id_or_create, event_id_or_create, person_id_or_create, place_id_or_create, tag_id_or_create,
};
use crate::date::EdtfDate;
use crate::error::{Error, Result};
use crate::model::{DateRule, Id, Item, ItemDetails};

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

/// Inserts a new item with its links, and records the change.
pub fn insert_item(conn: &Connection, item: &Item) -> Result<()> {
    crate::templates::check_item(conn, item)?;
    let refs = resolve_refs(conn, item)?;
    conn.prepare_cached(
        "INSERT INTO items (id, kind, title, date, date_sort, place_id, event_id, description, language, \
         source, credit, rights, sensitivity, consent, demo, created_at, updated_at, text, speaker_id, role, \
         context, source_item_id, translation, sha256, file_name, width, height, format, taken_at, gps_lat, \
         gps_lon, camera, orientation, caption, headline, outlet, url, body, fingerprint, description_public, \
         ocr_text, date_rule, template, custom) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, \
         ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39, ?40, ?41, ?42, \
         ?43, ?44)",
    )?
    .execute(rusqlite::params_from_iter(row_values(item, &refs)))?;
    write_links(conn, item, false)?;
    crate::history::record_item(conn, item)?;
    record_change(conn, item.id, ChangeOp::Upsert, item.updated_at)
}

/// Replaces an existing item's fields and links, and records the change. An article whose date
/// changes while its date rule stays as stored loses the rule: the importer no longer explains
/// that date (a person edited it); a new rule given with the new date is kept.
pub fn update_item(conn: &Connection, item: &Item) -> Result<()> {
    crate::history::baseline_item(conn, item.id)?;
    crate::templates::check_item(conn, item)?;
    let refs = resolve_refs(conn, item)?;
    let changed = conn
        .prepare_cached(
            "UPDATE items SET kind = ?2, title = ?3, date = ?4, date_sort = ?5, place_id = ?6, event_id = ?7, \
             description = ?8, language = ?9, source = ?10, credit = ?11, rights = ?12, sensitivity = ?13, \
             consent = ?14, demo = ?15, created_at = ?16, updated_at = ?17, text = ?18, speaker_id = ?19, \
             role = ?20, context = ?21, source_item_id = ?22, translation = ?23, sha256 = ?24, file_name = ?25, \
             width = ?26, height = ?27, format = ?28, taken_at = ?29, gps_lat = ?30, gps_lon = ?31, \
             camera = ?32, orientation = ?33, caption = ?34, headline = ?35, outlet = ?36, url = ?37, \
             body = ?38, fingerprint = ?39, description_public = ?40, ocr_text = ?41, template = ?43, custom = ?44, \
             date_rule = CASE WHEN date IS ?4 OR date_rule IS NOT ?42 THEN ?42 END WHERE id = ?1",
        )?
        .execute(rusqlite::params_from_iter(row_values(item, &refs)))?;
    if changed == 0 {
        return Err(Error::ItemNotFound { id: item.id.to_string() });
    }
    write_links(conn, item, true)?;
    crate::history::record_item(conn, item)?;
    record_change(conn, item.id, ChangeOp::Upsert, item.updated_at)
}

/// Deletes an item and its links, and records the change. False when there was no such item.
///
/// The ids of the people, places, events, tags and collections it was linked to are kept (ids
/// only, no text) until it is restored or purged: a purge of an item deleted earlier removes
/// those that nothing else uses, which it could not find otherwise.
pub fn delete_item(conn: &Connection, id: Id, now: DateTime<Utc>) -> Result<bool> {
    crate::history::baseline_item(conn, id)?;
    conn.prepare_cached(
        "INSERT INTO deleted_links (item_id, entity, entity_id) \
         SELECT id, 'person', speaker_id FROM items WHERE id = ?1 AND speaker_id IS NOT NULL \
         UNION ALL SELECT id, 'place', place_id FROM items WHERE id = ?1 AND place_id IS NOT NULL \
         UNION ALL SELECT id, 'event', event_id FROM items WHERE id = ?1 AND event_id IS NOT NULL \
         UNION ALL SELECT item_id, 'person', person_id FROM item_people WHERE item_id = ?1 \
         UNION ALL SELECT item_id, 'person', person_id FROM item_authors WHERE item_id = ?1 \
         UNION ALL SELECT item_id, 'tag', CAST(tag_id AS TEXT) FROM item_tags WHERE item_id = ?1 \
         UNION ALL SELECT item_id, 'collection', collection_id FROM collection_items WHERE item_id = ?1",
    )?
    .execute([id.to_string()])?;
    let deleted = conn.prepare_cached("DELETE FROM items WHERE id = ?1")?.execute([id.to_string()])?;
    if deleted > 0 {
        crate::history::record_item_deleted(conn, id, now)?;
        conn.prepare_cached("INSERT OR IGNORE INTO tombstones (item_id, kind, at) VALUES (?1, 'deleted', ?2)")?
            .execute(params![id.to_string(), now.to_rfc3339()])?;
        record_change(conn, id, ChangeOp::Delete, now)?;
    }
    Ok(deleted > 0)
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
        Value::Integer(item.description_public as i64),
        text(item.ocr_text.as_deref()),
        text(article.and_then(|a| a.date_rule).map(DateRule::as_str)),
        text(item.template.as_deref()),
        text((!item.custom.is_empty()).then(|| serde_json::to_string(&item.custom).unwrap_or_default()).as_deref()),
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
