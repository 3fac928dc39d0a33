//! `walkout share`, `walkout merge`, `walkout conflicts` and `walkout resolve`: exchanging
//! bundles between archives.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use walkout::bundle::{ConflictChoice, MergeOptions, ShareOptions};
use walkout::export::Selection;

use crate::open::{new_passphrase, open_reader, open_writer, passphrase};

/// The environment variable a bundle's passphrase can come from.
const PASSPHRASE_ENV: &str = "WALKOUT_BUNDLE_PASSPHRASE";

/// `walkout share OUT [--collection C | --query Q] [--since DATE] [--encrypt] …`.
#[allow(clippy::too_many_arguments)]
pub fn share(
    dir: &Path,
    out: PathBuf,
    collection: Option<String>,
    query: Option<String>,
    since: Option<String>,
    encrypt: bool,
    include_restricted: bool,
    include_consent: bool,
    json: bool,
) -> anyhow::Result<()> {
    let archive = open_reader(dir)?;
    let selection = match (collection, query) {
        (Some(c), _) => Selection::Collection(c),
        (None, Some(q)) => Selection::Query(q),
        (None, None) => Selection::All,
    };
    let since = since
        .map(|s| {
            let date: walkout::EdtfDate =
                s.parse().with_context(|| format!("--since {s:?}: give a date (2026-01-30)"))?;
            anyhow::Ok(date.range().0.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
        })
        .transpose()?;
    let passphrase = if encrypt { Some(new_passphrase(PASSPHRASE_ENV, "Bundle passphrase")?) } else { None };
    let options = ShareOptions { selection, since, include_restricted, include_consent, passphrase };
    let report = archive.share(&options, &out)?;
    if json {
        println!("{}", serde_json::to_string(&report)?);
        return Ok(());
    }
    println!(
        "shared {} items, {} files, {} people, {} deletions and purges to {}{}",
        report.items,
        report.files,
        report.people,
        report.tombstones,
        out.display(),
        if report.sealed { " (sealed)" } else { "" }
    );
    for left in &report.left_out {
        eprintln!("kept back: {}: {}", left.id, left.reason);
    }
    if !report.sealed {
        eprintln!(
            "note: the bundle holds photos' original files (GPS and all) and people's names; \
             seal it (--encrypt) before it travels on a stick or a shared folder"
        );
    }
    Ok(())
}

/// `walkout merge BUNDLE [--dry-run] [--json]`: exits 3 when conflicts wait for a choice.
pub fn merge(dir: &Path, bundle: &Path, dry_run: bool, json: bool) -> anyhow::Result<ExitCode> {
    let mut archive = open_writer(dir)?;
    let mut options = MergeOptions { dry_run, passphrase: std::env::var(PASSPHRASE_ENV).ok() };
    let report = match archive.merge_bundle(bundle, &options) {
        Err(walkout::Error::Sealed { wrong: false, .. }) => {
            options.passphrase = Some(passphrase(PASSPHRASE_ENV, "Bundle passphrase")?);
            archive.merge_bundle(bundle, &options)?
        }
        other => other?,
    };
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        let verb = if report.dry_run { "would merge" } else { "merged" };
        println!(
            "{verb} a bundle from {}: added {}, updated {}, unchanged {}, conflicts {}, deleted {}, purged {}, kept gone {}",
            report.from,
            report.added.len(),
            report.updated.len(),
            report.unchanged,
            report.conflicts.len(),
            report.deleted.len(),
            report.purged.len(),
            report.kept_gone.len()
        );
        for [theirs, ours] in &report.spellings {
            println!("  {theirs:?} is {ours:?} here");
        }
        for c in &report.conflicts {
            println!(
                "  conflict {}: {} “{}”: here {} ({} {}), theirs {} ({} {})",
                c.id,
                c.field,
                c.title,
                c.ours,
                c.our_user,
                c.our_at.format("%Y-%m-%d %H:%M"),
                c.theirs,
                c.their_user,
                c.their_at.format("%Y-%m-%d %H:%M")
            );
        }
        if !report.conflicts.is_empty() && !report.dry_run {
            println!("choose with `walkout resolve N --keep ours|theirs`");
        }
    }
    Ok(if report.conflicts.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(3) })
}

/// `walkout conflicts [--json]`.
pub fn conflicts(dir: &Path, json: bool) -> anyhow::Result<()> {
    let archive = open_reader(dir)?;
    let conflicts = archive.merge_conflicts()?;
    if json {
        println!("{}", serde_json::to_string(&conflicts)?);
        return Ok(());
    }
    for c in &conflicts {
        println!("{}  {}  “{}”  {}", c.id, c.item, c.title, c.field);
        println!("    here:   {}  ({}, {})", c.ours, c.our_user, c.our_at.format("%Y-%m-%d %H:%M"));
        println!("    theirs: {}  ({}, {}; {})", c.theirs, c.their_user, c.their_at.format("%Y-%m-%d %H:%M"), c.bundle);
    }
    if conflicts.is_empty() {
        println!("no conflicts");
    }
    Ok(())
}

/// `walkout resolve N --keep ours|theirs`.
pub fn resolve(dir: &Path, id: i64, keep: &str) -> anyhow::Result<()> {
    let mut archive = open_writer(dir)?;
    let choice = if keep == "theirs" { ConflictChoice::Theirs } else { ConflictChoice::Ours };
    let item = archive.resolve_conflict(id, choice)?;
    println!("resolved conflict {id} of {} “{}”: kept {keep}", item.id, item.title);
    Ok(())
}
