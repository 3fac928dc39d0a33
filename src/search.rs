//! What a search asks and what it answers. The UI and the CLI send a `SearchRequest` (never a
//! query string in an engine syntax they build themselves) and get `SearchResults` back.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::date::EdtfDate;
use crate::error::Result;
use crate::index::snippet;
use crate::model::{Id, Item, ItemKind, Sensitivity};
use crate::{privacy, store};

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
    /// Only items of this event (by name, any case).
    pub event: Option<String>,
    /// Only items whose template fields hold these values (field key → value, any case).
    pub custom: BTreeMap<String, String>,
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
    /// Whether to count the facets (kind, tag, year, place, speaker, custom) over every match.
    /// On by default; a list asking for its next page, or anything that needs only the hits,
    /// turns it off and gets no facets: on a large archive counting them is a quarter of a
    /// search's time.
    pub facets: bool,
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
            event: None,
            custom: BTreeMap::new(),
            year: None,
            from: None,
            to: None,
            max_sensitivity: None,
            sort: SortOrder::Relevance,
            offset: 0,
            limit: 20,
            facets: true,
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

/// How long a hit's snippet is, in characters.
const SNIPPET_CHARS: usize = 180;

impl crate::Archive {
    /// Searches: matching items with highlighted snippets, the total and facet counts.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        self.search_disclosed(request, None)
    }

    /// A search whose hits are built from the items as `disclosure` lets them out (the reading
    /// room): titles, snippets, bylines and places as a public export shows them; a hit the
    /// disclosure keeps back is left out.
    pub(crate) fn search_disclosed(
        &self,
        request: &SearchRequest,
        mut disclosure: Option<&mut privacy::Disclosure<'_>>,
    ) -> Result<SearchResults> {
        if self.is_read_only() {
            self.index.refresh()?;
        }
        let raw = self.index.search(request)?;
        let mut hits = Vec::with_capacity(raw.hits.len());
        // The page's items in one query per table, and the protection of everyone in them.
        let ids: Vec<Id> = raw.hits.iter().map(|(id, _)| *id).collect();
        let items = store::get_items(self.store.conn(), &ids)?;
        let mut policy = privacy::StoredPolicy::lazy(self.store.conn(), self.now().date_naive());
        policy.prefetch(items.values())?;
        for (id, score) in raw.hits {
            // A read-only handle may see an index a moment behind the database.
            let Some(item) = items.get(&id) else { continue };
            let disclosed;
            let item = match disclosure.as_deref_mut() {
                None => item,
                Some(disclosure) => match disclosure.decide(item)? {
                    privacy::Verdict::Include(shown) => {
                        disclosed = *shown;
                        &disclosed
                    }
                    privacy::Verdict::Exclude(_) => continue,
                },
            };
            let mut hit = hit(item, score, &raw.terms);
            // Lists flag what the reading room and exports keep back: the effective sensitivity.
            hit.sensitivity = policy.effective(item)?;
            hits.push(hit);
        }
        Ok(SearchResults { total: raw.total, hits, facets: raw.facets, corrected: raw.corrected })
    }

    /// The ids of every item a search matches, in its order (the request's offset and limit
    /// are ignored), without snippets or the items themselves: what selecting or exporting all
    /// the results needs, at a cost that stays small with 100,000 matches.
    pub fn search_ids(&self, request: &SearchRequest) -> Result<Vec<Id>> {
        if self.is_read_only() {
            self.index.refresh()?;
        }
        let count = self.index.search(&SearchRequest { offset: 0, limit: 1, facets: false, ..request.clone() })?.total;
        let all = SearchRequest { offset: 0, limit: (count as usize).max(1), facets: false, ..request.clone() };
        Ok(self.index.search(&all)?.hits.into_iter().map(|(id, _)| id).collect())
    }
}

fn hit(item: &Item, score: f32, terms: &crate::index::query::MatchTerms) -> SearchHit {
    use crate::index::analysis::Stemming;
    use crate::model::ItemDetails;
    let stemming = Stemming::for_language(item.language.as_deref());
    let fields = crate::index::snippet_fields(item);
    // The field with the most matches; on a tie the one listed first (the item's own words
    // before its catalog notes).
    let best = fields
        .iter()
        .filter_map(|(name, text)| snippet::highlight(text, terms, stemming, SNIPPET_CHARS).map(|s| (*name, s)))
        .fold(None, |best: Option<(&str, snippet::Snippet)>, (name, s)| match best {
            Some(b) if b.1.matches >= s.matches => Some(b),
            _ => Some((name, s)),
        });
    let (snippet_field, snippet) = match best {
        Some((name, s)) => (name.to_string(), s.html),
        None => {
            let (name, text) = fields.first().copied().unwrap_or(("title", item.title.as_str()));
            (name.to_string(), snippet::opening(text, SNIPPET_CHARS))
        }
    };
    let byline = match &item.details {
        ItemDetails::Quote(q) => q.speaker.clone(),
        ItemDetails::Photo(p) => item.credit.clone().or_else(|| p.camera.clone()),
        ItemDetails::Article(a) => a.outlet.clone(),
    };
    SearchHit {
        id: item.id,
        kind: item.kind(),
        title: item.title.clone(),
        snippet,
        snippet_field,
        date: item.date.clone(),
        score,
        byline,
        place: item.place.clone(),
        sensitivity: item.sensitivity,
        sha256: item.sha256().map(str::to_string),
    }
}
