import { describe, expect, it } from 'vitest';
import {
  dueDatesBetween,
  dueState,
  fixedDue,
  fixedIndexAfter,
  floatingDue,
  graceMs,
  intervalMs,
  meterDatesBetween,
  meterDueAt,
  meterRate,
  nextTimeDue,
  outcome,
  whicheverFirst,
  type Every,
  type TimeTrigger,
} from '../../server/modules/pm/schedule.ts';

const hour = 60 * 60 * 1000;
const day = 24 * hour;
const london = 'Europe/London';

// London 2026: BST from Sun 29 Mar 01:00 UTC to Sun 25 Oct 01:00 UTC.
// London 2028: BST from Sun 26 Mar to Sun 29 Oct.
// So 09:00 local is 09:00Z in GMT and 08:00Z in BST.

function trigger(startsOn: string, every: Every, more: Partial<TimeTrigger> = {}): TimeTrigger {
  return { every, schedule: 'fixed', startsOn: new Date(startsOn), timezone: london, ...more };
}

const iso = (d: Date | null) => d && d.toISOString();
const isos = (ds: Date[]) => ds.map((d) => d.toISOString());
const dues = (t: TimeTrigger, ks: number[]) => ks.map((k) => iso(fixedDue(t, k)));
const noState = { lastIndex: null, lastCompletedAt: null };

describe('intervalMs and graceMs', () => {
  it('gives nominal interval lengths', () => {
    expect(intervalMs({ count: 1, unit: 'day' })).toBe(86_400_000);
    // 2 weeks = 14 days = 14 * 86 400 000.
    expect(intervalMs({ count: 2, unit: 'week' })).toBe(1_209_600_000);
    // 30.4375 days * 86 400 000 = 2 629 800 000.
    expect(intervalMs({ count: 1, unit: 'month' })).toBe(2_629_800_000);
    expect(intervalMs({ count: 3, unit: 'month' })).toBe(7_889_400_000);
  });

  it('gives 10% of 30 days as 3 days', () => {
    // 0.1 * 30 days = 3 days = 259 200 000 ms.
    expect(graceMs({ count: 30, unit: 'day' })).toBe(3 * day);
  });

  it('gives 10% of a month as 3 days 1 hour 3 minutes', () => {
    // 0.1 * 30.4375 days = 3.04375 days; 0.04375 day = 1.05 h = 1 h 3 min.
    expect(graceMs({ count: 1, unit: 'month' })).toBe(3 * day + hour + 3 * 60_000);
    expect(graceMs({ count: 1, unit: 'month' })).toBe(262_980_000);
  });

  it('takes another fraction', () => {
    // 0.25 * 7 days = 1.75 days = 42 h.
    expect(graceMs({ count: 1, unit: 'week' }, 0.25)).toBe(42 * hour);
    expect(graceMs({ count: 1, unit: 'week' }, 0)).toBe(0);
  });

  it('rejects a bad interval or fraction', () => {
    expect(() => intervalMs({ count: 0, unit: 'day' })).toThrow(RangeError);
    expect(() => intervalMs({ count: 1.5, unit: 'week' })).toThrow(RangeError);
    expect(() => intervalMs({ count: 1, unit: 'year' as 'day' })).toThrow(RangeError);
    expect(() => graceMs({ count: 1, unit: 'day' }, -0.1)).toThrow(RangeError);
  });
});

