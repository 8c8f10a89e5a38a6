//! The circulation report: loans and returns per local day, loans by branch, reader category
//! and item type, renewals, fines charged, and the loans overdue now; and its CSV.
//!
//! Days are the library's local days (its time zone from the settings): a period `from..=to`
//! runs from the first second of `from` to the last of `to` there, and every day of it is
//! listed, zeros included, so a chart has no gaps. Renewals are counted from the change log
//! (a loan keeps only its last renewal time), by the hybrid clock's time of each renewal.
//!
//! The CSV is one tidy table, `section,key,count,detail` (see `crate::tidy_csv`).

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::params;
use time::Date;

use crate::api::{CirculationStats, DayCount, KeyCount};
use crate::error::CoreError;
use crate::store::Catalog;

use super::{loans, parse_time, policy, stamp};

/// The most overdue loans the report lists.
pub const MAX_OVERDUE: u32 = 500;
/// The longest period one report covers (ten years), so a typo cannot ask for millions of days.
pub const MAX_DAYS: i64 = 3_660;

pub(crate) const MIGRATION_REPORT_INDEXES: &str = "
CREATE INDEX loans_checked_out_at ON loans (checked_out_at);
CREATE INDEX loans_returned_at ON loans (returned_at) WHERE returned_at IS NOT NULL;
CREATE INDEX loans_open_due_at ON loans (due_at) WHERE returned_at IS NULL;
CREATE INDEX fine_entries_at ON fine_entries (at);
";

/// The report over the local days `from..=to`.
pub fn stats(catalog: &Catalog, from: Date, to: Date) -> Result<CirculationStats, CoreError> {
    if to < from {
        return Err(CoreError::InvalidInput {
            what: "report period",
            value: format!("{from} to {to}"),
            reason: "the end is before the start".into(),
        });
    }
    if (to - from).whole_days() >= MAX_DAYS {
        return Err(CoreError::InvalidInput {
            what: "report period",
            value: format!("{from} to {to}"),
            reason: format!("a report covers at most {MAX_DAYS} days; choose a shorter period"),
        });
    }
    let conn = catalog.conn();
    let lt = policy::library_time(conn)?;
    let start = lt.start_of_day(from)?;
    let end = lt.end_of_day(to)?;
    let (start_s, end_s) = (stamp(start), stamp(end));
    let day_of = |t: &str| -> Result<Date, CoreError> { Ok(lt.local_date(parse_time(t)?)) };

    let per_day = |rows: Vec<String>| -> Result<(Vec<DayCount>, u64), CoreError> {
        let mut counts: BTreeMap<Date, u64> = BTreeMap::new();
        let mut d = from;
        loop {
            counts.insert(d, 0);
            match d.next_day() {
                Some(next) if next <= to => d = next,
                _ => break,
            }
        }
        let total = rows.len() as u64;
        for t in rows {
            *counts.entry(day_of(&t)?).or_default() += 1;
        }
        Ok((
            counts
                .into_iter()
                .map(|(day, count)| DayCount {
                    day: day.to_string(),
                    count,
                })
                .collect(),
            total,
        ))
    };

    let mut out_times = Vec::new();
    let mut by_branch: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_category: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT l.checked_out_at, b.code, p.category, coalesce(i.item_type, '')
             FROM loans l
             JOIN branches b ON b.id = l.branch_id
             JOIN patrons p ON p.id = l.patron_id
             LEFT JOIN items i ON i.id = l.item_id
             WHERE l.checked_out_at >= ?1 AND l.checked_out_at <= ?2",
        )?;
        let mut rows = stmt.query(params![start_s, end_s])?;
        while let Some(r) = rows.next()? {
            out_times.push(r.get::<_, String>(0)?);
            *by_branch.entry(r.get(1)?).or_default() += 1;
            *by_category.entry(r.get(2)?).or_default() += 1;
            *by_type.entry(r.get(3)?).or_default() += 1;
        }
    }
    let return_times: Vec<String> = conn
        .prepare_cached(
            "SELECT returned_at FROM loans WHERE returned_at >= ?1 AND returned_at <= ?2",
        )?
        .query_map(params![start_s, end_s], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let (loans_per_day, loans) = per_day(out_times)?;
    let (returns_per_day, returns) = per_day(return_times)?;

    // The hybrid clock keeps milliseconds in its high 48 bits.
    let hlc_of = |t: time::OffsetDateTime| -> i64 {
        i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(0) << 16
    };
    // `+entity_type` keeps SQLite on the clock index: the period is narrow, loans are not.
    let renewals: u64 = conn
        .prepare_cached(
            "SELECT count(*) FROM change_log
             WHERE hlc >= ?1 AND hlc < ?2 AND +entity_type = 'loan' AND operation = 'update'
               AND json_extract(payload, '$.event') = 'renew'",
        )?
        .query_row(
            params![hlc_of(start), hlc_of(end + time::Duration::seconds(1))],
            |r| r.get(0),
        )?;
    let fines_charged: i64 = conn
        .prepare_cached(
            "SELECT coalesce(sum(amount), 0) FROM fine_entries
             WHERE kind IN ('overdue', 'charge') AND at >= ?1 AND at <= ?2",
        )?
        .query_row(params![start_s, end_s], |r| r.get(0))?;
    let overdue = loans::overdue_loans(conn, catalog.clock().now(), MAX_OVERDUE)?;

    Ok(CirculationStats {
        from: from.to_string(),
        to: to.to_string(),
        loans_per_day,
        returns_per_day,
        loans_by_branch: ranked(by_branch),
        loans_by_category: ranked(by_category),
        loans_by_item_type: ranked(by_type),
        loans,
        returns,
        renewals,
        fines_charged,
        overdue,
    })
}

