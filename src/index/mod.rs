//! The full-text index: Tantivy, derived from SQLite and rebuildable from it at any time. Its
//! commit payload records the schema version and the last change-log sequence number applied,
//! so an archive that crashed between the database commit and the index commit catches up on
//! the next open; an index that is missing, unreadable, of another schema or out of step with
//! the database is rebuilt.

pub mod analysis;
mod date_ranges;
mod facets;
mod gps_cells;
mod guarded;
mod ids;
pub mod query;
pub mod snippet;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::collector::sort_key::SortByStaticFastValue;
use tantivy::collector::{Count, MultiCollector, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::indexer::LogMergePolicy;
use tantivy::query::{AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, QueryClone, RangeQuery, TermQuery};
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, TantivyDocument, Term};

use self::analysis::{Stemming, TEXT};
use self::query::{MatchTerms, ParsedQuery, TextFields};
use crate::error::{Error, Result};
use crate::model::{Id, Item, ItemDetails, Sensitivity};
use crate::search::{Facets, SearchRequest, SortOrder};
use crate::store::name_key;

/// Bump when the schema or the analyzers change: older indexes are then rebuilt.
const SCHEMA_VERSION: u32 = 7;
const WRITER_MEMORY: usize = 96 * 1024 * 1024;
/// How many facet values a search reports for the open-ended facets (tags, places, speakers).
const FACET_VALUES: usize = 30;
/// The facets every search reports.
/// `custom` counts the values of templates' choice fields, as `key=value`.
pub const FACET_NAMES: [&str; 6] = ["kind", "tag", "year", "place", "speaker", "custom"];

#[derive(Clone, Copy)]
struct Fields {
    id_hi: Field,
    id_lo: Field,
    kind: Field,
    text: TextFields,
    tag: Field,
    collection: Field,
    speaker: Field,
    place: Field,
    event: Field,
    sensitivity: Field,
    date_lo: Field,
    date_hi: Field,
    facets: [Field; 6],
    /// Template field values, as `key=folded value`, for filters.
    custom: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // The item's id as two fast values, not a term: see `ids`.
    let id_hi = b.add_u64_field(ids::HI, FAST);
    let id_lo = b.add_u64_field(ids::LO, FAST);
    let kind = b.add_text_field("kind", STRING);
    // One text field: the folded words with positions, and their stems beside them.
    let text_field = b.add_text_field(
        "text",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_tokenizer(TEXT).set_index_option(IndexRecordOption::WithFreqsAndPositions),
        ),
    );
    let lang = b.add_text_field("lang", STRING);
    let tag = b.add_text_field("tag", STRING);
    let collection = b.add_text_field("collection", STRING);
    let speaker = b.add_text_field("speaker", STRING);
    let place = b.add_text_field("place", STRING);
    let event = b.add_text_field("event", STRING);
    let custom = b.add_text_field("custom", STRING);
    let sensitivity = b.add_text_field("sensitivity", STRING);
    let date_lo = b.add_i64_field("date_lo", INDEXED | FAST);
    let date_hi = b.add_i64_field("date_hi", INDEXED | FAST);
    b.add_i64_field("date_sort", FAST);
    b.add_i64_field("added", FAST);
    // Only sorted by, never searched: a fast field, not a term per title in the dictionary.
    b.add_text_field("title_key", FAST);
    let facets = FACET_NAMES.map(|name| b.add_text_field(&facets::field_name(name), FAST));
    // A photo's GPS, for the archivist's map (never read for the reading room or an export).
    b.add_f64_field("lat", FAST);
    b.add_f64_field("lon", FAST);
    let fields = Fields {
        id_hi,
        id_lo,
        kind,
        text: TextFields { text: text_field, lang },
        tag,
        collection,
        speaker,
        place,
        event,
        sensitivity,
        custom,
        date_lo,
        date_hi,
        facets,
    };
    (b.build(), fields)
}

#[derive(Serialize, Deserialize)]
struct Payload {
    schema: u32,
    seq: i64,
}

