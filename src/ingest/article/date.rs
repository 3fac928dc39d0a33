//! The published date of a saved page, read the way a careful reader (or a date extractor
//! such as htmldate) does: from the most trusted source down. Structured data a publisher
//! writes for search engines (JSON-LD, meta tags) is trusted first; then a `<time>` in the
//! article's header; then the date a page's address carries; then a date printed near the
//! headline. A modified date is taken only when no original date is found anywhere, and no
//! date is read from comments, related-story lists, embedded videos or the footer: those are
//! other stories'. A timestamp written in UTC gives the publisher's day, not UTC's: read in the
//! zone the page's other timestamps carry, or as the address or a local timestamp spells it.

use super::named;
use chrono::{Datelike, NaiveDate, NaiveTime};
use dom_query::{Document, NodeRef};
use serde_json::Value;

use crate::date::EdtfDate;

pub use crate::model::DateRule;

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
    let stamps = |values: &[String], rule: DateRule| -> Vec<(Stamp, DateRule)> {
        values.iter().filter_map(|s| parse_stamp(s, lang)).filter(|s| valid(s.day)).map(|s| (s, rule)).collect()
    };
    let found = |date, rule| Some(FoundDate { date, rule });

    let json = json_ld_dates(doc);
    let (meta_published, meta_modified) = meta_dates(doc);
    let (time_published, time_modified) = header_time(doc);
    let url = page_urls(doc, html).iter().find_map(|u| date_in_url(u, &valid));
    let url_day = match url {
        Some(UrlDate::Day(d)) => Some(d),
        _ => None,
    };
    let structured: Vec<(Stamp, DateRule)> = [
        stamps(&json.published, DateRule::JsonLd),
        stamps(&meta_published, DateRule::Meta),
        stamps(&time_published, DateRule::TimeElement),
    ]
    .concat();
    let modified: Vec<(Stamp, DateRule)> = [
        stamps(&json.modified, DateRule::Modified),
        stamps(&meta_modified, DateRule::Modified),
        stamps(&time_modified, DateRule::Modified),
    ]
    .concat();
    // The publisher's zone, as any of the page's timestamps writes it with its offset.
    let zone = structured.iter().chain(&modified).find_map(|(s, _)| match s.zone {
        Zone::Offset(seconds) if s.time.is_some() => Some(seconds),
        _ => None,
    });
    if let Some(first) = structured.first() {
        let (date, rule) = publishers_day(*first, zone, url_day, &structured);
        return found(day_edtf(date), rule);
    }
    if let Some(d) = url_day {
        return found(day_edtf(d), DateRule::Url);
    }
    let visible = text_near_headline(doc)
        .iter()
        .find_map(|(text, dated)| {
            find_date_in_text(text, lang).or_else(|| dated.then(|| year_first_numbers(text)).flatten())
        })
        .filter(|d| valid(*d));
    match (url, visible) {
        // An address that names only the month: a day printed by the headline in that month
        // is the same date, more precisely.
        (Some(UrlDate::Month(year, month)), Some(d)) if d.year() == year && d.month() == month => {
            return found(day_edtf(d), DateRule::VisibleText);
        }
        (Some(month @ UrlDate::Month(..)), _) => return found(month.edtf(), DateRule::Url),
        (_, Some(d)) => return found(day_edtf(d), DateRule::VisibleText),
        _ => {}
    }
    // The upload date of a video or picture the page embeds, when nothing dates the page itself.
    if let Some(first) = stamps(&json.media, DateRule::JsonLd).first() {
        let (date, rule) = publishers_day(*first, zone, None, &[]);
        return found(day_edtf(date), rule);
    }
    let first = modified.first()?;
    let (date, rule) = publishers_day(*first, zone, None, &[]);
    found(day_edtf(date), rule)
}

