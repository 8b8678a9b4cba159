import { Type } from 'typebox';
import { deviceKinds } from '../../db/schema/index.ts';
import { Nullable, StringEnum, Timestamp, Uuid } from '../../schemas.ts';

const Count = Type.Integer({ minimum: 0 });

export const PeriodQuery = Type.Object(
  {
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
  },
  {
    additionalProperties: false,
    description:
      'The period [from, to). Default: the 30 days before to, and to defaults to now; to must be after from',
  },
);

const ByPriority = {
  p1: Count,
  p2: Count,
  p3: Count,
  p4: Count,
  p5: Count,
  total: Count,
};

export const BacklogBucket = Type.Object(
  {
    age: Type.String({ description: 'under 1 day, 1-3 days, 3-7 days, 7-30 days, 30+ days' }),
    minDays: Type.Integer({ description: 'Age at least this many days…' }),
    maxDays: Nullable(Type.Integer(), { description: '…and under this many (null: no limit)' }),
    ...ByPriority,
  },
  { description: 'Open tickets of one age band, by priority (p1 critical … p5 planning)' },
);

export const Backlog = Type.Object({
  asOf: Timestamp,
  buckets: Type.Array(BacklogBucket),
  totals: Type.Object(ByPriority),
});

const minutes = Nullable(Type.Number(), {
  description: 'Mean in minutes, rounded to 0.01; null when count is 0',
});

export const Mtta = Type.Object(
  { minutes, count: Count },
  {
    description:
      'Mean time to acknowledge: responded_at - created_at over tickets created in the period that have a response',
  },
);

export const Mttr = Type.Object(
  {
    minutes,
    count: Count,
    meaning: Type.Literal('restore'),
  },
  {
    description:
      'Mean time to restore over tickets resolved in the period: from the earlier of creation and the earliest linked fault opening, to resolution',
  },
);

export const SlaRow = Type.Object(
  {
    measure: StringEnum(['response', 'resolution'] as const),
    priority: Type.Integer({ minimum: 1, maximum: 5 }),
    withTarget: Type.Integer({
      description:
        'Tickets whose clock stopped in the period (responded_at or resolved_at) and that had a due time',
    }),
    met: Type.Integer({ description: 'Of those, stopped at or before the due time' }),
    breached: Type.Integer({ description: 'Of those, stopped after the due time' }),
    attainment: Nullable(Type.Number(), {
      description: 'met / withTarget, 0..1 rounded to 0.0001; null without a target',
    }),
  },
  { description: 'SLA attainment: one row per measure and priority' },
);

export const SuiteCount = Type.Object(
  {
    suiteId: Uuid,
    suiteName: Type.String(),
    count: Type.Integer({ description: 'Tickets created in the period that touch the suite' }),
    open: Type.Integer({ description: 'Of those, not resolved or closed now' }),
  },
  {
    description:
      "A suite's tickets: named on the ticket or through one of its devices, each ticket once",
  },
);

export const DeviceKindCount = Type.Object({
  kind: StringEnum(deviceKinds),
  count: Type.Integer({ description: 'Tickets created in the period naming a device of the kind' }),
  open: Type.Integer({ description: 'Of those, not resolved or closed now' }),
});

export const HelpdeskReport = Type.Object({
  from: Timestamp,
  to: Timestamp,
  backlog: Backlog,
  mtta: Mtta,
  mttr: Mttr,
  sla: Type.Array(SlaRow),
  perSuite: Type.Array(SuiteCount),
  perDeviceKind: Type.Array(DeviceKindCount),
});
