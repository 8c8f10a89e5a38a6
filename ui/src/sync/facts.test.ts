import { describe, expect, it } from "vitest";
import { readBarcodeTaken, readBlockedLoan, readBranchCodeTaken, readCheckedOutTwice, readHoldFilledTwice, temporaryCode } from "./facts";
import { barcodeTaken, branchCodeTaken, cardTaken, checkedOutTwice, holdFilledTwice, LOAN_THERE, loanToBlockedPatron } from "./fixtures";

describe("exception facts read into shapes", () => {
  it("reads each kind's facts as core writes them", () => {
    const twice = readCheckedOutTwice(checkedOutTwice().facts)!;
    expect(twice.itemBarcode).toBe("HK000042");
    expect(twice.title).toBe("Truyện Kiều");
    expect(twice.loans.map((l) => [l.loanId, l.patronBarcode, l.branchCode, l.by?.user])).toEqual([
      [expect.any(String), "200000000001", "HK", "minh"],
      [LOAN_THERE, "200000000002", "CG", "lan"],
    ]);
    const blocked = readBlockedLoan(loanToBlockedPatron().facts)!;
    expect(blocked.block).toMatchObject({ reason: "Quá hạn trả sách 3 tháng", blockedBy: "lan", blockedAt: "2025-03-10T08:00:00Z" });
    expect(readHoldFilledTwice(holdFilledTwice().facts)!.items.map((i) => i.barcode)).toEqual(["300000000011", "300000000012"]);
    expect(readBarcodeTaken(barcodeTaken().facts)).toMatchObject({ on: "item", barcode: "HK000077", temporary: null });
    expect(readBarcodeTaken(cardTaken().facts)).toMatchObject({ on: "patron", temporary: "200000000001-beef" });
    expect(readBranchCodeTaken(branchCodeTaken().facts)).toEqual({ code: "TT", temporary: "TT-a7b3" });
  });

  it("answers null for shapes it does not know, never throws", () => {
    for (const facts of [null, 7, "x", [], {}, { loans: [] }, { loans: [{ patron: "A" }] }, { loans: "no" }]) {
      expect(readCheckedOutTwice(facts)).toBeNull();
    }
    expect(readBlockedLoan({ loan: { loan_id: "l" } })).toBeNull();
    expect(readHoldFilledTwice({ items: [{ item_id: "i" }] })).toBeNull();
    expect(readBarcodeTaken({ barcode: "B" })).toBeNull();
    expect(readBranchCodeTaken({ branches: ["a", "b"] })).toBeNull();
  });

  it("the temporary code goes to the larger id, as core gives it; none unless exactly two ids", () => {
    expect(temporaryCode("TT", ["b-0002", "a-0001"])).toBe("TT-0002");
    expect(temporaryCode("TT", ["a-0001", "b-0002"])).toBe("TT-0002");
    expect(temporaryCode("TT", ["a-0001"])).toBeNull();
    expect(temporaryCode("TT", ["a-0001", "a-0001"])).toBeNull();
  });
});
