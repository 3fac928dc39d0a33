//! Reading words in a picture with Tesseract 5 (Debian's library and its fast LSTM models for
//! English and Spanish, through the `tesseract-plumbing` binding; nothing is downloaded).
//!
//! Photos of signs are not scans. The picture is turned upright by its EXIF orientation before
//! it gets here; then it is made gray, brought to a size where letters are tens of pixels high
//! (a small photo is scaled up, a 12-megapixel one down), and read as scattered text (a sign in
//! a photo; a page of text is read again as one block of lines). When little is read, it is
//! read as lines, then in the other quarter turns, then with an adaptive (Sauvola) threshold
//! for unevenly lit boards, and the reading with the most confident text wins. Scanned pages of
//! a document are read as one block first. Words keep their boxes (in fractions of the upright
//! picture, like redaction boxes) and confidence; low-confidence fragments are dropped as noise.

use std::ffi::CString;

use image::{DynamicImage, GrayImage, imageops};
use serde::{Deserialize, Serialize};
use tesseract_plumbing::TessBaseApi;

use crate::error::{Error, Result};

/// The languages read, as Tesseract names its data.
pub const LANGUAGES: &str = "eng+spa";
/// Words read with less confidence than this (0–100) are noise.
const MIN_CONFIDENCE: f32 = 45.0;
/// A word on a line of fragments is kept only when read with this confidence.
const STRAY_CONFIDENCE: f32 = 90.0;
/// A reading this good needs no other attempt: enough confident letters.
const GOOD_ENOUGH: f32 = 12.0;
/// A reading this rich is a page of text, read again as one block of lines.
const PAGE_LIKE: f32 = 80.0;
/// Pictures are read with their longest side at most this long.
const MAX_SIDE: u32 = 2400;
/// Pictures smaller than this on their longest side are scaled up (small text reads badly).
const MIN_SIDE: u32 = 1400;

/// A word read in a picture, with where it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OcrWord {
    /// The word as read.
    pub text: String,
    /// Tesseract's confidence, 0–100.
    pub confidence: f32,
    /// Left edge, as a fraction of the upright picture's width.
    pub x: f64,
    /// Top edge, as a fraction of the upright picture's height.
    pub y: f64,
    /// Width, as a fraction.
    pub w: f64,
    /// Height, as a fraction.
    pub h: f64,
    /// Line number in reading order (words of one line share it).
    pub line: u32,
}

/// What was read in one picture.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    /// The words, in reading order.
    pub words: Vec<OcrWord>,
    /// The quarter turn (clockwise degrees: 0, 90, 180, 270) the picture was read at.
    pub rotation: u16,
}

impl Reading {
    /// The text: a line per line read, a blank line between blocks.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let mut last_line = None;
        for word in &self.words {
            match last_line {
                Some(line) if line == word.line => out.push(' '),
                Some(_) => out.push('\n'),
                None => {}
            }
            out.push_str(&word.text);
            last_line = Some(word.line);
        }
        out
    }

    /// The readings of a document's pages as one: lines numbered on through the pages, and a
    /// page's words placed in fractions of its own picture. The rotation is the first page's.
    pub fn pages(readings: Vec<Reading>) -> Reading {
        let rotation = readings.first().map_or(0, |r| r.rotation);
        let mut words = Vec::new();
        let mut next_line = 0;
        for reading in readings {
            let first = reading.words.first().map_or(0, |w| w.line);
            let mut last = next_line;
            for mut word in reading.words {
                word.line = next_line + (word.line - first.min(word.line));
                last = last.max(word.line + 1);
                words.push(word);
            }
            next_line = last;
        }
        Reading { words, rotation }
    }

    /// How much confident text it holds: letters weighted by confidence.
    fn score(&self) -> f32 {
        self.words
            .iter()
            .map(|w| w.text.chars().filter(|c| c.is_alphanumeric()).count() as f32 * w.confidence / 100.0)
            .sum()
    }
}

/// A Tesseract instance, loaded once and used for many pictures (not shared between threads).
pub struct Recognizer {
    api: TessBaseApi,
}

