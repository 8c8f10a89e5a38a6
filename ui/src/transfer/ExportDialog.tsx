import type { CatalogApi } from "../api";

export interface ExportDialogProps {
  api: CatalogApi;
  /** The current search; the dialog offers to export only its results. */
  query: string;
  onClose(): void;
  onError(err: unknown): void;
}

export function ExportDialog(_props: ExportDialogProps) {
  return <div data-testid="export-dialog" />;
}
