//! One catalog shared by a long-running program and short commands beside it, as the desktop
//! app (or `sip2 serve`) and the CLI share a branch's catalog.

use shelfmark_core::api::PatronInput;
use shelfmark_core::circulation::patrons;
use shelfmark_core::{Catalog, CatalogOptions};

use super::{json_of, shelfmark};

fn reader(barcode: &str) -> PatronInput {
    PatronInput {
        barcode: barcode.into(),
        name: "Nguyễn Thị Minh Khai".into(),
        category: "adult".into(),
        email: None,
        phone: None,
        home_branch_code: None,
        expires_on: "2099-12-31".into(),
        notes: String::new(),
    }
}

/// A program keeps its catalog open and opens (and closes) the same catalog again for other
/// work — a sync attempt, an import, a SIP2 session. Its writes must stay visible to every other
/// process, and survive: SQLite's locks are POSIX locks, which the kernel drops for the whole
/// process when any descriptor of the file is closed, so looking at the file with anything but
/// SQLite would let another process take the catalog for unused, fold the write-ahead log in
/// and delete it under the program's feet (its later writes then go to a deleted file).
#[test]
fn a_catalog_opened_twice_in_one_program_keeps_its_writes_visible_to_others() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("branch.db");
    shelfmark(&db)
        .args(["demo", "--records", "20"])
        .assert()
        .success();
    let mut window = Catalog::open(&db, CatalogOptions::default()).expect("opens");
    // The same program opens the catalog again for a moment, as a sync attempt does.
    drop(Catalog::open(&db, CatalogOptions::default()).expect("opens again"));
    // Another process comes and goes.
    json_of(shelfmark(&db).arg("info"));
    let wal = dir.path().join("branch.db-wal");
    assert!(
        wal.exists(),
        "the write-ahead log is still where the window writes it"
    );
    window
        .write("thu.thu", |m| patrons::add(m, &reader("299999999999")))
        .expect("written");
    let seen = json_of(shelfmark(&db).args(["circ", "patron", "show", "299999999999"]));
    assert_eq!(seen["name"], "Nguyễn Thị Minh Khai", "{seen}");
}
