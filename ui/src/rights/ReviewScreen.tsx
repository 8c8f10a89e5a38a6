import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { toErrorPayload, type CatalogApi } from "../api";
import type { DeterminationSummary } from "../bindings/DeterminationSummary";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { ReviewFilter } from "../bindings/ReviewFilter";
import type { ReviewPage } from "../bindings/ReviewPage";
import type { ReviewSort } from "../bindings/ReviewSort";
import { currentLanguage, formatNumber } from "../i18n";
import { DetermineDialog, type Determined } from "./DetermineDialog";
import { EMPTY_SELECTION, inStatusOrder, pageState, selectRange, setPage, toggle, type Selection } from "./logic";
import { RightsError } from "./RightsError";
import "./rights.css";

export interface ReviewScreenProps {
  api: CatalogApi;
  onOpenRecord(id: string): void;
  onError(err: unknown): void;
  /** Works per page. */
  pageSize?: number;
}

const FILTERS: ReviewFilter[] = ["needs_review", "not_evaluated", "undetermined"];
const SORTS: ReviewSort[] = ["most_borrowed", "oldest", "digital_first", "title"];

type Load = { state: "loading" } | { state: "ready"; page: ReviewPage } | { state: "failed"; error: ErrorPayload };

/**
 * The rights review queue: the works no one has decided, in the order that matters (most
 * borrowed, oldest, with digital copies, by title), page by page; many chosen at once and
 * determined by a person with a reason, or evaluated by the rules.
 */
