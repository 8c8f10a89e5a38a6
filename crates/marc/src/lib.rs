//! MARC 21 records: the model and its codecs.
//!
//! A [`Record`] is a [`Leader`] plus an ordered list of [`Field`]s. A field is either a
//! control field (tags `001`–`009`: a tag and a value) or a data field (a tag, two
//! [`Indicator`]s and ordered, repeatable [`Subfield`]s, each a [`SubfieldCode`] and a value).
//! Field order is kept exactly as read, because catalogers and round trips depend on it.
//!
//! Codecs live one module per format: [`iso2709`] reads and writes the exchange format that
//! every library system speaks.
//!
//! What this crate must never do: touch a database, a file path, the network or a UI. It reads
//! from any `Read` and writes to any `Write`; everything else belongs to `shelfmark-core`.

mod error;
pub mod iso2709;
mod record;

pub use error::{MarcError, Pointer};
pub use record::{Field, Indicator, Leader, Record, Subfield, SubfieldCode, Tag};
