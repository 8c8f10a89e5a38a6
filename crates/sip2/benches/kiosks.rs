//! 100 kiosks at once on loopback: each logs in, then round after round asks patron status
//! (with the PIN), checks out its own item, asks item information and the reader's charged
//! items (63, with the PIN) and checks the item in again. Before the rounds, all 100 log in at
//! the same instant (one account, as a branch's kiosks share one: the server checks its
//! password with Argon2 once and remembers it), then all 100 sign their readers in at the same
//! instant (the first patron status of each session, the one PIN check that runs Argon2, on
//! purpose: a hundred different readers); both phases are reported on their own lines, the
//! worst case a branch can meet. During the rounds readers come and go: every
//! SIP2_BENCH_READER_ROUNDS rounds (20; staggered, so the kiosks do not all change at once) a
//! kiosk ends its reader's session (35) and the next reader signs in with a PIN (23) that this
//! connection has not checked before, one Argon2 run, timed as its own message type. Prints
//! p50/p99 per message type and messages per second.
//!
//! One run measures each load in SIP2_BENCH_PAUSE_MS, a comma-separated list (default
//! `20,0`): how long each kiosk waits between two messages, drawn between half and one and a
//! half times it so the kiosks do not march in step. 20 ms is some fifty messages a second
//! per kiosk, a hundred times what a reader at a machine sends; 0 sends the next message the
//! moment the answer arrives (a saturation test: the latency is then the queue's, 100 kiosks
//! over the messages per second the machine can answer). Sizes from the environment:
//! SIP2_BENCH_SESSIONS (100), SIP2_BENCH_ROUNDS (40: with 20, a single stall of the first seconds
//! after the sign-in stampede weighed on a p99 of 2,000 answers), SIP2_BENCH_RECORDS (2000).
//!
//! `cargo bench -p shelfmark-sip2 --bench kiosks`

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use shelfmark_core::api::{ItemStatus, PatronInput, Sip2AccountInput, Sip2Language};
use shelfmark_core::circulation::{loans, patrons, sip2};
use shelfmark_core::demo::{self, DEMO_PIN, DemoConfig};
use shelfmark_core::{Catalog, CatalogOptions};
use shelfmark_sip2::{Server, ServerConfig};

const DATE: &str = "20260301    100000";
/// Message kinds timed, in the order printed.
const KIND_NAMES: [&str; 9] = [
    "login (93)",
    "sign-in 23 (Argon2)",
    "patron status (23)",
    "check-out (11)",
    "item info (17)",
    "patron info (63)",
    "check-in (09)",
    "end session (35)",
    "next reader 23 (Argon2)",
];
const KINDS: usize = KIND_NAMES.len();

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn ask(stream: &mut TcpStream, message: &str) -> Vec<u8> {
    stream
        .write_all(format!("{message}\r").as_bytes())
        .expect("writes");
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while !out.ends_with(b"\r") {
        let n = stream.read(&mut buf).expect("reads");
        assert!(n > 0, "server closed the connection");
        out.extend_from_slice(&buf[..n]);
    }
    out
}

/// Fails the bench unless the answer starts with `prefix` and holds `field` (the answer shown).
fn expect_answer(answer: &[u8], prefix: &str, field: &str) {
    let text = String::from_utf8_lossy(answer);
    assert!(text.starts_with(prefix) && text.contains(field), "{text}");
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// On-CPU and waiting-for-a-CPU time (ns) of the server's threads, summed separately for the
/// writer and for the sessions, from Linux's `/proc/self/task/*/schedstat`; `None` elsewhere.
/// What each message costs in CPU, apart from how long it queued for one on a busy machine.
fn server_cpu() -> Option<[(u64, u64); 2]> {
    let mut sums = [(0, 0); 2];
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let dir = task.ok()?.path();
        let comm = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
        let which = match comm.trim() {
            "sip2 writer" => 0,
            c if c.starts_with("sip2 ") => 1,
            _ => continue,
        };
        let stat = std::fs::read_to_string(dir.join("schedstat")).unwrap_or_default();
        let mut fields = stat
            .split_whitespace()
            .map(|f| f.parse::<u64>().unwrap_or(0));
        sums[which].0 += fields.next().unwrap_or(0);
        sums[which].1 += fields.next().unwrap_or(0);
    }
    Some(sums)
}

