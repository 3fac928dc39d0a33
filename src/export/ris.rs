//! The RIS export, the tagged format every reference manager imports: `TY  - NEWS` for
//! articles, `GEN` for quotes (the speaker as author, the article they were quoted in as `T2`),
//! `ART` for photos. Lines end in CRLF as the format asks; values are flattened to one line.

use std::path::Path;

use super::reference::{Name, Reference, date_parts, references};
use super::{ExportReport, Selection, select, write_file};
use crate::archive::Archive;
use crate::error::Result;
use crate::model::ItemKind;

/// Writes the RIS records of the selected items to the file `out`.
pub fn export(archive: &Archive, selection: &Selection, include_restricted: bool, out: &Path) -> Result<ExportReport> {
    let (items, left_out) = select(archive, selection, include_restricted)?;
    let refs = references(archive, &items, include_restricted)?;
    write_file(out, to_ris(&refs))?;
    super::log_export(archive, "ris", out, &items)?;
    Ok(ExportReport { exported: items.len() as u64, files: 0, left_out, originals: false })
}

/// The RIS text of references, one record each.
pub fn to_ris(refs: &[Reference]) -> String {
    let mut out = String::new();
    for r in refs {
        record(r, &mut out);
    }
    out
}

/// A RIS author: `Family, Given`, or the name as written.
fn author(name: &Name) -> String {
    match name {
        Name::Person { family, given } => format!("{family}, {given}"),
        Name::Literal(literal) => literal.clone(),
    }
}

fn record(r: &Reference, out: &mut String) {
    let mut line = |tag: &str, value: &str| {
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        if !value.is_empty() {
            out.push_str(&format!("{tag}  - {value}\r\n"));
        }
    };
    let kind = match r.kind {
        ItemKind::Article => "NEWS",
        ItemKind::Quote => "GEN",
        ItemKind::Photo => "ART",
    };
    line("TY", kind);
    line("ID", &r.id.to_string());
    line("TI", &r.title);
    for name in &r.creators {
        line("AU", &author(name));
    }
    if let Some(parts) = r.date.as_ref().and_then(date_parts) {
        line("PY", &format!("{:04}", parts.start[0]));
        let month = parts.start.get(1).map(|m| format!("{m:02}")).unwrap_or_default();
        let day = parts.start.get(2).map(|d| format!("{d:02}")).unwrap_or_default();
        let other = r.date.as_ref().map(|d| d.as_str()).unwrap_or_default();
        line("DA", &format!("{:04}/{month}/{day}/{other}", parts.start[0]));
    }
    match &r.quoted_in {
        Some(article) => {
            line("T2", &article.title);
            line("PB", article.outlet.as_deref().unwrap_or_default());
            line("UR", article.url.as_deref().unwrap_or_default());
        }
        None => {
            line("T2", r.outlet.as_deref().unwrap_or_default());
            line("UR", r.url.as_deref().unwrap_or_default());
        }
    }
    line("AB", r.text.as_deref().unwrap_or_default());
    line("CY", r.place.as_deref().unwrap_or_default());
    line("LA", r.language.as_deref().unwrap_or_default());
    for keyword in &r.keywords {
        line("KW", keyword);
    }
    line("N1", r.note.as_deref().unwrap_or_default());
    line("DB", "Walkout Archive");
    out.push_str("ER  - \r\n\r\n");
}
