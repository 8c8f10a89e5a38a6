//! How fast the record list and the status bar answer on a large demo catalog.
//!
//! `cargo bench -p shelfmark-core --bench catalog` (set `SHELFMARK_BENCH_RECORDS`, default
//! 100000; 1000000 for the big run). The catalog is built once per size and seed and kept in
//! the target folder, so repeated runs measure only the queries.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use shelfmark_core::catalog::records;

mod common;
use common::{bench_catalog, bench_records};

fn list_and_summary(c: &mut Criterion) {
    let records = bench_records();
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
