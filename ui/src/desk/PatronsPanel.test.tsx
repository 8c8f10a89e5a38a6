import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { CatalogApi } from "../api";
import type { FineEntry } from "../bindings/FineEntry";
import type { PatronInput } from "../bindings/PatronInput";
import {
  LAN_CARD,
  lanAccount,
  lanLedger,
  loan,
  patronMatches,
  refused,
  renewalLimitRefusal,
} from "./fixtures";
import { SEARCH_DELAY_MS } from "./PatronSearch";
import { expectNoAxeViolations, renderDesk, type } from "./testKit";

function payment(kind: FineEntry["kind"], amount: number, reason: string): FineEntry {
  return { id: `f-${kind}`, patron_id: "pat-lan", loan_id: null, kind, amount: -amount, days: null, reason, at: "2026-12-04T03:00:00Z", by: "thuthu.hoa" };
}

/** The desk on the Patrons tab, with Lan's record behind the search. */
function patronsDesk(overrides: Partial<CatalogApi> = {}, lang: "vi" | "en" = "vi") {
  const searches: string[] = [];
  const s = renderDesk(
    {
      findPatrons: async (text) => {
        searches.push(text);
        // Core folds diacritics; so does this fake.
        const fold = (v: string) => v.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/gi, "d").toLowerCase();
        return patronMatches().filter((p) => fold(p.name).includes(fold(text)) || p.barcode.includes(text));
      },
      patronAccount: async () => lanAccount(),
      fineLedger: async () => lanLedger(),
      ...overrides,
    },
    lang,
  );
  fireEvent.keyDown(window, { key: "F5" });
  return { ...s, searches };
}

async function openLan(overrides: Partial<CatalogApi> = {}, lang: "vi" | "en" = "vi") {
  const s = patronsDesk(overrides, lang);
  type("patron-search", "nguyen thi lan");
  await screen.findByRole("option", { name: /Nguyễn Thị Lan/ });
  fireEvent.keyDown(screen.getByTestId("patron-search"), { key: "Enter" });
  await screen.findByTestId("patron-record-name");
  return s;
}

describe("patron search", () => {
  it("searches as you type (once the typing pauses) and opens the chosen patron with arrows and Enter", async () => {
    vi.useFakeTimers();
    try {
      const s = patronsDesk();
      const box = screen.getByTestId("patron-search");
      expect(document.activeElement).toBe(box);
      type("patron-search", "la");
      type("patron-search", "lan");
      await act(async () => {
        await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS + 10);
      });
      expect(s.searches).toEqual(["lan"]);
      const options = within(screen.getByTestId("patron-results")).getAllByRole("option");
      expect(options.map((o) => o.querySelector(".desk-list-title")!.textContent)).toEqual(["Nguyễn Thị Lan", "Trần Văn Lành"]);
      expect(box.getAttribute("aria-activedescendant")).toBe(options[0]!.id);
      expect(options[1]!.textContent).toContain("Đang bị khóa");
      expect(screen.getByTestId("patron-search-status").textContent).toBe("Tìm thấy 2 bạn đọc.");
      fireEvent.keyDown(box, { key: "ArrowDown" });
      expect(box.getAttribute("aria-activedescendant")).toBe(options[1]!.id);
      expect(options[1]!.getAttribute("aria-selected")).toBe("true");
      fireEvent.keyDown(box, { key: "ArrowUp" });
      expect(box.getAttribute("aria-activedescendant")).toBe(options[0]!.id);
      fireEvent.keyDown(box, { key: "Enter" });
      await act(async () => {
        await vi.advanceTimersByTimeAsync(10);
      });
      expect(screen.getByTestId("patron-record-name").textContent).toBe("Nguyễn Thị Lan");
    } finally {
      vi.useRealTimers();
    }
  });

  it("opens a patron's record: details, loans, holds, the fines ledger", async () => {
    const s = await openLan();
    expect(screen.getByTestId("patron-record-name").textContent).toBe("Nguyễn Thị Lan");
    const loans = screen.getByTestId("patron-loans");
    expect(within(loans).getByTestId("loan-30001000789").textContent).toContain("Quá hạn");
    fireEvent.click(within(loans).getByTestId("open-record-30001000789"));
    expect(s.props.onOpenRecord).toHaveBeenCalledWith("rec-demen");
    expect(screen.getByTestId("patron-holds").textContent).toContain("Vang bóng một thời");
    expect(screen.getByTestId("patron-holds").textContent).toContain("nhận tại Hoàn Kiếm");
    expect(screen.getByTestId("fines-balance").textContent).toBe("15.000\u00a0₫");
    expect(screen.getByTestId("fines-ledger").textContent).toContain("Phạt quá hạn (3 ngày)");
  });
});

