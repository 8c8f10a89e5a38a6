/** An in-memory CatalogApi for unit tests and for `npm run dev` in a plain browser (outside Tauri). */
import type { CatalogApi } from "./api";
import type { ErrorPayload } from "./bindings/ErrorPayload";
import type { SearchQuery } from "./bindings/SearchQuery";
import type { SearchResults } from "./bindings/SearchResults";
import type { CatalogSummary } from "./bindings/CatalogSummary";
import type { MaterialType } from "./bindings/MaterialType";
import type { RecordPage } from "./bindings/RecordPage";
import type { RecordRow } from "./bindings/RecordRow";

const TYPES: MaterialType[] = ["book", "ebook", "audiobook", "serial", "map", "music", "video", "other"];

/** Deterministic synthetic record `i`: every 7th has no author, every 11th no year. */
export function syntheticRow(i: number): RecordRow {
  return {
    id: `rec-${i}`,
    control_number: `CN${i}`,
    title: `Tiêu đề ${i}`,
    author: i % 7 === 3 ? null : `Tác giả ${i}`,
    year: i % 11 === 5 ? null : 1950 + (i % 70),
    material_type: TYPES[i % TYPES.length]!,
  };
}

/**
 * What the in-memory catalog cannot do: tests of a screen replace the methods it uses with
 * their own (`{ ...memoryApi(10), recordDetail: async () => detail }`).
 */
async function unavailable(): Promise<never> {
  const error: ErrorPayload = {
    code: "not_found",
    message: "the in-memory catalog has no such data",
    details: null,
  };
  throw error;
}

export interface MemoryApi extends CatalogApi {
  /** Offsets passed to listRecords, in call order. */
  calls: number[];
  summaryCalls: number;
  state: CatalogSummary;
}

/** An in-memory CatalogApi holding `total` synthetic records (rows made on demand). */
export function memoryApi(total: number, overrides: Partial<CatalogSummary> = {}): MemoryApi {
  const api: MemoryApi = {
    calls: [],
    summaryCalls: 0,
    state: {
      path: "/home/thuvien/Shelfmark/catalog.shelfmark",
      node_id: "hn-branch-07",
      schema_version: 1,
      records: total,
      items: total,
      patrons: 120,
      changes: 40,
      unsynced_changes: 12,
      ...overrides,
    },
    async summary() {
      api.summaryCalls++;
      return { ...api.state };
    },
    async search(query: SearchQuery): Promise<SearchResults> {
      // A plain substring match over the synthetic titles: enough for the screens, not the engine.
      const needle = query.text.trim().toLowerCase();
      const hits = [];
      let total = 0;
      for (let i = 0; i < api.state.records; i++) {
        const row = syntheticRow(i);
        if (needle && !row.title.toLowerCase().includes(needle)) continue;
        if (total >= query.offset && hits.length < query.limit) hits.push({ ...row, score: 1 });
        total++;
      }
      return { total, offset: query.offset, hits, facets: null };
    },
    recordDetail: unavailable,
    recordHistory: unavailable,
    recordTemplates: unavailable,
    fixedFieldSchema: unavailable,
    validateRecord: unavailable,
    toMnemonic: unavailable,
    fromMnemonic: unavailable,
    saveRecord: unavailable,
    deleteRecord: unavailable,
    branches: unavailable,
    addItem: unavailable,
    updateItem: unavailable,
    previewImport: unavailable,
    runImport: unavailable,
    runExport: unavailable,
    cancelJob: unavailable,
    async pickFile() {
      return null;
    },
    findPatrons: unavailable,
    patronAccount: unavailable,
    registerPatron: unavailable,
    checkout: unavailable,
    checkin: unavailable,
    renew: unavailable,
    placeHold: unavailable,
    cancelHold: unavailable,
    fineLedger: unavailable,
    payFine: unavailable,
    waiveFine: unavailable,
    blockPatron: unavailable,
    unblockPatron: unavailable,
    patronMergePreview: unavailable,
    mergePatrons: unavailable,
    async likelyDuplicatePatrons() {
      return [];
    },
    circulationStats: unavailable,
    exportCirculationStats: unavailable,
    kioskSignIn: unavailable,
    kioskCheckout: unavailable,
    kioskCheckin: unavailable,
    async kioskPasswordSet() {
      return false;
    },
    setKioskPassword: unavailable,
    async exitKiosk() {
      return false;
    },
    async setFullscreen() {},
    rightsReviewQueue: unavailable,
    recordRights: unavailable,
    setRightsStatus: unavailable,
    setAccessLevel: unavailable,
    computeRights: unavailable,
    rightsReport: unavailable,
    exportRightsReport: unavailable,
    async digitalObjects() {
      return [];
    },
    attachDigitalObject: unavailable,
    removeDigitalObject: unavailable,
    setObjectRights: unavailable,
    openDigitalObject: unavailable,
    digitalText: unavailable,
    async savePlaybackPosition() {},
    searchFullText: unavailable,
    async syncStatus() {
      return {
        configured: false,
        online: null,
        syncing: false,
        pending_changes: api.state.unsynced_changes,
        last_sync_at: null,
        last_error: null,
        last_report: null,
        open_exceptions: 0,
        next_attempt_at: null,
      };
    },
    syncNow: unavailable,
    async syncSettings() {
      return { server_url: null, has_token: false, interval_minutes: 5 };
    },
    saveSyncSettings: unavailable,
    async syncExceptions() {
      return [];
    },
    resolveSyncException: unavailable,
    async sip2Status() {
      return { running: false, listen: null, charset: "utf-8", connections: 0, error: null };
    },
    startSip2: unavailable,
    stopSip2: unavailable,
    async sip2Accounts() {
      return [];
    },
    addSip2Account: unavailable,
    removeSip2Account: unavailable,
    async copyTargets() {
      return [];
    },
    addCopyTarget: unavailable,
    removeCopyTarget: unavailable,
    copySearch: unavailable,
    copyImport: unavailable,
    // There is no window to close outside Tauri; tests that need the guard replace this.
    guardWindowClose() {
      return () => {};
    },
    async listRecords(offset: number, limit: number): Promise<RecordPage> {
      api.calls.push(offset);
      const end = Math.min(api.state.records, offset + limit);
      const rows: RecordRow[] = [];
      for (let i = offset; i < end; i++) rows.push(syntheticRow(i));
      return { total: api.state.records, offset, rows };
    },
  };
  return api;
}
