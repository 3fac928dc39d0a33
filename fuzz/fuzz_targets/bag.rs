//! Bag import from a zip file: unzipping (names, links, sizes, bombs), BagIt validation (tag
//! manifests, manifests, payload) and the Walkout export inside, into a real archive.
#![no_main]

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;
use walkout::Archive;
use walkout::ingest::ImportLimits;

struct Scratch {
    _dir: tempfile::TempDir,
    archive: Archive,
    zip: PathBuf,
}

static SCRATCH: OnceLock<Mutex<Scratch>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let scratch = SCRATCH.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let archive = Archive::create(&dir.path().join("archive")).expect("archive");
        let zip = dir.path().join("bag.zip");
        Mutex::new(Scratch { _dir: dir, archive, zip })
    });
    let mut scratch = scratch.lock().unwrap_or_else(|e| e.into_inner());
    std::fs::write(&scratch.zip, data).expect("write the zip");
    let zip = scratch.zip.clone();
    let limits = ImportLimits { max_file_bytes: 64 * 1024 * 1024, max_threads: 1, ..ImportLimits::default() };
    let _ = scratch.archive.import_paths(&[zip], limits, &mut |_| {}, &AtomicBool::new(false));
});
