//! The timeline's counts as a historian reads them: items per period under any search and
//! filters, imprecise dates spread over what they cover (never piled on one day), undated
//! items counted apart, and what a view may not show not counted.

use walkout::timeline::{Period, TimeUnit, Timeline};
use walkout::{Archive, EdtfDate, SearchRequest, Sensitivity};

use crate::common::*;

fn add(archive: &mut Archive, text: &str, date: Option<&str>, sensitivity: Sensitivity) {
    let mut item = walkout::Item::quote(text, archive.now());
    item.date = date.map(|d| d.parse::<EdtfDate>().unwrap());
    item.sensitivity = sensitivity;
    archive.add_item(item).unwrap();
}

fn period<'a>(timeline: &'a Timeline, start: &str) -> &'a Period {
    timeline
        .periods
        .iter()
        .find(|p| p.start.to_string() == start)
        .unwrap_or_else(|| panic!("no period starting {start} in {:?}", timeline.periods))
}

fn archive(dir: &std::path::Path) -> Archive {
    let mut archive = Archive::create(&dir.join("a")).unwrap();
    add(&mut archive, "We walked out at ten on the thirtieth", Some("2026-01-30"), Sensitivity::Public);
    add(&mut archive, "Another walkout the same day", Some("2026-01-30"), Sensitivity::Public);
    add(&mut archive, "Sometime in January we walked out", Some("2026-01"), Sensitivity::Public);
    add(&mut archive, "Around the end of January, approximately", Some("2026-01-28~"), Sensitivity::Public);
    add(&mut archive, "A week of walkouts", Some("2026-01-28/2026-02-03"), Sensitivity::Public);
    add(&mut archive, "Some time in 2026 a walkout", Some("2026"), Sensitivity::Public);
    add(&mut archive, "A walkout nobody dated", None, Sensitivity::Public);
    add(&mut archive, "A minor's walkout story, kept private", Some("2026-02-02"), Sensitivity::Private);
    archive
}

#[test]
fn a_month_axis_counts_each_item_where_its_date_lies_and_spreads_what_spans_months() {
    let dir = temp();
    let archive = archive(dir.path());
    let all = SearchRequest { limit: 20, ..SearchRequest::default() };
    let t = archive.timeline(&all, TimeUnit::Month).unwrap();
    assert_eq!((t.dated, t.undated), (7, 1));
    assert_eq!(t.periods.len(), 12, "January to December 2026: {:?}", t.periods);
    let jan = period(&t, "2026-01-01");
    // The two days, "January 2026" and the approximate 28th lie within January.
    assert_eq!((jan.exact, jan.spanning), (4, 2), "{jan:?}");
    assert_eq!(jan.end.to_string(), "2026-01-31");
    // The week across the month's end and the private item in February; the year everywhere.
    let feb = period(&t, "2026-02-01");
    assert_eq!((feb.exact, feb.spanning), (1, 2), "{feb:?}");
    let jul = period(&t, "2026-07-01");
    assert_eq!((jul.exact, jul.spanning), (0, 1), "{jul:?}");
}

#[test]
fn a_day_axis_never_shows_a_month_or_a_year_as_one_day() {
    let dir = temp();
    let archive = archive(dir.path());
    let january = SearchRequest {
        from: Some("2026-01".parse().unwrap()),
        to: Some("2026-01".parse().unwrap()),
        ..SearchRequest::default()
    };
    let t = archive.timeline(&january, TimeUnit::Day).unwrap();
    let thirtieth = period(&t, "2026-01-30");
    // Two items of that very day; the month, the year and the week cover it without being on it.
    assert_eq!((thirtieth.exact, thirtieth.spanning), (2, 3), "{thirtieth:?}");
    let first = period(&t, "2026-01-01");
    assert_eq!((first.exact, first.spanning), (0, 2), "{first:?}");
    // "2026-01-28~" is approximate: it is indexed over the days around the 28th, so it is drawn
    // spread over them, never as an exact day.
    assert!(t.periods.iter().all(|p| p.exact <= 2), "{:?}", t.periods);
}

#[test]
fn the_timeline_counts_only_what_the_search_and_the_view_may_show() {
    let dir = temp();
    let archive = archive(dir.path());
    let words = SearchRequest { query: "walkout".into(), ..SearchRequest::default() };
    let t = archive.timeline(&words, TimeUnit::Year).unwrap();
    let total = archive.search(&SearchRequest { limit: 50, ..words.clone() }).unwrap().total;
    assert_eq!(t.dated + t.undated, total);
    let public = SearchRequest { max_sensitivity: Some(Sensitivity::Public), ..SearchRequest::default() };
    let t = archive.timeline(&public, TimeUnit::Month).unwrap();
    // The private item of 2 February is not counted where only public items may be seen.
    assert_eq!(t.dated, 6);
    let feb = period(&t, "2026-02-01");
    assert_eq!((feb.exact, feb.spanning), (0, 2), "{feb:?}");
    // No dated match: no periods, nothing to draw, the undated still counted.
    let none = SearchRequest { query: "nobody".into(), ..SearchRequest::default() };
    let t = archive.timeline(&none, TimeUnit::Day).unwrap();
    assert!(t.periods.is_empty());
    assert_eq!((t.dated, t.undated), (0, 1));
}

#[test]
fn the_cli_prints_the_timeline_of_a_search_for_scripts() {
    let dir = temp();
    drop(archive(dir.path()));
    let root = dir.path().join("a");
    let json = run_json(&root, &["timeline", "walkout", "--from", "2026-01", "--unit", "week", "--json"]);
    assert_eq!(json["unit"], "week");
    let periods = json["periods"].as_array().unwrap();
    // The week of Monday 26 January 2026 holds the walkout of the 30th (the other item of that
    // day says "walked out"); the week of walkouts and the year 2026 run through it.
    let week = periods.iter().find(|p| p["start"] == "2026-01-26").unwrap_or_else(|| panic!("{json}"));
    assert_eq!(week["end"], "2026-02-01");
    assert_eq!((week["exact"].as_u64(), week["spanning"].as_u64()), (Some(1), Some(2)), "{week}");
    assert_eq!(json["undated"], 0, "the undated item has no date from January on: {json}");
    let bars = run(&root, &["timeline", "--unit", "year"]);
    assert!(bars.status.success());
    let text = String::from_utf8_lossy(&bars.stdout);
    assert!(text.contains("2026-01-01") && text.contains("7 dated, 1 undated"), "{text}");
    let wrong = run(&root, &["timeline", "--unit", "fortnight"]);
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("use day, week, month or year"));
}
