/**
 * Words and times for the sync screens: which state sync is in, moments relative to now
 * ("3 minutes ago", "in 2 minutes") and absolute, and what the exception facts hold. Pure
 * functions, so the indicator, the screen and their tests agree.
 */
import type { SyncStatus } from "../bindings/SyncStatus";
import { LOCALES, type Language } from "../i18n";

/** The one word the indicator shows first. */
export type SyncState = "unconfigured" | "syncing" | "online" | "offline" | "untried";

export function syncState(status: SyncStatus): SyncState {
  if (!status.configured) return "unconfigured";
  if (status.syncing) return "syncing";
  if (status.online === true) return "online";
  if (status.online === false) return "offline";
  return "untried";
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

/**
 * `iso` relative to `now` in the UI language ("2 phút trước", "in 5 minutes"); under a minute
 * away is "now". Returns the text unchanged when it is not a date.
 */
export function formatRelative(iso: string, lang: Language, now: number = Date.now()): string {
  const at = new Date(iso).getTime();
  if (Number.isNaN(at)) return iso;
  const seconds = Math.round((at - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(LOCALES[lang], { numeric: "auto" });
  if (Math.abs(seconds) < 60) return rtf.format(0, "second");
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.trunc(seconds / size), unit);
  }
  return rtf.format(0, "second");
}

/** A moment (RFC 3339) as a date and time in the UI language and the workstation's time zone. */
export function formatMoment(iso: string, lang: Language, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: "medium", timeStyle: "short", timeZone }).format(date);
}

/** Who made a change, where and when, as the exception facts carry it. */
export interface Who {
  change_id?: string;
  origin_node?: string;
  user?: string;
  recorded_at?: string;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A facts object that says who made a change (any of the four keys). */
export function isWho(value: unknown): value is Who & Record<string, unknown> {
  return isObject(value) && ["change_id", "origin_node", "user", "recorded_at"].some((k) => typeof value[k] === "string");
}

export function str(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/** Every "who" object anywhere in the facts, so an action named by a change id can say whose it is. */
export function findChange(facts: unknown, changeId: string): Who | null {
  if (isWho(facts) && facts.change_id === changeId) return facts;
  if (Array.isArray(facts)) {
    for (const v of facts) {
      const found = findChange(v, changeId);
      if (found) return found;
    }
  } else if (isObject(facts)) {
    for (const v of Object.values(facts)) {
      const found = findChange(v, changeId);
      if (found) return found;
    }
  }
  return null;
}

/**
 * The title of the edited record the facts carry (`edited_marc`: the change-log payload, whose
 * `title` is the extracted one; or a MARC record, read from 245 $a $b), if any.
 */
export function marcTitle(marc: unknown): string | null {
  if (isObject(marc) && typeof marc.title === "string" && marc.title.trim()) return marc.title.trim();
  const record = isObject(marc) && isObject(marc.record) ? marc.record : marc;
  if (!isObject(record) || !Array.isArray(record.fields)) return null;
  for (const field of record.fields) {
    if (!isObject(field) || field.tag !== "245" || !Array.isArray(field.subfields)) continue;
    const parts = field.subfields
      .filter((s): s is { code: string; value: string } => isObject(s) && (s.code === "a" || s.code === "b") && typeof s.value === "string")
      .map((s) => s.value.trim());
    const title = parts.join(" ").replace(/\s*[/:;,.]\s*$/, "").trim();
    if (title) return title;
  }
  return null;
}

/** `http://` or `https://` with a host: what a sync server or an SRU target address must be. */
export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text.trim());
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}
