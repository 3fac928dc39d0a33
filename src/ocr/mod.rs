//! The words in photos and scanned pages: signs ("ICE OUT"), banners with school names,
//! flyers, clippings. Recognised offline by Tesseract (see `recognize`), kept word by word with
//! their boxes, and given to the item as its `ocr_text`, which search reads like any other text
//! and which the archivist may correct: a re-run replaces the text only while nobody has edited
//! it.
//!
//! The work is split so that the slow part holds nothing: [`Archive::ocr_job`] takes what a
//! photo needs from the archive (its bytes), [`OcrJob::read`] decodes and reads it with no
//! archive at hand (the app runs it in the background while the window goes on), and
//! [`Archive::store_reading`] writes the result in one transaction.
//!
//! Privacy: the text is part of the item, so the one policy covers it (a restricted photo's
//! words are as restricted as the photo; names of people who may not be named are replaced in
//! it). Words read inside a redaction box leave no trace in anything exported
//! ([`redacted_words`]), and words that spell a protected person's name are offered to the
//! archivist as boxes to redact ([`Archive::ocr_redaction_suggestions`]).

pub mod recognize;

use std::collections::HashSet;

use image::DynamicImage;
use image::metadata::Orientation;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

pub use self::recognize::{OcrWord, Reading, Recognizer};
use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::files::decode;
use crate::ingest::sniff::{self, FileKind};
use crate::model::{Id, Item, ItemDetails, Redaction};
use crate::privacy::person_key;

/// The name and version of the recogniser, recorded with each reading.
pub fn engine() -> String {
    format!("tesseract {} ({})", tesseract_plumbing::version().to_string_lossy(), recognize::LANGUAGES)
}

/// What a stored reading holds: the machine's words and the text it made of them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OcrRecord {
    /// The text as recognised (the item's `ocr_text` may be the archivist's correction of it).
    pub recognised: String,
    /// The words with their boxes, in fractions of the upright photo.
    pub words: Vec<OcrWord>,
    /// The quarter turn the photo was read at (0, 90, 180, 270).
    pub rotation: u16,
    /// Which recogniser read it.
    pub engine: String,
    /// When (RFC 3339).
    pub at: String,
}

/// What became of one item's OCR.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum OcrOutcome {
    /// Read; the item's text is the new reading.
    Recognised,
    /// Read again; the archivist's correction of the text was kept.
    KeptCorrection,
    /// Already read (and not asked to read again).
    Skipped,
}

/// A photo's or a PDF's bytes, taken from the archive to be read without it.
pub struct OcrJob {
    /// The item.
    pub id: Id,
    bytes: Vec<u8>,
    source: Source,
    max_pixels: u64,
}

enum Source {
    /// A photo, with its EXIF orientation.
    Photo { orientation: Option<u16> },
    /// A PDF: its pages without a text layer are read.
    Pdf,
}

impl OcrJob {
    /// Decodes the photo (refusing one over the import's pixel limit, as import does), turns it
    /// upright and reads its words; or reads every scanned page of a PDF, in order (a PDF whose
    /// pages all have text gives an empty reading).
    pub fn read(&self, recognizer: &mut Recognizer) -> Result<Reading> {
        match self.source {
            Source::Photo { orientation } => read_bytes(&self.bytes, orientation, self.max_pixels, recognizer),
            Source::Pdf => {
                let pages = crate::ingest::pdf::scanned_pages(&self.bytes, self.max_pixels)
                    .map_err(|e| Error::invalid("pdf", e.to_string()))?;
                let mut readings = Vec::with_capacity(pages.len());
                for page in pages {
                    readings.push(recognizer.read_page(&page.picture)?);
                }
                Ok(Reading::pages(readings))
            }
        }
    }
}

/// Reads the words in a picture file's bytes: decoded (refused over `max_pixels`, as import
/// refuses it, before any pixel is decoded), turned upright by its EXIF `orientation`, read.
pub fn read_bytes(
    bytes: &[u8],
    orientation: Option<u16>,
    max_pixels: u64,
    recognizer: &mut Recognizer,
) -> Result<Reading> {
    let picture = upright(bytes, orientation, max_pixels)?;
    recognizer.read(&picture)
}

/// Whether an article was imported from a PDF (which may hold scanned pages).
fn is_pdf(article: &crate::model::ArticleDetails) -> bool {
    article.sha256.is_some() && article.file_name.as_deref().is_some_and(|n| n.to_lowercase().ends_with(".pdf"))
}

