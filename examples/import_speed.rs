//! Photo import speed: imports the given files or folders into a fresh temp archive through
//! `Archive::import_paths` (read, SHA-256, EXIF, decode, both thumbnails, store, commit) and
//! prints photos per second. `scripts/photo_speed.sh` runs it beside the shell script a person
//! would write (`sha256sum` + ImageMagick `convert -thumbnail`).
//!
//! `cargo run --release --example import_speed -- [--threads N] PATH...` (0 = one per core)

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use walkout::Archive;
use walkout::ingest::ImportLimits;

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    let mut threads = 0;
    let mut paths = Vec::new();
    while let Some(arg) = args.next() {
        if arg == "--threads" {
            threads = args.next().and_then(|n| n.parse().ok()).expect("--threads N");
        } else {
            paths.push(PathBuf::from(arg));
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut archive = Archive::create(&dir.path().join("archive")).expect("archive");
    let limits = ImportLimits { max_threads: threads, ..ImportLimits::default() };
    let started = Instant::now();
    let report = archive.import_paths(&paths, limits, &mut |_| {}, &AtomicBool::new(false)).expect("import");
    let seconds = started.elapsed().as_secs_f64();
    let photos = report.added.len();
    println!(
        "{{\"photos\": {photos}, \"failed\": {}, \"threads\": {threads}, \"seconds\": {seconds:.3}, \"photos_per_s\": {:.2}}}",
        report.failed.len(),
        photos as f64 / seconds
    );
}
