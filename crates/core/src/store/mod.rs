//! One branch catalog: a single SQLite file in WAL mode with foreign keys on.
//!
//! Opening is careful because the file may be anything a person pointed `--db` at. Before
//! anything is written, the file is inspected read-only: its header must be SQLite's, its
//! `application_id` Shelfmark's, its schema version not newer than this program's, and the
//! file and its folder writable. Only then is it opened for writing. An older catalog is
//! copied aside (`VACUUM INTO`) before it is migrated, and a migration runs in one
//! transaction, so a failed upgrade leaves the old version intact.

pub(crate) mod deferred;
pub mod location;
mod migrations;

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::{
    Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior, params,
};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::api::CatalogSummary;
use crate::changelog::{self, EntityType, Operation};
use crate::clock::{Clock, Hlc, HlcTimestamp, SystemClock};
use crate::error::CoreError;

/// The schema version this program creates and understands.
pub const SCHEMA_VERSION: u32 = 15;

/// The size (bytes) the WAL is cut back to when it starts over (`PRAGMA journal_size_limit`).
pub(crate) const WAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

/// The page size of a catalog this program creates (SQLite's default is 4096). Measured on the
/// 1,000,000-record import bench (idle machine, no LTO, one session): 4096 → 19,200 records/s,
/// 8192 → 21,200–21,750, 16384 → 24,300, 32768 and 65536 → 24,100–24,600; on the SIP2 bench at
/// saturation (100 kiosks, no pause): 4096 → 9,000–9,500 messages/s, 8192 → 8,000–8,700, 16384
/// → 6,800–7,400 without LTO, while with the release build's LTO 16384 gave 8,000–8,650 and
/// 4096 8,150–8,600 that day (with each of 100 kiosks sending every ~100 ms, every circulation
/// answer's p99 stays under 3 ms at 16384). Larger pages mean fewer b-tree levels, WAL frames
/// and system calls for a bulk load, and more bytes read again by every reading connection
/// after another one commits (SQLite then drops its whole page cache). 16 KiB: the import of a
/// library's whole collection gains a quarter, and circulation keeps a hundredfold margin over
/// a busy branch. A catalog made before keeps its 4096 (and so do its backups); SQLite fixes
/// the size when the file is first written.
const PAGE_SIZE: i64 = 16_384;

/// Prepared statements kept per connection (see `connect`).
const STATEMENT_CACHE: usize = 256;

/// `PRAGMA application_id` of every Shelfmark catalog: "SHLF" in ASCII.
const APPLICATION_ID: i32 = 0x5348_4C46;

/// The id of the node (a branch install, the central server) that made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeId(pub Uuid);

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What a catalog is opened with; everything outside the file itself is passed in here.
#[derive(Clone)]
pub struct CatalogOptions {
    pub clock: Arc<dyn Clock>,
}

impl Default for CatalogOptions {
    fn default() -> Self {
        CatalogOptions {
            clock: Arc::new(SystemClock),
        }
    }
}

pub struct Catalog {
    conn: Connection,
    path: PathBuf,
    node: NodeId,
    clock: Arc<dyn Clock>,
    hlc: Hlc,
    ids: uuid::ContextV7,
    checkpoints: BackgroundCheckpoints,
    commits: u64,
}

/// Commits between two background checkpoints: a few hundred pages of log each time.
const COMMITS_PER_CHECKPOINT: u64 = 16;
/// The main connection still checkpoints by itself past this many log pages (64 MB with 16 KiB
/// pages, 16 MB in a catalog of 4 KiB pages), should the background thread ever fall behind.
const BACKSTOP_AUTOCHECKPOINT: i64 = 4_000;

