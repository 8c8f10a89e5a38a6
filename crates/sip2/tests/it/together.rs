//! Many kiosks writing at once, through the server's one writer (their writes share
//! transactions), while the desk — another program — writes the same catalog.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use shelfmark_core::api::ItemStatus;
use shelfmark_core::circulation::loans;
use shelfmark_core::demo::DEMO_PIN;
use shelfmark_core::{CoreError, EntityType, changelog};
use shelfmark_sip2::Charset;

use crate::setup::*;

const DATE: &str = "20260301    100000";
const KIOSKS: usize = 6;
const ROUNDS: usize = 4;

fn ask(stream: &mut TcpStream, message: &str) -> String {
    stream
        .write_all(format!("{message}\r").as_bytes())
        .expect("writes");
    let mut out = Vec::new();
    let mut buf = [0u8; 1024];
    while !out.ends_with(b"\r") {
        let n = stream.read(&mut buf).expect("reads");
        assert!(n > 0, "the server closed the connection");
        out.extend_from_slice(&buf[..n]);
    }
    String::from_utf8(out).expect("UTF-8")
}

/// The desk's own retry: SQLite says busy when the kiosks' writer held the catalog past the
/// desk's snapshot; the desk's transaction was rolled back whole and runs again.
fn at_the_desk<T>(mut op: impl FnMut() -> Result<T, CoreError>) -> T {
    for attempt in 1..=50u64 {
        match op() {
            Err(CoreError::Storage(rusqlite::Error::SqliteFailure(e, _)))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) =>
            {
                std::thread::sleep(Duration::from_millis(attempt * 2));
            }
            other => return other.expect("the desk's write"),
        }
    }
    panic!("the desk never got the catalog");
}

#[test]
fn kiosks_and_the_desk_write_together_and_every_loan_is_whole() {
    let lib = Library::new(300, KIOSKS + 1);
    // Items of HK, where the kiosks are: checked in there, they go back on the shelf.
    let items: Vec<String> = {
        let catalog = lib.catalog();
        lib.free_items(100)
            .into_iter()
            .filter(|b| {
                loans::item_circulation(&catalog, b).is_ok_and(|i| i.home_branch_code == "HK")
            })
            .take(KIOSKS + 1)
            .collect()
    };
    assert_eq!(items.len(), KIOSKS + 1);
    let server = lib.serve(Duration::from_secs(60), Charset::Utf8);
    let addr = server.addr;
    let start = std::sync::Arc::new(std::sync::Barrier::new(KIOSKS + 1));
    let kiosks: Vec<_> = (0..KIOSKS)
        .map(|n| {
            let (reader, item) = (reader(n), items[n].clone());
            let start = start.clone();
            std::thread::spawn(move || {
                let mut s = TcpStream::connect(addr).expect("connects");
                assert_eq!(
                    ask(&mut s, &format!("9300CN{LOGIN}|CO{PASSWORD}|")),
                    "941\r"
                );
                let status = ask(&mut s, &format!("23000{DATE}AOHK|AA{reader}|AD{DEMO_PIN}|"));
                assert!(status.contains("|CQY|"), "{status}");
                start.wait();
                for _ in 0..ROUNDS {
                    let out = ask(
                        &mut s,
                        &format!("11NN{DATE}{DATE}AOHK|AA{reader}|AB{item}|AD{DEMO_PIN}|"),
                    );
                    assert!(out.starts_with("121"), "{out}");
                    // A refusal in the same stream of writes: no such item. Its write is
                    // rolled back alone; the loans around it stand.
                    let refused = ask(
                        &mut s,
                        &format!("11NN{DATE}{DATE}AOHK|AA{reader}|AB399999999999|AD{DEMO_PIN}|"),
                    );
                    assert!(refused.starts_with("120"), "{refused}");
                    let back = ask(&mut s, &format!("09N{DATE}{DATE}APHK|AOHK|AB{item}|"));
                    assert!(back.starts_with("101"), "{back}");
                }
            })
        })
        .collect();
    // The desk lends and takes back its own item meanwhile, on its own connection.
    let mut desk = lib.catalog();
    let (desk_reader, desk_item) = (reader(KIOSKS), items[KIOSKS].clone());
    start.wait();
    for _ in 0..ROUNDS {
        at_the_desk(|| {
            desk.write("desk", |m| {
                loans::checkout(m, &desk_reader, &desk_item, Some("HK"), None)
            })
        });
        at_the_desk(|| desk.write("desk", |m| loans::checkin(m, &desk_item, Some("HK"), None)));
    }
    for k in kiosks {
        k.join().expect("every kiosk got its answers");
    }
    server.stop();

    let catalog = lib.catalog();
    for item in &items {
        let now = loans::item_circulation(&catalog, item).expect("item");
        assert_eq!(now.status, ItemStatus::Available, "{item}");
    }
    // Every loan made was logged once as lent and once as returned (the demo's own history
    // is of other items), and the hybrid times grow with the log.
    let log = changelog::recent(&catalog, 100_000).expect("log");
    let events = |event: &str| {
        log.iter()
            .filter(|e| e.entity_type == EntityType::Loan && e.payload["event"] == event)
            .filter(|e| {
                let barcode = e.payload["loan"]["item_barcode"].as_str().unwrap_or("");
                items.iter().any(|i| i == barcode)
            })
            .count()
    };
    assert_eq!(events("checkout"), (KIOSKS + 1) * ROUNDS);
    assert_eq!(events("checkin"), (KIOSKS + 1) * ROUNDS);
    assert!(
        log.windows(2)
            .all(|w| w[0].seq > w[1].seq && w[0].hlc > w[1].hlc),
        "the change log's times follow its order"
    );
}
