/**
 * The document viewers' arithmetic, apart from pdf.js and React: which page a typed number
 * means, the zoom steps, and how a PDF page (from 1) maps to its text part (from 0).
 */
import { clamp } from "./player";

/** Zoom factors the In and Out buttons step through (1 = the document's own size). */
export const ZOOM_STEPS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4] as const;

/** A page number kept inside 1..total. */
export function clampPage(page: number, total: number): number {
  return Math.round(clamp(page, 1, Math.max(1, total)));
}

/** What the page box's text asks for: a whole number in 1..total, else null (the box then says so). */
export function pageFromInput(text: string, total: number): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const page = Number(trimmed);
  return page >= 1 && page <= total ? page : null;
}

/** The next zoom step in or out from `current` (which may be a fitted value between steps). */
export function stepZoom(current: number, direction: "in" | "out"): number {
  if (direction === "in") return ZOOM_STEPS.find((z) => z > current + 1e-6) ?? ZOOM_STEPS[ZOOM_STEPS.length - 1]!;
  const smaller = ZOOM_STEPS.filter((z) => z < current - 1e-6);
  return smaller[smaller.length - 1] ?? ZOOM_STEPS[0];
}

/** The zoom that makes something `contentWidth` wide fill `available` (never 0 or beyond the steps). */
export function fitZoom(contentWidth: number, available: number): number {
  if (!(contentWidth > 0) || !(available > 0)) return 1;
  return clamp(available / contentWidth, ZOOM_STEPS[0], ZOOM_STEPS[ZOOM_STEPS.length - 1]!);
}

/** A PDF's page `n` (from 1) is its text part `n - 1`. */
export const partOfPage = (page: number) => page - 1;
export const pageOfPart = (part: number) => part + 1;

/** Font sizes of the reading column, in percent of the app's. */
export const FONT_STEPS = [80, 90, 100, 115, 130, 150, 175, 200] as const;

export function stepFont(current: number, direction: "larger" | "smaller"): number {
  const index = FONT_STEPS.indexOf(current as (typeof FONT_STEPS)[number]);
  const at = index < 0 ? FONT_STEPS.indexOf(100) : index;
  const next = clamp(at + (direction === "larger" ? 1 : -1), 0, FONT_STEPS.length - 1);
  return FONT_STEPS[next]!;
}
