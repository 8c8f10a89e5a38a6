//! Importing MARC files: every format the MARC engine reads, streamed, committed in batches,
//! every change logged, and safe to re-run after a crash.
//!
//! How a file goes in:
//! - The file's content is hashed (SHA-256) first; the hash names the *source*.
//! - Records are read one at a time (`shelfmark_marc::reader`) and written in batches of
//!   [`ImportOptions::batch_size`], one transaction per batch, so memory stays flat and a kill
//!   loses at most the batch being written.
//! - Each record is matched (none, by 001, or by ISBN in either form) and then added,
//!   overlaid or skipped as `--on-match` says; its embedded holdings become items
//!   (`holdings::embedded`), creating the branches they name.
//! - In the same transaction, the *import ledger* (`import_sources`) records (source, record
//!   number) → record id. A re-run of the same file skips every record number already in the
//!   ledger, whatever the match policy, so re-running after a crash or a `kill -9` adds nothing
//!   twice; and since a record, its items, its change-log entries and its ledger row commit
//!   together, no half record is ever left.
//! - A record that fails while being written (a database constraint, a MARC record too long to
//!   store) is refused alone: the batch is rolled back and written again with one savepoint per
//!   record, the failing one rolled back to its savepoint, reported, and the batch goes on.
//!   (Savepoints only on that slow path: each costs a copy of every page a record touches.)
//!   Bad records never stop an import; they are listed in the [`ImportReport`].
//!
//! The ledger is this node's bookkeeping of where its records came from, like `sync_state`:
//! it is not a domain entity and is not written to the change log.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use rusqlite::params;
use serde::Serialize;
use sha2::{Digest, Sha256};
use shelfmark_marc::{Diagnostic, Format, ReadResult, Record, Severity, reader};
use uuid::Uuid;

use super::extract::Extracted;
use super::records;
use crate::error::CoreError;
use crate::holdings::embedded::{EmbeddedItem, HoldingsMap, items_in};
use crate::holdings::{self, ItemDetails, NewBranch, NewItem};
use crate::search::{FedIndex, Feed, Holding, SearchIndex};
use crate::store::{Catalog, Mutation, deferred};

/// Schema version 5: the import ledger.
pub(crate) const MIGRATION_IMPORT_LEDGER: &str = "
CREATE TABLE import_sources (
    source         TEXT NOT NULL,
    record_number  INTEGER NOT NULL,
    record_id      TEXT NOT NULL REFERENCES records (id),
    outcome        TEXT NOT NULL CHECK (outcome IN ('added', 'overlaid', 'skipped')),
    PRIMARY KEY (source, record_number)
) STRICT, WITHOUT ROWID;
";

/// Part of schema version 7 (see `changelog::MIGRATION_CHEAPER_APPENDS`, run with it): the
/// ledger's `outcome` check as comparisons, not an `IN` list that SQLite evaluates by building a
/// temporary b-tree on every insert. The same rule, so the stored schema is edited in place.
pub(crate) const MIGRATION_LEDGER_CHECK: &str = "
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql,
       'CHECK (outcome IN (''added'', ''overlaid'', ''skipped''))',
       'CHECK (outcome = ''added'' OR outcome = ''overlaid'' OR outcome = ''skipped'')')
 WHERE type = 'table' AND name = 'import_sources';
PRAGMA writable_schema = RESET;
";

/// What an incoming record is matched against the catalog by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchOn {
    /// Every record is new.
    None,
    /// The same 001 (trimmed, NFC).
    ControlNumber,
    /// Any ISBN in common, ISBN-10 and ISBN-13 forms being the same number.
    Isbn,
}

/// What to do with an incoming record that matches one in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OnMatch {
    /// Keep the catalog's record; the incoming one is not written.
    Skip,
    /// Replace the catalog's record's MARC (the oldest, when several match); items are kept
    /// and the incoming holdings add the items whose barcodes are new.
    Overlay,
    /// Add the incoming record as a new one anyway.
    Add,
}

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub match_on: MatchOn,
    pub on_match: OnMatch,
    /// Records per transaction.
    pub batch_size: usize,
    /// The embedded-holdings mappings applied to every record.
    pub holdings: Vec<HoldingsMap>,
    /// An import of about this many records or more (judged by the file's size), that also
    /// adds at least a quarter of what the catalog holds, sets the indexes whose keys arrive
    /// in no order aside and builds them once at the end (see `store::deferred`).
    pub set_aside_indexes_from: u64,
    /// Set from elsewhere (the Cancel button) to stop the import between two batches: the
    /// batches committed stay, the one in hand is not written, and the report says
    /// `cancelled`. Re-running the same file later goes on where it stopped (the ledger).
    pub cancel: Option<Arc<AtomicBool>>,
    /// Told each [`ImportStage`] as the import passes it, on the thread doing the work: how a
    /// caller times the phases (the import benchmark does). The import keeps no time itself.
    pub stages: Option<StageObserver>,
}

impl ImportOptions {
    fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
    }

    fn stage(&self, stage: ImportStage) {
        if let Some(observer) = &self.stages {
            (observer.0)(stage);
        }
    }
}

/// A point an import passes, for [`ImportOptions::stages`]. Each comes from the thread that
/// does that work (`import-read`, `import-write`, `import-index`, `import-checkpoint`, or the
/// caller's), so that spans of one thread never overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStage {
    /// The file is hashed and the catalog made ready; the threads start.
    Started,
    /// The reading thread has read, parsed and prepared the whole file.
    ReadingDone,
    /// The writer begins a batch (its transaction).
    BatchBegins,
    /// The writer has committed a batch.
    BatchCommitted,
    /// The writer waits for a checkpoint to finish (see `WAL_RESTART_EVERY`).
    CheckpointWaitBegins,
    CheckpointWaitEnds,
    /// The writer has committed the last batch.
    WritingDone,
    /// The indexes set aside for the import are being built again.
    IndexesRestoreBegins,
    IndexesRestoreEnds,
    /// The search index fed during the import commits (and merges its segments).
    SearchCommitBegins,
    SearchCommitEnds,
    /// The checkpoint thread has made its last checkpoint.
    LastCheckpointEnds,
    /// `import_file` returns.
    Finished,
}

