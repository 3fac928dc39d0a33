//! Schema migrations: an append-only list. An applied migration is never edited; a change to the
//! schema is a new entry at the end. `PRAGMA user_version` records how many have been applied, and
//! is the archive's format version: a binary refuses an archive whose version it does not know.

use rusqlite::Connection;

use crate::error::{Error, Result};

/// Every migration in order. Append only.
pub const MIGRATIONS: &[&str] = &[
    // 1: the first archive format.
    r#"
    CREATE TABLE archive_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

    CREATE TABLE places (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE,
        lat REAL, lon REAL
    );
    CREATE TABLE persons (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE,
        description TEXT
    );
    CREATE TABLE organizations (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE,
        kind TEXT,
        place_id TEXT REFERENCES places(id) ON DELETE SET NULL
    );
    CREATE TABLE events (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE,
        date TEXT,
        place_id TEXT REFERENCES places(id) ON DELETE SET NULL,
        description TEXT
    );
    CREATE TABLE blobs (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        media_type TEXT NOT NULL,
        added_at TEXT NOT NULL
    );
    CREATE TABLE items (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('quote', 'photo', 'article')),
        title TEXT NOT NULL,
        date TEXT,
        date_sort INTEGER,
        place_id TEXT REFERENCES places(id) ON DELETE SET NULL,
        event_id TEXT REFERENCES events(id) ON DELETE SET NULL,
        description TEXT,
        language TEXT,
        source TEXT,
        credit TEXT,
        rights TEXT,
        sensitivity TEXT NOT NULL CHECK (sensitivity IN ('public', 'restricted', 'private')),
        consent TEXT NOT NULL CHECK (consent IN ('unknown', 'granted', 'withheld')),
        demo INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        -- quote
        text TEXT,
        speaker_id TEXT REFERENCES persons(id) ON DELETE SET NULL,
        role TEXT,
        context TEXT,
        source_item_id TEXT REFERENCES items(id) ON DELETE SET NULL,
        translation TEXT,
        -- photo and article originals
        sha256 TEXT REFERENCES blobs(sha256),
        file_name TEXT,
        -- photo
        width INTEGER, height INTEGER, format TEXT, taken_at TEXT,
        gps_lat REAL, gps_lon REAL, camera TEXT, orientation INTEGER, caption TEXT,
        -- article
        headline TEXT, outlet TEXT, url TEXT, body TEXT,
        -- what makes two quotes the same: their words and speaker, normalized and hashed
        fingerprint TEXT
    );
    CREATE INDEX items_fingerprint ON items(fingerprint);
    CREATE INDEX items_kind_date ON items(kind, date_sort);
    CREATE INDEX items_sha256 ON items(sha256);
    CREATE INDEX items_speaker ON items(speaker_id);
    CREATE TABLE item_authors (
        item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        person_id TEXT NOT NULL REFERENCES persons(id),
        position INTEGER NOT NULL,
        PRIMARY KEY (item_id, position)
    );
    CREATE TABLE tags (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE
    );
    CREATE TABLE item_tags (
        item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES tags(id),
        PRIMARY KEY (item_id, tag_id)
    );
    CREATE TABLE collections (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        description TEXT,
        created_at TEXT NOT NULL
    );
    CREATE TABLE collection_items (
        collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
        item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        PRIMARY KEY (collection_id, item_id)
    );
    CREATE INDEX collection_items_item ON collection_items(item_id);
    -- Every write to an item appends here in the same transaction; the search index applies
    -- this log and records the last sequence number it applied.
    CREATE TABLE changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        item_id TEXT NOT NULL,
        op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
        at TEXT NOT NULL
    );
    "#,
    // 2: the fixity log: one row per `verify` run.
    r#"
    CREATE TABLE fixity_runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        checked INTEGER NOT NULL,
        ok INTEGER NOT NULL,
        mismatched INTEGER NOT NULL,
        missing INTEGER NOT NULL,
        -- the failures as JSON: [{"id", "path", "problem"}]
        failures TEXT NOT NULL
    );
    "#,
    // 3: protecting the people in the archive: flags and consent records on people, the people
    // an item shows or mentions, redaction boxes on photos, and a log of exports for takedowns.
    r#"
    ALTER TABLE persons ADD COLUMN minor INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE persons ADD COLUMN at_risk INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE persons ADD COLUMN pseudonym TEXT;
    CREATE TABLE consents (
        id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
        scope TEXT NOT NULL CHECK (scope IN ('quote', 'name', 'image', 'location')),
        status TEXT NOT NULL CHECK (status IN ('unknown', 'granted', 'withheld')),
        date TEXT,
        note TEXT,
        expires TEXT,
        recorded_at TEXT NOT NULL
    );
    CREATE INDEX consents_person ON consents(person_id);
    CREATE TABLE item_people (
        item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        person_id TEXT NOT NULL REFERENCES persons(id),
        position INTEGER NOT NULL,
        PRIMARY KEY (item_id, person_id)
    );
    CREATE INDEX item_people_person ON item_people(person_id);
    CREATE TABLE redactions (
        item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL, h REAL NOT NULL,
        label TEXT,
        PRIMARY KEY (item_id, position)
    );
    CREATE TABLE exports (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        format TEXT NOT NULL,
        destination TEXT NOT NULL
    );
    CREATE TABLE export_items (
        export_id INTEGER NOT NULL REFERENCES exports(id) ON DELETE CASCADE,
        item_id TEXT NOT NULL
    );
    CREATE INDEX export_items_item ON export_items(item_id);
    "#,
    // 4: a purge leaves nothing. Backups are logged for recall as exports are (`seq`: the last
    // change they hold, which tells which items they carried); what a delete unlinked is kept as
    // ids only, so that purging an item deleted earlier can remove the people, places, tags and
    // collections only it used; a purge under way is remembered until its files are gone, so
    // that running it again after a crash finishes the job.
    r#"
    CREATE TABLE backups (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        destination TEXT NOT NULL,
        seq INTEGER NOT NULL
    );
    CREATE TABLE deleted_links (
        item_id TEXT NOT NULL,
        entity TEXT NOT NULL CHECK (entity IN ('person', 'place', 'event', 'tag', 'collection')),
        entity_id TEXT NOT NULL
    );
    CREATE INDEX deleted_links_item ON deleted_links(item_id);
    CREATE TABLE purges_pending (item_id TEXT PRIMARY KEY);
    "#,
    // 5: an item's description (the archivist's notes) leaves the archive only when marked for
    // publication; quotes are found by the item they were taken from.
    r#"
    ALTER TABLE items ADD COLUMN description_public INTEGER NOT NULL DEFAULT 0;
    -- the quotes taken from an item inherit its restriction: found when it changes
    CREATE INDEX items_source_item ON items(source_item_id);
    "#,
    // 6: the words read in photos and scanned pages. The item keeps the text (searched, edited,
    // exported through the policy); `ocr` keeps what the recogniser read, word by word with its
    // box and confidence, for highlighting matches on the photo, for suggesting redactions of
    // names it read, and for keeping an archivist's correction over a re-run.
    r#"
    ALTER TABLE items ADD COLUMN ocr_text TEXT;
    CREATE TABLE ocr (
        item_id TEXT PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
        recognised TEXT NOT NULL,
        words TEXT NOT NULL,
        rotation INTEGER NOT NULL,
        engine TEXT NOT NULL,
        at TEXT NOT NULL
    );
    "#,
    // 7: which rule of the HTML importer found an article's date (`json-ld`, `meta`,
    // `time-element`, `url`, `visible-text`, `modified`); none for articles imported before.
    r#"
    ALTER TABLE items ADD COLUMN date_rule TEXT;
    "#,
    // 8: every change kept. An operation is one piece of work (an edit, an import, a bulk
    // edit, a revert) by a user at a time; each record it changed gets a version: the record as
    // it became (JSON; NULL when deleted) and the fields that changed, old and new.
    r#"
    CREATE TABLE operations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        user TEXT NOT NULL,
        at TEXT NOT NULL,
        summary TEXT NOT NULL
    );
    CREATE TABLE versions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        operation_id INTEGER NOT NULL REFERENCES operations(id),
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        at TEXT NOT NULL,
        state TEXT,
        changes TEXT NOT NULL
    );
    CREATE UNIQUE INDEX versions_entity ON versions(entity, entity_id, version);
    CREATE INDEX versions_operation ON versions(operation_id);
    "#,
    // 9: templates: the fields an archive defines itself. An item names its template and holds
    // its values (JSON, by field key); a collection may set the template of its new items.
    r#"
    CREATE TABLE templates (
        name_key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        definition TEXT NOT NULL
    );
    ALTER TABLE items ADD COLUMN template TEXT;
    ALTER TABLE items ADD COLUMN custom TEXT;
    ALTER TABLE collections ADD COLUMN default_template TEXT;
    "#,
    // 10: archives that merge. A tombstone says an item was deleted (until it is restored) or
    // purged (for good), by id and time only, so that a bundle carries the deletion and an
    // older bundle never brings the item back. A person purge is remembered only as a hash of
    // the folded name. `merge_seen` keeps the states of an item another archive had (by content
    // hash; the JSON of the one it shared, with who made it and when), the common ground of the
    // next merge; `merge_conflicts` holds the fields
    // both sides changed, until the archivist chooses.
    r#"
    CREATE TABLE tombstones (
        item_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE TABLE person_purges (
        hash TEXT PRIMARY KEY,
        at TEXT NOT NULL
    );
    CREATE TABLE merge_seen (
        item_id TEXT NOT NULL,
        hash TEXT NOT NULL,
        state TEXT,
        by TEXT,
        at TEXT,
        PRIMARY KEY (item_id, hash)
    );
    CREATE TABLE merge_conflicts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        item_id TEXT NOT NULL,
        field TEXT NOT NULL,
        ours TEXT NOT NULL,
        theirs TEXT NOT NULL,
        our_user TEXT NOT NULL,
        our_at TEXT NOT NULL,
        their_user TEXT NOT NULL,
        their_at TEXT NOT NULL,
        bundle TEXT NOT NULL,
        UNIQUE (item_id, field)
    );
    "#,
    // 11: the people whose record protects someone (a minor, a person at risk, a pseudonym),
    // found by an index of their own instead of a pass over every person: every search and
    // every index update asks who they are (consent records are found by `consents_person`).
    r#"
    CREATE INDEX persons_protecting ON persons(id) WHERE minor OR at_risk OR pseudonym IS NOT NULL;
    "#,
];

