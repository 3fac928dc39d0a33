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
    app.search("Twin Cities").await?;
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

/// Puts the search result showing `title` into the existing collection `name`.
async fn add_to(app: &App, title: &str, name: &str) -> anyhow::Result<()> {
    app.search(title).await?;
    app.click_text(".list [role=option]", title).await?;
    app.wait_text(".pane", title).await?;
    app.click_text(".pane .footer button", "Add to collection").await?;
    app.click_text(".pane .picker button", name).await?;
    app.wait_text(".pane .notice", &format!("Added to {name}")).await?;
    Ok(())
}

/// The titles of the list's rows, top to bottom.
async fn row_titles(app: &App) -> anyhow::Result<Vec<String>> {
    let titles = app
        .script("return [...document.querySelectorAll('.list [role=option] .title')].map(e => e.textContent)")
        .await?;
    Ok(serde_json::from_value(titles)?)
}

#[tokio::test]
async fn collections_are_made_filled_reordered_renamed_and_emptied() -> anyhow::Result<()> {
    let app = App::start("collections").await?;
    // A new, empty collection from the sidebar's +.
    app.click(".sidebar .add").await?;
    let name = app.type_into(".sidebar .new-collection input", "Rally day").await?;
    name.send_keys(Key::Enter).await?;
    app.wait_sidebar_count("Rally day", "0").await?;
    app.wait_text(".collection-head h2", "Rally day").await?;
    app.wait_text(".list .empty", "Nothing in this collection yet").await?;

    // Filled from the detail pane, in the order the items were added (found from All items: a
    // search in a collection's view searches that collection).
    app.click_text(".sidebar .row", "All items").await?;
    for title in ["ICE Out!", "Students protest in New York", "Students walk out in Iowa City"] {
        add_to(&app, title, "Rally day").await?;
    }
    app.type_into("#search", "").await?;
    app.click_text(".sidebar .row", "Rally day").await?;
    app.wait_text(".list .count", "3 results").await?;
    app.wait_text(".list .sort-button", "Collection order").await?;
    assert_eq!(
        row_titles(&app).await?,
        ["“ICE Out!”", "Students protest in New York", "Students walk out in Iowa City"]
    );

    // Alt+Up moves the selected item up: the order is the collection's own, and it stays.
    app.click_text(".list [role=option]", "Iowa City").await?;
    app.chord(Key::Alt, Key::Up).await?;
    app.wait_js(
        "document.querySelectorAll('.list [role=option] .title')[1]?.textContent === 'Students walk out in Iowa City'",
        "Iowa City moved to second",
    )
    .await?;

    // Renamed in place: the sidebar, the head and the search follow.
    app.click_text(".collection-head button", "Rename").await?;
    let field = app.type_into("#collection-name", "Jan 30 rally").await?;
    field.send_keys(Key::Enter).await?;
    app.wait_sidebar_count("Jan 30 rally", "3").await?;
    app.wait_text(".collection-head h2", "Jan 30 rally").await?;
    app.wait_text(".list .count", "3 results").await?;
    assert_eq!(row_titles(&app).await?[1], "Students walk out in Iowa City");
    app.wait_text(".pane dd", "Jan 30 rally").await?;
    app.screenshot("collection").await?;

    // Taken out from the detail pane: the item stays in the archive.
    app.click_text(".list [role=option]", "New York").await?;
    app.click(".pane .in-collection .remove[aria-label='Remove from Jan 30 rally']").await?;
    app.wait_text(".pane .notice", "Removed from Jan 30 rally").await?;
    app.wait_sidebar_count("Jan 30 rally", "2").await?;
    app.wait_text(".list .count", "2 results").await?;
    app.wait_sidebar_count("All items", "10").await?;
    app.quit().await
}

