//! The SQLite store: the archive's source of truth. Connections are opened with the same
//! PRAGMAs every time (WAL, foreign keys, a busy timeout); the schema comes from the append-only
//! migrations; every item write records a row in `changes` inside the same transaction.

mod entities;
mod items;
pub mod migrations;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use entities::*;
pub use items::*;

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
        let flags = match mode {
            OpenMode::Create => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
            OpenMode::Write => OpenFlags::SQLITE_OPEN_READ_WRITE,
            OpenMode::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
        } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if mode != OpenMode::Create && !path.exists() {
            return Err(Error::NoArchive { path: path.parent().unwrap_or(path).to_path_buf() });
        }
        let mut conn = Connection::open_with_flags(path, flags)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(None, "foreign_keys", true)?;
        if mode == OpenMode::ReadOnly {
            migrations::check_supported(&conn, path)?;
        } else {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "FULL")?;
            migrations::migrate(&mut conn, path)?;
        }
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

    /// `PRAGMA integrity_check`'s verdict: `ok` or the problems found.
    pub fn integrity_check(&self) -> Result<String> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let lines: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(lines.join("\n"))
    }
}

/// The key two names are compared by: trimmed, single-spaced, lowercase.
pub fn name_key(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}
