//! The search box's language, and how it becomes a Tantivy query. Words are ANDed; `a OR b`
//! offers alternatives; `"…"` is an exact phrase; `-word` excludes. Each word matches its
//! folded form, its English and Spanish stems, and — as the last word typed — any longer word it
//! starts. A word found nowhere in the index is searched by its nearest spellings instead
//! (edit distance 1, or 2 for long words), so "walkuot" finds "walkout".
//!
//! A correction or a typed prefix is offered only when a live document the same request may
//! show holds it (`Scope`): the term dictionary alone also holds the words of deleted documents
//! and of text an edit removed (until their segment is merged away), and the words of items the
//! request's filters hide — a reading room's restricted quote must not be spelt out to a visitor
//! as "did you mean …".

use std::collections::HashSet;

use tantivy::collector::Count;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EnableScoring, FuzzyTermQuery, Occur, PhraseQuery, Query,
    QueryClone, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::termdict::TermStreamer;
use tantivy::{DocSet, Searcher, TERMINATED, Term};

use super::analysis::{self, ENGLISH, PLAIN, SPANISH, Stemming};
use crate::error::Result;

/// One unit of the query: a word or a quoted phrase, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Atom {
    Word(String),
    Phrase(String),
}

/// Atoms joined by OR, possibly negated.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Clause {
    alternatives: Vec<Atom>,
    negated: bool,
}

/// A parsed search box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedQuery {
    clauses: Vec<Clause>,
    /// The text ended inside a word (the user may still be typing it).
    open_end: bool,
}

impl ParsedQuery {
    /// Parses what was typed. Never fails: stray quotes and operators are read as text.
    pub fn parse(input: &str) -> ParsedQuery {
        let mut raw: Vec<(Atom, bool)> = Vec::new();
        let mut or_marks: Vec<usize> = Vec::new();
        let chars: Vec<char> = input.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if chars[i].is_whitespace() {
                i += 1;
                continue;
            }
            let negated = chars[i] == '-' && chars.get(i + 1).is_some_and(|c| !c.is_whitespace());
            if negated {
                i += 1;
            }
            if chars[i] == '"' {
                let end = chars[i + 1..].iter().position(|&c| c == '"').map_or(chars.len(), |p| i + 1 + p);
                let phrase: String = chars[i + 1..end].iter().collect();
                raw.push((Atom::Phrase(phrase), negated));
                i = end + 1;
                continue;
            }
            let end = chars[i..].iter().position(|c| c.is_whitespace()).map_or(chars.len(), |p| i + p);
            let word: String = chars[i..end].iter().collect();
            if word == "OR" && !negated && !raw.is_empty() {
                or_marks.push(raw.len());
            } else {
                raw.push((Atom::Word(word), negated));
            }
            i = end;
        }
        let mut clauses: Vec<Clause> = Vec::new();
        for (index, (atom, negated)) in raw.into_iter().enumerate() {
            let joins_previous = or_marks.contains(&index) && !negated && clauses.last().is_some_and(|c| !c.negated);
            match clauses.last_mut() {
                Some(last) if joins_previous => last.alternatives.push(atom),
                _ => clauses.push(Clause { alternatives: vec![atom], negated }),
            }
        }
        let open_end = input.chars().last().is_some_and(|c| !c.is_whitespace() && c != '"');
        ParsedQuery { clauses, open_end }
    }

    /// Whether there are no words to match (the search lists everything).
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }
}

/// The index field a text query reads: folded words, and beside them their stems, marked by
/// language (`analysis::stem_term`).
#[derive(Clone, Copy, Debug)]
pub struct TextFields {
    /// The one text field.
    pub text: Field,
    /// The item's stemming language (`en`, `es`; none for the others).
    pub lang: Field,
}

/// What the highlighter marks: the terms the query actually searched for.
#[derive(Clone, Debug, Default)]
pub struct MatchTerms {
    /// Folded words and phrase words.
    pub exact: HashSet<String>,
    /// English stems.
    pub english: HashSet<String>,
    /// Spanish stems.
    pub spanish: HashSet<String>,
    /// Prefixes of the word being typed.
    pub prefixes: Vec<String>,
}

