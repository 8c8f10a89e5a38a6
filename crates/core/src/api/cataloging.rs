//! The cataloging screens' types: a MARC record as the editor holds it, what the validator
//! found, the record view, items, the change history and the import and export dialogs.
//!
//! The MARC engine's own `Record` stays free of serialization concerns; these are its
//! boundary form, converted both ways in `catalog::editing`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::MaterialType;
use crate::changelog::{EntityType, Operation};

/// A MARC record as the editor holds it: the leader and the fields in their order, every
/// value exactly as typed (the editor may hold a record that does not validate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct MarcRecord {
    /// 24 characters; positions the writer computes (length, base address) may be anything.
    pub leader: String,
    pub fields: Vec<MarcField>,
}

/// A control field (`001`–`009`) holds one value; a data field holds two indicators and
/// subfields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MarcField {
    Control {
        tag: String,
        value: String,
    },
    Data {
        tag: String,
        /// One character each; a blank indicator is a space.
        ind1: String,
        ind2: String,
        subfields: Vec<MarcSubfield>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct MarcSubfield {
    /// One character.
    pub code: String,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IssueSeverity {
    /// Worth a look; never blocks a save.
    Warning,
    /// Breaks a MARC 21 rule; saving asks first.
    Error,
}

/// One thing the validator (or the mnemonic-text parser) found, located for the editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ValidationIssue {
    pub severity: IssueSeverity,
    /// Index into `MarcRecord::fields`; `null` for the leader and the record as a whole.
    pub field_index: Option<u32>,
    /// The field's tag, or `LDR`.
    pub tag: Option<String>,
    /// Index into the field's subfields, when one subfield is at fault.
    pub subfield_index: Option<u32>,
    /// Character position in a fixed field (leader, 006, 007, 008), or a subfield code.
    pub position: Option<String>,
    /// 1-based line of mnemonic text, for issues found while parsing it.
    pub line: Option<u32>,
    /// Stable identifier of the kind of issue (`subfield_not_repeatable`, ...): the UI's
    /// translation key (`validation.<code>`), interpolated with `params`.
    pub code: String,
    pub params: BTreeMap<String, String>,
    /// The English message, shown when the UI has no translation for `code`.
    pub message: String,
}

/// Mnemonic text parsed back into a record: `record` is `null` when a line could not be
/// understood, and `issues` says which and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct MnemonicParse {
    pub record: Option<MarcRecord>,
    pub issues: Vec<ValidationIssue>,
}

/// Where an item is in its life at the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Available,
    /// Set by circulation only.
    OnLoan,
    /// Set by circulation only.
    InTransit,
    /// Set by circulation only: waiting for a reader on the hold shelf.
    OnHoldShelf,
    NotForLoan,
    Lost,
    Damaged,
    Withdrawn,
    ClaimedReturned,
}

impl ItemStatus {
    pub const ALL: [ItemStatus; 9] = [
        ItemStatus::Available,
        ItemStatus::OnLoan,
        ItemStatus::InTransit,
        ItemStatus::OnHoldShelf,
        ItemStatus::NotForLoan,
        ItemStatus::Lost,
        ItemStatus::Damaged,
        ItemStatus::Withdrawn,
        ItemStatus::ClaimedReturned,
    ];

