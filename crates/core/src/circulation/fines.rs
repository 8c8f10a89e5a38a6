//! Fines as an append-only ledger: charges (overdue fines, staff charges) are positive lines,
//! payments and waivers negative ones, and a reader's balance is the sum. Lines are never
//! changed or deleted (SQLite triggers refuse it); a mistake is corrected by a waiver.
//!
//! The overdue rule, written down because the issue asks that closed days, renewals, repeated
//! and back-dated check-ins neither double nor miss a charge:
//! - A loan is late on each day after its due day, counted in the library's time zone, **on
//!   which the lending branch was open** (the days the reader could have brought it back).
//!   Closed days are not counted, so a branch shut for Tết costs nobody anything.
//! - The fine is `fine_per_day` × those days, and all overdue charges of one loan together
//!   never exceed the rule's `max_fine`.
//! - It is charged once, when the lateness ends: at check-in (up to the return day, which a
//!   back-dated check-in sets), or at a late renewal (up to the renewal day, after which the
//!   new due date counts). The loan keeps `fined_through`, the last day already charged, and a
//!   charge only counts days after it, so nothing is counted twice; a closed loan is never
//!   charged again, so a repeated check-in charges nothing.

use rusqlite::{Connection, OptionalExtension, params};
use time::Date;
use uuid::Uuid;

use crate::api::{FineEntry, FineKind};
use crate::changelog::{EntityType, Operation};
use crate::error::CoreError;
use crate::store::{Catalog, Mutation};
use crate::text;

use super::calendar;
use super::patrons;

pub(crate) const MIGRATION_FINES: &str = "
CREATE TABLE fine_entries (
    id         TEXT PRIMARY KEY,
    patron_id  TEXT NOT NULL REFERENCES patrons (id),
    loan_id    TEXT,
    kind       TEXT NOT NULL CHECK (kind IN ('overdue', 'charge', 'payment', 'waiver')),
    amount     INTEGER NOT NULL,
    days       INTEGER,
    reason     TEXT NOT NULL,
    at         TEXT NOT NULL,
    by         TEXT NOT NULL
) STRICT;
CREATE INDEX fine_entries_patron ON fine_entries (patron_id);
CREATE INDEX fine_entries_loan ON fine_entries (loan_id) WHERE loan_id IS NOT NULL;
CREATE TRIGGER fine_entries_no_update BEFORE UPDATE ON fine_entries
BEGIN SELECT RAISE(ABORT, 'the fines ledger is append-only; correct a line with a waiver'); END;
CREATE TRIGGER fine_entries_no_delete BEFORE DELETE ON fine_entries
BEGIN SELECT RAISE(ABORT, 'the fines ledger is append-only; correct a line with a waiver'); END;
";

/// What a reader owes (VND): charges less payments and waivers.
pub fn balance(conn: &Connection, patron: Uuid) -> Result<i64, CoreError> {
    Ok(conn
        .prepare_cached("SELECT coalesce(sum(amount), 0) FROM fine_entries WHERE patron_id = ?1")?
        .query_row(params![patron.to_string()], |r| r.get(0))?)
}

/// A reader's ledger, oldest line first.
pub fn ledger(catalog: &Catalog, patron_barcode: &str) -> Result<Vec<FineEntry>, CoreError> {
    let conn = catalog.conn();
    let patron = patrons::by_barcode(conn, patron_barcode)?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, patron_id, loan_id, kind, amount, days, reason, at, by FROM fine_entries
         WHERE patron_id = ?1 ORDER BY at, id",
    )?;
    let rows = stmt
        .query_map(params![patron.id.to_string()], entry_row)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(mut entry, kind)| {
            entry.kind = FineKind::parse(&kind).ok_or_else(|| CoreError::Corrupt {
                path: catalog.path().into(),
                detail: format!("fine entry {} has an unknown kind {kind:?}", entry.id),
            })?;
            Ok(entry)
        })
        .collect()
}

