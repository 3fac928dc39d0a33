//! Importing a BagIt bag written by `walkout export --format bagit`, as a folder or a zip file.
//! The bag is validated first (RFC 8493: `bagit.txt`, the manifests' checksums, every payload
//! file listed), then its `data/walkout-export.json` is imported as any JSON export is, with
//! only the original files the manifests vouch for. A path that could reach outside the bag (an
//! absolute path, `../`, a drive letter) in a zip entry or a manifest line is refused with an
//! error naming it, and never opened.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use super::{Failed, ImportLimits, ImportReport, Pending, describe_io};
use crate::archive::Archive;
use crate::export::bagit::{ALGORITHMS, DATA_DIR, digests, files_under};
use crate::export::json::{ExportDocument, FILE_NAME as EXPORT_FILE};

/// A path from a manifest, a zip entry or a CSV cell, as a path inside its folder. Refuses
/// absolute paths, drive letters, backslashes and any `..`, which could reach outside.
pub fn safe_relative_path(path: &str) -> Result<PathBuf, String> {
    if path.is_empty() {
        return Err("the path is empty".to_string());
    }
    if path.contains('\0') || path.contains('\\') {
        return Err("the path holds a backslash or NUL byte; refused".to_string());
    }
    let mut safe = PathBuf::new();
    for component in Path::new(path).components() {
        match component {
            Component::Normal(part) => {
                if part.to_string_lossy().contains(':') && safe.as_os_str().is_empty() {
                    return Err("the path starts with a drive letter; refused".to_string());
                }
                safe.push(part)
            }
            Component::CurDir => {}
            Component::ParentDir => return Err("the path climbs out with ../; refused".to_string()),
            Component::RootDir | Component::Prefix(_) => return Err("the path is absolute; refused".to_string()),
        }
    }
    if safe.as_os_str().is_empty() {
        return Err("the path names no file".to_string());
    }
    Ok(safe)
}

/// Whether `path` is a folder holding a bag (`bagit.txt`).
pub fn is_bag(path: &Path) -> bool {
    path.is_dir() && path.join("bagit.txt").is_file()
}

/// Whether `path` is a zip file (by its first bytes).
pub fn is_zip(path: &Path) -> bool {
    let mut head = [0u8; 4];
    path.is_file() && fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && head == *b"PK\x03\x04"
}

/// How paths inside the bag are shown in the report: under the folder or zip file imported.
pub(crate) struct Shown {
    pub root: PathBuf,
    pub as_given: PathBuf,
}

impl Shown {
    pub(crate) fn path(&self, inside: &str) -> String {
        self.as_given.join(inside).display().to_string()
    }
    fn rewrite(&self, text: &str) -> String {
        let root = self.root.display().to_string();
        text.replace(&root, &self.as_given.display().to_string())
    }
}