/// Whoever wants to know the [`ImportStage`]s an import passes.
#[derive(Clone)]
pub struct StageObserver(pub Arc<dyn Fn(ImportStage) + Send + Sync>);

impl fmt::Debug for StageObserver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StageObserver")
    }
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            match_on: MatchOn::ControlNumber,
            on_match: OnMatch::Skip,
            batch_size: 5_000,
            holdings: HoldingsMap::built_in().to_vec(),
            set_aside_indexes_from: SET_ASIDE_FROM,
            cancel: None,
            stages: None,
        }
    }
}

/// What became of a record, or of one of its items, that had a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemOutcome {
    /// The record was not imported.
    RecordRefused,
    /// The record was imported without this item.
    ItemSkipped,
    /// The record was imported; this is worth a look.
    Imported,
}

/// One problem, located the way a cataloger finds it in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportProblem {
    pub file: String,
    /// 1-based number of the record in the file.
    pub record: Option<u64>,
    /// Byte offset of the record (or the fault) when the reader knows it.
    pub offset: Option<u64>,
    pub control_number: Option<String>,
    /// The field at fault (`LDR`, `245`, `952`).
    pub field: Option<String>,
    pub severity: Severity,
    pub outcome: ProblemOutcome,
    pub reason: String,
}

impl fmt::Display for ImportProblem {
    /// `error: vendor.mrc record 3 (001 ocm1), byte 4410, field 952: reason (item skipped)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{severity}: {}", self.file)?;
        if let Some(r) = self.record {
            write!(f, " record {r}")?;
        }
        if let Some(c) = &self.control_number {
            write!(f, " (001 {c})")?;
        }
        if let Some(o) = self.offset {
            write!(f, ", byte {o}")?;
        }
        if let Some(t) = &self.field {
            write!(f, ", field {t}")?;
        }
        let outcome = match self.outcome {
            ProblemOutcome::RecordRefused => "record not imported",
            ProblemOutcome::ItemSkipped => "item skipped, record imported",
            ProblemOutcome::Imported => "record imported",
        };
        write!(f, ": {} ({outcome})", self.reason)
    }
}

/// What an import did, over one or more files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub files: u64,
    /// Records read from the files, good or bad.
    pub read: u64,
    pub added: u64,
    pub overlaid: u64,
    /// Matched a catalog record and left it as it was (`--on-match skip`).
    pub skipped: u64,
    /// Already imported from this same file by an earlier (perhaps interrupted) run.
    pub already_imported: u64,
    pub failed: u64,
    pub items_added: u64,
    pub items_skipped: u64,
    pub branches_created: u64,
    pub problems: Vec<ImportProblem>,
    /// Stopped by [`ImportOptions::cancel`]: whole batches only were committed.
    pub cancelled: bool,
}

impl ImportReport {
    fn merge_counts(&mut self, other: &Tally) {
        self.added += other.added;
        self.overlaid += other.overlaid;
        self.skipped += other.skipped;
        self.items_added += other.items_added;
        self.items_skipped += other.items_skipped;
        self.branches_created += other.branches_created;
    }
}

/// How far an import is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportProgress {
    pub file_bytes: u64,
    pub bytes_read: u64,
    pub records: u64,
}

/// The SHA-256 of everything `input` gives, as lowercase hex: the name of an import source.
pub fn content_hash(mut input: impl Read) -> io::Result<String> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Counts the bytes the MARC reader has taken, for progress (read on the writing thread).
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The format of `path`: as given, else from its extension, else from its first bytes.
pub fn detect_format(path: &Path, given: Option<Format>) -> Result<Format, CoreError> {
    if let Some(f) = given.or_else(|| Format::from_path(path)) {
        return Ok(f);
    }
    let file = File::open(path).map_err(|source| CoreError::ImportSource {
        path: path.into(),
        source,
    })?;
    let mut head = BufReader::with_capacity(8192, file);
    let bytes = head.fill_buf().map_err(|source| CoreError::ImportSource {
        path: path.into(),
        source,
    })?;
    Format::sniff(bytes).ok_or_else(|| CoreError::UnknownFormat { path: path.into() })
}

/// Brings the search index beside `catalog` up to date after an import that changed `changed`
/// records (added or overlaid). An import that fed the index as it went (see [`import_file`])
/// leaves it level with the catalog, and it is only opened. Otherwise, catching up re-reads each change from the log and costs about
/// twice as much per record as building from scratch, so when the import changed more than
/// half the catalog the index is rebuilt instead; otherwise it is opened, which catches it up
/// (or rebuilds it when it is missing or unusable). Either way it reflects every commit.
pub fn update_search_index(catalog: &Catalog, changed: u64) -> Result<SearchIndex, CoreError> {
    if let Some(index) = SearchIndex::current(catalog)? {
        return Ok(index);
    }
    let records: u64 = catalog
        .conn()
        .query_row("SELECT count(*) FROM records", [], |r| r.get(0))?;
    if changed.saturating_mul(2) > records {
        return SearchIndex::rebuild(catalog, |_, _| {}).map(|(index, _)| index);
    }
    SearchIndex::open(catalog)
}

