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
        .query_row(
            "SELECT value FROM catalog_meta WHERE key = 'node_id'",
            [],
            |r| r.get(0),
        )
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
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
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
    assert!(
        stored >= 200 && at_kill < own,
        "{stored} {at_kill} of {own}"
    );
    let (_, _, marked) = own_and_pushed(&a);
    assert!(
        marked < last,
        "the branch marked only what was acknowledged"
    );

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
    // And the union catalog has every record: it follows the shared log once the server is
    // quiet, within moments of the last push (a bounded wait, not a timing).
    let mut union = 0;
    for _ in 0..6_000 {
        union = count(&central, "SELECT count(*) FROM records");
        if union == 2000 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(union, 2000);
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
        shelfmark_core::Catalog::open(&b, shelfmark_core::CatalogOptions::default()).expect("open");
    let once = shelfmark_core::sync::apply_pulled(&mut catalog_b, &page).expect("apply");
    let log_after_once = catalog_b.summary().expect("summary");
    let twice = shelfmark_core::sync::apply_pulled(&mut catalog_b, &page).expect("again");
    assert_eq!(once.applied as usize, page.entries.len());
    assert_eq!(
        (twice.applied, twice.skipped as usize),
        (0, page.entries.len())
    );
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
    assert!(
        said.contains("refused this branch's token (HTTP 401)"),
        "{said}"
    );
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

#[test]
fn sync_over_https_trusts_a_private_certificate_only_when_told() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let central = dir.path().join("central.db");
    let a = dir.path().join("a.db");
    let token = add_branch(&central, "Hoàn Kiếm");
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_string()])
        .expect("a self-signed certificate");
    let cert = dir.path().join("server.pem");
    let key = dir.path().join("server.key");
    std::fs::write(&cert, made.cert.pem()).expect("cert");
    std::fs::write(&key, made.signing_key.serialize_pem()).expect("key");
    let server = Server::start_with(
        &central,
        &[
            "--tls-cert".as_ref(),
            cert.as_os_str(),
            "--tls-key".as_ref(),
            key.as_os_str(),
        ],
    );
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );
    let url = server.url.replace("127.0.0.1", "localhost");
    shelfmark(&a)
        .args(["demo", "--records", "5"])
        .assert()
        .success();
    // Not trusted: a clear error at once (no retries), naming what to do.
    let said = failure(shelfmark(&a).args(["sync", "--server", &url, "--token", &token]));
    assert!(
        said.contains("could not make a secure connection"),
        "{said}"
    );
    assert!(said.contains("--ca-cert"), "{said}");
    assert_eq!(count(&central, "SELECT count(*) FROM hub_log"), 0);
    // Trusted: the sync goes through.
    let done = json_of(
        shelfmark(&a)
            .args(["sync", "--server", &url, "--token", &token])
            .arg("--ca-cert")
            .arg(&cert),
    );
    assert!(done["pushed"].as_i64().expect("pushed") > 5, "{done}");
    // The name must match the certificate: the same server by its IP address is refused.
    let said = failure(
        shelfmark(&a)
            .args(["sync", "--server", &server.url, "--token", &token])
            .arg("--ca-cert")
            .arg(&cert),
    );
    assert!(
        said.contains("could not make a secure connection"),
        "{said}"
    );
}

