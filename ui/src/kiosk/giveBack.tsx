/**
 * Returning at the kiosk (no card needed) and the on-screen receipts of both flows.
 */
import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { refusalOf, toErrorPayload, type CatalogApi } from "../api";
import type { CheckinResult } from "../bindings/CheckinResult";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { Loan } from "../bindings/Loan";
import type { Refusal } from "../bindings/Refusal";
import { currentLanguage, formatNumber } from "../i18n";
import { formatDay, formatMoment, formatMoney, needsReturnBin, RECEIPT_SECONDS } from "./kiosk";
import { ScanField, ScanProblemLine } from "./parts";

type ReturnScan =
  | { id: number; barcode: string; state: "pending" }
  | { id: number; barcode: string; state: "returned"; result: CheckinResult }
  | { id: number; barcode: string; state: "refused"; refusal: Refusal }
  | { id: number; barcode: string; state: "failed"; error: ErrorPayload };

export interface ReturnScreenProps {
  api: CatalogApi;
  branch: string | null;
  /** The check-ins made in this session, for the receipt. */
  onFinish(returns: CheckinResult[]): void;
}

export function ReturnScreen(props: ReturnScreenProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const [scans, setScans] = useState<ReturnScan[]>([]);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const nextId = useRef(1);
  const returned = useRef<CheckinResult[]>([]);
  const resultsId = useId();

  const scan = (barcode: string) => {
    const id = nextId.current++;
    setScans((s) => [{ id, barcode, state: "pending" }, ...s]);
    const settle = (next: ReturnScan) => setScans((s) => s.map((x) => (x.id === id ? next : x)));
    queue.current = queue.current.then(async () => {
      try {
        const result = await props.api.kioskCheckin(barcode, props.branch);
        returned.current.push(result);
        settle({ id, barcode, state: "returned", result });
      } catch (err) {
        const payload = toErrorPayload(err);
        const refusal = refusalOf(payload);
        settle(refusal ? { id, barcode, state: "refused", refusal } : { id, barcode, state: "failed", error: payload });
      }
    });
  };

  const finish = async () => {
    await queue.current;
    props.onFinish([...returned.current]);
  };

  return (
    <section className="kiosk-screen kiosk-narrow" data-testid="kiosk-return">
      <h1>{t("kiosk.return.heading")}</h1>
      <ScanField
        label={t("kiosk.return.itemLabel")}
        hint={t("kiosk.common.scanHint")}
        buttonLabel={t("kiosk.common.continue")}
        emptyMessage={t("kiosk.return.none")}
        testId="kiosk-return-input"
        onScan={scan}
      />
      <h2 id={resultsId} className="visually-hidden">
        {t("kiosk.return.results")}
      </h2>
      {scans.length === 0 ? (
        <p className="kiosk-hint">{t("kiosk.return.none")}</p>
      ) : (
        <ul className="kiosk-results" aria-labelledby={resultsId} aria-live="polite" data-testid="kiosk-return-results">
          {scans.map((s) => (
            <li key={s.id} className={`kiosk-result kiosk-result-${s.state}`} data-testid="kiosk-return-result" data-state={s.state}>
              {s.state === "pending" && <span>{t("kiosk.return.checking", { barcode: s.barcode })}</span>}
              {s.state === "returned" && (
                <>
                  <strong>
                    <span aria-hidden="true">✓ </span>
                    {t("kiosk.return.thanks")}: {s.result.title}
                  </strong>
                  {s.result.loan === null ? (
                    <span className="kiosk-bin" data-testid="kiosk-bin">
                      {t("kiosk.return.notOnLoan")}
                    </span>
                  ) : (
                    needsReturnBin(s.result.action) && (
                      <span className="kiosk-bin" data-testid="kiosk-bin">
                        {t("kiosk.return.bin")}
                      </span>
                    )
                  )}
                  {s.result.fine_charged > 0 && (
                    <span>{t("kiosk.return.fine", { amount: formatMoney(s.result.fine_charged, lang) })}</span>
                  )}
                </>
              )}
              {(s.state === "refused" || s.state === "failed") && (
                <ScanProblemLine
                  problem={s}
                  heading={t("kiosk.return.notReturned")}
                  unknownItem={t("kiosk.return.unknownItem", { barcode: s.barcode })}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="kiosk-actions">
        <button type="button" className="kiosk-primary" onClick={() => void finish()} data-testid="kiosk-finish">
          {t("kiosk.return.finish")}
        </button>
      </div>
    </section>
  );
}

export type ReceiptContent =
  | { kind: "borrow"; at: Date; loans: Loan[] }
  | { kind: "return"; at: Date; returns: CheckinResult[] };

/**
 * A receipt that looks printed, on screen. It closes on a tap, on Done, or by itself after
 * RECEIPT_SECONDS, since the next reader should not find it.
 */
export function ReceiptScreen({ receipt, onDone }: { receipt: ReceiptContent; onDone(): void }) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const [left, setLeft] = useState(RECEIPT_SECONDS);
  const done = useRef<HTMLButtonElement>(null);
  const onDoneRef = useRef(onDone);
  onDoneRef.current = onDone;
  const titleId = useId();

  useEffect(() => done.current?.focus(), []);
  useEffect(() => {
    const timer = setInterval(() => setLeft((n) => n - 1), 1000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    if (left <= 0) onDoneRef.current();
  }, [left]);

  const count = receipt.kind === "borrow" ? receipt.loans.length : receipt.returns.length;
  const countKey = receipt.kind === "borrow" ? "kiosk.receipt.borrowCount" : "kiosk.receipt.returnCount";

  return (
    // A tap anywhere ends it, as the screen says; the Done button is the keyboard's way.
    <section className="kiosk-screen kiosk-receipt-screen" data-testid="kiosk-receipt" onClick={onDone}>
      <article className="kiosk-receipt" aria-labelledby={titleId}>
        <p className="kiosk-receipt-library">{t("kiosk.libraryName")}</p>
        <h1 id={titleId}>{receipt.kind === "borrow" ? t("kiosk.receipt.borrowHeading") : t("kiosk.receipt.returnHeading")}</h1>
        <p data-testid="kiosk-receipt-when">{t("kiosk.receipt.when", { when: formatMoment(receipt.at, lang) })}</p>
        <ol className="kiosk-receipt-lines">
          {receipt.kind === "borrow"
            ? receipt.loans.map((l) => (
                <li key={l.id} data-testid="kiosk-receipt-line">
                  <strong>{l.title}</strong>
                  <span className="kiosk-receipt-barcode">{l.item_barcode}</span>
                  <span>{t("kiosk.receipt.due", { date: formatDay(l.due_on, lang) })}</span>
                </li>
              ))
            : receipt.returns.map((r, i) => (
                <li key={`${r.item_barcode}-${i}`} data-testid="kiosk-receipt-line">
                  <strong>{r.title}</strong>
                  <span className="kiosk-receipt-barcode">{r.item_barcode}</span>
                  {(r.loan === null || needsReturnBin(r.action)) && <span>{t("kiosk.receipt.bin")}</span>}
                  {r.fine_charged > 0 && (
                    <span>{t("kiosk.return.fine", { amount: formatMoney(r.fine_charged, lang) })}</span>
                  )}
                </li>
              ))}
        </ol>
        <p className="kiosk-receipt-total" data-testid="kiosk-receipt-total">
          {t(countKey, { count, formatted: formatNumber(count, lang) })}
        </p>
        <p>{receipt.kind === "borrow" ? t("kiosk.receipt.borrowThanks") : t("kiosk.receipt.returnThanks")}</p>
      </article>
      <p className="kiosk-hint" role="timer" aria-live="off">
        {t("kiosk.receipt.closesIn", { count: Math.max(left, 0) })}
      </p>
      <div className="kiosk-actions">
        <button type="button" ref={done} className="kiosk-primary" data-testid="kiosk-receipt-done">
          {t("kiosk.receipt.done")}
        </button>
      </div>
    </section>
  );
}
