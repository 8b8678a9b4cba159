import ical, { ICalEventRepeatingFreq, ICalWeekday } from 'ical-generator';
import { DateTime } from 'luxon';
import { Api, ApiError } from './api.ts';
import { displays, type DemoSuite } from './facility.ts';
import { powerOnHoursReading } from './simulators.ts';

// Planned maintenance for the demo facility, put in through the API as engineers would have done
// it over the past year: plans, a year of monitor calibrations drifting and recalibrated, meters
// with history, work due now, and the client sign-offs coming up. Paper records carry the time
// the work was really done (`completedAt`), so the history lands where it belongs.

const zone = 'Europe/London';
const lampReading = 'lamp.hours';

interface Named {
  id: string;
  name: string;
}
interface Template extends Named {
  kind: string;
}
interface Step {
  id: string;
  key?: string;
  label: string;
  kind: string;
}
interface WorkOrder {
  id: string;
  number: number;
  status: string;
  dueAt: string | null;
  durationMin: number;
  steps: Step[];
}
interface StepAnswer {
  ticket: { id: string; number: number } | null;
}

export interface MaintenanceIds {
  devices: Map<string, string>;
  suites: Map<string, string>;
}

export interface MaintenanceSeeded {
  plans: number;
  workOrders: number;
  calibrations: number;
  signoffs: number;
  /** The plans were there from an earlier run, and nothing was added. */
  reused: boolean;
}

/** A readings set for the SDR template, by reading key. */
type Sdr = Record<
  'gamma' | 'white_luminance' | 'white_x' | 'white_y' | 'delta_e' | 'surround',
  number
>;
const sdr = (
  gamma: number,
  white: number,
  x: number,
  y: number,
  deltaE: number,
  surround: number,
): Sdr => ({
  gamma,
  white_luminance: white,
  white_x: x,
  white_y: y,
  delta_e: deltaE,
  surround,
});

const referenceTitle = 'Grade 1 reference monitor calibration';
/** The weekday sessions imported: three weeks back (the report's booked hours), two ahead. */
const sessionDaysBack = 21;
const sessionDaysAhead = 14;

/** Today in the facility's zone, moved by whole days, at a wall-clock time. */
function local(days: number, hour: number, minute = 0): DateTime {
  return DateTime.now()
    .setZone(zone)
    .startOf('day')
    .plus({ days })
    .set({ hour, minute, second: 0, millisecond: 0 });
}
const iso = (at: DateTime) => at.toUTC().toISO()!;

/** The weekday sessions of one suite as a calendar file, the way a booking system exports it. */
function sessions(suite: string, client: string, except: DateTime[]): string {
  const calendar = ical({ name: `${suite} bookings` });
  // On a Monday: the first occurrence is DTSTART itself, whatever BYDAY says.
  const first = local(-sessionDaysBack, 0).startOf('week').set({ hour: 10 });
  calendar.createEvent({
    id: `demo-${suite.toLowerCase().replace(/\s+/g, '-')}@suitewatch.demo`,
    start: first,
    end: first.set({ hour: 19 }),
    timezone: zone,
    summary: client,
    repeating: {
      freq: ICalEventRepeatingFreq.WEEKLY,
      byDay: [ICalWeekday.MO, ICalWeekday.TU, ICalWeekday.WE, ICalWeekday.TH, ICalWeekday.FR],
      // The sign-off days are booked on their own.
      exclude: except.map((day) => day.set({ hour: 10, minute: 0 })),
    },
  });
  return calendar.toString();
}

/** What every section uses: the API, the seeded ids and the templates. */
class Seeding {
  calibrations = 0;
  constructor(
    readonly api: Api,
    readonly ids: MaintenanceIds,
    readonly password: string,
    readonly templates: { sdr: string; lineup: string },
  ) {}

  device(name: string): string {
    return this.ids.devices.get(name)!;
  }

  suite(name: DemoSuite['name']): string {
    return this.ids.suites.get(name)!;
  }

  /** The one open work order of a single-target plan. */
  async openOrder(planId: string): Promise<WorkOrder> {
    const [order] = await this.api.get<WorkOrder[]>(`/api/work-orders?planId=${planId}&open=true`);
    if (!order) throw new Error(`plan ${planId} made no work order`);
    return order;
  }

