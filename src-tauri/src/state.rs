//! The open archive, shared by all commands. One `Archive` handle writes; while an import holds
//! it (minutes, maybe), reads go to a second, read-only handle so that searching and browsing
//! carry on. Writes during an import are refused with `busy` rather than queued behind it.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, TryLockError};

use anyhow::{Context, bail};
use walkout::{Archive, Error};

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

/// The archive the window works on.
pub struct ArchiveState {
    writer: Mutex<Archive>,
    /// A read-only handle used only while an import holds `writer`.
    reader: Mutex<Option<Archive>>,
    root: PathBuf,
    importing: AtomicBool,
    /// Set by `cancel_import`; the import stops after the file it is reading.
    pub cancel_import: AtomicBool,
    /// Thumbnails made in memory for an encrypted archive.
    pub thumbs: crate::thumbs::Cache,
    encrypted: bool,
}

impl ArchiveState {
    /// Opens the archive at `root` (read-only when another process writes to it). A missing or
    /// empty folder gets a new archive holding the demo record, so the first start is never blank.
    pub fn open(root: &Path) -> anyhow::Result<ArchiveState> {
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
        Ok(ArchiveState {
            encrypted: archive.files().is_encrypted(),
            thumbs: Default::default(),
            root: archive.root().to_path_buf(),
            writer: Mutex::new(archive),
            reader: Mutex::new(None),
            importing: AtomicBool::new(false),
            cancel_import: AtomicBool::new(false),
        })
    }

    /// The archive folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether the archive is encrypted (and so keeps no thumbnails on disk).
    pub fn is_encrypted(&self) -> bool {
        self.encrypted
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
            *reader = Some(Archive::open_read_only(&self.root)?);
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
struct ImportRunning<'a>(&'a ArchiveState);

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
}
