//! Types that cross a boundary: the desktop app's IPC, the CLI's `--json` output.
//!
//! They are defined once here and generated into TypeScript (`ui/src/bindings/`, by ts-rs)
//! and JSON Schema (`schemas/`, by schemars). [`generated_files`] renders both; a test
//! compares them with the committed files and fails when one is stale (run the tests with
//! `UPDATE_GENERATED=1` to rewrite them).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub mod cataloging;
pub mod circulation;
pub mod copy;
pub mod digital;
pub mod rights;
pub mod sync;

pub use cataloging::*;
pub use circulation::*;
pub use copy::*;
pub use digital::*;
pub use rights::*;
pub use sync::*;

use crate::changelog::{ChangeEntry, EntityType, Operation};

/// The catalog's identity and counts: the status bar, and `shelfmark info --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CatalogSummary {
    /// The catalog file.
    pub path: String,
    /// This node's id, made on first open.
    pub node_id: String,
    pub schema_version: u32,
    #[ts(type = "number")]
    pub records: u64,
    #[ts(type = "number")]
    pub items: u64,
    #[ts(type = "number")]
    pub patrons: u64,
    /// Entries in the change log.
    #[ts(type = "number")]
    pub changes: u64,
    /// This node's changes the central server has not yet accepted.
    #[ts(type = "number")]
    pub unsynced_changes: u64,
}

/// What kind of material a record describes, from Leader/06-07, 007 and 008.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MaterialType {
    Book,
    Ebook,
    Audiobook,
    Serial,
    Map,
    Music,
    Video,
    Other,
}

impl MaterialType {
    pub const ALL: [MaterialType; 8] = [
        MaterialType::Book,
        MaterialType::Ebook,
        MaterialType::Audiobook,
        MaterialType::Serial,
        MaterialType::Map,
        MaterialType::Music,
        MaterialType::Video,
        MaterialType::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MaterialType::Book => "book",
            MaterialType::Ebook => "ebook",
            MaterialType::Audiobook => "audiobook",
            MaterialType::Serial => "serial",
            MaterialType::Map => "map",
            MaterialType::Music => "music",
            MaterialType::Video => "video",
            MaterialType::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// One line of the record list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct RecordRow {
    pub id: String,
    /// The record control number (001).
    pub control_number: Option<String>,
    pub title: String,
    pub author: Option<String>,
    pub year: Option<i32>,
    pub material_type: MaterialType,
}

/// A window of the record list, in title order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct RecordPage {
    /// All records in the catalog, not just this page.
    #[ts(type = "number")]
    pub total: u64,
    #[ts(type = "number")]
    pub offset: u64,
    pub rows: Vec<RecordRow>,
}

/// How search results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SearchSort {
    /// Best match first.
    #[default]
    Relevance,
    /// By the title's filing form (without a leading article, diacritics folded).
    Title,
    /// By the first author, folded.
    Author,
    /// Newest first.
    Year,
    /// Oldest first (SRU's `sortby dc.date`, whose default order is ascending).
    YearAscending,
    /// By the title's filing form, Z to A.
    TitleDescending,
    /// By the first author, Z to A (records without an author first).
    AuthorDescending,
}

/// One search: the text of the search box (see `search::query` for its language) and a page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SearchQuery {
    pub text: String,
    #[ts(type = "number")]
    pub offset: u64,
    /// At most 1000 hits a page; 0 asks only for the count (and facets).
    pub limit: u32,
    pub sort: SearchSort,
    /// Whether to count facets (material type, language, decade, branch, availability, serial).
    pub facets: bool,
}

/// One record found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SearchHit {
    pub id: String,
    pub control_number: Option<String>,
    pub title: String,
    pub author: Option<String>,
    pub year: Option<i32>,
    pub material_type: MaterialType,
    /// The relevance score; 0 when the results are sorted by something else.
    pub score: f32,
}

/// One value of a facet and how many of the matching records have it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct FacetCount {
    pub value: String,
    #[ts(type = "number")]
    pub count: u64,
}

/// Counts over every matching record (not only the page), most frequent value first.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS, JsonSchema)]
pub struct SearchFacets {
    pub material_type: Vec<FacetCount>,
    /// MARC language codes (`vie`, `eng`); a record in two languages counts in both.
    pub language: Vec<FacetCount>,
    /// The decade of publication, `1990` for 1990-1999.
    pub decade: Vec<FacetCount>,
    /// Branch codes of the branches holding an item of the record.
    pub branch: Vec<FacetCount>,
    /// `available` (an item can be lent now), `unavailable` (items, none on the shelf),
    /// `no_items`.
    pub availability: Vec<FacetCount>,
    /// `serial` for serials and integrating resources, `monograph` for the rest.
    pub serial: Vec<FacetCount>,
}

/// A page of search results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SearchResults {
    /// All matching records, not just this page.
    #[ts(type = "number")]
    pub total: u64,
    #[ts(type = "number")]
    pub offset: u64,
    pub hits: Vec<SearchHit>,
    pub facets: Option<SearchFacets>,
}

