/**
 * The facts of the exception kinds the app lays out in words, read from the JSON core stores
 * (`flag(...)` in `crates/core/src/sync/circulation.rs` and `apply.rs`) into typed shapes.
 * Each reader answers `null` when the facts are not the shape it knows, so the card falls back
 * to the generic layout instead of showing half a sentence; it never throws.
 */
import { isObject, isWho, str, type Who } from "./format";

/** One loan as `loan_facts` in circulation.rs writes it (item_checked_out_twice, loan_to_blocked_patron). */
export interface LoanFacts {
  loanId: string;
  patronBarcode: string | null;
  /** Core's loan facts carry no name today; shown when a later core adds `patron_name`. */
  patronName: string | null;
  itemBarcode: string | null;
  title: string | null;
  branchCode: string | null;
  checkedOutAt: string | null;
  by: Who | null;
}

export function readLoan(value: unknown): LoanFacts | null {
  if (!isObject(value)) return null;
  const loanId = str(value.loan_id);
  if (!loanId) return null;
  return {
    loanId,
    patronBarcode: str(value.patron_barcode),
    patronName: str(value.patron_name),
    itemBarcode: str(value.item_barcode),
    title: str(value.title),
    branchCode: str(value.branch_code),
    checkedOutAt: str(value.checked_out_at),
    by: isWho(value.by) ? value.by : null,
  };
}

/** `{ item_id, loans: [loan, loan] }`: the copy and both loans made of it while apart. */
export interface CheckedOutTwiceFacts {
  itemBarcode: string | null;
  title: string | null;
  loans: LoanFacts[];
}

export function readCheckedOutTwice(facts: unknown): CheckedOutTwiceFacts | null {
  if (!isObject(facts) || !Array.isArray(facts.loans)) return null;
  const loans = facts.loans.map(readLoan);
  if (loans.length === 0 || loans.some((l) => l === null)) return null;
  const known = loans as LoanFacts[];
  return {
    itemBarcode: known.map((l) => l.itemBarcode).find((b) => b !== null) ?? str(facts.barcode),
    title: known.map((l) => l.title).find((b) => b !== null) ?? null,
    loans: known,
  };
}

/** The block of `loan_to_blocked_patron`: `{ id, reason, blocked_by, blocked_at, by }`. */
export interface BlockFacts {
  reason: string | null;
  blockedBy: string | null;
  blockedAt: string | null;
  by: Who | null;
}

export interface BlockedLoanFacts {
  loan: LoanFacts;
  block: BlockFacts;
}

export function readBlockedLoan(facts: unknown): BlockedLoanFacts | null {
  if (!isObject(facts) || !isObject(facts.block)) return null;
  const loan = readLoan(facts.loan);
  if (!loan) return null;
  const b = facts.block;
  const by = isWho(b.by) ? b.by : null;
  return {
    loan,
    block: {
      reason: str(b.reason),
      blockedBy: str(b.blocked_by) ?? str(by?.user),
      blockedAt: str(b.blocked_at) ?? str(by?.recorded_at),
      by,
    },
  };
}

/** `hold_filled_twice`: the hold and the two copies set aside for it, by barcode. */
export interface HoldFilledTwiceFacts {
  patronBarcode: string | null;
  title: string | null;
  pickupBranchCode: string | null;
  items: { itemId: string; barcode: string }[];
}

export function readHoldFilledTwice(facts: unknown): HoldFilledTwiceFacts | null {
  if (!isObject(facts) || !Array.isArray(facts.items)) return null;
  const items = facts.items.map((i) => (isObject(i) && str(i.barcode) ? { itemId: str(i.item_id) ?? "", barcode: str(i.barcode)! } : null));
  if (items.length === 0 || items.some((i) => i === null)) return null;
  return {
    patronBarcode: str(facts.patron_barcode),
    title: str(facts.title),
    pickupBranchCode: str(facts.pickup_branch_code),
    items: items as { itemId: string; barcode: string }[],
  };
}

/**
 * `barcode_taken`, for patron cards (`{ barcode, patrons: [low, high] }`) and item barcodes
 * (`{ barcode, items: [there, added], added: who }`).
 */
export interface BarcodeTakenFacts {
  barcode: string;
  on: "patron" | "item";
  /** For a card: the number the other reader carries meanwhile (see `temporaryCode`). */
  temporary: string | null;
  /** For an item: who added the copy that was not stored. */
  added: Who | null;
}

export function readBarcodeTaken(facts: unknown): BarcodeTakenFacts | null {
  if (!isObject(facts)) return null;
  const barcode = str(facts.barcode);
  if (!barcode) return null;
  if (Array.isArray(facts.patrons)) {
    const ids = facts.patrons.filter((p): p is string => typeof p === "string");
    return { barcode, on: "patron", temporary: temporaryCode(barcode, ids), added: null };
  }
  if (Array.isArray(facts.items) || isWho(facts.added)) {
    return { barcode, on: "item", temporary: null, added: isWho(facts.added) ? facts.added : null };
  }
  return null;
}

/** `branch_code_taken`: `{ code, branches: [mine, other] }`. */
export interface BranchCodeTakenFacts {
  code: string;
  temporary: string | null;
}

export function readBranchCodeTaken(facts: unknown): BranchCodeTakenFacts | null {
  if (!isObject(facts)) return null;
  const code = str(facts.code);
  if (!code) return null;
  const ids = Array.isArray(facts.branches) ? facts.branches.filter((b): b is string => typeof b === "string") : [];
  return { code, temporary: temporaryCode(code, ids) };
}

/**
 * The code the losing side carries until a person settles it: core keeps the code for the
 * smaller id and gives the larger one `<code>-<last four characters of its id>` (`renamed` in
 * `apply_branch` and `apply_patron`). Worked out here so the librarian knows what to look for;
 * null unless the facts name exactly two ids.
 */
export function temporaryCode(code: string, ids: string[]): string | null {
  if (ids.length !== 2 || ids[0] === ids[1]) return null;
  const larger = ids[0]! > ids[1]! ? ids[0]! : ids[1]!;
  return `${code}-${larger.slice(-4)}`;
}

/** The cards of `patron_merged_twice`: the card merged twice and the two readers it went to. */
export function readMergedTwice(facts: unknown): { card: string; stands: string; other: string } | null {
  if (!isObject(facts)) return null;
  const side = (v: unknown) => (isObject(v) ? str(v.keep_barcode) : null);
  const card = str(facts.duplicate_barcode);
  const stands = side(facts.stands);
  const other = side(facts.other);
  return card && stands && other ? { card, stands, other } : null;
}
