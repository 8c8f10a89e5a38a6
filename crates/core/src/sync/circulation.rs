//! Applying pulled circulation entries to the desk tables (patrons and their blocks, loans,
//! holds, the fines ledger, policy rules and settings, closed days, rights determinations,
//! digital objects' metadata), the same code on a branch and on the union catalog, and
//! finding the circulation exceptions: an item checked out twice while apart, a loan made to
//! a reader blocked meanwhile, a hold filled twice.
//!
//! The rules (docs/sync.md has them for people), each making the state a function of the
//! *set* of entries a node has:
//! - A patron, loan or hold row is rebuilt from all its entries in (hybrid time, origin)
//!   order, the newest carrying a field setting it; a loan's check-in stands (the earliest
//!   check-in entry sets the return, and no later entry reopens the loan).
//! - Fine entries, blocks, closed days, determinations and rights decisions are kept by their
//!   own id: once, never changed, never lost. Policy keys: the newest entry wins.
//! - An item's status is that of its newest entry, except that it is `on_loan` while a loan
//!   of it stands open, and not `on_loan` once none does.
//! - Entries arrive in causal order (the server's order, after this node's own), so the
//!   reader and branch a loan names are in place before it.
//!
//! What this module must never do: write a change-log entry for what it materialized (the
//! entries it came from are logged), apply a secret (PIN and password hashes never travel), or
//! depend on arrival order.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};
use uuid::Uuid;

use super::apply::{flag, is_newest};
use super::{Row, parse_uuid, read_rows};
use crate::api::{ExceptionKind, SyncEntry, SyncException};
use crate::changelog::{EntityType, Operation};
use crate::circulation;
use crate::circulation::patrons::merge::{self, MergePayload};
use crate::error::CoreError;
use crate::store::Mutation;

/// Schema: two open loans of one item may now stand side by side (branches that lent it
/// while apart; an exception lists them until a person decides), so the open-loan index is
/// no longer unique. The desk still lends an item only when no loan of it is open.
pub(crate) const MIGRATION_CIRCULATION_SYNC: &str = "
DROP INDEX loans_open_item;
CREATE INDEX loans_open_item ON loans (item_id) WHERE returned_at IS NULL;
";

/// What sync knows about one entry: where it stands in time and what its origin knew.
#[derive(Debug, Clone)]
pub(crate) struct Meta {
    pub seq: i64,
    pub hlc: i64,
    pub origin: String,
    pub server_seq: Option<i64>,
    pub known_through: i64,
}

impl Meta {
    pub(crate) fn of(conn: &Connection, row: &Row) -> Result<Meta, CoreError> {
        let known: Option<(Option<i64>, i64)> = conn
            .prepare_cached(
                "SELECT server_seq, known_through FROM sync_entries WHERE change_id = ?1",
            )?
            .query_row(params![row.change_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (server_seq, known_through) = known.unwrap_or((None, 0));
        Ok(Meta {
            seq: row.seq,
            hlc: row.hlc,
            origin: row.origin_node.clone(),
            server_seq,
            known_through,
        })
    }
}

/// This catalog's node id.
pub(crate) fn this_node(conn: &Connection) -> Result<String, CoreError> {
    Ok(conn
        .prepare_cached("SELECT value FROM catalog_meta WHERE key = 'node_id'")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or_default())
}

/// Whether `a` was made knowing `b` (b is in a's causal past). `here` is this node.
pub(crate) fn knows(a: &Meta, b: &Meta, here: &str) -> bool {
    if a.origin == b.origin {
        return b.hlc < a.hlc;
    }
    if a.server_seq.is_none() && a.origin == here {
        // This node's own entry the server has not placed yet: it knew every entry this node
        // had pulled before it, which are the ones before it in the local log.
        return b.seq < a.seq;
    }
    match b.server_seq {
        Some(seq) => seq <= a.known_through,
        // Another node's entry not on the server as far as `a`'s origin could know.
        None => false,
    }
}

fn concurrent(a: &Meta, b: &Meta, here: &str) -> bool {
    !knows(a, b, here) && !knows(b, a, here)
}

/// An entity's entries with their payloads, oldest first by (hybrid time, origin).
fn entries_of(
    conn: &Connection,
    entity: EntityType,
    id: &str,
) -> Result<Vec<(Row, Value)>, CoreError> {
    let mut rows = read_rows(
        conn,
        "WHERE entity_type = ?1 AND entity_id = ?2",
        params![entity.as_str(), id],
    )?;
    rows.sort_by(|a, b| (a.hlc, &a.origin_node).cmp(&(b.hlc, &b.origin_node)));
    Ok(rows
        .into_iter()
        .map(|r| {
            let v = serde_json::from_str(&r.payload).unwrap_or(Value::Null);
            (r, v)
        })
        .collect())
}

fn text<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

fn exists(conn: &Connection, table: &str, id: &str) -> Result<bool, CoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1"))?
        .query_row(params![id], |_| Ok(()))
        .optional()?
        .is_some())
}

