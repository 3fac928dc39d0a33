//! Protecting people in the window: a person's flags and consent records, why an item is
//! restricted, the reading room (PIN in, PIN out), and covering areas of a photo.

use walkout_e2e::{App, Key, repo_root};

/// Waits until the element matching `css` has `attribute` = `value`.
async fn wait_attr(app: &App, css: &str, attribute: &str, value: &str) -> anyhow::Result<()> {
    let condition = format!("document.querySelector({css:?})?.getAttribute({attribute:?}) === {value:?}");
    app.wait_js(&condition, &format!("{css} has {attribute}={value}")).await
}

/// Sets the value of the input matching `css` as an input event does (WebKitWebDriver refuses
/// to type into some fields of the consent form: "not interactable").
async fn fill(app: &App, css: &str, value: &str) -> anyhow::Result<()> {
    app.find(css).await?;
    app.script(&format!(
        "const e = document.querySelector({css:?}); e.value = {value:?}; e.dispatchEvent(new Event('input', {{bubbles: true}}));"
    ))
    .await?;
    Ok(())
}

/// Opens Browse → People and a person's protection panel.
async fn open_person(app: &App, name: &str) -> anyhow::Result<()> {
    app.click_text(".sidebar .row", "People").await?;
    app.click_text(".list li button", name).await?;
    app.wait_text(".person-panel .name", name).await?;
    Ok(())
}

/// Searches and opens the hit that shows `title` (for a quote, its speaker names it best: an
/// article may quote the same words).
async fn open_hit(app: &App, query: &str, title: &str) -> anyhow::Result<()> {
    app.click_text(".sidebar .row", "All items").await?;
    app.search(query).await?;
    app.click_text(".list [role=option]", title).await?;
    Ok(())
}

/// Calls a command as a visitor with a web inspector would; its error code, or "ok".
async fn invoke(app: &App, command: &str, args: &str) -> anyhow::Result<String> {
    let js = format!(
        "return window.__TAURI_INTERNALS__.invoke({command:?}, {args}).then(() => 'ok', e => e?.code ?? String(e));"
    );
    Ok(app.script(&js).await?.as_str().unwrap_or_default().to_string())
}

/// In the reading room (PIN 2468): no archive or chooser opens, and entering again with a
/// PIN of one's own changes nothing.
async fn no_way_out(app: &App) -> anyhow::Result<()> {
    // Ctrl+O opens nothing; Ctrl+K after it shows that the window has handled the keys.
    app.press(Key::Control + "o").await?;
    app.press(Key::Control + "n").await?;
    app.press(Key::Control + "k").await?;
    app.wait_js("document.activeElement?.id === 'search'", "Ctrl+K after Ctrl+O was handled").await?;
    assert_eq!(app.count("dialog[open]").await?, 0, "Ctrl+O and Ctrl+N open no dialog in the reading room");
    app.screenshot("privacy-reading-room-ctrl-o").await?;
    // Nor can the window open a chooser or another archive behind the UI's back.
    let chooser = invoke(app, "choose_paths", "{ chooser: 'folder', title: 'x', defaultPath: null }").await?;
    assert_eq!(chooser, "reading_room");
    let plugin = invoke(app, "plugin:dialog|open", "{ options: { directory: true } }").await?;
    assert_ne!(plugin, "ok", "the dialog plugin's own chooser is not reachable");
    let other = invoke(app, "open_archive", &format!("{{ path: {:?} }}", app.archive.display().to_string())).await?;
    assert_eq!(other, "reading_room");
    // Nor read a person's flags and consents, or the names spotted in a photo, by hand.
    assert_eq!(invoke(app, "person_privacy", "{ name: 'Ana' }").await?, "reading_room");
    assert_eq!(invoke(app, "ocr_redaction_suggestions", "{ id: '0' }").await?, "reading_room");
    // Entering again with a PIN of one's own (and leaving with it) is refused.
    assert_eq!(invoke(app, "enter_reading_room", "{ pin: '1111', current: null }").await?, "reading_room");
    assert_eq!(invoke(app, "enter_reading_room", "{ pin: '1111' }").await?, "reading_room");
    assert_eq!(invoke(app, "leave_reading_room", "{ pin: '1111' }").await?, "wrong_pin");
    Ok(())
}

