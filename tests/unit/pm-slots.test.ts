import { describe, expect, it } from 'vitest';
import {
  findSlot,
  openStretches,
  overlapping,
  type Busy,
  type MaintenanceHours,
  type SlotRequest,
  type SlotResult,
} from '../../server/modules/pm/slots.ts';
import type { Hhmm } from '../../server/modules/tickets/sla.ts';

type Spans = Array<[Hhmm, Hhmm]>;

const allDay: Spans = [['00:00', '24:00']];
const nightly: Spans = [
  ['00:00', '07:00'],
  ['20:00', '24:00'],
];

function everyDay(spans: Spans, timezone = 'Europe/London', holidays: string[] = []) {
  const hours: MaintenanceHours = {
    timezone,
    week: Array.from({ length: 7 }, () => spans),
    holidays,
  };
  return hours;
}

/** Mon-Fri only, with the given spans. */
function weekdays(spans: Spans, timezone = 'Europe/London'): MaintenanceHours {
  return { timezone, week: [spans, spans, spans, spans, spans, [], []], holidays: [] };
}

const always = everyDay(allDay);
/** Weekday nights: 20:00-24:00 and 00:00-07:00 Monday to Friday, nothing at weekends. */
const weekdayNights = weekdays(nightly);

const at = (iso: string) => new Date(iso);
const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;
const booking = (id: string, start: string, end: string): Busy => ({
  id,
  label: `Session ${id}`,
  start: at(start),
  end: at(end),
});

// January 2026 in London is GMT, so local and UTC times agree. Monday 19 January 2026.
const mon = (hhmm: string) => `2026-01-19T${hhmm}:00.000Z`;
const tue = (hhmm: string) => `2026-01-20T${hhmm}:00.000Z`;
const wed = (hhmm: string) => `2026-01-21T${hhmm}:00.000Z`;

function request(more: Partial<SlotRequest> & { busy?: Busy[] }): SlotRequest {
  return {
    durationMin: 120,
    notBefore: at(mon('08:00')),
    dueAt: at(mon('18:00')),
    busy: [],
    hours: always,
    ...more,
  };
}

/** The slot as ISO strings, or the whole result when it does not fit (so a failure shows why). */
function slotOf(result: SlotResult) {
  return result.fits ? [iso(result.start), iso(result.end)] : result;
}

function misses(result: SlotResult) {
  if (result.fits) throw new Error(`expected no fit, got ${iso(result.start)}`);
  return result;
}

