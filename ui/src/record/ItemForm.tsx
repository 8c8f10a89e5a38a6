import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { toErrorPayload } from "../api";
import { useModal } from "../components/modal";
import type { Branch } from "../bindings/Branch";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { ItemInput } from "../bindings/ItemInput";
import type { ItemStatus } from "../bindings/ItemStatus";
import {
  CATALOGING_STATUSES,
  CIRCULATION_STATUSES,
  checkItem,
  isCirculationStatus,
  toItemInput,
  type ItemDraft,
  type ItemField,
} from "./format";

export interface ItemFormProps {
  /** null for a new item; the barcode being edited otherwise (for the title). */
  editing: string | null;
  initial: ItemDraft;
  /** null while loading. */
  branches: Branch[] | null;
  branchesFailed: boolean;
  itemTypes: string[];
  /** Rejects with an ErrorPayload; the form stays open with what was typed. */
  onSubmit(input: ItemInput): Promise<void>;
  onCancel(): void;
}

const ALL_STATUSES: readonly ItemStatus[] = [...CATALOGING_STATUSES, ...CIRCULATION_STATUSES];
const FIELD_ORDER: readonly ItemField[] = ["barcode", "branch_code", "location"];

/**
 * The item form, a modal dialog: barcode first (a scanner types it and presses Enter), the
 * form's own checks shown at each field, the server's refusal of a taken barcode shown at the
 * barcode with everything typed kept.
 */
