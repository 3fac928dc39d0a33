//! Facet counts by ordinal. Each facet value is a string fast field; a search counts the
//! matching documents per term ordinal of each segment, adds the segments up through a table of
//! global ordinals (built once per set of segments, not per search), and turns into text only
//! the values it reports. Tantivy's `FacetCollector` resolves every distinct value of the
//! matches to text on every search, which cost more than the search itself (BENCHMARKS.md).
//!
//! Each segment's term ordinals are also read out of its columns once, into one row per
//! document kept while the segment lives (a column lookup per facet and match was a third of a
//! search's time at 1M items). The matches are counted 64 at a time, their rows loaded
//! together first: at 1M items a broad search's matches lie far apart in memory, and a trip to
//! memory for each, one after another, was most of the time of a search with facets.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::columnar::Cardinality;
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use super::FACET_NAMES;
use crate::error::Result;

/// One facet's values across the segments of a searcher.
#[derive(Default)]
struct GlobalValues {
    /// Every value, by global ordinal.
    names: Vec<String>,
    /// For each segment (by its ordinal in the searcher), term ordinal → global ordinal.
    per_segment: Vec<Vec<u32>>,
}

/// The global ordinals of every facet for one set of segments.
pub(super) struct FacetTables {
    segments: Vec<SegmentId>,
    facets: Vec<GlobalValues>,
    /// For each segment (by its ordinal in the searcher), every document's term ordinals.
    docs: Vec<Arc<SegmentOrds>>,
}

/// Term ordinals stored as narrow as a segment's dictionary allows.
enum Narrow {
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
}

impl Narrow {
    fn for_values(max: u32, capacity: usize) -> Narrow {
        if max <= u32::from(u8::MAX) {
            Narrow::U8(Vec::with_capacity(capacity))
        } else if max <= u32::from(u16::MAX) {
            Narrow::U16(Vec::with_capacity(capacity))
        } else {
            Narrow::U32(Vec::with_capacity(capacity))
        }
    }

    fn push(&mut self, value: u32) {
        // `for_values` chose a width that holds every value pushed.
        match self {
            Narrow::U8(v) => v.push(value as u8),
            Narrow::U16(v) => v.push(value as u16),
            Narrow::U32(v) => v.push(value),
        }
    }

    #[inline]
    fn get(&self, i: usize) -> u32 {
        match self {
            Narrow::U8(v) => v.get(i).map_or(0, |&x| u32::from(x)),
            Narrow::U16(v) => v.get(i).map_or(0, |&x| u32::from(x)),
            Narrow::U32(v) => v.get(i).copied().unwrap_or(0),
        }
    }
}

/// One facet's values for every document of a segment, as term ordinal + 1 (0: no value).
enum DocOrds {
    /// The segment has no such column.
    Absent,
    /// At most one value per document: by document.
    Single(Narrow),
    /// Several values: document `d`'s are `values[starts[d]..starts[d + 1]]`.
    Multi { starts: Vec<u32>, values: Narrow },
}

impl DocOrds {
    /// The facet's values, and how many distinct ones the segment has.
    fn read(segment: &SegmentReader, field: &str) -> Result<(DocOrds, u32)> {
        let Some(column) = segment.fast_fields().str(field)? else { return Ok((DocOrds::Absent, 0)) };
        let max = u32::try_from(column.dictionary().num_terms()).unwrap_or(u32::MAX);
        let ords = column.ords();
        let docs = segment.max_doc();
        // Every row's ordinal decoded in one call, then each document's rows picked from it.
        let mut all = vec![0u64; ords.values.num_vals() as usize];
        ords.values.get_range(0, &mut all);
        let slot = |ord: u64| u32::try_from(ord).unwrap_or(u32::MAX - 1) + 1;
        if ords.get_cardinality() == Cardinality::Full && all.len() == docs as usize {
            let mut by_doc = Narrow::for_values(max, docs as usize);
            all.iter().for_each(|&ord| by_doc.push(slot(ord)));
            return Ok((DocOrds::Single(by_doc), max));
        }
        let mut starts = Vec::with_capacity(docs as usize + 1);
        let mut values = Narrow::for_values(max, docs as usize);
        let mut single = true;
        let mut at = 0u32;
        starts.push(0);
        for doc in 0..docs {
            let rows = ords.index.value_row_ids(doc);
            single &= rows.len() <= 1;
            for row in rows {
                values.push(all.get(row as usize).map_or(0, |&ord| slot(ord)));
                at += 1;
            }
            starts.push(at);
        }
        if !single {
            return Ok((DocOrds::Multi { starts, values }, max));
        }
        // Spread to one slot per document, 0 where a document has none.
        let mut by_doc = Narrow::for_values(max, docs as usize);
        for doc in 0..docs as usize {
            let (from, to) = (starts[doc], starts[doc + 1]);
            by_doc.push(if to > from { values.get(from as usize) } else { 0 });
        }
        Ok((DocOrds::Single(by_doc), max))
    }

