import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from "react";
import { useTranslation } from "react-i18next";
import { useWindowKeydown } from "../components/windowKeys";
import { toErrorPayload, type CatalogApi } from "../api";
import type { CatalogSummary } from "../bindings/CatalogSummary";
import type { SearchFacets } from "../bindings/SearchFacets";
import type { SearchHit } from "../bindings/SearchHit";
import type { SearchSort } from "../bindings/SearchSort";
import { RecordList } from "../components/RecordList";
import { currentLanguage, formatNumber } from "../i18n";
import { PAGE_SIZE, type RowSource } from "../recordCache";
import { AdvancedSearch } from "./AdvancedSearch";
import { FACET_GROUPS, facetEntries } from "./facets";
import { labeller } from "./labels";
import { activeFilters, addClause, emptyForm, removeClause, type AdvancedForm } from "./queryBuilder";
import "./search.css";

export interface SearchScreenProps {
  api: CatalogApi;
  /** null while the first summary is on its way. */
  summary: CatalogSummary | null;
  summaryFailed: boolean;
  /** The search box's text, kept by the app so it survives opening a record and coming back. */
  query: string;
  onQueryChange(query: string): void;
  /** Opens a record (Enter or a click on a result). */
  onOpen(id: string): void;
  onError(err: unknown): void;
}

/**
 * How long typing must pause before the box is searched. Short: a search takes a few
 * milliseconds in core (p99 under 5 ms at 100,000 records), and results must follow a keystroke
 * within 100 ms; the pause only spares the index the middle of a fast burst, and answers to
 * superseded queries are dropped anyway.
 */
export const SEARCH_DEBOUNCE_MS = 40;

export const SORTS: readonly SearchSort[] = ["relevance", "title", "author", "year"];

/** The results of one query, as shown. */
interface Shown {
  text: string;
  sort: SearchSort;
  total: number;
  facets: SearchFacets | null;
  hits: SearchHit[];
  /** Counts searches, so that each new result set starts its list afresh. */
  generation: number;
}

const isEditable = (el: EventTarget | null) =>
  el instanceof HTMLElement && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

/**
 * The catalog: one search box with results as you type, an advanced form that writes its query
 * into the box, facets, sort and a virtualized results list. An empty box lists every record
 * in title order.
 */