export function ItemForm(props: ItemFormProps) {
  const { t } = useTranslation();
  const barcodeRef = useRef<HTMLInputElement>(null);
  const branchRef = useRef<HTMLSelectElement>(null);
  const locationRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const [draft, setDraft] = useState<ItemDraft>(props.initial);
  const [problems, setProblems] = useState<Partial<Record<ItemField, string>>>({});
  const [formError, setFormError] = useState<ErrorPayload | null>(null);
  const [saving, setSaving] = useState(false);

  // Barcode first: a scanner types it. Esc cancels even while saving, as Cancel does.
  const modal = useModal({ canClose: true, onClose: props.onCancel, initialFocus: barcodeRef });

  // A new item takes the first branch once the list arrives, unless one is chosen already.
  const firstBranch = props.branches?.[0]?.code;
  useEffect(() => {
    if (firstBranch) setDraft((d) => (d.branch_code ? d : { ...d, branch_code: firstBranch }));
  }, [firstBranch]);

  const set = <K extends keyof ItemDraft>(key: K, value: ItemDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setProblems((p) => (key in p ? { ...p, [key]: undefined } : p));
  };

  const focusField = (field: ItemField) => {
    const el = field === "barcode" ? barcodeRef.current : field === "branch_code" ? branchRef.current : locationRef.current;
    el?.focus();
    if (el instanceof HTMLInputElement) el.select();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (saving) return;
    const found = checkItem(draft);
    const messages: Partial<Record<ItemField, string>> = {};
    for (const field of FIELD_ORDER) {
      const key = found[field];
      if (key) messages[field] = t(`items.errors.${key}`);
    }
    setProblems(messages);
    setFormError(null);
    const first = FIELD_ORDER.find((f) => messages[f]);
    if (first) {
      focusField(first);
      return;
    }
    setSaving(true);
    props.onSubmit(toItemInput(draft)).then(
      () => setSaving(false),
      (err: unknown) => {
        setSaving(false);
        const payload = toErrorPayload(err);
        if (payload.code === "barcode_in_use") {
          const detail = payload.message ? ` (${payload.message})` : "";
          setProblems({ barcode: `${t("errors.barcode_in_use")}${detail}` });
          focusField("barcode");
        } else {
          setFormError(payload);
        }
      },
    );
  };

  const fieldIds: Record<keyof ItemDraft, string> = {
    barcode: `${id}-barcode`,
    branch_code: `${id}-branch`,
    location: `${id}-location`,
    call_number: `${id}-call`,
    item_type: `${id}-type`,
    status: `${id}-status`,
  };
  const errorId = (field: ItemField) => `${fieldIds[field]}-error`;
  const describedBy = (field: ItemField, ...others: Array<string | false>) =>
    [...others, problems[field] ? errorId(field) : false].filter(Boolean).join(" ") || undefined;
  const fieldError = (field: ItemField) =>
    problems[field] ? (
      <p id={errorId(field)} className="field-error" data-testid={`item-error-${field}`}>
        {problems[field]}
      </p>
    ) : null;

  const branches = props.branches ?? [];
  const knownBranch = branches.some((b) => b.code === draft.branch_code);
  const circulationHeld = isCirculationStatus(props.initial.status);
  const titleId = `${id}-title`;

  return (
    <dialog
      ref={modal.ref}
      className="item-form-dialog"
      aria-labelledby={titleId}
      data-testid="item-form"
      onCancel={modal.onCancel}
      onKeyDown={modal.onKeyDown}
    >
      <h2 id={titleId}>
        {props.editing === null ? t("items.form.addTitle") : t("items.form.editTitle", { barcode: props.editing })}
      </h2>
      <form className="item-form" onSubmit={submit} noValidate>
        {formError && (
          <div role="alert" className="record-inline-error" data-testid="item-form-error">
            <p>
              {t("items.form.failed")} {t(`errors.${formError.code}`)}
            </p>
            {formError.message && <p>{formError.message}</p>}
          </div>
        )}
        <div className="form-field">
          <label htmlFor={fieldIds.barcode}>{t("items.form.barcode")}</label>
          <input
            ref={barcodeRef}
            id={fieldIds.barcode}
            data-testid="item-barcode"
            className="identifier"
            value={draft.barcode}
            autoComplete="off"
            spellCheck={false}
            required
            aria-invalid={problems.barcode ? true : undefined}
            aria-describedby={describedBy("barcode", `${fieldIds.barcode}-hint`)}
            onChange={(e) => set("barcode", e.target.value)}
          />
          <p id={`${fieldIds.barcode}-hint`} className="field-hint">
            {t("items.form.barcodeHint")}
          </p>
          {fieldError("barcode")}
        </div>
        <div className="form-field">
          <label htmlFor={fieldIds.branch_code}>{t("items.form.branch")}</label>
          <select
            ref={branchRef}
            id={fieldIds.branch_code}
            data-testid="item-branch"
            value={draft.branch_code}
            required
            aria-invalid={problems.branch_code ? true : undefined}
            aria-describedby={describedBy("branch_code", props.branchesFailed && `${fieldIds.branch_code}-failed`)}
            onChange={(e) => set("branch_code", e.target.value)}
          >
            {!draft.branch_code && (
              <option value="">
                {props.branches === null && !props.branchesFailed ? t("items.form.branchesLoading") : "—"}
              </option>
            )}
            {draft.branch_code && !knownBranch && <option value={draft.branch_code}>{draft.branch_code}</option>}
            {branches.map((b) => (
              <option key={b.code} value={b.code}>
                {b.code} — {b.name}
              </option>
            ))}
          </select>
          {props.branchesFailed && (
            <p id={`${fieldIds.branch_code}-failed`} className="field-hint">
              {t("items.form.branchesFailed")}
            </p>
          )}
          {fieldError("branch_code")}
        </div>
        <div className="form-field">
          <label htmlFor={fieldIds.location}>{t("items.form.location")}</label>
          <input
            ref={locationRef}
            id={fieldIds.location}
            data-testid="item-location"
            value={draft.location}
            required
            aria-invalid={problems.location ? true : undefined}
            aria-describedby={describedBy("location")}
            onChange={(e) => set("location", e.target.value)}
          />
          {fieldError("location")}
        </div>
        <div className="form-field">
          <label htmlFor={fieldIds.call_number}>{t("items.form.callNumber")}</label>
          <input
            id={fieldIds.call_number}
            data-testid="item-call-number"
            className="identifier"
            value={draft.call_number}
            spellCheck={false}
            onChange={(e) => set("call_number", e.target.value)}
          />
        </div>
        <div className="form-field">
          <label htmlFor={fieldIds.item_type}>{t("items.form.itemType")}</label>
          <select
            id={fieldIds.item_type}
            data-testid="item-type"
            value={draft.item_type}
            onChange={(e) => set("item_type", e.target.value)}
          >
            {props.itemTypes.map((type) => (
              <option key={type} value={type}>
                {t(`items.type.${type}`, { defaultValue: type })}
              </option>
            ))}
          </select>
        </div>
        <div className="form-field">
          <label htmlFor={fieldIds.status}>{t("items.form.status")}</label>
          <select
            id={fieldIds.status}
            data-testid="item-status"
            value={draft.status}
            disabled={circulationHeld}
            aria-describedby={circulationHeld ? `${fieldIds.status}-hint` : undefined}
            onChange={(e) => set("status", e.target.value as ItemStatus)}
          >
            {ALL_STATUSES.map((status) =>
              isCirculationStatus(status) ? (
                <option key={status} value={status} disabled>
                  {t("items.form.circulationOnly", { status: t(`items.status.${status}`) })}
                </option>
              ) : (
                <option key={status} value={status}>
                  {t(`items.status.${status}`)}
                </option>
              ),
            )}
          </select>
          {circulationHeld && (
            <p id={`${fieldIds.status}-hint`} className="field-hint">
              {t("items.form.circulationHint")}
            </p>
          )}
        </div>
        <div className="dialog-actions">
          <button type="button" onClick={props.onCancel} data-testid="item-cancel">
            {t("items.form.cancel")}
          </button>
          <button type="submit" className="primary" disabled={saving} data-testid="item-save">
            {saving ? t("items.form.saving") : t("items.form.save")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
