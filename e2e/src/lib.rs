//! The harness of Walkout Archive's end-to-end tests: each test gets its own virtual display
//! (Xvfb), its own tauri-driver (which starts WebKitWebDriver) on free ports, and the real app
//! binary on a fresh demo archive in a temporary folder, then talks WebDriver to the window.
//!
//! - `WALKOUT_APP_BIN`: the app binary (required; `scripts/test.sh` builds it and sets it).
//! - `TAURI_DRIVER`: the tauri-driver binary (default: `tauri-driver` on PATH).
//! - `WALKOUT_SCREENSHOTS`: where screenshots go (default: `<target>/screenshots`).
//!
//! Screenshots are taken from the display with ImageMagick's `import`, not through WebDriver:
//! WebKitGTK's WebDriver screenshot can return a stale frame. Whatever happens, the harness
//! stops what it started: tauri-driver with SIGTERM (never SIGKILL, which would leave
//! WebKitWebDriver holding its port), then Xvfb.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::json;
use thirtyfour::prelude::*;

pub use thirtyfour;
pub use thirtyfour::prelude::{By, Key, WebElement};

/// How long a wait for the window's state lasts before the test fails.
pub const WAIT: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(100);
/// The window size the design is made for (and the smallest it supports).
const SCREEN: &str = "1280x800x24";

/// One app at a time: two windows would share two cores and slow each other into timeouts.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The folder of this repository.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("e2e/ has a parent").to_path_buf()
}

/// The cargo target folder: the test binary runs from `<target>/<profile>/deps/`.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    exe.ancestors().nth(3).map(Path::to_path_buf).unwrap_or_else(|| repo_root().join("target"))
}

/// The `walkout` command line built beside the tests (`cargo build --bin walkout`), for a test
/// that prepares another archive as a second school would.
pub fn walkout_cli() -> PathBuf {
    std::env::var_os("WALKOUT_BIN").map(PathBuf::from).unwrap_or_else(|| target_dir().join("debug").join("walkout"))
}

/// Where screenshots are saved.
pub fn screenshot_dir() -> PathBuf {
    std::env::var_os("WALKOUT_SCREENSHOTS").map(PathBuf::from).unwrap_or_else(|| target_dir().join("screenshots"))
}

/// A running app under test, with the processes and folders it needs.
pub struct App {
    /// The WebDriver session; quit (which closes the window) before the processes stop.
    pub driver: WebDriver,
    /// The archive folder the app opened.
    pub archive: PathBuf,
    /// The X display the window is on (`:N`).
    pub display: String,
    name: String,
    /// Where tauri-driver listens, and the app it starts (for `relaunch`).
    driver_url: String,
    app_bin: PathBuf,
    /// Screenshots taken, which picks each paint marker's colour.
    shots: AtomicU32,
    // Dropped after the driver: stops tauri-driver, then Xvfb, then removes the folders.
    _processes: Processes,
    _temp: tempfile::TempDir,
    _serial: tokio::sync::MutexGuard<'static, ()>,
}

impl App {
    /// Starts the app on a fresh demo archive. `name` names the logs and screenshots.
    pub async fn start(name: &str) -> Result<App> {
        App::start_with(name, &[]).await
    }

    /// Starts the app with extra environment for its process (`GTK_THEME`, …).
    ///
    /// A start that fails (WebKitWebDriver has been seen to drop the connection that creates
    /// the session, once in many hundred starts) is tried once more from scratch: a new
    /// display, driver and archive. Both errors are reported when the second fails too.
    pub async fn start_with(name: &str, env: &[(&str, &str)]) -> Result<App> {
        let serial = ONE_AT_A_TIME.lock().await;
        let launched = twice("start the app from scratch", || Launched::new(name, env)).await?;
        let Launched { driver, archive, display, driver_url, app_bin, processes, temp } = launched;
        let app = App {
            driver,
            archive,
            display,
            name: name.to_string(),
            driver_url,
            app_bin,
            shots: AtomicU32::new(0),
            _processes: processes,
            _temp: temp,
            _serial: serial,
        };
        // The window is ready when it shows which archive is open (and so has its first data).
        app.find(".sidebar .archive .name").await.context("the window did not show the open archive")?;
        Ok(app)
    }