fn branch_by_code(conn: &Connection, code: Option<&str>) -> Result<Option<String>, CoreError> {
    let Some(code) = code else { return Ok(None) };
    Ok(conn
        .prepare_cached("SELECT id FROM branches WHERE code = ?1")?
        .query_row(params![code], |r| r.get(0))
        .optional()?)
}

/// The branch an entry names: by id when it carries one that is here, else by code.
fn branch_of(
    conn: &Connection,
    id: Option<&str>,
    code: Option<&str>,
) -> Result<Option<String>, CoreError> {
    if let Some(id) = id
        && exists(conn, "branches", id)?
    {
        return Ok(Some(id.to_string()));
    }
    branch_by_code(conn, code)
}

fn item_by_barcode(conn: &Connection, barcode: Option<&str>) -> Result<Option<String>, CoreError> {
    let Some(barcode) = barcode else {
        return Ok(None);
    };
    Ok(conn
        .prepare_cached("SELECT id FROM items WHERE barcode = ?1")?
        .query_row(params![barcode], |r| r.get(0))
        .optional()?)
}

fn who(row: &Row) -> Value {
    json!({
        "change_id": row.change_id,
        "origin_node": row.origin_node,
        "user": row.user,
        "recorded_at": row.recorded_at,
    })
}

/// A date as the log carries it: `YYYY-MM-DD`, or the compact `[year, ordinal day]`.
fn date_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(parts) => {
            let year = i32::try_from(parts.first()?.as_i64()?).ok()?;
            let day = u16::try_from(parts.get(1)?.as_i64()?).ok()?;
            time::Date::from_ordinal_date(year, day)
                .ok()
                .map(|d| d.to_string())
        }
        _ => None,
    }
}

// ---- patrons -------------------------------------------------------------------------

const PATRON_FIELDS: [&str; 8] = [
    "barcode",
    "name",
    "category",
    "email",
    "phone",
    "home_branch_id",
    "expires_on",
    "notes",
];

pub(crate) fn apply_patron(m: &mut Mutation<'_>, id: Uuid) -> Result<u32, CoreError> {
    let id_text = id.to_string();
    let rows = entries_of(m.conn(), EntityType::Patron, &id_text)?;
    let mut fields = serde_json::Map::new();
    for (_, p) in &rows {
        for key in PATRON_FIELDS {
            if let Some(v) = p.get(key) {
                fields.insert(key.to_string(), v.clone());
            }
        }
    }
    let get = |k: &str| fields.get(k).and_then(Value::as_str).map(str::to_string);
    let (Some(mut barcode), Some(name), Some(category), Some(expires_on)) = (
        get("barcode"),
        get("name"),
        get("category"),
        fields.get("expires_on").and_then(date_text),
    ) else {
        return Ok(0);
    };
    let mut found = 0;
    let taken: Option<String> = m
        .conn()
        .query_row(
            "SELECT id FROM patrons WHERE barcode = ?1 AND id <> ?2",
            params![barcode, id_text],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(other) = taken {
        // Two branches gave one card number to two readers while apart: the reader with the
        // smaller id keeps it on every node, the other is told apart by the end of its id
        // until staff issue a new card.
        let renamed = |pid: &str| format!("{barcode}-{}", &pid[pid.len().saturating_sub(4)..]);
        let (low, high) = if id_text < other {
            (id_text.clone(), other.clone())
        } else {
            (other.clone(), id_text.clone())
        };
        found += flag(
            m,
            ExceptionKind::BarcodeTaken,
            EntityType::Patron,
            id,
            &[&low, &high],
            json!({ "barcode": barcode, "patrons": [low, high] }),
            &["relabel"],
        )?;
        if id_text < other {
            m.conn().execute(
                "UPDATE patrons SET barcode = ?2 WHERE id = ?1",
                params![other, renamed(&other)],
            )?;
        } else {
            barcode = renamed(&id_text);
        }
    }
    let home = match get("home_branch_id") {
        Some(b) if exists(m.conn(), "branches", &b)? => Some(b),
        _ => None,
    };
    let created = rows.first().map(|(r, _)| r.recorded_at.clone());
    let updated = rows.last().map(|(r, _)| r.recorded_at.clone());
    m.conn().execute(
        "INSERT INTO patrons (id, barcode, name, name_folded, category, email, phone,
                              home_branch_id, expires_on, notes, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (id) DO UPDATE SET barcode = ?2, name = ?3, name_folded = ?4,
             category = ?5, email = ?6, phone = ?7, home_branch_id = ?8, expires_on = ?9,
             notes = ?10, updated_at = ?12",
        params![
            id_text,
            barcode,
            name,
            circulation::patrons::fold_name(&name),
            category,
            get("email"),
            get("phone"),
            home,
            expires_on,
            get("notes").unwrap_or_default(),
            created,
            updated,
        ],
    )?;
    // Merges of this reader: kept once by their change id, then which stand is decided again
    // from all of them (the earliest merge of a reader stands), and what moves is moved.
    let mut merged = false;
    for (row, p) in &rows {
        if let Some(merge) = p.get("merge")
            && let Ok(payload) = serde_json::from_value::<MergePayload>(merge.clone())
        {
            merged |= merge::record(
                m.conn(),
                &row.change_id,
                &payload,
                row.hlc,
                &row.origin_node,
                &row.recorded_at,
                &row.user,
            )?;
        }
    }
    if merged {
        found += flag_merged_twice(m)?;
    }
    // Blocks are kept by their own id, on the reader this one was merged into if it was; the
    // first lift (by time, then origin) lifts a block.
    let (holder, merged_from) = merge::survivor(m.conn(), &id_text)?;
    let mut lifted: Vec<String> = Vec::new();
    for (row, p) in &rows {
        if let Some(block) = p.get("block") {
            m.conn().execute(
                "INSERT OR IGNORE INTO patron_blocks (id, patron_id, reason, blocked_by, blocked_at,
                                                      merged_from)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    text(block, "id"),
                    holder,
                    text(block, "reason").unwrap_or_default(),
                    text(block, "blocked_by").unwrap_or(&row.user),
                    text(block, "blocked_at").unwrap_or(&row.recorded_at),
                    merged_from,
                ],
            )?;
        }
        if let Some(block) = text(p, "block_lifted")
            && !lifted.iter().any(|b| b == block)
        {
            lifted.push(block.to_string());
            m.conn().execute(
                "UPDATE patron_blocks SET lifted_by = ?2, lifted_at = ?3 WHERE id = ?1",
                params![block, row.user, row.recorded_at],
            )?;
        }
    }
    // A block placed while apart from loans made to the reader (also those a merge moved
    // to another reader since: which loans are checked must not depend on arrival order).
    let loans: Vec<String> = m
        .conn()
        .prepare_cached("SELECT id FROM loans WHERE patron_id = ?1 OR merged_from = ?1")?
        .query_map(params![id_text], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for loan in loans {
        found += check_blocked_loan(m, &loan)?;
    }
    Ok(found)
}

