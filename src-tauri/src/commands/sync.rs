//! Sync with the central server: status, "Sync now", settings and the exceptions list.

use shelfmark_core::api::{ErrorPayload, SyncException, SyncSettings, SyncStatus};
use shelfmark_core::sync::{self, settings};
use tauri::State;

use super::with_catalog;
use crate::startup::AppState;

#[tauri::command(async)]
pub fn sync_status(state: State<'_, AppState>) -> Result<SyncStatus, ErrorPayload> {
    let status = with_catalog(&state, |c| settings::status(c))?;
    Ok(state.sync.status(status))
}

/// One attempt now, on its own connection: the window's catalog is free meanwhile.
#[tauri::command(async)]
pub fn sync_now(state: State<'_, AppState>) -> Result<SyncStatus, ErrorPayload> {
    let path = with_catalog(&state, |c| Ok(c.path().to_path_buf()))?;
    state.sync.attempt(&path).map_err(|e| e.to_payload())?;
    sync_status(state)
}

#[tauri::command(async)]
pub fn sync_settings(state: State<'_, AppState>) -> Result<SyncSettings, ErrorPayload> {
    with_catalog(&state, |c| settings::settings(c))
}

#[tauri::command(async)]
pub fn save_sync_settings(
    state: State<'_, AppState>,
    server_url: Option<String>,
    token: Option<String>,
    interval_minutes: u32,
) -> Result<SyncSettings, ErrorPayload> {
    with_catalog(&state, |c| {
        settings::save_settings(c, server_url.as_deref(), token.as_deref(), interval_minutes)
    })
}

#[tauri::command(async)]
pub fn sync_exceptions(
    state: State<'_, AppState>,
    include_resolved: bool,
) -> Result<Vec<SyncException>, ErrorPayload> {
    with_catalog(&state, |c| sync::exceptions(c, !include_resolved))
}

#[tauri::command(async)]
pub fn resolve_sync_exception(
    state: State<'_, AppState>,
    id: String,
    keep: String,
) -> Result<SyncException, ErrorPayload> {
    with_catalog(&state, |c| sync::resolve(c, &state.user, &id, &keep))
}
