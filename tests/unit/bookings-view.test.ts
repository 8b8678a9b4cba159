import { describe, expect, it } from 'vitest';
import {
  addDays,
  bookingToDraft,
  bookingsOnDay,
  clashing,
  dayHeading,
  dayMs,
  dayStartMs,
  defaultDraft,
  draftToInput,
  fieldOf,
  importErrorText,
  importSummary,
  isDate,
  localDate,
  localizeTimes,
  mondayOf,
  nextAfter,
  nextBoundary,
  runningAt,
  spanOnDay,
  suiteGroups,
  suiteZone,
  tileBooking,
  timeFrom,
  wallRange,
  weekDays,
  weekHeading,
  weekRange,
  type Booking,
} from '../../web/src/lib/bookings.ts';

const london = 'Europe/London';
const la = 'America/Los_Angeles';
const hour = 3600_000;
const at = (iso: string) => Date.parse(iso);

let counter = 0;
function booking(startsAt: string, endsAt: string, more: Partial<Booking> = {}): Booking {
  counter += 1;
  return {
    id: `b${counter}`,
    suiteId: 'grade-1',
    client: `Client ${counter}`,
    project: '',
    operator: '',
    startsAt,
    endsAt,
    source: 'manual',
    sourceUid: null,
    createdById: null,
    createdBy: 'admin',
    createdAt: startsAt,
    updatedAt: startsAt,
    ...more,
  };
}

// Tuesday 1 July 2025: London is on BST (UTC+1), Los Angeles on PDT (UTC-7).
const day = booking('2025-07-01T08:00:00Z', '2025-07-01T17:00:00Z', {
  client: 'Northlight',
  project: 'The Long Field',
  operator: 'Sam',
});
const tomorrow = booking('2025-07-02T13:00:00Z', '2025-07-02T18:00:00Z', { client: 'Acme' });
const otherSuite = booking('2025-07-01T07:00:00Z', '2025-07-01T20:00:00Z', {
  suiteId: 'edit-3',
  client: 'Elsewhere',
});
const all = [tomorrow, day, otherSuite];

describe('the session running now and the next one', () => {
  it('finds the suite’s running session, start included and end excluded', () => {
    expect(runningAt(all, 'grade-1', at('2025-07-01T08:00:00Z'))?.id).toBe(day.id);
    expect(runningAt(all, 'grade-1', at('2025-07-01T16:59:59Z'))?.id).toBe(day.id);
    expect(runningAt(all, 'grade-1', at('2025-07-01T17:00:00Z'))).toBeUndefined();
    expect(runningAt(all, 'grade-1', at('2025-07-01T07:59:59Z'))).toBeUndefined();
    expect(runningAt(all, 'edit-3', at('2025-07-01T18:00:00Z'))?.client).toBe('Elsewhere');
    expect(runningAt(all, 'no-such-suite', at('2025-07-01T12:00:00Z'))).toBeUndefined();
  });

  it('picks the session that began first when imported ones overlap', () => {
    const late = booking('2025-07-01T10:00:00Z', '2025-07-01T12:00:00Z');
    expect(runningAt([late, day], 'grade-1', at('2025-07-01T11:00:00Z'))?.id).toBe(day.id);
  });

  it('finds the next session within a week, never one already started', () => {
    expect(nextAfter(all, 'grade-1', at('2025-07-01T07:00:00Z'))?.id).toBe(day.id);
    expect(nextAfter(all, 'grade-1', at('2025-07-01T09:00:00Z'))?.id).toBe(tomorrow.id);
    expect(nextAfter(all, 'grade-1', at('2025-07-02T13:00:00Z'))).toBeUndefined();
    const far = booking('2025-07-20T09:00:00Z', '2025-07-20T17:00:00Z');
    expect(nextAfter([far], 'grade-1', at('2025-07-12T09:00:00Z'))).toBeUndefined();
    expect(nextAfter([far], 'grade-1', at('2025-07-13T09:00:01Z'))?.id).toBe(far.id);
  });

  it('wakes a view at the next start or end, or at midnight on a suite’s clock', () => {
    expect(nextBoundary(all, at('2025-07-01T07:30:00Z'))).toBe(at('2025-07-01T08:00:00Z'));
    expect(nextBoundary(all, at('2025-07-01T08:00:00Z'))).toBe(at('2025-07-01T17:00:00Z'));
    expect(nextBoundary(all, at('2025-07-01T17:00:00Z'))).toBe(at('2025-07-01T20:00:00Z'));
    // Midnight in London (BST) is 23:00 UTC, before tomorrow's session.
    expect(nextBoundary(all, at('2025-07-01T20:00:00Z'), [london, london])).toBe(
      at('2025-07-01T23:00:00Z'),
    );
    expect(nextBoundary(all, at('2025-07-01T20:00:00Z'))).toBe(at('2025-07-02T13:00:00Z'));
    expect(nextBoundary(all, at('2025-07-03T00:00:00Z'))).toBeNull();
    expect(nextBoundary([], at('2025-07-03T00:00:00Z'), [la])).toBe(at('2025-07-03T07:00:00Z'));
  });
});

