/**
 * The self-service kiosk: a full-window mode for readers, many of them first-timers, some
 * with low vision. Big text and targets, Vietnamese first with a switch, plain words. Readers
 * borrow (card, PIN, scans, receipt) and return (scans, receipt); no staff function is
 * reachable, browser shortcuts are swallowed, and only the staff password leaves the mode.
 *
 * A session (everything after Home) forgets itself when it ends: the card and PIN live in a
 * ref that is cleared, and each screen's own state goes with its unmounting. A reader who
 * walks away is asked "Are you still there?" after IDLE_MS, and the session ends
 * STILL_THERE_SECONDS later.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { CatalogApi } from "../api";
import type { PatronAccount } from "../bindings/PatronAccount";
import type { Refusal } from "../bindings/Refusal";
import { currentLanguage, DEFAULT_LANGUAGE, LANGUAGES } from "../i18n";
import { BorrowScreen, CardScreen, PinScreen, RefusedScreen } from "./borrow";
import { ReceiptScreen, ReturnScreen, type ReceiptContent } from "./giveBack";
import { belongsInInput, IDLE_MS, isBlockedShortcut, STILL_THERE_SECONDS } from "./kiosk";
import { KioskDialog, KioskLanguageSwitch } from "./parts";
import "./kiosk.css";

export { KioskLauncher } from "./KioskLauncher";

export interface KioskModeProps {
  api: CatalogApi;
  /** The branch the kiosk stands in (a branch code). */
  branch: string | null;
  /** Staff typed the right password: back to the staff screens. */
  onExit(): void;
}

export interface KioskLauncherProps {
  api: CatalogApi;
  /** The staff password is set (or was just set): kiosk mode may start. */
  onStart(): void;
  onCancel(): void;
}

type Screen =
  | { name: "home" }
  | { name: "card"; message: string | null }
  | { name: "pin"; card: string }
  | { name: "refused"; refusal: Refusal }
  | { name: "borrow"; account: PatronAccount }
  | { name: "return" }
  | { name: "receipt"; receipt: ReceiptContent };

const ACTIVITY_EVENTS = ["pointerdown", "touchstart", "click", "keydown", "input", "change"] as const;

