import { useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { toErrorPayload } from "../api";
import type { AccessLevel } from "../bindings/AccessLevel";
import type { DigitalObject } from "../bindings/DigitalObject";
import type { RightsStatus } from "../bindings/RightsStatus";
import { useModal } from "../components/modal";
import { ACCESS_LEVELS, RIGHTS_STATUSES } from "./format";

/** A failed save, said inside the dialog that stays open. */
function DialogError({ message, testId }: { message: string | null; testId: string }) {
  const { t } = useTranslation();
  if (message === null) return null;
  return (
    <p className="digital-inline-error" role="alert" data-testid={testId}>
      {t("digital.dialog.failed")} {message}
    </p>
  );
}

/** Saving from a dialog: busy while it runs; a failure is said inside the dialog, which stays open. */
function useDialogSave() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    work().catch((err: unknown) => {
      setBusy(false);
      setError(toErrorPayload(err).message);
    });
  };
  return { busy, error, save };
}

/** The reason a change needs: `given()` is the trimmed reason, or null after marking it missing. */
function useReason() {
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const change = (value: string) => {
    setReason(value);
    if (value.trim()) setMissing(false);
  };
  const given = () => {
    if (!reason.trim()) {
      setMissing(true);
      return null;
    }
    return reason.trim();
  };
  return { reason, missing, change, given };
}

/** The required reason field, with its message when the form was sent without one. */
function ReasonField({ id, state, testId }: { id: string; state: ReturnType<typeof useReason>; testId: string }) {
  const { t } = useTranslation();
  return (
    <>
      <label htmlFor={`${id}-reason`}>{t("digital.dialog.reason")}</label>
      <textarea
        id={`${id}-reason`}
        rows={3}
        required
        value={state.reason}
        aria-invalid={state.missing || undefined}
        aria-describedby={state.missing ? `${id}-missing` : undefined}
        onChange={(e) => state.change(e.target.value)}
        data-testid={testId}
      />
      {state.missing && (
        <span id={`${id}-missing`} className="digital-field-error" role="alert" data-testid={`${testId}-missing`}>
          {t("digital.dialog.reasonMissing")}
        </span>
      )}
    </>
  );
}

export interface AttachDialogProps {
  /** The file the picker returned. */
  path: string;
  onAttach(label: string | null, accessibleFormat: boolean): Promise<void>;
  onCancel(): void;
}

/** What to call a file being attached, and whether it is an accessible-format copy. */
export function AttachDialog({ path, onAttach, onCancel }: AttachDialogProps) {
  const { t } = useTranslation();
  const id = useId();
  const [label, setLabel] = useState("");
  const [accessible, setAccessible] = useState(false);
  const { busy, error, save } = useDialogSave();
  const { ref, onKeyDown, onCancel: onDialogCancel } = useModal({ canClose: !busy, onClose: onCancel });
  const fileName = path.split(/[\\/]/).pop() ?? path;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save(() => onAttach(label.trim() || null, accessible));
  };

  return (
    <dialog ref={ref} aria-labelledby={`${id}-title`} onKeyDown={onKeyDown} onCancel={onDialogCancel} data-testid="attach-dialog">
      <form onSubmit={submit} className="digital-form">
        <h2 id={`${id}-title`}>{t("digital.attach.title")}</h2>
        <p>
          {t("digital.attach.file")} <span className="identifier" data-testid="attach-file">{fileName}</span>
        </p>
        <label htmlFor={`${id}-label`}>{t("digital.attach.label")}</label>
        <input
          id={`${id}-label`}
          type="text"
          value={label}
          aria-describedby={`${id}-label-help`}
          onChange={(e) => setLabel(e.target.value)}
          data-testid="attach-label"
        />
        <span id={`${id}-label-help`} className="digital-muted">
          {t("digital.attach.labelHelp")}
        </span>
        <label className="digital-check">
          <input type="checkbox" checked={accessible} onChange={(e) => setAccessible(e.target.checked)} data-testid="attach-accessible" />
          {t("digital.attach.accessible")}
        </label>
        <DialogError message={error} testId="attach-error" />
        <div className="dialog-actions">
          <button type="button" onClick={onCancel} disabled={busy} data-testid="attach-cancel">
            {t("digital.dialog.cancel")}
          </button>
          <button type="submit" className="primary" disabled={busy} data-testid="attach-save">
            {busy ? t("digital.attach.working") : t("digital.attach.save")}
          </button>
        </div>
      </form>
    </dialog>
  );
}

