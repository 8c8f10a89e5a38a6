//! The digital collection: files attached to a record (scans, e-books, audiobooks, texts),
//! kept content-addressed beside the catalog, their text searchable, opened for a reader only
//! as the rights rules allow.
//!
//! How the pieces relate:
//! - `store`: the bytes, at `<catalog>.files/<ab>/<sha256>`, written whole or not at all,
//!   never twice; `verify` re-hashes them.
//! - `media`: what a file is from its content (never its name), its parts, duration and
//!   chapters.
//! - `text`: the text of each part (PDF page, EPUB chapter, a text file), kept in SQLite
//!   (`digital_texts`), the truth the full-text index is derived from.
//! - `objects`: the `digital_objects` rows (attach, list, remove) and each object's own rights
//!   (`digital_object_rights`, append-only), every change logged as `digital_object`.
//! - `access`: opening content for a reader (the decision from `rights::access::decide`), the
//!   path of the bytes and the text only when allowed, and playback positions.
//! - `fulltext`: the derived tantivy index in `<catalog>.fulltext/`, excerpts only for readers
//!   who may open the object.
//! - `marc`: one 856 per object in exported records.
//!
//! What this module must never do: hand out a byte, a text or an excerpt of an object without
//! asking the rights rules first; leave a half-written file under a content address; delete
//! content another object still uses.

pub mod access;
pub mod fulltext;
pub mod marc;
pub mod media;
pub mod objects;
pub mod store;
pub mod text;

#[cfg(test)]
mod tests;

pub use access::{content, content_path, open, reader_context, save_position, text_part};
pub use objects::{attach, get, list, remove, set_rights};

/// Schema version 10: the digital collection. Objects (one row per attached file; the
/// content lives in the file store, addressed by `sha256`), the text of their parts (the
/// truth the full-text index is built from), each object's own rights determinations
/// (append-only, the latest is current; a row with both columns null returns the object to
/// the work's), and readers' playback positions.
pub(crate) const MIGRATION_DIGITAL: &str = "
CREATE TABLE digital_objects (
    id                 TEXT PRIMARY KEY,
    record_id          TEXT NOT NULL,
    kind               TEXT NOT NULL,
    media_type         TEXT NOT NULL,
    file_name          TEXT NOT NULL,
    label              TEXT,
    size_bytes         INTEGER NOT NULL,
    sha256             TEXT NOT NULL,
    parts              INTEGER,
    duration_ms        INTEGER,
    chapters           TEXT NOT NULL,
    accessible_format  INTEGER NOT NULL,
    has_text           INTEGER NOT NULL,
    text_note          TEXT,
    added_by           TEXT NOT NULL,
    added_at           TEXT NOT NULL
) STRICT;
CREATE INDEX digital_objects_record ON digital_objects (record_id, added_at);
CREATE INDEX digital_objects_sha256 ON digital_objects (sha256);

CREATE TABLE digital_texts (
    object_id  TEXT NOT NULL,
    part       INTEGER NOT NULL,
    label      TEXT NOT NULL,
    text       TEXT NOT NULL,
    PRIMARY KEY (object_id, part)
) STRICT;

CREATE TABLE digital_object_rights (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    object_id   TEXT NOT NULL,
    status      TEXT,
    access      TEXT,
    reason      TEXT NOT NULL,
    decided_by  TEXT NOT NULL,
    decided_at  TEXT NOT NULL
) STRICT;
CREATE INDEX digital_object_rights_object ON digital_object_rights (object_id, seq);

CREATE TABLE playback_positions (
    object_id    TEXT NOT NULL,
    reader       TEXT NOT NULL,
    position_ms  INTEGER NOT NULL,
    rate         REAL NOT NULL,
    saved_at     TEXT NOT NULL,
    PRIMARY KEY (object_id, reader)
) STRICT;
";
