//! The privacy policy under attack: each test is something an attacker (or a careless archivist)
//! tries, and what they must not get. The attacker holds whatever left the archive — every file
//! of every export format — or sits at the reading room's window; they know the names of the
//! people they are looking for and search for them, in any spelling.

use std::path::{Path, PathBuf};

use walkout::export::{self, ExportOptions, Format, Selection};
use walkout::privacy::{ConsentRecord, ConsentScope};
use walkout::{Archive, Consent, Item, ItemDetails, SearchRequest, Sensitivity};

use crate::common::*;

fn consent(scope: ConsentScope, status: Consent) -> ConsentRecord {
    ConsentRecord { scope, status, date: Some("2026-02".parse().unwrap()), note: None, expires: None }
}

fn quote_by(archive: &mut Archive, text: &str, speaker: &str) -> walkout::Id {
    let mut item = Item::quote(text, archive.now());
    if let ItemDetails::Quote(q) = &mut item.details {
        q.speaker = Some(speaker.into());
    }
    archive.add_item(item).unwrap()
}

fn article_by(archive: &mut Archive, headline: &str, body: &str, authors: &[&str]) -> walkout::Id {
    let details = walkout::ArticleDetails {
        headline: headline.into(),
        outlet: Some("The Campus Ledger".into()),
        authors: authors.iter().map(|a| a.to_string()).collect(),
        url: Some("https://ledger.example/2026/01/30/walkout".into()),
        body: body.into(),
        sha256: None,
        file_name: None,
        date_rule: None,
    };
    let mut item = Item::new(headline, ItemDetails::Article(details), archive.now());
    item.date = Some("2026-01-30".parse().unwrap());
    archive.add_item(item).unwrap()
}

/// Every format an export writes, each into `dir/<format>`; returns the folders and files.
fn export_everything(archive: &Archive, dir: &Path, include_restricted: bool) -> Vec<PathBuf> {
    let mut outs = Vec::new();
    for (format, name) in [
        (Format::Json, "json"),
        (Format::Csv, "csv"),
        (Format::JsonLd, "jsonld"),
        (Format::Bagit, "bagit"),
        (Format::Site, "site"),
        (Format::CslJson, "refs.json"),
        (Format::Ris, "refs.ris"),
        (Format::Citation, "refs.txt"),
    ] {
        let out = dir.join(name);
        let options = ExportOptions { include_restricted, ..Default::default() };
        export::export(archive, format, &options, &out).unwrap_or_else(|e| panic!("{name}: {e}"));
        outs.push(out);
    }
    outs
}

/// The exported files (under any of `outs`) whose bytes contain `needle`, ignoring case.
fn leaks(outs: &[PathBuf], needle: &str) -> Vec<String> {
    let needle = needle.to_lowercase();
    let mut found = Vec::new();
    for out in outs {
        let files = if out.is_dir() {
            all_files(out).into_iter().map(|(name, bytes)| (format!("{}/{name}", out.display()), bytes)).collect()
        } else {
            vec![(out.display().to_string(), std::fs::read(out).unwrap())]
        };
        for (name, bytes) in files {
            if String::from_utf8_lossy(&bytes).to_lowercase().contains(&needle) {
                found.push(name);
            }
        }
    }
    found
}

fn exported_items(archive: &Archive, include_restricted: bool) -> Vec<Item> {
    export::select(archive, &Selection::All, include_restricted).unwrap().0
}

fn room(archive: &Archive, words: &str) -> walkout::SearchResults {
    archive.room_search(&SearchRequest::words(words)).unwrap()
}

#[test]
fn an_attacker_reading_a_bags_info_and_report_learns_no_name_of_who_withheld_consent() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    let id = quote_by(&mut archive, "I was scared to walk out", "Ximena Quiroga");
    archive.record_consent("Ximena Quiroga", consent(ConsentScope::Quote, Consent::Withheld)).unwrap();

    let out = dir.path().join("bag");
    let report = export::export(&archive, Format::Bagit, &ExportOptions::default(), &out).unwrap();
    assert_eq!(report.left_out.len(), 1);
    assert_eq!(report.left_out[0].id, id);
    assert_eq!(report.left_out[0].reason, "a person withheld consent (quote)");
    let info = std::fs::read_to_string(out.join("bag-info.txt")).unwrap();
    assert!(info.contains("1 a person withheld consent (quote)"), "{info}");
    assert!(leaks(&[out], "Ximena").is_empty());
}

