import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  addWorkingTime,
  alwaysOpen,
  calendarProblems,
  slaTimer,
  workingMinutes,
  type BusinessCalendar,
  type Hhmm,
  type Interval,
  type SlaTarget,
} from '../../server/modules/tickets/sla.ts';

const nineToSix: Array<[Hhmm, Hhmm]> = [['09:00', '18:00']];

/** Mon-Fri 09:00-18:00 in London. */
function officeHours(holidays: string[] = []): BusinessCalendar {
  return {
    timezone: 'Europe/London',
    week: [nineToSix, nineToSix, nineToSix, nineToSix, nineToSix, [], []],
    holidays,
  };
}

/** Open only on Sundays, for the given spans, in London (the UK changes clock on a Sunday). */
function sundayOnly(...spans: Array<[Hhmm, Hhmm]>): BusinessCalendar {
  return { timezone: 'Europe/London', week: [[], [], [], [], [], [], spans], holidays: [] };
}

const allDayLondon: BusinessCalendar = {
  timezone: 'Europe/London',
  week: Array.from({ length: 7 }, (): Array<[Hhmm, Hhmm]> => [['00:00', '24:00']]),
  holidays: [],
};

const day = 24 * 60 * 60 * 1000;
const at = (iso: string) => new Date(iso);
const iso = (date: Date | null) => date?.toISOString() ?? null;
const pause = (from: string, to: string | null): Interval => ({
  from: at(from),
  to: to === null ? null : at(to),
});

const fourHours: SlaTarget = { minutes: 240, clock: 'business' };
// Friday 16 January 2026, 16:00 in London (GMT, so the same in UTC).
const fridayAfternoon = at('2026-01-16T16:00:00Z');

function timer(now: string, more: { stoppedAt?: string; pauses?: Interval[] } = {}) {
  return slaTimer({
    target: fourHours,
    calendar: officeHours(),
    start: fridayAfternoon,
    stoppedAt: more.stoppedAt ? at(more.stoppedAt) : null,
    pauses: more.pauses ?? [],
    now: at(now),
  });
}

