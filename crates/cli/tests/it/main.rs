//! The `shelfmark` binary as a person or a script uses it.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

/// The CLI on one catalog, never the environment's, with a known user for the change log.
fn shelfmark(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("shelfmark").expect("binary is built");
    cmd.arg("--db")
        .arg(db)
        .env_remove("SHELFMARK_DB")
        .env("USER", "thu.thu");
    cmd
}

/// Fails the test with the command's own error output when it did not succeed.
fn assert_success(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn json_of(cmd: &mut Command) -> Value {
    let out = cmd.arg("--json").output().expect("runs");
    assert_success(&out);
    serde_json::from_slice(&out.stdout).expect("prints JSON")
}

#[test]
fn demo_then_info_reports_counts_as_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("demo.db");
    shelfmark(&db)
        .args(["demo", "--records", "250", "--seed", "3"])
        .assert()
        .success()
        .stdout(predicate::str::contains("250 records").and(predicate::str::contains("loans")));
    let info = json_of(shelfmark(&db).arg("info"));
    for key in [
        "records",
        "items",
        "patrons",
        "changes",
        "schema_version",
        "node_id",
    ] {
        assert!(info.get(key).is_some(), "info --json has {key}: {info}");
    }
    assert_eq!(info["records"], 250);
    assert_eq!(info["patrons"], 12);
    assert_eq!(info["schema_version"], shelfmark_core::SCHEMA_VERSION);
    let changes = info["changes"].as_u64().expect("number");
    let items = info["items"].as_u64().expect("number");
    // Records, items, patrons and branches, then the demo's circulation history, and its
    // digital collection and copyright determinations on top.
    let count = |sql: &str| -> u64 {
        rusqlite::Connection::open(&db)
            .expect("open")
            .query_row(sql, [], |r| r.get(0))
            .expect("count")
    };
    let circulation = count(
        "SELECT count(*) FROM change_log WHERE entity_type IN ('loan', 'hold', 'fine_entry')
            OR (entity_type IN ('item', 'patron') AND operation = 'update')",
    );
    assert!(circulation > 0);
    let digital = count(
        "SELECT count(*) FROM change_log WHERE entity_type IN ('determination', 'digital_object')",
    );
    assert!(digital > 6, "{digital}");
    assert_eq!(changes, 250 + items + 12 + 5 + circulation + digital);
    assert_eq!(info["unsynced_changes"].as_u64(), Some(changes));
}

#[test]
fn info_as_text_names_the_catalog_and_node() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("c.db");
    let node = json_of(shelfmark(&db).arg("info"))["node_id"]
        .as_str()
        .expect("node")
        .to_string();
    shelfmark(&db).arg("info").assert().success().stdout(
        predicate::str::contains(db.display().to_string()).and(predicate::str::contains(node)),
    );
}

#[test]
fn shelfmark_db_environment_variable_names_the_catalog() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("env.db");
    Command::cargo_bin("shelfmark")
        .expect("binary")
        .env("SHELFMARK_DB", &db)
        .args(["info", "--json"])
        .assert()
        .success();
    assert!(db.exists());
}

#[test]
fn log_shows_recent_changes_newest_first_with_the_user() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("c.db");
    shelfmark(&db)
        .args(["demo", "--records", "20"])
        .assert()
        .success();
    let log = json_of(shelfmark(&db).args(["log", "-n", "5"]));
    let entries = log.as_array().expect("array");
    assert_eq!(entries.len(), 5);
    // The demo ends with its digital collection's rights, after the circulation history.
    assert!(
        ["determination", "digital_object"]
            .contains(&entries[0]["entity_type"].as_str().unwrap_or("")),
        "{log}"
    );
    assert_eq!(entries[0]["user"], "thu.thu");
    let seqs: Vec<i64> = entries
        .iter()
        .map(|e| e["seq"].as_i64().expect("seq"))
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "{seqs:?}");
    shelfmark(&db)
        .args(["log", "-n", "2"])
        .assert()
        .success()
        .stdout(predicate::str::contains("by thu.thu"));
}

#[test]
fn records_lists_in_title_order_with_nfc_titles() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("c.db");
    shelfmark(&db)
        .args(["demo", "--records", "100", "--seed", "2"])
        .assert()
        .success();
    let page = json_of(shelfmark(&db).args(["records", "--limit", "100"]));
    assert_eq!(page["total"], 100);
    let rows = page["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 100);
    let folded: Vec<String> = rows
        .iter()
        .map(|r| r["title"].as_str().expect("title").to_lowercase())
        .collect();
    assert!(
        folded.iter().any(|t| t.contains('đ') || t.contains('ư')),
        "Vietnamese titles present"
    );
    let page2 = json_of(shelfmark(&db).args(["records", "--offset", "10", "--limit", "3"]));
    assert_eq!(page2["rows"][0]["id"], rows[10]["id"]);
}

#[test]
fn a_bad_catalog_file_is_an_error_on_stderr_with_a_failure_exit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("readers.txt");
    std::fs::write(&db, "not a catalog").expect("write");
    shelfmark(&db)
        .arg("info")
        .assert()
        .failure()
        .stdout(predicate::str::is_empty())
        .stderr(
            predicate::str::contains("is not a Shelfmark catalog")
                .and(predicate::str::contains("readers.txt")),
        );
    let out = shelfmark(&db)
        .args(["info", "--json"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err: Value = serde_json::from_slice(&out.stderr).expect("JSON error on stderr");
    assert_eq!(err["code"], "not_a_catalog");
    assert_eq!(std::fs::read_to_string(&db).expect("read"), "not a catalog");
}

#[test]
fn demo_into_a_catalog_with_records_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("c.db");
    shelfmark(&db)
        .args(["demo", "--records", "10"])
        .assert()
        .success();
    shelfmark(&db)
        .args(["demo", "--records", "10"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("already holds 10 records"));
}

#[test]
fn unknown_subcommands_and_bad_numbers_are_usage_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("c.db");
    shelfmark(&db).arg("frobnicate").assert().code(2);
    shelfmark(&db)
        .args(["demo", "--records", "many"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid value"));
    assert!(!db.exists(), "a usage error touches no catalog");
}

mod circ;
mod digital;
mod import;
mod marc;
mod rights;
mod search;
mod shared;
mod sip2;
mod sru;
mod sync;

/// `shelfmark --json records | head -c 16`: once the reader closes the pipe the CLI ends quietly, with
/// no panic on stderr.
#[cfg(unix)]
#[test]
fn a_closed_output_pipe_ends_the_command_quietly() {
    use std::io::Read;
    use std::process::Stdio;

    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("c.db");
    assert_success(
        &shelfmark(&db)
            .args(["demo", "--records", "1000"])
            .output()
            .expect("runs"),
    );
    // Far more than a pipe's 64 KiB buffer, so the writer meets the closed pipe.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("shelfmark"))
        .arg("--db")
        .arg(&db)
        .args(["--json", "records", "--limit", "1000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut first = [0u8; 16];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("some output");
    // The pipe is closed here, with most of the list still to be written.
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr");
    child.wait().expect("ends");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
