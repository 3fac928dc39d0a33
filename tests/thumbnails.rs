use crate::common::*;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use walkout::files::thumbs::ThumbSize;
use walkout::ingest::{ImportLimits, ImportReport};
use walkout::{Archive, Item, ItemDetails};

// Thumbnails of the real camera files in tests/data/photos (LICENSES.md there): upright, no
// metadata, made again when deleted; and the decode that makes them is what refuses broken and
// oversized images.

fn import(archive: &mut Archive, paths: &[PathBuf]) -> ImportReport {
    archive.import_paths(paths, ImportLimits::default(), &mut |_| {}, &AtomicBool::new(false)).expect("import runs")
}

fn copy_photos(dir: &Path, files: &[&str]) -> PathBuf {
    let folder = dir.join("photos");
    for file in files {
        write(&folder.join(file), std::fs::read(data("photos").join(file)).unwrap());
    }
    folder
}

fn added(archive: &Archive, report: &ImportReport, file: &str) -> Item {
    let entry = report
        .added
        .iter()
        .find(|a| a.path.ends_with(file))
        .unwrap_or_else(|| panic!("{file} was not added: {report:?}"));
    archive.get(entry.id).unwrap()
}

fn sha(item: &Item) -> String {
    item.sha256().expect("a photo has a file").to_string()
}

fn decode(path: &Path) -> image::RgbImage {
    image::open(path).unwrap_or_else(|e| panic!("{} is not a readable image: {e}", path.display())).into_rgb8()
}

/// Mean absolute difference per channel of two images of the same size.
fn difference(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let sum: u64 = a.as_raw().iter().zip(b.as_raw()).map(|(x, y)| u64::from(x.abs_diff(*y))).sum();
    sum as f64 / a.as_raw().len() as f64
}

#[test]
fn every_photo_gets_an_upright_grid_thumbnail_and_preview_on_demand() {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("archive")).unwrap();
    let files = ["landscape_1.jpg", "landscape_6.jpg", "portrait_8.jpg", "flower.webp", "exif.png"];
    let report = import(&mut archive, &[copy_photos(dir.path(), &files)]);
    assert!(report.failed.is_empty(), "{report:?}");
    for file in files {
        let item = added(&archive, &report, file);
        // The import makes the grid thumbnail; the preview is made on first view.
        let grid = archive.thumbs_dir().join(ThumbSize::Grid.file_name(&sha(&item)));
        assert!(grid.is_file(), "{file}: no grid thumbnail at {}", grid.display());
        let preview = archive.thumbs_dir().join(ThumbSize::Preview.file_name(&sha(&item)));
        assert!(!preview.exists(), "{file}: the import made a preview nobody looked at");
        for size in [ThumbSize::Grid, ThumbSize::Preview] {
            let path = archive.thumbnail(&sha(&item), size).unwrap();
            assert!(path.is_file(), "{file}: no {size:?} thumbnail at {}", path.display());
            let (w, h) = decode(&path).dimensions();
            let ItemDetails::Photo(p) = &item.details else { panic!("{file} is not a photo") };
            let longest = p.width.unwrap().max(p.height.unwrap()).min(size.longest_side());
            assert_eq!(w.max(h), longest, "{file} {size:?}: {w}×{h}");
        }
    }
    // The three orientation photos are one picture stored three ways; turned upright, their
    // thumbnails are the same landscape picture (landscape_6 is stored 450×600 with
    // orientation 6), and portrait_8's is a portrait.
    let grid = |file: &str| {
        decode(&archive.thumbs_dir().join(ThumbSize::Grid.file_name(&sha(&added(&archive, &report, file)))))
    };
    let upright = grid("landscape_1.jpg");
    assert_eq!(upright.dimensions(), (320, 240));
    // The pictures differ only in the digit drawn on them, far less than upside down.
    let turned = grid("landscape_6.jpg");
    let close = difference(&upright, &turned);
    let upside_down = difference(&upright, &image::imageops::rotate180(&turned));
    assert!(close < 20.0 && close * 2.0 < upside_down, "landscape_6 is not turned upright: {close} vs {upside_down}");
    let portrait = grid("portrait_8.jpg");
    assert_eq!(portrait.dimensions(), (240, 320), "portrait_8 upright is a portrait");
}