describe('addWorkingTime on office hours', () => {
  it('carries a 4-hour target raised Friday 16:00 over the weekend to Monday 11:00', () => {
    // Two hours on Friday (16:00-18:00), two on Monday (09:00-11:00).
    const due = addWorkingTime(officeHours(), 'business', fridayAfternoon, 240, []);
    expect(iso(due)).toBe('2026-01-19T11:00:00.000Z');
  });

  it('keeps local hours in summer time', () => {
    // Friday 12 June 2026 16:00 BST is 15:00Z; Monday 11:00 BST is 10:00Z.
    const due = addWorkingTime(officeHours(), 'business', at('2026-06-12T15:00:00Z'), 240, []);
    expect(iso(due)).toBe('2026-06-15T10:00:00.000Z');
  });

  it('skips a bank holiday Monday to Tuesday', () => {
    // Friday 1 May 2026 16:00 BST; Monday 4 May is the early May bank holiday.
    const start = at('2026-05-01T15:00:00Z');
    const withoutHoliday = addWorkingTime(officeHours(), 'business', start, 240, []);
    const withHoliday = addWorkingTime(officeHours(['2026-05-04']), 'business', start, 240, []);
    expect(iso(withoutHoliday)).toBe('2026-05-04T10:00:00.000Z');
    expect(iso(withHoliday)).toBe('2026-05-05T10:00:00.000Z');
  });

  it('starts the clock at the next opening when raised out of hours', () => {
    // Saturday noon: nothing counts until Monday 09:00.
    const due = addWorkingTime(officeHours(), 'business', at('2026-01-17T12:00:00Z'), 60, []);
    expect(iso(due)).toBe('2026-01-19T10:00:00.000Z');
    // Monday 07:00, before opening.
    const early = addWorkingTime(officeHours(), 'business', at('2026-01-19T07:00:00Z'), 30, []);
    expect(iso(early)).toBe('2026-01-19T09:30:00.000Z');
  });

  it('returns start itself for zero minutes, even out of hours', () => {
    const saturday = at('2026-01-17T12:00:00Z');
    expect(iso(addWorkingTime(officeHours(), 'business', saturday, 0, []))).toBe(
      '2026-01-17T12:00:00.000Z',
    );
  });

  it('ends at closing time when the time runs out exactly then, not at the next opening', () => {
    const monday = at('2026-01-19T09:00:00Z');
    const due = addWorkingTime(officeHours(), 'business', monday, 9 * 60, []);
    expect(iso(due)).toBe('2026-01-19T18:00:00.000Z');
  });

  it('counts fractional minutes', () => {
    const monday = at('2026-01-19T09:00:00Z');
    const due = addWorkingTime(officeHours(), 'business', monday, 1.5, []);
    expect(iso(due)).toBe('2026-01-19T09:01:30.000Z');
  });

  it('pushes due later by the working time inside a pause', () => {
    // Waiting on a vendor from Friday 17:00 to Monday 10:00: the pause holds Friday 17:00-18:00
    // and Monday 09:00-10:00 of working time, so due moves two hours from 11:00 to 13:00.
    const due = addWorkingTime(officeHours(), 'business', fridayAfternoon, 240, [
      pause('2026-01-16T17:00:00Z', '2026-01-19T10:00:00Z'),
    ]);
    expect(iso(due)).toBe('2026-01-19T13:00:00.000Z');
  });

  it('clips overlapping pauses and ignores the part of a pause before start', () => {
    const due = addWorkingTime(officeHours(), 'business', fridayAfternoon, 240, [
      // Before start up to 16:30: only 16:00-16:30 counts.
      pause('2026-01-16T10:00:00Z', '2026-01-16T16:30:00Z'),
      // Overlaps the first and the third: together they pause 16:00-17:00.
      pause('2026-01-16T16:15:00Z', '2026-01-16T16:45:00Z'),
      pause('2026-01-16T16:40:00Z', '2026-01-16T17:00:00Z'),
      // Ends before it starts: no pause at all.
      pause('2026-01-16T17:30:00Z', '2026-01-16T17:10:00Z'),
    ]);
    // One working hour paused on Friday: Monday 11:00 becomes 12:00.
    expect(iso(due)).toBe('2026-01-19T12:00:00.000Z');
  });

  it('rejects a calendar with no open time instead of looping', () => {
    const closed: BusinessCalendar = { ...officeHours(), week: [[], [], [], [], [], [], []] };
    expect(() => addWorkingTime(closed, 'business', fridayAfternoon, 60, [])).toThrow(RangeError);
    expect(calendarProblems(closed)).toEqual(['week: no open hours on any day']);
  });

  it('rejects a pause with no end that stops the clock before the time is used', () => {
    expect(() =>
      addWorkingTime(officeHours(), 'business', fridayAfternoon, 240, [
        pause('2026-01-16T17:00:00Z', null),
      ]),
    ).toThrow(RangeError);
    // One that starts after the time is used up does not matter.
    const due = addWorkingTime(officeHours(), 'business', fridayAfternoon, 60, [
      pause('2026-01-16T17:00:00Z', null),
    ]);
    expect(iso(due)).toBe('2026-01-16T17:00:00.000Z');
  });

  it('rejects negative minutes', () => {
    expect(() => addWorkingTime(officeHours(), 'business', fridayAfternoon, -1, [])).toThrow(
      RangeError,
    );
  });
});

