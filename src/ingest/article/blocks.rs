//! The blocks a readability pass takes in beside the story, told apart from the story by the
//! signals they give away. The pass scores text by its length and commas, so it often keeps the
//! common parent of the story and a longer neighbour: the author's bio, a list of testimonials
//! or reviews, a teaser for another story, the signatories of an open letter, a forum's list of
//! topics. Those blocks are pruned from the chosen content; when the pass chose one of them
//! alone, the caller asks it for its next candidate.
//!
//! The signals: the block's class, id, `role` and `aria-label`; a bio's opening ("Ana Ruiz is a
//! reporter…", "About the author"); a teaser's heading that links to another page; repeated
//! short items (names, topic links, quotes signed "— Name", star ratings); and, for the block
//! as a whole, its distance from the headline (the story starts right below it). The story's
//! first paragraph (its lead), and any block built like the one holding it (a story split into
//! sibling containers), are never pruned.

use super::named;
use std::collections::{HashMap, HashSet};

use dom_query::{Document, NodeId, NodeRef};

use super::body::{ends_sentence, words, words_up_to};
use super::date::elsewhere;

/// What the pruning knows of the page around the chosen block.
#[derive(Debug, Default)]
pub struct PageFacts {
    /// The page's `<title>`, lowercased and collapsed: a heading it repeats is the story's own.
    pub title: String,
    /// The authors' names, lowercased: a block that opens on one of them is their bio.
    pub authors: Vec<String>,
    /// The start of the first paragraph of prose below the headline, collapsed: the story's
    /// lead as the page sets it.
    pub lead_below_headline: Option<String>,
}

/// Words (in a class, id, role or aria-label) of blocks that sit beside a story.
const BESIDE_STORY: &[&str] = &[
    "author-bio",
    "authorbio",
    "author_bio",
    "about-author",
    "about-the-author",
    "author-info",
    "author-box",
    "testimonial",
    "signator",
    "teaser",
    "recirc",
    "up-next",
    "upnext",
    "read-next",
    "more-stories",
    "most-popular",
    "recommended",
    "trending",
    "forum",
];

/// Links that end a teaser.
const READ_MORE: &[&str] = &[
    "continue reading",
    "read more",
    "read the full story",
    "full story",
    "keep reading",
    "read the rest",
    "leer más",
    "seguir leyendo",
    "lee más",
];

/// Verbs that open an author's bio after their name ("Ana Ruiz is a reporter…").
const BIO_VERBS: &[&str] = &[" is ", " was ", " has ", " covers ", " writes ", " joined ", " reports ", " es ", " ha "];

/// Elements that may be a block beside the story.
const BLOCKS: &[&str] = &[
    "div",
    "section",
    "aside",
    "article",
    "ul",
    "ol",
    "dl",
    "header",
    "footer",
    "figure",
    "blockquote",
    "table",
    "form",
];

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A paragraph of prose: a sentence (or more) of 15 words or more.
fn is_prose(text: &str) -> bool {
    let t = text.trim();
    ends_sentence(t) && words_up_to(t, 15) >= 15
}

/// An element's class, id, role and aria-label, lowercased.
fn names_of(node: &NodeRef) -> String {
    super::attr_names(node, &["class", "id", "role", "aria-label"])
}

/// What makes two blocks the same kind of block: their tag and class.
fn signature(node: &NodeRef) -> String {
    format!("{}.{}", node.node_name().unwrap_or_default(), node.attr("class").unwrap_or_default())
}

/// The first paragraph of prose in `root`.
fn lead_of<'a>(root: &NodeRef<'a>) -> Option<NodeRef<'a>> {
    root.descendants_it().find(|n| named(n, &["p", "li", "dd", "blockquote", "pre", "td"]) && is_prose(&n.text()))
}

/// A link to another page (not an anchor on this one, not a script).
fn links_elsewhere(a: &NodeRef) -> bool {
    a.attr("href").is_some_and(|h| {
        let h = h.trim();
        !h.is_empty() && !h.starts_with('#') && !h.to_ascii_lowercase().starts_with("javascript:")
    })
}

/// Whether `node` is a block beside the story, by one of the signals. A bio or a list of
/// names, quotes or topics closes the story in a block of its own (`trailing`: no prose
/// follows it, and it is not set among the story's paragraphs); in the middle of the story, or
/// beside its paragraphs, such a list is the story's own (a list of demands, of features).
fn is_beside_story(node: &NodeRef, facts: &PageFacts, trailing: bool) -> bool {
    let names = names_of(node);
    if BESIDE_STORY.iter().any(|w| names.contains(w)) {
        return true;
    }
    let text = collapse(&node.text());
    let n = words(&text);
    n > 0
        && (n <= 300 && is_teaser(node, &text, facts)
            || trailing && (n <= 300 && is_bio(node, &text, facts) || repeats_short_items(node)))
}

