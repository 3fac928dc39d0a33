//! The published date of a saved page, read the way a careful reader (or a date extractor
//! such as htmldate) does: from the most trusted source down. Structured data a publisher
//! writes for search engines (JSON-LD, meta tags) is trusted first; then a `<time>` in the
//! article's header; then the date a page's address carries; then a date printed near the
//! headline. A modified date is taken only when no original date is found anywhere, and no
//! date is read from comments, related-story lists or the footer: those are other stories'.

use chrono::{Datelike, NaiveDate};
use dom_query::{Document, NodeRef};
use serde_json::Value;

use crate::date::EdtfDate;

/// Which rule found a page's date: kept beside the date so a reviewer can judge how far to
/// trust it (structured data is the publisher's word; visible text is a reading).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    /// A date printed near the headline ("30 de enero de 2026").
    VisibleText,
    /// Only a modified date was found (JSON-LD `dateModified`, `article:modified_time`, …).
    Modified,
}

impl DateRule {
    /// A short stable name, as reports print it.
    pub fn as_str(self) -> &'static str {
        match self {
            DateRule::JsonLd => "json-ld",
            DateRule::Meta => "meta",
            DateRule::TimeElement => "time-element",
            DateRule::Url => "url",
            DateRule::VisibleText => "visible-text",
            DateRule::Modified => "modified",
        }
    }
}

/// A page's date and the rule that found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundDate {
    /// The date, as precise as its source: a day, or a month from `/2026/01/` addresses.
    pub date: EdtfDate,
    /// Which rule found it.
    pub rule: DateRule,
}

/// Meta names (lowercased `name`, `property`, `itemprop` or `http-equiv`) that carry the
/// original publication date, in the vocabularies publishers use (Open Graph, Dublin Core,
/// schema.org microdata, Sailthru, Parse.ly, Highwire/Google Scholar and plain names).
const PUBLISHED_META: &[&str] = &[
    "article:published_time",
    "article:published",
    "og:published_time",
    "og:article:published_time",
    "og:datepublished",
    "article.published",
    "datepublished",
    "date_published",
    "date-published",
    "published_time",
    "published-date",
    "published_date",
    "publishdate",
    "publish_date",
    "publish-date",
    "pubdate",
    "pub_date",
    "publication_date",
    "dc.date",
    "dc.date.issued",
    "dc.date.created",
    "dc.date.published",
    "dc:date",
    "dc:created",
    "dcterms.date",
    "dcterms.issued",
    "dcterms.created",
    "dcterms:created",
    "citation_publication_date",
    "citation_date",
    "citation_online_date",
    "sailthru.date",
    "parsely-pub-date",
    "date",
    "created",
    "datecreated",
    "date_created",
    "original-publish-date",
    "article_date_original",
    "rnews:datepublished",
    "bt:pubdate",
    "og:regdate",
];

/// Meta names that carry a modified date: a last resort when no original date exists.
const MODIFIED_META: &[&str] = &[
    "article:modified_time",
    "article:modified",
    "og:updated_time",
    "og:modified_time",
    "datemodified",
    "date_modified",
    "last-modified",
    "lastmodified",
    "dc.date.modified",
    "dcterms.modified",
    "modified",
    "updated_time",
];

/// Words in a class, id, role or aria-label that mark a block holding other stories' or
/// readers' dates: comments, related or recommended lists, footers, sidebars.
const ELSEWHERE: &[&str] = &[
    "comment",
    "related",
    "recommend",
    "footer",
    "sidebar",
    "more-stories",
    "most-read",
    "popular",
    "reply",
    "teaser",
];

