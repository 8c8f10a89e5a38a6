import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { toErrorPayload, type CatalogApi } from "../api";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { ExportSummary } from "../bindings/ExportSummary";
import type { MarcFormat } from "../bindings/MarcFormat";
import { currentLanguage, formatNumber } from "../i18n";
import { JobError, JobProgressView, isFileProblem, requestCancel, updateRunning, type RunningPhase } from "./JobProgressView";
import { useModal } from "../components/modal";
import { RadioGroup, StepHeading } from "./controls";
import { EXTENSIONS, FORMATS, suggestedExportName, switchExtension } from "./transfer";
import "./transfer.css";

export interface ExportDialogProps {
  api: CatalogApi;
  /** The current search; the dialog offers to export only its results. */
  query: string;
  onClose(): void;
  onError(err: unknown): void;
}

type Scope = "all" | "search";

type Phase =
  | { name: "setup"; runError: ErrorPayload | null }
  | RunningPhase
  | { name: "done"; summary: ExportSummary };

/**
 * Export the whole catalog or the current search's results to any MARC format: choose what,
 * how and where, run with progress and Cancel, then see how many records were written where.
 */
export function ExportDialog({ api, query, onClose, onError }: ExportDialogProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const titleId = useId();
  const pathId = useId();
  const pathHintId = useId();
  const runId = useId();
  const doneId = useId();
  const trimmedQuery = query.trim();

  const [scope, setScope] = useState<Scope>("all");
  const [format, setFormat] = useState<MarcFormat>("iso2709");
  const [path, setPath] = useState("");
  const [phase, setPhase] = useState<Phase>({ name: "setup", runError: null });
  const running = phase.name === "running";
  const modal = useModal({ canClose: !running, onClose });

  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const changeFormat = (next: MarcFormat) => {
    setPath((current) => switchExtension(current, format, next));
    setFormat(next);
  };

  const browse = async () => {
    try {
      const chosen = await api.pickFile("save", suggestedExportName(format, new Date()));
      if (chosen !== null && mounted.current) setPath(chosen);
    } catch (err) {
      if (mounted.current) setPhase({ name: "setup", runError: toErrorPayload(err) });
      onError(err);
    }
  };

  const start = async () => {
    const target = path.trim();
    if (!target) return;
    setPhase({ name: "running", progress: null, cancelling: false });
    try {
      const summary = await api.runExport(
        { path: target, format, query: scope === "search" && trimmedQuery ? trimmedQuery : null },
        (progress) => {
          if (!mounted.current) return;
          setPhase(updateRunning<Phase>({ progress }));
        },
      );
      if (mounted.current) setPhase({ name: "done", summary });
    } catch (err) {
      if (!mounted.current) return;
      const error = toErrorPayload(err);
      setPhase({ name: "setup", runError: error });
      if (!isFileProblem(error)) onError(err);
    }
  };

  const cancel = () => requestCancel<Phase>(api, setPhase, () => mounted.current, onError);

  const scopes: { value: Scope; label: string; hint?: string; testId: string }[] = [
    { value: "all", label: t("transfer.export.scopeAll"), testId: "scope-all" },
  ];
  if (trimmedQuery) {
    scopes.push({
      value: "search",
      label: t("transfer.export.scopeSearch"),
      hint: t("transfer.export.scopeSearchQuery", { query: trimmedQuery }),
      testId: "scope-search",
    });
  }

  return (
    <dialog
      ref={modal.ref}
      className="transfer-dialog"
      aria-labelledby={titleId}
      data-testid="export-dialog"
      onKeyDown={modal.onKeyDown}
      onCancel={modal.onCancel}
    >
      <h2 id={titleId}>{t("transfer.export.title")}</h2>

      {phase.name === "setup" && (
        <>
          <RadioGroup<Scope>
            legend={t("transfer.export.scopeLegend")}
            name={`${pathId}-scope`}
            value={scope}
            onChange={setScope}
            choices={scopes}
            testId="export-scope"
          />
          <RadioGroup<MarcFormat>
            legend={t("transfer.export.formatLegend")}
            name={`${pathId}-format`}
            value={format}
            onChange={changeFormat}
            testId="export-format"
            choices={FORMATS.map((f) => ({
              value: f,
              label: t(`transfer.format.${f}`),
              hint: t("transfer.export.extension", { extension: EXTENSIONS[f] }),
              testId: `format-${f}`,
            }))}
          />
          <div className="transfer-field">
            <label htmlFor={pathId}>{t("transfer.export.pathLabel")}</label>
            <div className="transfer-path-row">
              <input
                id={pathId}
                type="text"
                className="transfer-path"
                value={path}
                spellCheck={false}
                autoComplete="off"
                aria-describedby={pathHintId}
                data-testid="export-path"
                onChange={(e) => setPath(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === "Enter") {
                    e.preventDefault();
                    void start();
                  }
                }}
              />
              <button type="button" onClick={() => void browse()} data-testid="export-browse">
                {t("transfer.browse")}
              </button>
            </div>
            <p className="transfer-hint" id={pathHintId}>
              {t("transfer.export.pathHint")}
            </p>
          </div>

          {phase.runError && <JobError error={phase.runError} kind="export" testId="export-run-error" />}

          <div className="dialog-actions">
            <button type="button" onClick={onClose} data-testid="export-close">
              {t("transfer.close")}
            </button>
            <button
              type="button"
              className="primary"
              disabled={!path.trim()}
              onClick={() => void start()}
              data-testid="export-start"
            >
              {t("transfer.export.start")}
            </button>
          </div>
        </>
      )}

      {phase.name === "running" && (
        <section className="transfer-section" aria-labelledby={runId}>
          <JobProgressView
            headingId={runId}
            heading={t("transfer.export.runningHeading")}
            progress={phase.progress}
            cancelling={phase.cancelling}
            testId="export-progress"
          />
          <p className="transfer-hint">{t("transfer.export.cancelExplain")}</p>
          <div className="dialog-actions">
            <button
              type="button"
              className="danger"
              disabled={phase.cancelling}
              onClick={() => void cancel()}
              data-testid="export-cancel"
            >
              {phase.cancelling ? t("transfer.cancelling") : t("transfer.cancel")}
            </button>
          </div>
        </section>
      )}

      {phase.name === "done" && (
        <section className="transfer-section" aria-labelledby={doneId} data-testid="export-result">
          <StepHeading id={doneId}>
            {phase.summary.cancelled ? t("transfer.export.cancelledHeading") : t("transfer.export.doneHeading")}
          </StepHeading>
          <p className={phase.summary.cancelled ? "transfer-warning" : undefined} data-testid="export-result-text">
            {t(phase.summary.cancelled ? "transfer.export.cancelled" : "transfer.export.done", {
              count: phase.summary.records,
              formatted: formatNumber(phase.summary.records, lang),
              path: phase.summary.path,
            })}
          </p>
          <div className="dialog-actions">
            <button type="button" className="primary" onClick={onClose} data-testid="export-done">
              {t("transfer.close")}
            </button>
          </div>
        </section>
      )}
    </dialog>
  );
}
