// A cataloger's day in the desktop app, against the real back end: search without diacritics
// and open a record, change 245 $a in the grid and find the record by its new title, switch to
// text mode and back with no change, refuse a duplicate barcode, import a file holding a bad
// record. Screenshots of every screen and axe-core on each.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { Key } from "selenium-webdriver";
import {
  assertNoSeriousAxeViolations,
  elementByTestId,
  testKeepingFailures,
  By,
  byTestId,
  cli,
  closeApp,
  launchApp,
  makeDemoCatalog,
  navigate,
  screenshot,
  tempDir,
  textOf,
  waitFor,
  writeArtifact,
} from "../lib/app.mjs";

const RECORDS = 400;
const NEW_TITLE = "Bản đồ Thăng Long xưa";

describe("cataloging in the desktop app", () => {
  let fixture;
  let driver;
  let work;

  before(async () => {
    fixture = makeDemoCatalog({ records: RECORDS, seed: 7, firstRows: 1 });
    work = tempDir("cataloging");
    driver = await launchApp(fixture.db);
    try {
      await waitFor(async () => (await driver.findElements(byTestId("search-box"))).length > 0, "the search box");
    } catch (e) {
      await screenshot(driver, "cataloging-start-failed.png");
      writeArtifact("cataloging-start-failed.html", await driver.getPageSource());
      throw e;
    }
  });

  after(async () => {
    await closeApp(driver);
    fixture?.cleanup();
    work?.cleanup();
  });

  const step = (name, body) => testKeepingFailures(test, () => driver, "cataloging", name, body);
  const assertAxeClean = (name) => assertNoSeriousAxeViolations(driver, name);
  const el = (id) => elementByTestId(driver, id);




  /** Types `text` in the search box (after clearing it) and waits for the results. */
  async function search(text) {
    const box = await el("search-box");
    await box.sendKeys(Key.chord(Key.CONTROL, "a"), Key.BACK_SPACE);
    await box.sendKeys(text);
    await waitFor(async () => (await driver.findElements(byTestId("search-results"))).length > 0, "results");
    await waitFor(async () => {
      const busy = await (await el("search-results")).getAttribute("aria-busy");
      return busy !== "true";
    }, `the search for ${text} to finish`);
  }

  /** The titles of the result rows drawn now (the list is virtualized). */
  async function resultTitles() {
    return driver.executeScript(
      `return [...document.querySelectorAll('[data-testid="search-results"] [data-testid="cell-title"]')].map((e) => e.textContent);`,
    );
  }

  step("search `ha noi` finds Hà Nội records; Enter opens one", async () => {
    const expected = cli(fixture.db, ["search", "ha noi", "--json", "--limit", "5"])
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    writeArtifact("cataloging-cli-search.json", expected);
    assert.ok(expected.length > 0, "the demo catalog has Hà Nội records");
    await search("ha noi");
    await waitFor(async () => (await resultTitles()).some((t) => t.includes("Hà Nội")), "a Hà Nội title in the results");
    await screenshot(driver, "cataloging-search.png");
    await assertAxeClean("axe-cataloging-search");

    // The first hit whose title says Hà Nội (others match by publisher or subject), reached
    // with the arrow keys from the search box.
    const titles = await resultTitles();
    const at = titles.findIndex((t) => t.includes("Hà Nội"));
    const first = titles[at];
    const box = await el("search-box");
    // Down from the box enters the list; then the keys go to the list itself (sending them to
    // the box would focus it again).
    await box.sendKeys(Key.ARROW_DOWN);
    for (let i = 0; i < at; i++) await (await driver.switchTo().activeElement()).sendKeys(Key.ARROW_DOWN);
    const active = await driver.switchTo().activeElement();
    await active.sendKeys(Key.ENTER);
    const title = await el("record-title");
    await waitFor(async () => (await title.getText()).length > 0, "the record's title");
    assert.ok((await title.getText()).startsWith(first), `the record opened is the hit chosen, ${first}`);
    assert.ok((await title.getText()).includes("Hà Nội"));
    await screenshot(driver, "cataloging-record.png");
    await assertAxeClean("axe-cataloging-record");
  });

  step("the record view shows MARC, items and history tabs", async () => {
    for (const tab of ["marc", "items", "history"]) {
      await (await el(`record-tab-${tab}`)).click();
      await el(`record-panel-${tab}`);
      await screenshot(driver, `cataloging-record-${tab}.png`);
      await assertAxeClean(`axe-cataloging-record-${tab}`);
    }
    await (await el("record-tab-description")).click();
  });

  /** The grid row index of the first field with this tag. */
  async function fieldIndex(tag) {
    const tags = await driver.findElements(By.css('[data-testid$="-tag"]'));
    for (const input of tags) {
      if ((await input.getAttribute("value")) === tag) {
        const id = await input.getAttribute("data-testid");
        return Number(id.slice(1, -4));
      }
    }
    throw new Error(`no ${tag} in the grid`);
  }

  step("change 245 $a in the grid, save, find the record by its new title", async () => {
    await (await el("record-edit")).click();
    await el("marc-grid");
    const i = await fieldIndex("245");
    const value = await el(`f${i}-s0-value`);
    await value.sendKeys(Key.chord(Key.CONTROL, "a"), Key.BACK_SPACE);
    await value.sendKeys(NEW_TITLE);
    await el("editor-dirty");
    await screenshot(driver, "cataloging-editor.png");
    await assertAxeClean("axe-cataloging-editor");
    await (await el("editor-save")).click();
    // A record with validation errors asks first; this one may or may not have any.
    await waitFor(async () => {
      const confirm = await driver.findElements(byTestId("confirm-ok"));
      if (confirm.length) await confirm[0].click();
      return (await driver.findElements(byTestId("record-title"))).length > 0;
    }, "the saved record's view");
    await waitFor(async () => (await textOf(driver, "record-title")).startsWith(NEW_TITLE), "the new title in the record view");

    await navigate(driver, "nav-catalog");
    await search("thang long xua");
    await waitFor(async () => (await resultTitles()).some((t) => t.startsWith(NEW_TITLE)), "the record found by its new title");
    const changes = cli(fixture.db, ["log", "--limit", "1", "--json"]);
    assert.match(changes, /"operation":\s*"update"/, "the save went through the change log");
  });

  step("text mode and back changes nothing", async () => {
    const box = await el("search-box");
    await box.sendKeys(Key.ARROW_DOWN);
    await (await driver.switchTo().activeElement()).sendKeys(Key.ENTER);
    await el("record-title");
    await (await el("record-edit")).click();
    await el("marc-grid");
    const before = await gridValues();
    await (await el("tab-text")).click();
    const text = await (await el("mrk-text")).getAttribute("value");
    assert.match(text, /^=LDR {2}/m);
    assert.ok(text.includes(`=245  `) && text.includes(NEW_TITLE), "the 245 in mnemonic text");
    await screenshot(driver, "cataloging-editor-text.png");
    await assertAxeClean("axe-cataloging-editor-text");
    await (await el("tab-grid")).click();
    await el("marc-grid");
    assert.deepEqual(await gridValues(), before);
    assert.equal((await driver.findElements(byTestId("editor-dirty"))).length, 0, "not dirty after the round trip");
    await (await el("editor-close")).click();
    await el("record-title");
  });

  async function gridValues() {
    const inputs = await driver.findElements(By.css('[data-testid="marc-grid"] input, [data-testid="marc-grid"] textarea'));
    return Promise.all(inputs.map((i) => i.getAttribute("value")));
  }

  step("add an item; a duplicate barcode is refused at the field", async () => {
    await (await el("record-tab-items")).click();
    const before = (await driver.findElements(byTestId("item-row"))).length;
    const addItem = async (barcode) => {
      await (await el("item-add")).click();
      const field = await el("item-barcode");
      await field.sendKeys(Key.chord(Key.CONTROL, "a"), Key.BACK_SPACE);
      await field.sendKeys(barcode);
      const location = await el("item-location");
      if (!(await location.getAttribute("value"))) await location.sendKeys("Kho mở");
      await (await el("item-save")).click();
    };
    await addItem("E2E-0001");
    await waitFor(async () => (await driver.findElements(byTestId("item-row"))).length === before + 1, "the new item's row");
    await addItem("E2E-0001");
    const error = await el("item-error-barcode");
    await waitFor(async () => (await error.getText()).includes("E2E-0001"), "the refusal naming the barcode");
    await screenshot(driver, "cataloging-item-refused.png");
    await assertAxeClean("axe-cataloging-item-form");
    await (await el("item-cancel")).click();
    assert.equal((await driver.findElements(byTestId("item-row"))).length, before + 1, "nothing added twice");
  });

  step("import a file with a bad record: it is reported and the rest arrive", async () => {
    // Three good records from another demo catalog with a truncated one between the first two.
    const source = path.join(work.dir, "source.db");
    cli(source, ["demo", "--records", "3", "--seed", "42"]);
    const good = path.join(work.dir, "good.mrc");
    cli(source, ["export", good, "--format", "iso2709"]);
    const bytes = fs.readFileSync(good);
    const first = bytes.indexOf(0x1d) + 1;
    const mixed = Buffer.concat([bytes.subarray(0, first), Buffer.from("00026nam  22000\x1d", "latin1"), bytes.subarray(first)]);
    const file = path.join(work.dir, "vendor.mrc");
    fs.writeFileSync(file, mixed);

    const countBefore = cli(fixture.db, ["info", "--json"], { json: true }).records;
    await navigate(driver, "nav-import");
    const pathField = await el("import-path");
    await pathField.sendKeys(file, Key.ENTER);
    await waitFor(async () => (await textOf(driver, "preview-records")).match(/4/), "the preview's record count");
    await screenshot(driver, "cataloging-import-preview.png");
    await assertAxeClean("axe-cataloging-import-preview");
    // Match on nothing: every good record is new to this catalog.
    const none = await driver.findElement(By.css('[data-testid="import-dialog"] input[type="radio"][value="none"]'));
    await none.click();
    await (await el("import-start")).click();
    await el("import-report");
    const problems = await driver.findElements(byTestId("problem-row"));
    assert.equal(problems.length, 1, "the bad record is listed");
    assert.match(await problems[0].getText(), /2/, "with its record number");
    await screenshot(driver, "cataloging-import-report.png");
    await assertAxeClean("axe-cataloging-import-report");
    const countAfter = cli(fixture.db, ["info", "--json"], { json: true }).records;
    assert.equal(countAfter, countBefore + 3, "the three good records arrived");
    await (await el("import-done")).click();
  });
});
