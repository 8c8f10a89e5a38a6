//! SIP2 accounts: the logins that self-check kiosks and automated return machines use to
//! speak SIP2 (3M Standard Interchange Protocol 2.00) with the branch.
//!
//! Each account lends for one branch (its loans and returns count there) and may be allowed
//! or not to check out, check in and renew, so a book-drop can be a return-only machine.
//! Its password is kept as a salted Argon2id hash, like a reader's PIN; the change log records
//! that an account was added or removed and what it may do, never the password or its hash.
//! The protocol itself lives in the `shelfmark-sip2` crate; this module never speaks it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use blake2::digest::Mac;
use rand::RngCore;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::api::{Sip2Account, Sip2AccountInput, Sip2Language};
use crate::changelog::{EntityType, Operation};
use crate::error::CoreError;
use crate::store::Catalog;

use super::{branch_id, kiosk, patrons, policy, stamp};

/// The shortest SIP2 account password accepted.
pub const MIN_PASSWORD_CHARS: usize = 6;

/// The SIP2 accounts table (its own constant so the migration can be renumbered on merge).
pub(crate) const MIGRATION_SIP2_ACCOUNTS: &str = "
CREATE TABLE sip2_accounts (
    login          TEXT PRIMARY KEY,
    password_hash  TEXT NOT NULL,
    branch_id      TEXT NOT NULL REFERENCES branches (id),
    may_check_out  INTEGER NOT NULL CHECK (may_check_out IN (0, 1)),
    may_check_in   INTEGER NOT NULL CHECK (may_check_in IN (0, 1)),
    may_renew      INTEGER NOT NULL CHECK (may_renew IN (0, 1)),
    -- The language of the screen messages (AF) this machine shows: 'vi' or 'en'.
    language       TEXT NOT NULL CHECK (language IN ('vi', 'en')),
    created_at     TEXT NOT NULL
) STRICT;
";

/// What the change log records about an account: never its password.
#[derive(Serialize)]
struct AccountPayload<'a> {
    sip2_account: &'a str,
    event: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    account: Option<&'a Sip2Account>,
}

/// The change-log entity of an account: derived from its login, so its add and remove share
/// one entity.
fn entity(login: &str) -> uuid::Uuid {
    policy::policy_entity(&format!("sip2_account:{login}"))
}

fn check_login(login: &str) -> Result<String, CoreError> {
    let login = login.trim();
    // The login travels in a SIP2 variable field: `|` would end it early, and control
    // characters would end the message.
    if login.is_empty()
        || login.chars().count() > 64
        || login
            .chars()
            .any(|c| c == '|' || c.is_control() || c.is_whitespace())
    {
        return Err(CoreError::InvalidInput {
            what: "SIP2 login",
            value: login.to_string(),
            reason: "use 1 to 64 characters without spaces, `|` or control characters".into(),
        });
    }
    Ok(login.to_string())
}

/// Adds a SIP2 account. The login must be new; the password at least
/// [`MIN_PASSWORD_CHARS`] characters (and without `|`, which SIP2 cannot carry).
pub fn add_account(
    catalog: &mut Catalog,
    user: &str,
    input: &Sip2AccountInput,
    password: &str,
) -> Result<Sip2Account, CoreError> {
    let login = check_login(&input.login)?;
    if password.chars().count() < MIN_PASSWORD_CHARS || password.contains('|') {
        return Err(CoreError::InvalidInput {
            what: "SIP2 password",
            value: "(hidden)".into(),
            reason: format!(
                "use at least {MIN_PASSWORD_CHARS} characters, without `|` (SIP2 cannot carry it)"
            ),
        });
    }
    let branch = branch_id(catalog.conn(), &input.branch_code)?;
    if account(catalog, &login)?.is_some() {
        return Err(CoreError::InvalidInput {
            what: "SIP2 login",
            value: login,
            reason: "an account with this login exists; remove it first or choose another".into(),
        });
    }
    // Hashing is slow on purpose; it happens before the transaction so no lock waits for it.
    let hash = patrons::hash_secret(password, "SIP2 password")?;
    catalog.write(user, |m| {
        let now = m.now();
        m.conn()
            .prepare_cached(
                "INSERT INTO sip2_accounts (login, password_hash, branch_id, may_check_out,
                        may_check_in, may_renew, language, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                login,
                hash,
                branch.to_string(),
                input.may_check_out,
                input.may_check_in,
                input.may_renew,
                input.language.as_str(),
                stamp(now)
            ])?;
        let created = Sip2Account {
            login: login.clone(),
            branch_code: input.branch_code.trim().to_string(),
            may_check_out: input.may_check_out,
            may_check_in: input.may_check_in,
            may_renew: input.may_renew,
            language: input.language,
            created_at: stamp(now),
        };
        m.log(
            EntityType::Policy,
            entity(&login),
            Operation::Create,
            &AccountPayload {
                sip2_account: &login,
                event: "added",
                account: Some(&created),
            },
        )?;
        Ok(created)
    })
}

