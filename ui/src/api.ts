import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { getCurrentWindow } from "@tauri-apps/api/window";
import type { AccessLevel } from "./bindings/AccessLevel";
import type { AttachRequest } from "./bindings/AttachRequest";
import type { AttachResult } from "./bindings/AttachResult";
import type { BulkDetermination } from "./bindings/BulkDetermination";
import type { Determination } from "./bindings/Determination";
import type { DeterminationSummary } from "./bindings/DeterminationSummary";
import type { DigitalObject } from "./bindings/DigitalObject";
import type { FullTextQuery } from "./bindings/FullTextQuery";
import type { FullTextResults } from "./bindings/FullTextResults";
import type { OpenedObject } from "./bindings/OpenedObject";
import type { ReaderRequest } from "./bindings/ReaderRequest";
import type { RecordRights } from "./bindings/RecordRights";
import type { ReviewPage } from "./bindings/ReviewPage";
import type { ReviewQuery } from "./bindings/ReviewQuery";
import type { RightsStatus } from "./bindings/RightsStatus";
import type { RightsReport } from "./bindings/RightsReport";
import type { TextPart } from "./bindings/TextPart";
import type { SyncException } from "./bindings/SyncException";
import type { SyncSettings } from "./bindings/SyncSettings";
import type { SyncStatus } from "./bindings/SyncStatus";
import type { Sip2Account } from "./bindings/Sip2Account";
import type { Sip2AccountInput } from "./bindings/Sip2AccountInput";
import type { Sip2ServerStatus } from "./bindings/Sip2ServerStatus";
import type { CopyTarget } from "./bindings/CopyTarget";
import type { CopyQuery } from "./bindings/CopyQuery";
import type { CopySearchPage } from "./bindings/CopySearchPage";
import type { CopyImportOutcome } from "./bindings/CopyImportOutcome";
import type { ImportMatch } from "./bindings/ImportMatch";
import type { ImportOnMatch } from "./bindings/ImportOnMatch";
import type { AccessDecision } from "./bindings/AccessDecision";
import type { Branch } from "./bindings/Branch";
import type { CheckinResult } from "./bindings/CheckinResult";
import type { CheckoutResult } from "./bindings/CheckoutResult";
import type { CirculationStats } from "./bindings/CirculationStats";
import type { FineEntry } from "./bindings/FineEntry";
import type { Hold } from "./bindings/Hold";
import type { PatronAccount } from "./bindings/PatronAccount";
import type { PatronBlock } from "./bindings/PatronBlock";
import type { PatronInput } from "./bindings/PatronInput";
import type { PatronMatch } from "./bindings/PatronMatch";
import type { MergeRefusal } from "./bindings/MergeRefusal";
import type { PatronMerge } from "./bindings/PatronMerge";
import type { PatronMergePreview } from "./bindings/PatronMergePreview";
import type { RenewResult } from "./bindings/RenewResult";
import type { Refusal } from "./bindings/Refusal";
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

  // Circulation. A refusal rejects with code `refused` and the Refusal as JSON in `details`
  // (see refusalOf). `branch` is the desk's branch code (null: the item's own branch).
  findPatrons(text: string, limit: number): Promise<PatronMatch[]>;
  patronAccount(barcode: string): Promise<PatronAccount>;
  registerPatron(input: PatronInput): Promise<PatronAccount>;
  checkout(patron: string, item: string, branch: string | null, overrideReason: string | null): Promise<CheckoutResult>;
  /** `at`: an RFC 3339 time to back-date the return to; null for now. */
  checkin(item: string, branch: string | null, at: string | null): Promise<CheckinResult>;
  renew(item: string, overrideReason: string | null): Promise<RenewResult>;
  /** `target`: an item barcode, a record id or a control number. */
  placeHold(patron: string, target: string, pickupBranch: string, overrideReason: string | null): Promise<Hold>;
  cancelHold(holdId: string): Promise<Hold>;
  fineLedger(patron: string): Promise<FineEntry[]>;
  /** Amounts in whole đồng. */
  payFine(patron: string, amount: number, note: string): Promise<FineEntry>;
  waiveFine(patron: string, amount: number, reason: string): Promise<FineEntry>;
  blockPatron(patron: string, reason: string): Promise<PatronBlock>;
  unblockPatron(blockId: string): Promise<void>;
  /**
   * Merging a reader registered twice, both named by card. A refused merge rejects with code
   * `merge_refused` and the MergeRefusal as JSON in `details` (see mergeRefusalOf).
   */
  /** Both readers side by side and what would move; writes nothing. */
  patronMergePreview(keep: string, duplicate: string): Promise<PatronMergePreview>;
  mergePatrons(keep: string, duplicate: string, reason: string): Promise<PatronMerge>;
  /** Readers with the same name (case and diacritics aside) as `patron`, not merged. */
  likelyDuplicatePatrons(patron: string, limit: number): Promise<PatronMatch[]>;
  /** Local days `YYYY-MM-DD`, both included. */
  circulationStats(from: string, to: string): Promise<CirculationStats>;
  exportCirculationStats(from: string, to: string, path: string): Promise<void>;

  // Self-service kiosk: every loan checks the PIN again; returns need no card.
  kioskSignIn(patron: string, pin: string): Promise<PatronAccount>;
  kioskCheckout(patron: string, pin: string, item: string, branch: string | null): Promise<CheckoutResult>;
  kioskCheckin(item: string, branch: string | null): Promise<CheckinResult>;
  kioskPasswordSet(): Promise<boolean>;
  /** `current` is required once a password is set. */
  setKioskPassword(current: string | null, next: string): Promise<void>;
  /** True when `password` is the staff password (kiosk mode may end). */
  exitKiosk(password: string): Promise<boolean>;
  /** Kiosk mode fills the screen. */
  setFullscreen(on: boolean): Promise<void>;

  // Rights (copyright status and access levels). Dates `YYYY-MM-DD`.
  /** Works waiting for a person's determination, sorted by what matters. */
  rightsReviewQueue(query: ReviewQuery): Promise<ReviewPage>;
  /** The record's rights tab: current determination with its explanation, history, what the rules say now. */
  recordRights(recordId: string): Promise<RecordRights>;
  /** A person's status for one or many works, with a reason (required); the rules leave it standing. */
  setRightsStatus(request: BulkDetermination): Promise<DeterminationSummary>;
  /** Sets the work's access level with a reason; `access` null returns it to following the status. */
  setAccessLevel(recordId: string, access: AccessLevel | null, reason: string): Promise<Determination>;
  /** Applies the jurisdiction's rules to these works (null: every work); a person's decision stands. */
  computeRights(recordIds: string[] | null): Promise<DeterminationSummary>;
  /** `asOf` null: the library's today. */
  rightsReport(asOf: string | null): Promise<RightsReport>;
  /** The report as CSV (UTF-8 with BOM) at `path`. */
  exportRightsReport(asOf: string | null, path: string): Promise<void>;

  // The digital collection. Content is opened only through openDigitalObject/digitalText,
  // which apply the access rules for `reader`; a refusal of text rejects with `access_denied`
  // and the AccessDecision as JSON in `details` (see accessDecisionOf).
  digitalObjects(recordId: string): Promise<DigitalObject[]>;
  /** Stores the file content-addressed (never twice), extracts its text, indexes it. */
  attachDigitalObject(request: AttachRequest): Promise<AttachResult>;
  /** Detaches it from the record, with a reason; the content goes when nothing else uses it. */
  removeDigitalObject(objectId: string, reason: string): Promise<void>;
  /** The object's own status and level (null: the work's), with a reason. */
  setObjectRights(objectId: string, status: RightsStatus | null, access: AccessLevel | null, reason: string): Promise<DigitalObject>;
  /** The decision for this reader and, when allowed, `content_url`, text parts and resume position. */
  openDigitalObject(objectId: string, reader: ReaderRequest): Promise<OpenedObject>;
  digitalText(objectId: string, part: number, reader: ReaderRequest): Promise<TextPart>;
  /** Where this reader stopped in a recording, and at what speed. */
  savePlaybackPosition(objectId: string, reader: ReaderRequest, positionMs: number, rate: number): Promise<void>;
  /** Full text of every digital object; excerpts only where `reader` may open the object. */
  searchFullText(query: FullTextQuery, reader: ReaderRequest): Promise<FullTextResults>;

  // Sync with the central server. The app syncs in the background; none of these waits for
  // the network except syncNow, which resolves when that one attempt ends.
  syncStatus(): Promise<SyncStatus>;
  /** Pushes and pulls once now; a failure resolves with `last_error` set, not a rejection. */
  syncNow(): Promise<SyncStatus>;
  syncSettings(): Promise<SyncSettings>;
  /** `token` null keeps the one stored; `serverUrl` null stops syncing. */
  saveSyncSettings(serverUrl: string | null, token: string | null, intervalMinutes: number): Promise<SyncSettings>;
  /** Exceptions waiting for a person (with `includeResolved`, the resolved ones too), newest first. */
  syncExceptions(includeResolved: boolean): Promise<SyncException[]>;
  /** `keep`: one of the exception's `actions`. */
  resolveSyncException(id: string, keep: string): Promise<SyncException>;

  // The branch's SIP2 server for self-check machines, run by the app while it is open.
  sip2Status(): Promise<Sip2ServerStatus>;
  /** `listen`: `127.0.0.1:6001`; `charset`: `utf-8`, `cp1258` or `latin1`. Remembered for the next start of the app. */
  startSip2(listen: string, charset: string): Promise<Sip2ServerStatus>;
  stopSip2(): Promise<Sip2ServerStatus>;
  sip2Accounts(): Promise<Sip2Account[]>;
  /** The machine's password is given once here and kept only as a hash. */
  addSip2Account(input: Sip2AccountInput, password: string): Promise<Sip2Account>;
  removeSip2Account(login: string): Promise<void>;

  // Copy cataloging over SRU from other libraries' catalogs.
  copyTargets(): Promise<CopyTarget[]>;
  addCopyTarget(target: CopyTarget): Promise<CopyTarget>;
  removeCopyTarget(name: string): Promise<void>;
  /** `start` from 1, as SRU counts. Waits for the network (the dialog shows it is searching). */
  copySearch(target: string, query: CopyQuery, start: number, max: number): Promise<CopySearchPage>;
  /** Validates and matches against the local catalog; a match is skipped, overlaid or added by `onMatch`. */
  copyImport(record: MarcRecord, matchOn: ImportMatch, onMatch: ImportOnMatch): Promise<CopyImportOutcome>;
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

  findPatrons(text: string, limit: number): Promise<PatronMatch[]> {
    return invoke<PatronMatch[]>("find_patrons", { text, limit });
  }

  patronAccount(barcode: string): Promise<PatronAccount> {
    return invoke<PatronAccount>("patron_account", { barcode });
  }

  registerPatron(input: PatronInput): Promise<PatronAccount> {
    return invoke<PatronAccount>("register_patron", { input });
  }

  checkout(patron: string, item: string, branch: string | null, overrideReason: string | null): Promise<CheckoutResult> {
    return invoke<CheckoutResult>("checkout", { patron, item, branch, overrideReason });
  }

  checkin(item: string, branch: string | null, at: string | null): Promise<CheckinResult> {
    return invoke<CheckinResult>("checkin", { item, branch, at });
  }

  renew(item: string, overrideReason: string | null): Promise<RenewResult> {
    return invoke<RenewResult>("renew", { item, overrideReason });
  }

  placeHold(patron: string, target: string, pickupBranch: string, overrideReason: string | null): Promise<Hold> {
    return invoke<Hold>("place_hold", { patron, target, pickupBranch, overrideReason });
  }

  cancelHold(holdId: string): Promise<Hold> {
    return invoke<Hold>("cancel_hold", { holdId });
  }

  fineLedger(patron: string): Promise<FineEntry[]> {
    return invoke<FineEntry[]>("fine_ledger", { patron });
  }

  payFine(patron: string, amount: number, note: string): Promise<FineEntry> {
    return invoke<FineEntry>("pay_fine", { patron, amount, note });
  }

  waiveFine(patron: string, amount: number, reason: string): Promise<FineEntry> {
    return invoke<FineEntry>("waive_fine", { patron, amount, reason });
  }

  blockPatron(patron: string, reason: string): Promise<PatronBlock> {
    return invoke<PatronBlock>("block_patron", { patron, reason });
  }

  unblockPatron(blockId: string): Promise<void> {
    return invoke<void>("unblock_patron", { blockId });
  }

  patronMergePreview(keep: string, duplicate: string): Promise<PatronMergePreview> {
    return invoke<PatronMergePreview>("patron_merge_preview", { keep, duplicate });
  }

  mergePatrons(keep: string, duplicate: string, reason: string): Promise<PatronMerge> {
    return invoke<PatronMerge>("merge_patrons", { keep, duplicate, reason });
  }

  likelyDuplicatePatrons(patron: string, limit: number): Promise<PatronMatch[]> {
    return invoke<PatronMatch[]>("likely_duplicate_patrons", { patron, limit });
  }

  circulationStats(from: string, to: string): Promise<CirculationStats> {
    return invoke<CirculationStats>("circulation_stats", { from, to });
  }

  exportCirculationStats(from: string, to: string, path: string): Promise<void> {
    return invoke<void>("export_circulation_stats", { from, to, path });
  }

  kioskSignIn(patron: string, pin: string): Promise<PatronAccount> {
    return invoke<PatronAccount>("kiosk_sign_in", { patron, pin });
  }

  kioskCheckout(patron: string, pin: string, item: string, branch: string | null): Promise<CheckoutResult> {
    return invoke<CheckoutResult>("kiosk_checkout", { patron, pin, item, branch });
  }

  kioskCheckin(item: string, branch: string | null): Promise<CheckinResult> {
    return invoke<CheckinResult>("kiosk_checkin", { item, branch });
  }

  kioskPasswordSet(): Promise<boolean> {
    return invoke<boolean>("kiosk_password_set");
  }

  setKioskPassword(current: string | null, next: string): Promise<void> {
    return invoke<void>("set_kiosk_password", { current, next });
  }

  exitKiosk(password: string): Promise<boolean> {
    return invoke<boolean>("exit_kiosk", { password });
  }

  async setFullscreen(on: boolean): Promise<void> {
    await getCurrentWindow().setFullscreen(on);
  }

  rightsReviewQueue(query: ReviewQuery): Promise<ReviewPage> {
    return invoke<ReviewPage>("rights_review_queue", { query });
  }

  recordRights(recordId: string): Promise<RecordRights> {
    return invoke<RecordRights>("record_rights", { recordId });
  }

  setRightsStatus(request: BulkDetermination): Promise<DeterminationSummary> {
    return invoke<DeterminationSummary>("set_rights_status", { request });
  }

  setAccessLevel(recordId: string, access: AccessLevel | null, reason: string): Promise<Determination> {
    return invoke<Determination>("set_access_level", { recordId, access, reason });
  }

  computeRights(recordIds: string[] | null): Promise<DeterminationSummary> {
    return invoke<DeterminationSummary>("compute_rights", { recordIds });
  }

  rightsReport(asOf: string | null): Promise<RightsReport> {
    return invoke<RightsReport>("rights_report", { asOf });
  }

  exportRightsReport(asOf: string | null, path: string): Promise<void> {
    return invoke<void>("export_rights_report", { asOf, path });
  }

  digitalObjects(recordId: string): Promise<DigitalObject[]> {
    return invoke<DigitalObject[]>("digital_objects", { recordId });
  }

  attachDigitalObject(request: AttachRequest): Promise<AttachResult> {
    return invoke<AttachResult>("attach_digital_object", { request });
  }

  removeDigitalObject(objectId: string, reason: string): Promise<void> {
    return invoke<void>("remove_digital_object", { objectId, reason });
  }

  setObjectRights(objectId: string, status: RightsStatus | null, access: AccessLevel | null, reason: string): Promise<DigitalObject> {
    return invoke<DigitalObject>("set_object_rights", { objectId, status, access, reason });
  }

  openDigitalObject(objectId: string, reader: ReaderRequest): Promise<OpenedObject> {
    return invoke<OpenedObject>("open_digital_object", { objectId, reader });
  }

  digitalText(objectId: string, part: number, reader: ReaderRequest): Promise<TextPart> {
    return invoke<TextPart>("digital_text", { objectId, part, reader });
  }

  savePlaybackPosition(objectId: string, reader: ReaderRequest, positionMs: number, rate: number): Promise<void> {
    return invoke<void>("save_playback_position", { objectId, reader, positionMs, rate });
  }

  searchFullText(query: FullTextQuery, reader: ReaderRequest): Promise<FullTextResults> {
    return invoke<FullTextResults>("search_full_text", { query, reader });
  }

  syncStatus(): Promise<SyncStatus> {
    return invoke<SyncStatus>("sync_status");
  }

  syncNow(): Promise<SyncStatus> {
    return invoke<SyncStatus>("sync_now");
  }

  syncSettings(): Promise<SyncSettings> {
    return invoke<SyncSettings>("sync_settings");
  }

  saveSyncSettings(serverUrl: string | null, token: string | null, intervalMinutes: number): Promise<SyncSettings> {
    return invoke<SyncSettings>("save_sync_settings", { serverUrl, token, intervalMinutes });
  }

  syncExceptions(includeResolved: boolean): Promise<SyncException[]> {
    return invoke<SyncException[]>("sync_exceptions", { includeResolved });
  }

  resolveSyncException(id: string, keep: string): Promise<SyncException> {
    return invoke<SyncException>("resolve_sync_exception", { id, keep });
  }

  sip2Status(): Promise<Sip2ServerStatus> {
    return invoke<Sip2ServerStatus>("sip2_status");
  }

  startSip2(listen: string, charset: string): Promise<Sip2ServerStatus> {
    return invoke<Sip2ServerStatus>("start_sip2", { listen, charset });
  }

  stopSip2(): Promise<Sip2ServerStatus> {
    return invoke<Sip2ServerStatus>("stop_sip2");
  }

  sip2Accounts(): Promise<Sip2Account[]> {
    return invoke<Sip2Account[]>("sip2_accounts");
  }

  addSip2Account(input: Sip2AccountInput, password: string): Promise<Sip2Account> {
    return invoke<Sip2Account>("add_sip2_account", { input, password });
  }

  removeSip2Account(login: string): Promise<void> {
    return invoke<void>("remove_sip2_account", { login });
  }

  copyTargets(): Promise<CopyTarget[]> {
    return invoke<CopyTarget[]>("copy_targets");
  }

  addCopyTarget(target: CopyTarget): Promise<CopyTarget> {
    return invoke<CopyTarget>("add_copy_target", { target });
  }

  removeCopyTarget(name: string): Promise<void> {
    return invoke<void>("remove_copy_target", { name });
  }

  copySearch(target: string, query: CopyQuery, start: number, max: number): Promise<CopySearchPage> {
    return invoke<CopySearchPage>("copy_search", { target, query, start, max });
  }

  copyImport(record: MarcRecord, matchOn: ImportMatch, onMatch: ImportOnMatch): Promise<CopyImportOutcome> {
    return invoke<CopyImportOutcome>("copy_import", { record, matchOn, onMatch });
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
  "refused",
  "access_denied",
  "sync_refused",
  "merge_refused",
  "remote_failed",
  "storage",
  "internal",
];

