//! The offline exhibit site, checked as a person would: opened from disk in a real browser
//! (Debian's headless Chromium), searched through its own page, looked at in screenshots, and
//! opened again with the network made impossible. Also what a reviewer greps for: nothing
//! restricted anywhere in the folder, pseudonyms instead of names, no remote URL loaded, HTML
//! that shows a `<script>` quote as text, photos that carry nothing but pixels, and the same
//! bytes from two exports of the same archive.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use walkout::export::{self, ExportOptions, Format};
use walkout::{Archive, Id, Item, ItemDetails, Redaction};

use crate::common::*;
use crate::export_fixture::{Fixture, PHOTO_LAT, fixture};
use crate::export_images::{CANARIES, FACE, UPRIGHT, add_redacted_photo, assert_only_pixels};

const CHROMIUM: &str = "/usr/bin/chromium";
const SCRIPT_QUOTE: &str = "They said <script>alert(\"walkout\")</script> was only a drill & we laughed";
/// A speaker who never agreed to be named, and the description the archivist gave instead.
const UNNAMED: &str = "Rosa Delgado";
const PSEUDONYM: &str = "a student organizer at Roosevelt High School";

struct SiteFixture {
    fx: Fixture,
    /// The rotated, geotagged photo with a face covered.
    rotated: Id,
    /// The quote whose words hold a `<script>` tag, by the unnamed speaker.
    script_quote: Id,
}

fn site_fixture(dir: &Path) -> SiteFixture {
    let mut fx = fixture(dir);
    let rotated = add_redacted_photo(&mut fx.archive, dir);
    let mut quote = Item::quote(SCRIPT_QUOTE, fx.archive.now());
    quote.date = Some("2026-02-02".parse().unwrap());
    quote.place = Some("Iowa City, Iowa".into());
    if let ItemDetails::Quote(q) = &mut quote.details {
        q.speaker = Some(UNNAMED.into());
        q.role = Some("student, Roosevelt High School".into());
    }
    let script_quote = fx.archive.add_item(quote).unwrap();
    fx.archive.set_person_protection(UNNAMED, None, None, Some(Some(PSEUDONYM))).unwrap();
    fx.archive.add_to_collection("Rally day", &[rotated, script_quote]).unwrap();
    SiteFixture { fx, rotated, script_quote }
}

fn export_site(archive: &Archive, out: &Path) -> walkout::export::ExportReport {
    export::export(archive, Format::Site, &ExportOptions::default(), out).unwrap()
}

