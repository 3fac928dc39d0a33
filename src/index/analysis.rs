//! How text becomes searchable terms. Every analyzer splits on non-alphanumerics, lowercases
//! and folds accents ("José" → "jose"), so case and accents never hide a match; the English and
//! Spanish analyzers also stem ("walkouts" → "walkout"). The query side and the snippet
//! highlighter use the same analyzers, so what is highlighted is what matched.
//!
//! The index holds one text field (`TEXT`): each word's folded form, and at the same position,
//! when the item's language stems it to something else, its stem marked by language
//! (`stem_term`). A word then sits in one posting list a query reads, not three, and phrases
//! and prefixes still read the folded forms.

use std::collections::HashMap;

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
    Token as TantivyToken, TokenStream, Tokenizer,
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

/// The index's one text field's analyzer: folded words, and their stems beside them (see the
/// module's notes). The language comes from the text's first character (`language_mark`).
pub const TEXT: &str = "walkout_text";

/// Registers the analyzers on an index.
pub fn register(index: &Index) {
    for name in [PLAIN, ENGLISH, SPANISH] {
        index.tokenizers().register(name, analyzer(name));
    }
    index.tokenizers().register(TEXT, TextTokenizer::default());
}

/// The character put before an item's text to tell `TEXT` which stemmer to use (none for
/// `Stemming::None`). Private-use characters: never a word, so never indexed.
pub fn language_mark(stemming: Stemming) -> &'static str {
    match stemming {
        Stemming::English => "\u{E001}",
        Stemming::Spanish => "\u{E002}",
        Stemming::None => "",
    }
}

/// How a stem is written in the index: behind a control character per language, so stems never
/// meet folded words, prefixes or the nearest spellings of a typo (all of which start with a
/// letter or digit).
pub fn stem_term(stemming: Stemming, stem: &str) -> String {
    let mark = match stemming {
        Stemming::English => '\u{1}',
        Stemming::Spanish => '\u{2}',
        Stemming::None => return stem.to_string(),
    };
    let mut term = String::with_capacity(stem.len() + 1);
    term.push(mark);
    term.push_str(stem);
    term
}

/// Beyond this many distinct words, a stem cache starts again (memory stays bounded).
const STEM_CACHE_WORDS: usize = 200_000;

/// The `TEXT` analyzer. Stems are remembered per word: a collection's words repeat (Zipf), so
/// stemming becomes a lookup; and the tokens' buffers are reused from one text to the next.
#[derive(Clone)]
pub struct TextTokenizer {
    plain: TextAnalyzer,
    english: (TextAnalyzer, StemCache),
    spanish: (TextAnalyzer, StemCache),
    tokens: Vec<TantivyToken>,
    len: usize,
}

/// Word → its marked stem, or an empty string when the word is its own stem.
type StemCache = HashMap<String, String, rustc_hash::FxBuildHasher>;

impl Default for TextTokenizer {
    fn default() -> Self {
        TextTokenizer {
            plain: analyzer(PLAIN),
            english: (stemmer(ENGLISH).expect("an English stemmer"), StemCache::default()),
            spanish: (stemmer(SPANISH).expect("a Spanish stemmer"), StemCache::default()),
            tokens: Vec::new(),
            len: 0,
        }
    }
}

/// The next token slot of `tokens` (of which `len` are in use), its text emptied, its buffer kept.
fn next_slot<'t>(tokens: &'t mut Vec<TantivyToken>, len: &mut usize, from: &TantivyToken) -> &'t mut String {
    if *len == tokens.len() {
        tokens.push(TantivyToken::default());
    }
    let slot = &mut tokens[*len];
    *len += 1;
    slot.offset_from = from.offset_from;
    slot.offset_to = from.offset_to;
    slot.position = from.position;
    slot.position_length = from.position_length;
    slot.text.clear();
    &mut slot.text
}

impl Tokenizer for TextTokenizer {
    type TokenStream<'a> = TokensOf<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TokensOf<'a> {
        let TextTokenizer { plain, english, spanish, tokens, len } = self;
        *len = 0;
        let (stemming, text) = if let Some(rest) = text.strip_prefix('\u{E001}') {
            (Stemming::English, rest)
        } else if let Some(rest) = text.strip_prefix('\u{E002}') {
            (Stemming::Spanish, rest)
        } else {
            (Stemming::None, text)
        };
        let mut stream = plain.token_stream(text);
        while let Some(token) = stream.next() {
            next_slot(tokens, len, token).push_str(&token.text);
            let (stemmer, cache) = match stemming {
                Stemming::English => &mut *english,
                Stemming::Spanish => &mut *spanish,
                Stemming::None => continue,
            };
            let stem = match cache.get(token.text.as_str()) {
                Some(stem) => stem,
                None => {
                    if cache.len() >= STEM_CACHE_WORDS {
                        cache.clear();
                    }
                    let stem = stem(stemmer, &token.text);
                    let marked = if stem == token.text { String::new() } else { stem_term(stemming, &stem) };
                    cache.entry(token.text.clone()).or_insert(marked)
                }
            };
            if !stem.is_empty() {
                next_slot(tokens, len, token).push_str(stem);
            }
        }
        TokensOf { tokens: &mut tokens[..*len], next: 0 }
    }
}

/// The tokens `TextTokenizer` made of one text.
pub struct TokensOf<'a> {
    tokens: &'a mut [TantivyToken],
    next: usize,
}

impl TokenStream for TokensOf<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &TantivyToken {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut TantivyToken {
        &mut self.tokens[self.next - 1]
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

/// Which stems an item's words get beside them in the index, by the item's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stemming {
    /// English.
    English,
    /// Spanish.
    Spanish,
    /// No stemmer for this language: the folded words only.
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
