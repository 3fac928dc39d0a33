//! The reading room's barrier: whether the window is in it, entering and leaving it, and the
//! refusals that keep a visitor inside. The state lives here in the shell (and in the archive)
//! so that no window can lift it without the PIN; the archive keeps it across restarts.
//!
//! It fails closed: a room that cannot be saved in the archive is not entered (it would be
//! forgotten on quit), a state that cannot be read at start counts as on when a PIN exists,
//! and wrong PINs are throttled by a count that a reload of the window does not reset.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use tauri::State;
use ts_rs::TS;
use walkout::reading_room::PinFailures;
use walkout::{Archive, Error};

use crate::error::{AppError, CommandResult};
use crate::state::ArchiveState;

/// Whether the window is in the reading room (a shared school or library computer).
#[derive(Default)]
pub struct ReadingRoom {
    on: AtomicBool,
    /// Wrong tries as this run of the app counted them: the archive keeps them too, but an
    /// archive open read-only cannot, and a reload of the window must not reset them.
    failures: Mutex<PinFailures>,
}

impl ReadingRoom {
    /// Whether the reading room is on.
    pub fn on(&self) -> bool {
        self.on.load(Ordering::SeqCst)
    }

    /// Takes up the state the open archive was left in (at start, and when another archive or
    /// this one unlocked opens): an archive left in the reading room opens in it.
    pub fn follow(&self, state: &ArchiveState) {
        let on = left_on(state.read(Archive::reading_room_on), || state.read(Archive::has_reading_room_pin));
        self.on.store(on, Ordering::SeqCst);
    }

    /// Turns it on, as entering does (for the shell's tests).
    #[cfg(test)]
    pub fn enter_for_test(&self) {
        self.on.store(true, Ordering::SeqCst);
    }

    fn failures(&self) -> PinFailures {
        self.failures.lock().map(|f| *f).unwrap_or(PinFailures { count: u32::MAX, last: None })
    }

    fn set_failures(&self, failures: PinFailures) {
        if let Ok(mut kept) = self.failures.lock() {
            *kept = failures;
        }
    }
}

/// Whether the archive was left in the room, from what could be read of it. A state that
/// cannot be read counts as on when the archive has a PIN (or when even that cannot be
/// read): a visitor must not get out by making the archive unreadable for a moment. An
/// encrypted archive waiting for its passphrase shows nothing and is followed again once
/// unlocked.
fn left_on(on: CommandResult<bool>, has_pin: impl FnOnce() -> CommandResult<bool>) -> bool {
    match on {
        Ok(on) => on,
        Err(e) if e.code == "locked" => false,
        Err(_) => has_pin().unwrap_or(true),
    }
}

/// The reading room as the sidebar shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReadingRoomStatus {
    /// Whether it is on.
    pub on: bool,
    /// Whether the archive has a PIN to leave it with.
    pub has_pin: bool,
    /// Whether the archive's passphrase leaves it too (an encrypted archive).
    pub passphrase: bool,
    /// Seconds before the next PIN is heard, after too many wrong ones (0: now).
    pub wait_seconds: u64,
}

/// Refuses a change while the reading room is on: a visitor reads, and that is all. Editing,
/// importing, exporting, the people's records, file choosers and switching archives wait
/// until it is left.
pub fn writable(reading_room: &ReadingRoom) -> CommandResult<()> {
    if reading_room.on() {
        return Err(AppError {
            code: "reading_room".to_string(),
            message: "the reading room is on: leave it with the PIN (or the archive's passphrase) to change, \
                      open, import or export anything"
                .to_string(),
        });
    }
    Ok(())
}

/// The wrong tries so far: the archive's count or this run's, whichever is worse.
fn failures(state: &ArchiveState, room: &ReadingRoom) -> CommandResult<PinFailures> {
    Ok(state.read(Archive::reading_room_failures)?.worse(room.failures()))
}

fn status(state: &ArchiveState, room: &ReadingRoom) -> CommandResult<ReadingRoomStatus> {
    let has_pin = state.read(Archive::has_reading_room_pin)?;
    let passphrase = state.open_archive()?.is_encrypted();
    let now = state.read(|archive| Ok(archive.now()))?;
    let wait_seconds = failures(state, room)?.seconds_left(now);
    Ok(ReadingRoomStatus { on: room.on(), has_pin, passphrase, wait_seconds })
}

