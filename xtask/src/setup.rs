//! Installs what the app and the tests need and is missing, idempotently: Debian packages
//! through apt (with sudo when not root), npm packages from the lockfiles, and tauri-driver
//! from crates.io. Anything already present is left alone.

use std::path::Path;
use std::process::Command;

use crate::{Result, root, run, step};

/// What Tauri needs to build and run a window on Debian/Ubuntu.
const APP_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libssl-dev",
    "libwebkit2gtk-4.1-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "libxdo-dev",
    "fonts-noto-core",
];

/// What the end-to-end tests need on top: a virtual display, WebKit's WebDriver, a session
/// bus and ImageMagick's `import` for screenshots of the display; and the MARC peers the corpus test compares with: yaz (yaz-marcdump) and Python for pymarc; yaz also gives the SRU conformance tests their real client and server (yaz-client, yaz-ztest).
const TEST_PACKAGES: &[&str] = &[
    "xvfb",
    "xauth",
    "x11-utils",
    "webkit2gtk-driver",
    "dbus-daemon",
    "imagemagick",
    "yaz",
    "python3",
    "python3-venv",
];

/// The Python peers, pinned: pymarc for the MARC corpus test, and Tobias Zeumer's SIP2
/// client (`sip2` on PyPI, imported as `Sip2`) for the SIP2 conformance test.
const PYTHON_PEERS: &[(&str, &str)] = &[("pymarc==5.4.0", "pymarc"), ("sip2==1.1", "Sip2.sip2")];

const TAURI_DRIVER_VERSION: &str = "2.1.0";
const CARGO_FUZZ_VERSION: &str = "0.13.2";

pub fn for_app() -> Result {
    apt(APP_PACKAGES)?;
    npm_ci("ui")
}

pub fn all() -> Result {
    let packages: Vec<&str> = APP_PACKAGES.iter().chain(TEST_PACKAGES).copied().collect();
    apt(&packages)?;
    npm_ci("ui")?;
    npm_ci("tests/e2e")?;
    cargo_tool("tauri-driver", TAURI_DRIVER_VERSION)?;
    cargo_tool("cargo-fuzz", CARGO_FUZZ_VERSION)?;
    Ok(())
}

/// A virtual environment with the Python peers, made once in the target folder (Debian's
/// own Python refuses `pip install` outside one); a peer added later is installed into the
/// one already there. Returns its python.
pub fn python_peers(target: &Path) -> Result<std::path::PathBuf> {
    let venv = target.join("peer-venv");
    let python = venv.join("bin/python");
    let imports = |module: &str| {
        Command::new(&python)
            .args(["-c", &format!("import {module}")])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    let missing: Vec<&str> = PYTHON_PEERS
        .iter()
        .filter(|(_, module)| !imports(module))
        .map(|(package, _)| *package)
        .collect();
    if missing.is_empty() {
        return Ok(python);
    }
    step(
        &format!("install {} into {}", missing.join(" "), venv.display()),
        || {
            if !python.exists() {
                run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
            }
            run(Command::new(&python)
                .args(["-m", "pip", "install", "--quiet"])
                .args(&missing))
        },
    )?;
    Ok(python)
}

fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn apt(packages: &[&str]) -> Result {
    let missing: Vec<&str> = packages.iter().copied().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    step(
        &format!("install Debian packages: {}", missing.join(" ")),
        || {
            let apt_get = |args: &[&str]| {
                let mut cmd = if is_root() {
                    Command::new("apt-get")
                } else {
                    let mut sudo = Command::new("sudo");
                    sudo.arg("apt-get");
                    sudo
                };
                cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
                cmd
            };
            run(&mut apt_get(&["update", "-qq"]))?;
            run(apt_get(&["install", "-y", "-qq", "--no-install-recommends"]).args(&missing))
        },
    )
}

/// `npm ci` unless node_modules already matches the lockfile.
fn npm_ci(dir: &str) -> Result {
    let folder = root().join(dir);
    let lock = std::fs::read(folder.join("package-lock.json"))
        .map_err(|e| format!("{dir}/package-lock.json: {e}"))?;
    let stamp = folder.join("node_modules/.shelfmark-lock");
    if std::fs::read(&stamp).ok().as_deref() == Some(lock.as_slice()) {
        return Ok(());
    }
    step(&format!("install npm packages in {dir}"), || {
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&folder))?;
        std::fs::write(&stamp, &lock).map_err(|e| format!("{}: {e}", stamp.display()))
    })
}

/// `cargo install NAME --version VERSION` unless that version is already installed.
fn cargo_tool(name: &str, version: &str) -> Result {
    // tauri-driver has no --version; cargo's own list of installed binaries says which one.
    let wanted = format!("{name} v{version}:");
    let present = Command::new(crate::cargo_path())
        .args(["install", "--list"])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l == wanted)
        })
        .unwrap_or(false);
    if present {
        return Ok(());
    }
    step(&format!("install {name} {version} from crates.io"), || {
        run(Command::new(crate::cargo_path()).args([
            "install",
            name,
            "--locked",
            "--version",
            version,
        ]))
    })
}
