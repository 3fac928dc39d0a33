//! Saved news pages as `walkout import` reads them: the published date (and the rule that found
//! it), the page's encoding, and the story's text without the blocks and lines around it. One
//! small page per cause in tests/data/articles (written for these tests: no third-party text).

use crate::common::*;

use std::sync::atomic::AtomicBool;

use walkout::ingest::ImportLimits;
use walkout::ingest::article::{self, DateRule, ParsedArticle};
use walkout::{Archive, Item, ItemDetails};

/// The page imported into a new archive, read back as a user would see it.
fn imported(name: &str) -> Item {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("archive")).unwrap();
    let path = data("articles").join(name);
    let report = archive.import_paths(&[path], ImportLimits::default(), &mut |_| {}, &AtomicBool::new(false)).unwrap();
    assert!(report.failed.is_empty(), "{report:?}");
    archive.get(report.added[0].id).unwrap()
}

fn body(item: &Item) -> &str {
    let ItemDetails::Article(a) = &item.details else { panic!("not an article: {item:?}") };
    &a.body
}

/// The engine's article parse of the page (what the import stores, with how it was read).
fn parsed(name: &str) -> ParsedArticle {
    let path = data("articles").join(name);
    let bytes = std::fs::read(&path).unwrap();
    article::from_html_bytes(&path, &bytes, &"0".repeat(64), chrono::Utc::now()).unwrap()
}

fn date(item: &Item) -> Option<String> {
    item.date.as_ref().map(|d| d.to_string())
}

#[test]
fn a_date_only_in_the_canonical_address_is_found() {
    let item = imported("date-in-url.html");
    assert_eq!(date(&item).as_deref(), Some("2026-01-30"));
    assert_eq!(parsed("date-in-url.html").date_rule, Some(DateRule::Url));
}

#[test]
fn a_date_only_in_spanish_text_under_the_headline_is_found_not_the_comments_one() {
    let item = imported("fecha-en-texto.html");
    assert_eq!(date(&item).as_deref(), Some("2026-01-30"), "not the comment's 2 February nor the related list's");
    assert_eq!(parsed("fecha-en-texto.html").date_rule, Some(DateRule::VisibleText));
}

#[test]
fn json_ld_graph_gives_the_nested_articles_original_date_over_modified_and_comments() {
    let item = imported("date-json-ld-graph.html");
    assert_eq!(date(&item).as_deref(), Some("2026-01-30"), "datePublished of the nested NewsArticle");
    assert_eq!(parsed("date-json-ld-graph.html").date_rule, Some(DateRule::JsonLd));
}

/// The date and the rule that found it, as the importer reads the page.
fn date_and_rule(name: &str) -> (Option<String>, Option<DateRule>) {
    let parsed = parsed(name);
    (date(&parsed.item), parsed.date_rule)
}

#[test]
fn an_evening_story_stamped_in_utc_keeps_the_publishers_day() {
    // 01:30 UTC on the 31st is 8:30 pm on the 30th where the page's other timestamps say it
    // was written (-05:00).
    assert_eq!(date(&imported("date-utc-evening.html")).as_deref(), Some("2026-01-30"));
    assert_eq!(date_and_rule("date-utc-evening.html"), (Some("2026-01-30".into()), Some(DateRule::JsonLd)));
    // Without a zone elsewhere, the day the address gives (next to the UTC day) is the publisher's.
    assert_eq!(date_and_rule("date-utc-url.html"), (Some("2026-01-30".into()), Some(DateRule::Url)));
}

#[test]
fn an_embedded_videos_upload_date_is_not_the_storys() {
    assert_eq!(date_and_rule("date-video-embed.html"), (Some("2026-01-30".into()), Some(DateRule::Meta)));
}

#[test]
fn a_headline_outside_h1_finds_its_dateline_and_a_spanish_page_reads_day_first() {
    // The only <h1> is the site's name, thirty menu links above the story's title.
    let item = imported("date-headline-not-h1.html");
    assert_eq!(date(&item).as_deref(), Some("2026-02-03"), "03/02/2026 in Spanish is 3 February");
    assert_eq!(parsed("date-headline-not-h1.html").date_rule, Some(DateRule::VisibleText));
}

