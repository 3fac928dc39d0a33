//! `Archive`: the one façade the CLI and the desktop app call. It owns the database (the
//! truth), the search index (derived from it) and the file store, and keeps them in step:
//! every write commits to SQLite first, then applies the change log to the index. One process
//! writes; others may read.

use std::collections::HashSet;
use std::fs::File;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::crypto::{self, ArchiveKey};
use crate::error::{Error, Result};
use crate::files::BlobStore;
use crate::history::OperationKind;
use crate::index::{SearchIndex, Unusable};
use crate::model::{Event, Id, Item, Organization, Person, Place, Stats, TagCount};
use crate::privacy;
use crate::store::{self, OpenMode, Store};

const DATABASE: &str = "archive.sqlite";
const INDEX_DIR: &str = "index";
const FILES_DIR: &str = "files";
const THUMBS_DIR: &str = "thumbs";
const LOCK_FILE: &str = ".walkout.lock";

/// The source of "now", so that tests can fix time.
pub type Clock = fn() -> DateTime<Utc>;

/// An open archive folder.
pub struct Archive {
    root: PathBuf,
    pub(crate) store: Store,
    pub(crate) index: SearchIndex,
    pub(crate) blobs: BlobStore,
    clock: Clock,
    /// The SQLCipher key of an encrypted archive (backups re-open their copy with it).
    pub(crate) db_key: Option<zeroize::Zeroizing<String>>,
    /// Held for as long as this process may write; the OS releases it if the process dies.
    _writer_lock: Option<File>,
    /// Why opening rebuilt the search index from the database, if it did.
    rebuilt_on_open: Option<String>,
    /// The operation the archive is doing, that the history records versions under.
    pub(crate) operation: Option<crate::history::PendingOperation>,
}

impl Archive {
    /// Creates a new, empty archive in `root` (which may exist but must not hold an archive).
    pub fn create(root: &Path) -> Result<Archive> {
        Archive::create_with(root, None)
    }

    /// Creates a new archive encrypted under `passphrase`: the database through SQLCipher, files
    /// and thumbnails sealed, the search index in memory only.
    pub fn create_encrypted(root: &Path, passphrase: &str) -> Result<Archive> {
        Archive::create_with(root, Some(passphrase))
    }

    fn create_with(root: &Path, passphrase: Option<&str>) -> Result<Archive> {
        if root.join(DATABASE).exists() || crypto::is_encrypted(root) {
            return Err(Error::ArchiveExists { path: root.to_path_buf() });
        }
        std::fs::create_dir_all(root).map_err(|e| Error::io(root, e))?;
        let lock = take_writer_lock(root, LOCK_PATIENCE)?;
        let key = passphrase.map(|p| ArchiveKey::create(root, p)).transpose()?;
        let db_key = key.as_ref().map(ArchiveKey::database_key);
        let store = Store::open_keyed(&root.join(DATABASE), OpenMode::Create, db_key.as_deref().map(String::as_str))?;
        store::meta_set(store.conn(), "created_at", &Utc::now().to_rfc3339())?;
        let index = match key {
            Some(_) => SearchIndex::create_in_ram()?,
            None => SearchIndex::create(&root.join(INDEX_DIR))?,
        };
        let mut archive = Archive::assemble(root, store, index, key.as_ref(), Some(lock));
        archive.index.commit(0)?;
        Ok(archive)
    }

    /// Opens an existing (unencrypted) archive for writing. Fails with `ArchiveInUse` when
    /// another process is writing to it, and with `Locked` when it is encrypted.
    pub fn open(root: &Path) -> Result<Archive> {
        Archive::open_with(root, None, true, LOCK_PATIENCE)
    }

    /// Opens an archive for reading only; works while another process writes to it.
    pub fn open_read_only(root: &Path) -> Result<Archive> {
        Archive::open_with(root, None, false, std::time::Duration::ZERO)
    }

    /// Opens for writing when possible, else read-only (for commands that only read).
    pub fn open_for_reading(root: &Path) -> Result<Archive> {
        // No waiting for the lock: a reader is as well served by a read-only handle.
        match Archive::open_with(root, None, true, std::time::Duration::ZERO) {
            Err(Error::ArchiveInUse { .. }) => Archive::open_read_only(root),
            other => other,
        }
    }

