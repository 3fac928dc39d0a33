//! Exported items as bibliographic references: who made it, what it is called, when, where it
//! was published. CSL-JSON, RIS and the formatted citations are all written from these, so the
//! three always agree. A quote taken from an article cites that article ("quoted in") when the
//! article may leave the archive too.

use crate::archive::Archive;
use crate::date::EdtfDate;
use crate::error::Result;
use crate::model::{Id, Item, ItemDetails, ItemKind};

/// A name as citation styles need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Name {
    /// A person's name, split for "Family, Given" styles.
    Person {
        /// Family name.
        family: String,
        /// Given names.
        given: String,
    },
    /// A group, a description or a pseudonym, shown as written ("Students at the University of
    /// Minnesota", "a student, Seattle").
    Literal(String),
}

impl Name {
    /// Reads a name: two to four capitalized words ("María López") are a person, family name
    /// last; anything else (lowercase words, commas, digits) is shown as written.
    pub fn parse(name: &str) -> Name {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        let words: Vec<&str> = name.split(' ').collect();
        let capitalized = |w: &&str| w.chars().next().is_some_and(char::is_uppercase);
        let personal = (2..=4).contains(&words.len())
            && words.iter().all(capitalized)
            && !matches!(words[0], "A" | "An" | "The")
            && !name.contains(|c: char| c.is_ascii_digit() || c == ',');
        match words.split_last() {
            Some((family, given)) if personal => Name::Person { family: (*family).to_string(), given: given.join(" ") },
            _ => Name::Literal(name),
        }
    }

    /// The name as written in running text ("María López").
    pub fn display(&self) -> String {
        match self {
            Name::Person { family, given } => format!("{given} {family}"),
            Name::Literal(name) => name.clone(),
        }
    }
}

/// One exported item as a reference.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    /// The item.
    pub id: Id,
    /// Quote, photo or article.
    pub kind: ItemKind,
    /// The headline, caption or the quote's opening words.
    pub title: String,
    /// A quote's full words.
    pub text: Option<String>,
    /// Speaker, authors or photographer.
    pub creators: Vec<Name>,
    /// When (EDTF).
    pub date: Option<EdtfDate>,
    /// The outlet that published an article.
    pub outlet: Option<String>,
    /// Where to read it.
    pub url: Option<String>,
    /// The article a quote was taken from, when it may leave too.
    pub quoted_in: Option<Box<Reference>>,
    /// Where it happened.
    pub place: Option<String>,
    /// The event it belongs to.
    pub event: Option<String>,
    /// BCP 47 language.
    pub language: Option<String>,
    /// Tags, as keywords.
    pub keywords: Vec<String>,
    /// The archivist's description, or a quote's context.
    pub note: Option<String>,
    /// Rights statement.
    pub rights: Option<String>,
}

/// The references of items that passed `select`. `include_restricted` is the export's own
/// choice, applied again to the articles quotes were taken from.
pub fn references(archive: &Archive, items: &[Item], include_restricted: bool) -> Result<Vec<Reference>> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let mut reference = reference(item);
        if let ItemDetails::Quote(q) = &item.details
            && let Some(source) = q.source_item
        {
            let exported = items.iter().find(|i| i.id == source).cloned();
            let article = match exported {
                Some(article) => Some(article),
                None => match archive.get(source) {
                    Ok(article) => super::disclosed(archive, &article, include_restricted)?,
                    Err(_) => None,
                },
            };
            reference.quoted_in =
                article.filter(|a| a.kind() == ItemKind::Article).map(|a| Box::new(self::reference(&a)));
        }
        out.push(reference);
    }
    Ok(out)
}

