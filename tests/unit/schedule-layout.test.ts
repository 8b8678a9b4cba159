import { describe, expect, it } from 'vitest';
import {
  addMonths,
  bandsOnDay,
  dayBounds,
  gaps,
  hourMarks,
  instantAt,
  layoutDay,
  monthGrid,
  periodHeading,
  scopeFromQuery,
  stepDate,
  viewDays,
  viewPeriod,
  workOrderSpan,
  type CalendarWorkOrder,
  type Span,
} from '../../web/src/lib/schedule.ts';

const london = 'Europe/London';
const hour = 3600_000;
const at = (iso: string) => Date.parse(iso);

interface Event extends Span {
  id: string;
}
const event = (id: string, start: string, end: string): Event => ({
  id,
  start: at(start),
  end: at(end),
});
const spanOf = (e: Event): Span => e;

describe('day boundaries in the facility zone', () => {
  it('gives a spring-forward day in London 23 hours and a fall-back day 25', () => {
    // 30 March 2025: clocks go 01:00 GMT -> 02:00 BST. 26 October 2025: 02:00 BST -> 01:00 GMT.
    const spring = dayBounds('2025-03-30', london);
    expect(spring.hours).toBe(23);
    expect(new Date(spring.start).toISOString()).toBe('2025-03-30T00:00:00.000Z');
    expect(new Date(spring.end).toISOString()).toBe('2025-03-30T23:00:00.000Z');
    const autumn = dayBounds('2025-10-26', london);
    expect(autumn.hours).toBe(25);
    expect(new Date(autumn.start).toISOString()).toBe('2025-10-25T23:00:00.000Z');
    expect(new Date(autumn.end).toISOString()).toBe('2025-10-27T00:00:00.000Z');
    expect(dayBounds('2025-07-01', london).hours).toBe(24);
  });

  it('labels the hour lines of a DST day as the wall clock reads them', () => {
    const spring = hourMarks('2025-03-30', london);
    expect(spring).toHaveLength(23);
    expect(spring.slice(0, 3).map((m) => m.label)).toEqual(['00:00', '02:00', '03:00']);
    const autumn = hourMarks('2025-10-26', london);
    expect(autumn).toHaveLength(25);
    expect(autumn.slice(0, 4).map((m) => m.label)).toEqual(['00:00', '01:00', '01:00', '02:00']);
    // Evenly spread down the column: each line is one real hour of 25.
    expect(autumn[5]!.at).toBeCloseTo(5 / 25);
  });

  it('places an event by its instants on a 23-hour day', () => {
    // 12:00-13:00 BST on the spring day is 11:00-12:00 UTC: 11 real hours after midnight GMT.
    const [placed] = layoutDay(
      [event('a', '2025-03-30T11:00:00Z', '2025-03-30T12:00:00Z')],
      spanOf,
      '2025-03-30',
      london,
    );
    expect(placed!.top).toBeCloseTo(11 / 23);
    expect(placed!.height).toBeCloseTo(1 / 23);
  });

  it('asks the API for the instants bounding the view in the zone', () => {
    expect(viewPeriod('day', '2025-10-26', london)).toEqual({
      from: '2025-10-25T23:00:00.000Z',
      to: '2025-10-27T00:00:00.000Z',
    });
    // The week of Wednesday 2 July 2025: Monday 30 June to Monday 7 July, BST.
    expect(viewPeriod('week', '2025-07-02', london)).toEqual({
      from: '2025-06-29T23:00:00.000Z',
      to: '2025-07-06T23:00:00.000Z',
    });
  });

  it('snaps a dropped block to quarter hours', () => {
    // 10.1 hours into a 24-hour BST day is 10:06 BST: the nearest quarter is 10:00 BST.
    expect(new Date(instantAt('2025-07-01', london, 10.1 / 24)).toISOString()).toBe(
      '2025-07-01T09:00:00.000Z',
    );
    expect(new Date(instantAt('2025-07-01', london, 10.2 / 24)).toISOString()).toBe(
      '2025-07-01T09:15:00.000Z',
    );
    // Past the bottom is the end of the day.
    expect(instantAt('2025-07-01', london, 1.5)).toBe(dayBounds('2025-07-01', london).end);
  });
});

