import type { i18n as I18n } from "i18next";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { I18nextProvider, useTranslation } from "react-i18next";
import { useWindowKeydown } from "./components/windowKeys";
import { toErrorPayload, type CatalogApi } from "./api";
import { AppHeader } from "./components/AppHeader";
import type { CatalogSummary } from "./bindings/CatalogSummary";
import type { ErrorPayload } from "./bindings/ErrorPayload";
import { ConfirmDialog } from "./components/ConfirmDialog";
import { CopyDialog } from "./copy/CopyDialog";
import { ErrorBanner } from "./components/ErrorBanner";
import { StatusBar } from "./components/StatusBar";
import { DeskScreen } from "./desk/DeskScreen";
import { FullTextScreen } from "./digital/FullTextScreen";
import { ViewerScreen } from "./digital/ViewerScreen";
import { MarcEditor } from "./editor/MarcEditor";
import { KioskLauncher, KioskMode } from "./kiosk/KioskMode";
import { createI18n } from "./i18n";
import { parentOf, type Dialog, type View } from "./navigation";
import { RecordView } from "./record/RecordView";
import { ReportScreen } from "./report/ReportScreen";
import { ReviewScreen } from "./rights/ReviewScreen";
import { RightsReportScreen } from "./rights/RightsReportScreen";
import { SearchScreen } from "./search/SearchScreen";
import { SettingsScreen } from "./settings/SettingsScreen";
import { SyncIndicator } from "./sync/SyncIndicator";
import { SyncScreen } from "./sync/SyncScreen";
import { SYNC_POLL_MS } from "./sync/useSyncStatus";
import { ExportDialog } from "./transfer/ExportDialog";
import { ImportDialog } from "./transfer/ImportDialog";

/** Where the desk's branch (a branch code) is remembered on this workstation. */
export const BRANCH_STORAGE_KEY = "shelfmark.branch";

