//! The central library server: the union catalog of all branches and the sync endpoints.
//!
//! It is a face over `shelfmark-core`, like the desktop app and the CLI: handlers check the
//! token and the protocol version, call the storage, and map the error to an HTTP answer with
//! a [`SyncErrorBody`]. Routes: `GET /v1/health` (open, for monitoring), and, with
//! `Authorization: Bearer TOKEN` and the `Shelfmark-Protocol` header, `POST /v1/sync/push`,
//! `GET /v1/sync/pull?after=N&limit=M` and `GET /api/search?q=…&offset=…&limit=…`. `GET|POST
//! /sru` answers SRU (1.1, 1.2, 2.0) over the union catalog, open like a library's public
//! catalogue, through `shelfmark-sru`.
//!
//! Storage sits behind [`SyncStore`]; today's implementation is core's SQLite `Hub`, and
//! another database can take its place without touching the protocol.
//!
//! The union catalog follows the shared log off the push path: a push stores its batch and
//! answers; the [`UnionFollower`] task applies the log to the union catalog once the server
//! has been quiet (no push or pull) for [`UNION_QUIET`], a page at a time, each page under
//! the store's lock, so requests wait for one page at most and never for a whole backlog.
//! Every reader of the union catalog (`/api/search`, `/sru`) catches it up first, so what a
//! branch pushed is found the moment the push was answered. The cursor lives in the union
//! catalog, moved with each page: a failure or a crash loses nothing, and the server catches
//! up at start before it listens.
//!
//! What this crate must never do: hold business rules of its own (they live in core), run
//! SQL, or be depended on by core.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use shelfmark_core::api::{
    MAX_BATCH, PROTOCOL_HEADER, PullResponse, PushRequest, PushResponse, RegisteredBranch,
    SYNC_PROTOCOL_VERSION, ServerHealth, SyncErrorBody, SyncErrorCode, UnionSearchResults,
};
use shelfmark_core::search::SearchIndex;
use shelfmark_core::sync::hub::{Hub, UnionPage};
use shelfmark_core::{Catalog, CatalogOptions, CoreError};

/// The version of the branch–server HTTP protocol; every sync route lives under `/v{N}`.
pub const PROTOCOL_VERSION: u32 = SYNC_PROTOCOL_VERSION;

/// What the server stores: branches and their tokens, the shared log, the union catalog.
/// Calls are blocking; the handlers run them off the async threads.
pub trait SyncStore: Send + 'static {
    /// The branch a bearer token belongs to.
    fn authenticate(&self, token: Option<&str>) -> Result<String, CoreError>;
    fn push(&mut self, branch: &str, request: &PushRequest) -> Result<PushResponse, CoreError>;
    fn pull(&self, branch: &str, after: i64, limit: u32) -> Result<PullResponse, CoreError>;
    /// Applies one page of the shared log to the union catalog; says whether more remains.
    fn catch_up_union_page(&mut self) -> Result<UnionPage, CoreError>;
    fn search(
        &mut self,
        text: &str,
        offset: u64,
        limit: u32,
    ) -> Result<UnionSearchResults, CoreError>;
    /// The union catalog and its one search index, for SRU. There is one index per store and
    /// every use of it takes the store's lock: two tantivy writers on one folder would fail.
    fn union_catalog(&mut self) -> Result<(&Catalog, &mut SearchIndex), CoreError>;
}

/// The SQLite store: core's hub and the union catalog's search index.
pub struct SqliteStore {
    hub: Hub,
    index: Option<SearchIndex>,
}

impl SqliteStore {
    pub fn open(path: &Path) -> Result<SqliteStore, CoreError> {
        Ok(SqliteStore {
            hub: Hub::open(path, CatalogOptions::default())?,
            index: None,
        })
    }

    pub fn hub(&mut self) -> &mut Hub {
        &mut self.hub
    }
}

