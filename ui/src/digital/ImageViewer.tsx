import { useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { currentLanguage, formatNumber } from "../i18n";
import { stepZoom } from "./pages";

export interface ImageViewerProps {
  url: string;
  /** What the image shows, for screen readers: the work's title and the object's label. */
  alt: string;
}

/**
 * A scan or photograph: fitted to the window, zoomed in and out by buttons or by + / − / 0
 * on the focused picture, scrolled with the arrow keys when larger than the window.
 */
export function ImageViewer({ url, alt }: ImageViewerProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  /** 1 = fitted to the width of the window; more is larger. */
  const [zoom, setZoom] = useState(1);
  const [fitted, setFitted] = useState(true);

  const zoomTo = (next: number, fit = false) => {
    setZoom(next);
    setFitted(fit);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "+" || e.key === "=") zoomTo(stepZoom(zoom, "in"));
    else if (e.key === "-" || e.key === "_") zoomTo(stepZoom(zoom, "out"));
    else if (e.key === "0") zoomTo(1, true);
    else return;
    e.preventDefault();
  };
  const percent = `${formatNumber(Math.round(zoom * 100), lang)} %`;

  return (
    <div className="image-viewer" data-testid="image-viewer">
      <div className="digital-toolbar" role="toolbar" aria-label={t("digital.zoom.toolbar")}>
        <button type="button" onClick={() => zoomTo(stepZoom(zoom, "out"))} aria-keyshortcuts="-" data-testid="zoom-out">
          {t("digital.zoom.out")}
        </button>
        <button type="button" onClick={() => zoomTo(1, true)} aria-pressed={fitted} aria-keyshortcuts="0" data-testid="zoom-fit">
          {t("digital.zoom.fit")}
        </button>
        <button type="button" onClick={() => zoomTo(stepZoom(zoom, "in"))} aria-keyshortcuts="+" data-testid="zoom-in">
          {t("digital.zoom.in")}
        </button>
        <output className="digital-muted" aria-live="polite" data-testid="zoom-level">
          {fitted ? t("digital.zoom.fitted") : t("digital.zoom.level", { percent })}
        </output>
      </div>
      <div
        className="image-stage"
        tabIndex={0}
        role="group"
        aria-label={t("digital.image.stage", { alt })}
        aria-keyshortcuts="+ - 0"
        onKeyDown={onKeyDown}
        data-testid="image-stage"
      >
        <img src={url} alt={alt} style={{ width: `${zoom * 100}%` }} data-testid="image-content" />
      </div>
    </div>
  );
}
