//! The digital collection: files attached to a record (scans, e-books, audiobooks, text),
//! opening them for a reader under the access rules, full-text search and the player's
//! resume position.
//!
//! Sizes are bytes, durations milliseconds, times RFC 3339 in UTC.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::rights::{AccessDecision, AccessLevel, RightsStatus};

/// What a digital object is, from its content (not its file name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DigitalKind {
    /// A scanned page or photograph (JPEG, PNG, TIFF, WebP).
    Image,
    /// A PDF: a scanned book or an e-book.
    Pdf,
    /// An EPUB e-book.
    Epub,
    /// An audiobook or other recording (MP3, M4B/M4A AAC).
    Audio,
    /// Plain text (UTF-8).
    Text,
}

/// A chapter of a recording, from the file's own chapter marks (ID3 CHAP, MP4 chapters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct AudioChapter {
    pub title: String,
    #[ts(type = "number")]
    pub start_ms: u64,
    #[ts(type = "number")]
    pub end_ms: u64,
}

/// A file attached to a record, stored content-addressed beside the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct DigitalObject {
    /// UUIDv7.
    pub id: String,
    pub record_id: String,
    pub kind: DigitalKind,
    /// `application/pdf`, `audio/mpeg`, `image/jpeg`, ...
    pub media_type: String,
    /// The name the file had when attached.
    pub file_name: String,
    /// What the library calls it ("Tập 1", "Bản quét 1998").
    pub label: Option<String>,
    #[ts(type = "number")]
    pub size_bytes: u64,
    /// Lowercase hex SHA-256 of the content; the content's address.
    pub sha256: String,
    /// Pages of a PDF, chapters (spine documents) of an EPUB, 1 for an image or a text.
    pub parts: Option<u32>,
    #[ts(type = "number | null")]
    pub duration_ms: Option<u64>,
    pub chapters: Vec<AudioChapter>,
    /// An accessible-format copy (an audiobook, large print, DAISY) made for readers with a
    /// print disability: the disability exception can open it when nothing else does.
    pub accessible_format: bool,
    /// Text was extracted and is in the full-text index.
    pub has_text: bool,
    /// The object's own status, when it differs from the work's (a new narration of a
    /// public-domain text has its own rights); `null`: the work's.
    pub status: Option<RightsStatus>,
    /// Who may open it now: the object's own level if set, else the work's.
    pub access: AccessLevel,
    /// Why the object's own status or level was set.
    pub rights_reason: Option<String>,
    pub added_by: String,
    pub added_at: String,
}

/// Attach a file to a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct AttachRequest {
    pub record_id: String,
    /// A file on this computer.
    pub path: String,
    pub label: Option<String>,
    pub accessible_format: bool,
}

/// What attaching did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct AttachResult {
    pub object: DigitalObject,
    /// The same content was already stored (for this or another record): no second copy was
    /// written.
    pub content_already_stored: bool,
    /// Why no text could be extracted, when none was (a scan without a text layer, a damaged
    /// file); the file is attached all the same.
    pub text_note: Option<String>,
}

/// Who is opening content, as the face knows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReaderRole {
    /// The library's staff at the desktop app.
    Staff,
    /// A reader with a card (the card is given beside the role).
    Patron,
    /// Someone not signed in.
    Anonymous,
}

/// The reader a request is made for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ReaderRequest {
    pub role: ReaderRole,
    /// The library card, for `patron`.
    pub card: Option<String>,
    /// At the library (a branch's desktop app or reading-room computer).
    pub on_premises: bool,
}

/// A digital object opened for a reader: the decision, and when allowed the address of its
/// content and where the reader stopped last time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct OpenedObject {
    pub object: DigitalObject,
    pub decision: AccessDecision,
    /// Where the face serves the bytes (filled by the face; `null` when refused).
    pub content_url: Option<String>,
    /// The text parts (PDF pages, EPUB chapters, a text) with their labels, for the viewer's
    /// table of contents and for screen readers; empty when refused or when there is no text.
    pub text_parts: Vec<TextPartInfo>,
    /// The saved position of this reader in a recording.
    #[ts(type = "number | null")]
    pub resume_ms: Option<u64>,
    /// The saved playback speed.
    pub resume_rate: Option<f32>,
}

