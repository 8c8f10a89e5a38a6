import { invoke } from "@tauri-apps/api/core";
import type { CatalogSummary } from "./bindings/CatalogSummary";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { ErrorPayload } from "./bindings/ErrorPayload";
import type { RecordPage } from "./bindings/RecordPage";

/**
 * Everything the UI asks of the back end. Components receive an implementation
 * as a prop, so tests can pass an in-memory one instead of the Tauri IPC.
 */
export interface CatalogApi {
  summary(): Promise<CatalogSummary>;
  listRecords(offset: number, limit: number): Promise<RecordPage>;
}

/** The real implementation: Tauri commands. A rejected invoke rejects with an ErrorPayload. */
export class TauriCatalogApi implements CatalogApi {
  summary(): Promise<CatalogSummary> {
    return invoke<CatalogSummary>("catalog_summary");
  }

  listRecords(offset: number, limit: number): Promise<RecordPage> {
    return invoke<RecordPage>("list_records", { offset, limit });
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
