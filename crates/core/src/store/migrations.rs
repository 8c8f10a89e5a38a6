//! The ordered list of schema migrations. Each domain module owns the SQL for its tables and
//! exposes it as a constant; this list only fixes their order. A migration is never edited
//! once released: changes are new entries at the end (forward-only, no routine column drops).

use rusqlite_migration::{M, Migrations};

use crate::{catalog, changelog, circulation, holdings};

/// Version 1: node identity and the change log. 2: bibliographic records.
/// 3: branches and items. 4: patrons.
pub fn all() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(changelog::MIGRATION_CHANGE_LOG),
        M::up(catalog::records::MIGRATION_RECORDS),
        M::up(holdings::MIGRATION_BRANCHES_AND_ITEMS),
        M::up(circulation::patrons::MIGRATION_PATRONS),
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        super::all()
            .validate()
            .expect("every migration applies in order on an empty database");
    }
}