impl Archive {
    /// Validates and imports a bag (a folder or a zip file).
    pub(super) fn import_bag(
        &mut self,
        path: &Path,
        limits: ImportLimits,
        pending: &mut Pending,
        report: &mut ImportReport,
    ) -> Result<(), String> {
        let _unzipped;
        let root = if path.is_dir() {
            path.to_path_buf()
        } else {
            // Unpacked inside the archive folder, not the system's temp folder: see `scratch_dir`.
            let dir = self.files().scratch_dir("bag-").map_err(|e| e.to_string())?;
            unzip(path, dir.path(), limits, report)?;
            let root = bag_root(dir.path()).ok_or("a zip file that holds no BagIt bag (no bagit.txt)")?;
            _unzipped = dir;
            root
        };
        let shown = Shown { root: root.clone(), as_given: path.to_path_buf() };
        let bagit =
            fs::read_to_string(root.join("bagit.txt")).map_err(|e| format!("bagit.txt: {}", describe_io(&e)))?;
        if !bagit.lines().any(|l| l.trim_start_matches('\u{feff}').starts_with("BagIt-Version:")) {
            return Err("bagit.txt has no BagIt-Version line: not a bag".to_string());
        }
        let verified = verify(&root, &shown, report)?;
        if !verified.contains(&format!("{DATA_DIR}/{EXPORT_FILE}")) {
            return Err(format!(
                "{DATA_DIR}/{EXPORT_FILE} is missing or does not match the manifest: not a Walkout bag, or a damaged one"
            ));
        }
        let json_path = root.join(DATA_DIR).join(EXPORT_FILE);
        let text = fs::read_to_string(&json_path).map_err(|e| format!("{EXPORT_FILE}: {}", describe_io(&e)))?;
        let mut doc: ExportDocument =
            serde_json::from_str(&text).map_err(|e| format!("{EXPORT_FILE} cannot be read: {e}"))?;
        // Only files the manifests vouch for come in; a recorded hash that is no hash could
        // name a path outside the bag.
        doc.items.retain(|item| {
            let Some(sha) = item.sha256() else { return true };
            let error = if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
                format!("item {}: {sha:?} is not a SHA-256; refused", item.id)
            } else if !verified.contains(&format!("{DATA_DIR}/files/{sha}")) {
                format!("item {}: its file is not vouched for by the bag's manifests", item.id)
            } else {
                return true;
            };
            report.failed.push(Failed { path: shown.path(&format!("{DATA_DIR}/files/{sha}")), error });
            false
        });
        let text = serde_json::to_string(&doc).map_err(|e| e.to_string())?;
        let (failed, sources) = (report.failed.len(), pending.sources.len());
        let result = self.import_export(&json_path, &text, pending, report);
        for entry in &mut report.failed[failed..] {
            entry.path = shown.rewrite(&entry.path);
        }
        for source in &mut pending.sources[sources..] {
            *source = shown.rewrite(source);
        }
        result.map_err(|e| shown.rewrite(&e))
    }
}

/// The bag in an unzipped folder: the folder itself, or its one subfolder holding `bagit.txt`.
pub(crate) fn bag_root(dir: &Path) -> Option<PathBuf> {
    if dir.join("bagit.txt").is_file() {
        return Some(dir.to_path_buf());
    }
    let folders: Vec<PathBuf> = fs::read_dir(dir).ok()?.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    match folders.as_slice() {
        [only] if only.join("bagit.txt").is_file() => Some(only.clone()),
        _ => None,
    }
}

/// Checks the manifests; returns the payload paths (`data/…`) whose every listed checksum
/// matches. Each refused line or file is reported; a damaged manifest refuses the whole bag.
pub(crate) fn verify(root: &Path, shown: &Shown, report: &mut ImportReport) -> Result<BTreeSet<String>, String> {
    check_tag_manifests(root)?;
    let mut sums: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
    for (index, algorithm) in ALGORITHMS.iter().enumerate() {
        let name = format!("manifest-{algorithm}.txt");
        let Ok(text) = fs::read_to_string(root.join(&name)) else { continue };
        for (line_no, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let at = shown.path(&format!("{name}:{}", line_no + 1));
            let Some((digest, file)) = line.split_once(char::is_whitespace) else {
                report.failed.push(Failed { path: at, error: "expected CHECKSUM PATH".to_string() });
                continue;
            };
            let file = decode_path(file.trim_start());
            match safe_relative_path(&file) {
                Ok(relative) if relative.starts_with(DATA_DIR) => {
                    sums.entry(file).or_default().push((index, digest.to_ascii_lowercase()));
                }
                Ok(_) => report.failed.push(Failed { path: at, error: format!("{file}: not under data/; refused") }),
                Err(e) => report.failed.push(Failed { path: at, error: format!("{file}: {e}") }),
            }
        }
    }
    if sums.is_empty() {
        return Err("the bag has no manifest-sha256.txt or manifest-sha512.txt listing its files".to_string());
    }
    let mut verified = BTreeSet::new();
    for (file, expected) in &sums {
        let path = root.join(file);
        let actual = match digests(&path) {
            Ok((actual, _)) => actual,
            Err(_) => {
                report
                    .failed
                    .push(Failed { path: shown.path(file), error: "listed in the manifest but missing".into() });
                continue;
            }
        };
        match expected.iter().find(|(i, digest)| actual[*i] != *digest) {
            Some((i, _)) => report.failed.push(Failed {
                path: shown.path(file),
                error: format!("its {} does not match the manifest: the file changed", ALGORITHMS[*i].to_uppercase()),
            }),
            None => {
                verified.insert(file.clone());
            }
        }
    }
    let present = files_under(root, &root.join(DATA_DIR)).map_err(|e| e.to_string())?;
    for file in present.iter().filter(|f| !sums.contains_key(*f)) {
        report
            .failed
            .push(Failed { path: shown.path(file), error: "in the bag but in no manifest; not imported".into() });
    }
    Ok(verified)
}

