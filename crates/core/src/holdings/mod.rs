//! Holdings: the library's branches and the physical (or digital) items each record has.
//!
//! An item points at its record, its branch and a location inside the branch. Its barcode is
//! the human identifier scanned at the desk and is unique across the whole catalog.
//!
//! `embedded` reads items out of the holdings fields other systems embed in bibliographic
//! records (Koha's 952, MARC 21's 852 with 876–878), by a mapping kept as data in
//! `schemas/holdings/`.

pub mod embedded;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use uuid::Uuid;

use crate::changelog::{EntityType, Operation};
use crate::error::CoreError;
use crate::store::{Catalog, Mutation};
use crate::text;

pub(crate) const MIGRATION_BRANCHES_AND_ITEMS: &str = "
CREATE TABLE branches (
    id    TEXT PRIMARY KEY,
    code  TEXT NOT NULL UNIQUE,
    name  TEXT NOT NULL
) STRICT;

CREATE TABLE items (
    id           TEXT PRIMARY KEY,
    record_id    TEXT NOT NULL REFERENCES records (id),
    barcode      TEXT NOT NULL UNIQUE,
    branch_id    TEXT NOT NULL REFERENCES branches (id),
    location     TEXT NOT NULL,
    call_number  TEXT,
    item_type    TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'available',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX items_record ON items (record_id);
CREATE INDEX items_branch ON items (branch_id);
";

/// Schema version 5: what embedded holdings carry that version 3 had no place for — the
/// branch an item is at now (Koha's holding branch, beside its home branch) and the source
/// system's own item number (Koha 952 $9, MARC 876–878 $a), kept for matching on re-import.
pub(crate) const MIGRATION_ITEM_SOURCE_COLUMNS: &str = "
ALTER TABLE items ADD COLUMN holding_branch_id TEXT REFERENCES branches (id);
ALTER TABLE items ADD COLUMN local_number TEXT;
";

#[derive(Debug, Clone, Serialize)]
pub struct NewBranch {
    pub code: String,
    pub name: String,
}

/// Adds a branch. Its code (e.g. `HK` for Hoàn Kiếm) is unique.
pub fn add_branch(m: &mut Mutation<'_>, branch: &NewBranch) -> Result<Uuid, CoreError> {
    let code = branch.code.trim();
    if code.is_empty() || code.len() > 16 {
        return Err(CoreError::InvalidInput {
            what: "branch code",
            value: branch.code.clone(),
            reason: "a branch code is 1 to 16 characters".into(),
        });
    }
    let id = m.new_id();
    let saved = NewBranch {
        code: code.to_string(),
        name: text::nfc(branch.name.trim()),
    };
    m.conn().execute(
        "INSERT INTO branches (id, code, name) VALUES (?1, ?2, ?3)",
        params![id.to_string(), saved.code, saved.name],
    )?;
    m.log(EntityType::Branch, id, Operation::Create, &saved)?;
    Ok(id)
}

#[derive(Debug, Clone, Serialize)]
pub struct NewItem {
    pub record_id: Uuid,
    pub barcode: String,
    pub branch_id: Uuid,
    pub location: String,
    pub call_number: Option<String>,
    pub item_type: String,
}

fn checked_barcode(item: &NewItem) -> Result<&str, CoreError> {
    let barcode = item.barcode.trim();
    if barcode.is_empty()
        || !barcode
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(CoreError::InvalidInput {
            what: "item barcode",
            value: item.barcode.clone(),
            reason: "a barcode is letters, digits and dashes, with no spaces".into(),
        });
    }
    Ok(barcode)
}

/// The branch with this code, if there is one.
pub(crate) fn branch_by_code(conn: &Connection, code: &str) -> Result<Option<Uuid>, CoreError> {
    let id: Option<String> = conn
        .prepare_cached("SELECT id FROM branches WHERE code = ?1")?
        .query_row(params![code.trim()], |r| r.get(0))
        .optional()?;
    Ok(id.and_then(|t| Uuid::parse_str(&t).ok()))
}

/// The record an item with this barcode belongs to, if the barcode is in use.
pub(crate) fn record_of_barcode(
    conn: &Connection,
    barcode: &str,
) -> Result<Option<Uuid>, CoreError> {
    let id: Option<String> = conn
        .prepare_cached("SELECT record_id FROM items WHERE barcode = ?1")?
        .query_row(params![barcode.trim()], |r| r.get(0))
        .optional()?;
    Ok(id.and_then(|t| Uuid::parse_str(&t).ok()))
}

