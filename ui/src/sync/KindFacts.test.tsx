import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ExceptionKind } from "../bindings/ExceptionKind";
import type { SyncException } from "../bindings/SyncException";
import type { Language } from "../i18n";
import { expectNoAxeViolations, renderIn } from "../transfer/testKit";
import {
  barcodeTaken,
  branchCodeTaken,
  cardTaken,
  checkedOutTwice,
  holdFilledTwice,
  ITEM_ID,
  LOAN_HERE,
  LOAN_THERE,
  loanToBlockedPatron,
  mergedTwice,
  NOW,
  onlineWithExceptions,
  syncApi,
} from "./fixtures";
import { formatMoment } from "./format";
import { SyncScreen } from "./SyncScreen";

function show(lang: Language, exceptions: SyncException[]) {
  const sync = syncApi(onlineWithExceptions(), exceptions);
  const result = renderIn(lang, <SyncScreen api={sync.api} onOpenRecord={vi.fn()} onOpenSettings={vi.fn()} pollMs={600_000} />);
  return { ...result, ...sync };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

const card = (id: string) => screen.getByTestId(`sync-exception-${id}`);
const at = (iso: string, lang: Language) => formatMoment(iso, lang);
/** The label of a resolve choice, as a person reads it. */
const choiceText = (id: string, action: string) => screen.getByTestId(`sync-action-${id}-${action}`).closest("label")!.textContent!.trim();

/** Chooses `action`, opens the confirm step, checks its words, confirms, and waits for the call. */
async function resolveVia(id: string, action: string, expectInDialog: string, calls: { resolved: [string, string][] }) {
  fireEvent.click(screen.getByTestId(`sync-action-${id}-${action}`));
  fireEvent.click(screen.getByTestId(`sync-resolve-${id}`));
  const dialog = screen.getByTestId("confirm-dialog");
  expect(dialog.textContent).toContain(expectInDialog);
  fireEvent.click(within(dialog).getByTestId("confirm-ok"));
  await waitFor(() => expect(calls.resolved).toEqual([[id, action]]));
}

/** Shows resolved exceptions too and reads what the resolved one says. */
async function resolvedText(id: string, lang: Language): Promise<string> {
  fireEvent.click(screen.getByLabelText(lang === "en" ? "Show resolved exceptions too" : "Hiện cả các ngoại lệ đã giải quyết"));
  return (await screen.findByTestId(`sync-resolved-${id}`)).textContent!;
}

describe("circulation and code exceptions in words", () => {
  it("a copy lent twice: the copy, both loans side by side, each choice in words, the confirm step and the resolved view (both languages)", async () => {
    for (const lang of ["en", "vi"] as const) {
      const { calls, unmount } = show(lang, [checkedOutTwice()]);
      await screen.findByTestId("sync-exception-x-loans");
      const en = lang === "en";
      expect(screen.getByTestId("sync-copy-x-loans").textContent).toBe(en ? "The copy: HK000042 — Truyện Kiều" : "Bản: HK000042 — Truyện Kiều");

      const here = screen.getByTestId("sync-loan-x-loans-0");
      expect(within(here).getByRole("heading").textContent).toBe(en ? "Loan at HK" : "Lượt mượn tại HK");
      expect(here.textContent).toBe(
        en
          ? `Loan at HKReader's card200000000001BranchHKChecked out${at("2025-03-11T09:00:00Z", lang)}Lent byminh, at this branch`
          : `Lượt mượn tại HKThẻ bạn đọc200000000001Chi nhánhHKCho mượn lúc${at("2025-03-11T09:00:00Z", lang)}Người cho mượnminh, tại chi nhánh này`,
      );
      const there = screen.getByTestId("sync-loan-x-loans-1");
      expect(there.textContent).toContain(en ? "lan, at another branch" : "lan, tại chi nhánh khác");
      expect(there.textContent).toContain("200000000002");

      // Words, never the ids or raw action names; no placeholder left unfilled.
      const facts = card("x-loans");
      expect(facts.textContent).not.toContain("{{");
      expect(facts.querySelector("fieldset")!.textContent).not.toMatch(/keep:|both_returned|01a2187a/);

      expect(choiceText("x-loans", `keep:${LOAN_HERE}`)).toBe(
        en
          ? `Keep the loan to reader 200000000001 made at HK on ${at("2025-03-11T09:00:00Z", lang)} (the other loan ends as returned by correction)`
          : `Giữ lượt mượn của bạn đọc 200000000001 lập tại HK lúc ${at("2025-03-11T09:00:00Z", lang)} (lượt mượn kia kết thúc, ghi là đã trả do điều chỉnh)`,
      );
      expect(choiceText("x-loans", "both_returned")).toBe(
        en
          ? "Copy HK000042 is back: end both loans (as returned by correction)"
          : "Bản HK000042 đã về thư viện: kết thúc cả hai lượt mượn (ghi là đã trả do điều chỉnh)",
      );

      const keepThere = en
        ? `Keep the loan to reader 200000000002 made at CG on ${at("2025-03-11T10:30:00Z", lang)} (the other loan ends as returned by correction)`
        : `Giữ lượt mượn của bạn đọc 200000000002 lập tại CG lúc ${at("2025-03-11T10:30:00Z", lang)} (lượt mượn kia kết thúc, ghi là đã trả do điều chỉnh)`;
      expect(choiceText("x-loans", `keep:${LOAN_THERE}`)).toBe(keepThere);
      await resolveVia("x-loans", `keep:${LOAN_THERE}`, `${keepThere}.`, calls);
      expect(await resolvedText("x-loans", lang)).toBe(`${en ? "Resolved" : "Đã giải quyết"}: ${keepThere}`);
      unmount();
    }
  });

  it("the ids the words replace are kept under Identifiers, not in the header", async () => {
    show("en", [checkedOutTwice()]);
    const x = await screen.findByTestId("sync-exception-x-loans");
    const header = x.querySelector("header")!;
    expect(header.textContent).not.toContain(ITEM_ID);
    expect(header.textContent).toContain(`Found ${at("2025-03-12T09:57:00Z", "en")}`);
    const ids = within(x).getByText("Identifiers").closest("details")!;
    expect(ids.textContent).toContain(ITEM_ID);
    expect(ids.textContent).toContain("x-loans");
  });

  it("names the reader when the loan facts carry a name", async () => {
    const x = checkedOutTwice();
    const facts = x.facts as { loans: Record<string, unknown>[] };
    facts.loans[0]!.patron_name = "Nguyễn Thị Hoa";
    show("vi", [x]);
    await screen.findByTestId("sync-exception-x-loans");
    expect(screen.getByTestId("sync-loan-x-loans-0").textContent).toContain("200000000001 (Nguyễn Thị Hoa)");
    expect(choiceText("x-loans", `keep:${LOAN_HERE}`)).toContain("của bạn đọc 200000000001 (Nguyễn Thị Hoa) lập tại HK");
  });

  it("a loan to a blocked reader: the loan and the block, accept or recall in words (both languages)", async () => {
    for (const lang of ["en", "vi"] as const) {
      const { calls, unmount } = show(lang, [loanToBlockedPatron()]);
      await screen.findByTestId("sync-exception-x-blocked");
      const en = lang === "en";
      const blocked = at("2025-03-10T08:00:00Z", lang);
      const out = at("2025-03-11T09:00:00Z", lang);
      expect(card("x-blocked").textContent).toContain(
        en
          ? `The reader's card was blocked on ${blocked}; the loan was made on ${out} at a branch that did not know of the block yet.`
          : `Thẻ của bạn đọc đã bị khoá lúc ${blocked}; lượt mượn được lập lúc ${out} tại một chi nhánh chưa biết việc khoá thẻ.`,
      );
      expect(screen.getByTestId("sync-loan-x-blocked-0").textContent).toBe(
        en
          ? `The loanReader's card200000000003CopyHK000042 — Truyện KiềuBranchHKChecked out${out}Lent byminh, at this branch`
          : `Lượt mượnThẻ bạn đọc200000000003BảnHK000042 — Truyện KiềuChi nhánhHKCho mượn lúc${out}Người cho mượnminh, tại chi nhánh này`,
      );
      expect(screen.getByTestId("sync-block-x-blocked").textContent).toBe(
        en
          ? `The blockReasonQuá hạn trả sách 3 thángBlocked on${blocked}Blocked bylan, at another branch`
          : `Việc khoá thẻLý doQuá hạn trả sách 3 thángKhoá thẻ lúc${blocked}Người khoá thẻlan, tại chi nhánh khác`,
      );
      expect(choiceText("x-blocked", "accept")).toBe(
        en
          ? "Let the loan stand: reader 200000000003 keeps copy HK000042 until it is due"
          : "Để lượt mượn giữ nguyên: bạn đọc 200000000003 giữ bản HK000042 đến hạn trả",
      );
      const recall = en
        ? "Recall the item: the loan of copy HK000042 falls due today and reader 200000000003 is asked to bring it back"
        : "Thu hồi bản: lượt mượn bản HK000042 đến hạn ngay hôm nay và bạn đọc 200000000003 được yêu cầu mang trả";
      expect(choiceText("x-blocked", "recall")).toBe(recall);
      await resolveVia("x-blocked", "recall", recall, calls);
      expect(await resolvedText("x-blocked", lang)).toBe(`${en ? "Resolved" : "Đã giải quyết"}: ${recall}`);
      unmount();
    }
  });

  it("a hold filled twice: the hold, both copies, which copy it keeps (both languages)", async () => {
    for (const lang of ["en", "vi"] as const) {
      const { calls, unmount } = show(lang, [holdFilledTwice()]);
      await screen.findByTestId("sync-exception-x-hold");
      const en = lang === "en";
      expect(card("x-hold").textContent).toContain(
        en
          ? "The hold of reader 200000000004 on “Số đỏ” (to pick up at HK) was filled with two different copies:"
          : "Yêu cầu đặt mượn “Số đỏ” của bạn đọc 200000000004 (nhận tại HK) đã được đáp ứng bằng hai bản khác nhau:",
      );
      const copies = within(screen.getByTestId("sync-copies-x-hold")).getAllByRole("listitem").map((li) => li.textContent);
      expect(copies).toEqual(en ? ["Copy 300000000011", "Copy 300000000012"] : ["Bản 300000000011", "Bản 300000000012"]);
      expect(choiceText("x-hold", "keep:300000000011")).toBe(
        en
          ? "Keep copy 300000000011 for the hold of reader 200000000004; copy 300000000012 goes on as at a check-in (to the next reader waiting, or back to its shelf)"
          : "Giữ bản 300000000011 cho yêu cầu đặt mượn của bạn đọc 200000000004; bản 300000000012 được xử lý như khi trả về (chuyển cho bạn đọc đặt mượn tiếp theo, hoặc về lại giá)",
      );
      const keep = choiceText("x-hold", "keep:300000000012");
      expect(keep).toContain(en ? "Keep copy 300000000012" : "Giữ bản 300000000012");
      expect(keep).toContain(en ? "copy 300000000011 goes on" : "bản 300000000011 được xử lý");
      await resolveVia("x-hold", "keep:300000000012", keep, calls);
      expect(await resolvedText("x-hold", lang)).toBe(`${en ? "Resolved" : "Đã giải quyết"}: ${keep}`);
      unmount();
    }
  });

  it("one barcode on two copies: who added the one not stored, relabel in words", async () => {
    const { calls } = show("en", [barcodeTaken(null)]);
    await screen.findByTestId("sync-exception-x-barcode");
    expect(card("x-barcode").textContent).toContain(
      "Barcode HK000077 is already on another copy, so the copy added below with the same barcode was not stored here. One of the two needs a new barcode label.",
    );
    expect(screen.getByTestId("sync-added-x-barcode").textContent).toBe(`Added bylan, at another branchAdded on${at("2025-03-10T08:00:00Z", "en")}`);
    const relabel = "Mark as handled: one of the two copies with barcode HK000077 has been given a new barcode label";
    expect(choiceText("x-barcode", "relabel")).toBe(relabel);
    await resolveVia("x-barcode", "relabel", relabel, calls);
  });

  it("one card number for two readers: the temporary number and the new card, in Vietnamese", async () => {
    const { calls } = show("vi", [cardTaken()]);
    await screen.findByTestId("sync-exception-x-card");
    expect(card("x-card").textContent).toContain(
      "Số thẻ 200000000001 đã được cấp cho hai bạn đọc ở hai chi nhánh khác nhau. Một bạn đọc giữ số thẻ này; người kia tạm mang số 200000000001-beef cho đến khi được cấp thẻ mới.",
    );
    const relabel = "Đánh dấu đã xử lý: bạn đọc mang số tạm 200000000001-beef đã được cấp thẻ mới";
    expect(choiceText("x-card", "relabel")).toBe(relabel);
    await resolveVia("x-card", "relabel", relabel, calls);
    expect(await resolvedText("x-card", "vi")).toBe(`Đã giải quyết: ${relabel}`);
  });

  it("one branch code on two branches: the temporary code and the rename (both languages)", async () => {
    for (const lang of ["en", "vi"] as const) {
      const { calls, unmount } = show(lang, [branchCodeTaken()]);
      await screen.findByTestId("sync-exception-x-branch");
      const en = lang === "en";
      expect(card("x-branch").textContent).toContain(
        en
          ? "Two branches were added with the code TT. One keeps it; the other carries the temporary code TT-a7b3 until it is given a code of its own."
          : "Hai chi nhánh được thêm với cùng mã TT. Một chi nhánh giữ mã này; chi nhánh kia tạm mang mã TT-a7b3 cho đến khi được đặt mã riêng.",
      );
      const rename = en
        ? "Mark as handled: the branch with the temporary code TT-a7b3 has been given a code of its own"
        : "Đánh dấu đã xử lý: chi nhánh mang mã tạm TT-a7b3 đã được đặt mã riêng";
      expect(choiceText("x-branch", "rename")).toBe(rename);
      await resolveVia("x-branch", "rename", rename, calls);
      unmount();
    }
  });

  it("one card merged into two readers: both choices name the cards (both languages)", async () => {
    const { calls } = show("vi", [mergedTwice()]);
    await screen.findByTestId("sync-exception-x-merged");
    expect(choiceText("x-merged", "accept")).toBe(
      "Để riêng hai bạn đọc 200000000001 và 200000000002: thẻ 200000000009 vẫn gộp vào 200000000001 (lần gộp trước)",
    );
    const merge = "Gộp nốt bạn đọc 200000000002 vào 200000000001, để mọi thứ của thẻ 200000000009 về một bạn đọc";
    expect(choiceText("x-merged", "merge_survivors")).toBe(merge);
    await resolveVia("x-merged", "merge_survivors", merge, calls);
  });

  it("every kind laid out passes axe, in both languages", async () => {
    for (const lang of ["vi", "en"] as const) {
      const all = [checkedOutTwice(), loanToBlockedPatron(), holdFilledTwice(), barcodeTaken(null), cardTaken(), branchCodeTaken()];
      const { container, unmount } = show(lang, all);
      await screen.findByTestId("sync-exception-x-branch");
      for (const x of all) expect(card(x.id).textContent).not.toContain("{{");
      await expectNoAxeViolations(container);
      unmount();
    }
  });

  it("a kind or an action not known here still shows, by its id, with its facts; a fact named 'by' is labelled, not a raw sentence", async () => {
    const future: SyncException = {
      id: "x-future",
      kind: "shelf_moved_twice" as ExceptionKind,
      entity_type: "item",
      entity_id: ITEM_ID,
      facts: { shelf: "A-12", by: { change_id: "c1", origin_node: "hn-branch-07", user: "minh", recorded_at: "2025-03-11T09:00:00Z" } },
      actions: ["swap"],
      detected_at: "2025-03-12T09:57:00Z",
      resolved: null,
    };
    const oddAction = { ...loanToBlockedPatron(), actions: ["accept", "recall", "waive"] };
    for (const lang of ["en", "vi"] as const) {
      const { calls, container, unmount } = show(lang, [future, oddAction]);
      await screen.findByTestId("sync-exception-x-future");
      const en = lang === "en";
      const x = card("x-future");
      expect(within(x).getByRole("heading", { level: 4 }).textContent).toBe("shelf moved twice");
      expect(x.textContent).not.toContain("{{");
      expect(x.textContent).toContain(en ? "Made by" : "Thực hiện");
      expect(x.textContent).toContain(en ? "By minh at hn-branch-07 (this branch)" : "Do minh tại hn-branch-07 (chi nhánh này)");
      expect(x.textContent).toContain("A-12");
      expect(choiceText("x-future", "swap")).toBe(en ? "Resolve as “swap”" : "Giải quyết theo “swap”");
      expect(choiceText("x-blocked", "waive")).toBe(en ? "Resolve as “waive”" : "Giải quyết theo “waive”");
      await resolveVia("x-future", "swap", en ? "Resolve as “swap”" : "Giải quyết theo “swap”", calls);
      await expectNoAxeViolations(container);
      unmount();
    }
  });

  it("facts of a shape not known for their kind fall back to the generic view, without a crash", async () => {
    const odd = { ...checkedOutTwice(), facts: { item_id: ITEM_ID, loans: [{ patron: "Trần Văn Bình" }] } };
    show("en", [odd]);
    const x = await screen.findByTestId("sync-exception-x-loans");
    expect(x.textContent).toContain("Trần Văn Bình");
    expect(x.querySelector("header")!.textContent).toContain(ITEM_ID);
    expect(choiceText("x-loans", "both_returned")).toBe("Resolve as “both_returned”");
    expect(choiceText("x-loans", `keep:${LOAN_HERE}`)).toBe(`Resolve as “keep:${LOAN_HERE}”`);
  });
});
