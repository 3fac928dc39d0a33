//! Engine and CLI integration tests: real SQLite, real Tantivy, real files in temp dirs. One
//! test binary, a module per area (as ripgrep does); regression tests are named after what
//! they caught.

mod common;

mod archive_format;
mod cli;
mod dates;
mod fixity_and_backup;
mod import_photos;
mod import_quotes;
mod round_trip;
mod search;
mod writers_and_crashes;
