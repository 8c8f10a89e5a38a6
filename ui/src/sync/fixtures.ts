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

/** Another branch's catalog: node ids are UUIDs. */
export const OTHER_NODE = "0193f0c2-7d1e-7a00-8000-00000000c9a2";

export const ITEM_ID = "0195a1b2-1111-7000-8000-000000000042";
export const LOAN_HERE = "01a2187a-ba29-7c3e-9f00-000000000a01";
export const LOAN_THERE = "01a2187a-ba29-7c3e-9f00-000000000b02";

/** `loan_facts` in crates/core/src/sync/circulation.rs: the loan as its create entry carries it, and who made it. */
function loanFacts(loan: string, patron: string, branch: string, at: string, node: string, user: string, change: string) {
  return {
    loan_id: loan,
    patron_id: `0195a1b2-2222-7000-8000-0000000${patron.slice(-5)}`,
    patron_barcode: patron,
    item_barcode: "HK000042",
    title: "Truyện Kiều",
    branch_code: branch,
    checked_out_at: at,
    by: { change_id: change, origin_node: node, user, recorded_at: at },
  };
}

/** Copy HK000042 lent at Hoàn Kiếm (here) and at Cầu Giấy while apart (`check_checked_out_twice`). */
export function checkedOutTwice(): SyncException {
  return {
    id: "x-loans",
    kind: "item_checked_out_twice",
    entity_type: "item",
    entity_id: ITEM_ID,
    facts: {
      item_id: ITEM_ID,
      loans: [
        loanFacts(LOAN_HERE, "200000000001", "HK", "2025-03-11T09:00:00Z", NODE, "minh", "0195a1b2-0000-7000-8000-0000000000a1"),
        loanFacts(LOAN_THERE, "200000000002", "CG", "2025-03-11T10:30:00Z", OTHER_NODE, "lan", "0195a1b2-0000-7000-8000-0000000000b2"),
      ],
    },
    actions: [`keep:${LOAN_HERE}`, `keep:${LOAN_THERE}`, "both_returned"],
    detected_at: "2025-03-12T09:57:00Z",
    resolved: null,
  };
}

/** Lent here to reader 200000000003 after Cầu Giấy had blocked the card (`check_blocked_loan`). */
export function loanToBlockedPatron(): SyncException {
  const loan = "01a2187a-ba29-7c3e-9f00-000000000c03";
  return {
    id: "x-blocked",
    kind: "loan_to_blocked_patron",
    entity_type: "loan",
    entity_id: loan,
    facts: {
      loan: loanFacts(loan, "200000000003", "HK", "2025-03-11T09:00:00Z", NODE, "minh", "0195a1b2-0000-7000-8000-0000000000c3"),
      block: {
        id: "0195a1b2-3333-7000-8000-000000000001",
        reason: "Quá hạn trả sách 3 tháng",
        blocked_by: "lan",
        blocked_at: "2025-03-10T08:00:00Z",
        by: { change_id: "0195a1b2-0000-7000-8000-0000000000d4", origin_node: OTHER_NODE, user: "lan", recorded_at: "2025-03-10T08:00:00Z" },
      },
    },
    actions: ["accept", "recall"],
    detected_at: "2025-03-12T09:57:00Z",
    resolved: null,
  };
}

export const HOLD_ID = "0195a1b2-4444-7000-8000-000000000001";

/** Reader 200000000004's hold on Số đỏ filled with two copies (`check_filled_twice`). */
export function holdFilledTwice(): SyncException {
  return {
    id: "x-hold",
    kind: "hold_filled_twice",
    entity_type: "hold",
    entity_id: HOLD_ID,
    facts: {
      hold_id: HOLD_ID,
      patron_id: "0195a1b2-2222-7000-8000-000000000004",
      patron_barcode: "200000000004",
      title: "Số đỏ",
      pickup_branch_code: "HK",
      items: [
        { item_id: "0195a1b2-1111-7000-8000-000000000011", barcode: "300000000011" },
        { item_id: "0195a1b2-1111-7000-8000-000000000012", barcode: "300000000012" },
      ],
    },
    actions: ["keep:300000000011", "keep:300000000012"],
    detected_at: "2025-03-12T09:57:00Z",
    resolved: null,
  };
}

/** One barcode on two copies (`apply_item` in apply.rs): the copy Cầu Giấy added was not stored here. */
export function barcodeTaken(resolved: string | null = "relabel"): SyncException {
  return {
    id: "x-barcode",
    kind: "barcode_taken",
    entity_type: "item",
    entity_id: "0195a1b2-1111-7000-8000-000000000077",
    facts: {
      barcode: "HK000077",
      items: ["0195a1b2-1111-7000-8000-000000000012", "0195a1b2-1111-7000-8000-000000000077"],
      added: { change_id: "0195a1b2-0000-7000-8000-0000000000e5", origin_node: OTHER_NODE, user: "lan", recorded_at: "2025-03-10T08:00:00Z" },
    },
    actions: ["relabel"],
    detected_at: "2025-03-10T12:00:00Z",
    resolved,
  };
}

/** One card number given to two readers (`apply_patron`): the larger id carries `<barcode>-<last 4>`. */
export function cardTaken(): SyncException {
  return {
    id: "x-card",
    kind: "barcode_taken",
    entity_type: "patron",
    entity_id: "0195a1b2-2222-7000-8000-00000000beef",
    facts: {
      barcode: "200000000001",
      patrons: ["0195a1b2-2222-7000-8000-000000000001", "0195a1b2-2222-7000-8000-00000000beef"],
    },
    actions: ["relabel"],
    detected_at: "2025-03-12T09:57:00Z",
    resolved: null,
  };
}

/** Two branches added with code TT (`apply_branch`): the larger id carries `TT-<last 4>`. */
export function branchCodeTaken(): SyncException {
  return {
    id: "x-branch",
    kind: "branch_code_taken",
    entity_type: "branch",
    entity_id: "0195a1b2-5555-7000-8000-00000000a7b3",
    facts: {
      code: "TT",
      branches: ["0195a1b2-5555-7000-8000-00000000a7b3", "0195a1b2-5555-7000-8000-000000000001"],
    },
    actions: ["rename"],
    detected_at: "2025-03-12T09:57:00Z",
    resolved: null,
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

/** Card 200000000009 merged into two readers at two branches (`check_merged_twice`). */
export function mergedTwice(): SyncException {
  const side = (keep: string, barcode: string, change: string) => ({
    change_id: change,
    keep_id: keep,
    keep_barcode: barcode,
    merged_at: "2025-03-11T08:00:00Z",
    merged_by: "lan",
    origin_node: NODE,
    reason: "Trùng thẻ",
  });
  return {
    id: "x-merged",
    kind: "patron_merged_twice",
    entity_type: "patron",
    entity_id: "0195a1b2-6666-7000-8000-000000000009",
    facts: {
      duplicate_id: "0195a1b2-6666-7000-8000-000000000009",
      duplicate_barcode: "200000000009",
      stands: side("0195a1b2-6666-7000-8000-000000000001", "200000000001", KEPT_CHANGE),
      other: side("0195a1b2-6666-7000-8000-000000000002", "200000000002", OTHER_CHANGE),
    },
    actions: ["accept", "merge_survivors"],
    detected_at: "2025-03-12T09:57:00Z",
    resolved: null,
  };
}
