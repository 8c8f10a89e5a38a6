//! `shelfmark sru serve` and `shelfmark copy ...`: one catalog served over SRU on loopback,
//! a second, empty one copying a record from it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use shelfmark_sru::loopback::fake_target;

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

/// A MARCXML record: `fields` are the data fields after the leader, 001 and 008.
fn marc(control: &str, fields: &str) -> String {
    format!(
        r#"<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">{control}</controlfield><controlfield tag="008">910710s1991    nju           000 0 eng d</controlfield>{fields}</record>"#
    )
}

fn title_field(title: &str) -> String {
    format!(
        r#"<datafield tag="245" ind1="0" ind2="0"><subfield code="a">{title}.</subfield></datafield>"#
    )
}

/// An SRU 1.2 answer: `total` hits, these `(recordData, recordPosition)`.
fn sru_answer(total: u64, records: &[(String, u64)]) -> Vec<u8> {
    let mut out = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><zs:searchRetrieveResponse xmlns:zs="http://www.loc.gov/zing/srw/"><zs:version>1.2</zs:version><zs:numberOfRecords>{total}</zs:numberOfRecords><zs:records>"#
    );
    for (data, position) in records {
        out.push_str(&format!("<zs:record><zs:recordSchema>info:srw/schema/1/marcxml-v1.1</zs:recordSchema><zs:recordPacking>xml</zs:recordPacking><zs:recordData>{data}</zs:recordData><zs:recordPosition>{position}</zs:recordPosition></zs:record>"));
    }
    out.push_str("</zs:records></zs:searchRetrieveResponse>");
    out.into_bytes()
}

fn add_target(db: &Path, name: &str, url: &str) {
    shelfmark(db)
        .args(["copy", "targets", "add", name, url, "--version", "1.2"])
        .assert()
        .success();
}

fn records_in(db: &Path) -> u64 {
    json_of(shelfmark(db).arg("info"))["records"]
        .as_u64()
        .unwrap_or(u64::MAX)
}

