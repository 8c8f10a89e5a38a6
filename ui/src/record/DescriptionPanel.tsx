import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { RecordDetail } from "../bindings/RecordDetail";
import { currentLanguage } from "../i18n";
import { formatDateTime, isSafeLink, languageName } from "./format";

/** One value, or a list when the record repeats it. */
function Values({ values }: { values: ReactNode[] }) {
  if (values.length === 1) return <>{values[0]}</>;
  return (
    <ul className="record-values">
      {values.map((v, i) => (
        <li key={i}>{v}</li>
      ))}
    </ul>
  );
}

/** The record as a reader of the catalog card would want it: labelled, in the UI language. */
export function DescriptionPanel({ detail }: { detail: RecordDetail }) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const rows: Array<[string, ReactNode[]]> = [];
  const add = (key: string, values: Array<ReactNode | null | undefined | false>) => {
    const present = values.filter((v): v is ReactNode => v !== null && v !== undefined && v !== false && v !== "");
    if (present.length) rows.push([key, present]);
  };

  add("title", [detail.title]);
  add("responsibility", [detail.responsibility]);
  add("authors", detail.authors);
  add("edition", [detail.edition]);
  add("publication", [detail.publication]);
  // A year is a name here, not a quantity: no thousands separator.
  add("year", [detail.year === null ? null : String(detail.year)]);
  add("physicalDescription", [detail.physical_description]);
  add("series", detail.series);
  add("subjects", detail.subjects);
  add("notes", detail.notes);
  add(
    "isbn",
    detail.isbns.map((isbn) => (
      <span className={isbn.valid ? undefined : "identifier-invalid"} data-testid="isbn">
        <span className="identifier">{isbn.value}</span>
        {isbn.qualifier && <> {isbn.qualifier}</>}
        {!isbn.valid && (
          <span className="invalid-marker">
            <span aria-hidden="true"> ⚠ </span>
            {t("record.invalidCheckDigit")}
          </span>
        )}
      </span>
    )),
  );
  add(
    "issn",
    detail.issns.map((issn) => (
      <span className={issn.valid ? undefined : "identifier-invalid"} data-testid="issn">
        <span className="identifier">{issn.value}</span>
        {issn.qualifier && <> {issn.qualifier}</>}
        {!issn.valid && (
          <span className="invalid-marker">
            <span aria-hidden="true"> ⚠ </span>
            {t("record.invalidCheckDigit")}
          </span>
        )}
      </span>
    )),
  );
  add(
    "links",
    detail.links.map((link) =>
      isSafeLink(link.url) ? (
        <a href={link.url} target="_blank" rel="noopener noreferrer" data-testid="record-link">
          {link.label ?? link.url}
        </a>
      ) : (
        <span className="identifier">{link.label ? `${link.label}: ${link.url}` : link.url}</span>
      ),
    ),
  );
  add("languages", [detail.languages.map((code) => languageName(code, lang)).join(", ")]);
  add("callNumber", [detail.call_number && <span className="identifier">{detail.call_number}</span>]);
  add("controlNumber", [detail.control_number && <span className="identifier">{detail.control_number}</span>]);
  add("materialType", [t(`materialType.${detail.material_type}`)]);
  add("created", [<time dateTime={detail.created_at}>{formatDateTime(detail.created_at, lang)}</time>]);
  add("updated", [<time dateTime={detail.updated_at}>{formatDateTime(detail.updated_at, lang)}</time>]);

  return (
    <dl className="record-description" data-testid="record-description">
      {rows.map(([key, values]) => (
        <div className="record-description-row" key={key} data-field={key}>
          <dt>{t(`record.fields.${key}`)}</dt>
          <dd>
            <Values values={values} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
