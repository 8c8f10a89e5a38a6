import type { MarcRecord } from "./bindings/MarcRecord";
import type { TemplateKind } from "./bindings/TemplateKind";

/** The screen the cataloger is on. Dialogs (import, export, copy cataloging) open over any of them. */
export type View =
  | { name: "catalog" }
  | { name: "record"; id: string }
  | { name: "edit"; id: string }
  /** A new record: from a template, from a copy of another record, or (both null) a choice of template first. */
  | { name: "new"; template: TemplateKind | null; initial: MarcRecord | null }
  /** The circulation desk: check out, check in, patrons. */
  | { name: "desk" }
  /** Circulation statistics. */
  | { name: "report" }
  /** The rights review queue: works not yet evaluated or undetermined. */
  | { name: "rights" }
  /** The rights report: works by status, entering the public domain, not evaluated. */
  | { name: "rights-report" }
  /**
   * A digital object opened in the viewer or the audiobook player; `part` (a text part's
   * index: a PDF page from 0, an EPUB chapter) opens it there, as a full-text hit does.
   */
  | { name: "viewer"; objectId: string; recordId: string; part?: number }
  /** Full-text search over the digital collection. */
  | { name: "fulltext" }
  /** Sync with the central server: status, exceptions to resolve, settings. */
  | { name: "sync" }
  /** Settings: sync server, the SIP2 server and its accounts, copy-cataloging targets. */
  | { name: "settings" };

export type Dialog = "import" | "export" | "kiosk" | "copy" | null;

/** Where Esc (or Back) goes from a view. */
export function parentOf(view: View): View {
  switch (view.name) {
    case "catalog":
    case "record":
      return { name: "catalog" };
    case "edit":
      return { name: "record", id: view.id };
    case "viewer":
      return { name: "record", id: view.recordId };
    case "new":
    case "desk":
    case "report":
    case "rights":
    case "rights-report":
    case "fulltext":
    case "sync":
    case "settings":
      return { name: "catalog" };
  }
}

/**
 * The header's top-level destinations. A view belongs to one of them, and that item is marked
 * as the current page (`aria-current="page"`) even when the view is reached through a menu.
 */
export type NavGroup = "catalog" | "circulation" | "cataloging" | "digital" | "rights" | "sync" | "settings";

/** The header item under which a view is found. */
export function groupOf(view: View): NavGroup {
  switch (view.name) {
    case "catalog":
    case "record":
      return "catalog";
    case "new":
    case "edit":
      return "cataloging";
    case "desk":
    case "report":
      return "circulation";
    case "fulltext":
    case "viewer":
      return "digital";
    case "rights":
    case "rights-report":
      return "rights";
    case "sync":
      return "sync";
    case "settings":
      return "settings";
  }
}
