import { describe, expect, it } from "vitest";
import type { CatalogApi } from "./api";
import type { RecordPage } from "./bindings/RecordPage";
import { MAX_CACHED_PAGES, PAGE_SIZE, RecordCache } from "./recordCache";
import { memoryApi, syntheticRow } from "./memoryApi";

const flush = () => new Promise((r) => setTimeout(r, 0));

describe("RecordCache", () => {
  it("never requests the same page twice concurrently", async () => {
    const resolvers: Array<() => void> = [];
    const base = memoryApi(10_000);
    const calls: number[] = [];
    const api: CatalogApi = {
      ...base,
      summary: () => base.summary(),
      listRecords: (offset, limit) => {
        calls.push(offset);
        return new Promise<RecordPage>((resolve) => {
          resolvers.push(() => void base.listRecords(offset, limit).then(resolve));
        });
      },
    };
    let changes = 0;
    const cache = new RecordCache(api, () => changes++, () => {});
    cache.ensureRange(0, 30);
    cache.ensureRange(5, 40);
    cache.ensureRange(190, 210);
    expect(calls).toEqual([0, 200]);
    expect(cache.inflightCount).toBe(2);
    expect(cache.getRow(10)).toBeUndefined();
    resolvers.forEach((r) => r());
    await flush();
    expect(changes).toBe(2);
    expect(cache.inflightCount).toBe(0);
    expect(cache.getRow(10)?.title).toBe("Tiêu đề 10");
    expect(cache.getRow(205)?.title).toBe("Tiêu đề 205");
    cache.ensureRange(0, 399);
    expect(calls).toEqual([0, 200]);
  });

  it("keeps at most 50 pages, never evicting the visible ones", async () => {
    const api = memoryApi(1_000_000);
    const cache = new RecordCache(api, () => {}, () => {});
    for (let p = 0; p < 80; p++) {
      cache.ensureRange(p * PAGE_SIZE, p * PAGE_SIZE + 20);
      await flush();
    }
    expect(cache.cachedPageCount).toBe(MAX_CACHED_PAGES);
    expect(cache.getRow(79 * PAGE_SIZE)?.id).toBe(`rec-${79 * PAGE_SIZE}`);
    expect(cache.getRow(0)).toBeUndefined();
    expect(api.calls.length).toBe(80);
  });

  it("reports errors and retries a failed page on the next request", async () => {
    let fail = true;
    const base = memoryApi(1000);
    const errors: unknown[] = [];
    const api: CatalogApi = {
      ...base,
      summary: () => base.summary(),
      listRecords: (o, l) => (fail ? Promise.reject({ code: "storage", message: "x", details: null }) : base.listRecords(o, l)),
    };
    const cache = new RecordCache(api, () => {}, (e) => errors.push(e));
    cache.ensureRange(0, 10);
    await flush();
    expect(errors).toHaveLength(1);
    fail = false;
    cache.ensureRange(0, 10);
    await flush();
    expect(cache.getRow(3)?.id).toBe("rec-3");
  });

  it("reads from any row source, and a primed first page is not fetched again", async () => {
    const asked: Array<[number, number]> = [];
    const source = async (offset: number, limit: number) => {
      asked.push([offset, limit]);
      return Array.from({ length: limit }, (_, i) => ({ ...syntheticRow(offset + i), title: `Kết quả ${offset + i}` }));
    };
    let changes = 0;
    const cache = new RecordCache(source, () => changes++, () => {});
    cache.prime(0, Array.from({ length: PAGE_SIZE }, (_, i) => ({ ...syntheticRow(i), title: `Đầu ${i}` })));
    cache.ensureRange(0, 30);
    expect(asked).toEqual([]);
    expect(cache.getRow(7)?.title).toBe("Đầu 7");
    cache.ensureRange(PAGE_SIZE + 5, PAGE_SIZE + 10);
    expect(asked).toEqual([[PAGE_SIZE, PAGE_SIZE]]);
    await flush();
    expect(changes).toBe(1);
    expect(cache.getRow(PAGE_SIZE + 5)?.title).toBe(`Kết quả ${PAGE_SIZE + 5}`);
    // Rows not starting at a page boundary are not taken (they would misplace every row).
    cache.prime(5, [syntheticRow(999)]);
    expect(cache.getRow(5)?.title).toBe("Đầu 5");
  });
});
