import type { Reading } from '../types.ts';
import { instanceOf } from './rules.ts';
import { instanceName, type ProfileContext, type Threshold } from './types.ts';

const dayMs = 86_400_000;
// The trend looks back a day: long enough that a morning's render cache does not read as a
// trend, short enough that last week's ingest does not either.
const windowMs = dayMs;
const maxSamples = 200;
// One stored sample per 1/200 of the window, so a check polled every 30 s still covers the day.
const sampleSpacingMs = windowMs / maxSamples;
// Fewer points, or a shorter span, fit noise rather than a trend: a 200 GB render written in
// the first ten minutes would otherwise read as "full in hours" on a volume with terabytes free.
const minSamples = 3;
const minSpanMs = 2 * 3_600_000;
const statePrefix = 'usage:';

export interface UsageSample {
  atMs: number;
  usedBytes: number;
}

export interface Volume {
  name: string;
  usedBytes: number;
  sizeBytes: number;
}

/** Limits shared by every profile that reports volumes; both are overridable per device. */
export const volumeThresholds: Threshold[] = [
  {
    prefix: 'volume.used_pct',
    warning: 85,
    critical: 95,
    describe: (n, v) => `volume ${instanceOf(n)} is ${v}% full`,
  },
  {
    prefix: 'volume.days_until_full',
    warning: 14,
    critical: 3,
    below: true,
    describe: (n, v) => `volume ${instanceOf(n)} will be full in ${v} days at the current rate`,
  },
];

/**
 * Least-squares slope of used bytes over time, in bytes per day; null when the samples are too
 * few or span too short a time to call it a trend.
 */
export function growthPerDay(samples: UsageSample[]): number | null {
  if (samples.length < minSamples) return null;
  const first = samples[0]!.atMs;
  const last = samples[samples.length - 1]!.atMs;
  if (last - first < minSpanMs) return null;
  // Days since the first sample keep the sums small enough for doubles to stay exact.
  const xs = samples.map((s) => (s.atMs - first) / dayMs);
  const meanX = xs.reduce((a, b) => a + b, 0) / xs.length;
  const meanY = samples.reduce((a, s) => a + s.usedBytes, 0) / samples.length;
  let sxy = 0;
  let sxx = 0;
  samples.forEach((s, i) => {
    sxy += (xs[i]! - meanX) * (s.usedBytes - meanY);
    sxx += (xs[i]! - meanX) ** 2;
  });
  return sxx > 0 ? sxy / sxx : null;
}

/**
 * Days until the volume is full at the fitted rate, from its usage now; null unless usage is
 * growing (flat or shrinking usage never fills a volume).
 */
export function daysUntilFull(samples: UsageSample[], volume: Volume): number | null {
  const perDay = growthPerDay(samples);
  if (perDay === null || !(perDay > 0)) return null;
  const days = Math.max(0, volume.sizeBytes - volume.usedBytes) / perDay;
  return Math.round(days * 10) / 10;
}

/** The stored history plus `now`: a sample is kept only when the last kept one is old enough. */
export function recordUsage(history: UsageSample[], now: UsageSample): UsageSample[] {
  const recent = history.filter((s) => s.atMs > now.atMs - windowMs && s.atMs < now.atMs);
  const last = recent[recent.length - 1];
  if (!last || now.atMs - last.atMs >= sampleSpacingMs) recent.push(now);
  return recent.slice(-maxSamples);
}

/**
 * The readings of every volume a profile found in one poll: used %, used and total bytes, and
 * days until full when usage is growing. The usage history lives in the check's state; volumes
 * no longer reported are forgotten, so that state stays bounded.
 */
export function volumeReadings(
  context: Pick<ProfileContext, 'state' | 'nowMs'>,
  volumes: Volume[],
): Reading[] {
  const { state, nowMs } = context;
  const readings: Reading[] = [];
  const seen = new Set<string>();
  for (const volume of volumes) {
    if (!(volume.sizeBytes > 0)) continue;
    const key = `${statePrefix}${volume.name}`;
    seen.add(key);
    const now = { atMs: nowMs, usedBytes: volume.usedBytes };
    const stored = recordUsage((state.get(key) as UsageSample[] | undefined) ?? [], now);
    state.set(key, stored);
    // The fit always includes this poll, stored or not, so the estimate is never stale.
    const fitted = stored[stored.length - 1] === now ? stored : [...stored, now];
    readings.push(
      {
        name: instanceName('volume.used_pct', volume.name),
        value: Math.round((volume.usedBytes / volume.sizeBytes) * 1000) / 10,
        unit: '%',
      },
      { name: instanceName('volume.used_bytes', volume.name), value: volume.usedBytes, unit: 'B' },
      { name: instanceName('volume.size_bytes', volume.name), value: volume.sizeBytes, unit: 'B' },
    );
    const days = daysUntilFull(fitted, volume);
    if (days !== null)
      readings.push({
        name: instanceName('volume.days_until_full', volume.name),
        value: days,
        unit: 'd',
      });
  }
  for (const key of [...state.keys()])
    if (key.startsWith(statePrefix) && !seen.has(key)) state.delete(key);
  return readings;
}