/// Why an existing index cannot be used and must be rebuilt.
#[derive(Debug)]
pub enum Unusable {
    /// There is no index yet.
    Missing,
    /// It could not be read.
    Corrupt(String),
    /// It was built with another schema.
    OtherSchema,
}

/// A search's raw answer: ids in order, before hydration from the database.
pub struct RawResults {
    /// Matching items in all.
    pub total: u64,
    /// This page: ids with scores.
    pub hits: Vec<(Id, f32)>,
    /// Facet counts.
    pub facets: Facets,
    /// What to highlight.
    pub terms: MatchTerms,
    /// Words searched by nearest spellings.
    pub corrected: Vec<query::Correction>,
}

/// Each distinct (first day, last day) of some matches (days since 0001-01-01), with how many
/// matches have it, in no order.
pub type RangeCounts = Vec<((i64, i64), u64)>;

/// A search's spread over time and place, before it is matched to the archive's places.
pub struct RawSpread {
    /// The matches' date ranges, each with how many matches have it.
    pub ranges: RangeCounts,
    /// Matches with no date.
    pub undated: u64,
    /// Matches per place name, most first.
    pub places: Vec<(String, u64)>,
    /// Photos per cell (its centre, latitude and longitude), most first.
    pub photos: Vec<((f64, f64), u64)>,
}

/// The open index.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Option<IndexWriter>,
    fields: Fields,
    applied: i64,
    dir: PathBuf,
    facet_cache: facets::FacetCache,
    /// The keys of the templates' choice fields: their values are counted as a facet.
    choice_fields: HashSet<String>,
    staged: ids::Staged<TantivyDocument>,
}

/// How many staged documents are held before they are handed to the writer.
const STAGED_MAX: usize = 5_000;

impl SearchIndex {
    /// Opens the index in `dir`, or says why it cannot be used.
    pub fn open(dir: &Path, writable: bool) -> Result<std::result::Result<SearchIndex, Unusable>> {
        if !dir.join("meta.json").exists() {
            return Ok(Err(Unusable::Missing));
        }
        let opened = (|| -> tantivy::Result<(Index, Option<String>)> {
            let index = Index::open_in_dir(dir)?;
            let payload = index.load_metas()?.payload;
            Ok((index, payload))
        })();
        let (index, payload) = match opened {
            Ok(v) => v,
            Err(e) => return Ok(Err(Unusable::Corrupt(e.to_string()))),
        };
        let (expected, fields) = schema();
        let payload: Option<Payload> = payload.and_then(|p| serde_json::from_str(&p).ok());
        let Some(payload) = payload.filter(|p| p.schema == SCHEMA_VERSION && index.schema() == expected) else {
            return Ok(Err(Unusable::OtherSchema));
        };
        match SearchIndex::with_index(index, fields, writable, dir, payload.seq) {
            Ok(index) => Ok(Ok(index)),
            Err(Error::Index(e)) => Ok(Err(Unusable::Corrupt(e.to_string()))),
            Err(e) => Err(e),
        }
    }

    /// Creates an empty index in `dir`, removing whatever was there.
    pub fn create(dir: &Path) -> Result<SearchIndex> {
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let (schema, fields) = schema();
        let index =
            Index::create(MmapDirectory::open(dir).map_err(tantivy::TantivyError::from)?, schema, Default::default())?;
        SearchIndex::with_index(index, fields, true, dir, 0)
    }

    /// Creates an empty index held in memory only (for encrypted archives: nothing of it ever
    /// touches the disk; it is rebuilt from the database at unlock).
    pub fn create_in_ram() -> Result<SearchIndex> {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        SearchIndex::with_index(index, fields, true, Path::new(""), 0)
    }

    /// Whether the index lives in memory only.
    pub fn is_in_ram(&self) -> bool {
        self.dir.as_os_str().is_empty()
    }

