//! The exhibit site's search index, built at export time and loaded by `search.js` as a plain
//! script (`search-index.js` sets `window.WALKOUT_SEARCH`): browsers refuse `fetch()` of a JSON
//! file from `file://`, a script tag they load.
//!
//! Words are folded the way `search.js` folds a query — Unicode NFD, combining marks dropped,
//! lowercased, a few letters that carry no mark spelled out (ß → ss, ø → o) — and split on
//! anything that is not a letter or digit, so "José" and "jose", "ÉCOLE" and "ecole" meet. The
//! index is an inverted list: the sorted terms (in UTF-16 order, which is JavaScript's, so the
//! browser can binary-search a prefix) and for each the documents holding it with a weight that
//! favours where the word sits (title and speaker over body text). The documents carry what a
//! result shows (title, meta line, date, thumbnail) and the text the snippets are cut from.

use std::collections::BTreeMap;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// How much a word counts, by the field it is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weight {
    /// The title (a quote's words, a photo's caption, a headline).
    Title = 6,
    /// Who: speaker, authors, credit, people shown.
    Who = 4,
    /// Where, when, what: place, event, tags, collections, outlet.
    Context = 3,
    /// Longer text: a quote's context, a translation, notes, an article's body.
    Text = 1,
}

/// One document of the index: what a result shows, and the text it is found by.
#[derive(Clone, Debug, Serialize)]
pub struct Doc {
    /// The item page, relative to the site root.
    pub url: String,
    /// `quote`, `photo` or `article`.
    pub kind: &'static str,
    /// The title as shown.
    pub title: String,
    /// The meta line's parts after the kind word (speaker or outlet, place).
    pub meta: Vec<String>,
    /// The EDTF date literal.
    pub date: Option<String>,
    /// A photo's thumbnail, relative to the site root.
    pub thumb: Option<String>,
    /// Texts snippets are cut from, best first, each with the label shown before it (empty
    /// for the item's own words).
    pub text: Vec<(String, String)>,
    /// Sort key of the date (larger is later), for ties.
    pub order: i64,
    #[serde(skip)]
    fields: Vec<(Weight, String)>,
}

impl Doc {
    /// A document with its display fields and no searchable text yet.
    pub fn new(url: String, kind: &'static str, title: String) -> Doc {
        let fields = vec![(Weight::Title, title.clone())];
        Doc { url, kind, title, meta: Vec::new(), date: None, thumb: None, text: Vec::new(), order: 0, fields }
    }

    /// Makes a text findable with a weight; a `label` (maybe empty) also offers it for snippets.
    pub fn add(&mut self, weight: Weight, label: Option<&str>, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        self.fields.push((weight, text.to_string()));
        if let Some(label) = label {
            self.text.push((label.to_string(), text.to_string()));
        }
    }
}

/// The whole index as `search-index.js` holds it.
#[derive(Debug, Serialize)]
pub struct SearchIndex {
    /// The format of this object, for `search.js`.
    pub version: u32,
    /// The documents, in the site's own order.
    pub docs: Vec<Doc>,
    /// Every term, sorted in UTF-16 code unit order.
    pub terms: Vec<String>,
    /// For each term, `[doc, weight, doc, weight, …]` with docs ascending.
    pub postings: Vec<Vec<u32>>,
}

/// Folds text for matching: NFD, combining marks dropped, lowercase, and letters without a
/// decomposition spelled out. `search.js` has the same function; keep them in step.
pub fn fold(text: &str) -> String {
    let unmarked: String = text.nfd().filter(|c| !is_combining_mark(*c)).collect();
    let mut out = String::with_capacity(unmarked.len());
    for c in unmarked.to_lowercase().chars() {
        match c {
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ø' => out.push('o'),
            'ł' => out.push('l'),
            'đ' | 'ð' => out.push('d'),
            'þ' => out.push_str("th"),
            'ı' => out.push('i'),
            _ => out.push(c),
        }
    }
    out
}

/// The folded words of a text, as `search.js` splits a query.
pub fn words(text: &str) -> Vec<String> {
    fold(text).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(String::from).collect()
}

/// Builds the inverted index over the documents.
pub fn build(docs: Vec<Doc>) -> SearchIndex {
    let mut terms: BTreeMap<String, BTreeMap<u32, u32>> = BTreeMap::new();
    for (n, doc) in docs.iter().enumerate() {
        for (weight, text) in &doc.fields {
            for word in words(text) {
                *terms.entry(word).or_default().entry(n as u32).or_default() += *weight as u32;
            }
        }
    }
    let mut sorted: Vec<(String, BTreeMap<u32, u32>)> = terms.into_iter().collect();
    sorted.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
    let (terms, postings) =
        sorted.into_iter().map(|(term, docs)| (term, docs.into_iter().flat_map(|(d, w)| [d, w]).collect())).unzip();
    SearchIndex { version: 1, docs, terms, postings }
}

/// The index as the script `search-index.js`.
pub fn to_script(index: &SearchIndex) -> crate::Result<String> {
    let json = serde_json::to_string(index).map_err(|e| crate::Error::invalid("site", e.to_string()))?;
    Ok(format!(
        "// The exhibit's search index, made by Walkout Archive's export. Loaded as a script (not fetched) so search works from file://.\nwindow.WALKOUT_SEARCH = {json};\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_meets_accents_case_and_unmarked_letters() {
        assert_eq!(words("José MARÍA, l'École"), ["jose", "maria", "l", "ecole"]);
        assert_eq!(words("Straße Øresund Łódź"), ["strasse", "oresund", "lodz"]);
        assert_eq!(words("ICE Out! 2026-01-30"), ["ice", "out", "2026", "01", "30"]);
        // A decomposed é (e + U+0301) folds like a composed one.
        assert_eq!(fold("Jose\u{301}"), fold("José"));
    }

    #[test]
    fn the_index_weights_titles_and_sorts_terms_for_a_prefix_search() {
        let mut quote = Doc::new("items/a.html".into(), "quote", "Aquí estamos".into());
        quote.add(Weight::Text, Some("Context"), "Chanted aquí at the rally");
        let photo = Doc::new("items/b.html".into(), "photo", "Rally at the bridge".into());
        let index = build(vec![quote, photo]);
        let posting = |term: &str| index.postings[index.terms.iter().position(|t| t == term).unwrap()].clone();
        assert_eq!(posting("aqui"), [0, Weight::Title as u32 + Weight::Text as u32]);
        assert_eq!(posting("rally"), [0, 1, 1, 6]);
        assert!(index.terms.windows(2).all(|w| w[0].encode_utf16().lt(w[1].encode_utf16())));
    }
}