  /**
   * Records a run's readings and checks (by reading key, else step id), then completes it at the
   * time it was really done. Returns the corrective ticket a failed step opened, if any.
   */
  async perform(
    order: WorkOrder,
    values: Record<string, number | string>,
    completedAt: DateTime,
    as = this.api,
  ): Promise<StepAnswer['ticket']> {
    if (as === this.api)
      await this.moveTo(order, completedAt.minus({ minutes: order.durationMin }));
    let ticket: StepAnswer['ticket'] = null;
    for (const s of order.steps) {
      const value = values[s.key ?? s.id];
      if (value === undefined) continue;
      const body =
        typeof value === 'number'
          ? { value }
          : value === 'pass'
            ? { result: 'pass' }
            : { note: value };
      const answer = await as.post<StepAnswer>(`/api/work-orders/${order.id}/steps/${s.id}`, body);
      ticket ??= answer.ticket;
    }
    await as.post(`/api/work-orders/${order.id}/transition`, {
      to: 'done',
      completedAt: iso(completedAt),
    });
    if (order.steps.some((s) => s.key)) this.calibrations += 1;
    return ticket;
  }

  /**
   * Work is placed in the first free slot from now when it is made; history goes back to when it
   * really happened, so the calendar shows it there and not all on tonight's slot.
   */
  async moveTo(order: WorkOrder, start: DateTime): Promise<void> {
    try {
      await this.api.post(`/api/work-orders/${order.id}/move`, { start: iso(start) });
    } catch (error) {
      // A session in the way: the history keeps the slot it was given.
      if (!(error instanceof ApiError && error.status === 409)) throw error;
    }
  }

  async skip(order: WorkOrder, reason: string): Promise<void> {
    await this.moveTo(order, dueOf(order).minus({ minutes: order.durationMin }));
    await this.api.post(`/api/work-orders/${order.id}/transition`, { to: 'skipped', reason });
  }
}

const dueOf = (order: WorkOrder) => DateTime.fromISO(order.dueAt!, { zone });

/** Maintenance hours in the facility's zone, and the sessions planned work must stay clear of. */
async function bookings(s: Seeding): Promise<void> {
  const nights: Array<[string, string]> = [
    ['00:00', '08:00'],
    ['19:00', '24:00'],
  ];
  const allDay: Array<[string, string]> = [['00:00', '24:00']];
  await s.api.patch('/api/maintenance/settings', {
    hours: {
      timezone: zone,
      week: [nights, nights, nights, nights, nights, allDay, allDay],
      holidays: [],
    },
  });
  const gradeSignoff = local(2, 10);
  const mixSignoff = local(4, 10);
  await s.api.post('/api/bookings', {
    suiteId: s.suite('Grade 1'),
    client: 'Northern Light Pictures',
    project: 'The Long Field: final grade sign-off',
    operator: 'Maya (colourist)',
    startsAt: iso(gradeSignoff),
    endsAt: iso(gradeSignoff.set({ hour: 18 })),
    signoff: 'grade',
  });
  await s.api.post('/api/bookings', {
    suiteId: s.suite('Dub 1'),
    client: 'Harbour Films',
    project: 'Coastline: final mix sign-off',
    operator: 'Tom (re-recording mixer)',
    startsAt: iso(mixSignoff),
    endsAt: iso(mixSignoff.set({ hour: 17 })),
    signoff: 'mix',
  });
  const regular: Array<[DemoSuite['name'], string, DateTime[]]> = [
    ['Edit 1', 'Channel 7: Harbour Lights (drama edit)', []],
    ['Edit 2', 'Brightwater: documentary offline', []],
    ['Grade 1', 'Northern Light Pictures: The Long Field (grade)', [gradeSignoff]],
    ['Dub 1', 'Harbour Films: Coastline (mix)', [mixSignoff]],
  ];
  for (const [name, client, except] of regular)
    await s.api.post('/api/bookings/import', {
      suiteId: s.suite(name),
      ics: sessions(name, client, except),
      from: iso(local(-sessionDaysBack, 0)),
      to: iso(local(sessionDaysAhead, 0)),
    });
}

