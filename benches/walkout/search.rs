//! The search phase: one fixed set of queries, each run single-threaded and warm (after a
//! warm-up) on three engines over the same quotes:
//!
//! - ours: `Archive::search` with limit 20, the path the app and the CLI take: parsing, the
//!   Tantivy query over the text field (folded words and stems), the total, hydration of every
//!   hit from SQLite and a highlighted snippet; with the date filter also the six facets (the
//!   app asks for them on a new search, not while paging), as FTS5 computes them then;
//! - FTS5: `MATCH … ORDER BY rank LIMIT 20` with `snippet()` (bm25), through rusqlite in this
//!   process; with the date filter it also counts the matches and computes the facets in one
//!   pass, since that query asks for them;
//! - bare: Tantivy `TopDocs` top-20 on the archive's own index, opened separately, with the
//!   simplest query for the same words' folded forms on its `text` field;
//! - bare + snippets: the same query and top 20 plus what a result list needs, each hit's stored
//!   text and Tantivy's own highlighted snippet. The archive's index stores no text, so this one
//!   runs on an index of the same texts built (untimed) before the measurements.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};
use serde_json::{Value, json};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};
use tantivy::{Index, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};
use walkout::{Archive, SearchRequest};

use crate::data::Row;
use crate::phases::{ARCHIVE_DIR, FTS5_DB, QUOTES_FILE, day_range};

/// The simplest Tantivy query for the same words.
#[derive(Clone, Copy)]
enum Bare {
    Term(&'static str),
    And(&'static [&'static str]),
    Or(&'static [&'static str]),
    Phrase(&'static [&'static str]),
    Prefix(&'static str),
    Fuzzy(&'static str, u8),
}

struct QuerySpec {
    name: &'static str,
    /// What the search box holds (ours).
    typed: &'static str,
    /// The FTS5 MATCH expression.
    fts5: &'static str,
    bare: Bare,
    /// A date filter (EDTF from, to); with it FTS5 also computes the total and the facets.
    dates: Option<(&'static str, &'static str)>,
}

const QUERIES: [QuerySpec; 7] = [
    QuerySpec { name: "one word", typed: "love", fts5: "love", bare: Bare::Term("love"), dates: None },
    QuerySpec {
        name: "two words, AND",
        typed: "love life",
        fts5: "love life",
        bare: Bare::And(&["love", "life"]),
        dates: None,
    },
    QuerySpec {
        name: "two words, OR",
        typed: "love OR amor",
        fts5: "love OR amor",
        bare: Bare::Or(&["love", "amor"]),
        dates: None,
    },
    QuerySpec {
        name: "phrase",
        typed: "\"the world\"",
        fts5: "\"the world\"",
        bare: Bare::Phrase(&["the", "world"]),
        dates: None,
    },
    QuerySpec { name: "prefix while typing", typed: "educa", fts5: "educa*", bare: Bare::Prefix("educa"), dates: None },
    QuerySpec { name: "typo", typed: "goverment", fts5: "goverment", bare: Bare::Fuzzy("goverment", 2), dates: None },
    QuerySpec {
        name: "word + date filter + facets",
        typed: "life",
        fts5: "life",
        bare: Bare::Term("life"),
        dates: Some(("2026-01-15", "2026-02-15")),
    },
];

/// Latency samples of one query on one engine, in microseconds.
#[derive(Clone)]
pub(crate) struct Samples {
    micros: Vec<f64>,
    hits: usize,
    /// This thread's CPU time over the timed runs, per run: unlike the latencies, it does not
    /// grow when other processes take the cores (the machine is shared).
    cpu_micros_per_run: f64,
}

/// CPU time this thread has used, in microseconds.
fn thread_cpu_micros() -> f64 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `t` is a valid timespec for the call to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 * 1e6 + t.tv_nsec as f64 / 1e3
}

