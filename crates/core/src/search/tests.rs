use rusqlite::params;
use shelfmark_marc::{Leader, Record};
use uuid::Uuid;

use super::*;
use crate::CatalogOptions;
use crate::api::FacetCount;
use crate::catalog::records;
use crate::changelog::{EntityType, Operation};
use crate::demo::{self, DemoConfig};
use crate::holdings::{self, NewBranch, NewItem};

/// A record with the fields search reads; `extra` adds any others.
struct Book<'a> {
    control: &'a str,
    title: &'a str,
    author: Option<&'a str>,
    year: i32,
    lang: &'a str,
    extra: &'a [(&'a str, &'a [(char, &'a str)])],
}

impl Book<'_> {
    fn record(&self) -> Record {
        let f008 = format!("240101s{:04}{}{} d", self.year, " ".repeat(24), self.lang);
        let mut r = Record::new(Leader::new('n', 'a', 'm'))
            .control("001", self.control)
            .and_then(|r| r.control("008", &f008))
            .expect("control fields");
        if let Some(a) = self.author {
            r = r.data("100", ['1', ' '], &[('a', a)]).expect("100");
        }
        r = r
            .data("245", ['1', '0'], &[('a', self.title)])
            .expect("245");
        for (tag, subfields) in self.extra {
            r = r.data(tag, [' ', ' '], subfields).expect("extra field");
        }
        r
    }
}

fn book<'a>(
    control: &'a str,
    title: &'a str,
    author: Option<&'a str>,
    year: i32,
    lang: &'a str,
) -> Book<'a> {
    Book {
        control,
        title,
        author,
        year,
        lang,
        extra: &[],
    }
}

fn catalog_in(dir: &tempfile::TempDir) -> Catalog {
    Catalog::open(dir.path().join("c.db"), CatalogOptions::default()).expect("catalog opens")
}

fn add(catalog: &mut Catalog, books: &[Book<'_>]) -> Vec<Uuid> {
    catalog
        .write("test", |m| {
            books
                .iter()
                .map(|b| records::insert(m, &b.record()))
                .collect()
        })
        .expect("records added")
}

/// The catalog every quality test searches: minimal pairs, stacked marks, NFD, đ, English.
fn library() -> (tempfile::TempDir, Catalog, SearchIndex) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut catalog = catalog_in(&dir);
    add(
        &mut catalog,
        &[
            book("P1", "Đường", None, 2001, "vie"),
            book("P2", "Dương", None, 2002, "vie"),
            book("P3", "Dường", None, 2003, "vie"),
            book("P4", "Duong", None, 2004, "eng"),
            book("K1", "Truyện Kiều", Some("Nguyễn, Du,"), 1820, "vie"),
            book(
                "K2",
                "Truyện Kiều và văn hóa",
                Some("Đào, Duy Anh,"),
                1990,
                "vie",
            ),
            book(
                "K3",
                "Nguyễn Du: cuộc đời",
                Some("Hoài, Thanh,"),
                1995,
                "vie",
            ),
            book("K4", "Văn chiêu hồn", Some("Nguyễn, Du,"), 1999, "vie"),
            // Decomposed (NFD) in the MARC itself, with stacked marks (ế, ệ).
            book(
                "N1",
                "Tie\u{302}\u{301}ng Vie\u{323}\u{302}t thu\u{31b}\u{323}c ha\u{300}nh",
                None,
                2010,
                "vie",
            ),
            book("D1", "Nhật ký", Some("Đặng, Thùy Trâm,"), 2005, "vie"),
            book(
                "H1",
                "Hà Nội băm sáu phố phường",
                Some("Thạch Lam,"),
                1943,
                "vie",
            ),
            Book {
                extra: &[
                    ("020", &[('a', "0-306-40615-2 (pbk.)")]),
                    ("650", &[('a', "Horticulture.")]),
                    ("082", &[('a', "635.9"), ('b', "GAR")]),
                    (
                        "264",
                        &[('a', "London :"), ('b', "Penguin,"), ('c', "1998.")],
                    ),
                ],
                ..book(
                    "E1",
                    "Gardening for beginners",
                    Some("Smith, Anne,"),
                    1998,
                    "eng",
                )
            },
            Book {
                extra: &[("022", &[('a', "0378-5955")])],
                ..book("S1", "Tạp chí Văn học", None, 1960, "vie")
            },
            book(
                "E2",
                "A history of libraries",
                Some("Brown, Tom,"),
                1975,
                "eng",
            ),
        ],
    );
    let index = SearchIndex::open(&catalog).expect("index opens");
    (dir, catalog, index)
}

