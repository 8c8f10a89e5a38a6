import { describe, expect, it } from "vitest";
import { RESOURCES } from ".";

/** Every leaf key of a nested resource object, with i18next's plural suffixes folded. */
function leafKeys(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null) return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    leafKeys(v, prefix ? `${prefix}.${k}` : k),
  );
}

const plural = /_(zero|one|two|few|many|other)$/;
const folded = (keys: string[]) => [...new Set(keys.map((k) => k.replace(plural, "")))].sort();

describe("translations", () => {
  it("Vietnamese and English have the same strings, screen files included", () => {
    expect(folded(leafKeys(RESOURCES.vi))).toEqual(folded(leafKeys(RESOURCES.en)));
  });

  it("no string is left empty", () => {
    for (const lang of ["vi", "en"] as const) {
      const empty = leafKeys(RESOURCES[lang]).filter((key) => {
        const value = key.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], RESOURCES[lang]);
        return typeof value !== "string" || value.trim() === "";
      });
      expect(empty, lang).toEqual([]);
    }
  });
});
