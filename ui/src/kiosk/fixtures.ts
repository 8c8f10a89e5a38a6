/**
 * A small fake library for the kiosk's tests: one reader with a PIN and a loan, three
 * books, refusals worded as core words them, and a fake CatalogApi over them that counts
 * wrong PINs and routes a held book to the hold shelf.
 */
import { vi } from "vitest";
import type { CatalogApi } from "../api";
import type { CheckinResult } from "../bindings/CheckinResult";
import type { CheckoutResult } from "../bindings/CheckoutResult";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { Loan } from "../bindings/Loan";
import type { PatronAccount } from "../bindings/PatronAccount";
import type { Refusal } from "../bindings/Refusal";
import { memoryApi } from "../memoryApi";

export const CARD = "20250001";
export const PIN = "4321";
export const STAFF_PASSWORD = "thuthu2025";

export function loan(over: Partial<Loan> & Pick<Loan, "id" | "item_barcode" | "title" | "due_on">): Loan {
  return {
    item_id: `item-${over.item_barcode}`,
    record_id: `rec-${over.item_barcode}`,
    patron_id: "p1",
    patron_barcode: CARD,
    branch_code: "TT",
    checked_out_at: "2025-03-01T02:00:00Z",
    due_at: `${over.due_on}T16:59:59Z`,
    renewals: 0,
    returned_at: null,
    returned_branch_code: null,
    override_reason: null,
    overdue: false,
    ...over,
  };
}

export const ACCOUNT: PatronAccount = {
  id: "p1",
  barcode: CARD,
  name: "Nguyễn Thị Lan",
  category: "adult",
  email: null,
  phone: null,
  home_branch_code: "TT",
  expires_on: "2026-12-31",
  notes: "",
  has_pin: true,
  manual_blocks: [],
  refusals: [],
  loans: [loan({ id: "L0", item_barcode: "30000000", title: "Truyện Kiều", due_on: "2025-03-20" })],
  holds: [],
  balance: 0,
};

/** The books on the kiosk's shelf, by barcode. */
export const BOOKS: Record<string, { title: string; due_on: string }> = {
  "30000001": { title: "Số đỏ", due_on: "2025-03-29" },
  "30000002": { title: "Dế Mèn phiêu lưu ký", due_on: "2025-03-29" },
  "30000003": { title: "Nỗi buồn chiến tranh", due_on: "2025-03-29" },
};

export function refusal(code: Refusal["code"], message_vi: string, message_en: string, params: Record<string, string> = {}): Refusal {
  return { code, message_vi, message_en, params };
}

export function refused(r: Refusal): ErrorPayload {
  return { code: "refused", message: r.message_en, details: JSON.stringify(r) };
}

export const wrongPin = (left: number) =>
  refusal("wrong_pin", `Mã PIN không đúng. Còn ${left} lần thử.`, `Wrong PIN. ${left} attempt${left === 1 ? "" : "s"} left.`, {
    attempts_left: String(left),
  });

export const PIN_LOCKED = refusal(
  "pin_locked",
  "Nhập sai PIN quá nhiều lần. Thẻ tạm khoá đến 15:30; xin mời đến quầy thủ thư.",
  "Too many wrong PINs. The card is locked until 15:30; please ask at the desk.",
  { until: "15:30" },
);

export const NOT_AVAILABLE = refusal(
  "item_already_on_loan",
  "Sách này đang có người mượn.",
  "This item is already on loan.",
);

/** The barcode of a book someone has on hold: returning it sends it to the hold shelf. */
export const HELD_BOOK = "30000002";

/** The fake: three wrong PINs lock the card; the held book goes to the hold shelf on return. */
export function fakeKioskApi(options: { passwordSet?: boolean } = {}) {
  let attemptsLeft = 3;
  let passwordSet = options.passwordSet ?? true;
  let nextLoan = 1;
  const onLoan = new Set<string>();
  const api = {
    ...memoryApi(0),
    kioskSignIn: vi.fn(async (card: string, pin: string): Promise<PatronAccount> => {
      if (card !== CARD) throw { code: "not_found", message: `no patron ${card}`, details: null } satisfies ErrorPayload;
      if (attemptsLeft === 0) throw refused(PIN_LOCKED);
      if (pin !== PIN) {
        attemptsLeft -= 1;
        throw refused(attemptsLeft === 0 ? PIN_LOCKED : wrongPin(attemptsLeft));
      }
      attemptsLeft = 3;
      return structuredClone(ACCOUNT);
    }),
    kioskCheckout: vi.fn(async (card: string, pin: string, item: string, _branch: string | null): Promise<CheckoutResult> => {
      if (card !== CARD || pin !== PIN) throw refused(wrongPin(attemptsLeft));
      const book = BOOKS[item];
      if (!book) throw { code: "not_found", message: `no item ${item}`, details: null } satisfies ErrorPayload;
      if (onLoan.has(item)) throw refused(NOT_AVAILABLE);
      onLoan.add(item);
      return { loan: loan({ id: `L${nextLoan++}`, item_barcode: item, title: book.title, due_on: book.due_on }), overridden: [] };
    }),
    kioskCheckin: vi.fn(async (item: string, branch: string | null): Promise<CheckinResult> => {
      const book = BOOKS[item];
      if (!book) throw { code: "not_found", message: `no item ${item}`, details: null } satisfies ErrorPayload;
      const closed = loan({ id: `R-${item}`, item_barcode: item, title: book.title, due_on: book.due_on, returned_at: "2025-03-15T03:00:00Z", returned_branch_code: branch });
      return {
        item_barcode: item,
        title: book.title,
        loan: closed,
        fine_charged: 0,
        action:
          item === HELD_BOOK
            ? { kind: "hold_shelf" as const, hold_id: "H1", patron_barcode: "20250009", patron_name: "Trần Văn Minh", shelf_expires_on: "2025-03-22" }
            : { kind: "reshelve" as const },
        status: (item === HELD_BOOK ? "on_hold_shelf" : "available") as CheckinResult["status"],
      };
    }),
    exitKiosk: vi.fn(async (password: string) => password === STAFF_PASSWORD),
    kioskPasswordSet: vi.fn(async () => passwordSet),
    setKioskPassword: vi.fn(async (_current: string | null, _next: string) => {
      passwordSet = true;
    }),
  } satisfies CatalogApi;
  return api;
}
