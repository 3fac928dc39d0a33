//! The work of an import that needs no database, done on every core: reading and hashing files,
//! then decoding photos (with their thumbnails) and extracting articles. The calling thread
//! keeps the one writer: it checks for duplicates between the two stages and commits the
//! results in file order. A panic inside a decoder or parser is caught and becomes that file's
//! failure.

use std::any::Any;
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, Once};

use chrono::{DateTime, Utc};

use super::sniff::{self, FileKind};
use super::{
    Duplicate, Failed, ImportLimits, ImportProgress, ImportReport, Pending, article, bag, describe_io, pdf, photo,
};
use crate::archive::Archive;
use crate::error::Result as EngineResult;
use crate::files::thumbs;
use crate::model::Item;

/// Files read in parallel before the writer looks at them: enough to keep every core busy,
/// few enough that a cancel takes effect quickly and memory stays bounded.
pub(super) const FILES_PER_CORE: usize = 8;
/// The largest HTML, Markdown or text file read as an article. A news article is kilobytes and
/// a page saved whole with its images a few megabytes; reading text takes several times its
/// size in memory.
pub(super) const MAX_TEXT_ARTICLE_BYTES: u64 = 64 * 1024 * 1024;
/// Bytes read ahead at most in one work batch.
pub(super) const BATCH_BYTES: u64 = 256 * 1024 * 1024;

/// A file after the first stage.
pub(super) enum ReadFile {
    /// A bag (folder or zip), imported whole by the writer.
    Bag,
    /// A quote sheet or an export: parsed by the writer, in order.
    Sheet { kind: FileKind, bytes: Vec<u8> },
    /// A file kept in the store (photo, article): hashed, not yet analysed.
    Blob { kind: FileKind, bytes: Vec<u8>, sha256: String },
}

/// A stored-file item made by the second stage.
pub(super) struct Analysed {
    /// The item.
    pub item: Item,
    /// Things to tell the person about this file.
    pub warnings: Vec<String>,
}

/// How many threads an import uses.
pub(super) fn threads(limits: ImportLimits) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if limits.max_threads == 0 { cores } else { limits.max_threads.min(cores.max(1) * 4) }
}

/// Splits files into work batches by count and by size.
pub(super) fn work_batches(files: &[PathBuf], per_batch: usize) -> Vec<std::ops::Range<usize>> {
    let mut batches = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (i, path) in files.iter().enumerate() {
        bytes += fs::metadata(path).map_or(0, |m| m.len());
        if i + 1 - start >= per_batch || bytes >= BATCH_BYTES {
            batches.push(start..i + 1);
            (start, bytes) = (i + 1, 0);
        }
    }
    if start < files.len() {
        batches.push(start..files.len());
    }
    batches
}

/// Runs `work` on every input across `threads` threads; `None` for inputs skipped after
/// `cancel` was set. A panic becomes an `Err` naming what panicked.
pub(super) fn parallel_map<T: Sync, X: Send>(
    inputs: &[T],
    threads: usize,
    cancel: &AtomicBool,
    work: impl Fn(&T) -> Result<X, String> + Sync,
) -> Vec<Option<Result<X, String>>> {
    let run = |input: &T| quietly(|| work(input));
    if threads <= 1 || inputs.len() <= 1 {
        return inputs.iter().map(|input| (!cancel.load(Ordering::Relaxed)).then(|| run(input))).collect();
    }
    let results: Vec<Mutex<Option<Result<X, String>>>> = inputs.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..threads.min(inputs.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= inputs.len() || cancel.load(Ordering::Relaxed) {
                        break;
                    }
                    let result = run(&inputs[i]);
                    *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                }
            });
        }
    });
    results.into_iter().map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner())).collect()
}

thread_local! {
    /// Set while a thread runs a reader whose panics become per-file failures.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `work`, turning a panic into an `Err`. The panic message is not printed: it is reported
/// as the file's failure (other threads' panics print as before).
fn quietly<X>(work: impl FnOnce() -> Result<X, String>) -> Result<X, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|p| Err(panicked(p.as_ref())));
    QUIET.with(|q| q.set(was));
    result
}

fn panicked(payload: &(dyn Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string());
    format!("the file made a reader fail unexpectedly ({what}); nothing of it was stored")
}

/// First stage: size limit, read, content sniffing and hashing.
pub(super) fn read_file(path: &Path, limits: ImportLimits) -> Result<ReadFile, String> {
    if bag::is_bag(path) || bag::is_zip(path) {
        return Ok(ReadFile::Bag);
    }
    let meta = fs::metadata(path).map_err(|e| describe_io(&e))?;
    if !meta.is_file() {
        return Err("not a regular file".to_string());
    }
    if meta.len() > limits.max_file_bytes {
        return Err(format!(
            "the file is {} MB, over the import limit of {} MB",
            meta.len() / 1_000_000,
            limits.max_file_bytes / 1_000_000
        ));
    }
    // The kind first, from the head: a text article is refused by its size before it is read.
    let mut head = Vec::with_capacity(4096);
    fs::File::open(path).and_then(|f| f.take(4096).read_to_end(&mut head)).map_err(|e| describe_io(&e))?;
    let kind = sniff::sniff(path, &head)?;
    if matches!(kind, FileKind::Html | FileKind::Markdown | FileKind::Text) && meta.len() > MAX_TEXT_ARTICLE_BYTES {
        return Err(format!(
            "the file is {} MB, over the limit of {} MB for an article read as text",
            meta.len() / 1_000_000,
            MAX_TEXT_ARTICLE_BYTES / 1_000_000
        ));
    }
    let bytes = fs::read(path).map_err(|e| describe_io(&e))?;
    // The file may have changed between the two reads: its whole content decides.
    let kind = sniff::sniff(path, &bytes[..bytes.len().min(4096)])?;
    if matches!(kind, FileKind::Csv | FileKind::Json | FileKind::JsonLines) {
        return Ok(ReadFile::Sheet { kind, bytes });
    }
    let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
    Ok(ReadFile::Blob { kind, bytes, sha256 })
}