#[tokio::test]
async fn a_new_quote_is_typed_in_with_ctrl_n() -> anyhow::Result<()> {
    let app = App::start("new-quote").await?;
    app.press(Key::Control + "n").await?;
    app.wait_text("dialog[open] h2", "New quote").await?;
    let words = "We walked out because our classmates are afraid to come to school.";
    app.type_into("dialog[open] textarea.words", words).await?;
    app.type_into("dialog[open] input[placeholder^='Name']", "A Seattle student").await?;
    app.type_into("dialog[open] input.mono-input", "2026-01-31?").await?;
    app.wait_text("dialog[open] .note", "uncertain").await?;
    app.screenshot("new-quote").await?;

    // A date the engine cannot read is flagged as it is typed; saving anyway keeps the dialog
    // open and says why. (Each click waits for the note under the date: it moves the button.)
    app.type_into("dialog[open] input.mono-input", "2026-13-45").await?;
    app.wait_js("document.querySelector('dialog[open] .note.bad')", "the date flagged").await?;
    app.click("dialog[open] button[type=submit]").await?;
    app.wait_text("dialog[open] .error", "date").await?;

    app.type_into("dialog[open] input.mono-input", "2026-01-31?").await?;
    app.wait_text("dialog[open] .note", "uncertain").await?;
    app.click("dialog[open] button[type=submit]").await?;
    app.wait_js("!document.querySelector('dialog[open]')", "the dialog closed").await?;
    app.wait_text(".pane blockquote", "our classmates are afraid").await?;
    app.wait_text(".pane .attribution", "A Seattle student").await?;
    app.wait_sidebar_count("Quotes", "4").await?;
    app.search("classmates afraid").await?;
    app.wait_text(".list .count", "1 result").await?;

    // Taken back: Ctrl+Z on the list deletes the new quote.
    app.click_text(".list [role=option]", "our classmates are afraid").await?;
    app.press(Key::Control + "z").await?;
    app.wait_text(".toast", "Undone: Added").await?;
    app.wait_sidebar_count("Quotes", "3").await?;
    app.wait_text(".list .count", "0 results").await?;
    app.quit().await
}

#[tokio::test]
async fn a_date_range_narrows_the_results_and_a_bad_date_is_explained() -> anyhow::Result<()> {
    let app = App::start("date-range").await?;
    app.wait_text(".list .count", "10 results").await?;
    app.click(".chips button.dates").await?;

    // A date the engine cannot read is explained; the range is not applied.
    app.type_into(".range input[name=from]", "2026-13-45").await?;
    app.click(".range button[type=submit]").await?;
    app.wait_text(".range .range-error", "date").await?;
    app.wait_text(".list .count", "10 results").await?;

    // Everything in the demo record happened in 2026: a range that ends before it finds nothing.
    app.fill(&[(".range input[name=from]", ""), (".range input[name=to]", "2025-12-31")]).await?;
    app.click(".range button[type=submit]").await?;
    app.wait_text(".list .count", "0 results").await?;
    app.wait_text(".chips .chip.active", "until 2025-12-31").await?;
    // The empty list offers to remove the filters set, by name, and only those.
    let offered = app
        .script("return [...document.querySelectorAll('.empty .remove button')].map(b => b.textContent.trim());")
        .await?;
    assert_eq!(offered, serde_json::json!(["To 2025-12-31"]), "the filters offered for removal");

    // The day of the national walkout: the items of that day, and those dated only by the year.
    app.click(".chips button.dates").await?;
    app.fill(&[(".range input[name=from]", "2026-01-30"), (".range input[name=to]", "2026-01-30")]).await?;
    app.screenshot("date-range").await?;
    app.click(".range button[type=submit]").await?;
    app.wait_text(".chips .chip.active", "2026-01-30 – 2026-01-30").await?;
    app.wait_text(".list .count", "10 results").await?;

    // Removing the chip clears the range.
    app.click(".chips .chip.active .chip-clear").await?;
    app.wait_gone(".chips", "2026-01-30").await?;
    app.quit().await
}
