//! Offline-first sync, the catalog's side: which of this node's change-log entries the
//! central server still lacks ([`outbox`], [`acknowledge`]), applying the entries pulled from
//! it ([`apply_pulled`], one transaction per page), the pull cursor, and the exceptions list
//! ([`exceptions`], [`resolve`]). `hub` is the server's storage of the shared log and its
//! branches (SQLite, in the central catalog's file).
//!
//! Pulled entries are appended to the local change log with their own change id, origin and
//! hybrid time, so they are never pushed back (only this node's own entries are) and never
//! applied twice (a change id already in the log is skipped). The highest time observed is
//! kept in `sync_state.observed_hlc`, and the clock resumes after it.
//!
//! What this module must never do: speak HTTP, wait on a network, read the wall clock (the
//! faces carry the entries; time comes from the catalog's clock), or make the state a node
//! converges to depend on the order it received changes in (see `apply`).

mod apply;
mod circulation;
pub mod hub;
pub mod settings;

pub(crate) use circulation::MIGRATION_CIRCULATION_SYNC;

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use crate::api::{ExceptionKind, PullResponse, SyncEntry, SyncException};
use crate::changelog::{self, EntityType, Operation};
use crate::clock::HlcTimestamp;
use crate::error::CoreError;
use crate::store::Catalog;
use crate::text;

pub(crate) const MIGRATION_SYNC: &str = "
ALTER TABLE sync_state ADD COLUMN pull_cursor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN observed_hlc INTEGER NOT NULL DEFAULT 0;

-- What sync knows about each entry beyond the change log: its place in the server's order,
-- how far its origin had pulled when it made it, and (record updates) the fields it changed.
CREATE TABLE sync_entries (
    change_id      TEXT PRIMARY KEY,
    server_seq     INTEGER,
    known_through  INTEGER NOT NULL DEFAULT 0,
    changed        TEXT
) STRICT;

-- Conflicts and circulation exceptions, found the same way on every node (same id).
CREATE TABLE sync_exceptions (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    entity_type  TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    facts        TEXT NOT NULL,
    actions      TEXT NOT NULL,
    detected_at  TEXT NOT NULL
) STRICT;
-- Resolutions arrive through the change log and may come before the exception is found here.
CREATE TABLE sync_resolutions (
    id           TEXT PRIMARY KEY,
    resolution   TEXT NOT NULL,
    resolved_by  TEXT NOT NULL,
    resolved_at  TEXT NOT NULL
) STRICT;

-- The central server's side (used only in the central catalog): registered branches with
-- their hashed tokens, and the shared log in the server's order.
CREATE TABLE hub_branches (
    name        TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    node_id     TEXT UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
) STRICT;
CREATE TABLE hub_log (
    server_seq   INTEGER PRIMARY KEY AUTOINCREMENT,
    change_id    TEXT NOT NULL UNIQUE,
    branch       TEXT NOT NULL,
    entry        TEXT NOT NULL
) STRICT;
CREATE INDEX hub_log_branch ON hub_log (branch, server_seq);
";

/// A batch of this node's entries the server does not have yet, oldest first.
#[derive(Debug, Clone)]
pub struct Outbox {
    pub entries: Vec<SyncEntry>,
    /// The `seq` of the last entry in the batch; [`acknowledge`] moves the pushed mark here.
    pub through_seq: i64,
}