/// Whether `secret` is the archive's PIN or (an encrypted archive) its passphrase; refused
/// unheard while the wait after too many wrong tries runs. Every wrong try is counted in the
/// archive (and in memory, for an archive that cannot be written).
fn check_secret(state: &ArchiveState, room: &ReadingRoom, secret: &str) -> CommandResult<()> {
    let open = state.open_archive()?;
    let now = state.read(|archive| Ok(archive.now()))?;
    let before = failures(state, room)?;
    let left = before.seconds_left(now);
    if left > 0 {
        return Err(AppError {
            code: "too_many_tries".to_string(),
            message: format!("too many tries: wait {left} s before the next one"),
        });
    }
    let pin_fits = state.read(|archive| archive.check_reading_room_pin(secret))?;
    let passphrase_fits = open.is_encrypted()
        && !pin_fits
        && !secret.is_empty()
        && match walkout::crypto::ArchiveKey::unlock(open.root(), secret) {
            Ok(_) => true,
            Err(Error::WrongPassphrase { .. }) => false,
            Err(e) => return Err(e.into()),
        };
    let fits = pin_fits || passphrase_fits;
    let after = if fits { PinFailures::default() } else { before.failed(now) };
    room.set_failures(after);
    match state.write(|archive| archive.set_reading_room_failures(after)) {
        Ok(()) => {}
        // Kept in memory: the app's next start reads the archive's count, never a lower one.
        Err(e) if e.code == "read_only" || e.code == "busy" => {}
        Err(e) => return Err(e),
    }
    if !fits {
        return Err(AppError {
            code: "wrong_pin".to_string(),
            message: "that is neither this archive's PIN nor its passphrase; the reading room stays on".to_string(),
        });
    }
    Ok(())
}

/// Turns the reading room on; `pin` sets (or replaces) the PIN that leaves it. A plain archive
/// must have a PIN (else the room could not be left); an encrypted one can be left with its
/// passphrase as well. While the room is on, nothing changes without the `current` PIN: a
/// visitor could otherwise set a PIN of their own and leave with it.
pub fn enter(
    state: &ArchiveState,
    room: &ReadingRoom,
    pin: Option<String>,
    current: Option<String>,
) -> CommandResult<ReadingRoomStatus> {
    if room.on() {
        match current.filter(|c| !c.is_empty()) {
            Some(current) => check_secret(state, room, &current)?,
            None => {
                return Err(AppError {
                    code: "reading_room".to_string(),
                    message: "the reading room is already on: its PIN changes only with the current PIN".to_string(),
                });
            }
        }
    }
    let passphrase = state.open_archive()?.is_encrypted();
    let pin = pin.filter(|p| !p.is_empty());
    if pin.is_none() && !passphrase && !state.read(Archive::has_reading_room_pin)? {
        return Err(Error::invalid("pin", "choose a PIN first: leaving the reading room needs it").into());
    }
    // Kept in the archive, so that quitting the app does not leave the room. One that cannot
    // be kept (another program writes to the archive, an import runs) is not entered at all.
    state
        .write(|archive| {
            if let Some(pin) = &pin {
                archive.set_reading_room_pin(pin)?;
            }
            archive.set_reading_room_on(true)
        })
        .map_err(|e| match e.code.as_str() {
            "read_only" => AppError {
                message: "the reading room was not turned on: this archive is open read-only (another program is \
                          using it), so the room could not be saved and would be forgotten when the app quits"
                    .to_string(),
                ..e
            },
            "busy" => AppError {
                message: "the reading room was not turned on: an import is running; turn it on when it has finished"
                    .to_string(),
                ..e
            },
            _ => e,
        })?;
    room.on.store(true, Ordering::SeqCst);
    status(state, room)
}

/// Leaves the reading room when `pin` is the archive's PIN, or (an encrypted archive) its
/// passphrase; anything else changes nothing.
pub fn leave(state: &ArchiveState, room: &ReadingRoom, pin: &str) -> CommandResult<ReadingRoomStatus> {
    check_secret(state, room, pin)?;
    // An archive that cannot be written still says the room is on: the next start is in it.
    match state.write(|archive| archive.set_reading_room_on(false)) {
        Ok(()) => {}
        Err(e) if e.code == "read_only" || e.code == "busy" => {}
        Err(e) => return Err(e),
    }
    room.on.store(false, Ordering::SeqCst);
    status(state, room)
}

#[tauri::command]
pub async fn reading_room_status(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
) -> CommandResult<ReadingRoomStatus> {
    status(&state, &reading_room)
}

#[tauri::command]
pub async fn enter_reading_room(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    pin: Option<String>,
    current: Option<String>,
) -> CommandResult<ReadingRoomStatus> {
    enter(&state, &reading_room, pin, current)
}

