//! Archives that work as a collective: two schools and a volunteer archivist exchange bundles
//! (`share`, `merge_bundle`) with concurrent edits, a conflict, a delete, a purge and a person
//! under two spellings; merging the same bundle twice changes nothing; a round trip leaves every
//! archive with the same items; an older bundle brings back neither a purged item nor a
//! withdrawn consent; restricted items and consent grants travel only when the sender says so;
//! a sealed bundle opens only with its passphrase; a damaged one merges nothing; the CLI.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use walkout::bundle::{ConflictChoice, MergeOptions, MergeReport, ShareOptions, merge_state};
use walkout::export::{ExportOptions, Format};
use walkout::ingest::ImportLimits;
use walkout::privacy::{ConsentRecord, ConsentScope};
use walkout::{Archive, Consent, Error, Id, ItemDetails, Sensitivity};

use crate::common::*;

fn archive(dir: &Path, name: &str, user: &str) -> Archive {
    let mut archive = Archive::create(&dir.join(name)).unwrap();
    archive.set_user(user).unwrap();
    archive
}

fn share(archive: &Archive, out: &Path) -> PathBuf {
    let options = ShareOptions { include_consent: true, include_restricted: true, ..Default::default() };
    archive.share(&options, out).unwrap();
    out.to_path_buf()
}

fn merge(archive: &mut Archive, bundle: &Path) -> MergeReport {
    archive.merge_bundle(bundle, &MergeOptions::default()).unwrap()
}

fn text_of(archive: &Archive, id: Id) -> String {
    match archive.get(id).unwrap().details {
        ItemDetails::Quote(q) => q.text,
        _ => panic!("not a quote"),
    }
}

/// Every item as two archives compare them, with its collections.
fn contents(archive: &Archive) -> BTreeMap<Id, (serde_json::Value, Vec<String>)> {
    archive
        .all_items()
        .unwrap()
        .into_iter()
        .map(|item| {
            let mut collections: Vec<String> = item.collections.iter().map(|c| c.to_lowercase()).collect();
            collections.sort();
            (item.id, (merge_state(&item).unwrap(), collections))
        })
        .collect()
}

fn consent_in_force(archive: &Archive, name: &str) -> Consent {
    let today = archive.now().date_naive();
    archive.person_privacy(name).unwrap().consent(ConsentScope::Name, today)
}

fn consent(status: Consent) -> ConsentRecord {
    ConsentRecord { scope: ConsentScope::Name, status, date: None, note: Some("form on file".into()), expires: None }
}