/// The publisher's calendar day for `chosen`. A timestamp in UTC is an instant, and its day in
/// UTC is not the publisher's day everywhere (a story out at 8 pm in New York is dated the
/// next day in UTC). Its day is then read in the zone the page's other timestamps give; else
/// taken from the page's address when that names a day next to it; else from a timestamp
/// written in local time (without a zone) next to it. Other timestamps keep their own day.
fn publishers_day(
    chosen: (Stamp, DateRule),
    zone: Option<i32>,
    url_day: Option<NaiveDate>,
    others: &[(Stamp, DateRule)],
) -> (NaiveDate, DateRule) {
    let (stamp, rule) = chosen;
    let Some(time) = stamp.time.filter(|_| stamp.zone == Zone::Utc) else { return (stamp.day, rule) };
    if let Some(seconds) = zone {
        let local = stamp.day.and_time(time) + chrono::Duration::seconds(i64::from(seconds));
        return (local.date(), rule);
    }
    let next_to = |d: NaiveDate| (d - stamp.day).num_days().abs() <= 1;
    if let Some(d) = url_day.filter(|d| next_to(*d)) {
        return (d, if d == stamp.day { rule } else { DateRule::Url });
    }
    others
        .iter()
        .find(|(o, _)| o.zone == Zone::Unstated && o.time.is_some() && next_to(o.day))
        .map_or((stamp.day, rule), |(o, r)| (o.day, *r))
}

fn day_edtf(d: NaiveDate) -> EdtfDate {
    EdtfDate::parse(&d.format("%Y-%m-%d").to_string()).expect("a calendar day is a valid EDTF date")
}

/// A date read from a timestamp, with what the timestamp says of the time of day and zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    /// The day, as written (in the timestamp's own zone).
    day: NaiveDate,
    /// The time of day, when the value gives one.
    time: Option<NaiveTime>,
    zone: Zone,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Zone {
    /// `Z`, `+00:00`, `GMT`, `UTC`.
    Utc,
    /// Seconds east of UTC, not zero.
    Offset(i32),
    /// No zone written: the publisher's local time, or an unmarked UTC.
    Unstated,
}

/// Dates of the page's JSON-LD nodes: `datePublished`/`dateCreated` of the article and page
/// nodes (top level, `@graph` members, nested values such as a `WebPage`'s `mainEntity`),
/// article-typed nodes first; `uploadDate`/`datePublished` of embedded media (a video of
/// another day); and `dateModified`. Comments, reviews and lists of other stories
/// (`ItemList`, `BreadcrumbList`) are not read.
#[derive(Default)]
struct JsonLdDates {
    published: Vec<String>,
    media: Vec<String>,
    modified: Vec<String>,
}

/// Types whose dates are not the page's and whose members are other pages or readers.
const JSON_LD_ELSEWHERE: &[&str] =
    &["Comment", "Answer", "Review", "ItemList", "BreadcrumbList", "ListItem", "SiteNavigationElement", "Event"];
/// Keys that hold other pages or readers' contributions.
const JSON_LD_ELSEWHERE_KEYS: &[&str] = &["comment", "review", "itemListElement", "relatedLink", "significantLink"];
/// Types of media an article embeds.
const JSON_LD_MEDIA: &[&str] = &["VideoObject", "AudioObject", "ImageObject", "MediaObject", "Clip", "Photograph"];

fn json_ld_dates(doc: &Document) -> JsonLdDates {
    let (mut article, mut other) = (Vec::new(), Vec::new());
    let mut dates = JsonLdDates::default();
    for script in doc.select(r#"script[type*="ld+json" i]"#).nodes() {
        let text = script.text();
        let Ok(value) = serde_json::from_str::<Value>(text.trim()) else { continue };
        let mut stack = vec![&value];
        while let Some(v) = stack.pop() {
            match v {
                Value::Array(items) => stack.extend(items.iter().rev()),
                Value::Object(map) => {
                    let types: Vec<&str> = match map.get("@type") {
                        Some(Value::String(s)) => vec![s.as_str()],
                        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
                        _ => Vec::new(),
                    };
                    let is = |list: &[&str]| types.iter().any(|t| list.contains(t));
                    if is(JSON_LD_ELSEWHERE) {
                        continue;
                    }
                    let published = ["datePublished", "dateCreated", "uploadDate"]
                        .iter()
                        .filter_map(|key| map.get(*key).and_then(Value::as_str))
                        .map(String::from);
                    if is(JSON_LD_MEDIA) {
                        dates.media.extend(published);
                        continue;
                    }
                    let is_article =
                        types.iter().any(|t| t.ends_with("Article") || t.ends_with("Posting") || *t == "Report");
                    if is_article { &mut article } else { &mut other }.extend(published);
                    if let Some(s) = map.get("dateModified").and_then(Value::as_str) {
                        dates.modified.push(s.to_string());
                    }
                    stack.extend(
                        map.iter()
                            .filter(|(k, _)| !k.starts_with("date") && !JSON_LD_ELSEWHERE_KEYS.contains(&k.as_str()))
                            .map(|(_, v)| v)
                            .rev(),
                    );
                }
                _ => {}
            }
        }
    }
    article.append(&mut other);
    dates.published = article;
    dates
}

