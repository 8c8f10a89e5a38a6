import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import type { CatalogApi } from "../api";
import type { DigitalObject } from "../bindings/DigitalObject";
import type { ReaderRequest } from "../bindings/ReaderRequest";
import { currentLanguage, formatNumber } from "../i18n";
import { clampPage, fitZoom, pageFromInput, partOfPage, stepZoom } from "./pages";
import { PartBody, usePartText } from "./PartText";
import { openPdf, type PdfDocumentHandle } from "./pdf";

export interface PdfViewerProps {
  api: CatalogApi;
  object: DigitalObject;
  reader: ReaderRequest;
  url: string;
  /** The work's title, for the page picture's label. */
  title: string;
  /** The page to open at (from 1). */
  initialPage?: number;
}

type DocLoad = { state: "loading" } | { state: "ready"; doc: PdfDocumentHandle } | { state: "failed"; message: string };

/**
 * A PDF drawn a page at a time by pdf.js, with the page's extracted text beside it for screen
 * readers (the "text view", on by default; the drawn page is only a picture to them).
 * PageUp/PageDown turn pages anywhere in the viewer; Home/End go to the first and last page
 * from the page itself.
 */
export function PdfViewer({ api, object, reader, url, title, initialPage = 1 }: PdfViewerProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const id = useId();
  const [doc, setDoc] = useState<DocLoad>({ state: "loading" });
  const [page, setPage] = useState(Math.max(1, initialPage));
  const [pageText, setPageText] = useState(String(Math.max(1, initialPage)));
  const [pageInvalid, setPageInvalid] = useState(false);
  /** null: fitted to the width of the stage. */
  const [zoom, setZoom] = useState<number | null>(null);
  const [shownZoom, setShownZoom] = useState(1);
  const [textView, setTextView] = useState(true);
  const [renderFailed, setRenderFailed] = useState<string | null>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const stageRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let cancelled = false;
    let opened: PdfDocumentHandle | null = null;
    openPdf(url).then(
      (handle) => {
        if (cancelled) {
          handle.destroy();
          return;
        }
        opened = handle;
        setDoc({ state: "ready", doc: handle });
        setPage((p) => clampPage(p, handle.pageCount));
      },
      (err: unknown) => {
        if (!cancelled) setDoc({ state: "failed", message: err instanceof Error ? err.message : String(err) });
      },
    );
    return () => {
      cancelled = true;
      opened?.destroy();
    };
  }, [url]);

  const total = doc.state === "ready" ? doc.doc.pageCount : (object.parts ?? 1);

  useEffect(() => {
    if (doc.state !== "ready" || !canvasRef.current) return;
    const canvas = canvasRef.current;
    let cancelled = false;
    (async () => {
      let scale = zoom;
      if (scale === null) {
        const size = await doc.doc.pageSize(page);
        scale = fitZoom(size.width, (stageRef.current?.clientWidth ?? 0) - 16);
      }
      if (cancelled) return;
      setShownZoom(scale);
      await doc.doc.render(page, canvas, scale);
      if (!cancelled) setRenderFailed(null);
    })().catch((err: unknown) => {
      if (!cancelled) setRenderFailed(err instanceof Error ? err.message : String(err));
    });
    return () => {
      cancelled = true;
    };
  }, [doc, page, zoom]);

  useEffect(() => {
    setPageText(String(page));
    setPageInvalid(false);
  }, [page]);

  const goTo = (next: number) => setPage(clampPage(next, total));
  const commitPageText = () => {
    const wanted = pageFromInput(pageText, total);
    if (wanted === null) setPageInvalid(true);
    else {
      setPageInvalid(false);
      setPage(wanted);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const onStage = e.target === stageRef.current;
    if (e.key === "PageDown") goTo(page + 1);
    else if (e.key === "PageUp") goTo(page - 1);
    else if (onStage && e.key === "Home") goTo(1);
    else if (onStage && e.key === "End") goTo(total);
    else if (onStage && (e.key === "+" || e.key === "=")) setZoom(stepZoom(shownZoom, "in"));
    else if (onStage && e.key === "-") setZoom(stepZoom(shownZoom, "out"));
    else if (onStage && e.key === "0") setZoom(null);
    else return;
    e.preventDefault();
  };

  const textLoad = usePartText(api, object.id, partOfPage(page), reader, textView && object.has_text);
  const totalText = formatNumber(total, lang);
  const percent = `${formatNumber(Math.round(shownZoom * 100), lang)} %`;

  return (
    <div className="pdf-viewer" onKeyDown={onKeyDown} data-testid="pdf-viewer">
      <div className="digital-toolbar" role="toolbar" aria-label={t("digital.pdf.toolbar")}>
        <button type="button" onClick={() => goTo(page - 1)} disabled={page <= 1} aria-keyshortcuts="PageUp" data-testid="pdf-prev">
          {t("digital.pdf.previous")}
        </button>
        <span className="pdf-page-field">
          <label htmlFor={`${id}-page`}>{t("digital.pdf.page")}</label>
          <input
            id={`${id}-page`}
            type="text"
            inputMode="numeric"
            size={4}
            value={pageText}
            aria-invalid={pageInvalid || undefined}
            aria-describedby={`${id}-of${pageInvalid ? ` ${id}-page-error` : ""}`}
            onChange={(e) => setPageText(e.target.value)}
            onBlur={commitPageText}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                commitPageText();
              }
            }}
            data-testid="pdf-page-input"
          />
          <span id={`${id}-of`}>{t("digital.pdf.of", { total: totalText })}</span>
        </span>
        <button
          type="button"
          onClick={() => goTo(page + 1)}
          disabled={page >= total}
          aria-keyshortcuts="PageDown"
          data-testid="pdf-next"
        >
          {t("digital.pdf.next")}
        </button>
        <button type="button" onClick={() => setZoom(stepZoom(shownZoom, "out"))} data-testid="zoom-out">
          {t("digital.zoom.out")}
        </button>
        <button type="button" onClick={() => setZoom(null)} aria-pressed={zoom === null} data-testid="zoom-fit">
          {t("digital.zoom.fitWidth")}
        </button>
        <button type="button" onClick={() => setZoom(stepZoom(shownZoom, "in"))} data-testid="zoom-in">
          {t("digital.zoom.in")}
        </button>
        <output className="digital-muted" data-testid="zoom-level">
          {t("digital.zoom.level", { percent })}
        </output>
        <button type="button" aria-pressed={textView} onClick={() => setTextView((v) => !v)} data-testid="pdf-text-toggle">
          {t("digital.pdf.textView")}
        </button>
      </div>
      {pageInvalid && (
        <p id={`${id}-page-error`} className="digital-field-error" role="alert" data-testid="pdf-page-error">
          {t("digital.pdf.pageInvalid", { total: totalText })}
        </p>
      )}
      <p className="visually-hidden" aria-live="polite" data-testid="pdf-page-status">
        {t("digital.pdf.pageStatus", { page: formatNumber(page, lang), total: totalText })}
      </p>
      <div className={textView ? "pdf-body with-text" : "pdf-body"}>
        <div
          className="pdf-stage"
          ref={stageRef}
          tabIndex={0}
          role="group"
          aria-label={t("digital.pdf.stage")}
          aria-keyshortcuts="PageUp PageDown Home End + - 0"
          data-testid="pdf-stage"
        >
          {doc.state === "loading" && (
            <p className="digital-muted" role="status" data-testid="pdf-loading">
              {t("digital.pdf.loading")}
            </p>
          )}
          {doc.state === "failed" && (
            <p className="digital-inline-error" role="alert" data-testid="pdf-error">
              {t("digital.pdf.failed")} {doc.message}
            </p>
          )}
          {renderFailed && (
            <p className="digital-inline-error" role="alert" data-testid="pdf-render-error">
              {t("digital.pdf.renderFailed")} {renderFailed}
            </p>
          )}
          <canvas
            ref={canvasRef}
            hidden={doc.state !== "ready"}
            role="img"
            aria-label={t("digital.pdf.pageImage", { title, page: formatNumber(page, lang), total: totalText })}
            data-testid="pdf-canvas"
            data-page={page}
          />
        </div>
        {textView && (
          <section className="pdf-text" aria-labelledby={`${id}-text-heading`} data-testid="pdf-text">
            <h3 id={`${id}-text-heading`}>{t("digital.pdf.textHeading", { page: formatNumber(page, lang) })}</h3>
            {object.has_text ? (
              <PartBody load={textLoad} testId="pdf-page-text" />
            ) : (
              <p className="digital-muted" data-testid="pdf-no-text">
                {t("digital.pdf.noText")}
              </p>
            )}
          </section>
        )}
      </div>
    </div>
  );
}
