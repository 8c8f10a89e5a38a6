//! Access levels: who may open a work's digital copies. The level follows from the status by
//! a data table (`schemas/rights/access.json`), a person may set another with a reason, and
//! [`may_open`] answers for one reader, with the basis, including the print-disability
//! exception: Vietnam's Law on Intellectual Property, Article 25a, and the Marrakesh Treaty
//! (in force for Vietnam since 2023) let a reader with a print disability open an
//! accessible-format copy (an audiobook, braille) that other readers cannot.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use rusqlite::{OptionalExtension, params};
use serde::Deserialize;
use uuid::Uuid;

use super::determinations::{self, today};
use crate::api::{AccessBasis, AccessDecision, AccessLevel, ReaderContext, RightsStatus};
use crate::error::CoreError;
use crate::store::Catalog;

const TABLE: &str = include_str!("../../../../schemas/rights/access.json");

#[derive(Debug, Deserialize)]
struct Entry {
    access: AccessLevel,
}

#[derive(Debug, Deserialize)]
struct PrintDisability {
    citation: String,
}

#[derive(Debug, Deserialize)]
struct Table {
    levels: BTreeMap<String, Entry>,
    print_disability: PrintDisability,
}

fn table() -> Option<&'static Table> {
    static TABLE_CELL: OnceLock<Option<Table>> = OnceLock::new();
    TABLE_CELL
        .get_or_init(|| serde_json::from_str(TABLE).ok())
        .as_ref()
}

/// The access level a status gives by the table; `staff` for a status the table lacks, so
/// nothing opens by a gap in the data.
pub fn default_access(status: RightsStatus) -> AccessLevel {
    table()
        .and_then(|t| t.levels.get(status.as_str()))
        .map_or(AccessLevel::Staff, |e| e.access)
}

/// The legal basis of the print-disability exception, as the table states it.
pub fn print_disability_citation() -> String {
    table()
        .map(|t| t.print_disability.citation.clone())
        .unwrap_or_default()
}

/// Who may open the record's digital copies now: the current determination's level (a
/// computed in-copyright work whose public-domain day has come opens as public domain); a
/// record never determined is evaluated on the spot (and is `staff` when the rules cannot
/// tell).
pub fn effective_access(catalog: &Catalog, record_id: Uuid) -> Result<AccessLevel, CoreError> {
    effective_access_conn(catalog.conn(), catalog.clock().now(), record_id)
}

/// [`effective_access`] on a connection at `now` (exports and the digital collection read it
/// where they have no [`Catalog`] at hand).
pub(crate) fn effective_access_conn(
    conn: &rusqlite::Connection,
    now: time::OffsetDateTime,
    record_id: Uuid,
) -> Result<AccessLevel, CoreError> {
    let d = match determinations::current_conn(conn, record_id)? {
        Some(d) => d,
        None => determinations::evaluate_conn(conn, record_id, today(conn, now)?, now)?,
    };
    if d.access_reason.is_none()
        && d.overridden_reason.is_none()
        && d.status == RightsStatus::InC
        && let Some(from) = &d.public_domain_from
        && determinations::parse_date(from)? <= today(conn, now)?
    {
        return Ok(default_access(RightsStatus::PublicDomain));
    }
    Ok(d.access)
}

/// Whether the record is an accessible-format copy: a spoken-word recording (Leader/06 `i`),
/// a tactile resource (007/00 `f`), or one described with accessible content (341).
pub fn is_accessible_format(catalog: &Catalog, record_id: Uuid) -> Result<bool, CoreError> {
    let bytes: Option<Vec<u8>> = catalog
        .conn()
        .prepare_cached("SELECT marc FROM records WHERE id = ?1")?
        .query_row(params![record_id.to_string()], |r| r.get(0))
        .optional()?;
    let bytes = bytes.ok_or_else(|| CoreError::NotFound {
        entity: "record",
        key: "id",
        value: record_id.to_string(),
    })?;
    let record = shelfmark_marc::iso2709::from_bytes(&bytes)?;
    Ok(record.leader.record_type() == 'i'
        || record
            .fields_with_tag("007")
            .any(|f| matches!(f, shelfmark_marc::Field::Control { value, .. } if value.as_str().starts_with('f')))
        || record.fields_with_tag("341").next().is_some())
}

