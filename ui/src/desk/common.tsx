/**
 * The pieces every desk tab shares: the scan field that never lets go of the focus, the big
 * green and red answer panels (announced by screen readers), and the override question.
 */
import { useId, useRef, useState, type ReactNode, type Ref } from "react";
import { useTranslation } from "react-i18next";
import { refusalOf, toErrorPayload } from "../api";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { Refusal } from "../bindings/Refusal";
import { useModal } from "../components/modal";
import { currentLanguage, type Language } from "../i18n";
import { canOverride, refusalMessage } from "./format";

export function useLang(): Language {
  const { i18n } = useTranslation();
  return currentLanguage(i18n);
}

/** What went wrong with a scan: a refusal from circulation, or another error about `barcode`. */
export type Problem =
  | { kind: "refused"; refusal: Refusal; barcode: string }
  | { kind: "error"; error: ErrorPayload; subject: "item" | "patron" | "branch"; barcode: string };

export function problemOf(err: unknown, subject: "item" | "patron", barcode: string): Problem {
  const error = toErrorPayload(err);
  const refusal = refusalOf(error);
  return refusal ? { kind: "refused", refusal, barcode } : { kind: "error", error, subject, barcode };
}

/** The problem in the UI language, in words a clerk can act on. */
export function useProblemText(): (p: Problem) => { title: string; detail: string | null } {
  const { t } = useTranslation();
  const lang = useLang();
  return (p) => {
    if (p.kind === "refused") return { title: refusalMessage(p.refusal, lang), detail: null };
    if (p.subject === "branch") return { title: t("desk.branch.required"), detail: null };
    if (p.error.code === "not_found")
      return { title: t(`desk.notFound.${p.subject}`, { barcode: p.barcode }), detail: null };
    const detail = [p.error.message, p.error.details].filter((s): s is string => !!s).join(" — ");
    return { title: t(`errors.${p.error.code}`), detail: detail || null };
  };
}

export interface ScanFieldProps {
  id: string;
  label: string;
  hint: string;
  onScan(code: string): void;
  inputRef: Ref<HTMLInputElement>;
  testId: string;
}

/**
 * One text field a keyboard-wedge scanner types into, ending with Enter. It empties itself
 * after each scan so the next barcode can follow at once.
 */
export function ScanField(props: ScanFieldProps) {
  const [value, setValue] = useState("");
  const hintId = `${props.id}-hint`;
  return (
    <div className="desk-scan">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        ref={props.inputRef}
        data-testid={props.testId}
        className="desk-scan-input"
        value={value}
        autoComplete="off"
        spellCheck={false}
        aria-describedby={hintId}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key !== "Enter") return;
          e.preventDefault();
          const code = value.trim();
          setValue("");
          if (code) props.onScan(code);
        }}
      />
      <p id={hintId} className="desk-hint">
        {props.hint}
      </p>
    </div>
  );
}

/** The big green answer. */
export function SuccessPanel({ children, testId }: { children: ReactNode; testId: string }) {
  const { t } = useTranslation();
  return (
    <div className="desk-outcome desk-outcome-ok" role="status" data-testid={testId} data-outcome="ok">
      <span className="desk-outcome-mark" aria-hidden="true">
        ✓
      </span>
      <div className="desk-outcome-body">
        <p className="visually-hidden">{t("desk.outcome.ok")}</p>
        {children}
      </div>
    </div>
  );
}

/** The big red answer: why, and (for staff) the way to lend anyway. */
export function ProblemPanel(props: { problem: Problem; onOverride?: () => void; testId: string }) {
  const { t } = useTranslation();
  const text = useProblemText()(props.problem);
  const p = props.problem;
  const overridable = p.kind === "refused" && canOverride(p.refusal) && props.onOverride;
  return (
    <div
      className="desk-outcome desk-outcome-refused"
      role="alert"
      data-testid={props.testId}
      data-outcome="refused"
      data-code={p.kind === "refused" ? p.refusal.code : p.error.code}
    >
      <span className="desk-outcome-mark" aria-hidden="true">
        ✕
      </span>
      <div className="desk-outcome-body">
        <p className="desk-outcome-kicker">{p.kind === "refused" ? t("desk.outcome.refused") : t("desk.outcome.error")}</p>
        <p className="desk-outcome-title" data-testid={`${props.testId}-message`}>
          {text.title}
        </p>
        {p.barcode && <p className="desk-outcome-sub">{t("desk.outcome.barcode", { barcode: p.barcode })}</p>}
        {text.detail && <p className="desk-outcome-sub">{text.detail}</p>}
        {overridable && (
          <button type="button" className="desk-override" data-testid={`${props.testId}-override`} onClick={props.onOverride}>
            {t("desk.override.button")}
          </button>
        )}
      </div>
    </div>
  );
}

/** Asks staff why they lend despite the refusal; the reason is required and recorded. */
export function OverrideDialog(props: { refusal: Refusal; onConfirm(reason: string): void; onCancel(): void }) {
  const { t } = useTranslation();
  const lang = useLang();
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const titleId = useId();
  const fieldId = useId();
  const errorId = useId();

  const modal = useModal({ canClose: true, onClose: props.onCancel, initialFocus: inputRef });

  const submit = () => {
    const text = reason.trim();
    if (!text) {
      setMissing(true);
      inputRef.current?.focus();
      return;
    }
    props.onConfirm(text);
  };

  return (
    <dialog
      ref={modal.ref}
      className="confirm-dialog desk-override-dialog"
      aria-labelledby={titleId}
      data-testid="override-dialog"
      onCancel={modal.onCancel}
      onKeyDown={modal.onKeyDown}
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <h2 id={titleId}>{t("desk.override.title")}</h2>
        <p>{refusalMessage(props.refusal, lang)}</p>
        <label htmlFor={fieldId}>{t("desk.override.reason")}</label>
        <textarea
          id={fieldId}
          ref={inputRef}
          data-testid="override-reason"
          value={reason}
          required
          aria-required="true"
          aria-invalid={missing || undefined}
          aria-describedby={missing ? errorId : undefined}
          onChange={(e) => {
            setReason(e.target.value);
            if (e.target.value.trim()) setMissing(false);
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              submit();
            }
          }}
        />
        {missing && (
          <p id={errorId} className="desk-field-error" role="alert" data-testid="override-reason-error">
            {t("desk.override.reasonRequired")}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={props.onCancel} data-testid="override-cancel">
            {t("desk.override.cancel")}
          </button>
          <button type="submit" className="danger" data-testid="override-confirm">
            {t("desk.override.confirm")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
