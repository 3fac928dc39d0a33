//! Working as a collective in the app: another school's archive (made with the `walkout`
//! command line from this one's bundle) rewords a quote the archivist also rewords here; the
//! school's bundle is previewed, merged, and its one conflict settled in the conflict view.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};
use walkout_e2e::{App, walkout_cli};

fn cli(archive: &Path, args: &[&str]) -> anyhow::Result<String> {
    let bin = walkout_cli();
    let out = Command::new(&bin)
        .arg("--archive")
        .arg(archive)
        .args(args)
        .output()
        .with_context(|| format!("running {} (cargo build --bin walkout)", bin.display()))?;
    // `merge` exits 3 when conflicts wait; the school's merges here have none.
    if !out.status.success() {
        bail!("walkout {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[tokio::test]
async fn a_bundle_with_one_conflict_is_previewed_merged_and_settled() -> anyhow::Result<()> {
    let app = App::start("bundles").await?;
    let work = tempfile::tempdir()?;
    app.search("Twin Cities").await?;
    app.click_text(".list [role=option]", "Twin Cities belong to us").await?;
    app.wait_text(".pane blockquote", "Twin Cities belong to us").await?;
    let id = app.find(".pane .head .id").await?.attr("title").await?.expect("the id");

    // South High takes this archive's bundle in, and rewords the quote.
    let ours = work.path().join("from-here");
    cli(&app.archive, &["share", ours.to_str().expect("UTF-8"), "--include-restricted"])?;
    let school = work.path().join("south");
    cli(&school, &["init"])?;
    cli(&school, &["user", "Ben (South High)"])?;
    cli(&school, &["merge", ours.to_str().expect("UTF-8")])?;
    cli(&school, &["edit", &id, "--set", "text=The Twin Cities belong to all of us"])?;
    let theirs = work.path().join("from-south");
    cli(&school, &["share", theirs.to_str().expect("UTF-8")])?;

    // Here, the archivist rewords it too.
    app.click_text(".pane .footer button", "Edit").await?;
    app.type_into(".pane textarea.words", "Twin Cities belong to us!").await?;
    app.click(".pane .footer button[type=submit]").await?;
    app.wait_text(".pane blockquote", "Twin Cities belong to us!").await?;

    // Preview: one change that conflicts, nothing added.
    app.click(".sidebar .bundles").await?;
    app.find("dialog.bundles[open]").await?;
    app.type_into("dialog.bundles input[name=bundle-path]", theirs.to_str().expect("UTF-8")).await?;
    app.click("dialog.bundles .footer .preview").await?;
    app.wait_text("dialog.bundles .report.preview", "A merge of the bundle from Ben (South High) would").await?;
    app.wait_text("dialog.bundles .report.preview [data-key=conflicts] dd", "1").await?;
    app.wait_text("dialog.bundles .report.preview [data-key=added] dd", "0").await?;
    app.screenshot("bundle-preview").await?;
    assert_eq!(app.stored_text(&id).await?, "Twin Cities belong to us!", "a preview changes nothing");

    // Merge: the conflict view opens on the one field both sides changed.
    app.click("dialog.bundles .footer .merge").await?;
    app.find("dialog.bundles .conflict[data-field=text]").await?;
    app.wait_text("dialog.bundles .conflict .ours .value", "Twin Cities belong to us!").await?;
    app.wait_text("dialog.bundles .conflict .theirs .value", "The Twin Cities belong to all of us").await?;
    app.wait_text("dialog.bundles .conflict .theirs .who", "Ben (South High)").await?;
    assert_eq!(app.count("dialog.bundles .conflict").await?, 1);
    app.wait_text("dialog.bundles .tab.conflicts .badge", "1").await?;
    app.screenshot("bundle-conflict").await?;
    assert_eq!(app.stored_text(&id).await?, "Twin Cities belong to us!", "a conflict keeps this archive's value");

    // Take theirs: the quote takes South High's words; no conflict is left.
    app.click("dialog.bundles .conflict .keep-theirs").await?;
    app.wait_text("dialog.bundles .conflicts .none", "No conflicts").await?;
    assert_eq!(app.stored_text(&id).await?, "The Twin Cities belong to all of us");
    app.screenshot("bundle-resolved").await?;
    app.click_text("dialog.bundles .footer button", "Close").await?;
    app.wait_text(".pane blockquote", "The Twin Cities belong to all of us").await?;
    app.quit().await
}
