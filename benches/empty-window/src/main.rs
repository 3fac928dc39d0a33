//! An empty Tauri window: one static page with a heading, the app's window size and the same
//! kind of strict CSP. `scripts/app_bench.sh` measures the desktop app's launch time and memory
//! against it in the same run, since most of either is WebKit's own.
//!
//! With `WALKOUT_REPORT_READY=1` it prints the same steps to stderr as the app does
//! (src-tauri/src/ready.rs): `walkout-empty-window: page-loaded <ms> ms`, then
//! `walkout-empty-window: interactive <ms> ms` when the page has painted and called `app_ready`.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::sync::OnceLock;
use std::time::Instant;

/// When the process started, if the start is to be reported.
static STARTED: OnceLock<Option<Instant>> = OnceLock::new();

fn report(step: &str) {
    if let Some(Some(started)) = STARTED.get() {
        eprintln!("walkout-empty-window: {step} {} ms", started.elapsed().as_millis());
    }
}

/// The page is on screen (called once, by the page).
#[tauri::command]
fn app_ready() {
    report("interactive");
}

fn main() {
    STARTED.get_or_init(|| std::env::var_os("WALKOUT_REPORT_READY").is_some_and(|v| v == "1").then(Instant::now));
    tauri::Builder::default()
        .on_page_load(|_, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                report("page-loaded");
            }
        })
        .invoke_handler(tauri::generate_handler![app_ready])
        .run(tauri::generate_context!())
        .expect("running the empty window");
}