describe('the wall tile’s line', () => {
  it('says who is in session and until when, on the suite’s 24-hour clock', () => {
    expect(tileBooking(all, 'grade-1', at('2025-07-01T12:00:00Z'), london)).toEqual({
      kind: 'now',
      lead: 'in session: ',
      client: 'Northlight',
      tail: ' until 18:00',
      text: 'in session: Northlight until 18:00',
      detail: 'In session: Northlight, The Long Field, with Sam, until 18:00',
    });
    expect(tileBooking(all, 'grade-1', at('2025-07-01T12:00:00Z'), la)?.text).toBe(
      'in session: Northlight until 10:00',
    );
  });

  it('names the next session, with its weekday when it is not today', () => {
    const evening = at('2025-07-01T19:00:00Z');
    expect(tileBooking(all, 'grade-1', evening, london)).toEqual({
      kind: 'next',
      lead: 'next: ',
      client: 'Acme',
      tail: ' Wed 14:00',
      text: 'next: Acme Wed 14:00',
      detail: 'Next session: Acme, Wed 14:00–19:00',
    });
    expect(tileBooking(all, 'grade-1', at('2025-07-02T09:00:00Z'), london)?.text).toBe(
      'next: Acme 14:00',
    );
    // 19:00 UTC is still Tuesday noon in Los Angeles; 06:00 on Wednesday there is another day.
    expect(tileBooking(all, 'grade-1', evening, la)?.text).toBe('next: Acme Wed 06:00');
    expect(tileBooking(all, 'grade-1', at('2025-07-01T07:00:00Z'), london)?.text).toBe(
      'next: Northlight 09:00',
    );
  });

  it('gives the end’s weekday for a session that runs past midnight', () => {
    const night = booking('2025-07-01T21:00:00Z', '2025-07-02T04:00:00Z', { client: 'Nightshift' });
    expect(tileBooking([night], 'grade-1', at('2025-07-01T22:00:00Z'), london)?.text).toBe(
      'in session: Nightshift until Wed 05:00',
    );
    // After midnight the end is today again.
    expect(tileBooking([night], 'grade-1', at('2025-07-01T23:30:00Z'), london)?.text).toBe(
      'in session: Nightshift until 05:00',
    );
  });

  it('says nothing when the suite has nothing within a week', () => {
    expect(tileBooking(all, 'grade-1', at('2025-07-02T19:00:00Z'), london)).toBeNull();
    expect(tileBooking(all, 'empty-suite', at('2025-07-01T12:00:00Z'), london)).toBeNull();
  });

  it('loads a day back and a week ahead', () => {
    expect(wallRange(at('2025-07-01T12:00:00Z'))).toEqual({
      from: '2025-06-30T12:00:00.000Z',
      to: '2025-07-08T12:00:00.000Z',
    });
  });
});