fn query(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.into(),
        offset: 0,
        limit: 50,
        sort: SearchSort::Relevance,
        facets: false,
    }
}

fn controls(index: &mut SearchIndex, catalog: &Catalog, text: &str) -> Vec<String> {
    index
        .search(catalog, &query(text))
        .unwrap_or_else(|e| panic!("{text:?}: {e}"))
        .hits
        .into_iter()
        .map(|h| h.control_number.unwrap_or_default())
        .collect()
}

fn check(index: &mut SearchIndex, catalog: &Catalog, text: &str, expected: &[&str]) {
    let mut got = controls(index, catalog, text);
    got.sort();
    let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(got, want, "query {text:?}");
}

#[test]
fn words_typed_without_diacritics_find_vietnamese_records() {
    let (_d, catalog, mut index) = library();
    check(&mut index, &catalog, "ha noi", &["H1"]);
    check(&mut index, &catalog, "HA NOI", &["H1"]);
    check(&mut index, &catalog, "nguyen du", &["K1", "K3", "K4"]);
    check(&mut index, &catalog, "dang thuy tram", &["D1"]);
    check(&mut index, &catalog, "đặng", &["D1"]);
    check(&mut index, &catalog, "author:dang", &["D1"]);
}

#[test]
fn a_query_with_diacritics_ranks_the_exact_word_first() {
    let (_d, catalog, mut index) = library();
    let hits = controls(&mut index, &catalog, "đường");
    assert_eq!(hits.len(), 4, "all four fold to duong: {hits:?}");
    assert_eq!(hits[0], "P1", "{hits:?}");
    let hits = controls(&mut index, &catalog, "dường");
    assert_eq!(hits[0], "P3", "{hits:?}");
    let hits = controls(&mut index, &catalog, "dương");
    assert_eq!(hits[0], "P2", "{hits:?}");
    check(&mut index, &catalog, "duong", &["P1", "P2", "P3", "P4"]);
}

#[test]
fn decomposed_text_in_the_record_and_the_query_is_found() {
    let (_d, catalog, mut index) = library();
    check(&mut index, &catalog, "tiếng việt", &["N1"]);
    check(&mut index, &catalog, "tieng viet thuc hanh", &["N1"]);
    check(
        &mut index,
        &catalog,
        "Tie\u{302}\u{301}ng Vie\u{323}\u{302}t",
        &["N1"],
    );
    check(&mut index, &catalog, "\"ha\u{300}nh\"", &["N1"]);
    check(
        &mut index,
        &catalog,
        "Truye\u{323}\u{302}n Kie\u{302}\u{300}u",
        &["K1", "K2"],
    );
}

#[test]
fn nguyen_du_truyen_kieu_finds_the_poem_by_nguyen_du_first() {
    let (_d, catalog, mut index) = library();
    let hits = controls(&mut index, &catalog, "nguyen du truyen kieu");
    assert_eq!(hits.first().map(String::as_str), Some("K1"), "{hits:?}");
    let hits = controls(&mut index, &catalog, "truyện kiều nguyễn du");
    assert_eq!(hits.first().map(String::as_str), Some("K1"), "{hits:?}");
}

#[test]
fn fields_phrases_and_boolean_operators() {
    let (_d, catalog, mut index) = library();
    check(&mut index, &catalog, "title:\"truyen kieu\"", &["K1", "K2"]);
    check(&mut index, &catalog, "\"kieu truyen\"", &[]);
    check(&mut index, &catalog, "title:nguyen", &["K3"]);
    check(&mut index, &catalog, "author:nguyen", &["K1", "K4"]);
    check(&mut index, &catalog, "subject:horticulture", &["E1"]);
    check(&mut index, &catalog, "publisher:penguin", &["E1"]);
    check(&mut index, &catalog, "callno:635.9", &["E1"]);
    check(&mut index, &catalog, "kieu OR chieu", &["K1", "K2", "K4"]);
    check(&mut index, &catalog, "kieu NOT author:dao", &["K1"]);
    check(&mut index, &catalog, "kieu AND NOT (van OR hoa)", &["K1"]);
    check(&mut index, &catalog, "NOT lang:vie", &["P4", "E1", "E2"]);
    check(&mut index, &catalog, "author:(dao OR thach)", &["K2", "H1"]);
    check(
        &mut index,
        &catalog,
        "type:book lang:eng year:1990..2000",
        &["E1"],
    );
    check(&mut index, &catalog, "year:..1900", &["K1"]);
    check(
        &mut index,
        &catalog,
        "year:2003..",
        &["P3", "P4", "D1", "N1"],
    );
    check(&mut index, &catalog, "year:1943", &["H1"]);
    check(&mut index, &catalog, "p4", &["P4"]);
}

