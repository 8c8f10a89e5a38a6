//! `shelfmark circ`: a desk session on a small demo catalog, refusals on stderr in the
//! language asked for, and `--json` everywhere.

use std::path::Path;

use serde_json::Value;

use crate::{assert_success, json_of, shelfmark};

/// A demo catalog (5 branches, items with barcodes 3000...) with one reader whose card is
/// valid for years.
fn desk(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let db = dir.path().join("circ.db");
    assert_success(
        &shelfmark(&db)
            .args(["demo", "--records", "60", "--seed", "5"])
            .output()
            .expect("runs"),
    );
    assert_success(
        &shelfmark(&db)
            .args([
                "circ",
                "patron",
                "add",
                "P100",
                "--name",
                "Nguyễn Văn An",
                "--expires",
                "2099-12-31",
            ])
            .output()
            .expect("runs"),
    );
    db
}

/// The barcode of an item the demo made that can be lent (a printed book on the shelf) and
/// that no reader of the demo is waiting for (a hold would catch it at check-in).
fn a_book(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.query_row(
        "SELECT barcode FROM items WHERE item_type = 'book' AND status = 'available'
            AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.record_id = items.record_id)
         ORDER BY barcode LIMIT 1",
        [],
        |r| r.get(0),
    )
    .expect("a book")
}

#[test]
fn check_out_then_in_as_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = desk(&dir);
    let book = a_book(&db);
    let out = json_of(shelfmark(&db).args(["circ", "checkout", "P100", &book]));
    assert_eq!(out["loan"]["item_barcode"], Value::String(book.clone()));
    assert_eq!(out["loan"]["patron_barcode"], "P100");
    assert!(
        out["loan"]["due_on"]
            .as_str()
            .is_some_and(|d| d.len() == 10)
    );
    let back = json_of(shelfmark(&db).args(["circ", "checkin", &book]));
    assert_eq!(back["fine_charged"], 0);
    assert_eq!(back["action"]["kind"], "reshelve");
    assert_eq!(back["status"], "available");
    // A second scan of the same book: nothing to close, nothing charged.
    let again = json_of(shelfmark(&db).args(["circ", "checkin", &book]));
    assert_eq!(again["loan"], Value::Null);
}

#[test]
fn a_refusal_exits_1_with_its_code_and_message_in_the_language_asked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = desk(&dir);
    let book = a_book(&db);
    assert_success(
        &shelfmark(&db)
            .args([
                "circ",
                "patron",
                "add",
                "P200",
                "--name",
                "Trần Thị Bình",
                "--expires",
                "2020-03-12",
            ])
            .output()
            .expect("runs"),
    );
    let vi = shelfmark(&db)
        .args(["circ", "checkout", "P200", &book])
        .output()
        .expect("runs");
    assert_eq!(vi.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&vi.stderr);
    assert!(
        stderr.contains("card_expired: Thẻ đã hết hạn ngày 12/03/2020."),
        "{stderr}"
    );
    let en = shelfmark(&db)
        .args(["circ", "--lang", "en", "checkout", "P200", &book])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&en.stderr).contains("Card expired on 12 March 2020."));
    let json = shelfmark(&db)
        .args(["--json", "circ", "checkout", "P200", &book])
        .output()
        .expect("runs");
    assert_eq!(json.status.code(), Some(1));
    let payload: Value = serde_json::from_slice(&json.stderr).expect("JSON on stderr");
    assert_eq!(payload["code"], "refused");
    let refusal: Value =
        serde_json::from_str(payload["details"].as_str().expect("details")).expect("refusal");
    assert_eq!(refusal["code"], "card_expired");
    assert_eq!(refusal["params"]["date"], "2020-03-12");
    // Staff override with a reason, which the loan keeps.
    let forced = json_of(shelfmark(&db).args([
        "circ",
        "checkout",
        "P200",
        &book,
        "--override",
        "Gia hạn thẻ tại quầy",
    ]));
    assert_eq!(forced["loan"]["override_reason"], "Gia hạn thẻ tại quầy");
    assert_eq!(forced["overridden"][0]["code"], "card_expired");
}