#[test]
fn saved_settings_drive_sync_and_the_token_never_shows() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let central = dir.path().join("central.db");
    let a = dir.path().join("a.db");
    let token = add_branch(&central, "Hoàn Kiếm");
    let server = Server::start(&central);
    shelfmark(&a)
        .args(["demo", "--records", "5"])
        .assert()
        .success();
    // Nothing saved yet: told how to configure.
    let said = failure(shelfmark(&a).arg("sync"));
    assert!(said.contains("sync configure"), "{said}");
    let saved = json_of(
        shelfmark(&a)
            .args([
                "sync",
                "configure",
                "--server",
                &server.url,
                "--token-stdin",
            ])
            .args(["--interval", "15"])
            .write_stdin(format!("{token}\n")),
    );
    assert_eq!(saved["server_url"], server.url.as_str());
    assert_eq!(saved["has_token"], true);
    assert_eq!(saved["interval_minutes"], 15);
    let before = json_of(shelfmark(&a).args(["sync", "status"]));
    assert_eq!(before["configured"], true);
    assert!(before["pending_changes"].as_u64().expect("pending") > 5);
    assert_eq!(before["last_sync_at"], serde_json::Value::Null);
    let report = json_of(shelfmark(&a).arg("sync"));
    assert!(report["pushed"].as_u64().expect("pushed") > 5);
    let after = json_of(shelfmark(&a).args(["sync", "status"]));
    assert_eq!(after["pending_changes"], 0);
    assert_eq!(after["online"], true);
    assert_eq!(after["last_report"], report);
    assert!(after["last_sync_at"].is_string());
    assert!(after["next_attempt_at"].is_string());
    let health = json_of(shelfmark(&a).args(["sync", "check"]));
    assert_eq!(health["protocol_version"], 1);
    // Only the interval changes: the token is kept.
    json_of(shelfmark(&a).args(["sync", "configure", "--interval", "0"]));
    assert_eq!(json_of(shelfmark(&a).arg("sync"))["pushed"], 0);
    // The token is in none of what a person or another branch sees.
    for args in [
        vec!["info"],
        vec!["log", "--limit", "1000"],
        vec!["sync", "status"],
    ] {
        for json in [false, true] {
            let mut cmd = shelfmark(&a);
            cmd.args(&args);
            if json {
                cmd.arg("--json");
            }
            let out = cmd.output().expect("runs");
            assert!(out.status.success());
            assert!(
                !String::from_utf8_lossy(&out.stdout).contains(&token),
                "{args:?}"
            );
        }
    }
    assert_eq!(
        count(
            &central,
            &format!("SELECT count(*) FROM hub_log WHERE entry LIKE '%{token}%'")
        ),
        0
    );
    // A failed attempt is recorded for the indicator: the server gone.
    drop(server);
    failure(shelfmark(&a).args(["sync", "--retries", "1"]));
    let offline = json_of(shelfmark(&a).args(["sync", "status"]));
    assert_eq!(offline["online"], false);
    assert!(
        offline["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("changes are kept")),
        "{offline}"
    );
    // Stop syncing: the token is forgotten.
    json_of(shelfmark(&a).args(["sync", "configure", "--off"]));
    assert_eq!(
        json_of(shelfmark(&a).args(["sync", "status"]))["configured"],
        false
    );
}

/// A title word of the union catalog that SRU and yaz-client can both send as it is.
fn a_title_word(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).expect("open");
    let mut stmt = conn
        .prepare("SELECT title FROM records ORDER BY id")
        .expect("query");
    let titles: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .expect("titles")
        .collect::<Result<_, _>>()
        .expect("read");
    titles
        .iter()
        .flat_map(|t| t.split_whitespace())
        .find(|w| w.len() >= 5 && w.chars().all(|c| c.is_ascii_alphabetic()))
        .expect("an ASCII title word")
        .to_lowercase()
}

fn number_of_records(xml: &str) -> u64 {
    let start = xml.find("numberOfRecords>").expect("numberOfRecords") + "numberOfRecords>".len();
    xml[start..]
        .split('<')
        .next()
        .and_then(|n| n.trim().parse().ok())
        .expect("a number")
}