describe('findSlot around bookings', () => {
  it('fills the only gap exactly when bookings sit on both sides of it', () => {
    // Free Monday 10:00-12:00 only: A ends at 10:00 and B starts at 12:00, both touching the slot.
    const busy = [
      booking('A', mon('08:00'), mon('10:00')),
      booking('B', mon('12:00'), mon('18:00')),
    ];
    expect(slotOf(findSlot(request({ busy })))).toEqual([mon('10:00'), mon('12:00')]);
  });

  it('passes over a gap too short for the work to the next one', () => {
    // 10:00-11:30 is 90 minutes, short of 120; the next gap is 13:00-16:00.
    const busy = [
      booking('A', mon('08:00'), mon('10:00')),
      booking('B', mon('11:30'), mon('13:00')),
      booking('C', mon('16:00'), mon('18:00')),
    ];
    expect(slotOf(findSlot(request({ busy })))).toEqual([mon('13:00'), mon('15:00')]);
  });

  it('treats overlapping, nested and unsorted bookings as the time they cover together', () => {
    // Together 08:00-15:00 is booked: E 08:00-09:15 overlaps A 09:00-13:00, which contains B and
    // overlaps C 12:30-14:00, and D starts as C ends. The first free hour is 15:00-16:00.
    const busy = [
      booking('C', mon('12:30'), mon('14:00')),
      booking('A', mon('09:00'), mon('13:00')),
      booking('D', mon('14:00'), mon('15:00')),
      booking('B', mon('10:00'), mon('11:00')),
      booking('E', mon('08:00'), mon('09:15')),
    ];
    expect(slotOf(findSlot(request({ durationMin: 60, busy })))).toEqual([
      mon('15:00'),
      mon('16:00'),
    ]);

    // Due at 15:00 there is no free hour. From 10:00 the least harm is 10:00-11:00 itself, on A and
    // B at once: 60 minutes on a booking, not 120 - the same minute is counted once.
    const result = misses(
      findSlot(
        request({ durationMin: 60, busy, notBefore: at(mon('10:00')), dueAt: at(mon('15:00')) }),
      ),
    );
    expect(result.reason).toBe('no_free_slot');
    expect(result.leastHarm?.overlapMin).toBe(60);
    expect(iso(result.leastHarm?.start)).toBe(mon('10:00'));
    expect(result.leastHarm?.conflicts.map((b) => b.id)).toEqual(['A', 'B']);
    expect([iso(result.late?.start), iso(result.late?.end)]).toEqual([mon('15:00'), mon('16:00')]);
  });

  it('offers the least harmful slot and a late free one when nothing fits', () => {
    // Free before 18:00: only 15:00-15:30 and 17:00-18:00. A 2-hour slot must sit on a booking:
    //   16:00-18:00 is on C for 16:00-17:00 = 60 min, the least (covering both free times at once
    //   would take 15:00-18:00, 3 hours); 15:00-17:00 would be on C for 90 min.
    const busy = [
      booking('A', mon('08:00'), mon('12:00')),
      booking('B', mon('11:30'), mon('15:00')),
      booking('C', mon('15:30'), mon('17:00')),
    ];
    const result = misses(findSlot(request({ busy })));
    expect(result.reason).toBe('no_free_slot');
    expect(result.leastHarm).toMatchObject({ overlapMin: 60 });
    expect([iso(result.leastHarm?.start), iso(result.leastHarm?.end)]).toEqual([
      mon('16:00'),
      mon('18:00'),
    ]);
    expect(result.leastHarm?.conflicts.map((b) => b.label)).toEqual(['Session C']);
    // Free from 17:00 on: 17:00-19:00 is an hour late, better than starting at 18:00.
    expect([iso(result.late?.start), iso(result.late?.end)]).toEqual([mon('17:00'), mon('19:00')]);
  });

  it('takes the least harmful step when the free hour is off the step', () => {
    // 10:05-11:05 is free, but starts go on quarter hours. 10:00-11:00 is on A for 5 minutes,
    // 10:15-11:15 on B for 10: the earlier step is the lesser harm.
    const busy = [
      booking('A', mon('08:00'), mon('10:05')),
      booking('B', mon('11:05'), mon('13:00')),
    ];
    const result = misses(findSlot(request({ durationMin: 60, busy, dueAt: at(mon('12:00')) })));
    expect(result.leastHarm?.overlapMin).toBe(5);
    expect(iso(result.leastHarm?.start)).toBe(mon('10:00'));
    expect(result.leastHarm?.conflicts.map((b) => b.id)).toEqual(['A']);
    expect(iso(result.late?.start)).toBe(mon('13:00'));
  });

  it('breaks a tie on harm by taking the earliest slot, naming every booking it is on', () => {
    // Booked every other hour from 08:00; any 4-hour slot is then on bookings for 2 hours.
    // The earliest, 08:00-12:00, is on A and B (C starts as it ends).
    const busy = [
      booking('D', mon('14:00'), mon('15:00')),
      booking('C', mon('12:00'), mon('13:00')),
      booking('B', mon('10:00'), mon('11:00')),
      booking('A', mon('08:00'), mon('09:00')),
    ];
    const result = misses(findSlot(request({ durationMin: 240, busy, dueAt: at(mon('15:00')) })));
    expect(result.leastHarm?.overlapMin).toBe(120);
    expect(iso(result.leastHarm?.start)).toBe(mon('08:00'));
    expect(result.leastHarm?.conflicts.map((b) => b.id)).toEqual(['A', 'B']);
    expect([iso(result.late?.start), iso(result.late?.end)]).toEqual([mon('15:00'), mon('19:00')]);
  });
});

