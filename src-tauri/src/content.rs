//! The content protocol: how the viewer and the audiobook player get a digital object's bytes.
//!
//! Opening an object (`open_digital_object`) asks core whether this reader may; when they
//! may, the app hands the page a URL with a fresh ticket, `shelfmark-content://localhost/<ticket>`
//! (`http://shelfmark-content.localhost/<ticket>` where the webview wants http). The ticket
//! stands for the object and the reader on this side only, and every request asks core again
//! (`digital::content`), so a level changed while the viewer is open closes it at the
//! next request. Audio and PDF readers ask for byte ranges; a range is answered from the file
//! without reading the rest, and an open-ended one is cut to [`MAX_CHUNK`] so a long
//! audiobook never sits in memory whole.
//!
//! What this module must never do: decide who may open what (core does), or serve a file
//! that is not a stored object.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::sync::Mutex;

use shelfmark_core::api::ReaderRequest;
use shelfmark_core::digital;
use tauri::http::{Request, Response, StatusCode, header};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};
use uuid::Uuid;

use crate::startup::AppState;

/// The URI scheme the webview fetches content from.
pub const SCHEME: &str = "shelfmark-content";

/// The most bytes one response carries for an open-ended range.
const MAX_CHUNK: u64 = 4 * 1024 * 1024;

/// Tickets given to the page: ticket → (object, reader). Kept for the app's life; a ticket
/// is a few dozen bytes and a reader opens few objects in a session.
#[derive(Default)]
pub struct Tickets(Mutex<HashMap<String, (Uuid, ReaderRequest)>>);

impl Tickets {
    /// A new ticket for this object and reader, and the URL the page loads it from.
    pub fn issue(&self, object: Uuid, reader: ReaderRequest) -> String {
        let ticket = Uuid::now_v7().simple().to_string();
        if let Ok(mut map) = self.0.lock() {
            map.insert(ticket.clone(), (object, reader));
        }
        url_for(&ticket)
    }

    fn get(&self, ticket: &str) -> Option<(Uuid, ReaderRequest)> {
        self.0.lock().ok()?.get(ticket).cloned()
    }
}

/// The URL form the webview of this platform loads a custom scheme from.
fn url_for(ticket: &str) -> String {
    if cfg!(any(windows, target_os = "android")) {
        format!("http://{SCHEME}.localhost/{ticket}")
    } else {
        format!("{SCHEME}://localhost/{ticket}")
    }
}

/// The protocol handler: answers off the main thread.
pub fn handle<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = ctx.app_handle().clone();
    std::thread::spawn(move || {
        let state = app.state::<AppState>();
        responder.respond(respond(&state, &request));
    });
}

fn respond(state: &AppState, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    let ticket = request.uri().path().trim_start_matches('/');
    let Some((object, reader)) = state.tickets.get(ticket) else {
        return plain(
            StatusCode::NOT_FOUND,
            "no such content ticket; open the object again",
        );
    };
    let found = crate::commands::with_catalog(state, |c| {
        let (path, stored) = digital::content(c, object, &reader)?;
        Ok((path, stored.media_type))
    });
    let (path, media_type) = match found {
        Ok(found) => found,
        Err(e) if e.code == shelfmark_core::api::ErrorCode::AccessDenied => {
            return plain(StatusCode::FORBIDDEN, &e.message);
        }
        Err(e) => return plain(StatusCode::NOT_FOUND, &e.message),
    };
    let range = request
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    match serve_file(&path, &media_type, range.as_deref()) {
        Ok(response) => response,
        Err(e) => plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("could not read the stored file: {e}"),
        ),
    }
}

fn plain(status: StatusCode, message: &str) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(message.as_bytes().to_vec())
        .unwrap_or_default()
}

