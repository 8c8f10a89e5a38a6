use std::path::PathBuf;
use std::sync::Arc;

use shelfmark_marc::{Leader, Record, iso2709, writer};
use time::macros::datetime;

use super::*;
use crate::clock::ManualClock;
use crate::store::CatalogOptions;

fn testdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/catalog/import/testdata")
        .join(name)
}

fn open(dir: &tempfile::TempDir) -> Catalog {
    let clock = Arc::new(ManualClock::new(datetime!(2026-11-26 07:00:00 UTC)));
    Catalog::open(dir.path().join("c.db"), CatalogOptions { clock }).expect("opens")
}

fn options(match_on: MatchOn, on_match: OnMatch) -> ImportOptions {
    ImportOptions {
        match_on,
        on_match,
        batch_size: 2,
        ..ImportOptions::default()
    }
}

fn import(catalog: &mut Catalog, path: &Path, options: &ImportOptions) -> ImportReport {
    let mut report = ImportReport::default();
    import_file(
        catalog,
        "importer",
        path,
        None,
        options,
        &mut report,
        |_| {},
    )
    .expect("imports");
    report
}

fn book(control: &str, title: &str, isbn: Option<&str>) -> Record {
    let mut r = Record::new(Leader::new('n', 'a', 'm'))
        .control("001", control)
        .and_then(|r| r.control("008", "250101s2019    vm            000 1 vie d"))
        .expect("control");
    if let Some(isbn) = isbn {
        r = r.data("020", [' ', ' '], &[('a', isbn)]).expect("020");
    }
    r.data("100", ['1', ' '], &[('a', "Nguyễn, Nhật Ánh,")])
        .and_then(|r| {
            r.data(
                "245",
                ['1', '0'],
                &[('a', title), ('c', "Nguyễn Nhật Ánh.")],
            )
        })
        .and_then(|r| r.data("650", [' ', '7'], &[('a', "Văn học thiếu nhi")]))
        .expect("data")
}

fn write_iso(dir: &tempfile::TempDir, name: &str, records: &[Record]) -> PathBuf {
    let path = dir.path().join(name);
    let file = std::fs::File::create(&path).expect("create");
    let mut out = writer(Format::Iso2709, file);
    for r in records {
        out.write_record(r).expect("write");
    }
    out.finish().expect("finish");
    path
}

fn count(catalog: &Catalog, sql: &str) -> i64 {
    catalog
        .conn()
        .query_row(sql, [], |r| r.get(0))
        .expect("count")
}

#[test]
fn utf8_iso2709_comes_back_byte_for_byte_with_every_column() {
    let dir = tempfile::tempdir().expect("dir");
    let records = vec![
        book("VN1", "Mắt biếc /", Some("978-604-123456-7")),
        book(
            "VN2",
            "Cho tôi xin một vé đi tuổi thơ /",
            Some("0-306-40615-2"),
        ),
        book("VN3", "Tôi thấy hoa vàng trên cỏ xanh /", None),
    ];
    let path = write_iso(&dir, "books.mrc", &records);
    let file = std::fs::read(&path).expect("read");
    let originals: Vec<&[u8]> = file.split_inclusive(|b| *b == 0x1D).collect();
    let mut catalog = open(&dir);
    let report = import(&mut catalog, &path, &ImportOptions::default());
    assert_eq!((report.read, report.added, report.failed), (3, 3, 0));
    for (original, record) in originals.iter().zip(&records) {
        let cn = record.control_number().expect("001");
        let ids = records::find_by_control_number(&catalog, cn).expect("find");
        assert_eq!(ids.len(), 1);
        assert_eq!(
            records::marc_bytes(&catalog, ids[0]).expect("bytes"),
            original.to_vec(),
            "{cn}"
        );
    }
    let id = records::find_by_isbn(&catalog, "9780306406157").expect("find")[0];
    let columns = records::columns(&catalog, id).expect("columns");
    assert_eq!(columns.control_number.as_deref(), Some("VN2"));
    assert_eq!(columns.responsibility.as_deref(), Some("Nguyễn Nhật Ánh"));
    assert_eq!(columns.authors, vec!["Nguyễn, Nhật Ánh"]);
    assert_eq!(columns.subjects, vec!["Văn học thiếu nhi"]);
    assert_eq!(columns.languages, vec!["vie"]);
    assert_eq!(columns.isbns, vec!["9780306406157"]);
    assert!(!columns.serial);
    // One create per record in the change log, by the importing user.
    assert_eq!(
        count(
            &catalog,
            "SELECT count(*) FROM change_log WHERE entity_type = 'record' AND operation = 'create' AND user = 'importer'"
        ),
        3
    );
}

