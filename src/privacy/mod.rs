//! Protecting the people in the archive. Many of them are minors or undocumented: a leaked name,
//! face or place can put someone in danger. This module holds the one policy that decides what
//! leaves the archive and in what form — every export, the exhibit site, citations and the
//! clipboard go through `Disclosure` — and the *effective* sensitivity the reading room and the
//! index use: an item is restricted when it shows or quotes a minor or an at-risk person, or
//! when consent for it was withheld, whatever its own sensitivity says.

mod disclosure;
mod names;

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::date::EdtfDate;
use crate::error::{Error, Result};
use crate::model::{Consent, Item, ItemDetails, Sensitivity};

pub use disclosure::{Disclosure, Purpose, Verdict};
pub use names::{NameFinder, person_key};

/// What a consent record covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ConsentScope {
    /// Publishing their words.
    Quote,
    /// Publishing their name.
    Name,
    /// Publishing images of them.
    Image,
    /// Publishing where they were.
    Location,
}

impl ConsentScope {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentScope::Quote => "quote",
            ConsentScope::Name => "name",
            ConsentScope::Image => "image",
            ConsentScope::Location => "location",
        }
    }

    /// Parses the lowercase name.
    pub fn parse(s: &str) -> Result<ConsentScope> {
        Ok(match s.trim().to_lowercase().as_str() {
            "quote" => ConsentScope::Quote,
            "name" => ConsentScope::Name,
            "image" => ConsentScope::Image,
            "location" => ConsentScope::Location,
            _ => return Err(Error::invalid("scope", format!("{s:?} is not one of quote, name, image, location"))),
        })
    }
}

/// One consent given, refused or revoked by a person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConsentRecord {
    /// What it covers.
    pub scope: ConsentScope,
    /// Granted, withheld or unknown.
    pub status: Consent,
    /// When it was given (EDTF).
    pub date: Option<EdtfDate>,
    /// How it was given, by whom recorded.
    pub note: Option<String>,
    /// The last day it holds.
    pub expires: Option<NaiveDate>,
}

/// What the archive knows about a person's protection.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PersonPrivacy {
    /// The person's name.
    pub name: String,
    /// Under 18.
    pub minor: bool,
    /// At risk (e.g. undocumented, or threatened).
    pub at_risk: bool,
    /// How exports name them when they have not consented to their name ("a student at …").
    pub pseudonym: Option<String>,
    /// Their consent records, oldest first; the newest record of a scope is in force.
    pub consents: Vec<ConsentRecord>,
    /// The same person recorded under another spelling ("Maria Lopez" beside "María López"):
    /// their flags count for both, and the stricter consent of the two is in force.
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub aliases: Vec<PersonPrivacy>,
}

impl PersonPrivacy {
    /// The consent in force for a scope on `today` (expired grants count as unknown); under
    /// two spellings, the stricter of the two.
    pub fn consent(&self, scope: ConsentScope, today: NaiveDate) -> Consent {
        let own = match self.consents.iter().rev().find(|c| c.scope == scope) {
            Some(c) if c.status == Consent::Granted && c.expires.is_some_and(|e| e < today) => Consent::Unknown,
            Some(c) => c.status,
            None => Consent::Unknown,
        };
        self.aliases.iter().map(|a| a.consent(scope, today)).fold(own, stricter)
    }

    /// Takes another spelling's record in: its flags, its pseudonym when this has none, its
    /// consents (as an alias, so that neither spelling's newest record hides the other's).
    pub fn absorb(&mut self, other: PersonPrivacy) {
        self.minor |= other.minor;
        self.at_risk |= other.at_risk;
        if self.pseudonym.is_none() {
            self.pseudonym.clone_from(&other.pseudonym);
        }
        self.aliases.push(other);
    }

    /// Whether exports may print their name: they granted it, and they are neither a minor nor
    /// at risk.
    pub fn may_be_named(&self, today: NaiveDate) -> bool {
        !self.minor && !self.at_risk && self.consent(ConsentScope::Name, today) == Consent::Granted
    }
}

fn stricter(a: Consent, b: Consent) -> Consent {
    let rank = |c: Consent| match c {
        Consent::Granted => 0,
        Consent::Unknown => 1,
        Consent::Withheld => 2,
    };
    if rank(b) > rank(a) { b } else { a }
}

/// Everyone's protection the policy has looked up, keyed by `person_key` (case, spacing and
/// accents folded), so that two spellings of one name are one person.
pub type People = HashMap<String, PersonPrivacy>;

/// Adds a person's record to `people`, merged with another spelling of the same name.
pub fn add_person(people: &mut People, person: PersonPrivacy) {
    match people.entry(person_key(&person.name)) {
        std::collections::hash_map::Entry::Occupied(mut known) => known.get_mut().absorb(person),
        std::collections::hash_map::Entry::Vacant(slot) => {
            slot.insert(person);
        }
    }
}

