//! Articles: saved news pages through a Readability port (dom_smoothie), which finds the
//! headline, byline, site name, date and the body as clean text; and plain `.txt`/`.md` files,
//! whose first heading or line is the title. The original file is kept.

mod blocks;
mod body;
mod charset;
pub mod date;
mod page;

use std::path::Path;

use chrono::{DateTime, Datelike, Utc};
use dom_query::Document;
use dom_smoothie::{Article, Config, Readability, TextMode};

use crate::date::EdtfDate;
use crate::model::{ArticleDetails, Item, ItemDetails};

pub use charset::decode_html;
pub use date::{DateRule, FoundDate};

/// How deep a page's elements may nest. A real article nests a few dozen deep; the HTML parser
/// takes time that grows with the square of the depth (a page of 10,000 nested elements takes
/// it minutes), so deeper pages are refused before they are parsed.
pub const MAX_NESTING: usize = 512;

/// Why a saved page gave no article.
#[derive(Debug, thiserror::Error)]
pub enum ArticleError {
    /// The page nests deeper than `MAX_NESTING`.
    #[error("the page nests its elements more than {MAX_NESTING} deep (a real article nests a few dozen); not read")]
    TooDeep,
    /// The readability pass refused the page.
    #[error("cannot read the page: {0}")]
    Unreadable(#[from] dom_smoothie::ReadabilityError),
    /// The page holds no text.
    #[error("found no article text in the page")]
    NoText,
}

/// An article read from a saved page, with how it was read: which rule found its date (also
/// kept in the item's details, for a reader to judge how far to trust it) and which encoding
/// its bytes were in.
#[derive(Debug)]
pub struct ParsedArticle {
    /// The article item, as `walkout import` stores it.
    pub item: Item,
    /// Which rule found `item.date`, when one did.
    pub date_rule: Option<DateRule>,
    /// The encoding the page was read in (`UTF-8`, `windows-1252`, `Shift_JIS`, …).
    pub encoding: &'static str,
}

/// An article from a saved page's bytes, in whatever encoding the page is written.
pub fn from_html_bytes(
    path: &Path,
    bytes: &[u8],
    sha256: &str,
    now: DateTime<Utc>,
) -> Result<ParsedArticle, ArticleError> {
    let (html, encoding) = decode_html(bytes);
    let mut parsed = parse_html(path, &html, sha256, now)?;
    parsed.encoding = encoding;
    Ok(parsed)
}

/// An article item from a saved HTML page already decoded to text.
pub fn from_html(path: &Path, html: &str, sha256: &str, now: DateTime<Utc>) -> Result<Item, String> {
    parse_html(path, html, sha256, now).map(|p| p.item).map_err(|e| e.to_string())
}

/// The page's language: `<html lang>`, else `og:locale` or a `Content-Language` meta.
fn page_language(doc: &Document) -> Option<String> {
    let declared = doc.select("html[lang]").attr("lang").or_else(|| {
        doc.select(r#"meta[property="og:locale" i], meta[http-equiv="content-language" i]"#).attr("content")
    });
    declared.map(|l| l.trim().replace('_', "-")).filter(|l| !l.is_empty())
}

/// The page's tree, made ready for the readability pass.
fn prepared(html: &str) -> Document {
    let doc = Document::from(html);
    page::strip_ruby(&doc);
    doc
}

/// The readability pass over `doc`: the article, and the tree the pass leaves, whose
/// `#readability-page-1` holds the chosen content. The checks of the chosen block read it
/// there rather than parsing the article's HTML again.
fn readability(doc: Document) -> Result<(Article, Document), ArticleError> {
    // Classes kept: they tell the blocks beside the story from the story's own (`blocks`).
    let config = Config { text_mode: TextMode::Formatted, keep_classes: true, ..Default::default() };
    let mut pass = Readability::with_document(doc, None, Some(config))?;
    let article = pass.parse()?;
    Ok((article, pass.doc))
}

/// The chosen content in the tree a readability pass left.
fn content_root(doc: &Document) -> Option<dom_query::NodeRef<'_>> {
    doc.select("#readability-page-1").nodes().first().copied()
}

/// The first line of a chosen block long enough to find that block again.
/// Whether a node is an element with one of these (lowercase) names: what `NodeRef::is` answers
/// for a list of names, without parsing a CSS selector on every call (a page has thousands of
/// nodes, and the checks run in loops over them).
pub(crate) fn named(node: &dom_query::NodeRef, names: &[&str]) -> bool {
    node.qual_name_ref().is_some_and(|q| names.iter().any(|n| &*q.local == *n))
}

/// The values of some of an element's attributes (its class, id, role…), lowercased and
/// joined by spaces: the names a page gives its blocks. Nothing is allocated for an element
/// that has none of them, as most have not.
pub(crate) fn attr_names(node: &dom_query::NodeRef, attrs: &[&str]) -> String {
    let mut names = String::new();
    for value in attrs.iter().filter_map(|a| node.attr(a)) {
        if !names.is_empty() {
            names.push(' ');
        }
        if value.is_ascii() {
            names.extend(value.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            names.push_str(&value.to_lowercase());
        }
    }
    names
}

/// Whether `text` holds `needle` (lowercase ASCII) in any case, without lowercasing a copy.
pub(crate) fn contains_ascii_ci(text: &str, needle: &str) -> bool {
    text.len() >= needle.len()
        && text.as_bytes().windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn telling_line(text: &str) -> Option<String> {
    text.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).find(|l| l.chars().count() >= 20)
}

fn parse_html(path: &Path, html: &str, sha256: &str, now: DateTime<Utc>) -> Result<ParsedArticle, ArticleError> {
    let scanned = scan(html, MAX_NESTING);
    if scanned.deepest > MAX_NESTING {
        return Err(ArticleError::TooDeep);
    }
    let html = without_code(html, &scanned.code);
    let doc = prepared(&html);
    let language = page_language(&doc);
    let captions = page::captions(&doc);
    // The date first, from the whole page: the readability pass keeps only the story's block.
    let found_date = date::published(&doc, &html, language.as_deref(), now.year() + 1);
    page::remove_blocks_around_story(&doc);
    let mut facts = blocks::PageFacts {
        title: doc.select("head title").text().split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase(),
        authors: page::author_names(&doc),
        lead_below_headline: blocks::lead_below(&doc, date::headline(&doc)),
    };
    let mut article = readability(doc);
    if let Ok((first, _)) = &article {
        facts.authors.extend(first.byline.iter().map(|b| b.trim().trim_start_matches("By ").trim().to_lowercase()));
    }
    // A block that only looks like a story: take it out and let the pass choose the next
    // candidate; keep the first choice if that finds nothing better. A consent notice or a list
    // of links gives way to any text; a block beside the story (a bio, a teaser, a list of
    // names or topics, or one that leaves out the prose below the headline) to a block that
    // holds that prose and at least half as much story.
    if let Ok((first, first_doc)) = &article
        && let Some(line) = telling_line(&first.text_content)
        && let Some(root) = content_root(first_doc)
    {
        let not_a_story = page::is_wrong_block(&root, &first.text_content);
        if not_a_story || blocks::is_beside_story_whole(&root, &first.text_content, &facts) {
            let retry = prepared(&html);
            page::remove_blocks_around_story(&retry);
            if page::remove_block_holding(&retry, &line)
                && let Ok(next) = readability(retry)
                && !body::clean_body(&next.0.text_content, &captions).is_empty()
            {
                let collapsed = || next.0.text_content.split_whitespace().collect::<Vec<_>>().join(" ");
                let better = not_a_story
                    || facts.lead_below_headline.as_ref().is_none_or(|lead| collapsed().contains(lead.as_str()))
                        && blocks::prose_words(&next.0.text_content) * 2 >= blocks::prose_words(&first.text_content);
                if better {
                    article = Ok(next);
                }
            }
        }
    }
    // The blocks the pass took in beside the story.
    if let Ok((chosen, chosen_doc)) = &mut article
        && let Some(root) = content_root(chosen_doc)
        && let Some(text) = blocks::pruned(&root, &facts)
        && !body::clean_body(&text, &captions).is_empty()
    {
        chosen.text_content = text.into();
    }
    let article = match article.map(|(article, _)| article) {
        Ok(a) if !a.text_content.trim().is_empty() => a,
        other => {
            // Never an empty article from a page with text: the page's whole text then.
            let whole = prepared(&html);
            let text = whole.select("body").formatted_text();
            if text.trim().is_empty() {
                return Err(other.err().unwrap_or(ArticleError::NoText));
            }
            let mut a = other.unwrap_or_else(|_| empty_article());
            a.text_content = text;
            a
        }
    };
    let body = body::clean_body(&article.text_content, &captions);
    if body.is_empty() {
        return Err(ArticleError::NoText);
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
            date_rule: None,
        }),
        now,
    );
    let (date, date_rule) = match found_date {
        Some(FoundDate { date, rule }) => (Some(date), Some(rule)),
        // What the readability pass read from the page's metadata, in a form the rules above
        // do not know.
        None => match article.published_time.as_deref().and_then(date_of_timestamp) {
            Some(d) => (Some(d), Some(DateRule::Meta)),
            None => (None, None),
        },
    };
    item.date = date;
    if let ItemDetails::Article(a) = &mut item.details {
        a.date_rule = date_rule;
    }
    item.language = article.lang.as_deref().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).or(language);
    Ok(ParsedArticle { item, date_rule, encoding: "UTF-8" })
}

