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
pub struct FixityProblem {
    /// The item whose original it is.
    pub id: Id,
    /// Where the file is (or should be).
    pub path: String,
}

/// What `verify` found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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

impl Archive {
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
