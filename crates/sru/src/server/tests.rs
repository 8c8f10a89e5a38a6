//! The server over a demo catalog, every answer parsed as XML (namespaces resolved).

use shelfmark_core::catalog::extract::Extracted;
use shelfmark_core::catalog::records;
use shelfmark_core::demo::{self, DemoConfig};
use shelfmark_core::search::SearchIndex;
use shelfmark_core::{Catalog, CatalogOptions};
use shelfmark_marc::marcxml;

use super::*;
use crate::xml_tree::{self, Element};

const BASE: &str = "http://127.0.0.1:8790/sru";

struct Fixture {
    _dir: tempfile::TempDir,
    catalog: Catalog,
    index: SearchIndex,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut catalog =
        Catalog::open(dir.path().join("demo.shelfmark"), CatalogOptions::default()).expect("open");
    demo::build(
        &mut catalog,
        "demo",
        DemoConfig {
            records: 120,
            seed: 11,
        },
        |_| {},
    )
    .expect("demo");
    let index = SearchIndex::open(&catalog).expect("index");
    Fixture {
        _dir: dir,
        catalog,
        index,
    }
}

impl Fixture {
    fn ask(&mut self, params: &[(&str, &str)]) -> Element {
        let params: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let response = respond(&self.catalog, &mut self.index, &params, BASE);
        assert!(response.content_type.contains("xml"));
        xml_tree::parse(&response.body)
            .unwrap_or_else(|e| panic!("not XML ({e}): {}", response.body))
    }

    /// A demo record with an ISBN, and its extraction.
    fn with_isbn(&self) -> (String, Extracted) {
        let page = records::list(&self.catalog, 0, 200).expect("list");
        page.rows
            .iter()
            .find_map(|row| {
                let id = Uuid::parse_str(&row.id).ok()?;
                let e = Extracted::of(&records::marc(&self.catalog, id).ok()?);
                (!e.isbns.is_empty()).then(|| (row.id.clone(), e))
            })
            .expect("a demo record with an ISBN")
    }
}

fn diagnostic_numbers(root: &Element) -> Vec<u32> {
    let mut found = Vec::new();
    root.find_all("diagnostic", &mut found);
    found
        .iter()
        .filter_map(|d| d.child("uri"))
        .filter_map(|u| Diagnostic::number_of(&u.text))
        .collect()
}

fn records_of(root: &Element) -> Vec<&Element> {
    root.child("records")
        .map(|r| r.children_named("record").collect())
        .unwrap_or_default()
}

fn total(root: &Element) -> u64 {
    root.text_at(&["numberOfRecords"])
        .and_then(|t| t.parse().ok())
        .expect("numberOfRecords")
}

#[test]
fn explain_is_the_default_operation_in_2_0_with_indexes_and_schemas() {
    let mut f = fixture();
    let root = f.ask(&[]);
    assert_eq!(root.name, "explainResponse");
    assert_eq!(root.ns, NS_20);
    assert!(
        root.child("version").is_none(),
        "2.0 has no version element"
    );
    let record = root.child("record").expect("record");
    assert_eq!(record.text_at(&["recordSchema"]), Some(EXPLAIN_SCHEMA));
    let explain = record
        .child("recordData")
        .and_then(|d| d.child("explain"))
        .expect("explain");
    assert_eq!(explain.ns, EXPLAIN_SCHEMA);
    let server = explain.child("serverInfo").expect("serverInfo");
    assert_eq!(server.text_at(&["host"]), Some("127.0.0.1"));
    assert_eq!(server.text_at(&["port"]), Some("8790"));
    assert_eq!(server.text_at(&["database"]), Some("sru"));
    let mut names = Vec::new();
    explain.find_all("name", &mut names);
    let indexes: Vec<String> = names
        .iter()
        .map(|n| format!("{}.{}", n.attr("set").unwrap_or(""), n.text))
        .collect();
    for wanted in [
        "dc.title",
        "dc.creator",
        "dc.subject",
        "bath.isbn",
        "cql.anywhere",
        "dc.date",
    ] {
        assert!(
            indexes.iter().any(|i| i == wanted),
            "{wanted} in {indexes:?}"
        );
    }
    let mut schemas = Vec::new();
    explain.find_all("schema", &mut schemas);
    let ids: Vec<&str> = schemas
        .iter()
        .filter_map(|s| s.attr("identifier"))
        .collect();
    assert_eq!(ids, [MARCXML_SCHEMA, DC_SCHEMA]);
}

