import { describe, expect, it } from 'vitest';
import {
  backlogByAge,
  clip,
  combineReliability,
  intersect,
  measure,
  monthsOf,
  mtta,
  mttr,
  passRate,
  pmCompliance,
  suiteReliability,
  union,
  type Outcome,
  type Span,
} from '../../server/modules/pm/formulas.ts';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const t = (iso: string) => Date.parse(iso);
const span = (start: number, end: number): Span => ({ start, end });
const at = (iso: string, isoEnd: string): Span => span(t(iso), t(isoEnd));

describe('union', () => {
  it('is empty for no spans', () => {
    expect(union([])).toEqual([]);
  });

  it('merges spans that touch', () => {
    // [0,5) and [5,10) leave no gap: one block [0,10).
    expect(union([span(0, 5), span(5, 10)])).toEqual([span(0, 10)]);
  });

  it('keeps a gap, however small', () => {
    expect(union([span(6, 10), span(0, 5)])).toEqual([span(0, 5), span(6, 10)]);
  });

  it('swallows a nested span', () => {
    expect(union([span(0, 10), span(2, 3)])).toEqual([span(0, 10)]);
  });

  it('sorts and merges overlapping spans given out of order', () => {
    // [0,6) and [5,8) overlap -> [0,8); [20,30) stands apart.
    expect(union([span(20, 30), span(5, 8), span(0, 6)])).toEqual([span(0, 8), span(20, 30)]);
  });

  it('drops zero-length spans', () => {
    expect(union([span(3, 3)])).toEqual([]);
    expect(union([span(3, 3), span(0, 1)])).toEqual([span(0, 1)]);
  });

  it('does not edit the spans it was given', () => {
    const input = [span(0, 5), span(4, 10)];
    union(input);
    expect(input).toEqual([span(0, 5), span(4, 10)]);
  });

  it('rejects a span that ends before it starts', () => {
    expect(() => union([span(10, 5)])).toThrow(RangeError);
    expect(() => union([span(Number.NaN, 5)])).toThrow(RangeError);
  });
});

describe('intersect', () => {
  it('is empty when either side is empty', () => {
    expect(intersect([], [span(0, 10)])).toEqual([]);
    expect(intersect([span(0, 10)], [])).toEqual([]);
  });

  it('is empty for spans that only touch', () => {
    // [0,5) and [5,10) share no instant.
    expect(intersect([span(0, 5)], [span(5, 10)])).toEqual([]);
  });

  it('gives the inner span when one is nested in the other', () => {
    expect(intersect([span(0, 10)], [span(2, 3)])).toEqual([span(2, 3)]);
    expect(intersect([span(2, 3)], [span(0, 10)])).toEqual([span(2, 3)]);
  });

  it('finds every overlap across several spans', () => {
    // [0,10) n [5,25) = [5,10); [20,30) n [5,25) = [20,25).
    expect(intersect([span(0, 10), span(20, 30)], [span(5, 25)])).toEqual([
      span(5, 10),
      span(20, 25),
    ]);
  });

  it('accepts sides that overlap themselves', () => {
    // a = [0,6) u [4,10) = [0,10); b = [5,7) u [6,12) = [5,12); a n b = [5,10).
    expect(intersect([span(4, 10), span(0, 6)], [span(6, 12), span(5, 7)])).toEqual([span(5, 10)]);
  });

  it('returns merged spans', () => {
    // b's two halves touch, so the overlap is one span, not [0,5) and [5,10).
    expect(intersect([span(0, 10)], [span(0, 5), span(5, 10)])).toEqual([span(0, 10)]);
  });
});

describe('measure and clip', () => {
  it('counts overlapping time once', () => {
    // [0,10) u [5,15) = [0,15): 15 ms, not 20.
    expect(measure([span(0, 10), span(5, 15)])).toBe(15);
    expect(measure([span(0, 10), span(20, 25)])).toBe(15);
    expect(measure([])).toBe(0);
  });

  it('clips to the period', () => {
    expect(clip([span(0, 10), span(20, 30)], span(5, 25))).toEqual([span(5, 10), span(20, 25)]);
    expect(clip([span(0, 5)], span(5, 10))).toEqual([]);
    expect(clip([span(0, 10), span(8, 12)], span(0, 100))).toEqual([span(0, 12)]);
  });
});

