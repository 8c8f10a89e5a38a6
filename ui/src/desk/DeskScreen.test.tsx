import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { CheckinResult } from "../bindings/CheckinResult";
import type { CheckoutResult } from "../bindings/CheckoutResult";
import type { RenewResult } from "../bindings/RenewResult";
import {
  BOOKS,
  LAN_CARD,
  alreadyOnLoanRefusal,
  cardExpiredRefusal,
  checkinResult,
  lanAccount,
  loan,
  loanLimitRefusal,
  notFound,
  refused,
  renewalLimitRefusal,
} from "./fixtures";
import { resetAudioForTests } from "./sound";
import { expectNoAxeViolations, renderDesk, scan, type } from "./testKit";

/** A checkout that lends anything in BOOKS, due 11/12/2026 (a Friday). */
function lending(calls: unknown[][] = []) {
  return async (patron: string, item: string, branch: string | null, reason: string | null): Promise<CheckoutResult> => {
    calls.push([patron, item, branch, reason]);
    if (!BOOKS[item]) throw notFound("item");
    return { loan: loan(item, "2026-12-11", { override_reason: reason }), overridden: [] };
  };
}

async function withPatron(overrides: Parameters<typeof renderDesk>[0] = {}, lang: "vi" | "en" = "vi") {
  const s = renderDesk({ patronAccount: async () => lanAccount(), ...overrides }, lang);
  await screen.findByRole("option", { name: /Hoàn Kiếm/ });
  scan("checkout-scan", LAN_CARD);
  await screen.findByTestId("patron-panel");
  return s;
}