/// Records committed between two checkpoints of an import. Each checkpoint copies every page
/// changed since the one before and syncs twice; index pages (sort titles, barcodes, ISBNs)
/// change in every batch, so checkpointing after each batch of 1000 copied them ever again.
const CHECKPOINT_EVERY: u64 = 10_000;

/// Records committed between two points where the writer waits for a checkpoint to finish.
/// The background checkpoints copy the WAL back, but the writer is always inside its next
/// batch by then, and SQLite starts the WAL over only when a write transaction begins with
/// everything copied: without these pauses a 1,000,000-record import left a WAL of 6 GB.
/// Measured at 1,000,000 records (idle machine, end to end): every 50,000 → 17,800–19,400
/// records/s (20 waits, 3.5–4.1 s of them); every 100,000 → 19,900–20,400/s (10 waits,
/// 1.4–1.9 s); every 200,000 → 18,900/s (the larger WAL slows every batch more than the 5
/// waits save); every 10,000 was slower still.
const WAL_RESTART_EVERY: u64 = 100_000;

/// The size of import from which indexes are set aside (see `ImportOptions`). At 100,000
/// records keeping them up costs little; at 1,000,000 it was most of the writing.
const SET_ASIDE_FROM: u64 = 50_000;

/// What an ISO 2709 record takes, on average, in the files libraries import; a MARCXML file
/// is larger, so its size overstates its records, which only sets indexes aside sooner.
const BYTES_PER_RECORD: u64 = 1_000;

/// The indexes whose keys an import adds in no order, which are set aside for a large one:
/// the title order (lists only) and, unless the import matches on them, the ISBNs. The
/// control numbers stay: the default matching looks them up for every record.
fn indexes_to_set_aside(
    catalog: &Catalog,
    file_bytes: u64,
    options: &ImportOptions,
) -> Result<Vec<&'static str>, CoreError> {
    let incoming = file_bytes / BYTES_PER_RECORD;
    if incoming < options.set_aside_indexes_from {
        return Ok(Vec::new());
    }
    // The highest rowid stands in for the count, which a large catalog takes a while to give.
    let held: i64 =
        catalog
            .conn()
            .query_row("SELECT coalesce(max(rowid), 0) FROM records", [], |r| {
                r.get(0)
            })?;
    if incoming.saturating_mul(4) < held.max(0) as u64 {
        return Ok(Vec::new());
    }
    let mut names = vec!["records_sort_title"];
    if options.match_on != MatchOn::Isbn {
        names.push("record_identifiers_value");
    }
    Ok(names)
}