#[test]
fn explain_in_1_2_has_its_namespace_and_version() {
    let mut f = fixture();
    let root = f.ask(&[("version", "1.2"), ("operation", "explain")]);
    assert_eq!(root.ns, NS_12);
    assert_eq!(root.text_at(&["version"]), Some("1.2"));
    assert_eq!(root.text_at(&["record", "recordPacking"]), Some("xml"));
}

#[test]
fn search_by_isbn_finds_the_record_as_marcxml() {
    let mut f = fixture();
    let (id, e) = f.with_isbn();
    let isbn = e.isbns[0].clone();
    let expected = records::find_by_isbn(&f.catalog, &isbn)
        .expect("find")
        .len() as u64;
    let query = format!("bath.isbn = {isbn}");
    let root = f.ask(&[("operation", "searchRetrieve"), ("query", &query)]);
    assert_eq!(root.name, "searchRetrieveResponse");
    assert_eq!(total(&root), expected);
    let recs = records_of(&root);
    assert_eq!(recs.len() as u64, expected);
    let first = recs[0];
    assert_eq!(first.text_at(&["recordSchema"]), Some(MARCXML_SCHEMA));
    assert_eq!(first.text_at(&["recordXMLEscaping"]), Some("xml"));
    assert_eq!(first.text_at(&["recordPosition"]), Some("1"));
    let marc = first
        .child("recordData")
        .and_then(|d| d.child("record"))
        .expect("a MARCXML record");
    assert_eq!(marc.ns, MARC_NS);
    // The whole response's record reads back through the MARC engine as the stored one.
    let body = respond(
        &f.catalog,
        &mut f.index,
        &[("query".to_string(), query.clone())],
        BASE,
    )
    .body;
    let start = body.find("<record xmlns=").expect("record start");
    let end = body[start..].find("</record>").expect("record end") + start + "</record>".len();
    let decoded = marcxml::Reader::new(&body.as_bytes()[start..end])
        .next()
        .expect("one record")
        .expect("readable");
    let stored = records::marc(&f.catalog, Uuid::parse_str(&id).expect("uuid")).expect("stored");
    if expected == 1 {
        assert_eq!(decoded.record, stored);
    }
    assert!(Extracted::of(&decoded.record).isbns.contains(&isbn));
    assert!(root.child("nextRecordPosition").is_none());
    assert_eq!(
        root.text_at(&["echoedSearchRetrieveRequest", "query"]),
        Some(query.as_str())
    );
}

#[test]
fn title_search_pages_with_start_and_maximum() {
    let mut f = fixture();
    let all = f.ask(&[("query", "cql.allRecords = 1"), ("maximumRecords", "0")]);
    assert_eq!(total(&all), 120);
    assert!(records_of(&all).is_empty());
    let page = f.ask(&[
        ("query", "cql.allRecords = 1"),
        ("startRecord", "11"),
        ("maximumRecords", "5"),
        ("recordSchema", "dc"),
    ]);
    let recs = records_of(&page);
    assert_eq!(recs.len(), 5);
    let positions: Vec<&str> = recs
        .iter()
        .filter_map(|r| r.text_at(&["recordPosition"]))
        .collect();
    assert_eq!(positions, ["11", "12", "13", "14", "15"]);
    assert_eq!(page.text_at(&["nextRecordPosition"]), Some("16"));
    let last = f.ask(&[
        ("query", "cql.allRecords = 1"),
        ("startRecord", "118"),
        ("maximumRecords", "5"),
    ]);
    assert_eq!(records_of(&last).len(), 3);
    assert!(last.child("nextRecordPosition").is_none());
    let big = f.ask(&[("query", "cql.allRecords = 1"), ("maximumRecords", "5000")]);
    assert_eq!(records_of(&big).len(), MAX_MAXIMUM_RECORDS as usize);
    let past = f.ask(&[("query", "cql.allRecords = 1"), ("startRecord", "500")]);
    assert_eq!(total(&past), 120);
    assert_eq!(diagnostic_numbers(&past), [d::FIRST_RECORD_OUT_OF_RANGE]);
}

