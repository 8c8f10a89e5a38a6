import { useEffect, useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { toErrorPayload, type CatalogApi } from "../api";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import { syncState } from "../sync/format";
import { Field, SettingsError } from "./Field";
import { checkInterval, checkServerUrl } from "./validate";

type Errors = { url: string | null; token: string | null; interval: string | null };
const NO_ERRORS: Errors = { url: null, token: null, interval: null };

/**
 * Where this branch syncs: the central server's address, the branch's token (never shown
 * back; left empty it is kept) and how often to sync. Saving says what sync does now.
 */
export function SyncSettingsSection({ api }: { api: CatalogApi }) {
  const { t } = useTranslation();
  const headingId = useId();
  const [loaded, setLoaded] = useState<{ hasToken: boolean } | null>(null);
  const [loadError, setLoadError] = useState<ErrorPayload | null>(null);
  const [url, setUrl] = useState("");
  const [token, setToken] = useState("");
  const [minutes, setMinutes] = useState("5");
  const [errors, setErrors] = useState<Errors>(NO_ERRORS);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<ErrorPayload | null>(null);
  const [message, setMessage] = useState("");

  useEffect(() => {
    let cancelled = false;
    api.syncSettings().then(
      (s) => {
        if (cancelled) return;
        setUrl(s.server_url ?? "");
        setMinutes(String(s.interval_minutes));
        setLoaded({ hasToken: s.has_token });
      },
      (err) => !cancelled && setLoadError(toErrorPayload(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [api]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMessage("");
    setSaveError(null);
    const hasToken = loaded?.hasToken ?? false;
    const next: Errors = {
      url: checkServerUrl(url),
      token: url.trim() !== "" && !hasToken && token === "" ? "tokenNeeded" : null,
      interval: checkInterval(minutes),
    };
    setErrors(next);
    if (next.url || next.token || next.interval) return;
    setSaving(true);
    try {
      const saved = await api.saveSyncSettings(url.trim() === "" ? null : url.trim(), token === "" ? null : token, Number(minutes.trim()));
      setUrl(saved.server_url ?? "");
      setMinutes(String(saved.interval_minutes));
      setToken("");
      setLoaded({ hasToken: saved.has_token });
      let now = "";
      try {
        now = t(`sync.state.${syncState(await api.syncStatus())}`);
      } catch {
        // The settings are saved; only the status line is missing.
      }
      const lead = saved.server_url ? t("settings.sync.saved") : t("settings.sync.savedOff");
      setMessage(now ? t("settings.sync.savedStatus", { lead, status: now }) : lead);
    } catch (err) {
      setSaveError(toErrorPayload(err));
    } finally {
      setSaving(false);
    }
  };

  const invalid = (key: string | null) => (key ? t(`settings.invalid.${key}`) : null);

  return (
    <section className="settings-section" aria-labelledby={headingId} data-testid="settings-sync">
      <h3 id={headingId}>{t("settings.sync.heading")}</h3>
      <p className="settings-intro">{t("settings.sync.intro")}</p>
      {loadError && <SettingsError lead={t("settings.sync.loadFailed")} error={loadError} testId="settings-sync-load-error" />}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label={t("settings.sync.url")} hint={t("settings.sync.urlHint")} error={invalid(errors.url)}>
          <input
            type="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://thuvien.hanoi.gov.vn:8787"
            autoComplete="url"
            spellCheck={false}
            data-testid="settings-sync-url"
          />
        </Field>
        <Field
          label={t("settings.sync.token")}
          hint={loaded?.hasToken ? t("settings.sync.tokenKept") : t("settings.sync.tokenHint")}
          error={invalid(errors.token)}
        >
          <input
            type="password"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            autoComplete="new-password"
            spellCheck={false}
            data-testid="settings-sync-token"
          />
        </Field>
        {loaded?.hasToken && (
          <p className="settings-kept" data-testid="settings-sync-token-kept">
            {t("settings.sync.tokenStored")}
          </p>
        )}
        <Field label={t("settings.sync.interval")} hint={t("settings.sync.intervalHint")} error={invalid(errors.interval)}>
          <input
            type="number"
            min={0}
            max={1440}
            step={1}
            inputMode="numeric"
            value={minutes}
            onChange={(e) => setMinutes(e.target.value)}
            data-testid="settings-sync-interval"
          />
        </Field>
        <div className="settings-actions">
          <button type="submit" className="primary" disabled={saving || !loaded} data-testid="settings-sync-save">
            {saving ? t("settings.saving") : t("settings.sync.save")}
          </button>
        </div>
      </form>
      {saveError && <SettingsError lead={t("settings.sync.saveFailed")} error={saveError} testId="settings-sync-save-error" />}
      <p role="status" className="settings-message" data-testid="settings-sync-message">
        {message}
      </p>
    </section>
  );
}
