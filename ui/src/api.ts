import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { getCurrentWindow } from "@tauri-apps/api/window";
import type { Branch } from "./bindings/Branch";
import type { CatalogSummary } from "./bindings/CatalogSummary";
import type { DeletedRecord } from "./bindings/DeletedRecord";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { ErrorPayload } from "./bindings/ErrorPayload";
import type { ExportRequest } from "./bindings/ExportRequest";
import type { ExportSummary } from "./bindings/ExportSummary";
import type { FixedFieldSchema } from "./bindings/FixedFieldSchema";
import type { ImportPreview } from "./bindings/ImportPreview";
import type { ImportRequest } from "./bindings/ImportRequest";
import type { ImportSummary } from "./bindings/ImportSummary";
import type { Item } from "./bindings/Item";
import type { ItemInput } from "./bindings/ItemInput";
import type { JobProgress } from "./bindings/JobProgress";
import type { MarcRecord } from "./bindings/MarcRecord";
import type { MnemonicParse } from "./bindings/MnemonicParse";
import type { RecordChange } from "./bindings/RecordChange";
import type { RecordDetail } from "./bindings/RecordDetail";
import type { RecordPage } from "./bindings/RecordPage";
import type { RecordTemplate } from "./bindings/RecordTemplate";
import type { SavedRecord } from "./bindings/SavedRecord";
import type { SearchQuery } from "./bindings/SearchQuery";
import type { SearchResults } from "./bindings/SearchResults";
import type { ValidationIssue } from "./bindings/ValidationIssue";

/**
 * Everything the UI asks of the back end. Components receive an implementation
 * as a prop, so tests can pass an in-memory one instead of the Tauri IPC.
 * Every method rejects with an ErrorPayload (see toErrorPayload).
 */
export interface CatalogApi {
  summary(): Promise<CatalogSummary>;
  listRecords(offset: number, limit: number): Promise<RecordPage>;

  /** The search box's language (fields, phrases, AND/OR/NOT); an empty text matches every record. */
  search(query: SearchQuery): Promise<SearchResults>;
  recordDetail(id: string): Promise<RecordDetail>;
  /** The record's changes and its items', oldest first. */
  recordHistory(id: string): Promise<RecordChange[]>;
  recordTemplates(): Promise<RecordTemplate[]>;
  fixedFieldSchema(): Promise<FixedFieldSchema>;
  /** The MARC engine's validation of a record as the editor holds it. */
  validateRecord(record: MarcRecord): Promise<ValidationIssue[]>;
  /** The record as MarcEdit mnemonic text (`=245  10$aTitle`). */
  toMnemonic(record: MarcRecord): Promise<string>;
  fromMnemonic(text: string): Promise<MnemonicParse>;
  /** Saves through core and the change log; `id` null makes a new record. */
  saveRecord(id: string | null, record: MarcRecord): Promise<SavedRecord>;
  /** Refused with `items_on_loan` while an item is lent. */
  deleteRecord(id: string): Promise<DeletedRecord>;

  branches(): Promise<Branch[]>;
  /** Refused with `barcode_in_use` when the barcode is taken. */
  addItem(recordId: string, item: ItemInput): Promise<Item>;
  updateItem(itemId: string, item: ItemInput): Promise<Item>;

  /** Format, record count and whether it was imported before; writes nothing. */
  previewImport(path: string): Promise<ImportPreview>;
  /** Runs to the end (or until cancelJob); progress arrives through onProgress. */
  runImport(request: ImportRequest, onProgress: (p: JobProgress) => void): Promise<ImportSummary>;
  runExport(request: ExportRequest, onProgress: (p: JobProgress) => void): Promise<ExportSummary>;
  /** Stops the running import or export after the batch being written; nothing is left half-done. */
  cancelJob(): Promise<void>;
  /** A native file picker; null when the reader closes it. */
  pickFile(mode: "open" | "save", suggestedName?: string): Promise<string | null>;
  /**
   * While registered, closing the window first asks `ask` (unsaved edits); the window closes
   * only when it resolves true. Returns the function that unregisters.
   */
  guardWindowClose(ask: () => Promise<boolean>): () => void;
}

async function withProgress<T>(
  event: string,
  onProgress: (p: JobProgress) => void,
  run: () => Promise<T>,
): Promise<T> {
  const unlisten: UnlistenFn = await listen<JobProgress>(event, (e) => onProgress(e.payload));
  try {
    return await run();
  } finally {
    unlisten();
  }
}