    /// Unlocks an encrypted archive for writing; its index is rebuilt in memory.
    pub fn unlock(root: &Path, passphrase: &str) -> Result<Archive> {
        Archive::open_with(root, Some(passphrase), true, LOCK_PATIENCE)
    }

    /// Unlocks an encrypted archive for writing when possible, else read-only (a snapshot of
    /// the moment it was unlocked).
    pub fn unlock_for_reading(root: &Path, passphrase: &str) -> Result<Archive> {
        match Archive::open_with(root, Some(passphrase), true, std::time::Duration::ZERO) {
            Err(Error::ArchiveInUse { .. }) => {
                Archive::open_with(root, Some(passphrase), false, std::time::Duration::ZERO)
            }
            other => other,
        }
    }

    /// Whether the archive in `root` is encrypted (and so needs a passphrase to open).
    pub fn is_encrypted(root: &Path) -> bool {
        crypto::is_encrypted(root)
    }

    /// Changes the passphrase of an encrypted archive (only the wrapped key is rewritten).
    pub fn change_passphrase(root: &Path, old: &str, new: &str) -> Result<()> {
        ArchiveKey::change_passphrase(root, old, new)
    }

    fn open_with(
        root: &Path,
        passphrase: Option<&str>,
        writable: bool,
        patience: std::time::Duration,
    ) -> Result<Archive> {
        let encrypted = crypto::is_encrypted(root);
        if !root.join(DATABASE).exists() {
            return Err(Error::NoArchive { path: root.to_path_buf() });
        }
        let key = match (encrypted, passphrase) {
            (true, Some(p)) => Some(ArchiveKey::unlock(root, p)?),
            (true, None) => return Err(Error::Locked { path: root.to_path_buf() }),
            (false, _) => None,
        };
        let lock = if writable { Some(take_writer_lock(root, patience)?) } else { None };
        let mode = if writable { OpenMode::Write } else { OpenMode::ReadOnly };
        let db_key = key.as_ref().map(ArchiveKey::database_key);
        let store = Store::open_keyed(&root.join(DATABASE), mode, db_key.as_deref().map(String::as_str))?;
        if key.is_some() {
            let mut archive = Archive::assemble(root, store, SearchIndex::create_in_ram()?, key.as_ref(), lock);
            if writable {
                archive.blobs.sweep_temp_files()?;
            }
            archive.rebuild_index()?;
            return Ok(archive);
        }
        let index_dir = root.join(INDEX_DIR);
        if !writable {
            let index = SearchIndex::open(&index_dir, false)?.map_err(|why| {
                let reason = match why {
                    Unusable::Missing => "it has not been built".to_string(),
                    Unusable::Corrupt(e) => format!("it cannot be read: {e}"),
                    Unusable::OtherSchema => "it was built by another version".to_string(),
                };
                Error::IndexUnavailable { path: root.to_path_buf(), reason }
            })?;
            return Ok(Archive::assemble(root, store, index, None, None));
        }
        let (index, unusable) = match SearchIndex::open(&index_dir, true)? {
            Ok(index) => (index, None),
            Err(why) => (SearchIndex::create(&index_dir)?, Some(why)),
        };
        let mut archive = Archive::assemble(root, store, index, None, lock);
        archive.blobs.sweep_temp_files()?;
        crate::files::thumbs::sweep_temp_files(&archive.thumbs_dir());
        if let Some(why) = unusable {
            archive.rebuilt_on_open = Some(match why {
                Unusable::Missing => "there was none".to_string(),
                Unusable::Corrupt(e) => format!("it could not be read: {e}"),
                Unusable::OtherSchema => "it was built by another version".to_string(),
            });
            archive.rebuild_index()?;
        } else {
            archive.catch_up_index()?;
            // The index must hold exactly the database's items; if it does not (a damaged or
            // foreign index), it is rebuilt rather than trusted.
            let items = store::stats(archive.store.conn())?.items;
            let docs = archive.index.num_docs();
            if docs != items {
                archive.rebuilt_on_open = Some(format!("it held {docs} documents for {items} items"));
                archive.rebuild_index()?;
            }
        }
        Ok(archive)
    }

