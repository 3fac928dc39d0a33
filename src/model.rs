//! The archive's data model: items (quotes, photos, articles) and the people, places, events and
//! collections they point to. These serde types are what the CLI prints as JSON, what exports
//! carry, and what the desktop UI receives, so field names here are a public contract.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::date::EdtfDate;
use crate::error::{Error, Result};

/// The id of an item or entity: a UUID v7, so ids sort by creation time.
pub type Id = Uuid;

/// Makes a new time-ordered id.
pub fn new_id() -> Id {
    Uuid::now_v7()
}

/// The three kinds of item an archive holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    /// Words someone said or wrote.
    Quote,
    /// A photograph, with its original file.
    Photo,
    /// A news article or other text, with its original file when there is one.
    Article,
}

impl ItemKind {
    /// The lowercase name used in JSON, the database and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Quote => "quote",
            ItemKind::Photo => "photo",
            ItemKind::Article => "article",
        }
    }

    /// Parses `quote`, `photo` or `article` (also plurals).
    pub fn parse(s: &str) -> Result<ItemKind> {
        match s.trim().to_lowercase().trim_end_matches('s') {
            "quote" => Ok(ItemKind::Quote),
            "photo" => Ok(ItemKind::Photo),
            "article" => Ok(ItemKind::Article),
            _ => Err(Error::invalid("kind", format!("{s:?} is not one of quote, photo, article"))),
        }
    }
}

/// Who may see an item. Exports and the reading room build their rules on it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Sensitivity {
    /// May leave the archive.
    #[default]
    Public,
    /// Stays in the archive unless an archivist includes it explicitly.
    Restricted,
    /// Never leaves the archive.
    Private,
}

impl Sensitivity {
    /// How far it keeps an item in: 0 public, 1 restricted, 2 private.
    pub fn rank(self) -> u8 {
        match self {
            Sensitivity::Public => 0,
            Sensitivity::Restricted => 1,
            Sensitivity::Private => 2,
        }
    }

    /// The more restrictive of the two.
    pub fn stricter(self, other: Sensitivity) -> Sensitivity {
        if other.rank() > self.rank() { other } else { self }
    }
}

/// Whether the people in an item agreed to its use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Consent {
    /// Nobody has asked yet.
    #[default]
    Unknown,
    /// The people in it agreed.
    Granted,
    /// The people in it said no.
    Withheld,
}

macro_rules! string_enum {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// The lowercase name used in JSON, the database and the CLI.
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $name),+ }
            }
            /// Parses the lowercase name.
            pub fn parse(s: &str) -> Result<$ty> {
                match s.trim().to_lowercase().as_str() {
                    $($name => Ok($ty::$variant),)+
                    _ => Err(Error::invalid(
                        stringify!($ty).to_lowercase(),
                        format!("{s:?} is not one of {}", [$($name),+].join(", ")),
                    )),
                }
            }
        }
    };
}
string_enum!(Sensitivity { Public => "public", Restricted => "restricted", Private => "private" });
string_enum!(Consent { Unknown => "unknown", Granted => "granted", Withheld => "withheld" });

/// Which rule of the HTML importer found an article's date, kept with the article so a reader
/// can judge how far to trust the date: structured data is the publisher's own word, a date
/// printed by the headline is a reading of the page, a modified date is only an upper bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum DateRule {
    /// `datePublished`/`dateCreated` of a JSON-LD node.
    JsonLd,
    /// A meta tag (`article:published_time`, `DC.date`, `itemprop="datePublished"`, …).
    Meta,
    /// A `<time datetime>` in the article's header.
    TimeElement,
    /// The page's address (`/2026/01/30/`), from its canonical link, `og:url` or the
    /// "saved from" note a browser writes.
    Url,
    /// A date printed near the headline ("30 de enero de 2026", "2026年1月30日").
    VisibleText,
    /// Only a modified date was found (JSON-LD `dateModified`, `article:modified_time`, …).
    Modified,
}
string_enum!(DateRule {
    JsonLd => "json-ld",
    Meta => "meta",
    TimeElement => "time-element",
    Url => "url",
    VisibleText => "visible-text",
    Modified => "modified",
});

impl DateRule {
    /// Where the date was read, in words (`walkout show` prints it beside the date).
    pub fn describe(self) -> &'static str {
        match self {
            DateRule::JsonLd => "the page's structured data (JSON-LD)",
            DateRule::Meta => "the page's meta tags",
            DateRule::TimeElement => "a <time> element by the headline",
            DateRule::Url => "the page's address",
            DateRule::VisibleText => "a date printed by the headline",
            DateRule::Modified => "the page's last-modified date (no publication date found)",
        }
    }
}

