//! The `walkout` CLI's public contract: command names, JSON shapes and exit codes that scripts
//! rely on.

use crate::common::*;

#[test]
fn json_shapes_of_add_search_show_and_stats() {
    let dir = temp();
    let root = dir.path().join("a");
    let init = run(&root, &["init", "--demo"]);
    assert!(init.status.success());
    let added = run_json(
        &root,
        &[
            "add",
            "quote",
            "--text",
            "No one is illegal on stolen land",
            "--speaker",
            "Ana Ruiz",
            "--role",
            "student, Roosevelt High School",
            "--date",
            "2026-01-30",
            "--place",
            "Los Angeles, California",
            "--lang",
            "en",
            "--tag",
            "walkout",
            "--tag",
            "banner",
            "--source",
            "https://example.org/report",
            "--json",
        ],
    );
    let id = added["id"].as_str().unwrap();
    assert_eq!(added.as_object().unwrap().len(), 1);

    let found = run_json(&root, &["search", "stolen land", "--json"]);
    assert_eq!(found["total"], 1);
    let hit = &found["hits"][0];
    for key in ["id", "kind", "title", "snippet", "date", "score"] {
        assert!(hit.get(key).is_some(), "hit lacks {key}: {hit}");
    }
    assert_eq!(hit["id"], id);
    assert_eq!(hit["kind"], "quote");
    assert_eq!(hit["date"], "2026-01-30");
    assert!(hit["snippet"].as_str().unwrap().contains("<mark>stolen</mark> <mark>land</mark>"));
    for facet in ["kind", "tag", "year"] {
        assert!(found["facets"][facet].is_object(), "facet {facet}");
    }
    assert_eq!(found["facets"]["tag"]["banner"], 1);

    let shown = run_json(&root, &["show", id, "--json"]);
    assert_eq!(shown["text"], "No one is illegal on stolen land");
    assert_eq!(shown["speaker"], "Ana Ruiz");
    assert_eq!(shown["role"], "student, Roosevelt High School");
    assert_eq!(shown["sensitivity"], "public");
    assert_eq!(shown["consent"], "unknown");
    assert_eq!(shown["source"], "https://example.org/report");
    assert_eq!(shown["tags"], serde_json::json!(["banner", "walkout"]));

    let stats = run_json(&root, &["stats", "--json"]);
    for key in ["items", "quotes", "photos", "articles", "files", "index_docs"] {
        assert!(stats[key].is_u64(), "stats lacks {key}");
    }
    assert_eq!(stats["items"], 11);
    assert_eq!(stats["quotes"], 4);
    assert_eq!(stats["index_docs"], 11);
}

#[test]
fn edit_tag_delete_and_collections_through_the_cli() {
    let dir = temp();
    let root = dir.path().join("a");
    run(&root, &["init"]);
    let id =
        run_json(&root, &["add", "quote", "--text", "We are not afraid", "--json"])["id"].as_str().unwrap().to_string();
    let short = &id[..13];
    let edit =
        run(&root, &["edit", short, "--set", "speaker=A student in Iowa City", "--set", "sensitivity=restricted"]);
    assert!(edit.status.success(), "{}", String::from_utf8_lossy(&edit.stderr));
    assert!(run(&root, &["tag", &id, "sit-in", "iowa"]).status.success());
    let shown = run_json(&root, &["show", &id, "--json"]);
    assert_eq!(shown["speaker"], "A student in Iowa City");
    assert_eq!(shown["sensitivity"], "restricted");
    assert_eq!(shown["tags"], serde_json::json!(["iowa", "sit-in"]));

    assert!(run(&root, &["collection", "add", "Iowa City", &id]).status.success());
    let in_collection = run_json(&root, &["search", "--json", "--collection", "iowa city"]);
    assert_eq!(in_collection["total"], 1);

    let bad_field = run(&root, &["edit", &id, "--set", "headline=x"]);
    assert_eq!(bad_field.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad_field.stderr).contains("headline"));

    assert!(run(&root, &["delete", &id]).status.success());
    let gone = run(&root, &["show", &id]);
    assert_eq!(gone.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&gone.stderr).contains(&id), "the error names the id");
    assert_eq!(run_json(&root, &["search", "afraid", "--json"])["total"], 0);
}

#[test]
fn errors_exit_1_and_name_what_is_wrong() {
    let dir = temp();
    let missing = dir.path().join("nowhere");
    let out = run(&missing, &["stats"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nowhere") && err.contains("walkout init"), "{err}");

    let root = dir.path().join("a");
    run(&root, &["init"]);
    let again = run(&root, &["init"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    let unknown = run(&root, &["show", "0000dead"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("0000dead"));
}

#[test]
fn the_archive_location_comes_from_the_environment_when_no_flag_is_given() {
    let dir = temp();
    let root = dir.path().join("env-archive");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_walkout"))
        .args(["init", "--demo"])
        .env("WALKOUT_ARCHIVE", &root)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(root.join("archive.sqlite").is_file());
}

#[test]
fn verify_reports_a_changed_original_by_item_and_exits_2() {
    let dir = temp();
    let root = dir.path().join("a");
    run(&root, &["init"]);
    let article = write(&dir.path().join("in/report.md"), "# Walkout at noon\n\nStudents left class at noon.\n");
    let imported = run_json(&root, &["import", article.to_str().unwrap(), "--json"]);
    let id = imported["added"][0]["id"].as_str().unwrap().to_string();
    let clean = run_json(&root, &["verify", "--json"]);
    assert_eq!((clean["checked"].as_u64(), clean["ok"].as_u64()), (Some(1), Some(1)));

    let sha = run_json(&root, &["show", &id, "--json"])["sha256"].as_str().unwrap().to_string();
    let stored = root.join("files").join(&sha[..2]).join(&sha[2..]);
    let mut bytes = std::fs::read(&stored).unwrap();
    bytes[3] ^= 0x01;
    std::fs::write(&stored, bytes).unwrap();

    let out = run(&root, &["verify", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["mismatched"][0]["id"], id);
    assert_eq!(report["ok"], 0);
}

#[test]
fn a_reader_that_stops_reading_ends_the_cli_quietly() {
    // `walkout search … | head -1`: the pipe closes before the output is written.
    let dir = temp();
    let root = dir.path().join("archive");
    assert!(run(&root, &["init"]).status.success());
    run_json(&root, &["import", "--json", data("quotes/fortunes-sample.jsonl").to_str().unwrap()]);
    let mut child = walkout(&root)
        .args(["search", "the", "--limit", "1000", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    use std::os::unix::process::ExitStatusExt;
    assert!(out.status.success() || out.status.signal() == Some(13), "{:?}: {stderr}", out.status);
}
