//! How fast a large MARC file goes into a catalog, end to end: read, parse, extract, match,
//! store, items from embedded holdings, change log and import ledger.
//!
//! `cargo bench -p shelfmark-core --bench import` (set `SHELFMARK_BENCH_RECORDS`, default
//! 100000). The input is made from the demo catalog: every demo record exported as ISO 2709
//! with its items as Koha 952 fields; it is built once per size and kept in the target folder.
//! Each run imports into a new catalog and then brings the search index up to date
//! (`update_search_index`), as `shelfmark import` does, so the figure is end to end. Prints
//! records/s elapsed and per CPU-second (user + system of every thread: the machine may be
//! shared, so wall time alone says little), for the import, the index and both, and the peak
//! resident memory of the run (reset through /proc/self/clear_refs before it starts).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use shelfmark_core::catalog::import::{
    ImportOptions, ImportReport, ImportStage, MatchOn, StageObserver, import_file,
    update_search_index,
};
use shelfmark_core::catalog::records;
use shelfmark_core::demo::{self, DemoConfig};
use shelfmark_core::holdings::{
    self,
    embedded::{EmbeddedItem, HoldingsMap, item_field},
};
use shelfmark_core::search::SearchIndex;
use shelfmark_core::{Catalog, CatalogOptions};
use shelfmark_marc::iso2709;

fn remove_catalog(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// The demo's records with their items as 952s, as one ISO 2709 file.
fn demo_file(folder: &Path, count: u64) -> PathBuf {
    let file = folder.join(format!("bench-import-{count}-seed7.mrc"));
    if file.exists() {
        return file;
    }
    let db = folder.join(format!("bench-import-source-{count}.db"));
    remove_catalog(&db);
    let mut catalog = Catalog::open(&db, CatalogOptions::default()).expect("catalog opens");
    demo::build(
        &mut catalog,
        "bench",
        DemoConfig {
            records: count,
            seed: 7,
        },
        |_| {},
    )
    .expect("demo builds");
    let koha = &HoldingsMap::built_in()[0];
    let partial = file.with_extension("partial");
    let mut out = BufWriter::new(std::fs::File::create(&partial).expect("create"));
    let mut offset = 0;
    loop {
        let page = records::list(&catalog, offset, 1_000).expect("page");
        if page.rows.is_empty() {
            break;
        }
        for row in &page.rows {
            let id = uuid::Uuid::parse_str(&row.id).expect("id");
            let mut record = records::marc(&catalog, id).expect("marc");
            for item in holdings::items_of(&catalog, id).expect("items") {
                let embedded = EmbeddedItem {
                    tag: "952".into(),
                    barcode: item.barcode,
                    branch: item.branch_code,
                    holding_branch: item.holding_branch_code,
                    location: Some(item.location),
                    call_number: item.call_number,
                    item_type: Some(item.item_type),
                    status: None,
                    local_number: None,
                };
                record
                    .fields
                    .push(item_field(koha, &embedded).expect("952"));
            }
            out.write_all(&iso2709::to_bytes(&record).expect("bytes"))
                .expect("write");
        }
        offset += page.rows.len() as u64;
    }
    out.flush().expect("flush");
    drop(out);
    std::fs::rename(&partial, &file).expect("rename");
    drop(catalog);
    remove_catalog(&db);
    file
}

fn status_kib(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User plus system CPU seconds of this process so far (the machine may be shared, so wall
/// time alone says little).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // Fields 14 and 15 of stat (utime, stime), counted after the name: 11 and 12; 100 Hz.
    (ticks(11) + ticks(12)) / 100.0
}

/// CPU seconds of each thread of this process, sampled every 10 ms while a run goes on
/// (a thread's figure is its last sample before it ended, so up to 10 ms short), summed by
/// thread name: the import names its threads `import-read`, `import-write`, ... The writing
/// thread's figure is what bounds the import's wall time.
struct ThreadSampler {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    handle: std::thread::JoinHandle<std::collections::HashMap<u64, (String, Sample)>>,
}

/// What a thread has used so far: CPU seconds and bytes handed to `write` (its `wchar`: the
/// writer's WAL frames, the checkpointer's copies into the database).
#[derive(Clone, Copy, Default)]
struct Sample {
    cpu: f64,
    written: f64,
}

fn task_sample(tid: &str) -> Option<(String, Sample)> {
    let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).ok()?;
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat[open + 1..close].to_string();
    let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok());
    let written = std::fs::read_to_string(format!("/proc/self/task/{tid}/io"))
        .ok()
        .and_then(|io| {
            io.lines()
                .find_map(|l| l.strip_prefix("wchar:"))
                .and_then(|v| v.trim().parse().ok())
        })
        .unwrap_or(0.0);
    Some((
        name,
        Sample {
            cpu: (ticks(11)? + ticks(12)?) / 100.0,
            written,
        },
    ))
}

