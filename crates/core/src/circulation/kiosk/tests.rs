use time::Duration;
use time::macros::datetime;

use super::*;
use crate::api::ItemStatus;
use crate::circulation::tests::{library, refused};

fn with_pin(lib: &mut crate::circulation::tests::Library, patron: &str, pin: &str) {
    lib.catalog
        .write("desk", |m| patrons::set_pin(m, patron, pin))
        .expect("PIN set");
}

#[test]
fn the_right_pin_signs_in_and_the_account_comes_back() {
    let mut lib = library();
    with_pin(&mut lib, "P1", "1234");
    let account = sign_in(&mut lib.catalog, "kiosk", "P1", "1234").expect("signs in");
    assert_eq!(account.barcode, "P1");
    assert!(account.has_pin);
}

#[test]
fn a_card_without_a_pin_is_sent_to_the_desk() {
    let mut lib = library();
    let r = refused(sign_in(&mut lib.catalog, "kiosk", "P1", "1234"));
    assert_eq!(r.code, RefusalCode::NoPin);
    assert!(
        matches!(
            sign_in(&mut lib.catalog, "kiosk", "NOSUCH", "1234"),
            Err(CoreError::NotFound { .. })
        ),
        "an unknown card is not found"
    );
}

#[test]
fn five_wrong_pins_lock_the_card_for_fifteen_minutes_then_it_signs_in_again() {
    let mut lib = library();
    with_pin(&mut lib, "P1", "1234");
    lib.at(datetime!(2026-03-12 07:00 UTC)); // 14:00 in Hà Nội
    for left in (1..=4).rev() {
        let r = refused(sign_in(&mut lib.catalog, "kiosk", "P1", "0000"));
        assert_eq!(r.code, RefusalCode::WrongPin);
        assert_eq!(r.params["attempts_left"], left.to_string());
    }
    let r = refused(sign_in(&mut lib.catalog, "kiosk", "P1", "0000"));
    assert_eq!(r.code, RefusalCode::PinLocked);
    assert_eq!(r.params["until"], "14:15 12/03/2026");
    assert!(
        r.message_vi.contains("14:15 12/03/2026"),
        "{}",
        r.message_vi
    );
    // Locked: even the right PIN is refused, and the check-out too.
    lib.clock.advance(Duration::minutes(14));
    let r = refused(sign_in(&mut lib.catalog, "kiosk", "P1", "1234"));
    assert_eq!(r.code, RefusalCode::PinLocked);
    let r = refused(checkout(
        &mut lib.catalog,
        "kiosk",
        "P1",
        "1234",
        "B1",
        None,
    ));
    assert_eq!(r.code, RefusalCode::PinLocked);
    assert_eq!(lib.status("B1"), ItemStatus::Available);
    // After the lock, a fresh count: one wrong PIN leaves four.
    lib.clock.advance(Duration::minutes(2));
    let r = refused(sign_in(&mut lib.catalog, "kiosk", "P1", "9999"));
    assert_eq!(r.params["attempts_left"], "4");
    sign_in(&mut lib.catalog, "kiosk", "P1", "1234").expect("signs in after the lock");
}

#[test]
fn a_right_pin_resets_the_count_and_the_attempts_survive_reopening() {
    let mut lib = library();
    with_pin(&mut lib, "P1", "1234");
    for _ in 0..3 {
        refused(sign_in(&mut lib.catalog, "kiosk", "P1", "1111"));
    }
    let changes = lib.changes();
    sign_in(&mut lib.catalog, "kiosk", "P1", "1234").expect("signs in");
    assert_eq!(lib.changes(), changes + 1, "the reset is logged");
    let r = refused(sign_in(&mut lib.catalog, "kiosk", "P1", "1111"));
    assert_eq!(r.params["attempts_left"], "4");
    // The count is in the catalog, not in memory: another reader's attempts are their own.
    with_pin(&mut lib, "P2", "5678");
    let r = refused(sign_in(&mut lib.catalog, "kiosk", "P2", "1111"));
    assert_eq!(r.params["attempts_left"], "4");
}

#[test]
fn a_kiosk_checkout_checks_the_pin_and_never_overrides() {
    let mut lib = library();
    with_pin(&mut lib, "P1", "1234");
    with_pin(&mut lib, "X1", "1234");
    let r = refused(checkout(
        &mut lib.catalog,
        "kiosk",
        "P1",
        "4321",
        "B1",
        None,
    ));
    assert_eq!(r.code, RefusalCode::WrongPin);
    assert_eq!(lib.status("B1"), ItemStatus::Available);
    let out = checkout(&mut lib.catalog, "kiosk", "P1", "1234", "B1", Some("HK")).expect("lends");
    assert!(out.overridden.is_empty());
    assert_eq!(out.loan.patron_barcode, "P1");
    assert_eq!(lib.status("B1"), ItemStatus::OnLoan);
    // The reference book is not for loan.
    let r = refused(checkout(
        &mut lib.catalog,
        "kiosk",
        "P1",
        "1234",
        "B4",
        None,
    ));
    assert_eq!(r.code, RefusalCode::ItemNotForLoan);
    // An expired card is refused at the kiosk as at the desk, with no way round it.
    lib.at(datetime!(2026-04-01 03:00 UTC));
    let r = refused(checkout(
        &mut lib.catalog,
        "kiosk",
        "X1",
        "1234",
        "B2",
        None,
    ));
    assert_eq!(r.code, RefusalCode::CardExpired);
}