/// The page's published date, with the rule that found it. `lang` (the page's `lang`) decides
/// whether "03/04/2026" is 3 April or 4 March; `latest` is the last plausible year (a page
/// cannot be published after it was saved).
pub fn published(doc: &Document, html: &str, lang: Option<&str>, latest: i32) -> Option<FoundDate> {
    let valid = |d: NaiveDate| (1990..=latest).contains(&d.year());
    let day = |s: &str| parse_date(s, lang).filter(|d| valid(*d)).map(day_edtf);
    let found = |date, rule| Some(FoundDate { date, rule });

    let (json_published, json_modified) = json_ld_dates(doc);
    if let Some(d) = json_published.iter().find_map(|s| day(s)) {
        return found(d, DateRule::JsonLd);
    }
    let (meta_published, meta_modified) = meta_dates(doc);
    if let Some(d) = meta_published.iter().find_map(|s| day(s)) {
        return found(d, DateRule::Meta);
    }
    if let Some(d) = header_time(doc).iter().find_map(|s| day(s)) {
        return found(d, DateRule::TimeElement);
    }
    if let Some(d) = page_urls(doc, html).iter().find_map(|u| date_in_url(u, &valid)) {
        return found(d, DateRule::Url);
    }
    if let Some(d) = text_near_headline(doc).iter().find_map(|s| find_date_in_text(s, lang).filter(|d| valid(*d))) {
        return found(day_edtf(d), DateRule::VisibleText);
    }
    json_modified.iter().chain(&meta_modified).find_map(|s| day(s)).and_then(|d| found(d, DateRule::Modified))
}

fn day_edtf(d: NaiveDate) -> EdtfDate {
    EdtfDate::parse(&d.format("%Y-%m-%d").to_string()).expect("a calendar day is a valid EDTF date")
}

/// `datePublished`/`dateCreated` and `dateModified` of every JSON-LD node (top level, `@graph`
/// members, nested values such as a `WebPage`'s `mainEntity`), article-typed nodes first.
fn json_ld_dates(doc: &Document) -> (Vec<String>, Vec<String>) {
    let (mut article, mut other, mut modified) = (Vec::new(), Vec::new(), Vec::new());
    for script in doc.select(r#"script[type*="ld+json" i]"#).nodes() {
        let text = script.text();
        let Ok(value) = serde_json::from_str::<Value>(text.trim()) else { continue };
        let mut stack = vec![&value];
        while let Some(v) = stack.pop() {
            match v {
                Value::Array(items) => stack.extend(items.iter().rev()),
                Value::Object(map) => {
                    let is_article = map.get("@type").is_some_and(|t| {
                        let types: Vec<&str> = match t {
                            Value::String(s) => vec![s],
                            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                            _ => Vec::new(),
                        };
                        types.iter().any(|t| t.ends_with("Article") || t.ends_with("Posting") || *t == "Report")
                    });
                    let into = if is_article { &mut article } else { &mut other };
                    for key in ["datePublished", "dateCreated", "uploadDate"] {
                        if let Some(s) = map.get(key).and_then(Value::as_str) {
                            into.push(s.to_string());
                        }
                    }
                    if let Some(s) = map.get("dateModified").and_then(Value::as_str) {
                        modified.push(s.to_string());
                    }
                    stack.extend(map.iter().filter(|(k, _)| !k.starts_with("date")).map(|(_, v)| v).rev());
                }
                _ => {}
            }
        }
    }
    article.append(&mut other);
    (article, modified)
}

/// Dates from meta tags and from microdata (`itemprop="datePublished"` on any element), in
/// the order of `PUBLISHED_META` (the more specific names first), and the modified ones.
fn meta_dates(doc: &Document) -> (Vec<String>, Vec<String>) {
    let mut published: Vec<(usize, String)> = Vec::new();
    let mut modified = Vec::new();
    for node in doc.select("meta, [itemprop]").nodes() {
        let key = ["property", "name", "itemprop", "http-equiv"]
            .iter()
            .find_map(|a| node.attr(a))
            .map(|k| k.trim().to_lowercase());
        let Some(key) = key else { continue };
        if elsewhere(node) {
            continue;
        }
        let value = || {
            node.attr("content")
                .or_else(|| node.attr("datetime"))
                .map(|v| v.to_string())
                .or_else(|| (!node.is("meta")).then(|| node.text().to_string()))
        };
        if let Some(rank) = PUBLISHED_META.iter().position(|m| *m == key) {
            published.extend(value().map(|v| (rank, v)));
        } else if MODIFIED_META.contains(&key.as_str()) {
            modified.extend(value());
        }
    }
    published.sort_by_key(|(rank, _)| *rank);
    (published.into_iter().map(|(_, v)| v).collect(), modified)
}

