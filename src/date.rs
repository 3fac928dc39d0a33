//! Partial and uncertain archival dates.
//!
//! Archive items rarely carry a precise day: a photo is "from January 2026", a
//! leaflet "probably 30 January", a banner "sometime in the 2020s". Archivists
//! write such dates in EDTF (Extended Date/Time Format, ISO 8601-2). This module
//! accepts the subset they use, keeps the literal exactly as the archive should
//! show it, and turns it into the inclusive day range that sorting, facets and
//! date filters need.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Earliest day any date covers; open interval starts reach back to it.
pub const FIRST_DAY: NaiveDate = NaiveDate::from_ymd_opt(1, 1, 1).unwrap();
/// Latest day any date covers; open interval ends reach forward to it.
pub const LAST_DAY: NaiveDate = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();

/// A validated EDTF date such as `2026-01-30`, `2026-01~`, `202X` or `2026-01/..`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(type = "string"))]
pub struct EdtfDate {
    literal: String,
    shape: Shape,
}

/// Why a literal is not an acceptable date; every message quotes the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// The input was empty or only whitespace.
    #[error("not a date: {input:?} — it is empty; write a date like 2026-01-30")]
    Empty {
        /// The input as given.
        input: String,
    },
    /// The input is not an accepted form, names a missing day, or ends before it starts.
    #[error("not a date: {input:?} — {reason}")]
    Invalid {
        /// The input as given.
        input: String,
        /// What is wrong and how to fix it.
        reason: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Shape {
    Single(Part),
    Between(Part, Part),
    From(Part),
    Until(Part),
}

/// One written date such as `2026-01~`, with the days it covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Part {
    start: NaiveDate,
    end: NaiveDate,
    detail: Detail,
    uncertain: bool,
    approximate: bool,
}

/// What a written date pins down; drives descriptions and widening.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Detail {
    Years { unknown_digits: u32 },
    SomeMonth,
    Month,
    SomeDay { month_known: bool },
    Day,
}

impl EdtfDate {
    /// Parses an EDTF literal, ignoring surrounding whitespace.
    pub fn parse(input: &str) -> Result<EdtfDate, DateError> {
        let literal = input.trim().replace('x', "X");
        let reason = match parse_shape(&literal) {
            Ok(shape) => return Ok(EdtfDate { literal, shape }),
            Err(reason) => reason,
        };
        let input = input.to_string();
        Err(if literal.is_empty() { DateError::Empty { input } } else { DateError::Invalid { input, reason } })
    }

    /// The canonical literal: the input trimmed, with unspecified digits as uppercase X.
    pub fn as_str(&self) -> &str {
        &self.literal
    }

    /// First and last day covered, inclusive; open ends are 0001-01-01 and 9999-12-31.
    pub fn range(&self) -> (NaiveDate, NaiveDate) {
        self.bounds(|part| (part.start, part.end))
    }

    /// Chronological sort key: days from 0001-01-01 to the first day covered.
    pub fn sort_key(&self) -> i64 {
        i64::from(self.range().0.num_days_from_ce()) - 1
    }

    /// Whether the two dates' match ranges share at least one day.
    pub fn overlaps(&self, other: &EdtfDate) -> bool {
        let (mine, theirs) = (self.match_range(), other.match_range());
        mine.0 <= theirs.1 && theirs.0 <= mine.1
    }

    /// The range used for filtering: `range()`, widened by one unit on each side when approximate.
    pub fn match_range(&self) -> (NaiveDate, NaiveDate) {
        self.bounds(Part::widened)
    }

    /// The year for facets: the shared year of start and end, else the start year; None if open start.
    pub fn year(&self) -> Option<i32> {
        // When start and end share a year, that year is the start year too.
        match self.shape {
            Shape::Until(_) => None,
            _ => Some(self.range().0.year()),
        }
    }

    /// A plain-English gloss such as "January 2026, approximate" or "the 2020s".
    pub fn describe(&self) -> String {
        match &self.shape {
            Shape::Single(part) => match part.qualifier() {
                Some(qualifier) => format!("{}, {qualifier}", part.gloss()),
                None => part.gloss(),
            },
            Shape::Between(from, to) => format!("{} to {}", from.side_gloss(), to.side_gloss()),
            Shape::From(from) => format!("{} or later", from.side_gloss()),
            Shape::Until(to) => format!("{} or earlier", to.side_gloss()),
        }
    }

