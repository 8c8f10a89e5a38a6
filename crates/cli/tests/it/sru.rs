//! `shelfmark sru serve` and `shelfmark copy ...`: one catalog served over SRU on loopback,
//! a second, empty one copying a record from it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use super::*;

/// `shelfmark sru serve` on a free port, stopped when dropped.
struct Serving {
    child: Child,
    url: String,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(db: &Path) -> Serving {
    let bin = assert_cmd::cargo::cargo_bin("shelfmark");
    let mut child = std::process::Command::new(bin)
        .arg("--db")
        .arg(db)
        .args(["sru", "serve", "--listen", "127.0.0.1:0"])
        .env_remove("SHELFMARK_DB")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sru serve");
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        let _ = BufReader::new(out).read_line(&mut line);
    }
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .map(str::to_string);
    let serving = Serving {
        child,
        url: url.unwrap_or_default(),
    };
    assert!(serving.url.ends_with("/sru"), "sru serve printed {line:?}");
    serving
}

#[test]
fn copy_a_record_from_a_served_catalog_into_an_empty_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let central = dir.path().join("central.shelfmark");
    let branch = dir.path().join("branch.shelfmark");
    shelfmark(&central)
        .args(["demo", "--records", "60"])
        .assert()
        .success();
    let isbn: String = rusqlite::Connection::open(&central)
        .expect("open")
        .query_row(
            "SELECT value FROM record_identifiers WHERE kind = 'isbn'
             GROUP BY value HAVING count(*) = 1 ORDER BY value LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a demo ISBN held by one record");
    let server = serve(&central);
    shelfmark(&branch)
        .args([
            "copy",
            "targets",
            "add",
            "central",
            &server.url,
            "--version",
            "1.2",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("target central"));
    let targets = json_of(shelfmark(&branch).args(["copy", "targets", "list"]));
    assert_eq!(targets[0]["name"], "central");
    assert_eq!(targets[0]["version"], "1.2");
    let page = json_of(shelfmark(&branch).args(["copy", "search", "central", "--isbn", &isbn]));
    assert_eq!(page["total"], 1);
    assert_eq!(page["hits"][0]["isbns"][0], isbn.as_str());
    let added = json_of(shelfmark(&branch).args(["copy", "import", "central", "--isbn", &isbn]));
    assert_eq!(added["action"], "added");
    shelfmark(&branch)
        .args(["copy", "import", "central", "--isbn", &isbn])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "matched existing record {}",
            added["record_id"].as_str().unwrap_or("?")
        )));
    let info = json_of(shelfmark(&branch).arg("info"));
    assert_eq!(info["records"], 1);
    shelfmark(&branch)
        .args(["copy", "search", "central", "--isbn", "12345"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("ISBN"));
    shelfmark(&branch)
        .args(["copy", "targets", "remove", "central"])
        .assert()
        .success();
    shelfmark(&branch)
        .args(["copy", "search", "central", "--title", "x"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("copy target"));
}
