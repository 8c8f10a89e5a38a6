//! Holds: a reader's request for a title (any item of a record) or for one particular item,
//! to be collected at a pickup branch.
//!
//! One queue per record, oldest first; item-level holds queue with the record's. A suspended
//! hold keeps its place but is passed over. At check-in the first waiting hold the item can
//! serve traps it: onto the hold shelf when checked in at the pickup branch (until the shelf
//! expiry day, moved past closed days), or in transit to the pickup branch, where the next
//! check-in puts it on the shelf. Cancelling or expiring a hold whose item sits on the shelf
//! routes the item on as a check-in would (the next reader, or home).

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use uuid::Uuid;

use crate::api::{CheckinAction, Hold, HoldStatus, ItemStatus, RefusalCode};
use crate::changelog::{EntityType, Operation};
use crate::error::CoreError;
use crate::store::Mutation;

use super::calendar::{self, LibraryTime};
use super::refusal::{overridable, refusal};
use super::{
    ItemRow, branch_code, branch_id, item_by_barcode, item_by_id, parse_id, patrons, policy,
    set_item_state, stamp,
};

pub(crate) const MIGRATION_HOLDS: &str = "
CREATE TABLE holds (
    id                TEXT PRIMARY KEY,
    patron_id         TEXT NOT NULL REFERENCES patrons (id),
    record_id         TEXT NOT NULL,
    item_id           TEXT,
    pickup_branch_id  TEXT NOT NULL REFERENCES branches (id),
    placed_at         TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN
                        ('waiting', 'suspended', 'in_transit', 'on_shelf', 'fulfilled', 'cancelled', 'expired')),
    trapped_item_id   TEXT,
    shelf_expires_on  TEXT,
    override_reason   TEXT,
    updated_at        TEXT NOT NULL
) STRICT;
CREATE INDEX holds_record_queue ON holds (record_id, id)
    WHERE status IN ('waiting', 'suspended', 'in_transit', 'on_shelf');
CREATE INDEX holds_item_queue ON holds (item_id, id)
    WHERE item_id IS NOT NULL AND status IN ('waiting', 'suspended');
CREATE INDEX holds_patron ON holds (patron_id, id);
CREATE INDEX holds_trapped ON holds (trapped_item_id)
    WHERE status IN ('in_transit', 'on_shelf');
CREATE INDEX holds_shelf ON holds (shelf_expires_on) WHERE status = 'on_shelf';
";

/// A hold as the write paths need it.
#[derive(Debug, Clone)]
pub(crate) struct HoldRow {
    pub id: Uuid,
    pub patron_id: Uuid,
    pub pickup_branch: Uuid,
    pub status: HoldStatus,
}

fn hold_row(conn: &Connection, sql_where: &str, key: &str) -> Result<Option<HoldRow>, CoreError> {
    let row = conn
        .prepare_cached(&format!(
            "SELECT id, patron_id, pickup_branch_id, status FROM holds WHERE {sql_where}"
        ))?
        .query_row(params![key], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .optional()?;
    let Some((id, patron, pickup, status)) = row else {
        return Ok(None);
    };
    Ok(Some(HoldRow {
        id: parse_id(&id)?,
        patron_id: parse_id(&patron)?,
        pickup_branch: parse_id(&pickup)?,
        status: HoldStatus::parse(&status).ok_or_else(|| CoreError::InvalidInput {
            what: "hold status",
            value: status.clone(),
            reason: "not a status circulation knows".into(),
        })?,
    }))
}

/// The hold an item is set aside for (in transit to its pickup branch or on the shelf there).
pub(crate) fn trapped_for(conn: &Connection, item: Uuid) -> Result<Option<HoldRow>, CoreError> {
    hold_row(
        conn,
        "trapped_item_id = ?1 AND status IN ('in_transit', 'on_shelf') LIMIT 1",
        &item.to_string(),
    )
}

/// Whether another reader waits for this very item (an item-level hold).
pub(crate) fn item_held_by_other(
    conn: &Connection,
    item: Uuid,
    patron: Uuid,
) -> Result<bool, CoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM holds WHERE item_id = ?1 AND status = 'waiting' AND patron_id <> ?2 LIMIT 1",
        )?
        .query_row(params![item.to_string(), patron.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Whether another reader waits for this item or its title (a renewal would keep them waiting).
pub(crate) fn others_waiting(
    conn: &Connection,
    item: &ItemRow,
    patron: Uuid,
) -> Result<bool, CoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM holds
             WHERE record_id = ?1 AND status = 'waiting' AND patron_id <> ?3
               AND (item_id IS NULL OR item_id = ?2)
             LIMIT 1",
        )?
        .query_row(
            params![
                item.record_id.to_string(),
                item.id.to_string(),
                patron.to_string()
            ],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

#[derive(Serialize)]
struct HoldPayload<'a> {
    event: &'a str,
    hold: &'a Hold,
    /// What another node needs to put the hold row in place (sync), by id.
    #[serde(flatten)]
    row: HoldSyncFields,
}

#[derive(Serialize)]
struct HoldSyncFields {
    item_id: Option<String>,
    trapped_item_id: Option<String>,
    pickup_branch_id: String,
    override_reason: Option<String>,
}

fn sync_fields(conn: &Connection, id: Uuid) -> Result<HoldSyncFields, CoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT item_id, trapped_item_id, pickup_branch_id, override_reason FROM holds
             WHERE id = ?1",
        )?
        .query_row(params![id.to_string()], |r| {
            Ok(HoldSyncFields {
                item_id: r.get(0)?,
                trapped_item_id: r.get(1)?,
                pickup_branch_id: r.get(2)?,
                override_reason: r.get(3)?,
            })
        })?)
}

