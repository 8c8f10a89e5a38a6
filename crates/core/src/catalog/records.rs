//! Bibliographic records in the store.
//!
//! A record's MARC is kept exactly as given (ISO 2709 bytes, whatever Unicode form they are in)
//! so that export gives back what was imported. The columns beside it — title, author, year,
//! material type, a sort key — are extracted from the MARC and stored in NFC.

use rusqlite::{OptionalExtension, params};
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
    let marc = iso2709::to_bytes(record)?;
    let summary = Extracted::of(record);
    let id = m.new_id();
    let now = text::rfc3339(m.now());
    m.conn()
        .prepare_cached(
            "INSERT INTO records
               (id, control_number, title, author, year, material_type, sort_title, marc, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        )?
        .execute(params![
            id.to_string(),
            summary.control_number,
            summary.title,
            summary.author(),
            summary.year,
            summary.material_type.as_str(),
            summary.sort_key(),
            marc,
            now,
        ])?;
    let marc_text = String::from_utf8_lossy(&marc);
    m.log(
        EntityType::Record,
        id,
        Operation::Create,
        &RecordPayload {
            control_number: summary.control_number.as_deref(),
            title: &summary.title,
            marc: &marc_text,
        },
    )?;
    Ok(id)
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
    let bytes: Option<Vec<u8>> = catalog
        .conn()
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