impl SyncStore for SqliteStore {
    fn authenticate(&self, token: Option<&str>) -> Result<String, CoreError> {
        self.hub.authenticate(token)
    }
    fn push(&mut self, branch: &str, request: &PushRequest) -> Result<PushResponse, CoreError> {
        self.hub.push(branch, request)
    }
    fn pull(&self, branch: &str, after: i64, limit: u32) -> Result<PullResponse, CoreError> {
        self.hub.pull(branch, after, limit)
    }
    fn catch_up_union_page(&mut self) -> Result<UnionPage, CoreError> {
        self.hub.catch_up_union_page()
    }
    fn search(
        &mut self,
        text: &str,
        offset: u64,
        limit: u32,
    ) -> Result<UnionSearchResults, CoreError> {
        self.union_catalog()?;
        // The hub and the index are separate fields, borrowed apart.
        let SqliteStore { hub, index } = self;
        match index.as_mut() {
            Some(index) => hub.search(index, text, offset, limit),
            None => Err(index_missing()),
        }
    }
    fn union_catalog(&mut self) -> Result<(&Catalog, &mut SearchIndex), CoreError> {
        if self.index.is_none() {
            self.index = Some(SearchIndex::open(self.hub.catalog())?);
        }
        let index = self.index.as_mut().ok_or_else(index_missing)?;
        Ok((self.hub.catalog(), index))
    }
}

fn index_missing() -> CoreError {
    CoreError::SyncRefused {
        code: SyncErrorCode::ServerError,
        message: "the union catalog's search index could not be opened".into(),
    }
}

/// Branch administration for `shelfmark server …` (no HTTP involved).
pub mod admin {
    use super::*;

    /// Registers a branch and returns its new token (256 random bits, hex), shown once.
    pub fn add_branch(db: &Path, name: &str) -> Result<String, CoreError> {
        use rand::TryRngCore;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng
            .try_fill_bytes(&mut bytes)
            .map_err(|e| CoreError::InvalidInput {
                what: "random source",
                value: "OS".into(),
                reason: format!("the system gave no random bytes for a token: {e}"),
            })?;
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Hub::open(db, CatalogOptions::default())?.add_branch(name, &token)?;
        Ok(token)
    }

    pub fn list_branches(db: &Path) -> Result<Vec<RegisteredBranch>, CoreError> {
        Hub::open(db, CatalogOptions::default())?.list_branches()
    }

    pub fn revoke_branch(db: &Path, name: &str) -> Result<(), CoreError> {
        Hub::open(db, CatalogOptions::default())?.revoke_branch(name)
    }
}

/// The store as the handlers and the follower share it: one lock for everything in it.
pub type SharedStore = Arc<Mutex<dyn SyncStore>>;
type Shared = SharedStore;

fn lock(store: &Shared) -> MutexGuard<'_, dyn SyncStore + 'static> {
    // A handler that panicked left nothing half-written (every write is one transaction).
    store.lock().unwrap_or_else(|p| p.into_inner())
}

/// How long the server is quiet (no push, no pull) before the follower catches the union
/// catalog up: long enough that a branch's batches, sent back to back, never wait for it.
pub const UNION_QUIET: Duration = Duration::from_millis(200);

/// After a failed catch-up, the follower tries again at the next push, or after this long.
const UNION_RETRY: Duration = Duration::from_secs(30);

/// Keeps the union catalog following the shared log, off the request path: woken by every
/// push that stored something, it waits until the server has been quiet for its quiet time,
/// then applies the log page by page, waiting again whenever a request came in between.
pub struct UnionFollower {
    wake: tokio::sync::Notify,
    started: Instant,
    /// When the last push or pull ended, in milliseconds after `started`.
    last_request: AtomicU64,
    quiet: Duration,
}

impl UnionFollower {
    /// Starts the follower of `store` on the current tokio runtime (call it from inside one).
    pub fn spawn(store: Shared, quiet: Duration) -> Arc<UnionFollower> {
        let follower = Arc::new(UnionFollower {
            wake: tokio::sync::Notify::new(),
            started: Instant::now(),
            last_request: AtomicU64::new(0),
            quiet,
        });
        tokio::spawn(follow(follower.clone(), store));
        follower
    }

    /// A push or pull ended: the quiet time starts again.
    fn request_ended(&self) {
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_request.store(now, Ordering::Relaxed);
    }

    /// A push stored entries: the union catalog has something to follow.
    fn stored(&self) {
        self.request_ended();
        // A permit is kept when the follower is busy, so this wake is never lost.
        self.wake.notify_one();
    }

    /// How long until the server has been quiet for the quiet time; zero when it has.
    fn quiet_left(&self) -> Duration {
        let since = Duration::from_millis(self.last_request.load(Ordering::Relaxed));
        (since + self.quiet).saturating_sub(self.started.elapsed())
    }
}