/// A word found nowhere, and the indexed words nearest to it that were searched instead.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Correction {
    /// The word as typed.
    pub word: String,
    /// The nearest indexed words (folded), most common first.
    pub nearest: Vec<String>,
}

/// A Tantivy query with what it matches, for highlighting.
pub struct BuiltQuery {
    /// The query.
    pub query: Box<dyn Query>,
    /// The terms to highlight.
    pub terms: MatchTerms,
    /// Words searched by their nearest spellings.
    pub corrected: Vec<Correction>,
}

/// What one request may show: its filters (kinds, tags, collection, speaker, place, dates,
/// sensitivity). A word is offered as a correction, or a typed prefix counts as found, only when
/// a live document within them holds it.
pub struct Scope<'a> {
    searcher: &'a Searcher,
    filters: Vec<(Occur, Box<dyn Query>)>,
}

impl<'a> Scope<'a> {
    /// The request's filters, each `Must` or `MustNot`, as the search itself applies them.
    pub fn new(searcher: &'a Searcher, filters: Vec<(Occur, Box<dyn Query>)>) -> Scope<'a> {
        Scope { searcher, filters }
    }

    fn within(&self, query: Box<dyn Query>) -> BooleanQuery {
        let mut clauses = vec![(Occur::Must, query)];
        clauses.extend(self.filters.iter().map(|(occur, q)| (*occur, q.box_clone())));
        BooleanQuery::new(clauses)
    }

    /// Whether at least one live document the request may show matches `query`. Stops at the
    /// first one, so rejecting a hidden word costs little even on a large index. Deleted
    /// documents are skipped by hand: a scorer still walks them.
    fn shows_any(&self, query: Box<dyn Query>) -> Result<bool> {
        let weight = self.within(query).weight(EnableScoring::disabled_from_searcher(self.searcher))?;
        for segment in self.searcher.segment_readers() {
            let mut scorer = weight.scorer(segment, 1.0)?;
            let alive = segment.alive_bitset();
            let mut doc = scorer.doc();
            while doc != TERMINATED {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    return Ok(true);
                }
                doc = scorer.advance();
            }
        }
        Ok(false)
    }

    /// How many live documents the request may show match `query`.
    fn count(&self, query: Box<dyn Query>) -> Result<usize> {
        Ok(self.searcher.search(&self.within(query), &Count)?)
    }
}

const MIN_PREFIX_CHARS: usize = 3;
const MIN_FUZZY_CHARS: usize = 4;
/// How many near spellings one misspelt word is searched as.
const MAX_NEAREST: usize = 5;

/// The indexed words closest to `word` by edit distance (1, or 2 for words of 8+ letters) that
/// a live document in `scope` holds, keeping only the closest distance found, the most common
/// (in scope) first. Typos seldom hit the first letter, so only words sharing it are compared;
/// that keeps the scan small on large indexes.
fn nearest_terms(scope: &Scope<'_>, field: Field, word: &str) -> Result<Vec<(String, usize)>> {
    let max_distance = if word.chars().count() >= 8 { 2 } else { 1 };
    let first: String = word.chars().take(1).collect();
    let mut upper = first.as_bytes().to_vec();
    upper.push(0xff);
    let mut found: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for segment in scope.searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream: TermStreamer<'_> = inverted
            .terms()
            .range()
            .ge(first.as_bytes())
            .lt(&upper)
            .into_stream()
            .map_err(tantivy::TantivyError::from)?;
        while stream.advance() {
            let Ok(term) = std::str::from_utf8(stream.key()) else { continue };
            if term.len().abs_diff(word.len()) > max_distance {
                continue;
            }
            let distance = strsim::damerau_levenshtein(word, term);
            if distance <= max_distance {
                found.insert(term.to_string(), distance);
            }
        }
    }
    let mut candidates: Vec<(String, usize)> = found.into_iter().collect();
    candidates.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    // The dictionary's document frequencies count deleted and hidden documents too: both which
    // words qualify and their order come from the documents in scope only.
    let mut nearest: Vec<(String, usize, usize)> = Vec::new();
    for (term, distance) in candidates {
        if nearest.first().is_some_and(|(_, closest, _)| distance > *closest) {
            break;
        }
        if scope.shows_any(term_query(field, &term))? {
            let count = scope.count(term_query(field, &term))?;
            nearest.push((term, distance, count));
        }
    }
    nearest.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    Ok(nearest.into_iter().take(MAX_NEAREST).map(|(t, d, _)| (t, d)).collect())
}

