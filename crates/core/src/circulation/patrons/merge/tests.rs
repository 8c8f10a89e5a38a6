//! Merging readers on the small test library: what moves, what is refused, where the old card
//! leads afterwards.

use time::macros::datetime;

use super::*;
use crate::api::{HoldStatus, MergeRefusalCode, RefusalCode};
use crate::circulation::patrons;
use crate::circulation::tests::library;
use crate::circulation::{kiosk, loans};

fn id(lib: &crate::circulation::tests::Library, card: &str) -> Uuid {
    card_owner(&lib.catalog, card, "keep").expect("card")
}

fn refusal(err: CoreError) -> MergeRefusal {
    match err {
        CoreError::MergeRefused(r) => r,
        other => panic!("expected a merge refusal, got {other}"),
    }
}

#[test]
fn loans_holds_fines_and_blocks_move_to_the_reader_kept() {
    let mut lib = library();
    lib.at(datetime!(2026-02-02 03:00 UTC));
    lib.checkout("P2", "B3").expect("lends");
    lib.checkout("P2", "B1").expect("lends");
    lib.checkin("B1", None);
    lib.checkout("P1", "B5").expect("lends");
    let r1 = lib.r1.to_string();
    lib.catalog
        .write("desk", |m| {
            fines::charge(m, "P2", 15_000, "Làm rách bìa")?;
            fines::pay(m, "P2", 5_000, "Tiền mặt")?;
            fines::charge(m, "P1", 2_000, "Mất thẻ")?;
            let hold = holds::place(m, "P2", &r1, "HK", None)?;
            patrons::block(m, "P2", "Chưa trả sách")?;
            Ok(hold)
        })
        .expect("history");
    lib.at(datetime!(2026-02-03 03:00 UTC));
    let older_hold_of_keep = lib
        .catalog
        .write("desk", |m| holds::place(m, "P1", &r1, "HK", None));
    // P1 holds the record too, but later: the merge keeps P2's (older) hold and cancels P1's.
    let p1_hold = older_hold_of_keep.expect("hold");
    let (keep, dup) = (id(&lib, "P1"), id(&lib, "P2"));
    let preview = merge_preview(&lib.catalog, keep, dup).expect("preview");
    assert_eq!(preview.duplicate.open_loans.len(), 1);
    assert_eq!(preview.duplicate.past_loans, 1);
    assert_eq!(preview.loans_moving, 2);
    assert_eq!(preview.fine_entries_moving, 2);
    assert_eq!(preview.blocks_moving, 1);
    assert_eq!(preview.balance_after, 12_000);
    assert_eq!(preview.holds_to_cancel.len(), 1);
    assert_eq!(preview.holds_to_cancel[0].id, p1_hold.id);
    let before = lib.changes();

    lib.at(datetime!(2026-02-04 03:00 UTC));
    let done = lib
        .catalog
        .write("librarian", |m| merge(m, keep, dup, "  Đăng ký hai lần  "))
        .expect("merges");
    assert_eq!(done.reason, "Đăng ký hai lần");
    assert_eq!(done.merged_by, "librarian");
    assert_eq!(done.loans.len(), 2);
    assert_eq!(done.fine_entries.len(), 2);
    assert_eq!(done.blocks.len(), 1);
    assert_eq!(done.holds.len(), 1);
    assert_eq!(done.holds_cancelled.len(), 1);
    assert_eq!(done.holds_cancelled[0].status, HoldStatus::Cancelled);
    assert_eq!(
        done.balance, 12_000,
        "the survivor owes the sum, nothing lost or doubled"
    );
    // The hold's cancellation and the merge itself: two entries, the merge one of its own.
    assert_eq!(lib.changes(), before + 2);
    let logged: String = lib
        .catalog
        .conn()
        .query_row(
            "SELECT payload FROM change_log WHERE entity_id = ?1 ORDER BY seq DESC LIMIT 1",
            params![dup.to_string()],
            |r| r.get(0),
        )
        .expect("entry");
    let logged: serde_json::Value = serde_json::from_str(&logged).expect("json");
    assert_eq!(logged["merge"]["keep_id"], keep.to_string());
    assert_eq!(logged["merge"]["loans"].as_array().map(Vec::len), Some(2));

    let account = patrons::account(&lib.catalog, "P1").expect("account");
    assert_eq!(account.loans.len(), 2);
    assert_eq!(account.balance, 12_000);
    assert_eq!(account.manual_blocks.len(), 1);
    assert_eq!(account.holds.len(), 1);
    assert!(account.merged_card.is_none());
    let ledger_ids: Vec<String> = lib
        .catalog
        .conn()
        .prepare("SELECT id FROM fine_entries WHERE merged_from = ?1")
        .expect("query")
        .query_map(params![dup.to_string()], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("ids");
    assert_eq!(ledger_ids, done.fine_entries, "ledger lines keep their ids");
}

#[test]
fn the_old_card_opens_the_survivor_at_the_desk_and_is_refused_at_the_kiosk() {
    let mut lib = library();
    let (keep, dup) = (id(&lib, "P1"), id(&lib, "P2"));
    lib.catalog
        .write("desk", |m| patrons::set_pin(m, "P1", "2468"))
        .expect("pin");
    lib.catalog
        .write("desk", |m| patrons::set_pin(m, "P2", "1357"))
        .expect("pin");
    lib.catalog
        .write("librarian", |m| {
            merge(m, keep, dup, "Mất thẻ cũ, làm thẻ mới")
        })
        .expect("merges");
    let account = patrons::account(&lib.catalog, "P2").expect("old card");
    assert_eq!(account.barcode, "P1");
    let notice = account.merged_card.expect("notice");
    assert_eq!(notice.barcode, "P2");
    assert_eq!(notice.reason, "Mất thẻ cũ, làm thẻ mới");
    let lent = lib.checkout("P2", "B1").expect("lends on the old card");
    assert_eq!(lent.loan.patron_barcode, "P1");
    let err = kiosk::sign_in(&mut lib.catalog, "kiosk", "P2", "1357").expect_err("refused");
    assert!(matches!(err, CoreError::Refused(r) if r.code == RefusalCode::CardMerged));
    let ok = kiosk::sign_in(&mut lib.catalog, "kiosk", "P1", "2468").expect("survivor signs in");
    assert_eq!(ok.loans.len(), 1);
    let found = patrons::search(&lib.catalog, "P2", 10).expect("search");
    assert!(
        found.iter().all(|p| p.barcode != "P2"),
        "merged readers leave the search"
    );
    let found = patrons::search(&lib.catalog, "Bạn đọc", 10).expect("search");
    assert!(found.iter().any(|p| p.barcode == "P1"));
    assert!(found.iter().all(|p| p.barcode != "P2"));
    lib.catalog
        .write("desk", |m| loans::renew(m, "B1", None))
        .expect("renews");
}

#[test]
fn every_refusal_says_what_and_changes_nothing() {
    let mut lib = library();
    let (p1, p2, c1) = (id(&lib, "P1"), id(&lib, "P2"), id(&lib, "C1"));
    let before = lib.changes();
    let same = lib
        .catalog
        .write("l", |m| merge(m, p1, p1, "x"))
        .expect_err("same");
    assert_eq!(refusal(same).code, MergeRefusalCode::SamePatron);
    let unknown = lib
        .catalog
        .write("l", |m| merge(m, p1, Uuid::nil(), "x"))
        .expect_err("unknown");
    let r = refusal(unknown);
    assert_eq!(r.code, MergeRefusalCode::UnknownPatron);
    assert_eq!(r.params["which"], "duplicate");
    assert!(r.message_vi.contains("trùng"), "{}", r.message_vi);
    let blank = lib
        .catalog
        .write("l", |m| merge(m, p1, p2, "   "))
        .expect_err("reason");
    assert_eq!(refusal(blank).code, MergeRefusalCode::ReasonMissing);
    assert_eq!(lib.changes(), before, "a refused merge writes nothing");
    lib.catalog
        .write("l", |m| merge(m, p1, p2, "Trùng"))
        .expect("merges");
    for (keep, dup, which) in [(p1, p2, "duplicate"), (p2, c1, "keep")] {
        let again = lib
            .catalog
            .write("l", |m| merge(m, keep, dup, "Trùng"))
            .expect_err("already");
        let r = refusal(again);
        assert_eq!(r.code, MergeRefusalCode::AlreadyMerged);
        assert_eq!(r.params["which"], which);
        assert_eq!(r.params["into"], "P1");
        assert!(r.message_en.contains("P1"), "{}", r.message_en);
    }
    let preview = merge_preview(&lib.catalog, p1, p2).expect_err("preview refused too");
    assert_eq!(refusal(preview).code, MergeRefusalCode::AlreadyMerged);
    assert_eq!(
        refusal(card_owner(&lib.catalog, "NOBODY", "keep").expect_err("none")).code,
        MergeRefusalCode::UnknownPatron
    );
    assert_eq!(
        refusal(patron_id("not-an-id", "keep").expect_err("bad")).code,
        MergeRefusalCode::UnknownPatron
    );
}

#[test]
fn a_chain_of_merges_leads_the_first_card_to_the_last_survivor() {
    let mut lib = library();
    lib.checkout("C1", "B3").expect("lends");
    let (p1, p2, c1) = (id(&lib, "P1"), id(&lib, "P2"), id(&lib, "C1"));
    lib.catalog
        .write("l", |m| merge(m, p2, c1, "Thẻ thiếu nhi cũ"))
        .expect("first");
    lib.catalog
        .write("l", |m| merge(m, p1, p2, "Trùng"))
        .expect("second");
    let account = patrons::account(&lib.catalog, "C1").expect("account");
    assert_eq!(account.barcode, "P1");
    assert_eq!(account.loans.len(), 1);
    let from: Option<String> = lib
        .catalog
        .conn()
        .query_row("SELECT merged_from FROM loans", [], |r| r.get(0))
        .expect("loan");
    assert_eq!(
        from,
        Some(c1.to_string()),
        "the loan remembers the card it was made on"
    );
}

#[test]
fn likely_duplicates_share_the_folded_name() {
    let mut lib = library();
    lib.catalog
        .write("desk", |m| {
            for (card, name) in [
                ("N1", "Nguyễn Văn An"),
                ("N2", "nguyen van  an"),
                ("N3", "Nguyễn Văn Anh"),
            ] {
                patrons::add(
                    m,
                    &crate::api::PatronInput {
                        barcode: card.into(),
                        name: name.into(),
                        category: "adult".into(),
                        email: None,
                        phone: None,
                        home_branch_code: None,
                        expires_on: "2027-01-01".into(),
                        notes: String::new(),
                    },
                )?;
            }
            Ok(())
        })
        .expect("readers");
    let n1 = id(&lib, "N1");
    let found = likely_duplicates(&lib.catalog, n1, 10).expect("suggestions");
    let cards: Vec<&str> = found.iter().map(|p| p.barcode.as_str()).collect();
    assert_eq!(cards, ["N2"]);
    let n2 = id(&lib, "N2");
    lib.catalog
        .write("l", |m| merge(m, n1, n2, "Trùng tên"))
        .expect("merges");
    assert!(
        likely_duplicates(&lib.catalog, n1, 10)
            .expect("none")
            .is_empty()
    );
}

#[test]
fn the_ledger_still_refuses_a_changed_amount() {
    let mut lib = library();
    lib.catalog
        .write("desk", |m| fines::charge(m, "P1", 3_000, "Phí"))
        .expect("charge");
    let err = lib
        .catalog
        .conn()
        .execute("UPDATE fine_entries SET amount = 1", [])
        .expect_err("append-only");
    assert!(err.to_string().contains("append-only"), "{err}");
}
