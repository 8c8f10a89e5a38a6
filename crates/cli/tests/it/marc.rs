//! `shelfmark marc …` on real fixture files.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

use crate::assert_success;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/marc")
        .join(name)
}

fn shelfmark() -> Command {
    let mut cmd = Command::cargo_bin("shelfmark").expect("binary is built");
    cmd.env_remove("SHELFMARK_DB");
    cmd
}

#[test]
fn iso2709_through_json_and_mrk_comes_back_byte_for_byte() {
    let dir = tempfile::tempdir().expect("temp dir");
    let original = fixture("rust-marc/3records.mrc");
    let json = dir.path().join("records.json");
    let mrk = dir.path().join("records.mrk");
    let back = dir.path().join("back.mrc");
    shelfmark()
        .arg("marc")
        .arg("convert")
        .arg(&original)
        .arg(&json)
        .assert()
        .success();
    shelfmark()
        .arg("marc")
        .arg("convert")
        .arg(&json)
        .arg(&mrk)
        .assert()
        .success();
    shelfmark()
        .arg("marc")
        .arg("convert")
        .arg(&mrk)
        .arg(&back)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "3 records read, 3 written, 0 with warnings, 0 failed",
        ));
    assert_eq!(
        std::fs::read(&back).expect("read"),
        std::fs::read(&original).expect("read")
    );
}

#[test]
fn standard_input_and_output_need_a_named_format_to_write() {
    let input = std::fs::read(fixture("rust-marc/3records.mrc")).expect("read");
    let out = shelfmark()
        .args(["marc", "convert", "-", "-", "--to", "jsonl"])
        .write_stdin(input.clone())
        .output()
        .expect("runs");
    assert_success(&out);
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0]["leader"].is_string());
    shelfmark()
        .args(["marc", "convert", "-", "-"])
        .write_stdin(input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--to"));
}

#[test]
fn a_damaged_file_writes_the_good_records_reports_the_bad_and_exits_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = std::fs::read(fixture("rust-marc/3records.mrc")).expect("read");
    let mut damaged = good.clone();
    // A record cut off inside its leader: nothing a careful reader can recover.
    damaged.extend_from_slice(b"00026nam  22000\x1d");
    damaged.extend_from_slice(&good);
    let input = dir.path().join("damaged.mrc");
    std::fs::write(&input, &damaged).expect("write");
    let output = dir.path().join("out.mrk");
    shelfmark()
        .arg("marc")
        .arg("convert")
        .arg(&input)
        .arg(&output)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("record 4").and(predicate::str::contains("6 written")));
    let text = std::fs::read_to_string(&output).expect("the good records were written");
    assert_eq!(text.matches("=LDR").count(), 6);
    assert!(!dir.path().join("out.mrk.partial").exists());
}

#[test]
fn a_missing_input_leaves_an_existing_output_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = dir.path().join("keep.xml");
    std::fs::write(&output, "precious").expect("write");
    shelfmark()
        .arg("marc")
        .arg("convert")
        .arg(dir.path().join("nope.mrc"))
        .arg(&output)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot open").and(predicate::str::contains("nope.mrc")));
    assert_eq!(std::fs::read_to_string(&output).expect("read"), "precious");
}

#[test]
fn validate_prints_one_json_object_per_problem() {
    let out = shelfmark()
        .args(["marc", "validate", "--json"])
        .arg(fixture("pymarc/test.dat"))
        .output()
        .expect("runs");
    let problems: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert!(!problems.is_empty(), "pymarc's test file has lint warnings");
    for p in &problems {
        for key in [
            "record",
            "offset",
            "control_number",
            "tag",
            "severity",
            "message",
        ] {
            assert!(p.get(key).is_some(), "{key} in {p}");
        }
        let record = p["record"].as_u64().expect("record number");
        assert!((1..=10).contains(&record), "{p}");
    }
}

#[test]
fn count_and_dump_read_any_format() {
    shelfmark()
        .args(["marc", "count"])
        .arg(fixture("rust-marc/3records.mrc"))
        .assert()
        .success()
        .stdout("3\n");
    shelfmark()
        .args(["marc", "count", "--json"])
        .arg(fixture("pymarc/batch.json"))
        .assert()
        .success()
        .stdout(predicate::str::contains("\"read\":2"));
    shelfmark()
        .args(["marc", "dump"])
        .arg(fixture("rust-marc/3records.mrc"))
        .assert()
        .success()
        .stdout(predicate::str::contains("=LDR  ").and(predicate::str::contains("=245  ")));
}

#[test]
fn an_unknown_format_name_is_a_usage_error() {
    shelfmark()
        .args(["marc", "count", "--from", "pdf", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown MARC format"));
}
