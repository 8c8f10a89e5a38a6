/**
 * The staff header: the app's name, the main navigation (a few top-level items, three of them
 * menus), the sync indicator, Settings and the language switch. It owns the grouping of the
 * destinations and how the header wraps on a narrow window; it never navigates by itself —
 * every choice goes to `onGo` (a screen) or `onDialog` (a dialog over the screen).
 *
 * Every destination keeps the `data-testid` it had as a flat button (`nav-desk`, `nav-import`,
 * ...); an item inside a menu also says which menu button opens it, as `data-nav-menu`.
 */
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { groupOf, type Dialog, type View } from "../navigation";
import { LanguageSwitch } from "./LanguageSwitch";
import { MenuButton, type MenuItem } from "./MenuButton";
import "./AppHeader.css";

/** The test ids of the header's menu buttons. */
export const NAV_MENUS = {
  circulation: "nav-menu-circulation",
  cataloging: "nav-menu-cataloging",
  rights: "nav-menu-rights",
} as const;

export interface AppHeaderProps {
  view: View;
  /** Go to a screen (the shell asks first when there are unsaved edits). */
  onGo(view: View): void;
  /** Open a dialog over the current screen. */
  onDialog(dialog: Exclude<Dialog, null>): void;
  /** The sync indicator, always shown between the navigation and Settings. */
  sync: ReactNode;
}

function inMenu(menu: string, item: Omit<MenuItem, "data">): MenuItem {
  return { ...item, data: { "data-nav-menu": menu } };
}

function GearIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true" focusable="false">
      <circle cx="12" cy="12" r="3.2" />
      <path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z" />
    </svg>
  );
}

export function AppHeader({ view, onGo, onDialog, sync }: AppHeaderProps) {
  const { t } = useTranslation();
  const group = groupOf(view);
  const page = (current: boolean) => (current ? ("page" as const) : undefined);

  const circulation: MenuItem[] = [
    inMenu(NAV_MENUS.circulation, {
      testId: "nav-desk",
      label: t("nav.desk"),
      current: view.name === "desk",
      onSelect: () => onGo({ name: "desk" }),
    }),
    inMenu(NAV_MENUS.circulation, {
      testId: "nav-report",
      label: t("nav.report"),
      current: view.name === "report",
      onSelect: () => onGo({ name: "report" }),
    }),
    inMenu(NAV_MENUS.circulation, {
      testId: "nav-kiosk",
      label: t("nav.kiosk"),
      separatorBefore: true,
      onSelect: () => onDialog("kiosk"),
    }),
  ];
  const cataloging: MenuItem[] = [
    inMenu(NAV_MENUS.cataloging, {
      testId: "nav-new",
      label: t("nav.newRecord"),
      current: view.name === "new",
      keyshortcuts: "Control+N",
      shortcutLabel: t("nav.shortcut.new"),
      onSelect: () => onGo({ name: "new", template: null, initial: null }),
    }),
    inMenu(NAV_MENUS.cataloging, {
      testId: "nav-copy",
      label: t("nav.copy"),
      keyshortcuts: "Control+Shift+C",
      shortcutLabel: t("nav.shortcut.copy"),
      onSelect: () => onDialog("copy"),
    }),
    inMenu(NAV_MENUS.cataloging, {
      testId: "nav-import",
      label: t("nav.import"),
      keyshortcuts: "Control+I",
      shortcutLabel: t("nav.shortcut.import"),
      separatorBefore: true,
      onSelect: () => onDialog("import"),
    }),
    inMenu(NAV_MENUS.cataloging, {
      testId: "nav-export",
      label: t("nav.export"),
      keyshortcuts: "Control+Shift+E",
      shortcutLabel: t("nav.shortcut.export"),
      onSelect: () => onDialog("export"),
    }),
  ];
  const rights: MenuItem[] = [
    inMenu(NAV_MENUS.rights, {
      testId: "nav-rights",
      label: t("nav.rights"),
      current: view.name === "rights",
      onSelect: () => onGo({ name: "rights" }),
    }),
    inMenu(NAV_MENUS.rights, {
      testId: "nav-rights-report",
      label: t("nav.rightsReport"),
      current: view.name === "rights-report",
      onSelect: () => onGo({ name: "rights-report" }),
    }),
  ];

  return (
    <header className="app-header" data-testid="app-header">
      <h1 className="app-header-brand" data-testid="app-title">
        Shelfmark
      </h1>
      <nav className="app-nav" aria-label={t("nav.label")} data-testid="app-nav">
        <button
          type="button"
          className="app-nav-item"
          data-testid="nav-catalog"
          aria-current={page(group === "catalog")}
          onClick={() => onGo({ name: "catalog" })}
        >
          {t("nav.catalog")}
        </button>
        <MenuButton
          testId={NAV_MENUS.circulation}
          label={t("nav.menu.circulation")}
          current={group === "circulation"}
          items={circulation}
        />
        <MenuButton
          testId={NAV_MENUS.cataloging}
          label={t("nav.menu.cataloging")}
          current={group === "cataloging"}
          items={cataloging}
        />
        <button
          type="button"
          className="app-nav-item"
          data-testid="nav-fulltext"
          title={t("nav.fulltextHint")}
          aria-current={page(group === "digital")}
          onClick={() => onGo({ name: "fulltext" })}
        >
          {t("nav.digital")}
        </button>
        <MenuButton testId={NAV_MENUS.rights} label={t("nav.menu.rights")} current={group === "rights"} items={rights} />
      </nav>
      <div className="app-header-tools" data-testid="app-header-tools">
        {sync}
        <button
          type="button"
          className="app-settings"
          data-testid="nav-settings"
          aria-current={page(group === "settings")}
          onClick={() => onGo({ name: "settings" })}
        >
          <GearIcon />
          <span className="app-settings-label">{t("settings.nav")}</span>
        </button>
        <LanguageSwitch />
      </div>
    </header>
  );
}
