//! SRU diagnostics (the `info:srw/diagnostic/1/N` list shared by SRU 1.2 and 2.0): what a
//! server answers instead of records, and what the client reads back from a target.
//!
//! This module owns the numbers and their standard messages only; deciding which one applies
//! is for the mapping and the server.

use std::fmt;

/// One SRU diagnostic: its number in the standard list, what it is about (`details`: the
/// index, relation, parameter or value at fault) and a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub number: u32,
    pub details: Option<String>,
    pub message: String,
}

pub const GENERAL_SYSTEM_ERROR: u32 = 1;
pub const UNSUPPORTED_OPERATION: u32 = 4;
pub const UNSUPPORTED_VERSION: u32 = 5;
pub const UNSUPPORTED_PARAMETER_VALUE: u32 = 6;
pub const MANDATORY_PARAMETER_MISSING: u32 = 7;
pub const UNSUPPORTED_PARAMETER: u32 = 8;
pub const QUERY_SYNTAX_ERROR: u32 = 10;
pub const PARENTHESES: u32 = 13;
pub const QUOTES: u32 = 14;
pub const UNSUPPORTED_CONTEXT_SET: u32 = 15;
pub const UNSUPPORTED_INDEX: u32 = 16;
pub const UNSUPPORTED_RELATION: u32 = 19;
pub const UNSUPPORTED_RELATION_MODIFIER: u32 = 20;
pub const EMPTY_TERM: u32 = 27;
pub const MASKING_UNSUPPORTED: u32 = 28;
pub const ANCHORING_UNSUPPORTED: u32 = 31;
pub const TERM_INVALID_FOR_INDEX: u32 = 36;
pub const TOO_MANY_BOOLEANS: u32 = 38;
pub const UNSUPPORTED_BOOLEAN: u32 = 37;
pub const PROXIMITY_UNSUPPORTED: u32 = 39;
pub const UNSUPPORTED_BOOLEAN_MODIFIER: u32 = 46;
pub const FIRST_RECORD_OUT_OF_RANGE: u32 = 61;
pub const RECORD_NOT_AVAILABLE: u32 = 64;
pub const UNKNOWN_SCHEMA: u32 = 66;
pub const UNSUPPORTED_RECORD_PACKING: u32 = 71;
pub const SORT_UNSUPPORTED: u32 = 80;
pub const UNSUPPORTED_SORT_INDEX: u32 = 82;

impl Diagnostic {
    pub fn new(
        number: u32,
        details: impl Into<Option<String>>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            number,
            details: details.into(),
            message: message.into(),
        }
    }

    /// `info:srw/diagnostic/1/N`.
    pub fn uri(&self) -> String {
        format!("info:srw/diagnostic/1/{}", self.number)
    }

    /// The number of a diagnostic URI of the standard list; `None` for another list's.
    pub fn number_of(uri: &str) -> Option<u32> {
        uri.trim()
            .strip_prefix("info:srw/diagnostic/1/")
            .and_then(|n| n.parse().ok())
    }

    /// The standard list's name for a number, for a message when a target sends none.
    pub fn standard_message(number: u32) -> &'static str {
        match number {
            1 => "General system error",
            2 => "System temporarily unavailable",
            3 => "Authentication error",
            4 => "Unsupported operation",
            5 => "Unsupported version",
            6 => "Unsupported parameter value",
            7 => "Mandatory parameter not supplied",
            8 => "Unsupported parameter",
            10 => "Query syntax error",
            13 => "Invalid or unsupported use of parentheses",
            14 => "Invalid or unsupported use of quotes",
            15 => "Unsupported context set",
            16 => "Unsupported index",
            19 => "Unsupported relation",
            20 => "Unsupported relation modifier",
            22 => "Unsupported combination of relation and index",
            27 => "Empty term unsupported",
            28 => "Masking character not supported",
            31 => "Anchoring character not supported",
            36 => "Term in invalid format for index or relation",
            37 => "Unsupported boolean operator",
            38 => "Too many boolean operators in query",
            39 => "Proximity not supported",
            46 => "Unsupported boolean modifier",
            61 => "First record position out of range",
            64 => "Record temporarily unavailable",
            65 => "Record does not exist",
            66 => "Unknown schema for retrieval",
            67 => "Record not available in this schema",
            71 => "Unsupported record packing",
            80 => "Sort not supported",
            82 => "Unsupported sort index",
            _ => "Diagnostic",
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SRU diagnostic {} ({})", self.number, self.message)?;
        if let Some(d) = &self.details {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}