    /// Quits the app and starts it again on the same archive, as a person closing the window
    /// and opening the app again does.
    pub async fn relaunch(&mut self) -> Result<()> {
        self.driver.clone().quit().await?;
        self.driver = twice("start the app again", || session(&self.driver_url, &self.app_bin, &self.archive)).await?;
        self.find(".sidebar .archive .name").await.context("the relaunched window did not show the open archive")?;
        Ok(())
    }

    /// Ends the session (closing the window); the processes stop when `self` drops.
    pub async fn quit(self) -> Result<()> {
        self.driver.clone().quit().await?;
        Ok(())
    }

    /// Saves what the display shows as `<screenshots>/e2e-<name>.png`; returns the path.
    ///
    /// A debug build on a software-rendered display paints a change up to two seconds after
    /// the DOM has it. So the capture first gives the page a new paint marker (one pixel in
    /// the bottom-right corner, in the top layer, in a colour of its own) and waits until the
    /// display shows that colour: then every change made before it is on screen too. Where
    /// the marker cannot show (a native dialog covers the corner) it waits for a still screen.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        // The pointer goes to the window's top-left corner, where nothing has a tooltip or a
        // hover state, so neither shows in the picture.
        let _ = self.driver.action_chain().move_to(1, 1).perform().await;
        let n = self.shots.fetch_add(1, Ordering::SeqCst) + 1;
        let colour = [(n * 53 % 256) as u8, ((n * 97 + 11) % 256) as u8, ((n * 31 + 7) % 256) as u8];
        let js = format!(
            r#"let m = document.getElementById("e2e-paint-marker");
            if (!m) {{
              m = document.createElement("div");
              m.id = "e2e-paint-marker";
              m.popover = "manual";
              m.style.cssText = "position:fixed;inset:auto 0 0 auto;width:1px;height:1px;margin:0;padding:0;border:0;overflow:hidden;";
              document.body.appendChild(m);
            }}
            if (m.matches(":popover-open")) m.hidePopover();
            m.style.background = "rgb({}, {}, {})";
            m.showPopover();"#,
            colour[0], colour[1], colour[2]
        );
        self.script(&js).await?;
        let (width, height) = self.screen_size()?;
        let corner = format!("1x1+{}+{}", width - 1, height - 1);
        let deadline = Instant::now() + Duration::from_secs(6);
        let mut painted = false;
        while Instant::now() < deadline {
            if self.grab(&["-crop", &corner])? == colour {
                painted = true;
                break;
            }
            tokio::time::sleep(POLL).await;
        }
        if !painted {
            self.wait_still().await?;
        }
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("e2e-{name}.png"));
        let status = Command::new("import")
            .args(["-display", &self.display, "-window", "root", "-strip"])
            .arg(&path)
            .stdin(Stdio::null())
            .status()
            .context("running ImageMagick's import")?;
        if !status.success() {
            bail!("import -window root failed ({status}) for {}", path.display());
        }
        Ok(path)
    }

    /// Waits (at most 6 s) until two frames 400 ms apart differ in no more pixels than a
    /// blinking caret or a spinner.
    async fn wait_still(&self) -> Result<()> {
        const STILL_PIXELS: usize = 400;
        let deadline = Instant::now() + Duration::from_secs(6);
        let mut last = self.grab(&[])?;
        while Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(400)).await;
            let frame = self.grab(&[])?;
            let changed = frame.chunks_exact(3).zip(last.chunks_exact(3)).filter(|(a, b)| a != b).count();
            last = frame;
            if changed <= STILL_PIXELS {
                break;
            }
        }
        Ok(())
    }

    fn screen_size(&self) -> Result<(u32, u32)> {
        let (w, h) = SCREEN.split_once('x').expect("WxHxD");
        let h = h.split('x').next().expect("H");
        Ok((w.parse()?, h.parse()?))
    }

    /// The display's pixels (or a `-crop` of them) as 8-bit RGB.
    fn grab(&self, extra: &[&str]) -> Result<Vec<u8>> {
        let out = Command::new("import")
            .args(["-display", &self.display, "-window", "root"])
            .args(extra)
            .args(["-depth", "8", "rgb:-"])
            .stdin(Stdio::null())
            .output()
            .context("running ImageMagick's import")?;
        if !out.status.success() {
            bail!("import -window root failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(out.stdout)
    }

    /// The first element matching `css`, waiting for it to appear.
    pub async fn find(&self, css: &str) -> Result<WebElement> {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(element) = self.driver.find(By::Css(css)).await {
                return Ok(element);
            }
            if Instant::now() > deadline {
                bail!("[{}] nothing matches {css:?} after {WAIT:?}", self.name);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Clicks the first element matching `css`.
    pub async fn click(&self, css: &str) -> Result<()> {
        self.settle().await?;
        let deadline = Instant::now() + WAIT;
        loop {
            // The list re-renders as results arrive: an element found a moment ago may be gone.
            match self.find(css).await?.click().await {
                Ok(()) => return Ok(()),
                Err(e) if Instant::now() < deadline && retryable(&e) => tokio::time::sleep(POLL).await,
                Err(e) => return Err(e).with_context(|| format!("clicking {css:?}")),
            }
        }
    }

    /// The first element matching `css` whose text contains `needle`, waiting for it.
    pub async fn find_text(&self, css: &str, needle: &str) -> Result<WebElement> {
        let deadline = Instant::now() + WAIT;
        let started = Instant::now();
        loop {
            let mut seen = Vec::new();
            if let Ok(elements) = self.driver.find_all(By::Css(css)).await {
                for element in elements {
                    let Ok(text) = text_of(&element).await else { continue };
                    if text.contains(needle) {
                        if std::env::var_os("E2E_TIMING").is_some() {
                            eprintln!("[{}] {css} {needle:?}: {:?}", self.name, started.elapsed());
                        }
                        return Ok(element);
                    }
                    seen.push(text);
                }
            }
            if Instant::now() > deadline {
                bail!("[{}] no {css:?} shows {needle:?} after {WAIT:?}; they show {seen:?}", self.name);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until an element matching `css` shows `needle`; returns its whole text.
    pub async fn wait_text(&self, css: &str, needle: &str) -> Result<String> {
        text_of(&self.find_text(css, needle).await?).await
    }

    /// Clicks the first element matching `css` that shows `needle`.
    /// A list that re-renders between finding and clicking (results of a search still being
    /// typed) makes the element stale: it is found again, until `WAIT` has passed.
    pub async fn click_text(&self, css: &str, needle: &str) -> Result<()> {
        self.settle().await?;
        let deadline = Instant::now() + WAIT;
        loop {
            match self.find_text(css, needle).await?.click().await {
                Ok(()) => return Ok(()),
                Err(e) if Instant::now() < deadline && retryable(&e) => tokio::time::sleep(POLL).await,
                Err(e) => return Err(e).with_context(|| format!("clicking {css:?} {needle:?}")),
            }
        }
    }

    /// Waits until the results on screen are the answer to the current view, words and filters
    /// (no list says `aria-busy`). A click before that can land on a row or tile that moves or
    /// changes a moment later, as the search's answer replaces the results shown before it.
    pub async fn settle(&self) -> Result<()> {
        self.wait_js("!document.querySelector('.viewport[aria-busy=\"true\"]')", "the results to settle").await
    }

    /// Waits until nothing matching `css` shows `needle`.
    pub async fn wait_gone(&self, css: &str, needle: &str) -> Result<()> {
        let deadline = Instant::now() + WAIT;
        loop {
            let mut still = false;
            for element in self.driver.find_all(By::Css(css)).await.unwrap_or_default() {
                if text_of(&element).await.is_ok_and(|t| t.contains(needle)) {
                    still = true;
                }
            }
            if !still {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("[{}] {css:?} still shows {needle:?} after {WAIT:?}", self.name);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Replaces the text of the input matching `css` by typing, as a person does (so every
    /// keystroke fires its input event).
    /// The field is read back after typing: a field that gains focus on its own as a form opens
    /// (`autofocus`) can take some of the keys meant for another, so the typing is repeated
    /// until the field holds `text`.
    pub async fn type_into(&self, css: &str, text: &str) -> Result<WebElement> {
        let deadline = Instant::now() + WAIT;
        loop {
            let input = self.find(css).await?;
            input.click().await?;
            input.send_keys(Key::Control + "a").await?;
            input.send_keys(Key::Backspace).await?;
            if !text.is_empty() {
                input.send_keys(text).await?;
            }
            let value = input.prop("value").await?.unwrap_or_default();
            if same_text(&value, text) {
                return Ok(input);
            }
            if Instant::now() > deadline {
                bail!("[{}] {css:?} holds {value:?} after typing {text:?}", self.name);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Fills several fields of one form, and checks them all at the end: typing into one field
    /// must not have changed another.
    pub async fn fill(&self, fields: &[(&str, &str)]) -> Result<()> {
        let deadline = Instant::now() + WAIT;
        loop {
            for (css, text) in fields {
                self.type_into(css, text).await?;
            }
            let mut all = true;
            for (css, text) in fields {
                all &= same_text(&self.find(css).await?.prop("value").await?.unwrap_or_default(), text);
            }
            if all {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("[{}] the fields {fields:?} do not hold what was typed", self.name);
            }
        }
    }

    /// Types `query` into the search field and waits until the list shows its answer, so a
    /// click that follows lands on a result of this search, not on a row of the list before it.
    pub async fn search(&self, query: &str) -> Result<WebElement> {
        let field = self.type_into("#search", query).await?;
        if query.trim().is_empty() {
            self.wait_gone(".list .count", "for “").await?;
        } else {
            self.wait_text(".list .count", &format!("for “{}”", query.trim())).await?;
        }
        Ok(field)
    }

    /// Chooses `value` in the <select> matching `css`, as picking it does (WebKitWebDriver
    /// cannot click an <option>).
    pub async fn choose(&self, css: &str, value: &str) -> Result<()> {
        self.find(css).await?;
        self.script(&format!(
            "const s = document.querySelector({css:?}); s.value = {value:?}; s.dispatchEvent(new Event('change', {{bubbles: true}}));"
        ))
        .await?;
        Ok(())
    }

    /// Presses keys (with modifiers, e.g. `Key::Control + "n"`) on whatever has the focus.
    pub async fn press(&self, keys: impl Into<thirtyfour::common::keys::TypingData>) -> Result<()> {
        let active = self.driver.active_element().await?;
        active.send_keys(keys).await?;
        Ok(())
    }

    /// Waits until the JavaScript expression `condition` is true in the window.
    pub async fn wait_js(&self, condition: &str, what: &str) -> Result<()> {
        let deadline = Instant::now() + WAIT;
        let js = format!("return Boolean({condition});");
        loop {
            if self.script(&js).await?.as_bool() == Some(true) {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("[{}] still not true after {WAIT:?}: {what}", self.name);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the sidebar row `label` shows the count `count`.
    pub async fn wait_sidebar_count(&self, label: &str, count: &str) -> Result<()> {
        let condition = format!(
            "[...document.querySelectorAll('.sidebar .row')].some(r => r.querySelector('.label')?.textContent.trim() === {label:?} && r.querySelector('.count')?.textContent.trim() === {count:?})"
        );
        self.wait_js(&condition, &format!("the sidebar shows {label} {count}")).await
    }

    /// Presses `key` while `modifier` is held (through WebDriver actions: WebKitWebDriver
    /// refuses some chords as element keys).
    pub async fn chord(&self, modifier: Key, key: Key) -> Result<()> {
        self.driver
            .action_chain()
            .key_down(modifier.clone())
            .key_down(key.clone())
            .key_up(key)
            .key_up(modifier)
            .perform()
            .await?;
        Ok(())
    }

    /// Counts the elements matching `css` now.
    pub async fn count(&self, css: &str) -> Result<usize> {
        Ok(self.driver.find_all(By::Css(css)).await?.len())
    }

    /// Runs JavaScript in the window and returns its JSON result.
    pub async fn script(&self, js: &str) -> Result<serde_json::Value> {
        Ok(self.driver.execute(js, Vec::new()).await?.json().clone())
    }

    /// A quote's words as the archive stores them (not as the window shows them).
    pub async fn stored_text(&self, id: &str) -> Result<String> {
        let text = self
            .script(&format!(
                "return window.__TAURI_INTERNALS__.invoke('get_item', {{ id: {id:?} }}).then(i => i.text);"
            ))
            .await?;
        Ok(text.as_str().unwrap_or_default().to_string())
    }

    /// Runs an X client (xdotool) against this app's display.
    pub fn x(&self, program: &str, args: &[&str]) -> Result<String> {
        let out = Command::new(program).args(args).env("DISPLAY", &self.display).stdin(Stdio::null()).output()?;
        if !out.status.success() {
            bail!("{program} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// Whether a field holds what was typed, line breaks and spacing aside (WebKitWebDriver types a
/// line break into a textarea as nothing): keys that went to another field are what it catches.
fn same_text(value: &str, typed: &str) -> bool {
    value.split_whitespace().eq(typed.split_whitespace())
        || value.split_whitespace().collect::<String>() == typed.split_whitespace().collect::<String>()
}

/// What one start of the app made: dropped on a failed start, which stops its processes and
/// removes its folder.
struct Launched {
    driver: WebDriver,
    archive: PathBuf,
    display: String,
    driver_url: String,
    app_bin: PathBuf,
    processes: Processes,
    temp: tempfile::TempDir,
}

impl Launched {
    async fn new(name: &str, env: &[(&str, &str)]) -> Result<Launched> {
        let app_bin = std::env::var_os("WALKOUT_APP_BIN")
            .map(PathBuf::from)
            .context("WALKOUT_APP_BIN is not set: build the app (cargo build -p walkout-app) and point it at the binary; scripts/test.sh does both")?;
        let app_bin =
            std::fs::canonicalize(&app_bin).with_context(|| format!("no app binary at {}", app_bin.display()))?;
        let driver_bin = std::env::var_os("TAURI_DRIVER").map(PathBuf::from).unwrap_or_else(|| "tauri-driver".into());

        let temp = tempfile::Builder::new().prefix("walkout-e2e-").tempdir_in(std::env::temp_dir())?;
        let archive = temp.path().join("Walkout demo");
        let home = temp.path().join("home");
        std::fs::create_dir_all(&home)?;
        let logs = target_dir().join("e2e-logs");
        std::fs::create_dir_all(&logs)?;

        let mut processes = Processes::default();
        let (xvfb, display, stdout) = start_xvfb(&logs.join(format!("{name}-xvfb.log")))?;
        processes.xvfb = Some(xvfb);
        processes.xvfb_stdout = Some(stdout);

        let port = free_port()?;
        let native_port = free_port()?;
        let log_path = logs.join(format!("{name}-tauri-driver.log"));
        let log = File::create(&log_path)?;
        let mut command = Command::new(&driver_bin);
        command
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("DISPLAY", &display)
            // A home of its own: the webview's storage (the chosen language) starts empty, and
            // recent archives and settings of the machine's user are not touched.
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("WALKOUT_ARCHIVE")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        for (key, value) in env {
            command.env(key, value);
        }
        let child = command
            .spawn()
            .with_context(|| format!("starting {} (cargo install tauri-driver --locked)", driver_bin.display()))?;
        processes.driver = Some(child);
        wait_for_port(port, processes.driver.as_mut().expect("just set")).await.context("tauri-driver")?;
        wait_for_port(native_port, processes.driver.as_mut().expect("just set")).await.context("WebKitWebDriver")?;

        let driver_url = format!("http://127.0.0.1:{port}");
        let driver = session(&driver_url, &app_bin, &archive)
            .await
            .with_context(|| format!("tauri-driver's log ends with:\n{}", log_tail(&log_path, 30)))?;
        Ok(Launched { driver, archive, display, driver_url, app_bin, processes, temp })
    }
}

/// Runs `attempt`, and once more a second later if it fails; a second failure carries both errors.
async fn twice<T, F: Future<Output = Result<T>>>(what: &str, mut attempt: impl FnMut() -> F) -> Result<T> {
    match attempt().await {
        Ok(done) => Ok(done),
        Err(first) => {
            eprintln!("could not {what} ({first:#}); trying once more");
            tokio::time::sleep(Duration::from_secs(1)).await;
            attempt().await.with_context(|| format!("a second try to {what}, after: {first:#}"))
        }
    }
}

/// The last `lines` lines of a log, for an error message.
fn log_tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Whether a failed click may work on a second try (the element was re-rendered or covered
/// for a moment).
fn retryable(error: &WebDriverError) -> bool {
    let text = error.to_string();
    text.contains("stale element") || text.contains("not interactable") || text.contains("click intercepted")
}

/// What an element shows: its `innerText`. (WebKitWebDriver's own element text leaves out
/// some visible text, such as a line cut with an ellipsis.)
/// A WebDriver session: tauri-driver starts the app on `archive`.
async fn session(driver_url: &str, app_bin: &Path, archive: &Path) -> Result<WebDriver> {
    let mut caps = Capabilities::new();
    caps.set(
        "tauri:options",
        json!({
            "application": app_bin,
            "args": ["--archive", archive],
        }),
    )?;
    // A request that hangs (a session being torn down after a failure) gives up soon.
    WebDriver::builder(driver_url, caps)
        .request_timeout(Duration::from_secs(60))
        .await
        .context("creating the WebDriver session (is webkit2gtk-driver installed?)")
}

pub async fn text_of(element: &WebElement) -> Result<String> {
    match element.prop("innerText").await? {
        Some(text) => Ok(text),
        None => Ok(element.text().await?),
    }
}

/// The processes of one test, stopped in order whatever way the test ends.
#[derive(Default)]
struct Processes {
    driver: Option<Child>,
    xvfb: Option<Child>,
    xvfb_stdout: Option<ChildStdout>,
}

impl Drop for Processes {
    fn drop(&mut self) {
        // tauri-driver first, with SIGTERM: it then stops WebKitWebDriver (and the app).
        if let Some(child) = self.driver.take() {
            terminate(child, "tauri-driver");
        }
        if let Some(child) = self.xvfb.take() {
            terminate(child, "Xvfb");
        }
    }
}

/// Sends SIGTERM and waits for the process to end.
fn terminate(mut child: Child, what: &str) {
    if matches!(child.try_wait(), Ok(Some(_))) {
        return;
    }
    let pid = child.id() as libc::pid_t;
    // SAFETY: kill(2) with a pid we spawned and have not reaped yet.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!("{what} (pid {pid}) did not stop within 10 s of SIGTERM; it may hold its port");
}

/// Starts Xvfb on a display number it picks itself (`-displayfd`): no race for a free one.
fn start_xvfb(log: &Path) -> Result<(Child, String, ChildStdout)> {
    let mut child = Command::new("Xvfb")
        .args(["-displayfd", "1", "-screen", "0", SCREEN, "-nolisten", "tcp", "-noreset"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(File::create(log)?)
        .spawn()
        .context("starting Xvfb (apt-get install xvfb)")?;
    let stdout = child.stdout.take().expect("piped");
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let read = reader.read_line(&mut line).map(|_| line);
        let _ = send.send((read, reader.into_inner()));
    });
    match receive.recv_timeout(Duration::from_secs(15)) {
        Ok((Ok(line), stdout)) if !line.trim().is_empty() => Ok((child, format!(":{}", line.trim()), stdout)),
        other => {
            terminate(child, "Xvfb");
            bail!("Xvfb did not report its display ({other:?}); see {}", log.display())
        }
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

async fn wait_for_port(port: u16, child: &mut Child) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            bail!("exited ({status}) before port {port} accepted connections; see target/e2e-logs");
        }
        if Instant::now() > deadline {
            bail!("port {port} did not accept connections within 20 s");
        }
        tokio::time::sleep(POLL).await;
    }
}
