//! Reading an article and saving a passage of it as a quote.

use walkout_e2e::App;

const PASSAGE: &str = "tens of thousands of students walked out of their schools across the United States";

/// Selects `passage` in the reader's paragraph `n`, as a drag of the mouse would.
fn select(paragraph: usize, passage: &str) -> String {
    format!(
        r#"const p = document.querySelector('.reader p[data-paragraph="{paragraph}"]');
        const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {{
          const at = node.textContent.indexOf({passage:?});
          if (at < 0) continue;
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + {len});
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          return true;
        }}
        return false;"#,
        len = passage.encode_utf16().count()
    )
}

#[tokio::test]
async fn a_passage_of_an_article_is_saved_as_a_quote_that_cites_it() -> anyhow::Result<()> {
    let app = App::start("reader").await?;
    app.search("tens of thousands").await?;
    app.click_text(".list [role=option]", "Tens of thousands of students walk out").await?;
    app.click_text(".pane .footer button", "Read").await?;
    app.wait_text(".reader h1", "Tens of thousands of students walk out across the United States").await?;
    app.wait_text(".reader .info", "Select a passage").await?;

    // The body is the engine's clean text, paragraph by paragraph.
    app.wait_text(".reader p[data-paragraph='2']", "ICE Out!").await?;
    assert_eq!(app.script(&select(1, PASSAGE)).await?, serde_json::json!(true));
    app.wait_text(".reader .save-bar", "Save as quote").await?;
    app.screenshot("article-reader").await?;

    app.click(".reader .save-bar button.primary").await?;
    app.wait_text("dialog[open] h2", "Save passage as quote").await?;
    app.wait_text("dialog[open] .source", "paragraph 1").await?;
    let words = app.script("return document.querySelector('dialog[open] textarea.words').value").await?;
    assert_eq!(words, serde_json::json!(PASSAGE));
    // The passage starts from the article's date.
    let date = app.script("return document.querySelector('dialog[open] input.mono-input').value").await?;
    assert_eq!(date, serde_json::json!("2026-01-30"));
    app.click("dialog[open] button[type=submit]").await?;
    app.wait_js("!document.querySelector('dialog[open]')", "the dialog closed").await?;

    // The article now lists the quote and underlines the saved passage.
    app.wait_text(".reader .info h3", "QUOTES FROM THIS ARTICLE · 1").await?;
    app.wait_text(".reader .quote-card", "paragraph 1").await?;
    app.wait_text(".reader p[data-paragraph='1'] .saved", PASSAGE).await?;
    app.find(".reader p[data-paragraph='1'] .marker").await?;
    app.script("window.getSelection().removeAllRanges()").await?;
    app.screenshot("article-reader-saved").await?;

    // The quote cites its article, paragraph and all.
    app.click(".reader .quote-card").await?;
    app.wait_text(".pane blockquote", PASSAGE).await?;
    app.wait_text(".pane .source-card", "Tens of thousands of students walk out").await?;
    app.wait_text(".pane .source-card", "paragraph 1").await?;
    app.wait_sidebar_count("Quotes", "4").await?;
    app.quit().await
}