#[test]
fn a_us_english_page_reads_a_numeric_date_month_first() {
    assert_eq!(date_and_rule("numeric-date-en-us.html"), (Some("2026-03-02".into()), Some(DateRule::VisibleText)));
}

#[test]
fn a_date_set_in_pieces_by_the_headline_is_read_whole_not_the_lists() {
    let item = imported("date-in-pieces.html");
    assert_eq!(date(&item).as_deref(), Some("2026-01-30"), "not the related list's 2025-12-14");
}

#[test]
fn a_page_dated_only_as_updated_gets_that_date_as_modified_whatever_its_layout_is_named() {
    // The <body> is named "with sidebar": the story's own dates are not a sidebar's.
    assert_eq!(date_and_rule("date-updated-only.html"), (Some("2026-01-30".into()), Some(DateRule::Modified)));
}

#[test]
fn an_address_naming_only_the_month_is_made_precise_by_the_dateline() {
    assert_eq!(date_and_rule("date-url-month.html"), (Some("2026-01-30".into()), Some(DateRule::VisibleText)));
}

#[test]
fn the_rule_that_found_the_date_is_kept_shown_exported_and_dropped_when_the_date_is_edited() {
    let dir = temp();
    let root = dir.path().join("archive");
    run(&root, &["init"]);
    let page = data("articles").join("date-json-ld-graph.html");
    let imported = run_json(&root, &["import", page.to_str().unwrap(), "--json"]);
    let id = imported["added"][0]["id"].as_str().unwrap().to_string();

    let shown = run_json(&root, &["show", &id, "--json"]);
    assert_eq!((shown["date"].as_str(), shown["date_rule"].as_str()), (Some("2026-01-30"), Some("json-ld")));
    let text = String::from_utf8(run(&root, &["show", &id]).stdout).unwrap();
    assert!(text.contains("found in the page's structured data (JSON-LD)"), "{text}");

    let out = dir.path().join("export");
    run_json(&root, &["export", "--format", "json", out.to_str().unwrap(), "--json"]);
    let export: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("walkout-export.json")).unwrap()).unwrap();
    assert_eq!(export["items"][0]["date_rule"], "json-ld", "{export:#}");
    // The export imports back with its rule.
    let copy = dir.path().join("copy");
    run(&copy, &["init"]);
    let again = run_json(&copy, &["import", out.to_str().unwrap(), "--json"]);
    let copied = run_json(&copy, &["show", again["added"][0]["id"].as_str().unwrap(), "--json"]);
    assert_eq!(copied["date_rule"], "json-ld");

    // A person who corrects the date replaces what the page said: the rule no longer applies.
    run(&root, &["edit", &id, "--set", "date=2026-01-29"]);
    let edited = run_json(&root, &["show", &id, "--json"]);
    assert_eq!((edited["date"].as_str(), edited["date_rule"].as_str()), (Some("2026-01-29"), None));
    // Other edits keep it.
    let parsed_again =
        run_json(&root, &["import", data("articles").join("date-in-url.html").to_str().unwrap(), "--json"]);
    let other = parsed_again["added"][0]["id"].as_str().unwrap().to_string();
    run(&root, &["edit", &other, "--set", "place=Lakeside"]);
    assert_eq!(run_json(&root, &["show", &other, "--json"])["date_rule"], "url");
}

#[test]
fn a_windows_1252_page_keeps_its_accents() {
    let item = imported("windows-1252.html");
    let text = body(&item);
    assert!(text.contains("Más de cuatrocientos estudiantes salieron de sus aulas"), "{text}");
    assert!(text.contains("“Nadie nos preguntó”"), "{text}");
    assert!(!text.contains('\u{fffd}'), "{text}");
    assert!(item.title.contains("«queremos la biblioteca abierta»"), "{}", item.title);
    assert_eq!(parsed("windows-1252.html").encoding, "windows-1252");
}

#[test]
fn an_undeclared_shift_jis_page_reads_as_japanese_without_its_ruby_annotations() {
    let item = imported("shift-jis.html");
    let text = body(&item);
    assert!(text.starts_with("金曜日の午前十時、湖畔中央高校の生徒四百人以上が教室を出て"), "{text}");
    assert!(text.contains("教頭の先生は階段から行進を見守り"), "the ruby's base text, without its reading: {text}");
    assert!(!text.contains("きょうとう"), "{text}");
    assert_eq!(parsed("shift-jis.html").encoding, "Shift_JIS");
}

