//! `Disclosure`: one application of the policy to what leaves the archive — an export, the
//! exhibit site, a citation, or the reading room's window. It decides which items leave and
//! rewrites each into the form it may leave in, so that every way out shows the same thing.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::{Involvement, NameFinder, People, inherited, location_withheld, person_key, strictest};
use crate::archive::Archive;
use crate::error::Result;
use crate::model::{Id, Item, ItemDetails, Sensitivity};
use crate::store;

/// Who the disclosed items are for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Purpose {
    /// Anyone: an export, the exhibit site, a citation, the reading room. Photos leave without
    /// their camera, exact time and original file name; the archivist's notes stay in unless
    /// marked for publication.
    #[default]
    Public,
    /// An archivist's own lossless transfer (`--originals`): the original files travel with
    /// all their metadata anyway, so the items keep their file names, camera, time and notes.
    /// The rules about people (restriction, pseudonyms, places) apply all the same.
    Archival,
}

/// The policy's verdict on one item.
pub enum Verdict {
    /// It leaves, in this form.
    Include(Box<Item>),
    /// It stays, for this reason (which names nobody).
    Exclude(String),
}

/// One export's (or the reading room's) application of the policy. Pseudonyms stay the same
/// for a person across everything it discloses.
pub struct Disclosure<'a> {
    archive: &'a Archive,
    people: People,
    today: NaiveDate,
    include_restricted: bool,
    purpose: Purpose,
    /// The keys of every person the archive knows (credit lines that name one of them are
    /// a person's name; others are an outlet's).
    known: HashSet<String>,
    /// Finds, in free text, the names of everyone who may not be named.
    unnamed: NameFinder,
    pseudonyms: HashMap<String, String>,
    sources: HashMap<Id, Option<(Sensitivity, String)>>,
}

