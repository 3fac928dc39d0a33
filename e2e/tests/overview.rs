//! The timeline and the map over the library, as a historian uses them: brush January 2026 on
//! the timeline and the list keeps only what overlaps it; click an event; click Minneapolis on
//! the map and the list keeps its items; place a place that had only a name, and take it back.

use walkout_e2e::App;

/// Adds a quote through the app's own command (typing quotes in is tested in `library`).
async fn add_quote(app: &App, text: &str, date: &str, place: &str) -> anyhow::Result<()> {
    let quote = serde_json::json!({
        "text": text, "speaker": null, "role": null, "context": null, "date": date, "place": place,
        "tags": [], "sensitivity": "public", "consent": "unknown", "source_item": null
    });
    app.script(&format!(
        "return window.__TAURI_INTERNALS__.invoke('add_quote', {{ quote: {quote} }}).then(() => true);"
    ))
    .await?;
    Ok(())
}

#[tokio::test]
async fn brushing_january_and_clicking_minneapolis_filter_the_library() -> anyhow::Result<()> {
    let app = App::start("overview").await?;
    app.wait_text(".list .count", "10 results").await?;
    // The demo record is all of 2026 and the 30th of January; two more quotes lie outside January.
    add_quote(&app, "We walked out again in March, louder", "2026-03-12", "Minneapolis, Minnesota").await?;
    add_quote(&app, "The first walkout was in November", "2025-11-14", "Iowa City, Iowa").await?;
    app.search("walkout was in November").await?;
    app.wait_text(".list .count", "1 result").await?;
    app.search("").await?;
    app.wait_text(".list .count", "12 results").await?;

    // The timeline: a bar per month, November 2025 to December 2026.
    app.click(".toolbar .overview-timeline").await?;
    app.find(".timeline .period[data-start=\"2026-01-01\"]").await?;
    assert_eq!(app.count(".timeline .period").await?, 14, "November 2025 to December 2026");
    app.wait_text(".timeline footer", "12 dated").await?;
    // The year-dated quotes are drawn as spanning every month, never as a January date.
    assert!(app.count(".timeline .period[data-start=\"2026-07-01\"] .bar.spanning").await? == 1);
    assert!(app.count(".timeline .period[data-start=\"2026-07-01\"] .bar.exact").await? == 0);
    app.screenshot("timeline").await?;

    // Brush January 2026 with the mouse.
    let january = app.find(".timeline .period[data-start=\"2026-01-01\"] .hit").await?;
    app.driver
        .action_chain()
        .move_to_element_center(&january)
        .click_and_hold()
        .move_by_offset(4, 0)
        .release()
        .perform()
        .await?;
    app.wait_text(".chips .chip.active", "2026-01 – 2026-01").await?;
    app.wait_text(".list .count", "10 results").await?;
    app.wait_gone(".list", "again in March").await?;
    app.wait_gone(".list", "in November").await?;
    app.screenshot("timeline-brushed").await?;

    // An event on the axis lists its items.
    app.click(".timeline .event[data-name=\"University of Minnesota rally\"] rect").await?;
    app.wait_text(".chips .chip.active", "University of Minnesota rally").await?;
    app.wait_text(".list .count", "1 result").await?;
    app.click(".toolbar .overview-timeline").await?;
    app.script("document.querySelectorAll('.chips .chip.active .chip-clear').forEach(b => b.click())").await?;
    app.wait_text(".list .count", "12 results").await?;

    // The map: each located place with its count; a click filters by the place.
    app.click(".toolbar .overview-map").await?;
    app.find(".map .marker[data-place=\"Minneapolis, Minnesota\"]").await?;
    app.wait_text(".map .marker[data-place=\"Minneapolis, Minnesota\"] .count", "3").await?;
    app.wait_text(".map .unlocated", "United States").await?;
    app.screenshot("map").await?;
    app.click(".map .marker[data-place=\"Minneapolis, Minnesota\"] circle").await?;
    app.wait_text(".chips .chip.active", "Minneapolis").await?;
    app.wait_text(".list .count", "3 results").await?;
    app.wait_text(".list", "again in March").await?;
    app.screenshot("map-minneapolis").await?;

    // A place known only by name is placed with a click on the map, and the click taken back.
    app.click(".map .unlocated .set").await?;
    app.wait_text(".map .placing", "United States").await?;
    let svg = app.find(".map svg.canvas").await?;
    app.driver.action_chain().move_to_element_center(&svg).click().perform().await?;
    app.wait_text(".map", "United States placed at").await?;
    app.find(".map .marker[data-place=\"United States\"]").await?;
    let places = app.script("return window.__TAURI_INTERNALS__.invoke('list_places')").await?;
    let us = places.as_array().unwrap().iter().find(|p| p["name"] == "United States").unwrap().clone();
    let (lat, lon) = (us["gps"]["lat"].as_f64().unwrap(), us["gps"]["lon"].as_f64().unwrap());
    assert!((25.0..50.0).contains(&lat) && (-125.0..-65.0).contains(&lon), "the middle of the US map: {us}");
    app.screenshot("map-placed").await?;
    app.click_text(".map .placed button", "Undo").await?;
    app.wait_gone(".map", "placed at").await?;
    app.wait_js("!document.querySelector('.map .marker[data-place=\"United States\"]')", "the place off the map again")
        .await?;
    app.quit().await
}
