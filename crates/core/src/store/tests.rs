use std::fs;
use std::sync::Arc;

use rusqlite::Connection;
use time::macros::datetime;

use super::*;
use crate::catalog::records;
use crate::changelog;
use crate::clock::ManualClock;
use crate::holdings::{self, NewBranch, NewItem};
use shelfmark_marc::{Leader, Record};

fn options_at(clock: Arc<ManualClock>) -> CatalogOptions {
    CatalogOptions { clock }
}

fn test_clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(datetime!(2026-11-26 07:00:00 UTC)))
}

fn sample_record(control: &str, title: &str) -> Record {
    Record::new(Leader::new('n', 'a', 'm'))
        .control("001", control)
        .and_then(|r| r.data("245", ['0', '0'], &[('a', title)]))
        .expect("well-formed")
}

fn open_new(dir: &tempfile::TempDir) -> Catalog {
    Catalog::open(dir.path().join("catalog.db"), options_at(test_clock()))
        .expect("a new catalog opens")
}

fn bytes_of(path: &Path) -> Vec<u8> {
    fs::read(path).expect("file is readable")
}

#[test]
fn a_new_catalog_is_created_with_wal_foreign_keys_and_a_node_id() {
    let dir = tempfile::tempdir().expect("temp dir");
    let catalog = open_new(&dir);
    assert_eq!(catalog.schema_version().expect("version"), SCHEMA_VERSION);
    let mode: String = catalog
        .conn()
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .expect("pragma");
    assert_eq!(mode, "wal");
    let fk: i64 = catalog
        .conn()
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .expect("pragma");
    assert_eq!(fk, 1);
    assert_eq!(catalog.node_id().0.get_version_num(), 7);
}

#[test]
fn the_node_id_is_kept_across_opens() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = open_new(&dir).node_id();
    let second = open_new(&dir).node_id();
    assert_eq!(first, second);
}

#[test]
fn catalog_folder_is_created_when_missing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("nested/branch/catalog.db");
    Catalog::open(&path, options_at(test_clock())).expect("opens");
    assert!(path.exists());
}

#[test]
fn every_mutation_is_logged_in_its_transaction_with_clock_node_and_user() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = test_clock();
    let mut catalog =
        Catalog::open(dir.path().join("c.db"), options_at(clock.clone())).expect("opens");
    let id = catalog
        .write("lan.nguyen", |m| {
            records::insert(m, &sample_record("VN1", "Hà Nội xưa"))
        })
        .expect("insert");
    clock.advance(time::Duration::seconds(5));
    catalog
        .write("minh.tran", |m| {
            holdings::add_branch(
                m,
                &NewBranch {
                    code: "HK".into(),
                    name: "Chi nhánh Hoàn Kiếm".into(),
                },
            )
        })
        .expect("branch");
    let log = changelog::recent(&catalog, 10).expect("log");
    assert_eq!(log.len(), 2);
    let (branch, record) = (&log[0], &log[1]);
    assert_eq!(record.entity_type, EntityType::Record);
    assert_eq!(record.entity_id, id.to_string());
    assert_eq!(record.operation, Operation::Create);
    assert_eq!(record.user, "lan.nguyen");
    assert_eq!(record.origin_node, catalog.node_id().to_string());
    assert_eq!(record.recorded_at, "2026-11-26T07:00:00Z");
    assert!(
        record.hlc.starts_with("2026-11-26T07:00:00.000Z/"),
        "{}",
        record.hlc
    );
    assert_eq!(record.payload["title"], "Hà Nội xưa");
    assert_eq!(branch.user, "minh.tran");
    assert_eq!(branch.recorded_at, "2026-11-26T07:00:05Z");
    assert!(branch.hlc > record.hlc);
    let summary = catalog.summary().expect("summary");
    assert_eq!(
        (summary.records, summary.changes, summary.unsynced_changes),
        (1, 2, 2)
    );
}