#[test]
fn english_records_are_found_by_other_forms_of_a_word() {
    let (_d, catalog, mut index) = library();
    check(&mut index, &catalog, "garden", &["E1"]);
    check(&mut index, &catalog, "beginner library", &[]);
    check(&mut index, &catalog, "library", &["E2"]);
    check(&mut index, &catalog, "histories", &["E2"]);
}

#[test]
fn isbn_10_and_13_with_or_without_hyphens_find_the_same_record() {
    let (_d, catalog, mut index) = library();
    for q in [
        "isbn:0306406152",
        "isbn:0-306-40615-2",
        "isbn:9780306406157",
        "isbn:978-0-306-40615-7",
        "0-306-40615-2",
        "9780306406157",
    ] {
        check(&mut index, &catalog, q, &["E1"]);
    }
    check(&mut index, &catalog, "issn:03785955", &["S1"]);
    check(&mut index, &catalog, "0378-5955", &["S1"]);
    let err = index
        .search(&catalog, &query("isbn:0-306-40615-3"))
        .expect_err("bad ISBN");
    assert!(err.to_string().contains("check digit"), "{err}");
    let err = index
        .search(&catalog, &query("issn:0378-5954"))
        .expect_err("bad ISSN");
    assert!(err.to_string().contains("ISSN"), "{err}");
}

#[test]
fn results_sort_by_title_author_and_year_and_page() {
    let (_d, catalog, mut index) = library();
    let run = |index: &mut SearchIndex, sort, offset, limit| {
        index
            .search(
                &catalog,
                &SearchQuery {
                    text: String::new(),
                    offset,
                    limit,
                    sort,
                    facets: false,
                },
            )
            .expect("search")
    };
    let all = run(&mut index, SearchSort::Title, 0, 100);
    assert_eq!(all.total, 14);
    let titles: Vec<String> = all.hits.iter().map(|h| text::fold(&h.title)).collect();
    let mut sorted = titles.clone();
    sorted.sort();
    assert_eq!(titles, sorted);
    let years: Vec<i32> = run(&mut index, SearchSort::Year, 0, 100)
        .hits
        .iter()
        .map(|h| h.year.expect("year"))
        .collect();
    assert!(years.windows(2).all(|w| w[0] >= w[1]), "{years:?}");
    let authors: Vec<Option<String>> = run(&mut index, SearchSort::Author, 0, 100)
        .hits
        .iter()
        .map(|h| h.author.as_deref().map(text::fold))
        .collect();
    let named: Vec<&String> = authors.iter().flatten().collect();
    assert!(named.windows(2).all(|w| w[0] <= w[1]), "{authors:?}");
    assert!(
        authors
            .iter()
            .skip_while(|a| a.is_some())
            .all(Option::is_none),
        "no author last"
    );
    for sort in [SearchSort::Relevance, SearchSort::Title, SearchSort::Year] {
        let whole = run(&mut index, sort, 0, 14);
        let pages: Vec<String> = (0..5)
            .flat_map(|p| run(&mut index, sort, p * 3, 3).hits)
            .map(|h| h.id)
            .collect();
        let ids: Vec<String> = whole.hits.into_iter().map(|h| h.id).collect();
        assert_eq!(pages, ids, "{sort:?}");
    }
    let count_only = run(&mut index, SearchSort::Relevance, 0, 0);
    assert_eq!((count_only.total, count_only.hits.len()), (14, 0));
}

#[test]
fn a_missing_index_folder_is_rebuilt() {
    let (_d, catalog, index) = library();
    let dir = index.dir().to_path_buf();
    drop(index);
    std::fs::remove_dir_all(&dir).expect("index removed");
    let mut index = SearchIndex::open(&catalog).expect("rebuilt");
    check(&mut index, &catalog, "ha noi", &["H1"]);
    assert!(dir.join(STATE_FILE).exists());
}

