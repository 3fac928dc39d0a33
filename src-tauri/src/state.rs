//! Which archive folder the window opens, and the archive it shares among its commands (the
//! engine's `window::SharedArchive`).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use walkout::Error;

/// The folder name of the default archive under the platform data dir.
const DEFAULT_FOLDER: &str = "walkout";

/// The archive folder: `--archive DIR` (or `--archive=DIR`), else `WALKOUT_ARCHIVE`, else the
/// platform data dir + `walkout`.
pub fn archive_dir(args: impl IntoIterator<Item = OsString>, env: Option<OsString>) -> anyhow::Result<PathBuf> {
    let mut args = args.into_iter();
    let mut chosen = None;
    while let Some(arg) = args.next() {
        let text = arg.to_string_lossy();
        if text == "--archive" {
            chosen = Some(PathBuf::from(args.next().context("--archive needs a folder")?));
        } else if let Some(dir) = text.strip_prefix("--archive=") {
            chosen = Some(PathBuf::from(dir));
        } else {
            bail!("unknown argument {text:?}; usage: walkout-app [--archive DIR]");
        }
    }
    if let Some(dir) = chosen.or_else(|| env.filter(|v| !v.is_empty()).map(PathBuf::from)) {
        return Ok(dir);
    }
    let data = dirs::data_dir().context("no data folder for this user; choose one with --archive DIR")?;
    Ok(data.join(DEFAULT_FOLDER))
}

/// What the window has: an open archive, or an encrypted one waiting for its passphrase.
pub use walkout::window::SharedArchive as ArchiveState;

/// Opens the archive at `root` for the window (see [`ArchiveState::open`]).
pub fn open(root: &Path) -> anyhow::Result<ArchiveState> {
    ArchiveState::open(root).map_err(|e| match e {
        Error::NoArchive { .. } => {
            anyhow::anyhow!(
                "{} is not empty and holds no archive; choose another folder with --archive DIR",
                root.display()
            )
        }
        e => anyhow::Error::new(e).context(format!("opening the archive at {}", root.display())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn archive_flag_wins_over_the_environment() {
        let dir = archive_dir(args(&["--archive", "/tmp/a"]), Some("/tmp/b".into())).unwrap();
        assert_eq!(dir, PathBuf::from("/tmp/a"));
        let dir = archive_dir(args(&["--archive=/tmp/c"]), None).unwrap();
        assert_eq!(dir, PathBuf::from("/tmp/c"));
        let dir = archive_dir(args(&[]), Some("/tmp/b".into())).unwrap();
        assert_eq!(dir, PathBuf::from("/tmp/b"));
    }

    #[test]
    fn unknown_arguments_are_refused() {
        assert!(archive_dir(args(&["--archvie", "/tmp/a"]), None).is_err());
        assert!(archive_dir(args(&["--archive"]), None).is_err());
    }
}