impl<'a> Disclosure<'a> {
    /// The policy as it stands in `archive` today; `include_restricted` lets restricted (never
    /// private) items out.
    pub fn new(archive: &'a Archive, include_restricted: bool, purpose: Purpose) -> Result<Disclosure<'a>> {
        let people = archive.everyones_privacy()?;
        let today = archive.now().date_naive();
        let known: HashSet<String> = store::person_names(archive.store.conn())?.iter().map(|n| person_key(n)).collect();
        let unnamed = NameFinder::new(
            known.iter().filter(|key| !people.get(*key).is_some_and(|p| p.may_be_named(today))).cloned(),
        );
        Ok(Disclosure {
            archive,
            people,
            today,
            include_restricted,
            purpose,
            known,
            unnamed,
            pseudonyms: HashMap::new(),
            sources: HashMap::new(),
        })
    }

    /// Everyone's protection, as this disclosure applies it.
    pub fn people(&self) -> &People {
        &self.people
    }

    /// Why an item is kept back, if it is: its own sensitivity, its people, and the item it
    /// was taken from.
    pub fn restriction(&mut self, item: &Item) -> Result<Option<(Sensitivity, String)>> {
        let own = super::restriction(item, &self.people, self.today);
        let source = match &item.details {
            ItemDetails::Quote(q) => q.source_item,
            _ => None,
        };
        let Some(source) = source.filter(|s| *s != item.id) else { return Ok(own) };
        Ok(strictest(own, self.source_restriction(source)?))
    }

    /// What a quote inherits from the item it was taken from (read once per disclosure).
    fn source_restriction(&mut self, id: Id) -> Result<Option<(Sensitivity, String)>> {
        if let Some(known) = self.sources.get(&id) {
            return Ok(known.clone());
        }
        let inherits = match store::get_item(self.archive.store.conn(), id)? {
            Some(source) => inherited(&source, super::restriction(&source, &self.people, self.today).as_ref()),
            None => None,
        };
        self.sources.insert(id, inherits.clone());
        Ok(inherits)
    }

    /// Whether an item may leave in this disclosure.
    fn leaves(&self, restriction: &Option<(Sensitivity, String)>) -> bool {
        match restriction {
            None => true,
            Some((Sensitivity::Private, _)) => false,
            Some(_) => self.include_restricted,
        }
    }

    /// Decides whether an item leaves and rewrites it into the form it may leave in: its
    /// effective sensitivity and the reason; people without name consent by pseudonym (in its
    /// name fields and in every text field); no place where someone withheld their location;
    /// no GPS; for the public, no camera, exact time, original file name or unpublished notes.
    pub fn decide(&mut self, item: &Item) -> Result<Verdict> {
        let restriction = self.restriction(item)?;
        if !self.leaves(&restriction) {
            return Ok(Verdict::Exclude(restriction.map(|(_, r)| r).unwrap_or_default()));
        }
        let public = self.purpose == Purpose::Public;
        let mut out = item.clone();
        if let Some((sensitivity, reason)) = restriction {
            out.sensitivity = sensitivity;
            out.restriction = Some(reason);
        }
        let photo = matches!(item.details, ItemDetails::Photo(_));
        let shown = if photo { Involvement::Shown } else { Involvement::Named };
        out.people = item.people.iter().map(|p| self.shown_name(p, shown)).collect();
        if let Some(credit) = &item.credit
            && self.known.contains(&person_key(credit))
        {
            out.credit = Some(self.shown_name(credit, Involvement::Credited));
        }
        if location_withheld(item, &self.people, self.today) {
            out.place = None;
        }
        if public && !item.description_public {
            out.description = None;
        }
        match &mut out.details {
            ItemDetails::Quote(q) => {
                if let Some(speaker) = q.speaker.clone() {
                    let shown = self.shown_name(&speaker, Involvement::Speaker);
                    if shown != speaker {
                        // The role would say who they are ("her sister, 10th grade at …").
                        q.speaker = Some(shown);
                        q.role = None;
                    }
                }
                if let Some(source) = q.source_item {
                    let source_leaves = match store::get_item(self.archive.store.conn(), source)? {
                        Some(source) => {
                            let restriction = self.restriction(&source)?;
                            self.leaves(&restriction)
                        }
                        None => false,
                    };
                    if !source_leaves {
                        q.source_item = None;
                    }
                }
            }
            ItemDetails::Article(a) => {
                a.authors = a.authors.clone().iter().map(|n| self.shown_name(n, Involvement::Author)).collect();
                if public {
                    // A saved page's name may be a name too (`maria_lopez_interview.html`).
                    a.file_name = None;
                }
            }
            ItemDetails::Photo(p) => {
                // GPS never leaves: the place name is the most an export says about where.
                p.gps = None;
                if public {
                    let titled_by_file = p.file_name.as_deref().is_some_and(|f| names_file(&item.title, f));
                    p.camera = None;
                    p.taken_at = None;
                    p.file_name = None;
                    if titled_by_file {
                        out.title = UNTITLED_PHOTO.to_string();
                    }
                }
            }
        }
        self.scrub_item(&mut out);
        if let Some(text) = &out.ocr_text {
            // Words read inside a redaction box (a name tag, a student ID) are blacked out in
            // the text as they are on the photo.
            let hidden = crate::ocr::redacted_words(self.archive.store.conn(), item)?;
            out.ocr_text = Some(crate::ocr::without_words(text, &hidden));
        }
        Ok(Verdict::Include(Box::new(out)))
    }

    /// Replaces, in every text field of a disclosed item, the names of people who may not be
    /// named by their pseudonyms.
    fn scrub_item(&mut self, item: &mut Item) {
        let mut fields: Vec<&mut String> = vec![&mut item.title];
        fields.extend(item.description.as_mut());
        fields.extend(item.place.as_mut());
        fields.extend(item.event.as_mut());
        fields.extend(item.source.as_mut());
        fields.extend(item.credit.as_mut());
        fields.extend(item.rights.as_mut());
        fields.extend(item.tags.iter_mut());
        fields.extend(item.redactions.iter_mut().filter_map(|r| r.label.as_mut()));
        fields.extend(item.ocr_text.as_mut());
        // A template's fields (a person field names someone): names that may not be used become
        // pseudonyms there too.
        fields.extend(item.custom.values_mut());
        match &mut item.details {
            ItemDetails::Quote(q) => {
                fields.push(&mut q.text);
                fields.extend(q.role.as_mut());
                fields.extend(q.context.as_mut());
                fields.extend(q.translation.as_mut());
            }
            ItemDetails::Photo(p) => {
                fields.extend(p.caption.as_mut());
                fields.extend(p.file_name.as_mut());
            }
            ItemDetails::Article(a) => {
                fields.push(&mut a.headline);
                fields.push(&mut a.body);
                fields.extend(a.outlet.as_mut());
            }
        }
        for field in fields {
            let scrubbed = self.scrub(field);
            *field = scrubbed;
        }
        if let ItemDetails::Article(a) = &item.details {
            item.title.clone_from(&a.headline);
        }
    }

    /// `text` with the names of people who may not be named replaced by their pseudonyms
    /// (whatever the case, accents or spacing the text writes them with).
    pub fn scrub(&mut self, text: &str) -> String {
        let unnamed = std::mem::replace(&mut self.unnamed, NameFinder::new(Vec::new()));
        let out = unnamed.replace(text, |key| self.pseudonym(key, Involvement::Named));
        self.unnamed = unnamed;
        out
    }

    /// The name a person is shown by in this disclosure: theirs when they may be named, else
    /// their pseudonym, the same one everywhere.
    pub fn shown_name(&mut self, name: &str, how: Involvement) -> String {
        let key = person_key(name);
        if self.people.get(&key).is_some_and(|p| p.may_be_named(self.today)) {
            return name.to_string();
        }
        self.pseudonym(&key, how)
    }

    /// Whether a person may be named in this disclosure.
    pub fn may_be_named(&self, name: &str) -> bool {
        self.people.get(&person_key(name)).is_some_and(|p| p.may_be_named(self.today))
    }

    /// Whether the item's people let its place be shown.
    pub fn place_shown(&self, item: &Item) -> bool {
        !location_withheld(item, &self.people, self.today)
    }

    /// The pseudonym of the person with this key: the archive's, else one that says only how
    /// they appear ("an unnamed speaker"), numbered when two would read the same. Never made
    /// from the role or anything else that was taken out.
    fn pseudonym(&mut self, key: &str, how: Involvement) -> String {
        if let Some(known) = self.pseudonyms.get(key) {
            return known.clone();
        }
        let base = self
            .people
            .get(key)
            .and_then(|p| p.pseudonym.clone())
            .filter(|p| !p.trim().is_empty())
            .unwrap_or_else(|| how.unnamed().to_string());
        let taken = self.pseudonyms.values().filter(|v| *v == &base || v.starts_with(&format!("{base} ("))).count();
        let pseudonym = if taken == 0 { base } else { format!("{base} ({})", taken + 1) };
        self.pseudonyms.insert(key.to_string(), pseudonym.clone());
        pseudonym
    }
}

/// The title a public photo gets when its own was its file's name (which may be a name:
/// `maria_lopez_walkout.jpg`).
pub const UNTITLED_PHOTO: &str = "Untitled photograph";

/// Whether a title is a file's name, with or without its extension.
fn names_file(title: &str, file_name: &str) -> bool {
    let title = title.trim().to_lowercase();
    let file = file_name.trim().to_lowercase();
    let stem = std::path::Path::new(&file).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    title == file
        || title == stem
        || (!stem.is_empty() && title.replace(['_', '-'], " ") == stem.replace(['_', '-'], " "))
}
