/**
 * The staff-side question before kiosk mode starts. When no staff password is set yet, it
 * asks for one twice (there is no other way out of kiosk mode, so it must exist first); then
 * it says what kiosk mode does and how to leave it, and starts only on the staff's word.
 */
import { useEffect, useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { toErrorPayload } from "../api";
import { useModal } from "../components/modal";
import type { KioskLauncherProps } from "./KioskMode";
import "./kiosk.css";

/** The shortest staff password accepted: long enough that a reader will not guess it by trying. */
export const MIN_STAFF_PASSWORD = 6;

type Step = { name: "loading" } | { name: "set" } | { name: "ready" } | { name: "failed"; message: string };

export function KioskLauncher({ api, onStart, onCancel }: KioskLauncherProps) {
  const { t } = useTranslation();
  const [step, setStep] = useState<Step>({ name: "loading" });
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const { ref, onKeyDown, onCancel: onDialogCancel } = useModal({ canClose: !saving, onClose: onCancel });
  const titleId = useId();
  const problemId = useId();

  useEffect(() => {
    let live = true;
    api.kioskPasswordSet().then(
      (set) => live && setStep(set ? { name: "ready" } : { name: "set" }),
      (err) => live && setStep({ name: "failed", message: toErrorPayload(err).message }),
    );
    return () => {
      live = false;
    };
  }, [api]);

  // Each step's first control gets focus, as the modal gave it to the first one on opening.
  useEffect(() => {
    const first = ref.current?.querySelector<HTMLElement>("input, [data-autofocus]");
    first?.focus();
  }, [step.name, ref]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (saving) return;
    if (password.length < MIN_STAFF_PASSWORD) {
      setProblem(t("kiosk.launcher.tooShort", { min: MIN_STAFF_PASSWORD }));
      return;
    }
    if (password !== repeat) {
      setProblem(t("kiosk.launcher.mismatch"));
      return;
    }
    setSaving(true);
    setProblem(null);
    try {
      await api.setKioskPassword(null, password);
      setPassword("");
      setRepeat("");
      setStep({ name: "ready" });
    } catch (err) {
      setProblem(t("kiosk.launcher.failed", { message: toErrorPayload(err).message }));
    } finally {
      setSaving(false);
    }
  };

  return (
    <dialog
      ref={ref}
      className="kiosk-launcher"
      aria-labelledby={titleId}
      data-testid="kiosk-launcher"
      onKeyDown={onKeyDown}
      onCancel={onDialogCancel}
    >
      <h2 id={titleId}>{t("kiosk.launcher.heading")}</h2>
      {step.name === "loading" && (
        <p role="status" data-testid="kiosk-launcher-loading">
          {t("kiosk.launcher.loading")}
        </p>
      )}
      {step.name === "failed" && (
        <p role="alert" className="kiosk-launcher-problem">
          {t("kiosk.launcher.checkFailed", { message: step.message })}
        </p>
      )}
      {step.name === "set" && (
        <form onSubmit={save} noValidate>
          <p>{t("kiosk.launcher.setExplain")}</p>
          <label>
            {t("kiosk.launcher.password")}
            <input
              type="password"
              autoComplete="new-password"
              value={password}
              minLength={MIN_STAFF_PASSWORD}
              required
              aria-describedby={problem ? problemId : undefined}
              aria-invalid={problem !== null}
              data-testid="kiosk-launcher-password"
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          <label>
            {t("kiosk.launcher.repeat")}
            <input
              type="password"
              autoComplete="new-password"
              value={repeat}
              required
              aria-describedby={problem ? problemId : undefined}
              aria-invalid={problem !== null}
              data-testid="kiosk-launcher-repeat"
              onChange={(e) => setRepeat(e.target.value)}
            />
          </label>
          {problem && (
            <p id={problemId} role="alert" className="kiosk-launcher-problem" data-testid="kiosk-launcher-problem">
              {problem}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" onClick={onCancel} disabled={saving} data-testid="kiosk-launcher-cancel">
              {t("kiosk.launcher.cancel")}
            </button>
            <button type="submit" className="primary" disabled={saving} data-testid="kiosk-launcher-save">
              {saving ? t("kiosk.launcher.saving") : t("kiosk.launcher.save")}
            </button>
          </div>
        </form>
      )}
      {step.name === "ready" && (
        <>
          <p>{t("kiosk.launcher.explain")}</p>
          <p>
            <strong>{t("kiosk.launcher.howToLeave")}</strong>
          </p>
        </>
      )}
      {step.name !== "set" && (
        <div className="dialog-actions">
          <button type="button" onClick={onCancel} data-testid="kiosk-launcher-cancel">
            {t("kiosk.launcher.cancel")}
          </button>
          {step.name === "ready" && (
            <button type="button" className="primary" onClick={onStart} data-autofocus data-testid="kiosk-launcher-start">
              {t("kiosk.launcher.start")}
            </button>
          )}
        </div>
      )}
    </dialog>
  );
}
