import { describe, expect, it } from 'vitest';
import {
  longestLengthMs,
  nextOccurrences,
  occurrenceAt,
  windowEnd,
  type Occurrence,
  type Schedule,
} from '../../server/modules/maintenance/schedule.ts';

const hour = 60 * 60 * 1000;
const day = 24 * hour;

function schedule(
  startsAt: string,
  endsAt: string,
  timezone: string,
  more: Partial<Schedule> = {},
): Schedule {
  return {
    startsAt: new Date(startsAt),
    endsAt: new Date(endsAt),
    timezone,
    recurrence: 'none',
    weekdays: [],
    until: null,
    ...more,
  };
}

const iso = (o: Occurrence | null) =>
  o && { start: o.start.toISOString(), end: o.end.toISOString() };
const at = (w: Schedule, instant: string) => iso(occurrenceAt(w, new Date(instant)));
const starts = (w: Schedule, from: string, count: number) =>
  nextOccurrences(w, new Date(from), count).map((o) => o.start.toISOString());

describe('a one-off window', () => {
  // 09:00–11:00 BST.
  const w = schedule('2026-05-10T08:00:00Z', '2026-05-10T10:00:00Z', 'Europe/London');
  const only = { start: '2026-05-10T08:00:00.000Z', end: '2026-05-10T10:00:00.000Z' };

  it('covers its start and not its end', () => {
    expect(at(w, '2026-05-10T07:59:59.999Z')).toBeNull();
    expect(at(w, '2026-05-10T08:00:00Z')).toEqual(only);
    expect(at(w, '2026-05-10T09:59:59.999Z')).toEqual(only);
    expect(at(w, '2026-05-10T10:00:00Z')).toBeNull();
    expect(at(w, '2026-05-11T08:30:00Z')).toBeNull();
  });

  it('lists itself until it has ended', () => {
    expect(nextOccurrences(w, new Date('2026-01-01T00:00:00Z'), 5).map(iso)).toEqual([only]);
    expect(nextOccurrences(w, new Date('2026-05-10T09:00:00Z'), 5).map(iso)).toEqual([only]);
    expect(nextOccurrences(w, new Date('2026-05-10T10:00:00Z'), 5)).toEqual([]);
    expect(windowEnd(w)).toEqual(new Date('2026-05-10T10:00:00Z'));
  });
});

describe('a daily window across midnight', () => {
  // 22:00–02:00 GMT, from Monday 5 January 2026.
  const w = schedule('2026-01-05T22:00:00Z', '2026-01-06T02:00:00Z', 'Europe/London', {
    recurrence: 'daily',
  });

  it('covers the small hours with the occurrence that began the evening before', () => {
    expect(at(w, '2026-01-08T01:00:00Z')).toEqual({
      start: '2026-01-07T22:00:00.000Z',
      end: '2026-01-08T02:00:00.000Z',
    });
    expect(at(w, '2026-01-08T22:00:00Z')?.start).toBe('2026-01-08T22:00:00.000Z');
    expect(at(w, '2026-01-08T02:00:00Z')).toBeNull();
    expect(at(w, '2026-01-08T12:00:00Z')).toBeNull();
  });

  it('does not run before its first occurrence', () => {
    expect(at(w, '2026-01-05T01:00:00Z')).toBeNull();
    expect(at(w, '2026-01-05T23:00:00Z')?.start).toBe('2026-01-05T22:00:00.000Z');
  });

  it('lists the running occurrence first, then the coming ones', () => {
    expect(starts(w, '2026-01-07T01:00:00Z', 3)).toEqual([
      '2026-01-06T22:00:00.000Z',
      '2026-01-07T22:00:00.000Z',
      '2026-01-08T22:00:00.000Z',
    ]);
    expect(starts(w, '2026-01-07T12:00:00Z', 2)).toEqual([
      '2026-01-07T22:00:00.000Z',
      '2026-01-08T22:00:00.000Z',
    ]);
    expect(windowEnd(w)).toBeNull();
  });
});

