//! People's protection in the database: flags, pseudonyms and consent records, which items
//! involve whom, and the log of exports a takedown has to recall.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::entities::person_id_or_create;
use super::items::parse_id;
use super::name_key;
use crate::error::Result;
use crate::model::{Consent, Id};
use crate::privacy::{ConsentRecord, ConsentScope, People, PersonPrivacy, add_person, person_key};

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
    insert_consent(conn, &id, record, &now.to_rfc3339())
}

/// Appends a consent record to the person with this id, recorded at `recorded_at` (RFC 3339).
pub fn insert_consent(conn: &Connection, person_id: &str, record: &ConsentRecord, recorded_at: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO consents (id, person_id, scope, status, date, note, expires, recorded_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            crate::model::new_id().to_string(),
            person_id,
            record.scope.as_str(),
            record.status.as_str(),
            record.date.as_ref().map(|d| d.as_str()),
            record.note,
            record.expires.map(|d| d.to_string()),
            recorded_at,
        ],
    )?;
    Ok(())
}

/// The records that protect someone (a minor, a person at risk, a pseudonym, a consent
/// record), by `privacy::person_key`: the only ones another spelling of a name can take its
/// verdict from. Read once by whoever looks up names again and again (an import's index
/// catch-up).
pub struct Protecting(HashMap<String, Vec<(String, PersonPrivacy)>>);

/// Reads the records that protect someone.
pub fn protecting_people(conn: &Connection) -> Result<Protecting> {
    let mut stmt = conn.prepare_cached(PROTECTING)?;
    let mut out: HashMap<String, Vec<(String, PersonPrivacy)>> = HashMap::new();
    for person in stmt.query_map([], privacy_row)? {
        let (id, person) = person?;
        out.entry(person_key(&person.name)).or_default().push((id, person));
    }
    Ok(Protecting(out))
}

/// Two halves, each read by an index (`persons_protecting`, `consents_person`): with the two
/// conditions joined by OR, the planner reads every person.
const PROTECTING: &str = "SELECT id, name, minor, at_risk, pseudonym FROM persons \
     WHERE minor OR at_risk OR pseudonym IS NOT NULL \
     UNION SELECT id, name, minor, at_risk, pseudonym FROM persons WHERE id IN (SELECT person_id FROM consents)";

fn privacy_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, PersonPrivacy)> {
    Ok((
        r.get(0)?,
        PersonPrivacy {
            name: r.get(1)?,
            minor: r.get(2)?,
            at_risk: r.get(3)?,
            pseudonym: r.get(4)?,
            consents: Vec::new(),
            aliases: Vec::new(),
        },
    ))
}

/// What the archive knows of the protection of the named people, keyed by
/// `privacy::person_key`: a name matches its own record and every other spelling of it that
/// differs only in case, spacing or accents ("Maria Lopez" finds "María López"'s flags), merged
/// into one (`PersonPrivacy::absorb`).
///
/// Three queries however many names (a search hydrates the people of a whole page at once).
pub fn privacy_of<'a>(conn: &Connection, names: impl IntoIterator<Item = &'a str>) -> Result<People> {
    let names: Vec<&str> = names.into_iter().collect();
    if names.is_empty() {
        return Ok(People::new());
    }
    privacy_of_with(conn, names, &protecting_people(conn)?)
}

/// `privacy_of`, with the records that protect someone already read (`protecting_people`) and
/// still current: two queries.
pub fn privacy_of_with<'a>(
    conn: &Connection,
    names: impl IntoIterator<Item = &'a str>,
    protecting: &Protecting,
) -> Result<People> {
    let mut keys: Vec<String> = names.into_iter().map(name_key).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut out = People::new();
    if keys.is_empty() {
        return Ok(out);
    }
    let folded: std::collections::BTreeSet<String> = keys.iter().map(|k| person_key(k)).collect();
    let list = serde_json::to_string(&keys).expect("names serialize");
    let mut found: Vec<(String, PersonPrivacy)> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, minor, at_risk, pseudonym FROM persons WHERE name_key IN (SELECT value FROM json_each(?1))",
    )?;
    for person in stmt.query_map([&list], privacy_row)? {
        let (id, person) = person?;
        seen.insert(id.clone());
        found.push((id, person));
    }
    // Other spellings: only a record that protects someone can change a verdict.
    for key in &folded {
        for (id, person) in protecting.0.get(key).into_iter().flatten() {
            if seen.insert(id.clone()) {
                found.push((id.clone(), person.clone()));
            }
        }
    }
    if !found.is_empty() {
        let ids: Vec<&String> = found.iter().map(|(id, _)| id).collect();
        let list = serde_json::to_string(&ids).expect("ids serialize");
        let at: HashMap<String, usize> = found.iter().enumerate().map(|(i, (id, _))| (id.clone(), i)).collect();
        let mut stmt = conn.prepare_cached(
            "SELECT person_id, scope, status, date, note, expires FROM consents \
             WHERE person_id IN (SELECT value FROM json_each(?1)) ORDER BY person_id, recorded_at, rowid",
        )?;
        let mut rows = stmt.query([&list])?;
        while let Some(r) = rows.next()? {
            let person_id: String = r.get(0)?;
            let record = consent_from_row(r, 1)?;
            if let Some(&i) = at.get(&person_id) {
                found[i].1.consents.push(record);
            }
        }
    }
    for (_, person) in found {
        add_person(&mut out, person);
    }
    Ok(out)
}

