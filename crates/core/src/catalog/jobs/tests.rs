use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use shelfmark_marc::{Leader, Record, iso2709, writer};
use time::macros::datetime;

use super::*;
use crate::catalog::export::{self, ExportOptions, partial_path};
use crate::catalog::import::{ImportOptions, import_file};
use crate::clock::ManualClock;
use crate::demo::{self, DemoConfig};
use crate::store::CatalogOptions;

fn open(dir: &tempfile::TempDir) -> Catalog {
    let clock = Arc::new(ManualClock::new(datetime!(2026-11-26 07:00:00 UTC)));
    Catalog::open(dir.path().join("c.db"), CatalogOptions { clock }).expect("opens")
}

fn book(control: &str) -> Record {
    Record::new(Leader::new('n', 'a', 'm'))
        .control("001", control)
        .and_then(|r| r.control("008", "250101s2019    vm            000 1 vie d"))
        .and_then(|r| r.data("245", ['1', '0'], &[('a', &format!("Sách {control}"))]))
        .expect("record")
}

fn write_books(dir: &tempfile::TempDir, name: &str, n: usize) -> PathBuf {
    let path = dir.path().join(name);
    let mut out = writer(Format::Iso2709, File::create(&path).expect("create"));
    for i in 1..=n {
        out.write_record(&book(&format!("B{i:03}"))).expect("write");
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

fn import_all(catalog: &mut Catalog, path: &Path, options: &ImportOptions) -> ImportReport {
    let mut report = ImportReport::default();
    import_file(catalog, "t", path, None, options, &mut report, |_| {}).expect("imports");
    report
}

#[test]
fn preview_counts_good_and_unreadable_records_and_stores_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let good = iso2709::to_bytes(&book("G1")).expect("bytes");
    let bad = b"00026nam  22000\x1d".to_vec();
    let path = dir.path().join("mixed.mrc");
    std::fs::write(&path, [good.clone(), bad.clone(), good.clone()].concat()).expect("write");
    let catalog = open(&dir);
    let p = preview(&catalog, &path).expect("preview");
    assert_eq!(p.format, MarcFormat::Iso2709);
    assert_eq!((p.records, p.unreadable), (3, 1));
    assert_eq!(p.size_bytes, (2 * good.len() + bad.len()) as u64);
    assert_eq!(p.path, path.display().to_string());
    assert!(!p.imported_before);
    assert_eq!(count(&catalog, "SELECT count(*) FROM records"), 0);
    assert_eq!(count(&catalog, "SELECT count(*) FROM change_log"), 0);
}

#[test]
fn preview_knows_a_file_imported_before_by_its_content_not_its_name() {
    let dir = tempfile::tempdir().expect("dir");
    let path = write_books(&dir, "a.mrc", 3);
    let mut catalog = open(&dir);
    assert!(!preview(&catalog, &path).expect("preview").imported_before);
    import_all(&mut catalog, &path, &ImportOptions::default());
    assert!(preview(&catalog, &path).expect("preview").imported_before);
    // The same bytes under another name (and a format told by content) are the same source.
    let copy = dir.path().join("copy-without-extension");
    std::fs::copy(&path, &copy).expect("copy");
    let p = preview(&catalog, &copy).expect("preview");
    assert!(p.imported_before);
    assert_eq!((p.format, p.records), (MarcFormat::Iso2709, 3));
    // One record more: another source.
    let other = write_books(&dir, "b.mrc", 4);
    assert!(!preview(&catalog, &other).expect("preview").imported_before);
}

#[test]
fn preview_of_other_formats_counts_their_records() {
    let dir = tempfile::tempdir().expect("dir");
    let catalog = open(&dir);
    for format in Format::ALL {
        let path = dir.path().join(format!("five.{}", format.name()));
        let mut out = writer(format, File::create(&path).expect("create"));
        for i in 0..5 {
            out.write_record(&book(&format!("F{i}"))).expect("write");
        }
        out.finish().expect("finish");
        let p = preview(&catalog, &path).expect("preview");
        assert_eq!(Format::from(p.format), format);
        assert_eq!((p.records, p.unreadable), (5, 0), "{format:?}");
    }
}

#[test]
fn preview_names_the_file_when_missing_a_folder_or_of_no_known_format() {
    let dir = tempfile::tempdir().expect("dir");
    let catalog = open(&dir);
    let missing = dir.path().join("nowhere.mrc");
    let err = preview(&catalog, &missing).expect_err("missing");
    assert!(matches!(err, CoreError::ImportSource { .. }), "{err}");
    assert_eq!(err.code(), crate::api::ErrorCode::NotFound);
    assert!(err.to_string().contains("nowhere.mrc"), "{err}");
    let folder = dir.path().join("folder.mrc");
    std::fs::create_dir(&folder).expect("mkdir");
    let err = preview(&catalog, &folder).expect_err("folder");
    assert!(err.to_string().contains("folder"), "{err}");
    let odd = dir.path().join("notes");
    std::fs::write(&odd, "hello").expect("write");
    let err = preview(&catalog, &odd).expect_err("unknown");
    assert!(matches!(err, CoreError::UnknownFormat { .. }), "{err}");
}

#[test]
fn a_cancelled_import_keeps_whole_batches_and_a_rerun_completes_it_once() {
    let dir = tempfile::tempdir().expect("dir");
    let path = write_books(&dir, "ten.mrc", 10);
    let mut catalog = open(&dir);
    let cancel = Arc::new(AtomicBool::new(false));
    let options = ImportOptions {
        batch_size: 3,
        cancel: Some(cancel.clone()),
        ..ImportOptions::default()
    };
    let mut report = ImportReport::default();
    let mut progressed = Vec::new();
    import_file(&mut catalog, "t", &path, None, &options, &mut report, |p| {
        progressed.push(p.records);
        // Cancel pressed while the first batch's progress shows.
        cancel.store(true, Ordering::Relaxed);
    })
    .expect("a cancelled import is not an error");
    assert!(report.cancelled);
    assert_eq!(progressed, [3]);
    assert_eq!((report.read, report.added), (3, 3));
    assert_eq!(count(&catalog, "SELECT count(*) FROM records"), 3);
    assert_eq!(count(&catalog, "SELECT count(*) FROM import_sources"), 3);
    // Every record row has its creation in the change log, and nothing else is there.
    assert_eq!(
        count(
            &catalog,
            "SELECT count(*) FROM records r WHERE NOT EXISTS (SELECT 1 FROM change_log c
             WHERE c.entity_type = 'record' AND c.entity_id = r.id AND c.operation = 'create')"
        ),
        0
    );
    assert_eq!(count(&catalog, "SELECT count(*) FROM change_log"), 3);
    let integrity: String = catalog
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity");
    assert_eq!(integrity, "ok");
    let s = summary(&report);
    assert!(s.cancelled);
    assert_eq!((s.read, s.added), (3, 3));

    // The same file again, not cancelled: the rest goes in, nothing twice.
    let again = import_all(
        &mut catalog,
        &path,
        &ImportOptions {
            batch_size: 3,
            ..ImportOptions::default()
        },
    );
    assert!(!again.cancelled);
    assert_eq!((again.already_imported, again.added), (3, 7));
    assert_eq!(count(&catalog, "SELECT count(*) FROM records"), 10);
    assert_eq!(
        count(
            &catalog,
            "SELECT count(DISTINCT control_number) FROM records"
        ),
        10
    );
    assert_eq!(count(&catalog, "SELECT count(*) FROM change_log"), 10);
}

