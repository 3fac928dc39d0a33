//! Deciding what a file is from its bytes, not its name: a PNG named `.jpg` is a PNG, and a text
//! file named `.jpg` is refused with the reason.

use std::path::Path;

/// What a file holds, as far as importing goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A JPEG image.
    Jpeg,
    /// A PNG image.
    Png,
    /// A WebP image.
    Webp,
    /// A TIFF image.
    Tiff,
    /// A HEIF/HEIC image.
    Heif,
    /// A PDF document.
    Pdf,
    /// An HTML page.
    Html,
    /// Markdown text.
    Markdown,
    /// Plain text.
    Text,
    /// Comma-, semicolon- or tab-separated values.
    Csv,
    /// A JSON document.
    Json,
    /// JSON, one object per line.
    JsonLines,
}

impl FileKind {
    /// Whether this is an image a photo item can hold.
    pub fn is_photo(self) -> bool {
        matches!(self, FileKind::Jpeg | FileKind::Png | FileKind::Webp | FileKind::Tiff | FileKind::Heif)
    }

    /// The media type stored with the file.
    pub fn media_type(self) -> &'static str {
        match self {
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Webp => "image/webp",
            FileKind::Tiff => "image/tiff",
            FileKind::Heif => "image/heif",
            FileKind::Pdf => "application/pdf",
            FileKind::Html => "text/html",
            FileKind::Markdown => "text/markdown",
            FileKind::Text => "text/plain",
            FileKind::Csv => "text/csv",
            FileKind::Json => "application/json",
            FileKind::JsonLines => "application/jsonl",
        }
    }

    /// Short lowercase name (`jpeg`, `png` …).
    pub fn name(self) -> &'static str {
        self.media_type().rsplit('/').next().unwrap_or("file")
    }
}

fn extension(path: &Path) -> String {
    path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase()
}

/// Decides the kind of a file from its first bytes and, for text, its extension. `Err` says why
/// the file cannot be imported.
pub fn sniff(path: &Path, head: &[u8]) -> Result<FileKind, String> {
    if head.is_empty() {
        return Err("the file is empty".to_string());
    }
    let ext = extension(path);
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(FileKind::Jpeg);
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(FileKind::Png);
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Ok(FileKind::Webp);
    }
    if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        return Ok(FileKind::Tiff);
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        let brand = &head[8..12];
        if [b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif"].iter().any(|b| brand == *b) {
            return Ok(FileKind::Heif);
        }
        return Err(format!(
            "an ISO media file of brand {:?} (video?) is not a photo, article or quote sheet",
            String::from_utf8_lossy(brand)
        ));
    }
    if head.starts_with(b"%PDF-") {
        return Ok(FileKind::Pdf);
    }
    if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        return Err("a GIF image: Walkout keeps photos as JPEG, PNG, WebP, TIFF or HEIC; convert it first".to_string());
    }
    if head.starts_with(&[0x1F, 0x8B]) {
        return Err("a gzip-compressed file: decompress it (gunzip) and import what it holds".to_string());
    }
    if head.starts_with(b"PK\x03\x04") {
        return Err(
            "a zip archive: name it .zip to import it as a BagIt bag, or unzip it and import the folder".to_string()
        );
    }
    let image_ext = ["jpg", "jpeg", "png", "webp", "tif", "tiff", "heic", "heif", "gif", "bmp"];
    let text = looks_like_text(head);
    if image_ext.contains(&ext.as_str()) {
        let what = if text { "text" } else { "not an image format Walkout reads" };
        return Err(format!("named .{ext} but the content is {what}"));
    }
    if ext == "pdf" {
        return Err("named .pdf but the content is not a PDF (no %PDF- header)".to_string());
    }
    // A page in a legacy encoding (Windows-1252, Shift_JIS, GBK…) is no UTF-8 but still a page:
    // the article importer reads it in its own encoding.
    if !text && matches!(ext.as_str(), "html" | "htm" | "xhtml") && !head.contains(&0) {
        return Ok(FileKind::Html);
    }
    if !text {
        return Err(
            "not a photo, article or quote sheet Walkout can read (binary content of an unknown kind)".to_string()
        );
    }
    let start = String::from_utf8_lossy(&head[..head.len().min(1024)])
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_lowercase();
    Ok(match ext.as_str() {
        "csv" | "tsv" => FileKind::Csv,
        "jsonl" | "ndjson" => FileKind::JsonLines,
        "json" => FileKind::Json,
        "md" | "markdown" => FileKind::Markdown,
        "html" | "htm" | "xhtml" => FileKind::Html,
        "txt" | "text" => FileKind::Text,
        _ if start.starts_with("<!doctype html") || start.starts_with("<html") => FileKind::Html,
        "" => {
            return Err("a text file without an extension: name it .txt, .md, .html, .csv, .json or .jsonl to \
                 say what it holds"
                .to_string());
        }
        _ => {
            return Err(format!(
                "unknown file type .{ext}: import photos, articles (.html, .txt, .md, .pdf) or quote sheets (.csv, .json, .jsonl)"
            ));
        }
    })
}

/// Text is valid UTF-8 (a cut character at the end allowed) without NUL bytes.
fn looks_like_text(head: &[u8]) -> bool {
    if head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && head.len() - e.valid_up_to() < 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_wins_over_the_name() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(sniff(Path::new("photo.jpg"), png), Ok(FileKind::Png));
        let err = sniff(Path::new("photo.jpg"), b"hello, I am text").unwrap_err();
        assert!(err.contains("named .jpg but the content is text"), "{err}");
        assert_eq!(sniff(Path::new("x.bin"), b"<!DOCTYPE html><html>"), Ok(FileKind::Html));
        assert!(sniff(Path::new("empty.csv"), b"").unwrap_err().contains("empty"));
        assert!(sniff(Path::new("blob.dat"), &[0, 1, 2, 3, 255]).is_err());
    }

    #[test]
    fn refusals_say_what_the_file_is_and_what_to_do() {
        let gif = sniff(Path::new("hopper.gif"), b"GIF89a\x01\0\x01\0").unwrap_err();
        assert!(gif.contains("a GIF image") && gif.contains("convert it"), "{gif}");
        let gz = sniff(Path::new("page.html.gz"), &[0x1F, 0x8B, 8, 0, 0, 0]).unwrap_err();
        assert!(gz.contains("gzip") && gz.contains("decompress"), "{gz}");
        let readme = sniff(Path::new("README"), b"Photos from the walkout").unwrap_err();
        assert!(readme.contains("without an extension") && readme.contains(".txt"), "{readme}");
    }
}
