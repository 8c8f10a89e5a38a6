import type { CatalogApi } from "../api";

export interface ReportScreenProps {
  api: CatalogApi;
  onError(err: unknown): void;
}

export function ReportScreen(_props: ReportScreenProps) {
  return <section data-testid="report-screen" />;
}
