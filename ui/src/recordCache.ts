import type { CatalogApi } from "./api";
import type { RecordRow } from "./bindings/RecordRow";

export const PAGE_SIZE = 200;
export const MAX_CACHED_PAGES = 50;

/**
 * Caches pages of records fetched from the back end, keyed by page number.
 * A page is never requested twice concurrently; at most `maxPages` pages are
 * kept (least recently used evicted first, never one the screen is showing).
 */
export class RecordCache {
  private readonly pages = new Map<number, RecordRow[]>();
  private readonly inflight = new Map<number, Promise<void>>();
  private visible: { first: number; last: number } = { first: 0, last: -1 };

  constructor(
    private readonly api: CatalogApi,
    private readonly onChange: () => void,
    private readonly onError: (err: unknown) => void,
    readonly pageSize = PAGE_SIZE,
    readonly maxPages = MAX_CACHED_PAGES,
  ) {}

  /** The row at `index`, or undefined while its page is not loaded. */
  getRow(index: number): RecordRow | undefined {
    const page = this.pages.get(Math.floor(index / this.pageSize));
    return page?.[index % this.pageSize];
  }

  get cachedPageCount(): number {
    return this.pages.size;
  }

  get inflightCount(): number {
    return this.inflight.size;
  }

  /** Makes sure the pages covering rows [start, end] are loaded or loading. */
  ensureRange(start: number, end: number): void {
    if (end < start || start < 0) return;
    const first = Math.floor(start / this.pageSize);
    const last = Math.floor(end / this.pageSize);
    this.visible = { first, last };
    for (let p = first; p <= last; p++) {
      const cached = this.pages.get(p);
      if (cached) {
        // Refresh recency: Map keeps insertion order.
        this.pages.delete(p);
        this.pages.set(p, cached);
      } else if (!this.inflight.has(p)) {
        this.fetchPage(p);
      }
    }
  }

  private fetchPage(p: number): void {
    const request = this.api
      .listRecords(p * this.pageSize, this.pageSize)
      .then((page) => {
        this.pages.set(p, page.rows);
        this.evict();
        this.onChange();
      })
      .catch((err: unknown) => {
        this.onError(err);
      })
      .finally(() => {
        this.inflight.delete(p);
      });
    this.inflight.set(p, request);
  }

  private evict(): void {
    if (this.pages.size <= this.maxPages) return;
    for (const p of this.pages.keys()) {
      if (this.pages.size <= this.maxPages) break;
      if (p >= this.visible.first && p <= this.visible.last) continue;
      this.pages.delete(p);
    }
  }
}
