//! What the benches share: one large demo catalog per size, built once and kept in the target
//! folder, so repeated runs measure only what they are about.

use std::path::PathBuf;
use std::time::Instant;

use shelfmark_core::demo::{self, DemoConfig};
use shelfmark_core::{Catalog, CatalogOptions};

/// How many records a bench runs on: `SHELFMARK_BENCH_RECORDS`, default 100,000.
pub fn bench_records() -> u64 {
    std::env::var("SHELFMARK_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

/// The demo catalog of `records` records (seed 7), built on first use.
pub fn bench_catalog(records: u64) -> Catalog {
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = folder.join(format!("bench-demo-{records}-seed7.db"));
    let ready = folder.join(format!("bench-demo-{records}-seed7.ready"));
    if !ready.exists() {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let mut catalog =
            Catalog::open(&path, CatalogOptions::default()).expect("bench catalog opens");
        let start = Instant::now();
        demo::build(
            &mut catalog,
            "bench",
            DemoConfig { records, seed: 7 },
            |_| {},
        )
        .expect("demo builds");
        let secs = start.elapsed().as_secs_f64();
        eprintln!(
            "built {records} demo records in {secs:.1}s ({:.0} records/s)",
            records as f64 / secs
        );
        std::fs::write(&ready, b"").expect("mark ready");
    }
    Catalog::open(&path, CatalogOptions::default()).expect("bench catalog opens")
}