/** The real implementation: Tauri commands. A rejected invoke rejects with an ErrorPayload. */
export class TauriCatalogApi implements CatalogApi {
  summary(): Promise<CatalogSummary> {
    return invoke<CatalogSummary>("catalog_summary");
  }

  listRecords(offset: number, limit: number): Promise<RecordPage> {
    return invoke<RecordPage>("list_records", { offset, limit });
  }

  search(query: SearchQuery): Promise<SearchResults> {
    return invoke<SearchResults>("search_records", { query });
  }

  recordDetail(id: string): Promise<RecordDetail> {
    return invoke<RecordDetail>("record_detail", { id });
  }

  recordHistory(id: string): Promise<RecordChange[]> {
    return invoke<RecordChange[]>("record_history", { id });
  }

  recordTemplates(): Promise<RecordTemplate[]> {
    return invoke<RecordTemplate[]>("record_templates");
  }

  fixedFieldSchema(): Promise<FixedFieldSchema> {
    return invoke<FixedFieldSchema>("fixed_field_schema");
  }

  validateRecord(record: MarcRecord): Promise<ValidationIssue[]> {
    return invoke<ValidationIssue[]>("validate_record", { record });
  }

  toMnemonic(record: MarcRecord): Promise<string> {
    return invoke<string>("record_to_mnemonic", { record });
  }

  fromMnemonic(text: string): Promise<MnemonicParse> {
    return invoke<MnemonicParse>("record_from_mnemonic", { text });
  }

  saveRecord(id: string | null, record: MarcRecord): Promise<SavedRecord> {
    return invoke<SavedRecord>("save_record", { id, record });
  }

  deleteRecord(id: string): Promise<DeletedRecord> {
    return invoke<DeletedRecord>("delete_record", { id });
  }

  branches(): Promise<Branch[]> {
    return invoke<Branch[]>("list_branches");
  }

  addItem(recordId: string, item: ItemInput): Promise<Item> {
    return invoke<Item>("add_item", { recordId, item });
  }

  updateItem(itemId: string, item: ItemInput): Promise<Item> {
    return invoke<Item>("update_item", { itemId, item });
  }

  previewImport(path: string): Promise<ImportPreview> {
    return invoke<ImportPreview>("preview_import", { path });
  }

  runImport(request: ImportRequest, onProgress: (p: JobProgress) => void): Promise<ImportSummary> {
    return withProgress("import-progress", onProgress, () =>
      invoke<ImportSummary>("run_import", { request }),
    );
  }

  runExport(request: ExportRequest, onProgress: (p: JobProgress) => void): Promise<ExportSummary> {
    return withProgress("export-progress", onProgress, () =>
      invoke<ExportSummary>("run_export", { request }),
    );
  }

  cancelJob(): Promise<void> {
    return invoke<void>("cancel_job");
  }

  pickFile(mode: "open" | "save", suggestedName?: string): Promise<string | null> {
    return invoke<string | null>("pick_file", { mode, suggestedName: suggestedName ?? null });
  }

  guardWindowClose(ask: () => Promise<boolean>): () => void {
    const window = getCurrentWindow();
    let unlisten: UnlistenFn | null = null;
    let removed = false;
    void window
      .onCloseRequested(async (event) => {
        // Stop the close before asking: the question is answered later, in the page.
        event.preventDefault();
        if (await ask()) await window.destroy();
      })
      .then((u) => {
        if (removed) u();
        else unlisten = u;
      });
    return () => {
      removed = true;
      unlisten?.();
    };
  }
}

export const ERROR_CODES: readonly ErrorCode[] = [
  "not_a_catalog",
  "catalog_corrupt",
  "catalog_too_new",
  "catalog_read_only",
  "catalog_unavailable",
  "invalid_input",
  "not_found",
  "barcode_in_use",
  "items_on_loan",
  "job_running",
  "storage",
  "internal",
];

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * Normalizes whatever a rejected call produced into an ErrorPayload. Only the
 * `code` decides what the user reads; the message is shown as detail.
 */
export function toErrorPayload(err: unknown): ErrorPayload {
  if (typeof err === "object" && err !== null && "code" in err) {
    const e = err as { code: unknown; message?: unknown; details?: unknown };
    if (isErrorCode(e.code)) {
      return {
        code: e.code,
        message: typeof e.message === "string" ? e.message : "",
        details: typeof e.details === "string" ? e.details : null,
      };
    }
  }
  const message = err instanceof Error ? err.message : typeof err === "string" ? err : String(err);
  return { code: "internal", message, details: null };
}
