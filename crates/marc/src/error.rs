//! Typed errors with a pointer to where the fault is, the way rust-marc's `Pointer` does.

use std::fmt;

/// Where in a record (or a stream of records) a fault sits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pointer {
    /// 1-based record number in the stream, when reading a stream.
    pub record: Option<u64>,
    /// Byte offset from the start of the stream.
    pub offset: Option<u64>,
    /// The tag of the field at fault.
    pub tag: Option<String>,
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(r) = self.record {
            parts.push(format!("record {r}"));
        }
        if let Some(o) = self.offset {
            parts.push(format!("byte {o}"));
        }
        if let Some(t) = &self.tag {
            parts.push(format!("field {t}"));
        }
        if parts.is_empty() {
            f.write_str("record")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MarcError {
    #[error("invalid tag {0:?}: a tag is three printable ASCII characters")]
    InvalidTag(String),
    #[error("invalid indicator {0:?}: an indicator is one printable ASCII character or blank")]
    InvalidIndicator(char),
    #[error("invalid subfield code {0:?}: a subfield code is one ASCII graphic character")]
    InvalidSubfieldCode(char),
    #[error("invalid leader {value:?}: {reason}")]
    InvalidLeader { value: String, reason: &'static str },
    #[error("{at}: {reason}")]
    Malformed { at: Pointer, reason: String },
    #[error("record too long to write as ISO 2709: {length} bytes (limit 99999)")]
    RecordTooLong { length: usize },
    #[error("I/O error while reading or writing MARC: {0}")]
    Io(#[from] std::io::Error),
}
