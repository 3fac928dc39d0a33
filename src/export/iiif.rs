//! The IIIF export: IIIF Presentation 3 manifests of the selected photos, with a level-0 IIIF
//! Image API 3 service made of static files, in a folder that any IIIF viewer (Mirador,
//! Universal Viewer) opens once a plain web server serves it at `ExportOptions::base_url`.
//!
//! ```text
//! collection.json                           a IIIF Collection listing the manifests
//! manifests/<slug>.json                     one Manifest per collection of photos (or one for
//!                                           a search or chosen items), a Canvas per photo
//! images/<sha256>/info.json                 the image service (level 0: static sizes only)
//! images/<sha256>/full/max/0/default.jpg    the cleaned photo at full size
//! images/<sha256>/full/<w>,<h>/0/default.jpg  the same at its listed sizes: full and thumbnail
//! ```
//!
//! Labels are English and Spanish; a canvas carries its photo's title, caption, date (as
//! `navDate`), place, event, people, tags, credit and source, its rights as a Creative Commons or
//! RightsStatements.org URI, and the words read in it (OCR) as a `supplementing` annotation.
//!
//! Privacy: items are chosen through `export::select_for` for the public, so restricted items
//! stay (unless asked for), private ones always; people without name consent appear by
//! pseudonym in every text, OCR text included; collection names and descriptions are scrubbed
//! the same way. Photos leave only as cleaned copies — upright, redactions burned in, re-encoded
//! as JPEG with no EXIF, GPS, XMP or IPTC — never as originals (`--originals` is refused). No
//! manifest carries a photo's GPS (no `navPlace`), camera, exact time or file name. Quotes and
//! articles are not photos: the report lists them as left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Map, Value, json};

use super::site::THUMB_SIDE;
use super::{ExportOptions, ExportReport, LeftOut, Selection, select_for, write_file};
use crate::archive::Archive;
use crate::date::EdtfDate;
use crate::error::{Error, Result};
use crate::files::clean_image;
use crate::model::{Id, Item, ItemDetails};
use crate::privacy::{Disclosure, Purpose};

/// Where the folder is served when `ExportOptions::base_url` is not given.
pub const DEFAULT_BASE_URL: &str = "http://localhost:8000/";
/// The top-level IIIF Collection.
pub const COLLECTION_FILE: &str = "collection.json";
/// The folder of the manifests.
pub const MANIFESTS_DIR: &str = "manifests";
/// The folder of the image services.
pub const IMAGES_DIR: &str = "images";
/// Why a quote or an article is not in a IIIF export.
pub const NOT_A_PHOTO: &str = "IIIF manifests carry photos only";

const PRESENTATION_CONTEXT: &str = "http://iiif.io/api/presentation/3/context.json";
const IMAGE_CONTEXT: &str = "http://iiif.io/api/image/3/context.json";
/// Rights of an item whose rights text names no licence: In Copyright.
pub const IN_COPYRIGHT: &str = "http://rightsstatements.org/vocab/InC/1.0/";
/// Rights of an item without any rights text: Copyright Not Evaluated.
pub const NOT_EVALUATED: &str = "http://rightsstatements.org/vocab/CNE/1.0/";
/// The statements of RightsStatements.org, as its URIs spell them.
const RIGHTS_STATEMENTS: &str = "InC InC-OW-EU InC-EDU InC-NC InC-RUU NoC-CR NoC-NC NoC-OKLR NoC-US CNE UND NKC";

/// A photo's image service as written: its id and the sizes of its files.
#[derive(Clone)]
struct Image {
    service: String,
    full: (u32, u32),
    thumb: (u32, u32),
}

/// One manifest to write: its label in English and Spanish, a summary, and its photos.
struct Group {
    en: String,
    es: String,
    summary: Option<String>,
    items: Vec<Id>,
}

