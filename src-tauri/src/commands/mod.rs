//! Tauri commands: deserialize, call core, map the error. Nothing else belongs here.
//!
//! Every command is `async` in Tauri's sense (run off the main thread), so a slow disk or a
//! long search never freezes the window. One module per screen's concern.

pub mod catalog;
pub mod circulation;
pub mod copy;
pub mod digital;
pub mod items;
pub mod jobs;
pub mod rights;
pub mod sip2;
pub mod sync;

use shelfmark_core::api::{ErrorCode, ErrorPayload};
use shelfmark_core::search::SearchIndex;
use shelfmark_core::{Catalog, CoreError};
use uuid::Uuid;

use crate::startup::AppState;

fn poisoned() -> ErrorPayload {
    ErrorPayload {
        code: ErrorCode::Internal,
        message: "an earlier operation failed while holding the catalog; restart Shelfmark".into(),
        details: None,
    }
}

/// Runs `f` with the window's catalog.
pub(crate) fn with_catalog<T>(
    state: &AppState,
    f: impl FnOnce(&mut Catalog) -> Result<T, CoreError>,
) -> Result<T, ErrorPayload> {
    let catalog = state.catalog.as_ref().map_err(Clone::clone)?;
    let mut guard = catalog.lock().map_err(|_| poisoned())?;
    f(&mut guard).map_err(|e| e.to_payload())
}

/// Runs `f` with the catalog and its search index, opening (or rebuilding) the index the
/// first time it is needed.
pub(crate) fn with_index<T>(
    state: &AppState,
    f: impl FnOnce(&Catalog, &mut SearchIndex) -> Result<T, CoreError>,
) -> Result<T, ErrorPayload> {
    with_catalog(state, |catalog| {
        let mut slot = state.index.lock().map_err(|_| CoreError::SearchIndex {
            path: shelfmark_core::search::index_dir(catalog.path()),
            detail: "an earlier search failed while holding the index; restart Shelfmark".into(),
        })?;
        let index = match slot.as_mut() {
            Some(index) => index,
            None => slot.insert(SearchIndex::open(catalog)?),
        };
        f(catalog, index)
    })
}

/// An id from the UI, which only ever sends ids the back end gave it.
pub(crate) fn parse_id(what: &str, id: &str) -> Result<Uuid, ErrorPayload> {
    Uuid::parse_str(id).map_err(|_| ErrorPayload {
        code: ErrorCode::InvalidInput,
        message: format!("{what} id {id:?} is not an id Shelfmark made"),
        details: None,
    })
}