/// The follower's task: runs as long as the server does.
async fn follow(follower: Arc<UnionFollower>, store: Shared) {
    let mut failed = false;
    loop {
        if failed {
            tokio::select! {
                () = follower.wake.notified() => {}
                () = tokio::time::sleep(UNION_RETRY) => {}
            }
        } else {
            follower.wake.notified().await;
        }
        failed = false;
        loop {
            loop {
                let left = follower.quiet_left();
                if left.is_zero() {
                    break;
                }
                tokio::time::sleep(left).await;
            }
            let store = store.clone();
            let page = tokio::task::spawn_blocking(move || lock(&store).catch_up_union_page())
                .await
                .map_err(|e| e.to_string())
                .and_then(|page| page.map_err(|e| e.to_string()));
            match page {
                Ok(page) if page.more => {}
                Ok(_) => break,
                Err(e) => {
                    // Nothing is lost: the cursor did not move, and readers catch up
                    // themselves before answering.
                    tracing::warn!(
                        error = %e,
                        "the union catalog could not follow the shared log; trying again at \
                         the next push or in {} s",
                        UNION_RETRY.as_secs()
                    );
                    failed = true;
                    break;
                }
            }
        }
    }
}

#[derive(Clone)]
struct AppState {
    store: Shared,
    union: Arc<UnionFollower>,
}

/// The largest push body accepted: room for [`MAX_BATCH`] entries of large records (64 KiB
/// each on average). axum's default of 2 MiB refused full batches of ordinary ones (413).
pub const PUSH_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// The server's routes over a store whose union catalog `union` follows.
pub fn router(store: Shared, union: Arc<UnionFollower>) -> Router {
    Router::new()
        .route("/v1/health", get(health))
        .route(
            "/v1/sync/push",
            post(push).layer(DefaultBodyLimit::max(PUSH_BODY_LIMIT)),
        )
        .route("/v1/sync/pull", get(pull))
        .route("/api/search", get(search))
        .route("/sru", get(sru_get).post(sru_post))
        .with_state(AppState { store, union })
}

async fn health() -> Json<ServerHealth> {
    Json(ServerHealth {
        status: "ok".into(),
        protocol_version: PROTOCOL_VERSION,
        schema_version: shelfmark_core::SCHEMA_VERSION,
    })
}

/// An error answer with its code.
pub struct ApiError(SyncErrorCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match self.0 {
            SyncErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
            SyncErrorCode::WrongNode => StatusCode::FORBIDDEN,
            SyncErrorCode::ClientTooOld | SyncErrorCode::ClientTooNew => {
                StatusCode::UPGRADE_REQUIRED
            }
            SyncErrorCode::BadRequest => StatusCode::BAD_REQUEST,
            SyncErrorCode::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let body = SyncErrorBody {
            code: self.0,
            message: self.1,
            server_protocol_version: PROTOCOL_VERSION,
        };
        (status, Json(body)).into_response()
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        match e {
            CoreError::SyncRefused { code, message } => ApiError(code, message),
            CoreError::InvalidInput { .. } => ApiError(SyncErrorCode::BadRequest, e.to_string()),
            other => ApiError(SyncErrorCode::ServerError, other.to_string()),
        }
    }
}

/// Checks the protocol version and the token; returns the branch.
fn admit(store: &Shared, headers: &HeaderMap) -> Result<String, ApiError> {
    let version = headers
        .get(PROTOCOL_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u32>().ok())
        .unwrap_or(0);
    if version < PROTOCOL_VERSION {
        return Err(ApiError(
            SyncErrorCode::ClientTooOld,
            format!(
                "this branch speaks sync protocol {version}, the server {PROTOCOL_VERSION}: update Shelfmark at the branch"
            ),
        ));
    }
    if version > PROTOCOL_VERSION {
        return Err(ApiError(
            SyncErrorCode::ClientTooNew,
            format!(
                "this branch speaks sync protocol {version}, the server only {PROTOCOL_VERSION}: update the central server"
            ),
        ));
    }
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    Ok(lock(store).authenticate(token)?)
}

/// Runs blocking storage work off the async threads.
async fn blocking<T: Send + 'static>(
    store: Shared,
    work: impl FnOnce(&mut dyn SyncStore) -> Result<T, CoreError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(move || work(&mut *lock(&store)))
        .await
        .map_err(|e| ApiError(SyncErrorCode::ServerError, e.to_string()))?
        .map_err(ApiError::from)
}