#[test]
fn dublin_core_records_carry_the_title_and_creator() {
    let mut f = fixture();
    let (_, e) = f.with_isbn();
    let query = format!("bath.isbn = {}", e.isbns[0]);
    let root = f.ask(&[
        ("query", &query),
        ("recordSchema", "info:srw/schema/1/dc-v1.1"),
    ]);
    let recs = records_of(&root);
    let dc = recs[0]
        .child("recordData")
        .and_then(|d| d.child("dc"))
        .expect("srw_dc:dc");
    assert_eq!(dc.ns, dublin_core::SRW_DC_NS);
    let title = dc.child("title").expect("dc:title");
    assert_eq!(title.ns, dublin_core::DC_NS);
    assert!(
        e.title.starts_with(&title.text)
            || title.text.starts_with(e.title.trim_end_matches(['/', ' '])),
        "{:?} vs {:?}",
        title.text,
        e.title
    );
    if let Some(author) = e.authors.first() {
        let creators: Vec<&str> = dc
            .children_named("creator")
            .map(|c| c.text.as_str())
            .collect();
        assert!(
            creators
                .iter()
                .any(|c| c.starts_with(author.trim_end_matches([',', '.']))),
            "{author:?} in {creators:?}"
        );
    }
}

#[test]
fn version_1_2_with_string_packing() {
    let mut f = fixture();
    let (_, e) = f.with_isbn();
    let query = format!("bath.isbn = {}", e.isbns[0]);
    let root = f.ask(&[
        ("version", "1.2"),
        ("operation", "searchRetrieve"),
        ("query", &query),
        ("recordPacking", "string"),
    ]);
    assert_eq!(root.ns, NS_12);
    assert_eq!(root.text_at(&["version"]), Some("1.2"));
    let rec = records_of(&root)[0];
    assert_eq!(rec.text_at(&["recordPacking"]), Some("string"));
    let data = rec.child("recordData").expect("recordData");
    assert!(data.children.is_empty(), "escaped, not elements");
    let decoded = marcxml::Reader::new(data.text.as_bytes())
        .next()
        .expect("a record")
        .expect("readable");
    assert!(Extracted::of(&decoded.record).isbns.contains(&e.isbns[0]));
}

#[test]
fn words_booleans_and_dates_agree_with_the_search_box() {
    let mut f = fixture();
    let (_, e) = f.with_isbn();
    let word = e
        .title
        .split_whitespace()
        .find(|w| w.chars().count() > 3 && w.chars().all(char::is_alphabetic))
        .unwrap_or("the")
        .to_string();
    let box_total = |f: &mut Fixture, text: &str| {
        f.index
            .search(
                &f.catalog,
                &SearchQuery {
                    text: text.into(),
                    offset: 0,
                    limit: 0,
                    sort: Default::default(),
                    facets: false,
                },
            )
            .expect("search")
            .total
    };
    let cql = f.ask(&[
        ("query", &format!("dc.title = \"{word}\"")),
        ("maximumRecords", "0"),
    ]);
    assert_eq!(total(&cql), box_total(&mut f, &format!("title:\"{word}\"")));
    assert!(total(&cql) >= 1);
    let not = f.ask(&[
        (
            "query",
            &format!("cql.allRecords = 1 not dc.title = \"{word}\""),
        ),
        ("maximumRecords", "0"),
    ]);
    assert_eq!(total(&not) + total(&cql), 120);
    let before = f.ask(&[("query", "dc.date < 2000"), ("maximumRecords", "0")]);
    let after = f.ask(&[("query", "dc.date >= 2000"), ("maximumRecords", "0")]);
    let dated = box_total(&mut f, "year:0..9999");
    assert_eq!(total(&before) + total(&after), dated);
}

