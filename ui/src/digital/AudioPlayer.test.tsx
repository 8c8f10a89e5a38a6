import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { STAFF_READER, type CatalogApi } from "../api";
import type { ReaderRequest } from "../bindings/ReaderRequest";
import type { Language } from "../i18n";
import { memoryApi } from "../memoryApi";
import { kieuDetail } from "../record/fixtures";
import { allowedByException, AUDIO_ID, KIEU_ID, opened } from "./fixtures";
import { expectNoAxeViolations, renderIn } from "./testing";
import { ViewerScreen } from "./ViewerScreen";

type Save = { id: string; reader: ReaderRequest; positionMs: number; rate: number };

// jsdom has no media playback: play and pause only fire their events, as a browser would.
beforeEach(() => {
  vi.spyOn(HTMLMediaElement.prototype, "play").mockImplementation(function (this: HTMLMediaElement) {
    this.dispatchEvent(new Event("play"));
    return Promise.resolve();
  });
  vi.spyOn(HTMLMediaElement.prototype, "pause").mockImplementation(function (this: HTMLMediaElement) {
    this.dispatchEvent(new Event("pause"));
  });
});

afterEach(() => {
  vi.useRealTimers();
});

async function setup(resume: { ms: number | null; rate: number | null } = { ms: null, rate: null }, lang: Language = "vi") {
  const saves: Save[] = [];
  const api: CatalogApi = {
    ...memoryApi(0),
    recordDetail: async () => kieuDetail(),
    openDigitalObject: async (id) => opened(id, undefined, { resume_ms: resume.ms, resume_rate: resume.rate }),
    savePlaybackPosition: async (id, reader, positionMs, rate) => {
      saves.push({ id, reader, positionMs, rate });
    },
  };
  const view = renderIn(<ViewerScreen api={api} objectId={AUDIO_ID} recordId={KIEU_ID} onBack={() => {}} />, lang);
  await screen.findByTestId("audio-player");
  await waitFor(() => expect(screen.getByTestId("viewer-title").textContent).toBe("Truyện Kiều"));
  const audio = screen.getByTestId("audio-element") as HTMLAudioElement;
  /** The element reaching `seconds` while playing, as timeupdate reports it. */
  const playTo = (seconds: number) =>
    act(() => {
      audio.currentTime = seconds;
      audio.dispatchEvent(new Event("timeupdate"));
    });
  return { ...view, api, saves, audio, playTo };
}

const chapterButtons = () => screen.getAllByTestId("player-chapter");

