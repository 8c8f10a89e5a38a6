//! Bibliographic records in the store.
//!
//! A record's MARC is kept exactly as given (ISO 2709 bytes, whatever Unicode form they are in)
//! so that export gives back what was imported. The columns beside it — title, author, year,
//! material type, a sort key — are extracted from the MARC and stored in NFC.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use shelfmark_marc::{Field, Record, iso2709};
use uuid::Uuid;

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

/// The columns extracted from a MARC record.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordSummary {
    pub control_number: Option<String>,
    pub title: String,
    pub author: Option<String>,
    pub year: Option<i32>,
    pub material_type: MaterialType,
    /// How many leading characters of the title a sort skips ("The ", "A "): 245 indicator 2.
    pub nonfiling: usize,
}

impl RecordSummary {
    pub fn of(record: &Record) -> RecordSummary {
        RecordSummary {
            control_number: record.control_number().map(|c| text::nfc(c.trim())),
            title: title(record),
            nonfiling: nonfiling_characters(record),
            author: author(record),
            year: year(record),
            material_type: material_type(record),
        }
    }

    /// The title as it files: without its nonfiling article, folded for Vietnamese.
    pub fn sort_key(&self) -> String {
        let filing: String = self.title.chars().skip(self.nonfiling).collect();
        text::sort_key(if filing.trim().is_empty() {
            &self.title
        } else {
            &filing
        })
    }
}

/// Adds a record, logging its creation. Returns its new id.
pub fn insert(m: &mut Mutation<'_>, record: &Record) -> Result<Uuid, CoreError> {
    let marc = iso2709::to_bytes(record)?;
    let summary = RecordSummary::of(record);
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
            summary.author,
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

/// Strips the ISBD punctuation that ends a MARC subfield (` /`, ` :`, ` ;`, `,`, `=`, a final
/// period after a word).
fn trim_isbd(s: &str) -> String {
    let t = s.trim().trim_end_matches([' ', '/', ':', ';', ',', '=']);
    let t = t
        .strip_suffix('.')
        .filter(|rest| !rest.ends_with(char::is_uppercase))
        .unwrap_or(t);
    text::nfc(t.trim())
}

fn first_data_field<'r>(record: &'r Record, tags: &[&str]) -> Option<&'r Field> {
    tags.iter()
        .find_map(|tag| record.fields_with_tag(tag).next())
}

fn title(record: &Record) -> String {
    let Some(field) = first_data_field(record, &["245"]) else {
        return String::new();
    };
    let parts: Vec<String> = ['a', 'b', 'n', 'p']
        .iter()
        .flat_map(|code| field.subfields(*code))
        .map(trim_isbd)
        .filter(|p| !p.is_empty())
        .collect();
    parts.join(" : ")
}

fn nonfiling_characters(record: &Record) -> usize {
    match first_data_field(record, &["245"]) {
        Some(Field::Data { indicators, .. }) => {
            indicators[1].as_char().to_digit(10).unwrap_or(0) as usize
        }
        _ => 0,
    }
}

fn author(record: &Record) -> Option<String> {
    first_data_field(record, &["100", "110", "111", "700", "710"])
        .and_then(|f| f.subfield('a'))
        .map(trim_isbd)
        .filter(|a| !a.is_empty())
}

/// Date 1 from 008/07-10, else the first four-digit year in 264/260 $c.
fn year(record: &Record) -> Option<i32> {
    let from_008 = record
        .control_value("008")
        .and_then(|v| v.get(7..11))
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse().ok());
    from_008.or_else(|| {
        ["264", "260"]
            .iter()
            .flat_map(|tag| record.fields_with_tag(tag))
            .flat_map(|f| f.subfields('c'))
            .find_map(first_year)
    })
}

fn first_year(s: &str) -> Option<i32> {
    s.as_bytes()
        .windows(4)
        .find(|w| w.iter().all(u8::is_ascii_digit))
        .and_then(|w| std::str::from_utf8(w).ok())
        .and_then(|d| d.parse().ok())
}

/// Leader/06 (type of record), Leader/07 (bibliographic level), 008/23 (form of item) and
/// 007/00 (category of material), as MARC 21 defines them.
fn material_type(record: &Record) -> MaterialType {
    let leader = &record.leader;
    let f008 = record.control_value("008").unwrap_or("");
    let form_of_item = f008.chars().nth(23).unwrap_or(' ');
    let category_007 = record.control_value("007").and_then(|v| v.chars().next());
    match (leader.record_type(), leader.bibliographic_level()) {
        ('a' | 't', 'b' | 'i' | 's') => MaterialType::Serial,
        ('a' | 't', _) if matches!(form_of_item, 'o' | 'q' | 's') || category_007 == Some('c') => {
            MaterialType::Ebook
        }
        ('a' | 't', _) => MaterialType::Book,
        ('i', _) => MaterialType::Audiobook,
        ('j' | 'c' | 'd', _) => MaterialType::Music,
        ('e' | 'f', _) => MaterialType::Map,
        ('g', _) => MaterialType::Video,
        _ => MaterialType::Other,
    }
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
        let s = RecordSummary::of(&book(Leader::new('n', 'a', 'm')));
        assert_eq!(s.title, "Truyện Kiều");
        assert_eq!(s.author.as_deref(), Some("Nguyễn, Du"));
        assert_eq!(s.year, Some(2015));
        assert_eq!(s.control_number.as_deref(), Some("VN1"));
        assert_eq!(s.material_type, MaterialType::Book);
    }

    #[test]
    fn material_type_follows_leader_007_and_008() {
        let serial = RecordSummary::of(&book(Leader::new('n', 'a', 's')));
        assert_eq!(serial.material_type, MaterialType::Serial);
        let audio = RecordSummary::of(&book(Leader::new('n', 'i', 'm')));
        assert_eq!(audio.material_type, MaterialType::Audiobook);
        let ebook = book(Leader::new('n', 'a', 'm'))
            .control("008", "240101s2015    vm      o    0000 0 vie d")
            .expect("008");
        assert_eq!(RecordSummary::of(&ebook).material_type, MaterialType::Ebook);
        assert_eq!(RecordSummary::of(&ebook).year, Some(2015));
    }

    #[test]
    fn the_sort_key_skips_nonfiling_characters() {
        let the = leader_record(Leader::new('n', 'a', 'm'))
            .data("245", ['1', '4'], &[('a', "The quiet American")])
            .expect("well-formed");
        let summary = RecordSummary::of(&the);
        assert_eq!(summary.title, "The quiet American");
        assert!(
            summary.sort_key().starts_with("quiet american"),
            "{}",
            summary.sort_key()
        );
        let plain = RecordSummary::of(&book(Leader::new('n', 'a', 'm')));
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
        assert_eq!(RecordSummary::of(&record).title, "Hà Nội");
    }
}
