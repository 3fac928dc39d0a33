//! The system's file and folder choosers. The window has no permission to open them itself
//! (capabilities/ grants none of the dialog plugin's commands): it asks the shell, which
//! refuses in the reading room, where a chooser would let a visitor walk the computer's
//! folders, open another archive or write a file anywhere.

use serde::Deserialize;
use tauri::{AppHandle, State, Window};
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;

use crate::error::{AppError, CommandResult};
use crate::room::{ReadingRoom, writable};

/// Which chooser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Chooser {
    /// Files to import.
    Files,
    /// Folders to import.
    Folders,
    /// One folder (an archive's).
    Folder,
    /// Where to save a file (an export).
    SaveFile,
}

/// Opens a chooser; returns the chosen paths (none when it was cancelled). `default_path`
/// suggests where a file is saved.
#[tauri::command]
pub async fn choose_paths(
    app: AppHandle,
    window: Window,
    reading_room: State<'_, ReadingRoom>,
    chooser: Chooser,
    title: String,
    default_path: Option<String>,
) -> CommandResult<Vec<String>> {
    writable(&reading_room)?;
    let mut dialog = app.dialog().file().set_title(title).set_parent(&window);
    if let Some(path) = default_path.map(std::path::PathBuf::from) {
        if path.is_dir() {
            dialog = dialog.set_directory(&path);
        } else if let Some(dir) = path.parent().filter(|d| d.is_dir()) {
            dialog = dialog.set_directory(dir);
        }
        if let Some(name) = path.file_name() {
            dialog = dialog.set_file_name(name.to_string_lossy());
        }
    }
    let picked = tauri::async_runtime::spawn_blocking(move || match chooser {
        Chooser::Files => dialog.blocking_pick_files().unwrap_or_default(),
        Chooser::Folders => dialog.blocking_pick_folders().unwrap_or_default(),
        Chooser::Folder => dialog.blocking_pick_folder().into_iter().collect(),
        Chooser::SaveFile => dialog.blocking_save_file().into_iter().collect(),
    })
    .await
    .map_err(|e| AppError::internal(format!("the file chooser stopped unexpectedly: {e}")))?;
    Ok(picked.into_iter().filter_map(|p| p.into_path().ok()).map(|p| p.display().to_string()).collect())
}
