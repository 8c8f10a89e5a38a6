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

use crate::api::{Branch, Item, ItemInput, ItemStatus};
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
    m.conn()
        .prepare_cached("INSERT INTO branches (id, code, name) VALUES (?1, ?2, ?3)")?
        .execute(params![id.to_string(), saved.code, saved.name])?;
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

/// [`add_item_with`] for a caller that expects the barcode to be free (the import, for
/// nearly every item): the insert is tried straight away and `None` returned when the barcode
/// turns out to be in use, instead of looking it up first. Nothing is written then (SQLite
/// undoes the one statement), and the caller finds out whose barcode it is.
pub(crate) fn add_item_if_barcode_free(
    m: &mut Mutation<'_>,
    item: &NewItem,
    details: &ItemDetails,
) -> Result<Option<Uuid>, CoreError> {
    let barcode = checked_barcode(item)?;
    match insert_item(m, item, barcode, details) {
        Ok(id) => Ok(Some(id)),
        Err(CoreError::Storage(rusqlite::Error::SqliteFailure(e, Some(message))))
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                && message.ends_with("items.barcode") =>
        {
            Ok(None)
        }
        Err(other) => Err(other),
    }
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

// ---- the item form and the record view ----------------------------------------------------

/// Every branch, by code.
pub fn branches(catalog: &Catalog) -> Result<Vec<Branch>, CoreError> {
    let mut stmt = catalog
        .conn()
        .prepare_cached("SELECT id, code, name FROM branches ORDER BY code")?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Branch {
                id: r.get(0)?,
                code: r.get(1)?,
                name: r.get(2)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

const ITEM_COLUMNS: &str = "i.id, i.record_id, i.barcode, b.code, h.code, i.location, \
     i.call_number, i.item_type, i.status, i.local_number";
const ITEM_FROM: &str = "FROM items i JOIN branches b ON b.id = i.branch_id \
     LEFT JOIN branches h ON h.id = i.holding_branch_id";

fn item_of_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Item, String)> {
    let status: String = r.get(8)?;
    Ok((
        Item {
            id: r.get(0)?,
            record_id: r.get(1)?,
            barcode: r.get(2)?,
            branch_code: r.get(3)?,
            holding_branch_code: r.get(4)?,
            location: r.get(5)?,
            call_number: r.get(6)?,
            item_type: r.get(7)?,
            // Replaced below; a row is read before its status word is checked.
            status: ItemStatus::Available,
            local_number: r.get(9)?,
        },
        status,
    ))
}

fn checked_status(
    catalog_path: &std::path::Path,
    item: &mut Item,
    status: &str,
) -> Result<(), CoreError> {
    item.status = ItemStatus::parse(status).ok_or_else(|| CoreError::Corrupt {
        path: catalog_path.to_path_buf(),
        detail: format!("item {} has the unknown status {status:?}", item.barcode),
    })?;
    Ok(())
}

fn read_item(
    conn: &Connection,
    path: &std::path::Path,
    id: &str,
) -> Result<Option<Item>, CoreError> {
    let row = conn
        .prepare_cached(&format!(
            "SELECT {ITEM_COLUMNS} {ITEM_FROM} WHERE i.id = ?1"
        ))?
        .query_row(params![id], item_of_row)
        .optional()?;
    match row {
        Some((mut item, status)) => {
            checked_status(path, &mut item, &status)?;
            Ok(Some(item))
        }
        None => Ok(None),
    }
}

/// One item.
pub fn item(catalog: &Catalog, id: Uuid) -> Result<Item, CoreError> {
    read_item(catalog.conn(), catalog.path(), &id.to_string())?.ok_or_else(|| CoreError::NotFound {
        entity: "item",
        key: "id",
        value: id.to_string(),
    })
}

/// A record's items as the record view shows them, by barcode.
pub fn items_for(catalog: &Catalog, record_id: Uuid) -> Result<Vec<Item>, CoreError> {
    let mut stmt = catalog.conn().prepare_cached(&format!(
        "SELECT {ITEM_COLUMNS} {ITEM_FROM} WHERE i.record_id = ?1 ORDER BY i.barcode"
    ))?;
    let rows = stmt
        .query_map(params![record_id.to_string()], item_of_row)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(mut item, status)| {
            checked_status(catalog.path(), &mut item, &status)?;
            Ok(item)
        })
        .collect()
}

/// The item form's input, checked and normalized: barcode, branch, location, type.
struct CheckedInput {
    barcode: String,
    branch_id: Uuid,
    location: String,
    call_number: Option<String>,
    item_type: String,
}

fn check_input(conn: &Connection, input: &ItemInput) -> Result<CheckedInput, CoreError> {
    let barcode = checked_barcode_text(&input.barcode)?.to_string();
    let Some(branch_id) = branch_by_code(conn, &input.branch_code)? else {
        let known: Vec<String> = conn
            .prepare_cached("SELECT code FROM branches ORDER BY code")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        return Err(CoreError::InvalidInput {
            what: "branch code",
            value: input.branch_code.clone(),
            reason: if known.is_empty() {
                "the catalog has no branches yet; add one first".into()
            } else {
                format!("no such branch; the branches are {}", known.join(", "))
            },
        });
    };
    let location = text::nfc(input.location.trim());
    if location.is_empty() {
        return Err(CoreError::InvalidInput {
            what: "item location",
            value: input.location.clone(),
            reason: "say where in the branch the item is kept (a shelf or collection)".into(),
        });
    }
    let item_type = text::nfc(input.item_type.trim());
    if item_type.is_empty() {
        return Err(CoreError::InvalidInput {
            what: "item type",
            value: input.item_type.clone(),
            reason: "an item needs a type (book, reference, ...); it decides the loan rules".into(),
        });
    }
    Ok(CheckedInput {
        barcode,
        branch_id,
        location,
        call_number: input
            .call_number
            .as_deref()
            .map(|c| text::nfc(c.trim()))
            .filter(|c| !c.is_empty()),
        item_type,
    })
}

fn checked_barcode_text(barcode: &str) -> Result<&str, CoreError> {
    let trimmed = barcode.trim();
    if trimmed.is_empty()
        || !trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(CoreError::InvalidInput {
            what: "item barcode",
            value: barcode.to_string(),
            reason: "a barcode is letters, digits and dashes, with no spaces".into(),
        });
    }
    Ok(trimmed)
}