#[test]
fn the_central_server_answers_sru_over_the_union_catalog() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let central = dir.path().join("central.db");
    let a = dir.path().join("a.db");
    let token = add_branch(&central, "Hoàn Kiếm");
    let server = Server::start(&central);
    shelfmark(&a)
        .args(["demo", "--records", "40"])
        .assert()
        .success();
    let word = a_title_word(&a);
    let ask = |query: &str| -> String {
        agent()
            .get(&format!("{}/sru", server.url))
            .query("operation", "searchRetrieve")
            .query("version", "2.0")
            .query("query", query)
            .call()
            .expect("answers")
            .body_mut()
            .read_to_string()
            .expect("text")
    };
    // Before any branch synced, the union catalog is empty.
    assert_eq!(number_of_records(&ask(&format!("dc.title={word}"))), 0);
    sync(&a, &server.url, &token);
    let found = number_of_records(&ask(&format!("dc.title={word}")));
    assert!(found > 0, "{word}");
    // The union search (/api/search) and SRU share one index: both work, in turns.
    let union = agent()
        .get(&format!("{}/api/search", server.url))
        .query("q", &word)
        .header("authorization", &format!("Bearer {token}"))
        .header(shelfmark_core::api::PROTOCOL_HEADER, "1")
        .call()
        .expect("answers")
        .body_mut()
        .read_json::<serde_json::Value>()
        .expect("json");
    assert!(union["total"].as_u64().expect("total") > 0, "{union}");
    assert_eq!(number_of_records(&ask("cql.allRecords=1")), 40);

    // Debian's yaz-client against the central server's /sru.
    let yaz = ["/usr/bin/yaz-client", "/usr/local/bin/yaz-client"]
        .into_iter()
        .map(Path::new)
        .find(|p| p.exists())
        .expect("yaz-client is installed (cargo xtask setup, or apt-get install yaz)");
    let commands = dir.path().join("yaz-commands");
    std::fs::write(
        &commands,
        format!(
            "open {}/sru\nsru get 2.0\nquerytype cql\nfind dc.title={word}\nsru post 1.2\nfind cql.allRecords=1\nquit\n",
            server.url
        ),
    )
    .expect("commands");
    let out = std::process::Command::new(yaz)
        .arg("-f")
        .arg(&commands)
        .stdin(Stdio::null())
        .output()
        .expect("yaz-client runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let hits: Vec<u64> = text
        .lines()
        .filter_map(|l| l.strip_prefix("Number of hits: "))
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    assert_eq!(hits, [found, 40], "{text}");
}

/// A record exported as mnemonic text without the rights fields export writes on its own
/// (506/540/542 come from the catalog's determinations, not from the record).
fn record_text(db: &Path, control_number: &str, dir: &Path) -> String {
    let file = dir.join(format!(
        "{control_number}-{}.mrk",
        db.display().to_string().len()
    ));
    shelfmark(db)
        .arg("export")
        .arg(&file)
        .args(["--format", "mrk", "--query", control_number])
        .assert()
        .success();
    std::fs::read_to_string(&file)
        .expect("exported")
        .lines()
        .filter(|l| !(l.starts_with("=506") || l.starts_with("=540") || l.starts_with("=542")))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Saves `text` over the record with the same control number, as a cataloger's overlay does.
fn overlay(db: &Path, text: &str, dir: &Path, name: &str) {
    let file = dir.join(name);
    std::fs::write(&file, text).expect("written");
    shelfmark(db)
        .arg("import")
        .arg(&file)
        .args(["--match", "control-number", "--on-match", "overlay"])
        .assert()
        .success();
}

fn exceptions(db: &Path) -> Vec<serde_json::Value> {
    json_of(shelfmark(db).args(["exceptions", "list", "--all"]))
        .as_array()
        .expect("a list")
        .clone()
}

fn of_kind<'a>(list: &'a [serde_json::Value], kind: &str) -> Vec<&'a serde_json::Value> {
    list.iter().filter(|x| x["kind"] == kind).collect()
}

