//! The desktop window's side of the engine (`walkout::window`): the archive it shares among its
//! commands, and the reading room's barrier, which a visitor at a shared computer must not get
//! past without the PIN. (Moved here from the shell, which now only forwards to these.)

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};
use walkout::reading_room::PinFailures;
use walkout::window::SharedArchive;
use walkout::window::room::{Barrier, left_on};
use walkout::{Archive, Error};
use zeroize::Zeroizing;

/// The archive's clock in these tests: seconds after a fixed moment, moved by hand.
static SECONDS: AtomicI64 = AtomicI64::new(0);
fn clock() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000 + SECONDS.load(Ordering::SeqCst), 0).unwrap()
}

fn archive_with_pin(dir: &std::path::Path) -> std::path::PathBuf {
    let root = dir.join("a");
    let mut archive = Archive::create(&root).unwrap();
    archive.set_reading_room_pin("2468").unwrap();
    root
}

fn open(root: &std::path::Path) -> SharedArchive {
    let shared = SharedArchive::open(root).unwrap();
    shared
        .write(|archive| {
            archive.set_clock(clock);
            Ok(())
        })
        .unwrap();
    shared
}

fn code<T: std::fmt::Debug>(result: walkout::Result<T>) -> &'static str {
    result.unwrap_err().code()
}

#[test]
fn first_start_creates_the_demo_archive_and_the_second_reopens_it() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("walkout");
    let shared = SharedArchive::open(&root).unwrap();
    let items = shared.read(|a| a.all_items()).unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|item| item.demo));
    assert!(shared.info().unwrap().demo, "the window says it shows the demo record");
    drop(shared);
    let again = SharedArchive::open(&root).unwrap();
    assert_eq!(again.read(|a| a.stats()).unwrap().items, items.len() as u64);
}

#[test]
fn a_folder_with_other_files_is_not_turned_into_an_archive() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(temp.path().join("notes.txt"), "mine").unwrap();
    assert!(matches!(SharedArchive::open(temp.path()), Err(Error::NoArchive { .. })));
    assert_eq!(std::fs::read_dir(temp.path()).unwrap().count(), 1, "nothing was added to the folder");
}

#[test]
fn an_encrypted_archive_starts_locked_and_switching_opens_and_locks_it() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("sealed");
    drop(Archive::create_encrypted(&root, "correct horse").unwrap());
    let shared = SharedArchive::open(&root).unwrap();
    assert_eq!(code(shared.read(|a| a.stats())), "locked");
    assert_eq!(shared.where_().unwrap(), (root.clone(), true));

    let archive = Archive::unlock_for_reading(&root, "correct horse").unwrap();
    shared.switch(archive, Some(Zeroizing::new("correct horse".to_string()))).unwrap();
    assert!(shared.open_archive().unwrap().is_encrypted());
    assert_eq!(shared.read(|a| a.stats()).unwrap().items, 0);

    shared.wait_locked(root.clone()).unwrap();
    assert_eq!(code(shared.write(|a| a.create_collection("x"))), "locked");
    // Locked, the writer lock is released: the archive opens again.
    drop(Archive::unlock(&root, "correct horse").unwrap());
}

#[test]
fn during_an_import_reads_go_on_and_changes_are_refused_as_busy() {
    let temp = tempfile::tempdir().unwrap();
    let shared = SharedArchive::open(&temp.path().join("a")).unwrap();
    let items = shared.read(|a| a.stats()).unwrap().items;
    let open = shared.open_archive().unwrap();
    open.import(|_, _| {
        assert!(open.is_importing());
        assert_eq!(shared.read(|a| a.stats()).unwrap().items, items, "reads use the second handle");
        assert_eq!(code(shared.write(|a| a.create_collection("x"))), "busy");
        assert_eq!(code(open.import(|_, _| Ok(()))), "busy", "one import at a time");
        let other = Archive::create(&temp.path().join("b")).unwrap();
        assert_eq!(code(shared.switch(other, None)), "busy", "the archive is not switched under an import");
        Ok(())
    })
    .unwrap();
    assert!(!open.is_importing());
    shared.write(|a| a.create_collection("x")).unwrap();
}

#[test]
fn an_archive_left_in_the_reading_room_opens_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = archive_with_pin(dir.path());
    let shared = SharedArchive::open(&root).unwrap();
    let room = Barrier::default();
    room.enter(&shared, None, None).unwrap();
    drop(shared);

    // The next start of the app: the window takes up the archive's state.
    let shared = SharedArchive::open(&root).unwrap();
    let room = Barrier::default();
    assert!(!room.on());
    room.follow(&shared);
    assert!(room.on(), "quitting the app does not leave the reading room");
    assert_eq!(code(room.writable()), "reading_room");

    shared.write(|archive| archive.set_reading_room_on(false)).unwrap();
    room.follow(&shared);
    assert!(!room.on());
}

