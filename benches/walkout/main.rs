//! `cargo bench --bench walkout`: the engine against the baselines a user could have picked
//! instead, measured in the same run on the same data, so a figure never stands alone.
//!
//! - search: `Archive::search` (the app's whole path: snippets, facets, hydration from SQLite)
//!   against SQLite FTS5 (bm25, `snippet()`) and against bare Tantivy top-20 on our own index;
//! - import: `Archive::import_paths` on a JSON Lines file against inserting the same rows into
//!   an FTS5 table in one transaction;
//! - reindex: `Archive::reindex` against bare Tantivy indexing the same texts;
//! - spread: `Archive::spread` (the timeline's and the map's counts) against FTS5 reading the
//!   same matches' dates and places.
//!
//! Import and reindex run in child processes (this binary again, with `--phase`), so each
//! phase's peak memory (VmHWM) is its own and a phase can be profiled alone.
//!
//! ```text
//! cargo bench --bench walkout -- [--tier 10k,100k,1m] [--corpus DIR] [--search-seconds S] [--keep]
//! ```
//! `WALKOUT_BENCH_TIERS` and `WALKOUT_CORPUS` do the same as `--tier` and `--corpus`.

mod data;
mod phases;
mod report;
mod search;
mod spread;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::{Value, json};

/// Marks the one line of a child's stdout that holds its result.
const RESULT_MARK: &str = "WALKOUT-BENCH-RESULT ";
const DEFAULT_TIERS: &str = "10k,100k";
const SEED: u64 = 0x5EED_2026;

struct Options {
    tiers: Vec<(String, usize)>,
    corpus: Option<PathBuf>,
    search_seconds: f64,
    keep: bool,
    phase: Option<String>,
    work: Option<PathBuf>,
}

fn main() {
    let options = match parse_args(std::env::args().skip(1).collect()) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("walkout bench: {message}");
            std::process::exit(2);
        }
    };
    if let Some(phase) = &options.phase {
        let work = options.work.clone().expect("--phase needs --work");
        let result = phases::run(phase, &work, options.search_seconds).unwrap_or_else(|e| {
            eprintln!("walkout bench: phase {phase} failed: {e}");
            std::process::exit(1);
        });
        println!("{RESULT_MARK}{result}");
        return;
    }
    if let Err(e) = run_all(&options) {
        eprintln!("walkout bench: {e}");
        std::process::exit(1);
    }
}

fn parse_args(args: Vec<String>) -> Result<Options, String> {
    let mut tiers = std::env::var("WALKOUT_BENCH_TIERS").unwrap_or_else(|_| DEFAULT_TIERS.to_string());
    let mut corpus = std::env::var_os("WALKOUT_CORPUS").filter(|v| !v.is_empty()).map(PathBuf::from);
    let mut options =
        Options { tiers: Vec::new(), corpus: None, search_seconds: 2.0, keep: false, phase: None, work: None };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            // `cargo bench` passes `--bench` to every bench binary.
            "--bench" => {}
            "--tier" | "--tiers" => tiers = value(&arg)?,
            "--corpus" => corpus = Some(PathBuf::from(value(&arg)?)),
            "--search-seconds" => {
                options.search_seconds = value(&arg)?.parse().map_err(|_| "--search-seconds takes seconds")?
            }
            "--keep" => options.keep = true,
            "--phase" => options.phase = Some(value(&arg)?),
            "--work" => options.work = Some(PathBuf::from(value(&arg)?)),
            other => return Err(format!("unknown argument {other:?} (see benches/walkout/main.rs)")),
        }
    }
    options.tiers =
        tiers.split(',').map(str::trim).filter(|t| !t.is_empty()).map(parse_tier).collect::<Result<_, _>>()?;
    options.corpus = corpus;
    Ok(options)
}

