//! Reading items back: one item, a page of them by id, or all of them (or those changed since a
//! point of the change log) in one merge-joined pass over the item rows and each link table.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row};

use super::items::parse_id;
use crate::date::EdtfDate;
use crate::error::Result;
use crate::model::{ArticleDetails, DateRule, Gps, Id, Item, ItemDetails, PhotoDetails, QuoteDetails, Redaction};

const COLUMNS: &str = "i.id, i.kind, i.title, i.date, pl.name, ev.name, i.description, i.language, i.source, \
     i.credit, i.rights, i.sensitivity, i.consent, i.demo, i.created_at, i.updated_at, i.text, sp.name, \
     i.role, i.context, i.source_item_id, i.translation, i.sha256, i.file_name, i.width, i.height, \
     i.format, i.taken_at, i.gps_lat, i.gps_lon, i.camera, i.orientation, i.caption, i.headline, \
     i.outlet, i.url, i.body, i.description_public, i.ocr_text, i.date_rule, i.template, i.custom";

const FROM: &str = "FROM items i LEFT JOIN places pl ON pl.id = i.place_id \
     LEFT JOIN events ev ON ev.id = i.event_id LEFT JOIN persons sp ON sp.id = i.speaker_id";

/// Loads one item with its links.
pub fn get_item(conn: &Connection, id: Id) -> Result<Option<Item>> {
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE i.id = ?1");
    let item = conn.prepare_cached(&sql)?.query_row([id.to_string()], item_from_row).optional()?;
    match item {
        Some(mut item) => {
            load_links(conn, &mut item)?;
            Ok(Some(item))
        }
        None => Ok(None),
    }
}

/// Loads the items with these ids, with their links, keyed by id; ids with no item are left out.
///
/// One query for the items and one per link table, whatever the number of ids (a search's
/// page of hits), instead of `get_item`'s five per item. Each item's links come in the order
/// `get_item` gives them.
pub fn get_items(conn: &Connection, ids: &[Id]) -> Result<HashMap<Id, Item>> {
    let mut items = HashMap::with_capacity(ids.len());
    if ids.is_empty() {
        return Ok(items);
    }
    // The ids as one JSON array, read by `json_each`: one statement, prepared once, for any count.
    let list = serde_json::to_string(&ids.iter().map(Id::to_string).collect::<Vec<_>>()).expect("ids serialize");
    const IDS: &str = "(SELECT value FROM json_each(?1))";
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE i.id IN {IDS}");
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([&list])?;
    while let Some(row) = rows.next()? {
        let item = item_from_row(row)?;
        items.insert(item.id, item);
    }
    // Each link query: the item id, then the value, in `load_links`' order within an item.
    let names = |sql: &str, items: &mut HashMap<Id, Item>, put: fn(&mut Item, String)| -> Result<()> {
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = stmt.query([&list])?;
        while let Some(row) = rows.next()? {
            let id = parse_id(&row.get::<_, String>(0)?)?;
            if let Some(item) = items.get_mut(&id) {
                put(item, row.get(1)?);
            }
        }
        Ok(())
    };
    names(
        &format!(
            "SELECT it.item_id, t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id \
             WHERE it.item_id IN {IDS} ORDER BY it.item_id, t.name"
        ),
        &mut items,
        |item, name| item.tags.push(name),
    )?;
    names(
        &format!(
            "SELECT ci.item_id, c.name FROM collection_items ci JOIN collections c ON c.id = ci.collection_id \
             WHERE ci.item_id IN {IDS} ORDER BY ci.item_id, c.name"
        ),
        &mut items,
        |item, name| item.collections.push(name),
    )?;
    names(
        &format!(
            "SELECT ip.item_id, p.name FROM item_people ip JOIN persons p ON p.id = ip.person_id \
             WHERE ip.item_id IN {IDS} ORDER BY ip.item_id, ip.position"
        ),
        &mut items,
        |item, name| item.people.push(name),
    )?;
    names(
        &format!(
            "SELECT ia.item_id, p.name FROM item_authors ia JOIN persons p ON p.id = ia.person_id \
             WHERE ia.item_id IN {IDS} ORDER BY ia.item_id, ia.position"
        ),
        &mut items,
        |item, name| {
            if let ItemDetails::Article(a) = &mut item.details {
                a.authors.push(name);
            }
        },
    )?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT item_id, x, y, w, h, label FROM redactions WHERE item_id IN {IDS} ORDER BY item_id, position"
    ))?;
    let mut rows = stmt.query([&list])?;
    while let Some(r) = rows.next()? {
        let id = parse_id(&r.get::<_, String>(0)?)?;
        if let Some(item) = items.get_mut(&id) {
            item.redactions.push(Redaction {
                x: r.get(1)?,
                y: r.get(2)?,
                w: r.get(3)?,
                h: r.get(4)?,
                label: r.get(5)?,
            });
        }
    }
    Ok(items)
}

/// Calls `each` with every item, in id order (which is creation order).
///
/// One pass over the items and one over each link table, side by side in item order (a merge
/// join), instead of five lookups per item: a reindex of a million items reads at SQLite's speed.
pub fn for_each_item(conn: &Connection, each: impl FnMut(Item) -> Result<()>) -> Result<()> {
    read_items(conn, None, each)
}