impl ThreadSampler {
    fn start() -> ThreadSampler {
        use std::sync::atomic::Ordering;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let before: std::collections::HashMap<u64, Sample> = Self::sample()
            .into_iter()
            .map(|(tid, (_, sample))| (tid, sample))
            .collect();
        let handle = std::thread::Builder::new()
            .name("bench-sampler".into())
            .spawn(move || {
                let mut seen = std::collections::HashMap::new();
                loop {
                    let last = flag.load(Ordering::Relaxed);
                    for (tid, (name, now)) in Self::sample() {
                        let then = before.get(&tid).copied().unwrap_or_default();
                        let used = Sample {
                            cpu: now.cpu - then.cpu,
                            written: now.written - then.written,
                        };
                        seen.insert(tid, (name, used));
                    }
                    if last {
                        return seen;
                    }
                    // Every 50 ms: often enough for threads that live as long as the import,
                    // seldom enough not to take CPU from it.
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
            })
            .expect("sampler thread starts");
        ThreadSampler { stop, handle }
    }

    fn sample() -> Vec<(u64, (String, Sample))> {
        let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
            return Vec::new();
        };
        dir.filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            Some((name.parse().ok()?, task_sample(&name)?))
        })
        .collect()
    }

    /// CPU seconds and bytes written by thread name, most CPU first.
    fn finish(self) -> Vec<(String, Sample)> {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let seen = self.handle.join().unwrap_or_default();
        let mut by_name: std::collections::BTreeMap<String, Sample> = Default::default();
        for (_, (name, used)) in seen {
            let total = by_name.entry(name).or_default();
            total.cpu += used.cpu;
            total.written += used.written;
        }
        let mut out: Vec<_> = by_name
            .into_iter()
            .filter(|(_, used)| used.cpu > 0.0)
            .collect();
        out.sort_by(|a, b| b.1.cpu.total_cmp(&a.1.cpu));
        out
    }
}

/// Wall and CPU seconds of one phase.
struct Took {
    wall: f64,
    cpu: f64,
}

fn timed<T>(work: impl FnOnce() -> T) -> (T, Took) {
    let start = Instant::now();
    let cpu = cpu_seconds();
    let value = work();
    let took = Took {
        wall: start.elapsed().as_secs_f64(),
        cpu: cpu_seconds() - cpu,
    };
    (value, took)
}

/// The stages an import passed, each with when.
type Stages = std::sync::Arc<std::sync::Mutex<Vec<(ImportStage, Instant)>>>;

/// Wall time per phase of one import, from the stages it passed (see `ImportStage`): the
/// set-up before the threads start, the reading thread, the writer's batches, its waits for a
/// checkpoint and for input, and the tail after the last commit, where the work is done one
/// piece after another.
fn print_phases(start: Instant, end: Instant, stages: &[(ImportStage, Instant)]) {
    use ImportStage as S;
    let at = |stage: ImportStage| stages.iter().find(|(s, _)| *s == stage).map(|(_, t)| *t);
    let secs = |a: Option<Instant>, b: Option<Instant>| match (a, b) {
        (Some(a), Some(b)) => b.saturating_duration_since(a).as_secs_f64(),
        _ => 0.0,
    };
    // The sum of the spans from each `begins` to the `ends` after it.
    let spans = |begins: ImportStage, ends: ImportStage| {
        let (mut total, mut count, mut open) = (0.0, 0, None);
        for &(stage, t) in stages {
            if stage == begins {
                open = Some(t);
            } else if stage == ends
                && let Some(o) = open.take()
            {
                total += t.saturating_duration_since(o).as_secs_f64();
                count += 1;
            }
        }
        (total, count)
    };
    let started = at(S::Started);
    let writing_done = at(S::WritingDone);
    let (batches, batch_count) = spans(S::BatchBegins, S::BatchCommitted);
    let (waits, wait_count) = spans(S::CheckpointWaitBegins, S::CheckpointWaitEnds);
    let writer = secs(started, writing_done);
    let first_batch = secs(started, at(S::BatchBegins));
    println!(
        "  phases: set-up {:.2}s | reading {:.2}s | writer {:.2}s = {batch_count} batches {batches:.2}s + {wait_count} checkpoint waits {waits:.2}s + waiting for input {:.2}s (first batch after {first_batch:.2}s)",
        secs(Some(start), started),
        secs(started, at(S::ReadingDone)),
        writer,
        writer - batches - waits,
    );
    println!(
        "  tail after the last commit {:.2}s: indexes set aside built {:.2}s, search index commit {:.2}s, last checkpoint done {:.2}s after the last commit",
        secs(writing_done, Some(end)),
        secs(at(S::IndexesRestoreBegins), at(S::IndexesRestoreEnds)),
        secs(at(S::SearchCommitBegins), at(S::SearchCommitEnds)),
        secs(writing_done, at(S::LastCheckpointEnds)),
    );
}