#[test]
fn an_attacker_looking_for_a_minor_author_finds_neither_the_article_nor_the_name() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    let id = article_by(
        &mut archive,
        "Why I walked out",
        "Opinion by a sophomore. We walked out at nine.",
        &["Tobias Whitcombe"],
    );
    archive.set_person_protection("Tobias Whitcombe", Some(true), None, None).unwrap();
    let (_, left_out) = export::select(&archive, &Selection::All, false).unwrap();
    assert!(left_out.iter().any(|l| l.id == id && l.reason == "is written by a minor"), "{left_out:?}");
    let outs = export_everything(&archive, dir.path(), false);
    assert!(leaks(&outs, "Whitcombe").is_empty(), "{:?}", leaks(&outs, "Whitcombe"));
    assert!(leaks(&outs, "We walked out at nine").is_empty());
    assert_eq!(room(&archive, "sophomore").total, 0, "the reading room hides it too");
}

#[test]
fn an_attacker_holding_any_export_format_finds_no_author_who_did_not_consent_to_their_name() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    article_by(
        &mut archive,
        "Students fill the plaza",
        "Hundreds of students filled the plaza.",
        &["Wilhelmina Oyelaran"],
    );
    let outs = export_everything(&archive, dir.path(), false);
    assert!(leaks(&outs, "Oyelaran").is_empty(), "{:?}", leaks(&outs, "Oyelaran"));
    // The article itself leaves, by an author the reader cannot name.
    assert!(!leaks(&outs, "Hundreds of students filled the plaza").is_empty());
    let item = exported_items(&archive, false).into_iter().find(|i| i.title == "Students fill the plaza").unwrap();
    let ItemDetails::Article(a) = &item.details else { panic!() };
    assert_eq!(a.authors, vec!["an unnamed author".to_string()]);

    archive.record_consent("Wilhelmina Oyelaran", consent(ConsentScope::Name, Consent::Granted)).unwrap();
    let again = dir.path().join("again");
    let outs = export_everything(&archive, &again, false);
    assert!(!leaks(&outs, "Oyelaran").is_empty(), "with name consent the byline leaves");
}

#[test]
fn an_attacker_reading_a_photo_credit_does_not_learn_the_photographers_name() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    let mut photo = import_photo(&mut archive, dir.path(), "DSCN0010.jpg", "march.jpg");
    photo.credit = Some("Bartholomew Nakashima".into());
    archive.update_item(photo).unwrap();
    archive.set_person_protection("Bartholomew Nakashima", None, Some(true), None).unwrap();
    let (_, left_out) = export::select(&archive, &Selection::All, false).unwrap();
    assert!(left_out.iter().any(|l| l.reason == "is credited to a person at risk"), "{left_out:?}");
    let outs = export_everything(&archive, dir.path(), true);
    assert!(leaks(&outs, "Nakashima").is_empty(), "{:?}", leaks(&outs, "Nakashima"));
}

/// Imports one of tests/data/photos under another file name; returns the photo.
fn import_photo(archive: &mut Archive, dir: &Path, photo: &str, as_name: &str) -> Item {
    let folder = dir.join(format!("in-{as_name}"));
    let path = write(&folder.join(as_name), std::fs::read(data(&format!("photos/{photo}"))).unwrap());
    let report = archive
        .import_paths(&[path], Default::default(), &mut |_| {}, &std::sync::atomic::AtomicBool::new(false))
        .unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    archive.get(report.added[0].id).unwrap()
}

#[test]
fn an_attacker_searching_free_text_for_a_protected_name_in_any_spelling_finds_only_a_pseudonym() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    let mut item = Item::quote("Ask MARIA LOPEZ, she organised the whole thing", archive.now());
    item.description = Some("Recorded by María López's sister.".into());
    item.description_public = true;
    item.tags = vec!["maría lópez".into()];
    if let ItemDetails::Quote(q) = &mut item.details {
        q.speaker = Some("Dana Whitfield".into());
        q.role = Some("friend of Maria Lopez, 10th grade at Roosevelt".into());
        q.context = Some("Said outside, next to Maria  Lopez.".into());
    }
    archive.add_item(item).unwrap();
    archive.set_person_protection("María López", Some(true), None, Some(Some("Student M"))).unwrap();

    let outs = export_everything(&archive, dir.path(), true);
    for spelling in ["María López", "Maria Lopez", "maria  lopez", "MARIA LOPEZ"] {
        assert!(leaks(&outs, spelling).is_empty(), "{spelling}: {:?}", leaks(&outs, spelling));
    }
    let item = exported_items(&archive, true).into_iter().find(|i| i.title.contains("organised")).unwrap();
    let ItemDetails::Quote(q) = &item.details else { panic!() };
    assert_eq!(q.text, "Ask Student M, she organised the whole thing");
    assert_eq!(item.description.as_deref(), Some("Recorded by Student M's sister."));
    assert_eq!(item.tags, vec!["Student M".to_string()]);
    assert_eq!(q.context.as_deref(), Some("Said outside, next to Student M."));
    // The speaker gave no name consent: a pseudonym, not made of the role that was taken out.
    assert!(q.speaker.as_deref().unwrap().starts_with("an unnamed speaker"), "{q:?}");
    assert_eq!(q.role, None);
    assert!(leaks(&outs, "Roosevelt").is_empty(), "{:?}", leaks(&outs, "Roosevelt"));
}