    fn bounds(&self, span: impl Fn(&Part) -> (NaiveDate, NaiveDate)) -> (NaiveDate, NaiveDate) {
        match &self.shape {
            Shape::Single(part) => span(part),
            Shape::Between(from, to) => (span(from).0, span(to).1),
            Shape::From(from) => (span(from).0, LAST_DAY),
            Shape::Until(to) => (FIRST_DAY, span(to).1),
        }
    }
}

impl Part {
    /// The covered days, widened by one unit of precision on each side if approximate.
    fn widened(&self) -> (NaiveDate, NaiveDate) {
        if !self.approximate {
            return (self.start, self.end);
        }
        let month_index = |day: NaiveDate| day.year() * 12 + day.month0() as i32;
        let months = match self.detail {
            Detail::Day => {
                let before = self.start.pred_opt().unwrap_or(self.start);
                let after = self.end.succ_opt().unwrap_or(self.end);
                return (before.max(FIRST_DAY), after.min(LAST_DAY));
            }
            Detail::Month | Detail::SomeDay { month_known: true } => 1,
            Detail::SomeMonth | Detail::SomeDay { month_known: false } => 12,
            Detail::Years { unknown_digits } => 12 * 10_i32.pow(unknown_digits),
        };
        let start = month_bounds(month_index(self.start) - months).0;
        (start, month_bounds(month_index(self.end) + months).1)
    }

    fn qualifier(&self) -> Option<&'static str> {
        match (self.uncertain, self.approximate) {
            (true, true) => Some("uncertain and approximate"),
            (true, false) => Some("uncertain"),
            (false, true) => Some("approximate"),
            (false, false) => None,
        }
    }

    fn gloss(&self) -> String {
        let year = self.start.year();
        let month = self.start.format("%B");
        match self.detail {
            Detail::Years { unknown_digits: 0 } => format!("{year}"),
            Detail::Years { unknown_digits: 1 } => format!("the {}s", self.end.year() / 10 * 10),
            Detail::Years { .. } => format!("some year from {year} to {}", self.end.year()),
            Detail::SomeMonth => format!("some month in {year}"),
            Detail::Month => format!("{month} {year}"),
            Detail::SomeDay { month_known: true } => format!("some day in {month} {year}"),
            Detail::SomeDay { month_known: false } => format!("some day in {year}"),
            Detail::Day => format!("{} {month} {year}", self.start.day()),
        }
    }

    fn side_gloss(&self) -> String {
        match self.qualifier() {
            Some(qualifier) => format!("{} ({qualifier})", self.gloss()),
            None => self.gloss(),
        }
    }
}

/// First and last day of the month `year * 12 + month0`, clamped to the supported years.
fn month_bounds(index: i32) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1);
    let last = first.and_then(|day| day.checked_add_months(Months::new(1))?.pred_opt());
    let clamp = |day: Option<NaiveDate>| day.unwrap_or(FIRST_DAY).clamp(FIRST_DAY, LAST_DAY);
    (clamp(first), clamp(last))
}

/// A whole literal: a single date, or an interval `A/B` whose sides may be `..` (open).
fn parse_shape(literal: &str) -> Result<Shape, String> {
    if literal.contains(':') || matches!(literal.get(10..11), Some("T" | "t")) {
        return Err("times are not supported; give only the date, like 2026-01-30".into());
    }
    let Some((from, to)) = literal.split_once('/') else {
        return parse_part(literal).map(Shape::Single);
    };
    if to.contains('/') {
        return Err("use at most one '/', between the start and end of an interval".into());
    }
    match (parse_side(from)?, parse_side(to)?) {
        (Some(from), Some(to)) if to.end < from.start => {
            Err("the interval ends before it starts; put the earlier date first".into())
        }
        (Some(from), Some(to)) => Ok(Shape::Between(from, to)),
        (Some(from), None) => Ok(Shape::From(from)),
        (None, Some(to)) => Ok(Shape::Until(to)),
        (None, None) => Err("an interval needs a date on at least one side of the '/'".into()),
    }
}

/// One side of an interval: `..` for an open end, else a single date.
fn parse_side(text: &str) -> Result<Option<Part>, String> {
    match text {
        ".." => Ok(None),
        "" => Err("an interval side is empty; write .. for an open end".into()),
        _ => parse_part(text).map(Some),
    }
}

