//! `shelfmark import` as a person or a script runs it, and as a power cut interrupts it.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use predicates::prelude::*;
use rusqlite::Connection;
use serde_json::Value;

use crate::{assert_success, shelfmark};
use shelfmark_marc::{Format, Leader, Record, writer};

fn testdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/src/catalog/import/testdata")
        .join(name)
}

/// `count` records `K000000`… with one or two Koha 952 items each (barcodes unique, three
/// branches the catalog does not have yet), as ISO 2709.
fn write_file(path: &Path, count: u64) {
    let file = std::fs::File::create(path).expect("create");
    let mut out = writer(Format::Iso2709, std::io::BufWriter::new(file));
    for n in 0..count {
        let mut record = Record::new(Leader::new('n', 'a', 'm'))
            .control("001", format!("K{n:06}"))
            .and_then(|r| r.control("008", "250101s2020    vm            000 1 vie d"))
            .and_then(|r| r.data("100", ['1', ' '], &[('a', "Nguyễn, Du,")]))
            .and_then(|r| {
                r.data(
                    "245",
                    ['1', '0'],
                    &[('a', &format!("Truyện số {n} /")), ('c', "Nguyễn Du.")],
                )
            })
            .expect("record");
        for copy in 0..expected_items(n) {
            let barcode = format!("B{n:06}-{copy}");
            let branch = ["HK", "BD", "CG"][(n % 3) as usize];
            record = record
                .data(
                    "952",
                    [' ', ' '],
                    &[('a', branch), ('c', "KM"), ('p', &barcode), ('y', "BK")],
                )
                .expect("952");
        }
        out.write_record(&record).expect("write");
    }
    out.finish().expect("finish");
}

fn expected_items(n: u64) -> u64 {
    n % 2 + 1
}

fn query(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).expect(sql)
}

/// Everything that must hold after any kill: no half record, every change logged once.
fn assert_consistent(db: &Path) -> i64 {
    let conn = Connection::open(db).expect("open");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity");
    assert_eq!(check, "ok");
    let records = query(&conn, "SELECT count(*) FROM records");
    assert_eq!(
        query(&conn, "SELECT count(DISTINCT control_number) FROM records"),
        records,
        "no control number twice"
    );
    assert_eq!(
        query(
            &conn,
            "SELECT count(*) FROM records r WHERE (SELECT count(*) FROM items i WHERE i.record_id = r.id)
               != CAST(substr(r.control_number, 2) AS INTEGER) % 2 + 1"
        ),
        0,
        "every record has all its items"
    );
    for (entity, table) in [
        ("record", "records"),
        ("item", "items"),
        ("branch", "branches"),
    ] {
        assert_eq!(
            query(
                &conn,
                &format!("SELECT count(*) FROM change_log WHERE entity_type = '{entity}'")
            ),
            query(&conn, &format!("SELECT count(*) FROM {table}")),
            "one change-log entry per {entity}"
        );
    }
    assert_eq!(
        query(&conn, "SELECT count(*) FROM import_sources"),
        records,
        "the ledger holds every record"
    );
    records
}

/// A small deterministic generator (splitmix64) for the kill points.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[test]
fn killed_at_random_points_then_rerun_imports_every_record_exactly_once() {
    const RECORDS: u64 = 20_000;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("big.mrc");
    write_file(&file, RECORDS);
    let db = dir.path().join("c.db");
    let bin = assert_cmd::cargo::cargo_bin("shelfmark");
    let mut seed = 0x5EED_2026;
    // `--match none --on-match add`: only the import ledger stands between a re-run and
    // duplicates.
    let args = [
        "import",
        "--match",
        "none",
        "--on-match",
        "add",
        "--batch-size",
        "500",
    ];
    for kill in 0..5 {
        let mut child = std::process::Command::new(&bin)
            .arg("--db")
            .arg(&db)
            .args(args)
            .arg(&file)
            .env_remove("SHELFMARK_DB")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(50 + next(&mut seed) % 1_500));
        // SIGKILL on Unix: no destructor, no flush, no rollback runs.
        let _ = child.kill();
        let status = child.wait().expect("wait");
        if db.exists() {
            let records = assert_consistent(&db);
            eprintln!("kill {kill}: {status}, {records} records in so far");
        }
    }
    let out = shelfmark(&db)
        .args(args)
        .arg(&file)
        .arg("--json")
        .output()
        .expect("runs");
    assert_success(&out);
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(
        report["added"].as_u64().unwrap_or(0) + report["already_imported"].as_u64().unwrap_or(0),
        RECORDS,
        "{report}"
    );
    assert_eq!(report["failed"], 0);
    assert_eq!(assert_consistent(&db), RECORDS as i64);
    let conn = Connection::open(&db).expect("open");
    assert_eq!(
        query(&conn, "SELECT count(*) FROM items"),
        (0..RECORDS).map(expected_items).sum::<u64>() as i64
    );
    assert_eq!(query(&conn, "SELECT count(*) FROM branches"), 3);
}

