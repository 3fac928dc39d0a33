//! PDF articles: the text layer becomes the body, the document's Title (or its first line) the
//! headline. Two extractors read the same parsed document: `pdf-extract` follows the page layout
//! and gets most PDFs right, but splits words in some (Google Docs output) and panics on others;
//! lopdf's own `extract_text` reads the content streams plainly. The one that recovered more
//! real words is kept (on ../shared/corpora/pdfs this beats either alone). A panic inside either
//! is caught; a PDF that is encrypted or cannot be parsed is refused with the reason.
//!
//! A scan (pages that are pictures, with no text layer) is kept as an article with an empty
//! body, titled by its Title or file name, for OCR to read ([`scanned_pages`] gives OCR each
//! such page's picture); a PDF with neither text nor pictures is refused.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use chrono::{DateTime, Utc};
use lopdf::{Document, Object};

use crate::model::{ArticleDetails, Item, ItemDetails};

/// Why a PDF gave no article.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    /// The PDF needs a password to be read.
    #[error("the PDF is encrypted (password-protected); save an unprotected copy and import that")]
    Encrypted,
    /// The file is not a PDF that can be parsed.
    #[error("not a readable PDF: {0}")]
    Malformed(String),
    /// No page holds text or a picture of a page.
    #[error("the PDF has no text and no scanned pages: its pages are empty or drawn only with shapes")]
    NoText,
    /// A page's scan is stored in a way this build cannot decode.
    #[error(
        "page {page}'s scan is stored as {format}, which cannot be decoded here; print it to a PDF of JPEG pages, or import the pages as photos"
    )]
    UnsupportedScan { page: u32, format: String },
}

/// A page without a text layer, as the picture of it the PDF holds.
pub struct ScannedPage {
    /// The page number, from 1.
    pub number: u32,
    /// The page's largest picture (its scan), decoded.
    pub picture: image::DynamicImage,
}

/// A page with fewer letters of real words than this has no text layer to speak of (a scan
/// may carry a page number or a scanner's stamp as text).
const PAGE_TEXT_LETTERS: usize = 20;

/// An article item from a PDF's text layer.
pub fn from_pdf(path: &Path, bytes: &[u8], sha256: &str, now: DateTime<Utc>) -> Result<Item, String> {
    let (text, info) = match extract(bytes) {
        // A scan: kept with no body, for OCR to read.
        Err(PdfError::NoText) if has_scanned_pages(bytes) => {
            (String::new(), load(bytes).map(|d| info(&d)).unwrap_or_default())
        }
        other => other.map_err(|e| e.to_string())?,
    };
    let body = clean_text(&text);
    let headline = info
        .title
        .filter(|t| plausible_title(t))
        .or_else(|| first_line(&text).map(|l| shorten(&l, 200)))
        .unwrap_or_else(|| file_title(path));
    let authors = info.author.filter(|a| plausible_title(a)).map(|a| vec![a]).unwrap_or_default();
    Ok(Item::new(
        headline.clone(),
        ItemDetails::Article(ArticleDetails {
            headline,
            outlet: None,
            authors,
            url: None,
            body,
            sha256: Some(sha256.to_string()),
            file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()),
            date_rule: None,
        }),
        now,
    ))
}

/// What the PDF's document information dictionary says.
#[derive(Debug, Default)]
struct Info {
    title: Option<String>,
    author: Option<String>,
}

/// The parsed document, decrypted when its password is the empty one.
fn load(bytes: &[u8]) -> Result<Document, PdfError> {
    let parsed = catch_unwind(|| Document::load_mem(bytes));
    let mut doc = match parsed {
        Ok(Ok(doc)) => doc,
        // lopdf tries the empty password while loading, and fails the load when it is not it.
        Ok(Err(_)) if declares_encryption(bytes) => return Err(PdfError::Encrypted),
        Ok(Err(e)) => return Err(PdfError::Malformed(e.to_string())),
        Err(_) => return Err(PdfError::Malformed("the PDF parser failed on its structure".to_string())),
    };
    // Many PDFs are "encrypted" with an empty user password (only printing or copying is
    // restricted): those open; the others need the password.
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(PdfError::Encrypted);
    }
    Ok(doc)
}

