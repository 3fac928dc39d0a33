//! The reading room: a mode for a shared school or library computer in which restricted and
//! private items vanish from lists, hits, facet counts and snippets, and what remains is shown
//! as a public export shows it (`privacy::Disclosure`): the room's rules are the policy's, here
//! in the engine, so that the CLI's tests cover them and the app's shell only forwards. The UI turns it on freely;
//! turning it off needs the archive's PIN, stored only as an Argon2id hash. Whether it is on is
//! kept in the archive, so that quitting and starting the app again does not leave it.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};

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
        let withheld = self.withheld_places(&disclosure)?;
        // A withheld place asked for by name matches nothing: the room does not tell which
        // public items were there.
        if request.place.as_deref().is_some_and(|p| withheld.contains(&store::name_key(p))) {
            return Ok(SearchResults { total: 0, hits: Vec::new(), facets: Default::default(), corrected: Vec::new() });
        }
        let mut results = self.search_disclosed(&request, Some(&mut disclosure))?;
        if let Some(speakers) = results.facets.get_mut("speaker") {
            speakers.retain(|name, _| disclosure.may_be_named(name));
        }
        if let Some(places) = results.facets.get_mut("place") {
            places.retain(|name, _| !withheld.contains(&store::name_key(name)));
        }
        Ok(results)
    }

    /// The ids of every item a search in the reading room matches.
    pub fn room_search_ids(&self, request: &SearchRequest) -> Result<Vec<Id>> {
        if let Some(place) = &request.place
            && self.withheld_places(&self.room_disclosure()?)?.contains(&store::name_key(place))
        {
            return Ok(Vec::new());
        }
        self.search_ids(&SearchRequest { max_sensitivity: Some(Sensitivity::Public), ..request.clone() })
    }

    /// The places of items whose people withheld their location (by name key): the room names
    /// none of them, even where other items use them too.
    pub(crate) fn withheld_places(&self, disclosure: &Disclosure<'_>) -> Result<HashSet<String>> {
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

// Throttling wrong PINs. A visitor at a shared computer has all the time in the world to guess
// a four-digit PIN; after a few free tries each further one waits longer. The count is kept in
// the archive, so neither a reload of the window nor a restart of the app resets it (the
// window's barrier, `window::room`, also keeps it in memory for an archive it cannot write to).

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

    /// The longer of two records of the same tries (the archive's and the window's memory).
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