    fn assemble(
        root: &Path,
        store: Store,
        index: SearchIndex,
        key: Option<&ArchiveKey>,
        lock: Option<File>,
    ) -> Archive {
        let blobs = match key {
            Some(key) => BlobStore::encrypted(root.join(FILES_DIR), key.file_cipher()),
            None => BlobStore::new(root.join(FILES_DIR)),
        };
        let db_key = key.map(ArchiveKey::database_key);
        Archive {
            root: root.to_path_buf(),
            store,
            index,
            blobs,
            clock: Utc::now,
            db_key,
            _writer_lock: lock,
            rebuilt_on_open: None,
            operation: None,
        }
    }

    /// Replaces the clock (tests fix time with it).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// Now, by this archive's clock.
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// The archive folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Why opening this handle rebuilt the search index from the database (a missing, damaged or
    /// out-of-step index), if it did: a rebuild of a large archive takes a while, and says so.
    pub fn index_rebuilt_on_open(&self) -> Option<&str> {
        self.rebuilt_on_open.as_deref()
    }

    /// Whether this handle may write.
    pub fn is_read_only(&self) -> bool {
        self._writer_lock.is_none()
    }

    /// Where thumbnails live (derived, safe to delete).
    pub fn thumbs_dir(&self) -> PathBuf {
        self.root.join(THUMBS_DIR)
    }

    /// The content-addressed file store.
    pub fn files(&self) -> &BlobStore {
        &self.blobs
    }

    /// Applies to the index every change it has not seen, in one commit.
    pub(crate) fn catch_up_index(&mut self) -> Result<()> {
        let (changed, newest) = store::changed_since(self.store.conn(), self.index.applied_seq())?;
        if changed.is_empty() {
            return Ok(());
        }
        let today = self.now().date_naive();
        let from = self.index.applied_seq();
        self.index.set_choice_fields(crate::templates::choice_keys(self.store.conn())?);
        let (conn, index) = (self.store.conn(), &mut self.index);
        let mut policy = privacy::StoredPolicy::lazy(conn, today);
        let mut present = HashSet::new();
        store::for_each_item_changed_since(conn, from, |item| {
            present.insert(item.id);
            index.stage_item(&item, policy.effective(&item)?)
        })?;
        // A quote is as restricted as what it was taken from: when that changed (or went), the
        // quotes taken from it are indexed again with what they now inherit.
        let derived: Vec<Id> =
            store::quotes_taken_from(conn, &changed)?.into_iter().filter(|id| !present.contains(id)).collect();
        for item in store::get_items(conn, &derived)?.into_values() {
            index.stage_item(&item, policy.effective(&item)?)?;
        }
        for id in changed.into_iter().filter(|id| !present.contains(id)) {
            self.index.stage_delete(id)?;
        }
        fail::fail_point!("before-index-commit");
        self.index.commit(newest)
    }

    /// Runs `write` in one database transaction, then brings the index up to date.
    pub(crate) fn write<T>(&mut self, write: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>) -> Result<T> {
        let value = self.write_database(write)?;
        self.catch_up_index()?;
        Ok(value)
    }

    /// Runs `write` in one database transaction and leaves the index behind, for a long import
    /// that brings the index up to date every so often (`index_lag`) and at its end: each
    /// index commit finalizes a segment, which costs more than indexing a few thousand quotes.
    /// The change log keeps the two consistent: a crash in between is caught up on next open.
    pub(crate) fn write_database<T>(
        &mut self,
        write: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let opened_here = self.operation.as_ref().is_some_and(|o| o.id.is_none());
        let tx = self.store.transaction()?;
        let value = crate::history::resume(&tx, &mut self.operation).and_then(|()| write(&tx)).and_then(|value| {
            crate::history::end(&tx)?;
            Ok(value)
        });
        let value = match value {
            Ok(value) => value,
            Err(e) => {
                // The operation's row was rolled back with the transaction: the next one opens it.
                if opened_here && let Some(op) = &mut self.operation {
                    op.id = None;
                }
                return Err(e);
            }
        };
        tx.commit()?;
        fail::fail_point!("after-db-commit");
        Ok(value)
    }

