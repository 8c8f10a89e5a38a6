//! The change log: one row per mutation, appended in the same transaction as the mutation.
//!
//! It is what sync ships to the central server and what the audit trail shows: which change
//! (a UUIDv7), to which entity, what operation, the new state as a JSON payload, when (a hybrid
//! logical clock time), where (the origin node) and who (the user). `seq` is this catalog's
//! own append order; sync keeps a cursor into it. Rows are never updated or deleted.

use rusqlite::{Connection, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;
use uuid::Uuid;

use crate::clock::HlcTimestamp;
use crate::error::CoreError;
use crate::store::NodeId;
use crate::text;

pub(crate) const MIGRATION_CHANGE_LOG: &str = "
CREATE TABLE catalog_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE change_log (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    change_id    TEXT NOT NULL UNIQUE,
    entity_type  TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    operation    TEXT NOT NULL CHECK (operation IN ('create', 'update', 'delete')),
    payload      TEXT NOT NULL,
    hlc          INTEGER NOT NULL,
    origin_node  TEXT NOT NULL,
    user         TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
) STRICT;
CREATE INDEX change_log_entity ON change_log (entity_type, entity_id);
CREATE INDEX change_log_origin ON change_log (origin_node, seq);
-- The hybrid clock resumes from max(hlc) on every open. (Dropped in version 7.)
CREATE INDEX change_log_hlc ON change_log (hlc);

-- How far this node's own changes have been accepted by the central server.
CREATE TABLE sync_state (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    pushed_through_seq  INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO sync_state (id, pushed_through_seq) VALUES (1, 0);
";

/// Schema version 7 (appended by the import-speed work; the lead may renumber): appends to the
/// change log made cheaper, with the same rows and the same rules.
///
/// - `change_log_hlc` goes. It served one query, `max(hlc)` when a catalog opens, and cost an
///   index insert for every change. Every entry is appended by this node's own clock, which
///   ticks strictly forward and resumes after the newest entry, so the newest `hlc` is that
///   of the last entry by `seq` (see `store::finish_open`). When sync appends entries pulled
///   from other nodes, it must keep the highest `hlc` it has observed beside the log (in
///   `catalog_meta`) and the open must take the greater of the two.
/// - The `operation` check is written as comparisons instead of `IN (...)`: SQLite evaluates an
///   `IN` of three or more constants by building a temporary b-tree on every insert, which
///   cost more than some of the inserts themselves. The rule is the same, so the stored
///   schema is edited in place (`writable_schema`, as SQLite documents for a constraint
///   change that no existing row can violate) rather than copying the whole log.
pub(crate) const MIGRATION_CHEAPER_APPENDS: &str = "
DROP INDEX change_log_hlc;
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql,
       'CHECK (operation IN (''create'', ''update'', ''delete''))',
       'CHECK (operation = ''create'' OR operation = ''update'' OR operation = ''delete'')')
 WHERE type = 'table' AND name = 'change_log';
PRAGMA writable_schema = RESET;
";

/// The kinds of thing a change can be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntityType {
    Record,
    Branch,
    Item,
    Patron,
    Loan,
    Hold,
    FineEntry,
    Policy,
    ClosedDay,
    /// A rights determination (append-only; the record's current one is the latest).
    Determination,
    /// A sync exception's resolution (the exceptions themselves are found on every node).
    Exception,
    /// A file attached to a record (the digital collection), and its own rights.
    DigitalObject,
    /// Where a reader stopped in a recording.
    PlaybackPosition,
}

impl EntityType {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Record => "record",
            EntityType::Branch => "branch",
            EntityType::Item => "item",
            EntityType::Patron => "patron",
            EntityType::Loan => "loan",
            EntityType::Hold => "hold",
            EntityType::FineEntry => "fine_entry",
            EntityType::Policy => "policy",
            EntityType::ClosedDay => "closed_day",
            EntityType::Determination => "determination",
            EntityType::Exception => "exception",
            EntityType::DigitalObject => "digital_object",
            EntityType::PlaybackPosition => "playback_position",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        [
            EntityType::Record,
            EntityType::Branch,
            EntityType::Item,
            EntityType::Patron,
            EntityType::Loan,
            EntityType::Hold,
            EntityType::FineEntry,
            EntityType::Policy,
            EntityType::ClosedDay,
            EntityType::Determination,
            EntityType::Exception,
            EntityType::DigitalObject,
            EntityType::PlaybackPosition,
        ]
        .into_iter()
        .find(|e| e.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    Create,
    Update,
    Delete,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Update => "update",
            Operation::Delete => "delete",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        [Operation::Create, Operation::Update, Operation::Delete]
            .into_iter()
            .find(|o| o.as_str() == s)
    }
}