/// Calls `each` with every item changed after change `seq` that still exists, in id order
/// (how the index catches up: a few queries for a whole import batch, not five per item).
pub fn for_each_item_changed_since(conn: &Connection, seq: i64, each: impl FnMut(Item) -> Result<()>) -> Result<()> {
    read_items(conn, Some(seq), each)
}

fn read_items(conn: &Connection, changed_since: Option<i64>, mut each: impl FnMut(Item) -> Result<()>) -> Result<()> {
    // Restricts a query to the items changed since the sequence number bound as ?1.
    let only = |column: &str| match changed_since {
        Some(_) => format!("WHERE {column} IN (SELECT item_id FROM changes WHERE seq > ?1)"),
        None => String::new(),
    };
    let sql = format!("SELECT {COLUMNS} {FROM} {} ORDER BY i.id", only("i.id"));
    let mut stmt = conn.prepare(&sql)?;
    // Each link query: the item id, a key that orders an item's links as `load_links` does
    // (names compare as SQLite's NOCASE does: ASCII folded), then the value.
    let mut tags = conn.prepare(&format!(
        "SELECT it.item_id, lower(t.name), t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id {} \
         ORDER BY it.item_id",
        only("it.item_id")
    ))?;
    let mut collections = conn.prepare(&format!(
        "SELECT ci.item_id, lower(c.name), c.name FROM collection_items ci \
         JOIN collections c ON c.id = ci.collection_id {} ORDER BY ci.item_id",
        only("ci.item_id")
    ))?;
    let mut people = conn.prepare(&format!(
        "SELECT ip.item_id, printf('%020d', ip.position), p.name FROM item_people ip \
         JOIN persons p ON p.id = ip.person_id {} ORDER BY ip.item_id",
        only("ip.item_id")
    ))?;
    let mut authors = conn.prepare(&format!(
        "SELECT ia.item_id, printf('%020d', ia.position), p.name FROM item_authors ia \
         JOIN persons p ON p.id = ia.person_id {} ORDER BY ia.item_id",
        only("ia.item_id")
    ))?;
    let mut redactions = conn.prepare(&format!(
        "SELECT item_id, printf('%020d', position), x, y, w, h, label FROM redactions {} ORDER BY item_id",
        only("item_id")
    ))?;
    let params: Vec<i64> = changed_since.into_iter().collect();
    let params = rusqlite::params_from_iter(params);
    let name = |r: &Row<'_>| r.get::<_, String>(2);
    let mut tags = Links::new(tags.query(params.clone())?, name);
    let mut collections = Links::new(collections.query(params.clone())?, name);
    let mut people = Links::new(people.query(params.clone())?, name);
    let mut authors = Links::new(authors.query(params.clone())?, name);
    let mut redactions = Links::new(redactions.query(params.clone())?, |r| {
        Ok(Redaction { x: r.get(2)?, y: r.get(3)?, w: r.get(4)?, h: r.get(5)?, label: r.get(6)? })
    });
    let mut rows = stmt.query(params)?;
    while let Some(row) = rows.next()? {
        let mut item = item_from_row(row)?;
        let id = item.id.to_string();
        item.tags = tags.take(&id)?;
        item.collections = collections.take(&id)?;
        item.people = people.take(&id)?;
        item.redactions = redactions.take(&id)?;
        let item_authors = authors.take(&id)?;
        if let ItemDetails::Article(a) = &mut item.details {
            a.authors = item_authors;
        }
        each(item)?;
    }
    Ok(())
}

/// One link table read in item order, for `for_each_item`'s merge join.
struct Links<'s, T, F> {
    rows: rusqlite::Rows<'s>,
    read: F,
    /// The next row not yet taken: its item id, sort key and value.
    next: Option<(String, String, T)>,
    started: bool,
}

impl<'s, T, F: Fn(&Row<'_>) -> rusqlite::Result<T>> Links<'s, T, F> {
    fn new(rows: rusqlite::Rows<'s>, read: F) -> Self {
        Links { rows, read, next: None, started: false }
    }

    fn advance(&mut self) -> Result<()> {
        self.next = match self.rows.next()? {
            Some(r) => Some((r.get(0)?, r.get(1)?, (self.read)(r)?)),
            None => None,
        };
        Ok(())
    }

    /// The links of item `id`, in order; items are asked for in ascending id order.
    fn take(&mut self, id: &str) -> Result<Vec<T>> {
        if !self.started {
            self.started = true;
            self.advance()?;
        }
        let mut found: Vec<(String, T)> = Vec::new();
        while let Some((item, ..)) = &self.next {
            match item.as_str().cmp(id) {
                // A link of an item that no longer exists: skip it.
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => {
                    let (_, key, value) = self.next.take().expect("peeked");
                    found.push((key, value));
                }
                std::cmp::Ordering::Greater => break,
            }
            self.advance()?;
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(found.into_iter().map(|(_, v)| v).collect())
    }
}

