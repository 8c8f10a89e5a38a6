import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Language } from "../i18n";
import { expectNoAxeViolations, renderIn } from "../transfer/testKit";
import { settingsApi } from "./fixtures";
import { SettingsScreen } from "./SettingsScreen";

function show(lang: Language, api: ReturnType<typeof settingsApi>["api"], sip2PollMs = 600_000) {
  return renderIn(lang, <SettingsScreen api={api} sip2PollMs={sip2PollMs} />);
}

const input = (id: string) => screen.getByTestId(id) as HTMLInputElement;
const type = (id: string, value: string) => fireEvent.change(screen.getByTestId(id), { target: { value } });

afterEach(() => {
  vi.useRealTimers();
});

describe("settings: SIP2 server", () => {
  it("stopped: says so, offers 127.0.0.1:6001 in UTF-8, each character set explained (both languages, axe)", async () => {
    for (const lang of ["vi", "en"] as const) {
      const { api } = settingsApi();
      const { container, unmount } = show(lang, api);
      await waitFor(() =>
        expect(screen.getByTestId("settings-sip2-state").textContent).toContain(
          lang === "vi" ? "Không chạy" : "Not running",
        ),
      );
      expect(input("settings-sip2-listen").value).toBe("127.0.0.1:6001");
      expect(input("settings-sip2-charset-utf-8").checked).toBe(true);
      const sip2 = screen.getByTestId("settings-sip2");
      expect(sip2.textContent).toContain(lang === "vi" ? "bảng mã tiếng Việt của Windows" : "Windows Vietnamese code page");
      await screen.findByTestId("settings-account-kiosk-hk1");
      await screen.findByTestId("settings-copy-nlv");
      await waitFor(() => expect(input("settings-sync-url").disabled).toBe(false));
      await expectNoAxeViolations(container);
      unmount();
    }
  });

  it("starts with the address and character set chosen, after checking the address", async () => {
    const { api, calls } = settingsApi();
    show("en", api);
    await waitFor(() => expect(screen.getByTestId("settings-sip2-state").textContent).toContain("Not running"));
    type("settings-sip2-listen", "127.0.0.1:99999");
    fireEvent.click(screen.getByTestId("settings-sip2-start"));
    expect(await screen.findByText("The port must be a number from 1 to 65535.")).toBeTruthy();
    expect(input("settings-sip2-listen").getAttribute("aria-invalid")).toBe("true");
    type("settings-sip2-listen", "localhost");
    fireEvent.click(screen.getByTestId("settings-sip2-start"));
    expect(await screen.findByText("Enter an address and a port, for example 127.0.0.1:6001.")).toBeTruthy();
    expect(calls.start).toEqual([]);

    type("settings-sip2-listen", "0.0.0.0:6001");
    fireEvent.click(screen.getByLabelText(/Windows-1258/));
    fireEvent.click(screen.getByTestId("settings-sip2-start"));
    await waitFor(() => expect(calls.start).toEqual([["0.0.0.0:6001", "cp1258"]]));
    await waitFor(() =>
      expect(screen.getByTestId("settings-sip2-state").textContent).toContain("Running at 0.0.0.0:6001, Windows-1258; 0 machines connected."),
    );
    expect(screen.getByTestId("settings-sip2-message").textContent).toBe("The SIP2 server is running at 0.0.0.0:6001.");
    // Running: the address and character set are fixed until it stops.
    expect(input("settings-sip2-listen").disabled).toBe(true);
    expect(screen.getByTestId("settings-sip2-stop")).toBeTruthy();
  });

  it("running with machines connected (both languages, axe): stopping asks first", async () => {
    for (const lang of ["en", "vi"] as const) {
      const { api, calls } = settingsApi({ sip2: { running: true, listen: "192.168.1.20:6001", charset: "utf-8", connections: 2, error: null } });
      const { container, unmount } = show(lang, api);
      await waitFor(() =>
        expect(screen.getByTestId("settings-sip2-state").textContent).toContain(
          lang === "en" ? "Running at 192.168.1.20:6001, UTF-8; 2 machines connected." : "Đang chạy tại 192.168.1.20:6001, UTF-8; 2 máy đang kết nối.",
        ),
      );
      await screen.findByTestId("settings-account-kiosk-hk1");
      await expectNoAxeViolations(container);
      fireEvent.click(screen.getByTestId("settings-sip2-stop"));
      const dialog = screen.getByTestId("confirm-dialog");
      expect(dialog.textContent).toContain(lang === "en" ? "2 machines are connected now" : "Đang có 2 máy kết nối");
      fireEvent.click(within(dialog).getByTestId("confirm-cancel"));
      expect(calls.stop).toBe(0);
      fireEvent.click(screen.getByTestId("settings-sip2-stop"));
      fireEvent.click(screen.getByTestId("confirm-ok"));
      await waitFor(() => expect(calls.stop).toBe(1));
      await waitFor(() => expect(screen.getByTestId("settings-sip2-start")).toBeTruthy());
      unmount();
    }
  });

  it("shows why it could not start", async () => {
    const { api } = settingsApi({ startError: "127.0.0.1:6001 is already in use by another program; choose another port" });
    const { container } = show("en", api);
    await waitFor(() => expect(screen.getByTestId("settings-sip2-start")).toHaveProperty("disabled", false));
    fireEvent.click(screen.getByTestId("settings-sip2-start"));
    const error = await screen.findByTestId("settings-sip2-error");
    expect(error.getAttribute("role")).toBe("alert");
    expect(error.textContent).toBe("Could not start: 127.0.0.1:6001 is already in use by another program; choose another port");
    expect(screen.getByTestId("settings-sip2-message").textContent).toBe("");
    await expectNoAxeViolations(container);
  });

  it("reads the server's state every few seconds without undoing what is typed", async () => {
    vi.useFakeTimers();
    const { api, state, calls } = settingsApi();
    show("en", api, 3000);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(calls.sip2Status).toBe(1);
    type("settings-sip2-listen", "10.0.0.5:6001");
    state.sip2 = { running: true, listen: "127.0.0.1:6001", charset: "utf-8", connections: 1, error: null };
    await act(async () => {
      await vi.advanceTimersByTimeAsync(3000);
    });
    expect(calls.sip2Status).toBe(2);
    expect(screen.getByTestId("settings-sip2-state").textContent).toContain("1 machine connected.");
    expect(input("settings-sip2-listen").value).toBe("10.0.0.5:6001");
  });
});