#[test]
fn a_room_state_that_cannot_be_read_counts_as_on_when_there_is_a_pin() {
    let unreadable = || Err(Error::Internal { what: "database is locked".to_string() });
    assert!(left_on(Ok(true), || Ok(false)));
    assert!(!left_on(Ok(false), || Ok(true)));
    assert!(left_on(unreadable(), || Ok(true)), "fails closed");
    assert!(left_on(unreadable(), unreadable), "fails closed when even the PIN cannot be read");
    assert!(!left_on(unreadable(), || Ok(false)), "no PIN: the room could never be left");
    let locked = Err(Error::Locked { path: "/a".into() });
    assert!(!left_on(locked, || unreachable!("a locked archive is followed again once unlocked")));
}

#[test]
fn the_room_is_not_entered_when_the_archive_cannot_keep_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = archive_with_pin(dir.path());
    // Another program holds the archive: this window opens it read-only.
    let _writer = Archive::open(&root).unwrap();
    let shared = SharedArchive::open(&root).unwrap();
    let room = Barrier::default();
    let refused = room.enter(&shared, None, None).unwrap_err();
    assert_eq!(refused.code(), "read_only");
    assert!(refused.to_string().contains("not turned on"), "{refused}");
    assert!(!room.on(), "on only in this window, it would be forgotten on quit");
}

#[test]
fn entering_again_changes_nothing_without_the_current_pin() {
    let dir = tempfile::tempdir().unwrap();
    let shared = open(&archive_with_pin(dir.path()));
    let room = Barrier::default();
    room.enter(&shared, None, None).unwrap();

    // A visitor tries to set a PIN of their own.
    assert_eq!(code(room.enter(&shared, Some("1111".into()), None)), "reading_room");
    assert_eq!(code(room.enter(&shared, Some("1111".into()), Some("9999".into()))), "wrong_pin");
    assert_eq!(code(room.leave(&shared, "1111")), "wrong_pin", "their PIN was not set");
    assert!(room.on());

    // The archivist, with the current PIN, may change it in the room.
    room.enter(&shared, Some("1357".into()), Some("2468".into())).unwrap();
    assert!(room.on());
    assert_eq!(code(room.leave(&shared, "2468")), "wrong_pin");
    assert!(!room.leave(&shared, "1357").unwrap().on);
}

#[test]
fn wrong_pins_are_throttled_and_a_restart_does_not_reset_the_count() {
    let dir = tempfile::tempdir().unwrap();
    let root = archive_with_pin(dir.path());
    let shared = open(&root);
    let room = Barrier::default();
    room.enter(&shared, None, None).unwrap();
    for guess in ["0000", "1111", "2222"] {
        assert_eq!(code(room.leave(&shared, guess)), "wrong_pin");
    }
    assert_eq!(room.status(&shared).unwrap().wait_seconds, 2);
    // Even the right PIN is not heard while the wait runs.
    let wait = room.leave(&shared, "2468").unwrap_err();
    assert_eq!(wait.code(), "too_many_tries");
    assert!(wait.to_string().contains("wait 2 s"), "{wait}");

    SECONDS.fetch_add(2, Ordering::SeqCst);
    assert_eq!(code(room.leave(&shared, "3333")), "wrong_pin");
    assert_eq!(room.status(&shared).unwrap().wait_seconds, 4);

    // A new start of the app (or a reload of the window): the archive kept the count.
    drop(shared);
    let shared = open(&root);
    let room = Barrier::default();
    room.follow(&shared);
    assert!(room.on());
    assert_eq!(code(room.leave(&shared, "2468")), "too_many_tries");
    SECONDS.fetch_add(4, Ordering::SeqCst);
    assert!(!room.leave(&shared, "2468").unwrap().on);
    assert_eq!(room.status(&shared).unwrap().wait_seconds, 0, "the right PIN clears the count");
    assert_eq!(shared.read(Archive::reading_room_failures).unwrap(), PinFailures::default());
}

#[test]
fn nothing_changes_in_the_reading_room() {
    let dir = tempfile::tempdir().unwrap();
    let shared = open(&archive_with_pin(dir.path()));
    let room = Barrier::default();
    assert!(room.writable().is_ok());
    room.enter(&shared, None, None).unwrap();
    assert_eq!(code(room.writable()), "reading_room");
}