describe("check out", () => {
  it("takes a card, then lends two items one after another with big confirmations", async () => {
    const calls: unknown[][] = [];
    const s = await withPatron({ checkout: lending(calls) });
    const panel = screen.getByTestId("patron-panel");
    expect(within(panel).getByTestId("patron-panel-name").textContent).toBe("Nguyễn Thị Lan");
    expect(panel.textContent).toContain("Học sinh, sinh viên");
    expect(panel.textContent).toContain("30/06/2027");
    expect(screen.getByTestId("patron-panel-balance").textContent).toBe("15.000\u00a0₫");
    expect(within(screen.getByTestId("patron-panel-loans")).getByText(/Quá hạn/)).toBeTruthy();
    expect(screen.getByText("Đang mượn (1)")).toBeTruthy();
    expect(screen.getByText(/Vang bóng một thời/)).toBeTruthy();
    expect(screen.getByLabelText("Quét mã vạch bản")).toBe(document.activeElement);

    scan("checkout-scan", "30001000123");
    await waitFor(() => expect(screen.getByTestId("checkout-outcome-title").textContent).toBe("Truyện Kiều"));
    const outcome = screen.getByTestId("checkout-outcome");
    expect(outcome.getAttribute("role")).toBe("status");
    expect(outcome.dataset.outcome).toBe("ok");
    expect(screen.getByTestId("checkout-outcome-due").textContent).toBe("Hạn trả: thứ Sáu, 11/12/2026");

    scan("checkout-scan", "30001000456");
    await waitFor(() => expect(screen.getByTestId("checkout-outcome-title").textContent).toBe("Số đỏ"));
    const session = screen.getByTestId("checkout-session");
    expect(within(session).getAllByRole("listitem").map((li) => li.querySelector(".desk-list-title")!.textContent)).toEqual([
      "Truyện Kiều",
      "Số đỏ",
    ]);
    expect(calls).toEqual([
      [LAN_CARD, "30001000123", "HK", null],
      [LAN_CARD, "30001000456", "HK", null],
    ]);
    expect(s.props.onChanged).toHaveBeenCalledTimes(2);
    expect(document.activeElement).toBe(screen.getByTestId("checkout-scan"));
  });

  it("shows the account's refusals as warnings when the card is scanned", async () => {
    await withPatron({ patronAccount: async () => lanAccount({ refusals: [cardExpiredRefusal()] }) });
    expect(screen.getByTestId("patron-panel-refusals").textContent).toContain("Thẻ đã hết hạn ngày 30/06/2026.");
  });

  it("says so in words when the card is unknown", async () => {
    renderDesk({ patronAccount: async () => Promise.reject(notFound("patron")) });
    scan("checkout-scan", "BD-0000");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Không có thẻ bạn đọc nào mang mã BD-0000.");
    expect(screen.queryByTestId("patron-panel")).toBeNull();
  });

  it("shows a refusal in Vietnamese, then in English after switching language", async () => {
    const s = await withPatron({ checkout: async () => Promise.reject(refused(loanLimitRefusal())) });
    scan("checkout-scan", "30001000123");
    const alert = await screen.findByTestId("checkout-outcome");
    expect(alert.getAttribute("role")).toBe("alert");
    expect(alert.dataset.code).toBe("loan_limit_reached");
    expect(screen.getByTestId("checkout-outcome-message").textContent).toBe("Bạn đọc đã mượn đủ 5 tài liệu, mức tối đa.");
    expect(alert.textContent).toContain("Từ chối");
    s.switchTo("en");
    expect(screen.getByTestId("checkout-outcome-message").textContent).toBe("The limit of 5 loans is reached.");
    expect(screen.getByTestId("checkout-outcome").textContent).toContain("Refused");
    expect(screen.getByTestId("checkout-outcome-override").textContent).toBe("Override…");
    expect(document.activeElement).toBe(screen.getByTestId("checkout-scan"));
  });

  it("names the barcode that matches no item", async () => {
    await withPatron({ checkout: lending() });
    scan("checkout-scan", "99999");
    await waitFor(() =>
      expect(screen.getByTestId("checkout-outcome-message").textContent).toBe("Không có bản nào mang mã vạch 99999."),
    );
    expect(screen.queryByTestId("checkout-outcome-override")).toBeNull();
  });

  it("overrides only with a reason, and retries with it", async () => {
    const calls: unknown[][] = [];
    const inner = lending(calls);
    const s = await withPatron({
      checkout: async (p, i, b, reason) => {
        if (!reason) {
          calls.push([p, i, b, reason]);
          throw refused(loanLimitRefusal());
        }
        return inner(p, i, b, reason);
      },
    });
    scan("checkout-scan", "30001000123");
    fireEvent.click(await screen.findByTestId("checkout-outcome-override"));
    const dialog = screen.getByTestId("override-dialog");
    expect(document.activeElement).toBe(screen.getByTestId("override-reason"));
    fireEvent.click(within(dialog).getByTestId("override-confirm"));
    expect(screen.getByTestId("override-reason-error").textContent).toBe("Hãy ghi lý do vượt quyền.");
    expect(calls).toHaveLength(1);

    type("override-reason", "Giám đốc thư viện cho phép");
    fireEvent.click(within(dialog).getByTestId("override-confirm"));
    await waitFor(() => expect(screen.getByTestId("checkout-outcome-title").textContent).toBe("Truyện Kiều"));
    expect(calls[1]).toEqual([LAN_CARD, "30001000123", "HK", "Giám đốc thư viện cho phép"]);
    expect(screen.queryByTestId("override-dialog")).toBeNull();
    expect(s.props.onChanged).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("checkout-scan")));
  });

  it("offers no override for a book already on loan", async () => {
    await withPatron({ checkout: async () => Promise.reject(refused(alreadyOnLoanRefusal())) });
    scan("checkout-scan", "30001000123");
    await screen.findByTestId("checkout-outcome-message");
    expect(screen.queryByTestId("checkout-outcome-override")).toBeNull();
  });

  it("refuses to lend until the desk has a branch", async () => {
    const checkout = vi.fn(lending());
    renderDesk({ patronAccount: async () => lanAccount(), checkout }, "vi", null);
    expect(screen.getByTestId("desk-branch-warning").textContent).toContain("Hãy chọn chi nhánh");
    scan("checkout-scan", LAN_CARD);
    await screen.findByTestId("patron-panel");
    scan("checkout-scan", "30001000123");
    await waitFor(() =>
      expect(screen.getByTestId("checkout-outcome-message").textContent).toBe(
        "Hãy chọn chi nhánh của quầy trước khi cho mượn hoặc nhận trả.",
      ),
    );
    expect(checkout).not.toHaveBeenCalled();
  });

  it("changes the desk's branch", async () => {
    const s = renderDesk();
    await screen.findByRole("option", { name: /Cầu Giấy/ });
    fireEvent.change(screen.getByTestId("desk-branch"), { target: { value: "CG" } });
    expect(s.props.onBranchChange).toHaveBeenCalledWith("CG");
  });

  it("Esc ends the patron's session with a receipt, before the shell's Esc", async () => {
    await withPatron({ checkout: lending() });
    scan("checkout-scan", "30001000123");
    await screen.findByTestId("checkout-outcome-title");
    const shell = vi.fn((e: KeyboardEvent) => e.defaultPrevented);
    window.addEventListener("keydown", shell);
    fireEvent.keyDown(screen.getByTestId("checkout-scan"), { key: "Escape" });
    window.removeEventListener("keydown", shell);
    expect(shell.mock.results[0]?.value).toBe(true);
    expect(screen.queryByTestId("patron-panel")).toBeNull();
    const receipt = screen.getByTestId("checkout-receipt");
    expect(receipt.textContent).toContain("Nguyễn Thị Lan");
    expect(receipt.textContent).toContain("Truyện Kiều");
    expect(receipt.textContent).toContain("Tổng cộng 1 bản.");
    expect(screen.getByLabelText("Quét thẻ bạn đọc")).toBe(document.activeElement);
  });

  it("beeps high for a loan and low for a refusal", async () => {
    const frequencies: number[] = [];
    class FakeAudio {
      state = "running";
      currentTime = 0;
      destination = {};
      resume() {
        return Promise.resolve();
      }
      createOscillator() {
        const osc = { type: "", frequency: { value: 0 }, connect: (n: unknown) => n, start() {}, stop() {
          frequencies.push(osc.frequency.value);
        } };
        return osc;
      }
      createGain() {
        return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect: (n: unknown) => n };
      }
    }
    vi.stubGlobal("AudioContext", FakeAudio);
    resetAudioForTests();
    try {
      let n = 0;
      await withPatron({
        checkout: async (_p, item) => {
          if (n++ > 0) throw refused(loanLimitRefusal());
          return { loan: loan(item, "2026-12-11"), overridden: [] };
        },
      });
      scan("checkout-scan", "30001000123");
      await screen.findByTestId("checkout-outcome-title");
      expect(frequencies).toEqual([1320]);
      scan("checkout-scan", "30001000456");
      await screen.findByTestId("checkout-outcome-message");
      expect(frequencies).toEqual([1320, 220, 180]);
    } finally {
      vi.unstubAllGlobals();
      resetAudioForTests();
    }
  });
});

