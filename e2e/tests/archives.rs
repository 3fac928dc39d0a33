//! Archives: a new encrypted one, its photos, locking and unlocking it, a new passphrase, and
//! going back to a recent archive.

use walkout_e2e::{App, Key, repo_root};

const PASSPHRASE: &str = "correct horse battery staple";
const NEW_PASSPHRASE: &str = "walk out, stay in school";

async fn menu(app: &App, entry: &str) -> anyhow::Result<()> {
    app.click(".sidebar .brand-button").await?;
    app.click_text(".sidebar .archive-menu button", entry).await
}

async fn unlock(app: &App, passphrase: &str) -> anyhow::Result<()> {
    let field = app.type_into("#passphrase", passphrase).await?;
    field.send_keys(Key::Enter).await?;
    Ok(())
}

#[tokio::test]
async fn an_encrypted_archive_is_made_filled_locked_unlocked_and_rekeyed() -> anyhow::Result<()> {
    let app = App::start("archives").await?;
    let sealed = app.archive.parent().expect("a temp folder").join("Sealed archive");

    menu(&app, "New archive").await?;
    app.type_into("dialog[open] .path-row input", sealed.to_str().expect("UTF-8")).await?;
    app.click_text("dialog[open] label.check", "Encrypt with a passphrase").await?;
    app.type_into("#new-passphrase", PASSPHRASE).await?;
    app.type_into("#confirm-passphrase", "not the same").await?;
    app.wait_text("dialog[open] .error", "differ").await?;
    app.type_into("#confirm-passphrase", PASSPHRASE).await?;
    app.wait_gone("dialog[open] .error", "differ").await?;
    app.wait_text("dialog[open] .warning", "nobody can open this archive").await?;
    app.screenshot("new-encrypted-archive").await?;
    app.click("dialog[open] button[type=submit]").await?;

    // The new archive is open, empty, and says it is encrypted.
    app.wait_text(".sidebar .archive .name", "Sealed archive").await?;
    app.wait_text(".sidebar .archive .name", "Encrypted").await?;
    app.wait_sidebar_count("All items", "0").await?;

    // Its photos: thumbnails made in memory (an encrypted archive keeps none on disk).
    app.click(".toolbar .import > button").await?;
    let field = app.type_into("#import-path", repo_root().join("tests/data/photos").to_str().expect("UTF-8")).await?;
    field.send_keys(Key::Enter).await?;
    app.wait_text("dialog h2", "Import finished").await?;
    app.click_text("dialog button", "Done").await?;
    app.click_text(".sidebar .row", "Photos").await?;
    app.wait_js(
        "[...document.querySelectorAll('.tile img')].length === 10 && [...document.querySelectorAll('.tile img')].every(i => i.complete && i.naturalWidth > 0)",
        "ten thumbnails of the encrypted archive",
    )
    .await?;
    assert!(!sealed.join("thumbs").exists(), "an encrypted archive keeps no thumbnails on disk");

    // Locked: nothing of it shows; a wrong passphrase is told plainly.
    menu(&app, "Lock now").await?;
    app.wait_text(".unlock h1", "Sealed archive is locked").await?;
    assert_eq!(app.count(".sidebar").await?, 0, "nothing of a locked archive shows");
    unlock(&app, "wrong horse").await?;
    app.wait_text(".unlock .error", "does not open this archive").await?;
    app.screenshot("unlock").await?;
    unlock(&app, PASSPHRASE).await?;
    app.wait_sidebar_count("Photos", "10").await?;

    // A new passphrase: the old one no longer opens it.
    menu(&app, "Change passphrase").await?;
    app.type_into("#current-passphrase", PASSPHRASE).await?;
    app.type_into("#new-passphrase", NEW_PASSPHRASE).await?;
    app.type_into("#confirm-passphrase", NEW_PASSPHRASE).await?;
    app.click("dialog[open] button[type=submit]").await?;
    app.wait_text("dialog[open] .ok", "passphrase was changed").await?;
    app.click_text("dialog[open] button", "Done").await?;
    menu(&app, "Lock now").await?;
    unlock(&app, PASSPHRASE).await?;
    app.wait_text(".unlock .error", "does not open this archive").await?;
    unlock(&app, NEW_PASSPHRASE).await?;
    app.wait_sidebar_count("Photos", "10").await?;

    // Back to the demo archive from the recent list.
    menu(&app, "Walkout demo").await?;
    app.wait_text(".sidebar .archive .name", "Walkout demo").await?;
    app.wait_sidebar_count("All items", "10").await?;
    app.quit().await
}