#[tokio::test]
async fn a_minor_is_restricted_everywhere_and_the_reading_room_hides_them() -> anyhow::Result<()> {
    let mut app = App::start("privacy-minor").await?;

    // Mark a demo speaker as a minor in their protection panel.
    open_person(&app, "A Seattle student").await?;
    wait_attr(&app, ".person-panel .switch[data-flag=minor]", "aria-checked", "false").await?;
    app.click(".person-panel .switch[data-flag=minor]").await?;
    wait_attr(&app, ".person-panel .switch[data-flag=minor]", "aria-checked", "true").await?;
    app.wait_text(".person-panel .notice", "re-rated").await?;
    app.type_into(".person-panel input.pseudonym", "a student in Seattle").await?.send_keys(Key::Tab).await?;
    app.wait_js(
        "document.querySelector('.person-panel input.pseudonym').value === 'a student in Seattle'",
        "the pseudonym field",
    )
    .await?;
    app.screenshot("privacy-person").await?;

    // Their quote is restricted at once: in the list and in the detail pane, with the reason.
    open_hit(&app, "intimidation", "threat and the fear").await?;
    app.wait_text(".list [role=option]", "Restricted").await?;
    let privacy = app.wait_text(".pane .item-privacy", "quotes a minor").await?;
    assert!(privacy.contains("Restricted"), "the chip shows the effective sensitivity: {privacy:?}");
    assert!(privacy.contains("A Seattle student"), "the people in it are named: {privacy:?}");
    app.wait_text(".pane .item-privacy .people", "Minor").await?;
    app.screenshot("privacy-item").await?;

    // The reading room: choosing a PIN turns it on.
    let search = app.type_into("#search", "x").await?;
    search.send_keys(Key::Backspace).await?;
    app.wait_text(".list .count", "10 results").await?;
    app.wait_sidebar_count("All items", "10").await?;
    app.wait_sidebar_count("Quotes", "3").await?;
    app.click(".sidebar .reading-room .switch").await?;
    app.wait_text(".rr-dialog h2", "Turn on the reading room").await?;
    // On a plain archive the dialog says what the room does not guard.
    app.wait_text(".rr-dialog .warn", "guards this window, not the archive’s folder").await?;
    app.type_into("#rr-pin", "2468").await?;
    app.type_into("#rr-pin-again", "2468").await?;
    app.screenshot("privacy-reading-room-enter").await?;
    app.click(".rr-dialog button[type=submit]").await?;
    wait_attr(&app, ".sidebar .reading-room .switch", "aria-checked", "true").await?;
    assert_eq!(app.count(".person-panel").await?, 0, "no person panel stays open in the reading room");
    // The sidebar counts only what the room shows: the minor's quote is not counted.
    app.wait_sidebar_count("All items", "9").await?;
    app.wait_sidebar_count("Quotes", "2").await?;

    // The restricted quote vanishes from the list, the counts per kind, and the search.
    let count = app.wait_text(".list .count", "9 results").await?;
    assert!(count.contains("2 quotes"), "the kind counts leave it out: {count:?}");
    app.wait_gone(".list [role=option]", "threat and the fear").await?;
    app.type_into("#search", "intimidation").await?;
    app.wait_text(".list .count", "0 results").await?;
    app.wait_gone(".list [role=option]", "threat and the fear").await?;
    app.wait_gone(".pane", "threat and the fear").await?;
    app.screenshot("privacy-reading-room-search").await?;

    // A speaker who gave no name consent is shown as an export shows them: by the archive's
    // pseudonym, in the list and in the pane, never by the name the archive holds.
    app.search("ICE Out").await?;
    app.wait_text(".list [role=option]", "students joining the national walkout").await?;
    app.wait_gone(".list [role=option]", "Student protesters").await?;
    app.click_text(".list [role=option]", "students joining the national walkout").await?;
    app.wait_text(".pane", "students joining the national walkout").await?;
    app.wait_gone(".pane", "Student protesters").await?;
    app.screenshot("privacy-reading-room-pseudonym").await?;

    // Browse → People names nobody whom only restricted items mention, and nobody an export
    // would not name (the demo's speakers are described, not named).
    app.click_text(".sidebar .row", "People").await?;
    app.wait_gone(".list li button", "Students at the University of Minnesota").await?;
    app.wait_gone(".list li button", "A Seattle student").await?;
    assert_eq!(app.count(".person-panel").await?, 0, "their panel, open before, is closed");
    app.screenshot("privacy-reading-room-people").await?;

    // Quitting the app and starting it again does not leave the room.
    app.relaunch().await?;
    wait_attr(&app, ".sidebar .reading-room .switch", "aria-checked", "true").await?;
    app.wait_sidebar_count("All items", "9").await?;
    app.wait_text(".list .count", "9 results").await?;
    app.search("ICE Out").await?;
    app.wait_text(".list [role=option]", "students joining the national walkout").await?;
    app.wait_gone(".list [role=option]", "Student protesters").await?;

    // Leaving asks for the PIN; a wrong one is refused in plain words.
    app.click(".sidebar .reading-room .switch").await?;
    app.wait_text(".rr-dialog h2", "Leave the reading room").await?;
    app.type_into("#rr-pin", "1357").await?;
    app.click(".rr-dialog button[type=submit]").await?;
    app.wait_text(".rr-dialog .error", "That PIN is not right").await?;
    wait_attr(&app, ".sidebar .reading-room .switch", "aria-checked", "true").await?;
    app.screenshot("privacy-wrong-pin").await?;
    // Three wrong tries are free; then each further one waits, even the right PIN.
    // Each try is answered (the field emptied, the button free again) before the next is typed.
    let answered = "document.querySelector('#rr-pin')?.value === '' && !document.querySelector('.rr-dialog button[type=submit]')?.disabled";
    for guess in ["1111", "9999"] {
        app.wait_js(answered, "the last try answered").await?;
        app.type_into("#rr-pin", guess).await?;
        app.click(".rr-dialog button[type=submit]").await?;
    }
    app.wait_text(".rr-dialog .wait", "Too many wrong tries. Wait").await?;
    app.wait_js("document.querySelector('.rr-dialog button[type=submit]').disabled", "Leave waits").await?;
    app.screenshot("privacy-pin-throttled").await?;
    let early = app
        .script("return window.__TAURI_INTERNALS__.invoke('leave_reading_room', { pin: '2468' }).then(() => 'left', e => e.code);")
        .await?;
    assert_eq!(early, "too_many_tries", "the shell does not hear a PIN while the wait runs");
    app.wait_gone(".rr-dialog .wait", "Wait").await?;
    app.type_into("#rr-pin", "2468").await?;
    app.click(".rr-dialog button[type=submit]").await?;
    wait_attr(&app, ".sidebar .reading-room .switch", "aria-checked", "false").await?;
    // Out of the room, the archivist's People names everyone again.
    app.click_text(".sidebar .row", "People").await?;
    app.wait_text(".list li button", "A Seattle student").await?;
    app.quit().await
}

