//! The record editor's operations: the MARC engine's `Record` converted to and from the
//! editor's `MarcRecord`, validation located for the grid, the mnemonic (MarcEdit) text mode,
//! the templates of "New record", and saving and deleting a record.
//!
//! The editor may hold a record the engine cannot (a two-character tag, an empty indicator):
//! [`from_api`] refuses it naming the field, and [`validate`] turns the same faults into
//! issues, so the grid can show them where they are instead of failing.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use shelfmark_marc::codes as marc_codes;
use shelfmark_marc::{
    Diagnostic, Field, Indicator, Leader, Record, Severity, Subfield, SubfieldCode, Tag, mrk,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::extract::Extracted;
use super::records;
use crate::api::{
    DeletedRecord, IssueSeverity, ItemStatus, MarcField, MarcRecord, MarcSubfield, MnemonicParse,
    RecordTemplate, TemplateKind, ValidationIssue,
};
use crate::changelog::{EntityType, Operation};
use crate::error::CoreError;
use crate::store::Catalog;

/// Codes of the faults that stop a `MarcRecord` from becoming a MARC record at all (reported by
/// [`validate`] beside the MARC engine's own, [`shelfmark_marc::codes::CODES`]).
pub mod codes {
    /// The leader is not 24 characters. Params: `length`.
    pub const LEADER_LENGTH: &str = "leader_length";
    /// The leader holds a character a leader cannot (not ASCII). Params: `reason`.
    pub const LEADER_INVALID: &str = "leader_invalid";
    /// A tag that is not three characters (or not letters and digits). Params: `tag`.
    pub const TAG_MALFORMED: &str = "tag_malformed";
    /// An indicator that is not exactly one printable character. Params: `indicator`, `value`.
    pub const INDICATOR_MALFORMED: &str = "indicator_malformed";
    /// A subfield code that is not exactly one printable character. Params: `code`.
    pub const SUBFIELD_CODE_MALFORMED: &str = "subfield_code_malformed";

    pub const CODES: &[&str] = &[
        LEADER_LENGTH,
        LEADER_INVALID,
        TAG_MALFORMED,
        INDICATOR_MALFORMED,
        SUBFIELD_CODE_MALFORMED,
    ];
}

/// The editor's form of a record.
pub fn to_api(record: &Record) -> MarcRecord {
    MarcRecord {
        leader: record.leader.as_str().to_string(),
        fields: record
            .fields
            .iter()
            .map(|f| match f {
                Field::Control { tag, value } => MarcField::Control {
                    tag: tag.as_str().to_string(),
                    value: value.to_string(),
                },
                Field::Data {
                    tag,
                    indicators,
                    subfields,
                } => MarcField::Data {
                    tag: tag.as_str().to_string(),
                    ind1: indicators[0].as_char().to_string(),
                    ind2: indicators[1].as_char().to_string(),
                    subfields: subfields
                        .iter()
                        .map(|s| MarcSubfield {
                            code: s.code.as_char().to_string(),
                            value: s.value.to_string(),
                        })
                        .collect(),
                },
            })
            .collect(),
    }
}

/// One fault that keeps a `MarcRecord` from being a MARC record.
struct ShapeFault {
    field_index: Option<usize>,
    tag: String,
    subfield_index: Option<usize>,
    position: Option<String>,
    code: &'static str,
    params: Vec<(&'static str, String)>,
    reason: String,
}

impl ShapeFault {
    /// `field 7 (24)`, the field counted from 1 as the grid shows it; `leader` for the leader.
    fn place(&self) -> String {
        match self.field_index {
            Some(i) => format!("field {} ({})", i + 1, self.tag),
            None => "leader".to_string(),
        }
    }

    fn into_error(self) -> CoreError {
        CoreError::InvalidInput {
            what: "MARC record",
            value: self.place(),
            reason: self.reason,
        }
    }

    fn into_issue(self) -> ValidationIssue {
        let message = format!("{}: {}", self.place(), self.reason);
        let mut params: BTreeMap<String, String> = self
            .params
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        params.insert("tag".into(), self.tag.clone());
        ValidationIssue {
            severity: IssueSeverity::Error,
            field_index: self.field_index.map(|i| i as u32),
            tag: Some(self.tag),
            subfield_index: self.subfield_index.map(|i| i as u32),
            position: self.position,
            line: None,
            code: self.code.to_string(),
            params,
            message,
        }
    }
}

fn one_char(s: &str) -> Option<char> {
    let mut chars = s.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

/// The record, or every fault that stops it being one (in field order).
fn build(record: &MarcRecord) -> Result<Record, Vec<ShapeFault>> {
    let mut faults = Vec::new();
    let leader_len = record.leader.chars().count();
    let leader = if leader_len != 24 {
        faults.push(ShapeFault {
            field_index: None,
            tag: "LDR".into(),
            subfield_index: None,
            position: None,
            code: codes::LEADER_LENGTH,
            params: vec![("length", leader_len.to_string())],
            reason: format!("the leader is {leader_len} characters; it must be 24"),
        });
        None
    } else {
        match Leader::parse(&record.leader) {
            Ok(l) => Some(l),
            Err(e) => {
                faults.push(ShapeFault {
                    field_index: None,
                    tag: "LDR".into(),
                    subfield_index: None,
                    position: None,
                    code: codes::LEADER_INVALID,
                    params: vec![("reason", e.to_string())],
                    reason: e.to_string(),
                });
                None
            }
        }
    };
    let mut fields = Vec::with_capacity(record.fields.len());
    for (index, field) in record.fields.iter().enumerate() {
        let (tag_text, is_data) = match field {
            MarcField::Control { tag, .. } => (tag, false),
            MarcField::Data { tag, .. } => (tag, true),
        };
        let fault = |code: &'static str,
                     subfield_index: Option<usize>,
                     position: Option<String>,
                     params: Vec<(&'static str, String)>,
                     reason: String| ShapeFault {
            field_index: Some(index),
            tag: tag_text.clone(),
            subfield_index,
            position,
            code,
            params,
            reason,
        };
        let tag = match Tag::new(tag_text).ok().filter(|t| t.is_standard()) {
            Some(t) if tag_text.chars().count() == 3 => t,
            _ => {
                faults.push(fault(
                    codes::TAG_MALFORMED,
                    None,
                    None,
                    vec![],
                    "a tag is three letters or digits".into(),
                ));
                continue;
            }
        };
        if tag.is_control() == is_data {
            let (code, reason) = if is_data {
                (
                    marc_codes::CONTROL_FIELD_AS_DATA,
                    format!(
                        "{tag_text} is a control field: it holds one value, not indicators and subfields"
                    ),
                )
            } else {
                (
                    marc_codes::DATA_FIELD_AS_CONTROL,
                    format!(
                        "{tag_text} is a data field: it holds indicators and subfields, not one value"
                    ),
                )
            };
            faults.push(fault(code, None, None, vec![], reason));
            continue;
        }
        match field {
            MarcField::Control { value, .. } => fields.push(Field::Control {
                tag,
                value: value.as_str().into(),
            }),
            MarcField::Data {
                ind1,
                ind2,
                subfields,
                ..
            } => {
                let mut indicators = [Indicator::BLANK; 2];
                let mut ok = true;
                for (n, text) in [ind1, ind2].into_iter().enumerate() {
                    match one_char(text).and_then(|c| Indicator::new(c).ok()) {
                        Some(i) => indicators[n] = i,
                        None => {
                            ok = false;
                            faults.push(fault(
                                codes::INDICATOR_MALFORMED,
                                None,
                                Some(format!("ind{}", n + 1)),
                                vec![("indicator", (n + 1).to_string()), ("value", text.clone())],
                                format!(
                                    "indicator {} must be one character (a space for blank)",
                                    n + 1
                                ),
                            ));
                        }
                    }
                }
                let mut built = Vec::with_capacity(subfields.len());
                for (i, sf) in subfields.iter().enumerate() {
                    match one_char(&sf.code).and_then(|c| SubfieldCode::new(c).ok()) {
                        Some(code) => built.push(Subfield::new(code, sf.value.as_str())),
                        None => {
                            ok = false;
                            faults.push(fault(
                                codes::SUBFIELD_CODE_MALFORMED,
                                Some(i),
                                Some(format!("${}", sf.code)),
                                vec![("code", sf.code.clone())],
                                format!(
                                    "subfield {} has the code {:?}; a subfield code is one letter, digit or sign",
                                    i + 1,
                                    sf.code
                                ),
                            ));
                        }
                    }
                }
                if ok {
                    fields.push(Field::Data {
                        tag,
                        indicators,
                        subfields: built.into(),
                    });
                }
            }
        }
    }
    match leader {
        Some(leader) if faults.is_empty() => Ok(Record { leader, fields }),
        _ => Err(faults),
    }
}

/// The MARC engine's record for the editor's, refusing the first fault that stops it being
/// one: `field 7 (24): ...` names the field by its position (from 1) and tag.
pub fn from_api(record: &MarcRecord) -> Result<Record, CoreError> {
    build(record).map_err(|faults| match faults.into_iter().next() {
        Some(f) => f.into_error(),
        None => CoreError::InvalidInput {
            what: "MARC record",
            value: record.leader.clone(),
            reason: "the record could not be read".into(),
        },
    })
}

fn severity(s: Severity) -> IssueSeverity {
    match s {
        Severity::Warning => IssueSeverity::Warning,
        Severity::Error => IssueSeverity::Error,
    }
}

/// The engine's diagnostic as an issue; `line` for diagnostics of mnemonic text.
fn issue(d: Diagnostic, line: Option<u32>) -> ValidationIssue {
    let mut params: BTreeMap<String, String> = d
        .params
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    if let Some(line) = line {
        params.insert("line".into(), line.to_string());
    }
    ValidationIssue {
        severity: severity(d.severity),
        field_index: d.field_index.map(|i| i as u32),
        tag: d.tag,
        subfield_index: d.subfield_index.map(|i| i as u32),
        position: d.position,
        line,
        code: d
            .code
            .unwrap_or(marc_codes::MRK_UNREADABLE_LINE)
            .to_string(),
        params,
        message: d.message,
    }
}

/// What the MARC 21 validator finds, each issue located by field (index into
/// `record.fields`), subfield and position. A record that is not yet MARC (see [`from_api`])
/// gives its faults as errors instead.
pub fn validate(record: &MarcRecord) -> Vec<ValidationIssue> {
    match build(record) {
        Ok(r) => shelfmark_marc::validate::validate(&r)
            .into_iter()
            .map(|d| issue(d, None))
            .collect(),
        Err(faults) => faults.into_iter().map(ShapeFault::into_issue).collect(),
    }
}

/// The record as MarcEdit mnemonic text, one field a line (`\n`), no blank line at the end.
pub fn to_mnemonic(record: &MarcRecord) -> Result<String, CoreError> {
    let text = mrk::to_string(&from_api(record)?)?;
    // Values never hold a raw line break (the writer spells control characters as `{0D}`),
    // so the writer's CRLF can be made the editor's LF safely.
    Ok(text
        .replace("\r\n", "\n")
        .trim_end_matches('\n')
        .to_string()
        + "\n")
}

/// 1-based line of a byte offset in `text`.
fn line_of(text: &str, offset: Option<u64>) -> Option<u32> {
    let offset = usize::try_from(offset?).ok()?.min(text.len());
    let before = text.get(..offset)?;
    Some(before.bytes().filter(|b| *b == b'\n').count() as u32 + 1)
}

/// Mnemonic text back into a record. A line that cannot be understood gives an issue with
/// its `line` and no record; a line that was repaired (a missing indicator, an unknown
/// `{mnemonic}`) gives a warning beside the record.
pub fn from_mnemonic(text: &str) -> MnemonicParse {
    match mrk::parse_record(text) {
        Ok(decoded) => MnemonicParse {
            record: Some(to_api(&decoded.record)),
            issues: decoded
                .warnings
                .into_iter()
                .map(|d| {
                    let line = line_of(text, d.offset);
                    issue(d, line)
                })
                .collect(),
        },
        Err(diagnostics) => MnemonicParse {
            record: None,
            issues: diagnostics
                .into_iter()
                .map(|d| {
                    let line = line_of(text, d.offset);
                    issue(d, line)
                })
                .collect(),
        },
    }
}

/// The templates of "New record", kept as MarcEdit text in `schemas/templates/`.
const TEMPLATES: [(TemplateKind, &str); 5] = [
    (
        TemplateKind::Book,
        include_str!("../../../../schemas/templates/book.mrk"),
    ),
    (
        TemplateKind::Ebook,
        include_str!("../../../../schemas/templates/ebook.mrk"),
    ),
    (
        TemplateKind::Audiobook,
        include_str!("../../../../schemas/templates/audiobook.mrk"),
    ),
    (
        TemplateKind::Serial,
        include_str!("../../../../schemas/templates/serial.mrk"),
    ),
    (
        TemplateKind::Map,
        include_str!("../../../../schemas/templates/map.mrk"),
    ),
];

/// Printed book, e-book, audiobook, serial and map, each with its leader, 006/007/008 and
/// the fields a cataloger fills (left empty). A template that does not parse is left out
/// (the tests make sure none is).
pub fn templates() -> Vec<RecordTemplate> {
    TEMPLATES
        .iter()
        .filter_map(|(kind, text)| {
            Some(RecordTemplate {
                kind: *kind,
                record: from_mnemonic(text).record?,
            })
        })
        .collect()
}

/// 005: date and time of latest transaction, `yyyymmddhhmmss.f`.
fn stamp_005(now: OffsetDateTime) -> String {
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}.{}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        now.millisecond() / 100
    )
}

/// Sets 005 (replacing it, or placing it in tag order) and, for a new record whose 008/00-05
/// is blank or zeros, the date entered on file.
fn stamp(record: &mut Record, now: OffsetDateTime, new: bool) -> Result<(), CoreError> {
    let value = stamp_005(now);
    let tag = Tag::new("005")?;
    match record.fields.iter_mut().find(|f| f.tag().as_str() == "005") {
        Some(Field::Control { value: v, .. }) => *v = value.as_str().into(),
        _ => {
            let at = record
                .fields
                .iter()
                .position(|f| f.tag().as_str() > "005")
                .unwrap_or(record.fields.len());
            record.fields.insert(
                at,
                Field::Control {
                    tag,
                    value: value.as_str().into(),
                },
            );
        }
    }
    if new
        && let Some(Field::Control { value, .. }) =
            record.fields.iter_mut().find(|f| f.tag().as_str() == "008")
    {
        let entered = value.get(..6).unwrap_or("");
        if value.len() >= 6 && entered.bytes().all(|b| b == b' ' || b == b'0') {
            let date = format!(
                "{:02}{:02}{:02}",
                now.year().rem_euclid(100),
                u8::from(now.month()),
                now.day()
            );
            let rest = value.get(6..).unwrap_or("").to_string();
            *value = format!("{date}{rest}").as_str().into();
        }
    }
    Ok(())
}

/// Saves a record from the editor: adds it (`id` `None`) or replaces an existing one's MARC,
/// in one transaction, logged. Sets 005 from the catalog's clock and, for a new record, the
/// date entered in 008/00-05 when it is blank. A record with validation errors is saved (the
/// editor asked first); one the engine cannot hold, or too long for ISO 2709, is refused.
pub fn save(
    catalog: &mut Catalog,
    user: &str,
    id: Option<Uuid>,
    record: &MarcRecord,
) -> Result<Uuid, CoreError> {
    let mut marc = from_api(record)?;
    catalog.write(user, |m| {
        stamp(&mut marc, m.now(), id.is_none())?;
        let named = |e: CoreError| match e {
            CoreError::Marc(e) => {
                let ex = Extracted::of(&marc);
                CoreError::InvalidInput {
                    what: "record",
                    value: ex
                        .control_number
                        .filter(|c| !c.is_empty())
                        .unwrap_or(ex.title),
                    reason: format!(
                        "{e}; a record must fit in 99,999 bytes of ISO 2709 (shorten or split long notes)"
                    ),
                }
            }
            other => other,
        };
        match id {
            None => records::insert(m, &marc).map_err(named),
            Some(id) => records::overlay(m, id, &marc).map(|()| id).map_err(named),
        }
    })
}

/// What the change log carries for a deleted item: what identified it and its record (the
/// search catch-up finds the record through it).
#[derive(Serialize)]
struct DeletedItemPayload<'a> {
    record_id: &'a str,
    barcode: &'a str,
}

#[derive(Serialize)]
struct DeletedRecordPayload {
    control_number: Option<String>,
    title: String,
}

/// Deletes a record with its items, identifiers and import-ledger rows, each deletion logged,
/// in one transaction. Refused while any item is in circulation's hands: on loan, in transit
/// or on the hold shelf (a reader is waiting for it); those barcodes are named.
pub fn delete(catalog: &mut Catalog, user: &str, id: Uuid) -> Result<DeletedRecord, CoreError> {
    let id_text = id.to_string();
    catalog.write(user, |m| {
        let row: Option<(Option<String>, String)> = m
            .conn()
            .query_row(
                "SELECT control_number, title FROM records WHERE id = ?1",
                params![id_text],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((control_number, title)) = row else {
            return Err(CoreError::NotFound {
                entity: "record",
                key: "id",
                value: id_text.clone(),
            });
        };
        let items: Vec<(String, String, String)> = m
            .conn()
            .prepare("SELECT id, barcode, status FROM items WHERE record_id = ?1 ORDER BY barcode")?
            .query_map(params![id_text], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let busy: Vec<String> = items
            .iter()
            .filter(|(_, _, status)| {
                ItemStatus::parse(status).is_some_and(|s| !s.set_by_cataloging())
            })
            .map(|(_, barcode, _)| barcode.clone())
            .collect();
        if !busy.is_empty() {
            return Err(CoreError::ItemsOnLoan {
                record: if title.is_empty() {
                    id_text.clone()
                } else {
                    title
                },
                barcodes: busy,
            });
        }
        for (item_id, barcode, _) in &items {
            m.conn()
                .execute("DELETE FROM items WHERE id = ?1", params![item_id])?;
            let item_uuid = Uuid::parse_str(item_id).map_err(|e| CoreError::InvalidInput {
                what: "item id",
                value: item_id.clone(),
                reason: e.to_string(),
            })?;
            m.log(
                EntityType::Item,
                item_uuid,
                Operation::Delete,
                &DeletedItemPayload {
                    record_id: &id_text,
                    barcode,
                },
            )?;
        }
        // Identifiers and the import ledger are derived from the record and local
        // bookkeeping: they go with it and are not logged on their own.
        m.conn().execute(
            "DELETE FROM record_identifiers WHERE record_id = ?1",
            params![id_text],
        )?;
        m.conn().execute(
            "DELETE FROM import_sources WHERE record_id = ?1",
            params![id_text],
        )?;
        m.conn()
            .execute("DELETE FROM records WHERE id = ?1", params![id_text])?;
        m.log(
            EntityType::Record,
            id,
            Operation::Delete,
            &DeletedRecordPayload {
                control_number,
                title,
            },
        )?;
        Ok(DeletedRecord {
            id: id_text.clone(),
            items_deleted: items.len() as u32,
        })
    })
}

/// Used by the history to show a field as one mnemonic line (`=245  10$aTitle`).
pub(crate) fn mnemonic_line(field: &Field) -> String {
    let record = Record {
        leader: Leader::new('n', 'a', 'm'),
        fields: vec![field.clone()],
    };
    match mrk::to_string(&record) {
        Ok(text) => text.split("\r\n").nth(1).unwrap_or("").to_string(),
        // A field mnemonic text cannot hold (a backslash indicator): shown plainly.
        Err(_) => format!("={}  {field:?}", field.tag()),
    }
}

#[cfg(test)]
mod tests;
