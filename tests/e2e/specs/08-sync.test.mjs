// Sync in the real window, against a real central server on loopback: two branches worked
// apart (the app's catalog is one, a catalog driven through the CLI is the other). The
// librarian enters the server and token in Settings, syncs from the sync screen, sees what
// moved in the indicator, and resolves the two exceptions the meeting raised — a title edited
// at both branches and one copy lent at both desks — with the facts side by side. The other
// branch then learns the resolutions at its own sync. Screenshots and axe-core on each screen;
// what the window did is checked in the catalogs through the CLI.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { after, before, describe, test } from "node:test";
import {
  By,
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
import { CLI_BIN, TIMEOUTS } from "../lib/config.mjs";

// In the demo of seed 1: a record, a copy on the shelf and two readers who may borrow.
const TITLE = "=245  10$aGió lạnh đầu mùa";
const ITEM = "300000000011";

/** `shelfmark serve` on a free loopback port; resolves with the process and its address. */
function startServer(central) {
  const child = spawn(CLI_BIN, ["--db", central, "serve", "--listen", "127.0.0.1:0"], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, SHELFMARK_DB: "" },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the server did not say where it listens")), TIMEOUTS.cli);
    child.once("exit", (code) => reject(new Error(`the server ended at once (exit ${code})`)));
    readline.createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      resolve({ child, url: line.trim().split(/\s+/).pop() });
    });
  });
}

/** A record as mnemonic text, without the rights fields export adds from determinations. */
function recordText(db, controlNumber, dir) {
  const file = path.join(dir, `${controlNumber}-${path.basename(db)}.mrk`);
  cli(db, ["export", file, "--format", "mrk", "--query", controlNumber]);
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => !/^=5(06|40|42)/.test(l))
    .join("\n");
}

/** Saves `text` over the record with its control number, as a cataloger's overlay does. */
function overlay(db, text, dir, name) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  cli(db, ["import", file, "--match", "control-number", "--on-match", "overlay"]);
}