describe('pmCompliance', () => {
  const many = (count: number, outcome: Outcome): Outcome[] => Array(count).fill(outcome);

  it('counts what fell due, and leaves pending out', () => {
    // compliant = 15 on time + 2 late in grace = 17
    // due = 17 + 2 missed + 1 skipped = 20 (the 3 pending are not decided yet)
    // 17 / 20 = 85 %
    const result = pmCompliance([
      ...many(15, 'on_time'),
      ...many(2, 'late_in_grace'),
      ...many(2, 'missed'),
      ...many(1, 'skipped'),
      ...many(3, 'pending'),
    ]);
    expect(result).toEqual({
      pct: 85,
      onTime: 15,
      lateInGrace: 2,
      missed: 2,
      skipped: 1,
      pending: 3,
      due: 20,
      formula:
        'compliant 17 / due 20 = 85.0 % (on time 15, late in grace 2, missed 2, skipped 1; ' +
        '3 pending not counted)',
    });
  });

  it('treats each outcome as the definition says', () => {
    // on time and late in grace are compliant; missed and skipped are due but not compliant.
    expect(pmCompliance(['on_time']).pct).toBe(100);
    expect(pmCompliance(['late_in_grace']).pct).toBe(100);
    expect(pmCompliance(['missed']).pct).toBe(0);
    expect(pmCompliance(['skipped']).pct).toBe(0);
    // Pending alone: nothing decided, so nothing to divide by.
    const pending = pmCompliance(['pending']);
    expect(pending.pct).toBeNull();
    expect(pending.due).toBe(0);
    expect(pending.pending).toBe(1);
    expect(pending.formula).toBe('no preventive work fell due; 1 pending not counted');
  });

  it('does not move when pending work is added', () => {
    // 1 on time / 2 due = 50 %, with or without five pending.
    expect(pmCompliance(['on_time', 'missed']).pct).toBe(50);
    expect(pmCompliance(['on_time', 'missed', ...many(5, 'pending')]).pct).toBe(50);
  });

  it('rounds only the formula', () => {
    // 2 / 3 = 66.666... %
    const result = pmCompliance(['on_time', 'on_time', 'skipped']);
    expect(result.pct).toBe((2 / 3) * 100);
    expect(result.formula).toBe(
      'compliant 2 / due 3 = 66.7 % (on time 2, late in grace 0, missed 0, skipped 1)',
    );
  });

  it('gives null with nothing due', () => {
    expect(pmCompliance([])).toMatchObject({
      pct: null,
      due: 0,
      formula: 'no preventive work fell due',
    });
  });
});

describe('mttr', () => {
  const start = t('2026-01-12T10:00:00Z');

  it('is the mean restore time, with open downtimes counted apart', () => {
    // restored after 30 + 90 + 60 = 180 min over 3 failures = 60 min; one still down.
    const result = mttr([
      { startedAt: start, endedAt: start + 30 * minute },
      { startedAt: start, endedAt: start + 90 * minute },
      { startedAt: start + day, endedAt: start + day + 60 * minute },
      { startedAt: start, endedAt: null },
    ]);
    expect(result).toEqual({
      minutes: 60,
      failures: 3,
      totalMin: 180,
      stillDown: 1,
      formula: 'restore time 180.0 min / 3 failures = 60.0 min; 1 still down, not counted',
    });
  });

  it('gives null when nothing has been restored', () => {
    expect(
      mttr([
        { startedAt: start, endedAt: null },
        { startedAt: start, endedAt: null },
      ]),
    ).toEqual({
      minutes: null,
      failures: 0,
      totalMin: 0,
      stillDown: 2,
      formula: 'no failure restored; 2 still down, not counted',
    });
    expect(mttr([]).minutes).toBeNull();
  });

  it('keeps fractions of a minute', () => {
    // 10 s = 1/6 min.
    const result = mttr([{ startedAt: start, endedAt: start + 10_000 }]);
    expect(result.minutes).toBe(10_000 / minute);
    expect(result.formula).toBe('restore time 0.2 min / 1 failure = 0.2 min');
  });

  it('rejects a restore before the fault', () => {
    expect(() => mttr([{ startedAt: start, endedAt: start - 1 }])).toThrow(RangeError);
  });
});

