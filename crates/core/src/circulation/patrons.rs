//! Patrons: the library's readers, each with a card barcode, a category and a card expiry.
//!
//! Beyond the card: blocks staff put on a reader (with reason, who and when), a PIN for the
//! self-service kiosk kept only as a salted Argon2id hash, and the blocks computed at each
//! scan (expired card, fines over the limit, overdue items) — computed, never stored, so they
//! lift by themselves when the reader pays or returns.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::api::{PatronAccount, PatronBlock, PatronInput, PatronMatch, Refusal, RefusalCode};
use crate::changelog::{EntityType, Operation};
use crate::error::CoreError;
use crate::holdings;
use crate::store::{Catalog, Mutation};
use crate::text;

use super::calendar::LibraryTime;
use super::refusal::refusal;
use super::{fines, holds, loans, policy};

pub(crate) const MIGRATION_PATRONS: &str = "
CREATE TABLE patrons (
    id              TEXT PRIMARY KEY,
    barcode         TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    category        TEXT NOT NULL,
    email           TEXT,
    phone           TEXT,
    home_branch_id  TEXT REFERENCES branches (id),
    expires_on      TEXT NOT NULL,
    notes           TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX patrons_name ON patrons (name);
";

/// The patron categories the policy matrix is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PatronCategory {
    Adult,
    Child,
    Student,
    Staff,
    /// Readers with a visual impairment, who borrow audiobooks and large print.
    VisuallyImpaired,
}

