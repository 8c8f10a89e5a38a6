import type { TFunction } from "i18next";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { CatalogApi } from "../api";
import type { SyncStatus } from "../bindings/SyncStatus";
import { currentLanguage, formatNumber } from "../i18n";
import { formatRelative, syncState, type SyncState } from "./format";
import { useSyncStatus } from "./useSyncStatus";
import "./sync.css";

export interface SyncIndicatorProps {
  api: CatalogApi;
  /** Opens the sync screen. */
  onOpen(): void;
  /** The sync screen is the one shown (the button is then the current page). */
  current?: boolean;
  /** How often the status is read; tests pass their own. */
  pollMs?: number;
}

type Shown = SyncState | "unavailable";

/**
 * What a change between two reads is worth saying aloud: a new state, sync finishing, or more
 * exceptions waiting. A read that changes only the time since the last sync says nothing.
 */
function announcement(before: SyncStatus, now: SyncStatus, t: TFunction, num: (n: number) => string) {
  const parts: string[] = [];
  const was = syncState(before);
  const is = syncState(now);
  if (was !== is) {
    if (was === "syncing" && is === "online") parts.push(t("sync.announce.finished"));
    else parts.push(t(`sync.announce.${is}`));
  }
  if (now.open_exceptions > before.open_exceptions) {
    parts.push(t("sync.announce.exceptions", { count: now.open_exceptions, formatted: num(now.open_exceptions) }));
  }
  return parts.join(" ");
}

/**
 * The sync state always in the header: online or offline (or not set up, or never tried),
 * changes waiting to go out, when it last synced, exceptions waiting (a badge), a spinner
 * while it syncs. One button that opens the sync screen; its name says all of it in words.
 * Changes worth knowing are announced politely, once.
 */
export function SyncIndicator({ api, onOpen, current = false, pollMs }: SyncIndicatorProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const num = (n: number) => formatNumber(n, lang);
  const { status, error } = useSyncStatus(api, pollMs);
  const [said, setSaid] = useState("");
  const previous = useRef<SyncStatus | null>(null);

  useEffect(() => {
    if (!status) return;
    const before = previous.current;
    previous.current = status;
    if (!before) return;
    const text = announcement(before, status, t, (n) => formatNumber(n, lang));
    if (text) setSaid(text);
    // Only a new status is news; a language change re-renders without speaking.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status]);

  const shown: Shown = status ? syncState(status) : error ? "unavailable" : "untried";
  const stateWord = t(`sync.state.${shown}`);
  const pending = status?.pending_changes ?? 0;
  const exceptions = status?.open_exceptions ?? 0;
  const last = status?.last_sync_at ? formatRelative(status.last_sync_at, lang) : null;

  const nameParts = [t("sync.indicator.name", { state: stateWord })];
  if (status) {
    nameParts.push(t("sync.indicator.pending", { count: pending, formatted: num(pending) }));
    nameParts.push(last ? t("sync.indicator.last", { when: last }) : t("sync.indicator.never"));
    nameParts.push(
      exceptions > 0
        ? t("sync.indicator.exceptions", { count: exceptions, formatted: num(exceptions) })
        : t("sync.indicator.noExceptions"),
    );
  }
  nameParts.push(t("sync.indicator.open"));

  return (
    <div className="sync-indicator-wrap">
      <button
        type="button"
        className="sync-indicator"
        data-testid="sync-indicator"
        data-state={shown}
        aria-label={nameParts.join(" ")}
        aria-current={current ? "page" : undefined}
        onClick={onOpen}
      >
        {shown === "syncing" ? (
          <span className="sync-spinner" data-testid="sync-spinner" aria-hidden="true" />
        ) : (
          <span className={`sync-dot sync-dot-${shown}`} aria-hidden="true" />
        )}
        <span className="sync-indicator-state">{stateWord}</span>
        {status && pending > 0 && (
          <span className="sync-indicator-pending" data-testid="sync-indicator-pending" aria-hidden="true">
            {t("sync.indicator.pendingShort", { formatted: num(pending) })}
          </span>
        )}
        {status?.configured && (
          <span className="sync-indicator-last" data-testid="sync-indicator-last" aria-hidden="true">
            {last ?? t("sync.indicator.neverShort")}
          </span>
        )}
        {exceptions > 0 && (
          <span className="sync-badge" data-testid="sync-indicator-badge" aria-hidden="true">
            {num(exceptions)}
          </span>
        )}
      </button>
      <span className="visually-hidden" role="status" data-testid="sync-announce">
        {said}
      </span>
    </div>
  );
}
