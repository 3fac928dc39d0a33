//! Declares the app's commands so that each one needs an explicit permission in
//! `capabilities/`: a command not listed there cannot be called from the window.

const COMMANDS: &[&str] = &[
    "archive_info",
    "search",
    "search_ids",
    "get_item",
    "update_item",
    "delete_items",
    "restore_items",
    "edit_items",
    "put_back_items",
    "stats",
    "describe_date",
    "list_tags",
    "list_people",
    "list_places",
    "list_events",
    "list_collections",
    "add_to_collection",
    "create_collection",
    "rename_collection",
    "remove_from_collection",
    "reorder_collection",
    "add_quote",
    "quotes_from",
    "export_items",
    "default_export_dir",
    "cite",
    "session",
    "open_archive",
    "create_archive",
    "unlock_archive",
    "lock_archive",
    "change_passphrase",
    "import_paths",
    "cancel_import",
    "person_privacy",
    "set_person_protection",
    "record_consent",
    "item_privacy",
    "set_redactions",
    "photo_preview",
    "photo_export_preview",
    "reading_room_status",
    "enter_reading_room",
    "leave_reading_room",
    "browse_public",
    "choose_paths",
    "app_ready",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
