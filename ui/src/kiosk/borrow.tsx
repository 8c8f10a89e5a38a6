/**
 * Borrowing at the kiosk: the card, the PIN (on-screen keypad or keyboard), a refusal said
 * plainly, then the signed-in reader's own loans and one scan per book.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { refusalOf, toErrorPayload, type CatalogApi } from "../api";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { Loan } from "../bindings/Loan";
import type { PatronAccount } from "../bindings/PatronAccount";
import type { Refusal } from "../bindings/Refusal";
import { currentLanguage } from "../i18n";
import { cleanPin, formatDay, openLoans, PIN_MAX_LENGTH, pinAfterKey, refusalMessage } from "./kiosk";
import { ScanField, ScanProblemLine } from "./parts";

export function CardScreen({ message, onCard, onBack }: { message: string | null; onCard(card: string): void; onBack(): void }) {
  const { t } = useTranslation();
  return (
    <section className="kiosk-screen kiosk-narrow" data-testid="kiosk-card">
      <h1>{t("kiosk.card.heading")}</h1>
      {message && (
        <p role="alert" className="kiosk-problem kiosk-big-message" data-testid="kiosk-card-problem">
          {message}
        </p>
      )}
      <ScanField
        label={t("kiosk.card.label")}
        hint={t("kiosk.common.scanHint")}
        buttonLabel={t("kiosk.common.continue")}
        emptyMessage={t("kiosk.card.empty")}
        testId="kiosk-card-input"
        onScan={onCard}
      />
      <div className="kiosk-actions">
        <button type="button" className="kiosk-secondary" onClick={onBack} data-testid="kiosk-back">
          {t("kiosk.common.back")}
        </button>
      </div>
    </section>
  );
}

export interface PinScreenProps {
  api: CatalogApi;
  card: string;
  onSignedIn(account: PatronAccount, pin: string): void;
  /** Sign-in was refused for a reason another PIN will not change (locked, expired, blocked…). */
  onRefused(refusal: Refusal): void;
  /** The card is not known; back to the card screen. */
  onUnknownCard(): void;
  onBack(): void;
}

type PinProblem = { kind: "empty" } | { kind: "refusal"; refusal: Refusal } | { kind: "error" };

const KEYPAD = ["1", "2", "3", "4", "5", "6", "7", "8", "9"] as const;

