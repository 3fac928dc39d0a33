//! Bundles: how archives kept by different people (a student group at each school, a volunteer
//! archivist, a library) exchange their work without a server. `share` writes a BagIt bag
//! (a folder, or one file sealed with a passphrase) holding the chosen items as stored, their
//! files, the people, places, events, collections and templates they use, and what the merge
//! needs: each item's lineage (every state this archive has known it in, by content hash
//! only, never an earlier state's content) and
//! the tombstones of deleted and purged items. `merge` (in `merge.rs`) takes a bundle in item
//! by item.
//!
//! ```text
//! bagit.txt, bag-info.txt, manifest-*.txt, tagmanifest-*.txt   as every Walkout bag
//! data/walkout-bundle.json     the document: items with their lineage, entities, tombstones
//! data/files/<sha256>          the items' original files
//! ```
//!
//! A bundle is a transfer between archivists, not a publication: items travel as stored, with
//! their people's names and their photos' original files (GPS and all), so that both archives
//! hold the same record. What the sender keeps back: private items always; restricted items
//! (by their own sensitivity or their people's protection) unless `include_restricted`; consent
//! grants unless `include_consent` — a withdrawal, a person's flags and pseudonym always travel,
//! as they only protect. Sealed (`passphrase`), the bundle is one file only the passphrase
//! opens, with the same cryptography as an encrypted archive.
//!
//! A purge travels as the purged items' ids and, for a person purge, a SHA-256 of the folded
//! name (never the name): the receiving archive purges the same items and anyone whose name
//! folds to the same hash. Someone holding an archive could confirm a name they guess was
//! purged; encrypting the archive and sealing bundles keeps that from a finder of the laptop
//! or the stick.

mod conflicts;
mod merge;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub use conflicts::{Conflict, ConflictChoice};
pub use merge::{MergeOptions, MergeReport};

use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::export::bagit::{DATA_DIR, write_tag_files, zip_folder};
use crate::export::{LeftOut, Selection, copy_original, selected_items, write_file};
use crate::model::{Collection, Event, Id, Item, ItemDetails, Place};
use crate::privacy::{ConsentRecord, Disclosure, Purpose, Verdict};
use crate::store;

/// The marker of a bundle document.
pub const FORMAT: &str = "walkout-bundle";
/// The document's name inside the bag's `data/`.
pub const FILE_NAME: &str = "walkout-bundle.json";
/// The files' folder inside `data/`.
pub const FILES_DIR: &str = "files";

/// The bundle document.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BundleDocument {
    /// Always `walkout-bundle`.
    pub format: String,
    /// The document version (1).
    pub version: u32,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// Who wrote it: the sending archive's user name.
    pub from: String,
    /// What was chosen, in words.
    pub selection: String,
    /// Only what changed since then.
    #[serde(default)]
    pub since: Option<DateTime<Utc>>,
    /// Restricted items came along.
    #[serde(default)]
    pub restricted: bool,
    /// Consent grants came along (withdrawals always do).
    #[serde(default)]
    pub consent: bool,
    pub items: Vec<BundleItem>,
    #[serde(default)]
    pub people: Vec<BundlePerson>,
    #[serde(default)]
    pub places: Vec<Place>,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default)]
    pub collections: Vec<Collection>,
    #[serde(default)]
    pub templates: Vec<crate::templates::Template>,
    #[serde(default)]
    pub tombstones: Vec<Tombstone>,
    #[serde(default)]
    pub person_purges: Vec<PersonPurge>,
}

/// An item as the sender holds it, with every state the sender has known it in.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BundleItem {
    pub item: Item,
    /// Who made its latest change, and when.
    pub by: String,
    pub at: DateTime<Utc>,
    /// Its states, oldest first, by content hash (`state_hash`).
    pub lineage: Vec<LineageEntry>,
}

/// One state an item was in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LineageEntry {
    pub hash: String,
    /// The state (`merge_state`), where this archive has it. A bundle carries hashes only: an
    /// item's earlier states may hold what its current one no longer does (a name taken out, a
    /// note cut before sharing), and they are not the sender's to pass on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<Value>,
}

