//! The table of real cases (`cases.json`) and the determinations' life in a catalog: history,
//! overrides, the change log, access and the print-disability exception, export.

use std::sync::Arc;

use serde::Deserialize;
use shelfmark_marc::{Leader, Record};
use time::macros::datetime;
use uuid::Uuid;

use super::jurisdiction::{self, Jurisdiction};
use super::{access, compute, determinations, inputs, marc};
use crate::api::{AccessBasis, AccessLevel, ReaderContext, RightsStatus};
use crate::catalog::records;
use crate::changelog::{self, EntityType};
use crate::{Catalog, CatalogOptions, ManualClock};

#[derive(Debug, Deserialize)]
struct Author {
    tag: String,
    name: String,
    dates: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Statement {
    ind2: String,
    c: String,
}

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    reason: String,
    expect_status: String,
    expect_rule: String,
    expect_public_domain_from: Option<String>,
    #[serde(default)]
    jurisdiction: Option<String>,
    #[serde(default)]
    as_of: Option<String>,
    #[serde(default)]
    leader6: Option<String>,
    #[serde(default)]
    bib_level: Option<String>,
    #[serde(default)]
    f007: Option<String>,
    #[serde(default)]
    date_type: Option<String>,
    #[serde(default)]
    date1: Option<String>,
    #[serde(default)]
    date2: Option<String>,
    #[serde(default)]
    type33: Option<String>,
    #[serde(default)]
    authors: Vec<Author>,
    #[serde(default)]
    corporate: Vec<String>,
    #[serde(default)]
    f245c: Option<String>,
    #[serde(default)]
    f260c: Option<String>,
    #[serde(default)]
    f264: Vec<Statement>,
    #[serde(default)]
    f542: Vec<(String, String)>,
}

#[derive(Debug, Deserialize)]
struct Cases {
    cases: Vec<Case>,
}

fn ch(s: &Option<String>, default: char) -> char {
    s.as_deref()
        .and_then(|s| s.chars().next())
        .unwrap_or(default)
}

fn record_of(case: &Case) -> Record {
    let mut f008: Vec<char> = "000101s        vm            000 0 vie d".chars().collect();
    f008[6] = ch(&case.date_type, 's');
    for (i, c) in case.date1.as_deref().unwrap_or("    ").chars().enumerate() {
        f008[7 + i] = c;
    }
    for (i, c) in case.date2.as_deref().unwrap_or("    ").chars().enumerate() {
        f008[11 + i] = c;
    }
    f008[33] = ch(&case.type33, f008[33]);
    let f008: String = f008.into_iter().collect();
    let mut r = Record::new(Leader::new(
        'n',
        ch(&case.leader6, 'a'),
        ch(&case.bib_level, 'm'),
    ))
    .control("001", "case")
    .expect("001");
    if let Some(v) = &case.f007 {
        r = r.control("007", v.as_str()).expect("007");
    }
    r = r.control("008", f008.as_str()).expect("008");
    for a in &case.authors {
        let mut subs = vec![('a', a.name.as_str())];
        if let Some(d) = &a.dates {
            subs.push(('d', d.as_str()));
        }
        let ind1 = '1';
        r = r.data(&a.tag, [ind1, ' '], &subs).expect("author");
    }
    for c in &case.corporate {
        r = r
            .data("110", ['2', ' '], &[('a', c.as_str())])
            .expect("110");
    }
    let mut f245 = vec![('a', case.name.as_str())];
    if let Some(c) = &case.f245c {
        f245.push(('c', c.as_str()));
    }
    r = r.data("245", ['1', '0'], &f245).expect("245");
    if let Some(c) = &case.f260c {
        r = r
            .data("260", [' ', ' '], &[('c', c.as_str())])
            .expect("260");
    }
    for s in &case.f264 {
        let ind2 = s.ind2.chars().next().unwrap_or('1');
        r = r
            .data("264", [' ', ind2], &[('c', s.c.as_str())])
            .expect("264");
    }
    if !case.f542.is_empty() {
        let subs: Vec<(char, &str)> = case
            .f542
            .iter()
            .map(|(c, v)| (c.chars().next().unwrap_or('n'), v.as_str()))
            .collect();
        r = r.data("542", ['1', ' '], &subs).expect("542");
    }
    r
}

fn jurisdiction_named(id: &str) -> Jurisdiction {
    jurisdiction::built_in()
        .into_iter()
        .find(|j| j.id == id)
        .expect("a built-in jurisdiction")
}

