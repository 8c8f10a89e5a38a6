//! The corpus test: every file in `SHELFMARK_MARC_CORPUS` (the shared folder of real MARC
//! files, most under licences that keep them out of this repository) is read without a panic,
//! and its records are compared one by one, after NFC, with what pymarc and yaz-marcdump make
//! of the same file. Every difference is either fixed or listed with its reason in
//! `tests/corpus-exceptions.json`; an exception that no longer differs fails too, so the list
//! stays true.
//!
//! Without `SHELFMARK_MARC_CORPUS` the test says so and passes (a plain clone has no corpus).
//! `cargo xtask test` and `.ci/run` set it to `../shared/testdata/marc` when that folder exists.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use shelfmark_marc::{Field, Format, Record};
use unicode_normalization::UnicodeNormalization;

/// One record as the peers print it, or the error that made it unreadable.
type Normalized = Result<Value, String>;

fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Leader positions that legitimately differ between readers: record length (00-04), the
/// character coding (09, which becomes `a` once MARC-8 is converted) and the base address
/// (12-16), all recomputed on output.
fn comparable_leader(leader: &str) -> String {
    leader
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i < 5 || i == 9 || (12..17).contains(&i) {
                '_'
            } else {
                c
            }
        })
        .collect()
}

fn normalize_record(record: &Record) -> Value {
    let fields: Vec<Value> = record
        .fields
        .iter()
        .map(|f| match f {
            Field::Control { tag, value } => json!([tag.as_str(), nfc(value)]),
            Field::Data {
                tag,
                indicators,
                subfields,
            } => {
                let subs: Vec<Value> = subfields
                    .iter()
                    .map(|s| json!([nfc(&s.code.as_char().to_string()), nfc(&s.value)]))
                    .collect();
                json!([
                    tag.as_str(),
                    indicators[0].as_char().to_string(),
                    indicators[1].as_char().to_string(),
                    subs
                ])
            }
        })
        .collect();
    json!({ "leader": comparable_leader(&nfc(record.leader.as_str())), "fields": fields })
}

fn peer_value(mut v: Value) -> Normalized {
    if let Some(e) = v.get("error").and_then(Value::as_str) {
        return Err(e.to_string());
    }
    if let Some(leader) = v
        .get("leader")
        .and_then(Value::as_str)
        .map(comparable_leader)
    {
        v["leader"] = Value::String(leader);
    }
    Ok(v)
}

fn ours(path: &Path, format: Format) -> Result<Vec<Normalized>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let path_text = path.display().to_string();
    std::panic::catch_unwind(move || {
        shelfmark_marc::reader(format, std::io::BufReader::new(file))
            .map(|r| {
                r.map(|d| normalize_record(&d.record))
                    .map_err(|e| e.to_string())
            })
            .collect::<Vec<_>>()
    })
    .map_err(|_| format!("PANIC while reading {path_text}"))
}

fn run_peer(cmd: &mut Command) -> Result<Vec<u8>, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    Ok(out.stdout)
}

fn pymarc(path: &Path, format: Format) -> Result<Vec<Normalized>, String> {
    let kind = match format {
        Format::Iso2709 => "iso2709",
        Format::MarcXml => "marcxml",
        Format::Json => "json",
        _ => return Err("pymarc does not read this format reliably".into()),
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/pymarc_records.py");
    // `cargo xtask test` installs pymarc into its own virtual environment and names its python.
    let python = std::env::var("SHELFMARK_PYTHON").unwrap_or_else(|_| "python3".into());
    let stdout = run_peer(Command::new(python).arg(script).arg(kind).arg(path))?;
    String::from_utf8_lossy(&stdout)
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .map(peer_value)
                .map_err(|e| format!("pymarc output: {e}"))
        })
        .collect()
}

/// yaz converts from MARC-8 only when told to. Any Leader/09 but `a` is MARC-8 to pymarc and
/// to our reader when the record holds MARC-8 escapes (`yaz/marc8.marc` has Leader/09 `^` and
/// superscripts in MARC-8), so yaz is told the same; for ASCII-only data it changes nothing.
fn is_marc8(path: &Path, format: Format) -> bool {
    format == Format::Iso2709
        && std::fs::read(path)
            .map(|b| b.get(9).is_some_and(|c| *c != b'a'))
            .unwrap_or(false)
}

fn yaz(path: &Path, format: Format) -> Result<Vec<Normalized>, String> {
    let input = match format {
        Format::Iso2709 => "marc",
        Format::MarcXml => "marcxml",
        Format::Json => "json",
        _ => return Err("yaz-marcdump does not read this format".into()),
    };
    let mut cmd = Command::new("yaz-marcdump");
    cmd.args(["-i", input, "-o", "marcxml"]);
    if is_marc8(path, format) {
        cmd.args(["-f", "MARC-8", "-t", "UTF-8", "-l", "9=97"]);
    }
    let xml = run_peer(cmd.arg(path))?;
    Ok(shelfmark_marc::reader(Format::MarcXml, xml.as_slice())
        .map(|r| {
            r.map(|d| normalize_record(&d.record))
                .map_err(|e| format!("yaz output: {e}"))
        })
        .collect())
}

