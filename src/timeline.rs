//! The archive in time: how many items a search matches per day, week, month or year, for the
//! timeline's histogram and for brushing a period into the Dates filter.
//!
//! A date is never shown as more precise than it is. An item whose date falls within one
//! period (30 January 2026, or "January 2026" on a month axis) counts in that period as
//! `exact`. An item whose date spans several periods (an interval, "2026" or "2026-01~" on a
//! day axis) counts as `spanning` in every period it overlaps: the timeline draws those faded,
//! so a year-only photo is seen across its year and never piled onto 1 January. Undated items
//! are counted apart.
//!
//! The counts come from one pass over the matches of the same query a search makes (words,
//! filters, sensitivity), reading two fast fields of the index; nothing is read from SQLite.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::search::SearchRequest;

/// The length of a timeline's periods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    /// Calendar days.
    Day,
    /// ISO weeks, Monday to Sunday.
    Week,
    /// Calendar months.
    Month,
    /// Calendar years.
    Year,
}

/// At most this many periods in one timeline: a day axis over a century is not a view anyone
/// reads, and a request for one is refused with a hint to choose a longer unit or a range.
pub const MAX_PERIODS: usize = 20_000;

/// One period of the axis and the items in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Period {
    /// Its first day (`YYYY-MM-DD`).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub start: NaiveDate,
    /// Its last day.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub end: NaiveDate,
    /// Items whose date lies within this period.
    pub exact: u64,
    /// Items whose date overlaps this period and others (intervals, imprecise dates).
    pub spanning: u64,
}

/// Items per period under a search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Timeline {
    /// The unit of the periods.
    pub unit: TimeUnit,
    /// Every period from the first to the last that holds an item, empty ones included, in
    /// order (none when no matching item has a date).
    pub periods: Vec<Period>,
    /// Matching items with a date.
    pub dated: u64,
    /// Matching items without one.
    pub undated: u64,
}

impl TimeUnit {
    /// The first day of the period holding `day`.
    pub(crate) fn start(self, day: NaiveDate) -> NaiveDate {
        match self {
            TimeUnit::Day => day,
            TimeUnit::Week => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
            TimeUnit::Month => day.with_day(1).unwrap_or(day),
            TimeUnit::Year => NaiveDate::from_ymd_opt(day.year(), 1, 1).unwrap_or(day),
        }
    }

    /// The first day of the period after the one starting on `start`.
    fn next(self, start: NaiveDate) -> Option<NaiveDate> {
        match self {
            TimeUnit::Day => start.succ_opt(),
            TimeUnit::Week => start.checked_add_signed(Duration::days(7)),
            TimeUnit::Month => start.checked_add_months(chrono::Months::new(1)),
            TimeUnit::Year => start.checked_add_months(chrono::Months::new(12)),
        }
    }

    /// How many periods lie between the one starting on `first` and the one holding `day`.
    pub(crate) fn index(self, first: NaiveDate, day: NaiveDate) -> usize {
        let months = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
        let n = match self {
            TimeUnit::Day => (day - first).num_days(),
            TimeUnit::Week => (self.start(day) - first).num_days() / 7,
            TimeUnit::Month => months(day) - months(first),
            TimeUnit::Year => i64::from(day.year() - first.year()),
        };
        usize::try_from(n).unwrap_or(0)
    }

    fn name(self) -> &'static str {
        match self {
            TimeUnit::Day => "day",
            TimeUnit::Week => "week",
            TimeUnit::Month => "month",
            TimeUnit::Year => "year",
        }
    }
}

/// Counts date ranges (first and last day) into the periods of `unit`.
pub fn count(ranges: &[(NaiveDate, NaiveDate)], undated: u64, unit: TimeUnit) -> Result<Timeline> {
    count_by(ranges, |r| (*r, 1), undated, unit)
}

/// As [`count`], for ranges each held by `n` items: `((first, last), n)`. The search's
/// timeline counts this way, so its calendar work is per distinct range, not per item.
pub fn count_weighted(ranges: &[((NaiveDate, NaiveDate), u64)], undated: u64, unit: TimeUnit) -> Result<Timeline> {
    count_by(ranges, |r| *r, undated, unit)
}

/// As [`count_weighted`], for the index's ranges in days since 0001-01-01 (a range whose days
/// are no calendar date is left out).
pub(crate) fn count_days(days: &[((i64, i64), u64)], undated: u64, unit: TimeUnit) -> Result<Timeline> {
    let day = |n: i64| i32::try_from(n).ok().and_then(NaiveDate::from_num_days_from_ce_opt);
    let ranges: Vec<((NaiveDate, NaiveDate), u64)> =
        days.iter().filter_map(|&((lo, hi), n)| Some(((day(lo)?, day(hi)?), n))).collect();
    count_weighted(&ranges, undated, unit)
}