#[tokio::test]
async fn consent_records_are_added_and_withheld() -> anyhow::Result<()> {
    let app = App::start("privacy-consent").await?;
    open_person(&app, "Student protesters").await?;

    // A grant of their words, with date, note and expiry.
    app.click(".person-panel .add-record").await?;
    app.choose(".person-panel select[name=scope]", "quote").await?;
    app.choose(".person-panel select[name=status]", "granted").await?;
    fill(&app, ".person-panel input[name=date]", "2026-01-30").await?;
    fill(&app, ".person-panel input[name=note]", "Asked at the rally, recorded by M.").await?;
    fill(&app, ".person-panel input[name=expires]", "2027-06-30").await?;
    app.click(".person-panel form.add button[type=submit]").await?;
    let row = app.wait_text(".person-panel tr[data-scope=quote]", "Granted").await?;
    assert!(row.contains("2026-01-30") && row.contains("2027-06-30"), "date and expiry: {row:?}");
    assert!(row.contains("Asked at the rally"), "the note: {row:?}");
    open_hit(&app, "ICE Out", "Student protesters").await?;
    app.wait_text(".pane .item-privacy .people", "Quote: Granted").await?;

    // Withholding it takes effect on their quote at once.
    open_person(&app, "Student protesters").await?;
    app.click(".person-panel tr[data-scope=quote] .withhold").await?;
    app.wait_text(".person-panel tr[data-scope=quote]", "Withheld").await?;
    app.wait_text(".person-panel .history", "Withheld").await?;
    app.screenshot("privacy-consent").await?;
    open_hit(&app, "ICE Out", "Student protesters").await?;
    app.wait_text(".list [role=option]", "Restricted").await?;
    let privacy = app.wait_text(".pane .item-privacy", "withheld consent").await?;
    assert!(privacy.contains("Quote: Withheld"), "{privacy:?}");

    // The item's own sensitivity is editable: private wins over everything.
    app.choose(".pane #own-sensitivity", "private").await?;
    app.wait_text(".pane .item-privacy", "is marked private").await?;
    app.wait_text(".list [role=option]", "Private").await?;
    app.screenshot("privacy-item-private").await?;
    app.quit().await
}

