//! Loans: check out, check in (at any branch, back-dated if need be), renew, and the lost,
//! damaged and claimed-returned statuses.
//!
//! A check-out is refused, with a stable code and a message in both languages, when the card
//! has expired, the reader is blocked (by staff, by fines over the limit, by overdue items),
//! the loan limit is reached, the item is not for loan, not available, or set aside for
//! another reader. Staff may override any of these with a reason, which the loan keeps and the
//! change log records with the refusals overridden; an item already on loan is never lent
//! twice. The due date is the local day `loan_days` after today, moved past the lending
//! branch's closed days; the loan falls due at the end of that day.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::api::{
    CheckinResult, CheckoutResult, ItemStatus, Loan, Refusal, RefusalCode, RenewResult,
};
use crate::changelog::{EntityType, Operation};
use crate::error::CoreError;
use crate::store::Mutation;
use crate::text;

use super::calendar::{self, LibraryTime};
use super::fines::{self, OverdueCharge};
use super::refusal::{overridable, refusal};
use super::{
    ItemRow, branch_code, desk_branch, holds, item_by_barcode, parse_date, parse_id, parse_time,
    patrons, policy, set_item_state, stamp,
};

pub(crate) const MIGRATION_LOANS: &str = "
CREATE TABLE loans (
    id                  TEXT PRIMARY KEY,
    item_id             TEXT NOT NULL,
    patron_id           TEXT NOT NULL REFERENCES patrons (id),
    branch_id           TEXT NOT NULL REFERENCES branches (id),
    checked_out_at      TEXT NOT NULL,
    due_on              TEXT NOT NULL,
    due_at              TEXT NOT NULL,
    renewals            INTEGER NOT NULL DEFAULT 0,
    renewed_at          TEXT,
    -- The last local day whose lateness has been charged (see fines.rs).
    fined_through       TEXT,
    returned_at         TEXT,
    returned_branch_id  TEXT REFERENCES branches (id),
    override_reason     TEXT
) STRICT;
-- An item is on one open loan at most.
CREATE UNIQUE INDEX loans_open_item ON loans (item_id) WHERE returned_at IS NULL;
CREATE INDEX loans_open_patron ON loans (patron_id, due_on) WHERE returned_at IS NULL;
CREATE INDEX loans_patron ON loans (patron_id, checked_out_at);
CREATE INDEX loans_open_due ON loans (branch_id, due_on) WHERE returned_at IS NULL;
";

/// An open loan as the write paths need it.
#[derive(Debug, Clone)]
pub(crate) struct LoanRow {
    pub id: Uuid,
    pub patron_id: Uuid,
    pub branch_id: Uuid,
    pub checked_out_at: OffsetDateTime,
    pub due_on: Date,
    pub renewals: u32,
    pub renewed_at: Option<OffsetDateTime>,
    pub fined_through: Option<Date>,
}

/// The item's open loan; when branches lent it while apart (two open loans until a person
/// resolves the exception), the one lent first.
pub(crate) fn open_loan_of_item(
    conn: &Connection,
    item: Uuid,
) -> Result<Option<LoanRow>, CoreError> {
    let row = conn
        .prepare_cached(
            "SELECT id, patron_id, branch_id, checked_out_at, due_on, renewals, renewed_at,
                    fined_through
             FROM loans WHERE item_id = ?1 AND returned_at IS NULL
             ORDER BY checked_out_at, id LIMIT 1",
        )?
        .query_row(params![item.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, u32>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        })
        .optional()?;
    let Some((id, patron, branch, out, due, renewals, renewed, fined)) = row else {
        return Ok(None);
    };
    Ok(Some(LoanRow {
        id: parse_id(&id)?,
        patron_id: parse_id(&patron)?,
        branch_id: parse_id(&branch)?,
        checked_out_at: parse_time(&out)?,
        due_on: parse_date(&due)?,
        renewals,
        renewed_at: renewed.as_deref().map(parse_time).transpose()?,
        fined_through: fined.as_deref().map(parse_date).transpose()?,
    }))
}

