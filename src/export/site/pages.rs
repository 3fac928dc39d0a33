//! The pages of the exhibit site, each made from the [`Site`] alone: the home page, a page per
//! kind, the collections, one page per item, and the search index over the same items.

use std::fmt::Write;

use super::html::{self, Frame, Page, Row, esc, icon};
use super::search_index::{self, Doc, Weight};
use super::{SITE_NAME, Site, SiteCollection};
use crate::error::Result;
use crate::model::{Item, ItemDetails, ItemKind};

/// The kinds, with their page and plural label.
pub(super) const KINDS: [(ItemKind, &str, &str); 3] = [
    (ItemKind::Quote, "quotes.html", "Quotes"),
    (ItemKind::Photo, "photos.html", "Photos"),
    (ItemKind::Article, "articles.html", "Articles"),
];

/// How many items the home page shows as recent, and how many photos.
const RECENT: usize = 8;
const HOME_PHOTOS: usize = 8;

/// Every page and the search index, as (path in the site, contents).
pub fn all(site: &Site) -> Result<Vec<(String, String)>> {
    let frame = Frame { site_name: SITE_NAME, made_from: &site.made_from };
    let mut out = vec![("index.html".to_string(), index(site, &frame))];
    for (kind, file, label) in KINDS {
        out.push((file.to_string(), kind_page(site, &frame, kind, file, label)));
    }
    out.push(("collections.html".to_string(), collections_page(site, &frame)));
    out.push(("timeline.html".to_string(), super::overview::timeline_page(site, &frame)));
    out.push(("map.html".to_string(), super::overview::map_page(site, &frame)));
    for collection in &site.collections {
        out.push((format!("collections/{}.html", collection.slug), collection_page(site, &frame, collection)));
    }
    for item in &site.items {
        out.push((format!("items/{}.html", item.id), super::item::page(site, &frame, item)));
    }
    let index = search_index::build(site.items.iter().map(|item| search_doc(site, item)).collect());
    out.push(("assets/search-index.js".to_string(), search_index::to_script(&index)?));
    Ok(out)
}

/// Items latest first; undated ones last; then by title, so the order never depends on chance.
fn by_date<'a>(items: impl IntoIterator<Item = &'a Item>) -> Vec<&'a Item> {
    let mut items: Vec<&Item> = items.into_iter().collect();
    items.sort_by(|a, b| {
        let key = |i: &Item| i.date.as_ref().map(|d| d.sort_key());
        key(b).cmp(&key(a)).then_with(|| a.title.cmp(&b.title)).then_with(|| a.id.cmp(&b.id))
    });
    items
}

/// The meta line's parts after the kind word: who, then where.
pub(super) fn meta(item: &Item) -> Vec<String> {
    let who = match &item.details {
        ItemDetails::Quote(q) => q.speaker.clone(),
        ItemDetails::Photo(_) => item.credit.clone(),
        ItemDetails::Article(a) => a.outlet.clone().or_else(|| a.authors.first().cloned()),
    };
    who.into_iter().chain(item.place.clone()).collect()
}

/// A line of text under a row's title.
fn snippet(item: &Item) -> Option<String> {
    let text = match &item.details {
        ItemDetails::Quote(q) => q.context.clone().or_else(|| q.role.clone()),
        ItemDetails::Photo(_) => item.description.clone(),
        ItemDetails::Article(a) => Some(a.body.clone()),
    }?;
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= 280 {
        return (!flat.is_empty()).then_some(flat);
    }
    // Two lines' worth, cut at a word.
    let cut: String = flat.chars().take(280).collect();
    let at_word = cut.rfind(' ').unwrap_or(cut.len());
    Some(format!("{}…", cut[..at_word].trim_end_matches([',', ';', ':', '.'])))
}

/// A photo's caption, on one line, when it has one.
pub(super) fn caption(item: &Item) -> Option<String> {
    let ItemDetails::Photo(p) = &item.details else { return None };
    let caption = p.caption.as_deref()?.split_whitespace().collect::<Vec<_>>().join(" ");
    (!caption.is_empty()).then_some(caption)
}

/// What lists and headings call an item: a photo by its caption when it has one (its title is
/// often the camera's file name), everything else by its title.
pub(super) fn display_title(item: &Item) -> String {
    caption(item).unwrap_or_else(|| item.title.clone())
}