#[test]
fn a_chinese_story_keeps_its_first_paragraphs_and_not_its_pinyin() {
    let item = imported("chinese.html");
    let text = body(&item);
    assert!(text.starts_with("星期五上午十点，湖滨中学四百多名学生走出教室"), "the start was cut: {text}");
    assert!(text.contains("高三学生林晓举着"), "{text}");
    assert!(!text.contains("xiǎo"), "{text}");
}

#[test]
fn a_refrain_stays_while_a_caption_shown_twice_goes() {
    let item = imported("refrain.html");
    let text = body(&item);
    let refrain = "Open the doors, keep the lights on, the library is ours.";
    assert!(text.matches(refrain).count() >= 1, "the refrain was dropped: {text}");
    assert!(text.contains("we sang it again on the district's front steps"), "{text}");
    assert!(!text.contains("sing outside the district office on Friday"), "the gallery caption stayed: {text}");
}

#[test]
fn a_cookie_notice_beside_a_short_story_is_not_taken_for_it() {
    let item = imported("cookie-banner.html");
    let text = body(&item);
    assert!(text.contains("Three seniors read a letter signed by nine hundred students"), "{text}");
    assert!(!text.to_lowercase().contains("cookies"), "{text}");
}

#[test]
fn furniture_lines_inside_the_story_block_are_left_out() {
    let item = imported("furniture.html");
    let text = body(&item);
    assert!(text.starts_with("More than four hundred students left their classrooms"), "{text}");
    assert!(text.contains("no decision had been taken yet."), "{text}");
    for furniture in ["Updated January 31", "1of4", "Image credit", "Sign up for our", "is a staff writer", "Citation:"]
    {
        assert!(!text.contains(furniture), "{furniture:?} stayed in: {text}");
    }
}

/// The story's three paragraphs, as every wrong-block page sets them.
const STORY: &[&str] = &[
    "More than four hundred students left their classrooms at Lakeside Central High School",
    "The walkout had been planned for two weeks in group chats",
    "the board's chair promised an answer before the next meeting.",
];

fn keeps_the_story_without(name: &str, beside: &[&str]) {
    let item = imported(name);
    let text = body(&item);
    for line in STORY {
        assert!(text.contains(line), "{name}: the story lost {line:?}: {text}");
    }
    for line in beside {
        assert!(!text.contains(line), "{name}: {line:?} stayed in: {text}");
    }
}

#[test]
fn an_author_bio_longer_than_the_story_is_left_out() {
    keeps_the_story_without(
        "wrong-block-author-bio.html",
        &["Marta Quiroga is a reporter", "Before joining the Courier", "state press association"],
    );
}

#[test]
fn a_teaser_for_another_story_is_left_out() {
    keeps_the_story_without(
        "wrong-block-teaser.html",
        &["Board weighs a budget", "The district board will meet on Tuesday", "Continue reading"],
    );
}

#[test]
fn a_list_of_testimonials_is_left_out() {
    keeps_the_story_without(
        "wrong-block-testimonials.html",
        &["What our readers say", "Reading the Courier every morning", "Ana P., Lakeside"],
    );
}

#[test]
fn a_forum_sidebar_is_left_out() {
    keeps_the_story_without(
        "wrong-block-forum-sidebar.html",
        &["From the community board", "Started by a reader", "Bus route 12"],
    );
}

#[test]
fn an_open_letters_signatories_are_left_out_and_its_story_kept() {
    let item = imported("wrong-block-signatories.html");
    let text = body(&item);
    assert!(text.contains("More than nine hundred students and alumni of Lakeside Central High School"), "{text}");
    assert!(text.contains("asks the board to find the money elsewhere in the budget."), "{text}");
    for name in ["Ana Ruiz, senior", "Rita Costa, librarian", "Zoe Adler, parent"] {
        assert!(!text.contains(name), "{name:?} stayed in: {text}");
    }
}

#[test]
fn paragraphs_classed_paywall_are_the_story_and_the_prompt_is_not() {
    let item = imported("paywall-paragraphs.html");
    let text = body(&item);
    for line in STORY {
        assert!(text.contains(line), "the story lost {line:?}: {text}");
    }
    assert!(!text.contains("Subscribe for unlimited access"), "{text}");
}
