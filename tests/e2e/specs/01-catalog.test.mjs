// The desktop app on a fresh demo catalog: the list, the status bar, the two UI languages,
// keyboard navigation and axe-core on every screen.
import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, test } from "node:test";
import { Key } from "selenium-webdriver";
import {
  byTestId,
  closeApp,
  formatViolations,
  launchApp,
  makeDemoCatalog,
  runAxe,
  screenshot,
  textOf,
  visibleRows,
  waitFor,
  waitForText,
  writeArtifact,
} from "../lib/app.mjs";

const RECORDS = 500;

const HEADING = { vi: "Biểu ghi thư mục", en: "Bibliographic records" };
const COUNT = { vi: (n) => `${n} biểu ghi`, en: (n) => `${n} records` };
// The number is formatted by the webview's ICU (vi-VN "1.342", en-US "1,342"); only its digits
// are compared, so a CLDR difference between Node and WebKit cannot fail the test.
const UNSYNCED = {
  vi: () => /^\d[\d.\u00a0\u202f]* thay đổi chưa đồng bộ$/,
  en: (n) => new RegExp(`^\\d[\\d,]* ${n === 1 ? "change" : "changes"} not yet synced$`),
};
const digits = (text) => Number(text.split(" ")[0].replace(/\D/g, ""));
const MATERIAL = {
  vi: { book: "Sách", ebook: "Sách điện tử", audiobook: "Sách nói", serial: "Ấn phẩm định kỳ", map: "Bản đồ", music: "Âm nhạc", video: "Phim/Video", other: "Khác" },
  en: { book: "Book", ebook: "E-book", audiobook: "Audiobook", serial: "Serial", map: "Map", music: "Music", video: "Video", other: "Other" },
};

/** What the person reads for a missing author/year: a dash (plus a screen-reader-only label). */
const MISSING = "—";

