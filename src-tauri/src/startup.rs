//! Which catalog the window shows, and the demo catalog on a first start.

use std::path::Path;
use std::sync::Mutex;

use shelfmark_core::api::ErrorPayload;
use shelfmark_core::demo::{self, DemoConfig};
use shelfmark_core::{Catalog, CatalogLocation, CatalogOptions, DB_ENV_VAR, resolve_catalog_path};

/// Records in the demo catalog made on a first start.
const FIRST_START_DEMO_RECORDS: u64 = 3_000;
const FIRST_START_DEMO_SEED: u64 = 1;

/// The open catalog, or why it could not be opened (shown in the window, not a crash).
pub struct AppState {
    pub catalog: Result<Mutex<Catalog>, ErrorPayload>,
}

pub fn open_catalog(explicit: Option<&Path>) -> AppState {
    let env = std::env::var(DB_ENV_VAR).ok();
    let Some((path, location)) = resolve_catalog_path(explicit, env.as_deref()) else {
        return AppState {
            catalog: Err(ErrorPayload {
                code: shelfmark_core::api::ErrorCode::CatalogUnavailable,
                message: "this platform has no data directory; start Shelfmark with --db PATH"
                    .into(),
                details: None,
            }),
        };
    };
    let first_start = location == CatalogLocation::Default && !path.exists();
    let opened = Catalog::open(&path, CatalogOptions::default()).and_then(|mut catalog| {
        if first_start {
            let user = std::env::var("USER").unwrap_or_else(|_| "shelfmark".into());
            let config = DemoConfig {
                records: FIRST_START_DEMO_RECORDS,
                seed: FIRST_START_DEMO_SEED,
            };
            demo::build(&mut catalog, &user, config, |_| {})?;
        }
        Ok(catalog)
    });
    match opened {
        Ok(catalog) => AppState {
            catalog: Ok(Mutex::new(catalog)),
        },
        Err(e) => {
            eprintln!("shelfmark-desktop: {e}");
            AppState {
                catalog: Err(e.to_payload()),
            }
        }
    }
}
