//! Circulation end to end on a small catalog with a hand-set clock: the table of
//! policy, calendar and fine edge cases, then refusals, holds, the ledger and the change log.

use std::sync::Arc;

use shelfmark_marc::{Leader, Record};
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};

use crate::api::{CheckinAction, HoldStatus, ItemStatus, PatronInput, PolicyRule, RefusalCode};
use crate::catalog::records;
use crate::circulation::fines::MachinePayment;
use crate::circulation::{calendar, fines, holds, loans, patrons, policy};
use crate::holdings::{self, NewBranch, NewItem};
use crate::text;
use crate::{Catalog, CatalogOptions, CoreError, ManualClock};

pub(crate) struct Library {
    _dir: tempfile::TempDir,
    pub(crate) catalog: Catalog,
    pub(crate) clock: Arc<ManualClock>,
    pub(crate) r1: uuid::Uuid,
}

fn record(title: &str, control: &str) -> Record {
    Record::new(Leader::new('n', 'a', 'm'))
        .control("001", control)
        .and_then(|r| r.data("245", ['1', '0'], &[('a', title)]))
        .expect("record")
}

/// Branches HK and BD; record R1 with items B1, B2 (HK), record R2 with B3 (BD), a reference
/// book B4 (HK); readers P1, P2 (adults), C1 (child), X1 (card expired 12 March 2026).
pub(crate) fn library() -> Library {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = Arc::new(ManualClock::new(datetime!(2026-01-01 03:00 UTC)));
    let mut catalog = Catalog::open(
        dir.path().join("c.db"),
        CatalogOptions {
            clock: clock.clone(),
        },
    )
    .expect("opens");
    let r1 = catalog
        .write("setup", |m| {
            let hk = holdings::add_branch(
                m,
                &NewBranch {
                    code: "HK".into(),
                    name: "Hoàn Kiếm".into(),
                },
            )?;
            let bd = holdings::add_branch(
                m,
                &NewBranch {
                    code: "BD".into(),
                    name: "Ba Đình".into(),
                },
            )?;
            let r1 = records::insert(m, &record("Dế Mèn phiêu lưu ký", "R1"))?;
            let r2 = records::insert(m, &record("Số đỏ", "R2"))?;
            let r3 = records::insert(m, &record("Từ điển tiếng Việt", "R3"))?;
            for (rec, barcode, branch, item_type) in [
                (r1, "B1", hk, "book"),
                (r1, "B2", hk, "book"),
                (r2, "B3", bd, "book"),
                (r3, "B4", hk, "reference"),
                (r2, "B5", bd, "book"),
                (r2, "B6", bd, "book"),
                (r2, "B7", bd, "book"),
            ] {
                holdings::add_item(
                    m,
                    &NewItem {
                        record_id: rec,
                        barcode: barcode.into(),
                        branch_id: branch,
                        location: "Kho mở".into(),
                        call_number: None,
                        item_type: item_type.into(),
                    },
                )?;
            }
            for (barcode, category, expires) in [
                ("P1", "adult", "2027-12-31"),
                ("P2", "adult", "2027-12-31"),
                ("C1", "child", "2027-12-31"),
                ("X1", "adult", "2026-03-12"),
            ] {
                patrons::add(
                    m,
                    &PatronInput {
                        barcode: barcode.into(),
                        name: format!("Bạn đọc {barcode}"),
                        category: category.into(),
                        email: None,
                        phone: None,
                        home_branch_code: Some("HK".into()),
                        expires_on: expires.into(),
                        notes: String::new(),
                    },
                )?;
            }
            Ok(r1)
        })
        .expect("setup");
    Library {
        _dir: dir,
        catalog,
        clock,
        r1,
    }
}

impl Library {
    pub(crate) fn at(&self, t: OffsetDateTime) {
        self.clock.set(t);
    }

    pub(crate) fn close(&mut self, branch: Option<&str>, day: Date) {
        self.catalog
            .write("staff", |m| {
                calendar::add_closed_day(m, branch, day, "Nghỉ lễ")
            })
            .expect("closes");
    }

    pub(crate) fn checkout(
        &mut self,
        patron: &str,
        item: &str,
    ) -> Result<crate::api::CheckoutResult, CoreError> {
        self.catalog
            .write("desk", |m| loans::checkout(m, patron, item, None, None))
    }

    pub(crate) fn checkin(
        &mut self,
        item: &str,
        at: Option<OffsetDateTime>,
    ) -> crate::api::CheckinResult {
        self.catalog
            .write("desk", |m| loans::checkin(m, item, None, at))
            .expect("checks in")
    }

    pub(crate) fn balance(&self, patron: &str) -> i64 {
        let p = patrons::by_barcode(self.catalog.conn(), patron).expect("patron");
        fines::balance(self.catalog.conn(), p.id).expect("balance")
    }

    pub(crate) fn status(&self, item: &str) -> ItemStatus {
        crate::circulation::item_by_barcode(self.catalog.conn(), item)
            .expect("item")
            .status
    }