describe('a fixed weekly schedule', () => {
  // Mondays at 09:00 London from Mon 5 Jan 2026 (GMT, so 09:00Z).
  const t = trigger('2026-01-05T09:00:00Z', { count: 1, unit: 'week' });

  it('steps a week at a time from startsOn', () => {
    expect(dues(t, [0, 1, 3, 7])).toEqual([
      '2026-01-05T09:00:00.000Z',
      '2026-01-12T09:00:00.000Z',
      '2026-01-26T09:00:00.000Z', // 5 Jan + 21 days
      '2026-02-23T09:00:00.000Z', // 5 Jan + 49 days = 31 Jan + 23 days
    ]);
  });

  it('is not shifted by completing early', () => {
    // Occurrence 3 (Mon 26 Jan) done three days early on Fri 23 Jan: the next is still
    // occurrence 4, Mon 2 Feb, not 23 Jan + 7 days.
    const early = new Date('2026-01-23T10:00:00Z');
    expect(nextTimeDue(t, { lastIndex: 3, lastCompletedAt: early })).toEqual({
      dueAt: new Date('2026-02-02T09:00:00Z'),
      index: 4,
    });
    // The same plan floating would have moved to Fri 30 Jan.
    expect(
      iso(
        nextTimeDue({ ...t, schedule: 'floating' }, { lastIndex: 3, lastCompletedAt: early }).dueAt,
      ),
    ).toBe('2026-01-30T09:00:00.000Z');
  });

  it('is not shifted by completing late either', () => {
    // Occurrence 3 done on Thu 29 Jan: next still Mon 2 Feb.
    const late = new Date('2026-01-29T16:00:00Z');
    expect(iso(nextTimeDue(t, { lastIndex: 3, lastCompletedAt: late }).dueAt)).toBe(
      '2026-02-02T09:00:00.000Z',
    );
  });

  it('starts at occurrence 0 when none has been dealt with', () => {
    expect(nextTimeDue(t, noState)).toEqual({ dueAt: new Date('2026-01-05T09:00:00Z'), index: 0 });
  });

  it('finds the first occurrence strictly after an instant', () => {
    expect(fixedIndexAfter(t, new Date('2025-12-01T00:00:00Z'))).toBe(0);
    expect(fixedIndexAfter(t, new Date('2026-01-05T08:59:59.999Z'))).toBe(0);
    expect(fixedIndexAfter(t, new Date('2026-01-05T09:00:00Z'))).toBe(1);
    expect(fixedIndexAfter(t, new Date('2026-01-26T08:59:59.999Z'))).toBe(3);
    expect(fixedIndexAfter(t, new Date('2026-01-26T09:00:00Z'))).toBe(4);
  });

  it('picks up after a long gap', () => {
    // Skipping on to Tue 10 Mar: Mon 9 Mar is 5 Jan + 63 days (k = 9), so next is k = 10, 16 Mar.
    const k = fixedIndexAfter(t, new Date('2026-03-10T12:00:00Z'));
    expect(k).toBe(10);
    // 16 Mar is before BST starts on 29 Mar: still 09:00Z.
    expect(iso(fixedDue(t, k))).toBe('2026-03-16T09:00:00.000Z');
    // 31 Dec 2026: Mon 28 Dec is 5 Jan + 357 days (k = 51), so next is k = 52, Mon 4 Jan 2027.
    expect(fixedIndexAfter(t, new Date('2026-12-31T00:00:00Z'))).toBe(52);
    expect(iso(fixedDue(t, 52))).toBe('2027-01-04T09:00:00.000Z');
  });

  it('rejects bad input', () => {
    expect(() => fixedDue(t, -1)).toThrow(RangeError);
    expect(() => fixedDue(t, 1.5)).toThrow(RangeError);
    expect(() => fixedDue({ ...t, timezone: 'Mars/Olympus' }, 1)).toThrow(RangeError);
    expect(() => fixedDue({ ...t, every: { count: 0, unit: 'week' } }, 1)).toThrow(RangeError);
  });
});

