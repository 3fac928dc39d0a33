//! The CLI never talks to the network: a whole workflow (init, import photos and articles that
//! point at remote images and scripts, search, exports) runs under `strace`, which records every
//! socket the processes open, and again in a network namespace with nothing but loopback.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

/// An article as a browser saves it: remote images, scripts, fonts and a tracking pixel.
const ARTICLE: &str = r#"<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Students walk out in Iowa City</title>
<meta property="og:site_name" content="Example Ledger">
<link rel="stylesheet" href="https://cdn.example.com/site.css">
<link rel="preload" href="https://fonts.example.com/font.woff2" as="font">
<script src="https://tracker.example.com/t.js"></script>
</head><body>
<article><h1>Students walk out in Iowa City</h1>
<p>Hundreds of students left class at noon on Friday and marched to the Pentacrest, carrying
signs they had painted the night before.</p>
<img src="https://images.example.com/photo.jpg" alt="Students marching">
<p>"We are here for our neighbours," one junior said, as teachers watched from the steps of the
old capitol building and parents lined the sidewalks along Clinton Street.</p>
<iframe src="https://video.example.com/embed/1"></iframe>
<p>The walkout lasted about an hour before students returned to school in small groups.</p>
<img src="https://pixel.example.com/1x1.gif" width="1" height="1">
</article></body></html>"#;

/// Every IP (or raw packet) socket the traced processes opened and every IP address they
/// connected to. Unix sockets are local and allowed; an IP socket is a finding even if it was
/// only for loopback, since nothing here has a reason to open one.
fn network_calls(log: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines()
        .filter(|l| l.contains("socket(") || l.contains("connect("))
        .filter(|l| ["AF_INET", "AF_INET6", "AF_PACKET", "AF_NETLINK"].iter().any(|f| l.contains(f)))
        .map(str::to_string)
        .collect()
}

fn strace() -> PathBuf {
    let found = ["/usr/bin/strace", "/bin/strace"].iter().map(PathBuf::from).find(|p| p.exists());
    found.expect("strace is missing: run scripts/test.sh, which installs it")
}

/// Runs `walkout ARGS` under strace; returns its stdout. Panics on failure.
fn traced(archive: &Path, log: &Path, args: &[&str]) -> String {
    let out = Command::new(strace())
        .args(["-f", "-qq", "-e", "trace=execve,socket,connect", "-o"])
        .arg(log)
        .arg(env!("CARGO_BIN_EXE_walkout"))
        .arg("--archive")
        .arg(archive)
        .args(args)
        .env_remove("WALKOUT_ARCHIVE")
        .env("WALKOUT_PASSPHRASE", "a long offline passphrase")
        .output()
        .expect("strace runs");
    assert!(out.status.success(), "walkout {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn inputs(dir: &Path) -> (PathBuf, PathBuf) {
    let photos = dir.join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    for name in ["exif_gps.jpg", "landscape_6.jpg", "samplefilehub.heif"] {
        std::fs::copy(data(&format!("photos/{name}")), photos.join(name)).unwrap();
    }
    let articles = dir.join("articles");
    write(&articles.join("iowa-city.html"), ARTICLE);
    (photos, articles)
}

/// The workflow, each step traced; returns the strace logs' findings.
fn workflow(dir: &Path, encrypt: bool) -> Vec<String> {
    let (photos, articles) = inputs(dir);
    let archive = dir.join(if encrypt { "sealed" } else { "archive" });
    let log = dir.join("strace.log");
    let mut found = Vec::new();
    let mut step = |args: &[&str]| {
        let out = traced(&archive, &log, args);
        found.extend(network_calls(&log).into_iter().map(|l| format!("walkout {args:?}: {l}")));
        out
    };
    step(if encrypt { &["init", "--demo", "--encrypt"] } else { &["init", "--demo"] });
    let imported = step(&["import", "--json", photos.to_str().unwrap(), articles.to_str().unwrap()]);
    let imported: serde_json::Value = serde_json::from_str(&imported).unwrap();
    assert_eq!(imported["added"].as_array().unwrap().len(), 4, "{imported}");
    let hits: serde_json::Value = serde_json::from_str(&step(&["search", "--json", "neighbours"])).unwrap();
    assert!(hits["total"].as_u64().unwrap() >= 1, "{hits}");
    let out = dir.join("out");
    for format in ["bagit", "site", "json", "jsonld", "csv", "ris", "csl-json", "iiif"] {
        step(&["export", "--format", format, out.join(format).to_str().unwrap()]);
    }
    step(&["export", "--format", "bagit", "--zip", out.join("bag.zip").to_str().unwrap()]);
    // A bundle for another archive, and taking it in (the archive's own: nothing changes).
    step(&["share", "--json", out.join("bundle").to_str().unwrap()]);
    let merged: serde_json::Value =
        serde_json::from_str(&step(&["merge", "--json", out.join("bundle").to_str().unwrap()])).unwrap();
    assert_eq!(merged["added"].as_array().map(Vec::len), Some(0), "{merged}");
    assert_eq!(merged["updated"].as_array().map(Vec::len), Some(0), "{merged}");
    step(&["verify", "--json"]);
    step(&["backup", out.join("backup").to_str().unwrap()]);
    found
}

#[test]
fn a_whole_workflow_opens_no_network_socket() {
    let dir = temp();
    let found = workflow(dir.path(), false);
    assert!(found.is_empty(), "network sockets opened:\n{}", found.join("\n"));
    // The strace log is real: it saw the program start.
    let log = std::fs::read_to_string(dir.path().join("strace.log")).unwrap();
    assert!(log.contains("execve(") && log.contains("walkout"), "strace saw nothing: {log}");
}

#[test]
fn an_encrypted_workflow_opens_no_network_socket() {
    let dir = temp();
    let found = workflow(dir.path(), true);
    assert!(found.is_empty(), "network sockets opened:\n{}", found.join("\n"));
}

#[test]
fn the_workflow_works_with_no_network_at_all() {
    // `unshare -n`: a network namespace with only a (down) loopback interface. Needs root or
    // user namespaces; where neither is allowed the strace tests above still hold.
    let probe = Command::new("unshare").args(["-n", "true"]).status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("skipped: this machine does not allow network namespaces (the strace tests cover the rule)");
        return;
    }
    let dir = temp();
    let (photos, articles) = inputs(dir.path());
    let archive = dir.path().join("archive");
    let walkout = env!("CARGO_BIN_EXE_walkout");
    let script = format!(
        "set -e; W='{walkout}'; A='{a}'; $W --archive \"$A\" init --demo; \
         $W --archive \"$A\" import '{p}' '{r}'; $W --archive \"$A\" search neighbours | grep -qi neighbours; \
         $W --archive \"$A\" export --format bagit \"$A.bag\"; $W --archive \"$A\" export --format site \"$A.site\"",
        a = archive.display(),
        p = photos.display(),
        r = articles.display(),
    );
    let out = Command::new("unshare").args(["-n", "sh", "-c", &script]).output().unwrap();
    assert!(
        out.status.success(),
        "offline run failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("archive.bag/bagit.txt").exists());
    assert!(dir.path().join("archive.site/index.html").exists());
}
