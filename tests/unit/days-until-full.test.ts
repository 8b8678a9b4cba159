import { describe, expect, it } from 'vitest';
import { applyThresholds } from '../../probes/profiles/rules.ts';
import {
  daysUntilFull,
  growthPerDay,
  volumeReadings,
  volumeThresholds,
  type UsageSample,
} from '../../probes/profiles/volumes.ts';

const minute = 60_000;
const hour = 60 * minute;
const gb = 1e9;
const tb = 1e12;
const start = Date.parse('2025-03-03T09:00:00Z');

/** Polls one volume at the given times (minutes from start) with the given used bytes. */
function poll(state: Map<string, unknown>, atMinutes: number, usedBytes: number, sizeBytes = tb) {
  return volumeReadings({ state, nowMs: start + atMinutes * minute }, [
    { name: '/Volumes/Media', usedBytes, sizeBytes },
  ]);
}
const days = (readings: ReturnType<typeof poll>) =>
  readings.find((r) => r.name === 'volume.days_until_full[/Volumes/Media]');

describe('days until a volume is full', () => {
  it('fits the growth rate exactly on a steady rise', () => {
    // 1 GB an hour is 24 GB a day.
    const samples: UsageSample[] = [0, 60, 120, 180].map((m) => ({
      atMs: start + m * minute,
      usedBytes: 500 * gb + (m / 60) * gb,
    }));
    expect(growthPerDay(samples)).toBeCloseTo(24 * gb, 0);
    const now = samples[samples.length - 1]!;
    // 497 GB left at 24 GB a day.
    expect(daysUntilFull(samples, { name: 'x', usedBytes: now.usedBytes, sizeBytes: tb })).toBe(
      20.7,
    );
  });

  it('says nothing when usage is flat or falling', () => {
    const flat = [0, 60, 120].map((m) => ({ atMs: start + m * minute, usedBytes: 700 * gb }));
    expect(daysUntilFull(flat, { name: 'x', usedBytes: 700 * gb, sizeBytes: tb })).toBeNull();
    const falling = [0, 60, 120].map((m) => ({
      atMs: start + m * minute,
      usedBytes: (700 - m) * gb,
    }));
    expect(growthPerDay(falling)).toBeLessThan(0);
    expect(daysUntilFull(falling, { name: 'x', usedBytes: 680 * gb, sizeBytes: tb })).toBeNull();
  });

  it('says nothing from fewer than 3 samples, or from samples spanning under 2 hours', () => {
    const two = [0, 180].map((m) => ({ atMs: start + m * minute, usedBytes: (500 + m) * gb }));
    expect(growthPerDay(two)).toBeNull();
    const quick = [0, 40, 110].map((m) => ({
      atMs: start + m * minute,
      usedBytes: (500 + m) * gb,
    }));
    expect(growthPerDay(quick)).toBeNull();
  });

  it('keeps its samples in the check state across polls and speaks once it has enough', () => {
    const state = new Map<string, unknown>();
    // 12 GB an hour: 288 GB a day.
    expect(days(poll(state, 0, 400 * gb))).toBeUndefined();
    expect(days(poll(state, 60, 412 * gb))).toBeUndefined();
    const third = days(poll(state, 120, 424 * gb));
    // 576 GB left at 288 GB a day.
    expect(third).toEqual({
      name: 'volume.days_until_full[/Volumes/Media]',
      value: 2,
      unit: 'd',
    });
    expect(state.get('usage:/Volumes/Media')).toHaveLength(3);
  });

  it('stops speaking when the volume stops growing, and after a clean-up', () => {
    const state = new Map<string, unknown>();
    poll(state, 0, 400 * gb);
    poll(state, 60, 412 * gb);
    expect(days(poll(state, 120, 424 * gb))).toBeDefined();
    // 300 GB deleted: the fit now falls.
    expect(days(poll(state, 180, 124 * gb))).toBeUndefined();
  });

  it('covers the last day in at most 200 samples when polled every 30 s', () => {
    const state = new Map<string, unknown>();
    for (let s = 0; s <= 2 * 24 * 3600; s += 30) poll(state, s / 60, 100 * gb + s * 10_000);
    const stored = state.get('usage:/Volumes/Media') as UsageSample[];
    expect(stored.length).toBeLessThanOrEqual(200);
    const spanMs = stored[stored.length - 1]!.atMs - stored[0]!.atMs;
    expect(spanMs).toBeGreaterThan(23 * hour);
    expect(spanMs).toBeLessThan(24 * hour);
  });

  it('forgets the history of a volume that is no longer reported', () => {
    const state = new Map<string, unknown>([['uptimeTicks', 5]]);
    poll(state, 0, 400 * gb);
    volumeReadings({ state, nowMs: start + 10 * minute }, []);
    expect([...state.keys()]).toEqual(['uptimeTicks']);
  });

  it('warns below 14 days and is critical below 3, overridable per device', () => {
    const reading = (value: number) => [
      { name: 'volume.days_until_full[Projects]', value, unit: 'd' },
    ];
    expect(applyThresholds(reading(14), volumeThresholds)).toEqual([]);
    expect(applyThresholds(reading(13.9), volumeThresholds)).toEqual([
      {
        status: 'warning',
        message: 'volume Projects will be full in 13.9 days at the current rate',
        reading: 'volume.days_until_full[Projects]',
      },
    ]);
    expect(applyThresholds(reading(2.5), volumeThresholds)[0]?.status).toBe('critical');
    const overrides = { 'volume.days_until_full': { warning: 30, critical: 7 } };
    expect(applyThresholds(reading(20), volumeThresholds, overrides)[0]?.status).toBe('warning');
    expect(applyThresholds(reading(5), volumeThresholds, overrides)[0]?.status).toBe('critical');
    // The higher-is-worse rule beside it is unchanged.
    const full = [{ name: 'volume.used_pct[Projects]', value: 95, unit: '%' }];
    expect(applyThresholds(full, volumeThresholds)[0]?.status).toBe('critical');
  });
});
