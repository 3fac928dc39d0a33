//! The date range of every match of a query, for the timeline: a collector over the
//! `date_lo` / `date_hi` fast fields.

/// Collects the date range of each match (`date_lo`, `date_hi`) and counts the undated ones.
pub(super) struct DateRanges;

impl tantivy::collector::Collector for DateRanges {
    type Fruit = (Vec<(i64, i64)>, u64);
    type Child = SegmentDateRanges;

    fn for_segment(
        &self,
        _segment: tantivy::SegmentOrdinal,
        reader: &tantivy::SegmentReader,
    ) -> tantivy::Result<SegmentDateRanges> {
        let fast = reader.fast_fields();
        Ok(SegmentDateRanges { lo: fast.i64("date_lo")?, hi: fast.i64("date_hi")?, ranges: Vec::new(), undated: 0 })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<(Vec<(i64, i64)>, u64)>) -> tantivy::Result<(Vec<(i64, i64)>, u64)> {
        let mut all = (Vec::with_capacity(fruits.iter().map(|f| f.0.len()).sum()), 0);
        for (ranges, undated) in fruits {
            all.0.extend(ranges);
            all.1 += undated;
        }
        Ok(all)
    }
}

pub(super) struct SegmentDateRanges {
    lo: tantivy::columnar::Column<i64>,
    hi: tantivy::columnar::Column<i64>,
    ranges: Vec<(i64, i64)>,
    undated: u64,
}

impl tantivy::collector::SegmentCollector for SegmentDateRanges {
    type Fruit = (Vec<(i64, i64)>, u64);

    fn collect(&mut self, doc: tantivy::DocId, _score: tantivy::Score) {
        match (self.lo.first(doc), self.hi.first(doc)) {
            (Some(lo), Some(hi)) => self.ranges.push((lo, hi.max(lo))),
            _ => self.undated += 1,
        }
    }

    fn harvest(self) -> (Vec<(i64, i64)>, u64) {
        (self.ranges, self.undated)
    }
}
