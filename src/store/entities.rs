//! People, places, events, organizations, tags, collections and stored files: found by name
//! (case- and space-insensitively) or created on first use.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::items::parse_id;
use super::name_key;
use crate::date::EdtfDate;
use crate::error::{Error, Result};
use crate::model::{Collection, Event, Gps, Id, Organization, Person, Place, Stats, TagCount, new_id};

fn id_or_create(conn: &Connection, table: &str, name: &str) -> Result<String> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(Error::invalid(table, "a name must not be empty"));
    }
    let key = name_key(&name);
    // The statements by table, written out: this runs for every quote an import adds.
    let (select, insert) = match table {
        "persons" => (
            "SELECT id FROM persons WHERE name_key = ?1",
            "INSERT INTO persons (id, name, name_key) VALUES (?1, ?2, ?3)",
        ),
        "places" => {
            ("SELECT id FROM places WHERE name_key = ?1", "INSERT INTO places (id, name, name_key) VALUES (?1, ?2, ?3)")
        }
        "events" => {
            ("SELECT id FROM events WHERE name_key = ?1", "INSERT INTO events (id, name, name_key) VALUES (?1, ?2, ?3)")
        }
        "organizations" => (
            "SELECT id FROM organizations WHERE name_key = ?1",
            "INSERT INTO organizations (id, name, name_key) VALUES (?1, ?2, ?3)",
        ),
        other => unreachable!("no entity table {other}"),
    };
    let found: Option<String> = conn.prepare_cached(select)?.query_row([&key], |r| r.get(0)).optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    let id = new_id().to_string();
    conn.prepare_cached(insert)?.execute(params![id, name, key])?;
    Ok(id)
}

/// The id of the person with this name, created if missing.
pub fn person_id_or_create(conn: &Connection, name: &str) -> Result<String> {
    id_or_create(conn, "persons", name)
}

/// The id of the place with this name, created if missing.
pub fn place_id_or_create(conn: &Connection, name: &str) -> Result<String> {
    id_or_create(conn, "places", name)
}

/// The id of the event with this name, created if missing.
pub fn event_id_or_create(conn: &Connection, name: &str) -> Result<String> {
    id_or_create(conn, "events", name)
}

/// The id of the tag with this name, created if missing.
pub fn tag_id_or_create(conn: &Connection, name: &str) -> Result<i64> {
    let select = "SELECT id FROM tags WHERE name = ?1";
    if let Some(id) = conn.prepare_cached(select)?.query_row([name], |r| r.get(0)).optional()? {
        return Ok(id);
    }
    conn.prepare_cached("INSERT INTO tags (name) VALUES (?1)")?.execute([name])?;
    Ok(conn.last_insert_rowid())
}

/// The id of the collection with this name, created if missing.
pub fn collection_id_or_create(conn: &Connection, name: &str, now: DateTime<Utc>) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("collection", "a name must not be empty"));
    }
    let found: Option<String> = conn
        .prepare_cached("SELECT id FROM collections WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    let id = new_id().to_string();
    conn.prepare_cached("INSERT INTO collections (id, name, created_at) VALUES (?1, ?2, ?3)")?.execute(params![
        id,
        name,
        now.to_rfc3339()
    ])?;
    Ok(id)
}

/// The id of a collection by name.
pub fn collection_id(conn: &Connection, name: &str) -> Result<Id> {
    let id: Option<String> = conn
        .prepare_cached("SELECT id FROM collections WHERE name = ?1")?
        .query_row([name.trim()], |r| r.get(0))
        .optional()?;
    match id {
        Some(id) => parse_id(&id),
        None => Err(Error::CollectionNotFound { name: name.to_string() }),
    }
}

/// Sets a person's description (creating the person if needed).
pub fn describe_person(conn: &Connection, name: &str, description: &str) -> Result<()> {
    let id = person_id_or_create(conn, name)?;
    conn.execute("UPDATE persons SET description = ?2 WHERE id = ?1", params![id, description])?;
    Ok(())
}

/// Sets a place's coordinates (creating the place if needed).
pub fn locate_place(conn: &Connection, name: &str, gps: Gps) -> Result<()> {
    let id = place_id_or_create(conn, name)?;
    conn.execute("UPDATE places SET lat = ?2, lon = ?3 WHERE id = ?1", params![id, gps.lat, gps.lon])?;
    Ok(())
}