describe('workingMinutes', () => {
  it('counts only open hours, over a weekend', () => {
    const minutes = workingMinutes(
      officeHours(),
      'business',
      fridayAfternoon,
      at('2026-01-19T10:30:00Z'),
      [],
    );
    expect(minutes).toBe(120 + 90);
  });

  it('does not count pauses, including one still open', () => {
    const minutes = workingMinutes(
      officeHours(),
      'business',
      fridayAfternoon,
      at('2026-01-19T12:00:00Z'),
      [pause('2026-01-16T17:00:00Z', '2026-01-19T10:00:00Z'), pause('2026-01-19T11:30:00Z', null)],
    );
    // Friday 16:00-17:00 and Monday 10:00-11:30.
    expect(minutes).toBe(60 + 90);
  });

  it('counts seconds as fractions of a minute', () => {
    const minutes = workingMinutes(
      alwaysOpen,
      'business',
      at('2026-01-19T09:00:00Z'),
      at('2026-01-19T09:00:45Z'),
      [],
    );
    expect(minutes).toBe(0.75);
  });

  it('rejects to before from', () => {
    expect(() =>
      workingMinutes(alwaysOpen, 'continuous', fridayAfternoon, at('2026-01-02T00:00:00Z'), []),
    ).toThrow(RangeError);
  });
});

describe('other zones', () => {
  // The local date differs from the UTC one for much of the day in each of these.
  it.each([
    ['Pacific/Auckland', '2026-01-16T03:00:00Z', '2026-01-18T22:00:00Z'], // UTC+13
    ['Asia/Tokyo', '2026-01-16T07:00:00Z', '2026-01-19T02:00:00Z'], // UTC+9
    ['America/New_York', '2026-01-16T21:00:00Z', '2026-01-19T16:00:00Z'], // UTC-5
    ['Pacific/Honolulu', '2026-01-17T02:00:00Z', '2026-01-19T21:00:00Z'], // UTC-10
  ])('carries Friday 16:00 in %s to Monday 11:00', (timezone, start, due) => {
    const cal: BusinessCalendar = { ...officeHours(), timezone };
    expect(iso(addWorkingTime(cal, 'business', at(start), 240, []))).toBe(
      new Date(due).toISOString(),
    );
  });
});

describe('24/7 and continuous clocks', () => {
  it('gives wall time on a 24/7 calendar, through a daylight-saving change', () => {
    // Saturday 28 March 2026 12:00 GMT; the clocks go forward that night.
    const start = at('2026-03-28T12:00:00Z');
    expect(iso(addWorkingTime(allDayLondon, 'business', start, 24 * 60, []))).toBe(
      '2026-03-29T12:00:00.000Z',
    );
    expect(iso(addWorkingTime(alwaysOpen, 'business', start, 24 * 60, []))).toBe(
      '2026-03-29T12:00:00.000Z',
    );
  });

  it('ignores the calendar on the continuous clock, but not the pauses', () => {
    expect(iso(addWorkingTime(officeHours(), 'continuous', fridayAfternoon, 240, []))).toBe(
      '2026-01-16T20:00:00.000Z',
    );
    const due = addWorkingTime(officeHours(), 'continuous', fridayAfternoon, 240, [
      pause('2026-01-16T17:00:00Z', '2026-01-16T19:30:00Z'),
    ]);
    expect(iso(due)).toBe('2026-01-16T22:30:00.000Z');
    const minutes = workingMinutes(
      officeHours(),
      'continuous',
      fridayAfternoon,
      at('2026-01-19T11:00:00Z'),
      [],
    );
    expect(minutes).toBe(67 * 60);
  });
});

