use super::*;
use crate::circulation::tests::{Library, library};

/// The test library's readers, plus four named the way the desk meets them.
fn readers() -> Library {
    let mut lib = library();
    lib.catalog
        .write("desk", |m| {
            for (barcode, name) in [
                ("200010", "Nguyễn Văn An"),
                ("200011", "Nguyễn Thị Bích"),
                ("200012", "Trần Văn Nguyên"),
                ("300010", "NGUYỄN  văn-an"),
            ] {
                add(
                    m,
                    &PatronInput {
                        barcode: barcode.into(),
                        name: name.into(),
                        category: "adult".into(),
                        email: None,
                        phone: None,
                        home_branch_code: Some("HK".into()),
                        expires_on: "2030-01-01".into(),
                        notes: String::new(),
                    },
                )?;
            }
            block(m, "200011", "Thẻ bị mất")?;
            Ok(())
        })
        .expect("readers");
    lib
}

fn barcodes(lib: &Library, text: &str, limit: u32) -> Vec<String> {
    search(&lib.catalog, text, limit)
        .expect("search")
        .into_iter()
        .map(|p| p.barcode)
        .collect()
}

#[test]
fn names_are_found_without_diacritics_in_any_order_best_first() {
    let lib = readers();
    // Names starting with the words first (alphabetically), then names having them elsewhere.
    assert_eq!(
        barcodes(&lib, "nguyen van", 10),
        ["200010", "300010", "200012"]
    );
    assert_eq!(
        barcodes(&lib, "van nguyen", 10),
        ["200010", "300010", "200012"]
    );
    assert_eq!(
        barcodes(&lib, "NGUYỄN", 10),
        ["200011", "200010", "300010", "200012"]
    );
    assert_eq!(barcodes(&lib, "bich", 10), ["200011"]);
    assert_eq!(barcodes(&lib, "ng b", 10), ["200011"], "word prefixes");
    assert!(
        barcodes(&lib, "ich", 10).is_empty(),
        "not the middle of a word"
    );
    assert!(barcodes(&lib, "   ", 10).is_empty());
    assert_eq!(barcodes(&lib, "nguyen", 2).len(), 2, "the limit holds");
}

#[test]
fn a_barcode_is_found_exactly_first_then_by_prefix() {
    let lib = readers();
    assert_eq!(barcodes(&lib, "200011", 10), ["200011"]);
    assert_eq!(barcodes(&lib, "20001", 10), ["200010", "200011", "200012"]);
    assert_eq!(barcodes(&lib, "P1", 10), ["P1"]);
    // A card barcode that is also a prefix of others comes first.
    assert_eq!(barcodes(&lib, "2000", 1), ["200010"]);
}

#[test]
fn a_match_says_whether_a_manual_block_is_in_force() {
    let mut lib = readers();
    let found = search(&lib.catalog, "nguyen thi", 10).expect("search");
    assert_eq!(found.len(), 1);
    assert!(found[0].blocked);
    assert_eq!(found[0].name, "Nguyễn Thị Bích");
    assert_eq!(found[0].home_branch_code.as_deref(), Some("HK"));
    let block = account(&lib.catalog, "200011")
        .expect("account")
        .manual_blocks[0]
        .id
        .clone();
    lib.catalog
        .write("desk", |m| unblock(m, &block))
        .expect("lifted");
    assert!(!search(&lib.catalog, "200011", 10).expect("search")[0].blocked);
}

#[test]
fn folded_names_drop_marks_case_and_punctuation() {
    assert_eq!(fold_name("  NGUYỄN  văn-an "), "nguyen van an");
    assert_eq!(fold_name("Đặng Thị Ánh"), "dang thi anh");
}
