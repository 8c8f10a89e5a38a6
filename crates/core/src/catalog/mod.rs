//! Bibliographic records: the MARC kept faithfully, plus columns extracted for lists and sort.

pub mod copy;
pub mod display;
pub mod editing;
pub mod export;
pub mod extract;
pub mod fixed_fields;
pub mod history;
pub mod identifiers;
pub mod import;
pub mod jobs;
pub mod records;
