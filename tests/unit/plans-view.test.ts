import { describe, expect, it } from 'vitest';
import { describeValidation } from '../../server/errors.ts';
import { checkedSteps } from '../../server/modules/pm/plans.ts';
import {
  configProblems as serverConfigProblems,
  defaultConfig,
} from '../../server/modules/pm/settings.ts';
import {
  allDayWeek,
  changesTiming,
  configPatch,
  configProblemText,
  configProblems,
  defaultWeek,
  draftBody,
  draftFromPlan,
  draftPatch,
  draftProblems,
  driftSeries,
  driftSummary,
  emptyDraft,
  errorFieldOf,
  errorTextOf,
  everyText,
  hoursText,
  isWeekendsOff,
  keyFromLabel,
  meterEntryProblem,
  meterName,
  nextDueOf,
  ownerText,
  previewPairs,
  previewSummary,
  problemsByField,
  problemsUnder,
  rangeText,
  rateText,
  readingWords,
  relativeDays,
  runSummary,
  stepProblems,
  stepsBody,
  targetText,
  templateProblems,
  triggerText,
  waitingText,
  withWeekendsOff,
  type CalibrationRun,
  type MaintenanceConfig,
  type Names,
  type Plan,
  type StepDraft,
} from '../../web/src/lib/plans.ts';

const names: Names = {
  device: (id) => ({ d1: 'X310 G1', d2: 'NEXIS A' })[id],
  suite: (id) => ({ s1: 'Grade 1' })[id],
  room: (id) => ({ r1: 'Floor 2' })[id],
  site: (id) => ({ soho: 'Soho' })[id],
};

function plan(overrides: Partial<Plan> = {}): Plan {
  return {
    id: 'p1',
    title: 'Projector service',
    description: '',
    target: 'device',
    deviceId: 'd1',
    suiteId: null,
    roomId: null,
    deviceKind: null,
    siteId: null,
    every: { count: 3, unit: 'month' },
    schedule: 'fixed',
    meter: { reading: 'lamp.hours', every: 2000 },
    afterRepair: true,
    startsOn: '2030-03-01T19:00:00.000Z',
    timezone: 'Europe/London',
    leadDays: 7,
    graceFraction: 0.1,
    durationMin: 90,
    assigneeId: null,
    assignee: null,
    team: 'Projection',
    required: false,
    calibrationTemplateId: 't1',
    steps: [
      // From the template: never edited on the plan, never sent back.
      {
        label: 'Gamma',
        kind: 'number',
        nominal: 2.4,
        tolerance: 0.05,
        unit: '',
        required: true,
        key: 'gamma',
      },
      {
        label: 'Clean the filter',
        kind: 'check',
        nominal: null,
        tolerance: null,
        unit: '',
        required: true,
      },
    ],
    active: true,
    createdBy: 'eng',
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:00.000Z',
    targets: [],
    ...overrides,
  };
}