describe('days and weeks on a suite’s clock', () => {
  it('reads the local date and time in the zone', () => {
    expect(localDate('2025-07-01T23:30:00Z', london)).toBe('2025-07-02');
    expect(localDate('2025-07-01T23:30:00Z', la)).toBe('2025-07-01');
    expect(timeFrom('2025-07-01T20:30:00Z', at('2025-07-01T12:00:00Z'), london)).toBe('21:30');
    expect(timeFrom('2025-07-01T23:30:00Z', at('2025-07-01T12:00:00Z'), london)).toBe('Wed 00:30');
  });

  it('counts calendar days and finds the week’s Monday', () => {
    expect(addDays('2025-02-27', 2)).toBe('2025-03-01');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(mondayOf('2025-03-02')).toBe('2025-02-24'); // a Sunday
    expect(mondayOf('2025-03-03')).toBe('2025-03-03');
    expect(mondayOf('2025-03-05')).toBe('2025-03-03');
    expect(weekDays('2025-03-03')).toEqual([
      '2025-03-03',
      '2025-03-04',
      '2025-03-05',
      '2025-03-06',
      '2025-03-07',
      '2025-03-08',
      '2025-03-09',
    ]);
    expect(isDate('2025-03-03')).toBe(true);
    expect(isDate('2025-13-03')).toBe(false);
    expect(isDate('next week')).toBe(false);
    expect(isDate(undefined)).toBe(false);
  });

  it('bounds a week by local midnights, 167 hours long when the clocks go forward', () => {
    const range = weekRange('2025-03-24', london);
    expect(range).toEqual({ from: '2025-03-24T00:00:00.000Z', to: '2025-03-30T23:00:00.000Z' });
    expect(Date.parse(range.to) - Date.parse(range.from)).toBe(7 * dayMs - hour);
    expect(dayStartMs('2025-07-01', la)).toBe(at('2025-07-01T07:00:00Z'));
  });

  it('heads days and weeks', () => {
    expect(dayHeading('2025-03-03')).toBe('Mon 3 Mar');
    expect(weekHeading('2025-03-03')).toBe('3 – 9 Mar 2025');
    expect(weekHeading('2025-04-28')).toBe('28 Apr – 4 May 2025');
    expect(weekHeading('2025-12-29')).toBe('29 Dec – 4 Jan 2026');
  });

  it('flags sessions that overlap another in the same suite', () => {
    const review = booking('2025-07-01T12:00:00Z', '2025-07-01T14:00:00Z');
    const mix = booking('2025-07-01T13:00:00Z', '2025-07-01T15:00:00Z');
    const after = booking('2025-07-01T15:00:00Z', '2025-07-01T16:00:00Z');
    const elsewhere = booking('2025-07-01T13:30:00Z', '2025-07-01T14:30:00Z', { suiteId: 'x' });
    expect([...clashing([after, mix, review, elsewhere])].sort()).toEqual(
      [review.id, mix.id].sort(),
    );
    // Northlight (08:00–17:00) contains all of them.
    expect(clashing([day, after]).size).toBe(2);
    expect(clashing([day, tomorrow]).size).toBe(0);
  });

  it('lists an overnight session under both its days, with the other day named', () => {
    const night = booking('2025-07-01T21:00:00Z', '2025-07-02T04:00:00Z');
    const list = [tomorrow, night, day];
    expect(bookingsOnDay(list, '2025-07-01', london).map((b) => b.id)).toEqual([day.id, night.id]);
    expect(bookingsOnDay(list, '2025-07-02', london).map((b) => b.id)).toEqual([
      night.id,
      tomorrow.id,
    ]);
    expect(bookingsOnDay(list, '2025-07-03', london)).toEqual([]);
    expect(spanOnDay(day, '2025-07-01', london)).toBe('09:00–18:00');
    expect(spanOnDay(night, '2025-07-01', london)).toBe('22:00–Wed 05:00');
    expect(spanOnDay(night, '2025-07-02', london)).toBe('Tue 22:00–05:00');
  });
});

describe('suites and their clocks', () => {
  const sites = [
    { id: 's1', name: 'Soho', timezone: london },
    { id: 's2', name: 'Burbank', timezone: la },
  ];
  const rooms = [
    { id: 'r1', siteId: 's1', name: 'Grading floor' },
    { id: 'r2', siteId: 's2', name: 'Stage 4' },
    { id: 'r3', siteId: 's1', name: 'Edit floor' },
  ];

  it('reads a suite’s zone from its site, or the fallback for a suite in no room', () => {
    expect(suiteZone({ roomId: 'r2' }, rooms, sites, 'UTC')).toBe(la);
    expect(suiteZone({ roomId: null }, rooms, sites, 'Europe/Paris')).toBe('Europe/Paris');
    expect(suiteZone({ roomId: 'gone' }, rooms, sites, 'UTC')).toBe('UTC');
  });

  it('groups suites by site and room, by name, with roomless ones last', () => {
    const suites = [
      { id: '1', name: 'Grade 10', roomId: 'r1' },
      { id: '2', name: 'Grade 2', roomId: 'r1' },
      { id: '3', name: 'Mix A', roomId: 'r2' },
      { id: '4', name: 'Edit 1', roomId: 'r3' },
      { id: '5', name: 'Spare', roomId: null },
    ];
    expect(
      suiteGroups(suites, rooms, sites).map((g) => [g.label, g.suites.map((s) => s.name)]),
    ).toEqual([
      ['Burbank · Stage 4', ['Mix A']],
      ['Soho · Edit floor', ['Edit 1']],
      ['Soho · Grading floor', ['Grade 2', 'Grade 10']],
      ['No room', ['Spare']],
    ]);
  });
});