describe('daylight saving in Europe/London', () => {
  it('counts the spring-forward Sunday as 23 hours and the fall-back Sunday as 25', () => {
    // Local midnight to midnight: 29 March 00:00 GMT to 30 March 00:00 BST (23:00Z).
    expect(
      workingMinutes(
        allDayLondon,
        'business',
        at('2026-03-29T00:00:00Z'),
        at('2026-03-29T23:00:00Z'),
        [],
      ),
    ).toBe(23 * 60);
    // 25 October 00:00 BST (24 Oct 23:00Z) to 26 October 00:00 GMT.
    expect(
      workingMinutes(
        allDayLondon,
        'business',
        at('2026-10-24T23:00:00Z'),
        at('2026-10-26T00:00:00Z'),
        [],
      ),
    ).toBe(25 * 60);
  });

  it('makes a 01:00-03:00 span one real hour on the spring-forward day', () => {
    // 01:00 GMT is followed by 02:00 BST, so the clock shows only 02:00-03:00 BST (01:00-02:00Z).
    const cal = sundayOnly(['01:00', '03:00']);
    const weekend = [at('2026-03-28T00:00:00Z'), at('2026-03-30T00:00:00Z')] as const;
    expect(workingMinutes(cal, 'business', ...weekend, [])).toBe(60);
    expect(iso(addWorkingTime(cal, 'business', weekend[0], 30, []))).toBe(
      '2026-03-29T01:30:00.000Z',
    );
    // A span wholly inside the skipped hour never happens: the next Sunday's is the first.
    const skipped = sundayOnly(['01:00', '01:30']);
    expect(workingMinutes(skipped, 'business', ...weekend, [])).toBe(0);
    expect(iso(addWorkingTime(skipped, 'business', weekend[0], 10, []))).toBe(
      '2026-04-05T00:10:00.000Z',
    );
  });

  it('makes a 01:00-03:00 span three real hours on the fall-back day', () => {
    // 01:00 BST (00:00Z) to 03:00 GMT (03:00Z): the clock reads 01:00-02:00 twice.
    const cal = sundayOnly(['01:00', '03:00']);
    const weekend = [at('2026-10-24T00:00:00Z'), at('2026-10-26T00:00:00Z')] as const;
    expect(workingMinutes(cal, 'business', ...weekend, [])).toBe(180);
    expect(iso(addWorkingTime(cal, 'business', weekend[0], 90, []))).toBe(
      '2026-10-25T01:30:00.000Z',
    );
    // 00:00-01:30 holds 00:00-01:30 BST (23:00Z-00:30Z) and the repeated 01:00-01:30 GMT.
    const split = sundayOnly(['00:00', '01:30']);
    expect(workingMinutes(split, 'business', ...weekend, [])).toBe(120);
    expect(iso(addWorkingTime(split, 'business', weekend[0], 100, []))).toBe(
      '2026-10-25T01:10:00.000Z',
    );
  });

  it('keeps office hours across both changes', () => {
    // Friday 27 March 16:00 GMT to Monday 30 March 11:00 BST.
    expect(
      iso(addWorkingTime(officeHours(), 'business', at('2026-03-27T16:00:00Z'), 240, [])),
    ).toBe('2026-03-30T10:00:00.000Z');
    // Friday 23 October 16:00 BST to Monday 26 October 11:00 GMT.
    expect(
      iso(addWorkingTime(officeHours(), 'business', at('2026-10-23T15:00:00Z'), 240, [])),
    ).toBe('2026-10-26T11:00:00.000Z');
  });
});