/// A reader's context from their card: registered, staff by category, print-disabled when
/// the category is `visually_impaired`.
pub fn reader_for_patron(
    catalog: &Catalog,
    barcode: &str,
    on_premises: bool,
) -> Result<ReaderContext, CoreError> {
    let category: Option<String> = catalog
        .conn()
        .prepare_cached("SELECT category FROM patrons WHERE barcode = ?1")?
        .query_row(params![barcode.trim()], |r| r.get(0))
        .optional()?;
    let category = category.ok_or_else(|| CoreError::NotFound {
        entity: "patron",
        key: "barcode",
        value: barcode.to_string(),
    })?;
    Ok(ReaderContext {
        registered: true,
        on_premises,
        staff: category == "staff",
        print_disabled: category == "visually_impaired",
    })
}

fn decision(
    allowed: bool,
    access: AccessLevel,
    basis: AccessBasis,
    citation: Option<String>,
    vi: &str,
    en: &str,
) -> AccessDecision {
    AccessDecision {
        allowed,
        access,
        basis,
        citation,
        explanation_vi: vi.to_string(),
        explanation_en: en.to_string(),
    }
}

/// Whether this reader may open the record's digital copy, and on what basis. The record's
/// own description (Leader/06, 007, 341) tells whether it is an accessible-format copy; for a
/// particular file the digital collection asks [`decide`] with the file's own flag.
pub fn may_open(
    catalog: &Catalog,
    record_id: Uuid,
    reader: ReaderContext,
) -> Result<AccessDecision, CoreError> {
    let access = effective_access(catalog, record_id)?;
    decide(access, reader, || is_accessible_format(catalog, record_id))
}

/// The decision for a reader on content at `access`; `accessible_format` is asked only when
/// the print-disability exception is the reader's last chance (it may read the record).
pub fn decide(
    access: AccessLevel,
    reader: ReaderContext,
    accessible_format: impl FnOnce() -> Result<bool, CoreError>,
) -> Result<AccessDecision, CoreError> {
    use AccessBasis as B;
    use AccessLevel as L;
    let allowed = |basis, vi, en| Ok(decision(true, access, basis, None, vi, en));
    match access {
        L::Dark => {
            return Ok(decision(
                false,
                access,
                B::Dark,
                None,
                "Bản lưu trữ bảo quản: không mở cho ai.",
                "A preservation copy: no one opens it.",
            ));
        }
        L::Open => {
            return allowed(B::OpenAccess, "Mở cho mọi người.", "Open to everyone.");
        }
        _ if reader.staff => {
            return allowed(B::StaffMember, "Nhân viên thư viện.", "Library staff.");
        }
        L::Registered if reader.registered => {
            return allowed(
                B::RegisteredReader,
                "Bạn đọc có thẻ.",
                "A registered reader.",
            );
        }
        L::Premises if reader.on_premises => {
            return allowed(
                B::OnPremises,
                "Đọc tại thư viện.",
                "On the library's premises.",
            );
        }
        _ => {}
    }
    // The exception covers protected works too, but only an accessible-format copy, and only
    // for a registered reader the library knows to have a print disability.
    if reader.print_disabled && reader.registered && accessible_format()? {
        return Ok(decision(
            true,
            access,
            B::PrintDisabilityException,
            Some(print_disability_citation()),
            "Bản định dạng dễ tiếp cận cho người khuyết tật không đọc được chữ in (ngoại lệ cho người khuyết tật, Hiệp ước Marrakesh).",
            "An accessible-format copy for a reader with a print disability (the disability exception, Marrakesh Treaty).",
        ));
    }
    let (basis, vi, en) = match access {
        L::Registered => (
            B::NotRegistered,
            "Chỉ bạn đọc có thẻ mới được mở.",
            "Only registered readers may open it.",
        ),
        L::Premises => (
            B::NotOnPremises,
            "Chỉ được mở tại thư viện.",
            "It may be opened only on the library's premises.",
        ),
        _ => (
            B::StaffOnly,
            "Chỉ nhân viên thư viện được mở.",
            "Only library staff may open it.",
        ),
    };
    Ok(decision(false, access, basis, None, vi, en))
}