impl PatronCategory {
    pub const ALL: [PatronCategory; 5] = [
        PatronCategory::Adult,
        PatronCategory::Child,
        PatronCategory::Student,
        PatronCategory::Staff,
        PatronCategory::VisuallyImpaired,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PatronCategory::Adult => "adult",
            PatronCategory::Child => "child",
            PatronCategory::Student => "student",
            PatronCategory::Staff => "staff",
            PatronCategory::VisuallyImpaired => "visually_impaired",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct NewPatron {
    pub barcode: String,
    pub name: String,
    pub category: PatronCategory,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub home_branch_id: Option<Uuid>,
    pub expires_on: Date,
}

/// Registers a patron. Refuses an empty name or a card barcode already in use.
pub fn register(m: &mut Mutation<'_>, patron: &NewPatron) -> Result<Uuid, CoreError> {
    let name = text::nfc(patron.name.trim());
    if name.is_empty() {
        return Err(CoreError::InvalidInput {
            what: "patron name",
            value: patron.name.clone(),
            reason: "a patron needs a name".into(),
        });
    }
    let barcode = patron.barcode.trim().to_string();
    let taken: Option<String> = m
        .conn()
        .prepare_cached("SELECT id FROM patrons WHERE barcode = ?1")?
        .query_row(params![barcode], |r| r.get(0))
        .optional()?;
    if taken.is_some() {
        return Err(CoreError::BarcodeInUse {
            entity: "patron",
            barcode,
        });
    }
    let id = m.new_id();
    let now = text::rfc3339(m.now());
    let saved = NewPatron {
        barcode,
        name,
        ..patron.clone()
    };
    m.conn()
        .prepare_cached(
            "INSERT INTO patrons (id, barcode, name, name_folded, category, email, phone, home_branch_id,
                                  expires_on, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?10, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        )?
        .execute(params![
            id.to_string(),
            saved.barcode,
            saved.name,
            saved.category.as_str(),
            saved.email,
            saved.phone,
            saved.home_branch_id.map(|b| b.to_string()),
            saved.expires_on.to_string(),
            now,
            fold_name(&saved.name),
        ])?;
    m.log(EntityType::Patron, id, Operation::Create, &saved)?;
    Ok(id)
}

/// Schema: a PIN hash on each patron, and the blocks staff put on readers. A block is lifted,
/// never deleted, so the history stays.
pub(crate) const MIGRATION_BLOCKS_AND_PIN: &str = "
ALTER TABLE patrons ADD COLUMN pin_hash TEXT;
CREATE TABLE patron_blocks (
    id          TEXT PRIMARY KEY,
    patron_id   TEXT NOT NULL REFERENCES patrons (id),
    reason      TEXT NOT NULL,
    blocked_by  TEXT NOT NULL,
    blocked_at  TEXT NOT NULL,
    lifted_by   TEXT,
    lifted_at   TEXT
) STRICT;
CREATE INDEX patron_blocks_active ON patron_blocks (patron_id) WHERE lifted_at IS NULL;
";

/// A patron as circulation reads it.
#[derive(Debug, Clone)]
pub(crate) struct PatronRow {
    pub id: Uuid,
    pub barcode: String,
    pub name: String,
    pub category: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub home_branch_code: Option<String>,
    pub expires_on: Date,
    pub notes: String,
    pub has_pin: bool,
    /// The survivor this reader was merged into (only on a row read without following).
    pub merged_into: Option<String>,
    /// The merged-away card that led here, when the card looked up was one.
    pub merged_card: Option<String>,
}

/// The patron whose card has this barcode. A card merged into another reader leads to that
/// reader (the survivor, following merges), with `merged_card` saying which card it was; see
/// [`merge`] for why the desk follows it and self-service does not.
pub(crate) fn by_barcode(conn: &Connection, barcode: &str) -> Result<PatronRow, CoreError> {
    let row = patron_row(conn, "p.barcode = ?1", barcode.trim())?;
    let Some(mut patron) = row else {
        return Err(CoreError::NotFound {
            entity: "patron",
            key: "card barcode",
            value: barcode.trim().to_string(),
        });
    };
    if patron.merged_into.is_some() {
        let (survivor, _) = merge::survivor(conn, &patron.id.to_string())?;
        if let Some(mut kept) = patron_row(conn, "p.id = ?1", &survivor)? {
            kept.merged_card = Some(patron.barcode.clone());
            patron = kept;
        }
    }
    Ok(patron)
}

fn patron_row(
    conn: &Connection,
    condition: &str,
    value: &str,
) -> Result<Option<PatronRow>, CoreError> {
    // `condition` is one of the two written above, never input.
    let row = conn
        .prepare_cached(&format!(
            "SELECT p.id, p.barcode, p.name, p.category, p.email, p.phone, b.code, p.expires_on,
                    p.notes, p.pin_hash IS NOT NULL, p.merged_into
             FROM patrons p LEFT JOIN branches b ON b.id = p.home_branch_id
             WHERE {condition}"
        ))?
        .query_row(params![value], |r| {
            Ok((
                (
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ),
                (
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(8)?,
                    r.get::<_, bool>(9)?,
                    r.get::<_, Option<String>>(10)?,
                ),
            ))
        })
        .optional()?;
    let Some((
        (id, barcode, name, category, email, phone),
        (home, expires, notes, has_pin, merged_into),
    )) = row
    else {
        return Ok(None);
    };
    Ok(Some(PatronRow {
        id: super::parse_id(&id)?,
        barcode,
        name,
        category,
        email,
        phone,
        home_branch_code: home,
        expires_on: super::parse_date(&expires)?,
        notes,
        has_pin,
        merged_into,
        merged_card: None,
    }))
}

/// Registers a reader from the registration form or `patron add`.
pub fn add(m: &mut Mutation<'_>, input: &PatronInput) -> Result<Uuid, CoreError> {
    let category =
        PatronCategory::parse(&input.category).ok_or_else(|| CoreError::InvalidInput {
            what: "patron category",
            value: input.category.clone(),
            reason: "one of adult, child, student, staff, visually_impaired".into(),
        })?;
    let home_branch_id = match input.home_branch_code.as_deref().map(str::trim) {
        Some(code) if !code.is_empty() => Some(
            holdings::branch_by_code(m.conn(), code)?.ok_or_else(|| CoreError::NotFound {
                entity: "branch",
                key: "code",
                value: code.to_string(),
            })?,
        ),
        _ => None,
    };
    let expires_on = super::parse_date(&input.expires_on)?;
    let blank = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let id = register(
        m,
        &NewPatron {
            barcode: input.barcode.clone(),
            name: input.name.clone(),
            category,
            email: blank(&input.email),
            phone: blank(&input.phone),
            home_branch_id,
            expires_on,
        },
    )?;
    let notes = text::nfc(input.notes.trim());
    if !notes.is_empty() {
        m.conn().execute(
            "UPDATE patrons SET notes = ?2 WHERE id = ?1",
            params![id.to_string(), notes],
        )?;
        m.log(
            EntityType::Patron,
            id,
            Operation::Update,
            &serde_json::json!({ "notes": notes }),
        )?;
    }
    Ok(id)
}

/// Blocks a reader from borrowing, with the reason staff give; recorded with who and when.
pub fn block(m: &mut Mutation<'_>, barcode: &str, reason: &str) -> Result<PatronBlock, CoreError> {
    let patron = by_barcode(m.conn(), barcode)?;
    let reason = text::nfc(reason.trim());
    if reason.is_empty() {
        return Err(CoreError::InvalidInput {
            what: "block reason",
            value: String::new(),
            reason: "say why the reader is blocked; the desk shows it at every scan".into(),
        });
    }
    let id = m.new_id();
    let block = PatronBlock {
        id: id.to_string(),
        reason,
        blocked_by: m.user().to_string(),
        blocked_at: text::rfc3339(m.now()),
    };
    m.conn().execute(
        "INSERT INTO patron_blocks (id, patron_id, reason, blocked_by, blocked_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            block.id,
            patron.id.to_string(),
            block.reason,
            block.blocked_by,
            block.blocked_at
        ],
    )?;
    m.log(
        EntityType::Patron,
        patron.id,
        Operation::Update,
        &serde_json::json!({ "block": &block }),
    )?;
    Ok(block)
}

/// Lifts a block (kept in the history with who lifted it and when).
pub fn unblock(m: &mut Mutation<'_>, block_id: &str) -> Result<(), CoreError> {
    let patron: Option<String> = m
        .conn()
        .prepare_cached("SELECT patron_id FROM patron_blocks WHERE id = ?1 AND lifted_at IS NULL")?
        .query_row(params![block_id.trim()], |r| r.get(0))
        .optional()?;
    let patron = patron.ok_or_else(|| CoreError::NotFound {
        entity: "active patron block",
        key: "id",
        value: block_id.to_string(),
    })?;
    let now = text::rfc3339(m.now());
    let user = m.user().to_string();
    m.conn().execute(
        "UPDATE patron_blocks SET lifted_by = ?2, lifted_at = ?3 WHERE id = ?1",
        params![block_id.trim(), user, now],
    )?;
    m.log(
        EntityType::Patron,
        super::parse_id(&patron)?,
        Operation::Update,
        &serde_json::json!({ "block_lifted": block_id.trim() }),
    )?;
    Ok(())
}

/// Sets the reader's self-service PIN: 4 to 12 digits, stored only as an Argon2id hash with a
/// random salt. The change log records that the PIN changed, never the PIN or its hash.
pub fn set_pin(m: &mut Mutation<'_>, barcode: &str, pin: &str) -> Result<(), CoreError> {
    if !(4..=12).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CoreError::InvalidInput {
            what: "PIN",
            value: "(hidden)".into(),
            reason: "a PIN is 4 to 12 digits".into(),
        });
    }
    let hash = hash_secret(pin, "PIN")?;
    store_pin_hash(m, barcode, &hash)
}

