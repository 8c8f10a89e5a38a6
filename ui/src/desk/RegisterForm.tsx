import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { toErrorPayload, type CatalogApi } from "../api";
import type { Branch } from "../bindings/Branch";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { PatronAccount } from "../bindings/PatronAccount";
import type { PatronInput } from "../bindings/PatronInput";
import {
  PATRON_CATEGORIES,
  fieldOfServerError,
  oneYearFrom,
  validatePatron,
  type PatronErrors,
  type PatronField,
} from "./format";

export interface RegisterFormProps {
  api: CatalogApi;
  branches: Branch[];
  deskBranch: string | null;
  /** Today, for the default expiry (a year on) and the check that it lies ahead. */
  today?: Date;
  onRegistered(account: PatronAccount): void;
  onCancel(): void;
}

const FIELD_ORDER: PatronField[] = ["barcode", "name", "category", "email", "phone", "home_branch_code", "expires_on"];

/** A new reader's card: checked here field by field, then by core (a card number in use). */
export function RegisterForm(props: RegisterFormProps) {
  const { t } = useTranslation();
  const today = props.today ?? new Date();
  const [input, setInput] = useState<PatronInput>(() => ({
    barcode: "",
    name: "",
    category: "adult",
    email: "",
    phone: "",
    home_branch_code: props.deskBranch,
    expires_on: oneYearFrom(today),
    notes: "",
  }));
  const [errors, setErrors] = useState<PatronErrors>({});
  /** Core's refusal of one field, in its own words; or of the whole form. */
  const [serverField, setServerField] = useState<{ field: PatronField; error: ErrorPayload } | null>(null);
  const [serverForm, setServerForm] = useState<ErrorPayload | null>(null);
  const [saving, setSaving] = useState(false);
  const firstRef = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => firstRef.current?.focus(), []);

  const set = <K extends keyof PatronInput>(key: K, value: PatronInput[K]) => {
    setInput((i) => ({ ...i, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
    if (serverField?.field === key) setServerField(null);
  };

  const focusField = (field: PatronField) =>
    formRef.current?.querySelector<HTMLElement>(`[name="${field}"]`)?.focus();

  const submit = async () => {
    const found = validatePatron(input, today);
    setErrors(found);
    setServerForm(null);
    setServerField(null);
    const first = FIELD_ORDER.find((f) => found[f]);
    if (first) {
      focusField(first);
      return;
    }
    const clean: PatronInput = {
      ...input,
      barcode: input.barcode.trim(),
      name: input.name.trim(),
      email: input.email?.trim() || null,
      phone: input.phone?.trim() || null,
      home_branch_code: input.home_branch_code || null,
      notes: input.notes.trim(),
    };
    setSaving(true);
    try {
      const account = await props.api.registerPatron(clean);
      props.onRegistered(account);
    } catch (err) {
      const error = toErrorPayload(err);
      const field = fieldOfServerError(error);
      if (field) {
        setServerField({ field, error });
        focusField(field);
      } else setServerForm(error);
    } finally {
      setSaving(false);
    }
  };

  const messageFor = (field: PatronField): string | null => {
    const key = errors[field];
    if (key) return t(`desk.register.errors.${key}`);
    if (serverField?.field === field) {
      const code = serverField.error.code;
      return code === "barcode_in_use"
        ? t("desk.register.errors.barcodeInUse", { barcode: input.barcode.trim() })
        : code === "not_found"
          ? t("desk.register.errors.branchUnknown")
          : t(`errors.${code}`);
    }
    return null;
  };

  const describe = (field: PatronField) => {
    const message = messageFor(field);
    return {
      name: field,
      "aria-invalid": message ? true : undefined,
      "aria-describedby": message ? `desk-reg-${field}-error` : undefined,
      "data-testid": `register-${field}`,
    };
  };
  const errorText = (field: PatronField) => {
    const message = messageFor(field);
    return message ? (
      <p id={`desk-reg-${field}-error`} className="desk-field-error" data-testid={`register-${field}-error`}>
        {message}
      </p>
    ) : null;
  };

  return (
    <form
      ref={formRef}
      className="desk-card desk-register"
      noValidate
      aria-labelledby="desk-register-title"
      data-testid="register-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3 id="desk-register-title">{t("desk.register.title")}</h3>
      {serverForm && (
        <p className="desk-field-error" role="alert" data-testid="register-server-error">
          {t(`errors.${serverForm.code}`)} {serverForm.message}
        </p>
      )}
      <div className="desk-form-grid">
        <label htmlFor="desk-reg-barcode">{t("desk.register.barcode")} *</label>
        <div>
          <input id="desk-reg-barcode" ref={firstRef} required aria-required="true" autoComplete="off" value={input.barcode} onChange={(e) => set("barcode", e.target.value)} {...describe("barcode")} />
          {errorText("barcode")}
        </div>
        <label htmlFor="desk-reg-name">{t("desk.register.name")} *</label>
        <div>
          <input id="desk-reg-name" required aria-required="true" autoComplete="off" value={input.name} onChange={(e) => set("name", e.target.value)} {...describe("name")} />
          {errorText("name")}
        </div>
        <label htmlFor="desk-reg-category">{t("desk.register.category")} *</label>
        <div>
          <select id="desk-reg-category" required aria-required="true" value={input.category} onChange={(e) => set("category", e.target.value)} {...describe("category")}>
            {PATRON_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`desk.category.${c}`)}
              </option>
            ))}
          </select>
          {errorText("category")}
        </div>
        <label htmlFor="desk-reg-email">{t("desk.register.email")}</label>
        <div>
          <input id="desk-reg-email" type="email" autoComplete="off" value={input.email ?? ""} onChange={(e) => set("email", e.target.value)} {...describe("email")} />
          {errorText("email")}
        </div>
        <label htmlFor="desk-reg-phone">{t("desk.register.phone")}</label>
        <div>
          <input id="desk-reg-phone" type="tel" autoComplete="off" value={input.phone ?? ""} onChange={(e) => set("phone", e.target.value)} {...describe("phone")} />
          {errorText("phone")}
        </div>
        <label htmlFor="desk-reg-home">{t("desk.register.homeBranch")}</label>
        <div>
          <select id="desk-reg-home" value={input.home_branch_code ?? ""} onChange={(e) => set("home_branch_code", e.target.value || null)} {...describe("home_branch_code")}>
            <option value="">{t("desk.register.noHomeBranch")}</option>
            {props.branches.map((b) => (
              <option key={b.code} value={b.code}>
                {b.name}
              </option>
            ))}
          </select>
          {errorText("home_branch_code")}
        </div>
        <label htmlFor="desk-reg-expires">{t("desk.register.expires")} *</label>
        <div>
          <input id="desk-reg-expires" type="date" required aria-required="true" value={input.expires_on} onChange={(e) => set("expires_on", e.target.value)} {...describe("expires_on")} />
          {errorText("expires_on")}
        </div>
        <label htmlFor="desk-reg-notes">{t("desk.register.notes")}</label>
        <div>
          <textarea id="desk-reg-notes" data-testid="register-notes" value={input.notes} onChange={(e) => set("notes", e.target.value)} />
        </div>
      </div>
      <div className="desk-actions">
        <button type="button" data-testid="register-cancel" onClick={props.onCancel}>
          {t("desk.register.cancel")}
        </button>
        <button type="submit" className="primary" data-testid="register-submit" disabled={saving}>
          {t("desk.register.submit")}
        </button>
      </div>
    </form>
  );
}