describe('a weekly window', () => {
  // 06:00–08:00 EST on Monday, Wednesday and Friday, from Monday 5 January 2026.
  const w = schedule('2026-01-05T11:00:00Z', '2026-01-05T13:00:00Z', 'America/New_York', {
    recurrence: 'weekly',
    weekdays: [1, 3, 5],
  });

  it('runs on the chosen weekdays only', () => {
    expect(at(w, '2026-01-07T12:00:00Z')?.start).toBe('2026-01-07T11:00:00.000Z');
    expect(at(w, '2026-01-09T11:00:00Z')?.start).toBe('2026-01-09T11:00:00.000Z');
    expect(at(w, '2026-01-06T12:00:00Z')).toBeNull();
    expect(at(w, '2026-01-10T12:00:00Z')).toBeNull();
    expect(starts(w, '2026-01-05T00:00:00Z', 4)).toEqual([
      '2026-01-05T11:00:00.000Z',
      '2026-01-07T11:00:00.000Z',
      '2026-01-09T11:00:00.000Z',
      '2026-01-12T11:00:00.000Z',
    ]);
  });

  it("defaults to startsAt's weekday in its own zone, not in UTC", () => {
    // 22:00 EST on Sunday 4 January is 03:00 UTC on Monday.
    const sunday = schedule('2026-01-05T03:00:00Z', '2026-01-05T05:00:00Z', 'America/New_York', {
      recurrence: 'weekly',
    });
    expect(starts(sunday, '2026-01-06T00:00:00Z', 2)).toEqual([
      '2026-01-12T03:00:00.000Z',
      '2026-01-19T03:00:00.000Z',
    ]);
    expect(at(sunday, '2026-01-12T04:00:00Z')?.start).toBe('2026-01-12T03:00:00.000Z');
    expect(at(sunday, '2026-01-13T04:00:00Z')).toBeNull();
  });

  it('runs from its weekdays after startsAt when startsAt is not one of them', () => {
    // Tuesday 6 January, weekly on Thursdays.
    const thursdays = schedule('2026-01-06T10:00:00Z', '2026-01-06T11:00:00Z', 'UTC', {
      recurrence: 'weekly',
      weekdays: [4],
    });
    expect(at(thursdays, '2026-01-06T10:30:00Z')).toBeNull();
    expect(starts(thursdays, '2026-01-01T00:00:00Z', 2)).toEqual([
      '2026-01-08T10:00:00.000Z',
      '2026-01-15T10:00:00.000Z',
    ]);
  });
});

describe('a monthly window on the 31st', () => {
  // 10:00–12:00 London time on the 31st of each month, from January 2028 (a leap year).
  const w = schedule('2028-01-31T10:00:00Z', '2028-01-31T12:00:00Z', 'Europe/London', {
    recurrence: 'monthly',
  });

  it('falls on the last day of shorter months, at the same wall-clock time', () => {
    expect(starts(w, '2028-01-01T00:00:00Z', 6)).toEqual([
      '2028-01-31T10:00:00.000Z',
      '2028-02-29T10:00:00.000Z',
      // British Summer Time from 26 March: 10:00 local is 09:00 UTC.
      '2028-03-31T09:00:00.000Z',
      '2028-04-30T09:00:00.000Z',
      '2028-05-31T09:00:00.000Z',
      '2028-06-30T09:00:00.000Z',
    ]);
    expect(at(w, '2028-04-30T10:00:00Z')?.start).toBe('2028-04-30T09:00:00.000Z');
    expect(at(w, '2028-04-29T10:00:00Z')).toBeNull();
  });

  it('takes the 28th in a common year', () => {
    const common = {
      ...w,
      startsAt: new Date('2027-01-31T10:00:00Z'),
      endsAt: new Date('2027-01-31T12:00:00Z'),
    };
    expect(starts(common, '2027-02-01T00:00:00Z', 1)).toEqual(['2027-02-28T10:00:00.000Z']);
  });
});

