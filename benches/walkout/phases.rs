//! The phases of a tier, each run in its own process: import (ours, FTS5), reindex (ours, bare
//! Tantivy) and search (all three). Each returns its figures as JSON, with the process's peak
//! resident memory (VmHWM) when it ends.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use serde_json::{Value, json};
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
};
use walkout::Archive;
use walkout::ingest::ImportLimits;

use crate::data::Row;

/// The tier's quotes, as JSON Lines.
pub const QUOTES_FILE: &str = "quotes.jsonl";
/// Our archive.
pub const ARCHIVE_DIR: &str = "archive";
/// The FTS5 baseline's database.
pub const FTS5_DB: &str = "fts5.sqlite";
const BARE_INDEX_DIR: &str = "bare-index";
/// The bare indexer's budget: the engine's writer gets the same.
const BARE_WRITER_MEMORY: usize = 96 * 1024 * 1024;

/// The phases in the order a tier runs them. Search comes last, on the reindexed (compacted)
/// index and the optimized FTS5 table.
pub const ORDER: [&str; 7] =
    ["import_ours", "import_fts5", "reindex_ours", "reindex_bare", "unlock_encrypted", "search", "spread"];

pub fn run(phase: &str, work: &Path, search_seconds: f64) -> Result<Value, String> {
    let mut result = match phase {
        "import_ours" => import_ours(work),
        "import_fts5" => import_fts5(work),
        "reindex_ours" => reindex_ours(work),
        "reindex_bare" => reindex_bare(work),
        "unlock_encrypted" => unlock_encrypted(work),
        "search" => crate::search::run(work, search_seconds),
        "spread" => crate::spread::run(work, search_seconds),
        other => Err(format!("no phase {other:?}")),
    }?;
    result["peak_rss_kb"] = json!(peak_rss_kb());
    result["cpu_seconds"] = json!(cpu_seconds());
    Ok(result)
}

/// User + system CPU time of this process so far (all threads), from /proc/self/stat.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at ") ".
    let fields: Vec<&str> = stat.rsplit_once(") ")?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // Linux reports in USER_HZ, 100 on every mainstream architecture.
    Some(ticks as f64 / 100.0)
}

/// The process's peak resident set size so far, in KiB.
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> String + '_ {
    move |e| format!("{}: {e}", path.display())
}

/// `Archive::import_paths` on the tier's JSONL file, as `walkout import FILE` does it:
/// parsing, duplicate checks, SQLite in batches of 10,000 rows and the index every 50,000 items.
fn import_ours(work: &Path) -> Result<Value, String> {
    let archive_dir = work.join(ARCHIVE_DIR);
    let mut archive = Archive::create(&archive_dir).map_err(|e| e.to_string())?;
    let file = work.join(QUOTES_FILE);
    let cancel = AtomicBool::new(false);
    let started = Instant::now();
    let report = archive
        .import_paths(std::slice::from_ref(&file), ImportLimits::default(), &mut |_| {}, &cancel)
        .map_err(|e| e.to_string())?;
    let imported = started.elapsed().as_secs_f64();
    // Closing is part of what `walkout import` costs (the writer finishes its work).
    drop(archive);
    let seconds = started.elapsed().as_secs_f64();
    let added = report.added.len();
    if !report.failed.is_empty() {
        return Err(format!("{} rows failed, first: {:?}", report.failed.len(), report.failed[0]));
    }
    Ok(json!({
        "method": "Archive::import_paths on the tier's JSON Lines file, then closing the archive",
        "seconds": seconds,
        "seconds_until_return": imported,
        "added": added,
        "duplicates": report.duplicates.len(),
        "per_second": added as f64 / seconds,
    }))
}

/// An encrypted archive of the tier (imported untimed), closed, then unlocked: the time from the
/// passphrase to the first search answered. The index of an encrypted archive lives in memory
/// and is rebuilt from the (SQLCipher) database at unlock, so this is what an archivist waits.
fn unlock_encrypted(work: &Path) -> Result<Value, String> {
    const PASSPHRASE: &str = "correct horse battery staple, but longer";
    let dir = work.join("encrypted");
    let _ = std::fs::remove_dir_all(&dir);
    let mut archive = Archive::create_encrypted(&dir, PASSPHRASE).map_err(|e| e.to_string())?;
    let file = work.join(QUOTES_FILE);
    let report = archive
        .import_paths(std::slice::from_ref(&file), ImportLimits::default(), &mut |_| {}, &AtomicBool::new(false))
        .map_err(|e| e.to_string())?;
    drop(archive);
    let started = Instant::now();
    let archive = Archive::unlock(&dir, PASSPHRASE).map_err(|e| e.to_string())?;
    let unlocked = started.elapsed().as_secs_f64();
    let hits = archive.search(&walkout::SearchRequest::words("love")).map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    drop(archive);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(json!({
        "method": "Archive::unlock (Argon2id, SQLCipher, index rebuilt in memory) then one search",
        "items": report.added.len(),
        "seconds_to_unlocked": unlocked,
        "seconds": seconds,
        "first_search_total": hits.total,
    }))
}

const FTS5_SCHEMA: &str = "CREATE VIRTUAL TABLE quotes USING fts5(text, speaker, place, tags, \
     lang UNINDEXED, date UNINDEXED, date_lo UNINDEXED, date_hi UNINDEXED, \
     tokenize = 'unicode61 remove_diacritics 2')";