/// Whether `node` sits in a block of other stories' or readers' dates.
fn elsewhere(node: &NodeRef) -> bool {
    std::iter::once(*node).chain(node.ancestors_it(None)).any(|n| {
        if n.is("footer, aside, nav") {
            return true;
        }
        let names = ["class", "id", "role", "aria-label"]
            .iter()
            .filter_map(|a| n.attr(a))
            .map(|v| v.to_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        ELSEWHERE.iter().any(|w| names.contains(w))
    })
}

/// `datetime` values of `<time>` elements outside comments, lists and footers; those that
/// say they are the publication date (`pubdate`, `itemprop`, a "publish" class) first, and
/// "updated" ones left out.
fn header_time(doc: &Document) -> Vec<String> {
    let mut marked = Vec::new();
    let mut plain = Vec::new();
    for node in doc.select("time[datetime]").nodes() {
        if elsewhere(node) {
            continue;
        }
        let names = ["class", "itemprop", "id"]
            .iter()
            .filter_map(|a| node.attr(a))
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(" ");
        let names = names.to_lowercase();
        if names.contains("modif") || names.contains("updat") {
            continue;
        }
        let Some(value) = node.attr("datetime") else { continue };
        if node.has_attr("pubdate") || names.contains("publish") || names.contains("created") {
            marked.push(value.to_string());
        } else {
            plain.push(value.to_string());
        }
    }
    marked.append(&mut plain);
    marked
}

/// The page's own addresses: canonical link, `og:url`, and the note browsers write into a
/// saved page (`<!-- saved from url=(0042)https://… -->`).
fn page_urls(doc: &Document, html: &str) -> Vec<String> {
    let mut urls: Vec<String> = doc
        .select(r#"link[rel="canonical" i], meta[property="og:url" i], meta[name="twitter:url" i]"#)
        .nodes()
        .iter()
        .filter_map(|n| n.attr("href").or_else(|| n.attr("content")))
        .map(|u| u.to_string())
        .collect();
    let mut end = html.len().min(4096);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    let head = &html[..end];
    if let Some(at) = head.find("saved from url=") {
        let rest = &head[at + "saved from url=".len()..];
        let rest = rest.split_once(')').map_or(rest, |(_, r)| r);
        urls.extend(rest.split(|c: char| c.is_whitespace()).next().map(String::from));
    }
    urls
}

/// A date an address spells as `/2026/01/30/`, `/2026-01-30/`, `/20260130/` (a day) or
/// `/2026/01/` (a month, kept as precise as that).
fn date_in_url(url: &str, valid: &dyn Fn(NaiveDate) -> bool) -> Option<EdtfDate> {
    let path = url.split(['?', '#']).next()?;
    let path = path.split_once("://").map_or(path, |(_, rest)| rest.split_once('/').map_or("", |(_, p)| p));
    let parts: Vec<&str> = path.split(['/', '-', '_', '.']).collect();
    let num = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok()).flatten()
    };
    for (i, part) in parts.iter().enumerate() {
        if let Some(year) = num(part, 4) {
            let month = parts.get(i + 1).and_then(|m| num(m, 2).or_else(|| num(m, 1)));
            let Some(month) = month.filter(|m| (1..=12).contains(m)) else { continue };
            let day = parts.get(i + 2).and_then(|d| num(d, 2).or_else(|| num(d, 1)));
            if let Some(date) = day.and_then(|d| NaiveDate::from_ymd_opt(year as i32, month, d)).filter(|d| valid(*d)) {
                return Some(day_edtf(date));
            }
            let first = NaiveDate::from_ymd_opt(year as i32, month, 1)?;
            if valid(first) {
                return EdtfDate::parse(&format!("{year:04}-{month:02}")).ok();
            }
        } else if part.len() == 8 && part.starts_with(['1', '2']) {
            let date = NaiveDate::parse_from_str(part, "%Y%m%d").ok().filter(|d| valid(*d));
            if let Some(date) = date {
                return Some(day_edtf(date));
            }
        }
    }
    None
}

