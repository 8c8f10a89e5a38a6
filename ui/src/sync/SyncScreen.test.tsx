import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SyncStatus } from "../bindings/SyncStatus";
import type { Language } from "../i18n";
import { deferred, expectNoAxeViolations, renderIn } from "../transfer/testKit";
import {
  barcodeTaken,
  checkedOutTwice,
  deletedWhileEdited,
  fieldConflict,
  KEPT_CHANGE,
  NOW,
  offlineWithError,
  onlineWithExceptions,
  OTHER_CHANGE,
  syncApi,
  unconfigured,
} from "./fixtures";
import { formatMoment } from "./format";
import { SyncScreen } from "./SyncScreen";

function show(lang: Language, api: ReturnType<typeof syncApi>["api"]) {
  const onOpenRecord = vi.fn();
  const onOpenSettings = vi.fn();
  // A long poll: these tests drive the reads themselves.
  const result = renderIn(lang, <SyncScreen api={api} onOpenRecord={onOpenRecord} onOpenSettings={onOpenSettings} pollMs={600_000} />);
  return { ...result, onOpenRecord, onOpenSettings };
}

beforeEach(() => {
  // Only the clock is fixed, so "3 minutes ago" reads the same every run; timers stay real.
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

const card = (id: string) => screen.getByTestId(`sync-exception-${id}`);

describe("sync screen", () => {
  it("not set up: says so, offers the settings, cannot sync yet (both languages, axe)", async () => {
    for (const lang of ["vi", "en"] as const) {
      const { api } = syncApi(unconfigured());
      const { container, onOpenSettings, unmount } = show(lang, api);
      const state = await screen.findByTestId("sync-status-state");
      expect(state.textContent).toContain(lang === "vi" ? "Chưa thiết lập đồng bộ" : "Sync is not set up");
      expect(screen.getByTestId("sync-status-pending").textContent).toBe(
        lang === "vi" ? "12 thay đổi tại đây đang chờ gửi lên máy chủ." : "12 changes made here are waiting to be sent.",
      );
      expect((screen.getByTestId("sync-now") as HTMLButtonElement).disabled).toBe(true);
      await screen.findByTestId("sync-exceptions-empty");
      fireEvent.click(screen.getByTestId("sync-open-settings"));
      expect(onOpenSettings).toHaveBeenCalledTimes(1);
      await expectNoAxeViolations(container);
      unmount();
    }
  });

  it("online with exceptions: what the last sync moved, both versions of a field side by side, both loans (both languages, axe)", async () => {
    for (const lang of ["en", "vi"] as const) {
      const { api } = syncApi(onlineWithExceptions(), [fieldConflict(), checkedOutTwice()]);
      const { container, unmount } = show(lang, api);
      await screen.findByTestId("sync-exception-x-field");
      const report = screen.getByTestId("sync-report");
      expect(report.textContent).toContain(lang === "en" ? "Changes sent40" : "Thay đổi đã gửi40");
      expect(report.textContent).toContain("125");
      expect(screen.getByTestId("sync-status-last").textContent).toContain(lang === "en" ? "3 minutes ago" : "3 phút trước");
      expect(screen.getByTestId("sync-exceptions-count").textContent).toBe(lang === "en" ? "2 waiting" : "2 đang chờ");

      const conflict = card("x-field");
      expect(within(conflict).getByRole("heading", { level: 4 }).textContent).toBe(
        lang === "en" ? "The same field edited at two branches" : "Cùng một trường được sửa ở hai chi nhánh",
      );
      expect(screen.getByTestId("sync-conflict-kept").textContent).toBe("=245  10$aTruyện Kiều /$cNguyễn Du ; Đào Duy Anh khảo đính.");
      expect(screen.getByTestId("sync-conflict-other").textContent).toBe("=245  10$aTruyện Kiều /$cNguyễn Du.");
      // Who, where and when for each; the version made here is marked.
      expect(conflict.textContent).toContain(lang === "en" ? "By lan at cg-branch-02" : "Do lan tại cg-branch-02");
      expect(conflict.textContent).toContain(lang === "en" ? "By minh at hn-branch-07 (this branch)" : "Do minh tại hn-branch-07 (chi nhánh này)");
      // The two versions are the choices, each saying whose it is (local/remote name the same two).
      const radios = within(conflict).getAllByRole("radio");
      expect(radios).toHaveLength(2);
      if (lang === "en") {
        expect(within(conflict).getByLabelText(/Keep the version of field 245 by minh at hn-branch-07.*made at this branch/)).toBeTruthy();
        expect(within(conflict).getByLabelText(/Keep the version of field 245 by lan at cg-branch-02.*shown in the record now/)).toBeTruthy();
      }

      const loans = card("x-loans");
      expect(loans.textContent).toContain("HK000042");
      expect(loans.textContent).toContain("200000000001");
      expect(loans.textContent).toContain("200000000002");
      expect(within(loans).getAllByRole("radio")).toHaveLength(3);
      await expectNoAxeViolations(container);
      unmount();
    }
  });

  it("offline with an error: the error in words and when it tries again (both languages, axe)", async () => {
    for (const lang of ["en", "vi"] as const) {
      const { api } = syncApi(offlineWithError());
      const { container, unmount } = show(lang, api);
      const error = await screen.findByTestId("sync-last-error");
      expect(screen.getByTestId("sync-status-state").textContent).toContain(lang === "en" ? "Offline" : "Ngoại tuyến");
      expect(error.textContent).toContain("did not answer; changes are kept");
      expect(error.textContent).toContain(lang === "en" ? "Next attempt in 4 minutes" : "Sẽ thử lại sau 4 phút nữa");
      expect(screen.getByTestId("sync-status-pending").textContent).toContain(lang === "en" ? "1,500" : "1.500");
      await screen.findByTestId("sync-exceptions-empty");
      await expectNoAxeViolations(container);
      unmount();
    }
  });

  it("resolves an exception: explained choice, a confirm step, then the list is read again", async () => {
    const { api, calls } = syncApi(onlineWithExceptions(), [fieldConflict(), barcodeTaken()]);
    show("en", api);
    await screen.findByTestId("sync-exception-x-field");
    // Resolved ones are hidden unless asked for.
    expect(screen.queryByTestId("sync-exception-x-barcode")).toBeNull();

    fireEvent.click(screen.getByTestId("sync-resolve-x-field"));
    expect(within(card("x-field")).getByRole("alert").textContent).toBe("Choose how to resolve this exception first.");
    expect(screen.queryByTestId("confirm-dialog")).toBeNull();

    fireEvent.click(screen.getByTestId(`sync-action-x-field-${OTHER_CHANGE}`));
    fireEvent.click(screen.getByTestId("sync-resolve-x-field"));
    let dialog = screen.getByTestId("confirm-dialog");
    expect(dialog.textContent).toContain("Keep the version of field 245 by minh at hn-branch-07");
    expect(dialog.textContent).toContain("reaches every branch with the next sync");
    fireEvent.click(within(dialog).getByTestId("confirm-cancel"));
    expect(calls.resolved).toEqual([]);

    fireEvent.click(screen.getByTestId("sync-resolve-x-field"));
    dialog = screen.getByTestId("confirm-dialog");
    fireEvent.click(within(dialog).getByTestId("confirm-ok"));
    await waitFor(() => expect(calls.resolved).toEqual([["x-field", OTHER_CHANGE]]));
    await waitFor(() => expect(screen.queryByTestId("sync-exception-x-field")).toBeNull());
    expect(screen.getByTestId("sync-resolve-result").textContent).toBe("Resolved: The same field edited at two branches.");
    await screen.findByTestId("sync-exceptions-empty");

    fireEvent.click(screen.getByLabelText("Show resolved exceptions too"));
    await screen.findByTestId("sync-exception-x-barcode");
    expect(calls.exceptions.at(-1)).toBe(true);
    expect(screen.getByTestId("sync-resolved-x-field").textContent).toBe(
      `Resolved: Keep the version of field 245 by minh at hn-branch-07, ${formatMoment("2025-03-11T14:05:00Z", "en")} (made at this branch)`,
    );
    expect(screen.getByTestId("sync-resolved-x-barcode").textContent).toBe(
      "Resolved: Mark as handled: one of the two copies with barcode HK000077 has been given a new barcode label",
    );
    expect(within(card("x-field")).queryByRole("radio")).toBeNull();
  });

  it("shows a refused resolution in words and keeps the exception", async () => {
    const { api } = syncApi(onlineWithExceptions(), [deletedWhileEdited()]);
    api.resolveSyncException = async () => {
      throw { code: "invalid_input", message: "it is already resolved (deleted)", details: null };
    };
    show("vi", api);
    await screen.findByTestId("sync-exception-x-deleted");
    expect(card("x-deleted").textContent).toContain("Biểu ghi được sửa: Số đỏ");
    fireEvent.click(screen.getByLabelText("Khôi phục biểu ghi cùng bản sửa tại hn-branch-07"));
    fireEvent.click(screen.getByTestId("sync-resolve-x-deleted"));
    fireEvent.click(screen.getByTestId("confirm-ok"));
    await waitFor(() =>
      expect(screen.getByTestId("sync-resolve-result").textContent).toBe("Chưa giải quyết được: it is already resolved (deleted)"),
    );
    expect(card("x-deleted")).toBeTruthy();
  });

  it("Sync now: disabled while it runs, then says what moved or why it failed", async () => {
    const { api, state } = syncApi(onlineWithExceptions(), []);
    const first = deferred<SyncStatus>();
    const second = deferred<SyncStatus>();
    const answers = [first, second];
    // As in the app: what sync now answers is the catalog's status from then on.
    api.syncNow = () =>
      answers.shift()!.promise.then((s) => {
        state.status = s;
        return s;
      });
    show("en", api);
    const button = (await screen.findByTestId("sync-now")) as HTMLButtonElement;
    await waitFor(() => expect(button.disabled).toBe(false));
    fireEvent.click(button);
    expect(button.disabled).toBe(true);
    expect(button.textContent).toContain("Syncing…");
    first.resolve({
      ...state.status,
      last_report: { pushed: 3, already_on_server: 0, pulled: 7, applied: 7, new_exceptions: 1, cursor: 9010 },
      open_exceptions: 3,
    });
    await waitFor(() =>
      expect(screen.getByTestId("sync-now-result").textContent).toBe("Sync finished: 3 sent, 7 received, 1 new exception."),
    );
    expect(button.disabled).toBe(false);

    fireEvent.click(button);
    second.resolve({ ...offlineWithError() });
    await waitFor(() =>
      expect(screen.getByTestId("sync-now-result").textContent).toBe(
        "Sync did not finish: the server at https://thuvien.hanoi.gov.vn:8787 did not answer; changes are kept",
      ),
    );
    expect(screen.getByTestId("sync-status-state").textContent).toContain("Offline");
  });

  it("opens the record an exception is about", async () => {
    const { api } = syncApi(onlineWithExceptions(), [fieldConflict()]);
    const { onOpenRecord } = show("en", api);
    fireEvent.click(await screen.findByTestId("sync-open-record-x-field"));
    expect(onOpenRecord).toHaveBeenCalledWith("rec-kieu");
  });

  it("lists the resolve choices a conflict without change ids in its facts has: local and remote", async () => {
    const x = { ...fieldConflict(), actions: ["local", "remote"], facts: { field: "650" } };
    const { api } = syncApi(onlineWithExceptions(), [x]);
    show("en", api);
    await screen.findByTestId("sync-exception-x-field");
    expect(screen.getByLabelText("Keep this branch's version of field 650")).toBeTruthy();
    expect(screen.getByLabelText("Keep the other branch's version of field 650")).toBeTruthy();
    expect(KEPT_CHANGE).not.toBe(OTHER_CHANGE);
  });
});
