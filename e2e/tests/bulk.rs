//! Working on many items at once, and taking changes back: Ctrl+click and Shift+click pick
//! items; the bulk panel tags them, collects them, rates them and deletes them; Ctrl+Z (or the
//! toast's Undo) reverses each change; Delete deletes with undo; the editor suggests the names
//! the archive knows.

use walkout_e2e::{App, By, Key};

/// How many results carry `tag`, asked of the engine as the window's own code asks it.
async fn tagged(app: &App, tag: &str) -> anyhow::Result<u64> {
    let total = app
        .script(&format!(
            "return window.__TAURI_INTERNALS__.invoke('search', {{ request: {{ query: '', kinds: [], tags: [{tag:?}], \
             collection: null, speaker: null, place: null, year: null, from: null, to: null, \
             max_sensitivity: null, sort: 'relevance', offset: 0, limit: 1 }} }}).then(r => r.total);"
        ))
        .await?;
    Ok(total.as_u64().unwrap_or(u64::MAX))
}

/// The rows of the result list that show `needle`.
async fn rows_showing(app: &App, needle: &str) -> anyhow::Result<usize> {
    let mut n = 0;
    for row in app.driver.find_all(By::Css(".list [role=option]")).await? {
        if row.text().await.unwrap_or_default().contains(needle) {
            n += 1;
        }
    }
    Ok(n)
}

#[tokio::test]
async fn many_items_are_tagged_collected_and_rated_at_once_and_each_change_is_undone() -> anyhow::Result<()> {
    let app = App::start("bulk").await?;
    app.wait_text(".list .count", "10 results").await?;

    // Ctrl+click adds to the selection: three rows.
    let rows = app.driver.find_all(By::Css(".list [role=option]")).await?;
    rows[0].click().await?;
    app.driver
        .action_chain()
        .key_down(Key::Control)
        .click_element(&rows[1])
        .click_element(&rows[2])
        .key_up(Key::Control)
        .perform()
        .await?;
    app.wait_text(".pane .bulk", "3 items selected").await?;
    assert_eq!(app.count(".list [role=option][aria-selected=true]").await?, 3);

    // Tags, added to all three.
    app.type_into("#bulk-tags", "press kit").await?;
    app.click(".bulk form.tags button[type=submit]").await?;
    app.wait_text(".toast", "Tagged 3 items press kit").await?;
    assert_eq!(tagged(&app, "press kit").await?, 3);
    app.screenshot("bulk-edit").await?;

    // Ctrl+Z takes them off again (the focus is on the button, not in a text field).
    app.press(Key::Control + "z").await?;
    app.wait_text(".toast", "Undone: Tagged 3 items").await?;
    assert_eq!(tagged(&app, "press kit").await?, 0);
    app.wait_text(".pane .bulk", "3 items selected").await?;

    // A new collection, made for them.
    app.type_into("#bulk-collection", "Press kit").await?;
    app.click(".bulk form.collection button[type=submit]").await?;
    app.wait_text(".toast", "Added 3 items to Press kit").await?;
    app.wait_text(".sidebar .row", "Press kit").await?;

    // A sensitivity for all of them: the list shows it on each.
    let private_before = rows_showing(&app, "Private").await?;
    app.choose("#bulk-sensitivity", "private").await?;
    app.click(".bulk form.sensitivity button[type=submit]").await?;
    app.wait_text(".toast", "Marked 3 items Private").await?;
    app.wait_js(
        &format!(
            "[...document.querySelectorAll('.list [role=option]')].filter(r => r.textContent.includes('Private')).length === {}",
            private_before + 3
        ),
        "three more rows marked Private",
    )
    .await?;
    // Undone through the toast's button.
    app.click(".toast button.undo").await?;
    app.wait_text(".toast", "Undone: Marked 3 items Private").await?;
    app.wait_js(
        &format!(
            "[...document.querySelectorAll('.list [role=option]')].filter(r => r.textContent.includes('Private')).length === {private_before}"
        ),
        "the rows as they were",
    )
    .await?;

    // Esc clears the selection: the pane shows one item again.
    app.find(".list [role=listbox]").await?.send_keys(Key::Escape).await?;
    app.wait_gone(".pane", "items selected").await?;
    app.find(".pane .head .id").await?;

    // Ctrl+A picks every result of the search, loaded or not.
    app.find(".list [role=listbox]").await?.send_keys(Key::Control + "a").await?;
    app.wait_text(".pane .bulk", "10 items selected").await?;
    assert_eq!(app.count(".list [role=option][aria-selected=true]").await?, app.count(".list [role=option]").await?);
    app.quit().await
}

