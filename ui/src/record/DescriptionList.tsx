/**
 * The labelled description of a record (`record.fields` names, one row a field, a list where
 * the record repeats one): the record view's and a copy target's preview share it so both
 * read the same. It only lays out the rows it is given; what goes in them is the caller's.
 */
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

export type DescriptionRow = [key: string, values: ReactNode[]];

/** Rows collected in order; a field whose values are all empty is left out. */
export function descriptionRows() {
  const rows: DescriptionRow[] = [];
  const add = (key: string, values: Array<ReactNode | null | undefined | false>) => {
    const present = values.filter((v): v is ReactNode => v !== null && v !== undefined && v !== false && v !== "");
    if (present.length) rows.push([key, present]);
  };
  return { rows, add };
}

/** One value, or a list when the record repeats it. */
function Values({ values, className }: { values: ReactNode[]; className: string }) {
  if (values.length === 1) return <>{values[0]}</>;
  return (
    <ul className={className}>
      {values.map((v, i) => (
        <li key={i}>{v}</li>
      ))}
    </ul>
  );
}

/** The rows as a description list; `area` names its classes and test id (`record`, `copy`). */
export function DescriptionList({ rows, area }: { rows: DescriptionRow[]; area: string }) {
  const { t } = useTranslation();
  return (
    <dl className={`${area}-description`} data-testid={`${area}-description`}>
      {rows.map(([key, values]) => (
        <div className={`${area}-description-row`} key={key} data-field={key}>
          <dt>{t(`record.fields.${key}`)}</dt>
          <dd>
            <Values values={values} className={`${area}-values`} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