describe("settings: SIP2 accounts", () => {
  it("lists accounts, adds one after checking it, and removes one after asking", async () => {
    const { api, calls } = settingsApi();
    show("en", api);
    const row = await screen.findByTestId("settings-account-kiosk-hk1");
    expect(row.textContent).toContain("Hoàn Kiếm (HK)");
    expect(within(row).getAllByText("No")).toHaveLength(1);
    expect(row.textContent).toContain("Vietnamese");
    await waitFor(() => expect(screen.getByTestId("settings-account-branch").querySelectorAll("option")).toHaveLength(3));

    // Everything wrong at once: each field says what to fix.
    type("settings-account-login", "kiosk hk2");
    type("settings-account-password", "a1b2");
    type("settings-account-again", "a1b3");
    fireEvent.click(screen.getByTestId("settings-account-add"));
    expect(await screen.findByText("A login cannot contain spaces or the | character.")).toBeTruthy();
    expect(screen.getByText("The two passwords are not the same.")).toBeTruthy();
    expect(screen.getByText("Choose the branch this machine lends for.")).toBeTruthy();
    type("settings-account-login", "kiosk-hk1");
    fireEvent.click(screen.getByTestId("settings-account-add"));
    expect(await screen.findByText("There is already an account with this login.")).toBeTruthy();
    expect(calls.added).toEqual([]);

    type("settings-account-login", "return-cg");
    type("settings-account-again", "a1b2");
    fireEvent.change(screen.getByLabelText("Branch"), { target: { value: "CG" } });
    fireEvent.click(screen.getByLabelText("Check out"));
    fireEvent.change(screen.getByLabelText("Screen language"), { target: { value: "en" } });
    fireEvent.click(screen.getByTestId("settings-account-add"));
    await waitFor(() =>
      expect(calls.added).toEqual([
        [{ login: "return-cg", branch_code: "CG", may_check_out: false, may_check_in: true, may_renew: true, language: "en" }, "a1b2"],
      ]),
    );
    await screen.findByTestId("settings-account-return-cg");
    expect(screen.getByTestId("settings-accounts-message").textContent).toBe("Account return-cg added.");
    expect(input("settings-account-password").value).toBe("");

    fireEvent.click(screen.getByRole("button", { name: "Remove the account kiosk-hk1" }));
    const dialog = screen.getByTestId("confirm-dialog");
    expect(dialog.textContent).toContain("The machine signing in as “kiosk-hk1” will be refused from now on.");
    fireEvent.click(within(dialog).getByTestId("confirm-ok"));
    await waitFor(() => expect(calls.removedAccounts).toEqual(["kiosk-hk1"]));
    await waitFor(() => expect(screen.queryByTestId("settings-account-kiosk-hk1")).toBeNull());
  });

  it("says what went wrong when the catalog refuses an account", async () => {
    const { api } = settingsApi({ accounts: [] });
    api.addSip2Account = async () => {
      throw { code: "invalid_input", message: "branch HK is not in this catalog", details: null };
    };
    show("vi", api);
    await screen.findByTestId("settings-accounts-empty");
    await waitFor(() => expect(screen.getByTestId("settings-account-branch").querySelectorAll("option")).toHaveLength(3));
    type("settings-account-login", "kiosk1");
    type("settings-account-password", "mật-khẩu");
    type("settings-account-again", "mật-khẩu");
    fireEvent.change(screen.getByLabelText("Chi nhánh"), { target: { value: "HK" } });
    fireEvent.click(screen.getByTestId("settings-account-add"));
    const failure = await screen.findByTestId("settings-accounts-failure");
    expect(failure.textContent).toBe("Chưa thêm được tài khoản. branch HK is not in this catalog");
  });
});

