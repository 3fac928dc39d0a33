//! The edit history as an archivist uses it: edit a quote twice, open its history, restore the
//! first version; then the archive's activity, and a whole operation reverted from there.

use walkout_e2e::App;

async fn edit_words(app: &App, words: &str) -> anyhow::Result<()> {
    app.click_text(".pane .footer button", "Edit").await?;
    app.type_into(".pane textarea.words", words).await?;
    app.click(".pane .footer button[type=submit]").await?;
    app.wait_text(".pane blockquote", words).await?;
    Ok(())
}

#[tokio::test]
async fn a_quote_edited_twice_comes_back_to_its_first_version_and_an_operation_is_reverted() -> anyhow::Result<()> {
    let app = App::start("history").await?;
    app.search("Twin Cities").await?;
    app.click_text(".list [role=option]", "Twin Cities belong to us").await?;
    app.wait_text(".pane blockquote", "Twin Cities belong to us").await?;
    let id = app.find(".pane .head .id").await?.attr("title").await?.expect("the id");
    let first = app.stored_text(&id).await?;

    edit_words(&app, "The Twin Cities belong to us, all of us.").await?;
    edit_words(&app, "The Twin Cities belong to us, all of us. Minneapolis stays.").await?;

    // The history: three versions, newest first, the words' change marked old → new.
    app.click(".pane .history-toggle").await?;
    app.find(".pane .history .version[data-version=\"3\"]").await?;
    assert_eq!(app.count(".pane .history .version").await?, 3);
    app.wait_text(".pane .history .version[data-version=\"3\"] ins", "Minneapolis stays").await?;
    app.wait_text(".pane .history .version[data-version=\"3\"] del", "all of us.").await?;
    app.wait_text(".pane .history .version[data-version=\"1\"]", "Created").await?;
    app.screenshot("history").await?;

    // Restore the first version: a fourth version, with the first words.
    app.click(".pane .history .version[data-version=\"1\"] .restore").await?;
    app.find(".pane .history .version[data-version=\"4\"]").await?;
    app.wait_text(".pane .history .version[data-version=\"4\"]", "Restored version 1").await?;
    assert_eq!(app.stored_text(&id).await?, first);
    app.screenshot("history-restored").await?;

    // The activity: the restore on top; reverting it puts the second edit's words back.
    app.click(".sidebar .activity").await?;
    app.wait_text(".activity .operation", "Restored version 1").await?;
    app.screenshot("activity").await?;
    app.click(".activity .operation:first-child .summary").await?;
    app.wait_text(".activity .operation.open .plan", "Minneapolis stays").await?;
    app.wait_text(".activity .operation.open .revert", "Revert this operation").await?;
    app.screenshot("activity-preview").await?;
    app.click(".activity .operation.open .revert").await?;
    app.wait_text(".activity .done", "Reverted").await?;
    app.wait_text(".activity .operation:first-child", "Reverted").await?;
    assert!(app.stored_text(&id).await?.ends_with("Minneapolis stays."), "the second edit's words are back");

    // The first edit was changed again later: its revert is refused, and says why.
    // Newest first: the revert, the restore, the second edit, the first edit.
    app.script("document.querySelectorAll('.activity .operation .summary')[3].click()").await?;
    app.wait_text(".activity .operation.open .conflict", "changed again later").await?;
    let disabled = app.script("return document.querySelector('.activity .operation.open .revert').disabled").await?;
    assert_eq!(disabled, serde_json::json!(true));
    app.screenshot("activity-conflict").await?;
    app.quit().await
}