fn empty_article() -> Article {
    Article {
        title: String::new(),
        byline: None,
        url: None,
        content: Default::default(),
        text_content: Default::default(),
        length: 0,
        excerpt: None,
        site_name: None,
        dir: None,
        lang: None,
        published_time: None,
        modified_time: None,
        image: None,
        favicon: None,
    }
}

/// Elements whose end tag may be left out (the parser closes them itself) or that have none:
/// they do not deepen the nesting.
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr", "p",
    "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "caption", "rb",
    "rt", "rp", "rtc", "html", "head", "body", "!doctype",
];
/// Elements whose content is text up to their end tag.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "noscript"];

/// How deep the elements of `html` nest, counted from its tags alone (open tags less end tags,
/// leaving out `FLAT` elements, comments and raw text); counting stops past `limit`.
pub fn nesting_depth(html: &str, limit: usize) -> usize {
    scan(html, limit).deepest
}

/// What one pass over a page's tags finds.
struct Scan {
    /// The deepest nesting, as `nesting_depth` counts it.
    deepest: usize,
    /// The contents of `<script>` (but JSON-LD, which holds the page's metadata), `<style>` and
    /// `<svg>` elements, and comments whole, in order: the extraction needs none of them.
    code: Vec<std::ops::Range<usize>>,
}