/// A position on Earth, in decimal degrees (WGS 84).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Gps {
    /// Latitude, −90 to 90.
    pub lat: f64,
    /// Longitude, −180 to 180.
    pub lon: f64,
}

impl Gps {
    /// Accepts only coordinates that can exist.
    pub fn checked(lat: f64, lon: f64) -> Option<Gps> {
        let valid = lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0;
        valid.then_some(Gps { lat, lon })
    }
}

/// One archived thing: its common catalog fields and the fields of its kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Item {
    /// UUID v7.
    pub id: Id,
    /// What lists show: the quote's text, the photo's caption or file name, the headline.
    pub title: String,
    /// When it happened, as an EDTF date (partial or uncertain dates allowed).
    pub date: Option<EdtfDate>,
    /// Where it happened (a Place by name).
    pub place: Option<String>,
    /// The event it belongs to (an Event by name).
    pub event: Option<String>,
    /// The archivist's description or notes. They stay in the archive unless
    /// `description_public` marks them for publication.
    pub description: Option<String>,
    /// The description may leave in public exports and show in the reading room.
    #[serde(default)]
    pub description_public: bool,
    /// Free tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Names of the collections holding it.
    #[serde(default)]
    pub collections: Vec<String>,
    /// BCP 47 language code of its text (`en`, `es`), which picks the stemmer.
    pub language: Option<String>,
    /// Where it came from: a citation or URL.
    pub source: Option<String>,
    /// Credit line (photographer, outlet, contributor).
    pub credit: Option<String>,
    /// Rights statement.
    pub rights: Option<String>,
    /// Who may see it.
    #[serde(default)]
    pub sensitivity: Sensitivity,
    /// Whether the people in it agreed.
    #[serde(default)]
    pub consent: Consent,
    /// Part of the built-in demo record.
    #[serde(default)]
    pub demo: bool,
    /// When it entered the archive.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// People it shows or mentions (besides its speaker or authors), by name: their consent and
    /// flags decide what may leave the archive.
    #[serde(default)]
    pub people: Vec<String>,
    /// Boxes to black out on a photo whenever it leaves the archive (faces, name tags, plates).
    #[serde(default)]
    pub redactions: Vec<Redaction>,
    /// The words read in the photo or the scanned page (signs, banners, clippings): recognised
    /// by `walkout ocr`, then the archivist's to correct (a correction is kept over a re-run).
    /// Searched like the other text; leaves the archive through the same policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocr_text: Option<String>,
    /// The archive's template whose fields it fills, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The values of its template's fields, by field key, as text (a date as EDTF, a number as
    /// written, a choice as one of its options, a person or place by name, a link as a URL).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub custom: std::collections::BTreeMap<String, String>,
    /// Why the item is kept back, in an export that carries it anyway (`--include-restricted`):
    /// its `sensitivity` there is the effective one, and this says why, naming nobody. Never
    /// stored; empty in the archive itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restriction: Option<String>,
    /// The fields of its kind, flattened into the same JSON object with a `kind` tag.
    #[serde(flatten)]
    pub details: ItemDetails,
}

/// A box over part of a photo, in fractions (0–1) of the upright image's width and height.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Redaction {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// What it hides ("face", "name tag").
    pub label: Option<String>,
}

impl Redaction {
    /// Accepts only boxes that lie inside the image and cover something.
    pub fn checked(self) -> Result<Redaction> {
        let inside = |v: f64| (0.0..=1.0).contains(&v);
        if [self.x, self.y, self.w, self.h].iter().all(|v| v.is_finite())
            && inside(self.x)
            && inside(self.y)
            && self.w > 0.0
            && self.h > 0.0
            && self.x + self.w <= 1.0 + 1e-9
            && self.y + self.h <= 1.0 + 1e-9
        {
            Ok(self)
        } else {
            Err(Error::invalid("redaction", "a box must lie inside the photo (fractions 0–1) and have a size"))
        }
    }
}

/// Kind-specific fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ItemDetails {
    /// A quote's fields.
    Quote(QuoteDetails),
    /// A photo's fields.
    Photo(PhotoDetails),
    /// An article's fields.
    Article(ArticleDetails),
}

/// Words someone said, verbatim.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QuoteDetails {
    /// The verbatim text.
    pub text: String,
    /// Who said it (a Person by name).
    pub speaker: Option<String>,
    /// The speaker's role or affiliation ("student, University of Minnesota").
    pub role: Option<String>,
    /// The situation it was said in.
    pub context: Option<String>,
    /// The article item it was taken from.
    pub source_item: Option<Id>,
    /// A translation, when the text is not in English.
    pub translation: Option<String>,
}