/// Writes the IIIF folder `out`.
pub fn export(archive: &Archive, options: &ExportOptions, out: &Path) -> Result<ExportReport> {
    let base = base_url(options.base_url.as_deref())?;
    let (selected, mut left_out) =
        select_for(archive, &options.selection, options.include_restricted, Purpose::Public)?;
    let mut photos = Vec::with_capacity(selected.len());
    for item in selected {
        if matches!(item.details, ItemDetails::Photo(_)) {
            photos.push(item);
        } else {
            left_out.push(LeftOut { id: item.id, reason: NOT_A_PHOTO.to_string() });
        }
    }
    let images = write_images(archive, &mut photos, &mut left_out, out, &base, options)?;
    if photos.is_empty() {
        return Err(Error::invalid(
            "selection",
            format!(
                "no photo of {} may leave ({} items left out; {NOT_A_PHOTO})",
                options.selection.describe(),
                left_out.len()
            ),
        ));
    }
    let mut names = Disclosure::new(archive, false, Purpose::Public)?;
    let by_id: BTreeMap<Id, &Item> = photos.iter().map(|i| (i.id, i)).collect();
    let mut slugs = BTreeSet::new();
    let mut refs = Vec::new();
    for group in groups(archive, &options.selection, &photos, &mut names)? {
        let slug = super::site::slug_or(&group.en, "photos", &mut slugs);
        let manifest = manifest(&base, &slug, &group, &by_id, &images);
        let mut reference = json!({"id": manifest["id"], "type": "Manifest", "label": manifest["label"]});
        if let Some(thumbnail) = manifest["items"][0].get("thumbnail") {
            reference["thumbnail"] = thumbnail.clone();
        }
        write_file(&out.join(MANIFESTS_DIR).join(format!("{slug}.json")), to_bytes(&manifest)?)?;
        refs.push(reference);
    }
    let (en, es) = match &options.selection {
        Selection::Collection(name) => (names.scrub(name), names.scrub(name)),
        Selection::All => (super::site::SITE_NAME.to_string(), super::site::SITE_NAME.to_string()),
        Selection::Query(_) | Selection::Items(_) => selected_words(),
    };
    let collection = json!({
        "@context": PRESENTATION_CONTEXT,
        "id": format!("{base}{COLLECTION_FILE}"),
        "type": "Collection",
        "label": {"en": [en], "es": [es]},
        "items": refs,
    });
    write_file(&out.join(COLLECTION_FILE), to_bytes(&collection)?)?;
    super::log_export(archive, "iiif", out, &photos)?;
    let files = images.values().map(|i| &i.service).collect::<BTreeSet<_>>().len() as u64;
    Ok(ExportReport { exported: photos.len() as u64, files, left_out, originals: false })
}

/// The base URL every id starts with: an http(s) address, ending in `/`.
pub fn base_url(given: Option<&str>) -> Result<String> {
    let Some(url) = given.map(str::trim) else { return Ok(DEFAULT_BASE_URL.to_string()) };
    let lower = url.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    let host = rest.and_then(|r| r.split('/').next()).unwrap_or("");
    let bad = |c: char| !c.is_ascii_graphic() || "\"<>\\^`{|}?#".contains(c);
    if host.is_empty() || url.chars().any(bad) {
        let why = "is not an http(s) address without spaces, query or fragment, like https://example.org/walkout/";
        return Err(Error::invalid("base_url", format!("{url:?} {why}")));
    }
    let (scheme, rest) = url.split_at(url.find("://").unwrap_or(0) + 3);
    let slash = if rest.ends_with('/') { "" } else { "/" };
    Ok(format!("{}{rest}{slash}", scheme.to_ascii_lowercase()))
}

