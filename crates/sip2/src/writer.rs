//! The server's one writer: a thread holding the server's writing [`Catalog`] that runs the
//! sessions' writes, each one core function a session chose. Owns that catalog, the queue
//! and the counts of what it did; never decides a rule, never answers a machine.
//!
//! Group commit: the thread takes every write waiting in the queue and runs them in one
//! SQLite transaction, each in its own savepoint ([`Catalog::write_each`]), then answers them
//! all. A check-out is a dozen statements on pages already in memory; what it cost beyond
//! them, one at a time, was the transaction around it (the write lock, the changed pages
//! written to the WAL, the turn passed from thread to thread), and with 100 kiosks queued,
//! the last waited for 100 of those. A write that fails is rolled back to its savepoint alone
//! and its session gets its refusal; the others are kept. Nothing is answered before the
//! transaction is committed, so a kiosk never hands out a book whose loan was not kept.
//!
//! One thread for every write also gives the node one connection with warm statements and
//! one hybrid clock. Reads and the PIN check (Argon2, slow on purpose) stay on each session's
//! own connection, outside the queue.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use shelfmark_core::{Catalog, CoreError, Mutation};

use crate::session::retry;

/// The most writes one transaction takes. It bounds how long the writer holds the catalog
/// (another program, the desk, waits for it with SQLite's busy timeout): a few dozen
/// milliseconds even when every one of the server's connections wrote at once.
const MAX_GROUP: usize = 128;

/// Hands writes to the writer thread and waits for their answers. Cheap to clone: one per
/// session.
#[derive(Clone)]
pub(crate) struct Writer {
    queue: mpsc::Sender<Job>,
    path: PathBuf,
}

/// What the writer has done since the server started, readable while it runs (the kiosk
/// bench prints it).
#[derive(Clone)]
pub struct WriterStats(Arc<Counts>);

#[derive(Default)]
struct Counts {
    writes: AtomicU64,
    commits: AtomicU64,
    busy_nanos: AtomicU64,
}

impl WriterStats {
    /// Writes run (kept or refused).
    pub fn writes(&self) -> u64 {
        self.0.writes.load(Ordering::Relaxed)
    }

    /// Transactions committed for them: fewer than the writes when they came together.
    pub fn commits(&self) -> u64 {
        self.0.commits.load(Ordering::Relaxed)
    }

    /// Time the writer spent running transactions (its service time, summed).
    pub fn busy(&self) -> Duration {
        Duration::from_nanos(self.0.busy_nanos.load(Ordering::Relaxed))
    }
}

/// A session's write waiting for its turn, with the way back to the session.
struct Job {
    user: String,
    pending: Box<dyn Pending>,
}