    /// The word stored in `items.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Available => "available",
            ItemStatus::OnLoan => "on_loan",
            ItemStatus::InTransit => "in_transit",
            ItemStatus::OnHoldShelf => "on_hold_shelf",
            ItemStatus::NotForLoan => "not_for_loan",
            ItemStatus::Lost => "lost",
            ItemStatus::Damaged => "damaged",
            ItemStatus::Withdrawn => "withdrawn",
            ItemStatus::ClaimedReturned => "claimed_returned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Whether a cataloger may set this status by editing the item (the others are
    /// circulation's to set).
    pub fn set_by_cataloging(self) -> bool {
        !matches!(
            self,
            ItemStatus::OnLoan | ItemStatus::InTransit | ItemStatus::OnHoldShelf
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Branch {
    pub id: String,
    /// Short code (`HK` for Hoàn Kiếm), unique.
    pub code: String,
    pub name: String,
}

/// One item as the record view and the item form show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Item {
    pub id: String,
    pub record_id: String,
    pub barcode: String,
    /// The item's home branch.
    pub branch_code: String,
    /// Where the item is now, when not at home.
    pub holding_branch_code: Option<String>,
    pub location: String,
    pub call_number: Option<String>,
    pub item_type: String,
    pub status: ItemStatus,
    /// The source system's own item number, from an import.
    pub local_number: Option<String>,
}

/// What the item form sends, for a new item or an edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ItemInput {
    pub barcode: String,
    pub branch_code: String,
    pub location: String,
    pub call_number: Option<String>,
    pub item_type: String,
    pub status: ItemStatus,
}

/// An ISBN or ISSN as the record gives it, with whether its check digit is right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct IdentifierEntry {
    /// As written in the record (020 $a / 022 $a).
    pub value: String,
    /// Qualifier such as `(pbk.)`, from $q or the text after the number.
    pub qualifier: Option<String>,
    pub valid: bool,
}

/// An electronic location (856): the link and what it is called.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct RecordLink {
    pub url: String,
    /// $y or $3 or $z, when given.
    pub label: Option<String>,
}

/// Everything the record view shows. Labels are the UI's; this is the data, as NFC text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct RecordDetail {
    pub id: String,
    pub control_number: Option<String>,
    pub material_type: MaterialType,
    /// 245 $a $b $n $p, ISBD punctuation at the end trimmed.
    pub title: String,
    /// 245 $c.
    pub responsibility: Option<String>,
    /// 100/110/111 then 700/710/711, as headings.
    pub authors: Vec<String>,
    /// 250.
    pub edition: Option<String>,
    /// 264 (or 260) $a $b $c, as one statement.
    pub publication: Option<String>,
    pub year: Option<i32>,
    /// 300.
    pub physical_description: Option<String>,
    /// 490 and 8XX series statements.
    pub series: Vec<String>,
    /// 6XX headings, subdivisions joined with ` -- `.
    pub subjects: Vec<String>,
    /// 5XX notes, in record order.
    pub notes: Vec<String>,
    pub isbns: Vec<IdentifierEntry>,
    pub issns: Vec<IdentifierEntry>,
    pub links: Vec<RecordLink>,
    /// MARC language codes (`vie`, `eng`).
    pub languages: Vec<String>,
    pub call_number: Option<String>,
    /// The record as stored, for the MARC view and the editor.
    pub marc: MarcRecord,
    pub items: Vec<Item>,
    /// UTC, RFC 3339.
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One difference between two versions: a MARC field for a record (`what` is the tag,
/// `before`/`after` the field as mnemonic text), a property for an item (`what` is its name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ChangeDetail {
    pub kind: ChangeKind,
    pub what: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// One entry of a record's history: a change to the record or to one of its items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct RecordChange {
    pub change_id: String,
    pub entity_type: EntityType,
    pub entity_id: String,
    pub operation: Operation,
    pub user: String,
    /// UTC, RFC 3339.
    pub recorded_at: String,
    /// For an item: its barcode, so the history can say which.
    pub item_barcode: Option<String>,
    /// What changed against the version before (for a creation: what was set).
    pub details: Vec<ChangeDetail>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TemplateKind {
    Book,
    Ebook,
    Audiobook,
    Serial,
    Map,
}

/// A starting record for "New record".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct RecordTemplate {
    pub kind: TemplateKind,
    pub record: MarcRecord,
}

/// A record that was saved: its id and the view of it as stored now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SavedRecord {
    pub detail: RecordDetail,
    /// What the validator still finds in the saved record.
    pub issues: Vec<ValidationIssue>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct DeletedRecord {
    pub id: String,
    /// Items deleted with the record (none may be on loan).
    pub items_deleted: u32,
}

/// A label in each UI language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Label {
    pub en: String,
    pub vi: String,
}

/// One value a fixed-field position may take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct FixedValue {
    pub code: String,
    pub label: Label,
}

