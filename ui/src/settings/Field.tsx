import { useId, type ReactElement, cloneElement } from "react";

export interface FieldProps {
  label: string;
  /** One line that helps fill it in. */
  hint?: string;
  /** What is wrong with the value, in words (the field is then marked invalid). */
  error?: string | null;
  /** The input, select or textarea; it receives the id, aria-invalid and aria-describedby. */
  children: ReactElement<Record<string, unknown>>;
  testId?: string;
}

/** A labelled control with its hint and its error, tied together for assistive technology. */
export function Field({ label, hint, error, children, testId }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const described = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="settings-field" data-testid={testId}>
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, { id, "aria-invalid": error ? true : undefined, "aria-describedby": described })}
      {hint && (
        <p id={hintId} className="settings-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="settings-field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** A failure of a settings action: what failed and core's words for why. */
export function SettingsError({ lead, error, testId }: { lead: string; error: { code: string; message: string; details: string | null }; testId: string }) {
  const detail = [error.message, error.details].filter((s): s is string => !!s).join(" — ");
  return (
    <div role="alert" className="settings-error" data-testid={testId} data-code={error.code}>
      <strong>{lead}</strong>
      {detail && <span> {detail}</span>}
    </div>
  );
}