#[test]
fn thumbnails_carry_no_metadata_from_the_original() {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("archive")).unwrap();
    let report = import(&mut archive, &[copy_photos(dir.path(), &["DSCN0010.jpg"])]);
    let item = added(&archive, &report, "DSCN0010.jpg");
    let ItemDetails::Photo(p) = &item.details else { panic!("not a photo") };
    assert!(p.gps.is_some(), "the original has GPS: {item:?}");
    for size in [ThumbSize::Grid, ThumbSize::Preview] {
        let bytes = std::fs::read(archive.thumbnail(&sha(&item), size).unwrap()).unwrap();
        assert!(bytes.starts_with(&[0xFF, 0xD8]), "a JPEG");
        // No APP1 (EXIF, XMP), APP13 (IPTC) or COM segment, and no trace of the camera.
        for marker in [[0xFF, 0xE1], [0xFF, 0xED], [0xFF, 0xFE]] {
            assert!(!bytes.windows(2).any(|w| w == marker), "{size:?} has a {marker:x?} segment");
        }
        assert!(!bytes.windows(5).any(|w| w == b"NIKON"), "{size:?} names the camera");
    }
}

#[test]
fn deleted_thumbnails_are_made_again_on_demand() {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("archive")).unwrap();
    let report = import(&mut archive, &[copy_photos(dir.path(), &["landscape_6.jpg"])]);
    let item = added(&archive, &report, "landscape_6.jpg");
    let before = std::fs::read(archive.thumbnail(&sha(&item), ThumbSize::Preview).unwrap()).unwrap();
    std::fs::remove_dir_all(archive.thumbs_dir()).unwrap();

    let path = archive.thumbnail(&sha(&item), ThumbSize::Preview).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), before, "the same thumbnail is made again");
    assert_eq!(decode(&path).dimensions(), (600, 450), "upright");
    assert!(archive.thumbs_dir().join(ThumbSize::Grid.file_name(&sha(&item))).is_file());

    let missing = archive.thumbnail(&"0".repeat(64), ThumbSize::Grid).unwrap_err();
    assert_eq!(missing.code(), "no_preview", "{missing}");
}

#[test]
fn a_png_claiming_50000_by_50000_pixels_is_refused_before_decoding() {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("archive")).unwrap();
    let folder = copy_photos(dir.path(), &["DSCN0010.jpg"]);
    write(&folder.join("bomb.png"), png_claiming(50_000, 50_000));
    let report = import(&mut archive, &[folder]);
    assert_eq!(report.added.len(), 1, "{report:?}");
    assert_eq!(report.failed.len(), 1, "{report:?}");
    let failed = &report.failed[0];
    assert!(failed.path.ends_with("bomb.png"), "{failed:?}");
    assert!(
        failed.error.contains("50000×50000") && failed.error.contains("over the limit of 100 megapixels"),
        "the reason says what the header claims and the limit: {}",
        failed.error
    );
    assert_eq!(archive.stats().unwrap().files, 1, "nothing of the bomb is stored");
}

#[test]
fn the_pixel_limit_is_the_callers_to_set() {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("archive")).unwrap();
    let folder = copy_photos(dir.path(), &["DSCN0010.jpg", "exif_gps.jpg"]);
    let limits = ImportLimits { max_pixels: 1000, ..ImportLimits::default() };
    let report = archive.import_paths(&[folder], limits, &mut |_| {}, &AtomicBool::new(false)).unwrap();
    assert_eq!(report.added.len(), 1, "the 8×8 photo fits: {report:?}");
    assert!(report.failed[0].path.ends_with("DSCN0010.jpg"), "{report:?}");
    assert!(report.failed[0].error.contains("640×480"), "{report:?}");
}