/// Writes each photo's cleaned image files and info.json once, under `out/images/<sha256>/`,
/// named by the hash of the cleaned full-size JPEG. A photo that cannot be cleaned moves to
/// `left_out`, never leaving as it is.
fn write_images(
    archive: &Archive,
    photos: &mut Vec<Item>,
    left_out: &mut Vec<LeftOut>,
    out: &Path,
    base: &str,
    options: &ExportOptions,
) -> Result<BTreeMap<Id, Image>> {
    let mut written: BTreeMap<String, Image> = BTreeMap::new();
    let mut images = BTreeMap::new();
    let total = photos.len();
    let mut kept = Vec::with_capacity(total);
    for (done, item) in std::mem::take(photos).into_iter().enumerate() {
        options.progress.report(done, total);
        let ItemDetails::Photo(photo) = &item.details else { continue };
        let cleaned = super::clean_pixels(archive, photo, &item.redactions)?.and_then(|mut clean| {
            // A level-0 image service serves JPEG: a PNG leaves flattened, as JPEG, too.
            clean.png = false;
            Ok((clean_image::full_size(&clean)?, clean_image::scaled(&clean, THUMB_SIDE)?))
        });
        let (full, thumb) = match cleaned {
            Ok(pair) => pair,
            Err(e) => {
                let reason = format!("its photo cannot be cleaned for export ({e})");
                left_out.push(LeftOut { id: item.id, reason });
                continue;
            }
        };
        let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&full.bytes));
        if !written.contains_key(&sha) {
            let dir = out.join(IMAGES_DIR).join(&sha);
            let image = Image {
                service: format!("{base}{IMAGES_DIR}/{sha}"),
                full: (full.width, full.height),
                thumb: (thumb.width, thumb.height),
            };
            let max = dir.join("full/max/0/default.jpg");
            write_file(&max, &full.bytes)?;
            // Viewers ask a level-0 service for the sizes it lists, full size included, by
            // `w,h` (OpenSeadragon does): the same file again, linked where the disk allows.
            let sized = dir.join(format!("full/{},{}/0/default.jpg", full.width, full.height));
            let linked = sized.parent().is_some_and(|p| std::fs::create_dir_all(p).is_ok())
                && std::fs::hard_link(&max, &sized).is_ok();
            if !linked {
                write_file(&sized, &full.bytes)?;
            }
            if image.thumb != image.full {
                write_file(&dir.join(format!("full/{},{}/0/default.jpg", thumb.width, thumb.height)), &thumb.bytes)?;
            }
            write_file(&dir.join("info.json"), to_bytes(&info_json(&image))?)?;
            written.insert(sha.clone(), image);
        }
        images.insert(item.id, written[&sha].clone());
        kept.push(item);
    }
    options.progress.report(total, total);
    *photos = kept;
    Ok(images)
}

/// The Image API 3 description of a level-0 service: its sizes, smallest first.
fn info_json(image: &Image) -> Value {
    let mut sizes = vec![json!({"width": image.full.0, "height": image.full.1})];
    if image.thumb != image.full {
        sizes.insert(0, json!({"width": image.thumb.0, "height": image.thumb.1}));
    }
    json!({
        "@context": IMAGE_CONTEXT,
        "id": image.service,
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level0",
        "width": image.full.0,
        "height": image.full.1,
        "sizes": sizes,
    })
}

/// The manifests to write: the selected collection; every collection holding photos, then the
/// photos in none; or the search's or chosen photos.
fn groups(archive: &Archive, selection: &Selection, photos: &[Item], names: &mut Disclosure) -> Result<Vec<Group>> {
    let all: Vec<Id> = photos.iter().map(|i| i.id).collect();
    let description = |name: &str, names: &mut Disclosure| -> Result<Option<String>> {
        let found = archive.collections()?.into_iter().find(|c| c.name == name);
        Ok(found.and_then(|c| c.description).map(|d| names.scrub(&d)))
    };
    Ok(match selection {
        Selection::Collection(name) => {
            let summary = description(name, names)?;
            vec![Group { en: names.scrub(name), es: names.scrub(name), summary, items: all }]
        }
        Selection::Query(_) | Selection::Items(_) => {
            let (en, es) = selected_words();
            vec![Group { en, es, summary: None, items: all }]
        }
        Selection::All => {
            let exported: BTreeSet<Id> = all.iter().copied().collect();
            let mut placed = BTreeSet::new();
            let mut groups = Vec::new();
            for c in archive.collections()? {
                let items: Vec<Id> = c.items.into_iter().filter(|id| exported.contains(id)).collect();
                if items.is_empty() {
                    continue;
                }
                placed.extend(items.iter().copied());
                let name = names.scrub(&c.name);
                let summary = c.description.map(|d| names.scrub(&d));
                groups.push(Group { en: name.clone(), es: name, summary, items });
            }
            let rest: Vec<Id> = all.into_iter().filter(|id| !placed.contains(id)).collect();
            if !rest.is_empty() {
                groups.push(Group { en: "Photos".into(), es: "Fotos".into(), summary: None, items: rest });
            }
            groups
        }
    })
}

fn selected_words() -> (String, String) {
    ("Selected photos".to_string(), "Fotos seleccionadas".to_string())
}

