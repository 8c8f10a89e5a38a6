import type { CatalogApi } from "./api";
import type { RecordRow } from "./bindings/RecordRow";

export const PAGE_SIZE = 200;
export const MAX_CACHED_PAGES = 50;

/** Fetches the rows [offset, offset + limit) of some ordered list: the catalog, or one search's hits. */
export type RowSource = (offset: number, limit: number) => Promise<RecordRow[]>;

/** The whole catalog in title order. */
export function catalogSource(api: CatalogApi): RowSource {
  return (offset, limit) => api.listRecords(offset, limit).then((page) => page.rows);
}

/**
 * Caches pages of rows fetched from the back end, keyed by page number.
 * A page is never requested twice concurrently; at most `maxPages` pages are
 * kept (least recently used evicted first, never one the screen is showing).
 */
export class RecordCache {
  private readonly pages = new Map<number, RecordRow[]>();
  private readonly inflight = new Map<number, Promise<void>>();
  private visible: { first: number; last: number } = { first: 0, last: -1 };

  private readonly source: RowSource;

  /** `from` is the API (the catalog in title order) or any other RowSource (search hits). */
  constructor(
    from: CatalogApi | RowSource,
    private readonly onChange: () => void,
    private readonly onError: (err: unknown) => void,
    readonly pageSize = PAGE_SIZE,
    readonly maxPages = MAX_CACHED_PAGES,
  ) {
    this.source = typeof from === "function" ? from : catalogSource(from);
  }

  /**
   * Stores rows already at hand, starting at a page boundary (a search's first page arrives
   * with its total and facets), so they are not fetched again.
   */
  prime(offset: number, rows: RecordRow[]): void {
    if (offset % this.pageSize !== 0) return;
    for (let start = 0; start < rows.length; start += this.pageSize) {
      this.pages.set((offset + start) / this.pageSize, rows.slice(start, start + this.pageSize));
    }
    this.evict();
  }

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
    const request = this.source(p * this.pageSize, this.pageSize)
      .then((rows) => {
        this.pages.set(p, rows);
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
