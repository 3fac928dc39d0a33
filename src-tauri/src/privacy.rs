//! The commands that protect people: flags, pseudonyms and consent records of a person, why an
//! item is restricted, redaction boxes on photos (and the photo as it would be exported), and
//! what the reading room (room.rs) may show. Like `commands`, each one translates to one
//! engine call.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use tauri::State;
use tauri::ipc::Response;
use ts_rs::TS;
use walkout::files::clean_image;
use walkout::files::thumbs::ThumbSize;
use walkout::privacy::{self, ConsentRecord, ConsentScope, PersonPrivacy};
use walkout::{Archive, Consent, Error, Id, Item, ItemDetails, Redaction, Sensitivity, Stats};

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

/// What the public items of an archive add up to: the counts and names the reading room may
/// show, none of them raised by an item it hides.
#[derive(Default)]
pub struct PublicView {
    /// The sidebar's counts.
    pub stats: Stats,
    /// The public items.
    pub ids: HashSet<Id>,
    /// Tags, people, places and events, with how many public items use each.
    pub tags: BTreeMap<String, u64>,
    pub people: BTreeMap<String, u64>,
    pub places: BTreeMap<String, u64>,
    pub events: BTreeMap<String, u64>,
}

/// Counts by name as the archive compares names (case and spacing aside).
pub fn keyed(names: BTreeMap<String, u64>) -> std::collections::HashMap<String, u64> {
    let mut keyed = std::collections::HashMap::new();
    for (name, items) in names {
        *keyed.entry(walkout::store::name_key(&name)).or_default() += items;
    }
    keyed
}

/// Reads every item once and keeps what is public.
pub fn public_view(archive: &Archive) -> walkout::Result<PublicView> {
    let everyone = archive.everyones_privacy()?;
    let today = archive.now().date_naive();
    let mut view = PublicView::default();
    fn count(map: &mut BTreeMap<String, u64>, names: impl IntoIterator<Item = String>) {
        let mut names: Vec<String> = names.into_iter().collect();
        names.sort();
        names.dedup();
        for name in names {
            *map.entry(name).or_default() += 1;
        }
    }
    for item in archive.all_items()? {
        if privacy::effective_sensitivity(&item, &everyone, today) != Sensitivity::Public {
            continue;
        }
        view.ids.insert(item.id);
        view.stats.items += 1;
        match item.details {
            ItemDetails::Quote(_) => view.stats.quotes += 1,
            ItemDetails::Photo(_) => view.stats.photos += 1,
            ItemDetails::Article(_) => view.stats.articles += 1,
        }
        if item.sha256().is_some() {
            view.stats.files += 1;
        }
        count(&mut view.tags, item.tags.iter().cloned());
        count(&mut view.people, item.people.iter().cloned().chain(item.speaker().map(str::to_string)));
        count(&mut view.places, item.place.iter().cloned());
        count(&mut view.events, item.event.iter().cloned());
    }
    view.stats.index_docs = view.stats.items;
    view.stats.tags = view.tags.len() as u64;
    view.stats.people = view.people.len() as u64;
    view.stats.places = view.places.len() as u64;
    view.stats.events = view.events.len() as u64;
    view.stats.collections = archive.collections()?.len() as u64;
    Ok(view)
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
        let known = everyone.remove(&walkout::store::name_key(&name));
        Ok(known.unwrap_or_else(|| PersonPrivacy { name: name.clone(), ..PersonPrivacy::default() }))
    })
}

#[tauri::command]
pub async fn set_person_protection(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    name: String,
    protection: PersonProtection,
) -> CommandResult<PersonPrivacy> {
    writable(&reading_room)?;
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
    reading_room: State<'_, ReadingRoom>,
    name: String,
    record: ConsentRecord,
) -> CommandResult<PersonPrivacy> {
    writable(&reading_room)?;
    state.write(|archive| {
        archive.record_consent(&name, record)?;
        archive.person_privacy(&name)
    })
}

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

/// Replaces a photo's redaction boxes (fractions of the upright image).
#[tauri::command]
pub async fn set_redactions(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    id: String,
    redactions: Vec<Redaction>,
) -> CommandResult<Item> {
    writable(&reading_room)?;
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
        let view = public_view(archive)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_view_leaves_out_what_only_a_minors_quote_holds() {
        let dir = tempfile::tempdir().unwrap();
        let mut archive = Archive::create(&dir.path().join("a")).unwrap();
        walkout::demo::populate(&mut archive).unwrap();
        let all = archive.stats().unwrap();
        let before = public_view(&archive).unwrap();
        assert_eq!(before.stats.items, all.items, "the demo record is public");
        assert!(before.people.contains_key("A Seattle student"));

        archive.set_person_protection("A Seattle student", Some(true), None, None).unwrap();
        let after = public_view(&archive).unwrap();
        assert_eq!(after.stats.items, all.items - 1);
        assert_eq!(after.stats.quotes, all.quotes - 1);
        assert_eq!(after.ids.len() as u64, after.stats.items);
        assert!(!after.people.contains_key("A Seattle student"), "{:?}", after.people);
        assert_eq!(after.stats.people, after.people.len() as u64);
    }
}
