//! The self-service kiosk: a reader signs in with their card and PIN, borrows without staff,
//! and staff leave kiosk mode with a password.
//!
//! Guessing a PIN is made slow: after [`MAX_WRONG_PINS`] wrong PINs in a row the card cannot
//! sign in at the kiosk for [`LOCK_MINUTES`] minutes. The count is kept in a table (so closing
//! the window does not reset it) and written in its own transaction even though the sign-in is
//! refused; a right PIN clears it. Every check-out repeats the PIN check, because the kiosk
//! keeps no session of its own. Kiosk loans never override a refusal.
//!
//! The staff password is kept as a salted Argon2id hash in `catalog_meta`; the change log
//! records that it changed, never the password or its hash.

use rusqlite::{Connection, OptionalExtension, params};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::api::{CheckoutResult, PatronAccount, RefusalCode};
use crate::changelog::{EntityType, Operation};
use crate::error::CoreError;
use crate::store::Catalog;

use super::patrons::{self, PatronRow};
use super::refusal::refusal;
use super::{loans, parse_time, policy, stamp};

/// Wrong PINs in a row that lock the card at the kiosk.
pub const MAX_WRONG_PINS: u32 = 5;
/// How long a card stays locked.
pub const LOCK_MINUTES: i64 = 15;
/// The shortest staff password accepted.
pub const MIN_PASSWORD_CHARS: usize = 6;

const PASSWORD_KEY: &str = "kiosk_password_hash";

pub(crate) const MIGRATION_PIN_ATTEMPTS: &str = "
CREATE TABLE kiosk_pin_attempts (
    patron_id       TEXT PRIMARY KEY REFERENCES patrons (id),
    -- Wrong PINs in a row since the last right one (or the last lock).
    failures        INTEGER NOT NULL,
    last_failed_at  TEXT NOT NULL,
    locked_until    TEXT
) STRICT;
";

/// Signs a reader in at the kiosk: their account when the PIN is right. Refused (`no_pin`,
/// `wrong_pin` with `attempts_left`, `pin_locked` with `until` in local time) otherwise.
pub fn sign_in(
    catalog: &mut Catalog,
    user: &str,
    patron_barcode: &str,
    pin: &str,
) -> Result<PatronAccount, CoreError> {
    let patron = check_pin(catalog, user, patron_barcode, pin)?;
    patrons::account(catalog, &patron.barcode)
}

/// A kiosk check-out: the PIN again, then an ordinary loan with no override (a refusal is the
/// answer, to be taken to the desk).
pub fn checkout(
    catalog: &mut Catalog,
    user: &str,
    patron_barcode: &str,
    pin: &str,
    item_barcode: &str,
    branch: Option<&str>,
) -> Result<CheckoutResult, CoreError> {
    let patron = check_pin(catalog, user, patron_barcode, pin)?;
    catalog.write(user, |m| {
        loans::checkout(m, &patron.barcode, item_barcode, branch, None)
    })
}

struct Attempts {
    failures: u32,
    locked_until: Option<OffsetDateTime>,
}

