//! Reading the words in photos in the background (after an import), never holding the archive
//! while Tesseract works: each photo's bytes are taken under a read, read with no lock held,
//! and the result stored under a short write. The window hears each photo and can cancel.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use serde::Serialize;

use super::SharedArchive;
use crate::ocr::{Reading, Recognizer};
use crate::{Error, Id, Result};

/// Where the background reading stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
pub struct Background {
    running: AtomicBool,
    cancel: AtomicBool,
    done: AtomicU64,
    total: AtomicU64,
    failed: AtomicU64,
}

impl Background {
    /// Where the reading stands.
    pub fn status(&self) -> OcrStatus {
        OcrStatus {
            running: self.running.load(Ordering::SeqCst),
            done: self.done.load(Ordering::SeqCst),
            total: self.total.load(Ordering::SeqCst),
            failed: self.failed.load(Ordering::SeqCst),
        }
    }

    /// Asks the reading to stop after the photo it is reading.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }

    /// Claims a run over every photo not read yet and returns them; `None` when a run is
    /// going on already. Each claimed run ends with [`Background::run`].
    pub fn begin(&self, shared: &SharedArchive) -> Result<Option<Vec<Id>>> {
        if self.running.swap(true, Ordering::SeqCst) {
            return Ok(None);
        }
        let ids = shared.read(|archive| archive.ocr_candidates(false)).inspect_err(|_| {
            self.running.store(false, Ordering::SeqCst);
        })?;
        self.cancel.store(false, Ordering::SeqCst);
        self.done.store(0, Ordering::SeqCst);
        self.failed.store(0, Ordering::SeqCst);
        self.total.store(ids.len() as u64, Ordering::SeqCst);
        Ok(Some(ids))
    }

    /// Reads the photos of a claimed run, one at a time, telling `progress` after each, until
    /// they are all read, the run is cancelled or `stop` says so (the reading room went on).
    /// A photo that cannot be read (deleted meanwhile, a file that cannot be decoded) is
    /// counted and the others go on. The run ends however this returns.
    pub fn run(
        &self,
        shared: &SharedArchive,
        ids: &[Id],
        stop: impl Fn() -> bool,
        progress: impl Fn(OcrStatus),
    ) -> Result<()> {
        let outcome = self.read_all(shared, ids, stop, &progress);
        self.running.store(false, Ordering::SeqCst);
        progress(self.status());
        outcome
    }

    fn read_all(
        &self,
        shared: &SharedArchive,
        ids: &[Id],
        stop: impl Fn() -> bool,
        progress: &impl Fn(OcrStatus),
    ) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut recognizer = Recognizer::new()?;
        for &id in ids {
            if self.cancel.load(Ordering::SeqCst) || stop() {
                break;
            }
            let read = shared.read(|archive| archive.ocr_job(id, false)).and_then(|job| match job {
                None => Ok(()),
                Some(job) => self.store(shared, id, &job.read(&mut recognizer)?),
            });
            match read {
                Ok(()) => self.done.fetch_add(1, Ordering::SeqCst),
                Err(_) => self.failed.fetch_add(1, Ordering::SeqCst),
            };
            progress(self.status());
        }
        Ok(())
    }

    /// Stores a reading, waiting while an import holds the archive.
    fn store(&self, shared: &SharedArchive, id: Id, reading: &Reading) -> Result<()> {
        loop {
            match shared.write(|archive| archive.store_reading(id, reading)) {
                Ok(_) => return Ok(()),
                Err(Error::Busy) if !self.cancel.load(Ordering::SeqCst) => {
                    std::thread::sleep(Duration::from_millis(250))
                }
                Err(e) => return Err(e),
            }
        }
    }
}