    pub(crate) fn changes(&self) -> u64 {
        self.catalog.summary().expect("summary").changes
    }
}

pub(crate) fn refused(result: Result<impl std::fmt::Debug, CoreError>) -> crate::api::Refusal {
    match result {
        Err(CoreError::Refused(r)) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// One row of the table: a loan of B1 at HK, the days closed, the return, and what
/// the due day and the fine must be.
struct FineCase {
    name: &'static str,
    patron: &'static str,
    checkout: OffsetDateTime,
    closed: &'static [(Option<&'static str>, Date)],
    now_at_return: OffsetDateTime,
    back_dated: Option<OffsetDateTime>,
    due_on: Date,
    fine: i64,
}

const FINE_CASES: &[FineCase] = &[
    FineCase {
        name: "due date on a closed New Year's Day moves into the next year's first open day",
        patron: "P1",
        checkout: datetime!(2026-12-18 10:00 +7),
        closed: &[(None, date!(2027 - 01 - 01))],
        now_at_return: datetime!(2027-01-02 09:00 +7),
        back_dated: None,
        due_on: date!(2027 - 01 - 02),
        fine: 0,
    },
    FineCase {
        name: "a run of closed days across a month end, then three open days late",
        patron: "P1",
        checkout: datetime!(2026-01-17 10:00 +7),
        closed: &[
            (Some("HK"), date!(2026 - 01 - 31)),
            (Some("HK"), date!(2026 - 02 - 01)),
        ],
        now_at_return: datetime!(2026-02-05 15:00 +7),
        back_dated: None,
        due_on: date!(2026 - 02 - 02),
        fine: 3 * 2000,
    },
    FineCase {
        name: "closed days inside the lateness are not charged",
        patron: "P1",
        checkout: datetime!(2026-03-01 10:00 +7),
        closed: &[
            (Some("HK"), date!(2026 - 03 - 17)),
            (None, date!(2026 - 03 - 18)),
        ],
        now_at_return: datetime!(2026-03-20 10:00 +7),
        back_dated: None,
        due_on: date!(2026 - 03 - 15),
        fine: 3 * 2000,
    },
    FineCase {
        name: "another branch's closed day changes nothing here",
        patron: "P1",
        checkout: datetime!(2026-03-01 10:00 +7),
        closed: &[
            (Some("BD"), date!(2026 - 03 - 15)),
            (Some("BD"), date!(2026 - 03 - 16)),
        ],
        now_at_return: datetime!(2026-03-16 10:00 +7),
        back_dated: None,
        due_on: date!(2026 - 03 - 15),
        fine: 2000,
    },
    FineCase {
        name: "returned months late: charged only up to the maximum fine",
        patron: "P1",
        checkout: datetime!(2026-01-05 10:00 +7),
        closed: &[],
        now_at_return: datetime!(2026-06-01 10:00 +7),
        back_dated: None,
        due_on: date!(2026 - 01 - 19),
        fine: 50_000,
    },
    FineCase {
        name: "a child's loan has the child's fine and maximum",
        patron: "C1",
        checkout: datetime!(2026-01-05 10:00 +7),
        closed: &[],
        now_at_return: datetime!(2026-01-24 10:00 +7),
        back_dated: None,
        due_on: date!(2026 - 01 - 19),
        fine: 5 * 1000,
    },
    FineCase {
        name: "returned at 23:59 local on the due day: on time",
        patron: "P1",
        checkout: datetime!(2026-03-01 10:00 +7),
        closed: &[],
        now_at_return: datetime!(2026-03-15 23:59:30 +7),
        back_dated: None,
        due_on: date!(2026 - 03 - 15),
        fine: 0,
    },
    FineCase {
        name: "returned 00:00:30 local the next day (still the due day in UTC): one day late",
        patron: "P1",
        checkout: datetime!(2026-03-01 10:00 +7),
        closed: &[],
        now_at_return: datetime!(2026-03-16 00:00:30 +7),
        back_dated: None,
        due_on: date!(2026 - 03 - 15),
        fine: 2000,
    },
    FineCase {
        name: "lent at 00:30 local (the previous day in UTC): the loan counts from the local day",
        patron: "P1",
        checkout: datetime!(2026-03-01 00:30 +7),
        closed: &[],
        now_at_return: datetime!(2026-03-15 12:00 +7),
        back_dated: None,
        due_on: date!(2026 - 03 - 15),
        fine: 0,
    },
    FineCase {
        name: "a back-dated check-in counts up to the day the book came back",
        patron: "P1",
        checkout: datetime!(2026-03-01 10:00 +7),
        closed: &[],
        now_at_return: datetime!(2026-03-25 08:00 +7),
        back_dated: Some(datetime!(2026-03-16 20:00 +7)),
        due_on: date!(2026 - 03 - 15),
        fine: 2000,
    },
    FineCase {
        name: "a back-dated check-in to the due day charges nothing",
        patron: "P1",
        checkout: datetime!(2026-03-01 10:00 +7),
        closed: &[],
        now_at_return: datetime!(2026-04-25 08:00 +7),
        back_dated: Some(datetime!(2026-03-15 18:00 +7)),
        due_on: date!(2026 - 03 - 15),
        fine: 0,
    },
];

