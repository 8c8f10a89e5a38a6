//! What a reader or the validator found wrong, and exactly where.
//!
//! Readers never panic and never stop a batch: a record they could recover comes with
//! warnings; one they could not is reported as an error and the reader goes on with the next.

use std::fmt;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The record was read (or is valid) but something was repaired or is doubtful.
    Warning,
    /// The record could not be read, or breaks a MARC 21 rule.
    Error,
}

/// One problem, located: record number, byte offset, control number, field and position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// 1-based number of the record in the stream.
    pub record: Option<u64>,
    /// Byte offset from the start of the stream (of the record, or of the fault when known).
    pub offset: Option<u64>,
    /// The record's 001, when it could be read.
    pub control_number: Option<String>,
    /// The field at fault (`LDR` for the leader, `DIR` for the directory).
    pub tag: Option<String>,
    /// Position inside the field (character position for fixed fields, subfield code, ...).
    pub position: Option<String>,
    pub message: String,
    /// Stable identifier of the kind of problem (one of [`crate::codes::CODES`]), so a face
    /// can translate it; `None` for diagnostics that have none yet (some readers').
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
    /// The values the message is made of (`tag`, `code`, `position`, `value`, ...), for a
    /// translated message to interpolate.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<(&'static str, String)>,
    /// Index of the field at fault in `Record::fields` (the validator sets it; `None` for the
    /// leader and the record as a whole).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_index: Option<usize>,
    /// Index of the subfield at fault in its field's subfields, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subfield_index: Option<usize>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            record: None,
            offset: None,
            control_number: None,
            tag: None,
            position: None,
            message: message.into(),
            code: None,
            params: Vec::new(),
            field_index: None,
            subfield_index: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn at_record(mut self, record: u64, offset: u64) -> Self {
        self.record = Some(record);
        self.offset = Some(offset);
        self
    }

    pub fn with_control_number(mut self, control_number: Option<&str>) -> Self {
        self.control_number = control_number.map(str::to_string);
        self
    }

    pub fn in_field(mut self, tag: impl Into<String>) -> Self {
        self.tag = Some(tag.into());
        self
    }

    pub fn at_position(mut self, position: impl Into<String>) -> Self {
        self.position = Some(position.into());
        self
    }

    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    /// Adds (or replaces) one named value of the message.
    pub fn with_param(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.set_param(name, value);
        self
    }

    pub(crate) fn set_param(&mut self, name: &'static str, value: impl Into<String>) {
        let value = value.into();
        match self.params.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.params.push((name, value)),
        }
    }

    /// The value of a named parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Display for Diagnostic {
    /// `error: record 3 (001 ocm123), byte 4410, field 245/ind2: message`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{severity}:")?;
        let mut place = Vec::new();
        if let Some(r) = self.record {
            match &self.control_number {
                Some(c) => place.push(format!("record {r} (001 {c})")),
                None => place.push(format!("record {r}")),
            }
        }
        if let Some(o) = self.offset {
            place.push(format!("byte {o}"));
        }
        if let Some(t) = &self.tag {
            match &self.position {
                Some(p) => place.push(format!("field {t}/{p}")),
                None => place.push(format!("field {t}")),
            }
        }
        if !place.is_empty() {
            write!(f, " {}:", place.join(", "))?;
        }
        write!(f, " {}", self.message)
    }
}

/// A record read from a stream, with whatever was repaired on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub record: crate::Record,
    pub warnings: Vec<Diagnostic>,
}

/// Every reader is an iterator of these: a record (perhaps repaired, with warnings), or the
/// error that made a record unreadable. After an error the reader goes on with the next record;
/// it ends only at the end of the input (or on an I/O error, reported as a last `Err`).
pub type ReadResult = Result<Decoded, Diagnostic>;
