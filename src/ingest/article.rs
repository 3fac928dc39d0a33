//! Articles: saved news pages through a Readability port (dom_smoothie), which finds the
//! headline, byline, site name, date and the body as clean text; and plain `.txt`/`.md` files,
//! whose first heading or line is the title. The original file is kept.

use std::collections::HashMap;
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

/// Paragraphs separated by one blank line, no runs of spaces, without the page furniture a
/// readability pass lets through: gallery captions repeated on the page, photo credits and
/// copyright lines, and the "Updated …"/"By …" lines before the story starts. Each rule was
/// kept only if it raised the mean F1 on the article corpus (BENCHMARKS.md).
fn clean_body(text: &str) -> String {
    let paragraphs: Vec<String> = text
        .split('\n')
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for p in &paragraphs {
        *seen.entry(p.as_str()).or_default() += 1;
    }
    let kept: Vec<&str> =
        paragraphs.iter().map(String::as_str).filter(|p| (seen[p] == 1 || words(p) < 3) && !is_furniture(p)).collect();
    // The story starts at its first sentence or longer line.
    let start = kept.iter().position(|p| words(p) >= 8 || ends_sentence(p)).unwrap_or(0);
    kept[start..].join("\n\n")
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

fn ends_sentence(text: &str) -> bool {
    text.ends_with(['.', '!', '?', '”', '"'])
}

/// A line that belongs to the page around the story, not to it.
fn is_furniture(line: &str) -> bool {
    const CHROME: [&str; 18] = [
        "photo",
        "image",
        "credit",
        "caption",
        "close",
        "advertisement",
        "read more",
        "share",
        "click",
        "sign up",
        "subscribe",
        "related",
        "updated",
        "published",
        "posted",
        "getty",
        "ap photo",
        "file photo",
    ];
    let lower = line.to_lowercase();
    let starts_with_word = |prefix: &str| {
        lower.starts_with(prefix) && !lower[prefix.len()..].chars().next().is_some_and(char::is_alphanumeric)
    };
    let chrome = words(line) <= 12 && CHROME.iter().any(|c| starts_with_word(c));
    let byline = line.starts_with("By ") && !line.contains('.') && line.chars().count() <= 83;
    let copyright = year_after_copyright(line) || line.contains("subject to copyright");
    let credit = words(line) <= 40 && (line.contains("Credit:") || line.starts_with('©') || copyright || byline);
    chrome || credit
}

/// "© 2019", "©2019".
fn year_after_copyright(line: &str) -> bool {
    line.match_indices('©').any(|(at, _)| {
        let rest = line[at + '©'.len_utf8()..].trim_start();
        rest.len() >= 4 && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit)
    })
}

/// The day of an ISO 8601 timestamp ("2026-01-30T14:00:00Z" → 2026-01-30).
fn date_of_timestamp(s: &str) -> Option<EdtfDate> {
    let s = s.trim();
    let day = s.get(..10).unwrap_or(s);
    day.parse().ok().or_else(|| s.get(..7).and_then(|m| m.parse().ok()))
}