impl Recognizer {
    /// Loads Tesseract with English and Spanish.
    pub fn new() -> Result<Recognizer> {
        // Leptonica, under Tesseract, prints its internal complaints ("Error in
        // boxClipToRectangle") on stderr, where they read like failures of the import.
        // SAFETY: sets a process-wide severity level; no pointer is involved.
        unsafe {
            leptonica_sys::setMsgSeverity(leptonica_sys::L_SEVERITY_NONE as i32);
        }
        let mut api = TessBaseApi::create();
        let languages = CString::new(LANGUAGES).expect("no NUL");
        api.init_2(None, Some(&languages))
            .map_err(|e| Error::OcrUnavailable { reason: format!("Tesseract could not load {LANGUAGES} ({e})") })?;
        for (name, value) in [("debug_file", "/dev/null"), ("preserve_interword_spaces", "0")] {
            let (name, value) = (CString::new(name).expect("no NUL"), CString::new(value).expect("no NUL"));
            api.set_variable(&name, &value)
                .map_err(|e| Error::OcrUnavailable { reason: format!("Tesseract refused a setting ({e})") })?;
        }
        Ok(Recognizer { api })
    }

    /// Reads the words in an upright picture.
    pub fn read(&mut self, picture: &DynamicImage) -> Result<Reading> {
        self.read_photo(&prepare(picture), None)
    }

    /// Reads the words of a scanned document page: lines of text, as one block.
    pub fn read_page(&mut self, picture: &DynamicImage) -> Result<Reading> {
        let gray = prepare(picture);
        let lines = self.read_gray(&gray, 0, Threshold::Otsu, Layout::Block)?;
        if lines.score() >= GOOD_ENOUGH {
            return Ok(lines);
        }
        // Little on the page: a photo pasted in, or a page scanned on its side.
        self.read_photo(&gray, Some(lines))
    }

    /// Reads a prepared picture as a photo. `lines` is its upright reading as one block of
    /// lines when the caller has made it already (a page), so it is not made twice.
    fn read_photo(&mut self, gray: &GrayImage, lines: Option<Reading>) -> Result<Reading> {
        // A photo is read as scattered text first: Tesseract then looks only at what looks like
        // letters (a sign, a banner) instead of reading the whole photo as one block of lines,
        // which makes words of leaves and bricks and takes ten times as long.
        let mut best = self.read_gray(gray, 0, Threshold::Otsu, Layout::Scattered)?;
        let mut lines = lines;
        if best.score() >= PAGE_LIKE {
            // A page (a clipping, a flyer): lines of text read better as one block.
            let page = match lines.take() {
                Some(page) => page,
                None => self.read_gray(gray, 0, Threshold::Otsu, Layout::Block)?,
            };
            return Ok(if page.score() > best.score() { page } else { best });
        }
        if best.score() >= GOOD_ENOUGH {
            return Ok(lines.filter(|l| l.score() > best.score()).unwrap_or(best));
        }
        // Little was read. Lettering on a slant or small breaks into pieces read one by one:
        // read as lines, it may hold together.
        let lines = match lines {
            Some(lines) => lines,
            None => self.read_gray(gray, 0, Threshold::Otsu, Layout::Block)?,
        };
        if lines.score() > best.score() {
            best = lines;
        }
        if best.score() >= GOOD_ENOUGH {
            return Ok(best);
        }
        // The picture may be on its side, or the board unevenly lit. Tesseract's
        // orientation detector is no help here: it refuses pictures with fewer than 50
        // characters, which is most signs, so every quarter turn is read and the best kept.
        for turn in [90, 270, 180] {
            let reading = self.read_gray(gray, turn, Threshold::Otsu, Layout::Scattered)?;
            if reading.score() > best.score() {
                best = reading;
            }
            if best.score() >= GOOD_ENOUGH {
                return Ok(best);
            }
        }
        // Still little: lettering on a slant, or a board unevenly lit, read as one block of lines
        // with an adaptive threshold.
        let adaptive = self.read_gray(gray, best.rotation, Threshold::Sauvola, Layout::Block)?;
        if adaptive.score() > best.score() {
            best = adaptive;
        }
        Ok(best)
    }

