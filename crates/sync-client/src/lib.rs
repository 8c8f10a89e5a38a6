//! The branch's side of sync over HTTP, one implementation for the CLI and the desktop app:
//! push this catalog's unsent changes in batches, then pull the other branches' pages, with
//! the protocol header and the branch's bearer token on every request, trying again with
//! backoff and jitter while the server does not answer.
//!
//! Core gives the batches and applies the pages (`shelfmark_core::sync`); this crate only
//! carries them. It is not in core because core must not depend on an HTTP stack. ureq is a
//! small blocking client: the desktop runs a sync on its own thread and the CLI once, so no
//! async runtime is needed.
//!
//! Errors are typed by what a person does about them ([`SyncClientError`]): wait for the
//! server (changes are kept), get a new token, update the branch or the server, trust the
//! server's certificate.
//!
//! What this crate must never do: change the catalog other than through core's sync
//! functions, move the pushed mark before the server acknowledged a batch, or print, log or
//! show the token.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::de::DeserializeOwned;
use shelfmark_core::api::{
    MAX_BATCH, PROTOCOL_HEADER, PullResponse, PushRequest, PushResponse, SYNC_PROTOCOL_VERSION,
    ServerHealth, SyncErrorBody, SyncErrorCode, SyncReport,
};
use shelfmark_core::sync::settings::{self, AttemptOutcome, SyncConnection};
use shelfmark_core::{Catalog, CoreError, sync};

/// Where to sync: the server's address, this branch's token, and (for a server with a private
/// certificate) the PEM file of the certificate authority to trust for it.
#[derive(Clone, PartialEq, Eq)]
pub struct ServerAddress {
    pub url: String,
    pub token: String,
    pub ca_cert: Option<PathBuf>,
}

impl ServerAddress {
    pub fn new(url: impl Into<String>, token: impl Into<String>) -> ServerAddress {
        ServerAddress {
            url: url.into(),
            token: token.into(),
            ca_cert: None,
        }
    }
}

impl From<SyncConnection> for ServerAddress {
    fn from(c: SyncConnection) -> Self {
        ServerAddress {
            url: c.server_url,
            token: c.token,
            ca_cert: c.ca_cert.map(PathBuf::from),
        }
    }
}

impl std::fmt::Debug for ServerAddress {
    /// The token is left out so no debug print or log line carries it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerAddress")
            .field("url", &self.url)
            .field("token", &"(hidden)")
            .field("ca_cert", &self.ca_cert)
            .finish()
    }
}

/// How one sync runs.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Entries per push batch and pull page (1 to [`MAX_BATCH`]).
    pub batch: u32,
    /// Tries per request while the server does not answer.
    pub retries: u32,
    /// Set to stop between requests (and during a wait): what was acknowledged stays
    /// acknowledged, the rest goes with the next sync.
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            batch: 500,
            retries: 5,
            cancel: None,
        }
    }
}

/// A sync that stopped, by what a person can do about it.
#[derive(Debug, thiserror::Error)]
pub enum SyncClientError {
    #[error(
        "the server {url} did not answer after {tries} tries ({last}); your changes are kept here and go out with the next sync"
    )]
    NoAnswer {
        url: String,
        tries: u32,
        last: String,
    },
    #[error(
        "the server refused this branch's token (HTTP 401): {message}. Ask the administrator of the central server for a new token (`shelfmark server add-branch`) and save it in the sync settings"
    )]
    TokenRefused { message: String },
    #[error("the server refused the changes (HTTP 403): {message}")]
    WrongNode { message: String },
    #[error(
        "this Shelfmark is too old for the server (it speaks sync protocol {client}, the server {server}): {message}. Update Shelfmark at this branch; your changes are kept"
    )]
    ClientTooOld {
        client: u32,
        server: u32,
        message: String,
    },
    #[error(
        "the server is older than this Shelfmark (the server speaks sync protocol {server}, this branch {client}): {message}. Ask for the central server to be updated; your changes are kept"
    )]
    ClientTooNew {
        client: u32,
        server: u32,
        message: String,
    },
    #[error("the server refused the request ({code:?}, HTTP {status}): {message}")]
    Refused {
        status: u16,
        code: SyncErrorCode,
        message: String,
    },
    #[error(
        "{url} answered HTTP {status}, which is not a Shelfmark central server's answer; check the server address"
    )]
    NotAShelfmarkServer { url: String, status: u16 },
    #[error(
        "could not make a secure connection to {url}: {detail}. If the server uses a private certificate, give the certificate (or the authority that signed it) as a PEM file: --ca-cert FILE, or in the sync settings"
    )]
    Tls { url: String, detail: String },
    #[error(
        "cannot use {path} as the server's certificate authority: {detail}. Give a PEM file with at least one certificate"
    )]
    CaCert { path: PathBuf, detail: String },
    #[error(
        "the server address {url:?} cannot be used: {reason}. Write it like https://thuvien.example.vn:8787"
    )]
    BadAddress { url: String, reason: String },
    #[error(
        "this catalog has no sync server set; run `shelfmark sync configure --server URL --token-stdin`, or give --server and --token"
    )]
    NotConfigured,
    #[error(
        "the sync was stopped; what the server acknowledged is kept, the rest goes with the next sync"
    )]
    Cancelled,
    #[error(transparent)]
    Catalog(#[from] CoreError),
}