const LOAN_SELECT: &str =
    "SELECT l.id, l.item_id, coalesce(i.barcode, ''), coalesce(i.record_id, ''),
        coalesce(r.title, ''), l.patron_id, p.barcode, b.code, l.checked_out_at, l.due_at,
        l.due_on, l.renewals, l.returned_at, rb.code, l.override_reason
     FROM loans l
     JOIN patrons p ON p.id = l.patron_id
     JOIN branches b ON b.id = l.branch_id
     LEFT JOIN items i ON i.id = l.item_id
     LEFT JOIN records r ON r.id = i.record_id
     LEFT JOIN branches rb ON rb.id = l.returned_branch_id";

fn loan_from_row(r: &rusqlite::Row<'_>, now: &str) -> rusqlite::Result<Loan> {
    let due_at: String = r.get(9)?;
    let returned_at: Option<String> = r.get(12)?;
    Ok(Loan {
        id: r.get(0)?,
        item_id: r.get(1)?,
        item_barcode: r.get(2)?,
        record_id: r.get(3)?,
        title: r.get(4)?,
        patron_id: r.get(5)?,
        patron_barcode: r.get(6)?,
        branch_code: r.get(7)?,
        checked_out_at: r.get(8)?,
        overdue: returned_at.is_none() && due_at.as_str() < now,
        due_at,
        due_on: r.get(10)?,
        renewals: r.get(11)?,
        returned_at,
        returned_branch_code: r.get(13)?,
        override_reason: r.get(14)?,
    })
}

/// One loan as the desk shows it.
pub(crate) fn loan_view(
    conn: &Connection,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<Loan, CoreError> {
    let now = stamp(now);
    conn.prepare_cached(&format!("{LOAN_SELECT} WHERE l.id = ?1"))?
        .query_row(params![id.to_string()], |r| loan_from_row(r, &now))
        .optional()?
        .ok_or_else(|| CoreError::NotFound {
            entity: "loan",
            key: "id",
            value: id.to_string(),
        })
}

/// A reader's open loans, soonest due first.
pub(crate) fn open_loans_of(
    conn: &Connection,
    patron: Uuid,
    now: OffsetDateTime,
) -> Result<Vec<Loan>, CoreError> {
    let now = stamp(now);
    let mut stmt = conn.prepare_cached(&format!(
        "{LOAN_SELECT} WHERE l.patron_id = ?1 AND l.returned_at IS NULL ORDER BY l.due_on, l.id"
    ))?;
    let rows = stmt
        .query_map(params![patron.to_string()], |r| loan_from_row(r, &now))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Open loans past their due time at `now`, most overdue first, at most `limit`.
pub(crate) fn overdue_loans(
    conn: &Connection,
    now: OffsetDateTime,
    limit: u32,
) -> Result<Vec<Loan>, CoreError> {
    let now = stamp(now);
    let mut stmt = conn.prepare_cached(&format!(
        "{LOAN_SELECT} WHERE l.returned_at IS NULL AND l.due_at < ?1 ORDER BY l.due_at, l.id LIMIT ?2"
    ))?;
    let rows = stmt
        .query_map(params![now, limit], |r| loan_from_row(r, &now))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Open loans due before `due_before` (a local day), leaving out items reported lost or
/// claimed returned, which staff are already following up.
pub(crate) fn overdue_count(
    conn: &Connection,
    patron: Uuid,
    due_before: Date,
) -> Result<u32, CoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM loans l LEFT JOIN items i ON i.id = l.item_id
             WHERE l.patron_id = ?1 AND l.returned_at IS NULL AND l.due_on < ?2
               AND coalesce(i.status, '') NOT IN ('lost', 'claimed_returned')",
        )?
        .query_row(params![patron.to_string(), due_before.to_string()], |r| {
            r.get(0)
        })?)
}

fn open_loan_count(conn: &Connection, patron: Uuid) -> Result<u32, CoreError> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM loans WHERE patron_id = ?1 AND returned_at IS NULL")?
        .query_row(params![patron.to_string()], |r| r.get(0))?)
}