/// Day number of the first and last day an EDTF date covers, as the engine files them.
pub fn day_range(date: &str) -> Option<(i64, i64)> {
    use chrono::Datelike;
    let date: walkout::EdtfDate = date.parse().ok()?;
    let (lo, hi) = date.match_range();
    Some((i64::from(lo.num_days_from_ce()), i64::from(hi.num_days_from_ce())))
}

/// The same file read line by line, parsed, and inserted into an FTS5 table in one transaction,
/// with the same durability settings as the archive. The tokenizer folds case and accents as
/// ours does; it does not stem (FTS5's `porter` would break prefix queries: "educa*" finds
/// nothing once "education" is stored as "educ").
fn import_fts5(work: &Path) -> Result<Value, String> {
    let db = work.join(FTS5_DB);
    let _ = std::fs::remove_file(&db);
    let sql = |e: rusqlite::Error| e.to_string();
    let mut conn = rusqlite::Connection::open(&db).map_err(sql)?;
    conn.pragma_update(None, "journal_mode", "WAL").map_err(sql)?;
    conn.pragma_update(None, "synchronous", "FULL").map_err(sql)?;
    conn.execute(FTS5_SCHEMA, []).map_err(sql)?;
    let path = work.join(QUOTES_FILE);
    let started = Instant::now();
    let file = std::fs::File::open(&path).map_err(io_error(&path))?;
    let tx = conn.transaction().map_err(sql)?;
    let mut added = 0u64;
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO quotes (text, speaker, place, tags, lang, date, date_lo, date_hi) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .map_err(sql)?;
        for line in BufReader::new(file).lines() {
            let line = line.map_err(io_error(&path))?;
            let Some(row) = Row::parse(&line) else { continue };
            let (lo, hi) = day_range(&row.date).unzip();
            let tags = row.tags.join(",");
            insert
                .execute(rusqlite::params![row.text, row.author, row.place, tags, row.lang, row.date, lo, hi])
                .map_err(sql)?;
            added += 1;
        }
    }
    tx.commit().map_err(sql)?;
    let seconds = started.elapsed().as_secs_f64();
    let optimize_started = Instant::now();
    conn.execute("INSERT INTO quotes (quotes) VALUES ('optimize')", []).map_err(sql)?;
    let optimize_seconds = optimize_started.elapsed().as_secs_f64();
    Ok(json!({
        "method": "read + parse the same JSON Lines file, INSERT into an FTS5 table in one transaction",
        "seconds": seconds,
        "added": added,
        "per_second": added as f64 / seconds,
        "optimize_seconds_not_counted": optimize_seconds,
    }))
}

/// `Archive::reindex` on the imported archive: every item read back from SQLite, indexed into
/// the three text fields, facets and fast fields, committed and merged into one segment.
fn reindex_ours(work: &Path) -> Result<Value, String> {
    let mut archive = Archive::open(&work.join(ARCHIVE_DIR)).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let items = archive.reindex().map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(json!({
        "method": "Archive::reindex (reads SQLite, commits, merges to one segment)",
        "seconds": seconds,
        "items": items,
        "writer_threads": 1,
    }))
}

/// English-stemming analyzer: the engine's folding plus Tantivy's English stemmer.
pub fn english_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Bare Tantivy indexing the same texts (words, speaker, place, tags) read from the same file,
/// into one English-stemmed field with positions, on one writer thread; then merged into one
/// segment as the engine's reindex is.
fn reindex_bare(work: &Path) -> Result<Value, String> {
    let dir = work.join(BARE_INDEX_DIR);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(io_error(&dir))?;
    let mut builder = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer("bare_en")
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text = builder.add_text_field("text", TextOptions::default().set_indexing_options(indexing));
    let index = tantivy::Index::create_in_dir(&dir, builder.build()).map_err(|e| e.to_string())?;
    index.tokenizers().register("bare_en", english_analyzer());
    let path = work.join(QUOTES_FILE);
    let tantivy = |e: tantivy::TantivyError| e.to_string();
    let started = Instant::now();
    let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, BARE_WRITER_MEMORY).map_err(tantivy)?;
    let file = std::fs::File::open(&path).map_err(io_error(&path))?;
    let mut items = 0u64;
    for line in BufReader::new(file).lines() {
        let line = line.map_err(io_error(&path))?;
        let Some(row) = Row::parse(&line) else { continue };
        let mut doc = tantivy::TantivyDocument::default();
        doc.add_text(text, row.searchable_text());
        writer.add_document(doc).map_err(tantivy)?;
        items += 1;
    }
    writer.commit().map_err(tantivy)?;
    let indexed = started.elapsed().as_secs_f64();
    let segments = index.searchable_segment_ids().map_err(tantivy)?;
    let segments_before_merge = segments.len();
    if segments.len() > 1 {
        writer.merge(&segments).wait().map_err(tantivy)?;
    }
    writer.wait_merging_threads().map_err(tantivy)?;
    let seconds = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(json!({
        "method": "bare Tantivy, one English-stemmed field, 1 writer thread, 96 MiB, commit + merge to one segment",
        "seconds": seconds,
        "seconds_before_merge": indexed,
        "segments_before_merge": segments_before_merge,
        "items": items,
    }))
}
