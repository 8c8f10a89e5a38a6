//! Review in the app: the queue of works waiting for a person's determination, a person's
//! determination for many works at once, the rules applied to many works in batches, and a
//! record's rights tab.
//!
//! The queue is read with one SQL query over the records, their current determination (the
//! latest row per record, found through the `(record_id, seq)` index) and their loans, so it
//! stays fast on a catalog of 100,000 records; only the page's determinations are read in
//! full. This module never writes a determination itself: it goes through
//! `determinations::{set_status, set_access, follow_status, compute_record}`, which log.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::access::effective_access;
use super::determinations::{self, RULES};
use crate::api::{
    AccessLevel, BulkDetermination, Determination, DeterminationSummary, RecordRights, ReviewEntry,
    ReviewFilter, ReviewPage, ReviewQuery, ReviewSort, RightsStatus, StatusCount,
};
use crate::error::CoreError;
use crate::store::{Catalog, Mutation};

/// The most works one page of the queue holds.
pub const MAX_PAGE: u32 = 1_000;
/// Works computed per transaction by [`compute_many`]: a failure loses one batch at most,
/// and other writers get the catalog between batches.
pub const COMPUTE_BATCH: usize = 500;

/// Schema version 10: every loan of an item (open or returned), for the queue's loan counts.
pub(crate) const MIGRATION_LOANS_BY_ITEM: &str = "
CREATE INDEX loans_item ON loans (item_id);
";

/// How many digital objects each record has, as rows `(record_id, n)`: the one place the
/// review queue learns it (a detached object's row is deleted, so every row counts).
fn digital_objects_per_record() -> &'static str {
    "SELECT record_id, COUNT(*) AS n FROM digital_objects GROUP BY record_id"
}

fn filter_sql(filter: ReviewFilter) -> &'static str {
    match filter {
        ReviewFilter::NeedsReview => "cur.status IS NULL OR cur.status IN ('UND', 'CNE')",
        ReviewFilter::NotEvaluated => "cur.status IS NULL",
        ReviewFilter::Undetermined => "cur.status = 'UND'",
    }
}

/// The records with their current determination's status and row, as the CTE `queue`.
fn queue_cte(filter: ReviewFilter) -> String {
    format!(
        "WITH latest AS (
             -- The current one is the latest by hybrid time, then origin node, as in
             -- `determinations::current`: the same on every node whatever the arrival order.
             SELECT record_id, seq FROM (
                 SELECT d.record_id, d.seq, row_number() OVER (
                     PARTITION BY d.record_id
                     ORDER BY coalesce(c.hlc, 0) DESC, c.origin_node DESC, d.seq DESC) AS n
                 FROM rights_determinations d
                 LEFT JOIN change_log c
                   ON c.entity_type = 'determination' AND c.entity_id = d.id
             ) WHERE n = 1
         ),
         cur AS (
             SELECT d.record_id, d.status, d.seq
             FROM latest JOIN rights_determinations d ON d.seq = latest.seq
         ),
         queue AS (
             SELECT r.id, r.control_number, r.title, r.author, r.year, r.sort_title,
                    cur.status, cur.seq
             FROM records r LEFT JOIN cur ON cur.record_id = r.id
             WHERE {}
         )",
        filter_sql(filter)
    )
}

const BY_YEAR: &str = "q.year IS NULL, q.year, q.sort_title, q.id";