describe('against a minute-by-minute count', () => {
  // Spans that start, end or sit inside the hours clocks jump over or repeat.
  const fragments: Array<[Hhmm, Hhmm]> = [
    ['00:00', '00:45'],
    ['01:00', '01:45'],
    ['02:15', '03:00'],
    ['09:00', '18:00'],
    ['23:30', '24:00'],
  ];

  /** Whether the facility is open in the minute starting at `ms`, read off the local clock. */
  function openAt(cal: BusinessCalendar, ms: number): boolean {
    const local = DateTime.fromMillis(ms, { zone: cal.timezone });
    if (cal.holidays.includes(local.toISODate() ?? '')) return false;
    const minute = local.hour * 60 + local.minute;
    const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
    return (cal.week[local.weekday - 1] ?? []).some(
      ([start, end]) => minute >= toMinutes(start) && minute < toMinutes(end),
    );
  }

  it.each([
    ['Europe/London', '2026-03-29'],
    ['Europe/London', '2026-10-25'],
    ['America/New_York', '2026-03-08'],
    ['America/New_York', '2026-11-01'],
    ['Australia/Lord_Howe', '2026-04-05'], // back half an hour
    ['Australia/Lord_Howe', '2026-10-04'], // forward half an hour
    ['America/Havana', '2026-03-08'], // at midnight
    ['America/Havana', '2026-11-01'],
  ])('agrees in %s around %s', (timezone, date) => {
    const cal: BusinessCalendar = {
      timezone,
      week: Array.from({ length: 7 }, () => fragments),
      holidays: [],
    };
    const from = Date.parse(`${date}T00:00:00Z`) - day;
    const to = from + 3 * day;
    let expected = 0;
    for (let ms = from; ms < to; ms += 60_000) if (openAt(cal, ms)) expected += 1;
    expect(workingMinutes(cal, 'business', new Date(from), new Date(to), [])).toBe(expected);
  });
});

