import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useWindowKeydown } from "../components/windowKeys";
import type { CatalogApi } from "../api";
import type { Loan } from "../bindings/Loan";
import type { PatronAccount } from "../bindings/PatronAccount";
import type { Refusal } from "../bindings/Refusal";
import { OverrideDialog, ProblemPanel, ScanField, SuccessPanel, problemOf, useLang, type Problem } from "./common";
import { formatDay, formatDueDay, formatMoney, refusalMessage, scanQueue } from "./format";
import { playTone } from "./sound";

export interface CheckoutPanelProps {
  api: CatalogApi;
  branch: string | null;
  active: boolean;
  /** Changes when the desk wants the focus in the scan field. */
  focusRequest: number;
  onChanged(): void;
  onOpenRecord(id: string): void;
}

type Outcome =
  | { kind: "patron" }
  | { kind: "lent"; loan: Loan; overridden: Refusal[] }
  | { kind: "problem"; problem: Problem; item: string | null };

interface Receipt {
  patron: PatronAccount;
  loans: Loan[];
}

/** Check out: a patron card, then one item after another; every scan answers in a big panel. */
export function CheckoutPanel(props: CheckoutPanelProps) {
  const { t } = useTranslation();
  const lang = useLang();
  const { api, branch, onChanged } = props;
  const inputRef = useRef<HTMLInputElement>(null);
  const [patron, setPatron] = useState<PatronAccount | null>(null);
  const patronRef = useRef<PatronAccount | null>(null);
  patronRef.current = patron;
  const branchRef = useRef(branch);
  branchRef.current = branch;
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [session, setSession] = useState<Loan[]>([]);
  const [override, setOverride] = useState<{ item: string; refusal: Refusal } | null>(null);
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const enqueue = useMemo(() => scanQueue(), []);

  const focusScan = useCallback(() => inputRef.current?.focus(), []);
  useEffect(() => {
    if (props.focusRequest > 0 && !override) focusScan();
  }, [props.focusRequest, override, focusScan]);

  const refreshPatron = useCallback(
    async (barcode: string) => {
      try {
        const fresh = await api.patronAccount(barcode);
        if (patronRef.current?.barcode === barcode) setPatron(fresh);
      } catch {
        // The loan is made; a stale panel is corrected by the next scan.
      }
    },
    [api],
  );

  const lend = useCallback(
    async (item: string, reason: string | null) => {
      const current = patronRef.current;
      if (!current) return;
      const desk = branchRef.current;
      if (!desk) {
        setOutcome({ kind: "problem", problem: { kind: "error", error: { code: "invalid_input", message: "", details: null }, subject: "branch", barcode: "" }, item });
        playTone("refusal");
        return;
      }
      try {
        const result = await api.checkout(current.barcode, item, desk, reason);
        setOutcome({ kind: "lent", loan: result.loan, overridden: result.overridden });
        setSession((s) => [...s, result.loan]);
        playTone("success");
        onChanged();
        void refreshPatron(current.barcode);
      } catch (err) {
        setOutcome({ kind: "problem", problem: problemOf(err, "item", item), item });
        playTone("refusal");
      }
    },
    [api, onChanged, refreshPatron],
  );

  const onScan = useCallback(
    (code: string) => {
      void enqueue(async () => {
        if (patronRef.current) return lend(code, null);
        try {
          const account = await api.patronAccount(code);
          patronRef.current = account;
          setPatron(account);
          setSession([]);
          setReceipt(null);
          setOutcome({ kind: "patron" });
        } catch (err) {
          setOutcome({ kind: "problem", problem: problemOf(err, "patron", code), item: null });
          playTone("refusal");
        }
      });
    },
    [api, enqueue, lend],
  );

  const endSession = useCallback(() => {
    const current = patronRef.current;
    if (!current) return;
    setReceipt(session.length > 0 ? { patron: current, loans: session } : null);
    patronRef.current = null;
    setPatron(null);
    setSession([]);
    setOutcome(null);
    focusScan();
  }, [session, focusScan]);

  // Esc ends the reader's session (before the shell's Esc-goes-back), unless a dialog is open.
  useWindowKeydown(
    (e) => {
      if (e.key !== "Escape" || e.defaultPrevented) return;
      if (e.target instanceof Element && e.target.closest("dialog")) return;
      e.preventDefault();
      endSession();
    },
    { capture: true, enabled: props.active && !!patron && !override },
  );

  return (
    <div className="desk-panel-body">
      <div className="desk-scan-row">
        <ScanField
          id="desk-checkout-scan"
          testId="checkout-scan"
          inputRef={inputRef}
          label={patron ? t("desk.checkout.scanItem") : t("desk.checkout.scanPatron")}
          hint={patron ? t("desk.checkout.hintItem") : t("desk.checkout.hintPatron")}
          onScan={onScan}
        />
        {patron && (
          <button type="button" className="desk-secondary" data-testid="checkout-new-patron" aria-keyshortcuts="Escape" onClick={endSession}>
            {t("desk.checkout.newPatron")}
          </button>
        )}
      </div>

      {outcome?.kind === "lent" && (
        <SuccessPanel testId="checkout-outcome">
          <p className="desk-outcome-title" data-testid="checkout-outcome-title">
            {outcome.loan.title}
          </p>
          <p className="desk-outcome-due" data-testid="checkout-outcome-due">
            {t("desk.checkout.due", { date: formatDueDay(outcome.loan.due_on, lang) })}
          </p>
          <p className="desk-outcome-sub">{t("desk.outcome.barcode", { barcode: outcome.loan.item_barcode })}</p>
          {outcome.overridden.length > 0 && (
            <p className="desk-outcome-sub" data-testid="checkout-overridden">
              {t("desk.override.done", { reasons: outcome.overridden.map((r) => refusalMessage(r, lang)).join(" ") })}
            </p>
          )}
        </SuccessPanel>
      )}
      {outcome?.kind === "problem" && (
        <ProblemPanel
          testId="checkout-outcome"
          problem={outcome.problem}
          onOverride={
            outcome.problem.kind === "refused" && outcome.item
              ? () => setOverride({ item: outcome.item!, refusal: (outcome.problem as { refusal: Refusal }).refusal })
              : undefined
          }
        />
      )}

      {patron && <PatronSummary patron={patron} onOpenRecord={props.onOpenRecord} />}

      {session.length > 0 && (
        <section className="desk-card" aria-labelledby="desk-session-title" data-testid="checkout-session">
          <h3 id="desk-session-title">{t("desk.checkout.session", { count: session.length })}</h3>
          <ol className="desk-list">
            {session.map((loan) => (
              <li key={loan.id}>
                <span className="desk-list-title">{loan.title}</span>{" "}
                <span className="desk-muted">
                  {loan.item_barcode} · {t("desk.checkout.due", { date: formatDueDay(loan.due_on, lang) })}
                </span>
              </li>
            ))}
          </ol>
        </section>
      )}

      {!patron && receipt && <ReceiptView receipt={receipt} onClose={() => { setReceipt(null); focusScan(); }} />}

      {override && (
        <OverrideDialog
          refusal={override.refusal}
          onCancel={() => setOverride(null)}
          onConfirm={(reason) => {
            const item = override.item;
            setOverride(null);
            void enqueue(() => lend(item, reason));
          }}
        />
      )}
    </div>
  );
}

