//! Bundles in the window: share the archive (or a collection) with another archive, preview and
//! merge a bundle from one, and settle the conflicts a merge leaves. None of it in the reading
//! room (`changes!` refuses there): a bundle carries names and original files.

use walkout::Item;
use walkout::bundle::{Conflict, ConflictChoice, MergeOptions, MergeReport, ShareOptions, ShareReport};
use walkout::export::Selection;

changes!(
    /// Writes a bundle to `out`: every item or a collection's, only what changed since a day
    /// (`YYYY-MM-DD`), sealed when a passphrase is given.
    share_bundle(
        out: String,
        collection: Option<String>,
        since: Option<String>,
        include_restricted: bool,
        include_consent: bool,
        passphrase: Option<String>
    ) -> ShareReport,
    |archive| {
        let since = match since.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(day) => Some(day.parse::<walkout::EdtfDate>()?.range().0.and_hms_opt(0, 0, 0).expect("midnight").and_utc()),
            None => None,
        };
        let selection = collection.filter(|c| !c.trim().is_empty()).map_or(Selection::All, Selection::Collection);
        let passphrase = passphrase.filter(|p| !p.is_empty());
        let options = ShareOptions { selection, since, include_restricted, include_consent, passphrase };
        archive.share(&options, std::path::Path::new(out.trim()))
    }
);
changes!(
    /// Merges a bundle, or with `dry_run` says what a merge would do.
    merge_bundle(path: String, passphrase: Option<String>, dry_run: bool) -> MergeReport,
    |archive| {
        let options = MergeOptions { dry_run, passphrase: passphrase.filter(|p| !p.is_empty()) };
        archive.merge_bundle(std::path::Path::new(path.trim()), &options)
    }
);
changes!(merge_conflicts() -> Vec<Conflict>, |archive| archive.merge_conflicts());
changes!(resolve_conflict(id: i64, choice: ConflictChoice) -> Item, |archive| archive.resolve_conflict(id, choice));
