//! The timeline and map phase: `Archive::spread` (a search's matches per month and per place,
//! in one pass over the index's fast fields, joined to the places' coordinates in SQLite)
//! against SQLite FTS5 reading the same matches' date ranges and places in one query and
//! counting them with the same month arithmetic, once per distinct range
//! (`walkout::timeline::count_weighted`).

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use chrono::NaiveDate;
use rusqlite::{Connection, OpenFlags};
use serde_json::{Value, json};
use walkout::timeline::{self, TimeUnit};
use walkout::{Archive, SearchRequest};

use crate::phases::{ARCHIVE_DIR, FTS5_DB};
use crate::search::{measure, summary};

/// (name, words, FTS5 MATCH or none for every row).
const QUERIES: [(&str, &str, Option<&str>); 3] = [
    ("every item", "", None),
    ("one word", "love", Some("love")),
    ("two words, OR", "love OR amor", Some("love OR amor")),
];

fn day(n: i64) -> Option<NaiveDate> {
    i32::try_from(n).ok().and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// FTS5: the matches' ranges and places in one statement, counted per month and per place.
fn fts5_spread(conn: &Connection, fts5: Option<&str>) -> Result<usize, String> {
    let sql = |e: rusqlite::Error| e.to_string();
    let (query, params): (&str, Vec<&str>) = match fts5 {
        Some(m) => ("SELECT date_lo, date_hi, place FROM quotes WHERE quotes MATCH ?1", vec![m]),
        None => ("SELECT date_lo, date_hi, place FROM quotes", vec![]),
    };
    let mut stmt = conn.prepare_cached(query).map_err(sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(params)).map_err(sql)?;
    // Counted per distinct range, as ours does: the calendar work once per range.
    let mut days: HashMap<(i64, i64), u64> = HashMap::new();
    let mut undated = 0u64;
    let mut places: HashMap<String, u64> = HashMap::new();
    while let Some(row) = rows.next().map_err(sql)? {
        match (row.get::<_, Option<i64>>(0).map_err(sql)?, row.get::<_, Option<i64>>(1).map_err(sql)?) {
            (Some(lo), Some(hi)) => *days.entry((lo, hi)).or_default() += 1,
            _ => undated += 1,
        }
        let place: String = row.get(2).map_err(sql)?;
        if !place.is_empty() {
            *places.entry(place).or_default() += 1;
        }
    }
    let ranges: Vec<((NaiveDate, NaiveDate), u64)> =
        days.into_iter().filter_map(|((lo, hi), n)| Some(((day(lo)?, day(hi)?), n))).collect();
    let t = timeline::count_weighted(&ranges, undated, TimeUnit::Month).map_err(|e| e.to_string())?;
    Ok(std::hint::black_box((t.periods.len(), places.len())).0)
}

pub fn run(work: &Path, seconds: f64) -> Result<Value, String> {
    let budget = Duration::from_secs_f64(seconds);
    // `WALKOUT_BENCH_ONLY_OURS=1`: `Archive::spread` alone, to profile it or compare builds.
    let only_ours = std::env::var_os("WALKOUT_BENCH_ONLY_OURS").is_some_and(|v| v == "1");
    let archive = Archive::open(&work.join(ARCHIVE_DIR)).map_err(|e| e.to_string())?;
    let fts5 =
        Connection::open_with_flags(work.join(FTS5_DB), OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    for (name, words, matches) in QUERIES {
        let request = SearchRequest::words(words);
        let first = archive.spread(&request, TimeUnit::Month).map_err(|e| e.to_string())?;
        let total = first.timeline.dated + first.timeline.undated;
        let ours = measure(budget, &mut || {
            archive.spread(&request, TimeUnit::Month).map(|s| s.timeline.periods.len()).map_err(|e| e.to_string())
        })?;
        if only_ours {
            rows.push(json!({ "name": name, "typed": words, "ours": summary(&ours, total) }));
            continue;
        }
        let theirs = measure(budget, &mut || fts5_spread(&fts5, matches))?;
        let (o, t) = (summary(&ours, total), summary(&theirs, 0));
        rows.push(json!({
            "name": name,
            "typed": words,
            "periods": first.timeline.periods.len(),
            "places": first.places.len(),
            "ratio_p50": t["p50_us"].as_f64().unwrap_or(0.0) / o["p50_us"].as_f64().unwrap_or(1.0),
            "ours": o,
            "fts5": t,
        }));
    }
    Ok(json!({ "unit": "month", "queries": rows }))
}