/// Short texts printed around the headline where a dateline or byline sits: the text after
/// the first `<h1>` up to the story (and what precedes it in its header), or, without a
/// headline, the first texts of the `<article>`/`<main>`. Blocks of other stories are left out.
fn text_near_headline(doc: &Document) -> Vec<String> {
    let h1 = doc.select("article h1, main h1, h1").nodes().first().copied();
    let root = h1
        .and_then(|h| h.ancestors_it(None).find(|a| a.is("article, main, body")))
        .or_else(|| doc.select("article, main, body").nodes().first().copied());
    let Some(root) = root else { return Vec::new() };
    let texts: Vec<NodeRef> = root
        .descendants_it()
        .filter(|n| n.is_text() && !n.text().trim().is_empty())
        .filter(|n| n.parent().is_some_and(|p| !p.is("script, style, noscript, template")))
        .collect();
    let start = h1.and_then(|h| texts.iter().position(|t| t.ancestors_it(None).any(|a| a.id == h.id))).unwrap_or(0);
    // A dateline sits within a few lines of the headline; further on is the story (whose
    // dates are events, not the publication).
    texts[start.saturating_sub(6)..texts.len().min(start + 25)]
        .iter()
        .filter(|t| !elsewhere(t))
        .map(|t| t.text().to_string())
        .filter(|t| t.chars().count() <= 200)
        .collect()
}

/// A date written in a timestamp or a meta value: ISO 8601 and its relatives, compact
/// `20260130…`, RFC 2822, or text as `find_date_in_text` reads it.
fn parse_date(value: &str, lang: Option<&str>) -> Option<NaiveDate> {
    let v = value.trim();
    let digits: String = v.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() >= 8 && (digits.len() == v.len() || digits.len() == 14 || digits.len() == 12) {
        return NaiveDate::parse_from_str(&digits[..8], "%Y%m%d").ok();
    }
    if let Some(d) = iso_day(v) {
        return Some(d);
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc2822(v) {
        return Some(dt.date_naive());
    }
    find_date_in_text(v, lang)
}

/// `YYYY-MM-DD` (or with `/` or `.`) at the start of `v`.
fn iso_day(v: &str) -> Option<NaiveDate> {
    let b = v.as_bytes();
    if b.len() < 10 || !b[..4].iter().all(u8::is_ascii_digit) || !matches!(b[4], b'-' | b'/' | b'.') || b[7] != b[4] {
        return None;
    }
    let (y, m, d) = (v.get(..4)?.parse().ok()?, v.get(5..7)?.parse().ok()?, v.get(8..10)?.parse().ok()?);
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Month names in English and Spanish (full and abbreviated), with their numbers.
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("enero", 1),
    ("ene", 1),
    ("february", 2),
    ("feb", 2),
    ("febrero", 2),
    ("march", 3),
    ("mar", 3),
    ("marzo", 3),
    ("april", 4),
    ("apr", 4),
    ("abril", 4),
    ("abr", 4),
    ("may", 5),
    ("mayo", 5),
    ("june", 6),
    ("jun", 6),
    ("junio", 6),
    ("july", 7),
    ("jul", 7),
    ("julio", 7),
    ("august", 8),
    ("aug", 8),
    ("agosto", 8),
    ("ago", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("set", 9),
    ("october", 10),
    ("oct", 10),
    ("octubre", 10),
    ("november", 11),
    ("nov", 11),
    ("noviembre", 11),
    ("december", 12),
    ("dec", 12),
    ("diciembre", 12),
    ("dic", 12),
];

/// The first date written in running text: "January 30, 2026", "Jan. 30 2026", "30 January
/// 2026", "30 de enero de 2026", "enero 30, 2026", or numerically "30/01/2026", where the page's
/// language decides the order when both numbers could be the month (US English writes the
/// month first, Spanish and British English the day).
pub fn find_date_in_text(text: &str, lang: Option<&str>) -> Option<NaiveDate> {
    let lower = text.to_lowercase();
    let tokens: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).collect();
    let number = |t: &str| t.parse::<u32>().ok().filter(|_| t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit()));
    let month = |t: &str| MONTHS.iter().find(|(name, _)| *name == t).map(|(_, m)| *m);
    let year = |t: &str| number(t).filter(|_| t.len() == 4).map(|y| y as i32);
    let day = |t: &str| number(t).filter(|d| (1..=31).contains(d) && t.len() <= 2);
    // Ordinal suffixes and linking words: "30th", "the", Spanish "de"/"del".
    let skip = |t: &str| matches!(t, "de" | "del" | "of" | "the");
    let strip_ordinal = |t: &'_ str| -> String {
        for suffix in ["st", "nd", "rd", "th"] {
            if let Some(n) = t.strip_suffix(suffix).filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) {
                return n.to_string();
            }
        }
        t.to_string()
    };
    let words: Vec<String> = tokens.iter().filter(|t| !skip(t)).map(|t| strip_ordinal(t)).collect();
    for w in 0..words.len() {
        let (a, b, c) = (words[w].as_str(), words.get(w + 1).map(String::as_str), words.get(w + 2).map(String::as_str));
        let (Some(b), Some(c)) = (b, c) else { break };
        let ymd = if let (Some(m), Some(d), Some(y)) = (month(a), day(b), year(c)) {
            Some((y, m, d))
        } else if let (Some(d), Some(m), Some(y)) = (day(a), month(b), year(c)) {
            Some((y, m, d))
        } else {
            None
        };
        if let Some((y, m, d)) = ymd
            && let Some(date) = NaiveDate::from_ymd_opt(y, m, d)
        {
            return Some(date);
        }
    }
    numeric_date(&lower, lang)
}