/// The text of every page, and the document information.
fn extract(bytes: &[u8]) -> Result<(String, Info), PdfError> {
    let doc = load(bytes)?;
    let info = info(&doc);
    // A password that was not the empty one leaves pages and text unreadable.
    if doc.get_pages().is_empty() && declares_encryption(bytes) {
        return Err(PdfError::Encrypted);
    }
    if doc.get_pages().is_empty() {
        return Err(PdfError::Malformed("it has no pages".to_string()));
    }
    let by_layout = catch_unwind(AssertUnwindSafe(|| {
        let mut text = String::new();
        let mut output = pdf_extract::PlainTextOutput::new(&mut text);
        pdf_extract::output_doc(&doc, &mut output).map(|()| text)
    }));
    let by_stream = catch_unwind(AssertUnwindSafe(|| {
        let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
        doc.extract_text(&pages)
    }));
    let candidates = [by_layout.ok().and_then(Result::ok), by_stream.ok().and_then(Result::ok)];
    let best = candidates.into_iter().flatten().max_by_key(|t| word_letters(t)).filter(|t| word_letters(t) > 0);
    match best {
        Some(text) => Ok((text, info)),
        None if declares_encryption(bytes) => Err(PdfError::Encrypted),
        None => Err(PdfError::NoText),
    }
}

/// The text lopdf reads on one page (none when it fails).
fn page_text(doc: &Document, number: u32) -> String {
    catch_unwind(AssertUnwindSafe(|| doc.extract_text(&[number]))).ok().and_then(Result::ok).unwrap_or_default()
}

/// The pages with (almost) no text that hold a picture, with their largest picture.
fn scan_images(doc: &Document) -> Vec<(u32, lopdf::ObjectId)> {
    doc.get_pages()
        .into_iter()
        .filter(|(number, _)| word_letters(&page_text(doc, *number)) < PAGE_TEXT_LETTERS)
        .filter_map(|(number, page)| {
            let images = doc.get_page_images(page).ok()?;
            let largest = images.iter().filter(|i| i.width > 0 && i.height > 0).max_by_key(|i| i.width * i.height)?;
            Some((number, largest.id))
        })
        .collect()
}

/// Whether any page is a scan (a picture and no text).
pub fn has_scanned_pages(bytes: &[u8]) -> bool {
    load(bytes).is_ok_and(|doc| !scan_images(&doc).is_empty())
}

/// The pictures of the pages that have no text layer, decoded (each refused over
/// `max_pixels` before its pixels are decoded). A page whose picture cannot be decoded is left
/// out; when no page could be, the first page's reason is the error.
pub fn scanned_pages(bytes: &[u8], max_pixels: u64) -> Result<Vec<ScannedPage>, PdfError> {
    let doc = load(bytes)?;
    let mut pages = Vec::new();
    let mut first_error = None;
    for (number, image) in scan_images(&doc) {
        match page_picture(&doc, number, image, max_pixels) {
            Ok(picture) => pages.push(ScannedPage { number, picture }),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) if pages.is_empty() => Err(e),
        _ => Ok(pages),
    }
}

