//! The same window in the dark theme (the library, the timeline, the map) and in Spanish.

use walkout_e2e::App;

#[tokio::test]
async fn the_library_in_the_dark_theme_and_in_spanish() -> anyhow::Result<()> {
    // GTK's dark theme is what WebKitGTK reports as prefers-color-scheme: dark.
    let app = App::start_with("looks", &[("GTK_THEME", "Adwaita:dark")]).await?;
    let dark = app.script("return window.matchMedia('(prefers-color-scheme: dark)').matches").await?;
    assert_eq!(dark, serde_json::json!(true), "the window follows the dark theme");
    app.type_into("#search", "walkout").await?;
    app.wait_text(".list .count", "for “walkout”").await?;
    app.click_text(".list [role=option]", "Twin Cities").await?;
    app.wait_text(".pane blockquote", "Twin Cities").await?;
    app.screenshot("search-dark").await?;

    // The timeline and the map in the dark theme.
    app.click(".toolbar .overview-timeline").await?;
    app.find(".timeline .period[data-start=\"2026-01-01\"]").await?;
    app.screenshot("timeline-dark").await?;
    app.click(".toolbar .overview-map").await?;
    app.find(".map .marker[data-place=\"Minneapolis, Minnesota\"]").await?;
    app.screenshot("map-dark").await?;
    app.click(".toolbar .overview-map").await?;

    app.click_text(".sidebar .languages button", "Español").await?;
    app.wait_text(".sidebar", "Citas").await?;
    app.wait_text(".list .count", "resultados").await?;
    app.wait_text(".pane", "Sensibilidad").await?;
    app.screenshot("search-dark-es").await?;
    app.quit().await
}
