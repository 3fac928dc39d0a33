//! Reading the words in photos in the background (after an import), never holding the archive
//! while Tesseract works: each photo's bytes are taken under a read, read with no lock held,
//! and the result stored under a short write. The window hears `ocr-progress` and can cancel.
//! In the reading room nothing is read, and the words a window receives are the room's.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, State};
use ts_rs::TS;
use walkout::Redaction;
use walkout::ocr::{OcrWord, Recognizer};

use crate::error::CommandResult;
use crate::room::{ReadingRoom, writable};
use crate::state::ArchiveState;

/// The event the window hears after each photo.
pub const OCR_PROGRESS: &str = "ocr-progress";

/// Where the background reading stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OcrStatus {
    /// Whether photos are being read now.
    pub running: bool,
    /// Photos read in this run.
    pub done: u64,
    /// Photos this run set out to read.
    pub total: u64,
    /// Photos that could not be read in this run.
    pub failed: u64,
}

/// The background reader: one run at a time.
#[derive(Default)]
pub struct OcrWorker {
    running: AtomicBool,
    cancel: AtomicBool,
    done: AtomicU64,
    total: AtomicU64,
    failed: AtomicU64,
}

impl OcrWorker {
    fn status(&self) -> OcrStatus {
        OcrStatus {
            running: self.running.load(Ordering::SeqCst),
            done: self.done.load(Ordering::SeqCst),
            total: self.total.load(Ordering::SeqCst),
            failed: self.failed.load(Ordering::SeqCst),
        }
    }
}

/// Starts reading every photo not read yet, in the background; returns at once.
#[tauri::command]
pub async fn start_ocr(app: AppHandle, reading_room: State<'_, ReadingRoom>) -> CommandResult<OcrStatus> {
    writable(&reading_room)?;
    let worker = app.state::<Arc<OcrWorker>>().inner().clone();
    if worker.running.swap(true, Ordering::SeqCst) {
        return Ok(worker.status());
    }
    let ids = match app.state::<ArchiveState>().read(|archive| archive.ocr_candidates(false)) {
        Ok(ids) => ids,
        Err(e) => {
            worker.running.store(false, Ordering::SeqCst);
            return Err(e);
        }
    };
    worker.cancel.store(false, Ordering::SeqCst);
    worker.done.store(0, Ordering::SeqCst);
    worker.failed.store(0, Ordering::SeqCst);
    worker.total.store(ids.len() as u64, Ordering::SeqCst);
    let status = worker.status();
    let app = app.clone();
    std::thread::spawn(move || {
        let outcome = run(&app, &worker, &ids);
        worker.running.store(false, Ordering::SeqCst);
        if let Err(e) = outcome {
            eprintln!("walkout: reading text in photos stopped: {}", e.message);
        }
        let _ = app.emit(OCR_PROGRESS, worker.status());
    });
    Ok(status)
}

fn run(app: &AppHandle, worker: &OcrWorker, ids: &[walkout::Id]) -> CommandResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut recognizer = Recognizer::new()?;
    for &id in ids {
        if worker.cancel.load(Ordering::SeqCst) || app.state::<ReadingRoom>().on() {
            break;
        }
        let state = app.state::<ArchiveState>();
        let read = state.read(|archive| archive.ocr_job(id, false)).and_then(|job| match job {
            None => Ok(()),
            Some(job) => {
                let reading = job.read(&mut recognizer)?;
                store(&state, worker, id, &reading)
            }
        });
        match read {
            Ok(()) => worker.done.fetch_add(1, Ordering::SeqCst),
            // The item went (deleted meanwhile), or its file cannot be decoded: counted, the
            // others go on.
            Err(_) => worker.failed.fetch_add(1, Ordering::SeqCst),
        };
        let _ = app.emit(OCR_PROGRESS, worker.status());
    }
    Ok(())
}

/// Stores a reading, waiting while an import holds the archive.
fn store(
    state: &ArchiveState,
    worker: &OcrWorker,
    id: walkout::Id,
    reading: &walkout::ocr::Reading,
) -> CommandResult<()> {
    loop {
        match state.write(|archive| archive.store_reading(id, reading)) {
            Ok(_) => return Ok(()),
            Err(e) if e.code == "busy" && !worker.cancel.load(Ordering::SeqCst) => {
                std::thread::sleep(Duration::from_millis(250))
            }
            Err(e) => return Err(e),
        }
    }
}

/// Asks the background reading to stop after the photo it is reading.
#[tauri::command]
pub async fn cancel_ocr(worker: State<'_, Arc<OcrWorker>>) -> CommandResult<OcrStatus> {
    worker.cancel.store(true, Ordering::SeqCst);
    Ok(worker.status())
}

/// Where the background reading stands.
#[tauri::command]
pub async fn ocr_status(worker: State<'_, Arc<OcrWorker>>) -> CommandResult<OcrStatus> {
    Ok(worker.status())
}

/// The words read in a photo with their boxes, for highlighting a search's words on it (in the
/// reading room: only the room's photos, without redacted words or protected names).
#[tauri::command]
pub async fn ocr_words(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    id: String,
) -> CommandResult<Vec<OcrWord>> {
    let public = reading_room.on();
    state.read(|archive| archive.ocr_words_shown(archive.resolve_id(&id)?, public))
}

/// Boxes over words read in a photo that spell a protected person's name, for the archivist to
/// confirm as redactions.
#[tauri::command]
pub async fn ocr_redaction_suggestions(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    id: String,
) -> CommandResult<Vec<Redaction>> {
    writable(&reading_room)?;
    state.read(|archive| archive.ocr_redaction_suggestions(archive.resolve_id(&id)?))
}