/// A photograph and what its camera recorded.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PhotoDetails {
    /// SHA-256 of the original file (its fixity value and its name in `files/`).
    pub sha256: String,
    /// The original file's name when it was imported.
    pub file_name: Option<String>,
    /// Pixel width as stored (before orientation).
    pub width: Option<u32>,
    /// Pixel height as stored (before orientation).
    pub height: Option<u32>,
    /// `jpeg`, `png`, `webp`, …
    pub format: Option<String>,
    /// When the camera says it was taken (RFC 3339 when the offset is known, else local time).
    pub taken_at: Option<String>,
    /// Where the camera says it was taken.
    pub gps: Option<Gps>,
    /// Camera make and model as one line.
    pub camera: Option<String>,
    /// EXIF orientation, 1–8.
    pub orientation: Option<u16>,
    /// The caption.
    pub caption: Option<String>,
}

/// A news article or other text.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ArticleDetails {
    /// The headline.
    pub headline: String,
    /// The outlet or site that published it.
    pub outlet: Option<String>,
    /// Its authors (People by name).
    #[serde(default)]
    pub authors: Vec<String>,
    /// The canonical URL.
    pub url: Option<String>,
    /// The article body as clean text.
    pub body: String,
    /// SHA-256 of the original file, when there is one.
    pub sha256: Option<String>,
    /// The original file's name when it was imported.
    pub file_name: Option<String>,
    /// Which rule of the HTML importer found the item's date; none when the date was not read
    /// from a page (or was changed since).
    #[serde(default)]
    pub date_rule: Option<DateRule>,
}

impl Item {
    /// An item of the given details with fresh id and times and every catalog field empty.
    pub fn new(title: impl Into<String>, details: ItemDetails, now: DateTime<Utc>) -> Item {
        Item {
            id: new_id(),
            title: title.into(),
            date: None,
            place: None,
            event: None,
            description: None,
            description_public: false,
            tags: Vec::new(),
            collections: Vec::new(),
            language: None,
            source: None,
            credit: None,
            rights: None,
            sensitivity: Sensitivity::Public,
            consent: Consent::Unknown,
            demo: false,
            created_at: now,
            updated_at: now,
            people: Vec::new(),
            redactions: Vec::new(),
            ocr_text: None,
            template: None,
            custom: Default::default(),
            restriction: None,
            details,
        }
    }

    /// A new quote whose title is its text.
    pub fn quote(text: impl Into<String>, now: DateTime<Utc>) -> Item {
        let text = text.into();
        let title = title_from_text(&text);
        Item::new(title, ItemDetails::Quote(QuoteDetails { text, ..Default::default() }), now)
    }

    /// What kind of item this is.
    pub fn kind(&self) -> ItemKind {
        match self.details {
            ItemDetails::Quote(_) => ItemKind::Quote,
            ItemDetails::Photo(_) => ItemKind::Photo,
            ItemDetails::Article(_) => ItemKind::Article,
        }
    }

    /// The SHA-256 of the item's original file, when it has one.
    pub fn sha256(&self) -> Option<&str> {
        match &self.details {
            ItemDetails::Quote(_) => None,
            ItemDetails::Photo(p) => Some(&p.sha256),
            ItemDetails::Article(a) => a.sha256.as_deref(),
        }
    }

    /// The speaker of a quote.
    pub fn speaker(&self) -> Option<&str> {
        match &self.details {
            ItemDetails::Quote(q) => q.speaker.as_deref(),
            _ => None,
        }
    }

