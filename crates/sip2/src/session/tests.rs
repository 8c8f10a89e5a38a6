//! Sessions over a real demo catalog: every answer checked against what core says.

use shelfmark_core::api::{ItemStatus, Sip2AccountInput, Sip2Language};
use shelfmark_core::circulation::{holds, loans, patrons, sip2};
use shelfmark_core::demo::{self, DEMO_PIN, DemoConfig};
use shelfmark_core::{Catalog, CatalogOptions};

use super::*;

pub(crate) struct Demo {
    dir: tempfile::TempDir,
    pub catalog: Catalog,
}

impl Demo {
    /// The same catalog through a connection of its own whose clock stands at `at`.
    fn at(&self, at: OffsetDateTime) -> Catalog {
        Catalog::open(
            self.dir.path().join("c.db"),
            CatalogOptions {
                clock: std::sync::Arc::new(shelfmark_core::ManualClock::new(at)),
            },
        )
        .expect("opens")
    }
}

/// A small demo catalog with the accounts `kiosk` (HK, everything, Vietnamese), `drop`
/// (HK, returns only) and `kiosk-en` (HK, everything, English); password `secret-pw`.
pub(crate) fn demo_catalog() -> Demo {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut catalog =
        Catalog::open(dir.path().join("c.db"), CatalogOptions::default()).expect("opens");
    demo::build(
        &mut catalog,
        "demo",
        DemoConfig {
            records: 300,
            seed: 7,
        },
        |_| {},
    )
    .expect("demo");
    for (login, out, renew, language) in [
        ("kiosk", true, true, Sip2Language::Vi),
        ("drop", false, false, Sip2Language::Vi),
        ("kiosk-en", true, true, Sip2Language::En),
    ] {
        sip2::add_account(
            &mut catalog,
            "staff",
            &Sip2AccountInput {
                login: login.into(),
                branch_code: "HK".into(),
                may_check_out: out,
                may_check_in: true,
                may_renew: renew,
                language,
            },
            "secret-pw",
        )
        .expect("account");
    }
    // Readers of our own beside the demo's, free to borrow whatever the demo's history left:
    // Vietnamese names, PIN 1234, and one who owes a fine.
    catalog
        .write("staff", |m| {
            for (n, name) in READERS.iter().enumerate() {
                let barcode = format!("29900000000{n}");
                patrons::add(m, &hk_reader(&barcode, name))?;
                patrons::set_pin(m, &barcode, DEMO_PIN)?;
            }
            shelfmark_core::circulation::fines::charge(m, OWING, 20_000, "Làm rách sách")?;
            Ok(())
        })
        .expect("readers");
    Demo { dir, catalog }
}

/// A reader of branch HK whose card runs to 2099.
fn hk_reader(barcode: &str, name: &str) -> shelfmark_core::api::PatronInput {
    shelfmark_core::api::PatronInput {
        barcode: barcode.into(),
        name: name.into(),
        category: "adult".into(),
        email: None,
        phone: None,
        home_branch_code: Some("HK".into()),
        expires_on: "2099-12-31".into(),
        notes: String::new(),
    }
}

const READERS: [&str; 3] = ["Nguyễn Thị Ánh Tuyết", "Trần Văn Đức", "Lê Hoàng Yến"];
const OWING: &str = "299000000002";

/// A demo reader with the PIN and nothing stopping a loan.
pub(crate) fn good_reader(catalog: &Catalog, skip: usize) -> String {
    (0..READERS.len())
        .map(|n| format!("29900000000{n}"))
        .filter(|b| patrons::account(catalog, b).is_ok_and(|a| a.refusals.is_empty() && a.has_pin))
        .nth(skip)
        .expect("a reader free to borrow")
}

/// Available demo items with nobody waiting for their titles, one per title.
pub(crate) fn free_items(catalog: &Catalog, count: usize) -> Vec<String> {
    let mut titles = std::collections::HashSet::new();
    (1..5000u64)
        .map(|n| format!("3{n:011}"))
        .filter_map(|b| loans::item_circulation(catalog, &b).ok())
        .filter(|i| i.status == ItemStatus::Available && i.holds_queue == 0)
        // Reference copies are for library use only: the tests lend what they pick.
        .filter(|i| i.item_type != "reference")
        .filter(|i| titles.insert(i.title.clone()))
        .map(|i| i.barcode)
        .take(count)
        .collect()
}

fn ask(session: &mut Session, catalog: &mut Catalog, request: &str) -> Message {
    match session.answer(catalog, request.as_bytes()) {
        Answer::Reply(bytes) => {
            let body = &bytes[..bytes.len() - 1];
            codec::decode(body, Charset::Utf8)
                .expect("answer decodes")
                .message
        }
        Answer::Close { reason, .. } => panic!("closed: {reason}"),
    }
}

const DATE: &str = "20260301    100000";