/// How a person is part of an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Involvement {
    /// A quote's speaker.
    Speaker,
    /// Someone a photo shows.
    Shown,
    /// An article's author.
    Author,
    /// Someone a quote or an article names.
    Named,
    /// The person a credit line names (a photographer).
    Credited,
}

impl Involvement {
    /// The consent this involvement needs of them.
    pub fn scope(self) -> ConsentScope {
        match self {
            Involvement::Speaker => ConsentScope::Quote,
            Involvement::Shown => ConsentScope::Image,
            Involvement::Author | Involvement::Named | Involvement::Credited => ConsentScope::Name,
        }
    }

    /// How a reason says what the item does with the person, naming nobody.
    fn verb(self) -> &'static str {
        match self {
            Involvement::Speaker => "quotes",
            Involvement::Shown => "shows",
            Involvement::Author => "is written by",
            Involvement::Named => "names",
            Involvement::Credited => "is credited to",
        }
    }

    /// What a pseudonym says of someone the archive gave none.
    fn unnamed(self) -> &'static str {
        match self {
            Involvement::Speaker => "an unnamed speaker",
            Involvement::Author => "an unnamed author",
            Involvement::Credited => "an unnamed photographer",
            Involvement::Shown | Involvement::Named => "an unnamed person",
        }
    }
}

/// The people an item involves and how: its speaker, the people a photo shows, an article's
/// authors, the people it names, and the person its credit line names (when the credit is a
/// person's name the archive knows; an outlet's credit matches nobody).
pub fn involvements(item: &Item) -> Vec<(&str, Involvement)> {
    let mut out = Vec::new();
    match &item.details {
        ItemDetails::Quote(q) => out.extend(q.speaker.as_deref().map(|s| (s, Involvement::Speaker))),
        ItemDetails::Photo(_) => out.extend(item.people.iter().map(|p| (p.as_str(), Involvement::Shown))),
        ItemDetails::Article(a) => out.extend(a.authors.iter().map(|p| (p.as_str(), Involvement::Author))),
    }
    if !matches!(item.details, ItemDetails::Photo(_)) {
        out.extend(item.people.iter().map(|p| (p.as_str(), Involvement::Named)));
    }
    out.extend(item.credit.as_deref().map(|c| (c, Involvement::Credited)));
    // A template field that holds a person's name (an interviewer, a person shown) names them:
    // a value that is no known person's name (a choice, a date) matches nobody.
    out.extend(item.custom.values().map(|v| (v.trim(), Involvement::Named)).filter(|(v, _)| !v.is_empty()));
    out
}

/// The people an item involves and the consent scope each involvement needs (its credit line
/// aside: most credits name an outlet, and the policy checks a credit only against the people
/// it knows).
pub fn involved_people(item: &Item) -> Vec<(&str, ConsentScope)> {
    involvements(item)
        .into_iter()
        .filter(|(_, how)| *how != Involvement::Credited)
        .map(|(name, how)| (name, how.scope()))
        .collect()
}

/// Why an item is kept back from exports and the reading room, if it is, by its own
/// sensitivity and the people in it (a quote's source counts too: see `inherited`). The reason
/// names nobody: it reaches reports and bags outside the archive.
pub fn restriction(item: &Item, people: &People, today: NaiveDate) -> Option<(Sensitivity, String)> {
    if item.sensitivity == Sensitivity::Private {
        return Some((Sensitivity::Private, "private".to_string()));
    }
    if item.sensitivity == Sensitivity::Restricted {
        return Some((Sensitivity::Restricted, "restricted".to_string()));
    }
    if item.consent == Consent::Withheld {
        return Some((Sensitivity::Restricted, "consent withheld".to_string()));
    }
    for (name, how) in involvements(item) {
        let Some(person) = people.get(&person_key(name)) else { continue };
        if person.minor {
            return Some((Sensitivity::Restricted, format!("{} a minor", how.verb())));
        }
        if person.at_risk {
            return Some((Sensitivity::Restricted, format!("{} a person at risk", how.verb())));
        }
        if person.consent(how.scope(), today) == Consent::Withheld {
            return Some((Sensitivity::Restricted, format!("a person withheld consent ({})", how.scope().as_str())));
        }
    }
    None
}

/// What a quote inherits from the item it was taken from: at least the source's restriction
/// (a private source makes it private), and a photo with redacted areas restricts what was
/// read off it, since the words may come from under a box.
pub fn inherited(source: &Item, source_restriction: Option<&(Sensitivity, String)>) -> Option<(Sensitivity, String)> {
    if let Some((sensitivity, _)) = source_restriction {
        return Some((*sensitivity, "taken from a restricted source".to_string()));
    }
    if matches!(source.details, ItemDetails::Photo(_)) && !source.redactions.is_empty() {
        return Some((Sensitivity::Restricted, "taken from a redacted photo".to_string()));
    }
    None
}

