//! This branch's own sync settings and the record of its last sync attempt, kept in
//! `catalog_meta` under `sync.*`: the server's address, the branch's token, the interval of
//! automatic syncs, a private certificate authority, and when the last attempt ran, what it
//! moved or why it failed. [`status`] puts them together with the pending changes and the
//! open exceptions for the sync indicator.
//!
//! The token is kept readable, not hashed: the branch must send it with every request, so it
//! has to be able to read it back. It stays inside this catalog file, which anyone able to
//! read already holds the whole catalog; a stolen token is revoked on the server
//! (`shelfmark server revoke-branch`). It is never shown back ([`settings`] only says whether
//! one is kept), never printed by `shelfmark info`, never written to a log.
//!
//! What this module must never do: write to the change log. These settings belong to this
//! node alone — the change log travels to the server and every other branch, and the token is
//! a secret of this branch — so the writes here are deliberately not logged, and pulled
//! entries never touch `sync.*` keys.

use rusqlite::{OptionalExtension, params};
use time::{Duration, OffsetDateTime};

use crate::api::{SyncReport, SyncSettings, SyncStatus};
use crate::changelog;
use crate::error::CoreError;
use crate::store::{Catalog, Mutation};
use crate::text;

const SERVER_URL: &str = "sync.server_url";
const TOKEN: &str = "sync.token";
const INTERVAL: &str = "sync.interval_minutes";
const CA_CERT: &str = "sync.ca_cert";
const LAST_ATTEMPT_AT: &str = "sync.last_attempt_at";
const LAST_SYNC_AT: &str = "sync.last_sync_at";
const LAST_ERROR: &str = "sync.last_error";
const LAST_REPORT: &str = "sync.last_report";
const ONLINE: &str = "sync.online";
const FAILURES: &str = "sync.failures";
const NEXT_ATTEMPT_AT: &str = "sync.next_attempt_at";

/// Automatic syncs at most once a week apart; more is a typing mistake.
pub const MAX_INTERVAL_MINUTES: u32 = 7 * 24 * 60;

/// After failures in a row the next automatic attempt waits 1, 2, 4, … minutes, at most this
/// many (and never longer than the interval itself).
const MAX_RETRY_MINUTES: i64 = 30;

/// What the client needs to reach the server: read only by the sync client, never shown.
#[derive(Clone, PartialEq, Eq)]
pub struct SyncConnection {
    pub server_url: String,
    pub token: String,
    /// A PEM file of the certificate authority that signed a private server certificate.
    pub ca_cert: Option<String>,
}

impl std::fmt::Debug for SyncConnection {
    /// The token is left out so a debug print or a log line never carries it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncConnection")
            .field("server_url", &self.server_url)
            .field("token", &"(hidden)")
            .field("ca_cert", &self.ca_cert)
            .finish()
    }
}

/// How one sync attempt ended, for [`record_attempt`].
#[derive(Debug, Clone, Copy)]
pub enum AttemptOutcome<'a> {
    /// Everything moved.
    Synced(&'a SyncReport),
    /// It stopped: `message` says why in words a person can act on; `reached_server` tells a
    /// refusal (the server answered) from no connection at all (offline).
    Failed {
        message: &'a str,
        reached_server: bool,
    },
}

fn get(catalog: &Catalog, key: &str) -> Result<Option<String>, CoreError> {
    Ok(catalog
        .conn()
        .prepare_cached("SELECT value FROM catalog_meta WHERE key = ?1")?
        .query_row(params![key], |r| r.get(0))
        .optional()?)
}

fn put(m: &Mutation<'_>, key: &str, value: Option<&str>) -> Result<(), CoreError> {
    match value {
        Some(value) => m
            .conn()
            .prepare_cached(
                "INSERT INTO catalog_meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = ?2",
            )?
            .execute(params![key, value])?,
        None => m
            .conn()
            .prepare_cached("DELETE FROM catalog_meta WHERE key = ?1")?
            .execute(params![key])?,
    };
    Ok(())
}

/// Where this branch syncs to, as the settings screen shows it (never the token itself).
pub fn settings(catalog: &Catalog) -> Result<SyncSettings, CoreError> {
    Ok(SyncSettings {
        server_url: get(catalog, SERVER_URL)?,
        has_token: get(catalog, TOKEN)?.is_some(),
        interval_minutes: get(catalog, INTERVAL)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
    })
}

/// The server and token to sync with; `None` while either is missing.
pub fn connection(catalog: &Catalog) -> Result<Option<SyncConnection>, CoreError> {
    let (Some(server_url), Some(token)) = (get(catalog, SERVER_URL)?, get(catalog, TOKEN)?) else {
        return Ok(None);
    };
    Ok(Some(SyncConnection {
        server_url,
        token,
        ca_cert: get(catalog, CA_CERT)?,
    }))
}