/// One item's reference, without the article it was quoted in.
pub fn reference(item: &Item) -> Reference {
    let names = |list: &[String]| list.iter().map(|n| Name::parse(n)).collect::<Vec<_>>();
    let (title, text, creators, outlet, url, note) = match &item.details {
        ItemDetails::Quote(q) => (
            item.title.clone(),
            Some(q.text.clone()),
            names(q.speaker.as_slice()),
            None,
            None,
            q.context.clone().or_else(|| item.description.clone()),
        ),
        ItemDetails::Photo(p) => (
            p.caption
                .clone()
                .map_or_else(|| item.title.clone(), |c| c.split_whitespace().collect::<Vec<_>>().join(" ")),
            None,
            names(item.credit.as_slice()),
            None,
            None,
            item.description.clone(),
        ),
        ItemDetails::Article(a) => {
            (a.headline.clone(), None, names(&a.authors), a.outlet.clone(), a.url.clone(), item.description.clone())
        }
    };
    Reference {
        id: item.id,
        kind: item.kind(),
        title,
        text,
        creators,
        date: item.date.clone(),
        outlet,
        url,
        quoted_in: None,
        place: item.place.clone(),
        event: item.event.clone(),
        language: item.language.clone(),
        keywords: item.tags.clone(),
        note,
        rights: item.rights.clone(),
    }
}

/// A date as year, month and day numbers: the start (and end, for an interval or unspecified
/// digits), with whether it is approximate or uncertain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateParts {
    /// Year, then month and day when known.
    pub start: Vec<i32>,
    /// The end of an interval.
    pub end: Option<Vec<i32>>,
    /// Approximate (`~`, `%`) or uncertain (`?`).
    pub circa: bool,
}

/// The numbers of an EDTF date. None for an open start (`../2026`).
pub fn date_parts(date: &EdtfDate) -> Option<DateParts> {
    let literal = date.as_str();
    let circa = literal.contains(['?', '~', '%']);
    let side = |text: &str| -> Option<Vec<i32>> {
        let text = text.trim_end_matches(['?', '~', '%']);
        let mut parts = Vec::new();
        for field in text.split('-') {
            match field.parse::<i32>() {
                Ok(n) if !field.contains('X') => parts.push(n),
                _ => break,
            }
        }
        (!parts.is_empty()).then_some(parts)
    };
    let (from, to) = match literal.split_once('/') {
        Some((from, to)) => (side(from)?, if to == ".." { None } else { side(to) }),
        None => match side(literal) {
            Some(parts) => (parts, None),
            // Unspecified year digits (202X): the years they span.
            None => {
                let (first, last) = date.range();
                let year = |d: chrono::NaiveDate| chrono::Datelike::year(&d);
                (vec![year(first)], Some(vec![year(last)]))
            }
        },
    };
    Some(DateParts { start: from, end: to, circa })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_only_when_they_look_personal() {
        let person = |f: &str, g: &str| Name::Person { family: f.into(), given: g.into() };
        assert_eq!(Name::parse("María López"), person("López", "María"));
        assert_eq!(Name::parse(" Dana  Reporter "), person("Reporter", "Dana"));
        assert_eq!(Name::parse("A Seattle student"), Name::Literal("A Seattle student".into()));
        assert_eq!(Name::parse("a student, City High"), Name::Literal("a student, City High".into()));
        assert_eq!(Name::parse("Students at the University"), Name::Literal("Students at the University".into()));
        assert_eq!(Name::parse("Madonna"), Name::Literal("Madonna".into()));
    }

    #[test]
    fn date_parts_follow_the_edtf_literal() {
        let parts = |s: &str| date_parts(&s.parse().unwrap());
        assert_eq!(parts("2026-01-30?").unwrap(), DateParts { start: vec![2026, 1, 30], end: None, circa: true });
        assert_eq!(parts("2026-XX").unwrap(), DateParts { start: vec![2026], end: None, circa: false });
        assert_eq!(parts("202X").unwrap(), DateParts { start: vec![2020], end: Some(vec![2029]), circa: false });
        let interval = parts("2026-01-30/2026-02").unwrap();
        assert_eq!((interval.start, interval.end), (vec![2026, 1, 30], Some(vec![2026, 2])));
        assert_eq!(parts("../2026"), None);
    }
}