    /// How many changes the database holds that the index has not applied yet.
    pub(crate) fn index_lag(&self) -> Result<i64> {
        Ok(store::last_change(self.store.conn())? - self.index.applied_seq())
    }

    /// Adds a new item; returns its id.
    pub fn add_item(&mut self, item: Item) -> Result<Id> {
        validate(&item)?;
        let id = item.id;
        let summary = format!("Added “{}”", crate::model::title_from_text(&item.title));
        self.operation(OperationKind::Add, &summary, |a| a.write(|tx| store::insert_item(tx, &item)))?;
        Ok(id)
    }

    /// Adds many items in one transaction and one index commit.
    pub fn add_items(&mut self, items: &[Item]) -> Result<()> {
        for item in items {
            validate(item)?;
        }
        let summary = format!("Added {} items", items.len());
        self.operation(OperationKind::Add, &summary, |a| {
            a.write(|tx| items.iter().try_for_each(|item| store::insert_item(tx, item)))
        })
    }

    /// Saves an item's new state (its `updated_at` is set to now).
    pub fn update_item(&mut self, mut item: Item) -> Result<Item> {
        validate(&item)?;
        item.updated_at = self.now();
        let summary = format!("Edited “{}”", crate::model::title_from_text(&item.title));
        self.operation(OperationKind::Edit, &summary, |a| a.write(|tx| store::update_item(tx, &item)))?;
        Ok(item)
    }

    /// Sets fields by name (`walkout edit ID --set FIELD=VALUE`).
    pub fn edit(&mut self, id: Id, changes: &[(String, String)]) -> Result<Item> {
        let mut item = self.get(id)?;
        for (field, value) in changes {
            item.set_field(field, value)?;
        }
        self.update_item(item)
    }