describe('a plan in words', () => {
  it('says the trigger as a planner would', () => {
    expect(triggerText(plan())).toBe(
      'every 3 months, fixed, or every 2,000 lamp hours, whichever first; after repair',
    );
    expect(triggerText(plan({ meter: null, afterRepair: false, schedule: 'floating' }))).toBe(
      'every 3 months, floating',
    );
    expect(triggerText(plan({ every: null, afterRepair: false }))).toBe('every 2,000 lamp hours');
    expect(triggerText(plan({ every: null, meter: null }))).toBe('after repair');
    expect(triggerText(plan({ every: null, meter: null, afterRepair: false }))).toBe('no trigger');
    expect(everyText({ count: 1, unit: 'week' })).toBe('every week');
    expect(everyText({ count: 14, unit: 'day' })).toBe('every 14 days');
  });

  it('turns reading names into words', () => {
    expect(readingWords('lamp.hours')).toBe('lamp hours');
    expect(readingWords('disk.power_on_hours')).toBe('disk power on hours');
    expect(readingWords('uptime_s')).toBe('uptime seconds');
    expect(readingWords('booked_hours')).toBe('booked hours');
    expect(readingWords('disk.power_on_hours[Disk_1]')).toBe('disk power on hours (Disk_1)');
    expect(meterName({ label: '', reading: 'lamp.hours' })).toBe('Lamp hours');
    expect(meterName({ label: 'Projector lamp', reading: 'lamp.hours' })).toBe('Projector lamp');
  });

  it('names each kind of target', () => {
    expect(targetText(plan(), names)).toBe('device X310 G1');
    expect(targetText(plan({ target: 'suite', deviceId: null, suiteId: 's1' }), names)).toBe(
      'suite Grade 1',
    );
    expect(targetText(plan({ target: 'room', deviceId: null, roomId: 'r1' }), names)).toBe(
      'room Floor 2',
    );
    const kind = plan({ target: 'device_kind', deviceId: null, deviceKind: 'storage' });
    expect(targetText({ ...kind, siteId: 'soho' }, names)).toBe(
      'every storage device at site Soho',
    );
    expect(targetText(kind, names)).toBe('every storage device, all sites');
    expect(targetText({ ...kind, deviceKind: 'display' }, names)).toBe('every display, all sites');
    expect(targetText(plan({ deviceId: 'gone' }), names)).toBe('device unknown');
    expect(ownerText({ deviceId: 'd2', suiteId: null, roomId: null }, names)).toBe('NEXIS A');
  });

  it('finds the soonest next due date across targets', () => {
    const t = (id: string, nextDueAt: string | null) => ({
      id,
      deviceId: id,
      suiteId: null,
      roomId: null,
      meterThreshold: null,
      nextDueAt,
      nextDueBy: 'time' as const,
    });
    expect(nextDueOf(plan({ targets: [] }))).toBeNull();
    expect(
      nextDueOf(
        plan({
          targets: [t('a', '2030-05-01T00:00:00Z'), t('b', null), t('c', '2030-04-01T00:00:00Z')],
        }),
      )?.id,
    ).toBe('c');
  });

  it('says what a target with no date waits for', () => {
    expect(waitingText(plan(), { meterThreshold: 1890 })).toBe('at 1,890 lamp hours');
    expect(waitingText(plan(), { meterThreshold: null })).toBe('on the next repair');
    expect(waitingText(plan({ afterRepair: false }), null)).toBe('—');
  });

  it('counts calendar days in the plan zone', () => {
    const now = new Date('2030-03-01T23:30:00Z'); // already 2 March in Europe/Berlin
    expect(relativeDays('2030-03-02T08:00:00Z', now, 'UTC')).toBe('tomorrow');
    expect(relativeDays('2030-03-02T08:00:00Z', now, 'Europe/Berlin')).toBe('today');
    expect(relativeDays('2030-03-11T08:00:00Z', now, 'UTC')).toBe('in 10 days');
    expect(relativeDays('2030-02-26T08:00:00Z', now, 'UTC')).toBe('3 days ago');
  });
});

describe('checklist steps', () => {
  const step = (s: Partial<StepDraft>): StepDraft => ({
    label: 'Step',
    kind: 'check',
    nominal: null,
    tolerance: null,
    unit: '',
    required: true,
    ...s,
  });

  it('names each problem by the field the server would name', () => {
    expect(
      stepProblems([
        step({ label: '  ' }),
        step({ kind: 'number', nominal: null, tolerance: 1 }),
        step({ kind: 'number', nominal: 100, tolerance: -3, unit: 'cd/m²' }),
        step({ kind: 'number', nominal: 100, tolerance: null }),
        step({ kind: 'number', nominal: 100, tolerance: 3 }),
      ]),
    ).toEqual([
      { field: 'steps[0].label', text: 'a step needs a label' },
      { field: 'steps[1].nominal', text: 'a number step needs its nominal value' },
      { field: 'steps[2].tolerance', text: '-3 is negative; give ± as a size' },
      { field: 'steps[3].tolerance', text: 'a number step needs a tolerance' },
    ]);
  });

  it('agrees with the server on each refused step, field and words', () => {
    const cases: StepDraft[][] = [
      [step({ label: ' ' })],
      [step({}), step({ kind: 'number', nominal: null, tolerance: 1 })],
      [step({ kind: 'number', nominal: 1, tolerance: null })],
      [step({ kind: 'number', nominal: 1, tolerance: -0.5 })],
    ];
    for (const steps of cases) {
      let message = '';
      try {
        checkedSteps(steps);
      } catch (error) {
        message = (error as Error).message;
      }
      const [mine] = stepProblems(steps);
      expect(message, JSON.stringify(steps)).not.toBe('');
      expect(errorFieldOf(message)).toBe(mine!.field);
      expect(errorTextOf(message)).toBe(mine!.text);
    }
  });

  it('sends measures only with number steps', () => {
    expect(
      stepsBody([
        step({ label: ' Clean ', kind: 'check', nominal: 3, tolerance: 1, unit: 'x' }),
        step({ label: 'White', kind: 'number', nominal: 100, tolerance: 3, unit: ' cd/m² ' }),
      ]),
    ).toEqual([
      { label: 'Clean', kind: 'check', nominal: null, tolerance: null, unit: '', required: true },
      { label: 'White', kind: 'number', nominal: 100, tolerance: 3, unit: 'cd/m²', required: true },
    ]);
    expect(rangeText({ nominal: 100, tolerance: 3, unit: 'cd/m²' })).toBe('100 ± 3 cd/m²');
    expect(rangeText({ nominal: 2.4, tolerance: null, unit: '' })).toBe('2.4');
  });
});