describe('findSlot within maintenance hours', () => {
  it("answers 'no_hours' when there are no maintenance hours before due", () => {
    // Weekday nights open at 20:00, after the 18:00 due time; the late slot is 20:00-22:00.
    const result = misses(findSlot(request({ hours: weekdayNights })));
    expect(result).toMatchObject({ reason: 'no_hours', leastHarm: null });
    expect([iso(result.late?.start), iso(result.late?.end)]).toEqual([mon('20:00'), mon('22:00')]);
    // With no horizon past due there is no late slot either.
    expect(misses(findSlot(request({ hours: weekdayNights, horizonDays: 0 }))).late).toBeNull();
  });

  it("answers 'no_hours' for work already overdue, offering the first free slot from notBefore", () => {
    // Due Monday 06:00 but not before 08:00: nothing can end by due. Free from 08:00 on 24/7.
    const result = misses(findSlot(request({ dueAt: at(mon('06:00')) })));
    expect(result).toMatchObject({ reason: 'no_hours', leastHarm: null });
    expect([iso(result.late?.start), iso(result.late?.end)]).toEqual([mon('08:00'), mon('10:00')]);
  });

  it("answers 'no_hours' when no stretch is long enough, even with hours before due", () => {
    // The longest weekday night is Mon-Thu 20:00 to 07:00 = 11 hours; 12 hours never fits.
    const result = misses(
      findSlot(request({ hours: weekdayNights, durationMin: 12 * 60, dueAt: at('2026-02-01') })),
    );
    expect(result).toEqual({ fits: false, reason: 'no_hours', leastHarm: null, late: null });
  });

  it('runs on across midnight on weekday nights, where 24/7 would start at once', () => {
    // 5 hours; a session until 22:00 Monday. 24/7 starts at 08:00. On nights, Monday 20:00-24:00
    // and Tuesday 00:00-07:00 are one stretch, free from 22:00: 22:00 to Tuesday 03:00.
    const busy = [booking('late-grade', mon('19:00'), mon('22:00'))];
    const dueAt = at(wed('08:00'));
    expect(slotOf(findSlot(request({ durationMin: 300, dueAt, busy })))).toEqual([
      mon('08:00'),
      mon('13:00'),
    ]);
    expect(
      slotOf(findSlot(request({ durationMin: 300, dueAt, busy, hours: weekdayNights }))),
    ).toEqual([mon('22:00'), tue('03:00')]);
  });

  it('skips the weekend when weekends are off', () => {
    // Mon-Fri 00:00-24:00. From Friday 20:00 only 4 hours are left before Saturday; 8 hours go to
    // Monday 26 January 00:00-08:00.
    const result = findSlot(
      request({
        hours: weekdays(allDay),
        durationMin: 480,
        notBefore: at('2026-01-23T20:00:00Z'),
        dueAt: at('2026-01-28T00:00:00Z'),
      }),
    );
    expect(slotOf(result)).toEqual(['2026-01-26T00:00:00.000Z', '2026-01-26T08:00:00.000Z']);
  });

  it('does no maintenance at all on a blackout date', () => {
    // 3 hours from Monday 22:00: without the blackout, 22:00 to Tuesday 01:00. With Tuesday blacked
    // out, Monday's 2 hours are too few and the work moves to Wednesday 00:00-03:00.
    const from = { durationMin: 180, notBefore: at(mon('22:00')), dueAt: at(wed('12:00')) };
    expect(slotOf(findSlot(request(from)))).toEqual([mon('22:00'), tue('01:00')]);
    const blackedOut = everyDay(allDay, 'Europe/London', ['2026-01-20']);
    expect(slotOf(findSlot(request({ ...from, hours: blackedOut })))).toEqual([
      wed('00:00'),
      wed('03:00'),
    ]);
  });

  it('aligns a start inside a stretch to the step on the UTC clock', () => {
    // 10:07:30 rounds up to 10:15 on the default 15-minute step, to 11:00 on an hourly one.
    const notBefore = at('2026-01-19T10:07:30Z');
    expect(slotOf(findSlot(request({ notBefore, durationMin: 60 })))).toEqual([
      mon('10:15'),
      mon('11:15'),
    ]);
    expect(slotOf(findSlot(request({ notBefore, durationMin: 60, stepMin: 60 })))).toEqual([
      mon('11:00'),
      mon('12:00'),
    ]);
    // Kolkata is UTC+05:30: hours from 09:00 local = 03:30Z. An hourly step on the UTC clock
    // starts at 04:00Z (09:30 local), not at the opening.
    const kolkata = everyDay([['09:00', '17:00']], 'Asia/Kolkata');
    const fromMidnight = { hours: kolkata, durationMin: 60, notBefore: at(mon('00:00')) };
    expect(slotOf(findSlot(request(fromMidnight)))).toEqual([mon('03:30'), mon('04:30')]);
    expect(slotOf(findSlot(request({ ...fromMidnight, stepMin: 60 })))).toEqual([
      mon('04:00'),
      mon('05:00'),
    ]);
  });
});