/// A part of an object's text: a PDF page, an EPUB chapter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct TextPartInfo {
    /// From 0, in reading order.
    pub index: u32,
    /// "Trang 3", the chapter's title.
    pub label: String,
}

/// One part's text, for the viewer's text view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct TextPart {
    pub index: u32,
    pub label: String,
    pub text: String,
}

/// A full-text search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct FullTextQuery {
    /// Words and quoted phrases; diacritics may be left out (`truyen kieu`).
    pub text: String,
    pub offset: u32,
    pub limit: u32,
}

/// A piece of an excerpt, highlighted when it matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ExcerptSegment {
    pub text: String,
    pub highlighted: bool,
}

/// A place in an object's text where the query matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Excerpt {
    pub part: u32,
    pub part_label: String,
    pub segments: Vec<ExcerptSegment>,
}

/// A digital object whose text matched. Excerpts are shown only to a reader who may open
/// the object; others see that it matched and why they cannot read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct FullTextHit {
    pub record_id: String,
    pub object_id: String,
    pub title: String,
    pub author: Option<String>,
    pub file_name: String,
    pub label: Option<String>,
    pub kind: DigitalKind,
    pub score: f32,
    pub decision: AccessDecision,
    pub excerpts: Vec<Excerpt>,
}

/// A page of full-text hits, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct FullTextResults {
    #[ts(type = "number")]
    pub total: u64,
    pub hits: Vec<FullTextHit>,
}

/// The result of checking stored content against its checksums.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct VerifyReport {
    #[ts(type = "number")]
    pub objects: u64,
    #[ts(type = "number")]
    pub ok: u64,
    /// Objects whose file is gone.
    pub missing: Vec<String>,
    /// Objects whose file no longer has its SHA-256.
    pub damaged: Vec<String>,
}

pub(super) fn typescript(
    cfg: &ts_rs::Config,
) -> Vec<(&'static str, Result<String, ts_rs::ExportError>)> {
    vec![
        ("DigitalKind", DigitalKind::export_to_string(cfg)),
        ("AudioChapter", AudioChapter::export_to_string(cfg)),
        ("DigitalObject", DigitalObject::export_to_string(cfg)),
        ("AttachRequest", AttachRequest::export_to_string(cfg)),
        ("AttachResult", AttachResult::export_to_string(cfg)),
        ("ReaderRole", ReaderRole::export_to_string(cfg)),
        ("ReaderRequest", ReaderRequest::export_to_string(cfg)),
        ("OpenedObject", OpenedObject::export_to_string(cfg)),
        ("TextPartInfo", TextPartInfo::export_to_string(cfg)),
        ("TextPart", TextPart::export_to_string(cfg)),
        ("FullTextQuery", FullTextQuery::export_to_string(cfg)),
        ("ExcerptSegment", ExcerptSegment::export_to_string(cfg)),
        ("Excerpt", Excerpt::export_to_string(cfg)),
        ("FullTextHit", FullTextHit::export_to_string(cfg)),
        ("FullTextResults", FullTextResults::export_to_string(cfg)),
        ("VerifyReport", VerifyReport::export_to_string(cfg)),
    ]
}

/// The JSON Schemas of what `shelfmark digital ... --json` prints.
pub(super) fn schemas() -> Vec<(&'static str, schemars::Schema)> {
    vec![
        ("digital-object", schemars::schema_for!(DigitalObject)),
        ("attach-result", schemars::schema_for!(AttachResult)),
        ("full-text-hit", schemars::schema_for!(FullTextHit)),
        ("verify-report", schemars::schema_for!(VerifyReport)),
    ]
}
