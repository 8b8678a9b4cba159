import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Context } from '../../context.ts';
import { statuses, suiteKinds } from '../../db/schema/index.ts';
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

export const Health = Type.Object({
  status: StringEnum(statuses),
  deviceId: Nullable(Uuid),
  deviceName: Nullable(Type.String()),
  message: Type.String(),
});

const Suite = Type.Object({
  id: Uuid,
  name: Type.String(),
  roomId: Nullable(Uuid),
  kind: Type.String(),
  notes: Type.String(),
  deviceIds: Type.Array(Uuid),
  health: Health,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
const fields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  roomId: Nullable(Uuid),
  kind: StringEnum(suiteKinds),
  notes: Type.String({ maxLength: 10_000 }),
  deviceIds: Type.Array(Uuid, { maxItems: 500 }),
};
const CreateSuite = Type.Object(
  {
    name: fields.name,
    roomId: Type.Optional(fields.roomId),
    kind: Type.Optional(fields.kind),
    notes: Type.Optional(fields.notes),
    deviceIds: Type.Optional(fields.deviceIds),
  },
  { additionalProperties: false },
);
const UpdateSuite = Type.Partial(Type.Object(fields), {
  additionalProperties: false,
  minProperties: 1,
});

export const suiteRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['suites'];
  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Suites with their health',
        querystring: Type.Object({ roomId: Type.Optional(Uuid) }, { additionalProperties: false }),
        response: { 200: Type.Array(Suite), ...errorResponses },
      },
    },
    async (request) => service.listSuites(ctx.db, request.query.roomId),
  );
  app.get(
    '/:id',
    {
      schema: {
        tags,
        summary: 'A suite, its devices and its health',
        params: IdParams,
        response: { 200: Suite, ...errorResponses },
      },
    },
    async (request) => service.getSuite(ctx.db, request.params.id),
  );
  app.post(
    '/',
    {
      config: { roles: editors },
      schema: { tags, body: CreateSuite, response: { 201: Suite, ...errorResponses } },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await service.createSuite(ctx.db, ctx.bus, actor(request), request.body)),
  );
  app.patch(
    '/:id',
    {
      config: { roles: editors },
      schema: {
        tags,
        params: IdParams,
        body: UpdateSuite,
        response: { 200: Suite, ...errorResponses },
      },
    },
    async (request) =>
      service.updateSuite(ctx.db, ctx.bus, actor(request), request.params.id, request.body),
  );
  app.delete(
    '/:id',
    {
      config: { roles: editors },
      schema: { tags, params: IdParams, response: { 200: Ok, ...errorResponses } },
    },
    async (request) => {
      await service.deleteSuite(ctx.db, ctx.bus, actor(request), request.params.id);
      return { ok: true };
    },
  );
};
