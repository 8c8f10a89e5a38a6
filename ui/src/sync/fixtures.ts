/** Sync states and exceptions as the app receives them, for the sync tests. */
import type { CatalogApi } from "../api";
import type { SyncException } from "../bindings/SyncException";
import type { SyncStatus } from "../bindings/SyncStatus";
import { memoryApi } from "../memoryApi";

/** The moment the tests run at. */
export const NOW = new Date("2025-03-12T10:00:00Z");

export const NODE = "hn-branch-07";

export function unconfigured(): SyncStatus {
  return {
    configured: false,
    online: null,
    syncing: false,
    pending_changes: 12,
    last_sync_at: null,
    last_error: null,
    last_report: null,
    open_exceptions: 0,
    next_attempt_at: null,
  };
}

/** Reached the server three minutes ago; two exceptions wait. */
export function onlineWithExceptions(): SyncStatus {
  return {
    configured: true,
    online: true,
    syncing: false,
    pending_changes: 3,
    last_sync_at: "2025-03-12T09:57:00Z",
    last_error: null,
    last_report: { pushed: 40, already_on_server: 2, pulled: 125, applied: 120, new_exceptions: 2, cursor: 9001 },
    open_exceptions: 2,
    next_attempt_at: "2025-03-12T10:02:00Z",
  };
}

/** The last attempt failed; the next is due in four minutes. */
export function offlineWithError(): SyncStatus {
  return {
    configured: true,
    online: false,
    syncing: false,
    pending_changes: 1500,
    last_sync_at: "2025-03-11T16:30:00Z",
    last_error: "the server at https://thuvien.hanoi.gov.vn:8787 did not answer; changes are kept",
    last_report: null,
    open_exceptions: 0,
    next_attempt_at: "2025-03-12T10:04:00Z",
  };
}

export const KEPT_CHANGE = "0195a1b2-0000-7000-8000-000000000002";
export const OTHER_CHANGE = "0195a1b2-0000-7000-8000-000000000001";

/** Title edited at Hoàn Kiếm (here) and at Cầu Giấy; Cầu Giấy's is later and shown. */
export function fieldConflict(): SyncException {
  return {
    id: "x-field",
    kind: "record_field_conflict",
    entity_type: "record",
    entity_id: "rec-kieu",
    facts: {
      field: "245",
      kept: {
        change_id: KEPT_CHANGE,
        origin_node: "cg-branch-02",
        user: "lan",
        recorded_at: "2025-03-11T15:20:00Z",
        fields: ["=245  10$aTruyện Kiều /$cNguyễn Du ; Đào Duy Anh khảo đính."],
      },
      other: {
        change_id: OTHER_CHANGE,
        origin_node: NODE,
        user: "minh",
        recorded_at: "2025-03-11T14:05:00Z",
        fields: ["=245  10$aTruyện Kiều /$cNguyễn Du."],
      },
    },
    actions: ["local", "remote", OTHER_CHANGE, KEPT_CHANGE],
    detected_at: "2025-03-12T09:57:00Z",
    resolved: null,
  };
}

/** The shape the circulation exceptions carry: the item and both loans. */
export function checkedOutTwice(): SyncException {
  return {
    id: "x-loans",
    kind: "item_checked_out_twice",
    entity_type: "item",
    entity_id: "item-42",
    facts: {
      barcode: "HK000042",
      loans: [
        { change_id: "loan-change-a", origin_node: NODE, user: "minh", recorded_at: "2025-03-11T09:00:00Z", patron: "Nguyễn Thị Hoa", due_at: "2025-03-25T16:59:59Z" },
        { change_id: "loan-change-b", origin_node: "cg-branch-02", user: "lan", recorded_at: "2025-03-11T10:30:00Z", patron: "Trần Văn Bình", due_at: "2025-03-25T16:59:59Z" },
      ],
    },
    actions: ["loan-change-a", "loan-change-b"],
    detected_at: "2025-03-12T09:57:00Z",
    resolved: null,
  };
}

export function barcodeTaken(resolved: string | null = "relabel"): SyncException {
  return {
    id: "x-barcode",
    kind: "barcode_taken",
    entity_type: "item",
    entity_id: "item-77",
    facts: {
      barcode: "HK000077",
      items: ["item-12", "item-77"],
      added: { change_id: "item-change", origin_node: "cg-branch-02", user: "lan", recorded_at: "2025-03-10T08:00:00Z" },
    },
    actions: ["relabel"],
    detected_at: "2025-03-10T12:00:00Z",
    resolved,
  };
}

export function deletedWhileEdited(): SyncException {
  return {
    id: "x-deleted",
    kind: "record_deleted_while_edited",
    entity_type: "record",
    entity_id: "rec-gone",
    facts: {
      deleted_by: { change_id: "del", origin_node: "cg-branch-02", user: "lan", recorded_at: "2025-03-11T08:00:00Z" },
      edit: { change_id: "edit", origin_node: NODE, user: "minh", recorded_at: "2025-03-11T08:30:00Z" },
      edited_marc: { control_number: "CN9", title: "Số đỏ", marc: "…" },
    },
    actions: ["deleted", "restore"],
    detected_at: "2025-03-12T09:57:00Z",
    resolved: null,
  };
}

/**
 * A catalog that syncs: `status` is what syncStatus answers (change it between polls),
 * exceptions are resolved for real, and every call is recorded.
 */
export function syncApi(status: SyncStatus, exceptions: SyncException[] = []) {
  const state = { status, exceptions: [...exceptions] };
  const calls = { status: 0, exceptions: [] as boolean[], resolved: [] as [string, string][], syncNow: 0 };
  const api: CatalogApi = {
    ...memoryApi(10),
    async syncStatus() {
      calls.status++;
      return { ...state.status };
    },
    async syncExceptions(includeResolved: boolean) {
      calls.exceptions.push(includeResolved);
      return state.exceptions.filter((x) => includeResolved || !x.resolved);
    },
    async resolveSyncException(id: string, keep: string) {
      calls.resolved.push([id, keep]);
      const x = state.exceptions.find((e) => e.id === id);
      if (!x) throw { code: "not_found", message: `no exception ${id}`, details: null };
      const resolution = x.kind === "record_field_conflict" ? `kept ${keep} for 245` : keep;
      const done = { ...x, resolved: resolution };
      state.exceptions = state.exceptions.map((e) => (e.id === id ? done : e));
      state.status = { ...state.status, open_exceptions: state.exceptions.filter((e) => !e.resolved).length };
      return done;
    },
  };
  return { api, state, calls };
}
