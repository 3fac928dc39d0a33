//! The reading room: a mode for a shared school or library computer in which restricted and
//! private items vanish from lists, hits, facet counts and snippets, and what remains is shown
//! as a public export shows it (`privacy::Disclosure`): the room's rules are the policy's, here
//! in the engine, so that the CLI's tests cover them and the app's shell only forwards. The UI turns it on freely;
//! turning it off needs the archive's PIN, stored only as an Argon2id hash. Whether it is on is
//! kept in the archive, so that quitting and starting the app again does not leave it.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use std::collections::{BTreeMap, HashSet};

use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::model::{Collection, Event, Id, Item, ItemDetails, Person, Place, Sensitivity, Stats, TagCount};
use crate::privacy::{ConsentScope, Disclosure, Involvement, Purpose, Verdict};
use crate::search::{SearchRequest, SearchResults};
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

/// What the public items of an archive add up to, as the reading room may show them: the
/// counts and names of the disclosed items, none raised by an item it hides, and no person
/// named who may not be.
#[derive(Clone, Debug, Default)]
pub struct PublicView {
    /// The sidebar's counts.
    pub stats: Stats,
    /// The public items.
    pub ids: HashSet<Id>,
    /// Tags, with how many public items carry each.
    pub tags: BTreeMap<String, u64>,
    /// People who may be named, with how many public items involve each.
    pub people: BTreeMap<String, u64>,
    /// Places public items show (where nobody withheld their location), with their counts.
    pub places: BTreeMap<String, u64>,
    /// Events, with their counts.
    pub events: BTreeMap<String, u64>,
}

impl PublicView {
    /// A count by name, as the archive compares names (case and spacing aside).
    pub fn count(names: &BTreeMap<String, u64>, name: &str) -> Option<u64> {
        let key = store::name_key(name);
        let found: u64 = names.iter().filter(|(n, _)| store::name_key(n) == key).map(|(_, c)| c).sum();
        (found > 0).then_some(found)
    }
}

