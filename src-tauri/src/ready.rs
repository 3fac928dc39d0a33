//! Launch timing for `scripts/app_bench.sh`. With `WALKOUT_REPORT_READY=1` the shell prints a
//! line to stderr at each step of a start — the archive opened, the page loaded, the window
//! interactive (its first results painted: the UI calls `app_ready`) — with the milliseconds
//! since the process started. Without it, nothing is printed and nothing else happens.

use std::sync::OnceLock;
use std::time::Instant;

/// When the process started, if the start is to be reported.
static STARTED: OnceLock<Option<Instant>> = OnceLock::new();

/// Notes the start (call first thing in `main`).
pub fn start() {
    STARTED.get_or_init(|| std::env::var_os("WALKOUT_REPORT_READY").is_some_and(|v| v == "1").then(Instant::now));
}

/// Prints `walkout-app: <step> <ms> ms` when the start is reported.
pub fn report(step: &str) {
    if let Some(Some(started)) = STARTED.get() {
        eprintln!("walkout-app: {step} {} ms", started.elapsed().as_millis());
    }
}

/// Reports `step` the first time it is reached only (a command that runs again, such as a search).
pub fn report_once(step: &'static str) {
    static SEEN: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    if !matches!(STARTED.get(), Some(Some(_))) {
        return;
    }
    if let Ok(mut seen) = SEEN.lock()
        && !seen.contains(&step)
    {
        seen.push(step);
        report(step);
    }
}

/// The window shows its first results and answers input (called once, by the UI). `marks`
/// are the UI's own moments of the start on the page's clock, of which `now` is the present:
/// each is printed as a step `ui:<name>` at the process time it happened.
#[tauri::command]
pub fn app_ready(marks: Vec<(String, f64)>, now: f64) {
    let Some(Some(started)) = STARTED.get() else { return };
    let at = started.elapsed().as_secs_f64() * 1000.0;
    for (name, when) in marks {
        eprintln!("walkout-app: ui:{name} {:.0} ms", (at - (now - when)).max(0.0));
    }
    report("interactive");
}