fn set_status(
    m: &mut Mutation<'_>,
    id: Uuid,
    status: HoldStatus,
    trapped: Option<Option<Uuid>>,
    shelf_expires_on: Option<Option<time::Date>>,
    event: &str,
) -> Result<Hold, CoreError> {
    m.conn()
        .prepare_cached(
            "UPDATE holds SET status = ?2,
                    trapped_item_id = CASE WHEN ?3 THEN ?4 ELSE trapped_item_id END,
                    shelf_expires_on = CASE WHEN ?5 THEN ?6 ELSE shelf_expires_on END,
                    updated_at = ?7
             WHERE id = ?1",
        )?
        .execute(params![
            id.to_string(),
            status.as_str(),
            trapped.is_some(),
            trapped.flatten().map(|t| t.to_string()),
            shelf_expires_on.is_some(),
            shelf_expires_on.flatten().map(|d| d.to_string()),
            stamp(m.now())
        ])?;
    let hold = hold_view(m.conn(), id)?;
    m.log(
        EntityType::Hold,
        id,
        Operation::Update,
        &HoldPayload {
            event,
            hold: &hold,
            row: sync_fields(m.conn(), id)?,
        },
    )?;
    Ok(hold)
}

/// Closes the hold a check-out serves: the one the item was set aside for, else the reader's
/// own waiting hold on the item or its title.
pub(crate) fn fulfil_for_checkout(
    m: &mut Mutation<'_>,
    item: &ItemRow,
    patron: Uuid,
) -> Result<(), CoreError> {
    let trapped = trapped_for(m.conn(), item.id)?.filter(|h| h.patron_id == patron);
    let own = match trapped {
        Some(h) => Some(h.id),
        None => m
            .conn()
            .prepare_cached(
                "SELECT id FROM holds
                 WHERE record_id = ?1 AND patron_id = ?2 AND status IN ('waiting', 'suspended')
                   AND (item_id IS NULL OR item_id = ?3)
                 ORDER BY id LIMIT 1",
            )?
            .query_row(
                params![
                    item.record_id.to_string(),
                    patron.to_string(),
                    item.id.to_string()
                ],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .map(|id| parse_id(&id))
            .transpose()?,
    };
    if let Some(id) = own {
        set_status(
            m,
            id,
            HoldStatus::Fulfilled,
            Some(Some(item.id)),
            None,
            "fulfilled",
        )?;
    }
    Ok(())
}

/// Decides where an item just handed in at `branch` goes, sets its status, and says what the
/// desk should do with it.
pub(crate) fn route(
    m: &mut Mutation<'_>,
    item: &ItemRow,
    branch: Uuid,
    lt: &LibraryTime,
) -> Result<(CheckinAction, ItemStatus), CoreError> {
    if let Some(hold) = trapped_for(m.conn(), item.id)? {
        if hold.status == HoldStatus::OnShelf || hold.pickup_branch == branch {
            return shelve_for(m, item, &hold, branch, lt);
        }
        return send_for_hold(m, item, hold.id, hold.pickup_branch, branch);
    }
    // Items kept out of circulation go back to their place without serving holds.
    let sticky = matches!(
        item.status,
        ItemStatus::NotForLoan | ItemStatus::Withdrawn | ItemStatus::Damaged
    );
    if !sticky {
        let next = m
            .conn()
            .prepare_cached(
                "SELECT id FROM holds
                 WHERE record_id = ?1 AND status = 'waiting' AND (item_id IS NULL OR item_id = ?2)
                 ORDER BY id LIMIT 1",
            )?
            .query_row(
                params![item.record_id.to_string(), item.id.to_string()],
                |r| r.get::<_, String>(0),
            )
            .optional()?;
        if let Some(id) = next {
            let id = parse_id(&id)?;
            let held = hold_row(m.conn(), "id = ?1", &id.to_string())?.ok_or_else(|| {
                CoreError::NotFound {
                    entity: "hold",
                    key: "id",
                    value: id.to_string(),
                }
            })?;
            if held.pickup_branch == branch {
                return shelve_for(m, item, &held, branch, lt);
            }
            set_status(
                m,
                id,
                HoldStatus::InTransit,
                Some(Some(item.id)),
                None,
                "trapped",
            )?;
            return send_for_hold(m, item, id, held.pickup_branch, branch);
        }
    }
    if branch == item.home_branch {
        let status = if sticky {
            item.status
        } else {
            ItemStatus::Available
        };
        set_item_state(m, item, status, Some(branch), "checked in")?;
        Ok((CheckinAction::Reshelve, status))
    } else {
        let status = if sticky {
            item.status
        } else {
            ItemStatus::InTransit
        };
        set_item_state(m, item, status, Some(branch), "in transit home")?;
        Ok((
            CheckinAction::Transit {
                branch_code: branch_code(m.conn(), item.home_branch)?,
                hold_id: None,
            },
            status,
        ))
    }
}

/// Sends an item from the desk at `branch` to the pickup branch of the hold `hold_id`.
fn send_for_hold(
    m: &mut Mutation<'_>,
    item: &ItemRow,
    hold_id: Uuid,
    pickup_branch: Uuid,
    branch: Uuid,
) -> Result<(CheckinAction, ItemStatus), CoreError> {
    set_item_state(
        m,
        item,
        ItemStatus::InTransit,
        Some(branch),
        "in transit for a hold",
    )?;
    Ok((
        CheckinAction::Transit {
            branch_code: branch_code(m.conn(), pickup_branch)?,
            hold_id: Some(hold_id.to_string()),
        },
        ItemStatus::InTransit,
    ))
}

/// Puts an item on the hold shelf at its pickup branch for `hold`.
fn shelve_for(
    m: &mut Mutation<'_>,
    item: &ItemRow,
    hold: &HoldRow,
    branch: Uuid,
    lt: &LibraryTime,
) -> Result<(CheckinAction, ItemStatus), CoreError> {
    let view = if hold.status == HoldStatus::OnShelf {
        hold_view(m.conn(), hold.id)?
    } else {
        let days = policy::settings(m.conn())?.hold_shelf_days;
        let today = lt.local_date(m.now());
        let expires = calendar::next_open_day(m.conn(), branch, calendar::add_days(today, days)?)?;
        set_status(
            m,
            hold.id,
            HoldStatus::OnShelf,
            Some(Some(item.id)),
            Some(Some(expires)),
            "on_shelf",
        )?
    };
    if item.status != ItemStatus::OnHoldShelf || item.current_branch() != branch {
        set_item_state(
            m,
            item,
            ItemStatus::OnHoldShelf,
            Some(branch),
            "on the hold shelf",
        )?;
    }
    let name: String = m
        .conn()
        .prepare_cached("SELECT name FROM patrons WHERE id = ?1")?
        .query_row(params![hold.patron_id.to_string()], |r| r.get(0))?;
    Ok((
        CheckinAction::HoldShelf {
            hold_id: hold.id.to_string(),
            patron_barcode: view.patron_barcode,
            patron_name: name,
            shelf_expires_on: view.shelf_expires_on.unwrap_or_default(),
        },
        ItemStatus::OnHoldShelf,
    ))
}

const HOLD_SELECT: &str = "SELECT h.id, h.patron_id, p.barcode, h.record_id, coalesce(r.title, ''),
        i.barcode, b.code, h.placed_at, h.status,
        CASE WHEN h.status IN ('waiting', 'suspended') THEN 1 + (
            SELECT count(*) FROM holds q
            WHERE q.record_id = h.record_id AND q.status IN ('waiting', 'suspended') AND q.id < h.id)
        END,
        t.barcode, h.shelf_expires_on
     FROM holds h
     JOIN patrons p ON p.id = h.patron_id
     JOIN branches b ON b.id = h.pickup_branch_id
     LEFT JOIN records r ON r.id = h.record_id
     LEFT JOIN items i ON i.id = h.item_id
     LEFT JOIN items t ON t.id = h.trapped_item_id";

fn hold_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Hold, String)> {
    Ok((
        Hold {
            id: r.get(0)?,
            patron_id: r.get(1)?,
            patron_barcode: r.get(2)?,
            record_id: r.get(3)?,
            title: r.get(4)?,
            item_barcode: r.get(5)?,
            pickup_branch_code: r.get(6)?,
            placed_at: r.get(7)?,
            status: HoldStatus::Waiting,
            position: r.get(9)?,
            trapped_item_barcode: r.get(10)?,
            shelf_expires_on: r.get(11)?,
        },
        r.get(8)?,
    ))
}

