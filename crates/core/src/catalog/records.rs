//! Bibliographic records in the store.
//!
//! A record's MARC is kept exactly as given (ISO 2709 bytes, whatever Unicode form they are in)
//! so that export gives back what was imported. The columns beside it are what
//! [`Extracted::of`] finds in the MARC, stored in NFC: title, statement of responsibility,
//! authors, subjects, publisher, year, languages, material type, call number, serial flag and
//! a sort key (lists are JSON arrays of strings). ISBNs (as ISBN-13) and ISSNs live in their
//! own table, `record_identifiers`, indexed by value, because a record has several and
//! matching and lookup go from the number to the record.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use shelfmark_marc::{Record, iso2709};
use uuid::Uuid;

use super::extract::Extracted;
use crate::api::{MaterialType, RecordPage, RecordRow};
use crate::changelog::{EntityType, Operation};
use crate::error::CoreError;
use crate::store::{Catalog, Mutation};
use crate::text;

pub(crate) const MIGRATION_RECORDS: &str = "
CREATE TABLE records (
    id              TEXT PRIMARY KEY,
    control_number  TEXT,
    title           TEXT NOT NULL,
    author          TEXT,
    year            INTEGER,
    material_type   TEXT NOT NULL,
    sort_title      TEXT NOT NULL,
    marc            BLOB NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX records_sort_title ON records (sort_title, id);
CREATE INDEX records_control_number ON records (control_number);
";

/// Schema version 5: every column [`Extracted::of`] gives that version 2 lacked, and the
/// identifiers table. Existing rows are filled from their MARC by [`backfill_columns`], run in
/// the same migration transaction (see there for why).
pub(crate) const MIGRATION_EXTRACTED_COLUMNS: &str = "
ALTER TABLE records ADD COLUMN responsibility TEXT;
ALTER TABLE records ADD COLUMN authors TEXT NOT NULL DEFAULT '[]';
ALTER TABLE records ADD COLUMN subjects TEXT NOT NULL DEFAULT '[]';
ALTER TABLE records ADD COLUMN publisher TEXT;
ALTER TABLE records ADD COLUMN languages TEXT NOT NULL DEFAULT '[]';
ALTER TABLE records ADD COLUMN call_number TEXT;
ALTER TABLE records ADD COLUMN serial INTEGER NOT NULL DEFAULT 0;

CREATE TABLE record_identifiers (
    record_id  TEXT NOT NULL REFERENCES records (id),
    kind       TEXT NOT NULL CHECK (kind IN ('isbn', 'issn')),
    value      TEXT NOT NULL,
    PRIMARY KEY (record_id, kind, value)
) STRICT, WITHOUT ROWID;
CREATE INDEX record_identifiers_value ON record_identifiers (value, kind);
";

/// Fills the version-5 columns and identifiers of every existing record from its MARC.
///
/// Done inside the migration rather than lazily on first open: the upgrade already runs in one
/// transaction after a backup, so either every row has its columns or the catalog stays at
/// version 4; matching by ISBN and the lists can then trust the columns from the first open,
/// with no "backfilled yet?" flag to check on every start. It is one pass over the MARC, once.
/// A record whose stored MARC cannot be parsed keeps the empty defaults rather than failing
/// the upgrade: its bytes are untouched and the cataloger can still export and fix it.
/// No change-log entry is written: the columns are derived from MARC every node already has.
pub(crate) fn backfill_columns(tx: &Transaction<'_>) -> Result<(), rusqlite::Error> {
    let mut select = tx.prepare("SELECT id, marc FROM records")?;
    let rows = select.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
    })?;
    for row in rows {
        let (id, marc) = row?;
        let Ok(record) = iso2709::from_bytes(&marc) else {
            continue;
        };
        let e = Extracted::of(&record);
        tx.prepare_cached(
            "UPDATE records SET responsibility = ?2, authors = ?3, subjects = ?4, publisher = ?5,
                languages = ?6, call_number = ?7, serial = ?8 WHERE id = ?1",
        )?
        .execute(params![
            id,
            e.responsibility,
            json_list(&e.authors),
            json_list(&e.subjects),
            e.publisher,
            json_list(&e.languages),
            e.call_number,
            e.serial,
        ])?;
        insert_identifiers(tx, &id, &e)?;
    }
    Ok(())
}

fn json_list(values: &[String]) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| "[]".into())
}

