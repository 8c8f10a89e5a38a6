//! The rights report: works by current status, the works entering the public domain on the
//! next 1 January, and the works no one has evaluated; and its CSV.

use std::collections::BTreeMap;
use std::path::Path;

use time::{Date, Month};

use super::determinations::{all_records, current_conn, date_text, parse_date, today};
use super::jurisdiction;
use crate::api::{PublicDomainEntry, RightsReport, RightsStatus, StatusCount, YearCount};
use crate::error::CoreError;
use crate::store::Catalog;

/// The report as of `as_of` (the library's today when `None`).
pub fn report(catalog: &Catalog, as_of: Option<Date>) -> Result<RightsReport, CoreError> {
    let conn = catalog.conn();
    let as_of = match as_of {
        Some(d) => d,
        None => today(conn, catalog.clock().now())?,
    };
    let next_year = as_of.year() + 1;
    let next_day = Date::from_calendar_date(next_year, Month::January, 1).map_err(|e| {
        CoreError::InvalidInput {
            what: "date",
            value: date_text(as_of),
            reason: e.to_string(),
        }
    })?;
    let next_text = date_text(next_day);
    let mut counts: BTreeMap<&'static str, (RightsStatus, u64)> = BTreeMap::new();
    let mut entering = Vec::new();
    let mut not_evaluated = 0;
    let mut undetermined = 0;
    // The chart's ten years, zeros included, so a gap reads as a gap.
    let mut by_year: BTreeMap<i32, u64> = (next_year..next_year + 10).map(|y| (y, 0)).collect();
    let records = all_records(conn)?;
    for (id, control_number, title) in &records {
        let status = match current_conn(conn, *id)? {
            None => {
                not_evaluated += 1;
                RightsStatus::Cne
            }
            Some(d) => {
                let from = d
                    .public_domain_from
                    .as_deref()
                    .map(parse_date)
                    .transpose()?;
                if d.status == RightsStatus::InC
                    && let Some(f) = from
                    && f.month() == Month::January
                    && f.day() == 1
                    && let Some(n) = by_year.get_mut(&f.year())
                {
                    *n += 1;
                }
                if d.status == RightsStatus::InC && from == Some(next_day) {
                    entering.push(PublicDomainEntry {
                        record_id: id.to_string(),
                        control_number: control_number.clone(),
                        title: title.clone(),
                        rule: d.rule.clone(),
                    });
                }
                // A computed term that has run out counts as what it now is.
                if d.status == RightsStatus::InC
                    && d.overridden_reason.is_none()
                    && from.is_some_and(|f| f <= as_of)
                {
                    RightsStatus::PublicDomain
                } else {
                    d.status
                }
            }
        };
        if status == RightsStatus::Und {
            undetermined += 1;
        }
        counts.entry(status.as_str()).or_insert((status, 0)).1 += 1;
    }
    let by_status = RightsStatus::ALL
        .into_iter()
        .filter_map(|s| {
            counts.get(s.as_str()).map(|(st, n)| StatusCount {
                status: *st,
                count: *n,
            })
        })
        .collect();
    Ok(RightsReport {
        as_of: date_text(as_of),
        jurisdiction: jurisdiction::current_id(conn)?,
        records: records.len() as u64,
        by_status,
        next_public_domain_day: next_text,
        entering_public_domain: entering,
        public_domain_by_year: by_year
            .into_iter()
            .map(|(year, count)| YearCount { year, count })
            .collect(),
        not_evaluated,
        undetermined,
    })
}

/// Writes the report as a tidy CSV (`section,key,count,detail`, see `crate::tidy_csv`).
/// Sections: `report` (as_of, jurisdiction, next_public_domain_day; the value in `detail`),
/// `total` (records, not_evaluated, undetermined), `by_status` (key: the status id, detail:
/// its URI), `public_domain_by_year` (key: the year), and `entering_public_domain` (key: the
/// control number, or the record id without one; detail: title | rule | record id).
pub fn report_csv(report: &RightsReport, path: &Path) -> Result<(), CoreError> {
    crate::tidy_csv::write(path, |w| {
        w.row("report", "as_of", "", &report.as_of)?;
        w.row("report", "jurisdiction", "", &report.jurisdiction)?;
        w.row(
            "report",
            "next_public_domain_day",
            "",
            &report.next_public_domain_day,
        )?;
        w.row("total", "records", &report.records.to_string(), "")?;
        w.row(
            "total",
            "not_evaluated",
            &report.not_evaluated.to_string(),
            "",
        )?;
        w.row(
            "total",
            "undetermined",
            &report.undetermined.to_string(),
            "",
        )?;
        for c in &report.by_status {
            w.row(
                "by_status",
                c.status.as_str(),
                &c.count.to_string(),
                c.status.uri(),
            )?;
        }
        for y in &report.public_domain_by_year {
            w.row(
                "public_domain_by_year",
                &y.year.to_string(),
                &y.count.to_string(),
                "",
            )?;
        }
        for e in &report.entering_public_domain {
            let key = e.control_number.as_deref().unwrap_or(&e.record_id);
            let detail = format!("{} | {} | {}", e.title, e.rule, e.record_id);
            w.row("entering_public_domain", key, "", &detail)?;
        }
        Ok(())
    })
}
