/**
 * Checks of what a librarian types into the settings, before anything is sent: each returns
 * the key of the message to show (under `settings.invalid`), or null when the value is fine.
 * Core checks again; these only catch the mistakes a person can fix at once.
 */
import { isHttpUrl } from "../sync/format";

export type Invalid = string | null;

/** An empty address is allowed: it stops syncing. */
export function checkServerUrl(text: string): Invalid {
  if (text.trim() === "") return null;
  return isHttpUrl(text) ? null : "url";
}

/** Minutes between automatic syncs: a whole number from 0 (only when asked) to a day. */
export function checkInterval(text: string): Invalid {
  if (!/^\d+$/.test(text.trim())) return "interval";
  const n = Number(text.trim());
  return n >= 0 && n <= 1440 ? null : "interval";
}

/** `host:port` as the SIP2 server binds it: IPv4, a host name, or `[IPv6]`, and a port 1–65535. */
export function checkListen(text: string): Invalid {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text.trim());
  if (!m) return "listen";
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? null : "port";
}

/** A SIP2 login travels in a `|`-separated field: no separators, no spaces, not empty. */
export function checkLogin(text: string, taken: readonly string[]): Invalid {
  const login = text.trim();
  if (login === "") return "loginEmpty";
  if (/[\s|]/.test(login)) return "loginChars";
  if (login.length > 64) return "loginLong";
  if (taken.includes(login)) return "loginTaken";
  return null;
}

export function checkPassword(password: string, again: string): { password: Invalid; again: Invalid } {
  if (password === "") return { password: "passwordEmpty", again: null };
  if (password.includes("|")) return { password: "passwordChars", again: null };
  return { password: null, again: password === again ? null : "passwordMismatch" };
}

/** A copy-cataloging target's name: unique, no spaces (the CLI names it on its command line). */
export function checkTargetName(text: string, taken: readonly string[]): Invalid {
  const name = text.trim();
  if (name === "") return "nameEmpty";
  if (/\s/.test(name)) return "nameSpaces";
  if (taken.includes(name)) return "nameTaken";
  return null;
}

export function checkTargetUrl(text: string): Invalid {
  return isHttpUrl(text) ? null : "url";
}
