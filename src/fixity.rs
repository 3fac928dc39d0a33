//! Fixity: proving the originals have not changed. Every stored file is re-hashed and compared
//! with the SHA-256 it is named by and that its item records. `verify` also lists stored files
//! nothing points to (what an interrupted import leaves) and checks that the search index holds
//! exactly the database's items.

use std::collections::HashSet;
use std::fs;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::files::Fixity;
use crate::model::Id;
use crate::store;

/// A file that failed its check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FixityProblem {
    /// The item whose original it is.
    pub id: Id,
    /// Where the file is (or should be).
    pub path: String,
}

/// What `verify` found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VerifyReport {
    /// Files checked.
    pub checked: u64,
    /// Files whose bytes still match.
    pub ok: u64,
    /// Files whose bytes changed.
    pub mismatched: Vec<FixityProblem>,
    /// Files that are gone.
    pub missing: Vec<FixityProblem>,
    /// Stored files no item points to: left by an import that was interrupted before it
    /// committed them, or by deleted items. They are harmless; `walkout verify --clean` removes
    /// them.
    #[serde(default)]
    pub unreferenced: Vec<String>,
    /// Items of the database the search index does not hold.
    #[serde(default)]
    pub index_missing: Vec<Id>,
    /// Documents of the search index with no item in the database (or an item indexed twice).
    #[serde(default)]
    pub index_extra: Vec<Id>,
}

impl VerifyReport {
    /// Whether every file passed its fixity check.
    pub fn is_clean(&self) -> bool {
        self.mismatched.is_empty() && self.missing.is_empty()
    }

    /// Whether the search index holds exactly the database's items. A read-only handle may see
    /// an index a moment behind a writer's commits.
    pub fn index_agrees(&self) -> bool {
        self.index_missing.is_empty() && self.index_extra.is_empty()
    }
}

/// What `walkout verify --clean` removed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CleanReport {
    /// Stored files no item pointed to.
    pub files: Vec<String>,
    /// Thumbnails of photos the archive does not hold.
    pub thumbnails: u64,
}

/// One recorded `verify` run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixityRun {
    /// When it ran (RFC 3339).
    pub at: String,
    /// Files checked.
    pub checked: u64,
    /// Files that matched.
    pub ok: u64,
    /// Files whose bytes changed.
    pub mismatched: Vec<FixityProblem>,
    /// Files that were gone.
    pub missing: Vec<FixityProblem>,
}

impl Archive {
    /// Re-hashes every original file and records the run in the fixity log (when this handle
    /// may write; a read-only handle checks without recording).
    pub fn verify_and_log(&mut self, progress: &mut dyn FnMut(u64, u64)) -> Result<VerifyReport> {
        let report = self.verify(progress)?;
        if !self.is_read_only() {
            let at = self.now().to_rfc3339();
            let failures =
                serde_json::json!({ "mismatched": report.mismatched, "missing": report.missing }).to_string();
            let counts =
                (report.checked as i64, report.ok as i64, report.mismatched.len() as i64, report.missing.len() as i64);
            self.write(|tx| {
                tx.execute(
                    "INSERT INTO fixity_runs (at, checked, ok, mismatched, missing, failures) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    rusqlite::params![at, counts.0, counts.1, counts.2, counts.3, failures],
                )?;
                Ok(())
            })?;
        }
        Ok(report)
    }

    /// Every recorded `verify` run, oldest first.
    pub fn fixity_log(&self) -> Result<Vec<FixityRun>> {
        let mut stmt = self.store.conn().prepare("SELECT at, checked, ok, failures FROM fixity_runs ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, String>(3)?))
        })?;
        let mut runs = Vec::new();
        for row in rows {
            let (at, checked, ok, failures) = row?;
            let failures: serde_json::Value = serde_json::from_str(&failures).unwrap_or_default();
            let list = |key: &str| serde_json::from_value(failures[key].clone()).unwrap_or_default();
            runs.push(FixityRun {
                at,
                checked: checked as u64,
                ok: ok as u64,
                mismatched: list("mismatched"),
                missing: list("missing"),
            });
        }
        Ok(runs)
    }

    /// Re-hashes every original file an item points to, lists stored files nothing points to,
    /// and compares the search index with the database.
    pub fn verify(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<VerifyReport> {
        let files = store::item_files(self.store.conn())?;
        let mut report = VerifyReport::default();
        let total = files.len() as u64;
        for (id, sha) in files {
            progress(report.checked, total);
            let path = self.files().path_of(&sha).display().to_string();
            report.checked += 1;
            match self.files().check(&sha)? {
                Fixity::Ok => report.ok += 1,
                Fixity::Mismatch => report.mismatched.push(FixityProblem { id, path }),
                Fixity::Missing => report.missing.push(FixityProblem { id, path }),
            }
        }
        progress(total, total);
        report.unreferenced = self.unreferenced_files()?.iter().map(|p| p.display().to_string()).collect();
        (report.index_missing, report.index_extra) = self.index_differences()?;
        Ok(report)
    }

    /// Removes stored files no item or file record points to, and thumbnails of photos the
    /// archive does not hold. Only a writer may: no import can be storing files meanwhile.
    pub fn remove_unreferenced_files(&mut self) -> Result<CleanReport> {
        if self.is_read_only() {
            return Err(Error::ReadOnly);
        }
        let mut report = CleanReport::default();
        for path in self.unreferenced_files()? {
            fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
            report.files.push(path.display().to_string());
        }
        let referenced = store::referenced_files(self.store.conn())?;
        if let Ok(entries) = fs::read_dir(self.thumbs_dir()) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let sha = name.split('-').next().unwrap_or_default();
                if sha.len() == 64 && !referenced.contains(sha) {
                    fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
                    report.thumbnails += 1;
                }
            }
        }
        Ok(report)
    }

    /// Files under `files/` that no file record or item names (temp files of a write under way
    /// are not counted: a writer sweeps stray ones when it opens).
    fn unreferenced_files(&self) -> Result<Vec<PathBuf>> {
        let kept: HashSet<PathBuf> =
            store::referenced_files(self.store.conn())?.iter().map(|sha| self.files().path_of(sha)).collect();
        let root = self.files().root();
        let mut found = Vec::new();
        let Ok(entries) = fs::read_dir(root) else { return Ok(found) };
        let mut pending: Vec<PathBuf> =
            entries.flatten().filter(|e| !e.file_name().to_string_lossy().starts_with('.')).map(|e| e.path()).collect();
        while let Some(path) = pending.pop() {
            if path.is_dir() {
                pending.extend(fs::read_dir(&path).map_err(|e| Error::io(&path, e))?.flatten().map(|e| e.path()));
            } else if !kept.contains(&path) {
                found.push(path);
            }
        }
        found.sort();
        Ok(found)
    }

    /// Items the index lacks and index documents the database lacks.
    fn index_differences(&self) -> Result<(Vec<Id>, Vec<Id>)> {
        let mut in_database: HashSet<Id> = store::item_ids(self.store.conn())?.into_iter().collect();
        let mut extra = Vec::new();
        for id in self.index.ids()? {
            if !in_database.remove(&id) {
                extra.push(id);
            }
        }
        let mut missing: Vec<Id> = in_database.into_iter().collect();
        missing.sort();
        extra.sort();
        Ok((missing, extra))
    }
}
