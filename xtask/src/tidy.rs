//! Checks of the house rules that the compiler cannot see (rust-analyzer's `tidy.rs` idea).

use std::collections::BTreeMap;
use std::process::Command;

use crate::root;

/// Each crate's normal (non-dev, non-build) dependencies by name, from `cargo metadata`.
fn dependencies() -> BTreeMap<String, Vec<String>> {
    let out = Command::new(crate::cargo_path())
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("cargo metadata is JSON");
    meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .expect("dependencies")
                .iter()
                .filter(|d| d["kind"].is_null())
                .map(|d| d["name"].as_str().unwrap_or_default().to_string())
                .collect();
            (p["name"].as_str().unwrap_or_default().to_string(), deps)
        })
        .collect()
}

#[test]
fn layers_point_down_only() {
    let deps = dependencies();
    let forbidden: &[(&str, &[&str])] = &[
        (
            "shelfmark-marc",
            &[
                "shelfmark-core",
                "rusqlite",
                "tauri",
                "axum",
                "clap",
                "indicatif",
                "tokio",
            ],
        ),
        (
            "shelfmark-core",
            &[
                "tauri",
                "axum",
                "clap",
                "indicatif",
                "tokio",
                "shelfmark-cli",
                "shelfmark-server",
            ],
        ),
        (
            "shelfmark-server",
            &["tauri", "clap", "indicatif", "rusqlite"],
        ),
        (
            "shelfmark-sync-client",
            &[
                "tauri",
                "axum",
                "clap",
                "indicatif",
                "tokio",
                "rusqlite",
                "shelfmark-server",
                "shelfmark-cli",
            ],
        ),
        ("shelfmark-desktop", &["axum", "rusqlite", "indicatif"]),
        ("shelfmark-cli", &["tauri", "rusqlite"]),
    ];
    let mut violations = Vec::new();
    for (krate, banned) in forbidden {
        let have = deps
            .get(*krate)
            .unwrap_or_else(|| panic!("{krate} is a workspace member"));
        for b in *banned {
            if have.iter().any(|d| d == b) {
                violations.push(format!("{krate} depends on {b}"));
            }
        }
    }
    assert!(violations.is_empty(), "layer violations: {violations:?}");
}

#[test]
fn every_crate_opens_with_a_module_doc() {
    for lib in [
        "crates/marc/src/lib.rs",
        "crates/core/src/lib.rs",
        "crates/server/src/lib.rs",
        "crates/sync-client/src/lib.rs",
        "crates/cli/src/main.rs",
        "src-tauri/src/main.rs",
        "xtask/src/main.rs",
    ] {
        let text = std::fs::read_to_string(root().join(lib)).expect("readable");
        assert!(
            text.starts_with("//!"),
            "{lib} must open with a //! module doc saying what it owns"
        );
        assert!(
            lib.starts_with("xtask") || text.contains("must never"),
            "{lib}'s module doc must say what the crate must never do"
        );
    }
}
