//! Rights: the review queue, a record's rights tab, determinations and the rights report.

use shelfmark_core::api::{
    AccessLevel, BulkDetermination, Determination, DeterminationSummary, ErrorPayload,
    RecordRights, ReviewPage, ReviewQuery, RightsReport,
};
use shelfmark_core::rights::{self, determinations};
use tauri::State;
use uuid::Uuid;

use super::{parse_id, with_catalog};
use crate::startup::AppState;

#[tauri::command(async)]
pub fn rights_review_queue(
    state: State<'_, AppState>,
    query: ReviewQuery,
) -> Result<ReviewPage, ErrorPayload> {
    with_catalog(&state, |c| rights::review_queue(c, &query))
}

#[tauri::command(async)]
pub fn record_rights(
    state: State<'_, AppState>,
    record_id: String,
) -> Result<RecordRights, ErrorPayload> {
    let id = parse_id("record", &record_id)?;
    with_catalog(&state, |c| rights::record_rights(c, id))
}

#[tauri::command(async)]
pub fn set_rights_status(
    state: State<'_, AppState>,
    request: BulkDetermination,
) -> Result<DeterminationSummary, ErrorPayload> {
    with_catalog(&state, |c| {
        c.write(&state.user, |m| rights::bulk_set(m, &request))
    })
}

#[tauri::command(async)]
pub fn set_access_level(
    state: State<'_, AppState>,
    record_id: String,
    access: Option<AccessLevel>,
    reason: String,
) -> Result<Determination, ErrorPayload> {
    let id = parse_id("record", &record_id)?;
    with_catalog(&state, |c| {
        c.write(&state.user, |m| {
            rights::set_access_level(m, id, access, &reason)
        })
    })
}

#[tauri::command(async)]
pub fn compute_rights(
    state: State<'_, AppState>,
    record_ids: Option<Vec<String>>,
) -> Result<DeterminationSummary, ErrorPayload> {
    let ids = record_ids
        .map(|ids| {
            ids.iter()
                .map(|id| parse_id("record", id))
                .collect::<Result<Vec<Uuid>, _>>()
        })
        .transpose()?;
    with_catalog(&state, |c| {
        rights::compute_many(c, &state.user, ids.as_deref())
    })
}

#[tauri::command(async)]
pub fn rights_report(
    state: State<'_, AppState>,
    as_of: Option<String>,
) -> Result<RightsReport, ErrorPayload> {
    with_catalog(&state, |c| {
        let as_of = as_of
            .as_deref()
            .map(determinations::parse_date)
            .transpose()?;
        rights::report(c, as_of)
    })
}

#[tauri::command(async)]
pub fn export_rights_report(
    state: State<'_, AppState>,
    as_of: Option<String>,
    path: String,
) -> Result<(), ErrorPayload> {
    with_catalog(&state, |c| {
        let as_of = as_of
            .as_deref()
            .map(determinations::parse_date)
            .transpose()?;
        rights::report_csv(&rights::report(c, as_of)?, std::path::Path::new(&path))
    })
}
