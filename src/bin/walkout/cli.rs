//! The command line: commands, flags and their help (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "walkout",
    version,
    about = "Walkout Archive: an offline archive of the student walkouts' quotes, photos and articles"
)]
pub struct Cli {
    /// The archive folder (default: the platform data dir, e.g. ~/.local/share/walkout).
    #[arg(long, global = true, env = "WALKOUT_ARCHIVE")]
    pub archive: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
    /// How many items a search matches per day, week, month or year (imprecise dates spread
    /// over what they cover, undated items apart).
    Timeline(TimelineArgs),
    /// How many items a search matches per place, with each place's coordinates (and, for the
    /// archivist, where photos were taken); `--public` as the reading room and exhibit site show it.
    Map {
        #[command(flatten)]
        filters: FilterArgs,
        /// Only what a public view may show: public items, places at their own coordinates,
        /// never a photo's GPS, no place someone withheld.
        #[arg(long)]
        public: bool,
        #[arg(long)]
        json: bool,
    },
    /// Templates: the fields this archive defines (list, import a templates file, export them
    /// to share, delete one no item uses).
    #[command(subcommand)]
    Template(TemplateCommand),
    /// An item's versions: when, by whom, in which operation, and what changed.
    History {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Save an earlier version of an item again (`ID --to VERSION`), or take back a whole
    /// operation (`--operation N`, `--dry-run` to see what it would do first).
    Revert {
        id: Option<String>,
        #[arg(long, requires = "id")]
        to: Option<u32>,
        #[arg(long, conflicts_with_all = ["id", "to"])]
        operation: Option<i64>,
        #[arg(long, requires = "operation")]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// The archive's operations, newest first (`--since 2026-01-30`, `--user`, `--kind import`).
    Log {
        #[arg(long)]
        since: Option<String>,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Write a bundle for another archive to merge: the chosen items as stored, their files,
    /// people, places, events, collections, deletions and purges (a BagIt folder; with
    /// --encrypt one file sealed with a passphrase from WALKOUT_BUNDLE_PASSPHRASE or a prompt).
    Share {
        out: PathBuf,
        #[arg(long, conflicts_with = "query")]
        collection: Option<String>,
        #[arg(long)]
        query: Option<String>,
        /// Only what changed since this date (2026-01-30).
        #[arg(long)]
        since: Option<String>,
        /// Seal the bundle with a passphrase.
        #[arg(long)]
        encrypt: bool,
        /// Let restricted items travel (private ones never do).
        #[arg(long)]
        include_restricted: bool,
        /// Let consent grants travel (withdrawals always do).
        #[arg(long)]
        include_consent: bool,
        #[arg(long)]
        json: bool,
    },
    /// Take in a bundle from another archive, item by item (`--dry-run` to see what it would do).
    Merge {
        bundle: PathBuf,
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// The fields merges found changed on both sides, waiting for a choice.
    Conflicts {
        #[arg(long)]
        json: bool,
    },
    /// Settle a merge conflict: `walkout resolve N --keep ours` or `--keep theirs`.
    Resolve {
        id: i64,
        #[arg(long, value_parser = ["ours", "theirs"])]
        keep: String,
    },
    /// The name recorded with your changes: shown, or set (`walkout user "Ana"`).
    User { name: Option<String> },
    /// Set a place's coordinates (`--at 44.9778,-93.2650`) or clear them (`--clear`).
    Place {
        name: String,
        #[arg(long, required_unless_present = "clear", conflicts_with = "clear", allow_hyphen_values = true)]
        at: Option<String>,
        #[arg(long)]
        clear: bool,
    },
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
    /// Export items (only public ones unless --include-restricted): json, csv, jsonld, bagit, site
    /// and iiif write a folder (bagit with --zip a zip file); csl-json, ris and citation write
    /// one file.
    Export {
        /// json, csv, jsonld, bagit, site (an offline exhibit), csl-json, ris, citation or iiif
        /// (IIIF manifests of the photos, for Mirador or Universal Viewer).
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
        /// Where the IIIF folder will be served (--format iiif): every IIIF id starts with it.
        /// Default http://localhost:8000/.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
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
    /// Read the words in photos (signs, banners, name tags) with Tesseract, offline, so that
    /// search finds them; photos read before are skipped unless --force. An archivist's
    /// correction of a photo's text is kept over a re-run.
    Ocr {
        /// The photos to read (ids or unique id prefixes).
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        ids: Vec<String>,
        /// Every photo not read yet (with --force, every photo).
        #[arg(long)]
        all: bool,
        /// Read again what was read before.
        #[arg(long)]
        force: bool,
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
pub enum AddCommand {
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
pub enum TemplateCommand {
    /// The templates and their fields.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Takes in a templates file (`walkout template export` writes one), each template checked.
    Import { file: PathBuf },
    /// Writes every template to one JSON file.
    Export { out: PathBuf },
    /// Removes a template no item uses.
    Delete { name: String },
    /// Sets the template new items of a collection get (`--clear` for none).
    Default {
        collection: String,
        #[arg(required_unless_present = "clear", conflicts_with = "clear")]
        template: Option<String>,
        #[arg(long)]
        clear: bool,
    },
}

#[derive(Subcommand)]
pub enum CollectionCommand {
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
pub struct SearchArgs {
    #[command(flatten)]
    pub filters: FilterArgs,
    /// relevance, date, date-asc, title, added
    #[arg(long, default_value = "relevance")]
    pub sort: String,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    #[arg(long)]
    pub json: bool,
}

/// What a search matches: its words and filters (shared by `search` and `timeline`).
#[derive(Args)]
pub struct FilterArgs {
    /// Words; "quoted phrase"; a OR b; -excluded. Empty lists everything.
    #[arg(default_value = "")]
    pub query: String,
    #[arg(long)]
    pub kind: Vec<String>,
    #[arg(long)]
    pub tag: Vec<String>,
    #[arg(long)]
    pub speaker: Option<String>,
    #[arg(long)]
    pub place: Option<String>,
    #[arg(long)]
    pub event: Option<String>,
    /// A template field's value: `--field sign_language=Spanish` (repeat for more).
    #[arg(long = "field")]
    pub fields: Vec<String>,
    #[arg(long)]
    pub collection: Option<String>,
    #[arg(long)]
    pub year: Option<i32>,
    #[arg(long)]
    pub from: Option<String>,
    #[arg(long)]
    pub to: Option<String>,
}

/// `walkout timeline`: items per period.
#[derive(Args)]
pub struct TimelineArgs {
    #[command(flatten)]
    pub filters: FilterArgs,
    /// day, week, month or year
    #[arg(long, default_value = "month")]
    pub unit: String,
    #[arg(long)]
    pub json: bool,
}
