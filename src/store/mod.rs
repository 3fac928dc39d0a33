//! The SQLite store: the archive's source of truth. Connections are opened with the same
//! PRAGMAs every time (WAL, foreign keys, a busy timeout); the schema comes from the append-only
//! migrations; every item write records a row in `changes` inside the same transaction.

mod entities;
mod items;
pub mod migrations;
mod people;
mod purges;
mod reads;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use entities::*;
pub use items::*;
pub use people::*;
pub use purges::*;
pub use reads::*;

use crate::error::{Error, Result};

/// How a store is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenMode {
    /// Create the database if it is missing, and migrate it.
    Create,
    /// Open an existing database for writing, and migrate it.
    Write,
    /// Open an existing database for reading only.
    ReadOnly,
}

/// The database connection of one open archive.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    read_only: bool,
}

impl Store {
    /// Opens (or creates) the database at `path`.
    pub fn open(path: &Path, mode: OpenMode) -> Result<Store> {
        Store::open_keyed(path, mode, None)
    }

    /// Opens (or creates) a database encrypted with SQLCipher under `key` (a `PRAGMA key`
    /// literal); `None` opens a plain database.
    pub fn open_keyed(path: &Path, mode: OpenMode, key: Option<&str>) -> Result<Store> {
        let flags = match mode {
            OpenMode::Create => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
            OpenMode::Write => OpenFlags::SQLITE_OPEN_READ_WRITE,
            OpenMode::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
        } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if mode != OpenMode::Create && !path.exists() {
            return Err(Error::NoArchive { path: path.parent().unwrap_or(path).to_path_buf() });
        }
        let mut conn = Connection::open_with_flags(path, flags)?;
        if let Some(key) = key {
            // Must be the first statement on the connection.
            conn.execute_batch(&format!("PRAGMA key = \"{key}\";"))?;
        }
        // Temporary tables and indices stay in memory, never in plaintext temp files.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // Up to 64 MiB of page cache instead of SQLite's 2 MiB, for large archives: importing
        // 100,000 quotes spent a third less system time re-reading pages (1.1 s against 1.7 s).
        conn.pragma_update(None, "cache_size", -65536)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        if let Err(e) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
            let path = path.parent().unwrap_or(path).to_path_buf();
            return Err(match (e.sqlite_error_code(), key) {
                (Some(rusqlite::ErrorCode::NotADatabase), Some(_)) => Error::WrongPassphrase { path },
                (Some(rusqlite::ErrorCode::NotADatabase), None) => Error::Locked { path },
                _ => e.into(),
            });
        }
        conn.pragma_update(None, "foreign_keys", true)?;
        // Deleted rows are overwritten, not left in free pages: a takedown must really remove text.
        conn.pragma_update(None, "secure_delete", true)?;
        if mode == OpenMode::ReadOnly {
            migrations::check_supported(&conn, path)?;
        } else {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "FULL")?;
            migrations::migrate(&mut conn, path)?;
        }
        // Query planner stability: with the bundled SQLite's STAT4, a cached statement would be
        // re-prepared on every new binding (ten times the cost of running it; BENCHMARKS.md).
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(Store { conn, path: path.to_path_buf(), read_only: mode == OpenMode::ReadOnly })
    }

    /// The connection, for reads.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Starts a write transaction.
    pub fn transaction(&mut self) -> Result<rusqlite::Transaction<'_>> {
        if self.read_only {
            return Err(Error::ReadOnly);
        }
        Ok(self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?)
    }

    /// Where the database lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether this connection may write.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Leaves no trace of deleted content in the files: checkpoints and truncates the WAL, then
    /// vacuums free pages away (with `secure_delete` on, deleted rows were already overwritten).
    pub fn scrub(&self) -> Result<()> {
        self.empty_wal()?;
        self.conn.execute_batch("VACUUM")?;
        self.empty_wal()
    }

    /// Checkpoints the WAL into the database and truncates it, retrying until the `-wal` file
    /// is really empty: a checkpoint that a reader blocks reports "busy" (or copies only part of
    /// the log) and leaves deleted text in the log. Gives up after a few seconds with an error
    /// that says how to finish.
    fn empty_wal(&self) -> Result<()> {
        let mut wal = self.path.as_os_str().to_owned();
        wal.push("-wal");
        let wal = PathBuf::from(wal);
        for attempt in 0..40u64 {
            let busy: i64 = self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
            let len = std::fs::metadata(&wal).map_or(0, |m| m.len());
            if busy == 0 && len == 0 {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(10 * (attempt + 1).min(10)));
        }
        Err(Error::WalNotEmptied { path: wal })
    }

    /// `PRAGMA integrity_check`'s verdict: `ok` or the problems found.
    pub fn integrity_check(&self) -> Result<String> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let lines: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(lines.join("\n"))
    }
}

/// The key two names are compared by: trimmed, single-spaced, lowercase.
///
/// Word by word, in one buffer (an import computes it for every quote's text, twice): the same
/// as lowercasing the single-spaced name whole, since a space ends every context `to_lowercase`
/// looks at (the Greek final sigma).
pub fn name_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        if word.is_ascii() {
            key.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            key.push_str(&word.to_lowercase());
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::name_key;

    #[test]
    fn name_key_lowercases_and_single_spaces_as_the_whole_name_would() {
        let whole = |name: &str| name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        for name in [
            "  Mark   Twain ",
            "José MARTÍ",
            "ΟΔΟΣ ΣΟΦΟΚΛΕΟΥΣ",
            "Σ",
            "ΑΣ. Σ",
            "İstanbul Öğrenci",
            "Straße\tGROSS\nKLEIN",
            "ǅemal ǄEMAL",
            "",
            " \u{3000} ",
        ] {
            assert_eq!(name_key(name), whole(name), "{name:?}");
        }
        assert_eq!(name_key("  Mark   Twain "), "mark twain");
    }
}
