//! Commands that only forward to the engine, one line each.
//!
//! `changes!` makes a command that changes the archive: refused in the reading room, then run
//! under the archive's write lock. `reads!` makes one that reads it, the same in and out of the
//! room; `keeps!` one that reads what only the archivist may see, refused in the reading room
//! before the archive is touched. `room_or!` makes one that reads with the engine's room view
//! in the reading room and with the full view outside it; `sees!` one whose reading depends on
//! the room in other ways.

/// A command refused in the reading room before the archive is touched, then run with the
/// archive's `write` (`changes!`) or `read` (`keeps!`).
macro_rules! guarded {
    ($access:ident; $(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty, |$archive:ident| $body:expr) => {
        $(#[$doc])*
        #[tauri::command]
        // Tauri passes each field of the call as an argument: a form with six fields is eight.
        #[allow(clippy::too_many_arguments)]
        pub async fn $name(
            state: tauri::State<'_, crate::state::ArchiveState>,
            reading_room: tauri::State<'_, crate::room::ReadingRoom>,
            $($arg: $ty),*
        ) -> crate::error::CommandResult<$ret> {
            reading_room.writable()?;
            Ok(state.$access(|$archive| $body)?)
        }
    };
}

/// `changes!(/// doc  name(arg: Type, …) -> Ret, |archive| body);`
macro_rules! changes {
    ($($command:tt)*) => { guarded!(write; $($command)*); };
}

/// `keeps!(/// doc  name(arg: Type, …) -> Ret, |archive| body);`
macro_rules! keeps {
    ($($command:tt)*) => { guarded!(read; $($command)*); };
}

/// `reads!(/// doc  name(arg: Type, …) -> Ret, |archive| body);`
macro_rules! reads {
    ($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty, |$archive:ident| $body:expr) => {
        $(#[$doc])*
        #[tauri::command]
        pub async fn $name(
            state: tauri::State<'_, crate::state::ArchiveState>,
            $($arg: $ty),*
        ) -> crate::error::CommandResult<$ret> {
            Ok(state.read(|$archive| $body)?)
        }
    };
}

/// `sees!(/// doc  name(arg: Type, …) -> Ret, |archive, room| body);`: a read that depends on
/// whether the reading room is on (`room.on()`).
macro_rules! sees {
    ($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty, |$archive:ident, $room:ident| $body:expr) => {
        $(#[$doc])*
        #[tauri::command]
        pub async fn $name(
            state: tauri::State<'_, crate::state::ArchiveState>,
            reading_room: tauri::State<'_, crate::room::ReadingRoom>,
            $($arg: $ty),*
        ) -> crate::error::CommandResult<$ret> {
            let $room: &crate::room::ReadingRoom = &reading_room;
            Ok(state.read(|$archive| $body)?)
        }
    };
}

/// `room_or!(/// doc  name -> Ret, room_view, full_view);` for lists with no arguments.
macro_rules! room_or {
    ($(#[$doc:meta])* $name:ident -> $ret:ty, $room:path, $all:path) => {
        $(#[$doc])*
        #[tauri::command]
        pub async fn $name(
            state: tauri::State<'_, crate::state::ArchiveState>,
            reading_room: tauri::State<'_, crate::room::ReadingRoom>,
        ) -> crate::error::CommandResult<$ret> {
            Ok(state.read(if reading_room.on() { $room } else { $all })?)
        }
    };
}
