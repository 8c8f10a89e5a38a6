import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { toErrorPayload, type CatalogApi } from "../api";
import type { AttachResult } from "../bindings/AttachResult";
import type { DigitalObject } from "../bindings/DigitalObject";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import { currentLanguage, formatNumber } from "../i18n";
import { AttachDialog, ObjectRightsDialog, RemoveDialog } from "./DigitalDialogs";
import { formatSize, KIND_ICON } from "./format";
import { formatClock } from "./player";
import "./digital.css";

export interface DigitalPanelProps {
  api: CatalogApi;
  recordId: string;
  /** Opens an object in the viewer (or the player). */
  onOpen(objectId: string): void;
  /** Whether one of the panel's dialogs is open (the record's own shortcuts pause meanwhile). */
  onFormOpen?(open: boolean): void;
}

type Load = { state: "loading" } | { state: "failed"; error: ErrorPayload } | { state: "ready"; objects: DigitalObject[] };
type Dialog =
  | { kind: "attach"; path: string }
  | { kind: "remove"; object: DigitalObject }
  | { kind: "rights"; object: DigitalObject }
  | null;
type Notice = { kind: "attached"; result: AttachResult } | { kind: "removed"; name: string } | { kind: "rights"; name: string } | null;

/**
 * The record's digital copies: what each is, how large, who may open it; Open, Attach…,
 * the object's own rights, and Remove (with a reason).
 */
