//! Engine errors. Each variant is something a person can act on, and names the file, field or id
//! at fault; `code()` gives a stable, machine-readable tag that the CLI and the desktop shell
//! switch on instead of parsing messages.

use std::path::PathBuf;

use crate::date::DateError;

/// Everything that can go wrong inside the engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Another process holds the archive open for writing.
    #[error(
        "archive in use: {path} is open for writing in another Walkout process; close it there, or open this one read-only"
    )]
    ArchiveInUse { path: PathBuf },
    /// The archive was written by a newer version of Walkout.
    #[error(
        "archive {path} has format version {found}, but this Walkout understands up to {supported}; install a newer Walkout to open it"
    )]
    ArchiveTooNew { path: PathBuf, found: i64, supported: i64 },
    /// The folder holds no archive.
    #[error("no archive at {path}; create one with `walkout init` (or `walkout init --demo`)")]
    NoArchive { path: PathBuf },
    /// `init` on a folder that already is an archive.
    #[error("an archive already exists at {path}")]
    ArchiveExists { path: PathBuf },
    /// The archive was opened read-only and a write was asked for.
    #[error("the archive is open read-only (another process is writing to it); try again when it is closed")]
    ReadOnly,
    /// The passphrase does not unlock the archive.
    #[error("wrong passphrase for the encrypted archive at {path}")]
    WrongPassphrase { path: PathBuf },
    /// An encrypted archive was opened without a passphrase.
    #[error("the archive at {path} is encrypted: give its passphrase (WALKOUT_PASSPHRASE or the prompt)")]
    Locked { path: PathBuf },
    /// No item with that id (or id prefix).
    #[error("no item with id {id}")]
    ItemNotFound { id: String },
    /// An id prefix that fits more than one item.
    #[error("id {id} is ambiguous: it starts {count} items; give more characters")]
    AmbiguousId { id: String, count: usize },
    /// A collection that does not exist.
    #[error("no collection named {name:?}")]
    CollectionNotFound { name: String },
    /// A field value that cannot be accepted.
    #[error("invalid {field}: {reason}")]
    InvalidField { field: String, reason: String },
    /// A date that is not valid EDTF.
    #[error("invalid date: {0}")]
    Date(#[from] DateError),
    /// A file that could not be imported.
    #[error("{path}: {reason}")]
    BadFile { path: PathBuf, reason: String },
    /// A filesystem operation failed.
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// The disk (or the user's quota) is full.
    #[error(
        "the disk is full: {path} could not be written; free some space, then try again (nothing already stored was changed)"
    )]
    DiskFull { path: PathBuf },
    /// An export stopped part way; says what became of what it had written.
    #[error("{source}; the export to {out} did not finish: {what}")]
    ExportIncomplete { out: PathBuf, what: String, source: Box<Error> },
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[source] rusqlite::Error),
    /// The search index failed.
    #[error("search index error: {0}")]
    Index(#[source] tantivy::TantivyError),
    /// A read-only open found no usable search index.
    #[error("the search index of {path} is not ready ({reason}); open the archive for writing once to rebuild it")]
    IndexUnavailable { path: PathBuf, reason: String },
    /// The search query could not be understood.
    #[error("cannot understand the search {query:?}: {reason}")]
    Query { query: String, reason: String },
    /// No thumbnail can be made of a stored file.
    #[error("no preview of file {sha256}: {reason}")]
    NoPreview { sha256: String, reason: String },
    /// Long work was cancelled by the user.
    #[error("cancelled")]
    Cancelled,
    /// The database's write-ahead log still holds data after a purge (another program has the
    /// archive open): deleted text may linger in it until it is emptied.
    #[error(
        "the write-ahead log {path} could not be emptied (another program has the archive open); close it, then run `walkout purge` again to finish"
    )]
    WalNotEmptied { path: PathBuf },
    /// Reverting an operation would undo a change made after it.
    #[error(
        "cannot revert operation {operation}: “{title}” ({item}) had its {field} changed again later (version {version}, by {user} on {at}); restore that item's version by hand, or revert the later change first",
        title = .conflict.title,
        item = .conflict.item,
        field = .conflict.field,
        version = .conflict.version,
        user = .conflict.user,
        at = .conflict.at.format("%Y-%m-%d %H:%M")
    )]
    RevertConflict { operation: i64, conflict: Box<crate::history::RevertConflict> },
    /// The text recogniser cannot run on this machine.
    #[error(
        "cannot read text in images: {reason}; install Tesseract with its English and Spanish data (Debian: tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa)"
    )]
    OcrUnavailable { reason: String },
    /// A bundle sealed with a passphrase, opened without it or with another one.
    #[error("{}", sealed_message(path, *wrong))]
    Sealed { path: PathBuf, wrong: bool },
    /// A long task (an import) holds the archive; a window's change waits for its end.
    #[error("an import is running; try again when it has finished")]
    Busy,
    /// A fault of the program holding the archive (a lock poisoned by an earlier failure).
    #[error("{what}")]
    Internal { what: String },
    /// A change, or a view of the archivist's, asked while the reading room is on.
    #[error("{message}")]
    ReadingRoom { message: String },
    /// A PIN asked for too soon after too many wrong ones.
    #[error("too many tries: wait {seconds} s before the next one")]
    TooManyTries { seconds: u64 },
    /// Neither the reading room's PIN nor the archive's passphrase.
    #[error("that is neither this archive's PIN nor its passphrase; the reading room stays on")]
    WrongPin,
    /// The reading room could not be kept in the archive, so it was not entered.
    #[error("{}", not_entered_message(because))]
    RoomNotEntered { because: Box<Error> },
}