#[test]
fn running_the_same_file_again_adds_nothing_whatever_the_match_policy() {
    let dir = tempfile::tempdir().expect("dir");
    let path = write_iso(
        &dir,
        "a.mrc",
        &[book("A1", "Một", None), book("A2", "Hai", None)],
    );
    let mut catalog = open(&dir);
    let none_add = options(MatchOn::None, OnMatch::Add);
    assert_eq!(import(&mut catalog, &path, &none_add).added, 2);
    let again = import(&mut catalog, &path, &none_add);
    assert_eq!((again.added, again.already_imported), (0, 2));
    assert_eq!(count(&catalog, "SELECT count(*) FROM records"), 2);
    // A different file with the same records is a new source: matching decides there.
    let copy = write_iso(
        &dir,
        "b.mrc",
        &[
            book("A1", "Một", None),
            book("A2", "Hai", None),
            book("A3", "Ba", None),
        ],
    );
    let other = import(
        &mut catalog,
        &copy,
        &options(MatchOn::ControlNumber, OnMatch::Skip),
    );
    assert_eq!((other.added, other.skipped), (1, 2));
}

#[test]
fn match_by_control_number_skips_overlays_or_adds() {
    let dir = tempfile::tempdir().expect("dir");
    let mut catalog = open(&dir);
    let first = write_iso(&dir, "first.mrc", &[book("CN1", "Old title", None)]);
    import(&mut catalog, &first, &ImportOptions::default());
    let original = records::find_by_control_number(&catalog, "CN1").expect("find")[0];

    let second = write_iso(&dir, "second.mrc", &[book("CN1", "New title", None)]);
    let skip = import(
        &mut catalog,
        &second,
        &options(MatchOn::ControlNumber, OnMatch::Skip),
    );
    assert_eq!((skip.added, skip.skipped, skip.overlaid), (0, 1, 0));
    assert_eq!(
        records::columns(&catalog, original).expect("c").title,
        "Old title"
    );

    let third = write_iso(&dir, "third.mrc", &[book("CN1", "Newer title", None)]);
    let overlay = import(
        &mut catalog,
        &third,
        &options(MatchOn::ControlNumber, OnMatch::Overlay),
    );
    assert_eq!((overlay.added, overlay.overlaid), (0, 1));
    assert_eq!(
        records::columns(&catalog, original).expect("c").title,
        "Newer title"
    );
    assert_eq!(
        count(
            &catalog,
            "SELECT count(*) FROM change_log WHERE entity_type = 'record' AND operation = 'update'"
        ),
        1
    );

    let fourth = write_iso(&dir, "fourth.mrc", &[book("CN1", "Another", None)]);
    let add = import(
        &mut catalog,
        &fourth,
        &options(MatchOn::ControlNumber, OnMatch::Add),
    );
    assert_eq!(add.added, 1);
    assert_eq!(
        records::find_by_control_number(&catalog, "CN1")
            .expect("f")
            .len(),
        2
    );
}

