//! How fast the desk answers: check-out + check-in latency (p50/p99) and check-outs per second
//! in a batch, on a demo catalog.
//!
//! `SHELFMARK_BENCH_RECORDS=100000 cargo bench -p shelfmark-core --bench circulation`
//! (default 100,000 records; the demo makes one patron per 20 records, capped at 50,000). The
//! catalog is built once per size and kept in the target folder; each run works on a copy so
//! the loans it makes do not pile up. Plain timing rather than criterion: the figure wanted is
//! a tail latency and a sustained rate, which criterion's mean-centred report does not give.

use std::time::{Duration, Instant};

use shelfmark_core::api::PatronInput;
use shelfmark_core::circulation::{loans, patrons as patron_desk};
use shelfmark_core::{Catalog, CatalogOptions};

mod common;
use common::{bench_catalog, bench_records};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let records = bench_records();
    let path = bench_catalog(records).path().to_path_buf();
    let copy = path.with_extension("circ.db");
    let _ = std::fs::remove_file(&copy);
    copy_catalog(&path, &copy);
    let mut catalog = Catalog::open(&copy, CatalogOptions::default()).expect("copy opens");
    // The figure is for 100,000 readers: the demo has one per 20 records.
    top_up_patrons(&mut catalog);
    let summary = catalog.summary().expect("summary");
    let (patrons, items) = pick_patrons_and_items(&catalog);
    eprintln!(
        "circulation bench on {} records, {} items, {} patrons ({} usable readers, {} books)",
        summary.records,
        summary.items,
        summary.patrons,
        patrons.len(),
        items.len()
    );

    // Latency: one check-out and its check-in, each its own transaction, as at the desk.
    let rounds = 2_000.min(items.len());
    let cpu_before = cpu_seconds();
    let mut pairs = Vec::with_capacity(rounds);
    let mut outs = Vec::with_capacity(rounds);
    let mut ins = Vec::with_capacity(rounds);
    for n in 0..rounds {
        let patron = &patrons[n % patrons.len()];
        let item = &items[n];
        let start = Instant::now();
        catalog
            .write("bench", |m| loans::checkout(m, patron, item, None, None))
            .expect("checks out");
        let mid = Instant::now();
        catalog
            .write("bench", |m| loans::checkin(m, item, None, None))
            .expect("checks in");
        let end = Instant::now();
        outs.push(mid - start);
        ins.push(end - mid);
        pairs.push(end - start);
    }
    if let (Some(a), Some(b)) = (cpu_before, cpu_seconds()) {
        println!(
            "CPU time (process, user + system): {:.3} ms per check-out + check-in",
            (b - a) * 1e3 / rounds as f64
        );
    }
    for (name, v) in [
        ("check-out + check-in", &mut pairs),
        ("check-out", &mut outs),
        ("check-in", &mut ins),
    ] {
        v.sort();
        println!(
            "{name:<22} p50 {:>7.3} ms   p99 {:>7.3} ms   max {:>7.3} ms   ({} rounds)",
            percentile(v, 0.5).as_secs_f64() * 1e3,
            percentile(v, 0.99).as_secs_f64() * 1e3,
            v.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
            v.len()
        );
    }

    // Batch: a queue of check-outs (five per reader, the default loan limit), each its own
    // transaction, as a desk working through a class visit would.
    let batch = (patrons.len() * 5).min(items.len()).min(20_000);
    let cpu_before = cpu_seconds();
    let start = Instant::now();
    for n in 0..batch {
        let patron = &patrons[n / 5];
        catalog
            .write("bench", |m| {
                loans::checkout(m, patron, &items[n], None, None)
            })
            .expect("checks out");
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "batch of {batch} check-outs: {secs:.2} s, {:.0} check-outs/s",
        batch as f64 / secs
    );
    if let (Some(a), Some(b)) = (cpu_before, cpu_seconds()) {
        println!(
            "  CPU time {:.2} s: {:.0} check-outs per CPU second",
            b - a,
            batch as f64 / (b - a)
        );
    }
    patron_search(&mut catalog, &patrons);
    drop(catalog);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", copy.display()));
    }
}