/// A single date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, with X digits and an optional ?, ~ or % suffix.
fn parse_part(text: &str) -> Result<Part, String> {
    let (body, uncertain, approximate) = match text.as_bytes().last() {
        Some(b'?') => (&text[..text.len() - 1], true, false),
        Some(b'~') => (&text[..text.len() - 1], false, true),
        Some(b'%') => (&text[..text.len() - 1], true, true),
        _ => (text, false, false),
    };
    if body.contains(['?', '~', '%']) {
        return Err("put one qualifier at the very end: ? uncertain, ~ approximate, % both".into());
    }
    let mut fields = body.split('-');
    let (first, last, unknown_digits) = parse_year(fields.next().unwrap_or_default())?;
    let month = parse_field(fields.next(), 12, "month")?;
    let day = parse_field(fields.next(), 31, "day")?;
    if fields.next().is_some() {
        return Err("expected YYYY, YYYY-MM or YYYY-MM-DD".into());
    }
    if unknown_digits > 0 && month.is_some() {
        return Err("with unknown year digits (X), leave out month and day".into());
    }
    let whole_years = (month_bounds(first * 12).0, month_bounds(last * 12 + 11).1);
    let whole_month = |month: u32| month_bounds(first * 12 + month as i32 - 1);
    let ((start, end), detail) = match (month, day) {
        (None, _) => (whole_years, Detail::Years { unknown_digits }),
        (Some(None), None) => (whole_years, Detail::SomeMonth),
        (Some(None), Some(None)) => (whole_years, Detail::SomeDay { month_known: false }),
        (Some(None), Some(Some(_))) => return Err("a known day needs a known month".into()),
        (Some(Some(m)), None) => (whole_month(m), Detail::Month),
        (Some(Some(m)), Some(None)) => (whole_month(m), Detail::SomeDay { month_known: true }),
        (Some(Some(m)), Some(Some(d))) => {
            let date = NaiveDate::from_ymd_opt(first, m, d).ok_or_else(|| {
                let length = whole_month(m).1.format("%B %Y has %d days");
                format!("{body} does not exist; {length}")
            })?;
            ((date, date), Detail::Day)
        }
    };
    Ok(Part { start, end, detail, uncertain, approximate })
}

/// A four-character year, digits then optional trailing X's: (first year, last year, X count).
fn parse_year(text: &str) -> Result<(i32, i32, u32), String> {
    let digits = text.trim_end_matches('X');
    if text.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("expected a date like 2026, 2026-01 or 2026-01-30 (four-digit year)".into());
    }
    let unknown_digits = (text.len() - digits.len()) as u32;
    if unknown_digits == 4 {
        return Err("the year needs at least its first digit, like 19XX".into());
    }
    let scale = 10_i32.pow(unknown_digits);
    let first = digits.parse::<i32>().map_err(|error| error.to_string())? * scale;
    if first + scale - 1 == 0 {
        return Err("year must be 0001–9999".into());
    }
    Ok((first.max(1), first + scale - 1, unknown_digits))
}

/// A month or day field: None if left out, Some(None) for `XX`, else a number from 01 to `max`.
fn parse_field(text: Option<&str>, max: u32, unit: &str) -> Result<Option<Option<u32>>, String> {
    let Some(text) = text.filter(|text| *text != "XX") else {
        return Ok(text.map(|_| None));
    };
    match text.parse().ok().filter(|value| (1..=max).contains(value)) {
        Some(value) if text.len() == 2 && text.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(Some(value))),
        _ => Err(format!("{unit} must be 01–{max}, or XX if unknown")),
    }
}

impl fmt::Display for EdtfDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.literal)
    }
}

impl FromStr for EdtfDate {
    type Err = DateError;
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        EdtfDate::parse(input)
    }
}

impl Serialize for EdtfDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.literal)
    }
}