/// Imports one file into `catalog` on behalf of `user`, adding to `report`. Fails only when the
/// file cannot be read at all or the catalog cannot be written; bad records are reported.
///
/// Four threads, named for profiles: one (`import-read`) reads, parses, extracts and prepares
/// each record (all pure work, see [`records::prepare`]), handing whole batches over a channel
/// of two; `import-write` matches and writes them (this thread only reports progress);
/// `import-checkpoint` copies the WAL back into the database every few commits; and
/// `import-index` adds each committed batch's records to the search index (a [`Feed`], when the index was
/// level with the catalog or the catalog empty when the import began), which commits after
/// the last batch. So SQLite is writing one batch while the next is being parsed and the one
/// before indexed, and at most six batches are in memory (one being prepared, two waiting,
/// one being written, at most two being indexed). The index work would otherwise follow the
/// import, as a catch-up or rebuild that reads every record back and parses it again.
pub fn import_file(
    catalog: &mut Catalog,
    user: &str,
    path: &Path,
    format: Option<Format>,
    options: &ImportOptions,
    report: &mut ImportReport,
    mut progress: impl FnMut(ImportProgress),
) -> Result<(), CoreError> {
    let unreadable = |source: io::Error| CoreError::ImportSource {
        path: path.into(),
        source,
    };
    let mut file = File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if meta.is_dir() {
        return Err(unreadable(io::Error::other("it is a folder, not a file")));
    }
    let format = detect_format(path, format)?;
    let source = content_hash(&mut file).map_err(unreadable)?;
    file.seek(SeekFrom::Start(0)).map_err(unreadable)?;
    let count = Arc::new(AtomicU64::new(0));
    let stream = Counting {
        inner: BufReader::with_capacity(1 << 16, file),
        count: count.clone(),
    };
    // Best effort: an index that cannot be fed now is brought up to date afterwards.
    let feed = Feed::start(catalog).ok().flatten();
    let set_aside = indexes_to_set_aside(catalog, meta.len(), options)?;
    if !set_aside.is_empty() {
        deferred::set_aside(catalog.conn(), &set_aside)?;
    }
    // The record numbers an earlier run of this same file committed, read once.
    let in_ledger: HashSet<u64> = catalog
        .conn()
        .prepare("SELECT record_number FROM import_sources WHERE source = ?1")?
        .query_map(params![source], |r| r.get::<_, i64>(0))?
        .map(|n| n.map(|n| n as u64))
        .collect::<Result<_, _>>()?;
    let mut importer = Importer {
        file: path.display().to_string(),
        source,
        options,
        branches: HashMap::new(),
        guarded: false,
        needs_guard: false,
        feeding: feed.is_some(),
    };
    let batch_size = options.batch_size.max(1);
    report.files += 1;
    let (sender, batches) = sync_channel::<Batch>(2);
    let checkpointer = catalog.checkpointer()?;
    // Last before the threads: from here on every way out puts the settings back.
    let settings = start_bulk_load(catalog)?;
    // One pending request is enough: a checkpoint copies everything committed before it. A
    // request may carry a way to say it is done, for the writer to wait on (see
    // WAL_RESTART_EVERY).
    let (committed, commits) = sync_channel::<Option<SyncSender<()>>>(1);
    let mut checkpointed = 0;
    let mut restarted = 0;
    // A batch goes to the indexing thread once committed; one waits while one is indexed.
    let (to_index, indexed) = sync_channel::<ToIndex>(1);
    // Progress is reported on this thread (the caller's callback need not be `Send`): the
    // writing thread sends the number of records committed after each batch and waits until
    // the callback has returned, so that a cancel it sets is seen before the next batch, as
    // when the writing was done on this thread.
    let (committed_through, progressed) = sync_channel::<u64>(0);
    let (reported, report_done) = sync_channel::<()>(0);
    let writing = &mut *catalog;
    options.stage(ImportStage::Started);
    let ran = std::thread::scope(|scope| {
        // Owned here, so that a panicking progress callback drops them and the writing thread
        // it leaves waiting goes on (the scope waits for it).
        let (progressed, reported) = (progressed, reported);
        let in_ledger = &in_ledger;
        let no_thread = |name: &str, e: io::Error| CoreError::ImportSource {
            path: path.into(),
            source: io::Error::other(format!("could not start the {name} thread: {e}")),
        };
        // Named, so that a profile (`perf report --sort comm`) tells their work apart.
        // If one cannot be started, those already running end as their channels close.
        let spawn = |name: &'static str| std::thread::Builder::new().name(name.into());
        spawn("import-read")
            .spawn_scoped(scope, move || {
                read_batches(
                    reader(format, stream),
                    options,
                    in_ledger,
                    batch_size,
                    sender,
                )
            })
            .map_err(|e| no_thread("reading", e))?;
        spawn("import-checkpoint")
            .spawn_scoped(scope, move || {
                for done in commits {
                    // Best effort: what is not copied now is copied by the next one, or by the
                    // catalog's own automatic checkpoint once the import is over.
                    let _ = checkpointer.checkpoint();
                    if let Some(done) = done {
                        let _ = done.send(());
                    }
                }
                let _ = checkpointer.checkpoint();
                options.stage(ImportStage::LastCheckpointEnds);
            })
            .map_err(|e| no_thread("checkpoint", e))?;
        let indexer = spawn("import-index")
            .spawn_scoped(scope, move || index_batches(feed, indexed, options))
            .map_err(|e| no_thread("indexing", e))?;
        // Returning early drops `batches`, which stops the reading thread at its next send,
        // `committed`, which ends the checkpointer, and `to_index`, which ends the indexer.
        let writer = spawn("import-write")
            .spawn_scoped(scope, move || {
                let written = write_batches(
                    writing,
                    user,
                    &mut importer,
                    batches,
                    &to_index,
                    report,
                    // `move`: the closure owns `committed`, so it is dropped when the writing
                    // ends.
                    move |records| {
                        if records >= restarted + WAL_RESTART_EVERY {
                            restarted = records;
                            checkpointed = records;
                            let (done, finished) = sync_channel::<()>(1);
                            options.stage(ImportStage::CheckpointWaitBegins);
                            if committed.send(Some(done)).is_ok() {
                                let _ = finished.recv();
                            }
                            options.stage(ImportStage::CheckpointWaitEnds);
                        } else if records >= checkpointed + CHECKPOINT_EVERY {
                            checkpointed = records;
                            let _ = committed.try_send(None);
                        }
                        if committed_through.send(records).is_ok() {
                            let _ = report_done.recv();
                        }
                    },
                );
                // The search index commits on its own thread (only after an import that did
                // not fail, as before) while this one puts the catalog's settings back and
                // builds the indexes set aside (a sort each), so the catalog is whole again
                // when the import returns. Put back even when the import failed; its own
                // error is the one worth reporting.
                if written.is_ok() {
                    let _ = to_index.send(ToIndex::Commit);
                }
                drop(to_index);
                options.stage(ImportStage::IndexesRestoreBegins);
                let restored = end_bulk_load(writing, settings)
                    .and_then(|()| deferred::restore(writing.conn()));
                options.stage(ImportStage::IndexesRestoreEnds);
                written.and(restored)
            })
            .map_err(|e| no_thread("writing", e))?;
        // Ends when the writer does (it owns the sending side).
        for records in progressed {
            progress(ImportProgress {
                file_bytes: meta.len(),
                bytes_read: count.load(Ordering::Relaxed),
                records,
            });
            let _ = reported.send(());
        }
        // A panic is a bug, carried on to the caller as if the writing had been done here.
        let written = writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        // A failed indexer leaves the index as it was: it is caught up afterwards.
        Ok::<_, CoreError>((written, indexer.join().ok().flatten()))
    });
    // Already done by the writing thread; again (a no-op then) for an import whose writing
    // thread never started.
    let restored =
        end_bulk_load(catalog, settings).and_then(|()| deferred::restore(catalog.conn()));
    let (written, fed) = ran?;
    written.and(restored)?;
    // Best effort, as above: an index whose commit failed is caught up from the change log
    // afterwards.
    if let Some(fed) = fed {
        let _ = fed.record(catalog);
    }
    options.stage(ImportStage::Finished);
    Ok(())
}

/// One batch as the reading thread hands it over: each record with its number in the file.
type Batch = Vec<(u64, Incoming)>;

/// What the writer hands the indexing thread.
enum ToIndex {
    /// A committed batch, with what became of it.
    Batch(Batch, BatchOutcome),
    /// The last batch is committed and the import did not fail: commit the index.
    Commit,
}