/// Dates from meta tags and from microdata (`itemprop="datePublished"` on any element), in
/// the order of `PUBLISHED_META` (the more specific names first), then other names that say
/// they hold a publication date or time (`cXenseParse:recs:publishtime`), and the modified ones.
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
                .or_else(|| (!named(node, &["meta"])).then(|| node.text().to_string()))
        };
        if let Some(rank) = PUBLISHED_META.iter().position(|m| *m == key) {
            published.extend(value().map(|v| (rank, v)));
        } else if MODIFIED_META.contains(&key.as_str()) {
            modified.extend(value());
        } else if is_published_name(&key) {
            published.extend(value().map(|v| (PUBLISHED_META.len(), v)));
        }
    }
    published.sort_by_key(|(rank, _)| *rank);
    (published.into_iter().map(|(_, v)| v).collect(), modified)
}

/// A meta name of a vocabulary not listed that names a publication date or time.
fn is_published_name(key: &str) -> bool {
    let publication = ["publish", "pubdate", "pub_date", "publicdate", "public_date"].iter().any(|w| key.contains(w));
    let when = key.contains("date") || key.contains("time");
    let other = ["modif", "updat", "expir", "publisher", "image", "video"].iter().any(|w| key.contains(w));
    publication && when && !other
}

/// Whether `node` sits in a block of other stories' or readers' dates. A block that holds the
/// page's headline is the story's own, whatever its name (a layout "with
/// sidebar"); the `<body>`'s names describe the whole page and say nothing.
pub(super) fn elsewhere(node: &NodeRef) -> bool {
    std::iter::once(*node).chain(node.ancestors_it(None)).take_while(|n| !named(n, &["body", "html"])).any(|n| {
        let is_named = named(&n, &["footer", "aside", "nav"]) || {
            let names = names_of(&n);
            ELSEWHERE.iter().any(|w| names.contains(w))
        };
        is_named && !n.descendants_it().any(|d| named(&d, &["h1"]))
    })
}

/// An element's class, id, role and aria-label, lowercased.
fn names_of(node: &NodeRef) -> String {
    super::attr_names(node, &["class", "id", "role", "aria-label"])
}

/// `datetime` values of `<time>` elements outside comments, lists and footers: the published
/// ones (those that say so with `pubdate`, `itemprop` or a "publish" class first) and the
/// modified ones (an "updated" or "modified" class without a "published" one).
fn header_time(doc: &Document) -> (Vec<String>, Vec<String>) {
    let mut marked = Vec::new();
    let mut plain = Vec::new();
    let mut modified = Vec::new();
    for node in doc.select("time[datetime]").nodes() {
        if elsewhere(node) {
            continue;
        }
        let names = super::attr_names(node, &["class", "itemprop", "id"]);
        let Some(value) = node.attr("datetime").map(|v| v.to_string()) else { continue };
        if node.has_attr("pubdate") || names.contains("publish") || names.contains("created") {
            marked.push(value);
        } else if names.contains("modif") || names.contains("updat") {
            modified.push(value);
        } else {
            plain.push(value);
        }
    }
    marked.append(&mut plain);
    (marked, modified)
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

/// A date in a page's address: a day, or only a month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum UrlDate {
    Day(NaiveDate),
    Month(i32, u32),
}

impl UrlDate {
    fn edtf(self) -> EdtfDate {
        match self {
            UrlDate::Day(d) => day_edtf(d),
            UrlDate::Month(y, m) => EdtfDate::parse(&format!("{y:04}-{m:02}")).expect("a month is a valid EDTF date"),
        }
    }
}