export function SearchScreen({ api, summary, summaryFailed, query, onQueryChange, onOpen, onError }: SearchScreenProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const base = useId();
  const boxRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const [sort, setSort] = useState<SearchSort>("relevance");
  const [shown, setShown] = useState<Shown | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [searching, setSearching] = useState(false);
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const [form, setForm] = useState<AdvancedForm>(emptyForm);
  const [branches, setBranches] = useState<ReadonlyMap<string, string>>(new Map());
  /** Bumped by Enter in the box: search now, without waiting for the pause. */
  const [flush, setFlush] = useState(0);
  const immediate = useRef(false);
  /** The latest search; a response for any other is stale and dropped. */
  const latest = useRef(0);
  const generation = useRef(0);
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;

  const text = query.trim();
  const total = summary?.records ?? 0;
  // The catalog changed (an import, a save): search again.
  const catalogVersion = summary ? `${summary.records}:${summary.changes}` : "";

  // Branch names for the branch facet; the codes do if they cannot be read.
  useEffect(() => {
    let live = true;
    api.branches().then(
      (list) => live && setBranches(new Map(list.map((b) => [b.code, b.name]))),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api]);

  useEffect(() => {
    const id = ++latest.current;
    if (!text) {
      setShown(null);
      setInvalid(null);
      setSearching(false);
      return;
    }
    setSearching(true);
    const delay = immediate.current ? 0 : SEARCH_DEBOUNCE_MS;
    immediate.current = false;
    const timer = setTimeout(() => {
      api.search({ text, offset: 0, limit: PAGE_SIZE, sort, facets: true }).then(
        (results) => {
          if (id !== latest.current) return;
          setShown({
            text,
            sort,
            total: results.total,
            facets: results.facets,
            hits: results.hits,
            generation: ++generation.current,
          });
          setInvalid(null);
          setSearching(false);
        },
        (err: unknown) => {
          if (id !== latest.current) return;
          setSearching(false);
          const payload = toErrorPayload(err);
          // A query the cataloger is still typing: say what is wrong under the box, keep the last results.
          if (payload.code === "invalid_input") setInvalid(payload.message);
          else onErrorRef.current(err);
        },
      );
    }, delay);
    return () => {
      clearTimeout(timer);
      latest.current++;
    };
  }, [api, text, sort, flush, catalogVersion]);

  // Ctrl+F and "/" (outside a text field) go to the box.
  useWindowKeydown((e) => {
    if (e.defaultPrevented || document.querySelector("dialog[open]")) return;
    const find = (e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === "f";
    const slash = e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && !isEditable(e.target);
    if (!find && !slash) return;
    e.preventDefault();
    boxRef.current?.focus();
    boxRef.current?.select();
  });

  const source: RowSource | undefined = useMemo(() => {
    if (!shown) return undefined;
    const { text: q, sort: s } = shown;
    return (offset, limit) => api.search({ text: q, offset, limit, sort: s, facets: false }).then((r) => r.hits);
  }, [api, shown]);

  const labels = useMemo(() => labeller(t, i18n, branches), [t, i18n, branches, lang]);
  const filters = activeFilters(query);

  const focusBox = useCallback(() => boxRef.current?.focus(), []);
  const listShown = text ? (shown?.total ?? 0) > 0 : total > 0;

  const onBoxKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Escape") {
      if (!query) return;
      // Handled here: the app must not also go back.
      e.preventDefault();
      onQueryChange("");
    } else if ((e.key === "ArrowDown" || e.key === "ArrowUp") && listShown) {
      e.preventDefault();
      listRef.current?.focus();
    } else if (e.key === "Enter") {
      e.preventDefault();
      immediate.current = true;
      setFlush((n) => n + 1);
    }
  };

  const errorId = `${base}-error`;
  const hintId = `${base}-hint`;
  const advancedId = `${base}-advanced`;

  return (
    <div className="search-screen">
      <div className="search-bar" role="search">
        <label className="search-label" htmlFor={`${base}-box`}>
          {t("search.box.label")}
        </label>
        <div className="search-box-row">
          <input
            ref={boxRef}
            id={`${base}-box`}
            className="search-box"
            type="search"
            data-testid="search-box"
            autoComplete="off"
            spellCheck={false}
            placeholder={t("search.box.placeholder")}
            aria-keyshortcuts="Control+F"
            aria-describedby={invalid ? `${errorId} ${hintId}` : hintId}
            aria-invalid={invalid ? true : undefined}
            value={query}
            onChange={(e) => onQueryChange(e.target.value)}
            onKeyDown={onBoxKeyDown}
          />
          <button
            type="button"
            className="advanced-toggle"
            data-testid="advanced-toggle"
            aria-expanded={advancedOpen}
            aria-controls={advancedOpen ? advancedId : undefined}
            onClick={() => setAdvancedOpen((o) => !o)}
          >
            {t("search.advanced.toggle")}
          </button>
        </div>
        <p id={hintId} className="search-hint">
          {t("search.box.hint")}
        </p>
        {invalid && (
          <p id={errorId} className="search-error" role="alert" data-testid="search-error">
            <strong>{t("search.box.invalid")}</strong> {invalid}
          </p>
        )}
      </div>
      {advancedOpen && (
        <AdvancedSearch
          id={advancedId}
          form={form}
          onChange={setForm}
          labels={labels}
          onSearch={(q) => {
            onQueryChange(q);
            focusBox();
          }}
        />
      )}
      {text ? (
        <Results
          api={api}
          query={query}
          shown={shown}
          stale={invalid !== null}
          searching={searching}
          filters={filters}
          sort={sort}
          onSort={setSort}
          source={source}
          labels={labels}
          listRef={listRef}
          onQueryChange={onQueryChange}
          onOpen={onOpen}
          onEscape={focusBox}
          onError={onError}
        />
      ) : (
        <>
          <div className="list-title">
            <h2 data-testid="list-heading">{t("records.heading")}</h2>
            <p className="record-count" data-testid="record-count" aria-live="polite">
              {summary
                ? t("records.count", { count: total, formatted: formatNumber(total, lang) })
                : summaryFailed
                  ? t("records.countUnavailable")
                  : t("records.countLoading")}
            </p>
          </div>
          {summary && total > 0 ? (
            <RecordList api={api} total={total} onError={onError} onOpen={onOpen} onEscape={focusBox} listRef={listRef} />
          ) : summary ? (
            <p className="empty-state">{t("records.empty")}</p>
          ) : null}
        </>
      )}
    </div>
  );
}

