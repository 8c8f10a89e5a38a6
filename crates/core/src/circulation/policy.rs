//! The circulation policy as data: a matrix of patron category × item type × branch →
//! loan period, renewals, maximum loans, fine per day, maximum fine, holds allowed and
//! not-for-loan, plus a few library-wide settings (time zone, fine limit that blocks, hold
//! shelf days, overdue days that block).
//!
//! The defaults are `schemas/circulation/policy.json`, compiled in and copied into the catalog
//! when the circulation tables are made; `set_rule` and `set_settings` override them, each
//! through the change log. A lookup takes the most specific rule: a rule naming the branch
//! beats one for every branch (`*`), then one naming the patron category, then one naming the
//! item type (Koha's order).

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::api::{CirculationPolicy, CirculationSettings, PolicyRule};
use crate::changelog::{EntityType, Operation};
use crate::error::CoreError;
use crate::holdings;
use crate::store::Mutation;

use super::calendar::LibraryTime;
use super::patrons::PatronCategory;

/// The library's default policy, as shipped.
pub const DEFAULT_POLICY_JSON: &str = include_str!("../../../../schemas/circulation/policy.json");

/// A key that matches any category, item type or branch.
pub const ANY: &str = "*";

pub(crate) const MIGRATION_POLICY: &str = "
CREATE TABLE circulation_rules (
    patron_category  TEXT NOT NULL,
    item_type        TEXT NOT NULL,
    branch_code      TEXT NOT NULL,
    loan_days        INTEGER NOT NULL,
    renewals         INTEGER NOT NULL,
    max_loans        INTEGER NOT NULL,
    fine_per_day     INTEGER NOT NULL,
    max_fine         INTEGER NOT NULL,
    holds_allowed    INTEGER NOT NULL,
    not_for_loan     INTEGER NOT NULL,
    PRIMARY KEY (patron_category, item_type, branch_code)
) STRICT;
";

const SETTING_KEYS: [&str; 4] = [
    "circulation.time_zone",
    "circulation.fine_block_limit",
    "circulation.hold_shelf_days",
    "circulation.overdue_block_days",
];

/// The shipped default policy, parsed.
pub fn default_policy() -> Result<CirculationPolicy, CoreError> {
    Ok(serde_json::from_str(DEFAULT_POLICY_JSON)?)
}

/// Copies the default policy into a catalog being migrated (no change-log entries: every
/// catalog starts from the same shipped defaults).
pub(crate) fn seed_defaults(tx: &Transaction<'_>) -> Result<(), CoreError> {
    let policy = default_policy()?;
    for rule in &policy.rules {
        upsert_rule(tx, rule)?;
    }
    for (key, value) in setting_values(&policy.settings) {
        tx.execute(
            "INSERT OR IGNORE INTO catalog_meta (key, value) VALUES (?1, ?2)",
            params![key, value],
        )?;
    }
    Ok(())
}

pub(crate) fn setting_values(s: &CirculationSettings) -> [(&'static str, String); 4] {
    [
        (SETTING_KEYS[0], s.time_zone.clone()),
        (SETTING_KEYS[1], s.fine_block_limit.to_string()),
        (SETTING_KEYS[2], s.hold_shelf_days.to_string()),
        (SETTING_KEYS[3], s.overdue_block_days.to_string()),
    ]
}

pub(crate) fn upsert_rule(conn: &Connection, r: &PolicyRule) -> Result<(), rusqlite::Error> {
    conn.prepare_cached(
        "INSERT INTO circulation_rules (patron_category, item_type, branch_code, loan_days,
             renewals, max_loans, fine_per_day, max_fine, holds_allowed, not_for_loan)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (patron_category, item_type, branch_code) DO UPDATE SET
             loan_days = ?4, renewals = ?5, max_loans = ?6, fine_per_day = ?7, max_fine = ?8,
             holds_allowed = ?9, not_for_loan = ?10",
    )?
    .execute(params![
        r.patron_category,
        r.item_type,
        r.branch_code,
        r.loan_days,
        r.renewals,
        r.max_loans,
        r.fine_per_day,
        r.max_fine,
        r.holds_allowed,
        r.not_for_loan
    ])?;
    Ok(())
}

