//! How fast the record list and the status bar answer on a large demo catalog.
//!
//! `cargo bench -p shelfmark-core --bench catalog` (set `SHELFMARK_BENCH_RECORDS`, default
//! 100000; 1000000 for the big run). The catalog is built once per size and seed and kept in
//! the target folder, so repeated runs measure only the queries.

use std::path::PathBuf;
use std::time::Instant;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use shelfmark_core::catalog::records;
use shelfmark_core::demo::{self, DemoConfig};
use shelfmark_core::{Catalog, CatalogOptions};

fn bench_catalog(records: u64) -> Catalog {
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
            "built {records} records in {secs:.1}s ({:.0} records/s)",
            records as f64 / secs
        );
        std::fs::write(&ready, b"").expect("mark ready");
    }
    Catalog::open(&path, CatalogOptions::default()).expect("bench catalog opens")
}

fn list_and_summary(c: &mut Criterion) {
    let records: u64 = std::env::var("SHELFMARK_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let catalog = bench_catalog(records);
    let mut group = c.benchmark_group(format!("record_list_{records}"));
    for offset in [0, records / 2, records.saturating_sub(200)] {
        group.bench_with_input(
            BenchmarkId::new("page_of_200_at", offset),
            &offset,
            |b, &offset| b.iter(|| records::list(&catalog, offset, 200).expect("page")),
        );
    }
    group.bench_function("status_bar_summary", |b| {
        b.iter(|| catalog.summary().expect("summary"))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = list_and_summary
}
criterion_main!(benches);