describe('the plan form', () => {
  it('asks for a trigger, a positive interval and no meter on a room', () => {
    const draft = emptyDraft('Europe/London', new Date('2030-03-01T12:00:00Z'));
    expect(draft.startsOn).toBe('2030-03-01T19:00');
    const fields = (d: typeof draft) => draftProblems(d).map((p) => p.field);
    expect(fields({ ...draft, title: 'x', deviceId: 'd1' })).toEqual([]);
    expect(fields({ ...draft, deviceId: 'd1' })).toEqual(['title']);
    expect(fields({ ...draft, title: 'x' })).toEqual(['deviceId']);
    expect(fields({ ...draft, title: 'x', deviceId: 'd1', useEvery: false })).toEqual(['every']);
    expect(fields({ ...draft, title: 'x', deviceId: 'd1', everyCount: 0 })).toEqual([
      'every.count',
    ]);
    expect(
      fields({
        ...draft,
        title: 'x',
        target: 'room',
        roomId: 'r1',
        useMeter: true,
        meterReading: 'a',
        meterEvery: 5,
      }),
    ).toEqual(['meter']);
    expect(fields({ ...draft, title: 'x', deviceId: 'd1', useMeter: true, meterEvery: 0 })).toEqual(
      ['meter.reading', 'meter.every'],
    );
    expect(fields({ ...draft, title: 'x', deviceId: 'd1', durationMin: null })).toEqual([
      'durationMin',
    ]);
  });

  it('builds the create body with one target and the start in the plan zone', () => {
    const draft = {
      ...emptyDraft('Europe/London', new Date('2030-07-01T12:00:00Z')),
      title: ' Lamp ',
      target: 'device_kind' as const,
      deviceId: 'd1',
      deviceKind: 'display' as const,
      siteId: 'soho',
      useMeter: true,
      meterReading: 'lamp.hours',
      meterEvery: 2000,
      gracePercent: 15,
    };
    const body = draftBody(draft);
    expect(body).toMatchObject({
      title: 'Lamp',
      deviceKind: 'display',
      siteId: 'soho',
      every: { count: 1, unit: 'month' },
      meter: { reading: 'lamp.hours', every: 2000 },
      startsOn: '2030-07-01T18:00:00.000Z', // 19:00 BST
      graceFraction: 0.15,
      assigneeId: null,
      team: null,
      calibrationTemplateId: null,
    });
    expect(body).not.toHaveProperty('deviceId');
  });

  it('patches only what changed, never the target or the template steps', () => {
    const p = plan();
    const draft = draftFromPlan(p);
    expect(draft.steps).toHaveLength(1);
    expect(draft.gracePercent).toBe(10);
    expect(draft.startsOn).toBe('2030-03-01T19:00');
    expect(draftPatch(p, draft)).toEqual({});
    const patch = draftPatch(p, { ...draft, everyCount: 2, title: 'New', deviceId: 'd2' });
    expect(patch).toEqual({ every: { count: 2, unit: 'month' }, title: 'New' });
    expect(changesTiming(patch)).toBe(true);
    expect(changesTiming(draftPatch(p, { ...draft, team: 'Colour' }))).toBe(false);
    expect(draftPatch(p, { ...draft, useMeter: false })).toEqual({ meter: null });
  });

  it('reads the field out of service and schema refusals', () => {
    expect(errorFieldOf('body.every.count: 0 is not an interval; give 1 or more')).toBe(
      'every.count',
    );
    const schema = describeValidation(
      [
        {
          instancePath: '/steps/2/tolerance',
          keyword: 'minimum',
          message: 'must be >= 0',
          params: {},
        },
      ],
      'body',
    );
    expect(schema).toBe('body.steps.2.tolerance must be >= 0');
    expect(errorFieldOf(schema)).toBe('steps[2].tolerance');
    expect(errorTextOf(schema)).toBe('must be >= 0');
    expect(
      errorFieldOf("body.meter.reading: X310 G1 has no reading 'lamp.hours'; it reports uptime_s"),
    ).toBe('meter.reading');
    expect(
      errorFieldOf(
        'body: give exactly one target: deviceId, suiteId, roomId or deviceKind (got none)',
      ),
    ).toBe('target');
    expect(errorFieldOf('plan 1 does not exist')).toBeNull();
    const wrong = problemsByField(
      [{ field: 'title', text: 'say what the work is' }],
      'body.meter.every: 0 is not an interval; give more than 0',
    );
    expect(wrong).toEqual({
      title: 'say what the work is',
      'meter.every': '0 is not an interval; give more than 0',
    });
    expect(problemsUnder({ ...wrong, meter: 'no meters' }, 'meter')).toEqual([
      '0 is not an interval; give more than 0',
      'no meters',
    ]);
  });
});

