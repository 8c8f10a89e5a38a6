/**
 * The circulation and code exceptions in a librarian's words: a copy lent twice, a loan to a
 * blocked reader, a hold filled twice, one barcode or card number on two, one branch code on
 * two branches. What each fact means and what each choice does; it never resolves anything
 * itself. Facts of a shape it does not know get `null`, and the card shows them generically.
 */
import type { TFunction } from "i18next";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { SyncException } from "../bindings/SyncException";
import { currentLanguage, type Language } from "../i18n";
import {
  readBarcodeTaken,
  readBlockedLoan,
  readBranchCodeTaken,
  readCheckedOutTwice,
  readHoldFilledTwice,
  readMergedTwice,
  type LoanFacts,
} from "./facts";
import { formatMoment, str, type Who } from "./format";

type T = TFunction;

const DASH = "—";

function moment(iso: string | null | undefined, lang: Language): string {
  return iso ? formatMoment(iso, lang) : DASH;
}

/** Whether a change was made on this catalog: null when either side is unknown. */
export function madeHere(who: Who | null | undefined, node: string | null): boolean | null {
  if (!who?.origin_node || node === null) return null;
  return who.origin_node === node;
}

/** "minh, at this branch" / "lan, at another branch" / "minh" (where not known). */
function byWhom(who: Who | null, node: string | null, t: T, fallbackUser?: string | null): string {
  const user = str(who?.user) ?? fallbackUser ?? t("sync.fact.unknownUser");
  const here = madeHere(who, node);
  if (here === null) return user;
  return t(here ? "sync.circ.userHere" : "sync.circ.userElsewhere", { user });
}

/** A reader by card number, with the name when the facts carry one. */
function reader(loan: { patronBarcode: string | null; patronName?: string | null }, t: T): string {
  const card = loan.patronBarcode ?? t("sync.circ.unknownReader");
  return loan.patronName ? t("sync.circ.readerNamed", { card, name: loan.patronName }) : card;
}

function copy(barcode: string | null, title: string | null, t: T): string {
  const b = barcode ?? t("sync.circ.unknownCopy");
  return title ? t("sync.circ.copyTitled", { barcode: b, title }) : b;
}

