import { useId, useRef } from "react";
import { useTranslation } from "react-i18next";
import { useModal } from "../components/modal";

/** Every shortcut of the editor, by action key in `editor.shortcuts.*`. */
export const SHORTCUTS: readonly { action: string; keys: string }[] = [
  { action: "addField", keys: "Ctrl+Enter / Insert" },
  { action: "repeatField", keys: "Ctrl+Shift+D" },
  { action: "removeField", keys: "Ctrl+Delete" },
  { action: "moveFieldUp", keys: "Alt+↑" },
  { action: "moveFieldDown", keys: "Alt+↓" },
  { action: "addSubfield", keys: "Ctrl+Shift+S" },
  { action: "removeSubfield", keys: "Ctrl+Shift+Backspace" },
  { action: "moveSubfieldLeft", keys: "Alt+Shift+←" },
  { action: "moveSubfieldRight", keys: "Alt+Shift+→" },
  { action: "undo", keys: "Ctrl+Z" },
  { action: "redo", keys: "Ctrl+Y / Ctrl+Shift+Z" },
  { action: "save", keys: "Ctrl+S" },
  { action: "textMode", keys: "Ctrl+M" },
  { action: "help", keys: "F1 / ?" },
  { action: "leave", keys: "Esc" },
];

export function ShortcutsDialog({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  const closeRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const modal = useModal({ canClose: true, onClose, initialFocus: closeRef });
  return (
    <dialog
      ref={modal.ref}
      className="shortcuts-dialog"
      aria-labelledby={titleId}
      data-testid="shortcuts-dialog"
      onCancel={modal.onCancel}
      onKeyDown={(e) => {
        // F1 opened the list, so F1 closes it too (and does not reach the browser's help).
        if (e.key === "F1") {
          e.preventDefault();
          e.stopPropagation();
          onClose();
          return;
        }
        modal.onKeyDown(e);
      }}
    >
      <h2 id={titleId}>{t("editor.shortcuts.title")}</h2>
      <table className="shortcuts-table">
        <thead>
          <tr>
            <th scope="col">{t("editor.shortcuts.action")}</th>
            <th scope="col">{t("editor.shortcuts.keys")}</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.action}>
              <td>{t(`editor.shortcuts.${s.action}`)}</td>
              <td>
                <kbd>{s.keys}</kbd>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="dialog-actions">
        <button type="button" ref={closeRef} className="primary" onClick={onClose} data-testid="shortcuts-close">
          {t("editor.shortcuts.close")}
        </button>
      </div>
    </dialog>
  );
}
