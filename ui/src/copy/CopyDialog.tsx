/**
 * Copy cataloging: search another library's SRU target by ISBN, title or author, page through
 * what it holds, preview a record (described, and as MARC), choose how it is matched against
 * the catalog, import it, and read what happened. The network is awaited with a visible busy
 * state whose Cancel closes the dialog (an answer that arrives later is dropped). This
 * component never builds CQL or judges a record: the SRU client and core do (api.copySearch,
 * api.copyImport); the targets are set up in Settings.
 */
import { useCallback, useEffect, useId, useRef, useState, type RefObject } from "react";
import { useTranslation } from "react-i18next";
import { toErrorPayload, type CatalogApi } from "../api";
import type { CopyImportOutcome } from "../bindings/CopyImportOutcome";
import type { CopyQuery } from "../bindings/CopyQuery";
import type { CopySearchPage } from "../bindings/CopySearchPage";
import type { CopyTarget } from "../bindings/CopyTarget";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { ImportMatch } from "../bindings/ImportMatch";
import type { ImportOnMatch } from "../bindings/ImportOnMatch";
import { useModal } from "../components/modal";
import { currentLanguage, formatNumber } from "../i18n";
import { RadioGroup } from "../transfer/controls";
import "../transfer/transfer.css";
import {
  COPY_PAGE_SIZE,
  SEARCH_BY,
  checkQuery,
  copyFailure,
  failureDetail,
  initialTarget,
  pageStarts,
  rememberTarget,
  storedTarget,
  toQuery,
  type QueryProblem,
  type SearchBy,
} from "./copy";
import { CopyOutcome } from "./CopyOutcome";
import { CopyPreview } from "./CopyPreview";
import { ResultsList } from "./ResultsList";
import "./copy.css";

export interface CopyDialogProps {
  api: CatalogApi;
  onClose(): void;
  /** There is no target yet: the cataloger goes to Settings to add one. */
  onOpenSettings(): void;
  onOpenRecord(id: string): void;
  onEditRecord(id: string): void;
  /** The catalog changed (a record added or overlaid). */
  onImported(outcome: CopyImportOutcome): void;
}

type Targets =
  | { status: "loading" }
  | { status: "ready"; list: CopyTarget[] }
  | { status: "error"; error: ErrorPayload };

type Search =
  | { status: "idle" }
  | { status: "busy"; target: string }
  | { status: "ready"; page: CopySearchPage; query: CopyQuery; selected: number }
  | { status: "error"; error: ErrorPayload };

type Importing = { status: "idle" } | { status: "busy" } | { status: "error"; error: ErrorPayload };

const MATCHES: readonly ImportMatch[] = ["isbn", "control_number", "none"];
const POLICIES: readonly ImportOnMatch[] = ["skip", "overlay", "add"];