/// The closed set of error kinds a face can match on; the message is for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotACatalog,
    CatalogCorrupt,
    CatalogTooNew,
    CatalogReadOnly,
    CatalogUnavailable,
    InvalidInput,
    NotFound,
    /// An item barcode already used by another item.
    BarcodeInUse,
    /// A record cannot be deleted while one of its items is on loan.
    ItemsOnLoan,
    /// An import or export is already running; one at a time.
    JobRunning,
    /// Circulation said no (a loan, renewal or hold); `details` carries the [`Refusal`] as
    /// JSON, with its stable code and both messages.
    Refused,
    /// The access rules keep this reader from a digital copy; `details` carries the
    /// [`AccessDecision`] as JSON.
    AccessDenied,
    /// The central server refused a sync request (token, node id, batch).
    SyncRefused,
    /// A merge of two readers was refused; `details` carries the [`MergeRefusal`] as JSON,
    /// with its stable code and both messages.
    MergeRefused,
    /// Another system (an SRU target, the central server) did not answer or answered
    /// something unusable; the message says which and what to check.
    RemoteFailed,
    Storage,
    Internal,
}

/// An error as the UI and `--json` receive it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ErrorPayload {
    pub code: ErrorCode,
    pub message: String,
    pub details: Option<String>,
}

/// Every generated file, as `(path relative to the repository root, contents)`.
pub fn generated_files() -> Vec<(String, String)> {
    let cfg = ts_rs::Config::default();
    let mut files = Vec::new();
    let mut ts = |name: &str, decl: Result<String, ts_rs::ExportError>| {
        // ts-rs renders each type the way its own export would write the file.
        let text = decl.unwrap_or_else(|e| format!("// could not generate {name}: {e}\n"));
        files.push((format!("ui/src/bindings/{name}.ts"), text));
    };
    ts("CatalogSummary", CatalogSummary::export_to_string(&cfg));
    ts("MaterialType", MaterialType::export_to_string(&cfg));
    ts("RecordRow", RecordRow::export_to_string(&cfg));
    ts("RecordPage", RecordPage::export_to_string(&cfg));
    ts("ErrorCode", ErrorCode::export_to_string(&cfg));
    ts("ErrorPayload", ErrorPayload::export_to_string(&cfg));
    ts("ChangeEntry", ChangeEntry::export_to_string(&cfg));
    ts("EntityType", EntityType::export_to_string(&cfg));
    ts("Operation", Operation::export_to_string(&cfg));
    ts("SearchSort", SearchSort::export_to_string(&cfg));
    ts("SearchQuery", SearchQuery::export_to_string(&cfg));
    ts("SearchHit", SearchHit::export_to_string(&cfg));
    ts("FacetCount", FacetCount::export_to_string(&cfg));
    ts("SearchFacets", SearchFacets::export_to_string(&cfg));
    ts("SearchResults", SearchResults::export_to_string(&cfg));
    for (name, decl) in cataloging::typescript(&cfg) {
        ts(name, decl);
    }
    for (name, decl) in circulation::typescript(&cfg) {
        ts(name, decl);
    }
    for (name, decl) in rights::typescript(&cfg) {
        ts(name, decl);
    }
    for (name, decl) in digital::typescript(&cfg) {
        ts(name, decl);
    }
    for (name, decl) in sync::typescript(&cfg) {
        ts(name, decl);
    }
    for (name, decl) in copy::typescript(&cfg) {
        ts(name, decl);
    }
    let mut schema = |name: &str, value: schemars::Schema| {
        let text = serde_json::to_string_pretty(&value).unwrap_or_default() + "\n";
        files.push((format!("schemas/{name}.schema.json"), text));
    };
    schema("catalog-summary", schemars::schema_for!(CatalogSummary));
    schema("change-entry", schemars::schema_for!(ChangeEntry));
    schema("record-page", schemars::schema_for!(RecordPage));
    schema("error", schemars::schema_for!(ErrorPayload));
    schema("search-query", schemars::schema_for!(SearchQuery));
    schema("search-results", schemars::schema_for!(SearchResults));
    for (name, value) in cataloging::schemas() {
        schema(name, value);
    }
    for (name, value) in circulation::schemas() {
        schema(name, value);
    }
    for (name, value) in rights::schemas() {
        schema(name, value);
    }
    for (name, value) in digital::schemas() {
        schema(name, value);
    }
    for (name, value) in sync::schemas() {
        schema(name, value);
    }
    for (name, value) in copy::schemas() {
        schema(name, value);
    }
    files
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// The generated TypeScript and JSON Schema files are committed; this fails when one is
    /// stale. `UPDATE_GENERATED=1 cargo test -p shelfmark-core generated` rewrites them.
    #[test]
    fn generated_files_are_fresh() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let update = std::env::var_os("UPDATE_GENERATED").is_some();
        let mut stale = Vec::new();
        for (path, contents) in generated_files() {
            assert!(!contents.starts_with("// could not generate"), "{contents}");
            let full = root.join(&path);
            if update {
                std::fs::create_dir_all(full.parent().expect("has a folder")).expect("mkdir");
                std::fs::write(&full, &contents).expect("write");
            } else if std::fs::read_to_string(&full).ok().as_deref() != Some(contents.as_str()) {
                stale.push(path);
            }
        }
        assert!(
            stale.is_empty(),
            "stale generated files {stale:?}: run `UPDATE_GENERATED=1 cargo test -p shelfmark-core generated` and commit"
        );
    }

    #[test]
    fn error_payload_json_shape_is_pinned() {
        let payload = ErrorPayload {
            code: ErrorCode::CatalogTooNew,
            message: "m".into(),
            details: None,
        };
        assert_eq!(
            serde_json::to_string(&payload).expect("json"),
            r#"{"code":"catalog_too_new","message":"m","details":null}"#
        );
    }
}