fn attempts(conn: &Connection, patron: Uuid) -> Result<Option<Attempts>, CoreError> {
    let row: Option<(u32, Option<String>)> = conn
        .prepare_cached(
            "SELECT failures, locked_until FROM kiosk_pin_attempts WHERE patron_id = ?1",
        )?
        .query_row(params![patron.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(failures, until)| {
        Ok(Attempts {
            failures,
            locked_until: until.as_deref().map(parse_time).transpose()?,
        })
    })
    .transpose()
}

/// `14:05 12/03/2026` in the library's time zone.
fn local_hm_date(conn: &Connection, t: OffsetDateTime) -> Result<String, CoreError> {
    let local = policy::library_time(conn)?.local_time(t);
    Ok(format!(
        "{:02}:{:02} {:02}/{:02}/{}",
        local.hour(),
        local.minute(),
        local.day(),
        u8::from(local.month()),
        local.year()
    ))
}

/// The reader whose PIN this is, or the refusal; wrong PINs are counted and locks set.
fn check_pin(
    catalog: &mut Catalog,
    user: &str,
    barcode: &str,
    pin: &str,
) -> Result<PatronRow, CoreError> {
    let patron = patrons::by_barcode(catalog.conn(), barcode)?;
    if !patron.has_pin {
        return Err(CoreError::Refused(refusal(RefusalCode::NoPin, &[])));
    }
    let now = catalog.clock().now();
    let state = attempts(catalog.conn(), patron.id)?;
    let locked = state
        .as_ref()
        .and_then(|a| a.locked_until)
        .filter(|until| *until > now);
    if let Some(until) = locked {
        let until = local_hm_date(catalog.conn(), until)?;
        return Err(CoreError::Refused(refusal(
            RefusalCode::PinLocked,
            &[("until", until)],
        )));
    }
    if patrons::verify_pin(catalog, &patron.barcode, pin)? {
        if state.is_some() {
            catalog.write(user, |m| {
                m.conn()
                    .prepare_cached("DELETE FROM kiosk_pin_attempts WHERE patron_id = ?1")?
                    .execute(params![patron.id.to_string()])?;
                m.log(
                    EntityType::Patron,
                    patron.id,
                    Operation::Update,
                    &serde_json::json!({ "kiosk_pin_attempts": "cleared" }),
                )?;
                Ok(())
            })?;
        }
        return Ok(patron);
    }
    // A lock that has run out starts a fresh count.
    let before = match &state {
        Some(a) if a.locked_until.is_none() => a.failures,
        _ => 0,
    };
    let failures = before + 1;
    let locked_until = (failures >= MAX_WRONG_PINS).then(|| now + Duration::minutes(LOCK_MINUTES));
    catalog.write(user, |m| {
        m.conn()
            .prepare_cached(
                "INSERT INTO kiosk_pin_attempts (patron_id, failures, last_failed_at, locked_until)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (patron_id) DO UPDATE SET failures = ?2, last_failed_at = ?3,
                     locked_until = ?4",
            )?
            .execute(params![
                patron.id.to_string(),
                if locked_until.is_some() { 0 } else { failures },
                stamp(now),
                locked_until.map(stamp)
            ])?;
        m.log(
            EntityType::Patron,
            patron.id,
            Operation::Update,
            &serde_json::json!({
                "kiosk_wrong_pin": failures,
                "kiosk_locked_until": locked_until.map(stamp),
            }),
        )?;
        Ok(())
    })?;
    Err(CoreError::Refused(match locked_until {
        Some(until) => refusal(
            RefusalCode::PinLocked,
            &[("until", local_hm_date(catalog.conn(), until)?)],
        ),
        None => refusal(
            RefusalCode::WrongPin,
            &[("attempts_left", (MAX_WRONG_PINS - failures).to_string())],
        ),
    }))
}

fn stored_password(conn: &Connection) -> Result<Option<String>, CoreError> {
    Ok(conn
        .prepare_cached("SELECT value FROM catalog_meta WHERE key = ?1")?
        .query_row(params![PASSWORD_KEY], |r| r.get(0))
        .optional()?)
}

/// Whether staff have set the password that leaves kiosk mode (the kiosk will not start
/// without one).
pub fn password_set(catalog: &Catalog) -> Result<bool, CoreError> {
    Ok(stored_password(catalog.conn())?.is_some())
}

/// Sets the staff password of kiosk mode: at least [`MIN_PASSWORD_CHARS`] characters;
/// changing one that is set needs the `current` one.
pub fn set_password(
    catalog: &mut Catalog,
    user: &str,
    current: Option<&str>,
    next: &str,
) -> Result<(), CoreError> {
    if next.chars().count() < MIN_PASSWORD_CHARS {
        return Err(CoreError::InvalidInput {
            what: "kiosk password",
            value: "(hidden)".into(),
            reason: format!("use at least {MIN_PASSWORD_CHARS} characters"),
        });
    }
    if let Some(hash) = stored_password(catalog.conn())? {
        let right = current.is_some_and(|c| patrons::verify_secret(&hash, c));
        if !right {
            return Err(CoreError::InvalidInput {
                what: "current kiosk password",
                value: "(hidden)".into(),
                reason: match current {
                    None => "a kiosk password is set; give the current one to change it".into(),
                    Some(_) => "it is not the current kiosk password".into(),
                },
            });
        }
    }
    let hash = patrons::hash_secret(next, "kiosk password")?;
    catalog.write(user, |m| {
        m.conn()
            .prepare_cached(
                "INSERT INTO catalog_meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = ?2",
            )?
            .execute(params![PASSWORD_KEY, hash])?;
        m.log(
            EntityType::Policy,
            policy::policy_entity("kiosk_password"),
            Operation::Update,
            &serde_json::json!({ "kiosk_password": "changed" }),
        )?;
        Ok(())
    })
}

/// Whether `password` is the kiosk's staff password (`false` when none is set).
pub fn verify_password(catalog: &Catalog, password: &str) -> Result<bool, CoreError> {
    Ok(
        stored_password(catalog.conn())?
            .is_some_and(|hash| patrons::verify_secret(&hash, password)),
    )
}

#[cfg(test)]
mod tests;
