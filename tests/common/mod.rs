//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use walkout::Archive;

/// A fresh temp dir that is removed when dropped.
pub fn temp() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("walkout-test-").tempdir().expect("temp dir")
}

/// The `walkout` binary built for these tests (`WALKOUT_TEST_BIN` runs a copy instead: long runs
/// use one, as the shared build folder's binary may be rebuilt from another branch meanwhile).
pub fn walkout(archive: &Path) -> Command {
    let bin = std::env::var_os("WALKOUT_TEST_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_walkout").into());
    let mut cmd = Command::new(bin);
    cmd.arg("--archive").arg(archive).env_remove("WALKOUT_ARCHIVE");
    cmd
}

/// Runs the binary and returns its output.
pub fn run(archive: &Path, args: &[&str]) -> Output {
    walkout(archive).args(args).output().expect("walkout runs")
}

/// Runs the binary, expects success, and parses stdout as JSON.
pub fn run_json(archive: &Path, args: &[&str]) -> serde_json::Value {
    let out = run(archive, args);
    assert!(out.status.success(), "walkout {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("walkout {args:?}: not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// A new archive with the demo record, in `dir/archive`.
/// Adds a quote said by `speaker`.
pub fn quote(archive: &mut Archive, text: &str, speaker: &str) -> walkout::Id {
    let mut item = walkout::Item::quote(text, archive.now());
    if let walkout::ItemDetails::Quote(q) = &mut item.details {
        q.speaker = Some(speaker.into());
    }
    archive.add_item(item).unwrap()
}

/// Edits one field of an item, as `walkout edit ID --set FIELD=VALUE` does.
pub fn set(archive: &mut Archive, id: walkout::Id, field: &str, value: &str) {
    archive.edit(id, &[(field.to_string(), value.to_string())]).unwrap();
}

pub fn demo_archive(dir: &Path) -> (PathBuf, Archive) {
    let root = dir.join("archive");
    let mut archive = Archive::create(&root).expect("create");
    walkout::demo::populate(&mut archive).expect("demo");
    (root, archive)
}

/// Where committed test inputs live.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

/// Writes a file, creating its folder.
pub fn write(path: &Path, bytes: impl AsRef<[u8]>) -> PathBuf {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
    path.to_path_buf()
}

/// Every file under `root`, by its path relative to `root` (with `/`), with its bytes.
pub fn all_files(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                out.insert(path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"), bytes);
            }
        }
    }
    out
}

/// Every file under `root` whose bytes contain `needle` (for "no trace left" checks), by path.
pub fn files_containing(root: &Path, needle: &[u8]) -> Vec<String> {
    all_files(root)
        .into_iter()
        .filter(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle))
        .map(|(name, _)| root.join(name).display().to_string())
        .collect()
}

/// `count` distinct small JPEG photos named `photo_NNNN.jpg` in `dir` (made with the `image`
/// crate: a gradient that differs per photo).
pub fn jpegs(dir: &Path, count: usize) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    (0..count)
        .map(|i| {
            let path = dir.join(format!("photo_{i:04}.jpg"));
            let (a, b) = ((i * 37 % 256) as u8, (i * 101 / 256 % 256) as u8);
            let image = image::RgbImage::from_fn(48, 32, |x, y| image::Rgb([a, b ^ (x as u8 * 5), (y as u8) * 7]));
            image.save(&path).unwrap();
            path
        })
        .collect()
}

/// The words of the `i`th generated quote: distinct for every `i`, searchable by `quoteNNNN`.
pub fn quote_text(i: usize) -> String {
    format!("We walked out together, said voice number {i} (quote{i:06}) of the generated sheet")
}

/// JSON Lines of `count` distinct quotes (`quote_text`), with speakers and places.
pub fn quote_lines(count: usize) -> String {
    quote_lines_of(0..count)
}

