//! The commands the window calls. Each one only translates: arguments in, one `Archive` call,
//! the engine's result or error out. They are `async` so that none of them runs on (and
//! freezes) the main thread; the import runs on a blocking worker and reports progress through
//! `import-progress` events.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, Manager, State};
use ts_rs::TS;
use walkout::export::{self, ExportOptions, Format, Selection, citation};
use walkout::ingest::{ImportLimits, ImportProgress, ImportReport};
use walkout::{
    Archive, Collection, Consent, EdtfDate, Event, Id, Item, ItemDetails, ItemKind, Person, Place, QuoteDetails,
    SearchRequest, SearchResults, Sensitivity, SortOrder, Stats, TagCount, title_from_text,
};

use crate::error::{AppError, CommandResult};
use crate::privacy::visible_in;
use crate::room::{ReadingRoom, writable};
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
    /// Whether it is encrypted under a passphrase (and so can be locked).
    pub encrypted: bool,
}

#[tauri::command]
pub async fn archive_info(state: State<'_, ArchiveState>) -> CommandResult<ArchiveInfo> {
    let open = state.open_archive()?;
    let root = open.root();
    let (read_only, demo) = open.read(|archive| Ok((archive.is_read_only(), newest_is_demo(archive)?)))?;
    Ok(ArchiveInfo {
        path: root.display().to_string(),
        name: crate::archives::folder_name(root),
        read_only,
        demo,
        encrypted: open.is_encrypted(),
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

sees!(
    /// In the reading room: public items only, as a public export shows them, whatever the window asks.
    search(request: SearchRequest) -> SearchResults,
    |archive, room| if room.on() { archive.room_search(&request) } else { archive.search(&request) }
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

sees!(get_item(id: String) -> Item, |archive, room| visible_in(room, archive, archive.get(archive.resolve_id(&id)?)?));

/// Saves an edited item. A quote whose title is its words (as it is unless someone gave it
/// another) gets the title of its new words, as `walkout edit --set text=…` does.
#[tauri::command]
pub async fn update_item(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    mut item: Item,
) -> CommandResult<Item> {
    writable(&reading_room)?;
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
    let ids = ids.iter().map(|id| archive.resolve_id(id)).collect::<walkout::Result<Vec<Id>>>()?;
    archive.add_to_collection(&name, &ids)
});
changes!(
    /// Makes a new, empty collection.
    create_collection(name: String) -> (), |archive| archive.create_collection(&name)
);
changes!(rename_collection(from: String, to: String) -> (), |archive| archive.rename_collection(&from, &to));

/// Takes items out of a collection (the items stay in the archive).
#[tauri::command]
pub async fn remove_from_collection(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    name: String,
    ids: Vec<String>,
) -> CommandResult<()> {
    writable(&reading_room)?;
    state.write(|archive| {
        for id in &ids {
            let mut item = archive.get(archive.resolve_id(id)?)?;
            let before = item.collections.len();
            item.collections.retain(|c| !c.eq_ignore_ascii_case(name.trim()));
            if item.collections.len() != before {
                archive.update_item(item)?;
            }
        }
        Ok(())
    })
}

changes!(
    /// Gives a collection a new order: `ids` lists each of its items once.
    reorder_collection(name: String, ids: Vec<String>) -> (),
    |archive| {
        let ids = ids.iter().map(|id| archive.resolve_id(id)).collect::<walkout::Result<Vec<Id>>>()?;
        archive.reorder_collection(&name, &ids)
    }
);

sees!(
    /// The quotes taken from an item (an article), oldest first.
    quotes_from(id: String) -> Vec<Item>, |archive, room| {
    let article = visible_in(room, archive, archive.get(archive.resolve_id(&id)?)?)?;
    let quotes = archive.quotes_from(article.id)?;
    // Hidden quotes are left out, as if they were not there.
    Ok(quotes.into_iter().filter_map(|quote| visible_in(room, archive, quote).ok()).collect())
});

/// A quote typed in, or a passage saved from an article (`source_item`).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewQuote {
    /// The words, verbatim.
    pub text: String,
    pub speaker: Option<String>,
    pub role: Option<String>,
    pub context: Option<String>,
    /// An EDTF date.
    pub date: Option<String>,
    pub place: Option<String>,
    pub tags: Vec<String>,
    pub sensitivity: Sensitivity,
    pub consent: Consent,
    /// The article the passage was taken from.
    pub source_item: Option<String>,
}

/// Adds a quote. A passage of an article cites it as its source, takes its language, event
/// and collections, and is at least as restricted as the article.
#[tauri::command]
pub async fn add_quote(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    quote: NewQuote,
) -> CommandResult<Item> {
    writable(&reading_room)?;
    state.write(|archive| {
        let mut item = Item::quote(quote.text.trim(), archive.now());
        let source = quote.source_item.as_deref().map(|id| archive.get(archive.resolve_id(id)?)).transpose()?;
        let nonempty = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        item.details = ItemDetails::Quote(QuoteDetails {
            text: quote.text.trim().to_string(),
            speaker: nonempty(quote.speaker),
            role: nonempty(quote.role),
            context: nonempty(quote.context),
            source_item: source.as_ref().map(|s| s.id),
            translation: None,
        });
        item.date = nonempty(quote.date).map(|d| d.parse()).transpose()?;
        item.place = nonempty(quote.place);
        item.tags = quote.tags.into_iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
        item.sensitivity = quote.sensitivity;
        item.consent = quote.consent;
        if let Some(source) = &source {
            item.language = source.language.clone();
            item.event = source.event.clone();
            item.collections = source.collections.clone();
            item.sensitivity = stricter(item.sensitivity, source.sensitivity);
        }
        let id = archive.add_item(item)?;
        archive.get(id)
    })
}

/// The more restrictive of two sensitivities.
fn stricter(a: Sensitivity, b: Sensitivity) -> Sensitivity {
    let rank = |s: Sensitivity| match s {
        Sensitivity::Public => 0,
        Sensitivity::Restricted => 1,
        Sensitivity::Private => 2,
    };
    if rank(b) > rank(a) { b } else { a }
}

/// What to export, how, and where.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ExportRequest {
    /// A collection's items, in its order…
    pub collection: Option<String>,
    /// …or these items (a search's results, as the window shows them).
    pub ids: Option<Vec<String>>,
    /// `json`, `csv`, `jsonld`, `bagit`, `csl-json`, `ris` or `citation`.
    pub format: String,
    /// The citation style: `chicago`, `mla` or `apa`.
    pub style: Option<String>,
    /// Let restricted (never private) items out for this export.
    pub include_restricted: bool,
    /// A bag as one zip file.
    pub zip: bool,
    /// The new folder or file.
    pub destination: String,
}

/// What an export wrote and what it kept back.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportOutcome {
    pub destination: String,
    /// Items written.
    pub exported: u64,
    /// Original files written.
    pub files: u64,
    /// Items kept back, and why.
    pub left_out: Vec<LeftOutItem>,
}

