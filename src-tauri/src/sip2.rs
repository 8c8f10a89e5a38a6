//! The branch's SIP2 server, run by the app while it is open: started from the settings (or at
//! start when it was running last time), stopped from them or when the app ends.
//!
//! What this module must never do: answer SIP2 itself (`shelfmark-sip2` does) or decide
//! anything about circulation.

use std::net::SocketAddr;
use std::sync::Mutex;
use std::thread::JoinHandle;

use shelfmark_core::api::Sip2ServerStatus;
use shelfmark_sip2::codec::Charset;
use shelfmark_sip2::server::{ConnectionCount, Server, ServerConfig, ShutdownHandle};

/// The server thread, when one runs.
struct Running {
    listen: SocketAddr,
    charset: String,
    stop: ShutdownHandle,
    connections: ConnectionCount,
    thread: JoinHandle<Result<(), String>>,
}

/// What the settings screen sees: the running server, or why the last one ended.
#[derive(Default)]
pub struct Sip2Host {
    running: Mutex<Option<Running>>,
    last: Mutex<(Option<String>, Option<String>, String)>,
}

impl Sip2Host {
    /// Starts a server on `listen` over the catalog file; a running one is stopped first.
    pub fn start(
        &self,
        catalog: &std::path::Path,
        listen: &str,
        charset: &str,
    ) -> Sip2ServerStatus {
        self.stop();
        let started = parse(listen, charset).and_then(|(addr, set)| {
            let mut config = ServerConfig::new(addr, catalog.to_path_buf());
            config.charset = set;
            Server::bind(config).map_err(|e| e.to_string())
        });
        match started {
            Ok(server) => {
                let listen = server.local_addr().unwrap_or_else(|_| server_addr(listen));
                let stop = server.shutdown_handle();
                let connections = server.connection_count();
                let thread = std::thread::Builder::new()
                    .name("sip2-server".into())
                    .spawn(move || server.run().map_err(|e| e.to_string()));
                match thread {
                    Ok(thread) => {
                        self.remember(Some(listen.to_string()), None, charset);
                        if let Ok(mut slot) = self.running.lock() {
                            *slot = Some(Running {
                                listen,
                                charset: charset.to_string(),
                                stop,
                                connections,
                                thread,
                            });
                        }
                    }
                    Err(e) => self.remember(
                        Some(listen.to_string()),
                        Some(format!("the SIP2 server thread could not start: {e}")),
                        charset,
                    ),
                }
            }
            Err(e) => self.remember(Some(listen.to_string()), Some(e), charset),
        }
        self.status()
    }

    /// Stops the server (machines connected are let go at their next message or poll).
    pub fn stop(&self) -> Sip2ServerStatus {
        let running = self.running.lock().ok().and_then(|mut slot| slot.take());
        if let Some(r) = running {
            r.stop.shutdown();
            let error = match r.thread.join() {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(e),
                Err(_) => Some("the SIP2 server stopped unexpectedly".to_string()),
            };
            self.remember(Some(r.listen.to_string()), error, &r.charset);
        }
        self.status()
    }

    pub fn status(&self) -> Sip2ServerStatus {
        // A server whose thread ended by itself (the listener failed) is reported stopped,
        // with its error.
        let finished = self
            .running
            .lock()
            .ok()
            .is_some_and(|slot| slot.as_ref().is_some_and(|r| r.thread.is_finished()));
        if finished {
            self.stop();
        }
        if let Ok(slot) = self.running.lock()
            && let Some(r) = slot.as_ref()
        {
            return Sip2ServerStatus {
                running: true,
                listen: Some(r.listen.to_string()),
                charset: r.charset.clone(),
                connections: r.connections.get().try_into().unwrap_or(u32::MAX),
                error: None,
            };
        }
        let (listen, error, charset) =
            self.last
                .lock()
                .map(|l| l.clone())
                .unwrap_or((None, None, "utf-8".into()));
        Sip2ServerStatus {
            running: false,
            listen,
            charset: if charset.is_empty() {
                "utf-8".into()
            } else {
                charset
            },
            connections: 0,
            error,
        }
    }

    fn remember(&self, listen: Option<String>, error: Option<String>, charset: &str) {
        if let Ok(mut last) = self.last.lock() {
            *last = (listen, error, charset.to_string());
        }
    }
}

fn server_addr(listen: &str) -> SocketAddr {
    listen
        .parse()
        .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 6001)))
}

fn parse(listen: &str, charset: &str) -> Result<(SocketAddr, Charset), String> {
    let addr = listen
        .trim()
        .parse::<SocketAddr>()
        .map_err(|_| format!("{listen:?} is not an address and port such as 127.0.0.1:6001"))?;
    let set = Charset::parse(charset).ok_or_else(|| {
        format!("{charset:?} is not a character set here: use utf-8, cp1258 or latin1")
    })?;
    Ok((addr, set))
}