describe('slaTimer', () => {
  it('is breached a minute after a due time across the weekend', () => {
    const t = timer('2026-01-19T11:01:00Z');
    expect(iso(t.dueAt)).toBe('2026-01-19T11:00:00.000Z');
    expect(t.breached).toBe(true);
    expect(t.state).toBe('breached');
    expect(t.elapsedMinutes).toBe(241);
    expect(t.remainingMinutes).toBe(-1);
    expect(t.met).toBeNull();
  });

  it('warns a minute before the due time, with a minute remaining', () => {
    const t = timer('2026-01-19T10:59:00Z');
    expect(t.breached).toBe(false);
    expect(t.remainingMinutes).toBe(1);
    // Three of the four hours used: Friday 16:00-18:00 and Monday 09:00-10:00.
    expect(iso(t.warnAt)).toBe('2026-01-19T10:00:00.000Z');
    expect(t.state).toBe('warning');
  });

  it('is running before the warning and exactly at the due time is not yet breached', () => {
    const early = timer('2026-01-16T17:00:00Z');
    expect(early.state).toBe('running');
    expect(early.elapsedMinutes).toBe(60);
    expect(early.remainingMinutes).toBe(180);
    const atDue = timer('2026-01-19T11:00:00Z');
    expect(atDue.breached).toBe(false);
    expect(atDue.remainingMinutes).toBe(0);
  });

  it('takes its warning point from warnFraction', () => {
    const t = slaTimer({
      target: fourHours,
      calendar: officeHours(),
      start: fridayAfternoon,
      stoppedAt: null,
      pauses: [],
      now: at('2026-01-16T17:30:00Z'),
      warnFraction: 0.5,
    });
    expect(iso(t.warnAt)).toBe('2026-01-16T18:00:00.000Z');
    expect(t.state).toBe('running');
  });

  it('projects the due time of an open pause as if the ticket resumed now', () => {
    // Waiting on a vendor since Friday 17:00; it is Monday 09:30.
    const t = timer('2026-01-19T09:30:00Z', { pauses: [pause('2026-01-16T17:00:00Z', null)] });
    expect(t.paused).toBe(true);
    expect(t.state).toBe('paused');
    expect(t.elapsedMinutes).toBe(60);
    expect(t.remainingMinutes).toBe(180);
    // Three hours still owed from 09:30.
    expect(iso(t.dueAt)).toBe('2026-01-19T12:30:00.000Z');
    expect(iso(t.warnAt)).toBe('2026-01-19T11:30:00.000Z');
    // Still paused at 14:00, after the unpaused due time: the projection moves, no breach.
    const later = timer('2026-01-19T14:00:00Z', { pauses: [pause('2026-01-16T17:00:00Z', null)] });
    expect(iso(later.dueAt)).toBe('2026-01-19T17:00:00.000Z');
    expect(later.breached).toBe(false);
    expect(later.state).toBe('paused');
  });

  it('uses a closed pause in full', () => {
    const t = timer('2026-01-19T12:00:00Z', {
      pauses: [pause('2026-01-16T17:00:00Z', '2026-01-19T10:00:00Z')],
    });
    expect(t.paused).toBe(false);
    expect(iso(t.dueAt)).toBe('2026-01-19T13:00:00.000Z');
    expect(t.elapsedMinutes).toBe(180);
    expect(t.state).toBe('warning');
  });

  it('stays breached while paused after the breach', () => {
    const t = timer('2026-01-19T12:00:00Z', { pauses: [pause('2026-01-19T11:30:00Z', null)] });
    expect(t.paused).toBe(true);
    expect(t.breached).toBe(true);
    expect(t.state).toBe('breached');
    expect(t.remainingMinutes).toBe(-30);
  });

  it('is met when stopped before due, whatever now is', () => {
    const t = timer('2026-01-20T12:00:00Z', { stoppedAt: '2026-01-19T10:15:00Z' });
    expect(t.met).toBe(true);
    expect(t.breached).toBe(false);
    expect(t.state).toBe('met');
    expect(t.elapsedMinutes).toBe(195);
    expect(t.remainingMinutes).toBe(45);
  });

  it('is breached, not met, when stopped after due', () => {
    const t = timer('2026-01-20T12:00:00Z', { stoppedAt: '2026-01-19T11:30:00Z' });
    expect(t.met).toBe(false);
    expect(t.breached).toBe(true);
    expect(t.state).toBe('breached');
    expect(t.remainingMinutes).toBe(-30);
  });

  it('closes an open pause at the stop and ignores pauses after it', () => {
    const t = timer('2026-01-22T12:00:00Z', {
      stoppedAt: '2026-01-19T09:30:00Z',
      pauses: [pause('2026-01-16T17:00:00Z', null), pause('2026-01-20T09:00:00Z', null)],
    });
    expect(t.paused).toBe(false);
    expect(t.elapsedMinutes).toBe(60);
    expect(iso(t.dueAt)).toBe('2026-01-19T12:30:00.000Z');
    expect(t.state).toBe('met');
  });

  it('has state none and no due time without a target, but still counts elapsed time', () => {
    const t = slaTimer({
      target: { minutes: null, clock: 'business' },
      calendar: officeHours(),
      start: fridayAfternoon,
      stoppedAt: null,
      pauses: [],
      now: at('2026-01-19T11:01:00Z'),
    });
    expect(t).toEqual({
      targetMinutes: null,
      dueAt: null,
      warnAt: null,
      elapsedMinutes: 241,
      remainingMinutes: null,
      paused: false,
      breached: false,
      met: null,
      state: 'none',
    });
  });

  it('counts wall time on the continuous clock', () => {
    const t = slaTimer({
      target: { minutes: 240, clock: 'continuous' },
      calendar: officeHours(),
      start: fridayAfternoon,
      stoppedAt: null,
      pauses: [],
      now: at('2026-01-16T19:30:00Z'),
    });
    expect(iso(t.dueAt)).toBe('2026-01-16T20:00:00.000Z');
    expect(t.elapsedMinutes).toBe(210);
    expect(t.state).toBe('warning');
  });
});

