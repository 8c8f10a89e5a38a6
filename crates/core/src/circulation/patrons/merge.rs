//! Merging duplicate readers: one person registered twice (a lost card replaced by a new
//! registration, a child's card kept on as an adult's) becomes one reader again.
//!
//! A merge keeps one reader (the survivor) and marks the other (the duplicate) as merged into
//! it; nothing is deleted. The duplicate's loans (open and past), holds, fine-ledger lines and
//! blocks are re-pointed to the survivor: each row keeps its id and amounts and remembers in
//! `merged_from` the reader it was made for, so the ledger is never lost or doubled, the
//! survivor's balance becomes the sum, and history still says which card a loan was made on.
//! The merge itself is kept in `patron_merges` (into whom, when, by whom, why) and logged as one
//! change-log entry of its own on the duplicate, naming the rows it re-points.
//!
//! **Where the old card leads.** Every lookup by card (`patrons::by_barcode`: the desk's
//! check-out, renewals, holds, fines) follows a merged card to the survivor, so a loan or a
//! payment made with the old card lands on the one reader. The desk's account carries a
//! `merged_card` notice ("card X was merged into Y") so staff see which card was scanned and
//! can check who stands at the desk. Self-service is refused instead (`card_merged` at the
//! kiosk's sign-in, and `kiosk::self_service_account` for every SIP2 message about a reader,
//! with a PIN or without, and for fees paid at a machine):
//! nobody there can check who holds an old card, which is often the very card that was lost,
//! and its PIN is not the survivor's. The duplicate no longer appears in the patron search,
//! and its card number stays taken, so it is never given to another reader.
//!
//! **Sync** (docs/sync.md, "Patron merges"): which merges stand is decided from the set of
//! merges a node has, in (hybrid time, origin) order: a merge stands unless its duplicate was
//! already merged by an earlier one, or its survivor already leads to the duplicate (the two
//! are one reader already). Each row then belongs to the survivor its own reader leads to
//! ([`settle`]), whatever order the entries came in, so an entry made offline for the old card
//! is applied to the survivor, and every node ends with the same rows.
//!
//! What this module must never do: change a ledger line's amount, delete a reader or a row of
//! their history, or decide a merge from arrival order.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::{
    Hold, MergeRefusal, MergeRefusalCode, MergeSide, PatronMatch, PatronMerge, PatronMergePreview,
};
use crate::changelog::{EntityType, Operation};
use crate::error::CoreError;
use crate::store::{Catalog, Mutation};
use crate::text;

use super::super::{fines, holds, loans};

/// Schema: the merges (all of them, standing or not, for the history and for sync), the
/// survivor on each merged-away reader, and on every loan, hold, ledger line and block the
/// reader it was made for when a merge moved it. The ledger stays append-only: its trigger now
/// lets a line change reader (and `merged_from`) and nothing else, which only a merge does.
pub(crate) const MIGRATION_PATRON_MERGES: &str = "
CREATE TABLE patron_merges (
    change_id     TEXT PRIMARY KEY,
    duplicate_id  TEXT NOT NULL,
    keep_id       TEXT NOT NULL,
    hlc           INTEGER NOT NULL,
    origin_node   TEXT NOT NULL,
    merged_at     TEXT NOT NULL,
    merged_by     TEXT NOT NULL,
    reason        TEXT NOT NULL,
    -- 1 while this merge stands (see merge.rs); a later merge of the same reader does not.
    stands        INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX patron_merges_duplicate ON patron_merges (duplicate_id);
ALTER TABLE patrons ADD COLUMN merged_into TEXT;
CREATE INDEX patrons_merged_into ON patrons (merged_into) WHERE merged_into IS NOT NULL;
ALTER TABLE loans ADD COLUMN merged_from TEXT;
CREATE INDEX loans_merged_from ON loans (merged_from) WHERE merged_from IS NOT NULL;
ALTER TABLE holds ADD COLUMN merged_from TEXT;
CREATE INDEX holds_merged_from ON holds (merged_from) WHERE merged_from IS NOT NULL;
ALTER TABLE fine_entries ADD COLUMN merged_from TEXT;
CREATE INDEX fine_entries_merged_from ON fine_entries (merged_from) WHERE merged_from IS NOT NULL;
ALTER TABLE patron_blocks ADD COLUMN merged_from TEXT;
CREATE INDEX patron_blocks_patron ON patron_blocks (patron_id);
CREATE INDEX patron_blocks_merged_from ON patron_blocks (merged_from) WHERE merged_from IS NOT NULL;
DROP TRIGGER fine_entries_no_update;
CREATE TRIGGER fine_entries_no_update BEFORE UPDATE ON fine_entries
WHEN NEW.id IS NOT OLD.id OR NEW.loan_id IS NOT OLD.loan_id OR NEW.kind IS NOT OLD.kind
  OR NEW.amount IS NOT OLD.amount OR NEW.days IS NOT OLD.days OR NEW.reason IS NOT OLD.reason
  OR NEW.at IS NOT OLD.at OR NEW.by IS NOT OLD.by
BEGIN SELECT RAISE(ABORT, 'the fines ledger is append-only; correct a line with a waiver'); END;
";

/// The tables whose rows belong to a reader and move with a merge.
const MOVING: [&str; 4] = ["loans", "holds", "fine_entries", "patron_blocks"];

/// The most merges followed from one card: a chain longer than this is a damaged catalog, and
/// stopping keeps a lookup from looping.
const MAX_CHAIN: usize = 64;

/// The merge entry's payload (under `"merge"`), as logged and as sync reads it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct MergePayload {
    pub keep_id: String,
    pub keep_barcode: String,
    pub duplicate_id: String,
    pub duplicate_barcode: String,
    pub reason: String,
    pub loans: Vec<String>,
    pub holds: Vec<String>,
    pub fine_entries: Vec<String>,
    pub blocks: Vec<String>,
    pub holds_cancelled: Vec<String>,
}

