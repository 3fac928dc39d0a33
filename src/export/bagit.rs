//! The BagIt export (RFC 8493, BagIt 1.0): a folder, or one zip file holding it, that any
//! archive's tools validate and that `walkout import` restores.
//!
//! ```text
//! bagit.txt                         version and tag file encoding
//! bag-info.txt                      Source-Organization, Bagging-Date, Payload-Oxum, External-Description
//! manifest-sha256.txt  -sha512.txt  every payload file's checksums
//! tagmanifest-sha256.txt -sha512.txt  the tag files' checksums
//! data/walkout-export.json          the lossless JSON export (what `walkout import` reads)
//! data/items.csv                    the CSV export, for Omeka S
//! data/items.jsonld                 the JSON-LD export
//! data/history.json                every version of each item, with its operation: only in an
//!                                   archival transfer (`--originals`), never in a public bag
//! data/files/<sha256>               the files: photos cleaned (no metadata, redactions burned
//!                                   in) unless the export ships originals; PDFs and pages as stored
//! ```

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256, Sha512};

use super::{ExportOptions, ExportReport, LeftOut, Selection, csv, json, jsonld, select_for, ship_files, write_file};
use crate::archive::Archive;
use crate::error::{Error, Result};

/// The payload folder.
pub const DATA_DIR: &str = "data";
/// What `bagit.txt` says.
pub const BAGIT_TXT: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
/// The checksum algorithms of the manifests, as their file names spell them.
pub const ALGORITHMS: [&str; 2] = ["sha256", "sha512"];
/// `Source-Organization` of every bag.
pub const SOURCE_ORGANIZATION: &str = "Walkout Archive";

/// Writes the bag: the folder `out`, or with `options.zip` the zip file `out` holding the bag
/// in one top folder named after the file. `out` must not exist yet or be an empty folder.
pub fn export(archive: &Archive, options: &ExportOptions, out: &Path) -> Result<ExportReport> {
    refuse_existing(out, options.zip)?;
    if !options.zip {
        return write_bag(archive, options, out);
    }
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let staging =
        tempfile::Builder::new().prefix(".walkout-bag-").tempdir_in(parent).map_err(|e| Error::io(parent, e))?;
    let top = out.file_stem().map_or_else(|| "bag".into(), |s| s.to_string_lossy().into_owned());
    let bag = staging.path().join(&top);
    let report = write_bag(archive, options, &bag)?;
    let partial = staging.path().join("bag.zip");
    zip_folder(&bag, &top, &partial, out)?;
    fs::rename(&partial, out).map_err(|e| Error::io(out, e))?;
    Ok(report)
}

/// Refuses to write over anything: `out` must not exist, or (for a folder) be empty. The mark
/// of an export under way (`export::export` writes it first) does not count.
pub(crate) fn refuse_existing(out: &Path, zip: bool) -> Result<()> {
    let empty_dir =
        fs::read_dir(out).map(|entries| entries.flatten().all(|e| e.file_name() == super::INCOMPLETE)).unwrap_or(false);
    if out.exists() && (zip || !empty_dir) {
        let what = if zip { "exists" } else { "is not an empty folder" };
        return Err(Error::invalid("out", format!("{} {what}; an export is written to a new place", out.display())));
    }
    Ok(())
}

/// The items' edit history in an archival bag.
pub const HISTORY_FILE: &str = "history.json";

fn write_bag(archive: &Archive, options: &ExportOptions, bag: &Path) -> Result<ExportReport> {
    let (selection, restricted) = (&options.selection, options.include_restricted);
    let data = bag.join(DATA_DIR);
    let (mut items, mut left_out) = select_for(archive, selection, restricted, super::purpose(options))?;
    let files = ship_files(archive, &mut items, &mut left_out, &data.join(csv::FILES_DIR), options)?;
    let report = ExportReport { exported: items.len() as u64, files, left_out, originals: options.originals };
    write_file(&data.join(json::FILE_NAME), json::to_bytes(&json::document(archive, &items, options.originals)?)?)?;
    write_file(&data.join(csv::FILE_NAME), csv::to_csv(&items, &crate::templates::by_key(archive)?)?)?;
    write_file(&data.join(jsonld::FILE_NAME), jsonld::to_bytes(&jsonld::document(archive, &items)?)?)?;
    // An archival transfer (the originals, not for publication) carries the items' history:
    // earlier versions hold what a public export takes out (names, notes, GPS).
    if options.originals {
        let ids: Vec<_> = items.iter().map(|i| i.id).collect();
        let history = crate::history::of_items(archive, &ids)?;
        let bytes = serde_json::to_vec_pretty(&history)
            .map_err(|e| crate::error::Error::invalid("history", format!("cannot be written: {e}")))?;
        write_file(&data.join(HISTORY_FILE), bytes)?;
    }

    let description = description(selection, report.exported, &report.left_out, options.originals);
    write_tag_files(archive, bag, &description)?;
    super::log_export(archive, "bagit", bag, &items)?;
    Ok(report)
}