/// A salted Argon2id hash of a PIN or password, in the PHC string format. The crate's defaults
/// are OWASP's recommended floor for Argon2id (19 MiB of memory, 2 passes, 1 lane): tens of
/// milliseconds a check. That slows guessing from a stolen catalog (passwords most; a 4-digit
/// PIN has only 10,000 values, minutes of work), while the kiosk's lockout is what stops
/// guessing at the machine.
/// Verification reads the parameters from the stored string, so raising them later keeps
/// old hashes valid.
pub(crate) fn hash_secret(secret: &str, what: &'static str) -> Result<String, CoreError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    SaltString::encode_b64(&salt)
        .and_then(|salt| {
            Argon2::default()
                .hash_password(secret.as_bytes(), &salt)
                .map(|h| h.to_string())
        })
        .map_err(|e| CoreError::InvalidInput {
            what,
            value: "(hidden)".into(),
            reason: format!("could not be hashed: {e}"),
        })
}

/// Whether `secret` matches a hash made by [`hash_secret`]; `false` for a damaged hash.
pub(crate) fn verify_secret(hash: &str, secret: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(secret.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Stores a PIN hash already made (the demo hashes its one PIN once for thousands of cards).
pub(crate) fn store_pin_hash(
    m: &mut Mutation<'_>,
    barcode: &str,
    hash: &str,
) -> Result<(), CoreError> {
    let patron = by_barcode(m.conn(), barcode)?;
    m.conn()
        .prepare_cached("UPDATE patrons SET pin_hash = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![patron.id.to_string(), hash, text::rfc3339(m.now())])?;
    m.log(
        EntityType::Patron,
        patron.id,
        Operation::Update,
        &serde_json::json!({ "pin": "changed" }),
    )?;
    Ok(())
}

/// Whether `pin` is the reader's PIN. `false` for a reader without a PIN or an unknown card,
/// so the kiosk cannot tell which of the two it was.
pub fn verify_pin(catalog: &Catalog, barcode: &str, pin: &str) -> Result<bool, CoreError> {
    let hash: Option<Option<String>> = catalog
        .conn()
        .prepare_cached("SELECT pin_hash FROM patrons WHERE barcode = ?1")?
        .query_row(params![barcode.trim()], |r| r.get(0))
        .optional()?;
    let Some(Some(hash)) = hash else {
        return Ok(false);
    };
    Ok(verify_secret(&hash, pin))
}

/// Active manual blocks, oldest first.
pub(crate) fn manual_blocks(
    conn: &Connection,
    patron: Uuid,
) -> Result<Vec<PatronBlock>, CoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, reason, blocked_by, blocked_at FROM patron_blocks
         WHERE patron_id = ?1 AND lifted_at IS NULL ORDER BY blocked_at, id",
    )?;
    let rows = stmt
        .query_map(params![patron.to_string()], |r| {
            Ok(PatronBlock {
                id: r.get(0)?,
                reason: r.get(1)?,
                blocked_by: r.get(2)?,
                blocked_at: r.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Everything that stops this reader borrowing now: manual blocks, an expired card, fines
/// over the limit, loans overdue by more than the settings allow (lost and claimed-returned
/// items aside: staff are already dealing with those).
pub(crate) fn refusals(
    conn: &Connection,
    patron: &PatronRow,
    now: OffsetDateTime,
    lt: &LibraryTime,
) -> Result<Vec<Refusal>, CoreError> {
    let settings = policy::settings(conn)?;
    let today = lt.local_date(now);
    let mut out: Vec<Refusal> = manual_blocks(conn, patron.id)?
        .into_iter()
        .map(|b| refusal(RefusalCode::PatronBlocked, &[("reason", b.reason)]))
        .collect();
    if patron.expires_on < today {
        out.push(refusal(
            RefusalCode::CardExpired,
            &[("date", patron.expires_on.to_string())],
        ));
    }
    let balance = fines::balance(conn, patron.id)?;
    if balance > settings.fine_block_limit {
        out.push(refusal(
            RefusalCode::FinesOverLimit,
            &[
                ("balance", balance.to_string()),
                ("limit", settings.fine_block_limit.to_string()),
            ],
        ));
    }
    let latest_due = today - time::Duration::days(i64::from(settings.overdue_block_days));
    let overdue = loans::overdue_count(conn, patron.id, latest_due)?;
    if overdue > 0 {
        out.push(refusal(
            RefusalCode::OverdueItems,
            &[("count", overdue.to_string())],
        ));
    }
    Ok(out)
}

/// The reader as the desk shows them.
pub fn account(catalog: &Catalog, barcode: &str) -> Result<PatronAccount, CoreError> {
    let conn = catalog.conn();
    let patron = by_barcode(conn, barcode)?;
    let now = catalog.clock().now();
    let lt = policy::library_time(conn)?;
    Ok(PatronAccount {
        id: patron.id.to_string(),
        barcode: patron.barcode.clone(),
        name: patron.name.clone(),
        category: patron.category.clone(),
        email: patron.email.clone(),
        phone: patron.phone.clone(),
        home_branch_code: patron.home_branch_code.clone(),
        expires_on: patron.expires_on.to_string(),
        notes: patron.notes.clone(),
        has_pin: patron.has_pin,
        manual_blocks: manual_blocks(conn, patron.id)?,
        refusals: refusals(conn, &patron, now, &lt)?,
        loans: loans::open_loans_of(conn, patron.id, now)?,
        holds: holds::holds_of(conn, patron.id)?,
        balance: fines::balance(conn, patron.id)?,
        merged_card: match &patron.merged_card {
            Some(card) => merge::card_notice(conn, card)?,
            None => None,
        },
    })
}

/// Schema version 7: the folded name the desk searches by (`Nguyễn Văn An` → `nguyen van an`),
/// indexed so a name prefix is a range scan; existing rows get it in [`backfill_folded_names`].
pub(crate) const MIGRATION_FOLDED_NAME: &str = "
ALTER TABLE patrons ADD COLUMN name_folded TEXT NOT NULL DEFAULT '';
CREATE INDEX patrons_name_folded ON patrons (name_folded);
";

/// A name as the desk searches it: [`text::fold`], punctuation dropped, words separated by
/// one space, so `Trần-Thị  Bích` matches `tran thi bich`.
pub(crate) fn fold_name(name: &str) -> String {
    search_words(name).join(" ")
}

fn search_words(s: &str) -> Vec<String> {
    text::fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Fills `name_folded` for patrons registered before version 7. SQLite has no fold function,
/// so the names are read, folded here and written back, in the migration's transaction.
pub(crate) fn backfill_folded_names(tx: &rusqlite::Transaction<'_>) -> Result<(), CoreError> {
    let names: Vec<(i64, String)> = tx
        .prepare("SELECT rowid, name FROM patrons")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut update = tx.prepare("UPDATE patrons SET name_folded = ?2 WHERE rowid = ?1")?;
    for (rowid, name) in names {
        update.execute(params![rowid, fold_name(&name)])?;
    }
    Ok(())
}

/// The largest character, to turn a prefix into the range `[prefix, prefix + MAX)`.
const PREFIX_END: char = '\u{10FFFF}';

/// The desk's patron search: by card barcode (exact, then prefix) or by name, ignoring case
/// and diacritics, with the words in any order, each matching the start of a word of the name
/// (`nguyen van`, `van nguyen` and `ng an` all find `Nguyễn Văn An`). Best first: the exact
/// barcode, barcodes starting with the text, names starting with it, then the other names
/// with every word; alphabetical within each. At most `limit` (1 to 500) matches.
///
/// The first three are index range scans; only the any-order words walk the folded-name
/// index, and stop as soon as `limit` matches are found.
pub fn search(catalog: &Catalog, text: &str, limit: u32) -> Result<Vec<PatronMatch>, CoreError> {
    let conn = catalog.conn();
    let raw = text.trim();
    let words = search_words(raw);
    if raw.is_empty() {
        return Ok(Vec::new());
    }
    let limit = limit.clamp(1, 500) as usize;
    let mut found: Vec<PatronMatch> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut take = |rows: Vec<PatronMatch>, found: &mut Vec<PatronMatch>| {
        for row in rows {
            if found.len() < limit && seen.insert(row.id.clone()) {
                found.push(row);
            }
        }
    };
    let want = |found: &Vec<PatronMatch>| (limit - found.len() + 1) as i64;

    let rows = matches(conn, "p.barcode = ?1", params![raw], 1)?;
    take(rows, &mut found);
    if found.len() < limit && !raw.contains(char::is_whitespace) {
        let rows = matches(
            conn,
            "p.barcode > ?1 AND p.barcode < ?2 ORDER BY p.barcode",
            params![raw, format!("{raw}{PREFIX_END}")],
            want(&found),
        )?;
        take(rows, &mut found);
    }
    if words.is_empty() {
        return Ok(found);
    }
    let folded = words.join(" ");
    if found.len() < limit {
        let rows = matches(
            conn,
            "p.name_folded >= ?1 AND p.name_folded < ?2 ORDER BY p.name_folded, p.barcode",
            params![folded, format!("{folded}{PREFIX_END}")],
            want(&found),
        )?;
        take(rows, &mut found);
    }
    if found.len() < limit {
        // Each word must begin a word of the name: at its start, or after a space.
        let mut conditions = Vec::new();
        let mut values: Vec<String> = Vec::new();
        for word in &words {
            values.push(format!("{word}%"));
            values.push(format!("% {word}%"));
            conditions.push(format!(
                "(p.name_folded LIKE ?{} OR p.name_folded LIKE ?{})",
                values.len() - 1,
                values.len()
            ));
        }
        let sql = format!(
            "{} ORDER BY p.name_folded, p.barcode",
            conditions.join(" AND ")
        );
        let rows = matches(
            conn,
            &sql,
            rusqlite::params_from_iter(values.iter()),
            want(&found),
        )?;
        take(rows, &mut found);
    }
    Ok(found)
}

/// Readers not merged away who meet `condition` (which may end in its own `ORDER BY`), with
/// the columns a list of matches shows.
pub(crate) fn matches(
    conn: &Connection,
    condition: &str,
    values: impl rusqlite::Params,
    limit: i64,
) -> Result<Vec<PatronMatch>, CoreError> {
    // The limit is a number made here, never input text, so it is written into the SQL.
    let sql = format!(
        "SELECT p.id, p.barcode, p.name, p.category, b.code, p.expires_on,
                EXISTS (SELECT 1 FROM patron_blocks k WHERE k.patron_id = p.id AND k.lifted_at IS NULL)
         FROM patrons p LEFT JOIN branches b ON b.id = p.home_branch_id
         WHERE p.merged_into IS NULL AND {condition} LIMIT {limit}"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(values, |r| {
            Ok(PatronMatch {
                id: r.get(0)?,
                barcode: r.get(1)?,
                name: r.get(2)?,
                category: r.get(3)?,
                home_branch_code: r.get(4)?,
                expires_on: r.get(5)?,
                blocked: r.get(6)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub mod merge;

#[cfg(test)]
mod search_tests;