/// The due day for a loan of `days` from `from` at `branch`: never a closed day.
fn due_day(conn: &Connection, branch: Uuid, from: Date, days: u32) -> Result<Date, CoreError> {
    calendar::next_open_day(conn, branch, calendar::add_days(from, days)?)
}

#[derive(Serialize)]
struct LoanPayload<'a> {
    event: &'a str,
    loan: &'a Loan,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    overridden: &'a [crate::api::RefusalCode],
    /// What another node needs to put the loan row in place (sync): the branches by id (a
    /// code can be renamed by a collision), the day charged through and the last renewal.
    #[serde(flatten)]
    row: LoanSyncFields,
}

#[derive(Serialize)]
struct LoanSyncFields {
    branch_id: String,
    returned_branch_id: Option<String>,
    fined_through: Option<String>,
    renewed_at: Option<String>,
}

fn sync_fields(conn: &Connection, id: Uuid) -> Result<LoanSyncFields, CoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT branch_id, returned_branch_id, fined_through, renewed_at FROM loans
             WHERE id = ?1",
        )?
        .query_row(params![id.to_string()], |r| {
            Ok(LoanSyncFields {
                branch_id: r.get(0)?,
                returned_branch_id: r.get(1)?,
                fined_through: r.get(2)?,
                renewed_at: r.get(3)?,
            })
        })?)
}

/// Logs the loan's current row as `event`.
fn log_loan(
    m: &mut Mutation<'_>,
    id: Uuid,
    operation: Operation,
    event: &str,
    loan: &Loan,
    overridden: &[crate::api::RefusalCode],
) -> Result<(), CoreError> {
    let row = sync_fields(m.conn(), id)?;
    m.log(
        EntityType::Loan,
        id,
        operation,
        &LoanPayload {
            event,
            loan,
            overridden,
            row,
        },
    )?;
    Ok(())
}

/// Lends `item_barcode` to `patron_barcode` at the desk of `branch_code` (default: the item's
/// branch). `override_reason` lends despite refusals (except an item already on loan).
pub fn checkout(
    m: &mut Mutation<'_>,
    patron_barcode: &str,
    item_barcode: &str,
    branch_code_at: Option<&str>,
    override_reason: Option<&str>,
) -> Result<CheckoutResult, CoreError> {
    let patron = patrons::by_barcode(m.conn(), patron_barcode)?;
    let item = item_by_barcode(m.conn(), item_barcode)?;
    let branch = desk_branch(m.conn(), branch_code_at, item.current_branch())?;
    let now = m.now();
    let lt = policy::library_time(m.conn())?;
    let today = lt.local_date(now);

    if let Some(loan) = open_loan_of_item(m.conn(), item.id)? {
        let same = loan.patron_id == patron.id;
        return Err(CoreError::Refused(refusal(
            RefusalCode::ItemAlreadyOnLoan,
            &[("same_patron", same.to_string())],
        )));
    }
    let code = branch_code(m.conn(), branch)?;
    let rule = policy::rule_for(m.conn(), &patron.category, &item.item_type, &code)?;
    let mut refusals = patrons::refusals(m.conn(), &patron, now, &lt)?;
    if rule.not_for_loan || item.status == ItemStatus::NotForLoan {
        refusals.push(refusal(RefusalCode::ItemNotForLoan, &[]));
    }
    match holds::trapped_for(m.conn(), item.id)? {
        Some(hold) if hold.patron_id != patron.id => {
            refusals.push(refusal(RefusalCode::ItemOnHoldForOther, &[]));
        }
        Some(_) => {}
        None => {
            if !matches!(item.status, ItemStatus::Available | ItemStatus::NotForLoan) {
                refusals.push(refusal(
                    RefusalCode::ItemNotAvailable,
                    &[("status", item.status.as_str().to_string())],
                ));
            } else if holds::item_held_by_other(m.conn(), item.id, patron.id)? {
                refusals.push(refusal(RefusalCode::ItemOnHoldForOther, &[]));
            }
        }
    }
    if open_loan_count(m.conn(), patron.id)? >= rule.max_loans {
        refusals.push(refusal(
            RefusalCode::LoanLimitReached,
            &[("max", rule.max_loans.to_string())],
        ));
    }
    let (overridden, reason) = overridable(refusals, override_reason)?;

    let due_on = due_day(m.conn(), branch, today, rule.loan_days)?;
    let due_at = lt.end_of_day(due_on)?;
    let id = m.new_id();
    m.conn()
        .prepare_cached(
            "INSERT INTO loans (id, item_id, patron_id, branch_id, checked_out_at, due_on, due_at,
                                override_reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            id.to_string(),
            item.id.to_string(),
            patron.id.to_string(),
            branch.to_string(),
            stamp(now),
            due_on.to_string(),
            stamp(due_at),
            reason
        ])?;
    holds::fulfil_for_checkout(m, &item, patron.id)?;
    set_item_state(m, &item, ItemStatus::OnLoan, Some(branch), "checked out")?;
    let loan = loan_view(m.conn(), id, now)?;
    let codes: Vec<_> = overridden.iter().map(|r| r.code).collect();
    log_loan(m, id, Operation::Create, "checkout", &loan, &codes)?;
    Ok(CheckoutResult { loan, overridden })
}