/// A date an address spells as `/2026/01/30/`, `/2026-01-30/`, `/20260130/`, `/202601/30/` (a
/// day) or `/2026/01/` (a month, kept as precise as that).
fn date_in_url(url: &str, valid: &dyn Fn(NaiveDate) -> bool) -> Option<UrlDate> {
    let path = url.split(['?', '#']).next()?;
    let path = path.split_once("://").map_or(path, |(_, rest)| rest.split_once('/').map_or("", |(_, p)| p));
    let parts: Vec<&str> = path.split(['/', '-', '_', '.']).collect();
    let num = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok()).flatten()
    };
    let day_after = |i: usize| parts.get(i).and_then(|d| num(d, 2).or_else(|| num(d, 1)));
    for (i, part) in parts.iter().enumerate() {
        // "2026/01/…" or "202601/…": a year and a month, perhaps a day after them.
        let year_month = match num(part, 4) {
            Some(year) => parts.get(i + 1).and_then(|m| num(m, 2).or_else(|| num(m, 1))).map(|m| (year, m, i + 2)),
            None => num(part, 6).filter(|_| part.starts_with(['1', '2'])).map(|n| (n / 100, n % 100, i + 1)),
        };
        if let Some((year, month, next)) = year_month {
            if !(1..=12).contains(&month) {
                continue;
            }
            let day = day_after(next);
            if let Some(date) = day.and_then(|d| NaiveDate::from_ymd_opt(year as i32, month, d)).filter(|d| valid(*d)) {
                return Some(UrlDate::Day(date));
            }
            let first = NaiveDate::from_ymd_opt(year as i32, month, 1)?;
            if valid(first) {
                return Some(UrlDate::Month(year as i32, month));
            }
        } else if part.len() == 8 && part.starts_with(['1', '2']) {
            let date = NaiveDate::parse_from_str(part, "%Y%m%d").ok().filter(|d| valid(*d));
            if let Some(date) = date {
                return Some(UrlDate::Day(date));
            }
        }
    }
    None
}

/// The element that holds the story's headline: an `<h1>` that the page's `<title>` repeats;
/// else any element whose text the title repeats (a headline set in an `<h2>`, a `<dt>` or a
/// `<p class="title">`, not a link to it); else the first `<h1>`.
pub(super) fn headline(doc: &Document) -> Option<NodeRef<'_>> {
    let title = collapse(&doc.select("head title").text()).to_lowercase();
    let repeats_title = |text: &str| {
        let text = collapse(text).to_lowercase();
        let n = text.chars().count();
        n >= 8 && !title.is_empty() && (title.contains(&text) && n * 3 >= title.chars().count() || text == title)
    };
    let h1s = doc.select("h1").nodes().to_vec();
    if let Some(h) = h1s.iter().find(|h| repeats_title(&h.text())) {
        return Some(*h);
    }
    if !title.is_empty() {
        let body = doc.select("body").nodes().first().copied()?;
        let text = body.descendants_it().find(|n| {
            n.is_text()
                && repeats_title(&n.text())
                && n.parent()
                    .is_some_and(|p| !named(&p, &["a", "script", "style", "noscript", "template", "option", "title"]))
                && !n.ancestors_it(None).any(|a| named(&a, &["a"]))
                && !elsewhere(n)
        });
        if let Some(parent) = text.and_then(|t| t.parent()) {
            return Some(parent);
        }
    }
    h1s.first().copied()
}

/// Words in a class or id that name an element holding a date or a time.
const DATED: &[&str] = &["date", "time", "fecha", "publi", "posted", "dateline"];

