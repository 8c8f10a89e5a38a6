//! The review queue against a plain reading of the demo catalog, bulk determinations (all or
//! nothing), computing many, a record's rights tab, and the report's CSV.

use std::collections::HashMap;

use uuid::Uuid;

use super::*;
use crate::CatalogOptions;
use crate::demo::{self, DemoConfig};

fn demo_catalog(records: u64) -> (tempfile::TempDir, Catalog) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut catalog =
        Catalog::open(dir.path().join("demo.db"), CatalogOptions::default()).expect("opens");
    // Without the demo's own determinations and digital objects: every work starts never
    // evaluated, so each test knows what the queue holds.
    demo::build_plain(
        &mut catalog,
        "demo",
        DemoConfig { records, seed: 7 },
        |_| {},
    )
    .expect("demo");
    (dir, catalog)
}

fn query(filter: ReviewFilter, sort: ReviewSort, offset: u32, limit: u32) -> ReviewQuery {
    ReviewQuery {
        filter,
        sort,
        offset,
        limit,
    }
}

/// Every record's loans, year and sort title, read one by one.
fn plain(catalog: &Catalog) -> HashMap<String, (u64, Option<i32>, String)> {
    let mut stmt = catalog
        .conn()
        .prepare(
            "SELECT r.id, r.year, r.sort_title,
                    (SELECT COUNT(*) FROM loans l JOIN items i ON i.id = l.item_id
                     WHERE i.record_id = r.id)
             FROM records r",
        )
        .expect("query");
    stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            (r.get::<_, i64>(3)? as u64, r.get(1)?, r.get(2)?),
        ))
    })
    .expect("rows")
    .collect::<Result<_, _>>()
    .expect("read")
}

fn whole(catalog: &Catalog, filter: ReviewFilter, sort: ReviewSort) -> Vec<ReviewEntry> {
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let page = review_queue(catalog, &query(filter, sort, offset, 37)).expect("page");
        let n = page.entries.len() as u32;
        out.extend(page.entries);
        if n < 37 {
            assert_eq!(page.total, out.len() as u64);
            return out;
        }
        offset += n;
    }
}

#[test]
fn the_queue_lists_works_needing_review_in_each_order_page_by_page() {
    let (_dir, mut catalog) = demo_catalog(150);
    let facts = plain(&catalog);
    let ids = determinations::record_ids(&catalog).expect("ids");
    // Half the works computed; the rest never evaluated.
    let computed = compute_many(&mut catalog, "t", Some(&ids[..75])).expect("compute");
    assert_eq!(computed.records, 75);
    assert_eq!(computed.changed, 75);
    let und: u64 = computed
        .by_status
        .iter()
        .filter(|c| matches!(c.status, RightsStatus::Und | RightsStatus::Cne))
        .map(|c| c.count)
        .sum();

    let needs = whole(
        &catalog,
        ReviewFilter::NeedsReview,
        ReviewSort::MostBorrowed,
    );
    assert_eq!(needs.len() as u64, 75 + und);
    let never = whole(&catalog, ReviewFilter::NotEvaluated, ReviewSort::Title);
    assert_eq!(never.len(), 75);
    assert!(
        never
            .iter()
            .all(|e| e.status.is_none() && e.explanation_en.is_none())
    );
    let undetermined = whole(&catalog, ReviewFilter::Undetermined, ReviewSort::Oldest);
    assert!(
        undetermined
            .iter()
            .all(|e| e.status == Some(RightsStatus::Und)
                && e.explanation_en.as_deref().is_some_and(|x| !x.is_empty()))
    );

    // Each entry's loans are the record's loans, whichever order asked for them.
    for e in needs.iter().chain(&never) {
        assert_eq!(e.loans, facts[&e.record_id].0, "{}", e.title);
        assert_eq!(e.year, facts[&e.record_id].1);
        assert_eq!(e.digital_objects, 0);
    }
    assert!(needs.iter().any(|e| e.loans > 0), "the demo lends");
    assert!(
        needs.windows(2).all(|w| w[0].loans >= w[1].loans),
        "most borrowed first"
    );
    let by_title: Vec<&str> = never
        .iter()
        .map(|e| facts[&e.record_id].2.as_str())
        .collect();
    assert!(by_title.windows(2).all(|w| w[0] <= w[1]));
    let oldest = whole(&catalog, ReviewFilter::NeedsReview, ReviewSort::Oldest);
    let years: Vec<Option<i32>> = oldest.iter().map(|e| e.year).collect();
    let first_unknown = years
        .iter()
        .position(Option::is_none)
        .unwrap_or(years.len());
    assert!(
        years[first_unknown..].iter().all(Option::is_none),
        "unknown last"
    );
    assert!(years[..first_unknown].windows(2).all(|w| w[0] <= w[1]));
    // Without digital objects, digital first orders as most borrowed.
    let digital = whole(
        &catalog,
        ReviewFilter::NeedsReview,
        ReviewSort::DigitalFirst,
    );
    assert_eq!(
        digital.iter().map(|e| &e.record_id).collect::<Vec<_>>(),
        needs.iter().map(|e| &e.record_id).collect::<Vec<_>>()
    );

    let past = review_queue(
        &catalog,
        &query(ReviewFilter::NotEvaluated, ReviewSort::Title, 500, 10),
    )
    .expect("past the end");
    assert_eq!((past.total, past.entries.len()), (75, 0));
    for limit in [0, MAX_PAGE + 1] {
        let err = review_queue(
            &catalog,
            &query(ReviewFilter::NeedsReview, ReviewSort::Title, 0, limit),
        )
        .expect_err("page size");
        assert!(matches!(
            err,
            CoreError::InvalidInput {
                what: "page size",
                ..
            }
        ));
    }
}