/** The full-screen self-service mode for readers; no staff function is reachable from it. */
export function KioskMode({ api, branch, onExit }: KioskModeProps) {
  const { t, i18n } = useTranslation();
  const [screen, setScreen] = useState<Screen>({ name: "home" });
  const [staffOpen, setStaffOpen] = useState(false);
  const [stillThere, setStillThere] = useState<number | null>(null);
  const credentials = useRef<{ card: string; pin: string } | null>(null);
  const root = useRef<HTMLDivElement>(null);

  // The staff's own language comes back when they leave; readers start in Vietnamese after
  // every session, whatever the reader before them chose.
  const staffLanguage = useRef(i18n.language);
  const endSession = useCallback(() => {
    credentials.current = null;
    setStillThere(null);
    setStaffOpen(false);
    setScreen({ name: "home" });
    if (i18n.language !== DEFAULT_LANGUAGE) void i18n.changeLanguage(DEFAULT_LANGUAGE);
  }, [i18n]);
  const exit = useCallback(() => {
    if (i18n.language !== staffLanguage.current) void i18n.changeLanguage(staffLanguage.current);
    onExit();
  }, [i18n, onExit]);

  // Guard the window: no context menu, no browser or shell shortcuts, no dropped files
  // (a webview navigates to a dropped file), and stray keys go to the screen's input.
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (isBlockedShortcut(e)) {
        e.preventDefault();
        return;
      }
      const target = e.target instanceof HTMLElement ? e.target : null;
      if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA")) return;
      if (!belongsInInput(e.key, target?.tagName === "BUTTON")) return;
      const scope = root.current;
      if (!scope) return;
      const dialog = scope.querySelector("dialog[open]");
      const input = (dialog ?? scope).querySelector<HTMLInputElement>("[data-kiosk-input]:not(:disabled)");
      // Focus moved during keydown takes the character with it, in every engine.
      input?.focus();
    };
    const prevent = (e: Event) => e.preventDefault();
    window.addEventListener("keydown", onKeyDown, true);
    window.addEventListener("contextmenu", prevent, true);
    window.addEventListener("dragover", prevent, true);
    window.addEventListener("drop", prevent, true);
    return () => {
      window.removeEventListener("keydown", onKeyDown, true);
      window.removeEventListener("contextmenu", prevent, true);
      window.removeEventListener("dragover", prevent, true);
      window.removeEventListener("drop", prevent, true);
    };
  }, []);

  // Inactivity: any input re-arms the timer; the receipt closes itself sooner.
  const sessionActive = (screen.name !== "home" && screen.name !== "receipt") || staffOpen;
  useEffect(() => {
    if (!sessionActive) {
      setStillThere(null);
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => setStillThere(STILL_THERE_SECONDS), IDLE_MS);
    };
    const onActivity = () => {
      setStillThere(null);
      arm();
    };
    arm();
    for (const type of ACTIVITY_EVENTS) window.addEventListener(type, onActivity, true);
    return () => {
      clearTimeout(timer);
      for (const type of ACTIVITY_EVENTS) window.removeEventListener(type, onActivity, true);
    };
  }, [sessionActive, screen]);

  // One tick a second while the question shows; the count reaching 0 ends the session.
  const asking = stillThere !== null;
  useEffect(() => {
    if (!asking) return;
    const timer = setInterval(() => setStillThere((n) => (n === null ? null : n - 1)), 1000);
    return () => clearInterval(timer);
  }, [asking]);
  useEffect(() => {
    if (stillThere !== null && stillThere <= 0) endSession();
  }, [stillThere, endSession]);

  const lang = currentLanguage(i18n);
  const other = LANGUAGES.find((l) => l !== lang) ?? lang;
  const otherT = i18n.getFixedT(other);

  return (
    <div className="kiosk" ref={root} data-testid="kiosk" data-screen={screen.name}>
      <header className="kiosk-bar">
        <p className="kiosk-brand">{t("kiosk.libraryName")}</p>
        <KioskLanguageSwitch />
        {screen.name === "home" && (
          <button type="button" className="kiosk-staff" onClick={() => setStaffOpen(true)} data-testid="kiosk-staff">
            {t("kiosk.staff.button")}
          </button>
        )}
      </header>
      <main className="kiosk-main" aria-label={t("kiosk.region")}>
        {screen.name === "home" && (
          <section className="kiosk-screen kiosk-home" data-testid="kiosk-home">
            <h1>{t("kiosk.home.heading")}</h1>
            <p className="kiosk-question">{t("kiosk.home.question")}</p>
            <div className="kiosk-choices">
              <button
                type="button"
                className="kiosk-choice"
                data-testid="kiosk-borrow-start"
                onClick={() => setScreen({ name: "card", message: null })}
              >
                <span className="kiosk-choice-main">{t("kiosk.home.borrow")}</span>
                <span className="kiosk-choice-other" lang={other}>
                  {otherT("kiosk.home.borrow")}
                </span>
              </button>
              <button
                type="button"
                className="kiosk-choice"
                data-testid="kiosk-return-start"
                onClick={() => setScreen({ name: "return" })}
              >
                <span className="kiosk-choice-main">{t("kiosk.home.return")}</span>
                <span className="kiosk-choice-other" lang={other}>
                  {otherT("kiosk.home.return")}
                </span>
              </button>
            </div>
          </section>
        )}
        {screen.name === "card" && (
          <CardScreen
            message={screen.message}
            onCard={(card) => setScreen({ name: "pin", card })}
            onBack={endSession}
          />
        )}
        {screen.name === "pin" && (
          <PinScreen
            api={api}
            card={screen.card}
            onSignedIn={(account, pin) => {
              credentials.current = { card: screen.card, pin };
              setScreen({ name: "borrow", account });
            }}
            onRefused={(refusal) => setScreen({ name: "refused", refusal })}
            onUnknownCard={() => setScreen({ name: "card", message: t("kiosk.card.unknown") })}
            onBack={endSession}
          />
        )}
        {screen.name === "refused" && <RefusedScreen refusal={screen.refusal} onDone={endSession} />}
        {screen.name === "borrow" && (
          <BorrowScreen
            api={api}
            branch={branch}
            account={screen.account}
            credentials={() => credentials.current}
            onFinish={(loans) => {
              credentials.current = null;
              if (loans.length === 0) endSession();
              else setScreen({ name: "receipt", receipt: { kind: "borrow", at: new Date(), loans } });
            }}
          />
        )}
        {screen.name === "return" && (
          <ReturnScreen
            api={api}
            branch={branch}
            onFinish={(returns) => {
              if (returns.length === 0) endSession();
              else setScreen({ name: "receipt", receipt: { kind: "return", at: new Date(), returns } });
            }}
          />
        )}
        {screen.name === "receipt" && <ReceiptScreen receipt={screen.receipt} onDone={endSession} />}
      </main>
      {staffOpen && stillThere === null && (
        <StaffDialog api={api} onExit={exit} onCancel={() => setStaffOpen(false)} />
      )}
      {stillThere !== null && (
        <KioskDialog
          heading={t("kiosk.idle.heading")}
          canClose
          onClose={() => setStillThere(null)}
          testId="kiosk-still-there"
          role="alertdialog"
        >
          <p className="kiosk-big-message" data-testid="kiosk-countdown">
            {t("kiosk.idle.countdown", { count: stillThere })}
          </p>
          <div className="kiosk-actions">
            <button type="button" className="kiosk-primary" onClick={() => setStillThere(null)} data-testid="kiosk-stay">
              {t("kiosk.idle.stay")}
            </button>
          </div>
        </KioskDialog>
      )}
    </div>
  );
}

