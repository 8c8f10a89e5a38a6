//! The SIP2 TCP server: accepts machines' connections, gives each its own thread, catalog
//! connection and [`Session`], closes idle ones, and stops gracefully. Owns sockets and
//! threads; never answers a message itself (that is the session's).
//!
//! Threads rather than an async runtime: every answer is blocking work, a SQLite transaction
//! and often an Argon2 PIN check that is slow on purpose, which would stall an async executor
//! unless sent to a blocking pool anyway; a branch has tens of kiosks, not thousands, so a
//! thread per connection costs little and keeps the code plain. Each connection opens its own
//! [`Catalog`] (one SQLite connection; a kiosk keeps its connection all day) for its reads:
//! in WAL mode readers run side by side. Writes go through the server's one writer thread,
//! which runs all those waiting in one transaction, each operation one core function in its
//! own savepoint (see `writer.rs`).
//!
//! A connection is closed when nothing arrives for the idle timeout (which also ends
//! half-open connections whose machine vanished without a FIN), when a write cannot complete
//! within [`WRITE_TIMEOUT`], or when the machine sends what no resend can cure. A message cut
//! off by a dropped connection is discarded: only complete messages are acted on.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use shelfmark_core::circulation::sip2::ProvenLogins;
use shelfmark_core::{Catalog, CatalogOptions};

use crate::codec::{Charset, FrameBuffer};
use crate::session::{Answer, Session};
use crate::writer::{Writer, WriterStats};

/// How long a machine may take to read an answer before it is given up on.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// How often a waiting connection or the listener looks at the shutdown flag.
const POLL: Duration = Duration::from_millis(100);

/// What the server listens on and how it answers.
#[derive(Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub catalog_path: PathBuf,
    pub catalog_options: CatalogOptions,
    pub charset: Charset,
    /// A connection with nothing received for this long is closed (default 5 minutes).
    pub idle_timeout: Duration,
    /// Connections served at once; more are refused (closed at once) until one ends.
    pub max_connections: usize,
}