#[test]
fn the_table_of_real_cases_gives_the_known_answers() {
    let cases: Cases = serde_json::from_str(include_str!("cases.json")).expect("cases.json reads");
    assert!(cases.cases.len() >= 30, "at least 30 cases");
    let mut failures = Vec::new();
    for case in &cases.cases {
        let j = jurisdiction_named(case.jurisdiction.as_deref().unwrap_or("vn"));
        let as_of =
            determinations::parse_date(case.as_of.as_deref().unwrap_or("2026-06-01")).expect("day");
        let record = record_of(case);
        let (inputs, work_type) = inputs::read(&record);
        let outcome = match inputs::not_one_work(&record) {
            Some((vi, en)) => compute::not_evaluated(&j, vi, en),
            None => compute::compute(&j, &inputs, work_type, as_of),
        };
        let got = (
            outcome.status.as_str().to_string(),
            outcome.public_domain_from.map(determinations::date_text),
            outcome.rule.clone(),
        );
        let want = (
            case.expect_status.clone(),
            case.expect_public_domain_from.clone(),
            case.expect_rule.clone(),
        );
        assert!(
            !outcome.explanation_en.is_empty() && !outcome.explanation_vi.is_empty(),
            "{}: explains itself",
            case.name
        );
        if got != want {
            failures.push(format!(
                "{} ({}): got {got:?}, want {want:?}; {}",
                case.name, case.reason, outcome.explanation_en
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_library_jurisdiction_may_presume_old_works_free() {
    let mut j = jurisdiction_named("vn");
    j.id = "vn-presume".into();
    j.presumed_public_domain_after_publication_years = Some(150);
    let case = Case {
        name: "Chinh phụ ngâm".into(),
        reason: String::new(),
        expect_status: String::new(),
        expect_rule: String::new(),
        expect_public_domain_from: None,
        jurisdiction: None,
        as_of: None,
        leader6: None,
        bib_level: None,
        f007: None,
        date_type: None,
        date1: Some("1740".into()),
        date2: None,
        type33: None,
        authors: vec![Author {
            tag: "100".into(),
            name: "Đặng Trần Côn".into(),
            dates: None,
        }],
        corporate: vec![],
        f245c: None,
        f260c: None,
        f264: vec![],
        f542: vec![],
    };
    let (inputs, wt) = inputs::read(&record_of(&case));
    let day = determinations::parse_date("2026-06-01").expect("day");
    let presumed = compute::compute(&j, &inputs, wt, day);
    assert_eq!(presumed.status, RightsStatus::PublicDomain);
    assert_eq!(presumed.rule, "vn-presume.presumption");
    let strict = compute::compute(&jurisdiction_named("vn"), &inputs, wt, day);
    assert_eq!(strict.status, RightsStatus::Und);
}

fn catalog() -> (tempfile::TempDir, Catalog) {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = Arc::new(ManualClock::new(datetime!(2026-03-01 03:00 UTC)));
    let catalog = Catalog::open(dir.path().join("c.db"), CatalogOptions { clock }).expect("opens");
    (dir, catalog)
}

fn book(author: &str, dates: &str, year: &str) -> Record {
    let f008 = format!("000101s{year}    vm            000 0 vie d");
    Record::new(Leader::new('n', 'a', 'm'))
        .control("001", format!("cn-{author}").as_str())
        .expect("001")
        .control("008", f008.as_str())
        .expect("008")
        .data("100", ['1', ' '], &[('a', author), ('d', dates)])
        .expect("100")
        .data("245", ['1', '0'], &[('a', "Tác phẩm")])
        .expect("245")
}

#[test]
fn overrides_keep_a_logged_history_and_the_rules_leave_them_standing() {
    let (_dir, mut catalog) = catalog();
    let id: Uuid = catalog
        .write("t", |m| {
            records::insert(m, &book("Tô Hoài", "1920-2014", "1941"))
        })
        .expect("insert");
    let first = catalog
        .write("t", |m| determinations::compute_record(m, id))
        .expect("compute");
    assert_eq!(first.status, RightsStatus::InC);
    assert_eq!(first.public_domain_from.as_deref(), Some("2065-01-01"));
    assert_eq!(first.access, AccessLevel::Premises);
    // Computing again says nothing new: no second row.
    catalog
        .write("t", |m| determinations::compute_record(m, id))
        .expect("again");
    assert_eq!(determinations::history(&catalog, id).expect("h").len(), 1);
    let err = catalog
        .write("lan", |m| {
            determinations::set_status(m, id, RightsStatus::InCEdu, None, "  ")
        })
        .expect_err("a reason is required");
    assert!(err.to_string().contains("reason"), "{err}");
    let set = catalog
        .write("lan", |m| {
            determinations::set_status(
                m,
                id,
                RightsStatus::InCEdu,
                None,
                "licence from the heirs, 2024",
            )
        })
        .expect("set");
    assert_eq!(set.decided_by, "lan");
    assert_eq!(set.access, AccessLevel::Registered);
    let kept = catalog
        .write("t", |m| determinations::compute_record(m, id))
        .expect("compute after override");
    assert_eq!(
        kept.status,
        RightsStatus::InCEdu,
        "the person's decision stands"
    );
    let history = determinations::history(&catalog, id).expect("history");
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].status, RightsStatus::InC);
    assert_eq!(
        determinations::current(&catalog, id)
            .expect("cur")
            .map(|d| d.status),
        Some(RightsStatus::InCEdu)
    );
    let logged = changelog::recent(&catalog, 10)
        .expect("log")
        .into_iter()
        .filter(|e| e.entity_type == EntityType::Determination)
        .count();
    assert_eq!(logged, 2);
    let dark = catalog
        .write("lan", |m| {
            determinations::set_access(m, id, AccessLevel::Dark, "preservation master")
        })
        .expect("access");
    assert_eq!(dark.status, RightsStatus::InCEdu);
    assert_eq!(
        access::effective_access(&catalog, id).expect("eff"),
        AccessLevel::Dark
    );
}

#[test]
fn access_is_enforced_per_level_and_a_print_disabled_reader_may_open_an_audiobook() {
    let (_dir, mut catalog) = catalog();
    let audiobook = Record::new(Leader::new('n', 'i', 'm'))
        .control("008", "000101s2010    vm            000 0 vie d")
        .expect("008")
        .data(
            "100",
            ['1', ' '],
            &[('a', "Nguyễn Nhật Ánh"), ('d', "1955-")],
        )
        .expect("100")
        .data(
            "245",
            ['1', '0'],
            &[('a', "Cho tôi xin một vé đi tuổi thơ")],
        )
        .expect("245");
    let (book_id, audio_id) = catalog
        .write("t", |m| {
            let b = records::insert(m, &book("Nguyễn Nhật Ánh", "1955-", "2008"))?;
            let a = records::insert(m, &audiobook)?;
            determinations::set_status(m, b, RightsStatus::InC, None, "author living")?;
            determinations::set_status(m, a, RightsStatus::InC, None, "author living")?;
            Ok((b, a))
        })
        .expect("records");
    let reader = ReaderContext {
        registered: true,
        on_premises: false,
        staff: false,
        print_disabled: false,
    };
    let blind = ReaderContext {
        print_disabled: true,
        ..reader
    };
    let no = access::may_open(&catalog, audio_id, reader).expect("decide");
    assert!(!no.allowed);
    assert_eq!(no.basis, AccessBasis::NotOnPremises);
    let yes = access::may_open(&catalog, audio_id, blind).expect("decide");
    assert!(yes.allowed);
    assert_eq!(yes.basis, AccessBasis::PrintDisabilityException);
    assert!(
        yes.citation
            .as_deref()
            .is_some_and(|c| c.contains("Marrakesh"))
    );
    // The exception is for accessible formats: the printed book's scan stays closed.
    assert!(
        !access::may_open(&catalog, book_id, blind)
            .expect("d")
            .allowed
    );
    let on_site = ReaderContext {
        on_premises: true,
        ..reader
    };
    assert!(
        access::may_open(&catalog, book_id, on_site)
            .expect("d")
            .allowed
    );
    let staff = ReaderContext {
        staff: true,
        ..ReaderContext::default()
    };
    assert!(
        access::may_open(&catalog, book_id, staff)
            .expect("d")
            .allowed
    );
    catalog
        .write("t", |m| {
            determinations::set_status(
                m,
                book_id,
                RightsStatus::PublicDomain,
                None,
                "heirs released it",
            )
        })
        .expect("pd");
    let anyone = access::may_open(&catalog, book_id, ReaderContext::default()).expect("d");
    assert!(anyone.allowed);
    assert_eq!(anyone.basis, AccessBasis::OpenAccess);
}

#[test]
fn exported_records_carry_the_determination() {
    let (dir, mut catalog) = catalog();
    let id = catalog
        .write("t", |m| {
            records::insert(m, &book("Nam Cao", "1915-1951", "1941"))
        })
        .expect("insert");
    catalog
        .write("t", |m| determinations::compute_record(m, id))
        .expect("compute");
    let out = dir.path().join("out.mrk");
    let options = crate::catalog::export::ExportOptions {
        format: shelfmark_marc::Format::Mrk,
        query: None,
        cancel: None,
        with_rights: true,
    };
    crate::catalog::export::export(&catalog, &options, &out, |_| {}).expect("export");
    let text = std::fs::read_to_string(&out).expect("read");
    assert!(text.contains("=542"), "{text}");
    assert!(
        text.contains("creativecommons.org/publicdomain/mark/1.0/"),
        "{text}"
    );
    assert!(text.contains("=506  0"), "{text}");
    assert!(text.contains("=540"), "{text}");
    // Read back, the record's own 542 is an input again and nothing is repeated.
    let mut record = records::marc(&catalog, id).expect("marc");
    let d = determinations::current(&catalog, id)
        .expect("cur")
        .expect("some");
    marc::annotate(&mut record, &d).expect("annotate");
    marc::annotate(&mut record, &d).expect("again");
    assert_eq!(record.fields_with_tag("542").count(), 1);
    let (inputs, _) = inputs::read(&record);
    assert_eq!(inputs.stated_status, Some(RightsStatus::PublicDomain));
    let without = crate::catalog::export::ExportOptions {
        with_rights: false,
        ..options
    };
    crate::catalog::export::export(&catalog, &without, &out, |_| {}).expect("export");
    assert!(
        !std::fs::read_to_string(&out)
            .expect("read")
            .contains("=542")
    );
}

#[test]
fn the_report_counts_statuses_and_next_years_entries() {
    let (_dir, mut catalog) = catalog();
    catalog
        .write("t", |m| {
            // Died 1976: protected to the end of 2026, free from 1 January 2027.
            let a = records::insert(m, &book("Tác giả Ba", "1900-1976", "1950"))?;
            let b = records::insert(m, &book("Nam Cao", "1915-1951", "1941"))?;
            records::insert(m, &book("Ai đó", "1950-", "1990"))?;
            determinations::compute_record(m, a)?;
            determinations::compute_record(m, b)?;
            Ok(())
        })
        .expect("records");
    let report = super::report(&catalog, None).expect("report");
    assert_eq!(report.records, 3);
    assert_eq!(report.not_evaluated, 1);
    assert_eq!(report.next_public_domain_day, "2027-01-01");
    assert_eq!(report.entering_public_domain.len(), 1);
    let years: Vec<(i32, u64)> = report
        .public_domain_by_year
        .iter()
        .map(|y| (y.year, y.count))
        .collect();
    assert_eq!(years.len(), 10);
    assert_eq!(years[0], (2027, 1));
    assert!(years[1..].iter().all(|&(_, n)| n == 0), "{years:?}");
    assert_eq!(years[9].0, 2036);
    let count = |s: RightsStatus| {
        report
            .by_status
            .iter()
            .find(|c| c.status == s)
            .map_or(0, |c| c.count)
    };
    assert_eq!(count(RightsStatus::PublicDomain), 1);
    assert_eq!(count(RightsStatus::InC), 1);
    assert_eq!(count(RightsStatus::Cne), 1);
}

#[test]
fn a_library_adds_and_chooses_a_jurisdiction() {
    let (_dir, mut catalog) = catalog();
    let mut j = jurisdiction_named("berne");
    j.id = "lib".into();
    let text = serde_json::to_string(&j).expect("json");
    catalog
        .write("t", |m| {
            jurisdiction::add(m, &text)?;
            jurisdiction::set_current(m, "lib")
        })
        .expect("add");
    assert_eq!(jurisdiction::current(&catalog).expect("cur").id, "lib");
    assert!(
        catalog
            .write("t", |m| jurisdiction::set_current(m, "nowhere"))
            .is_err()
    );
}

#[test]
fn statuses_read_their_ids_and_uris() {
    assert_eq!(RightsStatus::ALL.len(), 13);
    for s in RightsStatus::ALL {
        assert_eq!(RightsStatus::parse(s.as_str()), Some(s));
        assert_eq!(RightsStatus::parse(s.uri()), Some(s));
        assert_eq!(
            serde_json::to_value(s).expect("json"),
            serde_json::json!(s.as_str())
        );
    }
    assert_eq!(RightsStatus::parse("pd"), Some(RightsStatus::PublicDomain));
    assert_eq!(
        RightsStatus::parse("https://rightsstatements.org/vocab/NoC-US/1.0"),
        Some(RightsStatus::NoCUs)
    );
}