fn main() {
    let sessions = env("SIP2_BENCH_SESSIONS", 100);
    let rounds = env("SIP2_BENCH_ROUNDS", 40);
    let reader_rounds = env("SIP2_BENCH_READER_ROUNDS", 20).max(1);
    let records = env("SIP2_BENCH_RECORDS", 2000) as u64;
    let pauses: Vec<Duration> = std::env::var("SIP2_BENCH_PAUSE_MS")
        .unwrap_or_else(|_| "20,0".into())
        .split(',')
        .map(|p| {
            p.trim()
                .parse()
                .expect("SIP2_BENCH_PAUSE_MS: milliseconds, comma-separated")
        })
        .map(Duration::from_millis)
        .collect();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.db");
    let mut catalog = Catalog::open(&path, CatalogOptions::default()).expect("opens");
    demo::build(
        &mut catalog,
        "demo",
        DemoConfig { records, seed: 3 },
        |_| {},
    )
    .expect("demo");
    sip2::add_account(
        &mut catalog,
        "bench",
        &Sip2AccountInput {
            login: "kiosk".into(),
            branch_code: "HK".into(),
            may_check_out: true,
            may_check_in: true,
            may_renew: true,
            language: Sip2Language::Vi,
        },
        "secret-pw",
    )
    .expect("account");
    // Two readers a kiosk, taking turns at it.
    let readers: Vec<[String; 2]> = (0..sessions)
        .map(|n| [format!("2990000{n:05}"), format!("2991000{n:05}")])
        .collect();
    for barcode in readers.iter().flatten() {
        catalog
            .write("bench", |m| {
                patrons::add(
                    m,
                    &PatronInput {
                        barcode: barcode.clone(),
                        name: "Nguyễn Thị Ánh Tuyết".into(),
                        category: "staff".into(),
                        email: None,
                        phone: None,
                        home_branch_code: Some("HK".into()),
                        expires_on: "2099-12-31".into(),
                        notes: String::new(),
                    },
                )?;
                patrons::set_pin(m, barcode, DEMO_PIN)
            })
            .expect("reader");
    }
    let mut titles = std::collections::HashSet::new();
    let items: Vec<String> = (1..10_000_000u64)
        .map(|n| format!("3{n:011}"))
        .map_while(|b| loans::item_circulation(&catalog, &b).ok())
        // Items of HK, where the kiosk is: checked in there, they go back on the shelf.
        .filter(|i| {
            i.status == ItemStatus::Available && i.holds_queue == 0 && i.home_branch_code == "HK"
        })
        .filter(|i| titles.insert(i.title.clone()))
        .map(|i| i.barcode)
        .take(sessions)
        .collect();
    assert_eq!(
        items.len(),
        sessions,
        "not enough free titles: raise SIP2_BENCH_RECORDS"
    );
    drop(catalog);
    println!(
        "{sessions} kiosk sessions x {rounds} rounds on loopback, {records} demo records, the next reader every {reader_rounds} rounds"
    );
    for pause in pauses {
        run(&path, &readers, &items, rounds, reader_rounds, pause);
    }
}