/// One position (or run of positions) of the leader or 008.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct FixedPosition {
    pub start: u32,
    /// Inclusive.
    pub end: u32,
    pub label: Label,
    /// `codes`, `date`, `language`, `country`, `number`, `computed` (written by the
    /// program, such as the record length), `date_entered`, `undefined`, `free`.
    pub kind: String,
    /// The allowed codes, for `codes`; empty otherwise.
    pub values: Vec<FixedValue>,
    /// For `codes`: whether each character of a run is a code of its own.
    pub each: bool,
}

/// The 008 positions of one material configuration (books, maps, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct FixedLayout {
    /// `books`, `computer_files`, `maps`, `music`, `continuing_resources`, `visual_materials`,
    /// `mixed_materials`.
    pub key: String,
    pub label: Label,
    pub positions: Vec<FixedPosition>,
}

/// The leader and 008 by position, with labelled values, from `schemas/marc21/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct FixedFieldSchema {
    pub leader: Vec<FixedPosition>,
    pub field_008: Vec<FixedLayout>,
    /// Which 008 layout applies to a leader: keys are Leader/06 + Leader/07 (`am`, `as`,
    /// `em`, ...), the value a `FixedLayout::key`; `default_008` when none matches.
    pub layout_for_leader: BTreeMap<String, String>,
    pub default_008: String,
}

/// A MARC serialization the import and export dialogs offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MarcFormat {
    Iso2709,
    Marcxml,
    Mrk,
    Json,
    JsonLines,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportMatch {
    None,
    ControlNumber,
    Isbn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportOnMatch {
    Skip,
    Overlay,
    Add,
}

/// What the import dialog shows once a file is picked, before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ImportPreview {
    pub path: String,
    pub format: MarcFormat,
    #[ts(type = "number")]
    pub size_bytes: u64,
    /// Records the file holds, good or bad.
    #[ts(type = "number")]
    pub records: u64,
    /// Of those, records the MARC engine could not read.
    #[ts(type = "number")]
    pub unreadable: u64,
    /// Whether this very file (same content) was imported into this catalog before.
    pub imported_before: bool,
}

/// What the import dialog sends to start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ImportRequest {
    pub path: String,
    /// `null`: detect from the name and content.
    pub format: Option<MarcFormat>,
    pub match_on: ImportMatch,
    pub on_match: ImportOnMatch,
}

/// Sent as the `import-progress` event while an import runs (and `export-progress` for an
/// export, where `bytes_*` count the output).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct JobProgress {
    #[ts(type = "number")]
    pub records: u64,
    /// 0 when the total is not known.
    #[ts(type = "number")]
    pub records_total: u64,
    #[ts(type = "number")]
    pub bytes_done: u64,
    #[ts(type = "number")]
    pub bytes_total: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProblemOutcomeKind {
    RecordRefused,
    ItemSkipped,
    Imported,
}

/// One bad record (or item) in the import report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ImportProblemEntry {
    #[ts(type = "number | null")]
    pub record: Option<u64>,
    #[ts(type = "number | null")]
    pub offset: Option<u64>,
    pub control_number: Option<String>,
    pub field: Option<String>,
    pub severity: IssueSeverity,
    pub outcome: ProblemOutcomeKind,
    pub reason: String,
}

/// The import report the dialog shows when the run ends (finished or cancelled).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ImportSummary {
    /// True when Cancel stopped it: what was committed before stays, nothing half-written.
    pub cancelled: bool,
    #[ts(type = "number")]
    pub read: u64,
    #[ts(type = "number")]
    pub added: u64,
    #[ts(type = "number")]
    pub overlaid: u64,
    #[ts(type = "number")]
    pub skipped: u64,
    #[ts(type = "number")]
    pub already_imported: u64,
    #[ts(type = "number")]
    pub failed: u64,
    #[ts(type = "number")]
    pub items_added: u64,
    #[ts(type = "number")]
    pub items_skipped: u64,
    pub problems: Vec<ImportProblemEntry>,
}

