//! `shelfmark digital`: attach, list, search as a reader, text, rights, verify, remove, and
//! their refusals, each as a script sees them (`--json`, exit codes, error codes).

use std::path::Path;

use serde_json::Value;

use super::{assert_success, json_of, shelfmark};

const KIEU: &str =
    "Truyện Kiều\n\nTrăm năm trong cõi người ta,\nChữ tài chữ mệnh khéo là ghét nhau.";

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// Silent MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz).
fn mp3(frames: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..frames {
        out.extend_from_slice(&[0xFF, 0xFB, 0x90, 0x64]);
        out.extend(std::iter::repeat_n(0u8, 413));
    }
    out
}

/// Objects the demo made of its own (its showcase).
const DEMO_OBJECTS: u64 = 6;

/// A demo catalog and the id of its last record, one the demo's showcase left without
/// digital objects.
fn setup(dir: &Path) -> (std::path::PathBuf, String) {
    let db = dir.join("c.db");
    assert_success(
        &shelfmark(&db)
            .args(["demo", "--records", "5", "--seed", "4"])
            .output()
            .expect("runs"),
    );
    let out = shelfmark(&db)
        .args(["rights", "compute", "--json"])
        .output()
        .expect("runs");
    assert_success(&out);
    let last: Value = serde_json::from_str(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .expect("a line"),
    )
    .expect("json");
    let record = last["id"].as_str().expect("id").to_string();
    let list = json_of(shelfmark(&db).args(["digital", "list", &record]));
    assert_eq!(list.as_array().map(Vec::len), Some(0), "{last}");
    (db, record)
}

fn file(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p.display().to_string()
}

/// Runs a command expected to fail with `--json`: exit 1 and the error code.
fn fails(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.arg("--json").output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let payload: Value = serde_json::from_slice(
        String::from_utf8_lossy(&out.stderr)
            .lines()
            .last()
            .unwrap_or_default()
            .as_bytes(),
    )
    .expect("an error payload");
    payload["code"].as_str().unwrap_or_default().to_string()
}