/// Decodes a page's picture: a JPEG (DCTDecode) as it is, or raw samples (uncompressed, Flate
/// or LZW) in gray, RGB or CMYK at 8 bits, or 1-bit black and white.
fn page_picture(
    doc: &Document,
    page: u32,
    id: lopdf::ObjectId,
    max_pixels: u64,
) -> Result<image::DynamicImage, PdfError> {
    let unsupported = |format: &str| PdfError::UnsupportedScan { page, format: format.to_string() };
    let stream = doc.get_object(id).and_then(Object::as_stream).map_err(|e| PdfError::Malformed(e.to_string()))?;
    let dict = &stream.dict;
    let number = |key: &[u8]| dict.get(key).ok().and_then(|o| o.as_i64().ok());
    let (width, height) = match (number(b"Width"), number(b"Height")) {
        (Some(w), Some(h)) if w > 0 && h > 0 && w <= u32::MAX as i64 && h <= u32::MAX as i64 => (w as u32, h as u32),
        _ => return Err(PdfError::Malformed(format!("page {page}'s picture has no size"))),
    };
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(PdfError::Malformed(format!(
            "page {page}'s picture is {width}×{height} pixels, over the limit of {max_pixels}"
        )));
    }
    let filters: Vec<String> = stream
        .filters()
        .map(|f| f.iter().map(|n| String::from_utf8_lossy(n).into_owned()).collect())
        .unwrap_or_default();
    if let Some(last) = filters.last()
        && last != "FlateDecode"
        && last != "LZWDecode"
    {
        if last != "DCTDecode" || filters.len() > 1 {
            return Err(unsupported(&filters.join("+")));
        }
        let decoded =
            crate::files::decode::decode(&stream.content, crate::ingest::sniff::FileKind::Jpeg, 2400, max_pixels)
                .map_err(|e| PdfError::Malformed(format!("page {page}'s JPEG: {e}")))?;
        let p = decoded.pixels;
        return image::RgbImage::from_raw(p.width, p.height, p.rgb)
            .map(image::DynamicImage::ImageRgb8)
            .ok_or_else(|| PdfError::Malformed(format!("page {page}'s JPEG gave fewer pixels than its size")));
    }
    let samples =
        stream.decompressed_content().map_err(|e| PdfError::Malformed(format!("page {page}'s picture: {e}")))?;
    let bits = number(b"BitsPerComponent").unwrap_or(8);
    let components = match dict.get(b"ColorSpace").ok().map(|cs| color_components(doc, cs)) {
        Some(Some(n)) => n,
        Some(None) => return Err(unsupported("a colour space other than gray, RGB or CMYK")),
        None if bits == 1 => 1,
        None => return Err(PdfError::Malformed(format!("page {page}'s picture has no colour space"))),
    };
    let (w, h) = (width as usize, height as usize);
    let short = || PdfError::Malformed(format!("page {page}'s picture holds fewer samples than its size"));
    let gray = match (bits, components) {
        (1, 1) => {
            let row = w.div_ceil(8);
            if samples.len() < row * h {
                return Err(short());
            }
            // 0 is black, unless a /Decode [1 0] inverts it.
            let inverted =
                dict.get(b"Decode").ok().and_then(|d| d.as_array().ok()).and_then(|a| a.first()?.as_float().ok())
                    == Some(1.0);
            image::GrayImage::from_fn(width, height, |x, y| {
                let bit = samples[y as usize * row + x as usize / 8] >> (7 - x % 8) & 1;
                image::Luma([if (bit == 1) != inverted { 255 } else { 0 }])
            })
        }
        (8, n @ (1 | 3 | 4)) => {
            if samples.len() < w * h * n {
                return Err(short());
            }
            image::GrayImage::from_fn(width, height, |x, y| {
                let at = (y as usize * w + x as usize) * n;
                let s = &samples[at..at + n];
                let luma = match n {
                    1 => s[0] as f32,
                    3 => 0.299 * s[0] as f32 + 0.587 * s[1] as f32 + 0.114 * s[2] as f32,
                    _ => {
                        let k = 255.0 - s[3] as f32;
                        let c = |v: u8| (255.0 - v as f32) * k / 255.0;
                        0.299 * c(s[0]) + 0.587 * c(s[1]) + 0.114 * c(s[2])
                    }
                };
                image::Luma([luma.round().clamp(0.0, 255.0) as u8])
            })
        }
        (bits, n) => return Err(unsupported(&format!("{bits}-bit samples of {n} colours"))),
    };
    Ok(image::DynamicImage::ImageLuma8(gray))
}

