//! The self-service kiosk: a reader signs in with their card and PIN, borrows without staff,
//! and staff leave kiosk mode with a password.
//!
//! Guessing a PIN is made slow: after [`MAX_WRONG_PINS`] wrong PINs in a row the card cannot
//! sign in at the kiosk for [`LOCK_MINUTES`] minutes. The count is kept in a table (so closing
//! the window does not reset it) and written in its own transaction even though the sign-in is
//! refused; a right PIN clears it. Every check-out repeats the PIN check, because the kiosk
//! keeps no session of its own. Kiosk loans never override a refusal.
//!
//! A self-check machine speaking SIP2 sends the PIN again with each of a reader's messages
//! (status, check-out after check-out). One connection may remember a right PIN for
//! [`PIN_REMEMBERED_MINUTES`] as a [`RememberedPin`] — in memory only, holding a keyed MAC of
//! the PIN and never the PIN — so those follow-up messages need not run Argon2 again. Any
//! other PIN still goes through the full check and its lockout.
//!
//! The staff password is kept as a salted Argon2id hash in `catalog_meta`; the change log
//! records that it changed, never the password or its hash.

use blake2::Blake2bMac512;
use blake2::digest::{KeyInit, Mac};
use rand::RngCore;
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
/// How long a self-service connection may remember a reader's right PIN: long enough for a
/// reader's visit to the machine, short enough that a card left behind is soon useless.
pub const PIN_REMEMBERED_MINUTES: i64 = 5;

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
    let (patron, _) = check_pin(catalog, user, patron_barcode, pin)?;
    patrons::account(catalog, &patron.barcode)
}

/// A right PIN that one self-service connection remembers for [`PIN_REMEMBERED_MINUTES`],
/// so that the same reader's next messages skip Argon2 (slow on purpose: tens of
/// milliseconds of a core each). It holds no PIN: a BLAKE2b MAC of it under a random key of
/// its own (compared in constant time), the reader's stored PIN hash as it was (a PIN changed
/// at the desk ends it) and when it was checked. Kept in memory only; never stored or logged.
pub struct RememberedPin {
    patron_id: Uuid,
    barcode: String,
    stored_hash: String,
    key: [u8; 32],
    mac: Vec<u8>,
    checked_at: OffsetDateTime,
}

impl RememberedPin {
    fn new(patron: &PatronRow, stored_hash: String, pin: &str, now: OffsetDateTime) -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        let mac = pin_mac(&key, pin).finalize().into_bytes().to_vec();
        RememberedPin {
            patron_id: patron.id,
            barcode: patron.barcode.clone(),
            stored_hash,
            key,
            mac,
            checked_at: now,
        }
    }

    /// The card whose PIN this is.
    pub fn patron_barcode(&self) -> &str {
        &self.barcode
    }

    fn is_pin(&self, pin: &str) -> bool {
        pin_mac(&self.key, pin).verify_slice(&self.mac).is_ok()
    }
}

impl std::fmt::Debug for RememberedPin {
    // Neither the key nor the MAC: nothing a log could give away.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RememberedPin")
            .field("barcode", &self.barcode)
            .field("checked_at", &self.checked_at)
            .finish_non_exhaustive()
    }
}

/// A keyed MAC of a secret (a PIN, a machine's password), for remembering a right one.
pub(crate) fn pin_mac(key: &[u8; 32], pin: &str) -> Blake2bMac512 {
    // A 32-byte key is within BLAKE2b's 64-byte limit, so this cannot fail.
    let mut mac = <Blake2bMac512 as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("a 32-byte key suits BLAKE2b"));
    mac.update(pin.as_bytes());
    mac
}

/// [`sign_in`], also giving back the right PIN to remember for the reader's next messages.
pub fn sign_in_remembering(
    catalog: &mut Catalog,
    user: &str,
    patron_barcode: &str,
    pin: &str,
) -> Result<(PatronAccount, RememberedPin), CoreError> {
    let (patron, stored_hash) = check_pin(catalog, user, patron_barcode, pin)?;
    let remembered = RememberedPin::new(&patron, stored_hash, pin, catalog.clock().now());
    Ok((patrons::account(catalog, &patron.barcode)?, remembered))
}

/// Whether `pin` for `patron_barcode` is the PIN remembered and it still holds: the same
/// card, the same PIN, the reader's stored PIN unchanged, the card not locked at the kiosk
/// since, and at most [`PIN_REMEMBERED_MINUTES`] gone by the catalog's clock. `false` means
/// "check it in full" with [`sign_in_remembering`], which counts a wrong PIN towards the lock.
pub fn recall_pin(
    catalog: &Catalog,
    remembered: &RememberedPin,
    patron_barcode: &str,
    pin: &str,
) -> Result<bool, CoreError> {
    let now = catalog.clock().now();
    let age = now - remembered.checked_at;
    if patron_barcode.trim() != remembered.barcode
        || age.is_negative()
        || age > Duration::minutes(PIN_REMEMBERED_MINUTES)
        || !remembered.is_pin(pin)
    {
        return Ok(false);
    }
    let stored: Option<Option<String>> = catalog
        .conn()
        .prepare_cached("SELECT pin_hash FROM patrons WHERE id = ?1")?
        .query_row(params![remembered.patron_id.to_string()], |r| r.get(0))
        .optional()?;
    if stored.flatten().as_deref() != Some(remembered.stored_hash.as_str()) {
        return Ok(false);
    }
    let locked = attempts(catalog.conn(), remembered.patron_id)?
        .and_then(|a| a.locked_until)
        .is_some_and(|until| until > now);
    Ok(!locked)
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
    let (patron, _) = check_pin(catalog, user, patron_barcode, pin)?;
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

/// A reader's account for a self-service machine (a kiosk, a SIP2 client): as the desk sees
/// it, except that a merged-away card is refused — nobody at a machine can check who holds
/// it, and it is often the lost one (see `patrons::merge`).
pub fn self_service_account(catalog: &Catalog, barcode: &str) -> Result<PatronAccount, CoreError> {
    let account = patrons::account(catalog, barcode)?;
    if account.merged_card.is_some() {
        return Err(CoreError::Refused(refusal(RefusalCode::CardMerged, &[])));
    }
    Ok(account)
}

/// The reader whose PIN this is with the stored hash it was checked against, or the refusal;
/// wrong PINs are counted and locks set.
fn check_pin(
    catalog: &mut Catalog,
    user: &str,
    barcode: &str,
    pin: &str,
) -> Result<(PatronRow, String), CoreError> {
    let patron = patrons::by_barcode(catalog.conn(), barcode)?;
    if patron.merged_card.is_some() {
        // A merged-away card: nobody at a machine can check who holds it (see patrons::merge).
        return Err(CoreError::Refused(refusal(RefusalCode::CardMerged, &[])));
    }
    let stored: Option<String> = catalog
        .conn()
        .prepare_cached("SELECT pin_hash FROM patrons WHERE id = ?1")?
        .query_row(params![patron.id.to_string()], |r| r.get(0))?;
    let Some(stored) = stored else {
        return Err(CoreError::Refused(refusal(RefusalCode::NoPin, &[])));
    };
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
    if patrons::verify_secret(&stored, pin) {
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
        return Ok((patron, stored));
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