#[test]
fn two_schools_and_an_archivist_merge_concurrent_work_and_end_with_the_same_items() {
    let dir = temp();
    let bundles = dir.path().join("bundles");
    let mut north = archive(dir.path(), "north", "Ana (North High)");
    let mut south = archive(dir.path(), "south", "Ben (South High)");
    let mut hub = archive(dir.path(), "hub", "Cam (archivist)");

    // North High starts the record: quotes, a photo, a collection, a minor with consent.
    let q1 = quote(&mut north, "We walked out for our neighbors", "María López");
    let q2 = quote(&mut north, "Education, not deportation", "Jordan Reyes");
    let q4 = quote(&mut north, "This one will be deleted", "Jordan Reyes");
    let q5 = quote(&mut north, "This one will be purged", "Sam Ortiz");
    let photos = jpegs(&dir.path().join("camera"), 1);
    let report = north.import_paths(&photos, ImportLimits::default(), &mut |_| {}, &AtomicBool::new(false)).unwrap();
    let p1 = report.added[0].id;
    north.add_to_collection("Rally day", &[q1, p1]).unwrap();
    north.set_person_protection("María López", Some(true), None, Some(Some("a North High student"))).unwrap();
    north.record_consent("María López", consent(Consent::Granted)).unwrap();
    let first = share(&north, &bundles.join("north-1"));

    for school in [&mut south, &mut hub] {
        let report = merge(school, &first);
        assert_eq!(report.added.len(), 5, "every item is new there");
        assert!(report.conflicts.is_empty());
    }
    assert_eq!(contents(&south), contents(&north));
    assert!(hub.files().contains(north.get(p1).unwrap().sha256().unwrap()), "the photo's file came along");
    assert_eq!(hub.collection_items("Rally day").unwrap().len(), 2);
    assert_eq!(consent_in_force(&hub, "María López"), Consent::Granted);

    // Concurrent work: different fields of q1, the same field of q2 (a conflict), a delete at
    // North that South edits meanwhile, a purge at South, a new quote at South naming the
    // student under another spelling, and North recording the student's withdrawal.
    set(&mut north, q1, "place", "Minneapolis, Minnesota");
    set(&mut south, q1, "date", "2026-01-30");
    set(&mut north, q2, "text", "Education, not deportation!");
    set(&mut south, q2, "text", "Education not deportation");
    north.delete_for_undo(&[q4]).unwrap();
    set(&mut south, q4, "text", "South edited the deleted one");
    south.purge(&[q5]).unwrap();
    let q3 = quote(&mut south, "Maria Lopez spoke first", "Maria Lopez");
    south.tag(q3, &["speech".to_string()]).unwrap();
    north.record_consent("María López", consent(Consent::Withheld)).unwrap();

    let from_north = share(&north, &bundles.join("north-2"));
    let from_south = share(&south, &bundles.join("south-1"));

    let report = merge(&mut hub, &from_north);
    assert_eq!(report.updated.len(), 2, "q1 and q2 take North's edits: {report:?}");
    assert!(report.conflicts.is_empty(), "only North changed them since the hub had them");
    assert_eq!(report.deleted, [q4]);
    assert_eq!(consent_in_force(&hub, "María López"), Consent::Withheld, "the withdrawal travelled");

    let report = merge(&mut hub, &from_south);
    assert_eq!(report.added, [q3]);
    assert_eq!(report.kept_gone, [q4], "North's delete wins over South's edit");
    assert_eq!(report.purged, [q5], "South's purge reaches the hub");
    assert_eq!(report.spellings, [["Maria Lopez".to_string(), "María López".to_string()]]);
    assert_eq!(report.conflicts.len(), 1, "{report:?}");
    let conflict = &report.conflicts[0];
    assert_eq!((conflict.item, conflict.field.as_str()), (q2, "text"));
    assert_eq!(conflict.ours, "Education, not deportation!");
    assert_eq!(conflict.theirs, "Education not deportation");
    assert_eq!(conflict.our_user, "Ana (North High)");
    assert_eq!(conflict.their_user, "Ben (South High)");
    let q1_here = hub.get(q1).unwrap();
    assert_eq!(q1_here.place.as_deref(), Some("Minneapolis, Minnesota"), "North's field kept");
    assert_eq!(q1_here.date.as_ref().map(|d| d.as_str()), Some("2026-01-30"), "South's field taken");
    assert_eq!(text_of(&hub, q2), "Education, not deportation!", "a conflict keeps this archive's value");
    assert!(matches!(hub.get(q5), Err(Error::ItemNotFound { .. })));
    assert!(matches!(hub.get(q4), Err(Error::ItemNotFound { .. })));

    // The two spellings are one person: North's protection covers South's spelling at the hub.
    let site = dir.path().join("site.json");
    walkout::export::export(&hub, Format::Json, &ExportOptions::default(), &site).unwrap();
    let leaked: Vec<String> =
        ["María López", "Maria Lopez"].iter().flat_map(|name| files_containing(&site, name.as_bytes())).collect();
    assert!(leaked.is_empty(), "the student's name left in a public export: {leaked:?}");

    // Idempotence: the same bundle again changes nothing.
    let again = merge(&mut hub, &from_south);
    assert!(
        again.added.is_empty()
            && again.updated.is_empty()
            && again.conflicts.is_empty()
            && again.deleted.is_empty()
            && again.purged.is_empty(),
        "{again:?}"
    );
    assert_eq!(hub.merge_conflicts().unwrap().len(), 1, "still one conflict waiting");

    // The archivist chooses South's wording, then sends the whole back to both schools.
    hub.resolve_conflict(conflict.id, ConflictChoice::Theirs).unwrap();
    assert_eq!(text_of(&hub, q2), "Education not deportation");
    assert!(hub.merge_conflicts().unwrap().is_empty());
    let from_hub = share(&hub, &bundles.join("hub-1"));
    for school in [&mut north, &mut south] {
        let report = merge(school, &from_hub);
        assert!(report.conflicts.is_empty(), "the archivist's choices settle it: {report:?}");
    }
    let hub_items = contents(&hub);
    assert_eq!(contents(&north), hub_items, "North holds the hub's items, field for field");
    assert_eq!(contents(&south), hub_items, "South holds the hub's items, field for field");
    assert_eq!(hub_items.len(), 4, "q1, q2, q3 and the photo");

    // And back again: nothing moves any more (A→B then B→A is stable).
    let from_north = share(&north, &bundles.join("north-3"));
    let report = merge(&mut hub, &from_north);
    assert!(report.added.is_empty() && report.updated.is_empty() && report.conflicts.is_empty(), "{report:?}");

    // An old bundle brings back neither the purged or deleted item nor the withdrawn consent.
    for (name, school) in [("north", &mut north), ("south", &mut south), ("hub", &mut hub)] {
        let report = merge(school, &first);
        assert!(report.added.is_empty(), "{name}: {report:?}");
        assert!(school.get(q5).is_err() && school.get(q4).is_err(), "{name}");
        assert_eq!(
            consent_in_force(school, "María López"),
            Consent::Withheld,
            "{name}: {:?}",
            school.person_privacy("María López")
        );
    }
    assert_eq!(contents(&north), contents(&hub));
}

