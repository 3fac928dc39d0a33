//! The CSV export for Omeka S CSV Import: `items.csv` (one row per item) beside `files/<sha256>`.
//!
//! The `dcterms:` columns are what Omeka maps on its own; `media` is the file's path relative
//! to the folder — a photo's cleaned copy unless the export ships originals — (point Omeka's
//! sideload directory at the folder). Every other field rides in a `walkout:` column, so `walkout import` of the folder gives back the same items,
//! field for field. Multi-valued cells (`dcterms:subject`, `dcterms:creator` of an article,
//! `walkout:collections`, `walkout:authors`) join their values with [`SEPARATOR`] (`|`), which
//! is also Omeka CSV Import's default; a `|` or `\` inside a value is written `\|` or `\\`.
//! `walkout:redactions` holds a photo's boxes to black out as a JSON array. What leaves has
//! passed `export::select` (pseudonyms, no photo GPS).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::SecondsFormat;

use super::{ExportOptions, ExportReport, select_for, ship_files, write_file};
use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::model::{Item, ItemDetails};

/// The CSV file's name inside the export folder.
pub const FILE_NAME: &str = "items.csv";
/// The folder of original files, beside the CSV.
pub const FILES_DIR: &str = "files";
/// What joins the values of a multi-valued cell.
pub const SEPARATOR: char = '|';

/// The columns, in order: Dublin Core first, then `media`, then Walkout's own fields.
pub const COLUMNS: &[&str] = &[
    "dcterms:identifier",
    "dcterms:title",
    "dcterms:date",
    "dcterms:creator",
    "dcterms:description",
    "dcterms:subject",
    "dcterms:spatial",
    "dcterms:type",
    "dcterms:language",
    "dcterms:source",
    "dcterms:rights",
    "media",
    "walkout:event",
    "walkout:collections",
    "walkout:credit",
    "walkout:sensitivity",
    "walkout:consent",
    "walkout:demo",
    "walkout:created_at",
    "walkout:updated_at",
    "walkout:people",
    "walkout:redactions",
    "walkout:text",
    "walkout:speaker",
    "walkout:role",
    "walkout:context",
    "walkout:source_item",
    "walkout:translation",
    "walkout:sha256",
    "walkout:file_name",
    "walkout:caption",
    "walkout:width",
    "walkout:height",
    "walkout:format",
    "walkout:taken_at",
    "walkout:camera",
    "walkout:orientation",
    "walkout:headline",
    "walkout:outlet",
    "walkout:authors",
    "walkout:url",
    "walkout:body",
    "walkout:ocr_text",
    "walkout:date_rule",
    "walkout:template",
];

/// Writes `out/items.csv` and `out/files/`.
pub fn export(archive: &Archive, options: &ExportOptions, out: &Path) -> Result<ExportReport> {
    let (mut items, mut left_out) =
        select_for(archive, &options.selection, options.include_restricted, super::purpose(options))?;
    let files = ship_files(archive, &mut items, &mut left_out, &out.join(FILES_DIR), options)?;
    write_file(&out.join(FILE_NAME), to_csv(&items, &crate::templates::by_key(archive)?)?)?;
    super::log_export(archive, "csv", out, &items)?;
    Ok(ExportReport { exported: items.len() as u64, files, left_out, originals: options.originals })
}

/// The CSV text of `items`, header first.
pub fn to_csv(items: &[Item], templates: &BTreeMap<String, crate::templates::Template>) -> Result<Vec<u8>> {
    let mut writer = ::csv::WriterBuilder::new().from_writer(Vec::new());
    let failed = |e: ::csv::Error| Error::invalid("csv export", e.to_string());
    // Template fields: a column per term (or `walkout:<key>` when a field maps to none), after
    // Walkout's own; a term that is one of the fixed columns adds to that column's cell.
    let terms: Vec<Vec<(String, String)>> = items.iter().map(|i| crate::templates::terms_of(templates, i)).collect();
    let extra: BTreeSet<String> =
        terms.iter().flatten().map(|(t, _)| t.clone()).filter(|t| !COLUMNS.contains(&t.as_str())).collect();
    let extra: Vec<String> = extra.into_iter().collect();
    let mut header: Vec<&str> = COLUMNS.to_vec();
    header.extend(extra.iter().map(String::as_str));
    writer.write_record(&header).map_err(failed)?;
    for (item, terms) in items.iter().zip(&terms) {
        let mut cells = row(item);
        cells.extend(extra.iter().map(|_| String::new()));
        for (term, value) in terms {
            if let Some(at) = header.iter().position(|h| h == term) {
                let cell = &mut cells[at];
                if !cell.is_empty() {
                    cell.push(SEPARATOR);
                }
                cell.push_str(value);
            }
        }
        writer.write_record(cells).map_err(failed)?;
    }
    writer.into_inner().map_err(|e| Error::invalid("csv export", e.to_string()))
}

