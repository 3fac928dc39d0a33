//! Original files, stored by content. A file's SHA-256 is its name (`files/ab/cdef…`) and its
//! fixity value: the same bytes are stored once, and `verify` re-hashes them. Writes go to a
//! temp file, are fsynced, then renamed into place, so a crash never leaves a half file under a
//! hash name.

pub mod photo_meta;

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The content-addressed file store under `<archive>/files`.
#[derive(Clone, Debug)]
pub struct BlobStore {
    root: PathBuf,
}

/// What storing a file gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredBlob {
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// The result of re-hashing one stored file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fixity {
    /// The bytes still hash to their name.
    Ok,
    /// The bytes changed.
    Mismatch,
    /// The file is gone.
    Missing,
}

const TEMP_DIR: &str = ".tmp";

impl BlobStore {
    /// The store rooted at `root` (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> BlobStore {
        BlobStore { root: root.into() }
    }

    /// Where the file with this hash lives.
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        let (dir, rest) = sha256.split_at(2.min(sha256.len()));
        self.root.join(dir).join(rest)
    }

    /// Whether a file with this hash is stored.
    pub fn contains(&self, sha256: &str) -> bool {
        self.path_of(sha256).is_file()
    }

    /// Stores bytes already in memory.
    pub fn put_bytes(&self, bytes: &[u8]) -> Result<StoredBlob> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        if !self.contains(&sha256) {
            self.write_atomically(&sha256, |f| f.write_all(bytes))?;
        }
        Ok(StoredBlob { sha256, size: bytes.len() as u64 })
    }

    fn write_atomically(&self, sha256: &str, write: impl FnOnce(&mut File) -> io::Result<()>) -> Result<()> {
        let temp_dir = self.root.join(TEMP_DIR);
        fs::create_dir_all(&temp_dir).map_err(|e| Error::io(&temp_dir, e))?;
        let mut temp = tempfile::NamedTempFile::new_in(&temp_dir).map_err(|e| Error::io(&temp_dir, e))?;
        write(temp.as_file_mut()).map_err(|e| Error::io(temp.path(), e))?;
        temp.as_file().sync_all().map_err(|e| Error::io(temp.path(), e))?;
        let target = self.path_of(sha256);
        let dir = target.parent().expect("a blob path has a parent");
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        temp.persist(&target).map_err(|e| Error::io(&target, e.error))?;
        File::open(dir).and_then(|d| d.sync_all()).map_err(|e| Error::io(dir, e))?;
        Ok(())
    }

    /// Re-hashes a stored file.
    pub fn check(&self, sha256: &str) -> Result<Fixity> {
        let path = self.path_of(sha256);
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Fixity::Missing),
            Err(e) => return Err(Error::io(&path, e)),
        };
        let actual = hash_reader(file).map_err(|e| Error::io(&path, e))?;
        Ok(if actual == sha256 { Fixity::Ok } else { Fixity::Mismatch })
    }

    /// Removes temp files left by a crash mid-write; returns how many.
    pub fn sweep_temp_files(&self) -> Result<usize> {
        let temp_dir = self.root.join(TEMP_DIR);
        let Ok(entries) = fs::read_dir(&temp_dir) else { return Ok(0) };
        let mut removed = 0;
        for entry in entries.flatten() {
            if fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Deletes a stored file (used when nothing points to it any more).
    pub fn remove(&self, sha256: &str) -> Result<()> {
        let path = self.path_of(sha256);
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(&path, e)),
        }
    }
}

/// Hex SHA-256 of everything a reader yields.
pub fn hash_reader(mut reader: impl Read) -> io::Result<String> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Hex SHA-256 of a file on disk.
pub fn hash_file(path: &Path) -> Result<String> {
    File::open(path).and_then(hash_reader).map_err(|e| Error::io(path, e))
}
