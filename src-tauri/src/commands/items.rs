//! Branches and items, for the record view's item form.

use shelfmark_core::api::{Branch, ErrorPayload, Item, ItemInput};
use shelfmark_core::holdings;
use tauri::State;

use super::{parse_id, with_catalog};
use crate::startup::AppState;

#[tauri::command(async)]
pub fn list_branches(state: State<'_, AppState>) -> Result<Vec<Branch>, ErrorPayload> {
    with_catalog(&state, |c| holdings::branches(c))
}

#[tauri::command(async)]
pub fn add_item(
    state: State<'_, AppState>,
    record_id: String,
    item: ItemInput,
) -> Result<Item, ErrorPayload> {
    let record_id = parse_id("record", &record_id)?;
    with_catalog(&state, |c| {
        holdings::add_item_for(c, &state.user, record_id, &item)
    })
}

#[tauri::command(async)]
pub fn update_item(
    state: State<'_, AppState>,
    item_id: String,
    item: ItemInput,
) -> Result<Item, ErrorPayload> {
    let item_id = parse_id("item", &item_id)?;
    with_catalog(&state, |c| {
        holdings::update_item(c, &state.user, item_id, &item)
    })
}