export function PinScreen(props: PinScreenProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  // The PIN lives only in this screen's state until sign-in succeeds; unmounting forgets it.
  const [pin, setPin] = useState("");
  const [busy, setBusy] = useState(false);
  // A second Enter can arrive before React re-renders; the guard must not wait for state.
  const checking = useRef(false);
  const [problem, setProblem] = useState<PinProblem | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const problemId = useId();
  const explainId = useId();

  useEffect(() => {
    input.current?.focus();
  }, []);

  const press = (key: string) => {
    setPin((p) => pinAfterKey(p, key));
    input.current?.focus();
  };

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (checking.current) return;
    input.current?.focus();
    if (!pin) {
      setProblem({ kind: "empty" });
      return;
    }
    checking.current = true;
    setBusy(true);
    setProblem(null);
    try {
      const account = await props.api.kioskSignIn(props.card, pin);
      props.onSignedIn(account, pin);
    } catch (err) {
      const payload = toErrorPayload(err);
      const refusal = refusalOf(payload);
      checking.current = false;
      setPin("");
      setBusy(false);
      if (refusal?.code === "wrong_pin") {
        setProblem({ kind: "refusal", refusal });
        input.current?.focus();
      } else if (refusal) props.onRefused(refusal);
      else if (payload.code === "not_found") props.onUnknownCard();
      else setProblem({ kind: "error" });
    }
  };

  const problemText =
    problem?.kind === "empty"
      ? t("kiosk.pin.empty")
      : problem?.kind === "refusal"
        ? refusalMessage(problem.refusal, lang)
        : problem?.kind === "error"
          ? t("kiosk.common.askDesk")
          : null;

  return (
    <section className="kiosk-screen kiosk-narrow" data-testid="kiosk-pin">
      <h1>{t("kiosk.pin.heading")}</h1>
      <p className="kiosk-hint" id={explainId}>
        {t("kiosk.pin.card", { card: props.card })} · {t("kiosk.pin.explain")}
      </p>
      <form className="kiosk-pin-form" onSubmit={submit} noValidate>
        <label className="kiosk-scan-label">
          {t("kiosk.pin.label")}
          <input
            ref={input}
            type="password"
            inputMode="numeric"
            autoComplete="off"
            className="kiosk-pin-input"
            value={pin}
            maxLength={PIN_MAX_LENGTH}
            aria-describedby={problemText ? `${explainId} ${problemId}` : explainId}
            aria-invalid={problem !== null}
            data-kiosk-input=""
            data-testid="kiosk-pin-input"
            onChange={(e) => setPin(cleanPin(e.target.value))}
          />
        </label>
        {problemText && (
          <p id={problemId} role="alert" className="kiosk-problem kiosk-big-message" data-testid="kiosk-pin-problem">
            {problemText}
          </p>
        )}
        <div className="kiosk-keypad" role="group" aria-label={t("kiosk.pin.keypad")}>
          {KEYPAD.map((d) => (
            <button
              key={d}
              type="button"
              data-testid={`kiosk-key-${d}`}
              // A tap must not take the focus away from the PIN field (keyboard digits go there).
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => press(d)}
            >
              {d}
            </button>
          ))}
          <button
            type="button"
            className="kiosk-key-word"
            aria-label={t("kiosk.pin.clearLabel")}
            data-testid="kiosk-key-clear"
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => {
              setPin("");
              input.current?.focus();
            }}
          >
            {t("kiosk.pin.clear")}
          </button>
          <button
            type="button"
            data-testid="kiosk-key-0"
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => press("0")}
          >
            0
          </button>
          <button
            type="button"
            className="kiosk-key-word"
            aria-label={t("kiosk.pin.deleteLabel")}
            data-testid="kiosk-key-delete"
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => press("Backspace")}
          >
            {t("kiosk.pin.delete")}
          </button>
        </div>
        {busy && (
          <p role="status" className="kiosk-hint">
            {t("kiosk.pin.checking")}
          </p>
        )}
        <div className="kiosk-actions">
          <button type="button" className="kiosk-secondary" onClick={props.onBack} data-testid="kiosk-back">
            {t("kiosk.common.back")}
          </button>
          <button type="submit" className="kiosk-primary" disabled={busy} data-testid="kiosk-pin-ok">
            {t("kiosk.pin.ok")}
          </button>
        </div>
      </form>
    </section>
  );
}

export function RefusedScreen({ refusal, onDone }: { refusal: Refusal; onDone(): void }) {
  const { t, i18n } = useTranslation();
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  return (
    <section className="kiosk-screen kiosk-narrow" data-testid="kiosk-refused" data-code={refusal.code}>
      <h1>{t("kiosk.refused.heading")}</h1>
      <p role="alert" className="kiosk-problem kiosk-big-message" data-testid="kiosk-refusal">
        {refusalMessage(refusal, currentLanguage(i18n))}
      </p>
      <div className="kiosk-actions">
        <button type="button" ref={button} className="kiosk-primary" onClick={onDone} data-testid="kiosk-start-over">
          {t("kiosk.common.startOver")}
        </button>
      </div>
    </section>
  );
}

type BorrowScan =
  | { id: number; barcode: string; state: "pending" }
  | { id: number; barcode: string; state: "borrowed"; loan: Loan }
  | { id: number; barcode: string; state: "refused"; refusal: Refusal }
  | { id: number; barcode: string; state: "failed"; error: ErrorPayload };

export interface BorrowScreenProps {
  api: CatalogApi;
  branch: string | null;
  account: PatronAccount;
  /** The signed-in card and PIN, or null once the session has ended (queued scans then stop). */
  credentials(): { card: string; pin: string } | null;
  /** The loans made in this session, for the receipt. */
  onFinish(loans: Loan[]): void;
}

