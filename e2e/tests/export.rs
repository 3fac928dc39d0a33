//! Exports and citations, through the engine's privacy policy.

use walkout_e2e::App;

/// Opens the item showing `title` from All items.
async fn open_item(app: &App, title: &str) -> anyhow::Result<()> {
    app.type_into("#search", title).await?;
    app.wait_text(".list .count", &format!("for “{title}”")).await?;
    app.click_text(".list [role=option] .title", title).await?;
    app.wait_text(".pane", title).await?;
    Ok(())
}

/// Marks the open item restricted through the editor.
async fn restrict(app: &App) -> anyhow::Result<()> {
    app.click_text(".pane .footer button", "Edit").await?;
    // The editor is loaded the first time it opens: wait for it as a person would.
    app.find("#item-editor select").await?;
    app.script(
        "const s = document.querySelector('#item-editor select'); s.value = 'restricted'; s.dispatchEvent(new Event('change', { bubbles: true }));",
    )
    .await?;
    app.click(".pane .footer button[type=submit]").await?;
    app.wait_text(".pane .notice", "Saved").await?;
    Ok(())
}

#[tokio::test]
async fn a_collection_is_exported_and_the_report_names_what_stayed_in() -> anyhow::Result<()> {
    let app = App::start("export").await?;
    open_item(&app, "ICE Out!").await?;
    restrict(&app).await?;
    app.type_into("#search", "").await?;

    app.click_text(".sidebar .row", "January 30, 2026").await?;
    app.click_text(".collection-head button", "Export").await?;
    app.wait_text("dialog[open] .sub", "January 30, 2026 walkouts").await?;
    app.click_text("dialog[open] .format", "CSL-JSON").await?;
    // Letting restricted items out asks for care first.
    app.click_text("dialog[open] label.check", "Include restricted").await?;
    app.wait_text("dialog[open] .warning", "minors and people at risk").await?;
    app.screenshot("export-dialog").await?;
    app.click_text("dialog[open] label.check", "Include restricted").await?;
    app.wait_gone("dialog[open] .warning", "minors").await?;

    let out = app.archive.parent().expect("a temp folder").join("exports/walkouts.json");
    app.type_into("dialog[open] .path-row input", out.to_str().expect("UTF-8")).await?;
    app.click("dialog[open] button[type=submit]").await?;
    app.wait_text("dialog[open] h2", "Export finished").await?;
    app.wait_text("dialog[open] h3", "Exported 9 items").await?;
    app.wait_text("dialog[open] .left-out", "ICE Out!").await?;
    app.wait_text("dialog[open] .left-out", "restricted").await?;
    app.screenshot("export-report").await?;

    // The file is what the report says: nine references, without the restricted quote.
    let refs: serde_json::Value = serde_json::from_slice(&std::fs::read(&out)?)?;
    let refs = refs.as_array().expect("CSL-JSON is an array");
    assert_eq!(refs.len(), 9);
    assert!(!refs.iter().any(|r| r["title"].as_str().is_some_and(|t| t.contains("ICE Out"))));
    app.click_text("dialog[open] button", "Done").await?;
    app.quit().await
}

#[tokio::test]
async fn a_citation_is_copied_in_three_styles_and_never_for_a_restricted_item() -> anyhow::Result<()> {
    let app = App::start("citation").await?;
    open_item(&app, "The Twin Cities belong to us").await?;
    // Nobody consented to the speakers' name: the citation says who they are by their role.
    let chicago = app.wait_text(".pane .citation .text", "Students, University of Minnesota.").await?;
    assert!(chicago.contains("The Twin Cities belong to us"), "{chicago}");
    app.script(
        "const s = document.querySelector('.pane .citation select'); s.value = 'apa'; s.dispatchEvent(new Event('change', { bubbles: true }));",
    )
    .await?;
    app.wait_js(
        &format!("document.querySelector('.pane .citation .text')?.textContent !== {chicago:?}"),
        "the APA citation differs from the Chicago one",
    )
    .await?;
    app.click_text(".pane .citation button", "Copy citation").await?;
    app.wait_text(".pane .citation button", "Copied").await?;
    app.screenshot("citation").await?;

    open_item(&app, "ICE Out!").await?;
    restrict(&app).await?;
    app.wait_text(".pane .citation .withheld", "stays in the archive (restricted)").await?;
    app.quit().await
}

#[tokio::test]
async fn the_results_of_a_search_are_exported_whole() -> anyhow::Result<()> {
    let app = App::start("export-results").await?;
    app.search("students").await?;
    let count = app.wait_text(".list .count", "for “students”").await?;
    let n: usize = count.split_whitespace().next().and_then(|w| w.parse().ok()).expect("a count");
    app.click(".list .export-results").await?;
    app.wait_text("dialog[open] .sub", &format!("{n} items: the results for “students”")).await?;
    app.click_text("dialog[open] .format", "CSV").await?;
    let out = app.archive.parent().expect("a temp folder").join("exports/students");
    app.type_into("dialog[open] .path-row input", out.to_str().expect("UTF-8")).await?;
    app.click("dialog[open] button[type=submit]").await?;
    app.wait_text("dialog[open] h2", "Export finished").await?;
    app.wait_text("dialog[open] h3", &format!("Exported {n} items")).await?;
    app.quit().await
}
