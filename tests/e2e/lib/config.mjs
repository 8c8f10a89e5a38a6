// Settings shared by run.mjs and the spec files. Everything comes from the environment,
// with defaults that match the project's usual cargo target directory.
import path from "node:path";
import { fileURLToPath } from "node:url";

export const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const REPO_DIR = path.resolve(E2E_DIR, "..", "..");

export const DESKTOP_BIN =
  process.env.SHELFMARK_DESKTOP_BIN || "/var/cache/shelfmark/target/debug/shelfmark-desktop";
export const CLI_BIN = process.env.SHELFMARK_CLI_BIN || "/var/cache/shelfmark/target/debug/shelfmark";
/** The python with the protocol peers (`cargo xtask setup` makes it: pymarc, sip2). */
export const PEER_PYTHON =
  process.env.SHELFMARK_PYTHON || "/var/cache/shelfmark/target/peer-venv/bin/python";
export const ARTIFACTS_DIR = path.resolve(
  process.env.E2E_ARTIFACTS || path.join(REPO_DIR, "test-artifacts", "e2e"),
);

/** Set by run.mjs: where tauri-driver listens. */
export const WEBDRIVER_URL = process.env.E2E_WEBDRIVER_URL || "";

/** Upper bounds, in milliseconds. */
export const TIMEOUTS = {
  /** The whole run (Xvfb + tauri-driver + all spec files). */
  run: Number(process.env.E2E_RUN_TIMEOUT_MS || 300_000),
  /** One test (node --test --test-timeout). */
  test: Number(process.env.E2E_TEST_TIMEOUT_MS || 150_000),
  /** Creating a WebDriver session, i.e. launching the app. */
  session: 45_000,
  /** Waiting for something to appear in the window. */
  ui: 20_000,
  /** One CLI call. */
  cli: Number(process.env.E2E_CLI_TIMEOUT_MS || 60_000),
  /** One WebDriver script (axe runs are the slowest). */
  script: 30_000,
};
