//! Fixity: proving the originals have not changed. Every stored file is re-hashed and compared
//! with the SHA-256 it is named by and that its item records.

use serde::{Deserialize, Serialize};

use crate::archive::Archive;
use crate::error::Result;
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
}

impl VerifyReport {
    /// Whether every file passed.
    pub fn is_clean(&self) -> bool {
        self.mismatched.is_empty() && self.missing.is_empty()
    }
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

    /// Re-hashes every original file an item points to.
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
        Ok(report)
    }
}
