// The desktop app pointed at a file that is not a catalog: it shows an error, and leaves the
// file (and its folder) exactly as they were.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  byTestId,
  closeApp,
  formatViolations,
  launchApp,
  runAxe,
  screenshot,
  tempDir,
  textOf,
  waitFor,
} from "../lib/app.mjs";

const step = (what) => process.env.E2E_DEBUG && console.error(`[bad-catalog ${new Date().toISOString()}] ${what}`);

const TITLE = {
  vi: "Tệp này không phải là danh mục Shelfmark.",
  en: "This file is not a Shelfmark catalog.",
};

describe("desktop app on a text file instead of a catalog", () => {
  let tmp;
  let file;
  let original;
  let driver;

  before(async () => {
    tmp = tempDir("bad");
    file = path.join(tmp.dir, "notes.txt");
    original = Buffer.from("hello\n", "utf8");
    fs.writeFileSync(file, original);
    driver = await launchApp(file);
  });

  after(async () => {
    await closeApp(driver);
    tmp?.cleanup();
  });

  test("the window shows a not_a_catalog error", async () => {
    step("waiting for the banner");
    const banner = await waitFor(async () => {
      const found = await driver.findElements(byTestId("error-banner"));
      return found[0] ?? null;
    }, "the error banner");
    assert.equal(await banner.getAttribute("role"), "alert");
    assert.equal(await banner.getAttribute("data-code"), "not_a_catalog");
    assert.ok(await banner.isDisplayed(), "the error banner is visible");

    step("banner found");
    const lang = await driver.executeScript("return document.documentElement.lang");
    assert.ok(lang in TITLE, `html lang is vi or en (got ${lang})`);
    assert.equal(await textOf(driver, "error-title"), TITLE[lang]);
    // No list is shown for a file that is not a catalog.
    assert.equal((await driver.findElements(byTestId("record-list"))).length, 0);
    step("screenshot");
    await screenshot(driver, "error.png");
    step("axe");

    const results = await runAxe(driver, "axe-error");
    if (results.violations.length) console.log(`axe (error): ${formatViolations(results.violations)}`);
    const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    assert.equal(serious.length, 0, `serious/critical axe violations on the error screen:\n${formatViolations(serious)}`);
  });

  test("the text file is byte-for-byte unchanged and nothing was created beside it", async () => {
    step("closing the app");
    await closeApp(driver);
    driver = null;
    step("closed");
    assert.deepEqual(fs.readFileSync(file), original, "the file's bytes are unchanged");
    assert.deepEqual(fs.readdirSync(tmp.dir), ["notes.txt"], "no journal/WAL/SHM files were left beside it");
  });
});
