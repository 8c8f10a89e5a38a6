use std::sync::Arc;

use shelfmark_marc::{Leader, Record};
use time::macros::datetime;

use super::*;
use crate::catalog::records;
use crate::clock::ManualClock;
use crate::store::CatalogOptions;

fn setup(dir: &tempfile::TempDir) -> (Catalog, Uuid, Uuid) {
    let clock = Arc::new(ManualClock::new(datetime!(2026-11-26 07:00:00 UTC)));
    let mut catalog =
        Catalog::open(dir.path().join("c.db"), CatalogOptions { clock }).expect("opens");
    let record = |title: &str| {
        Record::new(Leader::new('n', 'a', 'm'))
            .data("245", ['0', '0'], &[('a', title)])
            .expect("well-formed")
    };
    let ids = catalog
        .write("t", |m| {
            for (code, name) in [("HK", "Hoàn Kiếm"), ("BD", "Ba Đình")] {
                add_branch(
                    m,
                    &NewBranch {
                        code: code.into(),
                        name: name.into(),
                    },
                )?;
            }
            Ok((
                records::insert(m, &record("Số đỏ"))?,
                records::insert(m, &record("Tắt đèn"))?,
            ))
        })
        .expect("setup");
    (catalog, ids.0, ids.1)
}

fn input(barcode: &str) -> ItemInput {
    ItemInput {
        barcode: barcode.into(),
        branch_code: "HK".into(),
        location: " Kho mở ".into(),
        call_number: Some("895.922 VU-P".into()),
        item_type: "book".into(),
        status: ItemStatus::Available,
    }
}

#[test]
fn branches_are_listed_by_code() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (catalog, _, _) = setup(&dir);
    let codes: Vec<String> = branches(&catalog)
        .expect("branches")
        .into_iter()
        .map(|b| b.code)
        .collect();
    assert_eq!(codes, vec!["BD", "HK"]);
}

#[test]
fn an_item_is_added_checked_and_read_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut catalog, so_do, tat_den) = setup(&dir);
    let added = add_item_for(&mut catalog, "t", so_do, &input("A-1")).expect("added");
    assert_eq!(added.location, "Kho mở");
    assert_eq!(added.branch_code, "HK");
    assert_eq!(added.record_id, so_do.to_string());
    assert_eq!(
        item(&catalog, Uuid::parse_str(&added.id).expect("uuid")).expect("read"),
        added
    );

    let err = add_item_for(&mut catalog, "t", tat_den, &input("A-1")).expect_err("in use");
    assert!(
        err.to_string().contains("A-1") && err.to_string().contains("Số đỏ"),
        "{err}"
    );
    assert_eq!(err.code(), crate::api::ErrorCode::BarcodeInUse);

    let mut bad = input("A-2");
    bad.branch_code = "XX".into();
    let err = add_item_for(&mut catalog, "t", so_do, &bad).expect_err("unknown branch");
    assert!(err.to_string().contains("BD, HK"), "{err}");
    for (location, item_type) in [("  ", "book"), ("Kho", "")] {
        let mut bad = input("A-2");
        bad.location = location.into();
        bad.item_type = item_type.into();
        assert!(matches!(
            add_item_for(&mut catalog, "t", so_do, &bad),
            Err(CoreError::InvalidInput { .. })
        ));
    }
    let mut lent = input("A-2");
    lent.status = ItemStatus::OnLoan;
    assert!(add_item_for(&mut catalog, "t", so_do, &lent).is_err());
    assert!(matches!(
        add_item_for(&mut catalog, "t", Uuid::nil(), &input("A-3")),
        Err(CoreError::NotFound { .. })
    ));
}

#[test]
fn an_edit_changes_and_logs_only_what_changed_and_circulation_keeps_its_statuses() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut catalog, so_do, _) = setup(&dir);
    let a = add_item_for(&mut catalog, "t", so_do, &input("A-1")).expect("added");
    add_item_for(&mut catalog, "t", so_do, &input("A-2")).expect("added");
    let id = Uuid::parse_str(&a.id).expect("uuid");

    let mut moved = input("A-1");
    moved.branch_code = "BD".into();
    moved.status = ItemStatus::Damaged;
    let after = update_item(&mut catalog, "t", id, &moved).expect("updated");
    assert_eq!(
        (after.branch_code.as_str(), after.status),
        ("BD", ItemStatus::Damaged)
    );
    let payload: String = catalog
        .conn()
        .query_row(
            "SELECT payload FROM change_log WHERE entity_id = ?1 AND operation = 'update'",
            params![a.id],
            |r| r.get(0),
        )
        .expect("logged");
    let json: serde_json::Value = serde_json::from_str(&payload).expect("json");
    assert_eq!(json["changed"], serde_json::json!(["branch_id", "status"]));

    // The same input again changes nothing and logs nothing.
    update_item(&mut catalog, "t", id, &moved).expect("no-op");
    let updates: i64 = catalog
        .conn()
        .query_row(
            "SELECT count(*) FROM change_log WHERE entity_id = ?1 AND operation = 'update'",
            params![a.id],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(updates, 1);

    let taken = update_item(&mut catalog, "t", id, &input("A-2")).expect_err("A-2 taken");
    assert!(matches!(taken, CoreError::BarcodeHeld { .. }));
    let mut lend = input("A-1");
    lend.status = ItemStatus::OnLoan;
    assert!(update_item(&mut catalog, "t", id, &lend).is_err());

    catalog
        .conn()
        .execute(
            "UPDATE items SET status = 'on_loan' WHERE id = ?1",
            params![a.id],
        )
        .expect("lent");
    let err = update_item(&mut catalog, "t", id, &moved).expect_err("keeps on loan");
    assert!(err.to_string().contains("on loan"), "{err}");
    let mut keep = moved.clone();
    keep.status = ItemStatus::OnLoan;
    keep.location = "Quầy".into();
    let kept = update_item(&mut catalog, "t", id, &keep).expect("other edits allowed");
    assert_eq!(
        (kept.status, kept.location.as_str()),
        (ItemStatus::OnLoan, "Quầy")
    );
}
