import { describe, expect, it } from 'vitest';
import { calendarProblems as serverCalendarProblems } from '../../server/modules/tickets/sla.ts';
import { configProblems, defaultConfig } from '../../server/modules/tickets/settings.ts';
import {
  addChip,
  addHoliday,
  allDayWeek,
  attainmentTone,
  barWidth,
  calendarProblems,
  canEditSettings,
  canReadReports,
  countText,
  downloadName,
  durationText,
  errorField,
  facetSummary,
  hoursAndMinutes,
  isAllDayWeek,
  isDate,
  isPeriodChoice,
  minutesOf,
  nextSpan,
  normalizeHhmm,
  openIncidentsText,
  parseHhmm,
  percentText,
  periodRange,
  problemLine,
  problemMoves,
  problemPatch,
  settingsProblems,
  shortDateTime,
  slaByPriority,
  spansText,
  splitChips,
  suggestQuery,
  ticketNumber,
  type BusinessCalendar,
  type HelpdeskSettings,
  type SlaRow,
} from '../../web/src/lib/helpdesk.ts';

const office = (): BusinessCalendar => ({
  timezone: 'Europe/London',
  week: Array.from({ length: 7 }, (_, i) => (i < 5 ? [['09:00', '18:00']] : [])),
  holidays: [],
});

describe('durations', () => {
  it('reads minutes as people say them', () => {
    expect(durationText(15)).toBe('15 min');
    expect(durationText(90)).toBe('1 h 30 min');
    expect(durationText(540)).toBe('9 h');
    expect(durationText(1620)).toBe('27 h');
    expect(durationText(3 * 1440 + 120)).toBe('3 d 2 h');
    expect(durationText(2 * 1440)).toBe('2 d');
    expect(durationText(2 * 1440 + 1439)).toBe('3 d');
    expect(durationText(12.4)).toBe('12 min');
    expect(durationText(null)).toBe('—');
  });

  it('splits a target into hours and minutes and back', () => {
    expect(hoursAndMinutes(null)).toEqual({ hours: null, minutes: null });
    expect(hoursAndMinutes(15)).toEqual({ hours: 0, minutes: 15 });
    expect(hoursAndMinutes(1620)).toEqual({ hours: 27, minutes: 0 });
    for (const m of [1, 15, 59, 60, 61, 1620, 525_600]) {
      const { hours, minutes } = hoursAndMinutes(m);
      expect(minutesOf(hours, minutes)).toBe(m);
    }
  });

  it('takes empty or zero as no target, and refuses what is not a time', () => {
    expect(minutesOf(null, null)).toBeNull();
    expect(minutesOf(undefined, undefined)).toBeNull();
    expect(minutesOf(0, 0)).toBeNull();
    expect(minutesOf(4, null)).toBe(240);
    expect(minutesOf(null, 30)).toBe(30);
    expect(minutesOf(1.5, 0)).toBe(90);
    expect(minutesOf(-1, 0)).toBeNaN();
    expect(minutesOf(1, 2.5)).toBeNaN();
    expect(minutesOf(0.01, 0)).toBeNaN();
  });
});

