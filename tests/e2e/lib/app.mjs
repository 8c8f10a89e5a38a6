// Helpers the spec files share: the CLI fixture, launching the app through tauri-driver,
// waiting on what the window shows, screenshots and axe-core.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { Builder, By, until } from "selenium-webdriver";
import { ARTIFACTS_DIR, CLI_BIN, DESKTOP_BIN, TIMEOUTS, WEBDRIVER_URL } from "./config.mjs";

const require = createRequire(import.meta.url);

export { By, until };

/** A fresh temporary directory, removed by the returned cleanup function. */
export function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `shelfmark-e2e-${prefix}-`));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Runs the Shelfmark CLI against `db` and returns its stdout (JSON parsed when asked). */
export function cli(db, args, { json = false } = {}) {
  let out;
  try {
    out = execFileSync(CLI_BIN, ["--db", db, ...args], {
      encoding: "utf8",
      timeout: TIMEOUTS.cli,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (e) {
    throw new Error(
      `shelfmark CLI failed: ${CLI_BIN} --db ${db} ${args.join(" ")}\n` +
        `status=${e.status} signal=${e.signal}\nstderr: ${e.stderr ?? ""}\nstdout: ${e.stdout ?? ""}`,
    );
  }
  return json ? JSON.parse(out) : out;
}

/** The demo's readers (cards 200000000001, 200000000002, ...) as the desk sees them. */
export function demoReaders(db) {
  const readers = [];
  for (let n = 1; ; n++) {
    const barcode = `2${String(n).padStart(11, "0")}`;
    try {
      readers.push(cli(db, ["--json", "circ", "patron", "show", barcode], { json: true }));
    } catch {
      return readers;
    }
  }
}

/** Items that are on the shelf: returned through the CLI first when the demo left them out. */
export function shelvedItems(db, count, from) {
  const found = [];
  for (let n = from; found.length < count && n < from + 400; n++) {
    const barcode = `3${String(n).padStart(11, "0")}`;
    const result = cli(db, ["--json", "circ", "checkin", barcode], { json: true });
    if (result.action.kind === "reshelve" && result.status === "available") found.push(barcode);
  }
  assert.equal(found.length, count, "enough items on the shelf");
  return found;
}

/** Makes the deterministic demo catalog and reads back what the app should show. */
export function makeDemoCatalog({ records = 500, seed = 7, firstRows = 5 } = {}) {
  const tmp = tempDir("catalog");
  const db = path.join(tmp.dir, "demo.db");
  cli(db, ["demo", "--records", String(records), "--seed", String(seed)]);
  const info = cli(db, ["info", "--json"], { json: true });
  const page = cli(db, ["records", "--offset", "0", "--limit", String(firstRows), "--json"], {
    json: true,
  });
  return { ...tmp, db, info, page };
}

/**
 * Starts the desktop app on `db` in a new WebDriver session (tauri-driver launches it).
 * `deleteSession()` / `driver.quit()` ends the app.
 */
export async function launchApp(db = null) {
  if (!WEBDRIVER_URL) {
    throw new Error("E2E_WEBDRIVER_URL is not set: run the suite through tests/e2e/run.mjs (npm test)");
  }
  if (!fs.existsSync(DESKTOP_BIN)) throw new Error(`desktop binary not found: ${DESKTOP_BIN}`);
  // SHELFMARK_DB is also set in tauri-driver's environment by run.mjs as a fallback; the
  // explicit --db wins inside the app.
  const capabilities = {
    browserName: "wry",
    // Without a db the app opens its default location, as on a librarian's first start.
    "tauri:options": { application: DESKTOP_BIN, args: db ? ["--db", db] : [] },
  };
  const t0 = Date.now();
  const build = new Builder().usingServer(WEBDRIVER_URL).withCapabilities(capabilities).build();
  const driver = await withTimeout(build, TIMEOUTS.session, "creating the WebDriver session (launching the app)");
  if (process.env.E2E_DEBUG) console.error(`[launchApp] session for --db ${db} ready after ${Date.now() - t0} ms`);
  await driver.manage().setTimeouts({ script: TIMEOUTS.script, pageLoad: TIMEOUTS.session, implicit: 0 });
  return driver;
}

/** Ends the session (and with it the app), never throwing, bounded in time. */
export async function closeApp(driver) {
  if (!driver) return;
  try {
    await withTimeout(driver.quit(), 15_000, "deleting the WebDriver session");
  } catch (e) {
    console.error(`warning: could not end the WebDriver session cleanly: ${e.message}`);
  }
}

export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `fn` until it returns a truthy value; the last error/value is in the failure message. */
export async function waitFor(fn, what, timeout = TIMEOUTS.ui, interval = 150) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
      last = value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${detail})`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

export const byTestId = (id) => By.css(`[data-testid="${id}"]`);

/** The visible text of the element with data-testid `id` (waits for it). */
export async function textOf(driver, id) {
  const el = await driver.wait(until.elementLocated(byTestId(id)), TIMEOUTS.ui, `waiting for [data-testid=${id}]`);
  return (await el.getText()).trim();
}

/** Waits until the text of [data-testid=id] satisfies `pred` and returns it. */
export async function waitForText(driver, id, pred, what) {
  let text;
  await waitFor(async () => {
    text = await textOf(driver, id);
    return pred(text);
  }, `${what} (text of ${id}: ${JSON.stringify(text)})`);
  return text;
}

export function artifactPath(name) {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return path.join(ARTIFACTS_DIR, name);
}

const IMPORT_BIN = ["/usr/bin/import", "/usr/local/bin/import"].find((p) => fs.existsSync(p));

/**
 * Saves a PNG of what the X display shows (the real app window) as an artifact.
 *
 * The X server is captured with ImageMagick's `import` rather than WebDriver's Take
 * Screenshot: WebKitWebDriver 2.50's screenshot never answers on some pages of this app (the
 * not_a_catalog screen), and a hung command leaves WebKitWebDriver's only session slot taken,
 * so every later session fails. WebDriver's screenshot is used only when `import` is missing.
 */
export async function screenshot(driver, name) {
  const file = artifactPath(name);
  // Let the last change paint before capturing.
  await driver.executeAsyncScript(
    "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
  );
  if (IMPORT_BIN && process.env.DISPLAY) {
    execFileSync(IMPORT_BIN, ["-display", process.env.DISPLAY, "-window", "root", `png:${file}`], {
      timeout: 15_000,
      stdio: ["ignore", "ignore", "pipe"],
    });
  } else {
    const png = Buffer.from(await withTimeout(driver.takeScreenshot(), 15_000, "WebDriver screenshot"), "base64");
    fs.writeFileSync(file, png);
  }
  return file;
}

export function writeArtifact(name, data) {
  const file = artifactPath(name);
  fs.writeFileSync(file, typeof data === "string" ? data : JSON.stringify(data, null, 2));
  return file;
}

/** Rows currently rendered in the list, in index order, as the person sees them. */
export async function visibleRows(driver) {
  return driver.executeScript(`
    const list = document.querySelector('[data-testid="record-list"]');
    if (!list) return [];
    const box = list.getBoundingClientRect();
    const cell = (row, id) => {
      const el = row.querySelector('[data-testid="' + id + '"]');
      return el ? el.innerText.trim() : null;
    };
    return [...list.querySelectorAll('[data-testid="record-row"]')]
      .map((row) => {
        const r = row.getBoundingClientRect();
        return {
          index: Number(row.dataset.index),
          id: row.id,
          loading: row.dataset.loading === "true",
          visible: r.height > 0 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1,
          title: cell(row, "cell-title"),
          author: cell(row, "cell-author"),
          year: cell(row, "cell-year"),
          type: cell(row, "cell-type"),
        };
      })
      .sort((a, b) => a.index - b.index);
  `);
}

const AXE_SOURCE_PATH = require.resolve("axe-core/axe.min.js");

/**
 * Injects axe-core into the window, runs it on the whole document and saves the results as
 * `<name>.json`. Returns the results.
 */
export async function runAxe(driver, name) {
  const already = await driver.executeScript("return typeof window.axe === 'object';");
  if (!already) await driver.executeScript(fs.readFileSync(AXE_SOURCE_PATH, "utf8"));
  const raw = await driver.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    window.axe
      .run(document, { resultTypes: ["violations", "incomplete"] })
      .then((r) => done(JSON.stringify(r)), (e) => done(JSON.stringify({ error: String(e && e.stack || e) })));
  `);
  const results = JSON.parse(raw);
  if (results.error) throw new Error(`axe.run failed: ${results.error}`);
  writeArtifact(`${name}.json`, results);
  return results;
}

