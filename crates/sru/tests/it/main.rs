//! Conformance with real SRU software on loopback: Debian's `yaz-client` searching our server,
//! and our copy-cataloging client against Debian's `yaz-ztest` and against our own server.
//! The yaz tools come from `cargo xtask setup` (apt package `yaz`); a missing tool fails the
//! test with what to do, never skips it.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use shelfmark_core::api::{CopyImportAction, CopyQuery, CopyTarget, SearchQuery};
use shelfmark_core::catalog::copy;
use shelfmark_core::catalog::extract::Extracted;
use shelfmark_core::catalog::import::{MatchOn, OnMatch};
use shelfmark_core::catalog::records;
use shelfmark_core::demo::{self, DemoConfig};
use shelfmark_core::search::SearchIndex;
use shelfmark_core::{Catalog, CatalogOptions};
use shelfmark_sru::client::{self, SruError};
use uuid::Uuid;

/// A yaz tool, or a failure that says how to get it.
fn yaz_tool(name: &str) -> PathBuf {
    for dir in ["/usr/bin", "/usr/local/bin"] {
        let path = Path::new(dir).join(name);
        if path.exists() {
            return path;
        }
    }
    panic!(
        "{name} is not installed: the SRU conformance tests need Debian's yaz package; run `cargo xtask setup` (or `apt-get install yaz`)"
    );
}

fn demo_catalog(dir: &Path, name: &str, records: u64) -> Catalog {
    let mut catalog =
        Catalog::open(dir.join(name), CatalogOptions::default()).expect("open catalog");
    if records > 0 {
        demo::build(
            &mut catalog,
            "demo",
            DemoConfig { records, seed: 5 },
            |_| {},
        )
        .expect("demo");
    }
    catalog
}

/// Our SRU router over a catalog, served on a loopback port by a runtime on its own thread
/// for the rest of the test process.
fn serve(catalog: Catalog) -> String {
    let index = SearchIndex::open(&catalog).expect("index");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    listener.set_nonblocking(true).expect("nonblocking");
    let state = shelfmark_sru::SruState::new(catalog, index, Some(format!("http://{addr}/sru")));
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            let _ = axum::serve(listener, shelfmark_sru::router(state)).await;
        });
    });
    format!("http://{addr}/sru")
}

/// A demo record with an ISBN: (001, ISBN-13, title).
fn record_with_isbn(catalog: &Catalog) -> (String, String, String) {
    let page = records::list(catalog, 0, 200).expect("list");
    page.rows
        .iter()
        .find_map(|row| {
            let id = Uuid::parse_str(&row.id).ok()?;
            let e = Extracted::of(&records::marc(catalog, id).ok()?);
            let isbn = e.isbns.first()?.clone();
            if records::find_by_isbn(catalog, &isbn).ok()?.len() != 1 {
                return None;
            }
            Some((e.control_number?, isbn, e.title))
        })
        .expect("a demo record with an ISBN of its own")
}