const ACCOUNT_SELECT: &str = "SELECT a.login, b.code, a.may_check_out, a.may_check_in,
        a.may_renew, a.language, a.created_at
     FROM sip2_accounts a JOIN branches b ON b.id = a.branch_id";

fn account_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Sip2Account> {
    let language: String = r.get(5)?;
    Ok(Sip2Account {
        login: r.get(0)?,
        branch_code: r.get(1)?,
        may_check_out: r.get(2)?,
        may_check_in: r.get(3)?,
        may_renew: r.get(4)?,
        // The table's CHECK allows only these two.
        language: Sip2Language::parse(&language).unwrap_or(Sip2Language::Vi),
        created_at: r.get(6)?,
    })
}

/// Every SIP2 account, by login.
pub fn accounts(catalog: &Catalog) -> Result<Vec<Sip2Account>, CoreError> {
    let mut stmt = catalog
        .conn()
        .prepare_cached(&format!("{ACCOUNT_SELECT} ORDER BY a.login"))?;
    let rows = stmt
        .query_map([], account_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// The account with this login, if any.
pub fn account(catalog: &Catalog, login: &str) -> Result<Option<Sip2Account>, CoreError> {
    Ok(catalog
        .conn()
        .prepare_cached(&format!("{ACCOUNT_SELECT} WHERE a.login = ?1"))?
        .query_row(params![login.trim()], account_from_row)
        .optional()?)
}

/// Removes a SIP2 account; a machine logged in with it is refused from its next login on.
pub fn remove_account(catalog: &mut Catalog, user: &str, login: &str) -> Result<(), CoreError> {
    let login = login.trim().to_string();
    catalog.write(user, |m| {
        let removed = m
            .conn()
            .prepare_cached("DELETE FROM sip2_accounts WHERE login = ?1")?
            .execute(params![login])?;
        if removed == 0 {
            return Err(CoreError::NotFound {
                entity: "SIP2 account",
                key: "login",
                value: login.clone(),
            });
        }
        m.log(
            EntityType::Policy,
            entity(&login),
            Operation::Delete,
            &AccountPayload {
                sip2_account: &login,
                event: "removed",
                account: None,
            },
        )?;
        Ok(())
    })
}

/// The passwords a SIP2 server has already checked with Argon2, so that a machine logging in
/// again, or a hundred kiosks of one account logging in at once when the server starts, cost
/// one Argon2 run (tens of milliseconds of a core each) and not one each: without it, 100
/// kiosks reconnecting together kept both cores busy for two to three seconds.
///
/// Holds no password: a BLAKE2b MAC of it under a random key made when the server starts
/// (compared in constant time) beside the stored hash it was checked against, so a password
/// changed or an account removed is checked afresh. In memory only, never stored or logged.
/// A login is checked by one machine at a time: the others wait for its answer, and wrong
/// passwords for one login are tried one after the other, each at Argon2's pace; a password
/// already proven is recognised at once, never queued behind someone's wrong guesses.
pub struct ProvenLogins {
    key: [u8; 32],
    logins: Mutex<HashMap<String, Arc<Login>>>,
    argon2_runs: AtomicU64,
    /// A hash no password matches, checked for a login that does not exist so that its answer
    /// takes as long as a wrong password's: a machine cannot time which logins exist. Made at
    /// the first unknown login (`None` if hashing failed: then that answer is quicker).
    unknown: OnceLock<Option<String>>,
    /// The one turn every unknown login's check waits for, as wrong passwords for one login
    /// wait for that login's: many at once take as long as for a login that exists, and a
    /// flood of made-up logins keeps one core busy, not all of them.
    unknown_turn: Mutex<()>,
}

/// What one login's machines share: the password last proven, and the one Argon2 check at a
/// time (held only while checking, so reading `proven` never waits for Argon2).
#[derive(Default)]
struct Login {
    proven: Mutex<Option<Proven>>,
    checking: Mutex<()>,
}

struct Proven {
    stored_hash: String,
    mac: Vec<u8>,
}

impl ProvenLogins {
    pub fn new() -> ProvenLogins {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        ProvenLogins {
            key,
            logins: Mutex::new(HashMap::new()),
            argon2_runs: AtomicU64::new(0),
            unknown: OnceLock::new(),
            unknown_turn: Mutex::new(()),
        }
    }

    /// Spends an Argon2 check on a login that does not exist, as a wrong password would, in the
    /// one turn all unknown logins share (they are not remembered one by one, so a stream of
    /// made-up ones cannot fill the server's memory).
    fn check_unknown(&self, password: &str) {
        let _turn = self
            .unknown_turn
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let unknown = self.unknown.get_or_init(|| {
            let mut never = [0u8; 32];
            rand::rng().fill_bytes(&mut never);
            let never: String = never.iter().map(|b| format!("{b:02x}")).collect();
            patrons::hash_secret(&never, "SIP2 password").ok()
        });
        if let Some(hash) = unknown {
            self.argon2_runs.fetch_add(1, Ordering::Relaxed);
            patrons::verify_secret(hash, password);
        }
    }

    /// How many passwords were checked with Argon2 (the rest were known).
    pub fn argon2_runs(&self) -> u64 {
        self.argon2_runs.load(Ordering::Relaxed)
    }

    fn login(&self, login: &str) -> Arc<Login> {
        // A poisoned lock only means a thread panicked holding it; the map stays usable.
        let mut logins = self.logins.lock().unwrap_or_else(PoisonError::into_inner);
        logins.entry(login.to_string()).or_default().clone()
    }

    /// Whether `password` is the one proven against `stored_hash`.
    fn known(&self, login: &Login, stored_hash: &str, password: &str) -> bool {
        let proven = login.proven.lock().unwrap_or_else(PoisonError::into_inner);
        proven
            .as_ref()
            .filter(|p| p.stored_hash == stored_hash)
            .is_some_and(|p| {
                kiosk::pin_mac(&self.key, password)
                    .verify_slice(&p.mac)
                    .is_ok()
            })
    }

    fn check(&self, login: &str, stored_hash: &str, password: &str) -> bool {
        let login = self.login(login);
        if self.known(&login, stored_hash, password) {
            return true;
        }
        let _turn = login
            .checking
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // Another machine may have proven it while this one waited its turn.
        if self.known(&login, stored_hash, password) {
            return true;
        }
        self.argon2_runs.fetch_add(1, Ordering::Relaxed);
        if !patrons::verify_secret(stored_hash, password) {
            return false;
        }
        *login.proven.lock().unwrap_or_else(PoisonError::into_inner) = Some(Proven {
            stored_hash: stored_hash.to_string(),
            mac: kiosk::pin_mac(&self.key, password)
                .finalize()
                .into_bytes()
                .to_vec(),
        });
        true
    }
}

impl Default for ProvenLogins {
    fn default() -> Self {
        ProvenLogins::new()
    }
}

impl std::fmt::Debug for ProvenLogins {
    // Neither the key nor the MACs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProvenLogins")
            .field("argon2_runs", &self.argon2_runs())
            .finish_non_exhaustive()
    }
}

/// The account when `password` is its password; `None` for a wrong password or an unknown
/// login alike, so a machine cannot tell which logins exist. `proven` remembers the passwords
/// already checked (see [`ProvenLogins`]): a server keeps one for all its machines.
pub fn sign_in_proven(
    catalog: &Catalog,
    proven: &ProvenLogins,
    login: &str,
    password: &str,
) -> Result<Option<Sip2Account>, CoreError> {
    let Some(hash) = password_hash(catalog, login)? else {
        proven.check_unknown(password);
        return Ok(None);
    };
    if !proven.check(login.trim(), &hash, password) {
        return Ok(None);
    }
    // The check may have waited its turn: an account removed, or made again with another
    // password, meanwhile is not opened with the password of the one that was.
    if password_hash(catalog, login)?.as_deref() != Some(hash.as_str()) {
        return Ok(None);
    }
    account(catalog, login)
}

fn password_hash(catalog: &Catalog, login: &str) -> Result<Option<String>, CoreError> {
    Ok(catalog
        .conn()
        .prepare_cached("SELECT password_hash FROM sip2_accounts WHERE login = ?1")?
        .query_row(params![login.trim()], |r| r.get(0))
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changelog;

    fn catalog() -> (tempfile::TempDir, Catalog) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut catalog = Catalog::open(dir.path().join("c.db"), Default::default()).expect("open");
        catalog
            .write("t", |m| {
                crate::holdings::add_branch(
                    m,
                    &crate::holdings::NewBranch {
                        code: "HK".into(),
                        name: "Chi nhánh Hoàn Kiếm".into(),
                    },
                )
            })
            .expect("branch");
        (dir, catalog)
    }

    fn input(login: &str) -> Sip2AccountInput {
        Sip2AccountInput {
            login: login.into(),
            branch_code: "HK".into(),
            may_check_out: true,
            may_check_in: true,
            may_renew: false,
            language: Sip2Language::Vi,
        }
    }

    #[test]
    fn an_account_is_added_signed_in_listed_and_removed_with_the_log() {
        let (_dir, mut catalog) = catalog();
        let before = changelog::count(catalog.conn()).expect("count");
        let added =
            add_account(&mut catalog, "staff", &input("kiosk-1"), "secret-pw").expect("add");
        assert_eq!(added.branch_code, "HK");
        assert!(!added.may_renew);
        assert_eq!(accounts(&catalog).expect("list"), vec![added.clone()]);
        assert_eq!(
            sign_in_proven(&catalog, &ProvenLogins::new(), "kiosk-1", "secret-pw")
                .expect("sign in"),
            Some(added)
        );
        assert_eq!(
            sign_in_proven(&catalog, &ProvenLogins::new(), "kiosk-1", "wrong-pw").expect("wrong"),
            None
        );
        assert_eq!(
            sign_in_proven(&catalog, &ProvenLogins::new(), "nobody", "secret-pw").expect("unknown"),
            None
        );
        remove_account(&mut catalog, "staff", "kiosk-1").expect("remove");
        assert!(accounts(&catalog).expect("list").is_empty());
        assert_eq!(changelog::count(catalog.conn()).expect("count"), before + 2);
        let logged: Vec<String> = changelog::recent(&catalog, 2)
            .expect("recent")
            .into_iter()
            .map(|e| e.payload.to_string())
            .collect();
        assert!(
            logged
                .iter()
                .all(|p| !p.contains("secret-pw") && !p.contains("argon2"))
        );
    }

    #[test]
    fn machines_logging_in_together_cost_one_argon2_run_and_a_changed_password_is_checked_again() {
        let (dir, mut catalog) = catalog();
        let added =
            add_account(&mut catalog, "staff", &input("kiosk-1"), "secret-pw").expect("add");
        let path = dir.path().join("c.db");
        let proven = ProvenLogins::new();
        // All eight ask at the same instant, each on its own connection.
        let together = std::sync::Barrier::new(8);
        std::thread::scope(|scope| {
            let machines: Vec<_> = (0..8)
                .map(|_| {
                    scope.spawn(|| {
                        let catalog = Catalog::open(&path, Default::default()).expect("open");
                        together.wait();
                        sign_in_proven(&catalog, &proven, "kiosk-1", "secret-pw").expect("sign in")
                    })
                })
                .collect();
            for machine in machines {
                assert_eq!(machine.join().expect("machine"), Some(added.clone()));
            }
        });
        assert_eq!(proven.argon2_runs(), 1);
        // A wrong password is checked with Argon2 every time, never taken for the known one.
        for _ in 0..2 {
            assert_eq!(
                sign_in_proven(&catalog, &proven, "kiosk-1", "wrong-pw").expect("wrong"),
                None
            );
        }
        assert_eq!(proven.argon2_runs(), 3);
        assert_eq!(
            sign_in_proven(&catalog, &proven, " kiosk-1 ", "secret-pw").expect("again"),
            Some(added)
        );
        assert_eq!(proven.argon2_runs(), 3);
        // The account made again with another password: the old one no longer opens it.
        remove_account(&mut catalog, "staff", "kiosk-1").expect("remove");
        assert_eq!(
            sign_in_proven(&catalog, &proven, "kiosk-1", "secret-pw").expect("removed"),
            None
        );
        let again = add_account(&mut catalog, "staff", &input("kiosk-1"), "other-pw").expect("add");
        assert_eq!(
            sign_in_proven(&catalog, &proven, "kiosk-1", "secret-pw").expect("old password"),
            None
        );
        assert_eq!(
            sign_in_proven(&catalog, &proven, "kiosk-1", "other-pw").expect("new password"),
            Some(again)
        );
        assert!(!format!("{proven:?}").contains("mac"));
        // Made again with the same password: a new salt, so a new hash, checked afresh.
        remove_account(&mut catalog, "staff", "kiosk-1").expect("remove");
        let same = add_account(&mut catalog, "staff", &input("kiosk-1"), "other-pw").expect("add");
        let runs = proven.argon2_runs();
        assert_eq!(
            sign_in_proven(&catalog, &proven, "kiosk-1", "other-pw").expect("same password"),
            Some(same)
        );
        assert_eq!(proven.argon2_runs(), runs + 1);
    }

    #[test]
    fn an_unknown_login_costs_a_check_like_a_wrong_password_and_is_not_remembered() {
        let (_dir, mut catalog) = catalog();
        add_account(&mut catalog, "staff", &input("kiosk-1"), "secret-pw").expect("add");
        let proven = ProvenLogins::new();
        assert_eq!(
            sign_in_proven(&catalog, &proven, "kiosk-1", "wrong-pw").expect("wrong"),
            None
        );
        assert_eq!(proven.argon2_runs(), 1);
        for n in 0..3 {
            assert_eq!(
                sign_in_proven(&catalog, &proven, &format!("nobody-{n}"), "secret-pw")
                    .expect("unknown"),
                None
            );
        }
        // Each unknown login ran Argon2 as the wrong password did; none is kept.
        assert_eq!(proven.argon2_runs(), 4);
        assert_eq!(proven.logins.lock().expect("logins").len(), 1);
    }

    #[test]
    fn a_proven_password_is_not_kept_waiting_behind_a_check_in_progress() {
        let (dir, mut catalog) = catalog();
        let added =
            add_account(&mut catalog, "staff", &input("kiosk-1"), "secret-pw").expect("add");
        let proven = ProvenLogins::new();
        assert!(
            sign_in_proven(&catalog, &proven, "kiosk-1", "secret-pw")
                .expect("first")
                .is_some()
        );
        // Someone's wrong guess being checked with Argon2 holds the login's turn.
        let login = proven.login("kiosk-1");
        let turn = login.checking.lock().expect("turn");
        let (answered, answer) = std::sync::mpsc::channel();
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let catalog =
                    Catalog::open(dir.path().join("c.db"), Default::default()).expect("open");
                let _ = answered.send(
                    sign_in_proven(&catalog, &proven, "kiosk-1", "secret-pw").expect("sign in"),
                );
            });
            // Only a bound against hanging for ever: the answer must come while the turn is
            // held, or the check waited for it.
            let got = answer.recv_timeout(std::time::Duration::from_secs(60));
            drop(turn);
            assert_eq!(got.ok().flatten(), Some(added));
        });
    }

    #[test]
    fn bad_logins_passwords_branches_and_duplicates_are_refused() {
        let (_dir, mut catalog) = catalog();
        for login in ["", "a b", "a|b"] {
            let err = add_account(&mut catalog, "s", &input(login), "secret-pw").unwrap_err();
            assert!(matches!(err, CoreError::InvalidInput { .. }), "{login:?}");
        }
        for pw in ["short", "has|bar1"] {
            let err = add_account(&mut catalog, "s", &input("k"), pw).unwrap_err();
            assert!(matches!(err, CoreError::InvalidInput { .. }), "{pw:?}");
        }
        let mut elsewhere = input("k");
        elsewhere.branch_code = "XX".into();
        let err = add_account(&mut catalog, "s", &elsewhere, "secret-pw").unwrap_err();
        assert!(matches!(err, CoreError::NotFound { .. }));
        add_account(&mut catalog, "s", &input("k"), "secret-pw").expect("add");
        let err = add_account(&mut catalog, "s", &input("k"), "secret-pw").unwrap_err();
        assert!(matches!(err, CoreError::InvalidInput { .. }));
        let err = remove_account(&mut catalog, "s", "nobody").unwrap_err();
        assert!(matches!(err, CoreError::NotFound { .. }));
    }
}

