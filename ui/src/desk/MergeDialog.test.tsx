import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { CatalogApi } from "../api";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { MergeRefusal } from "../bindings/MergeRefusal";
import type { MergeSide } from "../bindings/MergeSide";
import type { PatronMerge } from "../bindings/PatronMerge";
import type { PatronMergePreview } from "../bindings/PatronMergePreview";
import { LAN_CARD, lanAccount, lanHold, lanLedger, patronMatches } from "./fixtures";
import { expectNoAxeViolations, renderDesk, type } from "./testKit";

const DUP_CARD = "HK-2019-0042";

function side(extra: Partial<MergeSide>): MergeSide {
  return {
    id: "pat-lan",
    barcode: LAN_CARD,
    name: "Nguyễn Thị Lan",
    category: "student",
    email: null,
    phone: null,
    home_branch_code: "HK",
    expires_on: "2027-06-30",
    registered_at: "2024-02-01T03:00:00Z",
    open_loans: [],
    past_loans: 0,
    holds: [],
    past_holds: 0,
    balance: 0,
    fine_entries: 0,
    manual_blocks: [],
    ...extra,
  };
}

const preview = (): PatronMergePreview => ({
  keep: side({ balance: 15000, fine_entries: 1 }),
  duplicate: side({
    id: "pat-lan-old",
    barcode: DUP_CARD,
    name: "Nguyen Thi Lan",
    registered_at: "2019-09-01T03:00:00Z",
    past_loans: 12,
    balance: 5000,
    fine_entries: 2,
    manual_blocks: [{ id: "b1", reason: "Mất thẻ", blocked_by: "thuthu.hoa", blocked_at: "2024-01-30T03:00:00Z" }],
  }),
  loans_moving: 12,
  holds_moving: 1,
  fine_entries_moving: 2,
  blocks_moving: 1,
  holds_to_cancel: [{ ...lanHold(), id: "hold-dup", patron_barcode: DUP_CARD }],
  balance_after: 20000,
});

const merged = (): PatronMerge => ({
  id: "change-1",
  keep_id: "pat-lan",
  keep_barcode: LAN_CARD,
  keep_name: "Nguyễn Thị Lan",
  duplicate_id: "pat-lan-old",
  duplicate_barcode: DUP_CARD,
  duplicate_name: "Nguyen Thi Lan",
  merged_at: "2026-12-04T03:00:00Z",
  merged_by: "thuthu.hoa",
  reason: "Đăng ký hai lần",
  loans: Array.from({ length: 12 }, (_, i) => `loan-${i}`),
  holds: ["hold-dup"],
  fine_entries: ["f1", "f2"],
  blocks: ["b1"],
  holds_cancelled: [{ ...lanHold(), id: "hold-dup", patron_barcode: DUP_CARD, status: "cancelled" }],
  balance: 20000,
});

const mergeRefused = (refusal: MergeRefusal): ErrorPayload => ({
  code: "merge_refused",
  message: refusal.message_en,
  details: JSON.stringify(refusal),
});

/** The desk with Lan's record open. */
async function lanRecord(overrides: Partial<CatalogApi>, lang: "vi" | "en" = "vi") {
  const s = renderDesk(
    {
      findPatrons: async (text) => [
        ...patronMatches().filter((p) => p.barcode.includes(text) || p.name.toLowerCase().includes(text)),
        { ...patronMatches()[0]!, id: "pat-lan-old", barcode: DUP_CARD, name: "Nguyen Thi Lan" },
      ],
      patronAccount: async () => lanAccount(),
      fineLedger: async () => lanLedger(),
      ...overrides,
    },
    lang,
  );
  fireEvent.keyDown(window, { key: "F5" });
  type("patron-search", "lan");
  await screen.findByRole("option", { name: /Nguyễn Thị Lan/ });
  fireEvent.keyDown(screen.getByTestId("patron-search"), { key: "Enter" });
  await screen.findByTestId("patron-record-name");
  return s;
}