fn count(catalog: &mut Catalog, text: &str) -> u64 {
    let mut index = SearchIndex::open(catalog).expect("index");
    index
        .search(
            catalog,
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
}

fn hits(output: &str) -> Vec<u64> {
    output
        .lines()
        .filter_map(|l| l.strip_prefix("Number of hits: "))
        .filter_map(|n| n.trim().parse().ok())
        .collect()
}

#[test]
fn yaz_client_searches_our_server_over_sru_2_0_and_1_2_get_and_post() {
    let yaz_client = yaz_tool("yaz-client");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut catalog = demo_catalog(dir.path(), "demo.shelfmark", 150);
    let (control, isbn, _) = record_with_isbn(&catalog);
    let twain = count(&mut catalog, "author:twain");
    let twain_old = count(&mut catalog, "author:twain year:..1959");
    let url = serve(catalog);
    let commands = format!(
        "open {url}\n\
         sru get 2.0\n\
         querytype cql\n\
         find bath.isbn={isbn}\n\
         show 1\n\
         sru get 1.2\n\
         find dc.creator=twain\n\
         find dc.format=book\n\
         sru post 2.0\n\
         find dc.creator=twain and dc.date<1960\n\
         find cql.allRecords=1\n\
         sru post 1.2\n\
         find \"kieu\n\
         quit\n"
    );
    let file = dir.path().join("commands");
    std::fs::write(&file, commands).expect("command file");
    let out = Command::new(yaz_client)
        .arg("-f")
        .arg(&file)
        .stdin(Stdio::null())
        .output()
        .expect("run yaz-client");
    let text = String::from_utf8_lossy(&out.stdout);
    // `show 1` asks again for the record, so its hit count is printed too.
    assert_eq!(hits(&text), [1, 1, twain, 0, twain_old, 150, 0], "{text}");
    assert!(twain > 0 && twain_old <= twain, "{twain} {twain_old}");
    // `show 1` printed the record it received, as MARCXML.
    assert!(
        text.contains(&format!(
            "<controlfield tag=\"001\">{control}</controlfield>"
        )),
        "{text}"
    );
    assert!(text.contains(&format!("<subfield code=\"a\">{isbn}</subfield>")));
    assert!(
        text.contains("SRW diagnostic info:srw/diagnostic/1/16"),
        "{text}"
    );
    assert!(text.contains("Details: dc.format"), "{text}");
    assert!(
        text.contains("SRW diagnostic info:srw/diagnostic/1/14"),
        "{text}"
    );
}

/// `yaz-ztest` on a free loopback port, stopped when dropped.
struct ZTest {
    child: Child,
    port: u16,
}

impl ZTest {
    fn start() -> ZTest {
        let ztest = yaz_tool("yaz-ztest");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(ztest)
            .arg(format!("tcp:127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start yaz-ztest");
        // Ready once it accepts a connection; dropped (killed and waited for) otherwise.
        let ztest = ZTest { child, port };
        for _ in 0..500 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return ztest;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!("yaz-ztest did not start listening on port {port}");
    }
}

impl Drop for ZTest {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn target(name: &str, url: &str, version: &str) -> CopyTarget {
    CopyTarget {
        name: name.into(),
        base_url: url.into(),
        version: version.into(),
        record_schema: "marcxml".into(),
    }
}

#[test]
fn copy_cataloging_from_yaz_ztest_in_both_versions() {
    let ztest = ZTest::start();
    let url = format!("http://127.0.0.1:{}/Default", ztest.port);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut catalog = demo_catalog(dir.path(), "empty.shelfmark", 0);
    for version in ["1.2", "2.0"] {
        let t = target("ztest", &url, version);
        // yaz-ztest's test database: "computer" finds its three DLC sample records.
        let results =
            client::search(&t, &CopyQuery::Title("computer".into()), 1, 10).expect("search");
        assert_eq!(results.query, "dc.title all \"computer\"");
        assert_eq!(results.total, 3, "version {version}");
        assert_eq!(results.records.len(), 3);
        assert!(results.problems.is_empty(), "{:?}", results.problems);
        assert_eq!(
            results.records[0].summary.title,
            "How to program a computer"
        );
        assert_eq!(
            results.records[0].summary.author.as_deref(),
            Some("Jack Collins")
        );
        let page = client::search(&t, &CopyQuery::Title("computer".into()), 2, 1).expect("page");
        assert_eq!((page.start, page.records.len()), (2, 1));
        assert_eq!(page.records[0].position, 2);
    }
    let t = target("ztest", &url, "1.2");
    let results = client::search(&t, &CopyQuery::Title("computer".into()), 1, 1).expect("search");
    let record = &results.records[0].record;
    let first = catalog
        .write("cataloger", |m| {
            copy::import_one(m, record, MatchOn::ControlNumber, OnMatch::Skip)
        })
        .expect("import");
    assert_eq!(first.action, CopyImportAction::Added);
    let again = catalog
        .write("cataloger", |m| {
            copy::import_one(m, record, MatchOn::ControlNumber, OnMatch::Skip)
        })
        .expect("import");
    assert_eq!(again.action, CopyImportAction::Matched);
    assert_eq!(again.record_id, first.record_id);
    assert_eq!(catalog.summary().expect("summary").records, 1);
}

#[test]
fn copy_cataloging_from_our_own_server_into_an_empty_catalog() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut source = demo_catalog(dir.path(), "central.shelfmark", 120);
    let (control, isbn, title) = record_with_isbn(&source);
    let twain = count(&mut source, "author:twain");
    let url = serve(source);
    let mut branch = demo_catalog(dir.path(), "branch.shelfmark", 0);
    branch
        .write("cataloger", |m| {
            copy::add_target(m, &target("central", &url, "2.0"))
        })
        .expect("add target");
    let t = copy::target(&branch, "central").expect("target");
    // The ISBN in its ISBN-10 form finds the same record.
    let ten = {
        let core = &isbn[3..12];
        let sum: u32 = core
            .chars()
            .enumerate()
            .map(|(i, c)| c.to_digit(10).unwrap_or(0) * (10 - i as u32))
            .sum();
        let check = (11 - sum % 11) % 11;
        format!(
            "{core}{}",
            if check == 10 {
                'X'
            } else {
                char::from_digit(check, 10).unwrap_or('0')
            }
        )
    };
    let asked = if isbn.starts_with("978") {
        ten
    } else {
        isbn.clone()
    };
    let results = client::search(&t, &CopyQuery::Isbn(asked), 1, 10).expect("search");
    assert_eq!(results.total, 1);
    let found = &results.records[0];
    assert_eq!(
        found.summary.control_number.as_deref(),
        Some(control.as_str())
    );
    assert_eq!(found.summary.isbns, std::slice::from_ref(&isbn));
    assert_eq!(found.summary.title, title);
    let added = branch
        .write("cataloger", |m| {
            copy::import_one(m, &found.record, MatchOn::Isbn, OnMatch::Skip)
        })
        .expect("import");
    assert_eq!(added.action, CopyImportAction::Added);
    assert_eq!(
        records::find_by_isbn(&branch, &isbn).expect("find").len(),
        1
    );
    let stored =
        records::marc(&branch, Uuid::parse_str(&added.record_id).expect("uuid")).expect("stored");
    assert_eq!(stored, found.record);
    let matched = branch
        .write("cataloger", |m| {
            copy::import_one(m, &found.record, MatchOn::Isbn, OnMatch::Skip)
        })
        .expect("import");
    assert_eq!(matched.action, CopyImportAction::Matched);
    assert_eq!(matched.record_id, added.record_id);
    // Author search: the same count the central catalog's own search gives.
    let by_author = client::search(&t, &CopyQuery::Author("Twain".into()), 1, 5).expect("search");
    assert_eq!(by_author.total, twain);
    assert_eq!(by_author.records.len() as u64, twain.min(5));
}

#[test]
fn unreachable_and_non_sru_targets_are_told_apart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = serve(demo_catalog(dir.path(), "c.shelfmark", 5));
    let closed = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let gone = target("gone", &format!("http://{closed}/sru"), "2.0");
    match client::search(&gone, &CopyQuery::Title("x".into()), 1, 1) {
        Err(SruError::Unreachable { .. }) => {}
        other => panic!("unreachable expected, got {other:?}"),
    }
    let wrong = target("wrong", &url.replace("/sru", "/other"), "2.0");
    match client::search(&wrong, &CopyQuery::Title("x".into()), 1, 1) {
        Err(SruError::Http { status: 404, .. }) => {}
        other => panic!("HTTP 404 expected, got {other:?}"),
    }
    // A plain web page where SRU was expected.
    let page = TcpListener::bind("127.0.0.1:0").expect("bind");
    let page_addr = page.local_addr().expect("address");
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = page.accept() {
            let mut buf = [0u8; 2048];
            let _ = std::io::Read::read(&mut stream, &mut buf);
            let body = "<html><body>Welcome</body></html>";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let html = target("html", &format!("http://{page_addr}/"), "2.0");
    match client::search(&html, &CopyQuery::Title("x".into()), 1, 1) {
        Err(SruError::NotSru { detail, .. }) => assert!(detail.contains("<html>"), "{detail}"),
        other => panic!("not-SRU expected, got {other:?}"),
    }
}
