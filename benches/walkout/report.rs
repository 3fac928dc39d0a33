//! What a run reports: the machine, the data, every tier's figures with the ratios to the
//! baselines, and the targets marked met or missed. The same figures go to
//! `target/bench/results.json` and, as markdown tables, to stdout.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Value, json};

use crate::data::Pool;

/// What later increments will measure; listed so that the table says so instead of hiding it.
const NOT_MEASURED_YET: [&str; 3] = ["photo import (photos/s, thumbnails)", "article import (pages/s)", "app start"];

fn machine() -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model =
        cpuinfo.lines().find_map(|l| l.strip_prefix("model name")).map(|l| l.trim_start_matches([' ', '\t', ':']));
    let processors = cpuinfo.lines().filter(|l| l.starts_with("processor")).count();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kb: Option<u64> = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.split_whitespace().next()?.parse().ok());
    let os = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("PRETTY_NAME=")).map(|v| v.trim_matches('"').to_string()));
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").ok().map(|s| s.trim().to_string());
    json!({
        "cores": std::thread::available_parallelism().map_or(1, |n| n.get()),
        "processors_in_cpuinfo": processors,
        "cpu_model": model,
        "mem_total_kb": mem_kb,
        "os": os,
        "kernel": kernel,
    })
}

fn git() -> Value {
    let dir = env!("CARGO_MANIFEST_DIR");
    let run = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    json!({
        "commit": run(&["rev-parse", "--short", "HEAD"]),
        "uncommitted_changes": run(&["status", "--porcelain"]).map(|s| !s.is_empty()),
    })
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// Adds the ratios a reader compares by to a tier's figures.
fn add_ratios(tier: &mut Value) {
    let ratios = |row: &Value| {
        json!({
            "fts5_over_ours_p50": f(&row["fts5"]["p50_us"]) / f(&row["ours"]["p50_us"]),
            "fts5_over_ours_p99": f(&row["fts5"]["p99_us"]) / f(&row["ours"]["p99_us"]),
            "ours_over_bare_p50": f(&row["ours"]["p50_us"]) / f(&row["bare"]["p50_us"]),
            "ours_over_bare_p99": f(&row["ours"]["p99_us"]) / f(&row["bare"]["p99_us"]),
            "ours_over_bare_snippets_p50": f(&row["ours"]["p50_us"]) / f(&row["bare_snippets"]["p50_us"]),
            "ours_over_bare_snippets_p99": f(&row["ours"]["p99_us"]) / f(&row["bare_snippets"]["p99_us"]),
        })
    };
    if let Some(queries) = tier["search"]["queries"].as_array_mut() {
        for q in queries {
            q["ratios"] = ratios(q);
        }
    }
    tier["search"]["mix"]["ratios"] = ratios(&tier["search"]["mix"]);
    tier["import_ours_over_fts5"] =
        json!(f(&tier["import_ours"]["per_second"]) / f(&tier["import_fts5"]["per_second"]));
    tier["reindex_ours_over_bare"] = json!(f(&tier["reindex_ours"]["seconds"]) / f(&tier["reindex_bare"]["seconds"]));
}

/// The targets, judged on the largest tier run (they are stated for 1M).
fn targets(tiers: &[Value]) -> Vec<Value> {
    let Some(big) = tiers.iter().max_by_key(|t| t["items"].as_u64()) else { return Vec::new() };
    let at = format!("at {}", big["name"].as_str().unwrap_or("?"));
    let mix = &big["search"]["mix"];
    let target = |name: &str, figure: f64, shown: String, met: bool| json!({ "target": name, "figure": figure, "shown": shown, "met": met });
    let mut out = vec![
        {
            let r = f(&mix["ratios"]["fts5_over_ours_p50"]);
            target("search p50 ≥ 10× faster than FTS5 at 1M", r, format!("{r:.1}× {at}"), r >= 10.0)
        },
        {
            let r = f(&mix["ratios"]["fts5_over_ours_p99"]);
            target("search p99 ≥ 20× faster than FTS5 at 1M", r, format!("{r:.1}× {at}"), r >= 20.0)
        },
        {
            let r = &mix["ratios"];
            let (p50, p99) = (f(&r["ours_over_bare_snippets_p50"]), f(&r["ours_over_bare_snippets_p99"]));
            let shown = format!(
                "p50 {p50:.1}×, p99 {p99:.1}× bare + snippets {at} (bare top-20 alone: p50 {:.0}×, p99 {:.0}×)",
                f(&r["ours_over_bare_p50"]),
                f(&r["ours_over_bare_p99"])
            );
            target("search within 2× of bare Tantivy with snippets", p50, shown, p50 <= 2.0 && p99 <= 2.0)
        },
    ];
    let small = tiers.iter().min_by_key(|t| t["items"].as_u64()).expect("a tier");
    if small["items"] != big["items"] {
        let r = f(&mix["ours"]["p99_us"]) / f(&small["search"]["mix"]["ours"]["p99_us"]);
        let shown =
            format!("{r:.1}× ({} vs {})", big["name"].as_str().unwrap_or("?"), small["name"].as_str().unwrap_or("?"));
        out.push(target("search p99 at 1M ≤ 5× p99 at 10k", r, shown, r <= 5.0));
    }
    let import_ratio = f(&big["import_ours_over_fts5"]);
    out.push(target("import ≥ 2× FTS5", import_ratio, format!("{import_ratio:.2}× {at}"), import_ratio >= 2.0));
    let rate = f(&big["import_ours"]["per_second"]);
    out.push(target(
        "import ≥ 50,000 quotes/s (both cores)",
        rate,
        format!("{} /s {at}", thousands(rate)),
        rate >= 50_000.0,
    ));
    if let Some(all) = big["spread"]["queries"].as_array().and_then(|q| q.first()) {
        let (p50, ratio) = (f(&all["ours"]["p50_us"]) / 1000.0, f(&all["ratio_p50"]));
        out.push(target(
            "timeline + map of every item ≤ 100 ms and faster than FTS5",
            p50,
            format!("p50 {p50:.1} ms, {ratio:.1}× FTS5 {at}"),
            p50 <= 100.0 && ratio > 1.0,
        ));
    }
    let reindex = f(&big["reindex_ours_over_bare"]);
    out.push(target("reindex ≤ 1.5× bare Tantivy time", reindex, format!("{reindex:.2}× {at}"), reindex <= 1.5));
    out
}

/// The 1, 5 and 15 minute load averages: other work on the machine skews every figure.
pub fn load_average() -> Option<String> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    Some(text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}

/// How the run went, besides its figures.
pub struct Run<'a> {
    pub corpus: Option<&'a Path>,
    pub seed: u64,
    pub seconds: f64,
    pub load_before: Option<String>,
}