#[test]
fn an_attacker_reading_a_public_export_gets_no_archivists_notes_unless_marked_for_publication() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    let mut item = Item::quote("No one is illegal on stolen land", archive.now());
    item.description = Some("Informant lives on Elm Street above the bakery".into());
    let id = archive.add_item(item).unwrap();
    let outs = export_everything(&archive, dir.path(), false);
    assert!(leaks(&outs, "bakery").is_empty(), "{:?}", leaks(&outs, "bakery"));
    assert!(!leaks(&outs, "stolen land").is_empty());
    assert_eq!(archive.room_item(id).unwrap().description, None, "nor does the reading room show them");

    let mut item = archive.get(id).unwrap();
    item.description = Some("Painted on the banner at the front of the march".into());
    item.description_public = true;
    archive.update_item(item).unwrap();
    let outs = export_everything(&archive, &dir.path().join("published"), false);
    assert!(!leaks(&outs, "Painted on the banner").is_empty(), "marked notes leave");
}

#[test]
fn an_attacker_cannot_place_a_person_who_withheld_their_location() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    let mut item = Item::quote("We meet every Friday", archive.now());
    item.place = Some("Quillfeather Apartments".into());
    if let ItemDetails::Quote(q) = &mut item.details {
        q.speaker = Some("Ingrid Solvang".into());
    }
    let id = archive.add_item(item).unwrap();
    archive.record_consent("Ingrid Solvang", consent(ConsentScope::Location, Consent::Withheld)).unwrap();
    let outs = export_everything(&archive, dir.path(), false);
    assert!(leaks(&outs, "Quillfeather").is_empty(), "{:?}", leaks(&outs, "Quillfeather"));
    assert!(!leaks(&outs, "every Friday").is_empty(), "the words still leave");
    assert_eq!(archive.room_item(id).unwrap().place, None);
    let facets = room(&archive, "").facets;
    assert!(!facets.get("place").is_some_and(|p| p.contains_key("Quillfeather Apartments")), "{facets:?}");
    assert!(!archive.room_places().unwrap().iter().any(|p| p.name == "Quillfeather Apartments"));
}

#[test]
fn an_attacker_cannot_slip_a_minor_through_under_a_second_spelling_of_their_name() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    let id = quote_by(&mut archive, "Education not deportation", "Maria Lopez");
    archive.set_person_protection("María López", Some(true), None, None).unwrap();
    let (_, left_out) = export::select(&archive, &Selection::All, false).unwrap();
    assert!(left_out.iter().any(|l| l.id == id && l.reason == "quotes a minor"), "{left_out:?}");
    assert_eq!(room(&archive, "deportation").total, 0);

    // Consent withheld under one spelling holds for the other, even if the other granted it.
    let other = quote_by(&mut archive, "We are not afraid", "JOSÉ  RAMÍREZ");
    archive.record_consent("Jose Ramirez", consent(ConsentScope::Quote, Consent::Withheld)).unwrap();
    archive.record_consent("JOSÉ RAMÍREZ", consent(ConsentScope::Quote, Consent::Granted)).unwrap();
    let (_, left_out) = export::select(&archive, &Selection::All, false).unwrap();
    assert!(left_out.iter().any(|l| l.id == other), "{left_out:?}");
}

