//! The archive's people and their protection: flags (minor, at risk), pseudonyms and consent
//! records. A change takes effect everywhere at once: every item involving the person is
//! re-indexed with its new effective sensitivity in the same write.

use std::collections::HashMap;

use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::privacy::{ConsentRecord, PersonPrivacy};
use crate::store::{self, ChangeOp};

impl Archive {
    /// What the archive knows of a person's protection.
    pub fn person_privacy(&self, name: &str) -> Result<PersonPrivacy> {
        store::person_privacy(self.store.conn(), name)?
            .ok_or_else(|| Error::invalid("person", format!("no person named {name:?}")))
    }

    /// Everyone's protection, keyed by normalized name.
    pub fn everyones_privacy(&self) -> Result<HashMap<String, PersonPrivacy>> {
        store::privacy_of_everyone(self.store.conn())
    }

    /// Sets a person's flags or pseudonym (`None` keeps a value).
    pub fn set_person_protection(
        &mut self,
        name: &str,
        minor: Option<bool>,
        at_risk: Option<bool>,
        pseudonym: Option<Option<&str>>,
    ) -> Result<()> {
        let summary = "Changed a person's protection".to_string();
        self.operation(crate::history::OperationKind::Privacy, &summary, |a| {
            a.set_person_protection_unlogged(name, minor, at_risk, pseudonym)
        })
    }

    fn set_person_protection_unlogged(
        &mut self,
        name: &str,
        minor: Option<bool>,
        at_risk: Option<bool>,
        pseudonym: Option<Option<&str>>,
    ) -> Result<()> {
        let now = self.now();
        self.write(|tx| {
            store::set_person_protection(tx, name, minor, at_risk, pseudonym)?;
            record_person(tx, name, now)?;
            touch_items_of(tx, name, now)
        })
    }

    /// Records a consent given, refused or revoked; the newest record of a scope is in force.
    pub fn record_consent(&mut self, name: &str, record: ConsentRecord) -> Result<()> {
        let summary = format!("Recorded {} consent ({})", record.status.as_str(), record.scope.as_str());
        self.operation(crate::history::OperationKind::Privacy, &summary, |a| a.record_consent_unlogged(name, record))
    }

    fn record_consent_unlogged(&mut self, name: &str, record: ConsentRecord) -> Result<()> {
        let now = self.now();
        self.write(|tx| {
            store::add_consent(tx, name, &record, now)?;
            record_person(tx, name, now)?;
            touch_items_of(tx, name, now)
        })
    }
}

/// Keeps the person's protection and consent records, as they now are, in the history.
pub(crate) fn record_person(tx: &rusqlite::Connection, name: &str, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    if let Some(person) = store::person_privacy(tx, name)? {
        let state = serde_json::to_value(&person)
            .map_err(|e| crate::error::Error::invalid("history", format!("a person cannot be kept: {e}")))?;
        crate::history::record(tx, "person", &store::name_key(&person.name), Some(&state), now)?;
    }
    Ok(())
}

/// Marks every item of a person changed, so the index re-reads their effective sensitivity.
pub(crate) fn touch_items_of(tx: &rusqlite::Connection, name: &str, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    for id in store::items_of_person(tx, name)? {
        store::record_change(tx, id, ChangeOp::Upsert, now)?;
    }
    Ok(())
}