#[test]
fn damaged_index_files_are_rebuilt_without_panicking() {
    let (_d, catalog, index) = library();
    let dir = index.dir().to_path_buf();
    drop(index);
    // tantivy's own meta file, the state file, and every segment file in turn.
    let mut victims: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("list")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            !p.to_string_lossy().ends_with(".lock") && !p.to_string_lossy().contains(".managed")
        })
        .collect();
    victims.sort();
    assert!(victims.len() > 3, "{victims:?}");
    for victim in victims {
        let Ok(mut bytes) = std::fs::read(&victim) else {
            continue;
        };
        if bytes.is_empty() {
            continue;
        }
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x5A;
        std::fs::write(&victim, &bytes).expect("damage");
        let mut index = SearchIndex::open(&catalog)
            .unwrap_or_else(|e| panic!("{} damaged: {e}", victim.display()));
        check(&mut index, &catalog, "nguyen du", &["K1", "K3", "K4"]);
        // Rebuilt, not merely lucky: the damaged file is gone or written anew.
        assert_ne!(
            std::fs::read(&victim).ok(),
            Some(bytes),
            "{} kept",
            victim.display()
        );
    }
    std::fs::write(dir.join("meta.json"), b"{not json").expect("damage");
    let mut index = SearchIndex::open(&catalog).expect("rebuilt");
    check(&mut index, &catalog, "ha noi", &["H1"]);
}

#[test]
fn records_added_after_indexing_are_found_on_open_refresh_and_search() {
    let (_d, mut catalog, mut index) = library();
    add(
        &mut catalog,
        &[book("A1", "Số đỏ", Some("Vũ, Trọng Phụng,"), 1936, "vie")],
    );
    // The open index catches up by itself before searching.
    check(&mut index, &catalog, "so do", &["A1"]);
    add(
        &mut catalog,
        &[book(
            "A2",
            "Giông tố",
            Some("Vũ, Trọng Phụng,"),
            1936,
            "vie",
        )],
    );
    index.refresh(&catalog).expect("refresh");
    check(&mut index, &catalog, "vu trong phung", &["A1", "A2"]);
    drop(index);
    add(
        &mut catalog,
        &[book("A3", "Vỡ đê", Some("Vũ, Trọng Phụng,"), 1936, "vie")],
    );
    let mut index = SearchIndex::open(&catalog).expect("opens");
    check(&mut index, &catalog, "vu trong phung", &["A1", "A2", "A3"]);
}

fn delete_record(catalog: &mut Catalog, id: Uuid, log: bool) {
    catalog
        .write("test", |m| {
            m.conn()
                .execute("DELETE FROM records WHERE id = ?1", params![id.to_string()])?;
            if log {
                m.log(
                    EntityType::Record,
                    id,
                    Operation::Delete,
                    &serde_json::json!({ "id": id }),
                )?;
            }
            Ok(())
        })
        .expect("deleted");
}

#[test]
fn a_deleted_record_is_never_returned() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut catalog = catalog_in(&dir);
    let ids = add(
        &mut catalog,
        &[
            book("X1", "Chí Phèo", Some("Nam Cao,"), 1941, "vie"),
            book("X2", "Lão Hạc", Some("Nam Cao,"), 1943, "vie"),
            book("X3", "Đời thừa", Some("Nam Cao,"), 1943, "vie"),
        ],
    );
    let mut index = SearchIndex::open(&catalog).expect("opens");
    check(&mut index, &catalog, "nam cao", &["X1", "X2", "X3"]);
    // Logged: the catch-up deletes the document, so the count drops too.
    delete_record(&mut catalog, ids[0], true);
    let results = index.search(&catalog, &query("nam cao")).expect("search");
    assert_eq!(results.total, 2);
    check(&mut index, &catalog, "nam cao", &["X2", "X3"]);
    // Even a row removed behind the log's back is not returned: hits are read from SQLite.
    delete_record(&mut catalog, ids[1], false);
    check(&mut index, &catalog, "nam cao", &["X3"]);
    let every_id: Vec<String> = index.matching_ids(&catalog, "").expect("ids");
    for id in &every_id {
        let n: i64 = catalog
            .conn()
            .query_row(
                "SELECT count(*) FROM records WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .expect("count");
        assert!(n == 1 || *id == ids[1].to_string(), "{id} not in SQLite");
    }
    drop(index);
    let mut index = SearchIndex::rebuild(&catalog, |_, _| {})
        .expect("rebuild")
        .0;
    assert_eq!(
        index.matching_ids(&catalog, "").expect("ids"),
        vec![ids[2].to_string()]
    );
}

#[test]
fn an_index_made_for_another_catalog_is_rebuilt() {
    let (_d, catalog, index) = library();
    let dir = index.dir().to_path_buf();
    drop(index);
    let other_dir = tempfile::tempdir().expect("temp dir");
    let mut other = catalog_in(&other_dir);
    add(
        &mut other,
        &[book("O1", "Tắt đèn", Some("Ngô, Tất Tố,"), 1939, "vie")],
    );
    let other_index = SearchIndex::open(&other).expect("opens");
    let other_index_dir = other_index.dir().to_path_buf();
    drop(other_index);
    std::fs::remove_dir_all(&dir).expect("rm");
    copy_dir(&other_index_dir, &dir);
    let mut index = SearchIndex::open(&catalog).expect("rebuilt");
    check(&mut index, &catalog, "tat den", &[]);
    check(&mut index, &catalog, "ha noi", &["H1"]);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("list") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
}

