//! The reading room's barrier (the engine's `window::room::Barrier`), held by the shell so that
//! no window can lift it without the PIN, and its three commands.

use tauri::State;
use walkout::window::room::ReadingRoomStatus;

use crate::error::CommandResult;
use crate::state::ArchiveState;

/// Whether the window is in the reading room.
pub use walkout::window::room::Barrier as ReadingRoom;

/// Refuses a change while the reading room is on.
pub fn writable(reading_room: &ReadingRoom) -> CommandResult<()> {
    Ok(reading_room.writable()?)
}

#[tauri::command]
pub async fn reading_room_status(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
) -> CommandResult<ReadingRoomStatus> {
    Ok(reading_room.status(&state)?)
}

#[tauri::command]
pub async fn enter_reading_room(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    pin: Option<String>,
    current: Option<String>,
) -> CommandResult<ReadingRoomStatus> {
    Ok(reading_room.enter(&state, pin, current)?)
}

#[tauri::command]
pub async fn leave_reading_room(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    pin: String,
) -> CommandResult<ReadingRoomStatus> {
    Ok(reading_room.leave(&state, &pin)?)
}
