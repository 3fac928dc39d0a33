//! Where the photos a query matches were taken, for the archivist's map: a collector over the
//! `lat` / `lon` fast fields that counts the matches per small cell of the globe (a photo's
//! exact coordinates are never handed out one by one, and thousands of photos taken at one
//! walkout come back as one point).

use std::collections::HashMap;

/// Cells per degree: a cell is a thousandth of a degree, about 110 m north to south.
const PER_DEGREE: f64 = 1000.0;

/// Counts the matches with GPS per cell; the fruit is (cell, count) with the cell as
/// (latitude, longitude) in thousandths of a degree.
pub(super) struct GpsCells;

type Cells = HashMap<(i32, i32), u64>;

impl tantivy::collector::Collector for GpsCells {
    type Fruit = Cells;
    type Child = SegmentGpsCells;

    fn for_segment(
        &self,
        _segment: tantivy::SegmentOrdinal,
        reader: &tantivy::SegmentReader,
    ) -> tantivy::Result<SegmentGpsCells> {
        let fast = reader.fast_fields();
        Ok(SegmentGpsCells { lat: fast.f64("lat")?, lon: fast.f64("lon")?, cells: HashMap::new() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Cells>) -> tantivy::Result<Cells> {
        let mut all = HashMap::new();
        for fruit in fruits {
            for (cell, n) in fruit {
                *all.entry(cell).or_default() += n;
            }
        }
        Ok(all)
    }
}

pub(super) struct SegmentGpsCells {
    lat: tantivy::columnar::Column<f64>,
    lon: tantivy::columnar::Column<f64>,
    cells: Cells,
}

impl tantivy::collector::SegmentCollector for SegmentGpsCells {
    type Fruit = Cells;

    fn collect(&mut self, doc: tantivy::DocId, _score: tantivy::Score) {
        if let (Some(lat), Some(lon)) = (self.lat.first(doc), self.lon.first(doc)) {
            *self.cells.entry(cell(lat, lon)).or_default() += 1;
        }
    }

    fn harvest(self) -> Cells {
        self.cells
    }
}

fn cell(lat: f64, lon: f64) -> (i32, i32) {
    ((lat * PER_DEGREE).round() as i32, (lon * PER_DEGREE).round() as i32)
}

/// A cell's centre, in degrees.
pub(super) fn centre(cell: (i32, i32)) -> (f64, f64) {
    (f64::from(cell.0) / PER_DEGREE, f64::from(cell.1) / PER_DEGREE)
}