    /// Sets one field from text, as `walkout edit --set FIELD=VALUE` does. An empty value clears
    /// an optional field. Lists (`tags`, `authors`) take comma-separated values.
    pub fn set_field(&mut self, field: &str, value: &str) -> Result<()> {
        let opt = || {
            let v = value.trim();
            (!v.is_empty()).then(|| v.to_string())
        };
        let list = || value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
        match (field, &mut self.details) {
            ("title", _) => self.title = required(field, value)?,
            ("date", _) => self.date = opt().map(|d| d.parse()).transpose()?,
            ("place", _) => self.place = opt(),
            ("event", _) => self.event = opt(),
            ("description" | "notes", _) => self.description = opt(),
            ("description_public" | "publish_notes", _) => self.description_public = flag(field, value)?,
            ("tags", _) => self.tags = list(),
            ("people", _) => self.people = list(),
            ("language" | "lang", _) => self.language = opt(),
            ("source", _) => self.source = opt(),
            ("credit", _) => self.credit = opt(),
            ("rights", _) => self.rights = opt(),
            ("sensitivity", _) => self.sensitivity = Sensitivity::parse(value)?,
            ("consent", _) => self.consent = Consent::parse(value)?,
            ("text", ItemDetails::Quote(q)) => {
                let keep_title = self.title != title_from_text(&q.text);
                q.text = required(field, value)?;
                if !keep_title {
                    self.title = title_from_text(&q.text);
                }
            }
            ("speaker", ItemDetails::Quote(q)) => q.speaker = opt(),
            ("role", ItemDetails::Quote(q)) => q.role = opt(),
            ("context", ItemDetails::Quote(q)) => q.context = opt(),
            ("translation", ItemDetails::Quote(q)) => q.translation = opt(),
            ("caption", ItemDetails::Photo(p)) => p.caption = opt(),
            // The words read in a photo or a scanned page (an archive's correction of the OCR).
            ("ocr_text" | "ocr", ItemDetails::Photo(_) | ItemDetails::Article(_)) => self.ocr_text = opt(),
            ("template", _) => self.template = opt(),
            (custom, _) if custom.starts_with("custom.") => {
                let key = custom["custom.".len()..].to_string();
                match opt() {
                    Some(v) => self.custom.insert(key, v),
                    None => self.custom.remove(&key),
                };
            }
            ("headline", ItemDetails::Article(a)) => {
                a.headline = required(field, value)?;
                self.title = a.headline.clone();
            }
            ("outlet", ItemDetails::Article(a)) => a.outlet = opt(),
            ("authors", ItemDetails::Article(a)) => a.authors = list(),
            ("url", ItemDetails::Article(a)) => a.url = opt(),
            ("body", ItemDetails::Article(a)) => a.body = value.to_string(),
            _ => {
                return Err(Error::invalid(
                    field,
                    format!("a {} has no editable field named {field:?}", self.kind().as_str()),
                ));
            }
        }
        Ok(())
    }
}

fn flag(field: &str, value: &str) -> Result<bool> {
    match value.trim().to_lowercase().as_str() {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" | "" => Ok(false),
        _ => Err(Error::invalid(field, format!("{value:?} is not true or false"))),
    }
}

fn required(field: &str, value: &str) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    Ok(v.to_string())
}

/// A list title from a longer text: its first 160 characters, cut at a word.
pub fn title_from_text(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= 160 {
        return flat;
    }
    let cut: String = flat.chars().take(160).collect();
    let at_word = cut.rfind(' ').filter(|&i| i > 80).unwrap_or(cut.len());
    format!("{}…", &cut[..at_word])
}

/// A person who speaks, writes, photographs or appears in items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Person {
    /// Id.
    pub id: Id,
    /// The name as the archive shows it.
    pub name: String,
    /// Notes about the person.
    pub description: Option<String>,
    /// How many items point to this person.
    pub items: u64,
}

/// A school, a union, a group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Organization {
    /// Id.
    pub id: Id,
    /// Name.
    pub name: String,
    /// `school`, `university`, `union`, `group` …
    pub kind: Option<String>,
    /// Where it is (a Place by name).
    pub place: Option<String>,
}

/// A named place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Place {
    /// Id.
    pub id: Id,
    /// Name ("Minneapolis, Minnesota").
    pub name: String,
    /// Where it is, when known.
    pub gps: Option<Gps>,
    /// How many items point to this place.
    pub items: u64,
}

/// Something that happened: a walkout, a rally.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Event {
    /// Id.
    pub id: Id,
    /// Name.
    pub name: String,
    /// When (an EDTF date or interval).
    pub date: Option<EdtfDate>,
    /// Where (a Place by name).
    pub place: Option<String>,
    /// What happened.
    pub description: Option<String>,
    /// How many items point to this event.
    pub items: u64,
}

/// An ordered group of items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Collection {
    /// Id.
    pub id: Id,
    /// Name, unique in the archive.
    pub name: String,
    /// What it gathers.
    pub description: Option<String>,
    /// Its items, in order.
    pub items: Vec<Id>,
}

/// A tag and how many items carry it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TagCount {
    /// The tag.
    pub name: String,
    /// How many items carry it.
    pub items: u64,
}

/// Counts for `walkout stats`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Stats {
    /// All items.
    pub items: u64,
    /// Quotes.
    pub quotes: u64,
    /// Photos.
    pub photos: u64,
    /// Articles.
    pub articles: u64,
    /// Stored original files.
    pub files: u64,
    /// Documents in the search index.
    pub index_docs: u64,
    /// People.
    pub people: u64,
    /// Places.
    pub places: u64,
    /// Events.
    pub events: u64,
    /// Collections.
    pub collections: u64,
    /// Tags.
    pub tags: u64,
}
