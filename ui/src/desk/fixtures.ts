/**
 * A day at the Hoàn Kiếm desk, for the desk's tests: branches, a reader with a loan and a hold,
 * three books, refusals as core words them, and the three ways a returned book can go.
 */
import type { Branch } from "../bindings/Branch";
import type { CheckinResult } from "../bindings/CheckinResult";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { FineEntry } from "../bindings/FineEntry";
import type { Hold } from "../bindings/Hold";
import type { Loan } from "../bindings/Loan";
import type { PatronAccount } from "../bindings/PatronAccount";
import type { PatronMatch } from "../bindings/PatronMatch";
import type { Refusal } from "../bindings/Refusal";

export const hanoiBranches = (): Branch[] => [
  { id: "br-hk", code: "HK", name: "Hoàn Kiếm" },
  { id: "br-cg", code: "CG", name: "Cầu Giấy" },
  { id: "br-lb", code: "LB", name: "Long Biên" },
];

export const LAN_CARD = "BD-2024-0153";

export const BOOKS: Record<string, { record: string; title: string }> = {
  "30001000123": { record: "rec-kieu", title: "Truyện Kiều" },
  "30001000456": { record: "rec-sodo", title: "Số đỏ" },
  "30001000789": { record: "rec-demen", title: "Dế Mèn phiêu lưu ký" },
};

export function loan(barcode: string, dueOn: string, extra: Partial<Loan> = {}): Loan {
  const book = BOOKS[barcode] ?? { record: "rec-x", title: "Tắt đèn" };
  return {
    id: `loan-${barcode}-${dueOn}`,
    item_id: `item-${barcode}`,
    item_barcode: barcode,
    record_id: book.record,
    title: book.title,
    patron_id: "pat-lan",
    patron_barcode: LAN_CARD,
    branch_code: "HK",
    checked_out_at: "2026-11-27T02:15:00Z",
    due_at: `${dueOn}T16:59:59Z`,
    due_on: dueOn,
    renewals: 0,
    returned_at: null,
    returned_branch_code: null,
    override_reason: null,
    overdue: false,
    ...extra,
  };
}

export const lanHold = (): Hold => ({
  id: "hold-1",
  patron_id: "pat-lan",
  patron_barcode: LAN_CARD,
  record_id: "rec-vbnn",
  title: "Vang bóng một thời",
  item_barcode: null,
  pickup_branch_code: "HK",
  placed_at: "2026-11-20T03:00:00Z",
  status: "waiting",
  position: 2,
  trapped_item_barcode: null,
  shelf_expires_on: null,
});

export function lanAccount(extra: Partial<PatronAccount> = {}): PatronAccount {
  return {
    id: "pat-lan",
    barcode: LAN_CARD,
    name: "Nguyễn Thị Lan",
    category: "student",
    email: "lan.nguyen@example.vn",
    phone: "0912 345 678",
    home_branch_code: "HK",
    expires_on: "2027-06-30",
    notes: "",
    has_pin: true,
    manual_blocks: [],
    refusals: [],
    loans: [loan("30001000789", "2026-11-20", { overdue: true })],
    holds: [lanHold()],
    balance: 15000,
    ...extra,
  };
}

export const lanLedger = (): FineEntry[] => [
  {
    id: "fine-1",
    patron_id: "pat-lan",
    loan_id: "loan-old",
    kind: "overdue",
    amount: 15000,
    days: 3,
    reason: "Quá hạn: Tắt đèn",
    at: "2026-11-25T04:00:00Z",
    by: "thuthu.hoa",
  },
];

export const patronMatches = (): PatronMatch[] => [
  {
    id: "pat-lan",
    barcode: LAN_CARD,
    name: "Nguyễn Thị Lan",
    category: "student",
    home_branch_code: "HK",
    expires_on: "2027-06-30",
    blocked: false,
  },
  {
    id: "pat-lanh",
    barcode: "BD-2023-0981",
    name: "Trần Văn Lành",
    category: "adult",
    home_branch_code: "CG",
    expires_on: "2026-12-31",
    blocked: true,
  },
];

export const loanLimitRefusal = (): Refusal => ({
  code: "loan_limit_reached",
  message_vi: "Bạn đọc đã mượn đủ 5 tài liệu, mức tối đa.",
  message_en: "The limit of 5 loans is reached.",
  params: { max: "5" },
});

export const alreadyOnLoanRefusal = (): Refusal => ({
  code: "item_already_on_loan",
  message_vi: "Bản này đang được bạn đọc khác mượn.",
  message_en: "This item is on loan to another reader.",
  params: { same_patron: "false" },
});

export const renewalLimitRefusal = (): Refusal => ({
  code: "renewal_limit_reached",
  message_vi: "Đã gia hạn đủ 2 lần, mức tối đa.",
  message_en: "The limit of 2 renewals is reached.",
  params: { max: "2" },
});

export const cardExpiredRefusal = (): Refusal => ({
  code: "card_expired",
  message_vi: "Thẻ đã hết hạn ngày 30/06/2026.",
  message_en: "Card expired on 30 June 2026.",
  params: { date: "2026-06-30" },
});

/** The rejection a refused call carries. */
export const refused = (refusal: Refusal): ErrorPayload => ({
  code: "refused",
  message: refusal.message_en,
  details: JSON.stringify(refusal),
});

export const notFound = (what: string): ErrorPayload => ({ code: "not_found", message: `no ${what}`, details: null });

export function checkinResult(barcode: string, action: CheckinResult["action"], fine = 0): CheckinResult {
  return {
    item_barcode: barcode,
    title: BOOKS[barcode]?.title ?? "Tắt đèn",
    loan: loan(barcode, "2026-12-01", { returned_at: "2026-12-04T03:00:00Z", returned_branch_code: "HK" }),
    fine_charged: fine,
    action,
    status: action.kind === "reshelve" ? "available" : action.kind === "hold_shelf" ? "on_hold_shelf" : "in_transit",
  };
}