/// A person's protection, as the sender records it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BundlePerson {
    pub name: String,
    #[serde(default)]
    pub minor: bool,
    #[serde(default)]
    pub at_risk: bool,
    #[serde(default)]
    pub pseudonym: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Consent records, oldest first, each with the time it was recorded.
    #[serde(default)]
    pub consents: Vec<BundleConsent>,
}

/// A consent record and when it was recorded (the newest of a scope is in force).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BundleConsent {
    #[serde(flatten)]
    pub record: ConsentRecord,
    pub recorded_at: String,
}

/// What happened to an item that is gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum TombstoneKind {
    /// Deleted (and not put back).
    Deleted,
    /// Purged for good.
    Purged,
}

impl TombstoneKind {
    fn as_str(self) -> &'static str {
        match self {
            TombstoneKind::Deleted => "deleted",
            TombstoneKind::Purged => "purged",
        }
    }

    fn parse(s: &str) -> TombstoneKind {
        if s == "purged" { TombstoneKind::Purged } else { TombstoneKind::Deleted }
    }
}

/// An item deleted or purged, by id and time only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tombstone {
    pub item: Id,
    pub kind: TombstoneKind,
    pub at: DateTime<Utc>,
}

/// A person purged, as the hash of their folded name (`person_purge_hash`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonPurge {
    pub hash: String,
    pub at: DateTime<Utc>,
}

/// What `share` takes.
#[derive(Clone, Debug, Default)]
pub struct ShareOptions {
    /// Which items.
    pub selection: Selection,
    /// Only items changed (and tombstones made) since then.
    pub since: Option<DateTime<Utc>>,
    /// Let restricted items travel (private ones never do).
    pub include_restricted: bool,
    /// Let consent grants travel (withdrawals always do).
    pub include_consent: bool,
    /// Seal the bundle into one file with this passphrase.
    pub passphrase: Option<String>,
}

/// What `share` wrote.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShareReport {
    /// Items in the bundle.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub items: u64,
    /// Files in the bundle.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub files: u64,
    /// People whose protection it carries.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub people: u64,
    /// Deletions and purges it carries.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub tombstones: u64,
    /// Items the sender's policy kept back, with the reason.
    pub left_out: Vec<LeftOut>,
    /// The bundle is one file sealed with a passphrase.
    pub sealed: bool,
}

/// Fields that are the record's own bookkeeping, not its content: left out of the state two
/// archives compare. Collections are merged by name, apart.
const NOT_MERGED: [&str; 4] = ["updated_at", "created_at", "collections", "restriction"];

/// An item's content as two archives compare it: its JSON without bookkeeping, with empty
/// values (null, "", [], {}, false) left out, so that two spellings of "nothing" are equal.
pub fn merge_state(item: &Item) -> Result<Value> {
    let value = serde_json::to_value(item).map_err(|e| Error::invalid("bundle", e.to_string()))?;
    Ok(normalize(value))
}

/// `merge_state` of an item's stored JSON (a version's state).
pub(crate) fn normalize(mut value: Value) -> Value {
    if let Some(object) = value.as_object_mut() {
        for key in NOT_MERGED {
            object.remove(key);
        }
        object.retain(|_, v| !is_nothing(v));
    }
    value
}

/// Null, "", [], {} and false.
pub(crate) fn is_nothing(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Bool(b) => !b,
        _ => false,
    }
}