/// What a photo shows, for its `alt` text: the caption, else the archivist's description,
/// else its title.
pub(super) fn alt_text(item: &Item) -> String {
    caption(item)
        .or_else(|| item.description.as_ref().map(|d| d.split_whitespace().collect::<Vec<_>>().join(" ")))
        .unwrap_or_else(|| format!("Photo: {}", item.title))
}

pub(super) fn rows<'a>(site: &Site, items: impl IntoIterator<Item = &'a Item>, root: &str) -> String {
    let mut out = String::from(r#"<ol class="rows">"#);
    for item in items {
        let meta = meta(item);
        let snippet = snippet(item);
        let thumb = site.photos.get(&item.id).map(|p| (format!("{root}{}", p.thumb), p.thumb_size.0, p.thumb_size.1));
        out.push_str(&html::row(&Row {
            href: format!("{root}items/{}.html", item.id),
            kind: item.kind().as_str(),
            title: &display_title(item),
            snippet: snippet.as_deref(),
            meta: &meta,
            date: item.date.as_ref().map(|d| d.as_str()),
            thumb,
        }));
    }
    out.push_str("</ol>");
    out
}

fn photo_grid<'a>(site: &Site, items: impl IntoIterator<Item = &'a Item>, root: &str) -> String {
    let mut out = String::from(r#"<ul class="grid">"#);
    for item in items {
        let Some(photo) = site.photos.get(&item.id) else { continue };
        let (w, h) = photo.thumb_size;
        let mut meta = String::new();
        if let Some(date) = &item.date {
            let _ = write!(meta, r#"<span class="edtf">{}</span> "#, esc(date.as_str()));
        }
        if let Some(place) = &item.place {
            let _ = write!(meta, "<span>{}</span>", esc(place));
        }
        let _ = write!(
            out,
            r#"<li><a class="tile" href="{root}items/{id}.html"><img src="{root}{src}" width="{w}" height="{h}" alt="{alt}" loading="lazy"><span class="tile-meta">{meta}</span></a></li>"#,
            id = item.id,
            src = esc(&photo.thumb),
            alt = esc(&alt_text(item)),
        );
    }
    out.push_str("</ul>");
    out
}

fn count_of(site: &Site, kind: ItemKind) -> usize {
    site.items.iter().filter(|i| i.kind() == kind).count()
}

pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn index(site: &Site, frame: &Frame) -> String {
    let mut main = String::new();
    let counts = KINDS
        .iter()
        .map(|(kind, _, label)| {
            let n = count_of(site, *kind);
            let word = label.to_lowercase();
            format!("<strong>{n}</strong> {}", if n == 1 { word.trim_end_matches('s') } else { &word })
        })
        .collect::<Vec<_>>()
        .join(r#"<span class="sep" aria-hidden="true">·</span>"#);
    let introduction = site.introduction.clone().unwrap_or_else(|| {
        "The words people said, the photos they took and what was written about them, as this archive keeps them."
            .to_string()
    });
    let _ = write!(
        main,
        r#"<section class="hero" aria-labelledby="page-title">
<p class="kicker">Offline exhibit</p>
<h1 id="page-title">{heading}</h1>
<p class="lead">{introduction}</p>
<p class="counts">{total}<span class="sep" aria-hidden="true">·</span>{counts}</p>
<form class="big-search" id="search-form" role="search" action="index.html" method="get">
<label for="q">Search the exhibit</label>
<div class="big-field">{search_icon}<input id="q" name="q" type="search" autocomplete="off" spellcheck="false" aria-describedby="search-hint" aria-controls="results"><button type="submit">Search</button></div>
<p class="hint" id="search-hint">Every word must match, the last one may be the start of a word; accents and capitals do not matter.</p>
</form>
</section>
<div class="home-grid">
<div class="home-main">
<section class="results" id="results" aria-labelledby="results-title" hidden>
<div class="results-bar"><h2 id="results-title" class="section-label">Search results</h2><a class="clear" id="results-clear" href="index.html">Clear search</a></div>
<p class="results-head" id="results-status" role="status"></p>
<ol class="rows" id="results-list"></ol>
</section>
<noscript><p class="note">Search needs JavaScript, which is turned off in this browser. Every item can still be reached by browsing.</p></noscript>
<div id="browse">
"#,
        heading = esc(&site.heading),
        introduction = esc(&introduction),
        total = esc(&plural(site.items.len(), "item", "items")),
        search_icon = icon("search"),
    );
    let _ = write!(
        main,
        r#"<section aria-labelledby="recent-title"><h2 id="recent-title" class="section-label">Recent items</h2>{}</section>"#,
        rows(site, by_date(&site.items).into_iter().take(RECENT), "")
    );
    let photos: Vec<&Item> = by_date(&site.items).into_iter().filter(|i| site.photos.contains_key(&i.id)).collect();
    if !photos.is_empty() {
        let _ = write!(
            main,
            r#"<section aria-labelledby="photos-title"><div class="section-bar"><h2 id="photos-title" class="section-label">Photos</h2><a href="photos.html">All photos</a></div>{}</section>"#,
            photo_grid(site, photos.into_iter().take(HOME_PHOTOS), "")
        );
    }
    main.push_str("</div></div>\n");
    // Beside the list, what the app keeps in its sidebar: the kinds and the collections.
    main.push_str(r#"<nav class="home-side" aria-label="Browse the exhibit"><h2 class="section-label">Library</h2><ul class="side-list">"#);
    let _ = write!(
        main,
        r#"<li><a href="index.html" aria-current="page"><span class="side-icon">{}</span><span class="side-label">All items</span><span class="side-count">{}</span></a></li>"#,
        icon("archive"),
        site.items.len()
    );
    for (kind, file, label) in KINDS {
        let _ = write!(
            main,
            r#"<li><a href="{file}"><span class="side-icon">{}</span><span class="side-label">{label}</span><span class="side-count">{}</span></a></li>"#,
            icon(kind.as_str()),
            count_of(site, kind)
        );
    }
    main.push_str("</ul>");
    if !site.collections.is_empty() {
        main.push_str(r#"<h2 class="section-label">Collections</h2><ul class="side-list">"#);
        for collection in &site.collections {
            let _ = write!(
                main,
                r#"<li><a href="collections/{slug}.html"><span class="side-icon">{icon}</span><span class="side-label">{name}</span><span class="side-count">{n}</span></a></li>"#,
                slug = esc(&collection.slug),
                icon = icon("archive"),
                name = esc(&collection.name),
                n = collection.items.len(),
            );
        }
        main.push_str("</ul>");
    }
    main.push_str("</nav></div>\n");
    main.push_str(ROW_TEMPLATE);
    let page = Page { root: "", title: SITE_NAME, current: Some("index.html"), class: "home", main, search: true };
    html::document(frame, &page)
}

/// The row `search.js` clones for each result (the same markup as `html::row`).
const ROW_TEMPLATE: &str = r##"<template id="row-template"><li class="row"><a class="row-link" href=""><span class="kind-tile"><svg class="icon" aria-hidden="true" focusable="false"><use href="#i-quote"></use></svg></span><span class="row-body"><span class="row-title"></span><span class="row-snippet"></span><span class="row-meta"></span></span></a></li></template>
"##;

fn collection_card(collection: &SiteCollection, root: &str) -> String {
    let text = collection
        .description
        .as_deref()
        .map(|d| format!(r#"<span class="card-text">{}</span>"#, esc(d)))
        .unwrap_or_default();
    format!(
        r#"<li><a class="card" href="{root}collections/{slug}.html"><span class="kind-tile">{icon}</span><span class="card-body"><span class="card-title">{name}</span>{text}</span><span class="count">{n}</span></a></li>"#,
        slug = esc(&collection.slug),
        icon = icon("archive"),
        name = esc(&collection.name),
        n = collection.items.len(),
    )
}

fn kind_page(site: &Site, frame: &Frame, kind: ItemKind, file: &str, label: &str) -> String {
    let items: Vec<&Item> = by_date(site.items.iter().filter(|i| i.kind() == kind));
    let mut main = format!(
        r#"<div class="page-head"><p class="kicker">{icon} Browse</p><h1>{label}</h1><p class="lead">{count} in this exhibit, latest first.</p></div>"#,
        icon = icon(kind.as_str()),
        count = esc(&plural(items.len(), kind.as_str(), &format!("{}s", kind.as_str()))),
    );
    if items.is_empty() {
        main.push_str(&html::empty(
            &format!("No {} here", label.to_lowercase()),
            "This exhibit was made from a selection that holds none.",
        ));
    } else if kind == ItemKind::Photo {
        main.push_str(&photo_grid(site, items, ""));
    } else {
        main.push_str(&rows(site, items, ""));
    }
    let page = Page { root: "", title: label, current: Some(file), class: "list", main, search: false };
    html::document(frame, &page)
}

fn collections_page(site: &Site, frame: &Frame) -> String {
    let mut main = format!(
        r#"<div class="page-head"><p class="kicker">{} Browse</p><h1>Collections</h1><p class="lead">Items the archivists grouped together, each in its own order.</p></div>"#,
        icon("archive")
    );
    if site.collections.is_empty() {
        main.push_str(&html::empty(
            "No collections here",
            "None of the items in this exhibit belongs to a collection.",
        ));
    } else {
        main.push_str(r#"<ul class="cards wide">"#);
        for collection in &site.collections {
            main.push_str(&collection_card(collection, ""));
        }
        main.push_str("</ul>");
    }
    let page =
        Page { root: "", title: "Collections", current: Some("collections.html"), class: "list", main, search: false };
    html::document(frame, &page)
}

fn collection_page(site: &Site, frame: &Frame, collection: &SiteCollection) -> String {
    let description =
        collection.description.as_deref().map(|d| format!(r#"<p class="lead">{}</p>"#, esc(d))).unwrap_or_default();
    let items: Vec<&Item> = collection.items.iter().filter_map(|id| site.item(*id)).collect();
    let main = format!(
        r#"<div class="page-head"><p class="kicker">{icon} Collection</p><h1>{name}</h1>{description}<p class="meta-line">{count}, in the collection's order.</p></div>{rows}"#,
        icon = icon("archive"),
        name = esc(&collection.name),
        count = esc(&plural(items.len(), "item", "items")),
        rows = rows(site, items, "../"),
    );
    let page = Page {
        root: "../",
        title: &collection.name,
        current: Some("collections.html"),
        class: "list",
        main,
        search: false,
    };
    html::document(frame, &page)
}

/// What the search finds an item by, and what its result shows. Longer texts offer snippets
/// as they are; short fields (speaker, place, tags …) offer them under their label, so a result
/// always shows the field that matched.
fn search_doc(site: &Site, item: &Item) -> Doc {
    let mut doc = Doc::new(format!("items/{}.html", item.id), item.kind().as_str(), display_title(item));
    doc.meta = meta(item);
    doc.date = item.date.as_ref().map(|d| d.as_str().to_string());
    doc.order = item.date.as_ref().map_or(i64::MIN, |d| d.sort_key());
    doc.thumb = site.photos.get(&item.id).map(|p| p.thumb.clone());
    let text = |o: &Option<String>| o.clone().unwrap_or_default();
    match &item.details {
        ItemDetails::Quote(q) => {
            if q.text.trim() != item.title {
                doc.add(Weight::Title, Some(""), &q.text);
            }
            doc.add(Weight::Text, Some(""), &text(&q.context));
            doc.add(Weight::Text, Some("Translation"), &text(&q.translation));
            doc.add(Weight::Who, Some("Speaker"), &text(&q.speaker));
            doc.add(Weight::Who, Some("Role"), &text(&q.role));
        }
        ItemDetails::Photo(_) => {
            doc.add(Weight::Who, Some("Credit"), &text(&item.credit));
        }
        ItemDetails::Article(a) => {
            doc.add(Weight::Text, Some(""), &a.body);
            doc.add(Weight::Context, Some("Outlet"), &text(&a.outlet));
            doc.add(Weight::Who, Some("By"), &a.authors.join(", "));
        }
    }
    doc.add(Weight::Text, Some("Text in the photo"), &text(&item.ocr_text));
    doc.add(Weight::Text, Some("Notes"), &text(&item.description));
    doc.add(Weight::Who, Some("People"), &item.people.join(", "));
    doc.add(Weight::Context, Some("Place"), &text(&item.place));
    doc.add(Weight::Context, Some("Event"), &text(&item.event));
    doc.add(Weight::Context, Some("Tags"), &item.tags.join(", "));
    let collections: Vec<&str> =
        site.collections.iter().filter(|c| c.items.contains(&item.id)).map(|c| c.name.as_str()).collect();
    doc.add(Weight::Context, Some("Collection"), &collections.join(", "));
    doc
}
