//! Sync in the background: the app never waits for the network.
//!
//! Every attempt runs on its own thread over its own connection to the catalog (SQLite lets
//! the window's connection go on reading and writing meanwhile), so a slow or absent server
//! holds no command. A timer thread starts one when the settings say it is due (core keeps
//! the interval and, after failures, the backoff in `next_attempt_at`); "Sync now" starts one
//! at once; never two at a time.
//!
//! What this module must never do: decide what a sync moves or how a conflict ends (core and
//! `shelfmark-sync-client` do).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use shelfmark_core::api::SyncStatus;
use shelfmark_core::sync::settings;
use shelfmark_core::{Catalog, CatalogOptions, CoreError};
use shelfmark_sync_client::{SyncOptions, sync_with_settings};

/// How often the timer looks whether an attempt is due.
const TICK: Duration = Duration::from_secs(5);

#[derive(Default)]
pub struct SyncRunner {
    running: AtomicBool,
    /// The app has tried since it started: until then "online" is not known.
    tried: AtomicBool,
}

impl SyncRunner {
    pub fn syncing(&self) -> bool {
        self.running.load(Ordering::SeqCst)
    }

    /// The status as the indicator shows it: core's, with what only the app knows.
    pub fn status(&self, mut status: SyncStatus) -> SyncStatus {
        status.syncing = self.syncing();
        if !self.tried.load(Ordering::SeqCst) {
            status.online = None;
        }
        status
    }

    /// One attempt on this thread, unless one is running; returns when it ends.
    pub fn attempt(&self, catalog: &Path) -> Result<(), CoreError> {
        if self
            .running
            .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
            .is_err()
        {
            return Ok(());
        }
        let result = Catalog::open(catalog, CatalogOptions::default()).map(|mut own| {
            // The outcome is recorded in the catalog's sync status by the client; the error
            // itself is shown from there.
            let _ = sync_with_settings(&mut own, &SyncOptions::default());
        });
        self.tried.store(true, Ordering::SeqCst);
        self.running.store(false, Ordering::SeqCst);
        result
    }
}

/// Whether an automatic attempt is due now by the catalog's settings and status.
fn due(catalog: &Catalog) -> Result<bool, CoreError> {
    let s = settings::settings(catalog)?;
    if s.server_url.is_none() || !s.has_token || s.interval_minutes == 0 {
        return Ok(false);
    }
    let now = time::OffsetDateTime::now_utc();
    Ok(match settings::next_attempt_at(catalog)?.as_deref() {
        None => true,
        Some(at) => time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
            .map_or(true, |at| at <= now),
    })
}

/// The timer: checks every few seconds, on the window's catalog, whether an attempt is due,
/// and runs it on a connection of its own. It keeps no connection open between attempts.
pub fn start_timer<R: tauri::Runtime>(app: tauri::AppHandle<R>) {
    use tauri::Manager;
    let spawned = std::thread::Builder::new()
        .name("sync-timer".into())
        .spawn(move || {
            loop {
                std::thread::sleep(TICK);
                let state = app.state::<crate::startup::AppState>();
                if state.sync.syncing() {
                    continue;
                }
                let found = crate::commands::with_catalog(&state, |c| {
                    Ok(due(c)?.then(|| c.path().to_path_buf()))
                });
                if let Ok(Some(path)) = found {
                    let _ = state.sync.attempt(&path);
                }
            }
        });
    // Without a timer the branch still syncs with "Sync now"; nothing else depends on it.
    drop(spawned);
}
