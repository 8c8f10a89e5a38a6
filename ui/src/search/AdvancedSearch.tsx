import { useId, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Labeller } from "./labels";
import {
  LANGUAGE_CODES,
  MATERIAL_TYPES,
  OPERATORS,
  buildQuery,
  emptyForm,
  type AdvancedForm,
  type Operator,
} from "./queryBuilder";

export interface AdvancedSearchProps {
  id: string;
  form: AdvancedForm;
  onChange(form: AdvancedForm): void;
  /** The query the form builds, to be put in the search box. */
  onSearch(query: string): void;
  labels: Labeller;
}

/** Field-by-field search that writes its query, in the search language, into the box. */
export function AdvancedSearch({ id, form, onChange, onSearch, labels }: AdvancedSearchProps) {
  const { t } = useTranslation();
  const base = useId();
  const headingId = `${base}-heading`;

  const setRow = (index: number, patch: Partial<AdvancedForm["rows"][number]>) =>
    onChange({ ...form, rows: form.rows.map((r, i) => (i === index ? { ...r, ...patch } : r)) });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(buildQuery(form));
  };

  return (
    <form id={id} className="advanced-search" aria-labelledby={headingId} onSubmit={submit} data-testid="advanced-form">
      <h3 id={headingId}>{t("search.advanced.heading")}</h3>
      <p className="advanced-note">{t("search.advanced.note")}</p>
      <div className="advanced-rows">
        {form.rows.map((row, index) => {
          const fieldName = t(`search.advanced.fields.${row.field}`);
          return (
            <div className="advanced-row" key={row.field}>
              <select
                aria-label={t("search.advanced.operator", { field: fieldName })}
                data-testid={`advanced-op-${row.field}`}
                value={row.op}
                onChange={(e) => setRow(index, { op: e.target.value as Operator })}
              >
                {OPERATORS.map((op) => (
                  <option key={op} value={op}>
                    {t(`search.advanced.operators.${op}`)}
                  </option>
                ))}
              </select>
              <label htmlFor={`${base}-${row.field}`}>{fieldName}</label>
              <input
                id={`${base}-${row.field}`}
                type="text"
                data-testid={`advanced-${row.field}`}
                value={row.value}
                onChange={(e) => setRow(index, { value: e.target.value })}
              />
            </div>
          );
        })}
      </div>
      <div className="advanced-filters">
        <fieldset>
          <legend>{t("search.advanced.year")}</legend>
          <label htmlFor={`${base}-from`}>{t("search.advanced.yearFrom")}</label>
          <input
            id={`${base}-from`}
            data-testid="advanced-year-from"
            inputMode="numeric"
            maxLength={4}
            size={5}
            value={form.yearFrom}
            onChange={(e) => onChange({ ...form, yearFrom: e.target.value })}
          />
          <label htmlFor={`${base}-to`}>{t("search.advanced.yearTo")}</label>
          <input
            id={`${base}-to`}
            data-testid="advanced-year-to"
            inputMode="numeric"
            maxLength={4}
            size={5}
            value={form.yearTo}
            onChange={(e) => onChange({ ...form, yearTo: e.target.value })}
          />
        </fieldset>
        <label className="advanced-select">
          <span>{t("search.advanced.language")}</span>
          <select
            data-testid="advanced-lang"
            value={form.lang}
            onChange={(e) => onChange({ ...form, lang: e.target.value })}
          >
            <option value="">{t("search.advanced.anyLanguage")}</option>
            {LANGUAGE_CODES.map((code) => (
              <option key={code} value={code}>
                {labels.language(code)} ({code})
              </option>
            ))}
          </select>
        </label>
        <label className="advanced-select">
          <span>{t("search.advanced.type")}</span>
          <select
            data-testid="advanced-type"
            value={form.type}
            onChange={(e) => onChange({ ...form, type: e.target.value })}
          >
            <option value="">{t("search.advanced.anyType")}</option>
            {MATERIAL_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`materialType.${type}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="advanced-actions">
        <button type="submit" className="primary" data-testid="advanced-submit">
          {t("search.advanced.submit")}
        </button>
        <button type="button" data-testid="advanced-reset" onClick={() => onChange(emptyForm())}>
          {t("search.advanced.reset")}
        </button>
      </div>
    </form>
  );
}
