import { describe, expect, it } from "vitest";
import { shorten } from "./charts";

describe("shorten", () => {
  it("keeps a short label and cuts a long one with an ellipsis", () => {
    expect(shorten("Hoàn Kiếm")).toBe("Hoàn Kiếm");
    expect(shorten("Thư viện Hà Nội — Chi nhánh Hoàn Kiếm")).toBe("Thư viện Hà Nội — Chi n…");
    expect(shorten("x".repeat(24))).toBe("x".repeat(24));
    expect(shorten("x".repeat(25))).toHaveLength(24);
  });
});