/** Quarterly, drifting dimmer and less accurate until a run fails; repaired and recalibrated. */
async function referenceMonitor(s: Seeding): Promise<void> {
  const reference = s.device(displays[0].name);
  const plan = await s.api.post<{ id: string }>('/api/pm-plans', {
    title: referenceTitle,
    description: 'BT.1886 calibration with the probe at the centre of the screen, after warm-up.',
    deviceId: reference,
    every: { count: 3, unit: 'month' },
    schedule: 'fixed',
    startsOn: iso(local(5, 9).minus({ months: 12 })),
    timezone: zone,
    leadDays: 14,
    durationMin: 90,
    required: true,
    calibrationTemplateId: s.templates.sdr,
  });
  const runs: Array<{ values: Sdr; late: number }> = [
    { values: sdr(2.4, 100.1, 0.3127, 0.329, 0.42, 10.1), late: -1 },
    // Twenty days late: past the grace of a quarterly plan (about nine days), so missed.
    { values: sdr(2.41, 98.7, 0.3129, 0.3292, 0.55, 10.0), late: 20 },
    // Four days late: inside the grace.
    { values: sdr(2.42, 97.4, 0.3131, 0.3294, 0.71, 10.2), late: 4 },
    // White has slid below 97 cd/m²: out of tolerance, and a corrective ticket opens.
    { values: sdr(2.43, 94.6, 0.3136, 0.3297, 0.93, 10.1), late: 0 },
  ];
  let failedAt = local(0, 0);
  let ticket: StepAnswer['ticket'] = null;
  for (const run of runs) {
    const order = await s.openOrder(plan.id);
    failedAt = dueOf(order).plus({ days: run.late, hours: run.late === 0 ? -2 : 0 });
    ticket = await s.perform(order, run.values, failedAt);
  }
  // The repair: the backlight adjusted, then a full calibration back to 100 cd/m².
  const recal = await s.api.post<WorkOrder>('/api/work-orders', {
    type: 'corrective',
    title: 'Grade 1 reference monitor: recalibrate after the backlight repair',
    deviceId: reference,
    dueAt: iso(failedAt.plus({ days: 3 })),
    durationMin: 120,
    calibrationTemplateId: s.templates.sdr,
  });
  await s.perform(recal, sdr(2.4, 100.0, 0.3127, 0.329, 0.31, 10.0), failedAt.plus({ days: 3 }));
  if (ticket) {
    await s.api.post(`/api/tickets/${ticket.id}/transition`, { to: 'in_progress' });
    await s.api.post(`/api/tickets/${ticket.id}/transition`, {
      to: 'resolved',
      resolution:
        'Backlight output had aged: ran the monitor’s own white balance calibration with the probe, then a full BT.1886 calibration (white back to 100 cd/m²).',
    });
  }
}

/** Twice a year: done on time, then skipped while the panel was away. */
async function clientMonitor(s: Seeding): Promise<void> {
  const plan = await s.api.post<{ id: string }>('/api/pm-plans', {
    title: 'Grade 1 client monitor calibration',
    deviceId: s.device(displays[1].name),
    every: { count: 6, unit: 'month' },
    schedule: 'fixed',
    startsOn: iso(local(40, 9).minus({ months: 12 })),
    timezone: zone,
    leadDays: 14,
    durationMin: 60,
    calibrationTemplateId: s.templates.sdr,
  });
  const first = await s.openOrder(plan.id);
  await s.perform(
    first,
    sdr(2.4, 100.3, 0.3128, 0.3291, 0.48, 10.0),
    dueOf(first).minus({ days: 1 }),
  );
  await s.skip(
    await s.openOrder(plan.id),
    'The panel was away for replacement under warranty; nothing to calibrate',
  );
}

