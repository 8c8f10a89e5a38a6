//! Shelfmark's branch desktop app: a Tauri 2 window over the branch's own catalog.
//!
//! This crate holds no business logic. It resolves which catalog to open, builds the demo
//! catalog on a first start at the default location, and exposes thin commands that
//! deserialize their arguments, call `shelfmark-core`, and turn a `CoreError` into the
//! `{ code, message, details }` payload the UI matches on by `code`.
//!
//! What this crate must never do: query SQLite itself, hold domain rules, or be depended on.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod content;
mod sip2;
mod startup;
mod sync;

use clap::Parser;

/// Command-line options of the desktop app.
#[derive(Parser, Debug)]
#[command(name = "shelfmark-desktop", version, about = "Shelfmark desktop app")]
struct Args {
    /// The catalog file (default: $SHELFMARK_DB, else the platform data directory).
    #[arg(long, value_name = "PATH")]
    db: Option<std::path::PathBuf>,
}

fn main() {
    let args = Args::parse();
    let state = startup::open_catalog(args.db.as_deref());
    startup::resume_sip2(&state);
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .setup(|app| {
            sync::start_timer(app.handle().clone());
            Ok(())
        })
        .register_asynchronous_uri_scheme_protocol(content::SCHEME, content::handle)
        .invoke_handler(tauri::generate_handler![
            commands::catalog::catalog_summary,
            commands::catalog::list_records,
            commands::catalog::search_records,
            commands::catalog::record_detail,
            commands::catalog::record_history,
            commands::catalog::record_templates,
            commands::catalog::fixed_field_schema,
            commands::catalog::validate_record,
            commands::catalog::record_to_mnemonic,
            commands::catalog::record_from_mnemonic,
            commands::catalog::save_record,
            commands::catalog::delete_record,
            commands::items::list_branches,
            commands::items::add_item,
            commands::items::update_item,
            commands::jobs::preview_import,
            commands::jobs::run_import,
            commands::jobs::run_export,
            commands::jobs::cancel_job,
            commands::jobs::pick_file,
            commands::circulation::find_patrons,
            commands::circulation::patron_merge_preview,
            commands::circulation::merge_patrons,
            commands::circulation::likely_duplicate_patrons,
            commands::circulation::patron_account,
            commands::circulation::register_patron,
            commands::circulation::checkout,
            commands::circulation::checkin,
            commands::circulation::renew,
            commands::circulation::place_hold,
            commands::circulation::cancel_hold,
            commands::circulation::fine_ledger,
            commands::circulation::pay_fine,
            commands::circulation::waive_fine,
            commands::circulation::block_patron,
            commands::circulation::unblock_patron,
            commands::circulation::circulation_stats,
            commands::circulation::export_circulation_stats,
            commands::circulation::kiosk_sign_in,
            commands::circulation::kiosk_checkout,
            commands::circulation::kiosk_checkin,
            commands::circulation::kiosk_password_set,
            commands::circulation::set_kiosk_password,
            commands::circulation::exit_kiosk,
            commands::rights::rights_review_queue,
            commands::rights::record_rights,
            commands::rights::set_rights_status,
            commands::rights::set_access_level,
            commands::rights::compute_rights,
            commands::rights::rights_report,
            commands::rights::export_rights_report,
            commands::digital::digital_objects,
            commands::digital::attach_digital_object,
            commands::digital::remove_digital_object,
            commands::digital::set_object_rights,
            commands::digital::open_digital_object,
            commands::digital::digital_text,
            commands::digital::save_playback_position,
            commands::digital::search_full_text,
            commands::copy::copy_targets,
            commands::copy::add_copy_target,
            commands::copy::remove_copy_target,
            commands::copy::copy_search,
            commands::copy::copy_import,
            commands::sync::sync_status,
            commands::sync::sync_now,
            commands::sync::sync_settings,
            commands::sync::save_sync_settings,
            commands::sync::sync_exceptions,
            commands::sync::resolve_sync_exception,
            commands::sip2::sip2_status,
            commands::sip2::start_sip2,
            commands::sip2::stop_sip2,
            commands::sip2::sip2_accounts,
            commands::sip2::add_sip2_account,
            commands::sip2::remove_sip2_account,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("shelfmark-desktop: the window could not start: {e}");
        std::process::exit(1);
    }
}
