import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Context } from '../../context.ts';
import {
  deviceKinds,
  severities,
  workOrderStatuses,
  workOrderTypes,
  type Role,
} from '../../db/schema/index.ts';
import { Nullable, StringEnum, Timestamp, Uuid, errorResponses } from '../../schemas.ts';
import * as report from './report.ts';

/** Who may read the maintenance report: everyone but juniors. */
const readers: readonly Role[] = ['engineer', 'manager', 'admin'];

const Count = Type.Integer({ minimum: 0 });
const Formula = Type.String({ description: 'The arithmetic behind the figure, to check by hand' });
const maybe = (description: string) => Nullable(Type.Number(), { description });

const outcomes = ['on_time', 'late_in_grace', 'missed', 'skipped', 'pending'] as const;

const ReportQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'Start, inclusive. Default: 30 days before to',
      }),
    ),
    to: Type.Optional(
      Type.String({ format: 'date-time', description: 'End, exclusive. Default: now' }),
    ),
    siteId: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'Only suites in rooms of this site, and the devices in those suites',
      }),
    ),
    suiteId: Type.Optional(
      Type.String({ format: 'uuid', description: 'Only this suite and the devices in it' }),
    ),
    deviceKind: Type.Optional(
      StringEnum(deviceKinds, {
        description:
          'Only devices of this kind: work orders on them, their downtimes and faults; reliability counts only their downtimes',
      }),
    ),
    assigneeId: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          'Only work orders assigned to this user: PM compliance, backlog, labour and calibration. Downtimes, faults and reliability have no assignee and ignore it',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'The period [from, to), at most 3 years, and filters that all apply together. An id that names nothing is a 400',
  },
);

const PmCompliance = Type.Object(
  {
    pct: maybe('compliant / due x 100; null when nothing fell due'),
    onTime: Count,
    lateInGrace: Count,
    missed: Count,
    skipped: Count,
    pending: Type.Integer({
      minimum: 0,
      description: 'Still inside grace: not in the denominator',
    }),
    due: Type.Integer({ minimum: 0, description: 'onTime + lateInGrace + missed + skipped' }),
    formula: Formula,
  },
  {
    description:
      'Preventive work orders with dueAt in the period (cancelled ones aside), each judged now against dueAt + graceMin. Completion counts once done or waiting for review',
  },
);

const BacklogBucket = Type.Object(
  {
    bucket: Type.String({ description: 'Whole days overdue from dueAt: 0-7, 8-30, 31-90, 90+' }),
    count: Count,
  },
  {
    description:
      'Open work orders (scheduled or in progress, preventive and corrective) past dueAt + grace now, by age. About now, not the period',
  },
);

const Mttr = Type.Object(
  {
    minutes: maybe('Mean restore time in minutes; null when nothing was restored'),
    failures: Type.Integer({ minimum: 0, description: 'Downtimes restored' }),
    totalMin: Type.Number(),
    stillDown: Type.Integer({ minimum: 0, description: 'Still down now: not in the mean' }),
    formula: Formula,
  },
  {
    description:
      'Mean time to restore: endedAt - startedAt (detection to restore, wall clock) over critical and major downtimes not in maintenance that started in the period',
  },
);

const Labour = Type.Object(
  {
    minutes: Type.Number(),
    workOrders: Type.Integer({ minimum: 0, description: 'Done work orders with a start time' }),
    withoutStart: Type.Integer({
      minimum: 0,
      description: 'Done without a start time: not summed',
    }),
    formula: Formula,
  },
  {
    description:
      'Hands-on time: completedAt - startedAt summed over done work orders completed in the period. Not MTTR, which is the time service was lost',
  },
);

const Mtta = Type.Object(
  {
    minutes: maybe('Mean minutes to acknowledge; null when nothing was acknowledged'),
    acknowledged: Count,
    unacknowledged: Type.Integer({ minimum: 0, description: 'Not acknowledged: not in the mean' }),
    totalMin: Type.Number(),
    formula: Formula,
  },
  {
    description:
      'Mean time to acknowledge: acknowledgedAt - openedAt over faults of peak severity critical or major, not in maintenance, opened in the period',
  },
);

const reliabilityFields = {
  bookedH: Type.Number({ description: 'Booked hours in the period, up to now' }),
  downInBookedH: Type.Number({ description: 'Hours of those lost to failure downtime' }),
  failures: Type.Integer({
    minimum: 0,
    description: 'Merged outages that overlap booked time (per suite, summed over suites)',
  }),
  mtbfH: maybe('bookedH / failures; null without a failure'),
  availabilityPct: maybe('(bookedH - downInBookedH) / bookedH x 100; null when nothing was booked'),
};

