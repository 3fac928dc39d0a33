//! The story's text from what the readability pass keeps: paragraphs separated by one blank
//! line, without the page furniture it lets through (captions and credits, share and
//! newsletter lines, gallery counters, "Updated …" lines, related-story headers, author bios,
//! citation lines) and without the lines before the story starts. Each rule is checked on the
//! article corpora (scripts/article_quality.py); the rules count words and sentence ends in a
//! way that holds for Chinese and Japanese, which use neither spaces nor ASCII punctuation.

use std::collections::{HashMap, HashSet};

/// The story's paragraphs. `captions` are the page's caption and credit texts (from
/// `<figcaption>` and caption/credit classes): repeated, they are a gallery's furniture.
pub fn clean_body(text: &str, captions: &HashSet<String>) -> String {
    let paragraphs: Vec<String> = text
        .split('\n')
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for p in &paragraphs {
        *seen.entry(p.as_str()).or_default() += 1;
    }
    let mut printed: HashSet<&str> = HashSet::new();
    let mut kept: Vec<&str> = Vec::new();
    for p in paragraphs.iter().map(String::as_str) {
        if is_furniture(p) {
            continue;
        }
        let repeated = seen[p] > 1;
        // A caption a gallery shows twice is furniture; a repeated line of the story (a refrain,
        // a step, a pull quote of the body) keeps its first copy.
        if repeated && words_up_to(p, 3) >= 3 && captions.contains(p) {
            continue;
        }
        if repeated && !printed.insert(p) && words_up_to(p, 3) >= 3 && !is_refrain(p, &kept) {
            continue;
        }
        kept.push(p);
    }
    // Author bios and citation lines close a story: dropped from its end only.
    while kept.last().is_some_and(|p| is_bio(p)) {
        kept.pop();
    }
    // The story starts at its first sentence or longer line.
    let start = kept.iter().position(|p| starts_story(p)).unwrap_or(0);
    let body = kept[start..].join("\n\n");
    if body.is_empty() {
        // A page whose every line looked like furniture still has its text: better the text
        // with its furniture than an article with none.
        return paragraphs.join("\n\n");
    }
    body
}

/// Whether a line can open the story: a sentence, or a line of 8 words or more. In Chinese or
/// Japanese, where every character counts as a word, a headline is that long: there a line
/// opens the story when it ends a sentence or runs past 40 characters.
fn starts_story(p: &str) -> bool {
    let chars = p.chars().count();
    let cjk = p.chars().filter(|c| is_cjk(*c)).count();
    ends_sentence(p) || if cjk * 2 > chars { chars > 40 } else { words_up_to(p, 8) >= 8 }
}

/// A repeated line inside verse or a list of short lines (a refrain, a chant): it repeats on
/// purpose, unlike a pull quote or a teaser that copies a sentence of a longer story.
fn is_refrain(p: &str, kept: &[&str]) -> bool {
    let recent = &kept[kept.len().saturating_sub(4)..];
    !recent.is_empty() && words_up_to(p, 21) <= 20 && recent.iter().all(|k| words_up_to(k, 21) <= 20)
}

/// Words in `text`: runs between spaces, with every Chinese, Japanese or Korean character a
/// word of its own (those scripts write no spaces; a character is about a word's worth).
pub fn words(text: &str) -> usize {
    words_up_to(text, usize::MAX)
}

/// Words in `text` as [`words`] counts them, but counting stops at `cap`: enough to tell
/// whether a line is longer or shorter than some number of words without reading it all.
pub fn words_up_to(text: &str, cap: usize) -> usize {
    let mut n = 0;
    for w in text.split_whitespace() {
        n += if w.is_ascii() {
            usize::from(w.bytes().any(|b| b.is_ascii_alphanumeric()))
        } else {
            let cjk = w.chars().filter(|c| is_cjk(*c)).count();
            cjk + usize::from(w.chars().any(|c| c.is_alphanumeric() && !is_cjk(c)))
        };
        if n >= cap {
            return n;
        }
    }
    n
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF     // Hiragana, Katakana
        | 0x3400..=0x4DBF   // CJK Extension A
        | 0x4E00..=0x9FFF   // CJK Unified Ideographs
        | 0xAC00..=0xD7AF   // Hangul syllables
        | 0xF900..=0xFAFF   // CJK Compatibility Ideographs
        | 0x20000..=0x2FA1F)
}