#[test]
fn match_by_isbn_treats_isbn_10_and_13_as_one_number() {
    let dir = tempfile::tempdir().expect("dir");
    let mut catalog = open(&dir);
    let first = write_iso(
        &dir,
        "first.mrc",
        &[book("X1", "Measurement", Some("978-0-306-40615-7"))],
    );
    import(&mut catalog, &first, &ImportOptions::default());
    let original = records::find_by_isbn(&catalog, "0306406152").expect("find")[0];

    // A different 001 and the ISBN-10 form: the same book.
    let second = write_iso(
        &dir,
        "second.mrc",
        &[book("Y9", "Measurement, 2nd look", Some("0-306-40615-2"))],
    );
    let skip = import(
        &mut catalog,
        &second,
        &options(MatchOn::Isbn, OnMatch::Skip),
    );
    assert_eq!((skip.added, skip.skipped), (0, 1));
    let overlay = import(
        &mut catalog,
        &second,
        &options(MatchOn::Isbn, OnMatch::Overlay),
    );
    // Same file, already in the ledger (as skipped): a re-run does nothing.
    assert_eq!((overlay.overlaid, overlay.already_imported), (0, 1));
    let third = write_iso(
        &dir,
        "third.mrc",
        &[book("Y9", "Measurement, 3rd look", Some("0306406152"))],
    );
    let overlay = import(
        &mut catalog,
        &third,
        &options(MatchOn::Isbn, OnMatch::Overlay),
    );
    assert_eq!(overlay.overlaid, 1);
    let columns = records::columns(&catalog, original).expect("columns");
    assert_eq!(columns.control_number.as_deref(), Some("Y9"));
    assert_eq!(columns.title, "Measurement, 3rd look");
    let fourth = write_iso(
        &dir,
        "fourth.mrc",
        &[book("Z1", "Copy", Some("9780306406157"))],
    );
    let add = import(&mut catalog, &fourth, &options(MatchOn::Isbn, OnMatch::Add));
    assert_eq!(add.added, 1);
    assert_eq!(
        records::find_by_isbn(&catalog, "978-0-306-40615-7")
            .expect("f")
            .len(),
        2
    );
    // Matching by control number would not have seen these as the same.
    let fifth = write_iso(
        &dir,
        "fifth.mrc",
        &[book("Q5", "Other", Some("0306406152"))],
    );
    let by_cn = import(
        &mut catalog,
        &fifth,
        &options(MatchOn::ControlNumber, OnMatch::Skip),
    );
    assert_eq!(by_cn.added, 1);
}

#[test]
fn koha_952_items_are_created_with_their_branches_and_a_duplicate_barcode_is_reported() {
    let dir = tempfile::tempdir().expect("dir");
    let mut catalog = open(&dir);
    let report = import(
        &mut catalog,
        &testdata("koha-952.mrk"),
        &ImportOptions::default(),
    );
    assert_eq!(
        (report.added, report.failed),
        (2, 0),
        "{:#?}",
        report.problems
    );
    assert_eq!(report.items_added, 3);
    assert_eq!(report.items_skipped, 2);
    // HK, BD (a holding branch) and NEWBR did not exist.
    assert_eq!(report.branches_created, 3);
    let kieu = records::find_by_control_number(&catalog, "KOHA-1").expect("find")[0];
    let items = holdings::items_of(&catalog, kieu).expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].barcode, "30000001");
    assert_eq!(items[0].branch_code, "HK");
    assert_eq!(items[0].location, "KM");
    assert_eq!(items[0].call_number.as_deref(), Some("895.922 NG-D"));
    assert_eq!(items[0].item_type, "BK");
    assert_eq!(items[0].status, "available");
    assert_eq!(items[0].local_number.as_deref(), Some("101"));
    assert_eq!(items[1].holding_branch_code.as_deref(), Some("BD"));
    assert_eq!(items[1].status, "not_for_loan");
    let so_do = records::find_by_control_number(&catalog, "KOHA-2").expect("find")[0];
    let items = holdings::items_of(&catalog, so_do).expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].branch_code, "NEWBR");
    let reasons: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert!(
        reasons.iter().any(|r| r.contains("record 2 (001 KOHA-2)")
            && r.contains("field 952")
            && r.contains("\"30000001\" is already used")
            && r.contains("item skipped, record imported")),
        "{reasons:#?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("no barcode")),
        "{reasons:#?}"
    );
    assert_eq!(
        count(
            &catalog,
            "SELECT count(*) FROM change_log WHERE entity_type = 'branch'"
        ),
        3
    );
    assert_eq!(
        count(
            &catalog,
            "SELECT count(*) FROM change_log WHERE entity_type = 'item'"
        ),
        3
    );
}

