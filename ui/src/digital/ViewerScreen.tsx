import { useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { accessDecisionOf, toErrorPayload, type CatalogApi } from "../api";
import type { AccessDecision } from "../bindings/AccessDecision";
import type { DigitalObject } from "../bindings/DigitalObject";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { OpenedObject } from "../bindings/OpenedObject";
import { AudioPlayer } from "./AudioPlayer";
import { KIND_ICON, readerOf, VIEW_AS_STAFF, type ViewAs } from "./format";
import { ImageViewer } from "./ImageViewer";
import { pageOfPart } from "./pages";
import { PdfViewer } from "./PdfViewer";
import { GrantNote, RefusedPanel } from "./RefusedPanel";
import { TextReader } from "./TextReader";
import { ViewAsControl } from "./ViewAsControl";
import "./digital.css";

export interface ViewerScreenProps {
  api: CatalogApi;
  objectId: string;
  recordId: string;
  /** The text part to open at (a PDF page's index from 0, an EPUB chapter), from a full-text hit. */
  part?: number;
  /** Back to the record (Esc does the same, through the app shell). */
  onBack(): void;
}

type Load =
  | { state: "loading" }
  | { state: "failed"; error: ErrorPayload }
  | { state: "refused"; decision: AccessDecision; object: DigitalObject | null }
  | { state: "ready"; opened: OpenedObject };

/**
 * A digital object opened for a reader — by default the staff member at this desk, or, through
 * "view as", a reader's card or someone not signed in. The core decides; a refusal shows why
 * and no content at all. Allowed content is shown by its kind: image, PDF, e-book or text,
 * recording.
 */
export function ViewerScreen({ api, objectId, recordId, part, onBack }: ViewerScreenProps) {
  const { t } = useTranslation();
  const headingId = useId();
  const [viewAs, setViewAs] = useState<ViewAs>(VIEW_AS_STAFF);
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);
  const [title, setTitle] = useState<string | null>(null);
  const reader = readerOf(viewAs);
  const readerKey = JSON.stringify(reader);

  // The work's title names the object for screen readers (alt text, the player's heading).
  useEffect(() => {
    let cancelled = false;
    api.recordDetail(recordId).then(
      (detail) => {
        if (!cancelled) setTitle(detail.title);
      },
      () => {
        // Without the title the object's own label names it.
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, recordId]);

  useEffect(() => {
    let cancelled = false;
    setLoad({ state: "loading" });
    api.openDigitalObject(objectId, JSON.parse(readerKey)).then(
      (opened) => {
        if (cancelled) return;
        setLoad(
          opened.decision.allowed && opened.content_url
            ? { state: "ready", opened }
            : { state: "refused", decision: opened.decision, object: opened.object },
        );
      },
      (err: unknown) => {
        if (cancelled) return;
        const error = toErrorPayload(err);
        const decision = accessDecisionOf(error);
        setLoad(decision ? { state: "refused", decision, object: null } : { state: "failed", error });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, objectId, readerKey, attempt]);

  const object = load.state === "ready" ? load.opened.object : load.state === "refused" ? load.object : null;
  const objectName = object ? (object.label ?? object.file_name) : null;
  const name = [title, objectName].filter(Boolean).join(" — ") || t("digital.viewer.untitled");

  return (
    <section className="digital-viewer" aria-labelledby={headingId} data-testid="viewer-screen">
      <header className="digital-viewer-header">
        <div>
          <h2 id={headingId} data-testid="viewer-title">
            {title ?? objectName ?? t("digital.viewer.heading")}
          </h2>
          {object && (
            <p className="digital-muted" data-testid="viewer-object">
              <span aria-hidden="true">{KIND_ICON[object.kind]} </span>
              {t(`digital.kind.${object.kind}`)}
              {objectName && title ? ` · ${objectName}` : ""}
              {object.label ? ` · ${object.file_name}` : ""}
            </p>
          )}
        </div>
        <button type="button" onClick={onBack} aria-keyshortcuts="Escape" data-testid="viewer-back">
          {t("digital.viewer.back")}
        </button>
      </header>
      <ViewAsControl value={viewAs} onChange={setViewAs} testId="viewer-view-as" />
      {viewAs.role !== "staff" && (
        <p className="digital-note" data-testid="viewer-viewing-as">
          {viewAs.role === "patron"
            ? t(viewAs.onPremises ? "digital.viewAs.nowPatronPremises" : "digital.viewAs.nowPatron", { card: viewAs.card })
            : t(viewAs.onPremises ? "digital.viewAs.nowAnonymousPremises" : "digital.viewAs.nowAnonymous")}
        </p>
      )}

      {load.state === "loading" && (
        <p className="digital-muted" role="status" data-testid="viewer-loading">
          {t("digital.viewer.loading")}
        </p>
      )}
      {load.state === "failed" && (
        <div className="digital-inline-error" role="alert" data-testid="viewer-error" data-code={load.error.code}>
          <p>
            <strong>{load.error.code === "not_found" ? t("digital.viewer.notFound") : t("digital.viewer.failed")}</strong>
          </p>
          {load.error.message && <p>{load.error.message}</p>}
          {load.error.code !== "not_found" && (
            <button type="button" onClick={() => setAttempt((n) => n + 1)} data-testid="viewer-retry">
              {t("digital.viewer.retry")}
            </button>
          )}
        </div>
      )}
      {load.state === "refused" && <RefusedPanel decision={load.decision} />}
      {load.state === "ready" && (
        <div className="digital-content" data-testid="viewer-content" data-kind={load.opened.object.kind}>
          <GrantNote decision={load.opened.decision} />
          <Content api={api} opened={load.opened} url={load.opened.content_url!} name={name} title={title ?? name} part={part} readerKey={readerKey} />
        </div>
      )}
    </section>
  );
}

function Content(props: {
  api: CatalogApi;
  opened: OpenedObject;
  url: string;
  name: string;
  title: string;
  part: number | undefined;
  readerKey: string;
}) {
  const { api, opened, url, name, title, part, readerKey } = props;
  const reader = JSON.parse(readerKey);
  const { object } = opened;
  // A new reader or object starts the content afresh (its position, its saved place).
  const key = `${object.id}:${readerKey}`;
  switch (object.kind) {
    case "image":
      return <ImageViewer key={key} url={url} alt={name} />;
    case "pdf":
      return (
        <PdfViewer
          key={key}
          api={api}
          object={object}
          reader={reader}
          url={url}
          title={title}
          initialPage={part !== undefined ? pageOfPart(part) : 1}
        />
      );
    case "epub":
    case "text":
      return <TextReader key={key} api={api} object={object} reader={reader} parts={opened.text_parts} initialPart={part} />;
    case "audio":
      return <AudioPlayer key={key} api={api} opened={opened} url={url} reader={reader} title={name} />;
  }
}