fn upright(bytes: &[u8], orientation: Option<u16>, max_pixels: u64) -> Result<DynamicImage> {
    let head = &bytes[..bytes.len().min(4096)];
    let kind = sniff::sniff(std::path::Path::new(""), head).map_err(|e| Error::invalid("image", e))?;
    if !kind.is_photo() {
        return Err(Error::invalid("image", format!("a {} file is not a picture to read", kind.name())));
    }
    let cannot = |e: decode::DecodeError| Error::invalid("image", format!("cannot decode the photo: {e}"));
    // Decoded near the size it is read at (libjpeg-turbo scales while decoding).
    let decoded = decode::decode(bytes, kind, 2400, max_pixels).map_err(cannot)?;
    let p = decoded.pixels;
    let rgb = image::RgbImage::from_raw(p.width, p.height, p.rgb)
        .ok_or_else(|| Error::invalid("image", "the decoder gave fewer pixels than the image's size"))?;
    let mut picture = DynamicImage::ImageRgb8(rgb);
    if !decoded.upright
        && kind != FileKind::Heif
        && let Some(o) = orientation.and_then(|o| u8::try_from(o).ok()).and_then(Orientation::from_exif)
    {
        picture.apply_orientation(o);
    }
    Ok(picture)
}

impl Archive {
    /// The items a run of OCR would read: photos and PDFs not read yet (all of them with
    /// `force`). A PDF is read for its pages without a text layer; one with none is read in a
    /// moment and found to need nothing.
    pub fn ocr_candidates(&self, force: bool) -> Result<Vec<Id>> {
        let sql = if force {
            "SELECT id FROM items WHERE kind = 'photo' OR (kind = 'article' AND lower(file_name) LIKE '%.pdf') ORDER BY created_at, id"
        } else {
            "SELECT i.id FROM items i LEFT JOIN ocr o ON o.item_id = i.id \
             WHERE (i.kind = 'photo' OR (i.kind = 'article' AND lower(i.file_name) LIKE '%.pdf')) AND o.item_id IS NULL \
             ORDER BY i.created_at, i.id"
        };
        let conn = self.store.conn();
        let ids: Vec<String> = conn.prepare(sql)?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        ids.iter().map(|s| crate::store::parse_id(s)).collect()
    }

    /// What reading the item needs, or `None` when it was read already and `force` is off.
    pub fn ocr_job(&self, id: Id, force: bool) -> Result<Option<OcrJob>> {
        let item = self.get(id)?;
        let (sha256, source) = match &item.details {
            ItemDetails::Photo(photo) => (photo.sha256.clone(), Source::Photo { orientation: photo.orientation }),
            ItemDetails::Article(article) if is_pdf(article) => {
                (article.sha256.clone().unwrap_or_default(), Source::Pdf)
            }
            _ => {
                return Err(Error::invalid(
                    "ocr",
                    format!("item {id} is a {}; only photos and PDFs are read", item.kind().as_str()),
                ));
            }
        };
        if !force && ocr_record(self.store.conn(), id)?.is_some() {
            return Ok(None);
        }
        let bytes = self.files().read(&sha256)?;
        let max_pixels = crate::ingest::ImportLimits::default().max_pixels;
        Ok(Some(OcrJob { id, bytes, source, max_pixels }))
    }

    /// Stores a reading: the words always, and the text as the item's `ocr_text` unless the
    /// archivist has corrected the previous reading's text (their correction is kept).
    pub fn store_reading(&mut self, id: Id, reading: &Reading) -> Result<OcrOutcome> {
        let now = self.now();
        let text = reading.text();
        let words = serde_json::to_string(&reading.words).map_err(|e| Error::invalid("ocr", e.to_string()))?;
        let mut item = self.get(id)?;
        let previous = ocr_record(self.store.conn(), id)?;
        let corrected = match (&previous, &item.ocr_text) {
            (Some(p), Some(current)) => current.trim() != p.recognised.trim(),
            (None, Some(current)) => !current.trim().is_empty(),
            (_, None) => false,
        };
        let new_text = (!text.trim().is_empty()).then(|| text.clone());
        // Nothing to write to the item when the reading gives the text it has (a PDF whose
        // pages all have text layers: no text, as before).
        let changes = !corrected && item.ocr_text != new_text;
        if changes {
            item.ocr_text = new_text;
            item.updated_at = now;
        }
        let engine = engine();
        self.write(|tx| {
            tx.prepare_cached(
                "INSERT INTO ocr (item_id, recognised, words, rotation, engine, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                 ON CONFLICT (item_id) DO UPDATE SET recognised = ?2, words = ?3, rotation = ?4, engine = ?5, at = ?6",
            )?
            .execute(params![id.to_string(), text, words, reading.rotation, engine, now.to_rfc3339()])?;
            if changes {
                crate::store::update_item(tx, &item)?;
            }
            Ok(())
        })?;
        Ok(if corrected { OcrOutcome::KeptCorrection } else { OcrOutcome::Recognised })
    }

