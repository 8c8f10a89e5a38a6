// The digital collection in the real window: the audiobook player (chapters, a position kept
// for the next time), the same audiobook refused to an ordinary reader and opened for a reader
// with a print disability (the Marrakesh exception), and full-text search with highlighted
// excerpts. The demo's showcase records carry the files (see core's demo/showcase.rs).
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

const AUDIOBOOK = "SM000000001";
const VISUALLY_IMPAIRED_CARD = "200000000001";
const ORDINARY_CARD = "200000000002";

describe("digital collection", () => {
  let fixture;
  let driver;
  let audio;

  before(async () => {
    fixture = makeDemoCatalog({ records: 300, seed: 7, firstRows: 1 });
    [audio] = cli(fixture.db, ["--json", "digital", "list", AUDIOBOOK], { json: true });
    assert.equal(audio.kind, "audio", "the demo's audiobook");
    driver = await launchApp(fixture.db);
    await waitFor(async () => (await driver.findElements(byTestId("search-box"))).length > 0, "the app");
  });

  after(async () => {
    await closeApp(driver);
    fixture?.cleanup();
  });

  const step = (name, body) => testKeepingFailures(test, () => driver, "digital", name, body);
  const el = (id) => elementByTestId(driver, id);
  // A live region is visually hidden, which WebDriver's getText() reads as empty.
  const contentOf = (id) =>
    driver.executeScript(`return document.querySelector('[data-testid="${id}"]')?.textContent ?? "";`);
  const texts = (id) =>
    driver.executeScript(`return [...document.querySelectorAll('[data-testid="${id}"]')].map((e) => e.textContent);`);

  /** Opens the viewer on the audiobook from its record's "Digital copies" tab. */
  async function openAudiobook() {
    await navigate(driver, "nav-catalog");
    const box = await el("search-box");
    await box.sendKeys(Key.chord(Key.CONTROL, "a"), Key.BACK_SPACE);
    await box.sendKeys("de men phieu luu ky sach noi");
    let at = -1;
    await waitFor(async () => {
      const titles = await driver.executeScript(
        `return [...document.querySelectorAll('[data-testid="search-results"] [data-testid="cell-title"]')].map((e) => e.textContent);`,
      );
      at = titles.findIndex((t) => t.includes("sách nói"));
      return at >= 0;
    }, "the audiobook record among the hits");
    // Down from the box enters the list; then the keys go to the list itself (sending them to
    // the box would focus it again).
    await box.sendKeys(Key.ARROW_DOWN);
    for (let i = 0; i < at; i++) await (await driver.switchTo().activeElement()).sendKeys(Key.ARROW_DOWN);
    await (await driver.switchTo().activeElement()).sendKeys(Key.ENTER);
    await waitFor(async () => (await textOf(driver, "record-title")).includes("sách nói"), "the record");
    await (await el("record-tab-digital")).click();
    await el("digital-row");
    await (await el("digital-open")).click();
    await el("viewer-screen");
  }

  /** Views the open object as a reader with this card (or staff when `card` is null). */
  async function viewAs(card) {
    await (await el(card ? "viewer-view-as-patron" : "viewer-view-as-staff")).click();
    if (card) {
      const field = await el("viewer-view-as-card");
      await field.sendKeys(Key.chord(Key.CONTROL, "a"), Key.BACK_SPACE);
      await field.sendKeys(card);
      await waitFor(async () => (await field.getAttribute("value")) === card, "the card typed");
      const premises = await el("viewer-view-as-premises");
      if (!(await premises.isSelected())) await premises.click();
    }
    await (await el("viewer-view-as-apply")).click();
  }

  step("the audiobook plays by chapters and keeps the place for next time", async () => {
    await openAudiobook();
    await el("audio-player");
    const chapters = await texts("player-chapter");
    assert.equal(chapters.length, audio.chapters.length);
    for (const c of audio.chapters) assert.ok(chapters.some((t) => t.includes(c.title)), `chapter ${c.title}`);
    await screenshot(driver, "digital-player.png");
    await assertNoSeriousAxeViolations(driver, "axe-digital-player");

    const second = (await driver.findElements(byTestId("player-chapter")))[1];
    await second.click();
    await waitFor(async () => (await second.getAttribute("aria-current")) === "true", "the second chapter is current");
    await waitFor(async () => (await contentOf("player-announcement")).includes(audio.chapters[1].title), "the chapter announced");
    await (await el("viewer-back")).click();
    await el("record-title");
    await waitFor(async () => {
      const opened = cli(fixture.db, ["--json", "digital", "open", audio.id], { json: true });
      return opened.resume_ms !== null && opened.resume_ms >= audio.chapters[1].start_ms;
    }, "the position kept at the second chapter");
  });

  step("an ordinary reader is refused the audiobook; a reader with a print disability may open it", async () => {
    await (await el("record-tab-digital")).click();
    await (await el("digital-open")).click();
    await el("viewer-screen");
    await viewAs(ORDINARY_CARD);
    await el("viewer-refused");
    assert.equal((await driver.findElements(byTestId("audio-player"))).length, 0, "no player for a refused reader");
    const refused = cli(fixture.db, ["--json", "digital", "open", audio.id, "--as", `patron:${ORDINARY_CARD}`], { json: true });
    assert.equal(refused.decision.allowed, false);
    assert.ok((await textOf(driver, "viewer-refused")).includes(refused.decision.explanation_vi), "the refusal in words");
    await screenshot(driver, "digital-refused.png");
    await assertNoSeriousAxeViolations(driver, "axe-digital-refused");

    await viewAs(VISUALLY_IMPAIRED_CARD);
    await el("audio-player");
    const grant = await textOf(driver, "viewer-grant");
    assert.match(grant, /Marrakesh/, "the legal basis is named");
    await screenshot(driver, "digital-print-disability.png");
    await assertNoSeriousAxeViolations(driver, "axe-digital-print-disability");
  });

  step("full-text search finds Truyện Kiều typed without diacritics, with the match highlighted", async () => {
    await navigate(driver, "nav-fulltext");
    const box = await el("fulltext-box");
    await box.sendKeys("tram nam trong coi nguoi ta", Key.ENTER);
    await waitFor(async () => (await driver.findElements(byTestId("fulltext-hit"))).length > 0, "hits");
    const marks = await driver.executeScript(
      `return [...document.querySelectorAll('[data-testid="fulltext-excerpt"] mark')].map((m) => m.textContent.toLowerCase());`,
    );
    assert.ok(marks.some((m) => m.includes("trăm") || m.includes("năm")), `highlighted words: ${marks.join(", ")}`);
    await screenshot(driver, "digital-fulltext.png");
    await assertNoSeriousAxeViolations(driver, "axe-digital-fulltext");
  });
});