fn load_links(conn: &Connection, item: &mut Item) -> Result<()> {
    let id = item.id.to_string();
    item.tags = conn
        .prepare_cached(
            "SELECT t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id WHERE it.item_id = ?1 ORDER BY t.name",
        )?
        .query_map([&id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    item.collections = conn
        .prepare_cached(
            "SELECT c.name FROM collection_items ci JOIN collections c ON c.id = ci.collection_id \
             WHERE ci.item_id = ?1 ORDER BY c.name",
        )?
        .query_map([&id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    item.people = conn
        .prepare_cached(
            "SELECT p.name FROM item_people ip JOIN persons p ON p.id = ip.person_id \
             WHERE ip.item_id = ?1 ORDER BY ip.position",
        )?
        .query_map([&id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    item.redactions = conn
        .prepare_cached("SELECT x, y, w, h, label FROM redactions WHERE item_id = ?1 ORDER BY position")?
        .query_map([&id], |r| {
            Ok(Redaction { x: r.get(0)?, y: r.get(1)?, w: r.get(2)?, h: r.get(3)?, label: r.get(4)? })
        })?
        .collect::<Result<_, _>>()?;
    if let ItemDetails::Article(a) = &mut item.details {
        a.authors = conn
            .prepare_cached(
                "SELECT p.name FROM item_authors ia JOIN persons p ON p.id = ia.person_id \
                 WHERE ia.item_id = ?1 ORDER BY ia.position",
            )?
            .query_map([&id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
    }
    Ok(())
}

fn item_from_row(r: &Row<'_>) -> rusqlite::Result<Item> {
    fn bad(column: usize, what: String) -> rusqlite::Error {
        rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, what.into())
    }
    let id: String = r.get(0)?;
    let kind: String = r.get(1)?;
    let date: Option<String> = r.get(3)?;
    let time = |i: usize| -> rusqlite::Result<DateTime<Utc>> {
        let s: String = r.get(i)?;
        DateTime::parse_from_rfc3339(&s).map(|t| t.with_timezone(&Utc)).map_err(|e| bad(i, e.to_string()))
    };
    let gps = match (r.get::<_, Option<f64>>(28)?, r.get::<_, Option<f64>>(29)?) {
        (Some(lat), Some(lon)) => Some(Gps { lat, lon }),
        _ => None,
    };
    let details = match kind.as_str() {
        "quote" => ItemDetails::Quote(QuoteDetails {
            text: r.get::<_, Option<String>>(16)?.unwrap_or_default(),
            speaker: r.get(17)?,
            role: r.get(18)?,
            context: r.get(19)?,
            source_item: r.get::<_, Option<String>>(20)?.and_then(|s| s.parse().ok()),
            translation: r.get(21)?,
        }),
        "photo" => ItemDetails::Photo(PhotoDetails {
            sha256: r.get::<_, Option<String>>(22)?.unwrap_or_default(),
            file_name: r.get(23)?,
            width: r.get(24)?,
            height: r.get(25)?,
            format: r.get(26)?,
            taken_at: r.get(27)?,
            gps,
            camera: r.get(30)?,
            orientation: r.get(31)?,
            caption: r.get(32)?,
        }),
        "article" => ItemDetails::Article(ArticleDetails {
            headline: r.get::<_, Option<String>>(33)?.unwrap_or_default(),
            outlet: r.get(34)?,
            authors: Vec::new(),
            url: r.get(35)?,
            body: r.get::<_, Option<String>>(36)?.unwrap_or_default(),
            sha256: r.get(22)?,
            file_name: r.get(23)?,
            // A name this binary does not know (written by a newer one) reads as none.
            date_rule: r.get::<_, Option<String>>(39)?.and_then(|s| DateRule::parse(&s).ok()),
        }),
        other => return Err(bad(1, format!("unknown item kind {other:?}"))),
    };
    let sensitivity: String = r.get(11)?;
    let consent: String = r.get(12)?;
    Ok(Item {
        id: id.parse().map_err(|_| bad(0, format!("{id:?} is not a UUID")))?,
        title: r.get(2)?,
        date: date.map(|d| d.parse::<EdtfDate>().map_err(|e| bad(3, e.to_string()))).transpose()?,
        place: r.get(4)?,
        event: r.get(5)?,
        description: r.get(6)?,
        description_public: r.get(37)?,
        tags: Vec::new(),
        collections: Vec::new(),
        people: Vec::new(),
        redactions: Vec::new(),
        ocr_text: r.get(38)?,
        language: r.get(7)?,
        source: r.get(8)?,
        credit: r.get(9)?,
        rights: r.get(10)?,
        sensitivity: crate::model::Sensitivity::parse(&sensitivity).map_err(|e| bad(11, e.to_string()))?,
        consent: crate::model::Consent::parse(&consent).map_err(|e| bad(12, e.to_string()))?,
        demo: r.get(13)?,
        created_at: time(14)?,
        updated_at: time(15)?,
        template: r.get(40)?,
        custom: match r.get::<_, Option<String>>(41)? {
            Some(text) => serde_json::from_str(&text).map_err(|e| bad(41, e.to_string()))?,
            None => Default::default(),
        },
        restriction: None,
        details,
    })
}
