use time::macros::{date, datetime};

use super::*;
use crate::circulation::loans;
use crate::circulation::tests::{Library, library};

/// P2 borrows B7, B5, B6 in January (B5 and B6 stay out, overdue); in March P1 borrows B1 on
/// the 2nd, C1 borrows B3 late on the 2nd in UTC, which is the 3rd in Hà Nội; B1 comes back on
/// the 4th and B3 is renewed; B7 comes back late on the 5th and is fined.
fn history() -> (Library, i64) {
    let mut lib = library();
    for (t, patron, item) in [
        (datetime!(2026-01-02 03:00 UTC), "P2", "B7"),
        (datetime!(2026-01-05 03:00 UTC), "P2", "B5"),
        (datetime!(2026-01-10 03:00 UTC), "P2", "B6"),
        (datetime!(2026-03-02 02:00 UTC), "P1", "B1"),
        (datetime!(2026-03-02 18:00 UTC), "C1", "B3"),
    ] {
        lib.at(t);
        lib.checkout(patron, item).expect("lends");
    }
    lib.at(datetime!(2026-03-04 03:00 UTC));
    lib.checkin("B1", None);
    lib.catalog
        .write("desk", |m| loans::renew(m, "B3", Some("thử gia hạn")))
        .expect("renews");
    lib.at(datetime!(2026-03-05 03:00 UTC));
    let fine = lib.checkin("B7", None).fine_charged;
    assert!(fine > 0, "B7 came back weeks late");
    lib.at(datetime!(2026-03-06 03:00 UTC));
    (lib, fine)
}

#[test]
fn the_report_counts_local_days_with_zeros_and_breaks_loans_down() {
    let (lib, fine) = history();
    let s = stats(&lib.catalog, date!(2026 - 03 - 01), date!(2026 - 03 - 05)).expect("report");
    let days = |v: &[DayCount]| -> Vec<(String, u64)> {
        v.iter().map(|d| (d.day.clone(), d.count)).collect()
    };
    let expect = |counts: [u64; 5]| -> Vec<(String, u64)> {
        (1..=5)
            .map(|d| format!("2026-03-{d:02}"))
            .zip(counts)
            .collect()
    };
    assert_eq!(days(&s.loans_per_day), expect([0, 1, 1, 0, 0]));
    assert_eq!(days(&s.returns_per_day), expect([0, 0, 0, 1, 1]));
    assert_eq!((s.loans, s.returns, s.renewals), (2, 2, 1));
    assert_eq!(s.fines_charged, fine);
    let keys = |v: &[KeyCount]| -> Vec<(String, u64)> {
        v.iter().map(|k| (k.key.clone(), k.count)).collect()
    };
    assert_eq!(
        keys(&s.loans_by_branch),
        [("BD".to_string(), 1), ("HK".to_string(), 1)]
    );
    assert_eq!(
        keys(&s.loans_by_category),
        [("adult".to_string(), 1), ("child".to_string(), 1)]
    );
    assert_eq!(keys(&s.loans_by_item_type), [("book".to_string(), 2)]);
    let overdue: Vec<&str> = s.overdue.iter().map(|l| l.item_barcode.as_str()).collect();
    assert_eq!(overdue, ["B5", "B6"], "most overdue first");
    assert!(s.overdue.iter().all(|l| l.overdue));

    // January alone: three loans, nothing else, and the days of a whole month.
    let jan = stats(&lib.catalog, date!(2026 - 01 - 01), date!(2026 - 01 - 31)).expect("report");
    assert_eq!(jan.loans_per_day.len(), 31);
    assert_eq!(
        (jan.loans, jan.returns, jan.renewals, jan.fines_charged),
        (3, 0, 0, 0)
    );
    let one_day = stats(&lib.catalog, date!(2026 - 03 - 03), date!(2026 - 03 - 03)).expect("day");
    assert_eq!(one_day.loans, 1, "B3 was lent on the 3rd, local time");
}

#[test]
fn a_backwards_or_endless_period_is_refused() {
    let lib = library();
    for (from, to) in [
        (date!(2026 - 03 - 05), date!(2026 - 03 - 01)),
        (date!(2000 - 01 - 01), date!(2026 - 01 - 01)),
    ] {
        assert!(matches!(
            stats(&lib.catalog, from, to),
            Err(CoreError::InvalidInput {
                what: "report period",
                ..
            })
        ));
    }
}

#[test]
fn the_csv_is_one_tidy_table_in_utf8_with_a_byte_order_mark() {
    let (lib, fine) = history();
    let s = stats(&lib.catalog, date!(2026 - 03 - 01), date!(2026 - 03 - 05)).expect("report");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("báo cáo.csv");
    write_csv(&s, &path).expect("writes");
    let bytes = std::fs::read(&path).expect("read");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "BOM first");
    let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("row").iter().map(str::to_string).collect())
        .collect();
    let has = |row: [&str; 3]| rows.iter().any(|r| r[..3] == row);
    assert!(text.starts_with("section,key,count,detail\n"), "{text}");
    assert!(has(["period", "from", ""]));
    assert!(has(["total", "loans", "2"]));
    assert!(has(["total", "fines_charged", &fine.to_string()]));
    assert!(has(["loans_per_day", "2026-03-01", "0"]));
    assert!(has(["loans_per_day", "2026-03-03", "1"]));
    assert!(has(["returns_per_day", "2026-03-05", "1"]));
    assert!(has(["loans_by_category", "child", "1"]));
    let overdue: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "overdue").collect();
    assert_eq!(overdue.len(), 2);
    assert_eq!(overdue[0][1], "B5");
    assert!(overdue[0][3].contains("Số đỏ"), "{:?}", overdue[0]);
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("ls").count(),
        1,
        "no partial file left"
    );
    let missing = dir.path().join("no such folder").join("r.csv");
    assert!(matches!(
        write_csv(&s, &missing),
        Err(CoreError::WriteFile { .. })
    ));
}