/// The first `needle` (which starts with a byte that is no letter) at or after `from`, ignoring
/// ASCII case.
fn find_ignoring_case(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    debug_assert!(!needle[0].is_ascii_alphabetic());
    let mut at = from.min(bytes.len());
    while let Some(p) = memchr::memchr(needle[0], &bytes[at..]) {
        let start = at + p;
        if bytes.get(start..start + needle.len()).is_some_and(|w| w.eq_ignore_ascii_case(needle)) {
            return Some(start);
        }
        at = start + 1;
    }
    None
}

fn scan(html: &str, limit: usize) -> Scan {
    let bytes = html.as_bytes();
    let (mut at, mut depth, mut deepest) = (0, 0usize, 0);
    let mut code = Vec::new();
    while let Some(open) = memchr::memchr(b'<', &bytes[at..]).map(|p| p + at) {
        at = open + 1;
        if bytes[at..].starts_with(b"!--") {
            at = find_ignoring_case(bytes, at + 3, b"-->").map_or(bytes.len(), |p| p + 3);
            skip(&mut code, open..at);
            continue;
        }
        let closing = bytes.get(at) == Some(&b'/');
        let name_start = at + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b':' | b'!' | b'?'))
            .count();
        if name_len == 0 {
            continue;
        }
        // No element the lists name is longer than 16 bytes; a longer name is an ordinary one.
        let mut lower = [0u8; 16];
        let name = match bytes.get(name_start..name_start + name_len).filter(|n| n.len() <= lower.len()) {
            Some(n) => {
                lower[..n.len()].copy_from_slice(n);
                lower[..n.len()].make_ascii_lowercase();
                std::str::from_utf8(&lower[..n.len()]).unwrap_or("-")
            }
            None => "-",
        };
        let Some(end) = memchr::memchr(b'>', &bytes[name_start..]).map(|p| p + name_start) else { break };
        at = end + 1;
        if FLAT.contains(&name) || name.starts_with('!') || name.starts_with('?') {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else if bytes[end - 1] != b'/' {
            depth += 1;
            deepest = deepest.max(depth);
            if deepest > limit {
                break;
            }
            if RAW_TEXT.contains(&name) {
                let mut close = [b'<', b'/', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
                close[2..2 + name.len()].copy_from_slice(name.as_bytes());
                let content_end = find_ignoring_case(bytes, at, &close[..2 + name.len()]).unwrap_or(bytes.len());
                let attributes = &bytes[name_start + name_len..end];
                let json_ld = find_ignoring_case(attributes, 0, b"/ld+json").is_some();
                if (name == "style" || name == "script" && !json_ld) && content_end > at {
                    skip(&mut code, at..content_end);
                }
                at = content_end;
            } else if name == "svg" {
                // Drawings (icons, logos, charts): paths and shapes, no story. Their tags
                // still count for the nesting, so the scan goes on inside them.
                // Only a closed drawing without HTML inside (`foreignObject`): an unclosed one
                // would take the rest of the page with it, which a parser would not.
                if let Some(content_end) = find_ignoring_case(bytes, at, b"</svg")
                    && find_ignoring_case(&bytes[at..content_end], 0, b"<foreignobject").is_none()
                {
                    skip(&mut code, at..content_end);
                }
            }
        }
    }
    Scan { deepest, code }
}

