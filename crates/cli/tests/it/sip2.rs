//! `shelfmark sip2 serve` as a self-check kiosk meets it: the real binary on loopback, driven
//! by an independent SIP2 client from PyPI (`sip2`, Tobias Zeumer's) through
//! `tests/peers/sip2_kiosk.py`, run by the peer virtual environment's python that
//! `cargo xtask setup` / `cargo xtask test` make.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Stdio};

use shelfmark_core::api::{ItemStatus, PatronInput};
use shelfmark_core::circulation::{loans, patrons};
use shelfmark_core::{Catalog, CatalogOptions};

use super::*;

const READER: &str = "299000000042";
const READER_NAME: &str = "Nguyễn Thị Ánh Tuyết";
const PIN: &str = "2468";

/// The python of the peer virtual environment: `SHELFMARK_PYTHON` (set by `cargo xtask test`),
/// else `peer-venv` in cargo's target folder, where `cargo xtask setup` makes it. Never
/// skipped: without it the test fails and says how to get it.
fn peer_python() -> PathBuf {
    let from_env = std::env::var_os("SHELFMARK_PYTHON").map(PathBuf::from);
    // The binary under test is <target>/<profile>/shelfmark.
    let bin = assert_cmd::cargo::cargo_bin("shelfmark");
    let in_target = bin
        .parent()
        .and_then(|profile| profile.parent())
        .map(|target| target.join("peer-venv/bin/python"));
    let python = from_env
        .or(in_target)
        .expect("the shelfmark binary sits in a target folder");
    let ready = std::process::Command::new(&python)
        .args(["-c", "import Sip2.sip2"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ready,
        "the SIP2 peer is missing: {} cannot import the `sip2` package from PyPI. Run \
         `cargo xtask setup` (it makes peer-venv in the target folder with pymarc and sip2), \
         or point SHELFMARK_PYTHON at a python that has `pip install sip2==1.1`.",
        python.display()
    );
    python
}

/// `shelfmark sip2 serve` on a free port, stopped when dropped.
struct Serving {
    child: Child,
    addr: String,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(db: &Path) -> Serving {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("shelfmark"))
        .arg("--db")
        .arg(db)
        .args(["--json", "sip2", "serve", "--listen", "127.0.0.1:0"])
        .env_remove("SHELFMARK_DB")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sip2 serve");
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        let _ = BufReader::new(out).read_line(&mut line);
    }
    let addr = serde_json::from_str::<Value>(&line)
        .ok()
        .and_then(|v| v["listening"].as_str().map(str::to_string))
        .unwrap_or_default();
    let serving = Serving { child, addr };
    assert!(
        serving.addr.starts_with("127.0.0.1:"),
        "sip2 serve printed {line:?}"
    );
    serving
}

/// A demo catalog with the account `kiosk` at HK, a reader with a Vietnamese name and a PIN,
/// and an item of HK free to lend (returned there, it goes back on the shelf).
fn library(db: &Path) -> String {
    shelfmark(db)
        .args(["demo", "--records", "80", "--seed", "5"])
        .assert()
        .success();
    let mut add = std::process::Command::new(assert_cmd::cargo::cargo_bin("shelfmark"))
        .arg("--db")
        .arg(db)
        .args(["sip2", "account", "add", "kiosk", "--branch", "HK"])
        .env_remove("SHELFMARK_DB")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("starts");
    add.stdin
        .take()
        .expect("stdin")
        .write_all(b"secret-pw\n")
        .expect("password");
    assert!(add.wait().expect("ends").success(), "account added");
    let mut catalog = Catalog::open(db, CatalogOptions::default()).expect("opens");
    catalog
        .write("staff", |m| {
            patrons::add(
                m,
                &PatronInput {
                    barcode: READER.into(),
                    name: READER_NAME.into(),
                    category: "adult".into(),
                    email: None,
                    phone: None,
                    home_branch_code: Some("HK".into()),
                    expires_on: "2099-12-31".into(),
                    notes: String::new(),
                },
            )?;
            patrons::set_pin(m, READER, PIN)
        })
        .expect("reader");
    (1..10_000u64)
        .map(|n| format!("3{n:011}"))
        .map_while(|b| loans::item_circulation(&catalog, &b).ok())
        .find(|i| {
            i.status == ItemStatus::Available && i.holds_queue == 0 && i.home_branch_code == "HK"
        })
        .map(|i| i.barcode)
        .expect("an item of HK on the shelf")
}

