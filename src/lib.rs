//! Walkout Archive's engine: an offline archive of the quotes, photos and articles of a student
//! movement. SQLite holds the truth, Tantivy a derived full-text index, and original files are
//! stored by their SHA-256. The CLI (`src/bin/walkout/`) and the desktop app both drive it
//! through [`Archive`] alone.

pub mod archive;
pub mod backup;
pub mod bundle;
pub mod collections;
pub mod crypto;
pub mod date;
pub mod demo;
pub mod error;
pub mod export;
pub mod files;
pub mod fixity;
pub mod history;
pub mod index;
pub mod ingest;
pub mod map;
pub mod model;
pub mod ocr;
pub mod people;
pub mod privacy;
pub mod purge;
pub mod reading_room;
pub mod search;
pub mod store;
pub mod templates;
pub mod timeline;
pub mod undo;
pub mod window;

pub use archive::Archive;
pub use date::EdtfDate;
pub use error::{Error, Result};
pub use model::*;
pub use search::{SearchHit, SearchRequest, SearchResults, SortOrder};
