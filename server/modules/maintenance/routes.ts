import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Context } from '../../context.ts';
import { recurrences, windowModes, windowScopes } from '../../domain.ts';
import { actor } from '../../plugins/auth.ts';
import {
  errorResponses,
  IdParams,
  Nullable,
  Ok,
  StringEnum,
  Timestamp,
  Uuid,
} from '../../schemas.ts';
import { editors } from '../roles.ts';
import * as service from './service.ts';

const fields = {
  scope: StringEnum(windowScopes),
  scopeId: Uuid,
  mode: StringEnum(windowModes, {
    description: "record: faults open flagged and are not notified; skip: don't evaluate",
  }),
  reason: Type.String({ maxLength: 500 }),
  startsAt: Type.String({ format: 'date-time', description: 'The first occurrence starts' }),
  endsAt: Type.String({
    format: 'date-time',
    description: 'The first occurrence ends; every repeat lasts as long',
  }),
  timezone: Type.String({
    maxLength: 64,
    description: 'IANA zone whose wall clock the repeats keep, e.g. Europe/London',
  }),
  // No schema default: ajv would write it into every PATCH body and turn weekly windows one-off.
  recurrence: StringEnum(recurrences, { description: "How it repeats; 'none' when left out" }),
  weekdays: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
    uniqueItems: true,
    maxItems: 7,
    description: "ISO weekdays (1 = Monday) of a weekly window; empty: startsAt's weekday",
  }),
  until: Nullable(Timestamp, { description: 'No repeat starts after this' }),
};

const windowFields = {
  id: Uuid,
  scope: fields.scope,
  scopeId: Uuid,
  mode: fields.mode,
  reason: Type.String(),
  startsAt: Timestamp,
  endsAt: Timestamp,
  timezone: Type.String(),
  recurrence: StringEnum(recurrences),
  weekdays: Type.Array(Type.Integer()),
  until: Nullable(Timestamp),
  createdById: Nullable(Uuid),
  createdBy: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  activeNow: Type.Boolean({ description: 'An occurrence is running now' }),
};
const Window = Type.Object(windowFields);
const Occurrence = Type.Object({ start: Timestamp, end: Timestamp });
const WindowDetail = Type.Object({
  ...windowFields,
  nextOccurrences: Type.Array(Occurrence, {
    description: 'The running occurrence, if any, then the next ones; five in all',
  }),
});

const CreateWindow = Type.Object(
  {
    scope: fields.scope,
    scopeId: fields.scopeId,
    mode: fields.mode,
    reason: fields.reason,
    startsAt: fields.startsAt,
    endsAt: fields.endsAt,
    timezone: fields.timezone,
    recurrence: Type.Optional(fields.recurrence),
    weekdays: Type.Optional(fields.weekdays),
    until: Type.Optional(fields.until),
  },
  { additionalProperties: false },
);
const UpdateWindow = Type.Partial(Type.Object(fields), {
  additionalProperties: false,
  minProperties: 1,
});

export const maintenanceWindowRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (
  app,
  { ctx },
) => {
  const tags = ['maintenance'];
  const changed = (id: string) =>
    ctx.bus.publish({ type: 'changed', entity: 'maintenance-window', id });
  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Maintenance windows, latest start first',
        querystring: Type.Object(
          {
            active: Type.Optional(
              Type.Boolean({ description: 'true: running now; false: not running now' }),
            ),
            scope: Type.Optional(fields.scope),
            scopeId: Type.Optional(Uuid),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(Window), ...errorResponses },
      },
    },
    async (request) => service.listWindows(ctx.db, request.query),
  );
  app.get(
    '/:id',
    { schema: { tags, params: IdParams, response: { 200: WindowDetail, ...errorResponses } } },
    async (request) => service.getWindow(ctx.db, request.params.id),
  );
  app.post(
    '/',
    {
      config: { roles: editors },
      schema: { tags, body: CreateWindow, response: { 201: WindowDetail, ...errorResponses } },
    },
    async (request, reply) => {
      const window = await service.createWindow(ctx.db, actor(request), request.body);
      changed(window.id);
      return reply.status(201).send(window);
    },
  );
  app.patch(
    '/:id',
    {
      config: { roles: editors },
      schema: {
        tags,
        params: IdParams,
        body: UpdateWindow,
        response: { 200: WindowDetail, ...errorResponses },
      },
    },
    async (request) => {
      const window = await service.updateWindow(
        ctx.db,
        actor(request),
        request.params.id,
        request.body,
      );
      changed(window.id);
      return window;
    },
  );
  app.delete(
    '/:id',
    {
      config: { roles: editors },
      schema: { tags, params: IdParams, response: { 200: Ok, ...errorResponses } },
    },
    async (request) => {
      await service.deleteWindow(ctx.db, actor(request), request.params.id);
      changed(request.params.id);
      return { ok: true };
    },
  );
};