/** A readable report of axe violations, node by node. */
export function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `    - ${n.target.join(" ")}\n      ${n.html}\n      ${(n.failureSummary || "").replace(/\n/g, "\n      ")}`)
        .join("\n");
      return `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}`;
    })
    .join("\n");
}

/** Fails with axe's report when the page has a serious or critical violation; the full results are kept as `<name>.json`. */
export async function assertNoSeriousAxeViolations(driver, name) {
  const results = await runAxe(driver, name);
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (serious.length) {
    throw new Error(`serious/critical axe violations on ${name}:\n${formatViolations(serious)}`);
  }
  const invisible = invisibleText(results);
  if (invisible.length) {
    throw new Error(`text drawn in its own background colour on ${name} (axe: equalRatio):\n${invisible.join("\n")}`);
  }
}

/**
 * Text whose colour equals its background's. axe files it under "incomplete" rather than
 * violations (it cannot tell hidden-on-purpose text from a styling mistake), but in this app
 * such text is always a mistake: a button that shows as an empty block.
 */
export function invisibleText(results) {
  return (results.incomplete ?? [])
    .filter((v) => v.id === "color-contrast")
    .flatMap((v) => v.nodes)
    .filter((n) => (n.any ?? []).some((a) => a.data && typeof a.data === "object" && a.data.messageKey === "equalRatio"))
    .map((n) => `    - ${n.target.join(" ")}\n      ${n.html}`);
}

