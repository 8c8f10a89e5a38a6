//! The circulation desk, the self-service kiosk and the circulation report.
//!
//! A refusal (card expired, limit reached, ...) comes back as the error code `refused` with
//! the refusal itself — code, both messages, params — as JSON in `details`.

use shelfmark_core::api::{
    CheckinResult, CheckoutResult, CirculationStats, ErrorPayload, FineEntry, Hold, PatronAccount,
    PatronBlock, PatronInput, PatronMatch, PatronMerge, PatronMergePreview, RenewResult,
};
use shelfmark_core::circulation::patrons::merge;
use shelfmark_core::circulation::{self, fines, holds, kiosk, loans, patrons, stats};
use tauri::State;

use super::with_catalog;
use crate::startup::AppState;

#[tauri::command(async)]
pub fn find_patrons(
    state: State<'_, AppState>,
    text: String,
    limit: u32,
) -> Result<Vec<PatronMatch>, ErrorPayload> {
    with_catalog(&state, |c| patrons::search(c, &text, limit))
}

/// Both readers side by side and what a merge would move; cards, not ids, as the desk has them.
#[tauri::command(async)]
pub fn patron_merge_preview(
    state: State<'_, AppState>,
    keep: String,
    duplicate: String,
) -> Result<PatronMergePreview, ErrorPayload> {
    with_catalog(&state, |c| {
        let (keep, duplicate) = merge::card_owners(c, &keep, &duplicate)?;
        merge::merge_preview(c, keep, duplicate)
    })
}

#[tauri::command(async)]
pub fn merge_patrons(
    state: State<'_, AppState>,
    keep: String,
    duplicate: String,
    reason: String,
) -> Result<PatronMerge, ErrorPayload> {
    with_catalog(&state, |c| {
        let (keep, duplicate) = merge::card_owners(c, &keep, &duplicate)?;
        c.write(&state.user, |m| merge::merge(m, keep, duplicate, &reason))
    })
}

#[tauri::command(async)]
pub fn likely_duplicate_patrons(
    state: State<'_, AppState>,
    patron: String,
    limit: u32,
) -> Result<Vec<PatronMatch>, ErrorPayload> {
    with_catalog(&state, |c| {
        let id = merge::card_owner(c, &patron, "keep")?;
        merge::likely_duplicates(c, id, limit)
    })
}

#[tauri::command(async)]
pub fn patron_account(
    state: State<'_, AppState>,
    barcode: String,
) -> Result<PatronAccount, ErrorPayload> {
    with_catalog(&state, |c| patrons::account(c, &barcode))
}

#[tauri::command(async)]
pub fn register_patron(
    state: State<'_, AppState>,
    input: PatronInput,
) -> Result<PatronAccount, ErrorPayload> {
    with_catalog(&state, |c| {
        c.write(&state.user, |m| patrons::add(m, &input))?;
        patrons::account(c, &input.barcode)
    })
}

#[tauri::command(async)]
pub fn checkout(
    state: State<'_, AppState>,
    patron: String,
    item: String,
    branch: Option<String>,
    override_reason: Option<String>,
) -> Result<CheckoutResult, ErrorPayload> {
    with_catalog(&state, |c| {
        c.write(&state.user, |m| {
            loans::checkout(
                m,
                &patron,
                &item,
                branch.as_deref(),
                override_reason.as_deref(),
            )
        })
    })
}

#[tauri::command(async)]
pub fn checkin(
    state: State<'_, AppState>,
    item: String,
    branch: Option<String>,
    at: Option<String>,
) -> Result<CheckinResult, ErrorPayload> {
    with_catalog(&state, |c| {
        let at = at.as_deref().map(circulation::parse_time).transpose()?;
        c.write(&state.user, |m| {
            loans::checkin(m, &item, branch.as_deref(), at)
        })
    })
}

#[tauri::command(async)]
pub fn renew(
    state: State<'_, AppState>,
    item: String,
    override_reason: Option<String>,
) -> Result<RenewResult, ErrorPayload> {
    with_catalog(&state, |c| {
        c.write(&state.user, |m| {
            loans::renew(m, &item, override_reason.as_deref())
        })
    })
}

#[tauri::command(async)]
pub fn place_hold(
    state: State<'_, AppState>,
    patron: String,
    target: String,
    pickup_branch: String,
    override_reason: Option<String>,
) -> Result<Hold, ErrorPayload> {
    with_catalog(&state, |c| {
        c.write(&state.user, |m| {
            holds::place(
                m,
                &patron,
                &target,
                &pickup_branch,
                override_reason.as_deref(),
            )
        })
    })
}