/** The dubbing theatre's line-up, monthly and on time: the mix sign-off has a recent one. */
async function audioLineup(s: Seeding): Promise<void> {
  const plan = await s.api.post<{ id: string }>('/api/pm-plans', {
    title: 'Dub 1 audio line-up (EBU R68)',
    suiteId: s.suite('Dub 1'),
    every: { count: 1, unit: 'month' },
    schedule: 'fixed',
    startsOn: iso(local(-8, 8).minus({ months: 1 })),
    timezone: zone,
    leadDays: 7,
    durationMin: 30,
    required: true,
    calibrationTemplateId: s.templates.lineup,
  });
  for (const [left, right, spl] of [
    [-18.1, -18.0, 79.3],
    [-18.0, -17.9, 79.0],
  ] as const) {
    const order = await s.openOrder(plan.id);
    await s.perform(
      order,
      { lineup_left: left, lineup_right: right, monitor_spl: spl },
      // The evening before, after the day's session.
      dueOf(order).minus({ hours: 11 }),
    );
  }
}

/** Every switch, monthly; this month's check is overdue. */
async function switchChecks(s: Seeding): Promise<void> {
  const plan = await s.api.post<{ id: string }>('/api/pm-plans', {
    title: 'Switch health check',
    description: 'Fans and power supplies, a fresh config backup, and the firmware noted.',
    deviceKind: 'switch',
    every: { count: 1, unit: 'month' },
    schedule: 'fixed',
    startsOn: iso(local(-6, 20).minus({ months: 2 })),
    timezone: zone,
    leadDays: 7,
    durationMin: 30,
    steps: [
      { label: 'Fans and power supplies normal', kind: 'check', required: true },
      { label: 'Running configuration backed up', kind: 'check', required: true },
      { label: 'Firmware version', kind: 'text', required: false },
    ],
  });
  // On time, then two days late (inside a monthly plan's three days of grace).
  for (const late of [-1, 2]) {
    const order = await s.openOrder(plan.id);
    await s.perform(order, { s1: 'pass', s2: 'pass' }, dueOf(order).plus({ days: late }));
  }
}

/**
 * The projector's lamp hours, read off its menu by hand: the lamp is due within the week. And a
 * junior's filter clean on it, done and waiting in the review queue.
 */
async function projector(s: Seeding): Promise<void> {
  const projectorId = s.device(displays[2].name);
  const lamp = await s.api.post<{ id: string }>('/api/meters', {
    source: 'manual',
    deviceId: projectorId,
    reading: lampReading,
    label: 'Lamp hours',
    unit: 'h',
  });
  const lampAt = (days: number, value: number) =>
    s.api.post(`/api/meters/${lamp.id}/readings`, { value, at: iso(local(days, 9)) });
  // The plan counts from where the meter stood when it was made: 1,300 h, so due at 2,000 h.
  await lampAt(-150, 1300);
  await s.api.post('/api/pm-plans', {
    title: 'Grade 1 projector lamp replacement',
    deviceId: projectorId,
    meter: { reading: lampReading, every: 700 },
    startsOn: iso(local(0, 9)),
    timezone: zone,
    leadDays: 14,
    durationMin: 60,
    steps: [
      { label: 'Lamp replaced and its hours reset', kind: 'check', required: true },
      {
        label: 'Light output after warm-up',
        kind: 'number',
        nominal: 48,
        tolerance: 3,
        unit: 'cd/m²',
        required: true,
      },
    ],
  });
  for (const [days, value] of [
    [-90, 1560],
    [-28, 1815],
    [-14, 1880],
    [-2, 1962],
  ] as const)
    await lampAt(days, value);

  const junior = await s.api.post<{ id: string }>('/api/users', {
    username: 'sam',
    displayName: 'Sam (junior engineer)',
    password: s.password,
    role: 'junior',
  });
  const filter = await s.api.post<WorkOrder>('/api/work-orders', {
    type: 'preventive',
    title: 'Clean the Grade 1 projector air filter',
    deviceId: projectorId,
    dueAt: iso(local(1, 20)),
    durationMin: 30,
    assigneeId: junior.id,
    steps: [
      { label: 'Air filter cleaned and refitted', kind: 'check', required: true },
      { label: 'Filter condition', kind: 'text', required: false },
    ],
  });
  const doneAt = local(0, 0).minus({ hours: 3 });
  await s.moveTo(filter, doneAt.minus({ minutes: 30 }));
  const sam = new Api(s.api.baseUrl);
  await sam.login('sam', s.password);
  await s.perform(
    filter,
    { s1: 'pass', s2: 'Dusty but sound; replace it at the next lamp change' },
    doneAt,
    sam,
  );
}

