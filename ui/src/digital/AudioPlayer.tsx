import { useCallback, useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useWindowKeydown } from "../components/windowKeys";
import type { CatalogApi } from "../api";
import type { OpenedObject } from "../bindings/OpenedObject";
import type { ReaderRequest } from "../bindings/ReaderRequest";
import { currentLanguage, formatNumber, LOCALES } from "../i18n";
import {
  chapterAt,
  clamp,
  clampPosition,
  formatClock,
  nearestSpeed,
  nextChapterStart,
  previousChapterStart,
  SAVE_EVERY_MS,
  SKIP_MS,
  SPEEDS,
  spokenDuration,
} from "./player";

export interface AudioPlayerProps {
  api: CatalogApi;
  opened: OpenedObject;
  /** `opened.content_url`, present when the object was opened. */
  url: string;
  reader: ReaderRequest;
  /** The work's title, named on the player. */
  title: string;
}

/** Keys typed into a field (or the slider's own arrows) are the field's, not the player's. */
function isField(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName));
}

/**
 * The audiobook player: an `<audio>` element with no controls of its own, driven by buttons,
 * sliders and a speed choice that a keyboard and a screen reader can use. Space or K plays and
 * pauses, ← / J and → / L jump 15 s. It starts where this reader stopped, at their speed, and
 * says so; it saves the position on pause, at each new chapter, every 15 s while playing and
 * on leaving; a new chapter is announced politely.
 */