impl SyncClientError {
    /// Whether the server answered at all (a refusal), as opposed to no connection (offline).
    pub fn reached_server(&self) -> bool {
        match self {
            SyncClientError::TokenRefused { .. }
            | SyncClientError::WrongNode { .. }
            | SyncClientError::ClientTooOld { .. }
            | SyncClientError::ClientTooNew { .. }
            | SyncClientError::Refused { .. }
            | SyncClientError::NotAShelfmarkServer { .. } => true,
            SyncClientError::NoAnswer { .. }
            | SyncClientError::Tls { .. }
            | SyncClientError::CaCert { .. }
            | SyncClientError::BadAddress { .. }
            | SyncClientError::NotConfigured
            | SyncClientError::Cancelled
            | SyncClientError::Catalog(_) => false,
        }
    }
}

/// One HTTP connection setup to one server, with the retries of its requests.
struct Client {
    agent: ureq::Agent,
    base: String,
    token: String,
    retries: u32,
    cancel: Option<Arc<AtomicBool>>,
}

/// The address without a trailing slash; `http://` or `https://` and a host.
fn base_url(url: &str) -> Result<String, SyncClientError> {
    let base = url.trim().trim_end_matches('/').to_string();
    let bad = |reason: &str| SyncClientError::BadAddress {
        url: url.to_string(),
        reason: reason.into(),
    };
    let host = base
        .strip_prefix("https://")
        .or_else(|| base.strip_prefix("http://"))
        .ok_or_else(|| bad("it does not start with http:// or https://"))?;
    if host.is_empty() || host.starts_with('/') {
        return Err(bad("it names no server"));
    }
    Ok(base)
}

/// The agent: a bounded wait for a connection and for each answer, status codes read by the
/// caller, and the private certificate authority when one is given (in place of the public
/// ones: a branch pointed at its library's own server trusts that server's authority).
fn agent(ca_cert: Option<&Path>) -> Result<ureq::Agent, SyncClientError> {
    let mut config = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_global(Some(Duration::from_secs(120)))
        .http_status_as_error(false);
    if let Some(path) = ca_cert {
        let failed = |detail: String| SyncClientError::CaCert {
            path: path.to_path_buf(),
            detail,
        };
        let pem = std::fs::read(path).map_err(|e| failed(e.to_string()))?;
        let mut certs = Vec::new();
        for item in ureq::tls::parse_pem(&pem) {
            if let ureq::tls::PemItem::Certificate(cert) =
                item.map_err(|e| failed(e.to_string()))?
            {
                certs.push(cert);
            }
        }
        if certs.is_empty() {
            return Err(failed("it holds no certificate".into()));
        }
        config = config.tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::new_with_certs(&certs))
                .build(),
        );
    }
    Ok(config.build().into())
}

/// The certificate problem inside a ureq error, if it is one: retrying does not fix those.
fn tls_problem(e: &ureq::Error) -> Option<String> {
    match e {
        ureq::Error::Tls(m) => Some((*m).to_string()),
        ureq::Error::Rustls(r) => Some(r.to_string()),
        ureq::Error::Io(io) => io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            .map(|r| r.to_string()),
        _ => None,
    }
}

/// The typed error for a refusal the server explained.
fn refusal(status: u16, body: SyncErrorBody) -> SyncClientError {
    let SyncErrorBody {
        code,
        message,
        server_protocol_version: server,
    } = body;
    let client = SYNC_PROTOCOL_VERSION;
    match code {
        SyncErrorCode::Unauthorized => SyncClientError::TokenRefused { message },
        SyncErrorCode::WrongNode => SyncClientError::WrongNode { message },
        SyncErrorCode::ClientTooOld => SyncClientError::ClientTooOld {
            client,
            server,
            message,
        },
        SyncErrorCode::ClientTooNew => SyncClientError::ClientTooNew {
            client,
            server,
            message,
        },
        code => SyncClientError::Refused {
            status,
            code,
            message,
        },
    }
}

impl Client {
    fn new(server: &ServerAddress, options: &SyncOptions) -> Result<Self, SyncClientError> {
        Ok(Client {
            agent: agent(server.ca_cert.as_deref())?,
            base: base_url(&server.url)?,
            token: server.token.trim().to_string(),
            retries: options.retries.max(1),
            cancel: options.cancel.clone(),
        })
    }

    fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
    }

    /// Waits `time`, looking at the cancel flag every 50 ms.
    fn wait(&self, time: Duration) -> Result<(), SyncClientError> {
        let step = Duration::from_millis(50);
        let mut left = time;
        while !left.is_zero() {
            if self.cancelled() {
                return Err(SyncClientError::Cancelled);
            }
            let now = left.min(step);
            std::thread::sleep(now);
            left -= now;
        }
        Ok(())
    }

    /// One request, tried again with backoff while the server does not answer (connection
    /// refused or cut, timeout, an answer cut short) or answers 5xx. A refusal (4xx) or a
    /// certificate problem is final: trying again would not change it.
    fn call<T: DeserializeOwned>(
        &self,
        path: &str,
        body: Option<&PushRequest>,
    ) -> Result<T, SyncClientError> {
        let url = format!("{}{path}", self.base);
        let mut last = String::new();
        for attempt in 0..self.retries {
            if self.cancelled() {
                return Err(SyncClientError::Cancelled);
            }
            if attempt > 0 {
                self.wait(backoff(attempt))?;
            }
            let auth = format!("Bearer {}", self.token);
            let version = SYNC_PROTOCOL_VERSION.to_string();
            let sent = match body {
                Some(body) => self
                    .agent
                    .post(&url)
                    .header("authorization", &auth)
                    .header(PROTOCOL_HEADER, &version)
                    .send_json(body),
                None => self
                    .agent
                    .get(&url)
                    .header("authorization", &auth)
                    .header(PROTOCOL_HEADER, &version)
                    .call(),
            };
            let mut response = match sent {
                Ok(r) => r,
                Err(e) => {
                    if let Some(detail) = tls_problem(&e) {
                        return Err(SyncClientError::Tls {
                            url: self.base.clone(),
                            detail,
                        });
                    }
                    last = e.to_string();
                    continue;
                }
            };
            let status = response.status().as_u16();
            if status >= 500 {
                last = format!("HTTP {status}");
                continue;
            }
            if status >= 400 {
                return Err(match response.body_mut().read_json::<SyncErrorBody>() {
                    Ok(body) => refusal(status, body),
                    Err(_) => SyncClientError::NotAShelfmarkServer {
                        url: self.base.clone(),
                        status,
                    },
                });
            }
            match response.body_mut().read_json::<T>() {
                Ok(value) => return Ok(value),
                Err(e) => last = format!("the answer was cut: {e}"),
            }
        }
        Err(SyncClientError::NoAnswer {
            url,
            tries: self.retries,
            last,
        })
    }
}

/// 250 ms doubled per attempt, at most 8 s, plus up to half again at random so branches that
/// lost the line together do not come back in step. The jitter only spreads retries, so the
/// clock's nanoseconds are random enough; no random-number crate is pulled in for it.
fn backoff(attempt: u32) -> Duration {
    let base = 250u64.saturating_mul(1 << attempt.min(5)).min(8_000);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    Duration::from_millis(base + u64::from(nanos) % (base / 2 + 1))
}

/// Pushes every unsent change of this catalog in batches (each acknowledged before the next),
/// then pulls and applies every page after the catalog's cursor. An empty catalog bootstraps
/// the union catalog this way. On an error, what was acknowledged or applied stays; the rest
/// goes with the next sync, which the server counts as duplicates where it already had them.
pub fn sync_once(
    catalog: &mut Catalog,
    server: &ServerAddress,
    options: &SyncOptions,
) -> Result<SyncReport, SyncClientError> {
    let client = Client::new(server, options)?;
    let batch = options.batch.clamp(1, MAX_BATCH);
    let mut report = SyncReport::default();
    loop {
        let outbox = sync::outbox(catalog, batch)?;
        if outbox.entries.is_empty() {
            break;
        }
        let request = PushRequest {
            node_id: catalog.node_id().to_string(),
            entries: outbox.entries.clone(),
        };
        let answer: PushResponse = client.call("/v1/sync/push", Some(&request))?;
        sync::acknowledge(catalog, &outbox, &answer.server_seqs)?;
        report.pushed += answer.accepted;
        report.already_on_server += answer.duplicates;
    }
    loop {
        let cursor = sync::pull_cursor(catalog)?;
        let page: PullResponse =
            client.call(&format!("/v1/sync/pull?after={cursor}&limit={batch}"), None)?;
        report.pulled += page.entries.len() as u32;
        let applied = sync::apply_pulled(catalog, &page)?;
        report.applied += applied.applied;
        report.new_exceptions += applied.new_exceptions;
        if !page.more {
            break;
        }
    }
    report.cursor = sync::pull_cursor(catalog)?;
    Ok(report)
}