/// The name of every person the archive knows.
pub fn person_names(conn: &Connection) -> Result<Vec<String>> {
    Ok(conn.prepare("SELECT name FROM persons")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?)
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

/// Every person's protection, keyed by `privacy::person_key`.
pub fn privacy_of_everyone(conn: &Connection) -> Result<People> {
    let names = person_names(conn)?;
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
    Ok(Some(PersonPrivacy { name, minor, at_risk, pseudonym, consents, aliases: Vec::new() }))
}

/// Every item that quotes, shows, mentions or is written by the person, under any spelling of
/// their name (case, spacing and accents aside), or whose credit line is their name.
pub fn items_of_person(conn: &Connection, name: &str) -> Result<Vec<Id>> {
    let key = person_key(name);
    let spellings: Vec<String> =
        person_names(conn)?.into_iter().filter(|n| person_key(n) == key).map(|n| name_key(&n)).collect();
    let mut ids: Vec<String> = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT i.id FROM items i JOIN persons p ON p.id = i.speaker_id WHERE p.name_key = ?1 \
         UNION SELECT ip.item_id FROM item_people ip JOIN persons p ON p.id = ip.person_id WHERE p.name_key = ?1 \
         UNION SELECT ia.item_id FROM item_authors ia JOIN persons p ON p.id = ia.person_id WHERE p.name_key = ?1",
    )?;
    for spelling in spellings.iter().map(String::as_str).chain([name_key(name).as_str()]) {
        for id in stmt.query_map([spelling], |r| r.get::<_, String>(0))? {
            ids.push(id?);
        }
    }
    let mut credited = conn.prepare_cached("SELECT id, credit FROM items WHERE credit IS NOT NULL")?;
    for row in credited.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (id, credit) = row?;
        if person_key(&credit) == key {
            ids.push(id);
        }
    }
    // A template field holding their name (an interviewer, a person shown).
    let mut custom = conn.prepare_cached("SELECT id, custom FROM items WHERE custom IS NOT NULL")?;
    for row in custom.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (id, values) = row?;
        let values: std::collections::BTreeMap<String, String> = serde_json::from_str(&values).unwrap_or_default();
        if values.values().any(|v| person_key(v) == key) {
            ids.push(id);
        }
    }
    ids.sort();
    ids.dedup();
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

/// The quotes taken from any of these items (`source_item`).
pub fn quotes_taken_from(conn: &Connection, sources: &[Id]) -> Result<Vec<Id>> {
    if sources.is_empty() {
        return Ok(Vec::new());
    }
    let list = serde_json::to_string(&sources.iter().map(Id::to_string).collect::<Vec<_>>()).expect("ids serialize");
    let ids: Vec<String> = conn
        .prepare_cached("SELECT id FROM items WHERE source_item_id IN (SELECT value FROM json_each(?1))")?
        .query_map([&list], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    ids.iter().map(|s| parse_id(s)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every search and every index update asks who is protected: with thousands of speakers,
    /// a pass over every person cost more than the rest of a search.
    #[test]
    fn the_protected_people_are_found_by_index_not_by_reading_every_person() {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrations::migrate(&mut conn, std::path::Path::new(":memory:")).unwrap();
        let plan: Vec<String> = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {PROTECTING}"))
            .unwrap()
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(plan.iter().all(|step| step != "SCAN persons"), "{plan:?}");
        assert!(plan.iter().any(|step| step.contains("persons_protecting")), "{plan:?}");
    }
}