fn insert_identifiers(conn: &Connection, id: &str, e: &Extracted) -> Result<(), rusqlite::Error> {
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO record_identifiers (record_id, kind, value) VALUES (?1, ?2, ?3)",
    )?;
    for isbn in &e.isbns {
        stmt.execute(params![id, "isbn", isbn])?;
    }
    for issn in &e.issns {
        stmt.execute(params![id, "issn", issn])?;
    }
    Ok(())
}

/// The largest page the list will hand out at once.
pub const MAX_PAGE: u32 = 1_000;

/// What the change log carries for a record: enough to rebuild it on another node.
#[derive(Serialize)]
struct RecordPayload<'a> {
    control_number: Option<&'a str>,
    title: &'a str,
    /// The record as ISO 2709, as stored.
    marc: &'a str,
}

/// Adds a record, logging its creation. Returns its new id.
pub fn insert(m: &mut Mutation<'_>, record: &Record) -> Result<Uuid, CoreError> {
    let extracted = Extracted::of(record);
    insert_prepared(m, &extracted, &prepare(record, &extracted)?)
}

/// Everything storing a record needs that does not depend on the database: its ISO 2709
/// bytes, the JSON list columns, the sort key and the change-log payload. Working it out is
/// pure, so the import does it on its reading thread while the writing thread stores the
/// batch before.
pub(crate) struct Prepared {
    marc: Vec<u8>,
    authors: String,
    subjects: String,
    languages: String,
    sort_key: String,
    /// The [`RecordPayload`] as JSON.
    payload: String,
}

/// Works out what [`insert_prepared`] and [`overlay_prepared`] store for `record`, whose
/// extraction is `e`. Fails when the record cannot be written as ISO 2709 (too long).
pub(crate) fn prepare(record: &Record, e: &Extracted) -> Result<Prepared, CoreError> {
    let marc = iso2709::to_bytes(record)?;
    let payload = serde_json::to_string(&RecordPayload {
        control_number: e.control_number.as_deref(),
        title: &e.title,
        marc: &String::from_utf8_lossy(&marc),
    })?;
    Ok(Prepared {
        authors: json_list(&e.authors),
        subjects: json_list(&e.subjects),
        languages: json_list(&e.languages),
        sort_key: e.sort_key(),
        payload,
        marc,
    })
}

/// A record's row in the order both `insert_prepared` and `overlay_prepared` bind it: ?1 the
/// id, ?2..?8 the list columns and MARC, ?9 the time, ?10..?16 the other extracted columns.
/// One list, so the two statements can never bind the columns differently; a macro rather
/// than a function so the hot import path binds borrowed values without boxing them.
macro_rules! record_row {
    ($id:expr, $e:expr, $p:expr, $now:expr) => {
        params![
            $id,
            $e.control_number,
            $e.title,
            $e.author(),
            $e.year,
            $e.material_type.as_str(),
            $p.sort_key,
            $p.marc,
            $now,
            $e.responsibility,
            $p.authors,
            $p.subjects,
            $e.publisher,
            $p.languages,
            $e.call_number,
            $e.serial,
        ]
    };
}

/// [`insert`] for a caller that has already extracted and prepared the record (the import
/// matches on the extraction and prepares on another thread).
pub(crate) fn insert_prepared(
    m: &mut Mutation<'_>,
    e: &Extracted,
    p: &Prepared,
) -> Result<Uuid, CoreError> {
    let id = m.new_id();
    let id_text = id.to_string();
    let now = text::rfc3339(m.now());
    m.conn()
        .prepare_cached(
            "INSERT INTO records
               (id, control_number, title, author, year, material_type, sort_title, marc,
                created_at, updated_at, responsibility, authors, subjects, publisher, languages,
                call_number, serial)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        )?
        .execute(record_row!(id_text, e, p, now))?;
    insert_identifiers(m.conn(), &id_text, e)?;
    m.log_json(EntityType::Record, id, Operation::Create, &p.payload)?;
    Ok(id)
}

/// Replaces a record's MARC and every extracted column (identifiers included), logging an
/// `update` that carries the new MARC. The record keeps its id, creation time and items.
pub fn overlay(m: &mut Mutation<'_>, id: Uuid, record: &Record) -> Result<(), CoreError> {
    let extracted = Extracted::of(record);
    overlay_prepared(m, id, &extracted, &prepare(record, &extracted)?)
}

