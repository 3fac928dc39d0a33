//! The offline exhibit site: a folder anyone can open from disk or copy elsewhere, with a home
//! page (counts, search, browsing by kind and collection, recent items), a page per item and
//! per collection, cleaned photos and a client-side search over an index built here.
//!
//! ```text
//! index.html                        home: search, browse, recent items, photos
//! quotes.html photos.html articles.html collections.html
//! items/<id>.html                   one item: its text or photo, details, citation
//! collections/<slug>.html           one collection, in its order
//! timeline.html map.html            items per month, and per place on a map of the US
//! images/<sha256>.jpg               cleaned photos (upright, redactions burned in, no metadata)
//! images/<sha256>-640.jpg           their thumbnails
//! assets/site.css search.js search-index.js
//! ```
//!
//! What leaves is what `export::select` lets out — restricted and private items stay, people
//! without name consent appear by pseudonym, GPS never — and nothing else is looked up: the
//! pages are made from the selected items alone (a quote's source article is linked only when
//! it is on the site too). Every archive string is HTML-escaped. No page loads anything from
//! the network: links are relative, fonts are the system's, scripts and styles are files of the
//! folder, and a Content-Security-Policy refuses any other source. The output depends only on
//! the archive's content, never on the clock, so two exports of the same archive are identical
//! byte for byte.

mod albers_usa;
mod html;
mod item;
mod overview;
mod pages;
mod search_index;

pub use search_index::{fold, words};

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use super::citation::{self, Style};
use super::{ExportOptions, ExportReport, LeftOut, Selection, reference, select, write_file};
use crate::archive::Archive;
use crate::date::EdtfDate;
use crate::error::{Error, Result};
use crate::files::clean_image;
use crate::model::{Gps, Id, Item, ItemDetails};

/// The longest side of a photo's thumbnail, in pixels: sharp in a grid tile on a dense screen.
pub const THUMB_SIDE: u32 = 640;

/// The site's name in its header and titles.
pub const SITE_NAME: &str = "Walkout Archive";

/// A photo as the site shows it: its cleaned full-size file and thumbnail, relative to the
/// site root, with their sizes.
pub(crate) struct SitePhoto {
    pub full: String,
    pub full_size: (u32, u32),
    pub thumb: String,
    pub thumb_size: (u32, u32),
}

/// A collection as the site shows it: only its items that are on the site, in order.
pub(crate) struct SiteCollection {
    pub name: String,
    pub slug: String,
    pub description: Option<String>,
    pub items: Vec<Id>,
}

/// Everything the pages are made from.
pub(crate) struct Site {
    /// The items, in the selection's order.
    pub items: Vec<Item>,
    pub photos: BTreeMap<Id, SitePhoto>,
    /// Each item's Chicago citation.
    pub citations: BTreeMap<Id, String>,
    pub collections: Vec<SiteCollection>,
    /// What the site was made from, in words.
    pub made_from: String,
    /// The home page's heading and introduction.
    pub heading: String,
    pub introduction: Option<String>,
    /// The places the items name, with the place's own coordinates when known; none whose
    /// people withheld where they were (the map leaves those out).
    pub places: BTreeMap<String, Option<Gps>>,
    /// The events the items belong to that have a date, by date.
    pub events: Vec<(String, EdtfDate)>,
}

impl Site {
    /// An item on the site by id.
    pub fn item(&self, id: Id) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }
}

