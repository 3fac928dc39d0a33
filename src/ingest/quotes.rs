//! Quote sheets: CSV (any common delimiter, with or without a BOM, quoted multi-line cells),
//! JSON arrays and JSON Lines. Column names are matched by the names people actually use
//! (`text`/`quote`, `speaker`/`author`/`by`, `place`/`location` …); each bad row is reported by
//! its line number and the others come in.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::date::EdtfDate;
use crate::model::{Item, ItemDetails, QuoteDetails};

/// A row that could not become a quote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line in the file where the row starts.
    pub line: u64,
    /// Why.
    pub reason: String,
}

/// One row of a quote file: where it starts, and the quote or why there is none.
pub type Row = (u64, Result<Item, RowError>);

/// The longest row (a CSV line, a JSON Lines line, a JSON entry's text) a quote sheet may hold:
/// a quote is a few sentences, and a row of megabytes is a broken or hostile file. Longer lines
/// are refused before they are parsed, so that they cost no memory beyond the file itself.
pub const MAX_ROW_BYTES: usize = 1024 * 1024;

/// The first line of `text` longer than `limit` bytes: its 1-based number and length.
pub fn overlong_line(text: &str, limit: usize) -> Option<(u64, usize)> {
    text.split('\n').enumerate().find(|(_, line)| line.len() > limit).map(|(i, line)| (i as u64 + 1, line.len()))
}

fn too_long(bytes: usize) -> String {
    format!(
        "{} long, over the limit of {} MB for a row of a quote sheet",
        megabytes(bytes),
        MAX_ROW_BYTES / (1024 * 1024)
    )
}

fn megabytes(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

/// The field a column feeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Text,
    Speaker,
    Role,
    Date,
    Place,
    Source,
    Tags,
    Language,
    Context,
    Translation,
    Event,
    Description,
    Credit,
    Rights,
    Sensitivity,
    Consent,
}

fn column_for(header: &str) -> Option<Column> {
    let key: String =
        header.trim().trim_start_matches('\u{feff}').to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect();
    Some(match key.as_str() {
        "text" | "quote" | "quotation" | "content" | "words" | "body" => Column::Text,
        "speaker" | "author" | "by" | "who" | "name" | "saidby" | "person" => Column::Speaker,
        "role" | "affiliation" | "speakerrole" | "school" | "organization" => Column::Role,
        "date" | "when" | "saidon" | "day" => Column::Date,
        "place" | "location" | "city" | "where" => Column::Place,
        "source" | "url" | "link" | "citation" | "sourceurl" => Column::Source,
        "tags" | "tag" | "keywords" | "subjects" => Column::Tags,
        "lang" | "language" => Column::Language,
        "context" | "notes" | "note" => Column::Context,
        "translation" | "english" => Column::Translation,
        "event" => Column::Event,
        "description" => Column::Description,
        "credit" => Column::Credit,
        "rights" | "license" => Column::Rights,
        "sensitivity" => Column::Sensitivity,
        "consent" => Column::Consent,
        _ => return None,
    })
}

fn quote_from_fields(fields: &[(Column, String)], now: DateTime<Utc>) -> Result<Item, String> {
    let size: usize = fields.iter().map(|(_, v)| v.len()).sum();
    if size > MAX_ROW_BYTES {
        return Err(format!("the row is {}", too_long(size)));
    }
    let get =
        |c: Column| fields.iter().find(|(col, v)| *col == c && !v.trim().is_empty()).map(|(_, v)| v.trim().to_string());
    let Some(text) = get(Column::Text) else {
        return Err("the row has no quote text (looked for a column named text, quote or content)".to_string());
    };
    let mut item = Item::quote(text.clone(), now);
    let date = get(Column::Date).map(|d| d.parse::<EdtfDate>()).transpose().map_err(|e| e.to_string())?;
    item.date = date;
    item.place = get(Column::Place);
    item.event = get(Column::Event);
    item.source = get(Column::Source);
    item.language = get(Column::Language);
    item.description = get(Column::Description);
    item.credit = get(Column::Credit);
    item.rights = get(Column::Rights);
    if let Some(tags) = get(Column::Tags) {
        item.tags = tags.split([',', ';', '|']).map(str::trim).filter(|t| !t.is_empty()).map(String::from).collect();
    }
    if let Some(s) = get(Column::Sensitivity) {
        item.sensitivity = crate::model::Sensitivity::parse(&s).map_err(|e| e.to_string())?;
    }
    if let Some(c) = get(Column::Consent) {
        item.consent = crate::model::Consent::parse(&c).map_err(|e| e.to_string())?;
    }
    item.details = ItemDetails::Quote(QuoteDetails {
        text,
        speaker: get(Column::Speaker),
        role: get(Column::Role),
        context: get(Column::Context),
        source_item: None,
        translation: get(Column::Translation),
    });
    Ok(item)
}

/// The delimiter the header line uses most: comma, semicolon, tab or bar.
fn detect_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    [b',', b';', b'\t', b'|'].into_iter().max_by_key(|&d| header.bytes().filter(|&b| b == d).count()).unwrap_or(b',')
}

