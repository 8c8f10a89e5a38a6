import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { MarcRecord } from "../bindings/MarcRecord";
import { isBlankIndicator, marcToMnemonic } from "./format";

function Indicator({ value }: { value: string }) {
  const { t } = useTranslation();
  if (!isBlankIndicator(value)) return <span className="marc-ind">{value}</span>;
  return (
    <span className="marc-ind marc-blank" data-blank="true">
      <span aria-hidden="true">#</span>
      <span className="visually-hidden">{t("record.marc.blank")}</span>
    </span>
  );
}

/**
 * The record as catalogers read it in MarcEdit or Koha's MARC view: leader, then tag,
 * indicators and subfields, one field a line, monospaced. The text can be selected, and the
 * Copy button puts the whole record on the clipboard as MarcEdit text.
 */
export function MarcPanel({ marc }: { marc: MarcRecord }) {
  const { t } = useTranslation();
  const [copyState, setCopyState] = useState<"idle" | "copied" | "failed">("idle");

  const copy = () => {
    const clipboard = globalThis.navigator?.clipboard;
    if (!clipboard?.writeText) {
      setCopyState("failed");
      return;
    }
    clipboard.writeText(marcToMnemonic(marc)).then(
      () => setCopyState("copied"),
      () => setCopyState("failed"),
    );
  };

  return (
    <div className="marc-panel">
      <div className="marc-toolbar">
        <button type="button" onClick={copy} data-testid="marc-copy">
          {t("record.marc.copy")}
        </button>
        <span role="status" className="marc-copy-status" data-testid="marc-copy-status">
          {copyState === "copied" ? t("record.marc.copied") : copyState === "failed" ? t("record.marc.copyFailed") : ""}
        </span>
      </div>
      <div className="marc-view" data-testid="marc-view" role="group" aria-label={t("record.marc.label")}>
        <div className="marc-line" data-testid="marc-line" data-tag="LDR">
          <span className="marc-tag">
            <span aria-hidden="true">LDR</span>
            <span className="visually-hidden">{t("record.marc.leader")}</span>
          </span>
          <span className="marc-inds" aria-hidden="true" />
          <span className="marc-data marc-fixed">{marc.leader}</span>
        </div>
        {marc.fields.map((field, i) => (
          <div className="marc-line" data-testid="marc-line" data-tag={field.tag} key={i}>
            <span className="marc-tag">{field.tag}</span>
            {field.kind === "control" ? (
              <>
                <span className="marc-inds" aria-hidden="true" />
                <span className="marc-data marc-fixed">{field.value}</span>
              </>
            ) : (
              <>
                <span className="marc-inds" data-testid="marc-indicators">
                  <span className="visually-hidden">{t("record.marc.indicators")} </span>
                  <Indicator value={field.ind1} />
                  <Indicator value={field.ind2} />
                </span>
                <span className="marc-data">
                  {field.subfields.map((sf, j) => (
                    <span className="marc-subfield" key={j} data-testid="marc-subfield">
                      <strong className="marc-code">‡{sf.code}</strong>
                      {sf.value}
                      {j < field.subfields.length - 1 ? " " : ""}
                    </span>
                  ))}
                </span>
              </>
            )}
          </div>
        ))}
      </div>
    </div>
  );
}
