//! The library's domain: everything a person can do to a branch catalog is a function here.
//!
//! How the pieces relate:
//! - [`Catalog`] (in `store`) is one branch's SQLite file: it opens, checks, migrates and
//!   backs up the file, and hands out read access and [`Mutation`]s.
//! - A [`Mutation`] is one SQLite transaction. Every write to a domain table goes through one,
//!   and appends a [`ChangeEntry`] to the change log (in `changelog`) in that same
//!   transaction, stamped with a hybrid logical clock time, the origin node and the user.
//!   If any step fails, neither the row nor its log entry is kept.
//! - Domain modules own their tables and migrations: `catalog::records` (bibliographic
//!   records and their MARC), `holdings` (branches and items), `circulation::patrons`.
//! - [`Clock`] is injected: core never reads the wall clock on its own, so tests set time.
//! - `demo` builds a deterministic catalog with Vietnamese and English records.
//! - `api` holds the types that cross a boundary (IPC, `--json`); they are generated into
//!   TypeScript (`ui/src/bindings/`) and JSON Schema (`schemas/`), and a test fails when the
//!   generated files are stale.
//!
//! What this crate must never do: depend on tauri, axum, clap or any terminal crate, print to a
//! terminal, or read the wall clock or environment deep inside a domain function.

pub mod api;
pub mod catalog;
pub mod changelog;
pub mod circulation;
mod clock;
pub mod demo;
pub mod digital;
mod error;
pub mod holdings;
pub mod rights;
pub mod search;
mod store;
pub mod sync;
pub mod text;
mod tidy_csv;

pub use changelog::{ChangeEntry, EntityType, Operation};
pub use clock::{Clock, Hlc, HlcTimestamp, ManualClock, SystemClock};
pub use error::CoreError;
pub use store::location::{
    CatalogLocation, DB_ENV_VAR, default_catalog_path, resolve_catalog_path,
};
pub use store::{Catalog, CatalogOptions, Mutation, NodeId, SCHEMA_VERSION};