/// Short texts printed around the headline where a dateline or byline sits: the text after
/// the headline up to the story (and what precedes it in its header), or, without a
/// headline, the first texts of the `<article>`/`<main>`. Blocks of other stories are left out.
/// A text inside an element named as a date (`class="header-time"`) is read with its
/// neighbours in that element (a date set as "2023 / 11 / 17" in three spans), and marked;
/// "Updated …" lines and elements named as a change are left out.
fn text_near_headline(doc: &Document) -> Vec<(String, bool)> {
    let h1 = headline(doc);
    let root = h1
        .and_then(|h| h.ancestors_it(None).find(|a| named(a, &["article", "main", "body"])))
        .or_else(|| doc.select("article, main, body").nodes().first().copied());
    let Some(root) = root else { return Vec::new() };
    let texts: Vec<NodeRef> = root
        .descendants_it()
        .filter(|n| n.is_text() && !n.text().trim().is_empty())
        .filter(|n| n.parent().is_some_and(|p| !named(&p, &["script", "style", "noscript", "template"])))
        .collect();
    let start = h1.and_then(|h| texts.iter().position(|t| t.ancestors_it(None).any(|a| a.id == h.id))).unwrap_or(0);
    // A dateline sits within a few lines of the headline; further on is the story (whose
    // dates are events, not the publication).
    let mut near: Vec<(String, bool)> = Vec::new();
    for t in &texts[start.saturating_sub(6)..texts.len().min(start + 25)] {
        if elsewhere(t) {
            continue;
        }
        // An "Updated …" line dates a change, not the publication.
        let lower = t.text().trim_start().to_lowercase();
        let change = ["updated", "last updated", "modified", "edited", "actualizado", "última actualización"];
        let updated = change.iter().any(|w| lower.starts_with(w))
            || t.ancestors_it(Some(3)).any(|a| {
                let names = names_of(&a);
                (names.contains("updat") || names.contains("modif")) && !names.contains("publi")
            });
        if updated {
            continue;
        }
        let dated = t.ancestors_it(Some(3)).find(|a| {
            let names = names_of(a);
            DATED.iter().any(|w| names.contains(w))
        });
        let text = match dated.map(|element| collapse(&element.text())).filter(|t| t.chars().count() <= 200) {
            Some(element) => (element, true),
            None => (t.text().to_string(), false),
        };
        if text.0.chars().count() <= 200 && near.last() != Some(&text) {
            near.push(text);
        }
    }
    near
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A timestamp or a meta value: ISO 8601 and its relatives (`2026-01-30T14:00:00Z`,
/// `2026-01-30 14:00:00`, basic `20260130T140000+0900`, compact `20260130…`), RFC 2822, or
/// text as `find_date_in_text` reads it ("Tue Jan 30 2026 19:00:00 GMT+0000").
fn parse_stamp(value: &str, lang: Option<&str>) -> Option<Stamp> {
    let v = value.trim();
    let digits = v.bytes().take_while(u8::is_ascii_digit).count();
    if digits >= 8 && (digits == v.len() || digits == 12 || digits == 14 || v[8..].starts_with('T')) {
        let day = NaiveDate::parse_from_str(&v[..8], "%Y%m%d").ok()?;
        let rest = v[8..].trim_start_matches('T');
        let (time, zone) = time_and_zone(rest);
        return Some(Stamp { day, time, zone });
    }
    if let Some(day) = iso_day(v) {
        let rest = &v[10..];
        let (time, zone) = match rest.strip_prefix(['T', ' ']) {
            Some(rest) => time_and_zone(rest),
            None => (None, Zone::Unstated),
        };
        return Some(Stamp { day, time, zone });
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc2822(v) {
        let seconds = dt.offset().local_minus_utc();
        let zone = if seconds == 0 { Zone::Utc } else { Zone::Offset(seconds) };
        return Some(Stamp { day: dt.date_naive(), time: Some(dt.time()), zone });
    }
    let day = find_date_in_text(v, lang)?;
    let lower = v.to_lowercase();
    let time = clock_in_text(&lower);
    let zone = ["gmt", "utc"].iter().find_map(|z| lower.find(z).map(|at| &lower[at + z.len()..])).map_or(
        Zone::Unstated,
        |after| match offset(after.trim_start()) {
            Some(seconds) if seconds != 0 => Zone::Offset(seconds),
            _ => Zone::Utc,
        },
    );
    Some(Stamp { day, time, zone })
}

/// `14:00`, `14:00:05.123`, `140005` at the start of `s`, and the zone after it.
fn time_and_zone(s: &str) -> (Option<NaiveTime>, Zone) {
    let b = s.as_bytes();
    let two = |at: usize| {
        b.get(at..at + 2)
            .filter(|p| p.iter().all(u8::is_ascii_digit))
            .map(|p| u32::from(p[0] - b'0') * 10 + u32::from(p[1] - b'0'))
    };
    let Some(hour) = two(0) else { return (None, Zone::Unstated) };
    let colon = usize::from(b.get(2) == Some(&b':'));
    let Some(minute) = two(2 + colon) else { return (None, Zone::Unstated) };
    let mut at = 4 + colon;
    let mut second = 0;
    if let Some(s) = two(at + colon).filter(|_| colon == 0 || b.get(at) == Some(&b':')) {
        second = s;
        at += 2 + colon;
    }
    if b.get(at) == Some(&b'.') || b.get(at) == Some(&b',') {
        at += 1 + b[at + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
    }
    let time = NaiveTime::from_hms_opt(hour, minute, second);
    let rest = s[at..].trim_start();
    let zone = if rest.starts_with(['Z', 'z']) || rest.starts_with("UTC") || rest.starts_with("GMT") {
        match offset(rest.trim_start_matches(['Z', 'z']).trim_start_matches("UTC").trim_start_matches("GMT")) {
            Some(seconds) if seconds != 0 => Zone::Offset(seconds),
            _ => Zone::Utc,
        }
    } else {
        match offset(rest) {
            Some(0) => Zone::Utc,
            Some(seconds) => Zone::Offset(seconds),
            None => Zone::Unstated,
        }
    };
    (time, zone)
}

/// An offset `+09:00`, `-0500`, `+05` at the start of `s`, in seconds east of UTC.
fn offset(s: &str) -> Option<i32> {
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = s[1..].chars().filter(|c| *c != ':').take_while(char::is_ascii_digit).take(4).collect();
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (digits[..2].parse::<i32>().ok()?, digits[2..].parse::<i32>().ok()?),
        _ => return None,
    };
    (h <= 14 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

/// The first clock time ("8:19", "20:58") in a text, with "pm" read.
fn clock_in_text(lower: &str) -> Option<NaiveTime> {
    let b = lower.as_bytes();
    let colon = (1..b.len().saturating_sub(2)).find(|&i| {
        b[i] == b':' && b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit() && b[i + 2].is_ascii_digit()
    })?;
    let hour_start = if colon >= 2 && b[colon - 2].is_ascii_digit() { colon - 2 } else { colon - 1 };
    let mut hour: u32 = lower[hour_start..colon].parse().ok()?;
    let minute: u32 = lower[colon + 1..colon + 3].parse().ok()?;
    let after = lower[colon + 3..].trim_start_matches(|c: char| c == ':' || c.is_ascii_digit()).trim_start();
    if after.starts_with("pm") || after.starts_with("p.m.") {
        hour = hour % 12 + 12;
    } else if after.starts_with("am") || after.starts_with("a.m.") {
        hour %= 12;
    }
    NaiveTime::from_hms_opt(hour, minute, 0)
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

/// "30/01/2026", "01/30/2026", "30.01.2026", "30-01-2026", or year first as `year_first_at`
/// reads it.
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
        if let Some(date) = year_first_at(text, at) {
            return Some(date);
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

/// "2026-01-30", "2026/1/30", "2026.01.30", "2026年1月30日", "2026년 1월 30일" at `at`.
fn year_first_at(text: &str, at: usize) -> Option<NaiveDate> {
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &text[at..];
    if digits(rest) != 4 {
        return None;
    }
    let year: i32 = rest[..4].parse().ok()?;
    let rest = &rest[4..];
    fn number(s: &str) -> Option<(u32, &str)> {
        let n = s.bytes().take_while(u8::is_ascii_digit).count();
        (1..=2).contains(&n).then(|| s[..n].parse::<u32>().ok().map(|v| (v, &s[n..]))).flatten()
    }
    for (first, second) in [("-", "-"), ("/", "/"), (".", "."), ("年", "月"), ("년", "월")] {
        let Some(r) = rest.strip_prefix(first) else { continue };
        let Some((month, r)) = number(r.trim_start()) else { continue };
        let Some(r) = r.strip_prefix(second) else { continue };
        let Some((day, r)) = number(r.trim_start()) else { continue };
        if r.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        return NaiveDate::from_ymd_opt(year, month, day);
    }
    None
}

/// Three numbers, the year first, with nothing but spaces and punctuation between them
/// ("2023 11/ 17"): how an element named as a date may set one in pieces.
fn year_first_numbers(text: &str) -> Option<NaiveDate> {
    let tokens: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).collect();
    tokens.windows(3).find_map(|w| {
        let numeric = w.iter().all(|t| t.bytes().all(|b| b.is_ascii_digit()));
        if !numeric || w[0].len() != 4 || w[1].len() > 2 || w[2].len() > 2 {
            return None;
        }
        NaiveDate::from_ymd_opt(w[0].parse().ok()?, w[1].parse().ok()?, w[2].parse().ok()?)
    })
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
    fn timestamps_keep_their_time_and_zone() {
        let stamp = |s: &str| parse_stamp(s, None).map(|s| (s.day.to_string(), s.time.map(|t| t.to_string()), s.zone));
        let day = |d: &str, t: Option<&str>, z| Some((d.to_string(), t.map(String::from), z));
        assert_eq!(stamp("20260130T094500+0900"), day("2026-01-30", Some("09:45:00"), Zone::Offset(9 * 3600)));
        assert_eq!(stamp("2026-01-31T01:30:00.123Z"), day("2026-01-31", Some("01:30:00"), Zone::Utc));
        assert_eq!(stamp("2026-01-30 20:58:46 -0800"), day("2026-01-30", Some("20:58:46"), Zone::Offset(-8 * 3600)));
        assert_eq!(stamp("2026-01-30 20:58:46"), day("2026-01-30", Some("20:58:46"), Zone::Unstated));
        assert_eq!(stamp("2026-01-30"), day("2026-01-30", None, Zone::Unstated));
        assert_eq!(stamp("Sat Jan 31 2026 01:30:00 GMT+0000"), day("2026-01-31", Some("01:30:00"), Zone::Utc));
        assert_eq!(stamp("Friday, January 30, 2026, 08:30 PM"), day("2026-01-30", Some("20:30:00"), Zone::Unstated));
        assert_eq!(
            stamp("Fri, 30 Jan 2026 20:30:00 -0500"),
            day("2026-01-30", Some("20:30:00"), Zone::Offset(-5 * 3600))
        );
    }

    #[test]
    fn year_first_dates_in_text_and_meta_names_of_other_vocabularies() {
        assert_eq!(date("Submitted on Fri, 2026-01-30 13:49", None).as_deref(), Some("2026-01-30"));
        assert_eq!(date("2026年1月30日 10:01", Some("ja")).as_deref(), Some("2026-01-30"));
        assert_eq!(date("기사입력 : 2026년 1월 30일", Some("ko")).as_deref(), Some("2026-01-30"));
        assert_eq!(date("version 2026.1.300", None), None);
        assert_eq!(year_first_numbers("2026 01/ 30 10:05:12").map(|d| d.to_string()).as_deref(), Some("2026-01-30"));
        assert!(is_published_name("cxenseparse:recs:publishtime") && is_published_name("afp-publicdate"));
        assert!(!is_published_name("publisher") && !is_published_name("publish_modified_time"));
    }

    #[test]
    fn dates_in_addresses_keep_their_precision() {
        let valid = |d: NaiveDate| d.year() >= 1990;
        let of = |u: &str| date_in_url(u, &valid).map(|d| d.edtf().to_string());
        assert_eq!(of("https://news.example/2026/01/30/walkout.html").as_deref(), Some("2026-01-30"));
        assert_eq!(of("https://news.example/local/2026-01-30-walkout").as_deref(), Some("2026-01-30"));
        assert_eq!(of("https://blog.example/2026/01/walkout/").as_deref(), Some("2026-01"));
        assert_eq!(of("https://news.example/story/12345678/walkout"), None);
        assert_eq!(of("https://news.example/a/202601/30/WS1234.html").as_deref(), Some("2026-01-30"));
        assert_eq!(of("https://news.example/journal/2026/01/80642").as_deref(), Some("2026-01"));
    }
}
