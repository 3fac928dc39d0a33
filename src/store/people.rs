//! People's protection in the database: flags, pseudonyms and consent records, which items
//! involve whom, and the log of exports a takedown has to recall.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::entities::person_id_or_create;
use super::items::parse_id;
use super::name_key;
use crate::error::Result;
use crate::model::{Consent, Id};
use crate::privacy::{ConsentRecord, ConsentScope, PersonPrivacy};

/// Sets a person's flags and pseudonym; `None` leaves a value as it is.
pub fn set_person_protection(
    conn: &Connection,
    name: &str,
    minor: Option<bool>,
    at_risk: Option<bool>,
    pseudonym: Option<Option<&str>>,
) -> Result<()> {
    let id = person_id_or_create(conn, name)?;
    if let Some(minor) = minor {
        conn.execute("UPDATE persons SET minor = ?2 WHERE id = ?1", params![id, minor])?;
    }
    if let Some(at_risk) = at_risk {
        conn.execute("UPDATE persons SET at_risk = ?2 WHERE id = ?1", params![id, at_risk])?;
    }
    if let Some(pseudonym) = pseudonym {
        conn.execute("UPDATE persons SET pseudonym = ?2 WHERE id = ?1", params![id, pseudonym])?;
    }
    Ok(())
}

/// Appends a consent record for a person.
pub fn add_consent(conn: &Connection, name: &str, record: &ConsentRecord, now: DateTime<Utc>) -> Result<()> {
    let id = person_id_or_create(conn, name)?;
    conn.execute(
        "INSERT INTO consents (id, person_id, scope, status, date, note, expires, recorded_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            crate::model::new_id().to_string(),
            id,
            record.scope.as_str(),
            record.status.as_str(),
            record.date.as_ref().map(|d| d.as_str()),
            record.note,
            record.expires.map(|d| d.to_string()),
            now.to_rfc3339(),
        ],
    )?;
    Ok(())
}

/// What the archive knows of the protection of the named people, keyed by `name_key`.
///
/// Two queries however many names (a search hydrates the people of a whole page at once).
pub fn privacy_of<'a>(
    conn: &Connection,
    names: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, PersonPrivacy>> {
    let mut keys: Vec<String> = names.into_iter().map(name_key).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut out = HashMap::new();
    if keys.is_empty() {
        return Ok(out);
    }
    let list = serde_json::to_string(&keys).expect("names serialize");
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, minor, at_risk, pseudonym, name_key FROM persons \
         WHERE name_key IN (SELECT value FROM json_each(?1))",
    )?;
    let mut rows = stmt.query([&list])?;
    while let Some(r) = rows.next()? {
        let (id, key): (String, String) = (r.get(0)?, r.get(5)?);
        let person = PersonPrivacy {
            name: r.get(1)?,
            minor: r.get(2)?,
            at_risk: r.get(3)?,
            pseudonym: r.get(4)?,
            consents: Vec::new(),
        };
        ids.insert(id, key.clone());
        out.insert(key, person);
    }
    if ids.is_empty() {
        return Ok(out);
    }
    let list = serde_json::to_string(&ids.keys().collect::<Vec<_>>()).expect("ids serialize");
    let mut stmt = conn.prepare_cached(
        "SELECT person_id, scope, status, date, note, expires FROM consents \
         WHERE person_id IN (SELECT value FROM json_each(?1)) ORDER BY person_id, recorded_at, rowid",
    )?;
    let mut rows = stmt.query([&list])?;
    while let Some(r) = rows.next()? {
        let person_id: String = r.get(0)?;
        let record = consent_from_row(r, 1)?;
        if let Some(person) = ids.get(&person_id).and_then(|key| out.get_mut(key)) {
            person.consents.push(record);
        }
    }
    Ok(out)
}

/// A consent record from the columns scope, status, date, note, expires starting at `at`.
fn consent_from_row(r: &rusqlite::Row<'_>, at: usize) -> Result<ConsentRecord> {
    let scope: String = r.get(at)?;
    let status: String = r.get(at + 1)?;
    let date: Option<String> = r.get(at + 2)?;
    let expires: Option<String> = r.get(at + 4)?;
    Ok(ConsentRecord {
        scope: ConsentScope::parse(&scope)?,
        status: Consent::parse(&status)?,
        date: date.map(|d| d.parse()).transpose()?,
        note: r.get(at + 3)?,
        expires: expires.and_then(|e| e.parse().ok()),
    })
}

