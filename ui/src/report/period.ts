/**
 * The report's calendar arithmetic, pure and clock-free: every function takes "today" as a
 * local `YYYY-MM-DD` so tests can fix it. Days are handled as UTC midnights internally, which
 * makes adding days immune to daylight-saving jumps; they are never converted to an instant.
 */

export const PRESETS = ["last7", "last30", "thisMonth", "lastMonth", "thisYear"] as const;
export type Preset = (typeof PRESETS)[number];

export interface Period {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The local calendar day of an instant, `YYYY-MM-DD` (the day the librarian sees on the wall). */
export function localDay(now: Date): string {
  return ymd(now.getFullYear(), now.getMonth() + 1, now.getDate());
}

function ymd(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Milliseconds of the day's UTC midnight, or null when `day` is not a real `YYYY-MM-DD` date. */
function dayValue(day: string): number | null {
  const m = DATE_RE.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const value = Date.UTC(y, mo - 1, d);
  const back = new Date(value);
  // Date.UTC rolls 2025-02-30 over to March; a rolled date was not a real one.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return value;
}

export function isDay(day: string): boolean {
  return dayValue(day) !== null;
}

function fromValue(value: number): string {
  const d = new Date(value);
  return ymd(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

function parts(day: string): [number, number, number] {
  const value = dayValue(day);
  if (value === null) throw new RangeError(`not a YYYY-MM-DD date: ${day}`);
  const d = new Date(value);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

export function addDays(day: string, n: number): string {
  const value = dayValue(day);
  if (value === null) throw new RangeError(`not a YYYY-MM-DD date: ${day}`);
  return fromValue(value + n * DAY_MS);
}

/** Whole days from `a` to `b` (positive when `b` is later). */
export function daysBetween(a: string, b: string): number {
  const va = dayValue(a);
  const vb = dayValue(b);
  if (va === null || vb === null) throw new RangeError(`not a YYYY-MM-DD date: ${va === null ? a : b}`);
  return Math.round((vb - va) / DAY_MS);
}

/** The period a preset stands for, ending today (or, for last month, at its last day). */
export function presetPeriod(preset: Preset, today: string): Period {
  const [y, m] = parts(today);
  switch (preset) {
    case "last7":
      return { from: addDays(today, -6), to: today };
    case "last30":
      return { from: addDays(today, -29), to: today };
    case "thisMonth":
      return { from: ymd(y, m, 1), to: today };
    case "lastMonth": {
      const [py, pm] = m === 1 ? [y - 1, 12] : [y, m - 1];
      return { from: ymd(py, pm, 1), to: addDays(ymd(y, m, 1), -1) };
    }
    case "thisYear":
      return { from: ymd(y, 1, 1), to: today };
  }
}

/** The preset that gives exactly this period today, if any (to show it as chosen). */
export function presetOf(period: Period, today: string): Preset | null {
  return PRESETS.find((p) => {
    const q = presetPeriod(p, today);
    return q.from === period.from && q.to === period.to;
  }) ?? null;
}

export type PeriodProblem = "fromInvalid" | "toInvalid" | "reversed";

/** What is wrong with a period typed by hand, or null when the report can be asked for. */
export function periodProblem(period: Period): PeriodProblem | null {
  if (!isDay(period.from)) return "fromInvalid";
  if (!isDay(period.to)) return "toInvalid";
  if (period.from > period.to) return "reversed";
  return null;
}

/** Days an open loan due on `dueOn` is late on `today` (0 when not yet late). */
export function daysOverdue(dueOn: string, today: string): number {
  return Math.max(0, daysBetween(dueOn, today));
}

/** A `YYYY-MM-DD` day as a UTC-midnight Date, for Intl formatting with `timeZone: "UTC"`. */
export function dayAsDate(day: string): Date {
  const value = dayValue(day);
  if (value === null) throw new RangeError(`not a YYYY-MM-DD date: ${day}`);
  return new Date(value);
}