/** The reader at the desk: card, money owed, loans, holds and what stops a loan now. */
export function PatronSummary({ patron, onOpenRecord }: { patron: PatronAccount; onOpenRecord(id: string): void }) {
  const { t } = useTranslation();
  const lang = useLang();
  const open = patron.loans.filter((l) => !l.returned_at);
  const holds = patron.holds.filter((h) => ["waiting", "suspended", "in_transit", "on_shelf"].includes(h.status));
  return (
    <section className="desk-card desk-patron" aria-labelledby="desk-patron-name" data-testid="patron-panel">
      <h3 id="desk-patron-name" data-testid="patron-panel-name">
        {patron.name}
      </h3>
      <dl className="desk-facts">
        <div>
          <dt>{t("desk.patron.card")}</dt>
          <dd>{patron.barcode}</dd>
        </div>
        <div>
          <dt>{t("desk.patron.category")}</dt>
          <dd>{t(`desk.category.${patron.category}`, { defaultValue: patron.category })}</dd>
        </div>
        <div>
          <dt>{t("desk.patron.expires")}</dt>
          <dd>{formatDay(patron.expires_on, lang)}</dd>
        </div>
        <div>
          <dt>{t("desk.patron.balance")}</dt>
          <dd data-testid="patron-panel-balance">{formatMoney(patron.balance, lang)}</dd>
        </div>
      </dl>
      {patron.refusals.length > 0 && (
        <div className="desk-warnings" data-testid="patron-panel-refusals">
          <h4>{t("desk.patron.refusals")}</h4>
          <ul>
            {patron.refusals.map((r, i) => (
              <li key={`${r.code}-${i}`}>{refusalMessage(r, lang)}</li>
            ))}
          </ul>
        </div>
      )}
      <h4>{t("desk.patron.loans", { count: open.length })}</h4>
      {open.length === 0 ? (
        <p className="desk-muted">{t("desk.patron.noLoans")}</p>
      ) : (
        <ul className="desk-list" data-testid="patron-panel-loans">
          {open.map((loan) => (
            <li key={loan.id} className={loan.overdue ? "desk-overdue" : undefined}>
              <button type="button" className="desk-link" onClick={() => onOpenRecord(loan.record_id)}>
                {loan.title}
              </button>{" "}
              <span className="desk-muted">
                {loan.item_barcode} · {t("desk.checkout.due", { date: formatDay(loan.due_on, lang) })}
              </span>
              {loan.overdue && <strong className="desk-badge-overdue"> {t("desk.patron.overdue")}</strong>}
            </li>
          ))}
        </ul>
      )}
      <h4>{t("desk.patron.holds", { count: holds.length })}</h4>
      {holds.length === 0 ? (
        <p className="desk-muted">{t("desk.patron.noHolds")}</p>
      ) : (
        <ul className="desk-list">
          {holds.map((h) => (
            <li key={h.id}>
              {h.title} <span className="desk-muted">· {t(`desk.holdStatus.${h.status}`)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ReceiptView({ receipt, onClose }: { receipt: Receipt; onClose(): void }) {
  const { t } = useTranslation();
  const lang = useLang();
  return (
    <section className="desk-card desk-receipt" aria-labelledby="desk-receipt-title" data-testid="checkout-receipt">
      <h3 id="desk-receipt-title">{t("desk.receipt.title")}</h3>
      <p>
        {receipt.patron.name} · {receipt.patron.barcode}
      </p>
      <ol className="desk-list">
        {receipt.loans.map((loan) => (
          <li key={loan.id}>
            {loan.title} <span className="desk-muted">({loan.item_barcode})</span> —{" "}
            {t("desk.checkout.due", { date: formatDueDay(loan.due_on, lang) })}
          </li>
        ))}
      </ol>
      <p>{t("desk.receipt.count", { count: receipt.loans.length })}</p>
      <div className="desk-actions desk-no-print">
        <button type="button" className="primary" data-testid="receipt-print" onClick={() => globalThis.print?.()}>
          {t("desk.receipt.print")}
        </button>
        <button type="button" data-testid="receipt-close" onClick={onClose}>
          {t("desk.receipt.close")}
        </button>
      </div>
    </section>
  );
}