#[test]
fn bad_requests_get_the_right_diagnostic() {
    let mut f = fixture();
    let cases: [(&[(&str, &str)], u32); 12] = [
        (
            &[("operation", "searchRetrieve")],
            d::MANDATORY_PARAMETER_MISSING,
        ),
        (&[("query", "dc.format = book")], d::UNSUPPORTED_INDEX),
        (&[("query", "dc.title < kieu")], d::UNSUPPORTED_RELATION),
        (&[("query", "dc.title = (kieu")], d::PARENTHESES),
        (&[("query", "dc.title =")], d::QUERY_SYNTAX_ERROR),
        (&[("query", "\"kieu")], d::QUOTES),
        (
            &[("query", "kieu"), ("startRecord", "0")],
            d::UNSUPPORTED_PARAMETER_VALUE,
        ),
        (
            &[("query", "kieu"), ("maximumRecords", "ten")],
            d::UNSUPPORTED_PARAMETER_VALUE,
        ),
        (
            &[("query", "kieu"), ("recordSchema", "mods")],
            d::UNKNOWN_SCHEMA,
        ),
        (
            &[("query", "kieu"), ("version", "3.0")],
            d::UNSUPPORTED_VERSION,
        ),
        (
            &[("query", "kieu"), ("colour", "red")],
            d::UNSUPPORTED_PARAMETER,
        ),
        (&[("query", "bath.isbn = 12345")], d::TERM_INVALID_FOR_INDEX),
    ];
    for (params, number) in cases {
        let root = f.ask(params);
        assert_eq!(root.name, "searchRetrieveResponse", "{params:?}");
        assert_eq!(diagnostic_numbers(&root), [number], "{params:?}");
        assert_eq!(total(&root), 0, "{params:?}");
        let mut details = Vec::new();
        root.find_all("message", &mut details);
        assert!(!details[0].text.is_empty());
    }
    let v12 = f.ask(&[("version", "1.2"), ("query", "dc.format = x")]);
    let mut diags = Vec::new();
    v12.find_all("diagnostic", &mut diags);
    assert_eq!(diags[0].ns, DIAG_NS_12);
    assert_eq!(diags[0].text_at(&["details"]), Some("dc.format"));
}

#[test]
fn a_start_far_past_the_end_is_diagnostic_61_not_a_crash() {
    let mut f = fixture();
    for start in [
        "121",
        "4294967296",
        "9999999999",
        "9223372036854775807",
        "18446744073709551615",
    ] {
        for query in ["cql.allRecords = 1", "dc.title = zzzzqqq"] {
            let root = f.ask(&[
                ("version", "1.2"),
                ("query", query),
                ("startRecord", start),
                ("maximumRecords", "100"),
            ]);
            assert_eq!(root.name, "searchRetrieveResponse", "{query} from {start}");
            assert!(records_of(&root).is_empty());
            assert_eq!(
                root.text_at(&["echoedSearchRetrieveRequest", "startRecord"]),
                Some(start)
            );
            if query == "cql.allRecords = 1" {
                assert_eq!(total(&root), 120);
                assert_eq!(diagnostic_numbers(&root), [d::FIRST_RECORD_OUT_OF_RANGE]);
            } else {
                assert_eq!(total(&root), 0);
            }
        }
    }
    // Past u64: not a number the server can read.
    let root = f.ask(&[("query", "kieu"), ("startRecord", "18446744073709551616")]);
    assert_eq!(diagnostic_numbers(&root), [d::UNSUPPORTED_PARAMETER_VALUE]);
}