/// The shipped default settings, parsed once: every check-out and check-in reads the
/// settings (twice), and parsing the whole default policy each time cost more than the
/// query.
fn default_settings() -> Result<CirculationSettings, CoreError> {
    static PARSED: std::sync::OnceLock<CirculationSettings> = std::sync::OnceLock::new();
    if let Some(parsed) = PARSED.get() {
        return Ok(parsed.clone());
    }
    let parsed = default_policy()?.settings;
    Ok(PARSED.get_or_init(|| parsed).clone())
}

/// The library-wide settings; a value missing from the catalog takes the shipped default.
pub(crate) fn settings(conn: &Connection) -> Result<CirculationSettings, CoreError> {
    let defaults = default_settings()?;
    // One statement for the four keys (four primary-key lookups).
    let mut stmt = conn.prepare_cached(
        "SELECT key, value FROM catalog_meta WHERE key = ?1 OR key = ?2 OR key = ?3 OR key = ?4",
    )?;
    let mut values: [Option<String>; 4] = Default::default();
    let mut rows = stmt.query(params![
        SETTING_KEYS[0],
        SETTING_KEYS[1],
        SETTING_KEYS[2],
        SETTING_KEYS[3]
    ])?;
    while let Some(row) = rows.next()? {
        let key: String = row.get(0)?;
        if let Some(i) = SETTING_KEYS.iter().position(|k| *k == key) {
            values[i] = Some(row.get(1)?);
        }
    }
    let [
        time_zone,
        fine_block_limit,
        hold_shelf_days,
        overdue_block_days,
    ] = values;
    let number = |v: Option<String>, d: i64| v.and_then(|v| v.parse().ok()).unwrap_or(d);
    Ok(CirculationSettings {
        time_zone: time_zone.unwrap_or(defaults.time_zone),
        fine_block_limit: number(fine_block_limit, defaults.fine_block_limit),
        hold_shelf_days: u32::try_from(number(
            hold_shelf_days,
            i64::from(defaults.hold_shelf_days),
        ))
        .unwrap_or(defaults.hold_shelf_days),
        overdue_block_days: u32::try_from(number(
            overdue_block_days,
            i64::from(defaults.overdue_block_days),
        ))
        .unwrap_or(defaults.overdue_block_days),
    })
}

/// The library's time zone, from the settings.
pub(crate) fn library_time(conn: &Connection) -> Result<LibraryTime, CoreError> {
    LibraryTime::named(&settings(conn)?.time_zone)
}