/// One change-log entry as shown by `shelfmark log` and the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ChangeEntry {
    /// This catalog's own append order.
    #[ts(type = "number")]
    pub seq: i64,
    pub change_id: String,
    pub entity_type: EntityType,
    pub entity_id: String,
    pub operation: Operation,
    /// The hybrid logical clock time, `2026-11-26T07:16:05.123Z/0003`.
    pub hlc: String,
    pub origin_node: String,
    pub user: String,
    /// When the change was recorded, RFC 3339 in UTC.
    pub recorded_at: String,
    /// The entity's new state (for `delete`, what identified it).
    #[ts(type = "unknown")]
    pub payload: serde_json::Value,
}

pub(crate) struct NewChange<'a> {
    pub change_id: Uuid,
    pub entity_type: EntityType,
    pub entity_id: Uuid,
    pub operation: Operation,
    pub payload: &'a str,
    pub hlc: HlcTimestamp,
    pub origin_node: NodeId,
    pub user: &'a str,
    pub recorded_at: OffsetDateTime,
}

pub(crate) fn append(conn: &Connection, change: &NewChange<'_>) -> Result<(), CoreError> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO change_log
           (change_id, entity_type, entity_id, operation, payload, hlc, origin_node, user, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    stmt.execute(params![
        change.change_id.to_string(),
        change.entity_type.as_str(),
        change.entity_id.to_string(),
        change.operation.as_str(),
        change.payload,
        change.hlc.as_u64() as i64,
        change.origin_node.to_string(),
        change.user,
        text::rfc3339(change.recorded_at),
    ])?;
    Ok(())
}

/// The columns of a change-log entry as stored, in the order [`stored_entry`] reads them.
pub(crate) const ENTRY_COLUMNS: &str = "seq, change_id, entity_type, entity_id, operation, payload, hlc, origin_node, user, recorded_at";

/// A change-log entry as stored: seq, change id, entity type, entity id, operation, payload
/// (JSON), hybrid time, origin node, user, recorded at. Each reader checks the names itself
/// (a sync batch and the local log say what is wrong in their own words).
pub(crate) type StoredEntry = (
    i64,
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    String,
    String,
);

/// One row of `SELECT {ENTRY_COLUMNS} FROM change_log …`.
pub(crate) fn stored_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredEntry> {
    Ok((
        r.get::<_, i64>(0)?,
        r.get::<_, String>(1)?,
        r.get::<_, String>(2)?,
        r.get::<_, String>(3)?,
        r.get::<_, String>(4)?,
        r.get::<_, String>(5)?,
        r.get::<_, i64>(6)?,
        r.get::<_, String>(7)?,
        r.get::<_, String>(8)?,
        r.get::<_, String>(9)?,
    ))
}

/// The newest `limit` entries, newest first.
pub fn recent(catalog: &crate::Catalog, limit: u32) -> Result<Vec<ChangeEntry>, CoreError> {
    let mut stmt = catalog.conn().prepare(&format!(
        "SELECT {ENTRY_COLUMNS} FROM change_log ORDER BY seq DESC LIMIT ?1"
    ))?;
    let rows = stmt.query_map(params![limit], stored_entry)?;
    rows.map(|row| {
        let (seq, change_id, entity, entity_id, op, payload, hlc, origin_node, user, recorded_at) =
            row?;
        let bad = |what: &str, value: &str| CoreError::Corrupt {
            path: catalog.path().into(),
            detail: format!("change-log entry {seq} has an unknown {what} {value:?}"),
        };
        Ok(ChangeEntry {
            seq,
            change_id,
            entity_type: EntityType::parse(&entity).ok_or_else(|| bad("entity type", &entity))?,
            entity_id,
            operation: Operation::parse(&op).ok_or_else(|| bad("operation", &op))?,
            hlc: HlcTimestamp::from_u64(hlc as u64).to_string(),
            origin_node,
            user,
            recorded_at,
            payload: serde_json::from_str(&payload)?,
        })
    })
    .collect()
}

/// Entries in the change log. Rows are never deleted, so this is the highest `seq`, which
/// SQLite answers from the end of the table instead of counting millions of rows.
pub(crate) fn count(conn: &Connection) -> Result<u64, CoreError> {
    Ok(
        conn.query_row("SELECT coalesce(max(seq), 0) FROM change_log", [], |r| {
            r.get(0)
        })?,
    )
}

/// This node's changes the central server has not yet accepted.
pub(crate) fn unsynced_count(conn: &Connection, node: NodeId) -> Result<u64, CoreError> {
    Ok(conn.query_row(
        "SELECT count(*) FROM change_log
         WHERE origin_node = ?1 AND seq > (SELECT pushed_through_seq FROM sync_state WHERE id = 1)",
        params![node.to_string()],
        |r| r.get(0),
    )?)
}
