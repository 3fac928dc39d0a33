//! The small archive every export test writes from: the demo record, a real camera photo with
//! GPS, a saved article with its file, a Spanish quote taken from that article, and one
//! restricted and one private quote. Also the helpers that find the consuming tools
//! (python with pyld, bagit and rispy; node with citeproc) that scripts/test.sh installs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;

use walkout::ingest::{ImportLimits, ImportReport};
use walkout::privacy::{ConsentRecord, ConsentScope};
use walkout::{Archive, Consent, Id, Item, ItemDetails, Redaction, Sensitivity};

use crate::common::*;

/// The fixture's archive and the ids of its notable items.
pub struct Fixture {
    /// The open archive.
    pub archive: Archive,
    /// The photo (DSCN0010.jpg, which records a GPS position).
    pub photo: Id,
    /// The saved article.
    pub article: Id,
    /// The Spanish quote taken from the article.
    pub quote: Id,
    /// A restricted quote.
    pub restricted: Id,
    /// A private quote.
    pub private: Id,
}

/// The photo's GPS position, which no export may carry in CSV, JSON-LD or citations.
pub const PHOTO_LAT: &str = "43.467";

pub const ARTICLE_HTML: &str = "<html lang=\"en\"><head><title>Students rally downtown</title>\
    <meta property=\"og:site_name\" content=\"City Paper\">\
    <meta property=\"article:published_time\" content=\"2026-01-30T18:00:00Z\"></head><body><article>\
    <h1>Students rally downtown</h1><p class=\"byline\">By Dana Reporter</p><p>Hundreds of students rallied \
    downtown on Friday afternoon against immigration enforcement in their schools, carrying signs and chanting \
    as they marched from the high school to city hall.</p><p>Organizers said the walkout was planned in a week \
    by students who met after class, and that more rallies would follow in the coming days across the city.</p>\
    </article></body></html>";

/// Imports paths into an archive, with no progress and no cancel.
pub fn import(archive: &mut Archive, paths: &[PathBuf]) -> ImportReport {
    archive.import_paths(paths, ImportLimits::default(), &mut |_| {}, &AtomicBool::new(false)).expect("import runs")
}

/// Builds the fixture archive in `dir/archive`.
pub fn fixture(dir: &Path) -> Fixture {
    let (_, mut archive) = demo_archive(dir);
    let inputs = dir.join("inputs");
    std::fs::create_dir_all(&inputs).unwrap();
    std::fs::copy(data("photos/DSCN0010.jpg"), inputs.join("DSCN0010.jpg")).unwrap();
    write(&inputs.join("rally.html"), ARTICLE_HTML);
    let report = import(&mut archive, &[inputs]);
    assert_eq!(report.added.len(), 2, "{:?}", report.failed);
    let id_of = |name: &str| report.added.iter().find(|a| a.path.ends_with(name)).map(|a| a.id).unwrap();
    let (photo, article) = (id_of("DSCN0010.jpg"), id_of("rally.html"));

    let mut item = archive.get(photo).unwrap();
    item.credit = Some("Ana Photographer".into());
    item.tags = vec!["before|after".into(), "march".into(), "back\\slash".into()];
    item.place = Some("Iowa City, Iowa".into());
    item.consent = Consent::Granted;
    item.redactions = vec![Redaction { x: 0.1, y: 0.2, w: 0.25, h: 0.3, label: Some("face".into()) }];
    if let ItemDetails::Photo(p) = &mut item.details {
        p.caption = Some("Marchers at the \"river\" bridge,\nafternoon".into());
    }
    archive.update_item(item).unwrap();

    let mut item = archive.get(article).unwrap();
    if let ItemDetails::Article(a) = &mut item.details {
        a.authors = vec!["Dana Reporter".into(), "Lee Writer".into()];
        a.outlet = Some("City Paper".into());
        a.url = Some("https://citypaper.example/2026/01/30/rally".into());
    }
    item.place = Some("Iowa City, Iowa".into());
    item.tags = vec!["rally".into()];
    archive.update_item(item).unwrap();

    let mut quote = Item::quote("Aquí estamos, y no nos vamos", archive.now());
    quote.date = Some("2026-01-30?".parse().unwrap());
    quote.place = Some("Iowa City, Iowa".into());
    quote.event = Some("National student walkout".into());
    quote.language = Some("es".into());
    quote.tags = vec!["chant".into(), "walkout".into()];
    quote.description = Some("Heard by the archivist, 30 January".into());
    if let ItemDetails::Quote(q) = &mut quote.details {
        q.speaker = Some("María López".into());
        q.role = Some("student, City High School".into());
        q.context = Some("Chanted at the rally".into());
        q.source_item = Some(article);
        q.translation = Some("Here we are, and we are not leaving".into());
    }
    let quote = archive.add_item(quote).unwrap();

    let mut restricted = Item::quote("We were scared but we walked out anyway", archive.now());
    restricted.sensitivity = Sensitivity::Restricted;
    if let ItemDetails::Quote(q) = &mut restricted.details {
        q.speaker = Some("A minor, name withheld".into());
    }
    let restricted = archive.add_item(restricted).unwrap();
    let mut private = Item::quote("My family does not have papers", archive.now());
    private.sensitivity = Sensitivity::Private;
    let private = archive.add_item(private).unwrap();

    archive.add_to_collection("Rally day", &[article, photo, quote, restricted, private]).unwrap();
    // Everyone named so far agreed to be named, so exports carry names, not pseudonyms.
    for person in archive.people().unwrap() {
        let granted = ConsentRecord {
            scope: ConsentScope::Name,
            status: Consent::Granted,
            date: None,
            note: Some("public record".into()),
            expires: None,
        };
        archive.record_consent(&person.name, granted).unwrap();
    }
    Fixture { archive, photo, article, quote, restricted, private }
}

/// The folder where scripts/test.sh installs the consuming tools.
pub fn tools_dir() -> PathBuf {
    match std::env::var_os("WALKOUT_EXPORT_TOOLS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("target/export-tools"),
    }
}

/// The python with the tools installed (the venv of scripts/test.sh, else `python3`), or None
/// when the machine has no python3 at all, in which case the caller skips loudly.
pub fn python() -> Option<PathBuf> {
    let venv = tools_dir().join("venv/bin/python3");
    if venv.is_file() {
        return Some(venv);
    }
    let found = Command::new("python3").arg("--version").output().is_ok_and(|o| o.status.success());
    if found {
        Some(PathBuf::from("python3"))
    } else {
        eprintln!("\n!!!!! SKIPPED: python3 is not installed, so this export was not checked by its consumer !!!!!\n");
        None
    }
}

/// Runs a python script (from tests/tools/) with arguments; panics with its output on failure.
pub fn run_python(python: &Path, script: &str, args: &[&Path]) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools").join(script);
    let out = Command::new(python).arg(&script).args(args).output().expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{} failed (install the tools with `bash scripts/test.sh`, or `pip install -r tests/tools/requirements.txt`):\n{}\n{}",
        script.display(),
        stdout,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}