#[test]
fn the_staff_password_is_set_checked_and_changed_only_with_the_current_one() {
    let mut lib = library();
    assert!(!password_set(&lib.catalog).expect("read"));
    assert!(!verify_password(&lib.catalog, "anything").expect("read"));
    assert!(matches!(
        set_password(&mut lib.catalog, "admin", None, "12345"),
        Err(CoreError::InvalidInput { .. })
    ));
    let changes = lib.changes();
    set_password(&mut lib.catalog, "admin", None, "thư viện").expect("set");
    assert_eq!(lib.changes(), changes + 1);
    assert!(password_set(&lib.catalog).expect("read"));
    assert!(verify_password(&lib.catalog, "thư viện").expect("read"));
    assert!(!verify_password(&lib.catalog, "thu vien").expect("read"));
    for current in [None, Some("wrong!")] {
        assert!(matches!(
            set_password(&mut lib.catalog, "admin", current, "newpass"),
            Err(CoreError::InvalidInput {
                what: "current kiosk password",
                ..
            })
        ));
    }
    set_password(&mut lib.catalog, "admin", Some("thư viện"), "newpass").expect("changed");
    assert!(verify_password(&lib.catalog, "newpass").expect("read"));
    assert!(!verify_password(&lib.catalog, "thư viện").expect("read"));
    // Neither the password nor its hash reaches the change log.
    let logged: Vec<String> = lib
        .catalog
        .conn()
        .prepare("SELECT payload FROM change_log")
        .expect("q")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("read");
    assert!(
        logged
            .iter()
            .all(|p| !p.contains("newpass") && !p.contains("argon2")),
        "{logged:?}"
    );
}

#[test]
fn a_remembered_pin_holds_for_the_same_card_and_pin_until_it_lapses_changes_or_locks() {
    let mut lib = library();
    with_pin(&mut lib, "P1", "1234");
    with_pin(&mut lib, "P2", "1234");
    lib.at(datetime!(2026-03-12 07:00 UTC));
    let (account, remembered) =
        sign_in_remembering(&mut lib.catalog, "sip2:kiosk", "P1", "1234").expect("signs in");
    assert_eq!(account.barcode, "P1");
    assert_eq!(remembered.patron_barcode(), "P1");
    let debug = format!("{remembered:?}");
    assert!(!debug.contains("1234"), "{debug}");
    let recall = |lib: &crate::circulation::tests::Library, card: &str, pin: &str| {
        recall_pin(&lib.catalog, &remembered, card, pin).expect("reads")
    };
    assert!(recall(&lib, "P1", "1234"));
    assert!(
        recall(&lib, " P1 ", "1234"),
        "the card as a scanner sends it"
    );
    assert!(
        !recall(&lib, "P1", "12345"),
        "another PIN is checked in full"
    );
    assert!(!recall(&lib, "P1", "4321"));
    assert!(
        !recall(&lib, "P2", "1234"),
        "another card is checked in full"
    );
    lib.clock.advance(Duration::minutes(PIN_REMEMBERED_MINUTES));
    assert!(recall(&lib, "P1", "1234"), "still within the time");
    lib.clock.advance(Duration::seconds(1));
    assert!(!recall(&lib, "P1", "1234"), "lapsed");

    // A PIN changed at the desk ends what was remembered, even the same digits.
    let (_, remembered) =
        sign_in_remembering(&mut lib.catalog, "sip2:kiosk", "P1", "1234").expect("signs in");
    with_pin(&mut lib, "P1", "1234");
    assert!(!recall_pin(&lib.catalog, &remembered, "P1", "1234").expect("reads"));

    // Wrong PINs at another machine lock the card: the remembered PIN no longer holds, and the
    // full check gives the lock's refusal.
    let (_, remembered) =
        sign_in_remembering(&mut lib.catalog, "sip2:kiosk", "P1", "1234").expect("signs in");
    for _ in 0..MAX_WRONG_PINS {
        refused(sign_in(&mut lib.catalog, "kiosk", "P1", "0000"));
    }
    assert!(!recall_pin(&lib.catalog, &remembered, "P1", "1234").expect("reads"));
    let r =
        refused(sign_in_remembering(&mut lib.catalog, "sip2:kiosk", "P1", "1234").map(|(a, _)| a));
    assert_eq!(r.code, RefusalCode::PinLocked);
}