#[test]
fn an_import_cancelled_before_it_starts_writes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let path = write_books(&dir, "five.mrc", 5);
    let mut catalog = open(&dir);
    let options = ImportOptions {
        batch_size: 2,
        cancel: Some(Arc::new(AtomicBool::new(true))),
        ..ImportOptions::default()
    };
    let report = import_all(&mut catalog, &path, &options);
    assert!(report.cancelled);
    assert_eq!((report.read, report.added), (0, 0));
    assert_eq!(count(&catalog, "SELECT count(*) FROM records"), 0);
    // A flag never set changes nothing.
    let options = ImportOptions {
        batch_size: 2,
        cancel: Some(Arc::new(AtomicBool::new(false))),
        ..ImportOptions::default()
    };
    let report = import_all(&mut catalog, &path, &options);
    assert!(!report.cancelled);
    assert_eq!(report.added, 5);
}

#[test]
fn the_summary_carries_every_count_and_problem() {
    let dir = tempfile::tempdir().expect("dir");
    let good = iso2709::to_bytes(&book("G1")).expect("bytes");
    let path = dir.path().join("mixed.mrc");
    std::fs::write(&path, [good, b"00026nam  22000\x1d".to_vec()].concat()).expect("write");
    let mut catalog = open(&dir);
    let report = import_all(&mut catalog, &path, &ImportOptions::default());
    let s = summary(&report);
    assert_eq!((s.read, s.added, s.failed, s.cancelled), (2, 1, 1, false));
    assert_eq!(s.problems.len(), report.problems.len());
    let problem = &s.problems[0];
    assert_eq!(problem.record, Some(2));
    assert_eq!(problem.severity, IssueSeverity::Error);
    assert_eq!(problem.outcome, ProblemOutcomeKind::RecordRefused);
    assert_eq!(problem.reason, report.problems[0].reason);
}

