//! Reading the words in photos in the background (the engine's `window::ocr::Background`), on
//! a thread of its own; the window hears `ocr-progress` after each photo and can cancel. In the
//! reading room nothing is read, and the words a window receives are the room's.

use std::sync::Arc;

use tauri::{AppHandle, Emitter, Manager, State};
use walkout::Redaction;
use walkout::ocr::OcrWord;
use walkout::window::ocr::{Background, OcrStatus};

use crate::error::CommandResult;
use crate::room::{ReadingRoom, writable};
use crate::state::ArchiveState;

/// The event the window hears after each photo.
pub const OCR_PROGRESS: &str = "ocr-progress";

/// Starts reading every photo not read yet, in the background; returns at once.
#[tauri::command]
pub async fn start_ocr(app: AppHandle, reading_room: State<'_, ReadingRoom>) -> CommandResult<OcrStatus> {
    writable(&reading_room)?;
    let worker = app.state::<Arc<Background>>().inner().clone();
    let Some(ids) = worker.begin(&app.state::<ArchiveState>())? else { return Ok(worker.status()) };
    let status = worker.status();
    let app = app.clone();
    std::thread::spawn(move || {
        let stop = || app.state::<ReadingRoom>().on();
        let progress = |status: OcrStatus| {
            let _ = app.emit(OCR_PROGRESS, status);
        };
        if let Err(e) = worker.run(&app.state::<ArchiveState>(), &ids, stop, progress) {
            eprintln!("walkout: reading text in photos stopped: {e}");
        }
    });
    Ok(status)
}

/// Asks the background reading to stop after the photo it is reading.
#[tauri::command]
pub async fn cancel_ocr(worker: State<'_, Arc<Background>>) -> CommandResult<OcrStatus> {
    worker.cancel();
    Ok(worker.status())
}

/// Where the background reading stands.
#[tauri::command]
pub async fn ocr_status(worker: State<'_, Arc<Background>>) -> CommandResult<OcrStatus> {
    Ok(worker.status())
}

sees!(
    /// The words read in a photo with their boxes, for highlighting a search's words on it (in
    /// the reading room: only the room's photos, without redacted words or protected names).
    ocr_words(id: String) -> Vec<OcrWord>,
    |archive, room| archive.ocr_words_shown(archive.resolve_id(&id)?, room.on())
);

keeps!(
    /// Boxes over words read in a photo that spell a protected person's name, for the
    /// archivist to confirm as redactions (not in the reading room).
    ocr_redaction_suggestions(id: String) -> Vec<Redaction>,
    |archive| archive.ocr_redaction_suggestions(archive.resolve_id(&id)?)
);