pub(crate) fn overlay_prepared(
    m: &mut Mutation<'_>,
    id: Uuid,
    e: &Extracted,
    p: &Prepared,
) -> Result<(), CoreError> {
    let id_text = id.to_string();
    let now = text::rfc3339(m.now());
    let changed = m
        .conn()
        .prepare_cached(
            "UPDATE records SET control_number = ?2, title = ?3, author = ?4, year = ?5,
                material_type = ?6, sort_title = ?7, marc = ?8, updated_at = ?9,
                responsibility = ?10, authors = ?11, subjects = ?12, publisher = ?13,
                languages = ?14, call_number = ?15, serial = ?16
             WHERE id = ?1",
        )?
        .execute(record_row!(id_text, e, p, now))?;
    if changed == 0 {
        return Err(CoreError::NotFound {
            entity: "record",
            key: "id",
            value: id_text,
        });
    }
    m.conn()
        .prepare_cached("DELETE FROM record_identifiers WHERE record_id = ?1")?
        .execute(params![id_text])?;
    insert_identifiers(m.conn(), &id_text, e)?;
    m.log_json(EntityType::Record, id, Operation::Update, &p.payload)?;
    Ok(())
}

/// Stores a record as sync materialized it from the change log (see `sync::apply`): the row
/// and its identifiers, created or replaced, with no change-log entry of its own (the entries
/// it came from are already in the log).
pub(crate) fn put_synced(
    conn: &Connection,
    id: Uuid,
    record: &Record,
    now: &str,
) -> Result<(), CoreError> {
    let e = Extracted::of(record);
    let p = prepare(record, &e)?;
    let id_text = id.to_string();
    let changed = conn
        .prepare_cached(
            "UPDATE records SET control_number = ?2, title = ?3, author = ?4, year = ?5,
                material_type = ?6, sort_title = ?7, marc = ?8, updated_at = ?9,
                responsibility = ?10, authors = ?11, subjects = ?12, publisher = ?13,
                languages = ?14, call_number = ?15, serial = ?16
             WHERE id = ?1",
        )?
        .execute(record_row!(id_text, e, p, now))?;
    if changed == 0 {
        conn.prepare_cached(
            "INSERT INTO records
               (id, control_number, title, author, year, material_type, sort_title, marc,
                created_at, updated_at, responsibility, authors, subjects, publisher, languages,
                call_number, serial)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        )?
        .execute(record_row!(id_text, e, p, now))?;
    }
    conn.prepare_cached("DELETE FROM record_identifiers WHERE record_id = ?1")?
        .execute(params![id_text])?;
    insert_identifiers(conn, &id_text, &e)?;
    Ok(())
}

/// Removes a record sync found deleted, with what hangs off it locally (identifiers, the
/// import ledger); its items were deleted by their own entries.
pub(crate) fn remove_synced(conn: &Connection, id: Uuid) -> Result<(), CoreError> {
    let id_text = id.to_string();
    conn.execute(
        "DELETE FROM record_identifiers WHERE record_id = ?1",
        params![id_text],
    )?;
    conn.execute(
        "DELETE FROM import_sources WHERE record_id = ?1",
        params![id_text],
    )?;
    conn.execute("DELETE FROM items WHERE record_id = ?1", params![id_text])?;
    conn.execute("DELETE FROM records WHERE id = ?1", params![id_text])?;
    Ok(())
}

/// Records whose 001 is `control_number` (trimmed, NFC), oldest first.
///
/// Sorted here rather than by `ORDER BY`: SQLite sorts through a temporary b-tree it opens
/// and closes on every run, even for no row, and the import asks this for every record it
/// reads (almost always finding none). SQLite's text order is byte order, as Rust's.
pub(crate) fn ids_by_control_number(
    conn: &Connection,
    control_number: &str,
) -> Result<Vec<Uuid>, CoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT created_at, id FROM records WHERE control_number = ?1")?;
    let rows = stmt
        .query_map(params![control_number], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(oldest_first(rows))
}

/// The ids of `(created_at, id)` rows ordered as `ORDER BY created_at, id` would.
fn oldest_first(mut rows: Vec<(String, String)>) -> Vec<Uuid> {
    rows.sort_unstable();
    rows.iter()
        .filter_map(|(_, id)| Uuid::parse_str(id).ok())
        .collect()
}

