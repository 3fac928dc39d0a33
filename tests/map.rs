//! The map's counts as an archivist and a visitor read them: matches per place under any search
//! and filters, in the same pass as the timeline; photos where they were taken for the archivist
//! only; and in the reading room and the exhibit site, never a photo's coordinates nor the place
//! of someone who withheld it.

use std::sync::atomic::AtomicBool;

use walkout::map::Spread;
use walkout::privacy::{ConsentRecord, ConsentScope};
use walkout::timeline::TimeUnit;
use walkout::{Archive, Consent, Gps, Item, ItemDetails, SearchRequest, Sensitivity};

use crate::common::*;

fn count(spread: &Spread, place: &str) -> Option<u64> {
    spread.places.iter().find(|p| p.name == place).map(|p| p.items)
}

fn quote_at(archive: &mut Archive, text: &str, place: &str, date: &str, speaker: &str) -> walkout::Id {
    let mut item = Item::quote(text, archive.now());
    item.place = Some(place.into());
    item.date = Some(date.parse().unwrap());
    if let ItemDetails::Quote(q) = &mut item.details {
        q.speaker = Some(speaker.into());
    }
    archive.add_item(item).unwrap()
}

/// The demo record, two more quotes from Minneapolis (one in March), and a camera photo with GPS.
fn archive(dir: &std::path::Path) -> Archive {
    let (_, mut archive) = demo_archive(dir);
    quote_at(&mut archive, "We walked out again in March", "Minneapolis, Minnesota", "2026-03-12", "Ana Ruiz");
    quote_at(&mut archive, "The buses were empty on the thirtieth", "Minneapolis, Minnesota", "2026-01-30", "Lee Park");
    let photos = dir.join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    std::fs::copy(data("photos/DSCN0010.jpg"), photos.join("DSCN0010.jpg")).unwrap();
    archive.import_paths(&[photos], Default::default(), &mut |_| {}, &AtomicBool::new(false)).unwrap();
    archive
}

#[test]
fn the_map_counts_matches_per_place_under_the_search_and_its_filters() {
    let dir = temp();
    let archive = archive(dir.path());
    let all = archive.spread(&SearchRequest::default(), TimeUnit::Month).unwrap();
    let minneapolis = all.places.iter().find(|p| p.name == "Minneapolis, Minnesota").expect("Minneapolis");
    assert_eq!(minneapolis.items, 4, "{:?}", all.places);
    assert_eq!(minneapolis.gps, Some(Gps { lat: 44.9778, lon: -93.2650 }), "the place's own coordinates");
    let us = all.places.iter().find(|p| p.name == "United States").expect("a place with no coordinates");
    assert_eq!(us.gps, None);
    assert_eq!(all.unplaced, 1, "the photo has no place: {:?}", all.places);
    let placed: u64 = all.places.iter().map(|p| p.items).sum();
    assert_eq!(placed + all.unplaced, all.timeline.dated + all.timeline.undated, "every match counted once");

    // The archivist sees where the photo was taken, as one cell of about 110 m.
    assert_eq!(all.photos.len(), 1, "{:?}", all.photos);
    let ItemDetails::Photo(p) =
        &archive.all_items().unwrap().into_iter().find(|i| i.sha256().is_some()).unwrap().details
    else {
        panic!("a photo")
    };
    let gps = p.gps.expect("the camera's GPS");
    assert!((all.photos[0].lat - gps.lat).abs() < 0.0006 && (all.photos[0].lon - gps.lon).abs() < 0.0006);

    // The same search's timeline and places, in the same answer: March holds one match.
    let march = SearchRequest {
        from: Some("2026-03-01".parse().unwrap()),
        to: Some("2026-03-31".parse().unwrap()),
        ..Default::default()
    };
    let spread = archive.spread(&march, TimeUnit::Month).unwrap();
    // The quote of 12 March, and the quotes dated only "2026", which overlap March.
    assert_eq!(count(&spread, "Minneapolis, Minnesota"), Some(3), "{:?}", spread.places);
    let words = archive.spread(&SearchRequest::words("March"), TimeUnit::Day).unwrap();
    assert_eq!(words.places.len(), 1, "{:?}", words.places);
    assert_eq!(count(&words, "Minneapolis, Minnesota"), Some(1));
    assert_eq!(words.timeline.periods.len(), 1);
    assert_eq!(words.timeline.periods[0].start.to_string(), "2026-03-12");

    // A place filter: only that place.
    let place = SearchRequest { place: Some("minneapolis, minnesota".into()), ..Default::default() };
    let spread = archive.spread(&place, TimeUnit::Year).unwrap();
    assert_eq!(spread.places.len(), 1);
    assert_eq!(spread.unplaced, 0);
    assert!(spread.photos.is_empty(), "the photo is elsewhere");
}

