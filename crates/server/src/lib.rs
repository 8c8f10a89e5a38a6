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
//! What this crate must never do: hold business rules of its own (they live in core), run
//! SQL, or be depended on by core.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
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
use shelfmark_core::sync::hub::Hub;
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
    /// Brings the union catalog up to the shared log.
    fn catch_up_union(&mut self) -> Result<u32, CoreError>;
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
    fn catch_up_union(&mut self) -> Result<u32, CoreError> {
        self.hub.catch_up_union()
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

type Shared = Arc<Mutex<dyn SyncStore>>;

/// The server's routes over a store.
pub fn router(store: Shared) -> Router {
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/sync/push", post(push))
        .route("/v1/sync/pull", get(pull))
        .route("/api/search", get(search))
        .route("/sru", get(sru_get).post(sru_post))
        .with_state(store)
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
    let store = store.lock().unwrap_or_else(|p| p.into_inner());
    Ok(store.authenticate(token)?)
}

/// Runs blocking storage work off the async threads.
async fn blocking<T: Send + 'static>(
    store: Shared,
    work: impl FnOnce(&mut dyn SyncStore) -> Result<T, CoreError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(move || {
        let mut store = store.lock().unwrap_or_else(|p| p.into_inner());
        work(&mut *store)
    })
    .await
    .map_err(|e| ApiError(SyncErrorCode::ServerError, e.to_string()))?
    .map_err(ApiError::from)
}

async fn push(
    State(store): State<Shared>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<PushResponse>, ApiError> {
    let branch = admit(&store, &headers)?;
    let request: PushRequest = serde_json::from_slice(&body).map_err(|e| {
        ApiError(
            SyncErrorCode::BadRequest,
            format!("not a push request: {e}"),
        )
    })?;
    let response = blocking(store, move |s| {
        let response = s.push(&branch, &request)?;
        // The batch is stored; the union catalog follows. Should this fail, the next push or
        // the next start catches it up, so the branch's answer does not depend on it.
        let _ = s.catch_up_union();
        Ok(response)
    })
    .await?;
    Ok(Json(response))
}

#[derive(Debug, Deserialize)]
struct PullParams {
    after: Option<i64>,
    limit: Option<u32>,
}

async fn pull(
    State(store): State<Shared>,
    headers: HeaderMap,
    Query(params): Query<PullParams>,
) -> Result<Json<PullResponse>, ApiError> {
    let branch = admit(&store, &headers)?;
    let after = params.after.unwrap_or(0).max(0);
    let limit = params.limit.unwrap_or(MAX_BATCH);
    Ok(Json(
        blocking(store, move |s| s.pull(&branch, after, limit)).await?,
    ))
}

#[derive(Debug, Deserialize)]
struct SearchParams {
    q: Option<String>,
    offset: Option<u64>,
    limit: Option<u32>,
}

async fn search(
    State(store): State<Shared>,
    headers: HeaderMap,
    Query(params): Query<SearchParams>,
) -> Result<Json<UnionSearchResults>, ApiError> {
    admit(&store, &headers)?;
    let text = params.q.unwrap_or_default();
    let offset = params.offset.unwrap_or(0);
    let limit = params.limit.unwrap_or(20);
    Ok(Json(
        blocking(store, move |s| s.search(&text, offset, limit)).await?,
    ))
}

/// The scheme the server is reached by, for the addresses SRU writes into its answers.
#[derive(Debug, Clone, Copy)]
struct Scheme(&'static str);

async fn sru_get(
    State(store): State<Shared>,
    headers: HeaderMap,
    scheme: Option<axum::Extension<Scheme>>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    sru(store, headers, scheme, params).await
}

async fn sru_post(
    State(store): State<Shared>,
    headers: HeaderMap,
    scheme: Option<axum::Extension<Scheme>>,
    axum::Form(params): axum::Form<Vec<(String, String)>>,
) -> Response {
    sru(store, headers, scheme, params).await
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
    let answered = blocking(store, move |s| {
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

/// Opens the central catalog, catches the union catalog up, and serves until stopped.
/// `ready` is called with the bound address once the server listens.
pub async fn serve(
    options: ServeOptions,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    let mut store = SqliteStore::open(&options.db)?;
    store.catch_up_union()?;
    let store: Shared = Arc::new(Mutex::new(store));
    let app = router(store);
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

    #[tokio::test]
    async fn health_answers_and_sync_refuses_without_a_token() {
        let dir = tempfile::TempDir::new().expect("tempdir");
        let store: Shared = Arc::new(Mutex::new(
            SqliteStore::open(&dir.path().join("central.db")).expect("store"),
        ));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, router(store)).await });
        let ask = |request: String| async move {
            let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            stream.write_all(request.as_bytes()).await.expect("send");
            let mut response = String::new();
            stream.read_to_string(&mut response).await.expect("read");
            response
        };
        let health =
            ask("GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".into()).await;
        assert!(health.starts_with("HTTP/1.1 200"), "{health}");
        let pull = ask(format!(
            "GET /v1/sync/pull HTTP/1.1\r\nHost: x\r\n{PROTOCOL_HEADER}: 1\r\nConnection: close\r\n\r\n"
        ))
        .await;
        assert!(pull.starts_with("HTTP/1.1 401"), "{pull}");
        assert!(pull.contains("\"code\":\"unauthorized\""), "{pull}");
        let old =
            ask("GET /v1/sync/pull HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".into()).await;
        assert!(old.starts_with("HTTP/1.1 426"), "{old}");
        assert!(old.contains("client_too_old"), "{old}");
    }
}