describe('calendarProblems', () => {
  it('accepts good calendars', () => {
    expect(calendarProblems(officeHours(['2026-05-04', '2026-12-25']))).toEqual([]);
    expect(calendarProblems(alwaysOpen)).toEqual([]);
    expect(calendarProblems(allDayLondon)).toEqual([]);
    // Touching spans (a split shift) do not overlap.
    const split = officeHours();
    split.week[0] = [
      ['13:00', '18:00'],
      ['09:00', '13:00'],
    ];
    expect(calendarProblems(split)).toEqual([]);
  });

  it('names an unknown zone', () => {
    expect(calendarProblems({ ...officeHours(), timezone: 'Mars/Olympus' })).toEqual([
      "timezone: 'Mars/Olympus' is not a known IANA time zone",
    ]);
  });

  it('wants seven days', () => {
    expect(calendarProblems({ ...officeHours(), week: officeHours().week.slice(0, 6) })).toEqual([
      'week: expected 7 days (Monday to Sunday), got 6',
    ]);
  });

  it('names a bad time, an end not after start and an overlap by their span', () => {
    const cal = officeHours();
    cal.week[0] = [['9:00', '18:00']];
    cal.week[1] = [['09:00', '24:01']];
    cal.week[2] = [['09:00', '08:00']];
    cal.week[3] = [
      ['09:00', '13:00'],
      ['12:00', '14:00'],
    ];
    cal.week[4] = [['24:00', '24:00']];
    expect(calendarProblems(cal)).toEqual([
      "week[0][0]: start '9:00' is not a time HH:MM (00:00 to 23:59)",
      "week[1][0]: end '24:01' is not a time HH:MM (00:00 to 24:00)",
      'week[2][0]: end 08:00 is not after start 09:00',
      'week[3][1]: 12:00-14:00 overlaps week[3][0] 09:00-13:00',
      "week[4][0]: start '24:00' is not a time HH:MM (00:00 to 23:59)",
    ]);
  });

  it('names a bad holiday by its index', () => {
    expect(calendarProblems(officeHours(['2026-05-04', '2026-02-30', '4 May']))).toEqual([
      "holidays[1]: '2026-02-30' is not a date YYYY-MM-DD",
      "holidays[2]: '4 May' is not a date YYYY-MM-DD",
    ]);
  });

  it('is what addWorkingTime and workingMinutes refuse', () => {
    const bad = { ...officeHours(), timezone: 'Nowhere/Special' };
    expect(() => addWorkingTime(bad, 'business', fridayAfternoon, 60, [])).toThrow(
      /timezone: 'Nowhere\/Special'/,
    );
    expect(() =>
      workingMinutes(bad, 'business', fridayAfternoon, at('2026-01-19T00:00:00Z'), []),
    ).toThrow(RangeError);
    // The continuous clock never reads the calendar.
    expect(iso(addWorkingTime(bad, 'continuous', fridayAfternoon, 60, []))).toBe(
      '2026-01-16T17:00:00.000Z',
    );
  });
});

describe('long horizons', () => {
  it('walks through a 30-day pause', () => {
    // Paused from Friday 17:00 for 30 days to Sunday 15 February: the clock resumes Monday 09:00.
    const due = addWorkingTime(officeHours(), 'business', fridayAfternoon, 240, [
      pause('2026-01-16T17:00:00Z', '2026-02-15T17:00:00Z'),
    ]);
    expect(iso(due)).toBe('2026-02-16T12:00:00.000Z');
  });

  it('answers 1,000 year-long questions', () => {
    const cal = officeHours(['2026-04-03', '2026-04-06', '2026-05-04', '2026-12-25']);
    // A working year: 52 weeks of five nine-hour days.
    const yearMinutes = 52 * 5 * 9 * 60;
    for (let i = 0; i < 1000; i += 1) {
      const start = new Date(Date.UTC(2026, 0, 1) + i * 7 * 60 * 60 * 1000 + i * 60 * 1000);
      // A 29-day wait on a vendor from the day after.
      const pauses: Interval[] = [
        { from: new Date(start.getTime() + day), to: new Date(start.getTime() + 30 * day) },
      ];
      const due = addWorkingTime(cal, 'business', start, yearMinutes, pauses);
      expect(due.getTime() - start.getTime()).toBeGreaterThan(365 * day);
      expect(workingMinutes(cal, 'business', start, due, pauses)).toBeCloseTo(yearMinutes, 6);
    }
  });
});
