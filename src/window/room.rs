//! The reading room's barrier in a window: whether the window is in it, entering and leaving
//! it, and the refusals that keep a visitor inside. It lives in the program that holds the
//! window (and in the archive, which keeps it across restarts), so that no page can lift it
//! without the PIN.
//!
//! It fails closed: a room that cannot be saved in the archive is not entered (it would be
//! forgotten on quit), a state that cannot be read at start counts as on when a PIN exists,
//! and wrong PINs are throttled by a count that a reload of the window does not reset.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use super::SharedArchive;
use crate::reading_room::PinFailures;
use crate::{Archive, Error, Result};

/// Whether the window is in the reading room (a shared school or library computer).
#[derive(Default)]
pub struct Barrier {
    on: AtomicBool,
    /// Wrong tries as this run of the app counted them: the archive keeps them too, but an
    /// archive open read-only cannot, and a reload of the window must not reset them.
    failures: Mutex<PinFailures>,
}

/// The reading room as the sidebar shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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

impl Barrier {
    /// Whether the reading room is on.
    pub fn on(&self) -> bool {
        self.on.load(Ordering::SeqCst)
    }

    /// Takes up the state the open archive was left in (at start, and when another archive or
    /// this one unlocked opens): an archive left in the reading room opens in it.
    pub fn follow(&self, shared: &SharedArchive) {
        let on = left_on(shared.read(Archive::reading_room_on), || shared.read(Archive::has_reading_room_pin));
        self.on.store(on, Ordering::SeqCst);
    }

    /// Refuses a change while the reading room is on: a visitor reads, and that is all.
    /// Editing, importing, exporting, the people's records, file choosers and switching
    /// archives wait until it is left.
    pub fn writable(&self) -> Result<()> {
        if self.on() {
            return Err(Error::ReadingRoom {
                message: "the reading room is on: leave it with the PIN (or the archive's passphrase) to change, \
                          open, import or export anything"
                    .to_string(),
            });
        }
        Ok(())
    }

    /// The reading room as the sidebar shows it.
    pub fn status(&self, shared: &SharedArchive) -> Result<ReadingRoomStatus> {
        let has_pin = shared.read(Archive::has_reading_room_pin)?;
        let passphrase = shared.open_archive()?.is_encrypted();
        let now = shared.read(|archive| Ok(archive.now()))?;
        let wait_seconds = self.failures_in(shared)?.seconds_left(now);
        Ok(ReadingRoomStatus { on: self.on(), has_pin, passphrase, wait_seconds })
    }

    /// Turns the reading room on; `pin` sets (or replaces) the PIN that leaves it. A plain
    /// archive must have a PIN (else the room could not be left); an encrypted one can be left
    /// with its passphrase as well. While the room is on, nothing changes without the
    /// `current` PIN: a visitor could otherwise set a PIN of their own and leave with it.
    pub fn enter(
        &self,
        shared: &SharedArchive,
        pin: Option<String>,
        current: Option<String>,
    ) -> Result<ReadingRoomStatus> {
        if self.on() {
            match current.filter(|c| !c.is_empty()) {
                Some(current) => self.check_secret(shared, &current)?,
                None => {
                    return Err(Error::ReadingRoom {
                        message: "the reading room is already on: its PIN changes only with the current PIN"
                            .to_string(),
                    });
                }
            }
        }
        let passphrase = shared.open_archive()?.is_encrypted();
        let pin = pin.filter(|p| !p.is_empty());
        if pin.is_none() && !passphrase && !shared.read(Archive::has_reading_room_pin)? {
            return Err(Error::invalid("pin", "choose a PIN first: leaving the reading room needs it"));
        }
        // Kept in the archive, so that quitting the app does not leave the room. One that
        // cannot be kept (another program writes to the archive, an import runs) is not
        // entered at all.
        shared
            .write(|archive| {
                if let Some(pin) = &pin {
                    archive.set_reading_room_pin(pin)?;
                }
                archive.set_reading_room_on(true)
            })
            .map_err(|e| match e {
                Error::ReadOnly | Error::Busy => Error::RoomNotEntered { because: Box::new(e) },
                e => e,
            })?;
        self.on.store(true, Ordering::SeqCst);
        self.status(shared)
    }

    /// Leaves the reading room when `pin` is the archive's PIN, or (an encrypted archive) its
    /// passphrase; anything else changes nothing.
    pub fn leave(&self, shared: &SharedArchive, pin: &str) -> Result<ReadingRoomStatus> {
        self.check_secret(shared, pin)?;
        // An archive that cannot be written still says the room is on: the next start is in it.
        match shared.write(|archive| archive.set_reading_room_on(false)) {
            Ok(()) | Err(Error::ReadOnly | Error::Busy) => {}
            Err(e) => return Err(e),
        }
        self.on.store(false, Ordering::SeqCst);
        self.status(shared)
    }

    /// The wrong tries so far: the archive's count or this run's, whichever is worse.
    fn failures_in(&self, shared: &SharedArchive) -> Result<PinFailures> {
        let remembered = self.failures.lock().map(|f| *f).unwrap_or(PinFailures { count: u32::MAX, last: None });
        Ok(shared.read(Archive::reading_room_failures)?.worse(remembered))
    }

    /// Whether `secret` is the archive's PIN or (an encrypted archive) its passphrase; refused
    /// unheard while the wait after too many wrong tries runs. Every wrong try is counted in
    /// the archive (and in memory, for an archive that cannot be written).
    fn check_secret(&self, shared: &SharedArchive, secret: &str) -> Result<()> {
        let open = shared.open_archive()?;
        let now = shared.read(|archive| Ok(archive.now()))?;
        let before = self.failures_in(shared)?;
        let seconds = before.seconds_left(now);
        if seconds > 0 {
            return Err(Error::TooManyTries { seconds });
        }
        let pin_fits = shared.read(|archive| archive.check_reading_room_pin(secret))?;
        let passphrase_fits = open.is_encrypted()
            && !pin_fits
            && !secret.is_empty()
            && match crate::crypto::ArchiveKey::unlock(open.root(), secret) {
                Ok(_) => true,
                Err(Error::WrongPassphrase { .. }) => false,
                Err(e) => return Err(e),
            };
        let fits = pin_fits || passphrase_fits;
        let after = if fits { PinFailures::default() } else { before.failed(now) };
        if let Ok(mut kept) = self.failures.lock() {
            *kept = after;
        }
        match shared.write(|archive| archive.set_reading_room_failures(after)) {
            // Kept in memory: the app's next start reads the archive's count, never a lower one.
            Ok(()) | Err(Error::ReadOnly | Error::Busy) => {}
            Err(e) => return Err(e),
        }
        if !fits {
            return Err(Error::WrongPin);
        }
        Ok(())
    }
}

/// Whether the archive was left in the room, from what could be read of it. A state that
/// cannot be read counts as on when the archive has a PIN (or when even that cannot be
/// read): a visitor must not get out by making the archive unreadable for a moment. An
/// encrypted archive waiting for its passphrase shows nothing and is followed again once
/// unlocked.
pub fn left_on(on: Result<bool>, has_pin: impl FnOnce() -> Result<bool>) -> bool {
    match on {
        Ok(on) => on,
        Err(Error::Locked { .. }) => false,
        Err(_) => has_pin().unwrap_or(true),
    }
}
