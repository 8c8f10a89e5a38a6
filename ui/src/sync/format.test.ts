import { describe, expect, it } from "vitest";
import { findChange, formatRelative, isHttpUrl, marcTitle, syncState } from "./format";
import { fieldConflict, KEPT_CHANGE, NOW, offlineWithError, onlineWithExceptions, unconfigured } from "./fixtures";

const now = NOW.getTime();

describe("sync words", () => {
  it("names the state: not set up wins, then syncing, then online/offline/never tried", () => {
    expect(syncState(unconfigured())).toBe("unconfigured");
    expect(syncState({ ...unconfigured(), syncing: true })).toBe("unconfigured");
    expect(syncState({ ...onlineWithExceptions(), syncing: true })).toBe("syncing");
    expect(syncState(onlineWithExceptions())).toBe("online");
    expect(syncState(offlineWithError())).toBe("offline");
    expect(syncState({ ...onlineWithExceptions(), online: null })).toBe("untried");
  });

  it("says moments relative to now in both languages", () => {
    expect(formatRelative("2025-03-12T09:57:00Z", "en", now)).toBe("3 minutes ago");
    expect(formatRelative("2025-03-12T09:57:00Z", "vi", now)).toBe("3 phút trước");
    expect(formatRelative("2025-03-12T09:59:30Z", "en", now)).toBe("now");
    expect(formatRelative("2025-03-12T10:04:00Z", "en", now)).toBe("in 4 minutes");
    expect(formatRelative("2025-03-11T10:00:00Z", "en", now)).toBe("yesterday");
    expect(formatRelative("2025-03-01T10:00:00Z", "en", now)).toBe("last week");
    expect(formatRelative("not a date", "en", now)).toBe("not a date");
  });

  it("accepts only http and https addresses with a host", () => {
    expect(isHttpUrl("https://thuvien.hanoi.gov.vn:8787")).toBe(true);
    expect(isHttpUrl(" http://127.0.0.1:8787/ ")).toBe(true);
    expect(isHttpUrl("ftp://thuvien.hanoi.gov.vn")).toBe(false);
    expect(isHttpUrl("thuvien.hanoi.gov.vn")).toBe(false);
    expect(isHttpUrl("https://")).toBe(false);
  });

  it("finds whose change an action names, and the edited record's title", () => {
    expect(findChange(fieldConflict().facts, KEPT_CHANGE)?.user).toBe("lan");
    expect(findChange(fieldConflict().facts, "nope")).toBeNull();
    expect(marcTitle({ title: "Số đỏ", marc: "…" })).toBe("Số đỏ");
    expect(
      marcTitle({ leader: "", fields: [{ kind: "data", tag: "245", ind1: "1", ind2: "0", subfields: [{ code: "a", value: "Truyện Kiều /" }] }] }),
    ).toBe("Truyện Kiều");
    expect(marcTitle(null)).toBeNull();
  });
});