/// How many colours a colour space has (gray 1, RGB 3, CMYK 4, an ICC profile its /N); none for
/// one that needs a lookup (indexed, separation).
fn color_components(doc: &Document, space: &Object) -> Option<usize> {
    let space = match space {
        Object::Reference(id) => doc.get_object(*id).ok()?,
        other => other,
    };
    match space {
        Object::Name(name) => match name.as_slice() {
            b"DeviceGray" | b"CalGray" | b"G" => Some(1),
            b"DeviceRGB" | b"CalRGB" | b"RGB" => Some(3),
            b"DeviceCMYK" | b"CMYK" => Some(4),
            _ => None,
        },
        Object::Array(parts) if parts.first().and_then(|p| p.as_name().ok()) == Some(b"ICCBased") => {
            let profile = parts.get(1)?.as_reference().ok().and_then(|id| doc.get_object(id).ok())?.as_stream().ok()?;
            profile
                .dict
                .get(b"N")
                .ok()?
                .as_i64()
                .ok()
                .and_then(|n| usize::try_from(n).ok())
                .filter(|n| matches!(n, 1 | 3 | 4))
        }
        Object::Array(parts) => parts.first().and_then(|p| color_components(doc, p)).filter(|_| parts.len() == 1),
        _ => None,
    }
}

/// Whether the file's last trailer names an encryption dictionary.
fn declares_encryption(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(4096)..];
    let trailer = tail.windows(7).rposition(|w| w == b"trailer").map_or(tail, |at| &tail[at..]);
    trailer.windows(8).any(|w| w == b"/Encrypt")
}

/// Letters in words of three letters or more: how much real text an extraction recovered. A
/// word split into pieces ("Exa mp le") or text left out both lower it.
fn word_letters(text: &str) -> usize {
    text.split(|c: char| !c.is_alphanumeric())
        .map(|w| w.chars().filter(|c| c.is_alphabetic()).count())
        .filter(|n| *n >= 3)
        .sum()
}

fn info(doc: &Document) -> Info {
    let dict = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| match o {
            Object::Reference(id) => doc.get_object(*id).ok(),
            other => Some(other),
        })
        .and_then(|o| o.as_dict().ok());
    let Some(dict) = dict else { return Info::default() };
    let text = |key: &[u8]| {
        dict.get(key)
            .ok()
            .and_then(|o| lopdf::decode_text_string(o).ok())
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty())
    };
    Info { title: text(b"Title"), author: text(b"Author") }
}

/// A Title that names the document, not the file it was made from ("10811.exe",
/// "905_Precinct_NoOU", "Microsoft Word - draft3.doc").
fn plausible_title(title: &str) -> bool {
    let lower = title.to_lowercase();
    let file_like = [".exe", ".doc", ".docx", ".pdf", ".tex", ".dvi", ".indd", ".qxd", ".rtf", ".odt"]
        .iter()
        .any(|ext| lower.ends_with(ext))
        || lower.starts_with("microsoft word")
        || (title.contains('_') && !title.contains(' '));
    title.chars().any(char::is_alphabetic) && !file_like && title.chars().count() <= 300
}

/// Paragraphs separated by one blank line; hard-wrapped lines joined, words hyphenated at a
/// line end put together again.
fn clean_text(text: &str) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in text.split(['\n', '\r', '\u{c}']) {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
            continue;
        }
        let starts_lower = line.chars().next().is_some_and(char::is_lowercase);
        if current.ends_with('-') && starts_lower && current.len() > 1 {
            current.pop();
        } else if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&line);
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs.join("\n\n")
}

/// The first line with words on it (the heading of the first page, most often).
fn first_line(text: &str) -> Option<String> {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .find(|l| l.chars().filter(|c| c.is_alphabetic()).count() >= 3)
}

fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
        None => text.to_string(),
    }
}

fn file_title(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().replace(['_', '-'], " ")).unwrap_or_else(|| "Untitled PDF".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_words_score_lower_than_whole_ones() {
        assert!(word_letters("Example document") > word_letters("Exa mp le do cumen t"));
    }

    #[test]
    fn file_names_are_not_titles() {
        assert!(!plausible_title("10811.exe"));
        assert!(!plausible_title("905_Precinct_NoOU"));
        assert!(plausible_title("Geometrie und Topologie"));
    }

    #[test]
    fn wrapped_lines_become_paragraphs() {
        assert_eq!(clean_text("One exam-\nple line\n\n\nTwo"), "One example line\n\nTwo");
    }
}