/// Refuses a barcode another item holds, naming that item's record.
fn refuse_held_barcode(
    conn: &Connection,
    barcode: &str,
    except_item: Option<&str>,
) -> Result<(), CoreError> {
    let holder: Option<(String, String, String)> = conn
        .prepare_cached(
            "SELECT i.id, r.id, r.title FROM items i JOIN records r ON r.id = i.record_id
             WHERE i.barcode = ?1",
        )?
        .query_row(params![barcode], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    match holder {
        Some((item_id, record_id, title)) if Some(item_id.as_str()) != except_item => {
            Err(CoreError::BarcodeHeld {
                barcode: barcode.to_string(),
                record_id,
                title,
            })
        }
        _ => Ok(()),
    }
}

fn refuse_circulation_status(status: ItemStatus) -> Result<(), CoreError> {
    if status.set_by_cataloging() {
        Ok(())
    } else {
        Err(CoreError::InvalidInput {
            what: "item status",
            value: status.as_str().to_string(),
            reason: "this status is set by circulation (check-out, transfer, holds), not by editing the item".into(),
        })
    }
}

/// Adds an item to a record from the item form.
pub fn add_item_for(
    catalog: &mut Catalog,
    user: &str,
    record_id: Uuid,
    input: &ItemInput,
) -> Result<Item, CoreError> {
    refuse_circulation_status(input.status)?;
    let id = catalog.write(user, |m| {
        let exists: Option<i64> = m
            .conn()
            .query_row(
                "SELECT 1 FROM records WHERE id = ?1",
                params![record_id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        if exists.is_none() {
            return Err(CoreError::NotFound {
                entity: "record",
                key: "id",
                value: record_id.to_string(),
            });
        }
        let checked = check_input(m.conn(), input)?;
        refuse_held_barcode(m.conn(), &checked.barcode, None)?;
        let item = NewItem {
            record_id,
            barcode: checked.barcode,
            branch_id: checked.branch_id,
            location: checked.location,
            call_number: checked.call_number,
            item_type: checked.item_type,
        };
        let details = ItemDetails {
            status: Some(input.status.as_str().to_string()),
            ..ItemDetails::default()
        };
        add_item_with_free_barcode(m, &item, &details)
    })?;
    item(catalog, id)
}

/// What the change log carries for an edited item: its whole new state (as an item's
/// creation does) and the names of the properties that changed.
#[derive(Serialize)]
struct ItemUpdatePayload<'a> {
    record_id: &'a str,
    barcode: &'a str,
    branch_id: &'a str,
    location: &'a str,
    call_number: Option<&'a str>,
    item_type: &'a str,
    status: &'a str,
    changed: Vec<&'static str>,
}

/// Edits an item from the item form. A status circulation owns cannot be set here, and an
/// item in circulation's hands (on loan, in transit, on the hold shelf) keeps its status.
pub fn update_item(
    catalog: &mut Catalog,
    user: &str,
    item_id: Uuid,
    input: &ItemInput,
) -> Result<Item, CoreError> {
    let id_text = item_id.to_string();
    let path = catalog.path().to_path_buf();
    catalog.write(user, |m| {
        let Some(before) = read_item(m.conn(), &path, &id_text)? else {
            return Err(CoreError::NotFound {
                entity: "item",
                key: "id",
                value: id_text.clone(),
            });
        };
        let status = if before.status.set_by_cataloging() {
            refuse_circulation_status(input.status)?;
            input.status
        } else if input.status == before.status {
            before.status
        } else {
            return Err(CoreError::InvalidInput {
                what: "item status",
                value: input.status.as_str().to_string(),
                reason: format!(
                    "item {} is {} and keeps that status until circulation changes it",
                    before.barcode,
                    before.status.as_str().replace('_', " ")
                ),
            });
        };
        let checked = check_input(m.conn(), input)?;
        refuse_held_barcode(m.conn(), &checked.barcode, Some(&id_text))?;
        let mut changed = Vec::new();
        if checked.barcode != before.barcode {
            changed.push("barcode");
        }
        if input.branch_code.trim() != before.branch_code {
            changed.push("branch_id");
        }
        if checked.location != before.location {
            changed.push("location");
        }
        if checked.call_number != before.call_number {
            changed.push("call_number");
        }
        if checked.item_type != before.item_type {
            changed.push("item_type");
        }
        if status != before.status {
            changed.push("status");
        }
        if changed.is_empty() {
            return Ok(());
        }
        let now = text::rfc3339(m.now());
        let branch_id = checked.branch_id.to_string();
        m.conn()
            .prepare_cached(
                "UPDATE items SET barcode = ?2, branch_id = ?3, location = ?4, call_number = ?5,
                    item_type = ?6, status = ?7, updated_at = ?8 WHERE id = ?1",
            )?
            .execute(params![
                id_text,
                checked.barcode,
                branch_id,
                checked.location,
                checked.call_number,
                checked.item_type,
                status.as_str(),
                now
            ])?;
        m.log(
            EntityType::Item,
            item_id,
            Operation::Update,
            &ItemUpdatePayload {
                record_id: &before.record_id,
                barcode: &checked.barcode,
                branch_id: &branch_id,
                location: &checked.location,
                call_number: checked.call_number.as_deref(),
                item_type: &checked.item_type,
                status: status.as_str(),
                changed,
            },
        )?;
        Ok(())
    })?;
    item(catalog, item_id)
}

#[cfg(test)]
mod tests;
