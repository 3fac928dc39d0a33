//! A generated suite of bad input, imported in one run of the `walkout` binary beside good
//! files: empty files, random bytes (bare and behind a real format's magic number), every kind
//! of file cut short at several offsets, mislabelled extensions, decompression bombs (PNG and
//! JPEG headers claiming 50,000 × 50,000 pixels), a zip bomb and `../` entries in bags, deeply
//! nested HTML and JSON, a 100 MB CSV line, overlong JSON Lines and invalid UTF-8. Each bad file
//! gets its own error naming it, the good ones come in, the child's memory stays bounded, and
//! the archive is whole afterwards. Nothing here is committed: every input is made by the test.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use walkout::export::{self, ExportOptions, Format};

use crate::common::*;

/// What the import must say of a file.
#[derive(Debug)]
enum Expect {
    /// Added (as one item, or its rows or bag items).
    Added,
    /// Refused, the reason containing every one of these.
    Fails(Vec<String>),
    /// Either: the file is damaged in a way a reader may tolerate (a cut in the last bytes …);
    /// what matters is that it is reported.
    Reported,
}

use Expect::*;

fn fails(needles: &[&str]) -> Expect {
    Fails(needles.iter().map(|n| n.to_string()).collect())
}

/// The exit code, peak resident memory in MB and stdout of a child process (through `wait4`).
// The child is reaped by `wait4`, which clippy does not see.
#[allow(clippy::zombie_processes)]
fn run_measured(mut command: std::process::Command) -> (i32, u64, Vec<u8>) {
    let out_file = tempfile::tempfile().unwrap();
    let child = command.stdout(out_file.try_clone().unwrap()).stderr(std::process::Stdio::null()).spawn().unwrap();
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child by its pid, with valid pointers to locals.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t, "wait4 failed");
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -libc::WTERMSIG(status) };
    let mut out = Vec::new();
    let mut out_file = out_file;
    std::io::Seek::rewind(&mut out_file).unwrap();
    std::io::Read::read_to_end(&mut out_file, &mut out).unwrap();
    (code, usage.ru_maxrss as u64 / 1024, out)
}

/// The folder of bad input and what the import must say of each file.
struct Inputs {
    folder: std::path::PathBuf,
    expect: BTreeMap<String, Expect>,
}

impl Inputs {
    fn put(&mut self, name: &str, bytes: &[u8], outcome: Expect) {
        write(&self.folder.join(name), bytes);
        self.expect.insert(name.to_string(), outcome);
    }
}

fn random_bytes(rng: &mut Rng, len: usize) -> Vec<u8> {
    (0..len).map(|_| rng.next() as u8).collect()
}