/// Sets an event's date, place and description (creating the event if needed).
pub fn describe_event(
    conn: &Connection,
    name: &str,
    date: Option<&EdtfDate>,
    place: Option<&str>,
    description: Option<&str>,
) -> Result<()> {
    let id = event_id_or_create(conn, name)?;
    let place = place.map(|p| place_id_or_create(conn, p)).transpose()?;
    conn.execute(
        "UPDATE events SET date = ?2, place_id = ?3, description = ?4 WHERE id = ?1",
        params![id, date.map(EdtfDate::as_str), place, description],
    )?;
    Ok(())
}

/// Records an organization (a school, a union), creating it if needed.
pub fn add_organization(conn: &Connection, name: &str, kind: Option<&str>, place: Option<&str>) -> Result<()> {
    let id = id_or_create(conn, "organizations", name)?;
    let place = place.map(|p| place_id_or_create(conn, p)).transpose()?;
    conn.execute("UPDATE organizations SET kind = ?2, place_id = ?3 WHERE id = ?1", params![id, kind, place])?;
    Ok(())
}

/// Every person, by name, with how many items point to them.
pub fn list_people(conn: &Connection) -> Result<Vec<Person>> {
    let mut stmt = conn.prepare(
        "SELECT p.id, p.name, p.description, \
         (SELECT count(*) FROM items WHERE speaker_id = p.id) + (SELECT count(*) FROM item_authors WHERE person_id = p.id) \
         FROM persons p ORDER BY p.name_key",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get::<_, i64>(3)?)))?;
    rows.map(|row| {
        let (id, name, description, items) = row?;
        Ok(Person { id: parse_id(&id)?, name, description, items: items as u64 })
    })
    .collect()
}

/// Every place, by name.
pub fn list_places(conn: &Connection) -> Result<Vec<Place>> {
    let mut stmt = conn.prepare(
        "SELECT p.id, p.name, p.lat, p.lon, (SELECT count(*) FROM items WHERE place_id = p.id) \
         FROM places p ORDER BY p.name_key",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get(1)?,
            r.get::<_, Option<f64>>(2)?,
            r.get::<_, Option<f64>>(3)?,
            r.get::<_, i64>(4)?,
        ))
    })?;
    rows.map(|row| {
        let (id, name, lat, lon, items) = row?;
        let gps = lat.zip(lon).map(|(lat, lon)| Gps { lat, lon });
        Ok(Place { id: parse_id(&id)?, name, gps, items: items as u64 })
    })
    .collect()
}

/// Every event, by date.
pub fn list_events(conn: &Connection) -> Result<Vec<Event>> {
    let mut stmt = conn.prepare(
        "SELECT e.id, e.name, e.date, pl.name, e.description, (SELECT count(*) FROM items WHERE event_id = e.id) \
         FROM events e LEFT JOIN places pl ON pl.id = e.place_id ORDER BY e.date, e.name_key",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get::<_, i64>(5)?,
        ))
    })?;
    rows.map(|row| {
        let (id, name, date, place, description, items) = row?;
        let date = date.map(|d| d.parse::<EdtfDate>()).transpose()?;
        Ok(Event { id: parse_id(&id)?, name, date, place, description, items: items as u64 })
    })
    .collect()
}

