import { act, fireEvent, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Language } from "../i18n";
import { expectNoAxeViolations, renderIn } from "../transfer/testKit";
import { NOW, offlineWithError, onlineWithExceptions, syncApi, unconfigured } from "./fixtures";
import { SyncIndicator } from "./SyncIndicator";

const POLL = 4000;

/** Lets the pending reads answer and React render them (fake timers: nothing else moves). */
async function flush(ms = 0) {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}

function show(lang: Language, api: ReturnType<typeof syncApi>["api"], current = false) {
  const onOpen = vi.fn();
  const result = renderIn(lang, <SyncIndicator api={api} onOpen={onOpen} pollMs={POLL} current={current} />);
  return { ...result, onOpen };
}

const indicator = () => screen.getByTestId("sync-indicator");
const name = () => indicator().getAttribute("aria-label");

afterEach(() => {
  vi.useRealTimers();
});

describe("sync indicator", () => {
  it("says sync is not set up, in both languages, with no axe violations", async () => {
    for (const lang of ["vi", "en"] as const) {
      const { api } = syncApi(unconfigured());
      const { container, unmount } = show(lang, api);
      await screen.findByText(lang === "vi" ? "Chưa thiết lập đồng bộ" : "Sync not set up");
      expect(indicator().dataset.state).toBe("unconfigured");
      expect(name()).toBe(
        lang === "vi"
          ? "Đồng bộ: Chưa thiết lập đồng bộ. 12 thay đổi đang chờ gửi. Chưa đồng bộ lần nào. Không có ngoại lệ nào đang chờ. Mở màn hình đồng bộ."
          : "Sync: Sync not set up. 12 changes waiting to be sent. Never synced. No exceptions waiting. Open the sync screen.",
      );
      // Not configured: no "last synced" to speak of, no badge.
      expect(screen.queryByTestId("sync-indicator-last")).toBeNull();
      expect(screen.queryByTestId("sync-indicator-badge")).toBeNull();
      await expectNoAxeViolations(container);
      unmount();
    }
  });

  it("shows online, pending changes, the last sync relative to now and the exceptions badge", async () => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
    const { api } = syncApi(onlineWithExceptions());
    show("en", api);
    await flush();
    expect(indicator().dataset.state).toBe("online");
    expect(screen.getByTestId("sync-indicator-badge").textContent).toBe("2");
    expect(screen.getByTestId("sync-indicator-last").textContent).toBe("3 minutes ago");
    expect(screen.getByTestId("sync-indicator-pending").textContent).toBe("↑ 3");
    expect(name()).toBe(
      "Sync: Online. 3 changes waiting to be sent. Last synced 3 minutes ago. 2 exceptions waiting for review. Open the sync screen.",
    );
  });

  it("speaks Vietnamese times and numbers", async () => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
    const { api } = syncApi(offlineWithError());
    show("vi", api);
    await flush();
    expect(indicator().dataset.state).toBe("offline");
    expect(screen.getByTestId("sync-indicator-pending").textContent).toBe("↑ 1.500");
    expect(screen.getByTestId("sync-indicator-last").textContent).toBe("17 giờ trước");
    expect(name()).toContain("Đồng bộ: Ngoại tuyến.");
    expect(name()).toContain("1.500 thay đổi đang chờ gửi.");
  });

  it("polls, shows a spinner while syncing, and announces only what changed", async () => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
    const { api, state, calls } = syncApi({ ...onlineWithExceptions(), open_exceptions: 0 });
    show("en", api);
    await flush();
    expect(calls.status).toBe(1);
    const announce = screen.getByTestId("sync-announce");
    expect(announce.getAttribute("role")).toBe("status");
    // The first read is no news.
    expect(announce.textContent).toBe("");

    // A poll where nothing but time moved says nothing.
    await flush(POLL);
    expect(calls.status).toBe(2);
    expect(announce.textContent).toBe("");

    state.status = { ...state.status, syncing: true };
    await flush(POLL);
    expect(screen.getByTestId("sync-spinner")).toBeTruthy();
    expect(indicator().dataset.state).toBe("syncing");
    expect(announce.textContent).toBe("Sync started.");

    state.status = { ...state.status, syncing: false, open_exceptions: 3, last_sync_at: "2025-03-12T10:00:08Z" };
    await flush(POLL);
    expect(screen.queryByTestId("sync-spinner")).toBeNull();
    expect(announce.textContent).toBe("Sync finished. 3 sync exceptions waiting for review.");
    expect(screen.getByTestId("sync-indicator-last").textContent).toBe("now");

    // Fewer exceptions (one resolved) and the same state: the last words stay, nothing new is said.
    state.status = { ...state.status, open_exceptions: 2 };
    await flush(POLL);
    expect(announce.textContent).toBe("Sync finished. 3 sync exceptions waiting for review.");
    expect(screen.getByTestId("sync-indicator-badge").textContent).toBe("2");

    state.status = { ...state.status, online: false };
    await flush(POLL);
    expect(announce.textContent).toBe("Sync: offline. Changes are kept and sent later.");
    expect(calls.status).toBe(6);
  });

  it("stops polling when it leaves the screen", async () => {
    vi.useFakeTimers();
    const { api, calls } = syncApi(unconfigured());
    const { unmount } = show("en", api);
    await flush();
    unmount();
    await flush(POLL * 3);
    expect(calls.status).toBe(1);
  });

  it("says the status is unknown when it cannot be read, and opens the sync screen on click", async () => {
    const { api } = syncApi(unconfigured());
    api.syncStatus = async () => {
      throw { code: "catalog_unavailable", message: "closed", details: null };
    };
    const { onOpen, container } = show("en", api, true);
    await screen.findByText("Sync status unknown");
    expect(name()).toBe("Sync: Sync status unknown. Open the sync screen.");
    expect(indicator().getAttribute("aria-current")).toBe("page");
    fireEvent.click(indicator());
    expect(onOpen).toHaveBeenCalledTimes(1);
    await expectNoAxeViolations(container);
  });
});
