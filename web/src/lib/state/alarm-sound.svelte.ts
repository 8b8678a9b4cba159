const storageKey = 'suitewatch.alarmSound';

function remembered(): boolean {
  try {
    return localStorage.getItem(storageKey) === 'on';
  } catch {
    // Storage blocked (a locked-down kiosk profile): the sound just starts off.
    return false;
  }
}

/**
 * The optional alarm sound for a new critical fault. Off by default: a dashboard left open in a
 * grading theatre must not beep during a session unless someone chose it. The choice is kept in
 * this browser only, since it is about the room the screen is in, not the user.
 */
export class AlarmSound {
  enabled = $state(remembered());
  private context: AudioContext | null = null;

  constructor() {
    // Browsers start audio only after a gesture on the page. With the sound remembered on,
    // the first click or key press after a reload wakes it, so the first alarm is heard.
    const wake = () => {
      if (this.enabled) void this.audio()?.resume();
    };
    window.addEventListener('pointerdown', wake, { once: true });
    window.addEventListener('keydown', wake, { once: true });
  }

  toggle(): void {
    this.enabled = !this.enabled;
    try {
      localStorage.setItem(storageKey, this.enabled ? 'on' : 'off');
    } catch {
      // Not remembered; it still works for this page.
    }
    // The click that turns it on is the gesture that lets it play: a beep says it works.
    if (this.enabled) this.beep(1);
  }

  /** A new critical fault. */
  ring(): void {
    if (this.enabled) this.beep(3);
  }

  private audio(): AudioContext | null {
    if (!this.context) {
      try {
        this.context = new AudioContext();
      } catch {
        return null;
      }
    }
    return this.context;
  }

  /** Short square-wave pips at 880 Hz: cuts through a machine room without being shrill. */
  private beep(pips: number): void {
    const context = this.audio();
    if (!context) return;
    void context.resume();
    const pipS = 0.12;
    const gapS = 0.08;
    const start = context.currentTime + 0.02;
    for (let i = 0; i < pips; i += 1) {
      const at = start + i * (pipS + gapS);
      const tone = context.createOscillator();
      const gain = context.createGain();
      tone.type = 'square';
      tone.frequency.value = 880;
      // A short ramp in and out, or the pip clicks.
      gain.gain.setValueAtTime(0, at);
      gain.gain.linearRampToValueAtTime(0.15, at + 0.01);
      gain.gain.setValueAtTime(0.15, at + pipS - 0.02);
      gain.gain.linearRampToValueAtTime(0, at + pipS);
      tone.connect(gain).connect(context.destination);
      tone.start(at);
      tone.stop(at + pipS);
    }
  }
}

export const alarmSound = new AlarmSound();