#[test]
fn marc_852_and_876_items_follow_their_links() {
    let dir = tempfile::tempdir().expect("dir");
    let mut catalog = open(&dir);
    let report = import(
        &mut catalog,
        &testdata("marc-852.mrk"),
        &ImportOptions::default(),
    );
    assert_eq!((report.added, report.items_added, report.failed), (2, 3, 0));
    let one = records::find_by_control_number(&catalog, "HOLD-1").expect("find")[0];
    let items = holdings::items_of(&catalog, one).expect("items");
    type Row<'a> = (&'a str, &'a str, &'a str, Option<&'a str>, Option<&'a str>);
    let summary: Vec<Row> = items
        .iter()
        .map(|i| {
            (
                i.barcode.as_str(),
                i.branch_code.as_str(),
                i.location.as_str(),
                i.call_number.as_deref(),
                i.local_number.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("H-0001", "HK", "KM", Some("621.3 MEA"), Some("item-76")),
            ("H-0002", "CG", "TN", Some("621.3 MEA c.2"), Some("item-77")),
        ]
    );
    let two = records::find_by_control_number(&catalog, "HOLD-2").expect("find")[0];
    let items = holdings::items_of(&catalog, two).expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(
        (items[0].barcode.as_str(), items[0].branch_code.as_str()),
        ("H-0003", "HK")
    );
    assert_eq!(items[0].item_type, "book");
}

#[test]
fn a_custom_mapping_replaces_the_built_in_ones() {
    let dir = tempfile::tempdir().expect("dir");
    let mut catalog = open(&dir);
    let map = HoldingsMap::from_json(
        "local.json",
        r#"{"name": "local", "item_tags": ["949"],
            "columns": {"barcode": [{"from": "item", "codes": ["i"]}],
                        "branch": [{"from": "item", "codes": ["m"]}]}}"#,
    )
    .expect("map");
    let record = book("L1", "Local", None)
        .data("949", [' ', ' '], &[('m', "MAIN"), ('i', "L-1")])
        .and_then(|r| r.data("952", [' ', ' '], &[('a', "HK"), ('p', "K-1")]))
        .expect("record");
    let path = write_iso(&dir, "local.mrc", &[record]);
    let report = import(
        &mut catalog,
        &path,
        &ImportOptions {
            holdings: vec![map],
            ..ImportOptions::default()
        },
    );
    assert_eq!(report.items_added, 1);
    let id = records::find_by_control_number(&catalog, "L1").expect("find")[0];
    let items = holdings::items_of(&catalog, id).expect("items");
    assert_eq!(
        (items[0].barcode.as_str(), items[0].branch_code.as_str()),
        ("L-1", "MAIN")
    );
}

#[test]
fn bad_records_are_reported_with_number_offset_and_the_rest_imported() {
    let dir = tempfile::tempdir().expect("dir");
    let good = iso2709::to_bytes(&book("G1", "Good", None)).expect("bytes");
    // Cut off inside its leader: nothing a careful reader can recover (a merely wrong base
    // address the reader repairs with a warning).
    let bad = b"00026nam  22000\x1d".to_vec();
    let path = dir.path().join("mixed.mrc");
    std::fs::write(&path, [good.clone(), bad, good.clone()].concat()).expect("write");
    let mut catalog = open(&dir);
    let report = import(&mut catalog, &path, &options(MatchOn::None, OnMatch::Add));
    assert_eq!((report.read, report.added, report.failed), (3, 2, 1));
    let problem = &report.problems[0];
    assert_eq!(problem.record, Some(2));
    assert_eq!(problem.offset, Some(good.len() as u64));
    assert_eq!(problem.outcome, ProblemOutcome::RecordRefused);
    assert!(
        problem.to_string().contains("mixed.mrc record 2"),
        "{problem}"
    );
}