/// A bio: "About the author", "About Ana Ruiz", or a first paragraph that opens on an author's
/// name and a verb ("Ana Ruiz is a reporter…").
fn is_bio(node: &NodeRef, text: &str, facts: &PageFacts) -> bool {
    let lower = text.to_lowercase();
    if lower.starts_with("about the author")
        || lower.starts_with("sobre el autor")
        || lower.starts_with("sobre la autora")
    {
        return true;
    }
    let first = node
        .descendants_it()
        .find(|d| named(d, &["p", "h2", "h3", "h4", "h5", "h6"]) && !d.text().trim().is_empty())
        .map(|d| collapse(&d.text()).to_lowercase())
        .unwrap_or(lower);
    facts.authors.iter().filter(|a| a.chars().count() >= 5).any(|author| {
        first.strip_prefix("about ").is_some_and(|rest| rest.starts_with(author.as_str()))
            || first.strip_prefix(author.as_str()).is_some_and(|rest| BIO_VERBS.iter().any(|v| rest.starts_with(v)))
    })
}

/// A teaser for another story: its heading is a link to another page (and not the page's own
/// headline), and it ends on a "Continue reading" link, links that page twice (picture and
/// heading), or is a card (a headline and a line or two).
fn is_teaser(node: &NodeRef, text: &str, facts: &PageFacts) -> bool {
    let Some(heading) = node.descendants_it().find(|d| named(d, &["h1", "h2", "h3", "h4", "h5", "h6"])) else {
        return false;
    };
    let heading_text = collapse(&heading.text());
    if heading_text.is_empty() || facts.title.contains(&heading_text.to_lowercase()) {
        return false;
    }
    let links: Vec<NodeRef> = heading.descendants_it().filter(|d| named(d, &["a"])).collect();
    let linked: usize = links.iter().map(|a| collapse(&a.text()).chars().count()).sum();
    let Some(target) = links.iter().find(|a| links_elsewhere(a)).and_then(|a| a.attr("href")) else { return false };
    if linked * 10 < heading_text.chars().count() * 9 {
        return false;
    }
    let rest = words(text).saturating_sub(words(&heading_text));
    if rest == 0 {
        return false;
    }
    let anchors: Vec<NodeRef> = node.descendants_it().filter(|d| named(d, &["a"])).collect();
    let read_more = anchors.iter().any(|a| {
        let t = collapse(&a.text()).to_lowercase();
        READ_MORE.iter().any(|r| t.trim_end_matches(['.', '…', '→', '›', '»', ' ']) == *r)
    });
    let twice = anchors.iter().filter(|a| a.attr("href").as_deref() == Some(&*target)).count() >= 2;
    read_more || twice || rest <= 80
}

/// Repeated short items: five or more children with text, built alike (same tag and class), that hold most
/// of the block's text, each short, that are names or titles (no sentence), quotes signed
/// "— Name", ratings, or lines that open on a link (a list of topics or stories).
fn repeats_short_items(node: &NodeRef) -> bool {
    let children: Vec<NodeRef> = node
        .element_children()
        .into_iter()
        .filter(|c| !named(c, &["h1", "h2", "h3", "h4", "h5", "h6"]) && words(&c.text()) > 0)
        .collect();
    if children.len() < 5 {
        return false;
    }
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for c in &children {
        *counts.entry(signature(c)).or_default() += 1;
    }
    let Some((common, count)) = counts.into_iter().max_by_key(|(_, n)| *n) else { return false };
    if count < 5 {
        return false;
    }
    let items: Vec<(NodeRef, String)> =
        children.into_iter().filter(|c| signature(c) == common).map(|c| (c, collapse(&c.text()))).collect();
    let item_chars: usize = items.iter().map(|(_, t)| t.chars().count()).sum();
    let all_chars = collapse(&node.text()).chars().count().max(1);
    if item_chars * 10 < all_chars * 7 {
        return false;
    }
    let mut lengths: Vec<usize> = items.iter().map(|(_, t)| words(t)).collect();
    lengths.sort_unstable();
    if lengths[lengths.len() / 2] > 60 {
        return false;
    }
    let share = |f: &dyn Fn(&NodeRef, &str) -> bool| items.iter().filter(|(n, t)| f(n, t)).count() * 10;
    let names = share(&|_, t| words_up_to(t, 13) <= 12 && !ends_sentence(t)) >= items.len() * 8;
    let signed = share(&|n, _| {
        n.descendants_it().filter(|d| d.is_text()).any(|d| {
            let t = d.text();
            let t = t.trim_start();
            (t.starts_with('—') || t.starts_with('–') || t.starts_with("- ") || t.starts_with('~'))
                && t.chars().nth(1).is_some_and(|_| words_up_to(t, 11) <= 10)
        }) || {
            let t = n.text().to_lowercase();
            t.contains('★') || t.contains("out of 5") || t.contains("stars")
        }
    }) >= items.len() * 6;
    let linked = share(&|n, _| {
        n.descendants_it().find(|d| d.is_text() && !d.text().trim().is_empty()).is_some_and(|t| {
            t.ancestors_it(None).take_while(|a| a.id != n.id).any(|a| named(&a, &["a"]) && links_elsewhere(&a))
        })
    }) >= items.len() * 6;
    names || signed || linked
}