/// The stricter of two restrictions.
pub fn strictest(a: Option<(Sensitivity, String)>, b: Option<(Sensitivity, String)>) -> Option<(Sensitivity, String)> {
    let rank = |s: &Option<(Sensitivity, String)>| s.as_ref().map_or(0, |(s, _)| s.rank());
    if rank(&b) > rank(&a) { b } else { a }
}

/// Whether a person in the item withheld consent to where they were: its place and
/// coordinates stay in.
pub fn location_withheld(item: &Item, people: &People, today: NaiveDate) -> bool {
    involvements(item).into_iter().any(|(name, _)| {
        people.get(&person_key(name)).is_some_and(|p| p.consent(ConsentScope::Location, today) == Consent::Withheld)
    })
}

/// The sensitivity the reading room and the index apply: the item's own, raised by the rules
/// about the people in it (its source's restriction is added by the caller that reads it).
pub fn effective_sensitivity(item: &Item, people: &People, today: NaiveDate) -> Sensitivity {
    restriction(item, people, today).map_or(Sensitivity::Public, |(s, _)| s)
}

/// The policy as the index and lists apply it to items read from the database: each person
/// looked up once, and a quote's source read once, so that what a quote was taken from
/// restricts it at every read.
pub(crate) struct StoredPolicy<'c> {
    conn: &'c rusqlite::Connection,
    people: People,
    looked_up: std::collections::HashSet<String>,
    everyone: bool,
    today: NaiveDate,
    sources: HashMap<crate::model::Id, Option<(Sensitivity, String)>>,
    /// The records that protect someone, read once on first need: a pass over every person,
    /// which per item made an import's index catch-up quadratic in speakers.
    protecting: Option<crate::store::Protecting>,
}

impl<'c> StoredPolicy<'c> {
    /// Looks people up as items need them.
    pub(crate) fn lazy(conn: &'c rusqlite::Connection, today: NaiveDate) -> StoredPolicy<'c> {
        StoredPolicy {
            conn,
            people: People::new(),
            looked_up: Default::default(),
            everyone: false,
            today,
            sources: HashMap::new(),
            protecting: None,
        }
    }

    /// Reads everyone at once (a rebuild of the index).
    pub(crate) fn everyone(conn: &'c rusqlite::Connection, today: NaiveDate) -> Result<StoredPolicy<'c>> {
        let mut policy = StoredPolicy::lazy(conn, today);
        policy.people = crate::store::privacy_of_everyone(conn)?;
        policy.everyone = true;
        Ok(policy)
    }

    fn look_up(&mut self, item: &Item) -> Result<()> {
        self.prefetch(std::iter::once(item))
    }

    /// Looks up the people of many items at once (a page of hits).
    pub(crate) fn prefetch<'i>(&mut self, items: impl IntoIterator<Item = &'i Item>) -> Result<()> {
        if self.everyone {
            return Ok(());
        }
        let items: Vec<&Item> = items.into_iter().collect();
        let names: Vec<&str> = items
            .iter()
            .flat_map(|item| involvements(item))
            .map(|(name, _)| name)
            .filter(|name| self.looked_up.insert(crate::store::name_key(name)))
            .collect();
        if names.is_empty() {
            return Ok(());
        }
        let protecting = match &mut self.protecting {
            Some(p) => p,
            None => self.protecting.insert(crate::store::protecting_people(self.conn)?),
        };
        for (key, person) in crate::store::privacy_of_with(self.conn, names, protecting)? {
            self.people.entry(key).or_insert(person);
        }
        Ok(())
    }

    /// Why an item is kept back, its source included.
    pub(crate) fn restriction(&mut self, item: &Item) -> Result<Option<(Sensitivity, String)>> {
        self.look_up(item)?;
        let own = restriction(item, &self.people, self.today);
        let source = match &item.details {
            ItemDetails::Quote(q) => q.source_item.filter(|s| *s != item.id),
            _ => None,
        };
        let Some(source) = source else { return Ok(own) };
        if !self.sources.contains_key(&source) {
            let inherits = match crate::store::get_item(self.conn, source)? {
                Some(source) => {
                    self.look_up(&source)?;
                    inherited(&source, restriction(&source, &self.people, self.today).as_ref())
                }
                None => None,
            };
            self.sources.insert(source, inherits);
        }
        Ok(strictest(own, self.sources[&source].clone()))
    }

    /// The sensitivity the index records and lists flag.
    pub(crate) fn effective(&mut self, item: &Item) -> Result<Sensitivity> {
        Ok(self.restriction(item)?.map_or(Sensitivity::Public, |(s, _)| s))
    }
}