describe("patron record writes", () => {
  it("renews a loan from the record, with an override when refused", async () => {
    const reasons: (string | null)[] = [];
    const s = await openLan({
      renew: async (item, reason) => {
        reasons.push(reason);
        if (!reason) throw refused(renewalLimitRefusal());
        return { loan: loan(item, "2026-12-25", { renewals: 3 }), fine_charged: 0, overridden: [renewalLimitRefusal()] };
      },
    });
    fireEvent.click(screen.getByTestId("renew-30001000789"));
    await waitFor(() => expect(screen.getByTestId("patron-notice-message").textContent).toBe("Đã gia hạn đủ 2 lần, mức tối đa."));
    fireEvent.click(screen.getByTestId("patron-notice-override"));
    type("override-reason", "Sách tham khảo cho luận văn");
    fireEvent.click(screen.getByTestId("override-confirm"));
    await waitFor(() => expect(screen.getByTestId("patron-notice-due").textContent).toBe("Hạn trả mới: thứ Sáu, 25/12/2026"));
    expect(reasons).toEqual([null, "Sách tham khảo cho luận văn"]);
    expect(s.props.onChanged).toHaveBeenCalledTimes(1);
  });

  it("takes a payment no larger than the balance", async () => {
    const paid: [string, number, string][] = [];
    let balance = 15000;
    const s = await openLan({
      patronAccount: async () => lanAccount({ balance }),
      payFine: async (patron, amount, note) => {
        paid.push([patron, amount, note]);
        balance -= amount;
        return payment("payment", amount, note);
      },
    });
    expect((screen.getByTestId("pay-amount") as HTMLInputElement).value).toBe("15000");
    type("pay-amount", "20.000");
    fireEvent.click(screen.getByTestId("pay-submit"));
    expect(screen.getByTestId("pay-amount-error").textContent).toBe("Số tiền không được vượt quá số còn nợ (15.000\u00a0₫).");
    expect(paid).toEqual([]);
    type("pay-amount", "10.000");
    type("pay-text", "Nộp tiền mặt");
    fireEvent.click(screen.getByTestId("pay-submit"));
    await waitFor(() => expect(screen.getByTestId("patron-notice").textContent).toBe("Đã thu 10.000\u00a0₫."));
    expect(paid).toEqual([[LAN_CARD, 10000, "Nộp tiền mặt"]]);
    await waitFor(() => expect(screen.getByTestId("fines-balance").textContent).toBe("5.000\u00a0₫"));
    expect(s.props.onChanged).toHaveBeenCalledTimes(1);
  });

  it("refuses a waiver without a reason before asking core, then waives with one", async () => {
    const waived: [string, number, string][] = [];
    await openLan({
      waiveFine: async (patron, amount, reason) => {
        waived.push([patron, amount, reason]);
        return payment("waiver", amount, reason);
      },
    });
    fireEvent.click(screen.getByTestId("waive-submit"));
    expect(screen.getByTestId("waive-text-error").textContent).toBe("Hãy ghi lý do miễn phạt.");
    expect(screen.getByTestId("waive-text").getAttribute("aria-invalid")).toBe("true");
    expect(waived).toEqual([]);
    type("waive-text", "Bạn đọc là người khiếm thị, sách nói trả chậm do bưu điện");
    fireEvent.click(screen.getByTestId("waive-submit"));
    await waitFor(() => expect(waived).toEqual([[LAN_CARD, 15000, "Bạn đọc là người khiếm thị, sách nói trả chậm do bưu điện"]]));
  });

  it("blocks with a reason, lifts a block, cancels a hold and places one", async () => {
    const calls: string[] = [];
    await openLan({
      patronAccount: async () =>
        lanAccount({ manual_blocks: [{ id: "blk-1", reason: "Mất thẻ", blocked_by: "thuthu.hoa", blocked_at: "2026-12-01T02:00:00Z" }] }),
      blockPatron: async (patron, reason) => {
        calls.push(`block ${patron} ${reason}`);
        return { id: "blk-2", reason, blocked_by: "thuthu.hoa", blocked_at: "2026-12-04T02:00:00Z" };
      },
      unblockPatron: async (id) => void calls.push(`unblock ${id}`),
      cancelHold: async (id) => {
        calls.push(`cancel ${id}`);
        return { ...lanAccount().holds[0]!, status: "cancelled" };
      },
      placeHold: async (patron, target, pickup, reason) => {
        calls.push(`hold ${patron} ${target} ${pickup} ${reason}`);
        return { ...lanAccount().holds[0]!, id: "hold-2" };
      },
    });
    fireEvent.click(screen.getByTestId("desk-block-submit"));
    expect(screen.getByRole("alert").textContent).toBe("Hãy ghi lý do.");
    type("desk-block", "Làm hỏng sách");
    fireEvent.click(screen.getByTestId("desk-block-submit"));
    await waitFor(() => expect(calls).toEqual([`block ${LAN_CARD} Làm hỏng sách`]));
    fireEvent.click(screen.getByTestId("unblock-blk-1"));
    await waitFor(() => expect(calls).toContain("unblock blk-1"));
    fireEvent.click(screen.getByTestId("cancel-hold-hold-1"));
    await waitFor(() => expect(calls).toContain("cancel hold-1"));
    fireEvent.click(screen.getByTestId("hold-submit"));
    expect(screen.getByTestId("hold-target").getAttribute("aria-invalid")).toBe("true");
    type("hold-target", "VN-2015-004512");
    fireEvent.change(screen.getByTestId("hold-pickup"), { target: { value: "CG" } });
    fireEvent.click(screen.getByTestId("hold-submit"));
    await waitFor(() => expect(calls).toContain(`hold ${LAN_CARD} VN-2015-004512 CG null`));
  });

  it("has no axe violations on the record (vi and en)", async () => {
    const s = await openLan();
    await expectNoAxeViolations(s.container);
    s.switchTo("en");
    await expectNoAxeViolations(s.container);
  });
});

