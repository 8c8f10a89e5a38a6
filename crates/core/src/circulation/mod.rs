//! Circulation: patrons, loans, holds, fines, the policy matrix and the calendar.
//!
//! One module per concept: `patrons` (cards, blocks, PIN), `policy` (the rule matrix and
//! settings, as data), `calendar` (time zone, closed days, due dates), `loans` (check out,
//! check in, renew, lost/damaged/claimed returned), `holds` (queues, trapping, the hold
//! shelf), `fines` (the append-only ledger and the overdue rule), `refusal` (every "no" with a
//! stable code and a message in Vietnamese and English), `kiosk` (self-service sign-in with a
//! PIN, its lockout, the staff password that leaves kiosk mode), `sip2` (the accounts of the
//! self-check machines that speak SIP2), `stats` (the circulation report and its CSV).
//!
//! Every operation is one [`crate::Mutation`]: the loan, the item's status, the hold and the
//! fine of one scan are written and logged together or not at all. Time comes from the
//! catalog's injected clock. `items.status` is kept in step with loans and holds, with the
//! values of [`crate::api::ItemStatus`].
//!
//! The circulation tables do not reference `records` or `items` by foreign key: cataloging
//! may delete a withdrawn item or record, and the loan history must outlive it.

pub mod calendar;
pub mod fines;
pub mod holds;
pub mod kiosk;
pub mod loans;
pub mod patrons;
pub mod policy;
pub(crate) mod refusal;
pub mod sip2;
pub mod stats;

#[cfg(test)]
pub(crate) mod tests;

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::api::ItemStatus;
use crate::changelog::{EntityType, Operation};
use crate::error::CoreError;
use crate::holdings;
use crate::store::Mutation;
use crate::text;

/// Schema version 6: circulation. Each module owns its tables; this runs them in order and
/// copies the shipped default policy in.
pub(crate) fn migrate_circulation(tx: &Transaction<'_>) -> Result<(), CoreError> {
    tx.execute_batch(patrons::MIGRATION_BLOCKS_AND_PIN)?;
    tx.execute_batch(calendar::MIGRATION_CLOSED_DAYS)?;
    tx.execute_batch(loans::MIGRATION_LOANS)?;
    tx.execute_batch(holds::MIGRATION_HOLDS)?;
    tx.execute_batch(fines::MIGRATION_FINES)?;
    tx.execute_batch(policy::MIGRATION_POLICY)?;
    policy::seed_defaults(tx)
}

/// Schema version 7: what the desk, the kiosk and the report need: the patrons' folded names
/// (filled from their names here), the kiosk's PIN attempts, and the indexes the report reads
/// loans, returns and fines by time through.
pub(crate) fn migrate_desk(tx: &Transaction<'_>) -> Result<(), CoreError> {
    tx.execute_batch(patrons::MIGRATION_FOLDED_NAME)?;
    patrons::backfill_folded_names(tx)?;
    tx.execute_batch(kiosk::MIGRATION_PIN_ATTEMPTS)?;
    tx.execute_batch(stats::MIGRATION_REPORT_INDEXES)?;
    tx.execute_batch(MIGRATION_WAITING_HOLDS)?;
    Ok(())
}

/// Every check-out asks whether another reader waits for the item, and every check-in which
/// hold comes next, both with `status = 'waiting'`. SQLite uses a partial index only when the
/// query's terms imply its condition, and `status = 'waiting'` does not imply the version-6
/// indexes' `status IN (...)`, so those queries scanned every hold ever placed. These indexes
/// carry exactly their condition.
const MIGRATION_WAITING_HOLDS: &str = "
CREATE INDEX holds_item_waiting ON holds (item_id, id) WHERE status = 'waiting';
CREATE INDEX holds_record_waiting ON holds (record_id, id) WHERE status = 'waiting';
";

pub(crate) fn parse_id(s: &str) -> Result<Uuid, CoreError> {
    Uuid::parse_str(s).map_err(|e| CoreError::InvalidInput {
        what: "id",
        value: s.to_string(),
        reason: e.to_string(),
    })
}

/// A `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Result<Date, CoreError> {
    Date::parse(
        s.trim(),
        &time::format_description::well_known::Iso8601::DATE,
    )
    .map_err(|e| CoreError::InvalidInput {
        what: "date",
        value: s.to_string(),
        reason: format!("{e}; write it as YYYY-MM-DD"),
    })
}

/// An RFC 3339 time (`2026-03-12T09:30:00+07:00`).
pub fn parse_time(s: &str) -> Result<OffsetDateTime, CoreError> {
    OffsetDateTime::parse(s, &Rfc3339).map_err(|e| CoreError::InvalidInput {
        what: "time",
        value: s.to_string(),
        reason: format!("{e}; write it as RFC 3339, e.g. 2026-03-12T09:30:00+07:00"),
    })
}

/// Times are stored to the second, so stored strings compare in time order.
pub(crate) fn stamp(t: OffsetDateTime) -> String {
    text::rfc3339(t.replace_nanosecond(0).unwrap_or(t))
}