#[test]
fn restricted_items_and_consent_grants_travel_only_when_the_sender_says_so() {
    let dir = temp();
    let mut sender = archive(dir.path(), "sender", "Ana");
    let mut receiver = archive(dir.path(), "receiver", "Ben");
    let open = quote(&mut sender, "Public words", "Lee Park");
    let restricted = quote(&mut sender, "Words for the archive only", "Lee Park");
    let private = quote(&mut sender, "Never leaves", "Lee Park");
    set(&mut sender, restricted, "sensitivity", "restricted");
    set(&mut sender, private, "sensitivity", "private");
    sender.record_consent("Lee Park", consent(Consent::Granted)).unwrap();

    let plain = dir.path().join("plain");
    let report = sender.share(&ShareOptions::default(), &plain).unwrap();
    assert_eq!(report.items, 1, "{report:?}");
    assert_eq!(report.left_out.len(), 2);
    let merged = merge(&mut receiver, &plain);
    assert_eq!(merged.added, [open]);
    assert_eq!(consent_in_force(&receiver, "Lee Park"), Consent::Unknown, "the grant stayed home");
    assert!(files_containing(&plain, b"Never leaves").is_empty());

    let wider = dir.path().join("wider");
    let options = ShareOptions { include_restricted: true, include_consent: true, ..Default::default() };
    let report = sender.share(&options, &wider).unwrap();
    assert_eq!(report.items, 2, "restricted, never private");
    let merged = merge(&mut receiver, &wider);
    assert_eq!(merged.added, [restricted]);
    assert_eq!(receiver.get(restricted).unwrap().sensitivity, Sensitivity::Restricted, "the receiver's policy applies");
    assert_eq!(consent_in_force(&receiver, "Lee Park"), Consent::Granted);
    assert!(files_containing(&wider, b"Never leaves").is_empty());
}