describe('calendar checks mirror the server', () => {
  it('reads HH:MM with 24:00 only as an end', () => {
    expect(parseHhmm('09:30', false)).toBe(570);
    expect(parseHhmm('24:00', true)).toBe(1440);
    expect(parseHhmm('24:00', false)).toBeNull();
    expect(parseHhmm('24:01', true)).toBeNull();
    expect(parseHhmm('12:60', false)).toBeNull();
    expect(parseHhmm('9:00', false)).toBeNull();
  });

  it('tidies what people type', () => {
    expect(normalizeHhmm('9')).toBe('09:00');
    expect(normalizeHhmm(' 9:30 ')).toBe('09:30');
    expect(normalizeHhmm('9.30')).toBe('09:30');
    expect(normalizeHhmm('0930')).toBe('09:30');
    expect(normalizeHhmm('24')).toBe('24:00');
    expect(normalizeHhmm('soon')).toBe('soon');
  });

  it('finds nothing wrong with office hours or 24/7', () => {
    expect(calendarProblems(office())).toEqual([]);
    expect(calendarProblems({ ...office(), week: allDayWeek() })).toEqual([]);
  });

  const bad: Array<[string, (c: BusinessCalendar) => void]> = [
    ['an end before its start', (c) => (c.week[2] = [['09:00', '08:00']])],
    ['an equal start and end', (c) => (c.week[0] = [['10:00', '10:00']])],
    ['a start of 24:00', (c) => (c.week[1] = [['24:00', '24:00']])],
    ['a malformed time', (c) => (c.week[3] = [['9:00', '17:00']])],
    [
      'overlapping spans',
      (c) =>
        (c.week[0] = [
          ['09:00', '13:00'],
          ['12:00', '18:00'],
        ]),
    ],
    [
      'a span inside another',
      (c) =>
        (c.week[4] = [
          ['08:00', '20:00'],
          ['10:00', '11:00'],
          ['19:00', '21:00'],
        ]),
    ],
    ['a closed week', (c) => (c.week = Array.from({ length: 7 }, () => []))],
    ['a bad holiday', (c) => (c.holidays = ['2026-02-30', '2026-12-25'])],
    ['an unknown zone', (c) => (c.timezone = 'Mars/Olympus_Mons')],
  ];

  it.each(bad)('words %s exactly as the server does', (_name, spoil) => {
    const cal = office();
    spoil(cal);
    const ours = calendarProblems(cal).map(problemLine);
    const theirs = serverCalendarProblems(cal).map((p) => `calendar.${p}`);
    expect(ours.length).toBeGreaterThan(0);
    expect(ours).toEqual(theirs);
  });

  it('names the span the way the 400 message does', () => {
    const cal = office();
    cal.week[2] = [['09:00', '08:00']];
    expect(calendarProblems(cal).map(problemLine)).toEqual([
      'calendar.week[2][0]: end 08:00 is not after start 09:00',
    ]);
    expect(errorField('body.calendar.week[2][0]: end 08:00 is not after start 09:00')).toBe(
      'calendar.week[2][0]',
    );
    expect(errorField('body.teams[1]: ‘IT’ is listed twice')).toBe('teams[1]');
    expect(errorField('cannot reach the Suitewatch server')).toBeNull();
  });

  it('knows the 24/7 week', () => {
    expect(isAllDayWeek(allDayWeek())).toBe(true);
    expect(isAllDayWeek(office().week)).toBe(false);
    expect(spansText([['00:00', '24:00']])).toBe('all day');
    expect(
      spansText([
        ['09:00', '13:00'],
        ['14:00', '18:00'],
      ]),
    ).toBe('09:00–13:00, 14:00–18:00');
    expect(spansText([])).toBe('closed');
  });

  it('offers a next span after the last, within the day', () => {
    expect(nextSpan([])).toEqual(['09:00', '18:00']);
    expect(nextSpan([['09:00', '13:00']])).toEqual(['14:00', '17:00']);
    expect(nextSpan([['09:00', '22:00']])).toEqual(['23:00', '24:00']);
    expect(nextSpan([['00:00', '24:00']])).toEqual(['09:00', '18:00']);
    for (const spans of [[], [['09:00', '13:00']], [['09:00', '22:00']]] as Array<
      Array<[string, string]>
    >) {
      const cal = office();
      cal.week[0] = [...spans, nextSpan(spans)];
      expect(calendarProblems(cal)).toEqual([]);
    }
  });

  it('keeps holidays sorted and once each', () => {
    expect(addHoliday(['2026-12-26'], '2026-12-25')).toEqual(['2026-12-25', '2026-12-26']);
    expect(addHoliday(['2026-12-25'], '2026-12-25')).toEqual(['2026-12-25']);
    expect(isDate('2028-02-29')).toBe(true);
    expect(isDate('2027-02-29')).toBe(false);
  });
});