    fn read_gray(&mut self, upright: &GrayImage, turn: u16, threshold: Threshold, layout: Layout) -> Result<Reading> {
        let turned = rotate(upright, turn);
        let (width, height) = turned.dimensions();
        let failed = |what: String| Error::OcrUnavailable { reason: what };
        let thresholding = match threshold {
            Threshold::Otsu => "0",
            Threshold::Sauvola => "2",
        };
        // Tesseract's page segmentation modes: 6 reads one uniform block, 11 finds scattered text.
        let segmentation = match layout {
            Layout::Block => "6",
            Layout::Scattered => "11",
        };
        for (name, value) in [("thresholding_method", thresholding), ("tessedit_pageseg_mode", segmentation)] {
            let (name, value) = (CString::new(name).expect("no NUL"), CString::new(value).expect("no NUL"));
            self.api.set_variable(&name, &value).map_err(|e| failed(format!("Tesseract refused a setting ({e})")))?;
        }
        self.api
            .set_image(turned.as_raw(), width as i32, height as i32, 1, width as i32)
            .map_err(|e| failed(format!("Tesseract refused the picture ({e})")))?;
        // Pictures carry no useful resolution. Lines of a page are read at 300 dpi, what the
        // models expect of print; scattered text at 70 dpi (Tesseract's own guess for a picture
        // without one): at 300 it takes letters over ~70 px high for something other than text
        // and misses the name on a name tag.
        self.api.set_source_resolution(match layout {
            Layout::Block => 300,
            Layout::Scattered => 70,
        });
        one_openmp_thread_here();
        self.api.recognize().map_err(|e| failed(format!("Tesseract failed ({e})")))?;
        let tsv = self.api.get_tsv_text(0).map_err(|e| failed(format!("Tesseract gave no words ({e})")))?;
        let tsv = tsv.as_ref().to_string_lossy().into_owned();
        Ok(Reading { words: without_stray_fragments(words_from_tsv(&tsv, width, height, turn)), rotation: turn })
    }
}

#[derive(Clone, Copy)]
enum Threshold {
    Otsu,
    Sauvola,
}

/// How the text is laid out, for Tesseract's page segmentation.
#[derive(Clone, Copy)]
enum Layout {
    /// Lines of text in one block (a page).
    Block,
    /// Words anywhere, in no order (a sign in a photo).
    Scattered,
}

/// Keeps Tesseract's reading on the calling thread.
///
/// Debian's Tesseract runs parts of each reading on up to ten OpenMP threads. On a laptop's two
/// or four cores those threads mostly wait on each other: measured on the OCR test set, a
/// reading took over three times the CPU it takes on one thread, for the same words. OpenMP
/// reads `OMP_THREAD_LIMIT` only when it is loaded, before `main`; but the most parallel levels
/// it may open is a setting of each thread, and at zero every parallel part of a reading runs
/// on the thread that asked for it. So nothing has to start the program again with the limit
/// set (which cost the app a second start of the whole program and its libraries). A limit
/// the user set is left to apply; a Tesseract built without OpenMP has nothing to set.
fn one_openmp_thread_here() {
    #[cfg(target_os = "linux")]
    {
        type SetMaxActiveLevels = unsafe extern "C" fn(libc::c_int);
        static SET: std::sync::OnceLock<Option<SetMaxActiveLevels>> = std::sync::OnceLock::new();
        let set = SET.get_or_init(|| {
            if std::env::var_os("OMP_THREAD_LIMIT").is_some() {
                return None;
            }
            // SAFETY: looks a NUL-terminated name up among the libraries already loaded
            // (Tesseract's OpenMP runtime, if it has one); nothing is called.
            let found = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c"omp_set_max_active_levels".as_ptr()) };
            // SAFETY: OpenMP's `void omp_set_max_active_levels(int)`, as the standard declares it.
            (!found.is_null()).then(|| unsafe { std::mem::transmute::<*mut libc::c_void, SetMaxActiveLevels>(found) })
        });
        if let Some(set) = set {
            // SAFETY: sets this thread's own OpenMP setting; no pointer is involved.
            unsafe { set(0) }
        }
    }
}