describe("settings: sync", () => {
  it("keeps a stored token when left empty, checks the address and the minutes, and says the state after saving", async () => {
    const { api, calls } = settingsApi({ sync: { server_url: "https://thuvien.hanoi.gov.vn:8787", has_token: true, interval_minutes: 5 } });
    show("en", api);
    await waitFor(() => expect(input("settings-sync-url").value).toBe("https://thuvien.hanoi.gov.vn:8787"));
    expect(screen.getByTestId("settings-sync-token-kept").textContent).toBe("A token is stored for this branch.");
    expect(input("settings-sync-token").type).toBe("password");
    expect(screen.getByText("Leave it empty to keep the stored token; type a new one to replace it.")).toBeTruthy();

    type("settings-sync-url", "thuvien.hanoi.gov.vn");
    type("settings-sync-interval", "-3");
    fireEvent.click(screen.getByTestId("settings-sync-save"));
    expect(await screen.findByText(/Enter a full address starting with http:\/\/ or https:\/\//)).toBeTruthy();
    expect(screen.getByText(/Enter a whole number of minutes from 0 to 1440/)).toBeTruthy();
    expect(calls.saveSync).toEqual([]);

    type("settings-sync-url", "https://sync.thuvien.hanoi.gov.vn");
    type("settings-sync-interval", "10");
    fireEvent.click(screen.getByTestId("settings-sync-save"));
    await waitFor(() => expect(calls.saveSync).toEqual([["https://sync.thuvien.hanoi.gov.vn", null, 10]]));
    await waitFor(() =>
      expect(screen.getByTestId("settings-sync-message").textContent).toBe("Sync settings saved. Sync now: Not synced yet."),
    );
  });

  it("asks for a token when none is stored, and an empty address stops syncing (Vietnamese)", async () => {
    const { api, calls } = settingsApi();
    show("vi", api);
    await waitFor(() => expect(screen.getByTestId("settings-sync-save")).toHaveProperty("disabled", false));
    expect(screen.queryByTestId("settings-sync-token-kept")).toBeNull();
    type("settings-sync-url", "http://127.0.0.1:8787");
    fireEvent.click(screen.getByTestId("settings-sync-save"));
    expect(await screen.findByText(/Hãy nhập mã truy cập mà quản trị viên đã cấp/)).toBeTruthy();
    type("settings-sync-token", "t0k3n");
    fireEvent.click(screen.getByTestId("settings-sync-save"));
    await waitFor(() => expect(calls.saveSync).toEqual([["http://127.0.0.1:8787", "t0k3n", 5]]));
    await screen.findByTestId("settings-sync-token-kept");
    expect(input("settings-sync-token").value).toBe("");

    type("settings-sync-url", "");
    fireEvent.click(screen.getByTestId("settings-sync-save"));
    await waitFor(() => expect(calls.saveSync.at(-1)).toEqual([null, null, 5]));
    await waitFor(() =>
      expect(screen.getByTestId("settings-sync-message").textContent).toBe(
        "Đã lưu cài đặt đồng bộ: danh mục này không còn đồng bộ. Đồng bộ hiện tại: Chưa thiết lập đồng bộ.",
      ),
    );
  });
});

describe("settings: copy-cataloging targets", () => {
  it("adds a target after checking it, and removes one after asking", async () => {
    const { api, calls } = settingsApi();
    show("en", api);
    const row = await screen.findByTestId("settings-copy-nlv");
    expect(row.textContent).toContain("https://sru.nlv.gov.vn/sru");

    type("settings-copy-name", "nlv");
    type("settings-copy-url", "lx2.loc.gov:210/LCDB");
    fireEvent.click(screen.getByTestId("settings-copy-add"));
    expect(await screen.findByText("There is already a catalog with this name.")).toBeTruthy();
    expect(screen.getByText(/Enter a full address starting with http/)).toBeTruthy();
    type("settings-copy-name", "library of congress");
    fireEvent.click(screen.getByTestId("settings-copy-add"));
    expect(await screen.findByText("A name cannot contain spaces (for example nlv or loc).")).toBeTruthy();
    expect(calls.addedTargets).toEqual([]);

    type("settings-copy-name", "loc");
    type("settings-copy-url", "https://lx2.loc.gov:210/LCDB");
    fireEvent.change(screen.getByLabelText("SRU version"), { target: { value: "2.0" } });
    fireEvent.click(screen.getByTestId("settings-copy-add"));
    await waitFor(() =>
      expect(calls.addedTargets).toEqual([{ name: "loc", base_url: "https://lx2.loc.gov:210/LCDB", version: "2.0", record_schema: "marcxml" }]),
    );
    await screen.findByTestId("settings-copy-loc");
    expect(screen.getByTestId("settings-copy-message").textContent).toBe("Catalog loc added.");

    fireEvent.click(screen.getByRole("button", { name: "Remove the catalog nlv" }));
    fireEvent.click(within(screen.getByTestId("confirm-dialog")).getByTestId("confirm-ok"));
    await waitFor(() => expect(calls.removedTargets).toEqual(["nlv"]));
    await waitFor(() => expect(screen.queryByTestId("settings-copy-nlv")).toBeNull());
  });
});