describe('the change preview', () => {
  it('pairs dates before and after and says what moves', () => {
    const row = {
      targetId: 't',
      deviceId: 'd1',
      suiteId: null,
      roomId: null,
      before: ['2030-04-01T18:00:00Z', '2030-07-01T18:00:00Z'],
      after: ['2030-04-01T18:00:00Z', '2030-06-01T18:00:00Z', '2030-08-01T18:00:00Z'],
      moved: true,
    };
    expect(previewPairs(row)).toEqual([
      { before: '2030-04-01T18:00:00Z', after: '2030-04-01T18:00:00Z', moved: false },
      { before: '2030-07-01T18:00:00Z', after: '2030-06-01T18:00:00Z', moved: true },
      { before: null, after: '2030-08-01T18:00:00Z', moved: true },
    ]);
    expect(previewSummary([row])).toBe('The due dates move.');
    expect(previewSummary([row, { ...row, moved: false }])).toBe('1 of 2 targets move.');
    expect(previewSummary([{ ...row, moved: false }])).toBe('No due date moves.');
  });
});

describe('meters', () => {
  it('says the rate in a line', () => {
    expect(rateText(null, 'h')).toBe('not known yet');
    expect(rateText(0, 'h')).toBe('no change');
    expect(rateText(12.5, 'h')).toBe('+12.5 h a day');
    expect(rateText(-3, '')).toBe('−3 a day');
  });

  it('takes a reading from the past, never from the future', () => {
    const now = new Date('2030-03-01T12:00:00Z');
    expect(meterEntryProblem(1200, '2030-02-01T12:00:00Z', now)).toBeNull();
    expect(meterEntryProblem(1200, '2030-03-01T12:00:30Z', now)).toBeNull();
    expect(meterEntryProblem(1200, '2030-03-01T13:00:00Z', now)).toEqual({
      field: 'at',
      text: 'is in the future; give when it was read',
    });
    expect(meterEntryProblem(null, '2030-02-01T12:00:00Z', now)?.field).toBe('value');
    expect(meterEntryProblem(Number.NaN, '2030-02-01T12:00:00Z', now)?.field).toBe('value');
    expect(meterEntryProblem(5, null, now)?.field).toBe('at');
  });
});

