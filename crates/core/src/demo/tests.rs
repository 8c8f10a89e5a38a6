use super::*;
use crate::CatalogOptions;

fn build_demo(records: u64, seed: u64) -> (tempfile::TempDir, Catalog, DemoReport) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut catalog =
        Catalog::open(dir.path().join("demo.db"), CatalogOptions::default()).expect("opens");
    let report =
        build(&mut catalog, "demo", DemoConfig { records, seed }, |_| {}).expect("demo builds");
    (dir, catalog, report)
}

fn all_rows(catalog: &Catalog) -> Vec<(String, String, Vec<u8>)> {
    let mut stmt = catalog
        .conn()
        .prepare("SELECT control_number, title, marc FROM records ORDER BY control_number")
        .expect("query");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("read")
}

#[test]
fn the_same_seed_gives_the_same_catalog_and_another_seed_does_not() {
    let (_a, first, report) = build_demo(300, 42);
    let (_b, second, _) = build_demo(300, 42);
    let (_c, other, _) = build_demo(300, 43);
    assert_eq!(report.records, 300);
    assert_eq!(all_rows(&first), all_rows(&second));
    assert_ne!(all_rows(&first), all_rows(&other));
    let barcodes = |c: &Catalog| -> Vec<String> {
        let mut stmt = c
            .conn()
            .prepare("SELECT barcode FROM items ORDER BY barcode")
            .expect("q");
        stmt.query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("read")
    };
    assert_eq!(barcodes(&first), barcodes(&second));
}

#[test]
fn about_sixty_percent_vietnamese_with_every_material_type() {
    let (_d, catalog, report) = build_demo(2_000, 1);
    let count = |sql: &str| -> i64 {
        catalog
            .conn()
            .query_row(sql, [], |r| r.get(0))
            .expect("count")
    };
    let vietnamese = count("SELECT count(*) FROM records WHERE marc LIKE '%vie d%'");
    assert!(
        (1_050..=1_350).contains(&vietnamese),
        "{vietnamese} of 2000 Vietnamese"
    );
    for material in ["book", "ebook", "audiobook", "serial"] {
        let n = count(&format!(
            "SELECT count(*) FROM records WHERE material_type = '{material}'"
        ));
        assert!(n >= 100, "{n} {material} records");
    }
    assert_eq!(
        count("SELECT count(DISTINCT barcode) FROM items") as u64,
        report.items
    );
    assert_eq!(count("SELECT count(DISTINCT branch_id) FROM items"), 5);
    assert_eq!(count("SELECT count(DISTINCT category) FROM patrons"), 5);
    assert_eq!(report.patrons, 100);
    let diacritics = count(
        "SELECT count(*) FROM records WHERE title LIKE '%đ%' OR title LIKE '%ư%' OR title LIKE '%ơ%'",
    );
    assert!(diacritics > 100, "{diacritics} titles with đ, ư or ơ");
}

#[test]
fn decomposed_records_keep_their_bytes_but_have_nfc_columns() {
    let (_d, catalog, _) = build_demo(200, 5);
    let rows = all_rows(&catalog);
    let decomposed: Vec<_> = rows
        .iter()
        .filter(|(_, _, marc)| {
            let text = String::from_utf8_lossy(marc);
            text.nfc().collect::<String>() != text
        })
        .collect();
    assert!(!decomposed.is_empty(), "some records are stored in NFD");
    for (control, title, marc) in decomposed {
        assert_eq!(
            *title,
            crate::text::nfc(title),
            "{control}: the title column is NFC"
        );
        let parsed = shelfmark_marc::iso2709::from_bytes(marc).expect("stored MARC parses");
        assert_eq!(
            crate::catalog::extract::Extracted::of(&parsed).title,
            *title
        );
    }
}