/// "30/01/2026", "01/30/2026", "30.01.2026", "30-01-2026".
fn numeric_date(text: &str, lang: Option<&str>) -> Option<NaiveDate> {
    let month_first = lang.is_some_and(|l| {
        let l = l.to_ascii_lowercase();
        l == "en" || l.starts_with("en-us") || l.starts_with("en_us")
    });
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if !bytes[at].is_ascii_digit() || (at > 0 && bytes[at - 1].is_ascii_digit()) {
            at += 1;
            continue;
        }
        let field = |from: usize| -> Option<(u32, usize)> {
            let len = bytes[from..].iter().take_while(|b| b.is_ascii_digit()).count();
            (len > 0).then(|| (text[from..from + len].parse().ok(), from + len)).and_then(|(n, e)| n.map(|n| (n, e)))
        };
        if let Some((first, e1)) = field(at)
            && e1 - at <= 2
            && let Some(&sep) = bytes.get(e1).filter(|s| matches!(s, b'/' | b'.' | b'-'))
            && let Some((second, e2)) = field(e1 + 1).filter(|(_, e)| e - (e1 + 1) <= 2)
            && bytes.get(e2) == Some(&sep)
            && let Some((year, e3)) = field(e2 + 1).filter(|(_, e)| e - (e2 + 1) == 4)
            && !bytes.get(e3).is_some_and(u8::is_ascii_digit)
        {
            let (d, m) = if first > 12 || (second <= 12 && !month_first) { (first, second) } else { (second, first) };
            if let Some(date) = NaiveDate::from_ymd_opt(year as i32, m, d) {
                return Some(date);
            }
        }
        at += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str, lang: Option<&str>) -> Option<String> {
        find_date_in_text(s, lang).map(|d| d.to_string())
    }

    #[test]
    fn dates_in_english_and_spanish_text_and_numbers_by_the_page_language() {
        assert_eq!(date("Published January 30, 2026 at 9:00", None).as_deref(), Some("2026-01-30"));
        assert_eq!(date("Jan. 30th, 2026", None).as_deref(), Some("2026-01-30"));
        assert_eq!(date("Publicado el 30 de enero de 2026", Some("es")).as_deref(), Some("2026-01-30"));
        assert_eq!(date("3/4/2026", Some("es")).as_deref(), Some("2026-04-03"), "Spanish: day first");
        assert_eq!(date("3/4/2026", Some("en-US")).as_deref(), Some("2026-03-04"), "US English: month first");
        assert_eq!(date("30/01/2026", Some("en")).as_deref(), Some("2026-01-30"), "no month 30");
        assert_eq!(date("Read 5 stories, 2026 edition", None), None);
    }

    #[test]
    fn dates_in_addresses_keep_their_precision() {
        let valid = |d: NaiveDate| d.year() >= 1990;
        let of = |u: &str| date_in_url(u, &valid).map(|d| d.to_string());
        assert_eq!(of("https://news.example/2026/01/30/walkout.html").as_deref(), Some("2026-01-30"));
        assert_eq!(of("https://news.example/local/2026-01-30-walkout").as_deref(), Some("2026-01-30"));
        assert_eq!(of("https://blog.example/2026/01/walkout/").as_deref(), Some("2026-01"));
        assert_eq!(of("https://news.example/story/12345678/walkout"), None);
    }
}
