//! An item's page: the work itself first — a quote's words with who said them, a photo
//! (cleaned, with its privacy note), an article's clean text as paragraphs, never its saved
//! HTML — then the privacy chips, and beside it the details, the citation and, for an
//! article, the quotes taken from it.

use std::fmt::Write;

use super::Site;
use super::html::{self, Frame, Page, esc, icon, kind_word};
use super::pages::{KINDS, alt_text, display_title, plural, rows};
use crate::model::{Item, ItemDetails, ItemKind};

/// One labelled value of an item's details.
fn field(out: &mut String, label: &str, value_html: &str) {
    if !value_html.is_empty() {
        let _ = write!(out, "<dt>{}</dt><dd>{value_html}</dd>", esc(label));
    }
}

fn text_field(out: &mut String, label: &str, value: Option<&str>) {
    if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
        field(out, label, &esc(value));
    }
}

/// Paragraphs of plain text: blank lines part them, single line breaks stay inside.
fn paragraphs(text: &str, class: &str) -> String {
    let mut out = String::new();
    for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let lines: Vec<String> = para.lines().map(|l| esc(l.trim())).collect();
        let _ = write!(out, r#"<p class="{class}">{}</p>"#, lines.join("<br>"));
    }
    out
}

fn language_attr(item: &Item) -> String {
    item.language
        .as_deref()
        .filter(|l| !l.is_empty() && *l != "en" && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(|l| format!(r#" lang="{}""#, esc(l)))
        .unwrap_or_default()
}

/// The page of one item.
pub(super) fn page(site: &Site, frame: &Frame, item: &Item) -> String {
    let (_, kind_file, kind_label) = KINDS.iter().find(|(k, _, _)| *k == item.kind()).copied().unwrap_or(KINDS[0]);
    let lang = language_attr(item);
    let mut main = format!(
        r#"<div class="item-layout"><article class="item-main" aria-labelledby="item-title"><p class="crumbs"><a href="../{kind_file}">{kind_label}</a>{arrow}<span class="kind-label">{icon}{word}</span></p>"#,
        arrow = icon("arrow"),
        icon = icon(item.kind().as_str()),
        word = kind_word(item.kind().as_str()),
    );
    let mut info = String::new();
    if let Some(date) = &item.date {
        field(&mut info, "Date", &html::date(date));
    }
    text_field(&mut info, "Place", item.place.as_deref());
    text_field(&mut info, "Event", item.event.as_deref());
    match &item.details {
        ItemDetails::Quote(q) => {
            let _ = write!(main, r#"<h1 id="item-title" class="quote reading"{lang}>“{}”</h1>"#, esc(q.text.trim()));
            if let Some(speaker) = &q.speaker {
                let role = q.role.as_deref().map(|r| format!(", {}", esc(r))).unwrap_or_default();
                let _ = write!(main, r#"<p class="attribution">— {}{role}</p>"#, esc(speaker));
            }
            main.push_str(&html::privacy_chips(item.sensitivity, item.consent));
            if let Some(translation) = &q.translation {
                let _ = write!(
                    main,
                    r#"<p class="translation"><span class="field-label">Translation</span> {}</p>"#,
                    esc(translation)
                );
            }
            if let Some(context) = &q.context {
                let _ = write!(
                    main,
                    r#"<section class="context" aria-label="Context"><h2 class="field-label">Context</h2>{}</section>"#,
                    paragraphs(context, "context-text")
                );
            }
            text_field(&mut info, "Speaker", q.speaker.as_deref());
            text_field(&mut info, "Role", q.role.as_deref());
            match q.source_item.and_then(|id| site.item(id)) {
                Some(article) => field(
                    &mut info,
                    "Quoted in",
                    &format!(r#"<a href="{}.html">{}</a>"#, article.id, esc(&article.title)),
                ),
                None => text_field(&mut info, "Source", item.source.as_deref()),
            }
        }
        ItemDetails::Photo(_) => {
            let _ = write!(main, r#"<h1 id="item-title" class="title">{}</h1>"#, esc(&display_title(item)));
            if let Some(photo) = site.photos.get(&item.id) {
                let (w, h) = photo.full_size;
                let covered = match item.redactions.len() {
                    0 => String::new(),
                    n => format!(" · {} covered before publication", plural(n, "area", "areas")),
                };
                let _ = write!(
                    main,
                    r#"<figure class="photo"><a href="../{src}"><img src="../{src}" width="{w}" height="{h}" alt="{alt}"></a><figcaption><span class="privacy-note">{shield} Location and camera data removed{covered}</span></figcaption></figure>"#,
                    src = esc(&photo.full),
                    alt = esc(&alt_text(item)),
                    shield = icon("shield"),
                );
            }
            main.push_str(&html::privacy_chips(item.sensitivity, item.consent));
            text_field(&mut info, "Credit", item.credit.as_deref());
            text_field(&mut info, "Source", item.source.as_deref());
        }
        ItemDetails::Article(a) => {
            if let Some(outlet) = &a.outlet {
                let _ = write!(main, r#"<p class="kicker outlet">{}</p>"#, esc(outlet));
            }
            let _ = write!(main, r#"<h1 id="item-title" class="headline reading">{}</h1>"#, esc(&a.headline));
            let mut byline = Vec::new();
            if !a.authors.is_empty() {
                byline.push(format!("By <strong>{}</strong>", esc(&a.authors.join(", "))));
            }
            if let Some(date) = &item.date {
                byline.push(format!(r#"<span class="edtf">{}</span>"#, esc(date.as_str())));
            }
            if !byline.is_empty() {
                let _ = write!(main, r#"<p class="byline">{}</p>"#, byline.join(r#" <span class="sep">·</span> "#));
            }
            main.push_str(&html::privacy_chips(item.sensitivity, item.consent));
            let _ = write!(main, r#"<div class="body reading"{lang}>{}</div>"#, paragraphs(&a.body, "para"));
            text_field(&mut info, "Outlet", a.outlet.as_deref());
            text_field(&mut info, "Authors", Some(&a.authors.join(", ")));
            if let Some(url) = &a.url {
                // The outlet's address as text to copy, never a link: the exhibit loads nothing.
                field(&mut info, "Published at", &format!(r#"<span class="url">{}</span>"#, esc(url)));
            }
            text_field(&mut info, "Source", item.source.as_deref());
        }
    }
    if let Some(words) = item.ocr_text.as_deref().filter(|t| !t.trim().is_empty()) {
        let heading =
            if matches!(item.details, ItemDetails::Photo(_)) { "Text in the photo" } else { "Text read on the page" };
        let _ = write!(
            main,
            r#"<section class="ocr" aria-labelledby="ocr-title"><h2 id="ocr-title" class="field-label">{heading}</h2>{}</section>"#,
            paragraphs(words, "ocr-text")
        );
    }
    if let Some(description) = &item.description {
        let _ = write!(
            main,
            r#"<section class="notes" aria-labelledby="notes-title"><h2 id="notes-title" class="field-label">Archivist's notes</h2>{}</section>"#,
            paragraphs(description, "note-text")
        );
    }
    main.push_str("</article>");

    if !item.people.is_empty() {
        text_field(&mut info, "People", Some(&item.people.join(", ")));
    }
    let collections: Vec<String> = site
        .collections
        .iter()
        .filter(|c| c.items.contains(&item.id))
        .map(|c| format!(r#"<a href="../collections/{}.html">{}</a>"#, esc(&c.slug), esc(&c.name)))
        .collect();
    field(&mut info, "Collections", &collections.join(", "));
    if !item.tags.is_empty() {
        let tags: Vec<String> = item.tags.iter().map(|t| format!(r#"<li class="tag">#{}</li>"#, esc(t))).collect();
        field(&mut info, "Tags", &format!(r#"<ul class="tags">{}</ul>"#, tags.concat()));
    }
    text_field(&mut info, "Rights", item.rights.as_deref());
    field(&mut info, "Identifier", &format!(r#"<span class="mono">{}</span>"#, item.id));

    let _ = write!(main, r#"<aside class="item-info" aria-label="Details"><dl class="fields">{info}</dl>"#);
    if let Some(citation) = site.citations.get(&item.id) {
        let _ = write!(
            main,
            r#"<section class="citation" aria-labelledby="citation-title"><h2 id="citation-title" class="section-label">Citation · Chicago</h2><p>{}</p></section>"#,
            esc(citation)
        );
    }
    if item.kind() == ItemKind::Article {
        let quotes: Vec<&Item> = site
            .items
            .iter()
            .filter(|i| matches!(&i.details, ItemDetails::Quote(q) if q.source_item == Some(item.id)))
            .collect();
        if !quotes.is_empty() {
            let _ = write!(
                main,
                r#"<section class="from-article" aria-labelledby="quotes-title"><h2 id="quotes-title" class="section-label">Quotes from this article · {}</h2>{}</section>"#,
                quotes.len(),
                rows(site, quotes, "../")
            );
        }
    }
    main.push_str("</aside></div>");
    let title = match &item.details {
        ItemDetails::Quote(_) => format!("“{}”", item.title),
        _ => display_title(item),
    };
    let page = Page { root: "../", title: &title, current: Some(kind_file), class: "item", main, search: false };
    html::document(frame, &page)
}