#[test]
fn a_failed_mutation_leaves_neither_its_rows_nor_its_log_entries() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut catalog = open_new(&dir);
    let (record, branch) = catalog
        .write("desk", |m| {
            let record = records::insert(m, &sample_record("VN1", "Số đỏ"))?;
            let branch = holdings::add_branch(
                m,
                &NewBranch {
                    code: "TT".into(),
                    name: "Trụ sở".into(),
                },
            )?;
            Ok((record, branch))
        })
        .expect("setup");
    let item = |barcode: &str| NewItem {
        record_id: record,
        barcode: barcode.into(),
        branch_id: branch,
        location: "Kho mở".into(),
        call_number: None,
        item_type: "book".into(),
    };
    catalog
        .write("desk", |m| holdings::add_item(m, &item("300001")))
        .expect("first item");
    let before = catalog.summary().expect("summary");
    // A second record and item are written, then a duplicate barcode fails the whole unit.
    let err = catalog
        .write("desk", |m| {
            records::insert(m, &sample_record("VN2", "Tắt đèn"))?;
            holdings::add_item(m, &item("300002"))?;
            holdings::add_item(m, &item("300001"))
        })
        .expect_err("duplicate barcode is refused");
    assert!(
        matches!(&err, CoreError::BarcodeInUse { barcode, .. } if barcode == "300001"),
        "{err}"
    );
    assert!(
        err.to_string().contains("\"300001\" is already used"),
        "{err}"
    );
    let after = catalog.summary().expect("summary");
    assert_eq!(after, before);
    // The clock did not move on for the rolled-back changes: the next stamp follows the last kept one.
    catalog
        .write("desk", |m| holdings::add_item(m, &item("300003")))
        .expect("next item");
    let log = changelog::recent(&catalog, 1).expect("log");
    assert_eq!(log[0].payload["barcode"], "300003");
    assert_eq!(log[0].seq, before.changes as i64 + 1);
}

#[test]
fn a_foreign_key_violation_rolls_back_the_log_entry_too() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut catalog = open_new(&dir);
    let result = catalog.write("desk", |m| {
        holdings::add_item(
            m,
            &NewItem {
                record_id: uuid::Uuid::nil(),
                barcode: "999".into(),
                branch_id: uuid::Uuid::nil(),
                location: "x".into(),
                call_number: None,
                item_type: "book".into(),
            },
        )
    });
    assert!(matches!(result, Err(CoreError::Storage(_))), "{result:?}");
    assert_eq!(catalog.summary().expect("summary").changes, 0);
}

#[test]
fn a_text_file_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("notes.db");
    fs::write(&path, "Danh sách bạn đọc\n").expect("write");
    let err = Catalog::open(&path, CatalogOptions::default())
        .err()
        .expect("refused");
    assert!(matches!(err, CoreError::NotACatalog { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.contains(&path.display().to_string()) && message.contains("not an SQLite database"),
        "{message}"
    );
    assert_eq!(bytes_of(&path), "Danh sách bạn đọc\n".as_bytes());
    assert!(!dir.path().join("notes.db-wal").exists());
}

#[test]
fn another_programs_sqlite_database_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("other.sqlite");
    let conn = Connection::open(&path).expect("open");
    conn.execute_batch("CREATE TABLE books (title TEXT); INSERT INTO books VALUES ('x');")
        .expect("create");
    drop(conn);
    let before = bytes_of(&path);
    let err = Catalog::open(&path, CatalogOptions::default())
        .err()
        .expect("refused");
    assert!(err.to_string().contains("made by another program"), "{err}");
    assert_eq!(bytes_of(&path), before);
}

#[test]
fn a_folder_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let err = Catalog::open(dir.path(), CatalogOptions::default())
        .err()
        .expect("refused");
    assert!(err.to_string().contains("it is a folder"), "{err}");
}

