//! Templates as an archivist uses them: define "Oral history quote" with a choice field and a
//! required date, fill it on two quotes, and filter the library by the choice.

use walkout_e2e::App;

const DIALOG: &str = "dialog.templates";

async fn use_template(app: &App, title: &str, language: &str) -> anyhow::Result<()> {
    app.search(title).await?;
    app.click_text(".list [role=option]", title).await?;
    app.wait_text(".pane", title).await?;
    app.click_text(".pane .footer button", "Edit").await?;
    app.choose(".pane select[name=template]", "Oral history quote").await?;
    app.find(".pane select[name=custom-language_spoken]").await?;
    app.choose(".pane select[name=custom-language_spoken]", language).await?;
    app.type_into(".pane input[name=custom-recorded_on]", "2026-02-03").await?;
    app.click(".pane .footer button[type=submit]").await?;
    app.wait_text(".pane dd.custom[data-key=language_spoken]", language).await?;
    Ok(())
}

#[tokio::test]
async fn a_template_with_a_choice_field_is_defined_used_and_filtered_by() -> anyhow::Result<()> {
    let app = App::start("templates").await?;
    app.click(".sidebar .templates").await?;
    app.wait_text(DIALOG, "No templates yet").await?;
    app.click(&format!("{DIALOG} .new-template")).await?;
    app.type_into(&format!("{DIALOG} input[name=template-name]"), "Oral history quote").await?;
    app.choose(&format!("{DIALOG} select[name=template-kind]"), "quote").await?;
    let first = format!("{DIALOG} fieldset[data-index=\"0\"]");
    app.type_into(&format!("{first} input[name=field-label]"), "Language spoken").await?;
    app.choose(&format!("{first} select[name=field-type]"), "choice").await?;
    app.type_into(&format!("{first} input[name=field-options]"), "English, Spanish, Both").await?;
    app.choose(&format!("{first} select[name=field-term]"), "dcterms:language").await?;
    app.click(&format!("{DIALOG} .add-field")).await?;
    let second = format!("{DIALOG} fieldset[data-index=\"1\"]");
    app.type_into(&format!("{second} input[name=field-label]"), "Recorded on").await?;
    app.choose(&format!("{second} select[name=field-type]"), "date").await?;
    app.type_into(&format!("{second} input[name=field-help]"), "The day of the interview").await?;
    app.click(&format!("{second} input[name=field-required]")).await?;
    app.screenshot("template-edit").await?;
    app.click(&format!("{DIALOG} .footer button[type=submit]")).await?;
    app.wait_text(&format!("{DIALOG} .ok"), "Template saved").await?;
    app.wait_text(&format!("{DIALOG} .list"), "Language spoken · Recorded on").await?;
    app.screenshot("templates").await?;
    app.click_text(&format!("{DIALOG} .footer button"), "Close").await?;

    // Stored as defined: the generated keys, the choice's options, the term, required.
    let stored = app.script("return window.__TAURI_INTERNALS__.invoke('list_templates')").await?;
    let fields = &stored[0]["fields"];
    assert_eq!(fields[0]["key"], "language_spoken", "{stored}");
    assert_eq!(fields[0]["options"], serde_json::json!(["English", "Spanish", "Both"]));
    assert_eq!(fields[0]["term"], "dcterms:language");
    assert_eq!((fields[1]["key"].as_str(), fields[1]["required"].as_bool()), (Some("recorded_on"), Some(true)));

    // The demo's collection gives its items this template (the editor offers it first).
    app.click_text(".sidebar .row", "January 30, 2026").await?;
    app.choose(".collection-head select[name=collection-template]", "Oral history quote").await?;
    app.wait_js(
        "window.__TAURI_INTERNALS__.invoke('collection_template', { name: 'January 30, 2026 walkouts' }).then(t => window.__t = t) && window.__t === 'Oral history quote'",
        "the collection's template stored",
    )
    .await?;
    app.click_text(".sidebar .row", "All items").await?;

    use_template(&app, "Twin Cities belong to us", "Spanish").await?;
    app.screenshot("template-item").await?;
    use_template(&app, "ICE Out", "English").await?;

    // The choice field is a filter chip with its values and counts.
    app.search("").await?;
    app.wait_text(".list .count", "10 results").await?;
    app.click(".chips .chip.custom[data-field=language_spoken] .chip-main").await?;
    app.wait_text(".chips .menu", "Spanish").await?;
    app.screenshot("template-chip").await?;
    app.click_text(".chips .menu button", "Spanish").await?;
    app.wait_text(".list .count", "1 result").await?;
    app.wait_text(".list", "Twin Cities").await?;
    app.wait_text(".chips .chip.custom.active", "Spanish").await?;
    app.screenshot("template-filter").await?;
    app.click(".chips .chip.custom.active .chip-clear").await?;
    app.wait_text(".list .count", "10 results").await?;
    app.quit().await
}
