// The branch's SIP2 server started from the app's Settings, as a librarian sets up a
// self-check kiosk: an account for the machine, the address, Start; then an independent SIP2
// client from PyPI (Python `sip2`, the peer the Rust tests use) signs in, lends and takes back
// a book with a Vietnamese reader's name intact; the desk's catalog shows the loan's history;
// Stop ends the service. Screenshots and axe-core on the Settings screen.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  assertNoSeriousAxeViolations,
  byTestId,
  cli,
  closeApp,
  demoReaders,
  elementByTestId,
  launchApp,
  makeDemoCatalog,
  navigate,
  screenshot,
  shelvedItems,
  testKeepingFailures,
  textOf,
  waitFor,
  writeArtifact,
} from "../lib/app.mjs";
import { PEER_PYTHON, REPO_DIR, TIMEOUTS } from "../lib/config.mjs";

const ACCOUNT = "kiosk-tang-1";
const PASSWORD = "mat-khau-kiosk";
const DEMO_PIN = "1234";

/** A loopback port nothing listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** One kiosk visit by the Python SIP2 client; its JSON report. */
function kioskVisit(port, reader, item, dir) {
  const script = path.join(REPO_DIR, "crates/cli/tests/peers/sip2_kiosk.py");
  const out = execFileSync(
    PEER_PYTHON,
    [script, "127.0.0.1", String(port), ACCOUNT, PASSWORD, reader.barcode, DEMO_PIN, item],
    // The client writes its own log file where it runs: the test's temporary folder.
    { encoding: "utf8", timeout: TIMEOUTS.cli, stdio: ["ignore", "pipe", "pipe"], cwd: dir },
  );
  const line = out.split("\n").find((l) => l.startsWith("{"));
  assert.ok(line, `the client printed its report: ${out}`);
  return JSON.parse(line);
}

describe("SIP2 server started from Settings", () => {
  let fixture;
  let driver;
  let port;
  let reader;
  let item;

  before(async () => {
    fixture = makeDemoCatalog({ records: 300, seed: 7, firstRows: 1 });
    reader = demoReaders(fixture.db).find((r) => r.has_pin && r.refusals.length === 0);
    assert.ok(reader, "a demo reader with a PIN and nothing against lending");
    [item] = shelvedItems(fixture.db, 1, 20);
    port = await freePort();
    driver = await launchApp(fixture.db);
    await elementByTestId(driver, "nav-settings");
  });

  after(async () => {
    await closeApp(driver);
    fixture?.cleanup();
  });

  const step = (name, body) => testKeepingFailures(test, () => driver, "sip2", name, body);
  const el = (id) => elementByTestId(driver, id);

  step("an account for the kiosk is added and the server started", async () => {
    await navigate(driver, "nav-settings");
    await el("settings-sip2");
    await (await el("settings-account-login")).sendKeys(ACCOUNT);
    const branch = await el("settings-account-branch");
    await waitFor(
      async () => (await branch.getText()).includes(`(${reader.home_branch_code})`),
      "the branches in the account form",
    );
    await branch.findElement({ css: `option[value="${reader.home_branch_code}"]` }).then((o) => o.click());
    await (await el("settings-account-password")).sendKeys(PASSWORD);
    await (await el("settings-account-again")).sendKeys(PASSWORD);
    for (const right of ["checkout", "checkin", "renew"]) {
      const box = await el(`settings-account-${right}`);
      if (!(await box.isSelected())) await box.click();
    }
    await (await el("settings-account-add")).click();
    await el(`settings-account-${ACCOUNT}`);

    const listen = await el("settings-sip2-listen");
    await listen.clear();
    await listen.sendKeys(`127.0.0.1:${port}`);
    await (await el("settings-sip2-charset-utf-8")).click();
    await (await el("settings-sip2-start")).click();
    await waitFor(async () => (await textOf(driver, "settings-sip2-state")).includes(String(port)), "the server running");
    await el("settings-sip2-stop");
    await screenshot(driver, "sip2-settings-running.png");
    await assertNoSeriousAxeViolations(driver, "sip2-settings-running");
  });

  step("a Python SIP2 kiosk signs in, lends and returns through the app's server", async () => {
    const run = kioskVisit(port, reader, item, fixture.dir);
    writeArtifact("sip2-kiosk-visit.json", JSON.stringify(run, null, 2));
    assert.equal(run.login.fixed.Ok, "1", JSON.stringify(run.login));
    assert.equal(run.patron.variable.AE[0], reader.name, "the Vietnamese name crossed the wire whole");
    assert.equal(run.patron.variable.CQ[0], "Y", "the PIN was right");
    assert.equal(run.checkout.fixed.Ok, "1", JSON.stringify(run.checkout));
    assert.equal(run.charged.fixed.ChargedItemsCount, "0001");
    assert.equal(run.checkin.fixed.Ok, "1", JSON.stringify(run.checkin));
    assert.deepEqual(run.checksums_ok, [true, true, true, true, true, true, true]);
    // The loan and the return are the catalog's own, made with the desk's rules.
    const history = cli(fixture.db, ["--json", "circ", "patron", "show", reader.barcode], { json: true });
    assert.ok(!history.loans.some((l) => l.item_barcode === item), "returned: no open loan of the copy");
    const log = cli(fixture.db, ["--json", "log", "--limit", "20"], { json: true });
    const loanEntries = (Array.isArray(log) ? log : log.entries ?? []).filter((e) => e.entity_type === "loan");
    assert.ok(loanEntries.length >= 2, `the loan and its return are in the change log: ${JSON.stringify(log).slice(0, 400)}`);
  });

  step("Stop ends the service", async () => {
    await (await el("settings-sip2-stop")).click();
    // A stop with no kiosk connected needs no confirmation; with one, the dialog asks.
    const dialogs = await driver.findElements(byTestId("confirm-ok"));
    if (dialogs.length > 0) await dialogs[0].click();
    await el("settings-sip2-start");
    await waitFor(async () => !(await textOf(driver, "settings-sip2-state")).includes(String(port)), "the server stopped");
    await waitFor(
      () =>
        new Promise((resolve) => {
          const socket = net.connect(port, "127.0.0.1");
          socket.once("connect", () => {
            socket.destroy();
            resolve(false);
          });
          socket.once("error", () => resolve(true));
        }),
      "the port closed",
    );
  });
});
