import { useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { toErrorPayload, type CatalogApi } from "../api";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { FullTextHit } from "../bindings/FullTextHit";
import type { FullTextResults } from "../bindings/FullTextResults";
import { currentLanguage, formatNumber } from "../i18n";
import { KIND_ICON, readerOf, VIEW_AS_STAFF, type ViewAs } from "./format";
import { RefusedPanel } from "./RefusedPanel";
import { ViewAsControl } from "./ViewAsControl";
import "./digital.css";

/** Hits per page. */
export const FULLTEXT_PAGE = 20;
/** How long typing pauses before the search runs. */
export const FULLTEXT_DEBOUNCE_MS = 300;

export interface FullTextScreenProps {
  api: CatalogApi;
  /** Opens the hit's object in the viewer, at a part when an excerpt was chosen. */
  onOpen(objectId: string, recordId: string, part: number | null): void;
}

type Search =
  | { state: "idle" }
  | { state: "searching" }
  | { state: "failed"; error: ErrorPayload }
  | { state: "ready"; results: FullTextResults };

/**
 * Search inside the text of every digital object: words and phrases, diacritics optional.
 * Each hit names the work and the object; a hit the reader may open shows its excerpts with
 * the matched words marked, one the reader may not open says why instead.
 */
export function FullTextScreen({ api, onOpen }: FullTextScreenProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const id = useId();
  const [text, setText] = useState("");
  const [query, setQuery] = useState("");
  const [offset, setOffset] = useState(0);
  const [viewAs, setViewAs] = useState<ViewAs>(VIEW_AS_STAFF);
  const [search, setSearch] = useState<Search>({ state: "idle" });
  const readerKey = JSON.stringify(readerOf(viewAs));

  useEffect(() => {
    const timer = setTimeout(() => {
      setQuery(text.trim());
      setOffset(0);
    }, FULLTEXT_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);

  useEffect(() => {
    if (!query) {
      setSearch({ state: "idle" });
      return;
    }
    let cancelled = false;
    setSearch({ state: "searching" });
    api.searchFullText({ text: query, offset, limit: FULLTEXT_PAGE }, JSON.parse(readerKey)).then(
      (results) => {
        if (!cancelled) setSearch({ state: "ready", results });
      },
      (err: unknown) => {
        if (!cancelled) setSearch({ state: "failed", error: toErrorPayload(err) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, query, offset, readerKey]);

  const results = search.state === "ready" ? search.results : null;
  const total = results?.total ?? 0;
  const status =
    search.state === "searching"
      ? t("digital.fulltext.searching")
      : results
        ? total === 0
          ? t("digital.fulltext.none", { query })
          : t("digital.fulltext.count", {
              count: total,
              formatted: formatNumber(total, lang),
              from: formatNumber(offset + 1, lang),
              to: formatNumber(offset + results.hits.length, lang),
            })
        : "";

  return (
    <section className="fulltext-screen" aria-labelledby={`${id}-heading`} data-testid="fulltext-screen">
      <h2 id={`${id}-heading`}>{t("digital.fulltext.heading")}</h2>
      <form
        role="search"
        className="fulltext-form"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(text.trim());
          setOffset(0);
        }}
      >
        <label htmlFor={`${id}-box`}>{t("digital.fulltext.box")}</label>
        <input
          id={`${id}-box`}
          type="search"
          value={text}
          aria-describedby={`${id}-help`}
          onChange={(e) => setText(e.target.value)}
          data-testid="fulltext-box"
        />
        <button type="submit" data-testid="fulltext-submit">
          {t("digital.fulltext.submit")}
        </button>
        <span id={`${id}-help`} className="digital-muted">
          {t("digital.fulltext.help")}
        </span>
      </form>
      <ViewAsControl value={viewAs} onChange={setViewAs} testId="fulltext-view-as" />
      <p role="status" className="digital-muted" data-testid="fulltext-status">
        {status}
      </p>
      {search.state === "failed" && (
        <p className="digital-inline-error" role="alert" data-testid="fulltext-error">
          {t("digital.fulltext.failed")} {search.error.message}
        </p>
      )}
      {results && results.hits.length > 0 && (
        <ol className="fulltext-hits" start={offset + 1} aria-label={t("digital.fulltext.results")} data-testid="fulltext-hits">
          {results.hits.map((hit) => (
            <Hit key={hit.object_id} hit={hit} onOpen={onOpen} />
          ))}
        </ol>
      )}
      {results && total > FULLTEXT_PAGE && (
        <nav className="fulltext-pager" aria-label={t("digital.fulltext.pages")}>
          <button
            type="button"
            disabled={offset === 0}
            onClick={() => setOffset((o) => Math.max(0, o - FULLTEXT_PAGE))}
            data-testid="fulltext-prev"
          >
            {t("digital.fulltext.previous")}
          </button>
          <span data-testid="fulltext-page">
            {t("digital.fulltext.page", {
              page: formatNumber(Math.floor(offset / FULLTEXT_PAGE) + 1, lang),
              pages: formatNumber(Math.ceil(total / FULLTEXT_PAGE), lang),
            })}
          </span>
          <button
            type="button"
            disabled={offset + FULLTEXT_PAGE >= total}
            onClick={() => setOffset((o) => o + FULLTEXT_PAGE)}
            data-testid="fulltext-next"
          >
            {t("digital.fulltext.next")}
          </button>
        </nav>
      )}
    </section>
  );
}

function Hit({ hit, onOpen }: { hit: FullTextHit; onOpen: FullTextScreenProps["onOpen"] }) {
  const { t } = useTranslation();
  const headingId = useId();
  const name = hit.label ?? hit.file_name;
  return (
    <li className="fulltext-hit" aria-labelledby={headingId} data-testid="fulltext-hit" data-object={hit.object_id}>
      <h3 id={headingId}>{hit.title}</h3>
      {hit.author && <p className="fulltext-author">{hit.author}</p>}
      <p className="digital-muted">
        <span aria-hidden="true">{KIND_ICON[hit.kind]} </span>
        {t(`digital.kind.${hit.kind}`)} · {name}
      </p>
      {hit.decision.allowed ? (
        <>
          <ul className="fulltext-excerpts">
            {hit.excerpts.map((excerpt, i) => (
              <li key={`${excerpt.part}-${i}`} data-testid="fulltext-excerpt">
                <p className="fulltext-excerpt-text">
                  <span className="fulltext-part">{excerpt.part_label}: </span>
                  {excerpt.segments.map((s, j) => (s.highlighted ? <mark key={j}>{s.text}</mark> : <span key={j}>{s.text}</span>))}
                </p>
                <button
                  type="button"
                  onClick={() => onOpen(hit.object_id, hit.record_id, excerpt.part)}
                  aria-label={t("digital.fulltext.openAtNamed", { part: excerpt.part_label, name: `${hit.title} — ${name}` })}
                  data-testid="fulltext-open-part"
                >
                  {t("digital.fulltext.openAt", { part: excerpt.part_label })}
                </button>
              </li>
            ))}
          </ul>
          <button
            type="button"
            onClick={() => onOpen(hit.object_id, hit.record_id, null)}
            aria-label={t("digital.fulltext.openNamed", { name: `${hit.title} — ${name}` })}
            data-testid="fulltext-open"
          >
            {t("digital.fulltext.open")}
          </button>
        </>
      ) : (
        <RefusedPanel decision={hit.decision} testId="fulltext-refused" alert={false} />
      )}
    </li>
  );
}