#[test]
fn an_event_filter_lists_the_items_of_that_event() {
    let dir = temp();
    let archive = archive(dir.path());
    let events = archive.events().unwrap();
    let rally = events.iter().find(|e| e.name == "University of Minnesota rally").expect("the demo's rally");
    let request =
        SearchRequest { event: Some("university of minnesota RALLY".into()), limit: 50, ..Default::default() };
    let results = archive.search(&request).unwrap();
    assert_eq!(results.total, rally.items, "as many as the event counts");
    assert!(results.total > 0);
    for hit in &results.hits {
        assert_eq!(archive.get(hit.id).unwrap().event.as_deref(), Some("University of Minnesota rally"));
    }
    let none = SearchRequest { event: Some("No such event".into()), ..Default::default() };
    assert_eq!(archive.search(&none).unwrap().total, 0);
}

#[test]
fn the_reading_room_map_shows_places_never_a_photos_gps_nor_a_withheld_place() {
    let dir = temp();
    let mut archive = archive(dir.path());
    // A student who withheld where they were, quoted at a place only their quote names.
    quote_at(&mut archive, "We meet behind the gym", "Quillfeather Apartments", "2026-01-30", "Ingrid Solvang");
    archive.locate_place("Quillfeather Apartments", Some(Gps { lat: 44.97, lon: -93.26 })).unwrap();
    let record = ConsentRecord {
        scope: ConsentScope::Location,
        status: Consent::Withheld,
        date: Some("2026-02".parse().unwrap()),
        note: None,
        expires: None,
    };
    archive.record_consent("Ingrid Solvang", record).unwrap();
    // A restricted quote from Seattle.
    let seattle =
        archive.search(&SearchRequest { place: Some("Seattle, Washington".into()), ..Default::default() }).unwrap();
    let mut item = archive.get(seattle.hits[0].id).unwrap();
    item.sensitivity = Sensitivity::Restricted;
    archive.update_item(item).unwrap();

    let full = archive.spread(&SearchRequest::default(), TimeUnit::Month).unwrap();
    assert_eq!(count(&full, "Quillfeather Apartments"), Some(1), "the archivist sees it");
    assert_eq!(count(&full, "Seattle, Washington"), Some(1));
    let room = archive.room_spread(&SearchRequest::default(), TimeUnit::Month).unwrap();
    assert_eq!(count(&room, "Quillfeather Apartments"), None, "{:?}", room.places);
    assert_eq!(count(&room, "Seattle, Washington"), None, "a restricted item is not counted");
    assert!(room.photos.is_empty(), "no photo's GPS in the reading room: {:?}", room.photos);
    assert_eq!(count(&room, "Minneapolis, Minnesota"), Some(4));
    // The withheld quote still counts in time, as an item with no place shown.
    let placed: u64 = room.places.iter().map(|p| p.items).sum();
    assert_eq!(placed + room.unplaced, room.timeline.dated + room.timeline.undated);
    assert_eq!(room.timeline.dated + room.timeline.undated, full.timeline.dated + full.timeline.undated - 1);
    // Asked for by name, the withheld place matches nothing in the room, in time or in a search.
    let asked = SearchRequest { place: Some("quillfeather apartments".into()), ..Default::default() };
    assert_eq!(archive.spread(&asked, TimeUnit::Month).unwrap().timeline.dated, 1, "the archivist sees it");
    let spread = archive.room_spread(&asked, TimeUnit::Month).unwrap();
    assert_eq!((spread.timeline.dated, spread.timeline.undated, spread.places.len()), (0, 0, 0), "{spread:?}");
    assert_eq!(archive.room_search(&asked).unwrap().total, 0);
    assert!(archive.room_search_ids(&asked).unwrap().is_empty());
    let json = serde_json::to_string(&room).unwrap();
    assert!(!json.contains("Quillfeather") && !json.contains("44.97,"), "{json}");
}