/// Syncs with the server and token saved in the catalog's settings
/// (`shelfmark_core::sync::settings`) and records the attempt there — its report or its
/// error, and when the next automatic one is due — so the sync indicator can show it.
pub fn sync_with_settings(
    catalog: &mut Catalog,
    options: &SyncOptions,
) -> Result<SyncReport, SyncClientError> {
    let Some(connection) = settings::connection(catalog)? else {
        return Err(SyncClientError::NotConfigured);
    };
    let outcome = sync_once(catalog, &connection.into(), options);
    record(catalog, &outcome)?;
    outcome
}

/// Records how a sync ended in the catalog's sync status (see [`sync_with_settings`]).
pub fn record(
    catalog: &mut Catalog,
    outcome: &Result<SyncReport, SyncClientError>,
) -> Result<(), CoreError> {
    match outcome {
        Ok(report) => settings::record_attempt(catalog, AttemptOutcome::Synced(report))?,
        Err(e) => settings::record_attempt(
            catalog,
            AttemptOutcome::Failed {
                message: &e.to_string(),
                reached_server: e.reached_server(),
            },
        )?,
    };
    Ok(())
}

/// Asks a server whether it is up and speaks this branch's protocol (no token needed): for a
/// settings screen checking an address before saving it. A server of another protocol version
/// is the matching `ClientTooOld`/`ClientTooNew` error.
pub fn check_server(url: &str, ca_cert: Option<&Path>) -> Result<ServerHealth, SyncClientError> {
    let client = Client {
        agent: agent(ca_cert)?,
        base: base_url(url)?,
        token: String::new(),
        retries: 1,
        cancel: None,
    };
    let health: ServerHealth = client.call("/v1/health", None)?;
    let client_version = SYNC_PROTOCOL_VERSION;
    let message = String::from("the server's /v1/health said so");
    if health.protocol_version > client_version {
        return Err(SyncClientError::ClientTooOld {
            client: client_version,
            server: health.protocol_version,
            message,
        });
    }
    if health.protocol_version < client_version {
        return Err(SyncClientError::ClientTooNew {
            client: client_version,
            server: health.protocol_version,
            message,
        });
    }
    Ok(health)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_before_any_request() {
        assert_eq!(
            base_url(" https://thuvien.example.vn:8787/ ").expect("fine"),
            "https://thuvien.example.vn:8787"
        );
        for bad in ["thuvien.example.vn", "ftp://x", "https://", "http:///x"] {
            assert!(
                matches!(base_url(bad), Err(SyncClientError::BadAddress { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn backoff_grows_is_bounded_and_jittered_within_half() {
        for attempt in 1..12 {
            let base = (250u64 << attempt.min(5)).min(8_000);
            let wait = backoff(attempt).as_millis() as u64;
            assert!(wait >= base && wait <= base + base / 2, "{attempt}: {wait}");
        }
    }

    #[test]
    fn the_token_never_shows_in_a_debug_print() {
        let address = ServerAddress::new("http://x", "secret-token-0123456789abcdef0123456789");
        assert!(!format!("{address:?}").contains("secret-token"));
    }

    #[test]
    fn a_missing_or_empty_ca_file_says_so() {
        let dir = std::env::temp_dir().join(format!("shelfmark-ca-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "no certificate here\n").expect("write");
        for path in [dir.join("missing.pem"), empty] {
            assert!(matches!(
                agent(Some(&path)),
                Err(SyncClientError::CaCert { .. })
            ));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_server_that_is_not_there_is_no_answer_and_changes_are_kept() {
        // Port 9 (discard) is closed on loopback; one try, no wait.
        let e = check_server("http://127.0.0.1:9", None).expect_err("nobody there");
        assert!(
            matches!(e, SyncClientError::NoAnswer { tries: 1, .. }),
            "{e}"
        );
        assert!(!e.reached_server());
        assert!(e.to_string().contains("changes are kept"));
    }

    #[test]
    fn refusals_become_the_error_a_person_acts_on() {
        let body = |code| SyncErrorBody {
            code,
            message: "m".into(),
            server_protocol_version: 2,
        };
        assert!(matches!(
            refusal(401, body(SyncErrorCode::Unauthorized)),
            SyncClientError::TokenRefused { .. }
        ));
        assert!(matches!(
            refusal(426, body(SyncErrorCode::ClientTooOld)),
            SyncClientError::ClientTooOld { server: 2, .. }
        ));
        assert!(matches!(
            refusal(426, body(SyncErrorCode::ClientTooNew)),
            SyncClientError::ClientTooNew { .. }
        ));
        assert!(matches!(
            refusal(403, body(SyncErrorCode::WrongNode)),
            SyncClientError::WrongNode { .. }
        ));
        assert!(refusal(400, body(SyncErrorCode::BadRequest)).reached_server());
    }
}