/// Up to `limit` of this node's own entries after the pushed mark.
pub fn outbox(catalog: &Catalog, limit: u32) -> Result<Outbox, CoreError> {
    let conn = catalog.conn();
    let node = catalog.node_id().to_string();
    let pushed: i64 = conn.query_row(
        "SELECT pushed_through_seq FROM sync_state WHERE id = 1",
        [],
        |r| r.get(0),
    )?;
    let rows = read_entries(
        catalog,
        "WHERE origin_node = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        params![node, pushed, limit],
    )?;
    let Some(first) = rows.first() else {
        return Ok(Outbox {
            entries: Vec::new(),
            through_seq: pushed,
        });
    };
    // Pulled entries are appended in the server's order, so what this node knew when it made
    // an entry is the server place of the last pulled entry before it.
    let mut known: i64 = conn
        .query_row(
            "SELECT e.server_seq FROM change_log c JOIN sync_entries e ON e.change_id = c.change_id
             WHERE c.seq < ?1 AND c.origin_node <> ?2 AND e.server_seq IS NOT NULL
             ORDER BY c.seq DESC LIMIT 1",
            params![first.seq, node],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0);
    let through_seq = rows.last().map_or(pushed, |r| r.seq);
    let mut pulled_between = conn.prepare_cached(
        "SELECT c.seq, e.server_seq FROM change_log c JOIN sync_entries e ON e.change_id = c.change_id
         WHERE c.seq > ?1 AND c.seq < ?2 AND c.origin_node <> ?3 AND e.server_seq IS NOT NULL
         ORDER BY c.seq",
    )?;
    let pulled: Vec<(i64, i64)> = pulled_between
        .query_map(params![first.seq, through_seq, node], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut pulled = pulled.into_iter().peekable();
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        while let Some(&(seq, server_seq)) = pulled.peek() {
            if seq >= row.seq {
                break;
            }
            known = known.max(server_seq);
            pulled.next();
        }
        let changed = if row.entity_type == EntityType::Record && row.operation == Operation::Update
        {
            Some(apply::changed_fields_of_own(conn, &row)?)
        } else {
            None
        };
        entries.push(row.into_sync_entry(known, changed));
    }
    Ok(Outbox {
        entries,
        through_seq,
    })
}

/// Records that the server stored the batch `outbox` gave: the pushed mark moves to
/// `through_seq` and each entry keeps its place in the server's order (`server_seqs`, in the
/// batch's order). Called only after the server answered; a lost answer means the batch is
/// sent again, which the server counts as duplicates.
pub fn acknowledge(
    catalog: &mut Catalog,
    batch: &Outbox,
    server_seqs: &[i64],
) -> Result<(), CoreError> {
    if server_seqs.len() != batch.entries.len() {
        return Err(CoreError::InvalidInput {
            what: "push answer",
            value: format!("{} places", server_seqs.len()),
            reason: format!(
                "the server answered for {} entries, but {} were sent; push again",
                server_seqs.len(),
                batch.entries.len()
            ),
        });
    }
    catalog.write("sync", |m| {
        let mut keep = m.conn().prepare_cached(
            "INSERT INTO sync_entries (change_id, server_seq, known_through, changed)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (change_id) DO UPDATE SET server_seq = excluded.server_seq",
        )?;
        for (entry, server_seq) in batch.entries.iter().zip(server_seqs) {
            keep.execute(params![
                entry.change_id,
                server_seq,
                entry.known_through,
                entry
                    .changed_fields
                    .as_ref()
                    .map(serde_json::to_string)
                    .transpose()?,
            ])?;
        }
        m.conn().execute(
            "UPDATE sync_state SET pushed_through_seq = max(pushed_through_seq, ?1) WHERE id = 1",
            params![batch.through_seq],
        )?;
        Ok(())
    })
}

/// Where the next pull starts in the server's order.
pub fn pull_cursor(catalog: &Catalog) -> Result<i64, CoreError> {
    Ok(catalog
        .conn()
        .query_row("SELECT pull_cursor FROM sync_state WHERE id = 1", [], |r| {
            r.get(0)
        })?)
}

/// What applying one pulled page did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// Entries new to this catalog, now applied and in its change log.
    pub applied: u32,
    /// Entries it already had.
    pub skipped: u32,
    /// Exceptions found while applying them.
    pub new_exceptions: u32,
}