/// Settles the merges after one arrived (see `circulation::patrons::merge::settle`) and lists
/// each merge that lost to an earlier merge of the same reader into someone else: one
/// exception per pair, the same on every node. An open exception whose pair no longer holds
/// (an even earlier merge of the reader came since) is taken off the list, so every node
/// lists the same ones.
fn flag_merged_twice(m: &mut Mutation<'_>) -> Result<u32, CoreError> {
    let twice = merge::settle(m.conn())?;
    let mut found = 0;
    let mut current: Vec<(String, String)> = Vec::new();
    for t in twice {
        let side = |conn: &Connection, row: &merge::MergeRow| -> Result<Value, CoreError> {
            let card = |pid: &str| -> Result<Option<String>, CoreError> {
                Ok(conn
                    .prepare_cached("SELECT barcode FROM patrons WHERE id = ?1")?
                    .query_row(params![pid], |r| r.get(0))
                    .optional()?)
            };
            Ok(json!({
                "change_id": row.change_id,
                "keep_id": row.keep,
                "keep_barcode": card(&row.keep)?,
                "merged_at": row.merged_at,
                "merged_by": row.merged_by,
                "origin_node": row.origin,
                "reason": row.reason,
            }))
        };
        let duplicate = parse_uuid("patron id", &t.first.duplicate)?;
        let barcode: Option<String> = m
            .conn()
            .prepare_cached("SELECT barcode FROM patrons WHERE id = ?1")?
            .query_row(params![t.first.duplicate], |r| r.get(0))
            .optional()?;
        let facts = json!({
            "duplicate_id": t.first.duplicate,
            "duplicate_barcode": barcode,
            "stands": side(m.conn(), &t.first)?,
            "other": side(m.conn(), &t.other)?,
        });
        found += flag(
            m,
            ExceptionKind::PatronMergedTwice,
            EntityType::Patron,
            duplicate,
            &[&t.first.change_id, &t.other.change_id],
            facts,
            &["accept", "merge_survivors"],
        )?;
        current.push((t.first.change_id, t.other.change_id));
    }
    // Exceptions found before an earlier merge arrived, no longer true, and not yet resolved.
    let listed: Vec<(String, String)> = m
        .conn()
        .prepare_cached(
            "SELECT x.id, x.facts FROM sync_exceptions x
             WHERE x.kind = 'patron_merged_twice'
               AND NOT EXISTS (SELECT 1 FROM sync_resolutions r WHERE r.id = x.id)",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (xid, facts) in listed {
        let facts: Value = serde_json::from_str(&facts).unwrap_or(Value::Null);
        let pair = (
            facts["stands"]["change_id"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            facts["other"]["change_id"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        );
        if !current.contains(&pair) {
            m.conn()
                .execute("DELETE FROM sync_exceptions WHERE id = ?1", params![xid])?;
        }
    }
    Ok(found)
}

// ---- loans ---------------------------------------------------------------------------

/// A check-in (or a closing by correction): an entry whose loan carries a return.
fn returns(p: &Value) -> bool {
    p.get("loan")
        .and_then(|l| l.get("returned_at"))
        .is_some_and(|r| !r.is_null())
}

pub(crate) fn apply_loan(m: &mut Mutation<'_>, id: Uuid) -> Result<u32, CoreError> {
    let id_text = id.to_string();
    let rows = entries_of(m.conn(), EntityType::Loan, &id_text)?;
    let Some((_, newest)) = rows.iter().rev().find(|(_, p)| p.get("loan").is_some()) else {
        return Ok(0);
    };
    let loan = &newest["loan"];
    // The reader is the one the loan was made for (its first entry: a merge at the desk
    // re-points the row, and later entries then name the survivor), or whom they were merged
    // into.
    let made_for = rows
        .iter()
        .find_map(|(_, p)| p.get("loan").and_then(|l| text(l, "patron_id")));
    let (Some(item), Some(patron), Some(out), Some(due_on), Some(due_at)) = (
        text(loan, "item_id"),
        made_for,
        text(loan, "checked_out_at"),
        text(loan, "due_on"),
        text(loan, "due_at"),
    ) else {
        return Ok(0);
    };
    let Some(branch) = branch_of(
        m.conn(),
        text(newest, "branch_id"),
        text(loan, "branch_code"),
    )?
    else {
        return Ok(0);
    };
    if !exists(m.conn(), "patrons", patron)? {
        return Ok(0);
    }
    let (patron, merged_from) = merge::survivor(m.conn(), patron)?;
    // The check-in stands: the earliest one sets the return, whatever came after it.
    let (returned_at, returned_branch) = match rows.iter().find(|(_, p)| returns(p)) {
        Some((_, p)) => (
            text(&p["loan"], "returned_at").map(str::to_string),
            branch_of(
                m.conn(),
                text(p, "returned_branch_id"),
                text(&p["loan"], "returned_branch_code"),
            )?,
        ),
        None => (None, None),
    };
    let fined_through = rows
        .iter()
        .filter_map(|(_, p)| text(p, "fined_through"))
        .max()
        .map(str::to_string);
    m.conn().execute(
        "INSERT INTO loans (id, item_id, patron_id, branch_id, checked_out_at, due_on, due_at,
                            renewals, renewed_at, fined_through, returned_at,
                            returned_branch_id, override_reason, merged_from)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         ON CONFLICT (id) DO UPDATE SET item_id = ?2, patron_id = ?3, branch_id = ?4,
             checked_out_at = ?5, due_on = ?6, due_at = ?7, renewals = ?8, renewed_at = ?9,
             fined_through = ?10, returned_at = ?11, returned_branch_id = ?12,
             override_reason = ?13, merged_from = ?14",
        params![
            id_text,
            item,
            patron,
            branch,
            out,
            due_on,
            due_at,
            loan.get("renewals").and_then(Value::as_i64).unwrap_or(0),
            text(newest, "renewed_at"),
            fined_through,
            returned_at,
            returned_branch,
            text(loan, "override_reason"),
            merged_from,
        ],
    )?;
    let item = item.to_string();
    let mut found = check_checked_out_twice(m, &item)?;
    found += check_blocked_loan(m, &id_text)?;
    settle_item(m, &item)?;
    Ok(found)
}

/// The create entry of a loan, with what sync knows of it.
fn loan_create(conn: &Connection, loan: &str) -> Result<Option<(Row, Meta, Value)>, CoreError> {
    let rows = read_rows(
        conn,
        "WHERE entity_type = 'loan' AND entity_id = ?1 AND operation = 'create'",
        params![loan],
    )?;
    let Some(row) = rows.into_iter().next() else {
        return Ok(None);
    };
    let meta = Meta::of(conn, &row)?;
    let payload = serde_json::from_str(&row.payload).unwrap_or(Value::Null);
    Ok(Some((row, meta, payload)))
}

fn loan_facts(row: &Row, p: &Value) -> Value {
    let l = &p["loan"];
    json!({
        "loan_id": l["id"],
        "patron_id": l["patron_id"],
        "patron_barcode": l["patron_barcode"],
        "item_barcode": l["item_barcode"],
        "title": l["title"],
        "branch_code": l["branch_code"],
        "checked_out_at": l["checked_out_at"],
        "by": who(row),
    })
}

/// Two loans of one item whose check-outs were made while apart (neither node knew of the
/// other loan): one exception per pair, the same on every node.
fn check_checked_out_twice(m: &mut Mutation<'_>, item: &str) -> Result<u32, CoreError> {
    let here = this_node(m.conn())?;
    let loans: Vec<String> = m
        .conn()
        .prepare_cached("SELECT id FROM loans WHERE item_id = ?1 ORDER BY checked_out_at, id")?
        .query_map(params![item], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut creates = Vec::with_capacity(loans.len());
    for loan in &loans {
        if let Some(c) = loan_create(m.conn(), loan)? {
            creates.push((loan.clone(), c));
        }
    }
    let item_id = parse_uuid("item id", item)?;
    let mut found = 0;
    for (i, (la, (ra, ma, pa))) in creates.iter().enumerate() {
        for (lb, (rb, mb, pb)) in &creates[i + 1..] {
            if !concurrent(ma, mb, &here) {
                continue;
            }
            let (first, second) = if ra.change_id < rb.change_id {
                (&ra.change_id, &rb.change_id)
            } else {
                (&rb.change_id, &ra.change_id)
            };
            found += flag(
                m,
                ExceptionKind::ItemCheckedOutTwice,
                EntityType::Item,
                item_id,
                &[first, second],
                json!({
                    "item_id": item,
                    "loans": [loan_facts(ra, pa), loan_facts(rb, pb)],
                }),
                &[
                    &format!("keep:{la}"),
                    &format!("keep:{lb}"),
                    "both_returned",
                ],
            )?;
        }
    }
    Ok(found)
}

/// A loan made to a reader whom another node had blocked before it, without knowing of it.
fn check_blocked_loan(m: &mut Mutation<'_>, loan: &str) -> Result<u32, CoreError> {
    let Some((lrow, lmeta, lp)) = loan_create(m.conn(), loan)? else {
        return Ok(0);
    };
    let Some(patron) = text(&lp["loan"], "patron_id").map(str::to_string) else {
        return Ok(0);
    };
    let out = text(&lp["loan"], "checked_out_at")
        .unwrap_or_default()
        .to_string();
    let here = this_node(m.conn())?;
    let rows = read_rows(
        m.conn(),
        "WHERE entity_type = 'patron' AND entity_id = ?1",
        params![patron],
    )?;
    let loan_id = parse_uuid("loan id", loan)?;
    let mut found = 0;
    for row in rows {
        let p: Value = serde_json::from_str(&row.payload).unwrap_or(Value::Null);
        let Some(block) = p.get("block") else {
            continue;
        };
        let blocked_at = text(block, "blocked_at").unwrap_or(&row.recorded_at);
        if blocked_at > out.as_str() {
            continue;
        }
        let bmeta = Meta::of(m.conn(), &row)?;
        if !concurrent(&lmeta, &bmeta, &here) {
            continue;
        }
        found += flag(
            m,
            ExceptionKind::LoanToBlockedPatron,
            EntityType::Loan,
            loan_id,
            &[&lrow.change_id, &row.change_id],
            json!({
                "loan": loan_facts(&lrow, &lp),
                "block": {
                    "id": block["id"],
                    "reason": block["reason"],
                    "blocked_by": block["blocked_by"],
                    "blocked_at": blocked_at,
                    "by": who(&row),
                },
            }),
            &["accept", "recall"],
        )?;
    }
    Ok(found)
}

/// Puts an item's status in step with its loans: `on_loan` while a loan stands open (lost,
/// damaged and claimed returned aside: staff set those on a loaned item), and, when none
/// does, the newest status its entries gave that is not a loan's.
pub(crate) fn settle_item(m: &mut Mutation<'_>, item: &str) -> Result<(), CoreError> {
    let status: Option<String> = m
        .conn()
        .prepare_cached("SELECT status FROM items WHERE id = ?1")?
        .query_row(params![item], |r| r.get(0))
        .optional()?;
    let Some(status) = status else {
        return Ok(());
    };
    let open: bool = m
        .conn()
        .prepare_cached("SELECT 1 FROM loans WHERE item_id = ?1 AND returned_at IS NULL LIMIT 1")?
        .query_row(params![item], |_| Ok(()))
        .optional()?
        .is_some();
    let on_loanish = ["on_loan", "claimed_returned"];
    let settled = if open {
        if ["on_loan", "lost", "claimed_returned", "damaged"].contains(&status.as_str()) {
            status.clone()
        } else {
            "on_loan".to_string()
        }
    } else if on_loanish.contains(&status.as_str()) {
        entries_of(m.conn(), EntityType::Item, item)?
            .iter()
            .rev()
            .filter_map(|(_, p)| {
                text(p, "status").or_else(|| p.get("item").and_then(|i| text(i, "status")))
            })
            .find(|s| !on_loanish.contains(s))
            .unwrap_or("available")
            .to_string()
    } else {
        status.clone()
    };
    if settled != status {
        m.conn().execute(
            "UPDATE items SET status = ?2 WHERE id = ?1",
            params![item, settled],
        )?;
    }
    Ok(())
}

// ---- holds ---------------------------------------------------------------------------

const FILLED: [&str; 3] = ["in_transit", "on_shelf", "fulfilled"];

pub(crate) fn apply_hold(m: &mut Mutation<'_>, id: Uuid) -> Result<u32, CoreError> {
    let id_text = id.to_string();
    let rows = entries_of(m.conn(), EntityType::Hold, &id_text)?;
    let Some((newest_row, newest)) = rows.iter().rev().find(|(_, p)| p.get("hold").is_some())
    else {
        return Ok(0);
    };
    let hold = &newest["hold"];
    // As for loans: the reader the hold was placed for, or whom they were merged into.
    let placed_for = rows
        .iter()
        .find_map(|(_, p)| p.get("hold").and_then(|h| text(h, "patron_id")));
    let (Some(patron), Some(record), Some(placed_at), Some(status)) = (
        placed_for,
        text(hold, "record_id"),
        text(hold, "placed_at"),
        text(hold, "status"),
    ) else {
        return Ok(0);
    };
    let Some(pickup) = branch_of(
        m.conn(),
        text(newest, "pickup_branch_id"),
        text(hold, "pickup_branch_code"),
    )?
    else {
        return Ok(0);
    };
    if !exists(m.conn(), "patrons", patron)? {
        return Ok(0);
    }
    let (patron, merged_from) = merge::survivor(m.conn(), patron)?;
    let item = match text(newest, "item_id") {
        Some(i) => Some(i.to_string()),
        None => item_by_barcode(m.conn(), text(hold, "item_barcode"))?,
    };
    let trapped = trapped_item(m.conn(), newest)?;
    m.conn().execute(
        "INSERT INTO holds (id, patron_id, record_id, item_id, pickup_branch_id, placed_at,
                            status, trapped_item_id, shelf_expires_on, override_reason,
                            updated_at, merged_from)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (id) DO UPDATE SET patron_id = ?2, record_id = ?3, item_id = ?4,
             pickup_branch_id = ?5, placed_at = ?6, status = ?7, trapped_item_id = ?8,
             shelf_expires_on = ?9, override_reason = ?10, updated_at = ?11,
             merged_from = ?12",
        params![
            id_text,
            patron,
            record,
            item,
            pickup,
            placed_at,
            status,
            trapped,
            text(hold, "shelf_expires_on"),
            text(newest, "override_reason"),
            newest_row.recorded_at,
            merged_from,
        ],
    )?;
    check_filled_twice(m, id, &rows)
}

fn trapped_item(conn: &Connection, p: &Value) -> Result<Option<String>, CoreError> {
    match text(p, "trapped_item_id") {
        Some(i) => Ok(Some(i.to_string())),
        None => item_by_barcode(
            conn,
            p.get("hold").and_then(|h| text(h, "trapped_item_barcode")),
        ),
    }
}

/// One hold filled (set aside, sent, or lent) with two different items by entries made
/// while apart: one exception per pair of items, the same on every node.
fn check_filled_twice(
    m: &mut Mutation<'_>,
    id: Uuid,
    rows: &[(Row, Value)],
) -> Result<u32, CoreError> {
    let here = this_node(m.conn())?;
    let mut fills: Vec<(Meta, String, String, &Value)> = Vec::new();
    for (row, p) in rows {
        let Some(hold) = p.get("hold") else { continue };
        if !text(hold, "status").is_some_and(|s| FILLED.contains(&s)) {
            continue;
        }
        let Some(item) = trapped_item(m.conn(), p)? else {
            continue;
        };
        let barcode = text(hold, "trapped_item_barcode")
            .unwrap_or(&item)
            .to_string();
        fills.push((Meta::of(m.conn(), row)?, item, barcode, hold));
    }
    let mut found = 0;
    for (i, (ma, ia, ba, hold)) in fills.iter().enumerate() {
        for (mb, ib, bb, _) in &fills[i + 1..] {
            if ia == ib || !concurrent(ma, mb, &here) {
                continue;
            }
            let (low, high) = if ba < bb { (ba, bb) } else { (bb, ba) };
            let (lid, hid) = if ba < bb { (ia, ib) } else { (ib, ia) };
            found += flag(
                m,
                ExceptionKind::HoldFilledTwice,
                EntityType::Hold,
                id,
                &[&id.to_string(), lid, hid],
                json!({
                    "hold_id": id.to_string(),
                    "patron_id": hold["patron_id"],
                    "patron_barcode": hold["patron_barcode"],
                    "title": hold["title"],
                    "pickup_branch_code": hold["pickup_branch_code"],
                    "items": [
                        { "item_id": lid, "barcode": low },
                        { "item_id": hid, "barcode": high },
                    ],
                }),
                &[&format!("keep:{low}"), &format!("keep:{high}")],
            )?;
        }
    }
    Ok(found)
}

// ---- the ledger, policy, calendar, rights, digital objects -------------------------------

/// A fine entry is kept by its own id: once, never changed.
pub(crate) fn apply_fine(m: &mut Mutation<'_>, entry: &SyncEntry) -> Result<u32, CoreError> {
    let p = &entry.payload;
    let (Some(id), Some(patron), Some(kind), Some(amount)) = (
        text(p, "id"),
        text(p, "patron_id"),
        text(p, "kind"),
        p.get("amount").and_then(Value::as_i64),
    ) else {
        return Ok(0);
    };
    if !exists(m.conn(), "patrons", patron)? {
        return Ok(0);
    }
    // A line for a merged-away reader (a payment taken offline on the old card) is the
    // survivor's, remembering whose it was.
    let (patron, merged_from) = merge::survivor(m.conn(), patron)?;
    m.conn().execute(
        "INSERT OR IGNORE INTO fine_entries (id, patron_id, loan_id, kind, amount, days, reason,
                                             at, by, merged_from)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            id,
            patron,
            text(p, "loan_id"),
            kind,
            amount,
            p.get("days").and_then(Value::as_i64),
            text(p, "reason").unwrap_or_default(),
            text(p, "at").unwrap_or(&entry.recorded_at),
            text(p, "by").unwrap_or(&entry.user),
            merged_from,
        ],
    )?;
    Ok(0)
}