function Rows({ rows, testId }: { rows: [string, ReactNode, string?][]; testId?: string }) {
  return (
    <dl className="sync-facts" data-testid={testId}>
      {rows.map(([label, value, className]) => (
        <div className="sync-fact-row" key={label}>
          <dt>{label}</dt>
          <dd className={className}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** One loan: reader, (copy,) branch, when, by whom and whether here. */
function LoanCard({ loan, node, title, withCopy, testId }: { loan: LoanFacts; node: string | null; title: string; withCopy: boolean; testId: string }) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const rows: [string, ReactNode, string?][] = [[t("sync.circ.reader"), reader(loan, t)]];
  if (withCopy) rows.push([t("sync.circ.copy"), copy(loan.itemBarcode, loan.title, t)]);
  rows.push(
    [t("sync.circ.branch"), loan.branchCode ?? DASH],
    [t("sync.circ.checkedOut"), moment(loan.checkedOutAt ?? loan.by?.recorded_at, lang)],
    [t("sync.circ.lentBy"), byWhom(loan.by, node, t), madeHere(loan.by, node) ? "sync-here" : undefined],
  );
  return (
    <div className="sync-fact-card" data-testid={testId}>
      <h5>{title}</h5>
      <Rows rows={rows} />
    </div>
  );
}

function CheckedOutTwice({ x, node }: { x: SyncException; node: string | null }) {
  const { t } = useTranslation();
  const facts = readCheckedOutTwice(x.facts)!;
  const codes = facts.loans.map((l) => l.branchCode);
  const sameBranch = new Set(codes).size < codes.length;
  return (
    <>
      <p data-testid={`sync-copy-${x.id}`}>{t("sync.circ.theCopy", { copy: copy(facts.itemBarcode, facts.title, t) })}</p>
      <div className="sync-side-by-side">
        {facts.loans.map((loan, i) => (
          <LoanCard
            key={loan.loanId}
            loan={loan}
            node={node}
            withCopy={false}
            testId={`sync-loan-${x.id}-${i}`}
            title={
              sameBranch || !loan.branchCode
                ? t("sync.circ.loanN", { n: i + 1, branch: loan.branchCode ?? DASH })
                : t("sync.circ.loanAt", { branch: loan.branchCode })
            }
          />
        ))}
      </div>
    </>
  );
}

function BlockedLoan({ x, node }: { x: SyncException; node: string | null }) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const { loan, block } = readBlockedLoan(x.facts)!;
  const here = madeHere(block.by, node);
  return (
    <>
      <p>
        {t("sync.circ.blockedBefore", {
          blocked: moment(block.blockedAt, lang),
          out: moment(loan.checkedOutAt, lang),
        })}
      </p>
      <div className="sync-side-by-side">
        <LoanCard loan={loan} node={node} withCopy title={t("sync.circ.theLoan")} testId={`sync-loan-${x.id}-0`} />
        <div className="sync-fact-card" data-testid={`sync-block-${x.id}`}>
          <h5>{t("sync.circ.theBlock")}</h5>
          <Rows
            rows={[
              [t("sync.circ.reason"), block.reason ?? DASH],
              [t("sync.circ.blockedAt"), moment(block.blockedAt, lang)],
              [t("sync.circ.blockedBy"), byWhom(block.by, node, t, block.blockedBy), here ? "sync-here" : undefined],
            ]}
          />
        </div>
      </div>
    </>
  );
}

function HoldFilledTwice({ x }: { x: SyncException }) {
  const { t } = useTranslation();
  const hold = readHoldFilledTwice(x.facts)!;
  return (
    <>
      <p>
        {t("sync.circ.holdFilled", {
          reader: reader(hold, t),
          title: hold.title ?? DASH,
          branch: hold.pickupBranchCode ?? DASH,
        })}
      </p>
      <ul className="sync-copies" data-testid={`sync-copies-${x.id}`}>
        {hold.items.map((i) => (
          <li key={i.barcode}>{t("sync.circ.copyLine", { barcode: i.barcode })}</li>
        ))}
      </ul>
    </>
  );
}

function BarcodeTaken({ x, node }: { x: SyncException; node: string | null }) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const facts = readBarcodeTaken(x.facts)!;
  if (facts.on === "patron") {
    return (
      <p>
        {facts.temporary
          ? t("sync.circ.cardTaken", { barcode: facts.barcode, temporary: facts.temporary })
          : t("sync.circ.cardTakenBare", { barcode: facts.barcode })}
      </p>
    );
  }
  return (
    <>
      <p>{t("sync.circ.barcodeTaken", { barcode: facts.barcode })}</p>
      {facts.added && (
        <Rows
          testId={`sync-added-${x.id}`}
          rows={[
            [t("sync.circ.addedBy"), byWhom(facts.added, node, t), madeHere(facts.added, node) ? "sync-here" : undefined],
            [t("sync.circ.addedAt"), moment(facts.added.recorded_at, lang)],
          ]}
        />
      )}
    </>
  );
}

function BranchCodeTaken({ x }: { x: SyncException }) {
  const { t } = useTranslation();
  const facts = readBranchCodeTaken(x.facts)!;
  return (
    <p>
      {facts.temporary
        ? t("sync.circ.branchTaken", { code: facts.code, temporary: facts.temporary })
        : t("sync.circ.branchTakenBare", { code: facts.code })}
    </p>
  );
}

/** Whether this file knows how to lay out these facts (the kind and the shape both). */
export function hasWordedFacts(x: SyncException): boolean {
  switch (x.kind) {
    case "item_checked_out_twice":
      return readCheckedOutTwice(x.facts) !== null;
    case "loan_to_blocked_patron":
      return readBlockedLoan(x.facts) !== null;
    case "hold_filled_twice":
      return readHoldFilledTwice(x.facts) !== null;
    case "barcode_taken":
      return readBarcodeTaken(x.facts) !== null;
    case "branch_code_taken":
      return readBranchCodeTaken(x.facts) !== null;
    default:
      return false;
  }
}

/** The facts in words, or null when the kind or the shape is not one known here. */
export function WordedFacts({ x, node }: { x: SyncException; node: string | null }) {
  if (!hasWordedFacts(x)) return null;
  switch (x.kind) {
    case "item_checked_out_twice":
      return <CheckedOutTwice x={x} node={node} />;
    case "loan_to_blocked_patron":
      return <BlockedLoan x={x} node={node} />;
    case "hold_filled_twice":
      return <HoldFilledTwice x={x} />;
    case "barcode_taken":
      return <BarcodeTaken x={x} node={node} />;
    case "branch_code_taken":
      return <BranchCodeTaken x={x} />;
    default:
      return null;
  }
}

/**
 * What choosing `action` on one of these kinds does, in words; null for an action (or facts)
 * not known here, which the caller shows by its id.
 */
export function explainWordedAction(x: SyncException, action: string, t: T, lang: Language): string | null {
  switch (x.kind) {
    case "item_checked_out_twice": {
      const facts = readCheckedOutTwice(x.facts);
      if (!facts) return null;
      if (action === "both_returned") return t("sync.circ.action.bothReturned", { copy: copy(facts.itemBarcode, null, t) });
      const id = action.startsWith("keep:") ? action.slice("keep:".length) : null;
      const loan = facts.loans.find((l) => l.loanId === id);
      if (!loan) return null;
      return t("sync.circ.action.keepLoan", {
        reader: reader(loan, t),
        branch: loan.branchCode ?? DASH,
        when: moment(loan.checkedOutAt ?? loan.by?.recorded_at, lang),
      });
    }
    case "loan_to_blocked_patron": {
      const facts = readBlockedLoan(x.facts);
      if (!facts || (action !== "accept" && action !== "recall")) return null;
      return t(`sync.circ.action.${action}`, { reader: reader(facts.loan, t), copy: copy(facts.loan.itemBarcode, null, t) });
    }
    case "hold_filled_twice": {
      const facts = readHoldFilledTwice(x.facts);
      const barcode = action.startsWith("keep:") ? action.slice("keep:".length) : null;
      if (!facts || !facts.items.some((i) => i.barcode === barcode)) return null;
      const others = facts.items.filter((i) => i.barcode !== barcode).map((i) => i.barcode);
      return t(others.length > 0 ? "sync.circ.action.keepCopy" : "sync.circ.action.keepCopyBare", {
        barcode,
        other: others.join(", "),
        reader: reader(facts, t),
      });
    }
    case "barcode_taken": {
      const facts = readBarcodeTaken(x.facts);
      if (!facts || action !== "relabel") return null;
      if (facts.on === "item") return t("sync.circ.action.relabelItem", { barcode: facts.barcode });
      return facts.temporary
        ? t("sync.circ.action.newCard", { temporary: facts.temporary })
        : t("sync.circ.action.newCardBare", { barcode: facts.barcode });
    }
    case "branch_code_taken": {
      const facts = readBranchCodeTaken(x.facts);
      if (!facts || action !== "rename") return null;
      return facts.temporary
        ? t("sync.circ.action.rename", { temporary: facts.temporary })
        : t("sync.circ.action.renameBare", { code: facts.code });
    }
    case "patron_merged_twice": {
      // `{ duplicate_barcode, stands: { keep_barcode, … }, other: { keep_barcode, … } }`.
      const facts = readMergedTwice(x.facts);
      if (!facts || (action !== "accept" && action !== "merge_survivors")) return null;
      return t(action === "accept" ? "sync.circ.action.mergeStands" : "sync.circ.action.mergeSurvivors", facts);
    }
    default:
      return null;
  }
}