export interface RemoveDialogProps {
  object: DigitalObject;
  onRemove(reason: string): Promise<void>;
  onCancel(): void;
}

/** Removing a digital object: a reason is required; Cancel has focus first. */
export function RemoveDialog({ object, onRemove, onCancel }: RemoveDialogProps) {
  const { t } = useTranslation();
  const id = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const reason = useReason();
  const { busy, error, save } = useDialogSave();
  const { ref, onKeyDown, onCancel: onDialogCancel } = useModal({ canClose: !busy, onClose: onCancel, initialFocus: cancelRef });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const given = reason.given();
    if (given === null) return;
    save(() => onRemove(given));
  };

  return (
    <dialog
      ref={ref}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-message`}
      onKeyDown={onKeyDown}
      onCancel={onDialogCancel}
      data-testid="remove-dialog"
    >
      <form onSubmit={submit} className="digital-form" noValidate>
        <h2 id={`${id}-title`}>{t("digital.remove.title")}</h2>
        <p id={`${id}-message`}>{t("digital.remove.message", { name: object.label ?? object.file_name })}</p>
        <ReasonField id={id} state={reason} testId="remove-reason" />
        <DialogError message={error} testId="remove-error" />
        <div className="dialog-actions">
          <button type="button" ref={cancelRef} onClick={onCancel} disabled={busy} data-testid="remove-cancel">
            {t("digital.remove.keep")}
          </button>
          <button type="submit" className="danger" disabled={busy} data-testid="remove-confirm">
            {t("digital.remove.confirm")}
          </button>
        </div>
      </form>
    </dialog>
  );
}

export interface ObjectRightsDialogProps {
  object: DigitalObject;
  onSave(status: RightsStatus | null, access: AccessLevel | null, reason: string): Promise<void>;
  onCancel(): void;
}

const FOLLOW = "";

/**
 * The object's own status and access level (a new narration has its own rights), or back to
 * following the work's; a reason is required either way.
 */
export function ObjectRightsDialog({ object, onSave, onCancel }: ObjectRightsDialogProps) {
  const { t } = useTranslation();
  const id = useId();
  const [status, setStatus] = useState<string>(object.status ?? FOLLOW);
  // The level shown is the effective one; an object with its own status or reason starts from it.
  const [access, setAccess] = useState<string>(object.rights_reason ? object.access : FOLLOW);
  const reason = useReason();
  const { busy, error, save } = useDialogSave();
  const { ref, onKeyDown, onCancel: onDialogCancel } = useModal({ canClose: !busy, onClose: onCancel });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const given = reason.given();
    if (given === null) return;
    save(() => onSave(status === FOLLOW ? null : (status as RightsStatus), access === FOLLOW ? null : (access as AccessLevel), given));
  };

  return (
    <dialog ref={ref} aria-labelledby={`${id}-title`} onKeyDown={onKeyDown} onCancel={onDialogCancel} data-testid="object-rights-dialog">
      <form onSubmit={submit} className="digital-form" noValidate>
        <h2 id={`${id}-title`}>{t("digital.objectRights.title", { name: object.label ?? object.file_name })}</h2>
        <p className="digital-muted">{t("digital.objectRights.help")}</p>
        <label htmlFor={`${id}-status`}>{t("digital.objectRights.status")}</label>
        <select id={`${id}-status`} value={status} onChange={(e) => setStatus(e.target.value)} data-testid="object-rights-status">
          <option value={FOLLOW}>{t("digital.objectRights.followWork")}</option>
          {RIGHTS_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`digital.status.${s}`)}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-access`}>{t("digital.objectRights.access")}</label>
        <select id={`${id}-access`} value={access} onChange={(e) => setAccess(e.target.value)} data-testid="object-rights-access">
          <option value={FOLLOW}>{t("digital.objectRights.followStatus")}</option>
          {ACCESS_LEVELS.map((a) => (
            <option key={a} value={a}>
              {t(`digital.access.${a}`)}
            </option>
          ))}
        </select>
        <ReasonField id={id} state={reason} testId="object-rights-reason" />
        <DialogError message={error} testId="object-rights-error" />
        <div className="dialog-actions">
          <button type="button" onClick={onCancel} disabled={busy} data-testid="object-rights-cancel">
            {t("digital.dialog.cancel")}
          </button>
          <button type="submit" className="primary" disabled={busy} data-testid="object-rights-save">
            {t("digital.objectRights.save")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