fn logged_in(demo: &mut Demo, login: &str) -> Session {
    let mut s = Session::new(Charset::Utf8);
    let ok = ask(
        &mut s,
        &mut demo.catalog,
        &format!("9300CN{login}|COsecret-pw|CPHK|"),
    );
    assert_eq!(ok.fixed(0), "1");
    s
}

#[test]
fn login_status_and_the_refusal_before_login() {
    let mut demo = demo_catalog();
    let mut s = Session::new(Charset::Utf8);
    let before = ask(
        &mut s,
        &mut demo.catalog,
        &format!("11YN{DATE}{DATE}AOHK|AA1|AB2|AD1234|"),
    );
    assert_eq!(before.kind, Kind::CheckoutResponse);
    assert_eq!(before.fixed(0), "0");
    assert!(before.get("AF").expect("AF").contains("chưa đăng nhập"));
    let wrong = ask(&mut s, &mut demo.catalog, "9300CNkiosk|COnot-it|");
    assert_eq!(wrong.fixed(0), "0");
    let ok = ask(&mut s, &mut demo.catalog, "9300CNkiosk|COsecret-pw|");
    assert_eq!(ok.fixed(0), "1");
    let status = ask(&mut s, &mut demo.catalog, "9900302.00");
    assert_eq!(status.kind, Kind::AcsStatus);
    assert_eq!(&status.fixed[..4], ["Y", "Y", "Y", "Y"]);
    assert_eq!(status.get("BX"), Some(SUPPORTED_MESSAGES));
    assert_eq!(status.get("AM"), Some("Chi nhánh Hoàn Kiếm"));
    let mut drop = logged_in(&mut demo, "drop");
    let status = ask(&mut drop, &mut demo.catalog, "9900302.00");
    assert_eq!(&status.fixed[..4], ["Y", "Y", "N", "N"]);
    let refused = ask(
        &mut drop,
        &mut demo.catalog,
        &format!("11YN{DATE}{DATE}AOHK|AA1|AB2|AD1234|"),
    );
    assert!(
        refused
            .get("AF")
            .expect("AF")
            .contains("không được cho mượn")
    );
}

#[test]
fn patron_status_with_without_and_with_a_wrong_pin() {
    let mut demo = demo_catalog();
    let reader = good_reader(&demo.catalog, 0);
    let name = patrons::account(&demo.catalog, &reader)
        .expect("reader")
        .name;
    let mut s = logged_in(&mut demo, "kiosk");
    let plain = ask(
        &mut s,
        &mut demo.catalog,
        &format!("23000{DATE}AOHK|AA{reader}|"),
    );
    assert_eq!(plain.get("BL"), Some("Y"));
    assert_eq!(plain.get("CQ"), None);
    assert_eq!(plain.get("AE"), Some(name.as_str()));
    assert_eq!(plain.fixed(0), " ".repeat(14));
    let right = ask(
        &mut s,
        &mut demo.catalog,
        &format!("23000{DATE}AOHK|AA{reader}|AD{DEMO_PIN}|"),
    );
    assert_eq!(right.get("CQ"), Some("Y"));
    let wrong = ask(
        &mut s,
        &mut demo.catalog,
        &format!("23000{DATE}AOHK|AA{reader}|AD9999|"),
    );
    assert_eq!(wrong.get("CQ"), Some("N"));
    // Core's own refusal, in Vietnamese: 4 tries left before the lock.
    assert!(wrong.get("AF").expect("AF").contains('4'), "{wrong:?}");
    let unknown = ask(
        &mut s,
        &mut demo.catalog,
        &format!("23000{DATE}AOHK|AA999|"),
    );
    assert_eq!(unknown.get("BL"), Some("N"));
    assert!(
        unknown
            .get("AF")
            .expect("AF")
            .contains("Không tìm thấy thẻ")
    );
}

