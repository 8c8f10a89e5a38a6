import { useCallback, useEffect, useRef, useState } from "react";
import { toErrorPayload, type CatalogApi } from "../api";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { SyncStatus } from "../bindings/SyncStatus";

/** How often the indicator and the sync screen ask for the sync status (a local read, no network). */
export const SYNC_POLL_MS = 5000;

/**
 * Said by whatever changed the sync status in this window (a sync now, a resolution), so every
 * reader of it — the header's indicator beside the sync screen — reads it again at once
 * instead of at its next poll.
 */
const statusChanged = new EventTarget();

export function announceSyncChange(): void {
  statusChanged.dispatchEvent(new Event("changed"));
}

/**
 * The sync status, read now and every `pollMs`, and again whenever `announceSyncChange` is called. `refresh` reads it again at once; `update`
 * takes a status a command already answered with (syncNow), so the screen need not wait.
 * A failed read keeps the last status and says why in `error`.
 */
export function useSyncStatus(api: CatalogApi, pollMs: number = SYNC_POLL_MS) {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [tick, setTick] = useState(0);
  const request = useRef(0);

  useEffect(() => {
    let cancelled = false;
    const load = () => {
      const mine = ++request.current;
      api.syncStatus().then(
        (s) => {
          if (cancelled || mine !== request.current) return;
          setStatus(s);
          setError(null);
        },
        (err: unknown) => {
          if (!cancelled && mine === request.current) setError(toErrorPayload(err));
        },
      );
    };
    load();
    const timer = setInterval(load, pollMs);
    statusChanged.addEventListener("changed", load);
    return () => {
      cancelled = true;
      clearInterval(timer);
      statusChanged.removeEventListener("changed", load);
    };
  }, [api, pollMs, tick]);

  const refresh = useCallback(() => setTick((n) => n + 1), []);
  const update = useCallback((s: SyncStatus) => {
    // A read already on its way would be older than this answer: drop it.
    request.current++;
    setStatus(s);
    setError(null);
  }, []);
  return { status, error, refresh, update };
}