/// Two branches work apart and meet again through a real server: edits of different fields of
/// one record merge, edits of the same field are kept both and flagged, one item lent at both
/// branches becomes one exception — the same on both nodes — and a resolution made at one
/// branch reaches the other.
#[test]
fn offline_work_at_two_branches_merges_flags_and_resolves_everywhere() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let central = dir.path().join("central.db");
    let a = dir.path().join("a.db");
    let b = dir.path().join("b.db");
    let token_a = add_branch(&central, "Hoàn Kiếm");
    let token_b = add_branch(&central, "Ba Đình");
    let server = Server::start(&central);
    shelfmark(&a)
        .args(["demo", "--records", "30"])
        .assert()
        .success();
    sync(&a, &server.url, &token_a);
    sync(&b, &server.url, &token_b);

    // Apart: the same title changed two ways; a note added at A and a subject changed at B.
    let title = "=245  10$aGió lạnh đầu mùa";
    for (db, who) in [(&a, "A"), (&b, "B")] {
        let five = record_text(db, "SM000000005", dir.path());
        assert!(five.contains(title), "{five}");
        let five = five.replace(title, &format!("{title} (bản {who})"));
        overlay(db, &five, dir.path(), &format!("five-{who}.mrk"));
        let six = record_text(db, "SM000000006", dir.path());
        let six = if who == "A" {
            six.replace("=300  ", "=500  \\\\$aGhi chú của chi nhánh A.\n=300  ")
        } else {
            six.lines()
                .map(|l| {
                    if l.starts_with("=650") {
                        "=650  \\7$aVăn hóa Hà Nội$2local\n".to_string()
                    } else {
                        format!("{l}\n")
                    }
                })
                .collect()
        };
        overlay(db, &six, dir.path(), &format!("six-{who}.mrk"));
    }
    // One copy lent at both desks, to two readers whose cards allow it.
    let lent_a = json_of(shelfmark(&a).args(["circ", "checkout", "200000000001", "300000000011"]));
    let lent_b = json_of(shelfmark(&b).args(["circ", "checkout", "200000000002", "300000000011"]));
    let loan_a = lent_a["loan"]["id"].as_str().expect("loan id").to_string();
    let loan_b = lent_b["loan"]["id"].as_str().expect("loan id").to_string();

    sync(&a, &server.url, &token_a);
    sync(&b, &server.url, &token_b);
    sync(&a, &server.url, &token_a);

    // Different fields merged, identically at both.
    let six_a = record_text(&a, "SM000000006", dir.path());
    assert!(six_a.contains("Ghi chú của chi nhánh A."), "{six_a}");
    assert!(six_a.contains("Văn hóa Hà Nội"), "{six_a}");
    assert_eq!(six_a, record_text(&b, "SM000000006", dir.path()));

    // The same field: one exception with both versions, with the same id on both nodes.
    let (list_a, list_b) = (exceptions(&a), exceptions(&b));
    // Each node finds them when it applies the entries (its own detection time); the rest is
    // the same everywhere.
    let found = |list: &[serde_json::Value]| -> Vec<String> {
        list.iter()
            .map(|x| format!("{} {} {} {}", x["id"], x["kind"], x["facts"], x["actions"]))
            .collect()
    };
    assert_eq!(
        found(&list_a),
        found(&list_b),
        "both nodes list the same exceptions"
    );
    let titles = of_kind(&list_a, "record_field_conflict");
    assert_eq!(titles.len(), 1, "{list_a:?}");
    let conflict = titles[0];
    assert_eq!(conflict["facts"]["field"], "245");
    let versions = format!(
        "{}{}",
        conflict["facts"]["kept"], conflict["facts"]["other"]
    );
    assert!(
        versions.contains("(bản A)") && versions.contains("(bản B)"),
        "{versions}"
    );
    let twice = of_kind(&list_a, "item_checked_out_twice");
    assert_eq!(twice.len(), 1, "{list_a:?}");
    let lent_twice = twice[0];
    let actions: Vec<&str> = lent_twice["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert!(
        actions.contains(&format!("keep:{loan_a}").as_str()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&format!("keep:{loan_b}").as_str()),
        "{actions:?}"
    );
    assert!(list_a.iter().all(|x| x["resolved"].is_null()), "{list_a:?}");

    // Resolved at A: B's title, A's loan. B learns both at its next sync.
    let id = |x: &serde_json::Value| x["id"].as_str().expect("id").to_string();
    shelfmark(&a)
        .args(["exceptions", "resolve", &id(conflict), "--keep", "remote"])
        .assert()
        .success();
    shelfmark(&a)
        .args(["exceptions", "resolve", &id(lent_twice), "--keep"])
        .arg(format!("keep:{loan_a}"))
        .assert()
        .success();
    sync(&a, &server.url, &token_a);
    sync(&b, &server.url, &token_b);
    for db in [&a, &b] {
        let open = exceptions(db)
            .into_iter()
            .filter(|x| x["resolved"].is_null())
            .count();
        assert_eq!(open, 0, "{}", db.display());
        let five = record_text(db, "SM000000005", dir.path());
        assert!(
            five.contains("(bản B)") && !five.contains("(bản A)"),
            "{five}"
        );
        assert_eq!(
            count(
                db,
                &format!(
                    "SELECT count(*) FROM loans WHERE returned_at IS NULL AND id = '{loan_a}'"
                )
            ),
            1
        );
        assert_eq!(
            count(
                db,
                &format!(
                    "SELECT count(*) FROM loans WHERE returned_at IS NULL AND id = '{loan_b}'"
                )
            ),
            0
        );
    }
}