describe("merging a duplicate reader", () => {
  it("offers the same-name reader, shows both side by side, needs a reason, then shows what moved", async () => {
    const calls: string[][] = [];
    const s = await lanRecord({
      likelyDuplicatePatrons: async (patron) => {
        calls.push(["suggest", patron]);
        return [{ ...patronMatches()[0]!, id: "pat-lan-old", barcode: DUP_CARD, name: "Nguyen Thi Lan" }];
      },
      patronMergePreview: async (keep, duplicate) => {
        calls.push(["preview", keep, duplicate]);
        return preview();
      },
      mergePatrons: async (keep, duplicate, reason) => {
        calls.push(["merge", keep, duplicate, reason]);
        return merged();
      },
    });
    fireEvent.click(screen.getByTestId("merge-open"));
    expect(screen.getByTestId("merge-open").textContent).toBe("Gộp bạn đọc trùng…");
    const dialog = await screen.findByTestId("merge-dialog");
    fireEvent.click(await within(dialog).findByTestId(`merge-suggestion-${DUP_CARD}`));
    const table = await within(dialog).findByTestId("merge-side-by-side");
    expect(calls.slice(0, 2)).toEqual([
      ["suggest", LAN_CARD],
      ["preview", LAN_CARD, DUP_CARD],
    ]);
    const rows = within(table).getAllByRole("row").map((r) => r.textContent);
    expect(rows).toContain(`Số thẻ${LAN_CARD}${DUP_CARD}`);
    expect(rows.find((r) => r?.startsWith("Khóa thẻ"))).toContain("Mất thẻ");
    const moves = within(dialog).getByTestId("merge-moves").textContent;
    expect(moves).toContain("12 lượt mượn");
    expect(moves).toContain("Tiền phạt còn nợ sau khi gộp: 20.000\u00a0₫");
    expect(moves).toContain("Hủy đặt giữ trùng");
    expect(document.activeElement).toBe(within(dialog).getByTestId("merge-reason"));
    await expectNoAxeViolations(s.container);

    fireEvent.click(within(dialog).getByTestId("merge-confirm"));
    expect(within(dialog).getByRole("alert").textContent).toBe("Hãy ghi lý do gộp.");
    expect(calls.some((c) => c[0] === "merge")).toBe(false);
    type("merge-reason", "  Đăng ký hai lần ");
    fireEvent.click(within(dialog).getByTestId("merge-confirm"));
    await waitFor(() => expect(screen.queryByTestId("merge-dialog")).toBeNull());
    expect(calls.at(-1)).toEqual(["merge", LAN_CARD, DUP_CARD, "Đăng ký hai lần"]);
    const done = screen.getByTestId("merge-done").textContent;
    expect(done).toContain(`Đã gộp thẻ ${DUP_CARD} (Nguyen Thi Lan) vào thẻ ${LAN_CARD}.`);
    expect(done).toContain("Đã chuyển 12 lượt mượn");
    expect(done).toContain("Đã chuyển 2 dòng sổ tiền phạt");
    expect(s.props.onChanged).toHaveBeenCalled();
    await expectNoAxeViolations(s.container);
  });

  it("finds the duplicate by search and shows a refusal in English", async () => {
    const s = await lanRecord(
      {
        patronMergePreview: async () => {
          throw mergeRefused({
            code: "already_merged",
            message_vi: "Thẻ HK-2019-0042 (bạn đọc trùng) đã được gộp vào thẻ X.",
            message_en: "The card HK-2019-0042 (the duplicate reader) was already merged into the card X; merge with X instead.",
            params: { which: "duplicate", barcode: DUP_CARD, into: "X" },
          });
        },
      },
      "en",
    );
    fireEvent.click(screen.getByTestId("merge-open"));
    const dialog = await screen.findByTestId("merge-dialog");
    expect(within(dialog).getByRole("heading", { level: 2 }).textContent).toBe(`Merge a duplicate into Nguyễn Thị Lan (${LAN_CARD})`);
    const box = within(dialog).getByTestId("patron-search");
    expect(document.activeElement).toBe(box);
    type("patron-search", "HK-2019");
    await within(dialog).findByRole("option", { name: /Nguyen Thi Lan/ });
    fireEvent.keyDown(box, { key: "ArrowDown" });
    fireEvent.keyDown(box, { key: "Enter" });
    const problem = await within(dialog).findByTestId("merge-problem");
    expect(problem.textContent).toContain("was already merged into the card X");
    expect(within(dialog).queryByTestId("merge-side-by-side")).toBeNull();
    await expectNoAxeViolations(s.container);
    fireEvent.click(within(dialog).getByTestId("merge-cancel"));
    expect(screen.queryByTestId("merge-dialog")).toBeNull();
  });

  it("says which card was scanned when it was merged into this reader", async () => {
    const s = await lanRecord(
      {
        patronAccount: async () =>
          lanAccount({
            merged_card: {
              barcode: DUP_CARD,
              name: "Nguyen Thi Lan",
              merged_at: "2026-12-04T03:00:00Z",
              merged_by: "thuthu.hoa",
              reason: "Đăng ký hai lần",
            },
          }),
      },
      "en",
    );
    const notice = await screen.findByTestId("merged-card-notice");
    expect(notice.textContent).toContain(`Card ${DUP_CARD} (Nguyen Thi Lan) was merged into card ${LAN_CARD}`);
    expect(notice.textContent).toContain("Đăng ký hai lần");
    await expectNoAxeViolations(s.container);
  });
});
