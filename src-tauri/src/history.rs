//! The edit history in the window: an item's versions and restoring one; the archive's
//! operations and reverting one, with its preview. None of it in the reading room (`changes!`
//! refuses there, reads included): earlier versions may hold what the room must not show (a
//! name before its pseudonym, notes, GPS).

use walkout::Item;
use walkout::history::{Operation, OperationKind, RevertPlan, Version};

changes!(item_history(id: String) -> Vec<Version>, |archive| archive.history(archive.resolve_id(&id)?));
changes!(
    /// Saves an earlier version again, as the item's newest.
    restore_version(id: String, version: u32) -> Item,
    |archive| {
        let id = archive.resolve_id(&id)?;
        archive.restore_version(id, version)
    }
);
changes!(
    /// The operations, newest first: since a day (`YYYY-MM-DD`), by a user, of a kind.
    activity(since: Option<String>, user: Option<String>, kind: Option<OperationKind>) -> Vec<Operation>,
    |archive| {
        let since = match since.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(day) => Some(day.parse::<walkout::EdtfDate>()?.range().0.and_hms_opt(0, 0, 0).expect("midnight").and_utc()),
            None => None,
        };
        archive.log(since, user.as_deref(), kind)
    }
);
changes!(revert_plan(operation: i64) -> RevertPlan, |archive| archive.revert_plan(operation));
changes!(
    /// Reverts an operation; refused (`revert_conflict`) where a later change touched the same field.
    revert_operation(operation: i64) -> RevertPlan, |archive| archive.revert_operation(operation)
);
