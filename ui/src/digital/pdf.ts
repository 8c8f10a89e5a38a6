/**
 * The one place pdf.js is touched: open a PDF at a URL and draw a page on a canvas. The
 * library (large) loads only when a PDF is opened; its worker is a separate file Vite emits
 * and serves from the app bundle (`?url`), so parsing runs off the main thread. Tests replace
 * this module: pdf.js cannot draw in jsdom.
 */
import workerUrl from "pdfjs-dist/legacy/build/pdf.worker.min.mjs?url";

export interface PdfPageSize {
  /** At zoom 1, in CSS pixels. */
  width: number;
  height: number;
}

export interface PdfDocumentHandle {
  pageCount: number;
  pageSize(page: number): Promise<PdfPageSize>;
  /** Draws page `page` (from 1) at `zoom`; a newer render of the same canvas cancels this one. */
  render(page: number, canvas: HTMLCanvasElement, zoom: number): Promise<void>;
  destroy(): void;
}

/*
 * The legacy build: the modern one targets only the newest browsers, and the app runs in the
 * system's webview (WebKitGTK on Linux at whatever version the distribution ships), which
 * may lack the newest JavaScript built-ins the modern build relies on.
 */
type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
let loading: Promise<PdfJs> | null = null;

function pdfjs(): Promise<PdfJs> {
  loading ??= import("pdfjs-dist/legacy/build/pdf.mjs").then((lib) => {
    lib.GlobalWorkerOptions.workerSrc = workerUrl;
    return lib;
  });
  return loading;
}

/** Whether an error is pdf.js saying a render was cancelled by a newer one (not a failure). */
function isCancelled(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { name?: unknown }).name === "RenderingCancelledException";
}

export async function openPdf(url: string): Promise<PdfDocumentHandle> {
  const lib = await pdfjs();
  // The bytes are fetched here and handed over whole: pdf.js streams only http(s) URLs
  // itself, and the app serves content through its own scheme (`shelfmark-content://` on
  // Linux and macOS), which its XHR fallback handles differently per webview.
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${response.status} ${response.statusText}`.trim());
  const data = new Uint8Array(await response.arrayBuffer());
  const task = lib.getDocument({ data });
  const doc = await task.promise;
  const running = new WeakMap<HTMLCanvasElement, { cancel(): void }>();
  return {
    pageCount: doc.numPages,
    async pageSize(page) {
      const p = await doc.getPage(page);
      const viewport = p.getViewport({ scale: 1 });
      return { width: viewport.width, height: viewport.height };
    },
    async render(page, canvas, zoom) {
      running.get(canvas)?.cancel();
      const p = await doc.getPage(page);
      // Draw at the screen's pixel density so text stays sharp, then size it back in CSS pixels.
      const ratio = globalThis.devicePixelRatio || 1;
      const viewport = p.getViewport({ scale: zoom * ratio });
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
      canvas.style.height = `${Math.floor(viewport.height / ratio)}px`;
      const rendering = p.render({ canvas, viewport });
      running.set(canvas, rendering);
      try {
        await rendering.promise;
      } catch (err) {
        if (!isCancelled(err)) throw err;
      } finally {
        if (running.get(canvas) === rendering) running.delete(canvas);
      }
    },
    destroy() {
      void task.destroy();
    },
  };
}
