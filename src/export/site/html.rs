//! The exhibit site's HTML pieces: escaping, the page frame every page shares (skip link,
//! header with search, navigation, footer), icons, chips, dates and the result row. Every
//! archive string goes through [`esc`] on its way into a page: a quote that reads `<script>`
//! shows those characters and runs nothing.

use std::fmt::Write;

use crate::date::EdtfDate;
use crate::model::{Consent, Sensitivity};

/// Escapes text for HTML content and quoted attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The line icons every page can `<use>`: 16px, 1.35 stroke, round caps.
const SPRITE: &str = r##"<svg class="sprite" aria-hidden="true" focusable="false"><defs>
<symbol id="i-quote" viewBox="0 0 16 16"><path d="M3 11.5c1.6-.4 2.6-1.7 2.6-3.6V4.5H2.5v3.4h3.1M10 11.5c1.6-.4 2.6-1.7 2.6-3.6V4.5H9.5v3.4h3.1"/></symbol>
<symbol id="i-photo" viewBox="0 0 16 16"><rect x="2" y="3" width="12" height="10" rx="1.5"/><path d="M2.5 11.5l3.5-3.5 3 3 1.8-1.8 2.7 2.7"/><circle cx="10.6" cy="6.2" r="1.1"/></symbol>
<symbol id="i-article" viewBox="0 0 16 16"><path d="M4 2h5.5L12.5 5v9H4z"/><path d="M9.5 2v3h3M6 8h4.5M6 10.5h4.5"/></symbol>
<symbol id="i-archive" viewBox="0 0 16 16"><rect x="2" y="3" width="12" height="3" rx="1"/><path d="M3 6v7h10V6M6.5 8.5h3"/></symbol>
<symbol id="i-search" viewBox="0 0 16 16"><circle cx="7" cy="7" r="4.25"/><path d="M10.2 10.2L13.5 13.5"/></symbol>
<symbol id="i-globe" viewBox="0 0 16 16"><circle cx="8" cy="8" r="5.75"/><path d="M2.5 8h11M8 2.25c1.7 1.6 2.5 3.5 2.5 5.75S9.7 12.15 8 13.75C6.3 12.15 5.5 10.25 5.5 8S6.3 3.85 8 2.25z"/></symbol>
<symbol id="i-shield" viewBox="0 0 16 16"><path d="M8 2l5 2v4c0 3-2.2 5-5 6-2.8-1-5-3-5-6V4z"/></symbol>
<symbol id="i-check" viewBox="0 0 16 16"><circle cx="8" cy="8" r="5.75"/><path d="M5.5 8.2l1.8 1.8 3.3-3.6"/></symbol>
<symbol id="i-clock" viewBox="0 0 16 16"><circle cx="8" cy="8" r="5.75"/><path d="M8 5v3.2l2 1.3"/></symbol>
<symbol id="i-eye-off" viewBox="0 0 16 16"><path d="M2 8s2.2-4 6-4 6 4 6 4-2.2 4-6 4-6-4-6-4z"/><circle cx="8" cy="8" r="1.8"/><path d="M3 13L13 3"/></symbol>
<symbol id="i-arrow" viewBox="0 0 16 16"><path d="M6 3.5L10.5 8 6 12.5"/></symbol>
</defs></svg>"##;

/// An inline icon from the sprite.
pub fn icon(name: &str) -> String {
    format!(r##"<svg class="icon" aria-hidden="true" focusable="false"><use href="#i-{name}"></use></svg>"##)
}

/// The kind's icon name and word.
pub fn kind_word(kind: &str) -> &'static str {
    match kind {
        "quote" => "Quote",
        "photo" => "Photo",
        _ => "Article",
    }
}

/// The pages a header links to, by file name and label.
pub const NAV: [(&str, &str); 7] = [
    ("index.html", "Home"),
    ("quotes.html", "Quotes"),
    ("photos.html", "Photos"),
    ("articles.html", "Articles"),
    ("collections.html", "Collections"),
    ("timeline.html", "Timeline"),
    ("map.html", "Map"),
];

/// What every page knows about the site it belongs to.
pub struct Frame<'a> {
    /// The site's name, in the header and every title.
    pub site_name: &'a str,
    /// What the site was made from, for the footer.
    pub made_from: &'a str,
}

/// A page: where it sits (`root` is `""` at the top, `"../"` one folder down), its title, which
/// nav entry is current, and its main content.
pub struct Page<'a> {
    /// The way back to the site's root from this page.
    pub root: &'a str,
    /// The `<title>`, before the site's name.
    pub title: &'a str,
    /// The current navigation entry's file name.
    pub current: Option<&'a str>,
    /// Extra class on `<body>`.
    pub class: &'a str,
    /// The inside of `<main>`.
    pub main: String,
    /// Load the search scripts (the home page).
    pub search: bool,
}

