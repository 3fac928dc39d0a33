//! What is done to a page's tree before and after the readability pass picks its block:
//! ruby annotations out (furigana would be read inline, doubling every annotated word), the
//! caption texts noted (a gallery repeats them), and blocks that only look like a story taken
//! out — consent banners, newsletter boxes, author bios — by the signals they give away: their
//! class, id, `role` and `aria-label`, their vocabulary, and their share of link text.

use super::named;
use std::collections::HashSet;

use dom_query::{Document, NodeRef};

/// Words in a class, id or aria-label that name a block around the story, never the story.
const AROUND_STORY: &[&str] = &[
    "cookie",
    "consent",
    "gdpr",
    "onetrust",
    "didomi",
    "newsletter",
    "author-bio",
    "author_bio",
    "authorbio",
    "about-author",
    "about-the-author",
    "signup",
    "sign-up",
];

/// Words in a class or id of a subscription or registration prompt (and, on some sites, of the
/// story's paragraphs it hides).
const GATES: &[&str] = &["paywall", "regwall", "meter-"];

/// Phrases of consent and cookie notices, in English and Spanish.
const CONSENT_PHRASES: &[&str] = &[
    "cookie",
    "consent",
    "accept all",
    "reject all",
    "manage preferences",
    "privacy policy",
    "personalised ads",
    "personalized ads",
    "partners",
    "your preferences",
    "aceptar",
    "consentimiento",
    "política de privacidad",
    "galletas",
];

/// Removes `<rt>`/`<rp>` (ruby annotations): the base text is the story's.
pub fn strip_ruby(doc: &Document) {
    doc.select("rt, rp").remove();
}

/// The texts of the page's captions and credits, whitespace collapsed.
pub fn captions(doc: &Document) -> HashSet<String> {
    doc.select(r#"figcaption, [class*="caption" i], [class*="credit" i]"#)
        .nodes()
        .iter()
        .flat_map(|n| {
            let text = n.text();
            text.split('\n').map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect::<Vec<_>>()
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// Removes blocks that only sit beside the story: named so (`AROUND_STORY`), dialogs, and
/// blocks whose words are a consent notice's. A block holding the headline, or most of the
/// page's text, is never removed: it is the story's container.
pub fn remove_blocks_around_story(doc: &Document) {
    let page_chars = doc.select("body").text().chars().count().max(1);
    let keep = |node: &NodeRef| node.text().chars().count() * 2 > page_chars || holds_headline(node);
    let mut doomed: Vec<NodeRef> = Vec::new();
    for node in doc.select("div, section, aside, form, dialog, ul, ol, p, footer").nodes() {
        let names = super::attr_names(node, &["class", "id", "aria-label"]);
        let dialog = node
            .attr("role")
            .is_some_and(|r| r.eq_ignore_ascii_case("dialog") || r.eq_ignore_ascii_case("alertdialog"))
            || node.attr("aria-modal").is_some_and(|m| m.eq_ignore_ascii_case("true"));
        // "paywall" names both the subscription prompt and the paragraphs it hides: only a
        // short block that is not a paragraph is the prompt.
        let prompt = !named(node, &["p"])
            && GATES.iter().any(|w| names.contains(w))
            && super::body::words_up_to(&node.text(), 61) <= 60;
        if (dialog || prompt || AROUND_STORY.iter().any(|w| names.contains(w))) && !keep(node) {
            doomed.push(*node);
        }
    }
    // Unnamed notices: from each text that speaks of cookies or consent, up to the largest
    // block around it that still reads as a notice (a few levels: a notice is a small box).
    let mentions: Vec<NodeRef> = doc
        .select("body")
        .nodes()
        .iter()
        .flat_map(|b| b.descendants_it())
        .filter(|n| {
            n.is_text() && {
                let t = n.text();
                super::contains_ascii_ci(&t, "cookie") || super::contains_ascii_ci(&t, "consent")
            }
        })
        .collect();
    for text in mentions {
        let block = text
            .ancestors_it(Some(6))
            .filter(|a| named(a, &["div", "section", "aside", "form", "dialog"]))
            .take_while(|a| is_consent_notice(&a.text()))
            .last();
        if let Some(block) = block.filter(|b| !keep(b)) {
            doomed.push(block);
        }
    }
    for node in doomed {
        node.remove_from_parent();
    }
}

/// The authors the page names in its metadata (`<meta name="author">`, `rel="author"` links),
/// lowercased.
pub fn author_names(doc: &Document) -> Vec<String> {
    let meta = doc.select(r#"meta[name="author" i], meta[property="article:author" i]"#);
    let linked = doc.select(r#"[rel~="author"]"#);
    meta.nodes()
        .iter()
        .filter_map(|m| m.attr("content").map(|c| c.to_string()))
        .chain(linked.nodes().iter().map(|a| a.text().to_string()))
        .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase())
        .filter(|n| !n.is_empty() && !n.starts_with("http"))
        .collect()
}

fn holds_headline(node: &NodeRef) -> bool {
    node.descendants_it().any(|d| named(&d, &["h1", "article"]))
}

/// Whether a text reads as a consent notice: short, and several of its phrases.
pub fn is_consent_notice(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.chars().count() <= 2500
        && (lower.contains("cookie") || lower.contains("consent"))
        && CONSENT_PHRASES.iter().filter(|p| lower.contains(*p)).count() >= 3
}

/// Whether the block the readability pass chose is one of those that only look like a story:
/// a consent notice, or a list of links (related stories, a forum sidebar) whose text is
/// mostly link text.
pub fn is_wrong_block(content: &NodeRef, text: &str) -> bool {
    if is_consent_notice(text) {
        return true;
    }
    let letters = |node: &NodeRef| node.text().chars().filter(|c| !c.is_whitespace()).count();
    let all = letters(content).max(1);
    let linked: usize = content.descendants_it().filter(|n| super::named(n, &["a"])).map(|a| letters(&a)).sum();
    linked * 2 > all
}

/// Removes the smallest block holding `needle` (a line of a wrongly chosen block), so the next
/// pass picks the next candidate.
pub fn remove_block_holding(doc: &Document, needle: &str) -> bool {
    let smallest = doc
        .select("div, section, aside, form, dialog, ul, ol, table, article, main")
        .nodes()
        .iter()
        .filter(|n| collapse(&n.text()).contains(needle))
        .min_by_key(|n| n.text().len())
        .copied();
    smallest.map(|n| n.remove_from_parent()).is_some()
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
