//! The commands the window calls. Each one only translates: arguments in, one `Archive` call,
//! the engine's result or error out. They are `async` so that none of them runs on (and
//! freezes) the main thread; the import runs on a blocking worker and reports progress through
//! `import-progress` events.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, State};
use ts_rs::TS;
use walkout::ingest::{ImportLimits, ImportProgress, ImportReport};
use walkout::{
    Archive, Collection, EdtfDate, Event, Id, Item, ItemDetails, Person, Place, SearchRequest, SearchResults,
    Sensitivity, SortOrder, Stats, TagCount, title_from_text,
};

use crate::error::{AppError, CommandResult};
use crate::privacy::{ReadingRoom, visible_in};
use crate::state::ArchiveState;

/// The event that carries `ImportProgress` while an import runs.
pub const IMPORT_PROGRESS: &str = "import-progress";

/// How often progress events are sent at most (the last one is always sent).
const PROGRESS_EVERY: Duration = Duration::from_millis(50);

/// Which archive the window shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ArchiveInfo {
    /// The archive folder.
    pub path: String,
    /// The folder's name, as the sidebar shows it.
    pub name: String,
    /// Whether another process writes to it, so this window may only read.
    pub read_only: bool,
    /// Whether it shows the demo record: the item added last belongs to it (nothing of the
    /// user's has been added since).
    pub demo: bool,
}

#[tauri::command]
pub async fn archive_info(state: State<'_, ArchiveState>) -> CommandResult<ArchiveInfo> {
    let root = state.root();
    let (read_only, demo) = state.read(|archive| Ok((archive.is_read_only(), newest_is_demo(archive)?)))?;
    Ok(ArchiveInfo {
        path: root.display().to_string(),
        name: root.file_name().map_or_else(|| root.display().to_string(), |n| n.to_string_lossy().into_owned()),
        read_only,
        demo,
    })
}

/// Whether the most recently added item belongs to the demo record.
fn newest_is_demo(archive: &Archive) -> walkout::Result<bool> {
    let newest = archive.search(&SearchRequest { sort: SortOrder::Added, limit: 1, ..Default::default() })?;
    match newest.hits.first() {
        Some(hit) => Ok(archive.get(hit.id)?.demo),
        None => Ok(false),
    }
}

#[tauri::command]
pub async fn search(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    mut request: SearchRequest,
) -> CommandResult<SearchResults> {
    // In the reading room nothing but public items is searched, whatever the window asks.
    if reading_room.on() {
        request.max_sensitivity = Some(Sensitivity::Public);
    }
    state.read(|archive| archive.search(&request))
}

#[tauri::command]
pub async fn get_item(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    id: String,
) -> CommandResult<Item> {
    state.read(|archive| visible_in(&reading_room, archive, archive.get(archive.resolve_id(&id)?)?))
}

/// Saves an edited item. A quote whose title is its words (as it is unless someone gave it
/// another) gets the title of its new words, as `walkout edit --set text=…` does.
#[tauri::command]
pub async fn update_item(state: State<'_, ArchiveState>, mut item: Item) -> CommandResult<Item> {
    state.write(|archive| {
        if let ItemDetails::Quote(new) = &item.details {
            let stored = archive.get(item.id)?;
            if let ItemDetails::Quote(old) = &stored.details
                && old.text != new.text
                && stored.title == title_from_text(&old.text)
            {
                item.title = title_from_text(&new.text);
            }
        }
        archive.update_item(item)
    })
}

#[tauri::command]
pub async fn delete_item(state: State<'_, ArchiveState>, id: String) -> CommandResult<()> {
    state.write(|archive| archive.delete(archive.resolve_id(&id)?))
}

#[tauri::command]
pub async fn stats(state: State<'_, ArchiveState>) -> CommandResult<Stats> {
    state.read(Archive::stats)
}

/// The plain-language gloss of an EDTF date ("January 2026, approximate").
#[tauri::command]
pub async fn describe_date(date: String) -> CommandResult<String> {
    let date = EdtfDate::parse(&date).map_err(walkout::Error::from)?;
    Ok(date.describe())
}

#[tauri::command]
pub async fn list_tags(state: State<'_, ArchiveState>) -> CommandResult<Vec<TagCount>> {
    state.read(Archive::tags)
}

#[tauri::command]
pub async fn list_people(state: State<'_, ArchiveState>) -> CommandResult<Vec<Person>> {
    state.read(Archive::people)
}

#[tauri::command]
pub async fn list_places(state: State<'_, ArchiveState>) -> CommandResult<Vec<Place>> {
    state.read(Archive::places)
}

#[tauri::command]
pub async fn list_events(state: State<'_, ArchiveState>) -> CommandResult<Vec<Event>> {
    state.read(Archive::events)
}

#[tauri::command]
pub async fn list_collections(state: State<'_, ArchiveState>) -> CommandResult<Vec<Collection>> {
    state.read(Archive::collections)
}

#[tauri::command]
pub async fn add_to_collection(state: State<'_, ArchiveState>, name: String, ids: Vec<String>) -> CommandResult<()> {
    state.write(|archive| {
        let ids = ids.iter().map(|id| archive.resolve_id(id)).collect::<walkout::Result<Vec<Id>>>()?;
        archive.add_to_collection(&name, &ids)
    })
}

/// Imports files and folders on a worker thread, sending `import-progress` events; returns
/// what happened to each file.
#[tauri::command]
pub async fn import_paths(app: AppHandle, paths: Vec<String>) -> CommandResult<ImportReport> {
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    let worker = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let state = worker.state::<ArchiveState>();
        let mut last_sent: Option<Instant> = None;
        let mut progress = |p: &ImportProgress| {
            let finished = p.done == p.total;
            if finished || last_sent.is_none_or(|at| at.elapsed() >= PROGRESS_EVERY) {
                // A window that is gone cannot be told; the import itself carries on.
                let _ = worker.emit(IMPORT_PROGRESS, p);
                last_sent = Some(Instant::now());
            }
        };
        state.import(|archive, cancel| archive.import_paths(&paths, ImportLimits::default(), &mut progress, cancel))
    })
    .await
    .map_err(|e| AppError::internal(format!("the import stopped unexpectedly: {e}")))?
}

/// Asks a running import to stop after the file it is reading; what it added stays.
#[tauri::command]
pub async fn cancel_import(state: State<'_, ArchiveState>) -> CommandResult<()> {
    state.cancel_import.store(true, std::sync::atomic::Ordering::SeqCst);
    Ok(())
}