export function AudioPlayer({ api, opened, url, reader, title }: AudioPlayerProps) {
  const { t, i18n } = useTranslation();
  const lang = currentLanguage(i18n);
  const id = useId();
  const { object } = opened;
  const chapters = object.chapters;
  const audioRef = useRef<HTMLAudioElement>(null);
  const resumeMs = opened.resume_ms && opened.resume_ms > 0 ? opened.resume_ms : 0;
  const [position, setPosition] = useState(resumeMs);
  const [duration, setDuration] = useState<number | null>(object.duration_ms);
  const [playing, setPlaying] = useState(false);
  const [rate, setRate] = useState(() => nearestSpeed(opened.resume_rate));
  const [volume, setVolume] = useState(100);
  const [announcement, setAnnouncement] = useState("");
  const [saveFailed, setSaveFailed] = useState(false);
  const [mediaFailed, setMediaFailed] = useState(false);

  // The saver reads the latest values without re-subscribing the timers and listeners.
  const positionRef = useRef(position);
  positionRef.current = position;
  const rateRef = useRef(rate);
  rateRef.current = rate;
  const readerRef = useRef(reader);
  readerRef.current = reader;

  const save = useCallback(() => {
    api.savePlaybackPosition(object.id, readerRef.current, Math.round(positionRef.current), rateRef.current).then(
      () => setSaveFailed(false),
      () => setSaveFailed(true),
    );
  }, [api, object.id]);
  const saveRef = useRef(save);
  saveRef.current = save;

  // Start where the reader stopped, at their speed. The load algorithm resets playbackRate to
  // defaultPlaybackRate, so both are set; the position is set again once metadata is known.
  useEffect(() => {
    const audio = audioRef.current;
    if (!audio) return;
    audio.defaultPlaybackRate = rateRef.current;
    audio.playbackRate = rateRef.current;
    if (resumeMs > 0) audio.currentTime = resumeMs / 1000;
    // Leaving the view saves where the reader is.
    return () => saveRef.current();
  }, [resumeMs]);

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => saveRef.current(), SAVE_EVERY_MS);
    return () => clearInterval(timer);
  }, [playing]);

  const chapter = chapterAt(chapters, position);
  const lastChapter = useRef(chapter);
  useEffect(() => {
    if (lastChapter.current === chapter) return;
    lastChapter.current = chapter;
    const current = chapters[chapter];
    if (current) {
      setAnnouncement(
        t("digital.player.chapterNow", {
          number: formatNumber(chapter + 1, lang),
          total: formatNumber(chapters.length, lang),
          title: current.title,
        }),
      );
    }
    saveRef.current();
  }, [chapter, chapters, t, lang]);

  const seek = useCallback(
    (ms: number) => {
      const audio = audioRef.current;
      const next = clampPosition(ms, duration);
      if (audio) audio.currentTime = next / 1000;
      setPosition(next);
    },
    [duration],
  );

  const toggle = useCallback(() => {
    const audio = audioRef.current;
    if (!audio) return;
    if (playing) audio.pause();
    else {
      void audio.play()?.catch(() => setMediaFailed(true));
    }
  }, [playing]);

  useWindowKeydown((e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (isField(e.target) || document.querySelector("dialog[open]")) return;
    const onButton = e.target instanceof HTMLButtonElement;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if ((key === " " && !onButton) || key === "k") toggle();
    else if (key === "ArrowLeft" || key === "j") seek(positionRef.current - SKIP_MS);
    else if (key === "ArrowRight" || key === "l") seek(positionRef.current + SKIP_MS);
    else return;
    e.preventDefault();
  });

  const chooseRate = (next: number) => {
    const audio = audioRef.current;
    if (audio) {
      audio.defaultPlaybackRate = next;
      audio.playbackRate = next;
    }
    setRate(next);
    rateRef.current = next;
    saveRef.current();
  };

  const chooseVolume = (next: number) => {
    const value = clamp(next, 0, 100);
    if (audioRef.current) audioRef.current.volume = value / 100;
    setVolume(value);
  };

  const total = duration ?? 0;
  const remaining = Math.max(0, total - position);
  const speedLabel = (s: number) =>
    t("digital.player.speedValue", { speed: new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: 2 }).format(s) });
  const next = nextChapterStart(chapters, position);

  return (
    <section className="audio-player" aria-labelledby={`${id}-title`} data-testid="audio-player">
      <h3 id={`${id}-title`} className="visually-hidden">
        {t("digital.player.heading", { title })}
      </h3>
      <audio
        ref={audioRef}
        src={url}
        preload="metadata"
        data-testid="audio-element"
        onPlay={() => setPlaying(true)}
        onPause={() => {
          setPlaying(false);
          positionRef.current = (audioRef.current?.currentTime ?? 0) * 1000;
          saveRef.current();
        }}
        onEnded={() => setPlaying(false)}
        onTimeUpdate={(e) => setPosition(Math.round(e.currentTarget.currentTime * 1000))}
        onSeeked={(e) => setPosition(Math.round(e.currentTarget.currentTime * 1000))}
        onError={() => setMediaFailed(true)}
        onLoadedMetadata={(e) => {
          const audio = e.currentTarget;
          if (duration === null && Number.isFinite(audio.duration)) setDuration(Math.round(audio.duration * 1000));
          audio.defaultPlaybackRate = rateRef.current;
          audio.playbackRate = rateRef.current;
          if (resumeMs > 0 && Math.abs(audio.currentTime * 1000 - positionRef.current) > 1000) {
            audio.currentTime = positionRef.current / 1000;
          }
        }}
      />
      {resumeMs > 0 && (
        <p className="digital-note" role="status" data-testid="player-resumed">
          {t("digital.player.resumed", { time: formatClock(resumeMs), speed: speedLabel(rate) })}
        </p>
      )}
      {mediaFailed && (
        <p className="digital-inline-error" role="alert" data-testid="player-media-error">
          {t("digital.player.mediaFailed")}
        </p>
      )}
      {saveFailed && (
        <p className="digital-inline-error" role="alert" data-testid="player-save-error">
          {t("digital.player.saveFailed")}
        </p>
      )}
      <p className="player-chapter" data-testid="player-current-chapter">
        {chapters[chapter] ? (
          t("digital.player.chapterShown", {
            number: formatNumber(chapter + 1, lang),
            total: formatNumber(chapters.length, lang),
            title: chapters[chapter]!.title,
          })
        ) : (
          <span className="digital-muted">{chapters.length ? t("digital.player.beforeChapters") : t("digital.player.noChapters")}</span>
        )}
      </p>
      <div className="player-seek">
        <label htmlFor={`${id}-seek`}>{t("digital.player.position")}</label>
        <input
          id={`${id}-seek`}
          type="range"
          min={0}
          max={Math.max(1, Math.round(total / 1000))}
          step={1}
          value={Math.round(position / 1000)}
          aria-valuetext={t("digital.player.positionValue", {
            position: spokenDuration(position, t),
            duration: spokenDuration(total, t),
          })}
          onChange={(e) => seek(Number(e.target.value) * 1000)}
          data-testid="player-seek"
        />
        <dl className="player-times">
          <div>
            <dt>{t("digital.player.elapsed")}</dt>
            <dd data-testid="player-elapsed">{formatClock(position)}</dd>
          </div>
          <div>
            <dt>{t("digital.player.remaining")}</dt>
            <dd data-testid="player-remaining">{formatClock(remaining)}</dd>
          </div>
        </dl>
      </div>
      <div className="digital-toolbar player-buttons" role="toolbar" aria-label={t("digital.player.controls")}>
        <button type="button" onClick={() => seek(previousChapterStart(chapters, position))} disabled={chapters.length === 0} data-testid="player-prev-chapter">
          {t("digital.player.previousChapter")}
        </button>
        <button type="button" onClick={() => seek(position - SKIP_MS)} aria-keyshortcuts="ArrowLeft J" data-testid="player-back">
          {t("digital.player.back")}
        </button>
        <button
          type="button"
          className="primary player-play"
          onClick={toggle}
          aria-keyshortcuts="Space K"
          data-testid="player-play"
          data-playing={playing}
        >
          {playing ? t("digital.player.pause") : t("digital.player.play")}
        </button>
        <button type="button" onClick={() => seek(position + SKIP_MS)} aria-keyshortcuts="ArrowRight L" data-testid="player-forward">
          {t("digital.player.forward")}
        </button>
        <button type="button" onClick={() => next !== null && seek(next)} disabled={next === null} data-testid="player-next-chapter">
          {t("digital.player.nextChapter")}
        </button>
      </div>
      <div className="player-settings">
        <span className="player-setting">
          <label htmlFor={`${id}-speed`}>{t("digital.player.speed")}</label>
          <select id={`${id}-speed`} value={String(rate)} onChange={(e) => chooseRate(Number(e.target.value))} data-testid="player-speed">
            {SPEEDS.map((s) => (
              <option key={s} value={String(s)}>
                {speedLabel(s)}
              </option>
            ))}
          </select>
        </span>
        <span className="player-setting">
          <label htmlFor={`${id}-volume`}>{t("digital.player.volume")}</label>
          <input
            id={`${id}-volume`}
            type="range"
            min={0}
            max={100}
            step={5}
            value={volume}
            aria-valuetext={`${formatNumber(volume, lang)} %`}
            onChange={(e) => chooseVolume(Number(e.target.value))}
            data-testid="player-volume"
          />
        </span>
      </div>
      <p className="player-help digital-muted">{t("digital.player.keys")}</p>
      <p className="visually-hidden" aria-live="polite" data-testid="player-announcement">
        {announcement}
      </p>
      {chapters.length > 0 && (
        <section className="player-chapters" aria-labelledby={`${id}-chapters`}>
          <h4 id={`${id}-chapters`}>{t("digital.player.chapters", { count: chapters.length, formatted: formatNumber(chapters.length, lang) })}</h4>
          <ol data-testid="player-chapter-list">
            {chapters.map((c, i) => (
              <li key={`${c.start_ms}-${i}`}>
                <button
                  type="button"
                  aria-current={i === chapter ? "true" : undefined}
                  onClick={() => seek(c.start_ms)}
                  data-testid="player-chapter"
                >
                  <span className="chapter-title">{c.title}</span>{" "}
                  <span className="chapter-start">
                    <span className="visually-hidden">{t("digital.player.startsAt")} </span>
                    {formatClock(c.start_ms)}
                  </span>
                </button>
              </li>
            ))}
          </ol>
        </section>
      )}
    </section>
  );
}