/// A zip whose entries are the given names and contents, deflated.
fn zip_of(path: &Path, entries: &[(&str, &[u8])]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// A JPEG whose frame header says it is `width`×`height` (its data is a small photo's).
fn jpeg_claiming(jpeg: &[u8], width: u16, height: u16) -> Vec<u8> {
    let mut bytes = jpeg.to_vec();
    let sof = bytes.windows(2).position(|w| w[0] == 0xFF && matches!(w[1], 0xC0..=0xC2)).expect("a frame header");
    bytes[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    bytes
}

const ARTICLE: &str = "<!DOCTYPE html><html lang=\"en\"><head><title>Students walk out</title></head><body>\
    <article><h1>Students walk out across the city</h1><p class=\"byline\">By Ana Ruiz</p>\
    <p>Thousands of students left their classrooms on Friday morning to protest, marching to city hall \
    with banners and chants. Teachers watched from the steps as the crowd grew through the morning.</p>\
    <p>Organizers said the walkout was planned over three weeks in group chats and at lunch tables, \
    and that more schools would join the next one. The district said classes would resume Monday.</p>\
    </article></body></html>";

#[test]
fn every_bad_file_gets_its_own_error_memory_stays_bounded_and_the_import_goes_on() {
    let dir = temp();
    let folder = dir.path().join("incoming");
    let mut rng = Rng::new(20260130);
    let mut inputs = Inputs { folder: folder.clone(), expect: BTreeMap::new() };

    // Good files, which must come in whatever else is in the folder.
    let good_jpeg = std::fs::read(&jpegs(&dir.path().join("made"), 1)[0]).unwrap();
    let png = {
        let mut bytes = Vec::new();
        let image = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]));
        image.write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png).unwrap();
        bytes
    };
    let webp = std::fs::read(data("photos/flower.webp")).unwrap();
    let pdf = text_pdf(&["Students walk out", "Thousands left their classrooms on Friday."], "<< /Title (Walkout) >>");
    let csv = "text,speaker\nWe are the ones we have been waiting for,Ana\nNo more silence,Luis\n".as_bytes().to_vec();
    let cut_csv = "text,speaker\nWe walked out at ten,Kim\nThe hallway was full of signs,Jo\n".as_bytes().to_vec();
    let json = br#"[{"text": "Education, not deportation", "speaker": "Mar"}]"#.to_vec();
    inputs.put("good.jpg", &good_jpeg, Added);
    inputs.put("good.png", &png, Added);
    inputs.put("good.pdf", &pdf, Added);
    inputs.put("good.html", ARTICLE.as_bytes(), Added);
    inputs.put("good.csv", &csv, Added);

    // Empty files of every kind.
    for ext in ["jpg", "png", "webp", "pdf", "html", "csv", "json", "jsonl", "txt", "md", "zip"] {
        inputs.put(&format!("empty.{ext}"), b"", fails(&["the file is empty"]));
    }

    // Random bytes, bare and behind each format's magic number.
    for ext in ["jpg", "png", "webp", "tif", "heic", "pdf", "html", "csv", "json", "jsonl", "txt", "zip", "bin"] {
        let len = 100 + rng.below(20_000) as usize;
        inputs.put(&format!("random.{ext}"), &random_bytes(&mut rng, len), fails(&[]));
    }
    for (name, magic) in [
        ("magic_random.jpg", &b"\xFF\xD8\xFF\xE0"[..]),
        ("magic_random.png", b"\x89PNG\r\n\x1a\n"),
        ("magic_random.webp", b"RIFF\x00\x10\x00\x00WEBPVP8 "),
        ("magic_random.pdf", b"%PDF-1.7\n"),
        ("magic_random.zip", b"PK\x03\x04"),
        ("magic_random.heic", b"\x00\x00\x00\x18ftypheic"),
        ("magic_random.tif", b"II*\x00"),
    ] {
        let mut bytes = magic.to_vec();
        bytes.extend(random_bytes(&mut rng, 5000));
        inputs.put(name, &bytes, fails(&[]));
    }

    // A bag exported from a small archive, to cut short and to rename.
    let (source, archive) = demo_archive(&dir.path().join("source"));
    let bag_zip = dir.path().join("bag.zip");
    export::export(&archive, Format::Bagit, &ExportOptions { zip: true, ..ExportOptions::default() }, &bag_zip)
        .unwrap();
    drop((archive, source));
    let bag = std::fs::read(&bag_zip).unwrap();

    // Every kind cut short: a few bytes in, in the middle, one byte before the end.
    for (stem, ext, bytes) in [
        ("cut", "jpg", &good_jpeg),
        ("cut", "png", &png),
        ("cut", "webp", &webp),
        ("cut", "pdf", &pdf),
        ("cut", "zip", &bag),
        ("cut", "html", &ARTICLE.as_bytes().to_vec()),
        ("cut", "csv", &cut_csv),
        ("cut", "json", &json),
    ] {
        for at in [3, 10, 100, bytes.len() / 2, bytes.len() - 1].into_iter().filter(|at| *at < bytes.len()) {
            let outcome = match (ext, at) {
                // A few bytes of a binary format: never readable.
                ("jpg" | "png" | "webp" | "pdf" | "zip", 3 | 10) => fails(&[]),
                // Images cut in their pixel data, and a zip cut through its directory.
                ("jpg" | "png" | "webp" | "zip", _) if at == bytes.len() / 2 => fails(&[]),
                // The JSON document is cut mid-value.
                ("json", _) => fails(&["not valid JSON"]),
                _ => Reported,
            };
            inputs.put(&format!("{stem}_{at:06}.{ext}"), &bytes[..at], outcome);
        }
    }

    // Names that lie: the content decides.
    let image = |shade: u8, format| {
        let mut bytes = Vec::new();
        let image = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([shade, x as u8 * 6, y as u8 * 8]));
        image.write_to(&mut std::io::Cursor::new(&mut bytes), format).unwrap();
        bytes
    };
    inputs.put("png_named.jpg", &image(10, image::ImageFormat::Png), Added);
    inputs.put("jpeg_named.png", &image(200, image::ImageFormat::Jpeg), Added);
    inputs.put("pdf_named.html", &text_pdf(&["A PDF named as a page"], "<< /Title (Named) >>"), Added);
    inputs.put("text_named.jpg", b"hello, I am text", fails(&["named .jpg but the content is text"]));
    inputs.put("html_named.csv", ARTICLE.as_bytes(), fails(&["no quote column"]));
    inputs.put("csv_named.json", &csv, fails(&["not valid JSON"]));
    inputs.put("zip_named.pdf", &bag, Reported);

    // Decompression bombs: headers claiming 50,000 × 50,000 pixels.
    inputs.put("bomb.png", &png_claiming(50_000, 50_000), fails(&["50000×50000", "over the limit"]));
    inputs.put("bomb.jpg", &jpeg_claiming(&good_jpeg, 50_000, 50_000), fails(&["50000×50000", "over the limit"]));

    // Bags as zips: one that unpacks a thousandfold, one whose entries climb out of the bag.
    let zeros = vec![0u8; 64 * 1024 * 1024];
    zip_of(&folder.join("zip_bomb.zip"), &[("bag/bagit.txt", b"BagIt-Version: 1.0\n"), ("bag/data/zeros.bin", &zeros)]);
    drop(zeros);
    inputs.expect.insert("zip_bomb.zip".into(), fails(&["zeros.bin", "zip bomb"]));
    zip_of(
        &folder.join("zip_traversal.zip"),
        &[
            ("../escaped.txt", b"out"),
            ("bag/../../up.txt", b"up"),
            ("/absolute.txt", b"abs"),
            ("bag/bagit.txt", b"BagIt-Version: 1.0\n"),
        ],
    );
    inputs.expect.insert("zip_traversal.zip".into(), fails(&[]));

    // Deep nesting.
    let deep_html = format!("<html><body>{}deep{}</body></html>", "<div>".repeat(100_000), "</div>".repeat(100_000));
    inputs.put("deep.html", deep_html.as_bytes(), fails(&["nests its elements more than 512 deep"]));
    let unclosed = format!("<html><body>{}words", "<div><span><b>".repeat(40_000));
    inputs.put("deep_unclosed.html", unclosed.as_bytes(), fails(&["nests its elements"]));
    inputs.put(
        "deep.json",
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).as_bytes(),
        fails(&["recursion limit"]),
    );

    // A 100 MB CSV line; a JSON Lines sheet with one overlong line among good ones.
    let mut long = b"text,speaker\n\"".to_vec();
    long.resize(long.len() + 100 * 1024 * 1024, b'a');
    long.extend_from_slice(b"\",Ana\n");
    inputs.put("long_line.csv", &long, fails(&["line 2 is 100.0 MB long", "over the limit of 1 MB"]));
    drop(long);
    let overlong = format!(
        "{{\"text\": \"First of three\"}}\n{{\"text\": \"{}\"}}\n{{\"text\": \"Third of three\"}}\n",
        "b".repeat(3 * 1024 * 1024)
    );
    inputs.put("long_line.jsonl", overlong.as_bytes(), Added);

    // Invalid UTF-8: in a sheet it is refused by its offset; in a page past its head it is
    // read leniently; in a text file's head it is not text.
    inputs.put("bad_utf8.csv", b"text,speaker\ncaf\xE9 con leche,Ana\n", fails(&["binary content"]));
    let late = |start: &str, bad: &[u8]| {
        let mut bytes = start.as_bytes().to_vec();
        for i in 0..200 {
            bytes.extend_from_slice(
                format!("{{\"text\": \"Padding quote number {i} before the damage\"}}\n").as_bytes(),
            );
        }
        bytes.extend_from_slice(bad);
        bytes
    };
    let late_csv = late("text\n", b"caf\xE9 con leche\n");
    let offset = format!("offset {}", late_csv.len() - 12);
    inputs.put("bad_utf8_late.csv", &late_csv, fails(&["not UTF-8", &offset]));
    inputs.put("bad_utf8_late.jsonl", &late("", b"{\"text\": \"caf\xE9\"}\n"), fails(&["not UTF-8"]));
    inputs.put("bad_utf8.txt", b"Walkout\n\xFF\xFE notes", fails(&["binary content"]));
    let padding = "<p>The march went on past the library and the courthouse, and on to the river.</p>".repeat(80);
    let mut lenient = ARTICLE.replace("</article>", &format!("{padding}</article>")).into_bytes();
    let at = lenient.len() - 40;
    lenient.splice(at..at, b"\xC3\x28".iter().copied());
    inputs.put("bad_utf8_late.html", &lenient, Added);

    let expect = inputs.expect;

    // One run of the real binary over it all.
    let root = dir.path().join("archive");
    run(&root, &["init"]);
    let mut command = walkout(&root);
    command.arg("import").arg(&folder).arg("--json");
    let (code, peak_mb, stdout) = run_measured(command);
    let report: serde_json::Value = serde_json::from_slice(&stdout)
        .unwrap_or_else(|e| panic!("exit {code}, no JSON report ({e}): {}", String::from_utf8_lossy(&stdout)));
    assert_eq!(code, 2, "an import with failures exits 2");
    eprintln!("bad-input import: peak memory {peak_mb} MB for {} files", expect.len());
    // The largest file is 100 MB; it is read once and refused before it is parsed.
    assert!(peak_mb < 400, "the import took {peak_mb} MB");

    // Every file is reported, as expected; failures name it.
    let entries = |key: &str| -> Vec<(String, String)> {
        report[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["path"].as_str().unwrap().to_string(), e["error"].as_str().unwrap_or("").to_string()))
            .collect()
    };
    let (added, duplicates, failed) = (entries("added"), entries("duplicates"), entries("failed"));
    let of = |list: &[(String, String)], name: &str| -> Vec<String> {
        let at = folder.join(name).display().to_string();
        list.iter()
            .filter(|(p, _)| *p == at || p.starts_with(&format!("{at}:")) || p.starts_with(&format!("{at}/")))
            .map(|(p, e)| format!("{p}: {e}"))
            .collect()
    };
    let mut problems = Vec::new();
    for (name, outcome) in &expect {
        let (a, d, f) = (of(&added, name), of(&duplicates, name), of(&failed, name));
        let ok = match outcome {
            Added => !a.is_empty() && (f.is_empty() || name == "long_line.jsonl"),
            Fails(needles) => a.is_empty() && !f.is_empty() && needles.iter().all(|n| f.iter().any(|e| e.contains(n))),
            Reported => !(a.is_empty() && d.is_empty() && f.is_empty()),
        };
        if !ok {
            problems.push(format!("{name}: expected {outcome:?}; added {a:?}, duplicates {d:?}, failed {f:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // The details that matter most.
    let long_jsonl = of(&failed, "long_line.jsonl");
    assert!(long_jsonl.len() == 1 && long_jsonl[0].contains("long_line.jsonl:2"), "{long_jsonl:?}");
    assert_eq!(of(&added, "long_line.jsonl").len(), 2, "the good lines around it come in");
    let traversal = of(&failed, "zip_traversal.zip");
    for (entry, why) in
        [("../escaped.txt", "climbs out"), ("bag/../../up.txt", "climbs out"), ("/absolute.txt", "absolute")]
    {
        assert!(traversal.iter().any(|e| e.contains(entry) && e.contains(why)), "{entry}: {traversal:?}");
    }
    for escaped in ["escaped.txt", "up.txt"] {
        assert!(!dir.path().join(escaped).exists() && !folder.join(escaped).exists(), "{escaped} was written");
    }

    let (stats, verify) = assert_whole(&root);
    assert!(verify.unreferenced.is_empty(), "{:?}", verify.unreferenced);
    assert_eq!(stats.items as usize, added.len(), "what the report says was added is what the archive holds");
}