/// A return an offline machine took at `at` and reports now (SIP2's "no block"): it happened,
/// so its time never refuses it. A time before the loan began or was last renewed (the
/// machine's clock, or a renewal at a kiosk while the book-drop was offline) counts as that
/// moment; otherwise as [`checkin`] back-dated to `at`.
pub fn checkin_taken_offline(
    m: &mut Mutation<'_>,
    item_barcode: &str,
    branch_code_at: Option<&str>,
    at: OffsetDateTime,
) -> Result<CheckinResult, CoreError> {
    let item = item_by_barcode(m.conn(), item_barcode)?;
    let at = match open_loan_of_item(m.conn(), item.id)? {
        Some(loan) => at.max(loan.renewed_at.unwrap_or(loan.checked_out_at)),
        None => at,
    };
    checkin(m, item_barcode, branch_code_at, Some(at.min(m.now())))
}

/// Takes an item back at the desk of `branch_code` (default: the item's own branch). `at`
/// back-dates the return (a book-drop emptied the next morning); it must lie between the
/// loan's start (or last renewal) and now. The overdue fine, if any, is charged up to the
/// return day. Then the item is routed: trapped for the next hold (hold shelf here, or in
/// transit to the pickup branch), sent home when returned elsewhere, or reshelved.
/// Checking in an item that is not on loan charges nothing and only routes it.
pub fn checkin(
    m: &mut Mutation<'_>,
    item_barcode: &str,
    branch_code_at: Option<&str>,
    at: Option<OffsetDateTime>,
) -> Result<CheckinResult, CoreError> {
    let item = item_by_barcode(m.conn(), item_barcode)?;
    let branch = desk_branch(m.conn(), branch_code_at, item.home_branch)?;
    let now = m.now();
    let returned_at = at.unwrap_or(now);
    if returned_at > now {
        return Err(CoreError::InvalidInput {
            what: "return time",
            value: text::rfc3339(returned_at),
            reason: "a check-in can be back-dated, not dated in the future".into(),
        });
    }
    let lt = policy::library_time(m.conn())?;
    let mut fine_charged = 0;
    let mut closed = None;
    // The book is physically back, so the check-in closes every open loan of the item: one
    // as a rule, two when branches lent it while apart (sync lists that as an exception).
    while let Some(loan) = open_loan_of_item(m.conn(), item.id)? {
        let earliest = loan.renewed_at.unwrap_or(loan.checked_out_at);
        let returned_at = if closed.is_none() {
            if returned_at < earliest {
                return Err(CoreError::InvalidInput {
                    what: "return time",
                    value: text::rfc3339(returned_at),
                    reason: format!(
                        "the loan began (or was last renewed) at {}; a return cannot be before it",
                        text::rfc3339(earliest)
                    ),
                });
            }
            returned_at
        } else {
            returned_at.max(earliest)
        };
        let return_day = lt.local_date(returned_at);
        fine_charged += charge(m, &loan, &item, return_day)?;
        m.conn()
            .prepare_cached(
                "UPDATE loans SET returned_at = ?2, returned_branch_id = ?3,
                        fined_through = max(coalesce(fined_through, ''), ?4)
                 WHERE id = ?1",
            )?
            .execute(params![
                loan.id.to_string(),
                stamp(returned_at),
                branch.to_string(),
                return_day.to_string()
            ])?;
        let view = loan_view(m.conn(), loan.id, now)?;
        log_loan(m, loan.id, Operation::Update, "checkin", &view, &[])?;
        if closed.is_none() {
            closed = Some(view);
        }
    }
    let (action, status) = holds::route(m, &item, branch, &lt)?;
    Ok(CheckinResult {
        item_barcode: item.barcode.clone(),
        title: item.title.clone(),
        loan: closed,
        fine_charged,
        action,
        status,
    })
}