#[tauri::command]
pub async fn leave_reading_room(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    pin: String,
) -> CommandResult<ReadingRoomStatus> {
    leave(&state, &reading_room, &pin)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicI64;

    use chrono::{DateTime, Utc};

    use super::*;

    /// The archive's clock in these tests: seconds after a fixed moment, moved by hand.
    static SECONDS: AtomicI64 = AtomicI64::new(0);
    fn clock() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + SECONDS.load(Ordering::SeqCst), 0).unwrap()
    }

    fn archive_with_pin(dir: &std::path::Path) -> std::path::PathBuf {
        let root = dir.join("a");
        let mut archive = Archive::create(&root).unwrap();
        archive.set_reading_room_pin("2468").unwrap();
        root
    }

    fn open(root: &std::path::Path) -> ArchiveState {
        let state = ArchiveState::open(root).unwrap();
        state
            .write(|archive| {
                archive.set_clock(clock);
                Ok(())
            })
            .unwrap();
        state
    }

    #[test]
    fn an_archive_left_in_the_reading_room_opens_in_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = archive_with_pin(dir.path());
        let state = ArchiveState::open(&root).unwrap();
        let room = ReadingRoom::default();
        enter(&state, &room, None, None).unwrap();
        drop(state);

        // The next start of the app: the shell takes up the archive's state.
        let state = ArchiveState::open(&root).unwrap();
        let room = ReadingRoom::default();
        assert!(!room.on());
        room.follow(&state);
        assert!(room.on(), "quitting the app does not leave the reading room");
        assert_eq!(writable(&room).unwrap_err().code, "reading_room");

        state.write(|archive| archive.set_reading_room_on(false)).unwrap();
        room.follow(&state);
        assert!(!room.on());
    }

    #[test]
    fn a_room_state_that_cannot_be_read_counts_as_on_when_there_is_a_pin() {
        let unreadable = || Err(AppError::internal("database is locked"));
        assert!(left_on(Ok(true), || Ok(false)));
        assert!(!left_on(Ok(false), || Ok(true)));
        assert!(left_on(unreadable(), || Ok(true)), "fails closed");
        assert!(left_on(unreadable(), unreadable), "fails closed when even the PIN cannot be read");
        assert!(!left_on(unreadable(), || Ok(false)), "no PIN: the room could never be left");
        let locked = Err(Error::Locked { path: "/a".into() }.into());
        assert!(!left_on(locked, || unreachable!("a locked archive is followed again once unlocked")));
    }

    #[test]
    fn the_room_is_not_entered_when_the_archive_cannot_keep_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = archive_with_pin(dir.path());
        // Another program holds the archive: this window opens it read-only.
        let _writer = Archive::open(&root).unwrap();
        let state = ArchiveState::open(&root).unwrap();
        let room = ReadingRoom::default();
        let refused = enter(&state, &room, None, None).unwrap_err();
        assert_eq!(refused.code, "read_only");
        assert!(refused.message.contains("not turned on"), "{}", refused.message);
        assert!(!room.on(), "on only in this window, it would be forgotten on quit");
    }

    #[test]
    fn entering_again_changes_nothing_without_the_current_pin() {
        let dir = tempfile::tempdir().unwrap();
        let state = open(&archive_with_pin(dir.path()));
        let room = ReadingRoom::default();
        enter(&state, &room, None, None).unwrap();

        // A visitor tries to set a PIN of their own.
        let refused = enter(&state, &room, Some("1111".into()), None).unwrap_err();
        assert_eq!(refused.code, "reading_room");
        assert_eq!(enter(&state, &room, Some("1111".into()), Some("9999".into())).unwrap_err().code, "wrong_pin");
        assert_eq!(leave(&state, &room, "1111").unwrap_err().code, "wrong_pin", "their PIN was not set");
        assert!(room.on());

        // The archivist, with the current PIN, may change it in the room.
        enter(&state, &room, Some("1357".into()), Some("2468".into())).unwrap();
        assert!(room.on());
        assert_eq!(leave(&state, &room, "2468").unwrap_err().code, "wrong_pin");
        assert!(!leave(&state, &room, "1357").unwrap().on);
    }

    #[test]
    fn wrong_pins_are_throttled_and_a_restart_does_not_reset_the_count() {
        let dir = tempfile::tempdir().unwrap();
        let root = archive_with_pin(dir.path());
        let state = open(&root);
        let room = ReadingRoom::default();
        enter(&state, &room, None, None).unwrap();
        for guess in ["0000", "1111", "2222"] {
            assert_eq!(leave(&state, &room, guess).unwrap_err().code, "wrong_pin");
        }
        assert_eq!(status(&state, &room).unwrap().wait_seconds, 2);
        // Even the right PIN is not heard while the wait runs.
        let wait = leave(&state, &room, "2468").unwrap_err();
        assert_eq!(wait.code, "too_many_tries");
        assert!(wait.message.contains("wait 2 s"), "{}", wait.message);

        SECONDS.fetch_add(2, Ordering::SeqCst);
        assert_eq!(leave(&state, &room, "3333").unwrap_err().code, "wrong_pin");
        assert_eq!(status(&state, &room).unwrap().wait_seconds, 4);

        // A new start of the app (or a reload of the window): the archive kept the count.
        drop(state);
        let state = open(&root);
        let room = ReadingRoom::default();
        room.follow(&state);
        assert!(room.on());
        assert_eq!(leave(&state, &room, "2468").unwrap_err().code, "too_many_tries");
        SECONDS.fetch_add(4, Ordering::SeqCst);
        assert!(!leave(&state, &room, "2468").unwrap().on);
        assert_eq!(status(&state, &room).unwrap().wait_seconds, 0, "the right PIN clears the count");
        assert_eq!(state.read(Archive::reading_room_failures).unwrap(), PinFailures::default());
    }

    #[test]
    fn nothing_changes_in_the_reading_room() {
        let room = ReadingRoom::default();
        assert!(writable(&room).is_ok());
        room.enter_for_test();
        assert_eq!(writable(&room).unwrap_err().code, "reading_room");
    }
}
