//! The branch–server sync protocol (version [`SYNC_PROTOCOL_VERSION`]) and the sync types the
//! CLI prints with `--json`.
//!
//! Every request carries the protocol version in the `Shelfmark-Protocol` header and the
//! branch's token as `Authorization: Bearer …`. A branch pushes its own change-log entries in
//! batches ([`PushRequest`]) and pulls everyone else's in the server's order
//! ([`PullResponse`]), from a cursor it keeps. Errors come back as [`SyncErrorBody`] with a
//! closed [`SyncErrorCode`]. The JSON Schemas are generated into `schemas/sync/`.
//!
//! What this module must never do: change a field's meaning without raising the protocol
//! version (old branches in the field still speak the old one).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::changelog::{EntityType, Operation};

/// The protocol version this program speaks. The server answers requests of exactly this
/// version; a branch with another one is told whether it is too old or too new.
pub const SYNC_PROTOCOL_VERSION: u32 = 1;

/// The header carrying the protocol version of a request.
pub const PROTOCOL_HEADER: &str = "shelfmark-protocol";

/// The most entries one push may carry, and one pull page hand out.
pub const MAX_BATCH: u32 = 1_000;

/// One change-log entry as it travels between nodes: the entry itself, with the identity it
/// was made with (change id, origin node, hybrid time), which every node keeps unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SyncEntry {
    /// The change's UUIDv7; a node applies a change id at most once.
    pub change_id: String,
    pub entity_type: EntityType,
    pub entity_id: String,
    pub operation: Operation,
    /// The entity's new state (for `delete`, what identified it).
    #[ts(type = "unknown")]
    pub payload: serde_json::Value,
    /// The hybrid logical clock time as its 64-bit integer, in decimal (JSON numbers lose
    /// precision past 2^53 in JavaScript).
    pub hlc: String,
    pub origin_node: String,
    pub user: String,
    /// When the change was recorded at its origin, RFC 3339 in UTC.
    pub recorded_at: String,
    /// How far in the server's order its origin had applied other nodes' changes when it
    /// made this one: every change with a `server_seq` up to this was known to it (its causal
    /// past), any later one was made concurrently.
    #[ts(type = "number")]
    pub known_through: i64,
    /// For an update of a bibliographic record: the fields it changed against the version it
    /// was made from (tags, `LDR` for the leader), which is what a three-way merge needs.
    pub changed_fields: Option<Vec<String>>,
}

/// `POST /v1/sync/push`: a batch of the branch's own entries, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PushRequest {
    /// The branch catalog's node id; every entry's `origin_node` must be this one.
    pub node_id: String,
    pub entries: Vec<SyncEntry>,
}

/// The answer to a push: the whole batch is stored (or nothing is, and an error comes back).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PushResponse {
    /// Entries stored now.
    pub accepted: u32,
    /// Entries the server already had (a batch sent again after a lost answer).
    pub duplicates: u32,
    /// Each entry's place in the server's order, in the order of the request.
    #[ts(type = "Array<number>")]
    pub server_seqs: Vec<i64>,
}

/// One entry in the server's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PulledEntry {
    /// The server's order; a branch's pull cursor is the last one it applied.
    #[ts(type = "number")]
    pub server_seq: i64,
    pub entry: SyncEntry,
}

/// `GET /v1/sync/pull?after=N&limit=M`: the entries after the cursor `N`, other branches'
/// only, in server order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PullResponse {
    pub entries: Vec<PulledEntry>,
    /// Where the next pull starts: the last `server_seq` this page covers (entries skipped
    /// because the branch pushed them itself included).
    #[ts(type = "number")]
    pub next_cursor: i64,
    /// Whether more entries wait after this page.
    pub more: bool,
}

/// The closed set of errors the sync endpoints answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SyncErrorCode {
    /// No token, an unknown one or a revoked one (HTTP 401).
    Unauthorized,
    /// The token is good but the entries belong to another node than the branch's (403).
    WrongNode,
    /// The branch speaks an older protocol than the server: update the branch (426).
    ClientTooOld,
    /// The branch speaks a newer protocol than the server: update the server (426).
    ClientTooNew,
    /// The request is malformed: a bad entry, too many entries, a bad parameter (400).
    BadRequest,
    /// The server could not store or read (500); nothing of the request was kept.
    ServerError,
}

/// The body of every error answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SyncErrorBody {
    pub code: SyncErrorCode,
    pub message: String,
    /// The protocol version the server speaks.
    pub server_protocol_version: u32,
}

/// `GET /v1/health`: open to anyone, for monitoring and for a branch checking an address
/// before it saves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ServerHealth {
    /// `ok` while the server serves.
    pub status: String,
    /// The sync protocol the server speaks.
    pub protocol_version: u32,
    /// The central catalog's schema version.
    pub schema_version: u32,
}

/// A branch registered on the server (`shelfmark server list-branches`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct RegisteredBranch {
    pub name: String,
    /// The node id the branch's first push bound its token to.
    pub node_id: Option<String>,
    pub created_at: String,
    pub revoked_at: Option<String>,
    /// Entries this branch has pushed.
    #[ts(type = "number")]
    pub entries: u64,
}

/// One item of a union-catalog record: which branch holds it and whether it is on the shelf.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct UnionHolding {
    pub branch_code: String,
    pub branch_name: String,
    pub barcode: String,
    pub status: crate::api::ItemStatus,
}

/// One record found in the union catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct UnionRecord {
    pub id: String,
    pub title: String,
    pub author: Option<String>,
    pub year: Option<i32>,
    pub holdings: Vec<UnionHolding>,
}