#[test]
fn long_flat_boolean_chains_are_answered_or_refused_with_38_never_overflowing() {
    let mut f = fixture();
    let one = total(&f.ask(&[("query", "dc.title = truyện"), ("maximumRecords", "0")]));
    assert!(one > 0);
    // 65 to 256 operators with no nesting used to be refused as "nested more than 64 levels".
    for n in [65, 200, 257] {
        for op in ["or", "and"] {
            let query = vec!["dc.title = truyện"; n].join(&format!(" {op} "));
            let root = f.ask(&[("query", &query), ("maximumRecords", "0")]);
            assert!(diagnostic_numbers(&root).is_empty(), "{op} x {n}");
            assert_eq!(total(&root), one, "{op} x {n}");
        }
    }
    for n in [258, 1_000, 5_000] {
        for op in ["or", "and", "not"] {
            let query = vec!["dc.title = kieu"; n].join(&format!(" {op} "));
            let root = f.ask(&[("query", &query)]);
            assert_eq!(
                diagnostic_numbers(&root),
                [d::TOO_MANY_BOOLEANS],
                "{op} x {n}"
            );
            let mut details = Vec::new();
            root.find_all("details", &mut details);
            assert_eq!(details[0].text, "256");
        }
    }
    let deep = format!("{}kieu{}", "(".repeat(5_000), ")".repeat(5_000));
    let root = f.ask(&[("query", &deep)]);
    assert_eq!(diagnostic_numbers(&root), [d::QUERY_SYNTAX_ERROR]);
    // Mixed operators keep CQL's left-to-right reading: (a or b) and c.
    let a_or_b = total(&f.ask(&[
        (
            "query",
            "(dc.title = truyện or dc.date = 1990) and dc.language = vie",
        ),
        ("maximumRecords", "0"),
    ]));
    let flat = total(&f.ask(&[
        (
            "query",
            "dc.title = truyện or dc.date = 1990 and dc.language = vie",
        ),
        ("maximumRecords", "0"),
    ]));
    assert_eq!(flat, a_or_b);
    // and read on as or: (a and b) or c.
    let a_and_b = total(&f.ask(&[
        (
            "query",
            "(dc.date = 1990 and dc.language = vie) or dc.title = truyện",
        ),
        ("maximumRecords", "0"),
    ]));
    let flat = total(&f.ask(&[
        (
            "query",
            "dc.date = 1990 and dc.language = vie or dc.title = truyện",
        ),
        ("maximumRecords", "0"),
    ]));
    assert_eq!(flat, a_and_b);
    // Alternating operators group once per change; past the search's bound, diagnostic 10 in
    // the query's own terms.
    let mut alternating = String::from("dc.title = truyện");
    for i in 0..200 {
        alternating.push_str(if i % 2 == 0 { " or " } else { " and " });
        alternating.push_str("dc.title = truyện");
    }
    let root = f.ask(&[("query", &alternating)]);
    assert_eq!(diagnostic_numbers(&root), [d::QUERY_SYNTAX_ERROR]);
    let mut messages = Vec::new();
    root.find_all("message", &mut messages);
    assert!(
        messages[0].text.contains("switches between or and"),
        "{}",
        messages[0].text
    );
}

/// Every character, raw or referenced, is one XML 1.0 allows: what strict parsers (yaz,
/// libxml2, pymarc) check and quick-xml does not.
fn assert_xml10(body: &str) {
    assert!(
        body.chars().all(marcxml::xml10_allows),
        "a character XML 1.0 forbids: {body:?}"
    );
    for reference in body.split("&#").skip(1) {
        let Some((digits, _)) = reference.split_once(';') else {
            panic!("unterminated reference in {body:?}");
        };
        let code = match digits.strip_prefix('x') {
            Some(hex) => u32::from_str_radix(hex, 16),
            None => digits.parse(),
        }
        .expect("a numeric reference");
        let c = char::from_u32(code).expect("a character");
        assert!(marcxml::xml10_allows(c), "&#{digits}; in {body:?}");
    }
}