describe('findSlot across clock changes in Europe/London', () => {
  // Clocks go forward at 01:00 GMT on Sunday 29 March 2026 and back at 01:00 GMT on 25 October.
  const sundays: MaintenanceHours = {
    timezone: 'Europe/London',
    week: [[], [], [], [], [], [], allDay],
    holidays: [],
  };
  const dstRequest = (durationMin: number) =>
    request({
      hours: sundays,
      durationMin,
      notBefore: at('2026-03-28T00:00:00Z'),
      dueAt: at('2026-03-30T00:00:00Z'),
    });

  it('has a 23-hour Sunday when the clocks go forward', () => {
    // 29 March 00:00 GMT = 00:00Z to 30 March 00:00 BST = 29 March 23:00Z.
    expect(slotOf(findSlot(dstRequest(23 * 60)))).toEqual([
      '2026-03-29T00:00:00.000Z',
      '2026-03-29T23:00:00.000Z',
    ]);
    // 24 hours do not fit that day; the next Sunday, all BST, is 4 April 23:00Z to 5 April 23:00Z.
    const result = misses(findSlot(dstRequest(24 * 60)));
    expect(result.reason).toBe('no_hours');
    expect([iso(result.late?.start), iso(result.late?.end)]).toEqual([
      '2026-04-04T23:00:00.000Z',
      '2026-04-05T23:00:00.000Z',
    ]);
  });

  it('has a 25-hour Sunday when the clocks go back', () => {
    // 25 October 00:00 BST = 24 October 23:00Z to 26 October 00:00 GMT = 00:00Z.
    const stretches = openStretches(
      sundays,
      at('2026-10-24T00:00:00Z'),
      at('2026-10-27T00:00:00Z'),
    );
    expect(stretches.map((s) => [iso(s.start), iso(s.end)])).toEqual([
      ['2026-10-24T23:00:00.000Z', '2026-10-26T00:00:00.000Z'],
    ]);
  });

  it('makes the spring-forward night an hour shorter', () => {
    // Nightly 20:00-07:00. Saturday 28 March 20:00 GMT (20:00Z) to Sunday 07:00 BST (06:00Z) is 10
    // hours, too few for 10.5; Sunday 20:00 BST (19:00Z) to Monday 07:00 BST (06:00Z) is 11.
    const hours = everyDay(nightly);
    const night = openStretches(hours, at('2026-03-28T12:00:00Z'), at('2026-03-29T12:00:00Z'));
    expect(night.map((s) => [iso(s.start), iso(s.end)])).toEqual([
      ['2026-03-28T20:00:00.000Z', '2026-03-29T06:00:00.000Z'],
    ]);
    const result = findSlot(
      request({
        hours,
        durationMin: 630,
        notBefore: at('2026-03-28T12:00:00Z'),
        dueAt: at('2026-04-01T00:00:00Z'),
      }),
    );
    expect(slotOf(result)).toEqual(['2026-03-29T19:00:00.000Z', '2026-03-30T05:30:00.000Z']);
  });
});

describe('openStretches', () => {
  it('joins spans that touch across midnight and clips to the range', () => {
    // Weekday nights from Monday 12:00 to Wednesday 06:00: Mon 20:00-Tue 07:00, Tue 20:00-Wed 06:00
    // (clipped from 07:00).
    const stretches = openStretches(weekdayNights, at(mon('12:00')), at(wed('06:00')));
    expect(stretches.map((s) => [iso(s.start), iso(s.end)])).toEqual([
      [mon('20:00'), tue('07:00')],
      [tue('20:00'), wed('06:00')],
    ]);
  });

  it('blacks out the local date, not the UTC one', () => {
    // 20 January in New York (UTC-5) runs from 05:00Z that day to 05:00Z the next.
    const hours = everyDay(allDay, 'America/New_York', ['2026-01-20']);
    const stretches = openStretches(hours, at(mon('00:00')), at('2026-01-22T00:00:00Z'));
    expect(stretches.map((s) => [iso(s.start), iso(s.end)])).toEqual([
      [mon('00:00'), tue('05:00')],
      [wed('05:00'), '2026-01-22T00:00:00.000Z'],
    ]);
  });

  it('is empty for an empty range', () => {
    expect(openStretches(always, at(mon('12:00')), at(mon('12:00')))).toEqual([]);
  });
});

describe('overlapping', () => {
  it('counts strict overlaps only, in start order', () => {
    const busy = [
      booking('after', mon('12:00'), mon('13:00')), // touches the end
      booking('inside', mon('10:30'), mon('11:00')),
      booking('before', mon('09:00'), mon('10:00')), // touches the start
      booking('across', mon('09:30'), mon('10:15')),
    ];
    const span = { start: at(mon('10:00')), end: at(mon('12:00')) };
    expect(overlapping(span, busy).map((b) => b.id)).toEqual(['across', 'inside']);
  });
});

