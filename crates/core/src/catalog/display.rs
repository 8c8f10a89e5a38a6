//! The record view: everything it shows about one record, read from the stored MARC.
//!
//! What lists and search also use (title, authors, subjects, year, languages, call number,
//! material type) comes from [`Extracted::of`], the one extraction; what only the record view
//! shows (edition, publication, physical description, series, notes, links, identifiers with
//! their qualifiers) is read here.

use rusqlite::{OptionalExtension, params};
use shelfmark_marc::{Field, Record, iso2709};
use uuid::Uuid;

use super::editing::to_api;
use super::extract::{Extracted, trim_isbd};
use super::identifiers::{normalize_isbn, normalize_issn};
use crate::api::{IdentifierEntry, RecordDetail, RecordLink};
use crate::error::CoreError;
use crate::holdings;
use crate::store::Catalog;
use crate::text;

/// Everything the record view shows about record `id`.
pub fn detail(catalog: &Catalog, id: Uuid) -> Result<RecordDetail, CoreError> {
    let row: Option<(Vec<u8>, String, String)> = catalog
        .conn()
        .query_row(
            "SELECT marc, created_at, updated_at FROM records WHERE id = ?1",
            params![id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((marc, created_at, updated_at)) = row else {
        return Err(CoreError::NotFound {
            entity: "record",
            key: "id",
            value: id.to_string(),
        });
    };
    let record = iso2709::from_bytes(&marc).map_err(|e| CoreError::Corrupt {
        path: catalog.path().into(),
        detail: format!("the stored MARC of record {id} cannot be read ({e})"),
    })?;
    let e = Extracted::of(&record);
    Ok(RecordDetail {
        id: id.to_string(),
        control_number: e.control_number,
        material_type: e.material_type,
        title: e.title,
        responsibility: e.responsibility,
        authors: e.authors,
        edition: joined(&record, &["250"], |c| matches!(c, 'a' | 'b')),
        publication: joined(&record, &["264", "260"], |c| matches!(c, 'a' | 'b' | 'c')),
        year: e.year,
        physical_description: joined(&record, &["300"], |c| c.is_ascii_lowercase()),
        series: series(&record),
        subjects: e.subjects,
        notes: notes(&record),
        isbns: identifiers(&record, "020", |v| normalize_isbn(v).is_ok()),
        issns: identifiers(&record, "022", |v| normalize_issn(v).is_ok()),
        links: links(&record),
        languages: e.languages,
        call_number: e.call_number,
        marc: to_api(&record),
        items: holdings::items_for(catalog, id)?,
        created_at,
        updated_at,
    })
}

/// A field's chosen subfields as one statement, as printed (ISBD punctuation kept inside,
/// trimmed at the end).
fn statement(field: &Field, wanted: impl Fn(char) -> bool) -> Option<String> {
    let Field::Data { subfields, .. } = field else {
        return None;
    };
    let parts: Vec<&str> = subfields
        .iter()
        .filter(|s| wanted(s.code.as_char()))
        .map(|s| s.value.trim())
        .filter(|v| !v.is_empty())
        .collect();
    let joined = trim_isbd(&parts.join(" "));
    (!joined.is_empty()).then_some(joined)
}

/// The first of `tags` (in that order of preference) that gives a statement.
fn joined(record: &Record, tags: &[&str], wanted: impl Fn(char) -> bool + Copy) -> Option<String> {
    tags.iter().find_map(|tag| {
        record
            .fields_with_tag(tag)
            .find_map(|f| statement(f, wanted))
    })
}

/// 490 series statements, then 8XX series added entries not already said by a 490.
fn series(record: &Record) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for field in &record.fields {
        let tag = field.tag();
        let wanted: fn(char) -> bool = match tag.as_str() {
            "490" => |c| matches!(c, 'a' | 'v' | 'x'),
            "800" | "810" | "811" | "830" => |c| c.is_ascii_lowercase() && c != 'w',
            _ => continue,
        };
        if let Some(s) = statement(field, wanted)
            && !out.contains(&s)
        {
            out.push(s);
        }
    }
    out
}

/// 5XX notes in record order, each field's lettered subfields as one text.
fn notes(record: &Record) -> Vec<String> {
    record
        .fields
        .iter()
        .filter(|f| f.tag().as_str().starts_with('5'))
        .filter_map(|f| {
            let Field::Data { subfields, .. } = f else {
                return None;
            };
            let parts: Vec<&str> = subfields
                .iter()
                .filter(|s| s.code.as_char().is_ascii_lowercase())
                .map(|s| s.value.trim())
                .filter(|v| !v.is_empty())
                .collect();
            let note = text::nfc(&parts.join(" "));
            (!note.is_empty()).then_some(note)
        })
        .collect()
}

/// 020/022 $a as written: the number, its qualifier ($q, or the text after the number) and
/// whether its check digit is right.
fn identifiers(record: &Record, tag: &str, valid: impl Fn(&str) -> bool) -> Vec<IdentifierEntry> {
    let mut out = Vec::new();
    for field in record.fields_with_tag(tag) {
        let qualifiers: Vec<String> = field
            .subfields('q')
            .map(|q| q.trim().to_string())
            .filter(|q| !q.is_empty())
            .collect();
        for a in field.subfields('a') {
            let a = a.trim();
            if a.is_empty() {
                continue;
            }
            let (number, after) = match a.find(char::is_whitespace) {
                Some(i) => (&a[..i], a[i..].trim()),
                None => (a, ""),
            };
            let mut qualifier: Vec<String> = Vec::new();
            if !after.is_empty() {
                qualifier.push(after.to_string());
            }
            qualifier.extend(qualifiers.iter().cloned());
            out.push(IdentifierEntry {
                value: text::nfc(number),
                qualifier: (!qualifier.is_empty()).then(|| text::nfc(&qualifier.join(" "))),
                valid: valid(number),
            });
        }
    }
    out
}

/// 856 $u with what it is called ($y, else $3, else $z).
fn links(record: &Record) -> Vec<RecordLink> {
    let mut out = Vec::new();
    for field in record.fields_with_tag("856") {
        let label = ['y', '3', 'z']
            .iter()
            .find_map(|c| field.subfield(*c).map(str::trim).filter(|v| !v.is_empty()))
            .map(text::nfc);
        for url in field.subfields('u') {
            let url = url.trim();
            if !url.is_empty() {
                out.push(RecordLink {
                    url: url.to_string(),
                    label: label.clone(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use shelfmark_marc::{Leader, Record};
    use time::macros::datetime;

    use super::*;
    use crate::api::{ItemInput, ItemStatus, MaterialType};
    use crate::catalog::records;
    use crate::clock::ManualClock;
    use crate::holdings::{self, NewBranch};
    use crate::store::CatalogOptions;

    fn catalog(dir: &tempfile::TempDir) -> Catalog {
        let clock = Arc::new(ManualClock::new(datetime!(2026-11-26 07:00:00 UTC)));
        Catalog::open(dir.path().join("c.db"), CatalogOptions { clock }).expect("opens")
    }

    fn kieu() -> Record {
        Record::new(Leader::new('n', 'a', 'm'))
            .control("001", "VN0001")
            .and_then(|r| r.control("008", "240101s2015    vm            000 1 vie d"))
            .and_then(|r| {
                r.data(
                    "020",
                    [' ', ' '],
                    &[('a', "9786041234567 (bìa mềm)"), ('q', "tập 1")],
                )
            })
            .and_then(|r| r.data("020", [' ', ' '], &[('a', "0-306-40615-3")]))
            .and_then(|r| r.data("022", [' ', ' '], &[('a', "0317-8471")]))
            .and_then(|r| r.data("082", ['0', '4'], &[('a', "895.9221"), ('b', "NG-D")]))
            .and_then(|r| r.data("100", ['1', ' '], &[('a', "Nguyễn, Du,")]))
            .and_then(|r| {
                r.data(
                    "245",
                    ['1', '0'],
                    &[('a', "Truyện Kiều /"), ('c', "Nguyễn Du.")],
                )
            })
            .and_then(|r| r.data("250", [' ', ' '], &[('a', "Tái bản lần thứ 3.")]))
            .and_then(|r| {
                r.data(
                    "264",
                    [' ', '1'],
                    &[('a', "Hà Nội :"), ('b', "Văn học,"), ('c', "2015.")],
                )
            })
            .and_then(|r| r.data("300", [' ', ' '], &[('a', "250 trang ;"), ('c', "21 cm.")]))
            .and_then(|r| {
                r.data(
                    "490",
                    ['0', ' '],
                    &[('a', "Tủ sách văn học cổ điển ;"), ('v', "5")],
                )
            })
            .and_then(|r| r.data("500", [' ', ' '], &[('a', "Có chú thích.")]))
            .and_then(|r| r.data("504", [' ', ' '], &[('a', "Thư mục: tr. 240-250.")]))
            .and_then(|r| r.data("650", [' ', '4'], &[('a', "Văn học Việt Nam")]))
            .and_then(|r| {
                r.data(
                    "856",
                    ['4', '0'],
                    &[('u', "https://example.org/kieu"), ('y', "Đọc trực tuyến")],
                )
            })
            .expect("well-formed")
    }

    #[test]
    fn the_record_view_has_every_part_of_the_record() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut catalog = catalog(&dir);
        let id = catalog
            .write("t", |m| {
                holdings::add_branch(
                    m,
                    &NewBranch {
                        code: "HK".into(),
                        name: "Hoàn Kiếm".into(),
                    },
                )?;
                records::insert(m, &kieu())
            })
            .expect("stored");
        holdings::add_item_for(
            &mut catalog,
            "t",
            id,
            &ItemInput {
                barcode: "B1".into(),
                branch_code: "HK".into(),
                location: "Kho mở".into(),
                call_number: None,
                item_type: "book".into(),
                status: ItemStatus::Available,
            },
        )
        .expect("item");
        let d = detail(&catalog, id).expect("detail");
        assert_eq!(d.control_number.as_deref(), Some("VN0001"));
        assert_eq!(d.material_type, MaterialType::Book);
        assert_eq!(d.title, "Truyện Kiều");
        assert_eq!(d.responsibility.as_deref(), Some("Nguyễn Du"));
        assert_eq!(d.authors, vec!["Nguyễn, Du"]);
        assert_eq!(d.edition.as_deref(), Some("Tái bản lần thứ 3"));
        assert_eq!(d.publication.as_deref(), Some("Hà Nội : Văn học, 2015"));
        assert_eq!(d.year, Some(2015));
        assert_eq!(d.physical_description.as_deref(), Some("250 trang ; 21 cm"));
        assert_eq!(d.series, vec!["Tủ sách văn học cổ điển ; 5"]);
        assert_eq!(d.subjects, vec!["Văn học Việt Nam"]);
        assert_eq!(d.notes, vec!["Có chú thích.", "Thư mục: tr. 240-250."]);
        assert_eq!(d.isbns.len(), 2);
        assert_eq!(d.isbns[0].value, "9786041234567");
        assert_eq!(d.isbns[0].qualifier.as_deref(), Some("(bìa mềm) tập 1"));
        assert!(d.isbns[0].valid);
        assert!(!d.isbns[1].valid, "0-306-40615-3 has a wrong check digit");
        assert_eq!(d.issns[0].value, "0317-8471");
        assert!(d.issns[0].valid);
        assert_eq!(
            d.links,
            vec![RecordLink {
                url: "https://example.org/kieu".into(),
                label: Some("Đọc trực tuyến".into())
            }]
        );
        assert_eq!(d.languages, vec!["vie"]);
        assert_eq!(d.call_number.as_deref(), Some("895.9221 NG-D"));
        // The leader's length and base address are the writer's; the rest is as given.
        assert_eq!(d.marc.fields, to_api(&kieu()).fields);
        assert_eq!(d.items.len(), 1);
        assert_eq!(d.items[0].barcode, "B1");
        assert_eq!(d.created_at, "2026-11-26T07:00:00Z");
        assert_eq!(d.updated_at, d.created_at);
    }

    #[test]
    fn an_unknown_record_is_not_found() {
        let dir = tempfile::tempdir().expect("temp dir");
        let catalog = catalog(&dir);
        assert!(matches!(
            detail(&catalog, Uuid::nil()),
            Err(CoreError::NotFound { .. })
        ));
    }
}
