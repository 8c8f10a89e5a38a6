//! The ordered list of schema migrations. Each domain module owns the SQL for its tables and
//! exposes it as a constant; this list only fixes their order. A migration is never edited
//! once released: changes are new entries at the end (forward-only, no routine column drops).

use rusqlite::Transaction;
use rusqlite_migration::{M, Migrations};

use crate::{catalog, changelog, circulation, digital, holdings, rights, sync};

/// Version 1: node identity and the change log. 2: bibliographic records.
/// 3: branches and items. 4: patrons. 5: every extracted record column, record identifiers,
/// the items' holding branch and source number, and the import ledger; existing records get
/// their new columns from their MARC in the same transaction. 6: circulation (patron blocks
/// and PIN, closed days, loans, holds, the fines ledger, the policy matrix with its shipped
/// defaults). 7: the desk and the kiosk (patrons' folded names, backfilled from their names;
/// kiosk PIN attempts; report indexes on loan, return and fine times). 8: cheaper change-log
/// and ledger appends (no `hlc` index; `IN` checks written as comparisons). 9: rights
/// determinations (append-only). 10: sync (pull cursor, highest observed time, what each
/// entry changed and knew, the exceptions list, and the central server's hub tables). 11:
/// SIP2 accounts (the self-check machines' logins). 12: the digital collection (objects,
/// their texts, their own rights, playback positions). 13: every loan by item (the rights
/// review queue's loan counts). 14: sync's circulation (open loans of one item may stand side
/// by side). 15: patron merges (the merges, `merged_into` on readers, `merged_from` on what moved).
pub fn all() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(changelog::MIGRATION_CHANGE_LOG),
        M::up(catalog::records::MIGRATION_RECORDS),
        M::up(holdings::MIGRATION_BRANCHES_AND_ITEMS),
        M::up(circulation::patrons::MIGRATION_PATRONS),
        M::up_with_hook(
            catalog::records::MIGRATION_EXTRACTED_COLUMNS,
            |tx: &Transaction| {
                tx.execute_batch(holdings::MIGRATION_ITEM_SOURCE_COLUMNS)?;
                tx.execute_batch(catalog::import::MIGRATION_IMPORT_LEDGER)?;
                catalog::records::backfill_columns(tx)?;
                Ok(())
            },
        ),
        M::up_with_hook("", |tx: &Transaction| {
            circulation::migrate_circulation(tx)
                .map_err(|e| rusqlite_migration::HookError::Hook(e.to_string()))
        }),
        M::up_with_hook("", |tx: &Transaction| {
            circulation::migrate_desk(tx)
                .map_err(|e| rusqlite_migration::HookError::Hook(e.to_string()))
        }),
        M::up_with_hook(changelog::MIGRATION_CHEAPER_APPENDS, |tx: &Transaction| {
            tx.execute_batch(catalog::import::MIGRATION_LEDGER_CHECK)?;
            Ok(())
        }),
        M::up(rights::MIGRATION_DETERMINATIONS),
        M::up(sync::MIGRATION_SYNC),
        M::up(circulation::sip2::MIGRATION_SIP2_ACCOUNTS),
        M::up(digital::MIGRATION_DIGITAL),
        M::up(rights::review::MIGRATION_LOANS_BY_ITEM),
        M::up(sync::MIGRATION_CIRCULATION_SYNC),
        M::up(circulation::patrons::merge::MIGRATION_PATRON_MERGES),
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