#[test]
fn a_sealed_bundle_opens_only_with_its_passphrase_and_a_damaged_one_merges_nothing() {
    let dir = temp();
    let mut sender = archive(dir.path(), "sender", "Ana");
    let mut receiver = archive(dir.path(), "receiver", "Ben");
    quote(&mut sender, "Sealed words from a walkout", "Lee Park");

    let sealed = dir.path().join("north.walkout-bundle");
    let options = ShareOptions { passphrase: Some("correct horse".into()), ..Default::default() };
    assert!(sender.share(&options, &sealed).unwrap().sealed);
    assert!(sealed.is_file());
    assert!(files_containing(dir.path(), b"Sealed words").iter().all(|f| !f.contains("walkout-bundle")));
    let err = receiver.merge_bundle(&sealed, &MergeOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Sealed { wrong: false, .. }), "{err}");
    let wrong = MergeOptions { passphrase: Some("wrong horse".into()), ..Default::default() };
    let err = receiver.merge_bundle(&sealed, &wrong).unwrap_err();
    assert_eq!(err.code(), "wrong_passphrase", "{err}");
    let right = MergeOptions { passphrase: Some("correct horse".into()), ..Default::default() };
    assert_eq!(receiver.merge_bundle(&sealed, &right).unwrap().added.len(), 1);

    // A bundle changed after it was written is refused whole, naming what is wrong.
    let bag = dir.path().join("bag");
    sender.share(&ShareOptions::default(), &bag).unwrap();
    let doc = bag.join("data/walkout-bundle.json");
    let text = std::fs::read_to_string(&doc).unwrap().replace("Sealed words", "Forged words");
    std::fs::write(&doc, text).unwrap();
    let mut third = archive(dir.path(), "third", "Cam");
    let err = third.merge_bundle(&bag, &MergeOptions::default()).unwrap_err();
    assert_eq!(err.code(), "bad_file");
    assert!(err.to_string().contains("walkout-bundle.json"), "{err}");
    assert!(third.all_items().unwrap().is_empty(), "nothing was merged");
}

#[test]
fn a_dry_run_says_what_a_merge_would_do_and_changes_nothing() {
    let dir = temp();
    let mut sender = archive(dir.path(), "sender", "Ana");
    let mut receiver = archive(dir.path(), "receiver", "Ben");
    quote(&mut sender, "One", "Lee Park");
    quote(&mut sender, "Two", "Lee Park");
    let bundle = share(&sender, &dir.path().join("b"));
    let preview = receiver.merge_bundle(&bundle, &MergeOptions { dry_run: true, ..Default::default() }).unwrap();
    assert!(preview.dry_run);
    assert_eq!(preview.added.len(), 2);
    assert!(receiver.all_items().unwrap().is_empty());
    assert_eq!(merge(&mut receiver, &bundle).added, preview.added);
}

