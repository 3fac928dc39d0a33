//! The commands behind bulk edit and undo: deletes that return what puts them back, one change
//! to many items, and items saved again as they were. Each translates to one engine call.

use tauri::State;
use walkout::undo::{BulkChange, DeletedItem};
use walkout::{Id, Item};

use crate::error::CommandResult;
use crate::room::{ReadingRoom, writable};
use crate::state::ArchiveState;

/// Deletes items, returning what `restore_items` needs to put them back (the app's undo).
#[tauri::command]
pub async fn delete_items(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    ids: Vec<String>,
) -> CommandResult<Vec<DeletedItem>> {
    writable(&reading_room)?;
    state.write(|archive| {
        let ids = ids.iter().map(|id| archive.resolve_id(id)).collect::<walkout::Result<Vec<Id>>>()?;
        archive.delete_for_undo(&ids)
    })
}

/// Puts deleted items back as they were (undo of `delete_items`).
#[tauri::command]
pub async fn restore_items(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    deleted: Vec<DeletedItem>,
) -> CommandResult<()> {
    writable(&reading_room)?;
    state.write(|archive| archive.restore(&deleted))
}

/// One change to many items (bulk edit); returns the items as they were, for undo.
#[tauri::command]
pub async fn edit_items(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    ids: Vec<String>,
    change: BulkChange,
) -> CommandResult<Vec<Item>> {
    writable(&reading_room)?;
    state.write(|archive| {
        let ids = ids.iter().map(|id| archive.resolve_id(id)).collect::<walkout::Result<Vec<Id>>>()?;
        archive.edit_many(&ids, &change)
    })
}

/// Saves items as they were before an edit (undo of `update_item` and `edit_items`).
#[tauri::command]
pub async fn put_back_items(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    items: Vec<Item>,
) -> CommandResult<()> {
    writable(&reading_room)?;
    state.write(|archive| archive.put_back(&items))
}
