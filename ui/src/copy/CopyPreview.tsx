/**
 * A target's record before it is imported: labelled as the record view labels a catalog
 * record (the same `record.fields` names, in the same order), then the whole MARC record as
 * MarcEdit mnemonic lines, which a cataloger reads to judge a copy's quality.
 */
import { useId, useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { MarcRecord } from "../bindings/MarcRecord";
import { currentLanguage } from "../i18n";
import { DescriptionList, descriptionRows } from "../record/DescriptionList";
import { languageName, marcToMnemonic } from "../record/format";
import { describeMarc } from "./copy";

export function CopyPreview({ record }: { record: MarcRecord }) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const marcId = useId();
  const d = useMemo(() => describeMarc(record), [record]);
  const mnemonic = useMemo(() => marcToMnemonic(record), [record]);

  const { rows, add } = descriptionRows();
  add("title", [d.title || t("copy.preview.noTitle")]);
  add("responsibility", [d.responsibility]);
  add("authors", d.authors);
  add("edition", [d.edition]);
  add("publication", [d.publication]);
  add("year", [d.year === null ? null : String(d.year)]);
  add("physicalDescription", [d.physicalDescription]);
  add("series", d.series);
  add("subjects", d.subjects);
  add("notes", d.notes);
  for (const key of ["isbn", "issn"] as const) {
    add(
      key,
      d[key].map((id) => (
        <span data-testid={`preview-${key}`}>
          <span className="identifier">{id.value}</span>
          {id.qualifier && <> {id.qualifier}</>}
        </span>
      )),
    );
  }
  add("languages", [d.languages.map((code) => languageName(code, lang)).join(", ")]);
  add("callNumber", [d.callNumber && <span className="identifier">{d.callNumber}</span>]);
  add("controlNumber", [d.controlNumber && <span className="identifier">{d.controlNumber}</span>]);

  return (
    <>
      <DescriptionList rows={rows} area="copy" />
      <h4 id={marcId} className="copy-marc-heading">
        {t("copy.preview.marc")}
      </h4>
      {/* Scrolls on its own, so it is a stop for the keyboard too. */}
      <div className="copy-marc" role="region" aria-labelledby={marcId} tabIndex={0} data-testid="copy-marc">
        <pre data-testid="copy-mnemonic">
          {mnemonic}
        </pre>
      </div>
    </>
  );
}
