//! Project automation, so that two commands set up and run everything on a fresh machine:
//!
//! - `cargo xtask app`  installs what is missing, builds the UI and starts the desktop app on
//!   its embedded default catalog (a demo catalog made on first start).
//! - `cargo xtask test` installs what is missing and runs every test: Rust unit and
//!   integration tests, the UI's unit tests, and the end-to-end tests of the real window
//!   under Xvfb through tauri-driver and WebKitWebDriver.
//!
//! `cargo xtask setup` only installs; `cargo xtask codegen` rewrites the generated TypeScript
//! and JSON Schema files. Written in Rust rather than shell so it is one tested place
//! (matklad's xtask convention); it uses only std to stay fast to build.

mod setup;
#[cfg(test)]
mod tidy;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, rest) = match args.split_first() {
        Some((task, rest)) => (task.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match task {
        "app" => app(rest),
        "test" => test(),
        "setup" => setup::all().and_then(|()| setup::python_peers(&target_dir()?).map(drop)),
        "codegen" => codegen(),
        "fuzz" => setup::all().and_then(|()| fuzz(&target_dir()?)),
        _ => {
            eprintln!("usage: cargo xtask <app [-- APP ARGS] | test | setup | codegen | fuzz>");
            return if task == "help" {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask {task}: {e}");
            ExitCode::FAILURE
        }
    }
}

pub type Result<T = ()> = std::result::Result<T, String>;

/// The repository root (the xtask crate sits one level below it).
///
/// Read from the environment `cargo run` gives the process first: the path compiled in is the
/// checkout that last built this binary, and two clones sharing one target folder (CI's cache)
/// would otherwise test each other's files.
pub fn root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Runs a command to completion, failing with its command line when it fails.
pub fn run(cmd: &mut Command) -> Result {
    let line = format!("{cmd:?}");
    let status = cmd
        .status()
        .map_err(|e| format!("could not start {line}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{line} failed ({status})"))
    }
}

/// Cargo's target folder, as cargo itself will resolve it.
pub fn target_dir() -> Result<PathBuf> {
    let out = Command::new(cargo_path())
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(root())
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata output: {e}"))?;
    meta["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| "cargo metadata gave no target_directory".to_string())
}

/// The cargo running this task (as `root`, from the environment before the compiled-in path).
pub fn cargo_path() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| env!("CARGO").into())
}

fn cargo() -> Command {
    let mut cmd = Command::new(cargo_path());
    cmd.current_dir(root());
    cmd
}

fn npm(dir: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new("npm");
    cmd.args(args).current_dir(root().join(dir));
    cmd
}

/// Times a step and says so, so a slow CI run shows where the time went.
fn step(name: &str, f: impl FnOnce() -> Result) -> Result {
    eprintln!("==> {name}");
    let start = Instant::now();
    let result = f();
    eprintln!(
        "==> {name}: {} in {:.1}s",
        if result.is_ok() { "done" } else { "FAILED" },
        start.elapsed().as_secs_f64()
    );
    result
}

fn build_ui() -> Result {
    step("build the UI (ui/dist)", || {
        run(&mut npm("ui", &["run", "build"]))
    })
}

fn app(args: &[String]) -> Result {
    setup::for_app()?;
    build_ui()?;
    let args: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .skip_while(|a| *a == "--")
        .collect();
    step("start the desktop app", || {
        run(cargo()
            .args(["run", "--package", "shelfmark-desktop", "--"])
            .args(args))
    })
}

fn test() -> Result {
    let start = Instant::now();
    setup::all()?;
    let target = target_dir()?;
    let python = setup::python_peers(&target)?;
    build_ui()?;
    // The shared corpus of real MARC files sits beside the clone when there is one.
    let corpus = std::env::var_os("SHELFMARK_MARC_CORPUS")
        .map(PathBuf::from)
        .or_else(|| Some(root().join("../shared/testdata/marc")).filter(|p| p.is_dir()));
    step("Rust tests (cargo test --workspace)", || {
        let mut cmd = cargo();
        cmd.args(["test", "--workspace", "--locked"])
            .env("SHELFMARK_PYTHON", &python);
        if let Some(corpus) = &corpus {
            cmd.env("SHELFMARK_MARC_CORPUS", corpus);
        }
        run(&mut cmd)
    })?;
    fuzz(&target)?;
    step("UI unit tests (vitest)", || run(&mut npm("ui", &["test"])))?;
    step("build the CLI and the desktop app", || {
        run(cargo().args([
            "build",
            "--locked",
            "--package",
            "shelfmark-cli",
            "--package",
            "shelfmark-desktop",
        ]))
    })?;
    let target = target_dir()?;
    step(
        "end-to-end tests of the real window (Xvfb + tauri-driver)",
        || {
            run(npm("tests/e2e", &["test"])
                .env(
                    "SHELFMARK_DESKTOP_BIN",
                    target.join("debug/shelfmark-desktop"),
                )
                .env("SHELFMARK_CLI_BIN", target.join("debug/shelfmark"))
                .env("SHELFMARK_PYTHON", &python)
                .env("E2E_ARTIFACTS", root().join("test-artifacts/e2e")))
        },
    )?;
    eprintln!("all tests passed in {:.0}s", start.elapsed().as_secs_f64());
    Ok(())
}

/// Every MARC reader's fuzz target, briefly: a regression net in CI, not a fuzzing campaign
/// (longer runs: `cargo fuzz run TARGET` in crates/marc/fuzz). libFuzzer needs nightly flags;
/// RUSTC_BOOTSTRAP lets the stable compiler accept them. New inputs go to a scratch folder,
/// the committed seeds are only read.
fn fuzz(target: &Path) -> Result {
    let seconds = std::env::var("SHELFMARK_FUZZ_SECONDS").unwrap_or_else(|_| "20".into());
    let fuzz_dir = root().join("crates/marc/fuzz");
    for name in ["iso2709", "marcxml", "mrk", "json", "marc8"] {
        step(&format!("fuzz the {name} reader for {seconds} s"), || {
            let scratch = target.join("fuzz-scratch").join(name);
            std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
            let seeds = fuzz_dir.join("corpus").join(name);
            let mut cmd = Command::new(cargo_path());
            cmd.current_dir(&fuzz_dir)
                .env("RUSTC_BOOTSTRAP", "1")
                .args(["fuzz", "run", "--target-dir"])
                .arg(target.join("fuzz"))
                .arg(name)
                .arg(&scratch);
            if seeds.is_dir() {
                cmd.arg(&seeds);
            }
            cmd.args([
                "--",
                &format!("-max_total_time={seconds}"),
                "-print_final_stats=1",
            ]);
            run(&mut cmd)
        })?;
    }
    Ok(())
}

fn codegen() -> Result {
    step("regenerate TypeScript bindings and JSON Schemas", || {
        run(cargo()
            .args([
                "test",
                "--package",
                "shelfmark-core",
                "--lib",
                "generated_files_are_fresh",
            ])
            .env("UPDATE_GENERATED", "1"))
    })
}