/// Writes the site into the folder `out`, which must not exist yet or be empty. The site is
/// made in a staging folder beside it and moved into place whole.
pub fn export(archive: &Archive, options: &ExportOptions, out: &Path) -> Result<ExportReport> {
    super::bagit::refuse_existing(out, false)?;
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let staging =
        tempfile::Builder::new().prefix(".walkout-site-").tempdir_in(parent).map_err(|e| Error::io(parent, e))?;
    let folder = staging.path().join("site");

    let (mut items, mut left_out) = select(archive, &options.selection, options.include_restricted)?;
    let (photos, files) = write_photos(archive, &mut items, &mut left_out, &folder, &options.progress)?;
    let refs = reference::references(archive, &items, options.include_restricted)?;
    let citations = citation::render(&refs, Style::Chicago)?.into_iter().collect();
    let on_site: BTreeSet<Id> = items.iter().map(|i| i.id).collect();
    let mut slugs = BTreeSet::new();
    // Collections' descriptions are free text too: names in them are replaced.
    let mut names = crate::privacy::Disclosure::new(archive, false, crate::privacy::Purpose::Public)?;
    let collections = archive
        .collections()?
        .into_iter()
        .filter_map(|c| {
            let items: Vec<Id> = c.items.into_iter().filter(|id| on_site.contains(id)).collect();
            (!items.is_empty()).then(|| SiteCollection {
                slug: unique_slug(&c.name, &mut slugs),
                name: c.name,
                description: c.description.as_deref().map(|d| names.scrub(d)),
                items,
            })
        })
        .collect::<Vec<_>>();
    let (heading, introduction) = match &options.selection {
        Selection::Collection(name) => {
            let description = collections.iter().find(|c| &c.name == name).and_then(|c| c.description.clone());
            (name.clone(), description)
        }
        Selection::Query(query) => (format!("Items found by “{query}”"), None),
        Selection::Items(_) => ("Chosen items".to_string(), None),
        Selection::All => (SITE_NAME.to_string(), None),
    };
    let withheld = archive.withheld_places(&names)?;
    let named: BTreeSet<&str> = items.iter().filter_map(|i| i.place.as_deref()).collect();
    let places = (archive.places()?.into_iter())
        .filter(|p| named.contains(p.name.as_str()) && !withheld.contains(&crate::store::name_key(&p.name)))
        .map(|p| (p.name, p.gps))
        .collect();
    let in_events: BTreeSet<&str> = items.iter().filter_map(|i| i.event.as_deref()).collect();
    let mut events: Vec<(String, EdtfDate)> = (archive.events()?.into_iter())
        .filter(|e| in_events.contains(e.name.as_str()))
        .filter_map(|e| Some((e.name, e.date?)))
        .collect();
    events.sort_by(|a, b| a.1.sort_key().cmp(&b.1.sort_key()).then_with(|| a.0.cmp(&b.0)));
    let site = Site {
        items,
        photos,
        citations,
        collections,
        made_from: options.selection.describe(),
        heading,
        introduction,
        places,
        events,
    };

    for (path, text) in pages::all(&site)? {
        write_file(&folder.join(path), text)?;
    }
    write_file(&folder.join("assets/site.css"), include_str!("site/site.css"))?;
    write_file(&folder.join("assets/search.js"), include_str!("site/search.js"))?;

    if out.is_dir() {
        fs::remove_dir(out).map_err(|e| Error::io(out, e))?;
    }
    fs::rename(&folder, out).map_err(|e| Error::io(out, e))?;
    super::log_export(archive, "site", out, &site.items)?;
    Ok(ExportReport { exported: site.items.len() as u64, files, left_out, originals: false })
}

/// Writes each photo's cleaned full-size file and thumbnail, named by the hash of the cleaned
/// bytes, under `folder/images/`. A photo that cannot be cleaned leaves the site with the reason.
fn write_photos(
    archive: &Archive,
    items: &mut Vec<Item>,
    left_out: &mut Vec<LeftOut>,
    folder: &Path,
    progress: &super::Progress,
) -> Result<(BTreeMap<Id, SitePhoto>, u64)> {
    let mut photos = BTreeMap::new();
    let mut written = BTreeSet::new();
    let mut kept = Vec::with_capacity(items.len());
    let total = items.len();
    for (done, item) in std::mem::take(items).into_iter().enumerate() {
        progress.report(done, total);
        let ItemDetails::Photo(photo) = &item.details else {
            kept.push(item);
            continue;
        };
        let cleaned = super::clean_pixels(archive, photo, &item.redactions)?
            .and_then(|clean| Ok((clean_image::full_size(&clean)?, clean_image::scaled(&clean, THUMB_SIDE)?)));
        let (full, thumb) = match cleaned {
            Ok(pair) => pair,
            Err(e) => {
                left_out
                    .push(LeftOut { id: item.id, reason: format!("its photo cannot be cleaned for the site ({e})") });
                continue;
            }
        };
        let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&full.bytes));
        let full_name = format!("images/{sha}.{}", full.extension);
        let thumb_name = format!("images/{sha}-{THUMB_SIDE}.jpg");
        if written.insert(full_name.clone()) {
            write_file(&folder.join(&full_name), &full.bytes)?;
            write_file(&folder.join(&thumb_name), &thumb.bytes)?;
        }
        let site_photo = SitePhoto {
            full: full_name,
            full_size: (full.width, full.height),
            thumb: thumb_name,
            thumb_size: (thumb.width, thumb.height),
        };
        photos.insert(item.id, site_photo);
        kept.push(item);
    }
    progress.report(total, total);
    *items = kept;
    Ok((photos, written.len() as u64 * 2))
}

/// A file name for a collection: folded, lowercase ASCII words joined by `-`, unique.
fn unique_slug(name: &str, taken: &mut BTreeSet<String>) -> String {
    slug_or(name, "collection", taken)
}

/// A file name made of `name`'s folded, lowercase ASCII words joined by `-` (`fallback` when it
/// has none), unique among `taken`.
pub(crate) fn slug_or(name: &str, fallback: &str, taken: &mut BTreeSet<String>) -> String {
    let folded = words(name).into_iter().filter(|w| w.is_ascii()).collect::<Vec<_>>().join("-");
    let base: String = if folded.is_empty() { fallback.to_string() } else { folded.chars().take(60).collect() };
    let mut slug = base.clone();
    let mut n = 2;
    while !taken.insert(slug.clone()) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_slugs_are_plain_and_unique() {
        let mut taken = BTreeSet::new();
        assert_eq!(unique_slug("Rally day", &mut taken), "rally-day");
        assert_eq!(unique_slug("Rally Day!", &mut taken), "rally-day-2");
        assert_eq!(unique_slug("Marcha en Córdoba", &mut taken), "marcha-en-cordoba");
        assert_eq!(unique_slug("抗议", &mut taken), "collection");
    }
}
