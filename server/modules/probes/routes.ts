import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Context } from '../../context.ts';
import { probeStates } from '../../db/schema/index.ts';
import { actor, principalOf } from '../../plugins/auth.ts';
import {
  errorResponses,
  IdParams,
  Nullable,
  Ok,
  StringEnum,
  Timestamp,
  Uuid,
} from '../../schemas.ts';
import * as service from './service.ts';

export const Probe = Type.Object({
  id: Uuid,
  name: Type.String(),
  siteId: Nullable(Uuid),
  description: Type.String(),
  builtin: Type.Boolean({ description: "The server's own probe, which runs unassigned checks" }),
  state: StringEnum(probeStates, {
    description: 'new: never heard from; up: heartbeating; down: three heartbeats missed',
  }),
  stateChangedAt: Timestamp,
  lastSeenAt: Nullable(Timestamp),
  lastAddress: Type.String(),
  version: Type.String(),
  stats: Type.Record(Type.String(), Type.Number(), {
    description: 'From its last heartbeat: checks, runs, failures, spooled results',
  }),
  heartbeatS: Type.Integer(),
  checks: Type.Integer({ description: 'Enabled checks assigned to it' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const SiteId = Nullable(Uuid);
const Description = Type.String({ maxLength: 2000 });

export const probeRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['probes'];
  const admin = { roles: ['admin'] as const };
  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Probes, with their heartbeat state',
        response: { 200: Type.Array(Probe), ...errorResponses },
      },
    },
    async () => service.listProbes(ctx.db),
  );
  app.get(
    '/:id',
    { schema: { tags, params: IdParams, response: { 200: Probe, ...errorResponses } } },
    async (request) => service.getProbe(ctx.db, request.params.id),
  );
  app.post(
    '/',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Register a remote probe; its token is shown once',
        body: Type.Object(
          {
            name: Name,
            siteId: Type.Optional(SiteId),
            description: Type.Optional(Description),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ probe: Probe, token: Type.String() }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await service.createProbe(ctx, principalOf(request), actor(request), request.body)),
  );
  app.patch(
    '/:id',
    {
      config: admin,
      schema: {
        tags,
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Name),
            siteId: Type.Optional(SiteId),
            description: Type.Optional(Description),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Probe, ...errorResponses },
      },
    },
    async (request) => service.updateProbe(ctx, actor(request), request.params.id, request.body),
  );
  app.post(
    '/:id/token',
    {
      config: admin,
      schema: {
        tags,
        summary: "Revoke the probe's token and issue a new one, shown once",
        params: IdParams,
        response: { 200: Type.Object({ token: Type.String() }), ...errorResponses },
      },
    },
    async (request) =>
      service.rotateToken(ctx, principalOf(request), actor(request), request.params.id),
  );
  app.delete(
    '/:id',
    {
      config: admin,
      schema: {
        tags,
        summary: "Delete a probe; its checks go back to the server's own probe",
        params: IdParams,
        response: { 200: Ok, ...errorResponses },
      },
    },
    async (request) => {
      await service.deleteProbe(ctx, actor(request), request.params.id);
      return { ok: true };
    },
  );
};