/// The SHA-256 of a state's canonical JSON (keys sorted at every level).
pub fn state_hash(state: &Value) -> String {
    fn canonical(v: &Value, out: &mut String) {
        match v {
            Value::Object(o) => {
                let mut keys: Vec<&String> = o.keys().collect();
                keys.sort();
                out.push('{');
                for (i, k) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    canonical(&o[k], out);
                }
                out.push('}');
            }
            Value::Array(a) => {
                out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    canonical(x, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut text = String::new();
    canonical(state, &mut text);
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// How a person purge is remembered and travels: never the name, a hash of its folded form.
pub fn person_purge_hash(name: &str) -> String {
    let key = crate::privacy::person_key(name);
    hex::encode(Sha256::digest(format!("walkout person purge\n{key}").as_bytes()))
}

/// Every state the archive has known an item in, oldest first: its own versions, then the
/// states other archives had that a merge took in.
pub(crate) fn lineage(conn: &Connection, id: Id) -> Result<Vec<LineageEntry>> {
    let mut out: Vec<LineageEntry> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut stmt = conn.prepare_cached(
        "SELECT state FROM versions WHERE entity = 'item' AND entity_id = ?1 AND state IS NOT NULL ORDER BY version",
    )?;
    for state in stmt.query_map([id.to_string()], |r| r.get::<_, String>(0))? {
        let state: Value = serde_json::from_str(&state?).map_err(|e| Error::invalid("history", e.to_string()))?;
        let state = normalize(state);
        let hash = state_hash(&state);
        if seen.insert(hash.clone()) {
            out.push(LineageEntry { hash, state: Some(state) });
        }
    }
    let mut stmt = conn.prepare_cached("SELECT hash, state FROM merge_seen WHERE item_id = ?1 ORDER BY rowid")?;
    let rows = stmt.query_map([id.to_string()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))?;
    for row in rows {
        let (hash, state) = row?;
        let state = match state {
            Some(state) => {
                Some(serde_json::from_str::<Value>(&state).map_err(|e| Error::invalid("bundle", e.to_string()))?)
            }
            None => None,
        };
        if seen.insert(hash.clone()) {
            out.push(LineageEntry { hash, state });
        }
    }
    Ok(out)
}

/// Who made an item's latest change, and when (the archive's user and now when it has no
/// history).
pub(crate) fn last_change(conn: &Connection, id: Id) -> Result<Option<(String, DateTime<Utc>)>> {
    use rusqlite::OptionalExtension;
    let row: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT o.user, v.at FROM versions v JOIN operations o ON o.id = v.operation_id \
             WHERE v.entity = 'item' AND v.entity_id = ?1 ORDER BY v.version DESC LIMIT 1",
        )?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(row.and_then(|(user, at)| DateTime::parse_from_rfc3339(&at).ok().map(|at| (user, at.with_timezone(&Utc)))))
}

/// The archive's tombstones.
pub(crate) fn tombstones(conn: &Connection) -> Result<Vec<Tombstone>> {
    let mut stmt = conn.prepare_cached("SELECT item_id, kind, at FROM tombstones ORDER BY at, item_id")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, kind, at) = row?;
        let Ok(at) = DateTime::parse_from_rfc3339(&at) else { continue };
        out.push(Tombstone {
            item: store::parse_id(&id)?,
            kind: TombstoneKind::parse(&kind),
            at: at.with_timezone(&Utc),
        });
    }
    Ok(out)
}

fn person_purges(conn: &Connection) -> Result<Vec<PersonPurge>> {
    let mut stmt = conn.prepare_cached("SELECT hash, at FROM person_purges ORDER BY at")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (hash, at) = row?;
        if let Ok(at) = DateTime::parse_from_rfc3339(&at) {
            out.push(PersonPurge { hash, at: at.with_timezone(&Utc) });
        }
    }
    Ok(out)
}

