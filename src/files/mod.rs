//! Original files, stored by content. A file's SHA-256 is its name (`files/ab/cdef…`) and its
//! fixity value: the same bytes are stored once, and `verify` re-hashes them. Writes go to a
//! temp file, are fsynced, then renamed into place, so a crash never leaves a half file under a
//! hash name. An import stages a batch's files as temp files and settles them together before
//! its rows commit (one sync of the file system for all their data, the renames, one more for
//! the names), instead of waiting for the disk three times per file. In an encrypted archive the contents are sealed with the archive's file cipher
//! and the names are keyed hashes of the content hash, so neither reveals what is stored.

pub mod clean_image;
pub mod decode;
pub mod photo_meta;
pub mod thumbs;

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::crypto::FileCipher;
use crate::error::{Error, Result};

/// The content-addressed file store under `<archive>/files`.
#[derive(Clone, Debug)]
pub struct BlobStore {
    root: PathBuf,
    cipher: Option<FileCipher>,
}

/// What storing a file gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredBlob {
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// A file written to a temp file and not yet under its hash name: settled (synced and renamed)
/// with the rest of its batch by [`BlobStore::settle`], or removed when dropped unsettled.
#[derive(Debug)]
pub struct Staged {
    temp: tempfile::TempPath,
    target: PathBuf,
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
        BlobStore { root: root.into(), cipher: None }
    }

    /// A store whose files are sealed with `cipher`.
    pub fn encrypted(root: impl Into<PathBuf>, cipher: FileCipher) -> BlobStore {
        BlobStore { root: root.into(), cipher: Some(cipher) }
    }

    /// The same store (same encryption) rooted elsewhere, e.g. in a backup.
    pub fn with_root(&self, root: impl Into<PathBuf>) -> BlobStore {
        BlobStore { root: root.into(), cipher: self.cipher.clone() }
    }

    /// The folder the files live in.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether the files are encrypted on disk.
    pub fn is_encrypted(&self) -> bool {
        self.cipher.is_some()
    }

    /// Where the file with this hash lives (its bytes are ciphertext in an encrypted archive:
    /// read it with `read`).
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        let name = match &self.cipher {
            Some(cipher) => cipher.name_for(sha256),
            None => sha256.to_string(),
        };
        let (dir, rest) = name.split_at(2.min(name.len()));
        self.root.join(dir).join(rest)
    }

    /// The contents of a stored file (decrypted in an encrypted archive).
    pub fn read(&self, sha256: &str) -> Result<Vec<u8>> {
        let path = self.path_of(sha256);
        let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
        match &self.cipher {
            None => Ok(bytes),
            Some(cipher) => cipher
                .open(&bytes)
                .ok_or_else(|| Error::bad_file(&path, "the stored file was altered: it no longer decrypts")),
        }
    }

    /// Writes a copy of a stored file's plaintext to `target`.
    pub fn copy_out(&self, sha256: &str, target: &Path) -> Result<()> {
        match &self.cipher {
            None => {
                let source = self.path_of(sha256);
                fs::copy(&source, target).map(|_| ()).map_err(|e| Error::io(&source, e))
            }
            Some(_) => fs::write(target, self.read(sha256)?).map_err(|e| Error::io(target, e)),
        }
    }

    /// Whether a file with this hash is stored.
    pub fn contains(&self, sha256: &str) -> bool {
        self.path_of(sha256).is_file()
    }

    /// Stores bytes already in memory.
    pub fn put_bytes(&self, bytes: &[u8]) -> Result<StoredBlob> {
        self.put_hashed(bytes, hex::encode(Sha256::digest(bytes)))
    }

    /// Stores bytes whose SHA-256 (lowercase hex) the caller has just computed from these very
    /// bytes: an import hashes each file as it reads it, and a 12-megapixel photo's hash costs
    /// as much as its thumbnail's resize.
    pub(crate) fn put_hashed(&self, bytes: &[u8], sha256: String) -> Result<StoredBlob> {
        debug_assert_eq!(sha256, hex::encode(Sha256::digest(bytes)), "put_hashed given another file's hash");
        if !self.contains(&sha256) {
            match &self.cipher {
                Some(cipher) => {
                    let sealed = cipher.seal(bytes)?;
                    self.write_atomically(&sha256, |f| f.write_all(&sealed))?;
                }
                None => self.write_atomically(&sha256, |f| f.write_all(bytes))?,
            }
        }
        Ok(StoredBlob { sha256, size: bytes.len() as u64 })
    }

    /// Writes bytes whose SHA-256 the caller has just computed to a temp file, for
    /// [`BlobStore::settle`] to put under their hash name with the rest of a batch; `None` when
    /// the file is stored already. Nothing is synced yet, and a crash leaves only a temp file,
    /// swept at the next open.
    pub(crate) fn stage_hashed(&self, bytes: &[u8], sha256: &str) -> Result<Option<Staged>> {
        debug_assert_eq!(sha256, hex::encode(Sha256::digest(bytes)), "stage_hashed given another file's hash");
        if self.contains(sha256) {
            return Ok(None);
        }
        let target = self.path_of(sha256);
        let temp_dir = self.root.join(TEMP_DIR);
        fs::create_dir_all(&temp_dir).map_err(|e| Error::io(&temp_dir, e))?;
        let mut temp = tempfile::NamedTempFile::new_in(&temp_dir).map_err(|e| Error::io(&temp_dir, e))?;
        let sealed;
        let contents = match &self.cipher {
            Some(cipher) => {
                sealed = cipher.seal(bytes)?;
                &sealed[..]
            }
            None => bytes,
        };
        injected_write_failure().and_then(|()| temp.write_all(contents)).map_err(|e| Error::io(&target, e))?;
        start_writeback(temp.as_file());
        Ok(Some(Staged { temp: temp.into_temp_path(), target }))
    }

    /// Puts staged files under their hash names, durably: their data synced, then the renames,
    /// then the names synced. Called before the rows that name them commit: a crash before
    /// leaves temp files (swept at the next open) or files no row points to (which `verify`
    /// reports), never a row without its file nor a half file under a hash name.
    pub(crate) fn settle(&self, staged: Vec<Staged>) -> Result<()> {
        if staged.is_empty() {
            return Ok(());
        }
        // The batch's files are written, none synced or named yet.
        fail::fail_point!("files-staged");
        let temp_dir = self.root.join(TEMP_DIR);
        sync_all_of(staged.iter().map(|s| &*s.temp)).map_err(|e| Error::io(&temp_dir, e))?;
        let mut folders = std::collections::BTreeSet::new();
        for Staged { temp, target } in staged {
            let dir = target.parent().expect("a blob path has a parent").to_path_buf();
            fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
            temp.persist(&target).map_err(|e| Error::io(&target, e.error))?;
            folders.insert(dir);
        }
        sync_all_of(folders.iter().map(PathBuf::as_path)).map_err(|e| Error::io(&self.root, e))?;
        // The files are stored, their rows not yet committed: a crash here leaves unreferenced
        // files, which `verify` reports and the next import of the same bytes takes up.
        fail::fail_point!("blob-written");
        Ok(())
    }

    /// Writes to a temp file, fsyncs it, renames it to its hash name and fsyncs the folder. Errors
    /// name the file being stored, not the temp file (which is gone by then).
    fn write_atomically(&self, sha256: &str, write: impl FnOnce(&mut File) -> io::Result<()>) -> Result<()> {
        let target = self.path_of(sha256);
        let temp_dir = self.root.join(TEMP_DIR);
        fs::create_dir_all(&temp_dir).map_err(|e| Error::io(&temp_dir, e))?;
        let mut temp = tempfile::NamedTempFile::new_in(&temp_dir).map_err(|e| Error::io(&temp_dir, e))?;
        injected_write_failure().and_then(|()| write(temp.as_file_mut())).map_err(|e| Error::io(&target, e))?;
        temp.as_file().sync_all().map_err(|e| Error::io(&target, e))?;
        let dir = target.parent().expect("a blob path has a parent");
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        temp.persist(&target).map_err(|e| Error::io(&target, e.error))?;
        File::open(dir).and_then(|d| d.sync_all()).map_err(|e| Error::io(dir, e))?;
        // The file is stored, its row not yet committed: a crash here leaves an unreferenced
        // file, which `verify` reports and the next import of the same bytes takes up.
        fail::fail_point!("blob-written");
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
        let actual = match &self.cipher {
            None => hash_reader(file).map_err(|e| Error::io(&path, e))?,
            Some(cipher) => {
                let sealed = fs::read(&path).map_err(|e| Error::io(&path, e))?;
                match cipher.open(&sealed) {
                    Some(plain) => hash_reader(plain.as_slice()).map_err(|e| Error::io(&path, e))?,
                    None => return Ok(Fixity::Mismatch),
                }
            }
        };
        Ok(if actual == sha256 { Fixity::Ok } else { Fixity::Mismatch })
    }

    /// Removes temp files (and scratch folders) left by a crash mid-write; returns how many.
    pub fn sweep_temp_files(&self) -> Result<usize> {
        let temp_dir = self.root.join(TEMP_DIR);
        let Ok(entries) = fs::read_dir(&temp_dir) else { return Ok(0) };
        let mut removed = 0;
        for entry in entries.flatten() {
            let path = entry.path();
            let gone = if path.is_dir() { fs::remove_dir_all(&path) } else { fs::remove_file(&path) };
            if gone.is_ok() {
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// A scratch folder inside the archive folder, removed when dropped (and swept at the next
    /// open after a crash). An import that must unpack something (a zipped bag) does it here,
    /// never in the system's temp folder: for an encrypted archive nothing of an import may be
    /// written in plaintext outside the archive folder, where no sweep would ever find it.
    pub fn scratch_dir(&self, prefix: &str) -> Result<tempfile::TempDir> {
        let temp_dir = self.root.join(TEMP_DIR);
        fs::create_dir_all(&temp_dir).map_err(|e| Error::io(&temp_dir, e))?;
        tempfile::Builder::new().prefix(prefix).tempdir_in(&temp_dir).map_err(|e| Error::io(&temp_dir, e))
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

/// Makes what was written to `paths` (files, or folders whose entries changed) durable, each
/// fsynced; a staged file's writeback started when it was written (`start_writeback`). Not
/// `syncfs(2)`, which would also wait for every other program's unwritten data on the same disk
/// (a download, a build): an import must not stall behind them.
fn sync_all_of<'a>(mut paths: impl Iterator<Item = &'a Path>) -> io::Result<()> {
    paths.try_for_each(|path| File::open(path)?.sync_all())
}

/// Starts writing a staged file's pages to the disk without waiting for them (Linux's
/// `sync_file_range`), so that the disk works while the import goes on and the batch's fsyncs
/// find less to wait for. Elsewhere, nothing: the fsync does it all.
fn start_writeback(file: &File) {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: `file` is an open descriptor for the duration of the call. A failure only
        // means the writeback starts at the fsync instead.
        unsafe { libc::sync_file_range(file.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE) };
    }
    #[cfg(not(target_os = "linux"))]
    let _ = file;
}

/// The failpoint `disk-full` (tests only): a write fails as on a full disk (ENOSPC). Called
/// before every write of the blob store and of exports.
pub(crate) fn injected_write_failure() -> io::Result<()> {
    fail::fail_point!("disk-full", |_| Err(io::Error::from_raw_os_error(28)));
    Ok(())
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
