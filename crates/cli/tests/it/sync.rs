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
        Server::start_with(db, &[])
    }

    /// With more `serve` options (a certificate and its key).
    fn start_with(db: &Path, options: &[&std::ffi::OsStr]) -> Server {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("shelfmark"))
            .arg("--db")
            .arg(db)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(options)
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

/// A count from a catalog file, read beside the process that writes it (SQLite's WAL lets a
/// reader in while a writer works).
fn count(db: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(db)
        .expect("open")
        .query_row(sql, [], |r| r.get(0))
        .expect("count")
}

/// This catalog's own entries, and how far it has marked them pushed.
fn own_and_pushed(db: &Path) -> (i64, i64, i64) {
    let conn = rusqlite::Connection::open(db).expect("open");
    let node: String = conn
        .query_row("SELECT value FROM catalog_meta WHERE key = 'node_id'", [], |r| {
            r.get(0)
        })
        .or_else(|_| {
            conn.query_row(
                "SELECT origin_node FROM change_log ORDER BY seq LIMIT 1",
                [],
                |r| r.get(0),
            )
        })
        .expect("node id");
    let own: i64 = conn
        .query_row(
            "SELECT count(*) FROM change_log WHERE origin_node = ?1",
            [&node],
            |r| r.get(0),
        )
        .expect("own");
    let last: i64 = conn
        .query_row(
            "SELECT coalesce(max(seq), 0) FROM change_log WHERE origin_node = ?1",
            [&node],
            |r| r.get(0),
        )
        .expect("last");
    let pushed: i64 = conn
        .query_row(
            "SELECT pushed_through_seq FROM sync_state WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .expect("pushed");
    (own, last, pushed)
}

fn failure(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().expect("runs");
    assert!(!out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).to_string()
}

#[test]
fn a_push_cut_by_killing_the_server_resumes_without_loss_or_duplicates() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let central = dir.path().join("central.db");
    let a = dir.path().join("a.db");
    let token = add_branch(&central, "Hoàn Kiếm");
    shelfmark(&a)
        .args(["demo", "--records", "2000"])
        .assert()
        .success();
    let (own, last, pushed) = own_and_pushed(&a);
    assert_eq!(pushed, 0);
    let mut server = Server::start(&central);
    let pushing = std::process::Command::new(assert_cmd::cargo::cargo_bin("shelfmark"))
        .arg("--db")
        .arg(&a)
        .args(["sync", "--server", &server.url, "--token", &token])
        .args(["--batch", "20", "--retries", "1"])
        .env_remove("SHELFMARK_DB")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sync starts");
    // Killed (SIGKILL) once some batches are in and while more are on their way.
    let mut stored = 0;
    for _ in 0..20_000 {
        stored = count(&central, "SELECT count(*) FROM hub_log");
        if stored >= 200 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    server.child.kill().expect("kill the server");
    server.child.wait().expect("reaped");
    let cut = pushing.wait_with_output().expect("sync ends");
    assert!(!cut.status.success(), "the push outran the kill");
    assert!(
        String::from_utf8_lossy(&cut.stderr).contains("changes are kept"),
        "{}",
        String::from_utf8_lossy(&cut.stderr)
    );
    let at_kill = count(&central, "SELECT count(*) FROM hub_log");
    assert!(stored >= 200 && at_kill < own, "{stored} {at_kill} of {own}");
    let (_, _, marked) = own_and_pushed(&a);
    assert!(marked < last, "the branch marked only what was acknowledged");

    // The same database, a new process: the sync resumes.
    let server = Server::start(&central);
    let resumed = sync(&a, &server.url, &token);
    let pushed_now = resumed["pushed"].as_i64().expect("pushed");
    let again = resumed["already_on_server"].as_i64().expect("duplicates");
    // Every entry exactly once on the server: counted by change id.
    assert_eq!(count(&central, "SELECT count(*) FROM hub_log"), own);
    assert_eq!(
        count(&central, "SELECT count(DISTINCT change_id) FROM hub_log"),
        own
    );
    assert_eq!(at_kill + pushed_now, own, "{resumed}");
    // Entries the server stored but whose answer the kill lost come back as duplicates only.
    assert!(again <= 20, "{resumed}");
    let (_, last_now, marked_now) = own_and_pushed(&a);
    assert_eq!(marked_now, last_now);
    assert_eq!(last_now, last);
    // And the union catalog has every record.
    assert_eq!(count(&central, "SELECT count(*) FROM records"), 2000);
}

/// A raw sync request with ureq: the branch's token and the protocol header.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

#[test]
fn a_batch_pushed_twice_is_stored_once_and_a_page_applied_twice_is_applied_once() {
    use shelfmark_core::api::{PROTOCOL_HEADER, PullResponse, PushRequest, PushResponse};
    let dir = tempfile::TempDir::new().expect("tempdir");
    let central = dir.path().join("central.db");
    let a = dir.path().join("a.db");
    let b = dir.path().join("b.db");
    let token_a = add_branch(&central, "Hoàn Kiếm");
    let token_b = add_branch(&central, "Ba Đình");
    shelfmark(&a)
        .args(["demo", "--records", "10"])
        .assert()
        .success();
    let server = Server::start(&central);
    let batch = {
        let catalog = shelfmark_core::Catalog::open(&a, shelfmark_core::CatalogOptions::default())
            .expect("open");
        let outbox = shelfmark_core::sync::outbox(&catalog, 25).expect("outbox");
        PushRequest {
            node_id: catalog.node_id().to_string(),
            entries: outbox.entries,
        }
    };
    assert_eq!(batch.entries.len(), 25);
    let push = |request: &PushRequest| -> PushResponse {
        let mut answer = agent()
            .post(&format!("{}/v1/sync/push", server.url))
            .header("authorization", &format!("Bearer {token_a}"))
            .header(PROTOCOL_HEADER, "1")
            .send_json(request)
            .expect("answers");
        assert_eq!(answer.status().as_u16(), 200);
        answer.body_mut().read_json().expect("a push answer")
    };
    let first = push(&batch);
    let second = push(&batch);
    assert_eq!((first.accepted, first.duplicates), (25, 0));
    assert_eq!((second.accepted, second.duplicates), (0, 25));
    assert_eq!(first.server_seqs, second.server_seqs);
    assert_eq!(count(&central, "SELECT count(*) FROM hub_log"), 25);
    // The branch, which never heard the answers, sends them again with the rest.
    let synced = sync(&a, &server.url, &token_a);
    assert_eq!(synced["already_on_server"], 25);
    let (own, _, _) = own_and_pushed(&a);
    assert_eq!(count(&central, "SELECT count(*) FROM hub_log"), own);

    // B pulls one page and applies it twice: the second time changes nothing.
    let mut answer = agent()
        .get(&format!("{}/v1/sync/pull?after=0&limit=1000", server.url))
        .header("authorization", &format!("Bearer {token_b}"))
        .header(PROTOCOL_HEADER, "1")
        .call()
        .expect("answers");
    let page: PullResponse = answer.body_mut().read_json().expect("a page");
    assert_eq!(page.entries.len() as i64, own.min(1000));
    let mut catalog_b =
        shelfmark_core::Catalog::open(&b, shelfmark_core::CatalogOptions::default())
            .expect("open");
    let once = shelfmark_core::sync::apply_pulled(&mut catalog_b, &page).expect("apply");
    let log_after_once = catalog_b.summary().expect("summary");
    let twice = shelfmark_core::sync::apply_pulled(&mut catalog_b, &page).expect("again");
    assert_eq!(once.applied as usize, page.entries.len());
    assert_eq!((twice.applied, twice.skipped as usize), (0, page.entries.len()));
    assert_eq!(catalog_b.summary().expect("summary"), log_after_once);
    assert_eq!(log_after_once.records, 10);
}

#[test]
fn tokens_are_checked_over_http_and_a_refusal_changes_nothing() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let central = dir.path().join("central.db");
    let a = dir.path().join("a.db");
    let b = dir.path().join("b.db");
    let token_a = add_branch(&central, "Hoàn Kiếm");
    let token_b = add_branch(&central, "Ba Đình");
    let token_c = add_branch(&central, "Cầu Giấy");
    shelfmark(&a)
        .args(["demo", "--records", "5"])
        .assert()
        .success();
    shelfmark(&b)
        .args(["demo", "--records", "5", "--seed", "9"])
        .assert()
        .success();
    let server = Server::start(&central);
    let stored = || count(&central, "SELECT count(*) FROM hub_log");

    // No token at all: 401, from the server itself (a raw request), and nothing stored.
    let answer = agent()
        .post(&format!("{}/v1/sync/push", server.url))
        .header(shelfmark_core::api::PROTOCOL_HEADER, "1")
        .send_json(serde_json::json!({ "node_id": "x", "entries": [] }))
        .expect("answers");
    assert_eq!(answer.status().as_u16(), 401);
    // An old client (no protocol header) is told to update, before anything else.
    let answer = agent()
        .get(&format!("{}/v1/sync/pull", server.url))
        .header("authorization", &format!("Bearer {token_a}"))
        .call()
        .expect("answers");
    assert_eq!(answer.status().as_u16(), 426);

    // A wrong token.
    let said = failure(shelfmark(&a).args([
        "sync",
        "--server",
        &server.url,
        "--token",
        "0000000000000000000000000000000000000000000000000000000000000000",
    ]));
    assert!(said.contains("refused this branch's token (HTTP 401)"), "{said}");
    assert!(said.contains("unknown token"), "{said}");
    assert_eq!(stored(), 0);

    // A's token binds to A's node; then B's catalog cannot push under it.
    sync(&a, &server.url, &token_a);
    let after_a = stored();
    assert!(after_a > 0);
    let said = failure(shelfmark(&b).args(["sync", "--server", &server.url, "--token", &token_a]));
    assert!(said.contains("HTTP 403"), "{said}");
    assert!(said.contains("is bound to node"), "{said}");
    assert_eq!(stored(), after_a);
    // Nor can another branch's token carry A's node's entries (that node is Hoàn Kiếm's).
    shelfmark(&a)
        .args(["circ", "patron", "add", "HK-0999", "--name", "Nguyễn Văn A"])
        .args(["--expires", "2099-12-31"])
        .assert()
        .success();
    let said = failure(shelfmark(&a).args(["sync", "--server", &server.url, "--token", &token_c]));
    assert!(said.contains("HTTP 403"), "{said}");
    assert!(said.contains("belongs to branch Hoàn Kiếm"), "{said}");
    assert_eq!(stored(), after_a);

    // A revoked token.
    shelfmark(&central)
        .args(["server", "revoke-branch", "Ba Đình"])
        .assert()
        .success();
    let said = failure(shelfmark(&b).args(["sync", "--server", &server.url, "--token", &token_b]));
    assert!(said.contains("was revoked"), "{said}");
    assert_eq!(stored(), after_a);
}