    /// The bytes this facet takes in each row: its slot's width, 8 for a mask of at most
    /// `MASK_VALUES` values (`max`), none when it stays outside the rows.
    fn row_bytes(&self, max: u32) -> usize {
        match self {
            DocOrds::Single(Narrow::U8(_)) => 1,
            DocOrds::Single(Narrow::U16(_)) => 2,
            DocOrds::Single(Narrow::U32(_)) => 4,
            DocOrds::Multi { .. } if max <= MASK_VALUES => 8,
            DocOrds::Absent | DocOrds::Multi { .. } => 0,
        }
    }
}

/// Where a facet's values are in a segment's rows.
enum Layout {
    /// The segment has no such column.
    Absent,
    /// The value's slot (term ordinal + 1, 0: no value), `bytes` wide (1, 2 or 4), at `at`.
    Slot { at: usize, bytes: usize },
    /// A facet of several values per document and at most 64 in the segment: a bit per value
    /// (bit `s - 1` for slot `s`), 8 bytes at `at`.
    Mask { at: usize },
    /// Several values per document, more than 64 in the segment: outside the rows, document
    /// `d`'s are `values[starts[d]..starts[d + 1]]`.
    Multi { starts: Vec<u32>, values: Narrow },
}

/// Bits in a `Layout::Mask`.
const MASK_VALUES: u32 = 64;

/// Every facet's values for one segment's documents, in `FACET_NAMES` order, as one row per
/// document: counting a match reads one row, where a column per facet cost a cache miss per
/// facet (the matches of a search are spread over a million documents).
struct SegmentOrds {
    id: SegmentId,
    /// Bytes per document in `rows`.
    width: usize,
    rows: Vec<u8>,
    facets: Vec<Layout>,
}

impl SegmentOrds {
    fn read(segment: &SegmentReader) -> Result<SegmentOrds> {
        let docs = segment.max_doc() as usize;
        let read =
            FACET_NAMES.iter().map(|name| DocOrds::read(segment, &field_name(name))).collect::<Result<Vec<_>>>()?;
        let width = read.iter().map(|(ords, max)| ords.row_bytes(*max)).sum();
        let mut rows = vec![0u8; width * docs];
        let mut at = 0;
        let mut facets = Vec::with_capacity(read.len());
        for (ords, max) in read {
            let bytes = ords.row_bytes(max);
            let mut fill = |value: &dyn Fn(usize) -> u64| {
                for (doc, row) in rows.chunks_exact_mut(width).enumerate() {
                    row[at..at + bytes].copy_from_slice(&value(doc).to_le_bytes()[..bytes]);
                }
            };
            facets.push(match ords {
                DocOrds::Absent => Layout::Absent,
                DocOrds::Single(values) => {
                    fill(&|doc| u64::from(values.get(doc)));
                    Layout::Slot { at, bytes }
                }
                DocOrds::Multi { starts, values } if bytes > 0 => {
                    fill(&|doc| {
                        let slots = (starts[doc]..starts[doc + 1]).map(|i| values.get(i as usize));
                        slots.filter(|s| (1..=MASK_VALUES).contains(s)).fold(0, |mask, s| mask | 1 << (s - 1))
                    });
                    Layout::Mask { at }
                }
                DocOrds::Multi { starts, values } => Layout::Multi { starts, values },
            });
            at += bytes;
        }
        Ok(SegmentOrds { id: segment.segment_id(), width, rows, facets })
    }

    /// Counts the values of `docs` (see `count`). Their rows are loaded first, all together: the
    /// matches of a search lie far apart, each row is a trip to memory, and one document after
    /// another those trips were taken one at a time (most of a search's time on a broad query
    /// with facets at 1M items); side by side the processor takes them at once.
    fn count_all(&self, docs: &[DocId], counts: &mut [Vec<u32>]) {
        let mut loaded = 0u8;
        for &doc in docs {
            loaded ^= self.rows.get(doc as usize * self.width).copied().unwrap_or(0);
        }
        std::hint::black_box(loaded);
        for &doc in docs {
            self.count(doc, counts);
        }
    }