/// An item an export kept back.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LeftOutItem {
    pub id: String,
    pub kind: ItemKind,
    pub title: String,
    /// Why, as the privacy policy says it ("restricted", "quotes a minor").
    pub reason: String,
}

/// Exports a collection or chosen items through the engine (and so its privacy policy), on a
/// worker thread.
#[tauri::command]
pub async fn export_items(app: AppHandle, request: ExportRequest) -> CommandResult<ExportOutcome> {
    writable(&app.state::<ReadingRoom>())?;
    let worker = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let state = worker.state::<ArchiveState>();
        state.read(|archive| {
            let selection = match (&request.collection, &request.ids) {
                (Some(name), _) => Selection::Collection(name.clone()),
                (None, Some(ids)) => {
                    Selection::Items(ids.iter().map(|id| archive.resolve_id(id)).collect::<walkout::Result<Vec<Id>>>()?)
                }
                (None, None) => Selection::All,
            };
            let style = request.style.as_deref().map(citation::Style::parse).transpose()?.unwrap_or_default();
            let options = ExportOptions {
                selection,
                include_restricted: request.include_restricted,
                zip: request.zip && request.format == "bagit",
                style,
                ..ExportOptions::default()
            };
            let destination = PathBuf::from(request.destination.trim());
            if destination.as_os_str().is_empty() || destination.is_relative() {
                return Err(walkout::Error::invalid("destination", "choose where the export goes (a full path)"));
            }
            let report = export::export(archive, Format::parse(&request.format)?, &options, &destination)?;
            let left_out = report
                .left_out
                .into_iter()
                .map(|left| {
                    let item = archive.get(left.id)?;
                    Ok(LeftOutItem {
                        id: left.id.to_string(),
                        kind: item.kind(),
                        title: item.title,
                        reason: left.reason,
                    })
                })
                .collect::<walkout::Result<_>>()?;
            Ok(ExportOutcome {
                destination: destination.display().to_string(),
                exported: report.exported,
                files: report.files,
                left_out,
            })
        })
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

/// One item's citation, as it may leave the archive.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Citation {
    /// The citation, when the item may leave.
    pub text: Option<String>,
    /// Why it may not ("restricted", "quotes a minor").
    pub withheld: Option<String>,
}

/// One item's citation in `style` (`chicago`, `mla`, `apa`), through the export policy:
/// names without consent are replaced, restricted and private items are not cited.
#[tauri::command]
pub async fn cite(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    id: String,
    style: String,
) -> CommandResult<Citation> {
    state.read(|archive| {
        // The policy is applied once, by the citation itself, to the item as stored.
        let item = archive.get(archive.resolve_id(&id)?)?;
        visible_in(&reading_room, archive, item.clone())?;
        Ok(match citation::cite(archive, &item, false, citation::Style::parse(&style)?)? {
            Ok(text) => Citation { text: Some(text), withheld: None },
            Err(reason) => Citation { text: None, withheld: Some(reason) },
        })
    })
}

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
        open.import(|archive, cancel| archive.import_paths(&paths, ImportLimits::default(), &mut progress, cancel))
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