/// One page of the works waiting for a person's determination.
pub fn review_queue(catalog: &Catalog, query: &ReviewQuery) -> Result<ReviewPage, CoreError> {
    if query.limit == 0 || query.limit > MAX_PAGE {
        return Err(CoreError::InvalidInput {
            what: "page size",
            value: query.limit.to_string(),
            reason: format!("a page holds 1 to {MAX_PAGE} works"),
        });
    }
    let conn = catalog.conn();
    let cte = queue_cte(query.filter);
    let total: u64 = conn.query_row(&format!("{cte} SELECT COUNT(*) FROM queue"), [], |r| {
        r.get::<_, i64>(0)
    })? as u64;
    // Loans are counted for every queued work only when the order needs them; otherwise
    // only for the page's works, afterwards.
    let (loans_join, loans_col, order) = match query.sort {
        ReviewSort::MostBorrowed => (true, "COALESCE(lp.n, 0)", format!("loans DESC, {BY_YEAR}")),
        ReviewSort::DigitalFirst => (
            true,
            "COALESCE(lp.n, 0)",
            format!("digital DESC, loans DESC, {BY_YEAR}"),
        ),
        ReviewSort::Oldest => (false, "NULL", BY_YEAR.to_string()),
        ReviewSort::Title => (false, "NULL", "q.sort_title, q.id".to_string()),
    };
    let loans_cte = if loans_join {
        ", loans_per AS (
             SELECT i.record_id, COUNT(*) AS n FROM loans l JOIN items i ON i.id = l.item_id
             GROUP BY i.record_id
         )"
    } else {
        ""
    };
    let loans_from = if loans_join {
        "LEFT JOIN loans_per lp ON lp.record_id = q.id"
    } else {
        ""
    };
    let sql = format!(
        "{cte}{loans_cte}, digital AS ({digital})
         SELECT q.id, q.control_number, q.title, q.author, q.year, q.status, q.seq,
                {loans_col} AS loans, COALESCE(dg.n, 0) AS digital
         FROM queue q {loans_from} LEFT JOIN digital dg ON dg.record_id = q.id
         ORDER BY {order}
         LIMIT ?1 OFFSET ?2",
        digital = digital_objects_per_record(),
    );
    type Row = (
        String,
        Option<String>,
        String,
        Option<String>,
        Option<i32>,
        Option<String>,
        Option<i64>,
        Option<i64>,
        i64,
    );
    let rows: Vec<Row> = conn
        .prepare(&sql)?
        .query_map(params![query.limit, query.offset], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    let mut loans_of = conn.prepare_cached(
        "SELECT COUNT(*) FROM items i JOIN loans l ON l.item_id = i.id WHERE i.record_id = ?1",
    )?;
    let mut payload_of =
        conn.prepare_cached("SELECT payload FROM rights_determinations WHERE seq = ?1")?;
    let mut entries = Vec::with_capacity(rows.len());
    for (id, control_number, title, author, year, status, seq, loans, digital) in rows {
        let loans = match loans {
            Some(n) => n,
            None => loans_of.query_row(params![id], |r| r.get::<_, i64>(0))?,
        };
        let current: Option<Determination> = match seq {
            Some(seq) => payload_of
                .query_row(params![seq], |r| r.get::<_, String>(0))
                .optional()?
                .map(|p| serde_json::from_str(&p))
                .transpose()?,
            None => None,
        };
        entries.push(ReviewEntry {
            record_id: id,
            control_number,
            title,
            author,
            year,
            status: status.as_deref().and_then(RightsStatus::parse),
            explanation_vi: current.as_ref().map(|d| d.explanation_vi.clone()),
            explanation_en: current.as_ref().map(|d| d.explanation_en.clone()),
            loans: loans.max(0) as u64,
            digital_objects: u32::try_from(digital.max(0)).unwrap_or(u32::MAX),
        });
    }
    Ok(ReviewPage { total, entries })
}

fn summary(records: u64, changed: u64, statuses: &[RightsStatus]) -> DeterminationSummary {
    let mut counts: BTreeMap<&'static str, (RightsStatus, u64)> = BTreeMap::new();
    for s in statuses {
        counts.entry(s.as_str()).or_insert((*s, 0)).1 += 1;
    }
    DeterminationSummary {
        records,
        changed,
        by_status: RightsStatus::ALL
            .into_iter()
            .filter_map(|s| {
                counts
                    .get(s.as_str())
                    .map(|&(status, count)| StatusCount { status, count })
            })
            .collect(),
    }
}

/// Reads record ids, each once, in the order given; a malformed id is an error naming it.
fn parse_ids(ids: &[String]) -> Result<Vec<Uuid>, CoreError> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(ids.len());
    for raw in ids {
        let id = Uuid::parse_str(raw.trim()).map_err(|_| CoreError::InvalidInput {
            what: "record id",
            value: raw.clone(),
            reason: "a record id is a UUID like 0190c3e4-7b1a-7000-8000-000000000001".into(),
        })?;
        if seen.insert(id) {
            out.push(id);
        }
    }
    Ok(out)
}

/// Fails, naming them, when any of the ids is not a record in the catalog.
fn all_exist(conn: &rusqlite::Connection, ids: &[Uuid]) -> Result<(), CoreError> {
    let mut stmt = conn.prepare_cached("SELECT 1 FROM records WHERE id = ?1")?;
    let mut unknown = Vec::new();
    for id in ids {
        if !stmt.exists(params![id.to_string()])? {
            unknown.push(id.to_string());
        }
    }
    if unknown.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = unknown.iter().take(5).map(String::as_str).collect();
    let more = unknown.len().saturating_sub(shown.len());
    Err(CoreError::NotFound {
        entity: "record",
        key: "id",
        value: if more > 0 {
            format!("{} and {more} more", shown.join(", "))
        } else {
            shown.join(", ")
        },
    })
}