fn count_by<T>(
    ranges: &[T],
    range: impl Fn(&T) -> ((NaiveDate, NaiveDate), u64),
    undated: u64,
    unit: TimeUnit,
) -> Result<Timeline> {
    let dated = ranges.iter().map(|r| range(r).1).sum();
    let mut timeline = Timeline { unit, periods: Vec::new(), dated, undated };
    // An open end ("from 30 January 2026 on") does not stretch the axis to year 1 or 9999: the
    // axis runs from the first to the last day any date names, and an open range is drawn to
    // the axis's end.
    let named = |r: &T| {
        let ((lo, hi), _) = range(r);
        [lo, hi].into_iter().filter(|d| *d != crate::date::FIRST_DAY && *d != crate::date::LAST_DAY)
    };
    let (Some(first), Some(last)) = (ranges.iter().flat_map(named).min(), ranges.iter().flat_map(named).max()) else {
        return Ok(timeline);
    };
    let first = unit.start(first);
    let n = unit.index(first, last) + 1;
    if n > MAX_PERIODS {
        return Err(Error::invalid(
            "unit",
            format!(
                "these items span {n} {}s, more than a timeline shows ({MAX_PERIODS}): choose a longer unit or a date range",
                unit.name()
            ),
        ));
    }
    let mut exact = vec![0u64; n];
    // Spanning items as a difference array: +1 where one starts, -1 after it ends.
    let mut delta = vec![0i64; n + 1];
    for r in ranges {
        let ((lo, hi), n) = range(r);
        let open = lo == crate::date::FIRST_DAY || hi == crate::date::LAST_DAY;
        let (lo, hi) = (lo.clamp(first, last), hi.max(lo).clamp(first, last));
        let (a, b) = (unit.index(first, lo), unit.index(first, hi));
        if a == b && !open {
            exact[a] += n;
        } else {
            let n = i64::try_from(n).unwrap_or(i64::MAX);
            delta[a] += n;
            delta[b + 1] -= n;
        }
    }
    let mut start = first;
    let mut spanning = 0i64;
    for (i, exact) in exact.into_iter().enumerate() {
        spanning += delta[i];
        let Some(next) = unit.next(start) else { break };
        let end = next.pred_opt().unwrap_or(start);
        timeline.periods.push(Period { start, end, exact, spanning: spanning.max(0) as u64 });
        start = next;
    }
    Ok(timeline)
}

impl crate::Archive {
    /// How many items `request` matches (its words, filters and sensitivity; its sort, offset
    /// and limit are ignored) per period of `unit`, with the undated ones apart.
    pub fn timeline(&self, request: &SearchRequest, unit: TimeUnit) -> Result<Timeline> {
        if self.is_read_only() {
            self.index.refresh()?;
        }
        let (days, undated) = self.index.date_ranges(request)?;
        count_days(&days, undated, unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weeks_start_on_monday_and_months_roll_over_the_year() {
        assert_eq!(TimeUnit::Week.start(d(2026, 1, 30)), d(2026, 1, 26));
        assert_eq!(TimeUnit::Week.index(d(2025, 12, 29), d(2026, 1, 5)), 1);
        assert_eq!(TimeUnit::Month.index(d(2025, 11, 1), d(2026, 2, 3)), 3);
        let t =
            count(&[(d(2025, 12, 31), d(2025, 12, 31)), (d(2026, 2, 1), d(2026, 2, 1))], 0, TimeUnit::Month).unwrap();
        let starts: Vec<_> = t.periods.iter().map(|p| (p.start, p.end, p.exact)).collect();
        assert_eq!(
            starts,
            vec![
                (d(2025, 12, 1), d(2025, 12, 31), 1),
                (d(2026, 1, 1), d(2026, 1, 31), 0),
                (d(2026, 2, 1), d(2026, 2, 28), 1)
            ]
        );
    }

    #[test]
    fn an_open_end_runs_to_the_axis_end_without_stretching_it() {
        let open = (d(2026, 1, 30), crate::date::LAST_DAY);
        let t = count(&[open, (d(2026, 3, 2), d(2026, 3, 2))], 0, TimeUnit::Month).unwrap();
        assert_eq!(t.periods.len(), 3);
        assert_eq!(t.periods.iter().map(|p| p.spanning).collect::<Vec<_>>(), vec![1, 1, 1]);
        // Alone, it is one period long, and still not an exact date.
        let t = count(&[open], 0, TimeUnit::Month).unwrap();
        assert_eq!(t.periods.iter().map(|p| (p.exact, p.spanning)).collect::<Vec<_>>(), vec![(0, 1)]);
    }

    #[test]
    fn a_century_of_days_is_refused_with_a_hint() {
        let err = count(&[(d(1926, 1, 1), d(2026, 1, 1))], 0, TimeUnit::Day).unwrap_err();
        assert!(err.to_string().contains("choose a longer unit"), "{err}");
        assert_eq!(count(&[(d(1926, 1, 1), d(2026, 1, 1))], 0, TimeUnit::Year).unwrap().periods.len(), 101);
    }

    #[test]
    fn ranges_counted_once_each_with_their_items_give_the_same_timeline_as_every_item() {
        let (day, month, open) =
            ((d(2026, 1, 30), d(2026, 1, 30)), (d(2026, 2, 1), d(2026, 2, 28)), (d(2026, 3, 5), crate::date::LAST_DAY));
        let spanning = (d(2025, 12, 20), d(2026, 2, 3));
        let weighted = [(day, 3), (month, 2), (open, 1), (spanning, 4)];
        let every: Vec<_> = weighted.iter().flat_map(|&(r, n)| std::iter::repeat_n(r, n as usize)).collect();
        for unit in [TimeUnit::Day, TimeUnit::Week, TimeUnit::Month, TimeUnit::Year] {
            let grouped = count_weighted(&weighted, 7, unit).unwrap();
            assert_eq!(grouped, count(&every, 7, unit).unwrap(), "{unit:?}");
            assert_eq!(grouped.dated, 10);
        }
        let months = count_weighted(&weighted, 0, TimeUnit::Month).unwrap();
        let per: Vec<_> = months.periods.iter().map(|p| (p.exact, p.spanning)).collect();
        assert_eq!(per, vec![(0, 4), (3, 4), (2, 4), (0, 1)]);
    }
}