/// Whether a line ends a sentence, in Latin or CJK punctuation (a closing quote may follow).
pub fn ends_sentence(text: &str) -> bool {
    let text = text.trim_end_matches(['”', '"', '’', '」', '』', ')', '）']);
    text.ends_with(['.', '!', '?', '…', '。', '！', '？', '．'])
}

/// A line that belongs to the page around the story, not to it.
fn is_furniture(line: &str) -> bool {
    const CHROME: &[&str] = &[
        "photo",
        "image",
        "credit",
        "caption",
        "close",
        "advertisement",
        "read more",
        "read next",
        "share",
        "click",
        "sign up",
        "subscribe",
        "related",
        "recommended",
        "more from",
        "see also",
        "you may also like",
        "most read",
        "updated",
        "last updated",
        "published",
        "posted",
        "getty",
        "ap photo",
        "file photo",
        "newsletter",
        "lea también",
        "lee también",
        "te puede interesar",
        "actualizado",
        "publicado",
        "foto",
    ];
    let lower = line.to_lowercase();
    let starts_with_word = |prefix: &str| {
        lower.starts_with(prefix) && !lower[prefix.len()..].chars().next().is_some_and(char::is_alphanumeric)
    };
    // Each rule looks at lines of at most 80 words: counted once, up to there.
    let n = words_up_to(line, 81);
    let chrome = n <= 12 && CHROME.iter().any(|c| starts_with_word(c));
    let byline = line.starts_with("By ") && !line.contains('.') && line.chars().count() <= 83;
    let copyright = year_after_copyright(line) || line.contains("subject to copyright");
    let credit = n <= 40
        && (line.contains("Credit:")
            || lower.starts_with("(image credit")
            || lower.starts_with("(photo")
            || line.starts_with('©')
            || copyright
            || byline);
    let citation = n <= 80 && starts_with_word("citation");
    let promo = n <= 30
        && (lower.contains("sign up for") || lower.contains("subscribe to our") || lower.contains("our newsletter"));
    chrome || credit || citation || promo || is_gallery_counter(&lower)
}

/// "1of4", "1 of 12", "3 / 10", "2 de 5": a gallery's position, not text.
fn is_gallery_counter(lower: &str) -> bool {
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    let mut parts = compact.splitn(2, |c: char| !c.is_ascii_digit());
    let first = parts.next().unwrap_or("");
    let Some(rest) = compact.get(first.len()..) else { return false };
    let rest = ["of", "/", "de"].iter().find_map(|sep| rest.strip_prefix(sep));
    !first.is_empty() && rest.is_some_and(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()))
}

/// "Ana Ruiz is a staff reporter at …": the author's note that closes a page (a student who
/// "is a senior" is the story's, not a bio).
fn is_bio(line: &str) -> bool {
    const ROLES: &[&str] = &[
        " is a reporter",
        " is a staff writer",
        " is a staff reporter",
        " is a senior reporter",
        " is a senior writer",
        " is a senior editor",
        " is a correspondent",
        " is a freelance",
        " is a contributing",
        " is an editor",
        " is the editor",
        " is a writer",
        " is a journalist",
        " is a columnist",
    ];
    let lower = line.to_lowercase();
    let head: String = lower.chars().take(80).collect();
    words_up_to(line, 61) <= 60 && (ROLES.iter().any(|r| head.contains(r)) || lower.starts_with("citation:"))
}

/// "© 2019", "©2019".
fn year_after_copyright(line: &str) -> bool {
    line.match_indices('©').any(|(at, _)| {
        let rest = line[at + '©'.len_utf8()..].trim_start();
        rest.len() >= 4 && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_text_counts_words_and_sentence_ends() {
        assert_eq!(words("学生们今天走出了教室"), 10);
        assert!(ends_sentence("学生们今天走出了教室。"));
        assert!(ends_sentence("「ありがとう。」"));
        assert!(is_gallery_counter("1of4") && is_gallery_counter("2 of 12") && !is_gallery_counter("2026"));
    }
}
