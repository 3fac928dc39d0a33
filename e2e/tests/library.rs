//! The library on the demo archive: searching as you type, editing a quote, collections.

use walkout_e2e::{App, By, Key};

#[tokio::test]
async fn search_as_you_type_highlights_the_hits() -> anyhow::Result<()> {
    let app = App::start("search").await?;
    app.wait_text(".list .count", "10 results").await?;
    app.screenshot("start").await?;

    app.type_into("#search", "walkout").await?;
    let count = app.wait_text(".list .count", "for “walkout”").await?;
    assert!(count.contains("results"), "the list head says how many: {count:?}");
    // Every hit shows where the word is: a highlighted <mark> in its snippet.
    let marks = app.driver.find_all(By::Css(".snippet mark")).await?;
    assert!(!marks.is_empty(), "no highlighted hits");
    for mark in &marks {
        let text = mark.text().await?.to_lowercase();
        assert!(text.starts_with("walkout"), "a highlight that is not the word: {text:?}");
    }
    // Arrow down from the search field selects the first result and shows it in the detail pane.
    app.press(Key::Down).await?;
    app.find(".pane .head .id").await?;
    app.screenshot("search").await?;

    // A word that is nowhere says so, and names the way out.
    app.type_into("#search", "walkut").await?;
    app.wait_text(".list", "walkout").await?;
    app.quit().await
}

#[tokio::test]
async fn editing_a_quote_saves_its_words_and_date() -> anyhow::Result<()> {
    let app = App::start("edit-quote").await?;
    app.type_into("#search", "Twin Cities").await?;
    app.click_text(".list [role=option]", "Twin Cities belong to us").await?;
    app.wait_text(".pane blockquote", "Twin Cities belong to us").await?;
    app.click_text(".pane .footer button", "Edit").await?;

    let words = "The Twin Cities belong to us. It doesn't belong to them. Minneapolis stays.";
    app.type_into(".pane textarea.words", words).await?;
    app.type_into(".pane input.mono-input", "2026-01-30").await?;
    app.wait_text(".pane .note", "January 2026").await?;
    app.screenshot("edit-quote").await?;
    app.click(".pane .footer button[type=submit]").await?;

    app.wait_text(".pane .notice", "Saved").await?;
    app.wait_text(".pane blockquote", "Minneapolis stays").await?;
    app.wait_text(".pane dd", "2026-01-30").await?;
    // The list shows the new words, and the search finds them.
    app.type_into("#search", "stays").await?;
    app.wait_text(".list .count", "1 result for “stays”").await?;
    app.wait_text(".list [role=option] .title", "Minneapolis stays").await?;
    app.screenshot("edited-quote").await?;
    app.quit().await
}

#[tokio::test]
async fn an_item_goes_into_a_new_collection() -> anyhow::Result<()> {
    let app = App::start("collection").await?;
    app.type_into("#search", "ICE Out").await?;
    app.click_text(".list [role=option]", "ICE Out!").await?;
    app.click_text(".pane .footer button", "Add to collection").await?;
    let name = app.type_into(".pane .picker input", "Rally day").await?;
    name.send_keys(Key::Enter).await?;
    app.wait_text(".pane .notice", "Added to Rally day").await?;

    app.wait_sidebar_count("Rally day", "1").await?;
    app.click_text(".sidebar .row", "Rally day").await?;
    app.wait_text(".list .count", "1 result").await?;
    app.wait_text(".list [role=option]", "ICE Out!").await?;
    app.screenshot("collection").await?;
    app.quit().await
}