#[test]
fn check_out_item_information_patron_information_renew_and_check_in() {
    let mut demo = demo_catalog();
    let reader = good_reader(&demo.catalog, 0);
    let items = free_items(&demo.catalog, 1);
    let item = &items[0];
    let mut s = logged_in(&mut demo, "kiosk");
    let no_pin = ask(
        &mut s,
        &mut demo.catalog,
        &format!("11YN{DATE}{DATE}AOHK|AA{reader}|AB{item}|"),
    );
    assert_eq!(no_pin.fixed(0), "0");
    assert!(no_pin.get("AF").expect("AF").contains("PIN"));
    let out = ask(
        &mut s,
        &mut demo.catalog,
        &format!("11YN{DATE}{DATE}AOHK|AA{reader}|AB{item}|AD{DEMO_PIN}|"),
    );
    assert_eq!(out.fixed(0), "1", "{out:?}");
    assert_eq!(out.get("AH").map(str::len), Some(18));
    let lent = loans::item_circulation(&demo.catalog, item).expect("item");
    assert_eq!(lent.loan.as_ref().expect("loan").branch_code, "HK");
    // The same check-out again (the machine lost the answer): the loan stands, said so.
    let twice = ask(
        &mut s,
        &mut demo.catalog,
        &format!("11YN{DATE}{DATE}AOHK|AA{reader}|AB{item}|AD{DEMO_PIN}|"),
    );
    assert_eq!(twice.fixed(0), "1", "{twice:?}");
    assert_eq!(twice.get("AH"), out.get("AH"));
    assert!(twice.get("AF").expect("AF").contains("đang mượn"));
    assert_eq!(
        patrons::account(&demo.catalog, &reader)
            .expect("reader")
            .loans
            .iter()
            .filter(|l| &l.item_barcode == item)
            .count(),
        1
    );
    // Another reader asking for it: core's refusal, word for word.
    let other = good_reader(&demo.catalog, 1);
    let taken = ask(
        &mut s,
        &mut demo.catalog,
        &format!("11YN{DATE}{DATE}AOHK|AA{other}|AB{item}|AD{DEMO_PIN}|"),
    );
    assert_eq!(taken.fixed(0), "0");
    let refusal = demo
        .catalog
        .write("t", |m| loans::checkout(m, &other, item, None, None))
        .unwrap_err();
    let shelfmark_core::CoreError::Refused(r) = refusal else {
        panic!("not a refusal")
    };
    assert_eq!(taken.get("AF"), Some(r.message_vi.as_str()));

    let info = ask(
        &mut s,
        &mut demo.catalog,
        &format!("17{DATE}AOHK|AB{item}|"),
    );
    assert_eq!(info.fixed(0), "04");
    assert_eq!(info.get("AH"), out.get("AH"));
    let summary = ask(
        &mut s,
        &mut demo.catalog,
        &format!("63000{DATE}  Y       AOHK|AA{reader}|AD{DEMO_PIN}|"),
    );
    assert!(summary.all("AU").any(|b| b == item));
    let without_pin = ask(
        &mut s,
        &mut demo.catalog,
        &format!("63000{DATE}  Y       AOHK|AA{reader}|"),
    );
    assert_eq!(without_pin.all("AU").count(), 0);
    assert_eq!(without_pin.fixed(5), summary.fixed(5));

    let renewed = ask(
        &mut s,
        &mut demo.catalog,
        &format!("29NN{DATE}{DATE}AOHK|AA{reader}|AD{DEMO_PIN}|AB{item}|"),
    );
    assert_eq!(renewed.fixed(0), "1", "{renewed:?}");
    let not_theirs = ask(
        &mut s,
        &mut demo.catalog,
        &format!("29NN{DATE}{DATE}AOHK|AA{other}|AD{DEMO_PIN}|AB{item}|"),
    );
    assert_eq!(not_theirs.fixed(0), "0");

    let back = ask(
        &mut s,
        &mut demo.catalog,
        &format!("09N{DATE}{DATE}APHK|AOHK|AB{item}|"),
    );
    assert_eq!(back.fixed(0), "1");
    assert_eq!(back.get("AA"), Some(reader.as_str()));
    assert!(
        loans::item_circulation(&demo.catalog, item)
            .expect("item")
            .loan
            .is_none()
    );
    let end = ask(
        &mut s,
        &mut demo.catalog,
        &format!("35{DATE}AOHK|AA{reader}|"),
    );
    assert_eq!(end.fixed(0), "Y");
}

#[test]
fn check_in_routes_to_the_hold_shelf_or_another_branch() {
    let mut demo = demo_catalog();
    let reader = good_reader(&demo.catalog, 0);
    let waiting = good_reader(&demo.catalog, 1);
    let items = free_items(&demo.catalog, 2);
    let mut s = logged_in(&mut demo, "kiosk");
    for (item, pickup) in items.iter().zip(["HK", "CG"]) {
        let out = ask(
            &mut s,
            &mut demo.catalog,
            &format!("11YN{DATE}{DATE}AOHK|AA{reader}|AB{item}|AD{DEMO_PIN}|"),
        );
        assert_eq!(out.fixed(0), "1");
        demo.catalog
            .write("opac", |m| holds::place(m, &waiting, item, pickup, None))
            .expect("hold");
        let back = ask(
            &mut s,
            &mut demo.catalog,
            &format!("09N{DATE}{DATE}APHK|AOHK|AB{item}|"),
        );
        assert_eq!(back.fixed(0), "1");
        assert_eq!(back.fixed(3), "Y", "alert");
        if pickup == "HK" {
            assert_eq!(back.get("CV"), Some("01"));
            assert_eq!(back.get("CL"), Some("HOLD"));
            assert_eq!(back.get("CY"), Some(waiting.as_str()));
        } else {
            assert_eq!(back.get("CV"), Some("02"));
            assert_eq!(back.get("CT"), Some("CG"));
        }
    }
}

