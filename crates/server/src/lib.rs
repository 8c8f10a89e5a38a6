//! The central library server: the union catalog of all branches and the sync endpoint.
//!
//! It is a face over `shelfmark-core`, like the desktop app and the CLI: handlers parse a
//! request, call core, and map the error. This first version answers a health check with its
//! protocol and schema versions, which branches use to tell whether they can talk to it.
//!
//! What this crate must never do: hold business rules of its own (they live in core), or be
//! depended on by core.

use axum::{Json, Router, routing::get};
use serde::Serialize;

/// The version of the branch–server HTTP protocol; every route lives under `/v{N}`.
pub const PROTOCOL_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub protocol_version: u32,
    pub schema_version: u32,
}

/// The server's routes.
pub fn router() -> Router {
    Router::new().route("/v1/health", get(health))
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        protocol_version: PROTOCOL_VERSION,
        schema_version: shelfmark_core::SCHEMA_VERSION,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn health_answers_on_loopback() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, router()).await });
        let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        stream
            .write_all(b"GET /v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await
            .expect("send");
        let mut response = String::new();
        stream.read_to_string(&mut response).await.expect("read");
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        assert!(
            response.contains(&format!(
                "\"schema_version\":{}",
                shelfmark_core::SCHEMA_VERSION
            )),
            "{response}"
        );
    }
}