/// `GET /api/search?q=…&offset=…&limit=…`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct UnionSearchResults {
    #[ts(type = "number")]
    pub total: u64,
    pub records: Vec<UnionRecord>,
}

/// What one `shelfmark sync` moved.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS, JsonSchema)]
pub struct SyncReport {
    /// This catalog's entries the server stored now.
    pub pushed: u32,
    /// Entries the server already had (a resumed push).
    pub already_on_server: u32,
    /// Entries received from the server.
    pub pulled: u32,
    /// Of those, entries applied here now (the rest this catalog already had).
    pub applied: u32,
    /// Conflicts and circulation exceptions found while applying, now on the review list.
    pub new_exceptions: u32,
    /// The pull cursor after this sync (the server's order).
    #[ts(type = "number")]
    pub cursor: i64,
}

/// What kind of exception needs a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionKind {
    /// Two nodes changed the same field of a bibliographic record.
    RecordFieldConflict,
    /// A record was edited on one node and deleted on another.
    RecordDeletedWhileEdited,
    /// One item checked out on two nodes while they were apart.
    ItemCheckedOutTwice,
    /// A loan made offline to a reader who was blocked (or whose card had expired) by then.
    LoanToBlockedPatron,
    /// One hold filled on two nodes.
    HoldFilledTwice,
    /// Two nodes added a branch with the same code.
    BranchCodeTaken,
    /// Two nodes gave different items the same barcode.
    BarcodeTaken,
    /// One reader merged into two different readers on two nodes while apart: the earlier
    /// merge (hybrid time, then origin) stands.
    PatronMergedTwice,
}

/// One exception on the review list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SyncException {
    /// The same on every node: made from the kind and the changes involved.
    pub id: String,
    pub kind: ExceptionKind,
    pub entity_type: EntityType,
    pub entity_id: String,
    /// What happened, for a person: the versions, who made them where and when.
    #[ts(type = "unknown")]
    pub facts: serde_json::Value,
    /// What `shelfmark exceptions resolve ID --keep …` accepts.
    pub actions: Vec<String>,
    pub detected_at: String,
    /// `None` while open.
    pub resolved: Option<String>,
}

/// Where the branch syncs to, as the settings screen shows it (the token is never shown
/// back: only whether one is kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SyncSettings {
    /// `https://thuvien.hanoi.gov.vn:8787`; `null`: this catalog does not sync.
    pub server_url: Option<String>,
    pub has_token: bool,
    /// Minutes between automatic syncs while the app is open (0: only when asked).
    pub interval_minutes: u32,
}

/// The state of sync as the indicator shows it, always at hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SyncStatus {
    /// A server and token are set.
    pub configured: bool,
    /// The last attempt reached the server (`null`: not tried since the app started).
    pub online: Option<bool>,
    /// A sync is running now.
    pub syncing: bool,
    /// This node's changes the server has not yet accepted.
    #[ts(type = "number")]
    pub pending_changes: u64,
    /// When the last sync finished with everything moved (RFC 3339).
    pub last_sync_at: Option<String>,
    /// Why the last attempt failed, in words a person can act on.
    pub last_error: Option<String>,
    /// What the last successful sync moved.
    pub last_report: Option<SyncReport>,
    /// Exceptions waiting for a person.
    #[ts(type = "number")]
    pub open_exceptions: u64,
    /// When the next automatic attempt is due (after a failure: the backoff).
    pub next_attempt_at: Option<String>,
}

pub(crate) fn typescript(
    cfg: &ts_rs::Config,
) -> Vec<(&'static str, Result<String, ts_rs::ExportError>)> {
    vec![
        ("SyncEntry", SyncEntry::export_to_string(cfg)),
        ("SyncSettings", SyncSettings::export_to_string(cfg)),
        ("SyncStatus", SyncStatus::export_to_string(cfg)),
        ("PushRequest", PushRequest::export_to_string(cfg)),
        ("PushResponse", PushResponse::export_to_string(cfg)),
        ("PulledEntry", PulledEntry::export_to_string(cfg)),
        ("PullResponse", PullResponse::export_to_string(cfg)),
        ("SyncErrorCode", SyncErrorCode::export_to_string(cfg)),
        ("SyncErrorBody", SyncErrorBody::export_to_string(cfg)),
        ("RegisteredBranch", RegisteredBranch::export_to_string(cfg)),
        ("ServerHealth", ServerHealth::export_to_string(cfg)),
        ("UnionHolding", UnionHolding::export_to_string(cfg)),
        ("UnionRecord", UnionRecord::export_to_string(cfg)),
        (
            "UnionSearchResults",
            UnionSearchResults::export_to_string(cfg),
        ),
        ("SyncReport", SyncReport::export_to_string(cfg)),
        ("ExceptionKind", ExceptionKind::export_to_string(cfg)),
        ("SyncException", SyncException::export_to_string(cfg)),
    ]
}

/// Generated into `schemas/sync/`: the wire protocol, and the CLI's sync output.
pub(crate) fn schemas() -> Vec<(&'static str, schemars::Schema)> {
    vec![
        ("sync/push-request", schemars::schema_for!(PushRequest)),
        ("sync/push-response", schemars::schema_for!(PushResponse)),
        ("sync/pull-response", schemars::schema_for!(PullResponse)),
        ("sync/error", schemars::schema_for!(SyncErrorBody)),
        ("sync/branch", schemars::schema_for!(RegisteredBranch)),
        ("sync/health", schemars::schema_for!(ServerHealth)),
        (
            "sync/union-search-results",
            schemars::schema_for!(UnionSearchResults),
        ),
        ("sync/report", schemars::schema_for!(SyncReport)),
        ("sync/exception", schemars::schema_for!(SyncException)),
    ]
}