export function BorrowScreen(props: BorrowScreenProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const [scans, setScans] = useState<BorrowScan[]>([]);
  const [loans, setLoans] = useState<Loan[]>(() => openLoans(props.account.loans));
  // Scanners are fast: each scan waits for the one before it, in the order scanned.
  const queue = useRef<Promise<void>>(Promise.resolve());
  const nextId = useRef(1);
  const borrowed = useRef<Loan[]>([]);
  const resultsId = useId();

  const scan = (barcode: string) => {
    const id = nextId.current++;
    setScans((s) => [{ id, barcode, state: "pending" }, ...s]);
    const settle = (next: BorrowScan) => setScans((s) => s.map((x) => (x.id === id ? next : x)));
    queue.current = queue.current.then(async () => {
      const who = props.credentials();
      if (!who) return;
      try {
        const result = await props.api.kioskCheckout(who.card, who.pin, barcode, props.branch);
        borrowed.current.push(result.loan);
        settle({ id, barcode, state: "borrowed", loan: result.loan });
        setLoans((l) => openLoans([...l.filter((x) => x.id !== result.loan.id), result.loan]));
      } catch (err) {
        const payload = toErrorPayload(err);
        const refusal = refusalOf(payload);
        settle(refusal ? { id, barcode, state: "refused", refusal } : { id, barcode, state: "failed", error: payload });
      }
    });
  };

  // The receipt must include loans whose answer arrives after Finish was pressed, so the
  // loans are collected as the queue settles them (in scan order), not read from state.
  const finishAfterQueue = async () => {
    await queue.current;
    props.onFinish([...borrowed.current]);
  };

  const warnings = props.account.refusals;

  return (
    <section className="kiosk-screen kiosk-borrow" data-testid="kiosk-borrow">
      <h1 data-testid="kiosk-hello">{t("kiosk.borrow.hello", { name: props.account.name })}</h1>
      {warnings.length > 0 && (
        <div className="kiosk-warnings" role="note" aria-label={t("kiosk.borrow.warnings")} data-testid="kiosk-warnings">
          <h2>{t("kiosk.borrow.warnings")}</h2>
          <ul>
            {warnings.map((w, i) => (
              <li key={`${w.code}-${i}`}>{refusalMessage(w, lang)}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="kiosk-columns">
        <div className="kiosk-column">
          <h2>{t("kiosk.borrow.scanHeading")}</h2>
          <ScanField
            label={t("kiosk.borrow.itemLabel")}
            hint={t("kiosk.common.scanHint")}
            buttonLabel={t("kiosk.common.continue")}
            emptyMessage={t("kiosk.borrow.none")}
            testId="kiosk-item-input"
            onScan={scan}
          />
          <h3 id={resultsId} className="visually-hidden">
            {t("kiosk.borrow.results")}
          </h3>
          {scans.length === 0 ? (
            <p className="kiosk-hint">{t("kiosk.borrow.none")}</p>
          ) : (
            <ul className="kiosk-results" aria-labelledby={resultsId} aria-live="polite" data-testid="kiosk-borrow-results">
              {scans.map((s) => (
                <li key={s.id} className={`kiosk-result kiosk-result-${s.state}`} data-testid="kiosk-borrow-result" data-state={s.state}>
                  {s.state === "pending" && <span>{t("kiosk.borrow.checking", { barcode: s.barcode })}</span>}
                  {s.state === "borrowed" && (
                    <>
                      <strong>
                        <span aria-hidden="true">✓ </span>
                        {t("kiosk.borrow.borrowed")}: {s.loan.title}
                      </strong>
                      <span>{t("kiosk.borrow.dueOn", { date: formatDay(s.loan.due_on, lang) })}</span>
                    </>
                  )}
                  {(s.state === "refused" || s.state === "failed") && (
                    <ScanProblemLine
                      problem={s}
                      heading={t("kiosk.borrow.notBorrowed")}
                      unknownItem={t("kiosk.borrow.unknownItem", { barcode: s.barcode })}
                    />
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="kiosk-column">
          <h2>{t("kiosk.borrow.loansHeading")}</h2>
          {loans.length === 0 ? (
            <p className="kiosk-hint">{t("kiosk.borrow.noLoans")}</p>
          ) : (
            <ul className="kiosk-loans" data-testid="kiosk-loans">
              {loans.map((l) => (
                <li key={l.id} data-testid="kiosk-loan">
                  <strong>{l.title}</strong>
                  <span>
                    {t("kiosk.borrow.dueOn", { date: formatDay(l.due_on, lang) })}
                    {l.overdue && <span className="kiosk-overdue"> — {t("kiosk.borrow.overdue")}</span>}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      <div className="kiosk-actions">
        <p className="kiosk-hint">{t("kiosk.borrow.finishHint")}</p>
        <button type="button" className="kiosk-primary" onClick={() => void finishAfterQueue()} data-testid="kiosk-finish">
          {t("kiosk.borrow.finish")}
        </button>
      </div>
    </section>
  );
}