/// What the export dialog sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ExportRequest {
    pub path: String,
    pub format: MarcFormat,
    /// A search (the search box's language) to export only its results; `null`: everything.
    pub query: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ExportSummary {
    pub path: String,
    #[ts(type = "number")]
    pub records: u64,
    pub cancelled: bool,
}

/// Every cataloging type's TypeScript, in one list so [`super::generated_files`] cannot miss one.
pub(super) fn typescript(
    cfg: &ts_rs::Config,
) -> Vec<(&'static str, Result<String, ts_rs::ExportError>)> {
    vec![
        ("MarcRecord", MarcRecord::export_to_string(cfg)),
        ("MarcField", MarcField::export_to_string(cfg)),
        ("MarcSubfield", MarcSubfield::export_to_string(cfg)),
        ("IssueSeverity", IssueSeverity::export_to_string(cfg)),
        ("ValidationIssue", ValidationIssue::export_to_string(cfg)),
        ("MnemonicParse", MnemonicParse::export_to_string(cfg)),
        ("ItemStatus", ItemStatus::export_to_string(cfg)),
        ("Branch", Branch::export_to_string(cfg)),
        ("Item", Item::export_to_string(cfg)),
        ("ItemInput", ItemInput::export_to_string(cfg)),
        ("IdentifierEntry", IdentifierEntry::export_to_string(cfg)),
        ("RecordLink", RecordLink::export_to_string(cfg)),
        ("RecordDetail", RecordDetail::export_to_string(cfg)),
        ("ChangeKind", ChangeKind::export_to_string(cfg)),
        ("ChangeDetail", ChangeDetail::export_to_string(cfg)),
        ("RecordChange", RecordChange::export_to_string(cfg)),
        ("TemplateKind", TemplateKind::export_to_string(cfg)),
        ("RecordTemplate", RecordTemplate::export_to_string(cfg)),
        ("SavedRecord", SavedRecord::export_to_string(cfg)),
        ("DeletedRecord", DeletedRecord::export_to_string(cfg)),
        ("Label", Label::export_to_string(cfg)),
        ("FixedValue", FixedValue::export_to_string(cfg)),
        ("FixedPosition", FixedPosition::export_to_string(cfg)),
        ("FixedLayout", FixedLayout::export_to_string(cfg)),
        ("FixedFieldSchema", FixedFieldSchema::export_to_string(cfg)),
        ("MarcFormat", MarcFormat::export_to_string(cfg)),
        ("ImportMatch", ImportMatch::export_to_string(cfg)),
        ("ImportOnMatch", ImportOnMatch::export_to_string(cfg)),
        ("ImportPreview", ImportPreview::export_to_string(cfg)),
        ("ImportRequest", ImportRequest::export_to_string(cfg)),
        ("JobProgress", JobProgress::export_to_string(cfg)),
        (
            "ProblemOutcomeKind",
            ProblemOutcomeKind::export_to_string(cfg),
        ),
        (
            "ImportProblemEntry",
            ImportProblemEntry::export_to_string(cfg),
        ),
        ("ImportSummary", ImportSummary::export_to_string(cfg)),
        ("ExportRequest", ExportRequest::export_to_string(cfg)),
        ("ExportSummary", ExportSummary::export_to_string(cfg)),
    ]
}

/// The JSON Schemas of the cataloging types the IPC carries.
pub(super) fn schemas() -> Vec<(&'static str, schemars::Schema)> {
    vec![
        ("marc-record", schemars::schema_for!(MarcRecord)),
        ("validation-issue", schemars::schema_for!(ValidationIssue)),
        ("record-detail", schemars::schema_for!(RecordDetail)),
        ("record-change", schemars::schema_for!(RecordChange)),
        ("item-input", schemars::schema_for!(ItemInput)),
        (
            "fixed-field-schema",
            schemars::schema_for!(FixedFieldSchema),
        ),
        ("import-request", schemars::schema_for!(ImportRequest)),
        ("import-summary", schemars::schema_for!(ImportSummary)),
        ("export-request", schemars::schema_for!(ExportRequest)),
    ]
}