/** The element with this test id, once it is in the page. */
export async function elementByTestId(driver, id) {
  await waitFor(async () => (await driver.findElements(byTestId(id))).length > 0, `[data-testid=${id}]`);
  return driver.findElement(byTestId(id));
}

/**
 * `test(name, body)` that, when the body fails, keeps a screenshot and the page source as
 * `<prefix>-failed-<name>.png/.html` for whoever reads the CI artifacts.
 */
export function testKeepingFailures(test, getDriver, prefix, name, body) {
  test(name, async () => {
    try {
      await body();
    } catch (e) {
      const driver = getDriver();
      const slug = name.replace(/[^a-z0-9]+/gi, "-").slice(0, 40);
      await screenshot(driver, `${prefix}-failed-${slug}.png`).catch(() => {});
      writeArtifact(`${prefix}-failed-${slug}.html`, await driver.getPageSource().catch(() => ""));
      throw e;
    }
  });
}

/**
 * Goes to a destination of the header's navigation by its test id (`nav-desk`, `nav-import`,
 * ...), as a person does: clicks it when it is shown, else first opens the menu that holds it.
 * Every item is in the page even while its menu is closed (hidden), and names the menu
 * button that opens it in `data-nav-menu`, so the UI is the one place that says which item
 * is in which menu.
 */
export async function navigate(driver, id) {
  const item = await elementByTestId(driver, id);
  if (!(await item.isDisplayed())) {
    const menu = await item.getAttribute("data-nav-menu");
    if (!menu) throw new Error(`[data-testid=${id}] is not shown and names no menu (data-nav-menu) that holds it`);
    await (await elementByTestId(driver, menu)).click();
    await waitFor(() => item.isDisplayed(), `[data-testid=${id}] shown in the menu ${menu}`);
  }
  await item.click();
}
