//! The digital collection: a record's files, opening them for a reader, full text, and the
//! player's resume position. Who may open what is core's answer (`digital::open`,
//! `content_path`, `text_part`); the bytes go out through the content protocol
//! (`crate::content`), which asks core again at every request.

use shelfmark_core::api::{
    AccessLevel, AttachRequest, AttachResult, DigitalObject, ErrorPayload, FullTextQuery,
    FullTextResults, OpenedObject, ReaderRequest, RightsStatus, TextPart,
};
use shelfmark_core::digital::{self, fulltext};
use tauri::State;

use super::{parse_id, with_catalog};
use crate::startup::AppState;

#[tauri::command(async)]
pub fn digital_objects(
    state: State<'_, AppState>,
    record_id: String,
) -> Result<Vec<DigitalObject>, ErrorPayload> {
    let id = parse_id("record", &record_id)?;
    with_catalog(&state, |c| digital::list(c, id))
}

#[tauri::command(async)]
pub fn attach_digital_object(
    state: State<'_, AppState>,
    request: AttachRequest,
) -> Result<AttachResult, ErrorPayload> {
    with_catalog(&state, |c| digital::attach(c, &state.user, &request))
}

#[tauri::command(async)]
pub fn remove_digital_object(
    state: State<'_, AppState>,
    object_id: String,
    reason: String,
) -> Result<(), ErrorPayload> {
    let id = parse_id("digital object", &object_id)?;
    with_catalog(&state, |c| digital::remove(c, &state.user, id, &reason))
}

#[tauri::command(async)]
pub fn set_object_rights(
    state: State<'_, AppState>,
    object_id: String,
    status: Option<RightsStatus>,
    access: Option<AccessLevel>,
    reason: String,
) -> Result<DigitalObject, ErrorPayload> {
    let id = parse_id("digital object", &object_id)?;
    with_catalog(&state, |c| {
        c.write(&state.user, |m| {
            digital::set_rights(m, id, status, access, &reason)
        })
    })
}

/// The decision, and when it allows, a fresh content URL for this object and reader.
#[tauri::command(async)]
pub fn open_digital_object(
    state: State<'_, AppState>,
    object_id: String,
    reader: ReaderRequest,
) -> Result<OpenedObject, ErrorPayload> {
    let id = parse_id("digital object", &object_id)?;
    let mut opened = with_catalog(&state, |c| digital::open(c, &state.user, id, &reader))?;
    if opened.decision.allowed {
        opened.content_url = Some(state.tickets.issue(id, reader));
    }
    Ok(opened)
}

#[tauri::command(async)]
pub fn digital_text(
    state: State<'_, AppState>,
    object_id: String,
    part: u32,
    reader: ReaderRequest,
) -> Result<TextPart, ErrorPayload> {
    let id = parse_id("digital object", &object_id)?;
    with_catalog(&state, |c| digital::text_part(c, id, part, &reader))
}

#[tauri::command(async)]
pub fn save_playback_position(
    state: State<'_, AppState>,
    object_id: String,
    reader: ReaderRequest,
    position_ms: u64,
    rate: f32,
) -> Result<(), ErrorPayload> {
    let id = parse_id("digital object", &object_id)?;
    with_catalog(&state, |c| {
        digital::save_position(c, &state.user, id, &reader, position_ms, rate)
    })
}

#[tauri::command(async)]
pub fn search_full_text(
    state: State<'_, AppState>,
    query: FullTextQuery,
    reader: ReaderRequest,
) -> Result<FullTextResults, ErrorPayload> {
    with_catalog(&state, |c| fulltext::search(c, &query, &reader))
}