#[test]
fn attach_list_search_text_rights_verify_and_remove() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (db, record) = setup(dir.path());
    let kieu = file(dir.path(), "kieu.txt", KIEU.as_bytes());
    let first =
        json_of(shelfmark(&db).args(["digital", "attach", &record, &kieu, "--label", "Bản 1902"]));
    assert_eq!(first["content_already_stored"], false);
    assert_eq!(first["object"]["kind"], "text");
    assert_eq!(first["object"]["label"], "Bản 1902");
    assert_eq!(first["object"]["has_text"], true);
    let object = first["object"]["id"].as_str().expect("id").to_string();
    let second = json_of(shelfmark(&db).args(["digital", "attach", &record, &kieu]));
    assert_eq!(second["content_already_stored"], true);
    let png = file(dir.path(), "bia.png", PNG);
    let image = json_of(shelfmark(&db).args(["digital", "attach", &record, &png]));
    assert_eq!(image["object"]["media_type"], "image/png");
    assert!(
        image["text_note"]
            .as_str()
            .is_some_and(|n| n.contains("OCR"))
    );
    let audio = file(dir.path(), "kieu.mp3", &mp3(50));
    let audio =
        json_of(shelfmark(&db).args(["digital", "attach", &record, &audio, "--accessible-format"]));
    assert_eq!(audio["object"]["kind"], "audio");
    assert_eq!(audio["object"]["accessible_format"], true);
    assert!(
        audio["object"]["duration_ms"]
            .as_u64()
            .is_some_and(|d| d > 1_000)
    );

    let list = json_of(shelfmark(&db).args(["digital", "list", &record]));
    assert_eq!(list.as_array().map(Vec::len), Some(4));
    let text = shelfmark(&db)
        .args(["digital", "list", &record])
        .output()
        .expect("runs");
    assert_success(&text);
    assert!(String::from_utf8_lossy(&text.stdout).contains("Bản 1902"));

    // Open to everyone: an anonymous reader sees excerpts.
    let opened = json_of(shelfmark(&db).args([
        "digital",
        "rights",
        &object,
        "--access",
        "open",
        "--reason",
        "phạm vi công cộng",
    ]));
    assert_eq!(opened["access"], "open");
    assert_eq!(opened["rights_reason"], "phạm vi công cộng");
    let found = json_of(shelfmark(&db).args([
        "digital",
        "search",
        "truyen kieu",
        "--as",
        "anonymous",
        "--off-premises",
    ]));
    let hit = found["hits"]
        .as_array()
        .and_then(|h| h.iter().find(|h| h["object_id"] == object.as_str()))
        .expect("the object is found");
    assert_eq!(hit["decision"]["allowed"], true);
    assert!(hit["excerpts"][0]["segments"].as_array().is_some_and(|s| {
        s.iter()
            .any(|s| s["highlighted"] == true && s["text"] == "Kiều")
    }));
    // Dark: still listed, no excerpt.
    json_of(shelfmark(&db).args([
        "digital",
        "rights",
        &object,
        "--access",
        "dark",
        "--reason",
        "bản bảo quản",
    ]));
    let found =
        json_of(shelfmark(&db).args(["digital", "search", "truyen kieu", "--as", "anonymous"]));
    let hit = found["hits"]
        .as_array()
        .and_then(|h| h.iter().find(|h| h["object_id"] == object.as_str()))
        .expect("still listed");
    assert_eq!(hit["decision"]["basis"], "dark");
    assert_eq!(hit["excerpts"].as_array().map(Vec::len), Some(0));
    let plain = shelfmark(&db)
        .args(["digital", "search", "truyen kieu"])
        .output()
        .expect("runs");
    assert_success(&plain);
    assert!(String::from_utf8_lossy(&plain.stdout).contains("[Kiều]"));

    // The text of the other copy (staff read it whatever its level).
    let other = second["object"]["id"].as_str().expect("id");
    let part = json_of(shelfmark(&db).args(["digital", "text", other, "--part", "0"]));
    assert_eq!(
        part[0]["text"]
            .as_str()
            .map(|t| t.starts_with("Truyện Kiều")),
        Some(true)
    );
    let all = json_of(shelfmark(&db).args(["digital", "text", other]));
    assert_eq!(all.as_array().map(Vec::len), Some(1));

    let verify = json_of(shelfmark(&db).args(["digital", "verify"]));
    assert_eq!(
        (verify["objects"].as_u64(), verify["ok"].as_u64()),
        (Some(4 + DEMO_OBJECTS), Some(4 + DEMO_OBJECTS))
    );
    // Damage the image's file: verify names it and fails.
    let sha = image["object"]["sha256"].as_str().expect("sha");
    let stored = dir.path().join("c.db.files").join(&sha[..2]).join(sha);
    std::fs::write(&stored, b"not a png").expect("damage");
    let out = shelfmark(&db)
        .args(["digital", "verify", "--json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).expect("report");
    assert_eq!(report["damaged"][0], image["object"]["id"]);

    json_of(shelfmark(&db).args(["digital", "remove", &object, "--reason", "trùng bản"]));
    let list = json_of(shelfmark(&db).args(["digital", "list", &record]));
    assert_eq!(list.as_array().map(Vec::len), Some(3));
    // The other copy still uses the content.
    let sha = first["object"]["sha256"].as_str().expect("sha");
    assert!(
        dir.path()
            .join("c.db.files")
            .join(&sha[..2])
            .join(sha)
            .exists()
    );
}

#[test]
fn refusals_say_what_is_wrong() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (db, record) = setup(dir.path());
    let kieu = file(dir.path(), "kieu.txt", KIEU.as_bytes());
    let exe = file(dir.path(), "setup.exe", b"MZ\x90\0\x03\0\0\0\x04\0");
    assert_eq!(
        fails(shelfmark(&db).args(["digital", "attach", "no-such-record", &kieu])),
        "not_found"
    );
    assert_eq!(
        fails(shelfmark(&db).args(["digital", "attach", &record, &exe])),
        "invalid_input"
    );
    let missing = dir.path().join("missing.pdf").display().to_string();
    assert_eq!(
        fails(shelfmark(&db).args(["digital", "attach", &record, &missing])),
        "not_found"
    );
    let out = shelfmark(&db)
        .args(["digital", "attach", &record, &exe])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stderr).contains("setup.exe"));
    let attached = json_of(shelfmark(&db).args(["digital", "attach", &record, &kieu]));
    let object = attached["object"]["id"].as_str().expect("id").to_string();
    // A reason is required (clap: usage error).
    let out = shelfmark(&db)
        .args(["digital", "remove", &object])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        fails(shelfmark(&db).args(["digital", "remove", &object, "--reason", " "])),
        "invalid_input"
    );
    assert_eq!(
        fails(shelfmark(&db).args(["digital", "remove", "nope", "--reason", "x"])),
        "not_found"
    );
    assert_eq!(
        fails(shelfmark(&db).args([
            "digital", "rights", &object, "--access", "secret", "--reason", "x"
        ])),
        "invalid_input"
    );
    assert_eq!(
        fails(shelfmark(&db).args([
            "digital", "rights", &object, "--status", "Maybe", "--reason", "x"
        ])),
        "invalid_input"
    );
    assert_eq!(
        fails(shelfmark(&db).args(["digital", "search", "kieu", "--as", "boss"])),
        "invalid_input"
    );
    assert_eq!(
        fails(shelfmark(&db).args(["digital", "search", "kieu", "--as", "patron:NO-CARD"])),
        "not_found"
    );
    assert_eq!(
        fails(shelfmark(&db).args(["digital", "search", " "])),
        "invalid_input"
    );
    assert_eq!(
        fails(shelfmark(&db).args(["digital", "text", &object, "--part", "7"])),
        "not_found"
    );
    json_of(shelfmark(&db).args([
        "digital",
        "rights",
        &object,
        "--access",
        "dark",
        "--reason",
        "bảo quản",
    ]));
    assert_eq!(
        fails(shelfmark(&db).args(["digital", "text", &object])),
        "access_denied"
    );
    assert_eq!(
        fails(shelfmark(&db).args(["digital", "list", "no-such-record"])),
        "not_found"
    );
    let verified = json_of(shelfmark(&db).args(["digital", "verify"]));
    assert_eq!(verified["ok"].as_u64(), Some(1 + DEMO_OBJECTS));
}

