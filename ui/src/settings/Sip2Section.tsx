import { useCallback, useEffect, useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { toErrorPayload, type CatalogApi } from "../api";
import type { Branch } from "../bindings/Branch";
import type { Sip2Account } from "../bindings/Sip2Account";
import type { Sip2Language } from "../bindings/Sip2Language";
import type { Sip2ServerStatus } from "../bindings/Sip2ServerStatus";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { currentLanguage, formatNumber } from "../i18n";
import { formatMoment } from "../sync/format";
import { Field, SettingsError } from "./Field";
import { useSettingsList, type SettingsFailure } from "./useSettingsList";
import { checkListen, checkLogin, checkPassword } from "./validate";

/** Where the SIP2 server listens unless told otherwise (the port self-check vendors expect). */
export const DEFAULT_SIP2_LISTEN = "127.0.0.1:6001";
export const CHARSETS = ["utf-8", "cp1258", "latin1"] as const;
/** How often the server's state (machines connected, a stop) is read while the settings are open. */
export const SIP2_POLL_MS = 5000;

/** The SIP2 server: running or not, where, in which character set; start and stop. */
function Sip2Server({ api, pollMs }: { api: CatalogApi; pollMs: number }) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const [status, setStatus] = useState<Sip2ServerStatus | null>(null);
  const [listen, setListen] = useState(DEFAULT_SIP2_LISTEN);
  const [charset, setCharset] = useState<string>("utf-8");
  const [listenError, setListenError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<SettingsFailure>(null);
  const [confirmStop, setConfirmStop] = useState(false);
  const [message, setMessage] = useState("");
  const charsetName = useId();

  const take = useCallback((s: Sip2ServerStatus, fillForm: boolean) => {
    setStatus(s);
    if (fillForm) {
      setListen(s.listen ?? DEFAULT_SIP2_LISTEN);
      setCharset((CHARSETS as readonly string[]).includes(s.charset) ? s.charset : "utf-8");
    }
  }, []);

  useEffect(() => {
    let cancelled = false;
    let first = true;
    const load = () =>
      api.sip2Status().then(
        (s) => {
          if (cancelled) return;
          // The form is filled from the first read only: later reads must not undo typing.
          take(s, first);
          first = false;
        },
        (err) => !cancelled && setFailure({ lead: t("settings.sip2.loadFailed"), error: toErrorPayload(err) }),
      );
    void load();
    const timer = setInterval(() => void load(), pollMs);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [api, pollMs, take, t]);

  const start = async (e: FormEvent) => {
    e.preventDefault();
    setMessage("");
    const invalid = checkListen(listen);
    setListenError(invalid);
    if (invalid) return;
    setBusy(true);
    setFailure(null);
    try {
      const s = await api.startSip2(listen.trim(), charset);
      take(s, false);
      if (s.running) setMessage(t("settings.sip2.started", { listen: s.listen ?? listen.trim() }));
    } catch (err) {
      setFailure({ lead: t("settings.sip2.startFailed"), error: toErrorPayload(err) });
    } finally {
      setBusy(false);
    }
  };

  const stop = async () => {
    setConfirmStop(false);
    setMessage("");
    setBusy(true);
    setFailure(null);
    try {
      take(await api.stopSip2(), false);
      setMessage(t("settings.sip2.stopped"));
    } catch (err) {
      setFailure({ lead: t("settings.sip2.stopFailed"), error: toErrorPayload(err) });
    } finally {
      setBusy(false);
    }
  };

  const running = status?.running === true;
  return (
    <>
      <p className={`settings-state${running ? " is-on" : ""}`} data-testid="settings-sip2-state">
        <span className={`settings-dot${running ? " is-on" : ""}`} aria-hidden="true" />{" "}
        {!status
          ? t("settings.loading")
          : running
            ? t("settings.sip2.running", {
                listen: status.listen ?? "",
                charset: t(`settings.sip2.charset.${status.charset}.name`, { defaultValue: status.charset }),
                count: status.connections,
                formatted: formatNumber(status.connections, lang),
              })
            : t("settings.sip2.notRunning")}
      </p>
      {status?.error && (
        <div className="settings-error" role="alert" data-testid="settings-sip2-error">
          <strong>{running ? t("settings.sip2.problem") : t("settings.sip2.couldNotStart")}</strong> {status.error}
        </div>
      )}
      <form onSubmit={(e) => void start(e)} noValidate>
        <Field
          label={t("settings.sip2.listen")}
          hint={running ? t("settings.sip2.stopToChange") : t("settings.sip2.listenHint")}
          error={listenError ? t(`settings.invalid.${listenError}`) : null}
        >
          <input
            type="text"
            value={listen}
            onChange={(e) => setListen(e.target.value)}
            disabled={running}
            spellCheck={false}
            data-testid="settings-sip2-listen"
          />
        </Field>
        <fieldset className="settings-choices" disabled={running}>
          <legend>{t("settings.sip2.charsetLegend")}</legend>
          {CHARSETS.map((c) => (
            <label key={c} className="settings-choice">
              <input
                type="radio"
                name={charsetName}
                value={c}
                checked={charset === c}
                onChange={() => setCharset(c)}
                data-testid={`settings-sip2-charset-${c}`}
              />{" "}
              <span>
                <strong>{t(`settings.sip2.charset.${c}.name`)}</strong> — {t(`settings.sip2.charset.${c}.explain`)}
              </span>
            </label>
          ))}
        </fieldset>
        <div className="settings-actions">
          {running ? (
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() => (status && status.connections > 0 ? setConfirmStop(true) : void stop())}
              data-testid="settings-sip2-stop"
            >
              {t("settings.sip2.stop")}
            </button>
          ) : (
            <button type="submit" className="primary" disabled={busy || !status} data-testid="settings-sip2-start">
              {t("settings.sip2.start")}
            </button>
          )}
        </div>
      </form>
      {failure && <SettingsError lead={failure.lead} error={failure.error} testId="settings-sip2-failure" />}
      <p role="status" className="settings-message" data-testid="settings-sip2-message">
        {message}
      </p>
      {confirmStop && status && (
        <ConfirmDialog
          title={t("settings.sip2.stopTitle")}
          message={t("settings.sip2.stopMessage", { count: status.connections, formatted: formatNumber(status.connections, lang) })}
          confirmLabel={t("settings.sip2.stop")}
          cancelLabel={t("settings.cancel")}
          danger
          onConfirm={() => void stop()}
          onCancel={() => setConfirmStop(false)}
        />
      )}
    </>
  );
}

type AccountErrors = { login: string | null; password: string | null; again: string | null; branch: string | null };
const NO_ACCOUNT_ERRORS: AccountErrors = { login: null, password: null, again: null, branch: null };

const loadAccounts = (api: CatalogApi) => api.sip2Accounts();

/** The machines' accounts: who may sign in, for which branch, allowed to do what. */
function Sip2Accounts({ api }: { api: CatalogApi }) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const headingId = useId();
  const addHeadingId = useId();
  const list = useSettingsList(api, loadAccounts, "settings.accounts.loadFailed");
  const { items: accounts, failure, setFailure, busy, removing, setRemoving, message, setMessage } = list;
  const [branches, setBranches] = useState<Branch[]>([]);
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [branch, setBranch] = useState("");
  const [mayCheckOut, setMayCheckOut] = useState(true);
  const [mayCheckIn, setMayCheckIn] = useState(true);
  const [mayRenew, setMayRenew] = useState(true);
  const [language, setLanguage] = useState<Sip2Language>("vi");
  const [errors, setErrors] = useState<AccountErrors>(NO_ACCOUNT_ERRORS);

  useEffect(() => {
    let cancelled = false;
    api.branches().then(
      (list) => {
        if (cancelled) return;
        setBranches(list);
        if (list.length === 1) setBranch(list[0]!.code);
      },
      (err) => !cancelled && setFailure({ lead: t("settings.accounts.branchesFailed"), error: toErrorPayload(err) }),
    );
    return () => {
      cancelled = true;
    };
  }, [api, setFailure, t]);

  const branchName = (code: string) => {
    const b = branches.find((x) => x.code === code);
    return b ? `${b.name} (${b.code})` : code;
  };

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setMessage("");
    const pw = checkPassword(password, again);
    const next: AccountErrors = {
      login: checkLogin(login, (accounts ?? []).map((a) => a.login)),
      password: pw.password,
      again: pw.again,
      branch: branch ? null : "branchNeeded",
    };
    setErrors(next);
    if (Object.values(next).some(Boolean)) return;
    await list.add(
      () =>
        api.addSip2Account(
          { login: login.trim(), branch_code: branch, may_check_out: mayCheckOut, may_check_in: mayCheckIn, may_renew: mayRenew, language },
          password,
        ),
      (added) => {
        setLogin("");
        setPassword("");
        setAgain("");
        return t("settings.accounts.added", { login: added.login });
      },
      "settings.accounts.addFailed",
    );
  };

  const remove = (account: Sip2Account) =>
    list.remove(
      () => api.removeSip2Account(account.login),
      () => t("settings.accounts.removed", { login: account.login }),
      "settings.accounts.removeFailed",
    );

  const invalid = (key: string | null) => (key ? t(`settings.invalid.${key}`) : null);
  const yes = (on: boolean) => (on ? t("settings.yes") : t("settings.no"));

  return (
    <section className="settings-subsection" aria-labelledby={headingId}>
      <h4 id={headingId}>{t("settings.accounts.heading")}</h4>
      {accounts && accounts.length === 0 && (
        <p className="settings-muted" data-testid="settings-accounts-empty">
          {t("settings.accounts.none")}
        </p>
      )}
      {accounts && accounts.length > 0 && (
        <table className="settings-table" data-testid="settings-accounts">
          <caption className="visually-hidden">{t("settings.accounts.heading")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("settings.accounts.login")}</th>
              <th scope="col">{t("settings.accounts.branch")}</th>
              <th scope="col">{t("settings.accounts.checkOut")}</th>
              <th scope="col">{t("settings.accounts.checkIn")}</th>
              <th scope="col">{t("settings.accounts.renew")}</th>
              <th scope="col">{t("settings.accounts.language")}</th>
              <th scope="col">{t("settings.accounts.created")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("settings.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => (
              <tr key={a.login} data-testid={`settings-account-${a.login}`}>
                <th scope="row">{a.login}</th>
                <td>{branchName(a.branch_code)}</td>
                <td>{yes(a.may_check_out)}</td>
                <td>{yes(a.may_check_in)}</td>
                <td>{yes(a.may_renew)}</td>
                <td>{t(`settings.language.${a.language}`)}</td>
                <td>{formatMoment(a.created_at, lang)}</td>
                <td>
                  <button
                    type="button"
                    className="danger"
                    onClick={() => setRemoving(a)}
                    aria-label={t("settings.accounts.removeNamed", { login: a.login })}
                    data-testid={`settings-account-remove-${a.login}`}
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
        <h5 id={addHeadingId}>{t("settings.accounts.addHeading")}</h5>
        <div className="settings-grid">
          <Field label={t("settings.accounts.login")} hint={t("settings.accounts.loginHint")} error={invalid(errors.login)}>
            <input type="text" value={login} onChange={(e) => setLogin(e.target.value)} autoComplete="off" spellCheck={false} data-testid="settings-account-login" />
          </Field>
          <Field label={t("settings.accounts.branch")} error={invalid(errors.branch)}>
            <select value={branch} onChange={(e) => setBranch(e.target.value)} data-testid="settings-account-branch">
              <option value="">{t("settings.accounts.chooseBranch")}</option>
              {branches.map((b) => (
                <option key={b.id} value={b.code}>
                  {b.name} ({b.code})
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("settings.accounts.password")} hint={t("settings.accounts.passwordHint")} error={invalid(errors.password)}>
            <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" data-testid="settings-account-password" />
          </Field>
          <Field label={t("settings.accounts.again")} error={invalid(errors.again)}>
            <input type="password" value={again} onChange={(e) => setAgain(e.target.value)} autoComplete="new-password" data-testid="settings-account-again" />
          </Field>
        </div>
        <fieldset className="settings-choices settings-inline">
          <legend>{t("settings.accounts.may")}</legend>
          <label className="settings-choice">
            <input type="checkbox" checked={mayCheckOut} onChange={(e) => setMayCheckOut(e.target.checked)} data-testid="settings-account-checkout" />{" "}
            {t("settings.accounts.checkOut")}
          </label>
          <label className="settings-choice">
            <input type="checkbox" checked={mayCheckIn} onChange={(e) => setMayCheckIn(e.target.checked)} data-testid="settings-account-checkin" />{" "}
            {t("settings.accounts.checkIn")}
          </label>
          <label className="settings-choice">
            <input type="checkbox" checked={mayRenew} onChange={(e) => setMayRenew(e.target.checked)} data-testid="settings-account-renew" />{" "}
            {t("settings.accounts.renew")}
          </label>
        </fieldset>
        <Field label={t("settings.accounts.language")} hint={t("settings.accounts.languageHint")}>
          <select value={language} onChange={(e) => setLanguage(e.target.value as Sip2Language)} data-testid="settings-account-language">
            <option value="vi">{t("settings.language.vi")}</option>
            <option value="en">{t("settings.language.en")}</option>
          </select>
        </Field>
        <div className="settings-actions">
          <button type="submit" className="primary" disabled={busy} data-testid="settings-account-add">
            {t("settings.accounts.add")}
          </button>
        </div>
      </form>
      {failure && <SettingsError lead={failure.lead} error={failure.error} testId="settings-accounts-failure" />}
      <p role="status" className="settings-message" data-testid="settings-accounts-message">
        {message}
      </p>
      {removing && (
        <ConfirmDialog
          title={t("settings.accounts.removeTitle")}
          message={t("settings.accounts.removeMessage", { login: removing.login })}
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

/** The SIP2 section of the settings: the server for self-check machines and its accounts. */
export function Sip2Section({ api, pollMs = SIP2_POLL_MS }: { api: CatalogApi; pollMs?: number }) {
  const { t } = useTranslation();
  const headingId = useId();
  return (
    <section className="settings-section" aria-labelledby={headingId} data-testid="settings-sip2">
      <h3 id={headingId}>{t("settings.sip2.heading")}</h3>
      <p className="settings-intro">{t("settings.sip2.intro")}</p>
      <Sip2Server api={api} pollMs={pollMs} />
      <Sip2Accounts api={api} />
    </section>
  );
}
