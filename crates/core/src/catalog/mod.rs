//! Bibliographic records: the MARC kept faithfully, plus columns extracted for lists and sort.

pub mod records;