/// The indexing thread: each committed batch's records into `feed`, committed when the writer
/// says the import is over (after its last SQLite commit). Returns the committed index, whose
/// state is to be recorded, or `None` when there was none, adding to it or committing it
/// failed, or the import failed.
fn index_batches(
    mut feed: Option<Feed>,
    batches: Receiver<ToIndex>,
    options: &ImportOptions,
) -> Option<FedIndex> {
    for message in batches {
        let (batch, outcome) = match message {
            ToIndex::Batch(batch, outcome) => (batch, outcome),
            ToIndex::Commit => {
                let feed = feed.take()?;
                options.stage(ImportStage::SearchCommitBegins);
                let committed = feed.commit().ok();
                options.stage(ImportStage::SearchCommitEnds);
                return committed;
            }
        };
        let Some(f) = feed.as_mut() else {
            continue;
        };
        let mut added = Ok(());
        for fed in &outcome.fed {
            if let Some((_, Incoming::Ready(ready))) = batch.get(fed.at) {
                added = f.add(
                    &fed.id.to_string(),
                    &ready.extracted,
                    &fed.holdings,
                    fed.replaces,
                );
                if added.is_err() {
                    break;
                }
            }
        }
        match (added, outcome.logged) {
            (Err(_), _) => feed = None,
            (Ok(()), Some((after, through))) => f.covers(after, through),
            (Ok(()), None) => {}
        }
    }
    None
}

/// The page cache of a bulk load (see [`start_bulk_load`]).
const BULK_LOAD_CACHE_KIB: i64 = 196_608;

/// The connection's settings a bulk load changes, to put back with [`end_bulk_load`]
/// (`temp_store` stays in memory: it only decides where SQLite keeps temporary tables and
/// sub-journals, which suits the app's connection as well).
#[derive(Clone, Copy)]
struct Settings {
    autocheckpoint: i64,
    cache_size: i64,
}

/// Sets the connection up for a bulk load. Returns the settings to put back afterwards with
/// [`end_bulk_load`] (the app's connection lives on after an import: it must not keep a page
/// cache of 192 MiB).
fn start_bulk_load(catalog: &Catalog) -> Result<Settings, CoreError> {
    let conn = catalog.conn();
    let cache_size: i64 = conn.pragma_query_value(None, "cache_size", |r| r.get(0))?;
    // A bulk load touches index pages all over the records, items and identifiers b-trees
    // (sort titles, barcodes and control numbers arrive in no order); SQLite's default 2 MiB
    // page cache makes every batch re-read them from the OS. At 1,000,000 records those
    // indexes outgrow 64 MiB: 256 MiB measured 24,300 records/s against 22,400 with 16 KiB
    // pages (19,200 against 18,100 with 4 KiB), peak RSS 735 MiB against 540. 192 MiB keeps
    // the peak further from the 1 GiB an import may take.
    conn.pragma_update(None, "cache_size", -BULK_LOAD_CACHE_KIB)?;
    // Each record's savepoint keeps the pages it changes in a sub-journal, a temporary file
    // by default: in memory it costs no write system calls (at most one record's pages).
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // The WAL is copied back into the database by a checkpointer on its own thread (see
    // `import_file`), not by the commit that happens to pass 1000 pages. Committed batches
    // stay as durable as before: a commit in WAL mode survives a crash of the program either
    // way, and a checkpoint syncs the WAL before copying it.
    let autocheckpoint: i64 = conn.pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0))?;
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    Ok(Settings {
        autocheckpoint,
        cache_size,
    })
}

fn end_bulk_load(catalog: &Catalog, settings: Settings) -> Result<(), CoreError> {
    let conn = catalog.conn();
    conn.pragma_update(None, "wal_autocheckpoint", settings.autocheckpoint)?;
    conn.pragma_update(None, "cache_size", settings.cache_size)?;
    Ok(())
}

/// A record as the reading thread hands it over.
enum Incoming {
    /// The reader could not make a record of it.
    Unreadable(Diagnostic),
    /// An earlier run of this file committed it.
    InLedger,
    Ready(Box<Ready>),
}

/// A decoded record, extracted and prepared: everything but what needs the database.
struct Ready {
    warnings: Vec<Diagnostic>,
    extracted: Extracted,
    /// Kept only when it could not be prepared, to tell why while writing (where a failure
    /// refuses the record alone).
    prepared: Result<records::Prepared, Record>,
    items: Vec<EmbeddedItem>,
}

impl Ready {
    /// What the reading thread prepared; when it could not, the record is prepared again
    /// into `again`, which fails and says why (while writing, where it refuses the record alone).
    fn prepared<'r>(
        &'r self,
        again: &'r mut Option<records::Prepared>,
    ) -> Result<&'r records::Prepared, CoreError> {
        match &self.prepared {
            Ok(p) => Ok(p),
            Err(record) => Ok(again.insert(records::prepare(record, &self.extracted)?)),
        }
    }
}

/// The reading thread: records in batches of `batch_size`, each numbered from 1.
fn read_batches(
    records: impl Iterator<Item = ReadResult>,
    options: &ImportOptions,
    in_ledger: &HashSet<u64>,
    batch_size: usize,
    sender: SyncSender<Batch>,
) {
    let mut batch = Vec::with_capacity(batch_size);
    for (i, result) in records.enumerate() {
        if options.cancelled() {
            // Reading on would be wasted work. The empty batch wakes the writer, which sees
            // the flag and reports the import cancelled (it writes no batch after this).
            let _ = sender.send(Vec::new());
            return;
        }
        let n = i as u64 + 1;
        batch.push((n, incoming(result, n, options, in_ledger)));
        if batch.len() == batch_size {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(batch_size));
            if sender.send(full).is_err() {
                // The writer stopped (it failed): nothing more is wanted.
                return;
            }
        }
    }
    options.stage(ImportStage::ReadingDone);
    if !batch.is_empty() {
        let _ = sender.send(batch);
    }
}

