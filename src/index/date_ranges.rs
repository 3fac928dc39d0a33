//! The date ranges of the matches of a query, for the timeline: a collector over the
//! `date_lo` / `date_hi` fast fields that counts the matches per distinct range. An archive
//! of a million items holds a few thousand distinct ranges at most (a day, a month, a year, a
//! span), so the timeline's calendar work is done once per range, not once per item.

use std::collections::HashMap;

use rustc_hash::FxBuildHasher;

use super::RangeCounts;

/// Matches per (first day, last day), in days since 0001-01-01.
type Counts = HashMap<(i64, i64), u64, FxBuildHasher>;

/// Collects how many matches have each date range (`date_lo`, `date_hi`) and counts the
/// undated ones.
pub(super) struct DateRanges;

impl tantivy::collector::Collector for DateRanges {
    type Fruit = (RangeCounts, u64);
    type Child = SegmentDateRanges;

    fn for_segment(
        &self,
        _segment: tantivy::SegmentOrdinal,
        reader: &tantivy::SegmentReader,
    ) -> tantivy::Result<SegmentDateRanges> {
        let fast = reader.fast_fields();
        Ok(SegmentDateRanges {
            lo: fast.i64("date_lo")?,
            hi: fast.i64("date_hi")?,
            ranges: Counts::default(),
            undated: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<(RangeCounts, u64)>) -> tantivy::Result<(RangeCounts, u64)> {
        if fruits.len() == 1 {
            return Ok(fruits.into_iter().next().expect("one fruit"));
        }
        let mut all = Counts::default();
        let mut undated = 0;
        for (ranges, n) in fruits {
            for (range, count) in ranges {
                *all.entry(range).or_default() += count;
            }
            undated += n;
        }
        Ok((all.into_iter().collect(), undated))
    }
}

pub(super) struct SegmentDateRanges {
    lo: tantivy::columnar::Column<i64>,
    hi: tantivy::columnar::Column<i64>,
    ranges: Counts,
    undated: u64,
}

impl tantivy::collector::SegmentCollector for SegmentDateRanges {
    type Fruit = (RangeCounts, u64);

    fn collect(&mut self, doc: tantivy::DocId, _score: tantivy::Score) {
        match (self.lo.first(doc), self.hi.first(doc)) {
            (Some(lo), Some(hi)) => *self.ranges.entry((lo, hi.max(lo))).or_default() += 1,
            _ => self.undated += 1,
        }
    }

    fn harvest(self) -> (RangeCounts, u64) {
        (self.ranges.into_iter().collect(), self.undated)
    }
}
