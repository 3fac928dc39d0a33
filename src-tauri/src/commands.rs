//! The commands the window calls. Each one only translates: arguments in, one `Archive` call,
//! the engine's result or error out. They are `async` so that none of them runs on (and
//! freezes) the main thread; the import runs on a blocking worker and reports progress through
//! `import-progress` events.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use tauri::{AppHandle, Emitter, Manager, State};
use walkout::ingest::{ImportLimits, ImportProgress, ImportReport};
use walkout::window::forms::{ArchiveInfo, Citation, ExportOutcome, ExportRequest, NewQuote};
use walkout::{
    Archive, Collection, EdtfDate, Event, Id, Item, Person, Place, SearchRequest, SearchResults, Stats, TagCount,
};

use crate::error::{AppError, CommandResult};
use crate::room::{ReadingRoom, writable};
use crate::state::ArchiveState;

/// The event that carries `ImportProgress` while an import runs.
pub const IMPORT_PROGRESS: &str = "import-progress";

/// How often progress events are sent at most (the last one is always sent).
const PROGRESS_EVERY: Duration = Duration::from_millis(50);

#[tauri::command]
pub async fn archive_info(state: State<'_, ArchiveState>) -> CommandResult<ArchiveInfo> {
    Ok(state.info()?)
}

sees!(
    /// In the reading room: public items only, as a public export shows them, whatever the window asks.
    search(request: SearchRequest) -> SearchResults,
    |archive, room| {
        // The launch's first search, in the shell's time (scripts/app_bench.sh's steps).
        crate::ready::report_once("search-start");
        let results = if room.on() { archive.room_search(&request) } else { archive.search(&request) };
        crate::ready::report_once("search-end");
        results
    }
);

sees!(
    /// Where and when a search's matches are, for the timeline and the map; in the reading room,
    /// as a public view may show them (no photo's GPS, no place someone withheld).
    spread(request: SearchRequest, unit: walkout::timeline::TimeUnit) -> walkout::map::Spread,
    |archive, room| if room.on() { archive.room_spread(&request, unit) } else { archive.spread(&request, unit) }
);

changes!(
    /// Sets or clears a place's coordinates (a click on the map); returns the ones it had.
    locate_place(name: String, gps: Option<walkout::Gps>) -> Option<walkout::Gps>,
    |archive| archive.locate_place(&name, gps)
);

sees!(
    /// The ids of every result of a search, in order (selecting or exporting all the results):
    /// no snippets, no items, whatever their number.
    search_ids(request: SearchRequest) -> Vec<Id>,
    |archive, room| if room.on() { archive.room_search_ids(&request) } else { archive.search_ids(&request) }
);

sees!(get_item(id: String) -> Item, |archive, room| archive.item_shown(room.on(), archive.get(archive.resolve_id(&id)?)?));

changes!(
    /// Saves an edited item (a quote titled by its words gets the title of its new words).
    update_item(item: Item) -> Item, |archive| archive.save_edit(item)
);

sees!(
    /// The archive's counts; in the reading room, those of its public items only.
    stats() -> Stats,
    |archive, room| if room.on() { Ok(archive.room_view()?.stats) } else { archive.stats() }
);

/// The plain-language gloss of an EDTF date ("January 2026, approximate").
#[tauri::command]
pub async fn describe_date(date: String) -> CommandResult<String> {
    let date = EdtfDate::parse(&date).map_err(walkout::Error::from)?;
    Ok(date.describe())
}

// In the reading room the lists name only what public items use, counted over them alone: a
// tag, a person or a place that only hidden items mention is not named at all.

room_or!(list_tags -> Vec<TagCount>, Archive::room_tags, Archive::tags);
room_or!(list_people -> Vec<Person>, Archive::room_people, Archive::people);
room_or!(list_places -> Vec<Place>, Archive::room_places, Archive::places);
room_or!(list_events -> Vec<Event>, Archive::room_events, Archive::events);
room_or!(
    /// The collections; in the reading room each lists only its public items.
    list_collections -> Vec<Collection>, Archive::room_collections, Archive::collections
);

