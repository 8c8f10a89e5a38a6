/** A branch's settings held in memory, for the settings tests: every call is recorded. */
import type { CatalogApi } from "../api";
import type { CopyTarget } from "../bindings/CopyTarget";
import type { Sip2Account } from "../bindings/Sip2Account";
import type { Sip2AccountInput } from "../bindings/Sip2AccountInput";
import type { Sip2ServerStatus } from "../bindings/Sip2ServerStatus";
import type { SyncSettings } from "../bindings/SyncSettings";
import { memoryApi } from "../memoryApi";
import { onlineWithExceptions } from "../sync/fixtures";

export const BRANCHES = [
  { id: "b1", code: "HK", name: "Hoàn Kiếm" },
  { id: "b2", code: "CG", name: "Cầu Giấy" },
];

export function kiosk(): Sip2Account {
  return {
    login: "kiosk-hk1",
    branch_code: "HK",
    may_check_out: true,
    may_check_in: true,
    may_renew: false,
    language: "vi",
    created_at: "2025-03-01T08:00:00Z",
  };
}

export function nlv(): CopyTarget {
  return { name: "nlv", base_url: "https://sru.nlv.gov.vn/sru", version: "1.2", record_schema: "marcxml" };
}

export interface SettingsState {
  sync: SyncSettings;
  sip2: Sip2ServerStatus;
  accounts: Sip2Account[];
  targets: CopyTarget[];
  /** What the next startSip2 answers with when it cannot bind (null: it starts). */
  startError: string | null;
}

export function settingsApi(overrides: Partial<SettingsState> = {}) {
  const state: SettingsState = {
    sync: { server_url: null, has_token: false, interval_minutes: 5 },
    sip2: { running: false, listen: null, charset: "utf-8", connections: 0, error: null },
    accounts: [kiosk()],
    targets: [nlv()],
    startError: null,
    ...overrides,
  };
  const calls = {
    saveSync: [] as [string | null, string | null, number][],
    start: [] as [string, string][],
    stop: 0,
    sip2Status: 0,
    added: [] as [Sip2AccountInput, string][],
    removedAccounts: [] as string[],
    addedTargets: [] as CopyTarget[],
    removedTargets: [] as string[],
  };
  const api: CatalogApi = {
    ...memoryApi(10),
    branches: async () => BRANCHES,
    async syncSettings() {
      return { ...state.sync };
    },
    async saveSyncSettings(serverUrl, token, intervalMinutes) {
      calls.saveSync.push([serverUrl, token, intervalMinutes]);
      state.sync = { server_url: serverUrl, has_token: token !== null || (serverUrl !== null && state.sync.has_token), interval_minutes: intervalMinutes };
      return { ...state.sync };
    },
    async syncStatus() {
      return state.sync.server_url ? { ...onlineWithExceptions(), online: null } : { ...onlineWithExceptions(), configured: false };
    },
    async sip2Status() {
      calls.sip2Status++;
      return { ...state.sip2 };
    },
    async startSip2(listen, charset) {
      calls.start.push([listen, charset]);
      state.sip2 = state.startError
        ? { running: false, listen, charset, connections: 0, error: state.startError }
        : { running: true, listen, charset, connections: 0, error: null };
      return { ...state.sip2 };
    },
    async stopSip2() {
      calls.stop++;
      state.sip2 = { ...state.sip2, running: false, connections: 0 };
      return { ...state.sip2 };
    },
    async sip2Accounts() {
      return state.accounts.map((a) => ({ ...a }));
    },
    async addSip2Account(input, password) {
      calls.added.push([input, password]);
      const account = { ...input, created_at: "2025-03-12T10:00:00Z" };
      state.accounts = [...state.accounts, account];
      return account;
    },
    async removeSip2Account(login) {
      calls.removedAccounts.push(login);
      state.accounts = state.accounts.filter((a) => a.login !== login);
    },
    async copyTargets() {
      return state.targets.map((x) => ({ ...x }));
    },
    async addCopyTarget(target) {
      calls.addedTargets.push(target);
      state.targets = [...state.targets, target];
      return target;
    },
    async removeCopyTarget(name) {
      calls.removedTargets.push(name);
      state.targets = state.targets.filter((x) => x.name !== name);
    },
  };
  return { api, state, calls };
}
