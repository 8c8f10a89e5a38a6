import {
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type RefObject,
} from "react";
import { useTranslation } from "react-i18next";
import type { CatalogApi } from "../api";
import type { RecordRow } from "../bindings/RecordRow";
import { RecordCache, type RowSource } from "../recordCache";
import {
  ROW_HEIGHT,
  clampPos,
  revealRow,
  rowTop,
  scrollGeometry,
  toPhysical,
  toVirtual,
  visibleRange,
} from "./scrollWindow";

export { MAX_SCROLL_HEIGHT, ROW_HEIGHT } from "./scrollWindow";
const OVERSCAN = 6;

/*
 * Windowing is computed here (see ./scrollWindow.ts) rather than with
 * @tanstack/react-virtual. With fixed 32 px rows the visible range is a few
 * lines of arithmetic, while react-virtual keeps per-row measurement arrays
 * (O(total) memory: tens of MB at several million rows) and has one scroll
 * coordinate space: scaling it would mean overriding observeElementOffset,
 * scrollToFn, the total size and every item's start, and fighting its own
 * scroll reconciliation. Below MAX_SCROLL_HEIGHT the range, row positions and
 * sizer height are exactly what react-virtual produced (same overscan, same
 * range rule), and scrolling is the browser's own.
 *
 * Above it (scaled mode) the sizer is capped and `pos`, the virtual offset, is
 * the source of truth, kept consistent with scrollTop both ways:
 *  - a scroll we did not make (scrollbar drag, middle-click, touch) maps
 *    scrollTop proportionally to `pos`;
 *  - the mouse wheel / trackpad and the keyboard move `pos` by real pixels
 *    (so a small scroll moves by rows, not by thousands of them) and then set
 *    scrollTop to the matching proportional position, so the scrollbar thumb
 *    follows. The resulting scroll event maps back to within a pixel of `pos`
 *    and is recognised as ours, keeping `pos`'s finer precision.
 */

export interface RecordListProps {
  api: CatalogApi;
  total: number;
  onError: (err: unknown) => void;
  /**
   * Where the rows come from; the catalog in title order (api.listRecords) when absent.
   * A new source (a new search) starts from an empty cache.
   */
  source?: RowSource;
  /** Rows already fetched from offset 0 of `source` (a search's first page). */
  firstRows?: RecordRow[];
  /** The listbox's accessible name; the catalog list's by default. */
  label?: string;
  /** Enter or a double-click on a loaded row. */
  onOpen?: (id: string) => void;
  /** Esc in the list (the search screen returns focus to its box). */
  onEscape?: () => void;
  /** The listbox element, for a screen that moves focus into it. */
  listRef?: RefObject<HTMLDivElement | null>;
}

function Missing({ label }: { label: string }) {
  return (
    <>
      <span aria-hidden="true">—</span>
      <span className="visually-hidden">{label}</span>
    </>
  );
}

