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
import { getRouting, routingOfRouter, setRouting } from './routing.ts';
import * as service from './service.ts';

const port = (what: string) =>
  Type.Integer({ minimum: 1, maximum: 9999, description: `${what}, numbered from 1` });
const SuiteRoute = Type.Object({
  routerId: Uuid,
  output: port('Router output'),
  input: port('The input it must show'),
  label: Type.String({ description: 'What the output feeds, e.g. "Grade monitor"' }),
});
const SuiteRouteInput = Type.Object(
  {
    routerId: Uuid,
    output: port('Router output'),
    input: port('The input it must show'),
    label: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const Health = Type.Object({
  status: StringEnum(statuses),
  deviceId: Nullable(Uuid),
  deviceName: Nullable(Type.String()),
  message: Type.String(),
  rootCause: Type.Optional(
    Nullable(
      Type.Object({
        faultId: Uuid,
        deviceId: Uuid,
        deviceName: Type.String(),
        condition: Type.String(),
        message: Type.String(),
      }),
      { description: "The root fault behind the named device's, when it is a consequence" },
    ),
  ),
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
  app.get(
    '/reference-routing',
    {
      schema: {
        tags,
        summary: "Every suite's reference routing on one router, for the router page",
        querystring: Type.Object({ routerId: Uuid }, { additionalProperties: false }),
        response: {
          200: Type.Array(
            Type.Intersect([SuiteRoute, Type.Object({ suiteId: Uuid, suite: Type.String() })]),
          ),
          ...errorResponses,
        },
      },
    },
    async (request) => routingOfRouter(ctx.db, request.query.routerId),
  );
  app.get(
    '/:id/routes',
    {
      schema: {
        tags,
        summary: "The suite's reference routing: which router input each of its outputs must show",
        params: IdParams,
        response: { 200: Type.Array(SuiteRoute), ...errorResponses },
      },
    },
    async (request) => getRouting(ctx.db, request.params.id),
  );
  app.put(
    '/:id/routes',
    {
      config: { roles: editors },
      schema: {
        tags,
        summary: "Replace the suite's reference routing; a difference on the router is critical",
        params: IdParams,
        body: Type.Object(
          { routes: Type.Array(SuiteRouteInput, { maxItems: 500 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(SuiteRoute), ...errorResponses },
      },
    },
    async (request) =>
      setRouting(
        ctx.db,
        ctx.bus,
        actor(request),
        request.params.id,
        request.body.routes.map((r) => ({ ...r, label: r.label ?? '' })),
      ),
  );
};