#[test]
fn holds_patrons_fines_policy_and_calendar() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = desk(&dir);
    let book = a_book(&db);
    assert_success(
        &shelfmark(&db)
            .args([
                "circ",
                "patron",
                "add",
                "P300",
                "--name",
                "Lê Văn Cường",
                "--expires",
                "2099-01-01",
                "--category",
                "student",
            ])
            .output()
            .expect("runs"),
    );
    json_of(shelfmark(&db).args(["circ", "checkout", "P100", &book]));
    let hold =
        json_of(shelfmark(&db).args(["circ", "hold", "place", "P300", &book, "--pickup", "HK"]));
    assert_eq!(hold["hold"]["status"], "waiting");
    assert_eq!(hold["hold"]["position"], 1);
    let renew = shelfmark(&db)
        .args(["circ", "--lang", "en", "renew", &book])
        .output()
        .expect("runs");
    assert_eq!(renew.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&renew.stderr).contains("renewal_on_hold"));
    let back = json_of(shelfmark(&db).args(["circ", "--branch", "HK", "checkin", &book]));
    assert_eq!(back["action"]["kind"], "hold_shelf");
    assert_eq!(back["action"]["patron_barcode"], "P300");
    let id = hold["hold"]["id"].as_str().expect("id").to_string();
    let cancelled = json_of(shelfmark(&db).args(["circ", "hold", "cancel", &id]));
    assert_eq!(cancelled["hold"]["status"], "cancelled");

    let block = json_of(shelfmark(&db).args([
        "circ",
        "patron",
        "block",
        "P300",
        "--reason",
        "Chưa trả sách cũ",
    ]));
    assert_eq!(block["blocked_by"], "thu.thu");
    let shown = json_of(shelfmark(&db).args(["circ", "patron", "show", "P300"]));
    assert_eq!(shown["refusals"][0]["code"], "patron_blocked");

    json_of(shelfmark(&db).args([
        "circ",
        "fines",
        "charge",
        "P300",
        "30000",
        "--reason",
        "Làm hỏng bìa",
    ]));
    json_of(shelfmark(&db).args(["circ", "fines", "pay", "P300", "10000"]));
    let waived = json_of(shelfmark(&db).args([
        "circ",
        "fines",
        "waive",
        "P300",
        "5000",
        "--reason",
        "Sinh viên",
    ]));
    assert_eq!(waived["amount"], -5000);
    let ledger = json_of(shelfmark(&db).args(["circ", "fines", "show", "P300"]));
    assert_eq!(ledger.as_array().map(Vec::len), Some(3));

    let policy = json_of(shelfmark(&db).args([
        "circ",
        "policy",
        "set",
        "--category",
        "student",
        "--item-type",
        "book",
        "--loan-days",
        "28",
        "--renewals",
        "3",
        "--max-loans",
        "10",
        "--fine-per-day",
        "1000",
        "--max-fine",
        "30000",
    ]));
    let rules = policy["rules"].as_array().expect("rules");
    assert!(rules.iter().any(|r| r["patron_category"] == "student"
        && r["item_type"] == "book"
        && r["loan_days"] == 28));
    assert_eq!(policy["settings"]["time_zone"], "Asia/Ho_Chi_Minh");

    json_of(shelfmark(&db).args([
        "circ",
        "calendar",
        "add",
        "2030-02-03",
        "--reason",
        "Tết Nguyên Đán",
    ]));
    json_of(shelfmark(&db).args([
        "circ",
        "--branch",
        "HK",
        "calendar",
        "add",
        "2030-02-04",
        "--reason",
        "Kiểm kê",
    ]));
    let days = json_of(shelfmark(&db).args(["circ", "calendar", "list", "--from", "2030-01-01"]));
    assert_eq!(days.as_array().map(Vec::len), Some(2));
    assert_eq!(days[0]["branch_code"], Value::Null);
    let text = shelfmark(&db)
        .args(["circ", "policy", "show"])
        .output()
        .expect("runs");
    assert_success(&text);
    assert!(String::from_utf8_lossy(&text.stdout).contains("Asia/Ho_Chi_Minh"));
}

#[test]
fn patron_search_finds_a_name_typed_without_diacritics() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = desk(&dir);
    let found = json_of(shelfmark(&db).args(["circ", "patron", "search", "van nguyen an"]));
    let list = found.as_array().expect("a list");
    assert_eq!(list[0]["barcode"], "P100");
    assert_eq!(list[0]["name"], "Nguyễn Văn An");
    assert_eq!(list[0]["blocked"], false);
}

