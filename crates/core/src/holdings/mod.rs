//! Holdings: the library's branches and the physical (or digital) items each record has.
//!
//! An item points at its record, its branch and a location inside the branch. Its barcode is
//! the human identifier scanned at the desk and is unique across the whole catalog.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use uuid::Uuid;

use crate::changelog::{EntityType, Operation};
use crate::error::CoreError;
use crate::store::Mutation;
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

/// Adds an item to a record. Refuses a barcode already in use, naming it.
pub fn add_item(m: &mut Mutation<'_>, item: &NewItem) -> Result<Uuid, CoreError> {
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
    let taken: Option<String> = m
        .conn()
        .prepare_cached("SELECT id FROM items WHERE barcode = ?1")?
        .query_row(params![barcode], |r| r.get(0))
        .optional()?;
    if taken.is_some() {
        return Err(CoreError::BarcodeInUse {
            entity: "item",
            barcode: barcode.to_string(),
        });
    }
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
            "INSERT INTO items (id, record_id, barcode, branch_id, location, call_number, item_type, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
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
        ])?;
    m.log(EntityType::Item, id, Operation::Create, &saved)?;
    Ok(id)
}
