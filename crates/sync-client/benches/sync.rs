//! Sync on loopback with a real central server (`shelfmark_server::serve`, HTTP over
//! 127.0.0.1) and real catalogs on disk, through the same client the CLI and the app use.
//!
//! 1. Push plus pull of about SYNC_BENCH_CHANGES changes (10,000): branch A pushes its demo
//!    catalog's change log, then an empty branch B pulls it. Target: under 2 s together.
//! 2. Bootstrap: a demo branch of SYNC_BENCH_RECORDS records (100,000) is synced up first
//!    (timed too, as the initial upload), then an empty catalog bootstraps the union catalog.
//!    Target: under 60 s.
//!
//! Batch size from SYNC_BENCH_BATCH (the client's default, 500). Prints entries per second,
//! and p50/p99 of a branch's steady state: one new change pushed and whatever is new pulled
//! (a whole `sync_once`, 200 times).
//!
//! `SYNC_BENCH_CHANGES=1000 SYNC_BENCH_RECORDS=10000 cargo bench -p shelfmark-sync-client --bench sync`

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use shelfmark_core::demo::{self, DemoConfig};
use shelfmark_core::{Catalog, CatalogOptions};
use shelfmark_sync_client::{ServerAddress, SyncOptions, sync_once};

/// Changes per demo record (records, items, readers, circulation), measured on the demo
/// (2.80 to 2.85 by size); the lower end, so the push is at least the changes asked for.
const CHANGES_PER_RECORD: f64 = 2.78;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A central server on a free loopback port, running on its own thread until the bench ends.
fn start_server(db: &Path) -> String {
    let (tell, told) = std::sync::mpsc::channel::<SocketAddr>();
    let db = db.to_path_buf();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime
            .block_on(shelfmark_server::serve(
                shelfmark_server::ServeOptions {
                    db,
                    listen: "127.0.0.1:0".parse().expect("address"),
                    tls: None,
                },
                move |addr| {
                    let _ = tell.send(addr);
                },
            ))
            .expect("server runs");
    });
    let addr = told.recv().expect("server listens");
    format!("http://{addr}")
}

fn branch(dir: &Path, name: &str, records: u64) -> Catalog {
    let mut catalog =
        Catalog::open(dir.join(format!("{name}.db")), CatalogOptions::default()).expect("opens");
    if records > 0 {
        demo::build(
            &mut catalog,
            "demo",
            DemoConfig { records, seed: 7 },
            |_| {},
        )
        .expect("demo");
    }
    catalog
}

fn token(central: &Path, name: &str) -> String {
    shelfmark_server::admin::add_branch(central, name).expect("branch registered")
}

/// Times one sync, and prints what moved.
fn timed(label: &str, catalog: &mut Catalog, server: &ServerAddress, batch: u32) -> Duration {
    let options = SyncOptions {
        batch,
        ..SyncOptions::default()
    };
    let start = Instant::now();
    let report = sync_once(catalog, server, &options).expect("sync");
    let took = start.elapsed();
    let moved = u64::from(report.pushed + report.pulled);
    println!(
        "{label:<34} {:>8} pushed {:>8} pulled  {:>8.3} s  {:>9.0} entries/s",
        report.pushed,
        report.pulled,
        took.as_secs_f64(),
        moved as f64 / took.as_secs_f64().max(1e-9)
    );
    took
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// One batch's round trip, many times: the latency a branch sees per request.
fn round_trips(dir: &Path, token: String, url: &str, batch: u32) {
    let mut catalog = branch(dir, "latency", 400);
    let server = ServerAddress::new(url, token);
    let options = SyncOptions {
        batch,
        ..SyncOptions::default()
    };
    let mut times = Vec::new();
    // Each round pushes one change and pulls whatever is new: the steady state of a branch.
    sync_once(&mut catalog, &server, &options).expect("first sync");
    for round in 0..200 {
        catalog
            .write("bench", |m| {
                shelfmark_core::circulation::patrons::add(
                    m,
                    &shelfmark_core::api::PatronInput {
                        barcode: format!("LAT-{round:05}"),
                        name: format!("Bạn đọc {round}"),
                        category: "adult".into(),
                        email: None,
                        phone: None,
                        home_branch_code: None,
                        expires_on: "2099-12-31".into(),
                        notes: String::new(),
                    },
                )
            })
            .expect("a change");
        let start = Instant::now();
        sync_once(&mut catalog, &server, &options).expect("sync");
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "{:<34} p50 {:>7.2} ms  p99 {:>7.2} ms  ({} syncs)",
        "one change pushed and pulled",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.len()
    );
}

fn main() {
    let changes = env("SYNC_BENCH_CHANGES", 10_000);
    let records = env("SYNC_BENCH_RECORDS", 100_000);
    let batch = env("SYNC_BENCH_BATCH", u64::from(SyncOptions::default().batch)) as u32;
    let dir = tempfile::tempdir().expect("temp dir");

    // 1. Push plus pull.
    let central = dir.path().join("central-1.db");
    let token_a = token(&central, "A");
    let token_b = token(&central, "B");
    // Registered before the server runs: its follower may be writing the union catalog later.
    let token_latency = token(&central, "latency");
    let url = start_server(&central);
    let demo_records = ((changes as f64 / CHANGES_PER_RECORD).ceil() as u64).max(1);
    let mut a = branch(dir.path(), "a", demo_records);
    let entries = a.summary().expect("summary").unsynced_changes;
    println!("push + pull: {entries} changes ({demo_records} demo records), batch {batch}");
    let push = timed(
        "A pushes",
        &mut a,
        &ServerAddress::new(&url, token_a),
        batch,
    );
    let mut b = branch(dir.path(), "b", 0);
    let pull = timed("B pulls", &mut b, &ServerAddress::new(&url, token_b), batch);
    let both = push + pull;
    println!(
        "{:<34} {:>8.3} s  (target < 2 s: {})",
        "push + pull",
        both.as_secs_f64(),
        if both < Duration::from_secs(2) {
            "met"
        } else {
            "MISSED"
        }
    );
    round_trips(dir.path(), token_latency, &url, batch);

    // 2. Bootstrap of a union catalog.
    let central = dir.path().join("central-2.db");
    let token_big = token(&central, "big");
    let token_new = token(&central, "new");
    let url = start_server(&central);
    let start = Instant::now();
    let mut big = branch(dir.path(), "big", records);
    println!(
        "\nbootstrap: union catalog of {records} records (demo built in {:.1} s)",
        start.elapsed().as_secs_f64()
    );
    timed(
        "first upload of the demo branch",
        &mut big,
        &ServerAddress::new(&url, token_big),
        batch,
    );
    let mut fresh = branch(dir.path(), "fresh", 0);
    let boot = timed(
        "an empty branch bootstraps",
        &mut fresh,
        &ServerAddress::new(&url, token_new),
        batch,
    );
    let held = fresh.summary().expect("summary").records;
    assert_eq!(
        held, records,
        "the new branch holds the whole union catalog"
    );
    println!(
        "{:<34} {:>8.3} s  {:>9.0} records/s  (target < 60 s: {})",
        "bootstrap",
        boot.as_secs_f64(),
        records as f64 / boot.as_secs_f64().max(1e-9),
        if boot < Duration::from_secs(60) {
            "met"
        } else {
            "MISSED"
        }
    );
}
