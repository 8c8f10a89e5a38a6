import { useTranslation } from "react-i18next";
import type { RecordDetail } from "../bindings/RecordDetail";
import { currentLanguage } from "../i18n";
import { DescriptionList, descriptionRows } from "./DescriptionList";
import { formatDateTime, isSafeLink, languageName } from "./format";

/** The record as a reader of the catalog card would want it: labelled, in the UI language. */
export function DescriptionPanel({ detail }: { detail: RecordDetail }) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const { rows, add } = descriptionRows();

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

  return <DescriptionList rows={rows} area="record" />;
}
