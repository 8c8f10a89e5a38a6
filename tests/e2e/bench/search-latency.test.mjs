// Keystroke to results in the real window on a 100,000-record demo catalog: each character of
// a set of queries is typed into the search box and timed until the results it asked for are
// drawn (the list's `aria-busy` back to false). Timed inside the page, so WebDriver's own
// round trips are not counted. A measurement, not a test: `npm run bench` (after building the
// CLI and the desktop app); it prints p50/p99/max and writes search-latency.json.
import { after, before, test } from "node:test";
import { byTestId, closeApp, launchApp, makeDemoCatalog, waitFor, writeArtifact } from "../lib/app.mjs";

const RECORDS = Number(process.env.SHELFMARK_BENCH_RECORDS || 100_000);
const QUERIES = ["nguyen du truyen kieu", "ha noi", "đường", "title:lich su", "author:twain", "van hoc viet nam", "type:book lang:vie"];

let fixture;
let driver;

before(async () => {
  fixture = makeDemoCatalog({ records: RECORDS, seed: 7, firstRows: 1 });
  driver = await launchApp(fixture.db);
  await waitFor(async () => (await driver.findElements(byTestId("search-box"))).length > 0, "the search box", 120_000);
});

after(async () => {
  await closeApp(driver);
  fixture?.cleanup();
});

/** Types `text` into the box as a keystroke would and resolves with the ms until its results are drawn. */
const TYPE_AND_TIME = `
  const [text, done] = arguments;
  const box = document.querySelector('[data-testid="search-box"]');
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
  let sawBusy = false;
  const start = performance.now();
  const finish = (ms) => { observer.disconnect(); clearTimeout(timer); done(ms); };
  const check = () => {
    const results = document.querySelector('[data-testid="search-results"]');
    if (!results) return;
    const busy = results.getAttribute("aria-busy") === "true";
    if (busy) sawBusy = true;
    else if (sawBusy) finish(performance.now() - start);
  };
  const observer = new MutationObserver(check);
  observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["aria-busy"] });
  const timer = setTimeout(() => finish(-1), 20000);
  setValue.call(box, text);
  box.dispatchEvent(new Event("input", { bubbles: true }));
`;

test(`keystroke to results on ${RECORDS} records`, async () => {
  await driver.manage().setTimeouts({ script: 60_000 });
  // Warm-up: the first search opens (or builds) the index.
  await driver.executeAsyncScript(TYPE_AND_TIME, "warm up");
  const times = [];
  for (const query of QUERIES) {
    for (let n = 1; n <= query.length; n++) {
      const ms = await driver.executeAsyncScript(TYPE_AND_TIME, query.slice(0, n));
      if (ms >= 0) times.push(ms);
    }
  }
  times.sort((a, b) => a - b);
  const pct = (p) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))];
  const report = {
    records: RECORDS,
    keystrokes: times.length,
    p50_ms: +pct(50).toFixed(1),
    p90_ms: +pct(90).toFixed(1),
    p99_ms: +pct(99).toFixed(1),
    max_ms: +times[times.length - 1].toFixed(1),
    debounce_included: true,
  };
  writeArtifact("search-latency.json", report);
  console.log(`keystroke to results: ${JSON.stringify(report)}`);
});