#[test]
fn english_accounts_get_english_screens_and_fees_are_paid_through_core() {
    let mut demo = demo_catalog();
    let owing = OWING.to_string();
    let before = patrons::account(&demo.catalog, &owing)
        .expect("reader")
        .balance;
    let mut s = logged_in(&mut demo, "kiosk-en");
    let paid = ask(
        &mut s,
        &mut demo.catalog,
        &format!("37{DATE}0100VNDBV1000|AOHK|AA{owing}|BKtx-1|"),
    );
    assert_eq!(paid.fixed(0), "Y", "{paid:?}");
    assert!(paid.get("AF").expect("AF").starts_with("Received 1000 VND"));
    assert_eq!(paid.get("BK"), Some("tx-1"));
    assert_eq!(
        patrons::account(&demo.catalog, &owing)
            .expect("reader")
            .balance,
        before - 1000
    );
    let too_much = ask(
        &mut s,
        &mut demo.catalog,
        &format!("37{DATE}0100VNDBV{}|AOHK|AA{owing}|", before * 10),
    );
    assert_eq!(too_much.fixed(0), "N");
    let dollars = ask(
        &mut s,
        &mut demo.catalog,
        &format!("37{DATE}0100USDBV5|AOHK|AA{owing}|"),
    );
    assert!(dollars.get("AF").expect("AF").contains("USD"));
    let unknown = ask(&mut s, &mut demo.catalog, &format!("17{DATE}AOHK|ABnope|"));
    assert_eq!(unknown.get("AF"), Some("No item with barcode nope."));
}

#[test]
fn checksums_sequence_numbers_resends_and_damaged_messages() {
    let mut demo = demo_catalog();
    let mut s = logged_in(&mut demo, "kiosk");
    let req = b"9900302.00AY1AZFCA5";
    let Answer::Reply(bytes) = s.answer(&mut demo.catalog, req) else {
        panic!("closed")
    };
    let frame = codec::decode(&bytes[..bytes.len() - 1], Charset::Utf8).expect("valid checksum");
    assert_eq!((frame.sequence, frame.checksummed), (Some(1), true));
    // 97: the last answer again, byte for byte.
    assert_eq!(s.answer(&mut demo.catalog, b"97"), Answer::Reply(bytes));
    for _ in 0..MAX_RESEND_REQUESTS {
        assert_eq!(
            s.answer(&mut demo.catalog, b"9900302.00AY1AZFCA6"),
            Answer::Reply(b"96AZFEF6\r".to_vec())
        );
    }
    assert!(matches!(
        s.answer(&mut demo.catalog, b"9900302.00AY1AZFCA6"),
        Answer::Close { .. }
    ));
    let mut s = logged_in(&mut demo, "kiosk");
    assert!(matches!(
        s.answer(&mut demo.catalog, b"01N20260301    100000AOHK|AA1|"),
        Answer::Close { .. }
    ));
    let mut s = logged_in(&mut demo, "kiosk");
    assert_eq!(
        s.answer(&mut demo.catalog, b"11YN2026"),
        Answer::Reply(b"96\r".to_vec())
    );
    assert!(matches!(
        s.answer(&mut demo.catalog, b"941"),
        Answer::Close { .. }
    ));
}

#[test]
fn a_right_pin_is_remembered_for_the_reader_at_the_machine_and_forgotten_after() {
    let mut demo = demo_catalog();
    let reader = good_reader(&demo.catalog, 0);
    let other = good_reader(&demo.catalog, 1);
    let items = free_items(&demo.catalog, 1);
    let item = &items[0];
    let mut s = logged_in(&mut demo, "kiosk");
    let status = |s: &mut Session, demo: &mut Demo, card: &str, pin: &str| {
        ask(
            s,
            &mut demo.catalog,
            &format!("23000{DATE}AOHK|AA{card}|AD{pin}|"),
        )
    };
    assert_eq!(
        status(&mut s, &mut demo, &reader, DEMO_PIN).get("CQ"),
        Some("Y")
    );
    let remembered = |s: &Session| {
        s.remembered
            .as_ref()
            .map(|r| r.patron_barcode().to_string())
    };
    assert_eq!(remembered(&s), Some(reader.clone()));
    // The follow-up messages use it: a loan, then the status again.
    let out = ask(
        &mut s,
        &mut demo.catalog,
        &format!("11YN{DATE}{DATE}AOHK|AA{reader}|AB{item}|AD{DEMO_PIN}|"),
    );
    assert_eq!(out.fixed(0), "1", "{out:?}");
    assert_eq!(remembered(&s), Some(reader.clone()));
    // A wrong PIN is checked in full by core, counted, and forgets the right one.
    let wrong = status(&mut s, &mut demo, &reader, "9999");
    assert_eq!(wrong.get("CQ"), Some("N"));
    assert!(wrong.get("AF").expect("AF").contains('4'), "{wrong:?}");
    assert_eq!(remembered(&s), None);
    assert_eq!(
        status(&mut s, &mut demo, &reader, DEMO_PIN).get("CQ"),
        Some("Y")
    );
    // Another reader at the machine: the first one's PIN is forgotten.
    let plain = ask(
        &mut s,
        &mut demo.catalog,
        &format!("23000{DATE}AOHK|AA{other}|"),
    );
    assert_eq!(plain.get("BL"), Some("Y"));
    assert_eq!(remembered(&s), None);
    assert_eq!(
        status(&mut s, &mut demo, &reader, DEMO_PIN).get("CQ"),
        Some("Y")
    );
    // End session forgets it.
    ask(
        &mut s,
        &mut demo.catalog,
        &format!("35{DATE}AOHK|AA{reader}|"),
    );
    assert_eq!(remembered(&s), None);
    assert_eq!(
        status(&mut s, &mut demo, &reader, DEMO_PIN).get("CQ"),
        Some("Y")
    );

    // Wrong PINs at another machine lock the card: this machine's remembered PIN stops
    // working and the reader sees core's lock.
    let mut other_kiosk = logged_in(&mut demo, "kiosk");
    for _ in 0..kiosk::MAX_WRONG_PINS {
        status(&mut other_kiosk, &mut demo, &reader, "0000");
    }
    let locked = status(&mut s, &mut demo, &reader, DEMO_PIN);
    assert_eq!(locked.get("CQ"), Some("N"), "{locked:?}");
    let renew = ask(
        &mut s,
        &mut demo.catalog,
        &format!("29NN{DATE}{DATE}AOHK|AA{reader}|AD{DEMO_PIN}|AB{item}|"),
    );
    assert_eq!(renew.fixed(0), "0", "{renew:?}");
    assert_eq!(remembered(&s), None);
}