impl<'de> Deserialize<'de> for EdtfDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let literal = String::deserialize(deserializer)?;
        EdtfDate::parse(&literal).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(input: &str) -> EdtfDate {
        EdtfDate::parse(input).unwrap_or_else(|error| panic!("{error}"))
    }

    fn shown((start, end): (NaiveDate, NaiveDate)) -> String {
        format!("{start}..{end}")
    }

    /// Each row: literal, `range()`, and `match_range()` where it differs ("=" if the same).
    const RANGES: &str = "
        2026                   2026-01-01..2026-12-31  =
        2026-01                2026-01-01..2026-01-31  =
        2026-01-30             2026-01-30..2026-01-30  =
        2024-02                2024-02-01..2024-02-29  =
        2024-02-29             2024-02-29..2024-02-29  =
        2000-02-29             2000-02-29..2000-02-29  =
        202X                   2020-01-01..2029-12-31  =
        20XX                   2000-01-01..2099-12-31  =
        000X                   0001-01-01..0009-12-31  =
        2026-XX                2026-01-01..2026-12-31  =
        2026-01-XX             2026-01-01..2026-01-31  =
        2026-XX-XX             2026-01-01..2026-12-31  =
        2026-01-30?            2026-01-30..2026-01-30  =
        2026-01~               2026-01-01..2026-01-31  2025-12-01..2026-02-28
        2026~                  2026-01-01..2026-12-31  2025-01-01..2027-12-31
        2026%                  2026-01-01..2026-12-31  2025-01-01..2027-12-31
        2026-01-30~            2026-01-30..2026-01-30  2026-01-29..2026-01-31
        2026-01-31%            2026-01-31..2026-01-31  2026-01-30..2026-02-01
        2026-01-XX~            2026-01-01..2026-01-31  2025-12-01..2026-02-28
        202X~                  2020-01-01..2029-12-31  2010-01-01..2039-12-31
        0001~                  0001-01-01..0001-12-31  0001-01-01..0002-12-31
        9999-12~               9999-12-01..9999-12-31  9999-11-01..9999-12-31
        9999-12-31             9999-12-31..9999-12-31  =
        2026-01-30/2026-02-03  2026-01-30..2026-02-03  =
        2025-12-31/2026-01-01  2025-12-31..2026-01-01  =
        2026-01-30/2026-01-30  2026-01-30..2026-01-30  =
        202X/2031~             2020-01-01..2031-12-31  2020-01-01..2032-12-31
        2026-01~/2026-03~      2026-01-01..2026-03-31  2025-12-01..2026-04-30
        2026-01-XX/2026-03?    2026-01-01..2026-03-31  =
        ../2026-02             0001-01-01..2026-02-28  =
        2026-01-30/..          2026-01-30..9999-12-31  =
        2026-01-30~/..         2026-01-30..9999-12-31  2026-01-29..9999-12-31";

    #[test]
    fn range_and_match_range_cover_the_expected_days() {
        for row in RANGES.lines().filter(|row| !row.trim().is_empty()) {
            let [input, range, matched] = row.split_whitespace().collect::<Vec<_>>()[..] else {
                panic!("bad row {row:?}");
            };
            let matched = if matched == "=" { range } else { matched };
            assert_eq!(shown(date(input).range()), range, "{input}");
            assert_eq!(shown(date(input).match_range()), matched, "{input}");
        }
    }

    #[test]
    fn literal_is_trimmed_and_normalized() {
        assert_eq!(date("  2026-xx-Xx \n").as_str(), "2026-XX-XX");
        assert_eq!(date(" 2026-01-xx ").to_string(), "2026-01-XX");
        assert_eq!("2026-01~".parse::<EdtfDate>().unwrap(), date("2026-01~"));
        assert_eq!(date("2026-01-30/..").as_str(), "2026-01-30/..");
    }

    #[test]
    fn sort_key_orders_chronologically() {
        let keys = |a: &str, b: &str| (date(a).sort_key(), date(b).sort_key());
        assert_eq!(keys("0001-01-01", "0001-01-02"), (0, 1));
        assert_eq!(keys("2026-01-30?", "2026-01-30/.."), (739645, 739645));
        let mixed = "2026-02 2025 ../2026 2026-01-30? 202X 2026-01-XX 2026-01-31/.. 2026-03~";
        let mut dates: Vec<EdtfDate> = mixed.split(' ').map(date).collect();
        dates.sort_by_key(EdtfDate::sort_key);
        let order: Vec<&str> = dates.iter().map(EdtfDate::as_str).collect();
        let expected = "../2026 202X 2025 2026-01-XX 2026-01-30? 2026-01-31/.. 2026-02 2026-03~";
        assert_eq!(order.join(" "), expected);
    }

    #[test]
    fn overlaps_compares_match_ranges() {
        let january = date("2026-01");
        let both_ways = |other: &EdtfDate| (january.overlaps(other), other.overlaps(&january));
        let overlapping = "2026-01~ 2026 2026-01-30/2026-02-03 2025-12-31/2026-01-01 2026-02~";
        for other in overlapping.split(' ').chain(["../2026-01-01"]).map(date) {
            assert_eq!(both_ways(&other), (true, true), "{other}");
        }
        for other in "2026-02 2025 2026-02-01/.. ../2025-12-31 2026-02?".split(' ') {
            assert_eq!(both_ways(&date(other)), (false, false), "{other}");
        }
    }

    #[test]
    fn year_is_the_facet_year() {
        assert_eq!(date("2026-01-30").year(), Some(2026));
        assert_eq!(date("2026-01-30/2026-02-03").year(), Some(2026));
        assert_eq!(date("2025-12-31/2026-01-01").year(), Some(2025));
        assert_eq!(date("202X").year(), Some(2020));
        assert_eq!(date("2026-01/..").year(), Some(2026));
        assert_eq!(date("../2026-02").year(), None);
    }

    /// Each row: literal | description.
    const DESCRIPTIONS: &str = "
        2026-01-30            | 30 January 2026
        2026-01~              | January 2026, approximate
        2026                  | 2026
        2026-01-30?           | 30 January 2026, uncertain
        2026%                 | 2026, uncertain and approximate
        2026-XX               | some month in 2026
        2026-12-XX            | some day in December 2026
        2026-XX-XX            | some day in 2026
        202X                  | the 2020s
        20XX                  | some year from 2000 to 2099
        2026-01-30/2026-02-03 | 30 January 2026 to 3 February 2026
        2026-01~/2026-03      | January 2026 (approximate) to March 2026
        2026-01/..            | January 2026 or later
        ../2026-02            | February 2026 or earlier";

    #[test]
    fn describe_glosses_in_plain_english() {
        for row in DESCRIPTIONS.lines().filter(|row| !row.trim().is_empty()) {
            let (input, expected) = row.split_once('|').expect("row has a '|'");
            assert_eq!(date(input).describe(), expected.trim(), "{input}");
        }
    }

    #[test]
    fn serde_uses_the_literal_and_validates() {
        let dates = vec![date("2026-01-30"), date("202X~"), date("../2026-02")];
        let json = serde_json::to_string(&dates).unwrap();
        assert_eq!(json, r#"["2026-01-30","202X~","../2026-02"]"#);
        assert_eq!(serde_json::from_str::<Vec<EdtfDate>>(&json).unwrap(), dates);
        let parsed: EdtfDate = serde_json::from_str(r#"" 202x ""#).unwrap();
        assert_eq!(parsed.as_str(), "202X");
        let error = serde_json::from_str::<EdtfDate>(r#""2026-13""#).unwrap_err();
        let expected = r#"not a date: "2026-13" — month must be 01–12"#;
        assert!(error.to_string().contains(expected), "{error}");
    }

    /// Each row: literal | part of the reason.
    const ERRORS: &str = "
        yesterday             | expected a date like 2026
        2026-13               | month must be 01–12
        2026-00-01            | month must be 01–12
        2026-1-05             | month must be 01–12
        2026-0X               | month must be 01–12
        2026-01-32            | day must be 01–31
        2026-01-3             | day must be 01–31
        2026-02-30            | 2026-02-30 does not exist; February 2026 has 28 days
        2025-02-29            | February 2025 has 28 days
        2026-04-31            | April 2026 has 30 days
        2026-02/2026-01       | the interval ends before it starts
        2026-01-30/2026-01-29 | the interval ends before it starts
        2026/2027/2028        | at most one '/'
        2026-01-30T10:00      | times are not supported
        2026-01-30 10:00      | times are not supported
        ../..                 | a date on at least one side
        2026/                 | write .. for an open end
        -2026                 | four-digit year
        26                    | four-digit year
        2X26                  | four-digit year
        0000                  | year must be 0001–9999
        XXXX                  | at least its first digit
        202X-01               | leave out month and day
        2026-XX-15            | a known day needs a known month
        2026?~                | one qualifier at the very end
        2026?-01              | one qualifier at the very end
        2026-01-30-01         | expected YYYY, YYYY-MM or YYYY-MM-DD";

    #[test]
    fn every_error_quotes_the_input_and_says_why() {
        let rows = ERRORS.lines().filter_map(|row| row.split_once('|'));
        let blanks = [("", "it is empty"), (" \t", "it is empty")];
        for (input, reason) in rows.map(|(i, r)| (i.trim(), r.trim())).chain(blanks) {
            let error = EdtfDate::parse(input).expect_err(input).to_string();
            let quoted = format!("not a date: {input:?} — ");
            assert!(error.starts_with(&quoted) && error.contains(reason), "{input}: {error}");
        }
        let empty = EdtfDate::parse(" \t").unwrap_err();
        assert_eq!(empty, DateError::Empty { input: " \t".into() });
        assert!(serde_json::from_str::<EdtfDate>(r#""2026-02-30""#).is_err());
    }
}
