import type { CatalogApi } from "../api";
import type { ImportSummary } from "../bindings/ImportSummary";

export interface ImportDialogProps {
  api: CatalogApi;
  onClose(): void;
  /** Records were written (also after a cancelled run that committed some). */
  onImported(summary: ImportSummary): void;
  onError(err: unknown): void;
}

export function ImportDialog(_props: ImportDialogProps) {
  return <div data-testid="import-dialog" />;
}
