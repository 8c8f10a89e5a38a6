//! `shelfmark rights`: compute prints one JSON object per record, set keeps a reason and a
//! history, the report counts.

use serde_json::Value;

use super::{assert_success, json_of, shelfmark};

#[test]
fn compute_set_history_and_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("demo.db");
    assert_success(
        &shelfmark(&db)
            .args(["demo", "--records", "60", "--seed", "2"])
            .output()
            .expect("runs"),
    );
    let out = shelfmark(&db)
        .args(["rights", "compute", "--json"])
        .output()
        .expect("runs");
    assert_success(&out);
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    assert_eq!(lines.len(), 60);
    for line in &lines {
        for key in [
            "id",
            "control_number",
            "status",
            "public_domain_from",
            "rule",
            "basis",
        ] {
            assert!(line.get(key).is_some(), "{key} in {line}");
        }
    }
    let id = lines[0]["id"].as_str().expect("id").to_string();
    let set = shelfmark(&db)
        .args([
            "rights",
            "set",
            &id,
            "InC-EDU",
            "--reason",
            "licence 2024",
            "--json",
        ])
        .output()
        .expect("runs");
    assert_success(&set);
    let set: Value = serde_json::from_slice(&set.stdout).expect("json");
    assert_eq!(set["status"], "InC-EDU");
    assert_eq!(set["overridden_reason"], "licence 2024");
    let history = json_of(shelfmark(&db).args(["rights", "history", &id]));
    assert_eq!(history.as_array().map(Vec::len), Some(2));
    assert_eq!(history[1]["decided_by"], "thu.thu");
    let report = json_of(shelfmark(&db).args(["rights", "report"]));
    assert_eq!(report["records"], 60);
    let refused = shelfmark(&db)
        .args(["rights", "set", &id, "Bogus", "--reason", "x"])
        .output()
        .expect("runs");
    assert!(!refused.status.success());
}

#[test]
fn review_lists_the_queue_bulk_decides_and_report_writes_csv() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("demo.db");
    let demo = json_of(shelfmark(&db).args(["demo", "--records", "40", "--seed", "3"]));
    // The demo runs the rules over a third of its works (and its showcase's).
    let determined = demo["digital"]["records_determined"]
        .as_u64()
        .expect("determined");
    assert_eq!(determined, 14 + 2);
    let never = 40 - determined;
    let page = json_of(shelfmark(&db).args([
        "rights",
        "review",
        "--filter",
        "not-evaluated",
        "--sort",
        "oldest",
        "--limit",
        "5",
    ]));
    assert_eq!(page["total"], never);
    let entries = page["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 5);
    assert!(
        entries
            .iter()
            .all(|e| e["status"].is_null() && e["loans"].is_u64())
    );
    let ids: Vec<String> = entries
        .iter()
        .map(|e| e["record_id"].as_str().expect("id").to_string())
        .collect();

    // From a file: ids, a comment, a blank line.
    let list = dir.path().join("works.txt");
    std::fs::write(&list, format!("# đã kiểm tra\n{}\n\n{}\n", ids[0], ids[1])).expect("list");
    let summary = json_of(shelfmark(&db).args([
        "rights",
        "bulk",
        "--status",
        "NoC-US",
        "--reason",
        "xuất bản tại Hoa Kỳ trước 1930",
        "--from-file",
        list.to_str().expect("path"),
        &ids[2],
    ]));
    assert_eq!(summary["records"], 3);
    assert_eq!(summary["changed"], 3);
    assert_eq!(summary["by_status"][0]["status"], "NoC-US");
    let left = json_of(shelfmark(&db).args(["rights", "review", "--filter", "not-evaluated"]));
    assert_eq!(left["total"], never - 3);

    // No reason, or an unknown work: an error and nothing stored.
    for args in [
        vec![
            "rights",
            "bulk",
            "--status",
            "InC",
            "--reason",
            " ",
            ids[3].as_str(),
        ],
        vec![
            "rights",
            "bulk",
            "--status",
            "InC",
            "--reason",
            "r",
            ids[3].as_str(),
            "0190c3e4-7b1a-7000-8000-000000000001",
        ],
    ] {
        let out = shelfmark(&db).args(&args).output().expect("runs");
        assert!(!out.status.success());
        assert!(!String::from_utf8_lossy(&out.stderr).trim().is_empty());
    }
    let still = json_of(shelfmark(&db).args(["rights", "review", "--filter", "not-evaluated"]));
    assert_eq!(still["total"], never - 3);

    let csv = dir.path().join("báo cáo.csv");
    let out = shelfmark(&db)
        .args(["rights", "report", "--csv", csv.to_str().expect("path")])
        .output()
        .expect("runs");
    assert_success(&out);
    let bytes = std::fs::read(&csv).expect("csv written");
    assert!(bytes.starts_with(b"\xEF\xBB\xBFsection,key,count,detail"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("by_status,NoC-US,3,"), "{text}");
    assert!(
        text.contains(&format!("total,not_evaluated,{},", never - 3)),
        "{text}"
    );
}
