import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { probeKindNames } from '../../../probes/registry.ts';
import type { Context } from '../../context.ts';
import { statuses } from '../../db/schema/index.ts';
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

const Check = Type.Object({
  id: Uuid,
  deviceId: Uuid,
  kind: Type.String(),
  intervalS: Type.Integer(),
  config: Type.Record(Type.String(), Type.Unknown()),
  enabled: Type.Boolean(),
  lastStatus: Nullable(StringEnum(statuses)),
  lastMessage: Type.String(),
  lastDurationMs: Nullable(Type.Number()),
  lastRunAt: Nullable(Timestamp),
  facts: Type.Record(Type.String(), Type.String(), {
    description: 'What the last run learned about the device: matched profile, sysDescr, model',
  }),
  probeId: Nullable(Uuid, { description: "The probe that runs it; null: the server's own" }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
const IntervalS = Type.Integer({
  minimum: 5,
  maximum: 86_400,
  description: 'Seconds between runs, 5 to 86400',
});
const Config = Type.Record(Type.String(), Type.Unknown(), {
  description: "The probe kind's settings, e.g. {url} for http",
});
const ProbeId = Nullable(Uuid, {
  description: "The remote probe that runs this check; null or absent: the server's own probe",
});
const CreateCheck = Type.Object(
  {
    deviceId: Uuid,
    kind: StringEnum(probeKindNames as unknown as readonly [string, ...string[]]),
    intervalS: IntervalS,
    config: Config,
    enabled: Type.Optional(Type.Boolean()),
    probeId: Type.Optional(ProbeId),
  },
  { additionalProperties: false },
);
const UpdateCheck = Type.Object(
  {
    intervalS: Type.Optional(IntervalS),
    config: Type.Optional(Config),
    enabled: Type.Optional(Type.Boolean()),
    probeId: Type.Optional(ProbeId),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const checkRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['checks'];
  app.get(
    '/',
    {
      schema: {
        tags,
        querystring: Type.Object(
          { deviceId: Type.Optional(Uuid) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(Check), ...errorResponses },
      },
    },
    async (request) => service.listChecks(ctx.db, request.query.deviceId),
  );
  app.get(
    '/:id',
    { schema: { tags, params: IdParams, response: { 200: Check, ...errorResponses } } },
    async (request) => service.getCheck(ctx.db, request.params.id),
  );
  app.post(
    '/',
    {
      config: { roles: editors },
      schema: { tags, body: CreateCheck, response: { 201: Check, ...errorResponses } },
    },
    async (request, reply) =>
      reply.status(201).send(await service.createCheck(ctx, actor(request), request.body)),
  );
  app.patch(
    '/:id',
    {
      config: { roles: editors },
      schema: {
        tags,
        params: IdParams,
        body: UpdateCheck,
        response: { 200: Check, ...errorResponses },
      },
    },
    async (request) => service.updateCheck(ctx, actor(request), request.params.id, request.body),
  );
  app.delete(
    '/:id',
    {
      config: { roles: editors },
      schema: { tags, params: IdParams, response: { 200: Ok, ...errorResponses } },
    },
    async (request) => {
      await service.deleteCheck(ctx, actor(request), request.params.id);
      return { ok: true };
    },
  );
};