#[test]
fn the_cli_shares_merges_lists_and_resolves_conflicts() {
    let dir = temp();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let mut left = archive(dir.path(), "a", "Ana");
    let id = quote(&mut left, "The first wording", "Lee Park");
    drop(left);
    let bundle = dir.path().join("bundle");
    let shared = run_json(&a, &["share", bundle.to_str().unwrap(), "--json"]);
    assert_eq!(shared["items"], 1);
    Archive::create(&b).unwrap();
    let merged = run_json(&b, &["merge", bundle.to_str().unwrap(), "--json"]);
    assert_eq!(merged["added"].as_array().unwrap().len(), 1);

    let id = id.to_string();
    assert!(run(&a, &["edit", &id, "--set", "text=Wording from A"]).status.success());
    assert!(run(&b, &["edit", &id, "--set", "text=Wording from B"]).status.success());
    let back = dir.path().join("back");
    assert!(run(&a, &["share", back.to_str().unwrap()]).status.success());
    let out = run(&b, &["merge", back.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "conflicts wait: exit 3");
    let listed = run_json(&b, &["conflicts", "--json"]);
    let number = listed[0]["id"].as_i64().unwrap().to_string();
    assert_eq!(listed[0]["theirs"], "Wording from A");
    assert!(run(&b, &["resolve", &number, "--keep", "theirs"]).status.success());
    let shown = run_json(&b, &["show", &id, "--json"]);
    assert_eq!(shown["text"], "Wording from A");
    assert_eq!(run_json(&b, &["conflicts", "--json"]), serde_json::json!([]));
}

#[test]
fn a_person_purged_here_stays_purged_whatever_a_bundle_says_of_them() {
    let dir = temp();
    let mut school = archive(dir.path(), "school", "Ana");
    let mut keeper = archive(dir.path(), "keeper", "Ben");
    let said = quote(&mut school, "We walked out for our neighbours", "Tomás Reyes");
    school.set_person_protection("Tomás Reyes", Some(true), None, None).unwrap();
    let old = share(&school, &dir.path().join("old"));
    merge(&mut keeper, &old);
    assert!(keeper.get(said).is_ok());
    keeper.purge_person("Tomás Reyes").unwrap();

    // The school, not knowing, quotes him again, spelled without the accent.
    let again = quote(&mut school, "He led the march down Lake Street", "Tomas Reyes");
    let newer = share(&school, &dir.path().join("newer"));
    for bundle in [&old, &newer] {
        let report = merge(&mut keeper, bundle);
        assert!(report.added.is_empty() && report.people.is_empty(), "{report:?}");
    }
    assert!(keeper.get(said).is_err() && keeper.get(again).is_err(), "his quotes stay out");
    let people: Vec<String> = keeper.people().unwrap().into_iter().map(|p| p.name).collect();
    assert!(people.iter().all(|n| !n.contains("Reyes")), "his record came back: {people:?}");
    for words in ["Reyes", "Lake Street"] {
        let hits = keeper.search(&walkout::SearchRequest::words(words.to_string())).unwrap();
        assert_eq!(hits.total, 0, "{words} is found again");
    }
}

#[test]
fn a_bundle_carries_an_items_current_state_never_its_earlier_ones() {
    let dir = temp();
    let mut school = archive(dir.path(), "school", "Ana");
    let mut keeper = archive(dir.path(), "keeper", "Ben");
    let id = quote(&mut school, "Meet at the library at noon", "Lee Park");
    set(&mut school, id, "description", "Lee lives at 12 Elm Street; ask his sister");
    set(&mut school, id, "description", "One of the organizers");
    let first = share(&school, &dir.path().join("first"));
    assert!(files_containing(&first, b"12 Elm Street").is_empty(), "an earlier description travelled");
    merge(&mut keeper, &first);

    // Both sides then change different fields: the merge still finds its common ground.
    set(&mut school, id, "place", "Minneapolis");
    set(&mut keeper, id, "tags", "walkout");
    let report = merge(&mut keeper, &share(&school, &dir.path().join("second")));
    assert!(report.conflicts.is_empty(), "{report:?}");
    let item = keeper.get(id).unwrap();
    assert_eq!(item.place.as_deref(), Some("Minneapolis"));
    assert_eq!(item.tags, ["walkout"]);
    assert_eq!(item.description.as_deref(), Some("One of the organizers"));
}

fn january() -> chrono::DateTime<chrono::Utc> {
    "2026-01-30T12:00:00Z".parse().unwrap()
}

fn february() -> chrono::DateTime<chrono::Utc> {
    "2026-02-02T12:00:00Z".parse().unwrap()
}

fn march() -> chrono::DateTime<chrono::Utc> {
    "2026-03-02T12:00:00Z".parse().unwrap()
}

#[test]
fn a_withdrawal_recorded_here_is_never_lifted_by_a_bundles_grant() {
    let dir = temp();
    let mut school = archive(dir.path(), "school", "Ana");
    let mut keeper = archive(dir.path(), "keeper", "Ben");
    keeper.set_clock(january);
    school.set_clock(february);
    quote(&mut school, "Our school is our home", "Lee Park");
    keeper.record_consent("Lee Park", consent(Consent::Withheld)).unwrap();
    // The school's grant is newer than the withdrawal here: it still does not lift it.
    school.record_consent("Lee Park", consent(Consent::Granted)).unwrap();
    keeper.set_clock(march);
    let report = merge(&mut keeper, &share(&school, &dir.path().join("bundle")));
    assert_eq!(report.added.len(), 1);
    assert_eq!(consent_in_force(&keeper, "Lee Park"), Consent::Withheld);
    assert!(merge(&mut keeper, &share(&school, &dir.path().join("again"))).people.is_empty());
}

#[test]
fn protective_fields_changed_on_both_sides_take_the_more_protective_value() {
    let dir = temp();
    let mut school = archive(dir.path(), "school", "Ana");
    let mut keeper = archive(dir.path(), "keeper", "Ben");
    let id = quote(&mut school, "They took my uncle on the way to school", "Lee Park");
    merge(&mut keeper, &share(&school, &dir.path().join("first")));
    set(&mut school, id, "consent", "withheld");
    set(&mut keeper, id, "consent", "granted");
    set(&mut school, id, "sensitivity", "restricted");
    set(&mut keeper, id, "sensitivity", "private");
    let report = merge(&mut keeper, &share(&school, &dir.path().join("second")));
    assert!(report.conflicts.is_empty(), "{report:?}");
    let item = keeper.get(id).unwrap();
    assert_eq!(item.consent, Consent::Withheld);
    assert_eq!(item.sensitivity, Sensitivity::Private);
}

#[test]
fn a_bundle_since_a_date_carries_the_withdrawals_made_since_for_items_shared_before() {
    let dir = temp();
    let mut school = archive(dir.path(), "school", "Ana");
    let mut keeper = archive(dir.path(), "keeper", "Ben");
    school.set_clock(january);
    quote(&mut school, "We are not afraid", "Lee Park");
    school.record_consent("Lee Park", consent(Consent::Granted)).unwrap();
    merge(&mut keeper, &share(&school, &dir.path().join("first")));
    assert_eq!(consent_in_force(&keeper, "Lee Park"), Consent::Granted);

    // In February Lee withdraws; no item changes.
    school.set_clock(february);
    school.record_consent("Lee Park", consent(Consent::Withheld)).unwrap();
    let since = Some("2026-02-01T00:00:00Z".parse().unwrap());
    let options = ShareOptions { since, include_consent: true, ..Default::default() };
    let out = dir.path().join("since");
    let report = school.share(&options, &out).unwrap();
    assert_eq!((report.items, report.people), (0, 1), "{report:?}");
    merge(&mut keeper, &out);
    assert_eq!(consent_in_force(&keeper, "Lee Park"), Consent::Withheld);
}

#[test]
fn a_protected_person_named_only_in_an_items_words_brings_their_protection_along() {
    let dir = temp();
    let mut school = archive(dir.path(), "school", "Ana");
    let mut keeper = archive(dir.path(), "keeper", "Ben");
    school.set_person_protection("Tomás Reyes", Some(true), None, Some(Some("a ninth grader"))).unwrap();
    let id = quote(&mut school, "We marched to city hall", "Lee Park");
    set(&mut school, id, "description", "Tomás Reyes, 14, led the chants");
    merge(&mut keeper, &share(&school, &dir.path().join("bundle")));

    let tomas = keeper.person_privacy("Tomás Reyes").expect("his record came along");
    assert!(tomas.minor);
    let out = dir.path().join("published");
    walkout::export::export(&keeper, Format::Json, &ExportOptions::default(), &out).unwrap();
    // His quote is kept back or his name taken out, as at the school: never published.
    assert!(files_containing(&out, "Reyes".as_bytes()).is_empty(), "the keeper's export names him");
}