/// JSON Lines of the quotes numbered `numbers`.
pub fn quote_lines_of(numbers: std::ops::Range<usize>) -> String {
    let mut out = String::with_capacity(numbers.len() * 160);
    const PLACES: [&str; 4] = ["Minneapolis", "Chicago", "Los Angeles", "Austin"];
    for i in numbers {
        let line = serde_json::json!({
            "text": quote_text(i),
            "speaker": format!("Student {}", i % 97),
            "place": PLACES[i % 4],
            "date": format!("2026-0{}-{:02}", 1 + i % 3, 1 + i % 28),
            "tags": "walkout, generated",
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

/// Checks, without writing, that a search index is never ahead of its database: every document
/// it holds is an item of the database (an index behind, missing the last commits, is allowed).
pub fn assert_index_not_ahead(root: &Path) {
    let archive = Archive::open_read_only(root).expect("opens read-only");
    let report = archive.verify(&mut |_, _| {}).unwrap();
    assert!(report.index_extra.is_empty(), "the index holds items the database lacks: {:?}", report.index_extra);
    let stats = archive.stats().unwrap();
    assert!(stats.index_docs <= stats.items, "{stats:?}");
}

/// Opens the archive for writing (which recovers from any crash) and checks everything that must
/// then hold: the database passes `integrity_check`, the index holds exactly its items, every
/// stored file passes its fixity check, and no temp file is left. Returns the stats and the
/// verify report (whose `unreferenced` files the caller judges).
pub fn assert_whole(root: &Path) -> (walkout::Stats, walkout::fixity::VerifyReport) {
    let archive = Archive::open(root).expect("the archive reopens");
    assert_eq!(archive.index_rebuilt_on_open(), None, "the index catches up, it is not rebuilt");
    assert_eq!(archive.integrity_check().unwrap(), "ok");
    let stats = archive.stats().unwrap();
    assert_eq!(stats.index_docs, stats.items, "{stats:?}");
    let report = archive.verify(&mut |_, _| {}).unwrap();
    assert!(report.is_clean(), "fixity: {report:?}");
    assert!(report.index_agrees(), "index missing {:?}, extra {:?}", report.index_missing, report.index_extra);
    let temp = root.join("files/.tmp");
    let left: Vec<_> = std::fs::read_dir(&temp).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    assert!(left.is_empty(), "temp files left: {left:?}");
    let thumbs: Vec<_> = std::fs::read_dir(root.join("thumbs"))
        .map(|d| d.flatten().map(|e| e.file_name()).filter(|n| n.to_string_lossy().starts_with('.')).collect())
        .unwrap_or_default();
    assert!(thumbs.is_empty(), "thumbnail temp files left: {thumbs:?}");
    (stats, report)
}

/// Waits until `ready` holds (polling), panicking with `what` after a minute or when `child`
/// exits first.
pub fn wait_for(child: &mut std::process::Child, what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !ready() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the child exited ({status}) before {what}");
        }
        assert!(std::time::Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// A small, seeded random number generator (splitmix64): runs replay from their seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A PNG of `width`×`height` whose only image data is a few bytes: the header is all a reader
/// trusting it needs to allocate gigabytes.
pub fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }
    fn chunk(png: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = png.len();
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        let crc = crc32(&png[start..]);
        png.extend_from_slice(&crc.to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(&mut png, b"IEND", &[]);
    png
}

/// A PDF of the given objects (numbered from 1; object 1 is the catalog), with a correct
/// cross-reference table and `trailer_extra` added to the trailer.
pub fn pdf(objects: &[String], trailer_extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
            .as_bytes(),
    );
    out
}

/// One page showing `lines` of text, with `info` as the document information dictionary.
pub fn text_pdf(lines: &[&str], info: &str) -> Vec<u8> {
    text_pdf_with_trailer(lines, info, "")
}

pub fn text_pdf_with_trailer(lines: &[&str], info: &str, trailer_extra: &str) -> Vec<u8> {
    let mut content = String::from("BT /F1 12 Tf 72 720 Td 14 TL\n");
    for line in lines {
        content.push_str(&format!("({line}) Tj T*\n"));
    }
    content.push_str("ET");
    pdf(
        &[
            "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
                .to_string(),
            format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
            info.to_string(),
        ],
        &format!("/Info 6 0 R {trailer_extra}"),
    )
}

/// Copies a folder and everything in it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