describe('findSlot input checks', () => {
  it('rejects bad numbers, dates and hours', () => {
    expect(() => findSlot(request({ durationMin: 0 }))).toThrow(RangeError);
    expect(() => findSlot(request({ stepMin: 7.5 }))).toThrow(/stepMin/);
    expect(() => findSlot(request({ horizonDays: -1 }))).toThrow(/horizonDays/);
    expect(() => findSlot(request({ dueAt: new Date(Number.NaN) }))).toThrow(/dueAt/);
    expect(() => findSlot(request({ hours: everyDay(allDay, 'Mars/Olympus') }))).toThrow(
      /Invalid maintenance hours: timezone/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Cross-check against the obvious way: every aligned start against every booking.

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bruteForce(req: SlotRequest): SlotResult {
  const stepMs = (req.stepMin ?? 15) * 60_000;
  const durationMs = req.durationMin * 60_000;
  const bookedIn = (start: number, end: number) => {
    const parts = req.busy
      .map((b) => [Math.max(b.start.getTime(), start), Math.min(b.end.getTime(), end)])
      .filter(([from = 0, to = 0]) => from < to)
      .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
    let total = 0;
    let reached = start;
    for (const [from = 0, to = 0] of parts) {
      total += Math.max(0, to - Math.max(from, reached));
      reached = Math.max(reached, to);
    }
    return total;
  };
  const starts = (to: Date) =>
    openStretches(req.hours, req.notBefore, to).flatMap((s) => {
      const found: number[] = [];
      for (
        let start = Math.ceil(s.start.getTime() / stepMs) * stepMs;
        start + durationMs <= s.end.getTime();
        start += stepMs
      )
        found.push(start);
      return found;
    });
  const span = (start: number) => ({ start: new Date(start), end: new Date(start + durationMs) });

  const beforeDue = req.dueAt > req.notBefore ? starts(req.dueAt) : [];
  const free = beforeDue.find((start) => bookedIn(start, start + durationMs) === 0);
  if (free !== undefined) return { fits: true, ...span(free) };
  let best: { start: number; harm: number } | null = null;
  for (const start of beforeDue) {
    const harm = bookedIn(start, start + durationMs);
    if (!best || harm < best.harm) best = { start, harm };
  }
  const limit = new Date(req.dueAt.getTime() + (req.horizonDays ?? 60) * 86_400_000);
  const late = starts(limit).find((start) => bookedIn(start, start + durationMs) === 0);
  return {
    fits: false,
    reason: best ? 'no_free_slot' : 'no_hours',
    leastHarm: best
      ? {
          ...span(best.start),
          overlapMin: best.harm / 60_000,
          conflicts: overlapping(span(best.start), req.busy),
        }
      : null,
    late: late === undefined ? null : span(late),
  };
}

describe('findSlot against a brute-force search', () => {
  it('agrees on 300 random requests', () => {
    const next = random(20260119);
    const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)]!;
    const calendars = [
      everyDay(allDay, 'UTC'),
      everyDay(nightly),
      weekdays(allDay),
      everyDay([['09:00', '17:00']], 'Asia/Kolkata', ['2026-03-27']),
      weekdayNights,
    ];
    const minute = 60_000;
    // Around the spring clock change in London.
    const origin = Date.parse('2026-03-26T00:00:00Z');
    for (let run = 0; run < 300; run += 1) {
      const notBefore = origin + Math.floor(next() * 3 * 24 * 60) * minute;
      const dueAt = notBefore + Math.floor(next() * 3 * 24 * 60) * minute;
      const busy = Array.from({ length: Math.floor(next() * 15) }, (_, index) => {
        const start = notBefore - 6 * 60 * minute + Math.floor(next() * 4 * 24 * 60) * minute;
        const end = start + (15 + Math.floor(next() * 600)) * minute;
        return { id: `b${index}`, label: `b${index}`, start: new Date(start), end: new Date(end) };
      });
      const req: SlotRequest = {
        durationMin: 15 + Math.floor(next() * 120) * 5,
        notBefore: new Date(notBefore),
        dueAt: new Date(dueAt),
        busy,
        hours: pick(calendars),
        stepMin: pick([15, 15, 30, 60, 10]),
        horizonDays: pick([0, 1, 2]),
      };
      expect(findSlot(req), `run ${run}`).toEqual(bruteForce(req));
    }
  });
});