/// Runs blocking work that reads the union catalog, after catching it up with the shared log:
/// a page per lock (a push waits for one page at most), and `work` under the lock of the page
/// that found nothing more, so nothing pushed before the read is missing from its answer.
async fn with_union<T: Send + 'static>(
    store: Shared,
    work: impl FnOnce(&mut dyn SyncStore) -> Result<T, CoreError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(move || {
        loop {
            let mut store = lock(&store);
            match store.catch_up_union_page() {
                Ok(page) if page.more => {}
                Ok(_) => return work(&mut *store),
                // An entry the union catalog cannot take stops its catching up (the follower
                // says so and tries again); readers are answered from the union as it stands
                // rather than refused as long as that entry is in the log.
                Err(e) => {
                    tracing::warn!(target: "shelfmark_server", "the union catalog could not catch up: {e}");
                    return work(&mut *store);
                }
            }
        }
    })
    .await
    .map_err(|e| ApiError(SyncErrorCode::ServerError, e.to_string()))?
    .map_err(ApiError::from)
}

async fn push(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Json<PushResponse>, ApiError> {
    let branch = admit(&app.store, &headers)?;
    // Read only once the token is known good: a caller without one never makes the server
    // hold a large body.
    let body = axum::body::to_bytes(body, PUSH_BODY_LIMIT)
        .await
        .map_err(|e| {
            ApiError(
                SyncErrorCode::BadRequest,
                format!("the push could not be read (at most {PUSH_BODY_LIMIT} bytes): {e}"),
            )
        })?;
    let request: PushRequest = serde_json::from_slice(&body).map_err(|e| {
        ApiError(
            SyncErrorCode::BadRequest,
            format!("not a push request: {e}"),
        )
    })?;
    let answered = blocking(app.store, move |s| s.push(&branch, &request)).await;
    // The batch is stored; the union catalog follows it when the server is quiet (readers
    // catch it up first), so the branch's answer waits for nothing but its own batch.
    match &answered {
        Ok(response) if response.accepted > 0 => app.union.stored(),
        _ => app.union.request_ended(),
    }
    Ok(Json(answered?))
}

#[derive(Debug, Deserialize)]
struct PullParams {
    after: Option<i64>,
    limit: Option<u32>,
}

async fn pull(
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<PullParams>,
) -> Result<Json<PullResponse>, ApiError> {
    let branch = admit(&app.store, &headers)?;
    let after = params.after.unwrap_or(0).max(0);
    let limit = params.limit.unwrap_or(MAX_BATCH);
    let page = blocking(app.store, move |s| s.pull(&branch, after, limit)).await;
    app.union.request_ended();
    Ok(Json(page?))
}

#[derive(Debug, Deserialize)]
struct SearchParams {
    q: Option<String>,
    offset: Option<u64>,
    limit: Option<u32>,
}

async fn search(
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<SearchParams>,
) -> Result<Json<UnionSearchResults>, ApiError> {
    admit(&app.store, &headers)?;
    let text = params.q.unwrap_or_default();
    let offset = params.offset.unwrap_or(0);
    let limit = params.limit.unwrap_or(20);
    Ok(Json(
        with_union(app.store, move |s| s.search(&text, offset, limit)).await?,
    ))
}

/// The scheme the server is reached by, for the addresses SRU writes into its answers.
#[derive(Debug, Clone, Copy)]
struct Scheme(&'static str);

async fn sru_get(
    State(app): State<AppState>,
    headers: HeaderMap,
    scheme: Option<axum::Extension<Scheme>>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    sru(app.store, headers, scheme, params).await
}

async fn sru_post(
    State(app): State<AppState>,
    headers: HeaderMap,
    scheme: Option<axum::Extension<Scheme>>,
    axum::Form(params): axum::Form<Vec<(String, String)>>,
) -> Response {
    sru(app.store, headers, scheme, params).await
}

/// SRU over the union catalog: open without a token, like a library's public catalogue (it
/// shows records, not who borrowed what).
async fn sru(
    store: Shared,
    headers: HeaderMap,
    scheme: Option<axum::Extension<Scheme>>,
    params: Vec<(String, String)>,
) -> Response {
    let scheme = scheme.map_or("http", |s| s.0.0);
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let base_url = format!("{scheme}://{host}/sru");
    let answered = with_union(store, move |s| {
        let (catalog, index) = s.union_catalog()?;
        Ok(shelfmark_sru::server::respond(
            catalog, index, &params, &base_url,
        ))
    })
    .await;
    match answered {
        Ok(answer) => (
            [(axum::http::header::CONTENT_TYPE, answer.content_type)],
            answer.body,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// Where and how to listen.
pub struct ServeOptions {
    pub db: PathBuf,
    pub listen: SocketAddr,
    /// PEM certificate chain and private key: HTTPS through rustls when given.
    pub tls: Option<(PathBuf, PathBuf)>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Core(#[from] CoreError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot use the certificate {cert} with the key {key}: {source}")]
    Tls {
        cert: PathBuf,
        key: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Opens the central catalog, catches the union catalog up, starts its follower, and serves
/// until stopped. `ready` is called with the bound address once the server listens.
pub async fn serve(
    options: ServeOptions,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    let mut store = SqliteStore::open(&options.db)?;
    store.hub().catch_up_union()?;
    let store: Shared = Arc::new(Mutex::new(store));
    let union = UnionFollower::spawn(store.clone(), UNION_QUIET);
    let app = router(store, union);
    let listener =
        std::net::TcpListener::bind(options.listen).map_err(|source| ServeError::Listen {
            addr: options.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServeError::Listen {
        addr: options.listen,
        source,
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|source| ServeError::Listen { addr, source })?;
    match options.tls {
        None => {
            let listener = tokio::net::TcpListener::from_std(listener)
                .map_err(|source| ServeError::Listen { addr, source })?;
            ready(addr);
            axum::serve(listener, app)
                .await
                .map_err(|source| ServeError::Listen { addr, source })
        }
        Some((cert, key)) => {
            // ring is the one provider built in; installing it twice is harmless.
            let _ = rustls::crypto::ring::default_provider().install_default();
            let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(&cert, &key)
                .await
                .map_err(|source| ServeError::Tls {
                    cert: cert.clone(),
                    key: key.clone(),
                    source,
                })?;
            let server = axum_server::from_tcp_rustls(listener, config)
                .map_err(|source| ServeError::Listen { addr, source })?;
            ready(addr);
            server
                .serve(
                    app.layer(axum::Extension(Scheme("https")))
                        .into_make_service(),
                )
                .await
                .map_err(|source| ServeError::Listen { addr, source })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shelfmark_core::demo::{self, DemoConfig};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A server on a free loopback port over `store`, its follower waiting `quiet`.
    async fn start(store: Shared, quiet: Duration) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("address");
        let union = UnionFollower::spawn(store.clone(), quiet);
        tokio::spawn(async move { axum::serve(listener, router(store, union)).await });
        addr
    }

    /// One raw HTTP/1.1 exchange; the whole answer, head and body.
    async fn ask(addr: SocketAddr, request: String) -> String {
        let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        stream.write_all(request.as_bytes()).await.expect("send");
        let mut response = String::new();
        stream.read_to_string(&mut response).await.expect("read");
        response
    }

    /// A sync request with the branch's token and the protocol header.
    fn request(method: &str, path: &str, token: &str, body: &str) -> String {
        format!(
            "{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
             {PROTOCOL_HEADER}: {PROTOCOL_VERSION}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    }

    fn body(response: &str) -> &str {
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        response.split_once("\r\n\r\n").map_or("", |(_, body)| body)
    }

    /// A central catalog with one registered branch, and that branch's demo catalog of
    /// `records` records, every change of it in one push request.
    fn central_and_branch(
        dir: &Path,
        records: u64,
    ) -> (Arc<Mutex<SqliteStore>>, String, PushRequest) {
        let central = dir.join("central.db");
        let token = admin::add_branch(&central, "Hoàn Kiếm").expect("branch registered");
        let mut branch =
            Catalog::open(dir.join("a.db"), CatalogOptions::default()).expect("branch catalog");
        demo::build(&mut branch, "demo", DemoConfig { records, seed: 7 }, |_| {}).expect("demo");
        let outbox = shelfmark_core::sync::outbox(&branch, u32::MAX).expect("outbox");
        let push = PushRequest {
            node_id: branch.node_id().to_string(),
            entries: outbox.entries,
        };
        assert!(!push.entries.is_empty());
        let store = Arc::new(Mutex::new(SqliteStore::open(&central).expect("store")));
        (store, token, push)
    }

    fn union_records(store: &Mutex<SqliteStore>) -> u64 {
        let mut store = store.lock().expect("store");
        store.hub().catalog().summary().expect("summary").records
    }

    #[tokio::test]
    async fn health_answers_and_sync_refuses_without_a_token() {
        let dir = tempfile::TempDir::new().expect("tempdir");
        let store: Shared = Arc::new(Mutex::new(
            SqliteStore::open(&dir.path().join("central.db")).expect("store"),
        ));
        let addr = start(store, UNION_QUIET).await;
        let health = ask(
            addr,
            "GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".into(),
        )
        .await;
        assert!(health.starts_with("HTTP/1.1 200"), "{health}");
        let pull = ask(addr, format!(
            "GET /v1/sync/pull HTTP/1.1\r\nHost: x\r\n{PROTOCOL_HEADER}: 1\r\nConnection: close\r\n\r\n"
        ))
        .await;
        assert!(pull.starts_with("HTTP/1.1 401"), "{pull}");
        assert!(pull.contains("\"code\":\"unauthorized\""), "{pull}");
        let old = ask(
            addr,
            "GET /v1/sync/pull HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".into(),
        )
        .await;
        assert!(old.starts_with("HTTP/1.1 426"), "{old}");
        assert!(old.contains("client_too_old"), "{old}");
    }

    #[tokio::test]
    async fn a_search_right_after_a_push_finds_what_was_pushed() {
        use shelfmark_core::{EntityType, Operation};
        let dir = tempfile::TempDir::new().expect("tempdir");
        let (store, token, push) = central_and_branch(dir.path(), 30);
        // A follower that never gets its quiet time: only the readers can catch the union up.
        let addr = start(store.clone(), Duration::from_secs(24 * 3600)).await;
        // The branch's changes in two pushes: one read by /api/search, then one by /sru.
        let (first, second) = push.entries.split_at(push.entries.len() / 2);
        let created = first
            .iter()
            .filter(|e| e.entity_type == EntityType::Record && e.operation == Operation::Create)
            .count() as u64;
        assert!(created > 0 && created < 30, "{created}");
        let part = |entries: &[shelfmark_core::api::SyncEntry]| {
            serde_json::to_string(&PushRequest {
                node_id: push.node_id.clone(),
                entries: entries.to_vec(),
            })
            .expect("json")
        };

        let answer = ask(addr, request("POST", "/v1/sync/push", &token, &part(first))).await;
        let answer: PushResponse = serde_json::from_str(body(&answer)).expect("push answer");
        assert_eq!(answer.accepted as usize, first.len());
        // The push stored the batch and answered; the union catalog has not followed it.
        assert_eq!(union_records(&store), 0);
        let found = ask(addr, request("GET", "/api/search?q=&limit=5", &token, "")).await;
        let found: UnionSearchResults = serde_json::from_str(body(&found)).expect("results");
        assert_eq!(found.total, created, "every pushed record is found");
        assert_eq!(found.records.len(), 5);
        assert_eq!(union_records(&store), created);

        let answer = ask(
            addr,
            request("POST", "/v1/sync/push", &token, &part(second)),
        )
        .await;
        body(&answer);
        assert_eq!(union_records(&store), created);
        let sru = ask(
            addr,
            "GET /sru?operation=searchRetrieve&version=1.2&query=cql.allRecords%3D1&maximumRecords=0 \
             HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .into(),
        )
        .await;
        assert!(
            body(&sru).contains("numberOfRecords>30<"),
            "SRU counts the records pushed just before: {sru}"
        );
        assert_eq!(union_records(&store), 30);
    }

    #[tokio::test]
    async fn the_union_catalog_follows_on_its_own_when_the_server_is_quiet() {
        let dir = tempfile::TempDir::new().expect("tempdir");
        let (store, token, push) = central_and_branch(dir.path(), 400);
        assert!(push.entries.len() > MAX_BATCH as usize);
        let addr = start(store.clone(), UNION_QUIET).await;
        // Full batches, so the follower has more than one page to do.
        for batch in push.entries.chunks(MAX_BATCH as usize) {
            let sent = serde_json::to_string(&PushRequest {
                node_id: push.node_id.clone(),
                entries: batch.to_vec(),
            })
            .expect("json");
            let answer = ask(addr, request("POST", "/v1/sync/push", &token, &sent)).await;
            let answer: PushResponse = serde_json::from_str(body(&answer)).expect("push answer");
            assert_eq!(answer.accepted as usize, batch.len());
        }
        // No reader asks: the follower alone brings the union catalog level (bounded wait).
        let mut records = 0;
        for _ in 0..6_000 {
            records = union_records(&store);
            if records == 400 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(records, 400, "the follower caught the union catalog up");
        let mut store = store.lock().expect("store");
        assert_eq!(
            store.hub().catch_up_union_page().expect("nothing left"),
            UnionPage::default()
        );
    }
}