/// Applies a pulled page in one transaction: each new entry to the domain tables and the
/// change log (with its own identity), then the cursor. A failure keeps nothing of the page,
/// and the next pull asks for it again.
pub fn apply_pulled(catalog: &mut Catalog, page: &PullResponse) -> Result<Applied, CoreError> {
    let mut highest = HlcTimestamp::ZERO;
    let outcome = catalog.write("sync", |m| {
        let mut outcome = Applied::default();
        for pulled in &page.entries {
            let entry = &pulled.entry;
            let hlc = parse_hlc(&entry.hlc)?;
            highest = highest.max(hlc);
            let known: bool = m
                .conn()
                .prepare_cached("SELECT 1 FROM change_log WHERE change_id = ?1")?
                .query_row(params![entry.change_id], |_| Ok(true))
                .optional()?
                .unwrap_or(false);
            if known {
                outcome.skipped += 1;
                continue;
            }
            let payload = serde_json::to_string(&entry.payload)?;
            changelog::append(
                m.conn(),
                &changelog::NewChange {
                    change_id: parse_uuid("change id", &entry.change_id)?,
                    entity_type: entry.entity_type,
                    entity_id: parse_uuid("entity id", &entry.entity_id)?,
                    operation: entry.operation,
                    payload: &payload,
                    hlc,
                    origin_node: crate::store::NodeId(parse_uuid(
                        "origin node",
                        &entry.origin_node,
                    )?),
                    user: &entry.user,
                    recorded_at: time::OffsetDateTime::parse(
                        &entry.recorded_at,
                        &time::format_description::well_known::Rfc3339,
                    )
                    .map_err(|e| CoreError::InvalidInput {
                        what: "recorded time",
                        value: entry.recorded_at.clone(),
                        reason: e.to_string(),
                    })?,
                },
            )?;
            m.conn()
                .prepare_cached(
                    "INSERT INTO sync_entries (change_id, server_seq, known_through, changed)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (change_id) DO UPDATE SET server_seq = excluded.server_seq",
                )?
                .execute(params![
                    entry.change_id,
                    pulled.server_seq,
                    entry.known_through,
                    entry
                        .changed_fields
                        .as_ref()
                        .map(serde_json::to_string)
                        .transpose()?,
                ])?;
            outcome.new_exceptions += apply::apply(m, entry)?;
            outcome.applied += 1;
        }
        m.conn().execute(
            "UPDATE sync_state SET pull_cursor = max(pull_cursor, ?1),
                observed_hlc = max(observed_hlc, ?2) WHERE id = 1",
            params![page.next_cursor, highest.as_u64() as i64],
        )?;
        Ok(outcome)
    })?;
    catalog.observe_hlc(highest);
    Ok(outcome)
}

/// The exceptions on the review list, open ones first, newest first.
pub fn exceptions(catalog: &Catalog, open_only: bool) -> Result<Vec<SyncException>, CoreError> {
    let mut stmt = catalog.conn().prepare(
        "SELECT x.id, x.kind, x.entity_type, x.entity_id, x.facts, x.actions, x.detected_at,
                r.resolution
         FROM sync_exceptions x LEFT JOIN sync_resolutions r ON r.id = x.id
         WHERE (?1 = 0 OR r.id IS NULL)
         ORDER BY r.id IS NOT NULL, x.detected_at DESC, x.id",
    )?;
    let rows = stmt.query_map(params![open_only], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, Option<String>>(7)?,
        ))
    })?;
    rows.map(|row| {
        let (id, kind, entity, entity_id, facts, actions, detected_at, resolved) = row?;
        let bad = |what: &str, value: &str| CoreError::Corrupt {
            path: catalog.path().into(),
            detail: format!("exception {id} has an unknown {what} {value:?}"),
        };
        Ok(SyncException {
            kind: serde_json::from_value(serde_json::Value::String(kind.clone()))
                .map_err(|_| bad("kind", &kind))?,
            entity_type: EntityType::parse(&entity).ok_or_else(|| bad("entity type", &entity))?,
            entity_id,
            facts: serde_json::from_str(&facts)?,
            actions: serde_json::from_str(&actions)?,
            detected_at,
            resolved,
            id,
        })
    })
    .collect()
}