/// The demo's showcase object with this label, from `demo --json`.
fn demo_object<'a>(demo: &'a Value, label: &str) -> &'a str {
    demo["digital"]["objects"]
        .as_array()
        .and_then(|all| all.iter().find(|o| o["label"] == label))
        .and_then(|o| o["id"].as_str())
        .unwrap_or_else(|| panic!("{label} in {demo}"))
}

#[test]
fn open_tells_each_reader_whether_they_may_and_why() {
    use shelfmark_core::demo::showcase;
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("c.db");
    let demo = json_of(shelfmark(&db).args(["demo", "--records", "30", "--seed", "4"]));
    assert_eq!(
        demo["digital"]["objects"].as_array().map(Vec::len),
        Some(DEMO_OBJECTS as usize)
    );
    let impaired = demo["digital"]["visually_impaired_card"]
        .as_str()
        .expect("card")
        .to_string();
    let ordinary = demo["digital"]["ordinary_card"]
        .as_str()
        .expect("card")
        .to_string();
    let audio = demo_object(&demo, showcase::AUDIOBOOK_LABEL).to_string();

    // An ordinary reader is refused: exit 0, the refusal in the answer.
    let refused = json_of(shelfmark(&db).args([
        "digital",
        "open",
        &audio,
        "--as",
        &format!("patron:{ordinary}"),
        "--off-premises",
    ]));
    assert_eq!(refused["decision"]["allowed"], false);
    assert_eq!(refused["decision"]["basis"], "staff_only");
    assert_eq!(refused["text_parts"].as_array().map(Vec::len), Some(0));
    let out = shelfmark(&db)
        .args([
            "digital",
            "open",
            &audio,
            "--as",
            &format!("patron:{ordinary}"),
        ])
        .output()
        .expect("runs");
    assert_success(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("REFUSED"), "{text}");
    assert!(text.contains("Chỉ nhân viên thư viện được mở."), "{text}");
    assert!(text.contains("Only library staff may open it."), "{text}");

    // The reader with a print disability opens it by the exception, with its chapters.
    let allowed = json_of(shelfmark(&db).args([
        "digital",
        "open",
        &audio,
        "--as",
        &format!("patron:{impaired}"),
    ]));
    assert_eq!(allowed["decision"]["allowed"], true);
    assert_eq!(allowed["decision"]["basis"], "print_disability_exception");
    assert_eq!(
        allowed["object"]["chapters"].as_array().map(Vec::len),
        Some(3)
    );
    assert_eq!(allowed["resume_ms"], Value::Null);
    let out = shelfmark(&db)
        .args([
            "digital",
            "open",
            &audio,
            "--as",
            &format!("patron:{impaired}"),
        ])
        .output()
        .expect("runs");
    assert_success(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Allowed") && text.contains("Marrakesh"),
        "{text}"
    );
    assert!(text.contains("Chương một"), "{text}");

    // Where the staff member stopped is read back (saved as the app saves it).
    {
        let mut catalog =
            shelfmark_core::Catalog::open(&db, shelfmark_core::CatalogOptions::default())
                .expect("opens");
        let id = shelfmark_core::digital::objects::parse_id(&audio).expect("id");
        shelfmark_core::digital::save_position(
            &mut catalog,
            "thu.thu",
            id,
            &shelfmark_core::api::ReaderRequest {
                role: shelfmark_core::api::ReaderRole::Staff,
                card: None,
                on_premises: true,
            },
            30_500,
            1.5,
        )
        .expect("saved");
    }
    let resumed = json_of(shelfmark(&db).args(["digital", "open", &audio]));
    assert_eq!(resumed["resume_ms"], 30_500);
    assert_eq!(resumed["resume_rate"], 1.5);
    let out = shelfmark(&db)
        .args(["digital", "open", &audio])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("resume at 0:30.500 (1.5x)"));

    // The public-domain text opens for anyone, with its text part; the dark master for no one.
    let kieu = demo_object(&demo, showcase::KIEU_TEXT_LABEL);
    let open = json_of(shelfmark(&db).args([
        "digital",
        "open",
        kieu,
        "--as",
        "anonymous",
        "--off-premises",
    ]));
    assert_eq!(open["decision"]["basis"], "open_access");
    assert_eq!(open["text_parts"].as_array().map(Vec::len), Some(1));
    let master = demo_object(&demo, showcase::KIEU_MASTER_LABEL);
    let dark = json_of(shelfmark(&db).args(["digital", "open", master]));
    assert_eq!(dark["decision"]["allowed"], false);
    assert_eq!(dark["decision"]["basis"], "dark");

    assert_eq!(
        fails(shelfmark(&db).args(["digital", "open", &audio, "--as", "patron:NO-CARD"])),
        "not_found"
    );
    assert_eq!(
        fails(shelfmark(&db).args(["digital", "open", "not-an-object"])),
        "not_found"
    );
}