#[test]
fn an_empty_file_becomes_a_new_catalog() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("empty.db");
    fs::write(&path, b"").expect("touch");
    let catalog = Catalog::open(&path, options_at(test_clock())).expect("opens");
    assert_eq!(catalog.schema_version().expect("version"), SCHEMA_VERSION);
}

#[test]
fn a_catalog_from_a_newer_schema_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("future.db");
    drop(Catalog::open(&path, options_at(test_clock())).expect("create"));
    let conn = Connection::open(&path).expect("open");
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 3)
        .expect("bump");
    conn.pragma_update(None, "journal_mode", "DELETE")
        .expect("checkpoint");
    drop(conn);
    let before = bytes_of(&path);
    let err = Catalog::open(&path, CatalogOptions::default())
        .err()
        .expect("refused");
    assert!(
        matches!(err, CoreError::TooNew { found, supported, .. } if found == SCHEMA_VERSION + 3 && supported == SCHEMA_VERSION),
        "{err}"
    );
    assert!(
        err.to_string().contains("Install the newer Shelfmark"),
        "{err}"
    );
    assert_eq!(bytes_of(&path), before);
}

#[test]
fn a_corrupt_catalog_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("damaged.db");
    let mut catalog = Catalog::open(&path, options_at(test_clock())).expect("create");
    catalog
        .write("desk", |m| {
            records::insert(m, &sample_record("VN1", "Truyện Kiều"))
        })
        .expect("insert");
    drop(catalog);
    let conn = Connection::open(&path).expect("open");
    conn.pragma_update(None, "journal_mode", "DELETE")
        .expect("checkpoint");
    drop(conn);
    // Overwrite every page after the first (the schema and all tables) with noise.
    let mut bytes = bytes_of(&path);
    // The page size, as SQLite's file header gives it (big-endian at offset 16).
    let page = usize::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    assert_eq!(page as i64, PAGE_SIZE);
    for (i, b) in bytes.iter_mut().enumerate().skip(page) {
        *b = (i * 7 % 251) as u8;
    }
    fs::write(&path, &bytes).expect("damage");
    let err = Catalog::open(&path, CatalogOptions::default())
        .err()
        .expect("refused");
    assert!(matches!(err, CoreError::Corrupt { .. }), "{err}");
    assert!(
        err.to_string().contains("Restore it from a backup"),
        "{err}"
    );
    assert_eq!(bytes_of(&path), bytes);
}

#[test]
fn a_read_only_catalog_file_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ro.db");
    drop(Catalog::open(&path, options_at(test_clock())).expect("create"));
    let before = bytes_of(&path);
    let mut perms = fs::metadata(&path).expect("meta").permissions();
    perms.set_readonly(true);
    fs::set_permissions(&path, perms).expect("chmod");
    let err = Catalog::open(&path, CatalogOptions::default())
        .err()
        .expect("refused");
    assert!(matches!(err, CoreError::ReadOnly { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("copy the catalog somewhere writable"),
        "{err}"
    );
    assert_eq!(bytes_of(&path), before);
}

#[test]
fn a_catalog_in_a_read_only_folder_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("archive");
    fs::create_dir(&folder).expect("mkdir");
    let path = folder.join("c.db");
    drop(Catalog::open(&path, options_at(test_clock())).expect("create"));
    let mut perms = fs::metadata(&folder).expect("meta").permissions();
    perms.set_readonly(true);
    fs::set_permissions(&folder, perms.clone()).expect("chmod");
    let err = Catalog::open(&path, CatalogOptions::default()).err();
    perms.set_readonly(false);
    fs::set_permissions(&folder, perms).expect("chmod back");
    let err = err.expect("refused");
    assert!(err.to_string().contains("folder"), "{err}");
}

