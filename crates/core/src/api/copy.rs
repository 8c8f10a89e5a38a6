//! Copy cataloging (issue 11): the SRU targets a library searches, what a search of one
//! returns, and what importing one of its records did. Shared by `shelfmark copy ... --json`
//! and the desktop app.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cataloging::{ImportMatch, MarcRecord};

/// Another library's SRU server, as the cataloger configured it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CopyTarget {
    /// How the cataloger calls it (`nlv`, `loc`): unique, no spaces.
    pub name: String,
    /// The SRU base URL, `http://` or `https://` (`https://lx2.loc.gov:210/LCDB`).
    pub base_url: String,
    /// `1.1`, `1.2` or `2.0`.
    pub version: String,
    /// The record schema asked for: MARCXML (`marcxml` or its identifier).
    pub record_schema: String,
}

/// What to look for: exactly one of the three.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(tag = "by", content = "value", rename_all = "snake_case")]
pub enum CopyQuery {
    Isbn(String),
    Title(String),
    Author(String),
}

/// One record a target returned, summarized for the list and given whole for the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CopyHit {
    /// Its position in the target's results, from 1.
    #[ts(type = "number")]
    pub position: u64,
    pub title: String,
    pub author: Option<String>,
    pub publisher: Option<String>,
    pub year: Option<i32>,
    /// ISBN-13s.
    pub isbns: Vec<String>,
    /// The target's 001.
    pub control_number: Option<String>,
    pub record: MarcRecord,
}

/// One page of a target's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CopySearchPage {
    pub target: String,
    /// The CQL sent.
    pub query: String,
    /// Records the target found.
    #[ts(type = "number")]
    pub total: u64,
    /// Position of the first hit, from 1.
    #[ts(type = "number")]
    pub start: u64,
    pub hits: Vec<CopyHit>,
    /// Records the target sent that could not be read, and non-fatal diagnostics.
    pub problems: Vec<String>,
}

/// What importing a target's record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CopyImportAction {
    /// A new record in the catalog.
    Added,
    /// The catalog already had it; nothing written.
    Matched,
    /// The catalog's record was replaced by the target's (on match: overlay).
    Overlaid,
}

/// One thing the MARC engine's validation said about an imported record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CopyIssue {
    /// `error` or `warning`.
    pub severity: String,
    pub field: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CopyImportOutcome {
    pub action: CopyImportAction,
    /// The catalog record it is now (added, or the one matched).
    pub record_id: String,
    pub title: String,
    /// Every catalog record it matched, oldest first.
    pub matched: Vec<String>,
    /// What it was matched on when the record lacked what was asked for: no ISBN to match on
    /// by ISBN, so its control number (001); `none` when it had neither (added as new).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub matched_on_instead: Option<ImportMatch>,
    pub issues: Vec<CopyIssue>,
}

pub(super) fn typescript(
    cfg: &ts_rs::Config,
) -> Vec<(&'static str, Result<String, ts_rs::ExportError>)> {
    vec![
        ("CopyTarget", CopyTarget::export_to_string(cfg)),
        ("CopyQuery", CopyQuery::export_to_string(cfg)),
        ("CopyHit", CopyHit::export_to_string(cfg)),
        ("CopySearchPage", CopySearchPage::export_to_string(cfg)),
        ("CopyImportAction", CopyImportAction::export_to_string(cfg)),
        ("CopyIssue", CopyIssue::export_to_string(cfg)),
        (
            "CopyImportOutcome",
            CopyImportOutcome::export_to_string(cfg),
        ),
    ]
}

/// The JSON Schemas of what `shelfmark copy ... --json` prints.
pub(super) fn schemas() -> Vec<(&'static str, schemars::Schema)> {
    vec![
        ("copy-target", schemars::schema_for!(CopyTarget)),
        ("copy-search-page", schemars::schema_for!(CopySearchPage)),
        (
            "copy-import-outcome",
            schemars::schema_for!(CopyImportOutcome),
        ),
    ]
}
