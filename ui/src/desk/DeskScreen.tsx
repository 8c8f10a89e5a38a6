import type { CatalogApi } from "../api";

export interface DeskScreenProps {
  api: CatalogApi;
  /** The branch this desk lends from (a branch code); null until chosen. */
  branch: string | null;
  onBranchChange(code: string): void;
  /** Opens a loan's record in the catalog. */
  onOpenRecord(id: string): void;
  /** Something was lent, returned or paid (the summary's counts may change). */
  onChanged(): void;
  onError(err: unknown): void;
}

export function DeskScreen(_props: DeskScreenProps) {
  return <section data-testid="desk-screen" />;
}
