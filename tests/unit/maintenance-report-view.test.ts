import { describe, expect, it } from 'vitest';
import {
  addMonths,
  axisBottom,
  axisTop,
  bucketLabel,
  daysOf,
  daysText,
  figuresOf,
  filtersOf,
  hoursText,
  labelledMonths,
  matchingPick,
  minutesText,
  missingReason,
  monthDays,
  monthLabel,
  monthName,
  monthOf,
  pctText,
  periodInstants,
  quickPickDays,
  refusedField,
  reliabilityParts,
  reportQuery,
  scopeText,
  todayIn,
  trendSummary,
  trendValueText,
  type MaintenanceReport,
} from '../../web/src/lib/maintenance-report.ts';

/** A report with nothing in it: every denominator 0. */
function emptyReport(): MaintenanceReport {
  return {
    period: { from: '2025-03-01T00:00:00.000Z', to: '2025-04-01T00:00:00.000Z' },
    asOf: '2025-04-02T09:00:00.000Z',
    timezone: 'UTC',
    pmCompliance: {
      pct: null,
      onTime: 0,
      lateInGrace: 0,
      missed: 0,
      skipped: 0,
      pending: 0,
      due: 0,
      formula: 'no preventive work fell due',
    },
    backlog: [
      { bucket: '0-7', count: 0 },
      { bucket: '8-30', count: 0 },
      { bucket: '31-90', count: 0 },
      { bucket: '90+', count: 0 },
    ],
    mttr: { minutes: null, failures: 0, totalMin: 0, stillDown: 0, formula: 'no failure restored' },
    labour: { minutes: 0, workOrders: 0, withoutStart: 0, formula: 'no done work order' },
    mtta: {
      minutes: null,
      acknowledged: 0,
      unacknowledged: 0,
      totalMin: 0,
      formula: 'no fault acknowledged',
    },
    reliability: {
      bookedH: 0,
      downInBookedH: 0,
      failures: 0,
      mtbfH: null,
      availabilityPct: null,
      formula: 'MTBF: no failure in 0.0 booked hours; availability: nothing booked',
    },
    calibration: { pct: null, passed: 0, runs: 0, formula: 'no finished calibration runs' },
    suites: [],
    trend: [],
  };
}