export function CopyDialog({ api, onClose, onOpenSettings, onOpenRecord, onEditRecord, onImported }: CopyDialogProps) {
  const { t } = useTranslation();
  const titleId = useId();
  const baseId = useId();

  const [targets, setTargets] = useState<Targets>({ status: "loading" });
  const [target, setTarget] = useState("");
  const [by, setBy] = useState<SearchBy>("isbn");
  const [value, setValue] = useState("");
  const [problem, setProblem] = useState<QueryProblem | null>(null);
  const [search, setSearch] = useState<Search>({ status: "idle" });
  const [matchOn, setMatchOn] = useState<ImportMatch>("isbn");
  const [onMatch, setOnMatch] = useState<ImportOnMatch>("skip");
  const [importing, setImporting] = useState<Importing>({ status: "idle" });
  const [outcome, setOutcome] = useState<CopyImportOutcome | null>(null);

  // Importing writes to the catalog: the dialog stays until it has said what happened.
  const modal = useModal({ canClose: importing.status !== "busy", onClose });

  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const valueRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const settingsRef = useRef<HTMLButtonElement>(null);
  /** Where focus goes once the next render shows it. */
  const focusNext = useRef<"value" | "list" | "cancel" | "settings" | null>(null);

  const loadTargets = useCallback(() => {
    setTargets({ status: "loading" });
    api.copyTargets().then(
      (list) => {
        if (!mounted.current) return;
        setTargets({ status: "ready", list });
        setTarget(initialTarget(list.map((x) => x.name), storedTarget()));
        focusNext.current = list.length > 0 ? "value" : "settings";
      },
      (err: unknown) => {
        if (mounted.current) setTargets({ status: "error", error: toErrorPayload(err) });
      },
    );
  }, [api]);
  useEffect(loadTargets, [loadTargets]);

  useEffect(() => {
    const where = focusNext.current;
    if (!where) return;
    focusNext.current = null;
    const el = { value: valueRef, list: listRef, cancel: cancelRef, settings: settingsRef }[where].current;
    el?.focus();
  });

  // Answers to an older search (a newer one started, or the dialog was cancelled) are dropped.
  const searchSeq = useRef(0);
  const runSearch = (query: CopyQuery, start: number) => {
    const seq = ++searchSeq.current;
    const name = target;
    rememberTarget(name);
    setSearch({ status: "busy", target: name });
    setImporting({ status: "idle" });
    focusNext.current = "cancel";
    api.copySearch(name, query, start, COPY_PAGE_SIZE).then(
      (page) => {
        if (!mounted.current || seq !== searchSeq.current) return;
        setSearch({ status: "ready", page, query, selected: page.hits.length > 0 ? 0 : -1 });
        focusNext.current = page.hits.length > 0 ? "list" : "value";
      },
      (err: unknown) => {
        if (!mounted.current || seq !== searchSeq.current) return;
        setSearch({ status: "error", error: toErrorPayload(err) });
        focusNext.current = "value";
      },
    );
  };

  const submit = () => {
    const found = checkQuery(by, value);
    setProblem(found);
    if (found) {
      valueRef.current?.focus();
      return;
    }
    runSearch(toQuery(by, value), 1);
  };

  const selectedHit =
    search.status === "ready" && search.selected >= 0 ? (search.page.hits[search.selected] ?? null) : null;

  const importSelected = async () => {
    if (!selectedHit) return;
    setImporting({ status: "busy" });
    try {
      const result = await api.copyImport(selectedHit.record, matchOn, matchOn === "none" ? "add" : onMatch);
      if (!mounted.current) return;
      setImporting({ status: "idle" });
      setOutcome(result);
      if (result.action !== "matched") onImported(result);
    } catch (err) {
      if (mounted.current) setImporting({ status: "error", error: toErrorPayload(err) });
    }
  };

  const busy = search.status === "busy";
  const list = targets.status === "ready" ? targets.list : [];
  const problemId = `${baseId}-problem`;
  const hintId = `${baseId}-hint`;

  return (
    <dialog
      ref={modal.ref}
      className="transfer-dialog copy-dialog"
      aria-labelledby={titleId}
      aria-busy={busy || importing.status === "busy" || targets.status === "loading"}
      data-testid="copy-dialog"
      onKeyDown={modal.onKeyDown}
      onCancel={modal.onCancel}
    >
      <h2 id={titleId}>{t("copy.title")}</h2>

      {targets.status === "loading" && (
        <>
          <p role="status" data-testid="copy-targets-loading">
            {t("copy.targets.loading")}
          </p>
          <div className="dialog-actions">
            <button type="button" onClick={onClose} data-testid="copy-close">
              {t("copy.close")}
            </button>
          </div>
        </>
      )}

      {targets.status === "error" && (
        <>
          <div className="transfer-error" role="alert" data-testid="copy-targets-error" data-code={targets.error.code}>
            <strong>{t("copy.targets.errorTitle")}</strong>
            <span>{t(`errors.${targets.error.code}`)}</span>
            <span className="transfer-error-detail">
              {t("copy.errors.detail")} {failureDetail(targets.error)}
            </span>
          </div>
          <div className="dialog-actions">
            <button type="button" onClick={onClose} data-testid="copy-close">
              {t("copy.close")}
            </button>
            <button type="button" className="primary" onClick={loadTargets} data-testid="copy-targets-retry">
              {t("copy.targets.retry")}
            </button>
          </div>
        </>
      )}

      {targets.status === "ready" && list.length === 0 && (
        <section className="transfer-section" aria-labelledby={`${baseId}-none`} data-testid="copy-no-targets">
          <h3 id={`${baseId}-none`}>{t("copy.targets.noneTitle")}</h3>
          <p>{t("copy.targets.noneText")}</p>
          <div className="dialog-actions">
            <button type="button" onClick={onClose} data-testid="copy-close">
              {t("copy.close")}
            </button>
            <button
              type="button"
              className="primary"
              ref={settingsRef}
              onClick={onOpenSettings}
              data-testid="copy-open-settings"
            >
              {t("copy.targets.openSettings")}
            </button>
          </div>
        </section>
      )}

      {targets.status === "ready" && list.length > 0 && outcome !== null && (
        <CopyOutcome
          api={api}
          outcome={outcome}
          headingId={`${baseId}-outcome`}
          onOpenRecord={onOpenRecord}
          onEditRecord={onEditRecord}
          onBack={() => {
            setOutcome(null);
            focusNext.current = search.status === "ready" && search.page.hits.length > 0 ? "list" : "value";
          }}
          onClose={onClose}
        />
      )}

      {targets.status === "ready" && list.length > 0 && outcome === null && (
        <>
          <p className="transfer-hint copy-intro">{t("copy.intro")}</p>
          <form
            className="copy-form"
            aria-labelledby={`${baseId}-search`}
            onSubmit={(e) => {
              e.preventDefault();
              if (!busy && importing.status !== "busy") submit();
            }}
          >
            <h3 id={`${baseId}-search`}>{t("copy.search.heading")}</h3>
            <fieldset className="copy-form-fields" disabled={busy || importing.status === "busy"}>
              <div className="copy-field">
                <label htmlFor={`${baseId}-target`}>{t("copy.search.target")}</label>
                <select
                  id={`${baseId}-target`}
                  value={target}
                  onChange={(e) => setTarget(e.target.value)}
                  data-testid="copy-target"
                >
                  {list.map((x) => (
                    <option key={x.name} value={x.name}>
                      {t("copy.search.targetOption", { name: x.name, url: x.base_url })}
                    </option>
                  ))}
                </select>
              </div>
              <div className="copy-field">
                <label htmlFor={`${baseId}-by`}>{t("copy.search.by")}</label>
                <select
                  id={`${baseId}-by`}
                  value={by}
                  onChange={(e) => {
                    setBy(e.target.value as SearchBy);
                    setProblem(null);
                  }}
                  data-testid="copy-by"
                >
                  {SEARCH_BY.map((b) => (
                    <option key={b} value={b}>
                      {t(`copy.search.byOption.${b}`)}
                    </option>
                  ))}
                </select>
              </div>
              <div className="copy-field copy-field-value">
                <label htmlFor={`${baseId}-value`}>{t(`copy.search.value.${by}`)}</label>
                <div className="copy-value-row">
                  <input
                    id={`${baseId}-value`}
                    ref={valueRef}
                    type="search"
                    value={value}
                    spellCheck={false}
                    autoComplete="off"
                    inputMode={by === "isbn" ? "numeric" : undefined}
                    aria-invalid={problem !== null}
                    aria-describedby={problem ? `${problemId} ${hintId}` : hintId}
                    aria-keyshortcuts="ArrowDown"
                    onChange={(e) => {
                      setValue(e.target.value);
                      if (problem) setProblem(null);
                    }}
                    onKeyDown={(e) => {
                      if (e.key === "ArrowDown" && search.status === "ready" && search.page.hits.length > 0) {
                        e.preventDefault();
                        listRef.current?.focus();
                      }
                    }}
                    data-testid="copy-value"
                  />
                  <button type="submit" className="primary" data-testid="copy-search">
                    {t("copy.search.submit")}
                  </button>
                </div>
                {problem && (
                  <p className="copy-problem" id={problemId} data-testid="copy-query-problem">
                    {t(`copy.search.problem.${problem}`)}
                  </p>
                )}
                <p className="transfer-hint" id={hintId}>
                  {t(`copy.search.hint.${by}`)} {t("copy.search.shortcut")}
                </p>
              </div>
            </fieldset>
          </form>

          {search.status === "busy" && (
            <div className="copy-busy" data-testid="copy-busy">
              <span className="copy-spinner" aria-hidden="true" />
              <div>
                <p role="status" className="copy-busy-text">
                  {t("copy.busy.searching", { target: search.target })}
                </p>
                <p className="transfer-hint">{t("copy.busy.wait")}</p>
              </div>
              <button type="button" ref={cancelRef} onClick={onClose} data-testid="copy-cancel">
                {t("copy.busy.cancel")}
              </button>
            </div>
          )}

          {search.status === "error" && <SearchError error={search.error} />}

          {search.status === "ready" && (
            <div className="copy-workspace">
              <Results
                baseId={baseId}
                page={search.page}
                selected={search.selected}
                listRef={listRef}
                onSelect={(i) => {
                  setSearch({ ...search, selected: i });
                  setImporting((s) => (s.status === "error" ? { status: "idle" } : s));
                }}
                onPage={(start) => runSearch(search.query, start)}
              />
            {selectedHit && (
              <div className="copy-import">
                <section className="transfer-section" aria-labelledby={`${baseId}-preview`} data-testid="copy-preview">
                  <h3 id={`${baseId}-preview`}>{t("copy.preview.heading")}</h3>
                  <CopyPreview record={selectedHit.record} />
                </section>
                <section className="transfer-section" aria-labelledby={`${baseId}-options`} data-testid="copy-options">
                  <h3 id={`${baseId}-options`}>{t("copy.options.heading")}</h3>
                  <RadioGroup<ImportMatch>
                    legend={t("copy.options.matchLegend")}
                    name={`${baseId}-match`}
                    value={matchOn}
                    onChange={setMatchOn}
                    disabled={importing.status === "busy"}
                    testId="copy-match"
                    choices={MATCHES.map((m) => ({
                      value: m,
                      label: t(`copy.options.match.${m}`),
                      hint: t(`copy.options.matchHint.${m}`),
                      testId: `copy-match-${m}`,
                    }))}
                  />
                  <RadioGroup<ImportOnMatch>
                    legend={t("copy.options.policyLegend")}
                    name={`${baseId}-policy`}
                    value={onMatch}
                    onChange={setOnMatch}
                    disabled={matchOn === "none" || importing.status === "busy"}
                    testId="copy-policy"
                    choices={POLICIES.map((p) => ({
                      value: p,
                      label: t(`copy.options.policy.${p}`),
                      hint: t(`copy.options.policyHint.${p}`),
                      testId: `copy-policy-${p}`,
                    }))}
                  />
                  {matchOn === "none" && <p className="transfer-hint">{t("copy.options.policyUnused")}</p>}
                  {importing.status === "error" && (
                    <div className="transfer-error" role="alert" data-testid="copy-import-error" data-code={importing.error.code}>
                      <strong>{t("copy.options.errorTitle")}</strong>
                      <span>{t(`errors.${importing.error.code}`)}</span>
                      <span className="transfer-error-detail">
                        {t("copy.errors.detail")} {failureDetail(importing.error)}
                      </span>
                    </div>
                  )}
                  {importing.status === "busy" && (
                    <p role="status" className="copy-busy-text" data-testid="copy-importing">
                      <span className="copy-spinner" aria-hidden="true" /> {t("copy.busy.importing")}
                    </p>
                  )}
                </section>
              </div>
            )}
            </div>
          )}

          <div className="dialog-actions">
            <button type="button" onClick={onClose} disabled={importing.status === "busy"} data-testid="copy-close">
              {t("copy.close")}
            </button>
            {search.status === "ready" && selectedHit && (
              <button
                type="button"
                className="primary"
                disabled={importing.status === "busy"}
                onClick={() => void importSelected()}
                data-testid="copy-import"
              >
                {t("copy.options.import")}
              </button>
            )}
          </div>
        </>
      )}
    </dialog>
  );
}