fn set_meta(conn: &Connection, key: &str, value: Option<&str>) -> Result<(), CoreError> {
    match value {
        Some(v) => conn.execute(
            "INSERT INTO catalog_meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = ?2",
            params![key, v],
        )?,
        None => conn.execute("DELETE FROM catalog_meta WHERE key = ?1", params![key])?,
    };
    Ok(())
}

/// Policy keys (settings, one rule, the jurisdiction, the digital address): the newest entry
/// of each key wins. SIP2 accounts and the kiosk password are a branch's own machines and
/// secrets: their entries are kept for the audit trail, never applied elsewhere.
pub(crate) fn apply_policy(m: &mut Mutation<'_>, entry: &SyncEntry) -> Result<u32, CoreError> {
    if !is_newest(m.conn(), entry)? {
        return Ok(0);
    }
    let p = &entry.payload;
    if p.get("time_zone").is_some() {
        let settings: crate::api::CirculationSettings = serde_json::from_value(p.clone())?;
        for (key, value) in circulation::policy::setting_values(&settings) {
            set_meta(m.conn(), key, Some(&value))?;
        }
    } else if p.get("patron_category").is_some() {
        let rule: crate::api::PolicyRule = serde_json::from_value(p.clone())?;
        circulation::policy::upsert_rule(m.conn(), &rule)?;
    } else if let Some(id) = text(p, "rights_jurisdiction") {
        set_meta(m.conn(), crate::rights::jurisdiction::CURRENT_KEY, Some(id))?;
    } else if let Some(url) = p.get("digital_base_url") {
        set_meta(m.conn(), crate::digital::marc::BASE_URL_KEY, url.as_str())?;
    } else if p.get("term_ends").is_some()
        && let Some(id) = text(p, "id")
    {
        let key = format!("{}{id}", crate::rights::jurisdiction::FILE_KEY_PREFIX);
        set_meta(m.conn(), &key, Some(&p.to_string()))?;
    }
    Ok(0)
}

