//! The reading room: a mode for a shared school or library computer in which restricted and
//! private items vanish from lists, hits, facet counts and snippets. The UI turns it on freely;
//! turning it off needs the archive's PIN, stored only as an Argon2id hash. Whether it is on is
//! kept in the archive, so that quitting and starting the app again does not leave it.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};

use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::store;

const PIN_KEY: &str = "reading_room_pin";
const ON_KEY: &str = "reading_room_on";

impl Archive {
    /// Sets (or replaces) the PIN that leaves the reading room. At least 4 characters.
    pub fn set_reading_room_pin(&mut self, pin: &str) -> Result<()> {
        if pin.chars().count() < 4 {
            return Err(Error::invalid("pin", "must have at least 4 characters"));
        }
        let salt = SaltString::generate(&mut OsRng);
        let hash = Argon2::default()
            .hash_password(pin.as_bytes(), &salt)
            .map_err(|e| Error::invalid("pin", e.to_string()))?
            .to_string();
        self.write(|tx| store::meta_set(tx, PIN_KEY, &hash))
    }

    /// Records whether the reading room is on: the next start of the app opens in it.
    pub fn set_reading_room_on(&mut self, on: bool) -> Result<()> {
        self.write(|tx| store::meta_set(tx, ON_KEY, if on { "1" } else { "0" }))
    }

    /// Whether the reading room was left on.
    pub fn reading_room_on(&self) -> Result<bool> {
        Ok(store::meta_get(self.store.conn(), ON_KEY)?.as_deref() == Some("1"))
    }

    /// Whether a PIN has been set.
    pub fn has_reading_room_pin(&self) -> Result<bool> {
        Ok(store::meta_get(self.store.conn(), PIN_KEY)?.is_some())
    }

    /// Whether `pin` is the archive's PIN (false when none is set).
    pub fn check_reading_room_pin(&self, pin: &str) -> Result<bool> {
        let Some(stored) = store::meta_get(self.store.conn(), PIN_KEY)? else { return Ok(false) };
        let hash = PasswordHash::new(&stored).map_err(|e| Error::invalid("pin", e.to_string()))?;
        Ok(Argon2::default().verify_password(pin.as_bytes(), &hash).is_ok())
    }
}

// Throttling wrong PINs. A visitor at a shared computer has all the time in the world to guess
// a four-digit PIN; after a few free tries each further one waits longer. The count is kept in
// the archive, so neither a reload of the window nor a restart of the app resets it (the shell
// also keeps it in memory for an archive it cannot write to).

const FAILURES_KEY: &str = "reading_room_failures";

/// Wrong PINs (or passphrases) given in a row to leave the reading room, and when the last was.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PinFailures {
    /// How many in a row.
    pub count: u32,
    /// When the last one was given.
    pub last: Option<DateTime<Utc>>,
}

impl PinFailures {
    /// Wrong tries that cost no wait.
    pub const FREE: u32 = 3;
    /// The longest wait between two tries, in seconds.
    pub const MAX_WAIT_SECS: u64 = 60;

    /// How long the next try waits after the last wrong one: nothing for the first three, then
    /// 2, 4, 8 … seconds, at most a minute.
    pub fn wait(&self) -> Duration {
        if self.count < Self::FREE {
            return Duration::zero();
        }
        let doublings = (self.count - Self::FREE + 1).min(6);
        Duration::seconds((1u64 << doublings).min(Self::MAX_WAIT_SECS) as i64)
    }

    /// Whole seconds still to wait at `now` before a try is heard (0: try now). A clock that
    /// went back does not shorten the wait below its length from now.
    pub fn seconds_left(&self, now: DateTime<Utc>) -> u64 {
        let Some(last) = self.last else { return 0 };
        let wait = self.wait();
        let until = last + wait;
        let left = if now < last { wait } else { until - now };
        (left.num_milliseconds().max(0) as u64).div_ceil(1000)
    }

    /// One more wrong try, at `at`.
    pub fn failed(self, at: DateTime<Utc>) -> PinFailures {
        PinFailures { count: self.count.saturating_add(1), last: Some(at) }
    }

    /// The longer of two records of the same tries (the archive's and the shell's memory).
    pub fn worse(self, other: PinFailures) -> PinFailures {
        if (other.count, other.last) > (self.count, self.last) { other } else { self }
    }
}

impl Archive {
    /// The wrong PINs given in a row so far. An unreadable record counts as many wrong tries
    /// (the longest wait), never as none.
    pub fn reading_room_failures(&self) -> Result<PinFailures> {
        let text = store::meta_get(self.store.conn(), FAILURES_KEY)?;
        let Some(text) = text.filter(|t| t != "0") else { return Ok(PinFailures::default()) };
        let parsed = text.split_once(' ').and_then(|(count, last)| {
            Some(PinFailures {
                count: count.parse().ok()?,
                last: Some(DateTime::parse_from_rfc3339(last).ok()?.with_timezone(&Utc)),
            })
        });
        Ok(parsed.unwrap_or(PinFailures { count: PinFailures::FREE + 6, last: Some(self.now()) }))
    }

    /// Records the wrong PINs given in a row (none: the PIN was given).
    pub fn set_reading_room_failures(&mut self, failures: PinFailures) -> Result<()> {
        let value = match failures.last {
            Some(last) if failures.count > 0 => format!("{} {}", failures.count, last.to_rfc3339()),
            _ => "0".to_string(),
        };
        self.write(|tx| store::meta_set(tx, FAILURES_KEY, &value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn three_wrong_pins_are_free_then_each_try_waits_twice_as_long_up_to_a_minute() {
        let mut failures = PinFailures::default();
        let mut waits = Vec::new();
        for _ in 0..10 {
            failures = failures.failed(at(0));
            waits.push(failures.seconds_left(at(0)));
        }
        assert_eq!(waits, [0, 0, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(failures.seconds_left(at(59)), 1);
        assert_eq!(failures.seconds_left(at(60)), 0);
        assert_eq!(failures.seconds_left(at(-3600)), 60, "turning the clock back does not help");
    }

    #[test]
    fn wrong_pins_are_counted_in_the_archive_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("a");
        let mut archive = Archive::create(&root).unwrap();
        assert_eq!(archive.reading_room_failures().unwrap(), PinFailures::default());
        let four = (0..4).fold(PinFailures::default(), |f, _| f.failed(at(5)));
        archive.set_reading_room_failures(four).unwrap();
        drop(archive);
        let mut archive = Archive::open(&root).unwrap();
        assert_eq!(archive.reading_room_failures().unwrap(), four);
        archive.set_reading_room_failures(PinFailures::default()).unwrap();
        assert_eq!(archive.reading_room_failures().unwrap(), PinFailures::default());
    }
}
