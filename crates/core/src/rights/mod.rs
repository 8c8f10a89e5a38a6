//! Rights determinations: whether a work may be shown, to whom, from when, and why.
//!
//! - `jurisdiction`: the terms of protection as data (`schemas/rights/vn.json`, `berne.json`,
//!   or a library's own file), and the catalog's choice (default `vn`).
//! - `dates` and `inputs`: what the record says (authors' death years, type of work,
//!   publication and creation years, stated statuses in 542/540).
//! - `compute`: the rules applied to the inputs, explaining themselves; missing or
//!   contradictory inputs give `UND`, never a guess.
//! - `determinations`: the append-only history per record (the current one is the latest),
//!   computed or set by a person with a reason, each logged to the change log.
//! - `access`: who may open a digital copy (a data table from status to access level,
//!   overridable), and the print-disability exception (Marrakesh Treaty).
//! - `marc`: 542/506/540 written into exported records.
//! - `report`: counts by status, works entering the public domain next 1 January, its CSV.
//! - `review`: review in the app — the queue of works waiting for a person, a determination
//!   for many works at once, the rules over many works in batches, a record's rights tab.

pub mod access;
pub mod compute;
pub mod dates;
pub mod determinations;
pub mod inputs;
pub mod jurisdiction;
pub mod marc;
pub mod report;
pub mod review;

#[cfg(test)]
mod tests;

pub use access::{effective_access, may_open};
pub use determinations::{compute_record, current, follow_status, history, set_access, set_status};
pub use report::{report, report_csv};
pub use review::{bulk_set, compute_many, record_rights, review_queue, set_access_level};

/// Schema version 9: the determinations, one row per determination, never updated or deleted.
/// The full determination is kept as JSON; the columns are what lists and reports filter on.
pub(crate) const MIGRATION_DETERMINATIONS: &str = "
CREATE TABLE rights_determinations (
    seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
    id                  TEXT NOT NULL UNIQUE,
    record_id           TEXT NOT NULL,
    status              TEXT NOT NULL,
    public_domain_from  TEXT,
    access              TEXT NOT NULL,
    rule                TEXT NOT NULL,
    overridden          INTEGER NOT NULL,
    decided_by          TEXT NOT NULL,
    decided_at          TEXT NOT NULL,
    payload             TEXT NOT NULL
) STRICT;
CREATE INDEX rights_determinations_record ON rights_determinations (record_id, seq);
";
