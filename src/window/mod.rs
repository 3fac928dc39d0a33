//! What a desktop window holds of the engine: the archive it shares among its commands (a
//! second, read-only handle while an import runs; an encrypted archive locked and unlocked),
//! the reading room's barrier, the `thumb:` addresses and the thumbnails made in memory, the
//! privacy views of an item, and the background reading of photos. The shell (`src-tauri`)
//! only turns these into commands.

pub mod forms;
pub mod ocr;
pub mod privacy;
pub mod room;
pub mod thumbs;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

use zeroize::Zeroizing;

use crate::{Archive, Error, Result};

/// What the window has: an open archive, or an encrypted one waiting for its passphrase.
pub struct SharedArchive {
    current: Mutex<Current>,
}

enum Current {
    Open(Arc<OpenArchive>),
    Locked(PathBuf),
}

impl SharedArchive {
    /// Opens the archive at `root` (read-only when another process writes to it). A missing or
    /// empty folder gets a new archive holding the demo record, so the first start is never
    /// blank. An encrypted archive waits, locked, for its passphrase. A folder holding other
    /// files is `no_archive`: it is never turned into one.
    pub fn open(root: &Path) -> Result<SharedArchive> {
        if Archive::is_encrypted(root) {
            return Ok(SharedArchive { current: Mutex::new(Current::Locked(root.to_path_buf())) });
        }
        let archive = match Archive::open_for_reading(root) {
            Ok(archive) => archive,
            Err(Error::NoArchive { .. }) if is_missing_or_empty(root) => {
                let mut archive = Archive::create(root)?;
                crate::demo::populate(&mut archive)?;
                archive
            }
            Err(e) => return Err(e),
        };
        Ok(SharedArchive { current: Mutex::new(Current::Open(Arc::new(OpenArchive::new(archive, None)))) })
    }

    /// The open archive; `locked` while an encrypted one waits for its passphrase.
    pub fn open_archive(&self) -> Result<Arc<OpenArchive>> {
        match &*self.current.lock().map_err(|_| poisoned())? {
            Current::Open(open) => Ok(open.clone()),
            Current::Locked(root) => Err(Error::Locked { path: root.clone() }),
        }
    }

    /// The folder of the open or locked archive, and whether it is locked.
    pub fn where_(&self) -> Result<(PathBuf, bool)> {
        match &*self.current.lock().map_err(|_| poisoned())? {
            Current::Open(open) => Ok((open.root.clone(), false)),
            Current::Locked(root) => Ok((root.clone(), true)),
        }
    }

    /// Runs a read on the open archive (see [`OpenArchive::read`]).
    pub fn read<T>(&self, read: impl FnOnce(&Archive) -> Result<T>) -> Result<T> {
        self.open_archive()?.read(read)
    }

    /// Runs a write on the open archive (see [`OpenArchive::write`]).
    pub fn write<T>(&self, write: impl FnOnce(&mut Archive) -> Result<T>) -> Result<T> {
        self.open_archive()?.write(write)
    }

    /// Puts `archive` in place of the current one (refused while an import runs). The old one
    /// closes: its writer lock is released and an encrypted one's keys are dropped.
    pub fn switch(&self, archive: Archive, passphrase: Option<Zeroizing<String>>) -> Result<()> {
        self.replace(Current::Open(Arc::new(OpenArchive::new(archive, passphrase))))
    }

    /// Closes the open archive and waits, locked, for the passphrase of the encrypted one at
    /// `root` (refused while an import runs).
    pub fn wait_locked(&self, root: PathBuf) -> Result<()> {
        self.replace(Current::Locked(root))
    }

    fn replace(&self, next: Current) -> Result<()> {
        let mut current = self.current.lock().map_err(|_| poisoned())?;
        if let Current::Open(open) = &*current
            && open.is_importing()
        {
            return Err(Error::Busy);
        }
        *current = next;
        Ok(())
    }
}

