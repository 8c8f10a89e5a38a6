/** The reader's words for facet values and filter chips (codes stay in the query). */
import type { TFunction, i18n as I18n } from "i18next";
import { LOCALES, currentLanguage } from "../i18n";
import type { FacetGroup } from "./facets";
import { parseFilter } from "./queryBuilder";

export interface Labeller {
  facet(group: FacetGroup, value: string): string;
  /** "Material type: Book" for `type:book`; the clause itself when it is not a known filter. */
  chip(clause: string): string;
  language(code: string): string;
}

/** `branches` maps a branch code to its name, when the branches could be read. */
export function labeller(t: TFunction, i18n: I18n, branches: ReadonlyMap<string, string>): Labeller {
  const language = (code: string): string => {
    const key = `search.languages.${code.toLowerCase()}`;
    if (i18n.exists(key)) return t(key);
    try {
      const name = new Intl.DisplayNames([LOCALES[currentLanguage(i18n)]], { type: "language" }).of(code);
      if (name && name.toLowerCase() !== code.toLowerCase()) return name;
    } catch {
      // Not a code Intl knows: show the code.
    }
    return code;
  };

  const facet = (group: FacetGroup, value: string): string => {
    switch (group) {
      case "material_type":
        return i18n.exists(`materialType.${value}`) ? t(`materialType.${value}`) : value;
      case "language":
        return language(value);
      case "decade": {
        const from = Number(value);
        return Number.isInteger(from) ? t("search.facets.decade", { from, to: from + 9 }) : value;
      }
      case "branch":
        return branches.get(value) ?? value;
      case "availability":
      case "serial":
        return i18n.exists(`search.facets.${group}.${value}`) ? t(`search.facets.${group}.${value}`) : value;
    }
  };

  const chip = (clause: string): string => {
    const filter = parseFilter(clause);
    if (!filter) return clause;
    const text = (group: FacetGroup, value: string) =>
      t("search.chips.text", { group: t(`search.facets.groups.${group}`), value });
    switch (filter.field) {
      case "type":
        return text("material_type", facet("material_type", filter.value.toLowerCase()));
      case "lang":
        return text("language", language(filter.value));
      case "year": {
        const decade = /^(\d{1,4})\.\.(\d{1,4})$/.exec(filter.value);
        const value = decade ? t("search.facets.decade", { from: decade[1], to: decade[2] }) : filter.value;
        return t("search.chips.text", { group: t("search.advanced.year"), value });
      }
      case "branch":
        return text("branch", facet("branch", filter.value));
      case "available": {
        const yes = ["yes", "true"].includes(filter.value.toLowerCase());
        return text("availability", facet("availability", yes ? "available" : "unavailable"));
      }
      case "monograph":
        return text("serial", facet("serial", "monograph"));
      default:
        return clause;
    }
  };

  return { facet, chip, language };
}