/// An item as circulation reads it.
#[derive(Debug, Clone)]
pub(crate) struct ItemRow {
    pub id: Uuid,
    pub record_id: Uuid,
    pub barcode: String,
    pub title: String,
    pub home_branch: Uuid,
    pub holding_branch: Option<Uuid>,
    pub item_type: String,
    pub status: ItemStatus,
}

impl ItemRow {
    /// Where the item is (or last was) now.
    pub fn current_branch(&self) -> Uuid {
        self.holding_branch.unwrap_or(self.home_branch)
    }
}

const ITEM_SELECT: &str = "SELECT i.id, i.record_id, i.barcode, coalesce(r.title, ''), i.branch_id,
        i.holding_branch_id, i.item_type, i.status
     FROM items i LEFT JOIN records r ON r.id = i.record_id";

fn item_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Vec<String>, Option<String>)> {
    Ok((
        vec![
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(6)?,
            r.get(7)?,
        ],
        r.get(5)?,
    ))
}

fn item_of(cols: Vec<String>, holding: Option<String>) -> Result<ItemRow, CoreError> {
    let status = ItemStatus::parse(&cols[6]).ok_or_else(|| CoreError::InvalidInput {
        what: "item status",
        value: cols[6].clone(),
        reason: "not a status circulation knows".into(),
    })?;
    Ok(ItemRow {
        id: parse_id(&cols[0])?,
        record_id: parse_id(&cols[1])?,
        barcode: cols[2].clone(),
        title: cols[3].clone(),
        home_branch: parse_id(&cols[4])?,
        holding_branch: holding.as_deref().map(parse_id).transpose()?,
        item_type: cols[5].clone(),
        status,
    })
}

/// The item with this barcode.
pub(crate) fn item_by_barcode(conn: &Connection, barcode: &str) -> Result<ItemRow, CoreError> {
    let row = conn
        .prepare_cached(&format!("{ITEM_SELECT} WHERE i.barcode = ?1"))?
        .query_row(params![barcode.trim()], item_from_row)
        .optional()?;
    let (cols, holding) = row.ok_or_else(|| CoreError::NotFound {
        entity: "item",
        key: "barcode",
        value: barcode.trim().to_string(),
    })?;
    item_of(cols, holding)
}

pub(crate) fn item_by_id(conn: &Connection, id: Uuid) -> Result<ItemRow, CoreError> {
    let row = conn
        .prepare_cached(&format!("{ITEM_SELECT} WHERE i.id = ?1"))?
        .query_row(params![id.to_string()], item_from_row)
        .optional()?;
    let (cols, holding) = row.ok_or_else(|| CoreError::NotFound {
        entity: "item",
        key: "id",
        value: id.to_string(),
    })?;
    item_of(cols, holding)
}

/// The branch with this code.
pub(crate) fn branch_id(conn: &Connection, code: &str) -> Result<Uuid, CoreError> {
    holdings::branch_by_code(conn, code)?.ok_or_else(|| CoreError::NotFound {
        entity: "branch",
        key: "code",
        value: code.trim().to_string(),
    })
}

pub(crate) fn branch_code(conn: &Connection, id: Uuid) -> Result<String, CoreError> {
    conn.prepare_cached("SELECT code FROM branches WHERE id = ?1")?
        .query_row(params![id.to_string()], |r| r.get(0))
        .optional()?
        .ok_or_else(|| CoreError::NotFound {
            entity: "branch",
            key: "id",
            value: id.to_string(),
        })
}

/// The desk's branch: the one named, else `default` (the item's own branch).
pub(crate) fn desk_branch(
    conn: &Connection,
    code: Option<&str>,
    default: Uuid,
) -> Result<Uuid, CoreError> {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => branch_id(conn, code),
        None => Ok(default),
    }
}

#[derive(Serialize)]
struct ItemStatePayload<'a> {
    barcode: &'a str,
    status: ItemStatus,
    holding_branch_code: Option<String>,
    /// Why (a circulation event or the note staff gave).
    note: &'a str,
}

/// Sets an item's status and where it is, and logs it. `at` is the branch the item is at
/// (stored as its holding branch unless that is its home).
pub(crate) fn set_item_state(
    m: &mut Mutation<'_>,
    item: &ItemRow,
    status: ItemStatus,
    at: Option<Uuid>,
    note: &str,
) -> Result<(), CoreError> {
    let holding = at.filter(|b| *b != item.home_branch);
    m.conn()
        .prepare_cached(
            "UPDATE items SET status = ?2, holding_branch_id = ?3, updated_at = ?4 WHERE id = ?1",
        )?
        .execute(params![
            item.id.to_string(),
            status.as_str(),
            holding.map(|b| b.to_string()),
            stamp(m.now())
        ])?;
    let holding_branch_code = holding.map(|b| branch_code(m.conn(), b)).transpose()?;
    m.log(
        EntityType::Item,
        item.id,
        Operation::Update,
        &ItemStatePayload {
            barcode: &item.barcode,
            status,
            holding_branch_code,
            note,
        },
    )?;
    Ok(())
}