fn field<'v>(answer: &'v Value, code: &str) -> Option<&'v str> {
    answer["variable"][code][0].as_str()
}

#[test]
fn a_python_sip2_client_signs_in_borrows_and_returns_with_a_vietnamese_name_intact() {
    let python = peer_python();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("branch.shelfmark");
    let item = library(&db);
    let server = serve(&db);
    let (host, port) = server.addr.split_once(':').expect("host:port");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/sip2_kiosk.py");
    let out = std::process::Command::new(&python)
        .arg(&script)
        .args([host, port, "kiosk", "secret-pw", READER, PIN, &item])
        .current_dir(dir.path())
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "the Python SIP2 client failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The JSON line; the client prints a farewell of its own when it is dropped.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json_line = stdout.lines().find(|l| l.starts_with('{')).unwrap_or("");
    let run: Value = serde_json::from_str(json_line).unwrap_or_else(|e| {
        panic!(
            "the script printed no JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });

    assert_eq!(run["login"]["fixed"]["Ok"], "1", "{}", run["login"]);
    let status = &run["status"];
    assert_eq!(status["fixed"]["OnlineStatus"], "Y");
    assert_eq!(status["fixed"]["CheckoutOk"], "Y");
    assert_eq!(status["fixed"]["ProtocolVersion"], "2.00");
    assert_eq!(field(status, "AM"), Some("Chi nhánh Hoàn Kiếm"));

    let patron = &run["patron"];
    // The name crossed the wire in UTF-8, checksum and all, and the client read it whole.
    assert_eq!(field(patron, "AE"), Some(READER_NAME), "{patron}");
    assert_eq!(field(patron, "BL"), Some("Y"));
    assert_eq!(field(patron, "CQ"), Some("Y"), "the PIN was right");
    assert_eq!(patron["fixed"]["ChargedItemsCount"], "0000");

    let checkout = &run["checkout"];
    assert_eq!(checkout["fixed"]["Ok"], "1", "{checkout}");
    assert_eq!(field(checkout, "AB"), Some(item.as_str()));
    let due = field(checkout, "AH").expect("a due date");
    assert_eq!(due.len(), 18, "YYYYMMDDZZZZHHMMSS: {due:?}");
    assert!(
        due[..8].bytes().all(|b| b.is_ascii_digit()) && &due[8..12] == "    ",
        "{due:?}"
    );
    let charged = &run["charged"];
    assert_eq!(charged["fixed"]["ChargedItemsCount"], "0001");
    assert_eq!(field(charged, "AU"), Some(item.as_str()));

    let checkin = &run["checkin"];
    assert_eq!(checkin["fixed"]["Ok"], "1", "{checkin}");
    assert_eq!(checkin["fixed"]["Alert"], "N", "back on the shelf at HK");
    assert_eq!(field(checkin, "AA"), Some(READER));
    assert_eq!(run["end"]["fixed"]["EndSession"], "Y");
    assert_eq!(
        run["checksums_ok"],
        serde_json::json!([true, true, true, true, true, true, true]),
        "every answer's checksum adds up over its UTF-8 bytes"
    );
    drop(server);

    let catalog = Catalog::open(&db, CatalogOptions::default()).expect("opens");
    let after = loans::item_circulation(&catalog, &item).expect("item");
    assert_eq!(after.status, ItemStatus::Available);
    assert!(after.loan.is_none());
}
