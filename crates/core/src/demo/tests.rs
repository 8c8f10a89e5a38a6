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
    assert_eq!(
        count(
            "SELECT count(*) FROM change_log WHERE entity_type NOT IN ('record', 'item', 'patron', 'branch', 'loan', 'hold', 'fine_entry')"
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
