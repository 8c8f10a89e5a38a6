/**
 * The desk's two tones, made with the Web Audio API (no sound files to ship): a short high
 * chirp for a loan or return, a low double buzz for a refusal, so a clerk looking at the book
 * hears which it was. Silent where there is no AudioContext (jsdom, a locked-down browser).
 */
export type Tone = "success" | "refusal";

type AudioContextCtor = new () => AudioContext;

let context: AudioContext | null = null;

function audio(): AudioContext | null {
  if (context) return context;
  const g = globalThis as { AudioContext?: AudioContextCtor; webkitAudioContext?: AudioContextCtor };
  const Ctor = g.AudioContext ?? g.webkitAudioContext;
  if (!Ctor) return null;
  try {
    context = new Ctor();
  } catch {
    return null;
  }
  return context;
}

/** The notes of each tone: frequency (Hz), start and length (s). */
export const TONES: Record<Tone, { type: OscillatorType; notes: [number, number, number][] }> = {
  success: { type: "sine", notes: [[1320, 0, 0.12]] },
  refusal: {
    type: "square",
    notes: [
      [220, 0, 0.18],
      [180, 0.24, 0.3],
    ],
  },
};

export function playTone(tone: Tone): void {
  const ctx = audio();
  if (!ctx) return;
  try {
    if (ctx.state === "suspended") void ctx.resume();
    const { type, notes } = TONES[tone];
    for (const [frequency, start, length] of notes) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = type;
      osc.frequency.value = frequency;
      const t0 = ctx.currentTime + start;
      gain.gain.setValueAtTime(0.2, t0);
      gain.gain.exponentialRampToValueAtTime(0.001, t0 + length);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0);
      osc.stop(t0 + length);
    }
  } catch {
    // A failed beep must never stop a loan.
  }
}

/** For tests: forget the cached context so a fake AudioContext can be installed. */
export function resetAudioForTests(): void {
  context = null;
}
