import { describe, expect, it } from "vitest";
import { createI18n } from "../i18n";
import { KIEU_CHAPTERS } from "./fixtures";
import {
  chapterAt,
  clamp,
  clampPosition,
  formatClock,
  nearestSpeed,
  nextChapterStart,
  previousChapterStart,
  spokenDuration,
} from "./player";

describe("clock and spoken times", () => {
  it("writes minutes:seconds, and hours when there are any", () => {
    expect(formatClock(0)).toBe("0:00");
    expect(formatClock(725_000)).toBe("12:05");
    expect(formatClock(3_780_000)).toBe("1:03:00");
    expect(formatClock(-5)).toBe("0:00");
    expect(formatClock(Number.NaN)).toBe("0:00");
  });

  it("speaks a time in Vietnamese, leaving out zero parts", () => {
    const { t } = createI18n("vi");
    expect(spokenDuration(725_000, t)).toBe("12 phút 5 giây");
    expect(spokenDuration(3_780_000, t)).toBe("1 giờ 3 phút");
    expect(spokenDuration(0, t)).toBe("0 giây");
    expect(spokenDuration(3_601_000, t)).toBe("1 giờ 1 giây");
  });

  it("speaks a time in English with singular and plural", () => {
    const { t } = createI18n("en");
    expect(spokenDuration(725_000, t)).toBe("12 minutes 5 seconds");
    expect(spokenDuration(3_780_000, t)).toBe("1 hour 3 minutes");
    expect(spokenDuration(61_000, t)).toBe("1 minute 1 second");
    expect(spokenDuration(0, t)).toBe("0 seconds");
  });
});

describe("chapters", () => {
  it("finds the chapter at a position", () => {
    expect(chapterAt(KIEU_CHAPTERS, 0)).toBe(0);
    expect(chapterAt(KIEU_CHAPTERS, 299_999)).toBe(0);
    expect(chapterAt(KIEU_CHAPTERS, 300_000)).toBe(1);
    expect(chapterAt(KIEU_CHAPTERS, 3_000_000)).toBe(3);
    expect(chapterAt([], 10)).toBe(-1);
    expect(chapterAt([{ title: "Late", start_ms: 5000, end_ms: 9000 }], 100)).toBe(-1);
  });

  it("Next goes to the next chapter's start, and nowhere from the last", () => {
    expect(nextChapterStart(KIEU_CHAPTERS, 10_000)).toBe(300_000);
    expect(nextChapterStart(KIEU_CHAPTERS, 900_000)).toBe(2_400_000);
    expect(nextChapterStart(KIEU_CHAPTERS, 2_500_000)).toBeNull();
    expect(nextChapterStart([], 0)).toBeNull();
  });

  it("Previous restarts the chapter, or goes to the one before near its start", () => {
    expect(previousChapterStart(KIEU_CHAPTERS, 1_000_000)).toBe(900_000);
    expect(previousChapterStart(KIEU_CHAPTERS, 901_000)).toBe(300_000);
    expect(previousChapterStart(KIEU_CHAPTERS, 1_000)).toBe(0);
    expect(previousChapterStart([], 50_000)).toBe(0);
  });
});

describe("limits", () => {
  it("keeps a position inside the recording", () => {
    expect(clampPosition(-15_000, 3_780_000)).toBe(0);
    expect(clampPosition(3_790_000, 3_780_000)).toBe(3_780_000);
    expect(clampPosition(20_000, null)).toBe(20_000);
    expect(clamp(Number.NaN, 0, 10)).toBe(0);
  });

  it("plays a saved speed at the nearest offered one", () => {
    expect(nearestSpeed(null)).toBe(1);
    expect(nearestSpeed(1.25)).toBe(1.25);
    expect(nearestSpeed(1.3)).toBe(1.25);
    expect(nearestSpeed(5)).toBe(2);
    expect(nearestSpeed(0.1)).toBe(0.75);
  });
});