/// Builds a catalog at an earlier schema version, with data in every table that version has.
fn catalog_at_version(path: &Path, version: usize) {
    let mut conn = Connection::open(path).expect("open");
    conn.pragma_update(None, "application_id", APPLICATION_ID)
        .expect("app id");
    migrations::all()
        .to_version(&mut conn, version)
        .expect("migrate to the old version");
    if version >= 1 {
        conn.execute_batch(
            "INSERT INTO catalog_meta VALUES ('node_id', '0193a1b2-0000-7000-8000-000000000001');
             INSERT INTO change_log (change_id, entity_type, entity_id, operation, payload, hlc, origin_node, user, recorded_at)
             VALUES ('0193a1b2-0000-7000-8000-0000000000aa', 'record', 'r1', 'create', '{}', 1, '0193a1b2-0000-7000-8000-000000000001', 'old', '2025-01-01T00:00:00Z');",
        )
        .expect("v1 data");
    }
    if version >= 2 {
        conn.execute_batch(
            "INSERT INTO records (id, control_number, title, author, year, material_type, sort_title, marc, created_at, updated_at) VALUES ('r1', 'VN1', 'Truyện Kiều', NULL, 1820, 'book', 'truyen kieu', x'00', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');",
        )
        .expect("v2 data");
        // A record with real MARC, whose version-5 columns the upgrade fills from it.
        let marc = shelfmark_marc::iso2709::to_bytes(&backfilled_record()).expect("marc");
        conn.execute(
            "INSERT INTO records (id, control_number, title, author, year, material_type, sort_title, marc, created_at, updated_at) VALUES (?1, 'VN2', 'Số đỏ', 'Vũ, Trọng Phụng', 1936, 'book', 'so do', ?2, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')",
            rusqlite::params![BACKFILLED_ID, marc],
        )
        .expect("v2 data");
    }
    if version >= 3 {
        conn.execute_batch(
            "INSERT INTO branches VALUES ('b1', 'HK', 'Hoàn Kiếm');
             INSERT INTO items (id, record_id, barcode, branch_id, location, item_type, created_at, updated_at)
             VALUES ('i1', 'r1', '300001', 'b1', 'Kho mở', 'book', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');",
        )
        .expect("v3 data");
    }
}

const BACKFILLED_ID: &str = "0193a1b2-0000-7000-8000-0000000000b2";

fn backfilled_record() -> Record {
    Record::new(Leader::new('n', 'a', 'm'))
        .control("001", "VN2")
        .and_then(|r| r.data("020", [' ', ' '], &[('a', "0-306-40615-2")]))
        .and_then(|r| r.data("100", ['1', ' '], &[('a', "Vũ, Trọng Phụng,")]))
        .and_then(|r| {
            r.data(
                "245",
                ['1', '0'],
                &[('a', "Số đỏ /"), ('c', "Vũ Trọng Phụng.")],
            )
        })
        .and_then(|r| r.data("650", [' ', '7'], &[('a', "Tiểu thuyết")]))
        .expect("well-formed")
}

#[test]
fn every_earlier_schema_version_upgrades_keeping_its_data_and_a_backup() {
    for version in 0..SCHEMA_VERSION as usize {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("old.db");
        catalog_at_version(&path, version);
        let catalog = Catalog::open(&path, options_at(test_clock()))
            .unwrap_or_else(|e| panic!("version {version} upgrades: {e}"));
        assert_eq!(
            catalog.schema_version().expect("version"),
            SCHEMA_VERSION,
            "from {version}"
        );
        let s = catalog.summary().expect("summary");
        let expected = (
            2 * u64::from(version >= 2),
            u64::from(version >= 3),
            u64::from(version >= 1),
        );
        assert_eq!(
            (s.records, s.items, s.changes),
            expected,
            "data kept from version {version}"
        );
        // Version 5 filled the new columns from the stored MARC, in the migration; a record
        // written raw into a version-5 catalog has no one to fill them.
        if (2..5).contains(&version) {
            let id = uuid::Uuid::parse_str(BACKFILLED_ID).expect("uuid");
            let columns = records::columns(&catalog, id).expect("columns");
            assert_eq!(
                columns.responsibility.as_deref(),
                Some("Vũ Trọng Phụng"),
                "from {version}"
            );
            assert_eq!(columns.authors, vec!["Vũ, Trọng Phụng"]);
            assert_eq!(columns.subjects, vec!["Tiểu thuyết"]);
            assert_eq!(columns.isbns, vec!["9780306406157"]);
            assert_eq!(
                records::find_by_isbn(&catalog, "0306406152").expect("find"),
                vec![id]
            );
            // The record whose MARC cannot be parsed keeps its bytes and empty columns.
            let r1: (Vec<u8>, String) = catalog
                .conn()
                .query_row(
                    "SELECT marc, authors FROM records WHERE id = 'r1'",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .expect("r1");
            assert_eq!(r1, (vec![0u8], "[]".to_string()));
        }
        if version >= 1 {
            assert_eq!(
                catalog.node_id().to_string(),
                "0193a1b2-0000-7000-8000-000000000001"
            );
            let backups: Vec<_> = fs::read_dir(dir.path())
                .expect("list")
                .filter_map(Result::ok)
                .filter(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with(&format!("old.db.v{version}-"))
                })
                .collect();
            assert_eq!(
                backups.len(),
                1,
                "one backup before upgrading from {version}"
            );
        }
    }
}

#[test]
fn the_hybrid_clock_resumes_after_the_last_logged_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("c.db");
    let clock = test_clock();
    let mut catalog = Catalog::open(&path, options_at(clock.clone())).expect("opens");
    catalog
        .write("a", |m| records::insert(m, &sample_record("1", "A")))
        .expect("insert");
    drop(catalog);
    // The machine's clock is set back a day before the next start.
    clock.set(datetime!(2026-11-25 07:00:00 UTC));
    let mut catalog = Catalog::open(&path, options_at(clock)).expect("reopens");
    catalog
        .write("a", |m| records::insert(m, &sample_record("2", "B")))
        .expect("insert");
    let log = changelog::recent(&catalog, 2).expect("log");
    assert!(
        log[0].hlc > log[1].hlc,
        "{} after {}",
        log[0].hlc,
        log[1].hlc
    );
}