#[tokio::test]
async fn delete_takes_items_away_and_undo_brings_them_back() -> anyhow::Result<()> {
    let app = App::start("delete-undo").await?;
    app.wait_text(".list .count", "10 results").await?;

    // One item: the Delete key, then Ctrl+Z.
    app.wait_js("document.querySelector('.list [role=option] .title')?.textContent.trim()", "the first row's title")
        .await?;
    let first = app.script("return document.querySelector('.list [role=option] .title').textContent.trim();").await?;
    let first = first.as_str().expect("a title").to_string();
    app.click(".list [role=option]").await?;
    app.find(".pane .head .id").await?;
    app.press(Key::Delete).await?;
    app.wait_text(".list .count", "9 results").await?;
    app.wait_text(".toast", "Deleted “").await?;
    app.wait_gone(".list [role=option] .title", &first).await?;
    app.screenshot("undo-toast").await?;
    app.find(".list [role=listbox]").await?.send_keys(Key::Control + "z").await?;
    app.wait_text(".list .count", "10 results").await?;
    app.wait_text(".list [role=option] .title", &first).await?;
    app.wait_text(".toast", "Undone: Deleted").await?;

    // Three at once (Shift+click picks the range), deleted from the bulk panel, undone with
    // the toast's button.
    let rows = app.driver.find_all(By::Css(".list [role=option]")).await?;
    rows[0].click().await?;
    app.driver.action_chain().key_down(Key::Shift).click_element(&rows[2]).key_up(Key::Shift).perform().await?;
    app.wait_text(".pane .bulk", "3 items selected").await?;
    app.click(".bulk button.delete").await?;
    app.wait_text(".list .count", "7 results").await?;
    app.wait_text(".toast", "Deleted 3 items").await?;
    app.wait_sidebar_count("All items", "7").await?;
    app.click(".toast button.undo").await?;
    app.wait_text(".list .count", "10 results").await?;
    app.quit().await
}

#[tokio::test]
async fn an_edit_is_undone_and_the_editor_suggests_known_names() -> anyhow::Result<()> {
    let app = App::start("edit-undo").await?;
    app.search("Twin Cities").await?;
    app.click_text(".list [role=option]", "Twin Cities belong to us").await?;
    app.click_text(".pane .footer button", "Edit").await?;

    // The place field offers the archive's places; the tags field completes a list.
    app.find(".pane input[name=place]").await?;
    app.wait_js(
        "[...document.querySelectorAll('#known-places option')].some(o => o.value === 'Seattle, Washington')",
        "the known places offered",
    )
    .await?;
    app.type_into(".pane input[name=tags]", "rally, univ").await?;
    app.wait_js(
        "[...document.querySelectorAll('#known-tags option')].some(o => o.value === 'rally, university')",
        "a tag list completed with a known tag",
    )
    .await?;
    app.type_into(".pane input[name=speaker]", "Students of the U of M").await?;
    app.click(".pane .footer button[type=submit]").await?;
    app.wait_text(".pane .notice", "Saved").await?;
    app.wait_text(".pane", "Students of the U of M").await?;
    app.wait_text(".toast", "Saved “").await?;

    // Ctrl+Z outside a field: the speaker as it was.
    app.click_text(".list [role=option]", "Twin Cities belong to us").await?;
    app.press(Key::Control + "z").await?;
    app.wait_text(".toast", "Undone: Saved").await?;
    app.wait_text(".pane", "Students at the University of Minnesota").await?;
    app.quit().await
}