    fn with_index(index: Index, fields: Fields, writable: bool, dir: &Path, applied: i64) -> Result<SearchIndex> {
        analysis::register(&index);
        let policy = if writable { ReloadPolicy::Manual } else { ReloadPolicy::OnCommitWithDelay };
        // Tantivy panics instead of erroring on some damaged segment files (a file shorter than
        // its footer); a damaged index must be rebuilt, not crash the app.
        let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            index.reader_builder().reload_policy(policy).try_into()
        }));
        let reader: IndexReader = match opened {
            Ok(reader) => reader?,
            Err(_) => return Err(tantivy::TantivyError::InternalError("a segment file is damaged".into()).into()),
        };
        let writer = if writable {
            // One indexing thread: the thread feeding it (reading SQLite, building documents) is
            // the other core's work, and one thread makes one segment where two made two, to be
            // merged after. On 100,000 quotes a rebuild took 3.1 s with one, 3.9–4.2 s with two.
            let writer: IndexWriter = index.writer_with_num_threads(1, WRITER_MEMORY)?;
            let mut policy = LogMergePolicy::default();
            policy.set_del_docs_ratio_before_merge(0.25);
            writer.set_merge_policy(Box::new(policy));
            Some(writer)
        } else {
            None
        };
        Ok(SearchIndex {
            index,
            reader,
            writer,
            fields,
            applied,
            dir: dir.to_path_buf(),
            facet_cache: Default::default(),
            choice_fields: Default::default(),
            staged: ids::Staged::default(),
        })
    }

    /// The last change-log sequence number this index has applied.
    pub fn applied_seq(&self) -> i64 {
        self.applied
    }

    /// Where the index lives.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn writer(&mut self) -> Result<&mut IndexWriter> {
        self.writer.as_mut().ok_or(Error::ReadOnly)
    }

    /// Queues an item to be (re)indexed at the next commit, with its effective sensitivity
    /// (its own, raised by the rules about the people in it).
    pub fn stage_item(&mut self, item: &Item, sensitivity: Sensitivity) -> Result<()> {
        self.writer()?;
        let doc = self.document(item, sensitivity);
        if self.staged.stage(item.id, doc) >= STAGED_MAX {
            self.flush()?;
        }
        Ok(())
    }

    /// Adds an item to an index being built from scratch (no earlier version to delete).
    pub fn stage_new_item(&mut self, item: &Item, sensitivity: Sensitivity) -> Result<()> {
        if !self.staged.is_empty() {
            return self.stage_item(item, sensitivity);
        }
        let doc = self.document(item, sensitivity);
        self.writer()?.add_document(doc)?;
        Ok(())
    }

    /// Queues an item's removal at the next commit.
    pub fn stage_delete(&mut self, id: Id) -> Result<()> {
        self.writer()?;
        self.staged.delete(id);
        Ok(())
    }

    /// Hands the staged items to the writer: one delete of their earlier documents, then their
    /// new documents.
    fn flush(&mut self) -> Result<()> {
        let (deletes, docs) = std::mem::take(&mut self.staged).into_parts();
        let writer = self.writer.as_mut().ok_or(Error::ReadOnly)?;
        if let Some(query) = deletes {
            writer.delete_query(Box::new(query))?;
        }
        for doc in docs {
            writer.add_document(doc)?;
        }
        Ok(())
    }

    /// Commits what was staged, recording that changes up to `seq` are applied.
    pub fn commit(&mut self, seq: i64) -> Result<()> {
        let payload = serde_json::to_string(&Payload { schema: SCHEMA_VERSION, seq }).expect("payload serializes");
        self.flush()?;
        let writer = self.writer()?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        self.applied = seq;
        self.reader.reload()?;
        Ok(())
    }

    /// Merges every segment into one and deletes the files no longer used, so nothing deleted
    /// lingers on disk.
    pub fn compact(&mut self) -> Result<()> {
        let has_deletes = self.reader.searcher().segment_readers().iter().any(|s| s.num_deleted_docs() > 0);
        let index = self.index.clone();
        let writer = self.writer()?;
        // The writer's own merges run in the background: one may take some of these segments
        // between the listing and this merge, which then finds them gone. List again and retry.
        for attempt in 0.. {
            let segments = index.searchable_segment_ids()?;
            if segments.len() <= 1 && !has_deletes {
                break;
            }
            match writer.merge(&segments).wait() {
                Ok(_) => break,
                Err(tantivy::TantivyError::InvalidArgument(_)) if attempt < 20 => {
                    std::thread::sleep(std::time::Duration::from_millis(50))
                }
                Err(e) => return Err(e.into()),
            }
        }
        writer.garbage_collect_files().wait()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Documents in the index.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The item id of every live document (an id twice if it is indexed twice).
    pub fn ids(&self) -> Result<Vec<Id>> {
        let searcher = self.reader.searcher();
        let mut out = Vec::with_capacity(searcher.num_docs() as usize);
        for segment in searcher.segment_readers() {
            let columns = ids::IdColumns::open(segment)?;
            out.extend(segment.doc_ids_alive().filter_map(|doc| columns.get(doc)));
        }
        Ok(out)
    }

    /// The template fields whose values are counted as the `custom` facet (choice fields).
    pub fn set_choice_fields(&mut self, keys: std::collections::HashSet<String>) {
        self.choice_fields = keys;
    }

    /// Reloads the reader (for read-only opens that want the writer's latest commit).
    pub fn refresh(&self) -> Result<()> {
        Ok(self.reader.reload()?)
    }

    fn document(&self, item: &Item, sensitivity: Sensitivity) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        let (hi, lo) = ids::halves(item.id);
        doc.add_u64(f.id_hi, hi);
        doc.add_u64(f.id_lo, lo);
        doc.add_text(f.kind, item.kind().as_str());
        let stemming = Stemming::for_language(item.language.as_deref());
        let mut text = analysis::language_mark(stemming).to_string();
        text.push_str(&searchable_text(item).join("\n"));
        doc.add_text(f.text.text, &text);
        match stemming {
            Stemming::English => doc.add_text(f.text.lang, "en"),
            Stemming::Spanish => doc.add_text(f.text.lang, "es"),
            Stemming::None => {}
        }
        doc.add_text(f.sensitivity, sensitivity.as_str());
        doc.add_text(f.facets[0], item.kind().as_str());
        for tag in &item.tags {
            doc.add_text(f.tag, name_key(tag));
            doc.add_text(f.facets[1], tag);
        }
        for collection in &item.collections {
            doc.add_text(f.collection, name_key(collection));
        }
        if let Some(date) = &item.date {
            let (lo, hi) = date.match_range();
            doc.add_i64(f.date_lo, day_number(lo));
            doc.add_i64(f.date_hi, day_number(hi));
            doc.add_i64(self.index.schema().get_field("date_sort").expect("field"), date.sort_key());
            if let Some(year) = date.year() {
                doc.add_text(f.facets[2], year.to_string());
            }
        }
        if let Some(place) = &item.place {
            doc.add_text(f.place, name_key(place));
            doc.add_text(f.facets[3], place);
        }
        if let Some(speaker) = item.speaker() {
            doc.add_text(f.speaker, name_key(speaker));
            doc.add_text(f.facets[4], speaker);
        }
        if let Some(event) = &item.event {
            doc.add_text(f.event, name_key(event));
        }
        for (key, value) in &item.custom {
            doc.add_text(f.custom, format!("{key}={}", name_key(value)));
            if self.choice_fields.contains(key) {
                doc.add_text(f.facets[5], format!("{key}={}", value.trim()));
            }
        }
        let schema = self.index.schema();
        if let ItemDetails::Photo(photo) = &item.details
            && let Some(gps) = photo.gps
        {
            doc.add_f64(schema.get_field("lat").expect("field"), gps.lat);
            doc.add_f64(schema.get_field("lon").expect("field"), gps.lon);
        }
        doc.add_i64(schema.get_field("added").expect("field"), item.created_at.timestamp_micros());
        doc.add_text(schema.get_field("title_key").expect("field"), name_key(&item.title));
        doc
    }

    /// Runs a search: the matching ids of the requested page, the total and the facets.
    pub fn search(&self, request: &SearchRequest) -> Result<RawResults> {
        let searcher = self.reader.searcher();
        let (query, terms, corrected, parsed_empty) = self.query(&searcher, request)?;
        let sort = match request.sort {
            SortOrder::Relevance if parsed_empty => SortOrder::DateDesc,
            other => other,
        };
        let tables = if request.facets { Some(self.facet_cache.tables(&searcher)?) } else { None };
        let (total, hits, facets) = run(&searcher, &query, request, sort, tables.as_ref())?;
        Ok(RawResults { total, hits, facets, terms, corrected })
    }

    /// The date ranges (in days since 0001-01-01, first and last day) of the items a search
    /// matches, each with how many items have it, in no order, and how many have no date: one
    /// pass over the matches, reading two fast fields, nothing else.
    pub fn date_ranges(&self, request: &SearchRequest) -> Result<(RangeCounts, u64)> {
        let searcher = self.reader.searcher();
        let (query, ..) = self.query(&searcher, request)?;
        Ok(searcher.search(&query, &date_ranges::DateRanges)?)
    }

    /// What the timeline and the map show of a search, in one pass over its matches: the
    /// date range of each match and how many have none, the matches per place, and (when
    /// `photos`) per small cell where photos were taken.
    pub fn spread(&self, request: &SearchRequest, photos: bool) -> Result<RawSpread> {
        let searcher = self.reader.searcher();
        let (query, ..) = self.query(&searcher, request)?;
        let tables = self.facet_cache.tables(&searcher)?;
        let place = FACET_NAMES.iter().position(|f| *f == "place").expect("a place facet");
        let mut multi = MultiCollector::new();
        let dates = multi.add_collector(date_ranges::DateRanges);
        let places = multi.add_collector(facets::FacetCounts::one(tables.clone(), place));
        let cells = photos.then(|| multi.add_collector(gps_cells::GpsCells));
        let mut fruits = searcher.search(&query, &multi)?;
        let (ranges, undated) = dates.extract(&mut fruits);
        let counts = places.extract(&mut fruits).swap_remove(place);
        let mut photos: Vec<((f64, f64), u64)> = cells
            .map(|c| c.extract(&mut fruits).into_iter().map(|(cell, n)| (gps_cells::centre(cell), n)).collect())
            .unwrap_or_default();
        photos.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.0.total_cmp(&b.0.0)).then(a.0.1.total_cmp(&b.0.1)));
        Ok(RawSpread { ranges, undated, places: tables.top(place, &counts, None), photos })
    }

    /// The query a request makes: the words (with their terms to highlight and corrections)
    /// and the filters; and whether there were no words.
    fn query(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
    ) -> Result<(BooleanQuery, MatchTerms, Vec<query::Correction>, bool)> {
        let parsed = ParsedQuery::parse(&request.query);
        let mut filters: Vec<(Occur, Box<dyn Query>)> =
            self.filters(request)?.into_iter().map(|q| (Occur::Must, q)).collect();
        filters.extend(self.exclusions(request).into_iter().map(|q| (Occur::MustNot, q)));
        let (text_query, terms, corrected): (Box<dyn Query>, MatchTerms, Vec<query::Correction>) = if parsed.is_empty()
        {
            (Box::new(AllQuery), MatchTerms::default(), Vec::new())
        } else {
            // Corrections and prefixes are judged within the same filters as the hits.
            let scope = query::Scope::new(searcher, filters.iter().map(|(o, q)| (*o, q.box_clone())).collect());
            let built = query::build(&parsed, self.fields.text, &scope)?;
            (built.query, built.terms, built.corrected)
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query)];
        clauses.extend(filters);
        Ok((BooleanQuery::new(clauses), terms, corrected, parsed.is_empty()))
    }

    fn filters(&self, request: &SearchRequest) -> Result<Vec<Box<dyn Query>>> {
        let f = &self.fields;
        let exact = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(ConstScoreQuery::new(
                Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic)),
                0.0,
            ))
        };
        let mut filters: Vec<Box<dyn Query>> = Vec::new();
        if !request.kinds.is_empty() {
            let kinds = request.kinds.iter().map(|k| (Occur::Should, exact(f.kind, k.as_str()))).collect();
            filters.push(Box::new(BooleanQuery::new(kinds)));
        }
        for tag in &request.tags {
            filters.push(exact(f.tag, &name_key(tag)));
        }
        if let Some(collection) = &request.collection {
            filters.push(exact(f.collection, &name_key(collection)));
        }
        if let Some(speaker) = &request.speaker {
            filters.push(exact(f.speaker, &name_key(speaker)));
        }
        if let Some(place) = &request.place {
            filters.push(exact(f.place, &name_key(place)));
        }
        if let Some(event) = &request.event {
            filters.push(exact(f.event, &name_key(event)));
        }
        for (key, value) in &request.custom {
            filters.push(exact(f.custom, &format!("{key}={}", name_key(value))));
        }
        if let Some(max) = request.max_sensitivity {
            match max {
                Sensitivity::Public => filters.push(exact(f.sensitivity, "public")),
                Sensitivity::Restricted | Sensitivity::Private => {}
            }
        }
        let year = request.year.map(|y| {
            let lo = chrono::NaiveDate::from_ymd_opt(y, 1, 1);
            let hi = chrono::NaiveDate::from_ymd_opt(y, 12, 31);
            (lo, hi)
        });
        let from = request.from.as_ref().map(|d| day_number(d.range().0));
        let to = request.to.as_ref().map(|d| day_number(d.range().1));
        let mut ranges = vec![(from, to)];
        if let Some((Some(lo), Some(hi))) = year {
            ranges.push((Some(day_number(lo)), Some(day_number(hi))));
        }
        for (from, to) in ranges {
            // An item matches when its range overlaps [from, to]: it ends on or after `from`
            // and starts on or before `to`.
            if let Some(from) = from {
                filters.push(range(f.date_hi, Some(from), None));
            }
            if let Some(to) = to {
                filters.push(range(f.date_lo, None, Some(to)));
            }
        }
        Ok(filters)
    }

    fn exclusions(&self, request: &SearchRequest) -> Vec<Box<dyn Query>> {
        match request.max_sensitivity {
            Some(Sensitivity::Restricted) => vec![Box::new(TermQuery::new(
                Term::from_field_text(self.fields.sensitivity, "private"),
                IndexRecordOption::Basic,
            ))],
            _ => Vec::new(),
        }
    }
}