/// What differs between our records and a peer's, in a few readable lines.
fn differences(ours: &[Normalized], theirs: &[Normalized]) -> Vec<String> {
    let mut diffs = Vec::new();
    let good = |v: &[Normalized]| v.iter().filter(|r| r.is_ok()).count();
    if good(ours) != good(theirs) {
        diffs.push(format!(
            "records read: ours {}, peer {}",
            good(ours),
            good(theirs)
        ));
    }
    // When both sides give one result per record in the stream (pymarc yields an error in the
    // place of a record it refuses, as we do), records are paired by position, so one refused
    // record does not shift every later comparison by one. Otherwise the records read are
    // paired in order.
    let pairs: Vec<(usize, &Value, &Value)> = if ours.len() == theirs.len() {
        ours.iter()
            .zip(theirs)
            .enumerate()
            .filter_map(|(i, (a, b))| Some((i, a.as_ref().ok()?, b.as_ref().ok()?)))
            .collect()
    } else {
        ours.iter()
            .filter_map(|r| r.as_ref().ok())
            .zip(theirs.iter().filter_map(|r| r.as_ref().ok()))
            .enumerate()
            .map(|(i, (a, b))| (i, a, b))
            .collect()
    };
    for (i, a, b) in pairs {
        if a == b {
            continue;
        }
        // Both the leader and the first differing field are shown: a leader difference must
        // not hide a field difference in the same record.
        let mut what = Vec::new();
        if a["leader"] != b["leader"] {
            what.push(format!("leader {} vs {}", a["leader"], b["leader"]));
        }
        let (fa, fb) = (
            a["fields"].as_array().cloned().unwrap_or_default(),
            b["fields"].as_array().cloned().unwrap_or_default(),
        );
        if let Some((x, y)) = fa.iter().zip(&fb).find(|(x, y)| x != y) {
            what.push(format!("{x} vs {y}"));
        } else if fa.len() != fb.len() {
            what.push(format!("field count: ours {}, peer {}", fa.len(), fb.len()));
        }
        diffs.push(format!("record {}: {}", i + 1, what.join("; ")));
        if diffs.len() > 3 {
            break;
        }
    }
    diffs
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().and_then(|x| x.to_str()) != Some("md") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn format_of(path: &Path) -> Option<Format> {
    let head = std::fs::read(path).ok()?;
    Format::sniff(&head[..head.len().min(4096)]).or_else(|| Format::from_path(path))
}

#[test]
fn every_corpus_file_reads_without_panic_and_matches_the_peers() {
    let Some(dir) = std::env::var_os("SHELFMARK_MARC_CORPUS")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
    else {
        eprintln!(
            "SHELFMARK_MARC_CORPUS is not set: the corpus comparison with pymarc and yaz was skipped"
        );
        return;
    };
    let exceptions_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus-exceptions.json");
    let exceptions: BTreeMap<String, BTreeMap<String, String>> = serde_json::from_str(
        &std::fs::read_to_string(&exceptions_path).expect("exceptions file is readable"),
    )
    .expect("exceptions file is JSON: {file: {peer: reason}}");
    let mut failures = Vec::new();
    let mut found = BTreeMap::<String, BTreeMap<String, Vec<String>>>::new();
    let all = files(&dir);
    assert!(!all.is_empty(), "no files under {}", dir.display());
    for path in &all {
        let name = path
            .strip_prefix(&dir)
            .unwrap_or(path)
            .display()
            .to_string();
        let Some(format) = format_of(path) else {
            found
                .entry(name)
                .or_default()
                .insert("ours".into(), vec!["format not recognised".into()]);
            continue;
        };
        let mine = match ours(path, format) {
            Ok(m) => m,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        // MarcEdit's .mrk is read by neither peer: those files are only read without panic.
        if format == Format::Mrk {
            continue;
        }
        for (peer, theirs) in [("pymarc", pymarc(path, format)), ("yaz", yaz(path, format))] {
            let diffs = match theirs {
                Ok(t) => differences(&mine, &t),
                Err(e) => vec![e],
            };
            if !diffs.is_empty() {
                found
                    .entry(name.clone())
                    .or_default()
                    .insert(peer.into(), diffs);
            }
        }
    }
    for (name, peers) in &found {
        for (peer, diffs) in peers {
            if exceptions.get(name).and_then(|e| e.get(peer)).is_none() {
                failures.push(format!(
                    "{name} differs from {peer}, with no listed reason: {}",
                    diffs.join("; ")
                ));
            }
        }
    }
    for (name, peers) in &exceptions {
        for peer in peers.keys() {
            if found.get(name).and_then(|f| f.get(peer)).is_none() {
                failures.push(format!(
                    "{name}: the listed exception for {peer} no longer differs; remove it"
                ));
            }
        }
    }
    eprintln!(
        "corpus: {} files, {} with listed differences",
        all.len(),
        found.len()
    );
    assert!(
        failures.is_empty(),
        "{} corpus problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