/**
 * The NAS's disks, every six months or 4,000 power-on hours, whichever comes first. The hours
 * come from the probe (SMART over SNMP); the months before are the engineer's notes from DSM.
 */
async function nasDisks(s: Seeding): Promise<void> {
  const nas = s.device('NAS-1');
  const hours = await readingOf(s.api, nas, powerOnHoursReading);
  const plan = await s.api.post<{ id: string }>('/api/pm-plans', {
    title: 'NAS-1 disk health check',
    description: 'SMART attributes of every disk, fans and filters.',
    deviceId: nas,
    every: { count: 6, unit: 'month' },
    meter: { reading: powerOnHoursReading, every: 4000 },
    schedule: 'fixed',
    startsOn: iso(local(4, 20).minus({ months: 6 })),
    timezone: zone,
    leadDays: 14,
    durationMin: 45,
    steps: [
      { label: 'SMART status normal on every disk', kind: 'check', required: true },
      {
        label: 'Reallocated sectors, worst disk',
        kind: 'number',
        nominal: 0,
        tolerance: 10,
        unit: '',
        required: true,
      },
      { label: 'Fans and dust filters clean', kind: 'check', required: true },
    ],
  });
  const first = await s.openOrder(plan.id);
  await s.perform(first, { s1: 'pass', s2: 0, s3: 'pass' }, dueOf(first).minus({ days: 1 }));
  const [meter] = await s.api.get<Array<{ id: string }>>(`/api/meters?deviceId=${nas}`);
  // Within the last 30 days too, which the rate is worked out from.
  for (const days of [150, 90, 28, 14])
    await s.api.post(`/api/meters/${meter!.id}/readings`, {
      value: Math.floor(hours - days * 24),
      at: iso(local(-days, 9)),
    });
}

export async function seedMaintenance(
  api: Api,
  ids: MaintenanceIds,
  password: string,
  progress: (done: number, total: number) => void,
): Promise<MaintenanceSeeded> {
  const sections = [
    referenceMonitor,
    clientMonitor,
    audioLineup,
    switchChecks,
    projector,
    nasDisks,
  ];
  const total = sections.length + 1;
  let done = 0;
  const step = () => progress(++done, total);
  const plans = await api.get<Array<{ id: string; title: string }>>('/api/pm-plans');
  if (plans.some((p) => p.title === referenceTitle)) {
    progress(total, total);
    const open = await api.get<unknown[]>('/api/work-orders?open=true');
    return {
      plans: plans.length,
      workOrders: open.length,
      calibrations: 0,
      signoffs: 0,
      reused: true,
    };
  }
  const templates = await api.get<Template[]>('/api/calibration-templates');
  const s = new Seeding(api, ids, password, {
    sdr: templates.find((t) => t.kind === 'sdr_display')!.id,
    lineup: templates.find((t) => t.kind === 'audio_lineup' && t.name.includes('R68'))!.id,
  });
  // Bookings first, so that the work made below is placed around the sessions. One request at a
  // time: the embedded database answers one anyway, and a burst would only queue in its loop.
  await bookings(s);
  step();
  const lanes = [sections.slice(0, 3), sections.slice(3)];
  await Promise.all(
    lanes.map(async (lane) => {
      for (const section of lane) {
        await section(s);
        step();
      }
    }),
  );
  const [allPlans, orders] = await Promise.all([
    api.get<unknown[]>('/api/pm-plans'),
    api.get<unknown[]>('/api/work-orders'),
  ]);
  return {
    plans: allPlans.length,
    workOrders: orders.length,
    calibrations: s.calibrations,
    signoffs: 2,
    reused: false,
  };
}

/** The device's latest value of a reading, waiting for its first poll if need be. */
async function readingOf(api: Api, deviceId: string, name: string): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const detail = await api.get<{ readings: Record<string, { value: number }> }>(
      `/api/devices/${deviceId}`,
    );
    const value = detail.readings[name]?.value;
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`the NAS reported no '${name}' within a minute of its check starting`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
