//! Which catalog the window shows, and the demo catalog on a first start.

use std::path::Path;
use std::sync::Mutex;

use shelfmark_core::api::ErrorPayload;
use shelfmark_core::demo::{self, DemoConfig};
use shelfmark_core::search::SearchIndex;
use shelfmark_core::{Catalog, CatalogLocation, CatalogOptions, DB_ENV_VAR, resolve_catalog_path};

use crate::commands::jobs::Jobs;

/// Records in the demo catalog made on a first start.
const FIRST_START_DEMO_RECORDS: u64 = 3_000;
const FIRST_START_DEMO_SEED: u64 = 1;

/// The open catalog, or why it could not be opened (shown in the window, not a crash).
pub struct AppState {
    pub catalog: Result<Mutex<Catalog>, ErrorPayload>,
    /// The search index, opened (or rebuilt) by the first search.
    pub index: Mutex<Option<SearchIndex>>,
    /// The import or export running, if any.
    pub jobs: Jobs,
    /// Who the change log says made each change: the operating-system account.
    pub user: String,
    /// The content protocol's tickets (see `content`).
    pub tickets: crate::content::Tickets,
    /// The branch's SIP2 server, when the settings started it.
    pub sip2: crate::sip2::Sip2Host,
    /// Background sync with the central server (one attempt at a time, for the app's life).
    pub sync: &'static crate::sync::SyncRunner,
}

impl AppState {
    fn new(catalog: Result<Mutex<Catalog>, ErrorPayload>) -> AppState {
        AppState {
            catalog,
            index: Mutex::new(None),
            jobs: Jobs::default(),
            user: current_user(),
            tickets: crate::content::Tickets::default(),
            sip2: crate::sip2::Sip2Host::default(),
            // Lives as long as the app, and the timer thread holds it.
            sync: Box::leak(Box::default()),
        }
    }
}

fn current_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "shelfmark".into())
}

pub fn open_catalog(explicit: Option<&Path>) -> AppState {
    let env = std::env::var(DB_ENV_VAR).ok();
    let Some((path, location)) = resolve_catalog_path(explicit, env.as_deref()) else {
        return AppState::new(Err(ErrorPayload {
            code: shelfmark_core::api::ErrorCode::CatalogUnavailable,
            message: "this platform has no data directory; start Shelfmark with --db PATH".into(),
            details: None,
        }));
    };
    let first_start = location == CatalogLocation::Default && !path.exists();
    let opened = Catalog::open(&path, CatalogOptions::default()).and_then(|mut catalog| {
        if first_start {
            let user = current_user();
            let config = DemoConfig {
                records: FIRST_START_DEMO_RECORDS,
                seed: FIRST_START_DEMO_SEED,
            };
            demo::build(&mut catalog, &user, config, |_| {})?;
        }
        Ok(catalog)
    });
    match opened {
        Ok(catalog) => AppState::new(Ok(Mutex::new(catalog))),
        Err(e) => {
            eprintln!("shelfmark-desktop: {e}");
            AppState::new(Err(e.to_payload()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shelfmark_core::api::ErrorCode;

    #[test]
    fn a_bad_catalog_becomes_an_error_the_window_can_show() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("notes.txt");
        std::fs::write(&path, "hello").expect("write");
        let state = open_catalog(Some(&path));
        let err = state.catalog.err().expect("not opened");
        assert_eq!(err.code, ErrorCode::NotACatalog);
        assert!(err.message.contains("notes.txt"), "{}", err.message);
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "hello");
    }

    #[test]
    fn a_new_catalog_named_explicitly_starts_empty() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("branch.db");
        let state = open_catalog(Some(&path));
        let catalog = state.catalog.expect("opened");
        let summary = catalog.lock().expect("lock").summary().expect("summary");
        assert_eq!(
            summary.records, 0,
            "the demo is only made at the default location"
        );
    }
}

/// Starts the SIP2 server again when it was running when the app last closed; a failure (the
/// port taken) is shown in the settings, not at start.
pub fn resume_sip2(state: &AppState) {
    let Ok(catalog) = state.catalog.as_ref() else {
        return;
    };
    let settings = catalog.lock().ok().and_then(|c| {
        shelfmark_core::circulation::sip2::server_settings(&c)
            .ok()
            .flatten()
            .map(|s| (s, c.path().to_path_buf()))
    });
    if let Some((settings, path)) = settings
        && settings.enabled
    {
        state.sip2.start(&path, &settings.listen, &settings.charset);
    }
}