/** A search that failed, said as what went wrong and what to do, with the target's own words. */
function SearchError({ error }: { error: ErrorPayload }) {
  const { t } = useTranslation();
  const kind = copyFailure(error);
  return (
    <div className="transfer-error" role="alert" data-testid="copy-search-error" data-code={error.code} data-kind={kind}>
      <strong>{t(`copy.errors.${kind}.title`)}</strong>
      <span>{t(`copy.errors.${kind}.todo`)}</span>
      <span className="transfer-error-detail">
        {t("copy.errors.detail")} {failureDetail(error)}
      </span>
    </div>
  );
}

interface ResultsProps {
  baseId: string;
  page: CopySearchPage;
  selected: number;
  listRef: RefObject<HTMLDivElement | null>;
  onSelect(i: number): void;
  onPage(start: number): void;
}

/** One page of a target's answer: how many it found, the list, paging by SRU `start`, and what it could not send. */
function Results({ baseId: id, page, selected, listRef: ref, onSelect, onPage }: ResultsProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const n = (v: number) => formatNumber(v, lang);
  const { previous, next, from, to } = pageStarts(page.start, page.hits.length, page.total);
  return (
    <section className="transfer-section" aria-labelledby={`${id}-results`} data-testid="copy-results-section">
      <h3 id={`${id}-results`}>{t("copy.results.heading")}</h3>
      <p role="status" data-testid="copy-found">
        {page.total === 0
          ? t("copy.results.none", { target: page.target })
          : t("copy.results.found", { target: page.target, count: page.total, formatted: n(page.total) })}
      </p>
      {page.hits.length > 0 && (
        <ResultsList
          hits={page.hits}
          selected={selected}
          onSelect={onSelect}
          label={t("copy.results.listLabel", { target: page.target })}
          listRef={ref}
        />
      )}
      {(previous !== null || next !== null) && (
        <nav className="copy-pages" aria-label={t("copy.results.pages")}>
          <button type="button" disabled={previous === null} onClick={() => previous && onPage(previous)} data-testid="copy-previous">
            {t("copy.results.previous")}
          </button>
          <span data-testid="copy-range">
            {t("copy.results.range", { from: n(from), to: n(to), total: n(page.total) })}
          </span>
          <button type="button" disabled={next === null} onClick={() => next && onPage(next)} data-testid="copy-next">
            {t("copy.results.next")}
          </button>
        </nav>
      )}
      {page.problems.length > 0 && (
        <div className="copy-problems" data-testid="copy-problems">
          <p className="transfer-warning">
            {t("copy.results.problems", { count: page.problems.length, formatted: n(page.problems.length) })}
          </p>
          <ul>
            {page.problems.map((p, i) => (
              <li key={i} data-testid="copy-problem">
                {p}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