#[tauri::command(async)]
pub fn cancel_hold(state: State<'_, AppState>, hold_id: String) -> Result<Hold, ErrorPayload> {
    with_catalog(&state, |c| {
        c.write(&state.user, |m| holds::cancel(m, &hold_id))
            .map(|(hold, _)| hold)
    })
}

#[tauri::command(async)]
pub fn fine_ledger(
    state: State<'_, AppState>,
    patron: String,
) -> Result<Vec<FineEntry>, ErrorPayload> {
    with_catalog(&state, |c| fines::ledger(c, &patron))
}

#[tauri::command(async)]
pub fn pay_fine(
    state: State<'_, AppState>,
    patron: String,
    amount: i64,
    note: String,
) -> Result<FineEntry, ErrorPayload> {
    with_catalog(&state, |c| {
        c.write(&state.user, |m| fines::pay(m, &patron, amount, &note))
    })
}

#[tauri::command(async)]
pub fn waive_fine(
    state: State<'_, AppState>,
    patron: String,
    amount: i64,
    reason: String,
) -> Result<FineEntry, ErrorPayload> {
    with_catalog(&state, |c| {
        c.write(&state.user, |m| fines::waive(m, &patron, amount, &reason))
    })
}

#[tauri::command(async)]
pub fn block_patron(
    state: State<'_, AppState>,
    patron: String,
    reason: String,
) -> Result<PatronBlock, ErrorPayload> {
    with_catalog(&state, |c| {
        c.write(&state.user, |m| patrons::block(m, &patron, &reason))
    })
}

#[tauri::command(async)]
pub fn unblock_patron(state: State<'_, AppState>, block_id: String) -> Result<(), ErrorPayload> {
    with_catalog(&state, |c| {
        c.write(&state.user, |m| patrons::unblock(m, &block_id))
    })
}

#[tauri::command(async)]
pub fn circulation_stats(
    state: State<'_, AppState>,
    from: String,
    to: String,
) -> Result<CirculationStats, ErrorPayload> {
    with_catalog(&state, |c| {
        let (from, to) = (
            circulation::parse_date(&from)?,
            circulation::parse_date(&to)?,
        );
        stats::stats(c, from, to)
    })
}

/// Writes the report for `from`..=`to` as CSV to `path`.
#[tauri::command(async)]
pub fn export_circulation_stats(
    state: State<'_, AppState>,
    from: String,
    to: String,
    path: String,
) -> Result<(), ErrorPayload> {
    with_catalog(&state, |c| {
        let (from, to) = (
            circulation::parse_date(&from)?,
            circulation::parse_date(&to)?,
        );
        stats::write_csv(&stats::stats(c, from, to)?, std::path::Path::new(&path))
    })
}

#[tauri::command(async)]
pub fn kiosk_sign_in(
    state: State<'_, AppState>,
    patron: String,
    pin: String,
) -> Result<PatronAccount, ErrorPayload> {
    with_catalog(&state, |c| kiosk::sign_in(c, &state.user, &patron, &pin))
}

#[tauri::command(async)]
pub fn kiosk_checkout(
    state: State<'_, AppState>,
    patron: String,
    pin: String,
    item: String,
    branch: Option<String>,
) -> Result<CheckoutResult, ErrorPayload> {
    with_catalog(&state, |c| {
        kiosk::checkout(c, &state.user, &patron, &pin, &item, branch.as_deref())
    })
}

#[tauri::command(async)]
pub fn kiosk_checkin(
    state: State<'_, AppState>,
    item: String,
    branch: Option<String>,
) -> Result<CheckinResult, ErrorPayload> {
    with_catalog(&state, |c| {
        c.write(&state.user, |m| {
            loans::checkin(m, &item, branch.as_deref(), None)
        })
    })
}

#[tauri::command(async)]
pub fn kiosk_password_set(state: State<'_, AppState>) -> Result<bool, ErrorPayload> {
    with_catalog(&state, |c| kiosk::password_set(c))
}

#[tauri::command(async)]
pub fn set_kiosk_password(
    state: State<'_, AppState>,
    current: Option<String>,
    next: String,
) -> Result<(), ErrorPayload> {
    with_catalog(&state, |c| {
        kiosk::set_password(c, &state.user, current.as_deref(), &next)
    })
}

#[tauri::command(async)]
pub fn exit_kiosk(state: State<'_, AppState>, password: String) -> Result<bool, ErrorPayload> {
    with_catalog(&state, |c| kiosk::verify_password(c, &password))
}