/// Charges a loan's lateness through `through` under the loan's rule.
fn charge(
    m: &mut Mutation<'_>,
    loan: &LoanRow,
    item: &ItemRow,
    through: Date,
) -> Result<i64, CoreError> {
    let category: String = m
        .conn()
        .prepare_cached("SELECT category FROM patrons WHERE id = ?1")?
        .query_row(params![loan.patron_id.to_string()], |r| r.get(0))?;
    let code = branch_code(m.conn(), loan.branch_id)?;
    let rule = policy::rule_for(m.conn(), &category, &item.item_type, &code)?;
    fines::charge_overdue(
        m,
        &OverdueCharge {
            loan: loan.id,
            patron: loan.patron_id,
            branch: loan.branch_id,
            due_on: loan.due_on,
            fined_through: loan.fined_through,
            fine_per_day: rule.fine_per_day,
            max_fine: rule.max_fine,
        },
        through,
    )
}

/// Renews the open loan of `item_barcode`. Refused at the renewal limit, when another reader
/// waits for the title, or for an expired or blocked card (staff may override with a reason).
/// A late renewal first charges the lateness up to today; the new due day counts from the old
/// one (from today when late), moved past closed days.
pub fn renew(
    m: &mut Mutation<'_>,
    item_barcode: &str,
    override_reason: Option<&str>,
) -> Result<RenewResult, CoreError> {
    let item = item_by_barcode(m.conn(), item_barcode)?;
    let Some(loan) = open_loan_of_item(m.conn(), item.id)? else {
        return Err(CoreError::Refused(refusal(RefusalCode::ItemNotOnLoan, &[])));
    };
    let now = m.now();
    let lt = policy::library_time(m.conn())?;
    let today = lt.local_date(now);
    let patron_barcode: String = m
        .conn()
        .prepare_cached("SELECT barcode FROM patrons WHERE id = ?1")?
        .query_row(params![loan.patron_id.to_string()], |r| r.get(0))?;
    let patron = patrons::by_barcode(m.conn(), &patron_barcode)?;
    let code = branch_code(m.conn(), loan.branch_id)?;
    let rule = policy::rule_for(m.conn(), &patron.category, &item.item_type, &code)?;
    let mut refusals: Vec<Refusal> = patrons::refusals(m.conn(), &patron, now, &lt)?
        .into_iter()
        .filter(|r| {
            matches!(
                r.code,
                RefusalCode::CardExpired | RefusalCode::PatronBlocked
            )
        })
        .collect();
    if loan.renewals >= rule.renewals {
        refusals.push(refusal(
            RefusalCode::RenewalLimitReached,
            &[("max", rule.renewals.to_string())],
        ));
    }
    if holds::others_waiting(m.conn(), &item, patron.id)? {
        refusals.push(refusal(RefusalCode::RenewalOnHold, &[]));
    }
    let (overridden, reason) = overridable(refusals, override_reason)?;

    let late = today > loan.due_on;
    let fine_charged = if late {
        charge(m, &loan, &item, today)?
    } else {
        0
    };
    let base = if late { today } else { loan.due_on };
    let due_on = due_day(m.conn(), loan.branch_id, base, rule.loan_days)?;
    let due_at = lt.end_of_day(due_on)?;
    m.conn()
        .prepare_cached(
            "UPDATE loans SET due_on = ?2, due_at = ?3, renewals = renewals + 1, renewed_at = ?4,
                    fined_through = CASE WHEN ?5 THEN max(coalesce(fined_through, ''), ?6)
                                         ELSE fined_through END,
                    override_reason = coalesce(?7, override_reason)
             WHERE id = ?1",
        )?
        .execute(params![
            loan.id.to_string(),
            due_on.to_string(),
            stamp(due_at),
            stamp(now),
            late,
            today.to_string(),
            reason
        ])?;
    let view = loan_view(m.conn(), loan.id, now)?;
    let codes: Vec<_> = overridden.iter().map(|r| r.code).collect();
    log_loan(m, loan.id, Operation::Update, "renew", &view, &codes)?;
    Ok(RenewResult {
        loan: view,
        fine_charged,
        overridden,
    })
}

