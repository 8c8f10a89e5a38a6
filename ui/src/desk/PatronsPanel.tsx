import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { CatalogApi } from "../api";
import type { Branch } from "../bindings/Branch";
import { PatronRecord } from "./PatronRecord";
import { PatronSearch } from "./PatronSearch";
import { RegisterForm } from "./RegisterForm";

export interface PatronsPanelProps {
  api: CatalogApi;
  branch: string | null;
  branches: Branch[];
  /** Changes when the desk wants the focus in the search box. */
  focusRequest: number;
  onChanged(): void;
  onOpenRecord(id: string): void;
  onError(err: unknown): void;
}

type Mode = { kind: "search" } | { kind: "record"; barcode: string } | { kind: "register" };

/** Patrons: find one and open the record, or register a new reader. */
export function PatronsPanel(props: PatronsPanelProps) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<Mode>({ kind: "search" });
  return (
    <div className="desk-panel-body">
      {mode.kind === "search" && (
        <>
          <div className="desk-actions">
            <button type="button" data-testid="register-open" onClick={() => setMode({ kind: "register" })}>
              {t("desk.register.open")}
            </button>
          </div>
          <PatronSearch
            api={props.api}
            focusRequest={props.focusRequest}
            onOpen={(barcode) => setMode({ kind: "record", barcode })}
            onError={props.onError}
          />
        </>
      )}
      {mode.kind === "record" && (
        <PatronRecord
          key={mode.barcode}
          api={props.api}
          barcode={mode.barcode}
          branches={props.branches}
          deskBranch={props.branch}
          onBack={() => setMode({ kind: "search" })}
          onChanged={props.onChanged}
          onOpenRecord={props.onOpenRecord}
          onError={props.onError}
        />
      )}
      {mode.kind === "register" && (
        <RegisterForm
          api={props.api}
          branches={props.branches}
          deskBranch={props.branch}
          onCancel={() => setMode({ kind: "search" })}
          onRegistered={(account) => {
            props.onChanged();
            setMode({ kind: "record", barcode: account.barcode });
          }}
        />
      )}
    </div>
  );
}