#[test]
fn a_bulk_determination_is_all_or_nothing_and_leaves_the_queue() {
    let (_dir, mut catalog) = demo_catalog(40);
    let ids = determinations::record_ids(&catalog).expect("ids");
    let chosen: Vec<String> = ids[..3].iter().map(Uuid::to_string).collect();
    let log_count = |c: &Catalog| -> i64 {
        c.conn()
            .query_row("SELECT COUNT(*) FROM change_log", [], |r| r.get(0))
            .expect("count")
    };
    let log_before = log_count(&catalog);

    let mut request = BulkDetermination {
        record_ids: chosen.clone(),
        status: RightsStatus::InCEdu,
        reason: "   ".into(),
        access: None,
    };
    let err = catalog
        .write("lan", |m| bulk_set(m, &request))
        .expect_err("no reason");
    assert!(matches!(
        err,
        CoreError::InvalidInput { what: "reason", .. }
    ));

    let unknown = Uuid::now_v7().to_string();
    request.reason = "  Giấy phép của Sở Giáo dục, 2025 ".into();
    request.record_ids = vec![chosen[0].clone(), unknown.clone()];
    let err = catalog
        .write("lan", |m| bulk_set(m, &request))
        .expect_err("unknown");
    assert!(
        matches!(&err, CoreError::NotFound { value, .. } if value == &unknown),
        "{err:?}"
    );
    request.record_ids = vec!["not-an-id".into()];
    let err = catalog
        .write("lan", |m| bulk_set(m, &request))
        .expect_err("malformed");
    assert!(matches!(
        err,
        CoreError::InvalidInput {
            what: "record id",
            ..
        }
    ));
    assert!(
        determinations::current(&catalog, ids[0])
            .expect("read")
            .is_none(),
        "nothing stored"
    );

    // Twice the same id counts once; the access level is set with the same reason.
    request.record_ids = vec![
        chosen[0].clone(),
        chosen[1].clone(),
        chosen[2].clone(),
        chosen[0].clone(),
    ];
    request.access = Some(AccessLevel::Premises);
    let summary = catalog
        .write("lan", |m| bulk_set(m, &request))
        .expect("bulk");
    assert_eq!((summary.records, summary.changed), (3, 3));
    assert_eq!(
        summary.by_status,
        vec![StatusCount {
            status: RightsStatus::InCEdu,
            count: 3
        }]
    );
    for id in &ids[..3] {
        let d = determinations::current(&catalog, *id)
            .expect("read")
            .expect("current");
        assert_eq!(d.status, RightsStatus::InCEdu);
        assert_eq!(d.access, AccessLevel::Premises);
        assert_eq!(
            d.overridden_reason.as_deref(),
            Some("Giấy phép của Sở Giáo dục, 2025")
        );
        assert_eq!(
            d.access_reason.as_deref(),
            Some("Giấy phép của Sở Giáo dục, 2025")
        );
        assert_eq!(d.decided_by, "lan");
    }
    assert_eq!(log_count(&catalog), log_before + 6);
    let queue = whole(&catalog, ReviewFilter::NeedsReview, ReviewSort::Title);
    assert_eq!(queue.len(), 37);

    // The same decision again changes nothing; the rules leave it standing.
    request.access = None;
    let again = catalog
        .write("lan", |m| bulk_set(m, &request))
        .expect("again");
    assert_eq!(again.changed, 0);
    let computed = compute_many(&mut catalog, "t", Some(&ids[..3])).expect("compute");
    assert_eq!(computed.changed, 0);
    assert_eq!(computed.by_status[0].status, RightsStatus::InCEdu);
}

