import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { CatalogApi } from "../api";
import { CopyTargetsSection } from "./CopyTargetsSection";
import { Sip2Section } from "./Sip2Section";
import { SyncSettingsSection } from "./SyncSettingsSection";
import "./settings.css";

export interface SettingsScreenProps {
  api: CatalogApi;
  /** How often the SIP2 server's state is read; tests pass their own. */
  sip2PollMs?: number;
}

/**
 * The branch's settings: where it syncs, the SIP2 server for self-check machines and its
 * accounts, and the libraries it copies records from. Each section loads, checks and saves
 * on its own, so one failing does not hide the others.
 */
export function SettingsScreen({ api, sip2PollMs }: SettingsScreenProps) {
  const { t } = useTranslation();
  const headingId = useId();
  return (
    <section className="settings-screen" aria-labelledby={headingId} data-testid="settings-screen">
      <h2 id={headingId}>{t("settings.title")}</h2>
      <SyncSettingsSection api={api} />
      <Sip2Section api={api} pollMs={sip2PollMs} />
      <CopyTargetsSection api={api} />
    </section>
  );
}