/// Gray, at a size Tesseract reads well.
fn prepare(picture: &DynamicImage) -> GrayImage {
    let gray = picture.to_luma8();
    let (w, h) = gray.dimensions();
    let longest = w.max(h).max(1);
    let scale = if longest > MAX_SIDE {
        f64::from(MAX_SIDE) / f64::from(longest)
    } else if longest < MIN_SIDE {
        (f64::from(MIN_SIDE) / f64::from(longest)).min(3.0)
    } else {
        1.0
    };
    if (scale - 1.0).abs() < 0.01 {
        return gray;
    }
    let (nw, nh) = (((f64::from(w) * scale).round() as u32).max(1), ((f64::from(h) * scale).round() as u32).max(1));
    let filter = if scale < 1.0 { imageops::FilterType::Triangle } else { imageops::FilterType::CatmullRom };
    imageops::resize(&gray, nw, nh, filter)
}

/// The picture turned clockwise by `turn` degrees (a quarter turn or none).
fn rotate(gray: &GrayImage, turn: u16) -> std::borrow::Cow<'_, GrayImage> {
    match turn {
        90 => std::borrow::Cow::Owned(imageops::rotate90(gray)),
        180 => std::borrow::Cow::Owned(imageops::rotate180(gray)),
        270 => std::borrow::Cow::Owned(imageops::rotate270(gray)),
        _ => std::borrow::Cow::Borrowed(gray),
    }
}

/// The words of Tesseract's TSV output (level 5 rows), with their boxes taken back to the
/// upright picture's fractions; noise left out.
fn words_from_tsv(tsv: &str, width: u32, height: u32, turn: u16) -> Vec<OcrWord> {
    let mut out = Vec::new();
    let mut lines: Vec<(u32, u32, u32)> = Vec::new();
    for row in tsv.lines() {
        let cols: Vec<&str> = row.split('\t').collect();
        if cols.len() < 12 || cols[0] != "5" {
            continue;
        }
        let num = |i: usize| cols[i].trim().parse::<f64>().unwrap_or(0.0);
        let text = cols[11].trim();
        let confidence = num(10) as f32;
        if !is_word(text, confidence) {
            continue;
        }
        let key = (num(2) as u32, num(3) as u32, num(4) as u32);
        let line = match lines.iter().position(|l| *l == key) {
            Some(i) => i,
            None => {
                lines.push(key);
                lines.len() - 1
            }
        };
        let (w, h) = (f64::from(width.max(1)), f64::from(height.max(1)));
        let (u0, v0, u1, v1) = (num(6) / w, num(7) / h, (num(6) + num(8)) / w, (num(7) + num(9)) / h);
        let (x0, y0, x1, y1) = upright_box(u0, v0, u1, v1, turn);
        out.push(OcrWord {
            text: text.to_string(),
            confidence,
            x: x0.clamp(0.0, 1.0),
            y: y0.clamp(0.0, 1.0),
            w: (x1 - x0).clamp(0.0, 1.0),
            h: (y1 - y0).clamp(0.0, 1.0),
            line: line as u32,
        });
    }
    out
}

/// Texture (leaves, brick, a crowd) reads as short fragments ("ing", "ey"), each alone or with
/// other fragments: a line holding no real word keeps only what was read with near certainty.
/// Lines are numbered again in reading order.
fn without_stray_fragments(words: Vec<OcrWord>) -> Vec<OcrWord> {
    let alnum = |w: &OcrWord| w.text.chars().filter(|c| c.is_alphanumeric()).count();
    let strong_lines: std::collections::HashSet<u32> =
        words.iter().filter(|w| alnum(w) >= 4 && w.confidence >= 60.0).map(|w| w.line).collect();
    let mut kept: Vec<OcrWord> =
        words.into_iter().filter(|w| strong_lines.contains(&w.line) || w.confidence >= STRAY_CONFIDENCE).collect();
    let mut renumber = std::collections::HashMap::new();
    for w in &mut kept {
        let next = renumber.len() as u32;
        w.line = *renumber.entry(w.line).or_insert(next);
    }
    kept
}