/// The archive format this binary writes: the number of migrations it knows.
pub fn current_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// The format version recorded in a database.
pub fn version_of(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Refuses a database written by a newer binary.
pub fn check_supported(conn: &Connection, path: &std::path::Path) -> Result<i64> {
    let found = version_of(conn)?;
    if found > current_version() {
        return Err(Error::ArchiveTooNew { path: path.to_path_buf(), found, supported: current_version() });
    }
    Ok(found)
}

/// Applies the migrations the database has not seen, each in its own transaction.
pub fn migrate(conn: &mut Connection, path: &std::path::Path) -> Result<()> {
    let applied = check_supported(conn, path)?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (index + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_from_scratch_and_leave_a_consistent_schema() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        migrate(&mut conn, std::path::Path::new(":memory:")).unwrap();
        assert_eq!(version_of(&conn).unwrap(), current_version());
        let problems: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
        assert_eq!(problems, 0);
        let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(ok, "ok");
        // Running again applies nothing and fails nothing.
        migrate(&mut conn, std::path::Path::new(":memory:")).unwrap();
    }

    #[test]
    fn every_migration_applies_on_top_of_the_previous_ones() {
        for upto in 1..=MIGRATIONS.len() {
            let conn = Connection::open_in_memory().unwrap();
            for sql in &MIGRATIONS[..upto] {
                conn.execute_batch(sql).unwrap_or_else(|e| panic!("migration {upto} fails: {e}"));
            }
        }
    }

    #[test]
    fn a_newer_archive_is_refused_with_both_versions_named() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", current_version() + 1).unwrap();
        let err = migrate(&mut conn, std::path::Path::new("/x/archive.sqlite")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(&format!("format version {}", current_version() + 1)), "{msg}");
        assert!(msg.contains("newer Walkout"), "{msg}");
    }
}