describe('monthly on the 31st', () => {
  // 09:00 London on Mon 31 Jan 2028 (GMT).
  const t = trigger('2028-01-31T09:00:00Z', { count: 1, unit: 'month' });

  it('falls on the last day of shorter months, from the anchor each time', () => {
    expect(dues(t, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])).toEqual([
      '2028-01-31T09:00:00.000Z',
      '2028-02-29T09:00:00.000Z', // leap year: 29 Feb
      '2028-03-31T08:00:00.000Z', // the 31st again, not the 29th; BST since 26 Mar
      '2028-04-30T08:00:00.000Z',
      '2028-05-31T08:00:00.000Z',
      '2028-06-30T08:00:00.000Z',
      '2028-07-31T08:00:00.000Z',
      '2028-08-31T08:00:00.000Z',
      '2028-09-30T08:00:00.000Z',
      '2028-10-31T09:00:00.000Z', // GMT again since 29 Oct
      '2028-11-30T09:00:00.000Z',
      '2028-12-31T09:00:00.000Z',
      '2029-01-31T09:00:00.000Z',
      '2029-02-28T09:00:00.000Z', // not a leap year
    ]);
  });

  it('finds the index across years', () => {
    // Jan 2028 is k = 0, so Jun 2030 is k = 24 + 5 = 29, due 30 Jun; 15 Jun is before it.
    expect(fixedIndexAfter(t, new Date('2030-06-15T00:00:00Z'))).toBe(29);
    expect(iso(fixedDue(t, 29))).toBe('2030-06-30T08:00:00.000Z');
  });

  it('every 3 months keeps the 31st where it can', () => {
    const q = trigger('2028-01-31T09:00:00Z', { count: 3, unit: 'month' });
    // Jan, Apr (30 days), Jul, Oct.
    expect(dues(q, [1, 2, 3])).toEqual([
      '2028-04-30T08:00:00.000Z',
      '2028-07-31T08:00:00.000Z',
      '2028-10-31T09:00:00.000Z',
    ]);
  });
});