/// Second stage: the item of a stored file. Photo thumbnails are written to `thumbs` (when
/// given: an encrypted archive keeps none on disk).
pub(super) fn analyse(
    path: &Path,
    kind: FileKind,
    bytes: &[u8],
    sha256: &str,
    now: DateTime<Utc>,
    limits: ImportLimits,
    thumbs_dir: Option<&Path>,
) -> Result<Analysed, String> {
    if kind.is_photo() {
        let photo = photo::photo_item(path, bytes, kind, sha256, now, limits.max_pixels)?;
        let mut warnings = photo.warnings;
        if let (Some(dir), Some(thumbnails)) = (thumbs_dir, &photo.thumbnails)
            && let Err(e) = thumbs::write(dir, sha256, thumbnails)
        {
            warnings.push(format!("imported, but its thumbnails were not saved: {e}"));
        }
        return Ok(Analysed { item: photo.item, warnings });
    }
    let item = match kind {
        FileKind::Pdf => pdf::from_pdf(path, bytes, sha256, now)?,
        // The page's own encoding, not UTF-8 alone: saved pages are often Windows-1252 or Shift_JIS.
        FileKind::Html => article::from_html_bytes(path, bytes, sha256, now).map_err(|e| e.to_string())?.item,
        _ => article::from_text(path, &String::from_utf8_lossy(bytes), sha256, now)?,
    };
    Ok(Analysed { item, warnings: Vec::new() })
}

impl Archive {
    /// One work batch: read and hash in parallel, drop duplicates, analyse the new files in
    /// parallel, then queue the results in file order. Returns how many files it finished.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn import_batch(
        &mut self,
        files: &[PathBuf],
        limits: ImportLimits,
        threads: usize,
        progress: &mut dyn FnMut(&ImportProgress),
        (done, total): (usize, usize),
        cancel: &AtomicBool,
        pending: &mut Pending,
        report: &mut ImportReport,
    ) -> EngineResult<usize> {
        let read = parallel_map(files, threads, cancel, |path| read_file(path, limits));
        // Which stored files are new: not in the archive, not earlier in this import.
        let mut first_in_batch: HashMap<&str, usize> = HashMap::new();
        let mut new = Vec::new();
        for (i, r) in read.iter().enumerate() {
            if let Some(Ok(ReadFile::Blob { kind, bytes, sha256 })) = r {
                let known = self.existing_file(sha256, pending)?.is_some();
                if !known && first_in_batch.insert(sha256.as_str(), i).is_none() {
                    new.push((i, *kind, bytes.as_slice(), sha256.as_str()));
                }
            }
        }
        let now = self.now();
        let thumbs_dir = (!self.files().is_encrypted()).then(|| self.thumbs_dir());
        let analysed = parallel_map(&new, threads, cancel, |(i, kind, bytes, sha256)| {
            analyse(&files[*i], *kind, bytes, sha256, now, limits, thumbs_dir.as_deref())
        });
        let firsts: HashSet<usize> = new.iter().map(|(i, ..)| *i).collect();
        let mut analysed: HashMap<usize, Result<Analysed, String>> =
            new.iter().zip(analysed).filter_map(|((i, ..), a)| a.map(|a| (*i, a))).collect();
        drop((new, first_in_batch));
        let mut finished = 0;
        for (i, (path, r)) in files.iter().zip(read).enumerate() {
            let Some(r) = r else { break };
            let shown = path.display().to_string();
            let outcome = match r {
                Err(reason) => Err(reason),
                Ok(ReadFile::Bag) => self.import_bag(path, limits, pending, report),
                Ok(ReadFile::Sheet { kind, bytes }) => self.import_sheet(path, kind, bytes, pending, report),
                Ok(ReadFile::Blob { kind, bytes, sha256 }) => match self.existing_file(&sha256, pending)? {
                    Some(id) => {
                        report.duplicates.push(Duplicate { path: shown.clone(), id });
                        Ok(())
                    }
                    None => match analysed.remove(&i) {
                        // Skipped by a cancel: left for the next run.
                        None if firsts.contains(&i) => break,
                        None => {
                            Err("the same bytes as another file of this import, which could not be imported"
                                .to_string())
                        }
                        Some(Err(reason)) => Err(reason),
                        Some(Ok(a)) => match self.files().stage_hashed(&bytes, &sha256) {
                            Err(e) => Err(e.to_string()),
                            Ok(staged) => {
                                pending.staged.extend(staged);
                                let warnings = a.warnings.into_iter().map(|w| Failed { path: shown.clone(), error: w });
                                report.warnings.extend(warnings);
                                pending.files.insert(sha256.clone(), a.item.id);
                                pending.blobs.push((sha256, bytes.len() as u64, kind.media_type()));
                                pending.items.push(a.item);
                                pending.sources.push(shown.clone());
                                Ok(())
                            }
                        },
                    },
                },
            };
            if let Err(reason) = outcome {
                report.failed.push(Failed { path: shown, error: reason });
            }
            finished += 1;
            progress(&ImportProgress { done: done + finished, total, current: path.clone() });
        }
        Ok(finished)
    }
}
