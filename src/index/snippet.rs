//! Highlighted snippets. Tantivy's own snippet generator only knows the exact terms of a query;
//! ours re-reads the passage with the same analyzers the index used, so stems, prefixes and
//! corrected typos are marked too, exactly as they matched.

use super::analysis::{self, ENGLISH, PLAIN, SPANISH, Stemming};
use super::query::MatchTerms;

/// A highlighted passage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    /// HTML-escaped text with `<mark>` around matches.
    pub html: String,
    /// How many words matched in the whole field.
    pub matches: usize,
}

/// Highlights the best passage of `text` of at most about `max_chars` characters, or `None`
/// when nothing in it matches.
pub fn highlight(text: &str, terms: &MatchTerms, stemming: Stemming, max_chars: usize) -> Option<Snippet> {
    let plain = analysis::tokens(&mut analysis::analyzer(PLAIN), text);
    // The stemming analyzers are `PLAIN` plus a stemmer, so a word's stem is its `PLAIN` term
    // stemmed: the text is split once, and a word is stemmed only when its folded form did not
    // already match.
    let mut stems = match stemming {
        Stemming::English => analysis::stemmer(ENGLISH).map(|s| (s, &terms.english)),
        Stemming::Spanish => analysis::stemmer(SPANISH).map(|s| (s, &terms.spanish)),
        Stemming::None => None,
    }
    .filter(|(_, wanted)| !wanted.is_empty());
    let matched: Vec<(usize, usize)> = plain
        .iter()
        .filter(|token| {
            is_match(&token.term, terms)
                || stems
                    .as_mut()
                    .is_some_and(|(stemmer, wanted)| wanted.contains(&analysis::stem(stemmer, &token.term)))
        })
        .map(|t| (t.from, t.to))
        .collect();
    if matched.is_empty() {
        return None;
    }
    let (start, end) = best_window(text, &matched, max_chars);
    let mut html = String::new();
    if start > 0 {
        html.push('…');
    }
    let mut at = start;
    for &(from, to) in matched.iter().filter(|(from, to)| *from >= start && *to <= end) {
        html.push_str(&escape(&text[at..from]));
        html.push_str("<mark>");
        html.push_str(&escape(&text[from..to]));
        html.push_str("</mark>");
        at = to;
    }
    html.push_str(&escape(&text[at..end]));
    if end < text.len() {
        html.push('…');
    }
    Some(Snippet { html: collapse_whitespace(&html), matches: matched.len() })
}

/// The opening of a text, escaped, for hits whose match is not in a readable field.
pub fn opening(text: &str, max_chars: usize) -> String {
    let end = char_boundary_after(text, 0, max_chars);
    let end = if end < text.len() { word_end_before(text, end) } else { end };
    let mut html = escape(&text[..end]);
    if end < text.len() {
        html.push('…');
    }
    collapse_whitespace(&html)
}

fn is_match(term: &str, terms: &MatchTerms) -> bool {
    terms.exact.contains(term) || terms.prefixes.iter().any(|p| term.starts_with(p.as_str()))
}

/// The byte range of the passage holding the most matches, widened to word boundaries.
fn best_window(text: &str, matched: &[(usize, usize)], max_chars: usize) -> (usize, usize) {
    let lead = max_chars / 5;
    let mut best = (0, 0usize);
    for (i, &(from, _)) in matched.iter().enumerate() {
        let start = char_boundary_before(text, from, lead);
        let end = char_boundary_after(text, start, max_chars);
        let count = matched[i..].iter().take_while(|(_, to)| *to <= end).count();
        if count > best.1 {
            best = (start, count);
        }
    }
    let start = if best.0 == 0 { 0 } else { word_start_after(text, best.0) };
    let end = char_boundary_after(text, start, max_chars);
    let end = if end < text.len() { word_end_before(text, end).max(matched_end_in(matched, start, end)) } else { end };
    (start, end)
}

fn matched_end_in(matched: &[(usize, usize)], start: usize, end: usize) -> usize {
    matched.iter().filter(|(from, to)| *from >= start && *to <= end).map(|(_, to)| *to).max().unwrap_or(start)
}

fn char_boundary_before(text: &str, at: usize, chars: usize) -> usize {
    text[..at].char_indices().rev().nth(chars.saturating_sub(1)).map_or(0, |(i, _)| i)
}

fn char_boundary_after(text: &str, at: usize, chars: usize) -> usize {
    text[at..].char_indices().nth(chars).map_or(text.len(), |(i, _)| at + i)
}

fn word_start_after(text: &str, at: usize) -> usize {
    text[at..].find(char::is_whitespace).map_or(at, |i| at + i + 1)
}

fn word_end_before(text: &str, at: usize) -> usize {
    text[..at].rfind(char::is_whitespace).unwrap_or(at)
}

fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(exact: &[&str]) -> MatchTerms {
        MatchTerms { exact: exact.iter().map(|s| s.to_string()).collect(), ..Default::default() }
    }

    #[test]
    fn marks_folded_matches_and_escapes_the_rest() {
        let s = highlight("José said <b>walk</b> & run", &terms(&["jose", "walk"]), Stemming::None, 200).unwrap();
        assert_eq!(s.html, "<mark>José</mark> said &lt;b&gt;<mark>walk</mark>&lt;/b&gt; &amp; run");
        assert_eq!(s.matches, 2);
    }

    #[test]
    fn long_text_is_cut_around_the_densest_matches() {
        let text = format!("{} the walkout began at noon {}", "filler ".repeat(100), "more ".repeat(100));
        let s = highlight(&text, &terms(&["walkout"]), Stemming::None, 80).unwrap();
        assert!(s.html.starts_with('…') && s.html.ends_with('…'), "{}", s.html);
        assert!(s.html.contains("<mark>walkout</mark> began at noon"), "{}", s.html);
        assert!(s.html.chars().count() < 120);
    }

    #[test]
    fn stems_prefixes_and_corrected_words_are_marked() {
        let mut t = MatchTerms::default();
        t.english.insert("walkout".into());
        t.prefixes.push("stud".into());
        t.exact.insert("intimidation".into());
        let s = highlight("Walkouts by students; intimidation", &t, Stemming::English, 200).unwrap();
        assert_eq!(s.html, "<mark>Walkouts</mark> by <mark>students</mark>; <mark>intimidation</mark>");
        assert!(highlight("nothing here", &t, Stemming::English, 200).is_none());
    }
}