const Reliability = Type.Object(
  { ...reliabilityFields, formula: Formula },
  {
    description:
      "Over booked hours, not wall-clock time. A suite is down while a critical or major downtime (not in maintenance) runs on one of its devices, on a device one of them depends on, or on a parent of either. The fleet figure sums the suites' hours and failures",
  },
);

const Calibration = Type.Object(
  {
    pct: maybe('passed / runs x 100; null without a run'),
    passed: Count,
    runs: Count,
    formula: Formula,
  },
  {
    description:
      'Done work orders with a calibration template, completed in the period, that recorded pass or fail',
  },
);

const SuiteRow = Type.Object(
  { suiteId: Uuid, name: Type.String(), ...reliabilityFields, formula: Formula },
  { description: 'One suite in scope, booked or not, by name' },
);

const TrendRow = Type.Object(
  {
    month: Type.String({ description: 'yyyy-MM in the maintenance settings time zone' }),
    pmCompliancePct: maybe('PM compliance of work due in the month'),
    mttrMin: maybe('MTTR of downtimes that started in the month'),
    mttaMin: maybe('MTTA of faults opened in the month'),
    mtbfH: maybe('MTBF over the hours booked in the month'),
    availabilityPct: maybe('Availability over the hours booked in the month'),
    calibrationPct: maybe('Calibration pass rate of runs completed in the month'),
  },
  { description: 'The figures for one calendar month of the period (the first and last clipped)' },
);

const MaintenanceReport = Type.Object({
  period: Type.Object({ from: Timestamp, to: Timestamp }),
  asOf: Type.String({
    format: 'date-time',
    description: 'When the report was judged: pending work and the backlog are as of then',
  }),
  timezone: Type.String({ description: 'The time zone of the trend months' }),
  pmCompliance: PmCompliance,
  backlog: Type.Array(BacklogBucket),
  mttrMin: maybe('mttr.minutes'),
  mttr: Mttr,
  labourMin: Type.Number({ description: 'labour.minutes' }),
  labour: Labour,
  mttaMin: maybe('mtta.minutes'),
  mtta: Mtta,
  mtbfH: maybe('reliability.mtbfH'),
  availabilityPct: maybe('reliability.availabilityPct'),
  reliability: Reliability,
  calibration: Calibration,
  suites: Type.Array(SuiteRow),
  trend: Type.Array(TrendRow),
});

const ComplianceRow = Type.Object({
  number: Type.Integer(),
  title: Type.String(),
  type: StringEnum(workOrderTypes),
  status: StringEnum(workOrderStatuses),
  dueAt: Timestamp,
  graceMin: Type.Integer(),
  completedAt: Nullable(Timestamp),
  outcome: StringEnum(outcomes),
  assignee: Nullable(Type.String()),
  device: Nullable(Type.String()),
  suite: Nullable(Type.String({ description: "The work order's suite, or its device's suites" })),
  room: Nullable(Type.String()),
});

const DowntimeRow = Type.Object({
  faultId: Uuid,
  deviceId: Uuid,
  device: Type.String(),
  deviceKind: StringEnum(deviceKinds),
  condition: Type.String(),
  severity: StringEnum(severities),
  startedAt: Timestamp,
  endedAt: Nullable(Timestamp, { description: 'null: still down' }),
  restoreMin: maybe('endedAt - startedAt in minutes; null while still down'),
});

const BacklogRow = Type.Object({
  number: Type.Integer(),
  title: Type.String(),
  type: StringEnum(workOrderTypes),
  status: StringEnum(workOrderStatuses),
  dueAt: Timestamp,
  graceMin: Type.Integer(),
  daysOverdue: Type.Integer({ minimum: 0, description: 'Whole days since dueAt' }),
  bucket: Type.String({ description: 'The backlog bucket it counts in: 0-7, 8-30, 31-90, 90+' }),
  assignee: Nullable(Type.String()),
  device: Nullable(Type.String()),
  suite: Nullable(Type.String({ description: "The work order's suite, or its device's suites" })),
  room: Nullable(Type.String()),
});

const LabourRow = Type.Object({
  number: Type.Integer(),
  title: Type.String(),
  type: StringEnum(workOrderTypes),
  startedAt: Nullable(Timestamp),
  completedAt: Timestamp,
  labourMin: maybe('completedAt - startedAt in minutes; null without a start time (not summed)'),
  assignee: Nullable(Type.String()),
  device: Nullable(Type.String()),
  suite: Nullable(Type.String()),
  room: Nullable(Type.String()),
});

