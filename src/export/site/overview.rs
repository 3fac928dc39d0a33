//! The exhibit's timeline and map pages: drawn here as SVG from the items on the site, so they
//! need no script and no network. The timeline counts items per month (a year's items spread
//! over its months, drawn faded, never as a month's own); the map shows each place at the
//! place's own coordinates on the US map (never a photo's), with its count, each marker a link
//! to the list of that place's items below it.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::NaiveDate;

use super::html::{self, Frame, Page, esc, icon};
use super::pages::{plural, rows};
use super::{Site, albers_usa};
use crate::model::Item;
use crate::timeline::{self, TimeUnit};

/// The US base map: paths made by `ui/scripts/site-map.mjs` from npm's us-atlas.
const US_MAP: &str = include_str!("us-map.svg");
const WIDTH: f64 = 960.0;
const CHART: f64 = 150.0;

/// A period's id on the page: `p-2026-01`.
fn anchor(start: NaiveDate, unit: TimeUnit) -> String {
    match unit {
        TimeUnit::Year => format!("p-{}", start.format("%Y")),
        _ => format!("p-{}", start.format("%Y-%m")),
    }
}

fn period_name(start: NaiveDate, unit: TimeUnit) -> String {
    match unit {
        TimeUnit::Year => start.format("%Y").to_string(),
        _ => start.format("%B %Y").to_string(),
    }
}