describe('settings checks', () => {
  const settings = (): HelpdeskSettings => structuredClone(defaultConfig());

  it('accepts the server defaults', () => {
    expect(settingsProblems(settings())).toEqual([]);
  });

  it('words SLA and team problems as the server does', () => {
    const s = settings();
    s.sla['2'].resolutionMinutes = 10;
    s.teams = ['Storage', 'storage ', ' '];
    const ours = settingsProblems(s).map(problemLine);
    const theirs = configProblems(s);
    expect(ours).toEqual(theirs);
  });

  it('refuses a target that is not whole minutes', () => {
    const s = settings();
    s.sla['1'].responseMinutes = Number.NaN;
    expect(settingsProblems(s).map((p) => p.field)).toEqual(['sla.1.responseMinutes']);
  });

  it('lets only an admin edit, and everyone but juniors read reports', () => {
    expect(canEditSettings('admin')).toBe(true);
    expect(canEditSettings('engineer')).toBe(false);
    expect(canEditSettings(null)).toBe(false);
    expect(
      ['junior', 'engineer', 'manager', 'admin'].map((r) => canReadReports(r as never)),
    ).toEqual([false, true, true, true]);
  });
});

describe('problems', () => {
  it('reads ticket numbers as people type them', () => {
    for (const text of ['12', '#12', ' # 12 ', 'ticket 12', 'Ticket #12', 'T-12', 't12'])
      expect(ticketNumber(text), text).toBe(12);
    for (const text of ['', 'monitor', '12 monitors', '#0', '-3', '1.5'])
      expect(ticketNumber(text), text).toBeNull();
  });

  it('offers the moves that make sense from each status', () => {
    expect(problemMoves('open').map((m) => m.to)).toEqual(['known_error', 'resolved', 'closed']);
    expect(problemMoves('known_error').map((m) => m.label)).toEqual([
      'Back to open',
      'Mark resolved',
      'Close problem',
    ]);
    // A closed problem is reopened, never resolved again in one step.
    expect(problemMoves('closed')).toEqual([
      { to: 'open', label: 'Reopen' },
      { to: 'known_error', label: 'Reopen as known error' },
    ]);
  });

  it('shortens a time for a table cell', () => {
    expect(shortDateTime('2026-11-23T03:32:57Z', 'en-GB', 'Europe/London')).toBe('23 Nov, 03:32');
    expect(shortDateTime('not a time')).toBe('not a time');
  });

  it('says how many incidents stay open', () => {
    expect(openIncidentsText(0)).toBe('');
    expect(openIncidentsText(1)).toBe('1 incident stays open');
    expect(openIncidentsText(3)).toBe('3 incidents stay open');
  });

  it('sends only what changed', () => {
    const before = {
      title: 'NEXIS drops',
      description: 'a',
      rootCause: '',
      workaround: '',
      permanentFix: '',
      ownerId: null,
    };
    expect(problemPatch(before, { ...before })).toEqual({});
    expect(problemPatch(before, { ...before, rootCause: 'firmware', ownerId: 'u1' })).toEqual({
      rootCause: 'firmware',
      ownerId: 'u1',
    });
  });
});

describe('runbooks', () => {
  it('takes chips once, trimmed, and splits pasted lists', () => {
    expect(addChip(['raid.status'], ' raid.status ')).toEqual(['raid.status']);
    expect(addChip([], '  ')).toEqual([]);
    expect(addChip(['a'], 'b')).toEqual(['a', 'b']);
    expect(splitChips('raid.status, volume.used_pct\ntrap.link_down*,')).toEqual([
      'raid.status',
      'volume.used_pct',
      'trap.link_down*',
    ]);
  });

  it('sums up what a runbook is for', () => {
    const none = { deviceKinds: [], profiles: [], conditions: [], categories: [] };
    expect(facetSummary(none)).toBe('general');
    expect(
      facetSummary({ ...none, conditions: ['raid.status'], deviceKinds: ['raid', 'storage'] }),
    ).toBe('raid.status · raid · storage');
    expect(facetSummary({ ...none, categories: ['a', 'b', 'c', 'd', 'e', 'f'] }, 4)).toBe(
      'a · b · c · d · 2 more',
    );
  });

  it('repeats suggest parameters, keeping a comma inside an instance', () => {
    const q = new URLSearchParams(
      suggestQuery({
        conditions: ['volume.used_pct[/mnt/a,b]', 'volume.used_pct[/mnt/a,b]'],
        deviceKinds: ['storage'],
        limit: 5,
      }),
    );
    expect(q.getAll('condition')).toEqual(['volume.used_pct[/mnt/a,b]']);
    expect(q.getAll('deviceKind')).toEqual(['storage']);
    expect(q.get('limit')).toBe('5');
  });
});