#[test]
fn the_demo_refuses_a_catalog_that_already_has_records() {
    let (_d, mut catalog, _) = build_demo(20, 1);
    let before = catalog.summary().expect("summary");
    let err = build(
        &mut catalog,
        "demo",
        DemoConfig {
            records: 5,
            seed: 1,
        },
        |_| {},
    )
    .expect_err("refused");
    assert!(
        err.to_string().contains("already holds 20 records"),
        "{err}"
    );
    assert_eq!(catalog.summary().expect("summary"), before);
}

#[test]
fn every_demo_change_is_in_the_change_log() {
    let (_d, catalog, report) = build_demo(100, 9);
    let count = |sql: &str| -> u64 {
        catalog
            .conn()
            .query_row(sql, [], |r| r.get::<_, i64>(0))
            .expect("count") as u64
    };
    let created = |entity: &str| {
        count(&format!(
            "SELECT count(*) FROM change_log WHERE entity_type = '{entity}' AND operation = 'create'"
        ))
    };
    assert_eq!(created("record"), report.records);
    assert_eq!(created("item"), report.items);
    assert_eq!(created("patron"), report.patrons);
    assert_eq!(created("branch"), report.branches);
    // The circulation history went through the desk's own functions, logged like them.
    assert_eq!(created("loan"), report.loans);
    assert_eq!(created("hold"), report.holds);
    assert_eq!(count("SELECT count(*) FROM loans"), report.loans);
    assert_eq!(
        count("SELECT count(*) FROM loans WHERE returned_at IS NULL"),
        report.open_loans
    );
    // The showcase: its objects and their own rights, and the rules' determinations.
    let objects = report.digital.objects.len() as u64;
    assert_eq!(objects, 6);
    assert_eq!(created("digital_object"), objects);
    assert_eq!(count("SELECT count(*) FROM digital_objects"), objects);
    assert_eq!(
        count(
            "SELECT count(*) FROM change_log WHERE entity_type = 'digital_object' AND operation = 'update'"
        ),
        2,
        "the audiobook's and the master's own levels"
    );
    assert_eq!(
        created("determination"),
        report.digital.determinations + 1,
        "the rules' determinations and the booklet's level"
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM change_log WHERE entity_type NOT IN ('record', 'item', 'patron', 'branch', 'loan', 'hold', 'fine_entry', 'determination', 'digital_object')"
        ),
        0
    );
}

