import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { CatalogApi } from "../api";
import type { CopyTarget } from "../bindings/CopyTarget";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Field, SettingsError } from "./Field";
import { useSettingsList } from "./useSettingsList";
import { checkTargetName, checkTargetUrl } from "./validate";

export const SRU_VERSIONS = ["1.2", "2.0"] as const;
/** MARCXML by its short name and by its SRU schema identifier: servers know one or the other. */
export const RECORD_SCHEMAS = ["marcxml", "info:srw/schema/1/marcxml-v1.1"] as const;

type Errors = { name: string | null; url: string | null };

const loadTargets = (api: CatalogApi) => api.copyTargets();

/**
 * The other libraries' SRU servers a cataloger copies records from: listed, added (name,
 * base URL, SRU version, record schema) and removed after a question.
 */
export function CopyTargetsSection({ api }: { api: CatalogApi }) {
  const { t } = useTranslation();
  const headingId = useId();
  const addHeadingId = useId();
  const list = useSettingsList(api, loadTargets, "settings.copy.loadFailed");
  const { items: targets, failure, busy, removing, setRemoving, message, setMessage } = list;
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [version, setVersion] = useState<string>("1.2");
  const [schema, setSchema] = useState<string>("marcxml");
  const [errors, setErrors] = useState<Errors>({ name: null, url: null });

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setMessage("");
    const next: Errors = {
      name: checkTargetName(name, (targets ?? []).map((x) => x.name)),
      url: checkTargetUrl(url),
    };
    setErrors(next);
    if (next.name || next.url) return;
    await list.add(
      () => api.addCopyTarget({ name: name.trim(), base_url: url.trim(), version, record_schema: schema }),
      (added) => {
        setName("");
        setUrl("");
        return t("settings.copy.added", { name: added.name });
      },
      "settings.copy.addFailed",
    );
  };

  const remove = (target: CopyTarget) =>
    list.remove(() => api.removeCopyTarget(target.name), () => t("settings.copy.removed", { name: target.name }), "settings.copy.removeFailed");

  const invalid = (key: string | null) => (key ? t(`settings.invalid.${key}`) : null);

  return (
    <section className="settings-section" aria-labelledby={headingId} data-testid="settings-copy">
      <h3 id={headingId}>{t("settings.copy.heading")}</h3>
      <p className="settings-intro">{t("settings.copy.intro")}</p>
      {targets && targets.length === 0 && (
        <p className="settings-muted" data-testid="settings-copy-empty">
          {t("settings.copy.none")}
        </p>
      )}
      {targets && targets.length > 0 && (
        <table className="settings-table" data-testid="settings-copy-targets">
          <caption className="visually-hidden">{t("settings.copy.heading")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("settings.copy.name")}</th>
              <th scope="col">{t("settings.copy.url")}</th>
              <th scope="col">{t("settings.copy.version")}</th>
              <th scope="col">{t("settings.copy.schema")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("settings.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {targets.map((x) => (
              <tr key={x.name} data-testid={`settings-copy-${x.name}`}>
                <th scope="row">{x.name}</th>
                <td className="settings-url">{x.base_url}</td>
                <td>{x.version}</td>
                <td>{x.record_schema}</td>
                <td>
                  <button
                    type="button"
                    className="danger"
                    onClick={() => setRemoving(x)}
                    aria-label={t("settings.copy.removeNamed", { name: x.name })}
                    data-testid={`settings-copy-remove-${x.name}`}
                  >
                    {t("settings.remove")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="settings-add" aria-labelledby={addHeadingId} onSubmit={(e) => void add(e)} noValidate>
        <h4 id={addHeadingId}>{t("settings.copy.addHeading")}</h4>
        <div className="settings-grid">
          <Field label={t("settings.copy.name")} hint={t("settings.copy.nameHint")} error={invalid(errors.name)}>
            <input type="text" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" spellCheck={false} data-testid="settings-copy-name" />
          </Field>
          <Field label={t("settings.copy.url")} hint={t("settings.copy.urlHint")} error={invalid(errors.url)}>
            <input
              type="url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              placeholder="https://lx2.loc.gov:210/LCDB"
              spellCheck={false}
              data-testid="settings-copy-url"
            />
          </Field>
          <Field label={t("settings.copy.version")}>
            <select value={version} onChange={(e) => setVersion(e.target.value)} data-testid="settings-copy-version">
              {SRU_VERSIONS.map((v) => (
                <option key={v} value={v}>
                  SRU {v}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("settings.copy.schema")} hint={t("settings.copy.schemaHint")}>
            <select value={schema} onChange={(e) => setSchema(e.target.value)} data-testid="settings-copy-schema">
              {RECORD_SCHEMAS.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <div className="settings-actions">
          <button type="submit" className="primary" disabled={busy} data-testid="settings-copy-add">
            {t("settings.copy.add")}
          </button>
        </div>
      </form>
      {failure && <SettingsError lead={failure.lead} error={failure.error} testId="settings-copy-failure" />}
      <p role="status" className="settings-message" data-testid="settings-copy-message">
        {message}
      </p>
      {removing && (
        <ConfirmDialog
          title={t("settings.copy.removeTitle")}
          message={t("settings.copy.removeMessage", { name: removing.name })}
          confirmLabel={t("settings.remove")}
          cancelLabel={t("settings.cancel")}
          danger
          onConfirm={() => void remove(removing)}
          onCancel={() => setRemoving(null)}
        />
      )}
    </section>
  );
}
