//! Throughput and memory of the ISO 2709 reader, with yaz-marcdump on the same file for scale.
//!
//! `cargo run --release -p shelfmark-marc --example marc_bench -- [FILE] [--records N]`
//!
//! Without FILE it writes N (default 100,000) generated records — realistic shape: leader,
//! 001/003/005/008, twenty-odd data fields, Vietnamese and other non-ASCII text — to a file in
//! the temp folder. It then reads the file with `iso2709::Reader`, touching every subfield
//! value, and prints records/s, MB/s and peak RSS (VmHWM from /proc/self/status), then times
//! `yaz-marcdump -n` (parse only) on the same file when it is installed. Then it converts the
//! file to MARCXML (reader -> `marcxml::Writer`, output discarded) beside
//! `yaz-marcdump -i marc -o marcxml` and prints the ratio of records per CPU-second.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use shelfmark_marc::iso2709::{Reader, Writer};
use shelfmark_marc::{Field, Leader, Record, RecordWriter, marcxml};

fn main() {
    let mut file = None;
    let mut records = 100_000usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--records" {
            records = args
                .next()
                .and_then(|n| n.parse().ok())
                .expect("--records takes a number");
        } else {
            file = Some(PathBuf::from(arg));
        }
    }
    let path = match file {
        Some(path) => path,
        None => {
            let path = std::env::temp_dir().join(format!("shelfmark-bench-{records}.mrc"));
            let started = Instant::now();
            generate(&path, records);
            println!(
                "generated {records} records in {:.2?} -> {}",
                started.elapsed(),
                path.display()
            );
            path
        }
    };
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!("file: {} ({:.1} MB)", path.display(), size as f64 / 1e6);

    // One warm-up pass so the page cache holds the file for both readers.
    let _ = read(&path);
    let rss_before = vm_hwm_kib();
    let cpu_before = own_cpu_ns();
    let started = Instant::now();
    let (ok, bad, warned, subfields, bytes) = read(&path);
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = (own_cpu_ns() - cpu_before) as f64 / 1e9;
    println!(
        "shelfmark: {ok} records ({bad} refused, {warned} with warnings), {subfields} subfields \
         decoded, {bytes} value bytes"
    );
    println!(
        "shelfmark: {:.3} s wall: {:.0} records/s, {:.0} MB/s; {:.3} s on CPU: {:.0} records per \
         CPU-second (the fair number on a shared machine)",
        elapsed,
        ok as f64 / elapsed,
        size as f64 / 1e6 / elapsed,
        cpu,
        ok as f64 / cpu
    );
    println!(
        "peak RSS (VmHWM): {:.1} MiB (before the timed pass: {:.1} MiB)",
        vm_hwm_kib() as f64 / 1024.0,
        rss_before as f64 / 1024.0
    );

    let children_before = children_cpu_ticks();
    let started = Instant::now();
    match Command::new("yaz-marcdump")
        .arg("-n")
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(status) => {
            let elapsed = started.elapsed().as_secs_f64();
            let cpu = (children_cpu_ticks() - children_before) as f64 / 100.0;
            println!(
                "yaz-marcdump -n: {:.3} s wall: {:.0} records/s; {:.2} s on CPU: {:.0} records \
                 per CPU-second ({status})",
                elapsed,
                ok as f64 / elapsed,
                cpu,
                ok as f64 / cpu.max(0.01)
            );
        }
        Err(e) => println!("yaz-marcdump not run: {e}"),
    }
    to_marcxml_beside_yaz(&path);
}

/// ISO 2709 -> MARCXML, ours then yaz's, on the same file, output discarded.
fn to_marcxml_beside_yaz(path: &PathBuf) {
    let cpu_before = own_cpu_ns();
    let started = Instant::now();
    let input = File::open(path).expect("the bench file opens");
    let mut out = marcxml::Writer::new(std::io::sink());
    let mut n = 0u64;
    for decoded in Reader::new(input).flatten() {
        out.write_record(&decoded.record)
            .expect("writing to a sink");
        n += 1;
    }
    Box::new(out).finish().expect("finishing to a sink");
    let our_wall = started.elapsed().as_secs_f64();
    let our_cpu = (own_cpu_ns() - cpu_before) as f64 / 1e9;
    println!(
        "shelfmark to MARCXML: {our_wall:.3} s wall, {our_cpu:.3} s on CPU: {:.0} records per CPU-second",
        n as f64 / our_cpu
    );
    let children_before = children_cpu_ticks();
    let started = Instant::now();
    let status = Command::new("yaz-marcdump")
        .args(["-i", "marc", "-o", "marcxml"])
        .arg(path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match status {
        Ok(status) => {
            let yaz_wall = started.elapsed().as_secs_f64();
            let yaz_cpu = (children_cpu_ticks() - children_before) as f64 / 100.0;
            println!(
                "yaz-marcdump -i marc -o marcxml: {yaz_wall:.3} s wall, {yaz_cpu:.2} s on CPU ({status})"
            );
            println!(
                "MARCXML conversion: shelfmark is {:.1}x yaz-marcdump by CPU time, {:.1}x by wall time",
                yaz_cpu / our_cpu.max(1e-9),
                yaz_wall / our_wall.max(1e-9)
            );
        }
        Err(e) => println!("yaz-marcdump not run: {e}"),
    }
}

fn read(path: &PathBuf) -> (u64, u64, u64, u64, u64) {
    let input = File::open(path).expect("the bench file opens");
    let (mut ok, mut bad, mut warned, mut subfields, mut bytes) = (0, 0, 0, 0, 0u64);
    for result in Reader::new(input) {
        match result {
            Ok(decoded) => {
                ok += 1;
                warned += u64::from(!decoded.warnings.is_empty());
                for field in &decoded.record.fields {
                    match field {
                        Field::Control { value, .. } => bytes += value.len() as u64,
                        Field::Data { subfields: s, .. } => {
                            for sub in s {
                                subfields += 1;
                                bytes += sub.value.len() as u64;
                            }
                        }
                    }
                }
            }
            Err(_) => bad += 1,
        }
    }
    (ok, bad, warned, subfields, bytes)
}

/// Nanoseconds this process has run on a CPU (first field of /proc/self/schedstat).
fn own_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

/// User plus system clock ticks (1/100 s) of waited-for children (/proc/self/stat 16 and 17).
fn children_cpu_ticks() -> u64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let after = s.rsplit_once(')')?.1;
            let fields: Vec<&str> = after.split_whitespace().collect();
            // Fields after the command name start at field 3.
            Some(fields.get(13)?.parse::<u64>().ok()? + fields.get(14)?.parse::<u64>().ok()?)
        })
        .unwrap_or(0)
}

fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// A small deterministic generator (xorshift) so runs are comparable without a rand dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "Truyện",
    "Kiều",
    "Nguyễn",
    "Du",
    "history",
    "of",
    "the",
    "library",
    "Hà",
    "Nội",
    "Việt",
    "Nam",
    "văn",
    "học",
    "catalogue",
    "records",
    "München",
    "Ελληνικά",
    "press",
    "edition",
    "chính",
    "trị",
    "quốc",
    "gia",
    "science",
    "and",
    "society",
    "Paris",
    "London",
    "thư",
    "viện",
];

fn phrase(rng: &mut Rng, words: usize) -> String {
    (0..words)
        .map(|_| rng.pick(WORDS))
        .collect::<Vec<_>>()
        .join(" ")
}

fn generate(path: &PathBuf, records: usize) {
    let out = BufWriter::with_capacity(1 << 20, File::create(path).expect("bench file"));
    let mut writer = Writer::new(out);
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    for n in 0..records {
        let mut r = Record::new(Leader::new('n', 'a', 'm'))
            .control("001", format!("SM{n:09}"))
            .and_then(|r| r.control("003", "VN-HaNTV"))
            .and_then(|r| r.control("005", "20240101120000.0"))
            .and_then(|r| r.control("008", "240101s2015    vm            000 0 vie d"))
            .and_then(|r| {
                r.data(
                    "020",
                    [' ', ' '],
                    &[('a', "9786045512345"), ('c', "85000 VND")],
                )
            })
            .and_then(|r| {
                r.data(
                    "040",
                    [' ', ' '],
                    &[
                        ('a', "VN-HaNTV"),
                        ('b', "vie"),
                        ('e', "rda"),
                        ('c', "VN-HaNTV"),
                    ],
                )
            })
            .and_then(|r| r.data("041", ['0', ' '], &[('a', "vie")]))
            .and_then(|r| r.data("082", ['0', '4'], &[('a', "895.922"), ('2', "23")]))
            .expect("generated fields are valid");
        let author = phrase(&mut rng, 3);
        let title = phrase(&mut rng, 6);
        let sub = phrase(&mut rng, 4);
        let place = phrase(&mut rng, 2);
        let note = phrase(&mut rng, 18);
        let subjects: Vec<String> = (0..4).map(|_| phrase(&mut rng, 2)).collect();
        r = r
            .data(
                "100",
                ['1', ' '],
                &[('a', &author), ('d', "1765-1820."), ('e', "tác giả")],
            )
            .and_then(|r| {
                r.data(
                    "245",
                    ['1', '0'],
                    &[('a', &title), ('b', &sub), ('c', &author)],
                )
            })
            .and_then(|r| r.data("250", [' ', ' '], &[('a', "Tái bản lần thứ 3.")]))
            .and_then(|r| {
                r.data(
                    "264",
                    [' ', '1'],
                    &[('a', &place), ('b', "Nxb. Văn học,"), ('c', "2015.")],
                )
            })
            .and_then(|r| r.data("300", [' ', ' '], &[('a', "320 trang ;"), ('c', "21 cm.")]))
            .and_then(|r| {
                r.data(
                    "336",
                    [' ', ' '],
                    &[('a', "text"), ('b', "txt"), ('2', "rdacontent")],
                )
            })
            .and_then(|r| {
                r.data(
                    "337",
                    [' ', ' '],
                    &[('a', "unmediated"), ('b', "n"), ('2', "rdamedia")],
                )
            })
            .and_then(|r| {
                r.data(
                    "338",
                    [' ', ' '],
                    &[('a', "volume"), ('b', "nc"), ('2', "rdacarrier")],
                )
            })
            .and_then(|r| r.data("500", [' ', ' '], &[('a', &note)]))
            .expect("generated fields are valid");
        for s in &subjects {
            r = r
                .data(
                    "650",
                    [' ', '7'],
                    &[('a', s), ('x', "Lịch sử"), ('2', "bvb")],
                )
                .expect("generated fields are valid");
        }
        r = r
            .data(
                "852",
                [' ', ' '],
                &[('a', "VN-HaNTV"), ('b', "Kho mở"), ('h', "895.922 NG-D")],
            )
            .expect("generated fields are valid");
        writer.write(&r).expect("bench record writes");
    }
    writer.into_inner().flush().expect("bench file flushes");
}
