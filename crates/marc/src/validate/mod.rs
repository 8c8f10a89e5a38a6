//! PLACEHOLDER: replaced by validation from schemas/marc21.

use crate::{Diagnostic, Record};

/// Checks one record against the MARC 21 definitions; diagnostics carry tag and position but
/// no record number or offset (the caller adds those).
pub fn validate(_record: &Record) -> Vec<Diagnostic> {
    Vec::new()
}
