import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { useWindowKeydown } from "../components/windowKeys";
import { toErrorPayload, type CatalogApi } from "../api";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { Item } from "../bindings/Item";
import type { MarcRecord } from "../bindings/MarcRecord";
import type { RecordDetail } from "../bindings/RecordDetail";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { DigitalPanel } from "../digital/DigitalPanel";
import { currentLanguage, formatNumber } from "../i18n";
import { DescriptionPanel } from "./DescriptionPanel";
import { withoutControlNumber } from "./format";
import { HistoryPanel } from "./HistoryPanel";
import { ItemsPanel } from "./ItemsPanel";
import { MarcPanel } from "./MarcPanel";
import { RightsPanel } from "../rights/RightsPanel";
import "./record.css";

export interface RecordViewProps {
  api: CatalogApi;
  id: string;
  /** Back to the search results (Esc does the same). */
  onBack(): void;
  onEdit(id: string): void;
  /** Opens the editor on a copy of this record, as a new one. */
  onDuplicate(record: MarcRecord): void;
  onDeleted(): void;
  /** Something about the record or its items was saved (the summary's counts may change). */
  onChanged(): void;
  onError(err: unknown): void;
  /** Opens one of the record's digital copies in the viewer. */
  onOpenDigital?(objectId: string): void;
}

export const RECORD_TABS = ["description", "marc", "items", "digital", "rights", "history"] as const;
export type RecordTab = (typeof RECORD_TABS)[number];

type Load = { state: "loading" } | { state: "failed"; error: ErrorPayload } | { state: "ready"; detail: RecordDetail };

/** Keys typed into a field are the field's, not shortcuts. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/**
 * One record: its description, its MARC, its items and its history, with Edit (E or Ctrl+E),
 * Duplicate and Delete. Esc goes back through the app shell.
 */
