import { useCallback, useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { toErrorPayload, type CatalogApi } from "../api";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { SyncException } from "../bindings/SyncException";
import type { SyncReport } from "../bindings/SyncReport";
import type { SyncStatus } from "../bindings/SyncStatus";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { currentLanguage, formatNumber } from "../i18n";
import { ExceptionCard, explainAction } from "./ExceptionCard";
import { formatMoment, formatRelative, syncState } from "./format";
import { announceSyncChange, useSyncStatus } from "./useSyncStatus";
import "./sync.css";

export interface SyncScreenProps {
  api: CatalogApi;
  onOpenRecord(id: string): void;
  /** Opens the settings (where the server address and token are set). */
  onOpenSettings(): void;
  /** After a sync or a resolution changed the catalog (the status bar's counts read again). */
  onChanged?(): void;
  /** How often the status is read; tests pass their own. */
  pollMs?: number;
}

type Load = { state: "loading" } | { state: "ready"; list: SyncException[] } | { state: "failed"; error: ErrorPayload };
type Message = { kind: "ok" | "error"; text: string } | null;

/** A failure of this screen: what failed, the error's meaning, and core's own words. */
export function SyncError({ lead, error, testId }: { lead: string; error: ErrorPayload; testId: string }) {
  const { t } = useTranslation();
  const detail = [error.message, error.details].filter((s): s is string => !!s).join(" — ");
  return (
    <div role="alert" className="sync-error" data-testid={testId} data-code={error.code}>
      <strong>{lead}</strong> {t(`errors.${error.code}`, { defaultValue: "" })}
      {detail && <span className="sync-error-detail"> {detail}</span>}
    </div>
  );
}

function ReportList({ report }: { report: SyncReport }) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const rows: [string, number][] = [
    ["pushed", report.pushed],
    ["already", report.already_on_server],
    ["pulled", report.pulled],
    ["applied", report.applied],
    ["newExceptions", report.new_exceptions],
  ];
  return (
    <dl className="sync-report" data-testid="sync-report">
      {rows.map(([key, n]) => (
        <div key={key}>
          <dt>{t(`sync.report.${key}`)}</dt>
          <dd>{formatNumber(n, lang)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The status in sentences: state, what waits, when it last synced and what that moved, the error. */
function StatusPanel({ status, onOpenSettings }: { status: SyncStatus; onOpenSettings(): void }) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const num = (n: number) => formatNumber(n, lang);
  const state = syncState(status);
  const when = (iso: string) => ({ when: formatRelative(iso, lang), at: formatMoment(iso, lang) });
  return (
    <div className="sync-status" data-testid="sync-status" data-state={state}>
      <p className="sync-status-state" data-testid="sync-status-state">
        <span className={`sync-dot sync-dot-${state}`} aria-hidden="true" /> {t(`sync.status.${state}`)}
      </p>
      {state === "unconfigured" && (
        <p>
          <button type="button" onClick={onOpenSettings} data-testid="sync-open-settings">
            {t("sync.openSettings")}
          </button>
        </p>
      )}
      <p data-testid="sync-status-pending">
        {status.pending_changes > 0
          ? t("sync.pending", { count: status.pending_changes, formatted: num(status.pending_changes) })
          : t("sync.nothingPending")}
      </p>
      {status.configured && (
        <p data-testid="sync-status-last">
          {status.last_sync_at ? t("sync.lastSync", when(status.last_sync_at)) : t("sync.neverSynced")}
        </p>
      )}
      {status.last_report && (
        <>
          <h3 className="sync-subhead">{t("sync.report.heading")}</h3>
          <ReportList report={status.last_report} />
        </>
      )}
      {status.last_error && (
        <div className="sync-last-error" data-testid="sync-last-error">
          <p>
            <strong>{t("sync.lastError")}</strong> {status.last_error}
          </p>
          {status.next_attempt_at && <p>{t("sync.retryAt", when(status.next_attempt_at))}</p>}
        </div>
      )}
      {!status.last_error && status.configured && (
        <p data-testid="sync-status-next">
          {status.next_attempt_at ? t("sync.nextAt", when(status.next_attempt_at)) : t("sync.noNext")}
        </p>
      )}
    </div>
  );
}

/**
 * The sync screen: the state in words (what the last sync moved, the last error and when it
 * tries again), Sync now, and the exceptions a person must resolve, each with its facts and
 * the actions it accepts, explained, confirmed, then the list read again.
 */
export function SyncScreen({ api, onOpenRecord, onOpenSettings, onChanged, pollMs }: SyncScreenProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const headingId = useId();
  const listHeadingId = useId();
  const { status, error: statusError, refresh: refreshStatus, update } = useSyncStatus(api, pollMs);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<Message>(null);
  const [includeResolved, setIncludeResolved] = useState(false);
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [reloads, setReloads] = useState(0);
  const [node, setNode] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<{ x: SyncException; action: string } | null>(null);
  const [resolving, setResolving] = useState(false);
  const [resolveMessage, setResolveMessage] = useState<Message>(null);
  const request = useRef(0);
  const openCount = status?.open_exceptions;

  // This catalog's node id says which version of a conflict was made here; without it the
  // versions are still shown, only not marked.
  useEffect(() => {
    let cancelled = false;
    api.summary().then(
      (s) => !cancelled && setNode(s.node_id),
      () => {},
    );
    return () => {
      cancelled = true;
    };
  }, [api]);

  // Read again when asked, when the filter changes, and when a sync (here or in the
  // background) changes how many are open.
  useEffect(() => {
    const mine = ++request.current;
    api.syncExceptions(includeResolved).then(
      (list) => mine === request.current && setLoad({ state: "ready", list }),
      (err) => mine === request.current && setLoad({ state: "failed", error: toErrorPayload(err) }),
    );
  }, [api, includeResolved, reloads, openCount]);

  const syncNow = useCallback(async () => {
    setRunning(true);
    setResult(null);
    try {
      const s = await api.syncNow();
      update(s);
      announceSyncChange();
      onChanged?.();
      if (s.last_error) {
        setResult({ kind: "error", text: t("sync.now.failed", { error: s.last_error }) });
      } else if (s.last_report) {
        const r = s.last_report;
        const num = (n: number) => formatNumber(n, lang);
        setResult({
          kind: "ok",
          text: t("sync.now.done", {
            pushed: num(r.pushed),
            pulled: num(r.pulled),
            count: r.new_exceptions,
            exceptions: num(r.new_exceptions),
          }),
        });
      } else {
        setResult({ kind: "ok", text: t("sync.now.doneBare") });
      }
      setReloads((n) => n + 1);
    } catch (err) {
      const e = toErrorPayload(err);
      setResult({ kind: "error", text: t("sync.now.failed", { error: [e.message, e.details].filter(Boolean).join(" — ") || t(`errors.${e.code}`, { defaultValue: e.code }) }) });
      refreshStatus();
    } finally {
      setRunning(false);
    }
  }, [api, update, refreshStatus, onChanged, t, lang]);

  const resolve = async (x: SyncException, action: string) => {
    setResolving(true);
    setResolveMessage(null);
    try {
      await api.resolveSyncException(x.id, action);
      setResolveMessage({ kind: "ok", text: t("sync.resolve.done", { kind: t(`sync.kind.${x.kind}.name`) }) });
      setReloads((n) => n + 1);
      announceSyncChange();
      onChanged?.();
    } catch (err) {
      const e = toErrorPayload(err);
      setResolveMessage({
        kind: "error",
        text: t("sync.resolve.failed", { error: [e.message, e.details].filter(Boolean).join(" — ") || t(`errors.${e.code}`, { defaultValue: e.code }) }),
      });
    } finally {
      setResolving(false);
    }
  };

  const syncing = running || status?.syncing === true;
  const list = load.state === "ready" ? load.list : [];
  const open = list.filter((x) => !x.resolved).length;

  return (
    <section className="sync-screen" aria-labelledby={headingId} data-testid="sync-screen">
      <h2 id={headingId}>{t("sync.title")}</h2>
      {statusError && !status && <SyncError lead={t("sync.statusFailed")} error={statusError} testId="sync-status-error" />}
      {status ? <StatusPanel status={status} onOpenSettings={onOpenSettings} /> : !statusError && <p className="sync-muted">{t("sync.loading")}</p>}
      <div className="sync-now-row">
        <button
          type="button"
          className="primary"
          onClick={() => void syncNow()}
          disabled={syncing || !status?.configured}
          aria-describedby={!status?.configured ? `${headingId}-why` : undefined}
          data-testid="sync-now"
        >
          {syncing && <span className="sync-spinner" aria-hidden="true" />} {syncing ? t("sync.now.running") : t("sync.now.button")}
        </button>
        {status && !status.configured && (
          <span id={`${headingId}-why`} className="sync-muted">
            {t("sync.now.needsSettings")}
          </span>
        )}
      </div>
      <p role="status" className={`sync-message${result?.kind === "error" ? " is-error" : ""}`} data-testid="sync-now-result">
        {result?.text ?? ""}
      </p>

      <section className="sync-exceptions" aria-labelledby={listHeadingId}>
        <div className="sync-list-head">
          <h3 id={listHeadingId}>{t("sync.exceptions.heading")}</h3>
          {load.state === "ready" && (
            <span className="sync-count" data-testid="sync-exceptions-count">
              {t("sync.exceptions.open", { count: open, formatted: formatNumber(open, lang) })}
            </span>
          )}
          <label className="sync-filter">
            <input
              type="checkbox"
              checked={includeResolved}
              onChange={(e) => setIncludeResolved(e.target.checked)}
              data-testid="sync-include-resolved"
            />{" "}
            {t("sync.exceptions.includeResolved")}
          </label>
        </div>
        <p role="status" className={`sync-message${resolveMessage?.kind === "error" ? " is-error" : ""}`} data-testid="sync-resolve-result">
          {resolveMessage?.text ?? ""}
        </p>
        {load.state === "loading" && <p className="sync-muted">{t("sync.loading")}</p>}
        {load.state === "failed" && <SyncError lead={t("sync.exceptions.failed")} error={load.error} testId="sync-exceptions-error" />}
        {load.state === "ready" && list.length === 0 && (
          <p className="sync-muted" data-testid="sync-exceptions-empty">
            {includeResolved ? t("sync.exceptions.none") : t("sync.exceptions.noneOpen")}
          </p>
        )}
        {list.map((x) => (
          <ExceptionCard
            key={x.id}
            x={x}
            node={node}
            busy={resolving}
            onResolve={(x, action) => setConfirming({ x, action })}
            onOpenRecord={onOpenRecord}
          />
        ))}
      </section>

      {confirming && (
        <ConfirmDialog
          title={t("sync.resolve.confirmTitle")}
          message={t("sync.resolve.confirmMessage", {
            action: explainAction(confirming.x, confirming.action, node, t, lang),
          })}
          confirmLabel={t("sync.resolve.confirm")}
          cancelLabel={t("sync.resolve.cancel")}
          onConfirm={() => {
            const { x, action } = confirming;
            setConfirming(null);
            void resolve(x, action);
          }}
          onCancel={() => setConfirming(null)}
        />
      )}
    </section>
  );
}