#[test]
fn version_7_folds_the_names_of_patrons_registered_before_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("v6.db");
    catalog_at_version(&path, 6);
    {
        let conn = Connection::open(&path).expect("open");
        conn.execute_batch(
            "INSERT INTO patrons (id, barcode, name, category, expires_on, created_at, updated_at)
             VALUES ('0193a1b2-0000-7000-8000-0000000000c1', '200001', 'Nguyễn Văn An', 'adult',
                     '2030-01-01', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');",
        )
        .expect("v6 patron");
    }
    let catalog = Catalog::open(&path, options_at(test_clock())).expect("upgrades");
    assert_eq!(catalog.schema_version().expect("version"), SCHEMA_VERSION);
    let found = crate::circulation::patrons::search(&catalog, "an nguyen", 10).expect("search");
    assert_eq!(
        found.iter().map(|p| p.barcode.as_str()).collect::<Vec<_>>(),
        ["200001"]
    );
}

#[test]
fn checkpoints_run_beside_the_writer_and_stop_with_the_catalog() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut catalog = open_new(&dir);
    let autocheckpoint: i64 = catalog
        .conn()
        .pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0))
        .expect("pragma");
    assert_eq!(autocheckpoint, BACKSTOP_AUTOCHECKPOINT);
    assert!(catalog.checkpoints.running());
    for n in 0..3 * COMMITS_PER_CHECKPOINT {
        catalog
            .write("t", |m| {
                holdings::add_branch(
                    m,
                    &NewBranch {
                        code: format!("B{n}"),
                        name: format!("Chi nhánh {n}"),
                    },
                )
            })
            .expect("writes");
    }
    let path = catalog.path().to_path_buf();
    drop(catalog);
    // The thread is joined on drop, so nothing holds the file: it can go at once.
    let reopened = Catalog::open(&path, options_at(test_clock())).expect("reopens");
    let branches: i64 = reopened
        .conn()
        .query_row("SELECT count(*) FROM branches", [], |r| r.get(0))
        .expect("count");
    assert_eq!(branches as u64, 3 * COMMITS_PER_CHECKPOINT);
}