#[test]
fn heic_photos_import_with_their_size_and_thumbnails() {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("archive")).unwrap();
    let report = import(&mut archive, &[copy_photos(dir.path(), &["samplefilehub.heif"])]);
    assert!(report.failed.is_empty() && report.warnings.is_empty(), "{report:?}");
    let item = added(&archive, &report, "samplefilehub.heif");
    let ItemDetails::Photo(p) = &item.details else { panic!("not a photo: {item:?}") };
    // What pillow-heif and exiftool report (the corpus manifest).
    assert_eq!((p.width, p.height), (Some(640), Some(426)), "{p:?}");
    assert_eq!(p.format.as_deref(), Some("heif"));
    assert_eq!(p.orientation, Some(1));
    let grid = decode(&archive.thumbnail(&sha(&item), ThumbSize::Grid).unwrap());
    assert_eq!(grid.dimensions(), (320, 213));
    let preview = decode(&archive.thumbnail(&sha(&item), ThumbSize::Preview).unwrap());
    assert_eq!(preview.dimensions(), (640, 426), "a preview is never larger than the photo");
}

/// An 8×8 RGB TIFF whose strip uses a compression no decoder knows (scheme 50000).
fn tiff_with_unknown_compression() -> Vec<u8> {
    let entries: [(u16, u16, u32); 9] = [
        (256, 3, 8),     // ImageWidth
        (257, 3, 8),     // ImageLength
        (258, 3, 122),   // BitsPerSample: three values, at offset 122
        (259, 3, 50000), // Compression
        (262, 3, 2),     // PhotometricInterpretation: RGB
        (273, 4, 128),   // StripOffsets
        (277, 3, 3),     // SamplesPerPixel
        (278, 3, 8),     // RowsPerStrip
        (279, 4, 192),   // StripByteCounts
    ];
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for (tag, kind, value) in entries {
        tiff.extend_from_slice(&tag.to_le_bytes());
        tiff.extend_from_slice(&kind.to_le_bytes());
        tiff.extend_from_slice(&(if tag == 258 { 3u32 } else { 1 }).to_le_bytes());
        tiff.extend_from_slice(&value.to_le_bytes());
    }
    tiff.extend_from_slice(&[0; 4]);
    for _ in 0..3 {
        tiff.extend_from_slice(&8u16.to_le_bytes());
    }
    assert_eq!(tiff.len(), 128);
    tiff.extend(std::iter::repeat_n(0x80, 192));
    tiff
}

#[test]
fn a_photo_no_decoder_reads_is_kept_without_a_preview() {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("archive")).unwrap();
    let folder = dir.path().join("scans");
    write(&folder.join("odd.tif"), tiff_with_unknown_compression());
    let report = import(&mut archive, &[folder]);
    assert!(report.failed.is_empty(), "{report:?}");
    let item = added(&archive, &report, "odd.tif");
    let ItemDetails::Photo(p) = &item.details else { panic!("not a photo: {item:?}") };
    assert_eq!((p.width, p.height, p.format.as_deref()), (Some(8), Some(8), Some("tiff")), "{p:?}");
    assert_eq!(report.warnings.len(), 1, "{report:?}");
    assert!(report.warnings[0].error.contains("without a preview"), "{report:?}");
    let no_preview = archive.thumbnail(&sha(&item), ThumbSize::Grid).unwrap_err();
    assert_eq!(no_preview.code(), "no_preview", "{no_preview}");
}

#[test]
fn an_encrypted_archive_keeps_no_thumbnails_on_disk() {
    let dir = temp();
    let mut archive = Archive::create_encrypted(&dir.path().join("archive"), "long correct passphrase").unwrap();
    let report = import(&mut archive, &[copy_photos(dir.path(), &["landscape_6.jpg"])]);
    let item = added(&archive, &report, "landscape_6.jpg");
    assert!(!archive.thumbs_dir().exists(), "plain pictures of an encrypted archive's photos on disk");
    let refused = archive.thumbnail(&sha(&item), ThumbSize::Grid).unwrap_err();
    assert_eq!(refused.code(), "no_preview", "{refused}");
    // Made in memory instead, for the app to show.
    let jpeg = archive.thumbnail_jpeg(&sha(&item), ThumbSize::Grid).unwrap();
    let grid = image::load_from_memory(&jpeg).unwrap();
    assert_eq!((grid.width(), grid.height()), (320, 240), "upright");
    assert!(!archive.thumbs_dir().exists());
}
