//! The library's calendar: its time zone and the days each branch is closed.
//!
//! Times are stored in UTC; the library's days are counted in its own time zone (by default
//! `Asia/Ho_Chi_Minh`, set in the circulation settings). A loan is due at the last second of
//! its local due day, and a due day never falls on a day the lending branch is closed: it moves
//! to the next open day. The IANA time zone database is compiled in (jiff's bundled copy), so
//! every branch PC computes the same days whatever its operating system ships.
//!
//! A closed day belongs to one branch, or to every branch when no branch is named (Tết, a
//! national holiday).

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use crate::api::ClosedDay;
use crate::changelog::{EntityType, Operation};
use crate::error::CoreError;
use crate::holdings;
use crate::store::Mutation;
use crate::text;

pub(crate) const MIGRATION_CLOSED_DAYS: &str = "
CREATE TABLE closed_days (
    id         TEXT PRIMARY KEY,
    branch_id  TEXT REFERENCES branches (id),
    day        TEXT NOT NULL,
    reason     TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX closed_days_branch_day ON closed_days (coalesce(branch_id, ''), day);
CREATE INDEX closed_days_day ON closed_days (day);
";

/// How far a due date may be pushed by closed days before the calendar is taken to be wrong.
const MAX_CLOSED_RUN: i64 = 366;

/// The library's time zone, for turning instants into local days and back.
#[derive(Debug, Clone)]
pub struct LibraryTime {
    tz: jiff::tz::TimeZone,
}

impl LibraryTime {
    /// The zone with this IANA name (`Asia/Ho_Chi_Minh`).
    pub fn named(name: &str) -> Result<Self, CoreError> {
        let tz = jiff::tz::db()
            .get(name.trim())
            .map_err(|e| CoreError::InvalidInput {
                what: "time zone",
                value: name.to_string(),
                reason: format!("{e}; give an IANA name such as Asia/Ho_Chi_Minh"),
            })?;
        Ok(LibraryTime { tz })
    }

    /// The local calendar day an instant falls on.
    pub fn local_date(&self, t: OffsetDateTime) -> Date {
        let local = jiff::Timestamp::from_second(t.unix_timestamp())
            .map(|ts| self.tz.to_datetime(ts).date());
        local
            .ok()
            .and_then(|d| {
                Date::from_calendar_date(
                    i32::from(d.year()),
                    time::Month::try_from(d.month() as u8).ok()?,
                    d.day() as u8,
                )
                .ok()
            })
            .unwrap_or_else(|| t.date())
    }

    /// An instant as the library's wall clock shows it.
    pub fn local_time(&self, t: OffsetDateTime) -> OffsetDateTime {
        let offset = jiff::Timestamp::from_second(t.unix_timestamp())
            .ok()
            .and_then(|ts| {
                time::UtcOffset::from_whole_seconds(self.tz.to_offset(ts).seconds()).ok()
            })
            .unwrap_or(time::UtcOffset::UTC);
        t.to_offset(offset)
    }

    /// The first second of a local day, in UTC: the start of that day in the report.
    pub fn start_of_day(&self, d: Date) -> Result<OffsetDateTime, CoreError> {
        let before = d.previous_day().ok_or_else(|| CoreError::InvalidInput {
            what: "date",
            value: d.to_string(),
            reason: "before the start of the calendar".into(),
        })?;
        Ok(self.end_of_day(before)? + Duration::seconds(1))
    }

    /// The last second of a local day, in UTC: when a loan due that day falls due.
    pub fn end_of_day(&self, d: Date) -> Result<OffsetDateTime, CoreError> {
        let bad = |e: String| CoreError::InvalidInput {
            what: "date",
            value: d.to_string(),
            reason: e,
        };
        let civil =
            jiff::civil::Date::new(d.year() as i16, u8::from(d.month()) as i8, d.day() as i8)
                .map_err(|e| bad(e.to_string()))?;
        let instant = self
            .tz
            .to_timestamp(civil.at(23, 59, 59, 0))
            .map_err(|e| bad(e.to_string()))?;
        OffsetDateTime::from_unix_timestamp(instant.as_second()).map_err(|e| bad(e.to_string()))
    }
}

/// Whether `branch` (or every branch) is closed on `day`.
pub(crate) fn is_closed(conn: &Connection, branch: Uuid, day: Date) -> Result<bool, CoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM closed_days WHERE day = ?1 AND (branch_id IS NULL OR branch_id = ?2) LIMIT 1",
        )?
        .query_row(params![day.to_string(), branch.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

/// `day` if `branch` is open then, else the next day it is.
pub(crate) fn next_open_day(conn: &Connection, branch: Uuid, day: Date) -> Result<Date, CoreError> {
    let mut d = day;
    for _ in 0..MAX_CLOSED_RUN {
        if !is_closed(conn, branch, d)? {
            return Ok(d);
        }
        d = d.next_day().ok_or_else(|| CoreError::InvalidInput {
            what: "date",
            value: d.to_string(),
            reason: "past the end of the calendar".into(),
        })?;
    }
    Err(CoreError::InvalidInput {
        what: "calendar",
        value: day.to_string(),
        reason: format!(
            "the branch is closed every day for {MAX_CLOSED_RUN} days from this date; remove some closed days with `shelfmark circ calendar`"
        ),
    })
}

/// The days in `(after, through]` on which `branch` was open: the days a late reader could
/// have brought a book back.
pub(crate) fn open_days_between(
    conn: &Connection,
    branch: Uuid,
    after: Date,
    through: Date,
) -> Result<u32, CoreError> {
    if through <= after {
        return Ok(0);
    }
    let all = (through - after).whole_days();
    let closed: i64 = conn
        .prepare_cached(
            "SELECT count(DISTINCT day) FROM closed_days
             WHERE day > ?1 AND day <= ?2 AND (branch_id IS NULL OR branch_id = ?3)",
        )?
        .query_row(
            params![after.to_string(), through.to_string(), branch.to_string()],
            |r| r.get(0),
        )?;
    Ok(u32::try_from((all - closed).max(0)).unwrap_or(u32::MAX))
}

/// What the change log carries for a closed day.
#[derive(Serialize)]
struct ClosedDayPayload<'a> {
    branch_code: Option<&'a str>,
    day: String,
    reason: &'a str,
    /// Loans whose due day was this one and moved to the next open day.
    moved_loans: usize,
}

/// Closes `branch_code` (or every branch) on `day`. Loans already due that day move to the
/// next open day of their branch, so a due date never falls on a closed day.
pub fn add_closed_day(
    m: &mut Mutation<'_>,
    branch_code: Option<&str>,
    day: Date,
    reason: &str,
) -> Result<ClosedDay, CoreError> {
    let branch =
        match branch_code {
            Some(code) => Some(holdings::branch_by_code(m.conn(), code)?.ok_or_else(|| {
                CoreError::NotFound {
                    entity: "branch",
                    key: "code",
                    value: code.to_string(),
                }
            })?),
            None => None,
        };
    let reason = text::nfc(reason.trim());
    let taken: Option<String> = m
        .conn()
        .prepare_cached(
            "SELECT id FROM closed_days WHERE day = ?1 AND coalesce(branch_id, '') = ?2",
        )?
        .query_row(
            params![
                day.to_string(),
                branch.map(|b| b.to_string()).unwrap_or_default()
            ],
            |r| r.get(0),
        )
        .optional()?;
    if taken.is_some() {
        return Err(CoreError::InvalidInput {
            what: "closed day",
            value: day.to_string(),
            reason: "this day is already closed for that branch".into(),
        });
    }
    let id = m.new_id();
    m.conn().execute(
        "INSERT INTO closed_days (id, branch_id, day, reason) VALUES (?1, ?2, ?3, ?4)",
        params![
            id.to_string(),
            branch.map(|b| b.to_string()),
            day.to_string(),
            reason
        ],
    )?;
    let moved = super::loans::move_due_dates_off(m, branch, day)?;
    m.log(
        EntityType::ClosedDay,
        id,
        Operation::Create,
        &ClosedDayPayload {
            branch_code,
            day: day.to_string(),
            reason: &reason,
            moved_loans: moved,
        },
    )?;
    Ok(ClosedDay {
        id: id.to_string(),
        branch_code: branch_code.map(str::to_string),
        day: day.to_string(),
        reason,
    })
}

/// Closed days from `from` on (every one when `None`), by day; for one branch, its own and the
/// library-wide ones.
pub fn list_closed_days(
    catalog: &crate::Catalog,
    branch_code: Option<&str>,
    from: Option<Date>,
) -> Result<Vec<ClosedDay>, CoreError> {
    closed_days(catalog.conn(), branch_code, from)
}

pub(crate) fn closed_days(
    conn: &Connection,
    branch_code: Option<&str>,
    from: Option<Date>,
) -> Result<Vec<ClosedDay>, CoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, b.code, c.day, c.reason FROM closed_days c
         LEFT JOIN branches b ON b.id = c.branch_id
         WHERE c.day >= ?1 AND (?2 IS NULL OR c.branch_id IS NULL OR b.code = ?2)
         ORDER BY c.day, b.code",
    )?;
    let from = from.map(|d| d.to_string()).unwrap_or_default();
    let rows = stmt
        .query_map(params![from, branch_code], |r| {
            Ok(ClosedDay {
                id: r.get(0)?,
                branch_code: r.get(1)?,
                day: r.get(2)?,
                reason: r.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// `day` plus `days`, for loan periods.
pub(crate) fn add_days(day: Date, days: u32) -> Result<Date, CoreError> {
    day.checked_add(Duration::days(i64::from(days)))
        .ok_or_else(|| CoreError::InvalidInput {
            what: "loan period",
            value: days.to_string(),
            reason: "runs past the end of the calendar".into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn local_day_changes_at_midnight_in_ho_chi_minh_city() {
        let hcm = LibraryTime::named("Asia/Ho_Chi_Minh").expect("zone");
        // 16:59:59 UTC is 23:59:59 in Hồ Chí Minh City (UTC+7); a second later it is tomorrow.
        assert_eq!(
            hcm.local_date(datetime!(2026-03-12 16:59:59 UTC)),
            date!(2026 - 03 - 12)
        );
        assert_eq!(
            hcm.local_date(datetime!(2026-03-12 17:00:00 UTC)),
            date!(2026 - 03 - 13)
        );
        assert_eq!(
            hcm.end_of_day(date!(2026 - 03 - 12)).expect("end"),
            datetime!(2026-03-12 16:59:59 UTC)
        );
    }

    #[test]
    fn a_zone_with_daylight_saving_is_honoured() {
        let paris = LibraryTime::named("Europe/Paris").expect("zone");
        assert_eq!(
            paris.end_of_day(date!(2026 - 07 - 01)).expect("end"),
            datetime!(2026-07-01 21:59:59 UTC)
        );
        assert_eq!(
            paris.end_of_day(date!(2026 - 01 - 01)).expect("end"),
            datetime!(2026-01-01 22:59:59 UTC)
        );
    }

    #[test]
    fn an_unknown_zone_is_refused_with_what_to_give() {
        let err = LibraryTime::named("Asia/Saigon City").expect_err("unknown");
        assert!(err.to_string().contains("IANA"), "{err}");
    }
}