/// Resolves an exception with one of its actions (`local`, `remote`, or a change id from its
/// facts): the chosen version is written as a new change where the action needs one, and the
/// resolution is logged so every node takes the exception off its list.
pub fn resolve(
    catalog: &mut Catalog,
    user: &str,
    id: &str,
    keep: &str,
) -> Result<SyncException, CoreError> {
    let found = exceptions(catalog, false)?
        .into_iter()
        .find(|x| x.id == id.trim())
        .ok_or_else(|| CoreError::NotFound {
            entity: "sync exception",
            key: "id",
            value: id.trim().to_string(),
        })?;
    if let Some(done) = &found.resolved {
        return Err(CoreError::InvalidInput {
            what: "exception",
            value: found.id.clone(),
            reason: format!("it is already resolved ({done})"),
        });
    }
    let node = catalog.node_id().to_string();
    catalog.write(user, |m| {
        let resolution = apply::resolve(m, &found, keep, &node)?;
        let exception_id = parse_uuid("exception id", &found.id)?;
        let payload = serde_json::json!({ "resolution": resolution });
        m.log(
            EntityType::Exception,
            exception_id,
            Operation::Update,
            &payload,
        )?;
        apply::mark_resolved(m, &found.id, &resolution, &text::rfc3339(m.now()))
    })?;
    exceptions(catalog, false)?
        .into_iter()
        .find(|x| x.id == found.id)
        .ok_or_else(|| CoreError::NotFound {
            entity: "sync exception",
            key: "id",
            value: found.id.clone(),
        })
}

/// The open exceptions count (for the status bar and `sync`'s report).
pub fn open_exception_count(catalog: &Catalog) -> Result<u64, CoreError> {
    Ok(catalog.conn().query_row(
        "SELECT count(*) FROM sync_exceptions x
         WHERE NOT EXISTS (SELECT 1 FROM sync_resolutions r WHERE r.id = x.id)",
        [],
        |r| r.get(0),
    )?)
}

pub(crate) fn exception_kind_str(kind: ExceptionKind) -> String {
    match serde_json::to_value(kind) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{kind:?}"),
    }
}

/// One change-log row with what sync needs of it.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub seq: i64,
    pub change_id: String,
    pub entity_type: EntityType,
    pub entity_id: String,
    pub operation: Operation,
    pub payload: String,
    pub hlc: i64,
    pub origin_node: String,
    pub user: String,
    pub recorded_at: String,
}

impl Row {
    fn into_sync_entry(self, known_through: i64, changed: Option<Vec<String>>) -> SyncEntry {
        SyncEntry {
            change_id: self.change_id,
            entity_type: self.entity_type,
            entity_id: self.entity_id,
            operation: self.operation,
            payload: serde_json::from_str(&self.payload).unwrap_or(serde_json::Value::Null),
            hlc: (self.hlc as u64).to_string(),
            origin_node: self.origin_node,
            user: self.user,
            recorded_at: self.recorded_at,
            known_through,
            changed_fields: changed,
        }
    }
}

pub(crate) fn read_entries(
    catalog: &Catalog,
    clause: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<Row>, CoreError> {
    read_rows(catalog.conn(), clause, params)
}

pub(crate) fn read_rows(
    conn: &rusqlite::Connection,
    clause: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<Row>, CoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM change_log {clause}",
        changelog::ENTRY_COLUMNS
    ))?;
    let rows = stmt.query_map(params, changelog::stored_entry)?;
    rows.map(|row| {
        let (seq, change_id, entity, entity_id, op, payload, hlc, origin_node, user, recorded_at) =
            row?;
        let bad = |what: &str, value: &str| CoreError::InvalidInput {
            what: "change-log entry",
            value: change_id.clone(),
            reason: format!("unknown {what} {value:?}"),
        };
        Ok(Row {
            entity_type: EntityType::parse(&entity).ok_or_else(|| bad("entity type", &entity))?,
            operation: Operation::parse(&op).ok_or_else(|| bad("operation", &op))?,
            seq,
            change_id: change_id.clone(),
            entity_id,
            payload,
            hlc,
            origin_node,
            user,
            recorded_at,
        })
    })
    .collect()
}

pub(crate) fn parse_hlc(text: &str) -> Result<HlcTimestamp, CoreError> {
    text.parse::<u64>()
        .map(HlcTimestamp::from_u64)
        .map_err(|e| CoreError::InvalidInput {
            what: "hybrid time",
            value: text.to_string(),
            reason: format!("{e}; it is a decimal 64-bit number"),
        })
}

pub(crate) fn parse_uuid(what: &'static str, text: &str) -> Result<Uuid, CoreError> {
    Uuid::parse_str(text).map_err(|e| CoreError::InvalidInput {
        what,
        value: text.to_string(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod circulation_tests;
#[cfg(test)]
mod tests;
