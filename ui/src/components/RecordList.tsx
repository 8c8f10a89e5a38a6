import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import type { CatalogApi } from "../api";
import type { RecordRow } from "../bindings/RecordRow";
import { RecordCache } from "../recordCache";

/**
 * Fixed row height in CSS pixels. Browsers cap an element's height near
 * 33,554,431 px, so 32 px rows keep 1,000,000 records scrollable.
 */
export const ROW_HEIGHT = 32;
const OVERSCAN = 6;

export interface RecordListProps {
  api: CatalogApi;
  total: number;
  onError: (err: unknown) => void;
}

function Missing({ label }: { label: string }) {
  return (
    <>
      <span aria-hidden="true">—</span>
      <span className="visually-hidden">{label}</span>
    </>
  );
}

export function RecordList({ api, total, onError }: RecordListProps) {
  const { t } = useTranslation();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [, setVersion] = useState(0);
  const [active, setActive] = useState(0);
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;

  // A new total means rows may have shifted: start from an empty cache.
  const cache = useMemo(
    () =>
      new RecordCache(
        api,
        () => setVersion((v) => v + 1),
        (err) => onErrorRef.current(err),
      ),
    [api, total],
  );

  const activeIndex = Math.min(active, Math.max(total - 1, 0));

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    useFlushSync: false,
  });

  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;

  useEffect(() => {
    cache.ensureRange(first, last);
  }, [cache, first, last]);

  const scrollIntoView = (index: number) => {
    const el = scrollRef.current;
    if (!el) return;
    const top = index * ROW_HEIGHT;
    const bottom = top + ROW_HEIGHT;
    if (top < el.scrollTop) {
      el.scrollTop = top;
    } else if (bottom > el.scrollTop + el.clientHeight) {
      el.scrollTop = bottom - el.clientHeight;
    }
  };

  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(total - 1, index));
    setActive(next);
    scrollIntoView(next);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (total === 0 || e.altKey || e.ctrlKey || e.metaKey) return;
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

  const activeRendered = items.some((item) => item.index === activeIndex);

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
        aria-label={t("records.listLabel")}
        tabIndex={0}
        data-testid="record-list"
        aria-activedescendant={activeRendered ? `record-row-${activeIndex}` : undefined}
        onKeyDown={onKeyDown}
      >
        <div className="record-list-sizer" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => (
            <Row
              key={item.index}
              index={item.index}
              start={item.start}
              total={total}
              row={cache.getRow(item.index)}
              selected={item.index === activeIndex}
              onSelect={setActive}
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
}

function Row({ index, start, total, row, selected, onSelect }: RowProps) {
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
