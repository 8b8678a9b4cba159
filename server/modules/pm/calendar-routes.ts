import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Context } from '../../context.ts';
import {
  signoffKinds,
  windowModes,
  windowScopes,
  workOrderStatuses,
  workOrderTypes,
} from '../../domain.ts';
import { errorResponses, Nullable, StringEnum, Timestamp, Uuid } from '../../schemas.ts';
import { calendar, maxPeriodDays } from './calendar.ts';

const CalendarQuery = Type.Object(
  {
    from: Type.String({ format: 'date-time', description: 'Start of the period, inclusive' }),
    to: Type.String({
      format: 'date-time',
      description: `End of the period, exclusive; at most ${maxPeriodDays} days after from`,
    }),
    siteId: Type.Optional(Uuid),
    suiteId: Type.Optional(Uuid),
    roomId: Type.Optional(Uuid),
  },
  {
    additionalProperties: false,
    description:
      'At most one of siteId, suiteId, roomId; none is the whole facility. An id that names nothing is a 400',
  },
);

const Span = Type.Object({ start: Timestamp, end: Timestamp });

const Booking = Type.Object({
  id: Uuid,
  suiteId: Uuid,
  suiteName: Type.String(),
  title: Type.String({ description: 'Client, and the project when there is one' }),
  client: Type.String(),
  project: Type.String(),
  operator: Type.String(),
  start: Timestamp,
  end: Timestamp,
  signoff: Nullable(StringEnum(signoffKinds), {
    description: 'A client approving the grade or the mix',
  }),
  signoffRisk: Nullable(Type.Object({ reason: Type.String(), lastPassAt: Nullable(Timestamp) }), {
    description: 'A sign-off without a current passing calibration: why',
  }),
  movedWork: Type.Array(
    Type.Object({ id: Uuid, number: Type.Integer(), title: Type.String(), reason: Type.String() }),
    { description: 'Work orders moved onto this session on purpose, with the reason given' },
  ),
});

const WorkOrder = Type.Object({
  id: Uuid,
  number: Type.Integer(),
  title: Type.String(),
  type: StringEnum(workOrderTypes),
  status: StringEnum(workOrderStatuses),
  deviceId: Nullable(Uuid),
  deviceName: Nullable(Type.String()),
  suiteId: Nullable(Uuid),
  suiteName: Nullable(Type.String()),
  roomId: Nullable(Uuid),
  roomName: Nullable(Type.String()),
  durationMin: Type.Integer(),
  scheduledStart: Nullable(Timestamp),
  scheduledEnd: Nullable(Timestamp),
  dueAt: Nullable(Timestamp),
  overdue: Type.Boolean(),
  proposedStart: Nullable(Timestamp, { description: 'The slot on offer when none was free' }),
  proposedEnd: Nullable(Timestamp),
  slotNote: Type.String(),
  assigneeId: Nullable(Uuid),
  overrideReason: Nullable(Type.String({ description: 'Why it was moved onto a booking' })),
});

const Window = Type.Object({
  windowId: Uuid,
  title: Type.String(),
  start: Timestamp,
  end: Timestamp,
  mode: StringEnum(windowModes),
  scope: StringEnum(windowScopes),
  scopeId: Uuid,
  scopeName: Nullable(Type.String()),
  workOrderId: Nullable(Uuid, { description: 'The work order whose slot made this window' }),
});

const Calendar = Type.Object({
  from: Timestamp,
  to: Timestamp,
  timezone: Type.String({ description: "The facility's zone: its maintenance hours' zone" }),
  bookings: Type.Array(Booking),
  workOrders: Type.Array(WorkOrder, {
    description:
      'Not cancelled; by slot, or for unplaced work by the slot on offer or the due date. A place shows the work on it, its room, and any device its suites contain or depend on',
  }),
  windows: Type.Array(Window, { description: 'Each occurrence in the period' }),
  maintenanceHours: Type.Array(Span, {
    description: 'When planned work may run, in the period; outside these is out of hours',
  }),
});

export const maintenanceCalendarRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (
  app,
  { ctx },
) => {
  app.get(
    '/calendar',
    {
      schema: {
        tags: ['maintenance'],
        summary: 'Bookings, work orders and maintenance windows of a place over a period',
        querystring: CalendarQuery,
        response: { 200: Calendar, ...errorResponses },
      },
    },
    async (request) => calendar(ctx.db, request.query),
  );
};
