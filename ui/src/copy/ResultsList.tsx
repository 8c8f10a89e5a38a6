/**
 * A target's records as a single-select listbox: one tab stop, the arrow keys, Home and End
 * move the selection (aria-activedescendant), a click selects. Each option says title,
 * author, publisher, year and ISBNs, which is what a cataloger compares before importing.
 */
import { useEffect, useId, useRef, type KeyboardEvent, type Ref } from "react";
import { useTranslation } from "react-i18next";
import type { CopyHit } from "../bindings/CopyHit";
import { currentLanguage, formatNumber } from "../i18n";

export interface ResultsListProps {
  hits: readonly CopyHit[];
  selected: number;
  onSelect(index: number): void;
  /** The list's accessible name. */
  label: string;
  listRef?: Ref<HTMLDivElement>;
}

export function ResultsList({ hits, selected, onSelect, label, listRef }: ResultsListProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const baseId = useId();
  const hintId = `${baseId}-hint`;
  const optionId = (i: number) => `${baseId}-option-${i}`;
  const activeRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // jsdom has no scrollIntoView; a browser keeps the chosen record in sight.
    activeRef.current?.scrollIntoView?.({ block: "nearest" });
  }, [selected]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (hits.length === 0) return;
    let next: number | null = null;
    if (e.key === "ArrowDown") next = Math.min(hits.length - 1, selected + 1);
    else if (e.key === "ArrowUp") next = Math.max(0, selected - 1);
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = hits.length - 1;
    if (next === null) return;
    e.preventDefault();
    onSelect(next);
  };

  return (
    <>
      <div
        ref={listRef}
        role="listbox"
        tabIndex={0}
        className="copy-results"
        aria-label={label}
        aria-describedby={hintId}
        aria-activedescendant={selected >= 0 && selected < hits.length ? optionId(selected) : undefined}
        onKeyDown={onKeyDown}
        data-testid="copy-results"
      >
        {hits.map((hit, i) => (
          <div
            key={`${hit.position}-${i}`}
            id={optionId(i)}
            ref={i === selected ? activeRef : undefined}
            role="option"
            aria-selected={i === selected}
            className={i === selected ? "copy-hit copy-hit-selected" : "copy-hit"}
            onClick={() => onSelect(i)}
            data-testid="copy-hit"
          >
            <span className="copy-hit-position" aria-hidden="true">
              {formatNumber(hit.position, lang)}.
            </span>
            <span className="copy-hit-body">
              <span className="copy-hit-title">{hit.title || t("copy.preview.noTitle")}</span>
              <span className="copy-hit-line">{hit.author ?? t("copy.results.noAuthor")}</span>
              <span className="copy-hit-line">
                {hit.publisher ?? t("copy.results.noPublisher")}
                {", "}
                {/* A year is a name here, not a quantity: no thousands separator. */}
                {hit.year === null ? t("copy.results.noYear") : String(hit.year)}
              </span>
              {hit.isbns.length > 0 && (
                <span className="copy-hit-line copy-hit-isbn">
                  {t("copy.results.isbn")} {hit.isbns.join(", ")}
                </span>
              )}
            </span>
          </div>
        ))}
      </div>
      <p className="transfer-hint" id={hintId}>
        {t("copy.results.listHint")}
      </p>
    </>
  );
}
