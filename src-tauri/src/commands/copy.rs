//! Copy cataloging: other libraries' SRU targets, searched from the desk of a cataloger, and
//! one of their records brought in, validated and matched against this catalog.

use shelfmark_core::api::{
    CopyImportOutcome, CopyQuery, CopySearchPage, CopyTarget, ErrorCode, ErrorPayload, ImportMatch,
    ImportOnMatch, MarcRecord,
};
use shelfmark_core::catalog::{copy, editing};
use shelfmark_sru::client::{self, SruError};
use tauri::State;

use super::with_catalog;
use crate::startup::AppState;

/// The most hits one page asks a target for.
const MAX_PAGE: u32 = 50;

fn sru_error(e: SruError) -> ErrorPayload {
    let code = match e {
        SruError::InvalidQuery { .. } => ErrorCode::InvalidInput,
        _ => ErrorCode::RemoteFailed,
    };
    ErrorPayload {
        code,
        message: e.to_string(),
        details: None,
    }
}

#[tauri::command(async)]
pub fn copy_targets(state: State<'_, AppState>) -> Result<Vec<CopyTarget>, ErrorPayload> {
    with_catalog(&state, |c| copy::targets(c))
}

#[tauri::command(async)]
pub fn add_copy_target(
    state: State<'_, AppState>,
    target: CopyTarget,
) -> Result<CopyTarget, ErrorPayload> {
    with_catalog(&state, |c| {
        c.write(&state.user, |m| copy::add_target(m, &target))
    })
}

#[tauri::command(async)]
pub fn remove_copy_target(state: State<'_, AppState>, name: String) -> Result<(), ErrorPayload> {
    with_catalog(&state, |c| {
        c.write(&state.user, |m| copy::remove_target(m, &name))
    })
}

/// Waits for the network, but not while holding the catalog: only the target's address is
/// read under the lock.
#[tauri::command(async)]
pub fn copy_search(
    state: State<'_, AppState>,
    target: String,
    query: CopyQuery,
    start: u64,
    max: u32,
) -> Result<CopySearchPage, ErrorPayload> {
    let target = with_catalog(&state, |c| copy::target(c, &target))?;
    let results =
        client::search(&target, &query, start.max(1), max.clamp(1, MAX_PAGE)).map_err(sru_error)?;
    Ok(results.to_page(&target.name))
}

#[tauri::command(async)]
pub fn copy_import(
    state: State<'_, AppState>,
    record: MarcRecord,
    match_on: ImportMatch,
    on_match: ImportOnMatch,
) -> Result<CopyImportOutcome, ErrorPayload> {
    with_catalog(&state, |c| {
        let record = editing::from_api(&record)?;
        c.write(&state.user, |m| {
            copy::import_one(m, &record, match_on.into(), on_match.into())
        })
    })
}