    /// Reads one item now (the CLI's `walkout ocr ID`).
    pub fn recognize(&mut self, id: Id, recognizer: &mut Recognizer, force: bool) -> Result<OcrOutcome> {
        match self.ocr_job(id, force)? {
            None => Ok(OcrOutcome::Skipped),
            Some(job) => {
                let reading = job.read(recognizer)?;
                self.store_reading(id, &reading)
            }
        }
    }

    /// The stored reading of an item, if it was read.
    pub fn ocr_record(&self, id: Id) -> Result<Option<OcrRecord>> {
        ocr_record(self.store.conn(), id)
    }

    /// Boxes around words read in a photo that spell (part of) the name of someone protected:
    /// a minor, a person at risk, or anyone who has not let their name be used. A name tag or a
    /// student ID read by OCR is what redaction is for; the archivist confirms each box.
    /// Boxes already inside a redaction are not offered again.
    pub fn ocr_redaction_suggestions(&self, id: Id) -> Result<Vec<Redaction>> {
        let item = self.get(id)?;
        let Some(record) = self.ocr_record(id)? else { return Ok(Vec::new()) };
        let protected = self.protected_names()?;
        let mut out: Vec<Redaction> = Vec::new();
        for word in &record.words {
            let Some(name) = naming(&protected, word) else { continue };
            if item.redactions.iter().any(|r| covers(r, word)) {
                continue;
            }
            // Words of one name on one line become one box.
            let pad = word.h * 0.15;
            let boxed = Redaction {
                x: (word.x - pad).max(0.0),
                y: (word.y - pad).max(0.0),
                w: (word.w + 2.0 * pad).min(1.0 - (word.x - pad).max(0.0)),
                h: (word.h + 2.0 * pad).min(1.0 - (word.y - pad).max(0.0)),
                label: Some(format!("name read in the photo: {name}")),
            };
            match out.last_mut() {
                Some(last) if last.label == boxed.label && same_line(last, &boxed) => {
                    let right = (last.x + last.w).max(boxed.x + boxed.w);
                    let bottom = (last.y + last.h).max(boxed.y + boxed.h);
                    last.x = last.x.min(boxed.x);
                    last.y = last.y.min(boxed.y);
                    last.w = right - last.x;
                    last.h = bottom - last.y;
                }
                _ => out.push(boxed),
            }
        }
        Ok(out)
    }
}

impl Archive {
    /// The names of everyone protected (minors, people at risk, anyone who has not let their
    /// name be used), each with the parts of its folded form long enough to be a name.
    fn protected_names(&self) -> Result<Vec<(HashSet<String>, String)>> {
        let people = self.everyones_privacy()?;
        let today = self.now().date_naive();
        let mut protected = Vec::new();
        for name in crate::store::person_names(self.store.conn())? {
            let key = person_key(&name);
            if people.get(&key).is_none_or(|p| p.minor || p.at_risk || !p.may_be_named(today)) {
                let parts: HashSet<String> =
                    key.split(' ').filter(|p| p.chars().count() >= 3).map(str::to_string).collect();
                protected.push((parts, name));
            }
        }
        Ok(protected)
    }

    /// The words read in a photo with their boxes, as a window may show them: to the archivist
    /// all of them; in the reading room (`public`) only for a photo the room shows, and without
    /// the words under a redaction box or spelling a protected person's name.
    pub fn ocr_words_shown(&self, id: Id, public: bool) -> Result<Vec<OcrWord>> {
        let Some(record) = self.ocr_record(id)? else { return Ok(Vec::new()) };
        if !public {
            return Ok(record.words);
        }
        let item = self.room_item(id)?;
        let protected = self.protected_names()?;
        Ok(record
            .words
            .into_iter()
            .filter(|w| !item.redactions.iter().any(|r| covers(r, w)) && naming(&protected, w).is_none())
            .collect())
    }
}