/// The whole document of a page.
pub fn document(frame: &Frame, page: &Page) -> String {
    let root = page.root;
    let mut nav = String::new();
    for (file, label) in NAV {
        let current = if page.current == Some(file) { r#" aria-current="page""# } else { "" };
        let _ = write!(nav, r#"<li><a href="{root}{file}"{current}>{label}</a></li>"#);
    }
    let title = if page.title == frame.site_name {
        esc(frame.site_name)
    } else {
        format!("{} · {}", esc(page.title), esc(frame.site_name))
    };
    let scripts = if page.search {
        format!(
            "\n<script src=\"{root}assets/search-index.js\" defer></script>\n<script src=\"{root}assets/search.js\" defer></script>"
        )
    } else {
        String::new()
    };
    format!(
        r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; connect-src 'none'; form-action 'self'; base-uri 'none'">
<title>{title}</title>
<link rel="stylesheet" href="{root}assets/site.css">{scripts}
</head>
<body class="{class}">
{SPRITE}
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<div class="top-inner">
<a class="brand" href="{root}index.html"><span class="brand-tile">{archive}</span><span>{site}</span></a>
<nav class="nav" aria-label="Browse"><ul>{nav}</ul></nav>
<form class="top-search" role="search" action="{root}index.html" method="get">
<label class="visually-hidden" for="top-q">Search the exhibit</label>
<span class="field">{search}<input id="top-q" name="q" type="search" placeholder="Search quotes, photos, articles" autocomplete="off"></span>
</form>
</div>
</header>
<main id="main" tabindex="-1">
{main}
</main>
<footer class="foot">
<div class="foot-inner">
<p><strong>{site}</strong> · an offline exhibit of {made_from}, made with Walkout Archive. It works from this folder alone: no page loads anything from the network.</p>
<p>{shield} Shown here only: items cleared for publication. Restricted and private items are not in this folder; people who did not agree to be named appear by a description; photos carry no location or camera data, and faces marked for redaction are covered.</p>
</div>
</footer>
</body>
</html>
"##,
        class = page.class,
        archive = icon("archive"),
        site = esc(frame.site_name),
        search = icon("search"),
        made_from = esc(frame.made_from),
        shield = icon("shield"),
        main = page.main,
    )
}

/// An EDTF date as a mono token with its plain-language gloss.
pub fn date(date: &EdtfDate) -> String {
    format!(r#"<span class="edtf">{}</span> <span class="gloss">{}</span>"#, esc(date.as_str()), esc(&date.describe()))
}

/// The sensitivity and consent chips that come first in every item's details.
pub fn privacy_chips(sensitivity: Sensitivity, consent: Consent) -> String {
    let (s_class, s_icon, s_word) = match sensitivity {
        Sensitivity::Public => ("ok", "globe", "Public"),
        Sensitivity::Restricted => ("warn", "shield", "Restricted"),
        Sensitivity::Private => ("danger", "shield", "Private"),
    };
    let (c_class, c_icon, c_word) = match consent {
        Consent::Granted => ("ok", "check", "Granted"),
        Consent::Unknown => ("neutral", "clock", "Not recorded"),
        Consent::Withheld => ("danger", "eye-off", "Withheld"),
    };
    format!(
        r#"<ul class="chips" aria-label="Privacy"><li class="chip {s_class}">{} Sensitivity <strong>{s_word}</strong></li><li class="chip {c_class}">{} Consent <strong>{c_word}</strong></li></ul>"#,
        icon(s_icon),
        icon(c_icon)
    )
}

/// What a result row shows.
pub struct Row<'a> {
    /// The item page, relative to the page the row is on.
    pub href: String,
    /// `quote`, `photo` or `article`.
    pub kind: &'a str,
    /// The title (a quote's words are set in the reading face, in curly quotes).
    pub title: &'a str,
    /// A line of text under the title.
    pub snippet: Option<&'a str>,
    /// Speaker or outlet, place.
    pub meta: &'a [String],
    /// The EDTF literal.
    pub date: Option<&'a str>,
    /// A photo's thumbnail, relative to the page, with its size.
    pub thumb: Option<(String, u32, u32)>,
}

/// A result row, as lists and the search results show items (`search.js` builds the same).
pub fn row(row: &Row) -> String {
    let title = if row.kind == "quote" {
        format!(r#"<span class="row-title reading">“{}”</span>"#, esc(row.title))
    } else {
        format!(r#"<span class="row-title">{}</span>"#, esc(row.title))
    };
    let snippet = row.snippet.map(|s| format!(r#"<span class="row-snippet">{}</span>"#, esc(s))).unwrap_or_default();
    let mut meta = format!(r#"<span class="kind-word">{}</span>"#, kind_word(row.kind));
    for part in row.meta {
        let _ = write!(meta, r#"<span class="sep" aria-hidden="true">·</span><span>{}</span>"#, esc(part));
    }
    if let Some(date) = row.date {
        let _ = write!(meta, r#"<span class="sep" aria-hidden="true">·</span><span class="edtf">{}</span>"#, esc(date));
    }
    let thumb = row
        .thumb
        .as_ref()
        .map(|(src, w, h)| {
            format!(r#"<img class="row-thumb" src="{}" width="{w}" height="{h}" alt="" loading="lazy">"#, esc(src))
        })
        .unwrap_or_default();
    format!(
        r#"<li class="row"><a class="row-link" href="{href}"><span class="kind-tile">{icon}</span><span class="row-body">{title}{snippet}<span class="row-meta">{meta}</span></span>{thumb}</a></li>"#,
        href = esc(&row.href),
        icon = icon(row.kind),
    )
}

/// An empty state: a title and a line naming the cause.
pub fn empty(title: &str, text: &str) -> String {
    format!(r#"<div class="empty"><p class="empty-title">{}</p><p>{}</p></div>"#, esc(title), esc(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_text_never_becomes_markup() {
        assert_eq!(
            esc(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }
}