#[test]
fn the_table_of_due_dates_and_fines() {
    for case in FINE_CASES {
        let mut lib = library();
        for (branch, day) in case.closed {
            lib.close(*branch, *day);
        }
        lib.at(case.checkout);
        let out = lib.checkout(case.patron, "B1").expect(case.name);
        assert_eq!(out.loan.due_on, case.due_on.to_string(), "{}", case.name);
        lib.at(case.now_at_return);
        let back = lib.checkin("B1", case.back_dated);
        assert_eq!(back.fine_charged, case.fine, "{}", case.name);
        assert_eq!(lib.balance(case.patron), case.fine, "{}", case.name);
        // Checking the same book in again (a second scan, a re-run) charges nothing more.
        let again = lib.checkin("B1", None);
        assert_eq!((again.fine_charged, again.loan), (0, None), "{}", case.name);
        assert_eq!(lib.balance(case.patron), case.fine, "{}", case.name);
    }
}

#[test]
fn a_loan_falls_due_at_the_end_of_the_local_day() {
    let mut lib = library();
    lib.at(datetime!(2026-03-01 10:00 +7));
    let loan = lib.checkout("P1", "B1").expect("lends").loan;
    assert_eq!(loan.due_at, "2026-03-15T16:59:59Z");
    assert!(!loan.overdue);
}

#[test]
fn renewals_up_to_the_limit_then_refused_unless_overridden() {
    let mut lib = library();
    lib.at(datetime!(2026-03-01 10:00 +7));
    lib.checkout("P1", "B1").expect("lends");
    let first = lib
        .catalog
        .write("desk", |m| loans::renew(m, "B1", None))
        .expect("1st");
    assert_eq!(
        (first.loan.due_on.as_str(), first.loan.renewals),
        ("2026-03-29", 1)
    );
    let second = lib
        .catalog
        .write("desk", |m| loans::renew(m, "B1", None))
        .expect("2nd");
    assert_eq!(second.loan.due_on, "2026-04-12");
    let before = lib.changes();
    let third = refused(lib.catalog.write("desk", |m| loans::renew(m, "B1", None)));
    assert_eq!(third.code, RefusalCode::RenewalLimitReached);
    assert_eq!(third.params["max"], "2");
    assert_eq!(third.message_vi, "Đã gia hạn đủ 2 lần, mức tối đa.");
    assert_eq!(lib.changes(), before, "a refusal writes nothing");
    let forced = lib
        .catalog
        .write("desk", |m| loans::renew(m, "B1", Some("Bạn đọc nằm viện")))
        .expect("overridden");
    assert_eq!(forced.overridden[0].code, RefusalCode::RenewalLimitReached);
    assert_eq!(
        forced.loan.override_reason.as_deref(),
        Some("Bạn đọc nằm viện")
    );
}