describe('across a DST change in London', () => {
  it('keeps a weekly 09:00 at 09:00 local over the last Sunday of March', () => {
    // Sun 22 Mar 2026 09:00 GMT = 09:00Z; Sun 29 Mar 09:00 BST = 08:00Z.
    const t = trigger('2026-03-22T09:00:00Z', { count: 1, unit: 'week' });
    expect(dues(t, [0, 1, 2])).toEqual([
      '2026-03-22T09:00:00.000Z',
      '2026-03-29T08:00:00.000Z',
      '2026-04-05T08:00:00.000Z',
    ]);
  });

  it('keeps a weekly 09:00 at 09:00 local over the last Sunday of October', () => {
    // Sun 18 Oct 2026 09:00 BST = 08:00Z; Sun 25 Oct 09:00 GMT = 09:00Z.
    const t = trigger('2026-10-18T08:00:00Z', { count: 1, unit: 'week' });
    expect(dues(t, [0, 1, 2])).toEqual([
      '2026-10-18T08:00:00.000Z',
      '2026-10-25T09:00:00.000Z',
      '2026-11-01T09:00:00.000Z',
    ]);
  });

  it('moves a daily 01:30 inside the spring-forward gap on by the gap', () => {
    // 29 Mar 2026 has no 01:00–02:00: 01:30 becomes 02:30 BST = 01:30Z. Next day 01:30 BST.
    const t = trigger('2026-03-27T01:30:00Z', { count: 1, unit: 'day' });
    expect(dues(t, [0, 1, 2, 3])).toEqual([
      '2026-03-27T01:30:00.000Z', // 01:30 GMT
      '2026-03-28T01:30:00.000Z', // 01:30 GMT
      '2026-03-29T01:30:00.000Z', // 02:30 BST
      '2026-03-30T00:30:00.000Z', // 01:30 BST
    ]);
  });

  it('keeps startsOn itself when it is the later of two wall times', () => {
    // startsOn 01:30 GMT (01:30Z) on 25 Oct 2026, the second 01:30 that day: k = 0 is that
    // instant, not the first 01:30 (00:30Z); k = 1 is 01:30 GMT on 26 Oct.
    const t = trigger('2026-10-25T01:30:00Z', { count: 1, unit: 'day' });
    expect(dues(t, [0, 1])).toEqual(['2026-10-25T01:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('takes the earlier of a fall-back day’s two 01:30s', () => {
    // 25 Oct 2026 has 01:30 BST (00:30Z) and then 01:30 GMT (01:30Z).
    const t = trigger('2026-10-24T00:30:00Z', { count: 1, unit: 'day' });
    expect(dues(t, [1, 2])).toEqual([
      '2026-10-25T00:30:00.000Z', // 01:30 BST, the first
      '2026-10-26T01:30:00.000Z', // 01:30 GMT
    ]);
  });
});

describe('a floating schedule', () => {
  // Weekly at 09:00 London, first due Mon 2 Mar 2026.
  const t = trigger('2026-03-02T09:00:00Z', { count: 1, unit: 'week' }, { schedule: 'floating' });

  it('is due at startsOn before the first completion', () => {
    expect(nextTimeDue(t, noState)).toEqual({
      dueAt: new Date('2026-03-02T09:00:00Z'),
      index: null,
    });
  });

  it('counts from a late completion, at the plan’s usual time', () => {
    // Due Mon 2 Mar, done Thu 5 Mar 16:00: next is Thu 12 Mar at 09:00, not 16:00.
    const done = new Date('2026-03-05T16:00:00Z');
    expect(iso(floatingDue(t, done))).toBe('2026-03-12T09:00:00.000Z');
    expect(nextTimeDue(t, { lastIndex: null, lastCompletedAt: done })).toEqual({
      dueAt: new Date('2026-03-12T09:00:00Z'),
      index: null,
    });
  });

  it('keeps 09:00 local when the next due is in BST', () => {
    // Done Thu 26 Mar (GMT): next Thu 2 Apr 09:00 BST = 08:00Z.
    expect(iso(floatingDue(t, new Date('2026-03-26T16:00:00Z')))).toBe('2026-04-02T08:00:00.000Z');
  });

  it('uses the completion’s local date, not its UTC date', () => {
    // 23:30Z on 30 Jun is 00:30 BST on 1 Jul in London, so monthly -> 1 Aug 09:00 BST = 08:00Z.
    const m = trigger(
      '2026-01-01T09:00:00Z',
      { count: 1, unit: 'month' },
      { schedule: 'floating' },
    );
    expect(iso(floatingDue(m, new Date('2026-06-30T23:30:00Z')))).toBe('2026-08-01T08:00:00.000Z');
  });

  it('clamps a monthly step to the end of the month', () => {
    const m = trigger(
      '2026-01-31T09:00:00Z',
      { count: 1, unit: 'month' },
      { schedule: 'floating' },
    );
    // Done 31 Jan 2026 -> 28 Feb 2026; done 31 Jan 2028 -> 29 Feb 2028 (leap year).
    expect(iso(floatingDue(m, new Date('2026-01-31T15:00:00Z')))).toBe('2026-02-28T09:00:00.000Z');
    expect(iso(floatingDue(m, new Date('2028-01-31T15:00:00Z')))).toBe('2028-02-29T09:00:00.000Z');
  });
});

describe('whicheverFirst', () => {
  const a = new Date('2026-04-01T09:00:00Z');
  const b = new Date('2026-04-03T09:00:00Z');

  it('takes the time due when it is earlier', () => {
    expect(whicheverFirst(a, b)).toEqual({ dueAt: a, by: 'time' });
  });

  it('takes the meter due when it is earlier', () => {
    expect(whicheverFirst(b, a)).toEqual({ dueAt: a, by: 'meter' });
  });

  it('gives a tie to time', () => {
    expect(whicheverFirst(a, new Date(a.getTime()))).toEqual({ dueAt: a, by: 'time' });
  });

  it('takes whichever exists', () => {
    expect(whicheverFirst(a, null)).toEqual({ dueAt: a, by: 'time' });
    expect(whicheverFirst(null, b)).toEqual({ dueAt: b, by: 'meter' });
    expect(whicheverFirst(null, null)).toBeNull();
  });
});

describe('dueState', () => {
  // Due 10 Mar 09:00Z, 7 days' lead, 3 days' grace.
  const dueAt = new Date('2026-03-10T09:00:00Z');
  const o = { leadDays: 7, graceMs: 3 * day };
  const at = (instant: string) => dueState(dueAt, new Date(instant), o);

  it('is upcoming until the lead time starts', () => {
    expect(at('2026-01-01T00:00:00Z')).toBe('upcoming');
    expect(at('2026-03-03T08:59:59.999Z')).toBe('upcoming');
  });

  it('is due soon from dueAt - lead up to dueAt', () => {
    // 10 Mar - 7 days = 3 Mar 09:00Z.
    expect(at('2026-03-03T09:00:00Z')).toBe('due_soon');
    expect(at('2026-03-10T08:59:59.999Z')).toBe('due_soon');
  });

  it('is due from dueAt until the grace ends', () => {
    // 10 Mar + 3 days = 13 Mar 09:00Z, not itself included.
    expect(at('2026-03-10T09:00:00Z')).toBe('due');
    expect(at('2026-03-13T08:59:59.999Z')).toBe('due');
  });

  it('is overdue from the end of grace', () => {
    expect(at('2026-03-13T09:00:00Z')).toBe('overdue');
    expect(at('2026-06-01T00:00:00Z')).toBe('overdue');
  });

  it('goes straight from due soon to overdue with no grace', () => {
    expect(dueState(dueAt, dueAt, { leadDays: 7, graceMs: 0 })).toBe('overdue');
  });
});

describe('meterRate', () => {
  const t0 = Date.parse('2026-03-01T00:00:00Z');
  const sample = (days: number, value: number) => ({ at: new Date(t0 + days * day), value });

  it('gives the slope of a straight line in any order', () => {
    // 10 units a day.
    expect(meterRate([sample(2, 120), sample(0, 100), sample(1, 110)])).toBeCloseTo(10, 9);
  });

  it('fits a least-squares line through noisy samples', () => {
    // t = 0,1,2,3 (mean 1.5); v = 0,12,18,30 (mean 15).
    // Σ(t-1.5)(v-15) = 22.5 + 1.5 + 1.5 + 22.5 = 48; Σ(t-1.5)² = 2.25 + 0.25 + 0.25 + 2.25 = 5.
    // Slope = 48 / 5 = 9.6 a day.
    const rate = meterRate([sample(0, 0), sample(1, 12), sample(2, 18), sample(3, 30)]);
    expect(rate).toBeCloseTo(9.6, 9);
  });

  it('restarts after a counter reset', () => {
    // 100, 110, 120, then the disk is replaced: 5, 15, 25. Only the last three count: 10 a day.
    // (Fitting all six would give a falling line.)
    const samples = [
      sample(0, 100),
      sample(1, 110),
      sample(2, 120),
      sample(3, 5),
      sample(4, 15),
      sample(5, 25),
    ];
    expect(meterRate(samples)).toBeCloseTo(10, 9);
    expect(meterRate(samples.reverse())).toBeCloseTo(10, 9);
  });

  it('only uses samples within the window of the newest', () => {
    // A reading 40 days before the others is outside the default 30 days.
    const samples = [sample(-40, 0), sample(0, 100), sample(1, 110), sample(2, 120)];
    expect(meterRate(samples)).toBeCloseTo(10, 9);
    // With 60 days it counts: t = -40,0,1,2 (mean -9.25); v = 0,100,110,120 (mean 82.5).
    // Σ(t-mean)(v-mean) = 2536.875 + 161.875 + 281.875 + 421.875 = 3402.5;
    // Σ(t-mean)² = 945.5625 + 85.5625 + 105.0625 + 126.5625 = 1262.75.
    expect(meterRate(samples, 60)).toBeCloseTo(3402.5 / 1262.75, 9);
  });

  it('does not take two readings at one instant for a reset', () => {
    // Two pollers reported day 1 as 112 and 108. Sorted 100, 108, 112, 120 there is no drop:
    // t = 0,1,1,2 (mean 1); v mean 110; Σ(t-1)(v-110) = 10 + 0 + 0 + 10 = 20; Σ(t-1)² = 2.
    // Slope = 20 / 2 = 10 a day (a "reset" at 108 would have given 120 - 108 = 12).
    const samples = [sample(0, 100), sample(1, 112), sample(1, 108), sample(2, 120)];
    expect(meterRate(samples)).toBeCloseTo(10, 9);
  });

  it('gives null with too few samples', () => {
    expect(meterRate([])).toBeNull();
    expect(meterRate([sample(0, 100)])).toBeNull();
    // A reset leaves only one sample of the new counter.
    expect(meterRate([sample(0, 100), sample(1, 110), sample(2, 5)])).toBeNull();
    // Only one sample inside the window.
    expect(meterRate([sample(-40, 0), sample(0, 100)])).toBeNull();
  });

  it('needs at least an hour between samples', () => {
    const at = (ms: number, value: number) => ({ at: new Date(t0 + ms), value });
    expect(meterRate([at(0, 100), at(30 * 60_000, 105)])).toBeNull();
    expect(meterRate([at(0, 100), at(hour - 1, 105)])).toBeNull();
    // 10 units in exactly 1 hour = 240 a day.
    expect(meterRate([at(0, 100), at(hour, 110)])).toBeCloseTo(240, 9);
  });

  it('gives 0 for a counter that has not moved', () => {
    expect(meterRate([sample(0, 100), sample(1, 100)])).toBe(0);
  });
});

describe('meterDueAt', () => {
  const at = new Date('2026-03-01T00:00:00Z');

  it('forecasts when the threshold is reached', () => {
    // (1000 - 400) / 20 a day = 30 days -> 31 Mar.
    expect(iso(meterDueAt({ value: 400, at, ratePerDay: 20, threshold: 1000 }))).toBe(
      '2026-03-31T00:00:00.000Z',
    );
    // (1000 - 990) / 240 a day = 1/24 day = 1 hour.
    expect(iso(meterDueAt({ value: 990, at, ratePerDay: 240, threshold: 1000 }))).toBe(
      '2026-03-01T01:00:00.000Z',
    );
  });

  it('is already due at or past the threshold', () => {
    expect(meterDueAt({ value: 1000, at, ratePerDay: 20, threshold: 1000 })).toEqual(at);
    expect(meterDueAt({ value: 1200, at, ratePerDay: null, threshold: 1000 })).toEqual(at);
  });

  it('has no forecast without a growing rate', () => {
    expect(meterDueAt({ value: 400, at, ratePerDay: null, threshold: 1000 })).toBeNull();
    expect(meterDueAt({ value: 400, at, ratePerDay: 0, threshold: 1000 })).toBeNull();
    expect(meterDueAt({ value: 400, at, ratePerDay: -5, threshold: 1000 })).toBeNull();
    // 1e12 units at 1e-9 a day is beyond any Date.
    expect(meterDueAt({ value: 0, at, ratePerDay: 1e-9, threshold: 1e12 })).toBeNull();
  });
});

describe('dueDatesBetween over 90 days', () => {
  // [1 Mar 2026, 30 May 2026): 1 Mar + 90 days = 30 May (31 + 30 + 29).
  const from = new Date('2026-03-01T00:00:00Z');
  const to = new Date(from.getTime() + 90 * day);

  it('lists a fixed weekly schedule from the next index', () => {
    // Mondays 09:00 from 5 Jan; occurrence 7 (23 Feb) done, so from k = 8, Mon 2 Mar.
    const t = trigger('2026-01-05T09:00:00Z', { count: 1, unit: 'week' });
    expect(isos(dueDatesBetween(t, { lastIndex: 7, lastCompletedAt: null }, from, to))).toEqual([
      '2026-03-02T09:00:00.000Z',
      '2026-03-09T09:00:00.000Z',
      '2026-03-16T09:00:00.000Z',
      '2026-03-23T09:00:00.000Z',
      '2026-03-30T08:00:00.000Z', // BST
      '2026-04-06T08:00:00.000Z',
      '2026-04-13T08:00:00.000Z',
      '2026-04-20T08:00:00.000Z',
      '2026-04-27T08:00:00.000Z',
      '2026-05-04T08:00:00.000Z',
      '2026-05-11T08:00:00.000Z',
      '2026-05-18T08:00:00.000Z',
      '2026-05-25T08:00:00.000Z',
    ]);
  });

  it('starts a fixed schedule at the next index even if earlier ones are in range', () => {
    const t = trigger('2026-01-05T09:00:00Z', { count: 1, unit: 'week' });
    // k = 12 is Mon 30 Mar; done, so from k = 13, Mon 6 Apr: 8 Mondays to 25 May.
    const listed = dueDatesBetween(t, { lastIndex: 12, lastCompletedAt: null }, from, to);
    expect(listed).toHaveLength(8);
    expect(iso(listed[0] ?? null)).toBe('2026-04-06T08:00:00.000Z');
    // Nothing dealt with yet: k = 0 is long before the range, so still from Mon 2 Mar.
    expect(iso(dueDatesBetween(t, noState, from, to)[0] ?? null)).toBe('2026-03-02T09:00:00.000Z');
  });

  it('stops at the limit', () => {
    const t = trigger('2026-01-05T09:00:00Z', { count: 1, unit: 'week' });
    expect(isos(dueDatesBetween(t, { lastIndex: 7, lastCompletedAt: null }, from, to, 2))).toEqual([
      '2026-03-02T09:00:00.000Z',
      '2026-03-09T09:00:00.000Z',
    ]);
  });

  it('chains a floating monthly schedule, which settles on the 28th', () => {
    // Monthly from 31 Jan 09:00, done 31 Jan: 28 Feb; done then: 28 Mar (GMT, BST is from
    // 29 Mar); 28 Apr 09:00 BST = 08:00Z; 28 May. Range [1 Feb, 2 May) (1 Feb + 28 + 31 + 31).
    const t = trigger(
      '2026-01-31T09:00:00Z',
      { count: 1, unit: 'month' },
      { schedule: 'floating' },
    );
    const state = { lastIndex: null, lastCompletedAt: new Date('2026-01-31T15:00:00Z') };
    const feb1 = new Date('2026-02-01T00:00:00Z');
    const may2 = new Date(feb1.getTime() + 90 * day);
    expect(iso(may2)).toBe('2026-05-02T00:00:00.000Z');
    expect(isos(dueDatesBetween(t, state, feb1, may2))).toEqual([
      '2026-02-28T09:00:00.000Z',
      '2026-03-28T09:00:00.000Z',
      '2026-04-28T08:00:00.000Z',
    ]);
    // The same plan fixed goes back to the month's end after February.
    const fixed = { ...t, schedule: 'fixed' as const };
    expect(
      isos(dueDatesBetween(fixed, { lastIndex: 0, lastCompletedAt: null }, feb1, may2)),
    ).toEqual(['2026-02-28T09:00:00.000Z', '2026-03-31T08:00:00.000Z', '2026-04-30T08:00:00.000Z']);
  });

  it('lists a floating schedule only from `from`', () => {
    // Weekly floating, never done: startsOn 16 Feb, then 23 Feb, 2 Mar, ... (assumed done on time).
    const t = trigger('2026-02-16T09:00:00Z', { count: 1, unit: 'week' }, { schedule: 'floating' });
    const listed = dueDatesBetween(t, noState, from, new Date('2026-03-20T00:00:00Z'));
    expect(isos(listed)).toEqual([
      '2026-03-02T09:00:00.000Z',
      '2026-03-09T09:00:00.000Z',
      '2026-03-16T09:00:00.000Z',
    ]);
  });
});

describe('meterDatesBetween over 90 days', () => {
  const at = new Date('2026-03-01T00:00:00Z');
  const to = new Date(at.getTime() + 90 * day); // 30 May

  it('lists each threshold as it is reached', () => {
    // From 1200 at 20 a day: 1500 after 15 days (16 Mar), 2000 after 40 (10 Apr), 2500 after 65
    // (5 May), 3000 after 90 (30 May, excluded: the range is half-open).
    const m = { value: 1200, at, ratePerDay: 20, threshold: 1500, every: 500 };
    expect(isos(meterDatesBetween(m, at, to))).toEqual([
      '2026-03-16T00:00:00.000Z',
      '2026-04-10T00:00:00.000Z',
      '2026-05-05T00:00:00.000Z',
    ]);
  });

  it('lists a passed threshold once, at the reading', () => {
    // 1600 is past 1500: due now. Then 2000 after 20 days (21 Mar), 2500 after 45 (15 Apr),
    // 3000 after 70 (10 May); 3500 after 95 is out of range.
    const m = { value: 1600, at, ratePerDay: 20, threshold: 1500, every: 500 };
    expect(isos(meterDatesBetween(m, at, to))).toEqual([
      '2026-03-01T00:00:00.000Z',
      '2026-03-21T00:00:00.000Z',
      '2026-04-15T00:00:00.000Z',
      '2026-05-10T00:00:00.000Z',
    ]);
    // Past several thresholds (1500, 2000, 2500) is still one service due now; next is 3000 at
    // (3000 - 2600) / 20 = 20 days.
    const far = { ...m, value: 2600 };
    expect(isos(meterDatesBetween(far, at, to, 2))).toEqual([
      '2026-03-01T00:00:00.000Z',
      '2026-03-21T00:00:00.000Z',
    ]);
    // Looking from before the reading does not list the thresholds crossed before it (2500
    // would have been 5 days earlier, 24 Feb): those are history, and one service is owed now.
    expect(isos(meterDatesBetween(far, new Date('2026-02-01T00:00:00Z'), to, 2))).toEqual([
      '2026-03-01T00:00:00.000Z',
      '2026-03-21T00:00:00.000Z',
    ]);
  });

  it('starts from a later `from`', () => {
    // [1 Apr, 1 Jul): 2000 at day 40 (10 Apr), 2500 at 65 (5 May), 3000 at 90 (30 May),
    // 3500 at 115 (24 Jun); 4000 at 140 (19 Jul) is out.
    const m = { value: 1200, at, ratePerDay: 20, threshold: 1500, every: 500 };
    const listed = meterDatesBetween(
      m,
      new Date('2026-04-01T00:00:00Z'),
      new Date('2026-07-01T00:00:00Z'),
    );
    expect(isos(listed)).toEqual([
      '2026-04-10T00:00:00.000Z',
      '2026-05-05T00:00:00.000Z',
      '2026-05-30T00:00:00.000Z',
      '2026-06-24T00:00:00.000Z',
    ]);
  });

  it('has nothing without a growing rate, and stops at the limit', () => {
    const m = { value: 1200, at, ratePerDay: null, threshold: 1500, every: 500 };
    expect(meterDatesBetween(m, at, to)).toEqual([]);
    expect(meterDatesBetween({ ...m, ratePerDay: 0 }, at, to)).toEqual([]);
    expect(isos(meterDatesBetween({ ...m, ratePerDay: 20 }, at, to, 1))).toEqual([
      '2026-03-16T00:00:00.000Z',
    ]);
  });

  it('rejects a step that is not positive', () => {
    const m = { value: 1200, at, ratePerDay: 20, threshold: 1500, every: 0 };
    expect(() => meterDatesBetween(m, at, to)).toThrow(RangeError);
  });
});

describe('outcome', () => {
  // Due 10 Mar 09:00Z with 3 days' grace, so the grace ends 13 Mar 09:00Z.
  const dueAt = new Date('2026-03-10T09:00:00Z');
  const base = { dueAt, graceMs: 3 * day, completedAt: null, skipped: false };
  const now = new Date('2026-04-01T00:00:00Z');
  const done = (instant: string) => outcome({ ...base, completedAt: new Date(instant) }, now);

  it('is skipped when skipped, whatever else', () => {
    expect(outcome({ ...base, skipped: true }, now)).toBe('skipped');
    expect(outcome({ ...base, skipped: true, completedAt: dueAt }, now)).toBe('skipped');
  });

  it('is on time when completed by the due date', () => {
    expect(done('2026-03-02T12:00:00Z')).toBe('on_time');
    expect(done('2026-03-10T09:00:00Z')).toBe('on_time');
  });

  it('is late in grace when completed after the due date, by the end of grace', () => {
    expect(done('2026-03-10T09:00:00.001Z')).toBe('late_in_grace');
    expect(done('2026-03-13T09:00:00Z')).toBe('late_in_grace');
  });

  it('is missed when completed after the grace', () => {
    expect(done('2026-03-13T09:00:00.001Z')).toBe('missed');
  });

  it('is missed when not completed by the end of grace', () => {
    expect(outcome(base, new Date('2026-03-13T09:00:00.001Z'))).toBe('missed');
    expect(outcome(base, now)).toBe('missed');
  });

  it('is pending while it can still be done in time or in grace', () => {
    expect(outcome(base, new Date('2026-03-05T00:00:00Z'))).toBe('pending');
    expect(outcome(base, new Date('2026-03-11T00:00:00Z'))).toBe('pending');
    expect(outcome(base, new Date('2026-03-13T09:00:00Z'))).toBe('pending');
  });

  it('judges a completion regardless of when it is judged', () => {
    // Completed in grace, looked at before the grace ended: already decided.
    expect(
      outcome(
        { ...base, completedAt: new Date('2026-03-11T00:00:00Z') },
        new Date('2026-03-11T01:00:00Z'),
      ),
    ).toBe('late_in_grace');
  });
});