fn incoming(
    result: ReadResult,
    n: u64,
    options: &ImportOptions,
    in_ledger: &HashSet<u64>,
) -> Incoming {
    let decoded = match result {
        Ok(d) => d,
        Err(d) => return Incoming::Unreadable(d),
    };
    if in_ledger.contains(&n) {
        return Incoming::InLedger;
    }
    let record = decoded.record;
    let extracted = Extracted::of(&record);
    let items = items_in(&options.holdings, &record);
    let prepared = records::prepare(&record, &extracted).map_err(|_| record);
    Incoming::Ready(Box::new(Ready {
        warnings: decoded.warnings,
        extracted,
        prepared,
        items,
    }))
}

/// Writes one batch in its own transaction.
fn write_batch(
    catalog: &mut Catalog,
    user: &str,
    importer: &mut Importer<'_>,
    batch: &Batch,
) -> Result<BatchOutcome, CoreError> {
    // Optimistic first: no savepoint per record. Only if a record fails is the batch rolled
    // back and written again with one savepoint per record, so that the failing record is
    // refused alone. Savepoints cost a copy of every page a record touches.
    importer.guarded = false;
    importer.needs_guard = false;
    importer.options.stage(ImportStage::BatchBegins);
    let mut outcome = catalog.write(user, |m| importer.batch(m, batch));
    if outcome.is_err() && importer.needs_guard {
        importer.branches.clear();
        importer.guarded = true;
        outcome = catalog.write(user, |m| importer.batch(m, batch));
    }
    importer.options.stage(ImportStage::BatchCommitted);
    outcome
}

/// The writing thread's loop: one transaction per batch, as it arrives.
fn write_batches(
    catalog: &mut Catalog,
    user: &str,
    importer: &mut Importer<'_>,
    batches: Receiver<Batch>,
    to_index: &SyncSender<ToIndex>,
    report: &mut ImportReport,
    mut progress: impl FnMut(u64),
) -> Result<(), CoreError> {
    for batch in batches {
        if importer.options.cancelled() {
            // Checked before a batch, never inside one: a cancelled import commits whole
            // batches only, and this batch is left for a re-run (the ledger skips the rest).
            report.cancelled = true;
            return Ok(());
        }
        let Some(&(last, _)) = batch.last() else {
            continue;
        };
        report.read += batch.len() as u64;
        match write_batch(catalog, user, importer, &batch) {
            Ok(mut done) => {
                report.merge_counts(&done.tally);
                report.already_imported += done.already_imported;
                report.failed += done.failed;
                report.problems.append(&mut done.problems);
                if importer.feeding {
                    // The indexer is gone only when it failed; the index is caught up later.
                    let _ = to_index.send(ToIndex::Batch(batch, done));
                }
            }
            Err(e) => {
                // Branch ids made in the rolled-back batch no longer exist.
                importer.branches.clear();
                return Err(e);
            }
        }
        progress(last);
    }
    importer.options.stage(ImportStage::WritingDone);
    Ok(())
}

#[derive(Default)]
struct Tally {
    added: u64,
    overlaid: u64,
    skipped: u64,
    items_added: u64,
    items_skipped: u64,
    branches_created: u64,
}

#[derive(Default)]
struct BatchOutcome {
    tally: Tally,
    already_imported: u64,
    failed: u64,
    problems: Vec<ImportProblem>,
    /// The records the batch added or overlaid, for the search index.
    fed: Vec<Fed>,
    /// The change-log entries the batch appended, `(after, through]`.
    logged: Option<(i64, i64)>,
}

/// A record a batch added or overlaid, as the search index needs it.
struct Fed {
    /// Its place in the batch (where its extraction is).
    at: usize,
    id: Uuid,
    /// Every item it has once the batch is committed.
    holdings: Vec<Holding>,
    /// Whether it was already in the catalog (its document is replaced).
    replaces: bool,
}

enum Action {
    Add,
    Overlay(Uuid),
    Skip(Uuid),
}

struct Importer<'o> {
    file: String,
    source: String,
    options: &'o ImportOptions,
    /// Branch code → id, for branches known to exist in the open transaction.
    branches: HashMap<String, Uuid>,
    /// Whether each record is written inside its own savepoint.
    guarded: bool,
    /// Set when a record failed outside a savepoint: the batch must be written again guarded.
    needs_guard: bool,
    /// Whether the search index is fed as batches commit (then `BatchOutcome::fed` is kept).
    feeding: bool,
}