fn first_token(analyzer: &str, text: &str) -> Option<String> {
    analysis::tokens(&mut analysis::analyzer(analyzer), text).into_iter().next().map(|t| t.term)
}

fn term_query(field: Field, term: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, term), IndexRecordOption::WithFreqs))
}

/// Builds the Tantivy query for a parsed search box.
pub fn build(parsed: &ParsedQuery, fields: TextFields, scope: &Scope<'_>) -> Result<BuiltQuery> {
    let mut terms = MatchTerms::default();
    let mut corrected = Vec::new();
    let mut subqueries: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let last_clause = parsed.clauses.len().saturating_sub(1);
    for (index, clause) in parsed.clauses.iter().enumerate() {
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let last_alternative = clause.alternatives.len().saturating_sub(1);
        for (alt_index, atom) in clause.alternatives.iter().enumerate() {
            let typing = parsed.open_end && index == last_clause && alt_index == last_alternative;
            let collect = if clause.negated { None } else { Some(&mut terms) };
            let query = match atom {
                Atom::Phrase(text) => phrase_query(fields, text, collect),
                Atom::Word(word) => word_query(fields, word, typing, scope, collect, &mut corrected)?,
            };
            if let Some(query) = query {
                alternatives.push((Occur::Should, query));
            }
        }
        if alternatives.is_empty() {
            continue;
        }
        let query: Box<dyn Query> = if alternatives.len() == 1 {
            alternatives.pop().unwrap().1
        } else {
            Box::new(BooleanQuery::new(alternatives))
        };
        subqueries.push((if clause.negated { Occur::MustNot } else { Occur::Must }, query));
    }
    if subqueries.iter().all(|(occur, _)| *occur == Occur::MustNot) {
        subqueries.push((Occur::Must, Box::new(AllQuery)));
    }
    Ok(BuiltQuery { query: Box::new(BooleanQuery::new(subqueries)), terms, corrected })
}

fn phrase_query(fields: TextFields, text: &str, collect: Option<&mut MatchTerms>) -> Option<Box<dyn Query>> {
    let words: Vec<String> =
        analysis::tokens(&mut analysis::analyzer(PLAIN), text).into_iter().map(|t| t.term).collect();
    if let Some(terms) = collect {
        terms.exact.extend(words.iter().cloned());
    }
    match words.len() {
        0 => None,
        1 => Some(term_query(fields.text, &words[0])),
        _ => Some(Box::new(super::guarded::Guarded(Box::new(PhraseQuery::new(
            words.iter().map(|w| Term::from_field_text(fields.text, w)).collect(),
        ))))),
    }
}