/// One manifest: a canvas per photo, in the group's order.
fn manifest(base: &str, slug: &str, group: &Group, items: &BTreeMap<Id, &Item>, images: &BTreeMap<Id, Image>) -> Value {
    let canvases: Vec<Value> = (group.items.iter())
        .filter_map(|id| Some(canvas(&format!("{base}{MANIFESTS_DIR}/{slug}"), items.get(id)?, images.get(id)?)))
        .collect();
    let mut manifest = json!({
        "@context": PRESENTATION_CONTEXT,
        "id": format!("{base}{MANIFESTS_DIR}/{slug}.json"),
        "type": "Manifest",
        "label": {"en": [group.en], "es": [group.es]},
        "partOf": [{"id": format!("{base}{COLLECTION_FILE}"), "type": "Collection"}],
    });
    if let Some(summary) = &group.summary {
        manifest["summary"] = json!({"none": [summary]});
    }
    // The manifest states the rights its photos share, where viewers look first.
    for key in ["rights", "requiredStatement"] {
        let first = canvases.first().and_then(|c| c.get(key));
        if first.is_some() && canvases.iter().all(|c| c.get(key) == first) {
            manifest[key] = first.cloned().unwrap_or_default();
        }
    }
    manifest["items"] = Value::Array(canvases);
    manifest
}

/// A photo's canvas: the cleaned image painted on it, its catalog fields, its OCR text.
fn canvas(prefix: &str, item: &Item, image: &Image) -> Value {
    let id = format!("{prefix}/canvas/{}", item.id);
    let lang = language(item.language.as_deref());
    let (width, height) = image.full;
    let service = json!([{"id": image.service, "type": "ImageService3", "profile": "level0"}]);
    let body = json!({
        "id": format!("{}/full/max/0/default.jpg", image.service),
        "type": "Image",
        "format": "image/jpeg",
        "width": width,
        "height": height,
        "service": service,
    });
    let mut canvas = json!({
        "id": id,
        "type": "Canvas",
        "label": {lang.as_str(): [item.title]},
        "width": width,
        "height": height,
        "thumbnail": [{
            "id": format!("{}/full/{},{}/0/default.jpg", image.service, image.thumb.0, image.thumb.1),
            "type": "Image",
            "format": "image/jpeg",
            "width": image.thumb.0,
            "height": image.thumb.1,
            "service": service,
        }],
        "items": [{
            "id": format!("{id}/page/painting"),
            "type": "AnnotationPage",
            "items": [{
                "id": format!("{id}/annotation/image"),
                "type": "Annotation",
                "motivation": "painting",
                "body": body,
                "target": id,
            }],
        }],
    });
    let fields = canvas.as_object_mut().expect("an object");
    let metadata = metadata(item, &lang);
    if !metadata.is_empty() {
        fields.insert("metadata".into(), Value::Array(metadata));
    }
    if let Some(summary) = item.description.as_deref().filter(|d| !d.trim().is_empty()) {
        fields.insert("summary".into(), json!({lang.as_str(): [summary]}));
    }
    if let Some(date) = item.date.as_ref().and_then(nav_date) {
        fields.insert("navDate".into(), json!(date));
    }
    fields.insert("rights".into(), json!(rights_uri(item.rights.as_deref())));
    if let Some(rights) = item.rights.as_deref().filter(|r| !r.trim().is_empty()) {
        let label = json!({"en": ["Rights"], "es": ["Derechos"]});
        fields.insert("requiredStatement".into(), json!({"label": label, "value": {"none": [rights]}}));
    }
    if let Some(text) = item.ocr_text.as_deref().filter(|t| !t.trim().is_empty()) {
        let mut body = Map::new();
        body.insert("type".into(), json!("TextualBody"));
        body.insert("value".into(), json!(text));
        body.insert("format".into(), json!("text/plain"));
        if lang != "none" {
            body.insert("language".into(), json!(lang));
        }
        let annotation = json!({
            "id": format!("{id}/annotation/ocr"),
            "type": "Annotation",
            "motivation": "supplementing",
            "body": body,
            "target": id,
        });
        let page = json!({"id": format!("{id}/page/ocr"), "type": "AnnotationPage", "items": [annotation]});
        fields.insert("annotations".into(), json!([page]));
    }
    canvas
}

