//! MARC 21 records: the model and its codecs.
//!
//! A [`Record`] is a [`Leader`] plus an ordered list of [`Field`]s. A field is either a
//! control field (tags `001`–`009`: a tag and a value) or a data field (a tag, two
//! [`Indicator`]s and ordered, repeatable [`Subfield`]s, each a [`SubfieldCode`] and a value).
//! Field order is kept exactly as read, because catalogers and round trips depend on it.
//!
//! Codecs live one module per format — [`iso2709`], [`marcxml`], [`mrk`] (MarcEdit's mnemonic
//! text) and [`json`] (MARC-in-JSON) — each with a streaming `Reader` (an iterator of
//! [`ReadResult`]: a [`Decoded`] record with its warnings, or the [`Diagnostic`] that made a
//! record unreadable; a bad record never ends the stream) and a `Writer` implementing
//! [`RecordWriter`]. [`Format`] names them and [`reader`]/[`writer`] pick one at run time.
//! [`marc8`] converts MARC-8 to Unicode; [`validate`] checks a record against the MARC 21
//! definitions kept as data in `schemas/marc21/`.
//!
//! What this crate must never do: touch a database, a file path, the network or a UI. It reads
//! from any `Read` and writes to any `Write`; everything else belongs to `shelfmark-core`.

pub mod codes;
mod diagnostic;
mod error;
mod format;
pub mod iso2709;
pub mod json;
pub mod marc8;
pub mod marcxml;
pub mod mrk;
mod record;
pub mod validate;

pub use diagnostic::{Decoded, Diagnostic, ReadResult, Severity};
pub use error::{MarcError, Pointer};
pub use format::{Format, RecordWriter, reader, writer};
pub use record::{Field, Indicator, Leader, Record, Subfield, SubfieldCode, Subfields, Tag, Text};

/// The shared corpus of real MARC files, for tests that read files whose licence keeps them
/// out of this repository. `None` (the test says so and passes) when it is not configured.
#[cfg(test)]
pub(crate) fn test_corpus() -> Option<std::path::PathBuf> {
    std::env::var_os("SHELFMARK_MARC_CORPUS")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
}