fn refused(code: MergeRefusalCode, params: &[(&str, String)]) -> CoreError {
    let params: BTreeMap<String, String> = params
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect();
    let p = |k: &str| params.get(k).cloned().unwrap_or_default();
    let side = |vi: bool| match (p("which").as_str(), vi) {
        ("keep", true) => "giữ lại",
        ("keep", false) => "to keep",
        (_, true) => "trùng",
        (_, false) => "duplicate",
    };
    let (message_vi, message_en) = match code {
        MergeRefusalCode::SamePatron => (
            "Bạn đọc giữ lại và bạn đọc trùng là cùng một người; hãy chọn hai thẻ khác nhau."
                .to_string(),
            "The reader to keep and the duplicate are the same reader; choose two different cards."
                .to_string(),
        ),
        MergeRefusalCode::UnknownPatron => (
            format!(
                "Không có bạn đọc nào có thẻ {} (bạn đọc {}); hãy kiểm tra số thẻ.",
                p("value"),
                side(true)
            ),
            format!(
                "No reader has the card {} (the {} reader); check the card number.",
                p("value"),
                side(false)
            ),
        ),
        MergeRefusalCode::AlreadyMerged => (
            format!(
                "Thẻ {} (bạn đọc {}) đã được gộp vào thẻ {}; hãy gộp với thẻ {}.",
                p("barcode"),
                side(true),
                p("into"),
                p("into")
            ),
            format!(
                "The card {} (the {} reader) was already merged into the card {}; merge with {} instead.",
                p("barcode"),
                side(false),
                p("into"),
                p("into")
            ),
        ),
        MergeRefusalCode::ReasonMissing => (
            "Hãy ghi lý do gộp; lý do được lưu trong lịch sử của bạn đọc.".to_string(),
            "Give a reason for the merge; it stays in the reader's history.".to_string(),
        ),
    };
    CoreError::MergeRefused(MergeRefusal {
        code,
        message_vi,
        message_en,
        params,
    })
}

/// A reader as a merge reads them: not following merges.
struct Reader {
    barcode: String,
    name: String,
    merged_into: Option<String>,
}