/// One load: a server on the catalog at `path`, one kiosk per pair of readers and item,
/// `rounds` rounds each with `pause` between two messages, the readers taking turns every
/// `reader_rounds` rounds; prints what it measured.
fn run(
    path: &std::path::Path,
    readers: &[[String; 2]],
    items: &[String],
    rounds: usize,
    reader_rounds: usize,
    pause: Duration,
) {
    let sessions = readers.len();
    let server = Server::bind(ServerConfig::new(
        "127.0.0.1:0".parse().expect("address"),
        path.to_path_buf(),
    ))
    .expect("binds");
    let addr = server.local_addr().expect("address");
    let stop = server.shutdown_handle();
    let writer = server.writer_stats();
    let logins = server.proven_logins();
    let logins_checked = || logins.argon2_runs();
    let running = std::thread::spawn(move || server.run().expect("serves"));

    // Every kiosk logs in, then every kiosk signs its reader in (the Argon2 stampede), then all
    // start the rounds together, so the rounds measure the steady state.
    let phase = std::sync::Arc::new(std::sync::Barrier::new(sessions + 1));
    let kiosks: Vec<_> = readers
        .iter()
        .cloned()
        .zip(items.iter().cloned())
        .enumerate()
        .map(|(n, (pair, item))| {
            let phase = phase.clone();
            std::thread::spawn(move || {
                // xorshift: a different, repeatable pause sequence per kiosk.
                let mut seed = 0x9E37_79B9_7F4A_7C15u64 ^ (n as u64 + 1);
                let mut jitter = move || {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    0.5 + (seed % 1000) as f64 / 1000.0
                };
                let mut times: [Vec<Duration>; KINDS] = Default::default();
                let mut s = TcpStream::connect(addr).expect("connects");
                let mut timed = |i: usize, s: &mut TcpStream, msg: &str| {
                    if i >= 2 && !pause.is_zero() {
                        std::thread::sleep(pause.mul_f64(jitter()));
                    }
                    let t = Instant::now();
                    let answer = ask(s, msg);
                    times[i].push(t.elapsed());
                    answer
                };
                phase.wait();
                let ok = timed(0, &mut s, "9300CNkiosk|COsecret-pw|");
                assert_eq!(ok, b"941\r");
                let mut reader = &pair[0];
                phase.wait();
                phase.wait();
                let signed_in = timed(
                    1,
                    &mut s,
                    &format!("23000{DATE}AOHK|AA{reader}|AD{DEMO_PIN}|"),
                );
                expect_answer(&signed_in, "24", "|CQY|");
                phase.wait();
                phase.wait();
                for round in 0..rounds {
                    if round > 0 && (round + n) % reader_rounds == 0 {
                        let ended = timed(7, &mut s, &format!("35{DATE}AOHK|AA{reader}|"));
                        expect_answer(&ended, "36Y", "");
                        reader = if reader == &pair[0] {
                            &pair[1]
                        } else {
                            &pair[0]
                        };
                        let next = timed(
                            8,
                            &mut s,
                            &format!("23000{DATE}AOHK|AA{reader}|AD{DEMO_PIN}|"),
                        );
                        expect_answer(&next, "24", "|CQY|");
                    }
                    let status = timed(
                        2,
                        &mut s,
                        &format!("23000{DATE}AOHK|AA{reader}|AD{DEMO_PIN}|"),
                    );
                    expect_answer(&status, "24", "|CQY|");
                    let out = timed(
                        3,
                        &mut s,
                        &format!("11NN{DATE}{DATE}AOHK|AA{reader}|AB{item}|AD{DEMO_PIN}|"),
                    );
                    expect_answer(&out, "121", "");
                    let info = timed(4, &mut s, &format!("17{DATE}AOHK|AB{item}|"));
                    expect_answer(&info, "1804", "");
                    let charged = timed(
                        5,
                        &mut s,
                        &format!("63000{DATE}  Y       AOHK|AA{reader}|AD{DEMO_PIN}|"),
                    );
                    expect_answer(&charged, "64", &format!("|AU{item}|"));
                    let back = timed(6, &mut s, &format!("09N{DATE}{DATE}APHK|AOHK|AB{item}|"));
                    expect_answer(&back, "101", "");
                }
                // The connection stays open until the server's threads are measured.
                (times, s)
            })
        })
        .collect();
    let phase_time = || {
        phase.wait();
        let started = Instant::now();
        phase.wait();
        started.elapsed()
    };
    let logging_in = phase_time();
    let signing_in = phase_time();
    phase.wait();
    let started = Instant::now();
    let cpu_before = server_cpu();
    let mut all: [Vec<Duration>; KINDS] = Default::default();
    let mut connections = Vec::new();
    for k in kiosks {
        let (times, connection) = k.join().expect("kiosk finished");
        connections.push(connection);
        for (a, t) in all.iter_mut().zip(times) {
            a.extend(t);
        }
    }
    let elapsed = started.elapsed();
    let (writes, commits, busy) = (writer.writes(), writer.commits(), writer.busy());
    let cpu_after = server_cpu();
    drop(connections);
    stop.shutdown();
    running.join().expect("server stopped");

    let total: usize = all[2..].iter().map(Vec::len).sum();
    println!();
    println!(
        "{} ms between a kiosk's messages: all {sessions} logged in at once in {:.2} s ({} password checks with Argon2), signed in at once in {:.2} s",
        pause.as_millis(),
        logging_in.as_secs_f64(),
        logins_checked(),
        signing_in.as_secs_f64()
    );
    for (name, times) in KIND_NAMES.iter().zip(all.iter_mut()) {
        times.sort();
        println!(
            "{name:20} n={:6} p50={:8.2} ms p99={:8.2} ms max={:8.2} ms",
            times.len(),
            percentile(times, 0.5).as_secs_f64() * 1e3,
            percentile(times, 0.99).as_secs_f64() * 1e3,
            times.last().copied().unwrap_or_default().as_secs_f64() * 1e3
        );
    }
    let next_readers = all[8].len();
    println!(
        "rounds: {total} messages in {:.2} s: {:.0} messages/s, {next_readers} next readers' PIN checks ({:.1} a second)",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        next_readers as f64 / elapsed.as_secs_f64()
    );
    // Counted from the server's start: the sign-ins' writes (PIN attempts are the session's
    // own) are not the writer's, so these are the rounds' check-outs and check-ins.
    println!(
        "writer: {writes} writes in {commits} transactions ({:.1} a transaction), busy {:.2} s: {:.3} ms a write",
        writes as f64 / commits.max(1) as f64,
        busy.as_secs_f64(),
        busy.as_secs_f64() * 1e3 / writes.max(1) as f64
    );
    if let (Some(before), Some(after)) = (cpu_before, cpu_after) {
        let per = |i: usize, n: usize| {
            let d = |a: u64, b: u64| a.saturating_sub(b) as f64 / 1e3 / n.max(1) as f64;
            (d(after[i].0, before[i].0), d(after[i].1, before[i].1))
        };
        let (writer_cpu, writer_wait) = per(0, 2 * sessions * rounds);
        let (session_cpu, session_wait) = per(1, total);
        println!(
            "server CPU in the rounds: writer {writer_cpu:.0} µs a write (and {writer_wait:.0} µs waiting for a CPU), sessions {session_cpu:.0} µs a message ({session_wait:.0} µs waiting)"
        );
    }
}