#[test]
fn patron_information_gives_each_summary_list_with_its_count_and_the_limits() {
    let mut demo = demo_catalog();
    let reader = good_reader(&demo.catalog, 0);
    let waiting_for = good_reader(&demo.catalog, 1);
    let items = free_items(&demo.catalog, 4);
    let (late, charged, unavailable, on_shelf) = (&items[0], &items[1], &items[2], &items[3]);
    demo.catalog
        .write("desk", |m| {
            loans::checkout(m, &reader, charged, Some("HK"), None)?;
            loans::checkout(m, &waiting_for, unavailable, Some("HK"), None)?;
            loans::checkout(m, &waiting_for, on_shelf, Some("HK"), None)?;
            holds::place(m, &reader, unavailable, "HK", None)?;
            holds::place(m, &reader, on_shelf, "HK", None)?;
            loans::checkin(m, on_shelf, Some("HK"), None)?;
            Ok(())
        })
        .expect("loans and holds");
    // A loan made 60 days ago (after the others: an overdue loan blocks new ones), now late.
    let mut past = demo.at(OffsetDateTime::now_utc() - time::Duration::days(60));
    past.write("desk", |m| {
        loans::checkout(m, &reader, late, Some("HK"), None)
    })
    .expect("old loan");
    drop(past);
    let mut s = logged_in(&mut demo, "kiosk");
    let mut ask_for = |summary: &str, extra: &str| {
        ask(
            &mut s,
            &mut demo.catalog,
            &format!("63000{DATE}{summary}AOHK|AA{reader}|AD{DEMO_PIN}|{extra}"),
        )
    };
    let holds = ask_for("Y         ", "");
    assert_eq!(holds.kind, Kind::PatronInformationResponse);
    // Counts: hold items, overdue, charged, fine, recall, unavailable holds.
    assert_eq!(
        &holds.fixed[3..],
        ["0001", "0001", "0002", "0000", "0000", "0001"]
    );
    assert_eq!(holds.all("AS").collect::<Vec<_>>(), [on_shelf.as_str()]);
    let overdue = ask_for(" Y        ", "");
    assert_eq!(overdue.all("AT").collect::<Vec<_>>(), [late.as_str()]);
    assert_eq!(overdue.all("AS").count(), 0, "one list at a time");
    let all_charged = ask_for("  Y       ", "");
    let mut listed: Vec<&str> = all_charged.all("AU").collect();
    listed.sort();
    let mut expected = vec![late.as_str(), charged.as_str()];
    expected.sort();
    assert_eq!(listed, expected);
    // BP/BQ: from the second item to the second.
    assert_eq!(ask_for("  Y       ", "BP2|BQ2|").all("AU").count(), 1);
    assert_eq!(
        ask_for("    Y     ", "").all("BU").count(),
        0,
        "no recalls here"
    );
    let waiting = ask_for("     Y    ", "");
    assert_eq!(
        waiting.all("CD").collect::<Vec<_>>(),
        [unavailable.as_str()]
    );
    // The limits: the policy's fine limit and the reader's loan limit at this branch.
    let policy = shelfmark_core::circulation::policy::current(&demo.catalog).expect("policy");
    assert_eq!(
        waiting.get("CC"),
        Some(policy.settings.fine_block_limit.to_string().as_str())
    );
    let cb = waiting.get("CB").expect("charged items limit");
    assert_eq!(cb.len(), 4);
    assert!(cb.parse::<u32>().is_ok_and(|n| n > 0), "{cb}");
    // Overdue items: the patron status bit is set.
    assert_eq!(waiting.fixed(0).chars().nth(6), Some('Y'), "{waiting:?}");

    // Fines: the reader who owes one.
    let fines = ask(
        &mut s,
        &mut demo.catalog,
        &format!("63000{DATE}   Y      AOHK|AA{OWING}|AD{DEMO_PIN}|"),
    );
    assert_eq!(fines.fixed(6), "0001");
    assert_eq!(fines.all("AV").count(), 1);
    assert!(fines.get("AV").expect("AV").contains("20000"));
    assert_eq!(fines.get("BV"), Some("20000"));
    assert_eq!(fines.get("BH"), Some("VND"));
}