#[test]
fn a_record_too_long_to_store_is_refused_alone_and_its_batch_goes_on() {
    let dir = tempfile::tempdir().expect("dir");
    let mut long = book("LONG", "Long", None);
    for _ in 0..12 {
        long = long
            .data("500", [' ', ' '], &[('a', &"x".repeat(9_000))])
            .expect("note");
    }
    let path = dir.path().join("long.mrk");
    let mut out = writer(Format::Mrk, std::fs::File::create(&path).expect("create"));
    for r in [
        book("S1", "Short", None),
        long,
        book("S2", "Short too", None),
    ] {
        out.write_record(&r).expect("write");
    }
    out.finish().expect("finish");
    let mut catalog = open(&dir);
    let report = import(&mut catalog, &path, &options(MatchOn::None, OnMatch::Add));
    assert_eq!(
        (report.added, report.failed),
        (2, 1),
        "{:#?}",
        report.problems
    );
    assert_eq!(report.problems[0].control_number.as_deref(), Some("LONG"));
    assert_eq!(count(&catalog, "SELECT count(*) FROM records"), 2);
    assert_eq!(count(&catalog, "SELECT count(*) FROM change_log"), 2);
}

#[test]
fn missing_and_unrecognizable_files_are_named_in_the_error() {
    let dir = tempfile::tempdir().expect("dir");
    let mut catalog = open(&dir);
    let mut report = ImportReport::default();
    let missing = dir.path().join("nowhere.mrc");
    let err = import_file(
        &mut catalog,
        "u",
        &missing,
        None,
        &ImportOptions::default(),
        &mut report,
        |_| {},
    )
    .expect_err("missing");
    assert!(matches!(err, CoreError::ImportSource { .. }), "{err}");
    assert!(err.to_string().contains("nowhere.mrc"), "{err}");
    let odd = dir.path().join("notes");
    std::fs::write(&odd, "hello").expect("write");
    let err = import_file(
        &mut catalog,
        "u",
        &odd,
        None,
        &ImportOptions::default(),
        &mut report,
        |_| {},
    )
    .expect_err("unknown");
    assert!(matches!(err, CoreError::UnknownFormat { .. }), "{err}");
    assert!(err.to_string().contains("--format"), "{err}");
}

/// Every record's hit and the whole catalog's facets, as the index beside `catalog` gives them.
fn index_view(catalog: &Catalog, index: &mut SearchIndex) -> crate::api::SearchResults {
    let mut results = index
        .search(
            catalog,
            &crate::api::SearchQuery {
                text: String::new(),
                offset: 0,
                limit: 100,
                sort: crate::api::SearchSort::Title,
                facets: true,
            },
        )
        .expect("search");
    for hit in &mut results.hits {
        hit.score = 0.0;
    }
    results
}