#[tokio::test]
async fn areas_of_a_photo_are_covered_and_burned_into_the_export() -> anyhow::Result<()> {
    let app = App::start("privacy-redaction").await?;
    let photos = repo_root().join("tests/data/photos");
    app.click(".toolbar .import > button").await?;
    let field = app.type_into("#import-path", photos.to_str().expect("a UTF-8 path")).await?;
    field.send_keys(Key::Enter).await?;
    app.wait_text("dialog h2", "Import finished").await?;
    app.click_text("dialog button", "Done").await?;
    app.wait_sidebar_count("Photos", "10").await?;

    // A photo with EXIF orientation 6: the boxes live in the upright image's coordinates.
    app.click_text(".sidebar .row", "Photos").await?;
    app.click(".tile[aria-label=\"landscape_6.jpg\"]").await?;
    app.wait_text(".pane", "landscape_6").await?;
    app.screenshot("privacy-redaction-photo").await?;
    let image = app.find(".pane .redaction .frame img").await?;
    app.wait_js("document.querySelector('.pane .redaction .frame img')?.naturalWidth > 0", "the preview loaded")
        .await?;
    app.click(".pane .redaction .draw").await?;
    wait_attr(&app, ".pane .redaction .draw", "aria-pressed", "true").await?;

    // Drag a box with the mouse, as a person does.
    app.driver
        .action_chain()
        .move_to_element_with_offset(&image, -60, -30)
        .click_and_hold()
        .move_by_offset(40, 20)
        .move_by_offset(50, 30)
        .release()
        .perform()
        .await?;
    app.wait_text(".pane .redaction .title", "1 area covered").await?;
    assert_eq!(app.count(".pane .redaction .frame .box").await?, 1);
    app.type_into(".pane .redaction .boxes input", "face").await?.send_keys(Key::Tab).await?;

    // Stored on the item, as fractions of the upright image.
    // The label is saved as the field loses focus: wait for the save to land.
    let id = app.find(".pane .head .id").await?.attr("title").await?.expect("the id");
    let read =
        format!("return window.__TAURI_INTERNALS__.invoke('get_item', {{ id: {id:?} }}).then(i => i.redactions);");
    let deadline = std::time::Instant::now() + walkout_e2e::WAIT;
    let stored = loop {
        let stored = app.script(&read).await?;
        if stored[0]["label"] == "face" || std::time::Instant::now() > deadline {
            break stored;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let boxes = stored.as_array().expect("a list of boxes");
    assert_eq!(boxes.len(), 1, "{stored}");
    let b = &boxes[0];
    let (x, y, w, h) =
        (b["x"].as_f64().unwrap(), b["y"].as_f64().unwrap(), b["w"].as_f64().unwrap(), b["h"].as_f64().unwrap());
    assert!(w > 0.05 && h > 0.05 && x >= 0.0 && y >= 0.0 && x + w <= 1.0 && y + h <= 1.0, "{stored}");
    assert_eq!(b["label"], "face", "{stored}");
    app.click(".pane .redaction .draw").await?;
    app.screenshot("privacy-redaction-draw").await?;

    // The export preview is the engine's burned-in image: solid near-black inside the box.
    app.click(".pane .redaction .export").await?;
    app.wait_js("document.querySelector('.pane .redaction img.exported')?.naturalWidth > 0", "the export preview")
        .await?;
    let pixel = app
        .script(&format!(
            "const img = document.querySelector('.pane .redaction img.exported');
             const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
             const g = c.getContext('2d'); g.drawImage(img, 0, 0);
             return Array.from(g.getImageData(Math.floor(img.naturalWidth * {cx}), Math.floor(img.naturalHeight * {cy}), 1, 1).data);",
            cx = x + w / 2.0,
            cy = y + h / 2.0
        ))
        .await?;
    let rgb: Vec<u64> = pixel.as_array().expect("rgba").iter().take(3).map(|v| v.as_u64().unwrap()).collect();
    assert!(rgb.iter().all(|&c| c < 40), "the box is burned in as a solid dark fill: {rgb:?}");
    app.screenshot("privacy-redaction-export").await?;

    app.click(".pane .redaction .export").await?;
    // The camera photo with GPS (DSCN0010.jpg), which the archivist sees with its coordinates.
    let gps_photo = app
        .script(
            "return window.__TAURI_INTERNALS__.invoke('search', { request: { query: 'DSCN0010', limit: 1 } }).then(r => r.hits[0].id);",
        )
        .await?;
    let gps_photo = gps_photo.as_str().expect("the photo's id").to_string();
    let full = app
        .script(&format!(
            "return window.__TAURI_INTERNALS__.invoke('get_item', {{ id: {gps_photo:?} }}).then(i => !!i.gps && !!i.camera);"
        ))
        .await?;
    assert_eq!(full, serde_json::json!(true), "outside the room the archivist sees GPS and camera");

    // In the reading room the photo is shown as exports show it, the box burned in, nothing
    // to draw, and the grid's thumbnails come from the room's own addresses.
    app.click(".sidebar .reading-room .switch").await?;
    app.type_into("#rr-pin", "2468").await?;
    app.type_into("#rr-pin-again", "2468").await?;
    app.click(".rr-dialog button[type=submit]").await?;
    wait_attr(&app, ".sidebar .reading-room .switch", "aria-checked", "true").await?;
    app.wait_js(
        "document.querySelector('.pane .redaction .frame img[data-burned=true]')?.complete && !document.querySelector('.pane .redaction .draw')",
        "the reading room's preview, without the drawing tools",
    )
    .await?;
    let pixel = app
        .script(&format!(
            "const img = document.querySelector('.pane .redaction .frame img[data-burned=true]');
             const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
             const g = c.getContext('2d'); g.drawImage(img, 0, 0);
             return Array.from(g.getImageData(Math.floor(img.naturalWidth * {cx}), Math.floor(img.naturalHeight * {cy}), 1, 1).data);",
            cx = x + w / 2.0,
            cy = y + h / 2.0
        ))
        .await?;
    let rgb: Vec<u64> = pixel.as_array().expect("rgba").iter().take(3).map(|v| v.as_u64().unwrap()).collect();
    assert!(rgb.iter().all(|&c| c < 40), "the reading room shows the box burned in: {rgb:?}");
    app.wait_js(
        "[...document.querySelectorAll('.tile img')].length > 0 && [...document.querySelectorAll('.tile img')].every(i => i.src.endsWith('?room'))",
        "the grid's thumbnails are the room's",
    )
    .await?;
    app.screenshot("privacy-reading-room-photo").await?;
    // A photo with GPS reaches the window as a public export shows it: no coordinates, camera,
    // time or file name, and the pane shows none of them.
    let shown = app
        .script(&format!(
            "return window.__TAURI_INTERNALS__.invoke('get_item', {{ id: {gps_photo:?} }}).then(i => [i.gps, i.camera, i.taken_at, i.file_name, i.title]);"
        ))
        .await?;
    assert_eq!(shown, serde_json::json!([null, null, null, null, "Untitled photograph"]), "{shown}");
    app.wait_gone(".pane", "landscape_6").await?;
    assert_eq!(app.count(".pane .gps").await?, 0, "no coordinates in the pane");
    no_way_out(&app).await?;
    app.click(".sidebar .reading-room .switch").await?;
    app.type_into("#rr-pin", "2468").await?;
    app.click(".rr-dialog button[type=submit]").await?;
    wait_attr(&app, ".sidebar .reading-room .switch", "aria-checked", "false").await?;
    app.wait_js("!!document.querySelector('.pane .redaction .draw')", "the drawing tools are back").await?;

    // Removing the box stores that too.
    app.click(".pane .redaction .boxes .remove").await?;
    app.wait_text(".pane .redaction .title", "0 areas covered").await?;
    assert_eq!(app.count(".pane .redaction .frame .box").await?, 0);
    app.quit().await
}