describe("sync with the central server", () => {
  let fixture;
  let driver;
  let server;
  let branchB;
  let tokenA;
  let tokenB;
  let loanA;
  let loanB;

  const syncB = () =>
    cli(branchB, ["--json", "sync", "--server", server.url, "--token", tokenB, "--retries", "2"], { json: true });

  before(async () => {
    fixture = makeDemoCatalog({ records: 30, seed: 1, firstRows: 1 });
    const central = path.join(fixture.dir, "central.db");
    branchB = path.join(fixture.dir, "ba-dinh.db");
    tokenA = cli(central, ["server", "add-branch", "Hoàn Kiếm"]).trim().split("\n").pop().trim();
    tokenB = cli(central, ["server", "add-branch", "Ba Đình"]).trim().split("\n").pop().trim();
    server = await startServer(central);
    // The app's branch has synced once before (so it shares the union catalog with B)...
    cli(fixture.db, ["--json", "sync", "--server", server.url, "--token", tokenA], { json: true });
    syncB();
    // ... then both worked apart: the same title changed two ways, one copy lent twice.
    for (const [db, who] of [
      [fixture.db, "A"],
      [branchB, "B"],
    ]) {
      const five = recordText(db, "SM000000005", fixture.dir);
      assert.ok(five.includes(TITLE), five);
      overlay(db, five.replace(TITLE, `${TITLE} (bản ${who})`), fixture.dir, `five-${who}.mrk`);
    }
    loanA = cli(fixture.db, ["--json", "circ", "checkout", "200000000001", ITEM], { json: true }).loan.id;
    loanB = cli(branchB, ["--json", "circ", "checkout", "200000000002", ITEM], { json: true }).loan.id;
    syncB();
    // `sync --server --token` saves nothing: the window's settings are the first saved.
    assert.equal(cli(fixture.db, ["--json", "sync", "status"], { json: true }).configured, false);
    driver = await launchApp(fixture.db);
    await elementByTestId(driver, "sync-indicator");
  });

  after(async () => {
    await closeApp(driver);
    if (server) server.child.kill();
    fixture?.cleanup();
  });

  const step = (name, body) => testKeepingFailures(test, () => driver, "sync", name, body);
  const el = (id) => elementByTestId(driver, id);

  /** Waits until the element with this test id has left the page. */
  async function gone(id) {
    await waitFor(async () => (await driver.findElements(byTestId(id))).length === 0, `[data-testid=${id}] gone`);
  }

  /** The confirmation asked before a resolution, saying in words what will be kept. */
  async function confirm(says) {
    const dialog = await el("confirm-dialog");
    const text = await dialog.getText();
    assert.ok(text.includes(says), `the confirmation says ${says}: ${text}`);
    await (await el("confirm-ok")).click();
    await waitFor(async () => (await driver.findElements(byTestId("confirm-dialog"))).length === 0, "the confirmation closed");
  }

  step("the server and token are entered in Settings", async () => {
    const indicator = await el("sync-indicator");
    await waitFor(async () => (await indicator.getAttribute("aria-label")).length > 0, "the indicator's name");
    await navigate(driver, "nav-settings");
    await el("settings-sync");
    await (await el("settings-sync-url")).clear();
    await (await el("settings-sync-url")).sendKeys(server.url);
    await (await el("settings-sync-token")).sendKeys(tokenA);
    const interval = await el("settings-sync-interval");
    await interval.clear();
    // 0: only when asked, so the test's "sync now" is the one that moves things.
    await interval.sendKeys("0");
    await (await el("settings-sync-save")).click();
    await el("settings-sync-token-kept");
    const saved = cli(fixture.db, ["--json", "sync", "status"], { json: true });
    assert.equal(saved.configured, true);
    assert.ok(!JSON.stringify(saved).includes(tokenA), "the token is never shown back");
    await screenshot(driver, "sync-settings.png");
    await assertNoSeriousAxeViolations(driver, "sync-settings");
  });

  step("sync now pushes the branch's changes and lists the two exceptions", async () => {
    await (await el("sync-indicator")).click();
    await el("sync-screen");
    await waitFor(async () => Number((await textOf(driver, "sync-status-pending")).replace(/\D/g, "")) > 0, "changes waiting");
    await waitFor(async () => (await el("sync-now")).isEnabled(), "sync now enabled");
    await (await el("sync-now")).click();
    await waitFor(async () => (await textOf(driver, "sync-now-result")).length > 0, "the sync's report");
    await waitFor(async () => (await driver.findElements(By.css('[data-testid^="sync-exception-"]'))).length === 2, "two exceptions listed");
    const listed = cli(fixture.db, ["--json", "exceptions", "list"], { json: true });
    assert.deepEqual(listed.map((x) => x.kind).sort(), ["item_checked_out_twice", "record_field_conflict"]);
    for (const x of listed) await el(`sync-exception-${x.id}`);
    // The facts side by side: both titles, both loans.
    const conflict = listed.find((x) => x.kind === "record_field_conflict");
    const card = await (await el(`sync-exception-${conflict.id}`)).getText();
    assert.ok(card.includes("(bản A)") && card.includes("(bản B)"), card);
    assert.equal(Number((await textOf(driver, "sync-status-pending")).replace(/\D/g, "")), 0, "nothing left to push");
    await waitFor(async () => (await driver.findElements(byTestId("sync-indicator-badge"))).length > 0, "the indicator's exceptions badge");
    await screenshot(driver, "sync-exceptions.png");
    await assertNoSeriousAxeViolations(driver, "sync-exceptions");
  });

  step("each exception is resolved with its facts, and the other branch learns it", async () => {
    const listed = cli(fixture.db, ["--json", "exceptions", "list"], { json: true });
    const conflict = listed.find((x) => x.kind === "record_field_conflict");
    const lentTwice = listed.find((x) => x.kind === "item_checked_out_twice");
    // The title B gave (each version is offered by its change); the loan made here.
    const versionB = [conflict.facts.kept, conflict.facts.other].find((v) => v.fields.join(" ").includes("(bản B)"));
    await waitFor(async () => {
      const choice = await el(`sync-action-${conflict.id}-${versionB.change_id}`);
      await choice.click();
      return choice.isSelected();
    }, "B's version chosen");
    await (await el(`sync-resolve-${conflict.id}`)).click();
    await confirm("245");
    await gone(`sync-exception-${conflict.id}`);
    await waitFor(async () => {
      const choice = await el(`sync-action-${lentTwice.id}-keep:${loanA}`);
      await choice.click();
      return choice.isSelected();
    }, "A's loan chosen");
    await (await el(`sync-resolve-${lentTwice.id}`)).click();
    await confirm("200000000001");
    await gone(`sync-exception-${lentTwice.id}`);
    // Seen by another process at once: the window's writes are committed to the shared
    // write-ahead log (a sync attempt's own connection once made them vanish).
    const stillOpen = cli(fixture.db, ["--json", "exceptions", "list"], { json: true });
    assert.equal(stillOpen.length, 0, `none open in the catalog: ${JSON.stringify(stillOpen.map((x) => [x.kind, x.resolved]))}`);
    // Resolved ones on demand, each saying what was chosen.
    await (await el("sync-include-resolved")).click();
    await el(`sync-resolved-${conflict.id}`);
    assert.ok((await textOf(driver, `sync-resolved-${lentTwice.id}`)).includes("200000000001"));
    await screenshot(driver, "sync-resolved.png");
    await assertNoSeriousAxeViolations(driver, "sync-resolved");

    // The resolutions are changes of their own: pushed at the next sync, applied at B.
    await waitFor(async () => (await el("sync-now")).isEnabled(), "sync now enabled again");
    await (await el("sync-now")).click();
    await waitFor(
      async () => Number((await textOf(driver, "sync-status-pending")).replace(/\D/g, "")) === 0,
      "the resolutions pushed",
    );
    await waitFor(() => driver.findElements(byTestId("sync-indicator-badge")).then((b) => b.length === 0), "no exceptions badge");
    syncB();
    assert.equal(cli(branchB, ["--json", "exceptions", "list"], { json: true }).length, 0, "none open at B");
    const atB = recordText(branchB, "SM000000005", fixture.dir);
    assert.ok(atB.includes("(bản B)") && !atB.includes("(bản A)"), atB);
    const readerB = cli(branchB, ["--json", "circ", "patron", "show", "200000000002"], { json: true });
    assert.ok(!readerB.loans.some((l) => l.id === loanB), "B's loan ended by correction");
    const readerA = cli(branchB, ["--json", "circ", "patron", "show", "200000000001"], { json: true });
    assert.ok(readerA.loans.some((l) => l.id === loanA), "the loan kept stands at B too");
  });
});
