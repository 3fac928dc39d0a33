//! Crash consistency under SIGKILL at random moments: a child `walkout import` of a large batch
//! (quotes and photos) is killed again and again, the archive reopened each time. After every
//! kill the database passes `integrity_check`, every item a reader had seen committed is still
//! there and whole, the index holds exactly the database's items, and the only leftovers are
//! stored photos no row points to yet (which `verify` reports). When an import finally runs to
//! its end, the archive equals a clean import of the same files.
//!
//! The normal run kills 15 times; `WALKOUT_LONG_CRASH=1000` kills 1,000 times over a larger
//! batch. `WALKOUT_CRASH_SEED` replays a run (the seed is printed).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use walkout::{Archive, Id, Item, ItemDetails};

use crate::common::*;

/// The seed of this run: `WALKOUT_CRASH_SEED`, else the clock.
fn seed() -> u64 {
    std::env::var("WALKOUT_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    })
}

/// How many kills a long run makes, when one is asked for.
pub fn long_run() -> Option<u64> {
    std::env::var("WALKOUT_LONG_CRASH").ok().map(|v| v.parse().unwrap_or(1000))
}

/// The batch: photos before and after a sheet of quotes, so that kills land while photos are
/// stored, while quotes are committed batch by batch, and between.
struct Batch {
    folder: PathBuf,
    /// Photo hashes and the file names they came from.
    photos: HashMap<String, String>,
}

fn batch(dir: &Path, quotes: usize, photos_each_side: usize, sheet: usize) -> Batch {
    let folder = dir.join("incoming");
    let mut photos = HashMap::new();
    for (side, offset) in [("a_photos", 0), ("z_photos", 1000)] {
        for (i, path) in jpegs(&folder.join(side), photos_each_side).into_iter().enumerate() {
            // Distinct across both sides: re-encode the second side's with other pixels.
            if offset > 0 {
                let image =
                    image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([i as u8 * 9, x as u8 * 3, y as u8 * 5]));
                image.save(&path).unwrap();
            }
            let sha = walkout::files::hash_file(&path).unwrap();
            photos.insert(sha, path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    assert_eq!(photos.len(), photos_each_side * 2, "generated photos are distinct");
    // Many small sheets: an import commits after a work batch (16 files on two cores) once
    // 2,000 items wait, so kills land between commits too.
    for (n, start) in (0..quotes).step_by(sheet).enumerate() {
        write(&folder.join(format!("m_quotes/sheet_{n:04}.jsonl")), quote_lines_of(start..quotes.min(start + sheet)));
    }
    Batch { folder, photos }
}

/// An item as a clean import would make it, without what differs from run to run (id, times).
fn content(item: &Item) -> String {
    let mut value = serde_json::to_value(item).unwrap();
    let map = value.as_object_mut().unwrap();
    for volatile in ["id", "created_at", "updated_at"] {
        map.remove(volatile);
    }
    value.to_string()
}

fn contents(root: &Path) -> BTreeMap<String, usize> {
    let mut all = BTreeMap::new();
    for item in Archive::open(root).unwrap().all_items().unwrap() {
        *all.entry(content(&item)).or_insert(0) += 1;
    }
    all
}

/// Every item present is one of the batch's, whole, and there once; returns their ids.
fn assert_items_are_the_batchs(root: &Path, batch: &Batch, clean: &BTreeMap<String, usize>) -> BTreeSet<Id> {
    let items = Archive::open(root).unwrap().all_items().unwrap();
    let mut seen = BTreeMap::new();
    for item in &items {
        let key = content(item);
        assert!(clean.contains_key(&key), "an item no clean import makes (torn or foreign): {key}");
        *seen.entry(key).or_insert(0) += 1;
        if let ItemDetails::Photo(p) = &item.details {
            assert!(batch.photos.contains_key(&p.sha256), "{p:?}");
        }
    }
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "items imported twice: {twice:?}");
    items.iter().map(|i| i.id).collect()
}

/// The ids a reader sees committed right now, or why it cannot open the archive.
fn committed(root: &Path) -> Result<BTreeSet<Id>, walkout::Error> {
    Ok(Archive::open_read_only(root)?.all_items()?.into_iter().map(|i| i.id).collect())
}

#[derive(Default, Debug)]
struct Tally {
    kills: u64,
    rounds: u64,
    /// Kills after which some but not all of the batch was committed.
    mid_import: u64,
    /// Kills after which stored photos had no row yet (reported by verify).
    unreferenced_after_kill: u64,
    /// Kills that found the index behind the database before the reopen caught it up.
    index_behind: u64,
}

fn kill_loop(kills: u64, quotes: usize, photos_each_side: usize, sheet: usize) {
    let seed = seed();
    eprintln!("crash test: {kills} kills, {quotes} quotes and {} photos a round, seed {seed}", photos_each_side * 2);
    let mut rng = Rng::new(seed);
    let dir = temp();
    let batch = batch(dir.path(), quotes, photos_each_side, sheet);
    let total_items = (quotes + photos_each_side * 2) as u64;

    // A clean import of the same files, timed: what every round must end equal to, and the
    // scale of the kill delays.
    let reference = dir.path().join("reference");
    run(&reference, &["init"]);
    let started = Instant::now();
    let out = run(&reference, &["import", batch.folder.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let clean_import = started.elapsed();
    let clean = contents(&reference);
    assert_eq!(clean.values().sum::<usize>() as u64, total_items);

    let mut tally = Tally::default();
    let began = Instant::now();
    while tally.kills < kills {
        tally.rounds += 1;
        let root = dir.path().join(format!("round-{}", tally.rounds));
        run(&root, &["init"]);
        loop {
            let child_err = dir.path().join("child.err");
            let mut child = walkout(&root)
                .arg("import")
                .arg(&batch.folder)
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&child_err).unwrap())
                .spawn()
                .unwrap();
            // One kill in five lands within the first 150 ms (opening: recovery, sweeping);
            // the others anywhere in a clean import's time (a run that ends first ends the round).
            let delay = if rng.below(5) == 0 {
                Duration::from_millis(rng.below(150))
            } else {
                Duration::from_millis(rng.below(clean_import.as_millis() as u64 + 1))
            };
            std::thread::sleep(delay);
            if let Some(status) = child.try_wait().unwrap() {
                let err = std::fs::read_to_string(&child_err).unwrap();
                assert!(status.success(), "the import failed ({status}): {err}");
                assert!(!err.contains("rebuilt"), "seed {seed}: {err}");
                break;
            }
            let seen = committed(&root);
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            tally.kills += 1;
            // Reopening after a kill catches the index up; it never needs rebuilding.
            let err = std::fs::read_to_string(&child_err).unwrap();
            assert!(!err.contains("rebuilt"), "seed {seed}, kill {}: {err}", tally.kills);
            let seen = seen.unwrap_or_else(|e| panic!("seed {seed}: a reader could not open the archive: {e}"));

            assert_index_not_ahead(&root);
            let behind = Archive::open_read_only(&root).unwrap().stats().unwrap();
            if behind.index_docs < behind.items {
                tally.index_behind += 1;
            }
            let (stats, verify) = assert_whole(&root);
            let present = assert_items_are_the_batchs(&root, &batch, &clean);
            let lost: Vec<_> = seen.difference(&present).collect();
            assert!(lost.is_empty(), "seed {seed}: items seen committed were lost after a kill: {lost:?}");
            for path in &verify.unreferenced {
                let name = Path::new(path).file_name().unwrap().to_string_lossy();
                let dir = Path::new(path).parent().unwrap().file_name().unwrap().to_string_lossy();
                assert!(
                    batch.photos.contains_key(&format!("{dir}{name}")),
                    "an unreferenced file not of the batch: {path}"
                );
            }
            if !verify.unreferenced.is_empty() {
                tally.unreferenced_after_kill += 1;
            }
            if stats.items > 0 && stats.items < total_items {
                tally.mid_import += 1;
            }
            if tally.kills >= kills {
                // Finish the round with an import left to run.
                let out = run(&root, &["import", batch.folder.to_str().unwrap()]);
                assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                break;
            }
        }
        // The round's import ran to its end: the archive equals a clean import.
        let (stats, verify) = assert_whole(&root);
        assert_eq!(stats.items, total_items, "seed {seed}");
        assert!(verify.unreferenced.is_empty(), "{:?}", verify.unreferenced);
        assert_eq!(contents(&root), clean, "seed {seed}: round {} differs from a clean import", tally.rounds);
        if tally.rounds > 1 {
            std::fs::remove_dir_all(dir.path().join(format!("round-{}", tally.rounds - 1))).ok();
        }
        // A long run reports as it goes, so that a run stopped early still says what it did.
        if kills > 100 {
            eprintln!("  round {} whole after {:.0} s: {tally:?}", tally.rounds, began.elapsed().as_secs_f64());
        }
    }
    eprintln!(
        "crash test done in {:.0} s (clean import {:.1} s): {tally:?}, seed {seed}",
        began.elapsed().as_secs_f64(),
        clean_import.as_secs_f64()
    );
}

#[test]
fn an_import_killed_at_random_moments_leaves_a_whole_archive_every_time() {
    match long_run() {
        Some(kills) => kill_loop(kills, 20_000, 15, 150),
        None => kill_loop(15, 3_000, 4, 100),
    }
}