#[test]
fn import_refuses_a_pick_the_target_did_not_give() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("branch.shelfmark");
    // Ignores startRecord: its first `maximumRecords` of three, whatever is asked.
    let no_start = fake_target(|path| {
        let max = path
            .split(['?', '&'])
            .find_map(|kv| kv.strip_prefix("maximumRecords=")?.parse::<u64>().ok())
            .unwrap_or(10)
            .min(3);
        let records: Vec<_> = (1..=max)
            .map(|i| {
                (
                    marc(&format!("N{i}"), &title_field(&format!("Title number {i}"))),
                    i,
                )
            })
            .collect();
        (200, "text/xml", sru_answer(3, &records))
    });
    let one = fake_target(|_| {
        (
            200,
            "text/xml",
            sru_answer(1, &[(marc("ONE", &title_field("Only")), 1)]),
        )
    });
    add_target(&db, "nostart", &no_start);
    add_target(&db, "one", &one);
    shelfmark(&db)
        .args(["copy", "import", "nostart", "--title", "x", "--pick", "3"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "the target gave no record number 3 (it has 3)",
        ));
    shelfmark(&db)
        .args(["copy", "import", "one", "--title", "x", "--pick", "2"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "the target gave no record number 2 (it has 1)",
        ));
    shelfmark(&db)
        .args(["copy", "import", "one", "--title", "x", "--pick", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--pick"));
    assert_eq!(records_in(&db), 0, "nothing written");
    shelfmark(&db)
        .args(["copy", "import", "nostart", "--title", "x", "--pick", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Title number 1"));
    assert_eq!(records_in(&db), 1);
}

#[test]
fn a_record_without_an_isbn_imported_twice_is_matched_on_its_control_number() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("branch.shelfmark");
    let url = fake_target(|_| {
        let record = marc(
            "NOISBN1",
            &format!(
                r#"<controlfield tag="003">VN-HaNL</controlfield>{}"#,
                title_field("Bản đồ Hà Nội")
            ),
        );
        (200, "text/xml", sru_answer(1, &[(record, 1)]))
    });
    add_target(&db, "maps", &url);
    let first = json_of(shelfmark(&db).args(["copy", "import", "maps", "--title", "bản đồ"]));
    assert_eq!(first["action"], "added");
    assert_eq!(first["matched_on_instead"], "control_number");
    shelfmark(&db)
        .args(["copy", "import", "maps", "--title", "bản đồ"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains(format!(
                "matched existing record {}",
                first["record_id"].as_str().unwrap_or("?")
            ))
            .and(predicate::str::contains(
                "no ISBN to match on: matched on the control number (001 NOISBN1) from the same library (003) instead",
            )),
        );
    assert_eq!(records_in(&db), 1, "no duplicate");
}

#[test]
fn invalid_records_are_refused_with_their_problems_unless_accepted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("branch.shelfmark");
    let bad = fake_target(|_| {
        let record = r#"<record xmlns="http://www.loc.gov/MARC21/slim"><leader>garbage</leader><datafield tag="24" ind1="1"><subfield code="a">x</subfield></datafield></record>"#;
        (200, "text/xml", sru_answer(1, &[(record.to_string(), 1)]))
    });
    let no_leader = fake_target(|_| {
        let record = r#"<record xmlns="http://www.loc.gov/MARC21/slim"><datafield tag="245" ind1="1" ind2="0"><subfield code="a">No leader.</subfield></datafield></record>"#;
        (200, "text/xml", sru_answer(1, &[(record.to_string(), 1)]))
    });
    let indicator = fake_target(|_| {
        let fields = r#"<datafield tag="245" ind1="9" ind2="0"><subfield code="a">Bad indicator.</subfield></datafield>"#;
        (200, "text/xml", sru_answer(1, &[(marc("IND1", fields), 1)]))
    });
    add_target(&db, "bad", &bad);
    add_target(&db, "noleader", &no_leader);
    add_target(&db, "indicator", &indicator);
    for accept in [false, true] {
        let mut cmd = shelfmark(&db);
        cmd.args(["copy", "import", "bad", "--title", "x"]);
        if accept {
            cmd.arg("--accept-errors");
        }
        cmd.assert().code(1).stderr(
            predicate::str::contains("was not imported (nothing written)")
                .and(predicate::str::contains("error LDR"))
                .and(predicate::str::contains("error 245: the record has no 245"))
                .and(predicate::str::contains(r#"tag "24" read as "024""#)),
        );
    }
    shelfmark(&db)
        .args([
            "copy",
            "import",
            "noleader",
            "--title",
            "x",
            "--accept-errors",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no <leader>"));
    shelfmark(&db)
        .args(["copy", "import", "indicator", "--title", "x"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("error 245: 245 indicator 1")
                .and(predicate::str::contains("--accept-errors")),
        );
    assert_eq!(records_in(&db), 0, "nothing written");
    shelfmark(&db)
        .args([
            "copy",
            "import",
            "indicator",
            "--title",
            "x",
            "--accept-errors",
        ])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("added record").and(predicate::str::contains("error: 245")),
        );
    assert_eq!(records_in(&db), 1);
}

#[test]
fn search_lines_do_not_double_a_period() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("branch.shelfmark");
    let url = fake_target(|_| {
        let fields = format!(
            r#"<datafield tag="100" ind1="1" ind2=" "><subfield code="a">Mairs, John W.</subfield></datafield>{}<datafield tag="260" ind1=" " ind2=" "><subfield code="a">Tucson :</subfield><subfield code="b">Center for Creative Photography,</subfield><subfield code="c">1991.</subfield></datafield>"#,
            title_field("Photographs")
        );
        (200, "text/xml", sru_answer(1, &[(marc("M1", &fields), 1)]))
    });
    add_target(&db, "photo", &url);
    shelfmark(&db)
        .args(["copy", "search", "photo", "--title", "photographs"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Mairs, John W. Center for Creative Photography")
                .and(predicate::str::contains("W..").not()),
        );
}