    /// Adds tags to an item.
    pub fn tag(&mut self, id: Id, tags: &[String]) -> Result<Item> {
        let mut item = self.get(id)?;
        for tag in tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
            if !item.tags.iter().any(|have| have.eq_ignore_ascii_case(tag)) {
                item.tags.push(tag.to_string());
            }
        }
        self.update_item(item)
    }

    /// Deletes an item. Its original file stays until no item points to it.
    pub fn delete(&mut self, id: Id) -> Result<()> {
        let now = self.now();
        let title = store::get_item(self.store.conn(), id)?.map(|i| crate::model::title_from_text(&i.title));
        let summary = format!("Deleted “{}”", title.unwrap_or_default());
        let deleted = self.operation(OperationKind::Delete, &summary, |a| {
            a.write(|tx| {
                let deleted = store::delete_item(tx, id, now)?;
                store::drop_unreferenced_blobs(tx)?;
                Ok(deleted)
            })
        })?;
        if !deleted {
            return Err(Error::ItemNotFound { id: id.to_string() });
        }
        Ok(())
    }

    /// Loads an item.
    pub fn get(&self, id: Id) -> Result<Item> {
        store::get_item(self.store.conn(), id)?.ok_or_else(|| Error::ItemNotFound { id: id.to_string() })
    }

    /// The item whose original is the stored file with this SHA-256, if any.
    pub fn item_with_file(&self, sha256: &str) -> Result<Option<Item>> {
        match store::item_with_file(self.store.conn(), sha256)? {
            Some(id) => Ok(Some(self.get(id)?)),
            None => Ok(None),
        }
    }

    /// Finds an item by its id or the start of it.
    pub fn resolve_id(&self, id: &str) -> Result<Id> {
        store::resolve_id(self.store.conn(), id)
    }

    /// Rebuilds the search index from the database; returns how many items it holds.
    pub fn reindex(&mut self) -> Result<u64> {
        if self.is_read_only() {
            return Err(Error::ReadOnly);
        }
        self.rebuild_index()
    }

    fn rebuild_index(&mut self) -> Result<u64> {
        if self.index.is_in_ram() {
            self.index = SearchIndex::create_in_ram()?;
        } else {
            let dir = self.index.dir().to_path_buf();
            // Drop the old writer (and its lock) before the folder is replaced.
            self.index = SearchIndex::create_in_ram()?;
            self.index = SearchIndex::create(&dir)?;
        }
        let newest = store::last_change(self.store.conn())?;
        let mut count = 0;
        let today = self.now().date_naive();
        self.index.set_choice_fields(crate::templates::choice_keys(self.store.conn())?);
        let (conn, index) = (self.store.conn(), &mut self.index);
        let mut policy = privacy::StoredPolicy::everyone(conn, today)?;
        store::for_each_item(conn, |item| {
            count += 1;
            index.stage_new_item(&item, policy.effective(&item)?)
        })?;
        self.index.commit(newest)?;
        self.index.compact()?;
        Ok(count)
    }

    /// Counts of everything in the archive.
    pub fn stats(&self) -> Result<Stats> {
        let mut stats = store::stats(self.store.conn())?;
        stats.index_docs = self.index.num_docs();
        Ok(stats)
    }

    /// Every person.
    pub fn people(&self) -> Result<Vec<Person>> {
        store::list_people(self.store.conn())
    }

    /// Every place.
    pub fn places(&self) -> Result<Vec<Place>> {
        store::list_places(self.store.conn())
    }

    /// Every event.
    pub fn events(&self) -> Result<Vec<Event>> {
        store::list_events(self.store.conn())
    }

    /// Every organization.
    pub fn organizations(&self) -> Result<Vec<Organization>> {
        store::list_organizations(self.store.conn())
    }

    /// Every tag in use.
    pub fn tags(&self) -> Result<Vec<TagCount>> {
        store::list_tags(self.store.conn())
    }

    /// Every item, in the order they were added.
    pub fn all_items(&self) -> Result<Vec<Item>> {
        let mut items = Vec::new();
        store::for_each_item(self.store.conn(), |item| {
            items.push(item);
            Ok(())
        })?;
        Ok(items)
    }

    /// Notes in the export log that an export carried these items (false when read-only).
    pub fn record_export(&self, format: &str, destination: &Path, items: &[Id]) -> Result<bool> {
        if self.is_read_only() {
            return Ok(false);
        }
        let destination = std::fs::canonicalize(destination).unwrap_or_else(|_| destination.to_path_buf());
        store::record_export(self.store.conn(), format, &destination.display().to_string(), items, self.now())?;
        Ok(true)
    }

    /// `PRAGMA integrity_check` of the database.
    pub fn integrity_check(&self) -> Result<String> {
        self.store.integrity_check()
    }
}

/// How long a writer waits for the lock before calling the archive in use. A lock is held by
/// an open file description, which a process forked at that moment shares until it runs its
/// program: an archive closed and reopened at once by a program that starts other programs can
/// find its own lock held for a few milliseconds.
const LOCK_PATIENCE: std::time::Duration = std::time::Duration::from_millis(750);

fn take_writer_lock(root: &Path, patience: std::time::Duration) -> Result<File> {
    let path = root.join(LOCK_FILE);
    let file = File::options().create(true).truncate(false).write(true).open(&path).map_err(|e| Error::io(&path, e))?;
    let deadline = std::time::Instant::now() + patience;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(15));
            }
            Err(std::fs::TryLockError::WouldBlock) => return Err(Error::ArchiveInUse { path: root.to_path_buf() }),
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
        }
    }
}

pub(crate) fn validate(item: &Item) -> Result<()> {
    if item.title.trim().is_empty() {
        return Err(Error::invalid("title", "must not be empty"));
    }
    if let crate::model::ItemDetails::Quote(q) = &item.details
        && q.text.trim().is_empty()
    {
        return Err(Error::invalid("text", "a quote needs its words"));
    }
    if let Some(sha) = item.sha256()
        && (sha.len() != 64 || !sha.chars().all(|c| c.is_ascii_hexdigit()))
    {
        return Err(Error::invalid("sha256", format!("{sha:?} is not a SHA-256")));
    }
    Ok(())
}