    /// Adds one to the count of each of the document's values, for every facet whose `counts`
    /// (by slot) are not empty. A document is counted once per value.
    #[inline]
    fn count(&self, doc: DocId, counts: &mut [Vec<u32>]) {
        let doc = doc as usize;
        let Some(row) = self.rows.get(doc * self.width..(doc + 1) * self.width) else { return };
        let add = |counts: &mut Vec<u32>, slot: usize| {
            if let Some(n) = counts.get_mut(slot) {
                *n += 1;
            }
        };
        for (layout, counts) in self.facets.iter().zip(counts) {
            if counts.is_empty() {
                continue;
            }
            match layout {
                Layout::Absent => {}
                Layout::Slot { at, bytes: 1 } => add(counts, usize::from(row[*at])),
                Layout::Slot { at, bytes: 2 } => add(counts, usize::from(u16::from_le_bytes([row[*at], row[at + 1]]))),
                Layout::Slot { at, .. } => {
                    add(counts, u32::from_le_bytes(row[*at..at + 4].try_into().expect("4 bytes")) as usize)
                }
                Layout::Mask { at } => {
                    let mut mask = u64::from_le_bytes(row[*at..at + 8].try_into().expect("8 bytes"));
                    while mask != 0 {
                        add(counts, mask.trailing_zeros() as usize + 1);
                        mask &= mask - 1;
                    }
                }
                Layout::Multi { starts, values } => {
                    let (Some(&from), Some(&to)) = (starts.get(doc), starts.get(doc + 1)) else { continue };
                    for i in from..to {
                        add(counts, values.get(i as usize) as usize);
                    }
                }
            }
        }
    }
}

impl FacetTables {
    /// Builds the tables for `searcher`'s segments, reusing the document ordinals of the
    /// segments `previous` already read.
    fn build(searcher: &Searcher, previous: Option<&FacetTables>) -> Result<FacetTables> {
        let mut docs = Vec::with_capacity(searcher.segment_readers().len());
        for segment in searcher.segment_readers() {
            let id = segment.segment_id();
            let known = previous.and_then(|p| p.docs.iter().find(|d| d.id == id));
            docs.push(match known {
                Some(known) => known.clone(),
                None => Arc::new(SegmentOrds::read(segment)?),
            });
        }
        let mut facets = Vec::with_capacity(FACET_NAMES.len());
        for name in FACET_NAMES {
            let field = field_name(name);
            let mut values = GlobalValues::default();
            let mut global: HashMap<String, u32> = HashMap::new();
            for segment in searcher.segment_readers() {
                let mut local = Vec::new();
                if let Some(column) = segment.fast_fields().str(&field)? {
                    let dictionary = column.dictionary();
                    local = vec![0; dictionary.num_terms()];
                    let mut terms = dictionary.stream().map_err(tantivy::TantivyError::from)?;
                    while terms.advance() {
                        let text = String::from_utf8_lossy(terms.key());
                        let next = values.names.len() as u32;
                        let id = match global.get(text.as_ref()) {
                            Some(id) => *id,
                            None => {
                                global.insert(text.to_string(), next);
                                values.names.push(text.into_owned());
                                next
                            }
                        };
                        local[terms.term_ord() as usize] = id;
                    }
                }
                values.per_segment.push(local);
            }
            facets.push(values);
        }
        Ok(FacetTables { segments: segment_ids(searcher), facets, docs })
    }

    /// The `limit` most frequent values of facet `i` (all when `None`), most frequent first,
    /// ties by value.
    pub(super) fn top(&self, i: usize, counts: &[u64], limit: Option<usize>) -> Vec<(String, u64)> {
        let names = &self.facets[i].names;
        let mut found: Vec<(u32, u64)> =
            counts.iter().enumerate().filter(|(_, n)| **n > 0).map(|(g, n)| (g as u32, *n)).collect();
        let order =
            |a: &(u32, u64), b: &(u32, u64)| b.1.cmp(&a.1).then_with(|| names[a.0 as usize].cmp(&names[b.0 as usize]));
        if let Some(limit) = limit.filter(|l| *l < found.len()) {
            found.select_nth_unstable_by(limit, order);
            found.truncate(limit);
        }
        found.sort_unstable_by(order);
        found.into_iter().map(|(g, n)| (names[g as usize].clone(), n)).collect()
    }
}

