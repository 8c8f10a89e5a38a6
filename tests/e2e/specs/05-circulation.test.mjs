// The circulation desk and the self-service kiosk in the real window, as a clerk and a reader
// use them: a refusal in words with a staff override, a loan, a return that says what to do
// with the book; the kiosk with a PIN, a loan and a receipt, and leaving it only with the
// staff password. Screenshots of each screen and axe-core on each.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { Key } from "selenium-webdriver";
import {
  assertNoSeriousAxeViolations,
  elementByTestId,
  testKeepingFailures,
  byTestId,
  cli,
  closeApp,
  demoReaders,
  launchApp,
  makeDemoCatalog,
  navigate,
  screenshot,
  shelvedItems,
  textOf,
  waitFor,
  writeArtifact,
} from "../lib/app.mjs";
import { CLI_BIN, TIMEOUTS } from "../lib/config.mjs";

const STAFF_PASSWORD = "thuthu-2026";
const READER_PIN = "2468";
const DUPLICATE_CARD = "299900000001";

describe("circulation desk and kiosk", () => {
  let fixture;
  let driver;
  let blocked;
  let reader;
  let items;
  let duplicateLoanItem;

  before(async () => {
    fixture = makeDemoCatalog({ records: 300, seed: 7, firstRows: 1 });
    // Returning items can lift a reader's overdue refusal: the items first, then the readers.
    items = shelvedItems(fixture.db, 3, 100);
    const readers = demoReaders(fixture.db);
    blocked = readers.find((r) => r.refusals.length > 0);
    reader = readers.find((r) => r.refusals.length === 0);
    assert.ok(blocked && reader, "the demo has a reader with a refusal and one with a clear card");
    // The kiosk reader's PIN is set the way staff set it at the desk.
    execFileSync(CLI_BIN, ["--db", fixture.db, "circ", "patron", "set-pin", reader.barcode], {
      input: `${READER_PIN}\n`,
      timeout: TIMEOUTS.cli,
    });
    // The same reader registered twice (a second card made at another visit), with a book out.
    cli(fixture.db, ["circ", "patron", "add", DUPLICATE_CARD, "--name", reader.name, "--expires", "2099-12-31"]);
    duplicateLoanItem = shelvedItems(fixture.db, 1, 200)[0];
    cli(fixture.db, ["--json", "circ", "checkout", DUPLICATE_CARD, duplicateLoanItem], { json: true });
    writeArtifact("circulation-fixture.json", { blocked: blocked.barcode, reader: reader.barcode, items, duplicate: DUPLICATE_CARD });
    execFileSync(CLI_BIN, ["--db", fixture.db, "kiosk", "set-password"], {
      input: `${STAFF_PASSWORD}\n`,
      timeout: TIMEOUTS.cli,
    });
    driver = await launchApp(fixture.db);
    await waitFor(async () => (await driver.findElements(byTestId("nav-desk"))).length > 0, "the app");
  });

  after(async () => {
    await closeApp(driver);
    fixture?.cleanup();
  });

  const step = (name, body) => testKeepingFailures(test, () => driver, "circulation", name, body);
  const assertAxeClean = (name) => assertNoSeriousAxeViolations(driver, name);
  const el = (id) => elementByTestId(driver, id);




  /** Types into the focused scan field the way a keyboard-wedge scanner does. */
  async function scan(id, barcode) {
    const field = await el(id);
    await field.sendKeys(barcode);
    await field.sendKeys(Key.ENTER);
  }

  step("the desk refuses a loan in words, and staff can override with a reason", async () => {
    await navigate(driver, "nav-desk");
    const branch = await el("desk-branch");
    // The first branch in the list is this desk's.
    await branch.sendKeys(Key.ARROW_DOWN);
    await waitFor(async () => (await branch.getAttribute("value")) !== "", "a desk branch");
    await scan("checkout-scan", blocked.barcode);
    await waitFor(async () => (await textOf(driver, "patron-panel-name")).includes(blocked.name), "the patron panel");
    await scan("checkout-scan", items[0]);
    const outcome = await el("checkout-outcome");
    await waitFor(async () => (await outcome.getText()).includes(blocked.refusals[0].message_vi.replace(/\.$/, "")), "the refusal in Vietnamese");
    await screenshot(driver, "circulation-desk-refusal.png");
    await assertAxeClean("axe-circulation-desk-refusal");

    await (await el("checkout-outcome-override")).click();
    const reason = await el("override-reason");
    await reason.sendKeys("Bạn đọc đã hứa trả sách quá hạn ngày mai");
    await (await el("override-confirm")).click();
    await waitFor(async () => (await textOf(driver, "checkout-outcome-title")).length > 0, "the loan confirmed");
    await waitFor(async () => (await textOf(driver, "checkout-outcome-due")).length > 0, "its due date");
    await screenshot(driver, "circulation-desk-loan.png");
    const account = cli(fixture.db, ["--json", "circ", "patron", "show", blocked.barcode], { json: true });
    const loan = account.loans.find((l) => l.item_barcode === items[0]);
    assert.ok(loan, "the loan is in the catalog");
    assert.equal(loan.override_reason, "Bạn đọc đã hứa trả sách quá hạn ngày mai");
  });

  step("check-in says what to do with the book", async () => {
    await (await el("checkout-new-patron")).click().catch(() => {});
    await (await el("desk-tab-checkin")).click();
    await scan("checkin-scan", items[0]);
    const action = await el("checkin-action");
    await waitFor(async () => (await action.getText()).length > 0, "the routing");
    await screenshot(driver, "circulation-desk-checkin.png");
    await assertAxeClean("axe-circulation-desk-checkin");
    const account = cli(fixture.db, ["--json", "circ", "patron", "show", blocked.barcode], { json: true });
    assert.ok(!account.loans.some((l) => l.item_barcode === items[0]), "the loan is closed");
  });

  step("the kiosk lends with a PIN, shows a receipt, and only the staff password leaves it", async () => {
    await navigate(driver, "nav-kiosk");
    await (await el("kiosk-launcher-start")).click();
    await el("kiosk-home");
    await screenshot(driver, "kiosk-home.png");
    await assertAxeClean("axe-kiosk-home");

    await (await el("kiosk-borrow-start")).click();
    await scan("kiosk-card-input", reader.barcode);
    await el("kiosk-pin");
    for (const digit of READER_PIN) await (await el(`kiosk-key-${digit}`)).click();
    await (await el("kiosk-pin-ok")).click();
    await waitFor(async () => (await textOf(driver, "kiosk-hello")).includes(reader.name), "the reader's greeting");
    await scan("kiosk-item-input", items[1]);
    await waitFor(async () => (await driver.findElements(byTestId("kiosk-borrow-result"))).length === 1, "the loan's result");
    await screenshot(driver, "kiosk-borrow.png");
    await assertAxeClean("axe-kiosk-borrow");
    await (await el("kiosk-finish")).click();
    const receipt = await el("kiosk-receipt");
    assert.equal((await driver.findElements(byTestId("kiosk-receipt-line"))).length, 1);
    assert.match(await receipt.getText(), new RegExp(items[1]));
    await screenshot(driver, "kiosk-receipt.png");
    await (await el("kiosk-receipt-done")).click();
    await el("kiosk-home");
    const account = cli(fixture.db, ["--json", "circ", "patron", "show", reader.barcode], { json: true });
    assert.ok(account.loans.some((l) => l.item_barcode === items[1]), "the kiosk's loan is in the catalog");

    // No staff screen is reachable: the app's shortcuts do nothing here.
    await driver.actions().keyDown(Key.CONTROL).sendKeys("i").keyUp(Key.CONTROL).perform();
    assert.equal((await driver.findElements(byTestId("import-dialog"))).length, 0);

    await (await el("kiosk-staff")).click();
    const password = await el("kiosk-staff-password");
    await password.sendKeys("wrong-password", Key.ENTER);
    await el("kiosk-staff-problem");
    await password.clear();
    await password.sendKeys(STAFF_PASSWORD, Key.ENTER);
    await el("nav-desk");
    assert.equal((await driver.findElements(byTestId("kiosk"))).length, 0, "back to the staff screens");
  });

  step("a reader registered twice is merged at the desk, with a reason, and the loan follows", async () => {
    await navigate(driver, "nav-desk");
    await (await el("desk-tab-patrons")).click();
    const search = await el("patron-search");
    await search.sendKeys(reader.barcode);
    await waitFor(async () => (await textOf(driver, "patron-results")).includes(reader.barcode), "the reader found");
    await search.sendKeys(Key.ENTER);
    await waitFor(async () => (await textOf(driver, "patron-record-name")).includes(reader.name), "the reader's record");
    await (await el("merge-open")).click();
    await el("merge-dialog");
    // The other card with the same name is offered.
    await (await el(`merge-suggestion-${DUPLICATE_CARD}`)).click();
    const sideBySide = await el("merge-side-by-side");
    assert.ok((await sideBySide.getText()).includes(DUPLICATE_CARD));
    assert.ok((await textOf(driver, "merge-moves")).length > 0, "what will move is said before");
    await screenshot(driver, "circulation-merge-preview.png");
    await assertAxeClean("axe-circulation-merge-preview");
    await (await el("merge-reason")).sendKeys("Bạn đọc làm thẻ mới khi quên thẻ cũ");
    await (await el("merge-confirm")).click();
    await el("merge-done");
    await screenshot(driver, "circulation-merge-done.png");

    const survivor = cli(fixture.db, ["--json", "circ", "patron", "show", reader.barcode], { json: true });
    assert.ok(survivor.loans.some((l) => l.item_barcode === duplicateLoanItem), "the other card's loan is the reader's now");
    // The old card leads to the reader kept, and says so.
    const old = cli(fixture.db, ["--json", "circ", "patron", "show", DUPLICATE_CARD], { json: true });
    assert.equal(old.barcode, reader.barcode);
    assert.equal(old.merged_card?.barcode, DUPLICATE_CARD);
  });

  step("the report shows the period's loans", async () => {
    await navigate(driver, "nav-report");
    await el("report-screen");
    await el("report-daily");
    const table = await driver.executeScript(
      `return document.querySelector('[data-testid="report-daily-table"]')?.textContent ?? "";`,
    );
    assert.ok(table.length > 0, "the per-day table behind the chart");
    await screenshot(driver, "circulation-report.png");
    await assertAxeClean("axe-circulation-report");
  });
});
