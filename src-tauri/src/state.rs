//! The open archive, shared by all commands, and switching archives: another one opened, a new
//! one made, an encrypted one locked and unlocked.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

use anyhow::{Context, bail};
use walkout::{Archive, Error};
use zeroize::Zeroizing;

use crate::error::{AppError, CommandResult};

/// The folder name of the default archive under the platform data dir.
const DEFAULT_FOLDER: &str = "walkout";

/// The archive folder: `--archive DIR` (or `--archive=DIR`), else `WALKOUT_ARCHIVE`, else the
/// platform data dir + `walkout`.
pub fn archive_dir(args: impl IntoIterator<Item = OsString>, env: Option<OsString>) -> anyhow::Result<PathBuf> {
    let mut args = args.into_iter();
    let mut chosen = None;
    while let Some(arg) = args.next() {
        let text = arg.to_string_lossy();
        if text == "--archive" {
            chosen = Some(PathBuf::from(args.next().context("--archive needs a folder")?));
        } else if let Some(dir) = text.strip_prefix("--archive=") {
            chosen = Some(PathBuf::from(dir));
        } else {
            bail!("unknown argument {text:?}; usage: walkout-app [--archive DIR]");
        }
    }
    if let Some(dir) = chosen.or_else(|| env.filter(|v| !v.is_empty()).map(PathBuf::from)) {
        return Ok(dir);
    }
    let data = dirs::data_dir().context("no data folder for this user; choose one with --archive DIR")?;
    Ok(data.join(DEFAULT_FOLDER))
}

/// What the window has: an open archive, or an encrypted one waiting for its passphrase.
pub struct ArchiveState {
    current: Mutex<Current>,
}

enum Current {
    Open(Arc<OpenArchive>),
    Locked(PathBuf),
}

impl ArchiveState {
    /// Opens the archive at `root` (read-only when another process writes to it). A missing or
    /// empty folder gets a new archive holding the demo record, so the first start is never
    /// blank. An encrypted archive waits, locked, for its passphrase.
    pub fn open(root: &Path) -> anyhow::Result<ArchiveState> {
        if Archive::is_encrypted(root) {
            return Ok(ArchiveState { current: Mutex::new(Current::Locked(root.to_path_buf())) });
        }
        let archive = match Archive::open_for_reading(root) {
            Ok(archive) => archive,
            Err(Error::NoArchive { .. }) if is_missing_or_empty(root) => {
                let mut archive =
                    Archive::create(root).with_context(|| format!("creating an archive at {}", root.display()))?;
                walkout::demo::populate(&mut archive).context("adding the demo record")?;
                archive
            }
            Err(Error::NoArchive { .. }) => {
                bail!("{} is not empty and holds no archive; choose another folder with --archive DIR", root.display())
            }
            Err(e) => return Err(e).with_context(|| format!("opening the archive at {}", root.display())),
        };
        Ok(ArchiveState { current: Mutex::new(Current::Open(Arc::new(OpenArchive::new(archive, None)))) })
    }

    /// The open archive; `locked` while an encrypted one waits for its passphrase.
    pub fn open_archive(&self) -> CommandResult<Arc<OpenArchive>> {
        match &*self.current.lock().map_err(|_| poisoned())? {
            Current::Open(open) => Ok(open.clone()),
            Current::Locked(root) => Err(Error::Locked { path: root.clone() }.into()),
        }
    }

    /// The folder of the open or locked archive, and whether it is locked.
    pub fn where_(&self) -> CommandResult<(PathBuf, bool)> {
        match &*self.current.lock().map_err(|_| poisoned())? {
            Current::Open(open) => Ok((open.root.clone(), false)),
            Current::Locked(root) => Ok((root.clone(), true)),
        }
    }

    /// Runs a read on the open archive (see [`OpenArchive::read`]).
    pub fn read<T>(&self, read: impl FnOnce(&Archive) -> walkout::Result<T>) -> CommandResult<T> {
        self.open_archive()?.read(read)
    }

    /// Runs a write on the open archive (see [`OpenArchive::write`]).
    pub fn write<T>(&self, write: impl FnOnce(&mut Archive) -> walkout::Result<T>) -> CommandResult<T> {
        self.open_archive()?.write(write)
    }

    /// Puts `archive` in place of the current one (refused while an import runs). The old one
    /// closes: its writer lock is released and an encrypted one's keys are dropped.
    pub fn switch(&self, archive: Archive, passphrase: Option<Zeroizing<String>>) -> CommandResult<()> {
        let mut current = self.current.lock().map_err(|_| poisoned())?;
        if let Current::Open(open) = &*current
            && open.importing.load(Ordering::SeqCst)
        {
            return Err(AppError::busy());
        }
        *current = Current::Open(Arc::new(OpenArchive::new(archive, passphrase)));
        Ok(())
    }

