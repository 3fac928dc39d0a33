//! Articles: saved news pages through a Readability port (dom_smoothie), which finds the
//! headline, byline, site name, date and the body as clean text; and plain `.txt`/`.md` files,
//! whose first heading or line is the title. The original file is kept.

use std::path::Path;

use chrono::{DateTime, Utc};
use dom_smoothie::{Config, Readability, TextMode};

use crate::date::EdtfDate;
use crate::model::{ArticleDetails, Item, ItemDetails};

/// An article item from a saved HTML page.
pub fn from_html(path: &Path, html: &str, sha256: &str, now: DateTime<Utc>) -> Result<Item, String> {
    let config = Config { text_mode: TextMode::Formatted, ..Default::default() };
    let mut readability =
        Readability::new(html, None, Some(config)).map_err(|e| format!("cannot read the page: {e}"))?;
    let article = readability.parse().map_err(|e| format!("found no article text in the page: {e}"))?;
    let body = clean_body(&article.text_content);
    if body.is_empty() {
        return Err("found no article text in the page".to_string());
    }
    let headline = Some(article.title.trim().to_string()).filter(|t| !t.is_empty()).unwrap_or_else(|| file_title(path));
    let authors = article
        .byline
        .as_deref()
        .map(|b| b.trim().trim_start_matches("By ").trim_start_matches("by ").to_string())
        .filter(|b| !b.is_empty())
        .map(|b| {
            b.split(" and ")
                .flat_map(|p| p.split(','))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let mut item = Item::new(
        headline.clone(),
        ItemDetails::Article(ArticleDetails {
            headline,
            outlet: article.site_name.clone().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
            authors,
            url: article.url.clone().filter(|u| u.starts_with("http")),
            body,
            sha256: Some(sha256.to_string()),
            file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()),
        }),
        now,
    );
    item.date = article.published_time.as_deref().and_then(date_of_timestamp);
    item.language = article.lang.as_deref().map(|l| l.trim().to_string()).filter(|l| !l.is_empty());
    Ok(item)
}

/// An article item from a `.txt` or `.md` file: the first heading (or line) is the title.
pub fn from_text(path: &Path, text: &str, sha256: &str, now: DateTime<Utc>) -> Result<Item, String> {
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines().skip_while(|l| l.trim().is_empty());
    let Some(first) = lines.next() else { return Err("the file holds no text".to_string()) };
    let headline = first.trim().trim_start_matches('#').trim().to_string();
    let body: String = lines.collect::<Vec<_>>().join("\n").trim().to_string();
    let body = if body.is_empty() { headline.clone() } else { body };
    let item = Item::new(
        headline.clone(),
        ItemDetails::Article(ArticleDetails {
            headline,
            outlet: None,
            authors: Vec::new(),
            url: None,
            body,
            sha256: Some(sha256.to_string()),
            file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()),
        }),
        now,
    );
    Ok(item)
}

fn file_title(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().replace(['_', '-'], " "))
        .unwrap_or_else(|| "Untitled article".to_string())
}

/// Paragraphs separated by one blank line, no runs of spaces.
fn clean_body(text: &str) -> String {
    let paragraphs: Vec<String> = text
        .split('\n')
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect();
    paragraphs.join("\n\n")
}

/// The day of an ISO 8601 timestamp ("2026-01-30T14:00:00Z" → 2026-01-30).
fn date_of_timestamp(s: &str) -> Option<EdtfDate> {
    let s = s.trim();
    let day = s.get(..10).unwrap_or(s);
    day.parse().ok().or_else(|| s.get(..7).and_then(|m| m.parse().ok()))
}