/// Where the tests leave their screenshots for a person to look at.
fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs headless Chromium on a page with its own profile; fails when Chromium is missing.
fn chromium(url: &str, extra: &[&str]) -> String {
    assert!(
        Path::new(CHROMIUM).is_file(),
        "{CHROMIUM} is missing: run `bash scripts/test.sh`, which installs Debian's chromium for the site's browser tests"
    );
    let profile = temp();
    let out = Command::new(CHROMIUM)
        .args(["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"])
        .args(["--disable-extensions", "--disable-background-networking", "--disable-sync", "--mute-audio"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--virtual-time-budget=2000", "--force-device-scale-factor=1"])
        .args(extra)
        .arg(url)
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "chromium {url} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn url(site: &Path, page: &str) -> String {
    format!("file://{}/{page}", site.canonicalize().unwrap().display())
}

/// The page's DOM after its scripts ran.
fn dom(site: &Path, page: &str, extra: &[&str]) -> String {
    let mut args = vec!["--dump-dom"];
    args.extend_from_slice(extra);
    chromium(&url(site, page), &args)
}

/// The item pages the search listed, in order, and the status line.
fn search_results(dom: &str) -> (Vec<String>, String) {
    let list = dom.split(r#"id="results-list">"#).nth(1).and_then(|rest| rest.split("</ol>").next()).unwrap_or("");
    let hits = list.split(r#"href="items/"#).skip(1).map(|s| s.split(".html").next().unwrap().to_string()).collect();
    let status = dom.split(r#"id="results-status" role="status">"#).nth(1).unwrap_or("");
    (hits, status.split("</p>").next().unwrap_or("").to_string())
}

/// Takes a screenshot and checks it shows something: many colours, no single colour taking all.
/// Returns its pixels.
fn screenshot(site: &Path, page: &str, name: &str, extra: &[&str]) -> image::RgbImage {
    let path = screenshots().join(name);
    let _ = std::fs::remove_file(&path);
    let mut args = vec![format!("--screenshot={}", path.display()), "--window-size=1280,900".to_string()];
    args.extend(extra.iter().map(|a| a.to_string()));
    chromium(&url(site, page), &args.iter().map(String::as_str).collect::<Vec<_>>());
    let pixels = image::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).to_rgb8();
    assert_eq!(pixels.dimensions(), (1280, 900), "{name}");
    let mut counts: BTreeMap<[u8; 3], u32> = BTreeMap::new();
    for p in pixels.pixels() {
        *counts.entry(p.0).or_default() += 1;
    }
    let most = counts.values().max().copied().unwrap_or(0);
    assert!(counts.len() > 200, "{name}: only {} colours, the page looks blank", counts.len());
    assert!(f64::from(most) < 0.9 * f64::from(1280 * 900), "{name}: one colour covers almost everything");
    pixels
}

/// The `images/…` files an item page shows, and their thumbnails.
fn images_of(site: &Path, id: Id) -> Vec<PathBuf> {
    let page = std::fs::read_to_string(site.join(format!("items/{id}.html"))).unwrap();
    let full = page.split(r#"src="../images/"#).nth(1).unwrap().split('"').next().unwrap().to_string();
    let thumb = full.replace(".jpg", "-640.jpg");
    vec![site.join("images").join(full), site.join("images").join(thumb)]
}

#[test]
fn site_export_leaves_nothing_restricted_uses_pseudonyms_and_loads_nothing_remote() {
    let dir = temp();
    let sf = site_fixture(dir.path());
    let archive = &sf.fx.archive;
    let site = dir.path().join("site");
    let report = export_site(archive, &site);
    assert_eq!(report.left_out.iter().map(|l| l.id).collect::<Vec<_>>(), [sf.fx.restricted, sf.fx.private]);
    assert!(!report.originals);

    for page in ["index.html", "quotes.html", "photos.html", "articles.html", "collections.html"] {
        assert!(site.join(page).is_file(), "{page}");
    }
    for id in [sf.fx.photo, sf.fx.article, sf.fx.quote, sf.rotated, sf.script_quote] {
        assert!(site.join(format!("items/{id}.html")).is_file(), "{id}");
    }
    assert!(site.join("collections/rally-day.html").is_file());
    for (id, why) in [(sf.fx.restricted, "restricted"), (sf.fx.private, "private")] {
        assert!(!site.join(format!("items/{id}.html")).exists(), "{why} item has a page");
        assert_eq!(files_containing(&site, id.to_string().as_bytes()), Vec::<String>::new(), "{why} id");
    }
    // Not a word of what stays in the archive, in any page, script or the search index.
    for secret in ["We were scared", "scared", "My family does not have papers", "A minor, name withheld", UNNAMED] {
        assert_eq!(files_containing(&site, secret.as_bytes()), Vec::<String>::new(), "{secret:?} left");
    }
    for secret in [PHOTO_LAT, "11.885", "NIKON", "COOLPIX", CANARIES[0], CANARIES[1]] {
        assert_eq!(files_containing(&site, secret.as_bytes()), Vec::<String>::new(), "{secret:?} left");
    }
    assert!(!files_containing(&site, PSEUDONYM.as_bytes()).is_empty(), "the pseudonym stands for the name");
    let quote_page = std::fs::read_to_string(site.join(format!("items/{}.html", sf.script_quote))).unwrap();
    assert!(quote_page.contains(&format!("— {PSEUDONYM}")), "{quote_page}");

    // No remote URL is ever loaded: not in src, href, url(), @import or a form, not by a script.
    let all = all_files(&site);
    for (name, bytes) in &all {
        if !(name.ends_with(".html") || name.ends_with(".css") || name.ends_with(".js")) {
            continue;
        }
        let text = String::from_utf8(bytes.clone()).unwrap();
        let lower = text.to_ascii_lowercase();
        assert!(!lower.contains("@import"), "{name}: @import");
        for needle in ["fetch(", "xmlhttprequest", "websocket", "eventsource", "sendbeacon", "//fonts.", "@font-face"] {
            assert!(!lower.contains(needle), "{name}: {needle}");
        }
        for scheme in ["http://", "https://", "//"] {
            for attribute in ["src=\"", "href=\"", "action=\"", "src='", "href='", "url(", "url(\"", "url('"] {
                let pattern = format!("{attribute}{scheme}");
                assert!(!lower.contains(&pattern), "{name}: loads a remote URL ({pattern})");
            }
        }
    }
    // The outlet's address is there to read, as text.
    let article_page = std::fs::read_to_string(site.join(format!("items/{}.html", sf.fx.article))).unwrap();
    assert!(article_page.contains(r#"<span class="url">https://citypaper.example/2026/01/30/rally</span>"#));
    assert!(article_page.contains("Hundreds of students rallied downtown"), "the clean body text");
    assert!(!article_page.contains("class=\"byline\">By Dana Reporter</p><p>"), "never the original HTML");
    // A formatted citation from the archive's citation code.
    assert!(
        article_page.contains("Reporter, Dana, and Lee Writer. “Students Rally Downtown.” City Paper"),
        "{article_page}"
    );

    // Every photo on the site is cleaned, full size and thumbnail.
    let fixture_face = Redaction { x: 0.1, y: 0.2, w: 0.25, h: 0.3, label: None };
    for (id, size, face) in [(sf.rotated, UPRIGHT, FACE), (sf.fx.photo, (640, 480), fixture_face)] {
        for image in images_of(&site, id) {
            assert_only_pixels(&image, size, &face);
        }
    }
    assert_eq!(all.keys().filter(|k| k.starts_with("images/")).count(), 4);

    // The export is logged, so a takedown can name the site for recall.
    let mut archive = sf.fx.archive;
    let purged = archive.purge_person(UNNAMED).unwrap();
    assert!(purged.exports.iter().any(|e| e.format == "site" && e.destination.ends_with("site")), "{purged:?}");
}

#[test]
fn site_quote_holding_a_script_tag_renders_as_text() {
    let dir = temp();
    let sf = site_fixture(dir.path());
    let site = dir.path().join("site");
    export_site(&sf.fx.archive, &site);
    let page = std::fs::read_to_string(site.join(format!("items/{}.html", sf.script_quote))).unwrap();
    assert!(
        page.contains("They said &lt;script&gt;alert(&quot;walkout&quot;)&lt;/script&gt; was only a drill &amp; we")
    );
    assert!(!page.contains("<script>alert"), "{page}");
    // In the browser: the words are text, no script element came from them, the page is whole.
    let dom = dom(&site, &format!("items/{}.html", sf.script_quote), &[]);
    assert!(dom.contains("&lt;script&gt;alert(\"walkout\")&lt;/script&gt;"), "{dom}");
    assert!(!dom.contains("<script>alert"), "{dom}");
    assert!(dom.contains("Citation · Chicago"), "{dom}");
    // And in the search results, built by search.js.
    let dom = dom_search(&site, "drill");
    let (hits, _) = search_results(&dom);
    assert_eq!(hits, [sf.script_quote.to_string()]);
    assert!(dom.contains("&lt;script&gt;") && !dom.contains("<script>alert"), "{dom}");
}

fn dom_search(site: &Path, query: &str) -> String {
    dom(site, &format!("index.html#q={query}"), &[])
}

#[test]
fn site_search_runs_in_the_browser_from_disk_with_folded_accents_and_no_network() {
    let dir = temp();
    let sf = site_fixture(dir.path());
    let site = dir.path().join("site");
    export_site(&sf.fx.archive, &site);
    let quote = sf.fx.quote.to_string();

    // Two words, both must match.
    let plain = dom_search(&site, "estamos%20vamos");
    let (hits, status) = search_results(&plain);
    assert_eq!(hits, std::slice::from_ref(&quote), "{status}");
    assert_eq!(status, "1 result for “estamos vamos”");
    assert!(plain.contains("<mark>vamos</mark>"), "hits are highlighted");
    // Accents and case folded both ways, the last word as a prefix.
    for query in ["AQUI%20estamos", "maria%20lope", "Mar%C3%ADa%20L%C3%B3pez", "aqu%C3%AD"] {
        let (hits, status) = search_results(&dom_search(&site, query));
        assert_eq!(hits, std::slice::from_ref(&quote), "{query}: {status}");
    }
    // Several hits, best first; the restricted quote is not among them.
    let (hits, status) = search_results(&dom_search(&site, "walk"));
    assert!(hits.len() >= 3, "{status}");
    assert!(!hits.contains(&sf.fx.restricted.to_string()));
    let (hits, status) = search_results(&dom_search(&site, "scared"));
    assert!(hits.is_empty() && status.starts_with("No items match “scared”"), "{status}");
    // From another page's search field (a GET form): index.html?q=…
    let (hits, _) = search_results(&dom(&site, "index.html?q=rallied%20downtown", &[]));
    assert_eq!(hits, [sf.fx.article.to_string()]);

    // With every host unresolvable and a proxy that leads nowhere, the page is the same.
    let offline = ["--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9"];
    assert_eq!(dom(&site, "index.html#q=estamos%20vamos", &offline), plain);
    let item = format!("items/{}.html", sf.rotated);
    assert_eq!(dom(&site, &item, &offline), dom(&site, &item, &[]));
}

#[test]
fn site_screenshots_of_home_photo_and_search_show_a_real_page() {
    let dir = temp();
    let sf = site_fixture(dir.path());
    let site = dir.path().join("site");
    export_site(&sf.fx.archive, &site);
    let luma = |p: &image::Rgb<u8>| (u32::from(p.0[0]) * 3 + u32::from(p.0[1]) * 6 + u32::from(p.0[2])) / 10;
    let home = screenshot(&site, "index.html", "site-index.png", &[]);
    assert!(luma(home.get_pixel(8, 450)) > 200, "the light theme's paper background");
    screenshot(&site, &format!("items/{}.html", sf.rotated), "site-item-photo.png", &[]);
    screenshot(&site, "index.html#q=walkout", "site-search.png", &[]);
    screenshot(&site, &format!("items/{}.html", sf.fx.article), "site-item-article.png", &[]);
    screenshot(&site, &format!("items/{}.html", sf.fx.quote), "site-item-quote.png", &[]);
    // The reader's dark setting gives the dark theme.
    let dark = screenshot(&site, "index.html#q=walkout", "site-search-dark.png", &["--force-dark-mode"]);
    assert!(luma(dark.get_pixel(8, 450)) < 40, "the dark theme's background");
}

#[test]
fn site_export_is_byte_for_byte_the_same_twice_and_from_the_cli() {
    let dir = temp();
    let sf = site_fixture(dir.path());
    let (first, second) = (dir.path().join("first"), dir.path().join("second"));
    export_site(&sf.fx.archive, &first);
    export_site(&sf.fx.archive, &second);
    let (a, b) = (all_files(&first), all_files(&second));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs between two exports of the same archive");
    }
    assert!(export::export(&sf.fx.archive, Format::Site, &ExportOptions::default(), &first).is_err(), "no overwrite");

    // The CLI: a collection, the report of what was left out and why.
    let root = sf.fx.archive.root().to_path_buf();
    drop(sf);
    let out = dir.path().join("rally");
    let report =
        run_json(&root, &["export", "--format", "site", "--collection", "Rally day", "--json", out.to_str().unwrap()]);
    assert_eq!(report["exported"], 5);
    let reasons: Vec<_> =
        report["left_out"].as_array().unwrap().iter().map(|l| l["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["restricted", "private"]);
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("<h1 id=\"page-title\">Rally day</h1>"), "{home}");
    let refused = run(&root, &["export", "--format", "site", "--originals", dir.path().join("x").to_str().unwrap()]);
    assert!(!refused.status.success());
}

#[test]
fn site_timeline_and_map_pages_count_the_items_and_place_none_by_photo_gps_or_withheld_location() {
    let dir = temp();
    let mut sf = site_fixture(dir.path());
    // A student who withheld where they were, quoted at a place only their quote names.
    let mut quote = Item::quote("We meet behind the gym on Fridays", sf.fx.archive.now());
    quote.place = Some("Quillfeather Apartments".into());
    quote.date = Some("2026-03-04".parse().unwrap());
    if let ItemDetails::Quote(q) = &mut quote.details {
        q.speaker = Some("Ingrid Solvang".into());
    }
    sf.fx.archive.add_item(quote).unwrap();
    sf.fx.archive.locate_place("Quillfeather Apartments", Some(walkout::Gps { lat: 44.97, lon: -93.26 })).unwrap();
    let withheld = walkout::privacy::ConsentRecord {
        scope: walkout::privacy::ConsentScope::Location,
        status: walkout::Consent::Withheld,
        date: None,
        note: None,
        expires: None,
    };
    sf.fx.archive.record_consent("Ingrid Solvang", withheld).unwrap();
    let site = dir.path().join("site");
    export_site(&sf.fx.archive, &site);
    let on_site: Vec<Item> = sf
        .fx
        .archive
        .all_items()
        .unwrap()
        .into_iter()
        .filter(|i| site.join(format!("items/{}.html", i.id)).is_file())
        .collect();

    // The map: a marker per located place, its count the items there, a link to their list.
    let map = std::fs::read_to_string(site.join("map.html")).unwrap();
    let iowa = on_site.iter().filter(|i| i.place.as_deref() == Some("Iowa City, Iowa")).count();
    assert!(iowa >= 2);
    assert!(
        map.contains(&format!(r##"href="#place-iowa-city-iowa"><title>Iowa City, Iowa: {iowa} items</title>"##)),
        "{map}"
    );
    assert!(map.contains(r#"<section class="period" id="place-iowa-city-iowa">"#));
    assert!(map.contains(r#"class="name""#) && map.contains(">Minneapolis</text>"));
    assert!(!map.contains("Quillfeather"), "a withheld place is not on the map");
    assert!(!files_containing(&site, b"behind the gym").is_empty(), "the words are on the site");
    assert_eq!(files_containing(&site, b"Quillfeather"), Vec::<String>::new(), "nor anywhere else");

    // The timeline: the fixture's camera photos date from 2008, so the axis counts by year
    // (more than five years of months would be too thin to read); 2026 holds the quote.
    let timeline = std::fs::read_to_string(site.join("timeline.html")).unwrap();
    assert!(timeline.contains("dated items by year"), "{timeline}");
    assert!(timeline.contains(r#"<section class="period" id="p-2026"><h2>2026</h2>"#), "{timeline}");
    let year = timeline.split(r#"id="p-2026""#).nth(1).unwrap().split("</section>").next().unwrap();
    assert!(year.contains("behind the gym"), "{year}");
    // An item whose date lies within a year is that year's; one that spans years is "more broadly".
    let broad = timeline.split(r#"id="broad""#).nth(1).map(|s| s.split("</section>").next().unwrap()).unwrap_or("");
    for item in &on_site {
        let Some(date) = &item.date else { continue };
        let (lo, hi) = date.match_range();
        let within = lo.format("%Y").to_string() == hi.format("%Y").to_string();
        assert_eq!(broad.contains(&format!("items/{}.html", item.id)), !within, "{} {date}", item.title);
        assert_eq!(year.contains(&format!("items/{}.html", item.id)), within && lo.format("%Y").to_string() == "2026");
    }

    // From disk in a browser: drawn, links to the lists, in light and dark.
    let dom = dom(&site, "map.html", &[]);
    assert!(dom.contains(r#"<svg class="us-map""#) && dom.contains(r#"class="marker""#));
    screenshot(&site, "timeline.html", "site-timeline.png", &[]);
    screenshot(&site, "map.html", "site-map.png", &[]);
    screenshot(&site, "map.html", "site-map-dark.png", &["--force-dark-mode"]);
}