export function RecordList({
  api,
  total,
  onError,
  source,
  firstRows,
  label,
  onOpen,
  onEscape,
  listRef,
}: RecordListProps) {
  const { t } = useTranslation();
  const ownRef = useRef<HTMLDivElement>(null);
  const scrollRef = listRef ?? ownRef;
  const [, setVersion] = useState(0);
  const [active, setActive] = useState(0);
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;

  // A new total or source means rows may have shifted: start from an empty cache.
  const cache = useMemo(() => {
    const fresh = new RecordCache(
      source ?? api,
      () => setVersion((v) => v + 1),
      (err) => onErrorRef.current(err),
    );
    if (firstRows) fresh.prime(0, firstRows);
    return fresh;
  }, [api, total, source, firstRows]);

  const activeIndex = Math.min(active, Math.max(total - 1, 0));

  const [viewport, setViewport] = useState(0);
  // What is on screen: the virtual offset and the scrollTop it was read at.
  const [view, setView] = useState({ pos: 0, scrollTop: 0 });
  const geometry = scrollGeometry(total, viewport);
  const geometryRef = useRef(geometry);
  geometryRef.current = geometry;
  // The latest virtual offset, ahead of `view` between a scroll and its render.
  const posRef = useRef(0);

  /** Shows virtual offset `target`: moves scrollTop to match, then renders. */
  const applyPos = (target: number) => {
    const el = scrollRef.current;
    if (!el) return;
    const g = geometryRef.current;
    if (g.scaled) {
      const pos = clampPos(g, target);
      posRef.current = pos;
      const want = toPhysical(g, pos);
      if (el.scrollTop !== want) el.scrollTop = want;
      const scrollTop = el.scrollTop;
      setView((v) => (v.pos === pos && v.scrollTop === scrollTop ? v : { pos, scrollTop }));
    } else if (el.scrollTop !== target) {
      // Native scrolling: the browser clamps, and the scroll event updates the view.
      el.scrollTop = target;
    }
  };

  // Viewport height (react-virtual read clientHeight, watched by ResizeObserver).
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => setViewport(el.clientHeight);
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const onScroll = () => {
      const g = geometryRef.current;
      const scrollTop = el.scrollTop;
      let pos: number;
      if (!g.scaled) {
        pos = scrollTop;
      } else if (Math.abs(toPhysical(g, posRef.current) - scrollTop) < 1) {
        // Our own write (or no real move): keep the finer virtual offset.
        pos = clampPos(g, posRef.current);
      } else {
        pos = toVirtual(g, scrollTop);
      }
      posRef.current = pos;
      setView((v) => (v.pos === pos && v.scrollTop === scrollTop ? v : { pos, scrollTop }));
    };
    el.addEventListener("scroll", onScroll, { passive: true });
    return () => el.removeEventListener("scroll", onScroll);
  }, []);

  // When the mapping changes (resize, new total, entering or leaving scaled
  // mode), keep the same rows on screen and move scrollTop to match. Purely
  // native scrolling is left to the browser, as before.
  const wasScaled = useRef(geometry.scaled);
  useLayoutEffect(() => {
    const left = wasScaled.current && !geometry.scaled;
    wasScaled.current = geometry.scaled;
    const el = scrollRef.current;
    if (geometry.scaled) {
      applyPos(posRef.current);
    } else if (left && el) {
      el.scrollTop = posRef.current;
      const scrollTop = el.scrollTop;
      posRef.current = scrollTop;
      setView({ pos: scrollTop, scrollTop });
    }
    // applyPos only reads refs, so it is not a dependency.
  }, [geometry.scaled, geometry.virtualMax, geometry.physicalMax]);

  // Scaled mode: the wheel moves by real pixels (a notch scrolls a few rows).
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || !geometry.scaled) return;
    const onWheel = (e: WheelEvent) => {
      if (e.ctrlKey || e.deltaY === 0) return; // ctrl+wheel zooms
      const g = geometryRef.current;
      const unit = e.deltaMode === 1 ? ROW_HEIGHT : e.deltaMode === 2 ? g.viewport : 1;
      const target = clampPos(g, posRef.current + e.deltaY * unit);
      if (target === posRef.current) return; // at an end: let it chain
      e.preventDefault();
      applyPos(target);
    };
    el.addEventListener("wheel", onWheel, { passive: false });
    return () => el.removeEventListener("wheel", onWheel);
  }, [geometry.scaled]);

  const pos = geometry.scaled ? view.pos : view.scrollTop;
  const range = visibleRange(geometry, pos, OVERSCAN);
  const first = range?.first ?? 0;
  const last = range?.last ?? -1;
  const indexes: number[] = [];
  for (let i = first; i <= last; i++) indexes.push(i);

  useEffect(() => {
    cache.ensureRange(first, last);
  }, [cache, first, last]);

  const scrollIntoView = (index: number) => {
    const el = scrollRef.current;
    if (!el) return;
    const g = scrollGeometry(total, el.clientHeight);
    const current = g.scaled ? posRef.current : el.scrollTop;
    const next = revealRow(g, current, index);
    if (next !== current) applyPos(next);
  };

  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(total - 1, index));
    setActive(next);
    scrollIntoView(next);
  };

  const open = (index: number) => {
    const row = cache.getRow(index);
    if (row && onOpen) onOpen(row.id);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === "Escape" && onEscape) {
      // Handled here: the app must not also go back.
      e.preventDefault();
      onEscape();
      return;
    }
    if (total === 0) return;
    if (e.key === "Enter" && onOpen) {
      e.preventDefault();
      open(activeIndex);
      return;
    }
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 0) / ROW_HEIGHT) - 1);
    let next: number;
    switch (e.key) {
      case "ArrowDown":
        next = activeIndex + 1;
        break;
      case "ArrowUp":
        next = activeIndex - 1;
        break;
      case "PageDown":
        next = activeIndex + pageRows;
        break;
      case "PageUp":
        next = activeIndex - pageRows;
        break;
      case "Home":
        next = 0;
        break;
      case "End":
        next = total - 1;
        break;
      default:
        return;
    }
    e.preventDefault();
    moveTo(next);
  };

  const activeRendered = activeIndex >= first && activeIndex <= last;

  return (
    <div className="record-table">
      <div className="record-header" aria-hidden="true">
        <span className="cell">{t("records.columns.title")}</span>
        <span className="cell">{t("records.columns.author")}</span>
        <span className="cell cell-year">{t("records.columns.year")}</span>
        <span className="cell">{t("records.columns.type")}</span>
      </div>
      <div
        ref={scrollRef}
        className="record-list"
        role="listbox"
        aria-label={label ?? t("records.listLabel")}
        tabIndex={0}
        data-testid="record-list"
        aria-activedescendant={activeRendered ? `record-row-${activeIndex}` : undefined}
        onKeyDown={onKeyDown}
      >
        <div
          className="record-list-sizer"
          // Scaled: rows near the ends may hang past the capped sizer; clip them
          // so they never stretch the scroll range.
          style={{ height: geometry.sizerHeight, overflow: geometry.scaled ? "hidden" : undefined }}
        >
          {indexes.map((index) => (
            <Row
              key={index}
              index={index}
              start={rowTop(geometry, index, view.pos, view.scrollTop)}
              total={total}
              row={cache.getRow(index)}
              selected={index === activeIndex}
              onSelect={setActive}
              onOpen={open}
            />
          ))}
        </div>
      </div>
    </div>
  );
}