/// A person's record as stored under this exact name (case and spacing aside).
pub(crate) fn person_record(conn: &Connection, name: &str) -> Result<Option<BundlePerson>> {
    use rusqlite::OptionalExtension;
    type Row = (String, String, bool, bool, Option<String>, Option<String>);
    let row: Option<Row> = conn
        .prepare_cached("SELECT id, name, minor, at_risk, pseudonym, description FROM persons WHERE name_key = ?1")?
        .query_row([store::name_key(name)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .optional()?;
    let Some((id, name, minor, at_risk, pseudonym, description)) = row else { return Ok(None) };
    let mut stmt = conn.prepare_cached(
        "SELECT scope, status, date, note, expires, recorded_at FROM consents WHERE person_id = ?1 \
         ORDER BY recorded_at, rowid",
    )?;
    let mut rows = stmt.query([&id])?;
    let mut consents = Vec::new();
    while let Some(r) = rows.next()? {
        let scope: String = r.get(0)?;
        let status: String = r.get(1)?;
        let date: Option<String> = r.get(2)?;
        let expires: Option<String> = r.get(4)?;
        consents.push(BundleConsent {
            record: ConsentRecord {
                scope: crate::privacy::ConsentScope::parse(&scope)?,
                status: crate::model::Consent::parse(&status)?,
                date: date.map(|d| d.parse()).transpose()?,
                note: r.get(3)?,
                expires: expires.and_then(|e| e.parse().ok()),
            },
            recorded_at: r.get(5)?,
        });
    }
    Ok(Some(BundlePerson { name, minor, at_risk, pseudonym, description, consents }))
}

/// The people (by `name_key`) whose record (flags, pseudonym, consent) changed at or after `since`.
fn people_changed_since(conn: &Connection, since: DateTime<Utc>) -> Result<BTreeSet<String>> {
    let mut stmt = conn.prepare_cached("SELECT entity_id, at FROM versions WHERE entity = 'person'")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = BTreeSet::new();
    for row in rows {
        let (key, at) = row?;
        if DateTime::parse_from_rfc3339(&at).is_ok_and(|at| at >= since) {
            out.insert(key);
        }
    }
    Ok(out)
}

/// The names an item refers to people by.
pub(crate) fn people_of(item: &Item) -> Vec<String> {
    let mut names: Vec<String> = item.people.clone();
    match &item.details {
        ItemDetails::Quote(q) => names.extend(q.speaker.clone()),
        ItemDetails::Article(a) => names.extend(a.authors.iter().cloned()),
        ItemDetails::Photo(_) => {}
    }
    names.extend(item.credit.clone());
    names
}

impl Archive {
    /// Writes a bundle of the chosen items to `out` (a new folder; with a passphrase, one sealed
    /// file) for another archive to `merge`.
    pub fn share(&self, options: &ShareOptions, out: &Path) -> Result<ShareReport> {
        crate::export::bagit::refuse_existing(out, options.passphrase.is_some())?;
        let mut disclosure = Disclosure::new(self, options.include_restricted, Purpose::Archival)?;
        let mut items = Vec::new();
        let mut left_out = Vec::new();
        // The names of items shared before (`since`): their people travel again when their
        // protection changed since, so a withdrawal reaches the archives that have their items.
        let mut shared_before = Vec::new();
        for item in selected_items(self, &options.selection)? {
            let old = options.since.is_some_and(|since| item.updated_at < since);
            match disclosure.decide(&item)? {
                Verdict::Include(_) if old => shared_before.extend(people_of(&item)),
                Verdict::Include(_) => items.push(item),
                Verdict::Exclude(_) if old => {}
                Verdict::Exclude(reason) => left_out.push(LeftOut { id: item.id, reason }),
            }
        }
        let doc = self.bundle_document(&items, &shared_before, options)?;
        let report = ShareReport {
            items: doc.items.len() as u64,
            files: items.iter().filter_map(Item::sha256).collect::<BTreeSet<_>>().len() as u64,
            people: doc.people.len() as u64,
            tombstones: (doc.tombstones.len() + doc.person_purges.len()) as u64,
            left_out,
            sealed: options.passphrase.is_some(),
        };
        let description = format!(
            "Walkout Archive bundle of {} from {}: {} items, {} deletions and purges",
            options.selection.describe(),
            doc.from,
            report.items,
            report.tombstones
        );
        let write_bag = |bag: &Path| -> Result<()> {
            let data = bag.join(DATA_DIR);
            let files = data.join(FILES_DIR);
            fs::create_dir_all(&files).map_err(|e| Error::io(&files, e))?;
            for sha in items.iter().filter_map(Item::sha256).collect::<BTreeSet<_>>() {
                copy_original(self, sha, &data.join(FILES_DIR).join(sha))?;
            }
            let bytes = serde_json::to_vec_pretty(&doc).map_err(|e| Error::invalid("bundle", e.to_string()))?;
            write_file(&data.join(FILE_NAME), bytes)?;
            write_tag_files(self, bag, &description)
        };
        match &options.passphrase {
            None => {
                let existed = out.exists();
                if let Err(e) = write_bag(out) {
                    if !existed {
                        let _ = fs::remove_dir_all(out);
                    }
                    return Err(e);
                }
            }
            Some(passphrase) => {
                let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
                fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
                // Staged in the archive's own folder: the plain bag must not sit in /tmp.
                let staging = self.files().scratch_dir("bundle-")?;
                let bag = staging.path().join("bundle");
                write_bag(&bag)?;
                let zip = staging.path().join("bundle.zip");
                zip_folder(&bag, "bundle", &zip, out)?;
                let plain = fs::read(&zip).map_err(|e| Error::io(&zip, e))?;
                write_file(out, crate::crypto::seal_with_passphrase(passphrase, &plain)?)?;
            }
        }
        crate::export::log_export(self, "bundle", out, &items)?;
        Ok(report)
    }

    fn bundle_document(
        &self,
        items: &[Item],
        shared_before: &[String],
        options: &ShareOptions,
    ) -> Result<BundleDocument> {
        let conn = self.store.conn();
        let mut bundle_items = Vec::with_capacity(items.len());
        for item in items {
            let (by, at) = author_of(conn, item)?.unwrap_or_else(|| (self.user().unwrap_or_default(), item.updated_at));
            // Hashes only: the item itself is its current state.
            let mut lineage: Vec<LineageEntry> =
                lineage(conn, item.id)?.into_iter().map(|e| LineageEntry { hash: e.hash, state: None }).collect();
            let hash = state_hash(&merge_state(item)?);
            if !lineage.iter().any(|e| e.hash == hash) {
                lineage.push(LineageEntry { hash, state: None });
            }
            bundle_items.push(BundleItem { item: item.clone(), by, at, lineage });
        }
        let ids: BTreeSet<Id> = items.iter().map(|i| i.id).collect();
        // People by folded name: "Maria Lopez" on an item brings the record kept as "María López".
        let mut names: BTreeSet<String> = BTreeSet::new();
        let mut places: BTreeSet<String> = BTreeSet::new();
        let mut events: BTreeSet<String> = BTreeSet::new();
        let mut templates: BTreeSet<String> = BTreeSet::new();
        // And anyone who may not be named whose name is in an item's words (a description, a
        // quote, the text read in a photo): the receiver must know to keep it out too.
        let today = self.now().date_naive();
        let unnamed = crate::privacy::NameFinder::new(
            (self.everyones_privacy()?.into_iter()).filter(|(_, p)| !p.may_be_named(today)).map(|(key, _)| key),
        );
        for item in items {
            names.extend(people_of(item).iter().map(|n| crate::privacy::person_key(n)));
            let words = serde_json::to_string(item).map_err(|e| Error::invalid("bundle", e.to_string()))?;
            unnamed.replace(&words, |key| {
                names.insert(key.to_string());
                String::new()
            });
            places.extend(item.place.iter().map(|p| store::name_key(p)));
            events.extend(item.event.iter().map(|e| store::name_key(e)));
            templates.extend(item.template.iter().map(|t| store::name_key(t)));
        }
        let changed = match options.since {
            Some(since) => people_changed_since(conn, since)?,
            None => BTreeSet::new(),
        };
        let before: BTreeSet<String> = shared_before.iter().map(|n| crate::privacy::person_key(n)).collect();
        let mut people = Vec::new();
        for name in store::person_names(conn)? {
            let key = crate::privacy::person_key(&name);
            let wanted = names.contains(&key) || (before.contains(&key) && changed.contains(&store::name_key(&name)));
            if !wanted {
                continue;
            }
            if let Some(mut person) = person_record(conn, &name)? {
                if !options.include_consent {
                    person.consents.retain(|c| c.record.status == crate::model::Consent::Withheld);
                }
                people.push(person);
            }
        }
        people.sort_by(|a, b| a.name.cmp(&b.name));
        let since = |at: DateTime<Utc>| options.since.is_none_or(|s| at >= s);
        Ok(BundleDocument {
            format: FORMAT.to_string(),
            version: 1,
            created_at: self.now(),
            from: self.user()?,
            selection: options.selection.describe(),
            since: options.since,
            restricted: options.include_restricted,
            consent: options.include_consent,
            items: bundle_items,
            people,
            places: self.places()?.into_iter().filter(|p| places.contains(&store::name_key(&p.name))).collect(),
            events: self.events()?.into_iter().filter(|e| events.contains(&store::name_key(&e.name))).collect(),
            collections: self
                .collections()?
                .into_iter()
                .map(|mut c| {
                    c.items.retain(|id| ids.contains(id));
                    c
                })
                .filter(|c| !c.items.is_empty())
                .collect(),
            templates: self
                .templates()?
                .into_iter()
                .filter(|t| templates.contains(&store::name_key(&t.name)))
                .collect(),
            tombstones: tombstones(conn)?.into_iter().filter(|t| since(t.at)).collect(),
            person_purges: person_purges(conn)?.into_iter().filter(|p| since(p.at)).collect(),
        })
    }
}

/// What a person purge leaves of the person in the merge tables: nothing but the hash that
/// carries the purge to other archives.
pub(crate) fn forget_name(conn: &Connection, name: &str, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO person_purges (hash, at) VALUES (?1, ?2)",
        params![person_purge_hash(name), now.to_rfc3339()],
    )?;
    let needle = crate::export::site::fold(name);
    if needle.trim().is_empty() {
        return Ok(());
    }
    // Who made a change is a name too (an archivist can be purged).
    for (table, column) in [
        ("merge_seen", "coalesce(state, '') || ' ' || coalesce(by, '')"),
        ("merge_conflicts", "ours || ' ' || theirs || ' ' || our_user || ' ' || their_user"),
    ] {
        let rows: Vec<(i64, String)> = conn
            .prepare(&format!("SELECT rowid, {column} FROM {table}"))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (rowid, text) in rows {
            if crate::export::site::fold(&text).contains(&needle) {
                conn.execute(&format!("DELETE FROM {table} WHERE rowid = ?1"), [rowid])?;
            }
        }
    }
    Ok(())
}

/// Keeps what a bundle knew of an item for the next merge: its current state with who made it
/// and when, and every state of its lineage.
pub(crate) fn remember_lineage(conn: &Connection, incoming: &BundleItem) -> Result<()> {
    let id = incoming.item.id.to_string();
    // The states before it first, oldest first, so that the newest comes last here too.
    let mut stmt = conn.prepare_cached("INSERT OR IGNORE INTO merge_seen (item_id, hash) VALUES (?1, ?2)")?;
    for entry in incoming.lineage.iter().filter(|e| is_state_hash(&e.hash)) {
        stmt.execute(params![id, entry.hash])?;
    }
    let current = merge_state(&incoming.item)?;
    conn.prepare_cached(
        "INSERT INTO merge_seen (item_id, hash, state, by, at) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (item_id, hash) DO UPDATE SET state = coalesce(state, excluded.state), \
         by = coalesce(by, excluded.by), at = coalesce(at, excluded.at)",
    )?
    .execute(params![id, state_hash(&current), current.to_string(), incoming.by, incoming.at.to_rfc3339()])?;
    Ok(())
}

/// Whether a bundle's lineage entry names a state as `state_hash` writes it.
pub(crate) fn is_state_hash(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Who made an item's current state and when: the archive that made it, when a merge brought
/// it here unchanged; else this archive's latest change.
pub(crate) fn author_of(conn: &Connection, item: &Item) -> Result<Option<(String, DateTime<Utc>)>> {
    use rusqlite::OptionalExtension;
    let hash = state_hash(&merge_state(item)?);
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT by, at FROM merge_seen WHERE item_id = ?1 AND hash = ?2 AND by IS NOT NULL")?
        .query_row(params![item.id.to_string(), hash], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((by, at)) = row
        && let Ok(at) = DateTime::parse_from_rfc3339(&at)
    {
        // This archive's own later writes of the same content keep the first author.
        return Ok(Some((by, at.with_timezone(&Utc))));
    }
    last_change(conn, item.id)
}

/// The tombstones keyed by item.
pub(crate) fn tombstone_map(conn: &Connection) -> Result<BTreeMap<Id, TombstoneKind>> {
    Ok(tombstones(conn)?.into_iter().map(|t| (t.item, t.kind)).collect())
}

/// Records a tombstone that came in a bundle (a purge replaces a deletion, never the reverse).
pub(crate) fn record_tombstone(conn: &Connection, tombstone: &Tombstone) -> Result<()> {
    let sql = match tombstone.kind {
        TombstoneKind::Purged => "INSERT OR REPLACE INTO tombstones (item_id, kind, at) VALUES (?1, ?2, ?3)",
        TombstoneKind::Deleted => "INSERT OR IGNORE INTO tombstones (item_id, kind, at) VALUES (?1, ?2, ?3)",
    };
    conn.prepare_cached(sql)?.execute(params![
        tombstone.item.to_string(),
        tombstone.kind.as_str(),
        tombstone.at.to_rfc3339()
    ])?;
    Ok(())
}
