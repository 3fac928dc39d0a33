//! Each document's item id, as two 64-bit fast values (`id_hi`, `id_lo`), and the deletion of
//! older documents by a set of ids.
//!
//! The id is not a term: a term per item put a million unique keys in the term dictionary of a
//! million-item archive (the FST built at every segment and again at every merge, and an entry
//! of the indexing arena each), which was a fifth of a rebuild's time. Deletes instead read the
//! id columns: one pass over the columns per batch of staged items, however many it holds.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tantivy::BitSet;
use tantivy::columnar::Column;
use tantivy::query::{BitSetDocSet, ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, Score, SegmentReader, TantivyError};

use crate::model::Id;

/// The fast fields that hold a document's id.
pub const HI: &str = "id_hi";
/// See [`HI`].
pub const LO: &str = "id_lo";

/// The two halves of an id as the index stores them.
pub fn halves(id: Id) -> (u64, u64) {
    id.as_u64_pair()
}

/// A segment's id columns, to read the id of its documents.
pub struct IdColumns {
    hi: Column<u64>,
    lo: Column<u64>,
}

impl IdColumns {
    /// Opens the columns of a segment.
    pub fn open(segment: &SegmentReader) -> tantivy::Result<IdColumns> {
        let fast = segment.fast_fields();
        Ok(IdColumns { hi: fast.u64(HI)?, lo: fast.u64(LO)? })
    }

    /// The id of a document of this segment (none for a document written without one).
    pub fn get(&self, doc: DocId) -> Option<Id> {
        Some(Id::from_u64_pair(self.hi.first(doc)?, self.lo.first(doc)?))
    }
}

/// Matches every document whose id is in the set: what a batch of staged items deletes before
/// their new documents are added.
#[derive(Clone, Debug)]
pub struct IdSetQuery {
    ids: Arc<HashSet<(u64, u64)>>,
    /// The smallest and largest high halves: ids are time-ordered (UUIDv7), so the documents of
    /// other times are passed over by the column's range scan without a lookup.
    hi_range: (u64, u64),
}

impl IdSetQuery {
    /// A query for these ids (none when the set is empty).
    pub fn new(ids: impl IntoIterator<Item = Id>) -> Option<IdSetQuery> {
        let ids: HashSet<(u64, u64)> = ids.into_iter().map(halves).collect();
        let lo = ids.iter().map(|p| p.0).min()?;
        let hi = ids.iter().map(|p| p.0).max()?;
        Some(IdSetQuery { ids: Arc::new(ids), hi_range: (lo, hi) })
    }

    fn matching(&self, segment: &SegmentReader) -> tantivy::Result<BitSet> {
        let columns = IdColumns::open(segment)?;
        let mut candidates = Vec::new();
        columns.hi.get_docids_for_value_range(self.hi_range.0..=self.hi_range.1, 0..segment.max_doc(), &mut candidates);
        let mut docs = BitSet::with_max_value(segment.max_doc());
        for doc in candidates {
            if let (Some(hi), Some(lo)) = (columns.hi.first(doc), columns.lo.first(doc))
                && self.ids.contains(&(hi, lo))
            {
                docs.insert(doc);
            }
        }
        Ok(docs)
    }
}

impl Query for IdSetQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for IdSetQuery {
    fn scorer(&self, segment: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(self.matching(segment)?), boost)))
    }

    fn explain(&self, segment: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        if doc < segment.max_doc() && self.matching(segment)?.contains(doc) {
            Ok(Explanation::new("IdSetQuery", 1.0))
        } else {
            Err(TantivyError::InvalidArgument(format!("document {doc} is not one of the ids")))
        }
    }
}

/// Items staged since the last flush: their earlier documents are deleted, by one [`IdSetQuery`],
/// before their new documents are added (a delete only reaches documents added before it).
pub struct Staged<D> {
    /// New documents in the order staged; `None` where the item was staged again or deleted.
    docs: Vec<Option<D>>,
    /// Where each item's latest document is in `docs`.
    at: HashMap<Id, usize>,
    /// Items whose earlier documents go.
    deletes: HashSet<Id>,
}

impl<D> Default for Staged<D> {
    fn default() -> Self {
        Staged { docs: Vec::new(), at: HashMap::new(), deletes: HashSet::new() }
    }
}

impl<D> Staged<D> {
    /// Stages an item's new document, in place of one staged before; returns how many are held.
    pub fn stage(&mut self, id: Id, doc: D) -> usize {
        self.deletes.insert(id);
        if let Some(at) = self.at.insert(id, self.docs.len()) {
            self.docs[at] = None;
        }
        self.docs.push(Some(doc));
        self.docs.len()
    }

    /// Stages an item's removal (and drops a document staged for it).
    pub fn delete(&mut self, id: Id) {
        if let Some(at) = self.at.remove(&id) {
            self.docs[at] = None;
        }
        self.deletes.insert(id);
    }

    /// Whether nothing is staged.
    pub fn is_empty(&self) -> bool {
        self.deletes.is_empty()
    }

    /// The delete to run first (none when nothing goes), then the documents to add.
    pub fn into_parts(self) -> (Option<IdSetQuery>, impl Iterator<Item = D>) {
        (IdSetQuery::new(self.deletes), self.docs.into_iter().flatten())
    }
}
