//! Protecting the people in the archive. Many of them are minors or undocumented: a leaked name,
//! face or place can put someone in danger. This module holds the one policy that decides what
//! leaves the archive and in what form — every export, the exhibit site, citations and the
//! clipboard go through `Disclosure` — and the *effective* sensitivity the reading room and the
//! index use: an item is restricted when it shows or quotes a minor or an at-risk person, or
//! when consent for it was withheld, whatever its own sensitivity says.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::date::EdtfDate;
use crate::error::{Error, Result};
use crate::model::{Consent, Item, ItemDetails, Sensitivity};

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
    /// Their consent records, oldest first; the newest record of a scope is the one in force.
    pub consents: Vec<ConsentRecord>,
}

impl PersonPrivacy {
    /// The consent in force for a scope on `today` (expired grants count as unknown).
    pub fn consent(&self, scope: ConsentScope, today: NaiveDate) -> Consent {
        match self.consents.iter().rev().find(|c| c.scope == scope) {
            Some(c) if c.status == Consent::Granted && c.expires.is_some_and(|e| e < today) => Consent::Unknown,
            Some(c) => c.status,
            None => Consent::Unknown,
        }
    }
}

/// The people an item involves and the consent scope each involvement needs.
pub fn involved_people(item: &Item) -> Vec<(&str, ConsentScope)> {
    let mut out = Vec::new();
    match &item.details {
        ItemDetails::Quote(q) => out.extend(q.speaker.as_deref().map(|s| (s, ConsentScope::Quote))),
        ItemDetails::Photo(_) => out.extend(item.people.iter().map(|p| (p.as_str(), ConsentScope::Image))),
        ItemDetails::Article(_) => {}
    }
    if !matches!(item.details, ItemDetails::Photo(_)) {
        out.extend(item.people.iter().map(|p| (p.as_str(), ConsentScope::Name)));
    }
    out
}

/// Why an item is kept back from exports and the reading room, if it is.
pub fn restriction(
    item: &Item,
    people: &HashMap<String, PersonPrivacy>,
    today: NaiveDate,
) -> Option<(Sensitivity, String)> {
    if item.sensitivity == Sensitivity::Private {
        return Some((Sensitivity::Private, "private".to_string()));
    }
    if item.sensitivity == Sensitivity::Restricted {
        return Some((Sensitivity::Restricted, "restricted".to_string()));
    }
    if item.consent == Consent::Withheld {
        return Some((Sensitivity::Restricted, "consent withheld".to_string()));
    }
    for (name, scope) in involved_people(item) {
        let Some(person) = people.get(&crate::store::name_key(name)) else { continue };
        let shows = if scope == ConsentScope::Image { "shows" } else { "quotes" };
        if person.minor {
            return Some((Sensitivity::Restricted, format!("{shows} a minor")));
        }
        if person.at_risk {
            return Some((Sensitivity::Restricted, format!("{shows} a person at risk")));
        }
        if person.consent(scope, today) == Consent::Withheld {
            return Some((Sensitivity::Restricted, format!("{name} withheld consent ({})", scope.as_str())));
        }
    }
    None
}

/// The sensitivity the reading room and the index apply: the item's own, raised by the rules
/// about the people in it.
pub fn effective_sensitivity(item: &Item, people: &HashMap<String, PersonPrivacy>, today: NaiveDate) -> Sensitivity {
    restriction(item, people, today).map_or(Sensitivity::Public, |(s, _)| s)
}

/// One export's application of the policy: what may leave, and in what form. Pseudonyms stay
/// the same for a person across the whole export.
pub struct Disclosure<'a> {
    people: &'a HashMap<String, PersonPrivacy>,
    today: NaiveDate,
    include_restricted: bool,
    pseudonyms: HashMap<String, String>,
}

/// The policy's verdict on one item.
pub enum Verdict {
    /// It leaves, in this form.
    Include(Box<Item>),
    /// It stays, for this reason.
    Exclude(String),
}

impl<'a> Disclosure<'a> {
    /// A disclosure for one export; `include_restricted` lets restricted (never private) items out.
    pub fn new(
        people: &'a HashMap<String, PersonPrivacy>,
        today: NaiveDate,
        include_restricted: bool,
    ) -> Disclosure<'a> {
        Disclosure { people, today, include_restricted, pseudonyms: HashMap::new() }
    }

    /// Decides whether an item leaves and transforms it: names without name consent become
    /// pseudonyms, and photo locations never leave.
    pub fn decide(&mut self, item: &Item) -> Verdict {
        if let Some((sensitivity, reason)) = restriction(item, self.people, self.today)
            && (sensitivity == Sensitivity::Private || !self.include_restricted)
        {
            return Verdict::Exclude(reason);
        }
        let mut out = item.clone();
        if let ItemDetails::Photo(p) = &mut out.details {
            // GPS never leaves: the place name is the most an export says about where.
            p.gps = None;
        }
        let role = match &item.details {
            ItemDetails::Quote(q) => q.role.clone(),
            _ => None,
        };
        if let ItemDetails::Quote(q) = &mut out.details
            && let Some(speaker) = q.speaker.clone()
        {
            let shown = self.shown_name(&speaker, role.as_deref());
            if shown != speaker {
                q.speaker = Some(shown);
                q.role = None;
            }
        }
        let people: Vec<String> = out.people.iter().map(|p| self.shown_name(p, None)).collect();
        out.people = people;
        Verdict::Include(Box::new(out))
    }

    /// The name a person is shown by in this export.
    pub fn shown_name(&mut self, name: &str, role: Option<&str>) -> String {
        let key = crate::store::name_key(name);
        let person = self.people.get(&key);
        if person
            .is_some_and(|p| p.consent(ConsentScope::Name, self.today) == Consent::Granted && !p.minor && !p.at_risk)
        {
            return name.to_string();
        }
        if let Some(known) = self.pseudonyms.get(&key) {
            return known.clone();
        }
        let base = person
            .and_then(|p| p.pseudonym.clone())
            .or_else(|| role.map(described_by_role))
            .unwrap_or_else(|| "an unnamed person".to_string());
        let taken = self.pseudonyms.values().filter(|v| *v == &base || v.starts_with(&format!("{base} ("))).count();
        let pseudonym = if taken == 0 { base } else { format!("{base} ({})", taken + 1) };
        self.pseudonyms.insert(key, pseudonym.clone());
        pseudonym
    }
}

/// "student, Seattle" → "a student, Seattle"; "undocumented worker" → "an undocumented worker";
/// plural or already determined roles ("students at …", "the marchers") stay as they are.
fn described_by_role(role: &str) -> String {
    let role = role.trim();
    let first = role.split([' ', ',']).next().unwrap_or("").to_lowercase();
    let determined = ["a", "an", "the", "some", "two", "three", "several", "many"].contains(&first.as_str());
    let plural = first.len() > 3 && first.ends_with('s') && !first.ends_with("ss");
    if determined || plural {
        return role.to_string();
    }
    let article = if first.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {role}")
}

#[cfg(test)]
mod tests {
    use super::described_by_role;

    #[test]
    fn roles_read_as_descriptions_of_someone() {
        assert_eq!(described_by_role("student, Seattle"), "a student, Seattle");
        assert_eq!(described_by_role("undocumented worker"), "an undocumented worker");
        assert_eq!(described_by_role("students, University of Minnesota"), "students, University of Minnesota");
        assert_eq!(described_by_role("a student at Meadowcreek High School"), "a student at Meadowcreek High School");
        assert_eq!(described_by_role("class president"), "a class president");
    }
}
