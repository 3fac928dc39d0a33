//! Which archive the window works on: another one opened, a new one made (encrypted under a
//! passphrase if asked), an encrypted one unlocked, locked again, or given a new passphrase,
//! and the list of recent archives (paths only, in the user's config folder, never sent
//! anywhere).

use std::path::{Path, PathBuf};

use serde::Serialize;
use tauri::State;
use ts_rs::TS;
use walkout::{Archive, Error};
use zeroize::Zeroizing;

use crate::error::{AppError, CommandResult};
use crate::room::{ReadingRoom, writable};
use crate::state::ArchiveState;

/// How many recent archives are remembered.
const RECENT: usize = 8;

/// What the window should show: the open archive, or the one waiting for its passphrase.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Session {
    /// The open archive, if one is open (see `archive_info`).
    pub open: bool,
    /// An encrypted archive waiting for its passphrase.
    pub locked: Option<ArchiveRef>,
    /// Archives opened before, the latest first.
    pub recent: Vec<ArchiveRef>,
}

/// An archive folder.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ArchiveRef {
    pub path: String,
    pub name: String,
    /// Whether it is encrypted.
    pub encrypted: bool,
    /// Whether it is still there.
    pub exists: bool,
}

impl ArchiveRef {
    fn of(path: &Path) -> ArchiveRef {
        ArchiveRef {
            path: path.display().to_string(),
            name: walkout::window::forms::folder_name(path),
            encrypted: Archive::is_encrypted(path),
            exists: path.join("archive.sqlite").exists(),
        }
    }
}

fn recent_file() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("walkout").join("recent-archives.json"))
}

fn recent_paths() -> Vec<PathBuf> {
    let Some(file) = recent_file() else { return Vec::new() };
    std::fs::read(&file).ok().and_then(|bytes| serde_json::from_slice::<Vec<PathBuf>>(&bytes).ok()).unwrap_or_default()
}

/// Puts `root` first in the recent list. A list that cannot be written is not worth an error.
pub fn remember(root: &Path) {
    let Some(file) = recent_file() else { return };
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut paths = recent_paths();
    paths.retain(|p| p != &root);
    paths.insert(0, root);
    paths.truncate(RECENT);
    if let Some(dir) = file.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(json) = serde_json::to_vec_pretty(&paths) {
        let _ = std::fs::write(&file, json);
    }
}

#[tauri::command]
pub async fn session(state: State<'_, ArchiveState>, reading_room: State<'_, ReadingRoom>) -> CommandResult<Session> {
    let (root, locked) = state.where_()?;
    // A visitor in the reading room is not told where other archives are on this computer.
    let recent = if reading_room.on() { Vec::new() } else { recent_paths() };
    let recent = recent.iter().filter(|p| **p != root).map(|p| ArchiveRef::of(p)).collect();
    Ok(Session { open: !locked, locked: locked.then(|| ArchiveRef::of(&root)), recent })
}

/// Opens the archive in `path`: at once when it is plain, else it waits for its passphrase.
#[tauri::command]
pub async fn open_archive(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    path: String,
) -> CommandResult<()> {
    // A visitor in the reading room cannot open another archive to get around it.
    writable(&reading_room)?;
    let root = full_path(&path)?;
    if Archive::is_encrypted(&root) {
        state.wait_locked(root.clone())?;
    } else {
        let archive = run_blocking(move || Archive::open_for_reading(&root)).await?;
        let root = archive.root().to_path_buf();
        state.switch(archive, None)?;
        reading_room.follow(&state);
        remember(&root);
        return Ok(());
    }
    remember(&root);
    Ok(())
}

/// Makes a new, empty archive in `path` (a missing or empty folder) and opens it; with a
/// passphrase it is encrypted.
#[tauri::command]
pub async fn create_archive(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    path: String,
    passphrase: Option<String>,
) -> CommandResult<()> {
    // A visitor in the reading room cannot open another archive to get around it.
    writable(&reading_room)?;
    let root = full_path(&path)?;
    let passphrase = passphrase.map(Zeroizing::new);
    if let Some(p) = &passphrase
        && p.trim().is_empty()
    {
        return Err(Error::invalid("passphrase", "must not be empty").into());
    }
    if state.open_archive().is_ok_and(|open| open.is_importing()) {
        return Err(Error::Busy.into());
    }
    let key = passphrase.clone();
    let archive = run_blocking(move || match &key {
        Some(p) => Archive::create_encrypted(&root, p),
        None => Archive::create(&root),
    })
    .await?;
    let root = archive.root().to_path_buf();
    state.switch(archive, passphrase)?;
    reading_room.follow(&state);
    remember(&root);
    Ok(())
}

/// Unlocks the encrypted archive waiting for its passphrase; a wrong one is `wrong_passphrase`.
#[tauri::command]
pub async fn unlock_archive(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    passphrase: String,
) -> CommandResult<()> {
    let (root, locked) = state.where_()?;
    if !locked {
        return Ok(());
    }
    let passphrase = Zeroizing::new(passphrase);
    let key = passphrase.clone();
    let archive = run_blocking(move || Archive::unlock_for_reading(&root, &key)).await?;
    state.switch(archive, Some(passphrase))?;
    reading_room.follow(&state);
    Ok(())
}

/// Closes the open encrypted archive: its keys leave memory until it is unlocked again.
#[tauri::command]
pub async fn lock_archive(state: State<'_, ArchiveState>) -> CommandResult<()> {
    let open = state.open_archive()?;
    if !open.is_encrypted() {
        return Err(Error::invalid("archive", "only an encrypted archive can be locked").into());
    }
    Ok(state.wait_locked(open.root().to_path_buf())?)
}

/// Changes the passphrase of the open encrypted archive (only its wrapped key is rewritten).
#[tauri::command]
pub async fn change_passphrase(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    old: String,
    new: String,
) -> CommandResult<()> {
    // A visitor in the reading room cannot open another archive to get around it.
    writable(&reading_room)?;
    let open = state.open_archive()?;
    if !open.is_encrypted() {
        return Err(Error::invalid("archive", "this archive is not encrypted").into());
    }
    let (old, new) = (Zeroizing::new(old), Zeroizing::new(new));
    if new.trim().is_empty() {
        return Err(Error::invalid("passphrase", "must not be empty").into());
    }
    let root = open.root().to_path_buf();
    let kept = new.clone();
    run_blocking(move || Archive::change_passphrase(&root, &old, &new)).await?;
    open.set_passphrase(kept);
    Ok(())
}

fn full_path(path: &str) -> CommandResult<PathBuf> {
    let path = PathBuf::from(path.trim());
    if path.as_os_str().is_empty() || path.is_relative() {
        return Err(Error::invalid("path", "choose a folder (a full path)").into());
    }
    Ok(path)
}

/// Runs slow archive work (key derivation, index rebuilds) off the async runtime.
async fn run_blocking<T: Send + 'static>(
    work: impl FnOnce() -> walkout::Result<T> + Send + 'static,
) -> CommandResult<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| AppError::internal(format!("the archive work stopped unexpectedly: {e}")))?
        .map_err(AppError::from)
}
