import type { CatalogApi } from "../api";
import type { MarcRecord } from "../bindings/MarcRecord";

export interface RecordViewProps {
  api: CatalogApi;
  id: string;
  /** Back to the search results (Esc does the same). */
  onBack(): void;
  onEdit(id: string): void;
  /** Opens the editor on a copy of this record, as a new one. */
  onDuplicate(record: MarcRecord): void;
  onDeleted(): void;
  /** Something about the record or its items was saved (the summary's counts may change). */
  onChanged(): void;
  onError(err: unknown): void;
}

export function RecordView(_props: RecordViewProps) {
  return <section data-testid="record-view" />;
}