#[test]
fn import_reports_counts_as_json_and_problems_on_stderr() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("c.db");
    let out = shelfmark(&db)
        .arg("import")
        .arg(testdata("koha-952.mrk"))
        .arg(testdata("marc-852.mrk"))
        .arg("--json")
        .output()
        .expect("runs");
    assert_success(&out);
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(report["files"], 2);
    assert_eq!(report["added"], 4);
    assert_eq!(report["failed"], 0);
    assert_eq!(report["items_added"], 6);
    assert_eq!(report["items_skipped"], 2);
    let problems = report["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 2);
    assert_eq!(problems[0]["record"], 2);
    assert_eq!(problems[0]["control_number"], "KOHA-2");
    assert_eq!(problems[0]["field"], "952");
    assert_eq!(problems[0]["outcome"], "item_skipped");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("already used"), "{stderr}");
    // The same files again: nothing added, all already imported, as text.
    shelfmark(&db)
        .arg("import")
        .arg(testdata("koha-952.mrk"))
        .arg(testdata("marc-852.mrk"))
        .assert()
        .success()
        .stdout(
            predicate::str::contains("0 added").and(predicate::str::contains("4 already imported")),
        );
    let info: Value = serde_json::from_slice(
        &shelfmark(&db)
            .args(["info", "--json"])
            .output()
            .expect("info")
            .stdout,
    )
    .expect("info");
    assert_eq!(info["records"], 4);
}

#[test]
fn refused_records_exit_1_with_the_rest_imported() {
    let dir = tempfile::tempdir().expect("dir");
    let good = dir.path().join("good.mrc");
    write_file(&good, 2);
    let mut bytes = std::fs::read(&good).expect("read");
    let first_end = bytes.iter().position(|b| *b == 0x1D).expect("end") + 1;
    // The second record cut off inside its leader: nothing a careful reader can recover
    // (a merely wrong base address or length the reader repairs, with a warning).
    bytes.truncate(first_end);
    bytes.extend_from_slice(b"00026nam  22000\x1d");
    let mixed = dir.path().join("mixed.mrc");
    std::fs::write(&mixed, bytes).expect("write");
    let db = dir.path().join("c.db");
    let out = shelfmark(&db)
        .arg("import")
        .arg(&mixed)
        .arg("--json")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).expect("report");
    assert_eq!(
        (report["added"].as_u64(), report["failed"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(report["problems"][0]["record"], 2);
    assert_eq!(report["problems"][0]["offset"], first_end as u64);
    assert!(String::from_utf8_lossy(&out.stderr).contains("mixed.mrc record 2"));
}

#[test]
fn a_missing_file_fails_before_the_catalog_is_touched() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("c.db");
    shelfmark(&db)
        .arg("import")
        .arg(dir.path().join("nowhere.mrc"))
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(
            predicate::str::contains("cannot read the file to import")
                .and(predicate::str::contains("nowhere.mrc")),
        );
    assert!(!db.exists());
    let out = shelfmark(&db)
        .args(["import", "--json"])
        .arg(dir.path().join("nowhere.mrc"))
        .output()
        .expect("runs");
    let err: Value = serde_json::from_slice(&out.stderr).expect("JSON error");
    assert_eq!(err["code"], "not_found");
}

#[test]
fn a_format_that_cannot_be_told_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("c.db");
    let odd = dir.path().join("records");
    std::fs::write(&odd, "hello").expect("write");
    shelfmark(&db)
        .arg("import")
        .arg(&odd)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("cannot tell the MARC format")
                .and(predicate::str::contains("--format")),
        );
    shelfmark(&db)
        .args(["import", "--format", "marc9"])
        .arg(&odd)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown MARC format"));
    shelfmark(&db)
        .args(["import", "--match", "title"])
        .arg(&odd)
        .assert()
        .code(2);
    assert!(!db.exists(), "a usage error touches no catalog");
}

#[test]
fn a_holdings_map_of_the_wrong_shape_is_a_usage_error_and_a_good_one_is_used() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("c.db");
    let bad = dir.path().join("map.json");
    std::fs::write(&bad, r#"{"name": "x"}"#).expect("write");
    shelfmark(&db)
        .arg("import")
        .arg(testdata("koha-952.mrk"))
        .arg("--holdings-map")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("holdings mapping").and(predicate::str::contains("map.json")),
        );
    // Only 852s counted: the Koha items are not read by this mapping.
    let out = shelfmark(&db)
        .arg("import")
        .arg(testdata("koha-952.mrk"))
        .arg("--holdings-map")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/holdings/marc-852.json"))
        .arg("--json")
        .output()
        .expect("runs");
    assert_success(&out);
    let report: Value = serde_json::from_slice(&out.stdout).expect("report");
    assert_eq!(
        (report["added"].as_u64(), report["items_added"].as_u64()),
        (Some(2), Some(0))
    );
}

#[test]
fn an_unreadable_catalog_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("readers.txt");
    std::fs::write(&db, "not a catalog").expect("write");
    shelfmark(&db)
        .arg("import")
        .arg(testdata("koha-952.mrk"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is not a Shelfmark catalog"));
    assert_eq!(std::fs::read_to_string(&db).expect("read"), "not a catalog");
}

#[test]
fn imported_records_are_found_by_search_at_once() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("records.mrc");
    write_file(&file, 3);
    let db = dir.path().join("c.db");
    shelfmark(&db).arg("import").arg(&file).assert().success();
    assert!(
        shelfmark_core::search::index_dir(&db).is_dir(),
        "the import brought the search index up to date"
    );
    let out = shelfmark(&db)
        .args(["search", "--json", "--limit", "10", "truyen so 2"])
        .output()
        .expect("runs");
    assert_success(&out);
    let first: Value = serde_json::from_str(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .expect("a hit"),
    )
    .expect("JSON hit");
    assert_eq!(first["control_number"], "K000002");
}