fn with_status((mut hold, status): (Hold, String)) -> Result<Hold, CoreError> {
    hold.status = HoldStatus::parse(&status).ok_or_else(|| CoreError::InvalidInput {
        what: "hold status",
        value: status,
        reason: "not a status circulation knows".into(),
    })?;
    Ok(hold)
}

/// One hold with its place in the queue.
pub(crate) fn hold_view(conn: &Connection, id: Uuid) -> Result<Hold, CoreError> {
    let row = conn
        .prepare_cached(&format!("{HOLD_SELECT} WHERE h.id = ?1"))?
        .query_row(params![id.to_string()], hold_from_row)
        .optional()?
        .ok_or_else(|| CoreError::NotFound {
            entity: "hold",
            key: "id",
            value: id.to_string(),
        })?;
    with_status(row)
}

/// A reader's active holds, oldest first.
pub(crate) fn holds_of(conn: &Connection, patron: Uuid) -> Result<Vec<Hold>, CoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "{HOLD_SELECT} WHERE h.patron_id = ?1
           AND h.status IN ('waiting', 'suspended', 'in_transit', 'on_shelf') ORDER BY h.id"
    ))?;
    let rows = stmt
        .query_map(params![patron.to_string()], hold_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(with_status).collect()
}

/// A record's queue: its active holds in the order they will be served.
pub fn queue(catalog: &crate::Catalog, record_id: Uuid) -> Result<Vec<Hold>, CoreError> {
    let mut stmt = catalog.conn().prepare_cached(&format!(
        "{HOLD_SELECT} WHERE h.record_id = ?1
           AND h.status IN ('waiting', 'suspended', 'in_transit', 'on_shelf') ORDER BY h.id"
    ))?;
    let rows = stmt
        .query_map(params![record_id.to_string()], hold_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(with_status).collect()
}

/// What a hold is placed on: a record, or one item.
enum Target {
    Record(Uuid),
    Item(ItemRow),
}

/// An item barcode, a record id, or a record control number (001), in that order.
fn resolve_target(conn: &Connection, target: &str) -> Result<Target, CoreError> {
    let target = target.trim();
    match item_by_barcode(conn, target) {
        Ok(item) => return Ok(Target::Item(item)),
        Err(CoreError::NotFound { .. }) => {}
        Err(e) => return Err(e),
    }
    let by_id = Uuid::parse_str(target).ok().map(|u| u.to_string());
    let found: Option<String> = conn
        .prepare_cached(
            "SELECT id FROM records WHERE id = ?1 OR control_number = ?2 ORDER BY id = ?1 DESC, id LIMIT 1",
        )?
        .query_row(params![by_id.unwrap_or_default(), target], |r| r.get(0))
        .optional()?;
    match found {
        Some(id) => Ok(Target::Record(parse_id(&id)?)),
        None => Err(CoreError::NotFound {
            entity: "record or item",
            key: "item barcode, record id or control number",
            value: target.to_string(),
        }),
    }
}

/// Places a hold for `patron_barcode` on `target` (an item barcode, a record id or a record
/// control number) to be collected at `pickup_code`. Refused for a blocked or expired card,
/// when the reader has the title on loan or on hold already, or when no item may be held by
/// this reader; staff may override with a reason.
pub fn place(
    m: &mut Mutation<'_>,
    patron_barcode: &str,
    target: &str,
    pickup_code: &str,
    override_reason: Option<&str>,
) -> Result<Hold, CoreError> {
    let patron = patrons::by_barcode(m.conn(), patron_barcode)?;
    let pickup = branch_id(m.conn(), pickup_code)?;
    let pickup_code = branch_code(m.conn(), pickup)?;
    let lt = policy::library_time(m.conn())?;
    let now = m.now();
    let target = resolve_target(m.conn(), target)?;
    let (record, item) = match &target {
        Target::Record(r) => (*r, None),
        Target::Item(i) => (i.record_id, Some(i.id)),
    };
    let mut refusals = patrons::refusals(m.conn(), &patron, now, &lt)?;
    let own_loan: bool = m
        .conn()
        .prepare_cached(
            "SELECT 1 FROM loans l JOIN items i ON i.id = l.item_id
             WHERE l.patron_id = ?1 AND l.returned_at IS NULL AND i.record_id = ?2 LIMIT 1",
        )?
        .query_row(params![patron.id.to_string(), record.to_string()], |_| {
            Ok(())
        })
        .optional()?
        .is_some();
    if own_loan {
        refusals.push(refusal(RefusalCode::HoldOnOwnLoan, &[]));
    }
    let already: bool = m
        .conn()
        .prepare_cached(
            "SELECT 1 FROM holds WHERE patron_id = ?1 AND record_id = ?2
               AND status IN ('waiting', 'suspended', 'in_transit', 'on_shelf') LIMIT 1",
        )?
        .query_row(params![patron.id.to_string(), record.to_string()], |_| {
            Ok(())
        })
        .optional()?
        .is_some();
    if already {
        refusals.push(refusal(RefusalCode::HoldAlreadyPlaced, &[]));
    }
    let candidates: Vec<(String, String)> = match &target {
        Target::Item(i) => vec![(i.item_type.clone(), i.status.as_str().to_string())],
        Target::Record(r) => m
            .conn()
            .prepare_cached("SELECT item_type, status FROM items WHERE record_id = ?1")?
            .query_map(params![r.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?,
    };
    let mut loanable = false;
    let mut holdable = false;
    for (item_type, status) in &candidates {
        if matches!(status.as_str(), "not_for_loan" | "withdrawn" | "lost") {
            continue;
        }
        let rule = policy::rule_for(m.conn(), &patron.category, item_type, &pickup_code)?;
        if !rule.not_for_loan {
            loanable = true;
            holdable |= rule.holds_allowed;
        }
    }
    if !loanable {
        refusals.push(refusal(RefusalCode::NothingToHold, &[]));
    } else if !holdable {
        refusals.push(refusal(RefusalCode::HoldsNotAllowed, &[]));
    }
    let (overridden, reason) = overridable(refusals, override_reason)?;
    let id = m.new_id();
    m.conn()
        .prepare_cached(
            "INSERT INTO holds (id, patron_id, record_id, item_id, pickup_branch_id, placed_at,
                                status, override_reason, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'waiting', ?7, ?6)",
        )?
        .execute(params![
            id.to_string(),
            patron.id.to_string(),
            record.to_string(),
            item.map(|i| i.to_string()),
            pickup.to_string(),
            stamp(now),
            reason
        ])?;
    let hold = hold_view(m.conn(), id)?;
    let codes: Vec<_> = overridden.iter().map(|r| r.code).collect();
    let mut payload = serde_json::json!({ "event": "placed", "hold": &hold, "overridden": codes });
    let row = serde_json::to_value(sync_fields(m.conn(), id)?)?;
    if let (Some(p), serde_json::Value::Object(row)) = (payload.as_object_mut(), row) {
        p.extend(row);
    }
    m.log(EntityType::Hold, id, Operation::Create, &payload)?;
    Ok(hold)
}

fn active(m: &Mutation<'_>, id: &str) -> Result<(Uuid, HoldRow), CoreError> {
    let id = parse_id(id.trim())?;
    let row =
        hold_row(m.conn(), "id = ?1", &id.to_string())?.ok_or_else(|| CoreError::NotFound {
            entity: "hold",
            key: "id",
            value: id.to_string(),
        })?;
    if !row.status.is_active() {
        return Err(CoreError::InvalidInput {
            what: "hold",
            value: id.to_string(),
            reason: format!("the hold is already {}", row.status.as_str()),
        });
    }
    Ok((id, row))
}

/// Sends on the item a hold had set aside, as a check-in at the pickup branch would.
fn release_item(
    m: &mut Mutation<'_>,
    hold: Uuid,
    row: &HoldRow,
) -> Result<Option<CheckinAction>, CoreError> {
    if row.status != HoldStatus::OnShelf {
        // An item in transit keeps travelling; its check-in at arrival routes it afresh.
        return Ok(None);
    }
    let trapped: Option<String> = m
        .conn()
        .prepare_cached("SELECT trapped_item_id FROM holds WHERE id = ?1")?
        .query_row(params![hold.to_string()], |r| r.get(0))?;
    let Some(item) = trapped else {
        return Ok(None);
    };
    let item = item_by_id(m.conn(), parse_id(&item)?)?;
    let lt = policy::library_time(m.conn())?;
    Ok(Some(route(m, &item, row.pickup_branch, &lt)?.0))
}

/// Cancels a hold. An item waiting on the shelf for it goes to the next reader or home; the
/// answer says what to do with it.
pub fn cancel(m: &mut Mutation<'_>, id: &str) -> Result<(Hold, Option<CheckinAction>), CoreError> {
    let (id, row) = active(m, id)?;
    let hold = set_status(m, id, HoldStatus::Cancelled, None, None, "cancelled")?;
    let action = release_item(m, id, &row)?;
    Ok((hold, action))
}

/// Suspends a waiting hold: it keeps its place but is passed over until resumed.
pub fn suspend(m: &mut Mutation<'_>, id: &str) -> Result<Hold, CoreError> {
    let (id, row) = active(m, id)?;
    if row.status != HoldStatus::Waiting {
        return Err(CoreError::InvalidInput {
            what: "hold",
            value: id.to_string(),
            reason: format!(
                "only a waiting hold can be suspended; this one is {}",
                row.status.as_str()
            ),
        });
    }
    set_status(m, id, HoldStatus::Suspended, None, None, "suspended")
}

/// Puts a suspended hold back in the queue at its old place.
pub fn resume(m: &mut Mutation<'_>, id: &str) -> Result<Hold, CoreError> {
    let (id, row) = active(m, id)?;
    if row.status != HoldStatus::Suspended {
        return Err(CoreError::InvalidInput {
            what: "hold",
            value: id.to_string(),
            reason: format!(
                "only a suspended hold can be resumed; this one is {}",
                row.status.as_str()
            ),
        });
    }
    set_status(m, id, HoldStatus::Waiting, None, None, "resumed")
}

/// Expires the holds whose shelf day has passed (in the library's time zone) and sends their
/// items on. Returns each expired hold with what to do with its item.
pub fn expire_shelf(m: &mut Mutation<'_>) -> Result<Vec<(Hold, Option<CheckinAction>)>, CoreError> {
    let lt = policy::library_time(m.conn())?;
    let today = lt.local_date(m.now());
    let ids: Vec<String> = m
        .conn()
        .prepare_cached(
            "SELECT id FROM holds WHERE status = 'on_shelf' AND shelf_expires_on < ?1 ORDER BY id",
        )?
        .query_map(params![today.to_string()], |r| r.get(0))?
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::new();
    for id in ids {
        let (id, row) = active(m, &id)?;
        let hold = set_status(m, id, HoldStatus::Expired, None, None, "expired")?;
        let action = release_item(m, id, &row)?;
        out.push((hold, action));
    }
    Ok(out)
}

/// Settles a hold two nodes filled with different items while apart (a sync exception's
/// resolution): the hold keeps `keep` (fulfilled when the reader has it on loan, else set
/// aside for them as it was), and `release`, unless it is on loan, is routed on from where
/// it is as at a check-in (the next reader, or home).
pub(crate) fn settle_filled_twice(
    m: &mut Mutation<'_>,
    hold_id: Uuid,
    keep: Uuid,
    release: Uuid,
) -> Result<(), CoreError> {
    let hold = hold_row(m.conn(), "id = ?1", &hold_id.to_string())?.ok_or_else(|| {
        CoreError::NotFound {
            entity: "hold",
            key: "id",
            value: hold_id.to_string(),
        }
    })?;
    let kept = item_by_id(m.conn(), keep)?;
    let status = if kept.status == ItemStatus::OnLoan {
        HoldStatus::Fulfilled
    } else if matches!(hold.status, HoldStatus::InTransit | HoldStatus::OnShelf) {
        hold.status
    } else {
        HoldStatus::InTransit
    };
    set_status(
        m,
        hold_id,
        status,
        Some(Some(keep)),
        None,
        "kept after sync",
    )?;
    let released = item_by_id(m.conn(), release)?;
    if matches!(
        released.status,
        ItemStatus::InTransit | ItemStatus::OnHoldShelf
    ) {
        let lt = policy::library_time(m.conn())?;
        route(m, &released, released.current_branch(), &lt)?;
    }
    Ok(())
}
