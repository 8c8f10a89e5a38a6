#!/usr/bin/env node
// Runs Shelfmark's desktop end-to-end tests:
//   1. an X server (its own Xvfb unless $DISPLAY already works) and a private D-Bus session bus,
//   2. tauri-driver in front of WebKitWebDriver, on free ports,
//   3. `node --test` over specs/*.test.mjs, one file at a time,
// and stops everything it started, whatever happens. Exits non-zero on any failure.
//
// Environment: SHELFMARK_DESKTOP_BIN, SHELFMARK_CLI_BIN, E2E_ARTIFACTS (see lib/config.mjs),
// TAURI_DRIVER (default: tauri-driver on PATH, else ~/.cargo/bin/tauri-driver),
// WEBKIT_WEBDRIVER (default /usr/bin/WebKitWebDriver), E2E_RUN_TIMEOUT_MS, E2E_TEST_TIMEOUT_MS,
// E2E_SPECS (comma-separated parts of spec file names: run only those), E2E_SPEC_DIR (`specs`,
// or `bench` for the measurements `npm run bench` takes).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ARTIFACTS_DIR, CLI_BIN, DESKTOP_BIN, E2E_DIR, TIMEOUTS } from "./lib/config.mjs";

const started = Date.now();
const log = (msg) => console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

/** Every process group we started, stopped in reverse order at the end. */
const children = [];
let tmpRoot;
let cleaningUp = false;

function findOnPath(name) {
  for (const dir of (process.env.PATH || "").split(path.delimiter)) {
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {}
  }
  return null;
}

function requireFile(p, what, hint) {
  if (!p || !fs.existsSync(p)) {
    console.error(`e2e: ${what} not found${p ? `: ${p}` : ""}${hint ? `\n  ${hint}` : ""}`);
    process.exit(2);
  }
  return p;
}

/** Starts `cmd` in its own process group so that it and all its descendants can be stopped. */
function startGroup(name, cmd, args, opts = {}) {
  const logFile = path.join(ARTIFACTS_DIR, `${name}.log`);
  const out = fs.openSync(logFile, "w");
  const stdio = opts.stdio || ["ignore", out, out];
  const child = spawn(cmd, args, { ...opts, stdio, detached: true });
  fs.closeSync(out);
  const entry = { name, child, pgid: child.pid, exited: false, logFile };
  child.on("exit", (code, signal) => {
    entry.exited = true;
    entry.code = code;
    entry.signal = signal;
  });
  child.on("error", (e) => {
    entry.exited = true;
    entry.error = e;
  });
  children.push(entry);
  return entry;
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopGroup(entry) {
  const { pgid, name } = entry;
  if (!pgid || !groupAlive(pgid)) return;
  try {
    process.kill(-pgid, "SIGTERM");
  } catch {}
  const deadline = Date.now() + 5000;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pgid)) {
    log(`${name} (process group ${pgid}) did not stop on SIGTERM; sending SIGKILL`);
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {}
    const hard = Date.now() + 3000;
    while (groupAlive(pgid) && Date.now() < hard) await sleep(100);
  }
  if (groupAlive(pgid)) log(`warning: process group ${pgid} (${name}) is still alive`);
}

