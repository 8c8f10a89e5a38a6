import { describe, expect, it } from "vitest";
import {
  canOverride,
  fieldOfServerError,
  formatDay,
  formatDueDay,
  formatMoney,
  localInputToRfc3339,
  oneYearFrom,
  parseAmount,
  parseDay,
  refusalMessage,
  scanQueue,
  validatePatron,
} from "./format";
import { alreadyOnLoanRefusal, loanLimitRefusal } from "./fixtures";
import type { PatronInput } from "../bindings/PatronInput";

describe("dates and money", () => {
  it("writes a due date with its weekday in each language", () => {
    expect(formatDueDay("2026-12-11", "vi")).toBe("thứ Sáu, 11/12/2026");
    expect(formatDueDay("2026-12-11", "en")).toBe("Friday, December 11, 2026");
  });

  it("leaves a malformed day as it came rather than inventing one", () => {
    expect(formatDueDay("2026-02-30", "vi")).toBe("2026-02-30");
    expect(parseDay("2026-13-01")).toBeNull();
    expect(formatDay("2027-06-30", "vi")).toBe("30/06/2027");
  });

  it("formats whole đồng", () => {
    expect(formatMoney(15000, "vi")).toBe("15.000\u00a0₫");
    expect(formatMoney(15000, "en")).toBe("₫15,000");
  });

  it("reads an amount typed with either grouping", () => {
    expect(parseAmount("15.000")).toBe(15000);
    expect(parseAmount("15,000 ₫")).toBe(15000);
    expect(parseAmount("abc")).toBeNull();
    expect(parseAmount("")).toBeNull();
  });

  it("turns a local datetime-local value into UTC", () => {
    const value = localInputToRfc3339("2026-12-03T17:30");
    expect(value).toBe(new Date(2026, 11, 3, 17, 30).toISOString());
    expect(localInputToRfc3339("")).toBeNull();
  });

  it("gives a card a year, and 29 February becomes 1 March", () => {
    expect(oneYearFrom(new Date(2026, 4, 6))).toBe("2027-05-06");
    expect(oneYearFrom(new Date(2028, 1, 29))).toBe("2029-03-01");
  });
});

describe("refusals", () => {
  it("speaks the UI language and is overridable except a book already lent", () => {
    expect(refusalMessage(loanLimitRefusal(), "vi")).toBe("Bạn đọc đã mượn đủ 5 tài liệu, mức tối đa.");
    expect(refusalMessage(loanLimitRefusal(), "en")).toBe("The limit of 5 loans is reached.");
    expect(canOverride(loanLimitRefusal())).toBe(true);
    expect(canOverride(alreadyOnLoanRefusal())).toBe(false);
  });
});

describe("registration checks", () => {
  const today = new Date(2026, 11, 4);
  const good: PatronInput = {
    barcode: "BD-2026-0001",
    name: "Lê Minh Châu",
    category: "child",
    email: "chau@example.vn",
    phone: "0987 654 321",
    home_branch_code: "HK",
    expires_on: "2027-12-04",
    notes: "",
  };

  it("accepts a complete card", () => {
    expect(validatePatron(good, today)).toEqual({});
  });

  it("names each field that is wrong", () => {
    expect(
      validatePatron(
        { ...good, barcode: "BD 1", name: " ", category: "guest", email: "chau@", phone: "12", expires_on: "2026-12-04" },
        today,
      ),
    ).toEqual({
      barcode: "barcodeSpaces",
      name: "required",
      category: "required",
      email: "email",
      phone: "phone",
      expires_on: "past",
    });
    expect(validatePatron({ ...good, barcode: "", expires_on: "" }, today)).toEqual({
      barcode: "required",
      expires_on: "required",
    });
  });

  it("puts core's refusals at their field", () => {
    expect(fieldOfServerError({ code: "barcode_in_use", message: "", details: null })).toBe("barcode");
    expect(fieldOfServerError({ code: "not_found", message: "", details: null })).toBe("home_branch_code");
    expect(fieldOfServerError({ code: "storage", message: "", details: null })).toBeNull();
  });
});

describe("scan queue", () => {
  it("runs scans in arrival order, one at a time, even after a failure", async () => {
    const order: string[] = [];
    const enqueue = scanQueue();
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const a = enqueue(async () => {
      order.push("a-start");
      await slow;
      order.push("a-end");
      throw new Error("refused");
    });
    const b = enqueue(async () => {
      order.push("b");
    });
    await Promise.resolve();
    expect(order).toEqual(["a-start"]);
    release();
    await a.catch(() => undefined);
    await b;
    expect(order).toEqual(["a-start", "a-end", "b"]);
  });
});