#[test]
fn item_changes_move_branch_and_availability_facets() {
    let (_d, mut catalog, mut index) = library();
    let record: Uuid = {
        let id: String = catalog
            .conn()
            .query_row(
                "SELECT id FROM records WHERE control_number = 'H1'",
                [],
                |r| r.get(0),
            )
            .expect("H1");
        id.parse().expect("uuid")
    };
    let faceted = |index: &mut SearchIndex, catalog: &Catalog, text: &str| {
        index
            .search(
                catalog,
                &SearchQuery {
                    facets: true,
                    ..query(text)
                },
            )
            .expect("search")
            .facets
            .expect("facets")
    };
    let before = faceted(&mut index, &catalog, "ha noi");
    assert_eq!(
        before.availability,
        vec![FacetCount {
            value: "no_items".into(),
            count: 1
        }]
    );
    catalog
        .write("test", |m| {
            let branch = holdings::add_branch(
                m,
                &NewBranch {
                    code: "HK".into(),
                    name: "Hoàn Kiếm".into(),
                },
            )?;
            holdings::add_item(
                m,
                &NewItem {
                    record_id: record,
                    barcode: "HK-1".into(),
                    branch_id: branch,
                    location: "Kho mở".into(),
                    call_number: None,
                    item_type: "book".into(),
                },
            )
        })
        .expect("item added");
    let after = faceted(&mut index, &catalog, "ha noi");
    assert_eq!(
        after.branch,
        vec![FacetCount {
            value: "HK".into(),
            count: 1
        }]
    );
    assert_eq!(
        after.availability,
        vec![FacetCount {
            value: "available".into(),
            count: 1
        }]
    );
    check(&mut index, &catalog, "branch:HK available:yes", &["H1"]);
    check(&mut index, &catalog, "available:no ha noi", &[]);
}

/// Counts straight from SQL (and, for languages, from the same extraction), to compare.
fn sql_counts(catalog: &Catalog, sql: &str) -> Vec<FacetCount> {
    let mut stmt = catalog.conn().prepare(sql).expect("sql");
    let mut out: Vec<FacetCount> = stmt
        .query_map([], |r| {
            Ok(FacetCount {
                value: r.get(0)?,
                count: r.get(1)?,
            })
        })
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("read");
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    out
}

#[test]
fn facet_counts_match_sql_on_a_demo_catalog() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut catalog = catalog_in(&dir);
    demo::build(
        &mut catalog,
        "demo",
        DemoConfig {
            records: 400,
            seed: 9,
        },
        |_| {},
    )
    .expect("demo");
    let mut index = SearchIndex::open(&catalog).expect("opens");
    let results = index
        .search(
            &catalog,
            &SearchQuery {
                facets: true,
                limit: 10,
                ..query("")
            },
        )
        .expect("search");
    assert_eq!(results.total, 400);
    let facets = results.facets.expect("facets");
    assert_eq!(
        facets.material_type,
        sql_counts(
            &catalog,
            "SELECT material_type, count(*) FROM records GROUP BY 1"
        )
    );
    assert_eq!(
        facets.decade,
        sql_counts(
            &catalog,
            "SELECT CAST(year / 10 * 10 AS TEXT), count(*) FROM records WHERE year IS NOT NULL GROUP BY 1"
        )
    );
    assert_eq!(
        facets.branch,
        sql_counts(
            &catalog,
            "SELECT b.code, count(DISTINCT i.record_id) FROM items i JOIN branches b ON b.id = i.branch_id GROUP BY 1"
        )
    );
    let available = sql_counts(
        &catalog,
        "SELECT 'available', count(DISTINCT record_id) FROM items WHERE status = 'available'",
    );
    assert!(
        facets.availability.contains(&available[0]),
        "{:?}",
        facets.availability
    );
    let serials: u64 = catalog
        .conn()
        .query_row(
            "SELECT count(*) FROM records WHERE material_type = 'serial'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert!(facets.serial.contains(&FacetCount {
        value: "serial".into(),
        count: serials
    }));
    let mut languages: HashMap<String, u64> = HashMap::new();
    let mut stmt = catalog
        .conn()
        .prepare("SELECT marc FROM records")
        .expect("sql");
    for marc in stmt
        .query_map([], |r| r.get::<_, Vec<u8>>(0))
        .expect("rows")
    {
        let record = iso2709::from_bytes(&marc.expect("row")).expect("marc");
        for l in Extracted::of(&record).languages {
            *languages.entry(l).or_default() += 1;
        }
    }
    for FacetCount { value, count } in &facets.language {
        assert_eq!(languages.get(value), Some(count), "{value}");
    }
    assert_eq!(facets.language.len(), languages.len());
    // A filtered search counts only what it matched.
    let books = index
        .search(
            &catalog,
            &SearchQuery {
                facets: true,
                limit: 0,
                ..query("type:book")
            },
        )
        .expect("search");
    let book_facets = books.facets.expect("facets");
    assert_eq!(book_facets.material_type.len(), 1);
    assert_eq!(book_facets.material_type[0].count, books.total);
    let decade_total: u64 = book_facets.serial.iter().map(|c| c.count).sum();
    assert_eq!(decade_total, books.total);
}

