import { useCallback, useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { toErrorPayload, type CatalogApi } from "../api";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { ImportMatch } from "../bindings/ImportMatch";
import type { ImportOnMatch } from "../bindings/ImportOnMatch";
import type { ImportPreview } from "../bindings/ImportPreview";
import type { ImportSummary } from "../bindings/ImportSummary";
import type { MarcFormat } from "../bindings/MarcFormat";
import { currentLanguage, formatNumber } from "../i18n";
import { JobError, JobProgressView, isFileProblem, requestCancel, updateRunning, type RunningPhase } from "./JobProgressView";
import { useModal } from "../components/modal";
import { RadioGroup, StepHeading } from "./controls";
import {
  FORMATS,
  PROBLEM_ROWS_SHOWN,
  SUMMARY_COUNTS,
  filterProblems,
  formatFileSize,
  reportText,
  wroteRecords,
  type ProblemFilter,
} from "./transfer";
import "./transfer.css";

export interface ImportDialogProps {
  api: CatalogApi;
  onClose(): void;
  /** Records were written (also after a cancelled run that committed some). */
  onImported(summary: ImportSummary): void;
  onError(err: unknown): void;
}

type PreviewState =
  | { status: "idle" }
  | { status: "loading"; path: string }
  | { status: "ready"; preview: ImportPreview }
  | { status: "error"; path: string; error: ErrorPayload };

type Phase =
  | { name: "setup"; runError: ErrorPayload | null }
  | RunningPhase
  | { name: "report"; summary: ImportSummary; path: string };

const MATCHES: readonly ImportMatch[] = ["control_number", "isbn", "none"];
const POLICIES: readonly ImportOnMatch[] = ["skip", "overlay", "add"];

/**
 * Import MARC records: choose a file (Browse… or a pasted path), see what it holds, choose how
 * records already in the catalog are matched, run with progress and Cancel, then read the report.
 */
export function ImportDialog({ api, onClose, onImported, onError }: ImportDialogProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const titleId = useId();
  const pathId = useId();
  const pathHintId = useId();
  const formatId = useId();

  const [path, setPath] = useState("");
  const [preview, setPreview] = useState<PreviewState>({ status: "idle" });
  const [matchOn, setMatchOn] = useState<ImportMatch>("control_number");
  const [onMatch, setOnMatch] = useState<ImportOnMatch>("skip");
  const [format, setFormat] = useState<MarcFormat | "">("");
  const [phase, setPhase] = useState<Phase>({ name: "setup", runError: null });
  const running = phase.name === "running";

  const modal = useModal({ canClose: !running, onClose });
  const pathRef = useRef<HTMLInputElement>(null);
  // Back at the first step ("Import another file", or a run refused): start from the path.
  useEffect(() => {
    if (phase.name === "setup") pathRef.current?.focus();
  }, [phase.name]);

  // Answers to an older request (the path changed meanwhile) are dropped.
  const previewSeq = useRef(0);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const readFile = useCallback(
    (target: string) => {
      const trimmed = target.trim();
      if (!trimmed) return;
      const seq = ++previewSeq.current;
      setPreview({ status: "loading", path: trimmed });
      setPhase({ name: "setup", runError: null });
      api.previewImport(trimmed).then(
        (p) => {
          if (mounted.current && seq === previewSeq.current) {
            setPreview({ status: "ready", preview: p });
            setFormat("");
          }
        },
        (err: unknown) => {
          if (!mounted.current || seq !== previewSeq.current) return;
          const error = toErrorPayload(err);
          setPreview({ status: "error", path: trimmed, error });
          if (!isFileProblem(error)) onError(err);
        },
      );
    },
    [api, onError],
  );

  const browse = async () => {
    try {
      const chosen = await api.pickFile("open");
      if (chosen === null || !mounted.current) return;
      setPath(chosen);
      readFile(chosen);
    } catch (err) {
      if (!mounted.current) return;
      const error = toErrorPayload(err);
      setPreview({ status: "error", path, error });
      onError(err);
    }
  };

  const start = async () => {
    if (preview.status !== "ready") return;
    const source = preview.preview.path;
    setPhase({ name: "running", progress: null, cancelling: false });
    try {
      const summary = await api.runImport(
        { path: source, format: format === "" ? null : format, match_on: matchOn, on_match: onMatch },
        (progress) => {
          if (!mounted.current) return;
          setPhase(updateRunning<Phase>({ progress }));
        },
      );
      if (!mounted.current) return;
      setPhase({ name: "report", summary, path: source });
      if (wroteRecords(summary)) onImported(summary);
    } catch (err) {
      if (!mounted.current) return;
      const error = toErrorPayload(err);
      setPhase({ name: "setup", runError: error });
      if (!isFileProblem(error)) onError(err);
    }
  };

  const cancel = () => requestCancel<Phase>(api, setPhase, () => mounted.current, onError);

  const again = () => {
    setPath("");
    setPreview({ status: "idle" });
    setPhase({ name: "setup", runError: null });
  };

  const ready = preview.status === "ready" ? preview.preview : null;
  const canStart = ready !== null && ready.records > 0;

  return (
    <dialog
      ref={modal.ref}
      className="transfer-dialog"
      aria-labelledby={titleId}
      data-testid="import-dialog"
      onKeyDown={modal.onKeyDown}
      onCancel={modal.onCancel}
    >
      <h2 id={titleId}>{t("transfer.import.title")}</h2>

      {phase.name === "setup" && (
        <>
          <section className="transfer-section" aria-labelledby={`${pathId}-h`}>
            <h3 id={`${pathId}-h`}>{t("transfer.import.chooseHeading")}</h3>
            <label htmlFor={pathId}>{t("transfer.import.pathLabel")}</label>
            <div className="transfer-path-row">
              <input
                id={pathId}
                ref={pathRef}
                type="text"
                className="transfer-path"
                value={path}
                spellCheck={false}
                autoComplete="off"
                aria-describedby={pathHintId}
                data-testid="import-path"
                onChange={(e) => {
                  setPath(e.target.value);
                  // A preview describes the file it read; a different path needs reading again.
                  previewSeq.current++;
                  setPreview({ status: "idle" });
                }}
                onKeyDown={(e) => {
                  if (e.key === "Enter") {
                    e.preventDefault();
                    readFile(path);
                  }
                }}
              />
              <button type="button" onClick={() => readFile(path)} disabled={!path.trim()} data-testid="import-read">
                {t("transfer.import.read")}
              </button>
              <button type="button" onClick={() => void browse()} data-testid="import-browse">
                {t("transfer.browse")}
              </button>
            </div>
            <p className="transfer-hint" id={pathHintId}>
              {t("transfer.import.pathHint")}
            </p>
          </section>

          {preview.status === "loading" && (
            <p role="status" data-testid="import-reading">
              {t("transfer.import.reading")}
            </p>
          )}
          {preview.status === "error" && <JobError error={preview.error} kind="preview" testId="import-preview-error" />}

          {ready && (
            <>
              <section className="transfer-section" aria-labelledby={`${pathId}-p`} data-testid="import-preview">
                <h3 id={`${pathId}-p`}>{t("transfer.import.previewHeading")}</h3>
                <dl className="transfer-facts">
                  <dt>{t("transfer.import.file")}</dt>
                  <dd className="transfer-file" data-testid="preview-path">
                    {ready.path}
                  </dd>
                  <dt>{t("transfer.import.formatDetected")}</dt>
                  <dd data-testid="preview-format">{t(`transfer.format.${ready.format}`)}</dd>
                  <dt>{t("transfer.import.size")}</dt>
                  <dd data-testid="preview-size">{formatFileSize(ready.size_bytes, lang)}</dd>
                  <dt>{t("transfer.import.records")}</dt>
                  <dd data-testid="preview-records">{formatNumber(ready.records, lang)}</dd>
                </dl>
                {ready.records === 0 && (
                  <p className="transfer-warning" data-testid="preview-empty">
                    {t("transfer.import.empty")}
                  </p>
                )}
                {ready.unreadable > 0 && (
                  <p className="transfer-warning" data-testid="preview-unreadable">
                    {t("transfer.import.unreadable", { count: ready.unreadable, formatted: formatNumber(ready.unreadable, lang) })}
                  </p>
                )}
                {ready.imported_before && (
                  <p className="transfer-warning" data-testid="preview-imported-before">
                    {t("transfer.import.importedBefore")}
                  </p>
                )}
              </section>

              <section className="transfer-section" aria-labelledby={`${pathId}-o`}>
                <h3 id={`${pathId}-o`}>{t("transfer.import.optionsHeading")}</h3>
                <RadioGroup<ImportMatch>
                  legend={t("transfer.import.matchLegend")}
                  name={`${pathId}-match`}
                  value={matchOn}
                  onChange={setMatchOn}
                  testId="import-match"
                  choices={MATCHES.map((m) => ({
                    value: m,
                    label: t(`transfer.import.match.${m}`),
                    hint: t(`transfer.import.matchHint.${m}`),
                    testId: `match-${m}`,
                  }))}
                />
                <RadioGroup<ImportOnMatch>
                  legend={t("transfer.import.policyLegend")}
                  name={`${pathId}-policy`}
                  value={onMatch}
                  onChange={setOnMatch}
                  disabled={matchOn === "none"}
                  testId="import-policy"
                  choices={POLICIES.map((p) => ({
                    value: p,
                    label: t(`transfer.import.policy.${p}`),
                    hint: t(`transfer.import.policyHint.${p}`),
                    testId: `policy-${p}`,
                  }))}
                />
                {matchOn === "none" && <p className="transfer-hint">{t("transfer.import.policyUnused")}</p>}
                <div className="transfer-field">
                  <label htmlFor={formatId}>{t("transfer.import.formatOverride")}</label>
                  <select
                    id={formatId}
                    value={format}
                    onChange={(e) => setFormat(e.target.value as MarcFormat | "")}
                    data-testid="import-format"
                  >
                    <option value="">
                      {t("transfer.import.formatAuto", { format: t(`transfer.format.${ready.format}`) })}
                    </option>
                    {FORMATS.map((f) => (
                      <option key={f} value={f}>
                        {t(`transfer.format.${f}`)}
                      </option>
                    ))}
                  </select>
                </div>
              </section>
            </>
          )}

          {phase.runError && <JobError error={phase.runError} kind="import" testId="import-run-error" />}

          <div className="dialog-actions">
            <button type="button" onClick={onClose} data-testid="import-close">
              {t("transfer.close")}
            </button>
            <button type="button" className="primary" disabled={!canStart} onClick={() => void start()} data-testid="import-start">
              {t("transfer.import.start")}
            </button>
          </div>
        </>
      )}

      {phase.name === "running" && (
        <section className="transfer-section" aria-labelledby={`${pathId}-r`}>
          <JobProgressView
            headingId={`${pathId}-r`}
            heading={t("transfer.import.runningHeading")}
            progress={phase.progress}
            cancelling={phase.cancelling}
            testId="import-progress"
          />
          <p className="transfer-hint" data-testid="import-cancel-explain">
            {t("transfer.import.cancelExplain")}
          </p>
          <div className="dialog-actions">
            <button
              type="button"
              className="danger"
              disabled={phase.cancelling}
              onClick={() => void cancel()}
              data-testid="import-cancel"
            >
              {phase.cancelling ? t("transfer.cancelling") : t("transfer.cancel")}
            </button>
          </div>
        </section>
      )}

      {phase.name === "report" && (
        <ImportReport
          summary={phase.summary}
          path={phase.path}
          onAgain={again}
          onClose={onClose}
        />
      )}
    </dialog>
  );
}

function ImportReport({
  summary,
  path,
  onAgain,
  onClose,
}: {
  summary: ImportSummary;
  path: string;
  onAgain(): void;
  onClose(): void;
}) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const headingId = useId();
  const filterName = useId();
  const [filter, setFilter] = useState<ProblemFilter>("all");
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  const shown = filterProblems(summary.problems, filter);
  const n = (v: number) => formatNumber(v, lang);
  const errors = summary.problems.filter((p) => p.severity === "error").length;

  const copyReport = async () => {
    const text = reportText(summary, shown, path, t, lang);
    try {
      if (!navigator.clipboard?.writeText) throw new Error("clipboard unavailable");
      await navigator.clipboard.writeText(text);
      setCopy("copied");
    } catch {
      setCopy("failed");
    }
  };

  return (
    <section className="transfer-section" aria-labelledby={headingId} data-testid="import-report">
      <StepHeading id={headingId}>{t("transfer.report.title")}</StepHeading>
      <p className="transfer-file">{t("transfer.report.file", { path })}</p>
      {summary.cancelled && (
        <p className="transfer-warning" data-testid="report-cancelled">
          {t("transfer.report.cancelled")}
        </p>
      )}
      <dl className="transfer-facts transfer-counts" data-testid="report-counts">
        {SUMMARY_COUNTS.map((key) => (
          <div key={key} data-testid={`count-${key}`}>
            <dt>{t(`transfer.report.counts.${key}`)}</dt>
            <dd>{n(summary[key])}</dd>
          </div>
        ))}
      </dl>

      {summary.problems.length === 0 ? (
        <p data-testid="report-no-problems">{t("transfer.report.noProblems")}</p>
      ) : (
        <>
          <RadioGroup<ProblemFilter>
            legend={t("transfer.report.filterLegend")}
            name={filterName}
            value={filter}
            onChange={setFilter}
            testId="report-filter"
            choices={[
              {
                value: "all",
                label: t("transfer.report.filterAll", { formatted: n(summary.problems.length) }),
                testId: "filter-all",
              },
              { value: "errors", label: t("transfer.report.filterErrors", { formatted: n(errors) }), testId: "filter-errors" },
            ]}
          />
          <div className="transfer-table-wrap" tabIndex={0} role="region" aria-labelledby={`${headingId}-cap`}>
            <table className="transfer-problems" data-testid="report-problems">
              <caption id={`${headingId}-cap`}>
                {t("transfer.report.problemsCaption", { shown: n(shown.length), total: n(summary.problems.length) })}
              </caption>
              <thead>
                <tr>
                  {(["record", "offset", "controlNumber", "field", "severity", "outcome", "reason"] as const).map((c) => (
                    <th key={c} scope="col">
                      {t(`transfer.report.columns.${c}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {shown.slice(0, PROBLEM_ROWS_SHOWN).map((p, i) => (
                  <tr key={i} data-testid="problem-row" className={`severity-${p.severity}`}>
                    <td className="num">{p.record === null ? "—" : n(p.record)}</td>
                    <td className="num">{p.offset === null ? "—" : n(p.offset)}</td>
                    <td>{p.control_number ?? "—"}</td>
                    <td>{p.field ?? "—"}</td>
                    <td>{t(`transfer.severity.${p.severity}`)}</td>
                    <td>{t(`transfer.outcome.${p.outcome}`)}</td>
                    <td>{p.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {shown.length > PROBLEM_ROWS_SHOWN && (
            <p className="transfer-hint" data-testid="report-truncated">
              {t("transfer.report.truncated", { limit: n(PROBLEM_ROWS_SHOWN), total: n(shown.length) })}
            </p>
          )}
        </>
      )}

      <p role="status" className="transfer-copy-status" data-testid="copy-status">
        {copy === "copied" && t("transfer.report.copied")}
        {copy === "failed" && t("transfer.report.copyFailed")}
      </p>
      <div className="dialog-actions">
        <button type="button" onClick={() => void copyReport()} data-testid="report-copy">
          {t("transfer.report.copy")}
        </button>
        <button type="button" onClick={onAgain} data-testid="import-again">
          {t("transfer.import.again")}
        </button>
        <button type="button" className="primary" onClick={onClose} data-testid="import-done">
          {t("transfer.close")}
        </button>
      </div>
    </section>
  );
}