#[test]
fn item_information_gives_the_sip2_circulation_status_and_due_date_format() {
    let mut demo = demo_catalog();
    let reader = good_reader(&demo.catalog, 0);
    let waiting_for = good_reader(&demo.catalog, 1);
    let items = free_items(&demo.catalog, 3);
    let mut s = logged_in(&mut demo, "kiosk");
    let info = |s: &mut Session, demo: &mut Demo, item: &str| {
        ask(s, &mut demo.catalog, &format!("17{DATE}AOHK|AB{item}|"))
    };
    let available = info(&mut s, &mut demo, &items[0]);
    assert_eq!(available.fixed, ["03", "00", "01", available.fixed(3)]);
    assert_eq!(available.get("AH"), None);
    assert_eq!(available.get("CF"), Some("0"));
    demo.catalog
        .write("desk", |m| {
            loans::checkout(m, &reader, &items[0], Some("HK"), None)?;
            holds::place(m, &waiting_for, &items[0], "HK", None)?;
            loans::checkout(m, &reader, &items[1], Some("HK"), None)?;
            holds::place(m, &waiting_for, &items[1], "CG", None)?;
            loans::checkin(m, &items[1], Some("HK"), None)?;
            Ok(())
        })
        .expect("circulation");
    let on_loan = info(&mut s, &mut demo, &items[0]);
    assert_eq!(on_loan.fixed(0), "04", "charged");
    assert_eq!(on_loan.get("CF"), Some("1"), "hold queue length");
    let due = on_loan.get("AH").expect("due date");
    // YYYYMMDDZZZZHHMMSS, local time (ZZZZ blank).
    assert_eq!(due.len(), 18, "{due:?}");
    assert!(due[..8].bytes().all(|b| b.is_ascii_digit()), "{due:?}");
    assert_eq!(&due[8..12], "    ");
    assert!(due[12..].bytes().all(|b| b.is_ascii_digit()), "{due:?}");
    let in_transit = info(&mut s, &mut demo, &items[1]);
    assert_eq!(
        in_transit.fixed(0),
        "10",
        "in transit to CG: {in_transit:?}"
    );
    // The transaction date is the same format.
    let date = in_transit.fixed(3);
    assert_eq!((date.len(), &date[8..12]), (18, "    "));
    demo.catalog
        .write("desk", |m| {
            loans::checkin(m, &items[0], Some("HK"), None)?;
            Ok(())
        })
        .expect("returned");
    let on_shelf = info(&mut s, &mut demo, &items[0]);
    assert_eq!(on_shelf.fixed(0), "08", "waiting on the hold shelf");
    assert!(on_shelf.get("CM").is_some_and(|d| d.len() == 18));
    let unknown = info(&mut s, &mut demo, "nope");
    assert_eq!(unknown.fixed(0), "01");
    assert!(unknown.get("AF").expect("AF").contains("nope"));
}

/// A card merged away at the desk is refused at a machine whatever comes with it: no
/// account shown (no name, no survivor's card, no balance), no payment taken on it.
#[test]
fn a_merged_away_card_shows_no_account_and_takes_no_payment() {
    use shelfmark_core::circulation::patrons::merge;
    let mut demo = demo_catalog();
    let reader = good_reader(&demo.catalog, 0);
    let survivor = patrons::account(&demo.catalog, &reader).expect("reader");
    let old_card = "288800000001";
    demo.catalog
        .write("staff", |m| {
            let duplicate = patrons::add(m, &hk_reader(old_card, &survivor.name))?;
            merge::merge(
                m,
                survivor.id.parse().expect("id"),
                duplicate,
                "thẻ cũ bị mất",
            )
        })
        .expect("merged");
    let balance = survivor.balance;
    let mut s = logged_in(&mut demo, "kiosk");
    for request in [
        format!("23000{DATE}AOHK|AA{old_card}|"),
        format!("23000{DATE}AOHK|AA{old_card}|AD{DEMO_PIN}|"),
        format!("63000{DATE}          AOHK|AA{old_card}|"),
    ] {
        let answer = ask(&mut s, &mut demo.catalog, &request);
        assert_ne!(answer.get("AE"), Some(survivor.name.as_str()), "{answer:?}");
        assert_ne!(answer.get("AA"), Some(reader.as_str()), "{answer:?}");
        assert_eq!(answer.get("BL"), Some("N"), "{answer:?}");
    }
    let paid = ask(
        &mut s,
        &mut demo.catalog,
        &format!("37{DATE}0100VNDBV1000|AOHK|AA{old_card}|BKtx-9|"),
    );
    assert_eq!(paid.fixed(0), "N", "{paid:?}");
    let after = patrons::account(&demo.catalog, &reader).expect("reader");
    assert_eq!(after.balance, balance, "nothing was paid on the old card");
}