/// The timeline page.
pub fn timeline_page(site: &Site, frame: &Frame) -> String {
    let dated: Vec<(&Item, (NaiveDate, NaiveDate))> =
        site.items.iter().filter_map(|i| Some((i, i.date.as_ref()?.match_range()))).collect();
    let undated: Vec<&Item> = site.items.iter().filter(|i| i.date.is_none()).collect();
    let ranges: Vec<(NaiveDate, NaiveDate)> = dated.iter().map(|(_, r)| *r).collect();
    // Months, unless the items span more than five years (a camera's wrong clock can be enough).
    let months = timeline::count(&ranges, 0, TimeUnit::Month).map(|t| t.periods.len()).unwrap_or(0);
    let unit = if months > 60 { TimeUnit::Year } else { TimeUnit::Month };
    let counted = timeline::count(&ranges, undated.len() as u64, unit).ok();
    let periods = counted.map(|t| t.periods).unwrap_or_default();

    let mut main = format!(
        r#"<div class="page-head"><p class="kicker">{} Browse</p><h1>Timeline</h1><p class="lead">{} by {unit}{}. Items dated more broadly than one {unit} are drawn faded across every {unit} they may belong to, never as one {unit}’s own.</p></div>"#,
        icon("clock"),
        esc(&plural(dated.len(), "dated item", "dated items")),
        if undated.is_empty() { String::new() } else { format!("; {} undated", undated.len()) },
        unit = if unit == TimeUnit::Year { "year" } else { "month" },
    );
    if periods.is_empty() {
        main.push_str(&html::empty("Nothing dated here", "None of the items in this exhibit has a date."));
        return document(frame, "Timeline", "timeline.html", main);
    }
    let step = (WIDTH / periods.len() as f64).clamp(6.0, 80.0);
    let tallest = periods.iter().map(|p| p.exact + p.spanning).max().unwrap_or(1).max(1) as f64;
    let width = step * periods.len() as f64;
    let mut svg = format!(
        r#"<div class="chart-scroll"><svg class="timeline-chart" viewBox="0 0 {width:.0} {h:.0}" width="{width:.0}" height="{h:.0}" role="img" aria-label="Items per {unit} from {first} to {last}">"#,
        h = CHART + 40.0,
        unit = if unit == TimeUnit::Year { "year" } else { "month" },
        first = period_name(periods[0].start, unit),
        last = period_name(periods[periods.len() - 1].start, unit),
    );
    let gap = (step * 0.18).min(4.0);
    for (i, p) in periods.iter().enumerate() {
        let x = i as f64 * step;
        let exact = p.exact as f64 / tallest * (CHART - 8.0);
        let spanning = p.spanning as f64 / tallest * (CHART - 8.0);
        let title = format!("{}: {} exactly, {} dated more broadly", period_name(p.start, unit), p.exact, p.spanning);
        let _ = write!(
            svg,
            r##"<a href="#{}"><title>{}</title><rect class="hit" x="{x:.1}" y="0" width="{step:.1}" height="{CHART}"/>"##,
            anchor(p.start, unit),
            esc(&title)
        );
        if p.spanning > 0 {
            let _ = write!(
                svg,
                r#"<rect class="bar-spanning" x="{:.1}" y="{:.1}" width="{:.1}" height="{spanning:.1}"/>"#,
                x + gap / 2.0,
                CHART - exact - spanning,
                step - gap
            );
        }
        if p.exact > 0 {
            let _ = write!(
                svg,
                r#"<rect class="bar-exact" x="{:.1}" y="{:.1}" width="{:.1}" height="{exact:.1}"/>"#,
                x + gap / 2.0,
                CHART - exact,
                step - gap
            );
        }
        svg.push_str("</a>");
        let new_year = i == 0 || periods[i - 1].start.format("%Y").to_string() != p.start.format("%Y").to_string();
        let label = match unit {
            TimeUnit::Year => Some(p.start.format("%Y").to_string()),
            _ if step >= 30.0 => Some(p.start.format("%b").to_string()),
            _ => None,
        };
        if let Some(label) = label {
            let _ =
                write!(svg, r#"<text class="axis" x="{:.1}" y="{:.1}">{}</text>"#, x + 3.0, CHART + 15.0, esc(&label));
        }
        if new_year && unit != TimeUnit::Year {
            let _ = write!(
                svg,
                r#"<line class="tick" x1="{x:.1}" x2="{x:.1}" y1="{CHART}" y2="{:.1}"/><text class="axis year" x="{:.1}" y="{:.1}">{}</text>"#,
                CHART + 32.0,
                x + 3.0,
                CHART + 30.0,
                p.start.format("%Y")
            );
        }
    }
    let _ = write!(svg, r#"<line class="baseline" x1="0" x2="{width:.0}" y1="{CHART}" y2="{CHART}"/></svg></div>"#);
    main.push_str(&svg);
    main.push_str(r#"<p class="legend"><span class="swatch exact"></span>dated within the period <span class="swatch spanning"></span>dated more broadly (a year, a season, approximate, a range)</p>"#);

    if !site.events.is_empty() {
        main.push_str(r#"<h2 class="section-label">Events</h2><ul class="events">"#);
        for (name, date) in &site.events {
            let _ = write!(main, r#"<li><span class="edtf">{}</span> {}</li>"#, esc(date.as_str()), esc(name));
        }
        main.push_str("</ul>");
    }

    // The items of each period (those whose date lies within it), then those dated more broadly.
    let mut by_period: BTreeMap<NaiveDate, Vec<&Item>> = BTreeMap::new();
    let mut broad: Vec<&Item> = Vec::new();
    for (item, (lo, hi)) in &dated {
        if unit.start(*lo) == unit.start(*hi) {
            by_period.entry(unit.start(*lo)).or_default().push(item);
        } else {
            broad.push(item);
        }
    }
    for p in periods.iter().filter(|p| p.exact + p.spanning > 0) {
        let _ = write!(
            main,
            r#"<section class="period" id="{}"><h2>{}</h2>"#,
            anchor(p.start, unit),
            esc(&period_name(p.start, unit))
        );
        match by_period.get(&p.start) {
            Some(items) => main.push_str(&rows(site, sorted(items.clone()), "")),
            None => main.push_str(r##"<p class="note">Only items dated more broadly may belong here: see <a href="#broad">below</a>.</p>"##),
        }
        main.push_str("</section>");
    }
    if !broad.is_empty() {
        main.push_str(r#"<section class="period" id="broad"><h2>Dated more broadly</h2>"#);
        main.push_str(&rows(site, sorted(broad), ""));
        main.push_str("</section>");
    }
    if !undated.is_empty() {
        main.push_str(r#"<section class="period" id="undated"><h2>Undated</h2>"#);
        main.push_str(&rows(site, sorted(undated), ""));
        main.push_str("</section>");
    }
    document(frame, "Timeline", "timeline.html", main)
}

/// By date, then title: the order never depends on chance.
fn sorted(mut items: Vec<&Item>) -> Vec<&Item> {
    items.sort_by(|a, b| {
        let key = |i: &Item| i.date.as_ref().map(|d| d.sort_key());
        key(a).cmp(&key(b)).then_with(|| a.title.cmp(&b.title)).then_with(|| a.id.cmp(&b.id))
    });
    items
}

/// A place's id on the page.
fn place_anchor(name: &str) -> String {
    let words = super::words(name).join("-");
    format!("place-{}", if words.is_empty() { "unnamed".to_string() } else { words })
}

/// The map page.
pub fn map_page(site: &Site, frame: &Frame) -> String {
    // Only the places the site may name on its map (`site.places` leaves out withheld ones).
    let mut by_place: BTreeMap<&str, Vec<&Item>> = BTreeMap::new();
    for item in &site.items {
        if let Some(place) = item.place.as_deref().filter(|p| site.places.contains_key(*p)) {
            by_place.entry(place).or_default().push(item);
        }
    }
    let placed: usize = by_place.values().map(Vec::len).sum();
    let mut on_map = Vec::new();
    let mut elsewhere = Vec::new();
    for (name, items) in &by_place {
        match site.places.get(*name).copied().flatten().and_then(|g| albers_usa::project(g.lat, g.lon)) {
            Some(at) => on_map.push((*name, items.len(), at)),
            None => elsewhere.push((*name, items.len())),
        }
    }
    let mut main = format!(
        r#"<div class="page-head"><p class="kicker">{} Browse</p><h1>Map</h1><p class="lead">{} in {}. Each place is shown at its own location — a city, a school — never where a photo was taken.</p></div>"#,
        icon("globe"),
        esc(&plural(placed, "item", "items")),
        esc(&plural(by_place.len(), "place", "places")),
    );
    let mut svg = String::from(
        r#"<svg class="us-map" viewBox="0 0 960 500" role="img" aria-label="Map of the United States with the places of the exhibit's items">"#,
    );
    svg.push_str(US_MAP);
    // The biggest first, so a small place drawn later stays clickable on top of a big one.
    on_map.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (name, count, (x, y)) in &on_map {
        let r = (9.0 + (*count as f64).sqrt() * 2.4).min(24.0);
        let short = name.split(',').next().unwrap_or(name);
        let _ = write!(
            svg,
            r##"<a class="marker" href="#{anchor}"><title>{title}</title><circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}"/><text class="count" x="{x:.1}" y="{ty:.1}">{count}</text><text class="name" x="{nx:.1}" y="{ty:.1}">{short}</text></a>"##,
            anchor = place_anchor(name),
            title = esc(&format!("{name}: {}", plural(*count, "item", "items"))),
            ty = y + 4.0,
            nx = x + r + 4.0,
            short = esc(short),
        );
    }
    svg.push_str("</svg>");
    main.push_str(&svg);
    if !elsewhere.is_empty() {
        main.push_str(r#"<p class="note">Not on this map (outside the United States, or without a location): "#);
        let links: Vec<String> = elsewhere
            .iter()
            .map(|(name, count)| format!(r##"<a href="#{}">{}</a> ({count})"##, place_anchor(name), esc(name)))
            .collect();
        main.push_str(&links.join(", "));
        main.push_str("</p>");
    }
    for (name, items) in &by_place {
        let _ = write!(main, r#"<section class="period" id="{}"><h2>{}</h2>"#, place_anchor(name), esc(name));
        main.push_str(&rows(site, sorted(items.clone()), ""));
        main.push_str("</section>");
    }
    document(frame, "Map", "map.html", main)
}

fn document(frame: &Frame, title: &str, file: &str, main: String) -> String {
    html::document(frame, &Page { root: "", title, current: Some(file), class: "list overview", main, search: false })
}
