import { Type } from 'typebox';
import {
  deviceKinds,
  levels,
  problemStatuses,
  severities,
  ticketCategories,
  ticketEventKinds,
  ticketStatuses,
  workOrderStatuses,
} from '../../domain.ts';
import { Nullable, StringEnum, Timestamp, Uuid } from '../../schemas.ts';

export const Level = StringEnum(levels);
export const Priority = Type.Integer({ minimum: 1, maximum: 5 });
export const Status = StringEnum(ticketStatuses);
export const Category = StringEnum(ticketCategories);

const Text = (maxLength: number) => Type.String({ maxLength });
const Ids = Type.Array(Uuid, { maxItems: 200 });
const Tags = Type.Array(Type.String({ maxLength: 40 }), { maxItems: 30 });

export const CreateTicket = Type.Object(
  {
    title: Text(200),
    description: Type.Optional(Text(20_000)),
    category: Type.Optional(Category),
    suiteIds: Type.Optional(Ids),
    deviceIds: Type.Optional(Ids),
    urgency: Type.Optional(
      StringEnum(levels, {
        description: "The reporter's proposed urgency; it can raise, never lower, the derived one",
      }),
    ),
    tags: Type.Optional(Tags),
    reproductionSteps: Type.Optional(Text(20_000)),
    workaround: Type.Optional(Text(20_000)),
    assigneeId: Type.Optional(Uuid),
    team: Type.Optional(Text(80)),
    faultIds: Type.Optional(Type.Array(Uuid, { maxItems: 50 })),
  },
  { additionalProperties: false },
);