#[test]
fn the_rights_tab_shows_the_decision_the_history_and_what_the_rules_say() {
    let (_dir, mut catalog) = demo_catalog(20);
    let id = determinations::record_ids(&catalog).expect("ids")[0];
    let fresh = record_rights(&catalog, id).expect("tab");
    assert!(fresh.current.is_none() && fresh.history.is_empty());
    assert_eq!(fresh.computed.decided_by, RULES);

    compute_many(&mut catalog, "t", Some(&[id])).expect("compute");
    catalog
        .write("lan", |m| {
            determinations::set_status(
                m,
                id,
                RightsStatus::NoCUs,
                None,
                "published in the US before 1930",
            )?;
            set_access_level(m, id, Some(AccessLevel::Staff), "fragile scan")?;
            set_access_level(m, id, None, "scan checked")
        })
        .expect("decisions");
    let tab = record_rights(&catalog, id).expect("tab");
    let current = tab.current.expect("current");
    assert_eq!(current.status, RightsStatus::NoCUs);
    assert_eq!(current.access_reason, None, "follows the status again");
    assert!(current.explanation_en.contains("scan checked"));
    assert_eq!(
        tab.access,
        super::super::access::default_access(RightsStatus::NoCUs)
    );
    assert_eq!(tab.history.len(), 3);
    assert_eq!(
        tab.history[0].access_reason.as_deref(),
        Some("fragile scan"),
        "newest first"
    );
    assert_eq!(tab.history[2].decided_by, RULES);
    assert_eq!(tab.computed.decided_by, RULES);
    assert!(tab.computed.overridden_reason.is_none());

    let err = catalog
        .write("lan", |m| set_access_level(m, id, None, " "))
        .expect_err("reason");
    assert!(matches!(
        err,
        CoreError::InvalidInput { what: "reason", .. }
    ));
    assert!(matches!(
        record_rights(&catalog, Uuid::now_v7()),
        Err(CoreError::NotFound { .. })
    ));
}

#[test]
fn computing_every_work_goes_in_batches_and_counts_what_changed() {
    let (_dir, mut catalog) = demo_catalog(30);
    let all = compute_many(&mut catalog, "t", None).expect("all");
    assert_eq!((all.records, all.changed), (30, 30));
    assert_eq!(all.by_status.iter().map(|c| c.count).sum::<u64>(), 30);
    let again = compute_many(&mut catalog, "t", None).expect("again");
    assert_eq!(again.changed, 0);
    let err = compute_many(&mut catalog, "t", Some(&[Uuid::now_v7()])).expect_err("unknown");
    assert!(matches!(err, CoreError::NotFound { .. }));
}

#[test]
fn the_report_csv_is_tidy_utf8_with_a_bom_and_leaves_no_partial_file() {
    let (dir, mut catalog) = demo_catalog(30);
    compute_many(&mut catalog, "t", None).expect("compute");
    let report = super::super::report(&catalog, None).expect("report");
    let path = dir.path().join("quyền.csv");
    super::super::report_csv(&report, &path).expect("csv");
    let bytes = std::fs::read(&path).expect("read");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        rows.headers().expect("header").iter().collect::<Vec<_>>(),
        ["section", "key", "count", "detail"]
    );
    let rows: Vec<csv::StringRecord> = rows.records().collect::<Result<_, _>>().expect("rows");
    let find = |section: &str, key: &str| {
        rows.iter()
            .find(|r| &r[0] == section && &r[1] == key)
            .map(|r| (r[2].to_string(), r[3].to_string()))
    };
    assert_eq!(find("total", "records"), Some(("30".into(), String::new())));
    assert_eq!(
        find("report", "as_of").map(|r| r.1),
        Some(report.as_of.clone())
    );
    assert_eq!(
        rows.iter()
            .filter(|r| &r[0] == "public_domain_by_year")
            .count(),
        10
    );
    let statuses: u64 = rows
        .iter()
        .filter(|r| &r[0] == "by_status")
        .map(|r| r[2].parse::<u64>().expect("count"))
        .sum();
    assert_eq!(statuses, 30);
    assert!(!dir.path().join("quyền.csv.partial").exists());
    let missing = dir.path().join("no-such-dir").join("r.csv");
    assert!(matches!(
        super::super::report_csv(&report, &missing),
        Err(CoreError::WriteFile { .. })
    ));
}

#[test]
fn digital_first_puts_works_with_digital_copies_first() {
    let (dir, mut catalog) = demo_catalog(60);
    let needs = whole(
        &catalog,
        ReviewFilter::NeedsReview,
        ReviewSort::MostBorrowed,
    );
    // The least borrowed work waiting for review gets a scan's text.
    let last = needs.last().expect("a work to review").record_id.clone();
    let file = dir.path().join("trang-1.txt");
    std::fs::write(&file, "Truyện Kiều, trang đầu.").expect("write");
    crate::digital::attach(
        &mut catalog,
        "t",
        &crate::api::AttachRequest {
            record_id: last.clone(),
            path: file.display().to_string(),
            label: None,
            accessible_format: false,
        },
    )
    .expect("attach");
    let digital = whole(
        &catalog,
        ReviewFilter::NeedsReview,
        ReviewSort::DigitalFirst,
    );
    assert_eq!(digital[0].record_id, last);
    assert_eq!(digital[0].digital_objects, 1);
    assert!(digital[1..].iter().all(|e| e.digital_objects == 0));
    assert_eq!(digital.len(), needs.len());
}