/// Largest count first, then by key.
fn ranked(counts: BTreeMap<String, u64>) -> Vec<KeyCount> {
    let mut v: Vec<KeyCount> = counts
        .into_iter()
        .map(|(key, count)| KeyCount { key, count })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    v
}

/// Writes the report as CSV: `section,key,count,detail`, one row per figure. Sections:
/// `period` (from, to), `total` (loans, returns, renewals, fines_charged in đồng),
/// `loans_per_day` and `returns_per_day` (key: the day), `loans_by_branch`,
/// `loans_by_category`, `loans_by_item_type`, and `overdue` (key: the item barcode, no count,
/// detail: title, reader card and due day).
pub fn write_csv(stats: &CirculationStats, path: &Path) -> Result<(), CoreError> {
    crate::tidy_csv::write(path, |w| {
        w.row("period", "from", "", &stats.from)?;
        w.row("period", "to", "", &stats.to)?;
        w.row("total", "loans", &stats.loans.to_string(), "")?;
        w.row("total", "returns", &stats.returns.to_string(), "")?;
        w.row("total", "renewals", &stats.renewals.to_string(), "")?;
        w.row(
            "total",
            "fines_charged",
            &stats.fines_charged.to_string(),
            "VND",
        )?;
        for (section, days) in [
            ("loans_per_day", &stats.loans_per_day),
            ("returns_per_day", &stats.returns_per_day),
        ] {
            for d in days {
                w.row(section, &d.day, &d.count.to_string(), "")?;
            }
        }
        for (section, keys) in [
            ("loans_by_branch", &stats.loans_by_branch),
            ("loans_by_category", &stats.loans_by_category),
            ("loans_by_item_type", &stats.loans_by_item_type),
        ] {
            for k in keys {
                w.row(section, &k.key, &k.count.to_string(), "")?;
            }
        }
        for loan in &stats.overdue {
            let detail = format!("{} | {} | {}", loan.title, loan.patron_barcode, loan.due_on);
            w.row("overdue", &loan.item_barcode, "", &detail)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests;