function StaffDialog({ api, onExit, onCancel }: { api: CatalogApi; onExit(): void; onCancel(): void }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<"wrong" | "failed" | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const left = useRef(false);
  // A second Enter arrives before React re-renders: the guard must not wait for state.
  const checking = useRef(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (checking.current || left.current || !password) return;
    checking.current = true;
    setBusy(true);
    setProblem(null);
    try {
      const ok = await api.exitKiosk(password);
      if (ok) {
        left.current = true;
        onExit();
        return;
      }
      setProblem("wrong");
    } catch {
      setProblem("failed");
    }
    checking.current = false;
    setPassword("");
    setBusy(false);
    input.current?.focus();
  };

  return (
    <KioskDialog heading={t("kiosk.staff.heading")} canClose={!busy} onClose={onCancel} testId="kiosk-staff-dialog">
      <form onSubmit={submit} noValidate>
        <label className="kiosk-scan-label">
          {t("kiosk.staff.password")}
          <input
            ref={input}
            type="password"
            autoComplete="off"
            value={password}
            aria-invalid={problem !== null}
            data-kiosk-input=""
            data-testid="kiosk-staff-password"
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <p className="kiosk-hint">{t("kiosk.staff.explain")}</p>
        {problem && (
          <p role="alert" className="kiosk-problem" data-testid="kiosk-staff-problem">
            {problem === "wrong" ? t("kiosk.staff.wrong") : t("kiosk.staff.failed")}
          </p>
        )}
        {busy && <p role="status">{t("kiosk.staff.checking")}</p>}
        <div className="kiosk-actions">
          <button type="button" className="kiosk-secondary" onClick={onCancel} disabled={busy} data-testid="kiosk-staff-cancel">
            {t("kiosk.staff.cancel")}
          </button>
          <button type="submit" className="kiosk-primary" disabled={busy} data-testid="kiosk-staff-leave">
            {t("kiosk.staff.leave")}
          </button>
        </div>
      </form>
    </KioskDialog>
  );
}
