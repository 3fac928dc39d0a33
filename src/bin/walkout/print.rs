//! What the commands print: reports, search hits and items, as text or JSON.

use std::io::IsTerminal;
use std::path::Path;

use crate::cli::{FilterArgs, SearchArgs, TimelineArgs};
use crate::open::open_reader;
use anyhow::{Context, bail};
use serde_json::json;
use walkout::export::{self};
use walkout::fixity::CleanReport;
use walkout::{Item, ItemDetails, ItemKind, SearchRequest, SortOrder};

pub fn print_verify_report(report: &walkout::fixity::VerifyReport, removed: Option<&CleanReport>, read_only: bool) {
    println!(
        "checked {}, ok {}, mismatched {}, missing {}",
        report.checked,
        report.ok,
        report.mismatched.len(),
        report.missing.len()
    );
    for p in &report.mismatched {
        eprintln!("changed: item {} ({})", p.id, p.path);
    }
    for p in &report.missing {
        eprintln!("missing: item {} ({})", p.id, p.path);
    }
    match removed {
        Some(removed) => println!(
            "removed {} stored files nothing pointed to and {} stale thumbnails",
            removed.files.len(),
            removed.thumbnails
        ),
        None if !report.unreferenced.is_empty() => println!(
            "{} stored files nothing points to (left by an interrupted import or deleted items); `walkout verify --clean` removes them",
            report.unreferenced.len()
        ),
        None => {}
    }
    if !report.index_agrees() {
        let why = if read_only { " (another process is writing: it may be a moment behind)" } else { "" };
        eprintln!(
            "search index: {} items missing, {} documents too many{why}; `walkout reindex` rebuilds it",
            report.index_missing.len(),
            report.index_extra.len()
        );
    }
}

pub fn print_export_report(report: &export::ExportReport, out: &Path) {
    println!("exported {} items and {} files to {}", report.exported, report.files, out.display());
    if report.originals {
        println!(
            "photo files are the untouched ORIGINALS, with their camera metadata (EXIF, GPS position, camera serial) \
             and without redactions: keep this export private"
        );
    }
    if report.left_out.is_empty() {
        return;
    }
    let count = |reason: &str| report.left_out.iter().filter(|l| l.reason == reason).count();
    let (restricted, private) = (count("restricted"), count("private"));
    // A photo that cannot be cleaned is left out too, for a reason that is not privacy.
    let unclean = report.left_out.iter().filter(|l| l.reason.contains("cannot be cleaned")).count();
    let others = if unclean > 0 { format!(", {unclean} whose photo cannot be cleaned") } else { String::new() };
    println!(
        "left out {} items ({restricted} restricted, {private} private{others}; use --include-restricted for restricted ones)",
        report.left_out.len()
    );
    for left in &report.left_out {
        println!("    left out {}: {}", left.id, left.reason);
    }
}

/// `walkout search`: the hits as lines, or the results as JSON with `--json`.
/// The request a search's words and filters make.
fn request_for(args: FilterArgs) -> anyhow::Result<SearchRequest> {
    Ok(SearchRequest {
        query: args.query,
        kinds: args.kind.iter().map(|k| ItemKind::parse(k)).collect::<Result<_, _>>()?,
        tags: args.tag,
        collection: args.collection,
        speaker: args.speaker,
        place: args.place,
        event: args.event,
        custom: args
            .fields
            .iter()
            .map(|f| match f.split_once('=') {
                Some((k, v)) => Ok((k.trim().to_string(), v.trim().to_string())),
                None => bail!("--field {f:?}: write KEY=VALUE"),
            })
            .collect::<anyhow::Result<_>>()?,
        year: args.year,
        from: args.from.map(|d| d.parse()).transpose().context("--from")?,
        to: args.to.map(|d| d.parse()).transpose().context("--to")?,
        ..SearchRequest::default()
    })
}

/// `walkout timeline`: items per period, as JSON or as a bar per period (`#` exact dates, `~`
/// dates that span more than the period).
pub fn timeline(dir: &Path, args: TimelineArgs) -> anyhow::Result<()> {
    use walkout::timeline::TimeUnit;
    let archive = open_reader(dir)?;
    let unit = match args.unit.as_str() {
        "day" => TimeUnit::Day,
        "week" => TimeUnit::Week,
        "month" => TimeUnit::Month,
        "year" => TimeUnit::Year,
        other => bail!("--unit {other:?}: use day, week, month or year"),
    };
    let timeline = archive.timeline(&request_for(args.filters)?, unit)?;
    if args.json {
        println!("{}", serde_json::to_string(&timeline)?);
        return Ok(());
    }
    let widest = timeline.periods.iter().map(|p| p.exact + p.spanning).max().unwrap_or(0).max(1);
    for p in &timeline.periods {
        let scale = |n: u64| ((n * 50).div_ceil(widest)) as usize;
        println!(
            "{}  {:>6} exact {:>6} spanning  {}{}",
            p.start,
            p.exact,
            p.spanning,
            "#".repeat(scale(p.exact)),
            "~".repeat(scale(p.spanning))
        );
    }
    println!("{} dated, {} undated", timeline.dated, timeline.undated);
    Ok(())
}