describe('calibration history', () => {
  const run = (n: number, at: string, value: number, ok: boolean): CalibrationRun => ({
    workOrderId: `w${n}`,
    number: n,
    templateId: 't1',
    completedAt: at,
    completedBy: 'junior',
    passed: ok,
    readings: [
      { key: 'white', label: 'Peak white', value, nominal: 100, tolerance: 3, unit: 'cd/m²', ok },
      {
        key: 'gamma',
        label: 'Gamma',
        value: null,
        nominal: 2.4,
        tolerance: 0.05,
        unit: '',
        ok: null,
      },
    ],
  });

  it('draws one series per reading, oldest first, and says it in words', () => {
    const series = driftSeries([
      run(2, '2030-02-01T10:00:00Z', 104, false),
      run(1, '2030-01-01T10:00:00Z', 100.5, true),
    ]);
    expect(series.map((s) => s.key)).toEqual(['white', 'gamma']);
    expect(series[0]!.points.map((p) => [p.number, p.value, p.ok])).toEqual([
      [1, 100.5, true],
      [2, 104, false],
    ]);
    expect(series[0]!.points[0]!.t).toBe(Date.parse('2030-01-01T10:00:00Z') / 1000);
    expect(series[1]!.points).toEqual([]);
    expect(driftSummary(series[0]!)).toBe(
      'Peak white: 2 runs, last 104 cd/m² against 100 ± 3 cd/m², out of tolerance',
    );
    expect(driftSummary(series[1]!)).toBe('Gamma: no values recorded');
    expect(runSummary(run(1, '2030-01-01T10:00:00Z', 100, true))).toBe('all 2 in tolerance');
    expect(runSummary(run(2, '2030-01-01T10:00:00Z', 90, false))).toBe('1 of 2 out of tolerance');
  });

  it('checks a template as the server does', () => {
    const base = { name: 'SDR', kind: 'sdr_display' as const, description: '' };
    const r = { key: 'white', label: 'White', nominal: 100, tolerance: 3, unit: 'cd/m²' };
    expect(templateProblems({ ...base, readings: [r] })).toEqual([]);
    expect(
      templateProblems({
        ...base,
        name: ' ',
        readings: [r, { ...r, tolerance: -1 }, { ...r, key: 'Bad key' }],
      }),
    ).toEqual([
      { field: 'name', text: 'a template needs a name' },
      { field: 'readings[1].key', text: "'white' is listed twice" },
      { field: 'readings[1].tolerance', text: '-1 is negative; give ± as a size' },
      {
        field: 'readings[2].key',
        text: 'lower-case letters, digits and _, starting with a letter',
      },
    ]);
    expect(keyFromLabel('Peak white luminance (cd/m²)')).toBe('peak_white_luminance_cd_m2');
    expect(keyFromLabel('1 kHz level')).toBe('khz_level');
  });
});

describe('maintenance hours', () => {
  it('starts from the same default week as the server', () => {
    expect(defaultWeek()).toEqual(defaultConfig().hours.week);
    const week = withWeekendsOff(defaultWeek(), true);
    week[2] = [['09:00', '17:00']];
    expect(hoursText({ timezone: 'UTC', week, holidays: [] })).toBe(
      'Mon–Tue 00:00–08:00, 19:00–24:00; Wed 09:00–17:00; Thu–Fri 00:00–08:00, 19:00–24:00; Sat–Sun no planned work',
    );
    expect(hoursText({ timezone: 'UTC', week: allDayWeek(), holidays: [] })).toBe('24/7');
    expect(hoursText({ timezone: 'UTC', week: defaultWeek(), holidays: [] })).toBe(
      'Mon–Fri 00:00–08:00, 19:00–24:00; Sat–Sun all day',
    );
  });

  it('turns weekends off and on', () => {
    const off = withWeekendsOff(defaultWeek(), true);
    expect(isWeekendsOff(off)).toBe(true);
    expect(off.slice(0, 5)).toEqual(defaultWeek().slice(0, 5));
    const on = withWeekendsOff(off, false);
    expect(isWeekendsOff(on)).toBe(false);
    expect(on[5]).toEqual([['00:00', '24:00']]);
  });

  it('names the same fields as the server for bad settings', () => {
    const config: MaintenanceConfig = {
      ...defaultConfig(),
      hours: {
        timezone: 'Europe/London',
        week: [[['19:00', '08:00']], [], [], [], [], [], []],
        holidays: ['2030-02-30'],
      },
      signoffValidDays: 0,
      digestHour: 24,
    };
    const mine = configProblems(config).map((p) => p.field);
    const server = serverConfigProblems(config).map((p) => p.split(':')[0]);
    expect(mine).toEqual([
      'hours.week[0][0]',
      'hours.week',
      'hours.holidays[0]',
      'signoffValidDays',
      'digestHour',
    ]);
    expect(server).toEqual(expect.arrayContaining(mine));
    expect(configProblems(defaultConfig())).toEqual([]);
    expect(configProblems(config).map(configProblemText)).toEqual([
      'Monday hours 1: end 08:00 is not after start 19:00',
      'Hours: no open hours on any day',
      "Blackout date: '2030-02-30' is not a date YYYY-MM-DD",
      'Sign-off validity: whole days, 1 to 365',
      'Digest hour: a local hour, 0 to 23',
    ]);
  });

  it('sends back only what an admin edits', () => {
    const stored = { ...defaultConfig(), digestSentOn: '2030-03-01' } as MaintenanceConfig;
    expect(Object.keys(configPatch(stored)).sort()).toEqual([
      'digestHour',
      'hours',
      'repairDueHours',
      'signoffValidDays',
    ]);
    expect(configPatch(stored).hours).toEqual(defaultConfig().hours);
  });
});
