//! The catalog, search, the record view and the MARC editor.

use shelfmark_core::api::{
    CatalogSummary, DeletedRecord, ErrorPayload, FixedFieldSchema, MarcRecord, MnemonicParse,
    RecordChange, RecordDetail, RecordPage, RecordTemplate, SavedRecord, SearchQuery,
    SearchResults, ValidationIssue,
};
use shelfmark_core::catalog::{display, editing, fixed_fields, history, records};
use shelfmark_core::{Catalog, CoreError};
use tauri::State;

use super::{parse_id, with_catalog, with_index};
use crate::startup::AppState;

#[tauri::command(async)]
pub fn catalog_summary(state: State<'_, AppState>) -> Result<CatalogSummary, ErrorPayload> {
    with_catalog(&state, |c| c.summary())
}

#[tauri::command(async)]
pub fn list_records(
    state: State<'_, AppState>,
    offset: u64,
    limit: u32,
) -> Result<RecordPage, ErrorPayload> {
    with_catalog(&state, |c| records::list(c, offset, limit))
}

#[tauri::command(async)]
pub fn search_records(
    state: State<'_, AppState>,
    query: SearchQuery,
) -> Result<SearchResults, ErrorPayload> {
    with_index(&state, |catalog, index| index.search(catalog, &query))
}

#[tauri::command(async)]
pub fn record_detail(state: State<'_, AppState>, id: String) -> Result<RecordDetail, ErrorPayload> {
    let id = parse_id("record", &id)?;
    with_catalog(&state, |c| display::detail(c, id))
}

#[tauri::command(async)]
pub fn record_history(
    state: State<'_, AppState>,
    id: String,
) -> Result<Vec<RecordChange>, ErrorPayload> {
    let id = parse_id("record", &id)?;
    with_catalog(&state, |c| history::record_history(c, id))
}

#[tauri::command(async)]
pub fn record_templates() -> Vec<RecordTemplate> {
    editing::templates()
}

#[tauri::command(async)]
pub fn fixed_field_schema() -> FixedFieldSchema {
    fixed_fields::schema()
}

#[tauri::command(async)]
pub fn validate_record(record: MarcRecord) -> Vec<ValidationIssue> {
    editing::validate(&record)
}

#[tauri::command(async)]
pub fn record_to_mnemonic(record: MarcRecord) -> Result<String, ErrorPayload> {
    editing::to_mnemonic(&record).map_err(|e| e.to_payload())
}

#[tauri::command(async)]
pub fn record_from_mnemonic(text: String) -> MnemonicParse {
    editing::from_mnemonic(&text)
}

/// Saves through core (one transaction with its change-log entry), then answers with the
/// record as stored and what the validator still finds in it.
#[tauri::command(async)]
pub fn save_record(
    state: State<'_, AppState>,
    id: Option<String>,
    record: MarcRecord,
) -> Result<SavedRecord, ErrorPayload> {
    let id = id.map(|id| parse_id("record", &id)).transpose()?;
    with_catalog(&state, |c| {
        let saved = editing::save(c, &state.user, id, &record)?;
        let detail = display::detail(c, saved)?;
        let issues = editing::validate(&detail.marc);
        Ok(SavedRecord { detail, issues })
    })
}

#[tauri::command(async)]
pub fn delete_record(
    state: State<'_, AppState>,
    id: String,
) -> Result<DeletedRecord, ErrorPayload> {
    let id = parse_id("record", &id)?;
    with_catalog(&state, |c: &mut Catalog| -> Result<_, CoreError> {
        editing::delete(c, &state.user, id)
    })
}