/// Runs `query` until warm, then for `budget` (at least `MIN_SAMPLES` times).
pub(crate) fn measure(budget: Duration, query: &mut dyn FnMut() -> Result<usize, String>) -> Result<Samples, String> {
    const MIN_SAMPLES: usize = 100;
    const MAX_SAMPLES: usize = 5_000;
    let warm_until = Instant::now() + budget / 5;
    let mut warm_runs = 0;
    while warm_runs < 5 || (Instant::now() < warm_until && warm_runs < 200) {
        query()?;
        warm_runs += 1;
    }
    let mut micros = Vec::new();
    let mut hits = 0;
    let cpu_started = thread_cpu_micros();
    let started = Instant::now();
    while micros.len() < MIN_SAMPLES || (started.elapsed() < budget && micros.len() < MAX_SAMPLES) {
        let t = Instant::now();
        hits = query()?;
        micros.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let cpu_micros_per_run = (thread_cpu_micros() - cpu_started) / micros.len() as f64;
    Ok(Samples { micros, hits, cpu_micros_per_run })
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

pub(crate) fn summary(samples: &Samples, matches: u64) -> Value {
    let mut sorted = samples.micros.clone();
    sorted.sort_by(f64::total_cmp);
    let mean = sorted.iter().sum::<f64>() / sorted.len() as f64;
    json!({
        "p50_us": percentile(&sorted, 0.50),
        "p99_us": percentile(&sorted, 0.99),
        "mean_us": mean,
        "qps": 1e6 / mean,
        "samples": sorted.len(),
        "cpu_us_per_query": samples.cpu_micros_per_run,
        "hits": samples.hits,
        "matches": matches,
    })
}

/// The query mix with every query weighted equally, however many samples each has: the
/// percentiles of the pooled latencies, and queries/s running the mix round-robin.
fn mix(per_query: &[&Samples]) -> Value {
    let mut pooled: Vec<(f64, f64)> = Vec::new();
    for s in per_query {
        let weight = 1.0 / s.micros.len() as f64;
        pooled.extend(s.micros.iter().map(|&m| (m, weight)));
    }
    pooled.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = pooled.iter().map(|p| p.1).sum();
    let at = |p: f64| {
        let mut sum = 0.0;
        for &(m, w) in &pooled {
            sum += w;
            if sum >= p * total - 1e-9 {
                return m;
            }
        }
        pooled.last().map_or(0.0, |p| p.0)
    };
    let mean_of_means: f64 =
        per_query.iter().map(|s| s.micros.iter().sum::<f64>() / s.micros.len() as f64).sum::<f64>()
            / per_query.len() as f64;
    let cpu = per_query.iter().map(|s| s.cpu_micros_per_run).sum::<f64>() / per_query.len() as f64;
    json!({
        "p50_us": at(0.50),
        "p99_us": at(0.99),
        "mean_us": mean_of_means,
        "qps": 1e6 / mean_of_means,
        "cpu_us_per_query": cpu,
    })
}

fn request(spec: &QuerySpec) -> Result<SearchRequest, String> {
    let mut request = SearchRequest::words(spec.typed);
    request.limit = 20;
    // The facets are counted where FTS5 counts them too: in the filtered query.
    request.facets = spec.dates.is_some();
    if let Some((from, to)) = spec.dates {
        request.from = Some(from.parse().map_err(|e| format!("{from}: {e}"))?);
        request.to = Some(to.parse().map_err(|e| format!("{to}: {e}"))?);
    }
    Ok(request)
}

/// A hit as the FTS5 baseline returns it (what a result list shows).
#[allow(dead_code)]
struct Fts5Hit {
    rowid: i64,
    snippet: String,
    text: String,
    speaker: String,
    place: String,
    date: String,
}

/// One FTS5 search: the top 20 with snippets, and for a filtered query the total and the facets
/// (tag, year, place, speaker) computed in one pass over the matches.
fn fts5_search(conn: &Connection, spec: &QuerySpec) -> Result<usize, String> {
    let sql = |e: rusqlite::Error| e.to_string();
    let (from, to) = match spec.dates {
        Some((from, to)) => {
            let from = day_range(from).ok_or("bad date")?.0;
            let to = day_range(to).ok_or("bad date")?.1;
            (from, to)
        }
        None => (i64::MIN, i64::MAX),
    };
    let filter = "quotes MATCH ?1 AND date_hi >= ?2 AND date_lo <= ?3";
    let mut top = conn
        .prepare_cached(&format!(
            "SELECT rowid, snippet(quotes, -1, '<mark>', '</mark>', '…', 24), text, speaker, place, date \
             FROM quotes WHERE {filter} ORDER BY rank LIMIT 20"
        ))
        .map_err(sql)?;
    let hits: Vec<Fts5Hit> = top
        .query_map(rusqlite::params![spec.fts5, from, to], |r| {
            Ok(Fts5Hit {
                rowid: r.get(0)?,
                snippet: r.get(1)?,
                text: r.get(2)?,
                speaker: r.get(3)?,
                place: r.get(4)?,
                date: r.get(5)?,
            })
        })
        .map_err(sql)?
        .collect::<Result<_, _>>()
        .map_err(sql)?;
    if spec.dates.is_some() {
        let mut all = conn
            .prepare_cached(&format!("SELECT speaker, place, substr(date, 1, 4), tags FROM quotes WHERE {filter}"))
            .map_err(sql)?;
        let mut rows = all.query(rusqlite::params![spec.fts5, from, to]).map_err(sql)?;
        let mut facets: [HashMap<String, u64>; 4] = Default::default();
        let mut total = 0u64;
        while let Some(row) = rows.next().map_err(sql)? {
            total += 1;
            for (i, facet) in facets.iter_mut().take(3).enumerate() {
                *facet.entry(row.get::<_, String>(i).map_err(sql)?).or_default() += 1;
            }
            let tags: String = row.get(3).map_err(sql)?;
            for tag in tags.split(',').filter(|t| !t.is_empty()) {
                *facets[3].entry(tag.to_string()).or_default() += 1;
            }
        }
        for facet in &facets {
            let mut values: Vec<(&String, &u64)> = facet.iter().collect();
            values.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
            values.truncate(30);
            std::hint::black_box(&values);
        }
        std::hint::black_box(total);
    }
    Ok(hits.len())
}

fn fts5_matches(conn: &Connection, spec: &QuerySpec) -> Result<u64, String> {
    let (from, to) = spec
        .dates
        .map(|(f, t)| (day_range(f).map_or(i64::MIN, |r| r.0), day_range(t).map_or(i64::MAX, |r| r.1)))
        .unwrap_or((i64::MIN, i64::MAX));
    conn.query_row(
        "SELECT count(*) FROM quotes WHERE quotes MATCH ?1 AND date_hi >= ?2 AND date_lo <= ?3",
        rusqlite::params![spec.fts5, from, to],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n as u64)
    .map_err(|e| e.to_string())
}

/// The fields a bare query reads.
#[derive(Clone, Copy)]
struct BareFields {
    plain: Field,
    date_lo: Field,
    date_hi: Field,
}

impl BareFields {
    fn of(index: &Index) -> Result<BareFields, String> {
        let schema = index.schema();
        let field = |name: &str| schema.get_field(name).map_err(|e| e.to_string());
        Ok(BareFields { plain: field("text")?, date_lo: field("date_lo")?, date_hi: field("date_hi")? })
    }

    /// The simplest Tantivy query for the spec's words on `text` (their folded forms), with its
    /// date filter.
    fn query(&self, spec: &QuerySpec) -> Box<dyn Query> {
        let term = |w: &str| Term::from_field_text(self.plain, w);
        let term_query =
            |w: &str| -> Box<dyn Query> { Box::new(TermQuery::new(term(w), IndexRecordOption::WithFreqs)) };
        let words: Box<dyn Query> = match spec.bare {
            Bare::Term(w) => term_query(w),
            Bare::And(ws) => Box::new(BooleanQuery::new(ws.iter().map(|w| (Occur::Must, term_query(w))).collect())),
            Bare::Or(ws) => Box::new(BooleanQuery::new(ws.iter().map(|w| (Occur::Should, term_query(w))).collect())),
            Bare::Phrase(ws) => Box::new(PhraseQuery::new(ws.iter().map(|w| term(w)).collect())),
            Bare::Prefix(w) => Box::new(FuzzyTermQuery::new_prefix(term(w), 0, false)),
            Bare::Fuzzy(w, distance) => Box::new(FuzzyTermQuery::new(term(w), distance, true)),
        };
        let Some((from, to)) = spec.dates else { return words };
        use std::ops::Bound::{Included, Unbounded};
        let from = day_range(from).map_or(0, |r| r.0);
        let to = day_range(to).map_or(0, |r| r.1);
        let ends_after = RangeQuery::new(Included(Term::from_field_i64(self.date_hi, from)), Unbounded);
        let starts_before = RangeQuery::new(Unbounded, Included(Term::from_field_i64(self.date_lo, to)));
        Box::new(BooleanQuery::new(vec![
            (Occur::Must, words),
            (Occur::Must, Box::new(ends_after)),
            (Occur::Must, Box::new(starts_before)),
        ]))
    }
}

/// The engine's folding (no stemming), registered under the names the archive's schema uses.
fn register_plain_analyzers(index: &Index) {
    for name in ["walkout_plain", "walkout_en", "walkout_es"] {
        let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(48))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build();
        index.tokenizers().register(name, analyzer);
    }
}

fn searcher_of(index: &Index) -> Result<Searcher, String> {
    let reader: tantivy::IndexReader =
        index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(|e| e.to_string())?;
    Ok(reader.searcher())
}

/// The archive's index opened on its own, as any Tantivy program would.
struct BareIndex {
    searcher: Searcher,
    fields: BareFields,
}

impl BareIndex {
    fn open(dir: &Path) -> Result<BareIndex, String> {
        let index = Index::open_in_dir(dir).map_err(|e| e.to_string())?;
        // The schema names the engine's analyzers; folding is all a term query needs of them.
        register_plain_analyzers(&index);
        Ok(BareIndex { searcher: searcher_of(&index)?, fields: BareFields::of(&index)? })
    }

    fn top20(&self, spec: &QuerySpec) -> Result<usize, String> {
        let query = self.fields.query(spec);
        let top = self.searcher.search(&query, &TopDocs::with_limit(20).order_by_score()).map_err(|e| e.to_string())?;
        Ok(top.len())
    }

    fn matches(&self, spec: &QuerySpec) -> Result<u64, String> {
        Ok(self.searcher.search(&self.fields.query(spec), &Count).map_err(|e| e.to_string())? as u64)
    }
}

/// Bare Tantivy with snippets: the searchable texts stored in a `plain` field (the engine's
/// folding), the same date fields, merged into one segment like the archive's index.
struct BareSnippets {
    searcher: Searcher,
    fields: BareFields,
    build_seconds: f64,
}

impl BareSnippets {
    fn build(work: &Path) -> Result<BareSnippets, String> {
        let started = Instant::now();
        let tantivy = |e: tantivy::TantivyError| e.to_string();
        let dir = work.join("bare-snippets-index");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let mut builder = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer("walkout_plain")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let plain = builder.add_text_field("plain", TextOptions::default().set_indexing_options(indexing) | STORED);
        let date_lo = builder.add_i64_field("date_lo", INDEXED);
        let date_hi = builder.add_i64_field("date_hi", INDEXED);
        let index = Index::create_in_dir(&dir, builder.build()).map_err(tantivy)?;
        register_plain_analyzers(&index);
        let mut writer: IndexWriter = index.writer(256 * 1024 * 1024).map_err(tantivy)?;
        let path = work.join(QUOTES_FILE);
        let file = std::fs::File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        for line in std::io::BufRead::lines(std::io::BufReader::new(file)) {
            let Some(row) = Row::parse(&line.map_err(|e| e.to_string())?) else { continue };
            let mut doc = TantivyDocument::default();
            doc.add_text(plain, row.searchable_text());
            if let Some((lo, hi)) = day_range(&row.date) {
                doc.add_i64(date_lo, lo);
                doc.add_i64(date_hi, hi);
            }
            writer.add_document(doc).map_err(tantivy)?;
        }
        writer.commit().map_err(tantivy)?;
        let segments = index.searchable_segment_ids().map_err(tantivy)?;
        if segments.len() > 1 {
            writer.merge(&segments).wait().map_err(tantivy)?;
        }
        writer.wait_merging_threads().map_err(tantivy)?;
        let fields = BareFields { plain, date_lo, date_hi };
        Ok(BareSnippets { searcher: searcher_of(&index)?, fields, build_seconds: started.elapsed().as_secs_f64() })
    }

    fn matches(&self, spec: &QuerySpec) -> Result<u64, String> {
        Ok(self.searcher.search(&self.fields.query(spec), &Count).map_err(|e| e.to_string())? as u64)
    }

    /// The top 20, each hit's stored text, and Tantivy's highlighted snippet of it.
    fn top20(&self, spec: &QuerySpec) -> Result<usize, String> {
        let tantivy = |e: tantivy::TantivyError| e.to_string();
        let query = self.fields.query(spec);
        let top = self.searcher.search(&query, &TopDocs::with_limit(20).order_by_score()).map_err(tantivy)?;
        let mut generator = SnippetGenerator::create(&self.searcher, &*query, self.fields.plain).map_err(tantivy)?;
        generator.set_max_num_chars(180);
        let mut snippets = Vec::with_capacity(top.len());
        for (_, address) in top {
            let doc: TantivyDocument = self.searcher.doc(address).map_err(tantivy)?;
            snippets.push(generator.snippet_from_doc(&doc).to_html());
        }
        Ok(std::hint::black_box(snippets).len())
    }
}

/// `WALKOUT_BENCH_ONLY_OURS=1`: time `Archive::search` alone, to profile it (`perf record …
/// --phase search`) without the baselines (and without building the bare + snippets index).
/// `WALKOUT_BENCH_QUERY=WORDS` keeps the queries whose name contains WORDS (`phrase`, `typo` …);
/// `WALKOUT_BENCH_FACETS=1` counts the facets on every query (a new search in the app).
fn only_ours(work: &Path, budget: Duration) -> Result<Value, String> {
    let archive = Archive::open(&work.join(ARCHIVE_DIR)).map_err(|e| e.to_string())?;
    let only = std::env::var("WALKOUT_BENCH_QUERY").unwrap_or_default();
    let facets = std::env::var_os("WALKOUT_BENCH_FACETS").is_some_and(|v| v == "1");
    let mut rows = Vec::new();
    let mut all = Vec::new();
    for spec in QUERIES.iter().filter(|spec| spec.name.contains(only.as_str())) {
        let request = request(spec)?;
        let request = SearchRequest { facets: request.facets || facets, ..request };
        let first = archive.search(&request).map_err(|e| e.to_string())?;
        let ours = measure(budget, &mut || archive.search(&request).map(|r| r.hits.len()).map_err(|e| e.to_string()))?;
        rows.push(json!({ "name": spec.name, "typed": spec.typed, "ours": summary(&ours, first.total) }));
        all.push(ours);
    }
    Ok(json!({
        "limit": 20,
        "seconds_per_query_and_engine": budget.as_secs_f64(),
        "queries": rows,
        "mix": { "ours": mix(&all.iter().collect::<Vec<_>>()) },
    }))
}

pub fn run(work: &Path, seconds: f64) -> Result<Value, String> {
    let budget = Duration::from_secs_f64(seconds);
    if std::env::var_os("WALKOUT_BENCH_ONLY_OURS").is_some_and(|v| v == "1") {
        return only_ours(work, budget);
    }
    let archive = Archive::open(&work.join(ARCHIVE_DIR)).map_err(|e| e.to_string())?;
    let fts5 =
        Connection::open_with_flags(work.join(FTS5_DB), OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| e.to_string())?;
    let bare = BareIndex::open(&work.join(ARCHIVE_DIR).join("index"))?;
    let snippets = BareSnippets::build(work)?;

    let mut rows = Vec::new();
    let mut all: [Vec<Samples>; 4] = Default::default();
    // Ours again with the facets counted on every query, as a new search in the app asks.
    let mut with_facets: Vec<Samples> = Vec::new();
    for spec in &QUERIES {
        let request = request(spec)?;
        let first = archive.search(&request).map_err(|e| e.to_string())?;
        let ours = measure(budget, &mut || archive.search(&request).map(|r| r.hits.len()).map_err(|e| e.to_string()))?;
        with_facets.push(if request.facets {
            ours.clone()
        } else {
            let request = SearchRequest { facets: true, ..request.clone() };
            measure(budget, &mut || archive.search(&request).map(|r| r.hits.len()).map_err(|e| e.to_string()))?
        });
        let theirs = measure(budget, &mut || fts5_search(&fts5, spec))?;
        let bare_samples = measure(budget, &mut || bare.top20(spec))?;
        let snippet_samples = measure(budget, &mut || snippets.top20(spec))?;
        let corrected: Vec<&String> = first.corrected.iter().flat_map(|c| &c.nearest).collect();
        rows.push(json!({
            "name": spec.name,
            "typed": spec.typed,
            "fts5_match": spec.fts5,
            "dates": spec.dates.map(|(f, t)| format!("{f}/{t}")),
            "ours": summary(&ours, first.total),
            "fts5": summary(&theirs, fts5_matches(&fts5, spec)?),
            "bare": summary(&bare_samples, bare.matches(spec)?),
            "bare_snippets": summary(&snippet_samples, snippets.matches(spec)?),
            "ours_corrected_to": corrected,
        }));
        for (engine, samples) in all.iter_mut().zip([ours, theirs, bare_samples, snippet_samples]) {
            engine.push(samples);
        }
    }
    let mixes: Vec<Value> = all.iter().map(|engine| mix(&engine.iter().collect::<Vec<_>>())).collect();
    Ok(json!({
        "limit": 20,
        "seconds_per_query_and_engine": seconds,
        "queries": rows,
        "mix": {
            "ours": mixes[0],
            "fts5": mixes[1],
            "bare": mixes[2],
            "bare_snippets": mixes[3],
            "ours_facets_every_query": mix(&with_facets.iter().collect::<Vec<_>>()),
        },
        "bare_snippets_index_build_seconds_not_counted": snippets.build_seconds,
    }))
}