export function RecordView(props: RecordViewProps) {
  const { api, id } = props;
  const { t } = useTranslation();
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setLoad({ state: "loading" });
    api.recordDetail(id).then(
      (detail) => {
        if (!cancelled) setLoad({ state: "ready", detail });
      },
      (err: unknown) => {
        if (!cancelled) setLoad({ state: "failed", error: toErrorPayload(err) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, id, attempt]);

  if (load.state === "loading") {
    return (
      <section className="record-view" data-testid="record-view" aria-busy="true">
        <p role="status" className="record-muted" data-testid="record-loading">
          {t("record.loading")}
        </p>
      </section>
    );
  }

  if (load.state === "failed") {
    const { error } = load;
    return (
      <section className="record-view" data-testid="record-view">
        <div role="alert" className="record-inline-error" data-testid="record-load-error" data-code={error.code}>
          <p>
            <strong>{error.code === "not_found" ? t("record.notFound") : t("record.loadFailed")}</strong>
          </p>
          {error.code !== "not_found" && (
            <p>
              {t(`errors.${error.code}`)} {error.message}
            </p>
          )}
        </div>
        <div className="record-actions">
          {error.code !== "not_found" && (
            <button type="button" className="primary" onClick={() => setAttempt((n) => n + 1)} data-testid="record-retry">
              {t("record.retry")}
            </button>
          )}
          <button type="button" onClick={props.onBack} data-testid="record-back">
            {t("record.back")}
          </button>
        </div>
      </section>
    );
  }

  return (
    <LoadedRecord
      {...props}
      detail={load.detail}
      onDetail={(detail) => setLoad({ state: "ready", detail })}
    />
  );
}

function LoadedRecord(props: RecordViewProps & { detail: RecordDetail; onDetail(detail: RecordDetail): void }) {
  const { detail, api, onEdit, onChanged, onDetail } = props;
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const [tab, setTab] = useState<RecordTab>("description");
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [refusal, setRefusal] = useState<ErrorPayload | null>(null);
  const [formOpen, setFormOpen] = useState(false);
  const deleteRef = useRef<HTMLButtonElement>(null);
  // Focus returns to Delete after the question closes or the refusal shows, once it is enabled again.
  const [focusDelete, setFocusDelete] = useState(0);
  useEffect(() => {
    if (focusDelete) deleteRef.current?.focus();
  }, [focusDelete]);
  const tabRefs = useRef<Record<RecordTab, HTMLButtonElement | null>>({
    description: null,
    marc: null,
    items: null,
    digital: null,
    rights: null,
    history: null,
  });
  const base = useId();
  const headingId = `${base}-heading`;
  const tabId = (key: RecordTab) => `${base}-tab-${key}`;
  const panelId = (key: RecordTab) => `${base}-panel-${key}`;

  // E or Ctrl+E edits, unless typing, or a dialog (ours or the app's) is open.
  const busy = confirming || formOpen || deleting;
  useWindowKeydown((e) => {
    if (e.defaultPrevented || busy || e.altKey || e.shiftKey || e.key.toLowerCase() !== "e") return;
    if (isTyping(e.target) || document.querySelector("dialog[open]")) return;
    e.preventDefault();
    onEdit(detail.id);
  });

  const onTabKey = (e: ReactKeyboardEvent<HTMLButtonElement>) => {
    const index = RECORD_TABS.indexOf(tab);
    const last = RECORD_TABS.length - 1;
    const next =
      e.key === "ArrowRight" ? (index === last ? 0 : index + 1)
      : e.key === "ArrowLeft" ? (index === 0 ? last : index - 1)
      : e.key === "Home" ? 0
      : e.key === "End" ? last
      : null;
    if (next === null) return;
    e.preventDefault();
    const key = RECORD_TABS[next]!;
    setTab(key);
    tabRefs.current[key]?.focus();
  };

  const confirmDelete = () => {
    setConfirming(false);
    setDeleting(true);
    setRefusal(null);
    api.deleteRecord(detail.id).then(
      () => {
        setDeleting(false);
        props.onDeleted();
      },
      (err: unknown) => {
        setDeleting(false);
        const payload = toErrorPayload(err);
        if (payload.code === "items_on_loan") setRefusal(payload);
        else props.onError(payload);
        setFocusDelete((n) => n + 1);
      },
    );
  };

  const onItemSaved = useCallback(
    (item: Item, added: boolean) => {
      const items = added ? [...detail.items, item] : detail.items.map((i) => (i.id === item.id ? item : i));
      onDetail({ ...detail, items });
      onChanged();
    },
    [detail, onDetail, onChanged],
  );

  const itemCount = detail.items.length;
  const onLoan = detail.items.filter((i) => i.status === "on_loan").map((i) => i.barcode);

  return (
    <section className="record-view" data-testid="record-view" aria-labelledby={headingId}>
      <header className="record-header">
        <div className="record-heading">
          <h2 id={headingId} data-testid="record-title">
            {detail.title}
          </h2>
          {detail.responsibility && (
            <p className="record-responsibility" data-testid="record-responsibility">
              {detail.responsibility}
            </p>
          )}
          <p className="record-type" data-testid="record-material-type">
            <span className="visually-hidden">{t("record.materialType")}: </span>
            {t(`materialType.${detail.material_type}`)}
          </p>
        </div>
        <div className="record-actions" role="group" aria-label={t("record.actions")}>
          <button type="button" onClick={props.onBack} aria-keyshortcuts="Escape" data-testid="record-back">
            {t("record.back")}
          </button>
          <button
            type="button"
            className="primary"
            onClick={() => onEdit(detail.id)}
            aria-keyshortcuts="E Control+E"
            data-testid="record-edit"
          >
            {t("record.edit")}
          </button>
          <button
            type="button"
            onClick={() => props.onDuplicate(withoutControlNumber(detail.marc))}
            data-testid="record-duplicate"
          >
            {t("record.duplicate")}
          </button>
          <button
            type="button"
            ref={deleteRef}
            className="danger"
            disabled={deleting}
            onClick={() => setConfirming(true)}
            data-testid="record-delete"
          >
            {t("record.delete")}
          </button>
        </div>
      </header>

      {refusal && (
        <div role="alert" className="record-inline-error" data-testid="delete-refusal">
          <p>
            <strong>{t("record.deleteRefused.onLoan")}</strong>
          </p>
          {onLoan.length > 0 && <p>{t("record.deleteRefused.onLoanItems", { barcodes: onLoan.join(", ") })}</p>}
          {refusal.message && (
            <p>
              {t("record.deleteRefused.serverSaid")} {refusal.message}
            </p>
          )}
          <button type="button" onClick={() => setRefusal(null)}>
            {t("record.deleteRefused.dismiss")}
          </button>
        </div>
      )}

      <div className="record-tabs" role="tablist" aria-label={t("record.tabs.label")} data-testid="record-tabs">
        {RECORD_TABS.map((key) => (
          <button
            key={key}
            ref={(el) => {
              tabRefs.current[key] = el;
            }}
            type="button"
            role="tab"
            id={tabId(key)}
            aria-selected={tab === key}
            aria-controls={panelId(key)}
            tabIndex={tab === key ? 0 : -1}
            onClick={() => setTab(key)}
            onKeyDown={onTabKey}
            data-testid={`record-tab-${key}`}
          >
            {key === "items"
              ? t("record.tabs.items", { formatted: formatNumber(itemCount, lang) })
              : key === "digital"
                ? t("digital.tab")
                : t(`record.tabs.${key}`)}
          </button>
        ))}
      </div>
      {RECORD_TABS.map((key) => (
        <div
          key={key}
          role="tabpanel"
          id={panelId(key)}
          aria-labelledby={tabId(key)}
          hidden={tab !== key}
          tabIndex={tab === key ? 0 : undefined}
          className="record-panel"
          data-testid={`record-panel-${key}`}
        >
          {tab === key && key === "description" && <DescriptionPanel detail={detail} />}
          {tab === key && key === "marc" && <MarcPanel marc={detail.marc} />}
          {tab === key && key === "items" && (
            <ItemsPanel
              api={api}
              recordId={detail.id}
              items={detail.items}
              callNumber={detail.call_number}
              onSaved={onItemSaved}
              onFormOpen={setFormOpen}
            />
          )}
          {tab === key && key === "digital" && (
            <DigitalPanel api={api} recordId={detail.id} onOpen={(objectId) => props.onOpenDigital?.(objectId)} onFormOpen={setFormOpen} />
          )}
          {tab === key && key === "rights" && <RightsPanel api={api} recordId={detail.id} />}
          {tab === key && key === "history" && <HistoryPanel api={api} id={detail.id} />}
        </div>
      ))}

      {confirming && (
        <ConfirmDialog
          title={t("record.deleteDialog.title")}
          message={
            itemCount === 0
              ? t("record.deleteDialog.messageNoItems", { title: detail.title })
              : t("record.deleteDialog.message", {
                  title: detail.title,
                  count: itemCount,
                  formatted: formatNumber(itemCount, lang),
                })
          }
          confirmLabel={t("record.deleteDialog.confirm")}
          cancelLabel={t("record.deleteDialog.cancel")}
          danger
          onConfirm={confirmDelete}
          onCancel={() => {
            setConfirming(false);
            setFocusDelete((n) => n + 1);
          }}
        />
      )}
    </section>
  );
}
