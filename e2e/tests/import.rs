//! Importing photos into the demo archive.

use walkout_e2e::{App, Key, repo_root};

#[tokio::test]
async fn photos_are_imported_from_a_typed_path() -> anyhow::Result<()> {
    let app = App::start("import").await?;
    let photos = repo_root().join("tests/data/photos");

    // The Import menu takes a typed path as well as the file dialogs (which a test cannot drive).
    app.click(".toolbar .import > button").await?;
    let field = app.type_into("#import-path", photos.to_str().expect("a UTF-8 path")).await?;
    field.send_keys(Key::Enter).await?;

    app.wait_text("dialog h2", "Import finished").await?;
    let headline = app.wait_text("dialog h3", "Added").await?;
    assert!(headline.contains("11 items"), "ten photos and the licence notes: {headline:?}");
    // The failures are named with their reason; the rest of the import carried on.
    app.wait_text("dialog .failures", "truncated_jpeg.jpg").await?;
    app.wait_text("dialog .failures", "cut short").await?;
    app.wait_text("dialog .failures-head", "carried on").await?;
    app.screenshot("import").await?;

    app.click_text("dialog button", "Done").await?;
    app.wait_sidebar_count("Photos", "10").await?;
    app.quit().await
}
