//! The `walkout` command: argument parsing and printing only. Every command maps to one call on
//! `Archive`. Its commands, flags, JSON shapes and exit codes are a public contract scripts
//! rely on: 0 when everything asked succeeded, 2 when an import or verify found failures (the
//! summary is still printed), 1 for any other error, with the cause on stderr.

mod cli;
mod history;
mod open;
mod print;
mod share;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, bail};
use clap::Parser;
use serde_json::json;
use walkout::export::{self, Selection};
use walkout::ingest::ImportLimits;
use walkout::{Archive, EdtfDate, Item, ItemDetails};

use cli::{AddCommand, Cli, CollectionCommand, Command};
use open::*;
use print::*;

fn main() -> ExitCode {
    // Tests inject crashes at named points of the write path: `FAILPOINTS=after-db-commit=sleep(60000)`.
    #[cfg(feature = "failpoints")]
    let _failpoints = fail::FailScenario::setup();
    // A closed pipe (`walkout search … | head`) ends the program quietly, as it does any Unix
    // tool, instead of a panic on the next print.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of a signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("walkout: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn archive_dir(cli_dir: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match cli_dir {
        Some(dir) => Ok(dir),
        None => Ok(dirs::data_dir().context("no platform data dir; pass --archive DIR")?.join("walkout")),
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let dir = archive_dir(cli.archive)?;
    match cli.command {
        Command::Init { demo, encrypt } => {
            let mut archive = if encrypt {
                let passphrase = new_passphrase("WALKOUT_PASSPHRASE", "Passphrase for the new archive")?;
                Archive::create_encrypted(&dir, &passphrase)?
            } else {
                Archive::create(&dir)?
            };
            if demo {
                walkout::demo::populate(&mut archive)?;
            }
            let stats = archive.stats()?;
            println!("created archive at {} ({} items)", dir.display(), stats.items);
        }
        Command::Passphrase => {
            let old = passphrase("WALKOUT_PASSPHRASE", "Current passphrase")?;
            let new = new_passphrase("WALKOUT_NEW_PASSPHRASE", "New passphrase")?;
            Archive::change_passphrase(&dir, &old, &new)?;
            println!("passphrase changed");
        }
        Command::Add(AddCommand::Quote { text, speaker, role, date, place, source, lang, tags, json }) => {
            let mut archive = open_writer(&dir)?;
            let mut item = Item::quote(text, archive.now());
            item.date = date.map(|d| d.parse::<EdtfDate>()).transpose()?;
            item.place = place;
            item.language = lang;
            item.tags = tags;
            let source_item = source.as_deref().and_then(|s| archive.resolve_id(s).ok());
            if let ItemDetails::Quote(q) = &mut item.details {
                q.speaker = speaker;
                q.role = role;
                q.source_item = source_item;
            }
            if source_item.is_none() {
                item.source = source;
            }
            let id = archive.add_item(item)?;
            if json {
                println!("{}", json!({ "id": id }));
            } else {
                println!("{id}");
            }
        }
        Command::Import { paths, json } => {
            let mut archive = open_writer(&dir)?;
            let bar = progress_bar();
            let mut on_progress = |p: &walkout::ingest::ImportProgress| {
                if let Some(bar) = &bar {
                    bar.set_length(p.total as u64);
                    bar.set_position(p.done as u64);
                    bar.set_message(
                        p.current.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                    );
                }
            };
            let report =
                archive.import_paths(&paths, ImportLimits::default(), &mut on_progress, &AtomicBool::new(false))?;
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            if json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                println!(
                    "added {}, duplicates {}, failed {}",
                    report.added.len(),
                    report.duplicates.len(),
                    report.failed.len()
                );
                for w in &report.warnings {
                    eprintln!("warning: {}: {}", w.path, w.error);
                }
                for f in &report.failed {
                    eprintln!("failed: {}: {}", f.path, f.error);
                }
            }
            if !report.failed.is_empty() {
                return Ok(ExitCode::from(2));
            }
        }
        Command::Search(args) => search(&dir, args)?,
        Command::Timeline(args) => print::timeline(&dir, args)?,
        Command::Template(command) => history::template(&dir, command)?,
        Command::History { id, json } => history::history(&dir, &id, json)?,
        Command::Revert { id, to, operation, dry_run, json } => {
            history::revert(&dir, id, to, operation, dry_run, json)?
        }
        Command::Log { since, user, kind, json } => history::log(&dir, since, user, kind, json)?,
        Command::User { name } => history::user(&dir, name)?,
        Command::Share { out, collection, query, since, encrypt, include_restricted, include_consent, json } => {
            share::share(&dir, out, collection, query, since, encrypt, include_restricted, include_consent, json)?
        }
        Command::Merge { bundle, dry_run, json } => return share::merge(&dir, &bundle, dry_run, json),
        Command::Conflicts { json } => share::conflicts(&dir, json)?,
        Command::Resolve { id, keep } => share::resolve(&dir, id, &keep)?,
        Command::Map { filters, public, json } => print::map(&dir, filters, public, json)?,
        Command::Place { name, at, clear: _ } => {
            let mut archive = open_writer(&dir)?;
            let gps = match at {
                Some(at) => {
                    let parsed = at.split_once(',').and_then(|(lat, lon)| {
                        walkout::Gps::checked(lat.trim().parse().ok()?, lon.trim().parse().ok()?)
                    });
                    Some(parsed.with_context(|| format!("--at {at:?}: write LATITUDE,LONGITUDE in degrees"))?)
                }
                None => None,
            };
            archive.locate_place(&name, gps)?;
            match gps {
                Some(g) => println!("{name}: {}, {}", g.lat, g.lon),
                None => println!("{name}: no coordinates"),
            }
        }
        Command::Show { id, json } => {
            let archive = open_reader(&dir)?;
            let item = archive.get(archive.resolve_id(&id)?)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&item)?);
            } else {
                print_item(&item)?;
            }
        }
        Command::Edit { id, set } => {
            let mut archive = open_writer(&dir)?;
            let id = archive.resolve_id(&id)?;
            let mut changes = Vec::new();
            for pair in set {
                let Some((field, value)) = pair.split_once('=') else { bail!("--set {pair:?}: write FIELD=VALUE") };
                changes.push((field.trim().to_string(), value.to_string()));
            }
            let item = archive.edit(id, &changes)?;
            println!("updated {}", item.id);
        }
        Command::Tag { id, tags } => {
            let mut archive = open_writer(&dir)?;
            let id = archive.resolve_id(&id)?;
            let item = archive.tag(id, &tags)?;
            println!("{}: {}", item.id, item.tags.join(", "));
        }
        Command::Delete { id } => {
            let mut archive = open_writer(&dir)?;
            let id = archive.resolve_id(&id)?;
            archive.delete(id)?;
            println!("deleted {id}");
        }
        Command::Collection(CollectionCommand::Add { name, ids }) => {
            let mut archive = open_writer(&dir)?;
            let ids = ids.iter().map(|i| archive.resolve_id(i)).collect::<Result<Vec<_>, _>>()?;
            archive.add_to_collection(&name, &ids)?;
            println!("{} now holds {} items", name, archive.collection_items(&name)?.len());
        }
        Command::Collection(CollectionCommand::List { json }) => {
            let archive = open_reader(&dir)?;
            let collections = archive.collections()?;
            if json {
                println!("{}", serde_json::to_string(&collections)?);
            } else {
                for c in collections {
                    println!("{} ({} items)", c.name, c.items.len());
                }
            }
        }
        Command::Export {
            format,
            style,
            collection,
            query,
            include_restricted,
            zip,
            originals,
            base_url,
            out,
            json,
        } => {
            let format = export::Format::parse(&format)?;
            if zip && format != export::Format::Bagit {
                bail!("--zip is for --format bagit");
            }
            if base_url.is_some() && format != export::Format::Iiif {
                bail!("--base-url is for --format iiif: it is where the IIIF folder will be served");
            }
            if originals && format == export::Format::Iiif {
                bail!("--originals is not for --format iiif: {}", export::ORIGINALS_NOT_FOR_IIIF);
            }
            if originals && !format.ships_originals() {
                bail!("--originals is for --format json, csv, jsonld or bagit: the other formats carry no photo files");
            }
            let archive = open_reader(&dir)?;
            let selection = match (collection, query) {
                (Some(name), _) => Selection::Collection(name),
                (None, Some(q)) => Selection::Query(q),
                (None, None) => Selection::All,
            };
            let mut options = export::ExportOptions {
                selection,
                include_restricted,
                zip,
                style: export::citation::Style::parse(&style)?,
                originals,
                base_url,
                progress: export::Progress::default(),
            };
            let bar = progress_bar();
            if let Some(bar) = &bar {
                bar.set_message("writing files");
                let bar = bar.clone();
                options.progress = export::Progress::new(move |p| {
                    bar.set_length(p.total as u64);
                    bar.set_position(p.done as u64);
                });
            }
            let report = export::export(&archive, format, &options, &out);
            if let Some(bar) = &bar {
                bar.finish_and_clear();
            }
            let report = report?;
            if json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                print_export_report(&report, &out);
            }
        }
        Command::Verify { log: true, json, .. } => {
            let archive = open_reader(&dir)?;
            let runs = archive.fixity_log()?;
            if json {
                println!("{}", serde_json::to_string(&runs)?);
            } else {
                for run in &runs {
                    println!(
                        "{}  checked {}, ok {}, mismatched {}, missing {}",
                        run.at,
                        run.checked,
                        run.ok,
                        run.mismatched.len(),
                        run.missing.len()
                    );
                    for p in run.mismatched.iter().chain(&run.missing) {
                        println!("    item {} ({})", p.id, p.path);
                    }
                }
                if runs.is_empty() {
                    println!("no verify runs recorded yet");
                }
            }
        }
        Command::Backup { out, json } => {
            let archive = open_reader(&dir)?;
            let report = archive.backup(&out)?;
            if json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                println!("backed up {} items and {} files to {}", report.items, report.files, report.path.display());
            }
        }
        Command::Verify { log: false, clean, json } => {
            // Only a writer may remove files: no import can be storing one meanwhile.
            let mut archive = if clean { open_writer(&dir)? } else { open_reader(&dir)? };
            let bar = progress_bar();
            let report = archive.verify_and_log(&mut |done, total| {
                if let Some(bar) = &bar {
                    bar.set_length(total);
                    bar.set_position(done);
                }
            })?;
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            let removed = if clean { Some(archive.remove_unreferenced_files()?) } else { None };
            if json {
                let mut out = serde_json::to_value(&report)?;
                if let (Some(removed), Some(map)) = (&removed, out.as_object_mut()) {
                    map.insert("removed".to_string(), serde_json::to_value(removed)?);
                }
                println!("{out}");
            } else {
                print_verify_report(&report, removed.as_ref(), archive.is_read_only());
            }
            // A read-only handle may see the index a moment behind the writer: not a failure.
            if !report.is_clean() || (!archive.is_read_only() && !report.index_agrees()) {
                return Ok(ExitCode::from(2));
            }
        }
        Command::Person { name, minor, at_risk, pseudonym, json } => {
            let mut archive = open_writer(&dir)?;
            let pseudonym = pseudonym.as_deref().map(|p| Some(p).filter(|p| !p.trim().is_empty()));
            archive.set_person_protection(&name, minor, at_risk, pseudonym)?;
            let person = archive.person_privacy(&name)?;
            if json {
                println!("{}", serde_json::to_string(&person)?);
            } else {
                println!(
                    "{}: minor {}, at risk {}, pseudonym {}",
                    person.name,
                    person.minor,
                    person.at_risk,
                    person.pseudonym.as_deref().unwrap_or("—")
                );
            }
        }
        Command::Consent { name, scope, status, date, note, expires } => {
            let mut archive = open_writer(&dir)?;
            let record = walkout::privacy::ConsentRecord {
                scope: walkout::privacy::ConsentScope::parse(&scope)?,
                status: walkout::Consent::parse(&status)?,
                date: date.map(|d| d.parse()).transpose()?,
                note,
                expires: expires
                    .map(|e| e.parse().with_context(|| format!("--expires {e:?}: write YYYY-MM-DD")))
                    .transpose()?,
            };
            archive.record_consent(&name, record)?;
            println!("recorded: {name} {status} ({scope})");
        }
        Command::Purge { ids, person, json } => {
            let mut archive = open_writer(&dir)?;
            let report = match person {
                Some(name) => archive.purge_person(&name)?,
                None => {
                    let ids = ids.iter().map(|i| archive.resolve_id(i)).collect::<Result<Vec<_>, _>>()?;
                    archive.purge(&ids)?
                }
            };
            if json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                println!("purged {} items and {} files", report.items.len(), report.files);
                for e in &report.exports {
                    println!("recall: {} export of {} to {}", e.format, e.at, e.destination);
                }
            }
        }
        Command::Ocr { ids, all, force, json } => return ocr(&dir, &ids, all, force, json),
        Command::Reindex => {
            let mut archive = open_writer(&dir)?;
            let count = archive.reindex()?;
            println!("reindexed {count} items");
        }
        Command::Stats { json } => {
            let archive = open_reader(&dir)?;
            let stats = archive.stats()?;
            if json {
                println!("{}", serde_json::to_string(&stats)?);
            } else {
                println!(
                    "{} items: {} quotes, {} photos, {} articles; {} files; {} people, {} places, {} events, {} collections, {} tags",
                    stats.items,
                    stats.quotes,
                    stats.photos,
                    stats.articles,
                    stats.files,
                    stats.people,
                    stats.places,
                    stats.events,
                    stats.collections,
                    stats.tags
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `walkout ocr`: reads photos one by one with a progress bar; a photo that cannot be read is
/// reported (exit 2) and the others go on.
fn ocr(dir: &std::path::Path, ids: &[String], all: bool, force: bool, json: bool) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let mut archive = open_writer(dir)?;
    let targets = if all {
        archive.ocr_candidates(force)?
    } else {
        ids.iter().map(|i| archive.resolve_id(i)).collect::<Result<Vec<_>, _>>()?
    };
    let mut recognizer = walkout::ocr::Recognizer::new()?;
    let bar = progress_bar();
    if let Some(bar) = &bar {
        bar.set_length(targets.len() as u64);
    }
    let (mut recognised, mut kept, mut skipped) = (0u64, 0u64, 0u64);
    let mut failed = Vec::new();
    for (done, id) in targets.iter().enumerate() {
        if let Some(bar) = &bar {
            bar.set_position(done as u64);
            bar.set_message(id.to_string());
        }
        match archive.recognize(*id, &mut recognizer, force) {
            Ok(walkout::ocr::OcrOutcome::Recognised) => recognised += 1,
            Ok(walkout::ocr::OcrOutcome::KeptCorrection) => kept += 1,
            Ok(walkout::ocr::OcrOutcome::Skipped) => skipped += 1,
            Err(e @ walkout::Error::OcrUnavailable { .. }) => return Err(e.into()),
            Err(e) => failed.push(json!({ "id": id.to_string(), "error": e.to_string(), "code": e.code() })),
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let seconds = started.elapsed().as_secs_f64();
    if json {
        println!(
            "{}",
            json!({ "recognised": recognised + kept, "kept_corrections": kept, "skipped": skipped, "failed": failed, "seconds": seconds })
        );
    } else {
        println!(
            "read {} photos ({kept} corrections kept), skipped {skipped}, failed {}",
            recognised + kept,
            failed.len()
        );
        for f in &failed {
            eprintln!("failed: {}: {}", f["id"].as_str().unwrap_or_default(), f["error"].as_str().unwrap_or_default());
        }
    }
    Ok(if failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) })
}