pub fn assemble(pool: &Pool, mut tiers: Vec<Value>, run: &Run<'_>) -> Value {
    for tier in &mut tiers {
        add_ratios(tier);
    }
    json!({
        "machine": machine(),
        "run": {
            "finished_at": chrono::Utc::now().to_rfc3339(),
            "git": git(),
            "corpus": run.corpus,
            "data": pool.to_json(),
            "data_description": pool.describe(),
            "seed": run.seed,
            "total_seconds": run.seconds,
            "load_average_before": run.load_before,
            "load_average_after": load_average(),
            "profile": "bench (release)",
        },
        "targets": targets(&tiers),
        "tiers": tiers,
        "not_measured_yet": NOT_MEASURED_YET,
    })
}

fn thousands(v: f64) -> String {
    let n = v.round() as u64;
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn latency(us: &Value) -> String {
    let us = f(us);
    if us < 1_000.0 { format!("{us:.0} µs") } else { format!("{:.2} ms", us / 1_000.0) }
}

fn ratio(v: &Value) -> String {
    format!("{:.1}×", f(v))
}

fn mib(kb: &Value) -> String {
    kb.as_u64().map_or("?".to_string(), |kb| format!("{} MiB", kb / 1024))
}

pub fn markdown(results: &Value) -> String {
    let mut md = String::new();
    let m = &results["machine"];
    let _ = writeln!(
        md,
        "Machine: {} cores, {}, {} RAM, {}; load average (1, 5, 15 min) {} before, {} after. Data: {}. \
         Commit {}{}.\n",
        m["cores"],
        m["cpu_model"].as_str().unwrap_or("unknown CPU"),
        mib(&m["mem_total_kb"]),
        m["os"].as_str().unwrap_or("unknown OS"),
        results["run"]["load_average_before"].as_str().unwrap_or("?"),
        results["run"]["load_average_after"].as_str().unwrap_or("?"),
        results["run"]["data_description"].as_str().unwrap_or(""),
        results["run"]["git"]["commit"].as_str().unwrap_or("?"),
        if results["run"]["git"]["uncommitted_changes"] == json!(true) { " with uncommitted changes" } else { "" },
    );
    for tier in results["tiers"].as_array().into_iter().flatten() {
        let items = thousands(f(&tier["items"]));
        let _ = writeln!(md, "### Tier {} ({items} quotes)\n", tier["name"].as_str().unwrap_or("?"));
        md.push_str(
            "Search, limit 20, one thread, warm. Latency p50 / p99. Ratios above 1× mean ours is faster for \
             FTS5/ours and slower for ours/bare. Matches: how many items each engine finds (ours / FTS5 / bare).\n\n",
        );
        md.push_str(
            "| query | ours p50 | ours p99 | FTS5 p50 | FTS5 p99 | bare p50 | bare p99 | bare+snippets p50 | \
             bare+snippets p99 | FTS5/ours p50 | FTS5/ours p99 | ours/bare p50 | ours/(bare+snippets) p50 | matches |\n",
        );
        md.push_str("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        let search = &tier["search"];
        let mut rows: Vec<(String, &Value)> = vec![("**mix (all 7, equal weight)**".to_string(), &search["mix"])];
        for q in search["queries"].as_array().into_iter().flatten() {
            let mut label = format!("{}: `{}`", q["name"].as_str().unwrap_or(""), q["typed"].as_str().unwrap_or(""));
            if let Some(dates) = q["dates"].as_str() {
                let _ = write!(label, " {dates}");
            }
            rows.push((label, q));
        }
        for (label, row) in rows {
            let matches = if row["ours"]["matches"].is_null() {
                String::new()
            } else {
                format!("{} / {} / {}", row["ours"]["matches"], row["fts5"]["matches"], row["bare"]["matches"])
            };
            let _ = writeln!(
                md,
                "| {label} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {matches} |",
                latency(&row["ours"]["p50_us"]),
                latency(&row["ours"]["p99_us"]),
                latency(&row["fts5"]["p50_us"]),
                latency(&row["fts5"]["p99_us"]),
                latency(&row["bare"]["p50_us"]),
                latency(&row["bare"]["p99_us"]),
                latency(&row["bare_snippets"]["p50_us"]),
                latency(&row["bare_snippets"]["p99_us"]),
                ratio(&row["ratios"]["fts5_over_ours_p50"]),
                ratio(&row["ratios"]["fts5_over_ours_p99"]),
                ratio(&row["ratios"]["ours_over_bare_p50"]),
                ratio(&row["ratios"]["ours_over_bare_snippets_p50"]),
            );
        }
        let mix = &search["mix"];
        let _ = writeln!(
            md,
            "\nQueries/s over the mix, one thread: ours {}, FTS5 {}, bare {}, bare + snippets {}.",
            thousands(f(&mix["ours"]["qps"])),
            thousands(f(&mix["fts5"]["qps"])),
            thousands(f(&mix["bare"]["qps"])),
            thousands(f(&mix["bare_snippets"]["qps"])),
        );
        let every = &mix["ours_facets_every_query"];
        if !every.is_null() {
            let _ = writeln!(
                md,
                "\nOurs with the six facets counted on every query (a new search in the app; the table's \
                 ours counts them in the filtered query, as FTS5 does): mix p50 {}, p99 {}; FTS5/ours {} \
                 at p50, {} at p99.",
                latency(&every["p50_us"]),
                latency(&every["p99_us"]),
                ratio(&json!(f(&mix["fts5"]["p50_us"]) / f(&every["p50_us"]))),
                ratio(&json!(f(&mix["fts5"]["p99_us"]) / f(&every["p99_us"]))),
            );
        }
        md.push('\n');
        md.push_str(
            "| measure | ours | baseline | ours vs baseline | peak RSS ours / baseline |\n|---|--:|--:|--:|--:|\n",
        );
        let (io, ifts) = (&tier["import_ours"], &tier["import_fts5"]);
        let _ = writeln!(
            md,
            "| import quotes/s (ours: `import_paths` on JSONL; FTS5: insert in one transaction) | {} ({:.1} s, {:.0} CPU-s) | FTS5 {} ({:.1} s) | {:.2}× | {} / {} |",
            thousands(f(&io["per_second"])),
            f(&io["seconds"]),
            f(&io["cpu_seconds"]),
            thousands(f(&ifts["per_second"])),
            f(&ifts["seconds"]),
            f(&tier["import_ours_over_fts5"]),
            mib(&io["peak_rss_kb"]),
            mib(&ifts["peak_rss_kb"]),
        );
        let (ro, rb) = (&tier["reindex_ours"], &tier["reindex_bare"]);
        let _ = writeln!(
            md,
            "| reindex seconds (ours: `Archive::reindex`; bare: 1 thread, English stems, merged) | {:.2} s ({:.0} CPU-s) | bare Tantivy {:.2} s | {:.2}× the time | {} / {} |",
            f(&ro["seconds"]),
            f(&ro["cpu_seconds"]),
            f(&rb["seconds"]),
            f(&tier["reindex_ours_over_bare"]),
            mib(&ro["peak_rss_kb"]),
            mib(&rb["peak_rss_kb"]),
        );
        let unlock = &tier["unlock_encrypted"];
        if unlock.is_object() {
            let _ = writeln!(
                md,
                "| unlock an encrypted archive (passphrase → first search answered; index rebuilt in memory) | {:.2} s | | | {} |",
                f(&unlock["seconds"]),
                mib(&unlock["peak_rss_kb"]),
            );
        }
        let _ = writeln!(md, "| search phase (all four engines open) | | | | {} |", mib(&search["peak_rss_kb"]));
        let disk = &tier["disk_bytes"];
        if !disk.is_null() {
            let mb = |v: &Value| format!("{:.0} MiB", f(v) / 1_048_576.0);
            let _ = writeln!(
                md,
                "| on disk (ours: database + index; FTS5: its database; the JSON Lines file {}) | {} + {} | FTS5 {} | | |",
                mb(&disk["quotes_file"]),
                mb(&disk["archive_database"]),
                mb(&disk["archive_index"]),
                mb(&disk["fts5"]),
            );
        }
        for what in NOT_MEASURED_YET {
            let _ =
                writeln!(md, "| {what} | not measured by this harness: `scripts/bench_all.sh` runs it after | | | |");
        }
        md.push('\n');
        if let Some(queries) = tier["spread"]["queries"].as_array() {
            md.push_str(
                "\nTimeline and map (`Archive::spread`: matches per month and per place, one pass) against FTS5 \
                 reading the same matches' dates and places and counting them the same way:\n\n\
                 | query | ours p50 | ours p99 | FTS5 p50 | FTS5 p99 | FTS5/ours p50 | months | places | matches |\n\
                 |---|--:|--:|--:|--:|--:|--:|--:|--:|\n",
            );
            for q in queries {
                let _ = writeln!(
                    md,
                    "| {}: `{}` | {} | {} | {} | {} | {} | {} | {} | {} |",
                    q["name"].as_str().unwrap_or(""),
                    q["typed"].as_str().unwrap_or(""),
                    latency(&q["ours"]["p50_us"]),
                    latency(&q["ours"]["p99_us"]),
                    latency(&q["fts5"]["p50_us"]),
                    latency(&q["fts5"]["p99_us"]),
                    ratio(&q["ratio_p50"]),
                    q["periods"],
                    q["places"],
                    q["ours"]["matches"],
                );
            }
            md.push('\n');
        }
    }
    md.push_str("### Targets (issue 8; stated for the 1M tier, judged on the largest tier run)\n\n| target | figure | met |\n|---|---|---|\n");
    for t in results["targets"].as_array().into_iter().flatten() {
        let met = if t["met"] == json!(true) { "yes" } else { "**no**" };
        let _ =
            writeln!(md, "| {} | {} | {met} |", t["target"].as_str().unwrap_or(""), t["shown"].as_str().unwrap_or(""));
    }
    md
}
