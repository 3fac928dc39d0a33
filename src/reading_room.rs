//! The reading room: a mode for a shared school or library computer in which restricted and
//! private items vanish from lists, hits, facet counts and snippets. The UI turns it on freely;
//! turning it off needs the archive's PIN, stored only as an Argon2id hash. Whether it is on is
//! kept in the archive, so that quitting and starting the app again does not leave it.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

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