const CalibrationRow = Type.Object({
  number: Type.Integer(),
  title: Type.String(),
  template: Type.String(),
  completedAt: Timestamp,
  passed: Type.Boolean(),
  assignee: Nullable(Type.String()),
  device: Nullable(Type.String()),
  suite: Nullable(Type.String()),
  room: Nullable(Type.String()),
});

const FaultRow = Type.Object({
  faultId: Uuid,
  deviceId: Uuid,
  device: Type.String(),
  deviceKind: StringEnum(deviceKinds),
  condition: Type.String(),
  severity: StringEnum(severities, { description: 'The peak severity' }),
  openedAt: Timestamp,
  acknowledgedAt: Nullable(Timestamp, { description: 'null: not acknowledged' }),
  acknowledgeMin: maybe('acknowledgedAt - openedAt in minutes; null when not acknowledged'),
});

const csvNote = 'Send `Accept: text/csv` for a CSV file.';

export const maintenanceReportRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (
  app,
  { ctx },
) => {
  const tags = ['reports'];
  const config = { roles: readers };

  app.get(
    '/',
    {
      config,
      schema: {
        tags,
        summary:
          'Maintenance report: PM compliance, backlog, MTTR, labour, MTTA, MTBF, availability and calibration for a period, with a monthly trend',
        description:
          'Each figure carries the counts behind it and its formula. assigneeId narrows work orders only.',
        querystring: ReportQuery,
        response: { 200: MaintenanceReport, ...errorResponses },
      },
    },
    async (request) => report.maintenanceReport(ctx.db, request.query),
  );
  app.get(
    '/trend',
    {
      config,
      schema: {
        tags,
        summary: 'The report figures per calendar month of the period',
        description: csvNote,
        querystring: ReportQuery,
        response: { 200: Type.Array(TrendRow), ...errorResponses },
      },
    },
    async (request) => report.trend(ctx.db, request.query),
  );
  app.get(
    '/suites',
    {
      config,
      schema: {
        tags,
        summary: 'MTBF and availability over booked hours per suite for a period',
        description: csvNote,
        querystring: ReportQuery,
        response: { 200: Type.Array(SuiteRow), ...errorResponses },
      },
    },
    async (request) => report.suites(ctx.db, request.query),
  );
  app.get(
    '/compliance',
    {
      config,
      schema: {
        tags,
        summary: 'The preventive work orders behind PM compliance, with their outcomes',
        description: csvNote,
        querystring: ReportQuery,
        response: { 200: Type.Array(ComplianceRow), ...errorResponses },
      },
    },
    async (request) => report.complianceRows(ctx.db, request.query),
  );
  app.get(
    '/downtimes',
    {
      config,
      schema: {
        tags,
        summary: 'The failure downtimes behind MTTR',
        description: `Critical and major downtimes, not in maintenance, that started in the period. assigneeId does not apply. ${csvNote}`,
        querystring: ReportQuery,
        response: { 200: Type.Array(DowntimeRow), ...errorResponses },
      },
    },
    async (request) => report.downtimeRows(ctx.db, request.query),
  );
  app.get(
    '/faults',
    {
      config,
      schema: {
        tags,
        summary: 'The failure faults behind MTTA',
        description: `Faults of peak severity critical or major, not in maintenance, opened in the period. assigneeId does not apply. ${csvNote}`,
        querystring: ReportQuery,
        response: { 200: Type.Array(FaultRow), ...errorResponses },
      },
    },
    async (request) => report.faultRows(ctx.db, request.query),
  );
  app.get(
    '/backlog',
    {
      config,
      schema: {
        tags,
        summary: 'The open work behind the overdue backlog, oldest first',
        description: `Scheduled or in-progress work orders past due and grace now, whatever the period. ${csvNote}`,
        querystring: ReportQuery,
        response: { 200: Type.Array(BacklogRow), ...errorResponses },
      },
    },
    async (request) => report.backlogRows(ctx.db, request.query),
  );
  app.get(
    '/labour',
    {
      config,
      schema: {
        tags,
        summary: 'The done work orders behind the labour figure',
        description: csvNote,
        querystring: ReportQuery,
        response: { 200: Type.Array(LabourRow), ...errorResponses },
      },
    },
    async (request) => report.labourRows(ctx.db, request.query),
  );
  app.get(
    '/calibration',
    {
      config,
      schema: {
        tags,
        summary: 'The calibration runs behind the pass rate',
        description: csvNote,
        querystring: ReportQuery,
        response: { 200: Type.Array(CalibrationRow), ...errorResponses },
      },
    },
    async (request) => report.calibrationRows(ctx.db, request.query),
  );
};