/// Every person's protection, keyed by `name_key`.
pub fn privacy_of_everyone(conn: &Connection) -> Result<HashMap<String, PersonPrivacy>> {
    let names: Vec<String> =
        conn.prepare("SELECT name FROM persons")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    privacy_of(conn, names.iter().map(String::as_str))
}

/// One person's protection, if the person exists.
pub fn person_privacy(conn: &Connection, name: &str) -> Result<Option<PersonPrivacy>> {
    let row: Option<(String, String, bool, bool, Option<String>)> = conn
        .prepare_cached("SELECT id, name, minor, at_risk, pseudonym FROM persons WHERE name_key = ?1")?
        .query_row([name_key(name)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .optional()?;
    let Some((id, name, minor, at_risk, pseudonym)) = row else { return Ok(None) };
    let mut stmt = conn.prepare_cached(
        "SELECT scope, status, date, note, expires FROM consents WHERE person_id = ?1 ORDER BY recorded_at, rowid",
    )?;
    let mut rows = stmt.query([&id])?;
    let mut consents = Vec::new();
    while let Some(r) = rows.next()? {
        consents.push(consent_from_row(r, 0)?);
    }
    Ok(Some(PersonPrivacy { name, minor, at_risk, pseudonym, consents }))
}

/// Every item that quotes, shows, mentions or is written by the person.
pub fn items_of_person(conn: &Connection, name: &str) -> Result<Vec<Id>> {
    let ids: Vec<String> = conn
        .prepare(
            "SELECT i.id FROM items i JOIN persons p ON p.id = i.speaker_id WHERE p.name_key = ?1 \
             UNION SELECT ip.item_id FROM item_people ip JOIN persons p ON p.id = ip.person_id WHERE p.name_key = ?1 \
             UNION SELECT ia.item_id FROM item_authors ia JOIN persons p ON p.id = ia.person_id WHERE p.name_key = ?1",
        )?
        .query_map([name_key(name)], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    ids.iter().map(|s| parse_id(s)).collect()
}

/// Removes a person and their consent records (their items must be gone or unlinked first).
pub fn delete_person(conn: &Connection, name: &str) -> Result<()> {
    let key = name_key(name);
    conn.execute(
        "UPDATE items SET speaker_id = NULL WHERE speaker_id IN (SELECT id FROM persons WHERE name_key = ?1)",
        [&key],
    )?;
    conn.execute("DELETE FROM item_people WHERE person_id IN (SELECT id FROM persons WHERE name_key = ?1)", [&key])?;
    conn.execute("DELETE FROM item_authors WHERE person_id IN (SELECT id FROM persons WHERE name_key = ?1)", [&key])?;
    conn.execute("DELETE FROM persons WHERE name_key = ?1", [&key])?;
    Ok(())
}

/// An export, as the export log remembers it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportRecord {
    /// When.
    pub at: String,
    /// Which format.
    pub format: String,
    /// Where it was written.
    pub destination: String,
}

/// Remembers that an export carried these items.
pub fn record_export(
    conn: &Connection,
    format: &str,
    destination: &str,
    items: &[Id],
    now: DateTime<Utc>,
) -> Result<()> {
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "INSERT INTO exports (at, format, destination) VALUES (?1, ?2, ?3)",
        params![now.to_rfc3339(), format, destination],
    )?;
    let export = tx.last_insert_rowid();
    {
        let mut stmt = tx.prepare_cached("INSERT INTO export_items (export_id, item_id) VALUES (?1, ?2)")?;
        for id in items {
            stmt.execute(params![export, id.to_string()])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// The exports that carried an item.
pub fn exports_with(conn: &Connection, item: Id) -> Result<Vec<ExportRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.at, e.format, e.destination FROM exports e JOIN export_items x ON x.export_id = e.id \
         WHERE x.item_id = ?1 ORDER BY e.id",
    )?;
    let rows = stmt.query_map([item.to_string()], |r| {
        Ok(ExportRecord { at: r.get(0)?, format: r.get(1)?, destination: r.get(2)? })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
