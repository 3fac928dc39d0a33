//! The text of a saved page from its bytes. Pages saved from older or regional sites are often
//! not UTF-8 (Windows-1252 in Spain and the Americas, Shift_JIS in Japan, GBK in China); read as
//! UTF-8 their accents and every CJK character become replacement marks. The order is the
//! browser's: a byte order mark, then the page's own declaration (`<meta charset>` or
//! `http-equiv`), then a detector (`chardetng`, Firefox's) when the page says nothing or says
//! UTF-8 but is not.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8};

/// How far into a page a `<meta charset>` is looked for (browsers look at the first 1024 bytes;
/// saved pages often carry a long comment or preamble first).
const DECLARATION_WINDOW: usize = 8192;

/// The page's text and the name of the encoding it was read in.
pub fn decode_html(bytes: &[u8]) -> (Cow<'_, str>, &'static str) {
    let encoding = detect(bytes);
    let (text, _, _) = encoding.decode(bytes);
    (text, encoding.name())
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return encoding;
    }
    let utf8 = std::str::from_utf8(bytes).is_ok();
    match declared(&bytes[..bytes.len().min(DECLARATION_WINDOW)]) {
        // A page's declaration is kept when its bytes agree; "UTF-8" over bytes that are not
        // is a common mislabel (a page re-saved by an old editor), left to the detector.
        Some(e) if e != UTF_8 || utf8 => e,
        _ if utf8 => UTF_8,
        _ => {
            let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(bytes, true);
            detector.guess(None, chardetng::Utf8Detection::Allow)
        }
    }
}

/// The encoding a page declares in a `<meta charset=…>` or
/// `<meta http-equiv="Content-Type" content="…; charset=…">`. UTF-16 declared in an
/// ASCII-compatible page is read as UTF-8, as browsers do (the declaration could not have been
/// read otherwise).
fn declared(head: &[u8]) -> Option<&'static Encoding> {
    let lower = head.to_ascii_lowercase();
    let mut at = 0;
    while let Some(p) = memchr::memmem::find(&lower[at..], b"<meta") {
        let start = at + p;
        let end = memchr::memchr(b'>', &lower[start..]).map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(c) = memchr::memmem::find(tag, b"charset") {
            let value = tag[c + b"charset".len()..]
                .iter()
                .skip_while(|b| b.is_ascii_whitespace() || **b == b'=' || **b == b'"' || **b == b'\'')
                .take_while(|b| !b.is_ascii_whitespace() && !matches!(b, b'"' | b'\'' | b';' | b'/' | b'>'))
                .copied()
                .collect::<Vec<u8>>();
            if let Some(e) = Encoding::for_label(&value) {
                return Some(if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE { UTF_8 } else { e });
            }
        }
        at = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_legacy_pages_undeclared_pages_and_mislabelled_utf8_read_right() {
        let latin = b"<html><head><meta charset=\"ISO-8859-1\"></head><body>Educaci\xf3n p\xfablica</body></html>";
        assert!(decode_html(latin).0.contains("Educación pública"));
        let http_equiv = b"<meta http-equiv=Content-Type content='text/html; charset=windows-1252'>\x93Walkout\x94";
        assert!(decode_html(http_equiv).0.contains("\u{201c}Walkout\u{201d}"));
        let undeclared = "<p>La marcha estudiantil llegó a la plaza; los alumnos pidieron educación pública, \
                          gratuita y de calidad para todos los niños y niñas del país.</p>";
        let (latin1, _, _) = encoding_rs::WINDOWS_1252.encode(undeclared);
        assert!(decode_html(&latin1).0.contains("educación pública"), "the detector finds Windows-1252");
        let mislabelled = [b"<meta charset=utf-8>".as_slice(), &latin1].concat();
        assert!(decode_html(&mislabelled).0.contains("educación pública"));
        let utf8 = "<meta charset=utf-8><p>学生们走出了教室。</p>";
        assert_eq!(decode_html(utf8.as_bytes()).0, utf8);
    }
}