#[test]
fn stats_as_json_and_csv_cover_every_day_of_the_period() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = desk(&dir);
    let book = a_book(&db);
    let out = json_of(shelfmark(&db).args(["circ", "checkout", "P100", &book]));
    let at = out["loan"]["checked_out_at"]
        .as_str()
        .expect("time")
        .to_string();
    // Three days around the loan's UTC day hold its local day, whatever the offset.
    let (from, to): (String, String) = rusqlite::Connection::open_in_memory()
        .expect("sqlite")
        .query_row(
            "SELECT date(?1, '-1 day'), date(?1, '+1 day')",
            [&at],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("dates");
    let csv = dir.path().join("thống kê.csv");
    let report = json_of(shelfmark(&db).args([
        "circ",
        "stats",
        "--from",
        &from,
        "--to",
        &to,
        "--csv",
        csv.to_str().expect("utf-8 path"),
    ]));
    assert_eq!(report["from"], from.as_str());
    assert_eq!(report["loans_per_day"].as_array().map(Vec::len), Some(3));
    assert!(report["loans"].as_u64().is_some_and(|n| n >= 1), "{report}");
    let bytes = std::fs::read(&csv).expect("the CSV is written");
    assert!(bytes.starts_with(b"\xEF\xBB\xBFsection,key,count,detail"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains(&format!("period,from,,{from}")), "{text}");
    let plain = shelfmark(&db)
        .args(["circ", "stats", "--from", &from, "--to", &to])
        .output()
        .expect("runs");
    assert_success(&plain);
    assert!(
        String::from_utf8_lossy(&plain.stdout).contains(&format!("Circulation {from} to {to}"))
    );
    let backwards = shelfmark(&db)
        .args(["circ", "stats", "--from", &to, "--to", &from])
        .output()
        .expect("runs");
    assert_eq!(backwards.status.code(), Some(1));
}

fn with_stdin(db: &Path, args: &[&str], input: &str) -> std::process::Output {
    shelfmark(db)
        .args(args)
        .write_stdin(input)
        .output()
        .expect("runs")
}

#[test]
fn kiosk_password_is_set_from_stdin_and_changed_only_with_the_current_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = desk(&dir);
    let set = with_stdin(&db, &["--json", "kiosk", "set-password"], "thư viện 1\n");
    assert_success(&set);
    let out: Value = serde_json::from_slice(&set.stdout).expect("json");
    assert_eq!(out["kiosk_password"], "set");
    // Without the current password first, the change is refused.
    let wrong = with_stdin(&db, &["kiosk", "set-password"], "not it!\nnewpass\n");
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("current kiosk password"));
    let changed = with_stdin(&db, &["kiosk", "set-password"], "thư viện 1\nnewpass\n");
    assert_success(&changed);
    assert!(String::from_utf8_lossy(&changed.stdout).contains("Kiosk password changed."));
    // The log says it changed, and never what it is.
    let log = shelfmark(&db)
        .args(["--json", "log", "-n", "5"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&log.stdout);
    assert!(
        text.contains("kiosk_password") && !text.contains("newpass"),
        "{text}"
    );
}

#[test]
fn sip2_accounts_are_added_from_stdin_listed_and_removed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = desk(&dir);
    let added = with_stdin(
        &db,
        &[
            "--json",
            "sip2",
            "account",
            "add",
            "kiosk-1",
            "--branch",
            "HK",
            "--no-renew",
        ],
        "mật khẩu máy 1\n",
    );
    assert_success(&added);
    let out: Value = serde_json::from_slice(&added.stdout).expect("json");
    assert_eq!(
        (out["login"].as_str(), out["may_renew"].as_bool()),
        (Some("kiosk-1"), Some(false))
    );
    let short = with_stdin(
        &db,
        &["sip2", "account", "add", "k2", "--branch", "HK"],
        "abc\n",
    );
    assert_eq!(short.status.code(), Some(1));
    let list = shelfmark(&db)
        .args(["sip2", "account", "list"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&list.stdout).contains("kiosk-1\tHK\tyes\tyes\tno\tvi"));
    let removed = shelfmark(&db)
        .args(["sip2", "account", "remove", "kiosk-1"])
        .output()
        .expect("runs");
    assert_success(&removed);
    let log = shelfmark(&db)
        .args(["--json", "log", "-n", "5"])
        .output()
        .expect("runs");
    assert!(!String::from_utf8_lossy(&log.stdout).contains("mật khẩu"));
}

fn add_reader(db: &Path, card: &str, name: &str) {
    assert_success(
        &shelfmark(db)
            .args([
                "circ",
                "patron",
                "add",
                card,
                "--name",
                name,
                "--expires",
                "2099-12-31",
            ])
            .output()
            .expect("runs"),
    );
}

