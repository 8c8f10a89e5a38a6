import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { toErrorPayload, type CatalogApi } from "../api";
import type { ChangeDetail } from "../bindings/ChangeDetail";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { RecordChange } from "../bindings/RecordChange";
import { currentLanguage } from "../i18n";
import { formatDateTime, newestFirst } from "./format";

/** The headline of one change: "Record edited", "Item HK0001234 added". */
export function changeHeadline(change: RecordChange, t: TFunction): string {
  if (change.entity_type === "record") return t(`record.history.record.${change.operation}`);
  if (change.entity_type === "item") {
    return t(`record.history.item.${change.operation}`, { barcode: change.item_barcode ?? change.entity_id });
  }
  return t("record.history.otherEntity", {
    entity: t(`record.history.entity.${change.entity_type}`),
    id: change.entity_id,
    operation: t(`record.history.operation.${change.operation}`),
  });
}

/** One difference in words: "245 changed: before → after", "Status changed: Available → Not for loan". */
export function detailLine(change: RecordChange, detail: ChangeDetail, t: TFunction): string {
  const isItem = change.entity_type === "item";
  const what = isItem ? t(`items.property.${detail.what}`, { defaultValue: detail.what }) : detail.what;
  const value = (v: string | null) => {
    if (v === null || v === "") return t("record.history.emptyValue");
    if (isItem && detail.what === "status") return t(`items.status.${v}`, { defaultValue: v });
    if (isItem && detail.what === "item_type") return t(`items.type.${v}`, { defaultValue: v });
    return v;
  };
  const params = { what, before: value(detail.before), after: value(detail.after) };
  // A new item lists what was set, not what was "added" to it.
  if (isItem && change.operation === "create" && detail.kind === "added") return t("record.history.set", params);
  return t(`record.history.${detail.kind}`, params);
}

/** The record's change log, newest first: when, who, what. */
export function HistoryPanel({ api, id }: { api: CatalogApi; id: string }) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const [changes, setChanges] = useState<RecordChange[] | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);

  const load = useCallback(() => {
    let cancelled = false;
    setError(null);
    api.recordHistory(id).then(
      (list) => {
        if (!cancelled) setChanges(newestFirst(list));
      },
      (err: unknown) => {
        if (!cancelled) setError(toErrorPayload(err));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, id]);
  useEffect(load, [load]);

  if (error) {
    return (
      <div role="alert" className="record-inline-error" data-testid="history-error">
        <p>
          {t("record.history.failed")} {t(`errors.${error.code}`)}
        </p>
        <button type="button" onClick={load}>
          {t("record.retry")}
        </button>
      </div>
    );
  }
  if (!changes) {
    return (
      <p role="status" className="record-muted">
        {t("record.history.loading")}
      </p>
    );
  }
  if (!changes.length) return <p className="record-muted">{t("record.history.empty")}</p>;

  return (
    <ol className="history-list" aria-label={t("record.history.label")} data-testid="history-list">
      {changes.map((change) => (
        <li key={change.change_id} className="history-entry" data-testid="history-entry">
          <div className="history-head">
            <time dateTime={change.recorded_at} data-testid="history-when">
              {formatDateTime(change.recorded_at, lang)}
            </time>
            <span className="history-who">{t("record.history.by", { user: change.user })}</span>
          </div>
          <p className="history-what" data-testid="history-what">
            {changeHeadline(change, t)}
          </p>
          {change.details.length > 0 && (
            <ul className="history-details">
              {change.details.map((detail, i) => (
                <li key={i} data-testid="history-detail">
                  {detailLine(change, detail, t)}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}