impl Importer<'_> {
    /// Writes one batch in the open transaction.
    fn batch(&mut self, m: &mut Mutation<'_>, batch: &Batch) -> Result<BatchOutcome, CoreError> {
        let mut done = BatchOutcome::default();
        for (at, (n, incoming)) in batch.iter().enumerate() {
            self.one(m, at, *n, incoming, &mut done)?;
        }
        done.logged = m.logged()?;
        Ok(done)
    }

    fn problem(
        &self,
        n: u64,
        control_number: Option<&str>,
        field: Option<&str>,
        severity: Severity,
        outcome: ProblemOutcome,
        reason: impl Into<String>,
    ) -> ImportProblem {
        ImportProblem {
            file: self.file.clone(),
            record: Some(n),
            offset: None,
            control_number: control_number.map(str::to_string),
            field: field.map(str::to_string),
            severity,
            outcome,
            reason: reason.into(),
        }
    }

    fn problem_of_diagnostic(
        &self,
        n: u64,
        d: &Diagnostic,
        outcome: ProblemOutcome,
    ) -> ImportProblem {
        ImportProblem {
            file: self.file.clone(),
            record: d.record.or(Some(n)),
            offset: d.offset,
            control_number: d.control_number.clone(),
            field: d.tag.clone(),
            severity: d.severity,
            outcome,
            reason: match &d.position {
                Some(p) => format!("{} (at {p})", d.message),
                None => d.message.clone(),
            },
        }
    }

    fn one(
        &mut self,
        m: &mut Mutation<'_>,
        at: usize,
        n: u64,
        incoming: &Incoming,
        done: &mut BatchOutcome,
    ) -> Result<(), CoreError> {
        let ready = match incoming {
            Incoming::Ready(ready) => ready,
            Incoming::Unreadable(d) => {
                done.failed += 1;
                done.problems
                    .push(self.problem_of_diagnostic(n, d, ProblemOutcome::RecordRefused));
                return Ok(());
            }
            Incoming::InLedger => {
                done.already_imported += 1;
                return Ok(());
            }
        };
        for w in &ready.warnings {
            done.problems
                .push(self.problem_of_diagnostic(n, w, ProblemOutcome::Imported));
        }
        let e = &ready.extracted;
        let cn = e.control_number.as_deref();
        let matches = match self.options.match_on {
            MatchOn::None => Vec::new(),
            MatchOn::ControlNumber => match &e.control_number {
                Some(c) => records::ids_by_control_number(m.conn(), c)?,
                None => Vec::new(),
            },
            MatchOn::Isbn => records::ids_by_identifier(m.conn(), "isbn", &e.isbns)?,
        };
        let action = match (matches.first(), self.options.on_match) {
            (None, _) | (_, OnMatch::Add) => Action::Add,
            (Some(id), OnMatch::Skip) => Action::Skip(*id),
            (Some(id), OnMatch::Overlay) => Action::Overlay(*id),
        };
        if matches.len() > 1 && self.options.on_match == OnMatch::Overlay {
            done.problems.push(self.problem(
                n,
                cn,
                None,
                Severity::Warning,
                ProblemOutcome::Imported,
                format!(
                    "matched {} catalog records; overlaid the oldest ({})",
                    matches.len(),
                    matches[0]
                ),
            ));
        }
        if self.guarded {
            m.conn()
                .prepare_cached("SAVEPOINT import_record")?
                .execute([])?;
        }
        let mut tally = Tally::default();
        let mut problems = Vec::new();
        match self.apply(m, n, ready, action, &mut tally, &mut problems) {
            Ok(fed) => {
                if let Some(mut fed) = fed {
                    fed.at = at;
                    done.fed.push(fed);
                }
                if self.guarded {
                    m.conn()
                        .prepare_cached("RELEASE import_record")?
                        .execute([])?;
                }
                done.tally.added += tally.added;
                done.tally.overlaid += tally.overlaid;
                done.tally.skipped += tally.skipped;
                done.tally.items_added += tally.items_added;
                done.tally.items_skipped += tally.items_skipped;
                done.tally.branches_created += tally.branches_created;
                done.problems.extend(problems);
            }
            Err(err) if !self.guarded => {
                self.needs_guard = true;
                return Err(err);
            }
            Err(err) => {
                m.conn()
                    .prepare_cached("ROLLBACK TO import_record")?
                    .execute([])?;
                m.conn()
                    .prepare_cached("RELEASE import_record")?
                    .execute([])?;
                // A branch made for this record was rolled back with it.
                self.branches.clear();
                done.failed += 1;
                done.problems.push(self.problem(
                    n,
                    cn,
                    None,
                    Severity::Error,
                    ProblemOutcome::RecordRefused,
                    err.to_string(),
                ));
            }
        }
        Ok(())
    }

    fn apply(
        &mut self,
        m: &mut Mutation<'_>,
        n: u64,
        ready: &Ready,
        action: Action,
        tally: &mut Tally,
        problems: &mut Vec<ImportProblem>,
    ) -> Result<Option<Fed>, CoreError> {
        let e = &ready.extracted;
        let mut again = None;
        let (record_id, outcome) = match action {
            Action::Add => {
                let id = records::insert_prepared(m, e, ready.prepared(&mut again)?)?;
                tally.added += 1;
                (id, "added")
            }
            Action::Overlay(id) => {
                records::overlay_prepared(m, id, e, ready.prepared(&mut again)?)?;
                tally.overlaid += 1;
                (id, "overlaid")
            }
            Action::Skip(id) => {
                tally.skipped += 1;
                (id, "skipped")
            }
        };
        let mut holdings = Vec::new();
        if outcome != "skipped" {
            for item in &ready.items {
                self.add_item(m, n, record_id, e, item, tally, problems, &mut holdings)?;
            }
        }
        let fed = match outcome {
            "added" if self.feeding => Some(Fed {
                at: 0,
                id: record_id,
                holdings,
                replaces: false,
            }),
            // An overlaid record keeps the items it had: its holdings are read back.
            "overlaid" if self.feeding => Some(Fed {
                at: 0,
                id: record_id,
                holdings: holdings::branches_and_statuses(m.conn(), record_id)?
                    .into_iter()
                    .map(|(branch, status)| Holding {
                        branch,
                        available: status == "available",
                    })
                    .collect(),
                replaces: true,
            }),
            _ => None,
        };
        m.conn()
            .prepare_cached(
                "INSERT INTO import_sources (source, record_number, record_id, outcome)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                self.source,
                n as i64,
                record_id.to_string(),
                outcome
            ])?;
        Ok(fed)
    }

    /// Adds one embedded item. A problem with the item (no barcode, a barcode already used by
    /// another record, no branch) skips that item and is reported; the record stays imported,
    /// because its description is good and its other copies may be too — refusing it would
    /// lose them over one label that has to be fixed at the shelf anyway.
    #[allow(clippy::too_many_arguments)]
    fn add_item(
        &mut self,
        m: &mut Mutation<'_>,
        n: u64,
        record_id: Uuid,
        e: &Extracted,
        item: &EmbeddedItem,
        tally: &mut Tally,
        problems: &mut Vec<ImportProblem>,
        holdings: &mut Vec<Holding>,
    ) -> Result<(), CoreError> {
        let cn = e.control_number.as_deref();
        macro_rules! skip {
            ($reason:expr) => {{
                tally.items_skipped += 1;
                let reason: String = $reason;
                problems.push(self.problem(
                    n,
                    cn,
                    Some(&item.tag),
                    Severity::Error,
                    ProblemOutcome::ItemSkipped,
                    reason,
                ));
            }};
        }
        let barcode = item.barcode.trim();
        if barcode.is_empty() {
            skip!("the item has no barcode".into());
            return Ok(());
        }
        // The usual case: branches known in this transaction, so nothing below can refuse the
        // item or write anything before its barcode is checked; the insert checks it itself.
        let known = |code: Option<&str>| {
            code.map(str::trim).is_none_or(|c| {
                c.is_empty() || c == item.branch.trim() || self.branches.contains_key(c)
            })
        };
        if !item.branch.trim().is_empty()
            && self.branches.contains_key(item.branch.trim())
            && known(item.holding_branch.as_deref())
        {
            let branch_id = self.branch(m, &item.branch, tally)?;
            let holding_branch_id = match item.holding_branch.as_deref().map(str::trim) {
                Some(code) if !code.is_empty() && code != item.branch.trim() => {
                    Some(self.branch(m, code, tally)?)
                }
                _ => None,
            };
            let (new, details) =
                Self::item_rows(record_id, barcode, branch_id, holding_branch_id, e, item);
            match holdings::add_item_if_barcode_free(m, &new, &details) {
                Ok(Some(_)) => {
                    self.item_added(item, &details, tally, holdings);
                    return Ok(());
                }
                // Taken: told apart below exactly as when it is looked up first.
                Ok(None) => {}
                Err(err @ (CoreError::InvalidInput { .. } | CoreError::BarcodeInUse { .. })) => {
                    skip!(err.to_string());
                    return Ok(());
                }
                Err(other) => return Err(other),
            }
        }
        match holdings::record_of_barcode(m.conn(), barcode)? {
            Some(owner) if owner == record_id => return Ok(()),
            Some(owner) => {
                skip!(format!(
                    "barcode {barcode:?} is already used by an item of record {owner}; barcodes must be unique"
                ));
                return Ok(());
            }
            None => {}
        }
        if item.branch.trim().is_empty() {
            skip!(format!("item {barcode:?} names no branch"));
            return Ok(());
        }
        let branch_id = match self.branch(m, &item.branch, tally) {
            Ok(id) => id,
            Err(CoreError::InvalidInput { reason, value, .. }) => {
                skip!(format!("item {barcode:?}: branch code {value:?}: {reason}"));
                return Ok(());
            }
            Err(other) => return Err(other),
        };
        let holding_branch_id = match item.holding_branch.as_deref().map(str::trim) {
            Some(code) if !code.is_empty() && code != item.branch.trim() => {
                match self.branch(m, code, tally) {
                    Ok(id) => Some(id),
                    Err(CoreError::InvalidInput { .. }) => None,
                    Err(other) => return Err(other),
                }
            }
            _ => None,
        };
        let (new, details) =
            Self::item_rows(record_id, barcode, branch_id, holding_branch_id, e, item);
        match holdings::add_item_with_free_barcode(m, &new, &details) {
            Ok(_) => self.item_added(item, &details, tally, holdings),
            Err(err @ (CoreError::InvalidInput { .. } | CoreError::BarcodeInUse { .. })) => {
                skip!(err.to_string());
            }
            Err(other) => return Err(other),
        }
        Ok(())
    }

    /// The item row and details stored for an embedded item.
    fn item_rows(
        record_id: Uuid,
        barcode: &str,
        branch_id: Uuid,
        holding_branch_id: Option<Uuid>,
        e: &Extracted,
        item: &EmbeddedItem,
    ) -> (NewItem, ItemDetails) {
        let new = NewItem {
            record_id,
            barcode: barcode.to_string(),
            branch_id,
            location: item.location.clone().unwrap_or_default(),
            call_number: item.call_number.clone().or_else(|| e.call_number.clone()),
            item_type: item
                .item_type
                .clone()
                .unwrap_or_else(|| e.material_type.as_str().to_string()),
        };
        let details = ItemDetails {
            status: item.status.clone(),
            holding_branch_id,
            local_number: item.local_number.clone(),
        };
        (new, details)
    }

    fn item_added(
        &self,
        item: &EmbeddedItem,
        details: &ItemDetails,
        tally: &mut Tally,
        holdings: &mut Vec<Holding>,
    ) {
        tally.items_added += 1;
        if self.feeding {
            holdings.push(Holding {
                branch: item.branch.trim().to_string(),
                available: details.status.as_deref().unwrap_or("available") == "available",
            });
        }
    }

    /// The branch with `code`, created (and logged) when the catalog has none.
    fn branch(
        &mut self,
        m: &mut Mutation<'_>,
        code: &str,
        tally: &mut Tally,
    ) -> Result<Uuid, CoreError> {
        let code = code.trim();
        if let Some(id) = self.branches.get(code) {
            return Ok(*id);
        }
        let id = match holdings::branch_by_code(m.conn(), code)? {
            Some(id) => id,
            None => {
                let id = holdings::add_branch(
                    m,
                    &NewBranch {
                        code: code.to_string(),
                        name: code.to_string(),
                    },
                )?;
                tally.branches_created += 1;
                id
            }
        };
        self.branches.insert(code.to_string(), id);
        Ok(id)
    }
}

#[cfg(test)]
mod tests;