/** The circulation refusal a rejected call carries (code `refused`), or null. */
export function refusalOf(error: ErrorPayload): Refusal | null {
  if (error.code !== "refused" || !error.details) return null;
  try {
    const value = JSON.parse(error.details) as Partial<Refusal>;
    return typeof value.code === "string" && typeof value.message_vi === "string" && typeof value.message_en === "string"
      ? (value as Refusal)
      : null;
  } catch {
    return null;
  }
}

/** The refusal a rejected patron merge carries (code `merge_refused`), or null. */
export function mergeRefusalOf(error: ErrorPayload): MergeRefusal | null {
  if (error.code !== "merge_refused" || !error.details) return null;
  try {
    const value = JSON.parse(error.details) as Partial<MergeRefusal>;
    return typeof value.code === "string" && typeof value.message_vi === "string" && typeof value.message_en === "string"
      ? (value as MergeRefusal)
      : null;
  } catch {
    return null;
  }
}

/** The access decision a rejected content call carries (code `access_denied`), or null. */
export function accessDecisionOf(error: ErrorPayload): AccessDecision | null {
  if (error.code !== "access_denied" || !error.details) return null;
  try {
    const value = JSON.parse(error.details) as Partial<AccessDecision>;
    return typeof value.allowed === "boolean" && typeof value.explanation_vi === "string" && typeof value.explanation_en === "string"
      ? (value as AccessDecision)
      : null;
  } catch {
    return null;
  }
}

/** The desktop app's own reader: library staff at a branch. */
export const STAFF_READER: ReaderRequest = { role: "staff", card: null, on_premises: true };

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