/// Reads a CSV quote sheet.
pub fn from_csv(text: &str, now: DateTime<Utc>) -> Result<Vec<Row>, String> {
    let text = text.trim_start_matches('\u{feff}');
    // Where a line this long ends a row cannot be trusted: the whole sheet is refused.
    if let Some((line, bytes)) = overlong_line(text, MAX_ROW_BYTES) {
        return Err(format!("line {line} is {}; not read", too_long(bytes)));
    }
    let mut reader =
        csv::ReaderBuilder::new().delimiter(detect_delimiter(text)).flexible(true).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| format!("cannot read the header row: {e}"))?.clone();
    let columns: Vec<Option<Column>> = headers.iter().map(column_for).collect();
    if !columns.contains(&Some(Column::Text)) {
        return Err(format!(
            "no quote column: the header row ({}) needs a column named text, quote or content",
            headers.iter().collect::<Vec<_>>().join(", ")
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let row = match record {
            Ok(record) => {
                let line = record.position().map_or(0, |p| p.line());
                let fields: Vec<(Column, String)> =
                    columns.iter().zip(record.iter()).filter_map(|(c, v)| c.map(|c| (c, v.to_string()))).collect();
                (line, quote_from_fields(&fields, now).map_err(|reason| RowError { line, reason }))
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                (line, Err(RowError { line, reason: format!("unreadable row: {e}") }))
            }
        };
        rows.push(row);
    }
    Ok(rows)
}

fn from_object(object: &Map<String, Value>, now: DateTime<Utc>) -> Result<Item, String> {
    let fields: Vec<(Column, String)> = object
        .iter()
        .filter_map(|(k, v)| {
            let column = column_for(k)?;
            let value = match v {
                Value::String(s) => s.clone(),
                Value::Array(values) => values.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join(", "),
                Value::Null => return None,
                other => other.to_string(),
            };
            Some((column, value))
        })
        .collect();
    quote_from_fields(&fields, now)
}

/// Reads a JSON quote file: an array of objects, or an object with a `quotes` or `items` array.
pub fn from_json(text: &str, now: DateTime<Utc>) -> Result<Vec<Row>, String> {
    let value: Value =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| format!("not valid JSON: {e}"))?;
    let list = match &value {
        Value::Array(list) => list,
        Value::Object(o) => match o.get("quotes").or_else(|| o.get("items")) {
            Some(Value::Array(list)) => list,
            _ => return Err("a JSON quote file must be an array of objects, or have a \"quotes\" array".to_string()),
        },
        _ => return Err("a JSON quote file must be an array of objects".to_string()),
    };
    Ok(list
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let line = i as u64 + 1;
            let item = match v {
                Value::Object(o) => {
                    from_object(o, now).map_err(|reason| RowError { line, reason: format!("entry {line}: {reason}") })
                }
                _ => Err(RowError { line, reason: format!("entry {line} is not an object") }),
            };
            (line, item)
        })
        .collect())
}

/// Reads JSON Lines: one quote object per line; blank lines are skipped.
pub fn from_json_lines(text: &str, now: DateTime<Utc>) -> Vec<Row> {
    json_lines(text, now).collect()
}

/// `from_json_lines` a row at a time, so a large file is never held as items all at once.
pub fn json_lines(text: &str, now: DateTime<Utc>) -> impl Iterator<Item = Row> + '_ {
    text.trim_start_matches('\u{feff}').lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).map(
        move |(i, line_text)| {
            let line = i as u64 + 1;
            if line_text.len() > MAX_ROW_BYTES {
                return (line, Err(RowError { line, reason: format!("the line is {}", too_long(line_text.len())) }));
            }
            let item = match serde_json::from_str::<Value>(line_text) {
                Ok(Value::Object(o)) => from_object(&o, now).map_err(|reason| RowError { line, reason }),
                Ok(_) => Err(RowError { line, reason: "not a JSON object".to_string() }),
                Err(e) => Err(RowError { line, reason: format!("not valid JSON: {e}") }),
            };
            (line, item)
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-02-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn csv_with_bom_semicolons_and_multiline_cells() {
        let csv = "\u{feff}Quote;By;Location;Date;Tags\n\"Line one\nline two\";Ana;Minneapolis;2026-01-30;walkout, ice\n;Nobody;;;\n";
        let rows = from_csv(csv, now()).unwrap();
        assert_eq!(rows.len(), 2);
        let item = rows[0].1.as_ref().unwrap();
        assert_eq!(item.speaker(), Some("Ana"));
        assert_eq!(item.place.as_deref(), Some("Minneapolis"));
        assert_eq!(item.tags, vec!["walkout", "ice"]);
        let ItemDetails::Quote(q) = &item.details else { panic!() };
        assert_eq!(q.text, "Line one\nline two");
        let err = rows[1].1.as_ref().unwrap_err();
        assert_eq!((rows[1].0, err.line), (4, 4));
        assert!(err.reason.contains("no quote text"));
    }

    #[test]
    fn a_sheet_without_a_text_column_is_refused_naming_its_headers() {
        let err = from_csv("name,city\nA,B\n", now()).unwrap_err();
        assert!(err.contains("name, city"), "{err}");
    }

    #[test]
    fn json_lines_report_bad_lines_by_number() {
        let rows = from_json_lines(
            "{\"text\":\"a\",\"author\":\"B\",\"lang\":\"es\"}\n\nnot json\n{\"text\":\"c\",\"date\":\"2026-13\"}\n",
            now(),
        );
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].1.as_ref().unwrap().language.as_deref(), Some("es"));
        assert_eq!(rows[1].1.as_ref().unwrap_err().line, 3);
        let bad_date = rows[2].1.as_ref().unwrap_err();
        assert_eq!(bad_date.line, 4);
        assert!(bad_date.reason.contains("2026-13"), "{}", bad_date.reason);
    }
}
