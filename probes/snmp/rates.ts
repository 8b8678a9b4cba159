export interface CounterSample {
  value: bigint;
  atMs: number;
  /** sysUpTime in hundredths of a second: it going down means the agent restarted. */
  uptimeTicks?: number;
}

const wrap32 = 2n ** 32n;

/**
 * Per-second rate between two samples of one counter, or null when there is no honest answer:
 * no earlier sample, no time passed, or the agent restarted (its counters began again at zero).
 * A 32-bit counter that went down wrapped once. A 64-bit counter never wraps in practice, so one
 * that went down was reset. A rate above `maxPerS` (a port's line rate, say) is taken for an
 * unnoticed reset rather than reported.
 */
export function counterRate(
  previous: CounterSample | undefined,
  next: CounterSample,
  bits: 32 | 64,
  maxPerS = Number.POSITIVE_INFINITY,
): number | null {
  if (!previous) return null;
  const seconds = (next.atMs - previous.atMs) / 1000;
  if (seconds <= 0) return null;
  if (
    previous.uptimeTicks !== undefined &&
    next.uptimeTicks !== undefined &&
    next.uptimeTicks < previous.uptimeTicks
  ) {
    return null;
  }
  let delta = next.value - previous.value;
  if (delta < 0n) {
    if (bits === 64) return null;
    delta += wrap32;
  }
  const rate = Number(delta) / seconds;
  return rate > maxPerS ? null : rate;
}
