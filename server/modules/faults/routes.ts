import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Context } from '../../context.ts';
import { deviceKinds, faultStates, severities } from '../../db/schema/index.ts';
import type { Severity } from '../../domain.ts';
import { Invalid } from '../../errors.ts';
import { actor } from '../../plugins/auth.ts';
import { errorResponses, IdParams, Nullable, StringEnum, Timestamp, Uuid } from '../../schemas.ts';
import * as service from './service.ts';

export const Fault = Type.Object({
  id: Uuid,
  deviceId: Uuid,
  deviceName: Type.String(),
  deviceKind: StringEnum(deviceKinds),
  checkId: Nullable(Uuid),
  condition: Type.String({
    description: "'unreachable', 'no_data', a reading, 'check.<kind>', 'trap.link_down[N]'",
  }),
  source: StringEnum(['check', 'trap', 'silence'] as const),
  severity: StringEnum(severities),
  peakSeverity: StringEnum(severities),
  state: StringEnum(faultStates),
  console: StringEnum(['current', 'acknowledged', 'latched', 'closed'] as const, {
    description: 'latched: cleared while unacknowledged; it stays on the console until dismissed',
  }),
  message: Type.String(),
  openedAt: Timestamp,
  restoredAt: Nullable(Timestamp, { description: 'When the good state began' }),
  clearedAt: Nullable(Timestamp, { description: 'When the hold-down confirmed it' }),
  acknowledgedAt: Nullable(Timestamp),
  acknowledgedBy: Nullable(Type.String()),
  ackComment: Nullable(Type.String()),
  owner: Nullable(Type.String()),
  shelvedUntil: Nullable(Timestamp),
  shelveReason: Nullable(Type.String()),
  shelvedBy: Nullable(Type.String()),
  dismissedAt: Nullable(Timestamp),
  suppressedBy: Nullable(Uuid, { description: 'The root fault this one is a consequence of' }),
  consequences: Type.Integer({ description: 'Open faults folded under this one' }),
  flapping: Type.Boolean(),
  inMaintenance: Type.Boolean(),
  notifiedAt: Nullable(Timestamp),
  suiteIds: Type.Array(Uuid),
  roomIds: Type.Array(Uuid),
  siteIds: Type.Array(Uuid),
});

const FaultDetail = Type.Intersect([
  Fault,
  Type.Object({
    timeline: Type.Array(
      Type.Object({
        at: Timestamp,
        kind: Type.String(),
        severity: Nullable(StringEnum(severities)),
        actor: Type.String(),
        detail: Type.String(),
      }),
    ),
    consequenceFaults: Type.Array(Fault),
    downtime: Nullable(
      Type.Object({
        start: Timestamp,
        end: Nullable(Timestamp, { description: 'When the good state returned' }),
        inMaintenance: Type.Boolean({ description: 'The outage ran into a maintenance window' }),
      }),
    ),
  }),
]);

const Query = Type.Object(
  {
    state: Type.Optional(
      StringEnum(['open', 'cleared', 'all', 'active'] as const, {
        description: 'active (the default) is the console: open, or cleared and latched',
      }),
    ),
    severity: Type.Optional(
      Type.String({ description: 'One severity or several, comma-separated', maxLength: 100 }),
    ),
    deviceId: Type.Optional(Uuid),
    suiteId: Type.Optional(Uuid),
    roomId: Type.Optional(Uuid),
    siteId: Type.Optional(Uuid),
    deviceKind: Type.Optional(StringEnum(deviceKinds)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000 })),
  },
  { additionalProperties: false },
);

function severitiesOf(raw: string | undefined): Severity[] | undefined {
  if (!raw) return undefined;
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of list) {
    if (!(severities as readonly string[]).includes(s)) {
      throw new Invalid(`querystring.severity: '${s}' is not one of ${severities.join(', ')}`);
    }
  }
  return list as Severity[];
}

export const faultRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['faults'];
  // Managers review; the people on shift work the console.
  const operators = { roles: ['junior', 'engineer', 'admin'] as const };
  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Faults, worst first, then oldest first',
        querystring: Query,
        response: { 200: Type.Array(Fault), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      return service.listFaults(ctx, {
        state: q.state ?? 'active',
        severities: severitiesOf(q.severity),
        deviceId: q.deviceId,
        suiteId: q.suiteId,
        roomId: q.roomId,
        siteId: q.siteId,
        deviceKind: q.deviceKind,
        limit: q.limit,
      });
    },
  );
  app.get(
    '/:id',
    {
      schema: {
        tags,
        summary: 'One fault with its timeline, downtime and the faults folded under it',
        params: IdParams,
        response: { 200: FaultDetail, ...errorResponses },
      },
    },
    async (request) => service.getFault(ctx, request.params.id),
  );
  const action = (
    path: string,
    summary: string,
    body: ReturnType<typeof Type.Object> | null,
    toAction: (body: Record<string, unknown>) => Parameters<typeof service.act>[2],
  ) =>
    app.post(
      `/:id/${path}`,
      {
        config: operators,
        schema: {
          tags,
          summary,
          params: IdParams,
          ...(body ? { body } : {}),
          response: { 200: FaultDetail, ...errorResponses },
        },
      },
      async (request) =>
        service.act(
          ctx,
          request.params.id,
          toAction((request.body ?? {}) as Record<string, unknown>),
          actor(request),
        ),
    );
  // Actions with nothing to say take no body.
  const Empty = null;
  action(
    'ack',
    'Acknowledge an open fault, with an optional comment; stops its reminders',
    Type.Object(
      { comment: Type.Optional(Type.String({ maxLength: 2000 })) },
      { additionalProperties: false },
    ),
    (b) => ({ kind: 'ack', comment: typeof b.comment === 'string' ? b.comment.trim() : '' }),
  );
  action('take', 'Take ownership of a fault', Empty, () => ({ kind: 'take' }));
  action(
    'shelve',
    'Shelve a fault for a time: off the console and quiet until then. A reason is required',
    Type.Object(
      {
        reason: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' }),
        minutes: Type.Integer({ minimum: 1, maximum: 10_080 }),
      },
      { additionalProperties: false },
    ),
    (b) => ({ kind: 'shelve', reason: String(b.reason).trim(), minutes: Number(b.minutes) }),
  );
  action('unshelve', 'Put a shelved fault back on the console', Empty, () => ({
    kind: 'unshelve',
  }));
  action(
    'dismiss',
    'Take a latched (cleared, unacknowledged) fault off the console',
    Empty,
    () => ({
      kind: 'dismiss',
    }),
  );
};