/// `index_first`: the catalog's (empty) index exists before the import, as when importing into
/// a catalog in use.
fn run(
    file: &Path,
    folder: &Path,
    match_on: MatchOn,
    index_first: bool,
) -> (ImportReport, Took, Took) {
    let db = folder.join("bench-import-target.db");
    remove_catalog(&db);
    let _ = std::fs::remove_dir_all(shelfmark_core::search::index_dir(&db));
    let mut catalog = Catalog::open(&db, CatalogOptions::default()).expect("catalog opens");
    if index_first {
        drop(SearchIndex::open(&catalog).expect("empty index"));
    }
    let defaults = ImportOptions::default();
    let stages: Stages = Default::default();
    let seen = stages.clone();
    let options = ImportOptions {
        stages: Some(StageObserver(std::sync::Arc::new(move |stage| {
            if let Ok(mut seen) = seen.lock() {
                seen.push((stage, Instant::now()));
            }
        }))),
        match_on,
        // SHELFMARK_BENCH_BATCH: records per transaction, to compare batch sizes.
        batch_size: std::env::var("SHELFMARK_BENCH_BATCH")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(defaults.batch_size),
        ..defaults
    };
    let mut report = ImportReport::default();
    let start = Instant::now();
    let ((), import) = timed(|| {
        import_file(
            &mut catalog,
            "bench",
            file,
            None,
            &options,
            &mut report,
            |_| {},
        )
        .expect("imports")
    });
    print_phases(
        start,
        Instant::now(),
        &stages.lock().map(|s| s.clone()).unwrap_or_default(),
    );
    let (index, index_took) =
        timed(|| update_search_index(&catalog, report.added + report.overlaid).expect("index"));
    // What the import leaves on disk beside the catalog while it is still open.
    let size = |suffix: &str| {
        std::fs::metadata(format!("{}{suffix}", db.display()))
            .map(|m| m.len())
            .unwrap_or(0) as f64
            / (1024.0 * 1024.0)
    };
    println!(
        "  catalog {:.0} MiB, WAL {:.0} MiB after the import",
        size(""),
        size("-wal")
    );
    drop(index);
    drop(catalog);
    remove_catalog(&db);
    let _ = std::fs::remove_dir_all(shelfmark_core::search::index_dir(&db));
    (report, import, index_took)
}

fn main() {
    let count: u64 = std::env::var("SHELFMARK_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let file = demo_file(&folder, count);
    let bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    println!(
        "input: {} ({count} records, {:.1} MiB)",
        file.display(),
        bytes as f64 / 1_048_576.0
    );
    // SHELFMARK_BENCH_QUICK: only the first run.
    let quick = std::env::var_os("SHELFMARK_BENCH_QUICK").is_some();
    let runs = [
        (MatchOn::ControlNumber, false),
        (MatchOn::None, false),
        (MatchOn::ControlNumber, true),
    ];
    for &(match_on, index_first) in &runs[..if quick { 1 } else { runs.len() }] {
        // Forget the peak of building the input (or of the previous run).
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let sampler = ThreadSampler::start();
        let (report, import, index) = run(&file, &folder, match_on, index_first);
        let threads = sampler.finish();
        assert_eq!(
            report.added,
            count,
            "{:?}",
            &report.problems[..report.problems.len().min(5)]
        );
        let rate = |secs: f64| count as f64 / secs.max(1e-9);
        println!(
            "import --match {match_on:?}, index {}: {} records, {} items",
            if index_first { "existed" } else { "new" },
            report.added,
            report.items_added
        );
        for (what, wall, cpu) in [
            ("  store + change log", import.wall, import.cpu),
            ("  search index", index.wall, index.cpu),
            (
                "  end to end",
                import.wall + index.wall,
                import.cpu + index.cpu,
            ),
        ] {
            println!(
                "{what:<20} {wall:6.2}s wall {cpu:6.2}s cpu = {:6.0} records/s, {:6.0} per CPU-second",
                rate(wall),
                rate(cpu)
            );
        }
        let cpu: Vec<String> = threads
            .iter()
            .map(|(name, used)| format!("{name} {:.2}", used.cpu))
            .collect();
        println!("  CPU-s by thread: {}", cpu.join(", "));
        let written: Vec<String> = threads
            .iter()
            .filter(|(_, used)| used.written >= 1_048_576.0)
            .map(|(name, used)| format!("{name} {:.0}", used.written / 1_048_576.0))
            .collect();
        println!("  MiB written by thread: {}", written.join(", "));
        println!(
            "  peak RSS {:.1} MiB",
            status_kib("VmHWM:").unwrap_or(0) as f64 / 1024.0
        );
    }
}