/// Every `hlc` in the log, in `seq` order.
fn hlcs(catalog: &Catalog) -> Vec<i64> {
    let mut stmt = catalog
        .conn()
        .prepare("SELECT hlc FROM change_log ORDER BY seq")
        .expect("prepare");
    stmt.query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn add_branch_as(catalog: &mut Catalog, code: &str) {
    catalog
        .write("t", |m| {
            holdings::add_branch(
                m,
                &NewBranch {
                    code: code.into(),
                    name: code.into(),
                },
            )
        })
        .expect("branch added");
}

#[test]
fn the_clock_resumes_after_the_last_entry_even_when_the_wall_clock_went_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("catalog.db");
    let clock = test_clock();
    let mut catalog = Catalog::open(&path, options_at(clock.clone())).expect("opens");
    add_branch_as(&mut catalog, "HK");
    drop(catalog);
    clock.set(datetime!(2026-11-26 06:00:00 UTC));
    let mut catalog = Catalog::open(&path, options_at(clock)).expect("reopens");
    add_branch_as(&mut catalog, "BD");
    let log = hlcs(&catalog);
    assert_eq!(log.len(), 2);
    assert!(log[0] < log[1], "{log:?}");
}

#[test]
fn two_programs_on_one_catalog_keep_the_clock_growing_with_the_log() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("catalog.db");
    let behind = test_clock();
    let ahead = Arc::new(ManualClock::new(datetime!(2026-11-26 09:00:00 UTC)));
    let mut first = Catalog::open(&path, options_at(behind)).expect("opens");
    let mut second = Catalog::open(&path, options_at(ahead)).expect("opens too");
    add_branch_as(&mut second, "HK");
    // The first program's clock is two hours behind and opened before that entry was made.
    add_branch_as(&mut first, "BD");
    let log = hlcs(&first);
    assert!(log[0] < log[1], "{log:?}");
}

#[test]
fn the_change_log_and_ledger_keep_their_rules_without_in_lists_or_an_hlc_index() {
    let dir = tempfile::tempdir().expect("temp dir");
    let catalog = open_new(&dir);
    let schema = |name: &str| -> String {
        catalog
            .conn()
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .expect("schema")
    };
    for table in ["change_log", "import_sources"] {
        assert!(!schema(table).contains(" IN ("), "{}", schema(table));
    }
    let hlc_index: i64 = catalog
        .conn()
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'change_log_hlc'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(hlc_index, 0);
    let insert = |operation: &str| {
        catalog.conn().execute(
            "INSERT INTO change_log (change_id, entity_type, entity_id, operation, payload, hlc,
                                     origin_node, user, recorded_at)
             VALUES (?1, 'record', 'r', ?2, '{}', 1, 'n', 'u', 't')",
            rusqlite::params![format!("c-{operation}"), operation],
        )
    };
    for good in ["create", "update", "delete"] {
        insert(good).expect("a known operation is accepted");
    }
    assert!(insert("upsert").is_err());
    assert!(insert("Create").is_err());
    let integrity: String = catalog
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity");
    assert_eq!(integrity, "ok");
}