describe('the booking form', () => {
  it('turns the suite’s wall clock into instants and back', () => {
    const draft = {
      client: 'Northlight',
      project: '',
      operator: 'Sam',
      startsAt: '2025-07-01T09:00',
      endsAt: '2025-07-01T18:00',
    };
    expect(draftToInput(draft, london)).toEqual({
      client: 'Northlight',
      project: '',
      operator: 'Sam',
      startsAt: '2025-07-01T08:00:00.000Z',
      endsAt: '2025-07-01T17:00:00.000Z',
    });
    expect(draftToInput(draft, la).startsAt).toBe('2025-07-01T16:00:00.000Z');
    // Left empty, it goes as typed and the server names the field.
    expect(draftToInput({ ...draft, endsAt: '' }, london).endsAt).toBe('');
    expect(bookingToDraft(day, london)).toEqual({
      client: 'Northlight',
      project: 'The Long Field',
      operator: 'Sam',
      startsAt: '2025-07-01T09:00',
      endsAt: '2025-07-01T18:00',
    });
  });

  it('offers a working day, or the next full hour when today’s has begun', () => {
    const morning = at('2025-07-01T06:00:00Z');
    expect(defaultDraft('2025-07-03', morning, london)).toMatchObject({
      startsAt: '2025-07-03T10:00',
      endsAt: '2025-07-03T19:00',
    });
    expect(defaultDraft('2025-07-01', morning, london).startsAt).toBe('2025-07-01T10:00');
    expect(defaultDraft('2025-07-01', at('2025-07-01T12:20:00Z'), london)).toMatchObject({
      startsAt: '2025-07-01T14:00',
      endsAt: '2025-07-01T23:00',
    });
  });

  it('puts a server message beside the field it names', () => {
    expect(fieldOf('body.client: say who the session is for; it must not be blank')).toBe('client');
    expect(fieldOf('body.endsAt: the booking ends before it starts')).toBe('endsAt');
    expect(fieldOf('body.startsAt must match format "date-time"')).toBe('startsAt');
    expect(fieldOf('body.client is required')).toBe('client');
    expect(fieldOf('body.suiteId: no suite with id 123')).toBeNull();
    expect(fieldOf('the suite is already booked for Acme from …')).toBeNull();
  });

  it('reads the times in a server message on the suite’s clock', () => {
    expect(
      localizeTimes(
        'the suite is already booked for Acme from 2025-07-01T08:00:00.000Z to 2025-07-01T17:00:00.000Z',
        london,
      ),
    ).toBe('the suite is already booked for Acme from Tue 1 Jul 09:00 to Tue 1 Jul 18:00');
    expect(localizeTimes('overlap: A (2025-07-01T21:00:00Z–2025-07-02T04:00:00Z)', la)).toBe(
      'overlap: A (Tue 1 Jul 14:00–Tue 1 Jul 21:00)',
    );
    expect(localizeTimes('nothing to change', london)).toBe('nothing to change');
  });

  it('names the import control a refusal is about', () => {
    expect(importErrorText('body.url: the server answered 404 Not Found')).toBe(
      'Calendar URL: the server answered 404 Not Found',
    );
    expect(importErrorText('body.ics: not an iCalendar file: no VCALENDAR')).toBe(
      'Calendar file: not an iCalendar file: no VCALENDAR',
    );
    expect(importErrorText('cannot reach the Suitewatch server')).toBe(
      'cannot reach the Suitewatch server',
    );
  });

  it('sums up an import', () => {
    expect(
      importSummary({ created: 3, updated: 1, unchanged: 0, skipped: 2, errors: ['x', 'y'] }),
    ).toBe('3 created · 1 updated · 0 unchanged · 2 skipped');
    expect(
      importSummary({ created: 0, updated: 0, unchanged: 4, skipped: 0, removed: 2, errors: [] }),
    ).toBe('0 created · 0 updated · 4 unchanged · 0 skipped · 2 removed');
  });
});