describe('month grid', () => {
  it('starts each week on Monday and covers the whole month', () => {
    // March 2025 begins on a Saturday and ends on a Monday: six rows.
    const march = monthGrid('2025-03-14');
    expect(march).toHaveLength(6);
    expect(march[0]![0]).toBe('2025-02-24');
    expect(march[0]![5]).toBe('2025-03-01');
    expect(march.at(-1)![0]).toBe('2025-03-31');
    expect(march.at(-1)![6]).toBe('2025-04-06');
    for (const week of march) {
      expect(week).toHaveLength(7);
      expect(new Date(`${week[0]}T00:00:00Z`).getUTCDay()).toBe(1);
    }
    // February 2021 begins on a Monday and has 28 days: exactly four rows.
    const february = monthGrid('2021-02-01');
    expect(february).toHaveLength(4);
    expect(february[0]![0]).toBe('2021-02-01');
    expect(february[3]![6]).toBe('2021-02-28');
  });

  it('steps views by a day, a week and a month', () => {
    expect(stepDate('day', '2025-03-31', 1)).toBe('2025-04-01');
    expect(stepDate('week', '2025-03-05', -1)).toBe('2025-02-24');
    expect(stepDate('month', '2025-01-31', 1)).toBe('2025-02-01');
    expect(addMonths('2025-12-15', 1)).toBe('2026-01-01');
    expect(viewDays('week', '2025-03-05')).toEqual([
      '2025-03-03',
      '2025-03-04',
      '2025-03-05',
      '2025-03-06',
      '2025-03-07',
      '2025-03-08',
      '2025-03-09',
    ]);
    expect(periodHeading('month', '2025-03-05')).toBe('March 2025');
  });
});

describe('event lanes', () => {
  it('gives overlapping events separate lanes and the group one width', () => {
    const placed = layoutDay(
      [
        event('a', '2025-07-01T09:00:00Z', '2025-07-01T12:00:00Z'),
        event('b', '2025-07-01T10:00:00Z', '2025-07-01T11:00:00Z'),
        event('c', '2025-07-01T11:30:00Z', '2025-07-01T13:00:00Z'),
        event('d', '2025-07-01T15:00:00Z', '2025-07-01T16:00:00Z'),
      ],
      spanOf,
      '2025-07-01',
      'UTC',
    );
    const byId = Object.fromEntries(placed.map((p) => [p.item.id, p]));
    expect(byId.a).toMatchObject({ lane: 0, lanes: 2 });
    expect(byId.b).toMatchObject({ lane: 1, lanes: 2 });
    // c overlaps a but not b: it takes b's freed lane.
    expect(byId.c).toMatchObject({ lane: 1, lanes: 2 });
    // d overlaps nothing: full width.
    expect(byId.d).toMatchObject({ lane: 0, lanes: 1 });
  });

  it('keeps touching events in one lane', () => {
    const placed = layoutDay(
      [
        event('a', '2025-07-01T09:00:00Z', '2025-07-01T10:00:00Z'),
        event('b', '2025-07-01T10:00:00Z', '2025-07-01T11:00:00Z'),
      ],
      spanOf,
      '2025-07-01',
      'UTC',
    );
    expect(placed.map((p) => [p.lane, p.lanes])).toEqual([
      [0, 1],
      [0, 1],
    ]);
  });

  it('separates short events that would be drawn on top of each other', () => {
    const list = [
      event('a', '2025-07-01T09:00:00Z', '2025-07-01T09:05:00Z'),
      event('b', '2025-07-01T09:10:00Z', '2025-07-01T09:15:00Z'),
    ];
    expect(layoutDay(list, spanOf, '2025-07-01', 'UTC').map((p) => p.lanes)).toEqual([1, 1]);
    expect(layoutDay(list, spanOf, '2025-07-01', 'UTC', 30 * 60_000).map((p) => p.lane)).toEqual([
      0, 1,
    ]);
  });

  it('shows an event across midnight on both days, clipped to each', () => {
    const overnight = event('night', '2025-07-01T21:00:00Z', '2025-07-02T03:00:00Z');
    // London is on BST: 22:00 Tuesday to 04:00 Wednesday local.
    const [tuesday] = layoutDay([overnight], spanOf, '2025-07-01', london);
    const [wednesday] = layoutDay([overnight], spanOf, '2025-07-02', london);
    expect(tuesday).toMatchObject({ startsBefore: false, endsAfter: true });
    expect(tuesday!.top).toBeCloseTo(22 / 24);
    expect(tuesday!.top + tuesday!.height).toBeCloseTo(1);
    expect(wednesday).toMatchObject({ startsBefore: true, endsAfter: false, top: 0 });
    expect(wednesday!.height).toBeCloseTo(4 / 24);
    expect(layoutDay([overnight], spanOf, '2025-07-03', london)).toEqual([]);
  });
});

