//! Names as the policy compares them, and the scrubbing of names out of free text.
//!
//! The same person is often written two ways ("María López", "Maria Lopez", "MARIA LOPEZ"):
//! for the policy they are one person, so its key folds case, spacing and accents. A protected
//! name in a description, a role or a quote's own words is found the same way, in the folded
//! text, and replaced in the original text (the rest of which keeps its accents and case).

use aho_corasick::{AhoCorasick, MatchKind};
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// The key under which the policy knows a person: the name in lower case, single-spaced, with
/// accents dropped ("  María  LÓPEZ " → "maria lopez").
pub fn person_key(name: &str) -> String {
    fold(name).0
}

/// `text` folded as `person_key` folds a name, and for each byte of the folded text the byte
/// offset in `text` of the character it came from.
fn fold(text: &str) -> (String, Vec<usize>) {
    let mut folded = String::with_capacity(text.len());
    let mut from = Vec::with_capacity(text.len());
    let mut space = true; // no leading space
    for (at, c) in text.char_indices() {
        if c.is_whitespace() {
            if !space {
                folded.push(' ');
                from.push(at);
                space = true;
            }
            continue;
        }
        space = false;
        let mut push = |d: char| {
            if is_combining_mark(d) {
                return;
            }
            for l in d.to_lowercase() {
                let before = folded.len();
                folded.push(l);
                from.extend(std::iter::repeat_n(at, folded.len() - before));
            }
        };
        if c.is_ascii() {
            push(c);
        } else {
            decompose_canonical(c, &mut push);
        }
    }
    if folded.ends_with(' ') {
        folded.pop();
        from.pop();
    }
    (folded, from)
}

/// Finds the names of protected people in text, whatever their case, accents or spacing, as
/// whole words.
pub struct NameFinder {
    matcher: Option<AhoCorasick>,
    keys: Vec<String>,
}

impl NameFinder {
    /// A finder of these people's names (their `person_key`s).
    pub fn new(keys: impl IntoIterator<Item = String>) -> NameFinder {
        let mut keys: Vec<String> = keys.into_iter().filter(|k| k.chars().any(char::is_alphanumeric)).collect();
        keys.sort();
        keys.dedup();
        let matcher = (!keys.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&keys)
                .expect("names make a valid automaton")
        });
        NameFinder { matcher, keys }
    }

    /// `text` with every whole-word occurrence of a name replaced by what `replacement` gives
    /// for its key.
    pub fn replace(&self, text: &str, mut replacement: impl FnMut(&str) -> String) -> String {
        let Some(matcher) = &self.matcher else { return text.to_string() };
        if text.is_empty() {
            return String::new();
        }
        let (folded, from) = fold(text);
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for m in matcher.find_iter(&folded) {
            let before = folded[..m.start()].chars().next_back();
            let after = folded[m.end()..].chars().next();
            if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric) {
                continue;
            }
            let start = from[m.start()];
            let end = char_end(text, from[m.end() - 1]);
            if start < copied {
                continue;
            }
            out.push_str(&text[copied..start]);
            out.push_str(&replacement(&self.keys[m.pattern().as_usize()]));
            copied = end;
        }
        out.push_str(&text[copied..]);
        out
    }

    /// Whether `text` names any of the people.
    pub fn finds_any(&self, text: &str) -> bool {
        let mut found = false;
        self.replace(text, |_| {
            found = true;
            String::new()
        });
        found
    }
}

/// The end of the character that starts at `at`, with the accents that follow it.
fn char_end(text: &str, at: usize) -> usize {
    let mut chars = text[at..].char_indices().skip(1);
    for (offset, c) in chars.by_ref() {
        if !is_combining_mark(c) {
            return at + offset;
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_for_a_name_whatever_its_accents_case_and_spacing() {
        assert_eq!(person_key("  María   LÓPEZ "), "maria lopez");
        assert_eq!(person_key("Maria Lopez"), "maria lopez");
        assert_eq!(person_key("Zoë Ñúñez"), "zoe nunez");
    }

    #[test]
    fn names_are_replaced_in_the_original_text_as_whole_words() {
        let finder = NameFinder::new([person_key("María López")]);
        let text = "Said by MARIA  LOPEZ, then by María López; not Mariana Lopezz. ¡María López!";
        let out = finder.replace(text, |_| "a student".to_string());
        assert_eq!(out, "Said by a student, then by a student; not Mariana Lopezz. ¡a student!");
        assert!(finder.finds_any("maria\nlópez"));
        assert!(!finder.finds_any("Mariana"));
        assert_eq!(NameFinder::new(Vec::new()).replace("María López", |_| String::new()), "María López");
    }
}
