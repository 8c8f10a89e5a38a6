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

use crate::api::{PatronAccount, PatronBlock, PatronInput, Refusal, RefusalCode};
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
            "INSERT INTO patrons (id, barcode, name, category, email, phone, home_branch_id, expires_on, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
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
}

/// The patron whose card has this barcode.
pub(crate) fn by_barcode(conn: &Connection, barcode: &str) -> Result<PatronRow, CoreError> {
    let row = conn
        .prepare_cached(
            "SELECT p.id, p.barcode, p.name, p.category, p.email, p.phone, b.code, p.expires_on,
                    p.notes, p.pin_hash IS NOT NULL
             FROM patrons p LEFT JOIN branches b ON b.id = p.home_branch_id
             WHERE p.barcode = ?1",
        )?
        .query_row(params![barcode.trim()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, bool>(9)?,
            ))
        })
        .optional()?;
    let Some((id, barcode, name, category, email, phone, home, expires, notes, has_pin)) = row
    else {
        return Err(CoreError::NotFound {
            entity: "patron",
            key: "card barcode",
            value: barcode.trim().to_string(),
        });
    };
    Ok(PatronRow {
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
    })
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
    let patron = by_barcode(m.conn(), barcode)?;
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let hash = SaltString::encode_b64(&salt)
        .and_then(|salt| {
            Argon2::default()
                .hash_password(pin.as_bytes(), &salt)
                .map(|h| h.to_string())
        })
        .map_err(|e| CoreError::InvalidInput {
            what: "PIN",
            value: "(hidden)".into(),
            reason: format!("could not be hashed: {e}"),
        })?;
    m.conn().execute(
        "UPDATE patrons SET pin_hash = ?2, updated_at = ?3 WHERE id = ?1",
        params![patron.id.to_string(), hash, text::rfc3339(m.now())],
    )?;
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
    let Ok(parsed) = PasswordHash::new(&hash) else {
        return Ok(false);
    };
    Ok(Argon2::default()
        .verify_password(pin.as_bytes(), &parsed)
        .is_ok())
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
    })
}
