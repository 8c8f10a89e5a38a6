/**
 * Pieces every kiosk screen shares: the language switch readers see first, the scan field
 * a keyboard-wedge scanner types into, and the big modal question.
 */
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { currentLanguage, LANGUAGES, type Language } from "../i18n";
import { useModal } from "../components/modal";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { Refusal } from "../bindings/Refusal";
import { cleanBarcode, refusalMessage } from "./kiosk";

// Each language's name in itself, so a reader finds their own whatever is showing.
const NAMES: Record<Language, string> = { vi: "Tiếng Việt", en: "English" };

export function KioskLanguageSwitch() {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  return (
    <div className="kiosk-lang" role="group" aria-label={t("kiosk.languageSwitch")}>
      {LANGUAGES.map((code) => (
        <button
          key={code}
          type="button"
          lang={code}
          aria-pressed={lang === code}
          data-testid={`kiosk-lang-${code}`}
          onClick={() => void i18n.changeLanguage(code)}
        >
          {NAMES[code]}
        </button>
      ))}
    </div>
  );
}

export interface ScanFieldProps {
  label: string;
  /** What to do, one line under the field. */
  hint: string;
  buttonLabel: string;
  onScan(code: string): void;
  /** Shown under the field when Enter is pressed with nothing in it. */
  emptyMessage: string;
  testId: string;
  disabled?: boolean;
}

/**
 * A labelled barcode field that keeps the focus (a scanner types into whatever has it):
 * it takes focus on mount and again after each scan, and the kiosk sends stray keys here.
 */
export function ScanField(props: ScanFieldProps) {
  const [value, setValue] = useState("");
  const [empty, setEmpty] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const emptyId = useId();

  useEffect(() => {
    input.current?.focus();
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const code = cleanBarcode(value);
    input.current?.focus();
    if (!code) {
      setEmpty(true);
      return;
    }
    setEmpty(false);
    setValue("");
    props.onScan(code);
  };

  return (
    <form className="kiosk-scan" onSubmit={submit} noValidate>
      <label className="kiosk-scan-label">
        {props.label}
        <input
          ref={input}
          type="text"
          inputMode="text"
          autoComplete="off"
          autoCorrect="off"
          spellCheck={false}
          value={value}
          disabled={props.disabled}
          aria-describedby={empty ? `${hintId} ${emptyId}` : hintId}
          aria-invalid={empty}
          data-kiosk-input=""
          data-testid={props.testId}
          onChange={(e) => setValue(e.target.value)}
        />
      </label>
      <button type="submit" className="kiosk-primary" disabled={props.disabled} data-testid={`${props.testId}-submit`}>
        {props.buttonLabel}
      </button>
      <p id={hintId} className="kiosk-hint">
        {props.hint}
      </p>
      {empty && (
        <p id={emptyId} role="alert" className="kiosk-problem">
          {props.emptyMessage}
        </p>
      )}
    </form>
  );
}

export interface KioskDialogProps {
  heading: string;
  children: ReactNode;
  onClose(): void;
  /** Esc closes only when allowed (not while a password is being checked). */
  canClose: boolean;
  testId: string;
  role?: "dialog" | "alertdialog";
}

/** A big modal `<dialog>`: Tab stays inside, Esc closes when allowed. */
export function KioskDialog(props: KioskDialogProps) {
  const { ref, onKeyDown, onCancel } = useModal({ canClose: props.canClose, onClose: props.onClose });
  const titleId = useId();
  return (
    <dialog
      ref={ref}
      className="kiosk-dialog"
      role={props.role === "alertdialog" ? "alertdialog" : undefined}
      aria-modal="true"
      aria-labelledby={titleId}
      data-testid={props.testId}
      onKeyDown={onKeyDown}
      onCancel={onCancel}
    >
      <h2 id={titleId}>{props.heading}</h2>
      {props.children}
    </dialog>
  );
}

/** A scanned book that could not be lent or returned. */
export type ScanProblem =
  | { state: "refused"; barcode: string; refusal: Refusal }
  | { state: "failed"; barcode: string; error: ErrorPayload };

/**
 * What a reader reads when a scan did not work: the barcode, then why in the UI language —
 * circulation's refusal, "no such book", or "ask at the desk" for anything else.
 */
export function ScanProblemLine(props: { problem: ScanProblem; heading: string; unknownItem: string }) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const p = props.problem;
  return (
    <>
      <strong>
        <span aria-hidden="true">✗ </span>
        {props.heading}: {p.barcode}
      </strong>
      <span>
        {p.state === "refused"
          ? refusalMessage(p.refusal, lang)
          : p.error.code === "not_found"
            ? props.unknownItem
            : t("kiosk.common.askDesk")}
      </span>
    </>
  );
}