fn range(field: Field, from: Option<i64>, to: Option<i64>) -> Box<dyn Query> {
    use std::ops::Bound;
    let bound = |v: Option<i64>| v.map_or(Bound::Unbounded, |v| Bound::Included(Term::from_field_i64(field, v)));
    Box::new(ConstScoreQuery::new(Box::new(RangeQuery::new(bound(from), bound(to))), 0.0))
}

/// Days since 0001-01-01, the unit of the index's date fields.
fn day_number(date: chrono::NaiveDate) -> i64 {
    use chrono::Datelike;
    i64::from(date.num_days_from_ce())
}

type Page = Vec<(Id, f32)>;

fn run(
    searcher: &Searcher,
    query: &dyn Query,
    request: &SearchRequest,
    sort: SortOrder,
    tables: Option<&Arc<facets::FacetTables>>,
) -> Result<(u64, Page, Facets)> {
    let mut multi = MultiCollector::new();
    let count = multi.add_collector(Count);
    let facet_counts = tables.map(|tables| multi.add_collector(facets::FacetCounts::all(tables.clone())));
    let top = TopDocs::with_limit(request.limit.max(1)).and_offset(request.offset);
    let addresses: Vec<(f32, DocAddress)>;
    let mut fruits;
    match sort {
        SortOrder::Relevance => {
            let handle = multi.add_collector(top.order_by_score());
            fruits = searcher.search(query, &multi)?;
            addresses = handle.extract(&mut fruits);
        }
        SortOrder::DateDesc | SortOrder::DateAsc => {
            // Items of the same date come in the order they were added, so that an edit (which
            // moves the item's document to a new segment) does not move it among them.
            let order = if sort == SortOrder::DateAsc { Order::Asc } else { Order::Desc };
            let by = |field: &str| (SortByStaticFastValue::<i64>::for_field(field), order);
            let handle = multi.add_collector(top.order_by((by("date_sort"), by("added"))));
            fruits = searcher.search(query, &multi)?;
            addresses = handle.extract(&mut fruits).into_iter().map(|(_, a)| (0.0, a)).collect();
        }
        SortOrder::Added => {
            let handle = multi.add_collector(top.order_by_fast_field::<i64>("added", Order::Desc));
            fruits = searcher.search(query, &multi)?;
            addresses = handle.extract(&mut fruits).into_iter().map(|(_, a)| (0.0, a)).collect();
        }
        SortOrder::Title => {
            let handle = multi.add_collector(top.order_by_string_fast_field("title_key", Order::Asc));
            fruits = searcher.search(query, &multi)?;
            addresses = handle.extract(&mut fruits).into_iter().map(|(_, a)| (0.0, a)).collect();
        }
    }
    let total = count.extract(&mut fruits) as u64;
    let mut facets = BTreeMap::new();
    if let (Some(handle), Some(tables)) = (facet_counts, tables) {
        for (i, (name, counts)) in FACET_NAMES.iter().zip(handle.extract(&mut fruits)).enumerate() {
            let limit = (!matches!(*name, "kind" | "year" | "custom")).then_some(FACET_VALUES);
            facets.insert(name.to_string(), tables.top(i, &counts, limit).into_iter().collect());
        }
    }
    let columns = searcher.segment_readers().iter().map(ids::IdColumns::open).collect::<tantivy::Result<Vec<_>>>()?;
    let hits = addresses
        .into_iter()
        .filter_map(|(score, address)| Some((columns[address.segment_ord as usize].get(address.doc_id)?, score)))
        .collect();
    Ok((total, hits, facets))
}

