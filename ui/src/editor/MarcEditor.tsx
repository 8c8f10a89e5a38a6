import type { CatalogApi } from "../api";
import type { MarcRecord } from "../bindings/MarcRecord";
import type { RecordDetail } from "../bindings/RecordDetail";
import type { TemplateKind } from "../bindings/TemplateKind";

export interface MarcEditorProps {
  api: CatalogApi;
  /** The record being edited; null for a new one. */
  recordId: string | null;
  /** For a new record: the template to start from (null with `initial` null: ask which). */
  template: TemplateKind | null;
  /** For a new record: a copy of another record to start from. */
  initial: MarcRecord | null;
  onSaved(detail: RecordDetail): void;
  /** Leave without saving (the app asks first when there are unsaved edits). */
  onCancel(): void;
  onDeleted(): void;
  /** Tells the app whether there are unsaved edits, so leaving asks first. */
  onDirtyChange(dirty: boolean): void;
  onError(err: unknown): void;
}

export function MarcEditor(_props: MarcEditorProps) {
  return <section data-testid="marc-editor" />;
}
