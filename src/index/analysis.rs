//! How text becomes searchable terms. Every analyzer splits on non-alphanumerics, lowercases
//! and folds accents ("José" → "jose"), so case and accents never hide a match; the English and
//! Spanish analyzers also stem ("walkouts" → "walkout"). The query side and the snippet
//! highlighter use the same analyzers, so what is highlighted is what matched.

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
};

/// Folded words, no stemming: exact words, phrases, prefixes and typo tolerance.
pub const PLAIN: &str = "walkout_plain";
/// Folded and stemmed as English.
pub const ENGLISH: &str = "walkout_en";
/// Folded and stemmed as Spanish.
pub const SPANISH: &str = "walkout_es";

/// The analyzer registered under `name`.
pub fn analyzer(name: &str) -> TextAnalyzer {
    let base = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter);
    match name {
        ENGLISH => base.filter(Stemmer::new(Language::English)).build(),
        SPANISH => base.filter(Stemmer::new(Language::Spanish)).build(),
        _ => base.build(),
    }
}

/// The last step of the stemming analyzer `name` alone: it stems one word already split, folded
/// and lowercased by `PLAIN` (see `stem`). `None` for an analyzer that does not stem.
pub fn stemmer(name: &str) -> Option<TextAnalyzer> {
    let language = match name {
        ENGLISH => Language::English,
        SPANISH => Language::Spanish,
        _ => return None,
    };
    Some(TextAnalyzer::builder(RawTokenizer::default()).filter(Stemmer::new(language)).build())
}

/// The stem of a `PLAIN` term: what the stemming analyzer makes of the same word, since it is
/// `PLAIN` followed by the stemmer.
pub fn stem(stemmer: &mut TextAnalyzer, term: &str) -> String {
    let mut stream = stemmer.token_stream(term);
    match stream.next() {
        Some(token) => token.text.clone(),
        None => term.to_string(),
    }
}

/// Registers the three analyzers on an index.
pub fn register(index: &Index) {
    for name in [PLAIN, ENGLISH, SPANISH] {
        index.tokenizers().register(name, analyzer(name));
    }
}

/// A token and where it sits in the original text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The analyzed term.
    pub term: String,
    /// Byte offset of its start in the text.
    pub from: usize,
    /// Byte offset just past its end.
    pub to: usize,
}

/// Runs an analyzer over text.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(t) = stream.next() {
        out.push(Token { term: t.text.clone(), from: t.offset_from, to: t.offset_to });
    }
    out
}

/// Which stemmed field a language's text goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stemming {
    /// English.
    English,
    /// Spanish.
    Spanish,
    /// No stemmer for this language: only the plain field.
    None,
}

impl Stemming {
    /// Picks the stemmer from a BCP 47 code; items without a language are taken as English.
    pub fn for_language(language: Option<&str>) -> Stemming {
        let primary = language.unwrap_or("en").split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "en" | "" => Stemming::English,
            "es" => Stemming::Spanish,
            _ => Stemming::None,
        }
    }
}