#[test]
fn the_demo_catalog_answers_vietnamese_queries_without_diacritics() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut catalog = catalog_in(&dir);
    demo::build(
        &mut catalog,
        "demo",
        DemoConfig {
            records: 300,
            seed: 4,
        },
        |_| {},
    )
    .expect("demo");
    let mut index = SearchIndex::open(&catalog).expect("opens");
    let folded_titles: Vec<String> = {
        let mut stmt = catalog
            .conn()
            .prepare("SELECT title FROM records")
            .expect("sql");
        stmt.query_map([], |r| r.get::<_, String>(0))
            .expect("rows")
            .map(|t| text::fold(&t.expect("row")))
            .collect()
    };
    // Every title typed without its marks finds at least its own record.
    for title in folded_titles.iter().take(60) {
        let phrase = format!("title:\"{title}\"");
        let results = index.search(&catalog, &query(&phrase)).expect("search");
        let expected = folded_titles
            .iter()
            .filter(|t| t.contains(title.as_str()))
            .count();
        assert!(
            results.total as usize >= 1 && results.total as usize <= expected.max(1) * 2,
            "{phrase}"
        );
    }
}

/// The facet counts tantivy's own `FacetCollector` gives for `text`: the reference the bitset
/// counting must agree with.
fn reference_facets(index: &SearchIndex, text: &str) -> SearchFacets {
    use tantivy::collector::FacetCollector;
    let node = query::parse(text).expect("parses");
    let q = index.compile(&node);
    let mut collector = FacetCollector::for_field("facet");
    for root in facets::FACET_ROOTS {
        collector.add_facet(Facet::from_path([root]));
    }
    let counts = index
        .reader
        .searcher()
        .search(&q, &collector)
        .expect("search");
    let list = |root: &str| -> Vec<FacetCount> {
        let mut out: Vec<FacetCount> = counts
            .get(Facet::from_path([root]))
            .map(|(facet, count)| FacetCount {
                value: facet.to_path().last().expect("value").to_string(),
                count,
            })
            .collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        out
    };
    SearchFacets {
        material_type: list("type"),
        language: list("lang"),
        decade: list("decade"),
        branch: list("branch"),
        availability: list("availability"),
        serial: list("serial"),
    }
}