/// A server address the client can use: `http://` or `https://`, a host, no spaces.
fn checked_url(url: &str) -> Result<String, CoreError> {
    let url = url.trim().trim_end_matches('/').to_string();
    let bad = |reason: &str| CoreError::InvalidInput {
        what: "sync server address",
        value: url.clone(),
        reason: reason.into(),
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            bad("write it with http:// or https://, e.g. https://thuvien.example.vn:8787")
        })?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(bad("it names no server after http(s)://"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("an address has no spaces"));
    }
    Ok(url)
}

/// A token as it goes into an `Authorization` header: visible ASCII only.
fn checked_token(token: &str) -> Result<String, CoreError> {
    let token = token.trim();
    if token.len() < 32 || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(CoreError::InvalidInput {
            what: "sync token",
            value: "(hidden)".into(),
            reason: "a branch token is the line of at least 32 letters and digits that \
                     `shelfmark server add-branch` printed; paste it whole"
                .into(),
        });
    }
    Ok(token.to_string())
}

/// Saves where this branch syncs to. `server_url` `None` or empty: this catalog stops syncing
/// (the token is forgotten too). `token` `None`: the kept one stays; `Some("")` forgets it.
/// `interval_minutes` 0: sync only when asked. Nothing is saved when anything is invalid.
pub fn save_settings(
    catalog: &mut Catalog,
    server_url: Option<&str>,
    token: Option<&str>,
    interval_minutes: u32,
) -> Result<SyncSettings, CoreError> {
    let url = server_url
        .filter(|u| !u.trim().is_empty())
        .map(checked_url)
        .transpose()?;
    let token = match token {
        Some(t) if t.trim().is_empty() => Some(None),
        Some(t) => Some(Some(checked_token(t)?)),
        None => None,
    };
    if interval_minutes > MAX_INTERVAL_MINUTES {
        return Err(CoreError::InvalidInput {
            what: "sync interval",
            value: interval_minutes.to_string(),
            reason: format!(
                "at most {MAX_INTERVAL_MINUTES} minutes (a week); 0 syncs only when asked"
            ),
        });
    }
    // Not logged: see the module documentation (the settings belong to this node alone).
    catalog.write("sync", |m| {
        put(m, SERVER_URL, url.as_deref())?;
        if url.is_none() {
            put(m, TOKEN, None)?;
        } else if let Some(token) = &token {
            put(m, TOKEN, token.as_deref())?;
        }
        put(m, INTERVAL, Some(&interval_minutes.to_string()))?;
        // A new plan: the next automatic attempt is due now, not after old failures.
        put(m, FAILURES, None)?;
        put(m, NEXT_ATTEMPT_AT, None)
    })?;
    settings(catalog)
}

/// Sets (or with `None` forgets) the PEM file of a private certificate authority the client
/// trusts for this server, besides the usual public ones.
pub fn save_ca_cert(catalog: &mut Catalog, pem_file: Option<&str>) -> Result<(), CoreError> {
    let pem_file = pem_file.map(str::trim).filter(|p| !p.is_empty());
    catalog.write("sync", |m| put(m, CA_CERT, pem_file))
}

/// The sync indicator's state from what this catalog knows: whether it is configured, how
/// many of its changes wait to go out, the exceptions waiting, and how the last attempt went.
/// `syncing` is always false here (a running sync is the app's to know), and `online` is the
/// last recorded attempt's, which the app may hide until it has tried itself.
pub fn status(catalog: &Catalog) -> Result<SyncStatus, CoreError> {
    Ok(SyncStatus {
        configured: connection(catalog)?.is_some(),
        online: get(catalog, ONLINE)?.map(|v| v == "true"),
        syncing: false,
        pending_changes: changelog::unsynced_count(catalog.conn(), catalog.node_id())?,
        last_sync_at: get(catalog, LAST_SYNC_AT)?,
        last_error: get(catalog, LAST_ERROR)?,
        last_report: get(catalog, LAST_REPORT)?.and_then(|r| serde_json::from_str(&r).ok()),
        open_exceptions: super::open_exception_count(catalog)?,
        next_attempt_at: get(catalog, NEXT_ATTEMPT_AT)?,
    })
}

/// When the next automatic attempt is due (RFC 3339), without counting what waits: a timer
/// asks this every few seconds.
pub fn next_attempt_at(catalog: &Catalog) -> Result<Option<String>, CoreError> {
    get(catalog, NEXT_ATTEMPT_AT)
}

