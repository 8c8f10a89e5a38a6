/**
 * A list in the settings that the catalog keeps (the SRU copy targets, the SIP2 machines'
 * accounts): read, added to and removed from, with the last change said in a status line and
 * a failure shown with what was being done. It owns only that state; the form and the table
 * are the section's.
 */
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { toErrorPayload, type CatalogApi } from "../api";
import type { ErrorPayload } from "../bindings/ErrorPayload";

export type SettingsFailure = { lead: string; error: ErrorPayload } | null;

/**
 * `load` is read again after every change; give a function defined outside the component so
 * it is the same on every render. `loadFailed` is the i18n key of the lead when reading fails.
 */
export function useSettingsList<T>(api: CatalogApi, load: (api: CatalogApi) => Promise<T[]>, loadFailed: string) {
  const { t } = useTranslation();
  const [items, setItems] = useState<T[] | null>(null);
  const [reloads, setReloads] = useState(0);
  const [failure, setFailure] = useState<SettingsFailure>(null);
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState<T | null>(null);
  const [message, setMessage] = useState("");

  useEffect(() => {
    let cancelled = false;
    load(api).then(
      (list) => !cancelled && setItems(list),
      (err) => !cancelled && setFailure({ lead: t(loadFailed), error: toErrorPayload(err) }),
    );
    return () => {
      cancelled = true;
    };
  }, [api, load, loadFailed, reloads, t]);

  const failed = (lead: string, err: unknown) => setFailure({ lead: t(lead), error: toErrorPayload(err) });

  /** Adds one (busy meanwhile); `done` clears the form and says what was added. */
  const add = async <R>(work: () => Promise<R>, done: (added: R) => string, addFailed: string) => {
    setBusy(true);
    setFailure(null);
    try {
      setMessage(done(await work()));
      setReloads((n) => n + 1);
    } catch (err) {
      failed(addFailed, err);
    } finally {
      setBusy(false);
    }
  };

  /** Removes the one asked about, once confirmed. */
  const remove = async (work: () => Promise<unknown>, removed: () => string, removeFailed: string) => {
    setRemoving(null);
    setMessage("");
    setFailure(null);
    try {
      await work();
      setMessage(removed());
      setReloads((n) => n + 1);
    } catch (err) {
      failed(removeFailed, err);
    }
  };

  return { items, failure, setFailure, busy, removing, setRemoving, message, setMessage, add, remove };
}
