import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { toErrorPayload, type CatalogApi } from "../api";
import type { Determination } from "../bindings/Determination";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { RecordRights } from "../bindings/RecordRights";
import { currentLanguage, LOCALES, type Language } from "../i18n";
import { DetermineDialog, type Determined } from "./DetermineDialog";
import { inStatusOrder } from "./logic";
import { RightsError } from "./RightsError";
import { RULES_USER } from "./format";
import "./rights.css";

export interface RightsPanelProps {
  api: CatalogApi;
  recordId: string;
  /** A determination was stored (the caller may refresh what depends on it). */
  onChanged?(): void;
}

type Load = { state: "loading" } | { state: "ready"; rights: RecordRights } | { state: "failed"; error: ErrorPayload };

function formatDay(day: string, lang: Language): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return new Intl.DateTimeFormat(LOCALES[lang], { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(d);
}

function formatTime(at: string, lang: Language): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: "medium", timeStyle: "short" }).format(d);
}

/**
 * The record's rights tab: the current determination (status with its statement's link, the
 * public-domain day, who may open it, the rule and the law, the explanation, the facts read
 * from the record, who decided), what the rules say today when a person decided otherwise,
 * the earlier determinations, and a person's actions.
 */
export function RightsPanel({ api, recordId, onChanged }: RightsPanelProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [reloads, setReloads] = useState(0);
  const [dialog, setDialog] = useState<"status" | "access" | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState("");
  const [actionError, setActionError] = useState<ErrorPayload | null>(null);

  useEffect(() => {
    let live = true;
    api.recordRights(recordId).then(
      (rights) => live && setLoad({ state: "ready", rights }),
      (err) => live && setLoad({ state: "failed", error: toErrorPayload(err) }),
    );
    return () => {
      live = false;
    };
  }, [api, recordId, reloads]);

  const statusName = useCallback((d: Determination) => t(`rights.status.${d.status}.name`), [t]);
  const after = (text: string) => {
    setMessage(text);
    setActionError(null);
    setReloads((n) => n + 1);
    onChanged?.();
  };

  const setStatus = async (choice: Determined) => {
    await api.setRightsStatus({ record_ids: [recordId], status: choice.status, access: choice.access, reason: choice.reason });
    setDialog(null);
    after(t("rights.panel.saved", { status: t(`rights.status.${choice.status}.name`) }));
  };

  const setAccess = async (choice: Determined) => {
    const d = await api.setAccessLevel(recordId, choice.access, choice.reason);
    setDialog(null);
    after(t("rights.panel.accessSaved", { access: t(`rights.access.${d.access}`) }));
  };

  const evaluate = async () => {
    setBusy(true);
    try {
      const summary = await api.computeRights([recordId]);
      const status = inStatusOrder(summary.by_status)[0]?.status;
      const name = status ? t(`rights.status.${status}.name`) : "";
      after(summary.changed > 0 ? t("rights.panel.evaluated", { status: name }) : t("rights.panel.unchanged", { status: name }));
    } catch (err) {
      setActionError(toErrorPayload(err));
    } finally {
      setBusy(false);
    }
  };

  if (load.state === "loading") return <p data-testid="rights-panel-loading">{t("rights.panel.loading")}</p>;
  if (load.state === "failed")
    return (
      <div className="rights-panel">
        <RightsError testId="rights-panel-error" lead={t("rights.panel.failed")} error={load.error} />
        <button type="button" onClick={() => setReloads((n) => n + 1)}>
          {t("rights.panel.retry")}
        </button>
      </div>
    );

  const { current, computed, history, access } = load.rights;
  const shown = current ?? computed;
  const explanation = (d: Determination) => (lang === "vi" ? d.explanation_vi : d.explanation_en);
  const who = (d: Determination) => (d.decided_by === RULES_USER ? t("rights.panel.rules") : d.decided_by);
  const differs = current !== null && current.overridden_reason !== null && computed.status !== current.status;
  const inputs = shown.inputs;
  const year = (y: number | null) => (y === null ? t("rights.panel.unknown") : String(y));

  return (
    <div className="rights-panel" data-testid="rights-panel">
      <h3>{t("rights.panel.current")}</h3>
      {current === null && (
        <p className="rights-hint" data-testid="rights-panel-not-evaluated">
          {t("rights.panel.notEvaluated")}
        </p>
      )}
      <dl className="rights-facts" data-testid="rights-panel-current">
        <dt>{t("rights.panel.status")}</dt>
        <dd>
          <a href={shown.status_uri} target="_blank" rel="noreferrer" data-testid="rights-panel-status">
            {statusName(shown)}
          </a>
        </dd>
        <dt>{t("rights.panel.publicDomainFrom")}</dt>
        <dd>{shown.public_domain_from ? formatDay(shown.public_domain_from, lang) : t("rights.panel.noDate")}</dd>
        <dt>{t("rights.panel.accessNow")}</dt>
        <dd data-testid="rights-panel-access">
          {t(`rights.access.${access}`)}
          {shown.access_reason && <> — {t("rights.panel.accessSetBy", { reason: shown.access_reason })}</>}
        </dd>
        <dt>{t("rights.panel.rule")}</dt>
        <dd>
          <code>{shown.rule}</code>
        </dd>
        {shown.citation && (
          <>
            <dt>{t("rights.panel.citation")}</dt>
            <dd>{shown.citation}</dd>
          </>
        )}
        <dt>{t("rights.panel.explanation")}</dt>
        <dd data-testid="rights-panel-explanation">{explanation(shown)}</dd>
        {current && (
          <>
            <dt>{t("rights.panel.decidedBy")}</dt>
            <dd data-testid="rights-panel-decided">
              {who(current)}, {formatTime(current.decided_at, lang)}
            </dd>
          </>
        )}
        {current?.overridden_reason && (
          <>
            <dt>{t("rights.panel.overridden")}</dt>
            <dd data-testid="rights-panel-overridden">{current.overridden_reason}</dd>
          </>
        )}
      </dl>

      <h3>{t("rights.panel.inputs")}</h3>
      <dl className="rights-facts" data-testid="rights-panel-inputs">
        <dt>{t("rights.panel.authors")}</dt>
        <dd>
          {inputs.authors.length === 0 ? (
            t("rights.panel.noAuthors")
          ) : (
            <ul className="rights-history">
              {inputs.authors.map((a, i) => (
                <li key={i}>
                  {a.name} (
                  {a.death_year === null ? t("rights.panel.alive") : t("rights.panel.died", { year: a.death_year })}
                  {a.death_year_approximate ? `, ${t("rights.panel.approximate")}` : ""})
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>{t("rights.panel.publicationYear")}</dt>
        <dd>{year(inputs.publication_year)}</dd>
        <dt>{t("rights.panel.creationYear")}</dt>
        <dd>{year(inputs.creation_year)}</dd>
        <dt>{t("rights.panel.workType")}</dt>
        <dd>{t(`rights.workType.${inputs.work_type}`)}</dd>
      </dl>

      {differs && (
        <section className="rights-differs" data-testid="rights-panel-differs" aria-labelledby="rights-differs-title">
          <h3 id="rights-differs-title">{t("rights.panel.rulesDiffer")}</h3>
          <p>
            {t("rights.panel.rulesSay", { status: statusName(computed) })} {explanation(computed)}
          </p>
        </section>
      )}

      <h3>{t("rights.panel.history")}</h3>
      {history.length === 0 ? (
        <p className="rights-hint">{t("rights.panel.noHistory")}</p>
      ) : (
        <ol className="rights-history" data-testid="rights-panel-history">
          {history.map((d) => (
            <li key={d.id}>
              <strong>{statusName(d)}</strong> · {t(`rights.access.${d.access}`)} · {who(d)}, {formatTime(d.decided_at, lang)}
              {(d.overridden_reason ?? d.access_reason) && <> — {d.overridden_reason ?? d.access_reason}</>}
            </li>
          ))}
        </ol>
      )}

      <div className="rights-actions" role="toolbar" aria-label={t("rights.panel.actions")}>
        <button type="button" data-testid="rights-panel-set-status" onClick={() => setDialog("status")}>
          {t("rights.panel.setStatus")}
        </button>
        <button type="button" data-testid="rights-panel-set-access" onClick={() => setDialog("access")}>
          {t("rights.panel.setAccess")}
        </button>
        <button type="button" data-testid="rights-panel-evaluate" disabled={busy} onClick={() => void evaluate()}>
          {t("rights.panel.evaluate")}
        </button>
      </div>
      <p role="status" className="rights-message" data-testid="rights-panel-message">
        {message}
      </p>
      {actionError && <RightsError testId="rights-panel-action-error" lead={t("rights.dialog.failed")} error={actionError} />}
      {dialog === "status" && (
        <DetermineDialog count={1} initialStatus={current?.status ?? null} onConfirm={setStatus} onCancel={() => setDialog(null)} />
      )}
      {dialog === "access" && (
        <DetermineDialog
          count={1}
          kind="access"
          initialAccess={current?.access_reason ? current.access : null}
          onConfirm={setAccess}
          onCancel={() => setDialog(null)}
        />
      )}
    </div>
  );
}
