//! What a search asks and what it answers. The UI and the CLI send a `SearchRequest` (never a
//! query string in an engine syntax they build themselves) and get `SearchResults` back.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::date::EdtfDate;
use crate::model::{Id, ItemKind, Sensitivity};

/// How hits are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Best match first (newest first when there are no words).
    #[default]
    Relevance,
    /// Newest date first; undated last.
    DateDesc,
    /// Oldest date first; undated last.
    DateAsc,
    /// By title, A to Z.
    Title,
    /// Most recently added first.
    Added,
}

/// A search: words plus filters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct SearchRequest {
    /// The words. `"exact phrase"`, `a OR b`, `-excluded`; the last word also matches as a
    /// prefix (search as you type); a misspelt word matches its near neighbours.
    pub query: String,
    /// Only these kinds (any of them).
    pub kinds: Vec<ItemKind>,
    /// Only items with all of these tags.
    pub tags: Vec<String>,
    /// Only items in this collection (by name).
    pub collection: Option<String>,
    /// Only quotes by this speaker (by name, any case).
    pub speaker: Option<String>,
    /// Only items at this place (by name, any case).
    pub place: Option<String>,
    /// Only items whose date overlaps this year.
    pub year: Option<i32>,
    /// Only items whose date overlaps from the start of this date onward.
    pub from: Option<EdtfDate>,
    /// Only items whose date overlaps up to the end of this date.
    pub to: Option<EdtfDate>,
    /// Only items at or below this sensitivity (`Public` hides restricted and private ones).
    pub max_sensitivity: Option<Sensitivity>,
    /// Order of hits.
    pub sort: SortOrder,
    /// Hits to skip (paging).
    pub offset: usize,
    /// Hits to return.
    pub limit: usize,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            kinds: Vec::new(),
            tags: Vec::new(),
            collection: None,
            speaker: None,
            place: None,
            year: None,
            from: None,
            to: None,
            max_sensitivity: None,
            sort: SortOrder::Relevance,
            offset: 0,
            limit: 20,
        }
    }
}

impl SearchRequest {
    /// A request for these words with no filters.
    pub fn words(query: impl Into<String>) -> SearchRequest {
        SearchRequest { query: query.into(), ..Default::default() }
    }
}

/// One hit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchHit {
    /// The item's id.
    pub id: Id,
    /// Its kind.
    pub kind: ItemKind,
    /// Its title (for a quote, the quote).
    pub title: String,
    /// The best-matching passage, HTML-escaped, matches wrapped in `<mark>…</mark>`.
    pub snippet: String,
    /// Which field the snippet comes from (`text`, `context`, `body`, …).
    pub snippet_field: String,
    /// The item's EDTF date.
    pub date: Option<EdtfDate>,
    /// Relevance score (0 when sorted otherwise).
    pub score: f32,
    /// Speaker (quotes), outlet (articles) or camera (photos), for the meta line.
    pub byline: Option<String>,
    /// Place name.
    pub place: Option<String>,
    /// Sensitivity, so lists can flag non-public items.
    pub sensitivity: Sensitivity,
    /// SHA-256 of the original file (photos and articles with one), for thumbnails.
    pub sha256: Option<String>,
}

/// Facet name → value → count of matching items.
pub type Facets = BTreeMap<String, BTreeMap<String, u64>>;

/// The answer to a search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchResults {
    /// How many items match in all.
    pub total: u64,
    /// This page of hits.
    pub hits: Vec<SearchHit>,
    /// Counts by `kind`, `tag`, `year`, `place` and `speaker` over all matching items.
    pub facets: Facets,
    /// Words that matched nothing and were searched as their nearest spellings instead.
    pub corrected: Vec<crate::index::query::Correction>,
}

impl crate::Archive {
    /// The ids of every item a search matches, in its order (the request's offset and limit
    /// are ignored), without snippets or the items themselves: what selecting or exporting all
    /// the results needs, at a cost that stays small with 100,000 matches.
    pub fn search_ids(&self, request: &SearchRequest) -> crate::Result<Vec<Id>> {
        if self.is_read_only() {
            self.index.refresh()?;
        }
        let count = self.index.search(&SearchRequest { offset: 0, limit: 1, ..request.clone() })?.total;
        let all = SearchRequest { offset: 0, limit: (count as usize).max(1), ..request.clone() };
        Ok(self.index.search(&all)?.hits.into_iter().map(|(id, _)| id).collect())
    }
}
