//! The commands that protect people: flags, pseudonyms and consent records of a person, why an
//! item is restricted, redaction boxes on photos (and the photo as it would be exported), and
//! the reading room, whose state lives here in the shell so that no window can lift it without
//! the PIN. Like `commands`, each one translates to one engine call.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use tauri::State;
use tauri::ipc::Response;
use ts_rs::TS;
use walkout::files::clean_image;
use walkout::files::thumbs::ThumbSize;
use walkout::privacy::{self, ConsentRecord, ConsentScope, PersonPrivacy};
use walkout::{Archive, Consent, Error, Item, ItemDetails, Redaction, Sensitivity};

use crate::error::{AppError, CommandResult};
use crate::state::ArchiveState;

/// Whether the window is in the reading room (a shared school or library computer).
#[derive(Default)]
pub struct ReadingRoom(AtomicBool);

impl ReadingRoom {
    /// Whether the reading room is on.
    pub fn on(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// The reading room as the sidebar shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReadingRoomStatus {
    /// Whether it is on.
    pub on: bool,
    /// Whether the archive has a PIN to leave it with.
    pub has_pin: bool,
}

/// A person's flags and pseudonym, set together.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct PersonProtection {
    /// Under 18.
    pub minor: bool,
    /// At risk (undocumented, threatened).
    pub at_risk: bool,
    /// The name exports use when they may not use theirs.
    pub pseudonym: Option<String>,
}

/// A person in an item, and what they allow for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PersonInItem {
    /// Their name.
    pub name: String,
    /// The consent this item needs of them.
    pub scope: ConsentScope,
    /// The consent in force for that scope today.
    pub consent: Consent,
    /// Under 18.
    pub minor: bool,
    /// At risk.
    pub at_risk: bool,
}

/// Why an item is (or is not) kept back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ItemPrivacy {
    /// The sensitivity the reading room and exports apply: its own, raised by its people.
    pub effective: Sensitivity,
    /// The engine's reason ("quotes a minor", "consent withheld"), if it is kept back.
    pub reason: Option<String>,
    /// The people it shows or quotes.
    pub people: Vec<PersonInItem>,
}

/// One row of Browse (a tag, person, place or event) and how many items use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BrowseEntry {
    /// The name.
    pub name: String,
    /// How many public items use it.
    pub items: u64,
}

/// The effective sensitivity of an item and why.
fn privacy_of(archive: &Archive, item: &Item) -> walkout::Result<ItemPrivacy> {
    let everyone = archive.everyones_privacy()?;
    let today = archive.now().date_naive();
    let (effective, reason) = match privacy::restriction(item, &everyone, today) {
        Some((sensitivity, reason)) => (sensitivity, Some(reason)),
        None => (Sensitivity::Public, None),
    };
    let mut people: Vec<PersonInItem> = Vec::new();
    for (name, scope) in privacy::involved_people(item) {
        let person = everyone.get(&walkout::store::name_key(name));
        people.push(PersonInItem {
            name: name.to_string(),
            scope,
            consent: person.map_or(Consent::Unknown, |p| p.consent(scope, today)),
            minor: person.is_some_and(|p| p.minor),
            at_risk: person.is_some_and(|p| p.at_risk),
        });
    }
    Ok(ItemPrivacy { effective, reason, people })
}

/// Refuses an item the reading room hides, as if it were not there.
pub fn visible_in(reading_room: &ReadingRoom, archive: &Archive, item: Item) -> walkout::Result<Item> {
    if reading_room.on() && privacy_of(archive, &item)?.effective != Sensitivity::Public {
        return Err(Error::ItemNotFound { id: item.id.to_string() });
    }
    Ok(item)
}

#[tauri::command]
pub async fn person_privacy(state: State<'_, ArchiveState>, name: String) -> CommandResult<PersonPrivacy> {
    // Someone named only on items has no record yet: they have no flags and no consents.
    state.read(|archive| {
        let mut everyone = archive.everyones_privacy()?;
        let known = everyone.remove(&walkout::store::name_key(&name));
        Ok(known.unwrap_or_else(|| PersonPrivacy { name: name.clone(), ..PersonPrivacy::default() }))
    })
}

#[tauri::command]
pub async fn set_person_protection(
    state: State<'_, ArchiveState>,
    name: String,
    protection: PersonProtection,
) -> CommandResult<PersonPrivacy> {
    let pseudonym = protection.pseudonym.as_deref().map(str::trim).filter(|p| !p.is_empty());
    state.write(|archive| {
        archive.set_person_protection(&name, Some(protection.minor), Some(protection.at_risk), Some(pseudonym))?;
        archive.person_privacy(&name)
    })
}

/// Adds a consent record (a grant, a refusal or a revocation); the newest of a scope is in force.
#[tauri::command]
pub async fn record_consent(
    state: State<'_, ArchiveState>,
    name: String,
    record: ConsentRecord,
) -> CommandResult<PersonPrivacy> {
    state.write(|archive| {
        archive.record_consent(&name, record)?;
        archive.person_privacy(&name)
    })
}