#[test]
fn controls_in_the_request_and_in_records_never_make_the_answer_ill_formed() {
    let mut f = fixture();
    let record = shelfmark_marc::Record::new(shelfmark_marc::Leader::new('n', 'a', 'm'))
        .control("001", "CTRL1")
        .and_then(|r| {
            r.data(
                "245",
                ['1', '0'],
                &[
                    ('a', "Zyxwvu\u{1} \u{C}kiểm\u{FFFE} tra /"),
                    ('c', "Ai\u{0} đó."),
                ],
            )
        })
        .and_then(|r| r.data("100", ['1', ' '], &[('a', "Trần,\u{1B} Văn,")]))
        .expect("record");
    f.catalog
        .write("test", |m| records::insert(m, &record))
        .expect("stored");
    for schema in ["marcxml", "dc"] {
        for packing in ["xml", "string"] {
            let params: Vec<(String, String)> = [
                ("query", "dc.title = zyxwvu"),
                ("recordSchema", schema),
                ("recordXMLEscaping", packing),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
            let body = respond(&f.catalog, &mut f.index, &params, BASE).body;
            assert_xml10(&body);
            let root = xml_tree::parse(&body).expect("XML");
            assert_eq!(total(&root), 1, "{schema} {packing}");
            assert!(body.contains("Zyxwvu\u{FFFD}"), "{body}");
        }
    }
    let marc = f.ask(&[("query", "dc.title = zyxwvu")]);
    let data = records_of(&marc)[0].child("recordData").expect("data");
    let mut subfields = Vec::new();
    data.find_all("subfield", &mut subfields);
    assert!(
        subfields
            .iter()
            .any(|s| s.text == "Zyxwvu\u{FFFD} \u{FFFD}kiểm\u{FFFD} tra /"),
        "{subfields:?}"
    );
    let bad = [
        ("query", "dc.title = \"a\u{1}b\u{C}\u{0}\u{FFFE}\""),
        ("query", "dc.title = (\u{1}"),
        ("query", "\u{1}"),
        ("recordSchema", "mar\u{1}cxml\u{FFFF}"),
        ("recordXMLEscaping", "x\u{8}"),
        ("x\u{1}y\u{0}", "1"),
        ("startRecord", "\u{1}"),
    ];
    for (version, escaping) in [("1.2", "recordPacking"), ("2.0", "recordXMLEscaping")] {
        for (name, value) in bad {
            let name = if name == "recordXMLEscaping" {
                escaping
            } else {
                name
            };
            let mut params = vec![
                ("version".to_string(), version.to_string()),
                (name.to_string(), value.to_string()),
            ];
            if name != "query" {
                params.push(("query".to_string(), "kieu".to_string()));
            }
            let body = respond(&f.catalog, &mut f.index, &params, "http://h/sru\u{1}").body;
            assert_xml10(&body);
            xml_tree::parse(&body).unwrap_or_else(|e| panic!("{name}={value:?}: {e}"));
        }
    }
}

#[test]
fn a_term_of_punctuation_finds_nothing_rather_than_everything() {
    let mut f = fixture();
    for query in [
        "dc.title=\"-\"",
        "dc.creator=\".\"",
        "dc.title=\"\\\"\"",
        "dc.title=\"\\?\"",
        "dc.title=\"(\"",
        "dc.title any \"zzzzqqq -\"",
        "dc.title adj \"- .\"",
        "\"-\"",
    ] {
        let root = f.ask(&[("query", query), ("maximumRecords", "0")]);
        assert!(diagnostic_numbers(&root).is_empty(), "{query}");
        assert_eq!(total(&root), 0, "{query}");
    }
    let kieu = total(&f.ask(&[("query", "dc.title = truyện"), ("maximumRecords", "0")]));
    let with_dash = total(&f.ask(&[
        ("query", "dc.title any \"truyện -\""),
        ("maximumRecords", "0"),
    ]));
    assert_eq!(with_dash, kieu);
    let all = total(&f.ask(&[("query", "cql.allRecords = 1"), ("maximumRecords", "0")]));
    assert_eq!(all, 120);
    // Excluding nothing to look for excludes nothing.
    for query in [
        "cql.allRecords = 1 not dc.title = \"-\"",
        "dc.title = truyện not dc.title = \"-\"",
    ] {
        let root = f.ask(&[("query", query), ("maximumRecords", "0")]);
        let expected = if query.starts_with("cql") { all } else { kieu };
        assert_eq!(total(&root), expected, "{query}");
    }
}

#[test]
fn dates_past_any_year_find_nothing() {
    let mut f = fixture();
    for query in ["dc.date > 9999", "dc.date < 0000", "dc.date < 0"] {
        let root = f.ask(&[("query", query)]);
        if query == "dc.date < 0" {
            assert_eq!(diagnostic_numbers(&root), [d::TERM_INVALID_FOR_INDEX]);
            continue;
        }
        assert!(diagnostic_numbers(&root).is_empty(), "{query}");
        assert_eq!(total(&root), 0, "{query}");
    }
    let some = f.ask(&[
        ("query", "dc.date > 9999 or dc.date < 2100"),
        ("maximumRecords", "0"),
    ]);
    assert!(total(&some) > 0);
}

#[test]
fn sortby_date_is_oldest_first_unless_descending() {
    let mut f = fixture();
    let dates = |f: &mut Fixture, sortby: &str| -> Vec<String> {
        let root = f.ask(&[
            ("query", &format!("cql.allRecords = 1 sortby {sortby}")),
            ("recordSchema", "dc"),
            ("maximumRecords", "100"),
        ]);
        assert!(diagnostic_numbers(&root).is_empty(), "{sortby}");
        records_of(&root)
            .iter()
            .filter_map(|r| r.child("recordData")?.child("dc")?.child("date"))
            .map(|d| {
                d.text
                    .chars()
                    .filter(char::is_ascii_digit)
                    .take(4)
                    .collect()
            })
            .collect()
    };
    let up = dates(&mut f, "dc.date");
    assert!(up.len() > 10);
    assert!(up.windows(2).all(|w| w[0] <= w[1]), "{up:?}");
    assert_eq!(dates(&mut f, "dc.date/sort.ascending"), up);
    let down = dates(&mut f, "dc.date/sort.descending");
    assert!(down.windows(2).all(|w| w[0] >= w[1]), "{down:?}");
    for (sortby, number) in [
        ("bogus", d::UNSUPPORTED_SORT_INDEX),
        ("bath.isbn", d::UNSUPPORTED_SORT_INDEX),
        ("dc.date/sort.missingHigh", d::SORT_UNSUPPORTED),
    ] {
        let root = f.ask(&[("query", &format!("kieu sortby {sortby}"))]);
        assert_eq!(diagnostic_numbers(&root), [number], "{sortby}");
    }
}

#[test]
fn exact_on_words_is_refused_and_explain_lists_relations_per_index() {
    let mut f = fixture();
    for query in ["dc.title exact \"kiều\"", "dc.title == \"truyện kiều\""] {
        let root = f.ask(&[("query", query)]);
        assert_eq!(
            diagnostic_numbers(&root),
            [d::UNSUPPORTED_RELATION],
            "{query}"
        );
    }
    let root = f.ask(&[("query", "dc.date == 1990"), ("maximumRecords", "0")]);
    assert!(diagnostic_numbers(&root).is_empty());
    let explain = f.ask(&[("operation", "explain")]);
    let mut indexes = Vec::new();
    explain.find_all("index", &mut indexes);
    let relations_of = |name: &str| -> Vec<String> {
        let index = indexes
            .iter()
            .find(|i| i.text_at(&["map", "name"]) == Some(name))
            .expect("listed");
        let mut supports = Vec::new();
        index.find_all("supports", &mut supports);
        supports.iter().map(|s| s.text.clone()).collect()
    };
    assert!(!relations_of("title").contains(&"exact".to_string()));
    assert!(!relations_of("title").contains(&"==".to_string()));
    assert!(relations_of("date").contains(&"==".to_string()));
    let config = explain
        .child("record")
        .and_then(|r| r.child("recordData"))
        .and_then(|d| d.child("explain"))
        .and_then(|e| e.child("configInfo"))
        .expect("configInfo");
    let global: Vec<&str> = config
        .children_named("supports")
        .filter(|s| s.attr("type") == Some("relation"))
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(global, ["=", "all", "any", "adj"]);
}

#[test]
fn diagnostics_come_in_the_operations_own_response_and_echoes_say_what_was_asked() {
    let mut f = fixture();
    let explain = f.ask(&[("version", "3.0"), ("operation", "explain")]);
    assert_eq!(explain.name, "explainResponse");
    assert_eq!(diagnostic_numbers(&explain), [d::UNSUPPORTED_VERSION]);
    let scan = f.ask(&[("operation", "scan"), ("scanClause", "kieu")]);
    assert_eq!(scan.name, "scanResponse");
    assert_eq!(diagnostic_numbers(&scan), [d::UNSUPPORTED_OPERATION]);
    let scan = f.ask(&[
        ("version", "1.2"),
        ("operation", "scan"),
        ("scanClause", "kieu"),
    ]);
    assert_eq!(
        (scan.name.as_str(), scan.ns.as_str()),
        ("scanResponse", NS_12)
    );
    for version in ["1.2", "2.0"] {
        let explain = f.ask(&[("version", version), ("operation", "explain")]);
        let echo = explain.child("echoedExplainRequest").expect("echo");
        assert!(echo.child("recordPacking").is_none(), "{version}: not sent");
    }
    let explain = f.ask(&[
        ("version", "1.2"),
        ("operation", "explain"),
        ("recordPacking", "xml"),
    ]);
    assert_eq!(
        explain.text_at(&["echoedExplainRequest", "recordPacking"]),
        Some("xml")
    );
    let big = f.ask(&[
        ("query", "cql.allRecords = 1"),
        ("maximumRecords", "100000"),
    ]);
    assert_eq!(records_of(&big).len(), MAX_MAXIMUM_RECORDS as usize);
    assert_eq!(
        big.text_at(&["echoedSearchRetrieveRequest", "maximumRecords"]),
        Some("100000")
    );
    let default = f.ask(&[("query", "cql.allRecords = 1")]);
    assert_eq!(
        default.text_at(&["echoedSearchRetrieveRequest", "maximumRecords"]),
        Some("10")
    );
}