#[test]
fn bitset_facet_counts_agree_with_tantivys_facet_collector() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut catalog = catalog_in(&dir);
    demo::build(
        &mut catalog,
        "demo",
        DemoConfig {
            records: 1_500,
            seed: 3,
        },
        |_| {},
    )
    .expect("demo");
    let mut index = SearchIndex::open(&catalog).expect("opens");
    // A title few records share (the first record, Truyện Kiều, is a title many have).
    let first_title: String = catalog
        .conn()
        .query_row(
            "SELECT title FROM records GROUP BY title ORDER BY count(*), min(rowid) LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("title");
    let narrow = format!("title:\"{}\"", text::fold(&first_title));
    let texts = [
        "",
        "ha noi",
        "type:book",
        "lang:vie year:1990..2000",
        "nguyen NOT type:serial",
        "available:no",
        narrow.as_str(),
        "gardening",
    ];
    let compare = |index: &mut SearchIndex, catalog: &Catalog, sparse: &mut bool| {
        for text in texts {
            let results = index
                .search(
                    catalog,
                    &SearchQuery {
                        facets: true,
                        limit: 5,
                        ..query(text)
                    },
                )
                .expect("search");
            // Counted hit by hit when the matches are few, by bitsets when many.
            *sparse |= results.total > 0 && results.total * 128 < 1_500;
            assert_eq!(
                results.facets.expect("facets"),
                reference_facets(index, text),
                "{text:?}"
            );
        }
    };
    let mut sparse = false;
    compare(&mut index, &catalog, &mut sparse);
    assert!(sparse, "no query exercised the hit-by-hit count");
    // The cached whole-catalog counts are answered again, unchanged.
    compare(&mut index, &catalog, &mut sparse);

    // An item on an existing record re-indexes it: a deletion in the big segment and a new
    // segment, and the cached whole-catalog counts must follow.
    let before = index
        .search(
            &catalog,
            &SearchQuery {
                facets: true,
                ..query("")
            },
        )
        .expect("search")
        .facets
        .expect("facets");
    let record: Uuid = {
        let id: String = catalog
            .conn()
            .query_row(
                "SELECT id FROM records WHERE id NOT IN (SELECT record_id FROM items) LIMIT 1",
                [],
                |r| r.get(0),
            )
            .expect("a record without items");
        id.parse().expect("uuid")
    };
    catalog
        .write("test", |m| {
            let branch = holdings::add_branch(
                m,
                &NewBranch {
                    code: "ZZ".into(),
                    name: "Chi nhánh mới".into(),
                },
            )?;
            holdings::add_item(
                m,
                &NewItem {
                    record_id: record,
                    barcode: "ZZ-1".into(),
                    branch_id: branch,
                    location: "Kho".into(),
                    call_number: None,
                    item_type: "book".into(),
                },
            )
        })
        .expect("item added");
    compare(&mut index, &catalog, &mut sparse);
    let after = index
        .search(
            &catalog,
            &SearchQuery {
                facets: true,
                ..query("")
            },
        )
        .expect("search")
        .facets
        .expect("facets");
    assert_ne!(before, after);
    assert!(after.branch.contains(&FacetCount {
        value: "ZZ".into(),
        count: 1
    }));
}

#[test]
fn an_empty_text_or_filters_alone_list_every_match_by_title_when_sorted_by_relevance() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut catalog = catalog_in(&dir);
    demo::build(
        &mut catalog,
        "t",
        DemoConfig {
            records: 300,
            seed: 5,
        },
        |_| {},
    )
    .expect("demo");
    let mut index = SearchIndex::open(&catalog).expect("opens");
    let ids = |index: &mut SearchIndex, text: &str, sort: SearchSort| -> (u64, Vec<String>) {
        let results = index
            .search(
                &catalog,
                &SearchQuery {
                    limit: 1000,
                    sort,
                    ..query(text)
                },
            )
            .expect("search");
        (
            results.total,
            results.hits.into_iter().map(|h| h.id).collect(),
        )
    };
    // The catalog's own title order, read from SQLite.
    let by_title: Vec<String> = {
        let mut stmt = catalog.conn().prepare("SELECT id FROM records").expect("q");
        let all: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("ids");
        let (_, titled) = ids(&mut index, "", SearchSort::Title);
        assert_eq!(titled.len(), all.len());
        titled
    };
    let (total, relevance) = ids(&mut index, "", SearchSort::Relevance);
    assert_eq!(total, 300);
    assert_eq!(relevance, by_title);
    // Year order is kept when asked for.
    let (_, by_year) = ids(&mut index, "", SearchSort::Year);
    assert_ne!(by_year, by_title);

    // A facet value alone narrows, in title order too.
    let books: u64 = catalog
        .conn()
        .query_row(
            "SELECT count(*) FROM records WHERE material_type = 'book'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    let (total, relevance) = ids(&mut index, "type:book", SearchSort::Relevance);
    let (_, titled) = ids(&mut index, "type:book", SearchSort::Title);
    assert_eq!(total, books);
    assert_eq!(relevance, titled);
    let expected: Vec<String> = by_title
        .iter()
        .filter(|id| titled.contains(id))
        .cloned()
        .collect();
    assert_eq!(titled, expected);
    // Words still rank by relevance: the hits are not merely in title order.
    assert!(query::ranks(
        &query::parse("type:book truyện").expect("parses")
    ));
    assert!(!query::ranks(
        &query::parse("NOT kiều type:map").expect("parses")
    ));
}

