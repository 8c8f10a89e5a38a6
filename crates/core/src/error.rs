//! Core's typed error: each variant says what failed, with which input, and what to do.

use std::path::PathBuf;

use crate::api::{ErrorCode, ErrorPayload};

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error(
        "{path} is not a Shelfmark catalog ({reason}). It was not changed. Choose another file with --db or SHELFMARK_DB, or move this one away."
    )]
    NotACatalog { path: PathBuf, reason: String },

    #[error(
        "the catalog {path} is damaged ({detail}). It was not changed. Restore it from a backup, or sync a fresh copy from the central server."
    )]
    Corrupt { path: PathBuf, detail: String },

    #[error(
        "the catalog {path} was made by a newer Shelfmark (schema version {found}; this program knows up to {supported}). It was not changed. Install the newer Shelfmark to open it."
    )]
    TooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },

    #[error(
        "the catalog {path} is in a read-only place ({why}). It was not changed. Make the file and its folder writable, or copy the catalog somewhere writable and open the copy."
    )]
    ReadOnly { path: PathBuf, why: String },

    #[error("cannot open the catalog {path}: {source}")]
    Unavailable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "could not upgrade the catalog {path} to schema version {target}: {detail}. It was left at its old version."
    )]
    Migration {
        path: PathBuf,
        target: u32,
        detail: String,
    },

    #[error("{what} {value:?} is not valid: {reason}")]
    InvalidInput {
        what: &'static str,
        value: String,
        reason: String,
    },

    #[error("no {entity} with {key} {value:?} in this catalog")]
    NotFound {
        entity: &'static str,
        key: &'static str,
        value: String,
    },

    #[error("barcode {barcode:?} is already used by another {entity}; barcodes must be unique")]
    BarcodeInUse {
        entity: &'static str,
        barcode: String,
    },

    #[error(
        "barcode {barcode:?} is already used by an item of the record {title:?} ({record_id}); barcodes must be unique across the catalog, so choose another"
    )]
    BarcodeHeld {
        barcode: String,
        record_id: String,
        title: String,
    },

    #[error(
        "the record {record} cannot be deleted while items are in circulation ({}); check them in (or cancel the transfer or hold) first",
        barcodes.join(", ")
    )]
    ItemsOnLoan {
        record: String,
        barcodes: Vec<String>,
    },

    #[error("cannot read the file to import {path}: {source}. Nothing was imported from it.")]
    ImportSource {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "the search index {path} could not be used: {detail}. The catalog itself is fine; run `shelfmark reindex` to rebuild the index."
    )]
    SearchIndex { path: PathBuf, detail: String },

    #[error(
        "could not write {path}: {source}. Choose a place you can write to; nothing was left there."
    )]
    WriteFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "cannot tell the MARC format of {path} from its name or its first bytes; name it with --format (iso2709, marcxml, mrk, json, jsonl). Nothing was imported from it."
    )]
    UnknownFormat { path: PathBuf },

    /// Circulation refused a loan, renewal or hold; the refusal says why in both languages.
    #[error("cannot read the file to attach {path}: {source}. Nothing was attached.")]
    AttachSource {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "{file} is not a kind of file the digital collection keeps: {detail}. Attach a PDF, an EPUB, a JPEG, PNG, TIFF or WebP image, an MP3 or M4B/M4A recording, or a UTF-8 text. Nothing was attached."
    )]
    UnsupportedMedia { file: String, detail: String },

    #[error(
        "the digital collection's files at {path} could not be used: {detail}. Check that the folder beside the catalog exists and can be written to; nothing was changed."
    )]
    ContentStore { path: PathBuf, detail: String },

    #[error("refused ({}): {}", .0.code.as_str(), .0.message_en)]
    Refused(crate::api::Refusal),

    /// A merge of two readers was refused (the same reader twice, an unknown card, a reader
    /// already merged, no reason); the refusal says why in both languages. Nothing was changed.
    #[error("merge refused ({}): {}", .0.code.as_str(), .0.message_en)]
    MergeRefused(crate::api::MergeRefusal),

    /// The access rules do not let this reader open a digital copy; the decision says why in
    /// both languages.
    #[error("{what} may not be opened: {}", .decision.explanation_en)]
    AccessDenied {
        what: String,
        decision: Box<crate::api::AccessDecision>,
    },

    /// The central server refused a sync request (bad token, another branch's node id, a
    /// malformed batch); `code` says which, the message what to do.
    #[error("sync refused ({code:?}): {message}")]
    SyncRefused {
        code: crate::api::SyncErrorCode,
        message: String,
    },

    #[error("catalog storage error: {0}")]
    Storage(#[from] rusqlite::Error),

    #[error("MARC record error: {0}")]
    Marc(#[from] shelfmark_marc::MarcError),

    #[error(
        "the record {record} was not imported (nothing written):{}{}",
        problems.iter().map(|p| format!("\n  {p}")).collect::<String>(),
        hint.as_deref().map(|h| format!("\n{h}")).unwrap_or_default()
    )]
    CopyRecordInvalid {
        /// The record as the message names it: its title in quotes, or that it has none.
        record: String,
        /// Each problem, `severity tag: message`.
        problems: Vec<String>,
        /// What the cataloger can do, when there is something.
        hint: Option<String>,
    },

    #[error("could not encode a change-log payload: {0}")]
    Payload(#[from] serde_json::Error),
}