describe("check in", () => {
  const actions: [CheckinResult, string, string][] = [
    [checkinResult("30001000123", { kind: "reshelve" }), "Xếp lại lên giá", "Reshelve"],
    [
      checkinResult("30001000456", {
        kind: "hold_shelf",
        hold_id: "hold-9",
        patron_barcode: "BD-2023-0981",
        patron_name: "Trần Văn Lành",
        shelf_expires_on: "2026-12-11",
      }),
      "Đặt lên giá chờ nhận cho Trần Văn Lành (thẻ BD-2023-0981) đến hết thứ Sáu, 11/12/2026",
      "Put on the hold shelf for Trần Văn Lành (card BD-2023-0981) until Friday, December 11, 2026",
    ],
    [
      checkinResult("30001000789", { kind: "transit", branch_code: "CG", hold_id: "hold-3" }),
      "Chuyển đến Cầu Giấy: có bạn đọc đang chờ",
      "Send in transit to Cầu Giấy: a patron is waiting",
    ],
    [
      checkinResult("30001000789", { kind: "transit", branch_code: "LB", hold_id: null }),
      "Gửi trả về Long Biên",
      "Send home to Long Biên",
    ],
  ];

  it.each(actions)("says what to do with the book (%#)", async (result, vi_, en) => {
    const calls: unknown[][] = [];
    const s = renderDesk({
      checkin: async (item, branch, at) => {
        calls.push([item, branch, at]);
        return result;
      },
    });
    await screen.findByRole("option", { name: /Long Biên/ });
    fireEvent.keyDown(window, { key: "F3" });
    expect(document.activeElement).toBe(screen.getByTestId("checkin-scan"));
    scan("checkin-scan", result.item_barcode);
    await waitFor(() => expect(screen.getByTestId("checkin-action").textContent).toBe(vi_));
    expect(screen.getByTestId("checkin-title").textContent).toBe(result.title);
    expect(calls).toEqual([[result.item_barcode, "HK", null]]);
    s.switchTo("en");
    expect(screen.getByTestId("checkin-action").textContent).toBe(en);
    expect(s.props.onChanged).toHaveBeenCalledTimes(1);
  });

  it("shows the fine charged and back-dates the return when asked", async () => {
    const calls: unknown[][] = [];
    renderDesk({
      checkin: async (item, branch, at) => {
        calls.push([item, branch, at]);
        return checkinResult(item, { kind: "reshelve" }, 6000);
      },
    });
    fireEvent.click(screen.getByTestId("desk-tab-checkin"));
    const details = screen.getByTestId("checkin-backdate") as HTMLDetailsElement;
    expect(details.open).toBe(false);
    type("checkin-at", "2026-12-03T17:30");
    scan("checkin-scan", "30001000123");
    await waitFor(() => expect(screen.getByTestId("checkin-fine").textContent).toBe("Tiền phạt quá hạn: 6.000\u00a0₫"));
    expect(calls).toEqual([["30001000123", "HK", new Date(2026, 11, 3, 17, 30).toISOString()]]);
  });

  it("names an unknown barcode in a red panel", async () => {
    renderDesk({ checkin: async () => Promise.reject(notFound("item")) });
    fireEvent.click(screen.getByTestId("desk-tab-checkin"));
    scan("checkin-scan", "123");
    const alert = await screen.findByTestId("checkin-outcome");
    expect(alert.getAttribute("role")).toBe("alert");
    expect(alert.textContent).toContain("Không có bản nào mang mã vạch 123.");
  });
});

