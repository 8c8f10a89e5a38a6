// A librarian's first start: no --db, no SHELFMARK_DB, nothing at the platform's default
// location. The app makes its embedded demo catalog there (3,000 records) and shows it.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { cli, closeApp, formatViolations, launchApp, runAxe, screenshot, textOf, visibleRows, waitForText } from "../lib/app.mjs";

describe("first start at the default catalog location", () => {
  let driver;
  const dataHome = process.env.XDG_DATA_HOME;
  const expected = dataHome ? path.join(dataHome, "shelfmark", "catalog.db") : null;

  before(async () => {
    assert.ok(expected, "run.mjs gives the app a throwaway XDG_DATA_HOME");
    assert.equal(process.env.SHELFMARK_DB, undefined, "run.mjs unsets SHELFMARK_DB for this spec");
    assert.ok(!fs.existsSync(expected), `nothing is at ${expected} before the first start`);
    driver = await launchApp();
  });

  after(async () => {
    await closeApp(driver);
  });

  test("the demo catalog is made and shown", async () => {
    const count = await waitForText(driver, "record-count", (t) => /3[.,]000/.test(t), "the record count of the demo");
    assert.match(count, /^3\.000 biểu ghi$/);
    assert.equal(await textOf(driver, "status-path"), expected);
    const rows = await visibleRows(driver);
    assert.ok(rows.length >= 5, `rows are shown (${rows.length})`);
    await screenshot(driver, "first-start.png");
    const results = await runAxe(driver, "axe-first-start");
    const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    assert.equal(serious.length, 0, `serious/critical axe violations:\n${formatViolations(serious)}`);
  });

  test("the catalog on disk holds what the window showed", async () => {
    await closeApp(driver);
    driver = null;
    const info = cli(expected, ["info", "--json"], { json: true });
    assert.equal(info.records, 3000);
    assert.ok(info.items > 3000 && info.patrons === 150, JSON.stringify(info));
  });
});
