//! What happened where, and when: the spread of a search over time and place, for the
//! timeline and the map, and the coordinates an archivist gives a place.
//!
//! The archivist sees every match, each place at its coordinates and, besides, where the photos
//! were taken (their GPS, counted per cell of about 110 m). The reading room and the exhibit site
//! see only public items, each place at the place's own coordinates (a city, a school), never a
//! photo's; and no place where someone in its items withheld consent to where they were.

use std::collections::{HashMap, HashSet};

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::model::{Gps, Sensitivity};
use crate::search::SearchRequest;
use crate::store::name_key;
use crate::timeline::{self, TimeUnit, Timeline};

/// A place the matches of a search name, with how many of them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlaceCount {
    /// The place's name.
    pub name: String,
    /// Its coordinates, when the archive knows them.
    pub gps: Option<Gps>,
    /// Matches at this place.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub items: u64,
}

/// Photos taken in one small cell of the globe (about 110 m across), at its centre.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PhotoCell {
    pub lat: f64,
    pub lon: f64,
    /// Matching photos taken there.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub items: u64,
}

/// A search's matches over time and place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Spread {
    /// Matches per period.
    pub timeline: Timeline,
    /// Matches per place, most first (located or not).
    pub places: Vec<PlaceCount>,
    /// Matches with no place shown.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub unplaced: u64,
    /// Matching photos per cell where they were taken: only in the archivist's own view.
    pub photos: Vec<PhotoCell>,
}

impl Archive {
    /// The spread of a search as the archivist sees it (its sort, offset and limit are ignored).
    pub fn spread(&self, request: &SearchRequest, unit: TimeUnit) -> Result<Spread> {
        self.spread_where(request, unit, true, &HashSet::new())
    }

    /// The spread of a search as the reading room and the exhibit site may show it: public
    /// items; places at their own coordinates, never a photo's; no place of an item whose
    /// people withheld their location (its items counted as having none).
    pub fn room_spread(&self, request: &SearchRequest, unit: TimeUnit) -> Result<Spread> {
        let request = SearchRequest { max_sensitivity: Some(Sensitivity::Public), ..request.clone() };
        let withheld = self.withheld_places(&self.room_disclosure()?)?;
        // Asking for a withheld place by name learns nothing, not even when its items are dated.
        if request.place.as_deref().is_some_and(|p| withheld.contains(&name_key(p))) {
            let timeline = timeline::count(&[], 0, unit)?;
            return Ok(Spread { timeline, places: Vec::new(), unplaced: 0, photos: Vec::new() });
        }
        self.spread_where(&request, unit, false, &withheld)
    }

    fn spread_where(
        &self,
        request: &SearchRequest,
        unit: TimeUnit,
        photos: bool,
        withheld: &HashSet<String>,
    ) -> Result<Spread> {
        if self.is_read_only() {
            self.index.refresh()?;
        }
        let raw = self.index.spread(request, photos)?;
        let matches = raw.ranges.iter().map(|r| r.1).sum::<u64>() + raw.undated;
        let timeline = timeline::count_days(&raw.ranges, raw.undated, unit)?;
        let located = located_places(self.store.conn())?;
        let places: Vec<PlaceCount> = raw
            .places
            .into_iter()
            .filter(|(name, _)| !withheld.contains(&name_key(name)))
            .map(|(name, items)| PlaceCount { gps: located.get(&name_key(&name)).copied(), name, items })
            .collect();
        let placed: u64 = places.iter().map(|p| p.items).sum();
        let photos = raw.photos.into_iter().map(|((lat, lon), items)| PhotoCell { lat, lon, items }).collect();
        Ok(Spread { timeline, places, unplaced: matches.saturating_sub(placed), photos })
    }

    /// Sets (or, with `None`, clears) the coordinates of a place the archive has, and returns
    /// the ones it had, so the change can be taken back.
    pub fn locate_place(&mut self, name: &str, gps: Option<Gps>) -> Result<Option<Gps>> {
        let summary = format!("Located “{}”", name.trim());
        self.operation(crate::history::OperationKind::Catalogue, &summary, |a| a.locate_place_unlogged(name, gps))
    }

    fn locate_place_unlogged(&mut self, name: &str, gps: Option<Gps>) -> Result<Option<Gps>> {
        if let Some(g) = gps
            && Gps::checked(g.lat, g.lon).is_none()
        {
            return Err(Error::invalid("gps", format!("{}, {} is not a place on Earth", g.lat, g.lon)));
        }
        let now = self.now();
        self.write(|tx| {
            let found: Option<(String, Option<f64>, Option<f64>)> = tx
                .prepare_cached("SELECT id, lat, lon FROM places WHERE name_key = ?1")?
                .query_row([name_key(name)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            let Some((id, lat, lon)) = found else {
                return Err(Error::invalid("place", format!("the archive has no place named {name:?}")));
            };
            tx.execute(
                "UPDATE places SET lat = ?2, lon = ?3 WHERE id = ?1",
                params![id, gps.map(|g| g.lat), gps.map(|g| g.lon)],
            )?;
            let state = serde_json::json!({ "name": name.trim(), "gps": gps });
            crate::history::record(tx, "place", &id, Some(&state), now)?;
            Ok(lat.zip(lon).map(|(lat, lon)| Gps { lat, lon }))
        })
    }
}

/// The coordinates of every located place, by name key.
fn located_places(conn: &rusqlite::Connection) -> Result<HashMap<String, Gps>> {
    let mut stmt =
        conn.prepare_cached("SELECT name_key, lat, lon FROM places WHERE lat IS NOT NULL AND lon IS NOT NULL")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?, r.get::<_, f64>(2)?)))?;
    let mut located = HashMap::new();
    for row in rows {
        let (key, lat, lon) = row?;
        located.insert(key, Gps { lat, lon });
    }
    Ok(located)
}