#[test]
fn a_page_past_every_record_is_empty_with_the_count_whatever_its_start() {
    let (_d, catalog, mut index) = library();
    for sort in [
        SearchSort::Relevance,
        SearchSort::Title,
        SearchSort::Author,
        SearchSort::Year,
    ] {
        for text in ["", "kieu", "zzzzqqq"] {
            for offset in [
                14,
                1_000,
                1 << 32,
                9_999_999_999,
                u64::MAX / 2,
                u64::MAX - 1,
                u64::MAX,
            ] {
                let results = index
                    .search(
                        &catalog,
                        &SearchQuery {
                            text: text.into(),
                            offset,
                            limit: MAX_PAGE,
                            sort,
                            facets: false,
                        },
                    )
                    .unwrap_or_else(|e| panic!("{text:?} from {offset}: {e}"));
                assert!(results.hits.is_empty(), "{text:?} from {offset}");
                assert_eq!(results.offset, offset);
                let want = match text {
                    "" => 14,
                    "kieu" => 2,
                    _ => 0,
                };
                assert_eq!(results.total, want, "{text:?} from {offset} by {sort:?}");
            }
        }
    }
}

#[test]
fn a_term_of_punctuation_alone_matches_nothing_and_beside_words_drops_out() {
    let (_d, catalog, mut index) = library();
    for text in [
        "title:\"-\"",
        "author:\".\"",
        "title:\"(\"",
        "title:\"?\"",
        "title:-",
        "\"-\"",
        "-",
        "- . ,",
        "title:(\"-\" OR \".\")",
        "title:\"-\" AND author:\".\"",
        "\"-\" AND NOT \".\"",
    ] {
        check(&mut index, &catalog, text, &[]);
    }
    check(&mut index, &catalog, "title:(zzzzqqq OR \"-\")", &[]);
    check(&mut index, &catalog, "title:(kieu OR \"-\")", &["K1", "K2"]);
    check(&mut index, &catalog, "truyen - kieu", &["K1", "K2"]);
    check(
        &mut index,
        &catalog,
        "title:kieu AND title:\"-\"",
        &["K1", "K2"],
    );
    check(&mut index, &catalog, "title:kieu NOT \"-\"", &["K1", "K2"]);
    // Excluding nothing to look for excludes nothing (as SRU's `cql.allRecords=1 not
    // dc.title="-"` asks).
    assert_eq!(controls(&mut index, &catalog, "NOT \"-\"").len(), 14);
    assert_eq!(
        controls(&mut index, &catalog, "NOT \"-\" AND NOT title:\".\"").len(),
        14
    );
    // The empty box still lists every record.
    assert_eq!(controls(&mut index, &catalog, "").len(), 14);
    assert_eq!(controls(&mut index, &catalog, "  ").len(), 14);
    assert_eq!(
        index
            .matching_ids(&catalog, "title:\"-\"")
            .expect("ids")
            .len(),
        0
    );
    assert_eq!(index.matching_ids(&catalog, "").expect("ids").len(), 14);
}

#[test]
fn every_sort_has_its_order_and_pages_the_same() {
    let (_d, catalog, mut index) = library();
    let run = |index: &mut SearchIndex, sort, offset, limit| {
        index
            .search(
                &catalog,
                &SearchQuery {
                    text: String::new(),
                    offset,
                    limit,
                    sort,
                    facets: false,
                },
            )
            .expect("search")
    };
    let years = |index: &mut SearchIndex, sort| -> Vec<i32> {
        run(index, sort, 0, 100)
            .hits
            .iter()
            .map(|h| h.year.expect("year"))
            .collect()
    };
    let up = years(&mut index, SearchSort::YearAscending);
    assert!(up.windows(2).all(|w| w[0] <= w[1]), "{up:?}");
    assert_eq!(up.first(), Some(&1820));
    let mut down = years(&mut index, SearchSort::Year);
    down.reverse();
    assert_eq!(up, down);
    let titles = |index: &mut SearchIndex, sort| -> Vec<String> {
        run(index, sort, 0, 100)
            .hits
            .iter()
            .map(|h| text::fold(&h.title))
            .collect()
    };
    let mut z_to_a = titles(&mut index, SearchSort::TitleDescending);
    z_to_a.reverse();
    assert_eq!(z_to_a, titles(&mut index, SearchSort::Title));
    let authors: Vec<Option<String>> = run(&mut index, SearchSort::AuthorDescending, 0, 100)
        .hits
        .iter()
        .map(|h| h.author.as_deref().map(text::fold))
        .collect();
    let named: Vec<&String> = authors.iter().flatten().collect();
    assert!(named.windows(2).all(|w| w[0] >= w[1]), "{authors:?}");
    for sort in [
        SearchSort::YearAscending,
        SearchSort::TitleDescending,
        SearchSort::AuthorDescending,
    ] {
        let whole: Vec<String> = run(&mut index, sort, 0, 14)
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect();
        let pages: Vec<String> = (0..5)
            .flat_map(|p| run(&mut index, sort, p * 3, 3).hits)
            .map(|h| h.id)
            .collect();
        assert_eq!(pages, whole, "{sort:?}");
    }
}
