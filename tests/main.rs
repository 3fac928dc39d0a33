//! Engine and CLI integration tests: real SQLite, real Tantivy, real files in temp dirs. One
//! test binary, a module per area (as ripgrep does); regression tests are named after what
//! they caught.

mod common;

mod archive_format;
mod articles;
mod bad_input;
mod bundles;
mod cli;
mod collections;
mod concurrent_search;
mod crash_kills;
mod dates;
mod disk_full;
mod encryption;
mod export_bagit;
mod export_citations;
mod export_csv;
mod export_fixture;
mod export_iiif;
mod export_images;
mod export_jsonld;
mod export_site;
mod export_snapshots;
mod fixity_and_backup;
mod fuzz_regressions;
mod history;
mod import_batches;
mod import_pdfs;
mod import_photos;
mod import_quotes;
mod map;
mod ocr;
mod offline;
mod privacy;
mod privacy_attacks;
mod privacy_attacks_purge;
mod privacy_attacks_suggestions;
mod round_trip;
mod search;
mod templates;
mod thumbnails;
mod timeline;
mod undo;
mod window;
mod write_path_faults;
mod writers_and_crashes;