describe("the audiobook player", () => {
  it("resumes where the reader stopped, at their speed, and says so", async () => {
    const s = await setup({ ms: 725_000, rate: 1.25 });
    expect(s.audio.currentTime).toBe(725);
    expect(s.audio.playbackRate).toBe(1.25);
    expect(s.audio.getAttribute("src")).toBe(`shelfmark-content://localhost/${AUDIO_ID}`);
    expect(s.audio.hasAttribute("controls")).toBe(false);
    expect(screen.getByTestId("player-resumed").textContent).toBe("Tiếp tục từ 12:05, tốc độ 1,25×.");
    expect((screen.getByTestId("player-speed") as HTMLSelectElement).value).toBe("1.25");
    expect(screen.getByTestId("player-elapsed").textContent).toBe("12:05");
    expect(screen.getByTestId("player-remaining").textContent).toBe("50:55");
    const seek = screen.getByTestId("player-seek");
    expect(seek.getAttribute("aria-valuetext")).toBe("12 phút 5 giây / 1 giờ 3 phút");
    expect(seek.getAttribute("max")).toBe("3780");
    expect(screen.getByTestId("player-current-chapter").textContent).toBe("Chương 2/4: Hồi 1: Chị em Thúy Kiều");
    expect(chapterButtons()[1]!.getAttribute("aria-current")).toBe("true");
    expect(chapterButtons()[1]!.textContent).toBe("Hồi 1: Chị em Thúy Kiều bắt đầu lúc 5:00");
    await expectNoAxeViolations(s.container);

    s.switchTo("en");
    expect(screen.getByTestId("player-resumed").textContent).toBe("Resuming from 12:05 at 1.25×.");
    expect(seek.getAttribute("aria-valuetext")).toBe("12 minutes 5 seconds / 1 hour 3 minutes");
    await expectNoAxeViolations(s.container);
  });

  it("starts at the beginning at normal speed when nothing was saved", async () => {
    const s = await setup();
    expect(s.audio.currentTime).toBe(0);
    expect(s.audio.playbackRate).toBe(1);
    expect(screen.queryByTestId("player-resumed")).toBeNull();
    expect(screen.getByTestId("player-current-chapter").textContent).toBe("Chương 1/4: Mở đầu");
  });

  it("plays and pauses by button, Space and K, and saves the position on pause", async () => {
    const s = await setup({ ms: 725_000, rate: 1.5 });
    const play = screen.getByTestId("player-play");
    fireEvent.click(play);
    expect(play.textContent).toBe("Tạm dừng");
    s.playTo(760);
    fireEvent.keyDown(document.body, { key: " " });
    expect(play.textContent).toBe("Phát");
    expect(s.saves.at(-1)).toEqual({ id: AUDIO_ID, reader: STAFF_READER, positionMs: 760_000, rate: 1.5 });
    fireEvent.keyDown(document.body, { key: "k" });
    expect(play.textContent).toBe("Tạm dừng");
    fireEvent.keyDown(document.body, { key: "K" });
    expect(play.textContent).toBe("Phát");
    // Keys typed into a field stay the field's.
    fireEvent.keyDown(screen.getByTestId("player-speed"), { key: "k" });
    expect(play.textContent).toBe("Phát");
  });

  it("jumps 15 s back and forward by buttons, arrows and J/L, within the recording", async () => {
    const s = await setup({ ms: 725_000, rate: null });
    fireEvent.click(screen.getByTestId("player-forward"));
    expect(s.audio.currentTime).toBe(740);
    fireEvent.keyDown(document.body, { key: "ArrowRight" });
    fireEvent.keyDown(document.body, { key: "l" });
    expect(s.audio.currentTime).toBe(770);
    fireEvent.keyDown(document.body, { key: "ArrowLeft" });
    fireEvent.keyDown(document.body, { key: "j" });
    fireEvent.click(screen.getByTestId("player-back"));
    expect(s.audio.currentTime).toBe(725);
    s.playTo(5);
    fireEvent.click(screen.getByTestId("player-back"));
    expect(s.audio.currentTime).toBe(0);
    s.playTo(3_775);
    fireEvent.click(screen.getByTestId("player-forward"));
    expect(s.audio.currentTime).toBe(3_780);
  });

  it("moves between chapters, marks and announces the new one, and saves at each", async () => {
    const s = await setup({ ms: 725_000, rate: 1 });
    fireEvent.click(screen.getByTestId("player-next-chapter"));
    expect(s.audio.currentTime).toBe(900);
    expect(screen.getByTestId("player-announcement").textContent).toBe("Chương 3 trên 4: Hồi 2: Kim Trọng");
    expect(chapterButtons()[2]!.getAttribute("aria-current")).toBe("true");
    expect(chapterButtons()[1]!.getAttribute("aria-current")).toBeNull();
    await waitFor(() => expect(s.saves.at(-1)).toEqual({ id: AUDIO_ID, reader: STAFF_READER, positionMs: 900_000, rate: 1 }));

    // Playing on into the next chapter announces it too.
    s.playTo(2_401);
    expect(screen.getByTestId("player-announcement").textContent).toBe("Chương 4 trên 4: Hồi 3: Gia biến");
    expect(s.saves.at(-1)!.positionMs).toBe(2_401_000);
    expect((screen.getByTestId("player-next-chapter") as HTMLButtonElement).disabled).toBe(true);

    // Previous well into a chapter restarts it; near its start goes to the one before.
    s.playTo(2_500);
    fireEvent.click(screen.getByTestId("player-prev-chapter"));
    expect(s.audio.currentTime).toBe(2_400);
    fireEvent.click(screen.getByTestId("player-prev-chapter"));
    expect(s.audio.currentTime).toBe(900);

    fireEvent.click(chapterButtons()[0]!);
    expect(s.audio.currentTime).toBe(0);
    expect(screen.getByTestId("player-announcement").textContent).toBe("Chương 1 trên 4: Mở đầu");
  });

  it("seeks with the slider and changes speed and volume", async () => {
    const s = await setup();
    fireEvent.change(screen.getByTestId("player-seek"), { target: { value: "1000" } });
    expect(s.audio.currentTime).toBe(1000);
    expect(screen.getByTestId("player-seek").getAttribute("aria-valuetext")).toBe("16 phút 40 giây / 1 giờ 3 phút");
    fireEvent.change(screen.getByTestId("player-speed"), { target: { value: "1.75" } });
    expect(s.audio.playbackRate).toBe(1.75);
    expect(s.saves.at(-1)!.rate).toBe(1.75);
    const options = Array.from((screen.getByTestId("player-speed") as HTMLSelectElement).options).map((o) => o.textContent);
    expect(options).toEqual(["0,75×", "1×", "1,25×", "1,5×", "1,75×", "2×"]);
    fireEvent.change(screen.getByTestId("player-volume"), { target: { value: "40" } });
    expect(s.audio.volume).toBeCloseTo(0.4);
    expect(screen.getByTestId("player-volume").getAttribute("aria-valuetext")).toBe("40 %");
  });

  it("saves every 15 s while playing, and when the reader leaves", async () => {
    const s = await setup({ ms: 60_000, rate: 2 });
    vi.useFakeTimers();
    fireEvent.click(screen.getByTestId("player-play"));
    const before = s.saves.length;
    s.playTo(70);
    act(() => vi.advanceTimersByTime(15_000));
    expect(s.saves.length).toBe(before + 1);
    expect(s.saves.at(-1)).toEqual({ id: AUDIO_ID, reader: STAFF_READER, positionMs: 70_000, rate: 2 });
    s.playTo(85);
    act(() => vi.advanceTimersByTime(15_000));
    expect(s.saves.at(-1)!.positionMs).toBe(85_000);
    fireEvent.click(screen.getByTestId("player-play"));
    const paused = s.saves.length;
    act(() => vi.advanceTimersByTime(60_000));
    expect(s.saves.length).toBe(paused);
    vi.useRealTimers();
    s.playTo(90);
    s.unmount();
    expect(s.saves.at(-1)).toEqual({ id: AUDIO_ID, reader: STAFF_READER, positionMs: 90_000, rate: 2 });
  });

  it("notes the print-disability exception that opened it, with the legal basis", async () => {
    const saves: Save[] = [];
    const card: ReaderRequest = { role: "patron", card: "HN000777", on_premises: false };
    const api: CatalogApi = {
      ...memoryApi(0),
      recordDetail: async () => kieuDetail(),
      openDigitalObject: async (id, reader) =>
        reader.role === "patron" ? opened(id, allowedByException, { resume_ms: 30_000, resume_rate: 1 }) : opened(id),
      savePlaybackPosition: async (id, reader, positionMs, rate) => {
        saves.push({ id, reader, positionMs, rate });
      },
    };
    const view = renderIn(<ViewerScreen api={api} objectId={AUDIO_ID} recordId={KIEU_ID} onBack={() => {}} />);
    await screen.findByTestId("audio-player");
    fireEvent.click(screen.getByTestId("viewer-view-as-patron"));
    fireEvent.change(screen.getByTestId("viewer-view-as-card"), { target: { value: "HN000777" } });
    fireEvent.click(screen.getByTestId("viewer-view-as-apply"));
    const grant = await screen.findByTestId("viewer-grant");
    expect(grant.textContent).toContain("Luật Sở hữu trí tuệ, Điều 25a; Hiệp ước Marrakesh");
    await waitFor(() => expect(screen.getByTestId("player-resumed").textContent).toBe("Tiếp tục từ 0:30, tốc độ 1×."));
    fireEvent.click(screen.getByTestId("player-play"));
    fireEvent.click(screen.getByTestId("player-play"));
    expect(saves.at(-1)!.reader).toEqual(card);
    await expectNoAxeViolations(view.container);
  });
});
