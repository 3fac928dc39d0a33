//! Words in photos: imported photos are read in the background, a word that is only on a sign
//! finds its photo, and the pane boxes the word where the sign shows it.

use std::time::{Duration, Instant};

use walkout_e2e::{App, Key, repo_root};

/// Polls `condition` (a JavaScript expression) for up to `seconds`: reading photos in the
/// background takes longer than a click's answer.
async fn wait_long(app: &App, condition: &str, what: &str, seconds: u64) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        if app.script(&format!("return !!({condition})")).await? == serde_json::json!(true) {
            return Ok(());
        }
        if Instant::now() > deadline {
            anyhow::bail!("{what}: not after {seconds} s");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test]
async fn a_word_only_on_a_sign_finds_the_photo_and_is_boxed_on_it() -> anyhow::Result<()> {
    let app = App::start("ocr").await?;
    let pictures = repo_root().join("tests/data/ocr");
    app.click(".toolbar .import > button").await?;
    let field = app.type_into("#import-path", pictures.to_str().expect("a UTF-8 path")).await?;
    field.send_keys(Key::Enter).await?;
    app.wait_text("dialog h2", "Import finished").await?;
    app.click_text("dialog button", "Done").await?;

    // The words are read in the background while the window goes on; the search typed now
    // finds the signs once they are read (the list refreshes when the reading ends).
    app.search("deportation").await?;
    wait_long(&app, "document.querySelector('.list [role=option] .where')", "a hit in the text of a photo", 120)
        .await?;
    app.wait_text(".list [role=option] .where", "Text in the photo").await?;
    // The sign, upright and turned on its side, found by the words on it (the demo's own
    // items that say "deportation" are found as before).
    wait_long(&app, "document.querySelectorAll('.list [role=option] .where').length === 2", "both signs", 20).await?;
    app.wait_text(".list [role=option] mark", "DEPORTATION").await?;

    // The pane shows the photo with the word boxed where it is, and the text read beside it.
    app.click_text(".list [role=option]", "sign.png").await?;
    wait_long(&app, "document.querySelector(\".pane .word-hit[data-word='DEPORTATION']\")", "the word boxed", 20)
        .await?;
    app.wait_text(".pane .ocr-text", "EDUCATION NOT").await?;
    // The box sits inside the photo, across the middle, wider than high (the sign's line).
    let shape = app
        .script(
            "const b = document.querySelector(\".pane .word-hit[data-word='DEPORTATION']\").getBoundingClientRect();
             const f = document.querySelector('.pane .frame img').getBoundingClientRect();
             return b.width > 2 * b.height && b.left >= f.left && b.right <= f.right && b.top > f.top && b.bottom < f.bottom;",
        )
        .await?;
    assert_eq!(shape, serde_json::json!(true));
    app.screenshot("ocr-sign-found").await?;

    // An archivist corrects the text read; search reads the correction.
    app.click_text(".pane .footer button", "Edit").await?;
    app.type_into(".pane textarea[name=ocr_text]", "EDUCATION NOT\nDEPORTATION — Roosevelt High").await?;
    app.click(".pane .footer button[type=submit]").await?;
    app.wait_text(".pane .ocr-text", "Roosevelt High").await?;
    app.search("roosevelt high sign").await?;
    app.wait_text(".list [role=option]", "sign.png").await?;
    app.quit().await
}
