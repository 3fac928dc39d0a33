//! Formatted citations in Chicago (notes and bibliography), MLA or APA style, rendered by
//! hayagriva with the CSL styles it bundles. A quote cites its speaker, the article it was
//! quoted in (when that may leave too) and its date; an article its authors, headline, outlet,
//! date and URL; a photo its photographer, caption and date. The export is a text file, one
//! citation a paragraph, in the style's bibliography order.

use std::path::Path;

use hayagriva::archive::{ArchivedStyle, locales};
use hayagriva::citationberg::{LocaleCode, Style as CslStyle};
use hayagriva::{BibliographyDriver, BibliographyRequest, BufWriteFormat, CitationItem, CitationRequest, Library};
use serde_json::{Value, json};

use super::reference::{Name, Reference, date_parts, references};
use super::{ExportReport, Selection, select, write_file};
use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::model::{Id, Item, ItemKind};
use crate::privacy::{Disclosure, Purpose, Verdict};

/// A citation style.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Style {
    /// The Chicago Manual of Style, notes and bibliography (its bibliography entries).
    #[default]
    Chicago,
    /// MLA Handbook, 9th edition.
    Mla,
    /// APA, 7th edition.
    Apa,
}

impl Style {
    /// Parses `chicago`, `mla` or `apa`.
    pub fn parse(name: &str) -> Result<Style> {
        match name.trim().to_ascii_lowercase().as_str() {
            "chicago" => Ok(Style::Chicago),
            "mla" => Ok(Style::Mla),
            "apa" => Ok(Style::Apa),
            _ => Err(Error::invalid("style", format!("{name:?} is not one of chicago, mla, apa"))),
        }
    }

    fn csl(self) -> Result<hayagriva::citationberg::IndependentStyle> {
        let archived = match self {
            Style::Chicago => ArchivedStyle::ChicagoNotes,
            Style::Mla => ArchivedStyle::ModernLanguageAssociation,
            Style::Apa => ArchivedStyle::AmericanPsychologicalAssociation,
        };
        match archived.get() {
            CslStyle::Independent(style) => Ok(style),
            CslStyle::Dependent(_) => Err(Error::invalid("style", "the bundled style depends on another")),
        }
    }
}

/// Writes the citations of the selected items to the text file `out`.
pub fn export(
    archive: &Archive,
    selection: &Selection,
    include_restricted: bool,
    style: Style,
    out: &Path,
) -> Result<ExportReport> {
    let (items, left_out) = select(archive, selection, include_restricted)?;
    let refs = references(archive, &items, include_restricted)?;
    let cited = render(&refs, style)?;
    let mut text = cited.iter().map(|(_, c)| c.as_str()).collect::<Vec<_>>().join("\n\n");
    text.push('\n');
    write_file(out, text)?;
    super::log_export(archive, "citation", out, &items)?;
    Ok(ExportReport { exported: items.len() as u64, files: 0, left_out, originals: false })
}

/// The citation of one item in `style`, as it may leave the archive: through the policy every
/// export applies (restricted items only with `include_restricted`, private ones never; names
/// without consent by pseudonym). `Err(reason)` when the item stays in.
pub fn cite(
    archive: &Archive,
    item: &Item,
    include_restricted: bool,
    style: Style,
) -> Result<std::result::Result<String, String>> {
    let mut disclosure = Disclosure::new(archive, include_restricted, Purpose::Public)?;
    let shown = match disclosure.decide(item)? {
        Verdict::Include(item) => *item,
        Verdict::Exclude(reason) => return Ok(Err(reason)),
    };
    let refs = references(archive, std::slice::from_ref(&shown), include_restricted)?;
    let cited = render(&refs, style)?;
    Ok(Ok(cited.into_iter().next().map(|(_, text)| text).unwrap_or_default()))
}

/// The citation of each reference in `style`: articles and photos as the style's
/// bibliography renders them, then quotes. A quote taken from an article that may leave too
/// ends "Quoted in" that article's citation.
pub fn render(refs: &[Reference], style: Style) -> Result<Vec<(Id, String)>> {
    let (quotes, works): (Vec<&Reference>, Vec<&Reference>) = refs.iter().partition(|r| r.kind == ItemKind::Quote);
    let works: Vec<Reference> = works.into_iter().cloned().collect();
    let sources: Vec<Reference> = quotes.iter().filter_map(|r| r.quoted_in.as_deref().cloned()).collect();
    let mut out = bibliography(&works, style)?;
    let source_citations = bibliography(&sources, style)?;
    for quote in quotes {
        let mut text = quote_citation(quote, style);
        let source = quote.quoted_in.as_deref();
        if let Some((_, quoted_in)) = source.and_then(|s| source_citations.iter().find(|(id, _)| *id == s.id)) {
            text = format!("{text} Quoted in {quoted_in}");
        }
        out.push((quote.id, text));
    }
    Ok(out)
}