/// A closed day is kept by its id; two nodes closing one day for one branch keep the row
/// with the smaller id on every node.
pub(crate) fn apply_closed_day(
    m: &mut Mutation<'_>,
    entry: &SyncEntry,
    id: Uuid,
) -> Result<u32, CoreError> {
    let p = &entry.payload;
    let Some(day) = text(p, "day") else {
        return Ok(0);
    };
    let branch = match text(p, "branch_code") {
        Some(code) => match branch_by_code(m.conn(), Some(code))? {
            Some(b) => Some(b),
            None => return Ok(0),
        },
        None => None,
    };
    let id = id.to_string();
    let there: Option<String> = m
        .conn()
        .query_row(
            "SELECT id FROM closed_days WHERE coalesce(branch_id, '') = coalesce(?1, '') AND day = ?2",
            params![branch, day],
            |r| r.get(0),
        )
        .optional()?;
    match there {
        Some(other) if other <= id => return Ok(0),
        Some(other) => {
            m.conn()
                .execute("DELETE FROM closed_days WHERE id = ?1", params![other])?;
        }
        None => {}
    }
    m.conn().execute(
        "INSERT OR IGNORE INTO closed_days (id, branch_id, day, reason) VALUES (?1, ?2, ?3, ?4)",
        params![id, branch, day, text(p, "reason").unwrap_or_default()],
    )?;
    Ok(0)
}

