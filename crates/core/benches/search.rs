//! How fast search answers, and how fast the index and an export are built, on a large demo
//! catalog. Prints p50/p99 latencies, records/s and peak RSS rather than using criterion,
//! because percentiles over a mixed query set are what the targets are stated in.
//!
//! `cargo bench -p shelfmark-core --bench search` (set `SHELFMARK_BENCH_RECORDS`, default
//! 100000; 1000000 for the big run). The demo catalog is built once per size and kept in the
//! target folder (shared with the `catalog` bench); the index is rebuilt every run, since
//! rebuilding is one of the things measured, unless `SHELFMARK_BENCH_REINDEX=0` (then the
//! index left by the last run is opened, caught up if needed: quicker when only searching is
//! being tuned).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use shelfmark_core::api::{SearchQuery, SearchSort};
use shelfmark_core::catalog::export::{self, ExportOptions};
use shelfmark_core::search::SearchIndex;
use shelfmark_marc::Format;

mod common;
use common::{bench_catalog, bench_records};

/// The mixed query set: (kind, query, with facets).
const QUERIES: &[(&str, &str, bool)] = &[
    ("word", "kiều", false),
    ("word", "chiến", false),
    ("word", "history", false),
    ("word", "gardening", false),
    ("folded", "nguyen du", false),
    ("folded", "ha noi", false),
    ("folded", "truyen kieu", false),
    ("folded", "dang thuy tram", false),
    ("diacritics", "đường", false),
    ("diacritics", "Nguyễn Du Truyện Kiều", false),
    ("phrase", "\"truyen kieu\"", false),
    ("phrase", "\"nỗi buồn chiến tranh\"", false),
    ("fielded", "author:nam title:chi", false),
    ("fielded", "type:ebook lang:vie year:1990..2000", false),
    ("fielded", "subject:lich OR author:tuan", false),
    ("fielded", "nguyen NOT type:serial", false),
    ("facets", "ha noi", true),
    ("facets", "type:audiobook", true),
    ("facets", "", true),
    ("sorted", "nguyen", false),
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l.to_string())
        })
        .unwrap_or_else(|| "VmHWM unknown".into())
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` does not, and then this is skipped.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let records = bench_records();
    let catalog = bench_catalog(records);

    let reindex = std::env::var("SHELFMARK_BENCH_REINDEX").map_or(true, |v| v != "0");
    let mut index = if reindex {
        let start = Instant::now();
        let (index, indexed) = SearchIndex::rebuild(&catalog, |_, _| {}).expect("reindex");
        let secs = start.elapsed().as_secs_f64();
        println!(
            "reindex: {indexed} records in {secs:.1}s = {:.0} records/s",
            indexed as f64 / secs
        );
        index
    } else {
        SearchIndex::open(&catalog).expect("open")
    };

    let start = Instant::now();
    let _reopened = SearchIndex::open(&catalog).expect("open");
    println!("open (checksums verified): {}", ms(start.elapsed()));
    drop(_reopened);

    let run = |index: &mut SearchIndex, (kind, text, facets): (&str, &str, bool)| {
        let sort = if kind == "sorted" {
            SearchSort::Title
        } else {
            SearchSort::Relevance
        };
        let q = SearchQuery {
            text: text.into(),
            offset: 0,
            limit: 20,
            sort,
            facets,
        };
        let start = Instant::now();
        let results = index.search(&catalog, &q).expect("search");
        (start.elapsed(), results.total)
    };
    // Warm-up: every query once, so the page cache and tantivy's caches are hot.
    for q in QUERIES {
        // The first faceted search also builds the per-segment facet bitsets.
        let (took, total) = run(&mut index, *q);
        println!(
            "  {:<10} {:<40} {total} hits, first run {}",
            q.0,
            q.1,
            ms(took)
        );
    }
    let rounds = 30;
    let mut all = Vec::new();
    let mut by_kind: std::collections::BTreeMap<&str, Vec<Duration>> = Default::default();
    let mut by_query: Vec<Vec<Duration>> = vec![Vec::new(); QUERIES.len()];
    for _ in 0..rounds {
        for (i, q) in QUERIES.iter().enumerate() {
            let (took, _) = run(&mut index, *q);
            all.push(took);
            by_kind.entry(q.0).or_default().push(took);
            by_query[i].push(took);
        }
    }
    all.sort();
    println!(
        "search over {records} records, {} queries: p50 {} p99 {} max {}",
        all.len(),
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.99)),
        ms(*all.last().expect("some"))
    );
    for (kind, mut times) in by_kind {
        times.sort();
        println!(
            "  {kind:<10} p50 {} p99 {}",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99))
        );
    }
    for (q, mut times) in QUERIES.iter().zip(by_query) {
        times.sort();
        println!(
            "    {:<10} {:<40} p50 {} max {}",
            q.0,
            q.1,
            ms(percentile(&times, 0.5)),
            ms(*times.last().expect("some"))
        );
    }

    // What every search pays to stay current when nothing was committed since.
    let mut refreshes = Vec::with_capacity(1_000);
    for _ in 0..1_000 {
        let start = Instant::now();
        index.refresh(&catalog).expect("refresh");
        refreshes.push(start.elapsed());
    }
    refreshes.sort();
    println!(
        "refresh with nothing new: p50 {:.1} µs p99 {:.1} µs",
        percentile(&refreshes, 0.5).as_secs_f64() * 1e6,
        percentile(&refreshes, 0.99).as_secs_f64() * 1e6
    );

    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    for format in [Format::Iso2709, Format::JsonLines] {
        let out = folder.join(format!("bench-export-{records}.{}", format.name()));
        let start = Instant::now();
        let report = export::export(
            &catalog,
            &ExportOptions {
                format,
                query: None,
                cancel: None,
                with_rights: true,
            },
            &out,
            |_| {},
        )
        .expect("export");
        let secs = start.elapsed().as_secs_f64();
        let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        println!(
            "export {}: {} records in {secs:.2}s = {:.0} records/s ({:.1} MB)",
            format.name(),
            report.written,
            report.written as f64 / secs,
            size as f64 / 1e6
        );
        let _ = std::fs::remove_file(&out);
    }
    println!("peak RSS: {}", peak_rss());
}
