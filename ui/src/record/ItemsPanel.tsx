import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { CatalogApi } from "../api";
import type { Branch } from "../bindings/Branch";
import type { Item } from "../bindings/Item";
import type { ItemInput } from "../bindings/ItemInput";
import { draftFromItem, itemTypeOptions, newItemDraft, type ItemDraft } from "./format";
import { ItemForm } from "./ItemForm";

export interface ItemsPanelProps {
  api: CatalogApi;
  recordId: string;
  items: Item[];
  /** The record's call number, which a new item starts with. */
  callNumber: string | null;
  /** A saved item (new or edited), to be shown in place. */
  onSaved(item: Item, added: boolean): void;
  /** Whether the item form is open (the record's own shortcuts pause meanwhile). */
  onFormOpen(open: boolean): void;
}

type Editing = { item: Item | null; draft: ItemDraft; opener: HTMLElement | null };

/** The record's items, and the form that adds or edits one. */
export function ItemsPanel(props: ItemsPanelProps) {
  const { t } = useTranslation();
  const { api, onFormOpen } = props;
  const [branches, setBranches] = useState<Branch[] | null>(null);
  const [branchesFailed, setBranchesFailed] = useState(false);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const addRef = useRef<HTMLButtonElement>(null);
  /** Where focus goes once the form has closed: the button that opened it. */
  const [returnFocus, setReturnFocus] = useState<{ to: HTMLElement | null } | null>(null);
  useEffect(() => {
    if (!returnFocus) return;
    // Add takes focus when the opener's row is gone.
    (returnFocus.to?.isConnected ? returnFocus.to : addRef.current)?.focus();
    setReturnFocus(null);
  }, [returnFocus]);

  useEffect(() => {
    let cancelled = false;
    api.branches().then(
      (list) => {
        if (!cancelled) setBranches(list);
      },
      () => {
        if (!cancelled) setBranchesFailed(true);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api]);

  useEffect(() => onFormOpen(editing !== null), [editing, onFormOpen]);
  useEffect(() => () => onFormOpen(false), [onFormOpen]);

  const branchLabel = (code: string) => {
    const branch = branches?.find((b) => b.code === code);
    return branch ? `${branch.code} — ${branch.name}` : code;
  };

  const open = (item: Item | null, opener: HTMLElement | null) => {
    setAnnouncement("");
    setEditing({ item, draft: item ? draftFromItem(item) : newItemDraft(props.items, props.callNumber), opener });
  };

  const close = () => {
    setReturnFocus({ to: editing?.opener ?? null });
    setEditing(null);
  };

  const submit = async (input: ItemInput) => {
    if (!editing) return;
    const item = editing.item;
    const saved = item ? await api.updateItem(item.id, input) : await api.addItem(props.recordId, input);
    props.onSaved(saved, item === null);
    setAnnouncement(t(item ? "items.updated" : "items.added", { barcode: saved.barcode }));
    close();
  };

  return (
    <div className="items-panel">
      <div className="items-toolbar">
        <button type="button" ref={addRef} className="primary" onClick={(e) => open(null, e.currentTarget)} data-testid="item-add">
          {t("items.add")}
        </button>
        <span role="status" className="record-muted" data-testid="items-status">
          {announcement}
        </span>
      </div>
      {props.items.length === 0 ? (
        <p className="record-muted" data-testid="items-empty">
          {t("items.none")}
        </p>
      ) : (
        <table className="items-table" data-testid="items-table" aria-label={t("items.tableLabel")}>
          <thead>
            <tr>
              <th scope="col">{t("items.columns.barcode")}</th>
              <th scope="col">{t("items.columns.branch")}</th>
              <th scope="col">{t("items.columns.location")}</th>
              <th scope="col">{t("items.columns.callNumber")}</th>
              <th scope="col">{t("items.columns.itemType")}</th>
              <th scope="col">{t("items.columns.status")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("items.columns.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.items.map((item) => (
              <tr key={item.id} data-testid="item-row" data-barcode={item.barcode}>
                <th scope="row" className="identifier">
                  {item.barcode}
                </th>
                <td>
                  {branchLabel(item.branch_code)}
                  {item.holding_branch_code && item.holding_branch_code !== item.branch_code && (
                    <span className="record-muted"> ({t("items.nowAt", { branch: branchLabel(item.holding_branch_code) })})</span>
                  )}
                </td>
                <td>{item.location}</td>
                <td className="identifier">{item.call_number ?? ""}</td>
                <td>{t(`items.type.${item.item_type}`, { defaultValue: item.item_type })}</td>
                <td>
                  <span className={`item-status status-${item.status}`} data-testid="item-status-cell">
                    {t(`items.status.${item.status}`)}
                  </span>
                </td>
                <td>
                  <button
                    type="button"
                    onClick={(e) => open(item, e.currentTarget)}
                    aria-label={t("items.editLabel", { barcode: item.barcode })}
                    data-testid="item-edit"
                  >
                    {t("items.edit")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing && (
        <ItemForm
          editing={editing.item ? editing.item.barcode : null}
          initial={editing.draft}
          branches={branches}
          branchesFailed={branchesFailed}
          itemTypes={itemTypeOptions(props.items, editing.draft.item_type)}
          onSubmit={submit}
          onCancel={close}
        />
      )}
    </div>
  );
}
