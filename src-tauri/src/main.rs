//! Walkout Archive's desktop shell: a Tauri window over the engine's `Archive`. It chooses the
//! archive folder, opens it (creating the demo archive on a first start) and hands the window a
//! few thin commands; everything that knows about archives lives in the `walkout` crate.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[cfg(test)]
mod bindings;
mod commands;
mod error;
mod privacy;
mod state;

use anyhow::Context;

fn main() -> anyhow::Result<()> {
    let root = state::archive_dir(std::env::args_os().skip(1), std::env::var_os("WALKOUT_ARCHIVE"))?;
    let archive = state::ArchiveState::open(&root)?;
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(archive)
        .manage(privacy::ReadingRoom::default())
        .invoke_handler(tauri::generate_handler![
            commands::archive_info,
            commands::search,
            commands::get_item,
            commands::update_item,
            commands::delete_item,
            commands::stats,
            commands::describe_date,
            commands::list_tags,
            commands::list_people,
            commands::list_places,
            commands::list_events,
            commands::list_collections,
            commands::add_to_collection,
            commands::import_paths,
            commands::cancel_import,
            privacy::person_privacy,
            privacy::set_person_protection,
            privacy::record_consent,
            privacy::item_privacy,
            privacy::set_redactions,
            privacy::photo_preview,
            privacy::photo_export_preview,
            privacy::reading_room_status,
            privacy::enter_reading_room,
            privacy::leave_reading_room,
            privacy::browse_public,
        ])
        .run(tauri::generate_context!())
        .context("running the Walkout Archive window")
}