/// A stable id for a policy entry in the change log, the same on every node.
pub(crate) fn policy_entity(key: &str) -> Uuid {
    let digest = Sha256::digest(key.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Uuid::from_bytes(bytes)
}

/// Replaces the library-wide settings. The time zone must be a known IANA name.
pub fn set_settings(m: &mut Mutation<'_>, s: &CirculationSettings) -> Result<(), CoreError> {
    LibraryTime::named(&s.time_zone)?;
    if s.fine_block_limit < 0 {
        return Err(CoreError::InvalidInput {
            what: "fine block limit",
            value: s.fine_block_limit.to_string(),
            reason: "an amount in VND, 0 or more".into(),
        });
    }
    let saved = CirculationSettings {
        time_zone: s.time_zone.trim().to_string(),
        ..s.clone()
    };
    for (key, value) in setting_values(&saved) {
        m.conn().execute(
            "INSERT INTO catalog_meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = ?2",
            params![key, value],
        )?;
    }
    m.log(
        EntityType::Policy,
        policy_entity("settings"),
        Operation::Update,
        &saved,
    )?;
    Ok(())
}

/// Adds or replaces one rule of the matrix.
pub fn set_rule(m: &mut Mutation<'_>, rule: &PolicyRule) -> Result<(), CoreError> {
    let category = rule.patron_category.trim();
    if category != ANY && PatronCategory::parse(category).is_none() {
        return Err(CoreError::InvalidInput {
            what: "patron category",
            value: rule.patron_category.clone(),
            reason: "one of adult, child, student, staff, visually_impaired, or * for any".into(),
        });
    }
    let item_type = rule.item_type.trim();
    if item_type.is_empty() {
        return Err(CoreError::InvalidInput {
            what: "item type",
            value: rule.item_type.clone(),
            reason: "name an item type (book, audiobook, ...) or * for any".into(),
        });
    }
    let branch = rule.branch_code.trim();
    if branch != ANY && holdings::branch_by_code(m.conn(), branch)?.is_none() {
        return Err(CoreError::NotFound {
            entity: "branch",
            key: "code",
            value: branch.to_string(),
        });
    }
    if rule.fine_per_day < 0 || rule.max_fine < 0 {
        return Err(CoreError::InvalidInput {
            what: "fine",
            value: format!("{} per day, at most {}", rule.fine_per_day, rule.max_fine),
            reason: "fines are amounts in VND, 0 or more".into(),
        });
    }
    let saved = PolicyRule {
        patron_category: category.to_string(),
        item_type: item_type.to_string(),
        branch_code: branch.to_string(),
        ..rule.clone()
    };
    upsert_rule(m.conn(), &saved)?;
    let key = format!("rule/{category}/{item_type}/{branch}");
    m.log(
        EntityType::Policy,
        policy_entity(&key),
        Operation::Update,
        &saved,
    )?;
    Ok(())
}

fn rule_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PolicyRule> {
    Ok(PolicyRule {
        patron_category: r.get(0)?,
        item_type: r.get(1)?,
        branch_code: r.get(2)?,
        loan_days: r.get(3)?,
        renewals: r.get(4)?,
        max_loans: r.get(5)?,
        fine_per_day: r.get(6)?,
        max_fine: r.get(7)?,
        holds_allowed: r.get(8)?,
        not_for_loan: r.get(9)?,
    })
}

const RULE_COLUMNS: &str = "patron_category, item_type, branch_code, loan_days, renewals, \
     max_loans, fine_per_day, max_fine, holds_allowed, not_for_loan";

/// The rule that applies to a reader of `category` borrowing an item of `item_type` at
/// `branch_code`: the most specific one.
pub(crate) fn rule_for(
    conn: &Connection,
    category: &str,
    item_type: &str,
    branch_code: &str,
) -> Result<PolicyRule, CoreError> {
    conn.prepare_cached(&format!(
        "SELECT {RULE_COLUMNS} FROM circulation_rules
         WHERE patron_category IN (?1, '*') AND item_type IN (?2, '*') AND branch_code IN (?3, '*')
         ORDER BY branch_code <> '*' DESC, patron_category <> '*' DESC, item_type <> '*' DESC
         LIMIT 1"
    ))?
    .query_row(params![category, item_type, branch_code], rule_from_row)
    .optional()?
    .ok_or_else(|| CoreError::InvalidInput {
        what: "circulation policy",
        value: format!("{category} × {item_type} × {branch_code}"),
        reason: "no rule matches; add one with `shelfmark circ policy set` (a * * * rule covers everything)".into(),
    })
}

/// The catalog's policy: settings and every rule, most general first.
pub fn current(catalog: &crate::Catalog) -> Result<CirculationPolicy, CoreError> {
    show(catalog.conn())
}

pub(crate) fn show(conn: &Connection) -> Result<CirculationPolicy, CoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {RULE_COLUMNS} FROM circulation_rules
         ORDER BY branch_code <> '*', branch_code, patron_category <> '*', patron_category,
                  item_type <> '*', item_type"
    ))?;
    let rules = stmt
        .query_map([], rule_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CirculationPolicy {
        settings: settings(conn)?,
        rules,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_policy_parses_and_covers_everything() {
        let policy = default_policy().expect("valid JSON");
        assert!(
            policy
                .rules
                .iter()
                .any(|r| r.patron_category == ANY && r.item_type == ANY && r.branch_code == ANY)
        );
        LibraryTime::named(&policy.settings.time_zone).expect("a known zone");
    }
}