function storedBranch(): string | null {
  try {
    return globalThis.localStorage?.getItem(BRANCH_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

/** How often the catalog summary (unsynced count, record count) is refreshed. */
export const SUMMARY_REFRESH_MS = 5000;

export interface AppProps {
  api: CatalogApi;
  /** Defaults to a fresh instance in the stored language. */
  i18n?: I18n;
  refreshMs?: number;
  /** The first screen; the catalog unless a test starts elsewhere. */
  initialView?: View;
  /** How often the sync indicator reads the sync status. */
  syncPollMs?: number;
}

export function App({ api, i18n, refreshMs = SUMMARY_REFRESH_MS, initialView, syncPollMs = SYNC_POLL_MS }: AppProps) {
  const instance = useMemo(() => i18n ?? createI18n(), [i18n]);
  return (
    <I18nextProvider i18n={instance}>
      <Shell api={api} refreshMs={refreshMs} initialView={initialView ?? { name: "catalog" }} syncPollMs={syncPollMs} />
    </I18nextProvider>
  );
}

type Failure = { source: "summary" | "work"; error: ErrorPayload };

/** The summary, read now and every `refreshMs`; `refresh` reads it again at once (after a save). */
function useSummary(api: CatalogApi, refreshMs: number, onFailure: (f: Failure | null) => void) {
  const [summary, setSummary] = useState<CatalogSummary | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let cancelled = false;
    const load = () => {
      api.summary().then(
        (s) => {
          if (cancelled) return;
          setSummary(s);
          onFailure(null);
        },
        (err: unknown) => {
          if (!cancelled) onFailure({ source: "summary", error: toErrorPayload(err) });
        },
      );
    };
    load();
    const timer = setInterval(load, refreshMs);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [api, refreshMs, onFailure, tick]);
  const refresh = useCallback(() => setTick((n) => n + 1), []);
  return { summary, refresh };
}

function Shell({
  api,
  refreshMs,
  initialView,
  syncPollMs,
}: {
  api: CatalogApi;
  refreshMs: number;
  initialView: View;
  syncPollMs: number;
}) {
  const { t } = useTranslation();
  const [failure, setFailure] = useState<Failure | null>(null);
  // A summary success clears only a summary failure; the other kinds stay until dismissed.
  const onSummaryFailure = useCallback((f: Failure | null) => {
    setFailure((current) => (f ? f : current?.source === "summary" ? null : current));
  }, []);
  const { summary, refresh } = useSummary(api, refreshMs, onSummaryFailure);
  const [view, setView] = useState<View>(initialView);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [query, setQuery] = useState("");
  const [dirty, setDirty] = useState(false);
  /** A move away from unsaved edits, waiting for the cataloger's answer. */
  const [pending, setPending] = useState<View | null>(null);
  /** The window is being closed with unsaved edits: the answer to give Tauri, once asked. */
  const [closeAnswer, setCloseAnswer] = useState<((leave: boolean) => void) | null>(null);
  const [branch, setBranch] = useState<string | null>(storedBranch);
  const [kiosk, setKiosk] = useState(false);
  const chooseBranch = useCallback((code: string) => {
    setBranch(code);
    try {
      globalThis.localStorage?.setItem(BRANCH_STORAGE_KEY, code);
    } catch {
      // Without storage the choice lasts for this session.
    }
  }, []);

  const onError = useCallback((err: unknown) => {
    setFailure({ source: "work", error: toErrorPayload(err) });
  }, []);

  const go = useCallback(
    (next: View) => {
      if (dirty) setPending(next);
      else setView(next);
    },
    [dirty],
  );

  const viewRef = useRef(view);
  viewRef.current = view;
  useWindowKeydown((e) => {
    if (e.defaultPrevented || dialog || pending || closeAnswer || kiosk) return;
    const mod = e.ctrlKey || e.metaKey;
    if (e.key === "Escape" && viewRef.current.name !== "catalog") {
      e.preventDefault();
      go(parentOf(viewRef.current));
    } else if (mod && !e.shiftKey && e.key.toLowerCase() === "n") {
      e.preventDefault();
      go({ name: "new", template: null, initial: null });
    } else if (mod && !e.shiftKey && e.key.toLowerCase() === "i") {
      e.preventDefault();
      setDialog("import");
    } else if (mod && e.shiftKey && e.key.toLowerCase() === "e") {
      e.preventDefault();
      setDialog("export");
    } else if (mod && e.shiftKey && e.key.toLowerCase() === "c") {
      e.preventDefault();
      setDialog("copy");
    }
  });

  // Closing the window (or reloading the page) with unsaved edits asks first.
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", onBeforeUnload);
    const unguard = api.guardWindowClose(
      () => new Promise<boolean>((resolve) => setCloseAnswer(() => resolve)),
    );
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      unguard();
    };
  }, [dirty, api]);

  const summaryFailed = !summary && failure?.source === "summary";
  const afterChange = useCallback(() => refresh(), [refresh]);

  if (kiosk) {
    return (
      <KioskMode
        api={api}
        branch={branch}
        onExit={() => {
          setKiosk(false);
          void api.setFullscreen(false);
        }}
      />
    );
  }

  return (
    <div className="app">
      <AppHeader
        view={view}
        onGo={go}
        onDialog={setDialog}
        sync={
          <SyncIndicator
            api={api}
            pollMs={syncPollMs}
            current={view.name === "sync"}
            onOpen={() => go({ name: "sync" })}
          />
        }
      />
      {failure && <ErrorBanner error={failure.error} onDismiss={() => setFailure(null)} />}
      <main className="app-main">
        {view.name === "catalog" && (
          <SearchScreen
            api={api}
            summary={summary}
            summaryFailed={summaryFailed}
            query={query}
            onQueryChange={setQuery}
            onOpen={(id) => go({ name: "record", id })}
            onError={onError}
          />
        )}
        {view.name === "record" && (
          <RecordView
            key={view.id}
            api={api}
            id={view.id}
            onBack={() => go({ name: "catalog" })}
            onEdit={(id) => go({ name: "edit", id })}
            onDuplicate={(record) => go({ name: "new", template: null, initial: record })}
            onDeleted={() => {
              afterChange();
              go({ name: "catalog" });
            }}
            onChanged={afterChange}
            onError={onError}
            onOpenDigital={(objectId) => go({ name: "viewer", objectId, recordId: view.id })}
          />
        )}
        {(view.name === "edit" || view.name === "new") && (
          <MarcEditor
            key={view.name === "edit" ? view.id : "new"}
            api={api}
            recordId={view.name === "edit" ? view.id : null}
            template={view.name === "new" ? view.template : null}
            initial={view.name === "new" ? view.initial : null}
            onSaved={(detail) => {
              afterChange();
              setDirty(false);
              setView({ name: "record", id: detail.id });
            }}
            onCancel={() => go(parentOf(view))}
            onDeleted={() => {
              afterChange();
              setDirty(false);
              setView({ name: "catalog" });
            }}
            onDirtyChange={setDirty}
            onError={onError}
          />
        )}
        {view.name === "desk" && (
          <DeskScreen
            api={api}
            branch={branch}
            onBranchChange={chooseBranch}
            onOpenRecord={(id) => go({ name: "record", id })}
            onChanged={afterChange}
            onError={onError}
          />
        )}
        {view.name === "report" && <ReportScreen api={api} onError={onError} />}
        {view.name === "viewer" && (
          <ViewerScreen
            key={`${view.objectId}:${view.part ?? ""}`}
            api={api}
            objectId={view.objectId}
            recordId={view.recordId}
            part={view.part}
            onBack={() => go(parentOf(view))}
          />
        )}
        {view.name === "fulltext" && (
          <FullTextScreen
            api={api}
            onOpen={(objectId, recordId, part) => go({ name: "viewer", objectId, recordId, part: part ?? undefined })}
          />
        )}
        {view.name === "rights" && (
          <ReviewScreen api={api} onOpenRecord={(id) => go({ name: "record", id })} onError={onError} />
        )}
        {view.name === "rights-report" && (
          <RightsReportScreen
            api={api}
            onOpenRecord={(id) => go({ name: "record", id })}
            onReview={() => go({ name: "rights" })}
          />
        )}
        {view.name === "sync" && (
          <SyncScreen
            api={api}
            pollMs={syncPollMs}
            onOpenRecord={(id) => go({ name: "record", id })}
            onOpenSettings={() => go({ name: "settings" })}
            onChanged={afterChange}
          />
        )}
        {view.name === "settings" && <SettingsScreen api={api} />}
      </main>
      {dialog === "kiosk" && (
        <KioskLauncher
          api={api}
          onStart={() => {
            setDialog(null);
            setKiosk(true);
            void api.setFullscreen(true);
          }}
          onCancel={() => setDialog(null)}
        />
      )}
      {dialog === "import" && (
        <ImportDialog api={api} onClose={() => setDialog(null)} onImported={afterChange} onError={onError} />
      )}
      {dialog === "export" && (
        <ExportDialog api={api} query={query} onClose={() => setDialog(null)} onError={onError} />
      )}
      {dialog === "copy" && (
        <CopyDialog
          api={api}
          onClose={() => setDialog(null)}
          onOpenSettings={() => {
            setDialog(null);
            go({ name: "settings" });
          }}
          onOpenRecord={(id) => {
            setDialog(null);
            go({ name: "record", id });
          }}
          onEditRecord={(id) => {
            setDialog(null);
            go({ name: "edit", id });
          }}
          onImported={afterChange}
        />
      )}
      {closeAnswer && (
        <ConfirmDialog
          title={t("unsaved.title")}
          message={t("unsaved.closeMessage")}
          confirmLabel={t("unsaved.close")}
          cancelLabel={t("unsaved.stay")}
          danger
          onConfirm={() => {
            closeAnswer(true);
            setCloseAnswer(null);
          }}
          onCancel={() => {
            closeAnswer(false);
            setCloseAnswer(null);
          }}
        />
      )}
      {pending && (
        <ConfirmDialog
          title={t("unsaved.title")}
          message={t("unsaved.message")}
          confirmLabel={t("unsaved.leave")}
          cancelLabel={t("unsaved.stay")}
          danger
          onConfirm={() => {
            setDirty(false);
            setView(pending);
            setPending(null);
          }}
          onCancel={() => setPending(null)}
        />
      )}
      <StatusBar summary={summary} failed={summaryFailed} />
    </div>
  );
}
