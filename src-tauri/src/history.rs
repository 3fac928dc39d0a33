//! The edit history in the window: an item's versions and restoring one; the archive's
//! operations and reverting one, with its preview. None of it in the reading room: earlier
//! versions may hold what the room must not show (a name before its pseudonym, notes, GPS).

use tauri::State;
use walkout::Item;
use walkout::history::{Operation, OperationKind, RevertPlan, Version};

use crate::error::CommandResult;
use crate::room::{ReadingRoom, writable};
use crate::state::ArchiveState;

#[tauri::command]
pub async fn item_history(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    id: String,
) -> CommandResult<Vec<Version>> {
    writable(&reading_room)?;
    state.read(|archive| archive.history(archive.resolve_id(&id)?))
}

/// Saves an earlier version again, as the item's newest.
#[tauri::command]
pub async fn restore_version(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    id: String,
    version: u32,
) -> CommandResult<Item> {
    writable(&reading_room)?;
    state.write(|archive| {
        let id = archive.resolve_id(&id)?;
        archive.restore_version(id, version)
    })
}

/// The operations, newest first: since a day (`YYYY-MM-DD`), by a user, of a kind.
#[tauri::command]
pub async fn activity(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    since: Option<String>,
    user: Option<String>,
    kind: Option<OperationKind>,
) -> CommandResult<Vec<Operation>> {
    writable(&reading_room)?;
    let since = match since.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(day) => {
            let date: walkout::EdtfDate = day.parse().map_err(walkout::Error::from)?;
            Some(date.range().0.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
        }
        None => None,
    };
    state.read(|archive| archive.log(since, user.as_deref(), kind))
}

#[tauri::command]
pub async fn revert_plan(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    operation: i64,
) -> CommandResult<RevertPlan> {
    writable(&reading_room)?;
    state.read(|archive| archive.revert_plan(operation))
}

/// Reverts an operation; refused (`revert_conflict`) where a later change touched the same field.
#[tauri::command]
pub async fn revert_operation(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    operation: i64,
) -> CommandResult<RevertPlan> {
    writable(&reading_room)?;
    state.write(|archive| archive.revert_operation(operation))
}