interface RowProps {
  index: number;
  start: number;
  total: number;
  row: RecordRow | undefined;
  selected: boolean;
  onSelect: (index: number) => void;
  onOpen: (index: number) => void;
}

function Row({ index, start, total, row, selected, onSelect, onOpen }: RowProps) {
  const { t } = useTranslation();
  return (
    <div
      role="option"
      id={`record-row-${index}`}
      data-testid="record-row"
      data-index={index}
      data-loading={row ? undefined : "true"}
      aria-selected={selected}
      aria-setsize={total}
      aria-posinset={index + 1}
      className={`record-row${selected ? " is-active" : ""}${index % 2 ? " is-odd" : ""}`}
      style={{ height: ROW_HEIGHT, transform: `translateY(${start}px)` }}
      onClick={() => onSelect(index)}
      onDoubleClick={() => onOpen(index)}
    >
      {row ? (
        <>
          <span className="cell cell-title" data-testid="cell-title">
            {row.title}
          </span>
          <span className="cell cell-author" data-testid="cell-author">
            {row.author ?? <Missing label={t("records.noAuthor")} />}
          </span>
          <span className="cell cell-year" data-testid="cell-year">
            {row.year !== null ? String(row.year) : <Missing label={t("records.noYear")} />}
          </span>
          <span className="cell cell-type" data-testid="cell-type">
            {t(`materialType.${row.material_type}`)}
          </span>
        </>
      ) : (
        <span className="cell cell-loading">{t("records.loadingRow")}</span>
      )}
    </div>
  );
}
