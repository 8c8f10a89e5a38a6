/**
 * The running job (progress bar, counts, a live status that speaks at each tenth) and a
 * failure said in words with what to do, shared by the import and export dialogs.
 */
import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { CatalogApi } from "../api";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { JobProgress } from "../bindings/JobProgress";
import { LOCALES, currentLanguage, formatNumber } from "../i18n";
import { StepHeading } from "./controls";
import { formatFileSize, progressDecile, progressMeasure } from "./transfer";

/** Failures caused by the file or the moment (wrong path, another job): the dialog says all there is to say. */
export function isFileProblem(error: ErrorPayload): boolean {
  return error.code === "not_found" || error.code === "invalid_input" || error.code === "job_running";
}

/** The step of a dialog while its import or export runs. */
export type RunningPhase = { name: "running"; progress: JobProgress | null; cancelling: boolean };

/** Changes the running step; any other step stays as it is (an event that arrives after the job ended). */
export function updateRunning<P extends { name: string }>(
  change: Partial<Omit<RunningPhase, "name">>,
): (current: P) => P {
  return (current) => (current.name === "running" ? ({ ...current, ...change } as P) : current);
}

/**
 * Asks the back end to stop the running job. If the request itself fails the job goes on:
 * Cancel is offered again and the error is reported.
 */
export async function requestCancel<P extends { name: string }>(
  api: CatalogApi,
  setPhase: (update: (current: P) => P) => void,
  stillShown: () => boolean,
  onError: (err: unknown) => void,
): Promise<void> {
  setPhase(updateRunning<P>({ cancelling: true }));
  try {
    await api.cancelJob();
  } catch (err) {
    if (stillShown()) setPhase(updateRunning<P>({ cancelling: false }));
    onError(err);
  }
}

export type JobKind = "preview" | "import" | "export";

const SPECIFIC: Record<JobKind, readonly string[]> = {
  preview: ["not_found", "invalid_input"],
  import: ["not_found", "invalid_input"],
  export: ["not_found", "invalid_input"],
};

export function JobError({ error, kind, testId }: { error: ErrorPayload; kind: JobKind; testId: string }) {
  const { t } = useTranslation();
  let title: string;
  let todo: string;
  if (error.code === "job_running") {
    title = t("transfer.errors.job_running.title");
    todo = t("transfer.errors.job_running.todo");
  } else if (SPECIFIC[kind].includes(error.code)) {
    title = t(`transfer.errors.${kind}.${error.code}.title`);
    todo = t(`transfer.errors.${kind}.${error.code}.todo`);
  } else {
    title = t(`errors.${error.code}`);
    todo = t("transfer.errors.otherTodo");
  }
  const detail = [error.message, error.details].filter((s): s is string => !!s).join(" — ");
  return (
    <div className="transfer-error" role="alert" data-testid={testId} data-code={error.code}>
      <strong>{title}</strong>
      <span>{todo}</span>
      {detail && (
        <span className="transfer-error-detail">
          {t("transfer.errors.detail")} {detail}
        </span>
      )}
    </div>
  );
}

export interface JobProgressViewProps {
  heading: string;
  headingId: string;
  progress: JobProgress | null;
  cancelling: boolean;
  testId: string;
}

export function JobProgressView({ heading, headingId, progress, cancelling, testId }: JobProgressViewProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const countsId = useId();
  const measure = progressMeasure(progress);
  const decile = progressDecile(progress);
  const n = (v: number) => formatNumber(v, lang);

  let counts = t("transfer.progress.starting");
  if (progress) {
    counts =
      progress.records_total > 0
        ? t("transfer.progress.recordsOf", {
            count: progress.records_total,
            done: n(progress.records),
            total: n(progress.records_total),
          })
        : t("transfer.progress.records", { count: progress.records, done: n(progress.records) });
  }
  const bytes =
    progress && progress.bytes_total > 0
      ? t("transfer.progress.bytes", {
          done: formatFileSize(progress.bytes_done, lang),
          total: formatFileSize(progress.bytes_total, lang),
        })
      : null;
  const percent =
    decile === null ? null : new Intl.NumberFormat(LOCALES[lang], { style: "percent" }).format(decile / 10);
  const announcement = cancelling
    ? t("transfer.cancelling")
    : percent === null
      ? t("transfer.progress.working")
      : t("transfer.progress.percent", { percent });

  return (
    <div className="transfer-progress" data-testid={testId}>
      <StepHeading id={headingId}>{heading}</StepHeading>
      <progress
        aria-labelledby={headingId}
        aria-describedby={countsId}
        data-testid={`${testId}-bar`}
        {...(measure ? { value: measure.value, max: measure.max } : {})}
      />
      <p id={countsId} className="transfer-counts-text" data-testid={`${testId}-text`}>
        {counts}
        {bytes && <span className="transfer-bytes"> · {bytes}</span>}
      </p>
      <p role="status" aria-live="polite" className="visually-hidden" data-testid={`${testId}-status`}>
        {announcement}
      </p>
    </div>
  );
}