#[test]
fn an_attacker_cannot_get_a_restricted_articles_words_through_a_quote_taken_from_it() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    let article = article_by(&mut archive, "Inside the planning", "The plan was drawn up in the library.", &[]);
    let mut quote = Item::quote("The plan was drawn up in the library", archive.now());
    if let ItemDetails::Quote(q) = &mut quote.details {
        q.source_item = Some(article);
    }
    let quote = archive.add_item(quote).unwrap();
    assert_eq!(room(&archive, "library").total, 2, "both public at first");

    // The source becomes private later: the quote follows, at every read.
    let mut source = archive.get(article).unwrap();
    source.sensitivity = Sensitivity::Private;
    archive.update_item(source).unwrap();
    assert_eq!(room(&archive, "library").total, 0, "{:?}", room(&archive, "library").hits);
    assert!(archive.room_item(quote).is_err());
    let (_, left_out) = export::select(&archive, &Selection::All, true).unwrap();
    let reason = left_out.iter().find(|l| l.id == quote).map(|l| l.reason.clone());
    assert_eq!(reason.as_deref(), Some("taken from a restricted source"));
    let hit = archive.search(&SearchRequest::words("library")).unwrap().hits;
    assert!(hit.iter().all(|h| h.sensitivity == Sensitivity::Private), "lists flag it: {hit:?}");
    // It survives an index rebuilt from the database.
    archive.reindex().unwrap();
    assert_eq!(room(&archive, "library").total, 0);
}

#[test]
fn an_item_exported_with_its_restriction_stays_restricted_when_another_archive_imports_it() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    let id = quote_by(&mut archive, "They know where I live", "Priyanka Venkataraman");
    archive.set_person_protection("Priyanka Venkataraman", None, Some(true), None).unwrap();
    let out = dir.path().join("json");
    let options = ExportOptions { include_restricted: true, ..Default::default() };
    export::export(&archive, Format::Json, &options, &out).unwrap();
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("walkout-export.json")).unwrap()).unwrap();
    let exported = doc["items"].as_array().unwrap().iter().find(|i| i["id"] == id.to_string()).unwrap();
    assert_eq!(exported["sensitivity"], "restricted");
    assert_eq!(exported["restriction"], "quotes a person at risk");

    let other = Archive::create(&dir.path().join("other")).unwrap();
    drop(other);
    let mut other = Archive::open(&dir.path().join("other")).unwrap();
    other.import_paths(&[out], Default::default(), &mut |_| {}, &std::sync::atomic::AtomicBool::new(false)).unwrap();
    let found = other.search(&SearchRequest::words("where I live")).unwrap();
    assert_eq!(found.total, 1);
    assert_eq!(found.hits[0].sensitivity, Sensitivity::Restricted);
    assert_eq!(other.room_search(&SearchRequest::words("where I live")).unwrap().total, 0);
}

#[test]
fn an_attacker_reading_a_cleaned_photos_metadata_learns_no_camera_time_or_file_name() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    let photo = import_photo(&mut archive, dir.path(), "DSCN0010.jpg", "maria_lopez_walkout.jpg");
    let ItemDetails::Photo(p) = &photo.details else { panic!() };
    assert!(p.camera.is_some() && p.taken_at.is_some(), "the fixture has a camera and a time");
    let camera = p.camera.clone().unwrap();
    let outs = export_everything(&archive, dir.path(), false);
    assert!(leaks(&outs, "maria_lopez").is_empty(), "{:?}", leaks(&outs, "maria_lopez"));
    assert!(leaks(&outs, &camera).is_empty(), "{:?}", leaks(&outs, &camera));
    let shown = exported_items(&archive, false).into_iter().find(|i| i.id == photo.id).unwrap();
    let ItemDetails::Photo(s) = &shown.details else { panic!() };
    assert_eq!((s.camera.as_deref(), s.taken_at.as_deref(), s.file_name.as_deref(), s.gps), (None, None, None, None));
    assert_eq!(shown.title, "Untitled photograph");
    let in_room = archive.room_item(photo.id).unwrap();
    assert_eq!(in_room.title, "Untitled photograph");
    let ItemDetails::Photo(r) = &in_room.details else { panic!() };
    assert_eq!((r.camera.as_deref(), r.file_name.as_deref(), r.gps), (None, None, None));
}

