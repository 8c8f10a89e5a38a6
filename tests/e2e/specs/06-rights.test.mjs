// Copyright review in the real window, as a librarian does it: the queue of works no one has
// evaluated, two of them determined at once with a reason, the record's rights tab with the
// explanation, and the rights report with its charts. Screenshots and axe-core on each screen;
// what the window did is checked in the catalog through the CLI.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Key } from "selenium-webdriver";
import {
  assertNoSeriousAxeViolations,
  byTestId,
  cli,
  closeApp,
  elementByTestId,
  launchApp,
  makeDemoCatalog,
  navigate,
  screenshot,
  testKeepingFailures,
  textOf,
  waitFor,
} from "../lib/app.mjs";

const REASON = "Nhà xuất bản xác nhận tác giả còn sống (công văn 12/2026)";

describe("rights review", () => {
  let fixture;
  let driver;
  let chosen = [];

  before(async () => {
    fixture = makeDemoCatalog({ records: 300, seed: 7, firstRows: 1 });
    driver = await launchApp(fixture.db);
    await waitFor(async () => (await driver.findElements(byTestId("nav-rights"))).length > 0, "the app");
  });

  after(async () => {
    await closeApp(driver);
    fixture?.cleanup();
  });

  const step = (name, body) => testKeepingFailures(test, () => driver, "rights", name, body);
  const el = (id) => elementByTestId(driver, id);

  /** The record ids of the queue's rows, in the order shown. */
  async function rowIds() {
    return driver.executeScript(
      `return [...document.querySelectorAll('[data-testid^="rights-row-"]')].map((r) => r.dataset.testid.slice("rights-row-".length));`,
    );
  }

  step("the queue lists works waiting for a determination, and two are determined at once", async () => {
    await navigate(driver, "nav-rights");
    await el("rights-table");
    await waitFor(async () => (await rowIds()).length >= 2, "rows in the queue");
    const queued = cli(fixture.db, ["--json", "rights", "review", "--limit", "1000"], { json: true });
    const ids = await rowIds();
    for (const id of ids) {
      assert.ok(queued.entries.some((e) => e.record_id === id), `${id} waits for review in the catalog too`);
    }
    await screenshot(driver, "rights-review.png");
    await assertNoSeriousAxeViolations(driver, "axe-rights-review");

    // Two works whose titles no other record has, so the search box later finds each alone.
    const rows = cli(fixture.db, ["--json", "records", "--offset", "0", "--limit", "1000"], { json: true }).rows;
    const titleOf = (id) => rows.find((r) => r.id === id)?.title;
    const unique = (id) => rows.filter((r) => r.title === titleOf(id)).length === 1;
    chosen = ids.filter(unique).slice(0, 2);
    assert.equal(chosen.length, 2, "two works with titles of their own on the first page");
    for (const id of chosen) await (await el(`rights-select-${id}`)).click();
    await waitFor(async () => (await textOf(driver, "rights-selected")).includes("2"), "two selected");
    await (await el("rights-determine")).click();
    await el("rights-dialog");
    await (await el("rights-status-InC")).click();
    await (await el("rights-dialog-reason")).sendKeys(REASON);
    await screenshot(driver, "rights-determine-dialog.png");
    await assertNoSeriousAxeViolations(driver, "axe-rights-determine-dialog");
    await (await el("rights-dialog-confirm")).click();
    await waitFor(async () => (await driver.findElements(byTestId("rights-dialog"))).length === 0, "the dialog closes");
    await waitFor(async () => (await textOf(driver, "rights-message")).length > 0, "what was decided");
    await waitFor(async () => !(await rowIds()).some((id) => chosen.includes(id)), "the two leave the queue");

    for (const id of chosen) {
      const history = cli(fixture.db, ["--json", "rights", "history", id], { json: true });
      const latest = history[history.length - 1];
      assert.equal(latest.status, "InC", `${id} is in copyright`);
      assert.equal(latest.overridden_reason, REASON);
      assert.equal(latest.basis, "override");
    }
  });

  step("the record's rights tab explains the decision", async () => {
    // The determined work, found the way a librarian finds it: by its title in the search box.
    const rows = cli(fixture.db, ["--json", "records", "--offset", "0", "--limit", "1000"], { json: true }).rows;
    const row = rows.find((r) => r.id === chosen[0]);
    assert.ok(row, "the determined work is in the list");
    await navigate(driver, "nav-catalog");
    const box = await el("search-box");
    await box.sendKeys(Key.chord(Key.CONTROL, "a"), Key.BACK_SPACE);
    await box.sendKeys(`"${row.title}"`);
    await waitFor(async () => {
      const titles = await driver.executeScript(
        `return [...document.querySelectorAll('[data-testid="search-results"] [data-testid="cell-title"]')].map((e) => e.textContent);`,
      );
      return titles.length > 0 && titles[0].startsWith(row.title);
    }, "the work as the first hit");
    await box.sendKeys(Key.ARROW_DOWN);
    await (await driver.switchTo().activeElement()).sendKeys(Key.ENTER);
    await waitFor(async () => (await textOf(driver, "record-title")).startsWith(row.title), "the record view");
    await (await el("record-tab-rights")).click();
    await el("rights-panel");
    await waitFor(async () => (await textOf(driver, "rights-panel-status")).length > 0, "the status");
    assert.match(await textOf(driver, "rights-panel-status"), /Còn bảo hộ/);
    assert.ok((await textOf(driver, "rights-panel")).includes(REASON), "the reason is shown");
    await screenshot(driver, "rights-record-tab.png");
    await assertNoSeriousAxeViolations(driver, "axe-rights-record-tab");
  });

  step("the rights report shows works by status with a table behind the chart", async () => {
    await navigate(driver, "nav-rights-report");
    await el("rights-report");
    await el("rights-report-cards");
    const report = cli(fixture.db, ["--json", "rights", "report"], { json: true });
    const text = await textOf(driver, "rights-report");
    assert.ok(text.includes(String(report.not_evaluated)) || text.includes(report.not_evaluated.toLocaleString("vi-VN")), "the not-evaluated count");
    const tables = await driver.executeScript(`return document.querySelectorAll('[data-testid="rights-report"] table').length;`);
    assert.ok(tables >= 2, "a data table behind each chart");
    await screenshot(driver, "rights-report.png");
    await assertNoSeriousAxeViolations(driver, "axe-rights-report");
  });
});
