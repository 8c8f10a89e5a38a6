/**
 * The audiobook player's arithmetic, kept apart from React and from the `<audio>` element so
 * it can be tested on its own: clock and spoken times, which chapter a position is in, where
 * Previous and Next go, and the limits a position, a speed and a volume stay within.
 */
import type { TFunction } from "i18next";
import type { AudioChapter } from "../bindings/AudioChapter";

/** The speeds a reader can choose, slowest first. */
export const SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2] as const;
/** How far Back and Forward jump. */
export const SKIP_MS = 15_000;
/** How often the position is saved while playing. */
export const SAVE_EVERY_MS = 15_000;
/**
 * Previous within this much of a chapter's start goes to the chapter before; later in the
 * chapter it goes back to the chapter's own start (as CD players and podcast apps do).
 */
export const RESTART_WINDOW_MS = 3_000;

export function clamp(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return min;
  return Math.min(max, Math.max(min, value));
}

/** A position kept inside the recording (`durationMs` 0 or unknown: only not below 0). */
export function clampPosition(ms: number, durationMs: number | null): number {
  const max = durationMs && durationMs > 0 ? durationMs : Number.MAX_SAFE_INTEGER;
  return Math.round(clamp(ms, 0, max));
}

/** The nearest offered speed to a saved one (a saved 1.3 plays at 1.25; nothing saved: 1). */
export function nearestSpeed(rate: number | null | undefined): number {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return 1;
  return SPEEDS.reduce((best, s) => (Math.abs(s - rate) < Math.abs(best - rate) ? s : best), 1 as number);
}

function parts(ms: number): { h: number; m: number; s: number } {
  const total = Math.floor(Math.max(0, Number.isFinite(ms) ? ms : 0) / 1000);
  return { h: Math.floor(total / 3600), m: Math.floor((total % 3600) / 60), s: total % 60 };
}

const two = (n: number) => String(n).padStart(2, "0");

/** `12:05`, `1:03:00`: the digits both languages write on a player. */
export function formatClock(ms: number): string {
  const { h, m, s } = parts(ms);
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/**
 * A time as words for a screen reader: "12 phút 5 giây", "1 giờ 3 phút", "1 hour 3 minutes".
 * Zero parts are left out (except a plain zero: "0 giây"); the words come from
 * `digital.time.*` so each language keeps its own plurals.
 */
export function spokenDuration(ms: number, t: TFunction): string {
  const { h, m, s } = parts(ms);
  const words: string[] = [];
  if (h > 0) words.push(t("digital.time.hours", { count: h }));
  if (m > 0) words.push(t("digital.time.minutes", { count: m }));
  if (s > 0 || words.length === 0) words.push(t("digital.time.seconds", { count: s }));
  return words.join(" ");
}

/** The chapter playing at `ms` (its index), or -1 before the first or when there are none. */
export function chapterAt(chapters: readonly AudioChapter[], ms: number): number {
  let found = -1;
  for (let i = 0; i < chapters.length; i++) {
    if (chapters[i]!.start_ms <= ms) found = i;
    else break;
  }
  return found;
}

/** Where Next goes: the next chapter's start, or null in the last chapter. */
export function nextChapterStart(chapters: readonly AudioChapter[], ms: number): number | null {
  const next = chapters[chapterAt(chapters, ms) + 1];
  return next ? next.start_ms : null;
}

/** Where Previous goes: this chapter's start, or the one before near the start (see RESTART_WINDOW_MS). */
export function previousChapterStart(chapters: readonly AudioChapter[], ms: number): number {
  const current = chapterAt(chapters, ms);
  if (current < 0) return 0;
  const start = chapters[current]!.start_ms;
  if (ms - start > RESTART_WINDOW_MS || current === 0) return start;
  return chapters[current - 1]!.start_ms;
}