describe("registration", () => {
  const open = (overrides: Partial<CatalogApi> = {}, lang: "vi" | "en" = "vi") => {
    const s = patronsDesk(overrides, lang);
    fireEvent.click(screen.getByTestId("register-open"));
    return s;
  };

  it("checks each field before asking core and focuses the first wrong one", async () => {
    const register = vi.fn(async (input: PatronInput) => lanAccount({ barcode: input.barcode }));
    open({ registerPatron: register });
    await screen.findByRole("option", { name: "Cầu Giấy" });
    expect(document.activeElement).toBe(screen.getByTestId("register-barcode"));
    const category = screen.getByTestId("register-category") as HTMLSelectElement;
    expect([...category.options].map((o) => o.textContent)).toEqual([
      "Người lớn",
      "Thiếu nhi",
      "Học sinh, sinh viên",
      "Cán bộ thư viện",
      "Người khiếm thị",
    ]);
    expect((screen.getByTestId("register-home_branch_code") as HTMLSelectElement).value).toBe("HK");
    const expires = (screen.getByTestId("register-expires_on") as HTMLInputElement).value;
    const inAYear = new Date();
    expect(expires.slice(0, 4)).toBe(String(inAYear.getFullYear() + 1));
    type("register-email", "lan@");
    fireEvent.click(screen.getByTestId("register-submit"));
    expect(screen.getByTestId("register-barcode-error").textContent).toBe("Trường này là bắt buộc.");
    expect(screen.getByTestId("register-name-error").textContent).toBe("Trường này là bắt buộc.");
    expect(screen.getByTestId("register-email-error").textContent).toBe("Địa chỉ thư điện tử không hợp lệ.");
    expect(screen.getByTestId("register-barcode").getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(screen.getByTestId("register-barcode"));
    expect(register).not.toHaveBeenCalled();
  });

  it("shows core's 'card in use' at the card field, then registers and opens the record", async () => {
    let attempt = 0;
    const inputs: PatronInput[] = [];
    const s = open({
      registerPatron: async (input) => {
        inputs.push(input);
        if (attempt++ === 0) throw { code: "barcode_in_use", message: "patron barcode BD-2024-0153 is in use", details: null };
        return lanAccount({ barcode: input.barcode, name: input.name });
      },
      patronAccount: async () => lanAccount({ barcode: "BD-2026-0777", name: "Phạm Thu Hà", category: "visually_impaired" }),
    });
    type("register-barcode", LAN_CARD);
    type("register-name", "  Phạm Thu Hà ");
    fireEvent.change(screen.getByTestId("register-category"), { target: { value: "visually_impaired" } });
    type("register-phone", "0243 825 1234");
    fireEvent.click(screen.getByTestId("register-submit"));
    await waitFor(() =>
      expect(screen.getByTestId("register-barcode-error").textContent).toBe("Số thẻ BD-2024-0153 đã được cấp cho bạn đọc khác."),
    );
    expect(document.activeElement).toBe(screen.getByTestId("register-barcode"));
    type("register-barcode", "BD-2026-0777");
    expect(screen.queryByTestId("register-barcode-error")).toBeNull();
    fireEvent.click(screen.getByTestId("register-submit"));
    await screen.findByTestId("patron-record-name");
    expect(screen.getByTestId("patron-record-name").textContent).toBe("Phạm Thu Hà");
    expect(inputs[1]).toMatchObject({
      barcode: "BD-2026-0777",
      name: "Phạm Thu Hà",
      category: "visually_impaired",
      email: null,
      phone: "0243 825 1234",
      home_branch_code: "HK",
      notes: "",
    });
    expect(s.props.onChanged).toHaveBeenCalledTimes(1);
  });

  it("has no axe violations with errors shown (vi and en)", async () => {
    const s = open();
    await screen.findByRole("option", { name: "Cầu Giấy" });
    fireEvent.click(screen.getByTestId("register-submit"));
    await expectNoAxeViolations(s.container);
    s.switchTo("en");
    expect(screen.getByTestId("register-name-error").textContent).toBe("This field is required.");
    await expectNoAxeViolations(s.container);
  });
});