#[test]
fn the_demo_has_sixty_days_of_circulation_for_the_desk_and_the_report() {
    let (_d, catalog, report) = build_demo(3_000, 1);
    assert!(report.loans >= 60, "{report:?}");
    assert!(
        report.open_loans > 0 && report.open_loans < report.loans,
        "{report:?}"
    );
    assert!(report.holds > 0, "{report:?}");
    let today = catalog.clock().now().date();
    let s = crate::circulation::stats::stats(&catalog, today - time::Duration::days(61), today)
        .expect("report");
    assert_eq!(
        s.loans, report.loans,
        "every loan falls in the last 60 days"
    );
    assert!(s.returns > 0 && s.returns < s.loans);
    assert!(s.fines_charged > 0, "some books came back late");
    assert!(!s.overdue.is_empty(), "a few are overdue now");
    assert!(s.overdue.len() < report.open_loans as usize);
    assert!(s.loans_by_branch.len() > 1 && s.loans_by_category.len() > 1);
    let busy_days = s.loans_per_day.iter().filter(|d| d.count > 0).count();
    assert!(
        busy_days > 30,
        "loans spread over the days: {busy_days} {report:?} {:?}",
        s.loans
    );
    // Every tenth reader can sign in at the kiosk with the demo PIN.
    let with_pin: i64 = catalog
        .conn()
        .query_row(
            "SELECT count(*) FROM patrons WHERE pin_hash IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(with_pin as u64, report.patrons.div_ceil(10));
    assert!(
        crate::circulation::patrons::verify_pin(&catalog, "200000000011", DEMO_PIN).expect("pin")
    );
    assert!(
        !crate::circulation::patrons::verify_pin(&catalog, "200000000002", DEMO_PIN).expect("pin")
    );
}

#[test]
fn the_same_seed_lends_the_same_books_to_the_same_readers() {
    let loans = |c: &Catalog| -> Vec<(String, String, bool)> {
        let mut stmt = c
            .conn()
            .prepare(
                "SELECT p.barcode, i.barcode, l.returned_at IS NULL FROM loans l
                 JOIN patrons p ON p.id = l.patron_id JOIN items i ON i.id = l.item_id
                 ORDER BY p.barcode, i.barcode, l.checked_out_at",
            )
            .expect("q");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("read")
    };
    let (_a, first, _) = build_demo(400, 3);
    let (_b, second, _) = build_demo(400, 3);
    let (_c, other, _) = build_demo(400, 4);
    assert!(!loans(&first).is_empty());
    assert_eq!(loans(&first), loans(&second));
    assert_ne!(loans(&first), loans(&other));
}

#[test]
fn fixed_field_008_puts_form_and_language_at_their_positions() {
    let f = fixed_field_008(MaterialType::Ebook, 2015, "vm ", "vie");
    assert_eq!(f.len(), 40);
    assert_eq!(&f[7..11], "2015");
    assert_eq!(&f[15..18], "vm ");
    assert_eq!(f.as_bytes()[23], b'o');
    assert_eq!(
        &f[28..35],
        " 000 0 ",
        "government publication blank; conference, festschrift, index, literary form 0"
    );
    assert_eq!(&f[35..38], "vie");
    assert_eq!(f.as_bytes()[39], b'd');
    for material in MaterialType::ALL {
        assert_eq!(
            fixed_field_008(material, 1999, "xx ", "eng").len(),
            40,
            "{material:?}"
        );
    }
}

#[test]
fn demo_records_have_no_fixed_field_errors() {
    let (_dir, catalog, _) = build_demo(60, 5);
    for (control_number, _, marc) in all_rows(&catalog) {
        let record = shelfmark_marc::iso2709::Reader::new(&marc[..])
            .next()
            .expect("one record")
            .expect("reads")
            .record;
        let errors: Vec<_> = shelfmark_marc::validate::validate(&record)
            .into_iter()
            .filter(|d| {
                d.severity == shelfmark_marc::Severity::Error
                    && matches!(d.tag.as_deref(), Some("LDR" | "008"))
            })
            .map(|d| d.message)
            .collect();
        assert!(errors.is_empty(), "{control_number}: {errors:?}");
    }
}

mod showcase_tests {
    use super::*;
    use crate::api::{
        AccessBasis, AccessLevel, DigitalKind, FullTextQuery, ReaderRequest, ReaderRole,
        ReviewFilter, ReviewQuery, ReviewSort, RightsStatus,
    };
    use crate::digital::{self, fulltext, objects};
    use crate::rights;

    fn staff() -> ReaderRequest {
        ReaderRequest {
            role: ReaderRole::Staff,
            card: None,
            on_premises: true,
        }
    }

    fn anonymous(on_premises: bool) -> ReaderRequest {
        ReaderRequest {
            role: ReaderRole::Anonymous,
            card: None,
            on_premises,
        }
    }

    fn patron(card: &str) -> ReaderRequest {
        ReaderRequest {
            role: ReaderRole::Patron,
            card: Some(card.into()),
            on_premises: false,
        }
    }

    fn object<'a>(report: &'a DemoReport, label: &str) -> &'a DemoObject {
        report
            .digital
            .objects
            .iter()
            .find(|o| o.label == label)
            .unwrap_or_else(|| panic!("{label} in {:?}", report.digital.objects))
    }

    fn record_of(catalog: &Catalog, control_number: &str) -> Uuid {
        crate::catalog::records::find_by_control_number(catalog, control_number)
            .expect("find")
            .into_iter()
            .next()
            .expect("the showcase record")
    }

    #[test]
    fn the_showcase_objects_open_for_exactly_the_readers_their_rights_allow() {
        let (_d, catalog, report) = build_demo(300, 7);
        use showcase::*;
        let listed: Vec<(&str, &str, DigitalKind, AccessLevel, bool)> = report
            .digital
            .objects
            .iter()
            .map(|o| {
                (
                    o.control_number.as_str(),
                    o.label.as_str(),
                    o.kind,
                    o.access,
                    o.accessible_format,
                )
            })
            .collect();
        assert_eq!(
            listed,
            [
                (
                    KIEU,
                    KIEU_TEXT_LABEL,
                    DigitalKind::Text,
                    AccessLevel::Open,
                    false
                ),
                (
                    KIEU,
                    KIEU_EPUB_LABEL,
                    DigitalKind::Epub,
                    AccessLevel::Open,
                    false
                ),
                (
                    KIEU,
                    KIEU_MASTER_LABEL,
                    DigitalKind::Text,
                    AccessLevel::Dark,
                    false
                ),
                (
                    AUDIOBOOK,
                    AUDIOBOOK_LABEL,
                    DigitalKind::Audio,
                    AccessLevel::Staff,
                    true
                ),
                (
                    MAP,
                    MAP_LABEL,
                    DigitalKind::Image,
                    AccessLevel::Staff,
                    false
                ),
                (
                    BOOKLET,
                    BOOKLET_LABEL,
                    DigitalKind::Pdf,
                    AccessLevel::Premises,
                    false
                ),
            ]
        );
        assert_eq!(
            report.digital.visually_impaired_card.as_deref(),
            Some(VISUALLY_IMPAIRED_CARD)
        );
        assert_eq!(report.digital.ordinary_card.as_deref(), Some(ORDINARY_CARD));
        let category = |card: &str| -> String {
            catalog
                .conn()
                .query_row(
                    "SELECT category FROM patrons WHERE barcode = ?1",
                    [card],
                    |r| r.get(0),
                )
                .expect("patron")
        };
        assert_eq!(category(VISUALLY_IMPAIRED_CARD), "visually_impaired");
        assert_eq!(category(ORDINARY_CARD), "adult");
        assert!(
            crate::circulation::patrons::verify_pin(&catalog, VISUALLY_IMPAIRED_CARD, DEMO_PIN)
                .expect("pin")
        );

        // (label, anonymous off premises, anonymous on premises, ordinary reader,
        //  visually impaired reader, staff)
        let table = [
            (KIEU_TEXT_LABEL, true, true, true, true, true),
            (KIEU_EPUB_LABEL, true, true, true, true, true),
            (KIEU_MASTER_LABEL, false, false, false, false, false),
            (AUDIOBOOK_LABEL, false, false, false, true, true),
            (MAP_LABEL, false, false, false, false, true),
            (BOOKLET_LABEL, false, true, false, false, true),
        ];
        for (label, anon_off, anon_on, ordinary, impaired, staff_may) in table {
            let id = objects::parse_id(&object(&report, label).id).expect("id");
            for (who, expected) in [
                (anonymous(false), anon_off),
                (anonymous(true), anon_on),
                (patron(ORDINARY_CARD), ordinary),
                (patron(VISUALLY_IMPAIRED_CARD), impaired),
                (staff(), staff_may),
            ] {
                let opened = digital::open(&catalog, "demo", id, &who).expect("open");
                assert_eq!(opened.decision.allowed, expected, "{label} for {who:?}");
                assert_eq!(
                    digital::content_path(&catalog, id, &who).is_ok(),
                    expected,
                    "{label} bytes for {who:?}"
                );
            }
        }
        // The audiobook opens for the print-disabled reader by the exception, with its law.
        let audio = objects::parse_id(&object(&report, AUDIOBOOK_LABEL).id).expect("id");
        let opened =
            digital::open(&catalog, "demo", audio, &patron(VISUALLY_IMPAIRED_CARD)).expect("open");
        assert_eq!(opened.decision.basis, AccessBasis::PrintDisabilityException);
        assert!(
            opened
                .decision
                .citation
                .is_some_and(|c| c.contains("Marrakesh"))
        );
        let chapters: Vec<&str> = opened
            .object
            .chapters
            .iter()
            .map(|c| c.title.as_str())
            .collect();
        assert_eq!(chapters, ["Lời giới thiệu", "Chương một", "Chương hai"]);
        let duration = opened.object.duration_ms.expect("duration");
        assert!((71_000..=73_000).contains(&duration), "{duration}");
        assert!(opened.object.size_bytes < 400_000, "a small file");
        // Both explanations are there for the one refused.
        let refused = digital::open(&catalog, "demo", audio, &patron(ORDINARY_CARD)).expect("open");
        assert_eq!(refused.decision.basis, AccessBasis::StaffOnly);
        assert!(!refused.decision.explanation_vi.is_empty());
        assert!(refused.text_parts.is_empty());
        // The EPUB's chapters and the PDF's pages have their text.
        let epub = objects::parse_id(&object(&report, KIEU_EPUB_LABEL).id).expect("id");
        let opened = digital::open(&catalog, "demo", epub, &anonymous(false)).expect("open");
        let labels: Vec<&str> = opened.text_parts.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["Mở đầu", "Chị em Thúy Kiều"]);
        let second = digital::text_part(&catalog, epub, 1, &anonymous(false)).expect("text");
        assert!(
            second.text.contains("Thúy Kiều là chị em là Thúy Vân."),
            "{}",
            second.text
        );
        let pdf = objects::parse_id(&object(&report, BOOKLET_LABEL).id).expect("id");
        let page = digital::text_part(&catalog, pdf, 1, &staff()).expect("page 2");
        assert!(page.text.contains("Bat Trang"), "{}", page.text);
        let text = objects::parse_id(&object(&report, KIEU_TEXT_LABEL).id).expect("id");
        let all = digital::text_part(&catalog, text, 0, &anonymous(false)).expect("text");
        assert!(all.text.starts_with("Truyện Kiều\nNguyễn Du"));
        assert_eq!(
            all.text.lines().filter(|l| l.ends_with([',', '.'])).count(),
            32
        );
        // Every stored file is whole.
        let verified = digital::store::verify(&catalog).expect("verify");
        assert_eq!((verified.objects, verified.ok), (6, 6));
    }

    #[test]
    fn the_rules_decide_the_showcase_works_and_a_share_of_the_rest() {
        let (_d, catalog, report) = build_demo(600, 2);
        use showcase::*;
        let current = |cn: &str| {
            rights::current(&catalog, record_of(&catalog, cn))
                .expect("current")
                .expect("determined")
        };
        let kieu = current(KIEU);
        assert_eq!(kieu.status, RightsStatus::PublicDomain);
        assert_eq!(kieu.decided_by, crate::rights::determinations::RULES);
        assert!(kieu.overridden_reason.is_none() && kieu.access_reason.is_none());
        assert_eq!(kieu.access, AccessLevel::Open);
        let audiobook = current(AUDIOBOOK);
        assert_eq!(audiobook.status, RightsStatus::InC);
        assert!(
            audiobook
                .public_domain_from
                .as_deref()
                .is_some_and(|d| d.starts_with("2065")),
            "{:?}",
            audiobook.public_domain_from
        );
        let map = current(MAP);
        assert_eq!(map.status, RightsStatus::Und, "{}", map.explanation_en);
        assert_eq!(map.access, AccessLevel::Staff);
        let booklet = current(BOOKLET);
        assert_eq!(booklet.access, AccessLevel::Premises);
        assert!(booklet.access_reason.is_some());

        // The map waits in the review queue.
        let queue = rights::review_queue(
            &catalog,
            &ReviewQuery {
                filter: ReviewFilter::Undetermined,
                sort: ReviewSort::DigitalFirst,
                offset: 0,
                limit: 500,
            },
        )
        .expect("queue");
        assert!(
            queue
                .entries
                .iter()
                .any(|e| e.control_number.as_deref() == Some(MAP))
        );

        // A third of the catalog (and the showcase) is determined, with a mix of statuses.
        assert_eq!(report.digital.records_determined, 200 + 2);
        let r = rights::report(&catalog, None).expect("report");
        assert_eq!(r.not_evaluated, 600 - 202);
        let statuses: Vec<RightsStatus> = r.by_status.iter().map(|s| s.status).collect();
        for status in [
            RightsStatus::PublicDomain,
            RightsStatus::InC,
            RightsStatus::Und,
            RightsStatus::Cne,
        ] {
            assert!(
                statuses.contains(&status),
                "{status:?} in {:?}",
                r.by_status
            );
        }
        assert!(r.undetermined > 1);
    }

    #[test]
    fn full_text_search_finds_the_public_domain_verses_but_not_the_dark_master() {
        let (_d, catalog, report) = build_demo(50, 3);
        use showcase::*;
        let results = fulltext::search(
            &catalog,
            &FullTextQuery {
                text: "tram nam trong coi nguoi ta".into(),
                offset: 0,
                limit: 20,
            },
            &anonymous(false),
        )
        .expect("search");
        let master = &object(&report, KIEU_MASTER_LABEL).id;
        for label in [KIEU_TEXT_LABEL, KIEU_EPUB_LABEL] {
            let id = &object(&report, label).id;
            let hit = results
                .hits
                .iter()
                .find(|h| &h.object_id == id)
                .unwrap_or_else(|| panic!("{label} in {:?}", results.hits));
            assert!(hit.decision.allowed);
            let excerpt: String = hit.excerpts[0]
                .segments
                .iter()
                .map(|s| s.text.as_str())
                .collect();
            assert!(excerpt.contains("Trăm năm trong cõi người ta"), "{excerpt}");
            assert!(hit.excerpts[0].segments.iter().any(|s| s.highlighted));
        }
        for hit in &results.hits {
            if &hit.object_id == master {
                assert!(!hit.decision.allowed);
                assert!(hit.excerpts.is_empty(), "no word of a dark object");
            }
        }
        let dark_words = fulltext::search(
            &catalog,
            &FullTextQuery {
                text: "master".into(),
                offset: 0,
                limit: 20,
            },
            &anonymous(false),
        )
        .expect("search");
        assert!(dark_words.hits.iter().all(|h| h.excerpts.is_empty()));
        // The booklet's unaccented text is found by a reader on the premises.
        let on_site = fulltext::search(
            &catalog,
            &FullTextQuery {
                text: "Bát Tràng gốm".into(),
                offset: 0,
                limit: 20,
            },
            &anonymous(true),
        )
        .expect("search");
        let booklet = &object(&report, BOOKLET_LABEL).id;
        let hit = on_site
            .hits
            .iter()
            .find(|h| &h.object_id == booklet)
            .expect("the booklet");
        assert!(!hit.excerpts.is_empty());
    }

    #[test]
    fn a_small_demo_makes_the_showcase_records_it_has() {
        let (_d, catalog, report) = build_demo(2, 1);
        assert_eq!(report.records, 2);
        let labels: Vec<&str> = report
            .digital
            .objects
            .iter()
            .map(|o| o.label.as_str())
            .collect();
        assert_eq!(
            labels,
            [
                showcase::KIEU_TEXT_LABEL,
                showcase::KIEU_EPUB_LABEL,
                showcase::KIEU_MASTER_LABEL,
                showcase::AUDIOBOOK_LABEL
            ]
        );
        assert_eq!(catalog.summary().expect("summary").records, 2);
        // Nothing is left in the folder beside the catalog but the catalog's own files.
        let strays: Vec<String> = std::fs::read_dir(catalog.path().parent().expect("dir"))
            .expect("dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".shelfmark-demo-"))
            .collect();
        assert!(strays.is_empty(), "{strays:?}");
    }
}
