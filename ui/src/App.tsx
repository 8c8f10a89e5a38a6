import type { i18n as I18n } from "i18next";
import { useCallback, useEffect, useMemo, useState } from "react";
import { I18nextProvider, useTranslation } from "react-i18next";
import { toErrorPayload, type CatalogApi } from "./api";
import type { CatalogSummary } from "./bindings/CatalogSummary";
import type { ErrorPayload } from "./bindings/ErrorPayload";
import { ErrorBanner } from "./components/ErrorBanner";
import { LanguageSwitch } from "./components/LanguageSwitch";
import { RecordList } from "./components/RecordList";
import { StatusBar } from "./components/StatusBar";
import { createI18n, currentLanguage, formatNumber } from "./i18n";

/** How often the catalog summary (unsynced count, record count) is refreshed. */
export const SUMMARY_REFRESH_MS = 5000;

export interface AppProps {
  api: CatalogApi;
  /** Defaults to a fresh instance in the stored language. */
  i18n?: I18n;
  refreshMs?: number;
}

export function App({ api, i18n, refreshMs = SUMMARY_REFRESH_MS }: AppProps) {
  const instance = useMemo(() => i18n ?? createI18n(), [i18n]);
  return (
    <I18nextProvider i18n={instance}>
      <CatalogScreen api={api} refreshMs={refreshMs} />
    </I18nextProvider>
  );
}

type Failure = { source: "summary" | "records"; error: ErrorPayload };

function CatalogScreen({ api, refreshMs }: { api: CatalogApi; refreshMs: number }) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const [summary, setSummary] = useState<CatalogSummary | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);

  useEffect(() => {
    let cancelled = false;
    const load = () => {
      api.summary().then(
        (s) => {
          if (cancelled) return;
          setSummary(s);
          setFailure((f) => (f?.source === "summary" ? null : f));
        },
        (err: unknown) => {
          if (!cancelled) setFailure({ source: "summary", error: toErrorPayload(err) });
        },
      );
    };
    load();
    const timer = setInterval(load, refreshMs);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [api, refreshMs]);

  const onRecordsError = useCallback((err: unknown) => {
    setFailure({ source: "records", error: toErrorPayload(err) });
  }, []);

  const total = summary?.records ?? 0;
  // Without a summary after a failed read there is nothing loading: say so instead of waiting.
  const summaryFailed = !summary && failure?.source === "summary";

  return (
    <div className="app">
      <header className="app-header">
        <h1 data-testid="app-title">Shelfmark</h1>
        <LanguageSwitch />
      </header>
      {failure && <ErrorBanner error={failure.error} onDismiss={() => setFailure(null)} />}
      <main className="app-main">
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
          <RecordList api={api} total={total} onError={onRecordsError} />
        ) : summary ? (
          <p className="empty-state">{t("records.empty")}</p>
        ) : null}
      </main>
      <StatusBar summary={summary} failed={summaryFailed} />
    </div>
  );
}