/// A person's determination for many works at once, in the caller's transaction: every id
/// is checked first, so an unknown one stores nothing; the reason (required, trimmed) is kept
/// with each work's determination. `changed` counts works whose status or access level is
/// not what it was.
pub fn bulk_set(
    m: &mut Mutation<'_>,
    request: &BulkDetermination,
) -> Result<DeterminationSummary, CoreError> {
    let reason = request.reason.trim();
    if reason.is_empty() {
        return Err(CoreError::InvalidInput {
            what: "reason",
            value: request.reason.clone(),
            reason: "say why (it is kept with each work's determination)".into(),
        });
    }
    let ids = parse_ids(&request.record_ids)?;
    if ids.is_empty() {
        return Err(CoreError::InvalidInput {
            what: "record ids",
            value: String::new(),
            reason: "choose at least one work".into(),
        });
    }
    all_exist(m.conn(), &ids)?;
    let mut changed = 0;
    let mut statuses = Vec::with_capacity(ids.len());
    for id in &ids {
        let before = determinations::current_conn(m.conn(), *id)?;
        let mut d = determinations::set_status(m, *id, request.status, None, reason)?;
        if let Some(level) = request.access {
            d = determinations::set_access(m, *id, level, reason)?;
        }
        if before.is_none_or(|b| b.status != d.status || b.access != d.access) {
            changed += 1;
        }
        statuses.push(d.status);
    }
    Ok(summary(ids.len() as u64, changed, &statuses))
}

/// Sets the record's access level with a reason, or (`None`) returns it to following the
/// status.
pub fn set_access_level(
    m: &mut Mutation<'_>,
    record_id: Uuid,
    access: Option<AccessLevel>,
    reason: &str,
) -> Result<Determination, CoreError> {
    match access {
        Some(level) => determinations::set_access(m, record_id, level, reason),
        None => determinations::follow_status(m, record_id, reason),
    }
}

/// Applies the rules to these works (`None`: every work), `COMPUTE_BATCH` per transaction,
/// recorded as `user`. A person's decision stands. Given ids are all checked first, so an
/// unknown one stores nothing. `changed` counts the works given a new determination.
pub fn compute_many(
    catalog: &mut Catalog,
    user: &str,
    record_ids: Option<&[Uuid]>,
) -> Result<DeterminationSummary, CoreError> {
    let ids: Vec<Uuid> = match record_ids {
        Some(ids) => {
            let mut seen = BTreeSet::new();
            let ids: Vec<Uuid> = ids.iter().copied().filter(|id| seen.insert(*id)).collect();
            all_exist(catalog.conn(), &ids)?;
            ids
        }
        None => determinations::record_ids(catalog)?,
    };
    let user = if user.trim().is_empty() { RULES } else { user };
    let mut changed = 0;
    let mut statuses = Vec::with_capacity(ids.len());
    for batch in ids.chunks(COMPUTE_BATCH) {
        let (n, s) = catalog.write(user, |m| {
            let mut n = 0;
            let mut s = Vec::with_capacity(batch.len());
            for id in batch {
                let before = determinations::current_conn(m.conn(), *id)?.map(|d| d.id);
                let d = determinations::compute_record(m, *id)?;
                if before.as_deref() != Some(d.id.as_str()) {
                    n += 1;
                }
                s.push(d.status);
            }
            Ok((n, s))
        })?;
        changed += n;
        statuses.extend(s);
    }
    Ok(summary(ids.len() as u64, changed, &statuses))
}

/// The record's rights tab: the current determination, the earlier ones newest first, who
/// may open its digital copies now, and what the rules say today (not stored).
pub fn record_rights(catalog: &Catalog, record_id: Uuid) -> Result<RecordRights, CoreError> {
    let computed = determinations::evaluate(catalog, record_id, None)?;
    let mut history = determinations::history(catalog, record_id)?;
    let current = history.pop();
    history.reverse();
    Ok(RecordRights {
        record_id: record_id.to_string(),
        current,
        history,
        access: effective_access(catalog, record_id)?,
        computed,
    })
}

#[cfg(test)]
mod tests;
