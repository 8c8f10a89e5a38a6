/**
 * Windowing arithmetic for the record list: fixed-height rows, one vertical
 * scroll element, and a "scaled" mode for catalogs too tall for the browser.
 *
 * Two coordinate spaces:
 *  - virtual px: where a row would be if the list were laid out in full
 *    (row `i` at `i * ROW_HEIGHT`). `pos` is the virtual scroll offset, the
 *    virtual px at the top edge of the viewport.
 *  - physical px: the scroll element's real `scrollTop`, over a sizer whose
 *    height is what the engine actually lays out.
 *
 * Below MAX_SCROLL_HEIGHT the two are the same (pos === scrollTop) and the
 * list is a plain virtual list. Above it, the sizer is capped and the physical
 * range maps linearly onto the virtual one:
 *   pos = scrollTop / physicalMax * virtualMax
 * so scrollTop = 0 shows row 0 at the top and scrollTop = physicalMax shows the
 * last row flush with the bottom. The first visible row is
 *   floor(pos / ROW_HEIGHT) ≈ scrollTop / physicalMax * (total - visibleRows).
 */

/** Fixed row height in CSS pixels. */
export const ROW_HEIGHT = 32;

/**
 * Tallest scroll sizer we let the engine lay out, in CSS px (250,000 rows).
 *
 * WebKit (Tauri on macOS/Linux) and Chromium (WebView2 on Windows) store
 * layout sizes as 1/64-px fixed point in 32 bits, capping an element near
 * 33,554,431 px — and that cap is in *device-scaled* pixels in Chromium, so
 * at 200% display scale it is already ~16.7M CSS px, at 400% (200% scale x
 * 200% page zoom) ~8.4M. 8,000,000 stays under the cap up to a 4x combined
 * zoom. It is also below 2^23 (8,388,608), so offsets handed to the
 * compositor as float32 (translateY of the rows) still resolve half pixels.
 * And it is still tall enough that the scrollbar stays fine-grained: at five
 * million rows one physical pixel of scrollbar is 20 virtual px (< 1 row).
 */
export const MAX_SCROLL_HEIGHT = 8_000_000;

export interface ScrollGeometry {
  total: number;
  /** Viewport (client) height of the scroll element; 0 until measured. */
  viewport: number;
  /** true when total * ROW_HEIGHT exceeds MAX_SCROLL_HEIGHT. */
  scaled: boolean;
  /** Height given to the sizer element (what the engine lays out). */
  sizerHeight: number;
  /** Largest virtual scroll offset: total * ROW_HEIGHT - viewport. */
  virtualMax: number;
  /** Largest physical scrollTop: sizerHeight - viewport. */
  physicalMax: number;
}

export function scrollGeometry(total: number, viewport: number): ScrollGeometry {
  const contentHeight = Math.max(0, total) * ROW_HEIGHT;
  const scaled = contentHeight > MAX_SCROLL_HEIGHT;
  const sizerHeight = scaled ? MAX_SCROLL_HEIGHT : contentHeight;
  return {
    total,
    viewport,
    scaled,
    sizerHeight,
    virtualMax: Math.max(0, contentHeight - viewport),
    physicalMax: Math.max(0, sizerHeight - viewport),
  };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Clamps a virtual offset into [0, virtualMax]. */
export function clampPos(g: ScrollGeometry, pos: number): number {
  return clamp(pos, 0, g.virtualMax);
}

/** The scrollTop that shows virtual offset `pos`. */
export function toPhysical(g: ScrollGeometry, pos: number): number {
  if (!g.scaled) return pos;
  if (g.virtualMax <= 0) return 0;
  return (clampPos(g, pos) / g.virtualMax) * g.physicalMax;
}

/**
 * The virtual offset shown at `scrollTop` (a scrollbar drag or any scroll we
 * did not make). Scaled offsets are whole pixels so rows stay pixel-aligned.
 */
export function toVirtual(g: ScrollGeometry, scrollTop: number): number {
  if (!g.scaled) return scrollTop;
  if (g.physicalMax <= 0) return 0;
  if (scrollTop >= g.physicalMax) return g.virtualMax;
  return clampPos(g, Math.round((scrollTop / g.physicalMax) * g.virtualMax));
}

export interface RowRange {
  /** First and last row intersecting the viewport. */
  startIndex: number;
  endIndex: number;
  /** The rendered range: the visible one widened by `overscan` each side. */
  first: number;
  last: number;
}

/**
 * Rows to render at virtual offset `pos`. Same rule as @tanstack/virtual-core
 * (which this list used before) for fixed sizes: nothing until the viewport
 * is measured; the first row is the one whose top is at or above `pos`; the
 * last is the first whose bottom reaches the viewport's bottom edge.
 */
export function visibleRange(g: ScrollGeometry, pos: number, overscan: number): RowRange | null {
  if (g.total <= 0 || g.viewport <= 0) return null;
  const lastIndex = g.total - 1;
  const offset = clampPos(g, pos);
  const startIndex = clamp(Math.floor(offset / ROW_HEIGHT), 0, lastIndex);
  const endIndex = clamp(Math.ceil((offset + g.viewport) / ROW_HEIGHT) - 1, startIndex, lastIndex);
  return {
    startIndex,
    endIndex,
    first: Math.max(startIndex - overscan, 0),
    last: Math.min(endIndex + overscan, lastIndex),
  };
}

/** The virtual offset, closest to `pos`, at which row `index` is fully visible. */
export function revealRow(g: ScrollGeometry, pos: number, index: number): number {
  const top = index * ROW_HEIGHT;
  const bottom = top + ROW_HEIGHT;
  if (top < pos) return top;
  if (bottom > pos + g.viewport) return bottom - g.viewport;
  return pos;
}

/**
 * Where to put row `index` inside the sizer. Unscaled: its own place. Scaled:
 * relative to the viewport — the current scrollTop plus the row's distance
 * from the virtual offset (rounded, so rows sit on whole pixels).
 */
export function rowTop(g: ScrollGeometry, index: number, pos: number, scrollTop: number): number {
  if (!g.scaled) return index * ROW_HEIGHT;
  // Integer distance first, so every row shares scrollTop's exact fraction.
  return scrollTop + (index * ROW_HEIGHT - Math.round(clampPos(g, pos)));
}