describe('mtta', () => {
  const opened = t('2026-01-12T10:00:00Z');

  it('is the mean time to acknowledge, with unacknowledged faults counted apart', () => {
    // 5 + 10 + 15 = 30 min over 3 acknowledged = 10 min; 2 not acknowledged.
    const result = mtta([
      { openedAt: opened, acknowledgedAt: opened + 5 * minute },
      { openedAt: opened, acknowledgedAt: opened + 10 * minute },
      { openedAt: opened, acknowledgedAt: opened + 15 * minute },
      { openedAt: opened, acknowledgedAt: null },
      { openedAt: opened, acknowledgedAt: null },
    ]);
    expect(result).toEqual({
      minutes: 10,
      acknowledged: 3,
      unacknowledged: 2,
      totalMin: 30,
      formula:
        'time to acknowledge 30.0 min / 3 acknowledged = 10.0 min; 2 unacknowledged, not counted',
    });
  });

  it('gives null when nothing was acknowledged', () => {
    expect(mtta([{ openedAt: opened, acknowledgedAt: null }])).toMatchObject({
      minutes: null,
      acknowledged: 0,
      unacknowledged: 1,
      formula: 'no fault acknowledged; 1 unacknowledged, not counted',
    });
  });
});

describe('suiteReliability', () => {
  // Monday 12 to Monday 19 January 2026, reported long after.
  const period = at('2026-01-12T00:00:00Z', '2026-01-19T00:00:00Z');
  const now = t('2026-02-01T00:00:00Z');
  // Mon 09-18 and Tue 09-18: 9 h + 9 h = 18 h booked.
  const bookings = [
    at('2026-01-12T09:00:00Z', '2026-01-12T18:00:00Z'),
    at('2026-01-13T09:00:00Z', '2026-01-13T18:00:00Z'),
  ];
  const down = (from: string, to: string | null) => ({
    start: t(from),
    end: to === null ? null : t(to),
  });

  it('counts only the booked part of an overnight outage, as one failure', () => {
    // Down Mon 17:00 - Tue 10:00: Mon 17-18 (1 h) + Tue 09-10 (1 h) = 2 h in booked time;
    // the night between is not booked. One outage = 1 failure.
    // MTBF = 18 h / 1 = 18 h; availability = (18 - 2) / 18 = 88.9 %.
    const result = suiteReliability({
      period,
      now,
      bookings,
      downtimes: [down('2026-01-12T17:00:00Z', '2026-01-13T10:00:00Z')],
    });
    expect(result).toEqual({
      bookedH: 18,
      downInBookedH: 2,
      failures: 1,
      mtbfH: 18,
      availabilityPct: (16 / 18) * 100,
      formula:
        'MTBF = booked 18.0 h / 1 failure = 18.0 h; ' +
        'availability = (booked 18.0 h - down 2.0 h) / booked 18.0 h = 88.9 %',
    });
  });

  it('counts no failure for an outage wholly outside bookings', () => {
    // Down Mon 20:00 - Tue 08:00: nobody was booked, nothing lost.
    const result = suiteReliability({
      period,
      now,
      bookings,
      downtimes: [down('2026-01-12T20:00:00Z', '2026-01-13T08:00:00Z')],
    });
    expect(result).toEqual({
      bookedH: 18,
      downInBookedH: 0,
      failures: 0,
      mtbfH: null,
      availabilityPct: 100,
      formula:
        'MTBF: no failure in 18.0 booked hours; ' +
        'availability = (booked 18.0 h - down 0.0 h) / booked 18.0 h = 100.0 %',
    });
  });

  it('counts no failure for an outage that ends as the booking starts', () => {
    // Down Mon 18:00 - Tue 09:00 touches both bookings but overlaps neither.
    const result = suiteReliability({
      period,
      now,
      bookings,
      downtimes: [down('2026-01-12T18:00:00Z', '2026-01-13T09:00:00Z')],
    });
    expect(result.failures).toBe(0);
    expect(result.downInBookedH).toBe(0);
  });

  it('merges overlapping and touching downtimes into one failure', () => {
    // 10:00-11:00 and 10:30-12:00 overlap; 12:00-12:30 touches: one outage 10:00-12:30 = 2.5 h.
    // MTBF = 18 / 1 = 18 h; availability = (18 - 2.5) / 18 = 86.1 %.
    const result = suiteReliability({
      period,
      now,
      bookings,
      downtimes: [
        down('2026-01-12T10:00:00Z', '2026-01-12T11:00:00Z'),
        down('2026-01-12T10:30:00Z', '2026-01-12T12:00:00Z'),
        down('2026-01-12T12:00:00Z', '2026-01-12T12:30:00Z'),
      ],
    });
    expect(result.failures).toBe(1);
    expect(result.downInBookedH).toBe(2.5);
    expect(result.mtbfH).toBe(18);
    expect(result.availabilityPct).toBe((15.5 / 18) * 100);
    expect(result.formula).toBe(
      'MTBF = booked 18.0 h / 1 failure = 18.0 h; ' +
        'availability = (booked 18.0 h - down 2.5 h) / booked 18.0 h = 86.1 %',
    );
  });

  it('counts separate outages separately', () => {
    // Mon 10:00-10:30 and Tue 15:00-16:00: 2 failures, 1.5 h. MTBF = 18 / 2 = 9 h.
    const result = suiteReliability({
      period,
      now,
      bookings,
      downtimes: [
        down('2026-01-12T10:00:00Z', '2026-01-12T10:30:00Z'),
        down('2026-01-13T15:00:00Z', '2026-01-13T16:00:00Z'),
      ],
    });
    expect(result).toMatchObject({ failures: 2, downInBookedH: 1.5, mtbfH: 9 });
    expect(result.formula).toContain('MTBF = booked 18.0 h / 2 failures = 9.0 h');
  });

  it('ends an ongoing outage at now, and counts no booked time after now', () => {
    // Now Tue 12:00. Booked so far: Mon 09-18 (9 h) + Tue 09-12 (3 h) = 12 h; Tue 12-18 is to come.
    // Down since Tue 11:00, still down: 11-12 = 1 h, 1 failure.
    // MTBF = 12 / 1 = 12 h; availability = (12 - 1) / 12 = 91.7 %.
    const result = suiteReliability({
      period,
      now: t('2026-01-13T12:00:00Z'),
      bookings,
      downtimes: [down('2026-01-13T11:00:00Z', null)],
    });
    expect(result).toMatchObject({ bookedH: 12, downInBookedH: 1, failures: 1, mtbfH: 12 });
    expect(result.availabilityPct).toBe((11 / 12) * 100);
  });

  it('counts double-booked time once', () => {
    // Mon 09-18 and Mon 12-20 overlap: 09-20 = 11 h.
    const result = suiteReliability({
      period,
      now,
      bookings: [
        at('2026-01-12T09:00:00Z', '2026-01-12T18:00:00Z'),
        at('2026-01-12T12:00:00Z', '2026-01-12T20:00:00Z'),
      ],
      downtimes: [],
    });
    expect(result.bookedH).toBe(11);
  });

  it('clips bookings and outages to the period', () => {
    // Booking Sun 20:00 - Mon 02:00 straddles the period start: 00:00-02:00 = 2 h inside.
    // Down Sun 22:00 - Mon 01:00: 00:00-01:00 = 1 h inside, overlapping booked time: 1 failure.
    // MTBF = 2 / 1 = 2 h; availability = (2 - 1) / 2 = 50 %.
    const result = suiteReliability({
      period,
      now,
      bookings: [at('2026-01-11T20:00:00Z', '2026-01-12T02:00:00Z')],
      downtimes: [down('2026-01-11T22:00:00Z', '2026-01-12T01:00:00Z')],
    });
    expect(result).toMatchObject({
      bookedH: 2,
      downInBookedH: 1,
      failures: 1,
      mtbfH: 2,
      availabilityPct: 50,
    });
  });

  it('gives nulls when nothing is booked', () => {
    const result = suiteReliability({
      period,
      now,
      bookings: [],
      downtimes: [down('2026-01-12T10:00:00Z', '2026-01-12T11:00:00Z')],
    });
    expect(result).toEqual({
      bookedH: 0,
      downInBookedH: 0,
      failures: 0,
      mtbfH: null,
      availabilityPct: null,
      formula: 'MTBF: no failure in 0.0 booked hours; availability: nothing booked',
    });
  });
});