describe('reports', () => {
  const now = Date.parse('2026-05-20T10:00:00Z');
  const utcMidnight = (date: string) => Date.parse(`${date}T00:00:00Z`);

  it('turns a period choice into [from, to)', () => {
    expect(periodRange('7', now, {}, utcMidnight)).toEqual({
      from: '2026-05-13T10:00:00.000Z',
      to: '2026-05-20T10:00:00.000Z',
    });
    // A custom period includes its last day whole.
    expect(
      periodRange('custom', now, { from: '2026-03-01', to: '2026-03-31' }, utcMidnight),
    ).toEqual({ from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' });
    expect(
      periodRange('custom', now, { from: '2026-03-02', to: '2026-03-01' }, utcMidnight),
    ).toBeNull();
    expect(periodRange('custom', now, { from: '2026-03-02' }, utcMidnight)).toBeNull();
    expect(periodRange('custom', now, { from: 'x', to: 'y' }, () => Number.NaN)).toBeNull();
    expect(isPeriodChoice('30')).toBe(true);
    expect(isPeriodChoice('365')).toBe(false);
  });

  it('reads a custom period on the browser clock', () => {
    // London is on summer time in May: its midnight is 23:00 UTC the day before.
    const londonMidnight = (date: string) => Date.parse(`${date}T00:00:00+01:00`);
    expect(
      periodRange('custom', now, { from: '2026-05-01', to: '2026-05-01' }, londonMidnight),
    ).toEqual({ from: '2026-04-30T23:00:00.000Z', to: '2026-05-01T23:00:00.000Z' });
  });

  it('formats attainment', () => {
    expect(percentText(null)).toBe('—');
    expect(percentText(1)).toBe('100 %');
    expect(percentText(0.9345)).toBe('93.5 %');
    expect(percentText(0)).toBe('0 %');
    expect(attainmentTone(null)).toBe('none');
    expect(attainmentTone(0.95)).toBe('ok');
    expect(attainmentTone(0.75)).toBe('warning');
    expect(attainmentTone(0.5)).toBe('critical');
  });

  it('lines up response and resolution per priority', () => {
    const row = (measure: SlaRow['measure'], priority: SlaRow['priority']): SlaRow => ({
      measure,
      priority,
      withTarget: 2,
      met: 1,
      breached: 1,
      attainment: 0.5,
    });
    const lines = slaByPriority([row('resolution', 2), row('response', 2), row('response', 1)]);
    expect(lines.map((l) => l.priority)).toEqual([1, 2, 3, 4, 5]);
    expect(lines[0]!.response?.priority).toBe(1);
    expect(lines[0]!.resolution).toBeNull();
    expect(lines[1]!.resolution?.measure).toBe('resolution');
  });

  it('counts and scales', () => {
    expect(countText(0)).toBe('no tickets');
    expect(countText(1)).toBe('1 ticket');
    expect(countText(4)).toBe('4 tickets');
    expect(barWidth(0, 10)).toBe(0);
    expect(barWidth(10, 10)).toBe(100);
    expect(barWidth(1, 1000)).toBe(2);
    expect(barWidth(3, 0)).toBe(0);
  });

  it('names a download after the server, or the list and the day', () => {
    const day = new Date('2026-05-20T10:00:00Z');
    expect(downloadName('attachment; filename="sla-2026-05-20.csv"', 'sla', day)).toBe(
      'sla-2026-05-20.csv',
    );
    expect(downloadName(null, 'per-suite', day)).toBe('per-suite-2026-05-20.csv');
  });
});