#[test]
fn an_archivist_locates_a_place_by_its_coordinates_and_can_take_it_back() {
    let dir = temp();
    let mut archive = archive(dir.path());
    let before = archive.locate_place("united states", Some(Gps { lat: 39.8, lon: -98.6 })).unwrap();
    assert_eq!(before, None);
    let spread = archive.spread(&SearchRequest::default(), TimeUnit::Year).unwrap();
    let us = spread.places.iter().find(|p| p.name == "United States").unwrap();
    assert_eq!(us.gps, Some(Gps { lat: 39.8, lon: -98.6 }));
    let back = archive.locate_place("United States", before).unwrap();
    assert_eq!(back, Some(Gps { lat: 39.8, lon: -98.6 }), "what it was, for undo");
    assert_eq!(archive.places().unwrap().iter().find(|p| p.name == "United States").unwrap().gps, None);

    let wrong = archive.locate_place("Minneapolis, Minnesota", Some(Gps { lat: 95.0, lon: 10.0 })).unwrap_err();
    assert!(wrong.to_string().contains("95"), "{wrong}");
    let unknown = archive.locate_place("Atlantis", Some(Gps { lat: 1.0, lon: 1.0 })).unwrap_err();
    assert!(unknown.to_string().contains("Atlantis"), "{unknown}");
    assert!(!archive.places().unwrap().iter().any(|p| p.name == "Atlantis"), "not created by a typo");
}

#[test]
fn the_cli_locates_a_place_and_maps_a_search_as_the_archivist_or_the_public_sees_it() {
    let dir = temp();
    let (root, archive) = demo_archive(dir.path());
    drop(archive);
    let photos = dir.path().join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    std::fs::copy(data("photos/DSCN0010.jpg"), photos.join("DSCN0010.jpg")).unwrap();
    assert!(run(&root, &["import", photos.to_str().unwrap()]).status.success());

    let out = run(&root, &["place", "United States", "--at", "39.8,-98.6"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bad = run(&root, &["place", "United States", "--at", "north"]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("LATITUDE,LONGITUDE"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );

    let map = run_json(&root, &["map", "--json"]);
    let us = map["places"].as_array().unwrap().iter().find(|p| p["name"] == "United States").unwrap().clone();
    assert_eq!(us["gps"]["lat"], 39.8);
    assert_eq!(map["photos"].as_array().unwrap().len(), 1, "{map}");
    let public = run_json(&root, &["map", "--public", "--json"]);
    assert_eq!(public["photos"].as_array().unwrap().len(), 0, "{public}");
    let iowa = run_json(&root, &["map", "--json", "--place", "Iowa City, Iowa"]);
    assert_eq!(iowa["places"].as_array().unwrap().len(), 1, "{iowa}");

    let text = String::from_utf8(run(&root, &["map", "--event", "National student walkout"]).stdout).unwrap();
    assert!(text.contains("United States  (39.8000, -98.6000)"), "{text}");
    let cleared = run(&root, &["place", "United States", "--clear"]);
    assert!(cleared.status.success());
    let text = String::from_utf8(run(&root, &["map"]).stdout).unwrap();
    assert!(text.contains("United States  (—)"), "{text}");
    assert!(text.contains("1 photos with GPS"), "{text}");
}