changes!(add_to_collection(name: String, ids: Vec<String>) -> (), |archive| {
    archive.add_to_collection(&name, &archive.resolve_ids(&ids)?)
});
changes!(
    /// Makes a new, empty collection.
    create_collection(name: String) -> (), |archive| archive.create_collection(&name)
);
changes!(rename_collection(from: String, to: String) -> (), |archive| archive.rename_collection(&from, &to));

changes!(
    /// Takes items out of a collection (the items stay in the archive).
    remove_from_collection(name: String, ids: Vec<String>) -> (), |archive| archive.remove_from_collection(&name, &ids)
);

changes!(
    /// Gives a collection a new order: `ids` lists each of its items once.
    reorder_collection(name: String, ids: Vec<String>) -> (),
    |archive| {
        archive.reorder_collection(&name, &archive.resolve_ids(&ids)?)
    }
);

sees!(
    /// The quotes taken from an item (an article), oldest first.
    quotes_from(id: String) -> Vec<Item>, |archive, room| {
    let article = archive.item_shown(room.on(), archive.get(archive.resolve_id(&id)?)?)?;
    let quotes = archive.quotes_from(article.id)?;
    // Hidden quotes are left out, as if they were not there.
    Ok(quotes.into_iter().filter_map(|quote| archive.item_shown(room.on(), quote).ok()).collect())
});

changes!(
    /// Adds a quote; a passage of an article cites it and is at least as restricted as it.
    add_quote(quote: NewQuote) -> Item, |archive| archive.add_new_quote(quote)
);

/// Exports a collection or chosen items through the engine (and so its privacy policy), on a
/// worker thread.
#[tauri::command]
pub async fn export_items(app: AppHandle, request: ExportRequest) -> CommandResult<ExportOutcome> {
    writable(&app.state::<ReadingRoom>())?;
    let worker = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        Ok(worker.state::<ArchiveState>().read(|a| a.export_request(&request))?)
    })
    .await
    .map_err(|e| AppError::internal(format!("the export stopped unexpectedly: {e}")))?
}

/// Where exports go unless the user chooses: the documents folder (else home).
#[tauri::command]
pub async fn default_export_dir() -> CommandResult<String> {
    let dir = dirs::document_dir().or_else(dirs::home_dir).unwrap_or_else(std::env::temp_dir);
    Ok(dir.display().to_string())
}

sees!(
    /// One item's citation in `style` (`chicago`, `mla`, `apa`), through the export policy.
    cite(id: String, style: String) -> Citation, |archive, room| archive.citation_of(room.on(), &id, &style)
);

/// Imports files and folders on a worker thread, sending `import-progress` events; returns
/// what happened to each file.
#[tauri::command]
pub async fn import_paths(app: AppHandle, paths: Vec<String>) -> CommandResult<ImportReport> {
    writable(&app.state::<ReadingRoom>())?;
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    let worker = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let open = worker.state::<ArchiveState>().open_archive()?;
        let mut last_sent: Option<Instant> = None;
        let mut progress = |p: &ImportProgress| {
            let finished = p.done == p.total;
            if finished || last_sent.is_none_or(|at| at.elapsed() >= PROGRESS_EVERY) {
                // A window that is gone cannot be told; the import itself carries on.
                let _ = worker.emit(IMPORT_PROGRESS, p);
                last_sent = Some(Instant::now());
            }
        };
        Ok(open
            .import(|archive, cancel| archive.import_paths(&paths, ImportLimits::default(), &mut progress, cancel))?)
    })
    .await
    .map_err(|e| AppError::internal(format!("the import stopped unexpectedly: {e}")))?
}

/// Asks a running import to stop after the file it is reading; what it added stays.
#[tauri::command]
pub async fn cancel_import(state: State<'_, ArchiveState>) -> CommandResult<()> {
    state.open_archive()?.cancel_import.store(true, std::sync::atomic::Ordering::SeqCst);
    Ok(())
}
