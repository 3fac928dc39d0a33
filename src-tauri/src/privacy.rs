//! The commands that protect people: flags, pseudonyms and consent records of a person, why an
//! item is restricted, redaction boxes on photos (and the photo as it would be exported), and
//! what the reading room (room.rs) may show. Like `commands`, each one translates to one
//! engine call.

use serde::{Deserialize, Serialize};
use tauri::State;
use tauri::ipc::Response;
use ts_rs::TS;
use walkout::files::clean_image;
use walkout::files::thumbs::ThumbSize;
use walkout::privacy::{self, ConsentRecord, ConsentScope, PersonPrivacy};
use walkout::{Archive, Consent, Error, Item, ItemDetails, Redaction, Sensitivity};

use crate::error::CommandResult;
use crate::room::{ReadingRoom, writable};
use crate::state::ArchiveState;

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
    // Its people, and the item it was taken from (the disclosure reads it).
    let restriction = privacy::Disclosure::new(archive, true, privacy::Purpose::Public)?.restriction(item)?;
    let (effective, reason) = match restriction {
        Some((sensitivity, reason)) => (sensitivity, Some(reason)),
        None => (Sensitivity::Public, None),
    };
    let mut people: Vec<PersonInItem> = Vec::new();
    for (name, scope) in privacy::involved_people(item) {
        let person = everyone.get(&walkout::privacy::person_key(name));
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

/// The item as the window may show it: in the reading room, as a public export shows it (the
/// engine's `room_item`), or not at all.
pub fn visible_in(reading_room: &ReadingRoom, archive: &Archive, item: Item) -> walkout::Result<Item> {
    if reading_room.on() {
        return archive.room_item(item.id);
    }
    Ok(item)
}

#[tauri::command]
pub async fn person_privacy(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    name: String,
) -> CommandResult<PersonPrivacy> {
    // A person's flags and consents are the archivist's to see, not a visitor's.
    writable(&reading_room)?;
    // Someone named only on items has no record yet: they have no flags and no consents.
    state.read(|archive| {
        let mut everyone = archive.everyones_privacy()?;
        let known = everyone.remove(&walkout::privacy::person_key(&name));
        Ok(known.unwrap_or_else(|| PersonPrivacy { name: name.clone(), ..PersonPrivacy::default() }))
    })
}

changes!(set_person_protection(name: String, protection: PersonProtection) -> PersonPrivacy, |archive| {
    let pseudonym = protection.pseudonym.as_deref().map(str::trim).filter(|p| !p.is_empty());
    archive.set_person_protection(&name, Some(protection.minor), Some(protection.at_risk), Some(pseudonym))?;
    archive.person_privacy(&name)
});

changes!(
    /// Adds a consent record (a grant, a refusal or a revocation); the newest of a scope is in force.
    record_consent(name: String, record: ConsentRecord) -> PersonPrivacy,
    |archive| {
        archive.record_consent(&name, record)?;
        archive.person_privacy(&name)
    }
);

#[tauri::command]
pub async fn item_privacy(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    id: String,
) -> CommandResult<ItemPrivacy> {
    state.read(|archive| {
        let item = visible_in(&reading_room, archive, archive.get(archive.resolve_id(&id)?)?)?;
        privacy_of(archive, &item)
    })
}

changes!(
    /// Replaces a photo's redaction boxes (fractions of the upright image).
    set_redactions(id: String, redactions: Vec<Redaction>) -> Item,
    |archive| {
        let mut item = archive.get(archive.resolve_id(&id)?)?;
        item.redactions = redactions.into_iter().map(Redaction::checked).collect::<walkout::Result<_>>()?;
        archive.update_item(item)
    }
);

fn photo_of(archive: &Archive, id: &str) -> walkout::Result<(Item, String)> {
    let item = archive.get(archive.resolve_id(id)?)?;
    let sha = item.sha256().map(str::to_string);
    match (&item.details, sha) {
        (ItemDetails::Photo(_), Some(sha)) => Ok((item, sha)),
        _ => Err(Error::invalid("id", "this item is not a photo with a file")),
    }
}

/// The upright preview of a photo (JPEG bytes), for plain and encrypted archives. In the
/// reading room it is the photo as exports show it: its boxes burned in.
#[tauri::command]
pub async fn photo_preview(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    id: String,
) -> CommandResult<Response> {
    let jpeg = state.read(|archive| {
        let (item, sha) = photo_of(archive, &id)?;
        let item = visible_in(&reading_room, archive, item)?;
        public_jpeg(reading_room.on(), archive, &item, &sha, ThumbSize::Preview)
    })?;
    Ok(Response::new(jpeg))
}

/// A thumbnail of a photo item; with `burned_in` (the reading room), a photo with redaction
/// boxes is rendered with them burned in, as exports show it.
pub fn public_jpeg(
    burned_in: bool,
    archive: &Archive,
    item: &Item,
    sha: &str,
    size: ThumbSize,
) -> walkout::Result<Vec<u8>> {
    if !burned_in || item.redactions.is_empty() {
        return archive.thumbnail_jpeg(sha, size);
    }
    let orientation = match &item.details {
        ItemDetails::Photo(p) => p.orientation,
        _ => None,
    };
    let bytes = archive.files().read(sha)?;
    let pixels = clean_image::clean_pixels(&bytes, orientation, &item.redactions)?;
    Ok(clean_image::scaled(&pixels, size.longest_side())?.bytes)
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

/// The tags, people, places or events that public items use, with their counts: Browse in the
/// reading room, which must not name what only restricted items mention.
#[tauri::command]
pub async fn browse_public(state: State<'_, ArchiveState>, what: String) -> CommandResult<Vec<BrowseEntry>> {
    state.read(|archive| {
        let view = archive.room_view()?;
        let names = match what.as_str() {
            "tags" => view.tags,
            "people" => view.people,
            "places" => view.places,
            "events" => view.events,
            _ => return Err(Error::invalid("what", "one of tags, people, places, events")),
        };
        Ok(names.into_iter().map(|(name, items)| BrowseEntry { name, items }).collect())
    })
}