describe('months and quick picks', () => {
  it('steps months across year ends both ways', () => {
    expect(addMonths('2025-01', -1)).toBe('2024-12');
    expect(addMonths('2024-11', 14)).toBe('2026-01');
    expect(addMonths('2025-06', 0)).toBe('2025-06');
    expect(addMonths('2025-03', -11)).toBe('2024-04');
  });

  it('gives a month its first and last day, leap years included', () => {
    expect(monthDays('2024-02')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(monthDays('2023-02')).toEqual({ from: '2023-02-01', to: '2023-02-28' });
    expect(monthDays('2025-12')).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(monthDays('2025-04')).toEqual({ from: '2025-04-01', to: '2025-04-30' });
  });

  it('turns the quick picks into whole months ending this month or last', () => {
    expect(quickPickDays('this-month', '2025-03-15')).toEqual({
      from: '2025-03-01',
      to: '2025-03-31',
    });
    expect(quickPickDays('last-month', '2025-03-15')).toEqual({
      from: '2025-02-01',
      to: '2025-02-28',
    });
    // This month and the eleven before it.
    expect(quickPickDays('last-12-months', '2025-03-15')).toEqual({
      from: '2024-04-01',
      to: '2025-03-31',
    });
    // Last month from January is December of the year before.
    expect(quickPickDays('last-month', '2025-01-05')).toEqual({
      from: '2024-12-01',
      to: '2024-12-31',
    });
  });

  it('knows which quick pick a period is, and none for other days', () => {
    expect(matchingPick({ from: '2025-02-01', to: '2025-02-28' }, '2025-03-15')).toBe('last-month');
    expect(matchingPick({ from: '2025-03-01', to: '2025-03-31' }, '2025-03-15')).toBe('this-month');
    expect(matchingPick({ from: '2025-02-01', to: '2025-02-27' }, '2025-03-15')).toBeNull();
  });

  it("reads today on the facility's clock, not UTC's", () => {
    // 23:30 UTC on 30 June is already 1 July in London (BST, UTC+1).
    const now = Date.parse('2025-06-30T23:30:00Z');
    expect(todayIn('Europe/London', now)).toBe('2025-07-01');
    expect(todayIn('UTC', now)).toBe('2025-06-30');
    expect(todayIn('America/New_York', now)).toBe('2025-06-30');
    // So "this month" there is July.
    expect(quickPickDays('this-month', todayIn('Europe/London', now)).from).toBe('2025-07-01');
  });
});

describe('period instants in the facility time zone', () => {
  it('starts and ends a month at local midnight, across a DST change', () => {
    // March 2025 in London: starts in GMT, ends in BST (clocks went forward on 30 March), so
    // 1 April 00:00 local is 31 March 23:00 UTC.
    expect(periodInstants(monthDays('2025-03'), 'Europe/London')).toEqual({
      from: '2025-03-01T00:00:00.000Z',
      to: '2025-03-31T23:00:00.000Z',
    });
    // July in London starts at 23:00 UTC on 30 June.
    expect(periodInstants(monthDays('2025-07'), 'Europe/London')).toEqual({
      from: '2025-06-30T23:00:00.000Z',
      to: '2025-07-31T23:00:00.000Z',
    });
    // November 2024 in New York: EDT (UTC-4) at the start, EST (UTC-5) at the end.
    expect(periodInstants(monthDays('2024-11'), 'America/New_York')).toEqual({
      from: '2024-11-01T04:00:00.000Z',
      to: '2024-12-01T05:00:00.000Z',
    });
    expect(periodInstants({ from: '2025-03-10', to: '2025-03-10' }, 'UTC')).toEqual({
      from: '2025-03-10T00:00:00.000Z',
      to: '2025-03-11T00:00:00.000Z',
    });
  });

  it('passes a period that ends before it starts on, for the server to refuse by name', () => {
    const instants = periodInstants({ from: '2025-03-10', to: '2025-03-08' }, 'UTC');
    expect(instants).toEqual({
      from: '2025-03-10T00:00:00.000Z',
      to: '2025-03-09T00:00:00.000Z',
    });
  });

  it('gives null for a date that is not one', () => {
    expect(periodInstants({ from: '2025-02-30', to: '2025-03-01' }, 'UTC')).toBeNull();
    expect(periodInstants({ from: '', to: '2025-03-01' }, 'UTC')).toBeNull();
    expect(periodInstants({ from: '2025-03-01', to: 'soon' }, 'UTC')).toBeNull();
  });
});

describe('the URL query', () => {
  it('defaults to this month and keeps the days a link names', () => {
    expect(daysOf({}, '2025-03-15')).toEqual({ from: '2025-03-01', to: '2025-03-31' });
    expect(daysOf({ from: '2025-01-01', to: '2025-01-31' }, '2025-03-15')).toEqual({
      from: '2025-01-01',
      to: '2025-01-31',
    });
    // Half a period is kept as it is: the page says which day is missing.
    expect(daysOf({ from: '2025-01-01' }, '2025-03-15')).toEqual({ from: '2025-01-01', to: '' });
  });

  it('opens the printable report on last month unless the link names one', () => {
    expect(monthOf({}, '2025-03-15')).toBe('2025-02');
    expect(monthOf({ month: '2024-11' }, '2025-03-15')).toBe('2024-11');
    expect(monthOf({ month: '2024-13' }, '2025-03-15')).toBe('2025-02');
  });

  it('keeps known filters and drops an unknown device kind', () => {
    expect(
      filtersOf({ siteId: 's', suiteId: 'u', deviceKind: 'display', assigneeId: 'a', x: 'y' }),
    ).toEqual({ siteId: 's', suiteId: 'u', deviceKind: 'display', assigneeId: 'a' });
    expect(filtersOf({ deviceKind: 'toaster', siteId: '' })).toEqual({});
  });

  it('builds the API query without empty filters', () => {
    const period = { from: '2025-03-01T00:00:00.000Z', to: '2025-04-01T00:00:00.000Z' };
    expect(reportQuery(period, {})).toBe(
      'from=2025-03-01T00%3A00%3A00.000Z&to=2025-04-01T00%3A00%3A00.000Z',
    );
    const params = new URLSearchParams(
      reportQuery(period, { suiteId: 'abc', deviceKind: 'audio', assigneeId: '' }),
    );
    expect([...params.keys()]).toEqual(['from', 'to', 'suiteId', 'deviceKind']);
    expect(params.get('suiteId')).toBe('abc');
  });

  it("finds the filter a refusal names, as the server's error handler writes it", () => {
    expect(refusedField('querystring.to: must be after from (2025-03-10T00:00:00.000Z)')).toEqual({
      field: 'to',
      text: 'must be after from (2025-03-10T00:00:00.000Z)',
    });
    expect(refusedField('querystring.siteId: no site with id 123')).toEqual({
      field: 'siteId',
      text: 'no site with id 123',
    });
    // ajv's wording has no colon.
    expect(refusedField('querystring.assigneeId must match format "uuid"')).toEqual({
      field: 'assigneeId',
      text: 'must match format "uuid"',
    });
    expect(refusedField('body.title: is required')).toBeNull();
    expect(refusedField('querystring.limit: too big')).toBeNull();
    expect(refusedField('GET /api/reports/maintenance needs the manager role')).toBeNull();
  });
});

describe('how figures read', () => {
  it('shows n/a, never 0, when there is no denominator', () => {
    expect(pctText(null)).toBe('n/a');
    expect(minutesText(null)).toBe('n/a');
    expect(hoursText(null)).toBe('n/a');
    expect(trendValueText(null, 'pct')).toBe('n/a');
  });

  it('formats percentages, minutes and hours', () => {
    expect(pctText(93.456)).toBe('93.5 %');
    expect(pctText(100)).toBe('100 %');
    expect(pctText(0)).toBe('0 %');
    expect(minutesText(90)).toBe('1 h 30 min');
    expect(minutesText(0)).toBe('0 min');
    expect(hoursText(1234.56)).toBe('1,234.6 h');
    expect(hoursText(0)).toBe('0 h');
    expect(trendValueText(45, 'min')).toBe('45 min');
    expect(trendValueText(12.25, 'h')).toBe('12.3 h');
  });

  it('labels backlog buckets and months', () => {
    expect(bucketLabel('0-7')).toBe('0–7 days');
    expect(bucketLabel('31-90')).toBe('31–90 days');
    expect(bucketLabel('90+')).toBe('over 90 days');
    expect(monthLabel('2025-01')).toBe('Jan 2025');
    expect(monthName('2025-06')).toBe('June 2025');
    expect(daysText({ from: '2025-03-01', to: '2025-03-31' })).toBe('1 Mar 2025 – 31 Mar 2025');
    expect(daysText({ from: '2025-03-10', to: '2025-03-10' })).toBe('10 Mar 2025');
  });

  it('splits the reliability working into MTBF and availability', () => {
    expect(
      reliabilityParts(
        'MTBF = booked 48.0 h / 2 failures = 24.0 h; availability = (booked 48.0 h - down 2.0 h) / booked 48.0 h = 95.8 %',
      ),
    ).toEqual({
      mtbf: 'MTBF = booked 48.0 h / 2 failures = 24.0 h',
      availability: 'availability = (booked 48.0 h - down 2.0 h) / booked 48.0 h = 95.8 %',
    });
    expect(reliabilityParts('odd')).toEqual({ mtbf: 'odd', availability: 'odd' });
  });

  it('sizes chart axes to round numbers', () => {
    expect(axisTop([12, 80], 'pct')).toBe(100);
    expect(axisTop([null, null], 'min')).toBe(1);
    expect(axisTop([45, null, 12], 'min')).toBe(50); // 45 x 1.1 = 49.5, up to 50
    expect(axisTop([950], 'h')).toBe(1500); // 1,045 up to the next 500
    expect(axisTop([0.4], 'h')).toBe(0.45);
    // Availability near 100 all year gets a zoomed axis; anything lower keeps 0.
    expect(axisBottom([99.5, 99.9, null], 'pct', true)).toBe(98);
    expect(axisBottom([92.4, 100], 'pct', true)).toBe(91);
    expect(axisBottom([100, 100], 'pct', true)).toBe(99);
    expect(axisBottom([85, 100], 'pct', true)).toBe(0);
    expect(axisBottom([null], 'pct', true)).toBe(0);
    // Compliance is never zoomed, and neither are minutes or hours.
    expect(axisBottom([99.5, 99.9], 'pct')).toBe(0);
    expect(axisBottom([99], 'min', true)).toBe(0);
    expect(labelledMonths(12)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(labelledMonths(36)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33]);
    expect(labelledMonths(0)).toEqual([]);
  });

  it('reads a trend aloud month by month', () => {
    const rows = [{ ...nullTrend('2025-01'), pmCompliancePct: 80 }, { ...nullTrend('2025-02') }];
    expect(trendSummary(rows, 'pmCompliancePct', pctText)).toBe('Jan 2025 80 %, Feb 2025 n/a');
  });

  it('describes the scope of a printed report', () => {
    expect(scopeText({}, {})).toBe('The whole facility');
    expect(
      scopeText(
        { siteId: 's', suiteId: 'u', deviceKind: 'display', assigneeId: 'a' },
        { site: 'Soho', suite: 'Grade 1', assignee: 'Ada' },
      ),
    ).toBe('Soho · Grade 1 · Display · assigned to Ada');
    expect(scopeText({ siteId: 's' }, {})).toBe('a site');
  });
});

function nullTrend(month: string) {
  return {
    month,
    pmCompliancePct: null,
    mttrMin: null,
    mttaMin: null,
    mtbfH: null,
    availabilityPct: null,
    calibrationPct: null,
  };
}

describe('figures', () => {
  it('says what is missing when a figure has no denominator', () => {
    const report = emptyReport();
    const figures = figuresOf(report);
    const by = Object.fromEntries(figures.map((f) => [f.key, f]));
    expect(Object.keys(by)).toEqual([
      'compliance',
      'mttr',
      'labour',
      'mtta',
      'mtbf',
      'availability',
      'calibration',
    ]);
    for (const key of ['compliance', 'mttr', 'mtta', 'mtbf', 'availability', 'calibration'])
      expect(by[key]?.value).toBe('n/a');
    // A total over nothing is 0, not n/a: there is no division.
    expect(by.labour?.value).toBe('0 min');
    expect(by.availability?.reason).toBe(
      'No booked hours in this period, so availability cannot be computed.',
    );
    expect(by.mtbf?.reason).toContain('No booked hours in this period');
    expect(by.compliance?.reason).toBe(
      'No preventive work fell due in this period, so compliance cannot be computed.',
    );
    expect(by.calibration?.reason).toContain('No calibration run was finished');
    expect(by.labour?.reason).toBe('No work order was done in this period.');
    expect(by.compliance?.fraction).toBeNull();
  });

  it('names pending and still-down work when that is why a figure is n/a', () => {
    const report = emptyReport();
    report.pmCompliance.pending = 2;
    report.mttr.stillDown = 1;
    report.mtta.unacknowledged = 3;
    report.reliability.bookedH = 40;
    expect(missingReason('compliance', report)).toContain('2 work orders still within grace');
    expect(missingReason('mttr', report)).toContain('1 failure still down');
    expect(missingReason('mtta', report)).toContain('3 faults unacknowledged');
    // Booked but no failure: MTBF has nothing to divide by, availability is fine.
    report.reliability.availabilityPct = 100;
    expect(missingReason('mtbf', report)).toBe(
      'No failure in 40 h booked, so there is no time between failures to measure.',
    );
    expect(missingReason('availability', report)).toBeNull();
  });

  it('shows each figure with the counts behind it and the server working', () => {
    const report = emptyReport();
    report.pmCompliance = {
      pct: 75,
      onTime: 5,
      lateInGrace: 1,
      missed: 1,
      skipped: 1,
      pending: 2,
      due: 8,
      formula: 'compliant 6 / due 8 = 75.0 % (on time 5, late in grace 1, missed 1, skipped 1)',
    };
    report.mttr = { minutes: 90, failures: 2, totalMin: 180, stillDown: 0, formula: 'mttr' };
    report.reliability = {
      bookedH: 48,
      downInBookedH: 2,
      failures: 2,
      mtbfH: 24,
      availabilityPct: (46 / 48) * 100,
      formula: 'MTBF = 24; availability = 95.8 %',
    };
    report.calibration = { pct: 50, passed: 1, runs: 2, formula: 'passed 1 / runs 2 = 50.0 %' };
    const by = Object.fromEntries(figuresOf(report).map((f) => [f.key, f]));
    const counts = (key: string) =>
      Object.fromEntries((by[key]?.counts ?? []).map((c) => [c.label, c.value]));

    expect(by.compliance?.value).toBe('75 %');
    expect(by.compliance?.reason).toBeNull();
    expect(by.compliance?.fraction).toBe(0.75);
    expect(by.compliance?.formula).toBe(report.pmCompliance.formula);
    expect(counts('compliance')).toEqual({
      'On time': '5',
      'Late within grace': '1',
      Missed: '1',
      'Skipped with a reason': '1',
      'Fell due (the denominator)': '8',
      'Still within grace, not counted': '2',
    });
    expect(by.mttr?.value).toBe('1 h 30 min');
    expect(counts('mttr')['Total restore time']).toBe('3 h');
    expect(by.mtbf?.value).toBe('24 h');
    expect(by.mtbf?.formula).toBe('MTBF = 24');
    expect(by.availability?.value).toBe('95.8 %');
    expect(by.availability?.formula).toBe('availability = 95.8 %');
    expect(counts('availability')).toEqual({ 'Booked hours': '48 h', 'Lost to failures': '2 h' });
    expect(counts('calibration')).toEqual({ Passed: '1', Failed: '1', Runs: '2' });
    expect(by.calibration?.list).toBe('calibration');
    expect(by.mttr?.trend).toEqual({ key: 'mttrMin', unit: 'min' });
    expect(by.labour?.trend).toBeNull();
  });
});