/// Every organization, by name.
pub fn list_organizations(conn: &Connection) -> Result<Vec<Organization>> {
    let mut stmt = conn.prepare(
        "SELECT o.id, o.name, o.kind, pl.name FROM organizations o LEFT JOIN places pl ON pl.id = o.place_id \
         ORDER BY o.name_key",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    rows.map(|row| {
        let (id, name, kind, place) = row?;
        Ok(Organization { id: parse_id(&id)?, name, kind, place })
    })
    .collect()
}

/// Every tag with its item count, by name.
pub fn list_tags(conn: &Connection) -> Result<Vec<TagCount>> {
    let mut stmt = conn.prepare(
        "SELECT t.name, count(it.item_id) FROM tags t LEFT JOIN item_tags it ON it.tag_id = t.id \
         GROUP BY t.id HAVING count(it.item_id) > 0 ORDER BY t.name",
    )?;
    let rows = stmt.query_map([], |r| Ok(TagCount { name: r.get(0)?, items: r.get::<_, i64>(1)? as u64 }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every collection with its items in order.
pub fn list_collections(conn: &Connection) -> Result<Vec<Collection>> {
    let mut stmt = conn.prepare("SELECT id, name, description FROM collections ORDER BY name")?;
    let rows: Vec<(String, String, Option<String>)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|(id, name, description)| {
            let items = collection_item_ids(conn, &id)?;
            Ok(Collection { id: parse_id(&id)?, name, description, items })
        })
        .collect()
}

/// The items of a collection, in order.
pub fn collection_item_ids(conn: &Connection, collection_id: &str) -> Result<Vec<Id>> {
    let ids: Vec<String> = conn
        .prepare_cached("SELECT item_id FROM collection_items WHERE collection_id = ?1 ORDER BY position")?
        .query_map([collection_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    ids.iter().map(|s| parse_id(s)).collect()
}

/// Records a stored file.
pub fn insert_blob(conn: &Connection, sha256: &str, size: u64, media_type: &str, now: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO blobs (sha256, size, media_type, added_at) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![sha256, size as i64, media_type, now.to_rfc3339()])?;
    Ok(())
}

/// Every stored file an item points to: (item id, sha256).
pub fn item_files(conn: &Connection) -> Result<Vec<(Id, String)>> {
    let mut stmt = conn.prepare("SELECT id, sha256 FROM items WHERE sha256 IS NOT NULL ORDER BY id")?;
    let rows: Vec<(String, String)> = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    rows.into_iter().map(|(id, sha)| Ok((parse_id(&id)?, sha))).collect()
}

/// Every hash a file record or an item names: the files the store must keep.
pub fn referenced_files(conn: &Connection) -> Result<std::collections::HashSet<String>> {
    let mut stmt = conn.prepare("SELECT sha256 FROM blobs UNION SELECT sha256 FROM items WHERE sha256 IS NOT NULL")?;
    let shas = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(shas)
}

/// Removes file records no item points to, returning their hashes.
pub fn drop_unreferenced_blobs(conn: &Connection) -> Result<Vec<String>> {
    let orphans: Vec<String> = conn
        .prepare("SELECT sha256 FROM blobs WHERE sha256 NOT IN (SELECT sha256 FROM items WHERE sha256 IS NOT NULL)")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for sha in &orphans {
        conn.execute("DELETE FROM blobs WHERE sha256 = ?1", [sha])?;
    }
    Ok(orphans)
}

/// Counts of everything in the store (the index count is filled in by the archive).
pub fn stats(conn: &Connection) -> Result<Stats> {
    let count = |sql: &str| -> Result<u64> { Ok(conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64) };
    Ok(Stats {
        items: count("SELECT count(*) FROM items")?,
        quotes: count("SELECT count(*) FROM items WHERE kind = 'quote'")?,
        photos: count("SELECT count(*) FROM items WHERE kind = 'photo'")?,
        articles: count("SELECT count(*) FROM items WHERE kind = 'article'")?,
        files: count("SELECT count(*) FROM blobs")?,
        index_docs: 0,
        people: count("SELECT count(*) FROM persons")?,
        places: count("SELECT count(*) FROM places")?,
        events: count("SELECT count(*) FROM events")?,
        collections: count("SELECT count(*) FROM collections")?,
        tags: count("SELECT count(*) FROM tags")?,
    })
}

/// Reads a value from `archive_meta`.
pub fn meta_get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT value FROM archive_meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

/// Writes a value to `archive_meta`.
pub fn meta_set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO archive_meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// Sets a collection's description and puts the given items first, in this order (items not
/// in the archive are skipped).
pub fn set_collection(conn: &Connection, name: &str, description: Option<&str>, order: &[Id]) -> Result<()> {
    let id = collection_id_or_create(conn, name, Utc::now())?;
    conn.execute("UPDATE collections SET description = ?2 WHERE id = ?1", params![id, description])?;
    for (position, item) in order.iter().enumerate() {
        conn.execute(
            "UPDATE collection_items SET position = ?3 WHERE collection_id = ?1 AND item_id = ?2",
            params![id, item.to_string(), position as i64 - order.len() as i64],
        )?;
    }
    Ok(())
}