#[test]
fn boundary_enums_convert_to_the_engines_and_back() {
    for format in Format::ALL {
        assert_eq!(Format::from(MarcFormat::from(format)), format);
    }
    assert_eq!(MatchOn::from(ImportMatch::None), MatchOn::None);
    assert_eq!(
        MatchOn::from(ImportMatch::ControlNumber),
        MatchOn::ControlNumber
    );
    assert_eq!(MatchOn::from(ImportMatch::Isbn), MatchOn::Isbn);
    assert_eq!(OnMatch::from(ImportOnMatch::Skip), OnMatch::Skip);
    assert_eq!(OnMatch::from(ImportOnMatch::Overlay), OnMatch::Overlay);
    assert_eq!(OnMatch::from(ImportOnMatch::Add), OnMatch::Add);
    let progress = ImportProgress {
        file_bytes: 100,
        bytes_read: 40,
        records: 7,
    };
    assert_eq!(
        import_progress(progress, 20),
        JobProgress {
            records: 7,
            records_total: 20,
            bytes_done: 40,
            bytes_total: 100
        }
    );
    assert_eq!(JobProgress::from(progress).records_total, 0);
}

fn demo_catalog(records: u64) -> (tempfile::TempDir, Catalog) {
    let dir = tempfile::tempdir().expect("dir");
    let mut catalog = open(&dir);
    demo::build(&mut catalog, "t", DemoConfig { records, seed: 3 }, |_| {}).expect("demo");
    (dir, catalog)
}

#[test]
fn a_cancelled_export_leaves_no_partial_and_an_existing_file_untouched() {
    let (dir, catalog) = demo_catalog(2_500);
    let out = dir.path().join("all.mrc");
    std::fs::write(&out, b"an older export").expect("write");
    let cancel = Arc::new(AtomicBool::new(false));
    let options = ExportOptions {
        format: Format::Iso2709,
        query: None,
        cancel: Some(cancel.clone()),
        with_rights: true,
    };
    let mut seen = Vec::new();
    let report = export::export(&catalog, &options, &out, |p| {
        seen.push(p);
        cancel.store(true, Ordering::Relaxed);
    })
    .expect("a cancelled export is not an error");
    assert!(report.cancelled);
    assert_eq!(report.written, 1_000);
    assert_eq!(seen.len(), 1);
    assert_eq!((seen[0].records, seen[0].records_total), (1_000, 2_500));
    assert!(seen[0].bytes_written > 0);
    assert!(!partial_path(&out).exists());
    assert_eq!(std::fs::read(&out).expect("read"), b"an older export");
    let s = export_summary(&report, &out);
    assert!(s.cancelled);
    assert_eq!(s.records, 1_000);
    assert_eq!(s.path, out.display().to_string());
}

#[test]
fn a_finished_export_reports_its_progress_and_summary() {
    let (dir, catalog) = demo_catalog(1_200);
    let out = dir.path().join("books.jsonl");
    let books: u64 = count(
        &catalog,
        "SELECT count(*) FROM records WHERE material_type = 'book'",
    ) as u64;
    let options = ExportOptions {
        format: Format::JsonLines,
        query: Some("type:book".into()),
        cancel: Some(Arc::new(AtomicBool::new(false))),
        with_rights: true,
    };
    let mut last = None;
    let report = export::export(&catalog, &options, &out, |p| last = Some(p)).expect("exports");
    assert!(!report.cancelled);
    assert_eq!(report.written, books);
    let last = last.expect("progress at the end");
    assert_eq!((last.records, last.records_total), (books, books));
    assert_eq!(
        last.bytes_written,
        std::fs::metadata(&out).expect("meta").len()
    );
    let job = JobProgress::from(last);
    assert_eq!((job.records, job.records_total), (books, books));
    let s = export_summary(&report, &out);
    assert_eq!((s.records, s.cancelled), (books, false));
}
