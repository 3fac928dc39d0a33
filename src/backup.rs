//! Backups: a consistent copy of an archive made while it is in use. The database is copied
//! with `VACUUM INTO` (a transactionally consistent snapshot), the original files are copied and
//! re-hashed, the copy's `integrity_check` must say ok — and only then does the new backup
//! replace the previous one. A failed backup never overwrites the last good one. The index is
//! not copied: it is derived, and rebuilt when the backup is opened.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::files::Fixity;
use crate::store::{self, OpenMode, Store};

/// What a backup wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupReport {
    /// The backup folder.
    pub path: PathBuf,
    /// Items in it.
    pub items: u64,
    /// Original files copied and verified.
    pub files: u64,
    /// Whether the backup was logged, so that a purge lists it for recall (a read-only handle
    /// cannot log it).
    #[serde(default)]
    pub recorded: bool,
}

impl Archive {
    /// Writes a verified backup to `out` (an archive folder), replacing an older backup there
    /// only once the new one has passed its checks.
    pub fn backup(&self, out: &Path) -> Result<BackupReport> {
        let partial = sibling(out, "partial");
        if partial.exists() {
            fs::remove_dir_all(&partial).map_err(|e| Error::io(&partial, e))?;
        }
        fs::create_dir_all(&partial).map_err(|e| Error::io(&partial, e))?;
        let db = partial.join("archive.sqlite");
        // The last change the copy holds: a purge later tells from it which items it carried.
        let seq = store::last_change(self.store.conn())?;
        self.store.conn().execute("VACUUM INTO ?1", [db.to_string_lossy()])?;

        // An encrypted archive's backup is encrypted the same way, with the same key file.
        let key_file = self.root().join(crate::crypto::KEY_FILE);
        if key_file.exists() {
            let target = partial.join(crate::crypto::KEY_FILE);
            fs::copy(&key_file, &target).map_err(|e| Error::io(&target, e))?;
        }
        let copy_files = self.files().with_root(partial.join("files"));
        let hashes: Vec<String> = store::item_files(self.store.conn())?.into_iter().map(|(_, sha)| sha).collect();
        let mut files = 0;
        for sha in &hashes {
            if copy_files.contains(sha) {
                continue;
            }
            let source = self.files().path_of(sha);
            let bytes = self.files().read(sha)?;
            copy_files.put_bytes(&bytes)?;
            if copy_files.check(sha)? != Fixity::Ok {
                return Err(Error::bad_file(
                    source,
                    "changed since it was stored (run `walkout verify`); backup stopped",
                ));
            }
            files += 1;
        }
        let copy = Store::open_keyed(&db, OpenMode::Write, self.db_key.as_deref().map(String::as_str))?;
        let verdict = copy.integrity_check()?;
        if verdict != "ok" {
            return Err(Error::invalid("backup", format!("the copied database fails its integrity check: {verdict}")));
        }
        let items = store::stats(copy.conn())?.items;
        drop(copy);

        // Only now does the new backup take the place of the old one.
        let previous = sibling(out, "previous");
        if previous.exists() {
            fs::remove_dir_all(&previous).map_err(|e| Error::io(&previous, e))?;
        }
        if out.exists() {
            fs::rename(out, &previous).map_err(|e| Error::io(out, e))?;
        }
        fs::rename(&partial, out).map_err(|e| Error::io(out, e))?;
        if previous.exists() {
            fs::remove_dir_all(&previous).map_err(|e| Error::io(&previous, e))?;
        }
        // Logged for recall, as exports are: a purge lists the backups that hold what it removed.
        let recorded = !self.is_read_only();
        if recorded {
            let destination = fs::canonicalize(out).unwrap_or_else(|_| out.to_path_buf());
            store::record_backup(self.store.conn(), &destination.display().to_string(), seq, self.now())?;
        }
        Ok(BackupReport { path: out.to_path_buf(), items, files, recorded })
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "backup".to_string());
    path.with_file_name(format!(".{name}.{suffix}"))
}