/// An open archive. One `Archive` handle writes; while an import holds it (minutes, maybe),
/// reads go to a second, read-only handle so that searching and browsing carry on. Writes
/// during an import are refused with `busy` rather than queued behind it.
pub struct OpenArchive {
    writer: Mutex<Archive>,
    /// A read-only handle used only while an import holds `writer`.
    reader: Mutex<Option<Archive>>,
    root: PathBuf,
    importing: AtomicBool,
    /// Set by `cancel_import`; the import stops after the file it is reading.
    pub cancel_import: AtomicBool,
    /// Thumbnails made in memory for an encrypted archive.
    pub thumbs: thumbs::MemoryCache,
    /// An encrypted archive's passphrase, kept while it is open to open the read-only handle
    /// during an import; wiped when the archive closes or locks.
    passphrase: Mutex<Option<Zeroizing<String>>>,
    encrypted: bool,
}

impl OpenArchive {
    fn new(archive: Archive, passphrase: Option<Zeroizing<String>>) -> OpenArchive {
        OpenArchive {
            root: archive.root().to_path_buf(),
            writer: Mutex::new(archive),
            reader: Mutex::new(None),
            importing: AtomicBool::new(false),
            cancel_import: AtomicBool::new(false),
            thumbs: Default::default(),
            encrypted: passphrase.is_some(),
            passphrase: Mutex::new(passphrase),
        }
    }

    /// The archive folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether the archive is encrypted (and so keeps no thumbnails on disk).
    pub fn is_encrypted(&self) -> bool {
        self.encrypted
    }

    /// Keeps the new passphrase after a change (for the read-only handle of an import).
    pub fn set_passphrase(&self, passphrase: Zeroizing<String>) {
        if let Ok(mut kept) = self.passphrase.lock() {
            *kept = Some(passphrase);
        }
    }

    /// Whether an import runs.
    pub fn is_importing(&self) -> bool {
        self.importing.load(Ordering::SeqCst)
    }

    /// Runs a read. During an import it uses the read-only handle instead of waiting.
    pub fn read<T>(&self, read: impl FnOnce(&Archive) -> Result<T>) -> Result<T> {
        match self.writer.try_lock() {
            Ok(archive) => return read(&archive),
            Err(TryLockError::Poisoned(_)) => return Err(poisoned()),
            Err(TryLockError::WouldBlock) => {}
        }
        if !self.is_importing() {
            return read(&*self.lock_writer()?);
        }
        let mut reader = self.reader.lock().map_err(|_| poisoned())?;
        if reader.is_none() {
            let passphrase = self.passphrase.lock().map_err(|_| poisoned())?.clone();
            *reader = Some(match passphrase {
                // Our own import holds the writer lock: this opens read-only.
                Some(passphrase) => Archive::unlock_for_reading(&self.root, &passphrase)?,
                None => Archive::open_read_only(&self.root)?,
            });
        }
        read(reader.as_ref().expect("opened above"))
    }

    /// Runs a write; refused with `busy` while an import runs, `read_only` on a read-only handle.
    pub fn write<T>(&self, write: impl FnOnce(&mut Archive) -> Result<T>) -> Result<T> {
        if self.is_importing() {
            return Err(Error::Busy);
        }
        let mut archive = self.lock_writer()?;
        if archive.is_read_only() {
            return Err(Error::ReadOnly);
        }
        write(&mut archive)
    }

    /// Runs an import: holds the writer for its whole length while reads use the read-only
    /// handle. Only one import runs at a time.
    pub fn import<T>(&self, import: impl FnOnce(&mut Archive, &AtomicBool) -> Result<T>) -> Result<T> {
        if self.importing.swap(true, Ordering::SeqCst) {
            return Err(Error::Busy);
        }
        let _done = ImportRunning(self);
        self.cancel_import.store(false, Ordering::SeqCst);
        let mut archive = self.lock_writer()?;
        if archive.is_read_only() {
            return Err(Error::ReadOnly);
        }
        import(&mut archive, &self.cancel_import)
    }

    fn lock_writer(&self) -> Result<MutexGuard<'_, Archive>> {
        self.writer.lock().map_err(|_| poisoned())
    }
}

/// Clears the import flag and drops the read-only handle however the import ends.
struct ImportRunning<'a>(&'a OpenArchive);

impl Drop for ImportRunning<'_> {
    fn drop(&mut self) {
        if let Ok(mut reader) = self.0.reader.lock() {
            *reader = None;
        }
        self.0.importing.store(false, Ordering::SeqCst);
    }
}

fn poisoned() -> Error {
    Error::Internal { what: "an earlier command failed while holding the archive; restart Walkout Archive".to_string() }
}

fn is_missing_or_empty(dir: &Path) -> bool {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    }
}