export const UpdateTicket = Type.Object(
  {
    title: Type.Optional(Text(200)),
    description: Type.Optional(Text(20_000)),
    category: Type.Optional(Category),
    suiteIds: Type.Optional(Ids),
    deviceIds: Type.Optional(Ids),
    reproductionSteps: Type.Optional(Text(20_000)),
    workaround: Type.Optional(Text(20_000)),
    rootCause: Type.Optional(Text(20_000)),
    resolution: Type.Optional(Text(20_000)),
    tags: Type.Optional(Tags),
    assigneeId: Type.Optional(Nullable(Uuid)),
    team: Type.Optional(Nullable(Text(80))),
    urgency: Type.Optional(Nullable(Level)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const Transition = Type.Object(
  {
    to: Status,
    note: Type.Optional(Text(20_000)),
    resolution: Type.Optional(Text(20_000)),
  },
  { additionalProperties: false },
);

export const TriageBody = Type.Object(
  {
    impact: Type.Optional(Nullable(Level)),
    urgency: Type.Optional(Nullable(Level)),
    priority: Type.Optional(Nullable(Priority)),
    reason: Type.Optional(Text(2000)),
    assigneeId: Type.Optional(Nullable(Uuid)),
    team: Type.Optional(Nullable(Text(80))),
  },
  {
    additionalProperties: false,
    description:
      'Re-derives impact and urgency now; a value overrides (needs reason), null clears an override',
  },
);

export const Escalate = Type.Object(
  {
    assigneeId: Type.Optional(Nullable(Uuid)),
    team: Type.Optional(Nullable(Text(80))),
    briefing: Text(20_000),
  },
  { additionalProperties: false },
);

export const CommentBody = Type.Object(
  { body: Text(20_000), internal: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const WorklogBody = Type.Object(
  {
    minutes: Type.Integer({ minimum: 1, maximum: 1440 }),
    note: Type.Optional(Text(2000)),
    at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

export const Preview = Type.Object(
  { suiteIds: Type.Optional(Ids), deviceIds: Type.Optional(Ids), urgency: Type.Optional(Level) },
  { additionalProperties: false },
);

const Reasons = Type.Object({ impact: Type.String(), urgency: Type.String() });
const Effective = { impact: Level, urgency: Level, priority: Priority };
const Override = Type.Object({
  value: Type.Union([Type.String(), Type.Integer()]),
  reason: Type.String(),
  by: Type.String(),
  at: Timestamp,
});
const TriageRecord = Type.Object({
  derived: Type.Object(Effective),
  reasons: Reasons,
  proposedUrgency: Nullable(Level),
  overrides: Type.Object({
    impact: Type.Optional(Override),
    urgency: Type.Optional(Override),
    priority: Type.Optional(Override),
  }),
});

export const PreviewResult = Type.Object({
  ...Effective,
  derived: Type.Object(Effective),
  reasons: Reasons,
});

export const Draft = Type.Object({
  title: Type.String(),
  description: Type.String(),
  category: Category,
  suiteIds: Type.Array(Uuid),
  deviceIds: Type.Array(Uuid),
  faultIds: Type.Array(Uuid),
  triage: Type.Object({ ...Effective, reasons: Reasons }),
});

const Timer = Type.Object({
  targetMinutes: Nullable(Type.Number()),
  dueAt: Nullable(Timestamp),
  warnAt: Nullable(Timestamp),
  elapsedMinutes: Type.Number(),
  remainingMinutes: Nullable(Type.Number()),
  paused: Type.Boolean(),
  breached: Type.Boolean(),
  met: Nullable(Type.Boolean()),
  state: StringEnum(['none', 'running', 'warning', 'paused', 'met', 'breached'] as const),
});

const common = {
  id: Uuid,
  number: Type.Integer(),
  title: Type.String(),
  category: Category,
  status: Status,
  ...Effective,
  source: StringEnum(['manual', 'fault'] as const),
  reporter: Type.String(),
  assigneeId: Nullable(Uuid),
  assignee: Nullable(Type.String()),
  team: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  respondedAt: Nullable(Timestamp),
  resolvedAt: Nullable(Timestamp),
  responseDueAt: Nullable(Timestamp),
  resolutionDueAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

export const TicketItem = Type.Object({
  ...common,
  suites: Type.Array(Type.String(), {
    description: 'Named on the ticket, or holding a named device',
  }),
  paused: Type.Boolean(),
  breached: Type.Boolean({ description: 'The resolution due time has passed (or was missed)' }),
});

const Named = Type.Object({ id: Uuid, name: Type.String() });

export const Ticket = Type.Object({
  ...common,
  description: Type.String(),
  triage: TriageRecord,
  reporterId: Nullable(Uuid),
  reproductionSteps: Type.String(),
  workaround: Type.String(),
  rootCause: Type.String(),
  resolution: Type.String(),
  problemId: Nullable(Uuid),
  problem: Nullable(
    Type.Object({
      id: Uuid,
      number: Type.Integer(),
      title: Type.String(),
      status: StringEnum(problemStatuses),
    }),
  ),
  workOrderId: Nullable(Uuid, { description: 'The work order whose failed step opened it' }),
  workOrder: Nullable(
    Type.Object({
      id: Uuid,
      number: Type.Integer(),
      title: Type.String(),
      status: StringEnum(workOrderStatuses),
    }),
  ),
  pauses: Type.Array(Type.Object({ from: Timestamp, to: Nullable(Timestamp) })),
  resolvedById: Nullable(Uuid),
  closedAt: Nullable(Timestamp),
  alertAt: Nullable(Timestamp, {
    description: 'When the next SLA warning or breach message is owed',
  }),
  alerts: Type.Record(Type.String(), Timestamp, {
    description: 'SLA messages sent, each with the due time it was about',
  }),
  suites: Type.Array(Named),
  devices: Type.Array(
    Type.Object({ id: Uuid, name: Type.String(), kind: StringEnum(deviceKinds) }),
  ),
  faults: Type.Array(
    Type.Object({
      id: Uuid,
      deviceId: Uuid,
      deviceName: Type.String(),
      deviceKind: StringEnum(deviceKinds),
      condition: Type.String(),
      severity: StringEnum(severities),
      state: Type.String(),
      message: Type.String(),
      openedAt: Timestamp,
      clearedAt: Nullable(Timestamp),
    }),
  ),
  attachments: Type.Array(
    Type.Object({
      id: Uuid,
      filename: Type.String(),
      contentType: Type.String(),
      size: Type.Integer(),
      sha256: Type.String(),
      createdBy: Type.String(),
      createdAt: Timestamp,
    }),
  ),
  timeSpentMinutes: Type.Integer(),
  sla: Type.Object({ response: Timer, resolution: Timer, paused: Type.Boolean() }),
  allowedMoves: Type.Array(Status, { description: 'Where the caller may move the ticket now' }),
  runbooks: Type.Array(Type.Object({ id: Uuid, title: Type.String() })),
});

export const TicketEvent = Type.Object({
  id: Type.Integer(),
  ticketId: Uuid,
  at: Timestamp,
  kind: StringEnum(ticketEventKinds),
  actorId: Nullable(Uuid),
  actor: Type.String(),
  body: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
  minutes: Nullable(Type.Integer()),
});

export const ListQuery = Type.Object(
  {
    view: Type.Optional(
      StringEnum(['queue', 'new', 'mine', 'review', 'all'] as const, {
        description:
          'queue: open tickets by priority then resolution due (default); new: awaiting triage; mine: assigned to me; review: pending review; all: newest first',
      }),
    ),
    q: Type.Optional(
      Type.String({ maxLength: 200, description: 'Full-text search (web search syntax)' }),
    ),
    status: Type.Optional(Type.Array(Status)),
    priority: Type.Optional(Type.Array(Priority)),
    category: Type.Optional(Category),
    assigneeId: Type.Optional(Uuid),
    suiteId: Type.Optional(Uuid),
    deviceId: Type.Optional(Uuid),
    problemId: Type.Optional(Uuid),
    tag: Type.Optional(Type.String({ maxLength: 40 })),
    number: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 2_147_483_647,
        description: 'The ticket with this number',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);

const Span = Type.Tuple([
  Type.String({ pattern: '^\\d{2}:\\d{2}$' }),
  Type.String({ pattern: '^\\d{2}:\\d{2}$' }),
]);
const Targets = Type.Object(
  {
    responseMinutes: Nullable(Type.Integer({ minimum: 1, maximum: 525_600 })),
    resolutionMinutes: Nullable(Type.Integer({ minimum: 1, maximum: 525_600 })),
    clock: StringEnum(['business', 'continuous'] as const),
  },
  { additionalProperties: false },
);
const Row = Type.Object(
  { high: Priority, medium: Priority, low: Priority },
  { additionalProperties: false },
);

export const Settings = Type.Object(
  {
    matrix: Type.Object({ high: Row, medium: Row, low: Row }, { additionalProperties: false }),
    sla: Type.Object(
      { '1': Targets, '2': Targets, '3': Targets, '4': Targets, '5': Targets },
      { additionalProperties: false },
    ),
    calendar: Type.Object(
      {
        timezone: Type.String({ maxLength: 64 }),
        week: Type.Array(Type.Array(Span, { maxItems: 8 }), { minItems: 7, maxItems: 7 }),
        holidays: Type.Array(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), { maxItems: 400 }),
      },
      { additionalProperties: false },
    ),
    urgencyWindowHours: Type.Number({ minimum: 0.25, maximum: 168 }),
    sharedSuites: Type.Integer({ minimum: 2, maximum: 1000 }),
    faultTicketSeverity: Nullable(StringEnum(severities)),
    teams: Type.Array(Type.String({ maxLength: 80 }), { maxItems: 50 }),
    warnFraction: Type.Number({ minimum: 0, maximum: 0.9 }),
  },
  { additionalProperties: false },
);
export const SettingsPatch = Type.Partial(Settings, {
  additionalProperties: false,
  minProperties: 1,
});