fn word_query(
    fields: TextFields,
    word: &str,
    typing: bool,
    scope: &Scope<'_>,
    collect: Option<&mut MatchTerms>,
    corrected: &mut Vec<Correction>,
) -> Result<Option<Box<dyn Query>>> {
    let plain = analysis::tokens(&mut analysis::analyzer(PLAIN), word);
    if plain.len() > 1 {
        // "doesn't", "e-mail": the pieces must stand together.
        return Ok(phrase_query(fields, word, collect));
    }
    let Some(folded) = plain.into_iter().next().map(|t| t.term) else { return Ok(None) };
    let english = first_token(ENGLISH, word).unwrap_or_else(|| folded.clone());
    let spanish = first_token(SPANISH, word).unwrap_or_else(|| folded.clone());

    // A word of an item matches when it is the word typed, or when it has the same stem in the
    // item's language. The index holds a stem beside a word only where the two differ (so each
    // occurrence sits in one posting list this query reads): a word that is its own stem ("love"
    // in an English item) is found by its folded form, in items of that language only.
    let mut options: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    // The word typed, when it is its own stem, also matches as one: it counts for both, as a
    // word that is its stem did when the two were separate fields.
    let own_stem = english == folded || spanish == folded;
    options.push((
        Occur::Should,
        Box::new(BoostQuery::new(term_query(fields.text, &folded), if own_stem { 2.5 } else { 1.5 })),
    ));
    for (stemming, stem, language) in [(Stemming::English, &english, "en"), (Stemming::Spanish, &spanish, "es")] {
        let marked = term_query(fields.text, &analysis::stem_term(stemming, stem));
        options.push((Occur::Should, marked));
        let own = |word: &str| {
            analysis::stemmer(if stemming == Stemming::English { ENGLISH } else { SPANISH })
                .is_some_and(|mut s| analysis::stem(&mut s, word) == word)
        };
        if *stem != folded && own(stem) {
            let in_language = BooleanQuery::new(vec![
                (Occur::Must, term_query(fields.text, stem)),
                (
                    Occur::Must,
                    Box::new(ConstScoreQuery::new(
                        Box::new(TermQuery::new(
                            Term::from_field_text(fields.lang, language),
                            IndexRecordOption::Basic,
                        )),
                        0.0,
                    )),
                ),
            ]);
            options.push((Occur::Should, Box::new(in_language)));
        }
    }
    let prefix = typing && folded.chars().count() >= MIN_PREFIX_CHARS;
    let prefix_query = || FuzzyTermQuery::new_prefix(Term::from_field_text(fields.text, &folded), 0, false);
    if prefix {
        options.push((Occur::Should, Box::new(BoostQuery::new(Box::new(prefix_query()), 0.5))));
    }
    // Found means found where this request may look: a word only a hidden, deleted or edited-away
    // document holds is treated as unknown, so the answer is the same as for a word never seen.
    let mut found = false;
    for (_, option) in &options {
        found = found || scope.shows_any(option.box_clone())?;
    }
    found = found || (prefix && scope.shows_any(Box::new(prefix_query()))?);
    let mut nearest = Vec::new();
    if !found && folded.chars().count() >= MIN_FUZZY_CHARS {
        nearest = nearest_terms(scope, fields.text, &folded)?;
        for (term, distance) in &nearest {
            let boost = if *distance == 1 { 0.6 } else { 0.3 };
            options.push((Occur::Should, Box::new(BoostQuery::new(term_query(fields.text, term), boost))));
        }
        if !nearest.is_empty() {
            corrected
                .push(Correction { word: word.to_string(), nearest: nearest.iter().map(|(t, _)| t.clone()).collect() });
        }
    }
    if let Some(terms) = collect {
        if prefix {
            terms.prefixes.push(folded.clone());
        }
        terms.exact.extend(nearest.into_iter().map(|(t, _)| t));
        terms.exact.insert(folded);
        terms.english.insert(english);
        terms.spanish.insert(spanish);
    }
    Ok(Some(Box::new(BooleanQuery::new(options))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(clause: &Clause) -> Vec<String> {
        clause
            .alternatives
            .iter()
            .map(|a| match a {
                Atom::Word(w) => w.clone(),
                Atom::Phrase(p) => format!("\"{p}\""),
            })
            .collect()
    }

    #[test]
    fn parses_words_phrases_or_and_exclusions() {
        let q = ParsedQuery::parse(r#"ice "twin cities" students OR teachers -police"#);
        let shape: Vec<(Vec<String>, bool)> = q.clauses.iter().map(|c| (words(c), c.negated)).collect();
        assert_eq!(
            shape,
            vec![
                (vec!["ice".to_string()], false),
                (vec!["\"twin cities\"".to_string()], false),
                (vec!["students".to_string(), "teachers".to_string()], false),
                (vec!["police".to_string()], true),
            ]
        );
        assert!(q.open_end);
        assert!(!ParsedQuery::parse("walkout ").open_end);
    }

    #[test]
    fn stray_quotes_and_operators_are_text() {
        let q = ParsedQuery::parse(r#"OR "unclosed phrase"#);
        assert_eq!(q.clauses.len(), 2);
        assert!(ParsedQuery::parse("   ").is_empty());
        assert_eq!(ParsedQuery::parse("- a").clauses.len(), 2);
    }
}
