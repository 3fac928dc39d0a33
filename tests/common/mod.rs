//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use walkout::Archive;

/// A fresh temp dir that is removed when dropped.
pub fn temp() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("walkout-test-").tempdir().expect("temp dir")
}

/// The `walkout` binary built for these tests.
pub fn walkout(archive: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_walkout"));
    cmd.arg("--archive").arg(archive).env_remove("WALKOUT_ARCHIVE");
    cmd
}

/// Runs the binary and returns its output.
pub fn run(archive: &Path, args: &[&str]) -> Output {
    walkout(archive).args(args).output().expect("walkout runs")
}

/// Runs the binary, expects success, and parses stdout as JSON.
pub fn run_json(archive: &Path, args: &[&str]) -> serde_json::Value {
    let out = run(archive, args);
    assert!(out.status.success(), "walkout {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("walkout {args:?}: not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// A new archive with the demo record, in `dir/archive`.
pub fn demo_archive(dir: &Path) -> (PathBuf, Archive) {
    let root = dir.join("archive");
    let mut archive = Archive::create(&root).expect("create");
    walkout::demo::populate(&mut archive).expect("demo");
    (root, archive)
}

/// Where committed test inputs live.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

/// Writes a file, creating its folder.
pub fn write(path: &Path, bytes: impl AsRef<[u8]>) -> PathBuf {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
    path.to_path_buf()
}

/// Every file under `root` whose bytes contain `needle` (for "no trace left" checks).
pub fn files_containing(root: &Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read(&path).is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle)) {
                hits.push(path.display().to_string());
            }
        }
    }
    hits
}
