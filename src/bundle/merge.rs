//! Taking a bundle in, item by item (see the module above for what a bundle holds).
//!
//! - An item this archive never had is added; one it deleted or purged (a tombstone, here or in
//!   the bundle) stays gone, whatever the bundle says of it.
//! - An item changed on one side only takes that side: the bundle's when this archive's state
//!   is one the bundle's lineage has known (a fast-forward), this archive's when the bundle's
//!   state is one this archive has known.
//! - An item changed on both sides is merged field by field against the latest state both have
//!   known: a field changed on one side takes that change; tags, people and redactions take
//!   both sides' additions and removals; sensitivity and consent take the more protective of
//!   the two; any other field both changed differently is a conflict, kept as this
//!   archive has it and listed (the field, both values, who and when) until the archivist
//!   chooses (`resolve_conflict`).
//! - Deletions and purges travel as tombstones and win over edits; a person purge purges
//!   whoever here has a name that folds to the same hash. A person purged here or there stays
//!   purged: an item of the bundle that names them is purged here (or never added), their
//!   record is not taken in.
//! - People are matched by folded name ("Maria Lopez" is "María López"): flags and pseudonyms
//!   add up, consent records join in the order they were recorded, so an older bundle's grant
//!   never outranks a later withdrawal; a grant never lifts a withdrawal recorded here, nor
//!   comes in dated in the future. Places, events, templates and collections are matched
//!   by name and merged, never duplicated.
//!
//! Every state the bundle's lineage names is remembered (`merge_seen`: by hash, and the
//! shared state itself), so merging the same bundle again changes nothing, and sending the
//! merged items back is a fast-forward there. A lineage is hashes only: the common ground of a
//! three-way merge is the newest state both sides have known whose content is here.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::conflicts::{Conflict, titled_by_text};
use super::{
    BundleConsent, BundleDocument, BundleItem, BundlePerson, FILE_NAME, FILES_DIR, FORMAT, TombstoneKind, author_of,
    is_nothing, is_state_hash, lineage, merge_state, people_of, person_purge_hash, person_purges, record_tombstone,
    remember_lineage, state_hash, tombstone_map,
};
use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::export::bagit::DATA_DIR;
use crate::history::OperationKind;
use crate::ingest::bag::{Shown, bag_root, is_zip, unzip, verify};
use crate::ingest::{ImportLimits, ImportReport};
use crate::model::{Id, Item};
use crate::store;

/// How a bundle is taken in.
#[derive(Clone, Debug, Default)]
pub struct MergeOptions {
    /// Say what would change, change nothing.
    pub dry_run: bool,
    /// The passphrase of a sealed bundle.
    pub passphrase: Option<String>,
}

/// What a merge did (or, in a dry run, would do).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MergeReport {
    /// Who wrote the bundle, and when.
    pub from: String,
    pub created_at: DateTime<Utc>,
    /// Nothing was changed: this is what a merge would do.
    pub dry_run: bool,
    /// Items new here.
    pub added: Vec<Id>,
    /// Items that took changes from the bundle.
    pub updated: Vec<Id>,
    /// Items the bundle holds as this archive has them (or older).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub unchanged: u64,
    /// Fields both sides changed differently: kept as here, for the archivist to choose.
    pub conflicts: Vec<Conflict>,
    /// Items the bundle's deletions removed here.
    pub deleted: Vec<Id>,
    /// Items the bundle's purges (of items or of a person) removed here for good.
    pub purged: Vec<Id>,
    /// Items in the bundle that this archive deleted or purged: they stay gone.
    pub kept_gone: Vec<Id>,
    /// People whose protection (flags, pseudonym, consent) the bundle changed here.
    pub people: Vec<String>,
    /// A name of the bundle matched to another spelling here: [theirs, ours].
    pub spellings: Vec<[String; 2]>,
    /// Collections the bundle's items were added to.
    pub collections: Vec<String>,
}

/// A bundle opened and checked: its document, and where its files are.
struct Opened {
    doc: BundleDocument,
    files: PathBuf,
    _scratch: Option<tempfile::TempDir>,
}

/// What the merge will do to one item.
enum Plan {
    Add(Box<Item>),
    Update(Box<Item>, Vec<(String, Value, Value)>),
    Unchanged,
    Gone,
}