/// One item's cells, in the order of [`COLUMNS`].
pub fn row(item: &Item) -> Vec<String> {
    let text = |s: &Option<String>| s.clone().unwrap_or_default();
    let number = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
    let mut cells = vec![
        item.id.to_string(),
        item.title.clone(),
        item.date.as_ref().map(|d| d.as_str().to_string()).unwrap_or_default(),
        creator(item),
        text(&item.description),
        join(&item.tags),
        text(&item.place),
        item.kind().as_str().to_string(),
        text(&item.language),
        text(&item.source),
        text(&item.rights),
        item.sha256().map(|sha| format!("{FILES_DIR}/{sha}")).unwrap_or_default(),
        text(&item.event),
        join(&item.collections),
        text(&item.credit),
        item.sensitivity.as_str().to_string(),
        item.consent.as_str().to_string(),
        item.demo.to_string(),
        item.created_at.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        item.updated_at.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        join(&item.people),
        redactions(item),
    ];
    let empty = || String::new();
    let (quote, photo, article) = match &item.details {
        ItemDetails::Quote(q) => (Some(q), None, None),
        ItemDetails::Photo(p) => (None, Some(p), None),
        ItemDetails::Article(a) => (None, None, Some(a)),
    };
    cells.extend(match quote {
        Some(q) => [
            q.text.clone(),
            text(&q.speaker),
            text(&q.role),
            text(&q.context),
            q.source_item.map(|id| id.to_string()).unwrap_or_default(),
            text(&q.translation),
        ],
        None => std::array::from_fn(|_| empty()),
    });
    cells.push(item.sha256().unwrap_or_default().to_string());
    cells.push(match (photo, article) {
        (Some(p), _) => text(&p.file_name),
        (_, Some(a)) => text(&a.file_name),
        _ => empty(),
    });
    cells.extend(match photo {
        Some(p) => [
            text(&p.caption),
            number(p.width),
            number(p.height),
            text(&p.format),
            text(&p.taken_at),
            text(&p.camera),
            p.orientation.map(|o| o.to_string()).unwrap_or_default(),
        ],
        None => std::array::from_fn(|_| empty()),
    });
    cells.extend(match article {
        Some(a) => [a.headline.clone(), text(&a.outlet), join(&a.authors), text(&a.url), a.body.clone()],
        None => std::array::from_fn(|_| empty()),
    });
    // The words read in the photo or page (after the policy: names replaced, redacted words out).
    cells.push(text(&item.ocr_text));
    cells.push(article.and_then(|a| a.date_rule).map(|r| r.as_str().to_string()).unwrap_or_default());
    cells.push(text(&item.template));
    debug_assert_eq!(cells.len(), COLUMNS.len());
    cells
}

/// A photo's boxes to black out, as a JSON array (empty when there are none).
fn redactions(item: &Item) -> String {
    if item.redactions.is_empty() {
        return String::new();
    }
    serde_json::to_string(&item.redactions).unwrap_or_default()
}

/// Who made it, for `dcterms:creator`: a quote's speaker, an article's authors, a photo's credit.
fn creator(item: &Item) -> String {
    match &item.details {
        ItemDetails::Quote(q) => q.speaker.clone().unwrap_or_default(),
        ItemDetails::Photo(_) => item.credit.clone().unwrap_or_default(),
        ItemDetails::Article(a) => join(&a.authors),
    }
}

/// Joins values with [`SEPARATOR`], escaping a separator or backslash inside a value.
pub fn join(values: &[String]) -> String {
    let escaped: Vec<String> = values.iter().map(|v| v.replace('\\', "\\\\").replace(SEPARATOR, "\\|")).collect();
    escaped.join(&SEPARATOR.to_string())
}

/// Splits a cell written by [`join`] back into its values (empty values dropped).
pub fn split(cell: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut current = String::new();
    let mut chars = cell.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => current.push(chars.next().unwrap_or('\\')),
            SEPARATOR => values.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    values.push(current);
    values.into_iter().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_and_split_keep_separators_inside_values() {
        let values = vec!["a|b".to_string(), "back\\slash".to_string(), "plain".to_string()];
        assert_eq!(join(&values), "a\\|b|back\\\\slash|plain");
        assert_eq!(split(&join(&values)), values);
        assert_eq!(split(""), Vec::<String>::new());
    }
}