/// The branch code and status of each item of a record (what its search facets come from).
pub(crate) fn branches_and_statuses(
    conn: &Connection,
    record_id: Uuid,
) -> Result<Vec<(String, String)>, CoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT b.code, i.status FROM items i JOIN branches b ON b.id = i.branch_id
         WHERE i.record_id = ?1",
    )?;
    let rows = stmt.query_map(params![record_id.to_string()], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// What an item has beyond [`NewItem`], as embedded holdings give it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ItemDetails {
    /// `available`, `not_for_loan`, `withdrawn` or `lost`.
    pub status: Option<String>,
    pub holding_branch_id: Option<Uuid>,
    pub local_number: Option<String>,
}

/// One item as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemRow {
    pub id: String,
    pub barcode: String,
    pub branch_code: String,
    pub holding_branch_code: Option<String>,
    pub location: String,
    pub call_number: Option<String>,
    pub item_type: String,
    pub status: String,
    pub local_number: Option<String>,
}

/// A record's items, by barcode.
pub fn items_of(catalog: &Catalog, record_id: Uuid) -> Result<Vec<ItemRow>, CoreError> {
    let mut stmt = catalog.conn().prepare_cached(
        "SELECT i.id, i.barcode, b.code, h.code, i.location, i.call_number, i.item_type,
                i.status, i.local_number
         FROM items i JOIN branches b ON b.id = i.branch_id
              LEFT JOIN branches h ON h.id = i.holding_branch_id
         WHERE i.record_id = ?1 ORDER BY i.barcode",
    )?;
    let rows = stmt
        .query_map(params![record_id.to_string()], |r| {
            Ok(ItemRow {
                id: r.get(0)?,
                barcode: r.get(1)?,
                branch_code: r.get(2)?,
                holding_branch_code: r.get(3)?,
                location: r.get(4)?,
                call_number: r.get(5)?,
                item_type: r.get(6)?,
                status: r.get(7)?,
                local_number: r.get(8)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Adds an item to a record. Refuses a barcode already in use, naming it.
pub fn add_item(m: &mut Mutation<'_>, item: &NewItem) -> Result<Uuid, CoreError> {
    add_item_with(m, item, &ItemDetails::default())
}

/// What the change log carries for an item.
#[derive(Serialize)]
struct ItemPayload<'a> {
    #[serde(flatten)]
    item: &'a NewItem,
    #[serde(flatten)]
    details: &'a ItemDetails,
}

/// [`add_item`] with the status, holding branch and source item number embedded holdings give.
pub fn add_item_with(
    m: &mut Mutation<'_>,
    item: &NewItem,
    details: &ItemDetails,
) -> Result<Uuid, CoreError> {
    let barcode = checked_barcode(item)?;
    if record_of_barcode(m.conn(), barcode)?.is_some() {
        return Err(CoreError::BarcodeInUse {
            entity: "item",
            barcode: barcode.to_string(),
        });
    }
    insert_item(m, item, barcode, details)
}

/// [`add_item_with`] for a caller that has just looked the barcode up itself (the import
/// does, to tell "already this record's" from "another record's"): one query fewer per item.
pub(crate) fn add_item_with_free_barcode(
    m: &mut Mutation<'_>,
    item: &NewItem,
    details: &ItemDetails,
) -> Result<Uuid, CoreError> {
    let barcode = checked_barcode(item)?;
    insert_item(m, item, barcode, details)
}

fn insert_item(
    m: &mut Mutation<'_>,
    item: &NewItem,
    barcode: &str,
    details: &ItemDetails,
) -> Result<Uuid, CoreError> {
    let id = m.new_id();
    let now = text::rfc3339(m.now());
    let saved = NewItem {
        barcode: barcode.to_string(),
        location: text::nfc(item.location.trim()),
        call_number: item.call_number.as_deref().map(|c| text::nfc(c.trim())),
        ..item.clone()
    };
    m.conn()
        .prepare_cached(
            "INSERT INTO items (id, record_id, barcode, branch_id, location, call_number, item_type,
                                created_at, updated_at, status, holding_branch_id, local_number)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, ?11)",
        )?
        .execute(params![
            id.to_string(),
            saved.record_id.to_string(),
            saved.barcode,
            saved.branch_id.to_string(),
            saved.location,
            saved.call_number,
            saved.item_type,
            now,
            details.status.as_deref().unwrap_or("available"),
            details.holding_branch_id.map(|b| b.to_string()),
            details.local_number,
        ])?;
    if details.status.is_none()
        && details.holding_branch_id.is_none()
        && details.local_number.is_none()
    {
        m.log(EntityType::Item, id, Operation::Create, &saved)?;
    } else {
        m.log(
            EntityType::Item,
            id,
            Operation::Create,
            &ItemPayload {
                item: &saved,
                details,
            },
        )?;
    }
    Ok(id)
}