describe("renew", () => {
  const renewed = (item: string, reason: string | null): RenewResult => ({
    loan: loan(item, "2026-12-25", { renewals: 1, override_reason: reason }),
    fine_charged: 0,
    overridden: reason ? [renewalLimitRefusal()] : [],
  });

  it("shows the new due date", async () => {
    const s = renderDesk({ renew: async (item, reason) => renewed(item, reason) });
    fireEvent.keyDown(window, { key: "F4" });
    scan("renew-scan", "30001000123");
    await waitFor(() => expect(screen.getByTestId("renew-outcome-due").textContent).toBe("Hạn trả mới: thứ Sáu, 25/12/2026"));
    expect(screen.getByTestId("renew-outcome-title").textContent).toBe("Truyện Kiều");
    expect(s.props.onChanged).toHaveBeenCalledTimes(1);
  });

  it("shows the refusal and renews with an override reason", async () => {
    const reasons: (string | null)[] = [];
    renderDesk({
      renew: async (item, reason) => {
        reasons.push(reason);
        if (!reason) throw refused(renewalLimitRefusal());
        return renewed(item, reason);
      },
    });
    fireEvent.keyDown(window, { key: "F4" });
    scan("renew-scan", "30001000123");
    await waitFor(() => expect(screen.getByTestId("renew-outcome-message").textContent).toBe("Đã gia hạn đủ 2 lần, mức tối đa."));
    fireEvent.click(screen.getByTestId("renew-outcome-override"));
    type("override-reason", "Bạn đọc đang điều trị");
    fireEvent.click(screen.getByTestId("override-confirm"));
    await screen.findByTestId("renew-outcome-due");
    expect(reasons).toEqual([null, "Bạn đọc đang điều trị"]);
  });
});

