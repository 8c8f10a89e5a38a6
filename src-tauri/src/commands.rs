//! Tauri commands: deserialize, call core, map the error. Nothing else belongs here.

use shelfmark_core::api::{CatalogSummary, ErrorCode, ErrorPayload, RecordPage};
use shelfmark_core::{Catalog, CoreError};
use tauri::State;

use crate::startup::AppState;

fn with_catalog<T>(
    state: &AppState,
    f: impl FnOnce(&Catalog) -> Result<T, CoreError>,
) -> Result<T, ErrorPayload> {
    let catalog = state.catalog.as_ref().map_err(Clone::clone)?;
    let guard = catalog.lock().map_err(|_| ErrorPayload {
        code: ErrorCode::Internal,
        message: "an earlier operation failed while holding the catalog; restart Shelfmark".into(),
        details: None,
    })?;
    f(&guard).map_err(|e| e.to_payload())
}

#[tauri::command]
pub fn catalog_summary(state: State<'_, AppState>) -> Result<CatalogSummary, ErrorPayload> {
    with_catalog(&state, Catalog::summary)
}

#[tauri::command]
pub fn list_records(
    state: State<'_, AppState>,
    offset: u64,
    limit: u32,
) -> Result<RecordPage, ErrorPayload> {
    with_catalog(&state, |c| {
        shelfmark_core::catalog::records::list(c, offset, limit)
    })
}