#[test]
fn a_late_renewal_charges_once_and_the_next_lateness_counts_from_the_new_due_day() {
    let mut lib = library();
    lib.at(datetime!(2026-03-01 10:00 +7));
    lib.checkout("P1", "B1").expect("lends");
    lib.at(datetime!(2026-03-18 10:00 +7));
    let renewed = lib
        .catalog
        .write("desk", |m| loans::renew(m, "B1", None))
        .expect("renews");
    assert_eq!(renewed.fine_charged, 3 * 2000);
    assert_eq!(renewed.loan.due_on, "2026-04-01");
    lib.at(datetime!(2026-04-03 10:00 +7));
    assert_eq!(lib.checkin("B1", None).fine_charged, 2 * 2000);
    assert_eq!(lib.balance("P1"), 5 * 2000);
    // A check-in back-dated to before the renewal would count the old lateness twice.
    lib.at(datetime!(2026-04-05 10:00 +7));
    lib.checkout("P1", "B1").expect("lends again");
    lib.at(datetime!(2026-04-20 10:00 +7));
    lib.catalog
        .write("desk", |m| loans::renew(m, "B1", None))
        .expect("renews");
    let err = lib
        .catalog
        .write("desk", |m| {
            loans::checkin(m, "B1", None, Some(datetime!(2026-04-19 10:00 +7)))
        })
        .expect_err("before the renewal");
    assert!(
        matches!(
            err,
            CoreError::InvalidInput {
                what: "return time",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_return_taken_offline_before_the_last_renewal_counts_from_the_renewal() {
    let mut lib = library();
    lib.at(datetime!(2026-03-01 10:00 +7));
    lib.checkout("P1", "B1").expect("lends");
    lib.at(datetime!(2026-03-18 10:00 +7));
    let renewed = lib
        .catalog
        .write("kiosk", |m| loans::renew(m, "B1", None))
        .expect("renews");
    assert_eq!(renewed.fine_charged, 3 * 2000);
    // The book-drop, offline, took the book back the day before and reports it now.
    lib.at(datetime!(2026-03-19 10:00 +7));
    let back = lib
        .catalog
        .write("book-drop", |m| {
            loans::checkin_taken_offline(m, "B1", None, datetime!(2026-03-17 10:00 +7))
        })
        .expect("an offline return is never refused for its time");
    let loan = back.loan.expect("the loan it closed");
    assert_eq!(
        loan.returned_at.as_deref(),
        Some(text::rfc3339(datetime!(2026-03-18 10:00 +7)).as_str())
    );
    // The lateness up to the renewal was charged once, at the renewal.
    assert_eq!(back.fine_charged, 0);
    assert_eq!(lib.balance("P1"), 3 * 2000);
    // A time inside the loan is kept as the machine gave it.
    lib.checkout("P1", "B1").expect("lends again");
    lib.at(datetime!(2026-03-25 10:00 +7));
    let back = lib
        .catalog
        .write("book-drop", |m| {
            loans::checkin_taken_offline(m, "B1", None, datetime!(2026-03-20 08:00 +7))
        })
        .expect("returns");
    assert_eq!(
        back.loan.and_then(|l| l.returned_at),
        Some(text::rfc3339(datetime!(2026-03-20 08:00 +7)))
    );
}

#[test]
fn a_machine_payment_sent_twice_is_recorded_once() {
    let mut lib = library();
    lib.at(datetime!(2026-03-01 10:00 +7));
    lib.catalog
        .write("staff", |m| fines::charge(m, "P1", 20_000, "Mất sách"))
        .expect("charges");
    let note = "SIP2 fee paid (payment type 00), transaction TXN-42";
    let pay = |lib: &mut Library, machine: &str, amount: i64, note: &str| {
        lib.catalog
            .write(machine, |m| fines::pay_once(m, "P1", amount, note))
            .expect("pays")
    };
    let MachinePayment::Recorded(first) = pay(&mut lib, "sip2:kiosk", 3_000, note) else {
        panic!("not recorded")
    };
    assert_eq!(
        pay(&mut lib, "sip2:kiosk", 3_000, note),
        MachinePayment::AlreadyRecorded(first.clone())
    );
    assert_eq!(lib.balance("P1"), 17_000);
    assert_eq!(
        pay(&mut lib, "sip2:kiosk", 5_000, note),
        MachinePayment::OtherAmount(first)
    );
    assert_eq!(lib.balance("P1"), 17_000);
    // Another machine's counter, or this one's after the window: another payment.
    assert!(matches!(
        pay(&mut lib, "sip2:book-drop", 3_000, note),
        MachinePayment::Recorded(_)
    ));
    lib.at(datetime!(2026-03-02 10:01 +7));
    assert!(matches!(
        pay(&mut lib, "sip2:kiosk", 3_000, note),
        MachinePayment::Recorded(_)
    ));
    assert_eq!(lib.balance("P1"), 11_000);
    assert_eq!(fines::ledger(&lib.catalog, "P1").expect("ledger").len(), 4);
    // More than owed is refused as by `pay`.
    let too_much = lib.catalog.write("sip2:kiosk", |m| {
        fines::pay_once(m, "P1", 50_000, "transaction TXN-43")
    });
    assert!(
        matches!(
            too_much,
            Err(CoreError::InvalidInput {
                what: "payment",
                ..
            })
        ),
        "{too_much:?}"
    );
}

#[test]
fn the_maximum_fine_holds_across_a_late_renewal_and_the_check_in() {
    let mut lib = library();
    lib.at(datetime!(2026-01-05 10:00 +7));
    lib.checkout("P1", "B1").expect("lends");
    lib.at(datetime!(2026-02-08 10:00 +7));
    let renewed = lib
        .catalog
        .write("desk", |m| loans::renew(m, "B1", None))
        .expect("renews");
    assert_eq!(renewed.fine_charged, 20 * 2000);
    lib.at(datetime!(2026-04-30 10:00 +7));
    assert_eq!(lib.checkin("B1", None).fine_charged, 10_000);
    assert_eq!(lib.balance("P1"), 50_000);
}

#[test]
fn check_out_refusals_have_stable_codes_and_both_messages() {
    let mut lib = library();
    lib.at(datetime!(2026-03-20 10:00 +7));
    let expired = refused(lib.checkout("X1", "B1"));
    assert_eq!(expired.code, RefusalCode::CardExpired);
    assert_eq!(expired.message_vi, "Thẻ đã hết hạn ngày 12/03/2026.");
    assert_eq!(expired.message_en, "Card expired on 12 March 2026.");

    assert_eq!(
        refused(lib.checkout("P1", "B4")).code,
        RefusalCode::ItemNotForLoan
    );

    lib.checkout("P1", "B1").expect("lends");
    let twice = refused(lib.checkout("P1", "B1"));
    assert_eq!(
        (twice.code, twice.params["same_patron"].as_str()),
        (RefusalCode::ItemAlreadyOnLoan, "true")
    );
    let other = refused(lib.checkout("P2", "B1"));
    assert_eq!(other.params["same_patron"], "false");
    // Not even an override lends one book twice.
    let forced = lib.catalog.write("desk", |m| {
        loans::checkout(m, "P2", "B1", None, Some("vội"))
    });
    assert_eq!(refused(forced).code, RefusalCode::ItemAlreadyOnLoan);

    for item in ["B2", "B3", "B5"] {
        lib.checkout("C1", item).expect("a child may borrow three");
    }
    let limit = refused(lib.checkout("C1", "B6"));
    assert_eq!(limit.code, RefusalCode::LoanLimitReached);
    assert_eq!(limit.message_en, "The limit of 3 loans is reached.");

    lib.catalog
        .write("staff", |m| patrons::block(m, "P2", "Làm rách sách"))
        .expect("blocks");
    let blocked = refused(lib.checkout("P2", "B6"));
    assert_eq!(blocked.code, RefusalCode::PatronBlocked);
    assert!(blocked.message_vi.contains("Làm rách sách"));
    let overridden = lib
        .catalog
        .write("desk", |m| {
            loans::checkout(m, "P2", "B6", None, Some("Trưởng phòng đồng ý"))
        })
        .expect("overridden");
    assert_eq!(overridden.overridden.len(), 1);
    assert_eq!(
        overridden.loan.override_reason.as_deref(),
        Some("Trưởng phòng đồng ý")
    );
    let blank = lib
        .catalog
        .write("desk", |m| loans::checkout(m, "P2", "B7", None, Some("  ")));
    assert!(matches!(
        blank,
        Err(CoreError::InvalidInput {
            what: "override reason",
            ..
        })
    ));
}

#[test]
fn fines_over_the_limit_and_overdue_items_block_until_settled() {
    let mut lib = library();
    lib.at(datetime!(2026-03-01 10:00 +7));
    lib.catalog
        .write("staff", |m| fines::charge(m, "P1", 60_000, "Mất sách"))
        .expect("charges");
    let over = refused(lib.checkout("P1", "B1"));
    assert_eq!(over.code, RefusalCode::FinesOverLimit);
    assert!(over.message_vi.contains("60.000 ₫"), "{}", over.message_vi);
    lib.catalog
        .write("desk", |m| fines::pay(m, "P1", 10_000, "tiền mặt"))
        .expect("pays");
    lib.catalog
        .write("desk", |m| fines::waive(m, "P1", 5_000, "Bạn đọc khó khăn"))
        .expect("waives");
    assert_eq!(lib.balance("P1"), 45_000);
    let too_much = lib
        .catalog
        .write("desk", |m| fines::pay(m, "P1", 50_000, ""));
    assert!(matches!(too_much, Err(CoreError::InvalidInput { .. })));
    let no_reason = lib
        .catalog
        .write("desk", |m| fines::waive(m, "P1", 1_000, " "));
    assert!(matches!(no_reason, Err(CoreError::InvalidInput { .. })));
    lib.checkout("P1", "B1").expect("under the limit now");

    lib.at(datetime!(2026-03-16 09:00 +7));
    let overdue = refused(lib.checkout("P1", "B2"));
    assert_eq!(
        (overdue.code, overdue.params["count"].as_str()),
        (RefusalCode::OverdueItems, "1")
    );
    // A book reported lost is followed up by staff; it no longer blocks as overdue.
    lib.catalog
        .write("desk", |m| {
            loans::set_status(m, "B1", ItemStatus::Lost, "báo mất")
        })
        .expect("lost");
    lib.checkout("P1", "B2").expect("lends");
    let ledger = fines::ledger(&lib.catalog, "P1").expect("ledger");
    assert_eq!(ledger.iter().map(|e| e.amount).sum::<i64>(), 45_000);
    assert_eq!(ledger.len(), 3);
}

#[test]
fn the_ledger_is_append_only() {
    let mut lib = library();
    lib.catalog
        .write("staff", |m| fines::charge(m, "P1", 1_000, "Bìa rách"))
        .expect("charges");
    let conn = lib.catalog.conn();
    assert!(
        conn.execute("UPDATE fine_entries SET amount = 0", [])
            .is_err()
    );
    assert!(conn.execute("DELETE FROM fine_entries", []).is_err());
    assert_eq!(lib.balance("P1"), 1_000);
}

#[test]
fn check_in_elsewhere_sends_the_book_home() {
    let mut lib = library();
    lib.at(datetime!(2026-03-01 10:00 +7));
    lib.checkout("P1", "B1").expect("lends");
    let back = lib
        .catalog
        .write("desk", |m| loans::checkin(m, "B1", Some("BD"), None))
        .expect("checks in");
    assert_eq!(
        back.action,
        CheckinAction::Transit {
            branch_code: "HK".into(),
            hold_id: None
        }
    );
    assert_eq!(lib.status("B1"), ItemStatus::InTransit);
    assert_eq!(
        back.loan.expect("closed").returned_branch_code.as_deref(),
        Some("BD")
    );
    let home = lib.checkin("B1", None);
    assert_eq!(
        (home.action, home.status),
        (CheckinAction::Reshelve, ItemStatus::Available)
    );
}

#[test]
fn a_hold_traps_the_returned_book_and_routes_it_to_the_pickup_branch() {
    let mut lib = library();
    lib.at(datetime!(2026-03-01 10:00 +7));
    lib.checkout("P1", "B1").expect("lends");
    lib.checkout("P1", "B2").expect("lends");
    let hold = lib
        .catalog
        .write("opac", |m| holds::place(m, "P2", "R1", "BD", None))
        .expect("holds");
    assert_eq!((hold.status, hold.position), (HoldStatus::Waiting, Some(1)));
    let r1 = lib.r1.to_string();
    let second = lib
        .catalog
        .write("opac", |m| holds::place(m, "C1", &r1, "HK", None))
        .expect("holds");
    assert_eq!(second.position, Some(2));
    let dup = lib
        .catalog
        .write("opac", |m| holds::place(m, "P2", "B2", "BD", None));
    assert_eq!(refused(dup).code, RefusalCode::HoldAlreadyPlaced);
    let own = lib
        .catalog
        .write("opac", |m| holds::place(m, "P1", "R1", "HK", None));
    assert_eq!(refused(own).code, RefusalCode::HoldOnOwnLoan);
    assert_eq!(
        refused(lib.catalog.write("desk", |m| loans::renew(m, "B1", None))).code,
        RefusalCode::RenewalOnHold
    );

    lib.at(datetime!(2026-03-05 10:00 +7));
    let back = lib.checkin("B1", None);
    assert_eq!(
        back.action,
        CheckinAction::Transit {
            branch_code: "BD".into(),
            hold_id: Some(hold.id.clone())
        }
    );
    assert_eq!(lib.status("B1"), ItemStatus::InTransit);
    let arrived = lib
        .catalog
        .write("desk", |m| loans::checkin(m, "B1", Some("BD"), None))
        .expect("arrives");
    let CheckinAction::HoldShelf {
        patron_barcode,
        shelf_expires_on,
        ..
    } = &arrived.action
    else {
        panic!("expected the hold shelf, got {:?}", arrived.action);
    };
    assert_eq!(
        (patron_barcode.as_str(), shelf_expires_on.as_str()),
        ("P2", "2026-03-12")
    );
    assert_eq!(lib.status("B1"), ItemStatus::OnHoldShelf);
    // The next in the queue moves up.
    let queue = holds::queue(&lib.catalog, lib.r1).expect("queue");
    assert_eq!(queue[1].position, Some(1));

    assert_eq!(
        refused(lib.checkout("C1", "B1")).code,
        RefusalCode::ItemOnHoldForOther
    );
    lib.catalog
        .write("desk", |m| loans::checkout(m, "P2", "B1", Some("BD"), None))
        .expect("the reader collects it");
    let done = holds::hold_view(
        lib.catalog.conn(),
        crate::circulation::parse_id(&hold.id).expect("id"),
    )
    .expect("hold");
    assert_eq!(done.status, HoldStatus::Fulfilled);

    // B2 comes back at HK, where C1 collects: straight onto the shelf there.
    let b2 = lib.checkin("B2", None);
    assert!(
        matches!(b2.action, CheckinAction::HoldShelf { ref patron_barcode, .. } if patron_barcode == "C1")
    );
    // C1's hold cancelled: B2 goes back on the open shelf.
    let (cancelled, action) = lib
        .catalog
        .write("opac", |m| holds::cancel(m, &second.id))
        .expect("cancels");
    assert_eq!(cancelled.status, HoldStatus::Cancelled);
    assert_eq!(action, Some(CheckinAction::Reshelve));
    assert_eq!(lib.status("B2"), ItemStatus::Available);
}

#[test]
fn a_suspended_hold_keeps_its_place_but_is_passed_over() {
    let mut lib = library();
    lib.at(datetime!(2026-03-01 10:00 +7));
    lib.checkout("P1", "B1").expect("lends");
    let first = lib
        .catalog
        .write("opac", |m| holds::place(m, "P2", "B1", "HK", None))
        .expect("holds");
    let second = lib
        .catalog
        .write("opac", |m| holds::place(m, "C1", "R1", "HK", None))
        .expect("holds");
    let suspended = lib
        .catalog
        .write("opac", |m| holds::suspend(m, &first.id))
        .expect("suspends");
    assert_eq!(
        (suspended.status, suspended.position),
        (HoldStatus::Suspended, Some(1))
    );
    let back = lib.checkin("B1", None);
    assert!(
        matches!(back.action, CheckinAction::HoldShelf { ref patron_barcode, .. } if patron_barcode == "C1")
    );
    let resumed = lib
        .catalog
        .write("opac", |m| holds::resume(m, &first.id))
        .expect("resumes");
    assert_eq!(resumed.status, HoldStatus::Waiting);
    // C1 never collects: the shelf expires and B1 goes to P2, next in line.
    lib.at(datetime!(2026-03-20 10:00 +7));
    let expired = lib
        .catalog
        .write("desk", holds::expire_shelf)
        .expect("expires");
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0].0.id, second.id);
    assert!(
        matches!(&expired[0].1, Some(CheckinAction::HoldShelf { patron_barcode, .. }) if patron_barcode == "P2")
    );
}

#[test]
fn holds_are_refused_where_the_policy_says_so() {
    let mut lib = library();
    let reference = lib
        .catalog
        .write("opac", |m| holds::place(m, "P1", "R3", "HK", None));
    assert_eq!(refused(reference).code, RefusalCode::NothingToHold);
    lib.catalog
        .write("admin", |m| {
            policy::set_rule(
                m,
                &PolicyRule {
                    patron_category: "child".into(),
                    item_type: "book".into(),
                    branch_code: "*".into(),
                    loan_days: 7,
                    renewals: 0,
                    max_loans: 2,
                    fine_per_day: 500,
                    max_fine: 5_000,
                    holds_allowed: false,
                    not_for_loan: false,
                },
            )
        })
        .expect("sets");
    let child = lib
        .catalog
        .write("opac", |m| holds::place(m, "C1", "R1", "HK", None));
    assert_eq!(refused(child).code, RefusalCode::HoldsNotAllowed);
}

#[test]
fn the_most_specific_rule_wins() {
    let mut lib = library();
    let rule = |category: &str, item_type: &str, branch: &str, days: u32| PolicyRule {
        patron_category: category.into(),
        item_type: item_type.into(),
        branch_code: branch.into(),
        loan_days: days,
        renewals: 1,
        max_loans: 5,
        fine_per_day: 1000,
        max_fine: 10_000,
        holds_allowed: true,
        not_for_loan: false,
    };
    lib.catalog
        .write("admin", |m| {
            policy::set_rule(m, &rule("*", "*", "BD", 10))?;
            policy::set_rule(m, &rule("adult", "book", "*", 20))
        })
        .expect("sets");
    let conn = lib.catalog.conn();
    let days = |c: &str, t: &str, b: &str| policy::rule_for(conn, c, t, b).expect("rule").loan_days;
    assert_eq!(
        days("adult", "book", "BD"),
        10,
        "the branch beats the category"
    );
    assert_eq!(days("adult", "book", "HK"), 20);
    assert_eq!(days("student", "book", "HK"), 21);
    assert_eq!(days("adult", "audiobook", "HK"), 21);
    assert_eq!(days("staff", "map", "HK"), 30);
    let bad = lib.catalog.write("admin", |m| {
        policy::set_rule(m, &rule("alien", "*", "*", 1))
    });
    assert!(matches!(bad, Err(CoreError::InvalidInput { .. })));
}

#[test]
fn closing_a_day_moves_the_loans_due_then() {
    let mut lib = library();
    lib.at(datetime!(2026-03-01 10:00 +7));
    lib.checkout("P1", "B1").expect("lends");
    lib.close(Some("HK"), date!(2026 - 03 - 15));
    let account = patrons::account(&lib.catalog, "P1").expect("account");
    assert_eq!(account.loans[0].due_on, "2026-03-16");
    assert_eq!(account.loans[0].due_at, "2026-03-16T16:59:59Z");
    let days = calendar::list_closed_days(&lib.catalog, Some("HK"), None).expect("list");
    assert_eq!(days.len(), 1);
}

#[test]
fn the_time_zone_is_a_setting() {
    let mut lib = library();
    let mut settings = policy::settings(lib.catalog.conn()).expect("settings");
    assert_eq!(settings.time_zone, "Asia/Ho_Chi_Minh");
    settings.time_zone = "Asia/Tokyo".into();
    lib.catalog
        .write("admin", |m| policy::set_settings(m, &settings))
        .expect("sets");
    lib.at(datetime!(2026-03-01 10:00 +9));
    let loan = lib.checkout("P1", "B1").expect("lends").loan;
    assert_eq!(loan.due_at, "2026-03-15T14:59:59Z");
    settings.time_zone = "Mars/Olympus".into();
    assert!(
        lib.catalog
            .write("admin", |m| policy::set_settings(m, &settings))
            .is_err()
    );
}

#[test]
fn every_operation_is_logged_in_its_own_transaction() {
    let mut lib = library();
    lib.at(datetime!(2026-03-01 10:00 +7));
    let before = lib.changes();
    lib.checkout("P1", "B1").expect("lends");
    let entries = crate::changelog::recent(&lib.catalog, 10).expect("log");
    let kinds: Vec<_> = entries[..(lib.changes() - before) as usize]
        .iter()
        .map(|e| e.entity_type)
        .collect();
    assert_eq!(kinds, [crate::EntityType::Loan, crate::EntityType::Item]);
    assert_eq!(entries[0].user, "desk");
    lib.at(datetime!(2026-03-20 10:00 +7));
    let before = lib.changes();
    assert!(lib.checkout("X1", "B2").is_err());
    assert_eq!(lib.changes(), before);
    assert_eq!(lib.status("B2"), ItemStatus::Available);
}

#[test]
fn a_pin_is_kept_only_as_a_salted_hash() {
    let mut lib = library();
    lib.catalog
        .write("desk", |m| patrons::set_pin(m, "P1", "2468"))
        .expect("sets");
    lib.catalog
        .write("desk", |m| patrons::set_pin(m, "P2", "2468"))
        .expect("sets");
    let cat = &lib.catalog;
    assert!(patrons::verify_pin(cat, "P1", "2468").expect("verifies"));
    assert!(!patrons::verify_pin(cat, "P1", "2469").expect("verifies"));
    assert!(!patrons::verify_pin(cat, "C1", "2468").expect("no PIN"));
    assert!(!patrons::verify_pin(cat, "NOBODY", "2468").expect("no card"));
    let conn = cat.conn();
    let hashes: Vec<String> = conn
        .prepare("SELECT pin_hash FROM patrons WHERE pin_hash IS NOT NULL ORDER BY barcode")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("hashes");
    assert_eq!(hashes.len(), 2);
    // Argon2id with OWASP's recommended floor (19 MiB, 2 passes, 1 lane): ~20-40 ms a check.
    assert!(
        hashes[0].starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{}",
        hashes[0]
    );
    assert_ne!(hashes[0], hashes[1], "each PIN has its own salt");
    assert!(hashes.iter().all(|h| !h.contains("2468")));
    let log = crate::changelog::recent(&lib.catalog, 1).expect("log");
    assert!(!log[0].payload.to_string().contains("argon2"));
    for bad in ["12", "abcd", "1234567890123"] {
        assert!(
            lib.catalog
                .write("desk", |m| patrons::set_pin(m, "P1", bad))
                .is_err()
        );
    }
}

#[test]
fn claimed_returned_needs_a_loan_and_a_found_book_is_checked_in() {
    let mut lib = library();
    lib.at(datetime!(2026-03-01 10:00 +7));
    let no_loan = lib.catalog.write("desk", |m| {
        loans::set_status(m, "B1", ItemStatus::ClaimedReturned, "")
    });
    assert_eq!(refused(no_loan).code, RefusalCode::ItemNotOnLoan);
    lib.checkout("P1", "B1").expect("lends");
    lib.catalog
        .write("desk", |m| {
            loans::set_status(m, "B1", ItemStatus::ClaimedReturned, "BĐ nói đã trả")
        })
        .expect("claimed");
    assert_eq!(lib.status("B1"), ItemStatus::ClaimedReturned);
    let found = lib.checkin("B1", None);
    assert!(found.loan.is_some());
    assert_eq!(found.status, ItemStatus::Available);
    lib.catalog
        .write("desk", |m| {
            loans::set_status(m, "B2", ItemStatus::Damaged, "ướt")
        })
        .expect("damaged");
    let damaged = refused(lib.checkout("P1", "B2"));
    assert_eq!(
        (damaged.code, damaged.params["status"].as_str()),
        (RefusalCode::ItemNotAvailable, "damaged")
    );
    assert!(damaged.message_vi.contains("bị hư hỏng"));
}

#[test]
fn a_refusal_reaches_the_ui_as_the_refused_error_code_with_the_refusal_in_details() {
    let mut lib = library();
    lib.at(datetime!(2026-03-20 10:00 +7));
    let err = lib.checkout("X1", "B1").expect_err("expired");
    let payload = err.to_payload();
    assert_eq!(payload.code, crate::api::ErrorCode::Refused);
    let details: crate::api::Refusal =
        serde_json::from_str(payload.details.as_deref().expect("details")).expect("a refusal");
    assert_eq!(details.code, RefusalCode::CardExpired);
}

#[test]
fn item_circulation_tells_loan_queue_and_trapped_hold() {
    let mut lib = library();
    lib.at(datetime!(2026-03-01 10:00 +7));
    let shelf = loans::item_circulation(&lib.catalog, "B1").expect("item");
    assert_eq!(
        (
            shelf.status,
            shelf.loan,
            shelf.holds_queue,
            shelf.trapped_for
        ),
        (ItemStatus::Available, None, 0, None)
    );
    assert_eq!(shelf.home_branch_code, "HK");
    lib.checkout("P1", "B1").expect("lends");
    lib.catalog
        .write("opac", |m| holds::place(m, "P2", "B1", "BD", None))
        .expect("holds");
    let lent = loans::item_circulation(&lib.catalog, "B1").expect("item");
    assert_eq!(lent.status, ItemStatus::OnLoan);
    assert_eq!(lent.loan.expect("loan").patron_barcode, "P1");
    assert_eq!(lent.holds_queue, 1);
    lib.checkin("B1", None);
    let moving = loans::item_circulation(&lib.catalog, "B1").expect("item");
    assert_eq!(moving.status, ItemStatus::InTransit);
    assert_eq!(
        moving.trapped_for.expect("trapped").pickup_branch_code,
        "BD"
    );
    assert!(matches!(
        loans::item_circulation(&lib.catalog, "NOPE"),
        Err(CoreError::NotFound { .. })
    ));
}
