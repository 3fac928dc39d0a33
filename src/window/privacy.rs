//! What a window shows of people and protection: a person's flags and consents, why an item
//! is kept back, the item and photo as the reading room may show them, and the photo as an
//! export would write it.

use serde::{Deserialize, Serialize};

use crate::files::clean_image;
use crate::files::thumbs::ThumbSize;
use crate::privacy::{self, ConsentScope, PersonPrivacy};
use crate::{Archive, Consent, Error, Item, ItemDetails, Redaction, Result, Sensitivity};

/// A person's flags and pseudonym, set together.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PersonProtection {
    /// Under 18.
    pub minor: bool,
    /// At risk (undocumented, threatened).
    pub at_risk: bool,
    /// The name exports use when they may not use theirs.
    pub pseudonym: Option<String>,
}

/// A person in an item, and what they allow for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ItemPrivacy {
    /// The sensitivity the reading room and exports apply: its own, raised by its people.
    pub effective: Sensitivity,
    /// The engine's reason ("quotes a minor", "consent withheld"), if it is kept back.
    pub reason: Option<String>,
    /// The people it shows or quotes.
    pub people: Vec<PersonInItem>,
}

/// One row of Browse (a tag, person, place or event) and how many items use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BrowseEntry {
    /// The name.
    pub name: String,
    /// How many public items use it.
    pub items: u64,
}

impl Archive {
    /// The item as a window may show it: in the reading room (`room`), as a public export
    /// shows it (`room_item`), or not at all.
    pub fn item_shown(&self, room: bool, item: Item) -> Result<Item> {
        if room {
            return self.room_item(item.id);
        }
        Ok(item)
    }

    /// The effective sensitivity of an item, why, and the people it involves.
    pub fn item_privacy(&self, item: &Item) -> Result<ItemPrivacy> {
        let everyone = self.everyones_privacy()?;
        let today = self.now().date_naive();
        // Its people, and the item it was taken from (the disclosure reads it).
        let restriction = privacy::Disclosure::new(self, true, privacy::Purpose::Public)?.restriction(item)?;
        let (effective, reason) = match restriction {
            Some((sensitivity, reason)) => (sensitivity, Some(reason)),
            None => (Sensitivity::Public, None),
        };
        let people = privacy::involved_people(item)
            .into_iter()
            .map(|(name, scope)| {
                let person = everyone.get(&privacy::person_key(name));
                PersonInItem {
                    name: name.to_string(),
                    scope,
                    consent: person.map_or(Consent::Unknown, |p| p.consent(scope, today)),
                    minor: person.is_some_and(|p| p.minor),
                    at_risk: person.is_some_and(|p| p.at_risk),
                }
            })
            .collect();
        Ok(ItemPrivacy { effective, reason, people })
    }

    /// A person's flags and consents; someone named only on items has no record yet, and so
    /// no flags and no consents.
    pub fn person_privacy_or_none(&self, name: &str) -> Result<PersonPrivacy> {
        let mut everyone = self.everyones_privacy()?;
        let known = everyone.remove(&privacy::person_key(name));
        Ok(known.unwrap_or_else(|| PersonPrivacy { name: name.to_string(), ..PersonPrivacy::default() }))
    }

    /// Sets a person's flags and pseudonym together (a blank pseudonym clears it).
    pub fn protect_person(&mut self, name: &str, protection: &PersonProtection) -> Result<PersonPrivacy> {
        let pseudonym = protection.pseudonym.as_deref().map(str::trim).filter(|p| !p.is_empty());
        self.set_person_protection(name, Some(protection.minor), Some(protection.at_risk), Some(pseudonym))?;
        self.person_privacy(name)
    }

    /// Replaces a photo's redaction boxes (fractions of the upright image).
    pub fn set_redactions(&mut self, id: &str, redactions: Vec<Redaction>) -> Result<Item> {
        let mut item = self.get(self.resolve_id(id)?)?;
        item.redactions = redactions.into_iter().map(Redaction::checked).collect::<Result<_>>()?;
        self.update_item(item)
    }

    /// A photo item with a file, and its hash.
    pub fn photo_with_file(&self, id: &str) -> Result<(Item, String)> {
        let item = self.get(self.resolve_id(id)?)?;
        let sha = item.sha256().map(str::to_string);
        match (&item.details, sha) {
            (ItemDetails::Photo(_), Some(sha)) => Ok((item, sha)),
            _ => Err(Error::invalid("id", "this item is not a photo with a file")),
        }
    }

    /// A thumbnail of a photo item; with `burned_in` (the reading room), a photo with
    /// redaction boxes is rendered with them burned in, as exports show it.
    pub fn public_jpeg(&self, burned_in: bool, item: &Item, sha: &str, size: ThumbSize) -> Result<Vec<u8>> {
        if !burned_in || item.redactions.is_empty() {
            return self.thumbnail_jpeg(sha, size);
        }
        let bytes = self.files().read(sha)?;
        let pixels = clean_image::clean_pixels(&bytes, orientation(item), &item.redactions)?;
        Ok(clean_image::scaled(&pixels, size.longest_side())?.bytes)
    }

    /// The upright preview of photo `id` (JPEG bytes); in the reading room (`room`) as exports
    /// show it, its boxes burned in.
    pub fn photo_preview(&self, room: bool, id: &str) -> Result<Vec<u8>> {
        let (item, sha) = self.photo_with_file(id)?;
        let item = self.item_shown(room, item)?;
        self.public_jpeg(room, &item, &sha, ThumbSize::Preview)
    }

    /// Photo `id` as an export writes it: upright, its boxes burned in, no metadata.
    pub fn photo_as_exported(&self, room: bool, id: &str) -> Result<Vec<u8>> {
        let (item, sha) = self.photo_with_file(id)?;
        let item = self.item_shown(room, item)?;
        let bytes = self.files().read(&sha)?;
        Ok(clean_image::publishable(&bytes, orientation(&item), &item.redactions)?.bytes)
    }

    /// The tags, people, places or events (`what`) that public items use, with their counts:
    /// Browse in the reading room, which must not name what only restricted items mention.
    pub fn browse_public(&self, what: &str) -> Result<Vec<BrowseEntry>> {
        let view = self.room_view()?;
        let names = match what {
            "tags" => view.tags,
            "people" => view.people,
            "places" => view.places,
            "events" => view.events,
            _ => return Err(Error::invalid("what", "one of tags, people, places, events")),
        };
        Ok(names.into_iter().map(|(name, items)| BrowseEntry { name, items }).collect())
    }
}

fn orientation(item: &Item) -> Option<u16> {
    match &item.details {
        ItemDetails::Photo(p) => p.orientation,
        _ => None,
    }
}
