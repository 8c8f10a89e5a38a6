import { useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { toErrorPayload } from "../api";
import type { AccessLevel } from "../bindings/AccessLevel";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { RightsStatus } from "../bindings/RightsStatus";
import { useModal } from "../components/modal";
import { currentLanguage, formatNumber } from "../i18n";
import { ACCESS_LEVELS, groupedStatuses } from "./logic";
import { RightsError } from "./RightsError";

export interface Determined {
  status: RightsStatus;
  /** `null`: the level follows the status. */
  access: AccessLevel | null;
  /** Trimmed, never empty. */
  reason: string;
}

export interface DetermineDialogProps {
  /** How many works the decision is for (shown in the title). */
  count: number;
  /** `status`: a status, an optional level and a reason; `access`: only a level and a reason. */
  kind?: "status" | "access";
  initialStatus?: RightsStatus | null;
  initialAccess?: AccessLevel | null;
  /** Saves; a rejection keeps the dialog open with the error. */
  onConfirm(choice: Determined): Promise<void>;
  onCancel(): void;
}

/**
 * A person's decision: one of the thirteen statuses (each with its name and a line on what it
 * means, grouped by what they allow), optionally an access level, and the reason, required.
 */
export function DetermineDialog({ count, kind = "status", initialStatus = null, initialAccess = null, onConfirm, onCancel }: DetermineDialogProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const id = useId();
  const [status, setStatus] = useState<RightsStatus | null>(initialStatus);
  const [access, setAccess] = useState<AccessLevel | "">(initialAccess ?? "");
  const [reason, setReason] = useState("");
  const [problems, setProblems] = useState<{ status?: boolean; reason?: boolean }>({});
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const { ref, onKeyDown, onCancel: onDialogCancel } = useModal({ canClose: !saving, onClose: onCancel });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const trimmed = reason.trim();
    const missing = { status: kind === "status" && status === null, reason: trimmed === "" };
    setProblems(missing);
    if (missing.status) {
      ref.current?.querySelector<HTMLInputElement>('input[type="radio"]')?.focus();
      return;
    }
    if (missing.reason) {
      reasonRef.current?.focus();
      return;
    }
    setSaving(true);
    setError(null);
    try {
      await onConfirm({ status: status ?? "CNE", access: access === "" ? null : access, reason: trimmed });
    } catch (err) {
      setError(toErrorPayload(err));
      setSaving(false);
    }
  };

  const title =
    kind === "status" ? t("rights.dialog.title", { count, formatted: formatNumber(count, lang) }) : t("rights.panel.accessTitle");

  return (
    <dialog
      ref={ref}
      className="rights-dialog"
      aria-labelledby={`${id}-title`}
      data-testid="rights-dialog"
      onCancel={onDialogCancel}
      onKeyDown={onKeyDown}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        {kind === "status" && (
          <fieldset
            className="rights-statuses"
            aria-invalid={problems.status ? true : undefined}
            aria-describedby={problems.status ? `${id}-status-problem` : undefined}
          >
            <legend>{t("rights.dialog.status")}</legend>
            {problems.status && (
              <p id={`${id}-status-problem`} className="rights-problem" data-testid="rights-dialog-status-problem">
                {t("rights.dialog.statusRequired")}
              </p>
            )}
            {groupedStatuses().map(({ group, statuses }) => (
              <div key={group} role="group" aria-labelledby={`${id}-g-${group}`} className="rights-status-group">
                <h3 id={`${id}-g-${group}`}>{t(`rights.group.${group}`)}</h3>
                {statuses.map((s) => (
                  <label key={s} className="rights-status-option">
                    <input
                      type="radio"
                      name={`${id}-status`}
                      value={s}
                      checked={status === s}
                      onChange={() => setStatus(s)}
                      aria-labelledby={`${id}-n-${s}`}
                      aria-describedby={`${id}-m-${s}`}
                      data-testid={`rights-status-${s}`}
                    />
                    <span id={`${id}-n-${s}`} className="rights-status-name">{t(`rights.status.${s}.name`)}</span>
                    <span id={`${id}-m-${s}`} className="rights-status-meaning">
                      {t(`rights.status.${s}.meaning`)}
                    </span>
                  </label>
                ))}
              </div>
            ))}
          </fieldset>
        )}
        <div className="rights-field">
          <label htmlFor={`${id}-access`}>{t("rights.dialog.access")}</label>
          <select
            id={`${id}-access`}
            value={access}
            onChange={(e) => setAccess(e.target.value as AccessLevel | "")}
            data-testid="rights-dialog-access"
          >
            <option value="">{t("rights.dialog.accessFollows")}</option>
            {ACCESS_LEVELS.map((a) => (
              <option key={a} value={a}>
                {t(`rights.access.${a}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="rights-field">
          <label htmlFor={`${id}-reason`}>{t("rights.dialog.reason")}</label>
          <textarea
            id={`${id}-reason`}
            ref={reasonRef}
            rows={3}
            required
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
              if (problems.reason && e.target.value.trim()) setProblems((p) => ({ ...p, reason: false }));
            }}
            aria-invalid={problems.reason ? true : undefined}
            aria-describedby={problems.reason ? `${id}-reason-problem ${id}-reason-hint` : `${id}-reason-hint`}
            data-testid="rights-dialog-reason"
          />
          <p id={`${id}-reason-hint`} className="rights-hint">
            {t("rights.dialog.reasonHint")}
          </p>
          {problems.reason && (
            <p id={`${id}-reason-problem`} className="rights-problem" data-testid="rights-dialog-reason-problem">
              {t("rights.dialog.reasonRequired")}
            </p>
          )}
        </div>
        {error && <RightsError testId="rights-dialog-error" lead={t("rights.dialog.failed")} error={error} />}
        <div className="dialog-actions">
          <button type="button" onClick={onCancel} disabled={saving} data-testid="rights-dialog-cancel">
            {t("rights.dialog.cancel")}
          </button>
          <button type="submit" className="primary" disabled={saving} data-testid="rights-dialog-confirm">
            {saving ? t("rights.dialog.saving") : kind === "status" ? t("rights.dialog.confirm") : t("rights.panel.accessConfirm")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