/// The protected name a word spells part of, if any.
fn naming<'a>(protected: &'a [(HashSet<String>, String)], word: &OcrWord) -> Option<&'a str> {
    let folded = person_key(word.text.trim_matches(|c: char| !c.is_alphanumeric()));
    if folded.chars().count() < 3 {
        return None;
    }
    protected.iter().find(|(parts, _)| parts.contains(&folded)).map(|(_, name)| name.as_str())
}

fn same_line(a: &Redaction, b: &Redaction) -> bool {
    let overlap = (a.y + a.h).min(b.y + b.h) - a.y.max(b.y);
    overlap > 0.5 * a.h.min(b.h)
}

/// Whether a redaction box hides a word: most of the word's area lies inside it.
fn covers(r: &Redaction, word: &OcrWord) -> bool {
    let w = (r.x + r.w).min(word.x + word.w) - r.x.max(word.x);
    let h = (r.y + r.h).min(word.y + word.h) - r.y.max(word.y);
    if w <= 0.0 || h <= 0.0 {
        return false;
    }
    let area = (word.w * word.h).max(f64::EPSILON);
    w * h >= 0.4 * area
}

/// The reading stored for an item.
pub fn ocr_record(conn: &Connection, id: Id) -> Result<Option<OcrRecord>> {
    let row: Option<(String, String, u16, String, String)> = conn
        .prepare_cached("SELECT recognised, words, rotation, engine, at FROM ocr WHERE item_id = ?1")?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .optional()?;
    let Some((recognised, words, rotation, engine, at)) = row else { return Ok(None) };
    let words =
        serde_json::from_str(&words).map_err(|e| Error::invalid("ocr", format!("stored words unreadable: {e}")))?;
    Ok(Some(OcrRecord { recognised, words, rotation, engine, at }))
}

/// The words an item's redaction boxes hide, folded: what an exported OCR text must not carry.
pub fn redacted_words(conn: &Connection, item: &Item) -> Result<HashSet<String>> {
    if item.redactions.is_empty() || item.ocr_text.is_none() {
        return Ok(HashSet::new());
    }
    let Some(record) = ocr_record(conn, item.id)? else { return Ok(HashSet::new()) };
    Ok(record
        .words
        .iter()
        .filter(|w| item.redactions.iter().any(|r| covers(r, w)))
        .map(|w| person_key(w.text.trim_matches(|c: char| !c.is_alphanumeric())))
        .filter(|w| !w.is_empty())
        .collect())
}

/// `text` with every word in `hidden` (compared folded) blacked out: what a redacted photo's
/// recognised text may say outside the archive.
pub fn without_words(text: &str, hidden: &HashSet<String>) -> String {
    if hidden.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            if hidden.contains(&person_key(word)) {
                out.push_str("[redacted]");
            } else {
                out.push_str(word);
            }
            word.clear();
        }
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '\'' || c == '’' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Takes a purged person's name out of every stored reading: replaced in the recognised text,
/// and the words that spell it dropped with their boxes (a purged name must not survive in
/// what the recogniser once read).
pub fn forget_name(conn: &Connection, name: &str, replacement: &str) -> Result<()> {
    let parts: HashSet<String> = person_key(name).split(' ').map(str::to_string).collect();
    let rows: Vec<(String, String, String)> = conn
        .prepare("SELECT item_id, recognised, words FROM ocr")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, recognised, words) in rows {
        let Some(text) = crate::purge::replace_name(&recognised, name, replacement) else { continue };
        let words: Vec<OcrWord> = serde_json::from_str(&words).unwrap_or_default();
        let kept: Vec<&OcrWord> = words
            .iter()
            .filter(|w| !parts.contains(&person_key(w.text.trim_matches(|c: char| !c.is_alphanumeric()))))
            .collect();
        let kept = serde_json::to_string(&kept).map_err(|e| Error::invalid("ocr", e.to_string()))?;
        conn.prepare_cached("UPDATE ocr SET recognised = ?2, words = ?3 WHERE item_id = ?1")?
            .execute(params![id, text, kept])?;
    }
    Ok(())
}