describe('maintenance hours and windows', () => {
  it('shades the gaps between open stretches', () => {
    const open = [
      { start: at('2025-07-01T00:00:00Z'), end: at('2025-07-01T08:00:00Z') },
      { start: at('2025-07-01T19:00:00Z'), end: at('2025-07-02T08:00:00Z') },
    ];
    expect(gaps(open, at('2025-07-01T00:00:00Z'), at('2025-07-02T00:00:00Z'))).toEqual([
      { start: at('2025-07-01T08:00:00Z'), end: at('2025-07-01T19:00:00Z') },
    ]);
    expect(gaps([], 0, 10)).toEqual([{ start: 0, end: 10 }]);
    expect(gaps([{ start: -5, end: 20 }], 0, 10)).toEqual([]);
  });

  it('cuts bands to the day they are drawn on', () => {
    const band = { start: at('2025-07-01T22:00:00Z'), end: at('2025-07-02T02:00:00Z') };
    expect(bandsOnDay([band], '2025-07-02', 'UTC')).toEqual([{ top: 0, height: 2 / 24 }]);
  });
});

describe('work orders and the URL', () => {
  const order = (more: Partial<CalendarWorkOrder>): CalendarWorkOrder => ({
    id: 'w',
    number: 1,
    title: 'x',
    type: 'preventive',
    status: 'scheduled',
    deviceId: null,
    deviceName: null,
    suiteId: null,
    suiteName: null,
    roomId: null,
    roomName: null,
    durationMin: 60,
    scheduledStart: null,
    scheduledEnd: null,
    dueAt: null,
    overdue: false,
    proposedStart: null,
    proposedEnd: null,
    slotNote: '',
    assigneeId: null,
    overrideReason: null,
    ...more,
  });

  it('places work by its slot, else by the slot on offer', () => {
    expect(
      workOrderSpan(order({ scheduledStart: '2025-07-01T19:00:00Z', scheduledEnd: null })),
    ).toEqual({
      start: at('2025-07-01T19:00:00Z'),
      end: at('2025-07-01T20:00:00Z'),
      offered: false,
    });
    expect(
      workOrderSpan(
        order({ proposedStart: '2025-07-01T19:00:00Z', proposedEnd: '2025-07-01T19:30:00Z' }),
      ),
    ).toMatchObject({ offered: true, end: at('2025-07-01T19:00:00Z') + hour / 2 });
    expect(workOrderSpan(order({ dueAt: '2025-07-01T19:00:00Z' }))).toBeNull();
  });

  it('reads the place from the query', () => {
    expect(scopeFromQuery({})).toEqual({ kind: 'facility', id: '' });
    expect(scopeFromQuery({ room: 'r1', view: 'month' })).toEqual({ kind: 'room', id: 'r1' });
  });
});
