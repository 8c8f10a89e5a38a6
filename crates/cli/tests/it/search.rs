//! `shelfmark search`, `reindex` and `export` on a demo catalog.

use predicates::prelude::*;
use serde_json::Value;

use crate::{assert_success, shelfmark};

fn demo(records: u32) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("c.db");
    shelfmark(&db)
        .args(["demo", "--records", &records.to_string(), "--seed", "5"])
        .assert()
        .success();
    (dir, db)
}

fn json_lines(out: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn search_json_prints_one_hit_per_line_best_first_then_facets() {
    let (_d, db) = demo(300);
    let out = shelfmark(&db)
        .args(["search", "ha noi", "--json", "--limit", "5", "--facets"])
        .output()
        .expect("runs");
    assert_success(&out);
    let lines = json_lines(&out.stdout);
    let (facets, hits) = lines.split_last().expect("facets line");
    assert!(facets["facets"]["material_type"].is_array(), "{facets}");
    assert!(!hits.is_empty() && hits.len() <= 5);
    for hit in hits {
        for key in ["id", "control_number", "title", "author", "year", "score"] {
            assert!(hit.get(key).is_some(), "{key} in {hit}");
        }
    }
    let scores: Vec<f64> = hits
        .iter()
        .map(|h| h["score"].as_f64().expect("score"))
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let folded: Vec<String> = hits
        .iter()
        .map(|h| format!("{} {}", h["title"], h["author"]).to_lowercase())
        .collect();
    assert!(
        folded
            .iter()
            .all(|t| t.contains("hà nội") || t.contains("ha noi")),
        "{folded:?}"
    );
}

#[test]
fn search_text_lists_hits_and_pages_with_sorts() {
    let (_d, db) = demo(200);
    shelfmark(&db)
        .args(["search", "type:serial", "--sort", "title", "--limit", "3"])
        .assert()
        .success()
        .stdout(predicate::str::contains("records found").and(predicate::str::contains("serial")));
    let page = |offset: &str| {
        let out = shelfmark(&db)
            .args([
                "search", "", "--json", "--sort", "year", "--limit", "2", "--offset", offset,
            ])
            .output()
            .expect("runs");
        json_lines(&out.stdout)
    };
    let first = page("0");
    let second = page("2");
    assert_eq!(first.len(), 2);
    assert!(first[1]["year"].as_i64() >= second[0]["year"].as_i64());
}

#[test]
fn a_bad_query_fails_with_a_message_naming_the_problem() {
    let (_d, db) = demo(20);
    shelfmark(&db)
        .args(["search", "title:\"truyện kiều"])
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(
            "quote at position 7 is never closed",
        ));
    shelfmark(&db)
        .args(["search", "isbn:978-0-306-40615-8"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("check digit"));
    let out = shelfmark(&db)
        .args(["search", "(a OR", "--json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stderr).expect("JSON error");
    assert_eq!(err["code"], "invalid_input");
}

#[test]
fn reindex_rebuilds_and_reports_the_count() {
    let (_d, db) = demo(150);
    shelfmark(&db)
        .arg("reindex")
        .assert()
        .success()
        .stdout(predicate::str::contains("Indexed 150 records"));
    let index = db.with_extension("db.index");
    assert!(index.join("shelfmark-index.json").exists());
    std::fs::remove_dir_all(&index).expect("rm");
    shelfmark(&db).args(["search", "nguyen"]).assert().success();
    assert!(index.exists(), "search rebuilt the missing index");
}

#[test]
fn export_writes_every_record_or_the_matching_ones() {
    let (dir, db) = demo(120);
    let all = dir.path().join("all.mrc");
    shelfmark(&db)
        .arg("export")
        .arg(&all)
        .assert()
        .success()
        .stdout(predicate::str::contains("Exported 120 records"));
    shelfmark(&db)
        .arg("marc")
        .arg("count")
        .arg(&all)
        .assert()
        .success()
        .stdout(predicate::str::contains("120"));
    let serials = dir.path().join("serials.out");
    let out = shelfmark(&db)
        .args([
            "export",
            "--format",
            "jsonl",
            "--query",
            "type:serial",
            "--json",
        ])
        .arg(&serials)
        .output()
        .expect("runs");
    assert_success(&out);
    let report: Value = serde_json::from_slice(&out.stdout).expect("report");
    let written = report["written"].as_u64().expect("written");
    let lines = std::fs::read_to_string(&serials)
        .expect("read")
        .lines()
        .count() as u64;
    assert_eq!(lines, written);
    assert!(!dir.path().join("serials.out.partial").exists());
}

#[test]
fn export_errors_leave_nothing_behind() {
    let (dir, db) = demo(10);
    let nowhere = dir.path().join("missing-folder").join("x.mrc");
    shelfmark(&db)
        .arg("export")
        .arg(&nowhere)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("could not write").and(predicate::str::contains("x.mrc")));
    let unknown = dir.path().join("records.unknown");
    shelfmark(&db)
        .arg("export")
        .arg(&unknown)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--format"));
    let out = dir.path().join("q.mrc");
    shelfmark(&db)
        .args(["export", "--query", "year:soon"])
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a year"));
    assert!(!out.exists() && !dir.path().join("q.mrc.partial").exists());
}