impl ServerConfig {
    pub fn new(listen: SocketAddr, catalog_path: PathBuf) -> ServerConfig {
        ServerConfig {
            listen,
            catalog_path,
            catalog_options: CatalogOptions::default(),
            charset: Charset::Utf8,
            idle_timeout: Duration::from_secs(300),
            max_connections: 256,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(
        "cannot listen on {addr}: {source}. Choose another address or port with --listen, or stop the program using it."
    )]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open the catalog for the SIP2 server: {0}")]
    Catalog(#[from] shelfmark_core::CoreError),
    #[error("the SIP2 listener failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Asks a running server to stop: it takes no new connections, lets each connection finish
/// the message it is answering, closes them and returns from [`Server::run`].
#[derive(Clone)]
pub struct ShutdownHandle(Arc<AtomicBool>);

impl ShutdownHandle {
    pub fn shutdown(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_shut_down(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

pub struct Server {
    listener: TcpListener,
    config: ServerConfig,
    stop: ShutdownHandle,
    /// Every session's writes go through it.
    writer: Writer,
    writer_stats: WriterStats,
    writer_thread: JoinHandle<()>,
    /// The machines' passwords already checked, shared by every session (see
    /// [`ProvenLogins`]).
    logins: Arc<ProvenLogins>,
    open: Arc<AtomicUsize>,
}

/// How many machines are connected now, readable while the server runs (the app's settings
/// show it).
#[derive(Clone)]
pub struct ConnectionCount(Arc<AtomicUsize>);

impl ConnectionCount {
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl Server {
    /// Binds the address and opens the catalog (so a wrong `--db` fails now, not at the first
    /// kiosk).
    pub fn bind(config: ServerConfig) -> Result<Server, ServerError> {
        let writer = Catalog::open(&config.catalog_path, config.catalog_options.clone())?;
        let listener = TcpListener::bind(config.listen).map_err(|source| ServerError::Bind {
            addr: config.listen,
            source,
        })?;
        listener.set_nonblocking(true)?;
        let (writer, writer_stats, writer_thread) = Writer::start(writer)?;
        Ok(Server {
            listener,
            config,
            stop: ShutdownHandle(Arc::new(AtomicBool::new(false))),
            writer,
            writer_stats,
            writer_thread,
            logins: Arc::new(ProvenLogins::new()),
            open: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// The machines' passwords this server has checked (shared by its sessions).
    pub fn proven_logins(&self) -> Arc<ProvenLogins> {
        self.logins.clone()
    }

    pub fn connection_count(&self) -> ConnectionCount {
        ConnectionCount(self.open.clone())
    }

    /// The writer's counts: writes, the transactions they took, its busy time.
    pub fn writer_stats(&self) -> WriterStats {
        self.writer_stats.clone()
    }

    pub fn local_addr(&self) -> Result<SocketAddr, ServerError> {
        Ok(self.listener.local_addr()?)
    }

    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.stop.clone()
    }

    /// Serves until [`ShutdownHandle::shutdown`]; then waits for every connection to close.
    pub fn run(self) -> Result<(), ServerError> {
        let open = self.open.clone();
        let mut threads: Vec<JoinHandle<()>> = Vec::new();
        tracing::info!(target: "shelfmark_sip2", "SIP2 server listening on {}", self.local_addr()?);
        while !self.stop.is_shut_down() {
            match self.listener.accept() {
                Ok((stream, peer)) => {
                    threads.retain(|t| !t.is_finished());
                    if open.load(Ordering::SeqCst) >= self.config.max_connections {
                        tracing::warn!(target: "shelfmark_sip2", "refused {peer}: {} connections already", self.config.max_connections);
                        drop(stream);
                        continue;
                    }
                    open.fetch_add(1, Ordering::SeqCst);
                    let config = self.config.clone();
                    let stop = self.stop.clone();
                    let open = open.clone();
                    let writer = self.writer.clone();
                    let logins = self.logins.clone();
                    let spawned = std::thread::Builder::new()
                        .name(format!("sip2 {peer}"))
                        .spawn(move || {
                            yield_to_the_writer();
                            serve(stream, peer, &config, &stop, writer, logins);
                            open.fetch_sub(1, Ordering::SeqCst);
                        });
                    match spawned {
                        Ok(t) => threads.push(t),
                        Err(e) => {
                            tracing::warn!(target: "shelfmark_sip2", "no thread for {peer}: {e}");
                        }
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => std::thread::sleep(POLL / 4),
                // A connection reset before it was accepted is that connection's problem.
                Err(e) if e.kind() == ErrorKind::ConnectionAborted => {}
                Err(e) => {
                    tracing::warn!(target: "shelfmark_sip2", "accept failed: {e}");
                    std::thread::sleep(POLL);
                }
            }
        }
        for t in threads {
            let _ = t.join();
        }
        // Every session is gone; with the server's own handle the writer's queue closes, and
        // the writer ends once it has answered what was in it.
        drop(self.writer);
        let _ = self.writer_thread.join();
        tracing::info!(target: "shelfmark_sip2", "SIP2 server stopped");
        Ok(())
    }
}

/// One connection, from accept to close. Never panics on what the machine sends: every
/// failure ends in a closed connection and a log line.
fn serve(
    mut stream: TcpStream,
    peer: SocketAddr,
    config: &ServerConfig,
    stop: &ShutdownHandle,
    writer: Writer,
    logins: Arc<ProvenLogins>,
) {
    let setup = stream
        .set_nonblocking(false)
        .and_then(|_| stream.set_read_timeout(Some(POLL)))
        .and_then(|_| stream.set_write_timeout(Some(WRITE_TIMEOUT)))
        .and_then(|_| stream.set_nodelay(true));
    if let Err(e) = setup {
        tracing::warn!(target: "shelfmark_sip2", "{peer}: socket set-up failed: {e}");
        return;
    }
    let mut catalog = match Catalog::open(&config.catalog_path, config.catalog_options.clone()) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(target: "shelfmark_sip2", "{peer}: catalog did not open: {e}");
            return;
        }
    };
    tracing::info!(target: "shelfmark_sip2", "{peer} connected");
    let mut session = Session::sharing(config.charset, writer, logins);
    let mut frames = FrameBuffer::default();
    let mut last_heard = Instant::now();
    // When the message still arriving began: it must be whole within the idle timeout, so
    // a machine (or someone) sending a byte now and then cannot hold a connection forever.
    let mut message_since: Option<Instant> = None;
    let mut chunk = [0u8; 2048];
    let why = loop {
        if stop.is_shut_down() {
            break "the server is stopping".to_string();
        }
        if message_since.is_some_and(|since| since.elapsed() >= config.idle_timeout) {
            break format!(
                "a message took more than {} s to arrive (discarded)",
                config.idle_timeout.as_secs()
            );
        }
        match stream.read(&mut chunk) {
            Ok(0) if frames.has_partial() => {
                break "the machine closed the connection mid-message (discarded)".into();
            }
            Ok(0) => break "the machine closed the connection".into(),
            Ok(n) => {
                last_heard = Instant::now();
                frames.push(&chunk[..n]);
                let answered =
                    match answer_all(&mut frames, &mut session, &mut catalog, &mut stream) {
                        Ok(Answered::Open(count)) => count,
                        Ok(Answered::Closed(reason)) => break reason,
                        Err(e) => break format!("write failed: {e}"),
                    };
                message_since = match (frames.has_partial(), message_since) {
                    (false, _) => None,
                    (true, Some(since)) if answered == 0 => Some(since),
                    (true, _) => Some(last_heard),
                };
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                if last_heard.elapsed() >= config.idle_timeout {
                    break format!("idle for {} s", config.idle_timeout.as_secs());
                }
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => break format!("read failed: {e}"),
        }
    };
    let _ = stream.shutdown(std::net::Shutdown::Both);
    tracing::info!(target: "shelfmark_sip2", "{peer} closed: {why}");
}

/// What answering the buffer's messages left the connection as.
enum Answered {
    /// Open, after answering this many messages.
    Open(usize),
    /// To be closed, for this reason.
    Closed(String),
}

/// Answers every complete message in the buffer.
fn answer_all(
    frames: &mut FrameBuffer,
    session: &mut Session,
    catalog: &mut Catalog,
    stream: &mut TcpStream,
) -> std::io::Result<Answered> {
    let mut answered = 0;
    loop {
        let bytes = match frames.next_message() {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return Ok(Answered::Open(answered)),
            Err(e) => return Ok(Answered::Closed(e.to_string())),
        };
        match session.answer(catalog, &bytes) {
            Answer::Reply(out) => stream.write_all(&out)?,
            Answer::Close { bytes, reason } => {
                if !bytes.is_empty() {
                    stream.write_all(&bytes)?;
                }
                return Ok(Answered::Closed(reason));
            }
        }
        answered += 1;
    }
}

/// A session thread runs a little below normal priority (nice +5), so that the one writer
/// thread, whose commit every waiting kiosk's answer depends on, gets a CPU first when a
/// hundred sessions are runnable at once. Raising one's own nice value needs no privilege;
/// on Linux it is per thread. Elsewhere threads keep their priority.
fn yield_to_the_writer() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: setpriority only reads its three integer arguments; `0` is this thread.
        let _ = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, SESSION_NICE) };
    }
}

/// How far below normal a session thread runs (see [`yield_to_the_writer`]).
#[cfg(target_os = "linux")]
const SESSION_NICE: libc::c_int = 5;