/// A job for `write_each` that adds a branch and reports the change-log range it appended.
fn add_branch_job(
    code: &str,
) -> impl FnOnce(&mut Mutation<'_>) -> Result<Option<(i64, i64)>, CoreError> + '_ {
    move |m| {
        holdings::add_branch(
            m,
            &NewBranch {
                code: code.into(),
                name: code.into(),
            },
        )?;
        m.logged()
    }
}

#[test]
fn write_each_keeps_every_job_but_the_one_that_failed_and_that_one_leaves_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut catalog = open_new(&dir);
    add_branch_as(&mut catalog, "TT");
    let before = hlcs(&catalog);
    type Job<'a> = Box<dyn FnOnce(&mut Mutation<'_>) -> Result<Option<(i64, i64)>, CoreError> + 'a>;
    let jobs: Vec<(&str, Job)> = vec![
        ("kiosk-1", Box::new(add_branch_job("HK"))),
        // Writes a branch and its log entry, then fails: a half-done job.
        (
            "kiosk-2",
            Box::new(|m: &mut Mutation<'_>| {
                add_branch_job("BD")(m)?;
                add_branch_job("TT")(m)
            }),
        ),
        ("kiosk-3", Box::new(add_branch_job("CG"))),
    ];
    let results = catalog.write_each(jobs).expect("the group commits");
    assert_eq!(results.len(), 3);
    // Each job sees only its own entries: the failed job's were given back.
    assert_eq!(results[0].as_ref().expect("first kept"), &Some((1, 2)));
    assert!(
        // The branch code TT is taken: the unique index refuses the second insert.
        matches!(&results[1], Err(CoreError::Storage(_))),
        "{:?}",
        results[1]
    );
    assert_eq!(results[2].as_ref().expect("third kept"), &Some((2, 3)));
    let codes: Vec<String> = catalog
        .conn()
        .prepare("SELECT code FROM branches ORDER BY code")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("branches");
    assert_eq!(codes, ["CG", "HK", "TT"]);
    let log = changelog::recent(&catalog, 10).expect("log");
    let users: Vec<&str> = log.iter().rev().map(|e| e.user.as_str()).collect();
    assert_eq!(users, ["t", "kiosk-1", "kiosk-3"]);
    let seqs: Vec<i64> = log.iter().rev().map(|e| e.seq).collect();
    assert_eq!(seqs, [1, 2, 3]);
    let after = hlcs(&catalog);
    assert_eq!(after[0], before[0]);
    assert!(after.windows(2).all(|w| w[0] < w[1]), "{after:?}");
    // The clock goes on from the last kept entry.
    add_branch_as(&mut catalog, "LB");
    let last = hlcs(&catalog);
    assert!(last[3] > last[2], "{last:?}");
}

#[test]
fn write_each_stamps_after_another_programs_newer_entries() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("catalog.db");
    let ahead = Arc::new(ManualClock::new(datetime!(2026-11-26 09:00:00 UTC)));
    let mut behind = Catalog::open(&path, options_at(test_clock())).expect("opens");
    let mut other = Catalog::open(&path, options_at(ahead)).expect("opens too");
    add_branch_as(&mut other, "HK");
    // The first job fails after its first entry (which brought the clock past the other
    // program's); the next job must still stamp after that entry.
    type Job<'a> = Box<dyn FnOnce(&mut Mutation<'_>) -> Result<Option<(i64, i64)>, CoreError> + 'a>;
    let jobs: Vec<(&str, Job)> = vec![
        (
            "kiosk-1",
            Box::new(|m: &mut Mutation<'_>| {
                add_branch_job("BD")(m)?;
                add_branch_job("HK")(m)
            }),
        ),
        ("kiosk-2", Box::new(add_branch_job("CG"))),
        ("kiosk-3", Box::new(add_branch_job("LB"))),
    ];
    let results = behind.write_each(jobs).expect("commits");
    assert!(results[0].is_err());
    assert!(results[1].is_ok() && results[2].is_ok());
    let log = hlcs(&behind);
    assert_eq!(log.len(), 3);
    assert!(log.windows(2).all(|w| w[0] < w[1]), "{log:?}");
}

#[test]
fn write_each_with_no_jobs_commits_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut catalog = open_new(&dir);
    type Job = fn(&mut Mutation<'_>) -> Result<(), CoreError>;
    let results = catalog
        .write_each(Vec::<(&str, Job)>::new())
        .expect("nothing to do");
    assert!(results.is_empty());
    assert_eq!(catalog.summary().expect("summary").changes, 0);
}