/// The facet tables of the newest searcher, rebuilt when its segments change.
#[derive(Default)]
pub(super) struct FacetCache(Mutex<Option<Arc<FacetTables>>>);

impl FacetCache {
    pub(super) fn tables(&self, searcher: &Searcher) -> Result<Arc<FacetTables>> {
        let mut cached = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(tables) = cached.as_ref().filter(|t| t.segments == segment_ids(searcher)) {
            return Ok(tables.clone());
        }
        let tables = Arc::new(FacetTables::build(searcher, cached.as_deref())?);
        *cached = Some(tables.clone());
        Ok(tables)
    }
}

fn segment_ids(searcher: &Searcher) -> Vec<SegmentId> {
    searcher.segment_readers().iter().map(SegmentReader::segment_id).collect()
}

/// The fast field holding a facet's values.
pub(super) fn field_name(facet: &str) -> String {
    format!("facet_{facet}")
}

/// Counts the matches of every facet value: the fruit is, for each facet, counts by global
/// ordinal (all zero for a facet left out).
pub(super) struct FacetCounts {
    tables: Arc<FacetTables>,
    /// Only this facet (by its index in `FACET_NAMES`), or all.
    only: Option<usize>,
}

impl FacetCounts {
    /// Every facet.
    pub(super) fn all(tables: Arc<FacetTables>) -> FacetCounts {
        FacetCounts { tables, only: None }
    }

    /// One facet: the others are not read.
    pub(super) fn one(tables: Arc<FacetTables>, facet: usize) -> FacetCounts {
        FacetCounts { tables, only: Some(facet) }
    }
}

impl tantivy::collector::Collector for FacetCounts {
    type Fruit = Vec<Vec<u64>>;
    type Child = SegmentCounts;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentCounts> {
        let segment = segment as usize;
        let docs =
            self.tables.docs.get(segment).filter(|d| d.id == reader.segment_id()).cloned().ok_or_else(|| {
                tantivy::TantivyError::InternalError("facet tables built for other segments".to_string())
            })?;
        // Counts by term ordinal + 1 (slot 0: documents without a value); none for a facet
        // left out.
        let counts = (self.tables.facets.iter().enumerate())
            .map(|(i, f)| match self.only {
                Some(only) if only != i => Vec::new(),
                _ => vec![0u32; f.per_segment.get(segment).map_or(0, Vec::len) + 1],
            })
            .collect();
        Ok(SegmentCounts { tables: self.tables.clone(), segment, docs, counts, batch: Vec::with_capacity(BATCH) })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Vec<u64>>>) -> tantivy::Result<Vec<Vec<u64>>> {
        let mut total: Vec<Vec<u64>> = self.tables.facets.iter().map(|f| vec![0; f.names.len()]).collect();
        for fruit in fruits {
            for (sum, part) in total.iter_mut().zip(fruit) {
                for (s, p) in sum.iter_mut().zip(part) {
                    *s += p;
                }
            }
        }
        Ok(total)
    }
}

/// One segment's counts, by term ordinal + 1.
pub(super) struct SegmentCounts {
    tables: Arc<FacetTables>,
    segment: usize,
    docs: Arc<SegmentOrds>,
    counts: Vec<Vec<u32>>,
    /// Matches not counted yet (see `SegmentOrds::count_all`).
    batch: Vec<DocId>,
}

/// How many matches are counted together.
const BATCH: usize = 64;

impl tantivy::collector::SegmentCollector for SegmentCounts {
    type Fruit = Vec<Vec<u64>>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.batch.push(doc);
        if self.batch.len() == BATCH {
            self.docs.count_all(&self.batch, &mut self.counts);
            self.batch.clear();
        }
    }

    fn harvest(mut self) -> Vec<Vec<u64>> {
        self.docs.count_all(&self.batch, &mut self.counts);
        self.counts
            .into_iter()
            .zip(&self.tables.facets)
            .map(|(counts, facet)| {
                let mut global = vec![0u64; facet.names.len()];
                let map = &facet.per_segment[self.segment];
                for (slot, n) in counts.into_iter().enumerate().skip(1).filter(|(_, n)| *n > 0) {
                    if let Some(&g) = map.get(slot - 1) {
                        global[g as usize] += u64::from(n);
                    }
                }
                global
            })
            .collect()
    }
}