#[tauri::command]
pub async fn item_privacy(state: State<'_, ArchiveState>, id: String) -> CommandResult<ItemPrivacy> {
    state.read(|archive| privacy_of(archive, &archive.get(archive.resolve_id(&id)?)?))
}

/// Replaces a photo's redaction boxes (fractions of the upright image).
#[tauri::command]
pub async fn set_redactions(
    state: State<'_, ArchiveState>,
    id: String,
    redactions: Vec<Redaction>,
) -> CommandResult<Item> {
    state.write(|archive| {
        let mut item = archive.get(archive.resolve_id(&id)?)?;
        item.redactions = redactions.into_iter().map(Redaction::checked).collect::<walkout::Result<_>>()?;
        archive.update_item(item)
    })
}

fn photo_of(archive: &Archive, id: &str) -> walkout::Result<(Item, String)> {
    let item = archive.get(archive.resolve_id(id)?)?;
    let sha = item.sha256().map(str::to_string);
    match (&item.details, sha) {
        (ItemDetails::Photo(_), Some(sha)) => Ok((item, sha)),
        _ => Err(Error::invalid("id", "this item is not a photo with a file")),
    }
}

/// The upright preview of a photo (JPEG bytes), for plain and encrypted archives.
#[tauri::command]
pub async fn photo_preview(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    id: String,
) -> CommandResult<Response> {
    let jpeg = state.read(|archive| {
        let (item, sha) = photo_of(archive, &id)?;
        visible_in(&reading_room, archive, item)?;
        archive.thumbnail_jpeg(&sha, ThumbSize::Preview)
    })?;
    Ok(Response::new(jpeg))
}

/// The photo as an export writes it: upright, its boxes burned in, no metadata.
#[tauri::command]
pub async fn photo_export_preview(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    id: String,
) -> CommandResult<Response> {
    let clean = state.read(|archive| {
        let (item, sha) = photo_of(archive, &id)?;
        let item = visible_in(&reading_room, archive, item)?;
        let bytes = archive.files().read(&sha)?;
        let orientation = match &item.details {
            ItemDetails::Photo(p) => p.orientation,
            _ => None,
        };
        clean_image::publishable(&bytes, orientation, &item.redactions)
    })?;
    Ok(Response::new(clean.bytes))
}

#[tauri::command]
pub async fn reading_room_status(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
) -> CommandResult<ReadingRoomStatus> {
    let has_pin = state.read(Archive::has_reading_room_pin)?;
    Ok(ReadingRoomStatus { on: reading_room.on(), has_pin })
}

/// Turns the reading room on; `pin` sets (or replaces) the PIN that leaves it. Without a PIN
/// the room could not be left, so one must exist.
#[tauri::command]
pub async fn enter_reading_room(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    pin: Option<String>,
) -> CommandResult<ReadingRoomStatus> {
    match pin.filter(|p| !p.is_empty()) {
        Some(pin) => state.write(|archive| archive.set_reading_room_pin(&pin))?,
        None if !state.read(Archive::has_reading_room_pin)? => {
            return Err(Error::invalid("pin", "choose a PIN first: leaving the reading room needs it").into());
        }
        None => {}
    }
    reading_room.0.store(true, Ordering::SeqCst);
    Ok(ReadingRoomStatus { on: true, has_pin: true })
}

/// Leaves the reading room when `pin` is the archive's PIN; a wrong one changes nothing.
#[tauri::command]
pub async fn leave_reading_room(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    pin: String,
) -> CommandResult<ReadingRoomStatus> {
    if !state.read(|archive| archive.check_reading_room_pin(&pin))? {
        return Err(AppError {
            code: "wrong_pin".to_string(),
            message: "that PIN is not this archive's; the reading room stays on".to_string(),
        });
    }
    reading_room.0.store(false, Ordering::SeqCst);
    Ok(ReadingRoomStatus { on: false, has_pin: true })
}

/// The tags, people, places or events that public items use, with their counts: Browse in the
/// reading room, which must not name what only restricted items mention.
#[tauri::command]
pub async fn browse_public(state: State<'_, ArchiveState>, what: String) -> CommandResult<Vec<BrowseEntry>> {
    state.read(|archive| {
        let everyone = archive.everyones_privacy()?;
        let today = archive.now().date_naive();
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for item in archive.all_items()? {
            if privacy::effective_sensitivity(&item, &everyone, today) != Sensitivity::Public {
                continue;
            }
            let mut names: Vec<String> = match what.as_str() {
                "tags" => item.tags.clone(),
                "people" => item.people.iter().cloned().chain(item.speaker().map(str::to_string)).collect(),
                "places" => item.place.iter().cloned().collect(),
                "events" => item.event.iter().cloned().collect(),
                _ => return Err(Error::invalid("what", "one of tags, people, places, events")),
            };
            names.sort();
            names.dedup();
            for name in names {
                *counts.entry(name).or_default() += 1;
            }
        }
        Ok(counts.into_iter().map(|(name, items)| BrowseEntry { name, items }).collect())
    })
}