fn not_entered_message(because: &Error) -> String {
    match because {
        Error::ReadOnly => "the reading room was not turned on: this archive is open read-only (another program is \
                            using it), so the room could not be saved and would be forgotten when the app quits"
            .to_string(),
        Error::Busy => {
            "the reading room was not turned on: an import is running; turn it on when it has finished".to_string()
        }
        other => format!("the reading room was not turned on: {other}"),
    }
}

fn sealed_message(path: &std::path::Path, wrong: bool) -> String {
    if wrong {
        format!("wrong passphrase for the sealed bundle {}", path.display())
    } else {
        format!("{} is a sealed bundle: give its passphrase (WALKOUT_BUNDLE_PASSPHRASE or the prompt)", path.display())
    }
}

impl Error {
    /// A stable tag for the kind of error, for scripts and the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Error::ArchiveInUse { .. } => "archive_in_use",
            Error::ArchiveTooNew { .. } => "archive_too_new",
            Error::NoArchive { .. } => "no_archive",
            Error::ArchiveExists { .. } => "archive_exists",
            Error::ReadOnly => "read_only",
            Error::WrongPassphrase { .. } => "wrong_passphrase",
            Error::Locked { .. } => "locked",
            Error::ItemNotFound { .. } => "item_not_found",
            Error::AmbiguousId { .. } => "ambiguous_id",
            Error::CollectionNotFound { .. } => "collection_not_found",
            Error::InvalidField { .. } => "invalid_field",
            Error::Date(_) => "invalid_date",
            Error::BadFile { .. } => "bad_file",
            Error::Io { .. } => "io",
            Error::DiskFull { .. } => "disk_full",
            Error::ExportIncomplete { source, .. } => source.code(),
            Error::Database(_) => "database",
            Error::Index(_) => "index",
            Error::IndexUnavailable { .. } => "index_unavailable",
            Error::Query { .. } => "query",
            Error::NoPreview { .. } => "no_preview",
            Error::Cancelled => "cancelled",
            Error::WalNotEmptied { .. } => "wal_not_emptied",
            Error::OcrUnavailable { .. } => "ocr_unavailable",
            Error::RevertConflict { .. } => "revert_conflict",
            Error::Sealed { wrong: false, .. } => "sealed",
            Error::Sealed { wrong: true, .. } => "wrong_passphrase",
            Error::Busy => "busy",
            Error::Internal { .. } => "internal",
            Error::ReadingRoom { .. } => "reading_room",
            Error::TooManyTries { .. } => "too_many_tries",
            Error::WrongPin => "wrong_pin",
            Error::RoomNotEntered { because } => because.code(),
        }
    }

    /// Wraps an I/O error with the path it happened on (a full disk becomes `DiskFull`).
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        if is_disk_full(&source) {
            return Error::DiskFull { path: path.into() };
        }
        Error::Io { path: path.into(), source }
    }

    /// A per-file import failure.
    pub fn bad_file(path: impl Into<PathBuf>, reason: impl Into<String>) -> Error {
        Error::BadFile { path: path.into(), reason: reason.into() }
    }

    /// An invalid field value.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::InvalidField { field: field.into(), reason: reason.into() }
    }
}

// A full disk says so, whichever layer hit it: the database and the index name their own files.
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => Error::DiskFull { path: PathBuf::from(DATABASE_FILE) },
            _ => Error::Database(e),
        }
    }
}

impl From<tantivy::TantivyError> for Error {
    fn from(e: tantivy::TantivyError) -> Error {
        use tantivy::TantivyError as T;
        use tantivy::directory::error::OpenWriteError;
        let full = match &e {
            T::IoError(io) => is_disk_full(io),
            T::OpenWriteError(OpenWriteError::IoError { io_error, .. }) => is_disk_full(io_error),
            // The indexing threads report what failed them only as text.
            T::ErrorInThread(text) | T::SystemError(text) => text.contains("os error 28"),
            _ => false,
        };
        if full {
            return Error::DiskFull { path: PathBuf::from(INDEX_DIR) };
        }
        Error::Index(e)
    }
}

/// The names the database and the index have inside an archive folder, as a full disk names them.
const DATABASE_FILE: &str = "archive.sqlite";
const INDEX_DIR: &str = "index";

/// Whether an I/O error means the disk (or the quota) is full.
pub fn is_disk_full(e: &std::io::Error) -> bool {
    matches!(e.kind(), std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded)
        || e.raw_os_error() == Some(28)
}

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
