import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { CatalogApi } from "../api";
import type { PatronMatch } from "../bindings/PatronMatch";
import { useLang } from "./common";
import { formatDay } from "./format";

export interface PatronSearchProps {
  api: CatalogApi;
  /** Changes when the desk wants the focus in the search box. */
  focusRequest: number;
  onOpen(barcode: string): void;
  onError(err: unknown): void;
}

/** How long typing pauses before the search runs. */
export const SEARCH_DELAY_MS = 150;

/**
 * Find a reader by name (without diacritics, as core folds them) or card number, as you type.
 * A combobox over a listbox: arrows move, Enter opens.
 */
export function PatronSearch(props: PatronSearchProps) {
  const { t } = useTranslation();
  const lang = useLang();
  const { api, onError } = props;
  const inputRef = useRef<HTMLInputElement>(null);
  const [text, setText] = useState("");
  const [results, setResults] = useState<PatronMatch[] | null>(null);
  const [activeIndex, setActiveIndex] = useState(-1);
  const seq = useRef(0);

  useEffect(() => {
    if (props.focusRequest > 0) inputRef.current?.focus();
  }, [props.focusRequest]);

  useEffect(() => {
    const query = text.trim();
    const mine = ++seq.current;
    if (!query) {
      setResults(null);
      setActiveIndex(-1);
      return;
    }
    const timer = setTimeout(() => {
      api.findPatrons(query, 20).then(
        (found) => {
          if (seq.current !== mine) return;
          setResults(found);
          setActiveIndex(found.length > 0 ? 0 : -1);
        },
        (err) => {
          if (seq.current === mine) onError(err);
        },
      );
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, api, onError]);

  const list = results ?? [];
  const optionId = (i: number) => `desk-patron-option-${i}`;
  const expanded = list.length > 0;

  return (
    <div className="desk-search">
      <label htmlFor="desk-patron-search">{t("desk.search.label")}</label>
      <input
        id="desk-patron-search"
        ref={inputRef}
        data-testid="patron-search"
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls="desk-patron-results"
        aria-activedescendant={expanded && activeIndex >= 0 ? optionId(activeIndex) : undefined}
        aria-describedby="desk-patron-search-hint"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" && list.length > 0) {
            e.preventDefault();
            setActiveIndex((i) => Math.min(list.length - 1, i + 1));
          } else if (e.key === "ArrowUp" && list.length > 0) {
            e.preventDefault();
            setActiveIndex((i) => Math.max(0, i - 1));
          } else if (e.key === "Home" && list.length > 0 && e.ctrlKey) {
            e.preventDefault();
            setActiveIndex(0);
          } else if (e.key === "End" && list.length > 0 && e.ctrlKey) {
            e.preventDefault();
            setActiveIndex(list.length - 1);
          } else if (e.key === "Enter") {
            const chosen = list[activeIndex];
            if (chosen) {
              e.preventDefault();
              props.onOpen(chosen.barcode);
            }
          }
        }}
      />
      <p id="desk-patron-search-hint" className="desk-hint">
        {t("desk.search.hint")}
      </p>
      <ul
        id="desk-patron-results"
        role="listbox"
        aria-label={t("desk.search.results")}
        className="desk-results"
        data-testid="patron-results"
        hidden={!expanded}
      >
        {list.map((p, i) => (
          <li
            key={p.id}
            id={optionId(i)}
            role="option"
            aria-selected={i === activeIndex}
            className={i === activeIndex ? "active" : undefined}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => props.onOpen(p.barcode)}
          >
            <span className="desk-list-title">{p.name}</span>{" "}
            <span className="desk-muted">
              {p.barcode} · {t(`desk.category.${p.category}`, { defaultValue: p.category })} ·{" "}
              {t("desk.patron.expiresOn", { date: formatDay(p.expires_on, lang) })}
            </span>
            {p.blocked && <strong className="desk-badge-overdue"> {t("desk.search.blocked")}</strong>}
          </li>
        ))}
      </ul>
      <p className="desk-muted" role="status" data-testid="patron-search-status">
        {results === null ? "" : t("desk.search.count", { count: results.length })}
      </p>
    </div>
  );
}