export function ReviewScreen({ api, onOpenRecord, onError, pageSize = 50 }: ReviewScreenProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const num = useCallback((n: number) => formatNumber(n, lang), [lang]);
  const [filter, setFilter] = useState<ReviewFilter>("needs_review");
  const [sort, setSort] = useState<ReviewSort>("most_borrowed");
  const [offset, setOffset] = useState(0);
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [selection, setSelection] = useState<Selection>(EMPTY_SELECTION);
  const [determining, setDetermining] = useState(false);
  const [evaluating, setEvaluating] = useState(false);
  const [message, setMessage] = useState("");
  const [reloads, setReloads] = useState(0);
  const request = useRef(0);
  const headerBox = useRef<HTMLInputElement>(null);
  const tableRef = useRef<HTMLTableElement>(null);

  useEffect(() => {
    const mine = ++request.current;
    setLoad((l) => (l.state === "ready" ? l : { state: "loading" }));
    api.rightsReviewQueue({ filter, sort, offset, limit: pageSize }).then(
      (page) => {
        if (mine !== request.current) return;
        // A page emptied by decisions steps back to the last page that has works.
        if (page.entries.length === 0 && offset > 0 && page.total > 0) {
          setOffset(Math.floor((page.total - 1) / pageSize) * pageSize);
          return;
        }
        setLoad({ state: "ready", page });
      },
      (err) => mine === request.current && setLoad({ state: "failed", error: toErrorPayload(err) }),
    );
  }, [api, filter, sort, offset, pageSize, reloads]);

  const page = load.state === "ready" ? load.page : null;
  const order = useMemo(() => page?.entries.map((e) => e.record_id) ?? [], [page]);
  const state = pageState(selection, order);

  useEffect(() => {
    if (headerBox.current) headerBox.current.indeterminate = state === "some";
  }, [state]);

  const resultText = (summary: DeterminationSummary, key: "determined" | "evaluated") => {
    const list = inStatusOrder(summary.by_status)
      .map((c) => `${t(`rights.status.${c.status}.name`)} (${num(c.count)})`)
      .join(", ");
    return [
      t(`rights.review.${key}`, { count: summary.records, formatted: num(summary.records), changed: num(summary.changed) }),
      list ? t("rights.review.resultStatuses", { list }) : "",
    ]
      .filter(Boolean)
      .join(" ");
  };

  const determine = async (choice: Determined) => {
    const summary = await api.setRightsStatus({
      record_ids: [...selection.ids],
      status: choice.status,
      access: choice.access,
      reason: choice.reason,
    });
    setDetermining(false);
    setSelection(EMPTY_SELECTION);
    setMessage(resultText(summary, "determined"));
    setReloads((n) => n + 1);
  };

  const evaluate = async (ids: string[] | null) => {
    setEvaluating(true);
    setMessage("");
    try {
      const summary = await api.computeRights(ids);
      setSelection(EMPTY_SELECTION);
      setMessage(resultText(summary, "evaluated"));
      setReloads((n) => n + 1);
    } catch (err) {
      onError(err);
    } finally {
      setEvaluating(false);
    }
  };

  const choose = (id: string, range: boolean) =>
    setSelection((s) => (range ? selectRange(s, order, id) : toggle(s, id)));

  const onBoxKey = (e: KeyboardEvent<HTMLInputElement>, id: string) => {
    if (e.key === " " && e.shiftKey) {
      e.preventDefault();
      choose(id, true);
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const next = order[order.indexOf(id) + (e.key === "ArrowDown" ? 1 : -1)];
      const boxes = tableRef.current?.querySelectorAll<HTMLInputElement>("input[data-row-box]") ?? [];
      if (next) Array.from(boxes).find((b) => b.dataset.rowBox === next)?.focus();
    }
  };

  const count = selection.ids.size;
  const total = page?.total ?? 0;

  return (
    <section className="rights" data-testid="rights-review" aria-labelledby="rights-review-title">
      <header className="rights-head">
        <div>
          <h2 id="rights-review-title">{t("rights.review.title")}</h2>
          <p className="rights-intro">{t("rights.review.intro")}</p>
        </div>
      </header>
      <div className="rights-controls">
        <label>
          {t("rights.review.filter")}{" "}
          <select
            value={filter}
            data-testid="rights-filter"
            onChange={(e) => {
              setFilter(e.target.value as ReviewFilter);
              setOffset(0);
            }}
          >
            {FILTERS.map((f) => (
              <option key={f} value={f}>
                {t(`rights.review.filters.${f}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("rights.review.sort")}{" "}
          <select
            value={sort}
            data-testid="rights-sort"
            onChange={(e) => {
              setSort(e.target.value as ReviewSort);
              setOffset(0);
            }}
          >
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {t(`rights.review.sorts.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="rights-actions" role="toolbar" aria-label={t("rights.panel.actions")}>
        <span data-testid="rights-selected">{t("rights.review.selected", { count, formatted: num(count) })}</span>
        <button type="button" data-testid="rights-determine" disabled={count === 0} onClick={() => setDetermining(true)}>
          {t("rights.review.determine")}
        </button>
        <button
          type="button"
          data-testid="rights-evaluate-selected"
          disabled={count === 0 || evaluating}
          onClick={() => void evaluate([...selection.ids])}
        >
          {t("rights.review.evaluateSelected")}
        </button>
        <button type="button" data-testid="rights-evaluate-all" disabled={evaluating} onClick={() => void evaluate(null)}>
          {evaluating ? t("rights.review.evaluating") : t("rights.review.evaluateAll")}
        </button>
        <button type="button" data-testid="rights-clear" disabled={count === 0} onClick={() => setSelection(EMPTY_SELECTION)}>
          {t("rights.review.clear")}
        </button>
      </div>
      <p role="status" className="rights-message" data-testid="rights-message">
        {message}
      </p>
      <div className="rights-body" aria-busy={load.state === "loading"}>
        {load.state === "loading" && <p data-testid="rights-loading">{t("rights.review.loading")}</p>}
        {load.state === "failed" && (
          <div>
            <RightsError testId="rights-review-error" lead={t("rights.review.failed")} error={load.error} />
            <button type="button" data-testid="rights-retry" onClick={() => setReloads((n) => n + 1)}>
              {t("rights.review.retry")}
            </button>
          </div>
        )}
        {page && page.total === 0 && (
          <p className="rights-empty" data-testid="rights-empty">
            {t("rights.review.empty")}
          </p>
        )}
        {page && page.total > 0 && (
          <>
            <p className="rights-total" data-testid="rights-total">
              {t("rights.review.total", { count: total, formatted: num(total) })}.{" "}
              {t("rights.review.range", { from: num(offset + 1), to: num(offset + page.entries.length), total: num(total) })}
            </p>
            <p className="rights-hint" id="rights-keyboard-hint">
              {t("rights.review.keyboardHint")}
            </p>
            <table ref={tableRef} className="rights-table" data-testid="rights-table" aria-describedby="rights-keyboard-hint">
              <caption className="visually-hidden">{t("rights.review.table")}</caption>
              <thead>
                <tr>
                  <th scope="col">
                    <input
                      ref={headerBox}
                      type="checkbox"
                      aria-label={t("rights.review.selectAll")}
                      checked={state === "all"}
                      onChange={() => setSelection((s) => setPage(s, order, state !== "all"))}
                      data-testid="rights-select-page"
                    />
                  </th>
                  <th scope="col">{t("rights.review.col.title")}</th>
                  <th scope="col">{t("rights.review.col.author")}</th>
                  <th scope="col">{t("rights.review.col.year")}</th>
                  <th scope="col">{t("rights.review.col.status")}</th>
                  <th scope="col">{t("rights.review.col.why")}</th>
                  <th scope="col" className="rights-num">
                    {t("rights.review.col.loans")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.entries.map((e) => {
                  const selected = selection.ids.has(e.record_id);
                  return (
                    <tr key={e.record_id} className={selected ? "rights-selected" : undefined} data-testid={`rights-row-${e.record_id}`}>
                      <td>
                        <input
                          type="checkbox"
                          checked={selected}
                          aria-label={t("rights.review.selectRow", { title: e.title })}
                          data-row-box={e.record_id}
                          data-testid={`rights-select-${e.record_id}`}
                          onChange={(ev) => choose(e.record_id, (ev.nativeEvent as MouseEvent).shiftKey === true)}
                          onKeyDown={(ev) => onBoxKey(ev, e.record_id)}
                        />
                      </td>
                      <th scope="row">
                        <button
                          type="button"
                          className="rights-open"
                          aria-label={t("rights.review.open", { title: e.title })}
                          data-testid={`rights-open-${e.record_id}`}
                          onClick={() => onOpenRecord(e.record_id)}
                        >
                          {e.title}
                        </button>
                      </th>
                      <td>{e.author ?? ""}</td>
                      <td>{e.year ?? ""}</td>
                      <td>{e.status ? t(`rights.status.${e.status}.name`) : t("rights.notEvaluated")}</td>
                      <td className="rights-why">{(lang === "vi" ? e.explanation_vi : e.explanation_en) ?? ""}</td>
                      <td className="rights-num">{num(e.loans)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <nav className="rights-pages" aria-label={t("rights.review.pages")}>
              <button
                type="button"
                data-testid="rights-previous"
                disabled={offset === 0}
                onClick={() => setOffset(Math.max(0, offset - pageSize))}
              >
                {t("rights.review.previous")}
              </button>
              <button
                type="button"
                data-testid="rights-next"
                disabled={offset + page.entries.length >= total}
                onClick={() => setOffset(offset + pageSize)}
              >
                {t("rights.review.next")}
              </button>
            </nav>
          </>
        )}
      </div>
      {determining && (
        <DetermineDialog count={count} onConfirm={determine} onCancel={() => setDetermining(false)} />
      )}
    </section>
  );
}