/// Where the desktop app runs this branch's SIP2 server, kept so it starts again with the app.
/// A branch's own setting: other nodes ignore its change-log entry (see `sync::circulation`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ServerSettings {
    /// `127.0.0.1:6001`.
    pub listen: String,
    /// `utf-8`, `cp1258` or `latin1`.
    pub charset: String,
    /// Started with the app.
    pub enabled: bool,
}

const SERVER_KEY: &str = "sip2.server";

/// The stored server settings; `None` before the server was first started here.
pub fn server_settings(catalog: &Catalog) -> Result<Option<ServerSettings>, CoreError> {
    let text: Option<String> = catalog
        .conn()
        .query_row(
            "SELECT value FROM catalog_meta WHERE key = ?1",
            params![SERVER_KEY],
            |r| r.get(0),
        )
        .optional()?;
    // A value this program cannot read is treated as never set, not as an error that would
    // keep the app from starting.
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
}

#[derive(Serialize)]
struct ServerPayload<'a> {
    sip2_server: &'a ServerSettings,
}

/// Keeps the server settings (the address is checked by whoever binds it).
pub fn save_server_settings(
    m: &mut crate::store::Mutation<'_>,
    settings: &ServerSettings,
) -> Result<(), CoreError> {
    if !matches!(settings.charset.as_str(), "utf-8" | "cp1258" | "latin1") {
        return Err(CoreError::InvalidInput {
            what: "SIP2 character set",
            value: settings.charset.clone(),
            reason: "use utf-8, cp1258 or latin1".into(),
        });
    }
    m.conn().execute(
        "INSERT INTO catalog_meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![SERVER_KEY, serde_json::to_string(settings)?],
    )?;
    m.log(
        EntityType::Policy,
        entity(SERVER_KEY),
        Operation::Update,
        &ServerPayload {
            sip2_server: settings,
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod server_settings_tests {
    use super::*;

    #[test]
    fn server_settings_are_kept_and_a_bad_charset_refused() {
        let dir = tempfile::tempdir().expect("dir");
        let mut catalog =
            Catalog::open(dir.path().join("c.db"), crate::CatalogOptions::default()).expect("open");
        assert_eq!(server_settings(&catalog).expect("read"), None);
        let settings = ServerSettings {
            listen: "127.0.0.1:6001".into(),
            charset: "cp1258".into(),
            enabled: true,
        };
        catalog
            .write("t", |m| save_server_settings(m, &settings))
            .expect("save");
        assert_eq!(server_settings(&catalog).expect("read"), Some(settings));
        let bad = ServerSettings {
            listen: "127.0.0.1:6001".into(),
            charset: "ebcdic".into(),
            enabled: true,
        };
        let err = catalog
            .write("t", |m| save_server_settings(m, &bad))
            .expect_err("refused");
        assert!(matches!(err, CoreError::InvalidInput { .. }), "{err}");
    }
}
