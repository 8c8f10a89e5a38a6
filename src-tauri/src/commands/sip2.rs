//! The SIP2 server's settings: start, stop, status, and the machines' accounts.

use shelfmark_core::api::{ErrorPayload, Sip2Account, Sip2AccountInput, Sip2ServerStatus};
use shelfmark_core::circulation::sip2::{self, ServerSettings};
use tauri::State;

use super::with_catalog;
use crate::startup::AppState;

#[tauri::command(async)]
pub fn sip2_status(state: State<'_, AppState>) -> Result<Sip2ServerStatus, ErrorPayload> {
    Ok(state.sip2.status())
}

/// Starts the server and remembers it (address, character set, running) for the next start.
#[tauri::command(async)]
pub fn start_sip2(
    state: State<'_, AppState>,
    listen: String,
    charset: String,
) -> Result<Sip2ServerStatus, ErrorPayload> {
    let path = with_catalog(&state, |c| Ok(c.path().to_path_buf()))?;
    let status = state.sip2.start(&path, &listen, &charset);
    let settings = ServerSettings {
        listen: status.listen.clone().unwrap_or(listen),
        charset,
        enabled: status.running,
    };
    with_catalog(&state, |c| {
        c.write(&state.user, |m| sip2::save_server_settings(m, &settings))
    })?;
    Ok(status)
}

#[tauri::command(async)]
pub fn stop_sip2(state: State<'_, AppState>) -> Result<Sip2ServerStatus, ErrorPayload> {
    let status = state.sip2.stop();
    with_catalog(&state, |c| {
        if let Some(mut settings) = sip2::server_settings(c)? {
            settings.enabled = false;
            c.write(&state.user, |m| sip2::save_server_settings(m, &settings))?;
        }
        Ok(())
    })?;
    Ok(status)
}

#[tauri::command(async)]
pub fn sip2_accounts(state: State<'_, AppState>) -> Result<Vec<Sip2Account>, ErrorPayload> {
    with_catalog(&state, |c| sip2::accounts(c))
}

#[tauri::command(async)]
pub fn add_sip2_account(
    state: State<'_, AppState>,
    input: Sip2AccountInput,
    password: String,
) -> Result<Sip2Account, ErrorPayload> {
    with_catalog(&state, |c| {
        sip2::add_account(c, &state.user, &input, &password)
    })
}

#[tauri::command(async)]
pub fn remove_sip2_account(state: State<'_, AppState>, login: String) -> Result<(), ErrorPayload> {
    with_catalog(&state, |c| sip2::remove_account(c, &state.user, &login))
}