describe('across daylight-saving changes', () => {
  it('keeps the wall-clock start in London through spring and autumn', () => {
    // 09:00 every day: 09:00 UTC in GMT, 08:00 UTC in BST.
    const w = schedule('2026-03-27T09:00:00Z', '2026-03-27T10:00:00Z', 'Europe/London', {
      recurrence: 'daily',
    });
    expect(starts(w, '2026-03-27T12:00:00Z', 3)).toEqual([
      '2026-03-28T09:00:00.000Z',
      '2026-03-29T08:00:00.000Z',
      '2026-03-30T08:00:00.000Z',
    ]);
    expect(starts(w, '2026-10-24T12:00:00Z', 2)).toEqual([
      '2026-10-25T09:00:00.000Z',
      '2026-10-26T09:00:00.000Z',
    ]);
  });

  it('moves a start inside the London spring-forward gap on by the gap, keeping its length', () => {
    // 01:30–03:30 every day. On 29 March 2026 clocks go from 01:00 GMT to 02:00 BST, so 01:30
    // does not exist: that day it starts at 02:30 BST and still lasts two hours.
    const w = schedule('2026-03-27T01:30:00Z', '2026-03-27T03:30:00Z', 'Europe/London', {
      recurrence: 'daily',
    });
    expect(at(w, '2026-03-29T02:00:00Z')).toEqual({
      start: '2026-03-29T01:30:00.000Z',
      end: '2026-03-29T03:30:00.000Z',
    });
    expect(starts(w, '2026-03-29T12:00:00Z', 1)).toEqual(['2026-03-30T00:30:00.000Z']);
  });

  it('starts the first time an ambiguous London time comes round in autumn', () => {
    // On 25 October 2026, 01:30 London happens at 00:30 UTC (BST) and again at 01:30 UTC (GMT).
    const w = schedule('2026-10-20T00:30:00Z', '2026-10-20T01:30:00Z', 'Europe/London', {
      recurrence: 'daily',
    });
    expect(at(w, '2026-10-25T00:45:00Z')).toEqual({
      start: '2026-10-25T00:30:00.000Z',
      end: '2026-10-25T01:30:00.000Z',
    });
    expect(at(w, '2026-10-25T01:30:00Z')).toBeNull();
    expect(starts(w, '2026-10-25T12:00:00Z', 1)).toEqual(['2026-10-26T01:30:00.000Z']);
  });

  it('moves a 02:30 New York start to 03:30 EDT on the spring-forward day and keeps 4 hours', () => {
    const w = schedule('2026-03-07T07:30:00Z', '2026-03-07T11:30:00Z', 'America/New_York', {
      recurrence: 'daily',
    });
    expect(nextOccurrences(w, new Date('2026-03-07T12:00:00Z'), 2).map(iso)).toEqual([
      // 03:30–07:30 EDT: four hours elapsed.
      { start: '2026-03-08T07:30:00.000Z', end: '2026-03-08T11:30:00.000Z' },
      // 02:30 EDT.
      { start: '2026-03-09T06:30:00.000Z', end: '2026-03-09T10:30:00.000Z' },
    ]);
  });

  it('keeps elapsed length across the New York autumn change: 22:00 EDT to 01:00 EST', () => {
    const w = schedule('2026-10-30T02:00:00Z', '2026-10-30T06:00:00Z', 'America/New_York', {
      recurrence: 'daily',
    });
    // 22:00 EDT on Saturday 31 October runs four real hours, across 02:00 EDT becoming 01:00 EST.
    expect(at(w, '2026-11-01T05:30:00Z')).toEqual({
      start: '2026-11-01T02:00:00.000Z',
      end: '2026-11-01T06:00:00.000Z',
    });
    expect(at(w, '2026-11-01T06:00:00Z')).toBeNull();
    // 22:00 EST the next evening.
    expect(starts(w, '2026-11-01T12:00:00Z', 1)).toEqual(['2026-11-02T03:00:00.000Z']);
  });
});

describe('until', () => {
  const w = schedule('2026-01-01T09:00:00Z', '2026-01-01T10:00:00Z', 'UTC', {
    recurrence: 'daily',
    until: new Date('2026-01-03T09:00:00Z'),
  });

  it('bounds the starts, an occurrence starting on it included', () => {
    expect(starts(w, '2026-01-01T00:00:00Z', 5)).toEqual([
      '2026-01-01T09:00:00.000Z',
      '2026-01-02T09:00:00.000Z',
      '2026-01-03T09:00:00.000Z',
    ]);
    expect(at(w, '2026-01-03T09:30:00Z')?.start).toBe('2026-01-03T09:00:00.000Z');
    expect(at(w, '2026-01-04T09:30:00Z')).toBeNull();
    expect(windowEnd(w)).toEqual(new Date('2026-01-03T10:00:00Z'));
  });

  it('drops an occurrence that would start after it', () => {
    const shorter = { ...w, until: new Date('2026-01-03T08:59:59Z') };
    expect(starts(shorter, '2026-01-01T00:00:00Z', 5)).toHaveLength(2);
    expect(at(shorter, '2026-01-03T09:30:00Z')).toBeNull();
    expect(windowEnd(shorter)).toEqual(new Date('2026-01-02T10:00:00Z'));
  });
});

describe('the longest a window may last', () => {
  it('is the shortest gap between occurrences', () => {
    expect(longestLengthMs('none', [])).toBe(Number.POSITIVE_INFINITY);
    expect(longestLengthMs('daily', [])).toBe(day);
    expect(longestLengthMs('weekly', [])).toBe(7 * day);
    expect(longestLengthMs('weekly', [3])).toBe(7 * day);
    expect(longestLengthMs('weekly', [1, 3])).toBe(2 * day);
    // Friday to Monday is the shorter gap.
    expect(longestLengthMs('weekly', [1, 5])).toBe(3 * day);
    expect(longestLengthMs('monthly', [])).toBe(28 * day);
  });
});