/// The texts of an item that search reads, with the name of the field each comes from, in the
/// order a snippet prefers them.
pub fn snippet_fields(item: &Item) -> Vec<(&'static str, &str)> {
    let mut out: Vec<(&'static str, &str)> = Vec::new();
    match &item.details {
        ItemDetails::Quote(q) => {
            out.push(("text", &q.text));
            out.extend(q.context.as_deref().map(|v| ("context", v)));
            out.extend(q.translation.as_deref().map(|v| ("translation", v)));
            out.extend(q.speaker.as_deref().map(|v| ("speaker", v)));
            out.extend(q.role.as_deref().map(|v| ("role", v)));
        }
        ItemDetails::Photo(p) => {
            out.extend(p.caption.as_deref().map(|v| ("caption", v)));
            if item.title != p.caption.as_deref().unwrap_or_default() {
                out.push(("title", &item.title));
            }
            // The words on the photo itself (signs, banners): hits there say "text in the photo".
            out.extend(item.ocr_text.as_deref().map(|v| ("ocr_text", v)));
            out.extend(p.camera.as_deref().map(|v| ("camera", v)));
            out.extend(p.file_name.as_deref().map(|v| ("file_name", v)));
        }
        ItemDetails::Article(a) => {
            out.push(("headline", &a.headline));
            out.push(("body", &a.body));
            out.extend(item.ocr_text.as_deref().map(|v| ("ocr_text", v)));
            out.extend(a.outlet.as_deref().map(|v| ("outlet", v)));
        }
    }
    out.extend(item.description.as_deref().map(|v| ("description", v)));
    out.extend(item.place.as_deref().map(|v| ("place", v)));
    out.extend(item.event.as_deref().map(|v| ("event", v)));
    out.extend(item.credit.as_deref().map(|v| ("credit", v)));
    out.extend(item.source.as_deref().map(|v| ("source", v)));
    out
}

fn searchable_text(item: &Item) -> Vec<String> {
    let mut parts: Vec<String> = snippet_fields(item).into_iter().map(|(_, v)| v.to_string()).collect();
    if let ItemDetails::Article(a) = &item.details {
        parts.extend(a.authors.iter().cloned());
    }
    parts.extend(item.tags.iter().cloned());
    parts.extend(item.custom.values().cloned());
    parts
}

#[cfg(test)]
mod tests;
