//! Importing photos into the demo archive, and the photos grid and viewer.

use walkout_e2e::{App, Key, repo_root};

/// Imports tests/data/photos through the Import menu's path field; waits for the report.
async fn import_test_photos(app: &App) -> anyhow::Result<()> {
    let photos = repo_root().join("tests/data/photos");
    // The Import menu takes a typed path as well as the file dialogs (which a test cannot drive).
    app.click(".toolbar .import > button").await?;
    let field = app.type_into("#import-path", photos.to_str().expect("a UTF-8 path")).await?;
    field.send_keys(Key::Enter).await?;
    app.wait_text("dialog h2", "Import finished").await?;
    Ok(())
}

#[tokio::test]
async fn photos_are_imported_from_a_typed_path() -> anyhow::Result<()> {
    let app = App::start("import").await?;
    import_test_photos(&app).await?;
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

/// Whether the grid tile of `title` shows a loaded thumbnail wider (or taller) than high.
fn tile_is(title: &str, landscape: bool) -> String {
    let cmp = if landscape { ">" } else { "<" };
    format!(
        "(() => {{ const img = document.querySelector('.tile[aria-label=\"{title}\"] img'); return img && img.complete && img.naturalWidth {cmp} img.naturalHeight; }})()"
    )
}

#[tokio::test]
async fn the_photos_grid_shows_upright_thumbnails_and_the_viewer_the_camera_data() -> anyhow::Result<()> {
    let app = App::start("photos").await?;
    import_test_photos(&app).await?;
    app.click_text("dialog button", "Done").await?;

    app.click_text(".sidebar .row", "Photos").await?;
    app.wait_text(".list .head .count", "10 photos").await?;
    // Grouped by date (newest first): the two Nikon photos of 2008-10-22 share a group.
    app.wait_text(".group h3", "2008-10-22").await?;
    let group = app.wait_text(".group h3", "2008-10-22").await?;
    assert!(group.contains("2 photos"), "{group:?}");
    app.wait_text(".group h3", "No date").await?;
    // Every tile shows its thumbnail, turned upright by its EXIF orientation.
    app.wait_js(
        "[...document.querySelectorAll('.tile img')].length === 10 && [...document.querySelectorAll('.tile img')].every(i => i.complete && i.naturalWidth > 0)",
        "all ten thumbnails loaded",
    )
    .await?;
    app.wait_js(
        &tile_is("landscape_6.jpg", true),
        "landscape_6.jpg (stored on its side, orientation 6) is shown landscape",
    )
    .await?;
    app.wait_js(&tile_is("portrait_8.jpg", false), "portrait_8.jpg (orientation 8) is shown portrait").await?;

    // The viewer: an upright preview and the camera data, GPS with its export warning.
    app.click(".tile[aria-label=\"DSCN0010.jpg\"]").await?;
    app.wait_js(
        "(() => { const img = document.querySelector('.pane .preview img'); return img && img.complete && img.naturalWidth > 320; })()",
        "the preview (larger than the grid thumbnail) loaded",
    )
    .await?;
    app.wait_text(".pane .exif", "NIKON COOLPIX P6000").await?;
    app.wait_text(".pane .exif", "2008-10-22 16:28:39").await?;
    app.wait_text(".pane .exif", "43.46745 N 11.88513 E").await?;
    app.wait_text(".pane .exif", "stripped on export").await?;
    app.screenshot("photos-grid").await?;

    // The same photos as a list, each row with its thumbnail.
    app.click(".toolbar .layout button[aria-pressed=false]").await?;
    app.wait_js("document.querySelectorAll('.list .row .thumb').length > 0", "list rows with thumbnails").await?;
    app.wait_js(
        "[...document.querySelectorAll('.list .row .thumb')].every(i => i.complete && i.naturalWidth > 0)",
        "list thumbnails loaded",
    )
    .await?;
    app.screenshot("photos-list").await?;
    app.quit().await
}