/// A determination is kept by its id (append-only); which is current is decided by time
/// and origin where it is read (`rights::determinations::current`).
pub(crate) fn apply_determination(
    m: &mut Mutation<'_>,
    entry: &SyncEntry,
) -> Result<u32, CoreError> {
    let Ok(d) = serde_json::from_value::<crate::api::Determination>(entry.payload.clone()) else {
        return Ok(0);
    };
    m.conn().execute(
        "INSERT OR IGNORE INTO rights_determinations (id, record_id, status, public_domain_from,
             access, rule, overridden, decided_by, decided_at, payload)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            d.id,
            d.record_id,
            d.status.as_str(),
            d.public_domain_from,
            d.access.as_str(),
            d.rule,
            d.overridden_reason.is_some() || d.access_reason.is_some(),
            d.decided_by,
            d.decided_at,
            entry.payload.to_string(),
        ],
    )?;
    Ok(0)
}

/// A digital object's metadata. The file and its extracted text stay on the node it was
/// attached at (they do not travel), so elsewhere the object is listed without text. A
/// removal stands; rights decisions are kept by their own id.
pub(crate) fn apply_digital_object(
    m: &mut Mutation<'_>,
    entry: &SyncEntry,
    id: Uuid,
) -> Result<u32, CoreError> {
    let id = id.to_string();
    let p = &entry.payload;
    let removed: bool = m
        .conn()
        .prepare_cached(
            "SELECT 1 FROM change_log
             WHERE entity_type = 'digital_object' AND entity_id = ?1 AND operation = 'delete'",
        )?
        .query_row(params![id], |_| Ok(()))
        .optional()?
        .is_some();
    if removed {
        for sql in [
            "DELETE FROM digital_texts WHERE object_id = ?1",
            "DELETE FROM playback_positions WHERE object_id = ?1",
            "DELETE FROM digital_objects WHERE id = ?1",
        ] {
            m.conn().execute(sql, params![id])?;
        }
        return Ok(0);
    }
    match entry.operation {
        Operation::Create => {
            let Ok(o) = serde_json::from_value::<crate::api::DigitalObject>(p.clone()) else {
                return Ok(0);
            };
            m.conn().execute(
                "INSERT OR IGNORE INTO digital_objects (id, record_id, kind, media_type,
                     file_name, label, size_bytes, sha256, parts, duration_ms, chapters,
                     accessible_format, has_text, added_by, added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 0, ?13, ?14)",
                params![
                    o.id,
                    o.record_id,
                    crate::digital::objects::kind_str(o.kind),
                    o.media_type,
                    o.file_name,
                    o.label,
                    i64::try_from(o.size_bytes).unwrap_or(i64::MAX),
                    o.sha256,
                    o.parts,
                    o.duration_ms.map(|d| i64::try_from(d).unwrap_or(i64::MAX)),
                    serde_json::to_string(&o.chapters)?,
                    o.accessible_format,
                    o.added_by,
                    o.added_at,
                ],
            )?;
        }
        Operation::Update => {
            m.conn().execute(
                "INSERT OR IGNORE INTO digital_object_rights (id, object_id, status, access,
                     reason, decided_by, decided_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    text(p, "id").unwrap_or(&entry.change_id),
                    id,
                    text(p, "status"),
                    text(p, "access"),
                    text(p, "reason").unwrap_or_default(),
                    entry.user,
                    text(p, "decided_at").unwrap_or(&entry.recorded_at),
                ],
            )?;
        }
        Operation::Delete => {}
    }
    Ok(0)
}

