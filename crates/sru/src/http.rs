//! The SRU endpoint over HTTP (feature `axum`): `GET` and `POST` (form-encoded, as SRU 1.2
//! allows) at `/sru`, each answered by [`crate::server::respond`] on a blocking thread.
//!
//! This module owns the HTTP plumbing only; it never decides anything about SRU itself.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use shelfmark_core::Catalog;
use shelfmark_core::search::SearchIndex;

use crate::server::{SruResponse, respond};

/// What the endpoint answers from: one catalog and its search index (SQLite connections are
/// not shared between threads, so requests take turns), and the public address when it is
/// fixed (otherwise it is made from the request's `Host`).
pub struct SruState {
    inner: Mutex<(Catalog, SearchIndex)>,
    base_url: Option<String>,
}

impl SruState {
    pub fn new(catalog: Catalog, index: SearchIndex, base_url: Option<String>) -> Arc<SruState> {
        Arc::new(SruState {
            inner: Mutex::new((catalog, index)),
            base_url,
        })
    }
}

/// The SRU routes: `/sru` (GET and POST). Merge or nest it into a larger router.
pub fn router(state: Arc<SruState>) -> Router {
    Router::new()
        .route("/sru", get(by_get).post(by_post))
        .with_state(state)
}

async fn by_get(
    State(state): State<Arc<SruState>>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    answer(state, headers, params).await
}

async fn by_post(
    State(state): State<Arc<SruState>>,
    headers: HeaderMap,
    Form(params): Form<Vec<(String, String)>>,
) -> Response {
    answer(state, headers, params).await
}

async fn answer(
    state: Arc<SruState>,
    headers: HeaderMap,
    params: Vec<(String, String)>,
) -> Response {
    let base_url = state.base_url.clone().unwrap_or_else(|| {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        format!("http://{host}/sru")
    });
    let answered = tokio::task::spawn_blocking(move || {
        // A request that panicked while holding the lock leaves the catalog as SQLite left it
        // (every write is a transaction), so the next request may go on.
        let mut guard = state.inner.lock().unwrap_or_else(|p| p.into_inner());
        let (catalog, index) = &mut *guard;
        respond(catalog, index, &params, &base_url)
    })
    .await;
    match answered {
        Ok(SruResponse { content_type, body }) => {
            let mut response = body.into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            response
        }
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the SRU request failed inside the server",
        )
            .into_response(),
    }
}
