//! Opening the archive for the command: for writing or reading, with a passphrase when it is
//! encrypted, and the progress bar of long commands.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::bail;
use indicatif::{ProgressBar, ProgressStyle};
use walkout::Archive;

/// Opens the archive for writing, asking for the passphrase when it is encrypted.
pub fn open_writer(dir: &Path) -> anyhow::Result<Archive> {
    if Archive::is_encrypted(dir) {
        return Ok(Archive::unlock(dir, &passphrase("WALKOUT_PASSPHRASE", "Passphrase")?)?);
    }
    Ok(noting_a_rebuild(Archive::open(dir)?))
}

/// Opens the archive for reading (read-only when another process writes to it).
pub fn open_reader(dir: &Path) -> anyhow::Result<Archive> {
    if Archive::is_encrypted(dir) {
        return Ok(Archive::unlock_for_reading(dir, &passphrase("WALKOUT_PASSPHRASE", "Passphrase")?)?);
    }
    Ok(noting_a_rebuild(Archive::open_for_reading(dir)?))
}

/// Says on stderr when opening had to rebuild the search index (an encrypted archive's index
/// lives in memory and is always built: nothing to say).
pub fn noting_a_rebuild(archive: Archive) -> Archive {
    if let Some(why) = archive.index_rebuilt_on_open() {
        eprintln!("walkout: note: the search index was rebuilt from the database ({why})");
    }
    archive
}

/// A passphrase from the environment, or typed at a hidden prompt.
pub fn passphrase(env: &str, prompt: &str) -> anyhow::Result<String> {
    if let Ok(p) = std::env::var(env) {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        bail!("the archive is encrypted: set {env} or run in a terminal to be asked");
    }
    Ok(rpassword::prompt_password(format!("{prompt}: "))?)
}

/// A new passphrase from the environment, or typed twice at a hidden prompt.
pub fn new_passphrase(env: &str, prompt: &str) -> anyhow::Result<String> {
    if let Ok(p) = std::env::var(env) {
        return Ok(p);
    }
    let first = passphrase(env, prompt)?;
    let again = rpassword::prompt_password("Again: ")?;
    if first != again {
        bail!("the two passphrases differ");
    }
    Ok(first)
}

pub fn progress_bar() -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(0);
    bar.set_style(ProgressStyle::with_template("{bar:30.cyan/blue} {pos}/{len} {wide_msg}").expect("valid template"));
    Some(bar)
}