export function DigitalPanel({ api, recordId, onOpen, onFormOpen }: DigitalPanelProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const [pickFailed, setPickFailed] = useState<string | null>(null);
  const attachRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let cancelled = false;
    setLoad({ state: "loading" });
    api.digitalObjects(recordId).then(
      (objects) => {
        if (!cancelled) setLoad({ state: "ready", objects });
      },
      (err: unknown) => {
        if (!cancelled) setLoad({ state: "failed", error: toErrorPayload(err) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, recordId, attempt]);

  useEffect(() => onFormOpen?.(dialog !== null), [dialog, onFormOpen]);
  useEffect(() => () => onFormOpen?.(false), [onFormOpen]);

  const objects = load.state === "ready" ? load.objects : [];
  const replace = useCallback((update: (list: DigitalObject[]) => DigitalObject[]) => {
    setLoad((l) => (l.state === "ready" ? { state: "ready", objects: update(l.objects) } : l));
  }, []);

  const pick = async () => {
    setPickFailed(null);
    try {
      const path = await api.pickFile("open");
      if (path) setDialog({ kind: "attach", path });
    } catch (err) {
      setPickFailed(toErrorPayload(err).message);
    }
  };

  const nameOf = (o: DigitalObject) => o.label ?? o.file_name;

  const extent = (o: DigitalObject) => {
    const bits: string[] = [];
    if (o.kind === "audio") {
      if (o.duration_ms !== null) bits.push(t("digital.panel.duration", { time: formatClock(o.duration_ms) }));
      if (o.chapters.length) bits.push(t("digital.panel.chapters", { count: o.chapters.length, formatted: formatNumber(o.chapters.length, lang) }));
    } else if (o.parts !== null) {
      const key = o.kind === "pdf" ? "digital.panel.pages" : o.kind === "epub" ? "digital.panel.parts" : null;
      if (key) bits.push(t(key, { count: o.parts, formatted: formatNumber(o.parts, lang) }));
    }
    return bits.join(" · ");
  };

  return (
    <div className="digital-panel" data-testid="digital-panel">
      <div className="digital-toolbar">
        <button type="button" ref={attachRef} className="primary" onClick={() => void pick()} data-testid="digital-attach">
          {t("digital.panel.attach")}
        </button>
        <span role="status" className="digital-muted" data-testid="digital-status">
          {notice?.kind === "attached" && (
            <>
              {t("digital.panel.attached", { name: nameOf(notice.result.object) })}
              {notice.result.content_already_stored && <> {t("digital.panel.alreadyStored")}</>}
              {notice.result.text_note && <> {t("digital.panel.textNote", { note: notice.result.text_note })}</>}
            </>
          )}
          {notice?.kind === "removed" && t("digital.panel.removed", { name: notice.name })}
          {notice?.kind === "rights" && t("digital.panel.rightsSaved", { name: notice.name })}
        </span>
      </div>
      {pickFailed && (
        <p className="digital-inline-error" role="alert" data-testid="digital-pick-error">
          {t("digital.panel.pickFailed")} {pickFailed}
        </p>
      )}
      {load.state === "loading" && (
        <p className="digital-muted" role="status" data-testid="digital-loading">
          {t("digital.panel.loading")}
        </p>
      )}
      {load.state === "failed" && (
        <div className="digital-inline-error" role="alert" data-testid="digital-load-error">
          <p>
            {t("digital.panel.loadFailed")} {load.error.message}
          </p>
          <button type="button" onClick={() => setAttempt((n) => n + 1)} data-testid="digital-retry">
            {t("digital.viewer.retry")}
          </button>
        </div>
      )}
      {load.state === "ready" && objects.length === 0 && (
        <p className="digital-muted" data-testid="digital-empty">
          {t("digital.panel.none")}
        </p>
      )}
      {objects.length > 0 && (
        <table className="digital-table" aria-label={t("digital.panel.tableLabel")} data-testid="digital-table">
          <thead>
            <tr>
              <th scope="col">{t("digital.panel.columns.kind")}</th>
              <th scope="col">{t("digital.panel.columns.name")}</th>
              <th scope="col">{t("digital.panel.columns.size")}</th>
              <th scope="col">{t("digital.panel.columns.extent")}</th>
              <th scope="col">{t("digital.panel.columns.access")}</th>
              <th scope="col">{t("digital.panel.columns.status")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("digital.panel.columns.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {objects.map((o) => (
              <tr key={o.id} data-testid="digital-row" data-object={o.id}>
                <td data-testid="digital-kind">
                  <span aria-hidden="true" className="digital-kind-icon">
                    {KIND_ICON[o.kind]}
                  </span>{" "}
                  {t(`digital.kind.${o.kind}`)}
                </td>
                <th scope="row" className="digital-name">
                  <span data-testid="digital-name">{nameOf(o)}</span>
                  {o.label && <span className="digital-muted digital-file">{o.file_name}</span>}
                </th>
                <td data-testid="digital-size">{formatSize(o.size_bytes, lang)}</td>
                <td data-testid="digital-extent">{extent(o)}</td>
                <td data-testid="digital-access">
                  {t(`digital.access.${o.access}`)}
                  {o.accessible_format && (
                    <span className="digital-badge" data-testid="digital-accessible">
                      {t("digital.panel.accessibleFormat")}
                    </span>
                  )}
                </td>
                <td data-testid="digital-object-status">
                  {o.status ? t(`digital.status.${o.status}`) : <span className="digital-muted">{t("digital.panel.followsWork")}</span>}
                  {o.rights_reason && <span className="digital-muted digital-reason">{t("digital.panel.reason", { reason: o.rights_reason })}</span>}
                </td>
                <td className="digital-actions">
                  <button type="button" onClick={() => onOpen(o.id)} aria-label={t("digital.panel.openNamed", { name: nameOf(o) })} data-testid="digital-open">
                    {t("digital.panel.open")}
                  </button>
                  <button
                    type="button"
                    onClick={() => setDialog({ kind: "rights", object: o })}
                    aria-label={t("digital.panel.rightsNamed", { name: nameOf(o) })}
                    data-testid="digital-rights"
                  >
                    {t("digital.panel.rights")}
                  </button>
                  <button
                    type="button"
                    onClick={() => setDialog({ kind: "remove", object: o })}
                    aria-label={t("digital.panel.removeNamed", { name: nameOf(o) })}
                    data-testid="digital-remove"
                  >
                    {t("digital.panel.remove")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {dialog?.kind === "attach" && (
        <AttachDialog
          path={dialog.path}
          onCancel={() => setDialog(null)}
          onAttach={async (label, accessibleFormat) => {
            const result = await api.attachDigitalObject({ record_id: recordId, path: dialog.path, label, accessible_format: accessibleFormat });
            // Attaching content the record already has returns the same object: shown once.
            replace((list) => [...list.filter((o) => o.id !== result.object.id), result.object]);
            setNotice({ kind: "attached", result });
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === "remove" && (
        <RemoveDialog
          object={dialog.object}
          onCancel={() => setDialog(null)}
          onRemove={async (reason) => {
            await api.removeDigitalObject(dialog.object.id, reason);
            replace((list) => list.filter((o) => o.id !== dialog.object.id));
            setNotice({ kind: "removed", name: nameOf(dialog.object) });
            setDialog(null);
            attachRef.current?.focus();
          }}
        />
      )}
      {dialog?.kind === "rights" && (
        <ObjectRightsDialog
          object={dialog.object}
          onCancel={() => setDialog(null)}
          onSave={async (status, access, reason) => {
            const saved = await api.setObjectRights(dialog.object.id, status, access, reason);
            replace((list) => list.map((o) => (o.id === saved.id ? saved : o)));
            setNotice({ kind: "rights", name: nameOf(saved) });
            setDialog(null);
          }}
        />
      )}
    </div>
  );
}