/// Marks an item lost, damaged or claimed returned (or found again: available), with a note.
/// An open loan stays open: the reader still answers for the item until it is checked in or
/// staff charge for it; a lost or claimed-returned item no longer blocks the reader as overdue.
pub fn set_status(
    m: &mut Mutation<'_>,
    item_barcode: &str,
    status: ItemStatus,
    note: &str,
) -> Result<ItemStatus, CoreError> {
    if !matches!(
        status,
        ItemStatus::Lost
            | ItemStatus::Damaged
            | ItemStatus::ClaimedReturned
            | ItemStatus::Available
    ) {
        return Err(CoreError::InvalidInput {
            what: "item status",
            value: status.as_str().into(),
            reason: "the desk sets lost, damaged, claimed_returned or available; loans, holds and transit set the others".into(),
        });
    }
    let item = item_by_barcode(m.conn(), item_barcode)?;
    let on_loan = open_loan_of_item(m.conn(), item.id)?.is_some();
    if status == ItemStatus::ClaimedReturned && !on_loan {
        return Err(CoreError::Refused(refusal(RefusalCode::ItemNotOnLoan, &[])));
    }
    if status == ItemStatus::Available && on_loan {
        return Err(CoreError::InvalidInput {
            what: "item status",
            value: status.as_str().into(),
            reason: "the item is on loan; check it in instead".into(),
        });
    }
    let note = text::nfc(note.trim());
    set_item_state(m, &item, status, item.holding_branch, &note)?;
    Ok(status)
}