#[test]
fn amounts_are_whole_dong_or_refused_never_guessed() {
    for (sent, read) in [
        ("15000", Some(15_000)),
        (" 15000 ", Some(15_000)),
        ("15.000", Some(15_000)),
        ("1.500.000", Some(1_500_000)),
        ("15,000", Some(15_000)),
        ("15000.00", Some(15_000)),
        ("2000.0", Some(2_000)),
        ("100,00", Some(100)),
        ("15.000,00", Some(15_000)),
        ("15,000.00", Some(15_000)),
    ] {
        assert_eq!(whole_dong(sent), read, "{sent}");
    }
    for sent in [
        "0.500",
        "0.050",
        "00.500",
        "150.50",
        "100.50",
        "1.5",
        "1,5",
        "15.00.0",
        "15.000.00",
        "1.50.000",
        "15000.",
        ".500",
        "0",
        "0.00",
        "-100",
        "1e3",
        "15 000",
        "",
        "12345678901234567890",
    ] {
        assert_eq!(whole_dong(sent), None, "{sent}");
    }
}

#[test]
fn a_payment_sent_again_with_its_transaction_id_is_recorded_once() {
    let mut demo = demo_catalog();
    let owing = OWING.to_string();
    let balance = |demo: &Demo| {
        patrons::account(&demo.catalog, &owing)
            .expect("reader")
            .balance
    };
    let before = balance(&demo);
    let mut s = logged_in(&mut demo, "kiosk-en");
    let pay = format!("37{DATE}0100VNDBV3000|AOHK|AA{owing}|BKTXN-42|");
    let first = ask(&mut s, &mut demo.catalog, &pay);
    assert_eq!(first.fixed(0), "Y");
    let again = ask(&mut s, &mut demo.catalog, &pay);
    assert_eq!(again.fixed(0), "Y");
    assert!(
        again.get("AF").expect("AF").contains("already recorded"),
        "{again:?}"
    );
    assert_eq!(balance(&demo), before - 3000);
    let other_amount = ask(
        &mut s,
        &mut demo.catalog,
        &format!("37{DATE}0100VNDBV4000|AOHK|AA{owing}|BKTXN-42|"),
    );
    assert_eq!(other_amount.fixed(0), "N");
    assert!(other_amount.get("AF").expect("AF").contains("TXN-42"));
    // A decimal amount is refused, not read as ten times the cash.
    let decimals = ask(
        &mut s,
        &mut demo.catalog,
        &format!("37{DATE}0100VNDBV150.50|AOHK|AA{owing}|"),
    );
    assert_eq!(decimals.fixed(0), "N");
    assert_eq!(balance(&demo), before - 3000);
    // More than owed: said in the machine's language, with what is owed.
    let mut vi = logged_in(&mut demo, "kiosk");
    let too_much = ask(
        &mut vi,
        &mut demo.catalog,
        &format!("37{DATE}0100VNDBV{}|AOHK|AA{owing}|", before * 10),
    );
    assert_eq!(too_much.fixed(0), "N");
    assert_eq!(
        too_much.get("AF"),
        Some(format!("Không nhận được: bạn đọc chỉ nợ {} đồng.", before - 3000).as_str())
    );
}

#[test]
fn a_book_that_needs_staff_is_not_sent_to_the_shelf() {
    let mut demo = demo_catalog();
    // One of the branch's own, so that it is not sent home instead.
    let item = free_items(&demo.catalog, 50)
        .into_iter()
        .find(|b| {
            loans::item_circulation(&demo.catalog, b).is_ok_and(|i| i.home_branch_code == "HK")
        })
        .expect("an item of HK");
    let item = &item;
    let reader = good_reader(&demo.catalog, 0);
    let mut s = logged_in(&mut demo, "drop");
    for status in [
        ItemStatus::Damaged,
        ItemStatus::Lost,
        ItemStatus::ClaimedReturned,
    ] {
        demo.catalog
            .write("staff", |m| {
                if status == ItemStatus::ClaimedReturned {
                    // Claimed returned is said of a loan: lend it first.
                    loans::set_status(m, item, ItemStatus::Available, "đã kiểm")?;
                    loans::checkout(m, &reader, item, None, None)?;
                }
                loans::set_status(m, item, status, "kiểm kê")
            })
            .expect("status");
        let back = ask(
            &mut s,
            &mut demo.catalog,
            &format!("09N{DATE}{DATE}APHK|AOHK|AB{item}|"),
        );
        assert_eq!(back.fixed(0), "1", "{status:?}");
        assert_eq!(
            (back.fixed(1), back.fixed(3)),
            ("N", "Y"),
            "{status:?}: {back:?}"
        );
        assert_eq!(back.get("CV"), Some("99"), "{status:?}");
        assert!(back.get("AF").expect("AF").contains("Thủ thư sẽ kiểm tra"));
    }
    // Back on the shelf now: the next return is an ordinary one.
    demo.catalog
        .write("staff", |m| {
            loans::set_status(m, item, ItemStatus::Available, "đã kiểm")
        })
        .expect("available");
    let back = ask(
        &mut s,
        &mut demo.catalog,
        &format!("09N{DATE}{DATE}APHK|AOHK|AB{item}|"),
    );
    assert_eq!((back.fixed(1), back.fixed(3)), ("Y", "N"), "{back:?}");
}

