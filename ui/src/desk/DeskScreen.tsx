/**
 * The circulation desk: a branch, four tabs (check out, check in, renew, patrons) switched with
 * F2–F5, and scan fields that keep the focus so a keyboard-wedge scanner can work all day.
 */
import { useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { useWindowKeydown } from "../components/windowKeys";
import type { CatalogApi } from "../api";
import type { Branch } from "../bindings/Branch";
import { CheckinPanel } from "./CheckinPanel";
import { CheckoutPanel } from "./CheckoutPanel";
import { PatronsPanel } from "./PatronsPanel";
import { RenewPanel } from "./RenewPanel";
import "./desk.css";

export interface DeskScreenProps {
  api: CatalogApi;
  /** The branch this desk lends from (a branch code); null until chosen. */
  branch: string | null;
  onBranchChange(code: string): void;
  /** Opens a loan's record in the catalog. */
  onOpenRecord(id: string): void;
  /** Something was lent, returned or paid (the summary's counts may change). */
  onChanged(): void;
  onError(err: unknown): void;
}

export const DESK_TABS = ["checkout", "checkin", "renew", "patrons"] as const;
export type DeskTab = (typeof DESK_TABS)[number];
/** The function key of each tab, as in most library desks' muscle memory. */
export const TAB_KEYS: Record<string, DeskTab> = { F2: "checkout", F3: "checkin", F4: "renew", F5: "patrons" };

export function DeskScreen(props: DeskScreenProps) {
  const { t } = useTranslation();
  const { api, onError } = props;
  const [tab, setTab] = useState<DeskTab>("checkout");
  /**
   * Asks a tab to put the focus in its field (a new number each time): F-keys and clicks do,
   * arrows on the tab list do not, since WAI-ARIA tabs keep the focus on the tab there.
   */
  const [focusRequest, setFocusRequest] = useState<{ tab: DeskTab; n: number }>({ tab: "checkout", n: 1 });
  const openTab = (next: DeskTab) => {
    setTab(next);
    setFocusRequest((r) => ({ tab: next, n: r.n + 1 }));
  };
  const [branches, setBranches] = useState<Branch[]>([]);
  const tabRefs = useRef<Partial<Record<DeskTab, HTMLButtonElement | null>>>({});

  useEffect(() => {
    let live = true;
    api.branches().then(
      (list) => live && setBranches(list),
      (err) => live && onError(err),
    );
    return () => {
      live = false;
    };
  }, [api, onError]);

  // F2–F5 switch tabs from anywhere on the desk (capture: before a field or the browser acts).
  useWindowKeydown(
    (e) => {
      const next = TAB_KEYS[e.key];
      if (!next || e.ctrlKey || e.altKey || e.metaKey || e.shiftKey) return;
      if (e.target instanceof Element && e.target.closest("dialog")) return;
      e.preventDefault();
      setTab(next);
      setFocusRequest((r) => ({ tab: next, n: r.n + 1 }));
    },
    { capture: true },
  );

  const onTabKey = (e: ReactKeyboardEvent<HTMLButtonElement>) => {
    const i = DESK_TABS.indexOf(tab);
    let next: DeskTab | null = null;
    if (e.key === "ArrowRight") next = DESK_TABS[(i + 1) % DESK_TABS.length]!;
    else if (e.key === "ArrowLeft") next = DESK_TABS[(i + DESK_TABS.length - 1) % DESK_TABS.length]!;
    else if (e.key === "Home") next = DESK_TABS[0];
    else if (e.key === "End") next = DESK_TABS[DESK_TABS.length - 1]!;
    if (!next) return;
    e.preventDefault();
    setTab(next);
    tabRefs.current[next]?.focus();
  };

  const branchKnown = !props.branch || branches.length === 0 || branches.some((b) => b.code === props.branch);

  return (
    <section className="desk" data-testid="desk-screen" aria-labelledby="desk-title">
      <header className="desk-header">
        <h2 id="desk-title">{t("desk.title")}</h2>
        <div className="desk-branch">
          <label htmlFor="desk-branch">{t("desk.branch.label")}</label>
          <select
            id="desk-branch"
            data-testid="desk-branch"
            value={props.branch ?? ""}
            aria-invalid={!props.branch || !branchKnown || undefined}
            aria-describedby={!props.branch || !branchKnown ? "desk-branch-warning" : undefined}
            onChange={(e) => e.target.value && props.onBranchChange(e.target.value)}
          >
            <option value="">{t("desk.branch.choose")}</option>
            {branches.map((b) => (
              <option key={b.code} value={b.code}>
                {b.name} ({b.code})
              </option>
            ))}
            {!branchKnown && props.branch && <option value={props.branch}>{props.branch}</option>}
          </select>
          {(!props.branch || !branchKnown) && (
            <p id="desk-branch-warning" className="desk-branch-warning" data-testid="desk-branch-warning">
              {props.branch ? t("desk.branch.unknown", { code: props.branch }) : t("desk.branch.required")}
            </p>
          )}
        </div>
      </header>
      <div className="desk-tabs" role="tablist" aria-label={t("desk.tabs.label")}>
        {DESK_TABS.map((key, i) => (
          <button
            key={key}
            ref={(el) => {
              tabRefs.current[key] = el;
            }}
            type="button"
            role="tab"
            id={`desk-tab-${key}`}
            data-testid={`desk-tab-${key}`}
            aria-selected={tab === key}
            aria-controls={`desk-panel-${key}`}
            aria-keyshortcuts={`F${i + 2}`}
            tabIndex={tab === key ? 0 : -1}
            onClick={() => openTab(key)}
            onKeyDown={onTabKey}
          >
            {t(`desk.tabs.${key}`)} <kbd aria-hidden="true">F{i + 2}</kbd>
          </button>
        ))}
      </div>
      {DESK_TABS.map((key) => (
        <div
          key={key}
          role="tabpanel"
          id={`desk-panel-${key}`}
          aria-labelledby={`desk-tab-${key}`}
          data-testid={`desk-panel-${key}`}
          hidden={tab !== key}
          className="desk-panel"
        >
          {key === "checkout" && (
            <CheckoutPanel
              api={api}
              branch={props.branch}
              active={tab === "checkout"}
              focusRequest={focusRequest.tab === "checkout" ? focusRequest.n : 0}
              onChanged={props.onChanged}
              onOpenRecord={props.onOpenRecord}
            />
          )}
          {key === "checkin" && (
            <CheckinPanel api={api} branch={props.branch} branches={branches} focusRequest={focusRequest.tab === "checkin" ? focusRequest.n : 0} onChanged={props.onChanged} />
          )}
          {key === "renew" && <RenewPanel api={api} focusRequest={focusRequest.tab === "renew" ? focusRequest.n : 0} onChanged={props.onChanged} />}
          {key === "patrons" && (
            <PatronsPanel
              api={api}
              branch={props.branch}
              branches={branches}
              focusRequest={focusRequest.tab === "patrons" ? focusRequest.n : 0}
              onChanged={props.onChanged}
              onOpenRecord={props.onOpenRecord}
              onError={onError}
            />
          )}
        </div>
      ))}
    </section>
  );
}