#[test]
fn the_index_fed_during_an_import_is_level_and_equals_a_rebuilt_one() {
    let dir = tempfile::tempdir().expect("dir");
    let mut catalog = open(&dir);
    // An empty catalog: the index is made and fed as batches commit (items, branches,
    // availability from Koha 952s included).
    let report = import(
        &mut catalog,
        &testdata("koha-952.mrk"),
        &ImportOptions::default(),
    );
    assert_eq!(report.added, 2);
    let mut fed = SearchIndex::current(&catalog)
        .expect("reads")
        .expect("level with the catalog, nothing left to catch up");
    let first = index_view(&catalog, &mut fed);
    assert_eq!(first.total, 2);
    drop(fed);
    // A level index is fed again: overlays replace documents (keeping the items' facets),
    // adds add them, and a write by someone else between two imports is caught up.
    catalog
        .write("cataloguer", |m| {
            records::insert(m, &book("OTHER-1", "Written between imports", None))
        })
        .expect("write");
    drop(update_search_index(&catalog, 1).expect("caught up"));
    let path = write_iso(
        &dir,
        "more.mrc",
        &[
            book("KOHA-1", "Truyện Kiều (overlaid)", None),
            book("NEW-1", "Mắt biếc", None),
            book("NEW-2", "Cho tôi xin một vé đi tuổi thơ", None),
        ],
    );
    let report = import(
        &mut catalog,
        &path,
        &options(MatchOn::ControlNumber, OnMatch::Overlay),
    );
    assert_eq!((report.added, report.overlaid), (2, 1));
    let mut fed = SearchIndex::current(&catalog)
        .expect("reads")
        .expect("level with the catalog");
    let fed_view = index_view(&catalog, &mut fed);
    drop(fed);
    let (mut rebuilt, _) = SearchIndex::rebuild(&catalog, |_, _| {}).expect("rebuilds");
    assert_eq!(fed_view, index_view(&catalog, &mut rebuilt));
    assert_eq!(fed_view.total, 5);
    assert!(
        fed_view.hits.iter().any(|h| h.title.contains("overlaid")),
        "{fed_view:#?}"
    );
}

#[test]
fn entries_another_writer_commits_between_batches_stop_the_fed_state_before_them() {
    let dir = tempfile::tempdir().expect("dir");
    let mut catalog = open(&dir);
    drop(SearchIndex::open(&catalog).expect("empty index"));
    let mut feed = Feed::start(&catalog).expect("starts").expect("level");
    // Two batches with someone else's entry between them: only the first is covered.
    let entry = |catalog: &mut Catalog, control: &str| {
        catalog
            .write("x", |m| {
                let id = records::insert(m, &book(control, control, None))?;
                Ok((id, m.logged()?.expect("logged")))
            })
            .expect("write")
    };
    let (a, (after, through)) = entry(&mut catalog, "A");
    let extracted = Extracted::of(&book("A", "A", None));
    feed.add(&a.to_string(), &extracted, &[], false)
        .expect("fed");
    feed.covers(after, through);
    entry(&mut catalog, "B");
    let (c, (after, through)) = entry(&mut catalog, "C");
    let extracted = Extracted::of(&book("C", "C", None));
    feed.add(&c.to_string(), &extracted, &[], false)
        .expect("fed");
    feed.covers(after, through);
    feed.finish(&catalog).expect("finishes");
    // B and C were never fed: the index is behind, and catching up finds them.
    assert!(SearchIndex::current(&catalog).expect("reads").is_none());
    let mut index = SearchIndex::open(&catalog).expect("caught up");
    assert_eq!(index_view(&catalog, &mut index).total, 3);
}

#[test]
fn a_barcode_repeated_in_one_record_makes_one_item_without_a_problem() {
    let dir = tempfile::tempdir().expect("dir");
    let mut catalog = open(&dir);
    let path = dir.path().join("twice.mrk");
    std::fs::write(
        &path,
        "=LDR  00000nam a2200000 a 4500\n=001  TWICE-1\n=245  10$aMột cuốn.\n\
         =952  \\\\$aHK$p40000001$yBK\n=952  \\\\$aHK$p40000002$yBK\n=952  \\\\$aHK$p40000001$yBK\n",
    )
    .expect("write");
    let report = import(&mut catalog, &path, &ImportOptions::default());
    assert_eq!(report.added, 1, "{:#?}", report.problems);
    assert_eq!((report.items_added, report.items_skipped), (2, 0));
    assert!(report.problems.is_empty(), "{:#?}", report.problems);
    assert_eq!(count(&catalog, "SELECT count(*) FROM items"), 2);
    assert_eq!(
        count(
            &catalog,
            "SELECT count(*) FROM change_log WHERE entity_type = 'item'"
        ),
        2
    );
}