/// Makes the folder `bag`, whose `data/` holds the payload, a bag: writes `bagit.txt`,
/// `bag-info.txt` (with `description`), the payload manifests and the tag manifests.
pub(crate) fn write_tag_files(archive: &Archive, bag: &Path, description: &str) -> Result<()> {
    let data = bag.join(DATA_DIR);
    let payload = files_under(bag, &data)?;
    let mut octets = 0;
    let mut manifests = [String::new(), String::new()];
    for relative in &payload {
        let (digests, size) = digests(&bag.join(relative))?;
        octets += size;
        for (manifest, digest) in manifests.iter_mut().zip(digests) {
            manifest.push_str(&format!("{digest}  {}\n", encode_path(relative)));
        }
    }
    write_file(&bag.join("bagit.txt"), BAGIT_TXT)?;
    let info = format!(
        "Source-Organization: {SOURCE_ORGANIZATION}\nBagging-Date: {}\nPayload-Oxum: {octets}.{}\n\
         External-Description: {}\nBag-Software-Agent: walkout {}\n",
        archive.now().format("%Y-%m-%d"),
        payload.len(),
        description,
        env!("CARGO_PKG_VERSION"),
    );
    write_file(&bag.join("bag-info.txt"), info)?;
    let mut tag_files = vec!["bagit.txt".to_string(), "bag-info.txt".to_string()];
    for (algorithm, manifest) in ALGORITHMS.iter().zip(&manifests) {
        let name = format!("manifest-{algorithm}.txt");
        write_file(&bag.join(&name), manifest)?;
        tag_files.push(name);
    }
    let mut tag_manifests = [String::new(), String::new()];
    for name in &tag_files {
        let (digests, _) = digests(&bag.join(name))?;
        for (manifest, digest) in tag_manifests.iter_mut().zip(digests) {
            manifest.push_str(&format!("{digest}  {name}\n"));
        }
    }
    for (algorithm, manifest) in ALGORITHMS.iter().zip(&tag_manifests) {
        write_file(&bag.join(format!("tagmanifest-{algorithm}.txt")), manifest)?;
    }
    Ok(())
}

/// `External-Description`: what was selected, how much the privacy filter kept back, and what
/// the photo files are.
pub fn description(selection: &Selection, exported: u64, left_out: &[LeftOut], originals: bool) -> String {
    let mut text = format!("Walkout Archive export of {}: {exported} items", selection.describe());
    if left_out.is_empty() {
        text.push_str("; no item was left out by the privacy filter.");
    } else {
        let mut reasons: Vec<(String, usize)> = Vec::new();
        for left in left_out {
            match reasons.iter_mut().find(|(r, _)| *r == left.reason) {
                Some((_, n)) => *n += 1,
                None => reasons.push((left.reason.clone(), 1)),
            }
        }
        let reasons: Vec<String> = reasons.into_iter().map(|(r, n)| format!("{n} {r}")).collect();
        text.push_str(&format!("; {} items left out by the privacy filter ({}).", left_out.len(), reasons.join(", ")));
    }
    text.push_str(if originals {
        " Photo files are the untouched originals, with their camera metadata (EXIF, GPS); not for publication."
    } else {
        " Photo files are cleaned copies: upright, redactions burned in, no EXIF, GPS, XMP or IPTC."
    });
    // A tag value is one line.
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every file under `dir`, as `/`-separated paths relative to `root`, sorted.
pub(crate) fn files_under(root: &Path, dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
            let path = entry.map_err(|e| Error::io(&dir, e))?.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(relative) = path.strip_prefix(root) {
                let parts: Vec<String> =
                    relative.components().map(|c| c.as_os_str().to_string_lossy().into()).collect();
                out.push(parts.join("/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A manifest path: RFC 8493 percent-encodes `%`, CR and LF.
pub(crate) fn encode_path(path: &str) -> String {
    path.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// The SHA-256 and SHA-512 of a file, and its size.
pub(crate) fn digests(path: &Path) -> Result<([String; 2], u64)> {
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let (mut sha256, mut sha512) = (Sha256::new(), Sha512::new());
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0;
    loop {
        let n = file.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        sha256.update(&buf[..n]);
        sha512.update(&buf[..n]);
        size += n as u64;
    }
    Ok(([hex::encode(sha256.finalize()), hex::encode(sha512.finalize())], size))
}

/// Zips every file of `folder` under the top folder `top` into `target`; errors name `shown`
/// (the zip file's place: `target` is a temp file beside it).
pub(crate) fn zip_folder(folder: &Path, top: &str, target: &Path, shown: &Path) -> Result<()> {
    crate::files::injected_write_failure().map_err(|e| Error::io(shown, e))?;
    let file = File::create(target).map_err(|e| Error::io(shown, e))?;
    let mut zip = zip::ZipWriter::new(io::BufWriter::new(file));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
    let failed = |e: zip::result::ZipError| match e {
        zip::result::ZipError::Io(e) => Error::io(shown, e),
        other => Error::io(shown, io::Error::other(other)),
    };
    for relative in files_under(folder, folder)? {
        let source: PathBuf = folder.join(&relative);
        zip.start_file(format!("{top}/{relative}"), options).map_err(failed)?;
        let mut input = File::open(&source).map_err(|e| Error::io(&source, e))?;
        io::copy(&mut input, &mut zip).map_err(|e| Error::io(shown, e))?;
    }
    let mut inner = zip.finish().map_err(failed)?;
    inner.flush().map_err(|e| Error::io(shown, e))?;
    inner.get_ref().sync_all().map_err(|e| Error::io(shown, e))
}
