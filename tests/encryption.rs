//! Encrypted archives: without the passphrase the folder reveals nothing — database, WAL,
//! index, files, thumbnails — and with it everything works as in a plain archive.

use std::sync::atomic::AtomicBool;

use walkout::{Archive, Error, SearchRequest};

use crate::common::*;

#[test]
fn an_encrypted_archive_folder_holds_no_trace_of_its_quote_article_or_photo() {
    let dir = temp();
    let root = dir.path().join("sealed");
    let quote_canary = "Canary-quote-4be1 marigold";
    let article_canary = "Canary-article-77d0 tamarind";
    let image_canary = b"CANARY-PHOTO-BYTES-90ab";
    let mut photo = std::fs::read(data("photos/DSCN0010.jpg")).unwrap();
    photo.extend_from_slice(image_canary);
    let inputs = dir.path().join("in");
    write(&inputs.join("canary.jpg"), &photo);
    write(&inputs.join("report.md"), format!("# Walkout report\n\n{article_canary} at the school gate.\n"));
    {
        let mut archive = Archive::create_encrypted(&root, "long correct passphrase").unwrap();
        archive.add_item(walkout::Item::quote(quote_canary, archive.now())).unwrap();
        let report = archive
            .import_paths(std::slice::from_ref(&inputs), Default::default(), &mut |_| {}, &AtomicBool::new(false))
            .unwrap();
        assert_eq!(report.added.len(), 2, "{:?}", report.failed);
        assert_eq!(archive.search(&SearchRequest::words("marigold")).unwrap().total, 1);
        // Keep the archive open while looking, so the WAL is there too.
        for needle in
            [quote_canary.as_bytes(), b"marigold", article_canary.as_bytes(), b"tamarind", image_canary, b"NIKON"]
        {
            assert_eq!(files_containing(&root, needle), Vec::<String>::new(), "{}", String::from_utf8_lossy(needle));
        }
        assert!(!root.join("index").exists(), "the index of an encrypted archive lives in memory");
    }
    for needle in [quote_canary.as_bytes(), b"marigold", article_canary.as_bytes(), image_canary, b"COOLPIX"] {
        assert_eq!(files_containing(&root, needle), Vec::<String>::new(), "{}", String::from_utf8_lossy(needle));
    }

    assert!(matches!(Archive::open(&root), Err(Error::Locked { .. })));
    assert!(matches!(Archive::unlock(&root, "wrong passphrase"), Err(Error::WrongPassphrase { .. })));
    let archive = Archive::unlock(&root, "long correct passphrase").unwrap();
    assert_eq!(archive.search(&SearchRequest::words("tamarind")).unwrap().total, 1);
    assert!(archive.verify(&mut |_, _| {}).unwrap().is_clean());
    let photo_item = archive.all_items().unwrap().into_iter().find(|i| i.kind() == walkout::ItemKind::Photo).unwrap();
    assert_eq!(archive.files().read(photo_item.sha256().unwrap()).unwrap(), photo);
}

#[test]
fn the_cli_works_on_an_encrypted_archive_with_the_passphrase_and_changes_it() {
    let dir = temp();
    let root = dir.path().join("sealed");
    let with = |pass: &str, args: &[&str]| walkout(&root).args(args).env("WALKOUT_PASSPHRASE", pass).output().unwrap();
    assert!(with("first secret", &["init", "--demo", "--encrypt"]).status.success());
    let found = with("first secret", &["search", "Twin Cities", "--json"]);
    assert!(found.status.success(), "{}", String::from_utf8_lossy(&found.stderr));
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&found.stdout).unwrap()["total"], 1);

    let wrong = with("not it", &["stats"]);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("wrong passphrase"));
    let none = walkout(&root).args(["stats"]).env_remove("WALKOUT_PASSPHRASE").output().unwrap();
    assert_eq!(none.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&none.stderr).contains("WALKOUT_PASSPHRASE"));

    let change = walkout(&root)
        .args(["passphrase"])
        .env("WALKOUT_PASSPHRASE", "first secret")
        .env("WALKOUT_NEW_PASSPHRASE", "second secret")
        .output()
        .unwrap();
    assert!(change.status.success(), "{}", String::from_utf8_lossy(&change.stderr));
    assert_eq!(with("first secret", &["stats"]).status.code(), Some(1));
    assert!(with("second secret", &["stats"]).status.success());

    // A backup of an encrypted archive is encrypted too, and opens with the same passphrase.
    let backup = dir.path().join("backup");
    assert!(with("second secret", &["backup", backup.to_str().unwrap()]).status.success());
    assert!(matches!(Archive::open(&backup), Err(Error::Locked { .. })));
    assert_eq!(Archive::unlock(&backup, "second secret").unwrap().stats().unwrap().items, 10);
    assert_eq!(files_containing(&backup, b"Twin Cities"), Vec::<String>::new());
}
