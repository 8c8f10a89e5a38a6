//! The determinations table: each record's history of determinations, append-only; the
//! current one is the latest. A computed determination is appended only when it says
//! something new; a person's decision (`set_status`, `set_access`) carries its reason, and
//! the computation leaves it standing until a person changes it again.

use rusqlite::{Connection, OptionalExtension, params};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::access::default_access;
use super::compute::{self, Outcome};
use super::{inputs, jurisdiction};
use crate::api::{AccessLevel, Determination, RightsBasis, RightsStatus};
use crate::changelog::{EntityType, Operation};
use crate::circulation::{calendar::LibraryTime, policy};
use crate::error::CoreError;
use crate::store::{Catalog, Mutation};

/// The user a computation by the rules is recorded as when no person decided.
pub const RULES: &str = "rules";

pub(crate) fn date_text(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Reads `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<Date, CoreError> {
    let bad = |reason: &str| CoreError::InvalidInput {
        what: "date",
        value: s.to_string(),
        reason: reason.to_string(),
    };
    let parts: Vec<&str> = s.trim().split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad("write it as YYYY-MM-DD, e.g. 2026-01-01"));
    };
    let y: i32 = y.parse().map_err(|_| bad("the year is not a number"))?;
    let m: u8 = m.parse().map_err(|_| bad("the month is not a number"))?;
    let d: u8 = d.parse().map_err(|_| bad("the day is not a number"))?;
    let month = time::Month::try_from(m).map_err(|_| bad("the month is 1 to 12"))?;
    Date::from_calendar_date(y, month, d).map_err(|_| bad("no such day"))
}

/// The library's today (in its time zone).
pub(crate) fn today(conn: &Connection, now: OffsetDateTime) -> Result<Date, CoreError> {
    let zone = policy::settings(conn)?.time_zone;
    Ok(LibraryTime::named(&zone)?.local_date(now))
}

fn now_text(now: OffsetDateTime) -> String {
    now.format(&Rfc3339).unwrap_or_else(|_| now.to_string())
}

fn not_found(id: Uuid) -> CoreError {
    CoreError::NotFound {
        entity: "record",
        key: "id",
        value: id.to_string(),
    }
}

/// What the rules say about a record on `as_of`, not stored.
pub(crate) fn evaluate_conn(
    conn: &Connection,
    record_id: Uuid,
    as_of: Date,
    now: OffsetDateTime,
) -> Result<Determination, CoreError> {
    let row: Option<(Vec<u8>, Option<String>)> = conn
        .prepare_cached("SELECT marc, control_number FROM records WHERE id = ?1")?
        .query_row(params![record_id.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let (bytes, control_number) = row.ok_or_else(|| not_found(record_id))?;
    let record = shelfmark_marc::iso2709::from_bytes(&bytes)?;
    let j = jurisdiction::load(conn, &jurisdiction::current_id(conn)?)?;
    let (inputs, work_type) = inputs::read(&record);
    let outcome: Outcome = match inputs::not_one_work(&record) {
        Some((vi, en)) => compute::not_evaluated(&j, vi, en),
        None => compute::compute(&j, &inputs, work_type, as_of),
    };
    let access = default_access(outcome.status);
    Ok(Determination {
        id: String::new(),
        record_id: record_id.to_string(),
        control_number,
        status: outcome.status,
        status_uri: outcome.status.uri().to_string(),
        public_domain_from: outcome.public_domain_from.map(date_text),
        access,
        access_reason: None,
        jurisdiction: j.id.clone(),
        rule: outcome.rule,
        basis: outcome.basis,
        citation: outcome.citation,
        inputs,
        explanation_vi: outcome.explanation_vi,
        explanation_en: outcome.explanation_en,
        as_of: date_text(as_of),
        decided_by: RULES.into(),
        decided_at: now_text(now),
        overridden_reason: None,
    })
}

/// What the rules say about a record on `as_of` (the library's today when `None`), without
/// storing it.
pub fn evaluate(
    catalog: &Catalog,
    record_id: Uuid,
    as_of: Option<Date>,
) -> Result<Determination, CoreError> {
    let conn = catalog.conn();
    let now = catalog.clock().now();
    let as_of = match as_of {
        Some(d) => d,
        None => today(conn, now)?,
    };
    evaluate_conn(conn, record_id, as_of, now)
}

pub(crate) fn current_conn(
    conn: &Connection,
    record_id: Uuid,
) -> Result<Option<Determination>, CoreError> {
    let payload: Option<String> = conn
        .prepare_cached(
            // The latest by hybrid time, then origin node (its change-log entry), so every
            // node that has the same determinations (sync brings other branches') takes the
            // same one as current, whatever order they arrived in.
            "SELECT d.payload FROM rights_determinations d
             LEFT JOIN change_log c ON c.entity_type = 'determination' AND c.entity_id = d.id
             WHERE d.record_id = ?1
             ORDER BY coalesce(c.hlc, 0) DESC, c.origin_node DESC, d.seq DESC LIMIT 1",
        )?
        .query_row(params![record_id.to_string()], |r| r.get(0))
        .optional()?;
    Ok(payload.map(|p| serde_json::from_str(&p)).transpose()?)
}

/// The record's current determination, if it has one.
pub fn current(catalog: &Catalog, record_id: Uuid) -> Result<Option<Determination>, CoreError> {
    current_conn(catalog.conn(), record_id)
}

/// Every determination of the record, oldest first.
pub fn history(catalog: &Catalog, record_id: Uuid) -> Result<Vec<Determination>, CoreError> {
    let mut stmt = catalog.conn().prepare_cached(
        "SELECT d.payload FROM rights_determinations d
         LEFT JOIN change_log c ON c.entity_type = 'determination' AND c.entity_id = d.id
         WHERE d.record_id = ?1 ORDER BY coalesce(c.hlc, 0), c.origin_node, d.seq",
    )?;
    let rows = stmt.query_map(params![record_id.to_string()], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for payload in rows {
        out.push(serde_json::from_str(&payload?)?);
    }
    Ok(out)
}

fn append(m: &mut Mutation<'_>, mut d: Determination) -> Result<Determination, CoreError> {
    let id = m.new_id();
    d.id = id.to_string();
    d.decided_at = now_text(m.now());
    let payload = serde_json::to_string(&d)?;
    m.conn().execute(
        "INSERT INTO rights_determinations (id, record_id, status, public_domain_from, access,
             rule, overridden, decided_by, decided_at, payload)
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
            payload
        ],
    )?;
    m.log(EntityType::Determination, id, Operation::Create, &d)?;
    Ok(d)
}

/// Whether two determinations say the same (ignoring when and by whom).
fn same(a: &Determination, b: &Determination) -> bool {
    a.status == b.status
        && a.public_domain_from == b.public_domain_from
        && a.access == b.access
        && a.rule == b.rule
        && a.jurisdiction == b.jurisdiction
        && a.inputs == b.inputs
}

/// Computes the record's determination for today and stores it when it says something new.
/// A person's decision stands: it is returned as it is.
pub fn compute_record(m: &mut Mutation<'_>, record_id: Uuid) -> Result<Determination, CoreError> {
    let now = m.now();
    let as_of = today(m.conn(), now)?;
    let fresh = evaluate_conn(m.conn(), record_id, as_of, now)?;
    match current_conn(m.conn(), record_id)? {
        Some(cur) if cur.overridden_reason.is_some() => Ok(cur),
        Some(cur) if same(&cur, &fresh) => Ok(cur),
        Some(cur) if cur.access_reason.is_some() => {
            // The access level a person chose stands over a new computation.
            let kept = Determination {
                access: cur.access,
                access_reason: cur.access_reason.clone(),
                ..fresh
            };
            if same(&cur, &kept) {
                Ok(cur)
            } else {
                append(m, kept)
            }
        }
        _ => append(m, fresh),
    }
}

fn reason_of(reason: &str) -> Result<String, CoreError> {
    let r = reason.trim();
    if r.is_empty() {
        return Err(CoreError::InvalidInput {
            what: "reason",
            value: reason.to_string(),
            reason: "say why (it is kept with the decision, e.g. \"licence from the author's heirs, 2024\")".into(),
        });
    }
    Ok(r.to_string())
}

/// A person sets the record's status, with a reason. The access level follows the status
/// (unless a person set it before); the inputs are read again so the history shows them.
pub fn set_status(
    m: &mut Mutation<'_>,
    record_id: Uuid,
    status: RightsStatus,
    public_domain_from: Option<Date>,
    reason: &str,
) -> Result<Determination, CoreError> {
    let reason = reason_of(reason)?;
    let now = m.now();
    let as_of = today(m.conn(), now)?;
    let computed = evaluate_conn(m.conn(), record_id, as_of, now)?;
    let previous = current_conn(m.conn(), record_id)?;
    let (access, access_reason) = match previous {
        Some(p) if p.access_reason.is_some() => (p.access, p.access_reason),
        _ => (default_access(status), None),
    };
    let d = Determination {
        status,
        status_uri: status.uri().to_string(),
        public_domain_from: public_domain_from.map(date_text),
        access,
        access_reason,
        rule: "override".into(),
        basis: RightsBasis::Override,
        citation: String::new(),
        explanation_vi: format!(
            "Do {} quyết định: {} ({}). Quy tắc cho kết quả: {} — {}",
            m.user(),
            status.label_vi(),
            reason,
            computed.status.label_vi(),
            computed.explanation_vi
        ),
        explanation_en: format!(
            "Decided by {}: {} ({}). The rules give: {} — {}",
            m.user(),
            status.label_en(),
            reason,
            computed.status.label_en(),
            computed.explanation_en
        ),
        decided_by: m.user().to_string(),
        overridden_reason: Some(reason),
        ..computed
    };
    append(m, d)
}

/// A person sets who may open the record's digital copies, with a reason; the status stays.
pub fn set_access(
    m: &mut Mutation<'_>,
    record_id: Uuid,
    access: AccessLevel,
    reason: &str,
) -> Result<Determination, CoreError> {
    let reason = reason_of(reason)?;
    let base = match current_conn(m.conn(), record_id)? {
        Some(d) => d,
        None => {
            let now = m.now();
            let as_of = today(m.conn(), now)?;
            evaluate_conn(m.conn(), record_id, as_of, now)?
        }
    };
    let d = Determination {
        access,
        access_reason: Some(reason),
        decided_by: m.user().to_string(),
        ..base
    };
    append(m, d)
}

/// A person returns the record's access level to following its status, with a reason: the
/// level the status gives by the table, no access reason; the reason goes into the
/// explanation so the history says why the earlier level was dropped.
pub fn follow_status(
    m: &mut Mutation<'_>,
    record_id: Uuid,
    reason: &str,
) -> Result<Determination, CoreError> {
    let reason = reason_of(reason)?;
    let base = match current_conn(m.conn(), record_id)? {
        Some(d) => d,
        None => {
            let now = m.now();
            let as_of = today(m.conn(), now)?;
            evaluate_conn(m.conn(), record_id, as_of, now)?
        }
    };
    let access = default_access(base.status);
    let d = Determination {
        access,
        access_reason: None,
        explanation_vi: format!(
            "{} Mức truy cập trở lại theo tình trạng ({}): {}.",
            base.explanation_vi,
            reason,
            access.as_str()
        ),
        explanation_en: format!(
            "{} The access level follows the status again ({}): {}.",
            base.explanation_en,
            reason,
            access.as_str()
        ),
        decided_by: m.user().to_string(),
        ..base
    };
    append(m, d)
}

/// Every record id with its control number and title, in catalog order.
pub(crate) fn all_records(
    conn: &Connection,
) -> Result<Vec<(Uuid, Option<String>, String)>, CoreError> {
    let mut stmt = conn.prepare("SELECT id, control_number, title FROM records ORDER BY rowid")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, cn, title) = row?;
        if let Ok(id) = Uuid::parse_str(&id) {
            out.push((id, cn, title));
        }
    }
    Ok(out)
}

/// Every record's id, in catalog order (what `rights compute` goes through).
pub fn record_ids(catalog: &Catalog) -> Result<Vec<Uuid>, CoreError> {
    Ok(all_records(catalog.conn())?
        .into_iter()
        .map(|(id, _, _)| id)
        .collect())
}