describe('combineReliability', () => {
  it('weighs suites by booked hours, not one vote each', () => {
    // Suite A: 2 h booked, 1 h down, 1 failure (50 %). Suite B: 200 h, 2 h down, 1 failure (99 %).
    // A mean of percentages would say 74.5 %. Summed: (202 - 3) / 202 = 98.5 %;
    // MTBF = 202 / 2 = 101 h.
    const result = combineReliability([
      { bookedH: 2, downInBookedH: 1, failures: 1 },
      { bookedH: 200, downInBookedH: 2, failures: 1 },
    ]);
    expect(result).toEqual({
      bookedH: 202,
      downInBookedH: 3,
      failures: 2,
      mtbfH: 101,
      availabilityPct: (199 / 202) * 100,
      formula:
        'MTBF = booked 202.0 h / 2 failures = 101.0 h; ' +
        'availability = (booked 202.0 h - down 3.0 h) / booked 202.0 h = 98.5 %',
    });
  });

  it('gives the same figures as one suite on its own', () => {
    const suite = suiteReliability({
      period: at('2026-01-12T00:00:00Z', '2026-01-13T00:00:00Z'),
      now: t('2026-02-01T00:00:00Z'),
      bookings: [at('2026-01-12T09:00:00Z', '2026-01-12T18:00:00Z')],
      downtimes: [{ start: t('2026-01-12T10:00:00Z'), end: t('2026-01-12T11:30:00Z') }],
    });
    expect(combineReliability([suite])).toEqual(suite);
  });

  it('gives nulls for no suites, and rejects impossible parts', () => {
    expect(combineReliability([])).toMatchObject({
      bookedH: 0,
      failures: 0,
      mtbfH: null,
      availabilityPct: null,
    });
    expect(() => combineReliability([{ bookedH: 1, downInBookedH: 2, failures: 1 }])).toThrow(
      RangeError,
    );
    expect(() => combineReliability([{ bookedH: 1, downInBookedH: 0, failures: -1 }])).toThrow(
      RangeError,
    );
  });
});