impl CoreError {
    /// The closed code a face (UI, CLI `--json`) can match on instead of the message.
    pub fn code(&self) -> ErrorCode {
        match self {
            CoreError::NotACatalog { .. } => ErrorCode::NotACatalog,
            CoreError::Corrupt { .. } => ErrorCode::CatalogCorrupt,
            CoreError::TooNew { .. } => ErrorCode::CatalogTooNew,
            CoreError::ReadOnly { .. } => ErrorCode::CatalogReadOnly,
            CoreError::Unavailable { .. } | CoreError::Migration { .. } => {
                ErrorCode::CatalogUnavailable
            }
            CoreError::BarcodeInUse { .. } | CoreError::BarcodeHeld { .. } => {
                ErrorCode::BarcodeInUse
            }
            CoreError::ItemsOnLoan { .. } => ErrorCode::ItemsOnLoan,
            CoreError::InvalidInput { .. }
            | CoreError::Marc(_)
            | CoreError::CopyRecordInvalid { .. } => ErrorCode::InvalidInput,
            CoreError::NotFound { .. } => ErrorCode::NotFound,
            CoreError::ImportSource { source, .. }
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                ErrorCode::NotFound
            }
            CoreError::ImportSource { .. } | CoreError::UnknownFormat { .. } => {
                ErrorCode::InvalidInput
            }
            CoreError::AttachSource { source, .. }
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                ErrorCode::NotFound
            }
            CoreError::AttachSource { .. } | CoreError::UnsupportedMedia { .. } => {
                ErrorCode::InvalidInput
            }
            CoreError::ContentStore { .. } => ErrorCode::Storage,
            CoreError::Storage(_) | CoreError::SearchIndex { .. } | CoreError::WriteFile { .. } => {
                ErrorCode::Storage
            }
            CoreError::Payload(_) => ErrorCode::Internal,
            CoreError::Refused(_) => ErrorCode::Refused,
            CoreError::MergeRefused(_) => ErrorCode::MergeRefused,
            CoreError::AccessDenied { .. } => ErrorCode::AccessDenied,
            CoreError::SyncRefused { .. } => ErrorCode::SyncRefused,
        }
    }

    pub fn to_payload(&self) -> ErrorPayload {
        let details = match self {
            // The desk reads the refusal itself (code, both messages, params) from details.
            CoreError::Refused(refusal) => serde_json::to_string(refusal).ok(),
            CoreError::MergeRefused(refusal) => serde_json::to_string(refusal).ok(),
            // The viewer shows the decision (level, basis, both explanations) from details.
            CoreError::AccessDenied { decision, .. } => serde_json::to_string(decision).ok(),
            _ => std::error::Error::source(self).map(|s| s.to_string()),
        };
        ErrorPayload {
            code: self.code(),
            message: self.to_string(),
            details,
        }
    }
}