describe("keyboard", () => {
  it("F2–F5 switch the tabs and put the focus in each tab's field", async () => {
    renderDesk();
    const selected = () => screen.getByRole("tab", { selected: true }).dataset.testid;
    expect(selected()).toBe("desk-tab-checkout");
    fireEvent.keyDown(window, { key: "F3" });
    expect(selected()).toBe("desk-tab-checkin");
    expect(document.activeElement).toBe(screen.getByTestId("checkin-scan"));
    fireEvent.keyDown(window, { key: "F4" });
    expect(selected()).toBe("desk-tab-renew");
    expect(document.activeElement).toBe(screen.getByTestId("renew-scan"));
    fireEvent.keyDown(window, { key: "F5" });
    expect(selected()).toBe("desk-tab-patrons");
    expect(document.activeElement).toBe(screen.getByTestId("patron-search"));
    fireEvent.keyDown(window, { key: "F2" });
    expect(selected()).toBe("desk-tab-checkout");
    expect(document.activeElement).toBe(screen.getByTestId("checkout-scan"));
    expect(screen.getByTestId("desk-panel-checkin").hidden).toBe(true);
  });

  it("arrows move between tabs as WAI-ARIA tabs do", () => {
    renderDesk();
    const first = screen.getByTestId("desk-tab-checkout");
    first.focus();
    fireEvent.keyDown(first, { key: "ArrowRight" });
    expect(document.activeElement).toBe(screen.getByTestId("desk-tab-checkin"));
    expect(screen.getByTestId("desk-tab-checkin").getAttribute("aria-selected")).toBe("true");
    fireEvent.keyDown(document.activeElement!, { key: "End" });
    expect(document.activeElement).toBe(screen.getByTestId("desk-tab-patrons"));
    fireEvent.keyDown(document.activeElement!, { key: "ArrowRight" });
    expect(document.activeElement).toBe(first);
  });

  it("the scan field keeps the focus through a refusal and an error", async () => {
    let n = 0;
    await withPatron({
      checkout: async (_p, item) => {
        n++;
        if (n === 1) throw refused(loanLimitRefusal());
        if (n === 2) throw { code: "storage", message: "disk full", details: null };
        return { loan: loan(item, "2026-12-11"), overridden: [] };
      },
    });
    for (const code of ["30001000123", "30001000456", "30001000789"]) {
      scan("checkout-scan", code);
      await act(async () => {});
      expect(document.activeElement).toBe(screen.getByTestId("checkout-scan"));
    }
    await waitFor(() => expect(screen.getByTestId("checkout-outcome-title").textContent).toBe("Dế Mèn phiêu lưu ký"));
  });
});

describe("accessibility", () => {
  for (const lang of ["vi", "en"] as const) {
    it(`has no axe violations on each tab (${lang})`, async () => {
      const s = renderDesk({ patronAccount: async () => lanAccount() }, lang);
      await screen.findByRole("option", { name: /Hoàn Kiếm/ });
      for (const key of ["F2", "F3", "F4", "F5"]) {
        fireEvent.keyDown(window, { key });
        await expectNoAxeViolations(s.container);
      }
    });

    it(`has no axe violations with a patron and a refusal shown (${lang})`, async () => {
      const s = await withPatron({ checkout: async () => Promise.reject(refused(loanLimitRefusal())) }, lang);
      scan("checkout-scan", "30001000123");
      await screen.findByTestId("checkout-outcome-message");
      await expectNoAxeViolations(s.container);
      fireEvent.click(screen.getByTestId("checkout-outcome-override"));
      await expectNoAxeViolations(s.container);
    });
  }
});