describe('passRate', () => {
  it('is passed runs over finished runs', () => {
    // 9 passed / 10 runs = 90 %.
    const runs = [...Array(9).fill({ passed: true }), { passed: false }];
    expect(passRate(runs)).toEqual({
      pct: 90,
      passed: 9,
      runs: 10,
      formula: 'passed 9 / runs 10 = 90.0 %',
    });
  });

  it('rounds only the formula', () => {
    // 1 / 3 = 33.333... %
    const result = passRate([{ passed: true }, { passed: false }, { passed: false }]);
    expect(result.pct).toBe((1 / 3) * 100);
    expect(result.formula).toBe('passed 1 / runs 3 = 33.3 %');
  });

  it('gives null with no runs', () => {
    expect(passRate([])).toEqual({
      pct: null,
      passed: 0,
      runs: 0,
      formula: 'no finished calibration runs',
    });
  });
});

describe('backlogByAge', () => {
  const now = t('2026-03-01T00:00:00Z');
  const empty = [
    { bucket: '0-7', count: 0 },
    { bucket: '8-30', count: 0 },
    { bucket: '31-90', count: 0 },
    { bucket: '90+', count: 0 },
  ];
  /** The bucket one work order due `overdueMs` before now lands in, or null if not overdue. */
  const bucketOf = (overdueMs: number, graceMs = 0) =>
    backlogByAge([{ dueAt: now - overdueMs, graceMs }], now).find((b) => b.count > 0)?.bucket ??
    null;

  it('lists every bucket, in order, even when empty', () => {
    expect(backlogByAge([], now)).toEqual(empty);
  });

  it('puts each age on the right side of each boundary', () => {
    // Whole days overdue, rounded down: 7 d 23:59:59.999 is still 7 days.
    expect(bucketOf(1)).toBe('0-7');
    expect(bucketOf(7 * day)).toBe('0-7');
    expect(bucketOf(8 * day - 1)).toBe('0-7');
    expect(bucketOf(8 * day)).toBe('8-30');
    expect(bucketOf(31 * day - 1)).toBe('8-30');
    expect(bucketOf(31 * day)).toBe('31-90');
    expect(bucketOf(90 * day)).toBe('31-90');
    expect(bucketOf(91 * day - 1)).toBe('31-90');
    expect(bucketOf(91 * day)).toBe('90+');
    expect(bucketOf(400 * day)).toBe('90+');
  });

  it('leaves out work not yet overdue', () => {
    expect(bucketOf(-day)).toBeNull(); // due tomorrow
    expect(bucketOf(0)).toBeNull(); // due this instant: not yet passed
    expect(bucketOf(2 * day, 3 * day)).toBeNull(); // 2 days late but inside 3 days' grace
    expect(bucketOf(3 * day, 3 * day)).toBeNull(); // grace ends this instant
  });

  it('counts age from the due date, not from the end of grace', () => {
    // Due 10 days ago with 3 days' grace: 10 days overdue ('8-30'), not 7 ('0-7').
    expect(bucketOf(10 * day, 3 * day)).toBe('8-30');
  });

  it('counts several orders per bucket', () => {
    const ages = [1, 5 * day, 8 * day, 30 * day, 45 * day, 120 * day, 200 * day, -day];
    expect(
      backlogByAge(
        ages.map((age) => ({ dueAt: now - age, graceMs: 0 })),
        now,
      ),
    ).toEqual([
      { bucket: '0-7', count: 2 },
      { bucket: '8-30', count: 2 },
      { bucket: '31-90', count: 1 },
      { bucket: '90+', count: 2 },
    ]);
  });
});

