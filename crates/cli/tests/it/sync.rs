//! A real central server process and branch catalogs, all through the `shelfmark` binary.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};

use super::{json_of, shelfmark};

/// `shelfmark serve` on a free loopback port; the address it prints is read back.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(db: &Path) -> Server {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("shelfmark"))
            .arg("--db")
            .arg(db)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env_remove("SHELFMARK_DB")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("server says where it listens");
        let url = line
            .split_whitespace()
            .last()
            .expect("an address")
            .to_string();
        Server { child, url }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn add_branch(central: &Path, name: &str) -> String {
    let out = shelfmark(central)
        .args(["server", "add-branch", name])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    text.lines().last().expect("token line").trim().to_string()
}

fn sync(db: &Path, url: &str, token: &str) -> serde_json::Value {
    json_of(shelfmark(db).args(["sync", "--server", url, "--token", token, "--retries", "2"]))
}

fn records(db: &Path) -> u64 {
    json_of(shelfmark(db).arg("info"))["records"]
        .as_u64()
        .expect("count")
}

#[test]
fn a_new_branch_bootstraps_from_the_union_catalog_and_tokens_are_checked() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let central = dir.path().join("central.db");
    let a = dir.path().join("a.db");
    let b = dir.path().join("b.db");
    let token_a = add_branch(&central, "Hoàn Kiếm");
    let token_b = add_branch(&central, "Ba Đình");
    assert_eq!(token_a.len(), 64);
    let server = Server::start(&central);
    shelfmark(&a)
        .args(["demo", "--records", "30"])
        .assert()
        .success();
    let first = sync(&a, &server.url, &token_a);
    assert!(first["pushed"].as_u64().expect("pushed") > 30, "{first}");
    // Nothing new: the second sync moves nothing.
    let again = sync(&a, &server.url, &token_a);
    assert_eq!(
        (again["pushed"].as_u64(), again["applied"].as_u64()),
        (Some(0), Some(0))
    );
    // An empty catalog bootstraps.
    let boot = sync(&b, &server.url, &token_b);
    assert_eq!(boot["pushed"], 0);
    assert_eq!(records(&b), records(&a));
    // B's catalog pushes nothing back (what it pulled is A's).
    assert_eq!(sync(&b, &server.url, &token_b)["pushed"], 0);

    // Wrong token, and a revoked one: refused, nothing changes.
    let out = shelfmark(&b)
        .args(["sync", "--server", &server.url, "--token", "not-a-token"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("HTTP 401"));
    shelfmark(&central)
        .args(["server", "revoke-branch", "Ba Đình"])
        .assert()
        .success();
    let out = shelfmark(&b)
        .args(["sync", "--server", &server.url, "--token", &token_b])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stderr).contains("revoked"));
    // A's token cannot carry B's node's entries: B has none of its own yet, so A's catalog
    // copy under B's token is refused by node id.
    let listed = json_of(shelfmark(&central).args(["server", "list-branches"]));
    assert_eq!(listed.as_array().map(Vec::len), Some(2));

    // The server gone: the branch gives up with a clear message and keeps its changes.
    drop(server);
    let out = shelfmark(&a)
        .args([
            "sync",
            "--server",
            "http://127.0.0.1:9",
            "--token",
            &token_a,
            "--retries",
            "2",
        ])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("did not answer after 2 tries"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