fn index_names(catalog: &Catalog) -> Vec<String> {
    catalog
        .conn()
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

#[test]
fn a_large_import_sets_indexes_aside_and_builds_them_again() {
    let dir = tempfile::tempdir().expect("dir");
    let mut catalog = open(&dir);
    let before = index_names(&catalog);
    let books: Vec<Record> = (0..30)
        .map(|i| {
            book(
                &format!("L{i}"),
                &format!("Sách {}", 30 - i),
                Some("9786041234567"),
            )
        })
        .collect();
    let path = write_iso(&dir, "many.mrc", &books);
    // Every import counts as large here.
    let options = ImportOptions {
        set_aside_indexes_from: 0,
        ..options(MatchOn::ControlNumber, OnMatch::Skip)
    };
    let report = import(&mut catalog, &path, &options);
    assert_eq!(report.added, 30);
    assert_eq!(index_names(&catalog), before);
    assert_eq!(
        count(
            &catalog,
            "SELECT count(*) FROM catalog_meta WHERE key = 'deferred_indexes'"
        ),
        0
    );
    // The rebuilt indexes hold every record: the title list is whole and in order, and the
    // ISBN finds all thirty.
    let page = records::list(&catalog, 0, 100).expect("list");
    assert_eq!(page.rows.len(), 30);
    assert_eq!(page.rows[0].title, "Sách 1");
    assert_eq!(
        count(
            &catalog,
            "SELECT count(*) FROM record_identifiers INDEXED BY record_identifiers_value
              WHERE value = '9786041234567'"
        ),
        30
    );
    assert_eq!(
        count(
            &catalog,
            "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"
        ),
        0
    );
}

#[test]
fn an_import_puts_the_connections_settings_back() {
    let dir = tempfile::tempdir().expect("dir");
    let mut catalog = open(&dir);
    let setting = |catalog: &Catalog, name: &str| -> i64 {
        catalog
            .conn()
            .pragma_query_value(None, name, |r| r.get(0))
            .expect("pragma")
    };
    let before = (
        setting(&catalog, "cache_size"),
        setting(&catalog, "wal_autocheckpoint"),
    );
    let books: Vec<Record> = (0..3)
        .map(|i| book(&format!("S{i}"), &format!("Sách {i}"), None))
        .collect();
    let path = write_iso(&dir, "few.mrc", &books);
    let report = import(
        &mut catalog,
        &path,
        &options(MatchOn::ControlNumber, OnMatch::Skip),
    );
    assert_eq!(report.added, 3);
    // The desktop app's connection lives on: it keeps no bulk load's 192 MiB cache.
    assert_eq!(
        (
            setting(&catalog, "cache_size"),
            setting(&catalog, "wal_autocheckpoint")
        ),
        before
    );
    assert_ne!(before.0, -super::BULK_LOAD_CACHE_KIB);
}

#[test]
fn indexes_left_aside_by_a_killed_import_are_built_at_the_next_open() {
    let dir = tempfile::tempdir().expect("dir");
    let before = {
        let catalog = open(&dir);
        let before = index_names(&catalog);
        // What a large import does first; the program then dies before the end.
        let dropped = deferred::set_aside(
            catalog.conn(),
            &["records_sort_title", "record_identifiers_value"],
        )
        .expect("set aside");
        assert_eq!(dropped.len(), 2);
        assert_ne!(index_names(&catalog), before);
        before
    };
    let catalog = open(&dir);
    assert_eq!(index_names(&catalog), before);
}

#[test]
fn an_import_matching_on_isbns_keeps_their_index() {
    let dir = tempfile::tempdir().expect("dir");
    let catalog = open(&dir);
    let options = ImportOptions {
        set_aside_indexes_from: 0,
        ..options(MatchOn::Isbn, OnMatch::Skip)
    };
    let names = indexes_to_set_aside(&catalog, 10_000_000, &options).expect("names");
    assert_eq!(names, ["records_sort_title"]);
    let small = ImportOptions {
        set_aside_indexes_from: 50_000,
        ..options
    };
    // 1 MB is about a thousand records: too few to be worth it.
    assert!(
        indexes_to_set_aside(&catalog, 1_000_000, &small)
            .expect("names")
            .is_empty()
    );
}