/// The chosen content's text without the blocks beside the story, when it held any.
pub fn pruned(content: &NodeRef, facts: &PageFacts) -> Option<String> {
    let root = *content;
    let lead = lead_of(&root)?;
    let lead_path: HashSet<NodeId> = lead.ancestors_it(None).map(|a| a.id).collect();
    // Where each element is in the content, and where its last paragraph of prose is.
    let order: HashMap<NodeId, usize> = root.descendants_it().enumerate().map(|(i, n)| (n.id, i)).collect();
    let last_prose = root
        .descendants_it()
        .filter(|n| named(n, &["p", "li", "dd", "blockquote", "pre", "td"]) && is_prose(&n.text()))
        .last();
    let last_prose = last_prose.and_then(|p| order.get(&p.id).copied()).unwrap_or(0);
    let mut doomed: Vec<NodeRef> = Vec::new();
    let mut doomed_ids: HashSet<NodeId> = HashSet::new();
    for node in root.descendants_it().filter(|n| named(n, BLOCKS)) {
        if lead_path.contains(&node.id) || node.ancestors_it(None).any(|a| doomed_ids.contains(&a.id)) {
            continue;
        }
        // A block built like the one that holds the lead is more of the story.
        let like_the_story = node.parent().is_some_and(|p| {
            p.element_children().iter().any(|s| lead_path.contains(&s.id) && signature(s) == signature(&node))
        });
        // A list set among the story's own paragraphs (its parent holds them) is the story's.
        let end = node.descendants_it().last().and_then(|d| order.get(&d.id).copied()).unwrap_or(0);
        let among_story =
            node.parent().is_some_and(|p| p.element_children().iter().any(|c| named(c, &["p"]) && is_prose(&c.text())));
        let trailing = end >= last_prose && !among_story;
        if !like_the_story && is_beside_story(&node, facts, trailing) {
            doomed_ids.insert(node.id);
            doomed.push(node);
        }
    }
    if doomed.is_empty() {
        return None;
    }
    for node in doomed {
        node.remove_from_parent();
    }
    Some(root.formatted_text().to_string())
}

/// Whether the chosen content as a whole is a block beside the story: one the signals name,
/// or one that does not hold the prose right below the headline (the story starts there) while
/// the page has it.
pub fn is_beside_story_whole(content: &NodeRef, text: &str, facts: &PageFacts) -> bool {
    let mut node = *content;
    // Down through wrappers of a single block.
    while let [only] = node.element_children().as_slice() {
        if !named(only, BLOCKS) {
            break;
        }
        node = *only;
    }
    let text_c = collapse(text);
    let far_from_headline = facts.lead_below_headline.as_ref().is_some_and(|lead| !text_c.contains(lead.as_str()));
    far_from_headline || is_beside_story(&node, facts, true)
}

/// The prose words of a text (its paragraphs of prose): how much story a block holds.
pub fn prose_words(text: &str) -> usize {
    text.split('\n').filter(|l| is_prose(l)).map(words).sum()
}

/// The first paragraph of prose below `headline` in the page (outside blocks of other
/// stories), its first 80 characters collapsed.
pub fn lead_below(doc: &Document, headline: Option<NodeRef>) -> Option<String> {
    let headline = headline?;
    let body = doc.select("body").nodes().first().copied()?;
    let mut below = false;
    for node in body.descendants_it() {
        if node.id == headline.id {
            below = true;
            continue;
        }
        if below && named(&node, &["p"]) && !node.ancestors_it(None).any(|a| a.id == headline.id) && !elsewhere(&node) {
            let text = collapse(&node.text());
            if is_prose(&text) {
                return Some(text.chars().take(80).collect());
            }
        }
    }
    None
}