#[test]
fn an_attacker_counting_a_persons_items_or_following_a_quotes_source_learns_nothing_left_out() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    archive.record_consent("Rosalind Achterberg", consent(ConsentScope::Name, Consent::Granted)).unwrap();
    let public = quote_by(&mut archive, "Our schools, our voices", "Rosalind Achterberg");
    let mut hidden = Item::quote("The second meeting is at my uncle's garage", archive.now());
    hidden.sensitivity = Sensitivity::Private;
    if let ItemDetails::Quote(q) = &mut hidden.details {
        q.speaker = Some("Rosalind Achterberg".into());
    }
    archive.add_item(hidden).unwrap();
    let private_article = article_by(&mut archive, "Secret plans", "Notes from the secret meeting.", &[]);
    let mut article = archive.get(private_article).unwrap();
    article.sensitivity = Sensitivity::Restricted;
    archive.update_item(article).unwrap();
    let mut quote = Item::quote("We will be back on Monday", archive.now());
    if let ItemDetails::Quote(q) = &mut quote.details {
        q.source_item = Some(private_article);
        q.speaker = Some("Rosalind Achterberg".into());
    }
    let derived = archive.add_item(quote).unwrap();

    let out = dir.path().join("json");
    export::export(&archive, Format::Json, &ExportOptions { include_restricted: true, ..Default::default() }, &out)
        .unwrap();
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("walkout-export.json")).unwrap()).unwrap();
    let person = doc["people"].as_array().unwrap().iter().find(|p| p["name"] == "Rosalind Achterberg").unwrap();
    let exported_by_her = doc["items"].as_array().unwrap().iter().filter(|i| i["speaker"] == "Rosalind Achterberg");
    assert_eq!(person["items"], exported_by_her.count(), "counted over what left only");
    assert!(doc["items"].as_array().unwrap().iter().any(|i| i["id"] == public.to_string()));

    // Without restricted items the article stays, and the quote no longer points to it.
    let out = dir.path().join("public");
    export::export(&archive, Format::Json, &ExportOptions::default(), &out).unwrap();
    let text = std::fs::read_to_string(out.join("walkout-export.json")).unwrap();
    assert!(!text.contains(&private_article.to_string()), "the left-out article's id does not leave");
    assert!(!text.contains(&derived.to_string()), "and the quote inherits its restriction");
}

#[test]
fn a_visitor_in_the_reading_room_sees_what_a_public_export_shows_and_no_more() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    let photo = import_photo(&mut archive, dir.path(), "DSCN0010.jpg", "walkout.jpg");
    let ItemDetails::Photo(p) = &photo.details else { panic!() };
    assert!(p.gps.is_some(), "the fixture carries GPS");
    let quote = quote_by(&mut archive, "Say it loud for the ones who cannot", "Hollis Abernathy-Reyes");
    archive.record_consent("Hollis Abernathy-Reyes", consent(ConsentScope::Quote, Consent::Granted)).unwrap();

    let in_room = archive.room_item(photo.id).unwrap();
    let ItemDetails::Photo(r) = &in_room.details else { panic!() };
    assert_eq!((r.gps, r.camera.as_deref(), r.taken_at.as_deref()), (None, None, None));

    let hits = room(&archive, "loud").hits;
    assert_eq!(hits.len(), 1);
    assert!(hits[0].byline.as_deref().unwrap().starts_with("an unnamed speaker"), "{:?}", hits[0]);
    let shown = archive.room_item(quote).unwrap();
    assert!(shown.speaker().unwrap().starts_with("an unnamed speaker"), "{shown:?}");
    let everything = serde_json::to_string(&(room(&archive, "").facets, archive.room_people().unwrap())).unwrap();
    assert!(!everything.contains("Abernathy"), "{everything}");
    assert!(!serde_json::to_string(&room(&archive, "Abernathy").hits).unwrap().contains("Abernathy"));
    // Outside the room the archivist sees the name.
    assert_eq!(archive.get(quote).unwrap().speaker(), Some("Hollis Abernathy-Reyes"));
}

#[test]
fn a_visitor_counting_the_reading_rooms_lists_learns_nothing_of_what_only_a_minors_quote_holds() {
    let dir = temp();
    let (_, mut archive) = demo_archive(dir.path());
    quote_by(&mut archive, "Books not badges", "Consolata Ferreira-Nwosu");
    archive.record_consent("Consolata Ferreira-Nwosu", consent(ConsentScope::Name, Consent::Granted)).unwrap();
    let all = archive.stats().unwrap();
    let before = archive.room_view().unwrap();
    assert_eq!(before.stats.items, all.items, "everything is public");
    assert!(before.people.contains_key("Consolata Ferreira-Nwosu"));
    assert!(!before.people.contains_key("A Seattle student"), "a described speaker is not a name to list");

    archive.set_person_protection("Consolata Ferreira-Nwosu", Some(true), None, None).unwrap();
    let after = archive.room_view().unwrap();
    assert_eq!((after.stats.items, after.stats.quotes), (all.items - 1, all.quotes - 1));
    assert_eq!(after.ids.len() as u64, after.stats.items);
    assert!(!after.people.contains_key("Consolata Ferreira-Nwosu"), "{:?}", after.people);
    assert!(!archive.room_people().unwrap().iter().any(|p| p.name.contains("Ferreira")));
    assert_eq!(after.stats.people, after.people.len() as u64);
}