/// `10k` → 10,000; `1m` → 1,000,000; a plain number as it is.
fn parse_tier(name: &str) -> Result<(String, usize), String> {
    let lower = name.to_lowercase();
    let (digits, scale) = match lower.strip_suffix('k') {
        Some(d) => (d, 1_000),
        None => match lower.strip_suffix('m') {
            Some(d) => (d, 1_000_000),
            None => (lower.as_str(), 1),
        },
    };
    let n: usize = digits.parse().map_err(|_| format!("{name:?} is not a tier size (10k, 100k, 1m or a number)"))?;
    if n * scale == 0 {
        return Err("a tier needs at least one item".to_string());
    }
    Ok((lower, n * scale))
}

/// Where results and scratch archives go: `<target>/bench`.
fn bench_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| {
        // This binary is `<target>/release/deps/walkout-<hash>`.
        let exe = std::env::current_exe().expect("own path");
        exe.ancestors().nth(3).map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("target"))
    });
    target.join("bench")
}

fn run_all(options: &Options) -> Result<(), String> {
    let started = Instant::now();
    let load_before = report::load_average();
    let bench = bench_dir();
    let pool = match &options.corpus {
        Some(dir) => data::load_corpus(dir)?,
        None => data::generate(SEED),
    };
    eprintln!("walkout bench: {} base quotes ({})", pool.quotes.len(), pool.describe());
    let mut tiers = Vec::new();
    for (name, items) in &options.tiers {
        let work = bench.join("work").join(name);
        let _ = std::fs::remove_dir_all(&work);
        std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
        let tier_started = Instant::now();
        eprintln!("walkout bench: tier {name}: writing {items} quotes");
        let file = data::write_tier(&pool, *items, SEED, &work.join(phases::QUOTES_FILE))?;
        let mut tier = json!({ "name": name, "items": items, "data_file_bytes": file.bytes });
        for phase in phases::ORDER {
            eprintln!("walkout bench: tier {name}: {phase}");
            tier[phase] = run_child(phase, &work, options.search_seconds)?;
        }
        tier["wall_seconds"] = json!(tier_started.elapsed().as_secs_f64());
        // What each engine keeps on disk for this tier (after the reindex merged the index).
        let archive = work.join(phases::ARCHIVE_DIR);
        tier["disk_bytes"] = json!({
            "archive_database": dir_size(&archive) - dir_size(&archive.join("index")),
            "archive_index": dir_size(&archive.join("index")),
            "fts5": dir_size(&work.join(phases::FTS5_DB)),
            "quotes_file": file.bytes,
        });
        if !options.keep {
            let _ = std::fs::remove_dir_all(&work);
        }
        tiers.push(tier);
    }
    let run = report::Run {
        corpus: options.corpus.as_deref(),
        seed: SEED,
        seconds: started.elapsed().as_secs_f64(),
        load_before,
    };
    let results = report::assemble(&pool, tiers, &run);
    let json_path = bench.join("results.json");
    std::fs::create_dir_all(&bench).map_err(|e| e.to_string())?;
    let text = serde_json::to_string_pretty(&results).expect("results serialize");
    std::fs::write(&json_path, text + "\n").map_err(|e| format!("{}: {e}", json_path.display()))?;
    println!("{}", report::markdown(&results));
    eprintln!("walkout bench: wrote {}", json_path.display());
    Ok(())
}

/// Bytes of a file, or of every file under a folder.
fn dir_size(path: &Path) -> u64 {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => m.len(),
        Ok(m) if m.is_dir() => {
            std::fs::read_dir(path).map(|entries| entries.flatten().map(|e| dir_size(&e.path())).sum()).unwrap_or(0)
        }
        _ => 0,
    }
}

/// Runs one phase in a child process and returns its result.
fn run_child(phase: &str, work: &Path, search_seconds: f64) -> Result<Value, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let output = Command::new(exe)
        .args(["--phase", phase, "--work"])
        .arg(work)
        .args(["--search-seconds", &search_seconds.to_string()])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot start phase {phase}: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().find_map(|l| l.strip_prefix(RESULT_MARK));
    match (output.status.success(), line) {
        (true, Some(line)) => serde_json::from_str(line).map_err(|e| format!("phase {phase}: unreadable result: {e}")),
        _ => Err(format!("phase {phase} failed ({})", output.status)),
    }
}