/// Records carrying any of `values` as an identifier of `kind` (`isbn`: ISBN-13 form), oldest
/// first for each value in turn, each once.
pub(crate) fn ids_by_identifier(
    conn: &Connection,
    kind: &str,
    values: &[String],
) -> Result<Vec<Uuid>, CoreError> {
    // No `ORDER BY`, for the reason given at `ids_by_control_number`.
    let mut stmt = conn.prepare_cached(
        "SELECT r.created_at, r.id FROM record_identifiers i JOIN records r ON r.id = i.record_id
         WHERE i.value = ?1 AND i.kind = ?2",
    )?;
    let mut out: Vec<Uuid> = Vec::new();
    for value in values {
        let rows = stmt
            .query_map(params![value, kind], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        for id in oldest_first(rows) {
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    Ok(out)
}

/// The records with this ISBN, written either way (ISBN-10 or -13, hyphens or not).
pub fn find_by_isbn(catalog: &Catalog, isbn: &str) -> Result<Vec<Uuid>, CoreError> {
    let normalized =
        super::identifiers::normalize_isbn(isbn).map_err(|p| CoreError::InvalidInput {
            what: "ISBN",
            value: isbn.to_string(),
            reason: p.to_string(),
        })?;
    ids_by_identifier(catalog.conn(), "isbn", &[normalized])
}

/// The records whose 001 is `control_number`.
pub fn find_by_control_number(
    catalog: &Catalog,
    control_number: &str,
) -> Result<Vec<Uuid>, CoreError> {
    ids_by_control_number(catalog.conn(), &text::nfc(control_number.trim()))
}

/// The stored ISO 2709 bytes of a record, exactly as kept.
pub fn marc_bytes(catalog: &Catalog, id: Uuid) -> Result<Vec<u8>, CoreError> {
    catalog
        .conn()
        .query_row(
            "SELECT marc FROM records WHERE id = ?1",
            params![id.to_string()],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| CoreError::NotFound {
            entity: "record",
            key: "id",
            value: id.to_string(),
        })
}

/// The stored columns of one record, as a cataloger's lookup or a test reads them back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredColumns {
    pub control_number: Option<String>,
    pub title: String,
    pub responsibility: Option<String>,
    pub authors: Vec<String>,
    pub subjects: Vec<String>,
    pub publisher: Option<String>,
    pub languages: Vec<String>,
    pub call_number: Option<String>,
    pub serial: bool,
    pub isbns: Vec<String>,
    pub issns: Vec<String>,
}

/// The extracted columns and identifiers stored for a record.
pub fn columns(catalog: &Catalog, id: Uuid) -> Result<StoredColumns, CoreError> {
    let conn = catalog.conn();
    let id_text = id.to_string();
    let list = |json: String| serde_json::from_str::<Vec<String>>(&json).unwrap_or_default();
    let mut stored = conn
        .query_row(
            "SELECT control_number, title, responsibility, authors, subjects, publisher,
                    languages, call_number, serial
             FROM records WHERE id = ?1",
            params![id_text],
            |r| {
                Ok(StoredColumns {
                    control_number: r.get(0)?,
                    title: r.get(1)?,
                    responsibility: r.get(2)?,
                    authors: list(r.get(3)?),
                    subjects: list(r.get(4)?),
                    publisher: r.get(5)?,
                    languages: list(r.get(6)?),
                    call_number: r.get(7)?,
                    serial: r.get(8)?,
                    isbns: Vec::new(),
                    issns: Vec::new(),
                })
            },
        )
        .optional()?
        .ok_or_else(|| CoreError::NotFound {
            entity: "record",
            key: "id",
            value: id_text.clone(),
        })?;
    let mut stmt = conn.prepare_cached(
        "SELECT kind, value FROM record_identifiers WHERE record_id = ?1 ORDER BY kind, value",
    )?;
    for row in stmt.query_map(params![id_text], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })? {
        let (kind, value) = row?;
        if kind == "isbn" {
            stored.isbns.push(value);
        } else {
            stored.issns.push(value);
        }
    }
    Ok(stored)
}

/// A window of the record list in title order. `limit` is capped at [`MAX_PAGE`].
pub fn list(catalog: &Catalog, offset: u64, limit: u32) -> Result<RecordPage, CoreError> {
    let conn = catalog.conn();
    let total: u64 = conn.query_row("SELECT count(*) FROM records", [], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, control_number, title, author, year, material_type
         FROM records ORDER BY sort_title, id LIMIT ?1 OFFSET ?2",
    )?;
    let rows = stmt
        .query_map(params![limit.min(MAX_PAGE), offset as i64], |r| {
            let material: String = r.get(5)?;
            Ok(RecordRow {
                id: r.get(0)?,
                control_number: r.get(1)?,
                title: r.get(2)?,
                author: r.get(3)?,
                year: r.get(4)?,
                material_type: MaterialType::parse(&material).unwrap_or(MaterialType::Other),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RecordPage {
        total,
        offset,
        rows,
    })
}

/// The stored MARC of a record, parsed.
pub fn marc(catalog: &Catalog, id: Uuid) -> Result<Record, CoreError> {
    stored_record(catalog.conn(), id)
}

/// [`marc`] on a connection, as a write reads a record it is about to decide on.
pub(crate) fn stored_record(conn: &Connection, id: Uuid) -> Result<Record, CoreError> {
    let bytes: Option<Vec<u8>> = conn
        .query_row(
            "SELECT marc FROM records WHERE id = ?1",
            params![id.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    let bytes = bytes.ok_or_else(|| CoreError::NotFound {
        entity: "record",
        key: "id",
        value: id.to_string(),
    })?;
    Ok(iso2709::from_bytes(&bytes)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shelfmark_marc::Leader;

    fn book(leader: Leader) -> Record {
        leader_record(leader)
            .data(
                "245",
                ['1', '0'],
                &[('a', "Truyện Kiều /"), ('c', "Nguyễn Du.")],
            )
            .and_then(|r| {
                r.data(
                    "264",
                    [' ', '1'],
                    &[('a', "Hà Nội :"), ('b', "Văn học,"), ('c', "c2015.")],
                )
            })
            .and_then(|r| {
                r.data(
                    "100",
                    ['1', ' '],
                    &[('a', "Nguyễn, Du,"), ('d', "1765-1820.")],
                )
            })
            .expect("well-formed")
    }

    fn leader_record(leader: Leader) -> Record {
        Record::new(leader)
            .control("001", " VN1 ")
            .expect("control field")
    }

    #[test]
    fn extracts_title_author_year_without_isbd_punctuation() {
        let s = Extracted::of(&book(Leader::new('n', 'a', 'm')));
        assert_eq!(s.title, "Truyện Kiều");
        assert_eq!(s.author(), Some("Nguyễn, Du"));
        assert_eq!(s.year, Some(2015));
        assert_eq!(s.control_number.as_deref(), Some("VN1"));
        assert_eq!(s.material_type, MaterialType::Book);
    }

    #[test]
    fn material_type_follows_leader_007_and_008() {
        let serial = Extracted::of(&book(Leader::new('n', 'a', 's')));
        assert_eq!(serial.material_type, MaterialType::Serial);
        let audio = Extracted::of(&book(Leader::new('n', 'i', 'm')));
        assert_eq!(audio.material_type, MaterialType::Audiobook);
        let ebook = book(Leader::new('n', 'a', 'm'))
            .control("008", "240101s2015    vm      o    0000 0 vie d")
            .expect("008");
        assert_eq!(Extracted::of(&ebook).material_type, MaterialType::Ebook);
        assert_eq!(Extracted::of(&ebook).year, Some(2015));
    }

    #[test]
    fn the_sort_key_skips_nonfiling_characters() {
        let the = leader_record(Leader::new('n', 'a', 'm'))
            .data("245", ['1', '4'], &[('a', "The quiet American")])
            .expect("well-formed");
        let summary = Extracted::of(&the);
        assert_eq!(summary.title, "The quiet American");
        assert!(
            summary.sort_key().starts_with("quiet american"),
            "{}",
            summary.sort_key()
        );
        let plain = Extracted::of(&book(Leader::new('n', 'a', 'm')));
        assert!(
            plain.sort_key().starts_with("truyen kieu"),
            "{}",
            plain.sort_key()
        );
    }

    #[test]
    fn decomposed_marc_gives_nfc_columns() {
        let record = leader_record(Leader::new('n', 'a', 'm'))
            .data("245", ['0', '0'], &[('a', "Ha\u{300} No\u{323}\u{302}i")])
            .expect("well-formed");
        assert_eq!(Extracted::of(&record).title, "Hà Nội");
    }
}