describe("desktop app on a 500-record demo catalog", () => {
  let fixture;
  let driver;

  before(async () => {
    fixture = makeDemoCatalog({ records: RECORDS, seed: 7, firstRows: 5 });
    writeArtifact("fixture-info.json", fixture.info);
    writeArtifact("fixture-first-rows.json", fixture.page);
    assert.equal(fixture.info.records, RECORDS, "the CLI made the demo catalog it was asked for");
    assert.equal(fixture.page.rows.length, 5);
    driver = await launchApp(fixture.db);
    // The list is there once its first row has data.
    await waitFor(async () => {
      const rows = await visibleRows(driver);
      return rows.length > 0 && !rows[0].loading;
    }, "the first record row to load");
  });

  after(async () => {
    await closeApp(driver);
    fixture?.cleanup();
  });

  /** Waits for the UI to be in `lang` and asserts everything language-dependent on the list screen. */
  async function assertListScreen(lang) {
    await waitFor(
      async () => (await driver.executeScript("return document.documentElement.lang")) === lang,
      `html lang to become ${lang}`,
    );
    assert.equal(await textOf(driver, "list-heading"), HEADING[lang]);
    const pressed = await driver.findElement(byTestId(`lang-${lang}`)).getAttribute("aria-pressed");
    assert.equal(pressed, "true", `the ${lang} language button is pressed`);
    const other = lang === "vi" ? "en" : "vi";
    assert.equal(await driver.findElement(byTestId(`lang-${other}`)).getAttribute("aria-pressed"), "false");

    await waitForText(driver, "record-count", (t) => t === COUNT[lang](RECORDS), `record count in ${lang}`);

    const unsynced = fixture.info.unsynced_changes;
    const unsyncedText = await textOf(driver, "status-unsynced");
    assert.match(unsyncedText, UNSYNCED[lang](unsynced), `unsynced count in the status bar, in ${lang}`);
    assert.equal(digits(unsyncedText), unsynced, "unsynced count equals the CLI's unsynced_changes");

    // Every rendered row's material type is in this language, and the first rows match the CLI.
    const rows = await waitFor(async () => {
      const r = await visibleRows(driver);
      return r.length >= 5 && r.slice(0, 5).every((x) => !x.loading) ? r : null;
    }, "the first five rows to load");
    fixture.page.rows.forEach((expected, i) => {
      assert.equal(rows[i].type, MATERIAL[lang][expected.material_type], `row ${i} material type in ${lang}`);
    });
    const known = new Set(Object.values(MATERIAL[lang]));
    for (const r of rows.filter((x) => !x.loading)) {
      assert.ok(known.has(r.type), `row ${r.index} type ${JSON.stringify(r.type)} is a ${lang} material type`);
    }
  }

  async function assertNoSeriousAxeViolations(name) {
    const results = await runAxe(driver, name);
    const all = results.violations;
    if (all.length) console.log(`axe (${name}): ${all.length} violation(s)\n${formatViolations(all)}`);
    const serious = all.filter((v) => v.impact === "serious" || v.impact === "critical");
    assert.equal(serious.length, 0, `serious/critical axe violations on ${name}:\n${formatViolations(serious)}`);
  }

  test("the list shows the demo records in the CLI's order, with the count and status bar", async () => {
    assert.equal(await textOf(driver, "app-title"), "Shelfmark");
    assert.equal(await driver.getTitle(), "Shelfmark");

    const rows = await visibleRows(driver);
    assert.ok(rows.length >= 5, `at least five rows are rendered (got ${rows.length})`);
    fixture.page.rows.forEach((expected, i) => {
      const got = rows[i];
      assert.equal(got.index, i);
      assert.equal(got.id, `record-row-${i}`);
      assert.ok(got.visible, `row ${i} is inside the visible part of the list`);
      assert.equal(got.title, expected.title, `row ${i} title`);
      if (expected.author === null) assert.ok(got.author.startsWith(MISSING), `row ${i} shows a missing author`);
      else assert.equal(got.author, expected.author, `row ${i} author`);
      if (expected.year === null) assert.ok(got.year.startsWith(MISSING), `row ${i} shows a missing year`);
      else assert.equal(got.year, String(expected.year), `row ${i} year`);
    });

    await waitForText(driver, "record-count", (t) => t.startsWith(String(RECORDS)), "the record count");
    assert.equal(await textOf(driver, "status-path"), fixture.info.path, "catalog path in the status bar");
    assert.equal(fs.realpathSync(fixture.info.path), fs.realpathSync(fixture.db), "the CLI's path is our catalog");
    assert.equal(await textOf(driver, "status-node"), fixture.info.node_id, "node id in the status bar");
    const unsynced = await textOf(driver, "status-unsynced");
    assert.equal(digits(unsynced), fixture.info.unsynced_changes, "unsynced count in the status bar");
    await screenshot(driver, "list-vi.png");
  });

  test("the default language is Vietnamese; English and back switch every label", async () => {
    await assertListScreen("vi");
    await screenshot(driver, "list-vi.png");

    await driver.findElement(byTestId("lang-en")).click();
    await assertListScreen("en");
    await screenshot(driver, "list-en.png");

    await driver.findElement(byTestId("lang-vi")).click();
    await assertListScreen("vi");
    await screenshot(driver, "list-vi-again.png");
  });

  test("axe-core finds no serious or critical violations in Vietnamese and English", async () => {
    await assertListScreen("vi");
    await assertNoSeriousAxeViolations("axe-list-vi");
    await driver.findElement(byTestId("lang-en")).click();
    await assertListScreen("en");
    await assertNoSeriousAxeViolations("axe-list-en");
    await driver.findElement(byTestId("lang-vi")).click();
    await assertListScreen("vi");
  });

  test("the keyboard moves the active row: ArrowDown, then End", async () => {
    const list = await driver.findElement(byTestId("record-list"));
    // A person clicks into the list (which also selects the row under the pointer), then
    // goes back to the top with Home.
    await list.click();
    await waitFor(
      () => driver.executeScript("return document.activeElement?.dataset?.testid === 'record-list'"),
      "the list to have keyboard focus",
    );

    /** Asserts the list's active descendant is row `index`, rendered, selected and in view. */
    async function assertActive(index) {
      const id = `record-row-${index}`;
      await waitFor(async () => (await list.getAttribute("aria-activedescendant")) === id, `aria-activedescendant=${id}`);
      const state = await waitFor(
        () =>
          driver.executeScript(
            `const row = document.getElementById(arguments[0]);
             const list = document.querySelector('[data-testid="record-list"]');
             if (!row || row.dataset.loading === "true") return null;
             const r = row.getBoundingClientRect(), b = list.getBoundingClientRect();
             return { selected: row.getAttribute("aria-selected"), inView: r.top >= b.top - 1 && r.bottom <= b.bottom + 1,
                      focused: document.activeElement === list, title: row.querySelector('[data-testid="cell-title"]')?.innerText };`,
            id,
          ),
        `row ${id} to be rendered with data`,
      );
      assert.equal(state.selected, "true", `${id} is aria-selected`);
      assert.ok(state.inView, `${id} is scrolled into view`);
      assert.ok(state.focused, "the list keeps focus");
      assert.ok(await driver.findElement({ id }).isDisplayed(), `${id} is displayed`);
      return state;
    }

    await list.sendKeys(Key.HOME);
    await assertActive(0);
    for (let i = 1; i <= 3; i++) {
      await list.sendKeys(Key.ARROW_DOWN);
      const state = await assertActive(i);
      if (i < fixture.page.rows.length) assert.equal(state.title, fixture.page.rows[i].title);
    }
    await screenshot(driver, "keyboard-row-3.png");

    await list.sendKeys(Key.END);
    await assertActive(RECORDS - 1);
    await screenshot(driver, "keyboard-end.png");

    await list.sendKeys(Key.HOME);
    await assertActive(0);
  });
});