async function cleanup() {
  if (cleaningUp) return;
  cleaningUp = true;
  for (const entry of [...children].reverse()) await stopGroup(entry);
  if (tmpRoot) fs.rmSync(tmpRoot, { recursive: true, force: true });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, entry, timeout) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (entry.exited) {
      throw new Error(`${entry.name} exited early (code ${entry.code}, signal ${entry.signal}); see ${entry.logFile}`);
    }
    const ok = await new Promise((resolve) => {
      const sock = net.connect({ port, host: "127.0.0.1" });
      sock.once("connect", () => {
        sock.destroy();
        resolve(true);
      });
      sock.once("error", () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${entry.name} did not listen on port ${port} within ${timeout} ms; see ${entry.logFile}`);
}

/** True when $DISPLAY names an X server that answers. */
function displayWorks(display) {
  if (!display) return false;
  const xdpyinfo = findOnPath("xdpyinfo");
  if (xdpyinfo) {
    const r = spawnSync(xdpyinfo, ["-display", display], { stdio: "ignore", timeout: 5000 });
    return r.status === 0;
  }
  // Without xdpyinfo: a local display works when its socket exists.
  const m = /^:(\d+)(\.\d+)?$/.exec(display);
  return !!m && fs.existsSync(`/tmp/.X11-unix/X${m[1]}`);
}

/** Starts Xvfb on the first free display from :99 up; returns ":N". */
async function startXvfb() {
  const xvfb = requireFile(findOnPath("Xvfb"), "Xvfb", "apt-get install xvfb");
  for (let n = 99; n < 120; n++) {
    if (fs.existsSync(`/tmp/.X${n}-lock`) || fs.existsSync(`/tmp/.X11-unix/X${n}`)) continue;
    const entry = startGroup(`xvfb-${n}`, xvfb, [`:${n}`, "-screen", "0", "1280x900x24", "-nolisten", "tcp", "-noreset"]);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !entry.exited && !fs.existsSync(`/tmp/.X11-unix/X${n}`)) await sleep(100);
    if (!entry.exited && fs.existsSync(`/tmp/.X11-unix/X${n}`)) {
      // The socket exists a moment before the server accepts clients.
      const ready = Date.now() + 5000;
      while (Date.now() < ready && !displayWorks(`:${n}`)) await sleep(100);
      if (displayWorks(`:${n}`)) return `:${n}`;
    }
    log(`Xvfb could not start on :${n}; trying the next display`);
    await stopGroup(entry);
  }
  throw new Error("no free X display between :99 and :119");
}

/** A private session bus (WebKitGTK and GTK talk to one); returns its address or null. */
async function startDbus() {
  const daemon = findOnPath("dbus-daemon");
  if (!daemon) {
    log("dbus-daemon not found; running without a session bus");
    return null;
  }
  const entry = startGroup("dbus", daemon, ["--session", "--nofork", "--nopidfile", "--print-address=1"], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  let address = "";
  entry.child.stdout.setEncoding("utf8");
  entry.child.stdout.on("data", (d) => (address += d));
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && !address.includes("\n") && !entry.exited) await sleep(50);
  address = address.trim().split("\n")[0];
  if (!address) {
    log("dbus-daemon gave no address; running without a session bus");
    return null;
  }
  return address;
}

function specFiles() {
  const specsDir = path.join(E2E_DIR, process.env.E2E_SPEC_DIR || "specs");
  return fs
    .readdirSync(specsDir)
    .filter((f) => f.endsWith(".test.mjs"))
    .filter((f) => !process.env.E2E_SPECS || process.env.E2E_SPECS.split(",").some((s) => f.includes(s)))
    .sort()
    .map((f) => path.join(specsDir, f));
}

function runSpec(file, env) {
  const name = path.basename(file, ".test.mjs");
  const args = [
    "--test",
    "--test-concurrency=1",
    // A WebDriver request that never answers keeps a socket open; report and exit anyway.
    "--test-force-exit",
    `--test-timeout=${TIMEOUTS.test}`,
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    "--test-reporter=junit",
    `--test-reporter-destination=${path.join(ARTIFACTS_DIR, `junit-${name}.xml`)}`,
    file,
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: E2E_DIR, env, stdio: "inherit", detached: true });
    const entry = { name: `node --test ${name}`, child, pgid: child.pid, exited: false };
    children.push(entry);
    child.on("exit", (code, signal) => {
      entry.exited = true;
      resolve(code ?? (signal ? 128 : 1));
    });
    child.on("error", (e) => {
      console.error(`e2e: could not start node --test: ${e.message}`);
      resolve(1);
    });
  });
}

/**
 * Each spec file gets its own tauri-driver (and so its own WebKitWebDriver): a session left
 * hanging by one file can never take the single session slot the next file needs.
 */
async function runSpecWithOwnDriver(file, env, tauriDriver, nativeDriver) {
  const specEnv = { ...env };
  // The first-start spec must reach the platform's default catalog location.
  if (path.basename(file).includes("first-start")) delete specEnv.SHELFMARK_DB;
  const port = await freePort();
  let nativePort = await freePort();
  while (nativePort === port) nativePort = await freePort();
  const driver = startGroup(
    "tauri-driver",
    tauriDriver,
    ["--port", String(port), "--native-port", String(nativePort), "--native-driver", nativeDriver],
    { env: specEnv },
  );
  try {
    await waitForPort(port, driver, 15_000);
    await waitForPort(nativePort, driver, 15_000);
    log(`${path.basename(file)}: tauri-driver on 127.0.0.1:${port} (WebKitWebDriver on ${nativePort})`);
    const testEnv = { ...specEnv, E2E_WEBDRIVER_URL: `http://127.0.0.1:${port}/`, E2E_ARTIFACTS: ARTIFACTS_DIR };
    return await runSpec(file, testEnv);
  } finally {
    await stopGroup(driver);
  }
}

async function main() {
  for (const dep of ["selenium-webdriver", "axe-core"]) {
    requireFile(path.join(E2E_DIR, "node_modules", dep, "package.json"), `node module ${dep}`, `cd ${E2E_DIR} && npm ci`);
  }
  if (!findOnPath("import")) log("warning: ImageMagick's import not found (apt-get install imagemagick); screenshots fall back to WebDriver's, which can hang on the error screen");
  requireFile(DESKTOP_BIN, "desktop binary (SHELFMARK_DESKTOP_BIN)", "cargo build -p shelfmark-desktop");
  requireFile(CLI_BIN, "CLI binary (SHELFMARK_CLI_BIN)", "cargo build -p shelfmark-cli");
  const tauriDriver = requireFile(
    process.env.TAURI_DRIVER || findOnPath("tauri-driver") || path.join(os.homedir(), ".cargo", "bin", "tauri-driver"),
    "tauri-driver",
    "cargo install tauri-driver --locked",
  );
  const nativeDriver = requireFile(
    process.env.WEBKIT_WEBDRIVER || "/usr/bin/WebKitWebDriver",
    "WebKitWebDriver",
    "apt-get install webkit2gtk-driver",
  );
  // Fresh artifacts for every run.
  fs.rmSync(ARTIFACTS_DIR, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "shelfmark-e2e-run-"));

  let display = process.env.DISPLAY;
  if (displayWorks(display)) {
    log(`using the existing display ${display}`);
  } else {
    display = await startXvfb();
    log(`started Xvfb on ${display}`);
  }

  // The app's own data (WebKit localStorage keeps the chosen UI language, caches, the
  // default catalog location) lives in a throwaway home so every run starts like a first start.
  const home = path.join(tmpRoot, "home");
  for (const d of ["data", "config", "cache", "runtime"]) fs.mkdirSync(path.join(home, d), { recursive: true, mode: 0o700 });
  const env = {
    ...process.env,
    DISPLAY: display,
    XDG_DATA_HOME: path.join(home, "data"),
    XDG_CONFIG_HOME: path.join(home, "config"),
    XDG_CACHE_HOME: path.join(home, "cache"),
    XDG_RUNTIME_DIR: path.join(home, "runtime"),
    GDK_BACKEND: "x11",
    NO_AT_BRIDGE: "1",
    // Xvfb has no GPU: software GL, no DMA-BUF renderer, no accelerated compositing.
    LIBGL_ALWAYS_SOFTWARE: process.env.LIBGL_ALWAYS_SOFTWARE ?? "1",
    WEBKIT_DISABLE_DMABUF_RENDERER: process.env.WEBKIT_DISABLE_DMABUF_RENDERER ?? "1",
    WEBKIT_DISABLE_COMPOSITING_MODE: process.env.WEBKIT_DISABLE_COMPOSITING_MODE ?? "1",
    // A fallback only: every spec but the first-start one passes --db explicitly. Never the
    // user's real catalog.
    SHELFMARK_DB: path.join(tmpRoot, "fallback-never-used.db"),
  };
  delete env.WAYLAND_DISPLAY;
  delete env.NODE_OPTIONS;

  const bus = await startDbus();
  if (bus) {
    env.DBUS_SESSION_BUS_ADDRESS = bus;
    log("started a private D-Bus session bus");
  }

  let failed = 0;
  let passed = 0;
  for (const file of specFiles()) {
    const code = await runSpecWithOwnDriver(file, env, tauriDriver, nativeDriver);
    log(`${path.basename(file)}: node --test exited with ${code}`);
    if (code === 0) passed += 1;
    else failed += 1;
  }
  console.log(`e2e spec files: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

let watchdog;
async function finish(code) {
  clearTimeout(watchdog);
  await cleanup();
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)}s; artifacts in ${ARTIFACTS_DIR}`);
  process.exit(code);
}

for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => {
    log(`received ${sig}; stopping`);
    void finish(130);
  });
}
process.on("uncaughtException", (e) => {
  console.error(e);
  void finish(1);
});
watchdog = setTimeout(() => {
  console.error(`e2e: the run exceeded ${TIMEOUTS.run} ms; stopping everything`);
  void finish(1);
}, TIMEOUTS.run);

main().then(
  (code) => finish(code),
  (e) => {
    console.error(`e2e: ${e.stack || e.message}`);
    void finish(1);
  },
);