/// A box read on the picture turned clockwise by `turn`, in the upright picture's fractions.
fn upright_box(u0: f64, v0: f64, u1: f64, v1: f64, turn: u16) -> (f64, f64, f64, f64) {
    match turn {
        // Turned a quarter clockwise: the upright (x, y) is at (1 - y, x).
        90 => (v0, 1.0 - u1, v1, 1.0 - u0),
        180 => (1.0 - u1, 1.0 - v1, 1.0 - u0, 1.0 - v0),
        // Turned a quarter counter-clockwise: the upright (x, y) is at (y, 1 - x).
        270 => (1.0 - v1, u0, 1.0 - v0, u1),
        _ => (u0, v0, u1, v1),
    }
}

/// Whether a fragment is a word worth keeping: some letter or digit, and confident enough
/// (a lone character more so: texture read as letters is mostly single characters).
fn is_word(text: &str, confidence: f32) -> bool {
    let alnum = text.chars().filter(|c| c.is_alphanumeric()).count();
    if alnum == 0 || confidence < MIN_CONFIDENCE {
        return false;
    }
    if alnum == 1 && text.chars().count() <= 2 {
        return confidence >= 80.0 && text.chars().any(|c| c.is_ascii_digit() || "AaIiOoYyEe".contains(c));
    }
    // Mostly punctuation ("|||", "—.-") is texture.
    alnum * 2 >= text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_read_on_a_turned_picture_land_where_the_word_is_upright() {
        // A word in the upright picture's top-left corner (x 0.1–0.3, y 0.1–0.2).
        // Turned 90° clockwise, that corner is at the top right: u 0.8–0.9, v 0.1–0.3.
        let (x0, y0, x1, y1) = upright_box(0.8, 0.1, 0.9, 0.3, 90);
        assert!((x0 - 0.1).abs() < 1e-9 && (x1 - 0.3).abs() < 1e-9, "{x0} {x1}");
        assert!((y0 - 0.1).abs() < 1e-9 && (y1 - 0.2).abs() < 1e-9, "{y0} {y1}");
        // Turned 270°, it is at the bottom left: u 0.1–0.2, v 0.7–0.9.
        let (x0, y0, x1, y1) = upright_box(0.1, 0.7, 0.2, 0.9, 270);
        assert!((x0 - 0.1).abs() < 1e-9 && (x1 - 0.3).abs() < 1e-9, "{x0} {x1}");
        assert!((y0 - 0.1).abs() < 1e-9 && (y1 - 0.2).abs() < 1e-9, "{y0} {y1}");
        // Upside down, at the bottom right.
        let (x0, y0, x1, y1) = upright_box(0.7, 0.8, 0.9, 0.9, 180);
        assert!(
            (x0 - 0.1).abs() < 1e-9 && (x1 - 0.3).abs() < 1e-9 && (y0 - 0.1).abs() < 1e-9 && (y1 - 0.2).abs() < 1e-9
        );
    }

    #[test]
    fn fragments_alone_on_a_line_are_dropped_unless_read_with_certainty() {
        let word = |text: &str, confidence: f32, line: u32| OcrWord {
            text: text.into(),
            confidence,
            x: 0.0,
            y: 0.0,
            w: 0.1,
            h: 0.1,
            line,
        };
        let kept = without_stray_fragments(vec![
            word("ing", 73.0, 0),
            word("ICE", 95.0, 1),
            word("OUT", 93.0, 1),
            word("TW", 81.0, 2),
            word("Books", 90.0, 3),
            word("not", 70.0, 3),
        ]);
        let text: Vec<(&str, u32)> = kept.iter().map(|w| (w.text.as_str(), w.line)).collect();
        assert_eq!(text, vec![("ICE", 0), ("OUT", 0), ("Books", 1), ("not", 1)]);
    }

    #[test]
    fn texture_read_as_letters_is_dropped_and_words_are_kept() {
        assert!(is_word("DEPORTATION", 91.0));
        assert!(is_word("ICE", 70.0));
        assert!(!is_word("ICE", 20.0));
        assert!(!is_word("|||", 95.0));
        assert!(!is_word("—", 95.0));
        assert!(!is_word("l", 60.0));
        assert!(is_word("2026", 88.0));
    }
}
