//! The commands behind bulk edit and undo: deletes that return what puts them back, one change
//! to many items, and items saved again as they were. Each translates to one engine call.

use walkout::undo::{BulkChange, DeletedItem};
use walkout::{Archive, Id, Item};

fn ids(archive: &Archive, ids: &[String]) -> walkout::Result<Vec<Id>> {
    ids.iter().map(|id| archive.resolve_id(id)).collect()
}

changes!(
    /// Deletes items, returning what `restore_items` needs to put them back (the app's undo).
    delete_items(ids: Vec<String>) -> Vec<DeletedItem>, |archive| archive.delete_for_undo(&self::ids(archive, &ids)?)
);
changes!(
    /// Puts deleted items back as they were.
    restore_items(deleted: Vec<DeletedItem>) -> (), |archive| archive.restore(&deleted)
);
changes!(
    /// One change to many items (bulk edit); returns the items as they were, for undo.
    edit_items(ids: Vec<String>, change: BulkChange) -> Vec<Item>,
    |archive| archive.edit_many(&self::ids(archive, &ids)?, &change)
);
changes!(
    /// Saves items as they were before an edit (undo of `update_item` and `edit_items`).
    put_back_items(items: Vec<Item>) -> (), |archive| archive.put_back(&items)
);