/// The columns of `fine_entries` in table order as a ledger line, with its kind as stored
/// (the caller reads it: an unknown one is a damaged catalog, not a row error).
fn entry_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(FineEntry, String)> {
    Ok((
        FineEntry {
            id: r.get(0)?,
            patron_id: r.get(1)?,
            loan_id: r.get(2)?,
            kind: FineKind::Overdue,
            amount: r.get(4)?,
            days: r.get(5)?,
            reason: r.get(6)?,
            at: r.get(7)?,
            by: r.get(8)?,
        },
        r.get::<_, String>(3)?,
    ))
}

/// Appends one ledger line and logs it.
fn append(
    m: &mut Mutation<'_>,
    patron: Uuid,
    loan: Option<Uuid>,
    kind: FineKind,
    amount: i64,
    days: Option<u32>,
    reason: &str,
) -> Result<FineEntry, CoreError> {
    let id = m.new_id();
    let entry = FineEntry {
        id: id.to_string(),
        patron_id: patron.to_string(),
        loan_id: loan.map(|l| l.to_string()),
        kind,
        amount,
        days,
        reason: text::nfc(reason.trim()),
        at: text::rfc3339(m.now()),
        by: m.user().to_string(),
    };
    m.conn()
        .prepare_cached(
            "INSERT INTO fine_entries (id, patron_id, loan_id, kind, amount, days, reason, at, by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            entry.id,
            entry.patron_id,
            entry.loan_id,
            kind.as_str(),
            entry.amount,
            entry.days,
            entry.reason,
            entry.at,
            entry.by
        ])?;
    m.log(EntityType::FineEntry, id, Operation::Create, &entry)?;
    Ok(entry)
}

/// What one overdue charge is about: a loan, its rule, and the days already charged.
pub(crate) struct OverdueCharge {
    pub loan: Uuid,
    pub patron: Uuid,
    pub branch: Uuid,
    pub due_on: Date,
    pub fined_through: Option<Date>,
    pub fine_per_day: i64,
    pub max_fine: i64,
}

/// Charges the loan's lateness up to `through` (a local day) by the rule in the module doc,
/// and returns the amount charged (0 when nothing is due). The caller records `through` as
/// the loan's new `fined_through`.
pub(crate) fn charge_overdue(
    m: &mut Mutation<'_>,
    c: &OverdueCharge,
    through: Date,
) -> Result<i64, CoreError> {
    let after = c.fined_through.map_or(c.due_on, |f| f.max(c.due_on));
    let days = calendar::open_days_between(m.conn(), c.branch, after, through)?;
    if days == 0 || c.fine_per_day == 0 {
        return Ok(0);
    }
    let already: i64 = m
        .conn()
        .prepare_cached(
            "SELECT coalesce(sum(amount), 0) FROM fine_entries WHERE loan_id = ?1 AND kind = 'overdue'",
        )?
        .query_row(params![c.loan.to_string()], |r| r.get(0))?;
    let amount = (c.fine_per_day.saturating_mul(i64::from(days))).min(c.max_fine - already);
    if amount <= 0 {
        return Ok(0);
    }
    append(
        m,
        c.patron,
        Some(c.loan),
        FineKind::Overdue,
        amount,
        Some(days),
        &format!("{days} open day(s) late after {after}"),
    )?;
    Ok(amount)
}

fn checked_amount(amount: i64, owed: i64, what: &'static str) -> Result<(), CoreError> {
    if amount <= 0 {
        return Err(CoreError::InvalidInput {
            what,
            value: amount.to_string(),
            reason: "an amount in VND, more than 0".into(),
        });
    }
    if amount > owed {
        return Err(CoreError::InvalidInput {
            what,
            value: amount.to_string(),
            reason: format!("the reader owes only {owed} VND"),
        });
    }
    Ok(())
}

