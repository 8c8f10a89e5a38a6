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