#[test]
fn merge_a_duplicate_reader_previews_then_moves_loans_and_fines() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = desk(&dir);
    add_reader(&db, "P101", "Nguyễn Văn An");
    let book = a_book(&db);
    json_of(shelfmark(&db).args(["circ", "checkout", "P101", &book]));
    json_of(shelfmark(&db).args([
        "circ", "fines", "charge", "P101", "12000", "--reason", "Phí",
    ]));
    let merge = |extra: &[&str]| {
        let mut cmd = shelfmark(&db);
        cmd.args([
            "circ",
            "patron",
            "merge",
            "--keep",
            "P100",
            "--duplicate",
            "P101",
        ])
        .args(extra);
        cmd
    };
    let preview = json_of(&mut merge(&["--dry-run"]));
    assert_eq!(preview["duplicate"]["barcode"], "P101");
    assert_eq!(preview["loans_moving"], 1);
    assert_eq!(preview["balance_after"], 12000);
    let text = merge(&["--dry-run", "--lang", "en"])
        .output()
        .expect("runs");
    assert_success(&text);
    let shown = String::from_utf8_lossy(&text.stdout);
    assert!(shown.contains("Duplicate: P101  Nguyễn Văn An"), "{shown}");
    // The dry run changed nothing: the duplicate still has its loan.
    let still = json_of(shelfmark(&db).args(["circ", "patron", "show", "P101"]));
    assert_eq!(still["barcode"], "P101");

    let done = json_of(&mut merge(&["--reason", "Đăng ký hai lần"]));
    assert_eq!(done["merge"]["keep_barcode"], "P100");
    assert_eq!(done["merge"]["loans"].as_array().map(Vec::len), Some(1));
    assert_eq!(done["merge"]["balance"], 12000);
    let old_card = json_of(shelfmark(&db).args(["circ", "patron", "show", "P101"]));
    assert_eq!(old_card["barcode"], "P100");
    assert_eq!(old_card["merged_card"]["barcode"], "P101");
    assert_eq!(old_card["loans"].as_array().map(Vec::len), Some(1));
    let found = json_of(shelfmark(&db).args(["circ", "patron", "search", "nguyen van an"]));
    let cards: Vec<&str> = found
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|p| p["barcode"].as_str())
        .collect();
    assert_eq!(cards, ["P100"], "the merged reader left the search");
}

#[test]
fn merge_refusals_name_the_problem_in_both_languages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = desk(&dir);
    add_reader(&db, "P101", "Trần Thị Bình");
    let refused = |args: &[&str], lang: &str| {
        let out = shelfmark(&db)
            .args(["circ", "patron", "merge", "--lang", lang])
            .args(args)
            .output()
            .expect("runs");
        assert!(!out.status.success(), "refused: {args:?}");
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    let same = refused(
        &["--keep", "P100", "--duplicate", "P100", "--reason", "x"],
        "en",
    );
    assert!(same.contains("same_patron: The reader to keep"), "{same}");
    let unknown = refused(
        &["--keep", "P100", "--duplicate", "NOPE", "--reason", "x"],
        "vi",
    );
    assert!(
        unknown.contains("unknown_patron: Không có bạn đọc nào có thẻ NOPE"),
        "{unknown}"
    );
    let no_reason = refused(&["--keep", "P100", "--duplicate", "P101"], "en");
    assert!(no_reason.contains("reason_missing"), "{no_reason}");

    json_of(shelfmark(&db).args([
        "circ",
        "patron",
        "merge",
        "--keep",
        "P100",
        "--duplicate",
        "P101",
        "--reason",
        "Trùng",
    ]));
    let again = refused(
        &["--keep", "P100", "--duplicate", "P101", "--reason", "x"],
        "en",
    );
    assert!(
        again.contains("already_merged: The card P101 (the duplicate reader) was already merged into the card P100"),
        "{again}"
    );
    let json = shelfmark(&db)
        .args([
            "circ",
            "patron",
            "merge",
            "--keep",
            "P101",
            "--duplicate",
            "P100",
            "--reason",
            "x",
            "--json",
        ])
        .output()
        .expect("runs");
    assert!(!json.status.success());
    let payload: Value = serde_json::from_slice(&json.stderr).expect("JSON on stderr");
    assert_eq!(payload["code"], "merge_refused");
    let refusal: Value =
        serde_json::from_str(payload["details"].as_str().expect("details")).expect("refusal");
    assert_eq!(refusal["code"], "already_merged");
    assert_eq!(refusal["params"]["which"], "keep");
}