/// Tops the demo's readers up to 100,000 with more Vietnamese names.
fn top_up_patrons(catalog: &mut Catalog) {
    let have = catalog.summary().expect("summary").patrons;
    const FAMILY: [&str; 8] = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"];
    const MIDDLE: [&str; 6] = ["Văn", "Thị", "Minh", "Đức", "Thu", "Quốc"];
    const GIVEN: [&str; 10] = [
        "An", "Bình", "Châu", "Dũng", "Hà", "Hương", "Khánh", "Lan", "Long", "Tâm",
    ];
    catalog
        .write("bench", |m| {
            for n in have..100_000 {
                let n = n as usize;
                patron_desk::add(
                    m,
                    &PatronInput {
                        barcode: format!("9{n:09}"),
                        name: format!(
                            "{} {} {}",
                            FAMILY[n % 8],
                            MIDDLE[(n / 8) % 6],
                            GIVEN[(n / 48) % 10]
                        ),
                        category: "adult".into(),
                        email: None,
                        phone: None,
                        home_branch_code: None,
                        expires_on: "2030-01-01".into(),
                        notes: String::new(),
                    },
                )?;
            }
            Ok(())
        })
        .expect("patrons");
}

/// The desk's patron search on the 100,000 readers: name prefixes, words in any order, a
/// barcode prefix and a search that finds nothing (the whole folded-name index walked).
fn patron_search(catalog: &mut Catalog, _usable: &[String]) {
    println!(
        "patron search on {} patrons (20 results):",
        catalog.summary().expect("summary").patrons
    );
    for text in ["nguyen van", "dang thu", "lan vu", "900005", "xyz qwerty"] {
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..50 {
            let start = Instant::now();
            found = patron_desk::search(catalog, text, 20)
                .expect("search")
                .len();
            times.push(start.elapsed());
        }
        times.sort();
        println!(
            "  {text:<12} p50 {:>7.3} ms   max {:>7.3} ms   ({found} found)",
            percentile(&times, 0.5).as_secs_f64() * 1e3,
            times.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
        );
    }
}

/// The process's CPU time so far (user + system, every thread), from `/proc/self/stat` on
/// Linux: on a shared machine it says what the work cost apart from waiting for a core.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which ends with the last ')'): utime and stime are the
    // 12th and 13th, in clock ticks of 1/100 s on Linux.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Copies the built catalog so each run starts from the same state (`VACUUM INTO` takes the
/// write-ahead log along).
fn copy_catalog(from: &std::path::Path, to: &std::path::Path) {
    let conn = rusqlite::Connection::open(from).expect("opens the built catalog");
    conn.execute("VACUUM INTO ?1", [to.display().to_string()])
        .expect("copies the catalog");
}

/// Adult, student and staff readers (a loan limit of at least five) whose card is valid now,
/// and printed books, read straight from the demo catalog's file.
fn pick_patrons_and_items(catalog: &Catalog) -> (Vec<String>, Vec<String>) {
    let conn = rusqlite::Connection::open(catalog.path()).expect("reads the catalog");
    let list = |sql: &str| -> Vec<String> {
        let mut stmt = conn.prepare(sql).expect("query");
        stmt.query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("values")
    };
    (
        // Readers the demo's history left with nothing out, owed or blocked, and books whose
        // title nobody waits for, so every scan of the bench is an ordinary loan.
        list(
            "SELECT barcode FROM patrons p WHERE category IN ('adult', 'student', 'staff')
               AND expires_on >= date('now')
               AND NOT EXISTS (SELECT 1 FROM loans l WHERE l.patron_id = p.id AND l.returned_at IS NULL)
               AND NOT EXISTS (SELECT 1 FROM patron_blocks b WHERE b.patron_id = p.id AND b.lifted_at IS NULL)
               AND coalesce((SELECT sum(amount) FROM fine_entries f WHERE f.patron_id = p.id), 0) <= 0
             ORDER BY barcode",
        ),
        list(
            "SELECT barcode FROM items i WHERE item_type = 'book' AND status = 'available'
               AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.record_id = i.record_id
                               AND h.status IN ('waiting', 'suspended', 'in_transit', 'on_shelf'))
             ORDER BY barcode",
        ),
    )
}
