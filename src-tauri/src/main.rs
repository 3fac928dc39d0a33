//! Walkout Archive's desktop shell: a Tauri window over the engine's `Archive`. It chooses the
//! archive folder, opens it (creating the demo archive on a first start) and hands the window a
//! few thin commands; everything that knows about archives lives in the `walkout` crate.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[macro_use]
mod macros;
mod archives;
#[cfg(test)]
mod bindings;
mod bundles;
mod choosers;
mod commands;
mod edits;
mod error;
mod history;
mod ocr;
mod privacy;
mod ready;
mod room;
mod state;
mod templates;
mod thumbs;

use anyhow::Context;
use tauri::Manager;

fn main() -> anyhow::Result<()> {
    ready::start();
    let root = state::archive_dir(std::env::args_os().skip(1), std::env::var_os("WALKOUT_ARCHIVE"))?;
    let archive = state::open(&root)?;
    archives::remember(&root);
    ready::report("archive-open");
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(archive)
        .manage(room::ReadingRoom::default())
        .manage(std::sync::Arc::new(walkout::window::ocr::Background::default()))
        .setup(|app| {
            // An archive left in the reading room opens in it (a locked one: once unlocked).
            app.state::<room::ReadingRoom>().follow(&app.state::<state::ArchiveState>());
            Ok(())
        })
        .on_page_load(|_, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                ready::report("page-loaded");
            }
        })
        // Images reach the window only through this protocol, by hash (see thumbs.rs).
        .register_asynchronous_uri_scheme_protocol(thumbs::SCHEME, |ctx, request, responder| {
            let app = ctx.app_handle().clone();
            let path = request.uri().path().to_string();
            tauri::async_runtime::spawn_blocking(move || {
                let (state, reading_room) = (app.state::<state::ArchiveState>(), app.state::<room::ReadingRoom>());
                responder.respond(thumbs::respond(&state, &reading_room, &path))
            });
        })
        .invoke_handler(tauri::generate_handler![
            commands::archive_info,
            commands::search,
            commands::search_ids,
            commands::get_item,
            commands::update_item,
            edits::delete_items,
            edits::restore_items,
            edits::edit_items,
            edits::put_back_items,
            commands::stats,
            commands::describe_date,
            commands::list_tags,
            commands::list_people,
            commands::list_places,
            commands::spread,
            templates::list_templates,
            templates::save_template,
            templates::delete_template,
            templates::collection_template,
            templates::template_terms,
            templates::set_collection_template,
            templates::export_templates,
            templates::import_templates,
            history::item_history,
            history::restore_version,
            history::activity,
            history::revert_plan,
            history::revert_operation,
            bundles::share_bundle,
            bundles::merge_bundle,
            bundles::merge_conflicts,
            bundles::resolve_conflict,
            commands::locate_place,
            commands::list_events,
            commands::list_collections,
            commands::add_to_collection,
            commands::create_collection,
            commands::rename_collection,
            commands::remove_from_collection,
            commands::reorder_collection,
            commands::add_quote,
            commands::quotes_from,
            commands::export_items,
            commands::default_export_dir,
            commands::cite,
            archives::session,
            archives::open_archive,
            archives::create_archive,
            archives::unlock_archive,
            archives::lock_archive,
            archives::change_passphrase,
            commands::import_paths,
            commands::cancel_import,
            privacy::person_privacy,
            privacy::set_person_protection,
            privacy::record_consent,
            privacy::item_privacy,
            privacy::set_redactions,
            privacy::photo_preview,
            privacy::photo_export_preview,
            room::reading_room_status,
            room::enter_reading_room,
            room::leave_reading_room,
            choosers::choose_paths,
            privacy::browse_public,
            ocr::start_ocr,
            ocr::cancel_ocr,
            ocr::ocr_status,
            ocr::ocr_words,
            ocr::ocr_redaction_suggestions,
            ready::app_ready,
        ])
        .run(tauri::generate_context!())
        .context("running the Walkout Archive window")
}
