//! PDF articles: the text layer becomes the body, the document's Title (or its first line) the
//! headline. Two extractors read the same parsed document: `pdf-extract` follows the page layout
//! and gets most PDFs right, but splits words in some (Google Docs output) and panics on others;
//! lopdf's own `extract_text` reads the content streams plainly. The one that recovered more
//! real words is kept (on ../shared/corpora/pdfs this beats either alone). A panic inside either
//! is caught; a PDF that is encrypted, has no text layer or cannot be parsed is refused with the
//! reason.

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
    /// No page holds text: a scan, or a PDF of pictures.
    #[error("the PDF has no text layer (a scan?); run OCR on it first, or import its pages as photos")]
    NoText,
}

/// An article item from a PDF's text layer.
pub fn from_pdf(path: &Path, bytes: &[u8], sha256: &str, now: DateTime<Utc>) -> Result<Item, String> {
    let (text, info) = extract(bytes).map_err(|e| e.to_string())?;
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

/// The text of every page, and the document information.
fn extract(bytes: &[u8]) -> Result<(String, Info), PdfError> {
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
