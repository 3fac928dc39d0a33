//! Errors as the window sees them. Every command fails with an `AppError`: a stable `code` that
//! the UI switches on (the engine's `Error::code()`, or one of the few the shell adds) and a
//! message a person can read. Strings of `to_string()` never cross IPC on their own.

use serde::Serialize;
use ts_rs::TS;

/// A failed command, as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppError {
    /// What went wrong, for the UI to switch on: one of the engine's codes (`item_not_found`,
    /// `invalid_field`, `invalid_date`, `read_only`, `archive_in_use`, …) or the shell's own
    /// (`busy`, `internal`).
    pub code: String,
    /// What went wrong, in words a person can act on.
    pub message: String,
}

impl AppError {
    /// A fault of the shell itself (a worker thread died, a lock was poisoned).
    pub fn internal(message: impl Into<String>) -> AppError {
        AppError { code: "internal".to_string(), message: message.into() }
    }
}

impl From<walkout::Error> for AppError {
    fn from(error: walkout::Error) -> AppError {
        AppError { code: error.code().to_string(), message: error.to_string() }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for AppError {}

/// The result of a command.
pub type CommandResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_errors_keep_their_code() {
        let error = AppError::from(walkout::Error::ItemNotFound { id: "0192".to_string() });
        assert_eq!(error.code, "item_not_found");
        assert!(error.message.contains("0192"));
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["code"], "item_not_found");
    }
}