/// Copies the write-ahead log back into the database file on a thread of its own, every
/// [`COMMITS_PER_CHECKPOINT`] commits. Left to SQLite, the commit that crosses the log's
/// threshold copies a thousand pages and syncs the file itself, which is the desk's slowest
/// scan; here no commit waits for a checkpoint. The thread stops when the catalog is dropped.
struct BackgroundCheckpoints {
    nudge: Option<std::sync::mpsc::SyncSender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BackgroundCheckpoints {
    /// Without a second connection or a thread, SQLite's own checkpoints go on as before.
    fn start(path: &Path) -> Self {
        let none = BackgroundCheckpoints {
            nudge: None,
            thread: None,
        };
        let Ok(conn) = connect(path) else {
            return none;
        };
        let (nudge, nudged) = std::sync::mpsc::sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            .name("shelfmark-checkpoint".into())
            .spawn(move || {
                while nudged.recv().is_ok() {
                    // PASSIVE never waits for the writer; what it cannot copy now, the next does.
                    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                }
            });
        match thread {
            Ok(thread) => BackgroundCheckpoints {
                nudge: Some(nudge),
                thread: Some(thread),
            },
            Err(_) => none,
        }
    }

    fn running(&self) -> bool {
        self.thread.is_some()
    }

    fn nudge(&self) {
        if let Some(nudge) = &self.nudge {
            // A checkpoint already asked for covers this commit too.
            let _ = nudge.try_send(());
        }
    }
}

impl Drop for BackgroundCheckpoints {
    fn drop(&mut self) {
        self.nudge.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What was found at a catalog path before opening it for writing.
enum Found {
    Nothing,
    EmptyFile,
    Catalog { version: u32 },
}

impl Catalog {
    /// Opens the catalog at `path`, creating it (and its folder) when nothing is there.
    pub fn open(path: impl AsRef<Path>, options: CatalogOptions) -> Result<Catalog, CoreError> {
        let path = path.as_ref().to_path_buf();
        match inspect(&path)? {
            Found::Nothing => create(&path, options),
            Found::EmptyFile => {
                refuse_read_only(&path)?;
                create(&path, options)
            }
            Found::Catalog { version } => {
                refuse_read_only(&path)?;
                open_existing(&path, version, options)
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn node_id(&self) -> NodeId {
        self.node
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// Puts `clock` in place of the catalog's clock and hands back the one it had. The demo
    /// builds its circulation history this way, at past times, through the real functions.
    /// The hybrid clock still never goes back: a change stamped at an earlier wall time gets a
    /// later logical time.
    pub(crate) fn swap_clock(&mut self, clock: Arc<dyn Clock>) -> Arc<dyn Clock> {
        std::mem::replace(&mut self.clock, clock)
    }

    pub fn schema_version(&self) -> Result<u32, CoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Read access for the domain modules; writes go through [`Catalog::write`].
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `work` in one transaction on behalf of `user`. Every change it makes is logged by
    /// the domain functions it calls; if `work` fails, nothing of it is kept.
    pub fn write<T>(
        &mut self,
        user: &str,
        work: impl FnOnce(&mut Mutation<'_>) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        let mut mutation = self.begin(user)?;
        let value = work(&mut mutation)?;
        let hlc = mutation.commit()?;
        self.committed(hlc);
        Ok(value)
    }

    /// Opens the transaction of a [`Mutation`] acting for `user`. IMMEDIATE: the write lock is
    /// taken at the start, waiting out another program's write (busy timeout). A deferred
    /// transaction that read first and then wrote would fail at once with "database is
    /// locked" when another connection wrote meanwhile — the desk beside a SIP2 server, the
    /// central server's union follower beside an admin.
    fn begin<'c>(&'c mut self, user: &'c str) -> Result<Mutation<'c>, CoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        Ok(Mutation {
            tx,
            node: self.node,
            user,
            clock: self.clock.as_ref(),
            hlc: self.hlc.clone(),
            ids: &self.ids,
            first_seq: None,
            hlc_checked: false,
        })
    }

    /// After a [`Mutation`]'s commit: the clock only moves on once the changes stamped with it
    /// are committed, and every few commits the checkpoint thread is woken.
    fn committed(&mut self, hlc: Hlc) {
        self.hlc = hlc;
        self.commits += 1;
        if self.commits.is_multiple_of(COMMITS_PER_CHECKPOINT) {
            self.checkpoints.nudge();
        }
    }

    /// Runs several independent writes in one SQLite transaction, each in a savepoint of its
    /// own, and commits once: a group commit. Each job is what it would be as its own
    /// [`Catalog::write`] on behalf of its own user: its result is in the list at its place; a
    /// job that fails is rolled back to its savepoint and leaves nothing (no rows, no log
    /// entries, and the hybrid clock as before it), while the jobs around it are kept; each
    /// job's change-log entries are stamped after the previous job's, and `Mutation::logged`
    /// gives each job its own entries.
    ///
    /// Why: a small write (a check-out is a dozen statements on warm pages) costs less than
    /// the transaction around it — taking the write lock, writing the changed pages to the
    /// WAL once per commit, the turn passed between threads. When many writers queue for one
    /// catalog (100 self-check kiosks), running the queue in one transaction pays that once.
    ///
    /// The transaction takes the write lock as it begins (`BEGIN IMMEDIATE`, which waits out
    /// another program's write with the busy timeout), so no other connection can commit
    /// between one job's reads and its writes. `Err` when the transaction as a whole could not
    /// begin or commit, or SQLite itself abandoned it (a full disk, say): then nothing of any
    /// job was kept, and the caller may run them again (each on its own).
    pub fn write_each<'u, T, W>(
        &mut self,
        jobs: impl IntoIterator<Item = (&'u str, W)>,
    ) -> Result<Vec<Result<T, CoreError>>, CoreError>
    where
        W: FnOnce(&mut Mutation<'_>) -> Result<T, CoreError>,
    {
        let mut mutation = self.begin("")?;
        let mut results = Vec::new();
        for (user, work) in jobs {
            mutation.user = user;
            mutation.first_seq = None;
            let clock_before = (mutation.hlc.clone(), mutation.hlc_checked);
            mutation.savepoint("SAVEPOINT shelfmark_job")?;
            match work(&mut mutation) {
                Ok(value) => {
                    mutation.savepoint("RELEASE shelfmark_job")?;
                    results.push(Ok(value));
                }
                // Some failures (I/O, a full disk) make SQLite roll the whole transaction
                // back itself; the jobs before are gone too, and must not be reported kept.
                Err(e) if mutation.tx.is_autocommit() => return Err(e),
                Err(e) => {
                    mutation.savepoint("ROLLBACK TO shelfmark_job")?;
                    mutation.savepoint("RELEASE shelfmark_job")?;
                    (mutation.hlc, mutation.hlc_checked) = clock_before;
                    results.push(Err(e));
                }
            }
        }
        let hlc = mutation.commit()?;
        self.committed(hlc);
        Ok(results)
    }

    /// The counts and identity shown in the status bar and by `shelfmark info`.
    pub fn summary(&self) -> Result<CatalogSummary, CoreError> {
        let count = |table: &str| -> Result<u64, CoreError> {
            Ok(self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
        };
        Ok(CatalogSummary {
            path: self.path.display().to_string(),
            node_id: self.node.to_string(),
            schema_version: self.schema_version()?,
            records: count("records")?,
            items: count("items")?,
            patrons: count("patrons")?,
            changes: changelog::count(&self.conn)?,
            unsynced_changes: changelog::unsynced_count(&self.conn, self.node)?,
        })
    }
}

/// A second connection to a catalog's file that only copies the write-ahead log back into the
/// database (a checkpoint). A bulk import runs one on its own thread, so that the copying and
/// its fsyncs happen while the import goes on writing, instead of inside every commit.
/// Checkpoints are SQLite's own crash-safe operation: they change where committed pages live,
/// never what is committed.
pub(crate) struct Checkpointer {
    conn: Connection,
}

impl Catalog {
    pub(crate) fn checkpointer(&self) -> Result<Checkpointer, CoreError> {
        Ok(Checkpointer {
            conn: connect(&self.path)?,
        })
    }
}

impl Checkpointer {
    /// Copies back what it can without waiting for the writer (`PASSIVE`).
    pub(crate) fn checkpoint(&self) -> Result<(), CoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }
}

/// The newest hybrid time this node has issued or observed: its own last entry's (which is the
/// newest of its own, see `changelog::MIGRATION_CHEAPER_APPENDS`) or the highest time of the
/// entries sync pulled from other nodes, whichever is greater.
const NEWEST_HLC: &str = "SELECT max(
    coalesce((SELECT hlc FROM change_log ORDER BY seq DESC LIMIT 1), 0),
    coalesce((SELECT observed_hlc FROM sync_state WHERE id = 1), 0))";

impl Catalog {
    /// Takes a time pulled from another node into account, so later local changes order
    /// after it (the value is also kept in `sync_state.observed_hlc` by the same transaction
    /// that appended the pulled entries).
    pub(crate) fn observe_hlc(&mut self, remote: HlcTimestamp) {
        if remote > self.hlc.last() {
            self.hlc = Hlc::resume(remote);
        }
    }
}

/// One transaction of domain writes, each logged to the change log as it is made.
pub struct Mutation<'c> {
    tx: Transaction<'c>,
    node: NodeId,
    user: &'c str,
    clock: &'c dyn Clock,
    hlc: Hlc,
    ids: &'c uuid::ContextV7,
    /// The `seq` of the first change-log entry this transaction (or, in
    /// [`Catalog::write_each`], this job) appended.
    first_seq: Option<i64>,
    /// Whether the hybrid clock was brought past the log's newest entry in this transaction.
    hlc_checked: bool,
}

impl Mutation<'_> {
    pub(crate) fn conn(&self) -> &Connection {
        &self.tx
    }

    /// Who this transaction acts for (recorded beside blocks, payments and waivers too).
    pub fn user(&self) -> &str {
        self.user
    }

    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// A new UUIDv7 from the injected clock: time-ordered, made offline without collision.
    pub fn new_id(&self) -> Uuid {
        let now = self.clock.now();
        let nanos = now.unix_timestamp_nanos();
        let secs = u64::try_from(nanos.div_euclid(1_000_000_000)).unwrap_or(0);
        let subsec = u32::try_from(nanos.rem_euclid(1_000_000_000)).unwrap_or(0);
        Uuid::new_v7(uuid::Timestamp::from_unix(self.ids, secs, subsec))
    }

    /// Appends the change-log entry for a write just made in this transaction.
    pub(crate) fn log(
        &mut self,
        entity_type: EntityType,
        entity_id: Uuid,
        operation: Operation,
        payload: &impl Serialize,
    ) -> Result<Uuid, CoreError> {
        let payload = serde_json::to_string(payload)?;
        self.log_json(entity_type, entity_id, operation, &payload)
    }

    /// [`Mutation::log`] with the payload already serialized to JSON, for a caller that built
    /// it outside the transaction (the import does, on its reading thread).
    pub(crate) fn log_json(
        &mut self,
        entity_type: EntityType,
        entity_id: Uuid,
        operation: Operation,
        payload: &str,
    ) -> Result<Uuid, CoreError> {
        if !self.hlc_checked {
            // Another program may have the catalog open too (the desktop app and the command
            // line), each with its own clock: the first entry of a transaction, which holds
            // the write lock by now, starts after the newest one in the log. So `hlc` always
            // grows with `seq`, which is how a catalog finds its newest time when it opens.
            let newest: i64 = self
                .tx
                .prepare_cached(NEWEST_HLC)?
                .query_row([], |r| r.get(0))?;
            let newest = HlcTimestamp::from_u64(newest as u64);
            if newest > self.hlc.last() {
                self.hlc = Hlc::resume(newest);
            }
            self.hlc_checked = true;
        }
        let change_id = self.new_id();
        let now = self.clock.now();
        let hlc = self.hlc.tick(now);
        changelog::append(
            &self.tx,
            &changelog::NewChange {
                change_id,
                entity_type,
                entity_id,
                operation,
                payload,
                hlc,
                origin_node: self.node,
                user: self.user,
                recorded_at: now,
            },
        )?;
        if self.first_seq.is_none() {
            self.first_seq = Some(self.tx.last_insert_rowid());
        }
        Ok(change_id)
    }

    /// Opens, releases or rolls back to a job's savepoint ([`Catalog::write_each`]).
    /// Commits the transaction; gives back the clock as its last entry left it.
    fn commit(self) -> Result<Hlc, CoreError> {
        let Mutation { tx, hlc, .. } = self;
        tx.commit()?;
        Ok(hlc)
    }

    fn savepoint(&self, sql: &str) -> Result<(), CoreError> {
        self.tx.prepare_cached(sql)?.execute([])?;
        Ok(())
    }

    /// The change-log entries this transaction appended so far, as the `seq` range
    /// `(after, through]`; `None` when it appended none. The transaction holds the write lock
    /// from its first write on, and every entry follows a write, so no other writer's entry
    /// lies in between. (An entry rolled back to a savepoint gives its `seq` back to the next.)
    pub(crate) fn logged(&self) -> Result<Option<(i64, i64)>, CoreError> {
        let Some(first) = self.first_seq else {
            return Ok(None);
        };
        let through = changelog::count(&self.tx)? as i64;
        Ok((through >= first).then_some((first - 1, through)))
    }
}

/// Looks at whatever is at `path` without changing it.
fn inspect(path: &Path) -> Result<Found, CoreError> {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Found::Nothing),
        Err(source) => {
            return Err(CoreError::Unavailable {
                path: path.into(),
                source,
            });
        }
    };
    if meta.is_dir() {
        return Err(not_a_catalog(path, "it is a folder, not a file"));
    }
    if meta.len() == 0 {
        return Ok(Found::EmptyFile);
    }
    // Only SQLite opens the file, never `std::fs`: its locks are POSIX locks, and the kernel
    // drops every lock this process holds on the file when any descriptor of it is closed.
    // Another connection of this program (the app's window, a SIP2 server) would lose its
    // locks, and the next process to close the catalog would take it for unused, fold the
    // write-ahead log in and delete it while that connection still writes there (SQLite keeps
    // its own descriptors open until no lock needs them). SQLite says "not a database" itself.
    let not_sqlite = |e: rusqlite::Error| {
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) {
            not_a_catalog(path, "it is not an SQLite database")
        } else {
            damaged(path, e)
        }
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(not_sqlite)?;
    let probe = || -> Result<(i32, u32, i64), rusqlite::Error> {
        let app_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
        let version: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        Ok((app_id, version, tables))
    };
    let (app_id, version, tables) = probe().map_err(not_sqlite)?;
    if app_id != APPLICATION_ID {
        if app_id == 0 && tables == 0 {
            return Ok(Found::EmptyFile);
        }
        return Err(not_a_catalog(
            path,
            "it is an SQLite database made by another program",
        ));
    }
    if version > SCHEMA_VERSION {
        return Err(CoreError::TooNew {
            path: path.into(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    // Reading the node row touches the catalog's own pages, which finds most damage early.
    if version >= 1 {
        conn.query_row("SELECT count(*) FROM catalog_meta", [], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(|e| damaged(path, e))?;
    }
    Ok(Found::Catalog { version })
}

fn not_a_catalog(path: &Path, reason: &str) -> CoreError {
    CoreError::NotACatalog {
        path: path.into(),
        reason: reason.into(),
    }
}

fn damaged(path: &Path, e: rusqlite::Error) -> CoreError {
    CoreError::Corrupt {
        path: path.into(),
        detail: e.to_string(),
    }
}

/// Refuses a catalog whose file or folder is marked read-only. Checked from the permission
/// bits, not by trying a write, so the file is never touched and the check also holds for root.
fn refuse_read_only(path: &Path) -> Result<(), CoreError> {
    let read_only = |p: &Path| {
        fs::metadata(p)
            .map(|m| m.permissions().readonly())
            .unwrap_or(false)
    };
    if read_only(path) {
        return Err(CoreError::ReadOnly {
            path: path.into(),
            why: "the file is marked read-only".into(),
        });
    }
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if read_only(folder) {
        return Err(CoreError::ReadOnly {
            path: path.into(),
            why: format!(
                "its folder {} is read-only, and SQLite writes its journal beside the file",
                folder.display()
            ),
        });
    }
    Ok(())
}

/// Whether [`connect`] is making a new catalog (only then is its page size chosen).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Making {
    New,
    Existing,
}

fn connect(path: &Path) -> Result<Connection, CoreError> {
    connect_for(path, Making::Existing)
}

fn connect_for(path: &Path, making: Making) -> Result<Connection, CoreError> {
    let conn = Connection::open(path).map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ReadOnly) => CoreError::ReadOnly {
            path: path.into(),
            why: e.to_string(),
        },
        _ => CoreError::Unavailable {
            path: path.into(),
            source: std::io::Error::other(e.to_string()),
        },
    })?;
    // First, so that even switching to WAL waits for another program instead of failing.
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Pragmas are per connection and live outside the migrations. The page size takes effect
    // only on an empty file and must come before WAL mode (which fixes it). Only for a new
    // catalog: on an existing one SQLite keeps the file's, but would give its `VACUUM INTO`
    // backups the size asked for.
    if making == Making::New {
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    }
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // After a checkpoint lets the WAL start over, SQLite cuts the file back to this size; a
    // large import would otherwise leave a WAL of gigabytes beside the catalog for good.
    conn.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT)?;
    // A check-out runs some thirty different statements and a reader's account as many:
    // with rusqlite's default of 16 cached, each pushed the next out, and every statement
    // was planned again each time.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

fn create(path: &Path, options: CatalogOptions) -> Result<Catalog, CoreError> {
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(folder).map_err(|source| CoreError::Unavailable {
            path: path.into(),
            source,
        })?;
        refuse_read_only(path)?;
    }
    let existed = path.exists();
    let result = (|| {
        let mut conn = connect_for(path, Making::New)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        migrate(&mut conn, path, 0)?;
        finish_open(conn, path, options)
    })();
    if result.is_err() && !existed {
        // Leave no half-made catalog behind for the next start to trip over.
        for suffix in ["", "-wal", "-shm"] {
            let _ = fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    result
}

fn open_existing(path: &Path, version: u32, options: CatalogOptions) -> Result<Catalog, CoreError> {
    let mut conn = connect(path)?;
    if version < SCHEMA_VERSION {
        back_up_before_upgrade(&conn, path, version, options.clock.now())?;
        migrate(&mut conn, path, version)?;
    }
    finish_open(conn, path, options)
}

fn back_up_before_upgrade(
    conn: &Connection,
    path: &Path,
    version: u32,
    now: OffsetDateTime,
) -> Result<(), CoreError> {
    let backup = PathBuf::from(format!(
        "{}.v{version}-{}.bak",
        path.display(),
        now.unix_timestamp()
    ));
    conn.execute("VACUUM INTO ?1", params![backup.display().to_string()])
        .map_err(|e| CoreError::Migration {
            path: path.into(),
            target: SCHEMA_VERSION,
            detail: format!("could not write the backup {} first: {e}", backup.display()),
        })?;
    Ok(())
}

fn migrate(conn: &mut Connection, path: &Path, from: u32) -> Result<(), CoreError> {
    migrations::all()
        .to_latest(conn)
        .map_err(|e| CoreError::Migration {
            path: path.into(),
            target: SCHEMA_VERSION,
            detail: format!("from version {from}: {e}"),
        })
}

fn finish_open(
    conn: Connection,
    path: &Path,
    options: CatalogOptions,
) -> Result<Catalog, CoreError> {
    let node = ensure_node_id(&conn, path, options.clock.now())?;
    // An import killed while it had indexes set aside left them for the next open to build.
    deferred::restore(&conn)?;
    // Every entry was stamped by this node's clock, which only moves forward, so the newest
    // time is the last entry's: read from the end of the table, with no index on `hlc` to
    // keep up on every append (see `changelog::MIGRATION_CHEAPER_APPENDS`).
    // Entries pulled by sync keep their origin's times, so the highest time observed is kept
    // beside the log (`sync_state.observed_hlc`) and the clock resumes after the greater.
    let last: i64 = conn.query_row(NEWEST_HLC, [], |r| r.get(0))?;
    let hlc = Hlc::resume(HlcTimestamp::from_u64(last as u64));
    let checkpoints = BackgroundCheckpoints::start(path);
    if checkpoints.running() {
        conn.pragma_update(None, "wal_autocheckpoint", BACKSTOP_AUTOCHECKPOINT)?;
    }
    Ok(Catalog {
        conn,
        path: path.to_path_buf(),
        node,
        clock: options.clock,
        hlc,
        ids: uuid::ContextV7::new(),
        checkpoints,
        commits: 0,
    })
}

/// The node id is made once, on first open, and kept in the catalog.
fn ensure_node_id(
    conn: &Connection,
    path: &Path,
    now: OffsetDateTime,
) -> Result<NodeId, CoreError> {
    let existing: Option<String> = conn
        .query_row(
            "SELECT value FROM catalog_meta WHERE key = 'node_id'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(text) = existing {
        return Uuid::parse_str(&text)
            .map(NodeId)
            .map_err(|e| CoreError::Corrupt {
                path: path.into(),
                detail: format!("the stored node id {text:?} is not a UUID: {e}"),
            });
    }
    let nanos = now.unix_timestamp_nanos();
    let node = NodeId(Uuid::new_v7(uuid::Timestamp::from_unix(
        uuid::NoContext,
        u64::try_from(nanos / 1_000_000_000).unwrap_or(0),
        u32::try_from(nanos.rem_euclid(1_000_000_000)).unwrap_or(0),
    )));
    conn.execute(
        "INSERT INTO catalog_meta (key, value) VALUES ('node_id', ?1), ('created_at', ?2)",
        params![node.to_string(), crate::text::rfc3339(now)],
    )?;
    Ok(node)
}

#[cfg(test)]
mod tests;