// ---- resolutions ---------------------------------------------------------------------

/// Carries out a person's choice on a circulation exception. What changes is written as
/// ordinary changes (a loan closed or recalled, a hold settled), so it reaches every node.
pub(crate) fn resolve(
    m: &mut Mutation<'_>,
    exception: &SyncException,
    keep: &str,
) -> Result<(), CoreError> {
    match exception.kind {
        ExceptionKind::ItemCheckedOutTwice => {
            let loans: Vec<String> = exception.facts["loans"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|l| l["loan_id"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let kept = keep.strip_prefix("keep:");
            for loan in &loans {
                if Some(loan.as_str()) != kept {
                    circulation::loans::close_by_correction(
                        m,
                        parse_uuid("loan id", loan)?,
                        "returned_by_correction",
                    )?;
                }
            }
            let item = parse_uuid("item id", &exception.entity_id)?;
            let open = circulation::loans::open_loan_of_item(m.conn(), item)?;
            if let Ok(row) = circulation::item_by_id(m.conn(), item)
                && open.is_none()
                && row.status == crate::api::ItemStatus::OnLoan
            {
                let at = row.holding_branch;
                circulation::set_item_state(
                    m,
                    &row,
                    crate::api::ItemStatus::Available,
                    at,
                    "returned by correction after sync",
                )?;
            }
        }
        // `accept` changes nothing: the loan stands as made.
        ExceptionKind::LoanToBlockedPatron if keep == "recall" => {
            circulation::loans::recall(m, parse_uuid("loan id", &exception.entity_id)?)?;
        }
        ExceptionKind::HoldFilledTwice => {
            let items: Vec<(String, String)> = exception.facts["items"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|i| {
                            Some((i["item_id"].as_str()?.into(), i["barcode"].as_str()?.into()))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let barcode = keep.strip_prefix("keep:").unwrap_or_default();
            let (Some(kept), Some(released)) = (
                items.iter().find(|(_, b)| b == barcode),
                items.iter().find(|(_, b)| b != barcode),
            ) else {
                return Ok(());
            };
            circulation::holds::settle_filled_twice(
                m,
                parse_uuid("hold id", &exception.entity_id)?,
                parse_uuid("item id", &kept.0)?,
                parse_uuid("item id", &released.0)?,
            )?;
        }
        // `accept`: the first merge stands and the other survivor stays a reader of their own.
        ExceptionKind::PatronMergedTwice if keep == "merge_survivors" => {
            let first = exception.facts["stands"]["keep_id"].as_str();
            let other = exception.facts["other"]["keep_id"].as_str();
            let (Some(first), Some(other)) = (first, other) else {
                return Ok(());
            };
            let (first, _) = merge::survivor(m.conn(), first)?;
            let (other, _) = merge::survivor(m.conn(), other)?;
            if first != other {
                let card = exception.facts["duplicate_barcode"]
                    .as_str()
                    .unwrap_or_default();
                merge::merge(
                    m,
                    parse_uuid("patron id", &first)?,
                    parse_uuid("patron id", &other)?,
                    &format!(
                        "Thẻ {card} đã được gộp vào hai bạn đọc khi các chi nhánh mất kết nối; gộp nốt bạn đọc còn lại (ngoại lệ đồng bộ {})",
                        exception.id
                    ),
                )?;
            }
        }
        _ => {}
    }
    Ok(())
}