impl Archive {
    /// Takes in a bundle written by `share` (a folder, a zip file, or a sealed file).
    pub fn merge_bundle(&mut self, path: &Path, options: &MergeOptions) -> Result<MergeReport> {
        let opened = self.open_bundle(path, options.passphrase.as_deref())?;
        let doc = &opened.doc;
        let conn = self.store.conn();
        let gone_here = tombstone_map(conn)?;
        let gone_there: BTreeMap<Id, TombstoneKind> = doc.tombstones.iter().map(|t| (t.item, t.kind)).collect();
        let mut report = MergeReport {
            from: doc.from.clone(),
            created_at: doc.created_at,
            dry_run: options.dry_run,
            ..Default::default()
        };
        let source = format!("a bundle from {}, {}", doc.from, doc.created_at.format("%Y-%m-%d"));

        // Collections by name here, to file the bundle's items under the local spelling.
        let local_collections: HashMap<String, String> =
            self.collections()?.into_iter().map(|c| (store::name_key(&c.name), c.name)).collect();
        let mut membership: HashMap<Id, Vec<String>> = HashMap::new();
        for collection in &doc.collections {
            let name = local_collections
                .get(&store::name_key(&collection.name))
                .cloned()
                .unwrap_or(collection.name.trim().to_string());
            for id in &collection.items {
                membership.entry(*id).or_default().push(name.clone());
            }
        }

        // Everyone purged, here or there: an item naming one of them is purged here too (as the
        // person purge did to their items), or never added; their record never comes back.
        let purged_hashes: BTreeSet<String> = (doc.person_purges.iter().map(|p| p.hash.clone()))
            .chain(person_purges(conn)?.into_iter().map(|p| p.hash))
            .collect();
        let names_purged = |item: &Item| people_of(item).iter().any(|n| purged_hashes.contains(&person_purge_hash(n)));
        let mut plans: Vec<(&BundleItem, Plan)> = Vec::new();
        let mut to_purge = Vec::new();
        for incoming in &doc.items {
            let plan = if names_purged(&incoming.item) {
                if store::item_exists(conn, incoming.item.id)? {
                    to_purge.push(incoming.item.id);
                }
                Plan::Gone
            } else {
                self.plan(incoming, &gone_here, &gone_there)?
            };
            plans.push((incoming, plan));
        }
        let now = self.now();
        for (incoming, plan) in &plans {
            let id = incoming.item.id;
            match plan {
                Plan::Add(_) => report.added.push(id),
                Plan::Update(item, conflicts) => {
                    report.updated.push(id);
                    let local = store::get_item(conn, id)?;
                    let (our_user, our_at) = match &local {
                        Some(local) => author_of(conn, local)?,
                        None => None,
                    }
                    .unwrap_or_else(|| (String::new(), now));
                    for (field, ours, theirs) in conflicts {
                        report.conflicts.push(Conflict {
                            id: 0,
                            item: id,
                            title: item.title.clone(),
                            field: field.clone(),
                            ours: ours.clone(),
                            theirs: theirs.clone(),
                            our_user: our_user.clone(),
                            our_at,
                            their_user: incoming.by.clone(),
                            their_at: incoming.at,
                            bundle: source.clone(),
                        });
                    }
                }
                Plan::Unchanged => report.unchanged += 1,
                Plan::Gone => report.kept_gone.push(id),
            }
        }
        let mut to_delete = Vec::new();
        for tombstone in &doc.tombstones {
            let present = store::item_exists(conn, tombstone.item)?;
            match tombstone.kind {
                TombstoneKind::Deleted if present && gone_here.get(&tombstone.item) != Some(&TombstoneKind::Purged) => {
                    to_delete.push(tombstone.item)
                }
                TombstoneKind::Purged
                    if (present || gone_here.get(&tombstone.item) == Some(&TombstoneKind::Deleted))
                        && !to_purge.contains(&tombstone.item) =>
                {
                    to_purge.push(tombstone.item)
                }
                _ => {}
            }
        }
        let purged_people: Vec<String> = store::person_names(conn)?
            .into_iter()
            .filter(|name| purged_hashes.contains(&person_purge_hash(name)))
            .collect();
        report.deleted = to_delete.clone();
        report.purged = to_purge.clone();
        for name in &purged_people {
            for id in store::items_of_person(conn, name)? {
                if !report.purged.contains(&id) {
                    report.purged.push(id);
                }
            }
        }
        // Who is who: the bundle's people by folded name, onto this archive's spelling.
        let here: HashMap<String, String> =
            store::person_names(conn)?.into_iter().map(|n| (crate::privacy::person_key(&n), n)).collect();
        let mut people: Vec<(String, &BundlePerson)> = Vec::new();
        for person in &doc.people {
            if purged_hashes.contains(&person_purge_hash(&person.name)) {
                continue;
            }
            let exact = conn
                .prepare_cached("SELECT 1 FROM persons WHERE name_key = ?1")?
                .exists([store::name_key(&person.name)])?;
            let ours = match exact {
                true => person.name.clone(),
                false => match here.get(&crate::privacy::person_key(&person.name)) {
                    Some(other) => {
                        report.spellings.push([person.name.clone(), other.clone()]);
                        other.clone()
                    }
                    None => person.name.clone(),
                },
            };
            if person_changes(conn, &ours, person, now)? {
                report.people.push(ours.clone());
            }
            people.push((ours, person));
        }
        let mut collections: BTreeSet<String> = BTreeSet::new();
        for (incoming, plan) in &plans {
            if matches!(plan, Plan::Gone) {
                continue;
            }
            for name in membership.get(&incoming.item.id).into_iter().flatten() {
                let local = match plan {
                    Plan::Add(_) => None,
                    _ => store::get_item(conn, incoming.item.id)?,
                };
                if local.is_none_or(|l| !l.collections.iter().any(|c| store::name_key(c) == store::name_key(name))) {
                    collections.insert(name.clone());
                }
            }
        }
        report.collections = collections.into_iter().collect();
        if options.dry_run {
            return Ok(report);
        }

        // The files first (each checked against its hash), then every row in one transaction.
        let mut blobs: Vec<(String, u64, &'static str)> = Vec::new();
        for (incoming, plan) in &plans {
            let item = match plan {
                Plan::Add(item) | Plan::Update(item, _) => item,
                _ => continue,
            };
            if let Some(sha) = item.sha256().filter(|sha| !self.files().contains(sha)) {
                let path = opened.files.join(sha);
                let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
                let stored = self.files().put_bytes(&bytes)?;
                if stored.sha256 != sha {
                    return Err(Error::bad_file(
                        path,
                        format!("item {}: the file is not the one its record names", incoming.item.id),
                    ));
                }
                let media = crate::ingest::sniff::sniff(&path, &bytes[..bytes.len().min(4096)]).ok();
                blobs.push((stored.sha256, stored.size, media.map_or("application/octet-stream", |k| k.media_type())));
            }
        }
        let summary = format!("Merged {source}");
        let planned_conflicts = report.conflicts.clone();
        let mut conflict_ids: Vec<i64> = Vec::new();
        self.operation(OperationKind::Merge, &summary, |a| {
            a.write(|tx| {
                for (sha, size, media) in &blobs {
                    store::insert_blob(tx, sha, *size, media, now)?;
                }
                let installed: BTreeSet<String> =
                    a_templates(tx)?.into_iter().collect();
                let new_templates: Vec<_> = doc
                    .templates
                    .iter()
                    .filter(|t| !installed.contains(&store::name_key(&t.name)))
                    .cloned()
                    .collect();
                crate::templates::save_all(tx, &new_templates)?;
                for place in &doc.places {
                    if let Some(gps) = place.gps
                        && !tx
                            .prepare_cached("SELECT 1 FROM places WHERE name_key = ?1 AND lat IS NOT NULL")?
                            .exists([store::name_key(&place.name)])?
                    {
                        store::place_id_or_create(tx, &place.name)?;
                        store::locate_place(tx, &place.name, gps)?;
                    }
                }
                for event in &doc.events {
                    let known = tx.prepare_cached("SELECT 1 FROM events WHERE name_key = ?1")?.exists([store::name_key(&event.name)])?;
                    if !known {
                        store::event_id_or_create(tx, &event.name)?;
                        store::describe_event(tx, &event.name, event.date.as_ref(), event.place.as_deref(), event.description.as_deref())?;
                    }
                }
                for (incoming, plan) in &plans {
                    let id = incoming.item.id;
                    let extra = membership.get(&id).cloned().unwrap_or_default();
                    match plan {
                        Plan::Add(item) => {
                            let mut item = (**item).clone();
                            item.collections = dedup_names(extra);
                            store::insert_item(tx, &item)?;
                        }
                        Plan::Update(item, conflicts) => {
                            let mut item = (**item).clone();
                            item.collections.extend(extra);
                            item.collections = dedup_names(std::mem::take(&mut item.collections));
                            item.updated_at = now;
                            store::update_item(tx, &item)?;
                            for (field, ours, theirs) in conflicts {
                                let planned = planned_conflicts.iter().find(|c| c.item == id && &c.field == field);
                                let (our_user, our_at) =
                                    planned.map_or((String::new(), now), |c| (c.our_user.clone(), c.our_at));
                                tx.prepare_cached(
                                    "INSERT OR REPLACE INTO merge_conflicts (item_id, field, ours, theirs, our_user, our_at, \
                                     their_user, their_at, bundle) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                                )?
                                .execute(params![
                                    id.to_string(),
                                    field,
                                    ours.to_string(),
                                    theirs.to_string(),
                                    our_user,
                                    our_at.to_rfc3339(),
                                    incoming.by,
                                    incoming.at.to_rfc3339(),
                                    source,
                                ])?;
                                conflict_ids.push(tx.last_insert_rowid());
                            }
                        }
                        Plan::Unchanged => {
                            if let Some(mut item) = store::get_item(tx, id)? {
                                let before = item.collections.len();
                                item.collections.extend(extra);
                                item.collections = dedup_names(std::mem::take(&mut item.collections));
                                if item.collections.len() != before {
                                    item.updated_at = now;
                                    store::update_item(tx, &item)?;
                                }
                            }
                        }
                        Plan::Gone => continue,
                    }
                    remember_lineage(tx, incoming)?;
                }
                for (ours, person) in &people {
                    merge_person(tx, ours, person, now)?;
                }
                for tombstone in &doc.tombstones {
                    record_tombstone(tx, tombstone)?;
                }
                for purge in &doc.person_purges {
                    tx.execute(
                        "INSERT OR IGNORE INTO person_purges (hash, at) VALUES (?1, ?2)",
                        params![purge.hash, purge.at.to_rfc3339()],
                    )?;
                }
                for id in &to_delete {
                    store::delete_item(tx, *id, now)?;
                }
                Ok(())
            })?;
            if !to_purge.is_empty() {
                a.purge(&to_purge)?;
            }
            for name in &purged_people {
                if store::person_privacy(a.store.conn(), name)?.is_some() {
                    a.purge_person(name)?;
                }
            }
            Ok(())
        })?;
        for (conflict, id) in report.conflicts.iter_mut().zip(conflict_ids) {
            conflict.id = id;
        }
        Ok(report)
    }

    /// What to do with one incoming item.
    fn plan(
        &self,
        incoming: &BundleItem,
        gone_here: &BTreeMap<Id, TombstoneKind>,
        gone_there: &BTreeMap<Id, TombstoneKind>,
    ) -> Result<Plan> {
        let id = incoming.item.id;
        if gone_here.contains_key(&id) || gone_there.contains_key(&id) {
            return Ok(Plan::Gone);
        }
        let conn = self.store.conn();
        let Some(local) = store::get_item(conn, id)? else {
            let mut item = incoming.item.clone();
            item.restriction = None;
            item.collections.clear();
            return Ok(Plan::Add(Box::new(item)));
        };
        let theirs = merge_state(&incoming.item)?;
        let ours = merge_state(&local)?;
        let (their_hash, our_hash) = (state_hash(&theirs), state_hash(&ours));
        let here = lineage(conn, id)?;
        let known_here: BTreeSet<&str> = here.iter().map(|e| e.hash.as_str()).collect();
        if their_hash == our_hash || known_here.contains(their_hash.as_str()) {
            return Ok(Plan::Unchanged);
        }
        // The states the bundle's side has known, by hash (a bundle carries no earlier states).
        let theirs_known: Vec<&str> =
            incoming.lineage.iter().map(|e| e.hash.as_str()).filter(|h| is_state_hash(h)).collect();
        if theirs_known.contains(&our_hash.as_str()) {
            // Only they changed it since: take theirs, kept in this archive's collections.
            let mut item = incoming.item.clone();
            item.restriction = None;
            item.collections = local.collections.clone();
            item.created_at = local.created_at;
            return Ok(Plan::Update(Box::new(item), Vec::new()));
        }
        // The common ground: the newest state both sides have known whose content is here.
        let states_here: HashMap<&str, &Value> =
            here.iter().filter_map(|e| Some((e.hash.as_str(), e.state.as_ref()?))).collect();
        let base = (theirs_known.iter().rev())
            .find_map(|hash| states_here.get(hash))
            .map(|state| (*state).clone())
            .unwrap_or(Value::Object(Map::new()));
        let (merged, mut conflicts) = three_way(&base, &ours, &theirs);
        // A quote's title follows its words: a conflict over the words is the only one to settle.
        if conflicts.iter().any(|(field, ..)| field == "text") {
            conflicts.retain(|(field, ..)| field != "title" || !titled_by_text(&ours) || !titled_by_text(&theirs));
        }
        if merged == ours && conflicts.is_empty() {
            return Ok(Plan::Unchanged);
        }
        let item = with_state(&local, &merged)?;
        Ok(Plan::Update(Box::new(item), conflicts))
    }

    /// Opens a bundle (folder, zip, or sealed file) and checks every file against its manifest.
    fn open_bundle(&self, path: &Path, passphrase: Option<&str>) -> Result<Opened> {
        if !path.exists() {
            return Err(Error::bad_file(path, "no such file or folder"));
        }
        let mut report = ImportReport::default();
        let mut scratch = None;
        let root = if path.is_dir() {
            bag_root(path).ok_or_else(|| Error::bad_file(path, "not a bundle: the folder holds no bagit.txt"))?
        } else {
            let dir = self.files().scratch_dir("bundle-")?;
            let mut head = [0u8; 16];
            let sealed = {
                use std::io::Read;
                let mut file = fs::File::open(path).map_err(|e| Error::io(path, e))?;
                let n = file.read(&mut head).map_err(|e| Error::io(path, e))?;
                crate::crypto::is_sealed(&head[..n])
            };
            let zip_path = if sealed {
                let Some(passphrase) = passphrase.filter(|p| !p.is_empty()) else {
                    return Err(Error::Sealed { path: path.to_path_buf(), wrong: false });
                };
                let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
                let plain = crate::crypto::open_with_passphrase(passphrase, &bytes)
                    .map_err(|e| Error::bad_file(path, e.to_string()))?
                    .ok_or_else(|| Error::Sealed { path: path.to_path_buf(), wrong: true })?;
                let zip_path = dir.path().join("bundle.zip");
                fs::write(&zip_path, plain).map_err(|e| Error::io(&zip_path, e))?;
                zip_path
            } else if is_zip(path) {
                path.to_path_buf()
            } else {
                return Err(Error::bad_file(
                    path,
                    "not a bundle: neither a bag folder, a zip file nor a sealed bundle",
                ));
            };
            let unpacked = dir.path().join("bag");
            fs::create_dir_all(&unpacked).map_err(|e| Error::io(&unpacked, e))?;
            unzip(&zip_path, &unpacked, ImportLimits::default(), &mut report).map_err(|e| Error::bad_file(path, e))?;
            let root = bag_root(&unpacked).ok_or_else(|| Error::bad_file(path, "not a bundle: no bagit.txt inside"))?;
            scratch = Some(dir);
            root
        };
        let shown = Shown { root: root.clone(), as_given: path.to_path_buf() };
        let verified = verify(&root, &shown, &mut report).map_err(|e| Error::bad_file(path, e))?;
        if let Some(first) = report.failed.first() {
            return Err(Error::bad_file(
                path,
                format!(
                    "the bundle is damaged ({} problems; the first: {}: {}); nothing was merged",
                    report.failed.len(),
                    first.path,
                    first.error
                ),
            ));
        }
        let doc_path = format!("{DATA_DIR}/{FILE_NAME}");
        if !verified.contains(&doc_path) {
            return Err(Error::bad_file(path, format!("not a Walkout bundle: {doc_path} is missing")));
        }
        let text = fs::read_to_string(root.join(&doc_path)).map_err(|e| Error::io(root.join(&doc_path), e))?;
        let doc: BundleDocument = serde_json::from_str(&text)
            .map_err(|e| Error::bad_file(path, format!("{FILE_NAME} cannot be read: {e}")))?;
        if doc.format != FORMAT || doc.version != 1 {
            return Err(Error::bad_file(
                path,
                format!(
                    "{FILE_NAME} is format {:?} version {}; this Walkout reads walkout-bundle version 1",
                    doc.format, doc.version
                ),
            ));
        }
        for entry in &doc.items {
            if let Some(sha) = entry.item.sha256() {
                let ok = sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit());
                if !ok || !verified.contains(&format!("{DATA_DIR}/{FILES_DIR}/{sha}")) {
                    return Err(Error::bad_file(
                        path,
                        format!(
                            "item {}: its file {sha:?} is not in the bundle's manifests; nothing was merged",
                            entry.item.id
                        ),
                    ));
                }
            }
            crate::archive::validate(&entry.item)?;
        }
        Ok(Opened { doc, files: root.join(DATA_DIR).join(FILES_DIR), _scratch: scratch })
    }
}

fn a_templates(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT name_key FROM templates")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Names once each (case and spacing aside), in order.
fn dedup_names(names: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    names.into_iter().filter(|n| seen.insert(store::name_key(n))).collect()
}

/// Fields merged as sets: both sides' additions and removals are kept (a face one side hid
/// stays hidden whatever the other did to the photo's redactions).
const SET_FIELDS: [&str; 3] = ["tags", "people", "redactions"];

/// Fields that protect, each value from the least to the most protective: changed differently
/// on both sides, the more protective value wins, as a tombstone wins over an edit.
const PROTECTIVE_FIELDS: [(&str, [&str; 3]); 2] =
    [("sensitivity", ["public", "restricted", "private"]), ("consent", ["granted", "unknown", "withheld"])];

/// The more protective of two values of a protective field; none for other fields.
fn stricter(key: &str, a: &Value, b: &Value) -> Option<Value> {
    let (_, order) = PROTECTIVE_FIELDS.iter().find(|(k, _)| *k == key)?;
    // A value the state leaves out is the default: public, unknown.
    let rank = |v: &Value| match v.as_str() {
        Some(s) => order.iter().position(|o| *o == s),
        None => order.iter().position(|o| *o == "public" || *o == "unknown"),
    };
    Some(if rank(b)? > rank(a)? { b.clone() } else { a.clone() })
}

/// Merges `ours` and `theirs` field by field against `base` (all `merge_state`s): the merged
/// state, and the fields both changed differently (field, ours, theirs), kept as ours.
pub(crate) fn three_way(base: &Value, ours: &Value, theirs: &Value) -> (Value, Vec<(String, Value, Value)>) {
    let empty = Map::new();
    let (b, o, t) =
        (base.as_object().unwrap_or(&empty), ours.as_object().unwrap_or(&empty), theirs.as_object().unwrap_or(&empty));
    let keys: BTreeSet<&String> = b.keys().chain(o.keys()).chain(t.keys()).collect();
    let mut merged = Map::new();
    let mut conflicts = Vec::new();
    for key in keys {
        let (bv, ov, tv) = (
            b.get(key).unwrap_or(&Value::Null),
            o.get(key).unwrap_or(&Value::Null),
            t.get(key).unwrap_or(&Value::Null),
        );
        let value = if ov == tv || tv == bv {
            ov.clone()
        } else if ov == bv {
            tv.clone()
        } else if SET_FIELDS.contains(&key.as_str()) {
            merge_sets(bv, ov, tv)
        } else if let Some(value) = stricter(key, ov, tv) {
            value
        } else {
            conflicts.push((key.clone(), ov.clone(), tv.clone()));
            ov.clone()
        };
        if !is_nothing(&value) {
            merged.insert(key.clone(), value);
        }
    }
    (Value::Object(merged), conflicts)
}

/// Ours, with what they added and without what they removed.
fn merge_sets(base: &Value, ours: &Value, theirs: &Value) -> Value {
    let list = |v: &Value| -> Vec<Value> { v.as_array().cloned().unwrap_or_default() };
    let (base, ours, theirs) = (list(base), list(ours), list(theirs));
    let mut out: Vec<Value> = ours.into_iter().filter(|v| !base.contains(v) || theirs.contains(v)).collect();
    for v in theirs {
        if !base.contains(&v) && !out.contains(&v) {
            out.push(v);
        }
    }
    Value::Array(out)
}

/// `local` with its content replaced by `state` (a `merge_state`): its bookkeeping (id,
/// times, collections) kept, every field the state leaves out emptied.
pub(super) fn with_state(local: &Item, state: &Value) -> Result<Item> {
    let bad = |e: serde_json::Error| Error::invalid("merge", format!("the merged record cannot be read: {e}"));
    let mut full = serde_json::to_value(local).map_err(bad)?;
    let object = full.as_object_mut().expect("an item is a JSON object");
    let merged = state.as_object().cloned().unwrap_or_default();
    let keys: Vec<String> = object.keys().cloned().collect();
    for key in keys {
        if super::NOT_MERGED.contains(&key.as_str()) {
            continue;
        }
        let value = match merged.get(&key) {
            Some(v) => v.clone(),
            None => match &object[&key] {
                Value::Array(_) => Value::Array(Vec::new()),
                Value::Object(_) => Value::Object(Map::new()),
                Value::Bool(_) => Value::Bool(false),
                Value::String(_) => Value::String(String::new()),
                _ => Value::Null,
            },
        };
        object.insert(key, value);
    }
    for (key, value) in merged {
        object.entry(key).or_insert(value);
    }
    let mut item: Item = serde_json::from_value(full).map_err(bad)?;
    item.restriction = None;
    Ok(item)
}

/// Whether merging `person`'s record into `ours` would change anything here.
fn person_changes(conn: &Connection, ours: &str, person: &BundlePerson, now: DateTime<Utc>) -> Result<bool> {
    let local = super::person_record(conn, ours)?.unwrap_or_default();
    Ok((person.minor && !local.minor)
        || (person.at_risk && !local.at_risk)
        || (local.pseudonym.is_none() && person.pseudonym.is_some())
        || !new_consents(&local, person, now).is_empty())
}

/// The bundle's consent records to add here. A withdrawal always comes in (dated no later than
/// now). A grant comes in only when it is dated (not in the future: a forged date would outrank
/// every later withdrawal) and this archive's newest record of its scope is not a withdrawal:
/// a withdrawal recorded here is lifted only here.
fn new_consents(local: &BundlePerson, person: &BundlePerson, now: DateTime<Utc>) -> Vec<BundleConsent> {
    use crate::model::Consent;
    let mut out = Vec::new();
    for consent in &person.consents {
        let at = DateTime::parse_from_rfc3339(&consent.recorded_at).map(|t| t.with_timezone(&Utc));
        if consent.record.status == Consent::Withheld {
            let mut consent = consent.clone();
            if at.is_err() || at.is_ok_and(|at| at > now) {
                consent.recorded_at = now.to_rfc3339();
            }
            // The same withdrawal (its time aside, as a clamped one was stored at another).
            if !local.consents.iter().any(|l| l.record == consent.record) {
                out.push(consent);
            }
            continue;
        }
        if !at.is_ok_and(|at| at <= now) || local.consents.contains(consent) {
            continue;
        }
        let newest_here = local.consents.iter().rfind(|l| l.record.scope == consent.record.scope);
        if newest_here.is_some_and(|l| l.record.status == Consent::Withheld) {
            continue;
        }
        out.push(consent.clone());
    }
    out
}

/// Adds a bundle's record of a person to this archive's `ours`: flags that protect, a
/// pseudonym where there is none, consent records not yet here (with their own times).
fn merge_person(conn: &Connection, ours: &str, person: &BundlePerson, now: DateTime<Utc>) -> Result<()> {
    if !person_changes(conn, ours, person, now)? {
        return Ok(());
    }
    let local = super::person_record(conn, ours)?.unwrap_or_default();
    let pseudonym = person.pseudonym.as_deref().filter(|_| local.pseudonym.is_none());
    store::set_person_protection(
        conn,
        ours,
        person.minor.then_some(true),
        person.at_risk.then_some(true),
        pseudonym.map(Some),
    )?;
    if local.description.is_none()
        && let Some(description) = &person.description
    {
        store::describe_person(conn, ours, description)?;
    }
    let id: String = conn
        .prepare_cached("SELECT id FROM persons WHERE name_key = ?1")?
        .query_row([store::name_key(ours)], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::invalid("person", format!("no person named {ours:?}")))?;
    for consent in new_consents(&local, person, now) {
        store::insert_consent(conn, &id, &consent.record, &consent.recorded_at)?;
    }
    crate::people::record_person(conn, ours, now)?;
    crate::people::touch_items_of(conn, ours, now)
}