describe('monthsOf', () => {
  it('crosses a year boundary in UTC, clipping the first and last months', () => {
    const result = monthsOf(at('2025-11-15T00:00:00Z', '2026-02-10T00:00:00Z'), 'UTC');
    expect(result).toEqual([
      { key: '2025-11', start: t('2025-11-15T00:00:00Z'), end: t('2025-12-01T00:00:00Z') },
      { key: '2025-12', start: t('2025-12-01T00:00:00Z'), end: t('2026-01-01T00:00:00Z') },
      { key: '2026-01', start: t('2026-01-01T00:00:00Z'), end: t('2026-02-01T00:00:00Z') },
      { key: '2026-02', start: t('2026-02-01T00:00:00Z'), end: t('2026-02-10T00:00:00Z') },
    ]);
  });

  it('adds no empty month when the period ends on a month boundary', () => {
    expect(monthsOf(at('2025-12-01T00:00:00Z', '2026-01-01T00:00:00Z'), 'UTC')).toEqual([
      { key: '2025-12', start: t('2025-12-01T00:00:00Z'), end: t('2026-01-01T00:00:00Z') },
    ]);
  });

  it('starts months at local midnight in the zone given', () => {
    // London is on BST (UTC+1) in summer: 1 July 00:00 local = 30 June 23:00 UTC.
    expect(monthsOf(at('2026-06-15T00:00:00Z', '2026-08-15T00:00:00Z'), 'Europe/London')).toEqual([
      { key: '2026-06', start: t('2026-06-15T00:00:00Z'), end: t('2026-06-30T23:00:00Z') },
      { key: '2026-07', start: t('2026-06-30T23:00:00Z'), end: t('2026-07-31T23:00:00Z') },
      { key: '2026-08', start: t('2026-07-31T23:00:00Z'), end: t('2026-08-15T00:00:00Z') },
    ]);
  });

  it('crosses a year boundary in a zone ahead of UTC', () => {
    // Auckland is UTC+13 in January: 2026-01-01 00:00 local = 2025-12-31 11:00 UTC. The period
    // 10:00-12:00 UTC on New Year's Eve is 23:00-01:00 local, across two years.
    expect(
      monthsOf(at('2025-12-31T10:00:00Z', '2025-12-31T12:00:00Z'), 'Pacific/Auckland'),
    ).toEqual([
      { key: '2025-12', start: t('2025-12-31T10:00:00Z'), end: t('2025-12-31T11:00:00Z') },
      { key: '2026-01', start: t('2025-12-31T11:00:00Z'), end: t('2025-12-31T12:00:00Z') },
    ]);
  });

  it('is empty for an empty period and rejects an unknown zone', () => {
    expect(monthsOf(span(t('2026-01-05T00:00:00Z'), t('2026-01-05T00:00:00Z')), 'UTC')).toEqual([]);
    expect(() => monthsOf(at('2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'), 'Mars/Base')).toThrow(
      RangeError,
    );
  });
});