impl Archive {
    /// The disclosure the reading room applies: what a public export would show.
    pub fn room_disclosure(&self) -> Result<Disclosure<'_>> {
        Disclosure::new(self, false, Purpose::Public)
    }

    /// An item as the reading room may show it (no GPS, camera, exact time, file name or
    /// unpublished notes; names by pseudonym where an export would), or `ItemNotFound` when
    /// the room hides it.
    pub fn room_item(&self, id: Id) -> Result<Item> {
        let item = self.get(id)?;
        match self.room_disclosure()?.decide(&item)? {
            Verdict::Include(item) => Ok(*item),
            Verdict::Exclude(_) => Err(Error::ItemNotFound { id: id.to_string() }),
        }
    }

    /// A search as the reading room may answer it: public items only, hits built from the
    /// disclosed items, and facets that name no one who may not be named and no place
    /// someone withheld.
    pub fn room_search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let request = SearchRequest { max_sensitivity: Some(Sensitivity::Public), ..request.clone() };
        let mut disclosure = self.room_disclosure()?;
        let mut results = self.search_disclosed(&request, Some(&mut disclosure))?;
        if let Some(speakers) = results.facets.get_mut("speaker") {
            speakers.retain(|name, _| disclosure.may_be_named(name));
        }
        let withheld = self.withheld_places(&disclosure)?;
        if let Some(places) = results.facets.get_mut("place") {
            places.retain(|name, _| !withheld.contains(&store::name_key(name)));
        }
        Ok(results)
    }

    /// The ids of every item a search in the reading room matches.
    pub fn room_search_ids(&self, request: &SearchRequest) -> Result<Vec<Id>> {
        self.search_ids(&SearchRequest { max_sensitivity: Some(Sensitivity::Public), ..request.clone() })
    }

    /// The places of items whose people withheld their location (by name key): the room names
    /// none of them, even where other items use them too.
    fn withheld_places(&self, disclosure: &Disclosure<'_>) -> Result<HashSet<String>> {
        let today = self.now().date_naive();
        let mut places = HashSet::new();
        for person in disclosure.people().values() {
            if person.consent(ConsentScope::Location, today) != crate::model::Consent::Withheld {
                continue;
            }
            let mut names = vec![person.name.clone()];
            names.extend(person.aliases.iter().map(|a| a.name.clone()));
            for name in names {
                for id in store::items_of_person(self.store.conn(), &name)? {
                    if let Some(item) = store::get_item(self.store.conn(), id)? {
                        places.extend(item.place.as_deref().map(store::name_key));
                    }
                }
            }
        }
        Ok(places)
    }

    /// Reads every item once and adds up what the reading room may show.
    pub fn room_view(&self) -> Result<PublicView> {
        let mut disclosure = self.room_disclosure()?;
        let mut view = PublicView::default();
        fn count(map: &mut BTreeMap<String, u64>, names: impl IntoIterator<Item = String>) {
            let mut names: Vec<String> = names.into_iter().collect();
            names.sort();
            names.dedup();
            for name in names {
                *map.entry(name).or_default() += 1;
            }
        }
        for item in self.all_items()? {
            let Verdict::Include(shown) = disclosure.decide(&item)? else { continue };
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
            count(&mut view.tags, shown.tags.iter().cloned());
            let people = crate::privacy::involvements(&item)
                .into_iter()
                .filter(|(name, how)| *how != Involvement::Credited && disclosure.may_be_named(name))
                .map(|(name, _)| name.to_string());
            count(&mut view.people, people);
            count(&mut view.places, shown.place.iter().cloned());
            count(&mut view.events, shown.event.iter().cloned());
        }
        view.stats.index_docs = view.stats.items;
        view.stats.tags = view.tags.len() as u64;
        view.stats.people = view.people.len() as u64;
        view.stats.places = view.places.len() as u64;
        view.stats.events = view.events.len() as u64;
        view.stats.collections = self.collections()?.len() as u64;
        Ok(view)
    }

    /// The people the reading room may name, each with the count of public items involving them.
    pub fn room_people(&self) -> Result<Vec<Person>> {
        let view = self.room_view()?;
        Ok(self
            .people()?
            .into_iter()
            .filter_map(|p| {
                let items = PublicView::count(&view.people, &p.name)?;
                Some(Person { items, description: None, ..p })
            })
            .collect())
    }

    /// The places public items show, with their counts.
    pub fn room_places(&self) -> Result<Vec<Place>> {
        let view = self.room_view()?;
        Ok(self
            .places()?
            .into_iter()
            .filter_map(|p| Some(Place { items: PublicView::count(&view.places, &p.name)?, ..p }))
            .collect())
    }

    /// The events public items belong to, with their counts.
    pub fn room_events(&self) -> Result<Vec<Event>> {
        let view = self.room_view()?;
        let mut names = self.room_disclosure()?;
        Ok(self
            .events()?
            .into_iter()
            .filter_map(|e| {
                let items = PublicView::count(&view.events, &e.name)?;
                Some(Event { items, description: e.description.as_deref().map(|d| names.scrub(d)), ..e })
            })
            .collect())
    }

    /// The tags public items carry, with their counts.
    pub fn room_tags(&self) -> Result<Vec<TagCount>> {
        Ok(self.room_view()?.tags.into_iter().map(|(name, items)| TagCount { name, items }).collect())
    }

    /// The collections, each listing only its public items.
    pub fn room_collections(&self) -> Result<Vec<Collection>> {
        let public = self.room_view()?.ids;
        let mut names = self.room_disclosure()?;
        let mut collections = self.collections()?;
        for collection in &mut collections {
            collection.items.retain(|id| public.contains(id));
            collection.description = collection.description.as_deref().map(|d| names.scrub(d));
        }
        Ok(collections)
    }
}