/// The canvas's label–value pairs, labels in English and Spanish: only fields that have a value.
fn metadata(item: &Item, lang: &str) -> Vec<Value> {
    let caption = match &item.details {
        ItemDetails::Photo(p) => p.caption.clone(),
        _ => None,
    };
    let one = |v: &Option<String>| v.iter().filter(|v| !v.trim().is_empty()).cloned().collect::<Vec<_>>();
    let access = item.restriction.as_ref().map(|r| format!("{}: {r}", item.sensitivity.as_str()));
    let rows: [(&str, &str, &str, Vec<String>); 9] = [
        ("Caption", "Pie de foto", lang, one(&caption)),
        ("Date", "Fecha", "none", one(&item.date.as_ref().map(|d| d.as_str().to_string()))),
        ("Place", "Lugar", "none", one(&item.place)),
        ("Event", "Evento", "none", one(&item.event)),
        ("People", "Personas", "none", item.people.clone()),
        ("Tags", "Etiquetas", lang, item.tags.clone()),
        ("Credit", "Créditos", "none", one(&item.credit)),
        ("Source", "Fuente", "none", one(&item.source)),
        ("Access", "Acceso", "en", one(&access)),
    ];
    rows.into_iter()
        .filter(|(.., values)| !values.is_empty())
        .map(|(en, es, lang, values)| json!({"label": {"en": [en], "es": [es]}, "value": {lang: values}}))
        .collect()
}

/// A language map's key for an item's language: its BCP 47 subtags up to the first that is not
/// letters (`es-419` → `es`), as IIIF's schema wants them; `none` when it has none.
fn language(code: Option<&str>) -> String {
    let key = (code.unwrap_or("").trim().split(['-', '_']))
        .take_while(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphabetic()))
        .collect::<Vec<_>>()
        .join("-");
    if key.is_empty() { "none".to_string() } else { key }
}

/// The first day a date covers, as IIIF's `navDate`; none when its start is open (`../2026`).
fn nav_date(date: &EdtfDate) -> Option<String> {
    date.year()?;
    Some(format!("{}T00:00:00Z", date.range().0.format("%Y-%m-%d")))
}

/// The rights URI of an item's rights text: a Creative Commons licence or RightsStatements.org
/// statement it names or links (as `http://`, which IIIF's schema wants); else In Copyright
/// when it says anything, Copyright Not Evaluated when it is empty.
pub fn rights_uri(rights: Option<&str>) -> String {
    let Some(text) = rights.map(str::trim).filter(|t| !t.is_empty()) else { return NOT_EVALUATED.to_string() };
    linked_rights(text).or_else(|| creative_commons(text)).unwrap_or_else(|| IN_COPYRIGHT.to_string())
}

/// A creativecommons.org or rightsstatements.org address in the text, in canonical form.
fn linked_rights(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    for host in ["creativecommons.org/", "rightsstatements.org/vocab/"] {
        let Some(at) = lower.find(host) else { continue };
        // `to_ascii_lowercase` keeps byte offsets, and RightsStatements' paths are case-sensitive.
        let path: String = text[at + host.len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '-'))
            .collect();
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let version = |v: Option<&&str>| v.filter(|v| is_version(v)).map(|v| v.to_string());
        if host.starts_with("creative") {
            let (kind, code) = (parts.first()?.to_ascii_lowercase(), parts.get(1)?.to_ascii_lowercase());
            let known = match kind.as_str() {
                "licenses" => ["by", "by-sa", "by-nd", "by-nc", "by-nc-sa", "by-nc-nd"].contains(&code.as_str()),
                "publicdomain" => ["zero", "mark"].contains(&code.as_str()),
                _ => false,
            };
            let version = version(parts.get(2))?;
            return known.then(|| format!("http://creativecommons.org/{kind}/{code}/{version}/"));
        }
        let first = parts.first()?;
        let code = RIGHTS_STATEMENTS.split(' ').find(|s| s.eq_ignore_ascii_case(first))?;
        return Some(format!("http://rightsstatements.org/vocab/{code}/{}/", version(parts.get(1))?));
    }
    None
}