interface ResultsProps {
  api: CatalogApi;
  query: string;
  shown: Shown | null;
  /** The box holds a query that could not be read: the results are the last good query's. */
  stale: boolean;
  searching: boolean;
  filters: string[];
  sort: SearchSort;
  onSort(sort: SearchSort): void;
  source: RowSource | undefined;
  labels: ReturnType<typeof labeller>;
  listRef: RefObject<HTMLDivElement | null>;
  onQueryChange(query: string): void;
  onOpen(id: string): void;
  onEscape(): void;
  onError(err: unknown): void;
}

function Results({
  api,
  query,
  shown,
  stale,
  searching,
  filters,
  sort,
  onSort,
  source,
  labels,
  listRef,
  onQueryChange,
  onOpen,
  onEscape,
  onError,
}: ResultsProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const base = useId();
  const count = shown?.total ?? 0;
  const facets = shown?.facets ?? null;

  return (
    <div className={`search-results${stale ? " is-stale" : ""}`} data-testid="search-results" aria-busy={searching}>
      <div className="list-title">
        <h2 data-testid="list-heading">{t("search.results.heading")}</h2>
        <p className="record-count" data-testid="search-total" aria-live="polite">
          {shown ? t("search.results.total", { count, formatted: formatNumber(count, lang) }) : t("search.results.searching")}
        </p>
        <div className="search-sort">
          <label htmlFor={`${base}-sort`}>{t("search.sort.label")}</label>
          <select
            id={`${base}-sort`}
            data-testid="search-sort"
            value={sort}
            onChange={(e) => onSort(e.target.value as SearchSort)}
          >
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {t(`search.sort.${s}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {filters.length > 0 && (
        <ul className="filter-chips" aria-label={t("search.chips.label")} data-testid="filter-chips">
          {filters.map((clause) => {
            const label = labels.chip(clause);
            return (
              <li key={clause}>
                <button
                  type="button"
                  className="chip"
                  data-testid="filter-chip"
                  data-clause={clause}
                  aria-label={t("search.chips.remove", { label })}
                  onClick={() => onQueryChange(removeClause(query, clause))}
                >
                  <span>{label}</span>
                  <span aria-hidden="true" className="chip-x">
                    ×
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <div className="search-body">
        {facets && (
          <section className="search-facets" aria-labelledby={`${base}-facets`} data-testid="facets">
            <h3 id={`${base}-facets`}>{t("search.facets.heading")}</h3>
            {FACET_GROUPS.map((group) => {
              const entries = facetEntries(facets, group);
              if (!entries.length) return null;
              return (
                <div key={group} className="facet-group" role="group" aria-labelledby={`${base}-facet-${group}`}>
                  <h4 id={`${base}-facet-${group}`}>{t(`search.facets.groups.${group}`)}</h4>
                  <ul>
                    {entries.map((entry) => {
                      const pressed = filters.includes(entry.clause);
                      return (
                        <li key={entry.clause}>
                          <button
                            type="button"
                            className="facet-value"
                            data-testid={`facet-${group}-${entry.value}`}
                            aria-pressed={pressed}
                            onClick={() =>
                              onQueryChange(
                                pressed ? removeClause(query, entry.clause) : addClause(query, entry.clause),
                              )
                            }
                          >
                            <span className="facet-label">{labels.facet(group, entry.value)}</span>
                            <span className="facet-count">{formatNumber(entry.count, lang)}</span>
                          </button>
                        </li>
                      );
                    })}
                  </ul>
                </div>
              );
            })}
          </section>
        )}
        <div className="search-list">
          {shown && shown.total > 0 ? (
            <RecordList
              key={shown.generation}
              api={api}
              total={shown.total}
              source={source}
              firstRows={shown.hits}
              label={t("search.results.listLabel", { formatted: formatNumber(shown.total, lang) })}
              onOpen={onOpen}
              onEscape={onEscape}
              onError={onError}
              listRef={listRef}
            />
          ) : shown ? (
            <div className="empty-state" data-testid="search-empty">
              <p>{t("search.results.noMatch", { query: shown.text })}</p>
              <p>{filters.length ? t("search.results.hintFilters") : t("search.results.hintWords")}</p>
            </div>
          ) : null}
        </div>
      </div>
    </div>
  );
}
