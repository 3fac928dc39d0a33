//! The `walkout` command: argument parsing and printing only. Every command maps to one call on
//! `Archive`. Its commands, flags, JSON shapes and exit codes are a public contract scripts
//! rely on: 0 when everything asked succeeded, 2 when an import or verify found failures (the
//! summary is still printed), 1 for any other error, with the cause on stderr.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use walkout::export::{self, Selection};
use walkout::fixity::CleanReport;
use walkout::ingest::ImportLimits;
use walkout::{Archive, EdtfDate, Item, ItemDetails, ItemKind, SearchRequest, SortOrder};

#[derive(Parser)]
#[command(
    name = "walkout",
    version,
    about = "Walkout Archive: an offline archive of the student walkouts' quotes, photos and articles"
)]
struct Cli {
    /// The archive folder (default: the platform data dir, e.g. ~/.local/share/walkout).
    #[arg(long, global = true, env = "WALKOUT_ARCHIVE")]
    archive: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create an archive (with --demo: filled with the movement's public record; with
    /// --encrypt: encrypted under a passphrase from WALKOUT_PASSPHRASE or a prompt).
    Init {
        #[arg(long)]
        demo: bool,
        #[arg(long)]
        encrypt: bool,
    },
    /// Change the passphrase of an encrypted archive (old and new from prompts, or
    /// WALKOUT_PASSPHRASE and WALKOUT_NEW_PASSPHRASE).
    Passphrase,
    /// Add an item by hand.
    #[command(subcommand)]
    Add(AddCommand),
    /// Import files and folders (recursively): photos, articles, quote sheets, Walkout exports.
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Search the archive.
    Search(SearchArgs),
    /// Show one item.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Change fields of an item: --set FIELD=VALUE (repeatable).
    Edit {
        id: String,
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
        set: Vec<String>,
    },
    /// Add tags to an item.
    Tag {
        id: String,
        #[arg(required = true)]
        tags: Vec<String>,
    },
    /// Delete an item.
    Delete { id: String },
    /// Work with collections.
    #[command(subcommand)]
    Collection(CollectionCommand),
    /// Export items (only public ones unless --include-restricted): json, csv, jsonld, bagit and
    /// site write a folder (bagit with --zip a zip file); csl-json, ris and citation write one file.
    Export {
        /// json, csv, jsonld, bagit, site (an offline exhibit), csl-json, ris or citation.
        #[arg(long, default_value = "json")]
        format: String,
        /// The style of --format citation: chicago, mla or apa.
        #[arg(long, default_value = "chicago")]
        style: String,
        #[arg(long, conflicts_with = "query")]
        collection: Option<String>,
        #[arg(long)]
        query: Option<String>,
        /// Also export restricted items (private ones never leave).
        #[arg(long)]
        include_restricted: bool,
        /// Write the bag as one zip file (--format bagit).
        #[arg(long)]
        zip: bool,
        /// Ship photos as the untouched original files, with their camera metadata (EXIF, GPS)
        /// and without redactions, for an archivist's own lossless transfer (json, csv, jsonld,
        /// bagit). Without it, photos leave cleaned: upright, redactions burned in, no metadata.
        #[arg(long)]
        originals: bool,
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Re-hash every stored original and report changed or missing files (recorded in the
    /// fixity log), stored files nothing points to, and whether the search index agrees with
    /// the database; with --log, print the log of earlier runs.
    Verify {
        #[arg(long)]
        log: bool,
        /// Also remove stored files nothing points to (left by an interrupted import or by
        /// deleted items) and thumbnails of photos no longer held.
        #[arg(long, conflicts_with = "log")]
        clean: bool,
        #[arg(long)]
        json: bool,
    },
    /// Write a verified copy of the archive to OUT (replacing an older backup only when the new
    /// one checks out).
    Backup {
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Rebuild the search index from the database.
    Reindex,
    /// Protect a person: flags and pseudonym (items involving them are re-checked at once).
    Person {
        name: String,
        /// Under 18: everything quoting or showing them is restricted.
        #[arg(long)]
        minor: Option<bool>,
        /// At risk (e.g. undocumented): everything quoting or showing them is restricted.
        #[arg(long)]
        at_risk: Option<bool>,
        /// How exports name them without name consent ("a student at Meadowcreek High School").
        #[arg(long)]
        pseudonym: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Record a person's consent: --scope quote|name|image|location --status granted|withheld|unknown.
    Consent {
        name: String,
        #[arg(long)]
        scope: String,
        #[arg(long)]
        status: String,
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// Last day the consent holds (YYYY-MM-DD).
        #[arg(long)]
        expires: Option<String>,
    },
    /// Remove items (or a person and everything involving them) for good, leaving no trace in
    /// the archive folder; lists earlier exports that contained them.
    Purge {
        #[arg(required_unless_present = "person", conflicts_with = "person")]
        ids: Vec<String>,
        #[arg(long)]
        person: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Count what the archive holds.
    Stats {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum AddCommand {
    /// Add a quote.
    Quote {
        #[arg(long)]
        text: String,
        #[arg(long)]
        speaker: Option<String>,
        #[arg(long)]
        role: Option<String>,
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        place: Option<String>,
        /// An article item's id, or a citation or URL.
        #[arg(long)]
        source: Option<String>,
        #[arg(long)]
        lang: Option<String>,
        #[arg(long = "tag")]
        tags: Vec<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum CollectionCommand {
    /// Add items to a collection (created if new).
    Add {
        name: String,
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// List collections.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct SearchArgs {
    /// Words; "quoted phrase"; a OR b; -excluded. Empty lists everything.
    #[arg(default_value = "")]
    query: String,
    #[arg(long)]
    kind: Vec<String>,
    #[arg(long)]
    tag: Vec<String>,
    #[arg(long)]
    speaker: Option<String>,
    #[arg(long)]
    place: Option<String>,
    #[arg(long)]
    collection: Option<String>,
    #[arg(long)]
    year: Option<i32>,
    #[arg(long)]
    from: Option<String>,
    #[arg(long)]
    to: Option<String>,
    /// relevance, date, date-asc, title, added
    #[arg(long, default_value = "relevance")]
    sort: String,
    #[arg(long, default_value_t = 20)]
    limit: usize,
    #[arg(long, default_value_t = 0)]
    offset: usize,
    #[arg(long)]
    json: bool,
}

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
        Command::Export { format, style, collection, query, include_restricted, zip, originals, out, json } => {
            let format = export::Format::parse(&format)?;
            if zip && format != export::Format::Bagit {
                bail!("--zip is for --format bagit");
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

fn print_verify_report(report: &walkout::fixity::VerifyReport, removed: Option<&CleanReport>, read_only: bool) {
    println!(
        "checked {}, ok {}, mismatched {}, missing {}",
        report.checked,
        report.ok,
        report.mismatched.len(),
        report.missing.len()
    );
    for p in &report.mismatched {
        eprintln!("changed: item {} ({})", p.id, p.path);
    }
    for p in &report.missing {
        eprintln!("missing: item {} ({})", p.id, p.path);
    }
    match removed {
        Some(removed) => println!(
            "removed {} stored files nothing pointed to and {} stale thumbnails",
            removed.files.len(),
            removed.thumbnails
        ),
        None if !report.unreferenced.is_empty() => println!(
            "{} stored files nothing points to (left by an interrupted import or deleted items); `walkout verify --clean` removes them",
            report.unreferenced.len()
        ),
        None => {}
    }
    if !report.index_agrees() {
        let why = if read_only { " (another process is writing: it may be a moment behind)" } else { "" };
        eprintln!(
            "search index: {} items missing, {} documents too many{why}; `walkout reindex` rebuilds it",
            report.index_missing.len(),
            report.index_extra.len()
        );
    }
}

fn print_export_report(report: &export::ExportReport, out: &Path) {
    println!("exported {} items and {} files to {}", report.exported, report.files, out.display());
    if report.originals {
        println!(
            "photo files are the untouched ORIGINALS, with their camera metadata (EXIF, GPS position, camera serial) \
             and without redactions: keep this export private"
        );
    }
    if report.left_out.is_empty() {
        return;
    }
    let count = |reason: &str| report.left_out.iter().filter(|l| l.reason == reason).count();
    let (restricted, private) = (count("restricted"), count("private"));
    // A photo that cannot be cleaned is left out too, for a reason that is not privacy.
    let unclean = report.left_out.iter().filter(|l| l.reason.contains("cannot be cleaned")).count();
    let others = if unclean > 0 { format!(", {unclean} whose photo cannot be cleaned") } else { String::new() };
    println!(
        "left out {} items ({restricted} restricted, {private} private{others}; use --include-restricted for restricted ones)",
        report.left_out.len()
    );
    for left in &report.left_out {
        println!("    left out {}: {}", left.id, left.reason);
    }
}

/// Opens the archive for writing, asking for the passphrase when it is encrypted.
fn open_writer(dir: &Path) -> anyhow::Result<Archive> {
    if Archive::is_encrypted(dir) {
        return Ok(Archive::unlock(dir, &passphrase("WALKOUT_PASSPHRASE", "Passphrase")?)?);
    }
    Ok(noting_a_rebuild(Archive::open(dir)?))
}

/// Opens the archive for reading (read-only when another process writes to it).
fn open_reader(dir: &Path) -> anyhow::Result<Archive> {
    if Archive::is_encrypted(dir) {
        return Ok(Archive::unlock_for_reading(dir, &passphrase("WALKOUT_PASSPHRASE", "Passphrase")?)?);
    }
    Ok(noting_a_rebuild(Archive::open_for_reading(dir)?))
}

/// Says on stderr when opening had to rebuild the search index (an encrypted archive's index
/// lives in memory and is always built: nothing to say).
fn noting_a_rebuild(archive: Archive) -> Archive {
    if let Some(why) = archive.index_rebuilt_on_open() {
        eprintln!("walkout: note: the search index was rebuilt from the database ({why})");
    }
    archive
}

/// A passphrase from the environment, or typed at a hidden prompt.
fn passphrase(env: &str, prompt: &str) -> anyhow::Result<String> {
    if let Ok(p) = std::env::var(env) {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        bail!("the archive is encrypted: set {env} or run in a terminal to be asked");
    }
    Ok(rpassword::prompt_password(format!("{prompt}: "))?)
}

/// A new passphrase from the environment, or typed twice at a hidden prompt.
fn new_passphrase(env: &str, prompt: &str) -> anyhow::Result<String> {
    if let Ok(p) = std::env::var(env) {
        return Ok(p);
    }
    let first = passphrase(env, prompt)?;
    let again = rpassword::prompt_password("Again: ")?;
    if first != again {
        bail!("the two passphrases differ");
    }
    Ok(first)
}

fn progress_bar() -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(0);
    bar.set_style(ProgressStyle::with_template("{bar:30.cyan/blue} {pos}/{len} {wide_msg}").expect("valid template"));
    Some(bar)
}

fn search(dir: &Path, args: SearchArgs) -> anyhow::Result<()> {
    let archive = open_reader(dir)?;
    let sort = match args.sort.as_str() {
        "relevance" => SortOrder::Relevance,
        "date" | "date-desc" => SortOrder::DateDesc,
        "date-asc" => SortOrder::DateAsc,
        "title" => SortOrder::Title,
        "added" => SortOrder::Added,
        other => bail!("--sort {other:?}: use relevance, date, date-asc, title or added"),
    };
    let request = SearchRequest {
        query: args.query,
        kinds: args.kind.iter().map(|k| ItemKind::parse(k)).collect::<Result<_, _>>()?,
        tags: args.tag,
        collection: args.collection,
        speaker: args.speaker,
        place: args.place,
        year: args.year,
        from: args.from.map(|d| d.parse()).transpose().context("--from")?,
        to: args.to.map(|d| d.parse()).transpose().context("--to")?,
        max_sensitivity: None,
        sort,
        offset: args.offset,
        limit: args.limit,
    };
    let results = archive.search(&request)?;
    if args.json {
        let hits: Vec<_> = results
            .hits
            .iter()
            .map(|h| {
                json!({
                    "id": h.id, "kind": h.kind, "title": h.title, "snippet": h.snippet, "date": h.date,
                    "score": h.score, "snippet_field": h.snippet_field, "byline": h.byline, "place": h.place,
                    "sensitivity": h.sensitivity,
                })
            })
            .collect();
        let out =
            json!({ "total": results.total, "hits": hits, "facets": results.facets, "corrected": results.corrected });
        println!("{out}");
        return Ok(());
    }
    let color = std::io::stdout().is_terminal();
    println!("{} results", results.total);
    for hit in &results.hits {
        let date = hit.date.as_ref().map(|d| d.to_string()).unwrap_or_else(|| "—".to_string());
        let by = hit.byline.as_deref().map(|b| format!(" · {b}")).unwrap_or_default();
        println!("{}  {:<7} {:<12} {}{}", hit.id, hit.kind.as_str(), date, hit.title, by);
        println!("    {}", render_marks(&hit.snippet, color));
    }
    if !results.corrected.is_empty() {
        for c in &results.corrected {
            println!("(no \"{}\" in the archive; searched {} instead)", c.word, c.nearest.join(", "));
        }
    }
    Ok(())
}

/// Terminal rendering of a snippet: marks in bold when printing to a terminal.
fn render_marks(html: &str, color: bool) -> String {
    let (on, off) = if color { ("\x1b[1;33m", "\x1b[0m") } else { ("", "") };
    html.replace("<mark>", on)
        .replace("</mark>", off)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn print_item(item: &Item) -> anyhow::Result<()> {
    let value = serde_json::to_value(item)?;
    let Some(map) = value.as_object() else { return Ok(()) };
    println!("{} {}", item.kind().as_str().to_uppercase(), item.id);
    if let Some(date) = &item.date {
        println!("{:>12}: {} ({})", "date", date, date.describe());
    }
    for (key, v) in map {
        if matches!(key.as_str(), "id" | "kind" | "date") || v.is_null() || v.as_array().is_some_and(|a| a.is_empty()) {
            continue;
        }
        let text = match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Array(a) => {
                a.iter().map(|x| x.as_str().map_or_else(|| x.to_string(), String::from)).collect::<Vec<_>>().join(", ")
            }
            other => other.to_string(),
        };
        println!("{key:>12}: {text}");
    }
    Ok(())
}