/// A write of any result type, run by the writer and answered once its transaction is
/// decided.
trait Pending: Send {
    /// Runs the write, keeping its value for [`Pending::answer`]. May run again when its
    /// transaction had to be given up (nothing of the first run was kept).
    fn run(&mut self, m: &mut Mutation<'_>) -> Result<(), CoreError>;
    /// Sends the session its value, or `outcome`'s error, once the transaction committed.
    fn answer(self: Box<Self>, outcome: Result<(), CoreError>);
}

struct Typed<T, F> {
    work: F,
    value: Option<T>,
    reply: mpsc::SyncSender<Result<T, CoreError>>,
}

impl<T, F> Pending for Typed<T, F>
where
    T: Send,
    F: FnMut(&mut Mutation<'_>) -> Result<T, CoreError> + Send,
{
    fn run(&mut self, m: &mut Mutation<'_>) -> Result<(), CoreError> {
        self.value = Some((self.work)(m)?);
        Ok(())
    }

    fn answer(self: Box<Self>, outcome: Result<(), CoreError>) {
        let Typed { value, reply, .. } = *self;
        let answer = outcome.and_then(|()| value.ok_or_else(writer_gone_error));
        // The session may have gone (its machine hung up): nobody left to tell.
        let _ = reply.send(answer);
    }
}

fn writer_gone_error() -> CoreError {
    CoreError::InvalidInput {
        what: "SIP2 write",
        value: String::new(),
        reason: "the SIP2 server's writer stopped before answering; nothing was kept. Restart the SIP2 server.".into(),
    }
}

impl Writer {
    /// Starts the writer thread on `catalog`. The thread ends when the last [`Writer`] is
    /// dropped and the queue is empty.
    pub(crate) fn start(
        catalog: Catalog,
    ) -> std::io::Result<(Writer, WriterStats, JoinHandle<()>)> {
        let (queue, jobs) = mpsc::channel();
        let counts = Arc::new(Counts::default());
        let path = catalog.path().to_path_buf();
        let thread = {
            let counts = counts.clone();
            std::thread::Builder::new()
                .name("sip2 writer".into())
                .spawn(move || serve(catalog, &jobs, &counts))?
        };
        Ok((Writer { queue, path }, WriterStats(counts), thread))
    }

    /// Runs `work` as `user`'s write in the writer's next transaction and waits for its
    /// answer: its value once committed, or its error (nothing of it kept).
    pub(crate) fn write<T, F>(&self, user: &str, work: F) -> Result<T, CoreError>
    where
        T: Send + 'static,
        F: FnMut(&mut Mutation<'_>) -> Result<T, CoreError> + Send + 'static,
    {
        let (reply, answer) = mpsc::sync_channel(1);
        let job = Job {
            user: user.to_string(),
            pending: Box::new(Typed {
                work,
                value: None,
                reply,
            }),
        };
        let gone = || CoreError::Unavailable {
            path: self.path.clone(),
            source: std::io::Error::other(
                "the SIP2 server's writer has stopped; restart the SIP2 server",
            ),
        };
        self.queue.send(job).map_err(|_| gone())?;
        answer.recv().map_err(|_| gone())?
    }
}

/// The writer thread: a group of waiting writes at a time, until every sender is gone.
fn serve(mut catalog: Catalog, jobs: &mpsc::Receiver<Job>, counts: &Counts) {
    while let Ok(first) = jobs.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let started = Instant::now();
        let writes = group.len() as u64;
        let commits = run_group(&mut catalog, group);
        counts.writes.fetch_add(writes, Ordering::Relaxed);
        counts.commits.fetch_add(commits, Ordering::Relaxed);
        counts.busy_nanos.fetch_add(
            u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }
}

/// Runs a group in one transaction and answers it; the commits it took. When the transaction
/// as a whole fails (another program kept the catalog busy past the timeout, a full disk) or
/// a write panicked, nothing of it was kept, and each write runs again on its own, as before
/// group commit, so each session gets its own answer.
fn run_group(catalog: &mut Catalog, mut group: Vec<Job>) -> u64 {
    let together = catch_unwind(AssertUnwindSafe(|| {
        retry(|| {
            catalog.write_each(group.iter_mut().map(|job| {
                let Job { user, pending } = job;
                (user.as_str(), |m: &mut Mutation<'_>| pending.run(m))
            }))
        })
    }));
    match together {
        Ok(Ok(outcomes)) if outcomes.len() == group.len() => {
            for (job, outcome) in group.into_iter().zip(outcomes) {
                job.pending.answer(outcome);
            }
            1
        }
        failed => {
            if let Ok(Err(e)) = &failed {
                tracing::warn!(target: "shelfmark_sip2", "a group of {} writes failed ({e}); running each alone", group.len());
            }
            let mut commits = 0;
            for Job { user, mut pending } in group {
                // A write that panics alone drops its reply: its session is told the writer
                // stopped, and the others go on.
                let alone = catch_unwind(AssertUnwindSafe(|| {
                    retry(|| catalog.write(&user, |m| pending.run(m)))
                }));
                if let Ok(outcome) = alone {
                    commits += u64::from(outcome.is_ok());
                    pending.answer(outcome);
                }
            }
            commits
        }
    }
}