/// A Creative Commons licence named in words: `CC BY-SA 4.0`, `CC0`, `Creative Commons
/// Attribution-NonCommercial 4.0 International`. A licence without its version is not guessed.
fn creative_commons(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = (lower.split(|c: char| !(c.is_alphanumeric() || c == '.')))
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty())
        .collect();
    let has = |names: &[&str]| words.iter().any(|w| names.contains(w));
    if has(&["cc0"]) {
        return Some("http://creativecommons.org/publicdomain/zero/1.0/".to_string());
    }
    if !(has(&["cc"]) || (has(&["creative"]) && has(&["commons"]))) || !has(&["by", "attribution"]) {
        return None;
    }
    let version = words.iter().find(|w| is_version(w))?;
    let (nc, sa) = (has(&["nc", "noncommercial"]), has(&["sa", "sharealike"]));
    let nd = has(&["nd", "noderivatives", "noderivs"]);
    if sa && nd {
        return None;
    }
    let code =
        format!("by{}{}{}", if nc { "-nc" } else { "" }, if sa { "-sa" } else { "" }, if nd { "-nd" } else { "" });
    Some(format!("http://creativecommons.org/licenses/{code}/{version}/"))
}

fn is_version(v: &str) -> bool {
    ["1.0", "2.0", "2.5", "3.0", "4.0"].contains(&v)
}

fn to_bytes(value: &Value) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(value).map_err(|e| Error::invalid("iiif export", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rights_texts_become_rights_uris() {
        let uri = |t: &str| rights_uri(Some(t));
        assert_eq!(uri("CC BY 4.0"), "http://creativecommons.org/licenses/by/4.0/");
        assert_eq!(uri("cc-by-nc-sa 3.0"), "http://creativecommons.org/licenses/by-nc-sa/3.0/");
        assert_eq!(
            uri("Creative Commons Attribution-NoDerivatives 4.0 International"),
            "http://creativecommons.org/licenses/by-nd/4.0/"
        );
        assert_eq!(uri("CC0 1.0"), "http://creativecommons.org/publicdomain/zero/1.0/");
        assert_eq!(
            uri("Licensed https://creativecommons.org/licenses/by-sa/4.0/legalcode."),
            "http://creativecommons.org/licenses/by-sa/4.0/"
        );
        assert_eq!(
            uri("https://rightsstatements.org/vocab/NoC-US/1.0"),
            "http://rightsstatements.org/vocab/NoC-US/1.0/"
        );
        assert_eq!(
            uri("http://rightsstatements.org/vocab/inc-edu/1.0/"),
            "http://rightsstatements.org/vocab/InC-EDU/1.0/"
        );
        // No version, a made-up licence, or plain words: In Copyright, never a guess.
        for text in
            ["CC BY", "CC BY-SA-ND 4.0", "© 2026 Ana Photographer", "https://creativecommons.org/licenses/xy/4.0/"]
        {
            assert_eq!(uri(text), IN_COPYRIGHT, "{text}");
        }
        assert_eq!(rights_uri(None), NOT_EVALUATED);
        assert_eq!(rights_uri(Some("  ")), NOT_EVALUATED);
    }

    #[test]
    fn nav_dates_are_the_first_day_of_the_range() {
        let nav = |d: &str| nav_date(&d.parse().unwrap());
        assert_eq!(nav("2026-01-30").as_deref(), Some("2026-01-30T00:00:00Z"));
        assert_eq!(nav("2026-01~").as_deref(), Some("2026-01-01T00:00:00Z"));
        assert_eq!(nav("202X").as_deref(), Some("2020-01-01T00:00:00Z"));
        assert_eq!(nav("2026-01-30/2026-02-02").as_deref(), Some("2026-01-30T00:00:00Z"));
        assert_eq!(nav("../2026"), None);
    }

    #[test]
    fn base_urls_are_http_addresses_ending_in_a_slash() {
        assert_eq!(base_url(None).unwrap(), DEFAULT_BASE_URL);
        assert_eq!(base_url(Some("HTTPS://Example.org/w")).unwrap(), "https://Example.org/w/");
        assert_eq!(base_url(Some("http://localhost:8000/")).unwrap(), "http://localhost:8000/");
        for bad in ["example.org", "ftp://example.org/", "https://", "https://a b/", "https://a/?q=1", "https://a/#x"] {
            assert!(matches!(base_url(Some(bad)), Err(Error::InvalidField { .. })), "{bad}");
        }
    }

    #[test]
    fn language_keys_are_letters_only() {
        assert_eq!(language(Some("es")), "es");
        assert_eq!(language(Some("es-419")), "es");
        assert_eq!(language(Some("zh-Hant")), "zh-Hant");
        assert_eq!(language(None), "none");
        assert_eq!(language(Some("419")), "none");
    }
}
