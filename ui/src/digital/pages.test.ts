import { describe, expect, it } from "vitest";
import { clampPage, fitZoom, pageFromInput, pageOfPart, partOfPage, stepFont, stepZoom } from "./pages";

describe("pages", () => {
  it("keeps a page inside the document", () => {
    expect(clampPage(0, 120)).toBe(1);
    expect(clampPage(121, 120)).toBe(120);
    expect(clampPage(12, 120)).toBe(12);
    expect(clampPage(3, 0)).toBe(1);
  });

  it("reads a typed page number, refusing what is not one of the pages", () => {
    expect(pageFromInput(" 12 ", 120)).toBe(12);
    expect(pageFromInput("0", 120)).toBeNull();
    expect(pageFromInput("121", 120)).toBeNull();
    expect(pageFromInput("1,5", 120)).toBeNull();
    expect(pageFromInput("mười", 120)).toBeNull();
    expect(pageFromInput("", 120)).toBeNull();
  });

  it("maps a PDF page to its text part and back", () => {
    expect(partOfPage(12)).toBe(11);
    expect(pageOfPart(11)).toBe(12);
  });
});

describe("zoom and font size", () => {
  it("steps through the zoom levels from any value, stopping at the ends", () => {
    expect(stepZoom(1, "in")).toBe(1.25);
    expect(stepZoom(1, "out")).toBe(0.75);
    expect(stepZoom(1.1, "in")).toBe(1.25);
    expect(stepZoom(1.1, "out")).toBe(1);
    expect(stepZoom(4, "in")).toBe(4);
    expect(stepZoom(0.25, "out")).toBe(0.25);
  });

  it("fits a page to the space it has", () => {
    expect(fitZoom(600, 900)).toBe(1.5);
    expect(fitZoom(600, 0)).toBe(1);
    expect(fitZoom(0, 900)).toBe(1);
    expect(fitZoom(100, 10_000)).toBe(4);
  });

  it("steps the reading font size", () => {
    expect(stepFont(100, "larger")).toBe(115);
    expect(stepFont(100, "smaller")).toBe(90);
    expect(stepFont(200, "larger")).toBe(200);
    expect(stepFont(80, "smaller")).toBe(80);
    expect(stepFont(123, "larger")).toBe(115);
  });
});