/// Records a payment (at most what the reader owes).
pub fn pay(
    m: &mut Mutation<'_>,
    patron_barcode: &str,
    amount: i64,
    note: &str,
) -> Result<FineEntry, CoreError> {
    let patron = patrons::by_barcode(m.conn(), patron_barcode)?;
    checked_amount(amount, balance(m.conn(), patron.id)?, "payment")?;
    append(m, patron.id, None, FineKind::Payment, -amount, None, note)
}

/// How long a machine's payment stays recognisable when it is sent again: a kiosk resends at
/// once when an answer is lost, or from its offline queue later that day. Transaction ids are
/// a machine's own counter or receipt number, and come round again.
pub const PAYMENT_RESEND_WINDOW: time::Duration = time::Duration::hours(24);

/// What became of a payment a machine reported under its own transaction reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MachinePayment {
    /// Recorded now.
    Recorded(FineEntry),
    /// The same payment was recorded already (the machine sent it again): nothing new.
    AlreadyRecorded(FineEntry),
    /// The same machine and reference were recorded with another amount: nothing recorded.
    OtherAmount(FineEntry),
}

/// A payment a machine (a SIP2 kiosk) reports under its own transaction reference, which
/// `note` carries: recorded once however often the same machine (the mutation's user) sends
/// it again within [`PAYMENT_RESEND_WINDOW`], so a reader is never credited twice for one
/// payment. An amount above what is owed is refused as by [`pay`].
pub fn pay_once(
    m: &mut Mutation<'_>,
    patron_barcode: &str,
    amount: i64,
    note: &str,
) -> Result<MachinePayment, CoreError> {
    let patron = patrons::by_barcode(m.conn(), patron_barcode)?;
    let since = text::rfc3339(m.now() - PAYMENT_RESEND_WINDOW);
    let earlier = m
        .conn()
        .prepare_cached(
            "SELECT id, patron_id, loan_id, kind, amount, days, reason, at, by FROM fine_entries
             WHERE patron_id = ?1 AND kind = ?2 AND reason = ?3 AND by = ?4 AND at >= ?5
             ORDER BY at DESC, id LIMIT 1",
        )?
        .query_row(
            params![
                patron.id.to_string(),
                FineKind::Payment.as_str(),
                text::nfc(note.trim()),
                m.user(),
                since
            ],
            entry_row,
        )
        .optional()?
        .map(|(entry, _)| FineEntry {
            kind: FineKind::Payment,
            ..entry
        });
    Ok(match earlier {
        Some(entry) if entry.amount == -amount => MachinePayment::AlreadyRecorded(entry),
        Some(entry) => MachinePayment::OtherAmount(entry),
        None => MachinePayment::Recorded(pay(m, patron_barcode, amount, note)?),
    })
}

/// Forgives part or all of what a reader owes; the reason is required and recorded.
pub fn waive(
    m: &mut Mutation<'_>,
    patron_barcode: &str,
    amount: i64,
    reason: &str,
) -> Result<FineEntry, CoreError> {
    if reason.trim().is_empty() {
        return Err(CoreError::InvalidInput {
            what: "waiver reason",
            value: String::new(),
            reason: "say why the fine is waived; it stays in the ledger".into(),
        });
    }
    let patron = patrons::by_barcode(m.conn(), patron_barcode)?;
    checked_amount(amount, balance(m.conn(), patron.id)?, "waiver")?;
    append(m, patron.id, None, FineKind::Waiver, -amount, None, reason)
}

/// Charges a reader for something other than lateness (a lost or damaged book).
pub fn charge(
    m: &mut Mutation<'_>,
    patron_barcode: &str,
    amount: i64,
    reason: &str,
) -> Result<FineEntry, CoreError> {
    if reason.trim().is_empty() || amount <= 0 {
        return Err(CoreError::InvalidInput {
            what: "charge",
            value: amount.to_string(),
            reason: "a charge needs an amount in VND, more than 0, and a reason".into(),
        });
    }
    let patron = patrons::by_barcode(m.conn(), patron_barcode)?;
    append(m, patron.id, None, FineKind::Charge, amount, None, reason)
}
