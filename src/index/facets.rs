//! Facet counts by ordinal. Each facet value is a string fast field; a search counts the
//! matching documents per term ordinal of each segment, adds the segments up through a table of
//! global ordinals (built once per set of segments, not per search), and turns into text only
//! the values it reports. Tantivy's `FacetCollector` resolves every distinct value of the
//! matches to text on every search, which cost more than the search itself (BENCHMARKS.md).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::columnar::Column;
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
}

impl FacetTables {
    fn build(searcher: &Searcher) -> Result<FacetTables> {
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
        Ok(FacetTables { segments: segment_ids(searcher), facets })
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
        let tables = Arc::new(FacetTables::build(searcher)?);
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
/// ordinal.
pub(super) struct FacetCounts(pub(super) Arc<FacetTables>);

impl tantivy::collector::Collector for FacetCounts {
    type Fruit = Vec<Vec<u64>>;
    type Child = SegmentCounts;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentCounts> {
        let mut columns = Vec::with_capacity(FACET_NAMES.len());
        for (i, name) in FACET_NAMES.iter().enumerate() {
            let map = self.0.facets[i].per_segment.get(segment as usize).map_or(0, Vec::len);
            let column = reader.fast_fields().str(&field_name(name))?.map(|c| c.ords().clone());
            columns.push((column, vec![0u32; map]));
        }
        Ok(SegmentCounts { tables: self.0.clone(), segment: segment as usize, columns })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Vec<u64>>>) -> tantivy::Result<Vec<Vec<u64>>> {
        let mut total: Vec<Vec<u64>> = self.0.facets.iter().map(|f| vec![0; f.names.len()]).collect();
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

/// One segment's counts, by term ordinal.
pub(super) struct SegmentCounts {
    tables: Arc<FacetTables>,
    segment: usize,
    columns: Vec<(Option<Column<u64>>, Vec<u32>)>,
}

impl tantivy::collector::SegmentCollector for SegmentCounts {
    type Fruit = Vec<Vec<u64>>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        for (column, counts) in &mut self.columns {
            if let Some(column) = column {
                for ord in column.values_for_doc(doc) {
                    if let Some(n) = counts.get_mut(ord as usize) {
                        *n += 1;
                    }
                }
            }
        }
    }

    fn harvest(self) -> Vec<Vec<u64>> {
        self.columns
            .into_iter()
            .zip(&self.tables.facets)
            .map(|((_, counts), facet)| {
                let mut global = vec![0u64; facet.names.len()];
                let map = &facet.per_segment[self.segment];
                for (ord, n) in counts.into_iter().enumerate().filter(|(_, n)| *n > 0) {
                    global[map[ord] as usize] += u64::from(n);
                }
                global
            })
            .collect()
    }
}