    /// Closes the open archive and waits, locked, for the passphrase of the encrypted one at
    /// `root` (refused while an import runs).
    pub fn wait_locked(&self, root: PathBuf) -> CommandResult<()> {
        let mut current = self.current.lock().map_err(|_| poisoned())?;
        if let Current::Open(open) = &*current
            && open.importing.load(Ordering::SeqCst)
        {
            return Err(AppError::busy());
        }
        *current = Current::Locked(root);
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
    pub thumbs: crate::thumbs::Cache,
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
    pub fn read<T>(&self, read: impl FnOnce(&Archive) -> walkout::Result<T>) -> CommandResult<T> {
        match self.writer.try_lock() {
            Ok(archive) => return Ok(read(&archive)?),
            Err(TryLockError::Poisoned(_)) => return Err(poisoned()),
            Err(TryLockError::WouldBlock) => {}
        }
        if !self.importing.load(Ordering::SeqCst) {
            return Ok(read(&*self.lock_writer()?)?);
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
        Ok(read(reader.as_ref().expect("opened above"))?)
    }

    /// Runs a write; refused with `busy` while an import runs, `read_only` on a read-only handle.
    pub fn write<T>(&self, write: impl FnOnce(&mut Archive) -> walkout::Result<T>) -> CommandResult<T> {
        if self.importing.load(Ordering::SeqCst) {
            return Err(AppError::busy());
        }
        let mut archive = self.lock_writer()?;
        if archive.is_read_only() {
            return Err(Error::ReadOnly.into());
        }
        Ok(write(&mut archive)?)
    }

    /// Runs an import: holds the writer for its whole length while reads use the read-only
    /// handle. Only one import runs at a time.
    pub fn import<T>(&self, import: impl FnOnce(&mut Archive, &AtomicBool) -> walkout::Result<T>) -> CommandResult<T> {
        if self.importing.swap(true, Ordering::SeqCst) {
            return Err(AppError::busy());
        }
        let _done = ImportRunning(self);
        self.cancel_import.store(false, Ordering::SeqCst);
        let mut archive = self.lock_writer()?;
        if archive.is_read_only() {
            return Err(Error::ReadOnly.into());
        }
        Ok(import(&mut archive, &self.cancel_import)?)
    }

    fn lock_writer(&self) -> CommandResult<MutexGuard<'_, Archive>> {
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

fn poisoned() -> AppError {
    AppError::internal("an earlier command failed while holding the archive; restart Walkout Archive")
}

fn is_missing_or_empty(dir: &Path) -> bool {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn archive_flag_wins_over_the_environment() {
        let dir = archive_dir(args(&["--archive", "/tmp/a"]), Some("/tmp/b".into())).unwrap();
        assert_eq!(dir, PathBuf::from("/tmp/a"));
        let dir = archive_dir(args(&["--archive=/tmp/c"]), None).unwrap();
        assert_eq!(dir, PathBuf::from("/tmp/c"));
        let dir = archive_dir(args(&[]), Some("/tmp/b".into())).unwrap();
        assert_eq!(dir, PathBuf::from("/tmp/b"));
    }

    #[test]
    fn unknown_arguments_are_refused() {
        assert!(archive_dir(args(&["--archvie", "/tmp/a"]), None).is_err());
        assert!(archive_dir(args(&["--archive"]), None).is_err());
    }

    #[test]
    fn first_start_creates_the_demo_archive_and_the_second_reopens_it() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().join("walkout");
        let state = ArchiveState::open(&root).unwrap();
        let items = state.read(|a| a.all_items()).unwrap();
        assert!(!items.is_empty());
        assert!(items.iter().all(|item| item.demo));
        drop(state);
        let again = ArchiveState::open(&root).unwrap();
        assert_eq!(again.read(|a| a.stats()).unwrap().items, items.len() as u64);
    }

    #[test]
    fn a_folder_with_other_files_is_not_turned_into_an_archive() {
        let temp = tempfile::tempdir().unwrap();
        std::fs::write(temp.path().join("notes.txt"), "mine").unwrap();
        assert!(ArchiveState::open(temp.path()).is_err());
    }

    #[test]
    fn an_encrypted_archive_starts_locked_and_switching_opens_and_locks_it() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().join("sealed");
        drop(Archive::create_encrypted(&root, "correct horse").unwrap());
        let state = ArchiveState::open(&root).unwrap();
        assert_eq!(state.read(|a| a.stats()).unwrap_err().code, "locked");
        assert_eq!(state.where_().unwrap(), (root.clone(), true));

        let archive = Archive::unlock_for_reading(&root, "correct horse").unwrap();
        state.switch(archive, Some(Zeroizing::new("correct horse".to_string()))).unwrap();
        assert!(state.open_archive().unwrap().is_encrypted());
        assert_eq!(state.read(|a| a.stats()).unwrap().items, 0);

        state.wait_locked(root.clone()).unwrap();
        assert_eq!(state.write(|a| a.create_collection("x")).unwrap_err().code, "locked");
        // Locked, the writer lock is released: the archive opens again.
        drop(Archive::unlock(&root, "correct horse").unwrap());
    }
}
