use crate::common::*;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use walkout::Archive;
use walkout::ingest::{ImportLimits, ImportProgress, ImportReport};

// Imports run in work batches: files are read and decoded on worker threads, and the calling
// thread commits. A cancel stops within the batch under way and keeps what was committed, so the
// same import run again adds exactly what is missing.

const FIXTURES: [&str; 9] = [
    "DSCN0010.jpg",
    "DSCN0012.jpg",
    "landscape_1.jpg",
    "landscape_6.jpg",
    "portrait_8.jpg",
    "exif_gps.jpg",
    "flower.webp",
    "hopper_orientation_6.webp",
    "exif.png",
];

/// The fixture photos and `extra` small PNGs of different colours: `FIXTURES.len() + extra`
/// distinct photos.
fn photo_folder(dir: &Path, extra: u8) -> PathBuf {
    let folder = dir.join("photos");
    for file in FIXTURES {
        write(&folder.join(file), std::fs::read(data("photos").join(file)).unwrap());
    }
    for i in 0..extra {
        let image = image::RgbImage::from_pixel(24, 16, image::Rgb([i * 20, 100, 255 - i * 20]));
        image.save(folder.join(format!("swatch_{i:02}.png"))).unwrap();
    }
    folder
}

fn names(paths: impl Iterator<Item = String>) -> BTreeSet<String> {
    paths.map(|p| Path::new(&p).file_name().unwrap().to_string_lossy().into_owned()).collect()
}

fn import(
    archive: &mut Archive,
    folder: &Path,
    limits: ImportLimits,
    cancel_after: Option<usize>,
) -> (ImportReport, Vec<ImportProgress>) {
    let cancel = AtomicBool::new(false);
    let mut seen = Vec::new();
    let mut progress = |p: &ImportProgress| {
        seen.push(p.clone());
        if cancel_after.is_some_and(|n| p.done >= n) {
            cancel.store(true, Ordering::Relaxed);
        }
    };
    let report = archive.import_paths(&[folder.to_path_buf()], limits, &mut progress, &cancel).unwrap();
    (report, seen)
}

#[test]
fn a_cancelled_import_run_again_adds_only_what_is_missing() {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("archive")).unwrap();
    let folder = photo_folder(dir.path(), 11);
    let total = FIXTURES.len() + 11;
    // One thread: work batches of 8 files. Cancelled as the first file is done, the import
    // finishes that batch and starts no other.
    let one_thread = ImportLimits { max_threads: 1, ..ImportLimits::default() };
    let (first, progress) = import(&mut archive, &folder, one_thread, Some(1));
    assert!(first.cancelled, "{first:?}");
    assert!(first.failed.is_empty(), "{first:?}");
    assert_eq!(first.added.len(), 8, "stopped within the first batch: {first:?}");
    assert_eq!(archive.stats().unwrap().photos, 8, "what the cancelled run read is committed");
    assert!(progress.windows(2).all(|w| w[0].done <= w[1].done), "progress only moves forward");
    assert!(progress.iter().all(|p| p.total == total), "{progress:?}");

    let (second, progress) = import(&mut archive, &folder, ImportLimits::default(), None);
    assert!(!second.cancelled && second.failed.is_empty(), "{second:?}");
    let first_added = names(first.added.iter().map(|a| a.path.clone()));
    let second_added = names(second.added.iter().map(|a| a.path.clone()));
    assert!(first_added.is_disjoint(&second_added), "nothing is added twice");
    assert_eq!(first_added.len() + second_added.len(), total, "{second:?}");
    assert_eq!(
        names(second.duplicates.iter().map(|d| d.path.clone())),
        first_added,
        "the first run's files are duplicates"
    );
    assert_eq!(archive.stats().unwrap().photos as usize, total);
    assert_eq!(progress.last().map(|p| p.done), Some(total), "{progress:?}");
}

#[test]
fn one_thread_and_all_cores_import_the_same_items_in_the_same_order() {
    let reports: Vec<ImportReport> = [1, 0]
        .into_iter()
        .map(|threads| {
            let dir = temp();
            let mut archive = Archive::create(&dir.path().join("archive")).unwrap();
            let folder = photo_folder(dir.path(), 3);
            write(&folder.join("zz_copy_of_exif.png"), std::fs::read(data("photos").join("exif.png")).unwrap());
            write(&folder.join("broken.jpg"), &std::fs::read(data("photos").join("DSCN0010.jpg")).unwrap()[..5000]);
            let limits = ImportLimits { max_threads: threads, ..ImportLimits::default() };
            import(&mut archive, &folder, limits, None).0
        })
        .collect();
    let order = |r: &ImportReport| {
        r.added.iter().map(|a| Path::new(&a.path).file_name().unwrap().to_owned()).collect::<Vec<_>>()
    };
    assert_eq!(order(&reports[0]), order(&reports[1]));
    for report in &reports {
        assert_eq!(report.added.len(), FIXTURES.len() + 3, "{report:?}");
        assert_eq!(
            names(report.duplicates.iter().map(|d| d.path.clone())),
            names(["zz_copy_of_exif.png".to_string()].into_iter())
        );
        assert_eq!(names(report.failed.iter().map(|f| f.path.clone())), names(["broken.jpg".to_string()].into_iter()));
    }
}