/// After `day` was closed at `branch` (every branch when `None`): open loans due that day
/// move to the next open day of their branch. Returns how many moved.
pub(crate) fn move_due_dates_off(
    m: &mut Mutation<'_>,
    branch: Option<Uuid>,
    day: Date,
) -> Result<usize, CoreError> {
    let ids: Vec<(String, String)> = m
        .conn()
        .prepare_cached(
            "SELECT id, branch_id FROM loans
             WHERE returned_at IS NULL AND due_on = ?1 AND (?2 IS NULL OR branch_id = ?2)",
        )?
        .query_map(
            params![day.to_string(), branch.map(|b| b.to_string())],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .collect::<Result<Vec<_>, _>>()?;
    if ids.is_empty() {
        return Ok(0);
    }
    let lt: LibraryTime = policy::library_time(m.conn())?;
    let now = m.now();
    for (id, loan_branch) in &ids {
        let due_on = calendar::next_open_day(m.conn(), parse_id(loan_branch)?, day)?;
        let due_at = lt.end_of_day(due_on)?;
        m.conn().execute(
            "UPDATE loans SET due_on = ?2, due_at = ?3 WHERE id = ?1",
            params![id, due_on.to_string(), stamp(due_at)],
        )?;
        let id = parse_id(id)?;
        let view = loan_view(m.conn(), id, now)?;
        log_loan(
            m,
            id,
            Operation::Update,
            "due_date_moved_off_closed_day",
            &view,
            &[],
        )?;
    }
    Ok(ids.len())
}

/// Closes an open loan without a check-in at a desk, as a sync exception's resolution
/// decided (`event` says which): no fine is charged, and the return is logged like a
/// check-in, so it stands on every node. A loan already returned is left as it is.
pub(crate) fn close_by_correction(
    m: &mut Mutation<'_>,
    id: Uuid,
    event: &str,
) -> Result<bool, CoreError> {
    let now = m.now();
    let changed = m
        .conn()
        .prepare_cached(
            "UPDATE loans SET returned_at = ?2, returned_branch_id = branch_id
             WHERE id = ?1 AND returned_at IS NULL",
        )?
        .execute(params![id.to_string(), stamp(now)])?;
    if changed == 0 {
        return Ok(false);
    }
    let view = loan_view(m.conn(), id, now)?;
    log_loan(m, id, Operation::Update, event, &view, &[])?;
    Ok(true)
}

/// Recalls an open loan: it falls due at the end of today (the reader is asked to bring the
/// book back). A loan already returned is left as it is.
pub(crate) fn recall(m: &mut Mutation<'_>, id: Uuid) -> Result<bool, CoreError> {
    let now = m.now();
    let lt = policy::library_time(m.conn())?;
    let today = lt.local_date(now);
    let due_at = lt.end_of_day(today)?;
    let changed = m
        .conn()
        .prepare_cached(
            "UPDATE loans SET due_on = ?2, due_at = ?3
             WHERE id = ?1 AND returned_at IS NULL AND due_on > ?2",
        )?
        .execute(params![id.to_string(), today.to_string(), stamp(due_at)])?;
    if changed == 0 {
        return Ok(false);
    }
    let view = loan_view(m.conn(), id, now)?;
    log_loan(m, id, Operation::Update, "recalled", &view, &[])?;
    Ok(true)
}

/// An item as a self-check machine asks about it (SIP2 item information): where it is, its
/// open loan, how many readers wait for its title and the hold it is set aside for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemCirculation {
    pub barcode: String,
    pub title: String,
    pub status: ItemStatus,
    /// The item type the policy matrix knows it by (`book`, `reference`, `audiobook`, ...).
    pub item_type: String,
    pub home_branch_code: String,
    /// Where the item is (or last was): its holding branch, else its home.
    pub current_branch_code: String,
    pub loan: Option<Loan>,
    /// Active holds on the item's record (waiting, suspended, in transit, on the shelf).
    pub holds_queue: u32,
    /// The hold the item is set aside for (in transit to the pickup branch or on its shelf).
    pub trapped_for: Option<crate::api::Hold>,
}

/// The circulation state of the item with `barcode`; reads only.
pub fn item_circulation(
    catalog: &crate::Catalog,
    barcode: &str,
) -> Result<ItemCirculation, CoreError> {
    let conn = catalog.conn();
    let item = item_by_barcode(conn, barcode)?;
    let now = catalog.clock().now();
    let loan = open_loan_of_item(conn, item.id)?
        .map(|l| loan_view(conn, l.id, now))
        .transpose()?;
    let holds_queue: u32 = conn
        .prepare_cached(
            "SELECT count(*) FROM holds WHERE record_id = ?1
               AND status IN ('waiting', 'suspended', 'in_transit', 'on_shelf')",
        )?
        .query_row(params![item.record_id.to_string()], |r| r.get(0))?;
    let trapped_for = holds::trapped_for(conn, item.id)?
        .map(|h| holds::hold_view(conn, h.id))
        .transpose()?;
    Ok(ItemCirculation {
        barcode: item.barcode.clone(),
        title: item.title.clone(),
        status: item.status,
        item_type: item.item_type.clone(),
        home_branch_code: branch_code(conn, item.home_branch)?,
        current_branch_code: branch_code(conn, item.current_branch())?,
        loan,
        holds_queue,
        trapped_for,
    })
}