#[test]
fn a_return_taken_offline_before_a_renewal_is_taken() {
    let mut demo = demo_catalog();
    let reader = good_reader(&demo.catalog, 0);
    let items = free_items(&demo.catalog, 1);
    let item = &items[0];
    let mut s = logged_in(&mut demo, "kiosk");
    let out = ask(
        &mut s,
        &mut demo.catalog,
        &format!("11YN{DATE}{DATE}AOHK|AA{reader}|AB{item}|AD{DEMO_PIN}|"),
    );
    assert_eq!(out.fixed(0), "1");
    let renewed = ask(
        &mut s,
        &mut demo.catalog,
        &format!("29NN{DATE}{DATE}AOHK|AA{reader}|AD{DEMO_PIN}|AB{item}|"),
    );
    assert_eq!(renewed.fixed(0), "1", "{renewed:?}");
    // The book-drop took it back, offline, a day before any of that, by its clock.
    let yesterday = s.date(demo.catalog.clock().now() - time::Duration::days(1));
    let back = ask(
        &mut s,
        &mut demo.catalog,
        &format!("09Y{DATE}{yesterday}APHK|AOHK|AB{item}|"),
    );
    assert_eq!(back.fixed(0), "1", "{back:?}");
    assert!(
        loans::item_circulation(&demo.catalog, item)
            .expect("item")
            .loan
            .is_none()
    );
}

#[test]
fn contact_details_need_the_pin_and_dates_before_login_say_utc() {
    let mut demo = demo_catalog();
    demo.catalog
        .write("staff", |m| {
            let mut reader = hk_reader("299000000009", "Phạm Thu Hà");
            reader.email = Some("thuha@example.vn".into());
            reader.phone = Some("0912345678".into());
            patrons::add(m, &reader)?;
            patrons::set_pin(m, "299000000009", DEMO_PIN)
        })
        .expect("reader");
    let mut s = Session::new(Charset::Utf8);
    let status = ask(&mut s, &mut demo.catalog, "9900302.00");
    assert_eq!(&status.fixed(8)[8..12], "   Z", "{status:?}");
    let mut s = logged_in(&mut demo, "kiosk");
    let status = ask(&mut s, &mut demo.catalog, "9900302.00");
    assert_eq!(&status.fixed(8)[8..12], "    ");
    for pin in ["", "|AD0000"] {
        let anyone = ask(
            &mut s,
            &mut demo.catalog,
            &format!("63000{DATE}          AOHK|AA299000000009{pin}|"),
        );
        assert_eq!(anyone.get("AE"), Some("Phạm Thu Hà"));
        assert_eq!((anyone.get("BE"), anyone.get("BF")), (None, None), "{pin}");
    }
    let owner = ask(
        &mut s,
        &mut demo.catalog,
        &format!("63000{DATE}          AOHK|AA299000000009|AD{DEMO_PIN}|"),
    );
    assert_eq!(owner.get("BE"), Some("thuha@example.vn"));
    assert_eq!(owner.get("BF"), Some("0912345678"));
    // A language that is not three digits is answered as unknown, keeping the layout.
    let odd = ask(
        &mut s,
        &mut demo.catalog,
        &format!("23ễễễ{DATE}AOHK|AA299000000009|"),
    );
    assert_eq!(odd.fixed(1), "000");
}

#[test]
fn three_refused_logins_close_the_connection_after_the_answer() {
    let mut demo = demo_catalog();
    let mut s = Session::new(Charset::Utf8);
    for _ in 1..MAX_FAILED_LOGINS {
        let wrong = ask(&mut s, &mut demo.catalog, "9300CNkiosk|COguess|");
        assert_eq!(wrong.fixed(0), "0");
    }
    // A right one in between starts the count again.
    assert_eq!(
        ask(&mut s, &mut demo.catalog, "9300CNkiosk|COsecret-pw|").fixed(0),
        "1"
    );
    for _ in 1..MAX_FAILED_LOGINS {
        assert_eq!(
            ask(&mut s, &mut demo.catalog, "9300CNnobody|COguess|").fixed(0),
            "0"
        );
    }
    match s.answer(&mut demo.catalog, b"9300CNkiosk|COguess|") {
        Answer::Close { bytes, .. } => assert_eq!(bytes, b"940\r"),
        other => panic!("still open: {other:?}"),
    }
}