/// The file, or the asked range of it.
fn serve_file(
    path: &std::path::Path,
    media_type: &str,
    range: Option<&str>,
) -> std::io::Result<Response<Vec<u8>>> {
    let mut file = File::open(path)?;
    let total = file.metadata()?.len();
    let builder = Response::builder()
        .header(header::CONTENT_TYPE, media_type)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CACHE_CONTROL, "no-store");
    let Some(range) = range else {
        let mut body = Vec::with_capacity(total as usize);
        file.read_to_end(&mut body)?;
        return Ok(builder
            .status(StatusCode::OK)
            .header(header::CONTENT_LENGTH, body.len())
            .body(body)
            .unwrap_or_default());
    };
    let Some((start, end)) = parse_range(range, total) else {
        return Ok(builder
            .status(StatusCode::RANGE_NOT_SATISFIABLE)
            .header(header::CONTENT_RANGE, format!("bytes */{total}"))
            .body(Vec::new())
            .unwrap_or_default());
    };
    let len = end - start + 1;
    file.seek(SeekFrom::Start(start))?;
    let mut body = vec![0; len as usize];
    file.read_exact(&mut body)?;
    Ok(builder
        .status(StatusCode::PARTIAL_CONTENT)
        .header(
            header::CONTENT_RANGE,
            format!("bytes {start}-{end}/{total}"),
        )
        .header(header::CONTENT_LENGTH, len)
        .body(body)
        .unwrap_or_default())
}

/// The first range of a `Range: bytes=...` header as inclusive offsets within `total`, an
/// open-ended one cut to [`MAX_CHUNK`]; `None` when it cannot be satisfied. Media elements
/// ask for one range at a time, so further ranges are not served (the reply says which
/// range it carries, which is all a client needs).
fn parse_range(header: &str, total: u64) -> Option<(u64, u64)> {
    let spec = header.trim().strip_prefix("bytes=")?;
    let first = spec.split(',').next()?.trim();
    let (from, to) = first.split_once('-')?;
    let (from, to) = (from.trim(), to.trim());
    if total == 0 {
        return None;
    }
    let (start, end) = if from.is_empty() {
        // A suffix: the last N bytes.
        let n: u64 = to.parse().ok()?;
        if n == 0 {
            return None;
        }
        (total.saturating_sub(n), total - 1)
    } else {
        let start: u64 = from.parse().ok()?;
        let end = if to.is_empty() {
            start.saturating_add(MAX_CHUNK - 1)
        } else {
            to.parse().ok()?
        };
        (start, end.min(total - 1))
    };
    (start <= end && start < total).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_as_media_elements_send_them() {
        assert_eq!(parse_range("bytes=0-99", 1000), Some((0, 99)));
        assert_eq!(parse_range("bytes=900-", 1000), Some((900, 999)));
        assert_eq!(parse_range("bytes=-100", 1000), Some((900, 999)));
        assert_eq!(parse_range("bytes=0-5000", 1000), Some((0, 999)));
        assert_eq!(
            parse_range("bytes=0-", 100 * 1024 * 1024),
            Some((0, MAX_CHUNK - 1))
        );
        assert_eq!(parse_range("bytes=10-20, 30-40", 1000), Some((10, 20)));
        assert_eq!(parse_range("bytes=1000-", 1000), None);
        assert_eq!(parse_range("bytes=20-10", 1000), None);
        assert_eq!(parse_range("bytes=abc", 1000), None);
        assert_eq!(parse_range("items=0-1", 1000), None);
        assert_eq!(parse_range("bytes=0-0", 0), None);
    }

    #[test]
    fn a_range_is_served_from_the_file_without_the_rest() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("object");
        let bytes: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        std::fs::write(&path, &bytes).expect("write");
        let whole = serve_file(&path, "audio/mpeg", None).expect("whole");
        assert_eq!(whole.status(), StatusCode::OK);
        assert_eq!(whole.body(), &bytes);
        let part = serve_file(&path, "audio/mpeg", Some("bytes=100-199")).expect("part");
        assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(part.body().as_slice(), &bytes[100..200]);
        assert_eq!(part.headers()[header::CONTENT_RANGE], "bytes 100-199/10000");
        let past = serve_file(&path, "audio/mpeg", Some("bytes=20000-")).expect("past");
        assert_eq!(past.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    }
}