/// The tag manifests, when present, must match the tag files: else the manifests themselves
/// cannot be trusted.
fn check_tag_manifests(root: &Path) -> Result<(), String> {
    for (index, algorithm) in ALGORITHMS.iter().enumerate() {
        let name = format!("tagmanifest-{algorithm}.txt");
        let Ok(text) = fs::read_to_string(root.join(&name)) else { continue };
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (digest, file) =
                line.split_once(char::is_whitespace).ok_or(format!("{name}: a line is not CHECKSUM PATH"))?;
            let file = decode_path(file.trim_start());
            let relative = safe_relative_path(&file).map_err(|e| format!("{name}: {file}: {e}"))?;
            let (actual, _) = digests(&root.join(relative)).map_err(|e| format!("{name}: {e}"))?;
            if actual[index] != digest.to_ascii_lowercase() {
                return Err(format!("{file} does not match {name}: the bag's tag files changed"));
            }
        }
    }
    Ok(())
}

fn decode_path(path: &str) -> String {
    path.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")
}

/// An entry that would unpack to more than `BOMB_MIN_BYTES`, at over `BOMB_RATIO` times its
/// packed size, is refused before it is unpacked. Photos and PDFs hardly compress, and even JSON
/// text packs only about tenfold; a run of zeros packs a thousandfold.
const BOMB_MIN_BYTES: u64 = 16 * 1024 * 1024;
const BOMB_RATIO: u64 = 200;

/// Extracts a zip into `dir`. Entries whose names could reach outside, links, and entries over
/// the size limit are refused one by one and reported.
pub(crate) fn unzip(
    zip_path: &Path,
    dir: &Path,
    limits: ImportLimits,
    report: &mut ImportReport,
) -> Result<(), String> {
    let file = fs::File::open(zip_path).map_err(|e| describe_io(&e))?;
    let mut archive =
        zip::ZipArchive::new(io::BufReader::new(file)).map_err(|e| format!("not a readable zip file: {e}"))?;
    let mut total = 0u64;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|e| format!("entry {index} cannot be read: {e}"))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_else(|_| format!("entry {index}"));
        let at = format!("{}:{name}", zip_path.display());
        let relative = match safe_relative_path(&name) {
            Ok(relative) if !entry.is_symlink() => relative,
            Ok(_) => {
                report.failed.push(Failed { path: at, error: "a link inside the zip; refused".to_string() });
                continue;
            }
            Err(e) => {
                report.failed.push(Failed { path: at, error: e });
                continue;
            }
        };
        let target = dir.join(&relative);
        if entry.is_dir() {
            fs::create_dir_all(&target).map_err(|e| e.to_string())?;
            continue;
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        let (declared, packed) = (entry.size(), entry.compressed_size());
        if declared > BOMB_MIN_BYTES && declared / packed.max(1) > BOMB_RATIO {
            return Err(format!(
                "{name} would unpack from {} KB to {} MB: a zip bomb? The bag was not unpacked",
                packed / 1000,
                declared / 1_000_000
            ));
        }
        let room = limits.max_file_bytes.saturating_sub(total);
        let mut out = fs::File::create(&target).map_err(|e| format!("{}: {e}", target.display()))?;
        // Never more than the entry says it holds (a header that lies is a bomb too).
        let allowed = room.min(declared);
        let written = io::copy(&mut (&mut entry).take(allowed.saturating_add(1)), &mut out)
            .map_err(|e| format!("{name}: cannot be unpacked: {e}"))?;
        total += written;
        if written > room {
            return Err(format!(
                "unpacked, the zip is over the import limit of {} MB",
                limits.max_file_bytes / 1_000_000
            ));
        }
        if written > declared {
            return Err(format!("{name} holds more than the zip's header says: damaged, or a zip bomb; not unpacked"));
        }
    }
    Ok(())
}