/// Two programs writing one catalog: the desk's transaction has read and not yet written when
/// a SIP2 server's write commits. Each write takes the lock at its start, so the second waits
/// for the first instead of failing with "database is locked" on a snapshot gone stale.
#[test]
fn a_write_waits_for_another_connections_write_instead_of_failing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("shared.db");
    let mut desk = Catalog::open(&path, CatalogOptions::default()).expect("opens");
    let mut kiosk = Catalog::open(&path, CatalogOptions::default()).expect("opens again");
    let (started, wait) = std::sync::mpsc::channel();
    let desk_side = std::thread::spawn(move || {
        desk.write("desk", |m| {
            let before: i64 = m
                .conn()
                .query_row("SELECT count(*) FROM branches", [], |r| r.get(0))?;
            let _ = started.send(());
            std::thread::sleep(std::time::Duration::from_millis(300));
            holdings::add_branch(
                m,
                &NewBranch {
                    code: format!("D{before}"),
                    name: "Quầy".into(),
                },
            )
        })
    });
    wait.recv().expect("the desk's transaction began");
    let kiosk_write = kiosk.write("kiosk", |m| {
        holdings::add_branch(
            m,
            &NewBranch {
                code: "K".into(),
                name: "Máy tự phục vụ".into(),
            },
        )
    });
    let desk_write = desk_side.join().expect("desk thread");
    assert!(desk_write.is_ok(), "{desk_write:?}");
    assert!(kiosk_write.is_ok(), "{kiosk_write:?}");
    let branches: i64 = kiosk
        .conn()
        .query_row("SELECT count(*) FROM branches", [], |r| r.get(0))
        .expect("count");
    assert_eq!(branches, 2);
}

#[test]
fn a_new_catalog_has_16_kib_pages_and_an_older_one_keeps_its_4_kib() {
    let dir = tempfile::tempdir().expect("temp dir");
    let page_size = |catalog: &Catalog| -> i64 {
        catalog
            .conn()
            .pragma_query_value(None, "page_size", |r| r.get(0))
            .expect("pragma")
    };
    let catalog = open_new(&dir);
    assert_eq!(page_size(&catalog), PAGE_SIZE);
    drop(catalog);

    // A catalog made before the change: a 4 KiB database brought to the current schema.
    let old = dir.path().join("old.db");
    {
        let conn = Connection::open(&old).expect("sqlite");
        conn.pragma_update(None, "page_size", 4096)
            .expect("page size");
        conn.pragma_update(None, "journal_mode", "WAL")
            .expect("wal");
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .expect("application id");
        conn.execute_batch("CREATE TABLE placeholder (x); DROP TABLE placeholder;")
            .expect("first write fixes the page size");
    }
    let mut catalog = Catalog::open(&old, options_at(test_clock())).expect("opens");
    assert_eq!(page_size(&catalog), 4096);
    // The backup made before the upgrade is the catalog as it was, pages and all.
    let backup = fs::read_dir(dir.path())
        .expect("folder")
        .map(|e| e.expect("entry").path())
        .find(|p| p.to_string_lossy().ends_with(".bak"))
        .expect("a backup before the upgrade");
    let backup_page_size: i64 = Connection::open(&backup)
        .expect("backup opens")
        .pragma_query_value(None, "page_size", |r| r.get(0))
        .expect("pragma");
    assert_eq!(backup_page_size, 4096);
    catalog
        .write("t", |m| {
            holdings::add_branch(
                m,
                &NewBranch {
                    code: "HK".into(),
                    name: "Chi nhánh Hoàn Kiếm".into(),
                },
            )
        })
        .expect("writes");
    drop(catalog);
    let catalog = Catalog::open(&old, options_at(test_clock())).expect("opens again");
    assert_eq!(page_size(&catalog), 4096);
    assert_eq!(
        catalog
            .conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
            .expect("check"),
        "ok"
    );
}
