//! Sessions over a real demo catalog: every answer checked against what core says.

use shelfmark_core::api::{ItemStatus, Sip2AccountInput, Sip2Language};
use shelfmark_core::circulation::{holds, loans, patrons, sip2};
use shelfmark_core::demo::{self, DEMO_PIN, DemoConfig};
use shelfmark_core::{Catalog, CatalogOptions};

use super::*;

pub(crate) struct Demo {
    _dir: tempfile::TempDir,
    pub catalog: Catalog,
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
                patrons::add(
                    m,
                    &shelfmark_core::api::PatronInput {
                        barcode: barcode.clone(),
                        name: (*name).into(),
                        category: "adult".into(),
                        email: None,
                        phone: None,
                        home_branch_code: Some("HK".into()),
                        expires_on: "2099-12-31".into(),
                        notes: String::new(),
                    },
                )?;
                patrons::set_pin(m, &barcode, DEMO_PIN)?;
            }
            shelfmark_core::circulation::fines::charge(m, OWING, 20_000, "Làm rách sách")?;
            Ok(())
        })
        .expect("readers");
    Demo { _dir: dir, catalog }
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
    // The same item again: core's refusal, word for word.
    let twice = ask(
        &mut s,
        &mut demo.catalog,
        &format!("11YN{DATE}{DATE}AOHK|AA{reader}|AB{item}|AD{DEMO_PIN}|"),
    );
    assert_eq!(twice.fixed(0), "0");
    let refusal = demo
        .catalog
        .write("t", |m| loans::checkout(m, &reader, item, None, None))
        .unwrap_err();
    let shelfmark_core::CoreError::Refused(r) = refusal else {
        panic!("not a refusal")
    };
    assert_eq!(twice.get("AF"), Some(r.message_vi.as_str()));

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
    let other = good_reader(&demo.catalog, 1);
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