fn reader(conn: &Connection, id: Uuid, which: &str) -> Result<Reader, CoreError> {
    let row = conn
        .prepare_cached("SELECT barcode, name, merged_into FROM patrons WHERE id = ?1")?
        .query_row(params![id.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((barcode, name, merged_into)) = row else {
        return Err(refused(
            MergeRefusalCode::UnknownPatron,
            &[("which", which.into()), ("value", id.to_string())],
        ));
    };
    Ok(Reader {
        barcode,
        name,
        merged_into,
    })
}

/// The reader whose card is exactly `card` (a merged card too: it is not followed), for the
/// faces that name readers by card. An unknown card is a [`MergeRefusalCode::UnknownPatron`]
/// refusal saying which side (`keep` or `duplicate`) it was.
pub fn card_owner(catalog: &Catalog, card: &str, which: &str) -> Result<Uuid, CoreError> {
    let id: Option<String> = catalog
        .conn()
        .prepare_cached("SELECT id FROM patrons WHERE barcode = ?1")?
        .query_row(params![card.trim()], |r| r.get(0))
        .optional()?;
    match id.as_deref().map(Uuid::parse_str) {
        Some(Ok(id)) => Ok(id),
        _ => Err(refused(
            MergeRefusalCode::UnknownPatron,
            &[("which", which.into()), ("value", card.trim().to_string())],
        )),
    }
}

/// The readers of the two cards a merge names: the one to keep and the duplicate (see
/// [`card_owner`]).
pub fn card_owners(
    catalog: &Catalog,
    keep: &str,
    duplicate: &str,
) -> Result<(Uuid, Uuid), CoreError> {
    Ok((
        card_owner(catalog, keep, "keep")?,
        card_owner(catalog, duplicate, "duplicate")?,
    ))
}

/// A reader's id as the desk sends it; a malformed one is an unknown reader.
pub fn patron_id(id: &str, which: &str) -> Result<Uuid, CoreError> {
    Uuid::parse_str(id.trim()).map_err(|_| {
        refused(
            MergeRefusalCode::UnknownPatron,
            &[("which", which.into()), ("value", id.trim().to_string())],
        )
    })
}

fn barcode_of(conn: &Connection, id: &str) -> Result<String, CoreError> {
    Ok(conn
        .prepare_cached("SELECT barcode FROM patrons WHERE id = ?1")?
        .query_row(params![id], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| id.to_string()))
}

/// The two readers checked: different, both known, neither merged already.
fn check(conn: &Connection, keep: Uuid, duplicate: Uuid) -> Result<(Reader, Reader), CoreError> {
    if keep == duplicate {
        return Err(refused(MergeRefusalCode::SamePatron, &[]));
    }
    let keep = reader(conn, keep, "keep")?;
    let duplicate = reader(conn, duplicate, "duplicate")?;
    for (which, r) in [("keep", &keep), ("duplicate", &duplicate)] {
        if let Some(into) = &r.merged_into {
            return Err(refused(
                MergeRefusalCode::AlreadyMerged,
                &[
                    ("which", which.into()),
                    ("barcode", r.barcode.clone()),
                    ("into", barcode_of(conn, into)?),
                ],
            ));
        }
    }
    Ok((keep, duplicate))
}

fn ids(conn: &Connection, table: &str, patron: Uuid) -> Result<Vec<String>, CoreError> {
    // `table` is one of `MOVING`, never input.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id FROM {table} WHERE patron_id = ?1 ORDER BY id"
    ))?;
    let rows = stmt
        .query_map(params![patron.to_string()], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(rows)
}

fn count(conn: &Connection, sql: &str, patron: Uuid) -> Result<u32, CoreError> {
    Ok(conn
        .prepare_cached(sql)?
        .query_row(params![patron.to_string()], |r| r.get(0))?)
}

/// Holds of both readers on one record: the newer of each pair, which the merge cancels (the
/// older keeps its place in the queue).
fn holds_to_cancel(conn: &Connection, keep: Uuid, duplicate: Uuid) -> Result<Vec<Hold>, CoreError> {
    let kept = holds::holds_of(conn, keep)?;
    let dup = holds::holds_of(conn, duplicate)?;
    let mut out = Vec::new();
    for d in &dup {
        if let Some(k) = kept.iter().find(|k| k.record_id == d.record_id) {
            let newer = if (&d.placed_at, &d.id) < (&k.placed_at, &k.id) {
                k
            } else {
                d
            };
            if !out.iter().any(|h: &Hold| h.id == newer.id) {
                out.push(newer.clone());
            }
        }
    }
    Ok(out)
}

fn side(catalog: &Catalog, id: Uuid) -> Result<MergeSide, CoreError> {
    let conn = catalog.conn();
    let row = conn
        .prepare_cached(
            "SELECT p.barcode, p.name, p.category, p.email, p.phone, b.code, p.expires_on,
                    p.created_at
             FROM patrons p LEFT JOIN branches b ON b.id = p.home_branch_id WHERE p.id = ?1",
        )?
        .query_row(params![id.to_string()], |r| {
            Ok(MergeSide {
                id: id.to_string(),
                barcode: r.get(0)?,
                name: r.get(1)?,
                category: r.get(2)?,
                email: r.get(3)?,
                phone: r.get(4)?,
                home_branch_code: r.get(5)?,
                expires_on: r.get(6)?,
                registered_at: r.get(7)?,
                open_loans: Vec::new(),
                past_loans: 0,
                holds: Vec::new(),
                past_holds: 0,
                balance: 0,
                fine_entries: 0,
                manual_blocks: Vec::new(),
            })
        })?;
    Ok(MergeSide {
        open_loans: loans::open_loans_of(conn, id, catalog.clock().now())?,
        past_loans: count(
            conn,
            "SELECT count(*) FROM loans WHERE patron_id = ?1 AND returned_at IS NOT NULL",
            id,
        )?,
        holds: holds::holds_of(conn, id)?,
        past_holds: count(
            conn,
            "SELECT count(*) FROM holds WHERE patron_id = ?1
               AND status NOT IN ('waiting', 'suspended', 'in_transit', 'on_shelf')",
            id,
        )?,
        balance: fines::balance(conn, id)?,
        fine_entries: count(
            conn,
            "SELECT count(*) FROM fine_entries WHERE patron_id = ?1",
            id,
        )?,
        manual_blocks: super::manual_blocks(conn, id)?,
        ..row
    })
}

/// Both readers side by side and what a merge of `duplicate` into `keep` would move; refused
/// as [`merge`] would be. Reads only.
pub fn merge_preview(
    catalog: &Catalog,
    keep: Uuid,
    duplicate: Uuid,
) -> Result<PatronMergePreview, CoreError> {
    let conn = catalog.conn();
    check(conn, keep, duplicate)?;
    let keep_side = side(catalog, keep)?;
    let dup_side = side(catalog, duplicate)?;
    let cancel = holds_to_cancel(conn, keep, duplicate)?;
    Ok(PatronMergePreview {
        loans_moving: dup_side.open_loans.len() as u32 + dup_side.past_loans,
        holds_moving: dup_side.holds.len() as u32 + dup_side.past_holds,
        fine_entries_moving: dup_side.fine_entries,
        blocks_moving: count(
            conn,
            "SELECT count(*) FROM patron_blocks WHERE patron_id = ?1",
            duplicate,
        )?,
        holds_to_cancel: cancel,
        balance_after: keep_side.balance + dup_side.balance,
        keep: keep_side,
        duplicate: dup_side,
    })
}

/// Merges `duplicate` into `keep`: re-points the duplicate's loans, holds, ledger lines and
/// blocks to `keep` (ids and amounts unchanged), cancels the newer of two holds the readers
/// had on one record, and marks the duplicate merged (into whom, when, by whom, why), all in
/// this transaction with one change-log entry of its own naming what it re-pointed.
///
/// Refused (as [`CoreError::MergeRefused`]) when the two are the same reader, either is
/// unknown, either was already merged, or the reason is empty. See the module's doc for where
/// the old card leads afterwards.
pub fn merge(
    m: &mut Mutation<'_>,
    keep: Uuid,
    duplicate: Uuid,
    reason: &str,
) -> Result<PatronMerge, CoreError> {
    let reason = text::nfc(reason.trim());
    let (kept, dup) = check(m.conn(), keep, duplicate)?;
    if reason.is_empty() {
        return Err(refused(MergeRefusalCode::ReasonMissing, &[]));
    }
    let mut cancelled = Vec::new();
    for hold in holds_to_cancel(m.conn(), keep, duplicate)? {
        let (done, _) = holds::cancel(m, &hold.id)?;
        cancelled.push(done);
    }
    let payload = MergePayload {
        keep_id: keep.to_string(),
        keep_barcode: kept.barcode.clone(),
        duplicate_id: duplicate.to_string(),
        duplicate_barcode: dup.barcode.clone(),
        reason: reason.clone(),
        loans: ids(m.conn(), "loans", duplicate)?,
        holds: ids(m.conn(), "holds", duplicate)?,
        fine_entries: ids(m.conn(), "fine_entries", duplicate)?,
        blocks: ids(m.conn(), "patron_blocks", duplicate)?,
        holds_cancelled: cancelled.iter().map(|h| h.id.clone()).collect(),
    };
    let change = m.log(
        EntityType::Patron,
        duplicate,
        Operation::Update,
        &serde_json::json!({ "merge": &payload }),
    )?;
    let (hlc, origin): (i64, String) = m
        .conn()
        .prepare_cached("SELECT hlc, origin_node FROM change_log WHERE change_id = ?1")?
        .query_row(params![change.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let merged_at = text::rfc3339(m.now());
    let merged_by = m.user().to_string();
    record(
        m.conn(),
        &change.to_string(),
        &payload,
        hlc,
        &origin,
        &merged_at,
        &merged_by,
    )?;
    settle(m.conn())?;
    m.conn()
        .prepare_cached("UPDATE patrons SET updated_at = ?2 WHERE id = ?1")?
        .execute(params![duplicate.to_string(), merged_at])?;
    let cancelled = cancelled
        .iter()
        .map(|h| holds::hold_view(m.conn(), super::super::parse_id(&h.id)?))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(PatronMerge {
        id: change.to_string(),
        keep_id: keep.to_string(),
        keep_barcode: kept.barcode,
        keep_name: kept.name,
        duplicate_id: duplicate.to_string(),
        duplicate_barcode: dup.barcode,
        duplicate_name: dup.name,
        merged_at,
        merged_by,
        reason,
        loans: payload.loans,
        holds: payload.holds,
        fine_entries: payload.fine_entries,
        blocks: payload.blocks,
        holds_cancelled: cancelled,
        balance: fines::balance(m.conn(), keep)?,
    })
}

/// Keeps a merge (made here or pulled) in `patron_merges`; once, by its change id.
pub(crate) fn record(
    conn: &Connection,
    change_id: &str,
    p: &MergePayload,
    hlc: i64,
    origin: &str,
    merged_at: &str,
    merged_by: &str,
) -> Result<bool, CoreError> {
    let added = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO patron_merges (change_id, duplicate_id, keep_id, hlc,
                 origin_node, merged_at, merged_by, reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            change_id,
            p.duplicate_id,
            p.keep_id,
            hlc,
            origin,
            merged_at,
            merged_by,
            p.reason
        ])?;
    Ok(added > 0)
}

/// One merge as [`settle`] decides it.
#[derive(Debug, Clone)]
pub(crate) struct MergeRow {
    pub change_id: String,
    pub duplicate: String,
    pub keep: String,
    pub merged_at: String,
    pub merged_by: String,
    pub origin: String,
    pub reason: String,
    pub stands: bool,
}

/// A merge that does not stand because the same reader was merged elsewhere into another
/// reader first: `first` stands, `other` wanted the duplicate in another survivor.
#[derive(Debug, Clone)]
pub(crate) struct MergedTwice {
    pub first: MergeRow,
    pub other: MergeRow,
}

fn follow(into: &HashMap<String, String>, id: &str) -> String {
    let mut at = id.to_string();
    for _ in 0..MAX_CHAIN {
        match into.get(&at) {
            Some(next) => at = next.clone(),
            None => break,
        }
    }
    at
}

/// Decides which merges stand (in hybrid time, then origin order: a merge stands unless its
/// duplicate was already merged, or its survivor already leads to the duplicate), marks each
/// merged-away reader with its survivor, and puts every row of a reader who was ever merged
/// away with the survivor its own reader now leads to. The same set of merges gives the same
/// rows on every node, whatever order they came in. Returns the merges that lost to an
/// earlier merge of the same reader into someone else.
pub(crate) fn settle(conn: &Connection) -> Result<Vec<MergedTwice>, CoreError> {
    let mut rows: Vec<MergeRow> = conn
        .prepare_cached(
            "SELECT change_id, duplicate_id, keep_id, merged_at, merged_by, origin_node, reason,
                    stands
             FROM patron_merges ORDER BY hlc, origin_node, change_id",
        )?
        .query_map([], |r| {
            Ok(MergeRow {
                change_id: r.get(0)?,
                duplicate: r.get(1)?,
                keep: r.get(2)?,
                merged_at: r.get(3)?,
                merged_by: r.get(4)?,
                origin: r.get(5)?,
                reason: r.get(6)?,
                stands: r.get(7)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut into: HashMap<String, String> = HashMap::new();
    for row in &mut rows {
        let stands = !into.contains_key(&row.duplicate)
            && row.keep != row.duplicate
            && follow(&into, &row.keep) != row.duplicate;
        if stands {
            into.insert(row.duplicate.clone(), row.keep.clone());
        }
        if stands != row.stands {
            conn.prepare_cached("UPDATE patron_merges SET stands = ?2 WHERE change_id = ?1")?
                .execute(params![row.change_id, stands])?;
            row.stands = stands;
        }
    }
    let mut readers: Vec<&String> = rows.iter().map(|r| &r.duplicate).collect();
    readers.sort();
    readers.dedup();
    for reader in readers {
        conn.prepare_cached(
            "UPDATE patrons SET merged_into = ?2 WHERE id = ?1 AND merged_into IS NOT ?2",
        )?
        .execute(params![reader, into.get(reader)])?;
        let target = follow(&into, reader);
        let from = (target != *reader).then_some(reader.as_str());
        for table in MOVING {
            conn.prepare_cached(&format!(
                "UPDATE {table} SET patron_id = ?2, merged_from = ?3
                 WHERE ((patron_id = ?1 AND merged_from IS NULL) OR merged_from = ?1)
                   AND (patron_id IS NOT ?2 OR merged_from IS NOT ?3)"
            ))?
            .execute(params![reader, target, from])?;
        }
    }
    let mut twice = Vec::new();
    for other in rows.iter().filter(|r| !r.stands) {
        let wanted = follow(&into, &other.keep);
        if wanted == follow(&into, &other.duplicate) {
            // Both merges made the two one reader (the same merge twice, or each way round).
            continue;
        }
        if let Some(first) = rows
            .iter()
            .find(|r| r.stands && r.duplicate == other.duplicate)
        {
            twice.push(MergedTwice {
                first: first.clone(),
                other: other.clone(),
            });
        }
    }
    Ok(twice)
}

/// The reader a row made for `patron` belongs to now: `patron` itself, or the survivor its
/// merges lead to. With the reader it was made for when that differs (`merged_from`).
pub(crate) fn survivor(
    conn: &Connection,
    patron: &str,
) -> Result<(String, Option<String>), CoreError> {
    let mut at = patron.to_string();
    for _ in 0..MAX_CHAIN {
        let next: Option<Option<String>> = conn
            .prepare_cached("SELECT merged_into FROM patrons WHERE id = ?1")?
            .query_row(params![at], |r| r.get(0))
            .optional()?;
        match next.flatten() {
            Some(n) => at = n,
            None => break,
        }
    }
    let from = (at != patron).then(|| patron.to_string());
    Ok((at, from))
}

/// Readers who may be the same person as `patron`: the same name once case, diacritics and
/// punctuation are set aside, not merged, best known first (by card). At most `limit` (1 to
/// 50). An index range scan on the folded name.
pub fn likely_duplicates(
    catalog: &Catalog,
    patron: Uuid,
    limit: u32,
) -> Result<Vec<PatronMatch>, CoreError> {
    let conn = catalog.conn();
    let folded: Option<String> = conn
        .prepare_cached("SELECT name_folded FROM patrons WHERE id = ?1")?
        .query_row(params![patron.to_string()], |r| r.get(0))
        .optional()?;
    let Some(folded) = folded.filter(|f| !f.is_empty()) else {
        return Ok(Vec::new());
    };
    super::matches(
        conn,
        "p.name_folded = ?1 AND p.id <> ?2 ORDER BY p.barcode",
        params![folded, patron.to_string()],
        i64::from(limit.clamp(1, 50)),
    )
}

/// The desk's notice for a card scanned that was merged away: whose card it was and the
/// merge that took it. `None` for a card that was not merged.
pub(crate) fn card_notice(
    conn: &Connection,
    card: &str,
) -> Result<Option<crate::api::MergedCardNotice>, CoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT p.barcode, p.name, m.merged_at, m.merged_by, m.reason
             FROM patrons p JOIN patron_merges m ON m.duplicate_id = p.id AND m.stands = 1
             WHERE p.barcode = ?1",
        )?
        .query_row(params![card.trim()], |r| {
            Ok(crate::api::MergedCardNotice {
                barcode: r.get(0)?,
                name: r.get(1)?,
                merged_at: r.get(2)?,
                merged_by: r.get(3)?,
                reason: r.get(4)?,
            })
        })
        .optional()?)
}

#[cfg(test)]
mod tests;