/// When the last attempt (successful or not) ran, RFC 3339.
pub fn last_attempt_at(catalog: &Catalog) -> Result<Option<String>, CoreError> {
    get(catalog, LAST_ATTEMPT_AT)
}

/// Records how a sync attempt ended (at the catalog clock's time) and when the next automatic
/// one is due: after a success one interval later; after failures 1, 2, 4, … minutes later
/// (at most 30, at most the interval), so a branch off the network does not keep trying in a
/// tight loop. With interval 0 nothing is due automatically. Returns the new status.
pub fn record_attempt(
    catalog: &mut Catalog,
    outcome: AttemptOutcome<'_>,
) -> Result<SyncStatus, CoreError> {
    let interval = i64::from(settings(catalog)?.interval_minutes);
    let failures: i64 = get(catalog, FAILURES)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    catalog.write("sync", |m| {
        let now = m.now();
        let stamp = text::rfc3339(now);
        put(m, LAST_ATTEMPT_AT, Some(&stamp))?;
        let next: Option<OffsetDateTime> = match outcome {
            AttemptOutcome::Synced(report) => {
                put(m, LAST_SYNC_AT, Some(&stamp))?;
                put(m, LAST_ERROR, None)?;
                put(m, LAST_REPORT, Some(&serde_json::to_string(report)?))?;
                put(m, ONLINE, Some("true"))?;
                put(m, FAILURES, None)?;
                (interval > 0).then(|| now + Duration::minutes(interval))
            }
            AttemptOutcome::Failed {
                message,
                reached_server,
            } => {
                put(m, LAST_ERROR, Some(message))?;
                put(
                    m,
                    ONLINE,
                    Some(if reached_server { "true" } else { "false" }),
                )?;
                let failures = failures + 1;
                put(m, FAILURES, Some(&failures.to_string()))?;
                let wait = (1i64 << (failures - 1).min(5))
                    .min(MAX_RETRY_MINUTES)
                    .min(interval);
                (interval > 0).then(|| now + Duration::minutes(wait))
            }
        };
        put(m, NEXT_ATTEMPT_AT, next.map(text::rfc3339).as_deref())
    })?;
    status(catalog)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::{CatalogOptions, Clock, ManualClock};

    const TOKEN_TEXT: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn catalog() -> (tempfile::TempDir, Catalog, Arc<ManualClock>) {
        let dir = tempfile::TempDir::new().expect("tempdir");
        let clock = Arc::new(ManualClock::new(
            OffsetDateTime::from_unix_timestamp(1_750_000_000).expect("time"),
        ));
        let catalog = Catalog::open(
            dir.path().join("branch.db"),
            CatalogOptions {
                clock: clock.clone(),
            },
        )
        .expect("catalog");
        (dir, catalog, clock)
    }

    #[test]
    fn settings_are_kept_the_token_is_never_shown_and_nothing_is_logged() {
        let (_dir, mut catalog, _) = catalog();
        assert_eq!(
            settings(&catalog).expect("settings"),
            SyncSettings {
                server_url: None,
                has_token: false,
                interval_minutes: 0
            }
        );
        let changes = catalog.summary().expect("summary").changes;
        let saved = save_settings(
            &mut catalog,
            Some(" https://thuvien.example.vn:8787/ "),
            Some(TOKEN_TEXT),
            15,
        )
        .expect("saved");
        assert_eq!(
            saved,
            SyncSettings {
                server_url: Some("https://thuvien.example.vn:8787".into()),
                has_token: true,
                interval_minutes: 15
            }
        );
        let connection = connection(&catalog).expect("read").expect("configured");
        assert_eq!(connection.token, TOKEN_TEXT);
        assert!(!format!("{connection:?}").contains(TOKEN_TEXT));
        // The token stays when only the interval changes.
        save_settings(
            &mut catalog,
            Some("https://thuvien.example.vn:8787"),
            None,
            0,
        )
        .expect("saved");
        assert!(connection_token(&catalog).is_some());
        // Nothing of it is in the change log, which travels to every branch.
        assert_eq!(catalog.summary().expect("summary").changes, changes);
        let logged: i64 = catalog
            .conn()
            .query_row(
                "SELECT count(*) FROM change_log WHERE payload LIKE ?1",
                params![format!("%{TOKEN_TEXT}%")],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(logged, 0);
        // No server: the token is forgotten with it.
        save_settings(&mut catalog, None, None, 0).expect("saved");
        assert_eq!(connection_token(&catalog), None);
        assert!(!status(&catalog).expect("status").configured);
    }

    fn connection_token(catalog: &Catalog) -> Option<String> {
        get(catalog, TOKEN).expect("read")
    }

    #[test]
    fn bad_settings_are_refused_and_nothing_is_saved() {
        let (_dir, mut catalog, _) = catalog();
        for (url, token, interval) in [
            ("thuvien.example.vn", TOKEN_TEXT, 5),
            ("https://", TOKEN_TEXT, 5),
            ("https://thu vien.vn", TOKEN_TEXT, 5),
            ("https://thuvien.vn", "short", 5),
            (
                "https://thuvien.vn",
                "has a space in it, which no token has ever had",
                5,
            ),
            ("https://thuvien.vn", TOKEN_TEXT, MAX_INTERVAL_MINUTES + 1),
        ] {
            let refused = save_settings(&mut catalog, Some(url), Some(token), interval);
            assert!(
                matches!(refused, Err(CoreError::InvalidInput { .. })),
                "{url} {interval}: {refused:?}"
            );
            if let Err(e) = refused {
                assert!(!e.to_string().contains(TOKEN_TEXT));
            }
        }
        assert_eq!(settings(&catalog).expect("settings").server_url, None);
    }

    #[test]
    fn attempts_are_recorded_and_failures_back_off() {
        let (_dir, mut catalog, clock) = catalog();
        save_settings(
            &mut catalog,
            Some("http://127.0.0.1:8787"),
            Some(TOKEN_TEXT),
            10,
        )
        .expect("saved");
        let before = status(&catalog).expect("status");
        assert!(before.configured);
        assert_eq!(before.online, None);
        assert_eq!(before.last_sync_at, None);
        let start = clock.now();
        let failed = record_attempt(
            &mut catalog,
            AttemptOutcome::Failed {
                message: "the server did not answer",
                reached_server: false,
            },
        )
        .expect("recorded");
        assert_eq!(failed.online, Some(false));
        assert_eq!(
            failed.last_error.as_deref(),
            Some("the server did not answer")
        );
        assert_eq!(
            failed.next_attempt_at,
            Some(text::rfc3339(start + Duration::minutes(1)))
        );
        assert_eq!(
            next_attempt_at(&catalog).expect("due"),
            failed.next_attempt_at
        );
        let again = record_attempt(
            &mut catalog,
            AttemptOutcome::Failed {
                message: "the server did not answer",
                reached_server: false,
            },
        )
        .expect("recorded");
        assert_eq!(
            again.next_attempt_at,
            Some(text::rfc3339(start + Duration::minutes(2)))
        );
        for _ in 0..6 {
            record_attempt(
                &mut catalog,
                AttemptOutcome::Failed {
                    message: "x",
                    reached_server: false,
                },
            )
            .expect("recorded");
        }
        // Never longer than the interval.
        assert_eq!(
            status(&catalog).expect("status").next_attempt_at,
            Some(text::rfc3339(start + Duration::minutes(10)))
        );
        clock.advance(Duration::minutes(3));
        let report = SyncReport {
            pushed: 3,
            pulled: 2,
            applied: 2,
            cursor: 9,
            ..SyncReport::default()
        };
        let done = record_attempt(&mut catalog, AttemptOutcome::Synced(&report)).expect("ok");
        let at = start + Duration::minutes(3);
        assert_eq!(done.online, Some(true));
        assert_eq!(done.last_error, None);
        assert_eq!(done.last_report, Some(report));
        assert_eq!(done.last_sync_at, Some(text::rfc3339(at)));
        assert_eq!(
            done.next_attempt_at,
            Some(text::rfc3339(at + Duration::minutes(10)))
        );
        assert_eq!(
            last_attempt_at(&catalog).expect("read"),
            Some(text::rfc3339(at))
        );
        // Only when asked: nothing is due.
        save_settings(&mut catalog, Some("http://127.0.0.1:8787"), None, 0).expect("saved");
        let manual = record_attempt(&mut catalog, AttemptOutcome::Synced(&SyncReport::default()))
            .expect("ok");
        assert_eq!(manual.next_attempt_at, None);
    }

    #[test]
    fn pending_changes_count_this_nodes_unpushed_entries() {
        let (_dir, mut catalog, _) = catalog();
        crate::demo::build(
            &mut catalog,
            "t",
            crate::demo::DemoConfig {
                records: 3,
                seed: 1,
            },
            |_| {},
        )
        .expect("demo");
        let status = status(&catalog).expect("status");
        assert_eq!(
            status.pending_changes,
            catalog.summary().expect("summary").unsynced_changes
        );
        assert!(status.pending_changes > 0);
        assert_eq!(status.open_exceptions, 0);
    }
}