/// Renders references with hayagriva as the style's bibliography: (item, citation) pairs.
fn bibliography(refs: &[Reference], style: Style) -> Result<Vec<(Id, String)>> {
    let mut library = serde_json::Map::new();
    for r in refs {
        library.insert(r.id.to_string(), entry(r));
    }
    if library.is_empty() {
        return Ok(Vec::new());
    }
    // JSON is YAML, which is what hayagriva reads its entries from.
    let text = Value::Object(library).to_string();
    let library: Library =
        hayagriva::io::from_yaml_str(&text).map_err(|e| Error::invalid("citation", e.to_string()))?;
    let style = style.csl()?;
    let locales = locales();
    let mut driver = BibliographyDriver::new();
    for entry in library.iter() {
        driver.citation(CitationRequest::from_items(vec![CitationItem::with_entry(entry)], &style, &locales));
    }
    let request = BibliographyRequest { style: &style, locale: Some(LocaleCode::en_us()), locale_files: &locales };
    let rendered = driver.finish(request);
    let bibliography =
        rendered.bibliography.ok_or_else(|| Error::invalid("citation", "the style makes no bibliography"))?;
    let mut out = Vec::new();
    for item in bibliography.items {
        let mut text = String::new();
        item.content
            .write_buf(&mut text, BufWriteFormat::Plain)
            .map_err(|e| Error::invalid("citation", e.to_string()))?;
        let id = item.key.parse().map_err(|_| Error::invalid("citation", format!("unknown key {}", item.key)))?;
        out.push((id, text.trim().to_string()));
    }
    Ok(out)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MLA_MONTHS: [&str; 12] =
    ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."];

/// A quote's citation, composed as each style cites an unpublished spoken statement: the
/// speaker, the words (never recased), the event and place, the date.
fn quote_citation(r: &Reference, style: Style) -> String {
    let speaker = r.creators.first().map(|name| match (name, style) {
        (Name::Person { family, given }, Style::Apa) => {
            let initials: Vec<String> =
                given.split([' ', '-']).filter_map(|g| g.chars().next()).map(|c| format!("{c}.")).collect();
            format!("{family}, {}", initials.join(" "))
        }
        (Name::Person { family, given }, _) => format!("{family}, {given}"),
        (Name::Literal(name), _) => capitalized(name),
    });
    let words = r.title.trim();
    let closed = words.ends_with(['.', '!', '?', '…']);
    let stop = if closed { "" } else { "." };
    let date = r.date.as_ref().and_then(|d| quote_date(d, style));
    let setting: Vec<&str> = [r.event.as_deref(), r.place.as_deref()].into_iter().flatten().collect();
    let mut parts = Vec::new();
    match style {
        Style::Apa => {
            parts.extend(speaker.map(|s| if s.ends_with('.') { s } else { format!("{s}.") }));
            parts.push(format!("({}).", date.unwrap_or_else(|| "n.d.".to_string())));
            parts.push(format!("{words}{stop}"));
            if !setting.is_empty() {
                parts.push(format!("{}.", setting.join(", ")));
            }
        }
        Style::Chicago | Style::Mla => {
            parts.extend(speaker.map(|s| if s.ends_with('.') { s } else { format!("{s}.") }));
            parts.push(format!("“{words}{stop}”"));
            let tail: Vec<String> = setting.iter().map(|s| s.to_string()).chain(date).collect();
            if !tail.is_empty() {
                parts.push(format!("{}.", tail.join(", ")));
            }
        }
    }
    parts.join(" ")
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A quote's date in the style's words: "January 30, 2026" (Chicago), "30 Jan. 2026" (MLA),
/// "2026, January 30" (APA); "[…?]" ("…?" in APA) when uncertain, "ca." or "circa" when
/// approximate.
fn quote_date(date: &crate::date::EdtfDate, style: Style) -> Option<String> {
    let parts = date_parts(date)?;
    let one = |p: &[i32]| -> String {
        let month = |m: &i32, names: &[&'static str; 12]| -> &'static str {
            names.get((*m as usize).wrapping_sub(1)).copied().unwrap_or("")
        };
        match (style, p) {
            (Style::Chicago, [y, m, d, ..]) => format!("{} {d}, {y}", month(m, &MONTHS)),
            (Style::Mla, [y, m, d, ..]) => format!("{d} {} {y}", month(m, &MLA_MONTHS)),
            (Style::Apa, [y, m, d, ..]) => format!("{y}, {} {d}", month(m, &MONTHS)),
            (Style::Chicago, [y, m]) => format!("{} {y}", month(m, &MONTHS)),
            (Style::Mla, [y, m]) => format!("{} {y}", month(m, &MLA_MONTHS)),
            (Style::Apa, [y, m]) => format!("{y}, {}", month(m, &MONTHS)),
            (_, [y]) => y.to_string(),
            _ => String::new(),
        }
    };
    let mut text = one(&parts.start);
    if let Some(end) = &parts.end {
        text = format!("{text}–{}", one(end));
    }
    let literal = date.as_str();
    if literal.contains(['~', '%']) {
        text = format!("{} {text}", if style == Style::Mla { "circa" } else { "ca." });
    }
    if literal.contains(['?', '%']) {
        text = if style == Style::Apa { format!("{text}?") } else { format!("[{text}?]") };
    }
    Some(text)
}

/// hayagriva's date: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, `~` first when approximate.
fn date(r: &Reference) -> Option<String> {
    let parts = date_parts(r.date.as_ref()?)?;
    let mut text = if parts.circa { "~".to_string() } else { String::new() };
    text.push_str(&format!("{:04}", parts.start[0]));
    for n in &parts.start[1..] {
        text.push_str(&format!("-{n:02}"));
    }
    Some(text)
}

fn names(list: &[Name]) -> Value {
    json!(
        list.iter()
            .map(|n| match n {
                Name::Person { family, given } => json!({ "name": family, "given-name": given }),
                Name::Literal(name) => json!({ "name": name }),
            })
            .collect::<Vec<_>>()
    )
}

/// One hayagriva entry (in its YAML shape) for a reference.
fn entry(r: &Reference) -> Value {
    let mut entry = json!({ "title": r.title });
    let kind = match r.kind {
        // An article with no known outlet is no journal article (CSL would call it a preprint).
        ItemKind::Article if r.outlet.is_some() => "article",
        ItemKind::Article => "web",
        ItemKind::Photo => "artwork",
        // Quotes are composed by `quote_citation`: CSL has no type hayagriva renders for them.
        ItemKind::Quote => "misc",
    };
    entry["type"] = json!(kind);
    if !r.creators.is_empty() {
        entry["author"] = names(&r.creators);
    }
    if let Some(date) = date(r) {
        entry["date"] = json!(date);
    }
    if let Some(url) = &r.url {
        entry["url"] = json!(url);
    }
    if let Some(language) = &r.language {
        entry["language"] = json!(language);
    }
    match r.kind {
        ItemKind::Article => {
            if let Some(outlet) = &r.outlet {
                entry["parent"] = json!({ "type": "newspaper", "title": outlet });
            }
        }
        ItemKind::Quote | ItemKind::Photo => {}
    }
    entry
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ArticleDetails, Item, ItemDetails};

    #[test]
    fn citations_render_in_the_three_styles() {
        let now = chrono::Utc::now();
        let mut article = Item::new(
            "Students rally downtown",
            ItemDetails::Article(ArticleDetails {
                headline: "Students rally downtown".into(),
                outlet: Some("City Paper".into()),
                authors: vec!["Dana Reporter".into(), "Lee Writer".into()],
                url: Some("https://citypaper.example/rally".into()),
                ..Default::default()
            }),
            now,
        );
        article.date = Some("2026-01-30".parse().unwrap());
        let mut quote = Item::quote("Aquí estamos, y no nos vamos", now);
        quote.date = Some("2026-01-30?".parse().unwrap());
        if let ItemDetails::Quote(q) = &mut quote.details {
            q.speaker = Some("María López".into());
        }
        let mut quote_ref = super::super::reference::reference(&quote);
        quote_ref.quoted_in = Some(Box::new(super::super::reference::reference(&article)));
        let refs = vec![super::super::reference::reference(&article), quote_ref];
        let cited = |style| render(&refs, style).unwrap().into_iter().map(|(_, c)| c).collect::<Vec<_>>();
        let url = "https://citypaper.example/rally";
        let chicago =
            format!("Reporter, Dana, and Lee Writer. “Students Rally Downtown.” City Paper, January 30, 2026. {url}.");
        assert_eq!(
            cited(Style::Chicago),
            [
                chicago.clone(),
                format!("López, María. “Aquí estamos, y no nos vamos.” [January 30, 2026?]. Quoted in {chicago}")
            ]
        );
        let mla =
            format!("Reporter, Dana, and Lee Writer. “Students Rally Downtown.” City Paper, 30 Jan. 2026, {url}.");
        assert_eq!(
            cited(Style::Mla),
            [mla.clone(), format!("López, María. “Aquí estamos, y no nos vamos.” [30 Jan. 2026?]. Quoted in {mla}")]
        );
        let apa = format!("Reporter, D., & Writer, L. (2026, January 30). Students rally downtown. City Paper. {url}");
        assert_eq!(
            cited(Style::Apa),
            [apa.clone(), format!("López, M. (2026, January 30?). Aquí estamos, y no nos vamos. Quoted in {apa}")]
        );
    }
}