/// `walkout map`: items per place, as JSON or a line per place (its coordinates, or "—").
pub fn map(dir: &Path, filters: FilterArgs, public: bool, json: bool) -> anyhow::Result<()> {
    let archive = open_reader(dir)?;
    let request = request_for(filters)?;
    let unit = walkout::timeline::TimeUnit::Year;
    let spread = if public { archive.room_spread(&request, unit)? } else { archive.spread(&request, unit)? };
    if json {
        let out = json!({ "places": spread.places, "unplaced": spread.unplaced, "photos": spread.photos });
        println!("{}", serde_json::to_string(&out)?);
        return Ok(());
    }
    for place in &spread.places {
        let at = place.gps.map_or("—".to_string(), |g| format!("{:.4}, {:.4}", g.lat, g.lon));
        println!("{:>6}  {}  ({at})", place.items, place.name);
    }
    println!("{} with no place", spread.unplaced);
    let photos: u64 = spread.photos.iter().map(|c| c.items).sum();
    if photos > 0 {
        println!("{photos} photos with GPS, in {} spots", spread.photos.len());
    }
    Ok(())
}

pub fn search(dir: &Path, args: SearchArgs) -> anyhow::Result<()> {
    let archive = open_reader(dir)?;
    let sort = match args.sort.as_str() {
        "relevance" => SortOrder::Relevance,
        "date" | "date-desc" => SortOrder::DateDesc,
        "date-asc" => SortOrder::DateAsc,
        "title" => SortOrder::Title,
        "added" => SortOrder::Added,
        other => bail!("--sort {other:?}: use relevance, date, date-asc, title or added"),
    };
    let request = SearchRequest { sort, offset: args.offset, limit: args.limit, ..request_for(args.filters)? };
    let results = archive.search(&request)?;
    if args.json {
        let hits: Vec<_> = results
            .hits
            .iter()
            .map(|h| {
                json!({
                    "id": h.id, "kind": h.kind, "title": h.title, "snippet": h.snippet, "date": h.date,
                    "score": h.score, "snippet_field": h.snippet_field, "byline": h.byline, "place": h.place,
                    "sensitivity": h.sensitivity,
                })
            })
            .collect();
        let out =
            json!({ "total": results.total, "hits": hits, "facets": results.facets, "corrected": results.corrected });
        println!("{out}");
        return Ok(());
    }
    let color = std::io::stdout().is_terminal();
    println!("{} results", results.total);
    for hit in &results.hits {
        let date = hit.date.as_ref().map(|d| d.to_string()).unwrap_or_else(|| "—".to_string());
        let by = hit.byline.as_deref().map(|b| format!(" · {b}")).unwrap_or_default();
        println!("{}  {:<7} {:<12} {}{}", hit.id, hit.kind.as_str(), date, hit.title, by);
        println!("    {}", render_marks(&hit.snippet, color));
    }
    if !results.corrected.is_empty() {
        for c in &results.corrected {
            println!("(no \"{}\" in the archive; searched {} instead)", c.word, c.nearest.join(", "));
        }
    }
    Ok(())
}

/// Terminal rendering of a snippet: marks in bold when printing to a terminal.
pub fn render_marks(html: &str, color: bool) -> String {
    let (on, off) = if color { ("\x1b[1;33m", "\x1b[0m") } else { ("", "") };
    html.replace("<mark>", on)
        .replace("</mark>", off)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

pub fn print_item(item: &Item) -> anyhow::Result<()> {
    let value = serde_json::to_value(item)?;
    let Some(map) = value.as_object() else { return Ok(()) };
    println!("{} {}", item.kind().as_str().to_uppercase(), item.id);
    let rule = match &item.details {
        ItemDetails::Article(a) => a.date_rule,
        _ => None,
    };
    if let Some(date) = &item.date {
        match rule {
            Some(rule) => println!("{:>12}: {} ({}; found in {})", "date", date, date.describe(), rule.describe()),
            None => println!("{:>12}: {} ({})", "date", date, date.describe()),
        }
    }
    for (key, v) in map {
        let shown = matches!(key.as_str(), "id" | "kind" | "date" | "date_rule");
        if shown || v.is_null() || v.as_array().is_some_and(|a| a.is_empty()) {
            continue;
        }
        let text = match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Array(a) => {
                a.iter().map(|x| x.as_str().map_or_else(|| x.to_string(), String::from)).collect::<Vec<_>>().join(", ")
            }
            other => other.to_string(),
        };
        println!("{key:>12}: {text}");
    }
    Ok(())
}