/// Adds `range` to the bytes left out, unless it lies within the last one (a comment inside a
/// drawing).
fn skip(code: &mut Vec<std::ops::Range<usize>>, range: std::ops::Range<usize>) {
    if code.last().is_none_or(|last| range.start >= last.end) {
        code.push(range);
    }
}

/// `html` without the contents of its scripts, style sheets and drawings (but JSON-LD) and
/// without its comments: more than half the bytes of a typical news page, which the parser
/// would tokenize for nothing.
fn without_code<'a>(html: &'a str, code: &[std::ops::Range<usize>]) -> std::borrow::Cow<'a, str> {
    if code.is_empty() {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut kept = String::with_capacity(html.len() - code.iter().map(|r| r.len()).sum::<usize>());
    let mut from = 0;
    for range in code {
        // Ranges start after a '>' and end before a '<': always on character boundaries.
        kept.push_str(&html[from..range.start]);
        from = range.end;
    }
    kept.push_str(&html[from..]);
    std::borrow::Cow::Owned(kept)
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
            date_rule: None,
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

/// The day of an ISO 8601 timestamp ("2026-01-30T14:00:00Z" → 2026-01-30).
fn date_of_timestamp(s: &str) -> Option<EdtfDate> {
    let s = s.trim();
    let day = s.get(..10).unwrap_or(s);
    day.parse().ok().or_else(|| s.get(..7).and_then(|m| m.parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_counted_from_tags_leaving_out_flat_elements_comments_and_scripts() {
        let page = "<!DOCTYPE html><html><head><title><div></title><script>if (a<b) { '<div><div>' }</script></head>\
                    <body><article><div><p>one<p>two<br><img src=x/><span>x</span></div><!-- <div><div> -->\
                    <ul><li>a<li>b</ul></article></body></html>";
        assert_eq!(nesting_depth(page, 100), 3);
        let deep = format!("<body>{}{}", "<div>".repeat(5000), "</div>".repeat(5000));
        assert_eq!(nesting_depth(&deep, 512), 513, "counting stops past the limit");
        let unclosed = "<b><i><font>".repeat(400);
        assert!(nesting_depth(&unclosed, 512) > 512);
        assert_eq!(nesting_depth(&"<p>".repeat(100_000), 512), 0, "paragraphs close themselves");
    }

    #[test]
    fn scripts_and_styles_are_left_out_before_parsing_but_json_ld_and_the_text_stay() {
        let page = "<html><head><STYLE>p { color: red }</STYLE>\
                    <script type=\"application/ld+json\">{\"datePublished\": \"2026-01-30T10:00:00Z\"}</script>\
                    <script>var s = '</div>';</SCRIPT><script src=a.js></script></head>\
                    <body><p>Students walked out at noon.</p></body></html>";
        let kept = without_code(page, &scan(page, 100).code);
        assert_eq!(
            kept,
            "<html><head><STYLE></STYLE>\
             <script type=\"application/ld+json\">{\"datePublished\": \"2026-01-30T10:00:00Z\"}</script>\
             <script></SCRIPT><script src=a.js></script></head>\
             <body><p>Students walked out at noon.</p></body></html>"
        );
        let body = "Students walked out of class at noon on Friday to protest immigration enforcement in \
                    their neighbourhood, and hundreds more joined them outside the school gates. ";
        let article = format!(
            "<html><head><title>Walkout</title><script type=\"application/ld+json\">\
             {{\"@context\": \"https://schema.org\", \"@type\": \"NewsArticle\", \"datePublished\": \"2026-01-30T10:00:00Z\"}}</script>\
             <script>document.write('<p>{}</p>')</script></head><body><article><p>{}</p><p>{}</p></article></body></html>",
            "tracking code ".repeat(20),
            body.repeat(3),
            body.repeat(2)
        );
        let item = from_html(Path::new("walkout.html"), &article, &"0".repeat(64), Utc::now()).expect("an article");
        assert_eq!(item.date.map(|d| d.to_string()).as_deref(), Some("2026-01-30"), "the date comes from JSON-LD");
        let ItemDetails::Article(a) = item.details else { panic!("an article") };
        assert!(a.body.contains("Students walked out of class"), "{}", a.body);
        assert!(!a.body.contains("tracking code"), "{}", a.body);
    }

    #[test]
    fn drawings_and_comments_are_left_out_before_parsing_and_still_count_for_the_nesting() {
        let page = "<body><!-- ad slot <p>old teaser</p> --><a href=/share><svg viewBox=\"0 0 9 9\">\
                    <title>Share on Facebook</title><g><path d=\"M0 0h9v9z\"/></g><!-- x --></svg></a>\
                    <p>Students walked out at noon.</p></body>";
        let kept = without_code(page, &scan(page, 100).code);
        assert_eq!(
            kept,
            "<body><a href=/share><svg viewBox=\"0 0 9 9\"></svg></a><p>Students walked out at noon.</p></body>"
        );
        // The nesting inside a drawing is still counted: a page cannot hide its depth there.
        let deep = format!("<body><svg>{}</svg></body>", "<g>".repeat(50));
        assert_eq!(nesting_depth(&deep, 100), 51);
        assert_eq!(scan(&deep, 100).code.len(), 1);
        // A drawing left open, or one holding HTML, keeps its text: the story after it is not lost.
        for page in [
            "<body><svg><path d=x/><p>Students walked out at noon.</p></body>",
            "<body><svg><foreignObject><p>Students walked out at noon.</p></foreignObject></svg></body>",
        ] {
            assert_eq!(without_code(page, &scan(page, 100).code), page);
        }
    }
}
